//! Quick-edit jobs driven to the end: each step of the core's quick edit
//! ([`nemo_core::service::Nemo::quick_edit_step`]) runs on the edit's own project, and the stage
//! it reaches is saved before the next step acts. Once the instruction changed the timeline,
//! the export is queued as an export job of its own (saved in `Submitting`) and the
//! supervisor's export rules take over: polled after a crash, never submitted twice.
//!
//! After a restart a saved stage is taken up again by the core's rule
//! ([`nemo_core::service::EditStage::after_restart`]): the project and the upload are redone
//! if they were under way (an orphan session or a second copy of a file at worst), but an edit
//! found while its instruction was being sent fails, saying so — the instruction may have
//! reached the editor and is never sent again.

use std::sync::{Arc, Mutex, PoisonError};

use nemo_core::error::Error;
use nemo_core::ids::SessionId;
use nemo_core::model::{Project, RenderJob};
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::EditStage;
use nemo_storage::claim::OutputClaim;
use tokio_util::sync::CancellationToken;

use super::{LogProgress, Supervisor, claimed};
use crate::edits::{EditJob, NewEdit};

impl Supervisor {
    /// Saves a new quick edit (before anything is done) and drives it on a task of its own,
    /// holding `claim` on its output until its render ends.
    ///
    /// # Errors
    /// [`Error::Store`] when it cannot be saved (then nothing was done).
    pub fn start_edit(self: &Arc<Self>, edit: NewEdit, claim: OutputClaim) -> Result<EditJob, Error> {
        let job = self.edits.create(edit, self.ports.now())?;
        tracing::info!(job = %job.id, output = %job.output, "quick edit queued");
        self.spawn_edit(job.clone(), true, Some(claim));
        Ok(job)
    }

    /// Drives `job` on a task of its own, holding `claim` on its output (claimed on the task
    /// when `None`: an edit found at start-up). `fresh`: made by this process, so no step of
    /// it was ever under way.
    pub(super) fn spawn_edit(self: &Arc<Self>, job: EditJob, fresh: bool, claim: Option<OutputClaim>) {
        self.track(job.id.clone(), |token| Arc::clone(self).drive_edit(job, fresh, claim, token));
    }

    /// The render job that carries an edit's export, once queued.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn render_of(&self, job: &EditJob) -> Result<Option<RenderJob>, Error> {
        Ok(job.render_in(&self.jobs().await?).cloned())
    }

    async fn drive_edit(
        self: Arc<Self>,
        job: EditJob,
        fresh: bool,
        claim: Option<OutputClaim>,
        token: CancellationToken,
    ) {
        let id = job.id.clone();
        let claim = match claimed(claim, &job.output) {
            Ok(claim) => claim,
            Err(error) => {
                self.lock_running().remove(&id);
                return self.fail_edit(&id, &error, "");
            }
        };
        let Some(permit) = self.slot(&token).await else { return };
        let answer = Answer::default();
        let result = tokio::select! {
            () = token.cancelled() => return,
            result = self.edit(job.clone(), fresh, &answer) => result,
        };
        // The render waits for a slot of its own.
        drop(permit);
        self.lock_running().remove(&id);
        match result {
            Ok(Some(render)) => self.spawn(render, true, Some(claim)),
            Ok(None) => {}
            Err(error) => self.fail_edit(&id, &error, &answer.text()),
        }
    }

    /// Runs the steps from the saved stage; returns the render to drive when it queued one.
    async fn edit(&self, mut job: EditJob, fresh: bool, answer: &Answer) -> Result<Option<RenderJob>, Error> {
        let mut stage = job.stage()?;
        if !fresh {
            stage = stage.after_restart()?;
        }
        let plan = job.plan(&self.ports.accepts)?;
        // One token for every edit, stored before any of them asks the service for anything.
        self.login().await?;
        let service = self.ports.scoped(stage.session_id().cloned());
        while !matches!(stage, EditStage::Edited { .. }) {
            stage = service.quick_edit_step(&plan, stage, answer).await?;
            job.set_stage(&stage, self.ports.now());
            self.edits.save(&job)?;
        }
        if self.render_of(&job).await?.is_some() {
            return Ok(None);
        }
        let session = stage.session_id().cloned();
        let project = self.project(session.as_ref()).await?;
        let render = self.service.queue_export(project, &job.output, &LogProgress).await?;
        tracing::info!(job = %job.id, render = %render.id, "quick edit exporting");
        Ok(Some(render))
    }

    async fn project(&self, session: Option<&SessionId>) -> Result<Project, Error> {
        let projects = self.service.projects().await?;
        projects.into_iter().rev().find(|p| Some(&p.session_id) == session).ok_or(Error::NoProject)
    }

    /// Ends an edit as failed with what the editor said (logged when even that cannot be saved).
    fn fail_edit(&self, id: &str, error: &Error, answer: &str) {
        tracing::warn!(job = %id, %error, "quick edit failed");
        let saved = self.edits.find(id).and_then(|job| {
            let Some(mut job) = job else { return Ok(()) };
            job.fail(error, answer, self.ports.now());
            self.edits.save(&job)
        });
        if let Err(e) = saved {
            tracing::error!(job = %id, error = %e, "could not save the failure");
        }
    }
}

/// A quick edit's progress: to the log, and the editor's text kept, so that the job shows the
/// answer even when the instruction changed nothing (as the in-process edit streams it).
#[derive(Default)]
struct Answer(Mutex<String>);

impl Answer {
    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Progress for Answer {
    fn report(&self, event: ProgressEvent) {
        if let ProgressEvent::AgentText(text) = &event {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).push_str(text);
        }
        LogProgress.report(event);
    }
}
