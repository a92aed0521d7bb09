//! Multipart uploads (§4.5) read as a stream: each `files` part goes straight to
//! `storage/<n>/<filename>` chunk by chunk, never whole in memory; a part over the size limit
//! stops the upload at once with 4002, an unsupported extension with 4001 before a byte is
//! written.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{Stream, TryStreamExt};
use nemo_core::media::{LocalMedia, MediaRefusal};
use tokio::io::AsyncWriteExt;

use crate::body::Reply;
use crate::envelope::{self, Family};

/// One part saved to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Saved {
    /// Where it is.
    pub(crate) path: PathBuf,
    /// Its size.
    pub(crate) size: u64,
}

/// Where the parts go and how big they may be.
pub(crate) struct Target<'a> {
    /// The storage folder.
    pub(crate) storage: &'a Path,
    /// The largest part.
    pub(crate) max_bytes: u64,
    /// Hands out a new folder number per part.
    pub(crate) number: &'a (dyn Fn() -> u64 + Sync),
}

/// The multipart boundary of a `Content-Type`, if it is `multipart/form-data`.
pub(crate) fn boundary(content_type: Option<&str>) -> Option<String> {
    multer::parse_boundary(content_type?).ok()
}

/// Saves every `files` part of the multipart `body`; other fields are skipped. The answer
/// to send instead when the body is not a valid upload.
pub(crate) async fn save_parts<S, E>(body: S, boundary: String, target: &Target<'_>) -> Result<Vec<Saved>, Reply>
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let bad = |e: multer::Error| envelope::status(Family::Code, 400, format!("bad multipart body: {e}"));
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut saved = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("files") {
            continue;
        }
        let name = field.file_name().and_then(plain_name).map(str::to_owned);
        let Some(name) = name else {
            return Err(envelope::status(Family::Code, 400, "a files part needs a file name"));
        };
        LocalMedia::check(name.as_str(), 0).map_err(|refusal| media_refusal(&refusal))?;
        saved.push(save_part(field, &name, target).await?);
    }
    if saved.is_empty() {
        return Err(envelope::status(Family::Code, 400, "no files part in the upload"));
    }
    Ok(saved)
}

/// Writes one part to a fresh folder; removes it again when it fails.
async fn save_part(mut field: multer::Field<'static>, name: &str, target: &Target<'_>) -> Result<Saved, Reply> {
    let io = |e: std::io::Error| envelope::status(Family::Code, 500, format!("cannot store the upload: {e}"));
    let dir = target.storage.join((target.number)().to_string());
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    let path = dir.join(name);
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut size = 0u64;
    let result = loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                if size > target.max_bytes {
                    let refusal = MediaRefusal::TooLarge { name: name.to_owned(), size };
                    break Err(media_refusal(&refusal));
                }
                if let Err(e) = file.write_all(&chunk).await {
                    break Err(io(e));
                }
            }
            Ok(None) => break file.flush().await.map_err(io),
            Err(e) => break Err(envelope::status(Family::Code, 400, format!("bad multipart body: {e}"))),
        }
    };
    drop(file);
    match result {
        Ok(()) => Ok(Saved { path, size }),
        Err(reply) => {
            // Best effort: the folder is this part's alone.
            let _ = tokio::fs::remove_dir_all(&dir).await;
            Err(reply)
        }
    }
}

/// The last component of a client's file name, if it is a usable one.
pub(crate) fn plain_name(name: &str) -> Option<&str> {
    let name = name.rsplit(['/', '\\']).next()?.trim();
    (!name.is_empty() && name != "." && name != ".." && !name.contains('\0')).then_some(name)
}

/// How a media refusal is answered: 4001 or 4002 in the code envelope, 400 for a bad URL.
pub(crate) fn media_refusal(refusal: &MediaRefusal) -> Reply {
    match refusal {
        MediaRefusal::UnsupportedFormat { .. } => envelope::code(Family::Code, 4001, refusal.to_string()),
        MediaRefusal::TooLarge { .. } => envelope::code(Family::Code, 4002, refusal.to_string()),
        MediaRefusal::NotAUrl(_) => envelope::status(Family::Code, 400, refusal.to_string()),
    }
}

/// The body stream of a hyper request as bytes (trailers skipped).
pub(crate) fn data_stream(
    body: hyper::body::Incoming,
) -> impl Stream<Item = Result<Bytes, hyper::Error>> + Send + 'static {
    http_body_util::BodyStream::new(body).try_filter_map(|frame| async move { Ok(frame.into_data().ok()) })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use futures::stream;

    use super::*;

    fn multipart(parts: &[(&str, &str, &str)]) -> Vec<Result<Bytes, std::io::Error>> {
        let mut body = String::new();
        for (field, filename, content) in parts {
            body.push_str(&format!(
                "--B\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\r\n{content}\r\n"
            ));
        }
        body.push_str("--B--\r\n");
        // Split into small chunks, as a network would.
        body.into_bytes().chunks(7).map(|c| Ok(Bytes::copy_from_slice(c))).collect()
    }

    async fn run(parts: &[(&str, &str, &str)], max_bytes: u64) -> (Result<Vec<Saved>, Reply>, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "nemo-fake-cloud-upload-{}-{}",
            std::process::id(),
            parts.len() as u64 * 1000 + max_bytes
        ));
        let counter = AtomicU64::new(0);
        let number = || counter.fetch_add(1, Ordering::Relaxed);
        let target = Target { storage: &dir, max_bytes, number: &number };
        let result = save_parts(stream::iter(multipart(parts)), "B".into(), &target).await;
        (result, dir)
    }

    async fn code_of(reply: Reply) -> (u16, serde_json::Value) {
        use http_body_util::BodyExt;
        let status = reply.status().as_u16();
        let bytes = reply.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test]
    async fn files_parts_are_written_to_numbered_folders() {
        let (result, dir) =
            run(&[("files", "a.mp4", "hello"), ("other", "x.txt", "skip"), ("files", "dir/b.png", "png!")], 100).await;
        let saved = result.unwrap_or_default();
        assert_eq!(saved.len(), 2);
        assert_eq!(saved[0], Saved { path: dir.join("0").join("a.mp4"), size: 5 });
        assert_eq!(saved[1], Saved { path: dir.join("1").join("b.png"), size: 4 });
        assert_eq!(std::fs::read(&saved[0].path).unwrap_or_default(), b"hello");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn oversized_and_unsupported_parts_are_refused() {
        let (result, dir) = run(&[("files", "big.mp4", "0123456789")], 9).await;
        let (status, body) = code_of(result.err().unwrap_or_else(|| panic!("refused"))).await;
        assert_eq!((status, body["code"].as_i64()), (200, Some(4002)));
        assert!(!dir.join("0").exists());
        let (result, dir2) = run(&[("files", "notes.txt", "x")], 8).await;
        let (status, body) = code_of(result.err().unwrap_or_else(|| panic!("refused"))).await;
        assert_eq!((status, body["code"].as_i64()), (200, Some(4001)));
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::remove_dir_all(dir2);
    }

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(plain_name("C:\\clips\\a.mp4"), Some("a.mp4"));
        assert_eq!(plain_name("../../etc/x.mp4"), Some("x.mp4"));
        assert_eq!(plain_name(".."), None);
        assert_eq!(plain_name("dir/"), None);
    }
}
