//! One test per turn rule of the wire contract (§4.4), through the chat use case against the
//! fake: what the user sees, and that a message is never sent twice.

use std::time::Duration;

use nemo_core::error::Error;
use nemo_core::gui::GuiAction;
use nemo_core::ports::ProgressEvent;
use nemo_fake::{Endpoint, FakeConfig, Fault};

use crate::support::{World, secs};

#[tokio::test]
async fn partial_deltas_are_shown_once_and_the_final_text_is_not_repeated() {
    let world = World::new();
    world.project_with_clip().await;

    let report = world.nemo.chat("add music", &world.progress).await.unwrap();

    let shown = world.agent_text();
    assert_eq!(shown, report.text);
    assert_eq!(shown.matches("background music").count(), 1, "shown once: {shown:?}");
}

#[tokio::test]
async fn gui_phrases_are_translated_not_forwarded() {
    let world = World::new();
    world.project_with_clip().await;

    let report = world.nemo.chat("add music", &world.progress).await.unwrap();

    assert!(!report.text.to_lowercase().contains("click"), "{:?}", report.text);
    assert!(report.text.contains("Lo-fi"), "the content is kept: {:?}", report.text);
    assert!(report.actions.contains(&GuiAction::Export), "{:?}", report.actions);
}

#[tokio::test]
async fn tool_calls_are_shown_as_progress_not_as_text() {
    let world = World::new();
    world.project_with_clip().await;

    world.nemo.chat("add a title 'Paradise Found'", &world.progress).await.unwrap();

    assert!(world.count(|e| matches!(e, ProgressEvent::Activity(_))) >= 1);
    assert_eq!(world.agent_text(), "", "a silent edit shows no chat text");
}

#[tokio::test]
async fn a_silent_edit_is_reported_from_the_state_diff() {
    let world = World::new();
    world.project_with_clip().await;

    let report = world.nemo.chat("add a title 'Paradise Found'", &world.progress).await.unwrap();

    assert_eq!(report.changes, vec![r#"Title added: "Paradise Found" (0-3s)"#.to_owned()]);
    assert!(world.notices().iter().any(|n| n.contains(r#"Title added: "Paradise Found" (0-3s)"#)));
}

#[tokio::test]
async fn a_silent_turn_with_no_change_still_says_something() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::SilentAnswer);

    world.nemo.chat("what can you do?", &world.progress).await.unwrap();

    assert!(world.notices().iter().any(|n| n.contains("did not change")), "{:?}", world.notices());
}

#[tokio::test]
async fn heartbeats_only_say_still_working_every_two_minutes() {
    let world = World::with_config(FakeConfig { turn_work: Duration::from_secs(300), ..FakeConfig::default() });
    world.project_with_clip().await;

    world.nemo.chat("add music", &world.progress).await.unwrap();

    assert_eq!(world.count(|e| matches!(e, ProgressEvent::StillWorking { .. })), 2, "at 2 and 4 minutes");
}

#[tokio::test]
async fn ten_minutes_of_heartbeats_only_go_to_recovery_without_resending() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::HeartbeatsOnly { duration: Duration::from_secs(11 * 60) });

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    assert_eq!(error, Error::TurnLost { reads: 5 });
    assert_eq!(error.exit().code(), 8);
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
}

#[tokio::test]
async fn a_dropped_stream_is_recovered_from_the_state_not_resent() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::DropStream { after_events: 1, edit_applied: true });

    let report = world.nemo.chat("add a title 'Hello'", &world.progress).await.unwrap();

    assert!(report.recovered);
    assert_eq!(report.changes, vec![r#"Title added: "Hello" (0-3s)"#.to_owned()]);
    assert_eq!(world.sleeps(), vec![secs(30.0)], "waited 30 s, then read the state");
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
}

#[tokio::test]
async fn recovery_reads_five_times_then_reports_failure_without_resending() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::DropStream { after_events: 1, edit_applied: false });

    let error = world.nemo.chat("add a title 'Hello'", &world.progress).await.unwrap_err();

    assert_eq!(error, Error::TurnLost { reads: 5 });
    assert!(error.hint().contains("send it again yourself"), "a retry the user must confirm");
    assert_eq!(world.sleeps(), vec![secs(30.0), secs(60.0), secs(60.0), secs(60.0), secs(60.0)]);
    assert_eq!(world.calls_to(Endpoint::State).len(), 1 + 5, "the read before the message, then five");
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
}

#[tokio::test]
async fn a_connection_lost_before_the_stream_starts_is_recovered_not_resent() {
    let world = World::new();
    world.project_with_clip().await;
    world
        .fake
        .inject(Endpoint::SendMessage, Fault::Fail(nemo_core::error::ApiError::MaybeSent("connection reset".into())));

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    assert_eq!(error, Error::TurnLost { reads: 5 });
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1);
}

#[tokio::test]
async fn a_trailing_temporary_issue_is_ignored_after_normal_text() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::TemporaryIssueTrailer);

    let report = world.nemo.chat("add music", &world.progress).await.unwrap();

    assert!(report.text.contains("Lo-fi"));
    assert!(!world.agent_text().contains("temporary issue"), "{:?}", world.agent_text());
}

#[tokio::test]
async fn a_plain_answer_is_shown_as_text() {
    let world = World::new();
    world.project_with_clip().await;

    let report = world.nemo.chat("hello there", &world.progress).await.unwrap();

    assert!(!report.text.trim().is_empty());
    assert!(report.changes.is_empty());
}
