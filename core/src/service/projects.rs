//! Projects: creating a session, listing and selecting projects, and the 1002 recovery
//! (a new session under the same name, the user told).

use std::future::Future;

use super::{Nemo, store_error};
use crate::error::{ApiError, Error, ErrorCode};
use crate::ids::Token;
use crate::model::{Project, SessionState};
use crate::ports::{Backend, Clock, Progress, ProgressEvent, Store};

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `new`: creates a session named `name` and makes it the current project.
    ///
    /// # Errors
    /// Connection and refusal errors of the create-session call; [`Error::Store`].
    pub async fn new_project(&self, name: &str, progress: &dyn Progress) -> Result<Project, Error> {
        // A store that cannot keep the project (unreadable, from a newer version) must say so
        // before the service makes a session nobody could find again.
        self.store.projects().await.map_err(store_error)?;
        let backend = &*self.backend;
        let language = self.settings.language.as_deref();
        let session =
            self.call(progress, |token| async move { backend.create_session(&token, name, language).await }).await?;
        let project = Project {
            name: name.to_owned(),
            task_id: session.task_id,
            session_id: session.session_id,
            created: self.clock.now(),
            last_draft: None,
        };
        self.store.save_project(&project).await.map_err(store_error)?;
        self.store.set_current_project(&project.session_id).await.map_err(store_error)?;
        Ok(project)
    }

    /// `projects`: every saved project, oldest first.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn projects(&self) -> Result<Vec<Project>, Error> {
        self.store.projects().await.map_err(store_error)
    }

    /// `use`: selects the project whose session id or name is `name_or_id` (the newest of
    /// that name; [`Project::find`]).
    ///
    /// # Errors
    /// [`Error::UnknownProject`], [`Error::Store`].
    pub async fn use_project(&self, name_or_id: &str) -> Result<Project, Error> {
        let projects = self.projects().await?;
        let found = Project::find(&projects, name_or_id)
            .cloned()
            .ok_or_else(|| Error::UnknownProject(name_or_id.to_owned()))?;
        self.store.set_current_project(&found.session_id).await.map_err(store_error)?;
        Ok(found)
    }

    /// The current project.
    ///
    /// # Errors
    /// [`Error::NoProject`] when none is selected (or it was deleted), [`Error::Store`].
    pub async fn current_project(&self) -> Result<Project, Error> {
        let current = self.store.current_project().await.map_err(store_error)?.ok_or(Error::NoProject)?;
        self.projects().await?.into_iter().find(|p| p.session_id == current).ok_or(Error::NoProject)
    }

    /// The current project, or a new one named `name` when none is selected (for commands
    /// whose intent obviously needs one, such as a quick edit).
    ///
    /// # Errors
    /// As [`Nemo::new_project`].
    pub async fn current_or_new_project(&self, name: &str, progress: &dyn Progress) -> Result<Project, Error> {
        match self.current_project().await {
            Err(Error::NoProject) => self.new_project(name, progress).await,
            other => other,
        }
    }

    /// After 1002: creates a new session under the same name, makes it current and tells the
    /// user.
    pub(super) async fn replace_session(&self, lost: &Project, progress: &dyn Progress) -> Result<Project, Error> {
        let fresh = self.new_project(&lost.name, progress).await?;
        progress.report(ProgressEvent::Notice(format!(
            "The session of project {:?} was not found on the service; created a new session ({}).",
            lost.name, fresh.session_id
        )));
        Ok(fresh)
    }

    /// Runs `request` against `project`'s session; when the service has lost the session
    /// (1002), creates a new one under the same name and runs `request` once more. Only for
    /// requests that are safe to repeat after a refusal — never a chat message.
    pub(super) async fn with_session<T, F, Fut>(
        &self,
        project: Project,
        progress: &dyn Progress,
        mut request: F,
    ) -> Result<(Project, T), Error>
    where
        F: FnMut(Token, Project) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut project = project;
        let mut replaced = false;
        loop {
            let current = project.clone();
            match self.call(progress, |token| request(token, current.clone())).await {
                Ok(value) => return Ok((project, value)),
                Err(error) if is_session_lost(&error) && !replaced => {
                    project = self.replace_session(&project, progress).await?;
                    replaced = true;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Reads the state of `project` (replacing a lost session once) and remembers the draft.
    pub(super) async fn read_state(
        &self,
        project: Project,
        progress: &dyn Progress,
    ) -> Result<(Project, SessionState), Error> {
        let backend = &*self.backend;
        let (mut project, state) = self
            .with_session(project, progress, |token, p| async move { backend.state(&token, &p.session_id).await })
            .await?;
        self.remember_draft(&mut project, &state).await?;
        Ok((project, state))
    }

    async fn remember_draft(&self, project: &mut Project, state: &SessionState) -> Result<(), Error> {
        if state.draft.is_some() && project.last_draft != state.draft {
            project.last_draft.clone_from(&state.draft);
            self.store.save_project(project).await.map_err(store_error)?;
        }
        Ok(())
    }
}

/// Whether a use-case error is the service saying the session does not exist (1002).
pub(super) fn is_session_lost(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.error_code() == Some(ErrorCode::SessionNotFound))
}
