//! nemod with the offline editor (`--backend offline`) as a real child process: projects,
//! uploads, edits and renders of real videos that outlive a SIGKILL — the render killed
//! mid-way is rendered again after the restart and the project is still there.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use nemo_daemon_client::{DaemonClient, socket_path};

use crate::support::nemod_in;
use serde_json::{Value, json};

/// A state dir and at most one offline nemod.
struct Offline {
    dir: tempfile::TempDir,
    client: DaemonClient,
    daemon: Option<Child>,
}

impl Offline {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let client = DaemonClient::new(socket_path(&dir.path().join("state")));
        Self { dir, client, daemon: None }
    }

    async fn start(&mut self) {
        self.daemon = Some(nemod_in(self.dir.path(), &["--backend", "offline"]).spawn().unwrap());
        self.wait_for("nemod to answer", Duration::from_secs(20), async |o| {
            o.client.get::<Value>("/v1/health").await.is_ok()
        })
        .await;
    }

    fn kill(&mut self) {
        let mut child = self.daemon.take().expect("a daemon");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.client.post(path, &body).await.unwrap_or_else(|e| panic!("{path}: {e}\n{}", self.logs()))
    }

    /// The one job, as nemod lists it.
    async fn job(&self) -> Value {
        let jobs: Value = self.client.get("/v1/jobs").await.unwrap();
        jobs["jobs"][0].clone()
    }

    async fn wait_for(&self, what: &str, limit: Duration, ready: impl AsyncFn(&Self) -> bool) {
        let deadline = Instant::now() + limit;
        while !ready(self).await {
            assert!(Instant::now() < deadline, "timed out waiting for {what}\n{}", self.logs());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn logs(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("state/nemod.log")).unwrap_or_default();
        let stderr = std::fs::read_to_string(self.dir.path().join("nemod.stderr")).unwrap_or_default();
        format!("{log}\n--- nemod stderr ---\n{stderr}")
    }
}

impl Drop for Offline {
    fn drop(&mut self) {
        if let Some(mut child) = self.daemon.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// ffprobe's duration and picture size of a file.
fn probe(path: &Path) -> (f64, u64, u64) {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-show_format", "-show_streams"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("these tests need ffprobe (`sudo apt-get install ffmpeg`): {e}"));
    let probe: Value = serde_json::from_slice(&output.stdout).unwrap();
    let video = probe["streams"].as_array().unwrap().iter().find(|s| s["codec_type"] == "video").cloned().unwrap();
    let duration = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
    (duration, video["width"].as_u64().unwrap(), video["height"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_render_killed_mid_way_finishes_after_the_restart_with_its_project_kept() {
    let mut nemod = Offline::new();
    nemod.start().await;
    let sample = std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/clip.mp4")).unwrap();
    nemod.post("/v1/projects", json!({"name": "trip"})).await;
    nemod.post("/v1/uploads", json!({"sources": [sample]})).await;
    // 24 s of 1080×1920: seconds of ffmpeg on two cores, long enough to be killed in.
    let mut lines = Vec::new();
    let chat = json!({"message": "make it vertical, slow down to 0.25x"});
    nemod.client.post_lines("/v1/chat", &chat, |line| lines.push(line)).await.unwrap();
    assert!(lines.iter().any(|l| l.to_string().contains("0.25×")), "the editor answered: {lines:?}");
    let output = nemod.dir.path().join("trip.mp4");
    nemod.post("/v1/exports", json!({"output": output})).await;
    nemod
        .wait_for("the render to be under way", Duration::from_secs(60), async |o| {
            o.job().await["state"] == "rendering"
        })
        .await;

    nemod.kill();
    assert!(!output.exists(), "no file before the render is done");
    nemod.start().await;
    nemod.wait_for("the job to finish", Duration::from_secs(300), async |o| o.job().await["state"] == "done").await;

    let (duration, width, height) = probe(&output);
    assert!((duration - 24.0).abs() <= 0.2, "{duration} s");
    assert_eq!((width, height), (1080, 1920));
    let projects: Value = nemod.client.get("/v1/projects").await.unwrap();
    assert_eq!(projects["projects"][0]["name"], "trip", "{projects}");
    let tracks: Value = nemod.client.get("/v1/tracks").await.unwrap();
    assert!(tracks["summary"].as_str().unwrap().contains("0-24s"), "{tracks}");
    let stderr = std::fs::read_to_string(nemod.dir.path().join("nemod.stderr")).unwrap_or_default();
    assert!(stderr.contains("nemod ready") && !stderr.contains('\u{1b}'), "no colour codes into a file: {stderr}");
}
