//! Windows CryptoAPI (wincrypt) in safe, portable Rust.
//!
//! `cryptoapi` reproduces the provider model of Microsoft's CryptoAPI (`CryptAcquireContext`,
//! `CryptCreateHash`, `CryptGenKey`, `CryptEncrypt`, ...) with real cryptography from RustCrypto,
//! byte-compatible with Microsoft's Base, Strong, Enhanced, Enhanced RSA and AES, and RSA
//! SChannel providers, on any platform. Port wincrypt code line by line, and keep reading the
//! data and key containers it left behind.
//!
//! ```
//! use cryptoapi::{AcquireFlags, AlgId, KeyFlags, Provider, ProviderType, ReleaseFlags};
//! # let dir = tempfile::tempdir()?;
//! # cryptoapi::KeyStore::set_default_root(Some(dir.path().to_owned()));
//!
//! // CryptAcquireContext(&hProv, "my app", NULL, PROV_RSA_AES, CRYPT_NEWKEYSET)
//! let prov = Provider::acquire(Some("my app"), None, ProviderType::RSA_AES, AcquireFlags::NEWKEYSET)?;
//!
//! // CryptCreateHash + CryptHashData + CryptGetHashParam(HP_HASHVAL)
//! let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
//! hash.hash_data(b"hello")?;
//! let digest = hash.value()?;
//! assert_eq!(digest.len(), 32);
//!
//! // CryptGenKey + CryptEncrypt / CryptDecrypt
//! let mut key = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
//! let mut data = b"legacy secret".to_vec();
//! key.encrypt(&mut data, true)?;
//! key.decrypt(&mut data, true)?;
//! assert_eq!(data, b"legacy secret");
//!
//! // CryptDestroyKey, CryptDestroyHash, CryptReleaseContext
//! drop((key, hash));
//! prov.release(ReleaseFlags::empty())?;
//! # Provider::delete_container(Some("my app"), None, ProviderType::RSA_AES, AcquireFlags::empty())?;
//! # Ok::<(), cryptoapi::Error>(())
//! ```
//!
//! # Concepts
//!
//! * A [`Provider`] is a provider context (`HCRYPTPROV`). It is reference counted: `Clone` is
//!   `CryptContextAddRef`, and dropping the last clone (or [`Provider::release`]) is the final
//!   `CryptReleaseContext`. It is `Send + Sync`.
//! * A context either has a **key container** open, a named, persistent place for key pairs
//!   kept in a [`KeyStore`], or is a **verify context** ([`Provider::verify_context`]) with none.
//! * [`Hash`](struct@Hash) (`HCRYPTHASH`) and [`Key`] (`HCRYPTKEY`) objects **borrow** the
//!   provider that made them, so the compiler proves none is used after its context is gone.
//!   Where one must outlive that scope (a struct field, `tokio::spawn`), its **owned** form
//!   ([`Key::into_owned`], [`Hash::into_owned`]) holds its own reference on the context instead.
//!   Both forms are `Send`, so they work across threads and `.await` points.
//! * A container keeps up to two RSA key pairs, an exchange pair and a signature pair
//!   ([`Provider::user_key`]); a verify context keeps the pairs it generates or imports in
//!   memory only.
//! * Every error is an [`Error`] whose [`code`](Error::code) is the exact Windows value, so
//!   `GetLastError()` checks port as `e.code() == codes::NTE_BAD_KEYSET`.
//!
//! # Porting table
//!
//! | wincrypt | `cryptoapi` |
//! |---|---|
//! | `CryptAcquireContext` | [`Provider::acquire`], [`KeyStore::acquire`] |
//! | `CryptAcquireContext(CRYPT_VERIFYCONTEXT)` | [`Provider::verify_context`] (or `acquire` with the flag) |
//! | `CryptAcquireContext(CRYPT_DELETEKEYSET)` | [`Provider::delete_container`] |
//! | `CryptContextAddRef` | [`Provider::clone`](Clone::clone), [`Provider::ref_count`] |
//! | `CryptReleaseContext` | [`Provider::release`], or drop |
//! | `CryptGenRandom` | [`Provider::gen_random`] |
//! | `CryptGetProvParam(PP_NAME / PP_CONTAINER / PP_PROVTYPE / PP_KEYSET_TYPE)` | [`Provider::name`], [`Provider::container`], [`Provider::prov_type`], [`Provider::key_set`] |
//! | `CryptGetProvParam(PP_UNIQUE_CONTAINER / PP_ENUMCONTAINERS)` | [`Provider::unique_container`], [`Provider::containers`] |
//! | `CryptGetProvParam` / `CryptSetProvParam` by id | [`Provider::param`] / [`Provider::set_param`]; size query: [`Provider::param_len`] |
//! | `CryptGetProvParam(PP_ENUMALGS / PP_ENUMALGS_EX)` | [`Provider::algorithms`] ([`AlgInfo`]) |
//! | `CryptEnumProviders` / `CryptEnumProviderTypes` | [`Provider::enum_providers`] / [`Provider::enum_provider_types`] |
//! | `CryptGetDefaultProvider` / `CryptSetProvider(Ex)` | [`Provider::default_provider`] / [`Provider::set_default_provider`] (or on a [`KeyStore`]) |
//! | `CryptCreateHash` | [`Provider::create_hash`] |
//! | `CryptHashData` | [`Hash::hash_data`], [`Hash::hash_data_with_flags`], or [`std::io::Write`] |
//! | `CryptGetHashParam(HP_HASHVAL / HP_ALGID / HP_HASHSIZE)` | [`Hash::value`], [`Hash::alg_id`], [`Hash::size`]; raw ids: [`Hash::param`] |
//! | `CryptSetHashParam(HP_HASHVAL / HP_HMAC_INFO)` | [`Hash::set_value`], [`Hash::set_hmac_info`] with [`HmacInfo`]; raw ids: [`Hash::set_param`] |
//! | `CryptHashSessionKey` | [`Hash::hash_session_key`] |
//! | `CryptDuplicateHash` | [`Hash::duplicate`] |
//! | `CryptDestroyHash` | [`Hash::destroy`], or drop |
//! | `CryptGenKey` (session keys; `AT_KEYEXCHANGE` / `AT_SIGNATURE` key pairs) | [`Provider::gen_key`] |
//! | `CryptGetUserKey` | [`Provider::user_key`] |
//! | `CryptDeriveKey` | [`Provider::derive_key`] |
//! | `CryptImportKey` / `CryptExportKey` (`PLAINTEXTKEYBLOB`, `SIMPLEBLOB`, `PUBLICKEYBLOB`, `PRIVATEKEYBLOB`) | [`Provider::import_key`] / [`Key::export`] |
//! | `CryptSignHash` | [`Hash::sign`]; with `szDescription`: [`Hash::sign_with_description`]; size query: [`Hash::signature_len`] |
//! | `CryptVerifySignature` | [`Hash::verify_signature`]; with `szDescription`: [`Hash::verify_signature_with_description`] |
//! | `CryptEncrypt` | [`Key::encrypt`]; with `hHash`/`dwFlags`: [`Key::encrypt_with`]; caller's buffer: [`Key::encrypt_in_place`]; size query: [`Key::encrypted_len`] |
//! | `CryptDecrypt` | [`Key::decrypt`]; with `hHash`/`dwFlags`: [`Key::decrypt_with`]; caller's buffer: [`Key::decrypt_in_place`] |
//! | `CryptGetKeyParam` / `CryptSetKeyParam` `KP_MODE`, `KP_IV`, `KP_PADDING`, `KP_MODE_BITS` | [`Key::mode`] / [`Key::set_mode`], [`Key::iv`] / [`Key::set_iv`], [`Key::padding`] / [`Key::set_padding`], [`Key::mode_bits`] |
//! | `KP_SALT`, `KP_SALT_EX` | [`Key::salt`] / [`Key::set_salt`], [`Key::set_salt_ex`] |
//! | `KP_KEYLEN`, `KP_EFFECTIVE_KEYLEN`, `KP_BLOCKLEN`, `KP_ALGID`, `KP_PERMISSIONS` | [`Key::key_bits`], [`Key::effective_key_bits`] / [`Key::set_effective_key_bits`], [`Key::block_bits`], [`Key::alg_id`], [`Key::permissions`] / [`Key::set_permissions`] |
//! | `KP_CLIENT_RANDOM`, `KP_SERVER_RANDOM`, `KP_SCHANNEL_ALG` (`SCHANNEL_ALG`) | [`Key::set_client_random`], [`Key::set_server_random`], [`Key::set_schannel_alg`] with [`SchannelAlg`] |
//! | `CryptSetHashParam(HP_TLS1PRF_LABEL / HP_TLS1PRF_SEED)`, `CryptGetHashParam(HP_HASHVAL)` of a `CALG_TLS1PRF` hash | [`Hash::set_tls1prf_label`], [`Hash::set_tls1prf_seed`], [`Hash::prf`] |
//! | `CryptGetKeyParam` / `CryptSetKeyParam` by id | [`Key::param`] / [`Key::set_param`] |
//! | `CryptDuplicateKey` | [`Key::duplicate`] |
//! | `CryptDestroyKey` | [`Key::destroy`], or drop |
//! | a key or hash kept past its provider's scope | [`Key::into_owned`], [`Hash::into_owned`] |
//! | key files (PVK, `.snk`, PEM/DER: PKCS#1, PKCS#8, SPKI) to and from key BLOBs | [`KeyFile`] (see [`keyfile`]) |
//!
//! Every ported method carries its Win32 name as a search alias: type `CryptDeriveKey` into the
//! docs.rs search box. What is not supported yet, the default container's name, decrypt loops,
//! .NET's `PasswordDeriveBytes.CryptDeriveKey` and fast debug builds: see [`porting`].
//!
//! **One deliberate difference**: a PKCS#1 v1.5 decryption (or `SIMPLEBLOB` import) with bad
//! padding does not fail with `NTE_BAD_DATA` by default, because that answer is a padding oracle
//! (Bleichenbacher, Marvin). It yields a pseudo-random result instead, unless the key opts in
//! with [`Key::set_pkcs1_rejection`]; see [`Pkcs1Rejection`].
//!
//! # Key files
//!
//! [`KeyFile`] reads and writes RSA keys in the formats of the ecosystem, with no provider:
//! `PUBLICKEYBLOB`/`PRIVATEKEYBLOB` ([`KeyFormat::Blob`]), Microsoft PVK files (unencrypted,
//! weak and strong RC4), .NET strong-name `.snk` key pairs and public key files (with their
//! public key tokens), PKCS#1, PKCS#8, encrypted PKCS#8 and SPKI, each as DER and PEM, detecting
//! the format from the content and writing OpenSSL's own bytes where the format is
//! deterministic. [`KeyFile::from_key`] and [`KeyFile::import`] exchange keys with a
//! [`Provider`] under `CryptExportKey`'s and `CryptImportKey`'s rules. The table of formats and
//! examples (`.snk` to PEM and its token, PVK to PEM, PEM to a `PRIVATEKEYBLOB` for .NET's
//! `ImportCspBlob`) are in [`keyfile`].
//!
//! ```
//! use cryptoapi::{KeyFile, KeyFormat, PvkEncryption};
//! # use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
//! # let prov = Provider::verify_context(ProviderType::RSA_AES)?;
//! # let pair = prov.gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(1024))?;
//! # let pem = KeyFile::from_key(&pair, false)?.write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None)?;
//! // let pem = std::fs::read("key.pem")?;               // `openssl genpkey -algorithm RSA`
//! let key = KeyFile::read(&pem, None, None)?;            // the format is detected
//! let blob = key.to_blob(false)?;                        // a PRIVATEKEYBLOB for CryptImportKey
//! let pvk = key.write(KeyFormat::Pvk, false, Some(b"pw"), PvkEncryption::Strong)?;
//! # assert_eq!((blob[0], &pvk[..4]), (7, &[0x1e, 0xf1, 0xb5, 0xb0][..]));
//! # Ok::<(), cryptoapi::Error>(())
//! ```
//!
//! # Guarantees
//!
//! What Windows answers with a run-time `ERROR_INVALID_PARAMETER` does not compile here. A
//! hash or key cannot be used after its provider is released:
//!
//! ```compile_fail,E0505
//! use cryptoapi::{AlgId, Provider, ProviderType, ReleaseFlags};
//! let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
//! let mut hash = prov.create_hash(AlgId::SHA1, None)?;
//! prov.release(ReleaseFlags::empty())?; // error[E0505]: cannot move out of `prov` because it is borrowed
//! hash.hash_data(b"too late")?;
//! # Ok::<(), cryptoapi::Error>(())
//! ```
//!
//! nor returned past the provider's lifetime, and a provider cannot be released twice. These
//! guarantees are pinned, with the compiler's exact messages, by the crate's `trybuild` tests.
//!
//! Also guaranteed:
//! * no `unsafe` code (`#![forbid(unsafe_code)]`), and no panic on any input: bad input gets an
//!   [`Error`];
//! * key material on the heap is wiped before its memory is freed (when its owner is dropped,
//!   and when a buffer holding it grows), and `Debug` never prints it. This includes RSA
//!   private keys on every path (generation, import, export, signing, decryption, unwrapping,
//!   the pair cache): the RSA arithmetic is the crate's own, so no copy of a prime or private
//!   exponent is ever freed unwiped. Copies that moves leave on the stack, registers, and the
//!   operating system's copies (swap, core dumps) are beyond what safe Rust can wipe. Exported
//!   secret blobs come back as [`Zeroizing`] buffers, which wipe themselves too;
//! * key containers are written atomically, checked on read, private to their owner on Unix,
//!   and shared safely between processes (see [`store`]).

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alg;
mod bigint;
mod blob;
#[doc(hidden)]
pub mod dss;
mod error;
mod hash;
mod key;
pub mod keyfile;
mod provider;
mod reader;
mod rsa;
pub mod store;

#[doc = include_str!("../docs/porting.md")]
pub mod porting {}

pub use alg::{AlgId, ProviderType};
pub use alg::{
    AlgInfo, CRYPT_FLAG_IPSEC, CRYPT_FLAG_PCT1, CRYPT_FLAG_SIGNING, CRYPT_FLAG_SSL2,
    CRYPT_FLAG_SSL3, CRYPT_FLAG_TLS1,
};
pub use blob::BlobType;
pub use error::{Error, Result, codes};
pub use hash::{
    CRYPT_LITTLE_ENDIAN, CRYPT_NOHASHOID, CRYPT_USERDATA, CRYPT_X931_FORMAT, HP_ALGID, HP_HASHSIZE,
    HP_HASHVAL, Hash, HmacInfo,
};
pub use hash::{HP_HMAC_INFO, HP_TLS1PRF_LABEL, HP_TLS1PRF_SEED};
pub use key::{CRYPT_BLOB_VER3, KP_G, KP_P, KP_Q, KP_X};
pub use key::{CRYPT_OAEP, CipherMode, Key, KeyFlags, KeyPermissions, KeySpec, PKCS5_PADDING};
pub use key::{
    KP_ALGID, KP_BLOCKLEN, KP_EFFECTIVE_KEYLEN, KP_IV, KP_KEYLEN, KP_MODE, KP_MODE_BITS,
    KP_PADDING, KP_PERMISSIONS, KP_SALT, KP_SALT_EX,
};
pub use key::{
    KP_CLIENT_RANDOM, KP_SCHANNEL_ALG, KP_SERVER_RANDOM, SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY,
    SchannelAlg,
};
pub use keyfile::{DsaPublic, KeyFile, KeyFormat, KeyKind, PvkEncryption};
pub use provider::{
    AcquireFlags, MS_DEF_DH_SCHANNEL_PROV, MS_DEF_DSS_DH_PROV, MS_DEF_DSS_PROV, MS_DEF_PROV,
    MS_DEF_RSA_SCHANNEL_PROV, MS_ENH_DSS_DH_PROV, MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP,
    MS_ENHANCED_PROV, MS_STRONG_PROV, Provider, ReleaseFlags,
};
pub use provider::{
    CRYPT_DELETE_DEFAULT, CRYPT_FIRST, CRYPT_MACHINE_DEFAULT, CRYPT_NEXT, CRYPT_USER_DEFAULT,
    DACL_SECURITY_INFORMATION, GROUP_SECURITY_INFORMATION, OWNER_SECURITY_INFORMATION,
    PP_CLIENT_HWND, PP_CONTAINER, PP_DELETEKEY, PP_ENUMALGS, PP_ENUMALGS_EX, PP_ENUMCONTAINERS,
    PP_IMPTYPE, PP_KEYSET_SEC_DESCR, PP_KEYSET_TYPE, PP_KEYSPEC, PP_KEYSTORAGE,
    PP_KEYX_KEYSIZE_INC, PP_NAME, PP_PROVTYPE, PP_SIG_KEYSIZE_INC, PP_UI_PROMPT,
    PP_UNIQUE_CONTAINER, PP_USE_HARDWARE_RNG, PP_VERSION, SACL_SECURITY_INFORMATION,
};
pub use rsa::Pkcs1Rejection;
pub use store::{KeySet, KeyStore};
pub use zeroize::Zeroizing;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
