//! The SSE decoder (any chunking gives the same items) and the payload mapper (never a panic).
//! The check is `nemo_fuzz_checks::check_sse`, which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nemo_fuzz_checks::check_sse(data));
