//! SIGTERM during work: exit 0, every job saved, and the work resumed on the next start.

use std::time::Duration;

use nemo_core::model::JobState;
use nemo_daemon_client::wire::{BatchRequest, ExportRequest, JobStatus};
use serde_json::Value;

use crate::support::{World, check_video};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_exits_0_keeps_every_job_and_the_next_start_finishes_them() {
    let mut world = World::new(Duration::from_secs(3), 2).await;
    world.start().await;
    world.project_with_clip().await;
    std::fs::create_dir_all(world.output(0).parent().unwrap()).unwrap();
    let exports = (0..5)
        .map(|n| ExportRequest { project: None, output: world.output(n).to_string_lossy().into_owned() })
        .collect();
    let accepted: Value = world.client.post("/v1/batches", &BatchRequest { exports }).await.unwrap();
    assert_eq!(accepted["jobs"].as_array().unwrap().len(), 5);
    assert_eq!(accepted["errors"].as_array().unwrap().len(), 0);
    world
        .wait_for("a render being polled", Duration::from_secs(30), async |w| {
            w.count_on_disk(|s| matches!(s, JobState::Rendering { .. })).await > 0
        })
        .await;

    let status = world.terminate();

    assert_eq!(status.code(), Some(0), "{}", world.daemon_logs());
    assert!(!world.state_dir().join("nemod.sock").exists(), "the socket is removed on the way out");
    let saved = world.jobs_on_disk().await;
    assert_eq!(saved.len(), 5);
    assert!(saved.iter().any(|job| !job.state.is_final()), "work was still under way");
    assert!(world.log_file().contains("shutting down"), "{}", world.daemon_logs());

    world.start().await;
    world
        .wait_for("every export to finish", Duration::from_secs(90), async |w| {
            w.jobs().await.iter().all(|job| job.is_final())
        })
        .await;
    for job in world.jobs().await {
        assert_eq!(job.state, JobStatus::Done, "{job:?}");
        check_video(std::path::Path::new(&job.output), &job.id);
    }
    assert!(world.submits().values().all(|n| *n == 1), "no render id submitted twice");
    // Two runs' log lines, to a file and to a piped stderr: never a colour code.
    let logs = world.daemon_logs();
    assert!(logs.contains("shutting down") && !logs.contains('\u{1b}'), "{logs:?}");
}
