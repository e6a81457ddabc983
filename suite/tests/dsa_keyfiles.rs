//! DSA key files: round trips of every format that carries DSA (BLOB "DSS1"/"DSS2" and the
//! version 3 "DSS3"/"DSS4" read, PVK in its three encryptions, PKCS#8 plain and encrypted,
//! SPKI, OpenSSL's traditional `DSA PRIVATE KEY`) at 512 and 1024 bits, byte-exact where
//! deterministic (version 3 blobs too); detection; the errors of what DSA cannot do; and under damage, every
//! truncation and every single-byte corruption is a documented error or a key that works
//! (it signs, and its public key verifies), never a panic; then random multi-byte damage.
//!
//! The keys are fixed: FIPS 186-2 Appendix 5's 512-bit example, a 1024-bit pair recorded on
//! Windows (Wine's dssenh tests, `data/dssenh-blobs.json`) and a 1024-bit key from
//! `openssl genpkey` (`data/dsa-keyfiles/dsa1024.pem`).

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::sync::OnceLock;

use cryptoapi::codes::{
    ERROR_INVALID_PARAMETER, ERROR_INVALID_PASSWORD, NTE_BAD_ALGID, NTE_BAD_DATA,
    NTE_BAD_KEY_STATE, NTE_BAD_TYPE,
};
use cryptoapi::dss::harness::Dsa;
use cryptoapi::keyfile::KeyKind;
use cryptoapi::{
    AlgId, KeyFile, KeyFlags, KeyFormat, KeySpec, Provider, ProviderType, PvkEncryption,
};
use serde_json::Value;
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
const FIPS: &str = include_str!("data/fips186-2-dsa.json");
const DSSENH: &str = include_str!("data/dssenh-blobs.json");
const OPENSSL_1024: &[u8] = include_bytes!("data/dsa-keyfiles/dsa1024.pem");

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A big-endian number as little-endian bytes at `len`.
fn le(be: &[u8], len: usize) -> Vec<u8> {
    let mut out: Vec<u8> = be.iter().rev().copied().collect();
    out.resize(len, 0);
    out
}

/// FIPS 186-2 Appendix 5's key as a "DSS2" `PRIVATEKEYBLOB`, its SEED and counter in
/// `DSSSEED` (reversed, as the blobs store it).
fn fips_512() -> KeyFile {
    let data: Value = serde_json::from_str(FIPS).unwrap();
    let v = &data["vectors"][0];
    let field = |name: &str| hex(v[name].as_str().unwrap());
    assert_eq!(v["bits"], 512);
    let mut blob = vec![7, 2, 0, 0, 0, 0x22, 0, 0];
    blob.extend_from_slice(b"DSS2");
    blob.extend_from_slice(&512u32.to_le_bytes());
    blob.extend(le(&field("p"), 64));
    blob.extend(le(&field("q"), 20));
    blob.extend(le(&field("g"), 64));
    blob.extend(le(&field("x"), 20));
    blob.extend_from_slice(
        &u32::try_from(v["counter"].as_u64().unwrap())
            .unwrap()
            .to_le_bytes(),
    );
    blob.extend(field("seed").iter().rev());
    KeyFile::from_blob(&blob).unwrap()
}

/// The first "DSS2" pair of the recorded Windows blobs.
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

fn openssl_1024() -> KeyFile {
    KeyFile::read(OPENSSL_1024, None, None).unwrap()
}

fn keys() -> &'static [(&'static str, KeyFile)] {
    static KEYS: OnceLock<Vec<(&'static str, KeyFile)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        vec![
            ("fips-512", fips_512()),
            ("windows-1024", windows_1024()),
            ("openssl-1024", openssl_1024()),
        ]
    })
}

/// Every format and PVK encryption, private and public where the format holds DSA keys.
fn cases() -> Vec<(KeyFormat, PvkEncryption, bool)> {
    let mut out = Vec::new();
    for format in KeyFormat::ALL {
        if format == KeyFormat::Snk {
            continue;
        }
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
            if !matches!(format, KeyFormat::SpkiDer | KeyFormat::SpkiPem) {
                out.push((format, level, false));
            }
            if !matches!(
                format,
                KeyFormat::Pvk
                    | KeyFormat::Pkcs8Der
                    | KeyFormat::Pkcs8Pem
                    | KeyFormat::Pkcs8EncryptedPem
                    | KeyFormat::Pkcs1Der
                    | KeyFormat::Pkcs1Pem
            ) {
                out.push((format, level, true));
            }
        }
    }
    out
}

fn write(
    key: &KeyFile,
    format: KeyFormat,
    level: PvkEncryption,
    public_only: bool,
) -> Zeroizing<Vec<u8>> {
    if format == KeyFormat::Pkcs8EncryptedPem {
        return key.write_pkcs8_encrypted(PASSWORD, 1).unwrap();
    }
    key.write(format, public_only, Some(PASSWORD), level)
        .unwrap_or_else(|e| panic!("writing {format} {level:?}: {e}"))
}

/// A key that works: its pair signs through the DSS core and its public key verifies.
fn works(key: &KeyFile) -> Result<(), String> {
    if key.kind() != KeyKind::Dsa {
        return Err(format!("an RSA key from a DSA file: {key:?}"));
    }
    let public = Dsa::import(&key.to_blob(true).map_err(|e| e.to_string())?)
        .map_err(|e| format!("its public blob: {e}"))?;
    if !key.has_private() {
        return Ok(());
    }
    let pair = Dsa::import(&key.to_blob(false).map_err(|e| e.to_string())?)
        .map_err(|e| format!("its private blob: {e}"))?;
    let hash = [0x5a; 20];
    let signature = pair.sign(&hash).map_err(|e| format!("signing: {e}"))?;
    if public.verify(&hash, &signature) {
        Ok(())
    } else {
        Err("its signature does not verify".into())
    }
}

#[test]
fn every_format_round_trips_at_512_and_1024_bits() {
    for (name, key) in keys() {
        assert_eq!(key.kind(), KeyKind::Dsa, "{name}");
        assert_eq!(key.alg_id(), AlgId::DSS_SIGN, "{name}");
        assert_eq!(key.key_spec(), KeySpec::Signature, "{name}");
        assert_eq!(key.public_exponent(), 0, "{name}");
        let numbers = key.dsa_public().unwrap();
        assert_eq!(key.modulus(), numbers.p, "{name}");
        assert_eq!(numbers.q.len(), 20, "{name}");
        let bits = key.bits();
        assert!(bits == 512 || bits == 1024, "{name}: {bits}");
        assert!(works(key).is_ok(), "{name}");
        for (format, level, public_only) in cases() {
            let what = format!("{name} {format} {level:?} public_only={public_only}");
            let bytes = write(key, format, level, public_only);
            assert_eq!(KeyFormat::detect(&bytes), Some(format), "{what}");
            assert_eq!(
                KeyFile::needs_password(&bytes, None),
                format == KeyFormat::Pkcs8EncryptedPem
                    || (format == KeyFormat::Pvk && level != PvkEncryption::None),
                "{what}"
            );
            let read = KeyFile::read(&bytes, None, Some(PASSWORD))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(read.kind(), KeyKind::Dsa, "{what}");
            assert_eq!(read.format(), format, "{what}");
            assert_eq!(read.bits(), bits, "{what}");
            assert_eq!(read.has_private(), !public_only, "{what}");
            assert_eq!(read.dsa_public().unwrap(), numbers, "{what}");
            if format == KeyFormat::Pvk {
                assert_eq!(read.pvk_encryption(), Some(level), "{what}");
            }
            if !public_only {
                // The same x: the same private blob (the seed aside: only blobs carry one).
                let mine = key.to_blob(false).unwrap();
                let theirs = read.to_blob(false).unwrap();
                let seedless = mine.len() - 24;
                assert_eq!(mine[..seedless], theirs[..seedless], "{what}");
            }
            // Byte-exact where the format is deterministic.
            let again = read.write(format, public_only, Some(PASSWORD), level);
            let deterministic = format != KeyFormat::Pkcs8EncryptedPem
                && !(format == KeyFormat::Pvk && level != PvkEncryption::None);
            if deterministic {
                assert_eq!(*again.unwrap(), *bytes, "{what}");
            }
        }
    }
}

#[test]
fn blobs_keep_their_seed_and_version() {
    let data: Value = serde_json::from_str(DSSENH).unwrap();
    let mut seen = 0;
    for blob in data["blobs"].as_array().unwrap() {
        if blob["ai_key_alg"] != "0x2200" {
            continue;
        }
        let bytes = hex(blob["hex"].as_str().unwrap());
        let id = blob["id"].as_str().unwrap();
        assert_eq!(KeyFormat::detect(&bytes), Some(KeyFormat::Blob), "{id}");
        let key = KeyFile::read(&bytes, None, None).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(key.kind(), KeyKind::Dsa, "{id}");
        // "DSS1" to "DSS4" come back as they were.
        let private = blob["blob_type"] == "PRIVATEKEYBLOB";
        assert_eq!(*key.to_blob(!private).unwrap(), bytes[..], "{id}");
        assert_eq!(
            *key.write(KeyFormat::Blob, false, None, PvkEncryption::None)
                .unwrap(),
            bytes[..],
            "{id}"
        );
        seen += 1;
    }
    assert!(seen >= 4, "{seen} DSS blobs");
}

/// Version 3 blobs ("DSS3", "DSS4", as `CRYPT_BLOB_VER3` exports them) read to the same key
/// and come back in their own layout.
#[test]
fn version_3_blobs_read_and_round_trip() {
    for (name, key) in keys() {
        let v2 = key.to_blob(false).unwrap();
        let core = Dsa::import(&v2).unwrap();
        for private in [true, false] {
            let v3 = core.export(private, true).unwrap();
            assert_eq!(v3[1], 3, "{name}");
            assert_eq!(KeyFormat::detect(&v3), Some(KeyFormat::Blob), "{name}");
            let read = KeyFile::read(&v3, None, None).unwrap();
            assert_eq!(read.kind(), KeyKind::Dsa, "{name}");
            assert_eq!(read.has_private(), private, "{name}");
            assert_eq!(read.dsa_public(), key.dsa_public(), "{name}");
            assert_eq!(*read.to_blob(!private).unwrap(), *v3, "{name}");
            let none = PvkEncryption::None;
            let format = if private {
                KeyFormat::Pkcs8Der
            } else {
                KeyFormat::SpkiDer
            };
            assert_eq!(
                *read.write(format, !private, None, none).unwrap(),
                *key.write(format, !private, None, none).unwrap(),
                "{name}"
            );
        }
    }
}

#[test]
fn what_dsa_cannot_do_has_its_codes() {
    let key = windows_1024();
    let public = KeyFile::read(
        &key.write(KeyFormat::SpkiDer, true, None, PvkEncryption::None)
            .unwrap(),
        None,
        None,
    )
    .unwrap();
    let code = |r: cryptoapi::Result<Zeroizing<Vec<u8>>>| r.unwrap_err().code();
    let none = PvkEncryption::None;
    assert_eq!(
        code(key.write(KeyFormat::Snk, false, None, none)),
        NTE_BAD_TYPE
    );
    assert_eq!(
        code(key.write(KeyFormat::Snk, true, None, none)),
        NTE_BAD_TYPE
    );
    assert_eq!(
        code(key.write(KeyFormat::Pkcs1Pem, true, None, none)),
        NTE_BAD_TYPE
    );
    assert_eq!(
        code(key.write(KeyFormat::Pkcs1Der, true, None, none)),
        NTE_BAD_TYPE
    );
    assert_eq!(
        code(key.write(KeyFormat::SpkiDer, false, None, none)),
        NTE_BAD_TYPE
    );
    assert_eq!(
        code(public.write(KeyFormat::Pkcs8Der, false, None, none)),
        NTE_BAD_KEY_STATE
    );
    assert_eq!(
        code(public.write(KeyFormat::Pvk, false, None, none)),
        NTE_BAD_KEY_STATE
    );
    assert_eq!(
        code(public.write_pkcs8_encrypted(PASSWORD, 1)),
        NTE_BAD_KEY_STATE
    );
    assert_eq!(
        code(key.write(KeyFormat::Pvk, false, None, PvkEncryption::Strong)),
        ERROR_INVALID_PARAMETER
    );
    // Strong names are RSA: no token, no public key file.
    assert_eq!(key.public_key_token(), [0; 8]);
    assert!(key.strong_name_public_key().is_empty());
    // A DSS key pair read as a .snk is no strong-name key.
    let blob = key.to_blob(false).unwrap();
    assert_eq!(
        KeyFile::read(&blob, Some(KeyFormat::Snk), None)
            .unwrap_err()
            .code(),
        NTE_BAD_DATA
    );
    // Signature keys only: the key spec does not change it.
    assert_eq!(
        key.clone().with_key_spec(KeySpec::Exchange).alg_id(),
        AlgId::DSS_SIGN
    );
    // An RSA provider refuses a DSS key; a DSS provider takes it, signs with it, and gives
    // the same key back through `from_key`.
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    assert_eq!(
        key.import(&prov, KeyFlags::empty()).unwrap_err().code(),
        NTE_BAD_DATA
    );
    let dss = Provider::verify_context(ProviderType::DSS).unwrap();
    let imported = key.import(&dss, KeyFlags::EXPORTABLE).unwrap();
    assert_eq!(imported.alg_id(), AlgId::DSS_SIGN);
    let back = KeyFile::from_key(&imported, false).unwrap();
    assert_eq!(back.to_blob(false).unwrap(), key.to_blob(false).unwrap());
    let public = KeyFile::from_key(&imported, true).unwrap();
    assert_eq!(public.to_blob(true).unwrap(), key.to_blob(true).unwrap());
    let mut hash = dss.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(b"signed by an imported key file").unwrap();
    let signature = hash.sign(KeySpec::Signature, 0).unwrap();
    let verifier = public.import(&dss, KeyFlags::empty()).unwrap();
    hash.verify_signature(&signature, &verifier, 0).unwrap();
    // A wrong password.
    let pvk = key
        .write(KeyFormat::Pvk, false, Some(PASSWORD), PvkEncryption::Weak)
        .unwrap();
    assert_eq!(
        KeyFile::read(&pvk, None, Some(b"nope")).unwrap_err().code(),
        ERROR_INVALID_PASSWORD
    );
    assert_eq!(
        KeyFile::read(&pvk, None, None).unwrap_err().code(),
        ERROR_INVALID_PARAMETER
    );
    let p8 = key.write_pkcs8_encrypted(PASSWORD, 1).unwrap();
    assert_eq!(
        KeyFile::read(&p8, None, Some(b"nope")).unwrap_err().code(),
        ERROR_INVALID_PASSWORD
    );
}

/// Keys the DSS core cannot hold, or whose numbers do not agree, are `NTE_BAD_DATA`.
#[test]
fn inconsistent_numbers_are_bad_data() {
    let key = windows_1024();
    // The traditional form carries y and x: a y that is not g^x.
    let other = fips_512();
    let der = key
        .write(KeyFormat::Pkcs1Der, false, None, PvkEncryption::None)
        .unwrap();
    let y = key.dsa_public().unwrap().y;
    let at = der
        .windows(y.len())
        .position(|w| w == y.as_slice())
        .unwrap();
    let mut bad = der.to_vec();
    bad[at + y.len() - 1] ^= 2;
    assert_eq!(
        KeyFile::read(&bad, None, None).unwrap_err().code(),
        NTE_BAD_DATA
    );
    // Parameters of one key with the public value of another.
    let spki = key
        .write(KeyFormat::SpkiDer, true, None, PvkEncryption::None)
        .unwrap();
    let mut bad = spki.to_vec();
    let at = bad
        .windows(y.len())
        .position(|w| w == y.as_slice())
        .unwrap();
    let mut other_y = other.dsa_public().unwrap().y;
    other_y.resize(y.len(), 0x11);
    bad[at..at + y.len()].copy_from_slice(&other_y);
    assert_eq!(
        KeyFile::read(&bad, None, None).unwrap_err().code(),
        NTE_BAD_DATA
    );
}

/// A file to damage: its name, its format and its bytes.
type File = (String, KeyFormat, Zeroizing<Vec<u8>>);

/// The files to damage.
fn files() -> &'static [File] {
    static FILES: OnceLock<Vec<File>> = OnceLock::new();
    FILES.get_or_init(|| {
        let key = fips_512();
        cases()
            .into_iter()
            .map(|(format, level, public_only)| {
                let name = format!("{format} {level:?} public_only={public_only}");
                (name, format, write(&key, format, level, public_only))
            })
            .collect()
    })
}

fn check(data: &[u8], format: KeyFormat) -> Result<usize, String> {
    let mut valid = 0;
    for given in [Some(format), None] {
        match KeyFile::read(data, given, Some(PASSWORD)) {
            Ok(key) if key.kind() == KeyKind::Rsa => {}
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
    for (name, format, bytes) in files() {
        for len in 0..bytes.len() {
            if let Err(why) = check(&bytes[..len], *format) {
                failures.push(format!("{name} cut at {len}: {why}"));
            }
        }
    }
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
                    Err(why) => failures.push(format!("{name}, byte {at} = {value:#04x}: {why}")),
                }
            }
        }
        summary.push(format!("{name}: {tried} corruptions, {valid} read as keys"));
    }
    println!("{}", summary.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

proptest::proptest! {
    // No `proptest-regressions/` directory: a failure found here becomes an explicit test.
    #![proptest_config(proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::with_cases(256)
    })]

    /// Several bytes changed at once, and a cut, in any DSA file.
    #[test]
    fn random_damage_is_an_error_or_a_working_key(
        which in proptest::prelude::any::<usize>(),
        changes in proptest::collection::vec(
            (proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()),
            1..6,
        ),
        cut in proptest::option::of(proptest::prelude::any::<usize>()),
    ) {
        let (name, format, bytes) = &files()[which % files().len()];
        let mut damaged = bytes.to_vec();
        for (at, value) in changes {
            let at = at % damaged.len();
            damaged[at] = value;
        }
        if let Some(cut) = cut {
            damaged.truncate(cut % (damaged.len() + 1));
        }
        if let Err(why) = check(&damaged, *format) {
            proptest::prop_assert!(false, "{name}: {why}");
        }
    }
}
