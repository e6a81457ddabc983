//! The fuzz harness of `cryptoapi`: one function per fuzz target, each taking the raw bytes
//! libFuzzer hands it.
//!
//! This file is shared. The `cargo fuzz` targets in `fuzz/fuzz_targets/` call it, and the main
//! crate's `suite/tests/fuzz_corpus.rs` includes it as a module to replay the committed seeds
//! (`fuzz/seeds/`) and every crash ever found (`fuzz/regressions/`) in plain `cargo test`. It
//! therefore uses only the public API of `cryptoapi` (plus `sha2` to seal container files), and,
//! for `dss_blob_import`, the hidden `cryptoapi::dss::harness` face of the DSS and
//! Diffie-Hellman core until the DSS providers expose it; it panics only when the crate
//! misbehaves:
//!
//! * a call fails with a code that is not one of the crate's named Windows codes;
//! * a round trip that must hold does not (export then import, encrypt then decrypt, sign then
//!   verify, a container write then a read);
//! * two ways of doing the same thing disagree (the `Vec` and in-place forms of decryption, a
//!   key and its duplicate).
//!
//! A panic inside `cryptoapi` itself is, of course, also a finding.
//!
//! # Input format
//!
//! Each target reads its input as a stream of small decisions through [`Input`]: a byte picks
//! the provider, another the algorithm, a length-prefixed run of bytes becomes an IV or a blob.
//! Past the end of the input every read gives zero, so every input means something and the
//! seeds in `fuzz/seeds/` are short. [`Seed`] writes the same format.

#![forbid(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    reason = "fuzz harness: a panic is the finding being looked for"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cryptoapi::dss::harness as dss;
use cryptoapi::keyfile::KeyKind;
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, CipherMode, Error, Hash, HmacInfo, Key, KeyFile,
    KeyFlags, KeyFormat, KeyPermissions, KeySet, KeySpec, KeyStore, MS_DEF_PROV,
    MS_ENH_RSA_AES_PROV, MS_ENHANCED_PROV, MS_STRONG_PROV, Pkcs1Rejection, Provider, ProviderType,
    PvkEncryption,
};
use sha2::{Digest, Sha256};

/// The names of the fuzz targets, as `cargo fuzz` and the seed directories know them.
pub const TARGETS: [&str; 7] = [
    "blob_import",
    "decrypt",
    "setters",
    "container_file",
    "keyfile_read",
    "prov_params",
    "dss_blob_import",
];

/// Runs the target called `name` on `data` (for replaying files from a corpus).
///
/// # Panics
///
/// On an unknown name, and whenever the target finds a bug.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "blob_import" => blob_import(data),
        "decrypt" => decrypt(data),
        "setters" => setters(data),
        "container_file" => container_file(data),
        "keyfile_read" => keyfile_read(data),
        "prov_params" => prov_params(data),
        "dss_blob_import" => dss_blob_import(data),
        other => panic!("no fuzz target {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 1: CryptImportKey of every blob type, with and without an unwrap key.
// ---------------------------------------------------------------------------------------------

/// `blob_import`: imports a blob into a fresh context of a chosen provider.
///
/// Input: provider (u8), flags selector (u8; `3` reads a raw u32), unwrap key selector (u8:
/// low bits none / exchange pair / signature pair / public key / session key, `0x80` explicit
/// PKCS#1 rejection), then a mode (u8): `0` the rest of the input is the blob; `1` the harness
/// builds a `SIMPLEBLOB` around a payload it wraps itself with the exchange public key, so that
/// the fuzzer reaches the unwrapped-key checks behind the RSA padding: ALG_ID (u32), OAEP
/// (u8), payload (u8 length + bytes).
///
/// Checks: every error is a named code; an imported key exports (when it may) to a blob that
/// imports again to the same export; an imported session key encrypts and decrypts back.
pub fn blob_import(data: &[u8]) {
    let mut input = Input::new(data);
    let prov = csp(input.u8());
    let flags = match input.u8() % 4 {
        0 => KeyFlags::empty(),
        1 => KeyFlags::EXPORTABLE,
        2 => KeyFlags::from_bits_retain(CRYPT_OAEP),
        _ => KeyFlags::from_bits_retain(input.u32()),
    };
    let unwrap_sel = input.u8();
    let mut unwrap = unwrap_key(&prov, unwrap_sel);
    if let Some(key) = unwrap.as_mut()
        && unwrap_sel & 0x80 != 0
    {
        key.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
    }
    let blob = match input.u8() % 2 {
        0 => input.rest().to_vec(),
        _ => {
            let alg = input.u32();
            let oaep = input.u8() & 1 == 1;
            let payload = input.var_bytes();
            match wrapped_simple_blob(alg, oaep, payload) {
                Some(blob) => blob,
                None => return,
            }
        }
    };
    let Some(key) = ok(prov.import_key(&blob, unwrap.as_ref(), flags)) else {
        return;
    };
    let unwrapped = blob.first() == Some(&1);
    check_imported(&prov, &key, flags, unwrapped);
}

/// `flags`: the import's flags; `unwrapped`: the key came from a `SIMPLEBLOB`.
fn check_imported(prov: &Provider, key: &Key<'_>, flags: KeyFlags, unwrapped: bool) {
    let alg = key.alg_id();
    let _ = (key.key_bits(), key.effective_key_bits(), key.block_bits());
    let _ = (
        key.permissions(),
        key.mode(),
        key.padding(),
        key.iv(),
        key.salt(),
    );
    if alg == AlgId::RSA_KEYX || alg == AlgId::RSA_SIGN {
        // Round trip: the public blob (and the private one, when it may be exported) imports
        // again and exports to the same bytes.
        for blob_type in [BlobType::PublicKeyBlob, BlobType::PrivateKeyBlob] {
            let Some(first) = ok(key.export(None, blob_type, 0)) else {
                continue;
            };
            let again = prov
                .import_key(&first, None, KeyFlags::EXPORTABLE)
                .unwrap_or_else(|e| panic!("re-import of an exported {blob_type:?}: {e:?}"));
            let second = again.export(None, blob_type, 0).unwrap();
            assert_eq!(*first, *second, "{blob_type:?} export is not stable");
        }
        return;
    }
    // Session key: an exportable one round-trips through PLAINTEXTKEYBLOB; every one encrypts
    // and decrypts back through a duplicate.
    if let Some(first) = ok(key.export(None, BlobType::PlaintextKeyBlob, 0)) {
        // The same flags: CRYPT_IPSEC_HMAC_KEY takes keys of lengths a cipher would refuse.
        match prov.import_key(&first, None, flags) {
            Ok(again) => {
                let second = again.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
                assert_eq!(*first, *second, "PLAINTEXTKEYBLOB export is not stable");
            }
            // A SIMPLEBLOB may carry an RC2 or RC4 key of any length from 1 byte (RC2 up to
            // 1024 bits, RC4 up to 2048), as Windows' providers take it; a plaintext blob of
            // such a key is refused like any key outside the provider's lengths.
            Err(Error::BadData) if unwrapped && matches!(key.alg_id(), AlgId::RC2 | AlgId::RC4) => {
            }
            Err(e) => panic!("re-import of an exported PLAINTEXTKEYBLOB: {e:?}"),
        }
    }
    round_trip(key, b"sixteen bytes of plaintext, and a few more");
}

/// Encrypts `plain` with a duplicate of `key`, decrypts with another, expects `plain` back.
fn round_trip(key: &Key<'_>, plain: &[u8]) {
    let Some(mut enc) = ok(key.duplicate()) else {
        return;
    };
    let mut data = plain.to_vec();
    if ok(enc.encrypt(&mut data, true)).is_none() {
        return;
    }
    let mut dec = key.duplicate().unwrap();
    dec.decrypt(&mut data, true).unwrap_or_else(|e| {
        panic!(
            "{:?} cannot decrypt its own ciphertext: {e:?}",
            key.alg_id()
        )
    });
    assert_eq!(data, plain, "{:?} round trip", key.alg_id());
}

/// A `SIMPLEBLOB` for `alg` around `payload`, wrapped with the fixed exchange key.
fn wrapped_simple_blob(alg: u32, oaep: bool, payload: &[u8]) -> Option<Vec<u8>> {
    let mut public = fixed().public_exchange()?;
    let mut wrapped = payload.to_vec();
    let flags = if oaep { CRYPT_OAEP } else { 0 };
    public.encrypt_with(None, true, flags, &mut wrapped).ok()?;
    let mut blob = blob_header(BlobType::SimpleBlob, alg);
    blob.extend_from_slice(&AlgId::RSA_KEYX.raw().to_le_bytes());
    blob.extend_from_slice(&wrapped);
    Some(blob)
}

fn unwrap_key(prov: &Provider, sel: u8) -> Option<Key<'_>> {
    match sel % 5 {
        0 => None,
        1 => fixed().prov.user_key(KeySpec::Exchange).ok(),
        2 => fixed().prov.user_key(KeySpec::Signature).ok(),
        3 => prov
            .import_key(&fixed().exchange_public, None, KeyFlags::empty())
            .ok(),
        _ => prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).ok(),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 2: CryptDecrypt with every algorithm and mode.
// ---------------------------------------------------------------------------------------------

/// Session algorithms the harness picks from (a selector past the end reads a raw ALG_ID).
const SESSION_ALGS: [AlgId; 8] = [
    AlgId::RC2,
    AlgId::RC4,
    AlgId::DES,
    AlgId::TRIPLE_DES_112,
    AlgId::TRIPLE_DES,
    AlgId::AES_128,
    AlgId::AES_192,
    AlgId::AES_256,
];

/// `decrypt`: decrypts fuzzed ciphertext in chunks with a fuzzed key and key parameters.
///
/// Input: provider (u8); key selector (u8: one of [`SESSION_ALGS`] imported from a
/// PLAINTEXTKEYBLOB of fuzzed bytes (u8 length + bytes), `8` the fixed RSA exchange pair, `9`
/// a raw ALG_ID (u32) with fuzzed key bytes); PKCS#1 rejection (u8); mode (u8, as
/// `CRYPT_MODE_*`, 255 keeps the default); IV (u8 length + bytes, empty keeps the default);
/// RC2 effective bits (u16, 0 keeps the default); padding (u32, 0 keeps the default); then
/// calls until the input ends (at most 64, or 4 with the RSA pair): form (u8: plain, through a
/// hash, with a flag byte shifted into `CRYPT_OAEP`'s place, with raw u32 flags), final (u8),
/// and for the flagged forms the flags, then the ciphertext (u16 length + bytes).
///
/// Checks: every error is a named code; the plain and hashed forms, run against the in-place
/// form on a duplicate of the key, give the same answer byte for byte; the hash sees exactly
/// the plaintext.
pub fn decrypt(data: &[u8]) {
    let mut input = Input::new(data);
    let prov = csp(input.u8());
    let sel = input.u8();
    let mut key = match sel % 10 {
        8 => match fixed().prov.user_key(KeySpec::Exchange) {
            Ok(key) => key,
            Err(e) => panic!("fixed exchange pair: {e:?}"),
        },
        n => {
            let alg = match SESSION_ALGS.get(usize::from(n)) {
                Some(alg) => *alg,
                None => AlgId::from_raw(input.u32()),
            };
            let material = input.var_bytes();
            let blob = plaintext_blob(alg, material);
            let Some(key) = ok(prov.import_key(&blob, None, KeyFlags::empty())) else {
                return;
            };
            key
        }
    };
    if input.u8() & 1 == 1 {
        key.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
    }
    if let Some(mode) = CipherMode::from_raw(u32::from(input.u8())) {
        let _ = ok(key.set_mode(mode));
    }
    let iv = input.var_bytes();
    if !iv.is_empty() {
        let _ = ok(key.set_iv(iv));
    }
    let effective = input.u16();
    if effective != 0 {
        let _ = ok(key.set_effective_key_bits(u32::from(effective)));
    }
    let padding = input.u32();
    if padding != 0 {
        let _ = ok(key.set_padding(padding));
    }
    // A private RSA operation costs milliseconds under AddressSanitizer: a few per input keep
    // the fuzzer fast without losing anything a few calls cannot reach.
    let max_calls = if sel % 10 == 8 { 4 } else { 64 };
    let mut calls = 0;
    while !input.is_empty() && calls < max_calls {
        calls += 1;
        let form = input.u8();
        let final_block = input.u8() & 1 == 1;
        let flags = match form % 4 {
            2 => u32::from(input.u8()) << 4,
            3 => input.u32(),
            _ => 0,
        };
        let len = usize::from(input.u16() & 0x0fff);
        let ciphertext = input.bytes(len).to_vec();
        let mut by_vec = ciphertext.clone();
        if flags != 0 {
            // Only CRYPT_OAEP on an RSA key is taken; the in-place form has no flags to compare.
            let _ = ok(key.decrypt_with(None, final_block, flags, &mut by_vec));
            continue;
        }
        let Some(mut twin) = ok(key.duplicate()) else {
            return;
        };
        let vec_result = if form % 4 == 1 {
            let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
            let result = key.decrypt_with(Some(&mut hash), final_block, 0, &mut by_vec);
            if result.is_ok() {
                let mut plain_hash = prov.create_hash(AlgId::SHA1, None).unwrap();
                plain_hash.hash_data(&by_vec).unwrap();
                assert_eq!(hash.value().unwrap(), plain_hash.value().unwrap());
            }
            result
        } else {
            key.decrypt(&mut by_vec, final_block)
        };
        let mut in_place = ciphertext.clone();
        let place_result = twin.decrypt_in_place(&mut in_place, final_block);
        match (&vec_result, place_result) {
            (Ok(()), Ok(len)) => assert_eq!(by_vec, in_place[..len], "Vec and in-place forms"),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "Vec and in-place errors"),
            (a, b) => panic!("Vec form gave {a:?}, in-place form {b:?}"),
        }
        if ok(vec_result).is_none() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target 3: the parameter setters of keys and hashes, in any order.
// ---------------------------------------------------------------------------------------------

/// Hash algorithms the harness picks from.
const HASH_ALGS: [AlgId; 10] = [
    AlgId::MD2,
    AlgId::MD4,
    AlgId::MD5,
    AlgId::SHA1,
    AlgId::SHA_256,
    AlgId::SHA_384,
    AlgId::SHA_512,
    AlgId::HMAC,
    AlgId::MAC,
    AlgId::SSL3_SHAMD5,
];

/// `setters`: a session key and a hash object, then any sequence of setters and uses.
///
/// Input: provider (u8); key algorithm (u8 into [`SESSION_ALGS`]); key flags (u32, used with
/// `CryptGenKey`; a refused one falls back to the defaults); hash algorithm (u8 into
/// [`HASH_ALGS`], past them a raw ALG_ID as u32); then operations until the input ends, each
/// an opcode (u8) and its arguments: `set_iv`, `set_salt`, `set_salt_ex`, `set_mode`,
/// `set_padding`, `set_effective_key_bits`, `set_permissions`, `set_hmac_info` (hash ALG_ID
/// and both pads), `set_value`, `hash_data`, `value`, `param`, `hash_session_key`, `encrypt`,
/// `decrypt`, `duplicate` of either object, a new hash, and every getter.
///
/// Checks: every error is a named code; a setter that succeeds is read back by its getter; a
/// duplicate reports the same parameters and computes the same result as its original.
pub fn setters(data: &[u8]) {
    let mut input = Input::new(data);
    let prov = csp(input.u8());
    let alg = SESSION_ALGS[usize::from(input.u8()) % SESSION_ALGS.len()];
    let flags = KeyFlags::from_bits_retain(input.u32());
    let mut key = match prov.gen_key(alg, flags) {
        Ok(key) => key,
        Err(e) => {
            known(&e);
            match prov.gen_key(alg, KeyFlags::EXPORTABLE) {
                Ok(key) => key,
                // 3DES and AES are not offered by every provider.
                Err(_) => prov.gen_key(AlgId::RC2, KeyFlags::EXPORTABLE).unwrap(),
            }
        }
    };
    let hash_sel = input.u8();
    let hash_alg = match HASH_ALGS.get(usize::from(hash_sel)) {
        Some(alg) => *alg,
        None => AlgId::from_raw(input.u32()),
    };
    let mut hash = match new_hash(&prov, hash_alg, &key) {
        Some(hash) => hash,
        None => prov.create_hash(AlgId::MD5, None).unwrap(),
    };
    let mut steps = 0;
    while !input.is_empty() && steps < 256 {
        steps += 1;
        match input.u8() % 20 {
            0 => {
                let iv = input.var_bytes().to_vec();
                // One block is read (none on RC4, whose IV stays empty).
                let block = key.iv().len();
                if ok(key.set_iv(&iv)).is_some() {
                    assert_eq!(key.iv(), iv[..block], "KP_IV reads back");
                }
            }
            1 => {
                let salt = input.var_bytes().to_vec();
                let _ = ok(key.set_salt(&salt));
            }
            2 => {
                let salt = input.var_bytes().to_vec();
                if ok(key.set_salt_ex(&salt)).is_some() {
                    assert_eq!(key.salt(), salt, "KP_SALT_EX reads back");
                }
            }
            3 => {
                if let Some(mode) = CipherMode::from_raw(u32::from(input.u8()))
                    && ok(key.set_mode(mode)).is_some()
                {
                    assert_eq!(key.mode(), mode, "KP_MODE reads back");
                }
            }
            4 => {
                let padding = input.u32();
                if ok(key.set_padding(padding)).is_some() {
                    assert_eq!(key.padding(), padding, "KP_PADDING reads back");
                }
            }
            5 => {
                let bits = input.u32();
                let _ = ok(key.set_effective_key_bits(bits));
            }
            6 => {
                let permissions = KeyPermissions::from_bits_retain(input.u32());
                let _ = ok(key.set_permissions(permissions));
            }
            7 => {
                let alg = pick_hash_alg(&mut input);
                let inner = input.var_bytes().to_vec();
                let outer = input.var_bytes().to_vec();
                let info = if inner.is_empty() && outer.is_empty() {
                    HmacInfo::new(alg)
                } else {
                    HmacInfo::with_pads(alg, &inner, &outer)
                };
                let _ = ok(hash.set_hmac_info(&info));
            }
            8 => {
                let value = input.var_bytes().to_vec();
                // The first `size` bytes are used, as Windows reads them.
                let size = hash.size();
                if ok(hash.set_value(&value)).is_some() {
                    assert_eq!(
                        hash.value().unwrap(),
                        value[..size],
                        "HP_HASHVAL reads back"
                    );
                }
            }
            9 => {
                let flags = u32::from(input.u8() & 3);
                let data = input.var_bytes().to_vec();
                let _ = ok(hash.hash_data_with_flags(&data, flags));
            }
            10 => {
                if let Some(value) = ok(hash.value()) {
                    assert_eq!(value.len(), hash.size(), "HP_HASHSIZE matches the value");
                }
            }
            11 => {
                let param = input.u32();
                let flags = input.u32();
                let _ = ok(hash.param(param, flags));
            }
            12 => {
                let flags = input.u32();
                let _ = ok(hash.hash_session_key(&key, flags));
            }
            13 => {
                let final_block = input.u8() & 1 == 1;
                let mut data = input.var_bytes().to_vec();
                let _ = ok(key.encrypt(&mut data, final_block));
            }
            14 => {
                let final_block = input.u8() & 1 == 1;
                let mut data = input.var_bytes().to_vec();
                let _ = ok(key.decrypt(&mut data, final_block));
            }
            15 => check_hash_duplicate(&mut hash, input.var_bytes()),
            16 => check_key_duplicate(&mut key, input.var_bytes()),
            17 => {
                let alg = pick_hash_alg(&mut input);
                if let Some(new) = new_hash(&prov, alg, &key) {
                    hash = new;
                }
            }
            18 => {
                let _ = ok(key.export(None, BlobType::PlaintextKeyBlob, 0));
            }
            _ => {
                let _ = (key.key_bits(), key.effective_key_bits(), key.block_bits());
                let _ = (key.permissions(), key.mode_bits(), key.salt(), key.iv());
                let _ = (hash.alg_id(), hash.size());
                let _ = ok(hash.param(cryptoapi::HP_HASHSIZE, 0));
                let _ = ok(hash.param(cryptoapi::HP_ALGID, 0));
            }
        }
    }
}

fn pick_hash_alg(input: &mut Input<'_>) -> AlgId {
    let sel = input.u8();
    match HASH_ALGS.get(usize::from(sel)) {
        Some(alg) => *alg,
        None => AlgId::from_raw(input.u32()),
    }
}

fn new_hash<'p>(prov: &'p Provider, alg: AlgId, key: &Key<'_>) -> Option<Hash<'p>> {
    let key = matches!(alg, AlgId::HMAC | AlgId::MAC).then_some(key);
    ok(prov.create_hash(alg, key))
}

/// A duplicate of `hash` fed `data` gives the same value as the original fed `data`.
fn check_hash_duplicate(hash: &mut Hash<'_>, data: &[u8]) {
    let Some(mut twin) = ok(hash.duplicate()) else {
        return;
    };
    let a = hash.hash_data(data).and_then(|()| hash.value());
    let b = twin.hash_data(data).and_then(|()| twin.value());
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "a hash and its duplicate"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "a hash and its duplicate"),
        (a, b) => panic!("hash gave {a:?}, its duplicate {b:?}"),
    }
}

/// A duplicate of `key` has the same parameters and encrypts `data` the same way.
fn check_key_duplicate(key: &mut Key<'_>, data: &[u8]) {
    let Some(mut twin) = ok(key.duplicate()) else {
        return;
    };
    assert_eq!(key.iv(), twin.iv(), "KP_IV of a duplicate");
    assert_eq!(key.salt(), twin.salt(), "KP_SALT of a duplicate");
    assert_eq!(key.mode(), twin.mode(), "KP_MODE of a duplicate");
    assert_eq!(key.padding(), twin.padding(), "KP_PADDING of a duplicate");
    assert_eq!(key.effective_key_bits(), twin.effective_key_bits());
    assert_eq!(key.permissions(), twin.permissions());
    let mut a = data.to_vec();
    let mut b = data.to_vec();
    match (key.encrypt(&mut a, true), twin.encrypt(&mut b, true)) {
        (Ok(()), Ok(())) => assert_eq!(a, b, "a key and its duplicate encrypt alike"),
        (Err(x), Err(y)) => assert_eq!(x.code(), y.code()),
        (x, y) => panic!("key gave {x:?}, its duplicate {y:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 4: the container file parser, through the file store.
// ---------------------------------------------------------------------------------------------

/// The container every `container_file` run overwrites.
const CONTAINER: &str = "fuzzed";

/// `container_file`: writes the input as a container file, then opens and uses it.
///
/// Input: options (u8: `1` append the SHA-256 the format ends with, so that the fuzzer gets
/// past the checksum; `2` write a key pair into the opened container afterwards), then the
/// file's bytes.
///
/// Checks: every error is a named code (a damaged file is `NTE_KEYSET_ENTRY_BAD`); a pair that
/// loads signs and verifies with its own public blob (exchange pairs also decrypt what their
/// public key encrypts); a pair written into the container reads back.
pub fn container_file(data: &[u8]) {
    let mut input = Input::new(data);
    let options = input.u8();
    let mut file = input.rest().to_vec();
    if options & 1 == 1 {
        file.extend_from_slice(&Sha256::digest(&file));
    }
    let store = fuzz_store();
    let path = store.container_path(KeySet::User, CONTAINER).unwrap();
    std::fs::write(&path, &file).unwrap();

    let _ = ok(store.containers(KeySet::User));
    for prov_type in [ProviderType::RSA_FULL, ProviderType::RSA_AES] {
        let Some(prov) = ok(store.acquire(Some(CONTAINER), None, prov_type, AcquireFlags::empty()))
        else {
            continue;
        };
        assert_eq!(prov.container(), Some(CONTAINER));
        let _ = ok(prov.unique_container());
        let _ = ok(prov.containers());
        for spec in [KeySpec::Exchange, KeySpec::Signature] {
            if let Some(pair) = ok(prov.user_key(spec)) {
                check_pair(&prov, &pair);
            }
        }
        if options & 2 == 2 {
            let blob = &fixed().exchange_private;
            if ok(prov.import_key(blob, None, KeyFlags::empty())).is_some() {
                let reopened = store
                    .acquire(Some(CONTAINER), None, prov_type, AcquireFlags::empty())
                    .unwrap();
                let pair = reopened.user_key(KeySpec::Exchange).unwrap();
                let public = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
                assert_eq!(
                    *public,
                    fixed().exchange_public,
                    "the written pair reads back"
                );
            }
            // Put the fuzzed bytes back for the second provider type.
            std::fs::write(&path, &file).unwrap();
        }
    }
}

/// A pair loaded from a container works: it signs what its public blob verifies.
fn check_pair(prov: &Provider, pair: &Key<'_>) {
    let public = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let public = prov
        .import_key(&public, None, KeyFlags::empty())
        .unwrap_or_else(|e| panic!("re-import of a loaded pair's public blob: {e:?}"));
    // Signing a 16384-bit key takes seconds: keep the fuzzer fast.
    if pair.key_bits() > 2048 {
        return;
    }
    let spec = if pair.alg_id() == AlgId::RSA_KEYX {
        KeySpec::Exchange
    } else {
        KeySpec::Signature
    };
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"a container pair signs").unwrap();
    let Some(signature) = ok(hash.sign(spec, 0)) else {
        return;
    };
    let mut again = prov.create_hash(AlgId::SHA1, None).unwrap();
    again.hash_data(b"a container pair signs").unwrap();
    again
        .verify_signature(&signature, &public, 0)
        .unwrap_or_else(|e| panic!("a loaded pair's signature does not verify: {e:?}"));
}

/// The root of [`fuzz_store`]: a directory in the temporary directory, one per process (a
/// replaying test removes it when done).
pub fn fuzz_store_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("cryptoapi-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    })
}

/// A file store at [`fuzz_store_root`], with the container created.
fn fuzz_store() -> KeyStore {
    let store =
        KeyStore::at(fuzz_store_root()).with_lock_timeout(std::time::Duration::from_millis(100));
    let path = store.container_path(KeySet::User, CONTAINER).unwrap();
    if !path.exists() {
        // Let the store make its directories (with their permissions) the normal way.
        let _ = store.delete_container(
            Some(CONTAINER),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::empty(),
        );
        store
            .acquire(
                Some(CONTAINER),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .unwrap();
    }
    store
}

// ---------------------------------------------------------------------------------------------
// Target 5: key files (PVK, .snk, BLOBs, PKCS#1, PKCS#8, encrypted PKCS#8, SPKI; DER and PEM).
// ---------------------------------------------------------------------------------------------

/// The password the `keyfile_read` seeds are encrypted with.
pub const KEYFILE_PASSWORD: &[u8] = b"fuzz";

/// `keyfile_read`: `KeyFile::read` of any bytes, in a chosen or the detected format.
///
/// Input: format (u8: `0` detect, `1..=10` one of `KeyFormat::ALL`, more detects), password
/// (u8: `0` none, `1` [`KEYFILE_PASSWORD`], `2` a fuzzed one, u8 length + bytes), then the
/// file's bytes.
///
/// Checks: every error is a named code; a key read writes in every format that holds it, and
/// each file reads back to the same key; rewriting a deterministic format gives the same
/// bytes; its blob, strong-name public key and token agree with a re-read; a key pair of at
/// most 2048 bits imports into a provider and signs what its public key verifies.
pub fn keyfile_read(data: &[u8]) {
    let mut input = Input::new(data);
    let format = match input.u8() {
        n @ 1..=10 => Some(KeyFormat::ALL[usize::from(n - 1)]),
        _ => None,
    };
    let password = match input.u8() % 3 {
        0 => None,
        1 => Some(KEYFILE_PASSWORD),
        _ => Some(input.var_bytes()),
    };
    let file = input.rest();
    let _ = KeyFormat::detect(file);
    let _ = KeyFile::needs_password(file, format);
    let Some(key) = ok(KeyFile::read(file, format, password)) else {
        return;
    };
    // The key itself, as PKCS#1 DER: a BLOB's bit length (which may exceed the modulus's) is
    // not part of it, and is lost through the DER and PEM formats by design. A DSA key as its
    // traditional DSAPrivateKey, or its SPKI (a DSS blob's seed is lost the same way).
    let numbers = |key: &KeyFile| {
        if key.kind() == KeyKind::Dsa && !key.has_private() {
            key.write(KeyFormat::SpkiDer, true, None, PvkEncryption::None)
        } else {
            key.write(KeyFormat::Pkcs1Der, false, None, PvkEncryption::None)
        }
    };
    let want = numbers(&key).unwrap();
    for target in KeyFormat::ALL {
        for public_only in [false, true] {
            let written = if target == KeyFormat::Pkcs8EncryptedPem && !public_only {
                key.write_pkcs8_encrypted(KEYFILE_PASSWORD, 1)
            } else {
                key.write(
                    target,
                    public_only,
                    Some(KEYFILE_PASSWORD),
                    PvkEncryption::Weak,
                )
            };
            let Some(bytes) = ok(written) else { continue };
            let again =
                KeyFile::read(&bytes, Some(target), Some(KEYFILE_PASSWORD)).unwrap_or_else(|e| {
                    panic!("{target} written from a key read does not read: {e:?}")
                });
            if !public_only || !key.has_private() {
                assert_eq!(*numbers(&again).unwrap(), *want, "{target}: another key");
            }
            let deterministic = !matches!(target, KeyFormat::Pvk | KeyFormat::Pkcs8EncryptedPem);
            if deterministic {
                let rewritten = again
                    .write(target, public_only, None, PvkEncryption::None)
                    .unwrap();
                assert_eq!(*rewritten, *bytes, "{target}: rewriting changes the bytes");
            }
        }
    }
    let blob = key.to_blob(false).unwrap();
    let from_blob = KeyFile::from_blob(&blob).unwrap();
    assert_eq!(*from_blob.to_blob(false).unwrap(), *blob, "blob round trip");
    if key.kind() == KeyKind::Dsa {
        // No strong names, no provider import yet: the pair signs through the DSS core.
        let public = dss::Dsa::import(&key.to_blob(true).unwrap()).unwrap();
        if key.has_private() {
            let pair = dss::Dsa::import(&blob).unwrap();
            let hash = [0x5a; 20];
            let signature = pair.sign(&hash).unwrap();
            assert!(
                public.verify(&hash, &signature),
                "a key file's DSA pair does not verify"
            );
        }
        return;
    }
    let public_key = key.strong_name_public_key();
    let reread = KeyFile::read(&public_key, Some(KeyFormat::Snk), None).unwrap();
    assert_eq!(reread.public_key_token(), key.public_key_token(), "token");
    if key.has_private() && key.bits() <= 2048 {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let spec = key.key_spec();
        let public = ok(from_blob.import(&prov, KeyFlags::empty()));
        if let (Some(_pair), Some(public)) = (ok(key.import(&prov, KeyFlags::empty())), public) {
            let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
            hash.hash_data(b"a key file's pair signs").unwrap();
            let Some(signature) = ok(hash.sign(spec, 0)) else {
                return;
            };
            let mut check = prov.create_hash(AlgId::SHA1, None).unwrap();
            check.hash_data(b"a key file's pair signs").unwrap();
            check
                .verify_signature(&signature, &public, 0)
                .unwrap_or_else(|e| panic!("a key file's pair does not verify: {e:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target 6: provider parameters: PP_KEYSET_SEC_DESCR descriptors and the PP_ENUMALGS cursor.
// ---------------------------------------------------------------------------------------------

/// `prov_params`: `CryptSetProvParam(PP_KEYSET_SEC_DESCR)` with any descriptor, or a script of
/// `PP_ENUMALGS(_EX)` calls and size queries.
///
/// Input: mode (u8, even: descriptor, odd: enumeration). Descriptor: `SECURITY_INFORMATION`
/// (u32), then the descriptor's bytes. Enumeration: provider (u8), then one byte per call
/// (bit 0 `PP_ENUMALGS_EX`, bit 1 `CRYPT_FIRST`, bit 2 a size query first).
///
/// Checks: every error is a named code; a descriptor that is accepted reads back, the read-back
/// descriptor is accepted again and changes nothing; a size query never moves the cursor and
/// agrees with the read that follows it; from `CRYPT_FIRST`, the enumeration gives exactly the
/// provider's table, then `ERROR_NO_MORE_ITEMS`.
pub fn prov_params(data: &[u8]) {
    use cryptoapi::{CRYPT_FIRST, PP_ENUMALGS, PP_ENUMALGS_EX, PP_KEYSET_SEC_DESCR};
    let mut input = Input::new(data);
    if input.u8().is_multiple_of(2) {
        let info = input.u32();
        let store = KeyStore::in_memory().unwrap();
        let prov = store
            .acquire(
                Some("sd"),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .unwrap();
        if ok(prov.set_param(PP_KEYSET_SEC_DESCR, input.rest(), info)).is_none() {
            return;
        }
        let parts = info & 0x7;
        let first = prov.param(PP_KEYSET_SEC_DESCR, parts).unwrap();
        prov.set_param(PP_KEYSET_SEC_DESCR, &first, parts)
            .unwrap_or_else(|e| panic!("a descriptor read back is refused: {e:?}"));
        assert_eq!(prov.param(PP_KEYSET_SEC_DESCR, parts).unwrap(), first);
        return;
    }
    let prov = csp(input.u8());
    let rows = prov.algorithms().len();
    let mut cursor = 0usize;
    for _ in 0..64 {
        let op = input.u8();
        let id = if op & 1 == 0 {
            PP_ENUMALGS
        } else {
            PP_ENUMALGS_EX
        };
        let flags = if op & 2 != 0 { CRYPT_FIRST } else { 0 };
        let at = if flags == CRYPT_FIRST { 0 } else { cursor };
        if op & 4 != 0 {
            let len = prov.param_len(id, flags);
            assert_eq!(len.is_ok(), at < rows, "size query at row {at} of {rows}");
        }
        match prov.param(id, flags) {
            Ok(row) => {
                assert!(at < rows);
                assert_eq!(row.len(), if id == PP_ENUMALGS { 32 } else { 88 });
                let alg = u32::from_le_bytes([row[0], row[1], row[2], row[3]]);
                assert_eq!(alg, prov.algorithms()[at].alg.raw());
                cursor = at + 1;
            }
            Err(e) => {
                assert!(matches!(e, Error::NoMoreItems), "{e:?}");
                assert!(at >= rows);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target 7: DSS and Diffie-Hellman key BLOBs, through the crate's DSS core.
// ---------------------------------------------------------------------------------------------

/// The magic, `bType` and `bVersion` of the eight DSS/DH layouts, for mode 2 of
/// [`dss_blob_import`].
pub const DSS_LAYOUTS: [([u8; 4], u8, u8); 8] = [
    (*b"DSS1", 6, 2),
    (*b"DSS2", 7, 2),
    (*b"DSS3", 6, 3),
    (*b"DSS4", 7, 3),
    (*b"\0DH1", 6, 2),
    (*b"\0DH2", 7, 2),
    (*b"\0DH3", 6, 3),
    (*b"\0DH4", 7, 3),
];

/// dssenh.c's `primeCALG_DH_SF` and `generatorCALG_DH_SF` (little-endian, as `KP_P`/`KP_G`),
/// the group of [`dss_fixed_dh`].
pub const DSSENH_DH_P: &str = "85b8a54acf2b7c61b206938a873758b08dc72aa77f0d74f93a7ebcab3a54e411696fcdeaad32444fee54698c9c3b8727367006f34ede7f9da6f2ad4390ddb59b";
/// See [`DSSENH_DH_P`].
pub const DSSENH_DH_G: &str = "eadce0bb6026c6b3936f61e67ee2eed6db3dcaa831468f5db4aa83d35210cdfbfdfc14890cdecf541d058cbe4ae437b4c01575c5a2fc99fcad63cb7cb820dc2b";

/// [`DSSENH_DH_P`] and [`DSSENH_DH_G`] as bytes.
pub fn dssenh_dh_group() -> (Vec<u8>, Vec<u8>) {
    (unhex(DSSENH_DH_P), unhex(DSSENH_DH_G))
}

/// A DH pair in dssenh.c's 512-bit `CALG_DH_SF` group, made once per process: the private key
/// the peer blobs of mode 1 of [`dss_blob_import`] agree with.
pub fn dss_fixed_dh() -> &'static dss::Dh {
    static FIXED: OnceLock<dss::Dh> = OnceLock::new();
    FIXED.get_or_init(|| {
        let (p, g) = dssenh_dh_group();
        dss::Dh::generate_in_group(dss::CALG_DH_SF, &p, &g, None).unwrap()
    })
}

/// `dss_blob_import`: any bytes as a DSS or Diffie-Hellman key BLOB, into the crate-internal
/// DSS core (`cryptoapi::dss::harness`) that the DSS providers use.
///
/// Input: a mode (u8): `0` the rest is a blob, decoded and imported as a DSS or DH key; `1` the
/// rest is a peer's DH public blob ("DH1" or "DH3"), agreed with a fixed pair in dssenh.c's
/// 512-bit group; `2` the harness writes the header of one of the eight layouts (u8 selector,
/// `aiKeyAlg` u32, `bitlen` u32) and the rest is the body, so that the fuzzer works on the
/// numbers.
///
/// Checks: every error is `NTE_BAD_DATA`, `NTE_BAD_TYPE` or `NTE_BAD_ALGID`; a decoded blob
/// encodes back to its own bytes; an imported key exports exactly the blob it came from, and
/// that export imports again; a DSS pair signs what its public key verifies, and its signature
/// of another hash fails; a DH pair of at most 1024 bits agrees with a fresh pair in its group,
/// both sides equal; an agreement gives a secret of p's length.
pub fn dss_blob_import(data: &[u8]) {
    let mut input = Input::new(data);
    let blob = match input.u8() % 3 {
        1 => {
            if let Some(secret) = dss_ok(dss_fixed_dh().agree_blob(input.rest())) {
                assert_eq!(secret.len(), 64, "a secret of p's length");
            }
            return;
        }
        2 => {
            let (magic, blob_type, version) = DSS_LAYOUTS[usize::from(input.u8() % 8)];
            let mut blob = vec![blob_type, version, 0, 0];
            blob.extend_from_slice(&input.u32().to_le_bytes());
            blob.extend_from_slice(&magic);
            blob.extend_from_slice(&input.u32().to_le_bytes());
            blob.extend_from_slice(input.rest());
            blob
        }
        _ => input.rest().to_vec(),
    };
    let Some(decoded) = dss_ok(dss::decode(&blob)) else {
        // Nothing decodes: no key imports either.
        assert!(dss_ok(dss::Dsa::import(&blob)).is_none());
        assert!(dss_ok(dss::Dh::import(&blob)).is_none());
        return;
    };
    let own = &blob[..dss::encoded_len(&decoded)];
    assert_eq!(
        &dss::encode(&decoded).unwrap()[..],
        own,
        "decode then encode"
    );
    let (private, version3) = (decoded.private, decoded.version3);
    if decoded.dss {
        let Some(key) = dss_ok(dss::Dsa::import(&blob)) else {
            return;
        };
        let exported = key.export(private, version3).unwrap();
        assert_eq!(&exported[..], own, "a DSS key exports its own blob");
        let again = dss::Dsa::import(&exported).unwrap();
        assert_eq!(again.export(private, version3).unwrap(), exported);
        if private {
            let hash = [0x61; 20];
            let signature = key.sign(&hash).unwrap();
            let public = dss::Dsa::import(&key.export(false, false).unwrap()).unwrap();
            assert!(public.verify(&hash, &signature), "sign then verify");
            assert!(!public.verify(&[0x62; 20], &signature));
        }
        return;
    }
    if !private && !version3 {
        // A DH1 public value has no group of its own: agreement only.
        if let Some(secret) = dss_ok(dss_fixed_dh().agree_blob(&blob)) {
            assert_eq!(secret.len(), 64);
        }
        return;
    }
    let Some(key) = dss_ok(dss::Dh::import(&blob)) else {
        return;
    };
    let exported = key.export(private, version3).unwrap();
    assert_eq!(&exported[..], own, "a DH key exports its own blob");
    let again = dss::Dh::import(&exported).unwrap();
    assert_eq!(again.export(private, version3).unwrap(), exported);
    if private && key.bits() <= 1024 {
        let group = dss::decode(&key.export(false, true).unwrap()).unwrap();
        let q = (!group.q.is_empty()).then_some(&group.q[..]);
        let peer = dss::Dh::generate_in_group(key.alg(), &group.p, &group.g, q).unwrap();
        let mine = key.agree(&peer.public_value().unwrap()).unwrap();
        let theirs = peer.agree(&key.public_value().unwrap()).unwrap();
        assert_eq!(mine, theirs, "both sides agree");
        assert_eq!(mine.len(), group.p.len());
    }
}

/// As [`ok`], but only the DSS core's codes are expected: a blob defect is `NTE_BAD_DATA`, a
/// foreign blob type `NTE_BAD_TYPE`, an algorithm outside the family `NTE_BAD_ALGID`.
fn dss_ok<T>(result: cryptoapi::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            assert!(
                matches!(e, Error::BadData | Error::BadType | Error::BadAlgId),
                "unexpected {e:?}"
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.
// ---------------------------------------------------------------------------------------------

/// The providers a selector byte picks from: every Microsoft provider this crate implements.
fn csp(sel: u8) -> Provider {
    let (name, prov_type) = match sel % 4 {
        0 => (MS_DEF_PROV, ProviderType::RSA_FULL),
        1 => (MS_STRONG_PROV, ProviderType::RSA_FULL),
        2 => (MS_ENHANCED_PROV, ProviderType::RSA_FULL),
        _ => (MS_ENH_RSA_AES_PROV, ProviderType::RSA_AES),
    };
    Provider::acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT).unwrap()
}

/// `Some(value)` on success; on failure checks the code is one the crate names, then `None`.
fn ok<T>(result: cryptoapi::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            known(&e);
            None
        }
    }
}

/// Fails the run if `error` carries a code the crate has no name for.
pub fn known(error: &Error) {
    assert!(
        error.windows_name().is_some(),
        "unnamed error code {:#x}: {error:?}",
        error.code()
    );
}

/// A `BLOBHEADER`: type, version 2, reserved 0, ALG_ID.
fn blob_header(blob_type: BlobType, alg: u32) -> Vec<u8> {
    let mut blob = vec![u8::try_from(blob_type.raw()).unwrap(), 2, 0, 0];
    blob.extend_from_slice(&alg.to_le_bytes());
    blob
}

/// A `PLAINTEXTKEYBLOB`: header, key length (u32), key bytes.
pub fn plaintext_blob(alg: AlgId, key: &[u8]) -> Vec<u8> {
    let mut blob = blob_header(BlobType::PlaintextKeyBlob, alg.raw());
    blob.extend_from_slice(&u32::try_from(key.len()).unwrap().to_le_bytes());
    blob.extend_from_slice(key);
    blob
}

/// Key pairs recorded on real Windows (from `suite/tests/data/windows-kat.json`), installed once
/// per process in a verify context of the AES provider.
pub struct Fixed {
    /// The context holding both pairs.
    pub prov: Provider,
    /// The exchange pair's `PRIVATEKEYBLOB` (512 bits, `test_RC4_salt/exchange_keypair`).
    pub exchange_private: Vec<u8>,
    /// The exchange pair's `PUBLICKEYBLOB`.
    pub exchange_public: Vec<u8>,
    /// The signature pair's `PRIVATEKEYBLOB` (512 bits, `test_null_provider/signBlob`).
    pub signature_private: Vec<u8>,
}

impl Fixed {
    /// The exchange pair's public key, in the fixed context.
    fn public_exchange(&self) -> Option<Key<'_>> {
        self.prov
            .import_key(&self.exchange_public, None, KeyFlags::empty())
            .ok()
    }
}

/// The fixed key pairs (see [`Fixed`]).
pub fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let exchange_private = unhex(EXCHANGE_512);
        let signature_private = unhex(SIGNATURE_512);
        let exchange = prov
            .import_key(&exchange_private, None, KeyFlags::EXPORTABLE)
            .unwrap();
        let exchange_public = exchange.export(None, BlobType::PublicKeyBlob, 0).unwrap();
        drop(exchange);
        prov.import_key(&signature_private, None, KeyFlags::EXPORTABLE)
            .unwrap();
        Fixed {
            prov,
            exchange_private,
            exchange_public: exchange_public.to_vec(),
            signature_private,
        }
    })
}

const EXCHANGE_512: &str = "0702000000a40000525341320002000001000100557b3613ae4bc96f781eff38d4263877899bf66bf7aaeaad27111ea59823cbaa3234af19d82495e4ae4e031d75ebecc109d002ed1f0ecf23cee90934e3c9b9bbef5926abf511db8d0f07af535cafcd8ca2af4e3ec9e802694b871fe162650af8fb92ce69ccea864143e84a4175f0b61764a10e52d34cdf6fa815577c00ebbfc169fe6d505589fe8a1c1460ff5ae68022a0fce95fa448bbc1f04fba57eb83e9e921239a8371d72eb98824376b1d73cb64a46dcfedbb654cf7cc86f8944061b2092eeab7a21dc24b375dc154df451616e1086bad51bf620ce0e52265c56acac7b04948ae6b2786e8e99015384f7f3b9e38d1256291fe180879cc7caf418dd1a1d3633cb07b2dda6f729cd1a8aab56adeed000a39e9c6457a396d0786a9e54fb49b";
const SIGNATURE_512: &str = "0702000000240000525341320002000001000100f1829e84b5799abe4d062021b1890ccab0357218c692a8e2b1e1f656539947106e1c81afb8f95ffe767f2c93ec547e5ec2253c50561020724a9303122998ccc947bfbf93ccb0e55314c87e1fa4032d8e847ad2ebf7925ea2c76b357dcb60aefb07781173b579e57e96e35095800e1cf656c6e90aaf03c6dc9a81cf7a631643cdab74a17de7e0756dbd19ae0ba37f6a7b054ebcec18fc19c200f06a2ec43173ba07cc9d57ebc77c007d5d1116424be53af5c7f8eec32c0d8603e2afb2d291db71cddf815f06fc480db6889fc15e24a2054f302e8f8b0d76a184da7b447085f150b1213de2573dd00193498ec50b8b0d7b08e914ec200dea020063e80a52e8fb21bd37de4c4dc2f6b90d2ac3e2c9df483e553de3c02237f952c0d76122b6858607";

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Reads fuzz input as a stream of decisions; past the end, every read gives zero.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads `data` from its start.
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Up to `len` bytes (fewer at the end of the input).
    pub fn bytes(&mut self, len: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(len.min(self.data.len()));
        self.data = tail;
        head
    }

    /// A byte.
    pub fn u8(&mut self) -> u8 {
        self.bytes(1).first().copied().unwrap_or(0)
    }

    /// A little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.array())
    }

    /// A little-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    /// A length byte, then that many bytes.
    pub fn var_bytes(&mut self) -> &'a [u8] {
        let len = usize::from(self.u8());
        self.bytes(len)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.bytes(self.data.len())
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let bytes = self.bytes(N);
        out[..bytes.len()].copy_from_slice(bytes);
        out
    }
}

/// Writes inputs in [`Input`]'s format (for the committed seeds).
#[derive(Default)]
pub struct Seed(pub Vec<u8>);

impl Seed {
    /// A byte.
    pub fn u8(mut self, value: u8) -> Self {
        self.0.push(value);
        self
    }

    /// A little-endian u16.
    pub fn u16(mut self, value: u16) -> Self {
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A little-endian u32.
    pub fn u32(mut self, value: u32) -> Self {
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A length byte and the bytes (at most 255).
    pub fn var_bytes(mut self, bytes: &[u8]) -> Self {
        self.0.push(u8::try_from(bytes.len()).unwrap());
        self.0.extend_from_slice(bytes);
        self
    }

    /// Raw bytes.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }
}
