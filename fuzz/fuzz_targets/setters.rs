//! `cargo fuzz run setters`: see `fuzz/src/lib.rs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cryptoapi_fuzz::setters(data));
