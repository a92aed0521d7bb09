//! Running a render: one or more ffmpeg runs in turn (the last writes `NAME.part`), each a
//! child process whose `-progress pipe:1` lines are read on a thread of the render's own
//! (`out_time_us` against the step's length, weighted by its share of the work → percent),
//! the part renamed to `NAME` only when every step succeeded. Cancelling kills the running
//! ffmpeg and removes the part and the render's scratch folder: no half file is ever left
//! under the final name. A plan with a [`Guard`] (the smart render's) has its output checked
//! before the rename ([`guard::check`]); a file that is not what was planned is rendered
//! again by the guard's fallback steps (the full render), and the log says why.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use nemo_editor::{EngineError, RenderHandle, RenderState};

use crate::graph::Invocation;
use crate::guard::{self, Expected};
use crate::tools::Tools;

/// How much of ffmpeg's error output a failure keeps.
const ERROR_TAIL: usize = 600;

/// Every render of one engine.
#[derive(Debug, Default)]
pub struct Renders {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

/// One ffmpeg run of a render, and its share of the render's work (for progress).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What ffmpeg is run with.
    pub invocation: Invocation,
    /// Its weight against the render's other steps.
    pub share: u32,
}

/// What a render runs: its steps in order, and the folder their intermediate files go in
/// (removed when the render ends).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The steps; the last writes the render's part file.
    pub steps: Vec<Step>,
    /// Where the steps before the last write, when they write anything.
    pub scratch: Option<PathBuf>,
    /// What the output must hold, and what runs instead when it does not.
    pub guard: Option<Guard>,
}

/// A plan's check of its own output, and the steps that render it again when it fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    /// What the output's video stream must hold.
    pub expected: Expected,
    /// Steps writing the same part file another way (the full render).
    pub fallback: Vec<Step>,
}

impl Plan {
    /// One ffmpeg run doing the whole render.
    #[must_use]
    pub fn single(invocation: Invocation) -> Self {
        Self { steps: vec![Step { invocation, share: 1 }], scratch: None, guard: None }
    }
}

/// One render.
#[derive(Debug)]
struct Job {
    state: Mutex<RenderState>,
    child: Mutex<Option<Child>>,
    part: PathBuf,
    scratch: Option<PathBuf>,
    guard: Option<Guard>,
}

impl Renders {
    /// Starts the plan's first step (the last step's output must be `dest` + `.part`) and
    /// runs the rest after it on a thread of the render's own.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] when ffmpeg cannot be started; [`EngineError::Failed`]
    /// for a plan without steps.
    pub fn start(&self, tools: &Tools, plan: Plan, dest: PathBuf) -> Result<RenderHandle, EngineError> {
        let first = plan.steps.first().ok_or_else(|| EngineError::Failed("nothing to render".into()))?;
        let child = spawn(tools, &first.invocation)?;
        let job = Arc::new(Job {
            state: Mutex::new(RenderState::Running(0)),
            child: Mutex::new(Some(child)),
            part: part_of(&dest),
            scratch: plan.scratch,
            guard: plan.guard,
        });
        let handle = RenderHandle(self.next.fetch_add(1, Ordering::Relaxed));
        lock(&self.jobs).insert(handle.0, Arc::clone(&job));
        let (tools, steps) = (tools.clone(), plan.steps);
        thread::spawn(move || {
            if job.run(&tools, &steps, (true, 0)) {
                job.guard(&tools);
            }
            job.end(&dest);
        });
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

    /// Runs the steps in turn (the first already started when `started`), each to its end,
    /// their progress spread from `from` to 99%; stops at the first that fails or when
    /// cancelled. Whether every step succeeded.
    fn run(&self, tools: &Tools, steps: &[Step], (started, from): (bool, u8)) -> bool {
        let total: u64 = steps.iter().map(|step| u64::from(step.share)).sum::<u64>().max(1);
        let mut done = 0u64;
        for (i, step) in steps.iter().enumerate() {
            if i > 0 || !started {
                // Started under the state lock: a cancel either comes first, and nothing
                // starts, or finds the child to kill.
                let state = lock(&self.state);
                if !matches!(*state, RenderState::Running(_)) {
                    return false;
                }
                match spawn(tools, &step.invocation) {
                    Ok(child) => *lock(&self.child) = Some(child),
                    Err(e) => {
                        drop(state);
                        self.fail(e.to_string());
                        return false;
                    }
                }
            }
            let share = (done, u64::from(step.share), total);
            if let Err(reason) = self.follow(step.invocation.duration_ms, share, from) {
                self.fail(reason);
                return false;
            }
            done += u64::from(step.share);
        }
        true
    }

    /// Checks the finished part against the plan's guard; when it is not what was planned,
    /// says why in the log and renders it again with the guard's fallback steps.
    fn guard(&self, tools: &Tools) {
        let Some(guard) = &self.guard else { return };
        let Err(why) = guard::check(tools, &self.part.to_string_lossy(), &guard.expected) else { return };
        tracing::warn!("smart render: {why}; rendering again in full");
        let _ = std::fs::remove_file(&self.part);
        let reached = match *lock(&self.state) {
            RenderState::Running(percent) => percent,
            _ => return,
        };
        self.run(tools, &guard.fallback, (false, reached));
    }

    /// Follows the running step to its end: progress from stdout (its part of the whole),
    /// the error text from stderr.
    fn follow(&self, total_ms: i64, (done, share, total): (u64, u64, u64), from: u8) -> Result<(), String> {
        let (stdout, stderr) = match lock(&self.child).as_mut() {
            Some(child) => (child.stdout.take(), child.stderr.take()),
            None => (None, None),
        };
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
                    let within = (done * 100 + u64::from(percent) * share) / total;
                    let overall = u64::from(from) + within * (100 - u64::from(from)) / 100;
                    let mut state = lock(&self.state);
                    if matches!(*state, RenderState::Running(_)) {
                        *state = RenderState::Running(u8::try_from(overall.min(99)).unwrap_or(99));
                    }
                }
            }
        }
        let child = lock(&self.child).take();
        let status = child.map(|mut child| child.wait());
        let errors = errors.and_then(|thread| thread.join().ok()).unwrap_or_default();
        match status {
            Some(Ok(status)) if status.success() => Ok(()),
            Some(Ok(status)) => Err(failure(&format!("ffmpeg failed ({status})"), &errors)),
            Some(Err(e)) => Err(format!("lost track of ffmpeg: {e}")),
            None => Err("ffmpeg was stopped".into()),
        }
    }

    /// Marks a running render failed (a cancel that came first stays the reason).
    fn fail(&self, reason: String) {
        let mut state = lock(&self.state);
        if matches!(*state, RenderState::Running(_)) {
            *state = RenderState::Failed(reason);
        }
    }

    /// The rename (or the cleanup) once the steps are over, decided under the state lock so
    /// a cancel always wins; the scratch folder goes either way.
    fn end(&self, dest: &Path) {
        let mut state = lock(&self.state);
        if matches!(*state, RenderState::Running(_)) {
            *state = match finish(&self.part, dest) {
                Ok(bytes) => RenderState::Done { path: dest.to_owned(), bytes },
                Err(e) => RenderState::Failed(format!("cannot keep the rendered file: {e}")),
            };
        }
        if !matches!(*state, RenderState::Done { .. }) {
            let _ = std::fs::remove_file(&self.part);
        }
        if let Some(scratch) = &self.scratch {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// Starts ffmpeg on one step, its progress and errors piped back.
fn spawn(tools: &Tools, invocation: &Invocation) -> Result<Child, EngineError> {
    tools
        .render_command()
        .args(&invocation.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", tools.ffmpeg.display())))
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
