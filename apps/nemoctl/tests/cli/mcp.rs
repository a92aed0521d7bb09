//! `nemoctl mcp` driven by a client that is not ours: the official MCP Python SDK runs
//! `tests/mcp/client.py` (`pip install mcp`), which checks the tools, a real offline edit
//! with progress, a refused input, malformed arguments, a cancelled export, edits side by
//! side; against the fake cloud, a chat cancelled after the service got it (sent once) and a
//! stalled render cancelled (submitted once, no file). Here: its exit, the wire in both
//! directions (JSON-RPC only on stdout) and that the token is in no message. And raw lines no client would send: the server answers
//! what it can, never panics and writes nothing but JSON-RPC on stdout.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

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
    // The quick edit is ONE tool call (the seeds need 8 or more HTTP calls by hand): before
    // the first `tools/call` (the edit) the client only said hello and listed the tools.
    let requests: Vec<Value> =
        run.log("to-server.jsonl").lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let methods: Vec<&str> =
        requests.iter().filter(|r| r.get("id").is_some()).filter_map(|r| r["method"].as_str()).collect();
    assert_eq!(methods[..3], ["initialize", "tools/list", "tools/call"], "{methods:?}");
    let edit = requests.iter().find(|r| r["method"] == "tools/call").unwrap();
    assert_eq!(edit["params"]["name"], "edit");
    let answer = messages.iter().find(|m| m["id"] == edit["id"] && m.get("result").is_some()).unwrap();
    assert_eq!(answer["result"]["structuredContent"]["bytes"], fs::metadata(h.path("out.mp4")).unwrap().len());
    assert!(h.path("out.mp4").is_file());
    assert!(!h.path("cancelled.mp4").exists() && !h.path("bad.mp4").exists());
    let leftovers: Vec<PathBuf> = fs::read_dir(h.path("")).unwrap().flatten().map(|e| e.path()).collect();
    assert!(leftovers.iter().all(|p| p.extension().is_none_or(|e| e != "part")), "{leftovers:?}");
}

#[test]
fn against_the_cloud_no_message_holds_the_token_and_cancelled_calls_are_not_sent_again() {
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

/// Lines a careless or hostile client might send, after a proper handshake.
const RAW: &[&str] = &[
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#,
    r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    "not json at all",
    "[]",
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"edit","arguments":{"files":[1e400],"prompt":null}}}"#,
    r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"nope"}}"#,
    r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":42}}"#,
    r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"chat","arguments":{"message":"\u0000\ud800"}}}"#,
    r#"{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}"#,
    r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"export","arguments":{"output":"/nonexistent/x.mp4"}}}"#,
    r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"upload","arguments":{"paths":[]}}}"#,
    r#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"tracks","arguments":[]}}"#,
    r#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"edit","arguments":{"files":["../../../etc/passwd"],"prompt":"x"}}}"#,
    r#"{"jsonrpc":"2.0","id":99,"method":"tools/list"}"#,
];

#[test]
fn raw_garbage_gets_answers_or_nothing_never_a_panic_and_stdout_stays_json_rpc() {
    let h = Harness::new();
    let mut child = h
        .cmd(&["--offline", "mcp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in RAW {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    // Read until the answer to the last request, then hang up.
    let mut answers = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let value: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"));
        assert_eq!(value["jsonrpc"], "2.0", "{line}");
        let last = value["id"] == 99;
        answers.push(value);
        if last {
            break;
        }
    }
    drop(stdin);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.success(), "{status:?}: {stderr}");
    let answer =
        |id: u64| answers.iter().find(|a| a["id"] == id).unwrap_or_else(|| panic!("no answer to {id}: {answers:?}"));
    assert_eq!(answer(3)["error"]["code"], -32602, "an unknown tool");
    assert_eq!(answer(6)["error"]["code"], -32002, "an unknown resource");
    assert_eq!(answer(7)["result"]["isError"], true, "no project: a tool error");
    assert!(answer(8)["error"]["message"].as_str().unwrap().contains("paths or urls"), "{}", answer(8));
    assert_eq!(answer(10)["result"]["structuredContent"]["code"], 6, "{}", answer(10));
    assert_eq!(answer(99)["result"]["tools"].as_array().unwrap().len(), 10);
}

#[test]
fn a_start_up_failure_is_told_on_stderr_even_with_json() {
    let h = Harness::new();
    let out = h.run(&["--json", "--offline", "--project", "nope", "mcp"]);
    out.check_exit(1);
    assert!(out.stdout.is_empty(), "stdout is the protocol's: {}", out.stdout);
    assert!(out.stderr.contains("no project named \"nope\""), "{}", out.stderr);
}
