//! The one harness: a fake cloud on the system clock served on port 0 in-process (so that the
//! test can read its call log and switch its latency), a fresh state directory, and nemod as
//! a child process that can be SIGKILLed, SIGTERMed and started again on the same state.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nemo_core::model::{JobState, RenderJob};
use nemo_core::ports::Store;
use nemo_daemon_client::wire::{JobList, JobView};
use nemo_daemon_client::{DaemonClient, socket_path};
use nemo_fake::{Endpoint, FakeBackend, FakeConfig};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, RunningServer};
use nemo_storage::FileStore;
use nemo_system::SystemClock;
use serde_json::{Value, json};

/// A fake cloud, a state dir, and at most one nemod.
pub struct World {
    pub fake: Arc<FakeBackend>,
    pub cloud: Arc<FakeCloud>,
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    pub client: DaemonClient,
    daemon: Option<Child>,
    max_jobs: u16,
}

impl World {
    /// A fake whose renders take `render`; nemod will run `max_jobs` exports at once.
    pub async fn new(render: Duration, max_jobs: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = FakeConfig { render_duration: render, ..FakeConfig::default() };
        let fake = Arc::new(FakeBackend::new(Arc::new(SystemClock), config));
        let cloud = FakeCloud::new(Arc::clone(&fake), FakeCloudOptions::new(dir.path().join("fake")));
        let cloud = Arc::new(cloud);
        let server = RunningServer::spawn(Arc::clone(&cloud)).await.unwrap();
        let client = DaemonClient::new(socket_path(&dir.path().join("state")));
        Self { fake, cloud, server, dir, client, daemon: None, max_jobs }
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// Where every nemod run on this state dir appends its stderr (beside the state dir).
    fn stderr_path(&self) -> PathBuf {
        self.dir.path().join("nemod.stderr")
    }

    /// Starts nemod and waits until it answers.
    pub async fn start(&mut self) {
        assert!(self.daemon.is_none(), "one daemon at a time");
        let stderr = std::fs::OpenOptions::new().create(true).append(true).open(self.stderr_path()).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_nemod"))
            .args(["--max-jobs", &self.max_jobs.to_string()])
            .env("NEMO_STATE_DIR", self.state_dir())
            .env("NEMO_CONFIG_DIR", self.dir.path().join("config"))
            .env("NEMO_API_URL", self.server.base_url())
            .env_remove("NEMO_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        self.daemon = Some(child);
        self.wait_for("nemod to answer", Duration::from_secs(20), async |w| {
            w.client.get::<Value>("/v1/health").await.is_ok()
        })
        .await;
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        let mut child = self.daemon.take().expect("a daemon");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let mut child = self.daemon.take().expect("a daemon");
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "nemod did not stop within 15 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A project with one uploaded clip (export-ready), made through the daemon.
    pub async fn project_with_clip(&self) {
        let _: Value = self.client.post("/v1/projects", &json!({"name": "crash"})).await.unwrap();
        let _: Value = self.client.post("/v1/uploads", &json!({"sources": [self.clip()]})).await.unwrap();
    }

    /// A small clip the fake accepts (it reads no bytes without an engine).
    pub fn clip(&self) -> PathBuf {
        let clip = self.dir.path().join("clip.mp4");
        std::fs::write(&clip, vec![0u8; 2048]).unwrap();
        clip
    }

    /// The daemon's quick-edit jobs as saved (`STATE/nemod/edits.json`).
    pub fn edits_on_disk(&self) -> Vec<Value> {
        let path = self.state_dir().join("nemod").join("edits.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
        assert_eq!(value["schema"], 1, "{text}");
        value["edits"].as_array().cloned().unwrap_or_default()
    }

    /// Where export `n` goes.
    pub fn output(&self, n: usize) -> PathBuf {
        self.dir.path().join("out").join(format!("video-{n:02}.mp4"))
    }

    /// The daemon's jobs file, checked to be valid JSON of schema 1, and its jobs.
    pub async fn jobs_on_disk(&self) -> Vec<RenderJob> {
        let path = self.state_dir().join("nemod").join("jobs.json");
        let Ok(text) = std::fs::read_to_string(&path) else { return Vec::new() };
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON ({e}):\n{text}", path.display()));
        assert_eq!(value["schema"], 1, "{text}");
        FileStore::new(self.dir.path().join("config"), self.state_dir().join("nemod")).render_jobs().await.unwrap()
    }

    /// How many saved jobs are in a state matching `wanted`.
    pub async fn count_on_disk(&self, wanted: impl Fn(&JobState) -> bool) -> usize {
        self.jobs_on_disk().await.iter().filter(|job| wanted(&job.state)).count()
    }

    /// The jobs as the daemon lists them.
    pub async fn jobs(&self) -> Vec<JobView> {
        self.client.get::<JobList>("/v1/jobs").await.unwrap().jobs
    }

    /// Every render id the fake saw submitted, with how many times.
    pub fn submits(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for call in self.fake.calls_to(Endpoint::SubmitRender) {
            *counts.entry(call.detail).or_insert(0) += 1;
        }
        counts
    }

    /// Waits until `ready` holds, polling every 50 ms.
    pub async fn wait_for(&self, what: &str, limit: Duration, ready: impl AsyncFn(&Self) -> bool) {
        let deadline = Instant::now() + limit;
        while !ready(self).await {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What nemod wrote to `STATE/nemod.log` so far (every run appends to it).
    pub fn log_file(&self) -> String {
        std::fs::read_to_string(self.state_dir().join("nemod.log")).unwrap_or_default()
    }

    /// For failure messages: `STATE/nemod.log`, then the stderr of every nemod run so far
    /// (where a panic shows).
    pub fn daemon_logs(&self) -> String {
        let stderr = std::fs::read_to_string(self.stderr_path()).unwrap_or_default();
        format!("{}\n--- nemod stderr ---\n{stderr}", self.log_file())
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(mut child) = self.daemon.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Checks a downloaded file: whole (4096 bytes), naming its render, no `.part` left beside it.
pub fn check_video(path: &Path, render_id: &str) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(bytes.len(), 4096, "{} is not whole", path.display());
    let header = format!("NEMOFAKE RENDER {render_id} DRAFT ");
    assert!(bytes.starts_with(header.as_bytes()), "{} does not name {render_id}", path.display());
    let part = path.with_file_name(format!("{}.part", path.file_name().unwrap().to_string_lossy()));
    assert!(!part.exists(), "{} was left behind", part.display());
    bytes
}
