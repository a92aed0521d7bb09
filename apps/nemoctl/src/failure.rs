//! What can go wrong in the CLI: the core's [`Error`] (which knows its exit code and hint)
//! and the few failures that belong to the command line itself.

use nemo_core::error::{Error, Exit};

/// The exit code after Ctrl-C (128 + SIGINT), as shells expect.
pub const INTERRUPTED: u8 = 130;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// A use case failed.
    Core(Error),
    /// A setting or environment value cannot be used.
    Config(String),
    /// A setting's value (from a flag, the environment or config.toml) is not one it can
    /// take, or there is no such setting: wrong usage, exit 2. The text names the key and
    /// where the value came from.
    Setting(String),
    /// The offline engine cannot run: ffmpeg or ffprobe is missing (the text says how to
    /// install them).
    MissingTool(String),
    /// Ctrl-C while waiting.
    Interrupted,
    /// Nothing answers on nemod's socket.
    DaemonDown {
        /// The socket tried.
        socket: String,
    },
    /// nemod refused the request, or the work failed there.
    Daemon {
        /// What happened.
        message: String,
        /// What to do next.
        hint: String,
        /// The exit code nemod chose (the product's table).
        exit: u8,
    },
    /// Some batch entries failed.
    BatchFailed {
        /// How many failed.
        failed: usize,
        /// How many in all.
        total: usize,
    },
    /// A spec or input file of the CLI's own could not be used.
    Input(String),
    /// An argument's value cannot be used (the text names it).
    Usage(String),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        Self::Core(error)
    }
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Core(error) => error.exit().code(),
            Self::Interrupted => INTERRUPTED,
            Self::DaemonDown { .. } => Exit::Unreachable.code(),
            Self::Daemon { exit, .. } => *exit,
            Self::Input(_) => Exit::InputRefused.code(),
            Self::Setting(_) | Self::Usage(_) => Exit::Usage.code(),
            // The offline service cannot be started, as a cloud that cannot be reached.
            Self::MissingTool(_) => Exit::Unreachable.code(),
            Self::Config(_) | Self::BatchFailed { .. } => Exit::Failure.code(),
        }
    }

    /// What happened.
    pub fn message(&self) -> String {
        match self {
            Self::Core(error) => error.to_string(),
            Self::Config(message)
            | Self::Input(message)
            | Self::MissingTool(message)
            | Self::Setting(message)
            | Self::Usage(message) => message.clone(),
            Self::Interrupted => "interrupted: stopped waiting (nothing was sent again)".into(),
            Self::DaemonDown { socket } => format!("nemod is not running (nothing answers on {socket})"),
            Self::Daemon { message, .. } => message.clone(),
            Self::BatchFailed { failed, total } => format!("{failed} of {total} edits failed"),
        }
    }

    /// What to do next.
    pub fn hint(&self) -> String {
        match self {
            Self::Core(error) => error.hint(),
            Self::Config(_) => "Fix the value (`nemoctl config path` shows where config.toml is) and try again.".into(),
            Self::Setting(_) => "`nemoctl config list` shows every setting and its value; `nemoctl config set \
                                     KEY VALUE` changes one (an empty VALUE removes it)."
                .into(),
            Self::MissingTool(_) => {
                "Install ffmpeg (`sudo apt-get install ffmpeg`), or run without --offline to use the cloud.".into()
            }
            Self::Interrupted => {
                "Work already sent keeps running on the service: check `nemoctl tracks` and `nemoctl jobs`.".into()
            }
            Self::BatchFailed { .. } => "See the table above; re-run only the failed entries.".into(),
            Self::DaemonDown { .. } => "start it with: nemod &".into(),
            Self::Daemon { hint, .. } => hint.clone(),
            Self::Input(_) => "Check the file and try again.".into(),
            Self::Usage(_) => "Give a value that can be used and try again (`nemoctl help` shows the usage).".into(),
        }
    }
}
