//! Paths in tool arguments are the agent's, not the server's: relative ones are resolved
//! against the server's working directory, once, so every result names an absolute file.

use std::path::{Component, Path, PathBuf};

/// `path` against `base` (absolute paths are kept as they are; `.` parts are dropped, `..`
/// kept: what it means depends on links only the file system knows).
pub fn resolve(base: &Path, path: impl AsRef<Path>) -> PathBuf {
    let path = path.as_ref();
    if path.is_absolute() {
        return path.to_owned();
    }
    base.join(path.components().filter(|c| *c != Component::CurDir).collect::<PathBuf>())
}

/// As [`resolve`], as the text the core's use cases take.
pub fn resolved(base: &Path, path: impl AsRef<Path>) -> String {
    resolve(base, path).to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_resolved_against_the_base_and_absolute_ones_kept() {
        let base = Path::new("/work/dir");
        assert_eq!(resolve(base, "clip.mp4"), Path::new("/work/dir/clip.mp4"));
        assert_eq!(resolve(base, "sub/../a.mp4"), Path::new("/work/dir/sub/../a.mp4"));
        assert_eq!(resolve(base, "./clip-edited.mp4"), Path::new("/work/dir/clip-edited.mp4"));
        assert_eq!(resolve(base, "/tmp/a.mp4"), Path::new("/tmp/a.mp4"));
        assert_eq!(resolved(base, "out.mp4"), "/work/dir/out.mp4");
    }
}
