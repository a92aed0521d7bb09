//! What a `.part` file is a part of: the sidecar `OUT.part.meta` names the download's source
//! (a render id, or a result URL without its query) and what the server announced for it (the
//! total size, the ETag), so that only a part of the very same download is ever resumed. A
//! `.part` without a readable sidecar, or with another source's, is nobody's: it is replaced.

use nemo_core::error::ApiError;
use serde::{Deserialize, Serialize};

/// The sidecar's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartOf {
    /// What is being downloaded: `render <id>` or `url <scheme://host/path>`.
    pub source: String,
    /// The whole file's size, as the server announced it.
    pub total: Option<u64>,
    /// The server's ETag for the file, if it sent one.
    pub etag: Option<String>,
}

impl PartOf {
    /// The ETag, if it is a strong one (only those may go in `If-Range`).
    #[must_use]
    pub fn strong_etag(&self) -> Option<&str> {
        self.etag.as_deref().filter(|etag| !etag.starts_with("W/"))
    }

    /// Whether a reply that announces `total` and `etag` continues this same file: nothing
    /// it announces contradicts what the first reply did.
    #[must_use]
    pub fn continued_by(&self, total: Option<u64>, etag: Option<&str>) -> bool {
        let agree = |ours: Option<&str>, theirs: Option<&str>| ours.zip(theirs).is_none_or(|(a, b)| a == b);
        self.total.zip(total).is_none_or(|(a, b)| a == b) && agree(self.etag.as_deref(), etag)
    }
}

/// The sidecar of `part`.
fn sidecar(part: &str) -> String {
    format!("{part}.meta")
}

/// The sidecar of `part` if it is readable and names `source`.
pub async fn read(part: &str, source: &str) -> Option<PartOf> {
    let text = tokio::fs::read(sidecar(part)).await.ok()?;
    serde_json::from_slice::<PartOf>(&text).ok().filter(|meta| meta.source == source)
}

/// Writes the sidecar of `part` (after the part itself was emptied: a crash in between
/// leaves a part with no sidecar, which is never resumed).
///
/// # Errors
/// [`ApiError::Local`] when it cannot be written.
pub async fn write(part: &str, meta: &PartOf) -> Result<(), ApiError> {
    let path = sidecar(part);
    let text = serde_json::to_vec(meta).map_err(|e| ApiError::Local(format!("{path}: {e}")))?;
    tokio::fs::write(&path, text).await.map_err(|e| ApiError::Local(format!("{path}: {e}")))
}

/// Removes `part` and its sidecar, as far as they exist.
pub async fn remove(part: &str) {
    let _ = tokio::fs::remove_file(part).await;
    let _ = tokio::fs::remove_file(sidecar(part)).await;
}

/// Removes the sidecar alone (the part was renamed to its final name).
pub async fn forget(part: &str) {
    let _ = tokio::fs::remove_file(sidecar(part)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(total: Option<u64>, etag: Option<&str>) -> PartOf {
        PartOf { source: "render render_1".into(), total, etag: etag.map(str::to_owned) }
    }

    #[test]
    fn a_reply_continues_a_part_unless_it_contradicts_it() {
        assert!(meta(Some(10), Some("\"a\"")).continued_by(Some(10), Some("\"a\"")));
        assert!(meta(Some(10), None).continued_by(Some(10), Some("\"a\"")));
        assert!(meta(None, Some("\"a\"")).continued_by(None, None));
        assert!(!meta(Some(10), None).continued_by(Some(11), None));
        assert!(!meta(None, Some("\"a\"")).continued_by(None, Some("\"b\"")));
        assert_eq!(meta(None, Some("W/\"a\"")).strong_etag(), None);
        assert_eq!(meta(None, Some("\"a\"")).strong_etag(), Some("\"a\""));
    }
}
