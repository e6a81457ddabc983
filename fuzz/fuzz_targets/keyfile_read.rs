//! `cargo fuzz run keyfile_read`: see `fuzz/src/lib.rs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cryptoapi_fuzz::keyfile_read(data));
