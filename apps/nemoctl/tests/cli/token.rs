//! The token (the fake's anonymous one, and a `NEMO_TOKEN` the user sets) never shows: not on
//! stdout or stderr, not in any file but `credentials.json`, not in a request URL, and not
//! in the CDN download, which goes without the `Authorization` header.

use std::fs;
use std::path::Path;

use crate::support::{Harness, Output, OutputChecked};

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(files(&path)) } else { found.push(path) }
    }
    found
}

/// The stored token, read from `credentials.json`.
fn stored_token(h: &Harness) -> String {
    let text = fs::read_to_string(h.config_dir().join("credentials.json")).unwrap();
    let start = text.find("nmv_usr_").expect("a token");
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

/// Checks outputs, files (except `credentials.json`), the fake's call log and the request
/// heads for `token`; returns how many requests carried it as a bearer.
fn check_nowhere_but_credentials(h: &Harness, outputs: &[Output], token: &str) -> usize {
    assert!(token.len() > 12, "{token}");
    for out in outputs {
        assert!(!out.stdout.contains(token) && !out.stderr.contains(token), "leaked:\n{}\n{}", out.stdout, out.stderr);
        assert!(!out.stdout.contains("nmv_usr_") && !out.stderr.contains("nmv_usr_"), "{}{}", out.stdout, out.stderr);
    }
    let mut checked = 0;
    for dir in [h.state_dir(), h.config_dir(), h.path("")] {
        for file in files(&dir) {
            if file.file_name().is_some_and(|n| n == "credentials.json") {
                continue;
            }
            let bytes = fs::read(&file).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains(token), "{} holds the token", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 3, "the state was written: {checked} files");
    for call in h.fake().calls() {
        assert!(!call.detail.contains(token), "{call:?}");
    }
    let heads = h.fake().request_heads();
    assert!(heads.len() > 10, "{heads:?}");
    assert!(heads.iter().any(|h| h[0].starts_with("GET /cdn/renders/")), "a CDN download was seen: {heads:?}");
    let mut bearers = 0;
    for head in &heads {
        assert!(!head[0].contains(token) && !head[0].contains("nmv_usr_"), "token in a URL: {}", head[0]);
        let auth = head.iter().find(|l| l.to_ascii_lowercase().starts_with("authorization:"));
        if head[0].contains(" /cdn/") {
            assert!(auth.is_none(), "the CDN download carried the token: {head:?}");
        }
        if auth.is_some_and(|a| a.contains(token)) {
            bearers += 1;
        }
    }
    bearers
}

#[test]
fn the_anonymous_token_stays_in_credentials_json() {
    let h = Harness::cloud_recorded();
    let clip = h.media("clip.mp4");
    let runs: &[&[&str]] = &[
        &["-v", "login"],
        &["-v", "--json", "login"],
        &["-v", "new", "trip"],
        &["-v", "upload", &clip],
        &["-v", "chat", "add music"],
        &["-v", "--json", "chat", "add a title 'Hi'"],
        &["-v", "tracks"],
        &["-v", "--json", "credits"],
        &["-v", "open"],
        &["-v", "--json", "export", "-o", "out.mp4"],
        &["-v", "jobs"],
        &["-v", "projects"],
        &["-v", "--json", "edit", &clip, "-p", "add a title 'x'", "-o", "edited.mp4"],
        &["-v", "config", "get", "api_url"],
    ];
    let outputs: Vec<Output> = runs.iter().map(|args| h.run(args)).collect();
    for (args, out) in runs.iter().zip(&outputs) {
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    assert!(h.path("out.mp4").is_file() && h.path("edited.mp4").is_file());
    let token = stored_token(&h);
    let bearers = check_nowhere_but_credentials(&h, &outputs, &token);
    assert!(bearers > 10, "the proxy saw the token where it belongs ({bearers} requests)");
}

#[test]
fn nemo_token_is_used_and_never_shown_or_stored() {
    let h = Harness::cloud_recorded();
    // A token the service knows: granted to another client, then forgotten locally.
    h.run(&["login"]).check_exit(0);
    let token = stored_token(&h);
    h.run(&["logout"]).check_exit(0);
    let clip = h.media("clip.mp4");
    let runs: &[&[&str]] = &[
        &["-v", "login"],
        &["-v", "--json", "edit", &clip, "-p", "add music", "-o", "out.mp4"],
        // `edit` leaves the current project alone: its own is named.
        &["-v", "--project", "clip", "tracks"],
        &["-v", "credits"],
        &["-v", "--project", "clip", "open"],
        &["-v", "logout"],
    ];
    let outputs: Vec<Output> = runs.iter().map(|args| h.cmd(args).env("NEMO_TOKEN", &token).output_checked()).collect();
    for (args, out) in runs.iter().zip(&outputs) {
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    assert!(outputs[0].stdout.contains("(token from NEMO_TOKEN)"), "{}", outputs[0].stdout);
    let credentials = fs::read_to_string(h.config_dir().join("credentials.json")).unwrap_or_default();
    assert!(!credentials.contains(&token), "NEMO_TOKEN was stored");
    let bearers = check_nowhere_but_credentials(&h, &outputs, &token);
    assert!(bearers > 5, "NEMO_TOKEN was used ({bearers} requests)");
    assert_eq!(h.fake().calls_to(nemo_fake::Endpoint::AnonymousToken).len(), 1, "only the first login's");
}

#[test]
fn ten_first_runs_at_once_share_one_anonymous_token() {
    let h = Harness::cloud();
    let runs: Vec<_> = (0..10)
        .map(|_| {
            h.cmd(&["credits"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let output = run.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert_eq!(h.fake().calls_to(nemo_fake::Endpoint::AnonymousToken).len(), 1, "one grant for all ten");
}
