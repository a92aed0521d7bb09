//! One function per route: check what this server checks itself (headers, body shape), call
//! the wrapped fake through the `Backend` port, and answer in the route's envelope. Nothing
//! here panics on request data; every parse failure is an answer.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue, RANGE};
use hyper::{HeaderMap, Request, Response};
use nemo_core::draft::Draft;
use nemo_core::ids::{RenderId, SessionId, TaskId, Token};
use nemo_core::media::{LocalMedia, MediaUrl};
use nemo_core::model::RenderRequest;
use nemo_core::ports::{Backend, NoProgress};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_json::value::RawValue;

use crate::body::{self, Outcome, Reply};
use crate::envelope::{self, Family};
use crate::routes::Route;
use crate::upload::{self, Target};
use crate::{FakeCloud, admin, auth, cdn, files, sse, wire};

/// The largest JSON body read (drafts can be big).
const JSON_LIMIT: usize = 64 * 1024 * 1024;

/// Answers one request.
pub(crate) async fn handle(cloud: Arc<FakeCloud>, request: Request<Incoming>, local: SocketAddr) -> Outcome {
    let (parts, body) = request.into_parts();
    let base = base_url(&parts.headers, local);
    let route = Route::parse(&parts.method, parts.uri.path());
    let cx = Cx { cloud: &cloud, base, headers: &parts.headers, family: route.family() };
    let outcome = answer_route(&cx, &route, &parts.method, parts.uri.path(), body).await;
    // A reply delay holds the answer back after the work is done (`/_fake/reply-delay`).
    if let Some(delay) = route.endpoint().map(|e| cloud.reply_delay(e)).filter(|d| !d.is_zero()) {
        tokio::time::sleep(delay).await;
    }
    outcome
}

async fn answer_route(cx: &Cx<'_>, route: &Route, method: &hyper::Method, path: &str, body: Incoming) -> Outcome {
    let cloud = cx.cloud;
    match route.clone() {
        Route::AnonymousToken => cx.anonymous_token().await,
        Route::CreateSession => cx.create_session(body).await,
        Route::ClaimToken => cx.claim_token(body).await,
        Route::RunSse => cx.run_sse(body).await,
        Route::Upload(sid) => cx.upload(&sid, body).await,
        Route::State(sid) => cx.state(&sid).await,
        Route::Credits => cx.credits().await,
        Route::SubmitRender => cx.submit_render(body).await,
        Route::RenderStatus(id) => cx.render_status(&id).await,
        Route::CancelRender(id) => cx.cancel_render(&id).await,
        Route::DownloadRender(id) => cx.download_render(&id).await,
        Route::Cdn(rest) => cx.cdn(&rest).await,
        Route::AdminFaults | Route::AdminLatency | Route::AdminSseShape | Route::AdminReplyDelay => {
            Ok(cx.admin(route, body).await)
        }
        Route::AdminCalls => Ok(cx.ok(&admin::calls(&cloud.fake.calls()))),
        Route::Unknown => {
            let message = format!("unknown route: {method} {path}");
            Ok(cx.status(404, message))
        }
    }
}

/// This server's base URL as the client sees it: from `Host`, else the bound address.
fn base_url(headers: &HeaderMap, local: SocketAddr) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)));
    match host {
        Some(host) => format!("http://{host}"),
        None => format!("http://{local}"),
    }
}

/// `?`-style early answer: a `Result` whose error is already the reply.
macro_rules! answer {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(reply) => return Ok(reply),
        }
    };
}

/// `?`-style early answer for a fake's error, in the route's envelope (`$cx.family`).
macro_rules! call {
    ($cx:expr, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return envelope::from_api($cx.family, &error),
        }
    };
}

/// What every handler needs.
struct Cx<'a> {
    cloud: &'a Arc<FakeCloud>,
    base: String,
    headers: &'a HeaderMap,
    /// The envelope the route answers in ([`Route::family`]).
    family: Family,
}

/// §4.2 body.
#[derive(Deserialize)]
struct SessionBody {
    #[serde(default)]
    task_name: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// §4.3 body.
#[derive(Deserialize)]
struct ClaimBody {
    task_id: String,
    session_id: String,
}

/// §4.4 body (snake_case, ADK's).
#[derive(Deserialize)]
struct RunBody {
    session_id: String,
    new_message: Message,
}

#[derive(Deserialize)]
struct Message {
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    #[serde(default)]
    text: Option<String>,
}

/// §4.5 JSON body.
#[derive(Deserialize)]
struct UrlsBody {
    urls: Vec<String>,
}

/// §4.8 submit body; the draft is kept as text.
#[derive(Deserialize)]
struct RenderBody {
    id: String,
    #[serde(rename = "sessionId")]
    session_id: String,
    draft: Box<RawValue>,
}

impl Cx<'_> {
    fn fake(&self) -> &nemo_fake::FakeBackend {
        &self.cloud.fake
    }

    /// A success in the route's envelope.
    fn ok(&self, data: &impl Serialize) -> Reply {
        envelope::ok(self.family, data)
    }

    /// A refusal by HTTP status in the route's envelope.
    fn status(&self, status: u16, message: impl Into<String>) -> Reply {
        envelope::status(self.family, status, message)
    }

    /// The bearer token, or the 401 answer in the route's envelope.
    fn bearer(&self) -> Result<Token, Reply> {
        auth::bearer(self.headers, self.family)
    }

    /// The whole body, at most [`JSON_LIMIT`] bytes.
    async fn read_body(&self, body: Incoming) -> Result<Bytes, Reply> {
        match Limited::new(body, JSON_LIMIT).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) => Err(self.status(400, format!("cannot read the body: {e}"))),
        }
    }

    /// A JSON body as `T`, or 400.
    fn parse_json<'a, T: Deserialize<'a>>(&self, bytes: &'a [u8]) -> Result<T, Reply> {
        serde_json::from_slice(bytes).map_err(|e| self.status(400, format!("bad JSON body: {e}")))
    }

    async fn anonymous_token(&self) -> Outcome {
        let client = answer!(auth::client_id(self.headers));
        let grant = call!(self, self.fake().anonymous_token(&client).await);
        Ok(self.ok(&wire::grant(&grant)))
    }

    async fn create_session(&self, body: Incoming) -> Outcome {
        let token = answer!(self.bearer());
        let bytes = answer!(self.read_body(body).await);
        let request: SessionBody = if bytes.iter().all(u8::is_ascii_whitespace) {
            SessionBody { task_name: None, language: None }
        } else {
            answer!(self.parse_json(&bytes))
        };
        let name = request.task_name.unwrap_or_else(|| "project".into());
        let language = request.language.filter(|l| !l.is_empty());
        let session = call!(self, self.fake().create_session(&token, &name, language.as_deref()).await);
        Ok(self.ok(&wire::session(&session)))
    }

    async fn claim_token(&self, body: Incoming) -> Outcome {
        let token = answer!(self.bearer());
        let bytes = answer!(self.read_body(body).await);
        let request: ClaimBody = answer!(self.parse_json(&bytes));
        let ids = TaskId::parse(request.task_id).and_then(|task| Ok((task, SessionId::parse(request.session_id)?)));
        let (task, session) = answer!(ids.map_err(|e| self.status(400, e.to_string())));
        let claim = call!(self, self.fake().claim_token(&token, &task, &session).await);
        Ok(self.ok(&wire::claim(&claim)))
    }

    async fn run_sse(&self, body: Incoming) -> Outcome {
        let token = answer!(self.bearer());
        let bytes = answer!(self.read_body(body).await);
        let request: RunBody = answer!(self.parse_json(&bytes));
        let session = answer!(self.session_id(request.session_id));
        let text: String = request.new_message.parts.into_iter().filter_map(|part| part.text).collect();
        if text.trim().is_empty() {
            return Ok(self.status(400, "new_message.parts holds no text"));
        }
        let events = call!(self, self.fake().send_message(&token, &session, &text).await);
        let framer = sse::Framer::new(self.cloud.sse_shape(), self.cloud.next_number());
        let mut reply = Response::new(body::streamed(sse::body(events, framer, sse::SILENCE)));
        let headers = reply.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        Ok(reply)
    }

    async fn upload(&self, sid: &str, body: Incoming) -> Outcome {
        let token = answer!(self.bearer());
        let session = answer!(self.session_id(sid.to_owned()));
        let content_type = self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let Some(boundary) = upload::boundary(content_type) else {
            return self.upload_urls(&token, &session, body).await;
        };
        let number = || self.cloud.next_number();
        let target =
            Target { storage: self.cloud.storage(), max_bytes: self.cloud.options.max_upload_bytes, number: &number };
        let saved = answer!(upload::save_parts(upload::data_stream(body), boundary, &target).await);
        let mut files = Vec::new();
        let mut applied = true;
        for part in saved {
            let Some(path) = part.path.to_str() else {
                return Ok(self.status(500, "the stored file name is not UTF-8"));
            };
            let media = answer!(LocalMedia::check(path, part.size).map_err(|r| upload::media_refusal(&r)));
            let result = call!(self, self.fake().upload_file(&token, &session, &media, &NoProgress).await);
            for asset in &result.files {
                if let Some(cdn_path) = asset.cdn_url.as_deref().and_then(cdn::asset_path) {
                    self.cloud.remember_asset(cdn_path.to_owned(), part.path.clone());
                }
            }
            applied &= result.session_state_applied;
            files.extend(result.files);
        }
        let result = nemo_core::model::UploadResult { files, session_state_applied: applied };
        Ok(self.ok(&wire::upload(&result, &self.base)))
    }

    async fn upload_urls(&self, token: &Token, session: &SessionId, body: Incoming) -> Outcome {
        let bytes = answer!(self.read_body(body).await);
        let request: UrlsBody = answer!(self.parse_json(&bytes));
        let urls: Result<Vec<MediaUrl>, _> = request.urls.into_iter().map(MediaUrl::check).collect();
        let urls = answer!(urls.map_err(|r| upload::media_refusal(&r)));
        if urls.is_empty() {
            return Ok(self.status(400, "no urls to upload"));
        }
        let result = call!(self, self.fake().upload_urls(token, session, &urls).await);
        Ok(self.ok(&wire::upload(&result, &self.base)))
    }

    async fn state(&self, sid: &str) -> Outcome {
        let token = answer!(self.bearer());
        let session = answer!(self.session_id(sid.to_owned()));
        let state = call!(self, self.fake().state(&token, &session).await);
        Ok(self.ok(&wire::state(&state, &self.base)))
    }

    async fn credits(&self) -> Outcome {
        let token = answer!(self.bearer());
        let credits = call!(self, self.fake().credits(&token).await);
        Ok(self.ok(&wire::credits(&credits)))
    }

    async fn submit_render(&self, body: Incoming) -> Outcome {
        let token = answer!(self.bearer());
        if !auth::attributed(self.headers) {
            return Ok(auth::export_blocked());
        }
        let bytes = answer!(self.read_body(body).await);
        let request: RenderBody = answer!(self.parse_json(&bytes));
        let bad = |e: String| self.status(400, e);
        let id = answer!(RenderId::parse(request.id).map_err(|e| bad(e.to_string())));
        let session = answer!(SessionId::parse(request.session_id).map_err(|e| bad(e.to_string())));
        let draft = answer!(Draft::from_json(request.draft.get()).map_err(|e| bad(e.to_string())));
        let request = RenderRequest { id, session_id: session, draft };
        let status = call!(self, self.fake().submit_render(&token, &request).await);
        Ok(self.ok(&wire::render(&status, &self.base)))
    }

    async fn render_status(&self, id: &str) -> Outcome {
        let token = answer!(self.bearer());
        let id = answer!(self.render_id(id));
        let status = call!(self, self.fake().render_status(&token, &id).await);
        Ok(self.ok(&wire::render(&status, &self.base)))
    }

    async fn cancel_render(&self, id: &str) -> Outcome {
        let token = answer!(self.bearer());
        let id = answer!(self.render_id(id));
        call!(self, self.fake().cancel_render(&token, &id).await);
        Ok(self.ok(&json!({"id": id.as_str(), "cancelled": true})))
    }

    async fn download_render(&self, id: &str) -> Outcome {
        let token = answer!(self.bearer());
        let id = answer!(self.render_id(id));
        let dest = answer!(self.temp_file(&format!("{id}.mp4")).await);
        let Some(dest_text) = dest.to_str() else {
            return Ok(self.status(500, "the storage path is not UTF-8"));
        };
        call!(self, self.fake().download_render(&token, &id, dest_text, &NoProgress).await);
        Ok(self.serve_temp(&dest).await)
    }

    async fn cdn(&self, rest: &str) -> Outcome {
        if cdn::render_of(rest).is_some() {
            let dest = answer!(self.temp_file("render.mp4").await);
            let Some(dest_text) = dest.to_str() else {
                return Ok(self.status(500, "the storage path is not UTF-8"));
            };
            call!(self, self.fake().download_url(&cdn::to_fake(rest), dest_text, &NoProgress).await);
            return Ok(self.serve_temp(&dest).await);
        }
        match self.cloud.asset_file(rest) {
            Some(path) => Ok(self.serve_file(&path, nemo_core::media::mime_type(rest)).await),
            None => Ok(self.status(404, "not found")),
        }
    }

    async fn admin(&self, route: &Route, body: Incoming) -> Reply {
        let bytes = match self.read_body(body).await {
            Ok(bytes) => bytes,
            Err(reply) => return reply,
        };
        let done = match route {
            Route::AdminFaults => admin::parse_fault(&bytes).map(|(endpoint, fault)| {
                self.fake().inject(endpoint, fault);
                json!({"queued": true})
            }),
            Route::AdminLatency => admin::parse_latency(&bytes).map(|latency| {
                self.fake().set_latency(latency);
                json!({"latency_ms": latency.as_millis() as u64})
            }),
            Route::AdminReplyDelay => admin::parse_reply_delay(&bytes).map(|(endpoint, delay)| {
                self.cloud.set_reply_delay(endpoint, delay);
                json!({"reply_delay_ms": delay.as_millis() as u64})
            }),
            _ => admin::parse_shape(&bytes).map(|shape| {
                self.cloud.set_sse_shape(shape);
                json!({"shape": shape.name()})
            }),
        };
        match done {
            Ok(data) => self.ok(&data),
            Err(message) => self.status(400, message),
        }
    }

    /// A session id from a path or body; an id that cannot exist is an unknown session (1002).
    fn session_id(&self, text: String) -> Result<SessionId, Reply> {
        SessionId::parse(text).map_err(|_| envelope::code(self.family, 1002, "session not found"))
    }

    /// A render id from a path; one that cannot exist is unknown (404).
    fn render_id(&self, text: &str) -> Result<RenderId, Reply> {
        RenderId::parse(text).map_err(|_| self.status(404, "render not found"))
    }

    /// A fresh path for a temporary download.
    async fn temp_file(&self, name: &str) -> Result<PathBuf, Reply> {
        let dir = self.cloud.storage().join("tmp");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| self.status(500, format!("cannot create {}: {e}", dir.display())))?;
        Ok(dir.join(format!("{}-{name}", self.cloud.next_number())))
    }

    /// Streams a temporary file, then removes it (the open handle keeps it readable).
    async fn serve_temp(&self, path: &Path) -> Reply {
        let reply = self.serve_file(path, "video/mp4").await;
        // Best effort: a leftover temp file only costs disk space.
        let _ = tokio::fs::remove_file(path).await;
        reply
    }

    async fn serve_file(&self, path: &Path, content_type: &'static str) -> Reply {
        let range = self.headers.get(RANGE).and_then(|v| v.to_str().ok());
        match files::serve(path, content_type, range).await {
            Ok(reply) => reply,
            Err(e) => self.status(500, format!("cannot read the file: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_comes_from_host_or_the_bound_address() {
        let local: SocketAddr = ([127, 0, 0, 1], 9).into();
        let mut headers = HeaderMap::new();
        assert_eq!(base_url(&headers, local), "http://127.0.0.1:9");
        headers.insert(HOST, HeaderValue::from_static("localhost:8787"));
        assert_eq!(base_url(&headers, local), "http://localhost:8787");
        headers.insert(HOST, HeaderValue::from_static("evil/path"));
        assert_eq!(base_url(&headers, local), "http://127.0.0.1:9");
    }

    /// A fake cloud storing under `storage`, and the headers of a signed-in request.
    fn cloud(storage: PathBuf) -> (Arc<FakeCloud>, HeaderMap) {
        let clock = Arc::new(nemo_fake::ManualClock::new(nemo_core::time::Timestamp::from_unix_ms(0)));
        let fake = Arc::new(nemo_fake::FakeBackend::new(clock, nemo_fake::FakeConfig::default()));
        let cloud = Arc::new(FakeCloud::new(fake, crate::FakeCloudOptions::new(storage)));
        let mut headers = HeaderMap::new();
        headers.insert(hyper::header::AUTHORIZATION, HeaderValue::from_static("Bearer nmv_usr_1"));
        (cloud, headers)
    }

    fn cx<'a>(cloud: &'a Arc<FakeCloud>, headers: &'a HeaderMap, route: &Route) -> Cx<'a> {
        Cx { cloud, base: "http://127.0.0.1:9".into(), headers, family: route.family() }
    }

    async fn body_of(reply: Reply) -> serde_json::Value {
        let bytes = reply.into_body().collect().await.expect("a body").to_bytes();
        serde_json::from_slice(&bytes).expect("a JSON body")
    }

    #[test]
    fn impossible_ids_are_unknown_not_errors() {
        let (cloud, headers) = cloud(std::env::temp_dir());
        let state = cx(&cloud, &headers, &Route::State("a b".into()));
        assert_eq!(state.session_id("a b".into()).err().map(|r| r.status().as_u16()), Some(200));
        let status = cx(&cloud, &headers, &Route::RenderStatus("../x".into()));
        assert_eq!(status.render_id("../x").err().map(|r| r.status().as_u16()), Some(404));
    }

    #[tokio::test]
    async fn a_render_download_that_cannot_be_stored_answers_in_the_render_envelope() {
        // The storage "folder" is a file, so the temporary download cannot be created.
        let storage = std::env::temp_dir().join(format!("nemo-fake-cloud-handlers-{}", std::process::id()));
        std::fs::write(&storage, b"not a folder").expect("a scratch file");
        let (cloud, headers) = cloud(storage.clone());
        let route = Route::DownloadRender("render_1".into());
        let reply = cx(&cloud, &headers, &route).download_render("render_1").await.expect("an answer");
        let _ = std::fs::remove_file(&storage);
        assert_eq!(reply.status().as_u16(), 500);
        let body = body_of(reply).await;
        assert_eq!(body["success"], json!(false), "{body}");
        assert!(body.get("code").is_none(), "{body}");
        assert!(body["error"].as_str().is_some_and(|e| e.starts_with("cannot create")), "{body}");
    }
}
