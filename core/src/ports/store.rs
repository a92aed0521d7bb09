//! The store port: what this client remembers between runs — the client id, the credentials,
//! the projects and the render jobs. Implementations must write atomically.

use async_trait::async_trait;

use crate::ids::{ClientId, RenderId, SessionId, Token, UserId};
use crate::model::{Project, RenderJob};
use crate::time::Timestamp;

/// Local state could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// The token kept between runs (never a `NEMO_TOKEN` from the environment).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCredentials {
    /// The bearer token.
    pub token: Token,
    /// Its account.
    pub user_id: Option<UserId>,
    /// Its expiry.
    pub expires_at: Option<Timestamp>,
}

/// What [`Store::hold_credentials`] gives: other processes wait for the token while it lives.
pub type CredentialsHold = Box<dyn std::any::Any + Send>;

/// Persistent client state.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// The saved client id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when it exists but cannot be read.
    async fn client_id(&self) -> Result<Option<ClientId>, StoreError>;

    /// Saves the client id (replacing any).
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    async fn save_client_id(&self, id: &ClientId) -> Result<(), StoreError>;

    /// The saved credentials, if any.
    ///
    /// # Errors
    /// [`StoreError`] when they exist but cannot be read.
    async fn credentials(&self) -> Result<Option<StoredCredentials>, StoreError>;

    /// Saves credentials (readable by the user only).
    ///
    /// # Errors
    /// [`StoreError`] when they cannot be written.
    async fn save_credentials(&self, credentials: &StoredCredentials) -> Result<(), StoreError>;

    /// Holds other processes off the stored token until the returned value is dropped, so
    /// that "no usable token stored: get one and store it" runs once when several start at
    /// once (each would otherwise burn a grant of the rate limit and revoke the other's).
    ///
    /// # Errors
    /// [`StoreError`] when the hold cannot be taken.
    async fn hold_credentials(&self) -> Result<CredentialsHold, StoreError>;

    /// Forgets the credentials (the client id stays).
    ///
    /// # Errors
    /// [`StoreError`] when they cannot be removed.
    async fn clear_credentials(&self) -> Result<(), StoreError>;

    /// Every saved project, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when they cannot be read.
    async fn projects(&self) -> Result<Vec<Project>, StoreError>;

    /// Inserts or replaces the project with the same session id.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    async fn save_project(&self, project: &Project) -> Result<(), StoreError>;

    /// The current project's session id, if one is selected.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be read.
    async fn current_project(&self) -> Result<Option<SessionId>, StoreError>;

    /// Selects the current project.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    async fn set_current_project(&self, session_id: &SessionId) -> Result<(), StoreError>;

    /// Every render job, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when they cannot be read.
    async fn render_jobs(&self) -> Result<Vec<RenderJob>, StoreError>;

    /// Inserts or replaces the job with the same id.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    async fn save_render_job(&self, job: &RenderJob) -> Result<(), StoreError>;

    /// Removes a job.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    async fn remove_render_job(&self, id: &RenderId) -> Result<(), StoreError>;
}
