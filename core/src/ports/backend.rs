//! The backend port: one method per endpoint of the wire contract. Implemented by the HTTP
//! adapter (the real service), the in-memory fake and the offline engine.

use std::pin::Pin;

use async_trait::async_trait;
use futures::Stream;

use crate::chat::event::ChatEvent;
use crate::error::ApiError;
use crate::ids::{ClientId, RenderId, SessionId, TaskId, Token};
use crate::media::{LocalMedia, MediaUrl};
use crate::model::{
    AnonymousGrant, ClaimGrant, Credits, NewSession, RenderRequest, RenderStatus, SessionState, UploadResult,
};
use crate::ports::progress::Progress;

/// The events of one chat turn. The turn ends when the stream ends; an `Err` item means the
/// connection dropped mid-turn (the message was sent and may still be processed). Dropping the
/// stream closes the connection.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<ChatEvent, ApiError>> + Send>>;

/// The NemoVideo service. Every method sends the attribution headers; all but
/// [`Backend::anonymous_token`] and [`Backend::download_url`] send the bearer token.
///
/// No method retries on its own except where its doc says so; the use cases decide.
/// (Tests use the in-memory fake, a faithful implementation, rather than a mock.)
#[async_trait]
pub trait Backend: Send + Sync {
    /// `POST /api/auth/anonymous-token` with `X-Client-Id`.
    ///
    /// # Errors
    /// HTTP 400 when the service refuses the client id; 429 when rate limited; transport
    /// errors as [`ApiError::NotSent`] / [`ApiError::MaybeSent`].
    async fn anonymous_token(&self, client_id: &ClientId) -> Result<AnonymousGrant, ApiError>;

    /// `POST /api/tasks/me/with-session/nemo_agent`.
    ///
    /// # Errors
    /// 1001/401 for a bad token, 2001 when out of credits, transport errors.
    async fn create_session(
        &self,
        token: &Token,
        task_name: &str,
        language: Option<&str>,
    ) -> Result<NewSession, ApiError>;

    /// `POST /api/auth/claim-token`: a browser link token that is not the real token.
    ///
    /// # Errors
    /// 1001/401, 1002 for an unknown session, transport errors.
    async fn claim_token(
        &self,
        token: &Token,
        task_id: &TaskId,
        session_id: &SessionId,
    ) -> Result<ClaimGrant, ApiError>;

    /// `POST /run_sse`: sends one message and streams the turn. Never retried by the adapter.
    ///
    /// # Errors
    /// Before the stream starts: 1001/401, 1002, 2001, transport errors (a
    /// [`ApiError::MaybeSent`] means the message may be processing). Mid-stream errors are
    /// items of the stream.
    async fn send_message(&self, token: &Token, session_id: &SessionId, text: &str) -> Result<EventStream, ApiError>;

    /// `POST /api/upload-video/...` with one file, streamed from disk with progress.
    ///
    /// # Errors
    /// 4001, 4002, 1001/401, 1002, [`ApiError::Local`] when the file cannot be read,
    /// transport errors.
    async fn upload_file(
        &self,
        token: &Token,
        session_id: &SessionId,
        file: &LocalMedia,
        progress: &dyn Progress,
    ) -> Result<UploadResult, ApiError>;

    /// `POST /api/upload-video/...` with JSON `{"urls": [...], "source_type": "url"}`.
    ///
    /// # Errors
    /// 4001, 4002, 1001/401, 1002, transport errors.
    async fn upload_urls(
        &self,
        token: &Token,
        session_id: &SessionId,
        urls: &[MediaUrl],
    ) -> Result<UploadResult, ApiError>;

    /// `GET /api/state/nemo_agent/me/<sid>/latest`.
    ///
    /// # Errors
    /// 1001/401, 1002, transport errors (retryable: it is a read).
    async fn state(&self, token: &Token, session_id: &SessionId) -> Result<SessionState, ApiError>;

    /// `GET /api/credits/balance/simple`.
    ///
    /// # Errors
    /// 1001/401, transport errors (retryable).
    async fn credits(&self, token: &Token) -> Result<Credits, ApiError>;

    /// `POST /api/render/proxy/lambda`: submits the draft verbatim under the request's id.
    ///
    /// # Errors
    /// 402 without a plan that allows export, a refusal for a duplicate id, 1001/401,
    /// transport errors.
    async fn submit_render(&self, token: &Token, request: &RenderRequest) -> Result<RenderStatus, ApiError>;

    /// `GET /api/render/proxy/lambda/<id>`.
    ///
    /// # Errors
    /// 1001/401, an unknown id, transport errors (retryable on the same id).
    async fn render_status(&self, token: &Token, id: &RenderId) -> Result<RenderStatus, ApiError>;

    /// `POST /api/render/proxy/lambda/<id>/cancel`.
    ///
    /// # Errors
    /// 1001/401, an unknown id, transport errors.
    async fn cancel_render(&self, token: &Token, id: &RenderId) -> Result<(), ApiError>;

    /// Downloads a result URL **without** the bearer token (it points at a CDN) to `dest`,
    /// through `dest.part`, renamed only when complete. Returns the bytes written.
    ///
    /// # Errors
    /// Any non-2xx status as a refusal, transport errors, [`ApiError::Local`] on a write
    /// failure; `dest` is never left half-written.
    async fn download_url(&self, url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError>;

    /// The fallback: `GET /api/render/proxy/<id>/download` with auth, to `dest` as above.
    ///
    /// # Errors
    /// As [`Backend::download_url`], plus 1001/401.
    async fn download_render(
        &self,
        token: &Token,
        id: &RenderId,
        dest: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError>;
}
