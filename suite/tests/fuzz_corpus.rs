//! The fuzz targets' inputs, replayed in plain `cargo test`.
//!
//! The harness behind the `cargo fuzz` targets (`fuzz/src/lib.rs`) is included here as a
//! module, and every committed input is run through it:
//!
//! * `fuzz/seeds/<target>/`: the seed corpora the fuzzers start from;
//! * `fuzz/regressions/<target>/`: every input that ever crashed a target. `fuzz/fuzz.sh`
//!   copies new crashes there, so a crash found once stays a regular regression test.
//!
//! The seeds are written by the ignored test `write_seeds` (run it after changing the input
//! format: `cargo test --test fuzz_corpus -- --ignored write_seeds`), and the same generator
//! also runs here in memory, so the seeds cannot drift from the format silently.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs;
use std::path::{Path, PathBuf};

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, HP_HASHVAL, KeyFile, KeyFlags, KeyFormat, KeySet,
    KeySpec, Provider, ProviderType, PvkEncryption,
};

#[allow(
    dead_code,
    unreachable_pub,
    reason = "the fuzz crate's public items; this test uses only some"
)]
#[path = "../../fuzz/src/lib.rs"]
mod harness;

mod common;

use harness::{Seed, TARGETS, fixed, plaintext_blob};

/// The provider selector bytes of the harness: Base, Strong, Enhanced, AES.
const PROVIDERS: [u8; 4] = [0, 1, 2, 3];

/// Valid key lengths per session algorithm, in the harness's `SESSION_ALGS` order.
const SESSION_KEYS: [(AlgId, usize); 8] = [
    (AlgId::RC2, 16),
    (AlgId::RC4, 5),
    (AlgId::DES, 8),
    (AlgId::TRIPLE_DES_112, 16),
    (AlgId::TRIPLE_DES, 24),
    (AlgId::AES_128, 16),
    (AlgId::AES_192, 24),
    (AlgId::AES_256, 32),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Every file in `dir` (none when it does not exist), sorted by name.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Replays the committed seeds and regressions of `target`, then the generated seeds.
fn replay(target: &str, min_seeds: usize) {
    let seeds = files(&fuzz_dir().join("seeds").join(target));
    assert!(
        seeds.len() >= min_seeds,
        "fuzz/seeds/{target} has {} files, expected at least {min_seeds}",
        seeds.len()
    );
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    for path in seeds.iter().chain(&regressions) {
        let data = fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| harness::run(target, &data));
        assert!(result.is_ok(), "{target} failed on {}", path.display());
    }
    for (name, data) in generated_seeds(target) {
        let result = std::panic::catch_unwind(|| harness::run(target, &data));
        assert!(result.is_ok(), "{target} failed on generated seed {name}");
    }
}

#[test]
fn blob_import_corpus() {
    replay("blob_import", 40);
}

#[test]
fn decrypt_corpus() {
    replay("decrypt", 30);
}

#[test]
fn setters_corpus() {
    replay("setters", 15);
}

#[test]
fn container_file_corpus() {
    replay("container_file", 4);
    fs::remove_dir_all(harness::fuzz_store_root()).unwrap();
}

#[test]
fn keyfile_read_corpus() {
    replay("keyfile_read", 30);
}

#[test]
fn prov_params_corpus() {
    replay("prov_params", 12);
}

#[test]
fn dss_blob_import_corpus() {
    replay("dss_blob_import", 30);
}

#[test]
fn the_harness_fails_on_unnamed_codes_and_unknown_targets() {
    // The harness's oracle: an error code the crate has no name for is a finding.
    harness::known(&cryptoapi::Error::BadKey);
    let unnamed = std::panic::catch_unwind(|| harness::known(&cryptoapi::Error::Other(0x1234)));
    assert!(unnamed.is_err(), "an unnamed code must fail the run");
    // An unknown target is refused loudly rather than skipped.
    assert!(std::panic::catch_unwind(|| harness::run("no_such_target", &[])).is_err());
}

/// Writes the generated seeds into `fuzz/seeds/` (run after changing the input format).
#[test]
#[ignore = "rewrites fuzz/seeds; run by hand"]
fn write_seeds() {
    for target in TARGETS {
        let dir = fuzz_dir().join("seeds").join(target);
        fs::create_dir_all(&dir).unwrap();
        for (name, data) in generated_seeds(target) {
            fs::write(dir.join(name), data).unwrap();
        }
    }
}

fn generated_seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    match target {
        "blob_import" => blob_import_seeds(),
        "decrypt" => decrypt_seeds(),
        "setters" => setters_seeds(),
        "container_file" => container_file_seeds(),
        "keyfile_read" => keyfile_read_seeds(),
        "prov_params" => prov_params_seeds(),
        "dss_blob_import" => dss_blob_import_seeds(),
        other => panic!("no seeds for {other}"),
    }
}

fn key_bytes(len: usize, tag: u8) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from(i).unwrap().wrapping_mul(37) ^ tag)
        .collect()
}

fn blob_import_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    // PLAINTEXTKEYBLOBs of every session algorithm on every provider (unwrap: none, exportable).
    for prov in PROVIDERS {
        for (alg, len) in SESSION_KEYS {
            let blob = plaintext_blob(alg, &key_bytes(len, 0x5a));
            let seed = Seed::default().u8(prov).u8(1).u8(0).u8(0).bytes(&blob);
            seeds.push((format!("plaintext-{prov}-{:04x}", alg.raw()), seed.0));
        }
        // 40-bit RC2 and RC4 (salted on the Base provider), and an HMAC key of odd length.
        for alg in [AlgId::RC2, AlgId::RC4] {
            let blob = plaintext_blob(alg, &key_bytes(5, 0x11));
            let seed = Seed::default().u8(prov).u8(1).u8(0).u8(0).bytes(&blob);
            seeds.push((format!("plaintext40-{prov}-{:04x}", alg.raw()), seed.0));
        }
        let hmac_key = plaintext_blob(AlgId::RC2, &key_bytes(37, 0x22));
        let seed = Seed::default()
            .u8(prov)
            .u8(3)
            .u32(KeyFlags::IPSEC_HMAC_KEY.bits())
            .u8(0)
            .u8(0)
            .bytes(&hmac_key);
        seeds.push((format!("ipsec-hmac-{prov}"), seed.0));
    }
    let fixed = fixed();
    // Key pairs: private blobs (both slots), the public blob, each with and without EXPORTABLE.
    for (name, blob) in [
        ("private-exchange", &fixed.exchange_private),
        ("private-signature", &fixed.signature_private),
        ("public-exchange", &fixed.exchange_public),
    ] {
        for flags in [0u8, 1] {
            let seed = Seed::default().u8(3).u8(flags).u8(0).u8(0).bytes(blob);
            seeds.push((format!("{name}-{flags}"), seed.0));
        }
    }
    // SIMPLEBLOBs exported by the crate with the fixed exchange key, PKCS#1 and OAEP, unwrapped
    // by the exchange pair; and the same blob offered every other unwrap key.
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let public = prov
        .import_key(&fixed.exchange_public, None, KeyFlags::empty())
        .unwrap();
    for (alg, len) in SESSION_KEYS {
        let blob = plaintext_blob(alg, &key_bytes(len, 0x33));
        let key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
        for (oaep, flag_sel) in [(0, 0u8), (CRYPT_OAEP, 2)] {
            // OAEP leaves 22 bytes under a 512-bit key: no room for AES-192 or AES-256.
            let Ok(simple) = key.export(Some(&public), BlobType::SimpleBlob, oaep) else {
                continue;
            };
            let seed = Seed::default()
                .u8(3)
                .u8(flag_sel)
                .u8(1)
                .u8(0)
                .bytes(&simple);
            seeds.push((format!("simple-{:04x}-{oaep:x}", alg.raw()), seed.0));
        }
    }
    for unwrap in [0u8, 2, 3, 4, 0x81] {
        let blob = plaintext_blob(AlgId::RC4, &key_bytes(16, 0x44));
        let key = prov.import_key(&blob, None, KeyFlags::EXPORTABLE).unwrap();
        let simple = key.export(Some(&public), BlobType::SimpleBlob, 0).unwrap();
        let seed = Seed::default().u8(3).u8(0).u8(unwrap).u8(0).bytes(&simple);
        seeds.push((format!("simple-unwrap-{unwrap:02x}"), seed.0));
    }
    // Blobs the harness wraps itself: right and wrong key lengths behind valid padding.
    for (alg, len) in [
        (AlgId::AES_128, 16),
        (AlgId::AES_128, 3),
        (AlgId::DES, 8),
        (AlgId::RC2, 40),
        (AlgId::RC2, 53),
        (AlgId::RC2, 0),
        (AlgId::RC4, 0),
    ] {
        for oaep in [0u8, 1] {
            let seed = Seed::default()
                .u8(3)
                .u8(if oaep == 1 { 2 } else { 0 })
                .u8(1)
                .u8(1)
                .u32(alg.raw())
                .u8(oaep)
                .var_bytes(&key_bytes(len, 0x66));
            seeds.push((format!("wrapped-{:04x}-{len}-{oaep}", alg.raw()), seed.0));
        }
    }
    seeds
}

fn decrypt_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let plain = b"Attack at dawn, bring the crypto provider and 48 bytes".to_vec();
    for prov_sel in PROVIDERS {
        let prov = provider(prov_sel);
        for (index, (alg, len)) in SESSION_KEYS.into_iter().enumerate() {
            let material = key_bytes(len, 0x77);
            let Ok(key) = prov.import_key(&plaintext_blob(alg, &material), None, KeyFlags::empty())
            else {
                continue; // the Base provider has no 3DES or AES
            };
            // The default mode (CBC, or stream for RC4), then ECB and CFB for block ciphers.
            let modes: &[u8] = if alg == AlgId::RC4 {
                &[255]
            } else {
                &[255, 2, 4]
            };
            for &mode in modes {
                let mut enc = key.duplicate().unwrap();
                if let Some(m) = cryptoapi::CipherMode::from_raw(u32::from(mode)) {
                    enc.set_mode(m).unwrap();
                }
                let mut first = plain[..16].to_vec();
                enc.encrypt(&mut first, false).unwrap();
                let mut last = plain[16..].to_vec();
                enc.encrypt(&mut last, true).unwrap();
                let seed = Seed::default()
                    .u8(prov_sel)
                    .u8(u8::try_from(index).unwrap())
                    .var_bytes(&material)
                    .u8(0)
                    .u8(mode)
                    .var_bytes(&[])
                    .u16(0)
                    .u32(0)
                    .u8(0) // plain form, not final
                    .u8(0)
                    .u16(u16::try_from(first.len()).unwrap())
                    .bytes(&first)
                    .u8(1) // through a hash, final
                    .u8(1)
                    .u16(u16::try_from(last.len()).unwrap())
                    .bytes(&last);
                seeds.push((format!("{prov_sel}-{:04x}-mode{mode}", alg.raw()), seed.0));
            }
        }
    }
    // The fixed RSA exchange pair: PKCS#1 (implicit and explicit rejection) and OAEP.
    let prov = provider(3);
    let mut public = prov
        .import_key(&fixed().exchange_public, None, KeyFlags::empty())
        .unwrap();
    for (name, flags, form) in [("pkcs1", 0, 0u8), ("oaep", CRYPT_OAEP, 2)] {
        let mut wrapped = b"sixteen byte msg".to_vec();
        public
            .encrypt_with(None, true, flags, &mut wrapped)
            .unwrap();
        for rejection in [0u8, 1] {
            let mut seed = Seed::default()
                .u8(3)
                .u8(8)
                .u8(rejection)
                .u8(255)
                .var_bytes(&[])
                .u16(0)
                .u32(0)
                .u8(form)
                .u8(1);
            if form == 2 {
                seed = seed.u8(4); // 4 << 4 is CRYPT_OAEP
            }
            let seed = seed
                .u16(u16::try_from(wrapped.len()).unwrap())
                .bytes(&wrapped);
            seeds.push((format!("rsa-{name}-{rejection}"), seed.0));
        }
    }
    // RC2 with a 40-bit effective length, an explicit IV and PKCS#5 padding set.
    let seed = Seed::default()
        .u8(2)
        .u8(0)
        .var_bytes(&key_bytes(16, 0x10))
        .u8(0)
        .u8(1)
        .var_bytes(&[7; 8])
        .u16(40)
        .u32(1)
        .u8(0)
        .u8(1)
        .u16(16)
        .bytes(&[0xa5; 16]);
    seeds.push(("rc2-eff40-iv".into(), seed.0));
    seeds
}

fn setters_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (index, (alg, _)) in SESSION_KEYS.into_iter().enumerate() {
        let index = u8::try_from(index).unwrap();
        // Every key setter once with a plausible value, then encryption and a duplicate.
        let seed = Seed::default()
            .u8(2 + (index % 2))
            .u8(index)
            .u32(KeyFlags::EXPORTABLE.bits())
            .u8(3) // SHA-1
            .u8(0)
            .var_bytes(&[1; 8])
            .u8(0)
            .var_bytes(&[2; 16])
            .u8(1)
            .var_bytes(&[3; 11])
            .u8(2)
            .var_bytes(&[4; 24])
            .u8(3)
            .u8(2)
            .u8(4)
            .u32(1)
            .u8(5)
            .u32(64)
            .u8(6)
            .u32(0x3f)
            .u8(13)
            .u8(1)
            .var_bytes(b"some plaintext")
            .u8(16)
            .var_bytes(b"more plaintext")
            .u8(12)
            .u32(0)
            .u8(10)
            .u8(19);
        seeds.push((format!("key-{:04x}", alg.raw()), seed.0));
    }
    // HMAC with every hash, default and custom pads, then values, params and duplicates.
    for hash_sel in [0u8, 1, 2, 3, 4, 5, 6, 9] {
        let seed = Seed::default()
            .u8(3)
            .u8(0)
            .u32(KeyFlags::EXPORTABLE.with_key_bits(128).bits())
            .u8(7) // CALG_HMAC
            .u8(7)
            .u8(hash_sel)
            .var_bytes(&[])
            .var_bytes(&[])
            .u8(9)
            .u8(0)
            .var_bytes(b"what do ya want for nothing?")
            .u8(15)
            .var_bytes(b"tail")
            .u8(7)
            .u8(hash_sel)
            .var_bytes(&[0x36; 64])
            .var_bytes(&[0x5c; 64])
            .u8(10)
            .u8(11)
            .u32(HP_HASHVAL)
            .u32(0);
        seeds.push((format!("hmac-{hash_sel}"), seed.0));
    }
    // CALG_MAC, SSL3_SHAMD5 with set_value, and a hash of the session key.
    for (name, hash_sel, value) in [("mac", 8u8, 8usize), ("ssl3", 9, 36), ("sha256", 4, 32)] {
        let seed = Seed::default()
            .u8(3)
            .u8(2) // DES
            .u32(0)
            .u8(hash_sel)
            .u8(9)
            .u8(0)
            .var_bytes(&[9; 17])
            .u8(8)
            .var_bytes(&vec![0xab; value])
            .u8(10)
            .u8(17)
            .u8(3)
            .u8(12)
            .u32(1)
            .u8(10);
        seeds.push((format!("hash-{name}"), seed.0));
    }
    seeds
}

fn container_file_seeds() -> Vec<(String, Vec<u8>)> {
    let root = common::TempRoot::new("fuzz-seeds");
    let store = root.store();
    let prov = store
        .acquire(
            Some("seed"),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap();
    let path = store.container_path(KeySet::User, "seed").unwrap();
    let empty = fs::read(&path).unwrap();
    let fixed = fixed();
    prov.import_key(&fixed.exchange_private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    let one = fs::read(&path).unwrap();
    prov.import_key(&fixed.signature_private, None, KeyFlags::empty())
        .unwrap();
    assert!(prov.user_key(KeySpec::Signature).is_ok());
    let both = fs::read(&path).unwrap();
    let body = |file: &[u8]| file[..file.len() - 32].to_vec();
    vec![
        (
            "full-file-both-pairs".into(),
            Seed::default().u8(0).bytes(&both).0,
        ),
        (
            "sealed-by-harness-both-pairs".into(),
            Seed::default().u8(1).bytes(&body(&both)).0,
        ),
        (
            "sealed-one-pair-then-write".into(),
            Seed::default().u8(3).bytes(&body(&one)).0,
        ),
        (
            "sealed-empty".into(),
            Seed::default().u8(1).bytes(&body(&empty)).0,
        ),
        (
            "empty-then-write".into(),
            Seed::default().u8(2).bytes(&empty).0,
        ),
    ]
}

/// Every key-file format of the fixed pairs (private and public, PVK in each encryption), read
/// in its own format and detected, with the harness's password; a few wrong-password and
/// damaged inputs.
fn prov_params_seeds() -> Vec<(String, Vec<u8>)> {
    use cryptoapi::{KeyStore, PP_KEYSET_SEC_DESCR};
    let mut seeds = Vec::new();
    // Descriptors as the crate writes them, of every part, and damaged copies.
    let store = KeyStore::in_memory().unwrap();
    let prov = store
        .acquire(
            Some("sd"),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap();
    for info in [1u32, 2, 4, 7] {
        let sd = prov.param(PP_KEYSET_SEC_DESCR, info).unwrap();
        seeds.push((
            format!("sd-{info}"),
            Seed::default().u8(0).u32(info).bytes(&sd).0,
        ));
        let mut cut = sd.clone();
        cut.truncate(sd.len() / 2);
        seeds.push((
            format!("sd-{info}-cut"),
            Seed::default().u8(0).u32(info).bytes(&cut).0,
        ));
    }
    seeds.push((
        "sd-sacl".into(),
        Seed::default().u8(0).u32(8).bytes(&[1, 0, 0, 0x80]).0,
    ));
    // Enumeration scripts on every provider: a full walk with size queries, restarts.
    for prov in PROVIDERS {
        let walk: Vec<u8> = (0..30)
            .map(|i| if i == 0 { 2 | 4 } else { 4 | (i % 2) })
            .collect();
        seeds.push((
            format!("enum-walk-{prov}"),
            Seed::default().u8(1).u8(prov).bytes(&walk).0,
        ));
    }
    seeds.push((
        "enum-restarts".into(),
        Seed::default()
            .u8(1)
            .u8(0)
            .bytes(&[2, 0, 0, 2, 6, 1, 3, 5])
            .0,
    ));
    seeds
}

fn keyfile_read_seeds() -> Vec<(String, Vec<u8>)> {
    let password = harness::KEYFILE_PASSWORD;
    let mut seeds = Vec::new();
    let fixed = fixed();
    for (pair, blob) in [
        ("exchange", &fixed.exchange_private),
        ("signature", &fixed.signature_private),
    ] {
        let key = KeyFile::from_blob(blob).unwrap();
        for (index, format) in KeyFormat::ALL.into_iter().enumerate() {
            let levels: &[PvkEncryption] = if format == KeyFormat::Pvk {
                &[
                    PvkEncryption::None,
                    PvkEncryption::Weak,
                    PvkEncryption::Strong,
                ]
            } else {
                &[PvkEncryption::None]
            };
            for &level in levels {
                for public_only in [false, true] {
                    let written = if format == KeyFormat::Pkcs8EncryptedPem {
                        key.write_pkcs8_encrypted(password, 1)
                    } else {
                        key.write(format, public_only, Some(password), level)
                    };
                    let Ok(file) = written else { continue };
                    if public_only && format == KeyFormat::Pkcs8EncryptedPem {
                        continue;
                    }
                    let selector = u8::try_from(index + 1).unwrap();
                    let half = if public_only { "public" } else { "private" };
                    let name = format!("{pair}-{format}-{level:?}-{half}").to_lowercase();
                    // Signature pairs are read detected, exchange pairs in their format.
                    let selector = if pair == "signature" { 0 } else { selector };
                    let seed = Seed::default().u8(selector).u8(1).bytes(&file);
                    seeds.push((name, seed.0));
                }
            }
        }
        // Encrypted files with a wrong (fuzzed) password, and without one.
        let pvk = key
            .write(KeyFormat::Pvk, false, Some(password), PvkEncryption::Strong)
            .unwrap();
        let pkcs8 = key.write_pkcs8_encrypted(password, 1).unwrap();
        for (name, file) in [("pvk", &pvk), ("pkcs8", &pkcs8)] {
            let wrong = Seed::default().u8(0).u8(2).var_bytes(b"guess").bytes(file);
            seeds.push((format!("{pair}-{name}-wrong-password"), wrong.0));
            let none = Seed::default().u8(0).u8(0).bytes(file);
            seeds.push((format!("{pair}-{name}-no-password"), none.0));
        }
        // A private exponent cut short.
        let short = &blob[..blob.len() - 7];
        let seed = Seed::default().u8(1).u8(0).bytes(short);
        seeds.push((format!("{pair}-blob-short-exponent"), seed.0));
    }
    // DSA: FIPS 186-2 Appendix 5's 512-bit key in every format that carries DSA (read
    // detected), and its version 3 ("DSS4") blob.
    let dsa_blob = fips_dss2_blob();
    let dsa = KeyFile::from_blob(&dsa_blob).unwrap();
    for format in KeyFormat::ALL {
        let levels: &[PvkEncryption] = if format == KeyFormat::Pvk {
            &[
                PvkEncryption::None,
                PvkEncryption::Weak,
                PvkEncryption::Strong,
            ]
        } else {
            &[PvkEncryption::None]
        };
        for &level in levels {
            for public_only in [false, true] {
                if public_only && format == KeyFormat::Pkcs8EncryptedPem {
                    continue;
                }
                let written = if format == KeyFormat::Pkcs8EncryptedPem {
                    dsa.write_pkcs8_encrypted(password, 1)
                } else {
                    dsa.write(format, public_only, Some(password), level)
                };
                let Ok(file) = written else { continue };
                let half = if public_only { "public" } else { "private" };
                let name = format!("dsa-{format}-{level:?}-{half}").to_lowercase();
                seeds.push((name, Seed::default().u8(0).u8(1).bytes(&file).0));
            }
        }
    }
    let v3 = cryptoapi::dss::harness::Dsa::import(&dsa_blob)
        .unwrap()
        .export(true, true)
        .unwrap();
    seeds.push((
        "dsa-blob-dss4-private".into(),
        Seed::default().u8(0).u8(0).bytes(&v3).0,
    ));
    // The strong-name public key of .NET's Microsoft key, and the ECMA standard key.
    let microsoft = harness_unhex(
        "002400000480000094000000060200000024000052534131000400000100010007d1fa57c4aed9f0a32e84aa0faefd0de9e8fd6aec8f87fb03766c834c99921eb23be79ad9d5dcc1dd9ad236132102900b723cf980957fc4e177108fc607774f29e8320e92ea05ece4e821c0a5efe8f1645c4c0c93c1ab99285d622caa652c1dfad63d745d6f2de5f17e5eaf0fc4963d261c8a12436518206dc093344d5ad293",
    );
    seeds.push((
        "snk-microsoft-public-key".into(),
        Seed::default().u8(0).u8(0).bytes(&microsoft).0,
    ));
    let ecma = harness_unhex("00000000000000000400000000000000");
    seeds.push((
        "snk-ecma-standard-key".into(),
        Seed::default().u8(3).u8(0).bytes(&ecma).0,
    ));
    seeds
}

/// FIPS 186-2 Appendix 5's key pair as a "DSS2" `PRIVATEKEYBLOB` (its SEED and counter in
/// `DSSSEED`, reversed as blobs store it).
fn fips_dss2_blob() -> Vec<u8> {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/fips186-2-dsa.json")).unwrap();
    let v = &data["vectors"][0];
    let le = |name: &str, len: usize| {
        let mut n = harness_unhex(v[name].as_str().unwrap());
        n.reverse();
        n.resize(len, 0);
        n
    };
    let mut blob = vec![7, 2, 0, 0, 0, 0x22, 0, 0];
    blob.extend_from_slice(b"DSS2");
    blob.extend_from_slice(&512u32.to_le_bytes());
    for (name, len) in [("p", 64), ("q", 20), ("g", 64), ("x", 20)] {
        blob.extend(le(name, len));
    }
    let counter = u32::try_from(v["counter"].as_u64().unwrap()).unwrap();
    blob.extend_from_slice(&counter.to_le_bytes());
    blob.extend(le("seed", 20));
    blob
}

fn harness_unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The harness's provider for a selector byte.
fn provider(sel: u8) -> Provider {
    let (name, prov_type) = match sel {
        0 => (cryptoapi::MS_DEF_PROV, ProviderType::RSA_FULL),
        1 => (cryptoapi::MS_STRONG_PROV, ProviderType::RSA_FULL),
        2 => (cryptoapi::MS_ENHANCED_PROV, ProviderType::RSA_FULL),
        _ => (cryptoapi::MS_ENH_RSA_AES_PROV, ProviderType::RSA_AES),
    };
    Provider::acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT).unwrap()
}

/// DSS and DH blobs: the blobs recorded on Windows (`data/dssenh-blobs.json`) and their
/// version 3 forms, every layout of generated DSS and DH keys, peers of the harness's fixed DH
/// pair (mode 1), and bodies behind headers the harness writes (mode 2).
fn dss_blob_import_seeds() -> Vec<(String, Vec<u8>)> {
    use cryptoapi::dss::harness::{self as dss, Dh, Dsa};
    let mut seeds = Vec::new();
    let mode0 = |blob: &[u8]| Seed::default().u8(0).bytes(blob).0;
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/dssenh-blobs.json")).unwrap();
    for entry in data["blobs"].as_array().unwrap() {
        let text = entry["hex"].as_str().unwrap();
        let blob: Vec<u8> = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect();
        let name = entry["id"].as_str().unwrap().replace('/', "-");
        seeds.push((format!("recorded-{name}"), mode0(&blob)));
        let key = Dsa::import(&blob).unwrap();
        let private = blob[0] == 7;
        let v3 = key.export(private, true).unwrap();
        seeds.push((format!("recorded-{name}-v3"), mode0(&v3)));
    }
    let dsa = Dsa::generate(512).unwrap();
    let (p, g) = harness::dssenh_dh_group();
    let dh_dssenh = Dh::generate_in_group(dss::CALG_DH_SF, &p, &g, None).unwrap();
    let dh_generated = Dh::generate(dss::CALG_DH_EPHEM, 512).unwrap();
    for version3 in [false, true] {
        for private in [false, true] {
            let tag = format!(
                "v{}-{}",
                if version3 { 3 } else { 2 },
                if private { "private" } else { "public" }
            );
            seeds.push((
                format!("dss-512-{tag}"),
                mode0(&dsa.export(private, version3).unwrap()),
            ));
            seeds.push((
                format!("dh-dssenh-{tag}"),
                mode0(&dh_dssenh.export(private, version3).unwrap()),
            ));
            seeds.push((
                format!("dh-generated-{tag}"),
                mode0(&dh_generated.export(private, version3).unwrap()),
            ));
        }
    }
    // Peers of the fixed pair: a DH1 and a DH3 in its group, and a DH3 of another group.
    let peer = Dh::generate_in_group(dss::CALG_DH_SF, &p, &g, None).unwrap();
    for (name, blob) in [
        ("peer-dh1", peer.export(false, false).unwrap()),
        ("peer-dh3", peer.export(false, true).unwrap()),
        (
            "peer-other-group",
            dh_generated.export(false, true).unwrap(),
        ),
    ] {
        seeds.push((name.to_owned(), Seed::default().u8(1).bytes(&blob).0));
    }
    // Bodies behind written headers: each layout with the body of a real blob of it.
    for (index, blob) in [
        (0u8, dsa.export(false, false).unwrap()),
        (1, dsa.export(true, false).unwrap()),
        (2, dsa.export(false, true).unwrap()),
        (3, dsa.export(true, true).unwrap()),
        (4, dh_dssenh.export(false, false).unwrap()),
        (5, dh_dssenh.export(true, false).unwrap()),
        (6, dh_generated.export(false, true).unwrap()),
        (7, dh_generated.export(true, true).unwrap()),
    ] {
        let alg = u32::from_le_bytes(blob[4..8].try_into().unwrap());
        let bits = u32::from_le_bytes(blob[12..16].try_into().unwrap());
        let seed = Seed::default()
            .u8(2)
            .u8(index)
            .u32(alg)
            .u32(bits)
            .bytes(&blob[16..]);
        seeds.push((format!("written-header-{index}"), seed.0));
    }
    seeds
}
