//! One contract suite, run against every implementation of the backend port with the same
//! assertions: the in-memory fake directly, and (with the HTTP adapter) the fake served over
//! HTTP on loopback. If two implementations disagree, a case fails for one of them.

mod cases;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use nemo_core::media::LocalMedia;
use nemo_core::ports::{Backend, Clock};
use nemo_core::time::Timestamp;
use nemo_fake::{FakeBackend, FakeConfig, ManualClock};

use crate::support::START;

/// One implementation under test, with the fake behind it for faults and the clock for time.
pub struct Harness {
    pub backend: Arc<dyn Backend>,
    pub fake: Arc<FakeBackend>,
    clock: Arc<ManualClock>,
    dir: PathBuf,
}

impl Harness {
    /// The in-memory fake itself.
    fn in_memory(name: &str) -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
        Self { backend: fake.clone(), fake, clock, dir: scratch_dir("memory", name) }
    }

    pub fn clock_now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// A real file of `size` bytes in this test's directory, checked for upload.
    pub fn media_file(&self, name: &str, size: usize) -> LocalMedia {
        let path = self.dir.join(name);
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, bytes).expect("write the test clip");
        LocalMedia::check(path.to_string_lossy(), size as u64).expect("a valid clip")
    }

    /// A path for an output file in this test's directory.
    pub fn output(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

fn scratch_dir(kind: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nemo-contract-{}-{kind}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch dir");
    dir
}

/// Generates one test per case and implementation.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod in_memory {
            $(
                #[tokio::test]
                async fn $case() {
                    super::cases::$case(&super::Harness::in_memory(stringify!($case))).await;
                }
            )*
        }
    };
}

contract!(
    anonymous_tokens_are_fresh_starter_accounts,
    the_same_client_id_renews_the_token_and_revokes_the_old_one,
    sessions_claim_links_and_credits,
    a_fresh_session_has_an_empty_draft,
    an_unknown_session_is_1002,
    an_uploaded_clip_becomes_a_video_track,
    urls_are_uploaded_by_reference,
    a_music_turn_streams_tool_events_then_deltas_then_the_whole_text,
    a_title_turn_is_silent,
    a_dropped_stream_ends_with_maybe_sent,
    a_render_goes_pending_processing_completed_and_downloads,
    a_duplicate_render_id_is_refused,
    a_cancelled_render_fails,
    every_error_code_arrives_as_its_row_of_the_table,
    a_rate_limit_carries_its_retry_after,
);
