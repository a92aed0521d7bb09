//! One daemon per state directory: an exclusive OS lock on `STATE/nemod.lock`, held for the
//! process's lifetime (the kernel releases it when the process dies, even by SIGKILL, so a
//! crash never leaves a stale lock). The file holds the owner's pid, for the error message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock's file name inside the state directory.
pub const LOCK: &str = "nemod.lock";

/// The held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
    path: PathBuf,
}

impl StateLock {
    /// Takes the lock of `state_dir` without waiting.
    ///
    /// # Errors
    /// A message naming the other daemon's pid when it is held, or the I/O error.
    pub fn acquire(state_dir: &Path) -> Result<Self, String> {
        let path = state_dir.join(LOCK);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("could not open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                let who = if pid.is_empty() { String::new() } else { format!(" (pid {pid})") };
                return Err(format!(
                    "another nemod{who} already runs for {}; stop it first, or set NEMO_STATE_DIR to another folder",
                    state_dir.display()
                ));
            }
            Err(TryLockError::Error(e)) => return Err(format!("could not lock {}: {e}", path.display())),
        }
        // Best effort: the pid is only for the message above.
        let _ = file.set_len(0).and_then(|()| file.seek(SeekFrom::Start(0))).and_then(|_| {
            write!(file, "{}", std::process::id())?;
            file.flush()
        });
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_daemon_on_the_same_state_dir_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(dir.path()).unwrap();
        let error = StateLock::acquire(dir.path()).unwrap_err();
        assert!(error.contains("another nemod") && error.contains(&std::process::id().to_string()), "{error}");
        drop(first);
        assert!(StateLock::acquire(dir.path()).is_ok());
    }
}
