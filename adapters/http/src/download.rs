//! Downloading to a file safely: the body streams to `dest.part`, which is fsynced and renamed
//! to `dest` only when complete, so `dest` is never half-written.
//!
//! Resuming: a `.part` is resumed only when its sidecar ([`crate::partial`]) names the same
//! source; then the request asks `Range: bytes=N-` (with `If-Range` when the first reply had a
//! strong ETag). A `206` is appended only when its `Content-Range` starts at N and announces
//! nothing (total size, ETag) that contradicts the first reply; otherwise the part is dropped
//! and the file fetched again from zero, in the same attempt. A `200` restarts from zero. A
//! `.part` of anything else (another render, an earlier tool) is replaced, never spliced.
//!
//! The file is renamed only when its size is what the server announced (`Content-Length`, or
//! the `Content-Range` total); the size returned is the file's own. A non-2xx status is a
//! refusal and touches no file. After a transport error mid-body the `.part` is kept (flushed)
//! so that the next attempt resumes; a `.part` this attempt created and left empty is removed.

use nemo_core::error::ApiError;
use nemo_core::ports::{Progress, ProgressEvent};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, ETAG, HeaderMap, IF_RANGE, RANGE};
use tokio::io::AsyncWriteExt;

use crate::envelope::{self, Reply};
use crate::partial::{self, PartOf};
use crate::transport::{self, cut, map_error};

/// Write buffer size.
const BUFFER: usize = 256 * 1024;
/// Progress at most every MiB.
const STEP: u64 = 1024 * 1024;

fn local(path: &str, e: &std::io::Error) -> ApiError {
    ApiError::Local(format!("{path}: {e}"))
}

/// `bytes START-END/TOTAL` → (START, TOTAL if known); `bytes */TOTAL` → (None, TOTAL).
fn content_range(value: &str) -> (Option<u64>, Option<u64>) {
    let Some(rest) = value.trim().strip_prefix("bytes") else { return (None, None) };
    let (range, total) = rest.trim().split_once('/').unwrap_or((rest.trim(), "*"));
    let start = range.split_once('-').and_then(|(s, _)| s.trim().parse().ok());
    (start, total.trim().parse().ok())
}

/// What a reply's headers say about the file.
struct Announced {
    range_start: Option<u64>,
    range_total: Option<u64>,
    length: Option<u64>,
    etag: Option<String>,
}

impl Announced {
    fn of(headers: &HeaderMap) -> Self {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let (range_start, range_total) = header(CONTENT_RANGE).map_or((None, None), content_range);
        let length = header(CONTENT_LENGTH).and_then(|v| v.trim().parse().ok());
        Self { range_start, range_total, length, etag: header(ETAG).map(str::to_owned) }
    }
}

/// A `.part` of this very download, `have` bytes long.
struct Resume {
    have: u64,
    meta: PartOf,
}

/// Why one request did not finish the file.
enum Failure {
    /// The error to report.
    Api(ApiError),
    /// The server's reply does not continue the `.part`: (status, why).
    Stale(u16, String),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

/// One download attempt of `source` (a render id or a result URL, as the sidecar names it):
/// `request` is the GET (with or without auth). Returns the size of the complete file.
///
/// # Errors
/// Refusals for non-2xx, `MaybeSent`/`NotSent` for transport trouble (a reply shorter than
/// announced included), `BadReply` for a reply that contradicts itself, `Local` for file errors.
pub async fn download(
    request: reqwest::RequestBuilder,
    dest: &str,
    source: &str,
    progress: &dyn Progress,
) -> Result<u64, ApiError> {
    let part = format!("{dest}.part");
    let mut request = request;
    if let Some(resume) = resumable(&part, source).await {
        let again = request.try_clone().ok_or_else(|| ApiError::Local("the download cannot be repeated".into()))?;
        match fetch(request, &part, dest, source, Some(&resume), progress).await {
            Err(Failure::Stale(..)) => partial::remove(&part).await,
            Ok(size) => return Ok(size),
            Err(Failure::Api(error)) => return Err(error),
        }
        request = again;
    }
    fetch(request, &part, dest, source, None, progress).await.map_err(|failure| match failure {
        Failure::Api(error) => error,
        Failure::Stale(status, reason) => {
            envelope::bad_reply(&Reply { status, retry_after: None, body: Vec::new() }, &reason)
        }
    })
}

/// The `.part` at `part`, if its sidecar says it is a part of `source`.
async fn resumable(part: &str, source: &str) -> Option<Resume> {
    let have = tokio::fs::metadata(part).await.ok().filter(std::fs::Metadata::is_file)?.len();
    let meta = partial::read(part, source).await?;
    (have > 0).then_some(Resume { have, meta })
}

/// One request: resuming `resume` if given, else the whole file from zero.
async fn fetch(
    request: reqwest::RequestBuilder,
    part: &str,
    dest: &str,
    source: &str,
    resume: Option<&Resume>,
    progress: &dyn Progress,
) -> Result<u64, Failure> {
    let request = match resume {
        Some(resume) => {
            let request = request.header(RANGE, format!("bytes={}-", resume.have));
            match resume.meta.strong_etag() {
                Some(etag) => request.header(IF_RANGE, etag),
                None => request,
            }
        }
        None => request,
    };
    let response = request.send().await.map_err(map_error)?;
    let status = response.status();
    let announced = Announced::of(response.headers());
    if status == StatusCode::RANGE_NOT_SATISFIABLE
        && let Some(resume) = resume
    {
        if announced.range_total == Some(resume.have) && resume.meta.continued_by(Some(resume.have), None) {
            // The `.part` already holds the whole file.
            return Ok(finish(part, dest, resume.have).await?);
        }
        return Err(Failure::Stale(status.as_u16(), "the server cannot resume the partial file".into()));
    }
    if !status.is_success() {
        let reply = transport::read(response).await?;
        return Err(envelope::open(&reply)
            .err()
            .unwrap_or_else(|| envelope::bad_reply(&reply, "unexpected status"))
            .into());
    }
    let (offset, meta) = if status == StatusCode::PARTIAL_CONTENT {
        let Some(resume) = resume else {
            return Err(Failure::Stale(status.as_u16(), "a partial reply to a request for the whole file".into()));
        };
        if announced.range_start != Some(resume.have)
            || !resume.meta.continued_by(announced.range_total, announced.etag.as_deref())
        {
            return Err(Failure::Stale(status.as_u16(), "the partial reply does not continue the partial file".into()));
        }
        (resume.have, resume.meta.clone())
    } else {
        let total = announced.length;
        (0, PartOf { source: source.to_owned(), total, etag: announced.etag.clone() })
    };
    let total = announced.range_total.or(meta.total).or(announced.length.map(|l| l + offset));
    Ok(stream_to_part(response, part, dest, offset, total, (offset == 0).then_some(&meta), progress).await?)
}

/// Writes the body to `part` after its first `offset` bytes (a new part when 0, described by
/// `fresh`), checks the size against `total`, and renames it to `dest`.
async fn stream_to_part(
    mut response: reqwest::Response,
    part: &str,
    dest: &str,
    offset: u64,
    total: Option<u64>,
    fresh: Option<&PartOf>,
    progress: &dyn Progress,
) -> Result<u64, ApiError> {
    let append = offset > 0;
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .await
        .map_err(|e| local(part, &e))?;
    if let Some(meta) = fresh {
        partial::write(part, meta).await?;
    }
    let mut writer = tokio::io::BufWriter::with_capacity(BUFFER, file);
    let mut received = offset;
    let mut reported = offset;
    progress.report(ProgressEvent::Download { received, total });
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                writer.write_all(&chunk).await.map_err(|e| local(part, &e))?;
                received += chunk.len() as u64;
                if received - reported >= STEP {
                    reported = received;
                    progress.report(ProgressEvent::Download { received, total });
                }
            }
            Ok(None) => break,
            Err(error) => {
                let flushed = writer.flush().await;
                if received == 0 || flushed.is_err() {
                    partial::remove(part).await;
                }
                return Err(cut(map_error(error)));
            }
        }
    }
    writer.flush().await.map_err(|e| local(part, &e))?;
    let file = writer.into_inner();
    file.sync_all().await.map_err(|e| local(part, &e))?;
    let size = file.metadata().await.map_err(|e| local(part, &e))?.len();
    drop(file);
    if reported != received {
        progress.report(ProgressEvent::Download { received, total });
    }
    match total {
        Some(total) if size < total => Err(ApiError::MaybeSent(format!(
            "the download ended after {size} of {total} bytes; the partial file is kept for the next attempt"
        ))),
        Some(total) if size > total => {
            partial::remove(part).await;
            let reply = Reply { status: 200, retry_after: None, body: Vec::new() };
            Err(envelope::bad_reply(&reply, &format!("{size} bytes received, {total} announced; the file was dropped")))
        }
        _ => finish(part, dest, size).await,
    }
}

async fn finish(part: &str, dest: &str, size: u64) -> Result<u64, ApiError> {
    tokio::fs::rename(part, dest).await.map_err(|e| local(dest, &e))?;
    partial::forget(part).await;
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_are_read() {
        assert_eq!(content_range("bytes 100-199/200"), (Some(100), Some(200)));
        assert_eq!(content_range("bytes 100-199/*"), (Some(100), None));
        assert_eq!(content_range("bytes */200"), (None, Some(200)));
        assert_eq!(content_range("items 1-2/3"), (None, None));
    }
}
