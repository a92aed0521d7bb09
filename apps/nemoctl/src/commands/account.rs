//! `login`, `logout`, `credits`: the token and the balance (never the token itself). The
//! `show_*` functions print a result the same way whether it came from this process or from
//! nemod.

use nemo_daemon_client::wire::{AccountView, CreditsView, LogoutReply, TokenSource};
use serde_json::json;

use super::Ctx;
use crate::config::Config;
use crate::failure::CliError;
use crate::report::{Reporter, value_of};

/// What `login`, `logout` and `credits` say offline, where there is no account.
pub const NO_ACCOUNT: &str =
    "Offline there is no account: everything runs on this machine, free, with no token and no credits.";

/// `login`.
pub async fn login(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(NO_ACCOUNT, json!({"offline": true}));
        return Ok(());
    }
    let account = ctx.nemo.login(ctx.reporter).await?;
    show_login(ctx.reporter, &AccountView::of(&account));
    Ok(())
}

/// Prints who is connected.
pub fn show_login(reporter: &Reporter, account: &AccountView) {
    if account.offline {
        reporter.done(NO_ACCOUNT, json!({"offline": true}));
        return;
    }
    let who = account.user_id.as_deref().unwrap_or("an unknown account");
    let origin = match account.origin {
        TokenSource::Env => "token from NEMO_TOKEN",
        TokenSource::Stored => "stored token",
        TokenSource::Anonymous => "new free anonymous token",
    };
    let mut text = format!("Logged in as {who} ({origin}); {} credits available", account.credits.available);
    if let Some(expiry) = &account.expires_at {
        text.push_str(&format!("; expires {expiry}"));
    }
    reporter.done(&text, value_of(account));
}

/// `logout`.
pub async fn logout(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(NO_ACCOUNT, json!({"offline": true}));
        return Ok(());
    }
    ctx.nemo.logout().await?;
    show_logout(ctx.reporter, ctx.config);
    Ok(())
}

/// Prints that the stored token is forgotten.
pub fn show_logout(reporter: &Reporter, config: &Config) {
    let mut text = "Forgot the stored token (the client id stays).".to_owned();
    if config.env_token.is_some() {
        text.push_str(" NEMO_TOKEN is still set and will be used.");
    }
    reporter.done(&text, value_of(&LogoutReply { logged_out: true }));
}

/// `credits`.
pub async fn credits(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        show_credits(ctx.reporter, &CreditsView::offline());
        return Ok(());
    }
    let credits = ctx.nemo.credits(ctx.reporter).await?;
    show_credits(ctx.reporter, &CreditsView::of(&credits));
    Ok(())
}

/// The `--json` object of an offline balance: there is none.
pub fn offline_json() -> serde_json::Value {
    json!({"offline": true, "available": null})
}

/// Prints the balance.
pub fn show_credits(reporter: &Reporter, credits: &CreditsView) {
    if credits.offline {
        reporter.done(NO_ACCOUNT, offline_json());
        return;
    }
    reporter.done(
        &format!("available {}  frozen {}  total {}", credits.available, credits.frozen, credits.total),
        value_of(credits),
    );
}
