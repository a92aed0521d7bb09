//! The fuzz corpora replayed as plain tests: every file of `fuzz/corpus/<target>/` goes through
//! the same check as the cargo-fuzz target (`nemo-fuzz-checks`), so crashes found once stay
//! fixed and the corpora run in every `cargo test`, on stable, without cargo-fuzz.

use std::path::PathBuf;

/// Runs `check` on every file of one target's corpus; an empty or missing corpus fails.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{} holds only {} inputs", dir.display(), files.len());
    for file in files {
        let data = std::fs::read(&file).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails {target}: {:?}", file.display(), String::from_utf8_lossy(&data));
    }
}

#[test]
fn sse_decoder_corpus() {
    replay("sse_decoder", nemo_fuzz_checks::check_sse);
}

#[test]
fn draft_reader_corpus() {
    replay("draft_reader", nemo_fuzz_checks::check_draft);
}

#[test]
fn intent_router_corpus() {
    replay("intent_router", nemo_fuzz_checks::check_intent);
}
