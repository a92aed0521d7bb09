//! `cargo xtask bench`: every benchmark, each measured side by side with what a user would
//! otherwise run, in the same run, written to `BENCHMARKS.md` as medians, ranges and ratios.
//! Nothing here asserts a time: the numbers are reported, never tested.

mod criterion;
mod daemon;
mod edit;
mod fake_cloud;
mod measure;
mod offline;
mod poll;
mod quality;
mod report;
mod smart;
mod transfer;

use std::path::{Path, PathBuf};

use crate::cargo;
use report::Report;

/// How big and how often.
pub struct Plan {
    /// Size of the transfer benchmark's file.
    pub transfer_mb: u64,
    /// Runs of each whole-process measurement.
    pub runs: usize,
    /// Whether criterion runs its quick mode.
    pub quick: bool,
}

/// The sections, by the names that select them (`cargo xtask bench poll daemon`).
const SECTIONS: [&str; 7] = ["edit", "poll", "offline", "smart", "daemon", "transfer", "sse"];

/// Runs every benchmark and writes `BENCHMARKS.md` at the repository root; given section
/// names, runs only those and prints their part of the report instead.
pub fn run(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let only: Vec<&str> = args.iter().map(String::as_str).filter(|a| *a != "--quick").collect();
    if let Some(unknown) = only.iter().find(|name| !SECTIONS.contains(name)) {
        return Err(format!("no benchmark section {unknown:?}; the sections: {}", SECTIONS.join(", ")));
    }
    let wanted = |name: &str| only.is_empty() || only.contains(&name);
    let plan = if quick { Plan { transfer_mb: 16, runs: 1, quick } } else { Plan { transfer_mb: 400, runs: 5, quick } };
    measure::check_tools()?;
    cargo::run(&[
        "build",
        "--release",
        "--locked",
        "-p",
        "nemod",
        "-p",
        "nemoctl",
        "-p",
        "nemo-http",
        "--examples",
        "--bins",
    ])?;
    let root = workspace_root()?;
    let bin = release_dir(&root);
    let scratch = Scratch::new()?;
    let mut report = Report::new(&plan);
    if wanted("edit") {
        edit::run(&plan, &bin, &root, scratch.path(), &mut report)?;
    }
    if wanted("poll") {
        poll::run(&plan, &bin, &root, scratch.path(), &mut report)?;
    }
    if wanted("offline") {
        offline::run(&plan, &bin, &root, scratch.path(), &mut report)?;
    }
    if wanted("smart") {
        smart::run(&plan, &bin, scratch.path(), &mut report)?;
    }
    if wanted("daemon") {
        daemon::run(&plan, &bin, &mut report)?;
    }
    if wanted("transfer") {
        transfer::run(&plan, &bin, scratch.path(), &mut report)?;
    }
    if wanted("sse") {
        criterion::sse(&plan, &mut report)?;
    }
    if !only.is_empty() {
        print!("{}", report.render());
        return Ok(());
    }
    let out = root.join("BENCHMARKS.md");
    std::fs::write(&out, report.render()).map_err(|e| format!("could not write {}: {e}", out.display()))?;
    println!("xtask: wrote {}", out.display());
    Ok(())
}

/// The repository root: the parent of this crate's manifest directory.
fn workspace_root() -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).ok_or_else(|| "xtask has no parent directory".to_owned())
}

/// Where `cargo build --release` put the binaries (honours `CARGO_TARGET_DIR`).
fn release_dir(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    target.join("release")
}

/// A temporary directory removed when the benchmark ends, however it ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("nemo-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        Ok(Self(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
