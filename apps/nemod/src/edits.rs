//! The daemon's quick-edit jobs: [`EditJob`] (what was asked, how far it came, how it ended) and
//! [`EditBook`], their file `STATE/nemod/edits.json` (`"schema": 1`, through
//! `nemo_storage::Document`: atomic writes under the state lock, an unreadable file moved
//! aside). A job is written before each step acts on it; its render, once queued, is an export
//! job of `jobs.json` like any other (found by the edit's session and output).

use std::path::Path;

use nemo_core::error::Error;
use nemo_core::ids::SessionId;
use nemo_core::media::Accepts;
use nemo_core::model::RenderJob;
use nemo_core::service::{EditPlan, EditStage};
use nemo_core::time::Timestamp;
use nemo_daemon_client::wire::{JobKind, JobStatus, JobView};
use nemo_storage::{Document, SCHEMA};
use serde::{Deserialize, Serialize};

/// The file's name in the daemon's folder.
const FILE: &str = "edits.json";

/// Which step a quick edit takes next (the core's [`EditStage`] without its data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Start,
    Created,
    Instructing,
    Edited,
}

/// How a quick edit ended before its render took over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum EditEnd {
    /// A step failed.
    Failed {
        /// What happened.
        message: String,
        /// What to do next.
        hint: String,
        /// The exit code it means.
        exit: u8,
    },
    /// The user cancelled it.
    Cancelled,
}

impl EditEnd {
    /// The end a use-case failure means.
    #[must_use]
    pub fn failed(error: &Error) -> Self {
        Self::Failed { message: error.to_string(), hint: error.hint(), exit: error.exit().code() }
    }
}

/// A quick edit owned by the daemon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditJob {
    /// `edit_<ms>`, never reused.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// Absolute paths or URLs.
    pub sources: Vec<String>,
    /// The one instruction.
    pub instruction: String,
    /// Where the video goes (absolute).
    pub output: String,
    step: Step,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    changes: Vec<String>,
    /// How it ended, if it ended before its render.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<EditEnd>,
    created_ms: u64,
    updated_ms: u64,
}

impl EditJob {
    /// Where the edit stands.
    ///
    /// # Errors
    /// [`Error::Store`] when the saved session id is not one.
    pub fn stage(&self) -> Result<EditStage, Error> {
        let session = || {
            let id = self.session_id.as_deref().unwrap_or_default();
            SessionId::parse(id).map_err(|e| Error::Store(format!("edit {}: bad session id: {e}", self.id)))
        };
        Ok(match self.step {
            Step::Start => EditStage::Start,
            Step::Created => EditStage::Created { session_id: session()? },
            Step::Instructing => EditStage::Instructing { session_id: session()? },
            Step::Edited => {
                EditStage::Edited { session_id: session()?, text: self.text.clone(), changes: self.changes.clone() }
            }
        })
    }

    /// Moves the edit to `stage` at `now` (to be saved before the next step acts).
    pub fn set_stage(&mut self, stage: &EditStage, now: Timestamp) {
        self.step = match stage {
            EditStage::Start => Step::Start,
            EditStage::Created { .. } => Step::Created,
            EditStage::Instructing { .. } => Step::Instructing,
            EditStage::Edited { text, changes, .. } => {
                self.text.clone_from(text);
                self.changes.clone_from(changes);
                Step::Edited
            }
        };
        self.session_id = stage.session_id().map(ToString::to_string);
        self.updated_ms = now.unix_ms();
    }

    /// Ends the edit at `now`.
    pub fn finish(&mut self, end: EditEnd, now: Timestamp) {
        self.end = Some(end);
        self.updated_ms = now.unix_ms();
    }

    /// Ends the edit as failed at `now`, keeping what the editor said before it failed (it
    /// may explain why, as when the instruction changed nothing).
    pub fn fail(&mut self, error: &Error, answer: &str, now: Timestamp) {
        if self.step != Step::Edited {
            answer.clone_into(&mut self.text);
        }
        self.finish(EditEnd::failed(error), now);
    }

    /// When it was asked for.
    #[must_use]
    pub fn created(&self) -> Timestamp {
        Timestamp::from_unix_ms(self.created_ms)
    }

    /// When it last changed.
    #[must_use]
    pub fn updated(&self) -> Timestamp {
        Timestamp::from_unix_ms(self.updated_ms)
    }

    /// The render among `renders` that carries this edit's export, once queued: the export of
    /// the edit's session to its output (the session is the edit's own, so there is one).
    #[must_use]
    pub fn render_in<'a>(&self, renders: &'a [RenderJob]) -> Option<&'a RenderJob> {
        let session = self.session_id.as_deref()?;
        renders.iter().rev().find(|r| r.session_id.as_str() == session && r.output == self.output)
    }

    /// The job as the API shows it; once its render is queued, the render's state is its own.
    #[must_use]
    pub fn view(&self, render: Option<&RenderJob>) -> JobView {
        let render = render.map(JobView::of);
        let (state, reason, hint, exit) = match (&self.end, &render) {
            (Some(EditEnd::Failed { message, hint, exit }), _) => {
                (JobStatus::Failed, Some(message.clone()), Some(hint.clone()), Some(*exit))
            }
            (Some(EditEnd::Cancelled), None) => (JobStatus::Cancelled, None, None, None),
            (_, Some(render)) => (render.state, render.reason.clone(), None, None),
            (None, None) => (JobStatus::Editing, None, None, None),
        };
        let step = match self.step {
            Step::Start => "creating the project",
            Step::Created => "uploading the files",
            Step::Instructing => "sending the instruction",
            Step::Edited => "queuing the render",
        };
        let edited = self.step == Step::Edited;
        let render_updated = render.as_ref().and_then(|r| Timestamp::parse_rfc3339(&r.updated).ok());
        JobView {
            id: self.id.clone(),
            kind: JobKind::Edit,
            project: self.name.clone(),
            session_id: self.session_id.clone().unwrap_or_default(),
            output: self.output.clone(),
            state,
            progress: render.as_ref().and_then(|r| r.progress),
            bytes: render.as_ref().and_then(|r| r.bytes),
            reason,
            hint,
            exit,
            step: (state == JobStatus::Editing).then(|| step.to_owned()),
            render_id: render.as_ref().map(|r| r.id.clone()),
            text: (edited || !self.text.is_empty()).then(|| self.text.clone()),
            changes: if edited { self.changes.clone() } else { Vec::new() },
            created: self.created().to_rfc3339(),
            updated: render_updated.map_or(self.updated(), |r| r.max(self.updated())).to_rfc3339(),
        }
    }

    /// The plan, its files checked again (they may have gone since the edit was asked for),
    /// `extra`: the kinds the backend takes beyond the service's.
    ///
    /// # Errors
    /// [`Error::MediaRefused`], [`Error::FileUnreadable`].
    pub fn plan(&self, accepts: &Accepts) -> Result<EditPlan, Error> {
        let sources =
            self.sources.iter().map(|source| nemo_storage::check_source(source, accepts)).collect::<Result<_, _>>()?;
        Ok(EditPlan {
            name: self.name.clone(),
            sources,
            instruction: self.instruction.clone(),
            output: self.output.clone(),
        })
    }
}

/// What a new quick edit is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEdit {
    /// The project's name.
    pub name: String,
    /// Absolute paths or URLs, already checked.
    pub sources: Vec<String>,
    /// The instruction.
    pub instruction: String,
    /// The output (absolute).
    pub output: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct EditsFile {
    schema: u32,
    edits: Vec<EditJob>,
}

impl Default for EditsFile {
    fn default() -> Self {
        Self { schema: SCHEMA, edits: Vec::new() }
    }
}

/// The quick-edit jobs on disk.
#[derive(Debug, Clone)]
pub struct EditBook {
    file: Document,
}

impl EditBook {
    /// The book in the daemon's folder `dir`.
    #[must_use]
    pub fn new(dir: &Path) -> Self {
        Self { file: Document::new(dir, FILE) }
    }

    /// Every edit, oldest first.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn all(&self) -> Result<Vec<EditJob>, Error> {
        let file = self.file.load::<EditsFile>().map_err(|e| Error::Store(e.0))?;
        Ok(file.map(|f| f.edits).unwrap_or_default())
    }

    /// The edit with this id.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn find(&self, id: &str) -> Result<Option<EditJob>, Error> {
        Ok(self.all()?.into_iter().find(|job| job.id == id))
    }

    /// Saves a new edit at its start, under an id no edit had (`edit_<ms>`, after the newest).
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn create(&self, edit: NewEdit, now: Timestamp) -> Result<EditJob, Error> {
        self.file
            .update(|file: &mut EditsFile| {
                let newest = file.edits.iter().map(|job| job.created_ms).max();
                let ms = newest.map_or(now.unix_ms(), |newest| now.unix_ms().max(newest + 1));
                let job = EditJob {
                    id: format!("edit_{ms}"),
                    name: edit.name,
                    sources: edit.sources,
                    instruction: edit.instruction,
                    output: edit.output,
                    step: Step::Start,
                    session_id: None,
                    text: String::new(),
                    changes: Vec::new(),
                    end: None,
                    created_ms: ms,
                    updated_ms: ms,
                };
                file.edits.push(job.clone());
                job
            })
            .map_err(|e| Error::Store(e.0))
    }

    /// Writes `job` over the saved edit with its id.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn save(&self, job: &EditJob) -> Result<(), Error> {
        self.file
            .update(|file: &mut EditsFile| match file.edits.iter_mut().find(|saved| saved.id == job.id) {
                Some(saved) => saved.clone_from(job),
                None => file.edits.push(job.clone()),
            })
            .map_err(|e| Error::Store(e.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_edit() -> NewEdit {
        NewEdit {
            name: "clip".into(),
            sources: vec!["/w/clip.mp4".into()],
            instruction: "add a title 'Hi'".into(),
            output: "/w/out.mp4".into(),
        }
    }

    #[test]
    fn edits_are_saved_with_ids_never_reused_and_read_back_at_their_stage() {
        let dir = tempfile::tempdir().unwrap();
        let book = EditBook::new(dir.path());
        let now = Timestamp::from_unix_ms(1000);
        let first = book.create(new_edit(), now).unwrap();
        let second = book.create(new_edit(), now).unwrap();
        assert_eq!((first.id.as_str(), second.id.as_str()), ("edit_1000", "edit_1001"));

        let mut job = first;
        let session_id = SessionId::parse("s1").unwrap();
        let edited = EditStage::Edited { session_id, text: String::new(), changes: vec!["Title added".into()] };
        job.set_stage(&edited, Timestamp::from_unix_ms(2000));
        book.save(&job).unwrap();

        let saved = book.find("edit_1000").unwrap().unwrap();
        assert_eq!(saved.stage().unwrap(), edited);
        assert_eq!(saved.updated().unix_ms(), 2000);
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains(r#""schema": 1"#), "{text}");
    }
}
