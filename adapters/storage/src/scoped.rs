//! [`ScopedStore`]: a store whose *current project* is private to one run, everything else
//! shared — for `--project NAME` (one command on another project without switching) and for
//! `batch` (many quick edits at once, each on its own project).

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use nemo_core::ids::{ClientId, RenderId, SessionId};
use nemo_core::model::{Project, RenderJob};
use nemo_core::ports::store::CredentialsHold;
use nemo_core::ports::{Store, StoreError, StoredCredentials};

/// Delegates to `inner`, except that the current project lives in memory.
pub struct ScopedStore {
    inner: Arc<dyn Store>,
    current: Mutex<Option<SessionId>>,
}

impl ScopedStore {
    /// A scope over `inner` whose current project starts as `current`.
    #[must_use]
    pub fn new(inner: Arc<dyn Store>, current: Option<SessionId>) -> Self {
        Self { inner, current: Mutex::new(current) }
    }
}

#[async_trait]
impl Store for ScopedStore {
    async fn client_id(&self) -> Result<Option<ClientId>, StoreError> {
        self.inner.client_id().await
    }
    async fn save_client_id(&self, id: &ClientId) -> Result<(), StoreError> {
        self.inner.save_client_id(id).await
    }
    async fn credentials(&self) -> Result<Option<StoredCredentials>, StoreError> {
        self.inner.credentials().await
    }
    async fn save_credentials(&self, credentials: &StoredCredentials) -> Result<(), StoreError> {
        self.inner.save_credentials(credentials).await
    }
    async fn hold_credentials(&self) -> Result<CredentialsHold, StoreError> {
        self.inner.hold_credentials().await
    }
    async fn clear_credentials(&self) -> Result<(), StoreError> {
        self.inner.clear_credentials().await
    }
    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        self.inner.projects().await
    }
    async fn save_project(&self, project: &Project) -> Result<(), StoreError> {
        self.inner.save_project(project).await
    }
    async fn current_project(&self) -> Result<Option<SessionId>, StoreError> {
        Ok(self.current.lock().unwrap_or_else(PoisonError::into_inner).clone())
    }
    async fn set_current_project(&self, session_id: &SessionId) -> Result<(), StoreError> {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(session_id.clone());
        Ok(())
    }
    async fn render_jobs(&self) -> Result<Vec<RenderJob>, StoreError> {
        self.inner.render_jobs().await
    }
    async fn save_render_job(&self, job: &RenderJob) -> Result<(), StoreError> {
        self.inner.save_render_job(job).await
    }
    async fn remove_render_job(&self, id: &RenderId) -> Result<(), StoreError> {
        self.inner.remove_render_job(id).await
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use nemo_core::ids::TaskId;
    use nemo_core::time::Timestamp;

    use super::*;
    use crate::FileStore;

    #[test]
    fn the_current_project_stays_in_the_scope_and_the_rest_is_shared() {
        let dir = tempfile::tempdir().unwrap();
        let shared: Arc<dyn Store> = Arc::new(FileStore::new(dir.path().join("c"), dir.path().join("s")));
        let project = Project {
            name: "a".into(),
            task_id: TaskId::parse("t1").unwrap(),
            session_id: SessionId::parse("s1").unwrap(),
            created: Timestamp::from_unix_ms(0),
            last_draft: None,
        };
        block_on(async {
            let scoped = ScopedStore::new(shared.clone(), None);
            scoped.save_project(&project).await.unwrap();
            scoped.set_current_project(&project.session_id).await.unwrap();
            assert_eq!(scoped.current_project().await.unwrap(), Some(project.session_id.clone()));
            assert_eq!(shared.current_project().await.unwrap(), None);
            assert_eq!(shared.projects().await.unwrap(), [project]);
        });
    }
}
