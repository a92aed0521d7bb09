//! The bearer token for `--listen` (TCP): read from a 0600 file, or generated there when the
//! file is absent. The token is a secret: it is compared in constant time, never logged,
//! and its `Debug` prints `***`.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The TCP bearer token.
#[derive(Clone)]
pub struct BearerToken(String);

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

impl BearerToken {
    /// A token from its text (tests).
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// Reads the token in `path`, or writes a new one there (mode 0600). Returns it and whether
    /// it was generated.
    ///
    /// # Errors
    /// When the file cannot be read or written, is empty, or is readable by others.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), String> {
        match fs::read_to_string(path) {
            Ok(text) => {
                let mode = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode();
                if mode & 0o077 != 0 {
                    return Err(format!(
                        "{} is readable by other users (mode {:o}); run: chmod 600 {}",
                        path.display(),
                        mode & 0o777,
                        path.display()
                    ));
                }
                let token = text.trim();
                if token.is_empty() {
                    return Err(format!("{} is empty; delete it to get a new token", path.display()));
                }
                Ok((Self(token.to_owned()), false))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let token = format!("nemod_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(|e| format!("could not create {}: {e}", path.display()))?;
                writeln!(file, "{token}").map_err(|e| format!("could not write {}: {e}", path.display()))?;
                Ok((Self(token), true))
            }
            Err(e) => Err(format!("could not read {}: {e}", path.display())),
        }
    }

    /// Whether an `Authorization` header value carries this token (constant time in the
    /// token's length).
    #[must_use]
    pub fn accepts(&self, header: Option<&str>) -> bool {
        let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else { return false };
        let (a, b) = (self.0.as_bytes(), given.trim().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_generated_once_private_and_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nemod.token");
        let (token, created) = BearerToken::load_or_create(&path).unwrap();
        assert!(created);
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let (again, created) = BearerToken::load_or_create(&path).unwrap();
        assert!(!created);
        assert!(again.accepts(Some(&format!("Bearer {}", token.0))));
        assert!(!again.accepts(Some("Bearer nope")));
        assert!(!again.accepts(None));
        assert_eq!(format!("{token:?}"), "BearerToken(***)");
    }

    #[test]
    fn a_token_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        fs::write(&path, "secret\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(BearerToken::load_or_create(&path).unwrap_err().contains("chmod 600"));
    }
}
