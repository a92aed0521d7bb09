//! Every command against the fake cloud over HTTP, asserting both what the user sees and what
//! the service saw (`calls()`), and that state persists from one run to the next.

use std::fs;

use nemo_fake::Endpoint;
use serde_json::Value;

use crate::support::{Harness, Output, OutputChecked};

/// `done` after checking that every stdout line is a JSON object and only the last is `done`.
fn done_of(out: &Output) -> Value {
    let lines = out.json_lines();
    let done = out.done();
    assert!(lines[..lines.len() - 1].iter().all(|l| l["event"] == "progress"), "{}", out.stdout);
    done
}

/// `new NAME --json`: the session id.
fn new_project(h: &Harness, name: &str) -> String {
    done_of(&h.run(&["--json", "new", name]))["session_id"].as_str().unwrap().to_owned()
}

#[test]
fn login_shows_who_and_keeps_the_token_private() {
    let h = Harness::cloud();
    let out = h.run(&["login"]);
    out.check_exit(0);
    let line = out.stdout.trim();
    assert!(line.starts_with("Logged in as anon_"), "{line}");
    assert!(line.contains("(new free anonymous token); 100 credits available; expires 20"), "{line}");
    assert!(!out.stdout.contains("nmv_usr_") && !out.stderr.contains("nmv_usr_"), "{}{}", out.stdout, out.stderr);

    let credentials = h.config_dir().join("credentials.json");
    assert!(fs::read_to_string(&credentials).unwrap().contains("nmv_usr_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&credentials).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The second login uses the stored token: no new anonymous token.
    let done = done_of(&h.run(&["--json", "login"]));
    assert_eq!((done["origin"].as_str(), done["credits"]["available"].as_i64()), (Some("stored"), Some(100)));
    assert!(done["user_id"].as_str().unwrap().starts_with("anon_"));
    let grants = h.fake().calls_to(Endpoint::AnonymousToken);
    assert_eq!(grants.len(), 1, "{grants:?}");
    let client_id = fs::read_to_string(h.config_dir().join("client_id")).unwrap();
    assert_eq!(grants[0].detail, client_id.trim(), "the token was asked for with the stored client id");
}

#[test]
fn logout_forgets_the_token_and_keeps_the_client_id() {
    let h = Harness::cloud();
    h.run(&["login"]).check_exit(0);
    let client_id = fs::read_to_string(h.config_dir().join("client_id")).unwrap();
    let out = h.run(&["logout"]);
    out.check_stdout("Forgot the stored token (the client id stays).");
    let credentials = fs::read_to_string(h.config_dir().join("credentials.json")).unwrap_or_default();
    assert!(!credentials.contains("nmv_usr_"), "{credentials}");
    assert_eq!(fs::read_to_string(h.config_dir().join("client_id")).unwrap(), client_id);

    // The next command gets a new token with the same client id.
    h.run(&["credits"]).check_exit(0);
    let grants = h.fake().calls_to(Endpoint::AnonymousToken);
    assert_eq!(grants.len(), 2);
    assert!(grants.iter().all(|g| g.detail == client_id.trim()), "{grants:?}");
}

#[test]
fn new_prints_the_id_and_link_and_the_project_persists_across_runs() {
    let h = Harness::cloud();
    let out = h.run(&["new", "trip"]);
    out.check_exit(0);
    assert_eq!(h.fake().calls_to(Endpoint::CreateSession).len(), 1);
    let mut lines = out.stdout.lines();
    let first = lines.next().unwrap();
    let trip = first.strip_prefix("Created project \"trip\" (session ").and_then(|r| r.strip_suffix(')')).unwrap();
    assert!(!trip.is_empty() && trip.chars().all(|c| c.is_ascii_digit()), "{first}");
    let link = lines.next().unwrap();
    assert!(link.starts_with("Open in a browser: https://nemovideo.com/workspace/claim?ct=clm_"), "{link}");
    assert_eq!(h.fake().calls_to(Endpoint::ClaimToken)[0].session.as_ref().unwrap().as_str(), trip);

    // A later run uses it: `tracks` reads trip's state.
    let out = h.run(&["tracks"]);
    out.check_stdout("Timeline (0 tracks)");
    let reads = h.fake().calls_to(Endpoint::State);
    assert_eq!(reads.last().unwrap().session.as_ref().unwrap().as_str(), trip);
    assert_eq!(h.fake().calls_to(Endpoint::CreateSession).len(), 1, "no second session");
}

#[test]
fn projects_use_and_the_project_flag_select_sessions() {
    let h = Harness::cloud();
    let trip = new_project(&h, "trip");
    let beach = new_project(&h, "beach");
    let out = h.run(&["projects"]);
    out.check_exit(0);
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(rows.len(), 3, "{}", out.stdout);
    assert!(rows[1].starts_with("  trip ") && rows[1].contains(&trip), "{}", out.stdout);
    assert!(rows[2].starts_with("* beach") && rows[2].contains(&beach), "{}", out.stdout);

    h.run(&["use", "trip"]).check_stdout(&format!("Now using project \"trip\" (session {trip})"));
    let listed = done_of(&h.run(&["--json", "projects"]));
    let current: Vec<&Value> = listed["projects"].as_array().unwrap().iter().filter(|p| p["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["session_id"], trip.as_str());

    // `use` by id; `--project` works on another project for one command only.
    h.run(&["use", &beach]).check_exit(0);
    h.run(&["--project", "trip", "tracks"]).check_exit(0);
    assert_eq!(h.fake().calls_to(Endpoint::State).last().unwrap().session.as_ref().unwrap().as_str(), trip);
    h.run(&["tracks"]).check_exit(0);
    assert_eq!(h.fake().calls_to(Endpoint::State).last().unwrap().session.as_ref().unwrap().as_str(), beach);
    // Commands that work on no project do not look one up: a stale `--project` (or
    // NEMO_PROJECT) does not break them, while one that does work on a project refuses it.
    h.run(&["--project", "gone", "projects"]).check_exit(0);
    h.run(&["--project", "gone", "tracks"]).check_exit(1);

    let out = h.run(&["use", "nowhere"]);
    out.check_exit(1);
    assert!(out.stderr.contains("no project named \"nowhere\""), "{}", out.stderr);
}

#[test]
fn open_prints_the_claim_link_of_the_current_project() {
    let h = Harness::cloud();
    let session = new_project(&h, "trip");
    let out = h.cmd(&["open"]).env("NEMO_WEB_URL", "https://web.example").output_checked();
    out.check_exit(0);
    let link = out.stdout.trim();
    assert!(link.starts_with("https://web.example/workspace/claim?ct=clm_"), "{link}");
    let claims = h.fake().calls_to(Endpoint::ClaimToken);
    assert_eq!(claims.len(), 2, "one for `new`, one for `open`");
    assert_eq!(claims[1].session.as_ref().unwrap().as_str(), session);
}

#[test]
fn upload_checks_then_sends_files_and_urls() {
    let h = Harness::cloud();
    new_project(&h, "trip");
    let clip = h.media("clip.mp4");
    h.run(&["upload", &clip]).check_stdout("Uploaded clip.mp4 (video, 10.0 s, 1920x1080)");
    let done = done_of(&h.run(&["--json", "upload", "https://example.com/media/song.mp3"]));
    assert_eq!(done["files"][0]["kind"], "audio");
    let files = h.fake().calls_to(Endpoint::UploadFile);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].detail, "clip.mp4");
    let urls = h.fake().calls_to(Endpoint::UploadUrls);
    assert_eq!(urls.len(), 1);
    assert_eq!(urls[0].detail, "https://example.com/media/song.mp3");
    let out = h.run(&["tracks"]);
    out.check_exit(0);
    assert_eq!(out.stdout.trim(), "Timeline (1 track): 1. Video: clip (0-10s)");
}

#[test]
fn chat_prints_streamed_text_once_and_translates_the_gui_phrase() {
    let h = Harness::cloud();
    new_project(&h, "trip");
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let out = h.run(&["chat", "add music"]);
    out.check_exit(0);
    let answer = "I've added background music (Lo-fi, 35%).";
    assert_eq!(out.stdout.matches(answer).count(), 1, "printed once:\n{}", out.stdout);
    assert!(!out.stdout.contains("Click the Export button"), "forwarded a GUI phrase:\n{}", out.stdout);
    assert!(out.stdout.contains("To export: `nemoctl export`"), "{}", out.stdout);
    let sent = h.fake().calls_to(Endpoint::SendMessage);
    assert_eq!(sent.len(), 1, "sent once");
    assert_eq!(sent[0].detail, "add music");
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty(), "the GUI phrase is not an export order");
}

#[test]
fn a_silent_edit_is_reported_from_the_diff() {
    let h = Harness::cloud();
    new_project(&h, "trip");
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let out = h.run(&["chat", "add a title 'Paradise Found'"]);
    out.check_exit(0);
    assert_eq!(out.stdout.trim(), "Done. Title added: \"Paradise Found\" (0-3s)", "on stdout, once");
    assert!(!out.stderr.contains("Title added"), "not twice: {}", out.stderr);
    // Even under -q: a silent edit never leaves the user with silence.
    let out = h.run(&["-q", "chat", "add a title 'Quiet'"]);
    out.check_stdout("Done. Title added: \"Quiet\" (0-3s)");
    let done = done_of(&h.run(&["--json", "chat", "add a title 'Second'"]));
    assert_eq!(done["intent"], "chat");
    assert!(done["changes"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains("\"Second\"")), "{done}");
    assert_eq!(h.fake().calls_to(Endpoint::SendMessage).len(), 3);
    let out = h.run(&["tracks"]);
    out.check_exit(0);
    assert_eq!(
        out.stdout.trim(),
        "Timeline (4 tracks): 1. Video: clip (0-10s) 2. Title: \"Paradise Found\" (0-3s) \
         3. Title: \"Quiet\" (0-3s) 4. Title: \"Second\" (0-3s)"
    );
}

#[test]
fn credits_show_the_balance_after_an_edit() {
    let h = Harness::cloud();
    h.run(&["credits"]).check_stdout("available 100  frozen 0  total 100");
    new_project(&h, "trip");
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    h.run(&["chat", "add music"]).check_exit(0);
    let done = done_of(&h.run(&["--json", "credits"]));
    assert_eq!(
        (done["available"].as_i64(), done["frozen"].as_i64(), done["total"].as_i64()),
        (Some(50), Some(0), Some(50))
    );
    assert_eq!(h.fake().calls_to(Endpoint::Credits).len(), 2);
}

#[test]
fn export_downloads_the_file_and_jobs_lists_the_render() {
    let h = Harness::cloud();
    new_project(&h, "trip");
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    h.run(&["chat", "add music"]).check_exit(0);
    let out = h.run(&["--json", "export", "-o", "out.mp4"]);
    let done = done_of(&out);
    let render = done["render_id"].as_str().unwrap().to_owned();
    assert!(render.starts_with("render_"), "{done}");
    assert_eq!(done["output"], "out.mp4");
    assert_eq!(fs::metadata(h.path("out.mp4")).unwrap().len(), done["bytes"].as_u64().unwrap());
    assert!(out.json_lines().iter().any(|l| l["kind"] == "render"), "render progress: {}", out.stdout);
    let submitted = h.fake().calls_to(Endpoint::SubmitRender);
    assert_eq!(submitted.len(), 1);
    assert_eq!(h.fake().calls_to(Endpoint::DownloadUrl).len(), 1, "downloaded from the CDN");

    // Without -o: ./<project>.mp4.
    h.run(&["export"]).check_exit(0);
    assert!(h.path("trip.mp4").is_file());

    let out = h.run(&["jobs"]);
    out.check_exit(0);
    let row = out.stdout.lines().find(|l| l.starts_with(&render)).unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(row.contains("trip") && row.contains("done (4.1 KB)") && row.contains("out.mp4"), "{row}");
    // The same shape as `--backend daemon jobs` (nemod's `JobList`).
    let jobs = done_of(&h.run(&["--json", "jobs"]));
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 2);
    let first = &jobs["jobs"][0];
    assert_eq!(
        (first["id"].as_str(), first["project"].as_str(), first["state"].as_str()),
        (Some(render.as_str()), Some("trip"), Some("done"))
    );
    assert_eq!(first["bytes"].as_u64(), Some(4096), "{first}");
}

#[test]
fn edit_makes_the_file_in_one_command() {
    let h = Harness::cloud();
    let clip = h.media("clip.mp4");
    h.run(&["new", "trip"]).check_exit(0);
    let before = h.fake().calls().len();
    let out = h.run(&["--json", "edit", &clip, "-p", "add a title 'Hello'", "-o", "out.mp4"]);
    let done = done_of(&out);
    assert_eq!(done["output"], "out.mp4");
    assert_eq!(fs::metadata(h.path("out.mp4")).unwrap().len(), done["bytes"].as_u64().unwrap());
    assert!(done["changes"][0].as_str().unwrap().contains("Title added: \"Hello\""), "{done}");
    let endpoints: Vec<Endpoint> = h.fake().calls()[before..].iter().map(|c| c.endpoint).collect();
    let first =
        |e: Endpoint| endpoints.iter().position(|x| *x == e).unwrap_or_else(|| panic!("no {e:?}: {endpoints:?}"));
    assert!(first(Endpoint::CreateSession) < first(Endpoint::UploadFile));
    assert!(first(Endpoint::UploadFile) < first(Endpoint::SendMessage));
    assert!(first(Endpoint::SendMessage) < first(Endpoint::SubmitRender));
    assert!(first(Endpoint::SubmitRender) < first(Endpoint::DownloadUrl));
    assert_eq!(endpoints.iter().filter(|e| **e == Endpoint::SendMessage).count(), 1);
    // The project it made is saved; the current one stays what it was (as through nemod).
    let projects = h.run(&["projects"]);
    projects.check_exit(0);
    assert!(projects.stdout.contains("* trip") && projects.stdout.contains("  clip "), "{}", projects.stdout);
}

#[test]
fn batch_runs_two_edits_each_with_its_own_project_and_render() {
    let h = Harness::cloud();
    h.media("a.mp4");
    h.media("b.mov");
    let spec = h.write(
        "spec.toml",
        b"[[edit]]\nfiles = [\"a.mp4\"]\nprompt = \"add a title 'A'\"\noutput = \"a-out.mp4\"\n\n\
          [[edit]]\nfiles = [\"b.mov\"]\nprompt = \"add music\"\noutput = \"b-out.mp4\"\n",
    );
    let out = h.run(&["-q", "batch", &spec]);
    out.check_exit(0);
    assert!(out.stdout.contains("2 of 2 edits succeeded"), "{}", out.stdout);
    assert!(h.path("a-out.mp4").is_file() && h.path("b-out.mp4").is_file());
    assert_eq!(h.fake().calls_to(Endpoint::CreateSession).len(), 2);
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 2);
    assert_eq!(h.fake().calls_to(Endpoint::AnonymousToken).len(), 1, "one token for both");
    let sessions: std::collections::HashSet<_> =
        h.fake().calls_to(Endpoint::SendMessage).into_iter().map(|c| c.session).collect();
    assert_eq!(sessions.len(), 2, "each edit in its own session");
}

#[test]
fn the_intent_router_decides_what_chat_does() {
    let h = Harness::cloud();
    // 余额 → credits, no chat turn.
    let done = done_of(&h.run(&["--json", "chat", "余额"]));
    assert_eq!(done["available"], 100);
    assert_eq!(h.fake().calls_to(Endpoint::Credits).len(), 1);
    assert!(h.fake().calls_to(Endpoint::SendMessage).is_empty());

    // 导出 → the export flow, which refuses an empty draft before any render request.
    let out = h.run(&["--json", "chat", "导出"]);
    out.check_exit(6);
    let error = out.json_lines().pop().unwrap();
    assert!(error["message"].as_str().unwrap().contains("nothing to export"), "{error}");
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty());
    assert!(h.fake().calls_to(Endpoint::SendMessage).is_empty());

    // A negated export is a chat turn, sent as typed, and no render.
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let out = h.run(&["--json", "chat", "don't export yet, add music"]);
    let done = done_of(&out);
    assert_eq!(done["intent"], "chat");
    let sent = h.fake().calls_to(Endpoint::SendMessage);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].detail, "don't export yet, add music");
    assert!(h.fake().calls_to(Endpoint::SubmitRender).is_empty());

    // And a real export request exports.
    let done = done_of(&h.run(&["--json", "chat", "export"]));
    assert_eq!(done["intent"], "export");
    assert_eq!(h.fake().calls_to(Endpoint::SubmitRender).len(), 1);
}
