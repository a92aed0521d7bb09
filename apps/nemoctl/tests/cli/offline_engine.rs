//! `--offline` edits for real with ffmpeg: the README's command gives a playable MP4, checked
//! with ffprobe; a missing ffmpeg is a clear error with its own exit code.

use std::process::Command;

use serde_json::Value;

use crate::support::{Harness, OutputChecked};

/// ffprobe's view of a file (ffprobe is required, like ffmpeg for the offline engine).
pub fn ffprobe(path: &std::path::Path) -> Value {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-show_format", "-show_streams"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("these tests need ffprobe (`sudo apt-get install ffmpeg`): {e}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_readme_offline_edit_writes_a_playable_mp4_without_the_pauses() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "edit", &clip, "-p", "remove the pauses, add a title 'Hello'", "-o", "out.mp4"]);
    out.check_exit(0);
    assert!(out.stdout.contains("Removed 2 pauses (1.8 s)"), "{}", out.stdout);
    let probe = ffprobe(&h.path("out.mp4"));
    let codecs: Vec<&str> =
        probe["streams"].as_array().unwrap().iter().filter_map(|s| s["codec_name"].as_str()).collect();
    assert_eq!(codecs, ["h264", "aac"]);
    let duration: f64 = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
    // 6 s less two 1 s pauses, 50 ms of sound kept on each side of each cut: 4.2 s.
    assert!((duration - 4.2).abs() <= 0.1, "{duration} s");
    assert!(!h.path("out.mp4.part").exists());
}

#[test]
fn a_missing_ffmpeg_says_how_to_install_it() {
    let h = Harness::new();
    let out = h.cmd(&["--offline", "credits"]).env("NEMO_FFMPEG", h.path("no-ffmpeg")).output_checked();
    out.check_exit(10);
    assert!(
        out.stderr.contains("NEMO_FFMPEG is set to") && out.stderr.contains("apt-get install ffmpeg"),
        "{}",
        out.stderr
    );
}

/// The video stream's width and height.
fn picture(path: &std::path::Path) -> (Option<u64>, Option<u64>) {
    let probe = ffprobe(path);
    let video = probe["streams"].as_array().unwrap().iter().find(|s| s["codec_type"] == "video").cloned().unwrap();
    (video["width"].as_u64(), video["height"].as_u64())
}

#[test]
fn export_resolution_sets_the_renders_size_offline_and_is_refused_for_the_cloud() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    h.run(&["--offline", "new", "sizes"]).check_exit(0);
    h.run(&["--offline", "upload", &clip]).check_exit(0);
    let named = h.run(&["--offline", "export", "--resolution", "720p", "-o", "hd.mp4"]);
    named.check_exit(0);
    assert!(named.stdout.contains("The video will render at 1280×720 (720p)."), "{}", named.stdout);
    assert_eq!(picture(&h.path("hd.mp4")), (Some(1280), Some(720)));
    h.run(&["--offline", "export", "--resolution", "480X480", "-o", "square.mp4"]).check_exit(0);
    assert_eq!(picture(&h.path("square.mp4")), (Some(480), Some(480)));
    let bad = h.run(&["--offline", "export", "--resolution", "1080", "-o", "x.mp4"]);
    bad.check_exit(2);
    assert!(bad.stderr.contains("WIDTHxHEIGHT such as 1280x720"), "{}", bad.stderr);
    let cloud = h.run(&["export", "--resolution", "1080p", "-o", "c.mp4"]);
    cloud.check_exit(2);
    assert!(cloud.stderr.contains("--resolution works offline only"), "{}", cloud.stderr);
    assert!(!h.path("x.mp4").exists() && !h.path("c.mp4").exists());
}

#[test]
fn several_instructions_apply_and_the_changes_name_them() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let prompt = "trim to 1 second and make it vertical";
    let done = h.run(&["--offline", "--json", "edit", &clip, "-p", prompt, "-o", "v.mp4"]).done();
    let changes: Vec<&str> = done["changes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(changes, ["Canvas 16:9 → 9:16", "Video trimmed 0:06 → 0:01"]);
    assert_eq!(picture(&h.path("v.mp4")), (Some(1080), Some(1920)));
}

#[test]
fn the_editors_answer_streams_as_one_paragraph_not_a_line_per_chunk() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "edit", &clip, "-p", "remove the pauses, add a title 'Hello'", "-o", "out.mp4"]);
    out.check_exit(0);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Removed 2 pauses (1.8 s); the video is now 4.2 seconds long.")
            && first.contains(r#"Added the title "Hello""#),
        "{}",
        out.stdout
    );
    assert!(out.stdout.lines().nth(1).is_some_and(|l| l.starts_with("out.mp4 (")), "{}", out.stdout);
}

#[test]
fn an_instruction_that_changes_nothing_exports_nothing() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "edit", &clip, "-p", "make it sparkle", "-o", "same.mp4"]);
    out.check_exit(6);
    assert!(
        out.stdout.contains("I can ") && out.stdout.contains("add a title"),
        "the editor's answer is shown: {}",
        out.stdout
    );
    assert!(out.stderr.contains("changed nothing"), "{}", out.stderr);
    assert!(!h.path("same.mp4").exists() && !h.path("same.mp4.part").exists());
}

#[test]
fn a_corrupt_input_video_is_refused_with_exit_6_and_no_output() {
    let h = Harness::new();
    let broken = h.write("broken.mp4", &[7u8; 4096]);
    let out = h.run(&["--offline", "edit", &broken, "-p", "add a title 'Hello'", "-o", "out.mp4"]);
    out.check_exit(6);
    assert!(out.stderr.contains("broken.mp4") && out.stderr.contains("not a readable"), "{}", out.stderr);
    assert!(!h.path("out.mp4").exists());
    assert!(!h.path("out.mp4.part").exists());
}

/// The ids of running processes whose command line holds `part`.
fn processes_with(part: &str) -> Vec<u32> {
    let me = std::process::id();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| entry.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains(part)
        })
        .collect()
}

/// Waits up to `limit` for `ready`.
fn wait_until(what: &str, limit: std::time::Duration, ready: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !ready() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn ffmpeg_dies_with_a_killed_edit_and_the_next_start_removes_what_it_left() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    // 24 s of 1080×1920: seconds of ffmpeg, long enough to be killed in.
    let mut edit = h
        .cmd(&["--offline", "edit", &clip, "-p", "make it vertical, slow down to 0.25x", "-o", "slow.mp4"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let work = format!("nemo-engine-{}-", edit.id());
    wait_until("the render to start", std::time::Duration::from_secs(60), || !processes_with(&work).is_empty());
    edit.kill().unwrap();
    edit.wait().unwrap();
    wait_until("ffmpeg to die with its parent", std::time::Duration::from_secs(10), || {
        processes_with(&work).is_empty()
    });
    assert!(!h.path("slow.mp4").exists(), "no file under the output's name");
    let left = || {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(&work))
    };
    assert!(left(), "the killed edit left its work folder (it could not clean up)");
    h.run(&["--offline", "projects"]).check_exit(0);
    assert!(!left(), "the next start removed it");
}

#[test]
fn verbose_says_whether_the_render_copied_the_source_or_encoded_it_all_and_why() {
    let h = Harness::new();
    // The sample is one GOP: nothing whole lies between its pauses.
    let sample = h.media("clip.mp4");
    let out = h.run(&["--offline", "-v", "edit", &sample, "-p", "remove the pauses", "-o", "full.mp4"]);
    out.check_exit(0);
    assert!(out.stderr.contains("full render: no whole GOP lies inside a kept stretch"), "{}", out.stderr);
    // A clip with a keyframe every second is mostly copied.
    let gops = h.path("gops.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=6"])
        .args(["-f", "lavfi", "-i", "aevalsrc='if(between(t\\,2\\,3)\\,0\\,0.3*sin(2*PI*440*t))':s=48000:d=6"])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .arg(&gops)
        .status()
        .unwrap_or_else(|e| panic!("ffmpeg is required: {e}"));
    assert!(status.success());
    let gops = gops.to_string_lossy().into_owned();
    let out = h.run(&["--offline", "-v", "edit", &gops, "-p", "remove the pauses", "-o", "smart.mp4"]);
    out.check_exit(0);
    assert!(out.stderr.contains("smart render: ") && out.stderr.contains(" frames copied"), "{}", out.stderr);
    let duration: f64 = ffprobe(&h.path("smart.mp4"))["format"]["duration"].as_str().unwrap().parse().unwrap();
    assert!((duration - 5.1).abs() <= 0.1, "{duration} s");
}

#[test]
fn an_offline_edit_takes_a_subtitle_file_for_add_captions_and_the_cloud_refuses_it() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let srt = h.write(
        "talk.srt",
        b"1\n00:00:00,200 --> 00:00:01,400\nHello there\n\n2\n00:00:03,000 --> 00:00:03,800\nafter\n",
    );
    let out = h.run(&["--offline", "edit", &clip, &srt, "-p", "remove the pauses, add captions", "-o", "c.mp4"]);
    out.check_exit(0);
    assert!(out.stdout.contains("Added 2 captions from talk.srt."), "{}", out.stdout);
    // The second cue, after the first 1 s pause (0.9 s of it cut), moved earlier.
    let sidecar = std::fs::read_to_string(h.path("c.srt")).unwrap();
    assert!(sidecar.contains("00:00:02,066 --> 00:00:02,866\nafter"), "{sidecar}");
    let cloud = h.run(&["edit", &clip, &srt, "-p", "add captions", "-o", "d.mp4"]);
    cloud.check_exit(6);
    assert!(cloud.stderr.contains("talk.srt: .srt files are not supported"), "{}", cloud.stderr);
    let empty = h.write("empty.vtt", b"WEBVTT\n\nno cue here\n");
    let refused = h.run(&["--offline", "upload", &empty]);
    refused.check_exit(6);
    assert!(refused.stderr.contains("empty.vtt has no cues I can read"), "{}", refused.stderr);
}

#[test]
fn a_file_over_the_clouds_500_mb_is_edited_offline_and_refused_for_the_cloud() {
    let h = Harness::new();
    // The sample followed by a 600 MB `free` box: a valid MP4 (players skip the box), made
    // sparse so it costs no disk.
    let big = h.path("long-recording.mp4");
    std::fs::copy(h.media("clip.mp4"), &big).unwrap();
    let mut file = std::fs::OpenOptions::new().append(true).open(&big).unwrap();
    let padding: u64 = 600 * 1000 * 1000;
    std::io::Write::write_all(&mut file, &[&u32::try_from(padding).unwrap().to_be_bytes()[..], b"free"].concat())
        .unwrap();
    file.set_len(std::fs::metadata(&big).unwrap().len() + padding - 8).unwrap();
    drop(file);
    let big = big.to_string_lossy().into_owned();
    let out = h.run(&["--offline", "edit", &big, "-p", "mute it", "-o", "muted.mp4"]);
    out.check_exit(0);
    let probe = ffprobe(&h.path("muted.mp4"));
    assert_eq!(probe["streams"].as_array().map(Vec::len), Some(1), "the picture alone: {probe}");
    let refused = h.run(&["upload", &big]);
    refused.check_exit(6);
    assert!(refused.stderr.contains("over the 500 MB limit"), "{}", refused.stderr);
}

#[test]
fn sigterm_during_an_offline_render_stops_it_and_leaves_no_work_folder() {
    let h = Harness::new();
    let clip = h.path("long.mp4").to_string_lossy().into_owned();
    let made = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .args(["testsrc2=size=1280x720:rate=30:duration=30", "-c:v", "libx264", "-preset", "ultrafast", &clip])
        .status()
        .unwrap();
    assert!(made.success());
    let temp = h.path("tmp");
    std::fs::create_dir_all(&temp).unwrap();
    let mut child = h
        .cmd(&["--offline", "edit", &clip, "-p", "make it vertical", "-o", "vertical.mp4"])
        .env("TMPDIR", &temp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the render to be under way: its scratch or part file in the engine's folder.
    let rendering = || {
        std::fs::read_dir(&temp).into_iter().flatten().flatten().any(|folder| {
            std::fs::read_dir(folder.path()).into_iter().flatten().flatten().any(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.ends_with(".part") || name.ends_with(".d")
            })
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !rendering() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(rendering(), "the render never started");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "interrupted");
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().flatten().map(|entry| entry.file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(!h.path("vertical.mp4").exists());
}

#[test]
fn a_file_named_in_the_instruction_is_the_projects_upload_of_that_name_wherever_it_lies() {
    let h = Harness::new();
    let media = h.path("media");
    std::fs::create_dir_all(&media).unwrap();
    let clip = media.join("talk.mp4");
    std::fs::copy(h.media("clip.mp4"), &clip).unwrap();
    let song = media.join("song.wav");
    let made = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=880:duration=8"])
        .arg(&song)
        .status()
        .unwrap();
    assert!(made.success());
    let subtitles = media.join("talk.srt");
    std::fs::write(&subtitles, "1\n00:00:00,500 --> 00:00:02,000\nHello\n").unwrap();
    let [clip, song, subtitles] = [clip, song, subtitles].map(|path| path.to_string_lossy().into_owned());
    // Run from the working directory: neither name is there, both were uploaded with the edit.
    let prompt = "add background music song.wav and add captions from talk.srt";
    let out = h.run(&["--offline", "edit", &clip, &song, &subtitles, "-p", prompt, "-o", "out.mp4"]);
    out.check_exit(0);
    assert!(out.stdout.contains("Added background music (song, "), "{}", out.stdout);
    assert!(out.stdout.contains("Added 1 caption from talk.srt"), "{}", out.stdout);
    assert!(h.path("out.srt").exists(), "the captions' sidecar");
}
