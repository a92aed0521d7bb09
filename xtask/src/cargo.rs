//! Running cargo itself: the one the xtask was started with, echoing each command.

use std::env;
use std::process::Command;

/// Runs `cargo ARGS` with extra environment variables; an error names the failed command.
pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let status =
        command().args(args).envs(env.iter().copied()).status().map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed", args.join(" "))) }
}

/// Runs `cargo ARGS`.
pub fn run(args: &[&str]) -> Result<(), String> {
    run_with_env(args, &[])
}

/// A `cargo` command, not yet run.
pub fn command() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}
