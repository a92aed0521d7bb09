//! `nemod fake-cloud`: the in-memory fake NemoVideo served over HTTP on loopback until a
//! shutdown signal (see `docs/fake-cloud.md`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nemo_fake::{FakeBackend, FakeConfig};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, SseShape, serve};
use nemo_system::SystemClock;
use tokio::net::TcpListener;

use crate::cli::{FakeCloudArgs, ShapeArg};
use crate::signal::shutdown_signal;

/// Serves the fake cloud until a shutdown signal.
///
/// # Errors
/// When the storage folder or the port cannot be had.
pub async fn run(args: FakeCloudArgs) -> std::io::Result<()> {
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
