//! The test suite, benchmarks and async example of [`cryptoapi`], kept in a workspace member
//! of their own so that the crate's examples build without their dependencies.
//!
//! * `tests/`: integration tests (Windows' vectors, streaming, compile-fail, cross-process,
//!   crash safety, concurrency, secrets wiping, fuzz corpus replay); run by `cargo test` at the
//!   repository root.
//! * `benches/`: criterion benchmarks, each beside its reference (`cargo bench -p
//!   cryptoapi-suite`).
//! * `examples/async_tokio.rs`: `cargo run -p cryptoapi-suite --example async_tokio`.
//!
//! This library itself is empty.
