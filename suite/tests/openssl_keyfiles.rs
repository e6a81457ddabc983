//! Key files against OpenSSL: `openssl rsa` / `pkey` read every key file this crate writes
//! (PKCS#1, PKCS#8, encrypted PKCS#8, SPKI, PVK in all three encryptions, `PRIVATEKEYBLOB` /
//! `PUBLICKEYBLOB`) to the same key, and this crate reads what OpenSSL writes (the same
//! formats, encrypted PKCS#8 with every PBES2 cipher and PRF OpenSSL offers, and scrypt) to
//! the same key, writing OpenSSL's bytes back where the format is deterministic.
//!
//! These tests need the `openssl` command (OpenSSL 3, with its legacy provider for RC4-encrypted
//! PVK files). Without it they fail, saying so: CI checks that it is installed.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::codes::{ERROR_INVALID_PASSWORD, NTE_BAD_ALGID};
use cryptoapi::{
    AlgId, KeyFile, KeyFlags, KeyFormat, KeySpec, Provider, ProviderType, PvkEncryption,
};
use zeroize::Zeroizing;

mod common;
use common::{OPENSSL_PASSWORD, ScratchDir, err_code, openssl, p};

const PASSWORD: &str = OPENSSL_PASSWORD;
/// OpenSSL 3 needs its legacy provider for RC4 (PVK weak and strong).
const LEGACY: [&str; 4] = ["-provider", "legacy", "-provider", "default"];

type Dir = ScratchDir;

/// The key's numbers, whatever `ALG_ID` its format gave it.
fn numbers(key: &KeyFile) -> Zeroizing<Vec<u8>> {
    key.clone()
        .with_key_spec(KeySpec::Exchange)
        .to_blob(false)
        .unwrap()
}

fn public_numbers(key: &KeyFile) -> Zeroizing<Vec<u8>> {
    key.clone()
        .with_key_spec(KeySpec::Exchange)
        .to_blob(true)
        .unwrap()
}

fn write(key: &KeyFile, format: KeyFormat, public_only: bool, pvk: PvkEncryption) -> Vec<u8> {
    key.write(format, public_only, Some(PASSWORD.as_bytes()), pvk)
        .unwrap_or_else(|e| panic!("writing {format}: {e}"))
        .to_vec()
}

fn generated(bits: u16) -> KeyFile {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(bits))
        .unwrap();
    KeyFile::from_key(&pair, false).unwrap()
}

/// OpenSSL reads every private format this crate writes to the PKCS#1 DER this crate writes,
/// and every public format to its SPKI DER.
fn openssl_reads(key: &KeyFile, tag: &str) {
    let dir = Dir::new(tag);
    let pkcs1 = write(key, KeyFormat::Pkcs1Der, false, PvkEncryption::None);
    let spki = write(key, KeyFormat::SpkiDer, true, PvkEncryption::None);
    let pass = dir.pass();
    let out = dir.path("out.der");
    // (file name, our bytes, openssl arguments before `-in`)
    let private: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "k.pkcs1.pem",
            write(key, KeyFormat::Pkcs1Pem, false, PvkEncryption::None),
            vec!["rsa"],
        ),
        ("k.pkcs1.der", pkcs1.clone(), vec!["rsa", "-inform", "DER"]),
        (
            "k.pkcs8.pem",
            write(key, KeyFormat::Pkcs8Pem, false, PvkEncryption::None),
            vec!["rsa"],
        ),
        (
            "k.pkcs8.der",
            write(key, KeyFormat::Pkcs8Der, false, PvkEncryption::None),
            vec!["rsa", "-inform", "DER"],
        ),
        (
            "k.enc.pem",
            write(
                key,
                KeyFormat::Pkcs8EncryptedPem,
                false,
                PvkEncryption::None,
            ),
            vec!["rsa", "-passin", &pass],
        ),
        (
            "k.blob",
            write(key, KeyFormat::Blob, false, PvkEncryption::None),
            vec!["rsa", "-inform", "MSBLOB"],
        ),
        (
            "k.snk",
            write(key, KeyFormat::Snk, false, PvkEncryption::None),
            vec!["rsa", "-inform", "MSBLOB"],
        ),
        (
            "k.none.pvk",
            write(key, KeyFormat::Pvk, false, PvkEncryption::None),
            vec!["rsa", "-inform", "PVK"],
        ),
        (
            "k.weak.pvk",
            write(key, KeyFormat::Pvk, false, PvkEncryption::Weak),
            [&["rsa", "-inform", "PVK", "-passin", &pass][..], &LEGACY].concat(),
        ),
        (
            "k.strong.pvk",
            write(key, KeyFormat::Pvk, false, PvkEncryption::Strong),
            [&["rsa", "-inform", "PVK", "-passin", &pass][..], &LEGACY].concat(),
        ),
    ];
    for (name, bytes, args) in &private {
        let input = dir.write(name, bytes);
        let mut all = args.clone();
        all.extend([
            "-in",
            p(&input),
            "-traditional",
            "-outform",
            "DER",
            "-out",
            p(&out),
        ]);
        openssl(&all);
        assert_eq!(
            dir.read("out.der"),
            pkcs1,
            "{tag}: openssl reads {name} as another key"
        );
        // And OpenSSL's own consistency check passes.
        let mut check = args.clone();
        check.extend(["-in", p(&input), "-check", "-noout"]);
        openssl(&check);
    }
    let public: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "p.spki.pem",
            write(key, KeyFormat::SpkiPem, true, PvkEncryption::None),
            vec!["rsa", "-pubin"],
        ),
        (
            "p.spki.der",
            spki.clone(),
            vec!["rsa", "-pubin", "-inform", "DER"],
        ),
        (
            "p.pkcs1.pem",
            write(key, KeyFormat::Pkcs1Pem, true, PvkEncryption::None),
            vec!["rsa", "-RSAPublicKey_in"],
        ),
        (
            "p.pkcs1.der",
            write(key, KeyFormat::Pkcs1Der, true, PvkEncryption::None),
            vec!["rsa", "-RSAPublicKey_in", "-inform", "DER"],
        ),
        (
            "p.blob",
            write(key, KeyFormat::Blob, true, PvkEncryption::None),
            vec!["rsa", "-pubin", "-inform", "MSBLOB"],
        ),
    ];
    for (name, bytes, args) in &public {
        let input = dir.write(name, bytes);
        let mut all = args.clone();
        all.extend([
            "-in",
            p(&input),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            p(&out),
        ]);
        openssl(&all);
        assert_eq!(
            dir.read("out.der"),
            spki,
            "{tag}: openssl reads {name} as another key"
        );
    }
    // `openssl pkey` (PEM out is PKCS#8) and `openssl pkcs8` (PKCS#8 DER) give our bytes.
    let pkcs8_pem = write(key, KeyFormat::Pkcs8Pem, false, PvkEncryption::None);
    let pkcs8_der = write(key, KeyFormat::Pkcs8Der, false, PvkEncryption::None);
    let input = dir.write(
        "k2.pkcs1.pem",
        &write(key, KeyFormat::Pkcs1Pem, false, PvkEncryption::None),
    );
    openssl(&["pkey", "-in", p(&input), "-out", p(&out)]);
    assert_eq!(dir.read("out.der"), pkcs8_pem, "{tag}: openssl pkey");
    openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        p(&input),
        "-outform",
        "DER",
        "-out",
        p(&out),
    ]);
    assert_eq!(
        dir.read("out.der"),
        pkcs8_der,
        "{tag}: openssl pkcs8 -topk8 -nocrypt"
    );
}

#[test]
fn openssl_reads_what_we_write_at_every_size() {
    for bits in [512u16, 1024, 2048] {
        openssl_reads(&generated(bits), &format!("ossl-read-{bits}"));
    }
    let fixed = KeyFile::read(include_bytes!("data/keyfile-rsa4096.blob"), None, None).unwrap();
    openssl_reads(&fixed, "ossl-read-4096");
}

/// A signature key (`CALG_RSA_SIGN`, PVK key type `AT_SIGNATURE`) is read by OpenSSL as well.
#[test]
fn openssl_reads_signature_keys() {
    let key = generated(1024).with_key_spec(KeySpec::Signature);
    openssl_reads(&key, "ossl-read-sign");
}

/// Every file OpenSSL writes for one key: this crate reads each to that key, and writes
/// OpenSSL's own bytes back for the deterministic formats.
#[test]
fn we_read_what_openssl_writes() {
    for bits in ["1024", "2048"] {
        let dir = Dir::new(&format!("ossl-write-{bits}"));
        let pem = dir.path("key.pem");
        openssl(&["genrsa", "-out", p(&pem), bits]);
        let pass = dir.pass();
        let run = |name: &str, args: &[&str]| {
            let out = dir.path(name);
            let mut all = args.to_vec();
            all.extend(["-in", p(&pem), "-out", p(&out)]);
            openssl(&all);
            dir.read(name)
        };
        let pkcs1_der = run("pkcs1.der", &["rsa", "-traditional", "-outform", "DER"]);
        let reference = KeyFile::read(&pkcs1_der, Some(KeyFormat::Pkcs1Der), None).unwrap();
        let want = numbers(&reference);
        let want_public = public_numbers(&reference);
        // (file, format, public only, whether OpenSSL's bytes are what we write)
        let files: Vec<(&str, Vec<u8>, KeyFormat, bool, bool)> = vec![
            (
                "key.pem",
                dir.read("key.pem"),
                KeyFormat::Pkcs8Pem,
                false,
                true,
            ),
            (
                "pkcs1.der",
                pkcs1_der.clone(),
                KeyFormat::Pkcs1Der,
                false,
                true,
            ),
            (
                "pkcs1.pem",
                run("pkcs1.pem", &["rsa", "-traditional"]),
                KeyFormat::Pkcs1Pem,
                false,
                true,
            ),
            (
                "pkcs8.der",
                run(
                    "pkcs8.der",
                    &["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"],
                ),
                KeyFormat::Pkcs8Der,
                false,
                true,
            ),
            (
                "spki.pem",
                run("spki.pem", &["pkey", "-pubout"]),
                KeyFormat::SpkiPem,
                true,
                true,
            ),
            (
                "spki.der",
                run("spki.der", &["pkey", "-pubout", "-outform", "DER"]),
                KeyFormat::SpkiDer,
                true,
                true,
            ),
            (
                "rsapub.pem",
                run("rsapub.pem", &["rsa", "-RSAPublicKey_out"]),
                KeyFormat::Pkcs1Pem,
                true,
                true,
            ),
            (
                "rsapub.der",
                run(
                    "rsapub.der",
                    &["rsa", "-RSAPublicKey_out", "-outform", "DER"],
                ),
                KeyFormat::Pkcs1Der,
                true,
                true,
            ),
            (
                "msblob",
                run("msblob", &["rsa", "-outform", "MSBLOB"]),
                KeyFormat::Blob,
                false,
                true,
            ),
            (
                "msblob.pub",
                run("msblob.pub", &["rsa", "-pubout", "-outform", "MSBLOB"]),
                KeyFormat::Blob,
                true,
                true,
            ),
            (
                "none.pvk",
                run("none.pvk", &["rsa", "-outform", "PVK", "-pvk-none"]),
                KeyFormat::Pvk,
                false,
                true,
            ),
            (
                "weak.pvk",
                run(
                    "weak.pvk",
                    &[
                        &["rsa", "-outform", "PVK", "-pvk-weak", "-passout", &pass][..],
                        &LEGACY,
                    ]
                    .concat(),
                ),
                KeyFormat::Pvk,
                false,
                false,
            ),
            (
                "strong.pvk",
                run(
                    "strong.pvk",
                    &[
                        &["rsa", "-outform", "PVK", "-pvk-strong", "-passout", &pass][..],
                        &LEGACY,
                    ]
                    .concat(),
                ),
                KeyFormat::Pvk,
                false,
                false,
            ),
            (
                "enc-default.pem",
                run("enc-default.pem", &["pkcs8", "-topk8", "-passout", &pass]),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "enc-aes256.pem",
                run(
                    "enc-aes256.pem",
                    &["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", &pass],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "enc-aes128-sha1.pem",
                run(
                    "enc-aes128-sha1.pem",
                    &[
                        "pkcs8",
                        "-topk8",
                        "-v2",
                        "aes-128-cbc",
                        "-v2prf",
                        "hmacWithSHA1",
                        "-passout",
                        &pass,
                    ],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "enc-aes192-sha512.pem",
                run(
                    "enc-aes192-sha512.pem",
                    &[
                        "pkcs8",
                        "-topk8",
                        "-v2",
                        "aes-192-cbc",
                        "-v2prf",
                        "hmacWithSHA512",
                        "-iter",
                        "5000",
                        "-passout",
                        &pass,
                    ],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "enc-des3.pem",
                run(
                    "enc-des3.pem",
                    &["pkcs8", "-topk8", "-v2", "des3", "-passout", &pass],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "enc-scrypt.pem",
                run(
                    "enc-scrypt.pem",
                    &["pkcs8", "-topk8", "-scrypt", "-passout", &pass],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
            (
                "genpkey-aes.pem",
                run(
                    "genpkey-aes.pem",
                    &["pkey", "-aes-256-cbc", "-passout", &pass],
                ),
                KeyFormat::Pkcs8EncryptedPem,
                false,
                false,
            ),
        ];
        for (name, bytes, format, public_only, exact) in &files {
            let detected = KeyFormat::detect(bytes);
            assert_eq!(
                detected,
                Some(*format),
                "{bits}: {name} detected as {detected:?}"
            );
            let key = KeyFile::read(bytes, None, Some(PASSWORD.as_bytes()))
                .unwrap_or_else(|e| panic!("{bits}: reading OpenSSL's {name}: {e}"));
            assert_eq!(key.has_private(), !public_only, "{bits}: {name}");
            if *public_only {
                assert_eq!(*public_numbers(&key), *want_public, "{bits}: {name}");
            } else {
                assert_eq!(*numbers(&key), *want, "{bits}: {name}");
            }
            if *exact {
                let ours = key
                    .write(*format, *public_only, None, PvkEncryption::None)
                    .unwrap();
                assert_eq!(
                    *ours,
                    bytes[..],
                    "{bits}: our {format} of {name} is not OpenSSL's bytes"
                );
            }
            if format == &KeyFormat::Pkcs8EncryptedPem || (format == &KeyFormat::Pvk && !exact) {
                assert_eq!(
                    err_code(KeyFile::read(bytes, None, Some(b"wrong password"))),
                    ERROR_INVALID_PASSWORD,
                    "{bits}: {name} with a wrong password"
                );
            }
        }
        // Encrypted PKCS#8 in DER is read too (as `pkcs8-encrypted-pem`).
        let der = run(
            "enc.der",
            &["pkcs8", "-topk8", "-outform", "DER", "-passout", &pass],
        );
        assert_eq!(KeyFormat::detect(&der), Some(KeyFormat::Pkcs8EncryptedPem));
        let key = KeyFile::read(&der, None, Some(PASSWORD.as_bytes())).unwrap();
        assert_eq!(*numbers(&key), *want, "{bits}: encrypted PKCS#8 DER");
        // OpenSSL's "traditional" encrypted PEM (Proc-Type/DEK-Info) is not implemented.
        let traditional = run(
            "traditional-enc.pem",
            &["rsa", "-traditional", "-aes256", "-passout", &pass],
        );
        assert!(traditional.windows(9).any(|w| w == b"DEK-Info:"));
        assert_eq!(
            err_code(KeyFile::read(&traditional, None, Some(PASSWORD.as_bytes()))),
            NTE_BAD_ALGID,
            "{bits}: traditional encrypted PEM"
        );
        // The PVK encryption levels are told apart as OpenSSL wrote them.
        for (name, level) in [
            ("none.pvk", PvkEncryption::None),
            ("weak.pvk", PvkEncryption::Weak),
            ("strong.pvk", PvkEncryption::Strong),
        ] {
            let key = KeyFile::read(&dir.read(name), None, Some(PASSWORD.as_bytes())).unwrap();
            assert_eq!(key.pvk_encryption(), Some(level), "{bits}: {name}");
        }
    }
}
