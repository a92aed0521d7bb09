//! Errors: what the backend port reports ([`ApiError`], saying how far a request got), the
//! service's error table ([`ErrorCode`] with its recovery), and what the user is told
//! ([`Error`], with the exit code of the product spec).

use std::fmt;
use std::time::Duration;

use crate::ids::{RenderId, SessionId};
use crate::media::{MediaRefusal, supported_formats_line};

/// The API refused the request: a non-2xx status, or a `code != 0` / `success: false` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status (200 when the refusal came as a body code under HTTP 200).
    pub status: u16,
    /// The body `code`, when there was one.
    pub code: Option<i64>,
    /// The service's message (`message` or `error`), possibly empty.
    pub message: String,
    /// `Retry-After`, when the service sent one.
    pub retry_after: Option<Duration>,
}

/// A backend call failed. The variant says how far the request got, which decides what may be
/// retried: only a request that was never sent, or an idempotent one, is safe to repeat.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Nothing reached the service (connection refused, no route, DNS).
    #[error("could not reach the service: {0}")]
    NotSent(String),
    /// The request may have reached the service (timeout, reset, stream cut).
    #[error("the connection failed after the request was sent: {0}")]
    MaybeSent(String),
    /// The service answered something this client cannot read; the raw body is kept.
    #[error("unreadable reply (HTTP {status}): {reason}")]
    BadReply {
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// The body as received (possibly cut short).
        body: String,
    },
    /// The service refused the request.
    #[error("{}", describe_refusal(.0))]
    Refused(Refusal),
    /// A local file could not be read or written (upload source, download target).
    #[error("local file error: {0}")]
    Local(String),
}

fn describe_refusal(r: &Refusal) -> String {
    let what = match (r.code, r.message.is_empty()) {
        (Some(code), false) => format!("code {code}: {}", r.message),
        (Some(code), true) => format!("code {code}"),
        (None, false) => r.message.clone(),
        (None, true) => "no message".to_owned(),
    };
    if r.status == 200 {
        // A body code under HTTP 200: the status says nothing the code does not.
        format!("the service refused the request ({what})")
    } else {
        format!("the service refused the request (HTTP {}, {what})", r.status)
    }
}

impl ApiError {
    /// A refusal carried by a body code under HTTP 200.
    #[must_use]
    pub fn code(code: i64, message: impl Into<String>) -> Self {
        Self::Refused(Refusal { status: 200, code: Some(code), message: message.into(), retry_after: None })
    }

    /// A refusal carried by an HTTP status.
    #[must_use]
    pub fn status(status: u16, message: impl Into<String>) -> Self {
        Self::Refused(Refusal { status, code: None, message: message.into(), retry_after: None })
    }

    /// Which row of the service's error table this is, if any.
    #[must_use]
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Refused(r) => ErrorCode::classify(r.status, r.code),
            Self::BadReply { status, .. } if *status >= 500 || *status == 408 || *status == 429 => {
                ErrorCode::classify(*status, None)
            }
            Self::NotSent(_) | Self::MaybeSent(_) => Some(ErrorCode::Transient),
            Self::BadReply { .. } | Self::Local(_) => None,
        }
    }

    /// Whether repeating the same idempotent request may succeed (network trouble, 408, 429,
    /// 5xx). Never a reason to repeat a chat message.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self.error_code(), Some(ErrorCode::Transient | ErrorCode::RateLimited))
    }

    /// The wait the service asked for, if it did.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Refused(r) => r.retry_after,
            _ => None,
        }
    }
}

/// The rows of the service's error table (wire contract §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 1001: token bad or expired (also HTTP 401).
    TokenInvalid,
    /// 1002: session not found.
    SessionNotFound,
    /// 2001: no credits.
    NoCredits,
    /// 4001: unsupported file type.
    UnsupportedFile,
    /// 4002: file too large.
    FileTooLarge,
    /// HTTP 400 on the anonymous-token call: missing `X-Client-Id`.
    MissingClientId,
    /// HTTP 402: the plan does not allow export (not a credit problem).
    ExportBlocked,
    /// HTTP 429: rate limited.
    RateLimited,
    /// Network trouble, 408 or 5xx.
    Transient,
}

/// What the client does about an [`ErrorCode`] (the table's last column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Drop the stored token, get a new anonymous one with the same client id, retry once;
    /// report instead when the token came from `NEMO_TOKEN`.
    RenewTokenAndRetryOnce,
    /// Create a new session, tell the user, retry once where safe (never a chat message).
    NewSessionAndRetryOnceIfSafe,
    /// Anonymous users: show the registration link; registered users: top up.
    RegisterOrTopUp,
    /// List the supported formats.
    ListSupportedFormats,
    /// Suggest compressing or trimming.
    SuggestCompressing,
    /// Generate and persist a client id, retry once.
    NewClientIdAndRetryOnce,
    /// Tell the user to register or upgrade the plan.
    UpgradePlan,
    /// Wait `Retry-After` or 30 s, retry once.
    WaitAndRetryOnce,
    /// Retry idempotent calls with backoff; never a chat message.
    RetryIdempotentWithBackoff,
}

impl ErrorCode {
    /// Classifies an HTTP status and optional body code.
    #[must_use]
    pub fn classify(status: u16, code: Option<i64>) -> Option<Self> {
        let by_code = match code {
            Some(1001) => Some(Self::TokenInvalid),
            Some(1002) => Some(Self::SessionNotFound),
            Some(2001) => Some(Self::NoCredits),
            Some(4001) => Some(Self::UnsupportedFile),
            Some(4002) => Some(Self::FileTooLarge),
            _ => None,
        };
        by_code.or(match status {
            400 => Some(Self::MissingClientId),
            401 => Some(Self::TokenInvalid),
            402 => Some(Self::ExportBlocked),
            429 => Some(Self::RateLimited),
            408 | 500..=599 => Some(Self::Transient),
            _ => None,
        })
    }

    /// The code as the table writes it (`1001`, `402`, ...; `5xx` for transient trouble).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TokenInvalid => "1001",
            Self::SessionNotFound => "1002",
            Self::NoCredits => "2001",
            Self::UnsupportedFile => "4001",
            Self::FileTooLarge => "4002",
            Self::MissingClientId => "400",
            Self::ExportBlocked => "402",
            Self::RateLimited => "429",
            Self::Transient => "5xx",
        }
    }

    /// What the client does about it.
    #[must_use]
    pub fn recovery(self) -> Recovery {
        match self {
            Self::TokenInvalid => Recovery::RenewTokenAndRetryOnce,
            Self::SessionNotFound => Recovery::NewSessionAndRetryOnceIfSafe,
            Self::NoCredits => Recovery::RegisterOrTopUp,
            Self::UnsupportedFile => Recovery::ListSupportedFormats,
            Self::FileTooLarge => Recovery::SuggestCompressing,
            Self::MissingClientId => Recovery::NewClientIdAndRetryOnce,
            Self::ExportBlocked => Recovery::UpgradePlan,
            Self::RateLimited => Recovery::WaitAndRetryOnce,
            Self::Transient => Recovery::RetryIdempotentWithBackoff,
        }
    }

    /// The exit code when this code ends a command.
    #[must_use]
    pub fn exit(self) -> Exit {
        match self {
            Self::TokenInvalid | Self::MissingClientId => Exit::NotAuthenticated,
            Self::SessionNotFound => Exit::Failure,
            Self::NoCredits => Exit::NoCredits,
            Self::UnsupportedFile | Self::FileTooLarge => Exit::InputRefused,
            Self::ExportBlocked => Exit::ExportBlocked,
            Self::RateLimited => Exit::RateLimited,
            Self::Transient => Exit::Unreachable,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The process exit codes of the product spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Exit {
    /// 0: success.
    Success = 0,
    /// 1: any other failure.
    Failure = 1,
    /// 2: wrong usage.
    Usage = 2,
    /// 3: not authenticated (token rejected and could not be renewed).
    NotAuthenticated = 3,
    /// 4: out of credits (2001).
    NoCredits = 4,
    /// 5: the plan does not allow export (402).
    ExportBlocked = 5,
    /// 6: the input was refused.
    InputRefused = 6,
    /// 7: rate limited after the one retry.
    RateLimited = 7,
    /// 8: timed out (chat turn or render).
    TimedOut = 8,
    /// 9: render failed.
    RenderFailed = 9,
    /// 10: the service could not be reached.
    Unreachable = 10,
}

impl Exit {
    /// The numeric code.
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Why a use case failed, in the user's terms. `Display` says what happened; [`Error::hint`]
/// says what to do next; [`Error::exit`] gives the exit code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The token was refused and could not be renewed (or came from `NEMO_TOKEN`).
    #[error("the service rejected the token{}", if *.from_env { " in NEMO_TOKEN" } else { "" })]
    NotAuthenticated {
        /// Whether the token was the user's own from `NEMO_TOKEN`.
        from_env: bool,
    },
    /// 2001.
    #[error("out of credits")]
    NoCredits {
        /// `<web>/register?bind=<user_id>` for anonymous users; `None` for registered ones.
        register_url: Option<String>,
    },
    /// 402: the plan does not allow export.
    #[error("your plan does not allow export (HTTP 402); this is not a credit problem")]
    ExportBlocked,
    /// A file or URL was refused before upload (or the service said 4001/4002).
    #[error("{0}")]
    MediaRefused(MediaRefusal),
    /// A file given on the command line does not exist or cannot be read.
    #[error("{path}: {reason}")]
    FileUnreadable {
        /// The path as given.
        path: String,
        /// What the filesystem said.
        reason: String,
    },
    /// The output path cannot take the video: a symbolic link, a directory, a device or pipe,
    /// a file that cannot be written, a folder that does not exist. Found before anything is
    /// uploaded, sent or rendered.
    #[error("{path}: {reason}")]
    OutputRefused {
        /// The path as given.
        path: String,
        /// Why it cannot be written.
        reason: String,
    },
    /// Another export is writing the same output now (its `.part` is held).
    #[error("{path}: another export is writing this file now")]
    OutputBusy {
        /// The path as given.
        path: String,
    },
    /// Export was asked for an empty timeline.
    #[error("nothing to export: the timeline has no clips yet")]
    NothingToExport,
    /// A quick edit's instruction left the timeline as it was, so nothing was exported.
    #[error("the instruction changed nothing in the timeline, so nothing was exported")]
    InstructionChangedNothing,
    /// A quick edit was stopped (its driver restarted) while its instruction was being sent:
    /// the instruction may have reached the editor, and it is never sent twice.
    #[error("the quick edit stopped while its instruction was being sent; it was not sent again")]
    EditInterrupted {
        /// The edit's project.
        session_id: SessionId,
    },
    /// There is no current project for a command that needs one.
    #[error("no project is selected")]
    NoProject,
    /// A project name or id that matches nothing stored.
    #[error("no project named {0:?}")]
    UnknownProject(String),
    /// 429 after the one retry.
    #[error("the service is rate limiting this client")]
    RateLimited {
        /// How long the service asked to wait.
        retry_after: Option<Duration>,
    },
    /// The chat turn produced no answer and the state did not change after the recovery
    /// reads; the message was **not** re-sent.
    #[error("the edit did not finish: no reply, and the timeline was unchanged after {reads} checks")]
    TurnLost {
        /// How many state reads found no change.
        reads: u32,
    },
    /// The session was gone (1002); a new one was made, but a chat message is never re-sent.
    #[error("the session had expired; a new project {project:?} was created and your message was not sent")]
    SessionReplaced {
        /// The new project's name.
        project: String,
    },
    /// The render did not finish before the deadline.
    #[error("render {id} did not finish in time")]
    RenderTimedOut {
        /// The job, still running on the service.
        id: RenderId,
    },
    /// A render on this machine made no progress before the deadline; it stopped with the
    /// process that ran it.
    #[error("render {id} made no progress in time and was stopped")]
    LocalRenderStalled {
        /// The job, started again from its saved draft by the next export.
        id: RenderId,
    },
    /// The render failed.
    #[error("render {id} failed: {reason}")]
    RenderFailed {
        /// The job.
        id: RenderId,
        /// The service's reason.
        reason: String,
    },
    /// The service could not be reached (after retries where they are allowed).
    #[error("could not reach the service: {0}")]
    Unreachable(String),
    /// The connection failed after the request was sent: it may have been processed.
    #[error("the connection to the service was lost: {0}")]
    ConnectionLost(String),
    /// The model or agent reported a failure for this turn.
    #[error("the editor reported an error: {0}")]
    AgentFailed(String),
    /// The agent's run raised (a run error ended the stream): the turn failed, whatever text
    /// came before. The state was read again to say what changed; the message was not re-sent.
    #[error("the editor's run failed: {message}; {}", run_outcome(.changes.as_deref()))]
    RunFailed {
        /// The run error's message.
        message: String,
        /// The timeline's changes since before the message; `None` when it could not be read.
        changes: Option<Vec<String>>,
    },
    /// Any other refusal or unreadable reply.
    #[error("{0}")]
    Api(ApiError),
    /// Local state could not be read or written.
    #[error("local state: {0}")]
    Store(String),
}

/// What a failed run left behind, for [`Error::RunFailed`].
fn run_outcome(changes: Option<&[String]>) -> String {
    match changes {
        None => "the timeline could not be read to see what changed".into(),
        Some([]) => "the timeline did not change".into(),
        Some(changes) => format!("the timeline changed meanwhile: {}", changes.join("; ")),
    }
}

impl Error {
    /// The exit code of the product spec.
    #[must_use]
    pub fn exit(&self) -> Exit {
        match self {
            Self::NotAuthenticated { .. } => Exit::NotAuthenticated,
            Self::NoCredits { .. } => Exit::NoCredits,
            Self::ExportBlocked => Exit::ExportBlocked,
            Self::MediaRefused(_)
            | Self::FileUnreadable { .. }
            | Self::OutputRefused { .. }
            | Self::OutputBusy { .. }
            | Self::NothingToExport
            | Self::InstructionChangedNothing => Exit::InputRefused,
            Self::RateLimited { .. } => Exit::RateLimited,
            Self::TurnLost { .. } | Self::RenderTimedOut { .. } | Self::LocalRenderStalled { .. } => Exit::TimedOut,
            Self::RenderFailed { .. } => Exit::RenderFailed,
            Self::Unreachable(_) | Self::ConnectionLost(_) => Exit::Unreachable,
            Self::Api(e) => e.error_code().map_or(Exit::Failure, ErrorCode::exit),
            Self::NoProject
            | Self::UnknownProject(_)
            | Self::SessionReplaced { .. }
            | Self::EditInterrupted { .. }
            | Self::AgentFailed(_)
            // Not 9: that is a render that failed, which a script may just export again.
            | Self::RunFailed { .. }
            | Self::Store(_) => Exit::Failure,
        }
    }

    /// What to do next, in one line.
    #[must_use]
    pub fn hint(&self) -> String {
        match self {
            Self::NotAuthenticated { from_env: true } => {
                "Check NEMO_TOKEN, or unset it to use a free anonymous token.".into()
            }
            Self::NotAuthenticated { from_env: false } => {
                "Run `nemoctl logout` then `nemoctl login` to get a fresh token.".into()
            }
            Self::NoCredits { register_url: Some(url) } => format!("Register to get more credits: {url}"),
            Self::NoCredits { register_url: None } => "Top up credits in your NemoVideo account.".into(),
            Self::ExportBlocked => "Register or upgrade your plan to unlock export.".into(),
            Self::MediaRefused(MediaRefusal::TooLarge { .. }) => {
                "Compress or trim the file to under 500 MB, then upload again.".into()
            }
            Self::MediaRefused(_) => format!("Supported formats: {}.", supported_formats_line()),
            Self::FileUnreadable { .. } => "Check the path and permissions, then try again.".into(),
            Self::OutputRefused { .. } => {
                "Name a new file, or a regular file you can write, in a folder that exists (-o PATH).".into()
            }
            Self::OutputBusy { .. } => {
                "Wait for that export to end (`nemoctl jobs`), or name another file (-o PATH).".into()
            }
            Self::NothingToExport => {
                "Upload a clip (`nemoctl upload FILE`) or ask for one to be generated first.".into()
            }
            Self::InstructionChangedNothing => {
                "Read the editor's answer above and rephrase the instruction (`nemoctl guide` shows examples).".into()
            }
            Self::EditInterrupted { session_id } => format!(
                "Check `nemoctl --project {session_id} tracks`: if the edit is there, run `nemoctl --project \
                 {session_id} export`; otherwise run the edit again."
            ),
            Self::NoProject => "Create one with `nemoctl new NAME` or pick one with `nemoctl use NAME`.".into(),
            Self::UnknownProject(_) => "List projects with `nemoctl projects`.".into(),
            Self::RateLimited { .. } => "Wait a few minutes and try again.".into(),
            Self::TurnLost { .. } => {
                "Check `nemoctl tracks`; to try the same edit again, send it again yourself.".into()
            }
            Self::SessionReplaced { .. } => "Upload your media again if needed, then send your message again.".into(),
            Self::RenderTimedOut { .. } => {
                "The render keeps running on the service: `nemoctl jobs` shows it, and `nemoctl export` picks it up \
                 (no second render) once nothing changed."
                    .into()
            }
            Self::LocalRenderStalled { .. } => {
                "It rendered on this machine and stopped with this command: `nemoctl --offline export` renders the \
                 same draft again (give a slow step longer with --render-timeout SECS)."
                    .into()
            }
            Self::RenderFailed { .. } => "Try `nemoctl export` again; if it fails again, simplify the edit.".into(),
            Self::Unreachable(_) => "Check your network connection and NEMO_API_URL, then try again.".into(),
            Self::ConnectionLost(_) => {
                "Check `nemoctl jobs` or `nemoctl tracks` before trying again: the request may have gone through."
                    .into()
            }
            Self::AgentFailed(_) => "Rephrase the instruction and try again.".into(),
            Self::RunFailed { changes: Some(changes), .. } if changes.is_empty() => {
                "Nothing changed: rephrase the instruction and try again.".into()
            }
            Self::RunFailed { .. } => {
                "Part of the edit may have gone through: check `nemoctl tracks` before sending it again.".into()
            }
            Self::Api(error) => match error.error_code() {
                Some(ErrorCode::UnsupportedFile) => format!("Supported formats: {}.", supported_formats_line()),
                Some(ErrorCode::FileTooLarge) => "Compress or trim the file to under 500 MB, then upload again.".into(),
                Some(ErrorCode::SessionNotFound) => "Start a new project with `nemoctl new NAME`.".into(),
                None if matches!(error, ApiError::Local(_)) => {
                    "Check the local file: free some disk space or fix its permissions, then try again (a \
                     download resumes from its .part)."
                        .into()
                }
                _ => "Try again; if it keeps failing, run with -v and report the message.".into(),
            },
            Self::Store(_) => "Check that NEMO_STATE_DIR and NEMO_CONFIG_DIR are writable.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table_has_its_recovery_and_exit() {
        let check = |status: u16, code: Option<i64>, expected: ErrorCode, recovery: Recovery, exit: Exit| {
            let got = ErrorCode::classify(status, code).unwrap();
            assert_eq!((got, got.recovery(), got.exit()), (expected, recovery, exit), "{status} {code:?}");
        };
        check(200, Some(1001), ErrorCode::TokenInvalid, Recovery::RenewTokenAndRetryOnce, Exit::NotAuthenticated);
        check(401, None, ErrorCode::TokenInvalid, Recovery::RenewTokenAndRetryOnce, Exit::NotAuthenticated);
        check(200, Some(1002), ErrorCode::SessionNotFound, Recovery::NewSessionAndRetryOnceIfSafe, Exit::Failure);
        check(200, Some(2001), ErrorCode::NoCredits, Recovery::RegisterOrTopUp, Exit::NoCredits);
        check(200, Some(4001), ErrorCode::UnsupportedFile, Recovery::ListSupportedFormats, Exit::InputRefused);
        check(200, Some(4002), ErrorCode::FileTooLarge, Recovery::SuggestCompressing, Exit::InputRefused);
        check(400, None, ErrorCode::MissingClientId, Recovery::NewClientIdAndRetryOnce, Exit::NotAuthenticated);
        check(402, None, ErrorCode::ExportBlocked, Recovery::UpgradePlan, Exit::ExportBlocked);
        check(429, None, ErrorCode::RateLimited, Recovery::WaitAndRetryOnce, Exit::RateLimited);
        check(503, None, ErrorCode::Transient, Recovery::RetryIdempotentWithBackoff, Exit::Unreachable);
        assert_eq!(ErrorCode::classify(200, Some(0)), None);
        assert_eq!(ErrorCode::classify(404, None), None);
    }

    #[test]
    fn a_body_code_wins_over_the_status() {
        assert_eq!(ErrorCode::classify(400, Some(4001)), Some(ErrorCode::UnsupportedFile));
    }

    #[test]
    fn only_transport_trouble_and_rate_limits_are_retryable() {
        assert!(ApiError::NotSent("refused".into()).is_retryable());
        assert!(ApiError::MaybeSent("reset".into()).is_retryable());
        assert!(ApiError::status(503, "").is_retryable());
        assert!(ApiError::status(429, "").is_retryable());
        assert!(!ApiError::status(402, "").is_retryable());
        assert!(!ApiError::code(1001, "expired").is_retryable());
        assert!(!ApiError::Local("disk full".into()).is_retryable());
        assert!(ApiError::BadReply { status: 502, reason: "html".into(), body: "<html>".into() }.is_retryable());
    }

    #[test]
    fn refusals_read_well() {
        assert_eq!(
            ApiError::code(2001, "no credits").to_string(),
            "the service refused the request (code 2001: no credits)"
        );
        assert_eq!(
            ApiError::status(402, "free plan export blocked").to_string(),
            "the service refused the request (HTTP 402, free plan export blocked)"
        );
    }

    #[test]
    fn user_errors_map_to_the_product_exit_codes() {
        let check = |e: Error, exit: u8| assert_eq!(e.exit().code(), exit, "{e}");
        check(Error::NotAuthenticated { from_env: true }, 3);
        check(Error::NoCredits { register_url: None }, 4);
        check(Error::ExportBlocked, 5);
        check(Error::NothingToExport, 6);
        check(Error::InstructionChangedNothing, 6);
        check(Error::MediaRefused(MediaRefusal::NotAUrl("x".into())), 6);
        check(Error::RateLimited { retry_after: None }, 7);
        check(Error::TurnLost { reads: 5 }, 8);
        check(Error::RenderFailed { id: RenderId::from_unix_ms(1), reason: "x".into() }, 9);
        check(Error::Unreachable("x".into()), 10);
        check(Error::Api(ApiError::status(402, "")), 5);
        check(Error::Store("x".into()), 1);
        check(Error::RunFailed { message: "RuntimeError: boom".into(), changes: Some(Vec::new()) }, 1);
    }

    #[test]
    fn a_failed_run_says_what_it_left_behind() {
        let failed = |changes: Option<&[&str]>| Error::RunFailed {
            message: "RuntimeError: boom".into(),
            changes: changes.map(|c| c.iter().map(|s| (*s).to_owned()).collect()),
        };
        let told = failed(Some(&["Title added: \"A\" (0-3s)"]));
        assert_eq!(
            told.to_string(),
            "the editor's run failed: RuntimeError: boom; the timeline changed meanwhile: Title added: \"A\" (0-3s)"
        );
        assert!(told.hint().contains("nemoctl tracks"));
        assert!(failed(Some(&[])).to_string().ends_with("; the timeline did not change"));
        assert!(failed(Some(&[])).hint().starts_with("Nothing changed"));
        assert!(failed(None).to_string().ends_with("could not be read to see what changed"));
        assert!(failed(None).hint().contains("nemoctl tracks"));
    }

    #[test]
    fn every_error_says_what_to_do() {
        let url = Error::NoCredits { register_url: Some("https://w/register?bind=anon_1".into()) };
        assert!(url.hint().contains("register?bind=anon_1"));
        assert!(Error::ExportBlocked.hint().contains("upgrade"));
        let id = RenderId::from_unix_ms(1);
        assert!(Error::RenderTimedOut { id: id.clone() }.hint().contains("`nemoctl export` picks it up"));
        let stalled = Error::LocalRenderStalled { id };
        assert!(!stalled.hint().contains("keeps running"), "an offline render stops with its process");
        assert_eq!(stalled.exit().code(), 8);
        assert!(Error::MediaRefused(MediaRefusal::NotAUrl("x".into())).hint().contains("mp4"));
    }
}
