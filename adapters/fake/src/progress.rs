//! A [`Progress`] that keeps every event, for tests that check what the user was shown.

use std::sync::Mutex;

use nemo_core::ports::{Progress, ProgressEvent};

use crate::lock;

/// Records every reported event, in order.
#[derive(Debug, Default)]
pub struct RecordingProgress {
    events: Mutex<Vec<ProgressEvent>>,
}

impl RecordingProgress {
    /// An empty recorder.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event so far.
    #[must_use]
    pub fn events(&self) -> Vec<ProgressEvent> {
        lock(&self.events).clone()
    }
}

impl Progress for RecordingProgress {
    fn report(&self, event: ProgressEvent) {
        lock(&self.events).push(event);
    }
}
