//! [`Supervisor`]: the daemon's jobs — exports, and quick edits (`edit`) that end in one —
//! each driven to the end by a task of its own under a concurrency limit (a semaphore of
//! `--max-jobs` permits).
//!
//! A job is always saved before the daemon acts on it (the core saves each step first), so a
//! task can be dropped at any await — by a cancel, a shutdown or a crash — and picked up again
//! from the saved state:
//!
//! - `Submitting`, queued in this process → submitted under its own id (it was never sent);
//! - `Submitting`, found at start-up → its id is polled first; a 404 means it never reached the
//!   service, and it is submitted again under a NEW id (never the same id twice);
//! - `Rendering` → polled, never submitted again; `Downloading` → downloaded again (the HTTP
//!   adapter resumes `dest.part` with `Range`, and only a complete file takes the final name).
//!
//! Transient failures (network, 5xx, rate limits, a render past the poll deadline) are retried
//! after a growing wait; anything else ends the job as failed.

mod edit;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use nemo_core::error::Error;
use nemo_core::model::{JobState, Project, RenderJob};
use nemo_core::ports::{Backend, Clock, Progress, ProgressEvent, Store};
use nemo_core::service::{Account, Nemo};
use nemo_daemon_client::wire::JobView;
use nemo_storage::claim::OutputClaim;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::edits::{EditBook, EditEnd};
use crate::ports::Ports;
use crate::store::DaemonStore;

/// The core's service as the daemon uses it.
pub type Service = Nemo<dyn Backend, dyn Clock, dyn Store>;

/// The first wait after a transient failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(2);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

struct Running {
    token: CancellationToken,
    handle: JoinHandle<()>,
}

/// Owns the daemon's jobs.
pub struct Supervisor {
    /// The one long-lived service: every export is queued and driven on it (one render-id
    /// sequence, one cached token).
    service: Arc<Service>,
    ports: Arc<Ports>,
    store: Arc<DaemonStore>,
    edits: EditBook,
    permits: Arc<Semaphore>,
    tasks: TaskTracker,
    stop: CancellationToken,
    running: Mutex<HashMap<String, Running>>,
    /// Held while a token is made sure of, so that jobs starting side by side do not each get
    /// an anonymous token of their own (each service reads the stored one once it exists).
    token_gate: tokio::sync::Mutex<()>,
}

impl Supervisor {
    /// A supervisor running at most `max_jobs` jobs at once, its quick edits kept in `edits`.
    #[must_use]
    pub fn new(ports: Arc<Ports>, edits: EditBook, max_jobs: usize) -> Arc<Self> {
        Arc::new(Self {
            service: Arc::new(ports.service()),
            store: Arc::clone(&ports.store),
            ports,
            edits,
            permits: Arc::new(Semaphore::new(max_jobs)),
            tasks: TaskTracker::new(),
            stop: CancellationToken::new(),
            running: Mutex::new(HashMap::new()),
            token_gate: tokio::sync::Mutex::new(()),
        })
    }

    /// `login`: makes sure a token is stored — one at a time, so that there is one token — and
    /// says who is connected, read afresh from the store as nemoctl reads it.
    ///
    /// # Errors
    /// As [`Nemo::login`].
    pub async fn login(&self) -> Result<Account, Error> {
        let _gate = self.token_gate.lock().await;
        self.ports.service().login(&LogProgress).await
    }

    /// `logout`: forgets the stored token and the one the jobs use.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn logout(&self) -> Result<(), Error> {
        let _gate = self.token_gate.lock().await;
        self.service.logout().await
    }

    /// Runs `work` as tracked work that shutdown waits for (and cancels).
    pub fn spawn_work(&self, work: impl Future<Output = ()> + Send + 'static) {
        let stop = self.stop.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = work => {}
            }
        });
    }

    /// Jobs queued or running.
    #[must_use]
    pub fn active(&self) -> usize {
        self.lock_running().len()
    }

    fn lock_running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Picks up every unfinished job in the store (at start-up): exports, then the quick edits
    /// that have not reached their render. Returns how many.
    ///
    /// # Errors
    /// [`Error::Store`] when the jobs cannot be read.
    pub async fn resume_all(self: &Arc<Self>) -> Result<usize, Error> {
        let jobs = self.store.render_jobs().await.map_err(|e| Error::Store(e.0))?;
        let unfinished: Vec<&RenderJob> = jobs.iter().filter(|job| !job.state.is_final()).collect();
        for job in &unfinished {
            tracing::info!(job = %job.id, state = ?job.state, "resuming");
            self.spawn((*job).clone(), false, None);
        }
        let mut edits = 0;
        for edit in self.edits.all()? {
            if edit.end.is_none() && edit.render_in(&jobs).is_none() {
                tracing::info!(job = %edit.id, "resuming the quick edit");
                self.spawn_edit(edit, false, None);
                edits += 1;
            }
        }
        Ok(unfinished.len() + edits)
    }

    /// Queues an export of `project` to `output` — saved in `Submitting` before this returns,
    /// nothing sent yet — and drives it on a task of its own.
    ///
    /// # Errors
    /// [`Error::OutputRefused`], [`Error::OutputBusy`] (another job or process writes it),
    /// [`Error::NothingToExport`], connection and refusal errors of the draft's read,
    /// [`Error::Store`].
    pub async fn queue_export(self: &Arc<Self>, project: Project, output: &str) -> Result<RenderJob, Error> {
        // Before anything is saved or sent: a path that cannot take a video costs no render,
        // and one that another export writes is refused.
        let claim = nemo_storage::output::reserve(Path::new(output))?;
        let job = self.service.queue_export(project, output, &LogProgress).await?;
        tracing::info!(job = %job.id, output = %job.output, "export queued");
        self.spawn(job.clone(), true, Some(claim));
        Ok(job)
    }

    /// Drives `job` to the end on a task of its own, holding `claim` on its output (claimed
    /// on the task when `None`: a job found at start-up). `fresh`: queued by this process, so
    /// a job in `Submitting` was certainly never sent.
    pub fn spawn(self: &Arc<Self>, job: RenderJob, fresh: bool, claim: Option<OutputClaim>) {
        self.track(job.id.to_string(), |token| Arc::clone(self).drive(job, fresh, claim, token));
    }

    /// Runs the task `start` makes (given its cancel token) as job `key`'s, tracked for cancel
    /// and shutdown.
    fn track<F>(&self, key: String, start: impl FnOnce(CancellationToken) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let token = self.stop.child_token();
        let mut running = self.lock_running();
        let handle = self.tasks.spawn(start(token.clone()));
        running.insert(key, Running { token, handle });
    }

    /// Stops a job's task and cancels its render on the service (a quick edit's render too).
    /// Returns the job as the API shows it now.
    ///
    /// # Errors
    /// `Ok(None)` when no job has this id; [`Error::Store`].
    pub async fn cancel(&self, id: &str) -> Result<Option<JobView>, Error> {
        let running = self.lock_running().remove(id);
        if let Some(running) = running {
            running.token.cancel();
            // The task ends at its next await; a panic in it is already logged.
            let _ = running.handle.await;
        }
        if let Some(mut edit) = self.edits.find(id)? {
            match self.render_of(&edit).await? {
                Some(render) => {
                    Box::pin(self.cancel(render.id.as_str())).await?;
                }
                None if edit.end.is_none() => {
                    edit.finish(EditEnd::Cancelled, self.ports.now());
                    self.edits.save(&edit)?;
                }
                None => {}
            }
            return self.view(id).await;
        }
        let Some(job) = self.find(id).await? else { return Ok(None) };
        if job.state.is_final() {
            return Ok(Some(JobView::of(&job)));
        }
        let job = match self.service.cancel_export(job.clone(), &LogProgress).await {
            Ok(job) => job,
            Err(error) => {
                // Cancelled here all the same: the daemon will not poll or download it again.
                tracing::warn!(job = %job.id, %error, "the service did not confirm the cancel");
                let job = RenderJob { state: JobState::Cancelled, ..job };
                self.store.save_render_job(&job).await.map_err(|e| Error::Store(e.0))?;
                job
            }
        };
        Ok(Some(JobView::of(&job)))
    }

    /// Every job as the API lists them, oldest first: the quick edits (each showing its
    /// render as its own) and the exports that are no edit's.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn views(&self) -> Result<Vec<JobView>, Error> {
        let renders = self.jobs().await?;
        let edits = self.edits.all()?;
        let owned: Vec<&RenderJob> = edits.iter().filter_map(|e| e.render_in(&renders)).collect();
        let mut listed: Vec<(u64, JobView)> = renders
            .iter()
            .filter(|r| !owned.iter().any(|o| o.id == r.id))
            .map(|r| (r.created.unix_ms(), JobView::of(r)))
            .collect();
        listed.extend(edits.iter().map(|e| (e.created().unix_ms(), e.view(e.render_in(&renders)))));
        listed.sort_by_key(|(created, _)| *created);
        Ok(listed.into_iter().map(|(_, view)| view).collect())
    }

    /// The job with this id as the API shows it: a quick edit, or an export.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn view(&self, id: &str) -> Result<Option<JobView>, Error> {
        if let Some(edit) = self.edits.find(id)? {
            let render = self.render_of(&edit).await?;
            return Ok(Some(edit.view(render.as_ref())));
        }
        Ok(self.find(id).await?.as_ref().map(JobView::of))
    }

    /// Every job, oldest first.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn jobs(&self) -> Result<Vec<RenderJob>, Error> {
        self.store.render_jobs().await.map_err(|e| Error::Store(e.0))
    }

    /// The job with this id.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn find(&self, id: &str) -> Result<Option<RenderJob>, Error> {
        Ok(self.jobs().await?.into_iter().find(|job| job.id.as_str() == id))
    }

    /// Stops every task (each job stays as last saved), waits for them, and writes what the
    /// store kept in memory.
    pub async fn shutdown(&self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        if let Err(error) = self.store.flush().await {
            tracing::error!(%error, "could not write the last job percentages");
        }
    }

    /// One of the `--max-jobs` slots; `None` when the job is cancelled (or the daemon stops)
    /// first.
    async fn slot(&self, token: &CancellationToken) -> Option<OwnedSemaphorePermit> {
        tokio::select! {
            () = token.cancelled() => None,
            permit = Arc::clone(&self.permits).acquire_owned() => permit.ok(),
        }
    }

    async fn drive(
        self: Arc<Self>,
        mut job: RenderJob,
        fresh: bool,
        claim: Option<OutputClaim>,
        token: CancellationToken,
    ) {
        let key = job.id.to_string();
        let _claim = match claimed(claim, &job.output) {
            Ok(claim) => claim,
            Err(error) => {
                self.fail(&mut job, &error).await;
                self.lock_running().remove(&key);
                return;
            }
        };
        let Some(_permit) = self.slot(&token).await else { return };
        let end = tokio::select! {
            () = token.cancelled() => return,
            end = self.run(job, fresh, &key) => end,
        };
        tracing::info!(job = %end.0, state = ?end.1, "job ended");
        self.lock_running().remove(&end.0);
    }

    /// Steps `job` until it is final; returns its last id and state.
    async fn run(&self, mut job: RenderJob, mut fresh: bool, key: &str) -> (String, JobState) {
        let mut key = key.to_owned();
        let mut backoff = FIRST_BACKOFF;
        let progress = LogProgress;
        loop {
            if job.state.is_final() {
                return (key, job.state);
            }
            let result = match &job.state {
                JobState::Submitting if fresh => self.service.submit_queued(job.clone(), &progress).await,
                JobState::Submitting => self.service.recover_submitting(job.clone(), &progress).await,
                _ => self.service.resume_export(job.clone(), &progress).await.map(|_| job.clone()),
            };
            fresh = false;
            let (next, error) = match result {
                Ok(next) => (self.reload(&next).await.unwrap_or(next), None),
                Err(error) => (self.reload(&job).await.unwrap_or_else(|| job.clone()), Some(error)),
            };
            if next.id != job.id {
                self.rekey(&key, next.id.as_str());
                key = next.id.to_string();
            }
            job = next;
            match error {
                None => backoff = FIRST_BACKOFF,
                Some(error) if is_transient(&error) && !job.state.is_final() => {
                    tracing::warn!(job = %job.id, %error, retry_in = ?backoff, "transient failure; will retry");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Some(error) => self.fail(&mut job, &error).await,
            }
        }
    }

    /// Ends `job` as failed by `error` (unless it already ended), saved.
    async fn fail(&self, job: &mut RenderJob, error: &Error) {
        tracing::warn!(job = %job.id, %error, "job failed");
        if !job.state.is_final() {
            job.state = JobState::Failed { reason: error.to_string() };
            if let Err(e) = self.store.save_render_job(job).await {
                tracing::error!(job = %job.id, error = %e, "could not save the failure");
            }
        }
    }

    /// The job as saved now: by id, or — when a resubmit gave it a new id — by what does not
    /// change (session, output, creation time).
    async fn reload(&self, job: &RenderJob) -> Option<RenderJob> {
        let jobs = self.store.render_jobs().await.ok()?;
        let same =
            |j: &&RenderJob| j.session_id == job.session_id && j.output == job.output && j.created == job.created;
        jobs.iter().find(|j| j.id == job.id).or_else(|| jobs.iter().rev().find(same)).cloned()
    }

    fn rekey(&self, old: &str, new: &str) {
        let mut running = self.lock_running();
        if let Some(entry) = running.remove(old) {
            running.insert(new.to_owned(), entry);
        }
    }
}

/// `claim`, or — for a job found at start-up, which holds none yet — a claim of `output` now.
fn claimed(claim: Option<OutputClaim>, output: &str) -> Result<OutputClaim, Error> {
    claim.map_or_else(|| nemo_storage::claim::claim(Path::new(output)), Ok)
}

/// Whether trying the same step later may succeed.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::Unreachable(_)
        | Error::ConnectionLost(_)
        | Error::RateLimited { .. }
        | Error::RenderTimedOut { .. }
        | Error::LocalRenderStalled { .. }
        | Error::Store(_) => true,
        Error::Api(api) => api.is_retryable(),
        _ => false,
    }
}

/// Job progress goes to the log (debug), notices at info.
struct LogProgress;

impl Progress for LogProgress {
    fn report(&self, event: ProgressEvent) {
        match event {
            ProgressEvent::Notice(text) => tracing::info!("{text}"),
            ProgressEvent::Render { id, percent } => tracing::debug!(job = %id, percent, "rendering"),
            other => tracing::debug!(event = ?other, "progress"),
        }
    }
}

#[cfg(test)]
mod tests {
    use nemo_core::error::ApiError;
    use nemo_core::ids::RenderId;

    use super::*;

    #[test]
    fn only_failures_that_may_pass_are_retried() {
        assert!(is_transient(&Error::Unreachable("down".into())));
        assert!(is_transient(&Error::RenderTimedOut { id: RenderId::from_unix_ms(1) }));
        assert!(is_transient(&Error::Api(ApiError::status(503, "busy"))));
        assert!(!is_transient(&Error::Api(ApiError::status(404, "render not found"))));
        assert!(!is_transient(&Error::ExportBlocked));
        assert!(!is_transient(&Error::NothingToExport));
    }
}
