//! The RSA providers' remaining gaps, closed: `PRIVATEKEYBLOB`s wrapped with a session key
//! (`CryptExportKey` / `CryptImportKey` with `hExpKey` / `hPubKey`), `CRYPT_X931_FORMAT`
//! signatures, `KP_PERMISSIONS` changes saved with a container's pair (seen by other contexts
//! and processes), and the `szDescription` of `CryptSignHash` / `CryptVerifySignature`.
//!
//! The references are independent of the crate: the wrapped blobs are recomputed with
//! RustCrypto's block ciphers and RC4 (CBC and PKCS#5 padding written out here), the X9.31
//! signatures with the `rsa` crate's raw private operation (`hazmat`) over a representative
//! built here from the standard, and the description rule is checked against the hash value
//! Microsoft's CSP guide prints for its signature sample.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cipher::{BlockCipherEncrypt, KeyInit, StreamCipher};
use cryptoapi::codes::{
    NTE_BAD_ALGID, NTE_BAD_DATA, NTE_BAD_FLAGS, NTE_BAD_HASH_STATE, NTE_BAD_KEY, NTE_BAD_KEY_STATE,
    NTE_BAD_KEYSET, NTE_BAD_LEN, NTE_BAD_SIGNATURE, NTE_NO_KEY,
};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_NOHASHOID, CRYPT_X931_FORMAT, CipherMode, Key, KeyFlags,
    KeyPermissions, KeySpec, KeyStore, Provider, ProviderType,
};
use digest::Digest;
use rsa::BoxedUint;
use rsa::traits::PublicKeyParts;

mod common;
use common::{
    TempRoot, assert_child_passed, child_command, err_code, hex, plaintext_blob, private_parts,
    random, unhex, wait_output,
};

const FULL: ProviderType = ProviderType::RSA_FULL;
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const OPEN: AcquireFlags = AcquireFlags::empty();

fn aes() -> Provider {
    Provider::verify_context(ProviderType::RSA_AES).unwrap()
}

/// An exportable exchange pair of `bits` bits and its `PRIVATEKEYBLOB`.
fn pair(prov: &Provider, bits: u16) -> (Key<'_>, Vec<u8>) {
    let pair = prov
        .gen_key(
            AlgId::AT_KEYEXCHANGE,
            KeyFlags::EXPORTABLE.with_key_bits(bits),
        )
        .unwrap();
    let blob = pair
        .export(None, BlobType::PrivateKeyBlob, 0)
        .unwrap()
        .to_vec();
    (pair, blob)
}

/// A session key of `alg` with the key bytes `key`, imported as a `PLAINTEXTKEYBLOB`.
fn session<'p>(prov: &'p Provider, alg: AlgId, key: &[u8]) -> Key<'p> {
    prov.import_key(&plaintext_blob(alg, key), None, KeyFlags::EXPORTABLE)
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Independent ciphers

/// CBC with PKCS#5 padding (a whole block when aligned), written out over a block cipher.
fn cbc_pkcs5<C: BlockCipherEncrypt + KeyInit>(key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
    let cipher = C::new_from_slice(key).unwrap();
    let bs = C::block_size();
    let pad = bs - data.len() % bs;
    let mut out = data.to_vec();
    out.resize(data.len() + pad, u8::try_from(pad).unwrap());
    let mut chain = iv.to_vec();
    for block in out.chunks_mut(bs) {
        for (byte, c) in block.iter_mut().zip(&chain) {
            *byte ^= c;
        }
        let mut b = cipher::Block::<C>::try_from(&*block).unwrap();
        cipher.encrypt_block(&mut b);
        block.copy_from_slice(&b);
        chain.copy_from_slice(block);
    }
    out
}

/// ECB with PKCS#5 padding.
fn ecb_pkcs5<C: BlockCipherEncrypt + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let cipher = C::new_from_slice(key).unwrap();
    let bs = C::block_size();
    let pad = bs - data.len() % bs;
    let mut out = data.to_vec();
    out.resize(data.len() + pad, u8::try_from(pad).unwrap());
    for block in out.chunks_mut(bs) {
        let mut b = cipher::Block::<C>::try_from(&*block).unwrap();
        cipher.encrypt_block(&mut b);
        block.copy_from_slice(&b);
    }
    out
}

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    rc4::Rc4::new_from_slice(key)
        .unwrap()
        .apply_keystream(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Wrapped PRIVATEKEYBLOBs

/// Every session cipher of the AES provider wraps a private blob exactly as an independent
/// final encryption of everything after the BLOBHEADER, and unwraps it back, in another
/// context, into a pair that exports the same private blob and works.
#[test]
fn wrapped_private_blobs_are_the_body_encrypted_and_round_trip() {
    let prov = aes();
    for bits in [512u16, 1024] {
        let (pair, plain) = pair(&prov, bits);
        let (header, body) = plain.split_at(8);
        let cases: [(AlgId, usize); 8] = [
            (AlgId::RC4, 16),
            (AlgId::RC2, 16),
            (AlgId::DES, 8),
            (AlgId::TRIPLE_DES_112, 16),
            (AlgId::TRIPLE_DES, 24),
            (AlgId::AES_128, 16),
            (AlgId::AES_192, 24),
            (AlgId::AES_256, 32),
        ];
        for (alg, len) in cases {
            let what = format!("{alg:?}, {bits}-bit pair");
            let key_bytes = random(len);
            let wrap = session(&prov, alg, &key_bytes);
            let wrapped = pair
                .export(Some(&wrap), BlobType::PrivateKeyBlob, 0)
                .unwrap();
            assert_eq!(
                &wrapped[..8],
                header,
                "{what}: the BLOBHEADER stays in the clear"
            );
            assert_ne!(&wrapped[8..], body, "{what}");
            let expected = match alg {
                AlgId::RC4 => Some(rc4(&key_bytes, body)),
                AlgId::DES => Some(cbc_pkcs5::<des::Des>(&key_bytes, &[0; 8], body)),
                AlgId::TRIPLE_DES => Some(cbc_pkcs5::<des::TdesEde3>(&key_bytes, &[0; 8], body)),
                AlgId::TRIPLE_DES_112 => {
                    Some(cbc_pkcs5::<des::TdesEde2>(&key_bytes, &[0; 8], body))
                }
                AlgId::AES_128 => Some(cbc_pkcs5::<aes::Aes128>(&key_bytes, &[0; 16], body)),
                AlgId::AES_192 => Some(cbc_pkcs5::<aes::Aes192>(&key_bytes, &[0; 16], body)),
                AlgId::AES_256 => Some(cbc_pkcs5::<aes::Aes256>(&key_bytes, &[0; 16], body)),
                // RC2 as Windows keys it (effective length, no salt at 128 bits) is checked by
                // the cipher vectors; here it round-trips.
                _ => None,
            };
            if let Some(expected) = expected {
                assert_eq!(hex(&wrapped[8..]), hex(&expected), "{what}");
            }
            let padded = wrap.encrypted_len(body.len(), true);
            assert_eq!(wrapped.len(), 8 + padded, "{what}");

            let other = Provider::verify_context(FULL).unwrap();
            let again = other
                .import_key(&wrapped, Some(&wrap), KeyFlags::EXPORTABLE)
                .unwrap();
            assert_eq!(again.alg_id(), AlgId::RSA_KEYX, "{what}");
            let re = again.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
            assert_eq!(hex(&re), hex(&plain), "{what}");
            // The unwrapped pair is the context's exchange pair and works.
            let mut data = b"wrapped and back".to_vec();
            let mut public = prov
                .import_key(
                    &pair.export(None, BlobType::PublicKeyBlob, 0).unwrap(),
                    None,
                    KeyFlags::empty(),
                )
                .unwrap();
            public.encrypt(&mut data, true).unwrap();
            other
                .user_key(KeySpec::Exchange)
                .unwrap()
                .decrypt(&mut data, true)
                .unwrap();
            assert_eq!(data, b"wrapped and back", "{what}");
        }
    }
}

/// The wrapping key's mode and IV are used, and its own state is left alone.
#[test]
fn wrapping_follows_the_session_keys_mode_and_iv_and_keeps_its_state() {
    let prov = aes();
    let (pair, plain) = pair(&prov, 512);
    let body = &plain[8..];
    let key_bytes = random(32);

    let mut ecb = session(&prov, AlgId::AES_256, &key_bytes);
    ecb.set_mode(CipherMode::Ecb).unwrap();
    let wrapped = pair
        .export(Some(&ecb), BlobType::PrivateKeyBlob, 0)
        .unwrap();
    assert_eq!(
        hex(&wrapped[8..]),
        hex(&ecb_pkcs5::<aes::Aes256>(&key_bytes, body))
    );

    let mut with_iv = session(&prov, AlgId::AES_256, &key_bytes);
    let iv = [0x5au8; 16];
    with_iv.set_iv(&iv).unwrap();
    let wrapped_iv = pair
        .export(Some(&with_iv), BlobType::PrivateKeyBlob, 0)
        .unwrap();
    assert_eq!(
        hex(&wrapped_iv[8..]),
        hex(&cbc_pkcs5::<aes::Aes256>(&key_bytes, &iv, body))
    );
    // A key in another mode or with another IV does not unwrap it.
    let zero_iv = session(&prov, AlgId::AES_256, &key_bytes);
    assert_eq!(
        err_code(prov.import_key(&wrapped_iv, Some(&zero_iv), KeyFlags::empty())),
        NTE_BAD_DATA
    );
    assert!(
        prov.import_key(&wrapped_iv, Some(&with_iv), KeyFlags::empty())
            .is_ok()
    );

    // An RC4 key in the middle of its keystream wraps from where it is, and stays there.
    let mut stream = session(&prov, AlgId::RC4, &key_bytes[..16]);
    let mut first = vec![0u8; 5];
    stream.encrypt(&mut first, false).unwrap();
    let mut before = stream.duplicate().unwrap();
    let wrapped = pair
        .export(Some(&stream), BlobType::PrivateKeyBlob, 0)
        .unwrap();
    let mut skipped = vec![0u8; 5];
    skipped.extend_from_slice(body);
    assert_eq!(
        hex(&wrapped[8..]),
        hex(&rc4(&key_bytes[..16], &skipped)[5..])
    );
    let (mut a, mut b) = (vec![7u8; 9], vec![7u8; 9]);
    stream.encrypt(&mut a, false).unwrap();
    before.encrypt(&mut b, false).unwrap();
    assert_eq!(a, b, "the wrapping key's keystream position did not move");
}

/// What is refused, with which code.
#[test]
fn unsuitable_or_wrong_wrapping_keys_are_refused() {
    let prov = aes();
    let (pair, plain) = pair(&prov, 512);
    let aes_key = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let wrapped = pair
        .export(Some(&aes_key), BlobType::PrivateKeyBlob, 0)
        .unwrap();

    // RSA keys do not wrap private blobs, nor unwrap them.
    let signer = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let public = prov
        .import_key(
            &pair.export(None, BlobType::PublicKeyBlob, 0).unwrap(),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    for rsa in [&pair, &signer, &public] {
        assert_eq!(
            err_code(pair.export(Some(rsa), BlobType::PrivateKeyBlob, 0)),
            NTE_BAD_KEY
        );
        assert_eq!(
            err_code(prov.import_key(&wrapped, Some(rsa), KeyFlags::empty())),
            NTE_BAD_KEY
        );
    }
    // A public blob is never wrapped.
    assert_eq!(
        err_code(pair.export(Some(&aes_key), BlobType::PublicKeyBlob, 0)),
        NTE_BAD_KEY
    );
    // A pair that is not exportable stays in, wrapped or not.
    let locked = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    assert_eq!(
        err_code(locked.export(Some(&aes_key), BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    assert_eq!(
        err_code(pair.export(Some(&aes_key), BlobType::PrivateKeyBlob, 1)),
        NTE_BAD_FLAGS
    );

    // The wrong key (a block cipher: bad padding; RC4: no "RSA2" magic), no key, a cut blob,
    // an unwrapped blob given a key: NTE_BAD_DATA, never a key.
    let other_aes = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let rc4_key = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    let other_rc4 = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    let rc4_wrapped = pair
        .export(Some(&rc4_key), BlobType::PrivateKeyBlob, 0)
        .unwrap();
    let code = |blob: &[u8], key: Option<&Key<'_>>| {
        err_code(prov.import_key(blob, key, KeyFlags::empty()))
    };
    assert_eq!(code(&wrapped, Some(&other_aes)), NTE_BAD_DATA);
    assert_eq!(code(&rc4_wrapped, Some(&other_rc4)), NTE_BAD_DATA);
    assert_eq!(code(&wrapped, None), NTE_BAD_DATA);
    assert_eq!(
        code(&wrapped[..wrapped.len() - 1], Some(&aes_key)),
        NTE_BAD_DATA
    );
    assert_eq!(code(&wrapped[..8], Some(&aes_key)), NTE_BAD_DATA);
    assert_eq!(code(&plain, Some(&aes_key)), NTE_BAD_DATA);

    // A wrapping key that cannot encrypt: OFB (Microsoft's providers do not implement it).
    let mut ofb = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    ofb.set_mode(CipherMode::Ofb).unwrap();
    assert_eq!(
        err_code(pair.export(Some(&ofb), BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_ALGID
    );
    // A key imported for HMAC only.
    let mut hmac_blob = vec![8, 2, 0, 0, 0x02, 0x66, 0, 0, 40, 0, 0, 0];
    hmac_blob.extend_from_slice(&[0x11; 40]);
    let hmac_only = prov
        .import_key(&hmac_blob, None, KeyFlags::IPSEC_HMAC_KEY)
        .unwrap();
    assert_eq!(
        err_code(pair.export(Some(&hmac_only), BlobType::PrivateKeyBlob, 0)),
        NTE_BAD_KEY
    );
    assert_eq!(code(&wrapped, Some(&hmac_only)), NTE_BAD_KEY);
}

/// A wrapped blob imported into a named container installs the pair in its slot, for every
/// context on the container.
#[test]
fn a_wrapped_pair_imported_into_a_container_is_its_pair() {
    let root = TempRoot::new("rsa-gaps-wrapped");
    let store = root.store();
    let source = aes();
    let signer = source
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::EXPORTABLE.with_key_bits(512))
        .unwrap();
    let des3 = source
        .gen_key(AlgId::TRIPLE_DES, KeyFlags::empty())
        .unwrap();
    let wrapped = signer
        .export(Some(&des3), BlobType::PrivateKeyBlob, 0)
        .unwrap();
    let prov = store.acquire(Some("wrapped"), None, FULL, NEW).unwrap();
    prov.import_key(&wrapped, Some(&des3), KeyFlags::empty())
        .unwrap();
    let later = store.acquire(Some("wrapped"), None, FULL, OPEN).unwrap();
    let mut hash = later.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"signed by the unwrapped pair").unwrap();
    let signature = hash.sign(KeySpec::Signature, 0).unwrap();
    let mut check = source.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(b"signed by the unwrapped pair").unwrap();
    check.verify_signature(&signature, &signer, 0).unwrap();
    // Imported without CRYPT_EXPORTABLE: it does not come out again.
    assert_eq!(
        err_code(later.user_key(KeySpec::Signature).unwrap().export(
            Some(&des3),
            BlobType::PrivateKeyBlob,
            0
        )),
        NTE_BAD_KEY_STATE
    );
}

// ---------------------------------------------------------------------------------------------
// CRYPT_X931_FORMAT

/// The `rsa` crate's key for a `PRIVATEKEYBLOB`, from its primes.
fn reference_key(blob: &[u8]) -> rsa::PrivateKey {
    let parts = private_parts(blob);
    rsa::PrivateKey::from_p_q(
        BoxedUint::from_le_slice_vartime(&parts[0].1),
        BoxedUint::from_le_slice_vartime(&parts[1].1),
        BoxedUint::from(65537u64),
    )
    .unwrap()
}

/// An X9.31 signature built from the standard: `IR = 6B BB.. BA ‖ hash ‖ id ‖ CC` (`6A` when
/// one byte is left for the header), `σ = min(IR^d, n − IR^d)`, little-endian.
fn x931_reference(key: &rsa::PrivateKey, id: u8, hash: &[u8]) -> Vec<u8> {
    let k = key.size();
    let header = k - hash.len() - 2;
    let mut ir = vec![0xbbu8; k];
    if header == 1 {
        ir[0] = 0x6a;
    } else {
        ir[0] = 0x6b;
        ir[header - 1] = 0xba;
    }
    ir[header..k - 2].copy_from_slice(hash);
    ir[k - 2] = id;
    ir[k - 1] = 0xcc;
    let n = key.n().as_ref();
    let ir = BoxedUint::from_be_slice(&ir, n.bits_precision()).unwrap();
    let s = rsa::hazmat::rsa_decrypt(None::<&mut getrandom::SysRng>, key, &ir).unwrap();
    let other = n.wrapping_sub(&s);
    let sigma = if other < s { other } else { s };
    let mut le = sigma.to_le_bytes().into_vec();
    assert!(le[k..].iter().all(|&b| b == 0));
    le.truncate(k);
    le
}

/// `n − σ` for a little-endian signature: the other square root, which X9.31 verifies too.
fn complement(key: &rsa::PrivateKey, sig_le: &[u8]) -> Vec<u8> {
    let n = key.n().as_ref();
    let s = BoxedUint::from_le_slice(sig_le, n.bits_precision()).unwrap();
    let mut le = n.wrapping_sub(&s).to_le_bytes().into_vec();
    le.truncate(key.size());
    le
}

fn digest(alg: AlgId, data: &[u8]) -> Vec<u8> {
    match alg {
        AlgId::SHA1 => sha1::Sha1::digest(data).to_vec(),
        AlgId::SHA_256 => sha2::Sha256::digest(data).to_vec(),
        AlgId::SHA_384 => sha2::Sha384::digest(data).to_vec(),
        AlgId::SHA_512 => sha2::Sha512::digest(data).to_vec(),
        _ => unreachable!(),
    }
}

#[test]
fn x931_signatures_are_the_standards_bytes() {
    let prov = aes();
    let data = b"ANSI X9.31 rDSA";
    for bits in [512u16, 1024] {
        let signer = prov
            .gen_key(
                AlgId::AT_SIGNATURE,
                KeyFlags::EXPORTABLE.with_key_bits(bits),
            )
            .unwrap();
        let reference = reference_key(&signer.export(None, BlobType::PrivateKeyBlob, 0).unwrap());
        for (alg, id) in [
            (AlgId::SHA1, 0x33u8),
            (AlgId::SHA_256, 0x34),
            (AlgId::SHA_384, 0x36),
            (AlgId::SHA_512, 0x35),
        ] {
            let what = format!("{alg:?}, {bits} bits");
            let hash_of = || {
                let mut h = prov.create_hash(alg, None).unwrap();
                h.hash_data(data).unwrap();
                h
            };
            let fits = usize::from(bits / 8) >= digest(alg, data).len() + 3;
            let signed = hash_of().sign(KeySpec::Signature, CRYPT_X931_FORMAT);
            if !fits {
                assert_eq!(err_code(signed), NTE_BAD_LEN, "{what}");
                continue;
            }
            let signature = signed.unwrap();
            let expected = x931_reference(&reference, id, &digest(alg, data));
            assert_eq!(hex(&signature), hex(&expected), "{what}");
            // CRYPT_NOHASHOID changes nothing with X9.31.
            let with_both = hash_of()
                .sign(KeySpec::Signature, CRYPT_X931_FORMAT | CRYPT_NOHASHOID)
                .unwrap();
            assert_eq!(with_both, signature, "{what}");

            hash_of()
                .verify_signature(&signature, &signer, CRYPT_X931_FORMAT)
                .unwrap();
            // The other square root verifies (Wine's provider signs without taking the min).
            hash_of()
                .verify_signature(
                    &complement(&reference, &signature),
                    &signer,
                    CRYPT_X931_FORMAT,
                )
                .unwrap();
            // The formats do not mix (PKCS#1 needs more room: SHA-384 does not fit 512 bits).
            if let Ok(pkcs) = hash_of().sign(KeySpec::Signature, 0) {
                assert_eq!(
                    err_code(hash_of().verify_signature(&pkcs, &signer, CRYPT_X931_FORMAT)),
                    NTE_BAD_SIGNATURE,
                    "{what}"
                );
            }
            assert_eq!(
                err_code(hash_of().verify_signature(&signature, &signer, 0)),
                NTE_BAD_SIGNATURE,
                "{what}"
            );
            let mut tampered = signature.clone();
            tampered[3] ^= 1;
            assert_eq!(
                err_code(hash_of().verify_signature(&tampered, &signer, CRYPT_X931_FORMAT)),
                NTE_BAD_SIGNATURE,
                "{what}"
            );
        }
    }
}

#[test]
fn x931_refuses_hashes_without_an_identifier_and_unknown_flags() {
    let prov = aes();
    let signer = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    for alg in [AlgId::MD2, AlgId::MD4, AlgId::MD5] {
        let mut hash = prov.create_hash(alg, None).unwrap();
        assert_eq!(
            err_code(hash.sign(KeySpec::Signature, CRYPT_X931_FORMAT)),
            NTE_BAD_ALGID
        );
        // Refused before anything is read: the hash still takes data.
        hash.hash_data(b"still open").unwrap();
        let signature = vec![1u8; 64];
        assert_eq!(
            err_code(hash.verify_signature(&signature, &signer, CRYPT_X931_FORMAT)),
            NTE_BAD_ALGID
        );
    }
    let mut ssl3 = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    ssl3.set_value(&[0x42; 36]).unwrap();
    assert_eq!(
        err_code(ssl3.sign(KeySpec::Signature, CRYPT_X931_FORMAT)),
        NTE_BAD_ALGID
    );
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    for flags in [2u32, 8, CRYPT_X931_FORMAT | 2] {
        assert_eq!(
            err_code(hash.sign(KeySpec::Signature, flags)),
            NTE_BAD_FLAGS
        );
        assert_eq!(
            err_code(hash.verify_signature(&[0; 64], &signer, flags)),
            NTE_BAD_FLAGS
        );
    }
}

// ---------------------------------------------------------------------------------------------
// KP_PERMISSIONS saved with the pair

const DEFAULT: u32 = 0x3B;
const EXPORT: u32 = 0x04;

fn perms(bits: u32) -> KeyPermissions {
    KeyPermissions::from_bits_retain(bits)
}

#[test]
fn permission_changes_are_saved_with_the_containers_pair() {
    let root = TempRoot::new("rsa-gaps-perms");
    let store = root.store();
    let prov = store.acquire(Some("perms"), None, FULL, NEW).unwrap();
    let mut exchange = prov
        .gen_key(
            AlgId::AT_KEYEXCHANGE,
            KeyFlags::EXPORTABLE.with_key_bits(512),
        )
        .unwrap();
    let mut signature = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    assert_eq!(exchange.permissions().bits(), DEFAULT | EXPORT);

    // Clear MAC, ENCRYPT and EXPORT, set an undefined bit: EXPORT stays, the rest is saved.
    let asked = (DEFAULT | EXPORT | 0x200) & !0x20 & !0x01 & !EXPORT;
    exchange.set_permissions(perms(asked)).unwrap();
    assert_eq!(exchange.permissions().bits(), asked | EXPORT);
    let other = store.acquire(Some("perms"), None, FULL, OPEN).unwrap();
    let seen = other.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(seen.permissions().bits(), asked | EXPORT);
    assert_eq!(
        seen.param(cryptoapi::KP_PERMISSIONS, 0).unwrap(),
        (asked | EXPORT).to_le_bytes()
    );
    // Still exportable, from the new handle too.
    seen.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    // The other slot is untouched.
    assert_eq!(
        other
            .user_key(KeySpec::Signature)
            .unwrap()
            .permissions()
            .bits(),
        DEFAULT
    );

    // A pair that is not exportable cannot be made so, and nothing is saved.
    assert_eq!(
        err_code(signature.set_permissions(perms(DEFAULT | EXPORT))),
        NTE_BAD_DATA
    );
    assert_eq!(
        err_code(signature.set_param(
            cryptoapi::KP_PERMISSIONS,
            &(DEFAULT | EXPORT).to_le_bytes(),
            0
        )),
        NTE_BAD_DATA
    );
    assert_eq!(signature.permissions().bits(), DEFAULT);
    assert_eq!(
        other
            .user_key(KeySpec::Signature)
            .unwrap()
            .permissions()
            .bits(),
        DEFAULT
    );
    // Through the raw parameter, as CryptSetKeyParam takes it.
    signature
        .set_param(cryptoapi::KP_PERMISSIONS, &0x0Au32.to_le_bytes(), 0)
        .unwrap();
    assert_eq!(
        other
            .user_key(KeySpec::Signature)
            .unwrap()
            .permissions()
            .bits(),
        0x0A
    );

    // A handle on a pair since replaced changes only itself.
    let mut stale = other.user_key(KeySpec::Exchange).unwrap();
    prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    stale.set_permissions(perms(0x01)).unwrap();
    assert_eq!(stale.permissions().bits(), 0x01 | EXPORT);
    assert_eq!(
        prov.user_key(KeySpec::Exchange)
            .unwrap()
            .permissions()
            .bits(),
        DEFAULT
    );

    // A deleted container: the change fails and the handle keeps its permissions.
    let mut held = prov.user_key(KeySpec::Exchange).unwrap();
    store
        .delete_container(Some("perms"), None, FULL, OPEN)
        .unwrap();
    assert_eq!(err_code(held.set_permissions(perms(0x01))), NTE_BAD_KEYSET);
    assert_eq!(held.permissions().bits(), DEFAULT);
}

#[test]
fn permission_changes_without_a_container() {
    // A verify context keeps its pairs in memory: the change is seen by later handles.
    let prov = aes();
    let mut pair = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::EXPORTABLE.with_key_bits(512))
        .unwrap();
    pair.set_permissions(perms(0x08)).unwrap();
    assert_eq!(
        prov.user_key(KeySpec::Signature)
            .unwrap()
            .permissions()
            .bits(),
        0x08 | EXPORT
    );
    // Imported public keys and session keys have no slot: only the key changes.
    let blob = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let mut public = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
    public.set_permissions(perms(0x01)).unwrap();
    assert_eq!(public.permissions().bits(), 0x01);
    assert_eq!(
        prov.user_key(KeySpec::Signature)
            .unwrap()
            .permissions()
            .bits(),
        0x08 | EXPORT
    );
    let mut session = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    session.set_permissions(perms(0x03)).unwrap();
    assert_eq!(session.permissions().bits(), 0x03);
    assert_eq!(err_code(session.set_permissions(perms(0x07))), NTE_BAD_DATA);
}

const ENV_PERMS_ROOT: &str = "CRYPTOAPI_RSA_GAPS_PERMS_ROOT";

#[test]
#[ignore = "child process helper, run by permission_changes_reach_another_process"]
fn child_permissions() {
    let Some(root) = std::env::var_os(ENV_PERMS_ROOT) else {
        return;
    };
    let store = KeyStore::at(root);
    let prov = store.acquire(Some("shared"), None, FULL, OPEN).unwrap();
    let mut pair = prov.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(pair.permissions().bits(), 0x12 | EXPORT);
    pair.set_permissions(perms(0x21)).unwrap();
}

#[test]
fn permission_changes_reach_another_process() {
    let root = TempRoot::new("rsa-gaps-perms-xp");
    let store = root.store();
    let prov = store.acquire(Some("shared"), None, FULL, NEW).unwrap();
    let mut pair = prov
        .gen_key(
            AlgId::AT_KEYEXCHANGE,
            KeyFlags::EXPORTABLE.with_key_bits(512),
        )
        .unwrap();
    pair.set_permissions(perms(0x12)).unwrap();
    let child = child_command(
        "child_permissions",
        &[(ENV_PERMS_ROOT, root.path.to_str().unwrap())],
    )
    .spawn()
    .unwrap();
    let output = wait_output(child);
    assert_child_passed("child_permissions", &output);
    assert_eq!(
        prov.user_key(KeySpec::Exchange)
            .unwrap()
            .permissions()
            .bits(),
        0x21 | EXPORT
    );
}

// ---------------------------------------------------------------------------------------------
// szDescription

/// Microsoft's CSP guide, "Signature Sample": MD5 of `1134-kelp` is `7340e6e2...`, and with
/// the description `Test Signature` hashed in (as Unicode) the value signed is `a82bdfc2...`.
#[test]
fn a_description_is_hashed_as_microsofts_signature_sample_shows() {
    let prov = Provider::verify_context(FULL).unwrap();
    let signer = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
    hash.hash_data(b"1134-kelp").unwrap();
    let mut plain = hash.duplicate().unwrap();
    assert_eq!(
        hex(&plain.value().unwrap()),
        "7340e6e274b8ea399395aa29d638b52a"
    );
    let signature = hash
        .sign_with_description(KeySpec::Signature, Some("Test Signature"), 0)
        .unwrap();
    assert_eq!(
        hex(&hash.value().unwrap()),
        "a82bdfc2c9f1bb623878d460face5c2a"
    );
    // The signature is an ordinary one over that value.
    let mut sample = prov.create_hash(AlgId::MD5, None).unwrap();
    sample
        .set_value(&unhex("a82bdfc2c9f1bb623878d460face5c2a"))
        .unwrap();
    sample.verify_signature(&signature, &signer, 0).unwrap();
}

#[test]
fn descriptions_must_match_to_verify() {
    let prov = Provider::verify_context(FULL).unwrap();
    let signer = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let hash_of = || {
        let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
        h.hash_data(b"payload").unwrap();
        h
    };
    // Beyond ASCII: a surrogate pair and an accent, as UTF-16LE.
    let description = "signé \u{1d11e}";
    let signature = hash_of()
        .sign_with_description(KeySpec::Signature, Some(description), 0)
        .unwrap();
    hash_of()
        .verify_signature_with_description(&signature, &signer, Some(description), 0)
        .unwrap();
    let mut by_hand = hash_of();
    let utf16: Vec<u8> = description
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(utf16.len(), 16, "6 BMP units and a surrogate pair, no NUL");
    by_hand.hash_data(&utf16).unwrap();
    by_hand.verify_signature(&signature, &signer, 0).unwrap();
    for wrong in [None, Some("signé"), Some("")] {
        assert_eq!(
            err_code(hash_of().verify_signature_with_description(&signature, &signer, wrong, 0)),
            NTE_BAD_SIGNATURE,
            "{wrong:?}"
        );
    }
    // An empty description hashes nothing: the same as none.
    let empty = hash_of()
        .sign_with_description(KeySpec::Signature, Some(""), 0)
        .unwrap();
    hash_of().verify_signature(&empty, &signer, 0).unwrap();
    // With the other flags too.
    let x931 = hash_of()
        .sign_with_description(KeySpec::Signature, Some("x"), CRYPT_X931_FORMAT)
        .unwrap();
    hash_of()
        .verify_signature_with_description(&x931, &signer, Some("x"), CRYPT_X931_FORMAT)
        .unwrap();
}

#[test]
fn descriptions_are_hashed_only_once_the_call_can_succeed() {
    let prov = Provider::verify_context(FULL).unwrap();
    // No key: refused before the description touches the hash.
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"payload").unwrap();
    assert_eq!(
        err_code(hash.sign_with_description(KeySpec::Signature, Some("d"), 0)),
        NTE_NO_KEY
    );
    assert_eq!(
        err_code(hash.sign_with_description(KeySpec::Signature, Some("d"), 2)),
        NTE_BAD_FLAGS
    );
    let signer = prov
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    // The size query leaves it alone too.
    assert_eq!(hash.signature_len(KeySpec::Signature).unwrap(), 64);
    let signature = hash
        .sign_with_description(KeySpec::Signature, Some("d"), 0)
        .unwrap();
    let mut check = prov.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(b"payload").unwrap();
    check
        .verify_signature_with_description(&signature, &signer, Some("d"), 0)
        .unwrap();
    // Verification: bad flags, a short signature and a session key are refused first.
    let mut open = prov.create_hash(AlgId::SHA1, None).unwrap();
    let session = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    assert_eq!(
        err_code(open.verify_signature_with_description(&signature, &signer, Some("d"), 8)),
        NTE_BAD_FLAGS
    );
    assert_eq!(
        err_code(open.verify_signature_with_description(&signature[..10], &signer, Some("d"), 0)),
        NTE_BAD_SIGNATURE
    );
    assert_eq!(
        err_code(open.verify_signature_with_description(&signature, &session, Some("d"), 0)),
        NTE_BAD_KEY
    );
    open.hash_data(b"payload").unwrap();
    open.verify_signature_with_description(&signature, &signer, Some("d"), 0)
        .unwrap();

    // A finished hash takes no description (it takes no data), but signs without one.
    let mut done = prov.create_hash(AlgId::SHA1, None).unwrap();
    done.value().unwrap();
    assert_eq!(
        err_code(done.sign_with_description(KeySpec::Signature, Some("d"), 0)),
        NTE_BAD_HASH_STATE
    );
    done.sign_with_description(KeySpec::Signature, None, 0)
        .unwrap();
    // Nor does an SSL3 SHAMD5 hash, which takes no data at all, and once its value is set is
    // finished.
    let mut ssl3 = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    assert_eq!(
        err_code(ssl3.sign_with_description(KeySpec::Signature, Some("d"), 0)),
        NTE_BAD_ALGID
    );
    ssl3.set_value(&[0x42; 36]).unwrap();
    assert_eq!(
        err_code(ssl3.sign_with_description(KeySpec::Signature, Some("d"), 0)),
        NTE_BAD_HASH_STATE
    );
    ssl3.sign(KeySpec::Signature, 0).unwrap();
}
