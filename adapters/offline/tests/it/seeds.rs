//! The seeds' own example edits, verbatim, through the offline backend, each result checked
//! on the video itself (ffprobe, decoded frames), never by trusting the editor's answer.

use super::backend::World;
use super::support::*;
use super::whisper_model;

/// The mean red, green and blue of a frame.
fn mean_rgb(frame: &[u8]) -> [f64; 3] {
    let mut sum = [0.0; 3];
    for pixel in frame.chunks_exact(3) {
        for (total, value) in sum.iter_mut().zip(pixel) {
            *total += f64::from(*value);
        }
    }
    let n = (frame.len() / 3).max(1) as f64;
    sum.map(|total| total / n)
}

/// 5 s at 15 fps: red until 2.5 s, then green; a tone except 2-3 s (one pause to remove).
fn red_then_green(dir: &std::path::Path) -> String {
    let out = dir.join("red-green.mp4").to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=320x240:r=15:d=2.5[a];color=c=green:s=320x240:r=15:d=2.5[b];[a][b]concat[out0]",
        "-f",
        "lavfi",
        "-i",
        "aevalsrc='if(between(t\\,2\\,3)\\,0\\,0.4*sin(2*PI*220*t))':s=44100:d=5",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-t",
        "5",
        &out,
    ]);
    out
}

#[test]
fn free_editing_trim_the_pauses_add_transitions_and_export_a_clean_final_cut() {
    let world = World::new();
    let dir = temp();
    world.upload(&red_then_green(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("trim the pauses, add transitions, and export a clean final cut");
    assert!(!answer.contains("did not understand"), "{answer}");
    assert!(answer.contains("Added 1 transition (0.3 s dissolves)"), "{answer}");
    let out = world.export(dir.path());
    // 5 s less the 1 s pause, 50 ms of sound kept on each side: 4.1 s, transitions included.
    check_mp4(&out, 4.1, FRAME_S, true);
    let [r, g, _] = mean_rgb(&frame_at(&out, 2.05));
    assert!(r > 60.0 && g > 40.0, "the frame at the cut blends red and green: {r:.0} {g:.0}");
    let [r, g, _] = mean_rgb(&frame_at(&out, 1.5));
    assert!(r > 200.0 && g < 30.0, "red before the transition: {r:.0} {g:.0}");
    let [r, g, _] = mean_rgb(&frame_at(&out, 2.6));
    assert!(r < 30.0 && g > 100.0, "green after it: {r:.0} {g:.0}");
}

/// How many near-white pixels (drawn text) the frame at `seconds`, `width` wide, holds in
/// its rows from `from` to `to` (fractions of its height).
fn white_pixels(path: &std::path::Path, seconds: f64, width: usize, (from, to): (f64, f64)) -> usize {
    let frame = frame_at(path, seconds);
    let rows = (frame.len() / 3 / width) as f64;
    let (first, last) = ((rows * from) as usize * width, (rows * to) as usize * width);
    frame.chunks_exact(3).skip(first).take(last - first).filter(|p| p.iter().all(|v| *v > 200)).count()
}

/// Caption text: the lower half.
fn white_below_middle(path: &std::path::Path, seconds: f64, width: usize) -> usize {
    white_pixels(path, seconds, width, (0.5, 1.0))
}

/// ffprobe's picture size of a file.
fn picture(path: &std::path::Path) -> (u64, u64) {
    size(&ffprobe(path))
}

/// A `seconds`-long clip of `size` at 15 fps with a steady tone.
fn plain_clip(dir: &std::path::Path, name: &str, seconds: u32, size: &str) -> String {
    clip(dir, name, seconds, size, "15", Some(format!("sine=frequency=330:duration={seconds}")), &["-c:a", "aac"])
}

#[test]
fn captions_from_a_subtitle_file_follow_the_cuts_and_are_written_beside_the_video() {
    let world = World::new();
    let dir = temp();
    world.upload(&red_then_green(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let srt = dir.path().join("talk.srt");
    let cues = "1\n00:00:00,500 --> 00:00:01,500\nHello there\n\n2\n00:00:02,200 --> 00:00:02,800\nin the pause\n\n3\n00:00:03,200 --> 00:00:04,200\nSee you\n";
    std::fs::write(&srt, cues).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say(&format!("remove the pauses, add captions from {}", srt.display()));
    assert!(answer.contains("Added 2 captions from talk.srt (1 inside removed parts left out)."), "{answer}");
    let out = world.export(dir.path());
    check_mp4(&out, 4.1, FRAME_S, true);
    assert!(white_below_middle(&out, 1.0, 320) > 30, "caption pixels during the first cue");
    assert_eq!(white_below_middle(&out, 1.8, 320), 0, "none between cues");
    // The third cue (3.2-4.2 s of the source) comes earlier by the pause removed: 2.05-2.95 s
    // (50 ms of sound kept each side), moved to whole frames of 15 fps: 2.067-2.933 s.
    assert!(white_below_middle(&out, 2.8, 320) > 30, "caption pixels during the moved cue");
    let sidecar = std::fs::read_to_string(dir.path().join("out.srt")).unwrap_or_else(|e| panic!("the sidecar: {e}"));
    assert_eq!(
        sidecar,
        "1\n00:00:00,500 --> 00:00:01,500\nHello there\n\n2\n00:00:02,334 --> 00:00:03,334\nSee you\n\n"
    );
}

#[test]
fn ai_video_editor_cut_the_pauses_add_background_music_and_generate_captions() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("cut the pauses, add background music, and generate captions");
    assert!(!answer.contains("did not understand"), "{answer}");
    assert!(answer.contains("There are no captions:") && answer.contains("NEMO_WHISPER_MODEL"), "{answer}");
    check_mp4(&world.export(dir.path()), 4.2, 0.1, true);
}

#[test]
fn generate_captions_with_a_whisper_model_draws_what_it_heard_in_the_lower_part() {
    let dir = temp();
    let model = dir.path().join("ggml-tiny-made.bin");
    whisper_model::write(&model);
    let world = World::with_speech_model(Some(model));
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("generate captions");
    assert!(answer.starts_with("Added ") && answer.contains("from the speech."), "{answer}");
    let draft = world.draft();
    let captions = draft["t"].as_array().and_then(|tracks| tracks.iter().find(|t| t["m"]["role"] == "subtitle"));
    let cue = &captions.unwrap_or_else(|| panic!("no caption track: {draft}"))["sg"][0];
    let (start, length) = (cue["st"].as_i64().unwrap_or(-1), cue["d"].as_i64().unwrap_or(-1));
    assert!(start >= 0 && length > 0 && start + length <= 6000, "a cue inside the 6 s clip: {cue}");
    let out = world.export(dir.path());
    check_mp4(&out, 6.0, FRAME_S, true);
    let during = (start + length / 2) as f64 / 1000.0;
    assert!(white_below_middle(&out, during, 320) > 20, "caption text below the middle at {during} s");
}

#[test]
fn a_model_that_is_not_one_is_one_sentence_and_the_rest_of_the_edit_renders() {
    let dir = temp();
    let model = dir.path().join("ggml-base.bin");
    std::fs::write(&model, "<html>not found</html>").unwrap_or_else(|e| panic!("{e}"));
    let world = World::with_speech_model(Some(model));
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("cut the pauses, add background music, and generate captions");
    let why = answer.split("There are no captions: ").nth(1).unwrap_or_else(|| panic!("{answer}"));
    assert!(why.contains("ggml-base.bin is not a whisper.cpp ggml model"), "{answer}");
    assert_eq!(why.trim_end().matches(". ").count(), 1, "the reason, then where else captions come from: {why}");
    check_mp4(&world.export(dir.path()), 4.2, 0.1, true);
}

#[test]
fn export_1080p_on_a_720p_clip_renders_1920_by_1080() {
    let world = World::new();
    let dir = temp();
    world.upload(&plain_clip(dir.path(), "hd.mp4", 2, "1280x720")).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("export 1080p MP4");
    assert_eq!(answer, "The video will render at 1920×1080 (1080p).");
    let out = world.export(dir.path());
    check_mp4(&out, 2.0, FRAME_S, true);
    assert_eq!(picture(&out), (1920, 1080));
}

#[test]
fn instagram_reels_cut_to_30_seconds_add_trending_music_and_captions_format_for_reels() {
    for size in ["320x180", "180x320"] {
        let world = World::new();
        let dir = temp();
        world.upload(&plain_clip(dir.path(), "long.mp4", 60, size)).unwrap_or_else(|e| panic!("{e}"));
        let answer = world.say("cut to 30 seconds, add trending music and captions, format for Reels");
        assert!(!answer.contains("did not understand"), "{size}: {answer}");
        assert!(answer.contains("vertical (9:16, 1080×1920)"), "{size}: {answer}");
        let out = world.export(dir.path());
        check_mp4(&out, 30.0, FRAME_S, true);
        assert_eq!(picture(&out), (1080, 1920), "{size}");
        if size == "320x180" {
            // Over a blurred copy: the rows above and below the picture are not black bars.
            let frame = frame_at(&out, 5.0);
            let top_row_light = frame[..1080 * 3 * 100].iter().map(|v| u64::from(*v)).sum::<u64>() / (1080 * 3 * 100);
            assert!(top_row_light > 20, "the top of the frame is the blurred picture, not black ({top_row_light})");
        }
    }
}

/// The RMS level (dBFS) of a file's sound from `from` to `to` seconds above `highpass` Hz.
fn level_above(path: &std::path::Path, from: f64, to: f64, highpass: u32) -> f64 {
    let output = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args([
            "-af",
            &format!("atrim={from}:{to},highpass=f={highpass},highpass=f={highpass},astats=metadata=0"),
            "-f",
            "null",
            "-",
        ])
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg: {e}"));
    let log = String::from_utf8_lossy(&output.stderr);
    let overall = log.split("Overall").nth(1).unwrap_or_else(|| panic!("no astats: {log}"));
    let line = overall.lines().find(|l| l.contains("RMS level dB")).unwrap_or_else(|| panic!("no RMS: {log}"));
    let value = line.rsplit(':').next().unwrap_or_default().trim();
    if value.contains("inf") { -200.0 } else { value.parse().unwrap_or_else(|e| panic!("{value}: {e}")) }
}

#[test]
fn video_editing_ai_trim_the_pauses_add_transitions_sync_background_music() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("trim the pauses, add transitions, sync background music");
    assert!(!answer.contains("did not understand"), "{answer}");
    assert!(answer.contains("Added 2 transitions") && answer.contains("Added background music"), "{answer}");
    check_mp4(&world.export(dir.path()), 4.2, 0.1, true);
}

#[test]
fn library_music_has_rhythm_and_harmony_and_ducks_under_speech() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.say("add upbeat music at 80%"), "Added background music (Upbeat, 80%).");
    let out = world.export(dir.path());
    // The sample speaks (a 220 Hz tone) at 0-1.5 s and is silent at 1.5-2.5 s; above 1 kHz
    // only the music (its hi-hats) is heard.
    let (speaking, pause) = (level_above(&out, 0.4, 1.3, 1000), level_above(&out, 1.7, 2.4, 1000));
    assert!(pause > -60.0, "the music is heard outside the voice's band: {pause:.1} dB");
    assert!(speaking < pause - 3.0, "quieter under speech ({speaking:.1} dB) than between phrases ({pause:.1} dB)");
}

/// A title's text: the middle third.
fn white_in_middle(path: &std::path::Path, seconds: f64, width: usize) -> usize {
    white_pixels(path, seconds, width, (1.0 / 3.0, 2.0 / 3.0))
}

#[test]
fn a_video_from_photos_shows_every_photo_with_the_title() {
    let world = World::new();
    let dir = temp();
    let colours = ["red", "green", "blue", "yellow"];
    for colour in colours {
        let photo = dir.path().join(format!("{colour}.png")).to_string_lossy().into_owned();
        ffmpeg(&["-f", "lavfi", "-i", &format!("color=c={colour}:s=800x600"), "-frames:v", "1", &photo]);
        world.upload(&photo).unwrap_or_else(|e| panic!("{e}"));
    }
    let answer = world.say("make a 12 second video from these photos with the title 'Our Trip'");
    assert_eq!(
        answer,
        "Made a 12 second video of the 4 photos (3 s each, with a gentle zoom and dissolves). Added the title \"Our Trip\" (0-3 s)."
    );
    let out = world.export(dir.path());
    check_mp4(&out, 12.0, 0.1, false);
    assert_eq!(picture(&out), (1920, 1080), "a photo's canvas is the usual one of its shape");
    let expected: [[f64; 3]; 4] = [[255.0, 0.0, 0.0], [0.0, 128.0, 0.0], [0.0, 0.0, 255.0], [255.0, 255.0, 0.0]];
    for (n, colour) in expected.iter().enumerate() {
        let shown = mean_rgb(&frame_at(&out, 1.5 + 3.0 * n as f64));
        let far = shown.iter().zip(colour).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(far < 40.0, "photo {n} is on screen: {shown:?} vs {colour:?}");
    }
    assert!(white_in_middle(&out, 1.0, 1920) > 500, "the title is drawn");
    assert_eq!(white_in_middle(&out, 7.5, 1920), 0, "and gone after 3 s");
}

#[test]
fn with_no_media_a_title_card_is_the_video() {
    let world = World::new();
    let dir = temp();
    assert_eq!(
        world.say("make a 5 second intro that says 'Welcome'"),
        "Added a 5 second title card \"Welcome\" at the start."
    );
    let out = world.export(dir.path());
    check_mp4(&out, 5.0, 0.1, false);
    assert!(white_in_middle(&out, 2.0, 1920) > 500, "the words are drawn");
}
