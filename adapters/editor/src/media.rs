//! The media-engine port: what the editor needs from a real media toolkit to edit and
//! render for real (probe a file, find its silences, render a draft). `nemo-engine` implements
//! it with ffmpeg; without one the fake service stays the placeholder it always was.
//!
//! Every method is synchronous and runtime-free: an implementation runs its tools as child
//! processes and follows a render on a thread of its own, so no caller needs a runtime.

use std::fmt;
use std::path::PathBuf;

/// What a probe learns about a media file (the cloud's `video_infos` shape, and the streams).
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Length in milliseconds.
    pub duration_ms: i64,
    /// Size in bytes.
    pub size: u64,
    /// Pixels as the picture is shown (its pixels made square), when there is a video stream.
    pub width: Option<u32>,
    /// Pixels, when there is a video stream.
    pub height: Option<u32>,
    /// A pixel's width to its height (the sample aspect ratio), when the pixels are not
    /// square: the picture is decoded narrower or wider than `width` and shown at `width`.
    pub pixel_aspect: Option<(u32, u32)>,
    /// Frames per second, when there is a video stream.
    pub fps: Option<f64>,
    /// Whether it has a video stream (a picture; cover art does not count).
    pub has_video: bool,
    /// Whether it has an audio stream.
    pub has_audio: bool,
}

/// Why the engine could not do something; each says what happened in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// A tool (ffmpeg, ffprobe) is not installed; the text says how to install it.
    MissingTool(String),
    /// The input cannot be read as media (missing, corrupt, no usable stream).
    Unreadable(String),
    /// The tool ran and failed, or the draft cannot be rendered.
    Failed(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingTool(text) | Self::Unreadable(text) | Self::Failed(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for EngineError {}

/// One render started by an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderHandle(pub u64);

/// Where a render stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderState {
    /// Still running, this far (0-99).
    Running(u8),
    /// Finished: the complete file and its size.
    Done {
        /// The rendered file (the engine owns it; copy it, do not move it).
        path: PathBuf,
        /// Its size in bytes.
        bytes: u64,
    },
    /// Failed or cancelled, with the reason.
    Failed(String),
}

/// A media toolkit the editor can edit and render with.
pub trait MediaEngine: Send + Sync {
    /// Probes a media file.
    ///
    /// # Errors
    /// [`EngineError::Unreadable`] for a missing or corrupt file, [`EngineError::MissingTool`].
    fn probe(&self, path: &str) -> Result<Probe, EngineError>;

    /// The silent stretches of a file's audio as `(start_ms, end_ms)` in the file's own time,
    /// in order; empty when there are none (or no audio: check [`Probe::has_audio`]).
    ///
    /// # Errors
    /// As [`MediaEngine::probe`].
    fn silences(&self, path: &str) -> Result<Vec<(i64, i64)>, EngineError>;

    /// The speech of a file's sound as cues `(start_ms, end_ms, text)` in the file's own time.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] when there is no speech recogniser (the text says how to
    /// get one), [`EngineError::Unreadable`] for a file it cannot read.
    fn transcribe(&self, path: &str) -> Result<Vec<(i64, i64, String)>, EngineError>;

    /// Starts rendering a draft (the short-key JSON of `docs/draft-keys.md`) into a file the
    /// engine owns; never blocks for the render itself.
    ///
    /// # Errors
    /// [`EngineError::Failed`] when the draft cannot be rendered, [`EngineError::MissingTool`].
    fn start_render(&self, draft_json: &str) -> Result<RenderHandle, EngineError>;

    /// Where a render stands now (an unknown handle reads as failed).
    fn render_state(&self, handle: RenderHandle) -> RenderState;

    /// Stops a render and removes whatever it wrote; a finished render stays finished.
    fn cancel(&self, handle: RenderHandle);
}
