//! A manual clock: virtual time that only moves when a test (or a sleeper) moves it, so
//! "wait 30 s, then read again" runs in microseconds and can be asserted on.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use nemo_core::ports::Clock;
use nemo_core::time::Timestamp;

use crate::lock;

/// A [`Clock`] whose time is set by hand. [`Clock::sleep`] returns at once after moving the
/// time forward by the duration and recording it.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    now: Timestamp,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock that starts at `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self { state: Mutex::new(State { now: start, sleeps: Vec::new() }) }
    }

    /// Moves the time forward without recording a sleep.
    pub fn advance(&self, by: Duration) {
        let mut state = lock(&self.state);
        state.now = state.now.plus(by);
    }

    /// Every sleep so far, in order.
    #[must_use]
    pub fn sleeps(&self) -> Vec<Duration> {
        lock(&self.state).sleeps.clone()
    }
}

#[async_trait]
impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        lock(&self.state).now
    }

    async fn sleep(&self, duration: Duration) {
        let mut state = lock(&self.state);
        state.now = state.now.plus(duration);
        state.sleeps.push(duration);
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;

    #[test]
    fn sleeping_moves_the_time_and_is_recorded() {
        let clock = ManualClock::new(Timestamp::from_unix_ms(1_000));
        block_on(clock.sleep(Duration::from_secs(30)));
        clock.advance(Duration::from_millis(5));
        block_on(clock.sleep(Duration::from_secs(60)));
        assert_eq!(clock.now(), Timestamp::from_unix_ms(91_005));
        assert_eq!(clock.sleeps(), [Duration::from_secs(30), Duration::from_secs(60)]);
    }
}
