//! Render jobs and their phases, read off the clock: pending for the first second, then
//! processing with progress rising linearly, completed at the render duration — unless a
//! fault decided another fate at submit time, or the job was cancelled. With a media engine,
//! a job without a fault is the engine's render and its phase is the engine's.

use std::path::PathBuf;
use std::time::Duration;

use nemo_core::error::ApiError;
use nemo_core::ids::{RenderId, UserId};
use nemo_core::model::{RenderPhase, RenderStatus};
use nemo_core::time::Timestamp;

use crate::cdn;
use crate::faults::Fault;
use nemo_editor::{MediaEngine, RenderHandle, RenderState};

/// A job's work in the media engine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EngineJob {
    /// Rendering (or rendered) by the engine.
    Started(RenderHandle),
    /// The engine refused the draft: the job fails with this reason.
    Refused(String),
}

/// A rendered file: the fake's placeholder bytes, or the engine's file on disk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Output {
    /// The placeholder.
    Bytes(Vec<u8>),
    /// The engine's file.
    File(PathBuf),
}

/// How long a job stays `pending`.
const PENDING_FOR: Duration = Duration::from_secs(1);

/// Where a stalled job stops.
const STALLED_AT: u8 = 50;

/// What will become of a job.
#[derive(Debug, Clone, PartialEq)]
enum Fate {
    Completes,
    Fails(String),
    Stalls,
    /// Completes, but this many completed polls carry no URL first.
    CompletesWithoutUrl(u32),
}

impl Fate {
    /// The fate a submit fault decides (a normal one without).
    fn from_fault(fault: Option<Fault>) -> Self {
        match fault {
            Some(Fault::RenderFails { reason }) => Self::Fails(reason),
            Some(Fault::RenderStalls) => Self::Stalls,
            Some(Fault::NoOutputUrl { polls }) => Self::CompletesWithoutUrl(polls),
            _ => Self::Completes,
        }
    }
}

/// Where a job stands at some instant.
enum Phase {
    Pending,
    Processing(u8),
    /// Completed; the engine's file when the engine rendered it.
    Completed(Option<PathBuf>),
    Failed(String),
}

#[derive(Debug)]
struct Job {
    id: RenderId,
    owner: UserId,
    draft_hash: String,
    submitted: Timestamp,
    fate: Fate,
    cancelled: bool,
    engine: Option<EngineJob>,
}

impl Job {
    fn phase(&self, now: Timestamp, duration: Duration, engine: Option<&dyn MediaEngine>) -> Phase {
        let elapsed = now.since(self.submitted);
        match (&self.fate, &self.engine) {
            _ if self.cancelled => return Phase::Failed("cancelled".into()),
            (Fate::Completes, Some(EngineJob::Refused(reason))) => return Phase::Failed(reason.clone()),
            (Fate::Completes, Some(EngineJob::Started(handle))) => {
                return match engine.map(|engine| engine.render_state(*handle)) {
                    Some(RenderState::Running(progress)) => Phase::Processing(progress.min(99)),
                    Some(RenderState::Done { path, .. }) => Phase::Completed(Some(path)),
                    Some(RenderState::Failed(reason)) => Phase::Failed(reason),
                    None => Phase::Failed("the media engine is gone".into()),
                };
            }
            _ => {}
        }
        match &self.fate {
            Fate::Fails(reason) if elapsed >= duration => Phase::Failed(reason.clone()),
            Fate::Completes | Fate::CompletesWithoutUrl(_) if elapsed >= duration => Phase::Completed(None),
            _ if elapsed < PENDING_FOR => Phase::Pending,
            Fate::Stalls => Phase::Processing(linear(elapsed, duration).min(STALLED_AT)),
            _ => Phase::Processing(linear(elapsed, duration)),
        }
    }

    /// The output of a completed job.
    fn output(&self, now: Timestamp, duration: Duration, engine: Option<&dyn MediaEngine>) -> Option<Output> {
        match self.phase(now, duration, engine) {
            Phase::Completed(Some(path)) => Some(Output::File(path)),
            Phase::Completed(None) => Some(Output::Bytes(cdn::render_bytes(&self.id, &self.draft_hash))),
            _ => None,
        }
    }
}

/// Progress from 0 at the end of `pending` to 99 just before `duration`.
fn linear(elapsed: Duration, duration: Duration) -> u8 {
    let done = elapsed.saturating_sub(PENDING_FOR).as_millis();
    let span = duration.saturating_sub(PENDING_FOR).as_millis().max(1);
    u8::try_from((done * 100 / span).min(99)).unwrap_or(99)
}

/// Every job, in the order submitted, and how long a job takes.
#[derive(Debug)]
pub(crate) struct Renders {
    jobs: Vec<Job>,
    duration: Duration,
}

impl Renders {
    /// No jobs yet; each will take `duration`.
    pub(crate) fn new(duration: Duration) -> Self {
        Self { jobs: Vec::new(), duration }
    }

    /// Starts a job; a refusal (409) when the id was used before. `fault` is a submit fault
    /// other than a failure, deciding the job's fate; a job without one is started in the
    /// engine by `start`.
    pub(crate) fn submit(
        &mut self,
        id: &RenderId,
        owner: &UserId,
        draft_hash: String,
        now: Timestamp,
        fault: Option<Fault>,
        start: impl FnOnce() -> Option<EngineJob>,
    ) -> Result<RenderStatus, ApiError> {
        if self.jobs.iter().any(|job| &job.id == id) {
            return Err(ApiError::status(409, "render id already exists"));
        }
        let fate = Fate::from_fault(fault);
        let engine = if fate == Fate::Completes { start() } else { None };
        self.jobs.push(Job {
            id: id.clone(),
            owner: owner.clone(),
            draft_hash,
            submitted: now,
            fate,
            cancelled: false,
            engine,
        });
        Ok(status(id, 0, RenderPhase::Pending))
    }

    /// A job's status now. A completed poll of a job without URL yet uses one of its polls.
    pub(crate) fn poll(
        &mut self,
        user: &UserId,
        id: &RenderId,
        now: Timestamp,
        engine: Option<&dyn MediaEngine>,
    ) -> Result<RenderStatus, ApiError> {
        let duration = self.duration;
        let job = self.owned(user, id)?;
        Ok(match job.phase(now, duration, engine) {
            Phase::Pending => status(id, 0, RenderPhase::Pending),
            Phase::Processing(progress) => status(id, progress, RenderPhase::Processing),
            Phase::Failed(reason) => RenderStatus { error: Some(reason), ..status(id, 0, RenderPhase::Failed) },
            Phase::Completed(_) => match &mut job.fate {
                Fate::CompletesWithoutUrl(left) if *left > 0 => {
                    *left -= 1;
                    status(id, 100, RenderPhase::Completed)
                }
                _ => RenderStatus { output_url: Some(cdn::render_url(id)), ..status(id, 100, RenderPhase::Completed) },
            },
        })
    }

    /// Cancels a job of `user` (a finished one stays as it was); an engine render is stopped.
    pub(crate) fn cancel(
        &mut self,
        user: &UserId,
        id: &RenderId,
        now: Timestamp,
        engine: Option<&dyn MediaEngine>,
    ) -> Result<(), ApiError> {
        let duration = self.duration;
        let job = self.owned(user, id)?;
        if matches!(job.phase(now, duration, engine), Phase::Pending | Phase::Processing(_)) {
            job.cancelled = true;
            if let (Some(EngineJob::Started(handle)), Some(engine)) = (&job.engine, engine) {
                engine.cancel(*handle);
            }
        }
        Ok(())
    }

    /// The rendered file of a completed job, whoever asks (the CDN has no accounts).
    pub(crate) fn file(&self, id: &RenderId, now: Timestamp, engine: Option<&dyn MediaEngine>) -> Option<Output> {
        self.jobs.iter().find(|job| &job.id == id).and_then(|job| job.output(now, self.duration, engine))
    }

    /// The rendered file of a completed job of `user`; 404 otherwise.
    pub(crate) fn owned_file(
        &mut self,
        user: &UserId,
        id: &RenderId,
        now: Timestamp,
        engine: Option<&dyn MediaEngine>,
    ) -> Result<Output, ApiError> {
        self.owned(user, id)?;
        self.file(id, now, engine).ok_or_else(|| ApiError::status(404, "render output not ready"))
    }

    /// Every id submitted, in order.
    pub(crate) fn ids(&self) -> Vec<RenderId> {
        self.jobs.iter().map(|job| job.id.clone()).collect()
    }

    fn owned(&mut self, user: &UserId, id: &RenderId) -> Result<&mut Job, ApiError> {
        self.jobs
            .iter_mut()
            .find(|job| &job.id == id && &job.owner == user)
            .ok_or_else(|| ApiError::status(404, "render not found"))
    }
}

fn status(id: &RenderId, progress: u8, phase: RenderPhase) -> RenderStatus {
    RenderStatus { id: id.clone(), phase, progress, output_url: None, error: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rises_linearly_after_the_pending_second() {
        let six = Duration::from_secs(6);
        assert_eq!(linear(Duration::from_secs(1), six), 0);
        assert_eq!(linear(Duration::from_millis(3500), six), 50);
        assert_eq!(linear(Duration::from_millis(5999), six), 99);
        assert_eq!(linear(Duration::from_secs(9), Duration::ZERO), 99);
    }
}
