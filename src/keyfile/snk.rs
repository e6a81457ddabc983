//! .NET strong-name keys: `.snk` key pairs (a bare `PRIVATEKEYBLOB`, as `sn -k` writes it),
//! public key files (`sn -p`: a 12-byte header, then a `PUBLICKEYBLOB`), and public key
//! tokens.
//!
//! ```text
//! public key file (all little-endian)
//! offset size  field
//! 0      4     SigAlgId     CALG_RSA_SIGN (0x2400)
//! 4      4     HashAlgId    CALG_SHA1 (0x8004)
//! 8      4     cbPublicKey  the PUBLICKEYBLOB's length
//! 12     the PUBLICKEYBLOB (aiKeyAlg CALG_RSA_SIGN)
//! ```
//!
//! The token is the last 8 bytes of the SHA-1 of the public key file's bytes, in reverse order
//! (ECMA-335 §II.6.2.1.3), which is how `sn -t` prints it.

use sha1::{Digest, Sha1};

use crate::alg::AlgId;
use crate::blob::{self, RsaParts};

/// The strong-name header's `SigAlgId` and `HashAlgId` as `sn -p` writes them.
pub(super) const DEFAULT_HEADER: (u32, u32) = (0x2400, 0x8004);
/// The header's length.
pub(super) const HEADER: usize = 12;

/// The strong-name header of `data`, when it looks like a public key file: its
/// `cbPublicKey` covers the rest of the file exactly, and a `PUBLICKEYBLOB` header follows
/// (or, for the 16-byte ECMA standard key, 4 bytes). Returns (SigAlgId, HashAlgId).
pub(super) fn public_key_header(data: &[u8]) -> Option<(u32, u32)> {
    let field = |at: usize| {
        data.get(at..at + 4)
            .and_then(|b| b.first_chunk::<4>())
            .map(|b| u32::from_le_bytes(*b))
    };
    let (sig, hash, len) = (field(0)?, field(4)?, field(8)?);
    let len = usize::try_from(len).ok()?;
    let body = data.get(HEADER..)?;
    let ecma = len == 4 && body.len() == 4;
    let blob = body.len() == len && body.starts_with(&[6, 2, 0, 0]);
    (ecma || blob).then_some((sig, hash))
}

/// The public key file of a key: the strong-name header, then its `PUBLICKEYBLOB` with
/// `blob_alg`.
pub(super) fn public_key_file(header: (u32, u32), blob_alg: AlgId, parts: &RsaParts) -> Vec<u8> {
    // Cannot fail: a checked key's modulus is held at exactly its blob length.
    let blob = blob::rsa_blob(blob_alg, parts, false)
        .map(|b| b.to_vec())
        .unwrap_or_default();
    debug_assert!(!blob.is_empty());
    let mut out = Vec::with_capacity(HEADER + blob.len());
    out.extend_from_slice(&header.0.to_le_bytes());
    out.extend_from_slice(&header.1.to_le_bytes());
    out.extend_from_slice(&u32::try_from(blob.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&blob);
    out
}

/// The public key token of a strong-name public key (a public key file's bytes).
pub(super) fn token(public_key: &[u8]) -> [u8; 8] {
    let digest = Sha1::digest(public_key);
    let mut token = [0u8; 8];
    token.copy_from_slice(&digest[digest.len() - 8..]);
    token.reverse();
    token
}
