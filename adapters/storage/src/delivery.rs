//! Writing a downloaded file the way the port promises: into `dest.part`, renamed to `dest`
//! only when complete, with progress; never a half-written `dest`. A rendered file on disk is
//! copied in chunks, never loaded whole.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use nemo_core::error::ApiError;
use nemo_core::ports::{Progress, ProgressEvent};

/// Bytes in memory (the fake's stand-in renders) are written — and progress reported — in
/// chunks of this many bytes, so a small file still shows several steps.
const CHUNK: usize = 1024;
/// A file on disk (an engine's render) is copied in chunks of this many bytes.
const COPY_CHUNK: usize = 64 * 1024;

/// Writes `bytes` to `dest` through `dest.part`; returns the size.
///
/// # Errors
/// [`ApiError::Local`] naming `dest` when it cannot be written (the part is removed).
pub fn write_through_part(bytes: &[u8], dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    through_part(|| Ok((bytes, bytes.len() as u64)), CHUNK, dest, progress)
}

/// Copies the file at `source` to `dest` through `dest.part`; returns the size.
///
/// # Errors
/// [`ApiError::Local`] naming `dest` when it cannot be read or written (the part is removed).
pub fn copy_through_part(source: &Path, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    let open = || {
        let file = File::open(source)?;
        let total = file.metadata()?.len();
        Ok((file, total))
    };
    through_part(open, COPY_CHUNK, dest, progress)
}

/// Copies what `open` gives (a reader and its length) to `dest` through `dest.part` in `chunk`
/// sized steps; the part is removed if anything fails.
fn through_part<R: Read>(
    open: impl FnOnce() -> std::io::Result<(R, u64)>,
    chunk: usize,
    dest: &str,
    progress: &dyn Progress,
) -> Result<u64, ApiError> {
    let part = format!("{dest}.part");
    let result = open().and_then(|(input, total)| copy_and_rename(input, total, chunk, &part, dest, progress));
    if result.is_err() {
        // Best effort: the part file may not even exist.
        let _ = std::fs::remove_file(&part);
    }
    result.map_err(|e| ApiError::Local(format!("{dest}: {e}")))
}

fn copy_and_rename(
    mut input: impl Read,
    total: u64,
    chunk: usize,
    part: &str,
    dest: &str,
    progress: &dyn Progress,
) -> std::io::Result<u64> {
    let report = |received: u64| progress.report(ProgressEvent::Download { received, total: Some(total) });
    let mut file = File::create(part)?;
    report(0);
    let mut buffer = vec![0; chunk];
    let mut received = 0;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        file.write_all(&buffer[..read])?;
        received += read as u64;
        report(received);
    }
    file.sync_all()?;
    std::fs::rename(part, dest)?;
    Ok(received)
}
