//! `nemo-editor`: the editor that turns plain instructions into draft edits — the offline
//! backend's agent and the fake service's alike.
//!
//! - [`instructions`]: the instruction set, one module per instruction and one ordered
//!   [`TABLE`](instructions::TABLE) (how each is recognised in English and Chinese, how it
//!   plans against the draft and the media, how it changes the draft, its sentence, its tool
//!   name, its line in the list of what the editor can do);
//! - [`agent`]: a message → clauses → the table → one [`Change`] and the answer;
//! - [`draft`]: the draft schema (track types, keys, defaults), its typed reading (what
//!   `nemo-engine` renders) and its edits;
//! - [`history`]: the drafts of a project with their history ("undo");
//! - [`session`]: one project's editing state (drafts, assets, the uploaded music);
//! - [`media`]: the media-engine port (probe, silences, render), implemented by `nemo-engine`.
//!
//! No I/O of its own: files are probed and rendered through the [`MediaEngine`] port.
//!
//! # What it understands
//!
//! Several instructions per message, split on commas, `and`, `then`, `，`, `、`, `然后`… (never
//! inside quotes), applied in order and answered with a sentence each. The instructions are
//! [`instructions::TABLE`]: each module of [`instructions`] documents its own, and the README's
//! table is generated from the table (`NEMO_BLESS=1 cargo test -p nemo-editor` rewrites it; a
//! plain `cargo test` fails while it differs).
#![warn(missing_docs)]

pub mod agent;
pub mod draft;
pub mod history;
pub mod instruction;
pub mod instructions;
pub mod media;
pub mod session;
pub mod subtitles;
pub mod words;

pub use agent::Reply;
pub use history::History;
pub use instruction::{Change, Instruction};
pub use media::{EngineError, MediaEngine, Probe, RenderHandle, RenderState};
pub use session::Session;
