//! Every exit code of the product table, each reached by a real scenario against the fake
//! cloud over HTTP, with what the service saw (or did not see) checked too.

use std::fs;
use std::time::Duration;

use nemo_fake::{Endpoint, FakeConfig, Fault};

use crate::cloud::{closed_port_url, quick, refusal};
use crate::support::{Harness, Output, OutputChecked, TOKEN};

/// The error line of a `--json` run, after checking the exit code and that every line parses.
fn json_error(out: &Output, code: i32) -> serde_json::Value {
    out.check_exit(code);
    let error = out.json_lines().pop().expect("an error line");
    assert_eq!((error["event"].as_str(), error["code"].as_i64()), (Some("error"), Some(i64::from(code))), "{error}");
    assert!(!error["hint"].as_str().unwrap().is_empty(), "{error}");
    error
}

/// A project whose draft holds a video and music: ready to export.
pub(crate) fn ready_to_export(h: &Harness) {
    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    h.run(&["chat", "add music"]).check_exit(0);
}

#[test]
fn exit_0_on_success() {
    let h = Harness::cloud();
    h.run(&["credits"]).check_exit(0);
    assert_eq!(h.fake().calls_to(Endpoint::Credits).len(), 1);
}

#[test]
fn exit_1_when_the_session_is_gone_and_the_message_is_not_resent() {
    let h = Harness::cloud();
    let lost = h.run(&["--json", "new", "trip"]).done()["session_id"].as_str().unwrap().to_owned();
    h.fake().inject(Endpoint::SendMessage, refusal(200, Some(1002), "session not found", None));
    let out = h.run(&["chat", "add music"]);
    out.check_exit(1);
    assert!(out.stderr.contains("a new project \"trip\" was created and your message was not sent"), "{}", out.stderr);
    assert_eq!(h.fake().calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
    assert_eq!(h.fake().calls_to(Endpoint::CreateSession).len(), 2, "a new session replaced the lost one");
    // The new session is the current project from now on.
    h.run(&["tracks"]).check_exit(0);
    let read = h.fake().calls_to(Endpoint::State).last().unwrap().session.clone().unwrap();
    assert_ne!(read.as_str(), lost);
}

#[test]
fn exit_1_when_a_read_still_fails_after_the_session_was_replaced() {
    let h = Harness::cloud();
    h.run(&["new", "trip"]).check_exit(0);
    for _ in 0..2 {
        h.fake().inject(Endpoint::State, refusal(200, Some(1002), "session not found", None));
    }
    let error = json_error(&h.run(&["--json", "tracks"]), 1);
    assert!(error["message"].as_str().unwrap().contains("1002"), "{error}");
    assert_eq!(h.fake().calls_to(Endpoint::State).len(), 2, "read, replace the session, read once more");
    assert_eq!(h.fake().calls_to(Endpoint::CreateSession).len(), 2);
}

#[test]
fn exit_2_on_wrong_usage_before_any_request() {
    let h = Harness::cloud();
    h.run(&["upload"]).check_exit(2);
    h.run(&["chat", "--frobnicate", "hi"]).check_exit(2);
    h.run(&["export", "--render-timeout", "0"]).check_exit(2);
    h.run(&["batch"]).check_exit(2);
    assert!(h.fake().calls().is_empty(), "{:?}", h.fake().calls());
}

#[test]
fn exit_3_when_the_service_rejects_nemo_token_and_it_is_not_replaced() {
    let h = Harness::cloud();
    let out = h.cmd(&["--json", "credits"]).env("NEMO_TOKEN", TOKEN).output_checked();
    let error = json_error(&out, 3);
    assert!(error["message"].as_str().unwrap().contains("NEMO_TOKEN"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("unset it"), "{error}");
    assert!(h.fake().calls_to(Endpoint::AnonymousToken).is_empty(), "a user's own token is never replaced");
    assert!(!h.config_dir().join("credentials.json").exists());
    assert!(!out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN));
}

#[test]
fn exit_4_when_the_credits_run_out() {
    let h = Harness::cloud_with(FakeConfig { starting_credits: 10, ..quick() });
    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let error = json_error(&h.run(&["--json", "chat", "add music"]), 4);
    assert!(error["message"].as_str().unwrap().contains("out of credits"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("https://nemovideo.com/register?bind=anon_"), "{error}");
    assert_eq!(h.fake().calls_to(Endpoint::SendMessage).len(), 1);
    h.run(&["tracks"]).check_stdout("Timeline (1 track): 1. Video: clip (0-10s)");
}

#[test]
fn exit_5_when_the_plan_does_not_allow_export() {
    let h = Harness::cloud();
    ready_to_export(&h);
    h.fake().inject(Endpoint::SubmitRender, refusal(402, None, "free plan export blocked", None));
    let out = h.run(&["export", "-o", "out.mp4"]);
    out.check_exit(5);
    assert!(out.stderr.contains("not a credit problem") && out.stderr.contains("upgrade"), "{}", out.stderr);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1, "a 402 is not retried");
    assert!(!h.path("out.mp4").exists());
}

#[test]
fn exit_6_for_refused_files_with_no_request_at_all() {
    let h = Harness::cloud();
    let notes = h.write("notes.txt", b"not a video");
    let huge = h.path("huge.mp4");
    fs::File::create(&huge).unwrap().set_len(501 * 1000 * 1000).unwrap();
    let huge = huge.to_string_lossy().into_owned();
    let missing = h.path("nowhere.mp4").to_string_lossy().into_owned();
    for (file, says) in [(&notes, "not supported"), (&huge, "500 MB"), (&missing, "nowhere.mp4")] {
        for args in [vec!["--json", "upload", file.as_str()], vec!["--json", "edit", file.as_str(), "-p", "trim"]] {
            let error = json_error(&h.run(&args), 6);
            assert!(error["message"].as_str().unwrap().contains(says), "{args:?}: {error}");
        }
    }
    assert!(h.fake().calls().is_empty(), "nothing reached the service: {:?}", h.fake().calls());
    assert!(!h.config_dir().join("credentials.json").exists(), "not even a token was asked for");
}

#[test]
fn exit_6_for_an_output_that_cannot_take_a_video_before_anything_is_sent() {
    let h = Harness::cloud();
    let clip = h.media("clip.mp4");
    let kept = h.write("kept.mp4", b"the user's own file");
    let link = h.path("link.mp4");
    std::os::unix::fs::symlink(&kept, &link).unwrap();
    let folder = h.path("");
    let outputs = [
        (link.to_string_lossy().into_owned(), "symbolic link"),
        (folder.to_string_lossy().into_owned(), "is a directory"),
        ("/dev/full".to_owned(), "not a regular file"),
        (h.path("no/such/folder/out.mp4").to_string_lossy().into_owned(), "cannot be used"),
    ];
    for (output, says) in &outputs {
        let error = json_error(&h.run(&["--json", "edit", &clip, "-p", "trim to 2 seconds", "-o", output]), 6);
        assert!(error["message"].as_str().unwrap().contains(says), "{output}: {error}");
    }
    assert!(h.fake().calls().is_empty(), "nothing reached the service: {:?}", h.fake().calls());
    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["upload", &clip]).check_exit(0);
    let error = json_error(&h.run(&["--json", "export", "-o", "/dev/full"]), 6);
    assert!(error["message"].as_str().unwrap().contains("not a regular file"), "{error}");
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty(), "no render was paid for");
    assert_eq!(fs::read(&kept).unwrap(), b"the user's own file", "the link's target is untouched");
    assert!(std::fs::metadata("/dev/full").map(|m| !m.is_file()).unwrap_or(true), "the device is still a device");
}

#[test]
fn exit_6_for_an_empty_draft_without_a_render_request() {
    let h = Harness::cloud();
    h.run(&["new", "trip"]).check_exit(0);
    let error = json_error(&h.run(&["--json", "export", "-o", "out.mp4"]), 6);
    assert!(error["message"].as_str().unwrap().contains("nothing to export"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("nemoctl upload"), "{error}");
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty());
    assert!(!h.path("out.mp4").exists());
}

#[test]
fn exit_7_when_rate_limited_after_the_one_retry() {
    let h = Harness::cloud();
    h.run(&["login"]).check_exit(0);
    let before = h.fake().calls_to(Endpoint::Credits).len();
    for _ in 0..2 {
        h.fake().inject(Endpoint::Credits, refusal(429, None, "slow down", Some(Duration::from_secs(1))));
    }
    let out = h.run(&["--json", "credits"]);
    let error = json_error(&out, 7);
    assert!(error["message"].as_str().unwrap().contains("rate limiting"), "{error}");
    assert!(out.json_lines().iter().any(|l| l["kind"] == "waiting" && l["seconds"] == 1.0), "{}", out.stdout);
    assert_eq!(h.fake().calls_to(Endpoint::Credits).len() - before, 2, "one retry, no more");
}

#[test]
fn exit_8_when_the_render_outlasts_render_timeout() {
    let h = Harness::cloud();
    ready_to_export(&h);
    h.fake().inject(Endpoint::SubmitRender, Fault::RenderStalls);
    let error = json_error(&h.run(&["--json", "export", "--render-timeout", "3", "-o", "out.mp4"]), 8);
    assert!(error["message"].as_str().unwrap().contains("did not finish in time"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("nemoctl jobs"), "{error}");
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1);
    assert!(!h.fake().calls_to(Endpoint::RenderStatus).is_empty());
    assert!(!h.path("out.mp4").exists());
    let out = h.run(&["jobs"]);
    out.check_exit(0);
    assert!(out.stdout.contains("rendering 50%"), "the job as the service has it: {}", out.stdout);

    // The same deadline from config.toml, on the same (stalled) render: taken up, not sent again.
    h.run(&["config", "set", "render_timeout", "3"]).check_exit(0);
    h.run(&["config", "get", "render_timeout"]).check_stdout("3");
    let out = h.run(&["export", "-o", "out.mp4"]);
    out.check_exit(8);
    assert!(out.stderr.contains("Resuming render"), "{}", out.stderr);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1);
}

#[test]
fn exit_9_when_the_render_fails() {
    let h = Harness::cloud();
    ready_to_export(&h);
    h.fake().inject(Endpoint::SubmitRender, Fault::RenderFails { reason: "codec exploded".into() });
    let out = h.run(&["export", "-o", "out.mp4"]);
    out.check_exit(9);
    assert!(out.stderr.contains("failed: codec exploded"), "{}", out.stderr);
    assert!(!h.path("out.mp4").exists());
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1, "a failed render is not resubmitted");
    let out = h.run(&["jobs"]);
    assert!(out.stdout.contains("failed: codec exploded"), "{}", out.stdout);
}

#[test]
fn exit_10_when_the_service_cannot_be_reached() {
    let h = Harness::cloud();
    let closed = closed_port_url();
    let error = json_error(&h.run(&["--json", "--api-url", &closed, "credits"]), 10);
    assert!(error["hint"].as_str().unwrap().contains("NEMO_API_URL"), "{error}");
    let out = h.cmd(&["login"]).env("NEMO_API_URL", &closed).output_checked();
    out.check_exit(10);
    assert!(out.stderr.contains("could not reach the service"), "{}", out.stderr);
    assert!(h.fake().calls().is_empty());
}
