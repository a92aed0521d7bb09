//! The daemon API's JSON, both directions, every shape typed: requests, answers, job states
//! (an enum, never a string compared by hand), the chat stream's last line. A type here is a
//! compatibility promise between nemod and its clients: fields are only ever added (with
//! defaults), never renamed. `nemoctl --json` prints these same shapes, through nemod or not.

use std::time::Duration;

use nemo_core::error::Error;
use nemo_core::gui::GuiAction;
use nemo_core::ids::{RenderId, SessionId};
use nemo_core::model::{Asset, Credits, JobState, Project, RenderJob, TokenOrigin};
use nemo_core::ports::ProgressEvent;
use nemo_core::service::{Account, Outcome, TracksReport, TurnReport};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `true` when the daemon answers.
    pub ok: bool,
    /// The daemon's version.
    pub version: String,
    /// Its process id.
    pub pid: u32,
    /// `cloud` or `offline`: what the daemon itself uses.
    pub backend: String,
    /// `--max-jobs`.
    pub max_jobs: usize,
    /// Jobs not yet finished (queued or running).
    pub active_jobs: usize,
}

/// What a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Render a project and download it.
    #[default]
    Export,
    /// A quick edit: new project, upload, one instruction, then the export.
    Edit,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// A quick edit before its export: making the project, uploading, instructing.
    Editing,
    /// About to be submitted to the render service.
    Submitting,
    /// Rendering (see `progress`).
    Rendering,
    /// Being downloaded.
    Downloading,
    /// The file is whole at `output`.
    Done,
    /// Failed for good (see `reason`).
    Failed,
    /// Cancelled.
    Cancelled,
}

impl JobStatus {
    /// The status of a render job's state.
    #[must_use]
    pub fn of(state: &JobState) -> Self {
        match state {
            JobState::Submitting => Self::Submitting,
            JobState::Rendering { .. } => Self::Rendering,
            JobState::Downloading { .. } => Self::Downloading,
            JobState::Done { .. } => Self::Done,
            JobState::Failed { .. } => Self::Failed,
            JobState::Cancelled => Self::Cancelled,
        }
    }

    /// Whether nothing more will happen to the job.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }

    /// The word the API uses (`rendering`, `done`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editing => "editing",
            Self::Submitting => "submitting",
            Self::Rendering => "rendering",
            Self::Downloading => "downloading",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A job as the API shows it: an export, or a quick edit (whose render, once submitted, it
/// shows as its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// An export's id is its render id (`render_<ms>`; it changes only when a submit had to be
    /// repeated under a new id, and the old id then answers 404); a quick edit's is
    /// `edit_<ms>` and never changes.
    pub id: String,
    /// Export or quick edit.
    #[serde(default)]
    pub kind: JobKind,
    /// The project's name.
    pub project: String,
    /// The project's session (empty while a quick edit has not made its project yet).
    pub session_id: String,
    /// Where the file goes (absolute).
    pub output: String,
    /// Where it stands.
    pub state: JobStatus,
    /// Render progress, 0 to 100, while rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// The file's size, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What to do about a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The exit code a failure means (the product's table), when it is not a failed render.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<u8>,
    /// A quick edit's step while editing (`creating the project`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// A quick edit's render, once queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render_id: Option<String>,
    /// A quick edit's answer from the editor, once it came (empty for a silent edit; kept too
    /// when the edit failed after the editor spoke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A quick edit's changes, once the instruction changed the timeline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub updated: String,
}

impl JobView {
    /// The view of an export job.
    #[must_use]
    pub fn of(job: &RenderJob) -> Self {
        let (progress, bytes, reason) = match &job.state {
            JobState::Rendering { progress } => (Some(*progress), None, None),
            JobState::Downloading { .. } => (Some(100), None, None),
            JobState::Done { bytes } => (None, Some(*bytes), None),
            JobState::Failed { reason } => (None, None, Some(reason.clone())),
            JobState::Submitting | JobState::Cancelled => (None, None, None),
        };
        Self {
            id: job.id.to_string(),
            kind: JobKind::Export,
            project: job.project.clone(),
            session_id: job.session_id.to_string(),
            output: job.output.clone(),
            state: JobStatus::of(&job.state),
            progress,
            bytes,
            reason,
            hint: None,
            exit: None,
            step: None,
            render_id: None,
            text: None,
            changes: Vec::new(),
            created: job.created.to_rfc3339(),
            updated: job.updated.to_rfc3339(),
        }
    }

    /// Whether nothing more will happen to the job.
    #[must_use]
    pub fn is_final(&self) -> bool {
        self.state.is_final()
    }

    /// The render id that carries the file: an export's own id, a quick edit's render.
    #[must_use]
    pub fn render(&self) -> Option<&str> {
        match self.kind {
            JobKind::Export => Some(&self.id),
            JobKind::Edit => self.render_id.as_deref(),
        }
    }
}

/// `GET /v1/jobs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobList {
    /// Oldest first.
    pub jobs: Vec<JobView>,
}

/// One job: `GET /v1/jobs/ID`, `POST /v1/exports`, `POST /v1/edits`, cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReply {
    /// The job.
    pub job: JobView,
}

/// `POST /v1/exports`: render a project and download it to `output`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// A project name or session id; the current project when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Where the file goes: an absolute path (the daemon's working directory is not yours).
    pub output: String,
}

/// `POST /v1/batches`: many exports queued at once under the same concurrency limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// The exports.
    pub exports: Vec<ExportRequest>,
}

/// The answer to `POST /v1/batches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReply {
    /// The exports queued.
    pub jobs: Vec<JobView>,
    /// The entries refused, by index.
    pub errors: Vec<BatchError>,
}

/// A batch entry refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchError {
    /// Its index in the request.
    pub index: usize,
    /// The HTTP status it would have had alone.
    pub status: u16,
    /// Why.
    pub error: ErrorDetail,
}

/// `POST /v1/edits`: one quick edit owned by the daemon — a new project, the files uploaded,
/// the one instruction, the export to `output`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditRequest {
    /// The new project's name.
    pub name: String,
    /// Absolute paths or http(s) URLs of the media.
    pub sources: Vec<String>,
    /// The instruction (sent once, never again).
    pub instruction: String,
    /// Where the video goes: an absolute path.
    pub output: String,
}

/// `POST /v1/chat`: one message, routed as nemoctl's `chat` routes it, the answer streamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// A project name or session id; the current project when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The message (sent once, never again).
    pub message: String,
    /// The sender's working directory (absolute), against which relative file names in the
    /// message are found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Where an export the message asks for is written (absolute): `<output_dir>/<project>.mp4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<String>,
}

/// What a chat turn came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnView {
    /// The editor's text as shown (already streamed as `text` progress events).
    pub text: String,
    /// The changes to the timeline, in sentences.
    pub changes: Vec<String>,
    /// What the editor's GUI-style phrases asked for.
    #[serde(default)]
    pub actions: Vec<ActionView>,
    /// Whether the stream dropped and the outcome was read from the state.
    pub recovered: bool,
    /// A failure the editor reported after some text.
    pub warning: Option<String>,
}

impl TurnView {
    /// The view of a turn.
    #[must_use]
    pub fn of(turn: &TurnReport) -> Self {
        Self {
            text: turn.text.clone(),
            changes: turn.changes.clone(),
            actions: turn.actions.iter().map(ActionView::of).collect(),
            recovered: turn.recovered,
            warning: turn.warning.clone(),
        }
    }
}

/// A GUI action ([`GuiAction`]) on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionView {
    /// Click a button.
    Click {
        /// Its label.
        target: String,
    },
    /// Show the state.
    ShowState,
    /// Send the gesture as an edit.
    SendAsEdit,
    /// Show the tracks.
    ShowTracks,
    /// Export.
    Export,
    /// Show the credits.
    ShowCredits,
}

impl ActionView {
    /// The view of an action.
    #[must_use]
    pub fn of(action: &GuiAction) -> Self {
        match action {
            GuiAction::Click { target } => Self::Click { target: target.clone() },
            GuiAction::ShowState => Self::ShowState,
            GuiAction::SendAsEdit => Self::SendAsEdit,
            GuiAction::ShowTracks => Self::ShowTracks,
            GuiAction::Export => Self::Export,
            GuiAction::ShowCredits => Self::ShowCredits,
        }
    }

    /// The action itself.
    #[must_use]
    pub fn to_action(&self) -> GuiAction {
        match self {
            Self::Click { target } => GuiAction::Click { target: target.clone() },
            Self::ShowState => GuiAction::ShowState,
            Self::SendAsEdit => GuiAction::SendAsEdit,
            Self::ShowTracks => GuiAction::ShowTracks,
            Self::Export => GuiAction::Export,
            Self::ShowCredits => GuiAction::ShowCredits,
        }
    }
}

/// What a chat message came to, by the intent it was routed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum ChatAnswer {
    /// A chat turn with the editor.
    Chat(TurnView),
    /// An export, queued as a job of the daemon (follow it with `GET /v1/jobs/ID`).
    Export(Box<JobReply>),
    /// The balance.
    Credits(CreditsView),
    /// The timeline summary.
    Tracks(TracksView),
    /// The files uploaded (none: the message said "upload" without naming anything).
    Upload(UploadReply),
}

impl ChatAnswer {
    /// The answer a message's outcome makes, or — for an export — the project to export: it
    /// is answered by whoever runs it (nemod with its job, nemoctl with the file).
    ///
    /// # Errors
    /// The project of [`Outcome::Export`].
    pub fn of(outcome: Outcome) -> Result<Self, Project> {
        Ok(match outcome {
            Outcome::Turn(turn) => Self::Chat(TurnView::of(&turn)),
            Outcome::Credits(credits) => Self::Credits(CreditsView::of(&credits)),
            Outcome::Tracks(report) => Self::Tracks(TracksView::of(&report)),
            Outcome::Uploaded(assets) => {
                Self::Upload(UploadReply { files: assets.iter().map(AssetView::of).collect() })
            }
            Outcome::NothingToUpload => Self::Upload(UploadReply { files: Vec::new() }),
            Outcome::Export(project) => return Err(project),
        })
    }

    /// The same, its balance marked offline when `offline`.
    #[must_use]
    pub fn offline_if(self, offline: bool) -> Self {
        match self {
            Self::Credits(credits) => Self::Credits(credits.offline_if(offline)),
            other => other,
        }
    }
}

/// The last line of a chat stream: `{"event": "done", "intent": ..., ...}` or
/// `{"event": "error", "error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ChatEnd {
    /// The answer.
    Done(ChatAnswer),
    /// The failure.
    Error {
        /// What went wrong.
        error: ErrorDetail,
    },
}

/// `POST /v1/uploads`: files (paths on the daemon's machine) or URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRequest {
    /// A project name or session id; the current project when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Absolute paths or URLs.
    pub sources: Vec<String>,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadReply {
    /// One per file or URL.
    pub files: Vec<AssetView>,
}

/// An uploaded asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetView {
    /// The file name.
    pub filename: String,
    /// `video`, `image` or `audio`, when known.
    pub kind: Option<String>,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
}

impl AssetView {
    /// The view of an asset.
    #[must_use]
    pub fn of(asset: &Asset) -> Self {
        Self {
            filename: asset.filename.clone(),
            kind: asset.kind.map(|k| k.as_str().to_owned()),
            duration_s: asset.duration_s,
            width: asset.width,
            height: asset.height,
        }
    }
}

/// `GET /v1/credits`: the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsView {
    /// Spendable now.
    pub available: i64,
    /// Reserved by running work.
    pub frozen: i64,
    /// available + frozen.
    pub total: i64,
    /// The work is done offline: there is no account and no credits (the numbers are 0).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
}

impl CreditsView {
    /// The view of a balance.
    #[must_use]
    pub fn of(credits: &Credits) -> Self {
        Self { available: credits.available, frozen: credits.frozen, total: credits.total, offline: false }
    }

    /// Offline: no account, no credits.
    #[must_use]
    pub fn offline() -> Self {
        Self { available: 0, frozen: 0, total: 0, offline: true }
    }

    /// The same, marked offline when `offline`.
    #[must_use]
    pub fn offline_if(self, offline: bool) -> Self {
        if offline { Self::offline() } else { self }
    }
}

/// `GET /v1/tracks`: the timeline summary of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracksView {
    /// The project's name.
    pub project: String,
    /// Its session.
    pub session_id: String,
    /// `Timeline (N tracks): ...`.
    pub summary: String,
    /// The draft, when the service has one.
    #[serde(default)]
    pub draft: Option<Value>,
}

impl TracksView {
    /// The view of a summary.
    #[must_use]
    pub fn of(report: &TracksReport) -> Self {
        Self {
            project: report.project.name.clone(),
            session_id: report.project.session_id.to_string(),
            summary: report.summary.clone(),
            draft: report.draft.as_ref().map(nemo_core::draft::Draft::to_value),
        }
    }
}

/// A saved project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectView {
    /// Its name.
    pub name: String,
    /// Its session (its identity).
    pub session_id: String,
    /// Its task.
    pub task_id: String,
    /// RFC 3339.
    pub created: String,
    /// Whether it is the current project.
    pub current: bool,
}

impl ProjectView {
    /// The view of a project, given the current one.
    #[must_use]
    pub fn of(project: &Project, current: Option<&SessionId>) -> Self {
        Self {
            name: project.name.clone(),
            session_id: project.session_id.to_string(),
            task_id: project.task_id.to_string(),
            created: project.created.to_rfc3339(),
            current: current == Some(&project.session_id),
        }
    }
}

/// `GET /v1/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    /// Oldest first.
    pub projects: Vec<ProjectView>,
}

/// One project: `POST /v1/projects`, `POST /v1/projects/current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectReply {
    /// The project.
    pub project: ProjectView,
}

/// `POST /v1/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProjectRequest {
    /// Its name.
    pub name: String,
}

/// `POST /v1/projects/current`: select the current project, as `nemoctl use` does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseRequest {
    /// A project name (the newest of that name) or a session id.
    pub project: String,
}

/// `GET /v1/link`: a project's browser link (it carries a claim token, never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    /// `<web>/workspace/claim?ct=...`; `None` offline, where projects have no web page.
    pub link: Option<String>,
}

/// Where the token in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// `NEMO_TOKEN`.
    Env,
    /// The credentials file.
    Stored,
    /// A free anonymous token obtained just now.
    Anonymous,
}

/// `POST /v1/login`: who is connected (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// The account, when known.
    pub user_id: Option<String>,
    /// Where the token came from.
    pub origin: TokenSource,
    /// RFC 3339, when known.
    pub expires_at: Option<String>,
    /// The balance.
    pub credits: CreditsView,
    /// The work is done offline: there is no account (nothing to log in to).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
}

impl AccountView {
    /// The same, marked offline when `offline`.
    #[must_use]
    pub fn offline_if(self, offline: bool) -> Self {
        Self { offline, credits: self.credits.offline_if(offline), ..self }
    }

    /// The view of an account.
    #[must_use]
    pub fn of(account: &Account) -> Self {
        Self {
            user_id: account.user_id.as_ref().map(ToString::to_string),
            origin: match account.origin {
                TokenOrigin::Environment => TokenSource::Env,
                TokenOrigin::Stored => TokenSource::Stored,
                TokenOrigin::Anonymous => TokenSource::Anonymous,
            },
            expires_at: account.expires_at.map(nemo_core::time::Timestamp::to_rfc3339),
            credits: CreditsView::of(&account.credits),
            offline: false,
        }
    }
}

/// `POST /v1/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutReply {
    /// Always `true`: the stored token is forgotten (the client id stays).
    pub logged_out: bool,
}

/// Every error answer: `{"error": {...}}` with a 4xx or 5xx status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What kind of refusal or failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 400, 405: bad JSON, a wrong shape, a relative path, a wrong method.
    BadRequest,
    /// 404: an unknown route, job or project.
    NotFound,
    /// 413.
    TooLarge,
    /// 401: TCP without the token.
    Unauthorized,
    /// 403: another user.
    Forbidden,
    /// 503.
    ShuttingDown,
    /// A use case failed (see `exit`).
    Failed,
}

/// What went wrong, in the terms nemoctl shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What kind of error.
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
    /// What to do next.
    #[serde(default)]
    pub hint: String,
    /// The exit code nemoctl should end with (the product's table).
    pub exit: u8,
}

impl ErrorDetail {
    /// A use case's failure.
    #[must_use]
    pub fn of(error: &Error) -> Self {
        Self { kind: ErrorKind::Failed, message: error.to_string(), hint: error.hint(), exit: error.exit().code() }
    }
}

/// One progress event as a JSON line (`{"event": "progress", "kind": ...}`), the same shape as
/// `nemoctl --json` prints.
#[must_use]
pub fn progress_json(event: &ProgressEvent) -> Value {
    let mut value = match event {
        ProgressEvent::Step(text) => json!({"kind": "step", "text": text}),
        ProgressEvent::Notice(text) => json!({"kind": "notice", "text": text}),
        ProgressEvent::AgentText(text) => json!({"kind": "text", "text": text}),
        ProgressEvent::Activity(text) => json!({"kind": "activity", "text": text}),
        ProgressEvent::StillWorking { elapsed } => json!({"kind": "still_working", "elapsed_s": elapsed.as_secs()}),
        ProgressEvent::Waiting { reason, duration } => {
            json!({"kind": "waiting", "reason": reason, "seconds": duration.as_secs_f64()})
        }
        ProgressEvent::Upload { name, sent, total } => {
            json!({"kind": "upload", "name": name, "sent": sent, "total": total})
        }
        ProgressEvent::Render { id, percent } => {
            json!({"kind": "render", "render_id": id.as_str(), "percent": percent})
        }
        ProgressEvent::Download { received, total } => {
            json!({"kind": "download", "received": received, "total": total})
        }
    };
    value["event"] = json!("progress");
    value
}

/// The event a [`progress_json`] line holds; `None` for anything else.
#[must_use]
pub fn progress_of(value: &Value) -> Option<ProgressEvent> {
    if value.get("event")?.as_str()? != "progress" {
        return None;
    }
    let text = || value.get("text").and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| value.get(key).and_then(Value::as_u64);
    Some(match value.get("kind")?.as_str()? {
        "step" => ProgressEvent::Step(text()?),
        "notice" => ProgressEvent::Notice(text()?),
        "text" => ProgressEvent::AgentText(text()?),
        "activity" => ProgressEvent::Activity(text()?),
        "still_working" => ProgressEvent::StillWorking { elapsed: Duration::from_secs(number("elapsed_s")?) },
        "waiting" => ProgressEvent::Waiting {
            reason: value.get("reason")?.as_str()?.to_owned(),
            duration: Duration::try_from_secs_f64(value.get("seconds")?.as_f64()?).ok()?,
        },
        "upload" => ProgressEvent::Upload {
            name: value.get("name")?.as_str()?.to_owned(),
            sent: number("sent")?,
            total: number("total")?,
        },
        "render" => ProgressEvent::Render {
            id: RenderId::parse(value.get("render_id")?.as_str()?).ok()?,
            percent: u8::try_from(number("percent")?).ok()?,
        },
        "download" => ProgressEvent::Download { received: number("received")?, total: number("total") },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use nemo_core::ids::SessionId;
    use nemo_core::time::Timestamp;

    use super::*;

    #[test]
    fn progress_lines_round_trip() {
        let events = [
            ProgressEvent::Step("Submitting".into()),
            ProgressEvent::AgentText("Title added".into()),
            ProgressEvent::StillWorking { elapsed: Duration::from_secs(120) },
            ProgressEvent::Waiting { reason: "rate limited".into(), duration: Duration::from_millis(1500) },
            ProgressEvent::Upload { name: "a.mp4".into(), sent: 1, total: 2 },
            ProgressEvent::Render { id: RenderId::from_unix_ms(7), percent: 42 },
            ProgressEvent::Download { received: 3, total: None },
        ];
        for event in events {
            assert_eq!(progress_of(&progress_json(&event)), Some(event));
        }
        assert_eq!(progress_of(&json!({"event": "done"})), None);
    }

    #[test]
    fn a_job_view_names_its_state_in_one_word() {
        let job = RenderJob {
            id: RenderId::from_unix_ms(5),
            session_id: SessionId::parse("s1").unwrap(),
            project: "trip".into(),
            output: "/tmp/trip.mp4".into(),
            draft_digest: None,
            state: JobState::Rendering { progress: 40 },
            created: Timestamp::from_unix_ms(0),
            updated: Timestamp::from_unix_ms(1000),
        };
        let view = JobView::of(&job);
        assert_eq!((view.id.as_str(), view.state, view.progress), ("render_5", JobStatus::Rendering, Some(40)));
        assert!(!view.is_final());
        let text = serde_json::to_string(&view).unwrap();
        assert!(text.contains(r#""state":"rendering""#), "{text}");
        assert_eq!(serde_json::from_str::<JobView>(&text).unwrap(), view);
    }

    #[test]
    fn a_job_written_before_kinds_existed_reads_as_an_export() {
        let text = r#"{"id":"render_5","project":"p","session_id":"s","output":"/o.mp4","state":"done","bytes":3,"created":"c","updated":"u"}"#;
        let view: JobView = serde_json::from_str(text).unwrap();
        assert_eq!((view.kind, view.state, view.render()), (JobKind::Export, JobStatus::Done, Some("render_5")));
    }

    #[test]
    fn the_last_chat_line_names_its_event_and_intent_beside_the_answer() {
        let turn = TurnView {
            text: "Hi".into(),
            changes: vec!["Title added".into()],
            actions: vec![ActionView::Export, ActionView::Click { target: "Save".into() }],
            recovered: false,
            warning: None,
        };
        let end = ChatEnd::Done(ChatAnswer::Chat(turn));
        let value = serde_json::to_value(&end).unwrap();
        assert_eq!((value["event"].as_str(), value["intent"].as_str()), (Some("done"), Some("chat")));
        assert_eq!(value["changes"], json!(["Title added"]));
        assert_eq!(value["actions"][1], json!({"action": "click", "target": "Save"}));
        assert_eq!(serde_json::from_value::<ChatEnd>(value).unwrap(), end);

        let credits =
            ChatEnd::Done(ChatAnswer::Credits(CreditsView { available: 1, frozen: 2, total: 3, offline: false }));
        let value = serde_json::to_value(&credits).unwrap();
        assert_eq!(value, json!({"event": "done", "intent": "credits", "available": 1, "frozen": 2, "total": 3}));
        assert_eq!(serde_json::from_value::<ChatEnd>(value).unwrap(), credits);

        let detail = ErrorDetail { kind: ErrorKind::Failed, message: "m".into(), hint: "h".into(), exit: 6 };
        let error = ChatEnd::Error { error: detail };
        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(value["error"]["kind"], "failed");
        assert_eq!(serde_json::from_value::<ChatEnd>(value).unwrap(), error);
    }

    #[test]
    fn every_gui_action_goes_over_the_wire_and_back() {
        let actions = [
            GuiAction::Click { target: "Export".into() },
            GuiAction::ShowState,
            GuiAction::SendAsEdit,
            GuiAction::ShowTracks,
            GuiAction::Export,
            GuiAction::ShowCredits,
        ];
        for action in actions {
            let view: ActionView =
                serde_json::from_value(serde_json::to_value(ActionView::of(&action)).unwrap()).unwrap();
            assert_eq!(view.to_action(), action);
        }
    }
}
