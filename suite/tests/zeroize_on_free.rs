//! Secrets are wiped before their memory is freed.
//!
//! This binary runs on `alloc_probe::Probe`, a global allocator (in `tests/alloc-probe`, since
//! this crate forbids `unsafe`) that holds every heap block freed during a probe session and,
//! when the session ends, scans them for the byte patterns the test watched. Each case below
//! makes secrets from fresh random bytes, watches them (as they are, reversed, and in the other
//! forms the crate derives: HMAC pads, hash values, RSA numbers), exercises the object that
//! holds them, drops everything, and fails if any freed block still held 8 consecutive bytes of
//! a secret (or all of a shorter one). While a session is open `realloc` always moves, so a
//! secret buffer that grows must wipe its old block too.
//!
//! Covered: session keys of every algorithm, imported, generated, derived, unwrapped from
//! `SIMPLEBLOB`s, duplicated, kept on the heap, after encryption, decryption and every parameter
//! change; exported `PLAINTEXTKEYBLOB` / `PRIVATEKEYBLOB` buffers, and `PRIVATEKEYBLOB`s
//! wrapped with a session key and unwrapped (the decrypted body); RSA key pairs imported,
//! generated, in verify contexts, in file and memory containers, and in the per-context cache;
//! HMAC and `CALG_MAC` keys; hash values and hash state of secret data; `CryptHashSessionKey`;
//! plaintext buffers that encryption grows or replaces; SChannel pre-master and master secrets,
//! key blocks, derived keys and TLS PRF output; key files (`cryptoapi::keyfile`) of
//! every private format written and read, PVK and encrypted PKCS#8 under passwords (right and
//! wrong), a private exponent rebuilt from a cut-short blob, and `from_key` / `import`; the DSS
//! and Diffie-Hellman core (through its hidden harness, until the DSS providers use it): DSS
//! pairs imported and generated, their exports, duplicates and signatures (k watched through
//! the known-k entry point, which every signature goes through), DH pairs in given and generated
//! groups, their exports and the shared secrets of their agreements.
//!
//! The test's own copies of secrets live in `Zeroizing` buffers of exact capacity, so that the
//! test itself frees nothing unwiped.
//!
//! **Stack residue is out of scope, on purpose.** Moving a value leaves its old bytes on the
//! stack, and no safe Rust (nor `zeroize`) can wipe them: the `aes` key schedule, whose first
//! round key *is* the key, leaves copies behind in every frame it passes through. A struct built
//! later in the same stack slots inherits them in its padding and unused enum space, and if it
//! is then boxed, the copy reaches the heap. Without countermeasure this test reports such
//! copies in `Box<Hmac>`, `Box<Mac>` and boxed keys (found while writing it; they vanish when
//! the stack is cleared between calls). So every statement of a case runs on a freshly
//! scrubbed stack ([`scrubbed!`]): what is left to find is what this crate's own heap buffers
//! and the heap state of its dependencies hold when freed.
//!
//! There is no allow-list: a secret found in any freed block, whoever freed it, fails the test.
//! RSA pairs run at 512, 520 (numbers that are not a whole number of limbs), 1024 and 2048 bits
//! ([`RSA_SIZES`]); the other cases use 520-bit pairs ([`RSA_BITS`]), to stay fast.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use alloc_probe::{Pattern, Session};
use cryptoapi::dss::harness as dss;
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_LITTLE_ENDIAN, CRYPT_OAEP, CipherMode, HP_HASHVAL, Hash,
    HmacInfo, Key, KeyFile, KeyFlags, KeyFormat, KeyPermissions, KeySpec, KeyStore, MS_DEF_PROV,
    Pkcs1Rejection, Provider, ProviderType, PvkEncryption, ReleaseFlags, SCHANNEL_ENC_KEY,
    SCHANNEL_MAC_KEY, SchannelAlg,
};
use zeroize::Zeroizing;

mod common;
use common::{TempRoot, plaintext_blob, private_parts, random};

#[global_allocator]
static PROBE: alloc_probe::Probe = alloc_probe::Probe;

/// The size of the RSA pairs of the cases that are not about RSA pairs: 520 bits, whose numbers
/// (33 and 65 bytes) are not a whole number of 64-bit limbs.
const RSA_BITS: u16 = 520;
/// The sizes every RSA pair case runs at.
const RSA_SIZES: [u16; 4] = [512, 520, 1024, 2048];
const AT_KEYEXCHANGE: AlgId = AlgId::from_raw(1);
const AT_SIGNATURE: AlgId = AlgId::from_raw(2);
/// `CRYPT_OAEP` among `CryptImportKey` flags (the bit of `CRYPT_PREGEN`).
const IMPORT_OAEP: KeyFlags = KeyFlags::PREGEN;

/// Overwrites the 64 KiB of stack below the caller with zeros, so that stale copies left there
/// by earlier calls cannot ride into a later heap block (see the module docs).
#[inline(never)]
fn scrub_stack() {
    let zeros = [0u8; 64 * 1024];
    std::hint::black_box(&zeros);
}

/// Runs each statement (a `let` or an expression) on a freshly scrubbed stack; `let` bindings
/// stay in scope after the block.
macro_rules! scrubbed {
    () => {};
    (let $pattern:pat = $init:expr; $($rest:tt)*) => {
        scrub_stack();
        let $pattern = $init;
        scrubbed!($($rest)*);
    };
    ($expression:expr; $($rest:tt)*) => {
        scrub_stack();
        $expression;
        scrubbed!($($rest)*);
    };
}

/// The patterns of one case, with their names.
struct Watch<'s> {
    session: &'s Session,
    names: Vec<(Pattern, String)>,
}

impl Watch<'_> {
    /// Watches `bytes` as they are and reversed (the big-endian view of a number, and
    /// `CryptHashSessionKey`'s byte order).
    fn secret(&mut self, name: &str, bytes: &[u8]) {
        self.exact(name, bytes);
        let mut reversed = Zeroizing::new(bytes.to_vec());
        reversed.reverse();
        self.exact(&format!("{name} (reversed)"), &reversed);
    }

    /// Watches a key as it is, reversed, and XORed with HMAC's inner and outer pad bytes.
    fn key(&mut self, name: &str, bytes: &[u8]) {
        self.secret(name, bytes);
        for (pad, label) in [(0x36u8, "ipad"), (0x5c, "opad")] {
            let xored = Zeroizing::new(bytes.iter().map(|b| b ^ pad).collect::<Vec<u8>>());
            self.exact(&format!("{name} ^ {label}"), &xored);
        }
    }

    /// Watches `bytes` only as they are, in overlapping pieces when longer than the probe takes.
    fn exact(&mut self, name: &str, bytes: &[u8]) {
        const MAX: usize = alloc_probe::MAX_PATTERN_LEN;
        let mut start = 0;
        loop {
            let end = (start + MAX).min(bytes.len());
            let pattern = self.session.watch(&bytes[start..end]);
            self.names.push((pattern, name.to_owned()));
            if end == bytes.len() {
                break;
            }
            start = end - (alloc_probe::WINDOW - 1);
        }
    }

    /// Watches every private number of an RSA `PRIVATEKEYBLOB`.
    fn pair(&mut self, name: &str, private_blob: &[u8]) {
        for (part, bytes) in private_parts(private_blob) {
            self.secret(&format!("{name} {part}"), &bytes);
        }
    }
}

/// One scenario: it watches its secrets and exercises them inside a probe session.
struct Case {
    name: String,
    run: Box<dyn FnOnce(&mut Watch<'_>)>,
}

fn case(name: impl Into<String>, run: impl FnOnce(&mut Watch<'_>) + 'static) -> Case {
    Case {
        name: name.into(),
        run: Box::new(run),
    }
}

/// Serialises this file's tests: setup done outside a session must not land in another test's.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs every case in its own session and fails listing every leaking case, not just the first.
fn check(cases: Vec<Case>) {
    let mut failures = Vec::new();
    let mut log = String::new();
    for case in cases {
        let started = Instant::now();
        let session = Session::start();
        let names = {
            let mut watch = Watch {
                session: &session,
                names: Vec::new(),
            };
            scrub_stack();
            (case.run)(&mut watch);
            watch.names
        };
        let report = session.finish();
        let elapsed = started.elapsed();
        let mut leaks = Vec::new();
        if names.is_empty() {
            leaks.push("the case watched no secret: it proves nothing".to_owned());
        }
        if report.scanned_early > 0 || report.findings_dropped > 0 {
            leaks.push(format!(
                "the probe overflowed ({} blocks scanned early, {} findings dropped)",
                report.scanned_early, report.findings_dropped
            ));
        }
        for finding in &report.findings {
            let name = names
                .iter()
                .find(|(p, _)| *p == finding.pattern)
                .map_or("?", |(_, n)| n.as_str());
            leaks.push(format!("{name}: {finding}"));
        }
        let _ = writeln!(
            log,
            "{} {} ({} blocks, {} bytes checked, {} patterns, {elapsed:.0?})",
            if leaks.is_empty() { "ok  " } else { "LEAK" },
            case.name,
            report.blocks_checked,
            report.bytes_checked,
            names.len(),
        );
        if !leaks.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, leaks.join("\n    ")));
        }
    }
    println!("{log}");
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}\n\nall cases:\n{log}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers

#[derive(Clone, Copy, Debug)]
enum Csp {
    Base,
    Strong,
    Aes,
}

fn provider(csp: Csp) -> Provider {
    match csp {
        Csp::Base => Provider::acquire(
            None,
            Some(MS_DEF_PROV),
            ProviderType::RSA_FULL,
            AcquireFlags::VERIFYCONTEXT,
        )
        .unwrap(),
        Csp::Strong => Provider::verify_context(ProviderType::RSA_FULL).unwrap(),
        Csp::Aes => Provider::verify_context(ProviderType::RSA_AES).unwrap(),
    }
}

/// The key bytes of an exportable session key.
fn key_bytes(key: &Key<'_>) -> Zeroizing<Vec<u8>> {
    let blob = key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    Zeroizing::new(blob[12..].to_vec())
}

/// A small RSA pair's `PRIVATEKEYBLOB`, made in a context of its own (outside any session).
fn private_blob(alg: AlgId) -> Zeroizing<Vec<u8>> {
    private_blob_of(alg, RSA_BITS)
}

/// An RSA pair's `PRIVATEKEYBLOB` of `bits` bits, made in a context of its own (outside any
/// session).
fn private_blob_of(alg: AlgId, bits: u16) -> Zeroizing<Vec<u8>> {
    let prov = provider(Csp::Aes);
    let pair = prov
        .gen_key(alg, KeyFlags::EXPORTABLE.with_key_bits(bits))
        .unwrap();
    pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap()
}

/// A hash value, kept in a buffer wiped on drop.
fn value(hash: &mut Hash<'_>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(hash.value().unwrap())
}

fn is_block_cipher(alg: AlgId) -> bool {
    alg != AlgId::RC4
}

fn flags_for(len: usize) -> KeyFlags {
    KeyFlags::EXPORTABLE.with_key_bits(u16::try_from(len * 8).unwrap())
}

/// Everything a session key does: encryption in every mode, parameter changes, export,
/// duplication, `CryptHashSessionKey`, HMAC and CBC-MAC.
fn exercise(prov: &Provider, key: &mut Key<'_>) {
    scrubbed! {
        let alg = key.alg_id();
        let block = (key.block_bits() / 8) as usize;
        let mut data = b"attack at dawn, and bring the session key".to_vec();
        key.encrypt(&mut data, true).unwrap();
        key.decrypt(&mut data, true).unwrap();
    }
    if is_block_cipher(alg) {
        scrubbed! {
            let mut blocks = vec![0x42u8; 4 * block];
            key.encrypt(&mut blocks, false).unwrap();
            key.set_iv(&random(block)).unwrap();
        }
        for mode in [CipherMode::Ecb, CipherMode::Cfb, CipherMode::Cbc] {
            scrubbed! {
                key.set_mode(mode).unwrap();
                let mut data = b"sixteen bytes!!!and more".to_vec();
                key.encrypt(&mut data, true).unwrap();
                key.decrypt(&mut data, true).unwrap();
            }
        }
        scrubbed! {
            let mut buf = vec![7u8; 3 * block];
            let len = key.encrypt_in_place(&mut buf, 2 * block, true).unwrap();
            key.decrypt_in_place(&mut buf[..len], true).unwrap();
        }
    } else {
        scrubbed! {
            let mut stream = vec![0x17u8; 300];
            key.encrypt(&mut stream, false).unwrap();
        }
    }
    if matches!(alg, AlgId::RC2 | AlgId::RC4) {
        scrubbed! {
            key.set_salt(&random(11)).unwrap();
            key.set_salt_ex(&random(7)).unwrap();
            key.encrypt(&mut data, true).unwrap();
        }
    }
    if alg == AlgId::RC2 {
        scrubbed! {
            let _ = key.set_effective_key_bits(64);
            key.encrypt(&mut data, true).unwrap();
        }
    }
    if key.permissions().contains(KeyPermissions::EXPORT) {
        scrubbed! {
            drop(key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap());
        }
    }
    scrubbed! {
        let mut dup = key.duplicate().unwrap();
        dup.encrypt(&mut data, true).unwrap();
        drop(dup);
    }
    for flags in [0, CRYPT_LITTLE_ENDIAN] {
        scrubbed! {
            let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
            hash.hash_session_key(key, flags).unwrap();
            drop(value(&mut hash));
        }
    }
    scrubbed! {
        let mut hmac = prov.create_hash(AlgId::HMAC, Some(key)).unwrap();
        hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA1)).unwrap();
        hmac.hash_data(b"message").unwrap();
        drop(value(&mut hmac));
    }
    if is_block_cipher(alg) {
        scrubbed! {
            let mut mac = prov.create_hash(AlgId::MAC, Some(key)).unwrap();
            mac.hash_data(b"message to authenticate").unwrap();
            drop(value(&mut mac));
        }
    }
}

/// The session key algorithms: provider, algorithm, key length in bytes.
const SESSION_KEYS: &[(Csp, AlgId, usize)] = &[
    (Csp::Aes, AlgId::AES_128, 16),
    (Csp::Aes, AlgId::AES_192, 24),
    (Csp::Aes, AlgId::AES_256, 32),
    (Csp::Aes, AlgId::RC2, 16),
    (Csp::Aes, AlgId::RC4, 16),
    (Csp::Aes, AlgId::DES, 8),
    (Csp::Aes, AlgId::TRIPLE_DES_112, 16),
    (Csp::Aes, AlgId::TRIPLE_DES, 24),
    (Csp::Base, AlgId::RC2, 5),
    (Csp::Base, AlgId::RC4, 5),
    (Csp::Strong, AlgId::RC4, 7),
];

/// A case that derives a key from a hash of a fresh password and exercises it.
fn derived(name: String, csp: Csp, alg: AlgId, hash_alg: AlgId, flags: KeyFlags) -> Case {
    case(name, move |w| {
        scrubbed! {
            let password = random(12);
            w.secret("password", &password);
            let prov = provider(csp);
            let mut base = prov.create_hash(hash_alg, None).unwrap();
            base.hash_data(&password).unwrap();
            let mut key = prov.derive_key(alg, &mut base, flags).unwrap();
            w.secret("hash value", &value(&mut base));
            w.key("key", &key_bytes(&key));
            exercise(&prov, &mut key);
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Session keys

#[test]
fn session_keys_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    for &(csp, alg, len) in SESSION_KEYS {
        let tag = format!("{alg:?} {}-bit ({csp:?})", len * 8);
        let bytes = random(len);
        cases.push(case(
            format!("{tag} imported from PLAINTEXTKEYBLOB"),
            move |w| {
                scrubbed! {
                    w.key("key", &bytes);
                    let prov = provider(csp);
                    let blob = plaintext_blob(alg, &bytes);
                    let mut key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
                    exercise(&prov, &mut key);
                }
            },
        ));
        cases.push(case(format!("{tag} generated"), move |w| {
            scrubbed! {
                let prov = provider(csp);
                let mut key = prov.gen_key(alg, flags_for(len)).unwrap();
                w.key("key", &key_bytes(&key));
                exercise(&prov, &mut key);
            }
        }));
        cases.push(case(
            format!("{tag} duplicated, original dropped first"),
            move |w| {
                scrubbed! {
                    let prov = provider(csp);
                    let key = prov.gen_key(alg, flags_for(len)).unwrap();
                    w.key("key", &key_bytes(&key));
                    let mut dup = key.duplicate().unwrap();
                    drop(key);
                    exercise(&prov, &mut dup);
                }
            },
        ));
        cases.push(case(
            format!("{tag} kept on the heap (Box<Key>)"),
            move |w| {
                scrubbed! {
                    let prov = provider(csp);
                    let mut key = Box::new(prov.gen_key(alg, flags_for(len)).unwrap());
                    w.key("key", &key_bytes(&key));
                    exercise(&prov, &mut key);
                }
            },
        ));
        for hash_alg in [AlgId::MD5, AlgId::SHA1] {
            let name = format!("{tag} derived from {hash_alg:?}");
            cases.push(derived(name, csp, alg, hash_alg, flags_for(len)));
        }
    }
    for (alg, hash_alg) in [
        (AlgId::AES_256, AlgId::SHA_256),
        (AlgId::AES_256, AlgId::SHA_512),
        (AlgId::TRIPLE_DES, AlgId::MD2),
    ] {
        let name = format!("{alg:?} derived from {hash_alg:?}");
        cases.push(derived(name, Csp::Aes, alg, hash_alg, KeyFlags::EXPORTABLE));
    }
    // The salt is the hash bytes after the key: from MD5 a 56-bit key leaves 9 of them for an
    // 11-byte salt, which grows.
    for (csp, len, hash_alg) in [
        (Csp::Base, 5, AlgId::SHA1),
        (Csp::Strong, 5, AlgId::SHA1),
        (Csp::Strong, 7, AlgId::MD5),
        (Csp::Strong, 16, AlgId::SHA1),
    ] {
        let name = format!(
            "RC4 {}-bit ({csp:?}) derived from {hash_alg:?} with CREATE_SALT",
            len * 8
        );
        let flags = flags_for(len) | KeyFlags::CREATE_SALT;
        cases.push(derived(name, csp, AlgId::RC4, hash_alg, flags));
    }
    cases.push(case(
        "RC2 session key kept on the heap at 1024 effective bits",
        |w| {
            scrubbed! {
                let prov = provider(Csp::Aes);
                let mut key = Box::new(prov.gen_key(AlgId::RC2, flags_for(16)).unwrap());
                w.key("key", &key_bytes(&key));
                key.set_effective_key_bits(1024).unwrap();
                let mut data = b"rc2".to_vec();
                key.encrypt(&mut data, true).unwrap();
            }
        },
    ));
    cases.push(case(
        "HMAC-only key (CRYPT_IPSEC_HMAC_KEY, 100 bytes)",
        |w| {
            scrubbed! {
                let bytes = random(100);
                w.key("key", &bytes);
                let prov = provider(Csp::Aes);
                let blob = plaintext_blob(AlgId::RC2, &bytes);
                let flags = KeyFlags::IPSEC_HMAC_KEY | KeyFlags::EXPORTABLE;
                let key = prov.import_key(&blob, None, flags).unwrap();
                drop(key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap());
                let dup = key.duplicate().unwrap();
                let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
                hash.hash_session_key(&dup, 0).unwrap();
                drop(value(&mut hash));
            }
        },
    ));
    check(cases);
}

#[test]
fn plaintext_buffers_that_encryption_grows_or_replaces_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    for (alg, len) in [(AlgId::AES_128, 16), (AlgId::DES, 8), (AlgId::RC4, 16)] {
        cases.push(case(
            format!("{alg:?}: a secret plaintext in a Zeroizing buffer of exact capacity"),
            move |w| {
                scrubbed! {
                    let prov = provider(Csp::Aes);
                    let mut key = prov.gen_key(alg, flags_for(len)).unwrap();
                    let secret = random(40);
                    w.secret("plaintext", &secret);
                    let mut buf = Zeroizing::new(Vec::with_capacity(secret.len()));
                    buf.extend_from_slice(&secret);
                    key.encrypt(&mut buf, true).unwrap();
                    key.decrypt(&mut buf, true).unwrap();
                    assert_eq!(&buf[..], &secret[..]);
                }
            },
        ));
    }
    let blob = private_blob(AT_KEYEXCHANGE);
    cases.push(case(
        "RSA exchange key: a secret plaintext in a Zeroizing buffer",
        move |w| {
            scrubbed! {
                let prov = provider(Csp::Aes);
                let mut pair = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                // 20 bytes: OAEP leaves 23 at 520 bits.
                let secret = random(20);
                w.secret("plaintext", &secret);
            }
            for flags in [0, CRYPT_OAEP] {
                scrubbed! {
                    let mut buf = Zeroizing::new(secret.to_vec());
                    pair.encrypt_with(None, true, flags, &mut buf).unwrap();
                    pair.decrypt_with(None, true, flags, &mut buf).unwrap();
                    assert_eq!(&buf[..], &secret[..]);
                }
            }
        },
    ));
    check(cases);
}

// ---------------------------------------------------------------------------------------------
// RSA key pairs

/// What every RSA pair case does with a pair: sign, verify, encrypt, decrypt (every padding and
/// rejection mode), export, duplicate, read it back.
fn use_pair(prov: &Provider, spec: KeySpec) {
    scrubbed! {
        let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
        hash.hash_data(b"signed").unwrap();
        let signature = hash.sign(spec, 0).unwrap();
        let pair = prov.user_key(spec).unwrap();
        let mut check = prov.create_hash(AlgId::SHA1, None).unwrap();
        check.hash_data(b"signed").unwrap();
        check.verify_signature(&signature, &pair, 0).unwrap();
    }
    if spec == KeySpec::Exchange {
        scrubbed! {
            let mut pair = prov.user_key(spec).unwrap();
            let mut data = b"not a secret".to_vec();
            pair.encrypt_with(None, true, 0, &mut data).unwrap();
            pair.decrypt_with(None, true, 0, &mut data).unwrap();
            pair.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
            pair.encrypt_with(None, true, 0, &mut data).unwrap();
            pair.decrypt_with(None, true, 0, &mut data).unwrap();
            pair.encrypt_with(None, true, CRYPT_OAEP, &mut data).unwrap();
            pair.decrypt_with(None, true, CRYPT_OAEP, &mut data).unwrap();
        }
    }
    scrubbed! {
        let again = prov.user_key(spec).unwrap();
        drop(again.export(None, BlobType::PrivateKeyBlob, 0));
        drop(again.export(None, BlobType::PublicKeyBlob, 0).unwrap());
        drop(again.duplicate().unwrap());
    }
}

#[test]
fn rsa_key_pairs_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    for bits in RSA_SIZES {
        let blob = private_blob_of(AT_KEYEXCHANGE, bits);
        cases.push(case(
            format!("RSA PRIVATEKEYBLOB imported into a verify context ({bits} bits)"),
            move |w| {
                scrubbed! {
                    w.pair("pair", &blob);
                    let prov = provider(Csp::Aes);
                    let key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
                    drop(key.export(None, BlobType::PrivateKeyBlob, 0).unwrap());
                    use_pair(&prov, KeySpec::Exchange);
                }
            },
        ));
        cases.push(case(
            format!("RSA pairs generated in a verify context ({bits} bits)"),
            move |w| {
                scrubbed! {
                    let prov = provider(Csp::Aes);
                }
                for (alg, spec) in [
                    (AT_KEYEXCHANGE, KeySpec::Exchange),
                    (AT_SIGNATURE, KeySpec::Signature),
                ] {
                    scrubbed! {
                        let flags = KeyFlags::EXPORTABLE.with_key_bits(bits);
                        let pair = prov.gen_key(alg, flags).unwrap();
                        let blob = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
                        w.pair(&format!("{spec:?} pair"), &blob);
                        use_pair(&prov, spec);
                    }
                }
            },
        ));
        let (first, second) = (
            private_blob_of(AT_KEYEXCHANGE, bits),
            private_blob_of(AT_KEYEXCHANGE, bits),
        );
        cases.push(case(
            format!("RSA pair cache of a verify context, pair replaced ({bits} bits)"),
            move |w| {
                scrubbed! {
                    w.pair("first pair", &first);
                    w.pair("second pair", &second);
                    let prov = provider(Csp::Strong);
                    drop(prov.import_key(&first, None, KeyFlags::empty()).unwrap());
                    drop(prov.user_key(KeySpec::Exchange).unwrap());
                    drop(prov.user_key(KeySpec::Exchange).unwrap());
                    let held = prov.user_key(KeySpec::Exchange).unwrap();
                    drop(prov.import_key(&second, None, KeyFlags::empty()).unwrap());
                    use_pair(&prov, KeySpec::Exchange);
                    drop(held);
                }
            },
        ));
        for on_disk in [true, false] {
            let blob = private_blob_of(AT_KEYEXCHANGE, bits);
            let label = if on_disk { "a file" } else { "an in-memory" };
            cases.push(case(format!("RSA pairs in {label} container ({bits} bits)"), move |w| {
                scrubbed! {
                    w.pair("imported pair", &blob);
                    let root = TempRoot::new("zeroize");
                    let store = if on_disk { root.store() } else { KeyStore::in_memory().unwrap() };
                    let name = Some("zeroize");
                    let full = ProviderType::RSA_FULL;
                    let new = store.acquire(name, None, full, AcquireFlags::NEWKEYSET).unwrap();
                    drop(new.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap());
                    new.release(ReleaseFlags::empty()).unwrap();
                    let prov = store.acquire(name, None, full, AcquireFlags::empty()).unwrap();
                    use_pair(&prov, KeySpec::Exchange);
                    let flags = KeyFlags::EXPORTABLE.with_key_bits(bits);
                    let generated = prov.gen_key(AT_SIGNATURE, flags).unwrap();
                    let generated_blob = generated.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
                    w.pair("generated pair", &generated_blob);
                    drop(generated);
                    use_pair(&prov, KeySpec::Signature);
                    use_pair(&prov, KeySpec::Exchange);
                    drop(prov);
                    store.delete_container(name, None, full, AcquireFlags::empty()).unwrap();
                }
            }));
        }
        for (oaep, rejection) in [
            (false, Pkcs1Rejection::Implicit),
            (false, Pkcs1Rejection::Explicit),
            (true, Pkcs1Rejection::Implicit),
        ] {
            let blob = private_blob_of(AT_KEYEXCHANGE, bits);
            let name = format!(
                "RSA SIMPLEBLOB export and import of an AES-128 key ({}, {rejection:?} rejection, \
                 {bits} bits)",
                if oaep { "OAEP" } else { "PKCS#1 v1.5" }
            );
            let (export_flags, import_flags) = if oaep {
                (CRYPT_OAEP, KeyFlags::EXPORTABLE | IMPORT_OAEP)
            } else {
                (0, KeyFlags::EXPORTABLE)
            };
            cases.push(case(name, move |w| {
                scrubbed! {
                    w.pair("pair", &blob);
                    let session_key = random(16);
                    w.key("session key", &session_key);
                    let prov = provider(Csp::Aes);
                    let mut pair = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                    pair.set_pkcs1_rejection(rejection);
                    let plain = plaintext_blob(AlgId::AES_128, &session_key);
                    let key = prov.import_key(&plain, None, KeyFlags::EXPORTABLE).unwrap();
                    let simple = key.export(Some(&pair), BlobType::SimpleBlob, export_flags).unwrap();
                    drop(key);
                    let mut unwrapped = prov.import_key(&simple, Some(&pair), import_flags).unwrap();
                    assert_eq!(&key_bytes(&unwrapped)[..], &session_key[..]);
                    exercise(&prov, &mut unwrapped);
                }
            }));
        }
        for (session_alg, session_len) in [(AlgId::AES_256, 32), (AlgId::RC4, 16)] {
            let blob = private_blob_of(AT_KEYEXCHANGE, bits);
            let name = format!(
                "RSA PRIVATEKEYBLOB wrapped with a {session_alg:?} session key, exported and \
                 imported ({bits} bits)"
            );
            cases.push(case(name, move |w| {
                scrubbed! {
                    w.pair("pair", &blob);
                    let session_key = random(session_len);
                    w.key("session key", &session_key);
                    let prov = provider(Csp::Aes);
                    let pair = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
                    let plain = plaintext_blob(session_alg, &session_key);
                    let session = prov.import_key(&plain, None, KeyFlags::empty()).unwrap();
                    let wrapped = pair.export(Some(&session), BlobType::PrivateKeyBlob, 0).unwrap();
                    drop(pair);
                    let other = provider(Csp::Strong);
                    let again = other.import_key(&wrapped, Some(&session), KeyFlags::empty());
                    drop(again.unwrap());
                    use_pair(&other, KeySpec::Exchange);
                    // A wrong key: the decrypted garbage is refused, and wiped too.
                    let wrong = prov.gen_key(session_alg, KeyFlags::empty()).unwrap();
                    assert!(other.import_key(&wrapped, Some(&wrong), KeyFlags::empty()).is_err());
                }
            }));
        }
        let blob = private_blob_of(AT_KEYEXCHANGE, bits);
        cases.push(case(
            format!("RSA SIMPLEBLOB with bad padding: the implicit-rejection key ({bits} bits)"),
            move |w| {
                scrubbed! {
                    w.pair("pair", &blob);
                    let prov = provider(Csp::Aes);
                    let pair = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                    // An RC4 SIMPLEBLOB of garbage: implicit rejection unwraps a synthetic key of a
                    // pseudo-random length; take the first garbage that gives one worth watching.
                    let key = (0u8..=255)
                        .find_map(|fill| {
                            let mut simple = vec![1, 2, 0, 0, 0x01, 0x68, 0, 0, 0x00, 0xa4, 0, 0];
                            simple.resize(simple.len() + usize::from(bits / 8), fill);
                            prov.import_key(&simple, Some(&pair), KeyFlags::EXPORTABLE)
                                .ok()
                                .filter(|key| key.key_bits() >= 64)
                        })
                        .unwrap();
                    w.key("synthetic key", &key_bytes(&key));
                    let mut data = vec![0x33u8; 40];
                    let mut dup = key.duplicate().unwrap();
                    dup.decrypt(&mut data, true).unwrap();
                    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
                    hash.hash_session_key(&key, 0).unwrap();
                    drop(value(&mut hash));
                }
            },
        ));
    }
    check(cases);
}

// ---------------------------------------------------------------------------------------------
// Hashes

#[test]
fn keyed_hashes_and_secret_hash_values_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    for hash_alg in [
        AlgId::MD2,
        AlgId::MD4,
        AlgId::MD5,
        AlgId::SHA1,
        AlgId::SHA_256,
        AlgId::SHA_512,
    ] {
        for key_len in [20, 150] {
            let name = format!("HMAC-{hash_alg:?} with a {key_len}-byte key");
            cases.push(case(name, move |w| {
                scrubbed! {
                    let bytes = random(key_len);
                    w.key("key", &bytes);
                    let prov = provider(Csp::Aes);
                    let mut plain = prov.create_hash(hash_alg, None).unwrap();
                    plain.hash_data(&bytes).unwrap();
                    w.key("hashed key", &value(&mut plain));
                    let blob = plaintext_blob(AlgId::RC4, &bytes);
                    let key = prov.import_key(&blob, None, KeyFlags::IPSEC_HMAC_KEY).unwrap();
                    let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
                    drop(key);
                    hmac.set_hmac_info(&HmacInfo::new(hash_alg)).unwrap();
                    hmac.hash_data(b"some data").unwrap();
                    let mut copy = hmac.duplicate().unwrap();
                    copy.hash_data(b"more").unwrap();
                    drop(value(&mut copy));
                    drop(value(&mut hmac));
                    drop(Zeroizing::new(hmac.param(HP_HASHVAL, 0).unwrap()));
                    let mut boxed = Box::new(hmac.duplicate().unwrap());
                    drop(value(&mut boxed));
                }
            }));
        }
    }
    cases.push(case("HMAC-SHA1 with custom pad strings (HMAC_INFO)", |w| {
        scrubbed! {
            let bytes = random(16);
            let (inner, outer) = (random(40), random(30));
            w.key("key", &bytes);
            let xor = |pad: &[u8]| {
                Zeroizing::new(bytes.iter().zip(pad).map(|(k, p)| k ^ p).collect::<Vec<u8>>())
            };
            w.secret("key ^ inner string", &xor(&inner));
            w.secret("key ^ outer string", &xor(&outer));
            let prov = provider(Csp::Strong);
            let blob = plaintext_blob(AlgId::RC4, &bytes);
            let key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
            let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
            hmac.set_hmac_info(&HmacInfo::with_pads(AlgId::SHA1, &inner, &outer)).unwrap();
            hmac.hash_data(b"data").unwrap();
            let mut copy = hmac.duplicate().unwrap();
            drop(value(&mut copy));
            drop(hmac);
        }
    }));
    for (alg, len) in [
        (AlgId::AES_128, 16),
        (AlgId::AES_192, 24),
        (AlgId::AES_256, 32),
        (AlgId::DES, 8),
        (AlgId::TRIPLE_DES_112, 16),
        (AlgId::TRIPLE_DES, 24),
        (AlgId::RC2, 16),
    ] {
        cases.push(case(format!("CALG_MAC with an {alg:?} key"), move |w| {
            scrubbed! {
                let bytes = random(len);
                w.key("key", &bytes);
                let prov = provider(Csp::Aes);
                let blob = plaintext_blob(alg, &bytes);
                let mut key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                key.set_iv(&random((key.block_bits() / 8) as usize)).unwrap();
                let mut mac = prov.create_hash(AlgId::MAC, Some(&key)).unwrap();
                drop(key);
                mac.hash_data(b"a message of some length, not block aligned").unwrap();
                let mut copy = mac.duplicate().unwrap();
                drop(value(&mut copy));
                drop(value(&mut mac));
            }
        }));
    }
    cases.push(case(
        "CALG_MAC with an RC2 key at 1024 effective bits",
        |w| {
            scrubbed! {
                let bytes = random(16);
                w.key("key", &bytes);
                let prov = provider(Csp::Aes);
                let blob = plaintext_blob(AlgId::RC2, &bytes);
                let mut key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                key.set_effective_key_bits(1024).unwrap();
                let mut mac = prov.create_hash(AlgId::MAC, Some(&key)).unwrap();
                drop(key);
                mac.hash_data(b"message").unwrap();
                drop(value(&mut mac));
            }
        },
    ));
    for hash_alg in [
        AlgId::MD2,
        AlgId::MD4,
        AlgId::MD5,
        AlgId::SHA1,
        AlgId::SHA_256,
        AlgId::SHA_384,
        AlgId::SHA_512,
    ] {
        let name = format!("{hash_alg:?} of a password, hash kept on the heap");
        cases.push(case(name, move |w| {
            scrubbed! {
                let password = random(12);
                w.secret("password", &password);
                let prov = provider(Csp::Aes);
                let mut hash = Box::new(prov.create_hash(hash_alg, None).unwrap());
                hash.hash_data(&password).unwrap();
                let mut copy = Box::new(hash.duplicate().unwrap());
                drop(hash);
                w.secret("hash value", &value(&mut copy));
                drop(Zeroizing::new(copy.param(HP_HASHVAL, 0).unwrap()));
                let mut again = copy.duplicate().unwrap();
                drop(value(&mut again));
            }
        }));
    }
    let blob = private_blob(AT_SIGNATURE);
    cases.push(case(
        "hash value of secret data, signed and verified",
        move |w| {
            scrubbed! {
                let password = random(12);
                w.secret("password", &password);
                let prov = provider(Csp::Aes);
                let pair = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
                hash.hash_data(&password).unwrap();
                let mut copy = hash.duplicate().unwrap();
                w.secret("hash value", &value(&mut copy));
                let signature = hash.sign(KeySpec::Signature, 0).unwrap();
                copy.verify_signature(&signature, &pair, 0).unwrap();
            }
        },
    ));
    cases.push(case(
        "CryptHashSessionKey into an HMAC and a plain hash",
        |w| {
            scrubbed! {
                let bytes = random(32);
                w.key("key", &bytes);
                let prov = provider(Csp::Aes);
                let blob = plaintext_blob(AlgId::AES_256, &bytes);
                let key = prov.import_key(&blob, None, KeyFlags::empty()).unwrap();
                let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
                hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA_512)).unwrap();
                hmac.hash_session_key(&key, 0).unwrap();
                let mut plain = Box::new(prov.create_hash(AlgId::SHA_512, None).unwrap());
                plain.hash_session_key(&key, CRYPT_LITTLE_ENDIAN).unwrap();
                drop((hmac, plain, key));
            }
        },
    ));
    check(cases);
}

// ---------------------------------------------------------------------------------------------
// The SChannel provider

/// SSL 3.0 and TLS 1.0 master keys: the pre-master secret (imported in the clear and unwrapped
/// from a `SIMPLEBLOB`), the master secret a master hash makes, the keys and IVs cut from the
/// key block, the HMAC keys of the PRF and the PRF's output, through duplicates, exports and
/// `CryptHashSessionKey`.
#[test]
fn schannel_secrets_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    for alg in [AlgId::TLS1_MASTER, AlgId::SSL3_MASTER] {
        let pair_blob = private_blob(AlgId::RSA_KEYX);
        cases.push(case(format!("{alg:?}: master secret, key block, PRF"), move |w| {
            scrubbed! {
                let pre = random(48);
                w.key("pre-master secret", &pre);
                let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap();
                let pair = prov.import_key(&pair_blob, None, KeyFlags::EXPORTABLE).unwrap();
                let blob = plaintext_blob(alg, &pre);
                let mut master = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
                master.set_client_random(&[1; 32]).unwrap();
                master.set_server_random(&[2; 32]).unwrap();
                master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::TRIPLE_DES, 168)).unwrap();
                master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 160)).unwrap();
                let keys = Box::new(prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master)).unwrap());
                let secret = key_bytes(&master);
                w.key("master secret", &secret);
                let mut copy = keys.duplicate().unwrap();
                drop(keys);
                let enc = prov.derive_key(AlgId::SCHANNEL_ENC_KEY, &mut copy, KeyFlags::EXPORTABLE).unwrap();
                w.secret("client write key", &key_bytes(&enc));
                let mut server = prov.derive_key(AlgId::SCHANNEL_ENC_KEY, &mut copy, KeyFlags::EXPORTABLE | KeyFlags::SERVER).unwrap();
                w.secret("server write key", &key_bytes(&server));
                let mut data = b"record data, three blocks long..".to_vec();
                server.encrypt(&mut data, false).unwrap();
                let mac = prov.derive_key(AlgId::SCHANNEL_MAC_KEY, &mut copy, KeyFlags::EXPORTABLE | KeyFlags::SERVER).unwrap();
                w.key("server MAC key", &key_bytes(&mac));
                let mut hmac = prov.create_hash(AlgId::HMAC, Some(&mac)).unwrap();
                hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA1)).unwrap();
                hmac.hash_data(&data).unwrap();
                drop(value(&mut hmac));
                let mut session = prov.create_hash(AlgId::MD5, None).unwrap();
                session.hash_session_key(&master, 0).unwrap();
                drop(value(&mut session));
                let wrapped = master.export(Some(&pair), BlobType::SimpleBlob, 0).unwrap();
                let unwrapped = prov.import_key(&wrapped, Some(&pair), KeyFlags::empty()).unwrap();
                let twin = unwrapped.duplicate().unwrap();
                drop((enc, server, mac, copy, unwrapped, twin));
                if alg == AlgId::TLS1_MASTER {
                    let mut prf = Box::new(prov.create_hash(AlgId::TLS1PRF, Some(&master)).unwrap());
                    prf.set_tls1prf_label(b"client finished").unwrap();
                    prf.set_tls1prf_seed(&[3; 36]).unwrap();
                    let out = prf.prf(150).unwrap();
                    w.secret("PRF output", &out);
                    let again = prf.duplicate().unwrap();
                    drop((again.prf(12).unwrap(), prf));
                };
                drop((master, pair));
            }
        }));
    }
    check(cases);
}

// ---------------------------------------------------------------------------------------------
// Key files

/// Every private key-file format written from a `PRIVATEKEYBLOB` and read back (PVK in its
/// three encryptions, encrypted PKCS#8, PEM and DER, `.snk`), a blob whose private exponent is
/// rebuilt, wrong passwords, and `from_key` / `import` through a provider.
#[test]
fn key_files_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    let formats = [
        (KeyFormat::Blob, PvkEncryption::None),
        (KeyFormat::Pvk, PvkEncryption::None),
        (KeyFormat::Pvk, PvkEncryption::Weak),
        (KeyFormat::Pvk, PvkEncryption::Strong),
        (KeyFormat::Snk, PvkEncryption::None),
        (KeyFormat::Pkcs1Pem, PvkEncryption::None),
        (KeyFormat::Pkcs1Der, PvkEncryption::None),
        (KeyFormat::Pkcs8Pem, PvkEncryption::None),
        (KeyFormat::Pkcs8Der, PvkEncryption::None),
        (KeyFormat::Pkcs8EncryptedPem, PvkEncryption::None),
    ];
    for (format, level) in formats {
        let blob = private_blob(AT_KEYEXCHANGE);
        let name = format!("key file: {format} ({level:?}) written and read");
        cases.push(case(name, move |w| {
            scrubbed! {
                w.pair("pair", &blob);
                let password = random(12);
                w.secret("password", &password);
                let key = KeyFile::from_blob(&blob).unwrap();
                let file = if format == KeyFormat::Pkcs8EncryptedPem {
                    key.write_pkcs8_encrypted(&password, 3).unwrap()
                } else {
                    key.write(format, false, Some(&password), level).unwrap()
                };
                let detected = KeyFormat::detect(&file);
                let back = KeyFile::read(&file, detected, Some(&password)).unwrap();
                let copy = back.clone();
                drop(copy.to_blob(false).unwrap());
                drop(back.write(KeyFormat::Pkcs1Der, false, None, PvkEncryption::None).unwrap());
                drop((file, back, copy, key));
            }
        }));
    }
    let blob = private_blob(AT_SIGNATURE);
    cases.push(case(
        "key file: a PRIVATEKEYBLOB whose private exponent is rebuilt",
        move |w| {
            scrubbed! {
                w.pair("pair", &blob);
                let short = Zeroizing::new(blob[..blob.len() - 20].to_vec());
                let key = KeyFile::from_blob(&short).unwrap();
                drop(key.write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None).unwrap());
                drop(key.to_blob(false).unwrap());
            }
        },
    ));
    let blob = private_blob(AT_KEYEXCHANGE);
    cases.push(case("key file: wrong passwords", move |w| {
        scrubbed! {
            w.pair("pair", &blob);
            let password = random(12);
            w.secret("password", &password);
            let key = KeyFile::from_blob(&blob).unwrap();
            let pvk = key.write(KeyFormat::Pvk, false, Some(&password), PvkEncryption::Strong).unwrap();
            let pkcs8 = key.write_pkcs8_encrypted(&password, 3).unwrap();
            assert!(KeyFile::read(&pvk, None, Some(b"wrong")).is_err());
            assert!(KeyFile::read(&pkcs8, None, Some(b"wrong")).is_err());
            drop((pvk, pkcs8, key));
        }
    }));
    let blob = private_blob(AT_KEYEXCHANGE);
    cases.push(case(
        "RSA key file: from_key and import into a provider",
        move |w| {
            scrubbed! {
                w.pair("pair", &blob);
                let prov = provider(Csp::Aes);
                let pair = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
                let key = KeyFile::from_key(&pair, false).unwrap();
                drop(pair);
                let pem = key.write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None).unwrap();
                let again = KeyFile::read(&pem, None, None).unwrap();
                let imported = again.import(&prov, KeyFlags::empty()).unwrap();
                drop((imported, again, pem, key));
            }
        },
    ));
    check(cases);
}

// ---------------------------------------------------------------------------------------------
// DSS and Diffie-Hellman (the crate-internal core, through its hidden harness)

/// A little-endian number without its high zero bytes (a short x in a long field would
/// otherwise be watched as runs of zeros).
fn significant(le: &[u8]) -> Zeroizing<Vec<u8>> {
    let used = le.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    Zeroizing::new(le[..used].to_vec())
}

/// The x of a DSS or DH private blob.
fn private_value(blob: &[u8]) -> Zeroizing<Vec<u8>> {
    let decoded = dss::decode(blob).unwrap();
    significant(&decoded.x)
}

/// dssenh.c's `primeCALG_DH_SF` / `generatorCALG_DH_SF` (little-endian `KP_P`, `KP_G`).
fn dssenh_group() -> (Vec<u8>, Vec<u8>) {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/dssenh-blobs.json")).unwrap();
    let group = &data["dh_groups"][2];
    assert_eq!(group["alg"], "CALG_DH_SF");
    let unhex = |key: &str| -> Vec<u8> {
        let text = group[key].as_str().unwrap();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    };
    (unhex("p"), unhex("g"))
}

/// A recorded 1024-bit DSS `PRIVATEKEYBLOB` (Wine's `DSS_SIGN_PrivateKey`).
fn recorded_dss_blob() -> Zeroizing<Vec<u8>> {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/dssenh-blobs.json")).unwrap();
    let entry = &data["blobs"][1];
    assert_eq!(entry["id"], "wine-dssenh/DSS_SIGN_PrivateKey");
    let text = entry["hex"].as_str().unwrap();
    Zeroizing::new(
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect(),
    )
}

/// Everything a DSS pair does: exports in both versions, duplicates, signatures with a fresh
/// k and with a watched one, verification.
fn use_dss_pair(w: &mut Watch<'_>, key: &dss::Dsa) {
    scrubbed! {
        let hash = [0x5au8; 20];
        drop(key.export(true, false).unwrap());
        drop(key.export(true, true).unwrap());
        let copy = key.duplicate();
        let signature = copy.sign(&hash).unwrap();
        drop(copy);
        assert!(key.public_key().verify(&hash, &signature));
        assert!(key.sign_hash(AlgId::MD5, &[0; 16]).is_err());
    }
    for _ in 0..3 {
        scrubbed! {
            // k in [1, q − 1]: 159 random bits are always below q (q has 160).
            let mut k = random(20);
            k[19] &= 0x7f;
            k[0] |= 1;
            w.secret("k", &significant(&k));
            let signature = key.sign_with_nonce(&hash, &k).unwrap().unwrap();
            assert!(key.verify(&hash, &signature));
        }
    }
}

#[test]
fn dss_and_dh_secrets_are_wiped() {
    let _serial = serial();
    let mut cases = Vec::new();
    let recorded = recorded_dss_blob();
    cases.push(case(
        "DSS pair imported from a recorded PRIVATEKEYBLOB (1024 bits)",
        move |w| {
            scrubbed! {
                w.secret("x", &private_value(&recorded));
                let key = dss::Dsa::import(&recorded).unwrap();
                use_dss_pair(w, &key);
                let v3 = key.export(true, true).unwrap();
                drop(key);
                let again = dss::Dsa::import(&v3).unwrap();
                use_dss_pair(w, &again);
            }
        },
    ));
    cases.push(case("DSS parameters and pair generated (512 bits)", |w| {
        scrubbed! {
            let key = dss::Dsa::generate(512).unwrap();
            let blob = key.export(true, false).unwrap();
            w.secret("x", &private_value(&blob));
            use_dss_pair(w, &key);
            let other = dss::Dsa::generate_like(&key).unwrap();
            let other_blob = other.export(true, false).unwrap();
            w.secret("other x", &private_value(&other_blob));
            use_dss_pair(w, &other);
        }
    }));
    let (p, g) = dssenh_group();
    cases.push(case(
        "DH pairs in a given group, agreement both ways (512 bits)",
        move |w| {
            scrubbed! {
                let a = dss::Dh::generate_in_group(dss::CALG_DH_SF, &p, &g, None).unwrap();
                let b = dss::Dh::generate_in_group(dss::CALG_DH_SF, &p, &g, None).unwrap();
                let a_blob = a.export(true, false).unwrap();
                let b_blob = b.export(true, false).unwrap();
                w.secret("a's x", &private_value(&a_blob));
                w.secret("b's x", &private_value(&b_blob));
                let ab = a.agree_blob(&b.export(false, false).unwrap()).unwrap();
                w.secret("shared secret", &significant(&ab));
                let ba = b.agree(&a.public_value().unwrap()).unwrap();
                assert_eq!(ab, ba);
                drop((ab, ba));
                // Through the private blobs, both versions, and a duplicate.
                let a2 = dss::Dh::import(&a_blob).unwrap();
                let a4 = dss::Dh::import(&a.export(true, true).unwrap()).unwrap();
                drop(a2.agree(&b.public_value().unwrap()).unwrap());
                drop(a4.duplicate().agree(&b.public_value().unwrap()).unwrap());
            }
        },
    ));
    cases.push(case(
        "DH pairs in a generated group with q, agreement (1024 bits)",
        |w| {
            scrubbed! {
                let a = dss::Dh::generate(dss::CALG_DH_EPHEM, 1024).unwrap();
                let group = dss::decode(&a.export(false, true).unwrap()).unwrap();
                let b = dss::Dh::generate_in_group(
                    dss::CALG_DH_EPHEM, &group.p, &group.g, Some(&group.q)).unwrap();
                let a_blob = a.export(true, true).unwrap();
                let b_blob = b.export(true, false).unwrap();
                w.secret("a's x", &private_value(&a_blob));
                w.secret("b's x", &private_value(&b_blob));
                let ab = a.agree_blob(&b.export(false, true).unwrap()).unwrap();
                w.secret("shared secret", &significant(&ab));
                let ba = b.agree(&a.public_value().unwrap()).unwrap();
                assert_eq!(ab, ba);
            }
        },
    ));
    check(cases);
}

/// The probe is live in this binary: a secret freed without wiping is found. Without this,
/// a probe that saw nothing would make every test above pass.
#[test]
fn the_probe_finds_an_unwiped_secret() {
    let _serial = serial();
    let secret = random(32);
    let session = Session::start();
    let pattern = session.watch(&secret);
    drop(std::hint::black_box(secret.to_vec()));
    let report = session.finish();
    assert_eq!(report.findings.len(), 1, "{report:?}");
    assert_eq!(report.findings[0].pattern, pattern);
}
