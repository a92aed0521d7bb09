//! Local trouble, through the real binary: state files it cannot use at start-up (corrupt:
//! moved aside and named; from a newer nemoctl: left untouched, with what to do) and a disk
//! that fills up during a download (a clear local error, no file under the final name).

use std::fs;
use std::path::{Path, PathBuf};

use nemo_fake::Endpoint;

use crate::support::{Harness, OutputChecked};

fn corrupt_copies(dir: &Path, name: &str) -> Vec<PathBuf> {
    let prefix = format!("{name}.corrupt-");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
        .collect()
}

fn write_state(h: &Harness, name: &str, text: &str) -> PathBuf {
    fs::create_dir_all(h.state_dir()).unwrap();
    let path = h.state_dir().join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_corrupt_projects_file_at_start_up_is_moved_aside_and_named_then_the_next_run_starts_afresh() {
    let h = Harness::cloud();
    write_state(&h, "projects.json", "{\"schema\":1,\"projects\":[{\"na");

    let out = h.run(&["projects"]);
    out.check_exit(1);
    assert!(out.stderr.contains("projects.json could not be read"), "{}", out.stderr);
    assert!(out.stderr.contains("moved aside to") && out.stderr.contains("start empty next time"), "{}", out.stderr);
    let aside = corrupt_copies(&h.state_dir(), "projects.json");
    assert_eq!(aside.len(), 1);
    assert_eq!(fs::read_to_string(&aside[0]).unwrap(), "{\"schema\":1,\"projects\":[{\"na", "kept as it was");
    assert!(out.stderr.contains(&*aside[0].to_string_lossy()), "the copy is named: {}", out.stderr);

    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["projects"]).check_exit(0);
    assert_eq!(corrupt_copies(&h.state_dir(), "projects.json").len(), 1, "never overwritten");
}

#[test]
fn a_corrupt_jobs_file_at_start_up_is_moved_aside_and_named() {
    let h = Harness::cloud();
    write_state(&h, "jobs.json", "\u{0}\u{0}\u{0}");
    let out = h.run(&["jobs"]);
    out.check_exit(1);
    assert!(out.stderr.contains("jobs.json could not be read") && out.stderr.contains("moved aside"), "{}", out.stderr);
    assert_eq!(corrupt_copies(&h.state_dir(), "jobs.json").len(), 1);
    h.run(&["jobs"]).check_exit(0);
}

#[test]
fn a_state_file_from_a_newer_nemoctl_is_left_untouched_and_every_run_says_upgrade() {
    let h = Harness::cloud();
    let future = r#"{"schema":2,"projects":{"a shape":"this version does not know"}}"#;
    let path = write_state(&h, "projects.json", future);

    for args in [&["projects"][..], &["new", "trip"], &["--json", "tracks"]] {
        let out = h.run(args);
        out.check_exit(1);
        let said = format!("{}{}", out.stdout, out.stderr);
        assert!(said.contains("newer nemoctl") && said.contains("upgrade nemoctl"), "{args:?}: {said}");
        assert_eq!(fs::read_to_string(&path).unwrap(), future, "{args:?}: never overwritten");
        assert!(corrupt_copies(&h.state_dir(), "projects.json").is_empty(), "{args:?}: not moved aside either");
    }
    assert!(h.fake().calls_to(Endpoint::CreateSession).is_empty(), "no session made that could not be kept");
}

#[test]
fn a_full_disk_during_the_download_is_a_local_error_with_no_final_file() {
    let h = Harness::cloud();
    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    h.run(&["chat", "add music"]).check_exit(0);

    // Files may grow to 3,000 bytes (the fake's renders are 4,096): the download hits the
    // limit like a full disk (EFBIG instead of ENOSPC; SIGXFSZ ignored so the write fails).
    let limit = ["sh", "-c", "trap '' XFSZ; exec prlimit --fsize=3000 -- \"$@\"", "sh"];
    let out = h.cmd_under(&limit, &["export", "-o", "trip.mp4"]).output_checked();

    out.check_exit(1);
    assert!(out.stderr.contains("trip.mp4"), "the error names the file: {}", out.stderr);
    assert!(out.stderr.to_lowercase().contains("too large"), "the error says why: {}", out.stderr);
    assert!(out.stderr.contains("free some disk space"), "and what to do: {}", out.stderr);
    assert!(!out.stderr.contains("download route"), "no fallback that would fail the same way: {}", out.stderr);
    assert!(h.fake().calls_to(Endpoint::DownloadRender).is_empty());
    assert!(!h.path("trip.mp4").exists(), "no file under the final name");
    let part = h.path("trip.mp4.part");
    assert!(part.exists(), "the part is kept for the next attempt");
    assert!(fs::metadata(&part).unwrap().len() <= 3000);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1);

    // With room again, the next export finishes the file.
    h.run(&["export", "-o", "trip.mp4"]).check_exit(0);
    assert_eq!(fs::metadata(h.path("trip.mp4")).unwrap().len(), 4096);
    assert!(!part.exists());
}
