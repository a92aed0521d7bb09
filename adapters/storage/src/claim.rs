//! One writer per output at a time: an export holds `OUT.part.lock` (an OS lock, released by
//! the kernel if its process dies) from before anything is sent until its file is whole or it
//! fails, so a second export to the same file — from this process, another nemoctl or nemod —
//! is refused at once instead of sharing `OUT.part` and reporting bytes the file does not hold.
//!
//! The lock file is removed when the claim ends. A claimant that locked a lock file another
//! claim had just removed sees that the path no longer names the file it locked, and tries
//! again, so two claims never both hold what the path names.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use nemo_core::error::Error;

/// How many times a claim is tried when each lock file it locked was removed under it.
const ATTEMPTS: usize = 8;

/// The exclusive right to write one output, until dropped.
#[derive(Debug)]
pub struct OutputClaim {
    lock: PathBuf,
    // Held for its lock; closed (unlocking it) after the path is removed.
    _file: File,
}

/// The lock file of `output`: `OUT.part.lock`.
fn lock_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".part.lock");
    PathBuf::from(name)
}

/// Claims `output` for one export.
///
/// # Errors
/// [`Error::OutputBusy`] when another export holds it, [`Error::OutputRefused`] when its lock
/// cannot be made.
pub fn claim(output: &Path) -> Result<OutputClaim, Error> {
    let lock = lock_path(output);
    let refused = |e: io::Error| Error::OutputRefused {
        path: output.display().to_string(),
        reason: format!("{} cannot be made ({e})", lock.display()),
    };
    for _ in 0..ATTEMPTS {
        let file = OpenOptions::new().write(true).create(true).truncate(false).open(&lock).map_err(refused)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::OutputBusy { path: output.display().to_string() }),
            Err(TryLockError::Error(e)) => return Err(refused(e)),
        }
        if names_same_file(&lock, &file) {
            return Ok(OutputClaim { lock, _file: file });
        }
    }
    Err(refused(io::Error::other("it kept being replaced")))
}

/// Whether `path` still names `file` (not removed or replaced since it was opened).
fn names_same_file(path: &Path, file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::symlink_metadata(path), file.metadata()) {
            (Ok(named), Ok(held)) => (named.dev(), named.ino()) == (held.dev(), held.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, file);
        true
    }
}

impl Drop for OutputClaim {
    fn drop(&mut self) {
        // Removed while still locked, so that no one locks the old file after this claim.
        let _ = fs::remove_file(&self.lock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_of_one_output_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join("out.mp4");
        let first = claim(&out).unwrap_or_else(|e| panic!("{e}"));
        let again = claim(&dir.path().join(".").join("out.mp4"));
        assert!(matches!(&again, Err(Error::OutputBusy { .. })), "{again:?}");
        assert_eq!(again.map(drop).unwrap_err().exit().code(), 6);
        assert!(claim(&dir.path().join("other.mp4")).is_ok(), "another output is free");
        drop(first);
        assert!(!lock_path(&out).exists(), "no lock file is left behind");
        assert!(claim(&out).is_ok(), "free again once the first export ended");
    }

    #[test]
    fn a_claim_in_a_missing_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let refused = claim(&dir.path().join("nowhere/out.mp4"));
        assert!(matches!(refused, Err(Error::OutputRefused { .. })), "{refused:?}");
    }
}
