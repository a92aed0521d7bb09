//! Captions from speech: the recogniser's side of the engine. The model is a whisper.cpp
//! (ggml) file the app names (`NEMO_WHISPER_MODEL`, else the `whisper_model` setting: the
//! apps resolve it). The file is walked first (`model`), the clip's sound decoded to
//! 16 kHz mono (`pcm`), recognised by whisper.cpp (`whisper`), and the segments become cues
//! inside the clip. Without a usable model every call says in one sentence why there are no
//! captions and how to get them; the editor renders the rest of the edit with that answer.

use std::path::{Path, PathBuf};

use nemo_editor::{EngineError, Probe};

use crate::tools::Tools;
use crate::{model, pcm, whisper};

/// How to turn captions from speech on, for every answer that says why there are none.
const HOW: &str = "set NEMO_WHISPER_MODEL, or run `nemoctl config set whisper_model PATH`, to a whisper.cpp \
ggml model file such as ggml-base.bin";

/// The speech model setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Speech {
    model: Option<PathBuf>,
}

impl Speech {
    /// The setting with this model file, or none.
    #[must_use]
    pub fn new(model: Option<PathBuf>) -> Self {
        Self { model }
    }

    /// The model file, if one is set.
    #[must_use]
    pub fn model(&self) -> Option<&Path> {
        self.model.as_deref()
    }

    /// The cues of the speech in the clip at `path` (probed as `probe`): `(start ms, end ms,
    /// text)` in the clip's own time.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] when there is no usable model (the text says why and how to
    /// set one), [`EngineError::Unreadable`] when the clip has no sound that can be decoded,
    /// [`EngineError::Failed`] when the recogniser fails.
    pub fn transcribe(&self, tools: &Tools, path: &str, probe: &Probe) -> Result<Vec<(i64, i64, String)>, EngineError> {
        let model = self.usable()?;
        if !probe.has_audio {
            return Err(EngineError::Unreadable(format!("{} has no sound to make captions from", name_of(path))));
        }
        let samples = pcm::decode(tools, path)?;
        let segments = whisper::recognise(model, &samples).map_err(|e| match e {
            whisper::RecogniserError::Load(_) => {
                EngineError::MissingTool(format!("the speech model {} cannot be used: {e}; {HOW}", model.display()))
            }
            whisper::RecogniserError::Run(_) => EngineError::Failed(e.to_string()),
        })?;
        let length_ms = i64::try_from(samples.len() * 1000 / pcm::RATE).unwrap_or(i64::MAX).min(probe.duration_ms);
        Ok(whisper::cues(segments, length_ms))
    }

    /// The model, once it is known to be a file with a whisper model's header.
    fn usable(&self) -> Result<&Path, EngineError> {
        let model = self.model().ok_or_else(|| {
            EngineError::MissingTool(format!("making captions from speech needs a speech model: {HOW}"))
        })?;
        if !model.is_file() {
            return Err(EngineError::MissingTool(format!("the speech model {} is not a file: {HOW}", model.display())));
        }
        model::check(model)
            .map_err(|e| EngineError::MissingTool(format!("the speech model {} {e}: {HOW}", model.display())))?;
        Ok(model)
    }
}

/// A path's file name, for a sentence.
fn name_of(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_owned(), |name| name.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(speech: &Speech) -> String {
        let tools = Tools { ffmpeg: "ffmpeg".into(), ffprobe: "ffprobe".into(), reaper: None };
        let probe = Probe {
            duration_ms: 1000,
            size: 0,
            width: None,
            height: None,
            pixel_aspect: None,
            fps: None,
            has_video: true,
            has_audio: true,
        };
        speech.transcribe(&tools, "/a.mp4", &probe).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn each_setting_says_why_there_are_no_captions_and_how_to_get_them() {
        let none = why(&Speech::default());
        assert!(none.contains("needs a speech model: set NEMO_WHISPER_MODEL, or run `nemoctl config set"), "{none}");
        let missing = why(&Speech { model: Some("/no/such/model.bin".into()) });
        assert!(missing.contains("/no/such/model.bin is not a file: set NEMO_WHISPER_MODEL"), "{missing}");
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let wrong = dir.path().join("model.bin");
        std::fs::write(&wrong, "{\"not\": \"a model\"}").unwrap_or_else(|e| panic!("{e}"));
        let text = why(&Speech { model: Some(wrong.clone()) });
        assert!(text.contains("is not a whisper.cpp ggml model"), "{text}");
        assert!(!text.contains('\n'), "one sentence: {text}");
    }
}
