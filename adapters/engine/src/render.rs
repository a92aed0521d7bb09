//! Running a render: ffmpeg as a child process writing `NAME.part`, its `-progress pipe:1`
//! lines read on a thread of its own (`out_time_us` against the output's length →
//! percent), the part renamed to `NAME` only when ffmpeg succeeded. Cancelling kills ffmpeg
//! and removes the part: no half file is ever left under the final name.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use nemo_editor::{EngineError, RenderHandle, RenderState};

use crate::graph::Invocation;
use crate::tools::Tools;

/// How much of ffmpeg's error output a failure keeps.
const ERROR_TAIL: usize = 600;

/// Every render of one engine.
#[derive(Debug, Default)]
pub struct Renders {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

/// One render.
#[derive(Debug)]
struct Job {
    state: Mutex<RenderState>,
    child: Mutex<Option<Child>>,
    part: PathBuf,
}

impl Renders {
    /// Starts ffmpeg on `invocation` (whose output must be `dest` + `.part`).
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] when ffmpeg cannot be started.
    pub fn start(&self, tools: &Tools, invocation: &Invocation, dest: PathBuf) -> Result<RenderHandle, EngineError> {
        let part = part_of(&dest);
        let ffmpeg = &tools.ffmpeg;
        let mut child = tools
            .render_command()
            .args(&invocation.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", ffmpeg.display())))?;
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let job = Arc::new(Job { state: Mutex::new(RenderState::Running(0)), child: Mutex::new(Some(child)), part });
        let handle = RenderHandle(self.next.fetch_add(1, Ordering::Relaxed));
        lock(&self.jobs).insert(handle.0, Arc::clone(&job));
        let total_ms = invocation.duration_ms;
        thread::spawn(move || watch(&job, stdout, stderr, total_ms, &dest));
        Ok(handle)
    }

    /// Where a render stands.
    pub fn state(&self, handle: RenderHandle) -> RenderState {
        match lock(&self.jobs).get(&handle.0) {
            Some(job) => lock(&job.state).clone(),
            None => RenderState::Failed("no such render".into()),
        }
    }

    /// Kills a running render and removes its part file.
    pub fn cancel(&self, handle: RenderHandle) {
        let job = lock(&self.jobs).get(&handle.0).cloned();
        if let Some(job) = job {
            job.cancel();
        }
    }

    /// Kills every running render (the engine is going away).
    pub fn cancel_all(&self) {
        let jobs: Vec<Arc<Job>> = lock(&self.jobs).values().cloned().collect();
        jobs.iter().for_each(|job| job.cancel());
    }
}

impl Job {
    fn cancel(&self) {
        let mut state = lock(&self.state);
        if matches!(*state, RenderState::Running(_)) {
            *state = RenderState::Failed("cancelled".into());
            if let Some(child) = lock(&self.child).as_mut() {
                // It may have just exited on its own: nothing to kill then.
                let _ = child.kill();
            }
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// Follows ffmpeg to its end: progress from stdout, the error text from stderr, then the
/// rename (or the cleanup), decided under the state lock so a cancel always wins.
fn watch(job: &Job, stdout: Option<impl Read>, stderr: Option<impl Read + Send + 'static>, total_ms: i64, dest: &Path) {
    let errors = stderr.map(|stderr| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut text);
            text
        })
    });
    if let Some(stdout) = stdout {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(percent) = progress(&line, total_ms) {
                let mut state = lock(&job.state);
                if matches!(*state, RenderState::Running(_)) {
                    *state = RenderState::Running(percent);
                }
            }
        }
    }
    let child = lock(&job.child).take();
    let status = child.map(|mut child| child.wait());
    let errors = errors.and_then(|thread| thread.join().ok()).unwrap_or_default();
    let mut state = lock(&job.state);
    if !matches!(*state, RenderState::Running(_)) {
        let _ = std::fs::remove_file(&job.part);
        return;
    }
    *state = match status {
        Some(Ok(status)) if status.success() => match finish(&job.part, dest) {
            Ok(bytes) => RenderState::Done { path: dest.to_owned(), bytes },
            Err(e) => RenderState::Failed(format!("cannot keep the rendered file: {e}")),
        },
        Some(Ok(status)) => RenderState::Failed(failure(&format!("ffmpeg failed ({status})"), &errors)),
        Some(Err(e)) => RenderState::Failed(format!("lost track of ffmpeg: {e}")),
        None => RenderState::Failed("ffmpeg was stopped".into()),
    };
    if !matches!(*state, RenderState::Done { .. }) {
        let _ = std::fs::remove_file(&job.part);
    }
}

fn finish(part: &Path, dest: &Path) -> std::io::Result<u64> {
    std::fs::rename(part, dest)?;
    Ok(std::fs::metadata(dest)?.len())
}

/// What failed, with the end of ffmpeg's error output.
fn failure(what: &str, errors: &str) -> String {
    let errors = errors.trim();
    if errors.is_empty() {
        return what.to_owned();
    }
    let start = errors.len().saturating_sub(ERROR_TAIL);
    let start = (start..errors.len()).find(|i| errors.is_char_boundary(*i)).unwrap_or(errors.len());
    format!("{what}: {}", errors[start..].replace('\n', " | "))
}

/// The part file of a destination: `NAME.part`.
#[must_use]
pub fn part_of(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// The percent a `-progress` line tells (`out_time_us=N` against `total_ms`, at most 99;
/// `progress=end` is 99: done is the rename, not the last line).
#[must_use]
pub fn progress(line: &str, total_ms: i64) -> Option<u8> {
    let (key, value) = line.trim().split_once('=')?;
    match key {
        "out_time_us" | "out_time_ms" => {
            let us = value.trim().parse::<i64>().ok()?.max(0);
            let total_us = total_ms.max(1).saturating_mul(1000);
            u8::try_from((us.saturating_mul(100) / total_us).min(99)).ok()
        }
        "progress" if value.trim() == "end" => Some(99),
        _ => None,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn progress_is_output_time_over_length_and_never_100_before_the_rename() {
        assert_eq!(progress("out_time_us=2000000", 4000), Some(50));
        assert_eq!(progress("out_time_ms=4100000", 4000), Some(99));
        assert_eq!(progress("out_time_us=N/A", 4000), None);
        assert_eq!(progress("progress=continue", 4000), None);
        assert_eq!(progress("progress=end", 4000), Some(99));
        assert_eq!(progress("frame=12", 4000), None);
        assert_eq!(part_of(Path::new("/w/render-1.mp4")), Path::new("/w/render-1.mp4.part"));
    }

    #[test]
    fn a_failure_keeps_the_end_of_the_error_output() {
        assert_eq!(failure("ffmpeg failed", " \n"), "ffmpeg failed");
        assert_eq!(failure("ffmpeg failed", "a\nb\n"), "ffmpeg failed: a | b");
        assert!(failure("x", &"é".repeat(1000)).len() <= ERROR_TAIL + 10);
    }

    proptest! {
        #[test]
        fn any_line_reads_as_a_percent_below_100_or_nothing(line in "\\PC{0,40}", total in -5i64..1_000_000) {
            if let Some(percent) = progress(&line, total) {
                prop_assert!(percent <= 99);
            }
        }
    }
}
