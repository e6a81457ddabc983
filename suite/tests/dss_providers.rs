//! The DSS-family providers end to end (`MS_DEF_DSS_PROV`, `MS_DEF_DSS_DH_PROV`,
//! `MS_ENH_DSS_DH_PROV`, `MS_DEF_DH_SCHANNEL_PROV`): key-pair generation and its length
//! rules, DSS signatures, key BLOBs (v2 and v3), containers, and Diffie-Hellman agreement.
//!
//! Recorded data: the key BLOBs and DH groups of Wine's `dlls/dssenh/tests/dssenh.c`, which
//! ran on Windows (`data/dssenh-blobs.json`, with each item's source); the expected error
//! codes are those dssenh.c records.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_BLOB_VER3, CipherMode, KP_ALGID, KP_G, KP_P, KP_Q, KP_X,
    Key, KeyFlags, KeySpec, Provider, ProviderType,
};

mod common;
use common::{TempRoot, err_code};

const DATA: &str = include_str!("data/dssenh-blobs.json");

const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_NO_KEY: u32 = 0x8009_000D;
const NTE_BAD_SIGNATURE: u32 = 0x8009_0006;
const NTE_BAD_KEY_STATE: u32 = 0x8009_000B;
const STATUS_INVALID_PARAMETER: u32 = 0xC000_000D;

const DSS: &str = "Microsoft Base DSS Cryptographic Provider";
const DSS_DH: &str = "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider";
const ENH: &str = "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider";
const SCHANNEL: &str = "Microsoft DH SChannel Cryptographic Provider";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn data() -> serde_json::Value {
    serde_json::from_str(DATA).unwrap()
}

fn blob(id: &str) -> Vec<u8> {
    let d = data();
    let item = d["blobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no blob {id}"));
    unhex(item["hex"].as_str().unwrap())
}

/// p and g (little-endian) of a dssenh.c group.
fn group(id: &str) -> (Vec<u8>, Vec<u8>) {
    let d = data();
    let item = d["dh_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no group {id}"));
    (
        unhex(item["p"].as_str().unwrap()),
        unhex(item["g"].as_str().unwrap()),
    )
}

fn verify(name: &str, prov_type: ProviderType) -> Provider {
    let store = cryptoapi::KeyStore::in_memory().unwrap();
    store
        .acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT)
        .unwrap()
}

fn bits(n: u16) -> KeyFlags {
    KeyFlags::empty().with_key_bits(n)
}

#[test]
fn key_length_rules_follow_dssenh() {
    let dss = verify(DSS, ProviderType::DSS);
    // Off the 64-bit step: STATUS_INVALID_PARAMETER for DSS, as dssenh.c records.
    assert_eq!(
        err_code(dss.gen_key(AlgId::AT_SIGNATURE, bits(513))),
        STATUS_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(dss.gen_key(AlgId::DSS_SIGN, bits(448))),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(dss.gen_key(AlgId::DSS_SIGN, bits(1088))),
        NTE_BAD_FLAGS
    );
    for alg in [AlgId::AT_KEYEXCHANGE, AlgId::DH_SF, AlgId::DH_EPHEM] {
        assert_eq!(err_code(dss.gen_key(alg, bits(512))), NTE_BAD_ALGID);
    }
    let dh = verify(DSS_DH, ProviderType::DSS_DH);
    assert_eq!(err_code(dh.gen_key(AlgId::DH_SF, bits(513))), NTE_BAD_FLAGS);
    assert_eq!(
        err_code(dh.gen_key(AlgId::DH_SF, bits(1088))),
        NTE_BAD_FLAGS
    );
    let enh = verify(ENH, ProviderType::DSS_DH);
    assert_eq!(
        err_code(enh.gen_key(AlgId::DH_EPHEM, bits(1040))),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(enh.gen_key(AlgId::DH_EPHEM, bits(4160))),
        NTE_BAD_FLAGS
    );
    // 512 bits, the one length generated here (generation is the slow part).
    let key = dss.gen_key(AlgId::AT_SIGNATURE, bits(512)).unwrap();
    assert_eq!(key.key_bits(), 512);
    assert_eq!(key.alg_id(), AlgId::DSS_SIGN);
}

#[test]
fn recorded_pairs_sign_export_and_verify_on_every_provider() {
    for (name, prov_type) in [
        (DSS, ProviderType::DSS),
        (DSS_DH, ProviderType::DSS_DH),
        (ENH, ProviderType::DSS_DH),
        (SCHANNEL, ProviderType::DH_SCHANNEL),
    ] {
        let prov = verify(name, prov_type);
        let private = blob("wine-dssenh/AT_SIGNATURE_PrivateKey");
        let pair = prov
            .import_key(&private, None, KeyFlags::EXPORTABLE)
            .unwrap();
        let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
        hash.hash_data(b"data to sign").unwrap();
        assert_eq!(hash.signature_len(KeySpec::Signature).unwrap(), 40);
        let mut again = hash.duplicate().unwrap();
        let one = hash.sign(KeySpec::Signature, 0).unwrap();
        let two = again.sign(KeySpec::Signature, 0).unwrap();
        assert_eq!(one.len(), 40);
        assert_ne!(one, two, "two DSS signatures of one hash differ");
        let public = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
        let public = prov.import_key(&public, None, KeyFlags::empty()).unwrap();
        for signature in [&one, &two] {
            let mut check = prov.create_hash(AlgId::SHA1, None).unwrap();
            check.hash_data(b"data to sign").unwrap();
            check.verify_signature(signature, &public, 0).unwrap();
        }
        let mut wrong = prov.create_hash(AlgId::SHA1, None).unwrap();
        wrong.hash_data(b"other data").unwrap();
        assert_eq!(
            err_code(wrong.verify_signature(&one, &public, 0)),
            NTE_BAD_SIGNATURE
        );
        // DSS signs SHA-1 values only.
        let mut md5 = prov.create_hash(AlgId::MD5, None).unwrap();
        md5.hash_data(b"data to sign").unwrap();
        assert_eq!(err_code(md5.sign(KeySpec::Signature, 0)), NTE_BAD_ALGID);
    }
}

#[test]
fn private_blobs_round_trip_byte_for_byte_v2_and_v3() {
    let prov = verify(DSS, ProviderType::DSS);
    let private = blob("wine-dssenh/DSS_SIGN_PrivateKey");
    let key = prov
        .import_key(&private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    let copy = key.duplicate().unwrap();
    let exported = copy.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    assert_eq!(&exported[..], &private[..], "test_duplicate_key's check");
    let v3 = key
        .export(None, BlobType::PrivateKeyBlob, CRYPT_BLOB_VER3)
        .unwrap();
    assert_eq!(v3[1], 3);
    assert_eq!(&v3[8..12], b"DSS4");
    let again = prov.import_key(&v3, None, KeyFlags::EXPORTABLE).unwrap();
    let back = again.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    assert_eq!(&back[..], &private[..]);
    let public_v3 = key
        .export(None, BlobType::PublicKeyBlob, CRYPT_BLOB_VER3)
        .unwrap();
    assert_eq!(&public_v3[8..12], b"DSS3");
    // Not exportable: no private blob.
    let locked = prov.import_key(&private, None, KeyFlags::empty()).unwrap();
    assert_eq!(
        err_code(locked.export(None, BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    assert_eq!(
        err_code(key.export(None, BlobType::PublicKeyBlob, 1)),
        NTE_BAD_FLAGS
    );
}

#[test]
fn pairs_persist_in_containers_apart_from_rsa_ones() {
    let root = TempRoot::new("dss-providers");
    let store = root.store();
    let prov = store
        .acquire(
            Some("shared"),
            Some(ENH),
            ProviderType::DSS_DH,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap();
    assert_eq!(err_code(prov.user_key(KeySpec::Signature)), NTE_NO_KEY);
    assert_eq!(err_code(prov.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    prov.import_key(
        &blob("wine-dssenh/AT_SIGNATURE_PrivateKey"),
        None,
        KeyFlags::empty(),
    )
    .unwrap();
    drop(prov);
    let again = store
        .acquire(
            Some("shared"),
            Some(ENH),
            ProviderType::DSS_DH,
            AcquireFlags::empty(),
        )
        .unwrap();
    let pair = again.user_key(KeySpec::Signature).unwrap();
    assert_eq!((pair.alg_id(), pair.key_bits()), (AlgId::DSS_SIGN, 1024));
    assert_eq!(err_code(again.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    let mut hash = again.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"persisted").unwrap();
    let signature = hash.sign(KeySpec::Signature, 0).unwrap();
    let mut check = again.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(b"persisted").unwrap();
    check.verify_signature(&signature, &pair, 0).unwrap();
    // KP_PERMISSIONS is saved with the pair, as for RSA pairs.
    let mut pair = pair;
    pair.set_permissions(cryptoapi::KeyPermissions::from_bits_retain(0x1b))
        .unwrap();
    let seen = again.user_key(KeySpec::Signature).unwrap();
    assert_eq!(seen.permissions().bits(), 0x1b);
    // The RSA container of the same name is another container.
    assert!(
        store
            .acquire(
                Some("shared"),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::empty()
            )
            .is_err()
    );
}

/// A `CRYPT_PREGEN` key in the dssenh.c group, finished with `KP_X`.
fn pregen<'p>(prov: &'p Provider, alg: AlgId, p: &[u8], g: &[u8]) -> Key<'p> {
    let mut key = prov
        .gen_key(alg, KeyFlags::PREGEN.with_key_bits(512))
        .unwrap();
    assert_eq!(err_code(key.param(KP_P, 0)), NTE_BAD_KEY_STATE);
    key.set_param(KP_P, p, 0).unwrap();
    key.set_param(KP_G, g, 0).unwrap();
    key.set_param(KP_X, &[], 0).unwrap();
    assert_eq!(key.param(KP_P, 0).unwrap(), p);
    assert_eq!(key.param(KP_G, 0).unwrap(), g);
    key
}

#[test]
fn diffie_hellman_agreement_between_two_contexts() {
    let (p, g) = group("wine-dssenh/primeCALG_DH_SF");
    for (name, prov_type, alg) in [
        (DSS_DH, ProviderType::DSS_DH, AlgId::AT_KEYEXCHANGE),
        (ENH, ProviderType::DSS_DH, AlgId::DH_EPHEM),
        (SCHANNEL, ProviderType::DH_SCHANNEL, AlgId::DH_SF),
    ] {
        let alice = verify(name, prov_type);
        let bob = verify(name, prov_type);
        let a = pregen(&alice, alg, &p, &g);
        let b = pregen(&bob, alg, &p, &g);
        let a_pub = a.export(None, BlobType::PublicKeyBlob, 0).unwrap();
        let b_pub = b.export(None, BlobType::PublicKeyBlob, 0).unwrap();
        assert_eq!(&a_pub[8..12], b"\0DH1");
        let mut a_session = alice
            .import_key(&b_pub, Some(&a), KeyFlags::empty())
            .unwrap();
        let mut b_session = bob.import_key(&a_pub, Some(&b), KeyFlags::empty()).unwrap();
        assert_eq!(a_session.alg_id().raw(), 0xAA03, "CALG_AGREEDKEY_ANY");
        for session in [&mut a_session, &mut b_session] {
            session
                .set_param(KP_ALGID, &AlgId::TRIPLE_DES.raw().to_le_bytes(), 0)
                .unwrap();
            assert_eq!(session.alg_id(), AlgId::TRIPLE_DES);
        }
        let mut data = b"Testing shared key.".to_vec();
        a_session.encrypt(&mut data, true).unwrap();
        b_session.decrypt(&mut data, true).unwrap();
        assert_eq!(data, b"Testing shared key.");
        let mut data = b"and back".to_vec();
        b_session.encrypt(&mut data, true).unwrap();
        a_session.decrypt(&mut data, true).unwrap();
        assert_eq!(data, b"and back");
    }
}

#[test]
fn pregen_errors() {
    let (p, g) = group("wine-dssenh/primeCALG_DH_SF");
    let prov = verify(ENH, ProviderType::DSS_DH);
    let mut key = prov
        .gen_key(AlgId::DH_SF, KeyFlags::PREGEN.with_key_bits(512))
        .unwrap();
    // No group yet: no secret, no public key.
    assert_eq!(err_code(key.set_param(KP_X, &[], 0)), NTE_BAD_KEY_STATE);
    assert_eq!(
        err_code(key.export(None, BlobType::PublicKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    key.set_param(KP_P, &p, 0).unwrap();
    key.set_param(KP_G, &g, 0).unwrap();
    key.set_param(KP_X, &[], 0).unwrap();
    // Finished: the group is fixed.
    assert_eq!(err_code(key.set_param(KP_P, &p, 0)), NTE_BAD_KEY_STATE);
    assert!(key.param(KP_Q, 0).is_ok());
    // A DSS key takes no group parameters.
    let mut dss = prov
        .import_key(
            &blob("wine-dssenh/DSS_SIGN_PrivateKey"),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    assert!(dss.set_param(KP_P, &p, 0).is_err());
}

#[test]
fn dss_providers_refuse_ofb_when_set() {
    let prov = verify(ENH, ProviderType::DSS_DH);
    let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
    hash.hash_data(b"GSOC is awesome!\0").unwrap();
    let mut key = prov.derive_key(AlgId::RC2, &mut hash, bits(40)).unwrap();
    assert_eq!(err_code(key.set_mode(CipherMode::Ofb)), NTE_BAD_DATA);
    key.set_mode(CipherMode::Ecb).unwrap();
}

#[test]
fn key_size_increments_are_64() {
    const PP_SIG_KEYSIZE_INC: u32 = 34;
    const PP_KEYX_KEYSIZE_INC: u32 = 35;
    let enh = verify(ENH, ProviderType::DSS_DH);
    assert_eq!(
        enh.param(PP_SIG_KEYSIZE_INC, 0).unwrap(),
        64u32.to_le_bytes()
    );
    assert_eq!(
        enh.param(PP_KEYX_KEYSIZE_INC, 0).unwrap(),
        64u32.to_le_bytes()
    );
    let rsa = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    assert_eq!(
        rsa.param(PP_SIG_KEYSIZE_INC, 0).unwrap(),
        8u32.to_le_bytes()
    );
}

#[test]
fn dh_blobs_v3_and_agreement_errors() {
    const NTE_BAD_PUBLIC_KEY: u32 = 0x8009_0015;
    const NTE_BAD_KEY: u32 = 0x8009_0003;
    let (p, g) = group("wine-dssenh/primeAT_KEYEXCHANGE");
    let prov = verify(ENH, ProviderType::DSS_DH);
    let a = pregen(&prov, AlgId::DH_SF, &p, &g);
    let v3 = a
        .export(None, BlobType::PublicKeyBlob, CRYPT_BLOB_VER3)
        .unwrap();
    assert_eq!((v3[1], &v3[8..12]), (3, &b"\0DH3"[..]));
    // A version 3 public key of the same group agrees as a version 2 one does.
    let b = pregen(&prov, AlgId::DH_SF, &p, &g);
    let v2 = a.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let mut one = prov.import_key(&v2, Some(&b), KeyFlags::empty()).unwrap();
    let mut two = prov.import_key(&v3, Some(&b), KeyFlags::empty()).unwrap();
    for key in [&mut one, &mut two] {
        key.set_param(KP_ALGID, &AlgId::RC4.raw().to_le_bytes(), 0)
            .unwrap();
    }
    let mut data = b"same secret".to_vec();
    one.encrypt(&mut data, true).unwrap();
    two.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"same secret");
    // A DSS key is no agreement key; a session key wraps no DSS/DH blob.
    let dss = prov
        .import_key(
            &blob("wine-dssenh/DSS_SIGN_PrivateKey"),
            None,
            KeyFlags::EXPORTABLE,
        )
        .unwrap();
    assert_eq!(
        err_code(prov.import_key(&v2, Some(&dss), KeyFlags::empty())),
        NTE_BAD_PUBLIC_KEY
    );
    assert_eq!(
        err_code(dss.export(Some(&one), BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY
    );
    // An agreed key takes no other algorithm than a session one.
    let mut agreed = prov.import_key(&v2, Some(&b), KeyFlags::empty()).unwrap();
    assert_eq!(
        err_code(agreed.set_param(KP_ALGID, &AlgId::SHA1.raw().to_le_bytes(), 0)),
        NTE_BAD_ALGID
    );
}
