//! The crate's DSS and Diffie-Hellman core against OpenSSL 3, both ways:
//!
//! * DSA: `openssl dgst -sha1 -verify` accepts what the crate signs (Windows' r ‖ s turned
//!   into a DER signature, the key into a DER `SubjectPublicKeyInfo` built from p, q, g, y), and
//!   the crate verifies what `openssl dgst -sha1 -sign` makes with the same key (as PKCS#8);
//!   for the 1024-bit pairs recorded from Windows, and pairs in parameters the crate generates
//!   at 512 and 1024 bits;
//! * FIPS 186-2 seeds: parameters OpenSSL generates with `type:fips186_2` (X9.42 DH parameters
//!   keep the SEED and counter) validate with the crate's `verify_seed`, and a changed seed or
//!   counter does not;
//! * Diffie-Hellman: the raw shared secret of an OpenSSL key pair and a crate key pair is the
//!   same on both sides (`openssl pkeyutl -derive`, padded to p's length), in OpenSSL's
//!   FIPS 186-2 X9.42 group (1024 bits, 160-bit q), in the 512-bit groups of Wine's dssenh
//!   tests (PKCS#3, no q), and in RFC 7919's ffdhe2048 (q = (p − 1)/2).
//!
//! These tests need the `openssl` command (OpenSSL 3). Without it they fail, saying so: CI
//! checks that it is installed.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::path::{Path, PathBuf};

use cryptoapi::dss::harness::{self, CALG_DH_EPHEM, Dh, Dsa};
use serde_json::Value;
use sha1::{Digest, Sha1};

mod common;
use common::{ScratchDir, openssl, p};

const DATA: &str = include_str!("data/dssenh-blobs.json");

type Dir = ScratchDir;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// DER, as much as these tests need

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// An INTEGER from a little-endian unsigned number.
fn int(le: &[u8]) -> Vec<u8> {
    let mut be: Vec<u8> = reversed(le).into_iter().skip_while(|&b| b == 0).collect();
    if be.first().is_none_or(|&b| b & 0x80 != 0) {
        be.insert(0, 0);
    }
    tlv(0x02, &be)
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// `id-dsa`, 1.2.840.10040.4.1.
const ID_DSA: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];

/// Reads TLVs off a DER buffer.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    fn next(&mut self) -> (u8, &'a [u8]) {
        let tag = self.0[0];
        let (len, at) = match self.0[1] {
            short @ 0..0x80 => (usize::from(short), 2),
            long => {
                let n = usize::from(long & 0x7f);
                let len = self.0[2..2 + n]
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                (len, 2 + n)
            }
        };
        let content = &self.0[at..at + len];
        self.0 = &self.0[at + len..];
        (tag, content)
    }

    /// The whole next TLV, tag and length included.
    fn next_raw(&mut self) -> &'a [u8] {
        let before = self.0;
        self.next();
        &before[..before.len() - self.0.len()]
    }

    /// An INTEGER, as a little-endian number of `len` bytes.
    fn int(&mut self, len: usize) -> Vec<u8> {
        let (tag, content) = self.next();
        assert_eq!(tag, 0x02);
        let mut le = reversed(content);
        while le.len() > len {
            assert_eq!(le.pop(), Some(0));
        }
        le.resize(len, 0);
        le
    }

    fn inner(&mut self) -> Der<'a> {
        Der(self.next().1)
    }
}

// ---------------------------------------------------------------------------------------------
// DSA

/// The key's numbers (little-endian): p, q, g, y, x.
struct Numbers {
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    y: Vec<u8>,
    x: Vec<u8>,
}

fn numbers(key: &Dsa) -> Numbers {
    let private = harness::decode(&key.export(true, false).unwrap()).unwrap();
    let public = harness::decode(&key.export(false, false).unwrap()).unwrap();
    Numbers {
        p: private.p,
        q: private.q,
        g: private.g,
        y: public.y,
        x: private.x.to_vec(),
    }
}

fn dsa_spki(n: &Numbers) -> Vec<u8> {
    let algorithm = seq(&[tlv(0x06, &ID_DSA), seq(&[int(&n.p), int(&n.q), int(&n.g)])]);
    let mut key = vec![0u8];
    key.extend_from_slice(&int(&n.y));
    seq(&[algorithm, tlv(0x03, &key)])
}

fn dsa_pkcs8(n: &Numbers) -> Vec<u8> {
    let algorithm = seq(&[tlv(0x06, &ID_DSA), seq(&[int(&n.p), int(&n.q), int(&n.g)])]);
    seq(&[tlv(0x02, &[0]), algorithm, tlv(0x04, &int(&n.x))])
}

/// Windows' signature as DER `Dss-Sig-Value`.
fn der_signature(signature: &[u8; 40]) -> Vec<u8> {
    seq(&[int(&signature[..20]), int(&signature[20..])])
}

fn windows_signature(der: &[u8]) -> [u8; 40] {
    let mut outer = Der(der);
    let mut sig = outer.inner();
    let mut out = [0u8; 40];
    out[..20].copy_from_slice(&sig.int(20));
    out[20..].copy_from_slice(&sig.int(20));
    out
}

fn openssl_agrees_on_dsa(key: &Dsa, tag: &str) {
    let dir = Dir::new(tag);
    let n = numbers(key);
    let public = dir.write("public.der", &dsa_spki(&n));
    let private = dir.write("private.der", &dsa_pkcs8(&n));
    // OpenSSL reads the key back to the same numbers: its DER public key is ours.
    openssl(&[
        "pkey",
        "-in",
        p(&private),
        "-inform",
        "DER",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        p(&dir.path("derived.der")),
    ]);
    assert_eq!(dir.read("derived.der"), dir.read("public.der"), "{tag}");
    let verifier = Dsa::import(&key.export(false, false).unwrap()).unwrap();
    for message in [&b"abc"[..], b"", b"Put your hands up for Cryptography :)\0"] {
        let data = dir.write("message", message);
        let hash: [u8; 20] = Sha1::digest(message).into();

        let ours = key.sign(&hash).unwrap();
        let signature = dir.write("ours.sig", &der_signature(&ours));
        let out = openssl(&[
            "dgst",
            "-sha1",
            "-verify",
            p(&public),
            "-keyform",
            "DER",
            "-signature",
            p(&signature),
            p(&data),
        ]);
        assert!(
            String::from_utf8_lossy(&out).contains("Verified OK"),
            "{tag}: {}",
            String::from_utf8_lossy(&out)
        );

        openssl(&[
            "dgst",
            "-sha1",
            "-sign",
            p(&private),
            "-keyform",
            "DER",
            "-out",
            p(&dir.path("theirs.sig")),
            p(&data),
        ]);
        let theirs = windows_signature(&dir.read("theirs.sig"));
        assert!(
            verifier.verify(&hash, &theirs),
            "{tag}: OpenSSL's signature"
        );
        let mut other = hash;
        other[0] ^= 1;
        assert!(!verifier.verify(&other, &theirs));
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
            (
                entry["id"].as_str().unwrap().replace('/', "-"),
                Dsa::import(&unhex(entry["hex"].as_str().unwrap())).unwrap(),
            )
        })
        .collect()
}

#[test]
fn openssl_and_the_crate_verify_each_others_dsa_signatures() {
    for (id, key) in recorded_pairs() {
        openssl_agrees_on_dsa(&key, &id);
    }
    for bits in [512, 1024] {
        openssl_agrees_on_dsa(&Dsa::generate(bits).unwrap(), &format!("dsa-{bits}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Diffie-Hellman

/// OpenSSL's key pair in the parameters of `params` (PEM), its public value y (little-endian)
/// and the `AlgorithmIdentifier` of its `SubjectPublicKeyInfo`.
fn openssl_pair(dir: &Dir, params: &Path, len: usize) -> (PathBuf, Vec<u8>, Vec<u8>) {
    let key = dir.path("openssl.pem");
    openssl(&["genpkey", "-paramfile", p(params), "-out", p(&key)]);
    openssl(&[
        "pkey",
        "-in",
        p(&key),
        "-pubout",
        "-outform",
        "DER",
        "-out",
        p(&dir.path("openssl-public.der")),
    ]);
    let spki = dir.read("openssl-public.der");
    let mut outer = Der(&spki);
    let mut fields = outer.inner();
    let algorithm = fields.next_raw().to_vec();
    let (tag, bits) = fields.next();
    assert_eq!((tag, bits[0]), (0x03, 0));
    let y = Der(&bits[1..]).int(len);
    (key, y, algorithm)
}

/// Both sides of an agreement between OpenSSL's pair and `ours`, which must agree.
fn openssl_agrees_on_dh(dir: &Dir, params: &Path, ours: &Dh, tag: &str) {
    let len = usize::try_from(ours.bits() / 8).unwrap();
    let (key, their_y, algorithm) = openssl_pair(dir, params, len);
    let mut bits = vec![0u8];
    bits.extend_from_slice(&int(&ours.public_value().unwrap()));
    let peer = dir.write("ours.der", &seq(&[algorithm, tlv(0x03, &bits)]));
    openssl(&[
        "pkeyutl",
        "-derive",
        "-inkey",
        p(&key),
        "-peerkey",
        p(&peer),
        "-peerform",
        "DER",
        "-out",
        p(&dir.path("z")),
    ]);
    // OpenSSL drops the leading zero bytes of z (its `dh_pad` option is for PKCS#3 keys only);
    // the crate keeps z at p's length, as CryptoAPI's blobs do.
    let theirs = dir.read("z");
    assert!(
        theirs.len() <= len && theirs.len() + 4 > len,
        "{tag}: {}",
        theirs.len()
    );
    let mut padded = vec![0u8; len - theirs.len()];
    padded.extend_from_slice(&theirs);
    let mine = ours.agree(&their_y).unwrap();
    assert_eq!(mine.len(), len);
    assert_eq!(reversed(&mine), padded, "{tag}: the shared secret");
}

/// X9.42 parameters OpenSSL makes the FIPS 186-2 way: p, g, q (little-endian), the SEED
/// (big-endian, as DER holds it) and the counter.
fn x942_params(dir: &Dir, bits: u32) -> (PathBuf, [Vec<u8>; 3], [u8; 20], u32) {
    let params = dir.path("params.pem");
    openssl(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DHX",
        "-pkeyopt",
        &format!("dh_paramgen_prime_len:{bits}"),
        "-pkeyopt",
        "dh_paramgen_subprime_len:160",
        "-pkeyopt",
        "type:fips186_2",
        "-out",
        p(&params),
    ]);
    openssl(&[
        "asn1parse",
        "-in",
        p(&params),
        "-noout",
        "-out",
        p(&dir.path("params.der")),
    ]);
    let der = dir.read("params.der");
    let mut outer = Der(&der);
    let mut fields = outer.inner();
    let len = usize::try_from(bits / 8).unwrap();
    let (pp, g, q) = (fields.int(len), fields.int(len), fields.int(20));
    let mut validation = fields.inner();
    let (tag, seed) = validation.next();
    assert_eq!((tag, seed.len(), seed[0]), (0x03, 21, 0), "a 160-bit SEED");
    let counter = validation.int(4);
    (
        params,
        [pp, g, q],
        seed[1..].try_into().unwrap(),
        u32::from_le_bytes(counter.try_into().unwrap()),
    )
}

#[test]
fn openssl_fips_186_2_seeds_verify() {
    let dir = Dir::new("dss-fips-seeds");
    for _ in 0..2 {
        let (_, [pp, _, q], seed, counter) = x942_params(&dir, 1024);
        let stored: [u8; 20] = reversed(&seed).try_into().unwrap();
        assert!(harness::verify_seed(1024, &pp, &q, counter, &stored).unwrap());
        assert!(!harness::verify_seed(1024, &pp, &q, counter ^ 1, &stored).unwrap());
        let mut other = stored;
        other[7] ^= 4;
        assert!(!harness::verify_seed(1024, &pp, &q, counter, &other).unwrap());
    }
}

#[test]
fn openssl_and_the_crate_agree_in_an_x942_group() {
    let dir = Dir::new("dss-dh-x942");
    let (params, [pp, g, q], _, _) = x942_params(&dir, 1024);
    for _ in 0..2 {
        let ours = Dh::generate_in_group(CALG_DH_EPHEM, &pp, &g, Some(&q)).unwrap();
        openssl_agrees_on_dh(&dir, &params, &ours, "x9.42-1024");
    }
}

#[test]
fn openssl_and_the_crate_agree_in_the_dssenh_groups() {
    let data: Value = serde_json::from_str(DATA).unwrap();
    for group in data["dh_groups"].as_array().unwrap() {
        let id = group["id"].as_str().unwrap();
        let dir = Dir::new("dss-dh-pkcs3");
        let (pp, g) = (
            unhex(group["p"].as_str().unwrap()),
            unhex(group["g"].as_str().unwrap()),
        );
        let der = dir.write("params.der", &seq(&[int(&pp), int(&g)]));
        let params = dir.path("params.pem");
        openssl(&[
            "dhparam",
            "-inform",
            "DER",
            "-in",
            p(&der),
            "-out",
            p(&params),
        ]);
        let ours = Dh::generate_in_group(CALG_DH_EPHEM, &pp, &g, None).unwrap();
        openssl_agrees_on_dh(&dir, &params, &ours, id);
    }
}

#[test]
fn openssl_and_the_crate_agree_in_ffdhe2048() {
    let dir = Dir::new("dss-dh-ffdhe");
    openssl(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DH",
        "-pkeyopt",
        "group:ffdhe2048",
        "-out",
        p(&dir.path("params.pem")),
    ]);
    openssl(&[
        "asn1parse",
        "-in",
        p(&dir.path("params.pem")),
        "-noout",
        "-out",
        p(&dir.path("params.der")),
    ]);
    let der = dir.read("params.der");
    let mut outer = Der(&der);
    let mut fields = outer.inner();
    let (pp, g) = (fields.int(256), fields.int(256));
    // q = (p − 1)/2: p is a safe prime.
    let mut q = pp.clone();
    q[0] &= 0xfe;
    for i in 0..q.len() {
        q[i] = (q[i] >> 1) | q.get(i + 1).map_or(0, |next| next << 7);
    }
    let ours = Dh::generate_in_group(CALG_DH_EPHEM, &pp, &g, Some(&q)).unwrap();
    assert_eq!(ours.bits(), 2048);
    openssl_agrees_on_dh(&dir, &dir.path("params.pem"), &ours, "ffdhe2048");
}
