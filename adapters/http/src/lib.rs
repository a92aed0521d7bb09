//! `nemo-http`: the backend port spoken over HTTP to NemoVideo, exactly per the wire contract.
//!
//! [`HttpBackend`] implements [`nemo_core::ports::Backend`] with two `reqwest::Client`s (the
//! one that carries the token follows redirects only within the API's origin) configured by
//! one [`HttpConfig`]. The pure parts are public for tests and benches:
//! [`sse`] (the incremental event-stream decoder) and [`events`] (payload → chat events).
#![warn(missing_docs)]

mod backend;
mod config;
mod convert;
mod download;
mod envelope;
pub mod events;
mod origin;
mod partial;
mod retry;
pub mod sse;
mod stream;
mod transport;
mod upload;
mod wire;

pub use backend::HttpBackend;
pub use config::{HttpConfig, RetryPolicy};

/// The backend could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// The API URL is not an absolute `http(s)` URL.
    #[error("invalid API URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (TLS setup, a header value).
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}
