//! What Windows answers with a run-time `ERROR_INVALID_PARAMETER` (a released, stale or
//! duplicated handle) must not compile here. Each program under `tests/ui/` misuses a provider,
//! key or hash, and its `.stderr` file pins the compiler's exact error.
//!
//! The owned forms (`Key::into_owned`, `Hash::into_owned`) must compile where the borrowed
//! ones do not: the programs under `tests/ui-pass/` build and run.
//!
//! After an intended change of the messages (a new compiler, say), regenerate them with
//! `TRYBUILD=overwrite cargo test --test compile_fail` and read every `.stderr` diff.

#[test]
fn misuse_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
