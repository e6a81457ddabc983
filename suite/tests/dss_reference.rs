//! The crate's own DSS arithmetic against RustCrypto's `dsa` crate, both ways: what the crate
//! signs, `dsa` verifies (after turning Windows' r ‖ s, each half little-endian, into numbers),
//! and what `dsa` signs, the crate verifies; neither accepts the other's signatures of another
//! hash, or altered ones.
//!
//! Keys: the 1024-bit pairs recorded from Windows (`data/dssenh-blobs.json`), pairs generated
//! by the crate in their parameters, and pairs in parameters the crate generates at 512, 768
//! and 1024 bits. `dsa` takes 1024/160 keys as they are; the shorter ones, which it refuses by
//! default, go through its `hazmat` constructor for unchecked sizes.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::dss::harness::{self, Dsa};
use dsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use dsa::{BoxedUint, Components, Signature, SigningKey, VerifyingKey};
use serde_json::Value;
use sha1::{Digest, Sha1};

const DATA: &str = include_str!("data/dssenh-blobs.json");

/// A little-endian number as a `BoxedUint` of `bits` bits precision.
fn uint(le: &[u8], bits: u32) -> BoxedUint {
    let mut be = le.to_vec();
    be.reverse();
    BoxedUint::from_be_slice(&be, bits).unwrap()
}

/// A big-endian `BoxedUint` as `len` little-endian bytes.
fn le_bytes(x: &BoxedUint, len: usize) -> Vec<u8> {
    let be = x.to_be_bytes();
    let mut le: Vec<u8> = be.iter().rev().copied().collect();
    assert!(le[len..].iter().all(|&b| b == 0));
    le.truncate(len);
    le
}

/// The `dsa` keys of one of the crate's key pairs.
fn reference(key: &Dsa) -> (SigningKey, VerifyingKey) {
    let private = harness::decode(&key.export(true, false).unwrap()).unwrap();
    let public = harness::decode(&key.export(false, false).unwrap()).unwrap();
    let bits = private.bits;
    let (p, q, g) = (
        uint(&private.p, bits),
        uint(&private.q, 160),
        uint(&private.g, bits),
    );
    let components = if bits == 1024 {
        Components::from_components(p, q, g).unwrap()
    } else {
        Components::from_components_unchecked(p, q, g).unwrap()
    };
    let verifying = VerifyingKey::from_components(components, uint(&public.y, bits)).unwrap();
    let signing = SigningKey::from_components(verifying.clone(), uint(&private.x, 160)).unwrap();
    (signing, verifying)
}

/// Windows' signature (r then s, each 20 bytes little-endian) as a `dsa` signature.
fn to_reference(signature: &[u8; 40]) -> Signature {
    Signature::from_components(uint(&signature[..20], 160), uint(&signature[20..], 160)).unwrap()
}

fn from_reference(signature: &Signature) -> [u8; 40] {
    let mut out = [0u8; 40];
    out[..20].copy_from_slice(&le_bytes(signature.r(), 20));
    out[20..].copy_from_slice(&le_bytes(signature.s(), 20));
    out
}

/// Both directions, for `rounds` hashes.
fn cross_check(key: &Dsa, tag: &str, rounds: u8) {
    let (signing, verifying) = reference(key);
    let public = Dsa::import(&key.export(false, false).unwrap()).unwrap();
    for round in 0..rounds {
        let hash: [u8; 20] = Sha1::digest([tag.as_bytes(), &[round]].concat()).into();
        let mut other = hash;
        other[19] ^= 0x80;

        let ours = key.sign(&hash).unwrap();
        let theirs = to_reference(&ours);
        assert!(
            verifying.verify_prehash(&hash, &theirs).is_ok(),
            "{tag}: dsa rejects the crate's signature"
        );
        assert!(verifying.verify_prehash(&other, &theirs).is_err());

        let reference_signature = signing.sign_prehash(&hash).unwrap();
        let converted = from_reference(&reference_signature);
        assert!(
            public.verify(&hash, &converted),
            "{tag}: the crate rejects dsa's signature"
        );
        assert!(!public.verify(&other, &converted));
        let mut altered = converted;
        altered[usize::from(round) % 40] ^= 0x10;
        assert!(!public.verify(&hash, &altered));
    }
}

fn recorded_pairs() -> Vec<(String, Dsa)> {
    let data: Value = serde_json::from_str(DATA).unwrap();
    data["blobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["blob_type"] == "PRIVATEKEYBLOB")
        .map(|entry| {
            let text = entry["hex"].as_str().unwrap();
            let bytes: Vec<u8> = (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect();
            (
                entry["id"].as_str().unwrap().to_owned(),
                Dsa::import(&bytes).unwrap(),
            )
        })
        .collect()
}

#[test]
fn windows_pairs_agree_with_the_dsa_crate() {
    let pairs = recorded_pairs();
    assert_eq!(pairs.len(), 3);
    for (id, key) in &pairs {
        cross_check(key, id, 8);
        // A new pair in the same parameters.
        cross_check(&Dsa::generate_like(key).unwrap(), &format!("{id}/new"), 4);
    }
}

#[test]
fn generated_parameters_agree_with_the_dsa_crate() {
    for bits in [512, 768, 1024] {
        let key = Dsa::generate(bits).unwrap();
        assert!(key.verify_seed().unwrap());
        cross_check(&key, &format!("generated-{bits}"), 4);
    }
}
