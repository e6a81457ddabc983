//! The cryptography of Microsoft's DSS and Diffie-Hellman providers (`MS_DEF_DSS_PROV`,
//! `MS_DEF_DSS_DH_PROV`, `MS_ENH_DSS_DH_PROV`, `MS_DEF_DH_SCHANNEL_PROV`): DSA as FIPS 186-2
//! defines it, Diffie-Hellman agreement, and their key BLOBs.
//!
//! **Not part of the public API.** Everything here is crate-internal (`pub(crate)`) and pure:
//! keys are values, blobs are bytes, and the provider layer decides which provider offers what.
//! The module is public, and hidden, only for [`harness`], the face the test suite and the
//! fuzz targets (separate crates) reach it through. The pieces:
//!
//! * `DsaParams` and `DsaKey`: FIPS 186-2 domain parameters (512 to 1024 bits, made from a
//!   SEED so that the `DSSSEED` verifies, see `verify_seed`), key pairs, signatures in Windows'
//!   format (r then s, each 20 bytes little-endian) over SHA-1 values only (`signing_hash`).
//! * `DhKey`: Diffie-Hellman key pairs in 512- to 4096-bit groups, generated (a FIPS 186-2
//!   group) or in a given group (`KP_P`, `KP_G`, `KP_Q`), and the raw shared secret.
//! * `parse` / `serialize` over `DlBlob`: the eight BLOB layouts ("DSS1" to "DSS4", "DH1" to
//!   "DH4"), strict and byte-exact.
//!
//! The arithmetic is this crate's own (`arith`), over `crypto-bigint`'s constant-time
//! fixed-size integers, as for RSA: private values (x, each signature's k, the shared secret)
//! live in structures and buffers wiped on drop, and every operation on them is constant-time
//! (see `arith`'s module docs for the details and the limits: stack copies and registers are
//! beyond safe Rust's reach).
//!
//! # Windows compatibility
//!
//! * The BLOB layouts are Microsoft's documented ones, checked byte for byte against the
//!   blobs that Wine's dssenh conformance tests import and export on Windows, and against
//!   .NET's `DSACryptoServiceProvider` test blobs (`suite/tests/dssenh_blobs.rs`); the
//!   `DSSSEED` seed is the FIPS SEED reversed (little-endian), as those blobs show.
//! * The `aiKeyAlg` of the recorded blobs is `CALG_DSS_SIGN` (0x2200), for `AT_SIGNATURE`
//!   keys too. DH blobs take `CALG_DH_SF` (0xAA01) or `CALG_DH_EPHEM` (0xAA02).
//! * Signatures are 40 bytes, r then s, each little-endian: what dssenh.c expects of
//!   `CryptSignHash`, and what .NET's `CapiHelper` reverses, half by half, into the standard
//!   big-endian r ‖ s. Two signatures of the same hash differ (dssenh.c checks it).
//! * The groups dssenh.c sets with `KP_P` / `KP_G` are little-endian 512-bit primes.

// The provider layer (`key::dl`, `hash::sign`) uses part of this API; the rest (fixed-nonce
// signing, seed verification, the blob constants, ...) serves the tests and the hidden harness.
#![allow(
    dead_code,
    reason = "part of this API is reached only by the tests and the hidden harness"
)]

mod arith;
mod blob;
mod dh;
mod dsa;
#[doc(hidden)]
pub mod harness;

use crate::alg::AlgId;

// The provider's view of this module; some of it only the tests and the harness call.
#[allow(
    unused_imports,
    reason = "part of this API is reached only by the tests and the hidden harness"
)]
pub(crate) use blob::{
    BLOB_VERSION_2, BLOB_VERSION_3, DH1, DH2, DH3, DH4, DSS1, DSS2, DSS3, DSS4, DlBlob, DssSeed,
    Family, MAX_DH_BITS, MAX_DSS_BITS, byte_len, parse, serialize,
};
#[allow(
    unused_imports,
    reason = "part of this API is reached only by the tests and the hidden harness"
)]
pub(crate) use dh::{DhKey, MIN_DH_BITS};
#[allow(
    unused_imports,
    reason = "part of this API is reached only by the tests and the hidden harness"
)]
pub(crate) use dsa::{
    DsaKey, DsaParams, HASH_LEN, MIN_DSS_BITS, SIGNATURE_LEN, signing_hash, verify_seed,
};

/// `CALG_DSS_SIGN`: DSS signature key pairs.
pub(crate) const CALG_DSS_SIGN: AlgId = AlgId::from_raw(0x2200);
/// `CALG_DH_SF`: store-and-forward Diffie-Hellman key pairs (`AT_KEYEXCHANGE` of the DSS/DH
/// providers).
pub(crate) const CALG_DH_SF: AlgId = AlgId::from_raw(0xAA01);
/// `CALG_DH_EPHEM`: ephemeral Diffie-Hellman key pairs.
pub(crate) const CALG_DH_EPHEM: AlgId = AlgId::from_raw(0xAA02);
