//! `libwincrypt`: Windows CryptoAPI's C ABI, backed by the [`cryptoapi`] crate.
//!
//! The exports have advapi32's names, parameters and error codes (`GetLastError`), so that C
//! and C++ written against `wincrypt.h`, and any language calling advapi32 through an FFI,
//! run unchanged: include `ffi/include/wincrypt.h`, link `-lwincrypt`. See `ffi/README.md`.
//!
//! * Every export runs in one wrapper (`boundary`) that catches a panic (`NTE_FAIL`) and
//!   turns the crate's [`cryptoapi::Error`] into `FALSE` plus the thread's last error.
//! * Handles are addresses of library-owned cells, looked up in a table, never read through
//!   (`handles`); stale, zero and foreign handles are `ERROR_INVALID_PARAMETER`.
//! * All of the library's `unsafe` is the pointer checks in `boundary`; the exports call the
//!   crate in safe Rust.
//!
//! The Rust items are the exports themselves, for the benches and tests that call them side
//! by side with the crate; Rust code should use `cryptoapi` directly.

mod boundary;
mod context;
mod handles;
mod hash;
mod key;
mod registry;

pub use boundary::{
    ALG_ID, BOOL, BOOLEAN, DWORD, FALSE, HCRYPTHASH, HCRYPTKEY, HCRYPTPROV, TRUE, WCHAR,
};
pub use context::{
    CryptAcquireContextA, CryptAcquireContextW, CryptContextAddRef, CryptGenRandom,
    CryptGetProvParam, CryptReleaseContext, CryptSetProvParam, GetLastError, SetLastError,
    SystemFunction036,
};
pub use hash::{
    CryptCreateHash, CryptDestroyHash, CryptDuplicateHash, CryptGetHashParam, CryptHashData,
    CryptHashSessionKey, CryptSetHashParam, CryptSignHashA, CryptSignHashW, CryptVerifySignatureA,
    CryptVerifySignatureW,
};
pub use key::{
    CryptDecrypt, CryptDeriveKey, CryptDestroyKey, CryptDuplicateKey, CryptEncrypt, CryptExportKey,
    CryptGenKey, CryptGetKeyParam, CryptGetUserKey, CryptImportKey, CryptSetKeyParam,
};
pub use registry::{
    CryptEnumProviderTypesA, CryptEnumProviderTypesW, CryptEnumProvidersA, CryptEnumProvidersW,
    CryptGetDefaultProviderA, CryptGetDefaultProviderW, CryptSetProviderA, CryptSetProviderExA,
    CryptSetProviderExW, CryptSetProviderW,
};
