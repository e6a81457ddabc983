//! Parameters by raw id (`CryptGetProvParam`, `CryptGetKeyParam`, `CryptGetHashParam` and their
//! setters) against the typed methods, the Windows fidelity of `KP_IV`, `SIMPLEBLOB` import with
//! no unwrap key, advapi32's argument checks, and Microsoft's samples "Duplicating a Session
//! Key" and "Setting and Getting Session Key Parameters" ported call for call.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_FIRST, CRYPT_NEXT, CipherMode, HP_ALGID, HP_HASHSIZE,
    HP_HASHVAL, HP_HMAC_INFO, HP_TLS1PRF_LABEL, HmacInfo, KP_ALGID, KP_BLOCKLEN,
    KP_EFFECTIVE_KEYLEN, KP_IV, KP_KEYLEN, KP_MODE, KP_MODE_BITS, KP_PADDING, KP_PERMISSIONS,
    KP_SALT, KP_SALT_EX, Key, KeyFlags, KeySet, KeySpec, KeyStore, MS_DEF_PROV, PP_CLIENT_HWND,
    PP_CONTAINER, PP_ENUMCONTAINERS, PP_IMPTYPE, PP_KEYSET_TYPE, PP_KEYSPEC, PP_KEYSTORAGE,
    PP_KEYX_KEYSIZE_INC, PP_NAME, PP_PROVTYPE, PP_SIG_KEYSIZE_INC, PP_UNIQUE_CONTAINER, PP_VERSION,
    Provider, ProviderType, ReleaseFlags,
};

mod common;
use common::err_code;

// The Windows values, spelled out so that the tests pin them independently of the crate.
const ERROR_INVALID_PARAMETER: u32 = 87;
const ERROR_NO_MORE_ITEMS: u32 = 259;
const NTE_BAD_KEY: u32 = 0x8009_0003;
const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
const NTE_BAD_TYPE: u32 = 0x8009_000A;
const NTE_NO_KEY: u32 = 0x8009_000D;
const NTE_BAD_ALGID: u32 = 0x8009_0008;

/// A small, fast RSA key length.
const PAIR: KeyFlags = KeyFlags::EXPORTABLE.with_key_bits(512);

fn dword(value: u32) -> Vec<u8> {
    value.to_le_bytes().to_vec()
}

fn c_string(value: &str) -> Vec<u8> {
    let mut bytes = value.as_bytes().to_vec();
    bytes.push(0);
    bytes
}

/// A container context on a fresh in-memory store.
fn container(name: &str) -> (KeyStore, Provider) {
    let store = KeyStore::in_memory().unwrap();
    let prov = store
        .acquire(
            Some(name),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap();
    (store, prov)
}

// ---------------------------------------------------------------------------------------------
// KP_IV: one block is read; stream ciphers ignore it.
// ---------------------------------------------------------------------------------------------

#[test]
fn rc4_takes_an_eight_byte_iv_and_changes_nothing() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut key = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    let mut reference = key.duplicate().unwrap();
    let mut first = b"half".to_vec();
    key.encrypt(&mut first, false).unwrap();
    key.set_iv(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    key.set_param(KP_IV, &[9; 8], 0).unwrap();
    assert!(key.iv().is_empty());
    assert!(key.param(KP_IV, 0).unwrap().is_empty());
    // The keystream went on where it was: setting the IV reset nothing.
    let mut second = b"way".to_vec();
    key.encrypt(&mut second, true).unwrap();
    let mut whole = b"halfway".to_vec();
    reference.encrypt(&mut whole, true).unwrap();
    assert_eq!([first, second].concat(), whole);
}

#[test]
fn a_sixteen_byte_iv_on_des_uses_its_first_block() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut key = prov.gen_key(AlgId::DES, KeyFlags::empty()).unwrap();
    let mut exact = key.duplicate().unwrap();
    let long: Vec<u8> = (1..=16).collect();
    key.set_iv(&long).unwrap();
    assert_eq!(key.iv(), &long[..8]);
    exact.set_iv(&long[..8]).unwrap();
    let (mut a, mut b) = (b"same output".to_vec(), b"same output".to_vec());
    key.encrypt(&mut a, true).unwrap();
    exact.encrypt(&mut b, true).unwrap();
    assert_eq!(a, b);
    // The raw form reads the same way.
    key.set_param(KP_IV, &[7; 12], 0).unwrap();
    assert_eq!(key.param(KP_IV, 0).unwrap(), [7; 8]);
}

#[test]
fn a_short_iv_is_refused_and_changes_nothing() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut key = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    key.set_iv(&[5; 16]).unwrap();
    assert_eq!(err_code(key.set_iv(&[1; 15])), NTE_BAD_DATA);
    assert_eq!(err_code(key.set_iv(&[])), NTE_BAD_DATA);
    assert_eq!(err_code(key.set_param(KP_IV, &[1; 8], 0)), NTE_BAD_DATA);
    assert_eq!(key.iv(), [5; 16]);
}

#[test]
fn rsa_keys_accept_and_ignore_an_iv() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut pair = prov.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    pair.set_iv(&[1; 8]).unwrap();
    assert!(pair.iv().is_empty());
}

// ---------------------------------------------------------------------------------------------
// SIMPLEBLOB import with no unwrap key.
// ---------------------------------------------------------------------------------------------

/// A session key wrapped for the exchange pair of `prov`, and the plaintext it encrypts.
fn wrapped_session_key(prov: &Provider, exchange: &Key<'_>) -> (Vec<u8>, Vec<u8>) {
    let mut session = prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).unwrap();
    let public = exchange.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let public = prov.import_key(&public, None, KeyFlags::empty()).unwrap();
    let blob = session
        .export(Some(&public), BlobType::SimpleBlob, 0)
        .unwrap();
    let mut data = b"Decrypting a File".to_vec();
    session.encrypt(&mut data, true).unwrap();
    (blob.to_vec(), data)
}

#[test]
fn simpleblob_without_unwrap_key_uses_the_containers_exchange_pair() {
    let (_store, prov) = container("decrypt a file");
    let exchange = prov.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    let (blob, mut data) = wrapped_session_key(&prov, &exchange);
    // "Decrypting a File": CryptImportKey(hProv, pbKeyBlob, dwKeyBlobLen, 0, 0, &hKey).
    let mut key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
    key.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"Decrypting a File");
}

#[test]
fn simpleblob_without_unwrap_key_in_a_verify_context() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let exchange = prov.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    let (blob, mut data) = wrapped_session_key(&prov, &exchange);
    let mut key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
    key.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"Decrypting a File");
}

#[test]
fn simpleblob_without_unwrap_key_and_without_a_pair_is_nte_no_key() {
    let maker = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let exchange = maker.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    let (blob, _) = wrapped_session_key(&maker, &exchange);
    let empty = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    assert_eq!(
        err_code(empty.import_key(&blob, None, KeyFlags::empty())),
        NTE_NO_KEY
    );
    // A signature pair alone does not unwrap either.
    empty.gen_key(AlgId::AT_SIGNATURE, PAIR).unwrap();
    assert_eq!(
        err_code(empty.import_key(&blob, None, KeyFlags::empty())),
        NTE_NO_KEY
    );
    let (_store, prov) = container("no pair");
    assert_eq!(
        err_code(prov.import_key(&blob, None, KeyFlags::empty())),
        NTE_NO_KEY
    );
}

// ---------------------------------------------------------------------------------------------
// advapi32's argument checks come first.
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_arguments_are_invalid_parameter_where_advapi32_checks_them() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    assert_eq!(
        err_code(prov.import_key(&[], None, KeyFlags::from_bits_retain(!0))),
        ERROR_INVALID_PARAMETER
    );
    // One byte reaches the provider, which finds no header.
    assert_eq!(
        err_code(prov.import_key(&[8], None, KeyFlags::empty())),
        NTE_BAD_DATA
    );
    let mut key = prov.gen_key(AlgId::RC2, KeyFlags::empty()).unwrap();
    for id in [KP_IV, KP_SALT, KP_MODE, KP_PADDING, 0xdead] {
        assert_eq!(
            err_code(key.set_param(id, &[], 1)),
            ERROR_INVALID_PARAMETER,
            "{id}"
        );
    }
    // A blob parameter's contents may be empty: an empty salt.
    key.set_param(KP_SALT_EX, &[], 0).unwrap();
    assert!(key.salt().is_empty());
    let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
    assert_eq!(
        err_code(hash.set_param(HP_HASHVAL, &[], 1)),
        ERROR_INVALID_PARAMETER
    );
    hash.set_param(HP_TLS1PRF_LABEL, &[], 0).unwrap();
    assert_eq!(
        err_code(prov.set_param(PP_NAME, &[], PP_CLIENT_HWND)),
        ERROR_INVALID_PARAMETER
    );
    prov.set_param(0, &[1, 0, 0, 0], PP_CLIENT_HWND).unwrap();
    // CryptVerifySignature checks no length in advapi32: the provider's NTE_BAD_SIGNATURE.
    let pair = prov.gen_key(AlgId::AT_SIGNATURE, PAIR).unwrap();
    assert_eq!(err_code(hash.verify_signature(&[], &pair, 0)), 0x8009_0006);
}

// ---------------------------------------------------------------------------------------------
// Raw parameters equal the typed getters.
// ---------------------------------------------------------------------------------------------

/// Every served key parameter, raw against typed.
fn check_key_params(key: &Key<'_>) {
    let what = format!("{key:?}");
    assert_eq!(key.param(KP_IV, 0).unwrap(), key.iv(), "{what}");
    assert_eq!(
        key.param(KP_PADDING, 0).unwrap(),
        dword(key.padding()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_MODE, 0).unwrap(),
        dword(key.mode().raw()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_MODE_BITS, 0).unwrap(),
        dword(key.mode_bits()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_PERMISSIONS, 0).unwrap(),
        dword(key.permissions().bits()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_ALGID, 0).unwrap(),
        dword(key.alg_id().raw()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_BLOCKLEN, 0).unwrap(),
        dword(key.block_bits()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_KEYLEN, 0).unwrap(),
        dword(key.key_bits()),
        "{what}"
    );
    assert_eq!(
        key.param(KP_EFFECTIVE_KEYLEN, 0).unwrap(),
        dword(key.effective_key_bits()),
        "{what}"
    );
    assert_eq!(err_code(key.param(KP_IV, 1)), NTE_BAD_FLAGS, "{what}");
    for unknown in [0, KP_SALT_EX, 11, 18, 20, 36, 0xdead_beef] {
        assert_eq!(
            err_code(key.param(unknown, 0)),
            NTE_BAD_TYPE,
            "{what} {unknown}"
        );
    }
}

#[test]
fn raw_key_params_equal_the_typed_getters() {
    let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let base = KeyStore::in_memory()
        .unwrap()
        .acquire(
            None,
            Some(MS_DEF_PROV),
            ProviderType::RSA_FULL,
            AcquireFlags::VERIFYCONTEXT,
        )
        .unwrap();
    for (prov, alg) in [
        (&aes, AlgId::AES_256),
        (&aes, AlgId::TRIPLE_DES),
        (&aes, AlgId::RC4),
        (&base, AlgId::RC2),
        (&base, AlgId::RC4),
        (&base, AlgId::DES),
    ] {
        let key = prov.gen_key(alg, KeyFlags::EXPORTABLE).unwrap();
        check_key_params(&key);
        assert_eq!(key.param(KP_SALT, 0).unwrap(), key.salt());
    }
    let pair = aes.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    check_key_params(&pair);
    assert_eq!(pair.param(KP_KEYLEN, 0).unwrap(), dword(512));
    assert_eq!(pair.param(KP_BLOCKLEN, 0).unwrap(), dword(512));
    assert_eq!(pair.param(KP_ALGID, 0).unwrap(), dword(0xA400));
}

#[test]
fn kp_salt_of_an_rsa_key_is_nte_bad_key() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut pair = prov.gen_key(AlgId::AT_SIGNATURE, PAIR).unwrap();
    assert_eq!(err_code(pair.param(KP_SALT, 0)), NTE_BAD_KEY);
    // The typed getter, which cannot fail, answers an empty salt.
    assert!(pair.salt().is_empty());
    assert_eq!(err_code(pair.set_param(KP_SALT, &[0; 11], 0)), NTE_BAD_KEY);
    // A query of a block cipher without salt succeeds empty, as Windows answers for AES.
    let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let key = aes.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    assert!(key.param(KP_SALT, 0).unwrap().is_empty());
}

#[test]
fn raw_key_setters_reach_the_typed_rules() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut key = prov.gen_key(AlgId::RC2, KeyFlags::empty()).unwrap();
    key.set_param(KP_MODE, &dword(CipherMode::Ecb.raw()), 0)
        .unwrap();
    assert_eq!(key.mode(), CipherMode::Ecb);
    assert_eq!(err_code(key.set_param(KP_MODE, &dword(9), 0)), NTE_BAD_DATA);
    assert_eq!(err_code(key.set_param(KP_MODE, &[1, 0], 0)), NTE_BAD_DATA);
    key.set_param(KP_PADDING, &dword(1), 0).unwrap();
    assert_eq!(
        err_code(key.set_param(KP_PADDING, &dword(2), 0)),
        NTE_BAD_DATA
    );
    key.set_param(KP_MODE_BITS, &dword(64), 0).unwrap();
    assert_eq!(key.mode_bits(), 8);
    key.set_param(KP_EFFECTIVE_KEYLEN, &dword(64), 0).unwrap();
    assert_eq!(key.effective_key_bits(), 64);
    key.set_param(KP_PERMISSIONS, &dword(0x3B), 0).unwrap();
    assert_eq!(
        err_code(key.set_param(KP_PERMISSIONS, &dword(0x3F), 0)),
        NTE_BAD_DATA
    );
    key.set_param(KP_SALT_EX, &[1, 2, 3], 0).unwrap();
    assert_eq!(key.salt(), [1, 2, 3]);
    // KP_SALT reads 11 bytes from a longer buffer.
    let salt: Vec<u8> = (1..=20).collect();
    key.set_param(KP_SALT, &salt, 0).unwrap();
    assert_eq!(key.param(KP_SALT, 0).unwrap(), &salt[..11]);
    assert_eq!(err_code(key.set_param(KP_SALT, &[0; 10], 0)), NTE_BAD_DATA);
    for read_only in [KP_ALGID, KP_BLOCKLEN, KP_KEYLEN, 0xdead] {
        assert_eq!(
            err_code(key.set_param(read_only, &dword(1), 0)),
            NTE_BAD_TYPE
        );
    }
    assert_eq!(err_code(key.set_param(KP_IV, &[0; 8], 1)), NTE_BAD_FLAGS);
}

#[test]
fn raw_hash_params_equal_the_typed_ones() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    assert_eq!(hash.param(HP_ALGID, 0).unwrap(), dword(hash.alg_id().raw()));
    assert_eq!(hash.param(HP_HASHSIZE, 0).unwrap(), dword(20));
    let mut twin = hash.duplicate().unwrap();
    assert_eq!(hash.param(HP_HASHVAL, 0).unwrap(), twin.value().unwrap());
    for unknown in [0, 3, HP_HMAC_INFO, 6, 7, 0xdead] {
        assert_eq!(err_code(hash.param(unknown, 0)), NTE_BAD_TYPE, "{unknown}");
    }

    // HP_HASHVAL set: the first `size` bytes of a longer buffer, as Windows reads them.
    let mut ssl3 = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    let value: Vec<u8> = (0..40).collect();
    ssl3.set_param(HP_HASHVAL, &value, 0).unwrap();
    assert_eq!(ssl3.value().unwrap(), &value[..36]);
    assert_eq!(
        err_code(ssl3.set_param(HP_HASHVAL, &value[..35], 0)),
        0x8009_0004
    );
    assert_eq!(
        err_code(ssl3.set_param(HP_HASHVAL, &value, 2)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(ssl3.set_param(HP_ALGID, &dword(1), 0)),
        NTE_BAD_TYPE
    );

    // HP_HMAC_INFO set through the raw form gives the typed route's HMAC.
    let key = prov.gen_key(AlgId::RC2, KeyFlags::empty()).unwrap();
    let info = HmacInfo::with_pads(AlgId::MD5, &[0x11; 70], &[0x22; 3]);
    let mut raw = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
    raw.set_param(HP_HMAC_INFO, &info.to_bytes(), 0).unwrap();
    let mut typed = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
    typed.set_hmac_info(&info).unwrap();
    raw.hash_data(b"data").unwrap();
    typed.hash_data(b"data").unwrap();
    assert_eq!(raw.value().unwrap(), typed.value().unwrap());
    let mut bad = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
    let mut truncated = info.to_bytes();
    truncated.pop();
    assert_eq!(
        err_code(bad.set_param(HP_HMAC_INFO, &truncated, 0)),
        NTE_BAD_DATA
    );
    assert_eq!(
        err_code(bad.set_param(HP_HMAC_INFO, &[5; 11], 0)),
        NTE_BAD_DATA
    );
    assert_eq!(HmacInfo::from_bytes(&info.to_bytes()).unwrap(), info);
}

#[test]
fn raw_provider_params_equal_the_typed_getters() {
    let (store, prov) = container("winetest");
    assert_eq!(prov.param(PP_NAME, 0).unwrap(), c_string(prov.name()));
    assert_eq!(prov.param(PP_CONTAINER, 0).unwrap(), c_string("winetest"));
    let unique = prov.param(PP_UNIQUE_CONTAINER, 0).unwrap();
    assert_eq!(unique, c_string(&prov.unique_container().unwrap()));
    assert_eq!(unique.len(), 70); // as Windows reports it, NUL included
    assert_eq!(prov.param(PP_PROVTYPE, 0).unwrap(), dword(1));
    assert_eq!(prov.param(PP_KEYSET_TYPE, 0).unwrap(), dword(0));
    assert_eq!(prov.param(PP_KEYSTORAGE, 0).unwrap(), dword(1));
    assert_eq!(prov.param(PP_KEYSPEC, 0).unwrap(), dword(3));
    assert_eq!(prov.param(PP_SIG_KEYSIZE_INC, 0).unwrap(), dword(8));
    assert_eq!(prov.param(PP_KEYX_KEYSIZE_INC, 0).unwrap(), dword(8));
    assert_eq!(prov.param(PP_IMPTYPE, 0).unwrap(), dword(2));
    assert_eq!(prov.param(PP_VERSION, 0).unwrap(), dword(0x200));
    for unknown in [0, 41, 0xdead] {
        assert_eq!(err_code(prov.param(unknown, 0)), NTE_BAD_TYPE, "{unknown}");
        assert_eq!(
            err_code(prov.set_param(unknown, &[1], 0)),
            NTE_BAD_TYPE,
            "{unknown}"
        );
    }

    let machine = store
        .acquire(
            Some("m"),
            None,
            ProviderType::RSA_AES,
            AcquireFlags::NEWKEYSET | AcquireFlags::MACHINE_KEYSET,
        )
        .unwrap();
    assert_eq!(machine.key_set(), KeySet::Machine);
    assert_eq!(machine.param(PP_KEYSET_TYPE, 0).unwrap(), dword(0x20));
    assert_eq!(machine.param(PP_PROVTYPE, 0).unwrap(), dword(24));

    let verify = store.verify_context(ProviderType::RSA_FULL).unwrap();
    assert_eq!(verify.param(PP_CONTAINER, 0).unwrap(), [0]);
    assert_eq!(
        err_code(verify.param(PP_UNIQUE_CONTAINER, 0)),
        err_code(verify.unique_container())
    );
}

#[test]
fn enumcontainers_loop() {
    let store = KeyStore::in_memory().unwrap();
    let names = ["alpha", "beta", "gamma"];
    for name in names {
        store
            .acquire(
                Some(name),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .unwrap()
            .release(ReleaseFlags::empty())
            .unwrap();
    }
    let prov = store.verify_context(ProviderType::RSA_FULL).unwrap();
    let clone = prov.clone();
    // The Windows loop: CRYPT_FIRST, then flags 0 until ERROR_NO_MORE_ITEMS.
    let mut flags = CRYPT_FIRST;
    let mut seen = Vec::new();
    loop {
        match prov.param(PP_ENUMCONTAINERS, flags) {
            Ok(name) => seen.push(name),
            Err(err) => {
                assert_eq!(err.code(), ERROR_NO_MORE_ITEMS);
                break;
            }
        }
        flags = 0;
    }
    let expected: Vec<Vec<u8>> = names.iter().map(|n| c_string(n)).collect();
    assert_eq!(seen, expected);
    assert_eq!(prov.containers().unwrap(), names);
    // Still at the end, for every clone of the context; CRYPT_FIRST restarts.
    assert_eq!(
        err_code(clone.param(PP_ENUMCONTAINERS, CRYPT_NEXT)),
        ERROR_NO_MORE_ITEMS
    );
    assert_eq!(
        clone.param(PP_ENUMCONTAINERS, CRYPT_FIRST).unwrap(),
        c_string("alpha")
    );
    assert_eq!(
        prov.param(PP_ENUMCONTAINERS, CRYPT_NEXT).unwrap(),
        c_string("beta")
    );
    // The machine key set, asked for with CRYPT_MACHINE_KEYSET, is empty.
    assert_eq!(
        err_code(prov.param(PP_ENUMCONTAINERS, CRYPT_FIRST | 0x20)),
        ERROR_NO_MORE_ITEMS
    );
}

// ---------------------------------------------------------------------------------------------
// CryptSignHash's size query.
// ---------------------------------------------------------------------------------------------

#[test]
fn signature_len_equals_the_signature() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
    assert_eq!(err_code(hash.signature_len(KeySpec::Signature)), NTE_NO_KEY);
    prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(768))
        .unwrap();
    prov.gen_key(AlgId::from(KeySpec::Exchange), PAIR).unwrap();
    hash.hash_data(b"signed").unwrap();
    let len = hash.signature_len(KeySpec::Signature).unwrap();
    // The query does not finish the hash.
    hash.hash_data(b" twice").unwrap();
    assert_eq!(len, 96);
    assert_eq!(hash.sign(KeySpec::Signature, 0).unwrap().len(), len);
    let mut other = prov.create_hash(AlgId::MD5, None).unwrap();
    assert_eq!(other.signature_len(KeySpec::Exchange).unwrap(), 64);
    assert_eq!(other.sign(KeySpec::Exchange, 0).unwrap().len(), 64);
    // A hash sign() refuses, the query refuses the same way.
    let key = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let mac = prov.create_hash(AlgId::MAC, Some(&key)).unwrap();
    assert_eq!(
        err_code(mac.signature_len(KeySpec::Signature)),
        NTE_BAD_ALGID
    );
}

// ---------------------------------------------------------------------------------------------
// AT_KEYEXCHANGE / AT_SIGNATURE and the typed OAEP flag.
// ---------------------------------------------------------------------------------------------

#[test]
fn key_spec_alg_ids_generate_pairs() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let exchange = prov.gen_key(AlgId::AT_KEYEXCHANGE, PAIR).unwrap();
    assert_eq!(exchange.alg_id(), AlgId::RSA_KEYX);
    let signature = prov.gen_key(AlgId::from(KeySpec::Signature), PAIR).unwrap();
    assert_eq!(signature.alg_id(), AlgId::RSA_SIGN);
    assert_eq!(AlgId::from(KeySpec::Exchange), AlgId::AT_KEYEXCHANGE);
    assert_eq!(format!("{:?}", AlgId::AT_SIGNATURE), "AT_SIGNATURE");

    // OAEP SIMPLEBLOB round trip with the typed import flag.
    let session = prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).unwrap();
    let blob = session
        .export(Some(&exchange), BlobType::SimpleBlob, cryptoapi::CRYPT_OAEP)
        .unwrap();
    let imported = prov
        .import_key(
            &blob,
            Some(&exchange),
            KeyFlags::OAEP | KeyFlags::EXPORTABLE,
        )
        .unwrap();
    assert_eq!(
        imported
            .export(None, BlobType::PlaintextKeyBlob, 0)
            .unwrap(),
        session.export(None, BlobType::PlaintextKeyBlob, 0).unwrap()
    );
    assert_eq!(KeyFlags::OAEP.bits(), cryptoapi::CRYPT_OAEP);
}

// ---------------------------------------------------------------------------------------------
// Microsoft's samples, call for call.
// ---------------------------------------------------------------------------------------------

/// A store whose default container exists, as the samples' `CryptAcquireContext(&hProv, NULL,
/// NULL, PROV_RSA_FULL, 0)` expects.
fn store_with_default_container() -> KeyStore {
    let store = KeyStore::in_memory().unwrap();
    store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)
        .unwrap();
    store
}

/// "Example C Program: Duplicating a Session Key".
#[test]
fn sample_duplicating_a_session_key() {
    let store = store_with_default_container();
    // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptGenKey(hCryptProv, CALG_RC4, 0, &hOriginalKey)
    let mut h_original_key = h_crypt_prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    // CryptDuplicateKey(hOriginalKey, NULL, 0, &hDuplicateKey)
    let h_duplicate_key = h_original_key.duplicate().unwrap();
    // dwMode = CRYPT_MODE_ECB; CryptSetKeyParam(hOriginalKey, KP_MODE, (BYTE*)&dwMode, 0)
    let dw_mode: u32 = 2;
    h_original_key
        .set_param(KP_MODE, &dw_mode.to_le_bytes(), 0)
        .unwrap();
    // CryptGenRandom(hCryptProv, 8, pbData)
    let mut pb_data = [0u8; 16];
    h_crypt_prov.gen_random(&mut pb_data[..8]).unwrap();
    // CryptSetKeyParam(hOriginalKey, KP_IV, pbData, 0)
    h_original_key.set_param(KP_IV, &pb_data, 0).unwrap();
    // CryptDestroyKey x2, CryptReleaseContext(hCryptProv, 0)
    h_original_key.destroy().unwrap();
    h_duplicate_key.destroy().unwrap();
    h_crypt_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Example C Program: Setting and Getting Session Key Parameters".
#[test]
fn sample_setting_and_getting_session_key_parameters() {
    let store = store_with_default_container();
    // CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptGenRandom(hProv, 8, pbRandomData)
    let mut pb_random_data = [0u8; 8];
    h_prov.gen_random(&mut pb_random_data).unwrap();
    // CryptGenKey(hProv, CALG_RC4, CRYPT_EXPORTABLE, &hKey)
    let mut h_key = h_prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).unwrap();
    // CryptGetKeyParam(hKey, KP_MODE, (PBYTE)&dwMode, &dwCount, 0): "Default cipher mode: 0"
    let dw_mode = h_key.param(KP_MODE, 0).unwrap();
    assert_eq!(dw_mode, 0u32.to_le_bytes());
    assert_eq!(h_key.mode(), CipherMode::Stream);
    // CryptGetKeyParam(hKey, KP_IV, NULL, &dwCount, 0), then with pbData: no IV on RC4.
    let default_iv = h_key.param(KP_IV, 0).unwrap();
    assert!(default_iv.is_empty());
    // CryptSetKeyParam(hKey, KP_IV, pbRandomData, 0)
    h_key.set_param(KP_IV, &pb_random_data, 0).unwrap();
    // CryptGetKeyParam(hKey, KP_IV, ...) again: "RE-set IV:" still empty.
    assert_eq!(h_key.param(KP_IV, 0).unwrap(), default_iv);
    // CryptDestroyKey(hKey), CryptReleaseContext(hProv, 0)
    h_key.destroy().unwrap();
    h_prov.release(ReleaseFlags::empty()).unwrap();
}
