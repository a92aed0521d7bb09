//! The daemon's life: [`DaemonConfig`] in, then [`run`] — lock the state directory, wire the
//! backend and the store, resume every unfinished job, serve the API until `shutdown`, then
//! stop taking work, let every task stop at a saved step, write what is pending and return.
//! [`Daemon`] is what the API handlers share.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nemo_core::attribution::{self, Attribution};
use nemo_core::ids::{ClientId, SessionId, Token};
use nemo_core::ports::{Backend, Clock, Store};
use nemo_core::service::{PollPolicy, Settings};
use nemo_daemon_client::socket_path;
use nemo_http::{HttpBackend, HttpConfig};
use nemo_system::SystemClock;
use tokio::net::TcpListener;

use crate::edits::EditBook;
use crate::jobs::{Service, Supervisor};
use crate::lock::StateLock;
use crate::peer::bind_private;
use crate::ports::Ports;
use crate::server::{Listeners, serve};
use crate::store::DaemonStore;
use crate::token::BearerToken;

/// How long a render may take before the daemon stops polling it for a while (it then retries
/// after a pause: the daemon never gives up on a job by itself).
const POLL_DEADLINE: Duration = Duration::from_secs(6 * 3600);

/// What the daemon itself talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendChoice {
    /// The cloud API at this base URL (or anything speaking its wire contract).
    Cloud {
        /// `NEMO_API_URL`.
        api_url: String,
    },
    /// The offline editor on this machine (ffmpeg), on the offline projects.
    Offline,
}

/// Everything the daemon needs, validated.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// `NEMO_STATE_DIR`.
    pub state_dir: PathBuf,
    /// `NEMO_CONFIG_DIR`.
    pub config_dir: PathBuf,
    /// The backend.
    pub backend: BackendChoice,
    /// The attribution headers' values.
    pub attribution: Attribution,
    /// `NEMO_TOKEN`.
    pub env_token: Option<Token>,
    /// `NEMO_CLIENT_ID`.
    pub env_client_id: Option<ClientId>,
    /// The web URL.
    pub web_url: String,
    /// `--listen` with its token.
    pub listen: Option<(std::net::SocketAddr, BearerToken)>,
    /// `--max-jobs`.
    pub max_jobs: usize,
    /// The whisper.cpp model for captions from speech (`NEMO_WHISPER_MODEL` > `config.toml`).
    pub whisper_model: Option<PathBuf>,
}

impl DaemonConfig {
    /// A config for tests and tools: this state dir (config in `STATE/config`), the default
    /// profile, no TCP.
    #[must_use]
    pub fn new(state_dir: &Path, backend: BackendChoice) -> Self {
        Self {
            state_dir: state_dir.to_owned(),
            config_dir: state_dir.join("config"),
            backend,
            attribution: Attribution::new(&attribution::profiles()[0], "unknown".into()),
            env_token: None,
            env_client_id: None,
            web_url: nemo_storage::settings::DEFAULT_WEB_URL.into(),
            listen: None,
            max_jobs: 4,
            whisper_model: None,
        }
    }
}

/// What the API handlers share.
pub struct Daemon {
    ports: Arc<Ports>,
    supervisor: Arc<Supervisor>,
    /// Whether the backend is the offline editor (else the cloud).
    offline: bool,
    max_jobs: usize,
    token: Option<BearerToken>,
    stopping: AtomicBool,
}

impl Daemon {
    /// A service over the daemon's store (the user's current project).
    #[must_use]
    pub fn service(&self) -> Service {
        self.ports.service()
    }

    /// A service whose current project is its own, starting at `current`.
    #[must_use]
    pub fn scoped(&self, current: Option<SessionId>) -> Service {
        self.ports.scoped(current)
    }

    /// The daemon's store.
    #[must_use]
    pub fn store(&self) -> Arc<dyn Store> {
        self.ports.store.clone()
    }

    /// The jobs.
    #[must_use]
    pub fn supervisor(&self) -> &Arc<Supervisor> {
        &self.supervisor
    }

    /// `cloud` or `offline`.
    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        if self.offline { "offline" } else { "cloud" }
    }

    /// Whether the work is done offline (no account, no credits).
    #[must_use]
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// The upload kinds its backend takes beyond the service's.
    #[must_use]
    pub fn accepts(&self) -> &nemo_core::media::Accepts {
        &self.ports.accepts
    }

    /// `--max-jobs`.
    #[must_use]
    pub fn max_jobs(&self) -> usize {
        self.max_jobs
    }

    /// Whether shutdown has begun (no new work is taken).
    #[must_use]
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Whether an `Authorization` value carries the TCP token.
    #[must_use]
    pub fn token_accepts(&self, header: Option<&str>) -> bool {
        self.token.as_ref().is_some_and(|token| token.accepts(header))
    }
}

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Another daemon holds the state directory.
    #[error("{0}")]
    Locked(String),
    /// Something could not be set up.
    #[error("{0}")]
    Setup(String),
}

/// Runs the daemon until `shutdown` completes, then shuts down gracefully.
///
/// # Errors
/// [`DaemonError`] when it cannot start; once serving, failures are logged, not returned.
pub async fn run(config: DaemonConfig, shutdown: impl Future<Output = ()>) -> Result<(), DaemonError> {
    let setup = |what: &str, e: &dyn std::fmt::Display| DaemonError::Setup(format!("{what}: {e}"));
    std::fs::create_dir_all(&config.state_dir).map_err(|e| setup("could not create the state directory", &e))?;
    let lock = StateLock::acquire(&config.state_dir).map_err(DaemonError::Locked)?;
    let daemon = Arc::new(build(&config)?);
    let socket = socket_path(&config.state_dir);
    let (unix, own_uid) =
        bind_private(&socket).map_err(|e| setup(&format!("could not listen on {}", socket.display()), &e))?;
    let tcp = match &config.listen {
        Some((addr, _)) => {
            let listener =
                TcpListener::bind(addr).await.map_err(|e| setup(&format!("could not listen on {addr}"), &e))?;
            tracing::warn!(addr = %listener.local_addr().map_or(*addr, |a| a), "also listening on TCP (bearer token required)");
            Some(listener)
        }
        None => None,
    };
    tracing::info!(
        socket = %socket.display(),
        backend = daemon.backend_name(),
        max_jobs = config.max_jobs,
        pid = std::process::id(),
        lock = %lock.path().display(),
        "nemod ready"
    );
    match daemon.supervisor.resume_all().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "resumed unfinished jobs"),
        Err(error) => tracing::error!(%error, "could not read the jobs to resume"),
    }
    let stopping = {
        let daemon = Arc::clone(&daemon);
        async move {
            shutdown.await;
            tracing::info!("shutting down: no new work; jobs stop at a saved step");
            daemon.stopping.store(true, Ordering::SeqCst);
        }
    };
    serve(Listeners { unix, own_uid, tcp }, Arc::clone(&daemon), stopping).await;
    daemon.supervisor.shutdown().await;
    let _ = std::fs::remove_file(&socket);
    tracing::info!("nemod stopped");
    drop(lock);
    Ok(())
}

fn build(config: &DaemonConfig) -> Result<Daemon, DaemonError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (backend, store, poll): (Arc<dyn Backend>, _, _) = match &config.backend {
        BackendChoice::Cloud { api_url } => {
            let http = HttpConfig::new(api_url.clone(), config.attribution.clone());
            let backend = HttpBackend::new(http, clock.clone()).map_err(|e| DaemonError::Setup(e.to_string()))?;
            (Arc::new(backend), DaemonStore::new(&config.config_dir, &config.state_dir), PollPolicy::default())
        }
        BackendChoice::Offline => {
            // The offline editor, built as `nemoctl --offline` builds it, on the same projects
            // (STATE/offline, apart from the cloud's); the daemon's jobs in STATE/offline/nemod.
            let offline = nemo_offline::open(&config.state_dir, config.whisper_model.clone())
                .map_err(|e| DaemonError::Setup(e.to_string()))?;
            let dir = offline.backend.root();
            (offline.backend, DaemonStore::new(&dir, &dir), nemo_offline::poll_policy())
        }
    };
    let settings = Settings {
        env_token: config.env_token.clone(),
        env_client_id: config.env_client_id,
        web_url: config.web_url.clone(),
        language: None,
        poll: PollPolicy { deadline: POLL_DEADLINE, ..poll },
    };
    let edits = EditBook::new(store.daemon_dir());
    let accepts =
        if config.backend == BackendChoice::Offline { nemo_offline::ACCEPTS } else { nemo_core::media::Accepts::CLOUD };
    let ports = Arc::new(Ports { backend, clock, store: Arc::new(store), settings, accepts });
    let supervisor = Supervisor::new(Arc::clone(&ports), edits, config.max_jobs);
    Ok(Daemon {
        ports,
        supervisor,
        offline: config.backend == BackendChoice::Offline,
        max_jobs: config.max_jobs,
        token: config.listen.as_ref().map(|(_, token)| token.clone()),
        stopping: AtomicBool::new(false),
    })
}
