//! An in-memory [`Store`]: what the client would remember between runs, kept in a mutex so
//! tests can seed it before a use case runs and read it afterwards.

use std::sync::Mutex;

use async_trait::async_trait;
use nemo_core::ids::{ClientId, RenderId, SessionId};
use nemo_core::model::{Project, RenderJob};
use nemo_core::ports::store::CredentialsHold;
use nemo_core::ports::{Store, StoreError, StoredCredentials};

use crate::lock;

/// Everything a [`MemoryStore`] holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreContents {
    /// The client id.
    pub client_id: Option<ClientId>,
    /// The saved credentials.
    pub credentials: Option<StoredCredentials>,
    /// Projects, oldest first.
    pub projects: Vec<Project>,
    /// The current project's session id.
    pub current_project: Option<SessionId>,
    /// Render jobs, oldest first.
    pub render_jobs: Vec<RenderJob>,
}

/// A [`Store`] in memory. Never fails.
#[derive(Debug, Default)]
pub struct MemoryStore {
    contents: Mutex<StoreContents>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that starts with `contents`.
    #[must_use]
    pub fn with_contents(contents: StoreContents) -> Self {
        Self { contents: Mutex::new(contents) }
    }

    /// A copy of everything it holds now.
    #[must_use]
    pub fn contents(&self) -> StoreContents {
        lock(&self.contents).clone()
    }
}

/// Replaces the item with the same key, or appends it.
fn upsert<T: Clone, K: PartialEq>(items: &mut Vec<T>, item: &T, key: impl Fn(&T) -> &K) {
    match items.iter_mut().find(|existing| key(existing) == key(item)) {
        Some(existing) => existing.clone_from(item),
        None => items.push(item.clone()),
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn client_id(&self) -> Result<Option<ClientId>, StoreError> {
        Ok(lock(&self.contents).client_id)
    }

    async fn save_client_id(&self, id: &ClientId) -> Result<(), StoreError> {
        lock(&self.contents).client_id = Some(*id);
        Ok(())
    }

    async fn credentials(&self) -> Result<Option<StoredCredentials>, StoreError> {
        Ok(lock(&self.contents).credentials.clone())
    }

    async fn save_credentials(&self, credentials: &StoredCredentials) -> Result<(), StoreError> {
        lock(&self.contents).credentials = Some(credentials.clone());
        Ok(())
    }

    /// In memory, one process: nothing to hold off.
    async fn hold_credentials(&self) -> Result<CredentialsHold, StoreError> {
        Ok(Box::new(()))
    }

    async fn clear_credentials(&self) -> Result<(), StoreError> {
        lock(&self.contents).credentials = None;
        Ok(())
    }

    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        Ok(lock(&self.contents).projects.clone())
    }

    async fn save_project(&self, project: &Project) -> Result<(), StoreError> {
        upsert(&mut lock(&self.contents).projects, project, |p| &p.session_id);
        Ok(())
    }

    async fn current_project(&self) -> Result<Option<SessionId>, StoreError> {
        Ok(lock(&self.contents).current_project.clone())
    }

    async fn set_current_project(&self, session_id: &SessionId) -> Result<(), StoreError> {
        lock(&self.contents).current_project = Some(session_id.clone());
        Ok(())
    }

    async fn render_jobs(&self) -> Result<Vec<RenderJob>, StoreError> {
        Ok(lock(&self.contents).render_jobs.clone())
    }

    async fn save_render_job(&self, job: &RenderJob) -> Result<(), StoreError> {
        upsert(&mut lock(&self.contents).render_jobs, job, |j| &j.id);
        Ok(())
    }

    async fn remove_render_job(&self, id: &RenderId) -> Result<(), StoreError> {
        lock(&self.contents).render_jobs.retain(|job| &job.id != id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use nemo_core::ids::{TaskId, Token};
    use nemo_core::model::JobState;
    use nemo_core::time::Timestamp;

    use super::*;

    fn project(session: &str, name: &str) -> Project {
        Project {
            name: name.into(),
            task_id: TaskId::parse("task_1").unwrap(),
            session_id: SessionId::parse(session).unwrap(),
            created: Timestamp::from_unix_ms(0),
            last_draft: None,
        }
    }

    fn job(id: &str, state: JobState) -> RenderJob {
        RenderJob {
            id: RenderId::parse(id).unwrap(),
            session_id: SessionId::parse("1").unwrap(),
            project: "p".into(),
            output: "out.mp4".into(),
            draft_digest: None,
            state,
            created: Timestamp::from_unix_ms(0),
            updated: Timestamp::from_unix_ms(0),
        }
    }

    #[test]
    fn keeps_the_client_id_and_credentials_apart() {
        block_on(async {
            let store = MemoryStore::new();
            let id = ClientId::generate();
            store.save_client_id(&id).await.unwrap();
            let credentials =
                StoredCredentials { token: Token::new("nmv_usr_x").unwrap(), user_id: None, expires_at: None };
            store.save_credentials(&credentials).await.unwrap();
            assert_eq!(store.credentials().await.unwrap(), Some(credentials));
            store.clear_credentials().await.unwrap();
            assert_eq!(store.credentials().await.unwrap(), None);
            assert_eq!(store.client_id().await.unwrap(), Some(id));
        });
    }

    #[test]
    fn projects_are_upserted_by_session_id_in_order() {
        block_on(async {
            let store = MemoryStore::new();
            store.save_project(&project("1", "a")).await.unwrap();
            store.save_project(&project("2", "b")).await.unwrap();
            store.save_project(&project("1", "renamed")).await.unwrap();
            let names: Vec<String> = store.projects().await.unwrap().into_iter().map(|p| p.name).collect();
            assert_eq!(names, ["renamed", "b"]);
            store.set_current_project(&SessionId::parse("2").unwrap()).await.unwrap();
            assert_eq!(store.current_project().await.unwrap(), Some(SessionId::parse("2").unwrap()));
        });
    }

    #[test]
    fn render_jobs_are_upserted_by_id_and_removed() {
        block_on(async {
            let store = MemoryStore::with_contents(StoreContents {
                render_jobs: vec![job("render_1", JobState::Submitting)],
                ..StoreContents::default()
            });
            store.save_render_job(&job("render_2", JobState::Submitting)).await.unwrap();
            store.save_render_job(&job("render_1", JobState::Cancelled)).await.unwrap();
            let jobs = store.render_jobs().await.unwrap();
            assert_eq!(jobs, [job("render_1", JobState::Cancelled), job("render_2", JobState::Submitting)]);
            store.remove_render_job(&RenderId::parse("render_1").unwrap()).await.unwrap();
            assert_eq!(store.contents().render_jobs, [job("render_2", JobState::Submitting)]);
        });
    }
}
