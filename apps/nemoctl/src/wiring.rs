//! Picks the adapters for the chosen backend and builds the core's service over them. Each
//! backend is one small function; the cloud one is where the HTTP adapter plugs in.

use std::sync::Arc;

use nemo_core::ids::SessionId;
use nemo_core::ports::{Backend, Clock, Store};
use nemo_core::service::{Nemo, PollPolicy, Settings};
use nemo_http::{HttpBackend, HttpConfig};
use nemo_storage::{FileStore, ScopedStore};
use nemo_system::SystemClock;

use crate::cli::BackendKind;
use crate::config::Config;
use crate::failure::CliError;

/// The core's service as nemoctl uses it: every port behind `dyn`.
pub type Service = Nemo<dyn Backend, dyn Clock, dyn Store>;

/// The adapters of one run.
pub struct Wiring {
    backend: Arc<dyn Backend>,
    clock: Arc<dyn Clock>,
    store: Arc<dyn Store>,
    settings: Settings,
}

impl Wiring {
    /// The service over the shared store (the current project is the saved one).
    pub fn service(&self) -> Service {
        Nemo::new(self.backend.clone(), self.clock.clone(), self.store.clone(), self.settings.clone())
    }

    /// A service whose current project is its own (starting at `current`), everything else
    /// shared: for `--project` and for each `batch` entry.
    pub fn scoped(&self, current: Option<SessionId>) -> Service {
        let store: Arc<dyn Store> = Arc::new(ScopedStore::new(self.store.clone(), current));
        Nemo::new(self.backend.clone(), self.clock.clone(), store, self.settings.clone())
    }
}

/// A backend that runs in this process; `--backend daemon` has none (nemod does the work,
/// through `daemon::run`), so it cannot be wired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InProcess {
    /// `--backend cloud`.
    Cloud,
    /// `--backend offline`.
    Offline,
}

impl InProcess {
    /// The in-process backend `kind` names, `None` for the daemon.
    pub fn of(kind: BackendKind) -> Option<Self> {
        match kind {
            BackendKind::Cloud => Some(Self::Cloud),
            BackendKind::Offline => Some(Self::Offline),
            BackendKind::Daemon => None,
        }
    }
}

/// Wires `backend` with the settings of `config`.
///
/// # Errors
/// [`CliError::MissingTool`] when the offline engine's ffmpeg is not installed.
pub fn wire(config: &Config, backend: InProcess) -> Result<Wiring, CliError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (backend, store, poll) = match backend {
        InProcess::Offline => {
            let (backend, store) = offline(config)?;
            (backend, store, nemo_offline::poll_policy())
        }
        InProcess::Cloud => (cloud(config, &clock)?, file_store(config), PollPolicy::default()),
    };
    let settings = Settings {
        env_token: config.env_token.clone(),
        env_client_id: config.env_client_id,
        web_url: config.web_url.clone(),
        language: Some(config.lang.clone()),
        poll: PollPolicy { deadline: config.render_timeout, ..poll },
    };
    Ok(Wiring { backend, clock, store, settings })
}

/// A backend and a store.
type Ports = (Arc<dyn Backend>, Arc<dyn Store>);

/// The offline editor with the ffmpeg engine on the projects under `STATE/offline` (the one
/// builder nemod uses too): they last between commands.
fn offline(config: &Config) -> Result<Ports, CliError> {
    let offline = nemo_offline::open(&config.state_dir, config.whisper_model.clone())
        .map_err(|e| CliError::MissingTool(e.to_string()))?;
    Ok((offline.backend, offline.store))
}

/// The real service (or anything speaking its wire contract, such as the fake cloud) over
/// HTTP, attributed to the chosen profile.
fn cloud(config: &Config, clock: &Arc<dyn Clock>) -> Result<Arc<dyn Backend>, CliError> {
    let mut http = HttpConfig::new(config.api_url.clone(), config.attribution.clone());
    http.request_deadline = config.request_timeout;
    let backend = HttpBackend::new(http, clock.clone()).map_err(|e| CliError::Config(e.to_string()))?;
    Ok(Arc::new(backend))
}

fn file_store(config: &Config) -> Arc<dyn Store> {
    Arc::new(FileStore::new(&config.config_dir, &config.state_dir))
}
