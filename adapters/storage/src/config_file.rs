//! `config.toml`: the user's settings as a TOML table. This crate only reads and writes the
//! file; which keys exist and what they mean is the CLI's business.

use std::path::{Path, PathBuf};

use nemo_core::ports::StoreError;

use crate::files::{read_optional, write_atomic};

/// `config.toml`, loaded. A missing file is an empty one.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    table: toml::Table,
}

impl ConfigFile {
    /// The file name inside the config directory.
    pub const NAME: &'static str = "config.toml";

    /// Loads `config_dir/config.toml`.
    ///
    /// # Errors
    /// [`StoreError`] when it exists but cannot be read or is not valid TOML (the file is
    /// left as it is: the user wrote it).
    pub fn load(config_dir: &Path) -> Result<Self, StoreError> {
        let path = config_dir.join(Self::NAME);
        let table = match read_optional(&path)? {
            None => toml::Table::new(),
            Some(text) => text.parse::<toml::Table>().map_err(|e| {
                StoreError(format!("{} is not valid TOML: {}; fix or delete it", path.display(), e.message()))
            })?,
        };
        Ok(Self { path, table })
    }

    /// Where the file is.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A setting, as text (strings as they are, other TOML values in TOML syntax).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<String> {
        self.table.get(key).map(|value| match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// Sets a string setting (in memory; [`ConfigFile::save`] writes it).
    pub fn set(&mut self, key: &str, value: &str) {
        self.table.insert(key.to_owned(), toml::Value::String(value.to_owned()));
    }

    /// Removes a setting (in memory).
    pub fn unset(&mut self, key: &str) {
        self.table.remove(key);
    }

    /// Writes the file atomically.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be written.
    pub fn save(&self) -> Result<(), StoreError> {
        let text = toml::to_string(&self.table).map_err(|e| StoreError(e.to_string()))?;
        write_atomic(&self.path, text.as_bytes(), 0o644)
    }
}
