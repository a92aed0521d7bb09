//! The wire contract's recipes run with the real `curl` against the fake cloud served
//! in-process: what the seeds tell people to type must work against our server. The server
//! runs on a multi-threaded runtime while this thread runs `curl`; the fake's manual clock
//! moves renders along between polls.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use nemo_fake::{FakeBackend, FakeConfig, ManualClock};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, RunningServer};
use serde_json::{Value, json};

use crate::support::START;

const CLIENT_ID: &str = "0b7e5f8c-3d2a-4c1e-9f6b-8a7d6c5b4e3f";
const ATTRIBUTION: [&str; 6] =
    ["-H", "X-Skill-Source: nemo-tests", "-H", "X-Skill-Version: 1.0.0", "-H", "X-Skill-Platform: unknown"];

/// The fake cloud on a runtime of its own, and a scratch folder for curl's files.
struct Cloud {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    clock: Arc<ManualClock>,
    base: String,
    dir: tempfile::TempDir,
}

impl Cloud {
    /// A fresh server and scratch folder.
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("scratch dir");
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let clock = Arc::new(ManualClock::new(START));
        let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
        let cloud = Arc::new(FakeCloud::new(fake, FakeCloudOptions::new(dir.path().join("storage"))));
        let server = runtime.block_on(RunningServer::spawn(cloud)).expect("bind");
        let base = server.base_url();
        Self { runtime, server: Some(server), clock, base, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Cloud {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.stop());
        }
    }
}

/// Runs `curl -sS <args>`; its stdout. Fails clearly when curl is missing or fails.
fn curl(args: &[&str]) -> Vec<u8> {
    let output = Command::new("curl").arg("-sS").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `curl` ({e}): these tests need the curl binary on PATH (apt-get install curl)")
    });
    assert!(output.status.success(), "curl {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// `curl` whose answer is JSON.
fn curl_json(args: &[&str]) -> Value {
    let out = curl(args);
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("curl {args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out)))
}

/// `args` plus the bearer token and the attribution headers.
fn authed<'a>(auth: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["-H", auth];
    all.extend_from_slice(&ATTRIBUTION);
    all.extend_from_slice(args);
    all
}

/// The arguments of an authenticated POST of the JSON `data` (text, or `@file`) to `url`, with
/// `extra` options.
fn post_json<'a>(auth: &'a str, url: &'a str, data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["-X", "POST", url, "-H", "Content-Type: application/json", "-d", data];
    args.extend_from_slice(extra);
    authed(auth, &args)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("a UTF-8 path").to_owned()
}

#[test]
fn the_spec_recipes_work_with_real_curl() {
    let cloud = Cloud::start();

    // 4.1 Anonymous token.
    let grant =
        curl_json(&["-X", "POST", &cloud.url("/api/auth/anonymous-token"), "-H", &format!("X-Client-Id: {CLIENT_ID}")]);
    assert_eq!(grant["code"], 0, "{grant}");
    let token = grant["data"]["token"].as_str().expect("a token").to_owned();
    assert!(token.starts_with("nmv_usr_"));
    assert_eq!(grant["data"]["credits"], 100);
    let auth = format!("Authorization: Bearer {token}");

    // 4.2 Session.
    let session = curl_json(&post_json(
        &auth,
        &cloud.url("/api/tasks/me/with-session/nemo_agent"),
        r#"{"task_name":"project","language":"en"}"#,
        &[],
    ));
    let sid = session["data"]["session_id"].as_str().expect("a session id").to_owned();
    assert!(session["data"]["task_id"].is_string());

    // 4.5 Upload, multipart.
    let clip_bytes = b"fake mp4 bytes for the curl recipe".repeat(100);
    let clip = write(cloud.dir.path(), "clip.mp4", &clip_bytes);
    let upload_url = cloud.url(&format!("/api/upload-video/nemo_agent/me/{sid}"));
    let upload = curl_json(&authed(&auth, &["-X", "POST", &upload_url, "-F", &format!("files=@{clip}")]));
    assert_eq!(upload["code"], 0, "{upload}");
    assert_eq!(upload["data"]["files"][0]["filename"], "clip.mp4");
    let asset_url = upload["data"]["files"][0]["cdn_url"].as_str().expect("a cdn url").to_owned();
    assert!(curl(&[&asset_url]) == clip_bytes, "the asset is served back from the local CDN");

    // 4.4 Chat, streamed.
    let message = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": sid,
                         "new_message": {"parts": [{"text": "add a title 'Paradise Found'"}]}});
    let stream = curl(&post_json(
        &auth,
        &cloud.url("/run_sse"),
        &message.to_string(),
        &["-N", "-H", "Accept: text/event-stream"],
    ));
    let stream = String::from_utf8(stream).expect("UTF-8 events");
    let events: Vec<Value> = stream
        .split_terminator("\n\n")
        .filter_map(|frame| frame.strip_prefix("data: "))
        .map(|payload| serde_json::from_str(payload).expect("a JSON event"))
        .collect();
    assert!(events.iter().any(|e| e["content"]["parts"][0]["functionCall"].is_object()), "{stream}");
    assert_eq!(events.last().map(|e| e["turnComplete"].clone()), Some(json!(true)));

    // 4.6 State and 4.7 credits.
    let state = curl_json(&authed(&auth, &[&cloud.url(&format!("/api/state/nemo_agent/me/{sid}/latest"))]));
    let draft = &state["data"]["state"]["draft"];
    assert_eq!(draft["t"].as_array().map(Vec::len), Some(2), "video and title tracks: {draft}");
    assert_eq!(state["data"]["state"]["video_infos"][0]["cdn_url"], asset_url.as_str());
    let credits = curl_json(&authed(&auth, &[&cloud.url("/api/credits/balance/simple")]));
    assert_eq!(credits["data"], json!({"available": 50, "frozen": 0, "total": 50}));

    // 4.8 Render: submit, poll, download from the CDN URL and from the fallback.
    let id = "render_1795348800000";
    let body = json!({"id": id, "sessionId": sid, "draft": draft, "output": {"format": "mp4", "quality": "high"}});
    let body_file = write(cloud.dir.path(), "render.json", body.to_string().as_bytes());
    let submitted = curl_json(&post_json(&auth, &cloud.url("/api/render/proxy/lambda"), &format!("@{body_file}"), &[]));
    assert_eq!(submitted, json!({"success": true, "data": {"id": id, "status": "pending", "progress": 0}}));
    let poll_url = cloud.url(&format!("/api/render/proxy/lambda/{id}"));
    cloud.clock.advance(Duration::from_secs(3));
    assert_eq!(curl_json(&authed(&auth, &[&poll_url]))["data"]["status"], "processing");
    cloud.clock.advance(Duration::from_secs(5));
    let done = curl_json(&authed(&auth, &[&poll_url]));
    assert_eq!(done["data"]["status"], "completed", "{done}");
    let output_url = done["data"]["outputUrl"].as_str().expect("an output url").to_owned();
    assert!(output_url.starts_with(&cloud.base), "{output_url}");

    let from_cdn = curl(&["-f", &output_url]);
    assert_eq!(from_cdn.len(), 4096);
    let fallback_path = cloud.dir.path().join("fallback.mp4");
    let fallback_file = fallback_path.to_str().expect("UTF-8");
    curl(&authed(&auth, &["-f", "-o", fallback_file, &cloud.url(&format!("/api/render/proxy/{id}/download"))]));
    assert!(std::fs::read(&fallback_path).expect("downloaded") == from_cdn, "the fallback gives the same bytes");
    assert!(curl(&["-f", "-r", "1000-", &output_url]) == from_cdn[1000..], "a ranged request gives the tail");
}

#[test]
fn curl_sees_the_header_checks() {
    let cloud = Cloud::start();
    let status = |args: &[&str]| -> String {
        let mut all = vec!["-o", "/dev/null", "-w", "%{http_code}"];
        all.extend_from_slice(args);
        String::from_utf8(curl(&all)).unwrap_or_default()
    };
    assert_eq!(status(&["-X", "POST", &cloud.url("/api/auth/anonymous-token")]), "400");
    assert_eq!(status(&[&cloud.url("/api/credits/balance/simple")]), "401");
    assert_eq!(
        status(&["-X", "POST", &cloud.url("/api/render/proxy/lambda"), "-H", "Authorization: Bearer nmv_usr_x"]),
        "402"
    );
    assert_eq!(status(&[&cloud.url("/no/such/route")]), "404");
}
