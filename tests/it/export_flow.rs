//! The export use case against the fake: pre-check, `render_<ms>` ids, the poll schedule,
//! the download and its fallback, failures and the deadline.

use std::time::Duration;

use nemo_core::error::{ApiError, Error};
use nemo_core::model::JobState;
use nemo_core::service::{EditPlan, EditStage, PollPolicy, Settings, UploadSource, check_file};
use nemo_fake::{Endpoint, FakeConfig, Fault};

use crate::support::{START, World, secs};

#[tokio::test]
async fn export_needs_a_track_with_segments_and_sends_no_render_request() {
    let world = World::new();
    world.nemo.new_project("empty", &world.progress).await.unwrap();

    let error = world.nemo.export(&world.output("empty.mp4"), &world.progress).await.unwrap_err();

    assert_eq!(error, Error::NothingToExport);
    assert_eq!(error.exit().code(), 6);
    assert!(world.calls_to(Endpoint::SubmitRender).is_empty());
}

#[tokio::test]
async fn export_submits_a_render_ms_id_polls_by_its_progress_and_downloads() {
    let world = World::new();
    world.project_with_clip().await;
    let output = world.output("ok.mp4");

    let report = world.nemo.export(&output, &world.progress).await.unwrap();

    assert_eq!(report.render_id.as_str(), format!("render_{}", START.unix_ms()));
    assert!(!report.used_fallback);
    assert_eq!(std::fs::metadata(&output).unwrap().len(), report.bytes);
    assert!(!std::path::Path::new(&format!("{output}.part")).exists());
    let waits = world.sleeps();
    assert_eq!(waits[0], Duration::ZERO, "the first poll at once");
    assert!(waits[1..].iter().all(|wait| *wait >= secs(0.25)), "then at least 0.25 s apart: {waits:?}");
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1);
    let jobs = world.nemo.jobs().await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done { bytes: report.bytes });
}

#[tokio::test]
async fn a_render_is_polled_at_once_then_noticed_within_a_second_of_its_end() {
    let world = World::new();
    world.project_with_clip().await;

    world.nemo.export(&world.output("soon.mp4"), &world.progress).await.unwrap();

    let sleeps = world.sleeps();
    assert_eq!(sleeps.first(), Some(&Duration::ZERO), "the first poll is made at once: {sleeps:?}");
    let waited: Duration = sleeps.iter().sum();
    let render = FakeConfig::default().render_duration;
    assert!(waited >= render && waited <= render + secs(1.0), "noticed after {waited:?}: {sleeps:?}");
}

#[tokio::test]
async fn a_submit_failure_retries_once_with_a_new_id() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SubmitRender, Fault::Fail(ApiError::MaybeSent("reset".into())));

    let report = world.nemo.export(&world.output("retry.mp4"), &world.progress).await.unwrap();

    let submits = world.calls_to(Endpoint::SubmitRender);
    assert_eq!(submits.len(), 2);
    assert_ne!(submits[0].detail, submits[1].detail, "a new id for the retry");
    assert_eq!(report.render_id.as_str(), submits[1].detail);
}

#[tokio::test]
async fn transient_poll_errors_are_retried_on_the_same_id() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::RenderStatus, Fault::Fail(ApiError::status(503, "busy")));
    world.fake.inject(Endpoint::RenderStatus, Fault::Fail(ApiError::NotSent("refused".into())));

    let report = world.nemo.export(&world.output("poll.mp4"), &world.progress).await.unwrap();

    let waits = world.sleeps();
    assert!(waits[1] >= secs(0.9) && waits[2] >= secs(0.9), "a failed poll is not repeated at once: {waits:?}");
    let polls = world.calls_to(Endpoint::RenderStatus);
    assert_eq!(polls.len(), waits.len() - 1, "every poll but the refused connection reached the service");
    assert!(polls.iter().all(|c| c.detail == report.render_id.as_str()), "always the same id");
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1, "never submitted again");
}

#[tokio::test]
async fn a_failed_render_exits_9() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SubmitRender, Fault::RenderFails { reason: "encoder crashed".into() });

    let error = world.nemo.export(&world.output("fail.mp4"), &world.progress).await.unwrap_err();

    assert!(matches!(&error, Error::RenderFailed { reason, .. } if reason.contains("encoder crashed")), "{error:?}");
    assert_eq!(error.exit().code(), 9);
}

/// A project with a clip whose renders are given up after 60 s, and `fault` on `endpoint`.
async fn sixty_seconds_and(endpoint: Endpoint, fault: Fault) -> World {
    let poll = PollPolicy { deadline: Duration::from_secs(60), ..PollPolicy::default() };
    let world = World::with_settings(Settings { poll, ..Settings::default() });
    world.project_with_clip().await;
    world.fake.inject(endpoint, fault);
    world
}

#[tokio::test]
async fn a_render_past_the_deadline_times_out_with_exit_8() {
    let world = sixty_seconds_and(Endpoint::SubmitRender, Fault::RenderStalls).await;

    let error = world.nemo.export(&world.output("stall.mp4"), &world.progress).await.unwrap_err();

    assert!(matches!(error, Error::RenderTimedOut { .. }));
    assert_eq!(error.exit().code(), 8);
    assert!(world.sleeps().iter().sum::<Duration>() <= Duration::from_secs(60));
}

#[tokio::test]
async fn the_render_deadline_holds_while_a_poll_is_unanswered() {
    let world = sixty_seconds_and(Endpoint::RenderStatus, Fault::Hang).await;

    let output = world.output("hung.mp4");
    let export = world.nemo.export(&output, &world.progress);
    // Real time bounds the test only: the render's deadline is on the (manual) clock.
    let error = tokio::time::timeout(Duration::from_secs(10), export).await.expect("the deadline held").unwrap_err();

    assert!(matches!(error, Error::RenderTimedOut { .. }), "{error:?}");
    assert!(world.sleeps().iter().sum::<Duration>() <= Duration::from_secs(60));
}

#[tokio::test]
async fn a_render_making_progress_past_the_deadline_finishes_when_only_a_stall_times_out() {
    let config = FakeConfig { render_duration: Duration::from_secs(1800), ..FakeConfig::default() };
    let poll = PollPolicy { deadline: Duration::from_secs(60), only_when_stalled: true, ..PollPolicy::default() };
    let world = World::with_both(Settings { poll, ..Settings::default() }, config.clone());
    world.project_with_clip().await;
    world.nemo.export(&world.output("long.mp4"), &world.progress).await.unwrap();
    assert!(world.sleeps().iter().sum::<Duration>() >= Duration::from_secs(1800), "it waited the whole render");

    let stalled = World::with_both(Settings { poll, ..Settings::default() }, config);
    stalled.project_with_clip().await;
    stalled.fake.inject(Endpoint::SubmitRender, Fault::RenderStalls);
    let error = stalled.nemo.export(&stalled.output("stall.mp4"), &stalled.progress).await.unwrap_err();
    assert!(matches!(error, Error::RenderTimedOut { .. }), "{error:?}");
}

#[tokio::test]
async fn completed_without_a_url_keeps_polling() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SubmitRender, Fault::NoOutputUrl { polls: 2 });

    world.nemo.export(&world.output("nourl.mp4"), &world.progress).await.unwrap();
}

#[tokio::test]
async fn a_cdn_failure_falls_back_to_the_download_route() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::DownloadUrl, Fault::CdnDown);
    let output = world.output("cdn.mp4");

    let report = world.nemo.export(&output, &world.progress).await.unwrap();

    assert!(report.used_fallback);
    assert_eq!(world.calls_to(Endpoint::DownloadRender).len(), 1);
    assert_eq!(std::fs::metadata(&output).unwrap().len(), report.bytes);
}

// The daemon's half: queue now, submit later, settle a job found in `Submitting` after a crash.

#[tokio::test]
async fn a_queued_export_is_saved_before_anything_is_sent_then_submitted_under_its_own_id() {
    let world = World::new();
    let project = world.project_with_clip().await;
    let output = world.output("queued.mp4");

    let job = world.nemo.queue_export(project, &output, &world.progress).await.unwrap();

    assert_eq!(job.state, JobState::Submitting);
    assert_eq!(world.stored().render_jobs, std::slice::from_ref(&job));
    assert!(world.calls_to(Endpoint::SubmitRender).is_empty());

    let submitted = world.nemo.submit_queued(job.clone(), &world.progress).await.unwrap();
    assert_eq!(submitted.id, job.id);
    assert!(matches!(submitted.state, JobState::Rendering { .. }));
    let report = world.nemo.resume_export(submitted, &world.progress).await.unwrap();
    assert_eq!((report.render_id, report.bytes), (job.id.clone(), 4096));
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1);
}

#[tokio::test]
async fn a_job_left_in_submitting_whose_id_reached_the_service_is_polled_not_submitted_again() {
    let world = World::new();
    let project = world.project_with_clip().await;
    let job = world.nemo.queue_export(project, &world.output("reached.mp4"), &world.progress).await.unwrap();
    world.nemo.submit_queued(job.clone(), &world.progress).await.unwrap();
    // The crash: the submit reached the service, but `Rendering` was never saved.
    let left = nemo_core::model::RenderJob { state: JobState::Submitting, ..job.clone() };

    let recovered = world.nemo.recover_submitting(left, &world.progress).await.unwrap();

    assert_eq!(recovered.id, job.id);
    assert!(matches!(recovered.state, JobState::Rendering { .. }));
    world.nemo.resume_export(recovered, &world.progress).await.unwrap();
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1, "never submitted again");
}

#[tokio::test]
async fn a_job_left_in_submitting_that_never_reached_the_service_is_submitted_under_a_new_id() {
    let world = World::new();
    let project = world.project_with_clip().await;
    let job = world.nemo.queue_export(project, &world.output("lost.mp4"), &world.progress).await.unwrap();
    world.clock.advance(Duration::from_secs(5));

    let recovered = world.nemo.recover_submitting(job.clone(), &world.progress).await.unwrap();

    assert_ne!(recovered.id, job.id, "a new id: the old one may yet surface");
    let submits = world.calls_to(Endpoint::SubmitRender);
    assert_eq!(submits.len(), 1);
    assert_eq!(submits[0].detail, recovered.id.as_str());
    let ids: Vec<_> = world.stored().render_jobs.into_iter().map(|j| j.id).collect();
    assert_eq!(ids, std::slice::from_ref(&recovered.id), "the old id is dropped from the store");
    assert_eq!((recovered.output.as_str(), recovered.created), (job.output.as_str(), job.created));
}

#[tokio::test]
async fn a_quick_edit_sends_the_instruction_once_and_exports_the_change() {
    let world = World::new();
    let clip = check_file("clip.mp4", Some(64 * 1024)).unwrap();
    let output = world.output("quick.mp4");

    let (changes, export) =
        world.nemo.quick_edit(&plan(clip, "add a title 'Hi'", &output), &world.progress).await.unwrap();

    assert_eq!(changes, [r#"Title added: "Hi" (0-3s)"#]);
    assert_eq!(std::fs::metadata(&output).unwrap().len(), export.bytes);
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1);
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1);
}

#[tokio::test]
async fn a_quick_edit_whose_instruction_changes_nothing_renders_nothing() {
    let world = World::new();
    let clip = check_file("clip.mp4", Some(64 * 1024)).unwrap();
    let output = world.output("unchanged.mp4");

    let error = world.nemo.quick_edit(&plan(clip, "make it sparkle", &output), &world.progress).await.unwrap_err();

    assert_eq!(error, Error::InstructionChangedNothing);
    assert_eq!(error.exit().code(), 6);
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "the instruction was sent once");
    assert!(world.calls_to(Endpoint::SubmitRender).is_empty());
    assert!(!std::path::Path::new(&output).exists());
}

fn plan(clip: UploadSource, instruction: &str, output: &str) -> EditPlan {
    EditPlan { name: "clip".into(), sources: vec![clip], instruction: instruction.into(), output: output.into() }
}

#[tokio::test]
async fn a_quick_edit_found_after_a_restart_while_instructing_is_not_sent_again() {
    let world = World::new();
    let clip = check_file("clip.mp4", Some(64 * 1024)).unwrap();
    let plan = plan(clip, "add a title 'Hi'", &world.output("resumed.mp4"));
    let mut stage = EditStage::Start;
    while !matches!(stage, EditStage::Instructing { .. }) {
        assert_eq!(stage.clone().after_restart().as_ref(), Ok(&stage), "steps before the instruction are redone");
        stage = world.nemo.quick_edit_step(&plan, stage, &world.progress).await.unwrap();
    }
    world.mark();

    let session_id = stage.session_id().cloned().unwrap();
    let error = stage.after_restart().unwrap_err();

    assert_eq!(error, Error::EditInterrupted { session_id: session_id.clone() });
    assert!(error.hint().contains(session_id.as_str()), "{}", error.hint());
    assert!(world.calls_to(Endpoint::SendMessage).is_empty());
}

#[tokio::test]
async fn an_export_after_a_timeout_takes_up_the_same_render_and_jobs_shows_where_it_stands() {
    let poll = PollPolicy { deadline: Duration::from_secs(2), ..PollPolicy::default() };
    let world = World::with_settings(Settings { poll, ..Settings::default() });
    world.project_with_clip().await;
    let error = world.nemo.export(&world.output("first.mp4"), &world.progress).await.unwrap_err();
    assert!(matches!(error, Error::RenderTimedOut { .. }), "{error:?}");

    world.clock.advance(secs(1.0));
    let jobs = world.nemo.refreshed_jobs(&world.progress).await.unwrap();
    let JobState::Rendering { progress } = jobs[0].state else { panic!("{:?}", jobs[0]) };
    assert!(progress > 0, "polled afresh, not the percentage saved at the timeout: {jobs:?}");
    world.clock.advance(secs(10.0));
    let jobs = world.nemo.refreshed_jobs(&world.progress).await.unwrap();
    assert_eq!(jobs[0].state, JobState::Rendering { progress: 100 }, "rendered, not downloaded");
    world.mark();

    let report = world.nemo.export(&world.output("again.mp4"), &world.progress).await.unwrap();

    assert_eq!(report.render_id, jobs[0].id, "the same render");
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 0, "nothing submitted again");
    assert!(world.notices().iter().any(|n| n.contains("Resuming render")), "{:?}", world.notices());
    assert_eq!(std::fs::metadata(world.output("again.mp4")).unwrap().len(), report.bytes);
    let jobs = world.nemo.jobs().await.unwrap();
    assert_eq!((jobs.len(), &jobs[0].state), (1, &JobState::Done { bytes: report.bytes }), "{jobs:?}");
}

#[tokio::test]
async fn an_unfinished_render_the_service_no_longer_knows_is_marked_failed_and_rendered_anew() {
    let poll = PollPolicy { deadline: Duration::from_secs(2), ..PollPolicy::default() };
    let world = World::with_settings(Settings { poll, ..Settings::default() });
    world.project_with_clip().await;
    world.nemo.export(&world.output("first.mp4"), &world.progress).await.unwrap_err();
    world.fake.inject(Endpoint::RenderStatus, Fault::Fail(ApiError::status(404, "no such render")));
    world.mark();

    // The new render outlasts the deadline too: what matters is that it is a new one.
    let error = world.nemo.export(&world.output("again.mp4"), &world.progress).await.unwrap_err();

    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1, "a new render");
    let jobs = world.nemo.jobs().await.unwrap();
    assert!(matches!(&jobs[0].state, JobState::Failed { reason } if reason.contains("no longer knows")), "{jobs:?}");
    assert_eq!(error, Error::RenderTimedOut { id: jobs[1].id.clone() });
}

#[tokio::test]
async fn a_stalled_local_render_times_out_saying_it_stopped_not_that_it_keeps_running() {
    let poll =
        PollPolicy { deadline: Duration::from_secs(60), only_when_stalled: true, local: true, ..PollPolicy::default() };
    let world = World::with_settings(Settings { poll, ..Settings::default() });
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SubmitRender, Fault::RenderStalls);

    let error = world.nemo.export(&world.output("stall.mp4"), &world.progress).await.unwrap_err();

    assert!(matches!(error, Error::LocalRenderStalled { .. }), "{error:?}");
    assert_eq!(error.exit().code(), 8);
    assert!(!error.hint().contains("keeps running"), "{}", error.hint());
    assert!(error.hint().contains("--offline export"), "{}", error.hint());
}
