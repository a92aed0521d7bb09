//! `cargo xtask fuzz TARGET [SECONDS]`: runs one cargo-fuzz target (libFuzzer) on its committed
//! corpus, which grows in place; see `fuzz/Cargo.toml` for the targets.

use std::path::Path;

use crate::cargo;

/// The cargo-fuzz targets of `fuzz/`.
pub const TARGETS: &[&str] = &["sse_decoder", "draft_reader", "intent_router"];

/// Ten minutes, the minimum run per target.
const DEFAULT_SECONDS: u64 = 600;

/// Runs `cargo fuzz run TARGET` for SECONDS (one job: the machine is shared).
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(target) = args.first().filter(|t| TARGETS.contains(&t.as_str())) else {
        return Err(format!("usage: cargo xtask fuzz TARGET [SECONDS], TARGET one of {}", TARGETS.join(", ")));
    };
    let seconds = match args.get(1) {
        Some(text) => text.parse::<u64>().map_err(|_| format!("SECONDS must be a whole number, not {text:?}"))?,
        None => DEFAULT_SECONDS,
    };
    let installed = cargo::command().args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-fuzz is missing: install it with `cargo install cargo-fuzz --locked`".into());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = format!("fuzz/corpus/{target}");
    let max_time = format!("-max_total_time={seconds}");
    // cargo-fuzz passes nightly flags to rustc; RUSTC_BOOTSTRAP lets the stable toolchain take
    // them. No sanitizer: the workspace forbids unsafe code, the checks look for panics, and
    // AddressSanitizer would halve the executions per second. Debug assertions on, so that an
    // arithmetic overflow panics as it does under `cargo test`.
    let args = ["fuzz", "run", "--sanitizer", "none", "--debug-assertions", target, &corpus, "--", &max_time];
    eprintln!("xtask: cargo {} (in {})", args.join(" "), root.display());
    let status = cargo::command()
        .current_dir(&root)
        .args(args)
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    if status.success() {
        println!("xtask: {target} ran {seconds} s without a failure; minimize with `cargo fuzz cmin {target}`");
        Ok(())
    } else {
        Err(format!(
            "{target} failed: the input is in fuzz/artifacts/{target}/; add it to {corpus} with a regression test"
        ))
    }
}
