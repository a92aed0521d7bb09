//! `nemo-offline`: the offline backend — the editor (`nemo-editor`) and the ffmpeg engine
//! (`nemo-engine`) behind the core's `Backend` port, on projects that last between commands.
//! [`open`] is the one way to build it, for nemoctl and nemod alike.
//!
//! Everything lives under `STATE/offline/` (see [`files`]), apart from the cloud's projects:
//! neither lists nor touches the other's. Uploaded media stay where they are, referenced by
//! absolute path with their size, modification time and a content hash, checked before every
//! turn and render ([`stamp`]). Renders are saved before they start and started again by the
//! next process that asks about them ([`renders`]).
#![warn(missing_docs)]

mod backend;
pub mod files;
pub mod renders;
pub mod stamp;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use backend::OfflineBackend;
use nemo_core::media::Accepts;
use nemo_core::service::{Cadence, PollPolicy};
use nemo_editor::EngineError;
use nemo_engine::FfmpegEngine;
use nemo_storage::FileStore;

/// What the offline editor takes as an upload: beyond the service's kinds (the core's table is
/// the cloud's contract) subtitle files, for "add captions"; and any size — nothing is
/// uploaded, a file is read where it lies (a phone's 4K recording is several hundred MB a
/// minute), and the render checks the disk's room instead.
pub const ACCEPTS: Accepts = Accepts { extra: &nemo_editor::subtitles::UPLOAD_KINDS, max_bytes: None };

/// How the core polls an offline render: every 5 ms (a poll is a lock and a read in this
/// process; ~200 a second cost nothing measurable), so the file is copied out at most 5 ms
/// after ffmpeg finishes it — which matters next to a short clip's 0.2 s render. The
/// deadline applies to a stalled render only: a long video renders as long as it takes.
#[must_use]
pub fn poll_policy() -> PollPolicy {
    let every = Duration::from_millis(5);
    PollPolicy { cadence: Cadence::Every(every), only_when_stalled: true, local: true, ..PollPolicy::default() }
}

/// The offline backend and the store of its projects.
#[derive(Debug, Clone)]
pub struct Offline {
    /// The backend port.
    pub backend: Arc<OfflineBackend>,
    /// The core's store for these projects (`STATE/offline/projects.json`, `jobs.json`).
    pub store: Arc<FileStore>,
}

/// The offline backend of the state directory `state_dir`, rendering with ffmpeg, with the
/// whisper.cpp model `whisper_model` for captions from speech.
///
/// # Errors
/// [`EngineError::MissingTool`] when ffmpeg or ffprobe is not installed (the text says how to
/// install them), [`EngineError::Failed`] when the engine's work directory cannot be made.
pub fn open(state_dir: &Path, whisper_model: Option<PathBuf>) -> Result<Offline, EngineError> {
    let engine = FfmpegEngine::new()?.with_speech_model(whisper_model);
    let backend = OfflineBackend::new(state_dir, Arc::new(engine));
    let root = backend.root();
    Ok(Offline { backend: Arc::new(backend), store: Arc::new(FileStore::new(&root, &root)) })
}
