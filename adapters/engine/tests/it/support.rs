//! The one harness: the engine (ffmpeg required), the sample, clips made on demand in a temp
//! directory, ffprobe and frame reading, and waiting for a render.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use nemo_editor::draft::Timeline;
use nemo_engine::colour::Colour;
use nemo_engine::fonts::Fonts;
use nemo_engine::graph::{self, Source};
use nemo_engine::{FfmpegEngine, MediaEngine, RenderHandle, RenderState};
use serde_json::Value;

/// One frame at 15 fps, in seconds: the precision a duration is checked to.
pub const FRAME_S: f64 = 1.0 / 15.0;

/// The engine; a clear failure when ffmpeg is not installed.
pub fn engine() -> FfmpegEngine {
    FfmpegEngine::new().unwrap_or_else(|e| {
        panic!("these tests need ffmpeg and ffprobe (`sudo apt-get install ffmpeg fonts-dejavu-core`): {e}")
    })
}

/// The committed 6 s sample (pauses at 1.5-2.5 s and 4.0-5.0 s), as an absolute path.
pub fn sample() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/clip.mp4");
    std::fs::canonicalize(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_string_lossy().into_owned()
}

/// A fresh temp directory.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
}

/// Runs ffmpeg with these arguments, which must succeed.
pub fn ffmpeg(args: &[&str]) {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg is required (`sudo apt-get install ffmpeg`): {e}"));
    assert!(output.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A `seconds`-long 320×240 test clip at 15 fps, with a 440 Hz tone when `audio`.
pub fn make_clip(dir: &Path, name: &str, seconds: u32, audio: bool) -> String {
    let tone = audio.then(|| format!("sine=frequency=440:sample_rate=44100:duration={seconds}"));
    clip(dir, name, seconds, "320x240", "15", tone, if audio { &["-c:a", "aac"] } else { &[] })
}

/// A `seconds`-long 880 Hz tone as MP3-free WAV audio.
pub fn make_music(dir: &Path, seconds: u32) -> String {
    let path = dir.join("song.wav").to_string_lossy().into_owned();
    ffmpeg(&["-f", "lavfi", "-i", &format!("sine=frequency=880:duration={seconds}"), &path]);
    path
}

/// What ffprobe says about a file.
pub fn ffprobe(path: &Path) -> Value {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-show_format", "-show_streams"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("ffprobe is required (`sudo apt-get install ffmpeg`): {e}"));
    assert!(output.status.success(), "ffprobe {}: {}", path.display(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("ffprobe json: {e}"))
}

/// The container's duration in seconds.
pub fn duration(probe: &Value) -> f64 {
    probe.pointer("/format/duration").and_then(Value::as_str).and_then(|d| d.parse().ok()).unwrap_or(-1.0)
}

/// The first stream of a type (`video`, `audio`).
pub fn stream<'a>(probe: &'a Value, kind: &str) -> Option<&'a Value> {
    probe["streams"].as_array()?.iter().find(|s| s["codec_type"] == kind)
}

/// Width and height of the video stream.
pub fn size(probe: &Value) -> (u64, u64) {
    let video = stream(probe, "video").unwrap_or_else(|| panic!("no video stream: {probe}"));
    (video["width"].as_u64().unwrap_or(0), video["height"].as_u64().unwrap_or(0))
}

/// Checks a playable H.264 (+ AAC when `audio`) MP4 about `seconds` long (± `tolerance`).
pub fn check_mp4(path: &Path, seconds: f64, tolerance: f64, audio: bool) -> Value {
    let probe = ffprobe(path);
    assert_eq!(stream(&probe, "video").map(|s| s["codec_name"].clone()), Some("h264".into()), "{probe}");
    match stream(&probe, "audio") {
        Some(audio_stream) => {
            assert!(audio, "an audio stream where none was expected: {probe}");
            assert_eq!(audio_stream["codec_name"], "aac", "{probe}");
        }
        None => assert!(!audio, "no audio stream: {probe}"),
    }
    let actual = duration(&probe);
    assert!((actual - seconds).abs() <= tolerance, "duration {actual} s, expected {seconds} ± {tolerance} s");
    probe
}

/// The raw RGB bytes of the frame at `seconds`.
pub fn frame_at(path: &Path, seconds: f64) -> Vec<u8> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-ss", &seconds.to_string(), "-i"])
        .arg(path)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg is required: {e}"));
    assert!(output.status.success() && !output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// Waits for a render to end (2 minutes at most).
pub fn wait(engine: &FfmpegEngine, handle: RenderHandle) -> RenderState {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match engine.render_state(handle) {
            RenderState::Running(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            state => return state,
        }
    }
}

/// Renders a draft and returns the finished file.
pub fn render(engine: &FfmpegEngine, draft: &Value) -> PathBuf {
    let handle = engine.start_render(&draft.to_string()).unwrap_or_else(|e| panic!("start: {e}"));
    match wait(engine, handle) {
        RenderState::Done { path, bytes } => {
            assert_eq!(std::fs::metadata(&path).map(|m| m.len()).ok(), Some(bytes));
            path
        }
        other => panic!("render ended {other:?}"),
    }
}

/// Tone with pauses at `rate` Hz (a lavfi source): `cycles` × (1.5 s of a 220 Hz tone, 1 s of
/// silence), then 1 s of tone; `lead` seconds of silence first.
pub fn speech(cycles: u32, lead: f64, rate: u32) -> String {
    let total = lead + 2.5 * f64::from(cycles) + 1.0;
    format!("aevalsrc='if(gte(t\\,{lead})*lt(mod(t-{lead}\\,2.5)\\,1.5)\\,0.4*sin(2*PI*220*t)\\,0)':s={rate}:d={total}")
}

/// A `seconds`-long clip with a picture (`size` at `rate` fps) and, when there is `sound` (a
/// lavfi source), that sound; `extra` arguments (audio codec, container flags) go last.
pub fn clip(
    dir: &Path,
    name: &str,
    seconds: u32,
    size: &str,
    rate: &str,
    sound: Option<String>,
    extra: &[&str],
) -> String {
    let out = dir.join(name).to_string_lossy().into_owned();
    let video = format!("testsrc2=size={size}:rate={rate}:duration={seconds}");
    let mut args = vec!["-f", "lavfi", "-i", &video];
    if let Some(sound) = &sound {
        args.extend(["-f", "lavfi", "-i", sound]);
    }
    let seconds = seconds.to_string();
    args.extend(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
    args.extend(extra);
    args.extend(["-t", &seconds, &out]);
    ffmpeg(&args);
    out
}

/// The draft keeping `path` but its `cuts` (ms, in order): one segment per kept stretch, end
/// to end, and its length.
pub fn draft_without(path: &str, cuts: &[(i64, i64)], duration_ms: i64) -> (Value, i64) {
    let mut kept = Vec::new();
    let mut from = 0;
    for (start, end) in cuts {
        kept.push((from, *start));
        from = *end;
    }
    kept.push((from, duration_ms));
    let mut at = 0;
    let segments: Vec<Value> = kept
        .iter()
        .map(|(start, end)| {
            let segment = serde_json::json!({"src": path, "nm": "clip", "st": at, "d": end - start, "in": start});
            at += end - start;
            segment
        })
        .collect();
    (serde_json::json!({"t": [{"tt": 0, "m": {}, "sg": segments}], "d": at, "m": {}}), at)
}

/// The full render of a draft, run as the engine would run it without the smart path.
pub fn full_render(draft: &Value, dir: &Path) -> PathBuf {
    let engine = engine();
    let timeline = Timeline::parse(&draft.to_string()).unwrap_or_else(|| panic!("a draft"));
    let mut sources = HashMap::new();
    for clip in &timeline.clips {
        let probe = engine.probe(&clip.src).unwrap_or_else(|e| panic!("{e}"));
        let source = Source::probed(&probe, Colour::default());
        sources.insert(clip.src.clone(), source);
    }
    let out = dir.join("full.mp4");
    let invocation =
        graph::build(&timeline, &sources, &Fonts::default(), &out.to_string_lossy()).unwrap_or_else(|e| panic!("{e}"));
    let args: Vec<&str> = invocation.args.iter().map(String::as_str).filter(|arg| *arg != "pipe:1").collect();
    // `-progress pipe:1` is dropped with its value: nothing reads it here.
    let args: Vec<&str> = args.into_iter().filter(|arg| *arg != "-progress").collect();
    ffmpeg(&args);
    out
}

/// Each decoded frame's MD5, in order.
pub fn frame_hashes(path: &Path) -> Vec<String> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-map", "0:v", "-f", "framemd5", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit(',').next())
        .map(|h| h.trim().to_owned())
        .collect()
}

/// Every decoded frame of `path`'s picture after the filters `vf` (ending in a grey format),
/// as raw bytes one frame after another.
pub fn grey_frames(path: &Path, vf: &str) -> Vec<u8> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-map", "0:v", "-vf", vf, "-f", "rawvideo", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}
