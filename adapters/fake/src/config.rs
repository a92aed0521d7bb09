//! The fake's settings: its seed, credits, costs and timings.

use std::time::Duration;

/// How a [`crate::FakeBackend`] behaves. [`Default`] gives the real service's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeConfig {
    /// Every id derives from it: the same seed and calls give the same ids.
    pub seed: u64,
    /// Credits of a new anonymous user (100).
    pub starting_credits: i64,
    /// What the first edit turn of a session costs (50): frozen while it runs, deducted at
    /// its end, given back if it ends without an edit. Later turns and export are free.
    pub session_edit_cost: i64,
    /// How long a render takes on the clock (6 s).
    pub render_duration: Duration,
    /// Extra agent work per edit turn, on the clock, with a heartbeat every 30 s (0).
    pub turn_work: Duration,
    /// The web site, for the registration link of a 2001 refusal.
    pub web_url: String,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            starting_credits: 100,
            session_edit_cost: 50,
            render_duration: Duration::from_secs(6),
            turn_work: Duration::ZERO,
            web_url: "https://fake.nemovideo.invalid".into(),
        }
    }
}
