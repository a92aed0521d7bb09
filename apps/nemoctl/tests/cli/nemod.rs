//! nemod itself for a CLI test: `nemod::run` on the harness's state and config directories,
//! talking to the harness's fake cloud, on a runtime thread of its own; stopped (as SIGTERM
//! stops it) when dropped. The binary under test reaches it through its socket, as a user's
//! `nemoctl --backend daemon` does.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nemo_daemon_client::wire::Health;
use nemo_daemon_client::{DaemonClient, socket_path};
use nemod::{BackendChoice, DaemonConfig};
use tokio::sync::oneshot;

use crate::support::Harness;

/// A running nemod.
pub struct Nemod {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Nemod {
    /// Starts nemod for `h` (which must have a fake cloud) and waits until it answers.
    pub fn start(h: &Harness) -> Self {
        Self::with(h, BackendChoice::Cloud { api_url: h.fake().url() })
    }

    /// Starts `nemod --backend offline` for `h` and waits until it answers.
    pub fn offline(h: &Harness) -> Self {
        Self::with(h, BackendChoice::Offline)
    }

    fn with(h: &Harness, backend: BackendChoice) -> Self {
        let mut config = DaemonConfig::new(&h.state_dir(), backend);
        config.config_dir = h.config_dir();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(nemod::run(config, async { drop(stopped.await) })).expect("nemod runs");
        });
        let client = DaemonClient::new(socket_path(&h.state_dir()));
        let probe = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while probe.block_on(client.get::<Health>("/v1/health")).is_err() {
            assert!(Instant::now() < deadline, "nemod did not answer within 20 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for Nemod {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
