//! Key files (`cryptoapi::keyfile`, issue 14): every format pair at 512, 1024, 2048 and 4096
//! bits, byte-exact where the format is deterministic; private exponents cut short; detection;
//! PVK encryption levels and passwords; strong-name keys and tokens against known answers;
//! `from_key` / `import` against `CryptExportKey` / `CryptImportKey`; and every documented
//! error.
//!
//! The 512-, 1024- and 2048-bit keys are generated through the crate once per run; the
//! 4096-bit key is a fixed `PRIVATEKEYBLOB` (`data/keyfile-rsa4096.blob`, written by
//! `openssl genrsa 4096` and `openssl rsa -outform MSBLOB`), which is faster than generating
//! one and deterministic.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::sync::OnceLock;

use cryptoapi::codes::{
    ERROR_INVALID_PARAMETER, ERROR_INVALID_PASSWORD, NTE_BAD_ALGID, NTE_BAD_DATA, NTE_BAD_KEY,
    NTE_BAD_KEY_STATE, NTE_BAD_TYPE,
};
use cryptoapi::keyfile::{PKCS8_ITERATIONS, strong_name_token};
use cryptoapi::{
    AlgId, BlobType, KeyFile, KeyFlags, KeyFormat, KeySpec, Provider, ProviderType, PvkEncryption,
};
use zeroize::Zeroizing;

mod common;
use common::{err_code, hex};

const PASSWORD: &[u8] = b"correct horse battery staple";
const SIZES: [u32; 4] = [512, 1024, 2048, 4096];

/// The test key of `bits` bits (an exchange pair), made once.
fn key(bits: u32) -> &'static KeyFile {
    static KEYS: [OnceLock<KeyFile>; 4] = [const { OnceLock::new() }; 4];
    let index = SIZES.iter().position(|&b| b == bits).unwrap();
    KEYS[index].get_or_init(|| {
        if bits == 4096 {
            return KeyFile::read(
                include_bytes!("data/keyfile-rsa4096.blob"),
                Some(KeyFormat::Blob),
                None,
            )
            .unwrap();
        }
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let flags = KeyFlags::EXPORTABLE.with_key_bits(u16::try_from(bits).unwrap());
        let pair = prov.gen_key(AlgId::RSA_KEYX, flags).unwrap();
        KeyFile::from_key(&pair, false).unwrap()
    })
}

/// The key's numbers as one comparable blob, whatever `ALG_ID` the format gave it.
fn numbers(key: &KeyFile) -> Zeroizing<Vec<u8>> {
    key.clone()
        .with_key_spec(KeySpec::Exchange)
        .to_blob(false)
        .unwrap()
}

/// `format` with the password and encryption this suite uses for it.
fn write(key: &KeyFile, format: KeyFormat, public_only: bool) -> Zeroizing<Vec<u8>> {
    let result = if format == KeyFormat::Pkcs8EncryptedPem {
        // A low count keeps the 40 pairs fast; the default count is checked once below.
        key.write_pkcs8_encrypted(PASSWORD, 16)
    } else {
        key.write(format, public_only, Some(PASSWORD), PvkEncryption::Strong)
    };
    result.unwrap_or_else(|e| panic!("writing {format}: {e}"))
}

fn read(data: &[u8], format: Option<KeyFormat>) -> KeyFile {
    KeyFile::read(data, format, Some(PASSWORD))
        .unwrap_or_else(|e| panic!("reading {format:?}: {e} ({} bytes)", data.len()))
}

fn holds_public(format: KeyFormat) -> bool {
    !matches!(
        format,
        KeyFormat::Pvk | KeyFormat::Pkcs8Pem | KeyFormat::Pkcs8Der | KeyFormat::Pkcs8EncryptedPem
    )
}

fn private_formats() -> impl Iterator<Item = KeyFormat> {
    KeyFormat::ALL
        .into_iter()
        .filter(|f| !matches!(f, KeyFormat::SpkiPem | KeyFormat::SpkiDer))
}

/// Whether writing `format` twice gives the same bytes (no salt or IV).
fn deterministic(format: KeyFormat) -> bool {
    !matches!(format, KeyFormat::Pvk | KeyFormat::Pkcs8EncryptedPem)
}

/// Every private format to every private format, and every public-capable format's public
/// half to every other, through both an explicit and a detected format.
fn every_pair(bits: u32) {
    let original = key(bits);
    assert_eq!(original.bits(), bits);
    let want = numbers(original);
    let mut failures = Vec::new();
    for from in private_formats() {
        let file = write(original, from, false);
        let detected = KeyFormat::detect(&file);
        if detected != Some(from) && !(from == KeyFormat::Snk && detected == Some(KeyFormat::Blob))
        {
            failures.push(format!("{from}: detected as {detected:?}"));
        }
        let first = read(&file, Some(from));
        let again = read(&file, None);
        if *numbers(&first) != *want || *numbers(&again) != *want {
            failures.push(format!("{from}: the key read back differs"));
            continue;
        }
        if deterministic(from) && *write(&first, from, false) != *file {
            failures.push(format!("{from}: rewriting does not give the same bytes"));
        }
        for to in private_formats() {
            let converted = write(&first, to, false);
            let back = read(&converted, Some(to));
            if *numbers(&back) != *want {
                failures.push(format!("{from} -> {to}: the key differs"));
            }
            // The same key with the `ALG_ID` the source format gave it (`.snk`: CALG_RSA_SIGN).
            let direct = original.clone().with_key_spec(first.key_spec());
            if deterministic(to) && *write(&direct, to, false) != *converted {
                failures.push(format!("{from} -> {to}: not the bytes of a direct write"));
            }
        }
    }
    let want_public = original.to_blob(true).unwrap();
    let public = |key: &KeyFile| key.clone().with_key_spec(KeySpec::Exchange).to_blob(true);
    for from in KeyFormat::ALL.into_iter().filter(|&f| holds_public(f)) {
        let file = write(original, from, true);
        let first = read(&file, None);
        assert!(!first.has_private(), "{from}");
        if *public(&first).unwrap() != *want_public {
            failures.push(format!("{from} (public): the key differs"));
        }
        for to in KeyFormat::ALL.into_iter().filter(|&f| holds_public(f)) {
            let converted = first
                .write(to, false, None, PvkEncryption::None)
                .unwrap_or_else(|e| panic!("{from} -> {to}, public: {e}"));
            let back = read(&converted, Some(to));
            if *public(&back).unwrap() != *want_public {
                failures.push(format!("{from} -> {to} (public): the key differs"));
            }
            let direct = original.clone().with_key_spec(first.key_spec());
            if *write(&direct, to, true) != *converted {
                failures.push(format!(
                    "{from} -> {to} (public): not the bytes of a direct write"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{bits} bits:\n{}", failures.join("\n"));
}

#[test]
fn every_format_pair_round_trips_at_512_bits() {
    every_pair(512);
}

#[test]
fn every_format_pair_round_trips_at_1024_bits() {
    every_pair(1024);
}

#[test]
fn every_format_pair_round_trips_at_2048_bits() {
    every_pair(2048);
}

#[test]
fn every_format_pair_round_trips_at_4096_bits() {
    every_pair(4096);
}

#[test]
fn format_names_round_trip() {
    let names: Vec<&str> = KeyFormat::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "blob",
            "pvk",
            "snk",
            "pkcs1-pem",
            "pkcs1-der",
            "pkcs8-pem",
            "pkcs8-der",
            "spki-pem",
            "spki-der",
            "pkcs8-encrypted-pem"
        ]
    );
    for format in KeyFormat::ALL {
        assert_eq!(KeyFormat::from_name(format.name()), Some(format));
        assert_eq!(format.to_string(), format.name());
        assert_eq!(format.is_text(), format.name().ends_with("-pem"));
    }
    assert_eq!(KeyFormat::from_name("PEM"), None);
    assert_eq!(KeyFormat::from_name(""), None);
}

/// A `PRIVATEKEYBLOB` whose private exponent is cut short (Windows accepts it) still writes a
/// full PKCS#1 key: `d` is rebuilt as `e⁻¹ mod λ(n)`, which is the `d` of the crate's and of
/// OpenSSL 3's keys, so every cut gives the original key back exactly.
#[test]
fn a_private_exponent_cut_short_is_rebuilt() {
    for bits in [512, 2048, 4096] {
        let full = key(bits).to_blob(false).unwrap();
        let n_len = (bits / 8) as usize;
        let pkcs1 = key(bits)
            .write(KeyFormat::Pkcs1Der, false, None, PvkEncryption::None)
            .unwrap();
        for cut in [1, 2, n_len / 2, n_len - 1, n_len] {
            let short = &full[..full.len() - cut];
            let file = KeyFile::from_blob(short).unwrap_or_else(|e| panic!("{bits}/{cut}: {e}"));
            assert_eq!(
                *file.to_blob(false).unwrap(),
                *full,
                "{bits} bits, cut {cut}"
            );
            let der = file
                .write(KeyFormat::Pkcs1Der, false, None, PvkEncryption::None)
                .unwrap();
            assert_eq!(*der, *pkcs1, "{bits} bits, cut {cut}");
        }
        // One byte short of the coefficient is no key.
        let short = &full[..full.len() - n_len - 1];
        assert_eq!(err_code(KeyFile::from_blob(short)), NTE_BAD_DATA);
    }
}

#[test]
fn pvk_files_in_every_encryption() {
    let original = key(1024);
    let want = numbers(original);
    for encryption in [
        PvkEncryption::None,
        PvkEncryption::Weak,
        PvkEncryption::Strong,
    ] {
        let file = original
            .write(KeyFormat::Pvk, false, Some(PASSWORD), encryption)
            .unwrap();
        // The header: magic, reserved, AT_KEYEXCHANGE, encrypted, salt length, key length.
        let dword = |i: usize| u32::from_le_bytes(file[i * 4..i * 4 + 4].try_into().unwrap());
        let encrypted = encryption != PvkEncryption::None;
        assert_eq!(
            [dword(0), dword(1), dword(2), dword(3), dword(4)],
            [
                0xb0b5_f11e,
                0,
                1,
                u32::from(encrypted),
                if encrypted { 16 } else { 0 }
            ]
        );
        assert_eq!(dword(5) as usize, original.to_blob(false).unwrap().len());
        let salt = if encrypted { 16 } else { 0 };
        // The BLOBHEADER stays in the clear; the rest is encrypted.
        assert_eq!(file[24 + salt..32 + salt], [7, 2, 0, 0, 0, 0xa4, 0, 0]);
        assert_eq!(
            &file[32 + salt..36 + salt] == b"RSA2",
            !encrypted,
            "{encryption:?}"
        );
        assert_eq!(KeyFile::needs_password(&file, None), encrypted);
        let back = KeyFile::read(&file, None, Some(PASSWORD)).unwrap();
        assert_eq!(*numbers(&back), *want);
        assert_eq!(back.pvk_encryption(), Some(encryption));
        assert_eq!(back.format(), KeyFormat::Pvk);
        if encrypted {
            assert_eq!(
                err_code(KeyFile::read(&file, None, None)),
                ERROR_INVALID_PARAMETER
            );
            assert_eq!(
                err_code(KeyFile::read(&file, None, Some(b"correct horse"))),
                ERROR_INVALID_PASSWORD
            );
            assert_eq!(
                err_code(KeyFile::read(&file, None, Some(b""))),
                ERROR_INVALID_PASSWORD
            );
        } else {
            // An unencrypted file ignores a password.
            KeyFile::read(&file, None, Some(b"anything")).unwrap();
        }
        let unprotected = original.write(KeyFormat::Pvk, false, None, encryption);
        if encrypted {
            assert_eq!(err_code(unprotected), ERROR_INVALID_PARAMETER);
        } else {
            unprotected.unwrap();
        }
    }
    // A signature key is written with AT_SIGNATURE and keeps CALG_RSA_SIGN.
    let signature = original.clone().with_key_spec(KeySpec::Signature);
    let file = signature
        .write(KeyFormat::Pvk, false, None, PvkEncryption::None)
        .unwrap();
    assert_eq!(file[8], 2);
    let back = KeyFile::read(&file, None, None).unwrap();
    assert_eq!(
        (back.alg_id(), back.key_spec()),
        (AlgId::RSA_SIGN, KeySpec::Signature)
    );
}

#[test]
fn encrypted_pkcs8_with_the_default_count_and_wrong_passwords() {
    let original = key(1024);
    let pem = original
        .write(
            KeyFormat::Pkcs8EncryptedPem,
            false,
            Some(PASSWORD),
            PvkEncryption::None,
        )
        .unwrap();
    assert!(pem.starts_with(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    assert!(KeyFile::needs_password(&pem, None));
    let back = KeyFile::read(&pem, None, Some(PASSWORD)).unwrap();
    assert_eq!(*numbers(&back), *numbers(original));
    assert_eq!(PKCS8_ITERATIONS, 600_000);
    assert_eq!(
        err_code(KeyFile::read(
            &pem,
            None,
            Some(b"Correct horse battery staple")
        )),
        ERROR_INVALID_PASSWORD
    );
    assert_eq!(
        err_code(KeyFile::read(&pem, None, None)),
        ERROR_INVALID_PARAMETER
    );
    // Two writes differ (fresh salt and IV) and both read.
    let other = original
        .write(
            KeyFormat::Pkcs8EncryptedPem,
            false,
            Some(PASSWORD),
            PvkEncryption::None,
        )
        .unwrap();
    assert_ne!(*other, *pem);
    // An empty password is a password.
    let empty = original.write_pkcs8_encrypted(b"", 1).unwrap();
    KeyFile::read(&empty, None, Some(b"")).unwrap();
    assert_eq!(
        err_code(original.write_pkcs8_encrypted(PASSWORD, 0)),
        ERROR_INVALID_PARAMETER
    );
}

/// The well-known strong-name public keys of .NET and the ECMA standard key, with the tokens
/// every assembly reference carries.
#[test]
fn strong_name_tokens_match_the_known_keys() {
    const MICROSOFT: &str = "002400000480000094000000060200000024000052534131000400000100010007d1fa57c4aed9f0a32e84aa0faefd0de9e8fd6aec8f87fb03766c834c99921eb23be79ad9d5dcc1dd9ad236132102900b723cf980957fc4e177108fc607774f29e8320e92ea05ece4e821c0a5efe8f1645c4c0c93c1ab99285d622caa652c1dfad63d745d6f2de5f17e5eaf0fc4963d261c8a12436518206dc093344d5ad293";
    const ASPNET: &str = "0024000004800000940000000602000000240000525341310004000001000100b5fc90e7027f67871e773a8fde8938c81dd402ba65b9201d60593e96c492651e889cc13f1415ebb53fac1131ae0bd333c5ee6021672d9718ea31a8aebd0da0072f25d87dba6fc90ffd598ed4da35e44c398c454307e8e33b8426143daec9f596836f97c8f74750e5975c64e2189f45def46b2a2b1247adc3652bf5c308055da9";
    for (public_key, token) in [
        (MICROSOFT, "b03f5f7f11d50a3a"),
        (ASPNET, "31bf3856ad364e35"),
    ] {
        let bytes = unhex(public_key);
        assert_eq!(KeyFormat::detect(&bytes), Some(KeyFormat::Snk));
        let key = KeyFile::read(&bytes, None, None).unwrap();
        assert_eq!(
            (key.format(), key.bits(), key.public_exponent()),
            (KeyFormat::Snk, 1024, 65537)
        );
        assert_eq!((key.alg_id(), key.has_private()), (AlgId::RSA_SIGN, false));
        assert_eq!(hex(&key.public_key_token()), token);
        assert_eq!(hex(&strong_name_token(&bytes)), token);
        assert_eq!(key.strong_name_public_key(), bytes);
        // The file's bytes, whatever slot the key is then meant for.
        let exchange = key.clone().with_key_spec(KeySpec::Exchange);
        assert_eq!(hex(&exchange.public_key_token()), token);
        let rewritten = key
            .write(KeyFormat::Snk, true, None, PvkEncryption::None)
            .unwrap();
        assert_eq!(*rewritten, bytes);
        // Through PEM and back, the key (not the file) keeps its token.
        let pem = key
            .write(KeyFormat::SpkiPem, false, None, PvkEncryption::None)
            .unwrap();
        let again = KeyFile::read(&pem, None, None).unwrap();
        assert_eq!(hex(&again.public_key_token()), token);
    }
    let ecma = unhex("00000000000000000400000000000000");
    assert_eq!(hex(&strong_name_token(&ecma)), "b77a5c561934e089");
    assert_eq!(KeyFormat::detect(&ecma), Some(KeyFormat::Snk));
    assert_eq!(err_code(KeyFile::read(&ecma, None, None)), NTE_BAD_DATA);
}

/// `.snk` files as `sn -k` and `sn -p` write them, whatever the key's `ALG_ID`.
#[test]
fn snk_files_are_written_as_sn_writes_them() {
    let original = key(1024); // an exchange key
    let pair = original
        .write(KeyFormat::Snk, false, None, PvkEncryption::None)
        .unwrap();
    assert_eq!(pair[..8], [7, 2, 0, 0, 0, 0x24, 0, 0]);
    assert_eq!(pair.len(), 596);
    let read = KeyFile::read(&pair, Some(KeyFormat::Snk), None).unwrap();
    assert_eq!(
        (read.format(), read.alg_id(), read.key_spec()),
        (KeyFormat::Snk, AlgId::RSA_SIGN, KeySpec::Signature)
    );
    let public = original
        .write(KeyFormat::Snk, true, None, PvkEncryption::None)
        .unwrap();
    assert_eq!(public.len(), 160);
    assert_eq!(
        public[..20],
        [
            0, 0x24, 0, 0, 4, 0x80, 0, 0, 0x94, 0, 0, 0, 6, 2, 0, 0, 0, 0x24, 0, 0
        ]
    );
    assert_eq!(*public, original.strong_name_public_key());
    assert_eq!(public[20..], original.to_blob(true).unwrap()[8..]);
    // The token is the same from the key, the pair, the public key file and their PEM.
    let token = original.public_key_token();
    for file in [&pair, &public] {
        assert_eq!(
            KeyFile::read(file, None, None).unwrap().public_key_token(),
            token
        );
    }
    let digest = {
        use sha1::Digest;
        sha1::Sha1::digest(&*public)
    };
    let mut expected = digest[12..].to_vec();
    expected.reverse();
    assert_eq!(token.to_vec(), expected);
    // A PUBLICKEYBLOB is no .snk file.
    let blob = original.to_blob(true).unwrap();
    assert_eq!(
        err_code(KeyFile::read(&blob, Some(KeyFormat::Snk), None)),
        NTE_BAD_DATA
    );
}

#[test]
fn from_key_follows_export_rules_and_import_fills_the_slot() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let locked = prov
        .gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    assert_eq!(
        err_code(KeyFile::from_key(&locked, false)),
        NTE_BAD_KEY_STATE
    );
    let public = KeyFile::from_key(&locked, true).unwrap();
    assert!(!public.has_private());
    assert_eq!(public.alg_id(), AlgId::RSA_SIGN);
    assert_eq!(public.blob_type(), BlobType::PublicKeyBlob);
    let session = prov.gen_key(AlgId::AES_128, KeyFlags::EXPORTABLE).unwrap();
    assert_eq!(err_code(KeyFile::from_key(&session, true)), NTE_BAD_KEY);
    // A public key has no private half to export.
    let imported = public.import(&prov, KeyFlags::EXPORTABLE).unwrap();
    assert_eq!(
        err_code(KeyFile::from_key(&imported, false)),
        NTE_BAD_KEY_STATE
    );

    // A key read from PEM goes into the exchange slot, or the signature slot when told.
    let pem = key(512)
        .write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None)
        .unwrap();
    let file = KeyFile::read(&pem, None, None).unwrap();
    assert_eq!(file.key_spec(), KeySpec::Exchange);
    for spec in [KeySpec::Exchange, KeySpec::Signature] {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let pair = file
            .clone()
            .with_key_spec(spec)
            .import(&prov, KeyFlags::EXPORTABLE)
            .unwrap();
        assert_eq!(pair.key_bits(), 512);
        let slot = prov.user_key(spec).unwrap();
        let again = KeyFile::from_key(&slot, false).unwrap();
        assert_eq!(*numbers(&again), *numbers(&file));
        let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
        hash.hash_data(b"signed with an imported PEM key").unwrap();
        let signature = hash.sign(spec, 0).unwrap();
        let verifier = KeyFile::read(
            &file
                .write(KeyFormat::SpkiDer, true, None, PvkEncryption::None)
                .unwrap(),
            None,
            None,
        )
        .unwrap()
        .import(&prov, KeyFlags::empty())
        .unwrap();
        let mut check = prov.create_hash(AlgId::SHA_256, None).unwrap();
        check.hash_data(b"signed with an imported PEM key").unwrap();
        check.verify_signature(&signature, &verifier, 0).unwrap();
    }
}

#[test]
fn the_documented_errors() {
    let pair = key(512);
    let public = KeyFile::from_blob(&pair.to_blob(true).unwrap()).unwrap();
    let none = PvkEncryption::None;
    // A format that cannot hold what is asked.
    for format in [KeyFormat::SpkiPem, KeyFormat::SpkiDer] {
        assert_eq!(
            err_code(pair.write(format, false, None, none)),
            NTE_BAD_TYPE
        );
        public.write(format, false, None, none).unwrap();
    }
    for format in [
        KeyFormat::Pvk,
        KeyFormat::Pkcs8Pem,
        KeyFormat::Pkcs8Der,
        KeyFormat::Pkcs8EncryptedPem,
    ] {
        assert_eq!(
            err_code(pair.write(format, true, Some(PASSWORD), none)),
            NTE_BAD_TYPE
        );
        assert_eq!(
            err_code(public.write(format, false, Some(PASSWORD), none)),
            NTE_BAD_KEY_STATE
        );
    }
    assert_eq!(
        err_code(pair.write(KeyFormat::Pkcs8EncryptedPem, false, None, none)),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(public.write_pkcs8_encrypted(PASSWORD, 1)),
        NTE_BAD_KEY_STATE
    );
    // Malformed input.
    assert_eq!(err_code(KeyFile::read(b"", None, None)), NTE_BAD_DATA);
    assert_eq!(err_code(KeyFile::read(b"hello", None, None)), NTE_BAD_DATA);
    assert_eq!(err_code(KeyFile::from_blob(&[])), ERROR_INVALID_PARAMETER);
    assert_eq!(err_code(KeyFile::from_blob(&[7, 2])), NTE_BAD_DATA);
    let mut plaintext = vec![8, 2, 0, 0, 0x10, 0x66, 0, 0, 16, 0, 0, 0];
    plaintext.extend_from_slice(&[1; 16]);
    assert_eq!(err_code(KeyFile::from_blob(&plaintext)), NTE_BAD_TYPE);
    let mut blob = pair.to_blob(false).unwrap().to_vec();
    blob[4..8].copy_from_slice(&0x2200u32.to_le_bytes()); // CALG_DSS_SIGN
    assert_eq!(err_code(KeyFile::from_blob(&blob)), NTE_BAD_ALGID);
    // A PEM label of another format than the one given.
    let spki = pair.write(KeyFormat::SpkiPem, true, None, none).unwrap();
    assert_eq!(
        err_code(KeyFile::read(&spki, Some(KeyFormat::Pkcs8Pem), None)),
        NTE_BAD_DATA
    );
    // PKCS#8 of another algorithm: rsaEncryption (1.2.840.113549.1.1.1) made RSASSA-PSS (.10).
    let mut pkcs8 = pair
        .write(KeyFormat::Pkcs8Der, false, None, none)
        .unwrap()
        .to_vec();
    let oid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let at = pkcs8.windows(9).position(|w| w == oid).unwrap();
    pkcs8[at + 8] = 0x0a;
    assert_eq!(
        err_code(KeyFile::read(&pkcs8, Some(KeyFormat::Pkcs8Der), None)),
        NTE_BAD_ALGID
    );
    // Trailing data after DER.
    let mut der = pair
        .write(KeyFormat::Pkcs1Der, false, None, none)
        .unwrap()
        .to_vec();
    der.push(0);
    assert_eq!(
        err_code(KeyFile::read(&der, Some(KeyFormat::Pkcs1Der), None)),
        NTE_BAD_DATA
    );
    // Inconsistent numbers: the public exponent of the blob changed (3 is odd and valid alone).
    let mut blob = pair.to_blob(false).unwrap().to_vec();
    blob[16..20].copy_from_slice(&3u32.to_le_bytes());
    assert_eq!(err_code(KeyFile::from_blob(&blob)), NTE_BAD_DATA);
}

/// PEM is found inside surrounding text, with CRLF line endings too.
#[test]
fn pem_inside_text_and_with_crlf() {
    let pair = key(512);
    let pem = pair
        .write(KeyFormat::Pkcs1Pem, false, None, PvkEncryption::None)
        .unwrap();
    let text = std::str::from_utf8(&pem).unwrap();
    let wrapped =
        format!("Bag Attributes\n    localKeyID: 01\nsubject=/CN=x\n{text}\ntrailing words\n");
    let crlf = text.replace('\n', "\r\n");
    for input in [wrapped, crlf] {
        assert_eq!(
            KeyFormat::detect(input.as_bytes()),
            Some(KeyFormat::Pkcs1Pem)
        );
        let back = KeyFile::read(input.as_bytes(), None, None).unwrap();
        assert_eq!(*numbers(&back), *numbers(pair));
    }
}

#[test]
fn debug_shows_no_secret() {
    let pair = key(512);
    let text = format!("{pair:?}");
    assert_eq!(
        text,
        "KeyFile { format: Blob, alg: CALG_RSA_KEYX, bits: 512, public_exponent: 65537, \
         has_private: true, .. }"
    );
    assert!(!text.contains(&hex(&pair.modulus()[..4])));
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
