//! The offline state on disk, under `STATE/offline/` (apart from the cloud's projects):
//!
//! | File | Holds |
//! |---|---|
//! | `sessions/<id>.json` | one project: name, task, drafts with their history, uploaded media with their stamps, the music |
//! | `renders/<id>.json` | one render: its session and the draft it renders |
//! | `projects.json`, `jobs.json`, `credentials.json` | the core's store of these projects (`nemo-storage`) |
//! | `.sessions.lock` | held while a session file is read, changed and written back |
//!
//! Every file is `"schema": 1` JSON written atomically (temp file, fsync, rename, fsync of the
//! directory), so a kill -9 at any point leaves the old file or the new one; a
//! read-modify-write holds the lock, so two commands at once lose nothing.

use std::fs::File;
use std::path::{Path, PathBuf};

use nemo_core::error::ApiError;
use nemo_core::ids::SessionId;
use nemo_storage::files;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The offline state directory.
#[derive(Debug, Clone)]
pub struct Dir {
    root: PathBuf,
}

impl Dir {
    /// The offline state of the state directory `state_dir`.
    #[must_use]
    pub fn of(state_dir: &Path) -> Self {
        Self { root: state_dir.join("offline") }
    }

    /// `STATE/offline`.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A session's file.
    pub fn session(&self, id: &SessionId) -> PathBuf {
        self.root.join("sessions").join(format!("{}.json", id.as_str()))
    }

    /// A render's file.
    pub fn render(&self, id: &str) -> PathBuf {
        self.root.join("renders").join(format!("{id}.json"))
    }

    /// The lock every session change holds.
    ///
    /// # Errors
    /// [`ApiError::Local`] when it cannot be taken.
    pub fn lock(&self) -> Result<File, ApiError> {
        files::lock(&self.root.join(".sessions.lock")).map_err(|e| ApiError::Local(e.0))
    }
}

/// Reads a JSON file; `None` when it does not exist.
///
/// # Errors
/// [`ApiError::Local`] naming the file when it cannot be read or parsed (a file of a newer
/// schema is refused).
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, ApiError> {
    let Some(text) = files::read_optional(path).map_err(|e| ApiError::Local(e.0))? else { return Ok(None) };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::Local(format!("{} is not valid JSON ({e}); move it aside to go on", path.display())))?;
    if value.get("schema").and_then(serde_json::Value::as_u64).is_some_and(|s| s > u64::from(nemo_storage::SCHEMA)) {
        return Err(ApiError::Local(format!("{} was written by a newer nemoctl; upgrade to read it", path.display())));
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| ApiError::Local(format!("{} cannot be read ({e}); move it aside to go on", path.display())))
}

/// Writes a JSON file atomically (mode 0600).
///
/// # Errors
/// [`ApiError::Local`] naming the file.
pub fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), ApiError> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::Local(format!("{}: {e}", path.display())))?;
    files::write_atomic(path, &bytes, 0o600).map_err(|e| ApiError::Local(e.0))
}
