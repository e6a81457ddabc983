//! Key files under damage: every truncation and every single-byte corruption of every format's
//! file (PVK in its three encryptions, PEM, DER, `.snk`, BLOBs, encrypted PKCS#8) gives an
//! error with a documented code, or a key that works (it imports, signs and verifies), never a
//! panic. Then random multi-byte damage and random bytes, with proptest.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::sync::OnceLock;

use cryptoapi::codes::{
    ERROR_INVALID_PARAMETER, ERROR_INVALID_PASSWORD, NTE_BAD_ALGID, NTE_BAD_DATA, NTE_BAD_TYPE,
};
use cryptoapi::{
    AlgId, KeyFile, KeyFlags, KeyFormat, KeySpec, Provider, ProviderType, PvkEncryption,
};
use proptest::prelude::*;
use zeroize::Zeroizing;

const PASSWORD: &[u8] = b"pw";
/// The codes `KeyFile::read` documents.
const READ_CODES: [u32; 5] = [
    NTE_BAD_DATA,
    NTE_BAD_TYPE,
    NTE_BAD_ALGID,
    ERROR_INVALID_PARAMETER,
    ERROR_INVALID_PASSWORD,
];

fn key() -> &'static KeyFile {
    static KEY: OnceLock<KeyFile> = OnceLock::new();
    KEY.get_or_init(|| {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let pair = prov
            .gen_key(AlgId::RSA_SIGN, KeyFlags::EXPORTABLE.with_key_bits(512))
            .unwrap();
        KeyFile::from_key(&pair, false).unwrap()
    })
}

/// A file to damage: its name, its format and its bytes.
type File = (String, KeyFormat, Zeroizing<Vec<u8>>);

/// Every kind of file.
fn files() -> &'static [File] {
    static FILES: OnceLock<Vec<File>> = OnceLock::new();
    FILES.get_or_init(|| {
        let key = key();
        let mut files = Vec::new();
        for format in KeyFormat::ALL {
            let levels: &[PvkEncryption] = if format == KeyFormat::Pvk {
                &[
                    PvkEncryption::None,
                    PvkEncryption::Weak,
                    PvkEncryption::Strong,
                ]
            } else {
                &[PvkEncryption::Strong]
            };
            for &level in levels {
                for public_only in [false, true] {
                    let written = if format == KeyFormat::Pkcs8EncryptedPem {
                        if public_only {
                            continue;
                        }
                        key.write_pkcs8_encrypted(PASSWORD, 1)
                    } else {
                        key.write(format, public_only, Some(PASSWORD), level)
                    };
                    let Ok(bytes) = written else { continue };
                    let name = format!(
                        "{format}{}{}",
                        if format == KeyFormat::Pvk {
                            format!("-{level:?}")
                        } else {
                            String::new()
                        },
                        if public_only { " (public)" } else { "" }
                    );
                    files.push((name, format, bytes));
                }
            }
        }
        assert_eq!(
            files.len(),
            16,
            "every format, private and public where it holds one"
        );
        files
    })
}

/// A key read from damaged input must work: import its pair (or public key), sign with the
/// pair, verify with the public key it gives. Returns a description of what went wrong.
fn works(key: &KeyFile) -> Result<(), String> {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let public = KeyFile::from_blob(&key.to_blob(true).map_err(|e| e.to_string())?)
        .map_err(|e| format!("its public blob: {e}"))?
        .import(&prov, KeyFlags::empty())
        .map_err(|e| format!("importing its public key: {e}"))?;
    if !key.has_private() {
        return Ok(());
    }
    let spec = key.key_spec();
    key.import(&prov, KeyFlags::empty())
        .map_err(|e| format!("importing the pair: {e}"))?;
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"damaged but valid").unwrap();
    let signature = hash.sign(spec, 0).map_err(|e| format!("signing: {e}"))?;
    let mut check = prov.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(b"damaged but valid").unwrap();
    check
        .verify_signature(&signature, &public, 0)
        .map_err(|e| format!("its signature does not verify: {e}"))
}

/// Reads `data` as `format` and detected; each answer is a documented error or a working key.
fn check(data: &[u8], format: KeyFormat) -> Result<usize, String> {
    let mut valid = 0;
    for given in [Some(format), None] {
        match KeyFile::read(data, given, Some(PASSWORD)) {
            Ok(key) => {
                works(&key)?;
                valid += 1;
            }
            Err(err) if READ_CODES.contains(&err.code()) => {}
            Err(err) => return Err(format!("undocumented error {err}")),
        }
    }
    Ok(valid)
}

#[test]
fn every_truncation_is_an_error_or_a_working_key() {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (name, format, bytes) in files() {
        let mut valid = 0;
        for len in 0..bytes.len() {
            match check(&bytes[..len], *format) {
                Ok(n) => valid += n,
                Err(why) => failures.push(format!("{name} cut at {len}: {why}")),
            }
        }
        summary.push(format!(
            "{name}: {} cuts, {valid} read as keys",
            bytes.len()
        ));
    }
    println!("{}", summary.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_single_byte_corruption_is_an_error_or_a_working_key() {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (name, format, bytes) in files() {
        let (mut valid, mut tried) = (0, 0);
        for at in 0..bytes.len() {
            let original = bytes[at];
            for value in [original ^ 0x01, original ^ 0x80, !original, 0x00, 0x30] {
                if value == original {
                    continue;
                }
                let mut damaged = Zeroizing::new(bytes.to_vec());
                damaged[at] = value;
                tried += 1;
                match check(&damaged, *format) {
                    Ok(n) => valid += n,
                    Err(why) => {
                        failures.push(format!("{name}, byte {at} = {value:#04x}: {why}"));
                    }
                }
            }
        }
        summary.push(format!("{name}: {tried} corruptions, {valid} read as keys"));
    }
    println!("{}", summary.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same key comes back from its own file: the damage tests above start from real files.
#[test]
fn the_undamaged_files_read_back() {
    let want = key().to_blob(false).unwrap();
    for (name, format, bytes) in files() {
        let read = KeyFile::read(bytes, Some(*format), Some(PASSWORD)).unwrap();
        let read = read.with_key_spec(KeySpec::Signature);
        if read.has_private() {
            assert_eq!(*read.to_blob(false).unwrap(), *want, "{name}");
        } else {
            assert_eq!(
                *read.to_blob(true).unwrap(),
                *key().to_blob(true).unwrap(),
                "{name}"
            );
        }
    }
}

proptest! {
    // No `proptest-regressions/` directory: a failure found here becomes an explicit test.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    })]

    /// Several bytes changed at once, in any file.
    #[test]
    fn random_damage_is_an_error_or_a_working_key(
        which in 0usize..16,
        changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let (name, format, bytes) = &files()[which];
        let mut damaged = bytes.to_vec();
        for (at, value) in changes {
            let at = at % damaged.len();
            damaged[at] = value;
        }
        if let Some(cut) = cut {
            damaged.truncate(cut % (damaged.len() + 1));
        }
        if let Err(why) = check(&damaged, *format) {
            prop_assert!(false, "{name}: {why}");
        }
    }

    /// Arbitrary bytes, and arbitrary bytes behind each format's opening, in every format.
    #[test]
    fn random_bytes_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..600),
        prefix in 0usize..8,
    ) {
        let openings: [&[u8]; 8] = [
            b"",
            &[0x1e, 0xf1, 0xb5, 0xb0],
            &[7, 2, 0, 0, 0, 0xa4, 0, 0, b'R', b'S', b'A', b'2'],
            &[6, 2, 0, 0, 0, 0x24, 0, 0, b'R', b'S', b'A', b'1'],
            &[0x30, 0x82],
            b"-----BEGIN RSA PRIVATE KEY-----\n",
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
            &[0, 0x24, 0, 0, 4, 0x80, 0, 0],
        ];
        let mut input = openings[prefix].to_vec();
        input.extend_from_slice(&data);
        for format in KeyFormat::ALL {
            if let Err(why) = check(&input, format) {
                prop_assert!(false, "{format}: {why}");
            }
        }
    }
}
