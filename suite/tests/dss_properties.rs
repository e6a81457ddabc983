//! Properties of the DSS and Diffie-Hellman core, through `cryptoapi::dss::harness` (the hidden
//! face of the crate-internal code the DSS providers will use):
//!
//! * codec: any blob of any of the eight layouts, at any bit length, with any numbers that fit
//!   their fields, encodes and decodes back to itself; arbitrary bytes behind a DSS or DH
//!   header never panic the decoder and fail only with `NTE_BAD_DATA`, `NTE_BAD_TYPE` or
//!   `NTE_BAD_ALGID`;
//! * keys: every truncation of a key's blob (each layout) fails; any single-byte change fails
//!   with a named code or gives a key that exports exactly the changed blob and works (a DSS
//!   pair signs what its public blob verifies; a DH pair agrees with a peer; a DH1 public value
//!   agrees or is refused);
//! * DSA: a signature of any hash verifies, and no other hash, no changed byte of the
//!   signature, no other key;
//! * Diffie-Hellman: two pairs in any of the test groups agree.
//!
//! Keys are generated once per process (512-bit DSS parameters, a 512-bit FIPS 186-2 DH group,
//! dssenh.c's 512-bit groups); the exhaustive loops of the codec's own edge cases stay in the
//! crate's unit tests.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::sync::OnceLock;

use cryptoapi::Error;
use cryptoapi::dss::harness::{self, Blob, CALG_DH_EPHEM, CALG_DH_SF, CALG_DSS_SIGN, Dh, Dsa};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use zeroize::Zeroizing;

/// No `proptest-regressions/` directory: a failure found here becomes an explicit test.
fn config(cases: u32) -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}

/// Import errors must be the decoder's and the key checks' codes.
fn import_error(err: &Error) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(err, Error::BadData | Error::BadType | Error::BadAlgId),
        "unexpected {err:?}"
    );
    Ok(())
}

struct Keys {
    dsa: Dsa,
    dsa_other: Dsa,
    /// A pair in a generated group (with q) and one in dssenh.c's CALG_DH_EPHEM group.
    dh: [Dh; 2],
    /// A second pair in each group, the peers.
    dh_peers: [Dh; 2],
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dsa = Dsa::generate(512).unwrap();
        let dsa_other = Dsa::generate_like(&dsa).unwrap();
        let generated = Dh::generate(CALG_DH_EPHEM, 512).unwrap();
        let group = harness::decode(&generated.export(false, true).unwrap()).unwrap();
        let peer = Dh::generate_in_group(CALG_DH_EPHEM, &group.p, &group.g, Some(&group.q));
        let (p, g) = dssenh_group();
        Keys {
            dsa,
            dsa_other,
            dh: [
                generated,
                Dh::generate_in_group(CALG_DH_SF, &p, &g, None).unwrap(),
            ],
            dh_peers: [
                peer.unwrap(),
                Dh::generate_in_group(CALG_DH_SF, &p, &g, None).unwrap(),
            ],
        }
    })
}

/// dssenh.c's `primeCALG_DH_EPHEM` and `generatorCALG_DH_EPHEM`, from the data file.
fn dssenh_group() -> (Vec<u8>, Vec<u8>) {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/dssenh-blobs.json")).unwrap();
    let group = &data["dh_groups"][1];
    assert_eq!(group["alg"], "CALG_DH_EPHEM");
    let unhex = |key: &str| -> Vec<u8> {
        let text = group[key].as_str().unwrap();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    };
    (unhex("p"), unhex("g"))
}

// ---------------------------------------------------------------------------------------------
// The codec

/// A number of exactly `bits` bits (its top bit set), from `bytes`.
fn exact(bytes: &[u8], bits: u32) -> Vec<u8> {
    let len = bits.div_ceil(8) as usize;
    let mut n: Vec<u8> = bytes.iter().copied().cycle().take(len).collect();
    if let Some(top) = n.last_mut() {
        let spare = u32::try_from(len).unwrap() * 8 - bits;
        *top = (*top | 0x80) >> spare;
    }
    n
}

/// A number of at most `bits` bits at its byte length.
fn within(bytes: &[u8], bits: u32) -> Vec<u8> {
    let len = bits.div_ceil(8) as usize;
    let mut n: Vec<u8> = bytes.iter().copied().cycle().take(len).collect();
    if let Some(top) = n.last_mut() {
        let spare = u32::try_from(len).unwrap() * 8 - bits;
        *top &= 0xff >> spare;
    }
    n
}

/// A valid blob of any layout and bit length (its numbers made from `material`).
fn any_blob() -> impl Strategy<Value = Blob> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        1u32..=512,
        any::<(u32, u32, u32)>(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 1..64),
        any::<(u32, [u8; 20])>(),
    )
        .prop_map(
            |(dss, version3, private, bytes, (bq, bj, bx), sf, material, seed)| {
                let max = if dss { 128 } else { 512 };
                let bits = (bytes % max + 1) * 8;
                let alg = match (dss, sf) {
                    (true, _) => CALG_DSS_SIGN,
                    (false, true) => CALG_DH_SF,
                    (false, false) => CALG_DH_EPHEM,
                };
                let m = |tag: u8| -> Vec<u8> { material.iter().map(|b| b ^ tag).collect() };
                let mut blob = Blob {
                    dss,
                    private,
                    version3,
                    alg: alg.raw(),
                    bits,
                    bits_q: 0,
                    bits_j: 0,
                    bits_x: 0,
                    p: Vec::new(),
                    q: Vec::new(),
                    g: Vec::new(),
                    j: Vec::new(),
                    y: Vec::new(),
                    x: Zeroizing::new(Vec::new()),
                    seed: None,
                };
                if version3 {
                    blob.bits_q = if dss { 160 } else { bq % bits };
                    blob.bits_j = bj % bits;
                    blob.p = exact(&m(1), bits);
                    blob.q = within(&m(2), blob.bits_q);
                    blob.g = within(&m(3), bits);
                    blob.j = within(&m(4), blob.bits_j);
                    blob.y = within(&m(5), bits);
                    blob.seed = Some(seed);
                    if private {
                        blob.bits_x = bx % bits + 1;
                        blob.x = Zeroizing::new(within(&m(6), blob.bits_x));
                    }
                    return blob;
                }
                if dss {
                    blob.bits_q = 160;
                    blob.p = exact(&m(1), bits);
                    blob.q = within(&m(2), 160);
                    blob.g = within(&m(3), bits);
                    if private {
                        blob.x = Zeroizing::new(within(&m(6), 160));
                    } else {
                        blob.y = within(&m(5), bits);
                    }
                    blob.seed = Some(seed);
                } else if private {
                    blob.p = exact(&m(1), bits);
                    blob.g = within(&m(3), bits);
                    blob.x = Zeroizing::new(within(&m(6), bits));
                } else {
                    blob.y = within(&m(5), bits);
                }
                blob
            },
        )
}

proptest! {
    #![proptest_config(config(256))]

    /// Any valid blob encodes to its documented size and decodes back to itself, with any bytes
    /// after it.
    #[test]
    fn blobs_round_trip(blob in any_blob(), trailing in proptest::collection::vec(any::<u8>(), 0..8)) {
        let bytes = harness::encode(&blob).unwrap();
        prop_assert_eq!(bytes.len(), harness::encoded_len(&blob));
        let mut buffer = bytes.to_vec();
        buffer.extend_from_slice(&trailing);
        prop_assert_eq!(harness::decode(&buffer).unwrap(), blob);
    }

    /// Arbitrary bytes behind a DSS or DH header: a named decoding error, or a blob that encodes
    /// back to the bytes it was read from.
    #[test]
    fn arbitrary_bodies_never_panic(
        blob_type in prop_oneof![Just(6u8), Just(7u8), any::<u8>()],
        version in prop_oneof![Just(2u8), Just(3u8), any::<u8>()],
        alg in prop_oneof![Just(0x2200u32), Just(0xaa01), Just(0xaa02), any::<u32>()],
        magic in prop::sample::select(vec![
            *b"DSS1", *b"DSS2", *b"DSS3", *b"DSS4", *b"\0DH1", *b"\0DH2", *b"\0DH3", *b"\0DH4",
            *b"RSA1",
        ]),
        bits in prop_oneof![Just(512u32), Just(160), Just(8), 0u32..5000, any::<u32>()],
        body in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes = vec![blob_type, version, 0, 0];
        bytes.extend_from_slice(&alg.to_le_bytes());
        bytes.extend_from_slice(&magic);
        bytes.extend_from_slice(&bits.to_le_bytes());
        bytes.extend_from_slice(&body);
        match harness::decode(&bytes) {
            Ok(blob) => {
                let back = harness::encode(&blob).unwrap();
                prop_assert_eq!(&back[..], &bytes[..back.len()]);
            }
            Err(err) => import_error(&err)?,
        }
        for result in [Dsa::import(&bytes).map(|_| ()), Dh::import(&bytes).map(|_| ())] {
            if let Err(err) = result {
                import_error(&err)?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Every blob of the shared keys: (name, bytes, DSS).
fn key_blobs() -> &'static [(String, Vec<u8>, bool)] {
    static BLOBS: OnceLock<Vec<(String, Vec<u8>, bool)>> = OnceLock::new();
    BLOBS.get_or_init(|| {
        let keys = keys();
        let mut out = Vec::new();
        for version3 in [false, true] {
            for private in [false, true] {
                let tag = format!("v{}-{}", if version3 { 3 } else { 2 }, private);
                out.push((
                    format!("dss-{tag}"),
                    keys.dsa.export(private, version3).unwrap().to_vec(),
                    true,
                ));
                for (i, dh) in keys.dh.iter().enumerate() {
                    out.push((
                        format!("dh{i}-{tag}"),
                        dh.export(private, version3).unwrap().to_vec(),
                        false,
                    ));
                }
            }
        }
        out
    })
}

fn blob_index() -> impl Strategy<Value = usize> {
    0..12usize
}

/// What a blob that imported must be able to do.
fn works(bytes: &[u8], dss: bool, name: &str) -> Result<(), TestCaseError> {
    let private = bytes[0] == 7;
    let version3 = bytes[1] == 3;
    if dss {
        let key = match Dsa::import(bytes) {
            Ok(key) => key,
            Err(err) => return import_error(&err),
        };
        // The key exports the very blob it came from.
        let len = harness::encoded_len(&harness::decode(bytes).unwrap());
        prop_assert_eq!(
            &key.export(private, version3).unwrap()[..],
            &bytes[..len],
            "{}",
            name
        );
        let again = Dsa::import(&key.export(private, version3).unwrap()).unwrap();
        prop_assert_eq!(
            again.export(private, version3).unwrap(),
            key.export(private, version3).unwrap()
        );
        if private {
            let hash = [0x42; 20];
            let public = Dsa::import(&key.export(false, false).unwrap()).unwrap();
            prop_assert!(public.verify(&hash, &key.sign(&hash).unwrap()), "{name}");
        }
        return Ok(());
    }
    let keys = keys();
    if !private && !version3 {
        // A DH1 public value: each private key of its size agrees with it or refuses it.
        for dh in &keys.dh {
            match dh.agree_blob(bytes) {
                Ok(secret) => prop_assert_eq!(secret.len(), 64),
                Err(err) => import_error(&err)?,
            }
        }
        return Ok(());
    }
    let key = match Dh::import(bytes) {
        Ok(key) => key,
        Err(err) => return import_error(&err),
    };
    let len = harness::encoded_len(&harness::decode(bytes).unwrap());
    prop_assert_eq!(
        &key.export(private, version3).unwrap()[..],
        &bytes[..len],
        "{}",
        name
    );
    let again = Dh::import(&key.export(private, version3).unwrap()).unwrap();
    prop_assert_eq!(
        again.export(private, version3).unwrap(),
        key.export(private, version3).unwrap()
    );
    if private {
        // Agreement with a fresh peer in the imported key's own group.
        let group = harness::decode(&key.export(false, true).unwrap()).unwrap();
        let q = (!group.q.is_empty()).then_some(&group.q[..]);
        let peer = Dh::generate_in_group(CALG_DH_EPHEM, &group.p, &group.g, q).unwrap();
        prop_assert_eq!(
            key.agree(&peer.public_value().unwrap()).unwrap(),
            peer.agree(&key.public_value().unwrap()).unwrap(),
            "{}",
            name
        );
    }
    Ok(())
}

#[test]
fn every_truncation_of_every_key_blob_fails() {
    for (name, bytes, dss) in key_blobs() {
        for cut in 0..bytes.len() {
            let cut_bytes = &bytes[..cut];
            let result = if *dss {
                Dsa::import(cut_bytes).map(|_| ())
            } else if bytes[0] == 6 && bytes[1] == 2 {
                keys().dh[0].agree_blob(cut_bytes).map(|_| ())
            } else {
                Dh::import(cut_bytes).map(|_| ())
            };
            assert!(
                matches!(result, Err(Error::BadData)),
                "{name} cut at {cut}: {result:?}"
            );
        }
        // Whole, each one works.
        works(bytes, *dss, name).unwrap();
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Any one byte changed: a named error, or a key that works.
    #[test]
    fn changed_bytes_are_errors_or_working_keys(
        which in blob_index(),
        at in any::<Index>(),
        value in any::<u8>(),
    ) {
        let (name, bytes, dss) = &key_blobs()[which];
        let mut bad = bytes.clone();
        let i = at.index(bad.len());
        bad[i] = value;
        works(&bad, *dss, &format!("{name}, byte {i} = {value:#04x}"))?;
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures and agreement

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn signatures_verify_for_their_hash_only(
        hash in any::<[u8; 20]>(),
        other in any::<[u8; 20]>(),
        at in 0usize..40,
        flip in 1u8..=255,
    ) {
        let keys = keys();
        let signature = keys.dsa.sign(&hash).unwrap();
        prop_assert!(keys.dsa.public_key().verify(&hash, &signature));
        prop_assert!(!keys.dsa_other.verify(&hash, &signature), "another key");
        if other != hash {
            prop_assert!(!keys.dsa.verify(&other, &signature));
        }
        let mut bad = signature;
        bad[at] ^= flip;
        prop_assert!(!keys.dsa.verify(&hash, &bad));
        prop_assert!(!keys.dsa.verify(&hash, &signature[..39]));
    }

    #[test]
    fn both_sides_agree(group in 0usize..2, fresh in any::<bool>()) {
        let keys = keys();
        let (a, b) = (&keys.dh[group], &keys.dh_peers[group]);
        let ab = a.agree(&b.public_value().unwrap()).unwrap();
        prop_assert_eq!(&ab, &b.agree(&a.public_value().unwrap()).unwrap());
        if fresh {
            // A third pair in the same group gets another secret with each of them.
            let blob = harness::decode(&a.export(false, true).unwrap()).unwrap();
            let q = (!blob.q.is_empty()).then_some(&blob.q[..]);
            let c = Dh::generate_in_group(CALG_DH_EPHEM, &blob.p, &blob.g, q).unwrap();
            let ac = a.agree(&c.public_value().unwrap()).unwrap();
            prop_assert_eq!(&ac, &c.agree(&a.public_value().unwrap()).unwrap());
            prop_assert_ne!(ac, ab);
        }
    }
}
