//! The real `nemoctl` binary, run as a user would: one harness per test with fresh temp
//! config and state directories, an environment cleared of `NEMO_*`, and `check_*` helpers.
//! The offline tests are here; `commands`, `exit_codes` and `token` run against a fake cloud
//! served over HTTP on port 0, one per test (`cloud`); `state_files` covers unusable state
//! files and a disk that fills up during a download; `daemon` runs `--backend daemon` against a
//! real nemod (`nemod`) in front of the fake cloud; `mcp` drives `nemoctl mcp` with the
//! official MCP Python SDK; `jobs` covers stale jobs, resumed renders and one writer per output.

mod cloud;
mod commands;
mod daemon;
mod exit_codes;
mod jobs;
mod json_lines;
mod mcp;
mod nemod;
mod offline_engine;
mod offline_projects;
mod readme_tour;
mod state_files;
mod support;
mod terminal;
mod token;

use std::fs;

use serde_json::Value;
use support::{Harness, OutputChecked, TOKEN};

#[test]
fn offline_edit_writes_the_file_and_json_lines_end_with_done() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "--json", "edit", &clip, "-p", "add a title 'Hello'", "-o", "out.mp4"]);
    out.check_exit(0);
    let lines = out.json_lines();
    assert!(lines.len() > 1, "progress events then the result: {}", out.stdout);
    let done = lines.last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(done["output"], "out.mp4");
    assert!(done["render_id"].as_str().unwrap().starts_with("render_"));
    let bytes = done["bytes"].as_u64().unwrap();
    assert_eq!(fs::metadata(h.path("out.mp4")).unwrap().len(), bytes);
    assert!(lines[..lines.len() - 1].iter().all(|l| l["event"] == "progress"));
}

#[test]
fn offline_edit_prints_the_output_for_people() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let out = h.run(&["--offline", "edit", &clip, "-p", "add a title 'Hello'"]);
    out.check_exit(0);
    let bytes = fs::metadata(h.path("clip-edited.mp4")).unwrap().len();
    // The editor's answer, on a line of its own, then the file: both results, on stdout.
    assert_eq!(out.stdout, format!("Done. Title added: \"Hello\" (0-3s)\n./clip-edited.mp4 ({bytes} bytes)\n"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn offline_credits_login_and_open_say_what_they_mean_offline() {
    let h = Harness::new();
    for command in ["credits", "login", "logout"] {
        let out = h.run(&["--offline", command]);
        out.check_exit(0);
        assert!(out.stdout.contains("Offline there is no account"), "{command}: {}", out.stdout);
    }
    let done = h.run(&["--offline", "--json", "credits"]).done();
    assert_eq!((done["offline"].as_bool(), done["available"].is_null()), (Some(true), true));
    h.run(&["--offline", "new", "trip"]).check_exit(0);
    let out = h.run(&["--offline", "open"]);
    out.check_exit(0);
    assert!(out.stdout.starts_with("Offline projects have no web page"), "{}", out.stdout);
}

/// A refused input: exit 6, an error event, and no request at all (the first request would
/// be the anonymous token, announced by a progress event); `backend`: the flags choosing it.
fn check_refused(h: &Harness, backend: &[&str], file: &str, message_part: &str) {
    let mut args = backend.to_vec();
    args.extend(["--json", "edit", file, "-p", "trim"]);
    let out = h.run(&args);
    out.check_exit(6);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 1, "nothing but the error: {}", out.stdout);
    assert_eq!(lines[0]["event"], "error");
    assert_eq!(lines[0]["code"], 6);
    assert!(lines[0]["message"].as_str().unwrap().contains(message_part), "{}", lines[0]);
    assert!(!lines[0]["hint"].as_str().unwrap().is_empty());
    assert!(out.stderr.contains("error: "), "{}", out.stderr);
}

#[test]
fn unsupported_files_are_refused_before_any_request() {
    let h = Harness::new();
    let notes = h.write("notes.txt", b"not a video");
    check_refused(&h, &["--offline"], &notes, "not supported");
}

/// The cloud's limit (offline, where nothing is uploaded, a file of any size is taken:
/// `offline_engine.rs`).
#[test]
fn files_over_500_mb_are_refused_for_the_cloud_before_any_request() {
    let h = Harness::new();
    let path = h.path("huge.mp4");
    fs::File::create(&path).unwrap().set_len(501 * 1000 * 1000).unwrap();
    check_refused(&h, &[], &path.to_string_lossy(), "500 MB");
}

#[test]
fn missing_files_are_refused() {
    let h = Harness::new();
    check_refused(&h, &["--offline"], &h.path("nowhere.mp4").to_string_lossy(), "nowhere.mp4");
    h.run(&["--offline", "upload", "nowhere.mp4"]).check_exit(6);
}

#[test]
fn chat_routes_balance_questions_to_credits() {
    let h = Harness::new();
    let done = h.run(&["--offline", "--json", "chat", "余额"]).done();
    assert_eq!(done["offline"], true, "the credits answer, not a chat turn: {done}");
}

#[test]
fn chat_routes_export_requests_to_export() {
    let h = Harness::new();
    let out = h.run(&["--offline", "--json", "chat", "导出"]);
    out.check_exit(6);
    let error = out.json_lines().pop().unwrap();
    assert_eq!(error["event"], "error");
    assert!(error["message"].as_str().unwrap().contains("nothing to export"), "{error}");
}

#[test]
fn a_negated_export_is_a_chat_turn() {
    let h = Harness::new();
    let out = h.run(&["--offline", "--json", "chat", "don't export yet, add music"]);
    out.check_exit(0);
    let done = out.done();
    assert_eq!(done["intent"], "chat");
    assert!(out.json_lines().iter().any(|l| l["kind"] == "text"), "the editor answered: {}", out.stdout);
}

#[test]
fn chat_without_a_terminal_reads_one_message_per_line() {
    let h = Harness::new();
    let out = h.run_with_stdin(&["--offline", "--json", "chat"], "余额\n\ncredits\n");
    out.check_exit(0);
    let done: Vec<Value> = out.json_lines().into_iter().filter(|l| l["event"] == "done").collect();
    assert_eq!(done.len(), 2, "{}", out.stdout);
    assert!(done.iter().all(|d| d["offline"] == true), "{}", out.stdout);
}

#[test]
fn help_matches_its_snapshot() {
    let h = Harness::new();
    let out = h.cmd(&["--help"]).env_remove("NEMO_API_URL").output_checked();
    out.check_exit(0);
    support::check_snapshot("help.txt", &out.stdout);
}

#[test]
fn skills_lists_the_six_profiles() {
    let h = Harness::new();
    let out = h.run(&["skills"]);
    out.check_exit(0);
    for name in [
        "nemoctl",
        "free-editing-with-ai",
        "video-editing-ai",
        "instagram-reels-maker",
        "ai-video-editor-and-generator",
        "nemo-video",
    ] {
        assert!(out.stdout.lines().any(|l| l.starts_with(name)), "{name} missing:\n{}", out.stdout);
    }
    assert_eq!(h.run(&["--json", "skills"]).done()["skills"].as_array().unwrap().len(), 6);
}

#[test]
fn guide_prints_skill_md_and_what_the_offline_editor_understands() {
    let h = Harness::new();
    let out = h.run(&["guide"]);
    out.check_exit(0);
    let skill = include_str!("../../../../SKILL.md");
    assert!(out.stdout.starts_with(skill.trim_end()), "{}", out.stdout);
    for instruction in ["| title |", "| transitions |", "| captions |", "| photos |", "`format for Reels`"] {
        assert!(out.stdout.contains(instruction), "{instruction}: {}", out.stdout);
    }
    assert!(skill.len() <= 1500, "SKILL.md is {} bytes", skill.len());
}

#[test]
fn completions_print_a_bash_script() {
    let h = Harness::new();
    let out = h.run(&["completions", "bash"]);
    out.check_exit(0);
    assert!(out.stdout.contains("_nemoctl()"), "{}", &out.stdout[..out.stdout.len().min(200)]);
    assert!(out.stdout.contains("complete -F"));
}

#[test]
fn config_set_get_path_round_trip() {
    let h = Harness::new();
    let path = h.run(&["config", "path"]);
    path.check_exit(0);
    assert_eq!(path.stdout.trim(), h.config_dir().join("config.toml").to_string_lossy());
    h.run(&["config", "get", "skill"]).check_stdout("nemoctl");
    h.run(&["config", "set", "skill", "instagram-reels-maker"]).check_exit(0);
    h.run(&["config", "get", "skill"]).check_stdout("instagram-reels-maker");
    h.run(&["config", "set", "web_url", "https://example.invalid/"]).check_exit(0);
    h.run(&["config", "get", "web_url"]).check_stdout("https://example.invalid");
    let list = h.run(&["config", "list"]);
    list.check_exit(0);
    assert!(list.stdout.lines().any(|l| l == "skill = instagram-reels-maker"), "{}", list.stdout);
    assert!(list.stdout.lines().any(|l| l == "web_url = https://example.invalid"), "{}", list.stdout);
    assert_eq!(h.run(&["--json", "config", "list"]).done()["settings"]["skill"], "instagram-reels-maker");
    assert!(fs::read_to_string(h.config_dir().join("config.toml")).unwrap().contains("instagram-reels-maker"));
    // flag > config.toml
    h.run(&["--skill", "nemo-video", "config", "get", "skill"]).check_stdout("nemo-video");
    // An empty value removes the setting.
    h.run(&["config", "set", "skill", ""]).check_exit(0);
    h.run(&["config", "get", "skill"]).check_stdout("nemoctl");
    // Bad keys and values are refused (wrong usage, exit 2) and not stored.
    h.run(&["config", "set", "skill", "nope"]).check_exit(2);
    h.run(&["config", "set", "token", "x"]).check_exit(2);
    assert!(!fs::read_to_string(h.config_dir().join("config.toml")).unwrap().contains("token"));
}

#[test]
fn unusable_settings_are_exit_2_naming_the_key_wherever_they_come_from() {
    let h = Harness::new();
    for (key, value) in [("lang", "klingon!"), ("render_timeout", "soon")] {
        let out = h.run(&["config", "set", key, value]);
        out.check_exit(2);
        assert!(out.stderr.starts_with(&format!("error: {key}")), "{}", out.stderr);
    }
    let out = h.run(&["--lang", "english please", "--offline", "new", "trip"]);
    out.check_exit(2);
    assert!(out.stderr.contains("lang: unknown language \"english please\""), "{}", out.stderr);
    // A bad value in config.toml: every command says which key, and `config set` still mends it.
    fs::create_dir_all(h.config_dir()).unwrap();
    fs::write(h.config_dir().join("config.toml"), "render_timeout = \"soon\"\nlang = \"??\"\n").unwrap();
    let out = h.run(&["--json", "--offline", "credits"]);
    out.check_exit(2);
    let error = out.json_lines().pop().unwrap();
    assert!(error["message"].as_str().unwrap().contains("config.toml"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("nemoctl config set KEY VALUE"), "{error}");
    h.run(&["config", "set", "render_timeout", "30"]).check_exit(0);
    let out = h.run(&["--offline", "credits"]);
    out.check_exit(2);
    assert!(out.stderr.starts_with("error: lang: unknown language \"??\""), "{}", out.stderr);
    h.run(&["config", "set", "lang", ""]).check_exit(0);
    h.run(&["--offline", "credits"]).check_exit(0);
}

#[test]
fn config_set_whisper_model_stores_an_existing_file_absolute_and_the_environment_wins() {
    let h = Harness::new();
    let missing = h.run(&["config", "set", "whisper_model", "no-such-ggml-base.bin"]);
    missing.check_exit(2);
    assert!(missing.stderr.contains("whisper_model: no-such-ggml-base.bin cannot be used"), "{}", missing.stderr);
    let model = h.media("clip.mp4");
    let relative = std::path::Path::new(&model).file_name().unwrap().to_string_lossy().into_owned();
    let dir = std::path::Path::new(&model).parent().unwrap();
    let set = h.cmd(&["config", "set", "whisper_model", &relative]).current_dir(dir).output_checked();
    set.check_exit(0);
    h.run(&["config", "get", "whisper_model"]).check_stdout(&model);
    let mut get = h.cmd(&["config", "get", "whisper_model"]);
    get.env("NEMO_WHISPER_MODEL", "/env/ggml-tiny.bin").output_checked().check_stdout("/env/ggml-tiny.bin");
}

#[test]
fn config_toml_settings_apply_unless_the_environment_says_otherwise() {
    let h = Harness::new();
    h.run(&["config", "set", "backend", "offline"]).check_exit(0);
    h.run(&["credits"]).check_exit(0);
    // The daemon backend wins over config.toml; no nemod runs here: exit 10.
    h.cmd(&["credits"]).env("NEMO_BACKEND", "daemon").output_checked().check_exit(10);
}

#[test]
fn the_token_never_appears_in_any_output() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let runs: &[&[&str]] = &[
        &["--offline", "-v", "login"],
        &["--offline", "-v", "--json", "login"],
        &["--offline", "-v", "credits"],
        &["--offline", "-v", "--json", "edit", &clip, "-p", "add a title 'x'", "-o", "o.mp4"],
        &["--offline", "-v", "logout"],
        &["-v", "credits"],
        &["-v", "config", "get", "api_url"],
    ];
    for args in runs {
        let out = h.cmd(args).env("NEMO_TOKEN", TOKEN).output_checked();
        assert!(!out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN), "{args:?} leaked the token");
        assert!(!out.stdout.contains("SECRET") && !out.stderr.contains("SECRET"), "{args:?} leaked part of it");
    }
}

#[test]
fn the_cloud_backend_reports_an_unreachable_service_with_exit_10() {
    let h = Harness::new();
    let out = h.run(&["--json", "credits"]);
    out.check_exit(10);
    let error = out.json_lines().pop().unwrap();
    assert_eq!((error["event"].as_str(), error["code"].as_u64()), (Some("error"), Some(10)));
    assert!(out.stderr.contains("NEMO_API_URL"), "{}", out.stderr);
    h.run(&["--api-url", "not a url", "credits"]).check_exit(1);
}

#[test]
fn the_daemon_backend_without_a_daemon_says_how_to_start_one() {
    let h = Harness::new();
    let out = h.run(&["--backend", "daemon", "credits"]);
    out.check_exit(10);
    assert!(out.stderr.contains("nemod is not running"), "{}", out.stderr);
    assert!(out.stderr.contains("start it with: nemod &"), "{}", out.stderr);
    let out = h.run(&["--offline", "export", "--detach"]);
    out.check_exit(10);
    assert!(out.stderr.contains("start it with: nemod &"), "{}", out.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let h = Harness::new();
    h.run(&["--frobnicate"]).check_exit(2);
    h.run(&["edit", "clip.mp4"]).check_exit(2);
    h.run(&["--backend", "moon", "credits"]).check_exit(2);
}

#[test]
fn batch_runs_every_entry_and_reports_failures() {
    let h = Harness::new();
    h.media("a.mp4");
    let spec = h.write(
        "spec.json",
        br#"[
            {"files": ["a.mp4"], "prompt": "add a title 'A'", "output": "a-out.mp4"},
            {"files": ["missing.mp4"], "prompt": "trim", "output": "b-out.mp4"},
            {"files": ["a.mp4"], "prompt": "add a title 'C'", "output": "c-out.mp4"}
        ]"#,
    );
    let out = h.run(&["--offline", "-q", "batch", &spec, "--jobs", "2"]);
    out.check_exit(1);
    assert!(h.path("a-out.mp4").is_file() && h.path("c-out.mp4").is_file());
    assert!(out.stdout.contains("2 of 3 edits succeeded"), "{}", out.stdout);
    assert!(out.stdout.lines().any(|l| l.contains("failed") && l.contains("exit 6")), "{}", out.stdout);

    let toml =
        h.write("spec.toml", b"[[edit]]\nfiles = [\"a.mp4\"]\nprompt = \"add a title 'T'\"\noutput = \"t.mp4\"\n");
    let done = h.run(&["--offline", "--json", "batch", &toml]).done();
    assert_eq!((done["ok"].as_u64(), done["failed"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn xdg_base_directories_are_used_when_nemos_own_variables_are_not_set() {
    let h = Harness::new();
    let (config, state) = (h.path("xdg-config"), h.path("xdg-state"));
    let run = |args: &[&str]| {
        h.cmd(args)
            .env_remove("NEMO_CONFIG_DIR")
            .env_remove("NEMO_STATE_DIR")
            .env("XDG_CONFIG_HOME", &config)
            .env("XDG_STATE_HOME", &state)
            .output_checked()
    };
    run(&["config", "path"]).check_stdout(&config.join("nemovideo/config.toml").to_string_lossy());
    run(&["--offline", "new", "trip"]).check_exit(0);
    assert!(state.join("nemovideo/offline/projects.json").exists(), "offline projects under XDG_STATE_HOME");
    // The project's own variables still win.
    h.cmd(&["config", "path"])
        .env("XDG_CONFIG_HOME", &config)
        .output_checked()
        .check_stdout(&h.config_dir().join("config.toml").to_string_lossy());
}
