//! whisper.cpp through `whisper-rs`: a ggml model file and 16 kHz mono samples → the timed
//! segments of what was said. whisper.cpp's own log is silenced (nemoctl's stderr is its
//! progress); greedy decoding, the language detected, one thread per core.

use std::path::Path;

use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// One recognised segment: start and end in ms from the start of the sound, its text.
pub type Segment = (i64, i64, String);

/// Why recognition failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecogniserError {
    /// whisper.cpp refused the model file.
    #[error("whisper.cpp could not load it as a model ({0})")]
    Load(String),
    /// whisper.cpp failed while recognising.
    #[error("whisper.cpp failed while recognising the speech ({0})")]
    Run(String),
}

/// The segments of the speech in `samples` (16 kHz mono), by the model at `model`.
///
/// # Errors
/// [`RecogniserError`] when whisper.cpp cannot load the model or fails.
pub fn recognise(model: &Path, samples: &[f32]) -> Result<Vec<Segment>, RecogniserError> {
    whisper_rs::install_logging_hooks();
    let context = WhisperContext::new_with_params(model, WhisperContextParameters::default())
        .map_err(|e| RecogniserError::Load(e.to_string()))?;
    let mut state = context.create_state().map_err(|e| RecogniserError::Load(e.to_string()))?;
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    params.set_n_threads(i32::try_from(threads).unwrap_or(1));
    params.set_language(Some("auto"));
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    state.full(params, samples).map_err(|e| RecogniserError::Run(e.to_string()))?;
    // whisper.cpp's times are in centiseconds.
    Ok(state
        .as_iter()
        .map(|segment| {
            let text = segment.to_str_lossy().map(|text| text.into_owned()).unwrap_or_default();
            (segment.start_timestamp() * 10, segment.end_timestamp() * 10, text)
        })
        .collect())
}

/// The segments as cues in a sound `length_ms` long: text trimmed, times kept inside the sound,
/// empty ones (no text, or no time left) dropped.
#[must_use]
pub fn cues(segments: Vec<Segment>, length_ms: i64) -> Vec<Segment> {
    segments
        .into_iter()
        .filter_map(|(start, end, text)| {
            let (start, end) = (start.clamp(0, length_ms), end.clamp(0, length_ms));
            let text = text.trim();
            (end > start && !text.is_empty()).then(|| (start, end, text.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_become_cues_inside_the_sound() {
        let segments = vec![
            (0, 1200, " Hello world.".to_owned()),
            (1200, 1900, "   ".to_owned()),
            (1900, 4200, "Past the end".to_owned()),
            (4500, 5000, "after it".to_owned()),
            (-30, 0, "before".to_owned()),
        ];
        assert_eq!(
            cues(segments, 4000),
            vec![(0, 1200, "Hello world.".to_owned()), (1900, 4000, "Past the end".to_owned())]
        );
    }

    #[test]
    fn a_file_that_is_no_model_is_refused_without_a_crash() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("ggml-base.bin");
        std::fs::write(&path, b"not a model").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(recognise(&path, &[0.0; 1600]), Err(RecogniserError::Load(_))));
    }
}
