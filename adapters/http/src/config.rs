//! The one configuration value of the adapter: where the service is, who the traffic is
//! attributed to, the timeouts, and the retry policy for idempotent calls.

use std::time::Duration;

use nemo_core::attribution::Attribution;

/// How the adapter reaches the service.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Base URL, for example `http://127.0.0.1:8787` (a trailing slash is ignored).
    pub api_url: String,
    /// The `X-Skill-*` headers sent on every request.
    pub attribution: Attribution,
    /// Longest wait to establish a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Longest silence while waiting for a reply or reading any body (default 120 s).
    pub idle_timeout: Duration,
    /// Longest a whole exchange may take, from sending to the last byte of the reply, for
    /// every call but the streams (default 60 s) — an idempotent call's retries and the
    /// waits between them included: a server that drips a byte now and then never trips the
    /// idle timeout. Not applied to `/run_sse` (a turn may stream for 15
    /// minutes; heartbeats and the idle timeout rule it) nor to uploads and downloads (large
    /// files; the idle timeout rules them).
    pub request_deadline: Duration,
    /// Retries of idempotent calls.
    pub retry: RetryPolicy,
}

impl HttpConfig {
    /// The defaults: 10 s to connect, 120 s of silence at most, 60 s for a whole exchange,
    /// [`RetryPolicy::default`].
    #[must_use]
    pub fn new(api_url: impl Into<String>, attribution: Attribution) -> Self {
        Self {
            api_url: api_url.into(),
            attribution,
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            request_deadline: Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }
    }
}

/// Retries of idempotent calls (state, credits, render status, downloads) after network
/// trouble, 408 or 5xx: exponential backoff with jitter, `Retry-After` honoured (capped).
/// 429 is not retried here: the use cases own "wait, then retry once".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Extra attempts after the first.
    pub retries: u32,
    /// The first wait; each later one doubles (then jitter takes it down by up to half).
    pub base_delay: Duration,
    /// The longest wait, including a `Retry-After`.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    #[must_use]
    pub fn none() -> Self {
        Self { retries: 0, ..Self::default() }
    }
}

impl Default for RetryPolicy {
    /// 2 retries, 500 ms base, ×2 with jitter, 30 s cap.
    fn default() -> Self {
        Self { retries: 2, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}
