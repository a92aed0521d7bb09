//! The response type every handler returns, and the few ways of building one: JSON, plain
//! text, a byte stream; plus [`Abort`], the "cut the connection, answer nothing" outcome.

use std::io;

use bytes::Bytes;
use futures::{Stream, TryStreamExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

/// A response body: whole or streamed; a stream error cuts the connection mid-body.
pub(crate) type Body = UnsyncBoxBody<Bytes, io::Error>;

/// A response.
pub(crate) type Reply = Response<Body>;

/// The request ends without any response: the connection is closed (an injected
/// "maybe sent" fault).
#[derive(Debug, thiserror::Error)]
#[error("connection aborted on purpose (injected fault)")]
pub(crate) struct Abort;

/// What a handler produces: a response, or [`Abort`].
pub(crate) type Outcome = Result<Reply, Abort>;

/// A whole body.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed_unsync()
}

/// A streamed body; an `Err` item aborts the connection.
pub(crate) fn streamed(stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static) -> Body {
    StreamBody::new(stream.map_ok(Frame::data)).boxed_unsync()
}

/// A response with `status`, `content_type` and a whole body.
pub(crate) fn with_type(status: StatusCode, content_type: &'static str, bytes: impl Into<Bytes>) -> Reply {
    let mut reply = Response::new(full(bytes));
    *reply.status_mut() = status;
    reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    reply
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Reply {
    with_type(status, "application/json", value.to_string())
}

/// The status for a number, 500 when it is not a valid status.
pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
