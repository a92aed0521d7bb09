//! `nemod`: glue only — parse the command line; bare `nemod` runs the daemon in the
//! foreground until SIGINT or SIGTERM, `nemod fake-cloud` serves the fake cloud.

use std::process::ExitCode;

use clap::Parser;
use nemod::cli::{Cli, Command, DaemonArgs};
use nemod::{config, fake_cloud, logging, signal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::FakeCloud(args)) => runtime.block_on(fake_cloud::run(args)).map_err(|e| e.to_string()),
        None => daemon(&cli.daemon, &runtime),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn daemon(args: &DaemonArgs, runtime: &tokio::runtime::Runtime) -> Result<(), String> {
    let (config, note) = config::resolve(args)?;
    logging::init(&config.state_dir, args.verbose)?;
    if let Some(note) = note {
        eprintln!("nemod: {note}");
    }
    runtime.block_on(nemod::run(config, signal::shutdown_signal())).map_err(|e| e.to_string())
}
