//! The draft reader: any text through `Draft::from_json`, and every reading of what parses.
//! The check is `nemo_fuzz_checks::check_draft`, which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nemo_fuzz_checks::check_draft(data));
