//! The tools' bodies: each calls the core's use cases (through the CLI's own helpers where
//! it has them: the file checks, the quick edit, the export's file name and JSON) and
//! returns a [`Done`] or the CLI's error. Nothing here prints.

use std::path::PathBuf;

use nemo_core::error::Error;
use nemo_core::intent::{Intent, route};
use nemo_core::ports::Progress;
use nemo_core::service::ExportReport;
use nemo_daemon_client::wire::{ExportRequest, JobList, JobView, asset_json, credits_json};
use nemo_daemon_client::{DaemonClient, socket_path};
use serde_json::{Value, json};

use super::args;
use super::outcome::Done;
use super::paths::{resolve, resolved};
use super::view;
use crate::commands::media::{check_sources, edit_json, export_json, export_text, file_safe, quick_edit};
use crate::failure::CliError;
use crate::wiring::{Service, Wiring};

/// The project `chat` creates when none is selected (as `nemoctl chat` and `nemoctl new`).
const UNTITLED: &str = "untitled";

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
        let (turn, export) = quick_edit(&nemo, &files, &args.prompt, output, progress).await?;
        let duration_s = nemo.tracks(progress).await?.draft.and_then(|d| view::duration_s(&d.timeline()));
        let export = ExportReport { output: resolved(&self.base, &export.output), ..export };
        let mut value = edit_json(&turn, &export);
        value["duration_s"] = json!(duration_s);
        let seconds = duration_s.map_or_else(String::new, |d| format!(", {d:.1} s"));
        Ok(Done::new(
            format!("{} ({} bytes{seconds}): {}", export.output, export.bytes, turn.changes.join("; ")),
            value,
        ))
    }

    /// `new_project {name}`.
    pub async fn new_project(&self, name: &str, progress: &dyn Progress) -> Result<Done, CliError> {
        let project = self.nemo.new_project(name, progress).await?;
        let link = if self.offline { None } else { Some(self.nemo.claim_link(progress).await?) };
        let mut line = format!("Created project {:?} (session {})", project.name, project.session_id);
        if let Some(link) = &link {
            line.push_str(&format!("; open in a browser: {link}"));
        }
        let mut value = view::project(&project);
        value["link"] = json!(link);
        Ok(Done::new(line, value))
    }

    /// `use_project {name}`.
    pub async fn use_project(&self, name: &str) -> Result<Done, CliError> {
        let project = self.nemo.use_project(name).await?;
        Ok(Done::new(
            format!("Now using project {:?} (session {})", project.name, project.session_id),
            view::project(&project),
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
        let list: Vec<Value> = projects
            .iter()
            .map(|p| {
                let mut value = view::project(p);
                value["current"] = json!(current.as_ref() == Some(&p.session_id));
                value
            })
            .collect();
        let names: Vec<String> = projects
            .iter()
            .map(|p| if current.as_ref() == Some(&p.session_id) { format!("*{}", p.name) } else { p.name.clone() })
            .collect();
        let line = if names.is_empty() { "No projects yet.".to_owned() } else { names.join(", ") };
        Ok(Done::new(line, json!({"projects": list})))
    }

    /// `upload {paths?, urls?}`: every file (paths already resolved) and URL checked before
    /// anything is sent.
    pub async fn upload(&self, sources: &[String], progress: &dyn Progress) -> Result<Done, CliError> {
        let assets = self.nemo.upload(&check_sources(sources)?, progress).await?;
        let names: Vec<&str> = assets.iter().map(|a| a.filename.as_str()).collect();
        Ok(Done::new(
            format!("Uploaded {}", names.join(", ")),
            json!({"files": assets.iter().map(asset_json).collect::<Vec<_>>()}),
        ))
    }

    /// `chat {message}`: through the core's intent router, as `nemoctl chat`; a chat turn is
    /// sent once and never again.
    pub async fn chat(&self, message: &str, progress: &dyn Progress) -> Result<Done, CliError> {
        let intent = route(message, &|token: &str| resolve(&self.base, token).is_file());
        let name = intent.name();
        let other = match intent {
            Intent::Chat => {
                self.nemo.current_or_new_project(UNTITLED, progress).await?;
                let turn = self.nemo.chat(message, progress).await?;
                let line = if turn.changes.is_empty() { turn.text.clone() } else { turn.changes.join("; ") };
                let value = json!({
                    "text": turn.text,
                    "changes": turn.changes,
                    "intent": name,
                    "recovered": turn.recovered,
                    "warning": turn.warning,
                });
                return Ok(Done::new(line, value));
            }
            Intent::Credits => self.credits(progress).await?,
            Intent::Tracks => {
                self.nemo.current_or_new_project(UNTITLED, progress).await?;
                self.tracks(progress).await?
            }
            Intent::Export => {
                self.nemo.current_or_new_project(UNTITLED, progress).await?;
                self.export(None, progress).await?
            }
            Intent::Upload { sources } if sources.is_empty() => {
                Done::new("Name the file or URL to upload.", json!({"files": []}))
            }
            Intent::Upload { sources } => {
                // The router named files that exist (relative to the base) or URLs.
                let sources: Vec<String> = sources
                    .iter()
                    .map(|s| if resolve(&self.base, s).is_file() { resolved(&self.base, s) } else { s.clone() })
                    .collect();
                self.upload(&sources, progress).await?
            }
        };
        let value = json!({"text": other.line, "changes": [], "intent": name, "result": other.value});
        Ok(Done::new(other.line, value))
    }

    /// `tracks {}`.
    pub async fn tracks(&self, progress: &dyn Progress) -> Result<Done, CliError> {
        let report = self.nemo.tracks(progress).await?;
        let timeline = report.draft.as_ref().map(nemo_core::draft::Draft::timeline).unwrap_or_default();
        let value = json!({
            "project": report.project.name,
            "session_id": report.project.session_id.as_str(),
            "summary": report.summary,
            "duration_s": view::duration_s(&timeline),
            "tracks": timeline.tracks.iter().map(view::track).collect::<Vec<_>>(),
        });
        Ok(Done::new(report.summary, value))
    }

    /// `export {output?, detach?}`: renders the current project and downloads it, or hands
    /// the job to nemod.
    pub async fn export(&self, output: Option<String>, progress: &dyn Progress) -> Result<Done, CliError> {
        let output = self.output(output).await?;
        let report = self.nemo.export(&output, progress).await?;
        Ok(Done::new(export_text(&report), export_json(&report)))
    }

    /// `export {detach: true}`: queued in nemod, which renders and downloads it.
    pub async fn detach(&self, output: Option<String>) -> Result<Done, CliError> {
        let project = self.nemo.current_project().await?;
        let output = self.output(output).await?;
        let request = ExportRequest { project: Some(project.session_id.as_str().to_owned()), output };
        let client = DaemonClient::new(socket_path(&self.state_dir));
        let accepted: Value = client.post("/v1/exports", &request).await?;
        let job = &accepted["job"];
        let line = format!("Export queued in nemod as {} → {}", job["id"].as_str().unwrap_or("?"), request.output);
        Ok(Done::new(
            line,
            json!({"render_id": job["id"], "output": request.output, "state": job["state"], "detached": true}),
        ))
    }

    /// Where an export of the current project goes: `output` resolved, else `<project>.mp4` in
    /// the output folder (as `nemoctl export`).
    async fn output(&self, output: Option<String>) -> Result<String, CliError> {
        Ok(match output {
            Some(output) => resolved(&self.base, output),
            None => {
                let project = self.nemo.current_project().await?;
                resolved(&self.base, self.output_dir.join(format!("{}.mp4", file_safe(&project.name))))
            }
        })
    }

    /// `jobs {}`.
    pub async fn jobs(&self) -> Result<Done, CliError> {
        let jobs: Vec<JobView> = self.nemo.jobs().await?.iter().map(JobView::of).collect();
        let line = match jobs.last() {
            Some(last) => format!("{} render job(s); the latest, {}, is {}", jobs.len(), last.id, last.state),
            None => "No render jobs yet.".to_owned(),
        };
        let value = serde_json::to_value(JobList { jobs }).map_err(|e| CliError::Input(e.to_string()))?;
        Ok(Done::new(line, value))
    }

    /// `credits {}` (offline: there is no account).
    pub async fn credits(&self, progress: &dyn Progress) -> Result<Done, CliError> {
        if self.offline {
            return Ok(Done::new(
                "Offline there is no account: no token and no credits.",
                json!({"offline": true, "available": null}),
            ));
        }
        let credits = self.nemo.credits(progress).await?;
        Ok(Done::new(
            format!("available {}  frozen {}  total {}", credits.available, credits.frozen, credits.total),
            credits_json(&credits),
        ))
    }
}
