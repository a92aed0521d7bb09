//! What an engine of a process that is gone left behind: its work directory under the system
//! temp directory (`nemo-engine-<pid>-<n>`, with a half-written render in it when the process
//! was killed). Removed by the next engine made, once the process is known to be gone.

use std::path::Path;

/// Removes every work directory in `temp` whose process is gone.
pub fn remove(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = owner(&name.to_string_lossy()) else { continue };
        if pid != std::process::id() && is_gone(pid) {
            // Best effort: another engine may be removing it at the same moment.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The process id in a work directory's name.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("nemo-engine-")?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Whether no process has this id (known on Linux through `/proc`; elsewhere never assumed).
fn is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_folders_of_processes_that_are_gone_are_removed() {
        let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let gone = temp.path().join(format!("nemo-engine-{}-0", u32::MAX - 7));
        let mine = temp.path().join(format!("nemo-engine-{}-0", std::process::id()));
        let other = temp.path().join("nemo-engine-notes");
        for dir in [&gone, &mine, &other] {
            std::fs::create_dir_all(dir.join("inner")).unwrap_or_else(|e| panic!("{e}"));
        }
        remove(temp.path());
        assert!(!gone.exists() && mine.exists() && other.exists());
        assert_eq!(
            (owner("nemo-engine-12-3"), owner("nemo-engine-x-3"), owner("nemo-engine-12")),
            (Some(12), None, None)
        );
    }
}
