//! Captions from speech through the engine's port with a model made by the test
//! (`whisper_model`): whisper.cpp loads it, hears the clip's decoded sound and its segments come
//! back as cues inside the clip; a model that is not one, or is cut short, is one sentence; a
//! real model (when one is named) hears the words espeak-ng says.

use nemo_engine::MediaEngine;

use crate::support::{duration, engine, ffmpeg, ffprobe, make_clip, temp};
use crate::whisper_model;

#[test]
fn a_made_model_loads_and_its_segments_are_cues_inside_the_clip() {
    let dir = temp();
    let model = dir.path().join("ggml-tiny-made.bin");
    whisper_model::write(&model);
    let clip = make_clip(dir.path(), "talk.mp4", 3, true);
    let engine = engine().with_speech_model(Some(model));
    let cues = engine.transcribe(&clip).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cues.is_empty(), "whisper.cpp gave no segment for the clip");
    for (start, end, text) in &cues {
        assert!((0..*end).contains(start) && *end <= 3000, "{start}-{end} ms is outside the 3 s clip");
        assert!(!text.trim().is_empty(), "an empty cue at {start} ms");
    }
}

#[test]
fn a_model_that_is_not_one_or_is_cut_short_is_one_sentence_naming_it() {
    let dir = temp();
    let clip = make_clip(dir.path(), "talk.mp4", 1, true);
    let model = dir.path().join("ggml-base.bin");
    whisper_model::write(&model);
    let bytes = std::fs::read(&model).unwrap_or_else(|e| panic!("{e}"));
    let cases: [(&[u8], &str); 2] = [
        (b"PK\x03\x04 a zip", "is not a whisper.cpp ggml model"),
        (&bytes[..bytes.len() / 2], "is cut short (the file ends too early)"),
    ];
    for (content, expected) in cases {
        std::fs::write(&model, content).unwrap_or_else(|e| panic!("{e}"));
        let engine = engine().with_speech_model(Some(model.clone()));
        let why = engine.transcribe(&clip).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(why.contains(expected) && why.contains("ggml-base.bin"), "{why}");
        assert!(why.contains("nemoctl config set whisper_model"), "says how to fix it: {why}");
        assert!(!why.contains('\n'), "one sentence: {why}");
    }
}

#[test]
fn a_clip_without_sound_says_so() {
    let dir = temp();
    let model = dir.path().join("ggml-tiny-made.bin");
    whisper_model::write(&model);
    let clip = make_clip(dir.path(), "silent.mp4", 1, false);
    let why = engine().with_speech_model(Some(model)).transcribe(&clip).err().map(|e| e.to_string());
    assert_eq!(why.as_deref(), Some("silent.mp4 has no sound to make captions from"));
}

/// The sentence the real-model test has espeak-ng say.
const SAID: &str = "Hello world. This is a test of the captions.";

#[test]
fn a_real_model_hears_the_words_espeak_says() {
    // `.ci/run` makes whisper tiny.en from a PyPI wheel (`tests/model/tiny_en.py`) and names it.
    let Some(model) = std::env::var_os("NEMO_TEST_WHISPER_MODEL") else {
        assert!(std::env::var_os("CI").is_none(), "CI must name a real model in NEMO_TEST_WHISPER_MODEL");
        eprintln!("skipped: NEMO_TEST_WHISPER_MODEL names no real whisper model (.ci/run makes one)");
        return;
    };
    let dir = temp();
    let wav = dir.path().join("said.wav");
    let spoken = std::process::Command::new("espeak-ng").arg("-w").arg(&wav).arg(SAID).status();
    assert!(spoken.is_ok_and(|s| s.success()), "espeak-ng is required (`sudo apt-get install espeak-ng`)");
    let clip = dir.path().join("said.mp4").to_string_lossy().into_owned();
    let wav = wav.to_string_lossy().into_owned();
    ffmpeg(&["-f", "lavfi", "-i", "color=c=blue:s=320x240:r=15", "-i", &wav, "-shortest", "-c:a", "aac", &clip]);
    let cues = engine().with_speech_model(Some(model.into())).transcribe(&clip).unwrap_or_else(|e| panic!("{e}"));
    let heard = cues.iter().map(|(_, _, text)| text.to_lowercase()).collect::<Vec<_>>().join(" ");
    for word in ["hello", "world", "test", "captions"] {
        assert!(heard.contains(word), "{word:?} not heard in {heard:?}");
    }
    let length = (duration(&ffprobe(std::path::Path::new(&clip))) * 1000.0) as i64;
    assert!(cues.iter().all(|(start, end, _)| 0 <= *start && start < end && *end <= length), "{cues:?}");
}
