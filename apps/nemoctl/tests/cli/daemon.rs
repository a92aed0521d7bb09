//! `--backend daemon` end to end: the real nemoctl against a real nemod (run in this process,
//! see `nemod`) against the fake cloud. Each command prints what it prints without nemod, on
//! the state both share; quick edits and exports are nemod's jobs; a chat message is routed as
//! without nemod ("export" renders and sends no chat turn) and its answer is printed once.

use std::fs;
use std::time::{Duration, Instant};

use nemo_fake::{Endpoint, FakeConfig};
use serde_json::Value;

use crate::cloud;
use crate::nemod::Nemod;
use crate::support::{Harness, Output};

/// `nemoctl --backend daemon ARGS`.
fn daemon(h: &Harness, args: &[&str]) -> Output {
    let mut all = vec!["--backend", "daemon"];
    all.extend_from_slice(args);
    h.run(&all)
}

/// A project `name` holding the sample clip, made through nemod.
fn project_with_clip(h: &Harness, name: &str) {
    daemon(h, &["new", name]).check_exit(0);
    daemon(h, &["upload", &h.media("clip.mp4")]).check_exit(0);
}

fn check_whole(h: &Harness, name: &str) {
    let size = fs::metadata(h.path(name)).unwrap_or_else(|e| panic!("{name}: {e}")).len();
    assert_eq!(size, 4096, "{name} is the fake's whole render");
}

#[test]
fn login_use_projects_and_logout_go_through_nemod_on_the_state_nemoctl_shares() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    let credentials = h.config_dir().join("credentials.json");

    let first = daemon(&h, &["login"]);
    first.check_exit(0);
    assert!(first.stdout.starts_with("Logged in as anon_"), "{}", first.stdout);
    assert!(first.stdout.contains("(new free anonymous token); 100 credits available; expires "), "{}", first.stdout);
    assert!(credentials.exists(), "nemod stored the token where nemoctl keeps it");
    let user = first.stdout.split_whitespace().nth(3).unwrap().to_owned();
    for out in [daemon(&h, &["login"]), h.run(&["login"])] {
        out.check_exit(0);
        assert!(out.stdout.contains(&format!("{user} (stored token)")), "one token for both: {}", out.stdout);
    }

    daemon(&h, &["new", "trip"]).check_exit(0);
    daemon(&h, &["new", "city"]).check_exit(0);
    let chosen = daemon(&h, &["use", "trip"]);
    chosen.check_exit(0);
    assert!(chosen.stdout.starts_with("Now using project \"trip\" (session "), "{}", chosen.stdout);
    let (through, local) = (daemon(&h, &["projects"]), h.run(&["projects"]));
    through.check_exit(0);
    assert_eq!(through.stdout, local.stdout, "the same projects and the same current one");
    let (via, here) = (daemon(&h, &["credits"]), h.run(&["credits"]));
    via.check_exit(0);
    assert_eq!((via.stdout, via.stderr), (here.stdout, here.stderr), "the same balance, said the same way");
    assert!(through.stdout.lines().any(|line| line.starts_with("* trip ")), "{}", through.stdout);
    assert_eq!(daemon(&h, &["--json", "projects"]).done()["projects"].as_array().unwrap().len(), 2);
    let link = daemon(&h, &["open"]);
    link.check_exit(0);
    assert!(link.stdout.starts_with("https://nemovideo.com/workspace/claim?ct=clm_"), "{}", link.stdout);

    daemon(&h, &["logout"]).check_stdout("Forgot the stored token (the client id stays).");
    assert!(!credentials.exists());
}

#[test]
fn an_edit_through_nemod_prints_what_the_in_process_edit_prints_and_sends_the_instruction_once() {
    // Four edits: more than the 100 starting credits pay for.
    let h = Harness::cloud_with(FakeConfig { starting_credits: 1000, ..cloud::quick() });
    let _nemod = Nemod::start(&h);
    let clip = h.media("clip.mp4");
    let local = h.run(&["edit", &clip, "-p", "add a title 'Hello'", "-o", "local.mp4"]);
    let answer = "Done. Title added: \"Hello\" (0-3s)";
    local.check_stdout(&format!("{answer}\nlocal.mp4 (4096 bytes)"));
    let (sent, submitted) =
        (h.fake().calls_to(Endpoint::SendMessage).len(), h.fake().calls_to(Endpoint::SubmitRender).len());

    let through = daemon(&h, &["edit", &clip, "-p", "add a title 'Hello'", "-o", "daemon.mp4"]);

    through.check_stdout(&format!("{answer}\ndaemon.mp4 (4096 bytes)"));
    assert!(!local.stderr.contains(answer) && !through.stderr.contains(answer), "the answer once, on stdout");
    check_whole(&h, "daemon.mp4");
    assert_eq!(h.fake().calls_to(Endpoint::SendMessage).len(), sent + 1, "the instruction was sent once");
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), submitted + 1, "one render");

    let local = h.run(&["--json", "edit", &clip, "-p", "add a title 'Hello'", "-o", "l.mp4"]).done();
    let through = daemon(&h, &["--json", "edit", &clip, "-p", "add a title 'Hello'", "-o", "d.mp4"]).done();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&through), keys(&local), "the same done object: {through}");
    assert_eq!((&through["output"], &through["changes"]), (&Value::from("d.mp4"), &local["changes"]));
}

#[test]
fn a_detached_edit_returns_its_saved_job_at_once_and_nemod_sees_it_through() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    let clip = h.media("clip.mp4");

    let accepted =
        daemon(&h, &["--json", "edit", "--detach", &clip, "-p", "add a title 'Hi'", "-o", "later.mp4"]).done();

    let id = accepted["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("edit_"), "{accepted}");
    assert_eq!((&accepted["state"], &accepted["detached"]), (&Value::from("editing"), &Value::from(true)));
    let deadline = Instant::now() + Duration::from_secs(60);
    let job = loop {
        let jobs = daemon(&h, &["--json", "jobs"]).done();
        let job = jobs["jobs"].as_array().unwrap().iter().find(|j| j["id"] == id.as_str()).cloned().unwrap();
        if job["state"] == "done" {
            break job;
        }
        assert!(Instant::now() < deadline, "the edit did not finish: {job}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(job["kind"], "edit");
    assert!(job["render_id"].as_str().unwrap().starts_with("render_"), "{job}");
    check_whole(&h, "later.mp4");
    let table = daemon(&h, &["jobs"]);
    table.check_exit(0);
    let row = table.stdout.lines().find(|line| line.starts_with(&id)).unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(row.contains("done (4.1 KB)") && row.ends_with("later.mp4"), "{row}");
    assert_eq!(table.stdout.lines().count(), 2, "the edit's render is the edit's row, not one of its own");
}

#[test]
fn a_batch_through_nemod_runs_every_edit_as_a_job_of_nemod() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    h.media("clip.mp4");
    let spec = h.write(
        "spec.toml",
        b"[[edit]]\nfiles = [\"clip.mp4\"]\nprompt = \"add a title 'A'\"\noutput = \"a.mp4\"\n\n\
          [[edit]]\nfiles = [\"clip.mp4\"]\nprompt = \"add a title 'B'\"\noutput = \"b.mp4\"\n",
    );

    let out = daemon(&h, &["batch", &spec]);

    out.check_exit(0);
    assert!(out.stdout.trim_end().ends_with("2 of 2 edits succeeded"), "{}", out.stdout);
    check_whole(&h, "a.mp4");
    check_whole(&h, "b.mp4");
    assert_eq!(h.fake().calls_to(Endpoint::SendMessage).len(), 2);
}

#[test]
fn chat_export_through_nemod_renders_and_downloads_without_a_chat_turn() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    project_with_clip(&h, "trip");
    let submitted = h.fake().calls_to(Endpoint::SubmitRender).len();

    let out = daemon(&h, &["chat", "export"]);

    out.check_stdout("./trip.mp4 (4096 bytes)");
    check_whole(&h, "trip.mp4");
    assert!(h.fake().calls_to(Endpoint::SendMessage).is_empty(), "no chat turn");
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), submitted + 1, "one render");
    let done = daemon(&h, &["--json", "chat", "export"]).done();
    assert_eq!((&done["intent"], &done["output"]), (&Value::from("export"), &Value::from("./trip.mp4")));
}

#[test]
fn chat_credits_through_nemod_shows_the_balance_without_a_chat_turn() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);

    let out = daemon(&h, &["chat", "credits"]);

    out.check_stdout("available 100  frozen 0  total 100");
    assert!(h.fake().calls_to(Endpoint::SendMessage).is_empty());
}

#[test]
fn the_editors_answer_through_nemod_is_printed_once_as_without_it() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    h.run(&["new", "here"]).check_exit(0);
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let local = h.run(&["chat", "add music"]);
    project_with_clip(&h, "there");

    let through = daemon(&h, &["chat", "add music"]);

    through.check_exit(0);
    assert_eq!(through.stdout, local.stdout);
    let answer = "I've added background music";
    assert_eq!(through.stdout.matches(answer).count(), 1, "{}", through.stdout);
}

#[test]
fn chat_upload_through_nemod_finds_a_relative_file_where_nemoctl_runs() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    daemon(&h, &["new", "trip"]).check_exit(0);
    h.media("clip.mp4");

    let out = daemon(&h, &["chat", "upload clip.mp4"]);

    out.check_exit(0);
    assert!(out.stdout.starts_with("Uploaded clip.mp4"), "{}", out.stdout);
    assert_eq!(h.fake().calls_to(Endpoint::UploadFile).len(), 1);
    assert!(h.fake().calls_to(Endpoint::SendMessage).is_empty());
}

#[test]
fn an_edit_through_nemod_whose_instruction_changes_nothing_shows_the_answer_exits_6_and_renders_nothing() {
    let h = Harness::cloud();
    let _nemod = Nemod::start(&h);
    let clip = h.media("clip.mp4");
    let local = h.run(&["edit", &clip, "-p", "make it sparkle", "-o", "local.mp4"]);
    local.check_exit(6);

    let through = daemon(&h, &["edit", &clip, "-p", "make it sparkle", "-o", "daemon.mp4"]);

    through.check_exit(6);
    assert!(!local.stdout.trim().is_empty(), "the editor answered");
    assert_eq!(through.stdout, local.stdout, "the editor's answer, as without nemod");
    assert!(through.stderr.contains("the instruction changed nothing"), "{}", through.stderr);
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty());
    assert!(!h.path("daemon.mp4").exists());
}

/// ffprobe's length of a file in the harness's working directory, seconds.
fn seconds(h: &Harness, name: &str) -> f64 {
    crate::offline_engine::ffprobe(&h.path(name))["format"]["duration"].as_str().unwrap().parse().unwrap()
}

#[test]
fn an_offline_nemod_edits_and_renders_real_videos_for_every_command() {
    let h = Harness::new();
    let _nemod = Nemod::offline(&h);
    let login = daemon(&h, &["login"]);
    login.check_exit(0);
    assert!(login.stdout.starts_with("Offline there is no account"), "{}", login.stdout);
    daemon(&h, &["credits"]).check_exit(0);
    project_with_clip(&h, "trip");
    let chat = daemon(&h, &["chat", "remove the pauses"]);
    assert_eq!(chat.stdout.matches("Removed 2 pauses (1.8 s)").count(), 1, "printed once: {}", chat.stdout);
    daemon(&h, &["chat", "export"]).check_exit(0);
    assert!((seconds(&h, "trip.mp4") - 4.2).abs() <= 0.1, "chat export renders the edited video");
    daemon(&h, &["export", "-o", "again.mp4"]).check_exit(0);
    assert!((seconds(&h, "again.mp4") - 4.2).abs() <= 0.1);
    let clip = h.media("clip.mp4");
    daemon(&h, &["edit", &clip, "-p", "trim to 3 seconds", "-o", "short.mp4"]).check_exit(0);
    assert!((seconds(&h, "short.mp4") - 3.0).abs() <= 0.1);
    // The offline editor's subtitle files are uploads for an offline nemod too.
    let srt = h.write("talk.srt", b"1\n00:00:00,200 --> 00:00:01,400\nHello there\n");
    let captions = daemon(&h, &["edit", &clip, &srt, "-p", "add captions", "-o", "cap.mp4"]);
    captions.check_exit(0);
    assert!(std::fs::read_to_string(h.path("cap.srt")).unwrap().contains("Hello there"), "{}", captions.stdout);
    let resize = daemon(&h, &["export", "--resolution", "720p", "-o", "hd.mp4"]);
    resize.check_exit(2);
    assert!(resize.stderr.contains("--resolution is not sent through nemod"), "{}", resize.stderr);
    daemon(&h, &["use", "trip"]).check_exit(0);
    let offline = h.run(&["--offline", "tracks"]);
    offline.check_stdout("Timeline (1 track): 1. Video: clip (0-4.2s)");
}
