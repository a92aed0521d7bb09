//! The intent router and the GUI translation: any text, one intent, never a panic.
//! The check is `nemo_fuzz_checks::check_intent`, which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nemo_fuzz_checks::check_intent(data));
