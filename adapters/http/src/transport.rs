//! The seam with reqwest: building the clients, mapping their errors to [`ApiError`] by how
//! far the request got, reading a bounded body within a deadline. No reqwest type leaves this
//! crate.

use std::error::Error as _;
use std::time::Duration;

use nemo_core::error::ApiError;
use nemo_core::ids::Token;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::redirect::Policy;

use crate::SetupError;
use crate::config::HttpConfig;
use crate::envelope::Reply;

/// The largest JSON reply read into memory (downloads and event streams are streamed).
pub const MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;

/// A client: attribution headers on every request, connect and idle timeouts, no total
/// timeout (each call sets its own deadline, or none for a stream), and `redirects`.
pub fn client(config: &HttpConfig, redirects: Policy) -> Result<reqwest::Client, SetupError> {
    let mut headers = HeaderMap::new();
    for (name, value) in config.attribution.headers() {
        let value = HeaderValue::from_str(&value).map_err(|e| SetupError::Client(format!("{name}: {e}")))?;
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| SetupError::Client(format!("{name}: {e}")))?;
        headers.insert(name, value);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("nemo-http/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(config.connect_timeout)
        .read_timeout(config.idle_timeout)
        .redirect(redirects)
        .build()
        .map_err(|e| SetupError::Client(describe(&e)))
}

/// `Authorization: Bearer …`, marked sensitive so no debug output shows it.
pub fn bearer(token: &Token) -> Result<HeaderValue, ApiError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| ApiError::Local("the token cannot be sent in an HTTP header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Maps a reqwest error by how far the request got.
pub fn map_error(error: reqwest::Error) -> ApiError {
    let message = describe(&error);
    if error.is_builder() || error.is_connect() {
        ApiError::NotSent(message)
    } else if error.is_timeout() {
        ApiError::MaybeSent(format!("no data within the idle timeout ({message})"))
    } else {
        ApiError::MaybeSent(message)
    }
}

/// The error and its causes, without the URL.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(&format!(" ({url})"), "").replace(url.as_str(), "<url>");
    }
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `Retry-After` in seconds (an HTTP date is ignored).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Sends a request and reads the whole reply (at most [`MAX_REPLY_BYTES`]), all within
/// `deadline`; past it the exchange is dropped (which closes the connection) as `MaybeSent`.
pub async fn send(request: reqwest::RequestBuilder, deadline: Duration) -> Result<Reply, ApiError> {
    within(deadline, exchange(request)).await
}

/// `work` if it ends within `deadline`; else it is dropped and the result is `MaybeSent`.
pub async fn within<T>(deadline: Duration, work: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
    tokio::time::timeout(deadline, work).await.unwrap_or_else(|_| {
        Err(ApiError::MaybeSent(format!("no complete reply within the {} s deadline", deadline.as_secs_f64())))
    })
}

/// Sends a request and reads the whole reply (at most [`MAX_REPLY_BYTES`]), with no deadline
/// but the idle timeout (an upload takes as long as its file).
pub async fn exchange(request: reqwest::RequestBuilder) -> Result<Reply, ApiError> {
    let response = request.send().await.map_err(map_error)?;
    read(response).await
}

/// Reads a whole reply (at most [`MAX_REPLY_BYTES`]; a longer body is a `BadReply`). A
/// redirect that reaches here is one the client would not follow (see [`crate::origin`]).
pub async fn read(mut response: reqwest::Response) -> Result<Reply, ApiError> {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    if response.status().is_redirection() {
        let reply = Reply { status, retry_after, body: Vec::new() };
        return Err(crate::envelope::bad_reply(
            &reply,
            "a redirect to another origin was not followed: credentials go to the API's origin only",
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| cut(map_error(e)))? {
        if body.len() + chunk.len() > MAX_REPLY_BYTES {
            body.extend_from_slice(&chunk[..MAX_REPLY_BYTES.saturating_sub(body.len())]);
            let reply = Reply { status, retry_after, body };
            return Err(crate::envelope::bad_reply(&reply, "the reply is larger than 32 MiB"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply { status, retry_after, body })
}

/// An error while reading a body: the request was sent.
pub fn cut(error: ApiError) -> ApiError {
    match error {
        ApiError::NotSent(message) => ApiError::MaybeSent(message),
        other => other,
    }
}
