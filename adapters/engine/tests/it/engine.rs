//! The engine on its own: drafts written by hand, rendered, and checked with ffprobe.

use std::path::Path;

use nemo_engine::{EngineError, MediaEngine, RenderState};
use serde_json::{Value, json};

use super::support::*;

/// A draft of one segment of `src` (`extra` keys merged into it) and more tracks.
fn draft(src: &str, d: i64, extra: Value, tracks: &[Value], meta: Value) -> Value {
    let mut segment = json!({"src": src, "nm": "clip", "st": 0, "d": d, "in": 0});
    if let (Some(segment), Some(extra)) = (segment.as_object_mut(), extra.as_object()) {
        segment.extend(extra.clone());
    }
    let mut all = vec![json!({"tt": 0, "m": {}, "sg": [segment]})];
    all.extend(tracks.iter().cloned());
    json!({"t": all, "d": d, "m": meta})
}

#[test]
fn a_probe_reads_the_sample_like_the_cloud_does() {
    let probe = engine().probe(&sample()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((probe.duration_ms, probe.width, probe.height, probe.fps), (6000, Some(320), Some(180), Some(15.0)));
    assert!(probe.has_video && probe.has_audio && probe.size > 10_000, "{probe:?}");
}

#[test]
fn the_samples_pauses_are_found_with_their_margins() {
    let cuts = engine().silences(&sample()).unwrap_or_else(|e| panic!("{e}"));
    // Silence at 1.5-2.5 s and 4.0-5.0 s, 50 ms of margin kept on each side (±30 ms of
    // detection jitter from the AAC encoding).
    let expected = [(1550, 2450), (4050, 4950)];
    assert_eq!(cuts.len(), 2, "{cuts:?}");
    for ((start, end), (want_start, want_end)) in cuts.iter().zip(expected) {
        assert!((start - want_start).abs() <= 30 && (end - want_end).abs() <= 30, "{cuts:?}");
    }
}

#[test]
fn a_trim_gives_the_asked_duration_within_one_frame() {
    let engine = engine();
    let out = render(&engine, &draft(&sample(), 2500, json!({"in": 1000}), &[], json!({})));
    let probe = check_mp4(&out, 2.5, FRAME_S, true);
    let video = stream(&probe, "video").and_then(|v| v["duration"].as_str()?.parse::<f64>().ok()).unwrap_or(0.0);
    assert!((video - 2.5).abs() <= FRAME_S, "video stream {video} s");
    assert_eq!(size(&probe), (320, 180));
}

#[test]
fn vertical_is_1080_by_1920() {
    let engine = engine();
    let meta = json!({"ratio": "9:16", "width": 1080, "height": 1920});
    let out = render(&engine, &draft(&sample(), 1000, json!({}), &[], meta));
    let probe = check_mp4(&out, 1.0, FRAME_S, true);
    assert_eq!(size(&probe), (1080, 1920));
}

#[test]
fn mute_drops_the_audio_and_music_brings_one_back() {
    let engine = engine();
    let dir = temp();
    let muted = render(&engine, &draft(&sample(), 2000, json!({"vol": 0}), &[], json!({})));
    check_mp4(&muted, 2.0, FRAME_S, false);

    let song = make_music(dir.path(), 1);
    let music = json!({"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": song, "st": 0, "d": 2000, "in": 0, "vol": 50}]});
    let with_music = render(&engine, &draft(&sample(), 2000, json!({"vol": 0}), &[music], json!({})));
    // The 1 s song loops under the 2 s video, every sample of it there to the end.
    check_mp4(&with_music, 2.0, FRAME_S, true);
    let samples = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(&with_music)
        .args(["-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .map(|output| output.stdout.len() / 4)
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    assert!(samples >= 2 * 48_000 - 48, "{samples} samples of sound for 2 s of picture");

    let library = json!({"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "lofi.mp3", "st": 0, "d": 2000, "vol": 35}]});
    let with_tone =
        render(&engine, &draft(&make_clip(dir.path(), "silent.mp4", 2, false), 2000, json!({}), &[library], json!({})));
    check_mp4(&with_tone, 2.0, FRAME_S, true);
}

#[test]
fn a_title_changes_the_pixels_while_it_shows() {
    let engine = engine();
    let plain = render(&engine, &draft(&sample(), 3000, json!({}), &[], json!({})));
    let title =
        json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "Hello: it's 100% [ok], \\o/", "st": 0, "d": 2000}]});
    let titled = render(&engine, &draft(&sample(), 3000, json!({}), &[title], json!({})));
    assert_ne!(frame_at(&plain, 1.0), frame_at(&titled, 1.0), "the title is not drawn at 1 s");
    assert_eq!(frame_at(&plain, 2.5).len(), frame_at(&titled, 2.5).len());
}

#[test]
fn clips_join_with_a_fade_and_speed_shortens() {
    let engine = engine();
    let dir = temp();
    let a = make_clip(dir.path(), "a.mp4", 2, true);
    let b = make_clip(dir.path(), "b.mp4", 2, false);
    let joined = json!({"t": [{"tt": 0, "sg": [
        {"src": a, "st": 0, "d": 2000, "in": 0},
        {"src": b, "st": 2000, "d": 2000, "in": 0, "fx": {"in": "fade", "ms": 500}},
        {"src": sample(), "st": 4000, "d": 1000, "in": 0, "fx": {"in": "fade", "ms": 500}}
    ]}]});
    let out = render(&engine, &joined);
    // The 320×180 sample is letterboxed into the first clip's 320×240.
    assert_eq!(size(&check_mp4(&out, 5.0, FRAME_S, true)), (320, 240));
    // Half way through the fade the picture is black (the dip between the clips).
    let dark = frame_at(&out, 2.0);
    assert!(dark.iter().map(|b| u64::from(*b)).sum::<u64>() < dark.len() as u64 * 20, "not dark at the join");

    let fast = render(&engine, &draft(&sample(), 1500, json!({"sp": 4}), &[], json!({})));
    check_mp4(&fast, 1.5, FRAME_S, true);
}

#[test]
fn a_missing_or_corrupt_input_is_a_clear_error_and_no_output() {
    let engine = engine();
    let dir = temp();
    let missing = dir.path().join("nowhere.mp4").to_string_lossy().into_owned();
    let Err(EngineError::Unreadable(text)) = engine.probe(&missing) else { panic!("a missing file probed") };
    assert!(text.contains("nowhere.mp4") && text.contains("No such file"), "{text}");

    let corrupt = dir.path().join("corrupt.mp4");
    std::fs::write(&corrupt, [7u8; 4096]).unwrap_or_else(|e| panic!("{e}"));
    let corrupt = corrupt.to_string_lossy().into_owned();
    let Err(EngineError::Unreadable(text)) = engine.probe(&corrupt) else { panic!("a corrupt file probed") };
    assert!(text.contains("corrupt.mp4 is not a readable video or audio file"), "{text}");

    let Err(EngineError::Failed(text)) =
        engine.start_render(&draft(&corrupt, 1000, json!({}), &[], json!({})).to_string())
    else {
        panic!("a corrupt draft started rendering");
    };
    assert!(text.starts_with("cannot render: ") && text.contains("corrupt.mp4"), "{text}");
    assert_eq!(files_in(engine.work_dir()), Vec::<String>::new());
}

#[test]
fn a_render_reports_real_progress_and_a_cancelled_one_leaves_no_file() {
    let engine = engine();
    // Long and large enough to still be running when cancelled.
    let meta = json!({"ratio": "9:16", "width": 1080, "height": 1920});
    let slow = draft(&sample(), 6000, json!({"sp": 0.25}), &[], meta);
    let handle = engine.start_render(&slow.to_string()).unwrap_or_else(|e| panic!("{e}"));
    // Real progress from ffmpeg's `-progress` output before the cancel.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !matches!(engine.render_state(handle), RenderState::Running(p) if p > 0) {
        assert!(matches!(engine.render_state(handle), RenderState::Running(0)), "{:?}", engine.render_state(handle));
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(files_in(engine.work_dir()).iter().all(|name| name.ends_with(".part")));
    engine.cancel(handle);
    assert_eq!(wait(&engine, handle), RenderState::Failed("cancelled".into()));
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(files_in(engine.work_dir()), Vec::<String>::new());
}

#[test]
fn dropping_the_engine_removes_its_work_dir() {
    let engine = engine();
    let work = engine.work_dir().to_owned();
    render(&engine, &draft(&sample(), 500, json!({}), &[], json!({})));
    drop(engine);
    assert!(!work.exists());
}

fn files_in(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).map(|entries| entries.flatten().collect::<Vec<_>>()).unwrap_or_default();
    entries.iter().map(|entry| entry.file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn removed_pauses_leave_the_sound_in_step_with_the_picture() {
    let dir = temp();
    let cycles = 6;
    let seconds = cycles * 5 / 2 + 1; // 2.5 s a cycle, then 1 s of tone
    let long = clip(
        dir.path(),
        "long.mp4",
        seconds,
        "320x180",
        "25",
        Some(speech(cycles, 0.0, 48_000)),
        &["-c:a", "aac", "-ac", "2"],
    );
    for (path, pauses) in [(sample(), 2), (long, cycles)] {
        let joins = render_without_pauses(&path);
        // The tone stops 1.5 s in and comes back after each join with 50 ms of margin on
        // either side: short silences at 1.5 + 1.6 k s to 1.6 + 1.6 k s of the output, the last
        // as exact as the first (no drift), and no other (but a silence at the very end: the
        // generated picture may outlast its sound by a few frames).
        assert_eq!(joins.len(), pauses as usize, "{path}: {joins:?}");
        for (k, (start, end)) in joins.iter().enumerate() {
            let want = 1500 + 1600 * k as i64;
            assert!((start - want).abs() <= 30 && (end - want - 100).abs() <= 30, "{path}: {joins:?}");
        }
    }
}

/// Renders `path` with its pauses removed, checks picture and sound are as long as the
/// timeline, and returns the output's short silences (ms) before its end.
fn render_without_pauses(path: &str) -> Vec<(i64, i64)> {
    let engine = engine();
    let cuts = engine.silences(path).unwrap_or_else(|e| panic!("{e}"));
    let duration = engine.probe(path).unwrap_or_else(|e| panic!("{e}")).duration_ms;
    let (draft, at) = draft_without(path, &cuts, duration);
    let out = render(&engine, &draft);
    let probe = check_mp4(&out, at as f64 / 1000.0, FRAME_S, true);
    let length = |kind: &str| {
        stream(&probe, kind).and_then(|s| s["duration"].as_str()).and_then(|d| d.parse::<f64>().ok()).unwrap_or(-1.0)
    };
    assert!((length("video") - length("audio")).abs() <= FRAME_S, "{probe}");
    // The sound as a player plays it: every sample in a row, timestamps ignored.
    let output = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-i"])
        .arg(&out)
        .args(["-ac", "1", "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    let samples: Vec<f32> =
        output.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let mut detector = nemo_engine::quiet::Detector::new(0.04, 2400, 1);
    detector.push(&samples);
    let ms = |frame: u64| i64::try_from(frame / 48).unwrap_or(i64::MAX); // 48 samples a millisecond
    let found: Vec<_> = detector.finish().into_iter().map(|(from, to)| (ms(from), to.map(ms))).collect();
    let mut joins = nemo_engine::silence::closed(&found, at);
    joins.retain(|(_, end)| *end < at);
    joins
}

#[test]
fn a_29_97_fps_clip_joined_with_a_30_fps_one_renders_at_the_exact_ntsc_rate() {
    let engine = engine();
    let dir = temp();
    let tone = |s: u32| Some(format!("sine=frequency=440:duration={s}"));
    let ntsc = clip(dir.path(), "ntsc.mp4", 2, "320x240", "30000/1001", tone(2), &["-c:a", "aac"]);
    let thirty = clip(dir.path(), "thirty.mp4", 2, "320x240", "30", tone(2), &["-c:a", "aac"]);
    let joined = json!({"t": [{"tt": 0, "sg": [
        {"src": ntsc, "st": 0, "d": 2000, "in": 0},
        {"src": thirty, "st": 2000, "d": 2000, "in": 0}
    ]}]});
    let out = render(&engine, &joined);
    let probe = check_mp4(&out, 4.0, 0.05, true);
    let video = probe["streams"].as_array().and_then(|s| s.iter().find(|s| s["codec_type"] == "video")).cloned();
    assert_eq!(video.map(|v| v["r_frame_rate"].clone()), Some(json!("30000/1001")), "{probe}");
}

/// A copy of `path` whose video track's matrix (`tkhd`) turns it a quarter, as a phone held
/// upright writes it.
fn turned_a_quarter(path: &str, dir: &Path) -> String {
    let mut bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let at = bytes.windows(4).position(|w| w == b"tkhd").unwrap_or_else(|| panic!("{path} has no tkhd"));
    // The box type, version+flags and 36 bytes of times, ids and reserved fields: the matrix.
    let matrix = at + 4 + 40;
    for (k, value) in [0u32, 0x1_0000, 0, 0xFFFF_0000, 0].iter().enumerate() {
        bytes[matrix + 4 * k..matrix + 4 * k + 4].copy_from_slice(&value.to_be_bytes());
    }
    let out = dir.join("turned.mp4").to_string_lossy().into_owned();
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
    out
}

#[test]
fn a_clip_turned_a_quarter_probes_upright_and_joins_a_landscape_one() {
    let engine = engine();
    let dir = temp();
    let tone = Some("sine=frequency=440:duration=2".to_owned());
    let landscape = clip(dir.path(), "landscape.mp4", 2, "320x240", "15", tone, &["-c:a", "aac"]);
    let upright = turned_a_quarter(&landscape, dir.path());
    let probe = engine.probe(&upright).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((probe.width, probe.height), (Some(240), Some(320)), "the size as shown");
    let joined = json!({"t": [{"tt": 0, "sg": [
        {"src": upright, "st": 0, "d": 2000, "in": 0},
        {"src": landscape, "st": 2000, "d": 2000, "in": 0}
    ]}]});
    let out = render(&engine, &joined);
    let probe = check_mp4(&out, 4.0, 0.1, true);
    assert_eq!(size(&probe), (240, 320), "joined at the upright clip's size: {probe}");
}

#[test]
fn a_variable_rate_clip_renders_at_its_peak_rate_not_its_average() {
    let engine = engine();
    let dir = temp();
    // 2 s at 30 fps, then 2 s at 10 fps: 20 fps on average.
    let vfr = dir.path().join("vfr.mp4").to_string_lossy().into_owned();
    let picture = "testsrc2=size=320x240:rate=30:duration=4,select='lt(t\\,2)+not(mod(n\\,3))'";
    ffmpeg(&["-f", "lavfi", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-vsync", "vfr", &vfr]);
    let probe = engine.probe(&vfr).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(probe.fps, Some(30.0), "{probe:?}");
    let doubled = json!({"t": [{"tt": 0, "sg": [{"src": vfr, "st": 0, "d": 2000, "in": 0, "sp": 2.0}]}]});
    let out = render(&engine, &doubled);
    let probe = check_mp4(&out, 2.0, 0.1, false);
    let video = stream(&probe, "video").cloned().unwrap_or_default();
    assert_eq!(video["r_frame_rate"], json!("30/1"), "{probe}");
    let frames = video["nb_frames"].as_str().and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
    assert!((59..=61).contains(&frames), "{frames} frames in 2 s");
}

#[test]
fn a_high_dynamic_range_clip_is_tone_mapped_and_tagged_bt709_and_a_standard_one_keeps_its_tags() {
    let engine = engine();
    let dir = temp();
    let hlg = dir.path().join("hlg.mp4").to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=15:duration=2",
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p10le",
        "-color_primaries",
        "bt2020",
        "-color_trc",
        "arib-std-b67",
        "-colorspace",
        "bt2020nc",
        "-tag:v",
        "hvc1",
        &hlg,
    ]);
    let sdr = clip(
        dir.path(),
        "bt709.mp4",
        2,
        "320x240",
        "15",
        None,
        &["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
    );
    for (src, transfer) in [(hlg, "bt709"), (sdr, "bt709")] {
        let whole = json!({"t": [{"tt": 0, "sg": [{"src": src, "st": 0, "d": 1500, "in": 0}]}]});
        let out = render(&engine, &whole);
        let probe = check_mp4(&out, 1.5, 0.1, false);
        let video = stream(&probe, "video").cloned().unwrap_or_default();
        assert_eq!(
            (video["color_transfer"].as_str(), video["pix_fmt"].as_str()),
            (Some(transfer), Some("yuv420p")),
            "{src}: {probe}"
        );
        assert_eq!(video["color_primaries"].as_str(), Some("bt709"), "{src}: {probe}");
        // Tone-mapped, not blank.
        let pixels = frame_at(&out, 0.5);
        assert!(pixels.iter().map(|b| u64::from(*b)).sum::<u64>() / pixels.len() as u64 > 20, "{src} is dark");
    }
}

/// The bounding box (width, height) of the bright pixels of the frame at `seconds`.
fn bright_box(path: &Path, seconds: f64) -> (usize, usize) {
    let probe = ffprobe(path);
    let (width, _) = size(&probe);
    let width = usize::try_from(width).unwrap_or(1);
    let rgb = frame_at(path, seconds);
    let (mut left, mut right, mut top, mut bottom) = (usize::MAX, 0, usize::MAX, 0);
    for (i, pixel) in rgb.chunks_exact(3).enumerate() {
        if pixel.iter().all(|c| *c > 200) {
            let (x, y) = (i % width, i / width);
            (left, right, top, bottom) = (left.min(x), right.max(x), top.min(y), bottom.max(y));
        }
    }
    (right.saturating_sub(left) + 1, bottom.saturating_sub(top) + 1)
}

#[test]
fn non_square_pixels_keep_the_shape_a_person_sees_alone_and_joined_with_square_ones() {
    let engine = engine();
    let dir = temp();
    // 640×360 with pixels 2:3 (shown 426×360, as a DV or anamorphic recording), and in it a
    // box 300×200 pixels: a square as shown.
    let narrow = dir.path().join("narrow.mp4").to_string_lossy().into_owned();
    let picture =
        "color=black:size=640x360:rate=15:duration=2,drawbox=x=170:y=80:w=300:h=200:color=white:t=fill,setsar=2/3";
    ffmpeg(&["-f", "lavfi", "-i", picture, "-c:v", "libx264", "-pix_fmt", "yuv420p", &narrow]);
    let probe = engine.probe(&narrow).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((probe.width, probe.height, probe.pixel_aspect), (Some(426), Some(360), Some((2, 3))));
    let square = |path: &Path| {
        let (w, h) = bright_box(path, 0.5);
        let ratio = w as f64 / h as f64;
        assert!((ratio - 1.0).abs() < 0.05, "{}: the square is {w}×{h}", path.display());
    };
    // Trimmed alone: the full render (the smart render leaves non-square pixels to it).
    let trimmed = render(&engine, &draft(&narrow, 1000, json!({}), &[], json!({})));
    square(&trimmed);
    // Joined after a clip of square pixels: fitted into the square clip's frame.
    let plain = clip(dir.path(), "plain.mp4", 2, "640x360", "15", None, &[]);
    let joined = json!({"t": [{"tt": 0, "sg": [
        {"src": plain, "st": 0, "d": 1000, "in": 0},
        {"src": narrow, "st": 1000, "d": 1000, "in": 0}
    ]}]});
    let out = render(&engine, &joined);
    let (w, h) = bright_box(&out, 1.5);
    assert!(((w as f64 / h as f64) - 1.0).abs() < 0.05, "joined: the square is {w}×{h}");
    // Made vertical (the blurred fill): still a square.
    let vertical = draft(&narrow, 1000, json!({}), &[], json!({"ratio": "9:16", "width": 1080, "height": 1920}));
    square(&render(&engine, &vertical));
}

#[test]
fn chinese_titles_are_drawn_with_a_font_that_has_them_and_a_text_no_font_has_is_refused() {
    let engine = engine();
    let dir = temp();
    let black = dir.path().join("black.mp4").to_string_lossy().into_owned();
    ffmpeg(&["-f", "lavfi", "-i", "color=black:size=640x360:rate=15:duration=1", "-c:v", "libx264", &black]);
    let titled = |text: &str| {
        let title = json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": text, "st": 0, "d": 1000}]});
        frame_at(&render(&engine, &draft(&black, 1000, json!({}), &[title], json!({}))), 0.5)
    };
    let (hello, goodbye) = (titled("你好世界"), titled("再见朋友"));
    // Missing glyphs are drawn as the same four boxes; real characters differ.
    let differing = hello.iter().zip(&goodbye).filter(|(a, b)| a.abs_diff(**b) > 100).count();
    assert!(differing > 2000, "the two titles look alike ({differing} pixels differ): drawn as boxes?");
    let nowhere = json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "x\u{10FFFD}", "st": 0, "d": 1000}]});
    let refused = engine.start_render(&draft(&black, 1000, json!({}), &[nowhere], json!({})).to_string());
    let refused = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(refused.contains("no installed font can draw"), "{refused}");
}
