//! [`find_file`]: where a file a chat message names is on this machine — `~/` is the user's
//! home, a relative name is relative to the sender's working directory — for the core's
//! message use case, which reads no disk. nemoctl and nemod find files the same way — and
//! check an upload the same way ([`check_source`]).

use std::path::{Path, PathBuf};

use nemo_core::error::Error;
use nemo_core::media::Accepts;
use nemo_core::service::{FoundFile, UploadSource, check_file_among};

/// An upload checked before a byte is sent: a URL, or a local file of a supported kind and
/// size (the core's `check_file` given the file's size, when it is a regular file), as the
/// backend `accepts` (the offline editor: subtitle files too, any size).
///
/// # Errors
/// [`Error::MediaRefused`] or [`Error::FileUnreadable`].
pub fn check_source(source: &str, accepts: &Accepts) -> Result<UploadSource, Error> {
    let size = std::fs::metadata(source).ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
    check_file_among(source, size, accepts)
}

/// The regular file `token` names, with its size; `None` when there is none (or `token` is
/// relative and there is no `cwd` to resolve it against).
#[must_use]
pub fn find_file(token: &str, home: Option<&Path>, cwd: Option<&Path>) -> Option<FoundFile> {
    let path: PathBuf = match (token.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if Path::new(token).is_absolute() => PathBuf::from(token),
        _ => cwd?.join(token),
    };
    let size = std::fs::metadata(&path).ok().filter(std::fs::Metadata::is_file)?.len();
    Some(FoundFile { path: path.to_string_lossy().into_owned(), size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_from_home_from_the_working_directory_or_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("clip.mp4");
        std::fs::write(&clip, b"1234").unwrap();
        let found = |token: &str, cwd: Option<&Path>| find_file(token, Some(dir.path()), cwd).map(|f| (f.path, f.size));
        let expected = Some((clip.to_string_lossy().into_owned(), 4));
        assert_eq!(found("~/clip.mp4", None), expected);
        assert_eq!(found("clip.mp4", Some(dir.path())), expected);
        assert_eq!(found(&clip.to_string_lossy(), None), expected);
        assert_eq!(found("clip.mp4", None), None, "a relative name needs a working directory");
        assert_eq!(found("other.mp4", Some(dir.path())), None);
        assert_eq!(found("~/", None), None, "a directory is not a file");
    }
}
