//! `nemoctl`: glue only — parse the command line, resolve the settings, wire the adapters,
//! call the core's use cases, print the result and map failures to the product's exit codes.

mod bars;
mod cli;
mod commands;
mod config;
mod daemon;
mod echo;
mod failure;
mod mcp;
mod paint;
mod report;
mod usage;
mod width;
mod wiring;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, ConfigAction};
use crate::config::Env;
use crate::failure::CliError;
use crate::paint::Paint;
use crate::report::Reporter;
use crate::wiring::InProcess;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage::refuse(&error),
    };
    // `mcp`'s stdout is the protocol's: even its start-up errors go to stderr.
    let json = cli.global.json && !matches!(cli.command, Command::Mcp);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let paint = Paint::choose(cli.global.color, no_color, std::io::stderr().is_terminal());
    let reporter = Reporter::new(cli.command.name(), json, cli.global.quiet, paint);
    let result = run(cli, &reporter);
    reporter.finish();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            reporter.error(&error);
            ExitCode::from(error.exit_code())
        }
    }
}

fn run(cli: Cli, reporter: &Reporter) -> Result<(), CliError> {
    // Commands that need neither settings nor a backend.
    match &cli.command {
        Command::Completions { shell } => return commands::local::completions(*shell),
        Command::Guide => return commands::local::guide(reporter),
        Command::Skills => return commands::local::skills(reporter),
        Command::Config { action: ConfigAction::Path } => {
            return commands::local::config_path(&Env::from_process(), reporter);
        }
        Command::Config { action: ConfigAction::Set { key, value } } => {
            return commands::local::config_set(&Env::from_process().config_dir()?, key, value, reporter);
        }
        _ => {}
    }
    let config = config::resolve(&cli.global, cli.command.render_timeout(), &Env::from_process())?;
    if config.verbose {
        // What the engine decides (the smart render or the full one, and why) as plain lines.
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .without_time()
            .with_target(false)
            .try_init();
        eprintln!(
            "nemoctl: backend {}, api {}, web {}, skill {} ({}), platform {}, lang {}, render timeout {} s, config {}, state {}, token {}",
            config.backend.name(),
            config.api_url,
            config.web_url,
            config.profile.name,
            config.profile.version,
            config.attribution.platform,
            config.lang,
            config.render_timeout.as_secs(),
            config.config_dir.display(),
            config.state_dir.display(),
            if config.env_token.is_some() { "from NEMO_TOKEN" } else { "stored or anonymous" },
        );
    }
    if let Command::Config { action } = &cli.command {
        return commands::local::config(action, &config, reporter);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Config(format!("could not start the async runtime: {e}")))?;
    if matches!(cli.command, Command::Mcp) {
        let backend = InProcess::of(config.backend).ok_or_else(|| {
            CliError::Config("`nemoctl mcp` runs on --backend cloud or --offline (nemod shares their projects)".into())
        })?;
        return runtime.block_on(mcp::serve(&config, wiring::wire(&config, backend)?));
    }
    // nemod does the work: `--backend daemon`, and `--detach` whatever the backend.
    let Some(backend) = InProcess::of(config.backend).filter(|_| !cli.command.is_detached()) else {
        return runtime.block_on(daemon::run(cli.command, &config, reporter));
    };
    let wiring = wiring::wire(&config, backend)?;
    runtime.block_on(commands::run(cli.command, &config, &wiring, reporter))
}
