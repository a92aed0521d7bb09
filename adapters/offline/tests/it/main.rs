//! Integration tests of the offline backend on real media, through the `Backend` port. The
//! harness is the engine's own (`adapters/engine/tests/it/support.rs`), shared by path.

mod backend;
mod seeds;
#[path = "../../../engine/tests/it/support.rs"]
#[allow(dead_code)] // the engine's tests use all of it, these a part
mod support;
#[path = "../../../engine/tests/it/whisper_model.rs"]
mod whisper_model;
