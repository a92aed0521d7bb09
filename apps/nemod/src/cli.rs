//! The command line, as clap parses it: today one subcommand, `fake-cloud`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// What `nemod` with no subcommand says after its help.
pub const NOT_YET: &str = "The daemon itself (long work that survives closed terminals) is not built yet; \
                           today nemod only serves the fake cloud: nemod fake-cloud --help";

/// The NemoVideo daemon.
#[derive(Debug, Parser)]
#[command(name = "nemod", version, about, long_about = None)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the in-memory fake NemoVideo over HTTP, for tests and demos without an account.
    #[command(long_about = FAKE_CLOUD_ABOUT, after_help = FAKE_CLOUD_EXAMPLE)]
    FakeCloud(FakeCloudArgs),
}

const FAKE_CLOUD_ABOUT: &str = "\
Serve the in-memory fake NemoVideo over HTTP on loopback.

It speaks the NemoVideo wire contract (the same routes, envelopes, error codes and chat
streams as the real service), so nemoctl, curl or any client can be pointed at it with
NEMO_API_URL and used without an account, credits or a network. Time is real: renders take
--render-seconds. Faults, latency and the chat event shape can be switched at run time
through POST /_fake/... (see docs/fake-cloud.md). Stop it with Ctrl-C.";

const FAKE_CLOUD_EXAMPLE: &str = "\
Example:
  nemod fake-cloud --listen 127.0.0.1:8787 &
  curl -s -X POST http://127.0.0.1:8787/api/auth/anonymous-token \\
       -H \"X-Client-Id: $(uuidgen)\"
  NEMO_API_URL=http://127.0.0.1:8787 nemoctl credits";

/// `nemod fake-cloud` options.
#[derive(Debug, clap::Args)]
pub struct FakeCloudArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Shape of the /run_sse events: Google ADK events or the vendor's simple typed events.
    #[arg(long, value_enum, default_value = "adk")]
    pub sse_shape: ShapeArg,
    /// Extra latency before every call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// How long a render takes, in seconds.
    #[arg(long, default_value_t = 6)]
    pub render_seconds: u64,
    /// Extra agent work per edit turn, in seconds (a heartbeat every 30 s of it).
    #[arg(long, default_value_t = 0)]
    pub turn_work_seconds: u64,
    /// Seed of every id the fake hands out.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where uploads are stored [default: a fresh folder in the system temp dir, removed at exit].
    #[arg(long)]
    pub storage: Option<PathBuf>,
}

/// `--sse-shape` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShapeArg {
    /// Agent-framework (ADK) events, camelCase.
    Adk,
    /// `{"type": "text", ...}` events.
    Simple,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fake_cloud_defaults() {
        let cli = Cli::parse_from(["nemod", "fake-cloud"]);
        let Some(Command::FakeCloud(args)) = cli.command else { panic!("fake-cloud") };
        assert_eq!(args.listen.to_string(), "127.0.0.1:8787");
        assert_eq!((args.sse_shape, args.render_seconds, args.storage), (ShapeArg::Adk, 6, None));
    }
}
