//! The smart render against the full render, crossed over the GOP layouts encoders really
//! write (x264's defaults, no B-frames, 1 s GOPs, open GOPs, scene cuts, x265's defaults, a
//! camera's long GOPs with a B-pyramid) and every edit the smart render takes (mute, music,
//! one cut, several cuts, a trim, a title, captions), and random cut lists over them: every
//! output shows exactly the source frames the full render shows, in order, and decodes
//! without a single error. Each source frame carries its own number in a strip of nine
//! black-or-white cells at the top of the picture, read back from the decoded output, so the
//! comparison is of frames, not of counts — and survives the full render's re-encoding.
//! Last, the guard: a smart render's output that is not as planned is rendered again in full.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use nemo_engine::graph::Invocation;
use nemo_engine::guard::Expected;
use nemo_engine::render::{self, Guard, Plan, Renders, Step};
use nemo_engine::{RenderState, Tools};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{engine, ffmpeg, frame_hashes, full_render, grey_frames, render, temp};

/// Frames a second of every source.
const FPS: i64 = 30;
/// Every source's length, frames (8 s).
const FRAMES: i64 = 240;
/// Cells in the frame-number strip (2⁹ = 512 > 240 frames).
const BITS: usize = 9;

/// How a source is encoded: a name and ffmpeg's video options.
const LAYOUTS: [(&str, &[&str]); 8] = [
    ("x264 defaults", &["-c:v", "libx264"]),
    ("x264 without B-frames", &["-c:v", "libx264", "-bf", "0"]),
    ("x264 1 s GOPs", &["-c:v", "libx264", "-g", "30"]),
    ("x264 open GOPs", &["-c:v", "libx264", "-x264-params", "open-gop=1:keyint=60"]),
    ("x264 scene cuts", &["-c:v", "libx264", "-x264-params", "keyint=250:scenecut=60"]),
    ("x265 defaults", &["-c:v", "libx265", "-x265-params", "log-level=error"]),
    ("x265 1 s open GOPs", &["-c:v", "libx265", "-x265-params", "keyint=30:log-level=error"]),
    (
        "camera: long GOPs, B-pyramid",
        &["-c:v", "libx264", "-preset", "slow", "-x264-params", "keyint=90:bframes=3:b-pyramid=strict:ref=4"],
    ),
];

/// The sources, made once for every test here (`(layout name, path)`).
fn sources() -> &'static [(String, String)] {
    static SOURCES: OnceLock<(tempfile::TempDir, Vec<(String, String)>)> = OnceLock::new();
    let (_, made) = SOURCES.get_or_init(|| {
        let dir = temp();
        let made = LAYOUTS.iter().enumerate().map(|(k, (name, options))| {
            ((*name).to_owned(), numbered_source(dir.path(), &format!("layout{k}.mp4"), name, options))
        });
        let made = made.collect();
        (dir, made)
    });
    made
}

/// An 8 s 320×180 clip at 30 fps with a tone, each frame's number drawn in the strip; the
/// scene-cut layout's picture is inverted every half second (a cut the encoder sees).
fn numbered_source(dir: &Path, name: &str, layout: &str, options: &[&str]) -> String {
    let out = dir.join(name).to_string_lossy().into_owned();
    let mut video = format!("testsrc2=size=320x180:rate={FPS}:duration={}", FRAMES / FPS);
    if layout.contains("scene") {
        video.push_str(",negate=enable='mod(floor(t*2)\\,2)'");
    }
    video.push_str(",drawbox=x=0:y=0:w=iw:h=ih/6:color=black:t=fill");
    for bit in 0..BITS {
        let _ = std::fmt::Write::write_fmt(
            &mut video,
            format_args!(
                ",drawbox=x={bit}*iw/{BITS}:y=0:w=iw/{BITS}:h=ih/6:color=white:t=fill:enable='mod(floor(n/{})\\,2)'",
                1 << bit
            ),
        );
    }
    let tone = format!("sine=frequency=440:sample_rate=48000:duration={}", FRAMES / FPS);
    let mut args = vec!["-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &tone];
    args.extend(options);
    args.extend(["-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "8", &out]);
    ffmpeg(&args);
    out
}

/// The frame numbers a file shows, in order, read from the strip.
fn frame_numbers(path: &Path) -> Vec<u32> {
    grey_frames(path, &format!("crop=iw:ih/6:0:0,scale={BITS}:1:flags=area,format=gray"))
        .chunks_exact(BITS)
        .map(|cells| cells.iter().enumerate().filter(|(_, cell)| **cell > 128).map(|(bit, _)| 1 << bit).sum())
        .collect()
}

/// What a full decode of the file reports as errors (nothing, for a good file).
fn decode_errors(path: &Path) -> String {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

/// The frames a draft keeping `stretches` (frame numbers, whole frames) shows.
fn kept(stretches: &[(i64, i64)]) -> Vec<u32> {
    stretches.iter().flat_map(|(from, to)| (*from..*to).map(|k| u32::try_from(k).unwrap_or(0))).collect()
}

/// ms of frame `k`, as the editor writes a cut on a whole frame.
fn ms(k: i64) -> i64 {
    (k as f64 * 1000.0 / FPS as f64).round() as i64
}

/// A draft keeping the stretches (frames) of `path`, end to end, each cut on a whole frame.
fn keeping(path: &str, stretches: &[(i64, i64)]) -> Value {
    let mut at = 0;
    let segments: Vec<Value> = stretches
        .iter()
        .map(|(from, to)| {
            let (start, d) = (ms(*from), ms(*to) - ms(*from));
            let segment = json!({"src": path, "nm": "clip", "st": at, "d": d, "in": start});
            at += d;
            segment
        })
        .collect();
    json!({"t": [{"tt": 0, "m": {}, "sg": segments}], "d": at, "m": {}})
}

/// The edits the smart render takes, each as a draft of `path` and the frames it keeps.
fn edits(path: &str) -> Vec<(&'static str, Value, Vec<u32>)> {
    let whole = [(0, FRAMES)];
    let mut muted = keeping(path, &whole);
    muted["t"][0]["sg"][0]["vol"] = json!(0);
    let mut music = keeping(path, &whole);
    let bed = json!({"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "lofi.mp3", "st": 0, "d": ms(FRAMES), "vol": 35}]});
    push_track(&mut music, bed);
    let mut titled = keeping(path, &whole);
    push_track(&mut titled, json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "Hi", "st": 0, "d": 3000}]}));
    let mut captioned = keeping(path, &[(0, 60), (90, FRAMES)]);
    let cues = json!([{"tx": "Hello there", "st": 500, "d": 1500}, {"tx": "A second line", "st": 4000, "d": 1500}]);
    push_track(&mut captioned, json!({"tt": 7, "m": {"role": "subtitle"}, "sg": cues}));
    let several = [(0, 30), (45, 99), (120, 180), (195, FRAMES)];
    // Written in whole ms they add up to 2998 ms for 90 frames: the last frame must stay.
    let short = [(29, 40), (77, 139), (171, 184), (207, 211)];
    vec![
        ("mute", muted, kept(&whole)),
        ("music", music, kept(&whole)),
        ("one cut", keeping(path, &[(0, 60), (90, FRAMES)]), kept(&[(0, 60), (90, FRAMES)])),
        ("several cuts", keeping(path, &several), kept(&several)),
        ("short stretches", keeping(path, &short), kept(&short)),
        ("trim", keeping(path, &[(0, 210)]), kept(&[(0, 210)])),
        ("title", titled, kept(&whole)),
        ("captions", captioned, kept(&[(0, 60), (90, FRAMES)])),
    ]
}

fn push_track(draft: &mut Value, track: Value) {
    draft["t"].as_array_mut().unwrap_or_else(|| panic!("tracks")).push(track);
}

/// The engine's render of `draft` (the smart one where it applies) shows `wanted`, as the
/// full render does, and both decode cleanly; how many of its frames are the source's own.
fn check(layout: &str, edit: &str, draft: &Value, wanted: &[u32], dir: &Path) -> usize {
    let engine = engine();
    let rendered: PathBuf = render(&engine, draft);
    let full = full_render(draft, dir);
    let case = format!("{layout}, {edit}");
    assert_eq!(decode_errors(&rendered), "", "{case}: the render decodes with errors");
    assert_eq!(decode_errors(&full), "", "{case}: the full render decodes with errors");
    let (shown, full_shown) = (frame_numbers(&rendered), frame_numbers(&full));
    assert_eq!(full_shown, wanted, "{case}: the full render shows other frames");
    assert_eq!(shown, wanted, "{case}: the render shows other frames than the full render");
    let src = draft.pointer("/t/0/sg/0/src").and_then(Value::as_str).unwrap_or_default();
    let source_frames = frame_hashes(Path::new(src));
    frame_hashes(&rendered).iter().filter(|hash| source_frames.contains(hash)).count()
}

#[test]
fn every_layout_and_every_edit_shows_the_full_renders_frames_and_decodes_cleanly() {
    let mut copied_somewhere = Vec::new();
    for (layout, path) in sources() {
        for (edit, draft, wanted) in edits(path) {
            let dir = temp();
            let copied = check(layout, edit, &draft, &wanted, dir.path());
            if copied > 0 {
                copied_somewhere.push(format!("{layout}, {edit}: {copied}"));
            }
        }
    }
    // The smart render really ran: on 1 s GOPs a mute copies every frame.
    assert!(copied_somewhere.iter().any(|case| case == "x264 1 s GOPs, mute: 240"), "{copied_somewhere:?}");
    assert!(copied_somewhere.len() >= 20, "{copied_somewhere:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_cuts_over_any_layout_show_the_full_renders_frames(
        layout in 0..LAYOUTS.len(),
        cuts in proptest::collection::vec((1i64..40, 1i64..70), 1..5),
    ) {
        let (name, path) = &sources()[layout];
        let mut stretches = Vec::new();
        let mut at = 0;
        for (gap, length) in cuts {
            let from = at + gap;
            let to = (from + length).min(FRAMES);
            if from >= to {
                break;
            }
            stretches.push((from, to));
            at = to;
        }
        prop_assume!(!stretches.is_empty());
        let dir = temp();
        check(name, &format!("keeping {stretches:?}"), &keeping(path, &stretches), &kept(&stretches), dir.path());
    }
}

/// A plan writing `seconds` of a 15 fps test picture to `part` (as a render's steps do).
fn writing(part: &Path, seconds: u32) -> Vec<Step> {
    let video = format!("testsrc2=size=160x90:rate=15:duration={seconds}");
    let args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", &video];
    let mut args: Vec<String> = args.map(String::from).into();
    args.extend(["-c:v", "libx264", "-f", "mp4"].map(String::from));
    args.push(part.to_string_lossy().into_owned());
    vec![Step { invocation: Invocation { args, duration_ms: i64::from(seconds) * 1000 }, share: 1 }]
}

/// Runs a plan of 1 s of picture guarded by `expected` (its fallback writes 3 s), and
/// returns how many frames the finished file holds.
fn guarded(expected: Expected) -> usize {
    let tools = Tools::find().unwrap_or_else(|e| panic!("{e}"));
    let dir = temp();
    let dest = dir.path().join("out.mp4");
    let part = render::part_of(&dest);
    let plan =
        Plan { steps: writing(&part, 1), scratch: None, guard: Some(Guard { expected, fallback: writing(&part, 3) }) };
    let renders = Renders::default();
    let handle = renders.start(&tools, plan, dest.clone()).unwrap_or_else(|e| panic!("{e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while matches!(renders.state(handle), RenderState::Running(_)) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(matches!(renders.state(handle), RenderState::Done { .. }), "{:?}", renders.state(handle));
    frame_hashes(&dest).len()
}

#[test]
fn a_smart_render_whose_output_is_not_as_planned_is_rendered_again_in_full() {
    let as_planned = Expected { frames: 15, duration_ms: 1000.0, frame_ms: 1000.0 / 15.0 };
    assert_eq!(guarded(as_planned.clone()), 15, "a file as planned is kept");
    assert_eq!(guarded(Expected { frames: 45, duration_ms: 3000.0, ..as_planned.clone() }), 45, "a short one is not");
    assert_eq!(guarded(Expected { duration_ms: 3000.0, ..as_planned }), 45, "nor one of the wrong length");
}

/// The frames of `with` that differ from `without` in the captions' band (rows 140–160 of
/// 180): where a caption is drawn.
fn caption_frames(with: &Path, without: &Path) -> Vec<usize> {
    let band = "crop=iw:20:0:140,format=gray";
    let (a, b) = (grey_frames(with, band), grey_frames(without, band));
    let frame = 320 * 20;
    let differing = |(x, y): (&[u8], &[u8])| x.iter().zip(y).filter(|(p, q)| p.abs_diff(**q) > 60).count();
    a.chunks_exact(frame)
        .zip(b.chunks_exact(frame))
        .enumerate()
        .filter(|(_, pair)| differing(*pair) > 10)
        .map(|(k, _)| k)
        .collect()
}

#[test]
fn a_burned_caption_after_a_cut_shows_on_exactly_its_cues_frames_in_the_smart_and_the_full_render() {
    // The pauses of a 12 s talk at 4–6 s, cut as the editor cuts them (4033 ms, 5967 ms: the
    // gap is 1934 ms, 0.67 ms more than its 58 frames), and a cue from 6.5 s of the source,
    // 4.566 s of the output, to the end: the frames whose middle falls in it are 137 (at
    // 4.5667 s) to the last (181), as in the sidecar SRT.
    let stretches = [(0, 121), (179, FRAMES)];
    let wanted: Vec<usize> = (137..182).collect();
    for (layout, path) in [&sources()[2], &sources()[0]] {
        let plain = keeping(path, &stretches);
        let mut captioned = plain.clone();
        let cue = json!({"tt": 7, "m": {"role": "subtitle"}, "sg": [{"tx": "Hello there", "st": 4566, "d": 2500}]});
        push_track(&mut captioned, cue);
        let engine = engine();
        let dir = temp();
        let (with, without) = (render(&engine, &captioned), render(&engine, &plain));
        assert_eq!(caption_frames(&with, &without), wanted, "{layout}: the engine's render");
        let full_with = dir.path().join("captioned.mp4");
        std::fs::rename(full_render(&captioned, dir.path()), &full_with).unwrap_or_else(|e| panic!("{e}"));
        let full_without = full_render(&plain, dir.path());
        assert_eq!(caption_frames(&full_with, &full_without), wanted, "{layout}: the full render");
    }
}
