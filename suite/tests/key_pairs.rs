//! RSA key pairs in key containers: the exchange (`AT_KEYEXCHANGE`) and signature
//! (`AT_SIGNATURE`) slots, how `CryptGenKey`, `CryptImportKey` and `CryptGetUserKey` fill and
//! read them, across contexts, releases and processes, and what the pairs do: key BLOBs,
//! `SIMPLEBLOB` wrapping, encryption and signatures.
//!
//! Every test works in its own key store under a unique temporary directory, removed at the end.
//! Pairs are 512 bits, the shortest length Windows generates by default (the Base provider's):
//! key generation is the slow part. The cross-process test re-executes this binary: a `child_*`
//! test does nothing unless its environment variable is set, and reports on stdout with
//! `RESULT` lines.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::path::PathBuf;
use std::process::Output;

use cryptoapi::codes::{
    NTE_BAD_DATA, NTE_BAD_KEY, NTE_BAD_KEY_STATE, NTE_BAD_KEYSET, NTE_BAD_SIGNATURE, NTE_NO_KEY,
};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_NOHASHOID, CRYPT_OAEP, Key, KeyFlags, KeySet, KeySpec,
    KeyStore, MS_DEF_PROV, Provider, ProviderType, ReleaseFlags,
};

mod common;
use common::{
    TempRoot, assert_child_passed, child_command, describe, err_code, hex, unhex, wait_output,
};

const FULL: ProviderType = ProviderType::RSA_FULL;
const AES: ProviderType = ProviderType::RSA_AES;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const VERIFY: AcquireFlags = AcquireFlags::VERIFYCONTEXT;
const BITS: u16 = 512;
/// `AT_KEYEXCHANGE` and `AT_SIGNATURE` as `ALG_ID`s, as `CryptGenKey` takes them.
const AT_KEYEXCHANGE: AlgId = AlgId::from_raw(1);
const AT_SIGNATURE: AlgId = AlgId::from_raw(2);
const ENV_ROOT: &str = "CRYPTOAPI_PAIRS_ROOT";
const ENV_PUBLIC: &str = "CRYPTOAPI_PAIRS_PUBLIC";
const ENV_CIPHERTEXT: &str = "CRYPTOAPI_PAIRS_CIPHERTEXT";

fn flags(bits: u16, exportable: bool) -> KeyFlags {
    let base = if exportable {
        KeyFlags::EXPORTABLE
    } else {
        KeyFlags::empty()
    };
    base.with_key_bits(bits)
}

fn public(key: &Key<'_>) -> Vec<u8> {
    key.export(None, BlobType::PublicKeyBlob, 0)
        .unwrap()
        .to_vec()
}

/// The public blob of the context's pair in `spec`.
fn slot_public(prov: &Provider, spec: KeySpec) -> Vec<u8> {
    public(&prov.user_key(spec).unwrap())
}

/// `CryptEncrypt(final = TRUE, flags)` of a copy of `data`.
fn encrypt(key: &mut Key<'_>, data: &[u8], flags: u32) -> cryptoapi::Result<Vec<u8>> {
    let mut out = data.to_vec();
    key.encrypt_with(None, true, flags, &mut out)?;
    Ok(out)
}

fn decrypt(key: &mut Key<'_>, data: &[u8], flags: u32) -> cryptoapi::Result<Vec<u8>> {
    let mut out = data.to_vec();
    key.decrypt_with(None, true, flags, &mut out)?;
    Ok(out)
}

/// `CryptCreateHash(SHA-1)` of `data`.
fn sha1<'p>(prov: &'p Provider, data: &[u8]) -> cryptoapi::Hash<'p> {
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(data).unwrap();
    hash
}

#[test]
fn windows_codes_are_the_documented_values() {
    assert_eq!(
        [
            NTE_BAD_KEY,
            NTE_BAD_DATA,
            NTE_BAD_SIGNATURE,
            NTE_BAD_KEY_STATE,
            NTE_NO_KEY,
            NTE_BAD_KEYSET
        ],
        [
            0x8009_0003,
            0x8009_0005,
            0x8009_0006,
            0x8009_000B,
            0x8009_000D,
            0x8009_0016
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Slots: generation, visibility, persistence
// ---------------------------------------------------------------------------------------------

#[test]
fn a_generated_pair_is_seen_at_once_by_another_context_on_the_container() {
    let root = TempRoot::new("visible");
    let store = root.store();
    let first = store.acquire(Some("shared"), None, FULL, NEW).unwrap();
    let second = store.acquire(Some("shared"), None, FULL, OPEN).unwrap();
    assert_eq!(err_code(second.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    assert_eq!(err_code(second.user_key(KeySpec::Signature)), NTE_NO_KEY);

    let mut pair = first.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    assert_eq!(pair.alg_id(), AlgId::RSA_KEYX);
    assert_eq!((pair.key_bits(), pair.block_bits()), (512, 512));

    let mut seen = second.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(seen.alg_id(), AlgId::RSA_KEYX);
    assert_eq!(public(&seen), public(&pair));
    assert_eq!(err_code(second.user_key(KeySpec::Signature)), NTE_NO_KEY);
    // The other context holds the private half too: it decrypts what the pair encrypts, and the
    // other way round.
    let ct = encrypt(&mut pair, b"across contexts", 0).unwrap();
    assert_eq!(decrypt(&mut seen, &ct, 0).unwrap(), b"across contexts");
    let ct = encrypt(&mut seen, b"and back", 0).unwrap();
    assert_eq!(decrypt(&mut pair, &ct, 0).unwrap(), b"and back");

    // A signature pair, made with the raw AT_SIGNATURE, lands in the other slot.
    let sig_pair = second.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    assert_eq!(sig_pair.alg_id(), AlgId::RSA_SIGN);
    assert_eq!(slot_public(&first, KeySpec::Signature), public(&sig_pair));
    assert_eq!(slot_public(&first, KeySpec::Exchange), public(&pair));
}

#[test]
fn calg_rsa_keyx_and_calg_rsa_sign_pick_the_slots_too() {
    let root = TempRoot::new("calg");
    let store = root.store();
    let prov = store.acquire(Some("c"), None, FULL, NEW).unwrap();
    let sign = prov.gen_key(AlgId::RSA_SIGN, flags(BITS, false)).unwrap();
    assert_eq!(err_code(prov.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    assert_eq!(slot_public(&prov, KeySpec::Signature), public(&sign));
    let keyx = prov.gen_key(AlgId::RSA_KEYX, flags(BITS, false)).unwrap();
    assert_eq!(slot_public(&prov, KeySpec::Exchange), public(&keyx));
    assert_eq!(slot_public(&prov, KeySpec::Signature), public(&sign));
}

#[test]
fn a_pair_survives_releasing_the_context() {
    let root = TempRoot::new("release");
    let store = root.store();
    let prov = store.acquire(Some("kept"), None, FULL, NEW).unwrap();
    let mut pair = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, true)).unwrap();
    let blob = public(&pair);
    let private = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    let ct = encrypt(&mut pair, b"kept on disk", 0).unwrap();
    drop(pair);
    prov.release(ReleaseFlags::empty()).unwrap();

    // A new store object on the same root: nothing is cached in memory.
    let again = root
        .store()
        .acquire(Some("kept"), None, FULL, OPEN)
        .unwrap();
    let mut pair = again.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(public(&pair), blob);
    assert_eq!(decrypt(&mut pair, &ct, 0).unwrap(), b"kept on disk");
    // The exportable flag is kept with the pair.
    assert_eq!(pair.permissions().bits(), 0x3F);
    assert_eq!(
        pair.export(None, BlobType::PrivateKeyBlob, 0)
            .unwrap()
            .to_vec(),
        private.to_vec()
    );
    // Other providers of the type read the same container.
    let base = root
        .store()
        .acquire(Some("kept"), Some(MS_DEF_PROV), FULL, OPEN)
        .unwrap();
    assert_eq!(slot_public(&base, KeySpec::Exchange), blob);
}

#[test]
fn verify_contexts_have_no_pair_until_one_is_made_and_keep_it_to_themselves() {
    let root = TempRoot::new("verify");
    let store = root.store();
    let first = store.acquire(None, None, FULL, VERIFY).unwrap();
    let second = store.acquire(None, None, FULL, VERIFY).unwrap();
    for spec in [KeySpec::Exchange, KeySpec::Signature] {
        assert_eq!(err_code(first.user_key(spec)), NTE_NO_KEY);
    }
    let pair = first.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    assert_eq!(slot_public(&first, KeySpec::Exchange), public(&pair));
    assert_eq!(err_code(first.user_key(KeySpec::Signature)), NTE_NO_KEY);
    // Another verify context has its own (empty) slots; nothing went to disk.
    assert_eq!(err_code(second.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        Vec::<String>::new()
    );
    assert!(!root.path.exists(), "a verify context wrote to the store");
    // Without a pair, signing fails with NTE_NO_KEY.
    assert_eq!(
        err_code(sha1(&first, b"x").sign(KeySpec::Signature, 0)),
        NTE_NO_KEY
    );
}

#[test]
fn generating_a_second_pair_replaces_the_first() {
    let root = TempRoot::new("replace");
    let store = root.store();
    let prov = store.acquire(Some("r"), None, FULL, NEW).unwrap();
    let mut old = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let old_blob = public(&old);
    let ct = encrypt(&mut old, b"for the old pair", 0).unwrap();
    let new = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    assert_ne!(public(&new), old_blob);
    assert_eq!(slot_public(&prov, KeySpec::Exchange), public(&new));
    let other = store.acquire(Some("r"), None, FULL, OPEN).unwrap();
    assert_eq!(slot_public(&other, KeySpec::Exchange), public(&new));
    // The key object of the old pair still works; the slot's pair cannot read its ciphertext.
    assert_eq!(decrypt(&mut old, &ct, 0).unwrap(), b"for the old pair");
    let mut current = other.user_key(KeySpec::Exchange).unwrap();
    current.set_pkcs1_rejection(cryptoapi::Pkcs1Rejection::Explicit);
    assert_ne!(
        decrypt(&mut current, &ct, 0).ok().as_deref(),
        Some(&b"for the old pair"[..])
    );
    // Same in a verify context.
    let verify = store.acquire(None, None, FULL, VERIFY).unwrap();
    let a = verify.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    let b = verify.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    assert_ne!(public(&a), public(&b));
    assert_eq!(slot_public(&verify, KeySpec::Signature), public(&b));
}

#[test]
fn pairs_written_at_the_same_time_into_both_slots_are_both_kept() {
    let root = TempRoot::new("race");
    let store = root.store();
    store.acquire(Some("race"), None, FULL, NEW).unwrap();
    for round in 0..6 {
        let made: Vec<(KeySpec, Vec<u8>)> = std::thread::scope(|s| {
            let threads: Vec<_> = [
                (KeySpec::Exchange, AT_KEYEXCHANGE),
                (KeySpec::Signature, AT_SIGNATURE),
            ]
            .into_iter()
            .map(|(spec, alg)| {
                let store = store.clone();
                s.spawn(move || {
                    let prov = store.acquire(Some("race"), None, FULL, OPEN).unwrap();
                    let pair = prov.gen_key(alg, flags(BITS, false)).unwrap();
                    (spec, public(&pair))
                })
            })
            .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        let check = root
            .store()
            .acquire(Some("race"), None, FULL, OPEN)
            .unwrap();
        for (spec, blob) in made {
            assert_eq!(
                slot_public(&check, spec),
                blob,
                "round {round}: {spec:?} was lost"
            );
        }
    }
}

#[test]
fn default_and_allowed_pair_lengths() {
    let base = Provider::acquire(None, Some(MS_DEF_PROV), FULL, VERIFY).unwrap();
    let strong = Provider::verify_context(FULL).unwrap();
    // Base: 512 bits by default, exchange pairs up to 1024; the others: 1024 by default.
    assert_eq!(
        base.gen_key(AT_KEYEXCHANGE, KeyFlags::empty())
            .unwrap()
            .key_bits(),
        512
    );
    assert_eq!(
        base.gen_key(AT_SIGNATURE, KeyFlags::empty())
            .unwrap()
            .key_bits(),
        512
    );
    assert_eq!(
        strong
            .gen_key(AT_KEYEXCHANGE, KeyFlags::empty())
            .unwrap()
            .key_bits(),
        1024
    );
    assert!(base.gen_key(AT_KEYEXCHANGE, flags(1032, false)).is_err());
    // 384 is the shortest, in steps of 8.
    assert_eq!(
        strong
            .gen_key(AT_SIGNATURE, flags(384, false))
            .unwrap()
            .key_bits(),
        384
    );
    for bits in [376, 388, 513] {
        assert!(
            strong.gen_key(AT_SIGNATURE, flags(bits, false)).is_err(),
            "{bits} bits"
        );
    }
    // The slot still holds the last pair that was made.
    assert_eq!(strong.user_key(KeySpec::Signature).unwrap().key_bits(), 384);
}

// ---------------------------------------------------------------------------------------------
// BLOBs
// ---------------------------------------------------------------------------------------------

/// An exportable pair's `PRIVATEKEYBLOB`, made in a throwaway verify context.
fn private_blob(alg: AlgId) -> Vec<u8> {
    let prov = Provider::verify_context(FULL).unwrap();
    let pair = prov.gen_key(alg, flags(BITS, true)).unwrap();
    pair.export(None, BlobType::PrivateKeyBlob, 0)
        .unwrap()
        .to_vec()
}

#[test]
fn an_imported_private_blob_goes_to_the_slot_its_alg_id_names() {
    let root = TempRoot::new("import-slot");
    let store = root.store();
    let sign_blob = private_blob(AlgId::RSA_SIGN);
    let keyx_blob = private_blob(AlgId::RSA_KEYX);
    assert_eq!(&sign_blob[4..8], &0x2400u32.to_le_bytes());
    assert_eq!(&keyx_blob[4..8], &0xa400u32.to_le_bytes());

    let signer = store.acquire(Some("sign"), None, FULL, NEW).unwrap();
    let key = signer
        .import_key(&sign_blob, None, KeyFlags::empty())
        .unwrap();
    assert_eq!(key.alg_id(), AlgId::RSA_SIGN);
    assert_eq!(err_code(signer.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    let other = store.acquire(Some("sign"), None, FULL, OPEN).unwrap();
    assert_eq!(slot_public(&other, KeySpec::Signature), public(&key));

    let exchanger = store.acquire(Some("keyx"), None, FULL, NEW).unwrap();
    let key = exchanger
        .import_key(&keyx_blob, None, KeyFlags::empty())
        .unwrap();
    assert_eq!(key.alg_id(), AlgId::RSA_KEYX);
    assert_eq!(err_code(exchanger.user_key(KeySpec::Signature)), NTE_NO_KEY);
    assert_eq!(slot_public(&exchanger, KeySpec::Exchange), public(&key));

    // An import replaces the pair in its slot, and only that one.
    exchanger
        .import_key(&sign_blob, None, KeyFlags::empty())
        .unwrap();
    assert_eq!(slot_public(&exchanger, KeySpec::Exchange), public(&key));
    assert_eq!(
        slot_public(&exchanger, KeySpec::Signature),
        slot_public(&other, KeySpec::Signature)
    );
}

#[test]
fn importing_a_public_blob_does_not_change_the_container() {
    let root = TempRoot::new("import-public");
    let store = root.store();
    let prov = store.acquire(Some("p"), None, FULL, NEW).unwrap();
    let pair = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let file = store.container_path(KeySet::User, "p").unwrap();
    let on_disk = std::fs::read(&file).unwrap();

    let stranger = Provider::verify_context(FULL).unwrap();
    let other_pair = stranger
        .gen_key(AT_KEYEXCHANGE, flags(BITS, false))
        .unwrap();
    let imported = prov
        .import_key(&public(&other_pair), None, KeyFlags::empty())
        .unwrap();
    assert_eq!(imported.alg_id(), AlgId::RSA_KEYX);
    assert_eq!(imported.permissions().bits(), 0x3B);
    assert_eq!(public(&imported), public(&other_pair));
    assert_eq!(slot_public(&prov, KeySpec::Exchange), public(&pair));
    assert_eq!(err_code(prov.user_key(KeySpec::Signature)), NTE_NO_KEY);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        on_disk,
        "the container file changed"
    );
    // A public key has no private half: it cannot decrypt or be exported as a private blob.
    let mut imported = imported;
    assert_eq!(
        err_code(decrypt(&mut imported, &[0; 64], 0)),
        NTE_NO_KEY,
        "decrypting with a public key"
    );
    assert_eq!(
        err_code(imported.export(None, BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
}

#[test]
fn private_blobs_export_only_from_exportable_pairs_and_round_trip() {
    let prov = Provider::verify_context(FULL).unwrap();
    let locked = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    assert_eq!(locked.permissions().bits(), 0x3B);
    assert_eq!(
        err_code(locked.export(None, BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    // Also when read back from the slot.
    assert_eq!(
        err_code(prov.user_key(KeySpec::Exchange).unwrap().export(
            None,
            BlobType::PrivateKeyBlob,
            0
        )),
        NTE_BAD_KEY_STATE
    );

    // CRYPT_EXPORT cannot be added later (Windows: NTE_BAD_DATA), and an RSA key has no salt.
    let mut locked = locked;
    assert_eq!(
        err_code(locked.set_permissions(locked.permissions() | cryptoapi::KeyPermissions::EXPORT)),
        NTE_BAD_DATA
    );
    assert_eq!(err_code(locked.set_salt(&[0; 11])), NTE_BAD_KEY);
    assert_eq!(
        err_code(locked.export(None, BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );

    for alg in [AT_KEYEXCHANGE, AT_SIGNATURE] {
        let mut pair = prov.gen_key(alg, flags(BITS, true)).unwrap();
        assert_eq!(pair.permissions().bits(), 0x3F);
        // Clearing CRYPT_EXPORT is "allowed" but changes nothing, on this key object and on
        // the pair read again (test_key_permissions).
        pair.set_permissions(cryptoapi::KeyPermissions::from_bits_retain(0x3B))
            .unwrap();
        assert_eq!(pair.permissions().bits(), 0x3F);
        let spec = KeySpec::from_raw(alg.raw()).unwrap();
        assert_eq!(prov.user_key(spec).unwrap().permissions().bits(), 0x3F);
        let blob = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
        assert_eq!(blob.len(), 308, "a 512-bit PRIVATEKEYBLOB");
        assert_eq!(&blob[..4], &[7, 2, 0, 0]);
        assert_eq!(&blob[8..12], b"RSA2");

        // Into another context, exportable: the same bytes come back.
        let other = Provider::verify_context(AES).unwrap();
        let again = other.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
        assert_eq!(
            again
                .export(None, BlobType::PrivateKeyBlob, 0)
                .unwrap()
                .to_vec(),
            blob.to_vec()
        );
        assert_eq!(public(&again), public(&pair));
        // Imported without CRYPT_EXPORTABLE, it cannot be exported again.
        let sealed = other.import_key(&blob, None, KeyFlags::empty()).unwrap();
        assert_eq!(
            err_code(sealed.export(None, BlobType::PrivateKeyBlob, 0)),
            NTE_BAD_KEY_STATE
        );
        assert_eq!(public(&sealed), public(&pair));
    }
}

#[test]
fn a_512_bit_public_blob_is_84_bytes() {
    let prov = Provider::verify_context(FULL).unwrap();
    for alg in [AT_KEYEXCHANGE, AT_SIGNATURE] {
        let pair = prov.gen_key(alg, flags(BITS, false)).unwrap();
        let blob = public(&pair);
        assert_eq!(blob.len(), 84);
        assert_eq!(&blob[..4], &[6, 2, 0, 0]);
        let alg_id = u32::from_le_bytes(blob[4..8].try_into().unwrap());
        assert_eq!(alg_id, pair.alg_id().raw());
        assert_eq!(&blob[8..12], b"RSA1");
        assert_eq!(u32::from_le_bytes(blob[12..16].try_into().unwrap()), 512);
        assert_eq!(u32::from_le_bytes(blob[16..20].try_into().unwrap()), 65537);
        // The modulus is little-endian: its most significant byte, last, is not zero.
        assert_ne!(blob[83], 0);
        assert_eq!(blob[20] & 1, 1, "an RSA modulus is odd");
    }
}

// ---------------------------------------------------------------------------------------------
// SIMPLEBLOB and RSA encryption
// ---------------------------------------------------------------------------------------------

/// A session key exported as a `SIMPLEBLOB` with the public half of an exchange pair (imported
/// from its `PUBLICKEYBLOB`, as a client does) imports with the pair and encrypts identically.
fn simple_blob_round_trip(alg: AlgId, wrap_flags: u32) {
    let server = Provider::verify_context(AES).unwrap();
    let server_pair = server.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let server_public = public(&server_pair);

    let client = Provider::verify_context(AES).unwrap();
    let mut session = client.gen_key(alg, KeyFlags::EXPORTABLE).unwrap();
    let wrap_key = client
        .import_key(&server_public, None, KeyFlags::empty())
        .unwrap();
    let blob = session
        .export(Some(&wrap_key), BlobType::SimpleBlob, wrap_flags)
        .unwrap();
    assert_eq!(blob.len(), 8 + 4 + 64, "{alg:?} {wrap_flags:#x}");
    assert_eq!(&blob[..4], &[1, 2, 0, 0]);
    assert_eq!(&blob[4..8], &alg.raw().to_le_bytes());
    assert_eq!(&blob[8..12], &0xa400u32.to_le_bytes());

    let import_flags = KeyFlags::from_bits_retain(wrap_flags);
    let mut unwrapped = server
        .import_key(&blob, Some(&server_pair), import_flags)
        .unwrap();
    assert_eq!(unwrapped.alg_id(), alg);
    assert_eq!(unwrapped.key_bits(), session.key_bits());
    let message = b"the same key on both sides, 32 b".to_vec();
    let mut a = message.clone();
    let mut b = message.clone();
    session.encrypt(&mut a, true).unwrap();
    unwrapped.encrypt(&mut b, true).unwrap();
    assert_eq!(a, b, "{alg:?} {wrap_flags:#x}");
    unwrapped.decrypt(&mut a, true).unwrap();
    assert_eq!(a, message);

    // The server's pair read from its slot unwraps it too.
    let slot = server.user_key(KeySpec::Exchange).unwrap();
    let mut again = server.import_key(&blob, Some(&slot), import_flags).unwrap();
    let mut c = message.clone();
    again.encrypt(&mut c, true).unwrap();
    assert_eq!(c, b);
}

#[test]
fn simple_blob_round_trip_rc4_pkcs1() {
    simple_blob_round_trip(AlgId::RC4, 0);
}

#[test]
fn simple_blob_round_trip_aes_pkcs1() {
    simple_blob_round_trip(AlgId::AES_256, 0);
}

#[test]
fn simple_blob_round_trip_rc4_oaep() {
    simple_blob_round_trip(AlgId::RC4, CRYPT_OAEP);
}

#[test]
fn simple_blob_round_trip_aes_oaep() {
    simple_blob_round_trip(AlgId::AES_128, CRYPT_OAEP);
}

#[test]
fn simple_blob_needs_the_exchange_pair_and_an_exportable_key() {
    let prov = Provider::verify_context(AES).unwrap();
    let pair = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let locked = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    assert_eq!(
        err_code(locked.export(Some(&pair), BlobType::SimpleBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    let session = prov.gen_key(AlgId::AES_128, KeyFlags::EXPORTABLE).unwrap();
    let blob = session
        .export(Some(&pair), BlobType::SimpleBlob, 0)
        .unwrap();
    // A SIMPLEBLOB needs the pair to unwrap it: `None` means the context's own exchange pair
    // (as Microsoft's "Decrypting a File" sample relies on), and a context without one
    // refuses; not a public key, not the signature pair.
    assert!(prov.import_key(&blob, None, KeyFlags::empty()).is_ok());
    let other = Provider::verify_context(AES).unwrap();
    assert!(other.import_key(&blob, None, KeyFlags::empty()).is_err());
    let public_only = prov
        .import_key(&public(&pair), None, KeyFlags::empty())
        .unwrap();
    assert!(
        prov.import_key(&blob, Some(&public_only), KeyFlags::empty())
            .is_err()
    );
    let signer = prov.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    assert!(
        prov.import_key(&blob, Some(&signer), KeyFlags::empty())
            .is_err()
    );
    // Made with OAEP and unwrapped as PKCS#1 v1.5 (or the other way round), it does not give
    // the key back.
    let oaep = session
        .export(Some(&pair), BlobType::SimpleBlob, CRYPT_OAEP)
        .unwrap();
    let mut strict = prov.user_key(KeySpec::Exchange).unwrap();
    strict.set_pkcs1_rejection(cryptoapi::Pkcs1Rejection::Explicit);
    assert_eq!(
        err_code(prov.import_key(&oaep, Some(&strict), KeyFlags::empty())),
        NTE_BAD_DATA
    );
    assert_eq!(
        err_code(prov.import_key(&blob, Some(&strict), KeyFlags::from_bits_retain(CRYPT_OAEP))),
        NTE_BAD_DATA
    );
}

#[test]
fn rsa_encryption_with_the_exchange_pair_only() {
    let prov = Provider::verify_context(FULL).unwrap();
    let mut exchange = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let mut signature = prov.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    for crypt_flags in [0, CRYPT_OAEP] {
        assert_eq!(
            err_code(encrypt(&mut signature, b"no", crypt_flags)),
            NTE_BAD_KEY,
            "{crypt_flags:#x}"
        );
        assert_eq!(
            err_code(decrypt(&mut signature, &[1; 64], crypt_flags)),
            NTE_BAD_KEY
        );
        let ct = encrypt(&mut exchange, b"yes", crypt_flags).unwrap();
        assert_eq!(ct.len(), 64);
        assert_eq!(decrypt(&mut exchange, &ct, crypt_flags).unwrap(), b"yes");
        // Randomised padding: the same message twice gives two ciphertexts.
        assert_ne!(encrypt(&mut exchange, b"yes", crypt_flags).unwrap(), ct);
    }
    // The signature pair read back from its slot cannot encrypt either.
    let mut from_slot = prov.user_key(KeySpec::Signature).unwrap();
    assert_eq!(err_code(encrypt(&mut from_slot, b"no", 0)), NTE_BAD_KEY);

    // A ciphertext with bad PKCS#1 v1.5 padding: by default a synthetic plaintext, the same
    // each time (from one key object: see the ignored test below for several), NTE_BAD_DATA
    // when asked for.
    let garbage = [0x42u8; 64];
    let synthetic = decrypt(&mut exchange, &garbage, 0).unwrap();
    assert_eq!(decrypt(&mut exchange, &garbage, 0).unwrap(), synthetic);
    let mut again = prov.user_key(KeySpec::Exchange).unwrap();
    let loaded = decrypt(&mut again, &garbage, 0).unwrap();
    assert_eq!(
        decrypt(&mut prov.user_key(KeySpec::Exchange).unwrap(), &garbage, 0).unwrap(),
        loaded
    );
    again.set_pkcs1_rejection(cryptoapi::Pkcs1Rejection::Explicit);
    assert_eq!(err_code(decrypt(&mut again, &garbage, 0)), NTE_BAD_DATA);
    // OAEP always reports bad padding; a ciphertext of the wrong length is always refused.
    assert_eq!(
        err_code(decrypt(&mut exchange, &garbage, CRYPT_OAEP)),
        NTE_BAD_DATA
    );
    assert_eq!(
        err_code(decrypt(&mut exchange, &garbage[..63], 0)),
        NTE_BAD_DATA
    );
    // Too long a message for the padding: NTE_BAD_LEN (53 bytes fit PKCS#1 v1.5, 22 OAEP).
    assert!(encrypt(&mut exchange, &[1; 53], 0).is_ok());
    assert_eq!(
        err_code(encrypt(&mut exchange, &[1; 54], 0)),
        cryptoapi::codes::NTE_BAD_LEN
    );
    assert!(encrypt(&mut exchange, &[1; 22], CRYPT_OAEP).is_ok());
    assert_eq!(
        err_code(encrypt(&mut exchange, &[1; 23], CRYPT_OAEP)),
        cryptoapi::codes::NTE_BAD_LEN
    );
}

/// Implicit rejection must answer a bad ciphertext with the same synthetic plaintext whichever
/// key object of the pair decrypts it: the one `CryptGenKey` returned, the one
/// `CryptGetUserKey` reads back (in this context, another one, or after a restart), or an
/// import of its `PRIVATEKEYBLOB`. Otherwise invalid ciphertexts are told apart from valid
/// ones by decrypting them before and after a restart, which is the oracle implicit rejection
/// exists to close.
#[test]
fn implicit_rejection_is_the_same_for_every_key_object_of_a_pair() {
    let root = TempRoot::new("implicit");
    let store = root.store();
    let prov = store.acquire(Some("i"), None, FULL, NEW).unwrap();
    let other_context = store.acquire(Some("i"), None, FULL, OPEN).unwrap();
    let verify = Provider::verify_context(FULL).unwrap();
    let garbage = [0x42u8; 64];
    // Whether the two private exponents differ depends on the primes (about one pair in two):
    // 16 pairs make a pass by chance a 1-in-65536 event.
    for round in 0..16 {
        let mut generated = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, true)).unwrap();
        let blob = generated.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
        let reference = decrypt(&mut generated, &garbage, 0).unwrap();
        let mut duplicate = generated.duplicate().unwrap();
        let mut read_back = prov.user_key(KeySpec::Exchange).unwrap();
        let mut from_other_context = other_context.user_key(KeySpec::Exchange).unwrap();
        let mut imported = verify.import_key(&blob, None, KeyFlags::empty()).unwrap();
        for (what, key) in [
            ("CryptDuplicateKey", &mut duplicate),
            ("CryptGetUserKey", &mut read_back),
            (
                "CryptGetUserKey in another context",
                &mut from_other_context,
            ),
            ("a PRIVATEKEYBLOB import", &mut imported),
        ] {
            assert_eq!(
                hex(&decrypt(key, &garbage, 0).unwrap()),
                hex(&reference),
                "pair {round}: {what} gives another synthetic plaintext than the key \
                 CryptGenKey returned"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

#[test]
fn signatures_with_and_without_the_hash_oid() {
    let prov = Provider::verify_context(FULL).unwrap();
    let pair = prov.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    let verifier_ctx = Provider::verify_context(AES).unwrap();
    let verifier = verifier_ctx
        .import_key(&public(&pair), None, KeyFlags::empty())
        .unwrap();
    let message = b"Wine rocks!\0";
    let with_oid = sha1(&prov, message).sign(KeySpec::Signature, 0).unwrap();
    let bare = sha1(&prov, message)
        .sign(KeySpec::Signature, CRYPT_NOHASHOID)
        .unwrap();
    assert_eq!((with_oid.len(), bare.len()), (64, 64));
    assert_ne!(with_oid, bare);
    // PKCS#1 v1.5 signatures are deterministic.
    assert_eq!(
        sha1(&prov, message).sign(KeySpec::Signature, 0).unwrap(),
        with_oid
    );

    let check = |sig: &[u8], flags: u32| {
        sha1(&verifier_ctx, message)
            .verify_signature(sig, &verifier, flags)
            .map_err(|e| e.code())
    };
    assert_eq!(check(&with_oid, 0), Ok(()));
    assert_eq!(
        check(&bare, 0),
        Ok(()),
        "flags 0 also accepts the bare form"
    );
    assert_eq!(check(&bare, CRYPT_NOHASHOID), Ok(()));
    assert_eq!(
        check(&with_oid, CRYPT_NOHASHOID),
        Err(NTE_BAD_SIGNATURE),
        "CRYPT_NOHASHOID refuses a signature with the DigestInfo"
    );

    // One flipped byte anywhere: NTE_BAD_SIGNATURE.
    for i in [0, 1, 31, 62, 63] {
        for sig in [&with_oid, &bare] {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert_eq!(check(&bad, 0), Err(NTE_BAD_SIGNATURE), "byte {i}");
            assert_eq!(
                check(&bad, CRYPT_NOHASHOID),
                Err(NTE_BAD_SIGNATURE),
                "byte {i}"
            );
        }
    }
    // Another message, a signature of another length, the big-endian form: all refused.
    assert_eq!(
        sha1(&verifier_ctx, b"Wine rocks?\0")
            .verify_signature(&with_oid, &verifier, 0)
            .map_err(|e| e.code()),
        Err(NTE_BAD_SIGNATURE)
    );
    assert_eq!(check(&with_oid[..63], 0), Err(NTE_BAD_SIGNATURE));
    assert_eq!(check(&[], 0), Err(NTE_BAD_SIGNATURE));
    let mut longer = with_oid.clone();
    longer.push(0);
    assert_eq!(check(&longer, 0), Err(NTE_BAD_SIGNATURE));
    let big_endian: Vec<u8> = with_oid.iter().rev().copied().collect();
    assert_eq!(check(&big_endian, 0), Err(NTE_BAD_SIGNATURE));

    // The exchange pair signs too, and its signature is not the signature pair's.
    prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let by_exchange = sha1(&prov, message).sign(KeySpec::Exchange, 0).unwrap();
    assert_eq!(check(&by_exchange, 0), Err(NTE_BAD_SIGNATURE));
    let exchange_public = prov.user_key(KeySpec::Exchange).unwrap();
    sha1(&prov, message)
        .verify_signature(&by_exchange, &exchange_public, 0)
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Deleted containers
// ---------------------------------------------------------------------------------------------

#[test]
fn a_deleted_container_stays_deleted() {
    let root = TempRoot::new("deleted");
    let store = root.store();
    let opened = store.acquire(Some("victim"), None, FULL, NEW).unwrap();
    let pair = opened.gen_key(AT_KEYEXCHANGE, flags(BITS, true)).unwrap();
    let blob = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    store
        .delete_container(Some("victim"), None, FULL, OPEN)
        .unwrap();

    assert_eq!(err_code(opened.user_key(KeySpec::Exchange)), NTE_BAD_KEYSET);
    assert_eq!(
        err_code(opened.user_key(KeySpec::Signature)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(opened.gen_key(AT_KEYEXCHANGE, flags(BITS, false))),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(opened.gen_key(AT_SIGNATURE, flags(BITS, false))),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(opened.import_key(&blob, None, KeyFlags::empty())),
        NTE_BAD_KEYSET
    );
    let file = store.container_path(KeySet::User, "victim").unwrap();
    assert!(!file.exists(), "the container was written back");
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        err_code(store.acquire(Some("victim"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    // Key objects already held keep working, and session keys need no container.
    let mut held = pair;
    let ct = encrypt(&mut held, b"still mine", 0).unwrap();
    assert_eq!(decrypt(&mut held, &ct, 0).unwrap(), b"still mine");
    opened.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();

    // A new container of the same name is not the old one: the old context does not see it.
    let reborn = store.acquire(Some("victim"), None, FULL, NEW).unwrap();
    reborn.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    assert_eq!(
        err_code(opened.user_key(KeySpec::Signature)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(opened.gen_key(AT_KEYEXCHANGE, flags(BITS, false))),
        NTE_BAD_KEYSET
    );
    assert_eq!(err_code(reborn.user_key(KeySpec::Exchange)), NTE_NO_KEY);
    opened.release(ReleaseFlags::empty()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Across processes
// ---------------------------------------------------------------------------------------------

/// Runs the child helper `child` of this test binary with `env`; it must pass.
fn child_output(child: &str, env: &[(&str, &str)]) -> Output {
    let output = wait_output(child_command(child, env).spawn().unwrap());
    assert_child_passed(child, &output);
    output
}

/// The `RESULT <name> <value>` lines a child printed.
fn results(output: &Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once("RESULT "))
        .filter_map(|(_, rest)| rest.trim().split_once(' '))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Child: opens the container the parent made, checks it sees the parent's exchange pair (the
/// same public blob, and it decrypts the parent's ciphertext), then generates a signature pair
/// and signs a message for the parent to check.
#[test]
#[ignore = "child process helper, run by pairs_are_shared_between_processes"]
fn child_pair_peer() {
    let Some(root) = std::env::var_os(ENV_ROOT) else {
        return;
    };
    let store = KeyStore::at(PathBuf::from(root));
    let prov = store.acquire(Some("shared"), None, FULL, OPEN).unwrap();
    let mut exchange = prov.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(hex(&public(&exchange)), std::env::var(ENV_PUBLIC).unwrap());
    let ct = unhex(&std::env::var(ENV_CIPHERTEXT).unwrap());
    assert_eq!(
        decrypt(&mut exchange, &ct, CRYPT_OAEP).unwrap(),
        b"from the parent"
    );
    assert_eq!(err_code(prov.user_key(KeySpec::Signature)), NTE_NO_KEY);
    let pair = prov.gen_key(AT_SIGNATURE, flags(BITS, false)).unwrap();
    let signature = sha1(&prov, b"from the child")
        .sign(KeySpec::Signature, 0)
        .unwrap();
    println!("\nRESULT public {}", hex(&public(&pair)));
    println!("RESULT signature {}", hex(&signature));
}

#[test]
fn pairs_are_shared_between_processes() {
    let root = TempRoot::new("processes");
    let store = root.store();
    let prov = store.acquire(Some("shared"), None, FULL, NEW).unwrap();
    let mut exchange = prov.gen_key(AT_KEYEXCHANGE, flags(BITS, false)).unwrap();
    let ct = encrypt(&mut exchange, b"from the parent", CRYPT_OAEP).unwrap();

    let output = child_output(
        "child_pair_peer",
        &[
            (ENV_ROOT, root.path.to_str().unwrap()),
            (ENV_PUBLIC, &hex(&public(&exchange))),
            (ENV_CIPHERTEXT, &hex(&ct)),
        ],
    );
    let results = results(&output);
    let value = |name: &str| {
        results
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| unhex(v))
            .unwrap_or_else(|| panic!("no RESULT {name}:\n{}", describe(&output)))
    };

    // The context that was open all along sees the child's signature pair at once, and its
    // exchange pair is untouched.
    let signer = prov.user_key(KeySpec::Signature).unwrap();
    assert_eq!(public(&signer), value("public"));
    assert_eq!(slot_public(&prov, KeySpec::Exchange), public(&exchange));
    sha1(&prov, b"from the child")
        .verify_signature(&value("signature"), &signer, 0)
        .unwrap();
}
