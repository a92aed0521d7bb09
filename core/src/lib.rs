//! `nemo-core`: the pure domain of nemoctl and nemod.
//!
//! Drafts and their summaries, intent routing, GUI translation, the turn rules of a chat, the
//! error table, and the use cases — all behind port traits ([`ports`]) for the backend, the
//! clock, the store and progress reporting. This crate performs no I/O: no runtime, no HTTP,
//! no filesystem. Everything it needs from the world comes through a port.
#![warn(missing_docs)]

pub mod attribution;
pub mod chat;
pub mod draft;
pub mod error;
pub mod gui;
pub mod ids;
pub mod intent;
pub mod media;
pub mod model;
pub mod ports;
pub mod service;
pub mod text;
pub mod time;
