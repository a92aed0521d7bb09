//! Files streamed from disk (the CDN routes and the render download): `Content-Length`,
//! `Accept-Ranges`, and `Range: bytes=N-` / `bytes=N-M` answered with `206` and
//! `Content-Range`. Never a whole file in memory.

use std::io::SeekFrom;
use std::path::Path;

use hyper::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use tokio::fs::File;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::body::{self, Reply};

/// Read buffer of a streamed file.
const BUFFER: usize = 256 * 1024;

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wanted {
    /// The whole file (no header, or one this server does not understand).
    Whole,
    /// Bytes `start..=end`.
    Part {
        /// First byte.
        start: u64,
        /// Last byte (inclusive).
        end: u64,
    },
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

/// Parses a `Range` header value against a file of `len` bytes: `bytes=N-` and `bytes=N-M`
/// (one range); anything else is ignored, as HTTP allows.
pub(crate) fn wanted(range: Option<&str>, len: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else { return Wanted::Whole };
    let Some((start, end)) = spec.split_once('-') else { return Wanted::Whole };
    let Ok(start) = start.trim().parse::<u64>() else { return Wanted::Whole };
    let end = match end.trim() {
        "" => None,
        end => match end.parse::<u64>() {
            Ok(end) if end >= start => Some(end),
            _ => return Wanted::Whole,
        },
    };
    if start >= len {
        return Wanted::Unsatisfiable;
    }
    let last = len - 1;
    Wanted::Part { start, end: end.map_or(last, |end| end.min(last)) }
}

/// Streams the file at `path` as `content_type`, honouring `range`. The file may be removed
/// once this returns (the open handle keeps it readable on Unix).
///
/// # Errors
/// When the file cannot be opened, read for its size, or sought.
pub(crate) async fn serve(path: &Path, content_type: &'static str, range: Option<&str>) -> std::io::Result<Reply> {
    let mut file = File::open(path).await?;
    let len = file.metadata().await?.len();
    let (status, start, count) = match wanted(range, len) {
        Wanted::Whole => (StatusCode::OK, 0, len),
        Wanted::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Wanted::Unsatisfiable => {
            let mut reply = body::with_type(StatusCode::RANGE_NOT_SATISFIABLE, "text/plain; charset=utf-8", "");
            reply.headers_mut().insert(CONTENT_RANGE, header(&format!("bytes */{len}")));
            return Ok(reply);
        }
    };
    file.seek(SeekFrom::Start(start)).await?;
    let stream = ReaderStream::with_capacity(file.take(count), BUFFER);
    let mut reply = Response::new(body::streamed(stream));
    *reply.status_mut() = status;
    let headers = reply.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(count));
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        headers.insert(CONTENT_RANGE, header(&format!("bytes {start}-{}/{len}", start + count - 1)));
    }
    Ok(reply)
}

/// A header value from text this module formats itself (digits, spaces, `-`, `/`, `*`).
fn header(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("bytes */0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_from_an_offset_to_the_end() {
        assert_eq!(wanted(Some("bytes=100-"), 4096), Wanted::Part { start: 100, end: 4095 });
        assert_eq!(wanted(Some("bytes=0-"), 1), Wanted::Part { start: 0, end: 0 });
    }

    #[test]
    fn bounded_ranges_are_clamped_to_the_file() {
        assert_eq!(wanted(Some("bytes=10-19"), 4096), Wanted::Part { start: 10, end: 19 });
        assert_eq!(wanted(Some("bytes=10-99999"), 4096), Wanted::Part { start: 10, end: 4095 });
    }

    #[test]
    fn ranges_past_the_end_are_unsatisfiable() {
        assert_eq!(wanted(Some("bytes=4096-"), 4096), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
    }

    #[test]
    fn anything_else_means_the_whole_file() {
        for header in [None, Some("items=1-"), Some("bytes=-500"), Some("bytes=5-2"), Some("bytes=a-"), Some("bytes=1")]
        {
            assert_eq!(wanted(header, 4096), Wanted::Whole, "{header:?}");
        }
    }
}
