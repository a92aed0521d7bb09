//! The fake cloud over real HTTP: a server on port 0 around a `FakeBackend` on a manual
//! clock, and `reqwest` as a plain HTTP client (no knowledge of the contract beyond what each
//! test spells out).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use nemo_core::time::Timestamp;
use nemo_fake::{Endpoint, FakeBackend, FakeConfig, ManualClock};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, RunningServer, SseShape};
use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode, multipart};
use serde_json::{Value, json};

const CLIENT_ID: &str = "6f1c1d1e-8a53-4a39-9d3c-1b2c3d4e5f60";
const CLIP: &[u8] = b"\x00\x00\x00\x18ftypmp42 not really a video, but bytes all the same";

/// One test's server, clock and client.
struct App {
    server: RunningServer,
    clock: Arc<ManualClock>,
    cloud: Arc<FakeCloud>,
    http: Client,
    base: String,
    /// The server's storage folder, removed on drop.
    storage: tempfile::TempDir,
}

/// A reply: status, headers, raw body.
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn spawn_app(max_upload_bytes: u64) -> App {
    let storage = tempfile::tempdir().expect("a storage folder");
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_ms(1_795_348_800_000)));
    let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
    let options = FakeCloudOptions {
        sse_shape: SseShape::AgentFramework,
        storage_dir: storage.path().to_owned(),
        max_upload_bytes,
    };
    let cloud = Arc::new(FakeCloud::new(fake, options));
    let server = RunningServer::spawn(cloud.clone()).await.expect("bind");
    let base = server.base_url();
    App { server, clock, cloud, http: Client::new(), base, storage }
}

impl App {
    async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        let mut request = self
            .http
            .request(method, url)
            .header("X-Skill-Source", "nemo-tests")
            .header("X-Skill-Version", "1")
            .header("X-Skill-Platform", "unknown");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.to_string());
        }
        let reply = request.send().await.expect("an answer");
        let (status, headers) = (reply.status(), reply.headers().clone());
        let body = reply.bytes().await.expect("a body").to_vec();
        Answer { status, headers, body }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// A token and a session id.
    async fn login(&self) -> (String, String) {
        let reply = self.http.post(format!("{}/api/auth/anonymous-token", self.base)).header("X-Client-Id", CLIENT_ID);
        let answer = reply.send().await.expect("token").bytes().await.expect("body");
        let grant: Value = serde_json::from_slice(&answer).expect("json");
        let token = grant["data"]["token"].as_str().expect("a token").to_owned();
        let session =
            self.post("/api/tasks/me/with-session/nemo_agent", Some(&token), json!({"task_name": "demo"})).await.json();
        (token, session["data"]["session_id"].as_str().expect("a session").to_owned())
    }

    async fn upload(&self, token: &str, session: &str, name: &str, bytes: &[u8]) -> Answer {
        let part = multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
        let form = multipart::Form::new().part("files", part);
        let url = format!("{}/api/upload-video/nemo_agent/me/{session}", self.base);
        let reply = self.http.post(url).bearer_auth(token).multipart(form).send().await.expect("upload");
        let (status, headers) = (reply.status(), reply.headers().clone());
        Answer { status, headers, body: reply.bytes().await.expect("body").to_vec() }
    }

    /// Sends a chat message; the frames of the stream, or the error that cut it.
    async fn chat(&self, token: &str, session: &str, text: &str) -> (StatusCode, Result<String, reqwest::Error>) {
        let body = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": session,
                          "new_message": {"parts": [{"text": text}]}});
        let reply = self
            .http
            .post(format!("{}/run_sse", self.base))
            .bearer_auth(token)
            .header("Accept", "text/event-stream")
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("chat");
        (reply.status(), reply.text().await)
    }

    async fn inject(&self, request: Value) -> Answer {
        self.post("/_fake/faults", None, request).await
    }

    async fn stop(self) {
        self.server.stop().await.expect("a clean stop");
    }
}

/// The `data:` payloads of an SSE body, checking the framing on the way.
fn frames(body: &str) -> Vec<Value> {
    assert!(!body.contains('\r'), "LF only");
    assert!(body.is_empty() || body.ends_with("\n\n"), "events end with a blank line: {body:?}");
    body.split_terminator("\n\n")
        .filter(|frame| !frame.starts_with(':'))
        .map(|frame| {
            let payload = frame.strip_prefix("data: ").unwrap_or_else(|| panic!("a data line: {frame:?}"));
            assert!(!payload.contains('\n'), "compact JSON on one line");
            serde_json::from_str(payload).expect("JSON payload")
        })
        .collect()
}

#[tokio::test]
async fn envelopes_and_header_checks() {
    let app = spawn_app(1 << 20).await;
    let no_id = app.post("/api/auth/anonymous-token", None, json!({})).await;
    assert_eq!((no_id.status, no_id.json()["code"].as_i64()), (StatusCode::BAD_REQUEST, Some(400)));
    let bad_id = app.http.post(format!("{}/api/auth/anonymous-token", app.base)).header("X-Client-Id", "nope");
    assert_eq!(bad_id.send().await.expect("answer").status(), StatusCode::BAD_REQUEST);

    let (token, _) = app.login().await;
    assert!(token.starts_with("nmv_usr_"));
    let unauthenticated = app.get("/api/credits/balance/simple", None).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unauthenticated.json()["code"], 401);
    let rejected = app.get("/api/credits/balance/simple", Some("nmv_usr_forged")).await;
    assert_eq!((rejected.status, rejected.json()["code"].as_i64()), (StatusCode::OK, Some(1001)));

    let credits = app.get("/api/credits/balance/simple", Some(&token)).await.json();
    assert_eq!(credits, json!({"code": 0, "message": "ok", "data": {"available": 100, "frozen": 0, "total": 100}}));

    let export = app
        .http
        .post(format!("{}/api/render/proxy/lambda", app.base))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"id":"render_1","sessionId":"1","draft":{},"output":{"format":"mp4"}}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(export.status(), StatusCode::PAYMENT_REQUIRED);
    let body: Value = serde_json::from_slice(&export.bytes().await.expect("body")).expect("json");
    assert_eq!(body, json!({"success": false, "error": "free plan export blocked"}));

    let unknown_render = app.get("/api/render/proxy/lambda/render_9", Some(&token)).await.json();
    assert_eq!(unknown_render["success"], false);
    assert!(unknown_render["error"].is_string());

    let bad_body = app.post("/api/render/proxy/lambda", Some(&token), json!({"id": "render_1"})).await;
    assert_eq!((bad_body.status, bad_body.json()["success"].as_bool()), (StatusCode::BAD_REQUEST, Some(false)));
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_answer_404_json() {
    let app = spawn_app(1 << 20).await;
    let answer = app.get("/api/nothing/here", None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.headers[CONTENT_TYPE], "application/json");
    let body = answer.json();
    assert_eq!(body["code"], 404);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("unknown route")), "{body}");
    assert_eq!(app.send(Method::DELETE, "/api/credits/balance/simple", None, None).await.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn full_flow_from_token_to_download() {
    let app = spawn_app(1 << 20).await;
    let (token, session) = app.login().await;

    // Upload: written to disk under its own name, served back from the local CDN.
    let upload = app.upload(&token, &session, "beach.mp4", CLIP).await.json();
    assert_eq!(upload["code"], 0, "{upload}");
    let file = &upload["data"]["files"][0];
    assert_eq!((file["filename"].as_str(), file["file_type"].as_str()), (Some("beach.mp4"), Some("video")));
    assert_eq!(
        (file["duration"].as_f64(), file["width"].as_u64(), file["fps"].as_f64()),
        (Some(10.0), Some(1920), Some(30.0))
    );
    assert_eq!(upload["data"]["session_state_applied"], true);
    let cdn_url = file["cdn_url"].as_str().expect("a cdn url");
    assert!(cdn_url.starts_with(&format!("{}/cdn/assets/", app.base)), "{cdn_url}");
    let stored: Vec<PathBuf> = std::fs::read_dir(app.storage.path())
        .expect("storage")
        .filter_map(|entry| Some(entry.ok()?.path().join("beach.mp4")))
        .filter(|path| path.exists())
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(std::fs::read(&stored[0]).expect("stored"), CLIP);
    assert_eq!(app.get(cdn_url, None).await.body, CLIP);

    // State: the clip and the draft holding it.
    let state = app.get(&format!("/api/state/nemo_agent/me/{session}/latest"), Some(&token)).await.json();
    let data = &state["data"];
    assert_eq!(data["session_id"], session.as_str());
    assert_eq!(data["task_name"], "demo");
    assert_eq!(data["state"]["video_infos"][0]["cdn_url"], cdn_url);
    assert_eq!(data["state"]["canvas_config"], json!({"width": 1920, "height": 1080, "ratio": "16:9"}));
    assert_eq!(
        (data["state"]["video_analyses"].clone(), data["state"]["generated_media"].clone()),
        (json!({}), json!([]))
    );
    assert_eq!(data["state"]["draft"]["t"][0]["sg"].as_array().map(Vec::len), Some(1));

    // Chat: ADK events, then the stream closes.
    let (status, body) = app.chat(&token, &session, "add music").await;
    assert_eq!(status, StatusCode::OK);
    let events = frames(&body.expect("a whole stream"));
    assert!(events.iter().any(|e| e["content"]["parts"][0]["functionCall"]["name"].is_string()), "{events:?}");
    let response = events.iter().find(|e| e["content"]["parts"][0]["functionResponse"].is_object()).expect("a result");
    assert_eq!((response["content"]["role"].as_str(), response["author"].as_str()), (Some("user"), Some("nemo_agent")));
    assert!(events.iter().any(|e| e["partial"] == true && e["content"]["parts"][0]["text"].is_string()));
    assert!(events.iter().all(|e| e["invocationId"] == events[0]["invocationId"] && e["timestamp"].is_f64()));
    assert_eq!(events.last().map(|e| e["turnComplete"].clone()), Some(json!(true)));

    // Render: submit, poll until completed on the manual clock.
    let draft = app.get(&format!("/api/state/nemo_agent/me/{session}/latest"), Some(&token)).await.json()["data"]
        ["state"]["draft"]
        .clone();
    let submit = json!({"id": "render_1795348800000", "sessionId": session, "draft": draft,
                        "output": {"format": "mp4", "quality": "high"}});
    let submitted = app.post("/api/render/proxy/lambda", Some(&token), submit).await.json();
    assert_eq!(
        submitted,
        json!({"success": true, "data": {"id": "render_1795348800000", "status": "pending", "progress": 0}})
    );
    app.clock.advance(Duration::from_secs(3));
    let polled = app.get("/api/render/proxy/lambda/render_1795348800000", Some(&token)).await.json();
    assert_eq!(polled["data"]["status"], "processing");
    app.clock.advance(Duration::from_secs(4));
    let done = app.get("/api/render/proxy/lambda/render_1795348800000", Some(&token)).await.json();
    assert_eq!((done["data"]["status"].as_str(), done["data"]["progress"].as_u64()), (Some("completed"), Some(100)));
    let output = done["data"]["outputUrl"].as_str().expect("an output url");
    assert_eq!(output, format!("{}/cdn/renders/render_1795348800000.mp4", app.base));

    // Download: the CDN (no auth) and the fallback agree; a range gives the tail.
    let from_cdn = app.get(output, None).await;
    assert_eq!((from_cdn.status, from_cdn.headers["content-length"].to_str().ok()), (StatusCode::OK, Some("4096")));
    assert!(from_cdn.body.starts_with(b"NEMOFAKE RENDER render_1795348800000"));
    let fallback = app.get("/api/render/proxy/render_1795348800000/download", Some(&token)).await;
    assert_eq!(fallback.status, StatusCode::OK);
    assert_eq!(fallback.body, from_cdn.body);
    let ranged = app.http.get(output).header("Range", "bytes=100-").send().await.expect("ranged");
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.headers()[CONTENT_RANGE], "bytes 100-4095/4096");
    assert_eq!(ranged.bytes().await.expect("tail").as_ref(), &from_cdn.body[100..]);
    let past = app.http.get(output).header("Range", "bytes=4096-").send().await.expect("past the end");
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let no_auth = app.get("/api/render/proxy/render_1795348800000/download", None).await;
    assert_eq!(no_auth.status, StatusCode::UNAUTHORIZED);

    // Temporary download files do not pile up.
    let leftovers = std::fs::read_dir(app.storage.path().join("tmp")).map(Iterator::count).unwrap_or(0);
    assert_eq!(leftovers, 0);
    app.stop().await;
}

#[tokio::test]
async fn simple_shape_through_the_switch() {
    let app = spawn_app(1 << 20).await;
    let (token, session) = app.login().await;
    app.upload(&token, &session, "beach.mp4", CLIP).await;
    let switched = app.post("/_fake/sse-shape", None, json!({"shape": "simple"})).await;
    assert_eq!(switched.json()["data"]["shape"], "simple");
    assert_eq!(app.cloud.sse_shape(), SseShape::SimpleTyped);
    let (_, body) = app.chat(&token, &session, "add music").await;
    let events = frames(&body.expect("a stream"));
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(types.first(), Some(&"tool_call"));
    assert!(types.contains(&"tool_result") && types.contains(&"text"), "{types:?}");
    assert!(events.iter().all(|e| e["type"].is_string()));
    app.stop().await;
}

#[tokio::test]
async fn uploads_refuse_big_and_unknown_files_and_take_urls() {
    let app = spawn_app(16).await;
    let (token, session) = app.login().await;
    let big = app.upload(&token, &session, "big.mp4", &[7u8; 64]).await.json();
    assert_eq!(big["code"], 4002, "{big}");
    let odd = app.upload(&token, &session, "notes.txt", b"x").await.json();
    assert_eq!(odd["code"], 4001, "{odd}");
    let urls = json!({"urls": ["https://example.com/media/sea.mp4"], "source_type": "url"});
    let by_url = app.post(&format!("/api/upload-video/nemo_agent/me/{session}"), Some(&token), urls).await.json();
    assert_eq!(by_url["data"]["files"][0]["filename"], "sea.mp4", "{by_url}");
    let bad_url = json!({"urls": ["https://example.com/readme.txt"], "source_type": "url"});
    let refused = app.post(&format!("/api/upload-video/nemo_agent/me/{session}"), Some(&token), bad_url).await.json();
    assert_eq!(refused["code"], 4001);
    let missing = app.post("/api/upload-video/nemo_agent/me/404", Some(&token), json!({"urls": []})).await.json();
    assert_eq!(missing["code"], 400);
    app.stop().await;
}

#[tokio::test]
async fn a_dropped_stream_cuts_the_connection() {
    let app = spawn_app(1 << 20).await;
    let (token, session) = app.login().await;
    app.upload(&token, &session, "beach.mp4", CLIP).await;
    let queued = app.inject(json!({"fault": {"kind": "drop_stream", "after_events": 1, "edit_applied": true}})).await;
    assert_eq!(queued.status, StatusCode::OK);
    let body = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": session,
                      "new_message": {"parts": [{"text": "add music"}]}});
    let mut reply = app
        .http
        .post(format!("{}/run_sse", app.base))
        .bearer_auth(&token)
        .body(body.to_string())
        .send()
        .await
        .expect("the stream starts");
    assert_eq!(reply.headers()[CONTENT_TYPE], "text/event-stream");
    let mut received = Vec::new();
    let ending = loop {
        match reply.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            other => break other,
        }
    };
    assert!(ending.is_err(), "the body must end in an error, got {ending:?}");
    let events = frames(&String::from_utf8_lossy(&received));
    assert_eq!(events.len(), 1, "the event before the drop arrived");
    app.stop().await;
}

#[tokio::test]
async fn faults_through_the_admin_routes() {
    let app = spawn_app(1 << 20).await;
    let (token, session) = app.login().await;

    let busy = json!({"endpoint": "credits",
                      "fault": {"kind": "fail", "status": 503, "code": null, "message": "busy", "retry_after_secs": 3}});
    assert_eq!(app.inject(busy).await.status, StatusCode::OK);
    let refused = app.get("/api/credits/balance/simple", Some(&token)).await;
    assert_eq!(
        (refused.status, refused.headers[RETRY_AFTER].to_str().ok()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("3"))
    );
    assert_eq!(refused.json(), json!({"code": 503, "message": "busy", "data": null}));

    let no_credits = json!({"endpoint": "send_message", "fault": {"kind": "fail", "status": 200, "code": 2001, "message": "no credits"}});
    app.inject(no_credits).await;
    let (status, body) = app.chat(&token, &session, "hello").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body.expect("a JSON answer")).ok().map(|v| v["code"].clone()),
        Some(json!(2001))
    );

    app.inject(json!({"endpoint": "state", "fault": {"kind": "maybe_sent"}})).await;
    let cut =
        app.http.get(format!("{}/api/state/nemo_agent/me/{session}/latest", app.base)).bearer_auth(&token).send().await;
    assert!(cut.is_err(), "the connection is cut without an answer");

    let bad = app.post("/_fake/faults", None, json!({"endpoint": "credits", "fault": {"kind": "cdn_down"}})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let garbage = app.send(Method::POST, "/_fake/latency", None, None).await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.post("/_fake/latency", None, json!({"ms": 0})).await.status, StatusCode::OK);

    let calls = app.get("/_fake/calls", None).await;
    assert!(!calls.text().contains(&token), "the call log never holds a token");
    let calls = calls.json();
    let endpoints: Vec<&str> =
        calls["data"]["calls"].as_array().into_iter().flatten().filter_map(|c| c["endpoint"].as_str()).collect();
    assert_eq!(endpoints.first(), Some(&"anonymous_token"));
    assert!(endpoints.contains(&"send_message") && endpoints.contains(&"credits"), "{endpoints:?}");
    assert_eq!(app.cloud.fake().calls_to(Endpoint::State).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn cdn_down_falls_back_to_the_authenticated_download() {
    let app = spawn_app(1 << 20).await;
    let (token, session) = app.login().await;
    app.upload(&token, &session, "beach.mp4", CLIP).await;
    let draft = app.get(&format!("/api/state/nemo_agent/me/{session}/latest"), Some(&token)).await.json()["data"]
        ["state"]["draft"]
        .clone();
    app.post("/api/render/proxy/lambda", Some(&token), json!({"id": "render_5", "sessionId": session, "draft": draft}))
        .await;
    app.clock.advance(Duration::from_secs(10));
    let done = app.get("/api/render/proxy/lambda/render_5", Some(&token)).await.json();
    let output = done["data"]["outputUrl"].as_str().expect("a url").to_owned();
    app.inject(json!({"fault": {"kind": "cdn_down"}})).await;
    assert_eq!(app.get(&output, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/render/proxy/render_5/download", Some(&token)).await.status, StatusCode::OK);
    assert_eq!(app.get(&output, None).await.status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn shutdown_is_graceful_and_prompt() {
    let app = spawn_app(1 << 20).await;
    // A pooled keep-alive connection must not hold the shutdown up.
    assert_eq!(app.get("/api/nothing", None).await.status, StatusCode::NOT_FOUND);
    let base = app.base.clone();
    let http = app.http.clone();
    tokio::time::timeout(Duration::from_secs(30), app.stop()).await.expect("the server stops");
    assert!(http.get(format!("{base}/api/nothing")).send().await.is_err(), "nothing listens any more");
}
