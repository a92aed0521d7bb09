//! The request log: every call that reached the fake, in order, without secrets — for tests
//! asserting what was sent, and that nothing was sent twice.

use nemo_core::ids::SessionId;

use crate::faults::Endpoint;

/// One call that reached the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// The session it named, if any.
    pub session: Option<SessionId>,
    /// What it carried, never a token: the message text, the file name, the URLs (space
    /// separated), the render id, the download URL, the task name or id, or the client id.
    pub detail: String,
}

impl Call {
    /// A call to `endpoint` about `session` carrying `detail`.
    #[must_use]
    pub fn new(endpoint: Endpoint, session: Option<&SessionId>, detail: impl Into<String>) -> Self {
        Self { endpoint, session: session.cloned(), detail: detail.into() }
    }
}
