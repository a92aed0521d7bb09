//! `cargo xtask <task>`: the one entry point for the repository's automation (no Makefile, no
//! shell zoo). Std only, so it builds in a second.

mod bench;
mod cargo;
mod ci;
mod fuzz;
mod man;
mod sample;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci       format check, clippy -D warnings, the core's dependency check, docs without broken
           links, the fuzz targets build, every test (the fuzz corpora replayed among them), and
           the cheap properties at 10^5 cases each in release
  deps     only the dependency checks: nemo-core depends on no workspace crate (by path) and not on
           tokio, reqwest or hyper; nemo-engine does not depend on the fake, not even for tests
  bench    every benchmark, side by side with what a user would otherwise run (curl), written
           to BENCHMARKS.md; `bench --quick` uses small files and one run (a smoke test);
           `bench SECTION...` (edit, poll, offline, smart, daemon, transfer, sse) prints only
           those, BENCHMARKS.md untouched
  fuzz     `fuzz TARGET [SECONDS]`: run a cargo-fuzz target (sse_decoder, draft_reader,
           intent_router) on its corpus for SECONDS (default 600); needs cargo-fuzz
  man      `man [DIR]`: nemoctl's man pages, one per command, from its clap definitions, into
           DIR (default target/man)
  sample   regenerate samples/clip.mp4 with ffmpeg (the command in samples/README.md)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::ci(),
        Some("deps") => ci::check_core_dependencies(),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("man") => man::run(&args[1..]),
        Some("sample") => sample::run(),
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
