//! The terminal's echo of control keys (`^C`), turned off for a while and given back: see
//! [`crate::bars`], which needs the screen to stay as indicatif drew it.

use std::io::IsTerminal;

use nix::sys::termios::{LocalFlags, SetArg, Termios, tcgetattr, tcsetattr};

/// While it lives, the terminal on stdin does not echo control keys; dropped, it echoes them
/// again as before.
pub struct NoControlEcho {
    saved: Termios,
}

impl NoControlEcho {
    /// Turns the echo off; `None` when stdin is not a terminal (nothing is echoed then).
    pub fn on_stdin() -> Option<Self> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let saved = tcgetattr(&stdin).ok()?;
        let mut quiet = saved.clone();
        quiet.local_flags.remove(LocalFlags::ECHOCTL);
        tcsetattr(&stdin, SetArg::TCSANOW, &quiet).ok()?;
        Some(Self { saved })
    }
}

impl Drop for NoControlEcho {
    fn drop(&mut self) {
        // A terminal that went away meanwhile has nothing to give back to.
        let _ = tcsetattr(std::io::stdin(), SetArg::TCSANOW, &self.saved);
    }
}
