//! `cargo fuzz run decrypt`: see `fuzz/src/lib.rs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cryptoapi_fuzz::decrypt(data));
