//! Offline projects last between commands: the seeds' iterative workflow, one process per
//! step, with no network — a new project, an upload, edits, the timeline, an export checked
//! with ffprobe, a second clip joined with a fade, undo — and they are kept apart from the
//! cloud's projects.

use crate::offline_engine::ffprobe;
use crate::support::Harness;

/// The length of a file, seconds.
fn seconds(h: &Harness, name: &str) -> f64 {
    ffprobe(&h.path(name))["format"]["duration"].as_str().unwrap().parse().unwrap()
}

#[test]
fn the_iterative_workflow_works_across_commands() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "new", "trip"]);
    out.check_exit(0);
    assert!(out.stdout.starts_with("Created project \"trip\"") && !out.stdout.contains("http"), "{}", out.stdout);
    h.run(&["--offline", "upload", &clip]).check_exit(0);
    let out = h.run(&["--offline", "chat", "remove the pauses"]);
    out.check_exit(0);
    assert!(out.stdout.starts_with("Removed 2 pauses (1.8 s); the video is now 4.2 seconds long."), "{}", out.stdout);
    h.run(&["--offline", "tracks"]).check_stdout("Timeline (1 track): 1. Video: clip (0-4.2s)");
    h.run(&["--offline", "chat", "add a title 'Hi'"]).check_exit(0);
    h.run(&["--offline", "tracks"])
        .check_stdout("Timeline (2 tracks): 1. Video: clip (0-4.2s) 2. Title: \"Hi\" (0-3s)");
    h.run(&["--offline", "export", "-o", "trip.mp4"]).check_exit(0);
    let probe = ffprobe(&h.path("trip.mp4"));
    let codecs: Vec<&str> =
        probe["streams"].as_array().unwrap().iter().filter_map(|s| s["codec_name"].as_str()).collect();
    assert_eq!(codecs, ["h264", "aac"]);
    assert!((seconds(&h, "trip.mp4") - 4.2).abs() <= 0.1);

    let jobs = h.run(&["--offline", "jobs"]);
    jobs.check_exit(0);
    assert!(
        jobs.stdout.lines().any(|l| l.contains("trip") && l.contains("done") && l.contains("trip.mp4")),
        "{}",
        jobs.stdout
    );
    h.run(&["--offline", "new", "other"]).check_exit(0);
    let projects = h.run(&["--offline", "projects"]);
    assert!(projects.stdout.lines().any(|l| l.starts_with("* other")), "{}", projects.stdout);
    h.run(&["--offline", "use", "trip"]).check_exit(0);

    let second = h.write("second.mp4", &std::fs::read(crate::support::sample()).unwrap());
    h.run(&["--offline", "upload", &second]).check_exit(0);
    let joined = h.run(&["--offline", "chat", "join the clips with a fade"]);
    assert!(joined.stdout.starts_with("Joined the 2 clips with a fade."), "{}", joined.stdout);
    h.run(&["--offline", "export", "-o", "both.mp4"]).check_exit(0);
    assert!((seconds(&h, "both.mp4") - 10.2).abs() <= 0.1, "both clips: {} s", seconds(&h, "both.mp4"));
    h.run(&["--offline", "chat", "undo"]).check_exit(0);
    let tracks = h.run(&["--offline", "tracks"]);
    assert!(tracks.stdout.starts_with("Timeline (2 tracks): 1. Video: clip, second (0-10.2s)"), "{}", tracks.stdout);
    h.run(&["--offline", "chat", "撤销"]).check_exit(0);
    h.run(&["--offline", "tracks"])
        .check_stdout("Timeline (2 tracks): 1. Video: clip (0-4.2s) 2. Title: \"Hi\" (0-3s)");
}

#[test]
fn offline_and_cloud_projects_are_kept_apart() {
    let h = Harness::cloud();
    h.run(&["--offline", "new", "local-one"]).check_exit(0);
    h.run(&["new", "cloud-one"]).check_exit(0);
    let cloud = h.run(&["projects"]);
    assert!(cloud.stdout.contains("cloud-one") && !cloud.stdout.contains("local-one"), "{}", cloud.stdout);
    let offline = h.run(&["--offline", "projects"]);
    assert!(offline.stdout.contains("local-one") && !offline.stdout.contains("cloud-one"), "{}", offline.stdout);
}

#[test]
fn a_changed_upload_is_named_instead_of_edited() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    h.run(&["--offline", "new", "trip"]).check_exit(0);
    h.run(&["--offline", "upload", &clip]).check_exit(0);
    std::fs::write(&clip, b"not the same video any more").unwrap();
    let out = h.run(&["--offline", "export", "-o", "x.mp4"]);
    out.check_exit(6);
    assert!(
        out.stderr.contains("clip.mp4 (") && out.stderr.contains("changed since it was uploaded"),
        "{}",
        out.stderr
    );
    assert!(!h.path("x.mp4").exists());
}

#[test]
fn an_edit_with_no_files_makes_a_title_card() {
    let h = Harness::new();
    let out = h.run(&["--offline", "edit", "-p", "make a 3 second intro that says 'Welcome'", "-o", "intro.mp4"]);
    out.check_exit(0);
    assert!(out.stdout.starts_with("Added a 3 second title card \"Welcome\" at the start."), "{}", out.stdout);
    assert!((seconds(&h, "intro.mp4") - 3.0).abs() <= 0.1);
}
