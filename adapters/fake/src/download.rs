//! Writing a downloaded file the way the port promises: into `dest.part`, renamed to `dest`
//! only when complete, with progress; never a half-written `dest`. A rendered file on disk is
//! copied in chunks, never loaded whole.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use nemo_core::error::ApiError;
use nemo_core::ports::{Progress, ProgressEvent};

/// Progress is reported after every chunk of this many bytes.
const CHUNK: usize = 1024;

/// Writes `bytes` to `dest` through `dest.part`; returns the size.
pub(crate) fn write_through_part(bytes: &[u8], dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    let part = format!("{dest}.part");
    let result = write_and_rename(bytes, &part, dest, progress);
    if result.is_err() {
        // Best effort: the part file may not even exist.
        let _ = std::fs::remove_file(&part);
    }
    result.map_err(|e| ApiError::Local(format!("{dest}: {e}")))
}

/// Copies the file at `source` to `dest` through `dest.part`; returns the size.
pub(crate) fn copy_through_part(source: &Path, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    let part = format!("{dest}.part");
    let result = copy_and_rename(source, &part, dest, progress);
    if result.is_err() {
        // Best effort: the part file may not even exist.
        let _ = std::fs::remove_file(&part);
    }
    result.map_err(|e| ApiError::Local(format!("{dest}: {e}")))
}

/// The copy's chunk size.
const COPY_CHUNK: usize = 64 * 1024;

fn copy_and_rename(source: &Path, part: &str, dest: &str, progress: &dyn Progress) -> std::io::Result<u64> {
    let mut input = File::open(source)?;
    let total = input.metadata()?.len();
    let report = |received: u64| progress.report(ProgressEvent::Download { received, total: Some(total) });
    let mut file = File::create(part)?;
    report(0);
    let mut buffer = vec![0; COPY_CHUNK];
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

fn write_and_rename(bytes: &[u8], part: &str, dest: &str, progress: &dyn Progress) -> std::io::Result<u64> {
    let total = bytes.len() as u64;
    let report =
        |received: usize| progress.report(ProgressEvent::Download { received: received as u64, total: Some(total) });
    let mut file = File::create(part)?;
    report(0);
    let mut received = 0;
    for chunk in bytes.chunks(CHUNK) {
        file.write_all(chunk)?;
        received += chunk.len();
        report(received);
    }
    file.sync_all()?;
    std::fs::rename(part, dest)?;
    Ok(total)
}
