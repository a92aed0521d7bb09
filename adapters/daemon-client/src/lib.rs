//! `nemo-daemon-client`: what nemod and its clients (nemoctl, the tests) must agree on — the
//! JSON shapes of the daemon API ([`wire`]), where the socket lives ([`socket_path`]), and a
//! small HTTP/1 client over the Unix socket ([`DaemonClient`]).
//!
//! The routes are documented in `docs/daemon-api.md`. Only this crate and nemod know them.
#![warn(missing_docs)]

mod client;
pub mod wire;

use std::path::{Path, PathBuf};

pub use client::{ClientError, DaemonClient};

/// The socket's file name inside `NEMO_STATE_DIR`.
pub const SOCKET: &str = "nemod.sock";

/// Where nemod listens for a state directory.
#[must_use]
pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join(SOCKET)
}

/// The largest request body nemod reads (1 MiB); a larger one is refused with 413.
pub const MAX_BODY: usize = 1 << 20;
