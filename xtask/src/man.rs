//! `cargo xtask man [DIR]`: the man pages, `nemoctl.1` and one per command, written from the
//! clap definitions by nemoctl's `man` example (clap_mangen lives there, so the xtask stays
//! std only) into DIR, default `target/man`.

use std::path::Path;

/// Writes the pages.
pub fn run(args: &[String]) -> Result<(), String> {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/man");
    let dir = match args {
        [] => default.to_string_lossy().into_owned(),
        [dir] => std::path::absolute(dir).map_err(|e| format!("{dir}: {e}"))?.to_string_lossy().into_owned(),
        _ => return Err("usage: cargo xtask man [DIR]".into()),
    };
    super::cargo::run(&["run", "-q", "-p", "nemoctl", "--example", "man", "--", &dir])
}
