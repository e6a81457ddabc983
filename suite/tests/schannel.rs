//! The RSA SChannel provider (`PROV_RSA_SCHANNEL`): SSL 3.0 and TLS 1.0 master keys, the
//! master hash, the client and server write keys, and the TLS 1.0 PRF.
//!
//! * Windows' known answers: every vector of `tests/data/schannel-kat.json` (transcribed from
//!   Wine's `test_schannel_provider`, whose expected bytes were recorded on Windows) replays
//!   that test's call sequence through the public API, its refusals included. The runner
//!   reports every failing check with the vector's id, never stops at the first, and refuses
//!   fields it does not consume.
//! * Independent constructions written here, with the `hmac`, `md-5` and `sha1` crates: the
//!   TLS 1.0 PRF of RFC 2246 §5 (`P_MD5 ⊕ P_SHA1`) for every output length from 1 to 200,
//!   the TLS 1.0 and SSL 3.0 (RFC 6101 §6.1, §6.2.2) master secrets and key blocks, and the
//!   client and server halves of the keys derived from them.
//! * Every error the SChannel paths document.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

mod common;

use std::collections::BTreeSet;

use common::{err_code, hex, plaintext_blob, unhex};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, HP_HASHVAL, HP_TLS1PRF_LABEL, HP_TLS1PRF_SEED, Hash, HmacInfo,
    KP_CLIENT_RANDOM, KP_SCHANNEL_ALG, KP_SERVER_RANDOM, Key, KeyFlags, MS_DEF_RSA_SCHANNEL_PROV,
    MS_STRONG_PROV, Provider, ProviderType, SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY, SchannelAlg,
};
use digest::Digest as _;
use hmac::{KeyInit, Mac};
use serde_json::Value;

const KAT_JSON: &str = include_str!("data/schannel-kat.json");

const ERROR_INVALID_PARAMETER: u32 = 87;
const NTE_BAD_KEY: u32 = 0x8009_0003;
const NTE_BAD_LEN: u32 = 0x8009_0004;
const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
const NTE_BAD_TYPE: u32 = 0x8009_000A;
const NTE_BAD_KEY_STATE: u32 = 0x8009_000B;
const NTE_BAD_HASH_STATE: u32 = 0x8009_000C;
const NTE_PROV_TYPE_NO_MATCH: u32 = 0x8009_001B;
const NTE_FAIL: u32 = 0x8009_0020;

fn schannel() -> Provider {
    Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap()
}

fn dh_schannel() -> Provider {
    Provider::verify_context(ProviderType::DH_SCHANNEL).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Independent constructions
// ---------------------------------------------------------------------------------------------

/// RFC 2246 §5 `P_hash(secret, seed)`, `len` bytes, written from the RFC.
fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let hmac = |data: &[&[u8]]| {
        let mut mac = <M as KeyInit>::new_from_slice(secret).unwrap();
        for part in data {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    };
    let mut out = Vec::new();
    let mut a = seed.to_vec();
    while out.len() < len {
        a = hmac(&[&a]);
        out.extend(hmac(&[&a, seed]));
    }
    out.truncate(len);
    out
}

/// RFC 2246 §5 `PRF(secret, label, seed)`: `S1` and `S2` are the halves of the secret, sharing
/// a byte when its length is odd.
fn tls1_prf(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let half = secret.len().div_ceil(2);
    let label_seed = [label, seed].concat();
    let md5 = p_hash::<hmac::Hmac<md5::Md5>>(&secret[..half], &label_seed, len);
    let sha1 = p_hash::<hmac::Hmac<sha1::Sha1>>(&secret[secret.len() - half..], &label_seed, len);
    md5.iter().zip(&sha1).map(|(a, b)| a ^ b).collect()
}

/// RFC 6101's expansion: `MD5(secret ‖ SHA('A' ‖ secret ‖ r1 ‖ r2)) ‖ MD5(secret ‖
/// SHA('BB' ‖ ...)) ‖ ...`.
fn ssl3_expand(secret: &[u8], r1: &[u8], r2: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..len.div_ceil(16) {
        let letters = vec![b'A' + i as u8; i + 1];
        let inner = sha1::Sha1::new()
            .chain_update(&letters)
            .chain_update(secret)
            .chain_update(r1)
            .chain_update(r2)
            .finalize();
        out.extend(
            md5::Md5::new()
                .chain_update(secret)
                .chain_update(inner)
                .finalize(),
        );
    }
    out.truncate(len);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Proto {
    Ssl3,
    Tls1,
}

impl Proto {
    fn alg(self) -> AlgId {
        match self {
            Proto::Ssl3 => AlgId::SSL3_MASTER,
            Proto::Tls1 => AlgId::TLS1_MASTER,
        }
    }

    fn master(self, pre: &[u8], client: &[u8], server: &[u8]) -> Vec<u8> {
        match self {
            Proto::Tls1 => tls1_prf(pre, b"master secret", &[client, server].concat(), 48),
            Proto::Ssl3 => ssl3_expand(pre, client, server, 48),
        }
    }

    fn key_block(self, master: &[u8], client: &[u8], server: &[u8], len: usize) -> Vec<u8> {
        match self {
            Proto::Tls1 => tls1_prf(master, b"key expansion", &[server, client].concat(), len),
            Proto::Ssl3 => ssl3_expand(master, server, client, len),
        }
    }
}

/// A master key holding `pre`, imported as a `PLAINTEXTKEYBLOB`, with its randoms set.
fn master_key<'p>(
    prov: &'p Provider,
    proto: Proto,
    pre: &[u8],
    client: &[u8],
    server: &[u8],
) -> Key<'p> {
    let blob = plaintext_blob(proto.alg(), pre);
    let mut key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
    key.set_client_random(client).unwrap();
    key.set_server_random(server).unwrap();
    key
}

fn plain_bytes(key: &Key<'_>) -> Vec<u8> {
    key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap()[12..].to_vec()
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Windows' known answers
// ---------------------------------------------------------------------------------------------

/// A JSON object whose fields are taken one by one; [`Fields::finish`] names those left over.
struct Fields<'v> {
    what: String,
    obj: &'v serde_json::Map<String, Value>,
    used: BTreeSet<&'v str>,
}

impl<'v> Fields<'v> {
    fn new(what: impl Into<String>, value: &'v Value) -> Result<Self, String> {
        let what = what.into();
        let obj = value
            .as_object()
            .ok_or_else(|| format!("{what}: not an object"))?;
        Ok(Fields {
            what,
            obj,
            used: BTreeSet::new(),
        })
    }

    fn get(&mut self, name: &'v str) -> Result<&'v Value, String> {
        self.used.insert(name);
        self.obj
            .get(name)
            .ok_or_else(|| format!("{}: no field {name}", self.what))
    }

    fn take_str(&mut self, name: &'v str) -> Result<&'v str, String> {
        let what = self.what.clone();
        self.get(name)?
            .as_str()
            .ok_or_else(|| format!("{what}: {name} is not a string"))
    }

    fn take_u32(&mut self, name: &'v str) -> Result<u32, String> {
        let what = self.what.clone();
        self.get(name)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("{what}: {name} is not a DWORD"))
    }

    fn take_hex(&mut self, name: &'v str) -> Result<Vec<u8>, String> {
        Ok(unhex(self.take_str(name)?))
    }

    fn take_obj(&mut self, name: &'v str) -> Result<Fields<'v>, String> {
        let what = format!("{}.{name}", self.what);
        Fields::new(what, self.get(name)?)
    }

    /// Consumes a documentation field.
    fn skip(&mut self, name: &'v str) {
        self.used.insert(name);
    }

    fn finish(self) -> Result<(), String> {
        let left: Vec<&String> = self
            .obj
            .keys()
            .filter(|k| !self.used.contains(k.as_str()))
            .collect();
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: unconsumed field(s) {left:?}", self.what))
        }
    }
}

/// Collects every failed check of one vector.
struct Report {
    id: String,
    failures: Vec<String>,
    checks: usize,
}

impl Report {
    fn bytes(&mut self, what: &str, got: cryptoapi::Result<Vec<u8>>, expected: &[u8]) {
        self.checks += 1;
        match got {
            Ok(got) if got == expected => {}
            Ok(got) => self.failures.push(format!(
                "{}: {what}: expected {} got {}",
                self.id,
                hex(expected),
                hex(&got)
            )),
            Err(e) => self.failures.push(format!(
                "{}: {what}: expected {} got error {:#010x}",
                self.id,
                hex(expected),
                e.code()
            )),
        }
    }

    fn code<T>(&mut self, what: &str, got: cryptoapi::Result<T>, expected: u32) {
        self.checks += 1;
        match got {
            Err(e) if e.code() == expected => {}
            Err(e) => self.failures.push(format!(
                "{}: {what}: expected error {expected:#010x} got {:#010x}",
                self.id,
                e.code()
            )),
            Ok(_) => self.failures.push(format!(
                "{}: {what}: expected error {expected:#010x} got success",
                self.id
            )),
        }
    }

    fn ok<T>(&mut self, what: &str, got: cryptoapi::Result<T>) -> Option<T> {
        self.checks += 1;
        match got {
            Ok(value) => Some(value),
            Err(e) => {
                self.failures
                    .push(format!("{}: {what} failed: {:#010x}", self.id, e.code()));
                None
            }
        }
    }
}

/// Replays `test_schannel_provider` with one vector's data.
fn run_vector(vector: &Value, report: &mut Report) -> Result<(), String> {
    let mut v = Fields::new(report.id.clone(), vector)?;
    v.take_str("id")?;
    v.skip("source");
    v.skip("notes");
    let prov_type = ProviderType::from_raw(v.take_u32("provider_type")?);
    let exchange_pair = v.take_hex("exchange_pair")?;
    let master_blob = v.take_hex("master_blob")?;
    let client_random = v.take_hex("client_random")?;
    let server_random = v.take_hex("server_random")?;
    let mut enc = v.take_obj("enc_alg")?;
    let enc_alg = SchannelAlg::new(
        SCHANNEL_ENC_KEY,
        AlgId::from_raw(enc.take_u32("alg")?),
        enc.take_u32("bits")?,
    );
    enc.skip("alg_name");
    enc.finish()?;
    let mut mac = v.take_obj("mac_alg")?;
    let mac_alg = SchannelAlg::new(
        SCHANNEL_MAC_KEY,
        AlgId::from_raw(mac.take_u32("alg")?),
        mac.take_u32("bits")?,
    );
    mac.skip("alg_name");
    mac.finish()?;
    let mut errors = v.take_obj("errors")?;
    let mut error = |name| -> Result<u32, String> {
        let mut e = errors.take_obj(name)?;
        let code = e.take_u32("code")?;
        e.skip("name");
        e.skip("call");
        e.finish()?;
        Ok(code)
    };
    let before_randoms = error("master_hash_before_randoms")?;
    let before_alg = error("enc_key_before_schannel_alg")?;
    errors.finish()?;
    let mut enc_case = v.take_obj("server_write_key")?;
    let enc_flags = KeyFlags::from_bits_retain(enc_case.take_u32("flags")?);
    let plaintext = enc_case.take_hex("plaintext")?;
    let buffer_len = enc_case.take_u32("buffer_len")? as usize;
    let enc_expected = enc_case.take_hex("expected")?;
    enc_case.finish()?;
    let mut prf_case = v.take_obj("prf")?;
    let seed = prf_case.take_hex("seed")?;
    let label = prf_case.take_hex("label")?;
    let prf_len = prf_case.take_u32("length")? as usize;
    let prf_expected = prf_case.take_hex("expected")?;
    prf_case.finish()?;
    let mut mac_case = v.take_obj("server_mac_key")?;
    let mac_flags = KeyFlags::from_bits_retain(mac_case.take_u32("flags")?);
    let hmac_hash = AlgId::from_raw(mac_case.take_u32("hmac_hash")?);
    let mac_data = mac_case.take_hex("data")?;
    mac_case.skip("data_note");
    let mac_expected = mac_case.take_hex("expected")?;
    mac_case.finish()?;
    v.finish()?;

    // CryptAcquireContext(CRYPT_VERIFYCONTEXT | CRYPT_NEWKEYSET), released, then a plain one.
    let both = AcquireFlags::VERIFYCONTEXT | AcquireFlags::NEWKEYSET;
    report.ok(
        "CryptAcquireContext(VERIFYCONTEXT | NEWKEYSET)",
        Provider::acquire(None, None, prov_type, both),
    );
    let Some(prov) = report.ok(
        "CryptAcquireContext(VERIFYCONTEXT)",
        Provider::acquire(None, None, prov_type, AcquireFlags::VERIFYCONTEXT),
    ) else {
        return Ok(());
    };
    let Some(pair) = report.ok(
        "CryptImportKey(abPlainPrivateKey)",
        prov.import_key(&exchange_pair, None, KeyFlags::empty()),
    ) else {
        return Ok(());
    };
    let Some(mut master) = report.ok(
        "CryptImportKey(abTLS1Master)",
        prov.import_key(&master_blob, Some(&pair), KeyFlags::empty()),
    ) else {
        return Ok(());
    };
    report.code(
        "CryptCreateHash(CALG_SCHANNEL_MASTER_HASH) before the randoms",
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master)),
        before_randoms,
    );
    report.ok(
        "CryptSetKeyParam(KP_CLIENT_RANDOM)",
        master.set_param(KP_CLIENT_RANDOM, &client_random, 0),
    );
    report.ok(
        "CryptSetKeyParam(KP_SERVER_RANDOM)",
        master.set_param(KP_SERVER_RANDOM, &server_random, 0),
    );
    if let Some(mut early) = report.ok(
        "CryptCreateHash(CALG_SCHANNEL_MASTER_HASH)",
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master)),
    ) {
        report.code(
            "CryptDeriveKey(CALG_SCHANNEL_ENC_KEY) before KP_SCHANNEL_ALG",
            prov.derive_key(AlgId::SCHANNEL_ENC_KEY, &mut early, enc_flags),
            before_alg,
        );
    }
    report.ok(
        "CryptSetKeyParam(KP_SCHANNEL_ALG, SCHANNEL_ENC_KEY)",
        master.set_param(KP_SCHANNEL_ALG, &enc_alg.to_bytes(), 0),
    );
    report.ok(
        "CryptSetKeyParam(KP_SCHANNEL_ALG, SCHANNEL_MAC_KEY)",
        master.set_param(KP_SCHANNEL_ALG, &mac_alg.to_bytes(), 0),
    );
    let Some(mut master_hash) = report.ok(
        "CryptCreateHash(CALG_SCHANNEL_MASTER_HASH)",
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master)),
    ) else {
        return Ok(());
    };
    // The server write key encrypts the plaintext (Final) into the expected bytes.
    let encrypted = prov
        .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut master_hash, enc_flags)
        .and_then(|mut key| {
            let mut data = plaintext.clone();
            key.encrypt(&mut data, true)?;
            if data.len() > buffer_len {
                return Err(cryptoapi::Error::MoreData);
            }
            Ok(data)
        });
    report.bytes("server write key: CryptEncrypt", encrypted, &enc_expected);
    // The TLS 1.0 PRF.
    let prf = prov
        .create_hash(AlgId::TLS1PRF, Some(&master))
        .and_then(|mut prf| {
            prf.set_param(HP_TLS1PRF_SEED, &seed, 0)?;
            prf.set_param(HP_TLS1PRF_LABEL, &label, 0)?;
            Ok(prf.prf(prf_len)?.to_vec())
        });
    report.bytes("CALG_TLS1PRF: HP_HASHVAL", prf, &prf_expected);
    // The server write MAC key, as an HMAC key.
    let mac = prov
        .derive_key(AlgId::SCHANNEL_MAC_KEY, &mut master_hash, mac_flags)
        .and_then(|key| {
            let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key))?;
            hmac.set_hmac_info(&HmacInfo::new(hmac_hash))?;
            hmac.hash_data(&mac_data)?;
            hmac.value()
        });
    report.bytes("server MAC key: CALG_HMAC", mac, &mac_expected);
    Ok(())
}

#[test]
fn windows_known_answers() {
    let doc: Value = serde_json::from_str(KAT_JSON).unwrap();
    let mut top = Fields::new("schannel-kat.json", &doc).unwrap();
    let source = top.take_str("source").unwrap();
    assert!(
        source.contains("dlls/rsaenh/tests/rsaenh.c") && source.contains("test_schannel_provider"),
        "{source}"
    );
    top.skip("recorded");
    top.skip("fields");
    let vectors = top.get("vectors").unwrap().as_array().unwrap();
    top.finish().unwrap();
    assert!(!vectors.is_empty());
    let mut failures = Vec::new();
    let mut checks = 0;
    for vector in vectors {
        let id = vector["id"].as_str().unwrap_or("?").to_owned();
        let mut report = Report {
            id: id.clone(),
            failures: Vec::new(),
            checks: 0,
        };
        if let Err(e) = run_vector(vector, &mut report) {
            report.failures.push(format!("{id}: {e}"));
        }
        checks += report.checks;
        failures.extend(report.failures);
    }
    println!(
        "schannel-kat.json: {} vectors, {checks} checks, {} failed",
        vectors.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The runner refuses a vector with a field it does not know, and reports a wrong answer
/// with the vector's id.
#[test]
fn the_runner_refuses_unknown_fields_and_reports_by_id() {
    let doc: Value = serde_json::from_str(KAT_JSON).unwrap();
    let mut vector = doc["vectors"][0].clone();
    vector["unexpected"] = Value::from(1);
    let mut report = Report {
        id: "x".into(),
        failures: Vec::new(),
        checks: 0,
    };
    let err = run_vector(&vector, &mut report).unwrap_err();
    assert!(
        err.contains("unconsumed field(s) [\"unexpected\"]"),
        "{err}"
    );
    let mut vector = doc["vectors"][0].clone();
    vector["prf"]["expected"] = Value::from("00".repeat(16));
    let mut report = Report {
        id: "bad-prf".into(),
        failures: Vec::new(),
        checks: 0,
    };
    run_vector(&vector, &mut report).unwrap();
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert!(report.failures[0].starts_with("bad-prf: CALG_TLS1PRF"));
}

// ---------------------------------------------------------------------------------------------
// The PRF against RFC 2246's construction
// ---------------------------------------------------------------------------------------------

/// Every output length from 1 to 200 bytes equals the independent construction, for labels
/// and seeds of several lengths.
#[test]
fn tls1_prf_matches_rfc_2246_for_every_length() {
    let prov = schannel();
    let pre = pattern(48, 7);
    let (client, server) = (pattern(32, 1), pattern(32, 2));
    let master = master_key(&prov, Proto::Tls1, &pre, &client, &server);
    drop(
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
            .unwrap(),
    );
    let secret = Proto::Tls1.master(&pre, &client, &server);
    assert_eq!(plain_bytes(&master), secret, "the master secret");
    for (label, seed) in [
        (&b"client finished"[..], pattern(36, 3)),
        (b"server finished", pattern(36, 4)),
        (b"", Vec::new()),
        (b"key expansion", pattern(64, 5)),
        (b"EXPORTER label", pattern(1, 6)),
    ] {
        let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&master)).unwrap();
        prf.set_tls1prf_label(label).unwrap();
        prf.set_tls1prf_seed(&seed).unwrap();
        for len in 1..=200 {
            let expected = tls1_prf(&secret, label, &seed, len);
            assert_eq!(
                hex(&prf.prf(len).unwrap()),
                hex(&expected),
                "label {label:?}, seed {} bytes, {len} bytes",
                seed.len()
            );
        }
        assert!(prf.prf(0).unwrap().is_empty());
        assert_eq!(prf.size(), 0);
        // A duplicate keeps the label and seed; setting them again replaces them.
        let copy = prf.duplicate().unwrap();
        assert_eq!(
            copy.prf(20).unwrap()[..],
            tls1_prf(&secret, label, &seed, 20)[..]
        );
    }
}

/// The test's own PRF against the commonly used TLS 1.0 test vector, and its halves of an
/// odd-length secret sharing the middle byte as RFC 2246 says: so that the comparisons above
/// are against RFC 2246, not against a copy of a bug.
#[test]
fn the_reference_prf_is_rfc_2246() {
    let out = tls1_prf(&[0xab; 48], b"PRF Testvector", &[0xcd; 64], 104);
    assert_eq!(hex(&out[..16]), "d3d4d1e349b5d515044666d51de32bab");
    assert_eq!(hex(&out[100..]), "a8c9a013");
    let odd = tls1_prf(b"abc", b"l", b"s", 8);
    let md5 = p_hash::<hmac::Hmac<md5::Md5>>(b"ab", b"ls", 8);
    let sha1 = p_hash::<hmac::Hmac<sha1::Sha1>>(b"bc", b"ls", 8);
    let xor: Vec<u8> = md5.iter().zip(&sha1).map(|(a, b)| a ^ b).collect();
    assert_eq!(odd, xor);
}

// ---------------------------------------------------------------------------------------------
// Key derivation: TLS 1.0 and SSL 3.0, client and server halves
// ---------------------------------------------------------------------------------------------

/// One cipher suite's algorithms: (cipher, bits, key bytes, IV bytes), (MAC hash, bits).
const SUITES: [(AlgId, u32, usize, usize, AlgId, u32); 7] = [
    (AlgId::DES, 64, 8, 8, AlgId::MD5, 128),
    (AlgId::DES, 56, 8, 8, AlgId::SHA1, 160),
    (AlgId::TRIPLE_DES, 192, 24, 8, AlgId::SHA1, 160),
    (AlgId::TRIPLE_DES_112, 128, 16, 8, AlgId::MD5, 128),
    (AlgId::RC4, 128, 16, 0, AlgId::MD5, 128),
    (AlgId::RC4, 40, 5, 0, AlgId::SHA1, 160),
    (AlgId::RC2, 128, 16, 8, AlgId::MD5, 128),
];

/// Encrypts 24 bytes with `key` (not final), and with a reference key built from the raw key
/// bytes and IV, and compares.
fn same_cipher(prov: &Provider, key: &mut Key<'_>, alg: AlgId, raw: &[u8], iv: &[u8], what: &str) {
    let mut reference = prov
        .import_key(&plaintext_blob(alg, raw), None, KeyFlags::EXPORTABLE)
        .unwrap();
    reference.set_iv(iv).unwrap();
    let mut a = pattern(24, 9);
    let mut b = a.clone();
    key.encrypt(&mut a, false).unwrap();
    reference.encrypt(&mut b, false).unwrap();
    assert_eq!(hex(&a), hex(&b), "{what}");
}

#[test]
fn keys_are_the_client_and_server_halves_of_the_key_block() {
    // The same on the RSA and the DH SChannel provider: both have the derivations.
    for prov in [schannel(), dh_schannel()] {
        keys_are_halves_on(&prov);
    }
}

fn keys_are_halves_on(prov: &Provider) {
    for proto in [Proto::Tls1, Proto::Ssl3] {
        for (i, &(cipher, bits, key_len, iv_len, mac_hash, mac_bits)) in SUITES.iter().enumerate() {
            let seed = i as u8 * 16 + if proto == Proto::Ssl3 { 8 } else { 0 };
            let pre = pattern(48, seed);
            let (client, server) = (pattern(32, seed + 1), pattern(32, seed + 2));
            let mut master = master_key(prov, proto, &pre, &client, &server);
            master
                .set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, cipher, bits))
                .unwrap();
            master
                .set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, mac_hash, mac_bits))
                .unwrap();
            let mut hash = prov
                .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
                .unwrap();
            let secret = proto.master(&pre, &client, &server);
            assert_eq!(plain_bytes(&master), secret, "{proto:?} master secret");
            let mac_len = mac_bits as usize / 8;
            let block =
                proto.key_block(&secret, &client, &server, 2 * (mac_len + key_len + iv_len));
            let (macs, rest) = block.split_at(2 * mac_len);
            let (keys, ivs) = rest.split_at(2 * key_len);
            for (side, flags, half) in [
                ("client", KeyFlags::EXPORTABLE, 0),
                ("server", KeyFlags::EXPORTABLE | KeyFlags::SERVER, 1),
            ] {
                let what = format!("{proto:?} {cipher:?}/{bits} {mac_hash:?}: {side}");
                let mac_key = prov
                    .derive_key(AlgId::SCHANNEL_MAC_KEY, &mut hash, flags)
                    .unwrap();
                assert_eq!(mac_key.alg_id(), AlgId::SCHANNEL_MAC_KEY);
                assert_eq!(mac_key.key_bits(), mac_bits, "{what}");
                let expected_mac = &macs[half * mac_len..][..mac_len];
                assert_eq!(plain_bytes(&mac_key), expected_mac, "{what} MAC key");
                // HMAC with the derived key equals HMAC with the key block's bytes.
                let mut hmac = prov.create_hash(AlgId::HMAC, Some(&mac_key)).unwrap();
                hmac.set_hmac_info(&HmacInfo::new(mac_hash)).unwrap();
                hmac.hash_data(b"record").unwrap();
                let reference = match mac_hash {
                    AlgId::MD5 => hmac::Hmac::<md5::Md5>::new_from_slice(expected_mac)
                        .unwrap()
                        .chain_update(b"record")
                        .finalize()
                        .into_bytes()
                        .to_vec(),
                    _ => hmac::Hmac::<sha1::Sha1>::new_from_slice(expected_mac)
                        .unwrap()
                        .chain_update(b"record")
                        .finalize()
                        .into_bytes()
                        .to_vec(),
                };
                assert_eq!(hmac.value().unwrap(), reference, "{what} HMAC");

                let mut enc_key = prov
                    .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut hash, flags)
                    .unwrap();
                assert_eq!(enc_key.alg_id(), cipher, "{what}");
                let raw = &keys[half * key_len..][..key_len];
                let iv = &ivs[half * iv_len..][..iv_len];
                assert_eq!(plain_bytes(&enc_key), raw, "{what} key");
                assert_eq!(enc_key.iv(), iv, "{what} IV");
                same_cipher(prov, &mut enc_key, cipher, raw, iv, &what);
            }
        }
    }
}

/// A reconnect: new randoms on the same master key, a new master hash, new keys from the same
/// master secret.
#[test]
fn a_new_master_hash_reuses_the_master_secret() {
    let prov = schannel();
    let pre = pattern(48, 40);
    let (client, server) = (pattern(32, 41), pattern(32, 42));
    let mut master = master_key(&prov, Proto::Tls1, &pre, &client, &server);
    master
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 128))
        .unwrap();
    drop(
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
            .unwrap(),
    );
    let secret = Proto::Tls1.master(&pre, &client, &server);
    let (client2, server2) = (pattern(32, 43), pattern(32, 44));
    master.set_client_random(&client2).unwrap();
    master.set_server_random(&server2).unwrap();
    let mut hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
        .unwrap();
    assert_eq!(plain_bytes(&master), secret);
    let key = prov
        .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut hash, KeyFlags::EXPORTABLE)
        .unwrap();
    let block = Proto::Tls1.key_block(&secret, &client2, &server2, 32);
    assert_eq!(plain_bytes(&key), block[..16]);
    // The hash copied the algorithms when it was made: changing them later changes nothing.
    master
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::DES, 64))
        .unwrap();
    let again = prov
        .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut hash, KeyFlags::EXPORTABLE)
        .unwrap();
    assert_eq!(again.alg_id(), AlgId::RC4);
    // A duplicate of the master hash derives the same keys.
    let mut copy = hash.duplicate().unwrap();
    let from_copy = prov
        .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut copy, KeyFlags::EXPORTABLE)
        .unwrap();
    assert_eq!(plain_bytes(&from_copy), block[..16]);
}

/// A generated master key is a pre-master secret with the protocol's version, exports as a
/// `SIMPLEBLOB`, and the peer that imports it derives the same keys.
#[test]
fn generated_masters_travel_as_simpleblobs() {
    let client_side = schannel();
    let server_side = schannel();
    let pair = server_side
        .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(1024))
        .unwrap();
    let public = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let server_public = client_side
        .import_key(&public, None, KeyFlags::empty())
        .unwrap();
    for proto in [Proto::Ssl3, Proto::Tls1] {
        let master = client_side
            .gen_key(proto.alg(), KeyFlags::EXPORTABLE)
            .unwrap();
        let pre = plain_bytes(&master);
        assert_eq!(pre.len(), 48);
        assert_eq!(pre[..2], [3, u8::from(proto == Proto::Tls1)]);
        let blob = master
            .export(Some(&server_public), BlobType::SimpleBlob, 0)
            .unwrap();
        assert_eq!(blob.len(), 8 + 4 + 128);
        assert_eq!(blob[4..8], proto.alg().raw().to_le_bytes());
        let mut imported = server_side
            .import_key(&blob, Some(&pair), KeyFlags::EXPORTABLE)
            .unwrap();
        assert_eq!(plain_bytes(&imported), pre);
        let mut mine = master.duplicate().unwrap();
        for key in [&mut mine, &mut imported] {
            key.set_client_random(&[1; 32]).unwrap();
            key.set_server_random(&[2; 32]).unwrap();
            key.set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::TRIPLE_DES, 168))
                .unwrap();
        }
        let derive = |prov: &Provider, key: &Key<'_>, flags| {
            let mut hash = prov
                .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(key))
                .unwrap();
            let key = prov
                .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut hash, flags)
                .unwrap();
            (plain_bytes(&key), key.iv())
        };
        let flags = KeyFlags::EXPORTABLE | KeyFlags::SERVER;
        assert_eq!(
            derive(&client_side, &mine, flags),
            derive(&server_side, &imported, flags)
        );
        let secret = proto.master(&pre, &[1; 32], &[2; 32]);
        assert_eq!(plain_bytes(&mine), secret);
    }
}

// ---------------------------------------------------------------------------------------------
// The provider's rules and errors
// ---------------------------------------------------------------------------------------------

#[test]
fn the_provider_and_its_algorithms() {
    let prov = schannel();
    assert_eq!(prov.name(), MS_DEF_RSA_SCHANNEL_PROV);
    assert_eq!(prov.prov_type(), ProviderType::RSA_SCHANNEL);
    let named = Provider::acquire(
        None,
        Some(MS_DEF_RSA_SCHANNEL_PROV),
        ProviderType::RSA_SCHANNEL,
        AcquireFlags::VERIFYCONTEXT,
    )
    .unwrap();
    assert_eq!(named.name(), MS_DEF_RSA_SCHANNEL_PROV);
    assert_eq!(
        err_code(Provider::acquire(
            None,
            Some(MS_DEF_RSA_SCHANNEL_PROV),
            ProviderType::RSA_FULL,
            AcquireFlags::VERIFYCONTEXT
        )),
        NTE_PROV_TYPE_NO_MATCH
    );
    assert_eq!(
        err_code(Provider::acquire(
            None,
            Some(MS_STRONG_PROV),
            ProviderType::RSA_SCHANNEL,
            AcquireFlags::VERIFYCONTEXT
        )),
        NTE_PROV_TYPE_NO_MATCH
    );
    // Hashes: MD5, SHA-1, SSL3_SHAMD5, MAC, HMAC; not MD2, MD4 or SHA-2.
    for alg in [AlgId::MD5, AlgId::SHA1, AlgId::SSL3_SHAMD5] {
        prov.create_hash(alg, None).unwrap();
    }
    for alg in [AlgId::MD2, AlgId::MD4, AlgId::SHA_256, AlgId::SHA_512] {
        assert_eq!(
            err_code(prov.create_hash(alg, None)),
            NTE_BAD_ALGID,
            "{alg:?}"
        );
    }
    // Key lengths: the Enhanced provider's, without AES.
    let code = |alg, bits| {
        prov.gen_key(alg, KeyFlags::empty().with_key_bits(bits))
            .map(|k| k.key_bits())
            .unwrap_or_else(|e| e.code())
    };
    assert_eq!(code(AlgId::RC4, 0), 128);
    assert_eq!(code(AlgId::RC2, 40), 40);
    assert_eq!(code(AlgId::RC2, 136), NTE_BAD_DATA);
    assert_eq!(code(AlgId::DES, 0), 64);
    assert_eq!(code(AlgId::TRIPLE_DES_112, 0), 128);
    assert_eq!(code(AlgId::TRIPLE_DES, 0), 192);
    assert_eq!(code(AlgId::AES_128, 0), NTE_BAD_ALGID);
    assert_eq!(code(AlgId::TLS1_MASTER, 0), 384);
    assert_eq!(code(AlgId::SSL3_MASTER, 384), 384);
    assert_eq!(code(AlgId::TLS1_MASTER, 256), NTE_BAD_DATA);
    assert_eq!(code(AlgId::TLS1_MASTER, 385), NTE_BAD_DATA);
    assert_eq!(code(AlgId::SSL2_MASTER, 0), NTE_BAD_ALGID);
    assert_eq!(code(AlgId::PCT1_MASTER, 0), NTE_BAD_ALGID);
    assert_eq!(code(AlgId::SCHANNEL_ENC_KEY, 0), NTE_BAD_ALGID);
    assert_eq!(
        prov.gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(512))
            .unwrap()
            .key_bits(),
        512
    );
    // The other providers make none of it.
    let strong = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    assert_eq!(
        err_code(strong.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())),
        NTE_BAD_ALGID
    );
    assert_eq!(
        err_code(strong.import_key(
            &plaintext_blob(AlgId::TLS1_MASTER, &[3; 48]),
            None,
            KeyFlags::empty()
        )),
        NTE_BAD_ALGID
    );
    let rc4 = strong.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    for alg in [AlgId::SCHANNEL_MASTER_HASH, AlgId::TLS1PRF] {
        assert_eq!(err_code(strong.create_hash(alg, Some(&rc4))), NTE_BAD_ALGID);
    }
    let mut md5 = strong.create_hash(AlgId::MD5, None).unwrap();
    assert_eq!(
        err_code(strong.derive_key(AlgId::SCHANNEL_ENC_KEY, &mut md5, KeyFlags::empty())),
        NTE_BAD_ALGID
    );
}

#[test]
fn master_keys_and_their_parameters() {
    let prov = schannel();
    let mut master = prov
        .import_key(
            &plaintext_blob(AlgId::TLS1_MASTER, &pattern(48, 60)),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    assert_eq!((master.key_bits(), master.block_bits()), (384, 0));
    assert_eq!(master.alg_id(), AlgId::TLS1_MASTER);
    assert!(master.salt().is_empty());
    // Only 48-byte masters.
    for len in [47, 49, 1] {
        assert_eq!(
            err_code(prov.import_key(
                &plaintext_blob(AlgId::TLS1_MASTER, &pattern(len, 0)),
                None,
                KeyFlags::empty()
            )),
            NTE_BAD_DATA,
            "{len}"
        );
    }
    // Not exportable unless made so.
    assert_eq!(
        err_code(master.export(None, BlobType::PlaintextKeyBlob, 0)),
        NTE_BAD_KEY_STATE
    );
    // No cipher takes a master key.
    assert_eq!(err_code(master.encrypt(&mut vec![0; 8], true)), NTE_BAD_KEY);
    assert_eq!(
        err_code(prov.create_hash(AlgId::MAC, Some(&master))),
        NTE_BAD_KEY
    );
    // The SChannel parameters: set only, raw and typed.
    master.set_param(KP_CLIENT_RANDOM, &[], 0).unwrap();
    master.set_param(KP_SERVER_RANDOM, &[7; 32], 0).unwrap();
    for id in [KP_SCHANNEL_ALG, KP_CLIENT_RANDOM, KP_SERVER_RANDOM] {
        assert_eq!(err_code(master.param(id, 0)), NTE_BAD_TYPE);
    }
    let des = SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::DES, 64);
    assert_eq!(
        err_code(master.set_param(KP_SCHANNEL_ALG, &des.to_bytes()[..19], 0)),
        NTE_BAD_DATA
    );
    assert_eq!(
        err_code(master.set_param(KP_SCHANNEL_ALG, &[], 0)),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(master.set_param(KP_CLIENT_RANDOM, &[1], 1)),
        NTE_BAD_FLAGS
    );
    let bad_use = SchannelAlg::new(2, AlgId::DES, 64);
    assert_eq!(err_code(master.set_schannel_alg(&bad_use)), NTE_FAIL);
    assert_eq!(
        err_code(master.set_param(KP_SCHANNEL_ALG, &bad_use.to_bytes(), 0)),
        NTE_FAIL
    );
    // ... and refused on other keys.
    let mut rc4 = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    assert_eq!(err_code(rc4.set_client_random(&[1; 32])), NTE_BAD_TYPE);
    assert_eq!(err_code(rc4.set_server_random(&[1; 32])), NTE_BAD_TYPE);
    assert_eq!(err_code(rc4.set_schannel_alg(&des)), NTE_BAD_TYPE);
    assert_eq!(
        err_code(rc4.set_param(KP_SCHANNEL_ALG, &des.to_bytes(), 0)),
        NTE_BAD_TYPE
    );
    // An empty client random counts as not set.
    assert_eq!(
        err_code(prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))),
        ERROR_INVALID_PARAMETER
    );
    master.set_client_random(&[8; 32]).unwrap();
    prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
        .unwrap();
}

#[test]
fn master_hash_and_prf_errors() {
    let prov = schannel();
    let ssl3 = master_key(&prov, Proto::Ssl3, &pattern(48, 70), &[1; 32], &[2; 32]);
    let tls1 = master_key(&prov, Proto::Tls1, &pattern(48, 71), &[1; 32], &[2; 32]);
    let rc4 = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
    // Creation.
    for alg in [AlgId::SCHANNEL_MASTER_HASH, AlgId::TLS1PRF] {
        assert_eq!(err_code(prov.create_hash(alg, None)), NTE_BAD_KEY);
        assert_eq!(err_code(prov.create_hash(alg, Some(&rc4))), NTE_BAD_KEY);
    }
    assert_eq!(
        err_code(prov.create_hash(AlgId::TLS1PRF, Some(&ssl3))),
        NTE_BAD_KEY
    );
    assert_eq!(
        err_code(prov.create_hash(AlgId::TLS1PRF, Some(&tls1))),
        NTE_BAD_KEY_STATE
    );
    let mut master_hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&tls1))
        .unwrap();
    prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&ssl3))
        .unwrap();
    let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&tls1)).unwrap();
    // Neither takes data, nor has a value of its own.
    for hash in [&mut master_hash, &mut prf] {
        assert_eq!(err_code(hash.hash_data(b"x")), NTE_BAD_ALGID);
        assert_eq!(err_code(hash.set_value(&[0; 16])), NTE_BAD_HASH_STATE);
        assert_eq!(hash.size(), 0);
        assert_eq!(hash.param(0x4, 0).unwrap(), 0u32.to_le_bytes());
    }
    assert_eq!(err_code(master_hash.value()), NTE_BAD_HASH_STATE);
    assert_eq!(
        err_code(master_hash.param(HP_HASHVAL, 0)),
        NTE_BAD_HASH_STATE
    );
    assert_eq!(err_code(prf.value()), NTE_BAD_LEN);
    assert_eq!(err_code(master_hash.prf(16)), NTE_BAD_ALGID);
    let mut md5 = prov.create_hash(AlgId::MD5, None).unwrap();
    assert_eq!(err_code(md5.prf(16)), NTE_BAD_ALGID);
    // The label and seed are accepted on any hash (Windows' providers ignore them there).
    md5.set_tls1prf_label(b"x").unwrap();
    md5.set_param(HP_TLS1PRF_SEED, &[], 0).unwrap();
    md5.hash_data(b"abc").unwrap();
    assert_eq!(
        hex(&md5.value().unwrap()),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    // An empty label and seed are PRF inputs like any other.
    assert_eq!(prf.prf(8).unwrap().len(), 8);
    // The master hash derives nothing but the SChannel keys.
    assert_eq!(
        err_code(prov.derive_key(AlgId::RC4, &mut master_hash, KeyFlags::empty())),
        NTE_BAD_HASH_STATE
    );
    // A signature needs a hash value.
    prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    assert!(master_hash.sign(cryptoapi::KeySpec::Signature, 0).is_err());
}

#[test]
fn derivation_errors() {
    let prov = schannel();
    let mut master = master_key(&prov, Proto::Tls1, &pattern(48, 80), &[1; 32], &[2; 32]);
    let derive = |hash: &mut Hash<'_>, alg| prov.derive_key(alg, hash, KeyFlags::SERVER);
    // From a hash that is no master hash.
    let mut md5 = prov.create_hash(AlgId::MD5, None).unwrap();
    for alg in [AlgId::SCHANNEL_ENC_KEY, AlgId::SCHANNEL_MAC_KEY] {
        assert_eq!(err_code(derive(&mut md5, alg)), NTE_FAIL);
    }
    // Before KP_SCHANNEL_ALG: Windows' NTE_BAD_FLAGS (for the MAC key as for the cipher key).
    let mut hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
        .unwrap();
    for alg in [AlgId::SCHANNEL_ENC_KEY, AlgId::SCHANNEL_MAC_KEY] {
        assert_eq!(err_code(derive(&mut hash, alg)), NTE_BAD_FLAGS);
    }
    // Undefined flag bits.
    assert_eq!(
        err_code(prov.derive_key(
            AlgId::SCHANNEL_ENC_KEY,
            &mut hash,
            KeyFlags::from_bits_retain(0x8000)
        )),
        NTE_BAD_FLAGS
    );
    // The algorithms are checked when a key is derived with them.
    let cases: [(SchannelAlg, AlgId, u32); 9] = [
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::AES_128, 128),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_ALGID,
        ),
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::MD5, 128),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_ALGID,
        ),
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::DES, 40),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_FLAGS,
        ),
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 44),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_DATA,
        ),
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 256),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_DATA,
        ),
        (
            SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 0),
            AlgId::SCHANNEL_ENC_KEY,
            NTE_BAD_FLAGS,
        ),
        (
            SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 12),
            AlgId::SCHANNEL_MAC_KEY,
            NTE_BAD_DATA,
        ),
        (
            SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 520),
            AlgId::SCHANNEL_MAC_KEY,
            NTE_BAD_DATA,
        ),
        (
            SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::from_raw(0), 160),
            AlgId::SCHANNEL_MAC_KEY,
            NTE_BAD_FLAGS,
        ),
    ];
    for (alg, derived, code) in cases {
        master.set_schannel_alg(&alg).unwrap();
        let mut hash = prov
            .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
            .unwrap();
        assert_eq!(err_code(derive(&mut hash, derived)), code, "{alg:?}");
    }
    // A MAC algorithm that is no length makes the cipher key fail too (its offset is wrong).
    master
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 128))
        .unwrap();
    master
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 12))
        .unwrap();
    let mut hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
        .unwrap();
    assert_eq!(
        err_code(derive(&mut hash, AlgId::SCHANNEL_ENC_KEY)),
        NTE_BAD_DATA
    );
    // Without a MAC algorithm the cipher key starts the key block (a cipher-only suite).
    let mut plain = master_key(&prov, Proto::Tls1, &pattern(48, 81), &[1; 32], &[2; 32]);
    plain
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 128))
        .unwrap();
    let mut hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&plain))
        .unwrap();
    let key = prov
        .derive_key(AlgId::SCHANNEL_ENC_KEY, &mut hash, KeyFlags::EXPORTABLE)
        .unwrap();
    let secret = Proto::Tls1.master(&pattern(48, 81), &[1; 32], &[2; 32]);
    let block = Proto::Tls1.key_block(&secret, &[1; 32], &[2; 32], 32);
    assert_eq!(plain_bytes(&key), block[..16]);
    // The MAC key is for HMAC and CryptHashSessionKey: no cipher, no CBC-MAC.
    plain
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::MD5, 128))
        .unwrap();
    let mut hash = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&plain))
        .unwrap();
    let mut mac_key = prov
        .derive_key(AlgId::SCHANNEL_MAC_KEY, &mut hash, KeyFlags::empty())
        .unwrap();
    assert_eq!(
        err_code(mac_key.encrypt(&mut vec![0; 8], false)),
        NTE_BAD_KEY
    );
    assert_eq!(
        err_code(prov.create_hash(AlgId::MAC, Some(&mac_key))),
        NTE_BAD_KEY
    );
    let mut session = prov.create_hash(AlgId::MD5, None).unwrap();
    session
        .hash_session_key(&mac_key, cryptoapi::CRYPT_LITTLE_ENDIAN)
        .unwrap();
}

/// `CALG_SSL3_SHAMD5`: its value is set and signed without a DigestInfo, on this provider too.
#[test]
fn ssl3_shamd5_signs_on_the_schannel_provider() {
    let prov = schannel();
    let pair = prov
        .gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let value: Vec<u8> = [
        md5::Md5::digest(b"handshake").to_vec(),
        sha1::Sha1::digest(b"handshake").to_vec(),
    ]
    .concat();
    let mut hash = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    hash.set_value(&value).unwrap();
    let signature = hash.sign(cryptoapi::KeySpec::Exchange, 0).unwrap();
    assert_eq!(signature.len(), 64);
    let mut check = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    check.set_value(&value).unwrap();
    check.verify_signature(&signature, &pair, 0).unwrap();
    // The master key is hashed as a session key (its master secret once made).
    let master = master_key(&prov, Proto::Ssl3, &pattern(48, 90), &[1; 32], &[2; 32]);
    drop(
        prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
            .unwrap(),
    );
    let mut md5 = prov.create_hash(AlgId::MD5, None).unwrap();
    md5.hash_session_key(&master, cryptoapi::CRYPT_LITTLE_ENDIAN)
        .unwrap();
    let secret = Proto::Ssl3.master(&pattern(48, 90), &[1; 32], &[2; 32]);
    assert_eq!(md5.value().unwrap(), md5::Md5::digest(&secret).to_vec());
}
