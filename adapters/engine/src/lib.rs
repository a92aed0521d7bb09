//! `nemo-engine`: the offline media engine. [`FfmpegEngine`] implements the editor's
//! [`MediaEngine`] port with ffmpeg and ffprobe run as child processes, so
//! `nemoctl --offline` edits real footage and renders real H.264/AAC MP4s with no account and
//! no network.
//!
//! - **Probe** (`probe`): duration, size, width, height, fps and which streams there are (the
//!   cloud's `video_infos` shape), read from an MP4/MOV header in this process (`mp4`), else
//!   with `ffprobe -of json -show_format -show_streams`.
//! - **Pauses** (`silence`): `silencedetect`'s rule at 4 % of full scale (−28 dBFS), silences
//!   of at least 0.5 s, cut with 0.05 s of sound kept on each side (auto-editor: 4 %, 0.2 s
//!   margins; details in the module) — on AAC sound decoded in this process (`sound`,
//!   `quiet`), else by ffmpeg's `silencedetect` filter.
//! - **Render** (`graph`, `render`): the draft becomes ONE ffmpeg invocation (trim, concat,
//!   fades, titles, music, canvas, speed, mute); ffmpeg writes `NAME.part` in the engine's
//!   work directory, reports progress on `-progress pipe:1`, and the part is renamed when
//!   complete; cancelling kills ffmpeg and removes the part.
//! - **Smart render** (`smart`, `gops`, `packets`): when the output can share the source's
//!   H.264/HEVC stream, whole GOPs are copied and only the frames from a cut to the next
//!   keyframe (and under a title) are encoded again, in four ffmpeg runs; otherwise the full
//!   render. Which one, and why, is logged (`tracing`, target `nemo_engine`); a smart
//!   render's output is counted against its plan (`guard`) and rendered again in full when
//!   it is not what was planned.
//! - **Fonts** (`fonts`): each title and caption is set in a font that has its characters
//!   (DejaVu Sans, else what fontconfig lists: a CJK font for Chinese), and a text no font
//!   has is refused before the render instead of drawn as boxes.
//! - **Room** (`room`): offline a file is read where it lies, whatever its size; the disk's
//!   room for the render (about the kept part of the sources, and half again) is checked
//!   before it starts, with an error saying how much is needed and where.
//! - **Captions from speech** (`speech`): whisper.cpp through `whisper-rs` (`whisper`) on the
//!   clip's sound decoded to 16 kHz mono (`pcm`), with the ggml model the app names
//!   (`with_speech_model`), the file walked first (`model`); with none usable the answer
//!   says why there are no captions and how to get them.
//! - **Tools** (`tools`): `NEMO_FFMPEG` / `NEMO_FFPROBE`, else `PATH`; missing → an error
//!   saying how to install them (`apt-get install ffmpeg`).
//!
//! The work directory is made under the system temp directory and removed, with any running
//! ffmpeg killed, when the engine is dropped. Nothing here knows NemoVideo's wire format,
//! the core's use cases or a runtime: only the draft's short keys (`docs/draft-keys.md`).
#![warn(missing_docs)]

mod ahead;
pub mod beds;
mod captions;
pub mod colour;
mod crossing;
pub mod fonts;
pub mod gops;
pub mod graph;
pub mod guard;
mod leftovers;
pub mod loudness;
mod model;
pub mod mp4;
pub mod packets;
mod pcm;
pub mod probe;
pub mod quiet;
pub mod render;
pub mod room;
pub mod silence;
pub mod smart;
pub mod sound;
pub mod speech;
pub mod stretches;
pub mod tools;
mod whisper;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

pub use nemo_editor::{EngineError, MediaEngine, Probe, RenderHandle, RenderState};

use crate::ahead::Ahead;
use crate::colour::Colour;
use crate::graph::Source;
use crate::render::{Guard, Plan, Renders};
use crate::speech::Speech;
pub use crate::tools::Tools;
use nemo_editor::draft::{CARD_SRC, Timeline};

/// The font for titles when installed (Debian's `fonts-dejavu-core`) and it draws their characters
/// (`fonts` chooses another that does where not); else fontconfig picks.
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Engines made by this process, to name their work directories apart.
static ENGINES: AtomicU64 = AtomicU64::new(0);

/// The ffmpeg media engine with its own work directory.
#[derive(Debug)]
pub struct FfmpegEngine {
    tools: Tools,
    work: PathBuf,
    font: Option<String>,
    renders: Renders,
    /// Probes by path, valid while the file's size and modification time stay the same: an
    /// upload, its pauses and its render would otherwise probe it three times.
    probes: Mutex<HashMap<String, Known>>,
    /// Pause analyses started with a file's first probe.
    ahead: Ahead,
    /// The speech recogniser's setting.
    speech: Speech,
}

/// A probe and the picture's colour, with the file's size and modification time when they
/// were made.
type Known = (u64, Option<SystemTime>, Probe, Colour);

impl FfmpegEngine {
    /// Finds ffmpeg and ffprobe and makes a fresh work directory under the system temp
    /// directory.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] when a tool is missing; [`EngineError::Failed`] when the
    /// work directory cannot be made.
    pub fn new() -> Result<Self, EngineError> {
        Self::with_tools(Tools::find()?)
    }

    /// [`FfmpegEngine::new`] with these tools.
    ///
    /// # Errors
    /// [`EngineError::Failed`] when the work directory cannot be made.
    pub fn with_tools(tools: Tools) -> Result<Self, EngineError> {
        leftovers::remove(&std::env::temp_dir());
        let n = ENGINES.fetch_add(1, Ordering::Relaxed);
        let work = std::env::temp_dir().join(format!("nemo-engine-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&work)
            .map_err(|e| EngineError::Failed(format!("cannot make the work directory {}: {e}", work.display())))?;
        let font = Path::new(FONT).is_file().then(|| FONT.to_owned());
        Ok(Self {
            tools,
            work,
            font,
            renders: Renders::default(),
            probes: Mutex::default(),
            ahead: Ahead::default(),
            speech: Speech::default(),
        })
    }

    /// This engine with the whisper.cpp model `model` for captions from speech (none: captions
    /// from speech answer how to set one).
    #[must_use]
    pub fn with_speech_model(mut self, model: Option<PathBuf>) -> Self {
        self.speech = Speech::new(model);
        self
    }

    /// The tools it runs.
    #[must_use]
    pub fn tools(&self) -> &Tools {
        &self.tools
    }

    /// Where its renders are written (removed when the engine is dropped).
    #[must_use]
    pub fn work_dir(&self) -> &Path {
        &self.work
    }

    /// A file's probe and colour, probed again only when its size or modification time
    /// changed; the first probe of a clip starts its pause analysis.
    fn known(&self, path: &str) -> Result<(Probe, Colour), EngineError> {
        let stamp = std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()));
        let mut probes = self.probes.lock().unwrap_or_else(PoisonError::into_inner);
        if let (Some((size, modified)), Some((known_size, known_modified, probe, colour))) = (stamp, probes.get(path))
            && (size, modified) == (*known_size, *known_modified)
        {
            return Ok((probe.clone(), colour.clone()));
        }
        let (probe, colour) = probe::probe(&self.tools, path)?;
        // Pauses are cut from clips: a music file's are never looked for.
        if let Some(stamp) = stamp.filter(|_| probe.has_video) {
            self.ahead.start(&self.tools, path, stamp);
        }
        if let Some((size, modified)) = stamp {
            probes.insert(path.to_owned(), (size, modified, probe.clone(), colour.clone()));
        }
        Ok((probe, colour))
    }

    /// What the graph needs to know of every source the timeline uses: clips must probe;
    /// music that is not a file is left out (it renders as a tone).
    fn sources(&self, timeline: &Timeline) -> Result<HashMap<String, Source>, EngineError> {
        let mut sources = HashMap::new();
        let clips = timeline.clips.iter().map(|clip| (clip.src.as_str(), true));
        let music = timeline.music.iter().map(|music| (music.src.as_str(), false));
        for (src, required) in clips.chain(music) {
            if sources.contains_key(src) || (!required && !Path::new(src).is_file()) {
                continue;
            }
            if src == CARD_SRC {
                sources.insert(src.to_owned(), Source { has_audio: false, ..Source::default() });
                continue;
            }
            let (probe, colour) = self.known(src).map_err(|e| match e {
                EngineError::Unreadable(reason) => EngineError::Failed(format!("cannot render: {reason}")),
                other => other,
            })?;
            let source = Source::probed(&probe, colour);
            sources.insert(src.to_owned(), source);
        }
        Ok(sources)
    }
}

impl FfmpegEngine {
    /// The smart render of a timeline whose output may share its source's video stream.
    fn smart(
        &self,
        timeline: &Timeline,
        sources: &HashMap<String, Source>,
        fonts: &fonts::Fonts,
        (scratch, part): (&Path, &str),
    ) -> Result<(Plan, smart::Shape), String> {
        let src = timeline.clips.first().map(|clip| clip.src.as_str()).ok_or("the draft has no video")?;
        let stream = packets::read(&self.tools, src).map_err(|e| e.to_string())?;
        smart::plan(timeline, sources, (src, &stream), fonts, scratch, part)
    }

    /// Music is mixed by loudness: each music file's and the speech's it is set against (one
    /// audio decode each; nothing when there is no music).
    fn measure_loudness(&self, timeline: &Timeline, sources: &mut HashMap<String, Source>) {
        if timeline.music.is_empty() {
            return;
        }
        let speech = graph::speech_source(timeline, sources).map(str::to_owned);
        let mut measured: Vec<String> = timeline.music.iter().map(|music| music.src.clone()).chain(speech).collect();
        measured.sort();
        measured.dedup();
        for src in measured {
            if let Some(source) = sources.get_mut(&src).filter(|source| source.has_audio) {
                source.loudness = loudness::measure(&self.tools, &["-i".to_owned(), src]);
            }
        }
    }
}

impl MediaEngine for FfmpegEngine {
    fn probe(&self, path: &str) -> Result<Probe, EngineError> {
        self.known(path).map(|(probe, _)| probe)
    }

    fn silences(&self, path: &str) -> Result<Vec<(i64, i64)>, EngineError> {
        let probe = self.probe(path)?;
        if !probe.has_audio {
            return Ok(Vec::new());
        }
        let stamp = std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()));
        let found = match stamp.and_then(|stamp| self.ahead.take(path, stamp)) {
            Some(found) => found?,
            None => silence::analyse(&self.tools, path)?,
        };
        Ok(silence::cuts(&silence::closed(&found, probe.duration_ms), probe.duration_ms))
    }

    fn transcribe(&self, path: &str) -> Result<Vec<(i64, i64, String)>, EngineError> {
        let probe = self.probe(path)?;
        self.speech.transcribe(&self.tools, path, &probe)
    }

    fn start_render(&self, draft_json: &str) -> Result<RenderHandle, EngineError> {
        let timeline =
            Timeline::parse(draft_json).ok_or_else(|| EngineError::Failed("the draft is not JSON".into()))?;
        let mut sources = self.sources(&timeline)?;
        self.measure_loudness(&timeline, &mut sources);
        let sizes = |src: &str| Some((std::fs::metadata(src).ok()?.len(), sources.get(src)?.duration_ms));
        if let Some(free) = room::free(&self.work) {
            room::judge(room::needed(&timeline, sizes), free, &self.work)?;
        }
        let n = ENGINES.fetch_add(1, Ordering::Relaxed);
        let dest = self.work.join(format!("render-{n}.mp4"));
        let part = render::part_of(&dest).to_string_lossy().into_owned();
        let scratch = self.work.join(format!("render-{n}.d"));
        let fonts = fonts::choose(&timeline.titles, self.font.as_deref(), &fonts::fc_list)?;
        let full = graph::build(&timeline, &sources, &fonts, &part)
            .map(Plan::single)
            .map_err(|reason| EngineError::Failed(format!("cannot render: {reason}")))?;
        let plan = match smart::unshared(&timeline, &sources)
            .map_or_else(|| self.smart(&timeline, &sources, &fonts, (&scratch, &part)), Err)
        {
            Ok((plan, shape)) => {
                tracing::info!(
                    "smart render: {} frames copied, {} encoded again, in {} pieces",
                    shape.copied,
                    shape.encoded,
                    shape.pieces
                );
                // Checked before it counts as done; the full render when it is not as planned.
                Plan { guard: Some(Guard { expected: shape.expected, fallback: full.steps }), ..plan }
            }
            Err(reason) => {
                tracing::info!("full render: {reason}");
                full
            }
        };
        self.renders.start(&self.tools, plan, dest)
    }

    fn render_state(&self, handle: RenderHandle) -> RenderState {
        self.renders.state(handle)
    }

    fn cancel(&self, handle: RenderHandle) {
        self.renders.cancel(handle);
    }
}

impl Drop for FfmpegEngine {
    fn drop(&mut self) {
        self.renders.cancel_all();
        // Best effort: a file still open elsewhere must not turn a drop into a panic.
        let _ = std::fs::remove_dir_all(&self.work);
    }
}
