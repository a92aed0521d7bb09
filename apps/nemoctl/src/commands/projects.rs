//! `new`, `projects`, `use`, `tracks`, `open`, `jobs`: projects and what is known of them. The
//! `show_*` functions print a result the same way whether it came from this process or from
//! nemod.

use nemo_core::error::Error;
use nemo_daemon_client::wire::{JobView, LinkView, ProjectList, ProjectView, TracksView};
use serde_json::json;

use super::Ctx;
use crate::failure::CliError;
use crate::report::{self, Reporter, table_within, value_of};
use crate::width;

/// `new [NAME]`.
pub async fn new(ctx: &Ctx<'_>, name: &str) -> Result<(), CliError> {
    let project = ctx.nemo.new_project(name, ctx.reporter).await?;
    let link = if ctx.offline() { None } else { Some(ctx.nemo.claim_link(ctx.reporter).await?) };
    show_new(ctx.reporter, &ProjectView::of(&project, Some(&project.session_id)), &LinkView { link });
    Ok(())
}

/// Prints a new project and its browser link (offline: that it is kept on this machine).
pub fn show_new(reporter: &Reporter, project: &ProjectView, link: &LinkView) {
    let whereabouts = match &link.link {
        Some(link) => format!("\nOpen in a browser: {link}"),
        None => ", kept on this machine".to_owned(),
    };
    reporter.done(
        &format!("Created project {:?} (session {}){whereabouts}", project.name, project.session_id),
        json!({"name": project.name, "session_id": project.session_id, "task_id": project.task_id, "link": link.link}),
    );
}

/// `projects`.
pub async fn list(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let projects = ctx.nemo.projects().await?;
    let current = match ctx.nemo.current_project().await {
        Ok(project) => Some(project.session_id),
        Err(Error::NoProject) => None,
        Err(error) => return Err(error.into()),
    };
    let projects = projects.iter().map(|p| ProjectView::of(p, current.as_ref())).collect();
    show_list(ctx.reporter, &ProjectList { projects });
    Ok(())
}

/// Prints the projects, the current one marked `*`.
pub fn show_list(reporter: &Reporter, list: &ProjectList) {
    let projects = &list.projects;
    let text = if projects.is_empty() {
        "No projects yet: create one with `nemoctl new NAME`.".to_owned()
    } else {
        let rows = projects.iter().map(|p| [p.name.clone(), p.session_id.clone(), p.created.clone()]);
        let marks = std::iter::once(' ').chain(projects.iter().map(|p| if p.current { '*' } else { ' ' }));
        // Two columns go to the mark.
        let columns = width::stdout_columns().map(|c| c.saturating_sub(2));
        let table = table_within(["NAME", "SESSION", "CREATED"], rows, columns);
        marks.zip(table.lines()).map(|(mark, line)| format!("{mark} {line}")).collect::<Vec<_>>().join("\n")
    };
    reporter.done(&text, value_of(list));
}

/// `use NAME|ID`.
pub async fn switch(ctx: &Ctx<'_>, name_or_id: &str) -> Result<(), CliError> {
    let project = ctx.nemo.use_project(name_or_id).await?;
    show_use(ctx.reporter, &ProjectView::of(&project, Some(&project.session_id)));
    Ok(())
}

/// Prints the project now in use.
pub fn show_use(reporter: &Reporter, project: &ProjectView) {
    reporter.done(
        &format!("Now using project {:?} (session {})", project.name, project.session_id),
        json!({"name": project.name, "session_id": project.session_id}),
    );
}

/// `tracks`.
pub async fn tracks(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let report = ctx.nemo.tracks(ctx.reporter).await?;
    show_tracks(ctx.reporter, &TracksView::of(&report));
    Ok(())
}

/// Prints a timeline summary.
pub fn show_tracks(reporter: &Reporter, tracks: &TracksView) {
    reporter.done(&tracks.summary, value_of(tracks));
}

/// `open`.
pub async fn open(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let link = if ctx.offline() { None } else { Some(ctx.nemo.claim_link(ctx.reporter).await?) };
    show_link(ctx.reporter, &LinkView { link });
    Ok(())
}

/// Prints the browser link.
pub fn show_link(reporter: &Reporter, link: &LinkView) {
    match &link.link {
        Some(text) => reporter.done(text, value_of(link)),
        None => reporter.done(
            "Offline projects have no web page: `nemoctl --offline tracks` shows the timeline and `export` renders it.",
            value_of(link),
        ),
    }
}

/// `jobs`: the unfinished ones refreshed from the service (see
/// [`nemo_core::service::Nemo::refreshed_jobs`]).
pub async fn jobs(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let jobs = ctx.nemo.refreshed_jobs(ctx.reporter).await?;
    if ctx.nemo.settings().poll.local && jobs.iter().any(|job| !job.state.is_final()) {
        ctx.reporter.warn(
            "An offline render runs only as long as the command that started it: if that one ended, \
             `nemoctl --offline export` renders the same draft again from where the job stands.",
        );
    }
    report::jobs(ctx.reporter, jobs.iter().map(JobView::of).collect(), "No render jobs yet.");
    Ok(())
}
