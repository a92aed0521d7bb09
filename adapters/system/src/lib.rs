//! `nemo-system`: the real-world implementations of the core's small ports — today the
//! system clock, which reads wall-clock time and sleeps on tokio's timer.
#![warn(missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use nemo_core::ports::Clock;
use nemo_core::time::Timestamp;

/// The wall clock, with tokio timers for sleeping. Needs a tokio runtime with time enabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[async_trait]
impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        Timestamp::from_unix_ms(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX))
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sleeping_waits_on_the_tokio_timer() {
        let before = tokio::time::Instant::now();
        SystemClock.sleep(Duration::from_secs(30)).await;
        assert_eq!(before.elapsed(), Duration::from_secs(30));
    }

    #[test]
    fn now_is_after_this_code_was_written() {
        assert!(SystemClock.now() > Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap());
    }
}
