//! Read-only use cases: credits, the timeline summary, the browser link and the job list.

use super::{Nemo, store_error};
use crate::draft::Draft;
use crate::error::Error;
use crate::model::{Credits, Project, RenderJob};
use crate::ports::{Backend, Clock, Progress, Store};

/// What `tracks` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TracksReport {
    /// The project (possibly with a new session after 1002).
    pub project: Project,
    /// `Timeline (N tracks): ...`.
    pub summary: String,
    /// The draft, when the service has one.
    pub draft: Option<Draft>,
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `credits`: available, frozen, total.
    ///
    /// # Errors
    /// Connection and refusal errors.
    pub async fn credits(&self, progress: &dyn Progress) -> Result<Credits, Error> {
        let backend = &*self.backend;
        self.call(progress, |token| async move { backend.credits(&token).await }).await
    }

    /// `tracks`: the current project's timeline summary.
    ///
    /// # Errors
    /// [`Error::NoProject`], connection and refusal errors.
    pub async fn tracks(&self, progress: &dyn Progress) -> Result<TracksReport, Error> {
        let (project, state) = self.read_state(self.current_project().await?, progress).await?;
        let summary = state.draft.as_ref().map_or_else(|| "Timeline (0 tracks)".to_owned(), Draft::summary);
        Ok(TracksReport { project, summary, draft: state.draft })
    }

    /// `open`: the browser link `<web>/workspace/claim?ct=<claim token>` — never the real
    /// token.
    ///
    /// # Errors
    /// [`Error::NoProject`], connection and refusal errors.
    pub async fn claim_link(&self, progress: &dyn Progress) -> Result<String, Error> {
        let backend = &*self.backend;
        let (_, grant) = self
            .with_session(self.current_project().await?, progress, |token, p| async move {
                backend.claim_token(&token, &p.task_id, &p.session_id).await
            })
            .await?;
        Ok(format!("{}/workspace/claim?ct={}", self.settings.web_url, grant.claim_token))
    }

    /// `jobs`: every render job this client knows, oldest first.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn jobs(&self) -> Result<Vec<RenderJob>, Error> {
        self.store.render_jobs().await.map_err(store_error)
    }
}
