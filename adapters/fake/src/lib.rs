//! `nemo-fake`: a deterministic, faithful in-memory NemoVideo service ([`FakeBackend`]) and
//! test doubles for the other ports ([`ManualClock`], [`MemoryStore`], [`RecordingProgress`]).
//!
//! The fake behaves like the wire contract (`shared/spec/nemovideo-api.md`), not like a mock:
//! tokens expire and are revoked, sessions belong to their users, credits are frozen and
//! spent, the agent edits the draft with the documented keys (`docs/draft-keys.md`) and
//! renders take time. It needs no runtime: streams are plain `futures` streams and every
//! wait is a sleep on the injected [`Clock`](nemo_core::ports::Clock).
//!
//! # Accounts and ids
//! A new client id gets a new anonymous user with the starting credits and a token valid for
//! 7 days; the same client id again gets a fresh token for the same user and revokes the old
//! one. The eleventh distinct client id is refused with HTTP 429 (retry after 30 s). A
//! revoked, expired or unknown token is refused with 1001; a session that is unknown or
//! another user's with 1002. Every id derives from [`FakeConfig::seed`] and per-kind counters:
//! the same seed and calls give the same tokens, users, sessions, tasks and claim tokens.
//!
//! # Uploads
//! Without a media engine, files are not read: the size comes from the checked
//! [`LocalMedia`](nemo_core::media::LocalMedia). Every video and audio file is 10 s long
//! (videos 1920×1080 at 30 fps); a video is appended to the video track. With one
//! ([`FakeBackend::with_engine`], a [`MediaEngine`](nemo_editor::MediaEngine)), uploads are probed for their real
//! length, size, frame rate and streams, a file the engine cannot read is refused with 4001,
//! and the video segment's `src` is the file's absolute path.
//!
//! # The agent
//! The editor of `nemo-editor` (its instruction table, its answers; details there), on the
//! session's drafts: a message may hold several instructions, applied in order and answered
//! with a sentence each; a title alone is answered **silently** (tool call and result only),
//! like the vendor's multitrack edits; "add music" answers with a GUI phrase ("Click the
//! Export button…"); "remove the pauses" needs the media engine; anything else is answered
//! with the list of what it can do, and any edit without a video asks for one.
//!
//! The first edit turn of a session costs [`FakeConfig::session_edit_cost`]: frozen when the
//! message arrives (2001 if the user cannot pay), deducted when the turn ends with the edit
//! made, given back when it ends without. Later turns, text answers and export are free.
//!
//! # Timing model
//! Only the injected clock tells time, and the fake only ever sleeps on it:
//! - [`FakeBackend::set_latency`]: every call first sleeps that long;
//! - an edit turn works [`FakeConfig::turn_work`] between its tool call and its tool result,
//!   with a heartbeat after every 30 s of it;
//! - a render is `pending` for its first second, then `processing` with progress rising
//!   linearly, then `completed` at [`FakeConfig::render_duration`] after its submit; its file
//!   is on the fake CDN ([`CDN_BASE`]) from then on. With a media engine, a render without a
//!   fault is instead the engine's: `processing` with the engine's progress until its file
//!   is done (or `failed` with its reason), whatever the clock says;
//! - tokens expire 7 days after they were issued.
//!
//! # Faults
//! [`FakeBackend::inject`] queues a [`Fault`] for an [`Endpoint`]; each call consumes at most
//! one, in order:
//! - [`Fault::Fail`] (any endpoint): the call fails with that error; [`Fault::Hang`] (any
//!   endpoint): it is never answered;
//! - [`Fault::DropStream`], [`Fault::HeartbeatsOnly`], [`Fault::SilentAnswer`],
//!   [`Fault::TemporaryIssueTrailer`] (`send_message`): the turn's stream misbehaves;
//! - [`Fault::RenderFails`], [`Fault::RenderStalls`], [`Fault::NoOutputUrl`]
//!   (`submit_render`): the submitted job misbehaves;
//! - [`Fault::CdnDown`] (`download_url`): one 404.
//!
//! # Inspection
//! [`FakeBackend::calls`] lists every call that reached the service (never a token);
//! [`FakeBackend::draft`], [`FakeBackend::credits_of`] and
//! [`FakeBackend::render_ids_submitted`] show what it holds.
#![warn(missing_docs)]

mod accounts;
mod backend;
mod calls;
mod cdn;
mod clock;
mod config;
mod faults;
mod idgen;
mod progress;
mod renders;
mod script;
mod sessions;
mod store;
mod turn;
mod world;

#[cfg(test)]
mod tests;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use backend::FakeBackend;
pub use calls::Call;
pub use cdn::CDN_BASE;
pub use clock::ManualClock;
pub use config::FakeConfig;
pub use faults::{Endpoint, Fault};
pub use progress::RecordingProgress;
pub use store::{MemoryStore, StoreContents};

/// Locks a mutex, ignoring poisoning: a panicking test must not hide the state from the next.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
