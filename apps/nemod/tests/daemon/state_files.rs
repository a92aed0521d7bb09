//! nemod at start-up over state it cannot use: a corrupt jobs file is moved aside (kept, named
//! in the log) and the daemon serves; a jobs file from a newer version is left untouched and
//! every request that needs it says what to do; a second nemod on the same state dir exits 1.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use nemo_daemon_client::ClientError;
use nemo_daemon_client::wire::{ExportRequest, JobList};
use serde_json::Value;

use crate::support::{World, check_video};

fn jobs_file(world: &World) -> PathBuf {
    world.state_dir().join("nemod").join("jobs.json")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn set_aside(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("jobs.json.corrupt-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_jobs_file_at_start_up_is_moved_aside_and_the_daemon_serves() {
    let mut world = World::new(Duration::from_secs(1), 2).await;
    let jobs = jobs_file(&world);
    write(&jobs, "{\"schema\":1,\"jobs\":[{\"id\":");
    world.start().await;

    let logs = world.daemon_logs();
    assert!(world.log_file().contains("moved aside"), "the log says what happened:\n{logs}");
    let aside = set_aside(jobs.parent().unwrap());
    assert_eq!(aside.len(), 1, "{logs}");
    assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), "{\"schema\":1,\"jobs\":[{\"id\":", "kept as it was");
    assert!(world.client.get::<JobList>("/v1/jobs").await.unwrap().jobs.is_empty());

    // The daemon works on: a new export is saved to a fresh file and done.
    world.project_with_clip().await;
    let output = world.output(0);
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let request = ExportRequest { project: None, output: output.to_string_lossy().into_owned() };
    let accepted: Value = world.client.post("/v1/exports", &request).await.unwrap();
    let id = accepted["job"]["id"].as_str().unwrap().to_owned();
    world.wait_for("the export", Duration::from_secs(60), async |w| w.jobs().await.iter().all(|j| j.is_final())).await;
    check_video(&output, &id);
    assert_eq!(set_aside(jobs.parent().unwrap()).len(), 1, "the corrupt copy is never overwritten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_file_from_a_newer_version_is_left_untouched_and_requests_say_what_to_do() {
    let mut world = World::new(Duration::from_secs(1), 2).await;
    let jobs = jobs_file(&world);
    let future = r#"{"schema":2,"jobs":"a shape this version does not know"}"#;
    write(&jobs, future);
    world.start().await;
    world.project_with_clip().await;

    let logs = world.daemon_logs();
    assert!(world.log_file().contains("newer"), "the log says what happened:\n{logs}");
    let listed = world.client.get::<JobList>("/v1/jobs").await.unwrap_err();
    let ClientError::Refused { status, detail } = &listed else { panic!("{listed:?}") };
    assert!(detail.message.contains("newer") && detail.message.contains("upgrade"), "{detail:?}");
    assert_eq!((*status, detail.exit), (500, 1), "{detail:?}");
    let output = world.output(0);
    let request = ExportRequest { project: None, output: output.to_string_lossy().into_owned() };
    let refused = world.client.post::<_, Value>("/v1/exports", &request).await.unwrap_err();
    assert!(matches!(refused, ClientError::Refused { .. }), "{refused:?}");
    assert_eq!(std::fs::read_to_string(&jobs).unwrap(), future, "never overwritten");
    assert!(set_aside(jobs.parent().unwrap()).is_empty(), "not moved aside either");
    assert!(world.fake.render_ids_submitted().is_empty(), "nothing submitted that could not be saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_nemod_on_the_same_state_dir_exits_1_naming_the_first() {
    let mut world = World::new(Duration::from_secs(1), 2).await;
    world.start().await;
    let second = Command::new(env!("CARGO_BIN_EXE_nemod"))
        .env("NEMO_STATE_DIR", world.state_dir())
        .env("NEMO_CONFIG_DIR", world.dir.path().join("config"))
        .env("NEMO_API_URL", world.server.base_url())
        .env_remove("NEMO_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another nemod (pid "), "{stderr}");
    // The first one still serves.
    assert!(world.client.get::<Value>("/v1/health").await.is_ok());
}
