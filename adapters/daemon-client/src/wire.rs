//! The daemon API's JSON, both directions. A type here is a compatibility promise between
//! nemod and its clients: fields are only ever added (with defaults), never renamed.

use std::time::Duration;

use nemo_core::error::Error;
use nemo_core::ids::RenderId;
use nemo_core::model::{Asset, Credits, JobState, RenderJob};
use nemo_core::ports::ProgressEvent;
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

/// A render job as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// The render id (`render_<ms>`). It changes only when a submit had to be repeated under
    /// a new id; the old id then answers 404.
    pub id: String,
    /// The project's name.
    pub project: String,
    /// The project's session.
    pub session_id: String,
    /// Where the file goes (absolute).
    pub output: String,
    /// `submitting`, `rendering`, `downloading`, `done`, `failed` or `cancelled`.
    pub state: String,
    /// Render progress, 0 to 100, while rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// The file's size, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub updated: String,
}

impl JobView {
    /// The view of a job.
    #[must_use]
    pub fn of(job: &RenderJob) -> Self {
        let (state, progress, bytes, reason) = match &job.state {
            JobState::Submitting => ("submitting", None, None, None),
            JobState::Rendering { progress } => ("rendering", Some(*progress), None, None),
            JobState::Downloading { .. } => ("downloading", Some(100), None, None),
            JobState::Done { bytes } => ("done", None, Some(*bytes), None),
            JobState::Failed { reason } => ("failed", None, None, Some(reason.clone())),
            JobState::Cancelled => ("cancelled", None, None, None),
        };
        Self {
            id: job.id.to_string(),
            project: job.project.clone(),
            session_id: job.session_id.to_string(),
            output: job.output.clone(),
            state: state.to_owned(),
            progress,
            bytes,
            reason,
            created: job.created.to_rfc3339(),
            updated: job.updated.to_rfc3339(),
        }
    }

    /// Whether nothing more will happen to the job.
    #[must_use]
    pub fn is_final(&self) -> bool {
        matches!(self.state.as_str(), "done" | "failed" | "cancelled")
    }
}

/// `GET /v1/jobs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobList {
    /// Oldest first.
    pub jobs: Vec<JobView>,
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

/// `POST /v1/chat`: one chat turn, streamed back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// A project name or session id; the current project when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The message (sent once, never again).
    pub message: String,
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

/// `POST /v1/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProjectRequest {
    /// Its name.
    pub name: String,
}

/// Every error answer: `{"error": {...}}` with a 4xx or 5xx status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, in the terms nemoctl shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable word: `bad_request`, `not_found`, `too_large`, `unauthorized`, `forbidden`,
    /// `shutting_down`, or `failed` (a use case failed; see `exit`).
    pub kind: String,
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
        Self { kind: "failed".into(), message: error.to_string(), hint: error.hint(), exit: error.exit().code() }
    }
}

/// An uploaded asset as nemod's API and `nemoctl --json` show it.
#[must_use]
pub fn asset_json(asset: &Asset) -> Value {
    json!({
        "filename": asset.filename,
        "kind": asset.kind.map(|k| k.as_str()),
        "duration_s": asset.duration_s,
        "width": asset.width,
        "height": asset.height,
    })
}

/// A credit balance as nemod's API and `nemoctl --json` show it.
#[must_use]
pub fn credits_json(credits: &Credits) -> Value {
    json!({"available": credits.available, "frozen": credits.frozen, "total": credits.total})
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
            state: JobState::Rendering { progress: 40 },
            created: Timestamp::from_unix_ms(0),
            updated: Timestamp::from_unix_ms(1000),
        };
        let view = JobView::of(&job);
        assert_eq!((view.id.as_str(), view.state.as_str(), view.progress), ("render_5", "rendering", Some(40)));
        assert!(!view.is_final());
        let text = serde_json::to_string(&view).unwrap();
        assert_eq!(serde_json::from_str::<JobView>(&text).unwrap(), view);
    }
}
