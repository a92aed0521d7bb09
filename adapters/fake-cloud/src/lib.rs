//! `nemo-fake-cloud`: the in-memory fake NemoVideo ([`nemo_fake::FakeBackend`]) served over
//! HTTP on loopback, speaking the wire contract (`shared/spec/nemovideo-api.md`) byte for byte.
//!
//! Every request is answered by calling the wrapped fake through the
//! [`Backend`](nemo_core::ports::Backend) port, so its accounts, sessions, agent, renders,
//! faults, latency and call log all apply; this crate only translates wire ⇄ domain, by hand,
//! in one small module per job:
//!
//! - `routes`: the closed set of routes, parsed from method and path (with a catch-all);
//! - `handlers`: one function per endpoint, calling the fake;
//! - `wire`: domain values as the contract's JSON; `envelope`: the two envelopes and the
//!   error mapping; `sse`: chat events as server-sent events in either shape;
//! - `upload`: multipart parts streamed to disk; `files`: files streamed from disk with
//!   `Range`; `cdn`: the fake CDN's URLs rewritten onto this server;
//! - `admin`: the `/_fake/` switches (faults, latency, reply delays, SSE shape, call log);
//! - `server`: the accept loop with graceful shutdown, and [`RunningServer`] for tests.
//!
//! The routes and switches are documented in `docs/fake-cloud.md`.
#![warn(missing_docs)]
// Handlers return `Result<_, Reply>` where the error is the answer to send early; a response
// is 128 bytes, built at most once per request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod admin;
mod auth;
mod body;
mod cdn;
mod envelope;
mod files;
mod handlers;
mod routes;
mod server;
mod sse;
mod upload;
mod wire;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use nemo_fake::{Endpoint, FakeBackend};

pub use server::{RunningServer, serve};

/// Which of the contract's event shapes `/run_sse` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SseShape {
    /// Google ADK's camelCase agent-framework events (the contract's first shape).
    #[default]
    AgentFramework,
    /// The vendor's simple typed events (`{"type": "text", ...}`).
    SimpleTyped,
}

impl SseShape {
    /// The shape named `adk` (also `agent_framework`) or `simple` (also `simple_typed`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "adk" | "agent_framework" => Some(Self::AgentFramework),
            "simple" | "simple_typed" => Some(Self::SimpleTyped),
            _ => None,
        }
    }

    /// The short name [`SseShape::from_name`] reads (`adk` or `simple`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::AgentFramework => "adk",
            Self::SimpleTyped => "simple",
        }
    }
}

/// How a [`FakeCloud`] serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeCloudOptions {
    /// The event shape of `/run_sse` (switchable at run time through `/_fake/sse-shape`).
    pub sse_shape: SseShape,
    /// Where uploaded files and temporary download files are written.
    pub storage_dir: PathBuf,
    /// The largest part an upload may hold (500 MB, as the service).
    pub max_upload_bytes: u64,
}

impl FakeCloudOptions {
    /// The service's defaults, storing under `storage_dir`.
    #[must_use]
    pub fn new(storage_dir: impl Into<PathBuf>) -> Self {
        Self {
            sse_shape: SseShape::default(),
            storage_dir: storage_dir.into(),
            max_upload_bytes: nemo_core::media::MAX_UPLOAD_BYTES,
        }
    }
}

/// The fake cloud: a [`FakeBackend`] plus what serving it over HTTP needs to remember (the
/// current SSE shape, where uploaded files are on disk). Share it in an [`Arc`].
pub struct FakeCloud {
    fake: Arc<FakeBackend>,
    options: FakeCloudOptions,
    shape: Mutex<SseShape>,
    /// Uploaded files by their CDN path (`assets/<hash>/<filename>`).
    assets: Mutex<HashMap<String, PathBuf>>,
    /// Numbers upload folders, temporary files and event ids.
    counter: AtomicU64,
    /// How long each endpoint's answer is held back *after* the fake has done the work.
    reply_delays: Mutex<HashMap<Endpoint, Duration>>,
}

impl FakeCloud {
    /// Serves `fake` with `options`.
    #[must_use]
    pub fn new(fake: Arc<FakeBackend>, options: FakeCloudOptions) -> Self {
        let shape = Mutex::new(options.sse_shape);
        Self {
            fake,
            options,
            shape,
            assets: Mutex::default(),
            counter: AtomicU64::new(0),
            reply_delays: Mutex::default(),
        }
    }

    /// The wrapped fake (to inject faults or inspect it in-process).
    #[must_use]
    pub fn fake(&self) -> &Arc<FakeBackend> {
        &self.fake
    }

    /// The SSE shape now.
    #[must_use]
    pub fn sse_shape(&self) -> SseShape {
        *lock(&self.shape)
    }

    /// Switches the SSE shape for later turns.
    pub fn set_sse_shape(&self, shape: SseShape) {
        *lock(&self.shape) = shape;
    }

    /// Holds back every later answer of `endpoint` by `delay` (real time) *after* the fake has
    /// done the call: the work is done even if the client is gone before the answer (a
    /// request that reached the service, an answer that never came back). Zero removes it.
    pub fn set_reply_delay(&self, endpoint: Endpoint, delay: Duration) {
        let mut delays = lock(&self.reply_delays);
        if delay.is_zero() {
            delays.remove(&endpoint);
        } else {
            delays.insert(endpoint, delay);
        }
    }

    /// The reply delay of `endpoint` (zero when none).
    fn reply_delay(&self, endpoint: Endpoint) -> Duration {
        lock(&self.reply_delays).get(&endpoint).copied().unwrap_or_default()
    }

    /// A number never handed out before by this server.
    fn next_number(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The storage folder.
    fn storage(&self) -> &Path {
        &self.options.storage_dir
    }

    /// Remembers that the asset at CDN path `cdn_path` is the file at `path`.
    fn remember_asset(&self, cdn_path: String, path: PathBuf) {
        lock(&self.assets).insert(cdn_path, path);
    }

    /// The file of an uploaded asset, by CDN path.
    fn asset_file(&self, cdn_path: &str) -> Option<PathBuf> {
        lock(&self.assets).get(cdn_path).cloned()
    }
}

/// Shows the options only.
impl std::fmt::Debug for FakeCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCloud").field("options", &self.options).finish_non_exhaustive()
    }
}

/// Locks a mutex, ignoring poisoning (a panicked request must not take the server down).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
