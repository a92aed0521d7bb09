//! `nemoctl mcp` driven by a client that is not ours: the official MCP Python SDK runs
//! `tests/mcp/client.py` (`pip install mcp`), which checks the tools, a real offline edit
//! with progress, a refused input, malformed arguments and a cancelled export. Here: its
//! exit, the wire in both directions (JSON-RPC only on stdout) and, against the fake cloud,
//! that the token is in no message.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Harness, Output, OutputChecked};

/// The longest a client run may take before `timeout` stops it (a bound, not a measure).
const BOUND_SECS: &str = "300";

/// What one client run left: its output and the logs of the wire.
struct Run {
    out: Output,
    logs: tempfile::TempDir,
}

impl Run {
    fn log(&self, name: &str) -> String {
        fs::read_to_string(self.logs.path().join(name)).unwrap_or_default()
    }

    /// Every line the server wrote on stdout, each a JSON-RPC 2.0 message.
    fn server_messages(&self) -> Vec<Value> {
        let text = self.log("from-server.jsonl");
        assert!(!text.is_empty(), "the server said nothing");
        text.lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"));
                assert_eq!(value["jsonrpc"], "2.0", "{line}");
                value
            })
            .collect()
    }
}

/// Runs the Python client in `mode` against `nemoctl ARGS` in the harness's world.
fn client(h: &Harness, mode: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
    let logs = tempfile::tempdir().unwrap();
    let wrapper = ["timeout", BOUND_SECS, "python3", script.to_str().unwrap(), mode, logs.path().to_str().unwrap()];
    let mut cmd = h.cmd_under(&wrapper, args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output_checked();
    if out.code == 3 || out.stderr.contains("No module named") {
        panic!("the MCP Python SDK is missing: pip install mcp\n{}", out.stderr);
    }
    assert_ne!(out.code, 124, "the client did not finish within {BOUND_SECS} s:\n{}", out.stdout);
    let run = Run { out, logs };
    assert_eq!(
        run.out.code,
        0,
        "the client's checks failed\nstdout:\n{}\nstderr:\n{}\nserver stderr:\n{}",
        run.out.stdout,
        run.out.stderr,
        run.log("stderr.log")
    );
    run
}

#[test]
fn the_python_sdk_edits_offline_with_progress_errors_and_a_cancelled_export() {
    let h = Harness::new();
    h.media("clip.mp4");
    let run = client(&h, "offline", &["--offline", "mcp"], &[]);
    assert!(run.out.stdout.contains("every offline check passed"), "{}", run.out.stdout);
    let messages = run.server_messages();
    let progress = messages.iter().filter(|m| m["method"] == "notifications/progress").count();
    assert!(progress > 3, "progress notifications: {progress}");
    assert!(h.path("out.mp4").is_file());
    assert!(!h.path("cancelled.mp4").exists() && !h.path("bad.mp4").exists());
    let leftovers: Vec<PathBuf> = fs::read_dir(h.path("")).unwrap().flatten().map(|e| e.path()).collect();
    assert!(leftovers.iter().all(|p| p.extension().is_none_or(|e| e != "part")), "{leftovers:?}");
}

#[test]
fn the_token_is_in_no_message_of_an_mcp_session_against_the_cloud() {
    let h = Harness::cloud_recorded();
    // A token the service knows: granted to another client, then forgotten locally.
    h.run(&["login"]).check_exit(0);
    let credentials = fs::read_to_string(h.config_dir().join("credentials.json")).unwrap();
    let start = credentials.find("nmv_usr_").expect("a token");
    let token: String =
        credentials[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    h.run(&["logout"]).check_exit(0);
    h.media("clip.mp4");
    let run = client(&h, "cloud", &["-v", "mcp"], &[("NEMO_TOKEN", &token)]);
    assert!(run.out.stdout.contains("every cloud check passed"), "{}", run.out.stdout);
    run.server_messages();
    for text in [run.log("from-server.jsonl"), run.log("to-server.jsonl"), run.log("stderr.log"), run.out.stdout] {
        assert!(!text.contains(&token) && !text.contains("nmv_usr_"), "the token leaked:\n{text}");
    }
    let bearers = h.fake().request_heads().iter().filter(|head| head.iter().any(|l| l.contains(&token))).count();
    assert!(bearers > 5, "NEMO_TOKEN was used ({bearers} requests)");
}
