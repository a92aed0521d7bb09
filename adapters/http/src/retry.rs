//! Retrying idempotent calls: the call is a factory run again for each attempt (never a
//! consumed request), and every wait goes through the injected clock.

use std::future::Future;
use std::time::Duration;

use nemo_core::error::{ApiError, ErrorCode};
use nemo_core::ports::Clock;

use crate::config::RetryPolicy;

/// The wait before retry number `attempt` (0 for the first retry): `Retry-After` when the
/// service sent one, else `base × 2^attempt` brought down by a jitter of up to half; both
/// capped at `max_delay`. `seed` supplies the jitter.
#[must_use]
pub fn delay(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>, seed: u64) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(policy.max_delay);
    }
    let full = policy.base_delay.saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX)).min(policy.max_delay);
    let half = full / 2;
    let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let jitter = if nanos == 0 { 0 } else { xorshift(seed) % (nanos + 1) };
    half + Duration::from_nanos(jitter)
}

fn xorshift(seed: u64) -> u64 {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Runs `call` and repeats it after transient errors, per `policy`: those core classifies as
/// [`ErrorCode::Transient`] (network trouble, 408 or 5xx). Not 429 (the use cases wait and
/// retry once), not any other refusal.
///
/// # Errors
/// The last attempt's error.
pub async fn retrying<T, F, Fut>(policy: &RetryPolicy, clock: &dyn Clock, mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(error) if attempt < policy.retries && error.error_code() == Some(ErrorCode::Transient) => {
                let seed = clock.now().unix_ms().wrapping_mul(31).wrapping_add(u64::from(attempt));
                clock.sleep(delay(policy, attempt, error.retry_after(), seed)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_jitter_and_are_capped() {
        let policy = RetryPolicy::default();
        for seed in 0..50 {
            let d0 = delay(&policy, 0, None, seed);
            assert!(d0 >= Duration::from_millis(250) && d0 <= Duration::from_millis(500), "{d0:?}");
            let d3 = delay(&policy, 3, None, seed);
            assert!(d3 >= Duration::from_secs(2) && d3 <= Duration::from_secs(4), "{d3:?}");
            assert!(delay(&policy, 40, None, seed) <= policy.max_delay);
        }
        assert_eq!(delay(&policy, 0, Some(Duration::from_secs(7)), 1), Duration::from_secs(7));
        assert_eq!(delay(&policy, 0, Some(Duration::from_secs(700)), 1), Duration::from_secs(30));
    }

    /// How many times `retrying` calls a call that always fails with `error`.
    fn attempts(error: &ApiError) -> u32 {
        let clock = nemo_fake::ManualClock::new(nemo_core::time::Timestamp::from_unix_ms(0));
        let mut calls = 0;
        let _ = futures::executor::block_on(retrying(&RetryPolicy::default(), &clock, || {
            calls += 1;
            std::future::ready(Err::<(), _>(error.clone()))
        }));
        calls
    }

    #[test]
    fn only_what_core_calls_transient_is_retried() {
        let refused = |status, code| {
            ApiError::Refused(nemo_core::error::Refusal { status, code, message: String::new(), retry_after: None })
        };
        let bad_reply = |status| ApiError::BadReply { status, reason: String::new(), body: String::new() };
        for transient in [
            ApiError::NotSent("x".into()),
            ApiError::MaybeSent("x".into()),
            ApiError::status(503, ""),
            ApiError::status(408, ""),
            // The code envelope repeats the status as the body code; an unknown code under a
            // 5xx is still transient.
            refused(503, Some(503)),
            bad_reply(502),
        ] {
            assert_eq!(attempts(&transient), 3, "{transient:?}");
        }
        for other in [
            ApiError::status(429, ""),
            ApiError::status(404, ""),
            ApiError::code(1001, ""),
            refused(500, Some(1002)),
            bad_reply(200),
            ApiError::Local("x".into()),
        ] {
            assert_eq!(attempts(&other), 1, "{other:?}");
        }
    }
}
