//! Streaming a file upload from disk: a multipart part named `files` with a known length, read
//! in 256 KiB chunks (never the whole file in memory), with progress reported as bytes leave.

use futures::StreamExt;
use nemo_core::error::ApiError;
use nemo_core::media::{LocalMedia, mime_type};
use nemo_core::ports::{Progress, ProgressEvent};
use reqwest::multipart::{Form, Part};
use tokio_util::io::ReaderStream;

use crate::envelope::Reply;
use crate::transport;

/// Read size for the file.
const CHUNK: usize = 256 * 1024;
/// Progress at least every MiB (or every 1 %, whichever comes first).
const STEP: u64 = 1024 * 1024;

/// The multipart form for `file`, and the receiver of the byte counts sent so far.
///
/// # Errors
/// [`ApiError::Local`] when the file cannot be opened.
pub async fn form(file: &LocalMedia) -> Result<(Form, u64, tokio::sync::mpsc::UnboundedReceiver<u64>), ApiError> {
    let local = |e: std::io::Error| ApiError::Local(format!("{}: {e}", file.path()));
    let handle = tokio::fs::File::open(file.path()).await.map_err(local)?;
    let size = handle.metadata().await.map_err(local)?.len();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let step = (size / 100).clamp(1, STEP);
    let mut sent = 0u64;
    let mut last = 0u64;
    let counted = ReaderStream::with_capacity(handle, CHUNK).map(move |chunk| {
        if let Ok(bytes) = &chunk {
            sent += bytes.len() as u64;
            if sent - last >= step || sent == size {
                last = sent;
                let _ = tx.send(sent);
            }
        }
        chunk
    });
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(counted), size)
        .file_name(file.file_name().to_owned())
        .mime_str(mime_type(file.path()))
        .map_err(|e| ApiError::Local(format!("content type: {e}")))?;
    Ok((Form::new().part("files", part), size, rx))
}

/// Sends the upload request, reporting progress on the caller's task while the body streams.
///
/// # Errors
/// Transport errors; the reply is returned as is.
pub async fn send(
    request: reqwest::RequestBuilder,
    name: &str,
    total: u64,
    mut sent: tokio::sync::mpsc::UnboundedReceiver<u64>,
    progress: &dyn Progress,
) -> Result<Reply, ApiError> {
    let report = |sent: u64| progress.report(ProgressEvent::Upload { name: name.to_owned(), sent, total });
    report(0);
    let request = transport::exchange(request);
    tokio::pin!(request);
    let reply = loop {
        tokio::select! {
            Some(count) = sent.recv() => report(count),
            reply = &mut request => break reply,
        }
    };
    while let Ok(count) = sent.try_recv() {
        report(count);
    }
    reply
}
