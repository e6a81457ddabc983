//! The SSL 3.0 and TLS 1.0 key expansions, as pure functions over bytes, and the state of a
//! `CALG_TLS1PRF` hash object.
//!
//! * TLS 1.0 (RFC 2246 §5): `PRF(secret, label, seed) = P_MD5(S1, label ‖ seed) ⊕
//!   P_SHA1(S2, label ‖ seed)`, where `S1` is the first and `S2` the last `⌈len/2⌉` bytes of
//!   the secret (they share the middle byte of an odd-length secret), and
//!   `P_hash(secret, seed) = HMAC(secret, A(1) ‖ seed) ‖ HMAC(secret, A(2) ‖ seed) ‖ ...` with
//!   `A(0) = seed`, `A(i) = HMAC(secret, A(i-1))`, cut to the length asked for.
//! * SSL 3.0 (RFC 6101 §6.1, §6.2.2): `MD5(secret ‖ SHA1('A' ‖ secret ‖ r1 ‖ r2)) ‖
//!   MD5(secret ‖ SHA1('BB' ‖ secret ‖ r1 ‖ r2)) ‖ ...`, the master secret from the
//!   pre-master with the client random first, the key block from the master with the server
//!   random first.
//!
//! Every output buffer is wiped on drop; the secret is never copied to the heap.

use digest::Digest as _;
use hmac::{KeyInit, Mac};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The TLS 1.0 PRF: fills `out` with `PRF(secret, label, seed)`.
pub(crate) fn tls1_prf(secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    let half = secret.len().div_ceil(2);
    let (s1, s2) = (&secret[..half], &secret[secret.len() - half..]);
    out.fill(0);
    p_hash::<hmac::Hmac<md5::Md5>>(s1, label, seed, out);
    p_hash::<hmac::Hmac<sha1::Sha1>>(s2, label, seed, out);
}

/// `P_hash(secret, label ‖ seed)`, XORed into `out`.
fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    // HMAC takes a key of any length (a longer one is hashed first), so this cannot fail.
    let Ok(keyed) = <M as KeyInit>::new_from_slice(secret) else {
        return;
    };
    // A(1) = HMAC(label ‖ seed)
    let mut a = keyed.clone();
    a.update(label);
    a.update(seed);
    let mut a = a.finalize().into_bytes();
    for chunk in out.chunks_mut(a.len()) {
        let mut block = keyed.clone();
        block.update(&a);
        block.update(label);
        block.update(seed);
        let block = block.finalize().into_bytes();
        for (byte, b) in chunk.iter_mut().zip(block.iter()) {
            *byte ^= b;
        }
        let mut next = keyed.clone();
        next.update(&a);
        a = next.finalize().into_bytes();
    }
}

/// The most an SSL 3.0 expansion makes: 26 MD5 blocks, one per letter `A`..`Z`.
pub(crate) const SSL3_MAX: usize = 26 * 16;

/// The SSL 3.0 expansion of `secret` with the randoms `first ‖ second`, into `out` (at most
/// [`SSL3_MAX`] bytes).
///
/// # Errors
///
/// `NTE_BAD_LEN` when `out` is longer than [`SSL3_MAX`].
pub(crate) fn ssl3_expand(
    secret: &[u8],
    first: &[u8],
    second: &[u8],
    out: &mut [u8],
) -> Result<()> {
    if out.len() > SSL3_MAX {
        return Err(Error::BadLen);
    }
    for (i, chunk) in out.chunks_mut(16).enumerate() {
        // `i` < 26 by the check above.
        let letter = b'A' + i as u8;
        let mut sha = sha1::Sha1::new();
        for _ in 0..=i {
            sha.update([letter]);
        }
        sha.update(secret);
        sha.update(first);
        sha.update(second);
        let inner = sha.finalize();
        let mut md5 = md5::Md5::new();
        md5.update(secret);
        md5.update(inner);
        let block = md5.finalize();
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
    Ok(())
}

/// A zeroed buffer of `len` bytes, wiped on drop, allocated without a panic or an abort on a
/// length no memory can hold.
///
/// # Errors
///
/// `NTE_NO_MEMORY` when the buffer cannot be allocated.
pub(crate) fn secret_buffer(len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Vec::new();
    buf.try_reserve_exact(len).map_err(|_| Error::NoMemory)?;
    buf.resize(len, 0);
    Ok(Zeroizing::new(buf))
}

/// The state of a `CALG_TLS1PRF` hash: a copy of its TLS1 master key's master secret, and the
/// label and seed set on it (`HP_TLS1PRF_LABEL`, `HP_TLS1PRF_SEED`).
#[derive(Clone)]
pub(crate) struct Tls1Prf {
    secret: Zeroizing<Vec<u8>>,
    label: Vec<u8>,
    seed: Vec<u8>,
}

impl Tls1Prf {
    pub(crate) fn new(secret: Zeroizing<Vec<u8>>) -> Self {
        Tls1Prf {
            secret,
            label: Vec::new(),
            seed: Vec::new(),
        }
    }

    pub(crate) fn set_label(&mut self, label: &[u8]) {
        self.label = label.to_vec();
    }

    pub(crate) fn set_seed(&mut self, seed: &[u8]) {
        self.seed = seed.to_vec();
    }

    /// `len` bytes of `PRF(master secret, label, seed)`.
    pub(crate) fn output(&self, len: usize) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = secret_buffer(len)?;
        tls1_prf(&self.secret, &self.label, &self.seed, &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The commonly used TLS 1.0 PRF test vector (48 bytes of 0xab as the secret, the label
    /// "PRF Testvector", 64 bytes of 0xcd as the seed, 104 bytes out); its ends were recomputed
    /// with Python's `hmac` and `hashlib`.
    #[test]
    fn tls1_prf_known_answer() {
        let mut out = [0u8; 104];
        tls1_prf(&[0xab; 48], b"PRF Testvector", &[0xcd; 64], &mut out);
        assert_eq!(
            out[..16],
            unhex("d3d4d1e349b5d515044666d51de32bab")[..],
            "{out:02x?}"
        );
        assert_eq!(out[100..], unhex("a8c9a013")[..]);
    }

    #[test]
    fn every_length_is_a_prefix_of_a_longer_one() {
        let mut long = [0u8; 200];
        tls1_prf(b"secret!", b"label", b"seed", &mut long);
        for len in 0..200 {
            let mut short = vec![0u8; len];
            tls1_prf(b"secret!", b"label", b"seed", &mut short);
            assert_eq!(short[..], long[..len], "{len}");
        }
    }

    #[test]
    fn ssl3_expansion_is_bounded() {
        let mut out = vec![0u8; SSL3_MAX];
        ssl3_expand(&[1; 48], &[2; 32], &[3; 32], &mut out).unwrap();
        let mut more = vec![0u8; SSL3_MAX + 1];
        assert!(matches!(
            ssl3_expand(&[1; 48], &[2; 32], &[3; 32], &mut more),
            Err(Error::BadLen)
        ));
        assert!(secret_buffer(usize::MAX).is_err());
    }
}
