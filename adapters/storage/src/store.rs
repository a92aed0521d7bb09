//! [`FileStore`]: the store port on the files described in the crate docs.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::document::{LOCK, load_json, write_json};
use crate::files::{self, quarantine, read_optional, write_atomic};
use crate::wire::{CredentialsFile, JobsFile, ProjectsFile};
use async_trait::async_trait;
use nemo_core::ids::{ClientId, RenderId, SessionId};
use nemo_core::model::{Project, RenderJob};
use nemo_core::ports::store::CredentialsHold;
use nemo_core::ports::{Store, StoreError, StoredCredentials};

const CLIENT_ID: &str = "client_id";
const CREDENTIALS: &str = "credentials.json";
const PROJECTS: &str = "projects.json";
const JOBS: &str = "jobs.json";

/// The store on files: `config_dir` for the client id and credentials, `state_dir` for
/// projects and render jobs. Nothing is read or created until a method needs it.
///
/// The I/O is blocking (small files, a few milliseconds); callers on a busy async runtime
/// may want to call it from a blocking task.
#[derive(Clone)]
pub struct FileStore {
    config_dir: PathBuf,
    state_dir: PathBuf,
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore").field("config_dir", &self.config_dir).field("state_dir", &self.state_dir).finish()
    }
}

impl FileStore {
    /// A store over these two directories.
    #[must_use]
    pub fn new(config_dir: impl Into<PathBuf>, state_dir: impl Into<PathBuf>) -> Self {
        Self { config_dir: config_dir.into(), state_dir: state_dir.into() }
    }

    /// Where the client id, credentials and `config.toml` live.
    #[must_use]
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// Where projects and render jobs live.
    #[must_use]
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// Saves many render jobs (each replacing the one with its id) in one update of
    /// `jobs.json`: one lock, one read, one write. Nothing is written for none.
    ///
    /// # Errors
    /// As [`Store::save_render_job`].
    pub async fn save_render_jobs(&self, jobs: &[RenderJob]) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        self.update_jobs(|saved| {
            for job in jobs {
                upsert(saved, job, |j| &j.id);
            }
        })
    }

    /// The credentials file (for `nemoctl config path` and tests).
    #[must_use]
    pub fn credentials_path(&self) -> PathBuf {
        self.config_dir.join(CREDENTIALS)
    }

    fn load_projects(&self) -> Result<(Vec<Project>, Option<SessionId>), StoreError> {
        let path = self.state_dir.join(PROJECTS);
        match load_json::<ProjectsFile>(&path)? {
            None => Ok((Vec::new(), None)),
            Some(file) => file.into_domain().map_err(|why| quarantine(&path, &why)),
        }
    }

    fn save_projects(&self, projects: &[Project], current: Option<&SessionId>) -> Result<(), StoreError> {
        let file = ProjectsFile::from_domain(projects, current).map_err(StoreError)?;
        write_json(&self.state_dir.join(PROJECTS), &file, 0o600)
    }

    fn update_projects(
        &self,
        change: impl FnOnce(&mut Vec<Project>, &mut Option<SessionId>),
    ) -> Result<(), StoreError> {
        let _lock = files::lock(&self.state_dir.join(LOCK))?;
        let (mut projects, mut current) = self.load_projects()?;
        change(&mut projects, &mut current);
        self.save_projects(&projects, current.as_ref())
    }

    fn load_jobs(&self) -> Result<Vec<RenderJob>, StoreError> {
        let path = self.state_dir.join(JOBS);
        match load_json::<JobsFile>(&path)? {
            None => Ok(Vec::new()),
            Some(file) => file.into_domain().map_err(|why| quarantine(&path, &why)),
        }
    }

    fn update_jobs(&self, change: impl FnOnce(&mut Vec<RenderJob>)) -> Result<(), StoreError> {
        let _lock = files::lock(&self.state_dir.join(LOCK))?;
        let mut jobs = self.load_jobs()?;
        change(&mut jobs);
        write_json(&self.state_dir.join(JOBS), &JobsFile::from_domain(&jobs), 0o600)
    }
}

fn upsert<T: Clone, K: PartialEq>(items: &mut Vec<T>, item: &T, key: impl Fn(&T) -> &K) {
    match items.iter_mut().find(|existing| key(existing) == key(item)) {
        Some(existing) => existing.clone_from(item),
        None => items.push(item.clone()),
    }
}

#[async_trait]
impl Store for FileStore {
    async fn client_id(&self) -> Result<Option<ClientId>, StoreError> {
        let path = self.config_dir.join(CLIENT_ID);
        match read_optional(&path)? {
            None => Ok(None),
            Some(text) if text.trim().is_empty() => Ok(None),
            Some(text) => ClientId::parse(&text).map(Some).map_err(|e| quarantine(&path, &e.to_string())),
        }
    }

    async fn save_client_id(&self, id: &ClientId) -> Result<(), StoreError> {
        // Not a secret, and shared with the vendor's skills: the usual 0644.
        write_atomic(&self.config_dir.join(CLIENT_ID), format!("{id}\n").as_bytes(), 0o644)
    }

    async fn credentials(&self) -> Result<Option<StoredCredentials>, StoreError> {
        let path = self.credentials_path();
        match load_json::<CredentialsFile>(&path)? {
            None => Ok(None),
            Some(file) => file.into_domain().map(Some).map_err(|why| quarantine(&path, &why)),
        }
    }

    async fn save_credentials(&self, credentials: &StoredCredentials) -> Result<(), StoreError> {
        write_json(&self.credentials_path(), &CredentialsFile::from_domain(credentials), 0o600)
    }

    /// An OS lock on `CONFIG/.credentials.lock` against other processes, taken behind an
    /// async lock of this process's: tasks of one process wait for each other without
    /// blocking a thread (the OS lock would block the one another task needs to finish).
    async fn hold_credentials(&self) -> Result<CredentialsHold, StoreError> {
        static IN_PROCESS: futures::lock::Mutex<()> = futures::lock::Mutex::new(());
        let in_process = IN_PROCESS.lock().await;
        let across_processes = files::lock(&self.config_dir.join(".credentials.lock"))?;
        Ok(Box::new((in_process, across_processes)))
    }

    async fn clear_credentials(&self) -> Result<(), StoreError> {
        files::remove(&self.credentials_path())
    }

    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        Ok(self.load_projects()?.0)
    }

    async fn save_project(&self, project: &Project) -> Result<(), StoreError> {
        self.update_projects(|projects, _| upsert(projects, project, |p| &p.session_id))
    }

    async fn current_project(&self) -> Result<Option<SessionId>, StoreError> {
        Ok(self.load_projects()?.1)
    }

    async fn set_current_project(&self, session_id: &SessionId) -> Result<(), StoreError> {
        self.update_projects(|_, current| *current = Some(session_id.clone()))
    }

    async fn render_jobs(&self) -> Result<Vec<RenderJob>, StoreError> {
        self.load_jobs()
    }

    async fn save_render_job(&self, job: &RenderJob) -> Result<(), StoreError> {
        self.update_jobs(|jobs| upsert(jobs, job, |j| &j.id))
    }

    async fn remove_render_job(&self, id: &RenderId) -> Result<(), StoreError> {
        self.update_jobs(|jobs| jobs.retain(|job| &job.id != id))
    }
}

#[cfg(test)]
mod tests;
