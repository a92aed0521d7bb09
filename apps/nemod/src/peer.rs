//! Who may use the Unix socket: only processes of the daemon's own user. The socket file is
//! mode 0600 inside a 0700 state directory, and every accepted connection's peer uid
//! (`SO_PEERCRED`) is checked as well, because file modes alone do not cover every
//! filesystem or a socket made before its mode was set.

use std::fs::{self, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use tokio::net::{UnixListener, UnixStream};

/// Whether a peer with uid `peer` may use a daemon running as `own`.
#[must_use]
pub fn peer_allowed(own: u32, peer: Option<u32>) -> bool {
    peer == Some(own)
}

/// The peer's uid, when the kernel says.
#[must_use]
pub fn peer_uid(stream: &UnixStream) -> Option<u32> {
    stream.peer_cred().ok().map(|cred| cred.uid())
}

/// Binds the socket at `path` with mode 0600 and returns it with the daemon's own uid (the
/// owner of the socket it just created). A file left at `path` by a dead daemon is removed
/// first; the caller holds the state lock, so no live daemon owns it.
///
/// # Errors
/// When the socket cannot be bound or its mode set.
pub fn bind_private(path: &Path) -> io::Result<(UnixListener, u32)> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
        fs::set_permissions(dir, Permissions::from_mode(0o700))?;
    }
    let listener = UnixListener::bind(path)?;
    fs::set_permissions(path, Permissions::from_mode(0o600))?;
    let own = fs::metadata(path)?.uid();
    Ok((listener, own))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_uid_is_allowed() {
        assert!(peer_allowed(1000, Some(1000)));
        assert!(!peer_allowed(1000, Some(0)), "not even root");
        assert!(!peer_allowed(0, Some(1000)));
        assert!(!peer_allowed(1000, None), "unknown peers are refused");
    }

    #[tokio::test]
    async fn the_socket_is_0600_in_a_0700_folder_and_a_stale_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let path = state.join("nemod.sock");
        fs::create_dir_all(&state).unwrap();
        fs::write(&path, b"stale").unwrap();
        let (_listener, own) = bind_private(&path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o700);
        let client = UnixStream::connect(&path).await.unwrap();
        assert!(peer_allowed(own, peer_uid(&client)));
    }
}
