//! One contract suite, run against every implementation of the backend port with the same
//! assertions: the in-memory fake directly, and the HTTP adapter talking to the same fake served over
//! HTTP on loopback (`nemo-http` against `nemo-fake-cloud`). If the two disagree, a case
//! fails for one of them.

mod cases;

use std::sync::Arc;
use std::time::Duration;

use nemo_core::attribution::{Attribution, profile};
use nemo_core::media::{LocalMedia, MAX_UPLOAD_BYTES};
use nemo_core::ports::{Backend, Clock};
use nemo_core::time::Timestamp;
use nemo_fake::{FakeBackend, FakeConfig, ManualClock};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, RunningServer, SseShape};
use nemo_http::{HttpBackend, HttpConfig, RetryPolicy};

use crate::support::START;

/// One implementation under test, with the fake behind it for faults and the clock for time.
pub struct Harness {
    pub backend: Arc<dyn Backend>,
    pub fake: Arc<FakeBackend>,
    clock: Arc<ManualClock>,
    /// The fake cloud the HTTP adapter talks to (none for the in-memory run); stopped on drop.
    _server: Option<RunningServer>,
    /// This test's own folder (the server's storage, clips, outputs), removed on drop.
    dir: tempfile::TempDir,
}

impl Harness {
    /// The in-memory fake itself.
    async fn in_memory() -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
        Self { backend: fake.clone(), fake, clock, _server: None, dir: scratch_dir() }
    }

    /// The HTTP adapter talking to the same fake served over HTTP on 127.0.0.1:0. The adapter
    /// retries nothing here, so that one call of a case is one call on both implementations.
    async fn over_http() -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
        let dir = scratch_dir();
        let options = FakeCloudOptions {
            sse_shape: SseShape::AgentFramework,
            storage_dir: dir.path().join("server"),
            max_upload_bytes: MAX_UPLOAD_BYTES,
        };
        let server = RunningServer::spawn(Arc::new(FakeCloud::new(fake.clone(), options))).await.expect("fake cloud");
        let attribution = Attribution::new(profile("nemoctl").expect("the default profile"), "unknown".into());
        let config = HttpConfig { retry: RetryPolicy::none(), ..HttpConfig::new(server.base_url(), attribution) };
        let backend = Arc::new(HttpBackend::new(config, clock.clone()).expect("an HTTP client"));
        Self { backend, fake, clock, _server: Some(server), dir }
    }

    pub fn clock_now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// A real file of `size` bytes in this test's directory, checked for upload.
    pub fn media_file(&self, name: &str, size: usize) -> LocalMedia {
        let path = self.dir.path().join(name);
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, bytes).expect("write the test clip");
        LocalMedia::check(path.to_string_lossy(), size as u64).expect("a valid clip")
    }

    /// A path for an output file in this test's directory.
    pub fn output(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }
}

fn scratch_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a scratch dir")
}

/// Generates one test per case and implementation: `in_memory::CASE` and `over_http::CASE`.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        contract!(@impl in_memory; $($case),*);
        contract!(@impl over_http; $($case),*);
    };
    (@impl $implementation:ident; $($case:ident),*) => {
        mod $implementation {
            $(
                #[tokio::test]
                async fn $case() {
                    super::cases::$case(&super::Harness::$implementation().await).await;
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
    a_refused_message_fails_before_any_event,
    a_working_agent_sends_heartbeats_only,
    a_failed_render_says_why,
    completed_without_a_url_is_still_completed,
    a_cdn_outage_is_a_404_and_the_fallback_route_still_serves,
);
