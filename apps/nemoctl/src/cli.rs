//! The command line, as clap parses it: global options and one variant per command.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// nemoctl drives NemoVideo, the cloud service that edits raw footage into finished MP4s from
/// plain instructions. `--offline` runs everything locally with the embedded backend: no
/// account, no network.
#[derive(Debug, Parser)]
#[command(name = "nemoctl", version, about, long_about = None)]
#[command(after_help = "Example:\n  nemoctl --offline edit clip.mp4 -p \"add a title 'Hello'\" -o out.mp4")]
pub struct Cli {
    /// Which backend to use.
    #[arg(long, global = true, value_enum, env = "NEMO_BACKEND", default_value = "cloud")]
    pub backend: BackendKind,

    /// Short for `--backend offline`: the embedded backend, no account, no network.
    #[arg(long, global = true)]
    pub offline: bool,

    /// Print one JSON object per line on stdout (progress events, then the result).
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing but results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// The real NemoVideo API over HTTPS.
    Cloud,
    /// The embedded backend, in-process.
    Offline,
    /// Through a running nemod.
    Daemon,
}

impl BackendKind {
    /// The name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cloud => "cloud",
            Self::Offline => "offline",
            Self::Daemon => "daemon",
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The quick edit: new project, upload, one instruction, wait, export, download.
    Edit {
        /// The media files to edit (mp4, mov, avi, webm, mkv; images; audio).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The instruction, in plain words ("add a title 'Hello'").
        #[arg(short, long)]
        prompt: String,
        /// Where to write the result [default: ./<first file's name>-edited.mp4].
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Show the credit balance: available, frozen, total.
    Credits,
}
