//! FIPS 186-2 DSA known answers (`data/fips186-2-dsa.json`) through the crate's DSS core
//! (`cryptoapi::dss::harness`):
//!
//! * domain parameters: from each SEED, FIPS 186-2 Appendix 2.2 finds the vector's q, and p at
//!   the vector's counter; g = h^((p − 1)/q) mod p with h = 2 is the vector's g; the SEED and
//!   counter validate (and a neighbouring counter or SEED does not): the Appendix 5 example
//!   (512 bits), five 1024-bit FIPS 186-2 examples and five made by OpenSSL's FIPS module;
//! * the Appendix 5 key and signature: y = g^x, SHA-1("abc"), (r, s) from k, which the key
//!   verifies in Windows' byte order (r then s, each little-endian), and no altered signature.
//!
//! The runner checks every vector, reports failures by id, and refuses unread fields.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::dss::harness::{self, Blob, Dsa};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

const DATA: &str = include_str!("data/fips186-2-dsa.json");

struct Vector {
    id: String,
    map: Map<String, Value>,
}

impl Vector {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// A big-endian hex field, as bytes (big-endian).
    fn be(&mut self, key: &str) -> Option<Vec<u8>> {
        let text = self.take(key)?.as_str().unwrap().to_owned();
        Some(
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect(),
        )
    }

    /// A big-endian hex field as a little-endian number of `len` bytes.
    fn le(&mut self, key: &str, len: usize) -> Option<Vec<u8>> {
        let mut bytes = self.be(key)?;
        bytes.reverse();
        bytes.resize(len, 0);
        Some(bytes)
    }

    fn u32(&mut self, key: &str) -> u32 {
        u32::try_from(self.take(key).unwrap().as_u64().unwrap()).unwrap()
    }
}

fn vectors() -> Vec<Vector> {
    let data: Value = serde_json::from_str(DATA).unwrap();
    assert!(data["description"].as_str().unwrap().contains("big-endian"));
    data["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let mut map = v.as_object().unwrap().clone();
            let id = map.remove("id").unwrap().as_str().unwrap().to_owned();
            Vector { id, map }
        })
        .collect()
}

fn check(vector: &mut Vector) {
    let id = vector.id.clone();
    vector.take("source").unwrap();
    let bits = vector.u32("bits");
    let len = usize::try_from(bits / 8).unwrap();
    let seed: [u8; 20] = vector.be("seed").unwrap().try_into().unwrap();
    let counter = vector.u32("counter");
    assert_eq!(vector.u32("h"), 2, "{id}: the runner makes g with h = 2");
    let p = vector.le("p", len).unwrap();
    let q = vector.le("q", 20).unwrap();
    let g = vector.le("g", len).unwrap();

    let made = harness::fips186_2_params_from_seed(bits, &seed)
        .unwrap()
        .unwrap();
    assert_eq!(made.counter, counter, "{id}: counter");
    assert_eq!(made.q, q, "{id}: q");
    assert_eq!(made.p, p, "{id}: p");
    assert_eq!(made.g, g, "{id}: g");

    // The DSSSEED of these parameters (the SEED reversed) validates; near misses do not.
    let mut stored = seed;
    stored.reverse();
    assert!(harness::verify_seed(bits, &p, &q, counter, &stored).unwrap());
    assert!(!harness::verify_seed(bits, &p, &q, counter + 1, &stored).unwrap());
    if counter > 0 {
        assert!(!harness::verify_seed(bits, &p, &q, counter - 1, &stored).unwrap());
    }
    let mut other = stored;
    other[0] ^= 1;
    assert!(!harness::verify_seed(bits, &p, &q, counter, &other).unwrap());

    // A key and a signature, when the vector has them.
    let Some(x) = vector.le("x", 20) else {
        return;
    };
    let y = vector.le("y", len).unwrap();
    let k = vector.le("k", 20).unwrap();
    let _k_inverse = vector.be("k_inverse").unwrap();
    let message = vector.take("message_ascii").unwrap();
    let digest: [u8; 20] = vector.be("sha1").unwrap().try_into().unwrap();
    assert_eq!(
        <[u8; 20]>::from(Sha1::digest(message.as_str().unwrap().as_bytes())),
        digest
    );
    let r = vector.le("r", 20).unwrap();
    let s = vector.le("s", 20).unwrap();

    let blob = Blob {
        dss: true,
        private: true,
        version3: false,
        alg: harness::CALG_DSS_SIGN.raw(),
        bits,
        bits_q: 160,
        bits_j: 0,
        bits_x: 0,
        p,
        q,
        g,
        j: Vec::new(),
        y: Vec::new(),
        x: Zeroizing::new(x),
        seed: Some((counter, stored)),
    };
    let key = Dsa::import(&harness::encode(&blob).unwrap()).unwrap();
    let public = harness::decode(&key.export(false, false).unwrap()).unwrap();
    assert_eq!(public.y, y, "{id}: y = g^x");

    let signature = key.sign_with_nonce(&digest, &k).unwrap().unwrap();
    assert_eq!(signature[..20], r[..], "{id}: r");
    assert_eq!(signature[20..], s[..], "{id}: s");
    let verifier = Dsa::import(&key.export(false, false).unwrap()).unwrap();
    assert!(verifier.verify(&digest, &signature));
    for i in 0..40 {
        let mut bad = signature;
        bad[i] ^= 1;
        assert!(!verifier.verify(&digest, &bad), "{id}: byte {i} changed");
    }
    // The big-endian r ‖ s (what OpenSSL and .NET's DSA use) is not Windows' order.
    let mut big_endian = signature;
    big_endian[..20].reverse();
    big_endian[20..].reverse();
    assert!(!verifier.verify(&digest, &big_endian));
}

#[test]
fn fips_186_2_vectors() {
    let mut failures = Vec::new();
    let mut count = 0;
    for mut vector in vectors() {
        count += 1;
        let id = vector.id.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&mut vector);
            assert!(
                vector.map.is_empty(),
                "{id}: unread fields {:?}",
                vector.map.keys().collect::<Vec<_>>()
            );
        }));
        if outcome.is_err() {
            failures.push(id);
        }
    }
    assert_eq!(count, 11);
    assert!(failures.is_empty(), "failed: {failures:?}");
}
