//! [`DaemonClient`]: one HTTP/1 request per connection over nemod's Unix socket (hyper's
//! low-level client: no pool, no TCP, nothing to configure). Errors say whether the daemon
//! was reached at all, so that nemoctl can tell "start it with: nemod &" from a refusal.

use std::path::PathBuf;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::net::UnixStream;

use crate::wire::{ErrorBody, ErrorDetail};

/// A request to nemod failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens on the socket (absent, or a daemon that died without removing it).
    #[error("nemod is not running (no daemon answers on {socket}: {reason})")]
    NotRunning {
        /// The socket tried.
        socket: PathBuf,
        /// What the connection said.
        reason: String,
    },
    /// The connection broke after the request may have been sent.
    #[error("the connection to nemod failed: {0}")]
    Connection(String),
    /// nemod refused the request or the work failed.
    #[error("{}", .detail.message)]
    Refused {
        /// The HTTP status.
        status: u16,
        /// What nemod said.
        detail: ErrorDetail,
    },
    /// nemod answered something this client cannot read.
    #[error("unreadable answer from nemod (HTTP {status}): {reason}")]
    BadReply {
        /// The HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
    },
}

/// A client of nemod's API over its Unix socket.
#[derive(Debug, Clone)]
pub struct DaemonClient {
    socket: PathBuf,
}

impl DaemonClient {
    /// A client of the daemon listening on `socket`.
    #[must_use]
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self { socket: socket.into() }
    }

    /// `GET path`, decoding a JSON answer.
    ///
    /// # Errors
    /// See [`ClientError`].
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self.send(Method::GET, path, None).await?;
        decode(response).await
    }

    /// `POST path` with a JSON body, decoding a JSON answer.
    ///
    /// # Errors
    /// See [`ClientError`].
    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ClientError> {
        let body = serde_json::to_vec(body).map_err(|e| ClientError::Connection(e.to_string()))?;
        let response = self.send(Method::POST, path, Some(body)).await?;
        decode(response).await
    }

    /// `POST path` whose answer is JSON lines, each handed to `on_line` as it arrives.
    ///
    /// # Errors
    /// See [`ClientError`]; a line that is not JSON is [`ClientError::BadReply`].
    pub async fn post_lines<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        mut on_line: impl FnMut(Value),
    ) -> Result<(), ClientError> {
        let body = serde_json::to_vec(body).map_err(|e| ClientError::Connection(e.to_string()))?;
        let response = self.send(Method::POST, path, Some(body)).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(refusal(status, collect(response).await?));
        }
        let mut body = response.into_body();
        let mut pending = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| ClientError::Connection(e.to_string()))?;
            let Ok(data) = frame.into_data() else { continue };
            pending.extend_from_slice(&data);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let value = serde_json::from_slice(&line)
                    .map_err(|e| ClientError::BadReply { status: status.as_u16(), reason: e.to_string() })?;
                on_line(value);
            }
        }
        Ok(())
    }

    async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<Response<Incoming>, ClientError> {
        let stream = UnixStream::connect(&self.socket)
            .await
            .map_err(|e| ClientError::NotRunning { socket: self.socket.clone(), reason: e.to_string() })?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| ClientError::Connection(e.to_string()))?;
        // The connection task ends with the response body (or with an error the request sees).
        tokio::spawn(connection);
        let mut builder = Request::builder().method(method).uri(path).header(hyper::header::HOST, "nemod");
        if body.is_some() {
            builder = builder.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| ClientError::Connection(e.to_string()))?;
        sender.send_request(request).await.map_err(|e| ClientError::Connection(e.to_string()))
    }
}

async fn collect(response: Response<Incoming>) -> Result<Bytes, ClientError> {
    let body = response.into_body().collect().await.map_err(|e| ClientError::Connection(e.to_string()))?;
    Ok(body.to_bytes())
}

async fn decode<T: DeserializeOwned>(response: Response<Incoming>) -> Result<T, ClientError> {
    let status = response.status();
    let bytes = collect(response).await?;
    if !status.is_success() {
        return Err(refusal(status, bytes));
    }
    serde_json::from_slice(&bytes).map_err(|e| ClientError::BadReply { status: status.as_u16(), reason: e.to_string() })
}

fn refusal(status: StatusCode, bytes: Bytes) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => ClientError::Refused { status: status.as_u16(), detail: body.error },
        Err(_) => ClientError::BadReply {
            status: status.as_u16(),
            reason: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_daemon_is_told_apart_from_a_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let client = DaemonClient::new(dir.path().join("nemod.sock"));
        let error = client.get::<Value>("/v1/health").await.unwrap_err();
        assert!(matches!(error, ClientError::NotRunning { .. }), "{error:?}");
        assert!(error.to_string().contains("nemod is not running"));
    }
}
