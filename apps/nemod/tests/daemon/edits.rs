//! Quick edits owned by nemod, SIGKILLed mid-way and started again: killed while its
//! instruction was being sent, the edit fails saying so and the instruction is never sent
//! again; killed during its upload, the upload is done again and the edit finishes — one
//! instruction, one render, a whole file; cancelled, it stays cancelled across a restart.

use std::time::Duration;

use nemo_daemon_client::wire::{EditRequest, JobKind, JobReply, JobStatus, JobView};
use nemo_fake::Endpoint;

use crate::support::{World, check_video};

/// Hands nemod a quick edit of the world's clip to `output` n.
async fn start_edit(world: &World, n: usize) -> JobView {
    let output = world.output(n);
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let request = EditRequest {
        name: "kill".into(),
        sources: vec![world.clip().to_string_lossy().into_owned()],
        instruction: "add a title 'Hi'".into(),
        output: output.to_string_lossy().into_owned(),
    };
    let accepted: JobReply = world.client.post("/v1/edits", &request).await.unwrap();
    assert_eq!((accepted.job.kind, accepted.job.state), (JobKind::Edit, JobStatus::Editing));
    accepted.job
}

/// A world whose nemod runs a quick edit (to output `n`) until its call to `held` reached the
/// service, the answer held back.
async fn edit_held_at(held: Endpoint, n: usize) -> (World, JobView) {
    let mut world = World::new(Duration::from_secs(1), 2).await;
    world.start().await;
    world.cloud.set_reply_delay(held, Duration::from_secs(60));
    let job = start_edit(&world, n).await;
    world
        .wait_for("the call to reach the service", Duration::from_secs(30), async |w| w.fake.calls_to(held).len() == 1)
        .await;
    (world, job)
}

/// Waits until the job has ended, then returns it.
async fn ended(world: &World, id: &str) -> JobView {
    let path = format!("/v1/jobs/{id}");
    world
        .wait_for("the edit to end", Duration::from_secs(60), async |w| {
            w.client.get::<JobReply>(&path).await.is_ok_and(|reply| reply.job.is_final())
        })
        .await;
    world.client.get::<JobReply>(&path).await.unwrap().job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_killed_while_its_instruction_was_sent_fails_saying_so_and_never_sends_it_again() {
    let (mut world, job) = edit_held_at(Endpoint::SendMessage, 0).await;
    world.kill();
    assert_eq!(world.edits_on_disk()[0]["step"], "instructing", "saved before it was sent");
    world.cloud.set_reply_delay(Endpoint::SendMessage, Duration::ZERO);

    world.start().await;
    let ended = ended(&world, &job.id).await;

    assert_eq!(ended.state, JobStatus::Failed, "{ended:?}\n{}", world.daemon_logs());
    let reason = ended.reason.unwrap_or_default();
    assert!(reason.contains("it was not sent again"), "{reason}");
    assert!(ended.hint.unwrap_or_default().contains("tracks"), "the hint says how to check the timeline");
    assert_eq!(ended.exit, Some(1));
    assert_eq!(world.fake.calls_to(Endpoint::SendMessage).len(), 1, "the instruction was sent once");
    assert!(world.submits().is_empty(), "nothing rendered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_killed_during_its_upload_uploads_again_and_finishes_with_one_instruction_and_one_render() {
    let (mut world, job) = edit_held_at(Endpoint::UploadFile, 1).await;
    world.kill();
    assert_eq!(world.edits_on_disk()[0]["step"], "created", "the upload was under way");
    world.cloud.set_reply_delay(Endpoint::UploadFile, Duration::ZERO);

    world.start().await;
    let ended = ended(&world, &job.id).await;

    assert_eq!(ended.state, JobStatus::Done, "{ended:?}\n{}", world.daemon_logs());
    assert_eq!(ended.changes, [r#"Title added: "Hi" (0-3s)"#]);
    let render = ended.render_id.clone().expect("the edit's render");
    check_video(&world.output(1), &render);
    assert_eq!(world.fake.calls_to(Endpoint::UploadFile).len(), 2, "the upload under way was done again");
    assert_eq!(world.fake.calls_to(Endpoint::SendMessage).len(), 1, "one instruction");
    assert_eq!(world.submits().into_iter().collect::<Vec<_>>(), vec![(render, 1)], "one render, submitted once");
    let listed = world.jobs().await;
    assert_eq!(listed.len(), 1, "the edit's render is listed as the edit: {listed:?}");
    assert_eq!(listed[0].id, job.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_edit_stops_before_its_instruction_and_stays_cancelled_after_a_restart() {
    let (mut world, job) = edit_held_at(Endpoint::UploadFile, 2).await;

    let cancelled: JobReply = world.client.post(&format!("/v1/jobs/{}/cancel", job.id), &()).await.unwrap();

    assert_eq!(cancelled.job.state, JobStatus::Cancelled);
    world.kill();
    world.cloud.set_reply_delay(Endpoint::UploadFile, Duration::ZERO);
    world.start().await;
    let listed = world.jobs().await;
    assert_eq!(
        listed.iter().map(|j| (j.id.as_str(), j.state)).collect::<Vec<_>>(),
        [(job.id.as_str(), JobStatus::Cancelled)]
    );
    assert!(world.fake.calls_to(Endpoint::SendMessage).is_empty(), "the instruction was never sent");
    assert_eq!(world.fake.calls_to(Endpoint::UploadFile).len(), 1, "not resumed");
}
