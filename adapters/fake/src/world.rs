//! Everything the fake service knows, behind one mutex, with the clock and the settings: what
//! the backend methods and the running chat turns share.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use nemo_core::ports::Clock;
use nemo_core::time::Timestamp;
use nemo_editor::MediaEngine;

use crate::accounts::Accounts;
use crate::calls::Call;
use crate::config::FakeConfig;
use crate::faults::Faults;
use crate::idgen::IdGen;
use crate::lock;
use crate::renders::Renders;
use crate::sessions::Sessions;

/// The service's state.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) ids: IdGen,
    pub(crate) accounts: Accounts,
    pub(crate) sessions: Sessions,
    pub(crate) renders: Renders,
    pub(crate) faults: Faults,
    pub(crate) calls: Vec<Call>,
    pub(crate) latency: Duration,
}

/// The state, the clock and the settings.
pub(crate) struct Shared {
    world: Mutex<World>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: FakeConfig,
    /// The media engine that edits and renders for real, when there is one.
    pub(crate) engine: Option<Arc<dyn MediaEngine>>,
}

impl Shared {
    pub(crate) fn new(clock: Arc<dyn Clock>, config: FakeConfig, engine: Option<Arc<dyn MediaEngine>>) -> Self {
        let world = World {
            ids: IdGen::new(config.seed),
            accounts: Accounts::default(),
            sessions: Sessions::default(),
            renders: Renders::new(config.render_duration),
            faults: Faults::default(),
            calls: Vec::new(),
            latency: Duration::ZERO,
        };
        Self { world: Mutex::new(world), clock, config, engine }
    }

    /// The state, locked. Never held across an `.await`.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    /// The media engine, if any.
    pub(crate) fn engine(&self) -> Option<&dyn MediaEngine> {
        self.engine.as_deref()
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
