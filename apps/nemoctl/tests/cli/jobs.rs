//! Jobs and their outputs (issue 15, items 3 and 9): a second export to an output another is
//! writing is refused (exit 6) and never reports bytes the file does not hold; a batch naming
//! one output twice is refused before anything is sent; after exit 8 or a kill, `jobs` shows
//! the render as the service has it and `export` takes it up instead of paying for another.

use std::process::Stdio;
use std::time::{Duration, Instant};

use nemo_fake::{Endpoint, FakeConfig};

use crate::exit_codes::ready_to_export;
use crate::support::{Harness, Output};

/// Waits until `path` exists (another process made it).
fn wait_for_file(path: &std::path::Path) {
    let started = Instant::now();
    while !path.exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn jobs_a_second_export_to_an_output_being_written_is_refused_with_exit_6() {
    let h = Harness::cloud_with(FakeConfig { render_duration: Duration::from_secs(3), ..FakeConfig::default() });
    ready_to_export(&h);
    let first = h.cmd(&["--json", "export", "-o", "same.mp4"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let first = first.unwrap();
    wait_for_file(&h.path("same.mp4.part.lock"));

    let second = h.run(&["--json", "export", "-o", "./same.mp4"]);

    second.check_exit(6);
    let error = second.json_lines().pop().unwrap();
    assert!(error["message"].as_str().unwrap().contains("another export is writing this file now"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("another file"), "{error}");
    let first = Output::from(first.wait_with_output().unwrap());
    let done = first.done();
    let bytes = std::fs::metadata(h.path("same.mp4")).unwrap().len();
    assert_eq!(done["bytes"].as_u64(), Some(bytes), "the bytes reported are the file's");
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1, "the refused export rendered nothing");
    assert!(!h.path("same.mp4.part.lock").exists(), "the claim ends with its export");
}

#[test]
fn jobs_a_batch_writing_one_output_twice_is_refused_before_anything_is_sent() {
    let h = Harness::cloud();
    let clip = h.media("clip.mp4");
    let spec = format!(
        "[[edit]]\nfiles = [{clip:?}]\nprompt = \"add music\"\noutput = \"a.mp4\"\n\n\
         [[edit]]\nfiles = [{clip:?}]\nprompt = \"add music\"\noutput = \"b.mp4\"\n\n\
         [[edit]]\nfiles = [{clip:?}]\nprompt = \"add a title 'Hi'\"\noutput = \"./a.mp4\"\n"
    );
    let spec = h.write("spec.toml", spec.as_bytes());

    let out = h.run(&["batch", &spec]);

    out.check_exit(6);
    assert!(out.stderr.contains("entries 1 and 3 both write"), "{}", out.stderr);
    assert!(h.fake().calls().is_empty(), "nothing was sent");
}

#[test]
fn jobs_after_exit_8_shows_the_render_as_it_stands_and_export_takes_it_up() {
    let h = Harness::cloud_with(FakeConfig { render_duration: Duration::from_secs(3), ..FakeConfig::default() });
    ready_to_export(&h);
    let out = h.run(&["export", "--render-timeout", "1", "-o", "first.mp4"]);
    out.check_exit(8);
    assert!(out.stderr.contains("`nemoctl export` picks it up"), "{}", out.stderr);
    std::thread::sleep(Duration::from_secs(3));

    let jobs = h.run(&["jobs"]);

    jobs.check_exit(0);
    assert!(jobs.stdout.contains("rendered, not downloaded"), "refreshed from the service: {}", jobs.stdout);
    let out = h.run(&["--json", "export", "-o", "again.mp4"]);
    let done = out.done();
    assert!(out.stdout.contains("Resuming render"), "a notice line: {}", out.stdout);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1, "the render was paid for once");
    assert_eq!(done["bytes"].as_u64(), Some(std::fs::metadata(h.path("again.mp4")).unwrap().len()));
    let jobs = h.run(&["jobs"]);
    assert!(jobs.stdout.contains("done (4.1 KB)") && jobs.stdout.contains("again.mp4"), "{}", jobs.stdout);
}

#[test]
fn jobs_after_a_killed_export_takes_up_its_render() {
    let h = Harness::cloud_with(FakeConfig { render_duration: Duration::from_secs(3), ..FakeConfig::default() });
    ready_to_export(&h);
    let mut first = h.cmd(&["export", "-o", "killed.mp4"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while h.fake().calls_to(Endpoint::RenderStatus).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "the export never polled");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap();
    first.wait().unwrap();

    let jobs = h.run(&["jobs"]);
    jobs.check_exit(0);
    assert!(jobs.stdout.contains("rendering") && jobs.stdout.contains("killed.mp4"), "{}", jobs.stdout);
    let out = h.run(&["export", "-o", "killed.mp4"]);
    out.check_exit(0);
    assert!(out.stderr.contains("Resuming render"), "{}", out.stderr);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1);
}

#[test]
fn jobs_an_offline_export_killed_mid_render_is_taken_up_by_the_next_export() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    h.run(&["--offline", "new", "slow"]).check_exit(0);
    h.run(&["--offline", "upload", &clip]).check_exit(0);
    h.run(&["--offline", "chat", "slow down to 0.5x"]).check_exit(0);
    let mut first = h.cmd(&["--offline", "export", "-o", "slow.mp4"]);
    let mut first = first.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let jobs_file = h.state_dir().join("offline").join("jobs.json");
    let started = Instant::now();
    while !std::fs::read_to_string(&jobs_file).is_ok_and(|jobs| jobs.contains("\"rendering\"")) {
        assert!(started.elapsed() < Duration::from_secs(60), "the render never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap();
    first.wait().unwrap();

    let jobs = h.run(&["--offline", "jobs"]);
    jobs.check_exit(0);
    assert!(jobs.stderr.contains("renders the same draft again"), "what is true offline: {}", jobs.stderr);
    let out = h.run(&["--offline", "export", "-o", "slow.mp4"]);

    out.check_exit(0);
    assert!(out.stderr.contains("Resuming render"), "{}", out.stderr);
    assert!(std::fs::metadata(h.path("slow.mp4")).unwrap().len() > 0);
    assert!(h.run(&["--offline", "jobs"]).stdout.contains("done"), "the one job ended");
}
