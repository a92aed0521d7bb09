//! Downloading to a file safely: the body streams to `dest.part`, which is fsynced and renamed
//! to `dest` only when complete, so `dest` is never half-written.
//!
//! Resuming: when `dest.part` already holds N > 0 bytes, the request asks `Range: bytes=N-`;
//! a `206` whose `Content-Range` starts at N is appended, a `200` restarts from zero. A non-2xx
//! status is a refusal and touches no file. After a transport error mid-body the `.part` is
//! kept (flushed) so that the next attempt resumes; a `.part` this attempt created and left
//! empty is removed.

use nemo_core::error::ApiError;
use nemo_core::ports::{Progress, ProgressEvent};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, RANGE};
use tokio::io::AsyncWriteExt;

use crate::envelope::{self, Reply};
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

/// One download attempt: `request` is the GET (with or without auth). Returns the size of
/// the complete file.
///
/// # Errors
/// Refusals for non-2xx, `MaybeSent`/`NotSent` for transport trouble, `Local` for file errors.
pub async fn download(request: reqwest::RequestBuilder, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    let part = format!("{dest}.part");
    let have = match tokio::fs::metadata(&part).await {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => 0,
    };
    let request = if have > 0 { request.header(RANGE, format!("bytes={have}-")) } else { request };
    let mut response = request.send().await.map_err(map_error)?;
    let status = response.status();
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (range_start, range_total) = header(CONTENT_RANGE).as_deref().map_or((None, None), content_range);
    let length: Option<u64> = header(CONTENT_LENGTH).and_then(|v| v.parse().ok());
    if status == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 && range_total == Some(have) {
        // The `.part` already holds the whole file.
        return finish(&part, dest, have).await;
    }
    if !status.is_success() {
        let reply = transport::read(response).await?;
        return Err(envelope::open(&reply).err().unwrap_or_else(|| envelope::bad_reply(&reply, "unexpected status")));
    }
    let append = status == StatusCode::PARTIAL_CONTENT;
    let offset = if append {
        if range_start != Some(have) {
            let reply = Reply { status: status.as_u16(), retry_after: None, body: Vec::new() };
            let _ = tokio::fs::remove_file(&part).await;
            return Err(envelope::bad_reply(
                &reply,
                &format!("Content-Range starts at {range_start:?}, expected {have}; the partial file was dropped"),
            ));
        }
        have
    } else {
        0
    };
    let total = range_total.or(length.map(|l| l + offset));
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part)
        .await
        .map_err(|e| local(&part, &e))?;
    let mut writer = tokio::io::BufWriter::with_capacity(BUFFER, file);
    let mut received = offset;
    let mut reported = offset;
    progress.report(ProgressEvent::Download { received, total });
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                writer.write_all(&chunk).await.map_err(|e| local(&part, &e))?;
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
                    let _ = tokio::fs::remove_file(&part).await;
                }
                return Err(cut(map_error(error)));
            }
        }
    }
    writer.flush().await.map_err(|e| local(&part, &e))?;
    let file = writer.into_inner();
    file.sync_all().await.map_err(|e| local(&part, &e))?;
    drop(file);
    if reported != received {
        progress.report(ProgressEvent::Download { received, total });
    }
    finish(&part, dest, received).await
}

async fn finish(part: &str, dest: &str, size: u64) -> Result<u64, ApiError> {
    tokio::fs::rename(part, dest).await.map_err(|e| local(dest, &e))?;
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
