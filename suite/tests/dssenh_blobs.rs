//! The DSS key BLOBs and Diffie-Hellman groups of tests that ran against Microsoft's DSS
//! providers (`data/dssenh-blobs.json`: Wine's dssenh conformance tests, and Mono's
//! `DSACryptoServiceProvider` tests of CSP blobs), through the crate's DSS core
//! (`cryptoapi::dss::harness`, the hidden face of the crate-internal code):
//!
//! * every blob decodes to the layout Microsoft documents (header, magic, bit length, p, q, g,
//!   x or y, `DSSSEED`) and encodes back to its own bytes; its `aiKeyAlg` is `CALG_DSS_SIGN`;
//! * every blob imports as a key that exports the same bytes (Wine's `test_duplicate_key`
//!   checks exactly that on Windows), signs SHA-1 values that its public blob verifies, and
//!   goes through the version 3 layout and back;
//! * p and q come out of the `DSSSEED` the FIPS 186-2 way, with the seed read reversed (the
//!   blob stores it little-endian), and not with the seed as stored;
//! * Mono's key pair and public key are the same key: the pair's public export is the public
//!   blob, byte for byte (y = g^x, the seed and counter carried over);
//! * the groups dssenh.c sets with `KP_P` / `KP_G` are 512-bit groups in which two key pairs
//!   agree on one secret.
//!
//! The runner checks every entry, reports each failure with the entry's id, and refuses fields
//! it does not use.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::AlgId;
use cryptoapi::dss::harness::{self, CALG_DH_EPHEM, CALG_DH_SF, Dh, Dsa};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

const DATA: &str = include_str!("data/dssenh-blobs.json");

/// The fields of one entry; every field must be taken, or the entry fails.
struct Fields {
    id: String,
    map: Map<String, Value>,
}

impl Fields {
    fn new(value: &Value) -> Fields {
        let mut map = value.as_object().unwrap().clone();
        let id = map.remove("id").unwrap().as_str().unwrap().to_owned();
        Fields { id, map }
    }

    fn str(&mut self, key: &str) -> String {
        let value = self.map.remove(key);
        let value = value.unwrap_or_else(|| panic!("{}: no field {key}", self.id));
        value.as_str().unwrap().to_owned()
    }

    fn hex(&mut self, key: &str) -> Vec<u8> {
        let text = self.str(key);
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn u32(&mut self, key: &str) -> u32 {
        let value = self.map.remove(key);
        let value = value.unwrap_or_else(|| panic!("{}: no field {key}", self.id));
        u32::try_from(value.as_u64().unwrap()).unwrap()
    }

    /// Fails when a field was left unread.
    fn finish(self) {
        assert!(
            self.map.is_empty(),
            "{}: unread fields {:?}",
            self.id,
            self.map.keys().collect::<Vec<_>>()
        );
    }
}

fn data() -> Value {
    serde_json::from_str(DATA).unwrap()
}

/// Runs `check` on every entry of `section`, collecting the failures.
fn each(section: &str, check: impl Fn(&mut Fields)) {
    let data = data();
    let entries = data[section].as_array().unwrap();
    assert!(!entries.is_empty());
    let mut failures = Vec::new();
    for entry in entries {
        let mut fields = Fields::new(entry);
        let id = fields.id.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&mut fields);
            fields.finish();
        }));
        if outcome.is_err() {
            failures.push(id);
        }
    }
    assert!(failures.is_empty(), "failed: {failures:?}");
}

fn sha1(data: &[u8]) -> [u8; 20] {
    Sha1::digest(data).into()
}

#[test]
fn the_description_is_there() {
    assert!(
        data()["description"]
            .as_str()
            .unwrap()
            .contains("little-endian")
    );
}

#[test]
fn every_blob_decodes_to_its_documented_layout_and_back() {
    each("blobs", |f| {
        let _ = (f.str("source"), f.str("windows"));
        let bytes = f.hex("hex");
        let blob = harness::decode(&bytes).unwrap();
        assert_eq!(&*harness::encode(&blob).unwrap(), &bytes[..], "{}", f.id);
        assert_eq!(harness::encoded_len(&blob), bytes.len());
        let private = match f.str("blob_type").as_str() {
            "PRIVATEKEYBLOB" => true,
            "PUBLICKEYBLOB" => false,
            other => panic!("{other}"),
        };
        assert_eq!((blob.private, blob.dss), (private, true));
        assert_eq!(u32::from(bytes[1]), f.u32("version"));
        assert!(!blob.version3);
        assert_eq!(bytes[8..12], *f.str("magic").as_bytes());
        // The aiKeyAlg of every recorded blob: CALG_DSS_SIGN, AT_SIGNATURE keys included.
        assert_eq!(f.str("ai_key_alg"), "0x2200");
        assert_eq!(blob.alg, harness::CALG_DSS_SIGN.raw());
        let bits = f.u32("bits");
        assert_eq!(blob.bits, bits);
        let len = usize::try_from(bits / 8).unwrap();
        // Documented sizes: header, DSSPUBKEY, p, q[20], g, x[20] or y, DSSSEED.
        let expected = 8 + 8 + len + 20 + len + if private { 20 } else { len } + 24;
        assert_eq!(bytes.len(), expected);
        assert_eq!((blob.p.len(), blob.q.len(), blob.g.len()), (len, 20, len));
        assert_eq!(blob.p[len - 1] & 0x80, 0x80, "p's top bit is set");
        assert_eq!(blob.q[19] & 0x80, 0x80, "q's top bit is set");
        let (counter, seed) = blob.seed.unwrap();
        assert_eq!(counter, f.u32("counter"));
        let mut fips_seed = seed;
        fips_seed.reverse();
        assert_eq!(fips_seed.to_vec(), f.hex("fips_seed"));
    });
}

#[test]
fn every_blob_imports_exports_signs_and_verifies() {
    each("blobs", |f| {
        let _ = (f.str("source"), f.str("windows"), f.str("blob_type"));
        let _ = (f.u32("version"), f.str("magic"), f.str("ai_key_alg"));
        let _ = (f.u32("bits"), f.u32("counter"), f.str("fips_seed"));
        let bytes = f.hex("hex");
        let private = bytes[0] == 7;
        let key = Dsa::import(&bytes).unwrap();
        assert_eq!(key.bits(), 1024);
        assert_eq!(key.has_private(), private);
        assert_eq!(
            &*key.export(private, false).unwrap(),
            &bytes[..],
            "{}",
            f.id
        );
        assert_eq!(
            &*key.duplicate().export(private, false).unwrap(),
            &bytes[..]
        );
        // Version 3 and back.
        let v3 = key.export(private, true).unwrap();
        let again = Dsa::import(&v3).unwrap();
        assert_eq!(&*again.export(private, false).unwrap(), &bytes[..]);
        assert_eq!(again.export(private, true).unwrap(), v3);
        if private {
            // dssenh.c's data, signed twice: two different signatures, both verified by the
            // public blob.
            let public = Dsa::import(&key.export(false, false).unwrap()).unwrap();
            for data in [
                &b"Put your hands up for Cryptography :)\0"[..],
                b"With DSSENH implemented, applications requiring it will now work.\0",
                b"\0",
            ] {
                let hash = sha1(data);
                let (a, b) = (key.sign(&hash).unwrap(), key.sign(&hash).unwrap());
                assert_ne!(a, b, "{}: every DSS signature differs", f.id);
                assert!(public.verify(&hash, &a) && public.verify(&hash, &b));
                assert_eq!(key.sign_hash(AlgId::SHA1, &hash).unwrap().len(), 40);
            }
        }
    });
}

#[test]
fn p_and_q_come_out_of_the_reversed_seed() {
    each("blobs", |f| {
        let _ = (f.str("source"), f.str("windows"), f.str("blob_type"));
        let _ = (f.u32("version"), f.str("magic"), f.str("ai_key_alg"));
        let _ = (f.u32("bits"), f.u32("counter"), f.str("fips_seed"));
        let bytes = f.hex("hex");
        let blob = harness::decode(&bytes).unwrap();
        let (counter, seed) = blob.seed.unwrap();
        assert!(harness::verify_seed(blob.bits, &blob.p, &blob.q, counter, &seed).unwrap());
        let mut as_stored = seed;
        as_stored.reverse();
        assert!(
            !harness::verify_seed(blob.bits, &blob.p, &blob.q, counter, &as_stored).unwrap(),
            "{}: the seed is stored reversed",
            f.id
        );
        assert!(!harness::verify_seed(blob.bits, &blob.p, &blob.q, counter + 1, &seed).unwrap());
        let key = Dsa::import(&bytes).unwrap();
        assert!(key.verify_seed().unwrap());
    });
}

#[test]
fn monos_pair_and_public_key_are_one_key() {
    let data = data();
    let blob = |id: &str| -> Vec<u8> {
        let entry = data["blobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap();
        let text = entry["hex"].as_str().unwrap();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    };
    let pair = Dsa::import(&blob("mono/ImportCspBlob_Keypair")).unwrap();
    let public = blob("mono/ExportCspBlob_PublicKey");
    assert_eq!(&*pair.export(false, false).unwrap(), &public[..]);
    let hash = sha1(b"mono");
    let verifier = Dsa::import(&public).unwrap();
    assert!(verifier.verify(&hash, &pair.sign(&hash).unwrap()));
    assert!(verifier.sign(&hash).is_err());
}

#[test]
fn dssenh_dh_groups_agree() {
    each("dh_groups", |f| {
        let _ = (f.str("source"), f.str("windows"));
        let alg = match f.str("alg").as_str() {
            "AT_KEYEXCHANGE" | "CALG_DH_SF" => CALG_DH_SF,
            "CALG_DH_EPHEM" => CALG_DH_EPHEM,
            other => panic!("{other}"),
        };
        let (p, g) = (f.hex("p"), f.hex("g"));
        assert_eq!(
            (p.len(), p[63] & 0x80),
            (64, 0x80),
            "512 bits, little-endian"
        );
        let a = Dh::generate_in_group(alg, &p, &g, None).unwrap();
        let b = Dh::generate_in_group(alg, &p, &g, None).unwrap();
        assert_eq!(a.bits(), 512);
        let a_public = a.export(false, false).unwrap();
        let b_public = b.export(false, false).unwrap();
        assert_eq!(
            a_public.len(),
            8 + 8 + 64,
            "a DH1 blob: header, DHPUBKEY, y"
        );
        assert_eq!(&a_public[8..12], b"\0DH1");
        assert_eq!(
            u32::from_le_bytes(a_public[4..8].try_into().unwrap()),
            alg.raw()
        );
        let ab = a.agree_blob(&b_public).unwrap();
        let ba = b.agree_blob(&a_public).unwrap();
        assert_eq!(ab, ba, "{}", f.id);
        assert_eq!(ab.len(), 64);
        // The private blob ("DH2": p, g, x) carries the group dssenh.c set.
        let private = harness::decode(&a.export(true, false).unwrap()).unwrap();
        assert_eq!((private.p, private.g), (p, g));
    });
}
