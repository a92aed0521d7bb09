//! `nemoctl`: glue only — parse the command line, wire the adapters, call the core's use
//! cases, print the result and map errors to the exit codes of the product spec.

mod cli;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use nemo_core::error::{Error, Exit};
use nemo_core::ports::{Backend, Clock, Store};
use nemo_core::service::{Nemo, Settings, check_file};
use nemo_fake::{FakeBackend, FakeConfig, MemoryStore};
use nemo_system::SystemClock;
use serde_json::json;

use crate::cli::{BackendKind, Cli, Command};
use crate::report::Reporter;

type Service = Nemo<dyn Backend, dyn Clock, dyn Store>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let reporter = Reporter { json: cli.json, quiet: cli.quiet };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::from(Exit::Failure.code());
        }
    };
    let backend = if cli.offline { BackendKind::Offline } else { cli.backend };
    let Some(nemo) = service(backend) else {
        eprintln!(
            "error: this build has no {} backend yet (it arrives with the HTTP adapter and nemod)\n  \
             Run with --offline to use the embedded backend.",
            backend.name()
        );
        return ExitCode::from(Exit::Failure.code());
    };
    match runtime.block_on(run(&nemo, cli.command, reporter)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            reporter.error(&error);
            ExitCode::from(error.exit().code())
        }
    }
}

async fn run(nemo: &Service, command: Command, reporter: Reporter) -> Result<(), Error> {
    match command {
        Command::Edit { files, prompt, output } => edit(nemo, &files, &prompt, output, reporter).await,
        Command::Credits => {
            let credits = nemo.credits(&reporter).await?;
            let text = format!("available {}  frozen {}  total {}", credits.available, credits.frozen, credits.total);
            reporter.result(
                &text,
                json!({"available": credits.available, "frozen": credits.frozen, "total": credits.total}),
            );
            Ok(())
        }
    }
}

/// Wires the chosen backend with the system clock and a store; `None` for a backend this
/// build does not have yet.
fn service(backend: BackendKind) -> Option<Service> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match backend {
        BackendKind::Offline => {
            // Renders finish within the first poll, so an offline export takes about 2 s.
            let config = FakeConfig { render_duration: Duration::from_secs(1), ..FakeConfig::default() };
            let backend: Arc<dyn Backend> = Arc::new(FakeBackend::new(clock.clone(), config));
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            Some(Nemo::new(backend, clock, store, Settings::default()))
        }
        BackendKind::Cloud | BackendKind::Daemon => None,
    }
}

/// The quick edit: new project, upload, one instruction, export, download.
async fn edit(
    nemo: &Service,
    files: &[PathBuf],
    prompt: &str,
    output: Option<PathBuf>,
    reporter: Reporter,
) -> Result<(), Error> {
    let sources = files
        .iter()
        .map(|file| {
            let size = std::fs::metadata(file).ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
            check_file(&file.to_string_lossy(), size)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stem = files.first().and_then(|f| f.file_stem()).map_or("project".into(), |s| s.to_string_lossy().into_owned());
    let output = output.unwrap_or_else(|| Path::new(".").join(format!("{stem}-edited.mp4")));
    let output = output.to_string_lossy().into_owned();

    nemo.new_project(&stem, &reporter).await?;
    nemo.upload(&sources, &reporter).await?;
    let turn = nemo.chat(prompt, &reporter).await?;
    let export = nemo.export(&output, &reporter).await?;
    reporter.result(
        &format!("{} ({} bytes)", export.output, export.bytes),
        json!({
            "output": export.output,
            "render_id": export.render_id.as_str(),
            "bytes": export.bytes,
            "changes": turn.changes,
        }),
    );
    Ok(())
}
