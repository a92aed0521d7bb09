//! Fault injection: what a test asks the next call to an endpoint to do wrong. Faults queue per
//! endpoint and each call consumes at most one.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use nemo_core::error::ApiError;

/// One variant per method of [`nemo_core::ports::Backend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `anonymous_token`.
    AnonymousToken,
    /// `create_session`.
    CreateSession,
    /// `claim_token`.
    ClaimToken,
    /// `send_message`.
    SendMessage,
    /// `upload_file`.
    UploadFile,
    /// `upload_urls`.
    UploadUrls,
    /// `state`.
    State,
    /// `credits`.
    Credits,
    /// `submit_render`.
    SubmitRender,
    /// `render_status`.
    RenderStatus,
    /// `cancel_render`.
    CancelRender,
    /// `download_url`.
    DownloadUrl,
    /// `download_render`.
    DownloadRender,
}

/// Something to go wrong on the next call to an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Any endpoint: the call fails with this error before doing anything. An
    /// [`ApiError::NotSent`] never reaches the fake, so the call is not logged either.
    Fail(ApiError),
    /// Any endpoint: the call is logged and never answered (a server that holds the
    /// connection open and says nothing).
    Hang,
    /// `send_message`: the stream yields `after_events` events of the normal turn, then
    /// `Err(ApiError::MaybeSent("stream dropped"))`; the edit happens on the server anyway
    /// when `edit_applied`, and not at all otherwise.
    DropStream {
        /// Events delivered before the drop.
        after_events: usize,
        /// Whether the server-side edit happened.
        edit_applied: bool,
    },
    /// `send_message`: the stream only sends a heartbeat every 30 s of clock sleep for
    /// `duration`, then closes without text and without an edit.
    HeartbeatsOnly {
        /// How long the heartbeats last.
        duration: Duration,
    },
    /// `send_message`: the edit happens but the turn carries no text at all.
    SilentAnswer,
    /// `send_message`: after the normal text, one more message: "I encountered a temporary
    /// issue. Please try again."
    TemporaryIssueTrailer,
    /// `submit_render`: the job fails with `reason` when it would have completed.
    RenderFails {
        /// The service's reason.
        reason: String,
    },
    /// `submit_render`: the job stops at 50 % and never completes.
    RenderStalls,
    /// `submit_render`: the job completes but its first `polls` completed polls carry no URL.
    NoOutputUrl {
        /// Completed polls without a URL.
        polls: u32,
    },
    /// `download_url`: the CDN answers 404 once.
    CdnDown,
}

impl Fault {
    /// The one endpoint this fault makes sense on; `None` for [`Fault::Fail`] and
    /// [`Fault::Hang`], which fit all.
    #[must_use]
    pub fn endpoint(&self) -> Option<Endpoint> {
        match self {
            Self::Fail(_) | Self::Hang => None,
            Self::DropStream { .. }
            | Self::HeartbeatsOnly { .. }
            | Self::SilentAnswer
            | Self::TemporaryIssueTrailer => Some(Endpoint::SendMessage),
            Self::RenderFails { .. } | Self::RenderStalls | Self::NoOutputUrl { .. } => Some(Endpoint::SubmitRender),
            Self::CdnDown => Some(Endpoint::DownloadUrl),
        }
    }
}

/// The queued faults, per endpoint.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queues: HashMap<Endpoint, VecDeque<Fault>>,
}

impl Faults {
    /// Queues `fault` for `endpoint`.
    ///
    /// # Panics
    /// When the fault belongs to another endpoint: a mistake in the test, not a fault.
    pub(crate) fn inject(&mut self, endpoint: Endpoint, fault: Fault) {
        if let Some(home) = fault.endpoint() {
            assert_eq!(home, endpoint, "{fault:?} can only be injected on {home:?}");
        }
        self.queues.entry(endpoint).or_default().push_back(fault);
    }

    /// The next fault for `endpoint`, if any.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.queues.get_mut(&endpoint)?.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_one_at_a_time_per_endpoint() {
        let mut faults = Faults::default();
        faults.inject(Endpoint::State, Fault::Fail(ApiError::status(503, "a")));
        faults.inject(Endpoint::State, Fault::Fail(ApiError::status(502, "b")));
        faults.inject(Endpoint::SendMessage, Fault::SilentAnswer);
        assert_eq!(faults.take(Endpoint::State), Some(Fault::Fail(ApiError::status(503, "a"))));
        assert_eq!(faults.take(Endpoint::Credits), None);
        assert_eq!(faults.take(Endpoint::State), Some(Fault::Fail(ApiError::status(502, "b"))));
        assert_eq!(faults.take(Endpoint::State), None);
        assert_eq!(faults.take(Endpoint::SendMessage), Some(Fault::SilentAnswer));
    }

    #[test]
    fn specialised_faults_name_their_endpoint() {
        assert_eq!(Fault::CdnDown.endpoint(), Some(Endpoint::DownloadUrl));
        assert_eq!(Fault::RenderStalls.endpoint(), Some(Endpoint::SubmitRender));
        assert_eq!(Fault::HeartbeatsOnly { duration: Duration::ZERO }.endpoint(), Some(Endpoint::SendMessage));
        assert_eq!(Fault::Fail(ApiError::NotSent("x".into())).endpoint(), None);
    }
}
