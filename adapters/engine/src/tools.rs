//! Finding ffmpeg and ffprobe: `NEMO_FFMPEG` / `NEMO_FFPROBE` when set, else the first match
//! on `PATH`. A missing tool is an [`EngineError::MissingTool`] that says how to install it.
//! Also `setpriv` (util-linux, on every Linux), when there is one: a render is started
//! through it with a parent-death signal, so ffmpeg dies with the process that started it,
//! however that process ends (SIGKILL included) — std has no safe way to ask for that.

use std::env;
use std::path::{Path, PathBuf};

use nemo_editor::EngineError;

/// How to install the tools, for the missing-tool error.
pub const INSTALL_HINT: &str = "install it with `sudo apt-get install ffmpeg` (Debian, Ubuntu), \
`brew install ffmpeg` (macOS) or from https://ffmpeg.org/download.html, or point NEMO_FFMPEG and \
NEMO_FFPROBE at the programs";

/// The two programs the engine runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    /// ffmpeg: silence detection and rendering.
    pub ffmpeg: PathBuf,
    /// ffprobe: probing.
    pub ffprobe: PathBuf,
    /// `setpriv`, to start a render that dies with its parent; `None` where there is none.
    pub reaper: Option<PathBuf>,
}

impl Tools {
    /// Finds both programs.
    ///
    /// # Errors
    /// [`EngineError::MissingTool`] naming the first one missing.
    pub fn find() -> Result<Self, EngineError> {
        Ok(Self {
            ffmpeg: find("ffmpeg", "NEMO_FFMPEG")?,
            ffprobe: find("ffprobe", "NEMO_FFPROBE")?,
            reaper: find("setpriv", "NEMO_SETPRIV").ok(),
        })
    }

    /// The command that runs ffmpeg for a render: through the reaper when there is one, so
    /// that ffmpeg is killed when the thread that started it (the process's) is gone.
    #[must_use]
    pub fn render_command(&self) -> std::process::Command {
        match &self.reaper {
            Some(reaper) => {
                let mut command = std::process::Command::new(reaper);
                command.args(["--pdeathsig", "KILL", "--"]).arg(&self.ffmpeg);
                command
            }
            None => std::process::Command::new(&self.ffmpeg),
        }
    }
}

/// One program: the variable's value (which must exist), else a search of `PATH`.
fn find(name: &str, variable: &str) -> Result<PathBuf, EngineError> {
    if let Some(value) = env::var_os(variable).filter(|value| !value.is_empty()) {
        let path = PathBuf::from(value);
        return if is_program(&path) {
            Ok(path)
        } else {
            Err(EngineError::MissingTool(format!(
                "{variable} is set to {}, which is not a program; {INSTALL_HINT}",
                path.display()
            )))
        };
    }
    env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).map(|dir| dir.join(name)).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|path| is_program(path))
        .ok_or_else(|| {
            EngineError::MissingTool(format!(
                "{name} was not found on PATH; the offline engine edits and renders with ffmpeg: {INSTALL_HINT}"
            ))
        })
}

fn is_program(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_says_how_to_install_it() {
        let Err(EngineError::MissingTool(text)) = find("no-such-program-nemo", "NEMO_TEST_UNSET_VARIABLE") else {
            panic!("found a program that cannot exist");
        };
        assert!(text.contains("no-such-program-nemo was not found on PATH"), "{text}");
        assert!(text.contains("apt-get install ffmpeg"), "{text}");
    }
}
