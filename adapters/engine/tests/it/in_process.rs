//! The in-process readings agree with the tools they stand in for: the MP4 header reading
//! with ffprobe, the decoded-sound silences with ffmpeg's `silencedetect`, on clips made with
//! ffmpeg in several shapes; what the reader cannot read falls back to the tools.

use std::path::Path;

use nemo_engine::silence::{self, MIN_SILENCE_S, THRESHOLD};
use nemo_engine::{MediaEngine, Tools, mp4, probe, sound};

use super::support::*;

/// The in-process probe of `path` next to the reading of ffprobe's JSON.
fn both_probes(path: &str) -> (Option<nemo_engine::Probe>, Option<nemo_engine::Probe>) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ours = mp4::read_moov(Path::new(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .as_deref()
        .and_then(mp4::parse)
        .and_then(|movie| probe::from_movie(&movie, size));
    let theirs = probe::parse(&ffprobe(Path::new(path)).to_string(), size);
    (ours, theirs)
}

#[test]
fn the_header_reading_agrees_with_ffprobe() {
    let dir = temp();
    let d = dir.path();
    let tone = |rate: u32| Some(speech(2, 0.0, rate));
    let clips = [
        sample(),
        clip(d, "stereo.mp4", 6, "640x360", "25", tone(48_000), &["-c:a", "aac", "-ac", "2"]),
        clip(d, "ntsc.mp4", 6, "320x240", "30000/1001", tone(44_100), &["-c:a", "aac", "-movflags", "+faststart"]),
        clip(d, "silent.mp4", 6, "1280x720", "30", None, &[]),
        clip(d, "quicktime.mov", 6, "480x270", "24", tone(44_100), &["-c:a", "aac"]),
        clip(d, "odd.mp4", 6, "322x182", "12", tone(22_050), &["-c:a", "aac"]),
        clip(d, "anamorphic.mp4", 6, "640x360", "25", tone(48_000), &["-vf", "setsar=2/3", "-c:a", "aac"]),
    ];
    for path in &clips {
        let (ours, theirs) = both_probes(path);
        let (Some(ours), Some(theirs)) = (ours, theirs) else { panic!("{path}: not read in process") };
        assert_eq!(
            (ours.width, ours.height, ours.fps, ours.has_video, ours.has_audio, ours.size),
            (theirs.width, theirs.height, theirs.fps, theirs.has_video, theirs.has_audio, theirs.size),
            "{path}"
        );
        assert!((ours.duration_ms - theirs.duration_ms).abs() <= 50, "{path}: {ours:?} vs {theirs:?}");
    }
}

#[test]
fn sound_only_and_other_containers_probe_the_same_whoever_reads_them() {
    let dir = temp();
    let m4a = dir.path().join("voice.m4a").to_string_lossy().into_owned();
    ffmpeg(&["-f", "lavfi", "-i", &speech(1, 0.0, 44_100), "-c:a", "aac", &m4a]);
    let (ours, theirs) = both_probes(&m4a);
    let ours = ours.unwrap_or_else(|| panic!("an m4a is read in process"));
    assert_eq!((ours.has_video, ours.has_audio, ours.width, ours.fps), (false, true, None, None));
    assert!(theirs.is_some_and(|t| (t.duration_ms - ours.duration_ms).abs() <= 50));
    // Matroska is not ISO media: ffprobe reads it.
    let mkv = clip(dir.path(), "clip.mkv", 6, "320x240", "15", None, &[]);
    assert_eq!(both_probes(&mkv).0, None);
    let probe = engine().probe(&mkv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((probe.width, probe.height, probe.fps, probe.has_audio), (Some(320), Some(240), Some(15.0), false));
}

#[test]
fn decoded_silences_agree_with_silencedetect() {
    let dir = temp();
    let d = dir.path();
    let tools = Tools::find().unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        (sample(), "the sample"),
        (clip(d, "mono.mp4", 6, "320x180", "15", Some(speech(2, 0.0, 22_050)), &["-c:a", "aac"]), "mono 22 kHz"),
        (
            clip(d, "stereo.mp4", 6, "320x180", "25", Some(speech(1, 0.8, 48_000)), &["-c:a", "aac", "-ac", "2"]),
            "stereo 48 kHz, silent start",
        ),
        (
            clip(d, "tail.mov", 6, "320x180", "25", Some(speech(1, 0.0, 44_100)), &["-c:a", "aac", "-b:a", "64k"]),
            "QuickTime, silent end",
        ),
    ];
    for (path, what) in &cases {
        let ours = sound::silences(Path::new(path), THRESHOLD as f32, MIN_SILENCE_S)
            .unwrap_or_else(|| panic!("{what}: not decoded in process"));
        let log = silence::detect(&tools, path).unwrap_or_else(|e| panic!("{e}"));
        let theirs = silence::parse(&log);
        assert!(!theirs.is_empty(), "{what}: the clip has pauses");
        assert_eq!(ours.len(), theirs.len(), "{what}: {ours:?} vs {theirs:?}");
        for ((start, end), (their_start, their_end)) in ours.iter().zip(&theirs) {
            assert!((start - their_start).abs() <= 3, "{what}: {ours:?} vs {theirs:?}");
            match (end, their_end) {
                (Some(end), Some(their_end)) => assert!((end - their_end).abs() <= 3, "{what}: {ours:?} vs {theirs:?}"),
                (None, None) => {}
                _ => panic!("{what}: {ours:?} vs {theirs:?}"),
            }
        }
    }
}

#[test]
fn sound_the_decoder_does_not_take_is_left_to_ffmpeg() {
    let dir = temp();
    let pauses = speech(1, 0.0, 48_000);
    let mkv = clip(dir.path(), "clip.mkv", 6, "320x180", "15", Some(pauses.clone()), &["-c:a", "aac"]);
    let mp3_in_mp4 = clip(dir.path(), "mp3.mp4", 6, "320x180", "15", Some(pauses), &["-c:a", "libmp3lame"]);
    let tools = Tools::find().unwrap_or_else(|e| panic!("{e}"));
    for path in [&mkv, &mp3_in_mp4] {
        assert_eq!(sound::silences(Path::new(path), THRESHOLD as f32, MIN_SILENCE_S), None, "{path}");
        let found = silence::analyse(&tools, path).unwrap_or_else(|e| panic!("{e}"));
        let closed = silence::closed(&found, 3500);
        assert_eq!(closed.len(), 1, "{path}: {found:?}");
        assert!((closed[0].0 - 1500).abs() <= 30 && (closed[0].1 - 2500).abs() <= 30, "{path}: {closed:?}");
    }
}
