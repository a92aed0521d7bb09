//! `cargo xtask man [DIR]`: man pages from the clap definitions — `nemoctl.1` and one per
//! command (`nemoctl-edit.1`, `nemoctl-config-set.1`, …) — written to DIR (default
//! `target/man`), one path printed a line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;

// Only the definitions are used here, not the helpers the CLI runs on.
#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("target/man"), PathBuf::from);
    match write_pages(&dir) {
        Ok(pages) => {
            for page in pages {
                println!("{}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: could not write the man pages to {}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes every page into `dir` (made if missing) and returns their paths, sorted.
fn write_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(cli::Cli::command(), dir)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "1"))
        .collect();
    pages.sort();
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_a_page_per_command_with_its_examples() {
        let dir = tempfile::tempdir().unwrap();
        let pages = write_pages(dir.path()).unwrap();
        let names: Vec<String> = pages.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert!(names.contains(&"nemoctl.1".to_owned()), "{names:?}");
        for command in cli::Cli::command().get_subcommands() {
            let page = format!("nemoctl-{}.1", command.get_name());
            assert!(names.contains(&page), "{page} in {names:?}");
        }
        let edit = std::fs::read_to_string(dir.path().join("nemoctl-edit.1")).unwrap();
        assert!(edit.contains(".TH nemoctl-edit 1") && edit.contains("Examples"), "{edit}");
    }
}
