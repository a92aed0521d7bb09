//! `new`, `projects`, `use`, `tracks`, `open`, `jobs`: projects and what is known of them.

use nemo_core::error::Error;
use nemo_core::model::Project;
use nemo_daemon_client::wire::JobView;
use serde_json::json;

use super::Ctx;
use crate::failure::CliError;
use crate::report::{self, table};

/// `new [NAME]`.
pub async fn new(ctx: &Ctx<'_>, name: &str) -> Result<(), CliError> {
    let project = ctx.nemo.new_project(name, ctx.reporter).await?;
    if ctx.offline() {
        ctx.reporter.done(
            &format!("Created project {:?} (session {}), kept on this machine", project.name, project.session_id),
            json!({"name": project.name, "session_id": project.session_id.as_str(), "task_id": project.task_id.as_str(), "link": null}),
        );
        return Ok(());
    }
    let link = ctx.nemo.claim_link(ctx.reporter).await?;
    ctx.reporter.done(
        &format!("Created project {:?} (session {})\nOpen in a browser: {link}", project.name, project.session_id),
        json!({"name": project.name, "session_id": project.session_id.as_str(), "task_id": project.task_id.as_str(), "link": link}),
    );
    Ok(())
}

/// `projects`.
pub async fn list(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let projects = ctx.nemo.projects().await?;
    let current = match ctx.nemo.current_project().await {
        Ok(project) => Some(project.session_id),
        Err(Error::NoProject) => None,
        Err(error) => return Err(error.into()),
    };
    let is_current = |p: &Project| current.as_ref() == Some(&p.session_id);
    let text = if projects.is_empty() {
        "No projects yet: create one with `nemoctl new NAME`.".to_owned()
    } else {
        let rows = projects.iter().map(|p| [p.name.clone(), p.session_id.as_str().to_owned(), p.created.to_rfc3339()]);
        let marks = std::iter::once(' ').chain(projects.iter().map(|p| if is_current(p) { '*' } else { ' ' }));
        let table = table(["NAME", "SESSION", "CREATED"], rows);
        marks.zip(table.lines()).map(|(mark, line)| format!("{mark} {line}")).collect::<Vec<_>>().join("\n")
    };
    let list: Vec<_> = projects
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "session_id": p.session_id.as_str(),
                "task_id": p.task_id.as_str(),
                "created": p.created.to_rfc3339(),
                "current": is_current(p),
            })
        })
        .collect();
    ctx.reporter.done(&text, json!({"projects": list}));
    Ok(())
}

/// `use NAME|ID`.
pub async fn switch(ctx: &Ctx<'_>, name_or_id: &str) -> Result<(), CliError> {
    let project = ctx.nemo.use_project(name_or_id).await?;
    ctx.reporter.done(
        &format!("Now using project {:?} (session {})", project.name, project.session_id),
        json!({"name": project.name, "session_id": project.session_id.as_str()}),
    );
    Ok(())
}

/// `tracks`.
pub async fn tracks(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let report = ctx.nemo.tracks(ctx.reporter).await?;
    ctx.reporter.done(
        &report.summary,
        json!({
            "project": report.project.name,
            "session_id": report.project.session_id.as_str(),
            "summary": report.summary,
            "draft": report.draft.as_ref().map(nemo_core::draft::Draft::to_value),
        }),
    );
    Ok(())
}

/// `open`.
pub async fn open(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(
            "Offline projects have no web page: `nemoctl --offline tracks` shows the timeline and `export` renders it.",
            json!({"link": null}),
        );
        return Ok(());
    }
    let link = ctx.nemo.claim_link(ctx.reporter).await?;
    ctx.reporter.done(&link, json!({"link": link}));
    Ok(())
}

/// `jobs`.
pub async fn jobs(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let jobs = ctx.nemo.jobs().await?;
    report::jobs(ctx.reporter, jobs.iter().map(JobView::of).collect(), "No render jobs yet.");
    Ok(())
}
