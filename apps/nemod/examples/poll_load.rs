//! Benchmark: 1,000 pending render jobs polled concurrently by nemod against the fake cloud.
//! Reports nemod's CPU time while it only waits, and its peak memory.
//!
//! ```sh
//! cargo build --release -p nemod --bin nemod --example poll_load
//! /usr/bin/time -f 'peak RSS %M KB, CPU %U+%S s' target/release/examples/poll_load --jobs 1000 --wait 60
//! ```
//!
//! The daemon runs in this process (so `/usr/bin/time` measures it); the fake cloud runs as a
//! child (`nemod fake-cloud`, the `nemod` binary beside this example's folder) with renders
//! that outlast the run, so every job stays `rendering` and is only polled. Printed: how long
//! queueing and submitting took, the CPU seconds (user + system, from `/proc/self/stat`) over
//! the `--wait` window that follows the `--settle` one (default 20 s: the first, closer polls),
//! and the peak RSS (`VmHWM`). `cargo xtask bench` runs it and reads that line.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nemo_daemon_client::wire::{BatchRequest, ExportRequest, JobList, JobStatus};
use nemo_daemon_client::{DaemonClient, socket_path};
use nemod::{BackendChoice, DaemonConfig};
use serde_json::{Value, json};

struct Args {
    jobs: usize,
    settle: Duration,
    wait: Duration,
}

fn args() -> Args {
    let mut args = Args { jobs: 1000, settle: Duration::from_secs(20), wait: Duration::from_secs(60) };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--jobs", Some(n)) => args.jobs = usize::try_from(n).unwrap_or(1000),
            ("--settle", Some(s)) => args.settle = Duration::from_secs(s),
            ("--wait", Some(s)) => args.wait = Duration::from_secs(s),
            _ => {
                eprintln!("usage: poll_load [--jobs N] [--settle SECONDS] [--wait SECONDS]");
                std::process::exit(2);
            }
        }
    }
    args
}

/// `nemod fake-cloud` on a free port, renders lasting an hour.
fn fake_cloud() -> (Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port");
    let exe = std::env::current_exe().expect("this example's path");
    let nemod: PathBuf = exe.parent().and_then(|p| p.parent()).expect("target/<profile>").join("nemod");
    let child = Command::new(&nemod)
        .args(["fake-cloud", "--listen", &format!("127.0.0.1:{port}"), "--render-seconds", "3600"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {} (build it first): {e}", nemod.display()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the fake cloud did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, format!("http://127.0.0.1:{port}"))
}

/// (user + system CPU seconds, peak RSS in KB) of this process.
fn usage() -> (f64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    (cpu, hwm)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let (mut cloud, api_url) = fake_cloud();
    let dir = tempfile::tempdir().expect("a temp dir");
    let state = dir.path().join("state");
    let mut config = DaemonConfig::new(&state, BackendChoice::Cloud { api_url });
    config.max_jobs = args.jobs;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(nemod::run(config, async {
        let _ = stopped.await;
    }));
    let client = DaemonClient::new(socket_path(&state));
    while client.get::<Value>("/v1/health").await.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _: Value = client.post("/v1/projects", &json!({"name": "load"})).await.expect("a project");
    let clip = dir.path().join("clip.mp4");
    std::fs::write(&clip, [0u8; 1024]).expect("a clip");
    let _: Value = client.post("/v1/uploads", &json!({"sources": [clip]})).await.expect("an upload");

    let started = Instant::now();
    let exports = (0..args.jobs)
        .map(|n| ExportRequest {
            project: None,
            output: dir.path().join(format!("v{n}.mp4")).to_string_lossy().into_owned(),
        })
        .collect();
    let _: Value = client.post("/v1/batches", &BatchRequest { exports }).await.expect("the batch");
    let queued = started.elapsed();
    loop {
        let jobs: JobList = client.get("/v1/jobs").await.expect("the jobs");
        if jobs.jobs.iter().filter(|j| j.state == JobStatus::Rendering).count() == args.jobs {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let submitted = started.elapsed();
    // Let the first, closer polls pass, then measure a stretch of pure waiting.
    tokio::time::sleep(args.settle).await;
    let (cpu_before, _) = usage();
    tokio::time::sleep(args.wait).await;
    let (cpu_after, peak_kb) = usage();
    println!(
        "poll_load: {} jobs queued in {:.1} s, all submitted after {:.1} s; while only polling for {} s: \
         CPU {:.2} s ({:.1}% of one core); peak RSS {:.1} MB",
        args.jobs,
        queued.as_secs_f64(),
        submitted.as_secs_f64(),
        args.wait.as_secs(),
        cpu_after - cpu_before,
        100.0 * (cpu_after - cpu_before) / args.wait.as_secs_f64(),
        peak_kb as f64 / 1024.0
    );
    let _ = stop.send(());
    let _ = daemon.await;
    let _ = cloud.kill();
    let _ = cloud.wait();
}
