//! Microsoft's key BLOB formats: pure codecs over bytes.
//!
//! Every blob starts with a `BLOBHEADER` (`PUBLICKEYSTRUC`), all integers little-endian:
//!
//! ```text
//! offset size  field
//! 0      1     bType      (BlobType)
//! 1      1     bVersion   (CUR_BLOB_VERSION = 2)
//! 2      2     reserved   (0)
//! 4      4     aiKeyAlg   (ALG_ID of the key)
//! ```
//!
//! * `PLAINTEXTKEYBLOB` continues with a `DWORD` key length in bytes and the key bytes.
//! * `PUBLICKEYBLOB` continues with `RSAPUBKEY` {magic `"RSA1"`, bitlen, pubexp} and the modulus
//!   (`(bitlen + 7) / 8` bytes).
//! * `PRIVATEKEYBLOB` has magic `"RSA2"`, the modulus, then prime1, prime2, exponent1,
//!   exponent2 and coefficient (`(bitlen + 15) / 16` bytes each) and the private exponent
//!   (modulus length). Windows accepts a blob whose private exponent is cut short (its length
//!   is inferred from the blob's size); the key is then rebuilt from its primes.
//! * `SIMPLEBLOB` continues with the wrapping key's `ALG_ID` and the session key encrypted with
//!   it (PKCS#1 v1.5 or OAEP), as many bytes as the wrapping modulus.
//!
//! Every big integer is little-endian. Parsing is strict on lengths and never reads past the
//! input; like Windows, it accepts a buffer longer than the blob it holds.

use crate::alg::{AlgId, windows_enum};
use crate::error::{Error, Result};
use zeroize::Zeroizing;

windows_enum! {
    /// A key BLOB format (`bType` of `BLOBHEADER`).
    #[non_exhaustive]
    pub enum BlobType ("`bType`") {
        /// `SIMPLEBLOB` (1): a session key wrapped with an RSA key-exchange public key.
        SimpleBlob = 1, "SIMPLEBLOB";
        /// `PUBLICKEYBLOB` (6): an RSA public key ("RSA1").
        PublicKeyBlob = 6, "PUBLICKEYBLOB";
        /// `PRIVATEKEYBLOB` (7): an RSA key pair ("RSA2").
        PrivateKeyBlob = 7, "PRIVATEKEYBLOB";
        /// `PLAINTEXTKEYBLOB` (8): a session key in the clear.
        PlaintextKeyBlob = 8, "PLAINTEXTKEYBLOB";
        /// `OPAQUEKEYBLOB` (9): provider-specific; not supported by Microsoft's software
        /// providers.
        OpaqueKeyBlob = 9, "OPAQUEKEYBLOB";
        /// `PUBLICKEYBLOBEX` (10).
        PublicKeyBlobEx = 10, "PUBLICKEYBLOBEX";
        /// `SYMMETRICWRAPKEYBLOB` (11).
        SymmetricWrapKeyBlob = 11, "SYMMETRICWRAPKEYBLOB";
    }
}

/// `CUR_BLOB_VERSION`.
pub(crate) const BLOB_VERSION: u8 = 2;
/// Size of `BLOBHEADER`.
pub(crate) const HEADER_LEN: usize = 8;

/// A parsed `BLOBHEADER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlobHeader {
    pub(crate) blob_type: u8,
    pub(crate) alg: AlgId,
}

/// Splits a blob into its header and the rest. `NTE_BAD_DATA` for a short blob, a version other
/// than 2 or non-zero reserved bytes.
pub(crate) fn parse_header(blob: &[u8]) -> Result<(BlobHeader, &[u8])> {
    let (head, rest) = blob.split_at_checked(HEADER_LEN).ok_or(Error::BadData)?;
    if head[1] != BLOB_VERSION || head[2] != 0 || head[3] != 0 {
        return Err(Error::BadData);
    }
    let alg = AlgId::from_raw(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    Ok((
        BlobHeader {
            blob_type: head[0],
            alg,
        },
        rest,
    ))
}

fn header(blob_type: BlobType, alg: AlgId) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[0] = blob_type.raw() as u8;
    out[1] = BLOB_VERSION;
    out[4..].copy_from_slice(&alg.raw().to_le_bytes());
    out
}

/// The key bytes of a `PLAINTEXTKEYBLOB`'s body (after the header). `NTE_BAD_DATA` when the
/// body is shorter than its length field says; trailing bytes are ignored, as on Windows.
pub(crate) fn parse_plaintext(body: &[u8]) -> Result<&[u8]> {
    let (len, rest) = body.split_at_checked(4).ok_or(Error::BadData)?;
    let len = usize::try_from(u32::from_le_bytes([len[0], len[1], len[2], len[3]]))
        .map_err(|_| Error::BadData)?;
    rest.get(..len).ok_or(Error::BadData)
}

/// A `PLAINTEXTKEYBLOB` for `key`.
pub(crate) fn plaintext_blob(alg: AlgId, key: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(HEADER_LEN + 4 + key.len()));
    out.extend_from_slice(&header(BlobType::PlaintextKeyBlob, alg));
    out.extend_from_slice(&u32::try_from(key.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(key);
    out
}

/// `"RSA1"`: the magic of a public key.
pub(crate) const RSA1: u32 = 0x3141_5352;
/// `"RSA2"`: the magic of a key pair.
pub(crate) const RSA2: u32 = 0x3241_5352;
/// Largest RSA modulus Microsoft's providers handle, in bits.
pub(crate) const MAX_RSA_BITS: u32 = 16384;

/// The numbers of an RSA key BLOB, little-endian as stored, each at its blob length.
#[derive(Clone)]
pub(crate) struct RsaParts {
    pub(crate) bits: u32,
    pub(crate) exponent: u32,
    pub(crate) modulus: Vec<u8>,
    /// Present for `PRIVATEKEYBLOB`.
    pub(crate) private: Option<RsaPrivateParts>,
}

/// The private numbers of a `PRIVATEKEYBLOB`, little-endian, wiped on drop.
#[derive(Clone)]
pub(crate) struct RsaPrivateParts {
    pub(crate) prime1: Zeroizing<Vec<u8>>,
    pub(crate) prime2: Zeroizing<Vec<u8>>,
    pub(crate) exponent1: Zeroizing<Vec<u8>>,
    pub(crate) exponent2: Zeroizing<Vec<u8>>,
    pub(crate) coefficient: Zeroizing<Vec<u8>>,
    /// `None` when the blob cut the private exponent short.
    pub(crate) private_exponent: Option<Zeroizing<Vec<u8>>>,
}

/// A DWORD parameter value as the C calls write it: 4 little-endian bytes.
pub(crate) fn dword(value: u32) -> Vec<u8> {
    value.to_le_bytes().to_vec()
}

/// Reads a DWORD parameter from the start of `data`, as Windows reads `*(DWORD *)pbData`;
/// fewer than 4 bytes give `NTE_BAD_DATA`.
pub(crate) fn read_dword(data: &[u8]) -> Result<u32> {
    data.first_chunk::<4>()
        .map(|b| u32::from_le_bytes(*b))
        .ok_or(Error::BadData)
}

fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Byte lengths of the modulus and of each half-size number for `bits`.
pub(crate) fn rsa_lengths(bits: u32) -> (usize, usize) {
    (bits.div_ceil(8) as usize, bits.div_ceil(16) as usize)
}

/// Parses the body of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB` (after the header).
/// `NTE_BAD_DATA` for a wrong magic, a zero, oversized or short blob.
pub(crate) fn parse_rsa(body: &[u8], private: bool) -> Result<RsaParts> {
    let (head, rest) = body.split_at_checked(12).ok_or(Error::BadData)?;
    let (magic, bits, exponent) = (le_u32(head), le_u32(&head[4..]), le_u32(&head[8..]));
    if magic != if private { RSA2 } else { RSA1 } || bits == 0 || bits > MAX_RSA_BITS {
        return Err(Error::BadData);
    }
    let (n_len, half) = rsa_lengths(bits);
    let (modulus, mut rest) = rest.split_at_checked(n_len).ok_or(Error::BadData)?;
    let private = if private {
        let mut take = || -> Result<Zeroizing<Vec<u8>>> {
            let (part, tail) = rest.split_at_checked(half).ok_or(Error::BadData)?;
            rest = tail;
            Ok(Zeroizing::new(part.to_vec()))
        };
        let (prime1, prime2, exponent1, exponent2, coefficient) =
            (take()?, take()?, take()?, take()?, take()?);
        let private_exponent = rest.get(..n_len).map(|d| Zeroizing::new(d.to_vec()));
        Some(RsaPrivateParts {
            prime1,
            prime2,
            exponent1,
            exponent2,
            coefficient,
            private_exponent,
        })
    } else {
        None
    };
    Ok(RsaParts {
        bits,
        exponent,
        modulus: modulus.to_vec(),
        private,
    })
}

/// Serialises an RSA key BLOB: `PRIVATEKEYBLOB` when `parts.private` is given (a missing private
/// exponent must have been filled in by the caller), else `PUBLICKEYBLOB`.
pub(crate) fn rsa_blob(
    alg: AlgId,
    parts: &RsaParts,
    with_private: bool,
) -> Result<Zeroizing<Vec<u8>>> {
    let (n_len, half) = rsa_lengths(parts.bits);
    let private = if with_private {
        Some(parts.private.as_ref().ok_or(Error::BadKeyState)?)
    } else {
        None
    };
    let blob_type = if private.is_some() {
        BlobType::PrivateKeyBlob
    } else {
        BlobType::PublicKeyBlob
    };
    let mut out = Zeroizing::new(Vec::with_capacity(HEADER_LEN + 12 + 2 * n_len + 5 * half));
    out.extend_from_slice(&header(blob_type, alg));
    out.extend_from_slice(&(if private.is_some() { RSA2 } else { RSA1 }).to_le_bytes());
    out.extend_from_slice(&parts.bits.to_le_bytes());
    out.extend_from_slice(&parts.exponent.to_le_bytes());
    push_le(&mut out, &parts.modulus, n_len)?;
    if let Some(p) = private {
        for part in [
            &p.prime1,
            &p.prime2,
            &p.exponent1,
            &p.exponent2,
            &p.coefficient,
        ] {
            push_le(&mut out, part, half)?;
        }
        push_le(
            &mut out,
            p.private_exponent.as_ref().ok_or(Error::BadKeyState)?,
            n_len,
        )?;
    }
    Ok(out)
}

/// Appends a little-endian number at exactly `len` bytes (zero-padded; high zero bytes
/// trimmed). `NTE_BAD_DATA` if it does not fit.
fn push_le(out: &mut Vec<u8>, number: &[u8], len: usize) -> Result<()> {
    let used = number.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    if used > len {
        return Err(Error::BadData);
    }
    out.extend_from_slice(&number[..used]);
    out.resize(out.len() + (len - used), 0);
    Ok(())
}

/// The wrapping key's `ALG_ID` and the encrypted key (little-endian) of a `SIMPLEBLOB` body.
pub(crate) fn parse_simple(body: &[u8]) -> Result<(AlgId, &[u8])> {
    let (alg, wrapped) = body.split_at_checked(4).ok_or(Error::BadData)?;
    Ok((AlgId::from_raw(le_u32(alg)), wrapped))
}

/// A `SIMPLEBLOB` for a session key of `alg` wrapped (little-endian) by a key of `wrap_alg`.
pub(crate) fn simple_blob(alg: AlgId, wrap_alg: AlgId, wrapped_le: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 4 + wrapped_le.len());
    out.extend_from_slice(&header(BlobType::SimpleBlob, alg));
    out.extend_from_slice(&wrap_alg.raw().to_le_bytes());
    out.extend_from_slice(wrapped_le);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_layout() {
        let blob = plaintext_blob(AlgId::RC2, &[0xaa; 5]);
        assert_eq!(
            blob.to_vec(),
            [
                8, 2, 0, 0, 0x02, 0x66, 0, 0, 5, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa
            ]
        );
        let (head, body) = parse_header(&blob).unwrap();
        assert_eq!(
            head,
            BlobHeader {
                blob_type: 8,
                alg: AlgId::RC2
            }
        );
        assert_eq!(parse_plaintext(body).unwrap(), &[0xaa; 5]);
    }

    #[test]
    fn header_checks() {
        let good = plaintext_blob(AlgId::RC4, &[1]);
        for i in [1, 2, 3] {
            let mut bad = good.to_vec();
            bad[i] ^= 1;
            assert!(
                matches!(parse_header(&bad), Err(Error::BadData)),
                "byte {i}"
            );
        }
        assert!(matches!(parse_header(&good[..7]), Err(Error::BadData)));
    }

    fn sample_rsa(bits: u32, private: bool) -> RsaParts {
        let (n_len, half) = rsa_lengths(bits);
        let num = |len: usize, seed: u8| {
            Zeroizing::new(
                (0..len)
                    .map(|i| seed.wrapping_add(i as u8) | 1)
                    .collect::<Vec<u8>>(),
            )
        };
        RsaParts {
            bits,
            exponent: 65537,
            modulus: num(n_len, 3).to_vec(),
            private: private.then(|| RsaPrivateParts {
                prime1: num(half, 5),
                prime2: num(half, 7),
                exponent1: num(half, 9),
                exponent2: num(half, 11),
                coefficient: num(half, 13),
                private_exponent: Some(num(n_len, 15)),
            }),
        }
    }

    #[test]
    fn rsa_blob_sizes_match_windows() {
        // 84 bytes for a 512-bit public key, 148 for 1024; 308 and 596 for the private ones.
        for (bits, public, private) in [(512, 84, 308), (1024, 148, 596)] {
            let parts = sample_rsa(bits, true);
            assert_eq!(
                rsa_blob(AlgId::RSA_KEYX, &parts, false).unwrap().len(),
                public
            );
            let blob = rsa_blob(AlgId::RSA_KEYX, &parts, true).unwrap();
            assert_eq!(blob.len(), private);
            let (head, body) = parse_header(&blob).unwrap();
            assert_eq!(head.blob_type, 7);
            let again = parse_rsa(body, true).unwrap();
            assert_eq!(rsa_blob(AlgId::RSA_KEYX, &again, true).unwrap(), blob);
        }
    }

    #[test]
    fn a_short_private_exponent_is_reported_missing() {
        let blob = rsa_blob(AlgId::RSA_KEYX, &sample_rsa(1024, true), true).unwrap();
        let parts = parse_rsa(&blob[8..blob.len() - 10], true).unwrap();
        assert!(parts.private.unwrap().private_exponent.is_none());
        assert!(matches!(
            parse_rsa(&blob[8..8 + 12 + 128 + 5 * 64 - 1], true),
            Err(Error::BadData)
        ));
        assert!(
            matches!(parse_rsa(&blob[8..], false), Err(Error::BadData)),
            "RSA2 magic as a public blob"
        );
    }

    #[test]
    fn simple_blob_layout() {
        let blob = simple_blob(AlgId::RC4, AlgId::RSA_KEYX, &[9; 64]);
        assert_eq!(
            &blob[..12],
            &[1, 2, 0, 0, 0x01, 0x68, 0, 0, 0x00, 0xa4, 0, 0]
        );
        let (_, body) = parse_header(&blob).unwrap();
        assert_eq!(
            parse_simple(body).unwrap(),
            (AlgId::RSA_KEYX, &[9u8; 64][..])
        );
    }

    /// Every cut of a sample `PRIVATEKEYBLOB`: short of the private exponent it is
    /// `NTE_BAD_DATA`, inside it the exponent is reported missing, whole it is all there. Every cut
    /// of the public blob fails. (The suite's `codec_properties` checks the same through
    /// `import_key` on real pairs.)
    #[test]
    fn every_rsa_truncation_is_an_error_or_a_short_exponent() {
        for bits in [512, 392] {
            let parts = sample_rsa(bits, true);
            let (n_len, half) = rsa_lengths(bits);
            let d_at = HEADER_LEN + 12 + n_len + 5 * half;
            let blob = rsa_blob(AlgId::RSA_SIGN, &parts, true).unwrap();
            for len in 0..=blob.len() {
                let parsed = parse_header(&blob[..len]).and_then(|(_, b)| parse_rsa(b, true));
                match parsed {
                    Ok(p) => {
                        assert!(len >= d_at, "{bits} bits, cut at {len}");
                        let d = p.private.unwrap().private_exponent;
                        assert_eq!(d.is_some(), len == blob.len(), "{bits} bits, cut at {len}");
                    }
                    Err(err) => {
                        assert!(matches!(err, Error::BadData));
                        assert!(len < d_at, "{bits} bits, cut at {len}");
                    }
                }
            }
            let public = rsa_blob(AlgId::RSA_SIGN, &parts, false).unwrap();
            for len in 0..public.len() {
                let parsed = parse_header(&public[..len]).and_then(|(_, b)| parse_rsa(b, false));
                assert!(
                    matches!(parsed, Err(Error::BadData)),
                    "{bits} bits, cut at {len}"
                );
            }
        }
    }

    /// Every single-bit flip of a sample blob, public and private: an error, or parts of a sane
    /// length that re-serialise within bounds.
    #[test]
    fn every_rsa_bit_flip_is_an_error_or_a_sane_blob() {
        for private in [true, false] {
            let blob = rsa_blob(AlgId::RSA_SIGN, &sample_rsa(512, true), private).unwrap();
            for i in 0..blob.len() {
                for bit in 0..8 {
                    let mut bad = blob.to_vec();
                    bad[i] ^= 1 << bit;
                    let Ok((_, body)) = parse_header(&bad) else {
                        assert!((1..4).contains(&i), "byte {i} bit {bit}: header refused");
                        continue;
                    };
                    if let Ok(parts) = parse_rsa(body, private) {
                        assert!(
                            parts.bits > 0 && parts.bits <= MAX_RSA_BITS,
                            "byte {i} bit {bit}"
                        );
                        let (n_len, _) = rsa_lengths(parts.bits);
                        assert_eq!(parts.modulus.len(), n_len, "byte {i} bit {bit}");
                    }
                }
            }
        }
    }

    /// Every bit length from 8 to 2048 in steps of 8, and the extremes the codec takes,
    /// public and private: serialise, parse, serialise again gives the same bytes. Lengths
    /// outside 1..=16384 are refused.
    #[test]
    fn rsa_blobs_round_trip_at_every_length() {
        let lengths = (1u32..=256)
            .map(|b| b * 8)
            .chain([1, 7, 9, 392, 4095, MAX_RSA_BITS]);
        for bits in lengths {
            for private in [false, true] {
                let parts = sample_rsa(bits, private);
                let blob = rsa_blob(AlgId::RSA_KEYX, &parts, private).unwrap();
                let (_, body) = parse_header(&blob).unwrap();
                let again = parse_rsa(body, private).unwrap();
                assert_eq!(again.bits, bits);
                assert_eq!(
                    rsa_blob(AlgId::RSA_KEYX, &again, private).unwrap(),
                    blob,
                    "{bits} bits, private: {private}"
                );
            }
        }
        for bits in [0, MAX_RSA_BITS + 1, u32::MAX] {
            let mut body = RSA2.to_le_bytes().to_vec();
            body.extend_from_slice(&bits.to_le_bytes());
            body.extend_from_slice(&65537u32.to_le_bytes());
            body.resize(12 + 4096, 0xff);
            assert!(
                matches!(parse_rsa(&body, true), Err(Error::BadData)),
                "{bits} bits"
            );
        }
    }

    /// Bodies of every length up to 400 bytes behind each magic and a range of bit lengths
    /// (edge values included) never panic `parse_rsa` or `parse_simple`.
    #[test]
    fn odd_rsa_bodies_never_panic() {
        let filler: Vec<u8> = (0..400u32)
            .map(|i| (i.wrapping_mul(151) >> 1) as u8)
            .collect();
        let magics = [RSA1, RSA2, 0, u32::MAX];
        let lengths = [
            0,
            1,
            7,
            8,
            9,
            255,
            256,
            384,
            392,
            512,
            1024,
            MAX_RSA_BITS,
            u32::MAX,
        ];
        for magic in magics {
            for bits in lengths {
                for len in 0..=filler.len() {
                    let mut body = magic.to_le_bytes().to_vec();
                    body.extend_from_slice(&bits.to_le_bytes());
                    body.extend_from_slice(&3u32.to_le_bytes());
                    body.extend_from_slice(&filler[..len]);
                    for cut in [len, len + 4, len + 8, len + 12] {
                        for private in [false, true] {
                            let _ = parse_rsa(&body[..cut], private).map(|p| p.bits);
                        }
                        let _ = parse_simple(&body[..cut]).map(|(a, w)| (a, w.len()));
                    }
                }
            }
        }
    }

    /// Any `ALG_ID` (the public API only takes the ones a provider offers) and key lengths
    /// 0..100: the blob parses back to its algorithm and key.
    #[test]
    fn plaintext_blobs_round_trip_with_any_alg() {
        let algs = [
            0,
            1,
            2,
            0x6602,
            0x6801,
            0x8004,
            0xA400,
            0x8000_0000,
            u32::MAX,
        ];
        for alg in algs {
            for len in 0..100u8 {
                let key: Vec<u8> = (0..len).map(|i| i.wrapping_mul(29) ^ alg as u8).collect();
                let blob = plaintext_blob(AlgId::from_raw(alg), &key);
                let (head, body) = parse_header(&blob).unwrap();
                assert_eq!(head.alg.raw(), alg);
                assert_eq!(parse_plaintext(body).unwrap(), &key[..]);
            }
        }
    }

    /// Every cut of plaintext blobs of every key length up to 40 fails.
    #[test]
    fn every_plaintext_truncation_fails() {
        for len in 0..40u8 {
            let blob = plaintext_blob(AlgId::RC4, &vec![len; usize::from(len)]);
            for cut in 0..blob.len() {
                let parsed = parse_header(&blob[..cut])
                    .and_then(|(_, body)| parse_plaintext(body).map(<[u8]>::len));
                assert!(
                    matches!(parsed, Err(Error::BadData)),
                    "key {len}, cut {cut}"
                );
            }
        }
    }

    /// Every length up to 64 with length fields at the edges (0, the real length and one past
    /// it, the largest) never panics.
    #[test]
    fn odd_plaintext_bodies_never_panic() {
        let filler: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(77)).collect();
        for len in 0..=filler.len() {
            let real = len.saturating_sub(HEADER_LEN + 4) as u32;
            for field in [0, 1, real, real + 1, u32::MAX] {
                let mut bytes = plaintext_blob(AlgId::RC4, &[]).to_vec();
                bytes[HEADER_LEN..].copy_from_slice(&field.to_le_bytes());
                bytes.extend_from_slice(&filler);
                bytes.truncate(len);
                let parsed = parse_header(&bytes)
                    .and_then(|(_, body)| parse_plaintext(body).map(<[u8]>::len));
                if let Ok(key_len) = parsed {
                    assert_eq!(key_len, field as usize, "len {len}, field {field}");
                }
            }
        }
    }
}
