//! What is known of render jobs beyond what is saved: `jobs` refreshed from the service, and
//! the unfinished render of a draft that an export takes up instead of paying for another.

use super::{Nemo, store_error};
use crate::draft::Draft;
use crate::error::Error;
use crate::model::{JobState, Project, RenderJob, RenderPhase};
use crate::ports::{Backend, Clock, Progress, Store};

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// The latest job of `project` rendering `draft` that was submitted and has not ended
    /// (rendering or downloading).
    pub(super) async fn unfinished_render(&self, project: &Project, draft: &Draft) -> Result<Option<RenderJob>, Error> {
        let digest = draft.digest();
        let jobs = self.store.render_jobs().await.map_err(store_error)?;
        Ok(jobs.into_iter().rev().find(|job| {
            job.session_id == project.session_id
                && job.draft_digest.as_deref() == Some(digest.as_str())
                && matches!(job.state, JobState::Rendering { .. } | JobState::Downloading { .. })
        }))
    }

    /// `jobs`: every job, oldest first, those being rendered as the service says they stand
    /// now — each polled once, so a job whose export stopped (killed, or timed out) does not
    /// show its last percentage for ever: rendering N %, `Rendering { progress: 100 }` when
    /// it is rendered but not downloaded, or failed (saved: nothing else can follow a failed
    /// render). The rest is shown as saved, and nothing but a failure is saved, so an export
    /// following a job meanwhile is never overwritten. A render on this machine
    /// ([`PollPolicy::local`](super::PollPolicy::local)) is not polled: a poll would start it
    /// again in this process. A poll that fails leaves its job as saved.
    ///
    /// # Errors
    /// [`Error::Store`] when the jobs cannot be read or a failure saved.
    pub async fn refreshed_jobs(&self, progress: &dyn Progress) -> Result<Vec<RenderJob>, Error> {
        let mut jobs = self.jobs().await?;
        if self.settings.poll.local {
            return Ok(jobs);
        }
        for job in jobs.iter_mut().filter(|job| matches!(job.state, JobState::Rendering { .. })) {
            let backend = &*self.backend;
            let id = &job.id;
            let Ok(status) = self.call(progress, |token| async move { backend.render_status(&token, id).await }).await
            else {
                continue;
            };
            match status.phase {
                RenderPhase::Completed => job.state = JobState::Rendering { progress: 100 },
                RenderPhase::Failed => {
                    let reason = status.error.unwrap_or_else(|| "no reason given".into());
                    self.set_state(job, JobState::Failed { reason }).await?;
                }
                _ => job.state = JobState::Rendering { progress: status.progress.min(99) },
            }
        }
        Ok(jobs)
    }
}
