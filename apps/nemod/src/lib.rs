//! `nemod`, the NemoVideo daemon: a local process that owns long work — chat messages, uploads,
//! exports, batches and quick edits — so that nothing is orphaned when a terminal closes, the
//! daemon is restarted or it crashes.
//!
//! - `daemon`: the daemon's life ([`run`]`(config, shutdown)`) and what handlers share;
//! - `server`: the accept loop on the Unix socket (and TCP when asked);
//! - `api`: the routes of `docs/daemon-api.md`;
//! - `jobs`: exports and quick edits driven to the end under a concurrency limit, resumed
//!   after a crash; `edits`: the quick-edit jobs and their file;
//! - `ports`: the adapters and the services built over them;
//! - `store`: the user's projects shared, the daemon's own jobs file;
//! - `lock`, `peer`, `token`: one daemon per state dir, same-user sockets, TCP tokens;
//! - [`logging`], [`config`], [`cli`], [`signal`], [`fake_cloud`]: the edges, public for
//!   `main.rs` (the rest is private: only [`run`] and its config leave the crate).
#![warn(missing_docs)]

mod api;
pub mod cli;
pub mod config;
mod daemon;
mod edits;
pub mod fake_cloud;
mod jobs;
mod lock;
pub mod logging;
mod peer;
mod ports;
mod server;
pub mod signal;
mod store;
mod token;

pub use daemon::{BackendChoice, DaemonConfig, DaemonError, run};
