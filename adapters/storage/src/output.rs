//! Where a video may be written: checked before anything is uploaded, sent or rendered, so a
//! bad `-o` costs nothing. Only a new path or an existing regular file the user can write,
//! in a folder that exists: never a symbolic link (its target is not what the user named),
//! a directory, a device, a pipe or a socket (writing there replaces or feeds something
//! else: as root, `-o /dev/full` used to turn the device into a regular file).

use std::fs::{self, OpenOptions};
use std::io::ErrorKind;
use std::path::Path;

use nemo_core::error::Error;

use crate::claim::{self, OutputClaim};

/// Checks that a video can be written at `path`, then claims it for one export (see
/// [`claim`]): what every export does before anything is sent.
///
/// # Errors
/// [`Error::OutputRefused`] saying why not, [`Error::OutputBusy`] when another export
/// writes it now.
pub fn reserve(path: &Path) -> Result<OutputClaim, Error> {
    check(path)?;
    claim::claim(path)
}

/// Checks that a video can be written at `path`.
///
/// # Errors
/// [`Error::OutputRefused`] saying why not.
pub fn check(path: &Path) -> Result<(), Error> {
    let refuse = |reason: String| Err(Error::OutputRefused { path: path.display().to_string(), reason });
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return refuse("it is a symbolic link; name the file itself".into());
        }
        Ok(meta) if meta.is_dir() => return refuse("it is a directory; name a file in it".into()),
        Ok(meta) if !meta.is_file() => {
            return refuse("it is not a regular file (a device, a pipe or a socket)".into());
        }
        Ok(_) => {
            if let Err(e) = OpenOptions::new().write(true).open(path) {
                return refuse(format!("it cannot be written ({e})"));
            }
        }
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
        Err(e) => return refuse(format!("it cannot be checked ({e})")),
    }
    let folder = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return refuse(format!("{} is not a folder", folder.display())),
        Err(e) => return refuse(format!("the folder {} cannot be used ({e})", folder.display())),
    }
    let probe = folder.join(format!(".nemo-write-check-{}", std::process::id()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => refuse(format!("the folder {} cannot be written ({e})", folder.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(path: &Path) -> String {
        match check(path) {
            Err(Error::OutputRefused { reason, .. }) => reason,
            other => panic!("{} was not refused: {other:?}", path.display()),
        }
    }

    #[test]
    fn only_new_paths_and_regular_files_in_real_folders_pass() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fresh = dir.path().join("out.mp4");
        assert!(check(&fresh).is_ok(), "a new file");
        fs::write(&fresh, b"old").unwrap_or_else(|e| panic!("{e}"));
        assert!(check(&fresh).is_ok(), "a regular file is replaced when named");
        assert!(reason(dir.path()).contains("is a directory"));
        assert!(reason(&dir.path().join("nowhere/out.mp4")).contains("cannot be used"));
        assert!(reason(&fresh.join("inside.mp4")).contains("is not a folder"));
        assert!(reason(Path::new("/dev/null")).contains("not a regular file"));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.mp4");
            std::os::unix::fs::symlink(&fresh, &link).unwrap_or_else(|e| panic!("{e}"));
            assert!(reason(&link).contains("symbolic link"));
        }
        assert_eq!(fs::read(&fresh).ok(), Some(b"old".to_vec()), "the check writes nothing");
    }
}
