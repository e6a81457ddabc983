//! `Debug` never shows key bytes.
//!
//! Every public type of the crate that implements `Debug` is formatted with `{:?}` and `{:#?}`
//! while it holds distinctive random secrets (session keys of every algorithm, HMAC and MAC
//! keys, RSA private numbers, passwords and their hash values), and the output is searched for
//! any 4 consecutive bytes of a secret, in either byte order, in every common spelling: hex
//! runs in either case (`a1b2c3d4`, `A1B2C3D4`) and number lists as `Debug` prints bytes
//! (`[161, 178, 195, 212]`, `{:x?}`'s `[a1, b2, c3, d4]`, `0xa1`, pretty-printed one per line).
//! The RSA modulus and public exponent are public and not searched for.
//!
//! The detector is checked first against those spellings of a secret, so this test can fail,
//! and `Zeroizing<Vec<u8>>` (re-exported from `zeroize`, the type of exported key blobs) is
//! pinned as the one documented exception: it is a transparent wrapper whose `Debug` prints the
//! bytes, as any `Vec<u8>` does.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::HashMap;
use std::fmt::Debug;

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CipherMode, Error, HmacInfo, Key, KeyFlags, KeyPermissions,
    KeySet, KeySpec, KeyStore, MS_DEF_PROV, Pkcs1Rejection, Provider, ProviderType, ReleaseFlags,
    SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY, SchannelAlg,
};
use zeroize::Zeroizing;

mod common;
use common::{TempRoot, plaintext_blob, private_parts, random};

/// Consecutive secret bytes that count as a leak.
const RUN: usize = 4;

/// The secrets an object holds, and what formatting it found.
struct Check {
    /// Every `RUN`-byte window of every secret, in both byte orders, with the secret's name.
    windows: HashMap<[u8; RUN], String>,
    failures: Vec<String>,
    formatted: usize,
}

impl Check {
    fn new() -> Check {
        Check {
            windows: HashMap::new(),
            failures: Vec::new(),
            formatted: 0,
        }
    }

    /// Watches `bytes`, as they are and reversed (a number's other byte order).
    fn secret(&mut self, name: &str, bytes: &[u8]) {
        assert!(bytes.len() >= RUN, "{name}: too short to search for");
        let mut reversed = Zeroizing::new(bytes.to_vec());
        reversed.reverse();
        for (order, bytes) in [("", bytes), (" (reversed)", &reversed[..])] {
            for window in bytes.windows(RUN) {
                self.windows
                    .insert(window.try_into().unwrap(), format!("{name}{order}"));
            }
        }
    }

    /// Watches every private number of an RSA `PRIVATEKEYBLOB`.
    fn pair(&mut self, name: &str, private_blob: &[u8]) {
        for (part, bytes) in private_parts(private_blob) {
            self.secret(&format!("{name} {part}"), &bytes);
        }
    }

    /// The secret `text` spells, if any, and how.
    fn find(&self, text: &str) -> Option<(String, String)> {
        for (spelling, run) in byte_runs(text) {
            for window in run.windows(RUN) {
                let window: [u8; RUN] = window.try_into().unwrap();
                if let Some(name) = self.windows.get(&window) {
                    return Some((name.clone(), spelling));
                }
            }
        }
        None
    }

    /// Formats `value` both ways and records any secret found in the output.
    fn debug(&mut self, what: &str, value: &dyn Debug) {
        for (style, text) in [
            ("{:?}", format!("{value:?}")),
            ("{:#?}", format!("{value:#?}")),
        ] {
            self.formatted += 1;
            if let Some((secret, spelling)) = self.find(&text) {
                self.failures.push(format!(
                    "{what} with {style} shows {secret} as {spelling}:\n{text}"
                ));
            }
        }
    }

    /// Fails listing every leak found, not only the first.
    #[track_caller]
    fn finish(self) {
        assert!(self.formatted > 0, "nothing was formatted");
        assert!(
            self.failures.is_empty(),
            "{} of {} formattings show key bytes:\n\n{}",
            self.failures.len(),
            self.formatted,
            self.failures.join("\n\n")
        );
    }
}

/// The byte sequences `text` could be spelling, each with how it was spelled: runs of hex
/// digits (either case, both alignments), and comma-separated number lists read as decimal and
/// as hex (`Debug` of byte slices, compact or pretty, with or without `0x`).
fn byte_runs(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut runs = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_hexdigit() {
            i += 1;
        }
        if i - start >= 2 * RUN {
            let digits: String = chars[start..i].iter().collect();
            for skip in 0..2 {
                let bytes = digits.as_bytes()[skip..]
                    .chunks_exact(2)
                    .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
                    .collect();
                runs.push((format!("a hex run ({digits})"), bytes));
            }
        }
        i = i.max(start + 1);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for segment in compact.split(|c: char| !(c.is_ascii_alphanumeric() || c == ',')) {
        if !segment.contains(',') {
            continue;
        }
        let tokens: Vec<&str> = segment.split(',').filter(|t| !t.is_empty()).collect();
        let decimal = |t: &str| t.parse::<u8>().ok();
        let hex = |t: &str| {
            let digits = t
                .strip_prefix("0x")
                .or_else(|| t.strip_prefix("0X"))
                .unwrap_or(t);
            (digits.len() <= 2)
                .then(|| u8::from_str_radix(digits, 16).ok())
                .flatten()
        };
        for (radix, parse) in [
            ("decimal", &decimal as &dyn Fn(&str) -> Option<u8>),
            ("hex", &hex),
        ] {
            // Consecutive tokens that parse, as one run each.
            for run in tokens
                .split(|t| parse(t).is_none())
                .filter(|run| run.len() >= RUN)
            {
                let bytes = run.iter().map(|t| parse(t).unwrap()).collect();
                runs.push((format!("a {radix} list ([{}])", run.join(", ")), bytes));
            }
        }
    }
    runs
}

fn base_provider() -> Provider {
    Provider::acquire(
        None,
        Some(MS_DEF_PROV),
        ProviderType::RSA_FULL,
        AcquireFlags::VERIFYCONTEXT,
    )
    .unwrap()
}

const PAIR: KeyFlags = KeyFlags::EXPORTABLE.with_key_bits(512);
const AT_KEYEXCHANGE: AlgId = AlgId::from_raw(1);
const AT_SIGNATURE: AlgId = AlgId::from_raw(2);

#[test]
fn the_detector_finds_secret_bytes_in_every_spelling() {
    let secret = random(24);
    let mut check = Check::new();
    check.secret("key", &secret);
    let bytes = secret.to_vec();
    let mut reversed = bytes.clone();
    reversed.reverse();
    let lower: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let spellings = [
        format!("{bytes:?}"),
        format!("{bytes:#?}"),
        format!("{bytes:x?}"),
        format!("{bytes:X?}"),
        format!("{bytes:#x?}"),
        format!("{bytes:02x?}"),
        format!("{:?}", &bytes[5..9]),
        format!("{reversed:?}"),
        format!("Key {{ key: {lower} }}"),
        format!("Key {{ key: \"{}\" }}", lower.to_uppercase()),
        // A hex run that starts with an unrelated digit: only the other alignment decodes it.
        format!("0{}", &lower[4..14]),
    ];
    for text in &spellings {
        assert!(check.find(text).is_some(), "not found in {text}");
    }
    let other = random(24).to_vec();
    for text in [
        format!("{other:?}"),
        format!("{other:#x?}"),
        format!("{:?}", &bytes[..RUN - 1]),
    ] {
        assert_eq!(check.find(&text), None, "{text}");
    }
    let mut leaky = Check::new();
    leaky.secret("key", &secret);
    leaky.debug("a Vec<u8>", &bytes);
    assert_eq!(leaky.failures.len(), 2, "both styles must be reported");
}

#[test]
fn session_keys_of_every_algorithm() {
    let mut check = Check::new();
    let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let base = base_provider();
    for (prov, alg, len) in [
        (&aes, AlgId::AES_128, 16),
        (&aes, AlgId::AES_192, 24),
        (&aes, AlgId::AES_256, 32),
        (&aes, AlgId::RC2, 16),
        (&aes, AlgId::RC4, 16),
        (&aes, AlgId::DES, 8),
        (&aes, AlgId::TRIPLE_DES_112, 16),
        (&aes, AlgId::TRIPLE_DES, 24),
        (&base, AlgId::RC2, 5),
        (&base, AlgId::RC4, 5),
    ] {
        let what = format!("{alg:?} {}-bit key", len * 8);
        let bytes = random(len);
        check.secret(&what, &bytes);
        let mut key = prov
            .import_key(&plaintext_blob(alg, &bytes), None, KeyFlags::EXPORTABLE)
            .unwrap();
        check.debug(&what, &key);
        let mut data = b"sixteen bytes!!!".to_vec();
        key.encrypt(&mut data, false).unwrap();
        if alg != AlgId::RC4 {
            let iv = random((key.block_bits() / 8) as usize);
            check.secret(&format!("{what} IV"), &iv);
            key.set_iv(&iv).unwrap();
            key.set_mode(CipherMode::Cfb).unwrap();
        }
        if matches!(alg, AlgId::RC2 | AlgId::RC4) {
            let salt = random(11);
            check.secret(&format!("{what} salt"), &salt);
            key.set_salt(&salt).unwrap();
        }
        check.debug(&format!("{what}, used"), &key);
        check.debug(&format!("duplicate of {what}"), &key.duplicate().unwrap());
        check.debug(
            &format!("boxed {what}"),
            &Box::new(key.duplicate().unwrap()),
        );
        check.debug(&format!("Result holding {what}"), &Ok::<_, Error>(&key));
        let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
        check.debug(&format!("HMAC hash keyed with {what}"), &hmac);
        hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA1)).unwrap();
        hmac.hash_data(b"data").unwrap();
        let value = Zeroizing::new(hmac.value().unwrap());
        check.secret(&format!("HMAC value under {what}"), &value);
        check.debug(&format!("finished HMAC hash keyed with {what}"), &hmac);
        if alg != AlgId::RC4 {
            let mut mac = prov.create_hash(AlgId::MAC, Some(&key)).unwrap();
            mac.hash_data(b"data").unwrap();
            check.debug(&format!("MAC hash keyed with {what}"), &mac);
        }
        check.debug(&format!("provider after {what}"), prov);
    }
    // Derived keys and a long HMAC-only key.
    let password = random(16);
    check.secret("password", &password);
    let mut base_hash = aes.create_hash(AlgId::SHA_256, None).unwrap();
    base_hash.hash_data(&password).unwrap();
    let derived = aes
        .derive_key(AlgId::AES_256, &mut base_hash, KeyFlags::EXPORTABLE)
        .unwrap();
    let blob = derived.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    check.secret("derived key", &blob[12..]);
    check.secret("password hash", &Zeroizing::new(base_hash.value().unwrap()));
    check.debug("derived key", &derived);
    check.debug("base hash of the derivation", &base_hash);
    let long = random(100);
    check.secret("HMAC-only key", &long);
    let hmac_key = aes
        .import_key(
            &plaintext_blob(AlgId::RC4, &long),
            None,
            KeyFlags::IPSEC_HMAC_KEY,
        )
        .unwrap();
    check.debug("HMAC-only key", &hmac_key);
    check.finish();
}

#[test]
fn rsa_key_pairs_providers_and_stores() {
    let mut check = Check::new();
    // Pairs in a verify context: generated, imported, read back through the pair cache.
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let generated = prov.gen_key(AT_SIGNATURE, PAIR).unwrap();
    check.pair(
        "generated pair",
        &generated.export(None, BlobType::PrivateKeyBlob, 0).unwrap(),
    );
    let other = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let blob = other
        .gen_key(AT_KEYEXCHANGE, PAIR)
        .unwrap()
        .export(None, BlobType::PrivateKeyBlob, 0)
        .unwrap();
    check.pair("imported pair", &blob);
    let imported = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
    let mut read_back = prov.user_key(KeySpec::Exchange).unwrap();
    read_back.set_pkcs1_rejection(Pkcs1Rejection::Explicit);
    let public = prov
        .import_key(
            &imported.export(None, BlobType::PublicKeyBlob, 0).unwrap(),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    for (what, key) in [
        ("generated pair", &generated),
        ("imported pair", &imported),
        ("pair read back from the context", &read_back),
        ("public key", &public),
    ] {
        check.debug(what, key);
        check.debug(&format!("duplicate of {what}"), &key.duplicate().unwrap());
    }
    // A session key unwrapped from a SIMPLEBLOB.
    let session = random(16);
    check.secret("wrapped session key", &session);
    let key = prov
        .import_key(
            &plaintext_blob(AlgId::AES_128, &session),
            None,
            KeyFlags::EXPORTABLE,
        )
        .unwrap();
    let simple = key.export(Some(&public), BlobType::SimpleBlob, 0).unwrap();
    let unwrapped = prov
        .import_key(&simple, Some(&imported), KeyFlags::empty())
        .unwrap();
    check.debug("session key unwrapped from a SIMPLEBLOB", &unwrapped);
    // A signature over a password hash.
    let password = random(16);
    check.secret("signed password", &password);
    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
    hash.hash_data(&password).unwrap();
    let signature = hash.sign(KeySpec::Signature, 0).unwrap();
    check.secret("signed hash value", &Zeroizing::new(hash.value().unwrap()));
    check.debug("signed hash", &hash);
    check.debug("verify context holding two pairs", &prov);
    check.debug("clone of it", &prov.clone());
    drop(signature);

    // Pairs in containers, in memory and on disk.
    let root = TempRoot::new("debug");
    for store in [KeyStore::in_memory().unwrap(), root.store()] {
        let name = Some("debug output");
        let container = store
            .acquire(name, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)
            .unwrap();
        container
            .import_key(&blob, None, KeyFlags::EXPORTABLE)
            .unwrap();
        let signer = container.gen_key(AT_SIGNATURE, PAIR).unwrap();
        check.pair(
            "container's generated pair",
            &signer.export(None, BlobType::PrivateKeyBlob, 0).unwrap(),
        );
        let pair = container.user_key(KeySpec::Exchange).unwrap();
        check.debug("pair from a container", &pair);
        check.debug("container provider", &container);
        check.debug("key store holding the container", &store);
        let verify = store.verify_context(ProviderType::RSA_FULL).unwrap();
        check.debug("verify context on the store", &verify);
        drop((pair, signer));
        container.release(ReleaseFlags::empty()).unwrap();
        store
            .delete_container(name, None, ProviderType::RSA_FULL, AcquireFlags::empty())
            .unwrap();
    }
    check.finish();
}

#[test]
fn hashes_and_hmac_info() {
    let mut check = Check::new();
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let password = random(20);
    check.secret("password", &password);
    for alg in [
        AlgId::MD2,
        AlgId::MD4,
        AlgId::MD5,
        AlgId::SHA1,
        AlgId::SHA_256,
        AlgId::SHA_384,
        AlgId::SHA_512,
    ] {
        let mut hash = prov.create_hash(alg, None).unwrap();
        hash.hash_data(&password).unwrap();
        check.debug(&format!("{alg:?} hash of a password"), &hash);
        let copy = hash.duplicate().unwrap();
        check.secret(
            &format!("{alg:?} of the password"),
            &Zeroizing::new(hash.value().unwrap()),
        );
        check.debug(&format!("finished {alg:?} hash"), &hash);
        check.debug(&format!("unfinished copy of the {alg:?} hash"), &copy);
    }
    let shamd5 = random(36);
    check.secret("SSL3 SHAMD5 value", &shamd5);
    let mut ssl3 = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    ssl3.set_value(&shamd5).unwrap();
    check.debug("CALG_SSL3_SHAMD5 hash with its value set", &ssl3);

    let key_bytes = random(24);
    check.secret("HMAC key", &key_bytes);
    let key = prov
        .import_key(
            &plaintext_blob(AlgId::TRIPLE_DES, &key_bytes),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    let (inner, outer) = (random(40), random(40));
    check.secret("inner pad string", &inner);
    check.secret("outer pad string", &outer);
    let info = HmacInfo::with_pads(AlgId::SHA1, &inner, &outer);
    check.debug("HmacInfo with pad strings", &info);
    check.debug(
        "HmacInfo with the standard pads",
        &HmacInfo::new(AlgId::SHA_512),
    );
    let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
    hmac.set_hmac_info(&info).unwrap();
    hmac.hash_data(&password).unwrap();
    check.debug("HMAC with custom pads", &hmac);
    check.debug("its duplicate", &hmac.duplicate().unwrap());
    let mut session = prov.create_hash(AlgId::SHA_512, None).unwrap();
    session.hash_session_key(&key, 0).unwrap();
    check.debug("hash of a session key", &session);
    check.finish();
}

/// SChannel master keys, the keys derived from them, their hashes and `SchannelAlg`.
#[test]
fn schannel_keys_and_hashes() {
    let mut check = Check::new();
    let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap();
    let pre = random(48);
    check.secret("pre-master secret", &pre);
    let mut master = prov
        .import_key(
            &plaintext_blob(AlgId::TLS1_MASTER, &pre),
            None,
            KeyFlags::EXPORTABLE,
        )
        .unwrap();
    check.debug("TLS1 master key", &master);
    master.set_client_random(&[1; 32]).unwrap();
    master.set_server_random(&[2; 32]).unwrap();
    let des = SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::DES, 64);
    master.set_schannel_alg(&des).unwrap();
    master
        .set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::MD5, 128))
        .unwrap();
    check.debug("SchannelAlg", &des);
    let mut keys = prov
        .create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))
        .unwrap();
    let secret = master.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    check.secret("master secret", &Zeroizing::new(secret[12..].to_vec()));
    check.debug("master key after the master hash", &master);
    check.debug("master hash", &keys);
    for (alg, what) in [
        (AlgId::SCHANNEL_ENC_KEY, "server write key"),
        (AlgId::SCHANNEL_MAC_KEY, "server MAC key"),
    ] {
        let key = prov
            .derive_key(alg, &mut keys, KeyFlags::EXPORTABLE | KeyFlags::SERVER)
            .unwrap();
        let blob = key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
        check.secret(what, &Zeroizing::new(blob[12..].to_vec()));
        check.debug(what, &key);
    }
    let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&master)).unwrap();
    prf.set_tls1prf_label(b"client finished").unwrap();
    check.secret("PRF output", &prf.prf(40).unwrap());
    check.debug("TLS1 PRF hash", &prf);
    check.finish();
}

#[test]
fn errors_and_value_types() {
    let mut check = Check::new();
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let secret = random(32);
    check.secret("secret", &secret);
    // Errors raised while handling secrets.
    let mut bad_version = plaintext_blob(AlgId::AES_256, &secret);
    bad_version[1] = 3;
    let mut short = plaintext_blob(AlgId::AES_256, &secret);
    short.truncate(20);
    let key = prov
        .import_key(
            &plaintext_blob(AlgId::AES_256, &secret),
            None,
            KeyFlags::empty(),
        )
        .unwrap();
    let mut garbage = secret.to_vec();
    let mut key_for_bad_padding = key.duplicate().unwrap();
    let pair = prov.gen_key(AT_KEYEXCHANGE, PAIR).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(&secret).unwrap();
    let errors: Vec<(&str, Error)> = vec![
        (
            "bad blob version",
            prov.import_key(&bad_version, None, KeyFlags::empty())
                .unwrap_err(),
        ),
        (
            "short blob",
            prov.import_key(&short, None, KeyFlags::empty())
                .unwrap_err(),
        ),
        (
            "bad padding",
            key_for_bad_padding.decrypt(&mut garbage, true).unwrap_err(),
        ),
        (
            "bad IV",
            key_for_bad_padding.set_iv(&secret[..5]).unwrap_err(),
        ),
        (
            "export of a non-exportable key",
            key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap_err(),
        ),
        (
            "bad signature",
            hash.verify_signature(&[0x42; 64], &pair, 0).unwrap_err(),
        ),
        (
            "SIMPLEBLOB of a non-exportable key",
            key.export(Some(&pair), BlobType::SimpleBlob, 0)
                .unwrap_err(),
        ),
        (
            "I/O error",
            KeyStore::at("/dev/null/not-a-directory")
                .acquire(
                    Some("x"),
                    None,
                    ProviderType::RSA_FULL,
                    AcquireFlags::NEWKEYSET,
                )
                .unwrap_err(),
        ),
        ("unknown code", Error::from_code(0x8009_7777)),
    ];
    for (what, error) in &errors {
        check.debug(what, error);
        check.debug(&format!("{what} as a Result"), &Err::<Key<'_>, _>(error));
    }
    // The value types, with every kind of value.
    check.debug("AlgId", &AlgId::AES_256);
    check.debug("unknown AlgId", &AlgId::from_raw(0x1234));
    check.debug("ProviderType", &ProviderType::RSA_AES);
    check.debug(
        "KeyFlags",
        &(KeyFlags::EXPORTABLE | KeyFlags::CREATE_SALT).with_key_bits(256),
    );
    check.debug("KeyPermissions", &KeyPermissions::all());
    check.debug("KeySpec", &KeySpec::Exchange);
    check.debug("BlobType", &BlobType::PrivateKeyBlob);
    check.debug("CipherMode", &CipherMode::Cfb);
    check.debug("Pkcs1Rejection", &Pkcs1Rejection::Explicit);
    check.debug("KeySet", &KeySet::Machine);
    check.debug("AcquireFlags", &AcquireFlags::all());
    check.debug("ReleaseFlags", &ReleaseFlags::from_bits_retain(0x8000_0001));
    check.debug("KeyStore in memory", &KeyStore::in_memory().unwrap());
    check.debug("KeyStore on disk", &KeyStore::at(std::env::temp_dir()));
    check.debug("provider", &prov);
    check.finish();
}

/// Exported key blobs are `Zeroizing<Vec<u8>>`, whose `Debug` (zeroize 1.9) prints
/// `Zeroizing { .. }`; the bytes show only when the caller dereferences the blob on purpose,
/// which also shows the detector catching real key bytes in real output.
#[test]
fn exported_blobs_are_redacted_until_dereferenced() {
    let mut check = Check::new();
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let bytes = random(32);
    check.secret("key", &bytes);
    let key = prov
        .import_key(
            &plaintext_blob(AlgId::AES_256, &bytes),
            None,
            KeyFlags::EXPORTABLE,
        )
        .unwrap();
    let blob = key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    let pair = prov.gen_key(AT_KEYEXCHANGE, PAIR).unwrap();
    let private = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    check.pair("pair", &private);
    check.debug("exported PLAINTEXTKEYBLOB", &blob);
    check.debug("exported PRIVATEKEYBLOB", &private);

    let mut shown = Check::new();
    shown.secret("key", &bytes);
    shown.pair("pair", &private);
    shown.debug("dereferenced PLAINTEXTKEYBLOB", &&*blob);
    shown.debug("dereferenced PRIVATEKEYBLOB", &&*private);
    assert_eq!(
        shown.failures.len(),
        4,
        "the detector missed real key bytes"
    );
    check.finish();
}
