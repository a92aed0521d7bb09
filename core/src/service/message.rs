//! One chat message, routed by [`crate::intent::route`] and carried out: credits, the track
//! summary, an upload or a chat turn — or an export, which is handed back to the caller, who
//! decides where the file goes and who follows the render (nemoctl in the foreground, nemod as
//! a job). nemoctl's `chat` and nemod's chat route both use it, so a message means the same
//! with or without the daemon.

use super::{Nemo, TracksReport, TurnReport, check_file};
use crate::error::Error;
use crate::intent::{Intent, route};
use crate::model::{Asset, Credits, Project};
use crate::ports::{Backend, Clock, Progress, Store};

/// The name of the project a message creates when none is selected.
pub const NEW_PROJECT: &str = "untitled";

/// A local file a message names, as the caller found it on disk (the core reads no disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// The path to upload from (resolved by the caller: `~/`, a working directory).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What a message came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A chat turn with the editor.
    Turn(TurnReport),
    /// The credit balance.
    Credits(Credits),
    /// The timeline summary.
    Tracks(TracksReport),
    /// The files and URLs the message named, uploaded.
    Uploaded(Vec<Asset>),
    /// "upload" without naming anything: nothing was sent.
    NothingToUpload,
    /// An export of this project, for the caller to run.
    Export(Project),
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// Routes `text` and carries it out. `find` tells which tokens of the message name an
    /// existing local file (asked only about tokens with a media extension). Every intent but
    /// credits and uploads (which name their own) work on the current project, created as
    /// [`NEW_PROJECT`] when none is selected.
    ///
    /// # Errors
    /// The intent's use case's errors; a named file refused before anything is sent.
    pub async fn message(
        &self,
        text: &str,
        find: &(dyn Fn(&str) -> Option<FoundFile> + Sync),
        progress: &dyn Progress,
    ) -> Result<Outcome, Error> {
        Ok(match route(text, &|token| find(token).is_some()) {
            Intent::Credits => Outcome::Credits(self.credits(progress).await?),
            Intent::Upload { sources } if sources.is_empty() => Outcome::NothingToUpload,
            Intent::Upload { sources } => {
                let checked = sources
                    .iter()
                    .map(|source| match find(source) {
                        Some(file) => check_file(&file.path, Some(file.size)),
                        None => check_file(source, None),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Outcome::Uploaded(self.upload(&checked, progress).await?)
            }
            Intent::Export => Outcome::Export(self.current_or_new_project(NEW_PROJECT, progress).await?),
            Intent::Tracks => {
                self.current_or_new_project(NEW_PROJECT, progress).await?;
                Outcome::Tracks(self.tracks(progress).await?)
            }
            Intent::Chat => {
                self.current_or_new_project(NEW_PROJECT, progress).await?;
                Outcome::Turn(self.chat(text, progress).await?)
            }
        })
    }
}
