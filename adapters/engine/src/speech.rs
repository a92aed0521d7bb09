//! Captions from speech: the recogniser's side of the engine. The model is a whisper.cpp
//! (ggml) file named by `NEMO_WHISPER_MODEL`. This build has no recogniser compiled in — no
//! model can be fetched or tested on the machines this project is built on — so every call
//! says exactly why there are no captions and what would give them; the editor renders the
//! rest of the edit and answers with that sentence.

use std::path::PathBuf;

use nemo_editor::EngineError;

/// The speech model setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Speech {
    model: Option<PathBuf>,
}

impl Speech {
    /// The setting from `NEMO_WHISPER_MODEL`.
    #[must_use]
    pub fn from_env() -> Self {
        Self { model: std::env::var_os("NEMO_WHISPER_MODEL").filter(|v| !v.is_empty()).map(PathBuf::from) }
    }

    /// The cues of a file's speech.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] saying why there is no recogniser.
    pub fn transcribe(&self, _path: &str) -> Result<Vec<(i64, i64, String)>, EngineError> {
        let why = match &self.model {
            None => "making captions from speech needs a whisper.cpp speech model: set NEMO_WHISPER_MODEL to a ggml model file".to_owned(),
            Some(model) if !model.is_file() => format!("NEMO_WHISPER_MODEL names {}, which is not a file", model.display()),
            Some(model) => format!(
                "this build of nemoctl has no speech recogniser compiled in, so the model {} is not used",
                model.display()
            ),
        };
        Err(EngineError::MissingTool(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setting_says_why_there_are_no_captions() {
        let none = Speech::default().transcribe("/a.mp4").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(none.contains("set NEMO_WHISPER_MODEL"), "{none}");
        let missing = Speech { model: Some("/no/such/model.bin".into()) };
        let text = missing.transcribe("/a.mp4").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("/no/such/model.bin, which is not a file"), "{text}");
    }
}
