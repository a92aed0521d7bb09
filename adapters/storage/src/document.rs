//! [`Document`]: a state file of the caller's own shape, kept by the rules every file of this
//! crate follows (atomic replace, read-modify-write under `STATE/.lock`, an unreadable file
//! moved aside, a newer schema refused) — for state that is not the core's, such as nemod's
//! quick-edit jobs.

use std::path::{Path, PathBuf};

use nemo_core::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SCHEMA;
use crate::files::{self, quarantine, read_optional, write_atomic};
use crate::wire::SchemaProbe;

/// The lock every read-modify-write of a state directory takes.
pub(crate) const LOCK: &str = ".lock";

/// A JSON file `DIR/NAME` whose shape the caller owns; it must carry `"schema": 1`
/// ([`SCHEMA`]) at the top, as every state file does.
#[derive(Debug, Clone)]
pub struct Document {
    path: PathBuf,
    lock: PathBuf,
}

impl Document {
    /// The file `name` in the state directory `dir` (created on first write, mode 0700).
    #[must_use]
    pub fn new(dir: &Path, name: &str) -> Self {
        Self { path: dir.join(name), lock: dir.join(LOCK) }
    }

    /// Where it is.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its content; `None` when it does not exist.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be read (an unreadable file is moved aside), or was
    /// written with a newer schema.
    pub fn load<T: DeserializeOwned>(&self) -> Result<Option<T>, StoreError> {
        load_json(&self.path)
    }

    /// Reads it (or `T::default()` when absent), applies `change` and writes it back, all
    /// under the directory's lock (mode 0600).
    ///
    /// # Errors
    /// As [`Document::load`], and when it cannot be written.
    pub fn update<T, R>(&self, change: impl FnOnce(&mut T) -> R) -> Result<R, StoreError>
    where
        T: Default + Serialize + DeserializeOwned,
    {
        let _lock = files::lock(&self.lock)?;
        let mut value = self.load::<T>()?.unwrap_or_default();
        let result = change(&mut value);
        write_json(&self.path, &value, 0o600)?;
        Ok(result)
    }
}

/// Reads a JSON state file: absent → `None`; unreadable → moved aside and an error; written by
/// a newer schema → an error, file untouched.
pub(crate) fn load_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    let Some(text) = read_optional(path)? else { return Ok(None) };
    let probe: SchemaProbe = match serde_json::from_str(&text) {
        Ok(probe) => probe,
        Err(e) => return Err(quarantine(path, &format!("not a nemoctl file: {e}"))),
    };
    if probe.schema > SCHEMA {
        return Err(StoreError(format!(
            "{} was written by a newer nemoctl (schema {}, this one reads {SCHEMA}); upgrade nemoctl, \
             or move the file aside to start afresh",
            path.display(),
            probe.schema
        )));
    }
    if probe.schema < SCHEMA {
        return Err(quarantine(path, &format!("unknown schema {}", probe.schema)));
    }
    serde_json::from_str(&text).map(Some).map_err(|e| quarantine(path, &e.to_string()))
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T, mode: u32) -> Result<(), StoreError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| StoreError(e.to_string()))?;
    text.push('\n');
    write_atomic(path, text.as_bytes(), mode)
}
