//! A submit that reached the service whose answer nemod never read: the fake cloud does the
//! work, then holds the answer back (`set_reply_delay`), and nemod is SIGKILLed meanwhile. On
//! restart the job, still `submitting` on disk, is polled under its id — never submitted again.

use std::time::Duration;

use nemo_core::model::JobState;
use nemo_daemon_client::wire::{ExportRequest, JobStatus};
use nemo_fake::Endpoint;
use serde_json::Value;

use crate::support::{World, check_video};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_whose_answer_was_lost_is_polled_after_a_sigkill_not_submitted_again() {
    let mut world = World::new(Duration::from_secs(2), 1).await;
    world.start().await;
    world.project_with_clip().await;
    let output = world.output(0);
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    world.cloud.set_reply_delay(Endpoint::SubmitRender, Duration::from_secs(60));

    let request = ExportRequest { project: None, output: output.to_string_lossy().into_owned() };
    let accepted: Value = world.client.post("/v1/exports", &request).await.unwrap();
    let id = accepted["job"]["id"].as_str().unwrap().to_owned();
    world
        .wait_for("the submit to reach the service", Duration::from_secs(30), async |w| {
            w.fake.render_ids_submitted().len() == 1
        })
        .await;
    world.kill();

    let saved = world.jobs_on_disk().await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].state, JobState::Submitting, "the answer never came back");
    assert_eq!(saved[0].id.as_str(), id);
    world.cloud.set_reply_delay(Endpoint::SubmitRender, Duration::ZERO);

    world.start().await;
    world
        .wait_for("the export to finish", Duration::from_secs(60), async |w| {
            w.jobs().await.iter().all(|job| job.is_final())
        })
        .await;
    let jobs = world.jobs().await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobStatus::Done, "{:?}\n{}", jobs[0], world.daemon_logs());
    assert_eq!(jobs[0].id, id, "the job keeps the id the service already has");
    check_video(&output, &id);
    assert_eq!(world.submits().into_iter().collect::<Vec<_>>(), vec![(id.clone(), 1)], "submitted once");
    assert!(
        world.fake.calls_to(Endpoint::RenderStatus).iter().any(|call| call.detail == id),
        "the render was polled under its first id"
    );
}
