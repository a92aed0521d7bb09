//! `cargo xtask ci` and `cargo xtask deps`: what every submission must pass.

use crate::cargo;

/// Crates the pure core must never depend on (normal dependencies).
const FORBIDDEN_IN_CORE: &[&str] =
    &["tokio", "reqwest", "hyper", "nemo-fake", "nemo-http", "nemo-fake-cloud", "nemo-storage"];

/// Format check, clippy, the dependency check, the docs, every test.
pub fn ci() -> Result<(), String> {
    cargo::run(&["fmt", "--all", "--", "--check"])?;
    cargo::run(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    check_core_dependencies()?;
    cargo::run_with_env(&["doc", "--workspace", "--no-deps", "--locked"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    cargo::run(&["test", "--workspace", "--locked"])
}

/// Fails if `nemo-core`'s normal dependency tree holds any forbidden crate.
pub fn check_core_dependencies() -> Result<(), String> {
    let output = cargo::command()
        .args(["tree", "--package", "nemo-core", "--edges", "normal", "--prefix", "none", "--format", "{p}"])
        .output()
        .map_err(|e| format!("could not run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    let offenders: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| FORBIDDEN_IN_CORE.contains(name))
        .collect();
    if offenders.is_empty() {
        println!("xtask: nemo-core depends on none of {}", FORBIDDEN_IN_CORE.join(", "));
        Ok(())
    } else {
        Err(format!("nemo-core must stay pure, but depends on: {}", offenders.join(", ")))
    }
}
