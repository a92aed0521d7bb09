//! The smart render on a clip with markers — a white frame and a full-scale click at the same
//! instant, three times, in a phone-style stream (1 s GOPs with B-frames): the frames shown
//! are the ones a full render shows, most of them the source's own bytes, and every marker's
//! picture and sound stay within a frame of each other, in the smart and the full render.

use std::path::Path;
use std::process::Command;

use nemo_engine::MediaEngine;
use serde_json::{Value, json};

use crate::support::{
    check_mp4, draft_without, engine, ffmpeg, frame_at, frame_hashes, full_render, grey_frames, render, temp,
};

/// The markers' times in the source, seconds (white frames 30, 141, 279 at 30 fps).
const MARKERS: [f64; 3] = [1.0, 4.7, 9.3];
/// One frame at 30 fps, ms.
const FRAME_MS: f64 = 1000.0 / 30.0;

/// A 12 s 640×360 clip at 30 fps, a keyframe every second and B-frames (x264 `veryfast`),
/// a 440 Hz tone with pauses at 3–4 s and 7–8 s, and the markers.
fn marker_clip(dir: &Path) -> String {
    let out = dir.join("markers.mp4").to_string_lossy().into_owned();
    let white = "drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,30)+eq(n\\,141)+eq(n\\,279)'";
    let video = format!("testsrc2=size=640x360:rate=30:duration=12,{white}");
    let clicks: Vec<String> = MARKERS.iter().map(|t| format!("lt(abs(t-{t})\\,0.002)")).collect();
    let sound = format!(
        "aevalsrc='if({}\\,0.99\\,if(between(t\\,3\\,4)+between(t\\,7\\,8)\\,0\\,0.3*sin(2*PI*440*t)))':s=48000:d=12",
        clicks.join("+")
    );
    ffmpeg(&[
        "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &sound, "-c:v", "libx264", "-preset", "veryfast", "-g", "30",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-t", "12", &out,
    ]);
    out
}

/// The draft keeping everything but the clip's pauses, as the editor makes it: each cut on a
/// whole frame, written in whole milliseconds (frame 152 at 30 fps is 5067 ms).
fn without_pauses(path: &str) -> Value {
    let engine = engine();
    let on_frames = |ms: i64| ((ms as f64 / FRAME_MS).round() * FRAME_MS).round() as i64;
    let cuts: Vec<(i64, i64)> = engine
        .silences(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(start, end)| (on_frames(start), on_frames(end)))
        .collect();
    assert_eq!(cuts.len(), 2, "{cuts:?}");
    let duration = engine.probe(path).unwrap_or_else(|e| panic!("{e}")).duration_ms;
    draft_without(path, &cuts, duration).0
}

/// Each frame's mean brightness (0–255), from a 16×9 grey copy.
fn brightness(path: &Path) -> Vec<f64> {
    let frames = grey_frames(path, "scale=16:9,format=gray");
    frames.chunks_exact(144).map(|frame| frame.iter().map(|b| f64::from(*b)).sum::<f64>() / 144.0).collect()
}

/// Where the white frames and the clicks are in a file (ms from its start), in order.
fn markers(path: &Path) -> (Vec<f64>, Vec<f64>) {
    let pictures: Vec<f64> = brightness(path)
        .iter()
        .enumerate()
        .filter(|(_, mean)| **mean > 230.0)
        .map(|(k, _)| k as f64 * FRAME_MS)
        .collect();
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    let samples: Vec<f32> =
        output.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    // A click is a run of loud samples; its time is the run's middle.
    let mut clicks = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for (i, sample) in samples.iter().enumerate() {
        let loud = sample.abs() > 0.7;
        run = match (run, loud) {
            (None, true) => Some((i, i)),
            (Some((start, end)), true) if i - end < 48 => Some((start, i)),
            (Some((start, end)), _) if i - end >= 48 => {
                clicks.push((start + end) as f64 / 2.0 / 48.0);
                loud.then_some((i, i))
            }
            (other, _) => other,
        };
    }
    if let Some((start, end)) = run {
        clicks.push((start + end) as f64 / 2.0 / 48.0);
    }
    (pictures, clicks)
}

/// Every marker's white frame and click are found and within half a frame of each other.
fn assert_in_sync(path: &Path) {
    let (pictures, clicks) = markers(path);
    assert_eq!((pictures.len(), clicks.len()), (MARKERS.len(), MARKERS.len()), "{pictures:?} {clicks:?}");
    for (picture, click) in pictures.iter().zip(&clicks) {
        assert!(
            (picture - click).abs() <= FRAME_MS / 2.0,
            "{}: picture {picture} ms, sound {click} ms",
            path.display()
        );
    }
}

#[test]
fn removing_pauses_copies_whole_gops_and_shows_the_frames_a_full_render_shows_in_sync() {
    let dir = temp();
    let source = marker_clip(dir.path());
    let draft = without_pauses(&source);
    let total = draft["d"].as_i64().unwrap_or_default();
    let engine = engine();
    let smart = render(&engine, &draft);
    let full = full_render(&draft, dir.path());
    check_mp4(&smart, total as f64 / 1000.0, FRAME_MS / 1000.0, true);
    let (smart_frames, full_frames, source_frames) =
        (frame_hashes(&smart), frame_hashes(&full), frame_hashes(Path::new(&source)));
    assert_eq!(smart_frames.len(), full_frames.len(), "as many frames as the full render");
    // Most frames are the source's own, decoded bit for bit: the GOPs were copied.
    let copied = smart_frames.iter().filter(|hash| source_frames.contains(hash)).count();
    assert!(copied * 10 >= smart_frames.len() * 6, "{copied} of {} frames copied", smart_frames.len());
    // (A white frame decodes the same however it was encoded.)
    let full_copied = full_frames.iter().filter(|hash| source_frames.contains(hash)).count();
    assert!(full_copied <= MARKERS.len(), "the full render encodes every frame: {full_copied}");
    // The same frames: every frame's brightness is the full render's (a frame off would show
    // the moving test picture's neighbour, and the white frames elsewhere).
    let (a, b) = (brightness(&smart), brightness(&full));
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    assert!(worst < 3.0, "a frame differs from the full render's by {worst}");
    assert_in_sync(&smart);
    assert_in_sync(&full);
}

#[test]
fn a_title_over_copied_gops_is_drawn_and_the_rest_still_copied() {
    let dir = temp();
    let source = marker_clip(dir.path());
    let mut draft = without_pauses(&source);
    let title = json!({"tt": 7, "m": {"role": "title"}, "sg": [{"st": 0, "d": 2000, "tx": "Hello"}]});
    draft["t"].as_array_mut().unwrap_or_else(|| panic!("tracks")).push(title);
    let engine = engine();
    let smart = render(&engine, &draft);
    let plain = render(&engine, &without_pauses(&source));
    // The title shows in its two seconds, and not after.
    let differing = |at: f64| {
        let (titled, untitled) = (frame_at(&smart, at), frame_at(&plain, at));
        titled.iter().zip(&untitled).filter(|(a, b)| a.abs_diff(**b) > 40).count()
    };
    assert!([0.2, 1.0, 1.8].iter().all(|at| differing(*at) > 500), "the title is missing");
    assert!([2.5, 5.0, 9.0].iter().all(|at| differing(*at) < 50), "something else changed");
    let source_frames = frame_hashes(Path::new(&source));
    let copied = frame_hashes(&smart).iter().filter(|hash| source_frames.contains(hash)).count();
    assert!(copied >= 150, "{copied} frames copied");
    assert_in_sync(&smart);
}

#[test]
fn a_new_size_is_a_full_render() {
    let dir = temp();
    let source = marker_clip(dir.path());
    let mut draft = without_pauses(&source);
    draft["m"] = json!({"width": 1280, "height": 720});
    let engine = engine();
    let out = render(&engine, &draft);
    let source_frames = frame_hashes(Path::new(&source));
    assert_eq!(frame_hashes(&out).iter().filter(|hash| source_frames.contains(hash)).count(), 0);
    assert_in_sync(&out);
}
