//! One writer per output: a batch that names one output twice, or an export to the output a
//! running job writes, is refused with exit 6, and every file holds its own render whole.

use std::time::Duration;

use nemo_daemon_client::ClientError;
use nemo_daemon_client::wire::{BatchRequest, ExportRequest, JobStatus};
use serde_json::Value;

use crate::support::{World, check_video};

#[tokio::test]
async fn an_output_written_by_a_running_job_is_refused_to_a_second_one_in_a_batch_or_alone() {
    let mut world = World::new(Duration::from_secs(3), 4).await;
    world.start().await;
    world.project_with_clip().await;
    std::fs::create_dir_all(world.output(0).parent().unwrap()).unwrap();
    let to = |n: usize| ExportRequest { project: None, output: world.output(n).to_string_lossy().into_owned() };

    let exports = vec![to(0), to(1), to(0)];
    let accepted: Value = world.client.post("/v1/batches", &BatchRequest { exports }).await.unwrap();

    assert_eq!(accepted["jobs"].as_array().unwrap().len(), 2, "{accepted}");
    let errors = accepted["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{accepted}");
    assert_eq!((errors[0]["index"].as_u64(), errors[0]["error"]["exit"].as_u64()), (Some(2), Some(6)), "{accepted}");
    assert!(errors[0]["error"]["message"].as_str().unwrap().contains("another export is writing"), "{accepted}");

    let alone = world.client.post::<_, Value>("/v1/exports", &to(1)).await;
    match alone {
        Err(ClientError::Refused { detail, .. }) => assert_eq!(detail.exit, 6, "{detail:?}"),
        other => panic!("a second export to a running job's output was not refused: {other:?}"),
    }

    world
        .wait_for("both exports to finish", Duration::from_secs(30), async |w| {
            w.jobs().await.iter().all(|job| job.is_final())
        })
        .await;
    let jobs = world.jobs().await;
    assert_eq!(jobs.len(), 2, "the refused ones left no job: {jobs:?}");
    for job in &jobs {
        assert_eq!(job.state, JobStatus::Done, "{job:?}");
        check_video(std::path::Path::new(&job.output), &job.id);
    }
    assert_eq!(world.submits().len(), 2, "nothing was rendered for the refused ones");

    let again: Value = world.client.post("/v1/exports", &to(0)).await.unwrap();
    assert_eq!(again["job"]["state"], "submitting", "free again once its job ended: {again}");
}
