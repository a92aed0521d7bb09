//! `login`, `logout`, `credits`: the token and the balance (never the token itself).

use nemo_core::model::TokenOrigin;
use nemo_core::time::Timestamp;
use nemo_daemon_client::wire::credits_json;
use serde_json::json;

use super::Ctx;
use crate::failure::CliError;

/// What `login`, `logout` and `credits` say offline, where there is no account.
const NO_ACCOUNT: &str =
    "Offline there is no account: everything runs on this machine, free, with no token and no credits.";

/// `login`.
pub async fn login(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(NO_ACCOUNT, json!({"offline": true}));
        return Ok(());
    }
    let account = ctx.nemo.login(ctx.reporter).await?;
    let who = account.user_id.as_ref().map_or_else(|| "an unknown account".to_owned(), ToString::to_string);
    let origin = match account.origin {
        TokenOrigin::Environment => "token from NEMO_TOKEN",
        TokenOrigin::Stored => "stored token",
        TokenOrigin::Anonymous => "new free anonymous token",
    };
    let expiry = account.expires_at.map(Timestamp::to_rfc3339);
    let mut text = format!("Logged in as {who} ({origin}); {} credits available", account.credits.available);
    if let Some(expiry) = &expiry {
        text.push_str(&format!("; expires {expiry}"));
    }
    ctx.reporter.done(
        &text,
        json!({
            "user_id": account.user_id.as_ref().map(|u| u.as_str()),
            "origin": match account.origin {
                TokenOrigin::Environment => "env",
                TokenOrigin::Stored => "stored",
                TokenOrigin::Anonymous => "anonymous",
            },
            "expires_at": expiry,
            "credits": credits_json(&account.credits),
        }),
    );
    Ok(())
}

/// `logout`.
pub async fn logout(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(NO_ACCOUNT, json!({"offline": true}));
        return Ok(());
    }
    ctx.nemo.logout().await?;
    let mut text = "Forgot the stored token (the client id stays).".to_owned();
    if ctx.config.env_token.is_some() {
        text.push_str(" NEMO_TOKEN is still set and will be used.");
    }
    ctx.reporter.done(&text, json!({"logged_out": true}));
    Ok(())
}

/// `credits`.
pub async fn credits(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if ctx.offline() {
        ctx.reporter.done(NO_ACCOUNT, json!({"offline": true, "available": null}));
        return Ok(());
    }
    let credits = ctx.nemo.credits(ctx.reporter).await?;
    ctx.reporter.done(
        &format!("available {}  frozen {}  total {}", credits.available, credits.frozen, credits.total),
        credits_json(&credits),
    );
    Ok(())
}
