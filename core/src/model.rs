//! The domain's view of what the service answers: accounts, sessions, assets, state, credits
//! and render jobs. Plain data; the wire shapes that carry them live in the adapters.

use crate::draft::Draft;
use crate::ids::{RenderId, SessionId, TaskId, Token, UserId};
use crate::media::MediaKind;
use crate::time::Timestamp;

/// What the anonymous-token call grants.
#[derive(Debug, Clone, PartialEq)]
pub struct AnonymousGrant {
    /// The bearer token (`nmv_usr_...`).
    pub token: Token,
    /// The anonymous account (`anon_...`).
    pub user_id: UserId,
    /// When the token stops working (7 days ahead).
    pub expires_at: Timestamp,
    /// Starting credits (100).
    pub credits: i64,
}

/// Where the token in use came from; decides whether it may be replaced silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenOrigin {
    /// `NEMO_TOKEN`: the user's own; never replaced behind their back.
    Environment,
    /// The credentials file (an anonymous token obtained earlier, or one the user stored).
    Stored,
    /// Obtained just now from the anonymous-token endpoint.
    Anonymous,
}

/// A token with what is known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    /// The bearer token.
    pub token: Token,
    /// The account, when known.
    pub user_id: Option<UserId>,
    /// Expiry, when known.
    pub expires_at: Option<Timestamp>,
    /// Where it came from.
    pub origin: TokenOrigin,
}

/// What creating a session returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The task (project).
    pub task_id: TaskId,
    /// The chat session.
    pub session_id: SessionId,
    /// The owner, when the service says.
    pub user_id: Option<UserId>,
}

/// A media asset as the service describes it after an upload (`video_infos` entries too).
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// The file name.
    pub filename: String,
    /// video, image or audio; `None` when the service sent a type this client does not know.
    pub kind: Option<MediaKind>,
    /// Where the service keeps it.
    pub cdn_url: Option<String>,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// Frames per second.
    pub fps: Option<f64>,
    /// Content hash, as the service computes it.
    pub hash: Option<String>,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadResult {
    /// One entry per file or URL.
    pub files: Vec<Asset>,
    /// Whether the service already put them into the session state.
    pub session_state_applied: bool,
}

/// The canvas (inferred keys `width`, `height`, `ratio`).
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// For example `9:16`.
    pub ratio: Option<String>,
}

/// The latest state of a session; every part may be missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionState {
    /// The session.
    pub session_id: Option<SessionId>,
    /// The task.
    pub task_id: Option<TaskId>,
    /// The task name.
    pub task_name: Option<String>,
    /// The draft timeline.
    pub draft: Option<Draft>,
    /// The uploaded assets.
    pub video_infos: Vec<Asset>,
    /// The canvas.
    pub canvas: Option<Canvas>,
}

/// The credit balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credits {
    /// Spendable now.
    pub available: i64,
    /// Reserved by running work.
    pub frozen: i64,
    /// available + frozen.
    pub total: i64,
}

/// What the claim-token call grants: a browser link that does not carry the real token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimGrant {
    /// `clm_...`.
    pub claim_token: String,
    /// Seconds it stays valid (604800).
    pub expires_in: u64,
}

/// Where a render stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderPhase {
    /// Queued.
    Pending,
    /// Rendering.
    Processing,
    /// Done; a URL may still be missing (then keep polling).
    Completed,
    /// Failed for good.
    Failed,
    /// A status word this client does not know; treated as still running.
    Other(String),
}

impl RenderPhase {
    /// The wire word (`pending`, `processing`, `completed`, `failed`; an unknown word as read).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Other(word) => word,
        }
    }

    /// Reads a status word in any case, with the synonyms some texts use (`queued`;
    /// `rendering`, `running`; `complete`, `done`, `succeeded`; `error`). Any other word is
    /// [`RenderPhase::Other`], in lower case.
    #[must_use]
    pub fn from_wire(word: &str) -> Self {
        match word.to_ascii_lowercase().as_str() {
            "pending" | "queued" => Self::Pending,
            "processing" | "rendering" | "running" => Self::Processing,
            "completed" | "complete" | "done" | "succeeded" => Self::Completed,
            "failed" | "error" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A render job's status as submit and poll report it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderStatus {
    /// The job.
    pub id: RenderId,
    /// Where it stands.
    pub phase: RenderPhase,
    /// 0 to 100.
    pub progress: u8,
    /// The result (`data.outputUrl`, or `output.url` in older texts).
    pub output_url: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A render request: the draft goes back verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderRequest {
    /// `render_<unix-ms>`; a new one for every submit attempt.
    pub id: RenderId,
    /// The session whose draft this is.
    pub session_id: SessionId,
    /// The draft exactly as read from the state.
    pub draft: Draft,
}

/// A saved project: a named session this client created, and the last draft it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The name the user gave (also the task name).
    pub name: String,
    /// The task.
    pub task_id: TaskId,
    /// The session (the project's identity).
    pub session_id: SessionId,
    /// When it was created.
    pub created: Timestamp,
    /// The draft as last read, to tell the user what changed.
    pub last_draft: Option<Draft>,
}

impl Project {
    /// The project `name_or_id` names among `projects` (oldest first): the one with that
    /// session id, else the newest with that name.
    #[must_use]
    pub fn find<'a>(projects: &'a [Self], name_or_id: &str) -> Option<&'a Self> {
        projects
            .iter()
            .find(|p| p.session_id.as_str() == name_or_id)
            .or_else(|| projects.iter().rev().find(|p| p.name == name_or_id))
    }

    /// The file an export of this project is written to by default: `<name>.mp4`, with path
    /// separators, `:` and control characters as `_` and no leading dot.
    #[must_use]
    pub fn video_file_name(&self) -> String {
        let safe: String =
            self.name.chars().map(|c| if matches!(c, '/' | '\\' | ':') || c.is_control() { '_' } else { c }).collect();
        let safe = safe.trim().trim_start_matches('.');
        format!("{}.mp4", if safe.is_empty() { "project" } else { safe })
    }
}

/// Where a render job of this client stands. Saved before every step, so that work survives
/// a crash: a job in `Rendering` is polled, never submitted again.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    /// About to be submitted with its id (it may or may not have reached the service).
    Submitting,
    /// Submitted; being polled.
    Rendering {
        /// 0 to 99 while it renders; 100 once the service says it is rendered and it is not
        /// downloaded yet (a job refreshed by `jobs` whose export had stopped).
        progress: u8,
    },
    /// Rendered; the file is being downloaded.
    Downloading {
        /// The result URL, if the service gave one.
        url: Option<String>,
    },
    /// The file is complete at the output path.
    Done {
        /// Its size.
        bytes: u64,
    },
    /// Failed for good.
    Failed {
        /// Why.
        reason: String,
    },
    /// Cancelled by the user.
    Cancelled,
}

impl JobState {
    /// Whether nothing more will happen to the job.
    #[must_use]
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Done { .. } | Self::Failed { .. } | Self::Cancelled)
    }
}

/// A render job of this client.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderJob {
    /// The render id.
    pub id: RenderId,
    /// The session it renders.
    pub session_id: SessionId,
    /// The project's name.
    pub project: String,
    /// Where the file goes.
    pub output: String,
    /// The digest of the draft it renders ([`crate::draft::Draft::digest`]); `None` for a job
    /// saved before digests were kept (never resumed by another export).
    pub draft_digest: Option<String>,
    /// Where it stands.
    pub state: JobState,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_phases_read_back_what_they_write_and_the_synonyms() {
        for phase in [
            RenderPhase::Pending,
            RenderPhase::Processing,
            RenderPhase::Completed,
            RenderPhase::Failed,
            RenderPhase::Other("paused".into()),
        ] {
            assert_eq!(RenderPhase::from_wire(phase.as_str()), phase);
        }
        for (word, phase) in [
            ("QUEUED", RenderPhase::Pending),
            ("rendering", RenderPhase::Processing),
            ("Running", RenderPhase::Processing),
            ("complete", RenderPhase::Completed),
            ("done", RenderPhase::Completed),
            ("succeeded", RenderPhase::Completed),
            ("error", RenderPhase::Failed),
            ("Paused", RenderPhase::Other("paused".into())),
        ] {
            assert_eq!(RenderPhase::from_wire(word), phase, "{word}");
        }
    }

    fn project(name: &str, session: &str) -> Project {
        Project {
            name: name.into(),
            task_id: TaskId::parse("t").unwrap(),
            session_id: SessionId::parse(session).unwrap(),
            created: Timestamp::from_unix_ms(0),
            last_draft: None,
        }
    }

    #[test]
    fn a_project_name_becomes_a_safe_file_name() {
        let file = |name| project(name, "s").video_file_name();
        assert_eq!(file("trip"), "trip.mp4");
        assert_eq!(file("../a/b"), "_a_b.mp4");
        assert_eq!(file("a:b"), "a_b.mp4");
        assert_eq!(file(""), "project.mp4");
        assert_eq!(file("..."), "project.mp4");
    }

    #[test]
    fn a_project_is_found_by_session_id_first_else_the_newest_of_that_name() {
        let projects = [project("a", "s1"), project("s1", "s2"), project("a", "s3")];
        let found = |wanted| Project::find(&projects, wanted).map(|p| p.session_id.as_str().to_owned());
        assert_eq!(found("a").as_deref(), Some("s3"));
        assert_eq!(found("s1").as_deref(), Some("s1"), "a session id wins over a newer name");
        assert_eq!(found("s2").as_deref(), Some("s2"));
        assert_eq!(found("b"), None);
    }
}
