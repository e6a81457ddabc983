//! DSA key files against OpenSSL 3, both ways: OpenSSL reads every DSA file this crate
//! writes (PKCS#8 plain and encrypted, SPKI, the traditional `DSA PRIVATE KEY`, PVK in its
//! three encryptions, `PRIVATEKEYBLOB`/`PUBLICKEYBLOB`) to the same key, writing back exactly
//! our PKCS#8 PEM, traditional PEM and SPKI DER, and `openssl pkey -check` / `-pubcheck` pass
//! at 512 and 1024 bits; and this crate reads what `openssl genpkey`, `pkey`, `pkcs8` and `dsa`
//! write to the same key, writing OpenSSL's bytes back where the format is deterministic.
//!
//! These tests need the `openssl` command (OpenSSL 3, with its legacy provider for RC4-encrypted
//! PVK files). Without it they fail, saying so: CI checks that it is installed.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs;

use cryptoapi::codes::NTE_BAD_DATA;
use cryptoapi::keyfile::KeyKind;
use cryptoapi::{KeyFile, KeyFormat, PvkEncryption};
use serde_json::Value;
use zeroize::Zeroizing;

mod common;
use common::{OPENSSL_PASSWORD, ScratchDir, openssl, p};

const PASSWORD: &str = OPENSSL_PASSWORD;
/// OpenSSL 3 needs its legacy provider for RC4 (PVK weak and strong).
const LEGACY: [&str; 4] = ["-provider", "legacy", "-provider", "default"];
const DSSENH: &str = include_str!("data/dssenh-blobs.json");
const OPENSSL_1024: &[u8] = include_bytes!("data/dsa-keyfiles/dsa1024.pem");

type Dir = ScratchDir;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn write(
    key: &KeyFile,
    format: KeyFormat,
    public_only: bool,
    pvk: PvkEncryption,
) -> Zeroizing<Vec<u8>> {
    key.write(format, public_only, Some(PASSWORD.as_bytes()), pvk)
        .unwrap_or_else(|e| panic!("writing {format}: {e}"))
}

/// The 512-bit FIPS 186-2 example key, as a "DSS2" blob built from its numbers.
fn fips_512() -> KeyFile {
    let data: Value = serde_json::from_str(include_str!("data/fips186-2-dsa.json")).unwrap();
    let v = &data["vectors"][0];
    let le = |name: &str, len: usize| {
        let mut n: Vec<u8> = hex(v[name].as_str().unwrap()).into_iter().rev().collect();
        n.resize(len, 0);
        n
    };
    let mut blob = vec![7, 2, 0, 0, 0, 0x22, 0, 0];
    blob.extend_from_slice(b"DSS2");
    blob.extend_from_slice(&512u32.to_le_bytes());
    for (name, len) in [("p", 64), ("q", 20), ("g", 64), ("x", 20)] {
        blob.extend(le(name, len));
    }
    blob.extend_from_slice(&[0xff; 24]);
    KeyFile::from_blob(&blob).unwrap()
}

fn windows_1024() -> KeyFile {
    let data: Value = serde_json::from_str(DSSENH).unwrap();
    let blob = data["blobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["magic"] == "DSS2" && b["bits"] == 1024)
        .unwrap();
    KeyFile::from_blob(&hex(blob["hex"].as_str().unwrap())).unwrap()
}

/// A file this crate writes: its name, its bytes, the `openssl` command that reads it.
type Written<'a> = (&'a str, Zeroizing<Vec<u8>>, Vec<&'a str>);
/// A file OpenSSL writes: its name, its bytes, its format, the PVK encryption to write it
/// back byte for byte (`None`: not deterministic), whether it is a public key.
type FromOpenssl<'a> = (&'a str, Vec<u8>, KeyFormat, Option<PvkEncryption>, bool);

/// OpenSSL reads every file this crate writes to the PKCS#8 DER (private) or SPKI DER
/// (public) this crate writes, and `openssl pkey -check` and `-pubcheck` pass.
fn openssl_reads(key: &KeyFile, tag: &str) {
    let dir = Dir::new(tag);
    let none = PvkEncryption::None;
    let pkcs8 = write(key, KeyFormat::Pkcs8Der, false, none);
    let spki = write(key, KeyFormat::SpkiDer, true, none);
    let pass = dir.pass();
    let private_files: Vec<Written<'_>> = vec![
        (
            "key.pem",
            write(key, KeyFormat::Pkcs8Pem, false, none),
            vec!["pkey"],
        ),
        ("key.der", pkcs8, vec!["pkey", "-inform", "DER"]),
        (
            "enc.pem",
            key.write_pkcs8_encrypted(PASSWORD.as_bytes(), 2048)
                .unwrap(),
            vec!["pkey", "-passin", &pass],
        ),
        (
            "trad.pem",
            write(key, KeyFormat::Pkcs1Pem, false, none),
            vec!["pkey"],
        ),
        (
            "trad.der",
            write(key, KeyFormat::Pkcs1Der, false, none),
            vec!["dsa", "-inform", "DER"],
        ),
        (
            "key.blob",
            write(key, KeyFormat::Blob, false, none),
            vec!["dsa", "-inform", "MSBLOB"],
        ),
        (
            "none.pvk",
            write(key, KeyFormat::Pvk, false, none),
            vec!["dsa", "-inform", "PVK"],
        ),
        (
            "weak.pvk",
            write(key, KeyFormat::Pvk, false, PvkEncryption::Weak),
            vec!["dsa", "-inform", "PVK", "-passin", &pass],
        ),
        (
            "strong.pvk",
            write(key, KeyFormat::Pvk, false, PvkEncryption::Strong),
            vec!["dsa", "-inform", "PVK", "-passin", &pass],
        ),
    ];
    let pkcs8_pem = write(key, KeyFormat::Pkcs8Pem, false, none);
    let traditional_pem = write(key, KeyFormat::Pkcs1Pem, false, none);
    let out_der = dir.path("out.pem");
    let pub_out_der = dir.path("pub-out.der");
    for (name, bytes, command) in private_files {
        let path = dir.write(name, &bytes);
        let mut args = command.clone();
        args.extend_from_slice(&LEGACY);
        args.extend_from_slice(&["-in", p(&path), "-out", p(&out_der)]);
        openssl(&args);
        // `pkey` writes PKCS#8 PEM; `dsa` the traditional `DSA PRIVATE KEY`.
        let want = if command[0] == "pkey" {
            &pkcs8_pem
        } else {
            &traditional_pem
        };
        assert_eq!(dir.read("out.pem"), **want, "{tag} {name}");
    }
    let public_files: Vec<Written<'_>> = vec![
        (
            "pub.pem",
            write(key, KeyFormat::SpkiPem, true, none),
            vec!["pkey", "-pubin"],
        ),
        (
            "pub.der",
            spki.clone(),
            vec!["pkey", "-pubin", "-inform", "DER"],
        ),
        (
            "pub.blob",
            write(key, KeyFormat::Blob, true, none),
            vec!["dsa", "-pubin", "-inform", "MSBLOB"],
        ),
    ];
    for (name, bytes, command) in public_files {
        let path = dir.write(name, &bytes);
        let mut args = command.clone();
        args.extend_from_slice(&[
            "-in",
            p(&path),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            p(&pub_out_der),
        ]);
        openssl(&args);
        assert_eq!(dir.read("pub-out.der"), *spki, "{tag} {name}");
    }
    let key_pem = dir.path("key.pem");
    let text = openssl(&["pkey", "-in", p(&key_pem), "-check", "-noout"]);
    assert!(
        String::from_utf8_lossy(&text).contains("Key is valid"),
        "{tag}"
    );
    let pub_pem = dir.path("pub.pem");
    let text = openssl(&["pkey", "-pubin", "-in", p(&pub_pem), "-pubcheck", "-noout"]);
    assert!(
        String::from_utf8_lossy(&text).contains("Key is valid"),
        "{tag}"
    );
}

#[test]
fn openssl_reads_what_we_write_at_512_and_1024_bits() {
    openssl_reads(&fips_512(), "dsa-kf-512");
    openssl_reads(&windows_1024(), "dsa-kf-win-1024");
    openssl_reads(
        &KeyFile::read(OPENSSL_1024, None, None).unwrap(),
        "dsa-kf-ossl-1024",
    );
}

#[test]
fn we_read_what_openssl_writes() {
    let dir = Dir::new("dsa-kf-openssl-writes");
    let params = dir.path("params.pem");
    openssl(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DSA",
        "-pkeyopt",
        "dsa_paramgen_bits:1024",
        "-pkeyopt",
        "dsa_paramgen_q_bits:160",
        "-out",
        p(&params),
    ]);
    let key_pem = dir.path("key.pem");
    openssl(&["genpkey", "-paramfile", p(&params), "-out", p(&key_pem)]);
    let original = dir.read("key.pem");
    let key = KeyFile::read(&original, None, None).unwrap();
    assert_eq!(key.kind(), KeyKind::Dsa);
    assert_eq!(key.bits(), 1024);
    let none = PvkEncryption::None;
    assert_eq!(*write(&key, KeyFormat::Pkcs8Pem, false, none), original);
    let want = key.to_blob(false).unwrap();
    let want_public = key.to_blob(true).unwrap();
    let k = p(&key_pem);
    let pass = dir.pass();
    let out = |name: &str| dir.path(name).to_str().unwrap().to_owned();
    let run = |name: &str, args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        let path = out(name);
        all.extend_from_slice(&["-out", &path]);
        openssl(&all);
        dir.read(name)
    };
    let files: Vec<FromOpenssl<'_>> = vec![
        (
            "key.der",
            run(
                "key.der",
                &["pkcs8", "-topk8", "-nocrypt", "-in", k, "-outform", "DER"],
            ),
            KeyFormat::Pkcs8Der,
            Some(none),
            false,
        ),
        (
            // `pkey -outform DER` writes DSA keys as the traditional DSAPrivateKey.
            "pkey.der",
            run("pkey.der", &["pkey", "-in", k, "-outform", "DER"]),
            KeyFormat::Pkcs1Der,
            Some(none),
            false,
        ),
        (
            "enc.pem",
            run(
                "enc.pem",
                &["pkey", "-in", k, "-aes-256-cbc", "-passout", &pass],
            ),
            KeyFormat::Pkcs8EncryptedPem,
            None,
            false,
        ),
        (
            "enc-3des.der",
            run(
                "enc-3des.der",
                &[
                    "pkcs8", "-topk8", "-in", k, "-v2", "des3", "-outform", "DER", "-passout",
                    &pass,
                ],
            ),
            KeyFormat::Pkcs8EncryptedPem,
            None,
            false,
        ),
        (
            "trad.pem",
            run("trad.pem", &["dsa", "-in", k]),
            KeyFormat::Pkcs1Pem,
            Some(none),
            false,
        ),
        (
            "trad.der",
            run("trad.der", &["dsa", "-in", k, "-outform", "DER"]),
            KeyFormat::Pkcs1Der,
            Some(none),
            false,
        ),
        (
            "pub.pem",
            run("pub.pem", &["pkey", "-in", k, "-pubout"]),
            KeyFormat::SpkiPem,
            Some(none),
            true,
        ),
        (
            "pub.der",
            run("pub.der", &["pkey", "-in", k, "-pubout", "-outform", "DER"]),
            KeyFormat::SpkiDer,
            Some(none),
            true,
        ),
        (
            "key.blob",
            run("key.blob", &["dsa", "-in", k, "-outform", "MSBLOB"]),
            KeyFormat::Blob,
            Some(none),
            false,
        ),
        (
            "pub.blob",
            run(
                "pub.blob",
                &["dsa", "-in", k, "-pubout", "-outform", "MSBLOB"],
            ),
            KeyFormat::Blob,
            Some(none),
            true,
        ),
        (
            "none.pvk",
            run(
                "none.pvk",
                &[
                    "dsa",
                    "-provider",
                    "legacy",
                    "-provider",
                    "default",
                    "-in",
                    k,
                    "-outform",
                    "PVK",
                    "-pvk-none",
                ],
            ),
            KeyFormat::Pvk,
            Some(none),
            false,
        ),
        (
            "weak.pvk",
            run(
                "weak.pvk",
                &[
                    "dsa",
                    "-provider",
                    "legacy",
                    "-provider",
                    "default",
                    "-in",
                    k,
                    "-outform",
                    "PVK",
                    "-pvk-weak",
                    "-passout",
                    &pass,
                ],
            ),
            KeyFormat::Pvk,
            None,
            false,
        ),
        (
            "strong.pvk",
            run(
                "strong.pvk",
                &[
                    "dsa",
                    "-provider",
                    "legacy",
                    "-provider",
                    "default",
                    "-in",
                    k,
                    "-outform",
                    "PVK",
                    "-pvk-strong",
                    "-passout",
                    &pass,
                ],
            ),
            KeyFormat::Pvk,
            None,
            false,
        ),
    ];
    for (name, bytes, format, deterministic, public) in files {
        assert_eq!(KeyFormat::detect(&bytes), Some(format), "{name}");
        let read = KeyFile::read(&bytes, None, Some(PASSWORD.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read.kind(), KeyKind::Dsa, "{name}");
        assert_eq!(read.has_private(), !public, "{name}");
        if public {
            assert_eq!(*read.to_blob(true).unwrap(), *want_public, "{name}");
        } else {
            assert_eq!(*read.to_blob(false).unwrap(), *want, "{name}");
        }
        match name {
            "weak.pvk" => assert_eq!(read.pvk_encryption(), Some(PvkEncryption::Weak)),
            "strong.pvk" => assert_eq!(read.pvk_encryption(), Some(PvkEncryption::Strong)),
            _ => {}
        }
        if let Some(level) = deterministic {
            assert_eq!(
                *write(&read, format, public, level),
                bytes,
                "{name} byte for byte"
            );
        }
    }
}

/// OpenSSL 3's default DSA parameters at 1024 bits have a 224-bit q (FIPS 186-4), which the
/// DSS providers (FIPS 186-2) cannot hold: a clear `NTE_BAD_DATA`, in PKCS#8, traditional
/// and SPKI.
#[test]
fn a_224_bit_q_is_refused() {
    let dir = Dir::new("dsa-kf-q224");
    let key = dir.path("key.pem");
    let params = dir.path("params.pem");
    openssl(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DSA",
        "-pkeyopt",
        "dsa_paramgen_bits:1024",
        "-out",
        p(&params),
    ]);
    openssl(&["genpkey", "-paramfile", p(&params), "-out", p(&key)]);
    // (`openssl dsa -outform PVK` refuses such keys itself: "unsupported key components".)
    let trad = dir.path("trad.pem");
    openssl(&["dsa", "-in", p(&key), "-out", p(&trad)]);
    let spki = dir.path("pub.pem");
    openssl(&["pkey", "-in", p(&key), "-pubout", "-out", p(&spki)]);
    for path in [key, trad, spki] {
        let err = KeyFile::read(&fs::read(&path).unwrap(), None, None).unwrap_err();
        assert_eq!(err.code(), NTE_BAD_DATA, "{}", path.display());
    }
}
