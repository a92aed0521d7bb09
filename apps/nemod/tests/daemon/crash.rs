//! The crash test: 20 exports queued, nemod SIGKILLed during a submit, during polling and
//! during a download, restarted each time → 20 of 20 files whole, no render id submitted
//! twice, no job forgotten, the jobs file valid JSON after every kill.

use std::collections::HashSet;
use std::time::Duration;

use nemo_core::model::JobState;
use nemo_daemon_client::wire::{ExportRequest, JobReply, JobStatus};
use nemo_fake::Endpoint;

use crate::support::{World, check_video};

const EXPORTS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_exports_survive_three_sigkills_without_a_second_submit() {
    let mut world = World::new(Duration::from_secs(3), 4).await;
    world.start().await;
    world.project_with_clip().await;
    std::fs::create_dir_all(world.output(0).parent().unwrap()).unwrap();
    let latency = Duration::from_millis(1000);
    world.fake.set_latency(latency);

    let state_reads = world.fake.calls_to(Endpoint::State).len();
    // 20 exports at once: each is saved (in `submitting`) before it is accepted.
    let requests = (0..EXPORTS).map(|n| {
        let client = world.client.clone();
        let output = world.output(n).to_string_lossy().into_owned();
        async move { client.post::<_, JobReply>("/v1/exports", &ExportRequest { project: None, output }).await }
    });
    for accepted in futures::future::join_all(requests).await {
        assert_eq!(accepted.unwrap().job.state, JobStatus::Submitting);
    }
    assert_eq!(world.jobs_on_disk().await.len(), EXPORTS, "every job is saved before it is accepted");

    // Kill 1, during a submit: the first four jobs read their draft again (1 s), then submit
    // (1 s); kill half-way into the submits.
    world
        .wait_for("the drafts read before the first submits", Duration::from_secs(20), async |w| {
            w.fake.calls_to(Endpoint::State).len() >= state_reads + EXPORTS + 4
        })
        .await;
    tokio::time::sleep(latency / 2).await;
    world.kill();
    let after_first = world.jobs_on_disk().await;
    assert_eq!(after_first.len(), EXPORTS, "no job forgotten");
    assert!(after_first.iter().all(|job| job.state == JobState::Submitting), "killed before any submit answered");
    // The fake finishes the submits that reached it (or not); either way nothing is resent.
    tokio::time::sleep(latency).await;
    let in_flight = world.fake.calls_to(Endpoint::SubmitRender).len();

    // Kill 2, while polling: some jobs rendering, none downloading yet.
    world.start().await;
    world
        .wait_for("a render being polled", Duration::from_secs(60), async |w| {
            w.count_on_disk(|s| matches!(s, JobState::Rendering { .. })).await > 0
                && !w.fake.calls_to(Endpoint::RenderStatus).is_empty()
        })
        .await;
    world.kill();
    assert_eq!(world.jobs_on_disk().await.len(), EXPORTS, "no job forgotten");

    // Kill 3, during a download (the CDN answers after 1 s of latency).
    world.start().await;
    world
        .wait_for("a download", Duration::from_secs(90), async |w| {
            w.count_on_disk(|s| matches!(s, JobState::Downloading { .. })).await > 0
        })
        .await;
    tokio::time::sleep(latency / 2).await;
    world.kill();
    let jobs = world.jobs_on_disk().await;
    assert_eq!(jobs.len(), EXPORTS, "no job forgotten");
    let unfinished_downloads: Vec<_> =
        jobs.iter().filter(|job| matches!(job.state, JobState::Downloading { .. })).map(|j| j.output.clone()).collect();
    assert!(!unfinished_downloads.is_empty());
    for output in &unfinished_downloads {
        assert!(!std::path::Path::new(output).exists(), "{output}: a download cut short never takes the final name");
    }

    // Last start, at full speed: everything ends.
    world.fake.set_latency(Duration::ZERO);
    world.start().await;
    world
        .wait_for("every export to finish", Duration::from_secs(180), async |w| {
            w.jobs().await.iter().all(|job| job.is_final())
        })
        .await;

    let jobs = world.jobs().await;
    let logs = world.daemon_logs();
    assert_eq!(jobs.len(), EXPORTS, "no job forgotten");
    let outputs: HashSet<String> = jobs.iter().map(|job| job.output.clone()).collect();
    assert_eq!(outputs.len(), EXPORTS, "one job per requested file");
    let mut bodies = HashSet::new();
    for job in &jobs {
        assert_eq!(job.state, JobStatus::Done, "{job:?}\n{logs}");
        let bytes = check_video(std::path::Path::new(&job.output), &job.id);
        // Same draft, same filler: past the header line every file is the same.
        let body_start = bytes.iter().position(|b| *b == b'\n').unwrap();
        bodies.insert(bytes[body_start..].to_vec());
    }
    assert_eq!(bodies.len(), 1, "every file holds the same render");

    let submits = world.submits();
    let twice: Vec<_> = submits.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "render ids submitted twice: {twice:?}");
    let submitted = world.fake.render_ids_submitted();
    assert_eq!(submitted.len(), submitted.iter().collect::<HashSet<_>>().len());
    for job in &jobs {
        assert!(submits.contains_key(&job.id), "{} was never submitted", job.id);
    }
    eprintln!(
        "crash test: {} submits for {EXPORTS} exports ({in_flight} submits in flight at the first kill reached the \
         fake; {} render ids polled)",
        submits.len(),
        world.fake.calls_to(Endpoint::RenderStatus).iter().map(|c| c.detail.clone()).collect::<HashSet<_>>().len()
    );
}
