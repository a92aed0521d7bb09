//! The message use case (`Nemo::message`): one chat message routed by the intent router and
//! carried out — an export is handed back (nothing rendered, no chat turn), credits and the
//! track summary are read, named files are uploaded, everything else is one chat turn.

use nemo_core::error::Error;
use nemo_core::service::{FoundFile, NEW_PROJECT, Outcome};
use nemo_fake::Endpoint;

use crate::support::World;

/// Only `clip.mp4` exists, found at `/work/clip.mp4` (64 KiB).
fn find(token: &str) -> Option<FoundFile> {
    (token == "clip.mp4").then(|| FoundFile { path: "/work/clip.mp4".into(), size: 64 * 1024 })
}

#[tokio::test]
async fn export_is_handed_back_without_a_chat_turn_or_a_render() {
    let world = World::new();
    let project = world.project_with_clip().await;

    let outcome = world.nemo.message("export", &find, &world.progress).await.unwrap();

    assert_eq!(outcome, Outcome::Export(project));
    assert!(world.calls_to(Endpoint::SendMessage).is_empty());
    assert!(world.calls_to(Endpoint::SubmitRender).is_empty());
}

#[tokio::test]
async fn credits_are_read_not_chatted() {
    let world = World::new();
    world.mark();

    let outcome = world.nemo.message("余额", &find, &world.progress).await.unwrap();

    let Outcome::Credits(credits) = outcome else { panic!("{outcome:?}") };
    assert_eq!(credits.available, 100);
    assert!(world.calls_to(Endpoint::SendMessage).is_empty());
    assert!(world.stored().projects.is_empty(), "credits need no project");
}

#[tokio::test]
async fn status_shows_the_tracks_of_a_new_project_when_none_is_selected() {
    let world = World::new();

    let outcome = world.nemo.message("status", &find, &world.progress).await.unwrap();

    let Outcome::Tracks(report) = outcome else { panic!("{outcome:?}") };
    assert_eq!((report.project.name.as_str(), report.summary.as_str()), (NEW_PROJECT, "Timeline (0 tracks)"));
    assert!(world.calls_to(Endpoint::SendMessage).is_empty());
}

#[tokio::test]
async fn a_named_file_is_uploaded_from_where_the_caller_found_it() {
    let world = World::new();
    world.project_with_clip().await;

    let outcome = world.nemo.message("upload clip.mp4", &find, &world.progress).await.unwrap();

    let Outcome::Uploaded(assets) = outcome else { panic!("{outcome:?}") };
    assert_eq!(assets.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(), ["clip.mp4"]);
    let uploads = world.calls_to(Endpoint::UploadFile);
    assert_eq!(uploads.len(), 1);
    assert!(uploads[0].detail.contains("clip.mp4"), "{:?}", uploads[0]);
    assert!(world.calls_to(Endpoint::SendMessage).is_empty());
}

#[tokio::test]
async fn upload_alone_sends_nothing() {
    let world = World::new();
    world.mark();

    let outcome = world.nemo.message("upload", &find, &world.progress).await.unwrap();

    assert_eq!(outcome, Outcome::NothingToUpload);
    assert!(world.fake.calls().is_empty(), "{:?}", world.fake.calls());
}

#[tokio::test]
async fn a_named_file_over_the_limit_is_refused_before_anything_is_sent() {
    let world = World::new();
    world.mark();
    let huge = |token: &str| (token == "big.mp4").then(|| FoundFile { path: "/w/big.mp4".into(), size: 600 << 20 });

    let error = world.nemo.message("upload big.mp4", &huge, &world.progress).await.unwrap_err();

    assert!(matches!(error, Error::MediaRefused(_)), "{error:?}");
    assert!(world.fake.calls().is_empty(), "{:?}", world.fake.calls());
}

#[tokio::test]
async fn anything_else_is_one_chat_turn_in_the_current_project() {
    let world = World::new();
    world.project_with_clip().await;

    let outcome = world.nemo.message("don't export yet, add a title 'Hi'", &find, &world.progress).await.unwrap();

    let Outcome::Turn(turn) = outcome else { panic!("{outcome:?}") };
    assert_eq!(turn.changes, [r#"Title added: "Hi" (0-3s)"#]);
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1);
}
