//! Connecting: where the token comes from (`NEMO_TOKEN` → stored → anonymous with the
//! persisted client id), renewing it after 1001, and the `login`/`logout` use cases.

use std::sync::PoisonError;
use std::time::Duration;

use super::{Nemo, store_error};
use crate::error::{Error, ErrorCode};
use crate::ids::{ClientId, UserId};
use crate::model::{Credentials, Credits, TokenOrigin};
use crate::ports::{Backend, Clock, Progress, ProgressEvent, Store, StoredCredentials};
use crate::time::Timestamp;

/// A stored token this close to its expiry is renewed before use.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// Who is connected (never the token itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The account, when known.
    pub user_id: Option<UserId>,
    /// Where the token came from.
    pub origin: TokenOrigin,
    /// The token's expiry, when known.
    pub expires_at: Option<Timestamp>,
    /// The balance.
    pub credits: Credits,
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `login`: makes sure a token exists and reports who is connected and the balance.
    ///
    /// # Errors
    /// [`Error::NotAuthenticated`], [`Error::RateLimited`], [`Error::Unreachable`], store
    /// errors.
    pub async fn login(&self, progress: &dyn Progress) -> Result<Account, Error> {
        let credits = self.credits(progress).await?;
        let credentials = self.credentials(progress).await?;
        Ok(Account {
            user_id: credentials.user_id,
            origin: credentials.origin,
            expires_at: credentials.expires_at,
            credits,
        })
    }

    /// `logout`: forgets the stored token; the client id stays.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn logout(&self) -> Result<(), Error> {
        *self.credentials.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.store.clear_credentials().await.map_err(store_error)
    }

    /// The token to use: `NEMO_TOKEN`, else the stored one (unless expired), else a new
    /// anonymous one. Cached for the life of the service.
    pub(super) async fn credentials(&self, progress: &dyn Progress) -> Result<Credentials, Error> {
        if let Some(cached) = self.credentials.lock().unwrap_or_else(PoisonError::into_inner).clone() {
            return Ok(cached);
        }
        let credentials = match &self.settings.env_token {
            Some(token) => {
                Credentials { token: token.clone(), user_id: None, expires_at: None, origin: TokenOrigin::Environment }
            }
            None => {
                // Read (and, when there is none, get) the token while others wait: a process
                // that waited then finds the token the first one stored.
                let _hold = self.store.hold_credentials().await.map_err(store_error)?;
                match self.usable_stored_credentials().await? {
                    Some(stored) => Credentials {
                        token: stored.token,
                        user_id: stored.user_id,
                        expires_at: stored.expires_at,
                        origin: TokenOrigin::Stored,
                    },
                    None => self.anonymous_credentials(progress).await?,
                }
            }
        };
        *self.credentials.lock().unwrap_or_else(PoisonError::into_inner) = Some(credentials.clone());
        Ok(credentials)
    }

    async fn usable_stored_credentials(&self) -> Result<Option<StoredCredentials>, Error> {
        let stored = self.store.credentials().await.map_err(store_error)?;
        let fresh_until = self.clock.now().plus(EXPIRY_MARGIN);
        Ok(stored.filter(|c| c.expires_at.is_none_or(|expiry| expiry > fresh_until)))
    }

    /// After 1001/401: drops the stored token and gets a new anonymous one with the same
    /// client id.
    pub(super) async fn renew_token(&self, progress: &dyn Progress) -> Result<Credentials, Error> {
        *self.credentials.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.store.clear_credentials().await.map_err(store_error)?;
        let fresh = self.anonymous_credentials(progress).await?;
        *self.credentials.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh.clone());
        Ok(fresh)
    }

    /// Asks for an anonymous token with the persisted client id: HTTP 400 → a new client id
    /// (persisted), once; 429 → wait `Retry-After` or 30 s, once.
    async fn anonymous_credentials(&self, progress: &dyn Progress) -> Result<Credentials, Error> {
        progress.report(ProgressEvent::Step("Getting a free starter token…".into()));
        let mut client_id = self.client_id().await?;
        let (mut new_id, mut waited) = (false, false);
        let grant = loop {
            let error = match self.backend.anonymous_token(&client_id).await {
                Ok(grant) => break grant,
                Err(error) => error,
            };
            match error.error_code() {
                Some(ErrorCode::MissingClientId) if !new_id => {
                    client_id = ClientId::generate();
                    self.store.save_client_id(&client_id).await.map_err(store_error)?;
                    new_id = true;
                }
                Some(ErrorCode::RateLimited) if !waited => {
                    self.wait_rate_limit(&error, progress).await;
                    waited = true;
                }
                Some(ErrorCode::MissingClientId | ErrorCode::TokenInvalid) => {
                    return Err(Error::NotAuthenticated { from_env: false });
                }
                _ => return Err(self.user_error(error)),
            }
        };
        let stored =
            StoredCredentials { token: grant.token, user_id: Some(grant.user_id), expires_at: Some(grant.expires_at) };
        self.store.save_credentials(&stored).await.map_err(store_error)?;
        Ok(Credentials {
            token: stored.token,
            user_id: stored.user_id,
            expires_at: stored.expires_at,
            origin: TokenOrigin::Anonymous,
        })
    }

    /// `NEMO_CLIENT_ID`, else the stored id, else a new one that is stored at once.
    async fn client_id(&self) -> Result<ClientId, Error> {
        if let Some(id) = self.settings.env_client_id {
            return Ok(id);
        }
        if let Some(id) = self.store.client_id().await.map_err(store_error)? {
            return Ok(id);
        }
        let id = ClientId::generate();
        self.store.save_client_id(&id).await.map_err(store_error)?;
        Ok(id)
    }
}
