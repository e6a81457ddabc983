//! `cargo fuzz run prov_params`: see `fuzz/src/lib.rs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cryptoapi_fuzz::prov_params(data));
