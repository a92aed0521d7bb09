//! The persisted shapes, mirrored by hand from the core's domain types. Each file carries
//! `"schema": 1`; instants are Unix milliseconds; the last draft is kept verbatim.
//!
//! These types are a compatibility promise with files already on disk: add optional fields
//! only, and bump [`SCHEMA`] for anything else.

use nemo_core::draft::Draft;
use nemo_core::ids::{RenderId, SessionId, TaskId, Token, UserId};
use nemo_core::model::{JobState, Project, RenderJob};
use nemo_core::ports::StoredCredentials;
use nemo_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::SCHEMA;

/// Just the schema field, read before anything else.
#[derive(Debug, Deserialize)]
pub struct SchemaProbe {
    /// The schema version the file was written with.
    pub schema: u32,
}

/// `credentials.json`. Deliberately not `Debug`: it holds the token.
#[derive(Serialize, Deserialize)]
pub struct CredentialsFile {
    /// Always [`SCHEMA`] when written.
    pub schema: u32,
    /// The bearer token.
    pub token: String,
    /// The account.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Expiry, Unix milliseconds.
    #[serde(default)]
    pub expires_at_ms: Option<u64>,
}

impl CredentialsFile {
    /// The file for `credentials`.
    #[must_use]
    pub fn from_domain(credentials: &StoredCredentials) -> Self {
        Self {
            schema: SCHEMA,
            token: credentials.token.expose().to_owned(),
            user_id: credentials.user_id.as_ref().map(|u| u.as_str().to_owned()),
            expires_at_ms: credentials.expires_at.map(Timestamp::unix_ms),
        }
    }

    /// The domain value.
    ///
    /// # Errors
    /// Why the file's values are not valid.
    pub fn into_domain(self) -> Result<StoredCredentials, String> {
        Ok(StoredCredentials {
            token: Token::new(self.token).map_err(|e| e.to_string())?,
            user_id: self.user_id.map(UserId::parse).transpose().map_err(|e| e.to_string())?,
            expires_at: self.expires_at_ms.map(Timestamp::from_unix_ms),
        })
    }
}

/// `projects.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectsFile {
    /// Always [`SCHEMA`] when written.
    pub schema: u32,
    /// The current project's session id.
    #[serde(default)]
    pub current: Option<String>,
    /// Oldest first.
    #[serde(default)]
    pub projects: Vec<ProjectRecord>,
}

/// One project.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectRecord {
    /// The name the user gave.
    pub name: String,
    /// The task.
    pub task_id: String,
    /// The session (the project's identity).
    pub session_id: String,
    /// Creation, Unix milliseconds.
    pub created_ms: u64,
    /// The draft as last read, byte for byte.
    #[serde(default)]
    pub last_draft: Option<Box<RawValue>>,
}

impl ProjectsFile {
    /// The file for these projects.
    ///
    /// # Errors
    /// When a draft cannot be embedded (it always can: drafts are JSON objects).
    pub fn from_domain(projects: &[Project], current: Option<&SessionId>) -> Result<Self, String> {
        let projects = projects
            .iter()
            .map(|p| {
                Ok(ProjectRecord {
                    name: p.name.clone(),
                    task_id: p.task_id.as_str().to_owned(),
                    session_id: p.session_id.as_str().to_owned(),
                    created_ms: p.created.unix_ms(),
                    last_draft: p
                        .last_draft
                        .as_ref()
                        .map(|d| RawValue::from_string(d.as_json().to_owned()))
                        .transpose()
                        .map_err(|e| e.to_string())?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { schema: SCHEMA, current: current.map(|c| c.as_str().to_owned()), projects })
    }

    /// The projects and the current one.
    ///
    /// # Errors
    /// Why the file's values are not valid.
    pub fn into_domain(self) -> Result<(Vec<Project>, Option<SessionId>), String> {
        let projects = self
            .projects
            .into_iter()
            .map(|r| {
                Ok(Project {
                    name: r.name,
                    task_id: TaskId::parse(r.task_id).map_err(|e| e.to_string())?,
                    session_id: SessionId::parse(r.session_id).map_err(|e| e.to_string())?,
                    created: Timestamp::from_unix_ms(r.created_ms),
                    last_draft: r
                        .last_draft
                        .map(|raw| Draft::from_json(raw.get().to_owned()))
                        .transpose()
                        .map_err(|e| e.to_string())?,
                })
            })
            .collect::<Result<_, String>>()?;
        let current = self.current.map(SessionId::parse).transpose().map_err(|e| e.to_string())?;
        Ok((projects, current))
    }
}

/// `jobs.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobsFile {
    /// Always [`SCHEMA`] when written.
    pub schema: u32,
    /// Oldest first.
    #[serde(default)]
    pub jobs: Vec<JobRecord>,
}

/// One render job.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobRecord {
    /// The render id.
    pub id: String,
    /// The session it renders.
    pub session_id: String,
    /// The project's name.
    pub project: String,
    /// Where the file goes.
    pub output: String,
    /// The digest of the draft it renders (absent in files written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_digest: Option<String>,
    /// Where it stands.
    pub state: StateRecord,
    /// Creation, Unix milliseconds.
    pub created_ms: u64,
    /// Last change, Unix milliseconds.
    pub updated_ms: u64,
}

/// A job's state, tagged by `kind`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum StateRecord {
    Submitting,
    Rendering { progress: u8 },
    Downloading { url: Option<String> },
    Done { bytes: u64 },
    Failed { reason: String },
    Cancelled,
}

impl JobsFile {
    /// The file for these jobs.
    #[must_use]
    pub fn from_domain(jobs: &[RenderJob]) -> Self {
        let jobs = jobs
            .iter()
            .map(|j| JobRecord {
                id: j.id.as_str().to_owned(),
                session_id: j.session_id.as_str().to_owned(),
                project: j.project.clone(),
                output: j.output.clone(),
                draft_digest: j.draft_digest.clone(),
                state: match &j.state {
                    JobState::Submitting => StateRecord::Submitting,
                    JobState::Rendering { progress } => StateRecord::Rendering { progress: *progress },
                    JobState::Downloading { url } => StateRecord::Downloading { url: url.clone() },
                    JobState::Done { bytes } => StateRecord::Done { bytes: *bytes },
                    JobState::Failed { reason } => StateRecord::Failed { reason: reason.clone() },
                    JobState::Cancelled => StateRecord::Cancelled,
                },
                created_ms: j.created.unix_ms(),
                updated_ms: j.updated.unix_ms(),
            })
            .collect();
        Self { schema: SCHEMA, jobs }
    }

    /// The jobs.
    ///
    /// # Errors
    /// Why the file's values are not valid.
    pub fn into_domain(self) -> Result<Vec<RenderJob>, String> {
        self.jobs
            .into_iter()
            .map(|r| {
                Ok(RenderJob {
                    id: RenderId::parse(r.id).map_err(|e| e.to_string())?,
                    session_id: SessionId::parse(r.session_id).map_err(|e| e.to_string())?,
                    project: r.project,
                    output: r.output,
                    draft_digest: r.draft_digest,
                    state: match r.state {
                        StateRecord::Submitting => JobState::Submitting,
                        StateRecord::Rendering { progress } => JobState::Rendering { progress },
                        StateRecord::Downloading { url } => JobState::Downloading { url },
                        StateRecord::Done { bytes } => JobState::Done { bytes },
                        StateRecord::Failed { reason } => JobState::Failed { reason },
                        StateRecord::Cancelled => JobState::Cancelled,
                    },
                    created: Timestamp::from_unix_ms(r.created_ms),
                    updated: Timestamp::from_unix_ms(r.updated_ms),
                })
            })
            .collect()
    }
}
