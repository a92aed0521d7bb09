//! The interactive chat's prompt: a real line editor (rustyline: arrows, editing, history
//! search) with the history kept in `STATE/chat_history`. Ctrl-C at the prompt clears the
//! line; Ctrl-D on an empty line leaves.

use std::path::{Path, PathBuf};

use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use crate::failure::CliError;

/// What the prompt shows.
const PROMPT: &str = "nemo> ";

/// The history file, in the state directory.
pub fn history_file(state_dir: &Path) -> PathBuf {
    state_dir.join("chat_history")
}

/// The line editor and where its history lives.
pub struct Prompt {
    editor: DefaultEditor,
    history: PathBuf,
}

impl Prompt {
    /// A prompt with the history of earlier sessions.
    ///
    /// # Errors
    /// [`CliError::Input`] when the terminal cannot be used.
    pub fn open(state_dir: &Path) -> Result<Self, CliError> {
        let mut editor = DefaultEditor::new().map_err(terminal_error)?;
        let history = history_file(state_dir);
        // No history yet (or an unreadable one) is a fresh start, not a failure.
        let _ = editor.load_history(&history);
        Ok(Self { editor, history })
    }

    /// The next message: `None` at Ctrl-D. Ctrl-C clears the line and asks again; a message is
    /// added to the history (kept on disk at once, so a closed terminal loses none).
    ///
    /// # Errors
    /// [`CliError::Input`] when the terminal cannot be read.
    pub fn next(&mut self) -> Result<Option<String>, CliError> {
        loop {
            match self.editor.readline(PROMPT) {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => {
                    let line = line.trim().to_owned();
                    self.remember(&line);
                    return Ok(Some(line));
                }
                Err(ReadlineError::Interrupted) => {}
                Err(ReadlineError::Eof) => return Ok(None),
                Err(error) => return Err(terminal_error(error)),
            }
        }
    }

    fn remember(&mut self, line: &str) {
        // A history that cannot be written costs the next session its arrows, nothing more.
        if self.editor.add_history_entry(line).unwrap_or(false) {
            if let Some(dir) = self.history.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = self.editor.append_history(&self.history);
        }
    }
}

fn terminal_error(error: ReadlineError) -> CliError {
    CliError::Input(format!("the terminal: {error}"))
}
