//! The provider registry (`CryptEnumProviders`, `CryptEnumProviderTypes`,
//! `CryptGetDefaultProvider`, `CryptSetProviderEx`), the per-provider algorithm tables
//! (`PP_ENUMALGS`, `PP_ENUMALGS_EX`) and that every length, algorithm and hash check follows
//! them, and `PP_KEYSET_SEC_DESCR`.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{
    AcquireFlags, AlgId, CRYPT_DELETE_DEFAULT, CRYPT_FIRST, CRYPT_MACHINE_DEFAULT,
    CRYPT_USER_DEFAULT, KeyFlags, KeyStore, MS_DEF_PROV, MS_DEF_RSA_SCHANNEL_PROV,
    MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP, MS_ENHANCED_PROV, MS_STRONG_PROV, PP_ENUMALGS,
    PP_ENUMALGS_EX, Provider, ProviderType,
};

mod common;
use common::{TempRoot, err_code};

const ERROR_INVALID_PARAMETER: u32 = 87;
const ERROR_NO_MORE_ITEMS: u32 = 259;
const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
const NTE_BAD_PROVIDER: u32 = 0x8009_0013;
const NTE_BAD_PROV_TYPE: u32 = 0x8009_0014;
const NTE_PROV_TYPE_NOT_DEF: u32 = 0x8009_0017;
const NTE_PROV_TYPE_NO_MATCH: u32 = 0x8009_001B;

/// Every provider name this crate opens, with its type.
const PROVIDERS: [(&str, ProviderType); 6] = [
    (MS_DEF_PROV, ProviderType::RSA_FULL),
    (MS_ENHANCED_PROV, ProviderType::RSA_FULL),
    (MS_ENH_RSA_AES_PROV, ProviderType::RSA_AES),
    (MS_DEF_RSA_SCHANNEL_PROV, ProviderType::RSA_SCHANNEL),
    (MS_STRONG_PROV, ProviderType::RSA_FULL),
    (MS_ENH_RSA_AES_PROV_XP, ProviderType::RSA_AES),
];

fn verify(store: &KeyStore, name: &str, prov_type: ProviderType) -> Provider {
    store
        .acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT)
        .unwrap()
}

#[test]
fn the_provider_list_is_windows_registry_order() {
    let list = Provider::enum_providers().unwrap();
    let expected = [
        ("Microsoft Base Cryptographic Provider v1.0", 1),
        (
            "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider",
            13,
        ),
        ("Microsoft Base DSS Cryptographic Provider", 3),
        ("Microsoft DH SChannel Cryptographic Provider", 18),
        ("Microsoft Enhanced Cryptographic Provider v1.0", 1),
        (
            "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider",
            13,
        ),
        ("Microsoft Enhanced RSA and AES Cryptographic Provider", 24),
        ("Microsoft RSA SChannel Cryptographic Provider", 12),
        ("Microsoft Strong Cryptographic Provider", 1),
    ];
    let got: Vec<(&str, u32)> = list.iter().map(|(t, n)| (n.as_str(), t.raw())).collect();
    assert_eq!(got, expected);
    // The XP name of the AES provider opens but is not listed, as on current Windows.
    let store = KeyStore::in_memory().unwrap();
    let xp = verify(&store, MS_ENH_RSA_AES_PROV_XP, ProviderType::RSA_AES);
    assert_eq!(xp.name(), MS_ENH_RSA_AES_PROV_XP);
    // Every listed provider opens under its listed type.
    for (prov_type, name) in &list {
        assert_eq!(verify(&store, name, *prov_type).name(), name);
    }

    let types = Provider::enum_provider_types().unwrap();
    let got: Vec<(u32, &str)> = types.iter().map(|(t, n)| (t.raw(), n.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "RSA Full (Signature and Key Exchange)"),
            (3, "DSS Signature"),
            (12, "RSA SChannel"),
            (13, "DSS Signature with Diffie-Hellman Key Exchange"),
            (18, "Diffie-Hellman SChannel"),
            (24, "RSA Full and AES"),
        ]
    );
}

#[test]
fn machine_defaults_are_windows_own_until_changed() {
    let dir = TempRoot::new("registry");
    let store = dir.store();
    for (prov_type, name) in [
        (ProviderType::RSA_FULL, MS_STRONG_PROV),
        (ProviderType::RSA_AES, MS_ENH_RSA_AES_PROV),
        (ProviderType::RSA_SCHANNEL, MS_DEF_RSA_SCHANNEL_PROV),
    ] {
        assert_eq!(
            store
                .default_provider(prov_type, CRYPT_MACHINE_DEFAULT)
                .unwrap(),
            name
        );
        assert_eq!(store.default_provider(prov_type, 0).unwrap(), name);
        assert_eq!(
            err_code(store.default_provider(prov_type, CRYPT_USER_DEFAULT)),
            NTE_PROV_TYPE_NOT_DEF
        );
        assert_eq!(store.verify_context(prov_type).unwrap().name(), name);
    }
    let t = |raw| ProviderType::from_raw(raw);
    assert_eq!(
        err_code(store.default_provider(t(1), 0xdeadbeef)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(store.default_provider(t(0xdeadbeef), 0)),
        NTE_BAD_PROV_TYPE
    );
    assert_eq!(err_code(store.default_provider(t(0), 0)), NTE_BAD_PROV_TYPE);
    assert_eq!(
        err_code(store.default_provider(t(777), 0)),
        NTE_PROV_TYPE_NOT_DEF
    );
    // Nothing was written by reading.
    assert!(!dir.path.join("user").join("defaults").exists());
}

#[test]
fn user_and_machine_defaults_persist_apart_and_atomically() {
    let dir = TempRoot::new("registry");
    let store = dir.store();
    let full = ProviderType::RSA_FULL;
    store
        .set_default_provider(full, Some(&MS_DEF_PROV.to_uppercase()), CRYPT_USER_DEFAULT)
        .unwrap();
    // The registered spelling is saved; an acquire without a name uses the user's default.
    assert_eq!(
        store.default_provider(full, CRYPT_USER_DEFAULT).unwrap(),
        MS_DEF_PROV
    );
    assert_eq!(
        store.default_provider(full, CRYPT_MACHINE_DEFAULT).unwrap(),
        MS_STRONG_PROV
    );
    assert_eq!(store.verify_context(full).unwrap().name(), MS_DEF_PROV);
    let named = store
        .acquire(Some("c"), None, full, AcquireFlags::NEWKEYSET)
        .unwrap();
    assert_eq!(named.name(), MS_DEF_PROV);

    // Another store object on the same root (as another process would) sees it.
    let again = KeyStore::at(&dir.path);
    assert_eq!(
        again.default_provider(full, CRYPT_USER_DEFAULT).unwrap(),
        MS_DEF_PROV
    );

    // The machine's default changes apart from the user's.
    store
        .set_default_provider(full, Some(MS_ENHANCED_PROV), CRYPT_MACHINE_DEFAULT)
        .unwrap();
    assert_eq!(store.default_provider(full, 0).unwrap(), MS_ENHANCED_PROV);
    assert_eq!(store.verify_context(full).unwrap().name(), MS_DEF_PROV);
    store
        .set_default_provider(full, None, CRYPT_USER_DEFAULT | CRYPT_DELETE_DEFAULT)
        .unwrap();
    assert_eq!(store.verify_context(full).unwrap().name(), MS_ENHANCED_PROV);
    // Deleting the machine's default leaves the type without one.
    store
        .set_default_provider(full, None, CRYPT_MACHINE_DEFAULT | CRYPT_DELETE_DEFAULT)
        .unwrap();
    assert_eq!(
        err_code(store.default_provider(full, CRYPT_MACHINE_DEFAULT)),
        NTE_PROV_TYPE_NOT_DEF
    );
    assert_eq!(err_code(store.verify_context(full)), NTE_PROV_TYPE_NOT_DEF);
    // A named provider still opens.
    assert_eq!(verify(&store, MS_STRONG_PROV, full).name(), MS_STRONG_PROV);
    store
        .set_default_provider(full, Some(MS_STRONG_PROV), CRYPT_MACHINE_DEFAULT)
        .unwrap();
    assert_eq!(store.verify_context(full).unwrap().name(), MS_STRONG_PROV);

    // No temporary file is left in either key set.
    for keyset in ["user", "machine"] {
        for entry in std::fs::read_dir(dir.path.join(keyset)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(!name.ends_with(".tmp"), "{name}");
        }
    }
}

#[test]
fn set_default_errors() {
    let store = KeyStore::in_memory().unwrap();
    let full = ProviderType::RSA_FULL;
    let user = CRYPT_USER_DEFAULT;
    let cases: [(Option<&str>, u32, u32, u32); 8] = [
        (Some(MS_DEF_PROV), 1, 0x100, NTE_BAD_FLAGS),
        (Some(MS_DEF_PROV), 1, CRYPT_DELETE_DEFAULT, NTE_BAD_FLAGS),
        (
            Some(MS_DEF_PROV),
            1,
            CRYPT_USER_DEFAULT | CRYPT_MACHINE_DEFAULT,
            NTE_BAD_FLAGS,
        ),
        (Some(MS_DEF_PROV), 1000, user, NTE_BAD_PROV_TYPE),
        (None, 1, user, ERROR_INVALID_PARAMETER),
        (Some("no such provider"), 1, user, NTE_BAD_PROVIDER),
        (Some(MS_DEF_PROV), 24, user, NTE_PROV_TYPE_NO_MATCH),
        (Some(MS_ENH_RSA_AES_PROV), 1, user, NTE_PROV_TYPE_NO_MATCH),
    ];
    for (name, raw, flags, code) in cases {
        let got = err_code(store.set_default_provider(ProviderType::from_raw(raw), name, flags));
        assert_eq!(got, code, "{name:?} {raw} {flags:#x}");
    }
    // Nothing changed.
    assert_eq!(store.verify_context(full).unwrap().name(), MS_STRONG_PROV);
}

#[test]
fn enumalgs_walks_each_providers_table() {
    let store = KeyStore::in_memory().unwrap();
    for (name, prov_type) in PROVIDERS {
        let prov = verify(&store, name, prov_type);
        let table = prov.algorithms();
        assert!(!table.is_empty());
        for id in [PP_ENUMALGS, PP_ENUMALGS_EX] {
            let mut rows = vec![prov.param(id, CRYPT_FIRST).unwrap()];
            loop {
                match prov.param(id, 0) {
                    Ok(row) => rows.push(row),
                    Err(err) => {
                        assert_eq!(err.code(), ERROR_NO_MORE_ITEMS);
                        break;
                    }
                }
            }
            assert_eq!(rows.len(), table.len(), "{name}");
            assert_eq!(err_code(prov.param_len(id, 0)), ERROR_NO_MORE_ITEMS);
            for (raw, info) in rows.iter().zip(table) {
                let dw = |i: usize| u32::from_le_bytes(raw[4 * i..4 * i + 4].try_into().unwrap());
                let text = |field: &[u8], len: u32| {
                    assert_eq!(field[len as usize - 1], 0);
                    String::from_utf8(field[..len as usize - 1].to_vec()).unwrap()
                };
                assert_eq!(dw(0), info.alg.raw());
                assert_eq!(dw(1), info.default_bits);
                if id == PP_ENUMALGS {
                    assert_eq!(raw.len(), 32);
                    assert_eq!(text(&raw[12..32], dw(2)), info.name);
                } else {
                    assert_eq!(raw.len(), 88);
                    assert_eq!(
                        (dw(2), dw(3), dw(4)),
                        (info.min_bits, info.max_bits, info.protocols)
                    );
                    assert_eq!(text(&raw[24..44], dw(5)), info.name);
                    assert_eq!(text(&raw[48..88], dw(11)), info.long_name);
                }
            }
        }
        // CRYPT_FIRST restarts.
        let first = prov.param(PP_ENUMALGS_EX, CRYPT_FIRST).unwrap();
        assert_eq!(prov.param(PP_ENUMALGS_EX, CRYPT_FIRST).unwrap(), first);
    }
    // Microsoft's published values for the Base provider's RC4 and the Enhanced provider's
    // RSA exchange pair.
    let base = verify(&store, MS_DEF_PROV, ProviderType::RSA_FULL);
    let rc4 = base
        .algorithms()
        .iter()
        .find(|a| a.alg == AlgId::RC4)
        .unwrap();
    assert_eq!((rc4.default_bits, rc4.min_bits, rc4.max_bits), (40, 40, 56));
    let enhanced = verify(&store, MS_ENHANCED_PROV, ProviderType::RSA_FULL);
    let keyx = enhanced
        .algorithms()
        .iter()
        .find(|a| a.alg == AlgId::RSA_KEYX)
        .unwrap();
    assert_eq!(
        (keyx.default_bits, keyx.min_bits, keyx.max_bits),
        (1024, 384, 16384)
    );
    assert_eq!(
        (keyx.name, keyx.long_name),
        ("RSA_KEYX", "RSA Key Exchange")
    );
}

/// The block and stream ciphers of the catalogue: a table row makes an algorithm usable as a
/// key, with exactly the row's lengths.
const CIPHERS: [AlgId; 9] = [
    AlgId::RC2,
    AlgId::RC4,
    AlgId::DES,
    AlgId::TRIPLE_DES_112,
    AlgId::TRIPLE_DES,
    AlgId::AES_128,
    AlgId::AES_192,
    AlgId::AES_256,
    AlgId::AES,
];

const HASHES: [AlgId; 10] = [
    AlgId::MD2,
    AlgId::MD4,
    AlgId::MD5,
    AlgId::SHA1,
    AlgId::SHA_256,
    AlgId::SHA_384,
    AlgId::SHA_512,
    AlgId::SSL3_SHAMD5,
    AlgId::RC4,
    AlgId::RSA_SIGN,
];

#[test]
fn every_check_follows_the_table() {
    let store = KeyStore::in_memory().unwrap();
    for (name, prov_type) in PROVIDERS {
        let prov = verify(&store, name, prov_type);
        let row = |alg: AlgId| prov.algorithms().iter().find(|a| a.alg == alg);
        for alg in CIPHERS {
            match row(alg) {
                None => assert_eq!(
                    err_code(prov.gen_key(alg, KeyFlags::empty())),
                    NTE_BAD_ALGID,
                    "{name} {alg:?}"
                ),
                Some(info) => {
                    let key = prov.gen_key(alg, KeyFlags::empty()).unwrap();
                    // DES keys report their storage length (parity bits included).
                    let reported = match alg {
                        AlgId::DES => 64,
                        AlgId::TRIPLE_DES_112 => 128,
                        AlgId::TRIPLE_DES => 192,
                        _ => info.default_bits,
                    };
                    assert_eq!(key.key_bits(), reported, "{name} {alg:?}");
                    if info.min_bits != info.max_bits {
                        for bits in [info.min_bits, info.max_bits] {
                            let flags = KeyFlags::empty().with_key_bits(bits as u16);
                            assert_eq!(prov.gen_key(alg, flags).unwrap().key_bits(), bits);
                        }
                        let over = KeyFlags::empty().with_key_bits(info.max_bits as u16 + 8);
                        assert!(prov.gen_key(alg, over).is_err(), "{name} {alg:?}");
                    }
                }
            }
        }
        for alg in HASHES {
            let offered = row(alg).is_some() && alg.raw() & 0xE000 == 0x8000;
            let created = prov.create_hash(alg, None);
            assert_eq!(created.is_ok(), offered, "{name} {alg:?}");
            if !offered {
                assert_eq!(err_code(created), NTE_BAD_ALGID);
            }
        }
        // The exchange pair's default length is the table's.
        let keyx = row(AlgId::RSA_KEYX).unwrap();
        let too_long =
            KeyFlags::empty().with_key_bits((keyx.max_bits + 8).min(u16::MAX.into()) as u16);
        if keyx.max_bits < 16384 {
            assert!(prov.gen_key(AlgId::RSA_KEYX, too_long).is_err());
        }
    }
}
