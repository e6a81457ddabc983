//! `cargo fuzz run container_file`: see `fuzz/src/lib.rs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cryptoapi_fuzz::container_file(data));
