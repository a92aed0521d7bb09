//! The tools' bodies: each calls the core's use cases (through the CLI's own helpers where
//! it has them: the file checks, the quick edit, the message use case's file finder) and
//! returns a [`Done`] — the same JSON the CLI's `--json` prints, from the wire views — or
//! the CLI's error. Nothing here prints.

use std::path::{Path, PathBuf};

use nemo_core::error::Error;
use nemo_core::model::Project;
use nemo_core::ports::Progress;
use nemo_daemon_client::wire::{
    AssetView, ChatAnswer, CreditsView, ExportRequest, JobList, JobReply, JobView, ProjectList, ProjectView,
    TracksView, UploadReply,
};
use nemo_daemon_client::{DaemonClient, socket_path};
use serde_json::json;

use super::args;
use super::outcome::Done;
use super::paths::{resolve, resolved};
use super::view;
use crate::commands::account;
use crate::commands::chat::Finder;
use crate::commands::media::{Exported, check_sources, export_to, quick_edit};
use crate::failure::CliError;
use crate::report::value_of;
use crate::wiring::{Service, Wiring};

/// What the tools work with, owned by the server.
pub struct Calls {
    /// The adapters: `edit` takes a service of its own from them, so that quick edits side by
    /// side never touch each other's project.
    pub wiring: Wiring,
    /// The service of the current project (`--project`'s, when given).
    pub nemo: Service,
    /// Whether the backend is the offline one (no account, no web pages).
    pub offline: bool,
    /// Where `export` writes by default.
    pub output_dir: PathBuf,
    /// Where nemod's socket is, for `export` with `detach`.
    pub state_dir: PathBuf,
    /// The server's working directory: relative paths are resolved against it.
    pub base: PathBuf,
}

impl Calls {
    /// `edit {files, prompt, output?}`: the quick edit, in a project of its own.
    pub async fn edit(&self, args: args::Edit, progress: &dyn Progress) -> Result<Done, CliError> {
        let files: Vec<PathBuf> = args.files.iter().map(|f| resolve(&self.base, f)).collect();
        let output = args.output.map(|o| resolve(&self.base, &o));
        let nemo = self.wiring.scoped(None);
        let exported = quick_edit(&nemo, &files, &args.prompt, output, self.offline, progress).await?;
        let duration_s = nemo.tracks(progress).await?.draft.and_then(|d| view::duration_s(&d.timeline()));
        let exported = Exported { output: resolved(&self.base, &exported.output), ..exported };
        let mut value = exported.json();
        value["duration_s"] = json!(duration_s);
        let seconds = duration_s.map_or_else(String::new, |d| format!(", {d:.1} s"));
        let changes = exported.changes.as_deref().unwrap_or_default().join("; ");
        Ok(Done::new(format!("{} ({} bytes{seconds}): {changes}", exported.output, exported.bytes), value))
    }

    /// `new_project {name}`.
    pub async fn new_project(&self, name: &str, progress: &dyn Progress) -> Result<Done, CliError> {
        let project = self.nemo.new_project(name, progress).await?;
        let link = if self.offline { None } else { Some(self.nemo.claim_link(progress).await?) };
        let mut line = format!("Created project {:?} (session {})", project.name, project.session_id);
        if let Some(link) = &link {
            line.push_str(&format!("; open in a browser: {link}"));
        }
        let mut value = value_of(&ProjectView::of(&project, Some(&project.session_id)));
        value["link"] = json!(link);
        Ok(Done::new(line, value))
    }

    /// `use_project {name}`.
    pub async fn use_project(&self, name: &str) -> Result<Done, CliError> {
        let project = self.nemo.use_project(name).await?;
        Ok(Done::new(
            format!("Now using project {:?} (session {})", project.name, project.session_id),
            value_of(&ProjectView::of(&project, Some(&project.session_id))),
        ))
    }

    /// `projects {}`.
    pub async fn projects(&self) -> Result<Done, CliError> {
        let projects = self.nemo.projects().await?;
        let current = match self.nemo.current_project().await {
            Ok(project) => Some(project.session_id),
            Err(Error::NoProject) => None,
            Err(error) => return Err(error.into()),
        };
        let list = ProjectList { projects: projects.iter().map(|p| ProjectView::of(p, current.as_ref())).collect() };
        let names: Vec<String> =
            list.projects.iter().map(|p| if p.current { format!("*{}", p.name) } else { p.name.clone() }).collect();
        let line = if names.is_empty() { "No projects yet.".to_owned() } else { names.join(", ") };
        Ok(Done::new(line, value_of(&list)))
    }

    /// `upload {paths?, urls?}`: every file (paths already resolved) and URL checked before
    /// anything is sent.
    pub async fn upload(&self, sources: &[String], progress: &dyn Progress) -> Result<Done, CliError> {
        let assets = self.nemo.upload(&check_sources(sources, self.offline)?, progress).await?;
        Ok(uploaded(&UploadReply { files: assets.iter().map(AssetView::of).collect() }))
    }

    /// `chat {message}`: the core's message use case, as `nemoctl chat` (files the message
    /// names found from the server's working directory); a chat turn is sent once and never
    /// again. Every answer has `{text, changes, intent}`.
    pub async fn chat(&self, message: &str, progress: &dyn Progress) -> Result<Done, CliError> {
        let finder = Finder::from_process();
        let outcome = self.nemo.message(message, &|token: &str| finder.find(token), progress).await?;
        let (line, mut value) = match ChatAnswer::of(outcome).map(|answer| answer.offline_if(self.offline)) {
            // Tagged with its intent, as nemod's chat answers.
            Ok(answer) => (answer_line(&answer), value_of(&answer)),
            Err(project) => {
                let mut done = self.export_to(&project, None, progress).await?;
                done.value["intent"] = json!("export");
                (done.line, done.value)
            }
        };
        if value.get("text").is_none() {
            value["text"] = json!(line);
        }
        if value.get("changes").is_none() {
            value["changes"] = json!([]);
        }
        Ok(Done::new(line, value))
    }

    /// `tracks {}`: the CLI's view of the timeline plus each track read.
    pub async fn tracks(&self, progress: &dyn Progress) -> Result<Done, CliError> {
        let report = self.nemo.tracks(progress).await?;
        let timeline = report.draft.as_ref().map(nemo_core::draft::Draft::timeline).unwrap_or_default();
        let mut value = value_of(&TracksView::of(&report));
        value["duration_s"] = json!(view::duration_s(&timeline));
        value["tracks"] = json!(timeline.tracks.iter().map(view::track).collect::<Vec<_>>());
        Ok(Done::new(report.summary, value))
    }

    /// `export {output?}`: renders the current project and downloads it.
    pub async fn export(&self, output: Option<String>, progress: &dyn Progress) -> Result<Done, CliError> {
        let project = self.nemo.current_project().await?;
        self.export_to(&project, output, progress).await
    }

    /// Exports `project` to `output` (resolved), else `<project>.mp4` in the output folder
    /// (as `nemoctl export`).
    async fn export_to(
        &self,
        project: &Project,
        output: Option<String>,
        progress: &dyn Progress,
    ) -> Result<Done, CliError> {
        let output = self.output(project, output);
        let exported = Exported::of(&export_to(&self.nemo, Path::new(&output), progress).await?);
        Ok(Done::new(format!("{} ({} bytes)", exported.output, exported.bytes), exported.json()))
    }

    /// `export {detach: true}`: queued in nemod, which renders and downloads it.
    pub async fn detach(&self, output: Option<String>) -> Result<Done, CliError> {
        let project = self.nemo.current_project().await?;
        let request =
            ExportRequest { project: Some(project.session_id.to_string()), output: self.output(&project, output) };
        let client = DaemonClient::new(socket_path(&self.state_dir));
        let accepted: JobReply = client.post("/v1/exports", &request).await?;
        Ok(queued(&accepted.job))
    }

    /// Where an export of `project` goes.
    fn output(&self, project: &Project, output: Option<String>) -> String {
        match output {
            Some(output) => resolved(&self.base, output),
            None => resolved(&self.base, self.output_dir.join(project.video_file_name())),
        }
    }

    /// `jobs {}`: as `nemoctl jobs`, the unfinished ones refreshed from the service.
    pub async fn jobs(&self, progress: &dyn Progress) -> Result<Done, CliError> {
        let jobs: Vec<JobView> = self.nemo.refreshed_jobs(progress).await?.iter().map(JobView::of).collect();
        let line = match jobs.last() {
            Some(last) => format!("{} render job(s); the latest, {}, is {:?}", jobs.len(), last.id, last.state),
            None => "No render jobs yet.".to_owned(),
        };
        Ok(Done::new(line, value_of(&JobList { jobs })))
    }

    /// `credits {}` (offline: there is no account).
    pub async fn credits(&self, progress: &dyn Progress) -> Result<Done, CliError> {
        if self.offline {
            return Ok(credits_done(&CreditsView::offline()));
        }
        Ok(credits_done(&CreditsView::of(&self.nemo.credits(progress).await?)))
    }
}

/// The one line of a chat message's answer.
fn answer_line(answer: &ChatAnswer) -> String {
    match answer {
        ChatAnswer::Chat(turn) if turn.changes.is_empty() => turn.text.clone(),
        ChatAnswer::Chat(turn) => turn.changes.join("; "),
        ChatAnswer::Credits(credits) => credits_done(credits).line,
        ChatAnswer::Tracks(tracks) => tracks.summary.clone(),
        ChatAnswer::Upload(reply) => uploaded(reply).line,
        ChatAnswer::Export(accepted) => queued(&accepted.job).line,
    }
}

fn credits_done(credits: &CreditsView) -> Done {
    if credits.offline {
        return Done::new(account::NO_ACCOUNT, account::offline_json());
    }
    Done::new(
        format!("available {}  frozen {}  total {}", credits.available, credits.frozen, credits.total),
        value_of(credits),
    )
}

fn uploaded(reply: &UploadReply) -> Done {
    let names: Vec<&str> = reply.files.iter().map(|f| f.filename.as_str()).collect();
    let line = if names.is_empty() {
        "Name the file or URL to upload.".to_owned()
    } else {
        format!("Uploaded {}", names.join(", "))
    };
    Done::new(line, value_of(reply))
}

/// A job nemod accepted and sees through on its own (the JSON of `--detach`).
fn queued(job: &JobView) -> Done {
    Done::new(
        format!("Queued in nemod as {} → {}", job.id, job.output),
        json!({"id": job.id, "render_id": job.render(), "output": job.output, "state": job.state, "detached": true}),
    )
}
