//! The use cases: one service, [`Nemo`], generic over the ports. Each submodule holds one
//! group of use cases; this file holds the service itself and the call discipline every use
//! case shares (token renewal on 1001/401, one wait-and-retry on 429, error mapping).

mod account;
mod chat;
mod connect;
mod export;
mod jobs;
mod message;
mod poll;
mod projects;
mod quick_edit;
mod upload;

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use account::TracksReport;
pub use chat::{TurnReport, silent_edit_notice};
pub use connect::Account;
pub use export::ExportReport;
pub use message::{FoundFile, NEW_PROJECT, Outcome};
pub use poll::{Cadence, PollPolicy, Seen};
pub use quick_edit::{EditPlan, EditStage};
pub use upload::{UploadSource, check_file, check_file_among};

use crate::error::{ApiError, Error, ErrorCode};
use crate::ids::{ClientId, Token};
use crate::model::{Credentials, TokenOrigin};
use crate::ports::{Backend, Clock, Progress, ProgressEvent, Store, StoreError};

/// How long to wait after a 429 without `Retry-After`.
pub const RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);

/// What the service is told at start-up (from the environment and configuration).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `NEMO_TOKEN`: the user's own token, used as is and never replaced.
    pub env_token: Option<Token>,
    /// `NEMO_CLIENT_ID`: overrides the stored client id.
    pub env_client_id: Option<ClientId>,
    /// The web URL for browser links (`NEMO_WEB_URL`), without a trailing slash.
    pub web_url: String,
    /// Language for new sessions (`--lang`).
    pub language: Option<String>,
    /// Render polling.
    pub poll: PollPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            env_token: None,
            env_client_id: None,
            web_url: "https://nemovideo.com".into(),
            language: None,
            poll: PollPolicy::default(),
        }
    }
}

/// The use cases of nemoctl and nemod over a backend, a clock and a store.
pub struct Nemo<B: ?Sized, C: ?Sized, S: ?Sized> {
    backend: Arc<B>,
    clock: Arc<C>,
    store: Arc<S>,
    settings: Settings,
    credentials: Mutex<Option<Credentials>>,
    last_render_ms: Mutex<u64>,
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// A service over the given ports.
    pub fn new(backend: Arc<B>, clock: Arc<C>, store: Arc<S>, settings: Settings) -> Self {
        Self { backend, clock, store, settings, credentials: Mutex::new(None), last_render_ms: Mutex::new(0) }
    }

    /// The settings the service runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs one backend call with the current token, applying the table's rules for refusals
    /// that guarantee the request was not processed: 1001/401 → renew the token once (never a
    /// `NEMO_TOKEN`) and retry; 429 → wait `Retry-After` or 30 s and retry once. Nothing else is
    /// retried here, so this is safe for a chat message too.
    async fn call<T, F, Fut>(&self, progress: &dyn Progress, mut request: F) -> Result<T, Error>
    where
        F: FnMut(Token) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let (mut renewed, mut waited) = (false, false);
        loop {
            let credentials = self.credentials(progress).await?;
            let error = match request(credentials.token.clone()).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            match error.error_code() {
                Some(ErrorCode::TokenInvalid) if !renewed => {
                    if credentials.origin == TokenOrigin::Environment {
                        return Err(Error::NotAuthenticated { from_env: true });
                    }
                    progress.report(ProgressEvent::Step("The token expired; getting a new one…".into()));
                    self.renew_token(progress).await?;
                    renewed = true;
                }
                Some(ErrorCode::RateLimited) if !waited => {
                    self.wait_rate_limit(&error, progress).await;
                    waited = true;
                }
                _ => return Err(self.user_error(error)),
            }
        }
    }

    async fn wait_rate_limit(&self, error: &ApiError, progress: &dyn Progress) {
        let duration = error.retry_after().unwrap_or(RATE_LIMIT_WAIT);
        progress.report(ProgressEvent::Waiting { reason: "rate limited by the service".into(), duration });
        self.clock.sleep(duration).await;
    }

    /// Translates a backend error into what the user is told.
    fn user_error(&self, error: ApiError) -> Error {
        match error.error_code() {
            Some(ErrorCode::TokenInvalid) => Error::NotAuthenticated { from_env: self.settings.env_token.is_some() },
            Some(ErrorCode::NoCredits) => Error::NoCredits { register_url: self.register_url() },
            Some(ErrorCode::ExportBlocked) => Error::ExportBlocked,
            Some(ErrorCode::RateLimited) => Error::RateLimited { retry_after: error.retry_after() },
            Some(ErrorCode::Transient) => match error {
                ApiError::NotSent(reason) => Error::Unreachable(reason),
                ApiError::MaybeSent(reason) => Error::ConnectionLost(reason),
                other => Error::Api(other),
            },
            _ => Error::Api(error),
        }
    }

    /// `<web>/register?bind=<user_id>` for an anonymous account, `None` otherwise.
    fn register_url(&self) -> Option<String> {
        let credentials = self.credentials.lock().unwrap_or_else(PoisonError::into_inner);
        let user = credentials.as_ref()?.user_id.as_ref()?;
        user.is_anonymous().then(|| format!("{}/register?bind={user}", self.settings.web_url))
    }
}

fn store_error(error: StoreError) -> Error {
    Error::Store(error.0)
}
