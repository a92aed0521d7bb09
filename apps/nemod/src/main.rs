//! `nemod`: glue only — parse the command line, build the fake cloud's options, serve until
//! SIGINT or SIGTERM. (The daemon proper comes later.)

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{CommandFactory, Parser};
use nemo_fake::{FakeBackend, FakeConfig};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, SseShape, serve};
use nemo_system::SystemClock;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, FakeCloudArgs, NOT_YET, ShapeArg};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(Command::FakeCloud(args)) = cli.command else {
        eprintln!("{}\n{NOT_YET}", Cli::command().render_help());
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(fake_cloud(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Serves the fake cloud until a shutdown signal.
async fn fake_cloud(args: FakeCloudArgs) -> std::io::Result<()> {
    let (storage, temporary) = match &args.storage {
        Some(dir) => (dir.clone(), false),
        None => (fresh_temp_dir(), true),
    };
    std::fs::create_dir_all(&storage)?;
    let config = FakeConfig {
        seed: args.seed,
        render_duration: Duration::from_secs(args.render_seconds),
        turn_work: Duration::from_secs(args.turn_work_seconds),
        ..FakeConfig::default()
    };
    let fake = Arc::new(FakeBackend::new(Arc::new(SystemClock), config));
    fake.set_latency(Duration::from_millis(args.latency_ms));
    let sse_shape = match args.sse_shape {
        ShapeArg::Adk => SseShape::AgentFramework,
        ShapeArg::Simple => SseShape::SimpleTyped,
    };
    let options = FakeCloudOptions { sse_shape, ..FakeCloudOptions::new(&storage) };
    let listener = TcpListener::bind(args.listen).await?;
    println!("fake cloud listening on http://{}", listener.local_addr()?);
    let served = serve(listener, Arc::new(FakeCloud::new(fake, options)), shutdown_signal()).await;
    if temporary {
        // Best effort: the system cleans its temp dir anyway.
        let _ = std::fs::remove_dir_all(&storage);
    }
    served
}

/// A folder of its own under the system temp dir.
fn fresh_temp_dir() -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("nemod-fake-cloud-{}-{nanos}", std::process::id()))
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, only the other signal stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
