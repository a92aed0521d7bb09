//! The clock port: the only way the domain learns the time or waits, so that tests of
//! "wait 30 s and retry" run in microseconds against a manual clock.

use std::time::Duration;

use async_trait::async_trait;

use crate::time::Timestamp;

/// Wall-clock time and waiting.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// Waits `duration`. A manual clock advances its time instead of waiting.
    async fn sleep(&self, duration: Duration);
}
