//! The progress port: how a use case tells whoever drives it (a terminal, `--json`, the
//! daemon's stream, a test) what is happening while it works.

use std::time::Duration;

use crate::ids::RenderId;

/// Something the user should see while a use case runs. Results are returned, not reported.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    /// A step began ("Connecting…", "Rendering…").
    Step(String),
    /// Something the user must know that is not an error ("The session had expired; a new
    /// one was created.").
    Notice(String),
    /// Agent text for the chat, already translated from GUI language.
    AgentText(String),
    /// The agent is working (a tool call): shown as a spinner label, never as chat text.
    Activity(String),
    /// Only keep-alives for a while: "still working".
    StillWorking {
        /// Time since the turn began.
        elapsed: Duration,
    },
    /// Waiting on purpose (rate limit, disconnect recovery).
    Waiting {
        /// Why.
        reason: String,
        /// How long.
        duration: Duration,
    },
    /// Upload progress of one file.
    Upload {
        /// The file name.
        name: String,
        /// Bytes sent so far.
        sent: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Render progress.
    Render {
        /// The job.
        id: RenderId,
        /// 0 to 100.
        percent: u8,
    },
    /// Download progress.
    Download {
        /// Bytes written so far.
        received: u64,
        /// Bytes in all, when known.
        total: Option<u64>,
    },
}

/// Receives progress events. Must not block: it is called from inside the use cases.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Progress: Send + Sync {
    /// One event.
    fn report(&self, event: ProgressEvent);
}

/// Discards every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _event: ProgressEvent) {}
}
