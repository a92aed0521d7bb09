//! Logs with `tracing`: human lines to stderr (the daemon runs in the foreground, under a
//! terminal or systemd's journal; coloured only at a terminal without `NO_COLOR`) and the
//! same lines, without colour, appended to `STATE/nemod.log`. A plain append-mode file behind a mutex is enough for a daemon that
//! logs a few lines per job; rotation is left to logrotate or the journal. Nothing here ever
//! formats a token: the core's `Token` prints `***` and the daemon never logs a header.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// The log's file name inside the state directory.
pub const LOG: &str = "nemod.log";

/// Installs the subscriber: info (debug with `verbose`) to stderr and to `STATE/nemod.log`.
///
/// # Errors
/// When the log file cannot be opened.
pub fn init(state_dir: &Path, verbose: bool) -> Result<(), String> {
    let level = if verbose { LevelFilter::DEBUG } else { LevelFilter::INFO };
    std::fs::create_dir_all(state_dir).map_err(|e| format!("could not create {}: {e}", state_dir.display()))?;
    let path = state_dir.join(LOG);
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(|e| format!("could not open the log {}: {e}", path.display()))?;
    let to_file = fmt::layer().with_ansi(false).with_writer(Mutex::new(file)).with_filter(level);
    // Colour only for a person at a terminal, never in a pipe, a file or the journal, and
    // never under NO_COLOR (https://no-color.org).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let to_stderr = fmt::layer().with_ansi(colour).with_writer(std::io::stderr).with_filter(level);
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry().with(to_file).with(to_stderr).try_init();
    Ok(())
}
