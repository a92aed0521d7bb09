//! [`DaemonStore`]: the store the daemon's use cases run on. The client id, credentials and
//! projects are the user's (shared with nemoctl); the render jobs are the daemon's own, in
//! `STATE/nemod/jobs.json`, so that the daemon resumes only the jobs it owns and never races a
//! foreground `nemoctl export` for the same file.
//!
//! Both halves are `FileStore`s (atomic writes, schema, lock, corrupt files set aside). One
//! thing is added: a save that only moves a rendering job's percentage is kept in memory
//! until [`DaemonStore::flush`] (at shutdown) writes every such percentage in one update; the
//! job's next real change replaces it and is written at once — the percentage is not
//! something the daemon acts on, and 1,000 polled jobs would otherwise rewrite the file many
//! times a second. Every save that precedes an action (submit, download, done) is written
//! before the call returns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use nemo_core::ids::{ClientId, RenderId, SessionId};
use nemo_core::model::{JobState, Project, RenderJob};
use nemo_core::ports::store::CredentialsHold;
use nemo_core::ports::{Store, StoreError, StoredCredentials};
use nemo_storage::FileStore;

/// The daemon's folder inside the state directory.
pub const DAEMON_DIR: &str = "nemod";

/// Shared projects and credentials, the daemon's own jobs.
#[derive(Debug)]
pub struct DaemonStore {
    shared: FileStore,
    jobs: FileStore,
    /// The state last written, per job.
    written: Mutex<HashMap<RenderId, JobState>>,
    /// Newer percentages not written yet.
    pending: Mutex<HashMap<RenderId, RenderJob>>,
}

impl DaemonStore {
    /// The store over the user's config and state directories.
    #[must_use]
    pub fn new(config_dir: impl Into<PathBuf>, state_dir: &Path) -> Self {
        let config_dir = config_dir.into();
        Self {
            shared: FileStore::new(config_dir.clone(), state_dir),
            jobs: FileStore::new(config_dir, state_dir.join(DAEMON_DIR)),
            written: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// The daemon's own folder (`STATE/nemod`), where its jobs files are.
    #[must_use]
    pub fn daemon_dir(&self) -> &Path {
        self.jobs.state_dir()
    }

    /// Writes every percentage kept in memory, in one update of the jobs file.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be written.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let pending: Vec<RenderJob> =
            self.pending.lock().unwrap_or_else(PoisonError::into_inner).drain().map(|(_, job)| job).collect();
        self.jobs.save_render_jobs(&pending).await
    }

    /// Whether saving `job` may wait: it only moves the percentage of a job already written
    /// as rendering.
    fn may_wait(&self, job: &RenderJob) -> bool {
        let written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        matches!((&job.state, written.get(&job.id)), (JobState::Rendering { .. }, Some(JobState::Rendering { .. })))
    }
}

#[async_trait]
impl Store for DaemonStore {
    async fn client_id(&self) -> Result<Option<ClientId>, StoreError> {
        self.shared.client_id().await
    }
    async fn save_client_id(&self, id: &ClientId) -> Result<(), StoreError> {
        self.shared.save_client_id(id).await
    }
    async fn credentials(&self) -> Result<Option<StoredCredentials>, StoreError> {
        self.shared.credentials().await
    }
    async fn save_credentials(&self, credentials: &StoredCredentials) -> Result<(), StoreError> {
        self.shared.save_credentials(credentials).await
    }
    async fn hold_credentials(&self) -> Result<CredentialsHold, StoreError> {
        self.shared.hold_credentials().await
    }
    async fn clear_credentials(&self) -> Result<(), StoreError> {
        self.shared.clear_credentials().await
    }
    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        self.shared.projects().await
    }
    async fn save_project(&self, project: &Project) -> Result<(), StoreError> {
        self.shared.save_project(project).await
    }
    async fn current_project(&self) -> Result<Option<SessionId>, StoreError> {
        self.shared.current_project().await
    }
    async fn set_current_project(&self, session_id: &SessionId) -> Result<(), StoreError> {
        self.shared.set_current_project(session_id).await
    }

    async fn render_jobs(&self) -> Result<Vec<RenderJob>, StoreError> {
        let mut jobs = self.jobs.render_jobs().await?;
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        for job in &mut jobs {
            if let Some(newer) = pending.get(&job.id) {
                job.clone_from(newer);
            }
        }
        Ok(jobs)
    }

    async fn save_render_job(&self, job: &RenderJob) -> Result<(), StoreError> {
        if self.may_wait(job) {
            self.pending.lock().unwrap_or_else(PoisonError::into_inner).insert(job.id.clone(), job.clone());
            return Ok(());
        }
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).remove(&job.id);
        self.jobs.save_render_job(job).await?;
        self.written.lock().unwrap_or_else(PoisonError::into_inner).insert(job.id.clone(), job.state.clone());
        Ok(())
    }

    async fn remove_render_job(&self, id: &RenderId) -> Result<(), StoreError> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        self.written.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        self.jobs.remove_render_job(id).await
    }
}

#[cfg(test)]
mod tests {
    use nemo_core::time::Timestamp;

    use super::*;

    fn job(state: JobState) -> RenderJob {
        RenderJob {
            id: RenderId::from_unix_ms(1),
            session_id: SessionId::parse("s1").unwrap(),
            project: "p".into(),
            output: "/tmp/p.mp4".into(),
            draft_digest: None,
            state,
            created: Timestamp::from_unix_ms(0),
            updated: Timestamp::from_unix_ms(0),
        }
    }

    #[tokio::test]
    async fn percentages_wait_in_memory_and_every_other_change_is_written_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = DaemonStore::new(dir.path().join("c"), &dir.path().join("s"));
        let on_disk = || FileStore::new(dir.path().join("c"), dir.path().join("s").join(DAEMON_DIR));

        store.save_render_job(&job(JobState::Submitting)).await.unwrap();
        store.save_render_job(&job(JobState::Rendering { progress: 0 })).await.unwrap();
        store.save_render_job(&job(JobState::Rendering { progress: 50 })).await.unwrap();
        assert_eq!(on_disk().render_jobs().await.unwrap()[0].state, JobState::Rendering { progress: 0 });
        assert_eq!(store.render_jobs().await.unwrap()[0].state, JobState::Rendering { progress: 50 });

        store.flush().await.unwrap();
        assert_eq!(on_disk().render_jobs().await.unwrap()[0].state, JobState::Rendering { progress: 50 });

        store.save_render_job(&job(JobState::Downloading { url: None })).await.unwrap();
        assert_eq!(on_disk().render_jobs().await.unwrap()[0].state, JobState::Downloading { url: None });
        assert!(store.shared.render_jobs().await.unwrap().is_empty(), "the user's jobs.json is not the daemon's");
    }
}
