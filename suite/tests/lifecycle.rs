//! The provider lifecycle through the public API only: acquiring, opening, creating and deleting
//! key containers, the error codes of each misuse, key sets, container names, reference counting,
//! "delete wins", the file store's on-disk guarantees, and hashes and session keys end to end.
//!
//! Every test that touches disk works in its own temporary root ([`TempRoot`]), removed when the
//! test ends (also when it fails).

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs;
use std::path::{Path, PathBuf};

use cryptoapi::{
    AcquireFlags, AlgId, CipherMode, Error, KeyFlags, KeySet, KeyStore, MS_DEF_PROV,
    MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP, MS_ENHANCED_PROV, MS_STRONG_PROV, Provider,
    ProviderType, ReleaseFlags, codes,
};

// The Windows values, spelled out here so that the tests pin them independently of the crate.
mod common;
use common::{TempRoot, err_code, hex};

const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
const NTE_BAD_HASH_STATE: u32 = 0x8009_000C;
const NTE_EXISTS: u32 = 0x8009_000F;
const NTE_BAD_PROV_TYPE: u32 = 0x8009_0014;
const NTE_BAD_KEYSET: u32 = 0x8009_0016;
const NTE_PROV_TYPE_NOT_DEF: u32 = 0x8009_0017;
const NTE_KEYSET_NOT_DEF: u32 = 0x8009_0019;
const NTE_KEYSET_ENTRY_BAD: u32 = 0x8009_001A;
const NTE_PROV_TYPE_NO_MATCH: u32 = 0x8009_001B;
const NTE_BAD_KEYSET_PARAM: u32 = 0x8009_001F;

const FULL: ProviderType = ProviderType::RSA_FULL;
const AES: ProviderType = ProviderType::RSA_AES;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const VERIFY: AcquireFlags = AcquireFlags::VERIFYCONTEXT;
const MACHINE: AcquireFlags = AcquireFlags::MACHINE_KEYSET;

fn counter(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Every file and directory under `dir`, recursively (not `dir` itself).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if fs::symlink_metadata(&path).unwrap().is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

fn hash_hex(prov: &Provider, alg: AlgId, data: &[u8]) -> String {
    let mut hash = prov.create_hash(alg, None).unwrap();
    hash.hash_data(data).unwrap();
    hex(&hash.value().unwrap())
}

#[test]
fn windows_codes_have_their_windows_values() {
    assert_eq!(codes::NTE_BAD_DATA, NTE_BAD_DATA);
    assert_eq!(codes::NTE_BAD_ALGID, NTE_BAD_ALGID);
    assert_eq!(codes::NTE_BAD_FLAGS, NTE_BAD_FLAGS);
    assert_eq!(codes::NTE_BAD_HASH_STATE, NTE_BAD_HASH_STATE);
    assert_eq!(codes::NTE_EXISTS, NTE_EXISTS);
    assert_eq!(codes::NTE_BAD_PROV_TYPE, NTE_BAD_PROV_TYPE);
    assert_eq!(codes::NTE_BAD_KEYSET, NTE_BAD_KEYSET);
    assert_eq!(codes::NTE_PROV_TYPE_NOT_DEF, NTE_PROV_TYPE_NOT_DEF);
    assert_eq!(codes::NTE_KEYSET_NOT_DEF, NTE_KEYSET_NOT_DEF);
    assert_eq!(codes::NTE_KEYSET_ENTRY_BAD, NTE_KEYSET_ENTRY_BAD);
    assert_eq!(codes::NTE_PROV_TYPE_NO_MATCH, NTE_PROV_TYPE_NO_MATCH);
    assert_eq!(codes::NTE_BAD_KEYSET_PARAM, NTE_BAD_KEYSET_PARAM);
    assert_eq!(codes::ERROR_BUSY, 170);
}

#[test]
fn create_open_exists_missing_and_delete() {
    let root = TempRoot::new("basic");
    let store = root.store();
    let path = store.container_path(KeySet::User, "orders").unwrap();
    assert!(path.starts_with(&root.path));
    assert!(!path.exists());

    let created = store.acquire(Some("orders"), None, FULL, NEW).unwrap();
    assert_eq!(created.container(), Some("orders"));
    assert!(!created.is_verify_context());
    assert!(!created.is_silent());
    assert_eq!(created.key_set(), KeySet::User);
    assert_eq!(created.name(), MS_STRONG_PROV);
    assert_eq!(created.prov_type(), FULL);
    assert_eq!(created.ref_count(), 1);
    assert!(path.is_file());
    drop(created);

    let opened = store.acquire(Some("orders"), None, FULL, OPEN).unwrap();
    assert_eq!(opened.container(), Some("orders"));
    let bytes = fs::read(&path).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("orders"), None, FULL, NEW)),
        NTE_EXISTS
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        bytes,
        "a refused NEWKEYSET rewrote the container"
    );
    drop(opened);

    assert_eq!(
        err_code(store.acquire(Some("missing"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(Some("missing"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(Some("missing"), None, FULL, AcquireFlags::DELETEKEYSET)),
        NTE_BAD_KEYSET
    );
    assert_eq!(store.containers(KeySet::User).unwrap(), ["orders"]);

    // DELETEKEYSET included, as a porter passes it...
    store
        .delete_container(Some("orders"), None, FULL, AcquireFlags::DELETEKEYSET)
        .unwrap();
    assert!(!path.exists());
    assert_eq!(
        err_code(store.acquire(Some("orders"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(Some("orders"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(store.containers(KeySet::User).unwrap().is_empty());

    // ...or left out; SILENT is accepted everywhere.
    store.acquire(Some("orders"), None, FULL, NEW).unwrap();
    store
        .delete_container(Some("orders"), None, FULL, OPEN)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some("orders"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    let silent = store
        .acquire(Some("orders"), None, AES, NEW | AcquireFlags::SILENT)
        .unwrap();
    assert!(silent.is_silent());
    drop(silent);
    store
        .delete_container(
            Some("orders"),
            None,
            AES,
            AcquireFlags::DELETEKEYSET | AcquireFlags::SILENT,
        )
        .unwrap();
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

#[test]
fn verify_context_and_flag_errors() {
    let root = TempRoot::new("flags");
    let store = root.store();

    assert_eq!(
        err_code(store.acquire(Some("x"), None, FULL, VERIFY)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(store.acquire(Some("x"), None, FULL, VERIFY | NEW)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(Provider::acquire(Some("x"), None, FULL, VERIFY)),
        NTE_BAD_FLAGS
    );

    for flags in [VERIFY, VERIFY | NEW, VERIFY | AcquireFlags::SILENT] {
        for name in [None, Some("")] {
            let prov = store.acquire(name, None, FULL, flags).unwrap();
            assert!(prov.is_verify_context());
            assert_eq!(prov.container(), None);
            let prov = Provider::acquire(name, None, AES, flags).unwrap();
            assert!(prov.is_verify_context());
            assert_eq!(prov.name(), MS_ENH_RSA_AES_PROV);
        }
    }
    let machine = store.acquire(None, None, FULL, VERIFY | MACHINE).unwrap();
    assert_eq!(machine.key_set(), KeySet::Machine);
    // Verify contexts touch no disk.
    assert!(!root.path.exists());

    // CryptAcquireContext(CRYPT_DELETEKEYSET) is `delete_container` here.
    assert_eq!(
        err_code(store.acquire(Some("x"), None, FULL, AcquireFlags::DELETEKEYSET)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(store.acquire(None, None, FULL, AcquireFlags::DELETEKEYSET)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(Provider::acquire(
            Some("x"),
            None,
            FULL,
            AcquireFlags::DELETEKEYSET
        )),
        NTE_BAD_FLAGS
    );

    store.acquire(Some("kept"), None, FULL, NEW).unwrap();
    let kept_path = store.container_path(KeySet::User, "kept").unwrap();
    let kept_bytes = fs::read(&kept_path).unwrap();
    for flags in [
        AcquireFlags::DELETEKEYSET,
        AcquireFlags::DELETEKEYSET | NEW,
        AcquireFlags::DELETEKEYSET | VERIFY,
        AcquireFlags::from_bits_retain(0x100),
        AcquireFlags::from_bits_retain(0x1000_0000),
        NEW | AcquireFlags::from_bits_retain(0x8000),
    ] {
        assert_eq!(
            err_code(store.acquire(Some("kept"), None, FULL, flags)),
            NTE_BAD_FLAGS,
            "{flags:?}"
        );
    }
    for flags in [
        NEW,
        VERIFY,
        AcquireFlags::DELETEKEYSET | NEW,
        AcquireFlags::from_bits_retain(0x100),
    ] {
        assert_eq!(
            err_code(store.delete_container(Some("kept"), None, FULL, flags)),
            NTE_BAD_FLAGS,
            "{flags:?}"
        );
    }
    // None of the refused calls touched the container.
    assert_eq!(fs::read(&kept_path).unwrap(), kept_bytes);
    assert_eq!(
        store
            .acquire(Some("kept"), None, FULL, OPEN)
            .unwrap()
            .container(),
        Some("kept")
    );
    store
        .delete_container(Some("kept"), None, FULL, OPEN)
        .unwrap();
}

#[test]
fn provider_types_and_names() {
    let root = TempRoot::new("types");
    let store = root.store();
    let ty = ProviderType::from_raw;

    for raw in [0, 1000, u32::MAX] {
        assert_eq!(
            err_code(Provider::verify_context(ty(raw))),
            NTE_BAD_PROV_TYPE,
            "{raw}"
        );
        assert_eq!(
            err_code(store.verify_context(ty(raw))),
            NTE_BAD_PROV_TYPE,
            "{raw}"
        );
        assert_eq!(
            err_code(Provider::acquire(None, None, ty(raw), VERIFY)),
            NTE_BAD_PROV_TYPE
        );
        assert_eq!(
            err_code(store.acquire(Some("c"), None, ty(raw), OPEN)),
            NTE_BAD_PROV_TYPE
        );
        assert_eq!(
            err_code(store.acquire(Some("c"), None, ty(raw), NEW)),
            NTE_BAD_PROV_TYPE
        );
        assert_eq!(
            err_code(store.delete_container(Some("c"), None, ty(raw), OPEN)),
            NTE_BAD_PROV_TYPE
        );
        // The type is checked before the flags and the provider name.
        assert_eq!(
            err_code(store.acquire(Some("c"), None, ty(raw), VERIFY)),
            NTE_BAD_PROV_TYPE
        );
        assert_eq!(
            err_code(store.acquire(None, Some("nope"), ty(raw), VERIFY)),
            NTE_BAD_PROV_TYPE
        );
    }
    // PROV_DSS (3) and PROV_DH_SCHANNEL (18) are defined since the DSS-family providers.
    for raw in [999, 2] {
        assert_eq!(
            err_code(Provider::verify_context(ty(raw))),
            NTE_PROV_TYPE_NOT_DEF,
            "{raw}"
        );
        assert_eq!(
            err_code(store.acquire(None, None, ty(raw), VERIFY)),
            NTE_PROV_TYPE_NOT_DEF
        );
        assert_eq!(
            err_code(store.acquire(Some("c"), None, ty(raw), NEW)),
            NTE_PROV_TYPE_NOT_DEF
        );
        assert_eq!(
            err_code(store.delete_container(Some("c"), None, ty(raw), OPEN)),
            NTE_PROV_TYPE_NOT_DEF
        );
    }
    for raw in [1, 24, 999] {
        assert_eq!(
            err_code(store.acquire(None, Some("No Such Provider"), ty(raw), VERIFY)),
            NTE_KEYSET_NOT_DEF
        );
        assert_eq!(
            err_code(store.acquire(Some("c"), Some("No Such Provider"), ty(raw), NEW)),
            NTE_KEYSET_NOT_DEF
        );
    }
    assert_eq!(
        err_code(store.acquire(None, Some(MS_DEF_PROV), ty(999), VERIFY)),
        NTE_PROV_TYPE_NO_MATCH
    );
    assert_eq!(
        err_code(Provider::acquire(None, Some(MS_DEF_PROV), ty(999), VERIFY)),
        NTE_PROV_TYPE_NO_MATCH
    );
    assert_eq!(
        err_code(store.acquire(None, Some(MS_STRONG_PROV), AES, VERIFY)),
        NTE_PROV_TYPE_NO_MATCH
    );
    assert_eq!(
        err_code(store.acquire(None, Some(MS_ENH_RSA_AES_PROV), FULL, VERIFY)),
        NTE_PROV_TYPE_NO_MATCH
    );
    assert_eq!(
        err_code(store.delete_container(Some("c"), Some(MS_ENHANCED_PROV), AES, OPEN)),
        NTE_PROV_TYPE_NO_MATCH
    );
    // None of these created anything.
    assert!(!root.path.exists());

    // The Windows names, exactly.
    assert_eq!(MS_DEF_PROV, "Microsoft Base Cryptographic Provider v1.0");
    assert_eq!(MS_STRONG_PROV, "Microsoft Strong Cryptographic Provider");
    assert_eq!(
        MS_ENHANCED_PROV,
        "Microsoft Enhanced Cryptographic Provider v1.0"
    );
    assert_eq!(
        MS_ENH_RSA_AES_PROV,
        "Microsoft Enhanced RSA and AES Cryptographic Provider"
    );
    assert_eq!(
        MS_ENH_RSA_AES_PROV_XP,
        "Microsoft Enhanced RSA and AES Cryptographic Provider (Prototype)"
    );
    assert_eq!(FULL.raw(), 1);
    assert_eq!(AES.raw(), 24);

    let named = [
        (MS_DEF_PROV, FULL),
        (MS_STRONG_PROV, FULL),
        (MS_ENHANCED_PROV, FULL),
        (MS_ENH_RSA_AES_PROV, AES),
        (MS_ENH_RSA_AES_PROV_XP, AES),
    ];
    for (name, prov_type) in named {
        let prov = Provider::acquire(None, Some(name), prov_type, VERIFY).unwrap();
        assert_eq!((prov.name(), prov.prov_type()), (name, prov_type));
        // Provider names are case-insensitive, and reported in their canonical spelling.
        let upper = name.to_uppercase();
        let prov = store
            .acquire(None, Some(&upper), prov_type, VERIFY)
            .unwrap();
        assert_eq!(prov.name(), name);
        let other = if prov_type == FULL { AES } else { FULL };
        assert_eq!(
            err_code(Provider::acquire(None, Some(name), other, VERIFY)),
            NTE_PROV_TYPE_NO_MATCH
        );
    }
    // The default provider of each type.
    for provider in [None, Some("")] {
        assert_eq!(
            Provider::acquire(None, provider, FULL, VERIFY)
                .unwrap()
                .name(),
            MS_STRONG_PROV
        );
        assert_eq!(
            Provider::acquire(None, provider, AES, VERIFY)
                .unwrap()
                .name(),
            MS_ENH_RSA_AES_PROV
        );
    }
    assert_eq!(
        Provider::verify_context(FULL).unwrap().name(),
        MS_STRONG_PROV
    );
    assert_eq!(
        Provider::verify_context(AES).unwrap().name(),
        MS_ENH_RSA_AES_PROV
    );

    // Containers are shared by every provider, as the RSA containers are on Windows.
    let base = store
        .acquire(Some("shared"), Some(MS_DEF_PROV), FULL, NEW)
        .unwrap();
    assert_eq!(base.name(), MS_DEF_PROV);
    for (name, prov_type) in named {
        let prov = store
            .acquire(Some("shared"), Some(name), prov_type, OPEN)
            .unwrap();
        assert_eq!((prov.name(), prov.container()), (name, Some("shared")));
        assert_eq!(
            err_code(store.acquire(Some("shared"), Some(name), prov_type, NEW)),
            NTE_EXISTS
        );
    }
    drop(base);
    store
        .delete_container(Some("shared"), Some(MS_ENH_RSA_AES_PROV_XP), AES, OPEN)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some("shared"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
}

#[test]
fn default_container_is_none_or_empty() {
    let root = TempRoot::new("default");
    let store = root.store();
    assert_eq!(
        err_code(store.acquire(None, None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.acquire(Some(""), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );

    let a = store.acquire(None, None, FULL, NEW).unwrap();
    let default_name = a.container().unwrap().to_owned();
    assert!(!default_name.is_empty());
    assert!(!a.is_verify_context());
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        [default_name.as_str()]
    );

    let b = store.acquire(Some(""), None, FULL, OPEN).unwrap();
    assert_eq!(b.container(), Some(default_name.as_str()));
    assert_eq!(a.unique_container().unwrap(), b.unique_container().unwrap());
    let by_name = store.acquire(Some(&default_name), None, AES, OPEN).unwrap();
    assert_eq!(by_name.container(), Some(default_name.as_str()));
    assert_eq!(err_code(store.acquire(None, None, FULL, NEW)), NTE_EXISTS);
    assert_eq!(
        err_code(store.acquire(Some(""), None, FULL, NEW)),
        NTE_EXISTS
    );
    assert_eq!(
        err_code(store.acquire(Some(&default_name), None, FULL, NEW)),
        NTE_EXISTS
    );
    drop((a, b, by_name));

    store.delete_container(Some(""), None, FULL, OPEN).unwrap();
    assert_eq!(
        err_code(store.acquire(None, None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(None, None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(store.containers(KeySet::User).unwrap().is_empty());

    store.acquire(Some(""), None, FULL, NEW).unwrap();
    assert_eq!(
        store.acquire(None, None, FULL, OPEN).unwrap().container(),
        Some(default_name.as_str())
    );
    store
        .delete_container(None, None, FULL, AcquireFlags::DELETEKEYSET)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some(""), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );

    // The machine key set has its own default container.
    let machine = store.acquire(None, None, FULL, NEW | MACHINE).unwrap();
    assert_eq!(machine.container(), Some(default_name.as_str()));
    assert_eq!(
        err_code(store.acquire(None, None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    drop(machine);
    store
        .delete_container(Some(""), None, FULL, MACHINE)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(None, None, FULL, MACHINE)),
        NTE_BAD_KEYSET
    );
}

#[test]
fn machine_keyset_is_a_separate_namespace() {
    let root = TempRoot::new("machine");
    let store = root.store();

    let machine = store
        .acquire(Some("both"), None, FULL, NEW | MACHINE)
        .unwrap();
    assert_eq!(machine.key_set(), KeySet::Machine);
    store
        .acquire(
            Some("machine only"),
            None,
            AES,
            NEW | MACHINE | AcquireFlags::SILENT,
        )
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some("both"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.acquire(Some("machine only"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(Some("both"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );

    store.acquire(Some("user only"), None, FULL, NEW).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("user only"), None, FULL, MACHINE)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(
            Some("user only"),
            None,
            FULL,
            MACHINE | AcquireFlags::DELETEKEYSET
        )),
        NTE_BAD_KEYSET
    );

    // The same name in both key sets: two containers, no NTE_EXISTS.
    let user = store.acquire(Some("both"), None, FULL, NEW).unwrap();
    assert_eq!(user.key_set(), KeySet::User);
    assert_ne!(
        store.container_path(KeySet::User, "both").unwrap(),
        store.container_path(KeySet::Machine, "both").unwrap()
    );

    assert_eq!(machine.containers().unwrap(), ["both", "machine only"]);
    assert_eq!(user.containers().unwrap(), ["both", "user only"]);
    assert_eq!(
        store.containers(KeySet::Machine).unwrap(),
        ["both", "machine only"]
    );
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        ["both", "user only"]
    );
    // Verify contexts list their own key set too.
    assert_eq!(
        store.verify_context(FULL).unwrap().containers().unwrap(),
        ["both", "user only"]
    );
    assert_eq!(
        store
            .acquire(None, None, FULL, VERIFY)
            .unwrap()
            .containers()
            .unwrap(),
        ["both", "user only"]
    );
    assert_eq!(
        store
            .acquire(None, None, AES, VERIFY | MACHINE)
            .unwrap()
            .containers()
            .unwrap(),
        ["both", "machine only"]
    );

    drop((machine, user));
    store
        .delete_container(Some("both"), None, FULL, MACHINE)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some("both"), None, FULL, MACHINE)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        store
            .acquire(Some("both"), None, FULL, OPEN)
            .unwrap()
            .key_set(),
        KeySet::User
    );
    assert_eq!(store.containers(KeySet::Machine).unwrap(), ["machine only"]);
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        ["both", "user only"]
    );
}

#[test]
fn container_name_length_limit() {
    let root = TempRoot::new("length");
    let store = root.store();
    let names = ["n".repeat(260), "é".repeat(260), "🔑".repeat(260)];
    for name in &names {
        let prov = store.acquire(Some(name), None, FULL, NEW).unwrap();
        assert_eq!(prov.container(), Some(name.as_str()));
        drop(prov);
        assert_eq!(
            store
                .acquire(Some(name), None, FULL, OPEN)
                .unwrap()
                .container(),
            Some(name.as_str())
        );
    }
    let mut sorted = names.to_vec();
    sorted.sort();
    assert_eq!(store.containers(KeySet::User).unwrap(), sorted);

    let too_long = [
        "n".repeat(261),
        "é".repeat(261),
        "🔑".repeat(261),
        "a\0b".to_owned(),
        "\0".to_owned(),
    ];
    for name in &too_long {
        for flags in [OPEN, NEW, MACHINE, NEW | MACHINE] {
            assert_eq!(
                err_code(store.acquire(Some(name), None, FULL, flags)),
                NTE_BAD_KEYSET_PARAM
            );
        }
        assert_eq!(
            err_code(store.delete_container(Some(name), None, FULL, OPEN)),
            NTE_BAD_KEYSET_PARAM
        );
        assert_eq!(
            err_code(Provider::acquire(Some(name), None, FULL, OPEN)),
            NTE_BAD_KEYSET_PARAM
        );
    }
    assert_eq!(store.containers(KeySet::User).unwrap(), sorted);

    for name in &names {
        store
            .delete_container(Some(name), None, FULL, OPEN)
            .unwrap();
    }
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

#[test]
fn hostile_names_are_distinct_containers_inside_the_root() {
    let root = TempRoot::new("names");
    let store = root.store();
    let names = [
        "../../x",
        "../x",
        "a/b",
        "a\\b",
        "/abs",
        "C:\\Windows\\x",
        "CON",
        "con",
        "nul",
        "NUL.txt",
        "..",
        ".",
        "x.",
        "ключ 🔑",
        "\u{202e}evil",
        "with spaces",
        " ",
        "  trailing  ",
        "a:b*?<>|\"",
    ];
    for name in names {
        let prov = store.acquire(Some(name), None, FULL, NEW).unwrap();
        assert_eq!(prov.container(), Some(name));
    }
    for name in names {
        let prov = store.acquire(Some(name), None, FULL, OPEN).unwrap();
        assert_eq!(
            prov.container(),
            Some(name),
            "opening {name:?} found another container"
        );
        assert_eq!(
            err_code(store.acquire(Some(name), None, FULL, NEW)),
            NTE_EXISTS,
            "{name:?}"
        );
        let path = store.container_path(KeySet::User, name).unwrap();
        assert!(path.is_file(), "{name:?}");
        assert!(path.starts_with(&root.path), "{name:?}: {}", path.display());
    }
    let mut sorted: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    sorted.sort();
    assert_eq!(store.containers(KeySet::User).unwrap(), sorted);
    assert_eq!(
        store.verify_context(AES).unwrap().containers().unwrap(),
        sorted,
        "a verify context lists the same"
    );

    // Every file the store created is under the root, after resolving `..` and symlinks.
    let canonical_root = fs::canonicalize(&root.path).unwrap();
    let files = walk(&root.path);
    let mut container_files = 0;
    for path in &files {
        let canonical = fs::canonicalize(path).unwrap();
        assert!(
            canonical.starts_with(&canonical_root),
            "{} escaped the root",
            canonical.display()
        );
        if path.extension().is_some_and(|e| e == "ctr") {
            container_files += 1;
        }
    }
    assert_eq!(
        container_files,
        names.len(),
        "one container file per name: {files:#?}"
    );
    // No part of a name reaches the file system: container and lock files are named by the
    // HMAC-SHA-256 of the name under the store's name key, in lowercase hex.
    let store_files = ["name-key", "machine-guid"];
    let key_set_files = files.iter().filter(|p| {
        p.is_file()
            && !store_files
                .iter()
                .any(|f| p.file_name().is_some_and(|n| n == *f))
    });
    for path in key_set_files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap();
        assert!(
            stem.len() == 64
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{}",
            path.display()
        );
    }

    for name in names {
        store
            .delete_container(Some(name), None, FULL, OPEN)
            .unwrap();
        assert_eq!(
            err_code(store.acquire(Some(name), None, FULL, OPEN)),
            NTE_BAD_KEYSET,
            "{name:?}"
        );
    }
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

#[test]
fn add_ref_and_release() {
    let root = TempRoot::new("refs");
    let store = root.store();
    let prov = store.acquire(Some("refs"), None, AES, NEW).unwrap();
    assert_eq!(prov.ref_count(), 1);
    let second = prov.clone();
    assert_eq!((prov.ref_count(), second.ref_count()), (2, 2));
    let third = second.clone();
    assert_eq!(prov.ref_count(), 3);
    assert_eq!(third.container(), Some("refs"));
    drop(third);
    assert_eq!(prov.ref_count(), 2);

    // A bad flag is reported, and the reference is released anyway.
    let err = second
        .release(ReleaseFlags::from_bits_retain(1))
        .unwrap_err();
    assert_eq!(err.code(), NTE_BAD_FLAGS);
    assert!(matches!(err, Error::BadFlags));
    assert_eq!(prov.ref_count(), 1);

    let again = prov.clone();
    assert_eq!(prov.ref_count(), 2);
    assert_eq!(
        again
            .release(ReleaseFlags::from_bits_retain(0x8000_0000))
            .unwrap_err()
            .code(),
        NTE_BAD_FLAGS
    );
    assert_eq!(prov.ref_count(), 1);

    prov.clone().release(ReleaseFlags::empty()).unwrap();
    assert_eq!(prov.ref_count(), 1);
    // The remaining reference still works.
    assert_eq!(
        hash_hex(&prov, AlgId::MD5, b"abc"),
        "900150983cd24fb0d6963f7d28e17f72"
    );

    // Releasing the last reference never deletes the container.
    prov.release(ReleaseFlags::empty()).unwrap();
    let reopened = store.acquire(Some("refs"), None, AES, OPEN).unwrap();
    assert_eq!(reopened.ref_count(), 1);
    let err = reopened
        .release(ReleaseFlags::from_bits_retain(1))
        .unwrap_err();
    assert_eq!(err.code(), NTE_BAD_FLAGS);
    let reopened = store.acquire(Some("refs"), None, AES, OPEN).unwrap();
    drop(reopened);
    assert_eq!(store.containers(KeySet::User).unwrap(), ["refs"]);

    // Verify contexts count references the same way.
    let verify = Provider::verify_context(FULL).unwrap();
    let clones: Vec<Provider> = (0..10).map(|_| verify.clone()).collect();
    assert_eq!(verify.ref_count(), 11);
    drop(clones);
    assert_eq!(verify.ref_count(), 1);
}

#[test]
fn delete_wins_over_an_open_context() {
    let root = TempRoot::new("deletewins");
    let store = root.store();
    store.acquire(Some("doomed"), None, AES, NEW).unwrap();
    store.acquire(Some("bystander"), None, AES, NEW).unwrap();
    let a = store.acquire(Some("doomed"), None, AES, OPEN).unwrap();
    let a2 = a.clone();
    let mut key = a.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let mut early = a.create_hash(AlgId::SHA_256, None).unwrap();
    early.hash_data(b"ab").unwrap();
    let unique = a.unique_container().unwrap();

    // Deleting succeeds while `a` is alive, through another store handle on the same root.
    KeyStore::at(&root.path)
        .delete_container(Some("doomed"), None, AES, OPEN)
        .unwrap();
    assert!(
        !store
            .container_path(KeySet::User, "doomed")
            .unwrap()
            .exists()
    );

    // `a` keeps working on what it holds.
    assert_eq!(a.name(), MS_ENH_RSA_AES_PROV);
    assert_eq!(a.container(), Some("doomed"));
    assert_eq!(
        hash_hex(&a, AlgId::SHA_256, b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    early.hash_data(b"c").unwrap();
    assert_eq!(
        hex(&early.value().unwrap()),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut data = b"still works".to_vec();
    key.encrypt(&mut data, true).unwrap();
    key.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"still works");
    let fresh = a.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    assert_eq!(fresh.key_bits(), 128);
    assert_eq!(a.containers().unwrap(), ["bystander"]);
    assert_eq!(a.unique_container().unwrap(), unique);

    // Dropping every reference succeeds, and the container stays deleted.
    drop((key, fresh, early));
    a2.release(ReleaseFlags::empty()).unwrap();
    a.release(ReleaseFlags::empty()).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("doomed"), None, AES, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(store.containers(KeySet::User).unwrap(), ["bystander"]);
    assert!(
        !store
            .container_path(KeySet::User, "doomed")
            .unwrap()
            .exists()
    );

    // The name is free again; a new container under it is a new container.
    let reborn = store.acquire(Some("doomed"), None, AES, NEW).unwrap();
    assert_eq!(reborn.container(), Some("doomed"));
}

/// Checks `<32 lowercase hex>_<GUID>` and returns (prefix, guid).
#[track_caller]
fn split_unique(unique: &str) -> (String, String) {
    assert_eq!(unique.len(), 69, "{unique}");
    let (prefix, rest) = unique.split_at(32);
    assert!(
        prefix
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{unique}"
    );
    let guid = rest
        .strip_prefix('_')
        .unwrap_or_else(|| panic!("no '_' after the prefix: {unique}"));
    assert_eq!(guid.len(), 36, "{unique}");
    for (i, c) in guid.char_indices() {
        if matches!(i, 8 | 13 | 18 | 23) {
            assert_eq!(c, '-', "{unique}");
        } else {
            assert!(c.is_ascii_hexdigit(), "{unique}");
        }
    }
    (prefix.to_owned(), guid.to_owned())
}

#[test]
fn two_contexts_share_one_container_and_unique_names() {
    let root = TempRoot::new("two");
    let store_a = root.store();
    let store_b = KeyStore::at(&root.path);
    store_a.acquire(Some("c"), None, FULL, NEW).unwrap();
    let a = store_a.acquire(Some("c"), None, FULL, OPEN).unwrap();
    let b = store_b.acquire(Some("c"), None, AES, OPEN).unwrap();

    store_b.acquire(Some("made by b"), None, FULL, NEW).unwrap();
    assert_eq!(a.containers().unwrap(), ["c", "made by b"]);
    assert_eq!(
        store_a
            .acquire(Some("made by b"), None, FULL, OPEN)
            .unwrap()
            .container(),
        Some("made by b")
    );
    store_a
        .delete_container(Some("made by b"), None, FULL, OPEN)
        .unwrap();
    assert_eq!(b.containers().unwrap(), ["c"]);
    assert_eq!(
        err_code(store_b.acquire(Some("made by b"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );

    let unique_a = a.unique_container().unwrap();
    let unique_b = b.unique_container().unwrap();
    assert_eq!(unique_a, unique_b);
    let (prefix_c, guid) = split_unique(&unique_a);
    // Stable across calls and store handles: the GUID is kept in the store.
    assert_eq!(a.unique_container().unwrap(), unique_a);
    assert_eq!(
        KeyStore::at(&root.path)
            .acquire(Some("c"), None, FULL, OPEN)
            .unwrap()
            .unique_container()
            .unwrap(),
        unique_a
    );

    let winetest = store_a.acquire(Some("winetest"), None, FULL, NEW).unwrap();
    let unique = winetest.unique_container().unwrap();
    assert!(
        unique.starts_with("9d20fd8d05ed2b8455d125d0bf6d6a70_"),
        "{unique}"
    );
    let (prefix_w, guid_w) = split_unique(&unique);
    assert_eq!(guid_w, guid, "one GUID per store");
    assert_ne!(prefix_w, prefix_c);

    // Another store has another GUID.
    let other_root = TempRoot::new("two-other");
    let other = other_root
        .store()
        .acquire(Some("winetest"), None, FULL, NEW)
        .unwrap();
    let (prefix_o, guid_o) = split_unique(&other.unique_container().unwrap());
    assert_eq!(prefix_o, prefix_w);
    assert_ne!(guid_o, guid);

    // Verify contexts have no container.
    for verify in [
        Provider::verify_context(FULL).unwrap(),
        Provider::verify_context(AES).unwrap(),
        store_a.verify_context(FULL).unwrap(),
    ] {
        assert_eq!(err_code(verify.unique_container()), NTE_BAD_KEYSET);
    }

    // A deletion through one context's store is seen by the other at once.
    drop(winetest);
    store_b
        .delete_container(Some("c"), None, FULL, OPEN)
        .unwrap();
    assert_eq!(a.containers().unwrap(), ["winetest"]);
    assert_eq!(b.containers().unwrap(), ["winetest"]);
    assert_eq!(
        err_code(store_a.acquire(Some("c"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
}

#[test]
fn corrupt_container_is_reported_and_left_alone() {
    let root = TempRoot::new("corrupt");
    let store = root.store();
    store.acquire(Some("good"), None, FULL, NEW).unwrap();
    let path = store.container_path(KeySet::User, "bad").unwrap();
    let original_len = {
        store.acquire(Some("bad"), None, FULL, NEW).unwrap();
        fs::read(&path).unwrap().len()
    };
    let original = fs::read(&path).unwrap();

    for index in [0, original_len / 2, original_len - 1] {
        let mut bytes = original.clone();
        bytes[index] ^= 0x01;
        fs::write(&path, &bytes).unwrap();

        assert_eq!(
            err_code(store.acquire(Some("bad"), None, FULL, OPEN)),
            NTE_KEYSET_ENTRY_BAD,
            "byte {index}"
        );
        assert_eq!(
            err_code(store.acquire(Some("bad"), None, AES, NEW)),
            NTE_EXISTS,
            "byte {index}"
        );
        assert_eq!(
            fs::read(&path).unwrap(),
            bytes,
            "the corrupt file was changed"
        );
        // Listing skips it; the other containers are unaffected.
        assert_eq!(store.containers(KeySet::User).unwrap(), ["good"]);
        assert_eq!(
            store
                .acquire(Some("good"), None, FULL, OPEN)
                .unwrap()
                .container(),
            Some("good")
        );
    }
    // A truncated and an empty file are corrupt too.
    for bytes in [&original[..original_len - 1], &[][..]] {
        fs::write(&path, bytes).unwrap();
        assert_eq!(
            err_code(store.acquire(Some("bad"), None, FULL, OPEN)),
            NTE_KEYSET_ENTRY_BAD
        );
        assert_eq!(fs::read(&path).unwrap(), bytes);
    }
    // The file of one container copied over another's is refused, not opened as the other.
    fs::copy(store.container_path(KeySet::User, "good").unwrap(), &path).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("bad"), None, FULL, OPEN)),
        NTE_KEYSET_ENTRY_BAD
    );

    // Deleting removes it, and the name can be used again.
    store
        .delete_container(Some("bad"), None, FULL, OPEN)
        .unwrap();
    assert!(!path.exists());
    assert_eq!(
        err_code(store.acquire(Some("bad"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    store.acquire(Some("bad"), None, FULL, NEW).unwrap();
    assert_eq!(
        store
            .acquire(Some("bad"), None, FULL, OPEN)
            .unwrap()
            .container(),
        Some("bad")
    );
    assert_eq!(store.containers(KeySet::User).unwrap(), ["bad", "good"]);
}

#[cfg(unix)]
#[test]
fn files_are_private_on_unix() {
    use std::os::unix::fs::PermissionsExt;

    let root = TempRoot::new("perms");
    let store = root.store();
    let user = store.acquire(Some("u"), None, FULL, NEW).unwrap();
    store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    user.unique_container().unwrap(); // writes the store's GUID file
    store.acquire(Some("gone"), None, FULL, NEW).unwrap();
    store
        .delete_container(Some("gone"), None, FULL, OPEN)
        .unwrap();

    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root.path), 0o700, "the root");
    let files = walk(&root.path);
    let (mut dirs, mut regular) = (0, 0);
    for path in &files {
        let meta = fs::symlink_metadata(path).unwrap();
        if meta.is_dir() {
            dirs += 1;
            assert_eq!(mode(path), 0o700, "{}", path.display());
        } else {
            regular += 1;
            assert!(
                meta.is_file(),
                "{} is neither file nor directory",
                path.display()
            );
            assert_eq!(mode(path), 0o600, "{}", path.display());
        }
    }
    // user/ and machine/; two containers, their lock files, the GUID file (at least).
    assert!(dirs >= 2, "{files:#?}");
    assert!(regular >= 4, "{files:#?}");
    assert_eq!(
        mode(&store.container_path(KeySet::User, "u").unwrap()),
        0o600
    );
    assert_eq!(mode(&store.lock_path(KeySet::Machine, "m").unwrap()), 0o600);
}

#[test]
fn known_hash_values_on_every_provider() {
    let root = TempRoot::new("hash");
    let store = root.store();
    let with_container = store.acquire(Some("hashing"), None, AES, NEW).unwrap();
    let mut providers = vec![with_container];
    for (name, prov_type) in [
        (MS_DEF_PROV, FULL),
        (MS_STRONG_PROV, FULL),
        (MS_ENHANCED_PROV, FULL),
        (MS_ENH_RSA_AES_PROV, AES),
        (MS_ENH_RSA_AES_PROV_XP, AES),
    ] {
        providers.push(Provider::acquire(None, Some(name), prov_type, VERIFY).unwrap());
    }
    for prov in &providers {
        assert_eq!(
            hash_hex(prov, AlgId::MD5, b"abc"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hash_hex(prov, AlgId::SHA1, b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hash_hex(prov, AlgId::MD5, b""),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        if prov.prov_type() == AES {
            assert_eq!(
                hash_hex(prov, AlgId::SHA_256, b"abc"),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            );
            let hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
            assert_eq!((hash.alg_id(), hash.size()), (AlgId::SHA_256, 32));
        } else {
            for alg in [AlgId::SHA_256, AlgId::SHA_384, AlgId::SHA_512] {
                assert_eq!(
                    err_code(prov.create_hash(alg, None)),
                    NTE_BAD_ALGID,
                    "{} {alg:?}",
                    prov.name()
                );
            }
        }
        let md5 = prov.create_hash(AlgId::MD5, None).unwrap();
        assert_eq!((md5.alg_id(), md5.size()), (AlgId::MD5, 16));
        assert_eq!(prov.create_hash(AlgId::SHA1, None).unwrap().size(), 20);
        assert_eq!(err_code(prov.create_hash(AlgId::RC4, None)), NTE_BAD_ALGID);
    }
}

#[test]
fn streaming_hash_equals_one_shot() {
    let prov = Provider::verify_context(AES).unwrap();
    let data = counter(200);
    let expected = [
        (AlgId::MD5, "fb7001d34b8e82c9b579be5005d5b0a5"),
        (AlgId::SHA1, "54d11e99127d159799dbce10f51a75e697780478"),
        (
            AlgId::SHA_256,
            "1901da1c9f699b48f6b2636e65cbf73abf99d0441ef67f5c540a42f7051dec6f",
        ),
    ];
    for (alg, known) in expected {
        let one_shot = hash_hex(&prov, alg, &data);
        assert_eq!(one_shot, known, "{alg:?}");
        assert_ne!(hash_hex(&prov, alg, &data[..199]), one_shot);

        // Chunks of every size 1..=17.
        for size in 1..=17 {
            let mut hash = prov.create_hash(alg, None).unwrap();
            for chunk in data.chunks(size) {
                hash.hash_data(chunk).unwrap();
                hash.hash_data(&[]).unwrap();
            }
            assert_eq!(
                hex(&hash.value().unwrap()),
                one_shot,
                "{alg:?} in chunks of {size}"
            );
        }
        // Every split point, and chunk sizes cycling through 1..=17 from every offset.
        for split in 0..=data.len() {
            let mut hash = prov.create_hash(alg, None).unwrap();
            hash.hash_data(&data[..split]).unwrap();
            let mut copy = hash.duplicate().unwrap();
            hash.hash_data(&data[split..]).unwrap();
            assert_eq!(
                hex(&hash.value().unwrap()),
                one_shot,
                "{alg:?} split at {split}"
            );
            copy.hash_data(&data[split..]).unwrap();
            assert_eq!(
                hex(&copy.value().unwrap()),
                one_shot,
                "{alg:?} duplicate at {split}"
            );
        }
        for start in 1..=17 {
            let mut hash = prov.create_hash(alg, None).unwrap();
            let (mut at, mut size) = (0, start);
            while at < data.len() {
                let end = (at + size).min(data.len());
                hash.hash_data(&data[at..end]).unwrap();
                at = end;
                size = size % 17 + 1;
            }
            assert_eq!(
                hex(&hash.value().unwrap()),
                one_shot,
                "{alg:?} cycling from {start}"
            );
            // A finished hash refuses data and keeps its value.
            assert_eq!(err_code(hash.hash_data(b"x")), NTE_BAD_HASH_STATE);
            assert_eq!(hex(&hash.value().unwrap()), one_shot);
        }
    }
}

#[test]
fn aes_256_round_trips_and_streams() {
    let root = TempRoot::new("aes");
    let prov = root.store().acquire(Some("aes"), None, AES, NEW).unwrap();
    let mut key = prov.gen_key(AlgId::AES_256, KeyFlags::empty()).unwrap();
    assert_eq!(
        (key.alg_id(), key.key_bits(), key.block_bits()),
        (AlgId::AES_256, 256, 128)
    );
    assert_eq!(key.mode(), CipherMode::Cbc);
    let mut other = prov.gen_key(AlgId::AES_256, KeyFlags::empty()).unwrap();
    assert_eq!(
        err_code(
            Provider::verify_context(FULL)
                .unwrap()
                .gen_key(AlgId::AES_256, KeyFlags::empty())
        ),
        NTE_BAD_ALGID
    );

    for len in 0..=70usize {
        let plain = counter(len);
        let mut one_shot = plain.clone();
        key.encrypt(&mut one_shot, true).unwrap();
        assert_eq!(one_shot.len(), (len / 16 + 1) * 16, "len {len}");
        assert_eq!(one_shot.len(), key.encrypted_len(len, true));
        if len >= 8 {
            assert_ne!(&one_shot[..len], &plain[..], "len {len}: not encrypted");
        }
        // A final call resets the key: the same input encrypts the same way again.
        let mut again = plain.clone();
        key.encrypt(&mut again, true).unwrap();
        assert_eq!(again, one_shot, "len {len}");
        let mut by_other = plain.clone();
        other.encrypt(&mut by_other, true).unwrap();
        assert_ne!(by_other, one_shot, "len {len}: two keys encrypt alike");

        let mut round = one_shot.clone();
        key.decrypt(&mut round, true).unwrap();
        assert_eq!(round, plain, "len {len}");

        // Streaming: whole blocks non-final (16 and 32 bytes alternately), the rest final.
        let whole = len / 16 * 16;
        let mut streamed = Vec::new();
        let (mut at, mut step) = (0, 16);
        while at < whole {
            let end = (at + step).min(whole);
            let mut chunk = plain[at..end].to_vec();
            key.encrypt(&mut chunk, false).unwrap();
            assert_eq!(chunk.len(), end - at);
            streamed.extend_from_slice(&chunk);
            at = end;
            step = if step == 16 { 32 } else { 16 };
            // A non-final call that is not whole blocks is refused and changes nothing.
            let mut partial = vec![7u8; 5];
            assert_eq!(err_code(key.encrypt(&mut partial, false)), NTE_BAD_DATA);
            assert_eq!(partial, vec![7u8; 5]);
        }
        let mut tail = plain[whole..].to_vec();
        key.encrypt(&mut tail, true).unwrap();
        streamed.extend_from_slice(&tail);
        assert_eq!(
            streamed, one_shot,
            "len {len}: streaming differs from one-shot"
        );

        // Streaming decryption: every block but the last non-final, the last one final.
        let last = one_shot.len() - 16;
        let mut head = one_shot[..last].to_vec();
        key.decrypt(&mut head, false).unwrap();
        let mut end = one_shot[last..].to_vec();
        key.decrypt(&mut end, true).unwrap();
        head.extend_from_slice(&end);
        assert_eq!(head, plain, "len {len}: streamed decryption");
    }
}

#[test]
fn rc4_round_trips_and_streams() {
    for (name, prov_type, bits) in [
        (MS_DEF_PROV, FULL, 40),
        (MS_ENHANCED_PROV, FULL, 128),
        (MS_ENH_RSA_AES_PROV, AES, 128),
    ] {
        let prov = Provider::acquire(None, Some(name), prov_type, VERIFY).unwrap();
        let mut key = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
        assert_eq!(
            (key.alg_id(), key.key_bits(), key.block_bits()),
            (AlgId::RC4, bits, 0)
        );
        assert_eq!(key.mode(), CipherMode::Stream);

        for len in 0..=70usize {
            let plain = counter(len);
            let mut one_shot = plain.clone();
            key.encrypt(&mut one_shot, true).unwrap();
            assert_eq!(one_shot.len(), len);
            assert_eq!(key.encrypted_len(len, true), len);
            if len >= 8 {
                assert_ne!(one_shot, plain, "{name} len {len}: not encrypted");
            }
            // The final encryption restarted the keystream: a fresh final decryption restores.
            let mut round = one_shot.clone();
            key.decrypt(&mut round, true).unwrap();
            assert_eq!(round, plain, "{name} len {len}");

            // Streaming in uneven non-final chunks, then a final call, equals one-shot.
            let mut streamed = Vec::new();
            let (mut at, mut size) = (0, 1);
            while at + size < len {
                let mut chunk = plain[at..at + size].to_vec();
                key.encrypt(&mut chunk, false).unwrap();
                streamed.extend_from_slice(&chunk);
                at += size;
                size = size % 7 + 1;
            }
            let mut tail = plain[at..].to_vec();
            key.encrypt(&mut tail, true).unwrap();
            streamed.extend_from_slice(&tail);
            assert_eq!(streamed, one_shot, "{name} len {len}: streaming differs");

            // A non-final encryption leaves the keystream running: the next call continues it.
            if len >= 16 {
                let mut first = plain.clone();
                key.encrypt(&mut first, false).unwrap();
                assert_eq!(first, one_shot, "{name} len {len}: the key was not reset");
                let mut second = plain.clone();
                key.encrypt(&mut second, false).unwrap();
                assert_ne!(
                    first, second,
                    "{name} len {len}: keystream restarted without a final call"
                );
                key.encrypt(&mut Vec::new(), true).unwrap(); // a final call resets
                let mut third = plain.clone();
                key.encrypt(&mut third, true).unwrap();
                assert_eq!(third, one_shot);
            }
        }
    }
}

#[test]
fn error_codes_round_trip() {
    let root = TempRoot::new("errors");
    let store = root.store();
    let mut produced = vec![
        store.acquire(Some("x"), None, FULL, OPEN).unwrap_err(),
        store.acquire(Some("x"), None, FULL, VERIFY).unwrap_err(),
        store
            .acquire(Some("x"), None, ProviderType::from_raw(0), OPEN)
            .unwrap_err(),
        store
            .acquire(Some("x"), None, ProviderType::from_raw(999), OPEN)
            .unwrap_err(),
        store.acquire(Some("x"), Some("?"), FULL, OPEN).unwrap_err(),
        store
            .acquire(Some("x"), Some(MS_DEF_PROV), AES, OPEN)
            .unwrap_err(),
        store
            .acquire(Some(&"x".repeat(261)), None, FULL, OPEN)
            .unwrap_err(),
        Provider::verify_context(FULL)
            .unwrap()
            .create_hash(AlgId::SHA_256, None)
            .unwrap_err(),
    ];
    store.acquire(Some("x"), None, FULL, NEW).unwrap();
    produced.push(store.acquire(Some("x"), None, FULL, NEW).unwrap_err());
    let expected = [
        NTE_BAD_KEYSET,
        NTE_BAD_FLAGS,
        NTE_BAD_PROV_TYPE,
        NTE_PROV_TYPE_NOT_DEF,
        NTE_KEYSET_NOT_DEF,
        NTE_PROV_TYPE_NO_MATCH,
        NTE_BAD_KEYSET_PARAM,
        NTE_BAD_ALGID,
        NTE_EXISTS,
    ];
    assert_eq!(
        produced.iter().map(Error::code).collect::<Vec<_>>(),
        expected
    );
    for err in &produced {
        let back = Error::from_code(err.code());
        assert_eq!(back.code(), err.code());
        assert_eq!(back.to_string(), err.to_string());
        assert_eq!(back.windows_name(), err.windows_name());
        assert!(
            err.windows_name().is_some_and(|n| n.starts_with("NTE_")),
            "{err:?}"
        );
        assert!(!matches!(back, Error::Other(_)), "{err:?}");
        assert!(!err.to_string().is_empty());
    }
    assert!(matches!(produced[0], Error::BadKeyset));
    assert!(matches!(Error::from_code(NTE_BAD_KEYSET), Error::BadKeyset));
    assert!(matches!(Error::from_code(NTE_EXISTS), Error::Exists));
    assert!(matches!(
        Error::from_code(NTE_KEYSET_ENTRY_BAD),
        Error::KeysetEntryBad
    ));
    assert!(matches!(Error::from_code(170), Error::Busy));
    assert_eq!(
        Error::from_code(NTE_BAD_FLAGS).windows_name(),
        Some("NTE_BAD_FLAGS")
    );

    let named = [
        2,
        5,
        6,
        8,
        87,
        120,
        122,
        170,
        203,
        207,
        234,
        259,
        1245,
        1359,
        0x8009_0024,
    ];
    for code in named.into_iter().chain(0x8009_0001..=0x8009_0022) {
        let err = Error::from_code(code);
        assert_eq!(err.code(), code, "{code:#x}");
        assert!(!matches!(err, Error::Other(_)), "{code:#x}");
        assert!(err.windows_name().is_some(), "{code:#x}");
        assert_eq!(Error::from_code(err.code()).code(), code);
    }
    for code in [0, 1, 0x8009_0023, 0x8009_0025, 0xdead_beef, u32::MAX] {
        let err = Error::from_code(code);
        assert!(matches!(err, Error::Other(c) if c == code), "{code:#x}");
        assert_eq!(err.code(), code);
        assert_eq!(err.windows_name(), None);
    }
}

#[test]
fn aes_128_and_192_round_trip() {
    let prov = Provider::verify_context(AES).unwrap();
    for (alg, bits) in [(AlgId::AES_128, 128), (AlgId::AES_192, 192)] {
        let mut key = prov.gen_key(alg, KeyFlags::empty()).unwrap();
        assert_eq!(
            (key.alg_id(), key.key_bits(), key.block_bits()),
            (alg, bits, 128)
        );
        for len in 0..=40usize {
            let plain = counter(len);
            let mut one_shot = plain.clone();
            key.encrypt(&mut one_shot, true).unwrap();
            assert_eq!(one_shot.len(), (len / 16 + 1) * 16);
            let whole = len / 16 * 16;
            let mut streamed = plain[..whole].to_vec();
            key.encrypt(&mut streamed, false).unwrap();
            let mut tail = plain[whole..].to_vec();
            key.encrypt(&mut tail, true).unwrap();
            streamed.extend_from_slice(&tail);
            assert_eq!(streamed, one_shot, "{alg:?} len {len}");
            key.decrypt(&mut one_shot, true).unwrap();
            assert_eq!(one_shot, plain, "{alg:?} len {len}");
        }
    }
}

#[test]
fn hashes_and_keys_belong_to_their_provider() {
    let a = Provider::verify_context(AES).unwrap();
    let b = a.clone();
    let hash = a.create_hash(AlgId::MD5, None).unwrap();
    let key = b.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    assert!(std::ptr::eq(hash.provider(), &a));
    assert!(std::ptr::eq(key.provider(), &b));
    assert!(!std::ptr::eq(key.provider(), &a));
    let copy = hash.duplicate().unwrap();
    assert!(std::ptr::eq(copy.provider(), &a));
    assert!(std::ptr::eq(key.duplicate().unwrap().provider(), &b));
    // Destroying is dropping, and never fails.
    copy.destroy().unwrap();
    hash.destroy().unwrap();
    key.destroy().unwrap();
    assert_eq!(a.ref_count(), 2);
}

#[test]
fn memory_store_has_the_same_semantics() {
    let store = KeyStore::in_memory().unwrap();
    assert_eq!(store.root(), None);
    assert_eq!(store.container_path(KeySet::User, "m"), None);
    assert_eq!(store.lock_path(KeySet::User, "m"), None);

    let prov = store.acquire(Some("m"), None, FULL, NEW).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("m"), None, FULL, NEW)),
        NTE_EXISTS
    );
    assert_eq!(
        err_code(store.acquire(Some("m"), None, FULL, MACHINE)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.acquire(Some("x"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    let (prefix, guid) = split_unique(&prov.unique_container().unwrap());
    assert_eq!(prefix.len(), 32);
    // Clones of the store share its containers and GUID; another memory store has neither.
    let clone = store.clone();
    let other = clone.acquire(Some("m"), None, AES, OPEN).unwrap();
    assert_eq!(
        other.unique_container().unwrap(),
        prov.unique_container().unwrap()
    );
    let separate = KeyStore::in_memory().unwrap();
    assert_eq!(
        err_code(separate.acquire(Some("m"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    let elsewhere = separate.acquire(Some("m"), None, FULL, NEW).unwrap();
    assert_ne!(split_unique(&elsewhere.unique_container().unwrap()).1, guid);

    store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    assert_eq!(store.containers(KeySet::User).unwrap(), ["m"]);
    assert_eq!(store.containers(KeySet::Machine).unwrap(), ["m"]);
    assert_eq!(
        store.verify_context(FULL).unwrap().containers().unwrap(),
        ["m"]
    );

    // Delete wins here too.
    clone.delete_container(Some("m"), None, FULL, OPEN).unwrap();
    assert_eq!(prov.container(), Some("m"));
    assert_eq!(
        hash_hex(&prov, AlgId::MD5, b"abc"),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    drop((prov, other));
    assert_eq!(
        err_code(store.acquire(Some("m"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.delete_container(Some("m"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(store.containers(KeySet::User).unwrap().is_empty());
    assert_eq!(store.containers(KeySet::Machine).unwrap(), ["m"]);
}

#[test]
fn disk_failures_are_reported_with_their_source() {
    // A store whose root is a regular file cannot hold containers.
    let root = TempRoot::new("notadir");
    fs::write(&root.path, b"not a directory").unwrap();
    let store = root.store();
    // Refused as something the store would not have made: ERROR_ACCESS_DENIED, naming it.
    let err = store.acquire(Some("c"), None, FULL, NEW).unwrap_err();
    assert_eq!(err.code(), codes::ERROR_ACCESS_DENIED, "{err:?}");
    assert_eq!(err.code(), 5);
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert!(
        err.to_string().contains(&root.path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        err_code(store.containers(KeySet::User)),
        codes::ERROR_ACCESS_DENIED
    );
    assert_eq!(fs::read(&root.path).unwrap(), b"not a directory");
}

#[test]
fn a_zero_lock_timeout_still_writes_when_uncontended() {
    let root = TempRoot::new("zero");
    let store = root.store().with_lock_timeout(std::time::Duration::ZERO);
    store.acquire(Some("z"), None, FULL, NEW).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("z"), None, FULL, NEW)),
        NTE_EXISTS
    );
    store.delete_container(Some("z"), None, FULL, OPEN).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("z"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
}

// Regressions for bugs found in src/ (both fixed).

#[test]
fn a_huge_lock_timeout_does_not_panic() {
    // `Duration::MAX` is the natural way to say "wait as long as it takes"; the crate promises
    // no panic on any input.
    let root = TempRoot::new("forever");
    let store = root.store().with_lock_timeout(std::time::Duration::MAX);
    let prov = store.acquire(Some("x"), None, FULL, NEW).unwrap();
    assert_eq!(prov.container(), Some("x"));
    drop(prov);
    store.delete_container(Some("x"), None, FULL, OPEN).unwrap();
}

#[test]
fn refused_calls_create_nothing_on_disk() {
    // `KeyStore::at`: "Nothing is created on disk until a container is written."
    let root = TempRoot::new("nothing");
    let store = root.store();
    assert_eq!(
        err_code(store.acquire(Some("missing"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(!root.path.exists());
    assert_eq!(
        err_code(store.delete_container(Some("missing"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(
        !root.path.exists(),
        "a refused delete created {:#?}",
        walk(&root.path)
    );
}

// A deleted container leaves no lock file behind (Unix: elsewhere a locked file cannot be
// removed), and the lock stays exclusive while deletes remove its file under other writers.
#[cfg(unix)]
#[test]
fn delete_removes_the_lock_file() {
    let root = TempRoot::new("lockfile");
    let store = root.store();
    let lock = store.lock_path(KeySet::User, "c").unwrap();
    let prov = store
        .acquire(Some("c"), None, FULL, AcquireFlags::NEWKEYSET)
        .unwrap();
    assert!(lock.exists(), "a create takes the writer lock");
    prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    store
        .delete_container(Some("c"), None, FULL, AcquireFlags::empty())
        .unwrap();
    assert!(!lock.exists(), "the delete removed the lock file");
    // The context still open on the deleted container cannot write it back, and its failed
    // write leaves no lock file either.
    assert_eq!(
        err_code(prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(512))),
        NTE_BAD_KEYSET
    );
    assert!(!lock.exists());
    // A failed delete leaves none.
    assert_eq!(
        err_code(store.delete_container(Some("c"), None, FULL, AcquireFlags::empty())),
        NTE_BAD_KEYSET
    );
    assert!(!lock.exists());
    let dir = lock.parent().unwrap();
    let left: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "the key set directory still holds {left:?}"
    );
}

// Threads creating, writing and deleting one container at once: every answer is one the calls
// document, no container is ever half-written or mixed up (a write that lost its lock to a
// delete would show as NTE_KEYSET_ENTRY_BAD or a pair from another writer), and once all are
// done no lock file is left.
#[cfg(unix)]
#[test]
fn concurrent_deletes_keep_the_lock_exclusive() {
    let root = TempRoot::new("lockrace");
    let store = root.store();
    let lock = store.lock_path(KeySet::User, "race").unwrap();
    std::thread::scope(|scope| {
        for t in 0..4u32 {
            let store = store.clone();
            scope.spawn(move || {
                for i in 0..40u32 {
                    let flags = AcquireFlags::NEWKEYSET;
                    match store.acquire(Some("race"), None, FULL, flags) {
                        Ok(prov) => {
                            let blob = plaintext_rc4(t, i);
                            let key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE);
                            assert!(key.is_ok(), "import: {key:?}");
                        }
                        Err(e) => assert_eq!(e.code(), NTE_EXISTS, "create: {e}"),
                    }
                    match store.acquire(Some("race"), None, FULL, AcquireFlags::empty()) {
                        Ok(prov) => match prov.user_key(cryptoapi::KeySpec::Signature) {
                            Ok(_) => panic!("nobody writes a signature pair here"),
                            Err(e) => assert!(
                                [codes::NTE_NO_KEY, NTE_BAD_KEYSET].contains(&e.code()),
                                "user_key: {e}"
                            ),
                        },
                        Err(e) => assert_eq!(e.code(), NTE_BAD_KEYSET, "open: {e}"),
                    }
                    if let Err(e) =
                        store.delete_container(Some("race"), None, FULL, AcquireFlags::empty())
                    {
                        assert_eq!(e.code(), NTE_BAD_KEYSET, "delete: {e}");
                    }
                }
            });
        }
    });
    assert!(!lock.exists(), "the last delete removed the lock file");
}

/// A 128-bit RC4 `PLAINTEXTKEYBLOB` whose bytes name the writer.
fn plaintext_rc4(thread: u32, i: u32) -> Vec<u8> {
    let mut blob = vec![8, 2, 0, 0, 0x01, 0x68, 0, 0, 16, 0, 0, 0];
    blob.extend_from_slice(&thread.to_le_bytes());
    blob.extend_from_slice(&i.to_le_bytes());
    blob.extend_from_slice(&[0x5a; 8]);
    blob
}

// Owned keys and hashes keep their context alive but are not handles: ref_count() counts
// Provider clones only, at every step; duplicates of owned objects are owned; the context's
// container and pairs stay usable after the last Provider handle is gone.
#[test]
fn owned_handles_keep_the_context_alive_without_counting() {
    let root = TempRoot::new("owned");
    let store = root.store();
    let prov = store
        .acquire(Some("owned"), None, FULL, AcquireFlags::NEWKEYSET)
        .unwrap();
    prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let key = prov
        .gen_key(AlgId::RC4, KeyFlags::EXPORTABLE)
        .unwrap()
        .into_owned();
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap().into_owned();
    assert_eq!(prov.ref_count(), 1, "owned objects are not handles");
    let copy = key.duplicate().unwrap();
    let hash_copy = hash.duplicate().unwrap();
    assert_eq!(prov.ref_count(), 1);
    let clone = key.provider().clone(); // a real CryptContextAddRef
    assert_eq!(prov.ref_count(), 2);
    assert_eq!(clone.ref_count(), 2);
    clone.release(ReleaseFlags::empty()).unwrap();
    assert_eq!(prov.ref_count(), 1);
    prov.release(ReleaseFlags::empty()).unwrap();

    // The last handle is gone; the owned objects still work on the open container.
    assert_eq!(key.provider().ref_count(), 0);
    assert_eq!(key.provider().container(), Some("owned"));
    hash.hash_data(b"signed after the last release").unwrap();
    let signature = hash.sign(cryptoapi::KeySpec::Signature, 0).unwrap();
    assert_eq!(signature.len(), 64);
    let exported = copy
        .export(None, cryptoapi::BlobType::PlaintextKeyBlob, 0)
        .unwrap();
    assert_eq!(
        *exported,
        *key.export(None, cryptoapi::BlobType::PlaintextKeyBlob, 0)
            .unwrap()
    );
    drop((key, copy, hash, hash_copy));
    store
        .delete_container(Some("owned"), None, FULL, AcquireFlags::empty())
        .unwrap();
}

// into_owned keeps the object's state: a half-fed hash and a key mid-stream carry on exactly
// as the borrowed originals would have.
#[test]
fn into_owned_keeps_the_state() {
    let prov = Provider::verify_context(AES).unwrap();
    let mut borrowed = prov.create_hash(AlgId::SHA_256, None).unwrap();
    borrowed.hash_data(b"ab").unwrap();
    let mut reference = borrowed.duplicate().unwrap();
    let mut owned = borrowed.into_owned();
    owned.hash_data(b"c").unwrap();
    reference.hash_data(b"c").unwrap();
    assert_eq!(owned.value().unwrap(), reference.value().unwrap());

    let mut key = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    key.set_mode(CipherMode::Ecb).unwrap();
    let mut twin = key.duplicate().unwrap();
    let mut first = vec![7u8; 16];
    key.encrypt(&mut first, false).unwrap();
    twin.encrypt(&mut first.clone(), false).unwrap();
    let mut owned = key.into_owned();
    assert_eq!(owned.mode(), CipherMode::Ecb);
    let (mut a, mut b) = (b"tail".to_vec(), b"tail".to_vec());
    owned.encrypt(&mut a, true).unwrap();
    twin.encrypt(&mut b, true).unwrap();
    assert_eq!(a, b);
}
