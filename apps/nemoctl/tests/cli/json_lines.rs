//! `--json` as a script reads it: wrong usage is one error object too (exit 2), every final
//! object names its command, and an upload's progress comes at most about ten times a second.

use std::time::Instant;

use crate::support::Harness;

#[test]
fn a_usage_error_under_json_is_one_error_object_on_stdout_with_exit_2() {
    let h = Harness::new();
    for (args, command) in [
        (&["--json", "export", "--render-timeout", "soon"][..], Some("export")),
        (&["--json", "edit", "clip.mp4"][..], Some("edit")),
        (&["--json", "exprot"][..], None),
    ] {
        let out = h.run(args);
        out.check_exit(2);
        let lines = out.json_lines();
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stdout);
        let error = &lines[0];
        assert_eq!((error["event"].as_str(), error["code"].as_u64()), (Some("error"), Some(2)), "{error}");
        assert_eq!(error["command"].as_str(), command, "{error}");
        assert!(!error["message"].as_str().unwrap().is_empty() && !error["hint"].as_str().unwrap().is_empty());
        assert!(out.stderr.starts_with("error: "), "clap's own words stay on stderr: {}", out.stderr);
    }
    let help = h.run(&["--json", "export", "--help"]);
    help.check_exit(0);
    assert!(help.stdout.contains("Usage: nemoctl export"), "help is not an error: {}", help.stdout);
}

#[test]
fn every_final_object_names_its_command() {
    let h = Harness::new();
    for (args, command) in [
        (&["--offline", "--json", "credits"][..], "credits"),
        (&["--offline", "--json", "new", "trip"], "new"),
        (&["--json", "skills"], "skills"),
        (&["--json", "config", "get", "lang"], "config"),
    ] {
        let done = h.run(args).done();
        assert_eq!(done["command"], command, "{done}");
    }
    let failed = h.run(&["--offline", "--json", "upload", "notes.txt"]);
    failed.check_exit(6);
    assert_eq!(failed.json_lines().last().unwrap()["command"], "upload", "{}", failed.stdout);
}

#[test]
fn upload_progress_in_json_comes_at_most_about_ten_times_a_second() {
    let h = Harness::cloud();
    // Big enough for dozens of chunks, sent in well under a second on loopback.
    let big = h.write("big.mp4", &vec![0; 40 << 20]);
    let started = Instant::now();
    let out = h.run(&["--json", "upload", &big]);
    let elapsed = started.elapsed().as_secs_f64();
    out.done();
    let uploads: Vec<_> = out.json_lines().into_iter().filter(|l| l["kind"] == "upload").collect();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let allowed = (elapsed * 10.0).ceil() as usize + 2;
    assert!(uploads.len() <= allowed, "{} upload events in {elapsed:.2} s", uploads.len());
    let (first, last) = (uploads.first().unwrap(), uploads.last().unwrap());
    assert_eq!((first["sent"].as_u64(), last["sent"].as_u64()), (Some(0), Some(40 << 20)), "first and last kept");
}
