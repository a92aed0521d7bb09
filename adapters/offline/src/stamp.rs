//! What an uploaded file was when it was uploaded — its absolute path, size, modification
//! time and a content hash — and the check made before it is used again: a file that
//! vanished or changed gets an error naming it, never a silently different video.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// An uploaded file as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The absolute path.
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// Modification time, Unix ms.
    pub mtime_ms: u64,
    /// FNV-1a (64 bits) of the content, hex.
    pub hash: String,
}

/// Why a file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// It is gone (or unreadable).
    Missing(String),
    /// Its content is not what was uploaded.
    Changed(String),
}

impl Stamp {
    /// The stamp of the file at `path` now.
    ///
    /// # Errors
    /// The reason it cannot be read.
    pub fn of(path: &str) -> std::io::Result<Self> {
        let (size, mtime_ms) = metadata(path)?;
        Ok(Self { path: path.to_owned(), size, mtime_ms, hash: hash(path)? })
    }

    /// Checks the file is still what was uploaded: the same size and time (the content is
    /// hashed again only when they differ, so a `touch`ed file is still accepted).
    ///
    /// # Errors
    /// [`Drift`] naming the file and what to do.
    pub fn check(&self, name: &str) -> Result<(), Drift> {
        let missing = |e: std::io::Error| {
            Drift::Missing(format!(
                "{name} ({}) is gone since it was uploaded ({e}); put it back or upload the file again",
                self.path
            ))
        };
        let (size, mtime_ms) = metadata(&self.path).map_err(missing)?;
        if (size, mtime_ms) == (self.size, self.mtime_ms) || hash(&self.path).map_err(missing)? == self.hash {
            return Ok(());
        }
        Err(Drift::Changed(format!(
            "{name} ({}) changed since it was uploaded ({} bytes then, {size} now); upload it again to edit the new file",
            self.path, self.size
        )))
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(text) | Self::Changed(text) => f.write_str(text),
        }
    }
}

fn metadata(path: &str) -> std::io::Result<(u64, u64)> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta.modified()?.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    Ok((meta.len(), u64::try_from(mtime).unwrap_or(u64::MAX)))
}

/// FNV-1a over the file, read in 1 MiB pieces.
fn hash(path: &str) -> std::io::Result<String> {
    let mut file = File::open(Path::new(path))?;
    let mut buffer = vec![0; 1 << 20];
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(format!("{state:016x}"));
        }
        for byte in &buffer[..read] {
            state = (state ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_vanished_file_is_named_and_a_touched_one_accepted() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("clip.mp4");
        std::fs::write(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        let path = path.to_string_lossy().into_owned();
        let stamp = Stamp::of(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stamp.check("clip.mp4"), Ok(()));
        let touched = Stamp { mtime_ms: stamp.mtime_ms + 1, ..stamp.clone() };
        assert_eq!(touched.check("clip.mp4"), Ok(()));
        std::fs::write(&path, b"two!").unwrap_or_else(|e| panic!("{e}"));
        let changed = stamp.check("clip.mp4").err().map(|d| d.to_string()).unwrap_or_default();
        assert!(changed.starts_with("clip.mp4 (") && changed.contains("changed since it was uploaded"), "{changed}");
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(stamp.check("clip.mp4"), Err(Drift::Missing(_))));
    }
}
