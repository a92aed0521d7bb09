//! The command line, as clap parses it: bare `nemod` runs the daemon in the foreground with
//! [`DaemonArgs`]; `nemod fake-cloud` serves the fake cloud.

// The doc comments below are clap's `--help` texts, written for a terminal: bare URLs and
// `<placeholders>` are meant literally, not as rustdoc markup.
#![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags)]

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The NemoVideo daemon: owns sessions and render jobs so that nothing is orphaned when a
/// terminal closes. Bare `nemod` runs it in the foreground.
#[derive(Debug, Parser)]
#[command(name = "nemod", version, about, long_about = None, after_help = DAEMON_EXAMPLE)]
pub struct Cli {
    /// The daemon's options (when no subcommand is given).
    #[command(flatten)]
    pub daemon: DaemonArgs,
    /// What to run instead of the daemon.
    #[command(subcommand)]
    pub command: Option<Command>,
}

const DAEMON_EXAMPLE: &str = "\
The daemon listens on NEMO_STATE_DIR/nemod.sock (mode 0600, same user only); its API is in
docs/daemon-api.md. One daemon per state directory. SIGTERM or Ctrl-C stop it gracefully.

Examples:
  nemod &                                  # then: nemoctl export --detach; nemoctl --backend daemon jobs
  curl --unix-socket ~/.local/state/nemovideo/nemod.sock http://nemod/v1/health
  nemod --listen 127.0.0.1:8790            # also on TCP, with a bearer token from --token-file

Environment: NEMO_API_URL, NEMO_WEB_URL, NEMO_SKILL, NEMO_TOKEN, NEMO_CLIENT_ID, SKILL_SOURCE,
NEMO_CONFIG_DIR, NEMO_STATE_DIR.";

/// What the daemon itself talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DaemonBackend {
    /// The NemoVideo API (NEMO_API_URL), or anything speaking its wire contract.
    Cloud,
    /// The offline editor on this machine: real edits rendered with ffmpeg, no account, the same
    /// offline projects as `nemoctl --offline` (they outlive the daemon).
    Offline,
}

/// Bare `nemod` options.
#[derive(Debug, clap::Args)]
pub struct DaemonArgs {
    /// What the daemon uses: the cloud API, or the offline editor on this machine (ffmpeg)
    #[arg(long, value_enum, default_value = "cloud")]
    pub backend: DaemonBackend,
    /// The NemoVideo API [default: api_url in config.toml, else https://mega-api-prod.nemovideo.ai]
    #[arg(long, env = "NEMO_API_URL", value_name = "URL")]
    pub api_url: Option<String>,
    /// The web site, for browser links [default: web_url in config.toml, else https://nemovideo.com]
    #[arg(long, env = "NEMO_WEB_URL", value_name = "URL")]
    pub web_url: Option<String>,
    /// The attribution profile [default: nemoctl]
    #[arg(long, env = "NEMO_SKILL", value_name = "NAME")]
    pub skill: Option<String>,
    /// Also serve the API on TCP at this address, every request with a bearer token
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// The bearer token file for --listen (mode 0600; created with a new token if absent)
    /// [default: NEMO_STATE_DIR/nemod.token]
    #[arg(long, value_name = "FILE", requires = "listen")]
    pub token_file: Option<PathBuf>,
    /// How many exports run at once (the rest wait their turn)
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_jobs: u16,
    /// Log more (debug); the log file is NEMO_STATE_DIR/nemod.log
    #[arg(short, long)]
    pub verbose: bool,
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
    fn bare_nemod_runs_the_daemon_on_the_cloud_with_four_jobs() {
        let cli = Cli::parse_from(["nemod"]);
        assert!(cli.command.is_none());
        assert_eq!((cli.daemon.backend, cli.daemon.max_jobs, cli.daemon.listen), (DaemonBackend::Cloud, 4, None));
        assert!(Cli::try_parse_from(["nemod", "--token-file", "t"]).is_err(), "--token-file needs --listen");
        assert!(Cli::try_parse_from(["nemod", "--max-jobs", "0"]).is_err());
    }

    #[test]
    fn fake_cloud_defaults() {
        let cli = Cli::parse_from(["nemod", "fake-cloud"]);
        let Some(Command::FakeCloud(args)) = cli.command else { panic!("fake-cloud") };
        assert_eq!(args.listen.to_string(), "127.0.0.1:8787");
        assert_eq!((args.sse_shape, args.render_seconds, args.storage), (ShapeArg::Adk, 6, None));
    }
}
