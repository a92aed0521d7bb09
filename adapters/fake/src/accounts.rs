//! Anonymous accounts: which client id made which user, each user's credits, and the bearer
//! tokens with their expiry. One live token per user; issuing another revokes the old one.

use std::collections::HashMap;
use std::time::Duration;

use nemo_core::error::{ApiError, Refusal};
use nemo_core::ids::{ClientId, Token, UserId};
use nemo_core::model::{AnonymousGrant, Credits};
use nemo_core::time::Timestamp;

use crate::idgen::IdGen;

/// How long an anonymous token lives.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Distinct client ids one address (one fake) may register before it is rate limited.
const CLIENT_IDS_PER_ADDRESS: usize = 10;

/// The wait a rate-limited client is asked for.
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct TokenRecord {
    user: UserId,
    expires_at: Timestamp,
}

#[derive(Debug, Default, Clone, Copy)]
struct Wallet {
    available: i64,
    frozen: i64,
}

/// Users, their credits and their tokens.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    users_by_client: HashMap<ClientId, UserId>,
    wallets: HashMap<UserId, Wallet>,
    tokens: HashMap<String, TokenRecord>,
}

impl Accounts {
    /// A fresh token for the user of `client` (a new user with `starting_credits` the first
    /// time); any earlier token of that user stops working.
    pub(crate) fn grant(
        &mut self,
        client: &ClientId,
        now: Timestamp,
        starting_credits: i64,
        ids: &mut IdGen,
    ) -> Result<AnonymousGrant, ApiError> {
        let user = match self.users_by_client.get(client) {
            Some(user) => user.clone(),
            None if self.users_by_client.len() >= CLIENT_IDS_PER_ADDRESS => {
                return Err(ApiError::Refused(Refusal {
                    status: 429,
                    code: None,
                    message: "too many anonymous tokens from this address".into(),
                    retry_after: Some(RATE_LIMIT_WAIT),
                }));
            }
            None => {
                let user = ids.user();
                self.users_by_client.insert(*client, user.clone());
                self.wallets.insert(user.clone(), Wallet { available: starting_credits, frozen: 0 });
                user
            }
        };
        self.tokens.retain(|_, record| record.user != user);
        let token = ids.token();
        let expires_at = now.plus(TOKEN_LIFETIME);
        self.tokens.insert(token.expose().to_owned(), TokenRecord { user: user.clone(), expires_at });
        let credits = self.wallets.get(&user).map_or(0, |wallet| wallet.available);
        Ok(AnonymousGrant { token, user_id: user, expires_at, credits })
    }

    /// The user a live token belongs to.
    pub(crate) fn authenticate(&self, token: &Token, now: Timestamp) -> Result<UserId, ApiError> {
        match self.tokens.get(token.expose()) {
            Some(record) if now < record.expires_at => Ok(record.user.clone()),
            _ => Err(ApiError::code(1001, "token invalid or expired")),
        }
    }

    /// A user's balance (all zero for an unknown user).
    pub(crate) fn credits(&self, user: &UserId) -> Credits {
        let wallet = self.wallets.get(user).copied().unwrap_or_default();
        Credits { available: wallet.available, frozen: wallet.frozen, total: wallet.available + wallet.frozen }
    }

    /// Reserves `cost` for running work; `message` explains a refusal (2001).
    pub(crate) fn freeze(&mut self, user: &UserId, cost: i64, message: String) -> Result<(), ApiError> {
        let wallet = self.wallets.entry(user.clone()).or_default();
        if wallet.available < cost {
            return Err(ApiError::code(2001, message));
        }
        wallet.available -= cost;
        wallet.frozen += cost;
        Ok(())
    }

    /// Ends a reservation of `amount`: spent, or given back.
    pub(crate) fn settle(&mut self, user: &UserId, amount: i64, spent: bool) {
        let wallet = self.wallets.entry(user.clone()).or_default();
        wallet.frozen -= amount;
        if !spent {
            wallet.available += amount;
        }
    }
}
