//! `cargo xtask <task>`: the one entry point for the repository's automation (no Makefile, no
//! shell zoo). Std only, so it builds in a second.

use std::env;
use std::process::{Command, ExitCode};

/// Crates the pure core must never depend on (normal dependencies).
const FORBIDDEN_IN_CORE: &[&str] = &["tokio", "reqwest", "hyper", "nemo-fake", "nemo-http"];

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci     format check, clippy -D warnings, the core's dependency check, docs without broken
         links, and every test
  deps   only the dependency check: nemo-core must not depend on tokio, reqwest, hyper or an adapter
";

fn main() -> ExitCode {
    let task = env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("deps") => check_core_dependencies(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    check_core_dependencies()?;
    cargo_with_env(&["doc", "--workspace", "--no-deps", "--locked"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    cargo(&["test", "--workspace", "--locked"])
}

/// Fails if `nemo-core`'s normal dependency tree holds any forbidden crate.
fn check_core_dependencies() -> Result<(), String> {
    let output = Command::new(cargo_bin())
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

fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_with_env(args, &[])
}

fn cargo_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let status = Command::new(cargo_bin())
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed", args.join(" "))) }
}

fn cargo_bin() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
