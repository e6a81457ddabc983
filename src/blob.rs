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
//! `PLAINTEXTKEYBLOB` continues with a `DWORD` key length in bytes and the key bytes. Parsing
//! is strict on lengths and never reads past the input; like Windows, it accepts a buffer
//! longer than the blob it holds.

use crate::alg::AlgId;
use crate::error::{Error, Result};
use zeroize::Zeroizing;

/// A key BLOB format (`bType` of `BLOBHEADER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BlobType {
    /// `SIMPLEBLOB` (1): a session key wrapped with an RSA key-exchange public key.
    SimpleBlob = 1,
    /// `PUBLICKEYBLOB` (6): an RSA public key ("RSA1").
    PublicKeyBlob = 6,
    /// `PRIVATEKEYBLOB` (7): an RSA key pair ("RSA2").
    PrivateKeyBlob = 7,
    /// `PLAINTEXTKEYBLOB` (8): a session key in the clear.
    PlaintextKeyBlob = 8,
    /// `OPAQUEKEYBLOB` (9): provider-specific; not supported by Microsoft's software providers.
    OpaqueKeyBlob = 9,
    /// `PUBLICKEYBLOBEX` (10).
    PublicKeyBlobEx = 10,
    /// `SYMMETRICWRAPKEYBLOB` (11).
    SymmetricWrapKeyBlob = 11,
}

impl BlobType {
    /// The raw `bType` value.
    #[must_use]
    pub const fn raw(self) -> u32 {
        self as u32
    }

    /// The blob type for a raw value, `None` for one Windows does not define.
    #[must_use]
    pub const fn from_raw(raw: u32) -> Option<Self> {
        Some(match raw {
            1 => BlobType::SimpleBlob,
            6 => BlobType::PublicKeyBlob,
            7 => BlobType::PrivateKeyBlob,
            8 => BlobType::PlaintextKeyBlob,
            9 => BlobType::OpaqueKeyBlob,
            10 => BlobType::PublicKeyBlobEx,
            11 => BlobType::SymmetricWrapKeyBlob,
            _ => return None,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn prop_round_trip(alg in any::<u32>(), key in proptest::collection::vec(any::<u8>(), 0..100)) {
            let blob = plaintext_blob(AlgId::from_raw(alg), &key);
            let (head, body) = parse_header(&blob).unwrap();
            prop_assert_eq!(head.alg.raw(), alg);
            prop_assert_eq!(parse_plaintext(body).unwrap(), &key[..]);
        }

        #[test]
        fn prop_truncations_fail_cleanly(key in proptest::collection::vec(any::<u8>(), 0..40), cut in any::<prop::sample::Index>()) {
            let blob = plaintext_blob(AlgId::RC4, &key);
            let len = cut.index(blob.len());
            let parsed = parse_header(&blob[..len]).and_then(|(_, body)| parse_plaintext(body).map(<[u8]>::len));
            prop_assert!(parsed.is_err());
        }

        #[test]
        fn prop_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_header(&bytes).and_then(|(_, body)| parse_plaintext(body).map(<[u8]>::len));
        }
    }
}
