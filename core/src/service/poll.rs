//! When to poll a render next: a pure function of what the polls have seen. A cloud render is
//! polled at once after its submit, then just after the moment its reported progress says it
//! may end (at the fastest pace its whole percents allow), never sooner than `min` after the
//! last poll, never later than twice the time it has taken so far (at least 15 s, at most
//! `max`); an offline render at a fixed interval.

use std::time::Duration;

/// How a render is polled: the cadence and when to give up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    /// When each poll is made.
    pub cadence: Cadence,
    /// Give up (the render keeps running on the service) after this long (10 min).
    pub deadline: Duration,
    /// The deadline counts from the last time the render's progress rose, not from the
    /// submit: a render that is making progress is never given up on, only a stalled one
    /// (offline renders, whose length is the user's video, not a service's queue).
    pub only_when_stalled: bool,
    /// The render runs on this machine (offline): it stops when the process following it
    /// ends, and a poll of one whose process is gone starts it again — so a timeout stops it,
    /// and a job list does not poll it.
    pub local: bool,
}

/// When polls are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cadence {
    /// At a fixed interval, the first one too (an offline render: a poll costs nothing).
    Every(Duration),
    /// At once after the submit, then by the render's progress (the cloud).
    Adaptive {
        /// The shortest wait between two polls (0.25 s).
        min: Duration,
        /// The longest wait between two polls (60 s).
        max: Duration,
    },
}

/// A wait is at most twice the render's time so far, or this: early on, the time so far says
/// little about the time to come.
const ELAPSED_FLOOR: Duration = Duration::from_secs(15);

/// What the polls of one render have seen so far, in time since its submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// When the last poll was answered.
    pub at: Duration,
    /// The progress it reported, 0 to 100.
    pub percent: u8,
    /// The first poll that reported progress above 0 %: when, and how much.
    pub moving: Option<(Duration, u8)>,
}

impl Seen {
    /// What the polls have seen once a poll at `at` reported `percent`, after `previous`.
    #[must_use]
    pub fn then(previous: Option<Self>, at: Duration, percent: u8) -> Self {
        let moving = previous.and_then(|seen| seen.moving).or((percent > 0).then_some((at, percent)));
        Self { at, percent, moving }
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            cadence: Cadence::Adaptive { min: Duration::from_millis(250), max: Duration::from_secs(60) },
            deadline: Duration::from_secs(600),
            only_when_stalled: false,
            local: false,
        }
    }
}

impl PollPolicy {
    /// How long to wait before the next poll, given what the polls have seen (`None`: none
    /// was made yet).
    #[must_use]
    pub fn wait(&self, seen: Option<Seen>) -> Duration {
        match (self.cadence, seen) {
            (Cadence::Every(every), _) => every,
            (Cadence::Adaptive { .. }, None) => Duration::ZERO,
            (Cadence::Adaptive { min, max }, Some(seen)) => adaptive(min, max, seen),
        }
    }
}

/// The adaptive wait after `seen`.
///
/// Until two polls have seen it move, the render may end at any moment: wait 90 % of the
/// goal's allowance (a render is noticed within max(1 s, a tenth of its time)). Once it went
/// from `p1` at `t1` to `p` at `t`, whole percents rounded down, it moves at most
/// `(p − p1 + 1) / (t − t1)` percent a second, so it cannot end before `99 − p` more percents
/// at that pace: wait until then, or, when that moment is near, within the allowance.
fn adaptive(min: Duration, max: Duration, seen: Seen) -> Duration {
    let cap = seen.at.saturating_mul(2).max(ELAPSED_FLOOR).min(max).max(min);
    let allowance = seen.at.max(Duration::from_secs(10)).mul_f64(0.09);
    let wait = match seen.moving {
        Some((since, from)) if seen.at > since && seen.percent >= from => {
            let pace = f64::from(seen.percent - from + 1) / (seen.at - since).as_secs_f64();
            let earliest_end = Duration::from_secs_f64(f64::from(99 - seen.percent.min(99)) / pace);
            if earliest_end > allowance {
                earliest_end
            } else {
                earliest_end.max(Duration::from_secs_f64(1.0 / pace)).min(allowance)
            }
        }
        _ => allowance,
    };
    wait.clamp(min, cap)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// A render that waits `queued` seconds, then progresses linearly to its end at `total`
    /// (the fake's: 1 s pending, then whole percents rounded down, capped at 99 until done),
    /// polled by the default policy; each poll answered `latency` after it is sent. Returns
    /// how late its end was noticed and how many polls it took.
    fn simulate(queued: f64, total: f64, latency: f64) -> (f64, usize) {
        let policy = PollPolicy::default();
        let (mut now, mut seen, mut polls) = (0.0, None, 0);
        loop {
            now += policy.wait(seen).as_secs_f64() + latency;
            polls += 1;
            if now >= total {
                return (now - total, polls);
            }
            let moving = (now - queued).max(0.0) / (total - queued).max(1e-9);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let percent = ((moving * 100.0).floor() as u8).min(99);
            seen = Some(Seen::then(seen, secs(now), percent));
        }
    }

    /// The goal: a finished render noticed within max(1 s, 10 % of its time).
    fn allowed(total: f64) -> f64 {
        (total / 10.0).max(1.0)
    }

    #[test]
    fn the_first_poll_is_at_once_and_an_offline_render_is_polled_at_its_interval() {
        assert_eq!(PollPolicy::default().wait(None), Duration::ZERO);
        let offline = PollPolicy { cadence: Cadence::Every(Duration::from_millis(5)), ..PollPolicy::default() };
        assert_eq!(offline.wait(None), Duration::from_millis(5));
        assert_eq!(offline.wait(Some(Seen::then(None, secs(30.0), 50))), Duration::from_millis(5));
    }

    #[test]
    fn a_render_done_at_once_is_noticed_by_the_first_poll() {
        assert_eq!(simulate(0.0, 0.0, 0.001), (0.001, 1));
    }

    #[test]
    fn the_issue_s_renders_are_noticed_in_time_and_a_five_minute_one_takes_few_polls() {
        for total in [2.0, 8.0, 30.0, 120.0, 300.0] {
            let (late, polls) = simulate(1.0, total, 0.002);
            assert!(late <= allowed(total), "{total} s render noticed {late:.2} s late");
            if total <= 300.0 {
                assert!(polls <= 15, "{total} s render took {polls} polls");
            }
        }
    }

    #[test]
    fn progress_at_its_end_waits_one_percent_of_its_pace() {
        let seen = Seen { at: secs(100.0), percent: 99, moving: Some((secs(1.0), 1)) };
        assert_eq!(PollPolicy::default().wait(Some(seen)), secs(1.0));
    }

    proptest! {
        #[test]
        fn every_wait_is_within_its_bounds(at in 0u64..10_000_000, since in 0u64..10_000_000, from in 0u8..=255, percent in 0u8..=255) {
            let at = Duration::from_millis(at);
            let seen = Seen { at, percent, moving: Some((Duration::from_millis(since), from)) };
            let wait = PollPolicy::default().wait(Some(seen));
            prop_assert!(wait >= Duration::from_millis(250));
            prop_assert!(wait <= Duration::from_secs(60));
            prop_assert!(wait <= (at * 2).max(ELAPSED_FLOOR).max(Duration::from_millis(250)));
        }

        #[test]
        fn any_linear_render_is_noticed_in_time(queued in 0.0f64..30.0, length in 0.0f64..3600.0, latency in 0.0f64..0.05) {
            let total = queued + length;
            let (late, _) = simulate(queued, total, latency);
            prop_assert!(late <= allowed(total) + latency, "{total:.2} s ({queued:.2} queued) noticed {late:.2} s late");
        }
    }
}
