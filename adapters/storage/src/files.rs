//! The file primitives every store file goes through: atomic replace, tolerant reads, and
//! moving an unreadable file aside instead of overwriting it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use nemo_core::ports::StoreError;

/// Creates `dir` and its parents (new directories are private to the user).
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| StoreError(format!("could not create {}: {e}", dir.display())))
}

/// Reads `path`; `None` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<String>, StoreError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError(format!("could not read {}: {e}", path.display()))),
    }
}

/// Replaces `path` with `bytes` atomically: temp file in the same directory (created with
/// `mode`, so it is never more readable than that), fsync, rename, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), StoreError> {
    // A bare file name's parent is "": the working directory.
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let temp = temp_path(path);
    let result = write_temp(&temp, bytes, mode).and_then(|()| fs::rename(&temp, path)).and_then(|()| sync_dir(dir));
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        StoreError(format!("could not write {}: {e}", path.display()))
    })
}

fn write_temp(temp: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Removes `path`; absent is fine.
pub fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError(format!("could not remove {}: {e}", path.display()))),
    }
}

/// Renames an unreadable file aside and returns the error that tells the user so.
pub fn quarantine(path: &Path, why: &str) -> StoreError {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let aside = path.with_file_name(format!("{name}.corrupt-{ms}"));
    match fs::rename(path, &aside) {
        Ok(()) => StoreError(format!(
            "{} could not be read ({why}); it was moved aside to {} and will start empty next time",
            path.display(),
            aside.display()
        )),
        // Another process moved it first: nothing is lost.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            StoreError(format!("{} could not be read ({why}); it was moved aside", path.display()))
        }
        Err(e) => StoreError(format!(
            "{} could not be read ({why}) and could not be moved aside ({e}); move or delete it yourself",
            path.display()
        )),
    }
}

/// An exclusive lock on `path` (created if needed), released when dropped.
pub fn lock(path: &Path) -> Result<File, StoreError> {
    if let Some(dir) = path.parent() {
        ensure_dir(dir)?;
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| StoreError(format!("could not open the lock {}: {e}", path.display())))?;
    file.lock().map_err(|e| StoreError(format!("could not lock {}: {e}", path.display())))?;
    Ok(file)
}
