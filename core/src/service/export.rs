//! Export: pre-check the draft, take up a render of it still under way or submit it verbatim
//! under a fresh `render_<ms>` id (a new id and one retry on failure), poll as the
//! [`PollPolicy`](super::PollPolicy) says, download from the result URL without the token,
//! falling back to the API's download route. Every step is saved in the job first, so an
//! interrupted export can be resumed ([`Nemo::resume_export`]) without a second submit.

use std::pin::pin;
use std::sync::PoisonError;

use futures::future::{self, Either};

use super::poll::Seen;
use super::{Nemo, store_error};
use crate::draft::Draft;
use crate::error::{ApiError, Error};
use crate::ids::RenderId;
use crate::model::{JobState, Project, RenderJob, RenderPhase, RenderRequest, RenderStatus};
use crate::ports::{Backend, Clock, Progress, ProgressEvent, Store};

/// A finished export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    /// The render job.
    pub render_id: RenderId,
    /// Where the file was written.
    pub output: String,
    /// Its size.
    pub bytes: u64,
    /// Whether the CDN download failed and the API's download route was used.
    pub used_fallback: bool,
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `export`: renders the current project's draft and downloads it to `output`.
    ///
    /// # Errors
    /// [`Error::NothingToExport`] (no render request is made), [`Error::ExportBlocked`],
    /// [`Error::RenderFailed`], [`Error::RenderTimedOut`], connection and refusal errors.
    ///
    /// A render of the same draft of the project still under way — its export timed out, or
    /// its process was killed — is taken up instead of submitting a new one (said as a
    /// notice): polled, then downloaded to `output`. One the service no longer knows (404) is
    /// marked failed and a new render submitted.
    pub async fn export(&self, output: &str, progress: &dyn Progress) -> Result<ExportReport, Error> {
        let (project, draft) = self.export_ready_draft(self.current_project().await?, progress).await?;
        if let Some(mut job) = self.unfinished_render(&project, &draft).await? {
            progress.report(ProgressEvent::Notice(format!(
                "Resuming render {} of this same draft (submitted {}) instead of submitting a new one.",
                job.id,
                job.created.to_rfc3339()
            )));
            output.clone_into(&mut job.output);
            self.store.save_render_job(&job).await.map_err(store_error)?;
            match self.resume_export(job.clone(), progress).await {
                Err(Error::Api(ApiError::Refused(refusal))) if refusal.status == 404 => {
                    let reason = "the service no longer knows this render".to_owned();
                    progress
                        .report(ProgressEvent::Notice(format!("Render {}: {reason}; submitting a new one.", job.id)));
                    self.set_state(&mut job, JobState::Failed { reason }).await?;
                }
                other => return other,
            }
        }
        let job = self.new_job(&project, output, &draft);
        self.store.save_render_job(&job).await.map_err(store_error)?;
        let job = self.submit_job(job, &draft, progress).await?;
        self.resume_export(job, progress).await
    }

    /// The project's draft (read from the service), when it can be exported.
    ///
    /// # Errors
    /// [`Error::NothingToExport`], connection and refusal errors of the state read.
    async fn export_ready_draft(&self, project: Project, progress: &dyn Progress) -> Result<(Project, Draft), Error> {
        let (project, state) = self.read_state(project, progress).await?;
        let draft = state.draft.filter(Draft::is_export_ready).ok_or(Error::NothingToExport)?;
        Ok((project, draft))
    }

    /// Takes a saved job to the end from wherever it stands: polls a submitted render (never
    /// submitting it again), then downloads it.
    ///
    /// # Errors
    /// [`Error::RenderFailed`], [`Error::RenderTimedOut`], download and store errors. A job
    /// still in `Submitting` is refused with [`Error::Store`]: whether it reached the service
    /// is unknown, and deciding that is the caller's (see the daemon).
    pub async fn resume_export(&self, mut job: RenderJob, progress: &dyn Progress) -> Result<ExportReport, Error> {
        let url = match &job.state {
            JobState::Submitting => {
                return Err(Error::Store(format!("render {} may not have been submitted", job.id)));
            }
            JobState::Rendering { .. } => self.await_render(&mut job, progress).await?,
            JobState::Downloading { url } => url.clone(),
            JobState::Done { bytes } => {
                return Ok(ExportReport { render_id: job.id, output: job.output, bytes: *bytes, used_fallback: false });
            }
            JobState::Failed { reason } => {
                return Err(Error::RenderFailed { id: job.id.clone(), reason: reason.clone() });
            }
            JobState::Cancelled => {
                return Err(Error::RenderFailed { id: job.id.clone(), reason: "cancelled".into() });
            }
        };
        self.download(&mut job, url, progress).await
    }

    /// Cancels a render on the service and marks the job cancelled.
    ///
    /// # Errors
    /// Connection and refusal errors, [`Error::Store`].
    pub async fn cancel_export(&self, mut job: RenderJob, progress: &dyn Progress) -> Result<RenderJob, Error> {
        let backend = &*self.backend;
        let id = &job.id;
        self.call(progress, |token| async move { backend.cancel_render(&token, id).await }).await?;
        self.set_state(&mut job, JobState::Cancelled).await?;
        Ok(job)
    }

    /// A job in `Submitting` under a fresh id, rendering `draft`, not saved yet.
    fn new_job(&self, project: &Project, output: &str, draft: &Draft) -> RenderJob {
        let now = self.clock.now();
        RenderJob {
            id: self.fresh_render_id(),
            session_id: project.session_id.clone(),
            project: project.name.clone(),
            output: output.to_owned(),
            draft_digest: Some(draft.digest()),
            state: JobState::Submitting,
            created: now,
            updated: now,
        }
    }

    /// Submits `job`, already saved in `Submitting` under its own id (never sent before); on
    /// any failure, once more under a fresh id, saved before that attempt too.
    async fn submit_job(&self, mut job: RenderJob, draft: &Draft, progress: &dyn Progress) -> Result<RenderJob, Error> {
        progress.report(ProgressEvent::Step("Submitting the render…".into()));
        let mut retried = false;
        loop {
            let request =
                RenderRequest { id: job.id.clone(), session_id: job.session_id.clone(), draft: draft.clone() };
            let backend = &*self.backend;
            let request = &request;
            match self.call(progress, |token| async move { backend.submit_render(&token, request).await }).await {
                Ok(status) => {
                    self.set_state(&mut job, JobState::Rendering { progress: status.progress }).await?;
                    return Ok(job);
                }
                Err(error) if !retried && !matches!(error, Error::ExportBlocked | Error::NotAuthenticated { .. }) => {
                    self.store.remove_render_job(&job.id).await.map_err(store_error)?;
                    job.id = self.fresh_render_id();
                    self.store.save_render_job(&job).await.map_err(store_error)?;
                    retried = true;
                }
                Err(error) => {
                    self.set_state(&mut job, JobState::Failed { reason: error.to_string() }).await?;
                    return Err(error);
                }
            }
        }
    }

    /// Queues an export of `project` without sending anything: pre-checks its draft, then
    /// saves a job in `Submitting` under a fresh id. The daemon answers with this job at once
    /// and hands it to [`Nemo::submit_queued`] when a slot is free.
    ///
    /// # Errors
    /// [`Error::NothingToExport`], connection and refusal errors of the state read,
    /// [`Error::Store`].
    pub async fn queue_export(
        &self,
        project: Project,
        output: &str,
        progress: &dyn Progress,
    ) -> Result<RenderJob, Error> {
        let (project, draft) = self.export_ready_draft(project, progress).await?;
        let job = self.new_job(&project, output, &draft);
        self.store.save_render_job(&job).await.map_err(store_error)?;
        Ok(job)
    }

    /// Submits a queued job whose id was never sent: reads its project's draft again and
    /// submits it under the job's id (a new id and one retry on failure). Returns the job in
    /// `Rendering`, ready for [`Nemo::resume_export`].
    ///
    /// # Errors
    /// [`Error::NoProject`] when the job's project is not saved, [`Error::NothingToExport`],
    /// then as [`Nemo::export`] up to the submit.
    pub async fn submit_queued(&self, mut job: RenderJob, progress: &dyn Progress) -> Result<RenderJob, Error> {
        let project = self.projects().await?.into_iter().rev().find(|p| p.session_id == job.session_id);
        let Some(project) = project else {
            self.set_state(&mut job, JobState::Failed { reason: "its project is no longer saved".into() }).await?;
            return Err(Error::NoProject);
        };
        let draft = match self.export_ready_draft(project, progress).await {
            Ok((_, draft)) => draft,
            Err(Error::NothingToExport) => {
                self.set_state(&mut job, JobState::Failed { reason: Error::NothingToExport.to_string() }).await?;
                return Err(Error::NothingToExport);
            }
            Err(error) => return Err(error),
        };
        self.submit_job(job, &draft, progress).await
    }

    /// Settles a job found in `Submitting` after a crash, when its id may or may not have
    /// reached the service: asks the service about the id first. Known → the job moves to
    /// `Rendering` (never submitted again). Unknown (HTTP 404) → the old id is dropped and the
    /// job is submitted again under a NEW id, as [`Nemo::submit_queued`] does.
    ///
    /// # Errors
    /// A poll that fails for another reason (the caller retries later: nothing was sent), then
    /// as [`Nemo::submit_queued`].
    pub async fn recover_submitting(&self, mut job: RenderJob, progress: &dyn Progress) -> Result<RenderJob, Error> {
        let backend = &*self.backend;
        let id = &job.id;
        match self.call(progress, |token| async move { backend.render_status(&token, id).await }).await {
            Ok(status) => {
                self.set_state(&mut job, JobState::Rendering { progress: status.progress.min(99) }).await?;
                Ok(job)
            }
            Err(Error::Api(ApiError::Refused(refusal))) if refusal.status == 404 => {
                progress.report(ProgressEvent::Notice(format!(
                    "render {} never reached the service; submitting it under a new id",
                    job.id
                )));
                self.store.remove_render_job(&job.id).await.map_err(store_error)?;
                job.id = self.fresh_render_id();
                job.updated = self.clock.now();
                self.store.save_render_job(&job).await.map_err(store_error)?;
                self.submit_queued(job, progress).await
            }
            Err(error) => Err(error),
        }
    }

    /// `render_<unix-ms>`, never the same twice from this service (a duplicate id is an error).
    fn fresh_render_id(&self) -> RenderId {
        let mut last = self.last_render_ms.lock().unwrap_or_else(PoisonError::into_inner);
        let ms = self.clock.now().unix_ms().max(*last + 1);
        *last = ms;
        RenderId::from_unix_ms(ms)
    }

    /// Polls until completed with a URL, failed, or the deadline — which holds whatever the
    /// polls do: a poll still unanswered when it passes is given up. Transient poll errors
    /// are retried on the same id. Returns the result URL.
    async fn await_render(&self, job: &mut RenderJob, progress: &dyn Progress) -> Result<Option<String>, Error> {
        let policy = self.settings.poll;
        let mut deadline = self.clock.now().plus(policy.deadline);
        let mut seen: Option<Seen> = None;
        let mut reached = 0;
        let timed_out = |id: &RenderId| {
            let id = id.clone();
            if policy.local { Error::LocalRenderStalled { id } } else { Error::RenderTimedOut { id } }
        };
        loop {
            let wait = policy.wait(seen);
            if self.clock.now().plus(wait) > deadline {
                return Err(timed_out(&job.id));
            }
            self.clock.sleep(wait).await;
            let backend = &*self.backend;
            let id = &job.id;
            let poll = self.call(progress, |token| async move { backend.render_status(&token, id).await });
            let left = deadline.since(self.clock.now());
            let answer = match future::select(pin!(poll), pin!(self.clock.sleep(left))).await {
                Either::Left((answer, _)) => answer,
                Either::Right(((), _)) => return Err(timed_out(&job.id)),
            };
            match answer {
                Ok(status) => {
                    let percent = status.progress;
                    if let Some(url) = self.on_status(job, status, progress).await? {
                        return Ok(url);
                    }
                    seen = Some(Seen::then(seen, self.clock.now().since(job.created), percent));
                    if policy.only_when_stalled && percent > reached {
                        reached = percent;
                        deadline = self.clock.now().plus(policy.deadline);
                    }
                }
                // A failed poll tells nothing new: the next one waits as after a poll that saw
                // the same progress (never at once).
                Err(Error::Api(error)) if error.is_retryable() => seen = self.seen_again(job, seen),
                Err(Error::Unreachable(_) | Error::ConnectionLost(_) | Error::RateLimited { .. }) => {
                    seen = self.seen_again(job, seen);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// What the polls of `job` have seen after one more that failed: the same progress, now.
    fn seen_again(&self, job: &RenderJob, seen: Option<Seen>) -> Option<Seen> {
        let percent = seen.map_or(0, |seen| seen.percent);
        Some(Seen::then(seen, self.clock.now().since(job.created), percent))
    }

    /// Records a poll answer; `Some(url)` once the render is done.
    async fn on_status(
        &self,
        job: &mut RenderJob,
        status: RenderStatus,
        progress: &dyn Progress,
    ) -> Result<Option<Option<String>>, Error> {
        match status.phase {
            RenderPhase::Completed if status.output_url.is_some() => {
                progress.report(ProgressEvent::Render { id: job.id.clone(), percent: 100 });
                Ok(Some(status.output_url))
            }
            RenderPhase::Failed => {
                let reason = status.error.unwrap_or_else(|| "no reason given".into());
                self.set_state(job, JobState::Failed { reason: reason.clone() }).await?;
                Err(Error::RenderFailed { id: job.id.clone(), reason })
            }
            _ => {
                let percent = status.progress.min(99);
                progress.report(ProgressEvent::Render { id: job.id.clone(), percent });
                if job.state != (JobState::Rendering { progress: percent }) {
                    self.set_state(job, JobState::Rendering { progress: percent }).await?;
                }
                Ok(None)
            }
        }
    }

    /// Downloads from the result URL without the token; on failure, from the API's download
    /// route with it.
    async fn download(
        &self,
        job: &mut RenderJob,
        url: Option<String>,
        progress: &dyn Progress,
    ) -> Result<ExportReport, Error> {
        self.set_state(job, JobState::Downloading { url: url.clone() }).await?;
        progress.report(ProgressEvent::Step(format!("Downloading to {}…", job.output)));
        let direct = match &url {
            Some(url) => match self.backend.download_url(url, &job.output, progress).await {
                Ok(bytes) => Some(bytes),
                // The file cannot be written here (disk full, no permission): the other route
                // would fail the same way.
                Err(error @ ApiError::Local(_)) => return Err(Error::Api(error)),
                Err(error) => {
                    progress.report(ProgressEvent::Notice(format!(
                        "Download from the result URL failed ({error}); trying the service's download route."
                    )));
                    None
                }
            },
            None => None,
        };
        let used_fallback = direct.is_none();
        let bytes = match direct {
            Some(bytes) => bytes,
            None => {
                let backend = &*self.backend;
                let (id, output) = (&job.id, job.output.as_str());
                self.call(progress, |token| async move { backend.download_render(&token, id, output, progress).await })
                    .await?
            }
        };
        self.set_state(job, JobState::Done { bytes }).await?;
        Ok(ExportReport { render_id: job.id.clone(), output: job.output.clone(), bytes, used_fallback })
    }

    /// Moves `job` to `state`, saved.
    pub(super) async fn set_state(&self, job: &mut RenderJob, state: JobState) -> Result<(), Error> {
        job.state = state;
        job.updated = self.clock.now();
        self.store.save_render_job(job).await.map_err(store_error)
    }
}
