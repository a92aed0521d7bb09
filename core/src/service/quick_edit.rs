//! The quick edit — new project, upload, one instruction, export — as one use case, so the CLI's
//! `edit`, its `batch` and nemod's edit jobs share its rules: an instruction that leaves the
//! timeline as it was is not exported (the user asked for an edit, not a copy of the input), and
//! the instruction is sent at most once.
//!
//! It runs as steps over an [`EditStage`], so that a driver that must survive a crash (nemod)
//! can save each stage before the step that acts on it, and tell after a restart what a stage
//! found again means ([`EditStage::after_restart`]). [`Nemo::quick_edit`] runs every step in
//! one go and exports in the foreground.

use super::{ExportReport, Nemo, UploadSource};
use crate::error::Error;
use crate::ids::SessionId;
use crate::ports::{Backend, Clock, Progress, Store};

/// What a quick edit is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    /// The new project's name.
    pub name: String,
    /// The media to upload (already checked).
    pub sources: Vec<UploadSource>,
    /// The one instruction.
    pub instruction: String,
    /// Where the video goes.
    pub output: String,
}

/// How far a quick edit has come. Each stage names the step that comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditStage {
    /// Nothing done yet: the project is created next.
    Start,
    /// The project exists: the files are uploaded next.
    Created {
        /// The new project's session.
        session_id: SessionId,
    },
    /// The files are uploaded: the instruction is sent next, once. Found again after a restart,
    /// it may have been sent already.
    Instructing {
        /// The project's session.
        session_id: SessionId,
    },
    /// The instruction changed the timeline: the project is exported next (by the caller, who
    /// decides whether the render runs in the foreground or as a job).
    Edited {
        /// The project's session.
        session_id: SessionId,
        /// The editor's answer (empty for a silent edit).
        text: String,
        /// The changes, in sentences (never empty).
        changes: Vec<String>,
    },
}

impl EditStage {
    /// The project's session, once it exists.
    #[must_use]
    pub fn session_id(&self) -> Option<&SessionId> {
        match self {
            Self::Start => None,
            Self::Created { session_id } | Self::Instructing { session_id } | Self::Edited { session_id, .. } => {
                Some(session_id)
            }
        }
    }

    /// What a stage found saved after a restart means: a step that was under way is done
    /// again, except the instruction — it may have reached the editor, and a chat message is
    /// never sent twice.
    ///
    /// # Errors
    /// [`Error::EditInterrupted`] for [`EditStage::Instructing`].
    pub fn after_restart(self) -> Result<Self, Error> {
        match self {
            Self::Instructing { session_id } => Err(Error::EditInterrupted { session_id }),
            other => Ok(other),
        }
    }
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// The quick edit in one go: creates project `plan.name`, uploads its sources, sends the
    /// instruction once and exports the result to `plan.output`. Returns the changes and the
    /// export.
    ///
    /// # Errors
    /// The first failing step's error; [`Error::InstructionChangedNothing`] when the turn left
    /// the timeline as it was (then nothing is rendered).
    pub async fn quick_edit(
        &self,
        plan: &EditPlan,
        progress: &dyn Progress,
    ) -> Result<(Vec<String>, ExportReport), Error> {
        let mut stage = EditStage::Start;
        let changes = loop {
            stage = match stage {
                EditStage::Edited { changes, .. } => break changes,
                other => self.quick_edit_step(plan, other, progress).await?,
            };
        };
        let export = self.export(&plan.output, progress).await?;
        Ok((changes, export))
    }

    /// Takes the step `stage` names and returns the next stage; [`EditStage::Edited`] is
    /// returned as it is (the export is the caller's). The upload and the instruction go to
    /// the current project, which [`EditStage::Start`]'s step makes the new one (a driver
    /// resuming a later stage selects `stage.session_id()` first).
    ///
    /// # Errors
    /// The step's error; [`Error::InstructionChangedNothing`] when the instruction left the
    /// timeline as it was.
    pub async fn quick_edit_step(
        &self,
        plan: &EditPlan,
        stage: EditStage,
        progress: &dyn Progress,
    ) -> Result<EditStage, Error> {
        match stage {
            EditStage::Start => {
                let project = self.new_project(&plan.name, progress).await?;
                Ok(EditStage::Created { session_id: project.session_id })
            }
            EditStage::Created { session_id } => {
                self.upload(&plan.sources, progress).await?;
                Ok(EditStage::Instructing { session_id })
            }
            EditStage::Instructing { session_id } => {
                let turn = self.chat(&plan.instruction, progress).await?;
                if turn.changes.is_empty() {
                    return Err(Error::InstructionChangedNothing);
                }
                Ok(EditStage::Edited { session_id, text: turn.text, changes: turn.changes })
            }
            edited @ EditStage::Edited { .. } => Ok(edited),
        }
    }
}
