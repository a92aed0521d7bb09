//! [`Ports`]: the daemon's adapters — backend, clock, store, settings — and the core's service
//! built over them, on the user's current project or on one of its own ([`Ports::scoped`]: a
//! request's `project`, a quick edit's new project), never switching the user's.

use std::sync::Arc;

use nemo_core::ids::SessionId;
use nemo_core::media::Accepts;
use nemo_core::ports::{Backend, Clock, Store};
use nemo_core::service::{Nemo, Settings};
use nemo_core::time::Timestamp;
use nemo_storage::ScopedStore;

use crate::jobs::Service;
use crate::store::DaemonStore;

/// What every service of the daemon runs on.
pub struct Ports {
    /// The backend (the cloud, or the offline editor).
    pub backend: Arc<dyn Backend>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Shared projects and credentials, the daemon's own jobs.
    pub store: Arc<DaemonStore>,
    /// The service's settings.
    pub settings: Settings,
    /// What the backend takes as an upload (offline: subtitle files too, any size).
    pub accepts: Accepts,
}

impl Ports {
    /// A service on the user's current project.
    #[must_use]
    pub fn service(&self) -> Service {
        let store: Arc<dyn Store> = self.store.clone();
        Nemo::new(self.backend.clone(), self.clock.clone(), store, self.settings.clone())
    }

    /// A service whose current project is its own, starting at `current`.
    #[must_use]
    pub fn scoped(&self, current: Option<SessionId>) -> Service {
        let store: Arc<dyn Store> = Arc::new(ScopedStore::new(self.store.clone(), current));
        Nemo::new(self.backend.clone(), self.clock.clone(), store, self.settings.clone())
    }

    /// Now, by the daemon's clock.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
