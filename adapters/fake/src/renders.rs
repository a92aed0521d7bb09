//! Render jobs and their phases, read off the clock: pending for the first second, then
//! processing with progress rising linearly, completed at the render duration — unless a
//! fault decided another fate at submit time, or the job was cancelled.

use std::time::Duration;

use nemo_core::error::ApiError;
use nemo_core::ids::{RenderId, UserId};
use nemo_core::model::{RenderPhase, RenderStatus};
use nemo_core::time::Timestamp;

use crate::cdn;
use crate::faults::Fault;

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
    Completed,
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
}

impl Job {
    fn phase(&self, now: Timestamp, duration: Duration) -> Phase {
        let elapsed = now.since(self.submitted);
        match &self.fate {
            _ if self.cancelled => Phase::Failed("cancelled".into()),
            Fate::Fails(reason) if elapsed >= duration => Phase::Failed(reason.clone()),
            Fate::Completes | Fate::CompletesWithoutUrl(_) if elapsed >= duration => Phase::Completed,
            _ if elapsed < PENDING_FOR => Phase::Pending,
            Fate::Stalls => Phase::Processing(linear(elapsed, duration).min(STALLED_AT)),
            _ => Phase::Processing(linear(elapsed, duration)),
        }
    }

    fn is_ready(&self, now: Timestamp, duration: Duration) -> bool {
        matches!(self.phase(now, duration), Phase::Completed)
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
    /// other than a failure, deciding the job's fate.
    pub(crate) fn submit(
        &mut self,
        id: &RenderId,
        owner: &UserId,
        draft_hash: String,
        now: Timestamp,
        fault: Option<Fault>,
    ) -> Result<RenderStatus, ApiError> {
        if self.jobs.iter().any(|job| &job.id == id) {
            return Err(ApiError::status(409, "render id already exists"));
        }
        let fate = Fate::from_fault(fault);
        self.jobs.push(Job {
            id: id.clone(),
            owner: owner.clone(),
            draft_hash,
            submitted: now,
            fate,
            cancelled: false,
        });
        Ok(status(id, 0, RenderPhase::Pending))
    }

    /// A job's status now. A completed poll of a job without URL yet uses one of its polls.
    pub(crate) fn poll(&mut self, user: &UserId, id: &RenderId, now: Timestamp) -> Result<RenderStatus, ApiError> {
        let duration = self.duration;
        let job = self.owned(user, id)?;
        Ok(match job.phase(now, duration) {
            Phase::Pending => status(id, 0, RenderPhase::Pending),
            Phase::Processing(progress) => status(id, progress, RenderPhase::Processing),
            Phase::Failed(reason) => RenderStatus { error: Some(reason), ..status(id, 0, RenderPhase::Failed) },
            Phase::Completed => match &mut job.fate {
                Fate::CompletesWithoutUrl(left) if *left > 0 => {
                    *left -= 1;
                    status(id, 100, RenderPhase::Completed)
                }
                _ => RenderStatus { output_url: Some(cdn::render_url(id)), ..status(id, 100, RenderPhase::Completed) },
            },
        })
    }

    /// Cancels a job of `user` (a finished one stays as it was).
    pub(crate) fn cancel(&mut self, user: &UserId, id: &RenderId, now: Timestamp) -> Result<(), ApiError> {
        let duration = self.duration;
        let job = self.owned(user, id)?;
        if matches!(job.phase(now, duration), Phase::Pending | Phase::Processing(_)) {
            job.cancelled = true;
        }
        Ok(())
    }

    /// The rendered file of a completed job, whoever asks (the CDN has no accounts).
    pub(crate) fn file(&self, id: &RenderId, now: Timestamp) -> Option<Vec<u8>> {
        self.jobs
            .iter()
            .find(|job| &job.id == id && job.is_ready(now, self.duration))
            .map(|job| cdn::render_bytes(id, &job.draft_hash))
    }

    /// The rendered file of a completed job of `user`; 404 otherwise.
    pub(crate) fn owned_file(&mut self, user: &UserId, id: &RenderId, now: Timestamp) -> Result<Vec<u8>, ApiError> {
        self.owned(user, id)?;
        self.file(id, now).ok_or_else(|| ApiError::status(404, "render output not ready"))
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
