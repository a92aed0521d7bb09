//! The harness every use-case test starts from: a fresh fake NemoVideo, a manual clock, an
//! in-memory store and a progress recorder, wired into the real service, and a folder of its
//! own for outputs. `mark()` sets the point from which a test reads what was sent, waited and
//! shown.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use nemo_core::model::Project;
use nemo_core::ports::ProgressEvent;
use nemo_core::service::{Nemo, Settings, check_file};
use nemo_core::time::Timestamp;
use nemo_fake::{Call, Endpoint, FakeBackend, FakeConfig, ManualClock, MemoryStore, RecordingProgress, StoreContents};

/// 2026-11-22T12:00:00Z: the clock's start in every test.
pub const START: Timestamp = Timestamp::from_unix_ms(1_795_348_800_000);

/// Where a test's observations begin: counts of calls, sleeps and events already seen.
#[derive(Default, Clone, Copy)]
struct Mark {
    calls: usize,
    sleeps: usize,
    events: usize,
}

/// One test's world.
pub struct World {
    pub clock: Arc<ManualClock>,
    pub fake: Arc<FakeBackend>,
    pub store: Arc<MemoryStore>,
    pub nemo: Nemo<FakeBackend, ManualClock, MemoryStore>,
    pub progress: RecordingProgress,
    mark: Mutex<Mark>,
    /// This test's own folder for outputs, removed on drop.
    dir: tempfile::TempDir,
}

impl World {
    pub fn new() -> Self {
        Self::build(Settings::default(), FakeConfig::default(), StoreContents::default())
    }

    pub fn with_settings(settings: Settings) -> Self {
        Self::build(settings, FakeConfig::default(), StoreContents::default())
    }

    pub fn with_config(config: FakeConfig) -> Self {
        Self::build(Settings::default(), config, StoreContents::default())
    }

    pub fn with_both(settings: Settings, config: FakeConfig) -> Self {
        Self::build(settings, config, StoreContents::default())
    }

    pub fn with_store(contents: StoreContents) -> Self {
        Self::build(Settings::default(), FakeConfig::default(), contents)
    }

    fn build(settings: Settings, config: FakeConfig, contents: StoreContents) -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let fake = Arc::new(FakeBackend::new(clock.clone(), config));
        let store = Arc::new(MemoryStore::with_contents(contents));
        let nemo = Nemo::new(fake.clone(), clock.clone(), store.clone(), settings);
        let dir = tempfile::tempdir().expect("a scratch dir");
        Self { clock, fake, store, nemo, progress: RecordingProgress::new(), mark: Mutex::default(), dir }
    }

    /// A project with one uploaded 10 s clip; observations start after it.
    pub async fn project_with_clip(&self) -> Project {
        let project = self.nemo.new_project("demo", &self.progress).await.expect("new project");
        let clip = check_file("clips/beach.mp4", Some(1_000_000)).expect("a valid clip");
        self.nemo.upload(&[clip], &self.progress).await.expect("upload");
        self.mark();
        project
    }

    /// A path for an output file in this test's own folder.
    pub fn output(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// Observations start now.
    pub fn mark(&self) {
        let mark = Mark {
            calls: self.fake.calls().len(),
            sleeps: self.clock.sleeps().len(),
            events: self.progress.events().len(),
        };
        *self.mark.lock().unwrap_or_else(PoisonError::into_inner) = mark;
    }

    fn since(&self) -> Mark {
        *self.mark.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The calls made to one endpoint since the mark.
    pub fn calls_to(&self, endpoint: Endpoint) -> Vec<Call> {
        self.fake.calls().into_iter().skip(self.since().calls).filter(|c| c.endpoint == endpoint).collect()
    }

    /// The waits asked of the clock since the mark.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.clock.sleeps().into_iter().skip(self.since().sleeps).collect()
    }

    /// The events shown since the mark.
    pub fn events(&self) -> Vec<ProgressEvent> {
        self.progress.events().into_iter().skip(self.since().events).collect()
    }

    /// The chat text shown since the mark, concatenated.
    pub fn agent_text(&self) -> String {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                ProgressEvent::AgentText(text) => Some(text),
                _ => None,
            })
            .collect()
    }

    /// The notices shown since the mark.
    pub fn notices(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                ProgressEvent::Notice(text) => Some(text),
                _ => None,
            })
            .collect()
    }

    /// How many events since the mark match.
    pub fn count(&self, matches: impl Fn(&ProgressEvent) -> bool) -> usize {
        self.events().iter().filter(|e| matches(e)).count()
    }

    /// The stored state now.
    pub fn stored(&self) -> StoreContents {
        self.store.contents()
    }
}

/// Seconds as a `Duration`, for readable expectations.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}
