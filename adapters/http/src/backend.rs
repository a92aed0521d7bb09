//! [`HttpBackend`]: the backend port over HTTP. One small method per endpoint over the shared
//! helpers: build the request, send it, open the envelope, convert the data.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use nemo_core::error::ApiError;
use nemo_core::ids::{ClientId, RenderId, SessionId, TaskId, Token};
use nemo_core::media::{LocalMedia, MediaUrl};
use nemo_core::model::{
    AnonymousGrant, ClaimGrant, Credits, NewSession, RenderPhase, RenderRequest, RenderStatus, SessionState,
    UploadResult,
};
use nemo_core::ports::{Backend, Clock, EventStream, Progress};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::redirect::Policy;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::config::HttpConfig;
use crate::envelope::{Accepted, open};
use crate::retry::retrying;
use crate::transport::{self, bearer, map_error};
use crate::{SetupError, convert, download, origin, stream, upload, wire};

/// The NemoVideo service over HTTP.
pub struct HttpBackend {
    /// Carries the token: follows redirects within the API's origin only.
    client: reqwest::Client,
    /// Never carries the token (result URLs on a CDN): follows redirects anywhere.
    public: reqwest::Client,
    base: String,
    config: HttpConfig,
    clock: Arc<dyn Clock>,
}

/// Shows where it connects and how; it holds no token.
impl fmt::Debug for HttpBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBackend").field("api_url", &self.base).field("config", &self.config).finish_non_exhaustive()
    }
}

impl HttpBackend {
    /// A backend talking to `config.api_url`, waiting between retries on `clock`.
    ///
    /// # Errors
    /// [`SetupError`] when the URL is not an absolute `http(s)` URL or the client cannot be built.
    pub fn new(config: HttpConfig, clock: Arc<dyn Clock>) -> Result<Self, SetupError> {
        let base = config.api_url.trim().trim_end_matches('/').to_owned();
        let invalid = |reason: &str| SetupError::InvalidUrl { url: config.api_url.clone(), reason: reason.to_owned() };
        let parsed = reqwest::Url::parse(&base).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(invalid("expected http(s)://host"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL takes no query or fragment"));
        }
        let client = transport::client(&config, origin::api_only(parsed))?;
        let public = transport::client(&config, Policy::default())?;
        Ok(Self { client, public, base, config, clock })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get(&self, token: &Token, path: &str) -> Result<reqwest::RequestBuilder, ApiError> {
        Ok(self.client.get(self.url(path)).header(AUTHORIZATION, bearer(token)?))
    }

    fn post_json(&self, token: &Token, path: &str, body: &impl Serialize) -> Result<reqwest::RequestBuilder, ApiError> {
        let body = serde_json::to_vec(body).map_err(|e| ApiError::Local(format!("request body: {e}")))?;
        Ok(self
            .client
            .post(self.url(path))
            .header(AUTHORIZATION, bearer(token)?)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body))
    }

    /// One attempt, no retry (every POST).
    async fn once<T>(
        &self,
        request: reqwest::RequestBuilder,
        convert: impl FnOnce(&Accepted<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let reply = transport::send(request, self.config.request_deadline).await?;
        convert(&open(&reply)?)
    }

    /// An idempotent GET, retried per the policy, all of it — every attempt and every wait
    /// between them — within one request deadline (a server that drips its reply held
    /// `credits` 60 s an attempt, three attempts and their waits).
    async fn idempotent<T>(
        &self,
        token: &Token,
        path: &str,
        convert: impl Fn(&Accepted<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let convert = &convert;
        let attempts = retrying(&self.config.retry, self.clock.as_ref(), || async move {
            let reply = transport::send(self.get(token, path)?, self.config.request_deadline).await?;
            convert(&open(&reply)?)
        });
        transport::within(self.config.request_deadline, attempts).await
    }

    /// A download of `source` (what its `.part` is a part of), retried per the policy (each
    /// attempt resumes from the `.part` of that same source).
    async fn download(
        &self,
        request: impl Fn() -> Result<reqwest::RequestBuilder, ApiError>,
        dest: &str,
        source: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError> {
        let request = &request;
        retrying(&self.config.retry, self.clock.as_ref(), || async move {
            download::download(request()?, dest, source, progress).await
        })
        .await
    }
}

#[async_trait]
impl Backend for HttpBackend {
    async fn anonymous_token(&self, client_id: &ClientId) -> Result<AnonymousGrant, ApiError> {
        let request =
            self.client.post(self.url("/api/auth/anonymous-token")).header("X-Client-Id", client_id.to_string());
        self.once(request, convert::anonymous).await.map_err(|error| match error {
            // The body may hold the token: never keep it in an error.
            ApiError::BadReply { status, reason, .. } => {
                ApiError::BadReply { status, reason, body: "(withheld: it may hold a token)".into() }
            }
            other => other,
        })
    }

    async fn create_session(
        &self,
        token: &Token,
        task_name: &str,
        language: Option<&str>,
    ) -> Result<NewSession, ApiError> {
        let body = wire::CreateSessionBody { task_name, language };
        self.once(self.post_json(token, "/api/tasks/me/with-session/nemo_agent", &body)?, convert::session).await
    }

    async fn claim_token(
        &self,
        token: &Token,
        task_id: &TaskId,
        session_id: &SessionId,
    ) -> Result<ClaimGrant, ApiError> {
        let body = wire::ClaimBody { task_id: task_id.as_str(), session_id: session_id.as_str() };
        self.once(self.post_json(token, "/api/auth/claim-token", &body)?, convert::claim).await
    }

    async fn send_message(&self, token: &Token, session_id: &SessionId, text: &str) -> Result<EventStream, ApiError> {
        let body = wire::ChatBody {
            app_name: "nemo_agent",
            user_id: "me",
            session_id: session_id.as_str(),
            new_message: wire::ChatMessage { parts: [wire::TextPart { text }] },
        };
        let request =
            self.post_json(token, "/run_sse", &body)?.header(ACCEPT, HeaderValue::from_static("text/event-stream"));
        let response = request.send().await.map_err(map_error)?;
        let is_stream = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/event-stream"));
        if response.status().is_success() && is_stream {
            return Ok(stream::chat_events(response));
        }
        let reply = transport::within(self.config.request_deadline, transport::read(response)).await?;
        let accepted = open(&reply)?;
        Err(accepted.bad("expected an event stream"))
    }

    async fn upload_file(
        &self,
        token: &Token,
        session_id: &SessionId,
        file: &LocalMedia,
        progress: &dyn Progress,
    ) -> Result<UploadResult, ApiError> {
        let (form, total, sent) = upload::form(file).await?;
        let request = self
            .client
            .post(self.url(&format!("/api/upload-video/nemo_agent/me/{session_id}")))
            .header(AUTHORIZATION, bearer(token)?)
            .multipart(form);
        let reply = upload::send(request, file.file_name(), total, sent, progress).await?;
        convert::upload(&open(&reply)?)
    }

    async fn upload_urls(
        &self,
        token: &Token,
        session_id: &SessionId,
        urls: &[MediaUrl],
    ) -> Result<UploadResult, ApiError> {
        let body = wire::UploadUrlsBody { urls: urls.iter().map(MediaUrl::as_str).collect(), source_type: "url" };
        let request = self.post_json(token, &format!("/api/upload-video/nemo_agent/me/{session_id}"), &body)?;
        self.once(request, convert::upload).await
    }

    async fn state(&self, token: &Token, session_id: &SessionId) -> Result<SessionState, ApiError> {
        self.idempotent(token, &format!("/api/state/nemo_agent/me/{session_id}/latest"), convert::state).await
    }

    async fn credits(&self, token: &Token) -> Result<Credits, ApiError> {
        self.idempotent(token, "/api/credits/balance/simple", convert::credits).await
    }

    async fn submit_render(&self, token: &Token, request: &RenderRequest) -> Result<RenderStatus, ApiError> {
        let draft = RawValue::from_string(request.draft.as_json().to_owned())
            .map_err(|e| ApiError::Local(format!("the draft is not JSON: {e}")))?;
        let body = wire::RenderBody {
            id: request.id.as_str(),
            session_id: request.session_id.as_str(),
            draft: &draft,
            output: wire::RenderOutput { format: "mp4", quality: "high" },
        };
        let id = &request.id;
        self.once(self.post_json(token, "/api/render/proxy/lambda", &body)?, |reply| {
            convert::render(reply, id, Some(RenderPhase::Pending))
        })
        .await
    }

    async fn render_status(&self, token: &Token, id: &RenderId) -> Result<RenderStatus, ApiError> {
        self.idempotent(token, &format!("/api/render/proxy/lambda/{id}"), |reply| convert::render(reply, id, None))
            .await
    }

    async fn cancel_render(&self, token: &Token, id: &RenderId) -> Result<(), ApiError> {
        let request = self.client.post(self.url(&format!("/api/render/proxy/lambda/{id}/cancel")));
        self.once(request.header(AUTHORIZATION, bearer(token)?), |_| Ok(())).await
    }

    async fn download_url(&self, url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| ApiError::NotSent(format!("invalid download URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ApiError::NotSent("the download URL is not http(s)".into()));
        }
        // The source names the file, not its signature: a query may hold one, and change.
        let mut source = parsed.clone();
        source.set_query(None);
        source.set_fragment(None);
        let _ = source.set_username("");
        let _ = source.set_password(None);
        self.download(|| Ok(self.public.get(parsed.clone())), dest, &format!("url {source}"), progress).await
    }

    async fn download_render(
        &self,
        token: &Token,
        id: &RenderId,
        dest: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError> {
        let path = format!("/api/render/proxy/{id}/download");
        self.download(|| self.get(token, &path), dest, &format!("render {id}"), progress).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nemo_core::attribution::{Attribution, profile};
    use nemo_core::draft::Draft;
    use nemo_core::time::Timestamp;
    use nemo_fake::ManualClock;
    use proptest::prelude::*;

    fn backend(url: &str) -> Result<HttpBackend, SetupError> {
        let attribution = Attribution::new(profile("nemoctl").unwrap(), "unknown".into());
        HttpBackend::new(HttpConfig::new(url, attribution), Arc::new(ManualClock::new(Timestamp::from_unix_ms(0))))
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(backend("http://127.0.0.1:8787/").is_ok());
        assert!(backend("ftp://x").is_err());
        assert!(backend("not a url").is_err());
        assert!(backend("http://h/?q=1").is_err());
        let debug = format!("{:?}", backend("http://127.0.0.1:1").unwrap());
        assert!(debug.contains("127.0.0.1:1") && !debug.contains("Bearer"), "{debug}");
    }

    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            "-?(0|[1-9][0-9]{0,29})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
            "\"([a-z€😀 ]|\\\\u00e9|\\\\n|\\\\\")*\"",
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[ {} ]", v.join(" ,"))),
                proptest::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|v| format!(
                    "{{{}}}",
                    v.iter().map(|(k, x)| format!("\"{k}\" :{x}")).collect::<Vec<_>>().join(",")
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_draft_goes_into_the_render_body_byte_for_byte(inner in json_text()) {
            let text = format!("{{ \"t\": [], \"x\" : {inner} }}");
            let draft = Draft::from_json(text.clone()).unwrap();
            let raw = RawValue::from_string(draft.as_json().to_owned()).unwrap();
            let body = wire::RenderBody {
                id: "render_1",
                session_id: "s",
                draft: &raw,
                output: wire::RenderOutput { format: "mp4", quality: "high" },
            };
            let json = serde_json::to_string(&body).unwrap();
            let expected = format!(r#"{{"id":"render_1","sessionId":"s","draft":{text},"output":{{"format":"mp4","quality":"high"}}}}"#);
            prop_assert_eq!(json, expected);
        }
    }
}
