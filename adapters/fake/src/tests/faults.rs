//! Every fault fires once, on the next call to its endpoint, and does what its doc says.

use std::time::Duration;

use futures::executor::block_on;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::{ApiError, Refusal};
use nemo_core::ids::RenderId;
use nemo_core::model::{Credits, RenderPhase};
use nemo_core::ports::{Backend, NoProgress};
use serde_json::json;

use super::{Harness, TempDir, texts};
use crate::script::TEMPORARY_ISSUE;
use crate::{Endpoint, Fault};

fn credits(available: i64, frozen: i64) -> Credits {
    Credits { available, frozen, total: available + frozen }
}

#[test]
fn a_failure_answers_the_next_call_to_its_endpoint_only() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let errors = [
        ApiError::code(1001, "token invalid or expired"),
        ApiError::code(1002, "session not found"),
        ApiError::code(4001, "unsupported file type"),
        ApiError::status(402, "free plan export blocked"),
        ApiError::Refused(Refusal {
            status: 429,
            code: None,
            message: "slow down".into(),
            retry_after: Some(Duration::from_secs(7)),
        }),
        ApiError::status(503, "unavailable"),
        ApiError::MaybeSent("reset".into()),
    ];
    for error in errors {
        h.fake.inject(Endpoint::State, Fault::Fail(error.clone()));
        h.fake.inject(Endpoint::Credits, Fault::Fail(error.clone()));
        assert_eq!(block_on(h.fake.state(&p.token, &p.session)).map(|_| ()), Err(error.clone()));
        assert!(block_on(h.fake.state(&p.token, &p.session)).is_ok());
        assert_eq!(block_on(h.fake.credits(&p.token)).map(|_| ()), Err(error));
        assert!(block_on(h.fake.credits(&p.token)).is_ok());
    }
}

#[test]
fn a_request_that_was_never_sent_is_not_logged_and_one_that_may_have_been_is() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let before = h.fake.calls_to(Endpoint::SendMessage).len();
    h.fake.inject(Endpoint::SendMessage, Fault::Fail(ApiError::NotSent("refused".into())));
    h.fake.inject(Endpoint::SendMessage, Fault::Fail(ApiError::MaybeSent("timeout".into())));
    for _ in 0..2 {
        assert!(block_on(h.fake.send_message(&p.token, &p.session, "add music")).is_err());
    }
    assert_eq!(h.fake.calls_to(Endpoint::SendMessage).len(), before + 1);
    assert_eq!(h.draft(&p).pointer("/t/1"), None, "a failed send edits nothing");
}

#[test]
fn a_dropped_stream_ends_in_an_error_with_or_without_the_edit() {
    for edit_applied in [false, true] {
        let h = Harness::new();
        let p = h.project_with_video(1);
        h.fake.inject(Endpoint::SendMessage, Fault::DropStream { after_events: 2, edit_applied });
        let items = h.send(&p, "add music");
        assert_eq!(items.len(), 3);
        assert!(items[..2].iter().all(Result::is_ok));
        assert_eq!(items[2], Err(ApiError::MaybeSent("stream dropped".into())));
        assert_eq!(h.draft(&p).pointer("/t/1").is_some(), edit_applied);
        let paid = if edit_applied { credits(50, 0) } else { credits(100, 0) };
        assert_eq!(h.fake.credits_of(&p.user), paid);
        assert_eq!(h.turn(&p, "hello").last(), Some(&ChatEvent::TurnComplete), "the next turn is normal");
    }
}

#[test]
fn heartbeats_only_then_the_stream_closes_without_text_or_edit() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.fake.inject(Endpoint::SendMessage, Fault::HeartbeatsOnly { duration: Duration::from_secs(11 * 60) });
    let events = h.turn(&p, "add music");
    assert_eq!(events, vec![ChatEvent::Heartbeat; 22]);
    assert_eq!(h.clock.sleeps().iter().sum::<Duration>(), Duration::from_secs(11 * 60));
    assert_eq!(h.draft(&p).pointer("/t/1"), None);
    assert_eq!(h.fake.credits_of(&p.user), credits(100, 0));
    assert!(!texts(&h.turn(&p, "add music")).is_empty(), "once");
}

#[test]
fn a_silent_answer_still_edits() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.fake.inject(Endpoint::SendMessage, Fault::SilentAnswer);
    assert!(texts(&h.turn(&p, "add music")).is_empty());
    assert_eq!(h.draft(&p).pointer("/t/1/m/role"), Some(&json!("bgm")));
    assert!(!texts(&h.turn(&p, "mute")).is_empty(), "once");
}

#[test]
fn a_temporary_issue_trails_a_normal_answer() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.fake.inject(Endpoint::SendMessage, Fault::TemporaryIssueTrailer);
    let events = h.turn(&p, "mute");
    let whole: Vec<String> = texts(&events).into_iter().filter(|(_, partial)| !partial).map(|(t, _)| t).collect();
    assert_eq!(whole, ["The video's original sound is now muted.", TEMPORARY_ISSUE]);
    assert_eq!(events.last(), Some(&ChatEvent::TurnComplete));
    assert_eq!(h.draft(&p).pointer("/t/0/sg/0/vol"), Some(&json!(0)));
    let next = h.turn(&p, "hello");
    assert!(!texts(&next).iter().any(|(text, _)| text == TEMPORARY_ISSUE), "once");
}

#[test]
fn render_faults_decide_the_fate_of_the_next_job() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.fake.inject(Endpoint::SubmitRender, Fault::RenderFails { reason: "codec exploded".into() });
    h.fake.inject(Endpoint::SubmitRender, Fault::RenderStalls);
    h.fake.inject(Endpoint::SubmitRender, Fault::NoOutputUrl { polls: 2 });
    for ms in 1..=4 {
        h.submit(&p, ms).unwrap();
    }
    let poll = |ms| block_on(h.fake.render_status(&p.token, &RenderId::from_unix_ms(ms))).unwrap();
    h.advance(Duration::from_secs(3));
    assert_eq!(poll(1).phase, RenderPhase::Processing);
    h.advance(Duration::from_secs(3));
    let failed = poll(1);
    assert_eq!((failed.phase, failed.error.as_deref()), (RenderPhase::Failed, Some("codec exploded")));
    h.advance(Duration::from_secs(3600));
    assert_eq!((poll(2).phase, poll(2).progress), (RenderPhase::Processing, 50));
    let polls: Vec<_> = (0..3).map(|_| poll(3)).map(|s| (s.phase, s.output_url)).collect();
    let url = "https://cdn.fake.nemovideo.invalid/renders/render_3.mp4".to_owned();
    assert_eq!(
        polls,
        [(RenderPhase::Completed, None), (RenderPhase::Completed, None), (RenderPhase::Completed, Some(url))]
    );
    assert!(poll(4).output_url.is_some(), "the fourth job is normal");
}

#[test]
fn the_cdn_is_down_once() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.submit(&p, 1).unwrap();
    h.advance(Duration::from_secs(6));
    h.fake.inject(Endpoint::DownloadUrl, Fault::CdnDown);
    let dir = TempDir::new();
    let (url, dest) = ("https://cdn.fake.nemovideo.invalid/renders/render_1.mp4", dir.file("out.mp4"));
    assert_eq!(block_on(h.fake.download_url(url, &dest, &NoProgress)), Err(ApiError::status(404, "not found")));
    assert_eq!(block_on(h.fake.download_url(url, &dest, &NoProgress)), Ok(4096));
}
