//! The quick edit — new project, upload, one instruction, export — as one use case, so the CLI's
//! `edit`, its `batch` and any other driver share its one rule: an instruction that leaves the
//! timeline as it was is not exported (the user asked for an edit, not a copy of the input).

use super::{ExportReport, Nemo, TurnReport, UploadSource};
use crate::error::Error;
use crate::ports::{Backend, Clock, Progress, Store};

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// Creates project `name`, uploads `sources` (already checked), sends `instruction` once
    /// and exports the result to `output`.
    ///
    /// # Errors
    /// The first failing step's error; [`Error::InstructionChangedNothing`] when the turn left
    /// the timeline as it was (then nothing is rendered).
    pub async fn quick_edit(
        &self,
        name: &str,
        sources: &[UploadSource],
        instruction: &str,
        output: &str,
        progress: &dyn Progress,
    ) -> Result<(TurnReport, ExportReport), Error> {
        self.new_project(name, progress).await?;
        self.upload(sources, progress).await?;
        let turn = self.chat(instruction, progress).await?;
        if turn.changes.is_empty() {
            return Err(Error::InstructionChangedNothing);
        }
        let export = self.export(output, progress).await?;
        Ok((turn, export))
    }
}
