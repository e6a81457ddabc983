//! RSA key pairs behind `CALG_RSA_KEYX` / `CALG_RSA_SIGN` keys: generation, BLOB conversion,
//! PKCS#1 v1.5 signatures and PKCS#1 v1.5 / OAEP encryption, all with Windows' little-endian
//! byte order.
//!
//! The arithmetic is this crate's own ([`arith`]), over `crypto-bigint`'s constant-time
//! fixed-size integers; the paddings are here, over wiping buffers.
//!
//! # What is wiped
//!
//! No copy of a private number (p, q, d, dp, dq, qinv, and the Montgomery parameters modulo p
//! and q) is ever freed without being wiped: the private key lives in one heap block of this
//! crate's own, zeroized on drop, and every heap buffer that holds a secret on the way (the
//! blob's numbers, encoded and decoded messages, OAEP seeds, the sieve of key generation) is a
//! `Zeroizing` one. Secret intermediates on the stack are wiped where they are named values,
//! but **stack residue is not guaranteed away**: moves and the callee frames of `crypto-bigint`
//! and `sha2` leave copies below the stack pointer, registers keep what they last held, and
//! copies the operating system makes (swap, core dumps, hibernation) are out of any library's
//! reach.
//!
//! # Compatibility with the `rsa` crate
//!
//! Earlier versions ran on the `rsa` crate 0.10, and everything observable is kept: the private
//! exponent is rebuilt from the primes as `e⁻¹ mod λ(n)`, so implicit rejection gives the same
//! synthetic plaintexts for the same keys; the same blob numbers are refused; signatures are
//! the same bytes. `suite/tests/rsa_reference.rs` checks this against the `rsa` crate itself.

mod arith;

use digest::Digest;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

use self::arith::{PrivateOps, PublicOps};

use crate::alg::AlgId;
use crate::blob::{MAX_RSA_BITS, RsaParts, RsaPrivateParts, rsa_lengths};
use crate::error::{Error, Result};

/// The smallest modulus this crate accepts in a blob, in bits (Windows generates from 384).
const MIN_RSA_BITS: u32 = 256;
/// The public exponent of generated keys.
const EXPONENT: u32 = 65537;

/// How a failed PKCS#1 v1.5 padding check on decryption (and `SIMPLEBLOB` import) is answered.
///
/// Reporting bad padding is a *padding oracle*: an attacker who can submit ciphertexts and see
/// which ones fail can decrypt any ciphertext made with the key (Bleichenbacher's attack, and
/// its timing variant Marvin). Windows reports it (`NTE_BAD_DATA`). This crate by default does
/// what OpenSSL 3.2+ and the `rsa` crate do instead: **implicit rejection**, a deterministic
/// pseudo-random plaintext derived from the key and the ciphertext, computed in constant time,
/// so bad and good ciphertexts are indistinguishable. The caller then fails later, on data that
/// does not authenticate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs1Rejection {
    /// Bad padding yields a synthetic plaintext, never an error (the default, and safe).
    #[default]
    Implicit,
    /// Bad padding gives `NTE_BAD_DATA`, exactly as Windows. **Only for data that no attacker
    /// can submit**: it re-opens the Bleichenbacher/Marvin padding oracle.
    Explicit,
}

/// An RSA public key, with its private half when known.
pub(crate) struct RsaKey {
    public: Box<dyn PublicOps>,
    private: Option<Private>,
    bits: u32,
    exponent: u32,
}

struct Private {
    ops: Box<dyn PrivateOps>,
    /// The blob numbers, kept as imported so that an export gives the same bytes back.
    parts: RsaPrivateParts,
}

impl std::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &self.bits)
            .field("private", &self.private.is_some())
            .finish_non_exhaustive()
    }
}

impl RsaKey {
    /// Builds a key from the numbers of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`.
    /// `NTE_BAD_DATA` when they do not form a valid key.
    pub(crate) fn from_parts(parts: &RsaParts) -> Result<RsaKey> {
        let n_bits = crate::bigint::bit_width_le(&parts.modulus);
        if n_bits < MIN_RSA_BITS || n_bits > parts.bits || n_bits > MAX_RSA_BITS {
            return Err(Error::BadData);
        }
        let (public, private) = match &parts.private {
            None => (arith::public_key(&parts.modulus, parts.exponent)?, None),
            Some(p) => {
                let (n_len, half) = rsa_lengths(parts.bits);
                let built =
                    arith::private_key(&parts.modulus, parts.exponent, &p.prime1, &p.prime2, half)?;
                let mut kept = p.clone();
                if kept.private_exponent.is_none() {
                    let mut d = built.private_exponent;
                    d.truncate(n_len);
                    kept.private_exponent = Some(d);
                }
                let private = Private {
                    ops: built.ops,
                    parts: kept,
                };
                (private.ops.public_key(), Some(private))
            }
        };
        Ok(RsaKey {
            public,
            private,
            bits: parts.bits,
            exponent: parts.exponent,
        })
    }

    /// Generates a key pair of `bits` bits (exponent 65537). Slow: seconds for large keys.
    pub(crate) fn generate(bits: u32) -> Result<RsaKey> {
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(Error::BadData);
        }
        let (n_len, half) = rsa_lengths(bits);
        let built = arith::generate(bits, EXPONENT, half, n_len)?;
        let parts = RsaPrivateParts {
            prime1: built.prime1,
            prime2: built.prime2,
            exponent1: built.exponent1,
            exponent2: built.exponent2,
            coefficient: built.coefficient,
            private_exponent: Some(built.private_exponent),
        };
        let public = built.ops.public_key();
        Ok(RsaKey {
            public,
            private: Some(Private {
                ops: built.ops,
                parts,
            }),
            bits,
            exponent: EXPONENT,
        })
    }

    /// The blob numbers (private ones only when `with_private` and known).
    pub(crate) fn parts(&self, with_private: bool) -> RsaParts {
        RsaParts {
            bits: self.bits,
            exponent: self.exponent,
            modulus: self.public.modulus_le(rsa_lengths(self.bits).0.max(1)),
            private: if with_private {
                self.private.as_ref().map(|p| p.parts.clone())
            } else {
                None
            },
        }
    }

    pub(crate) fn has_private(&self) -> bool {
        self.private.is_some()
    }

    /// Modulus length in bits, as the blob states it (`KP_KEYLEN`, `KP_BLOCKLEN`).
    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }

    /// Modulus length in bytes: the size of signatures and ciphertexts.
    pub(crate) fn len(&self) -> usize {
        self.public.len()
    }

    /// The private operation on a big-endian input of the modulus length, into a wiping
    /// buffer.
    fn private_op(&self, input_be: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let private = self.private.as_ref().ok_or(Error::NoKey)?;
        let mut out = Zeroizing::new(vec![0u8; self.len()]);
        private.ops.private(input_be, &mut out)?;
        Ok(out)
    }

    /// PKCS#1 v1.5 signature of `hash` with the DigestInfo `prefix` (empty for none),
    /// little-endian. `NTE_BAD_LEN` when the modulus is too short for them.
    pub(crate) fn sign(&self, prefix: &[u8], hash: &[u8]) -> Result<Vec<u8>> {
        if self.private.is_none() {
            return Err(Error::NoKey);
        }
        let em = signature_message(prefix, hash, self.len()).ok_or(Error::BadLen)?;
        // A fault caught by the check (or failed randomness) is `NTE_BAD_LEN`, as the `rsa`-based
        // code answered every signing failure: the documented codes stay the same.
        let mut sig = self.private_op(&em).map_err(|_| Error::BadLen)?.to_vec();
        sig.reverse();
        Ok(sig)
    }

    /// Whether `signature_le` is a PKCS#1 v1.5 signature of `hash` with `prefix` (compared in
    /// constant time, in wiping buffers: the hash may be of secret data).
    pub(crate) fn verify(&self, prefix: &[u8], hash: &[u8], signature_le: &[u8]) -> bool {
        let k = self.len();
        let Some(expected) = signature_message(prefix, hash, k) else {
            return false;
        };
        if signature_le.len() != k {
            return false;
        }
        let mut sig = signature_le.to_vec();
        sig.reverse();
        let mut em = Zeroizing::new(vec![0u8; k]);
        if self.public.public(&sig, &mut em).is_err() {
            return false;
        }
        em.ct_eq(&expected[..]).into()
    }

    /// ANSI X9.31 signature of `hash` with the trailer's hash identifier `hash_id`,
    /// little-endian: the smaller of `IR^d mod n` and `n - IR^d mod n`, as X9.31 defines it
    /// for odd public exponents. `NTE_BAD_LEN` when the modulus is too short for the hash.
    pub(crate) fn sign_x931(&self, hash_id: u8, hash: &[u8]) -> Result<Vec<u8>> {
        if self.private.is_none() {
            return Err(Error::NoKey);
        }
        let ir = x931_message(hash_id, hash, self.len()).ok_or(Error::BadLen)?;
        let s = self.private_op(&ir).map_err(|_| Error::BadLen)?;
        let n = self.modulus_be();
        let other = sub_be(&n, &s);
        let mut sig = if less_be(&other, &s) {
            other
        } else {
            s.to_vec()
        };
        sig.reverse();
        Ok(sig)
    }

    /// Whether `signature_le` is an ANSI X9.31 signature of `hash` with `hash_id`: `IR` is
    /// `σ^e mod n` or `n` minus it, whichever ends in the nibble `C` (so both `σ` and `n - σ`
    /// verify). The representative is compared in constant time.
    pub(crate) fn verify_x931(&self, hash_id: u8, hash: &[u8], signature_le: &[u8]) -> bool {
        let k = self.len();
        let Some(expected) = x931_message(hash_id, hash, k) else {
            return false;
        };
        if signature_le.len() != k {
            return false;
        }
        let mut sig = signature_le.to_vec();
        sig.reverse();
        let mut ir = Zeroizing::new(vec![0u8; k]);
        if self.public.public(&sig, &mut ir).is_err() {
            return false;
        }
        if ir[k - 1] & 0x0f != 0x0c {
            ir = Zeroizing::new(sub_be(&self.modulus_be(), &ir));
        }
        ir.ct_eq(&expected[..]).into()
    }

    /// The modulus, big-endian, at the modulus length.
    fn modulus_be(&self) -> Vec<u8> {
        let mut n = self.public.modulus_le(self.len());
        n.reverse();
        n
    }

    /// Encrypts `message` (PKCS#1 v1.5, or OAEP with SHA-1), little-endian. `NTE_BAD_LEN` when
    /// it is longer than the padding allows.
    pub(crate) fn encrypt(&self, message: &[u8], oaep: bool) -> Result<Vec<u8>> {
        let k = self.len();
        let room = if oaep {
            k.checked_sub(2 * SHA1_LEN + 2)
        } else {
            k.checked_sub(11)
        };
        if room.is_none_or(|room| message.len() > room) {
            return Err(Error::BadLen);
        }
        // Failed randomness is `NTE_BAD_DATA`, as the `rsa`-based code answered it.
        let mut em = Zeroizing::new(vec![0u8; k]);
        if oaep {
            // EM = 00 || maskedSeed || maskedDB, DB = lHash || PS || 01 || M.
            let (seed, db) = em[1..].split_at_mut(SHA1_LEN);
            getrandom::fill(seed).map_err(|_| Error::BadData)?;
            db[..SHA1_LEN].copy_from_slice(&sha1::Sha1::digest([]));
            let at = db.len() - message.len();
            db[at - 1] = 1;
            db[at..].copy_from_slice(message);
            mgf1_xor(db, seed);
            mgf1_xor(seed, db);
        } else {
            // EM = 00 || 02 || PS (non-zero random) || 00 || M.
            em[1] = 2;
            let at = k - message.len();
            let padding = &mut em[2..at - 1];
            getrandom::fill(padding).map_err(|_| Error::BadData)?;
            for byte in padding.iter_mut() {
                while *byte == 0 {
                    getrandom::fill(std::slice::from_mut(byte)).map_err(|_| Error::BadData)?;
                }
            }
            em[at..].copy_from_slice(message);
        }
        let mut out = vec![0u8; k];
        self.public.public(&em, &mut out)?;
        out.reverse();
        Ok(out)
    }

    /// Decrypts a little-endian ciphertext of exactly the modulus length.
    pub(crate) fn decrypt(
        &self,
        ciphertext_le: &[u8],
        oaep: bool,
        rejection: Pkcs1Rejection,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let private = self.private.as_ref().ok_or(Error::NoKey)?;
        let k = self.len();
        if ciphertext_le.len() != k {
            return Err(Error::BadData);
        }
        let mut ct = ciphertext_le.to_vec();
        ct.reverse();
        // Every failure of the private operation (a value not below n, a fault caught by the
        // check, failed randomness) is `NTE_BAD_DATA`, like bad padding in explicit mode.
        let mut em = self.private_op(&ct).map_err(|_| Error::BadData)?;
        match (oaep, rejection) {
            (true, _) => oaep_decode(&mut em),
            (false, Pkcs1Rejection::Implicit) => {
                implicit_pkcs1_decode(em, private.ops.rejection_key(), &ct)
            }
            (false, Pkcs1Rejection::Explicit) => {
                let (bad, len) = pkcs1_decode(&em);
                if bad.into() {
                    return Err(Error::BadData);
                }
                Ok(Zeroizing::new(em[k - len..].to_vec()))
            }
        }
    }
}

/// The PKCS#1 v1.5 signature encoding `00 01 FF.. 00 prefix hash` at `k` bytes, `None` when
/// it does not fit with at least 8 bytes of padding.
fn signature_message(prefix: &[u8], hash: &[u8], k: usize) -> Option<Zeroizing<Vec<u8>>> {
    let t_len = prefix.len() + hash.len();
    if k < t_len + 11 {
        return None;
    }
    let mut em = Zeroizing::new(vec![0xffu8; k]);
    em[0] = 0;
    em[1] = 1;
    em[k - t_len - 1] = 0;
    em[k - t_len..k - hash.len()].copy_from_slice(prefix);
    em[k - hash.len()..].copy_from_slice(hash);
    Some(em)
}

/// The ANSI X9.31 representative `IR` at `k` bytes: the header `6B BB .. BB BA` (or `6A`
/// when one byte is left for it), the hash, the hash identifier and `CC`. `None` when the
/// hash and trailer leave no room for a header.
fn x931_message(hash_id: u8, hash: &[u8], k: usize) -> Option<Zeroizing<Vec<u8>>> {
    let header = k.checked_sub(hash.len() + 2).filter(|&h| h >= 1)?;
    let mut ir = Zeroizing::new(vec![0xbbu8; k]);
    if header == 1 {
        ir[0] = 0x6a;
    } else {
        ir[0] = 0x6b;
        ir[header - 1] = 0xba;
    }
    ir[header..k - 2].copy_from_slice(hash);
    ir[k - 2] = hash_id;
    ir[k - 1] = 0xcc;
    Some(ir)
}

/// `a - b` for big-endian numbers of the same length, `a >= b` (a modulus and a value below
/// it); wraps otherwise. Public values only: not constant time.
fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0u16;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b).rev() {
        let d = u16::from(x).wrapping_sub(u16::from(y)).wrapping_sub(borrow);
        *o = d as u8;
        borrow = (d >> 8) & 1;
    }
    out
}

/// Whether big-endian `a < b` (same length). Public values only.
fn less_be(a: &[u8], b: &[u8]) -> bool {
    a < b
}

/// The ANSI X9.31 hash identifier of a hash algorithm (the trailer's first byte): SHA-1 `33`,
/// SHA-256 `34`, SHA-512 `35`, SHA-384 `36`; `None` for hashes the standard names no
/// identifier for (MD2, MD4, MD5, `CALG_SSL3_SHAMD5`, MAC, HMAC).
pub(crate) fn x931_hash_id(alg: AlgId) -> Option<u8> {
    match alg {
        AlgId::SHA1 => Some(0x33),
        AlgId::SHA_256 => Some(0x34),
        AlgId::SHA_512 => Some(0x35),
        AlgId::SHA_384 => Some(0x36),
        _ => None,
    }
}

/// SHA-1's output length: OAEP's hash.
const SHA1_LEN: usize = 20;

/// XORs MGF1-SHA-1(`seed`) into `out`. Each block is hashed on the stack.
fn mgf1_xor(out: &mut [u8], seed: &[u8]) {
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(SHA1_LEN)) {
        let mut hasher = sha1::Sha1::new();
        hasher.update(seed);
        hasher.update(counter.to_be_bytes());
        let mut block = Zeroizing::new([0u8; SHA1_LEN]);
        block.copy_from_slice(&hasher.finalize());
        for (byte, mask) in chunk.iter_mut().zip(block.iter()) {
            *byte ^= mask;
        }
    }
}

/// OAEP (SHA-1, MGF1-SHA-1, empty label) decoding in constant time. Every check (the first
/// byte is zero, as RFC 8017 requires, the label hash, the separator) runs every time and they
/// all fail alike, so that the answer is not Manger's oracle.
fn oaep_decode(em: &mut [u8]) -> Result<Zeroizing<Vec<u8>>> {
    let k = em.len();
    if k < 2 * SHA1_LEN + 2 {
        return Err(Error::BadData);
    }
    let first_zero = em[0].ct_eq(&0);
    let (seed, db) = em[1..].split_at_mut(SHA1_LEN);
    mgf1_xor(seed, db);
    mgf1_xor(db, seed);
    let label_ok = db[..SHA1_LEN].ct_eq(&sha1::Sha1::digest([])[..]);
    // After the label hash: zero or more 00, then 01, then the message.
    let mut looking = Choice::from(1);
    let mut index = 0u32;
    let mut nonzero_before_one = Choice::from(0);
    for (i, byte) in (0u32..).zip(&db[SHA1_LEN..]) {
        let is_one = byte.ct_eq(&1);
        index.conditional_assign(&i, looking & is_one);
        looking &= !is_one;
        nonzero_before_one |= looking & !byte.ct_eq(&0);
    }
    let valid = first_zero & label_ok & !nonzero_before_one & !looking;
    if !bool::from(valid) {
        return Err(Error::BadData);
    }
    Ok(Zeroizing::new(db[SHA1_LEN + index as usize + 1..].to_vec()))
}

/// EME-PKCS1-v1_5 decoding in constant time: whether the padding is bad, and the message
/// length if not (zero if it is). As the `rsa` crate 0.10 and draft-irtf-cfrg-rsa-guidance do.
fn pkcs1_decode(em: &[u8]) -> (Choice, usize) {
    let k = em.len();
    let mut bad = !em[0].ct_eq(&0) | !em[1].ct_eq(&2);
    let mut looking = Choice::from(1);
    let mut separator = 0u32;
    for (i, byte) in (0u32..).zip(em).skip(2) {
        let is_zero = byte.ct_eq(&0);
        separator.conditional_assign(&i, looking & is_zero);
        looking &= !is_zero;
    }
    bad |= looking | !separator.ct_gt(&9);
    let mut len = (k as u32).wrapping_sub(separator).wrapping_sub(1);
    len.conditional_assign(&0, looking);
    (bad, len as usize)
}

/// PKCS#1 v1.5 decoding with implicit rejection (draft-irtf-cfrg-rsa-guidance-10 §7.2, exactly
/// as the `rsa` crate 0.10 computes it): on bad padding, a synthetic message derived from the
/// key and the ciphertext, chosen in constant time.
fn implicit_pkcs1_decode(
    mut em: Zeroizing<Vec<u8>>,
    rejection_key: &[u8; 32],
    ct_be: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let k = em.len();
    // §7.1 encodes the output length in bits in two bytes.
    let max_len = k
        .checked_sub(11)
        .and_then(|len| u16::try_from(len).ok())
        .filter(|_| k <= 8191)
        .ok_or(Error::BadData)?;
    let kdk = Zeroizing::new(hmac_sha256(rejection_key, &[ct_be]));
    let cl = irprf(&kdk, b"length", 256)?;
    let am = irprf(&kdk, b"message", k)?;
    // The synthetic length: the last of the 128 candidates (masked to max_len's bit width)
    // that does not exceed max_len.
    let mut mask = max_len;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    let mut al = 0u16;
    for pair in cl.chunks_exact(2) {
        let candidate = u16::from_be_bytes([pair[0], pair[1]]) & mask;
        al.conditional_assign(&candidate, !candidate.ct_gt(&max_len));
    }
    let (bad, len) = pkcs1_decode(&em);
    let mut length = len as u32;
    length.conditional_assign(&u32::from(al), bad);
    for (byte, synthetic) in em.iter_mut().zip(am.iter()) {
        byte.conditional_assign(synthetic, bad);
    }
    Ok(Zeroizing::new(em[k - length as usize..].to_vec()))
}

/// HMAC-SHA-256 of the concatenated `parts` under `key`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    // Any key length is valid for HMAC.
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The implicit-rejection PRF: `length` bytes of HMAC-SHA-256(kdk, i || label || bits).
fn irprf(kdk: &[u8; 32], label: &[u8], length: usize) -> Result<Zeroizing<Vec<u8>>> {
    let bits = length
        .checked_mul(8)
        .and_then(|bits| u16::try_from(bits).ok())
        .ok_or(Error::BadData)?
        .to_be_bytes();
    let mut out = Zeroizing::new(vec![0u8; length]);
    for (i, chunk) in (0u16..).zip(out.chunks_mut(32)) {
        let block = Zeroizing::new(hmac_sha256(kdk, &[&i.to_be_bytes(), label, &bits]));
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
    Ok(out)
}

/// The DigestInfo prefix of a hash algorithm, for PKCS#1 v1.5 signatures (catalogue §4.9).
/// `None` for hashes without one (`CALG_SSL3_SHAMD5` is signed bare; MAC and HMAC cannot be).
pub(crate) fn digest_info_prefix(alg: AlgId) -> Option<&'static [u8]> {
    const MD: [u8; 18] = [
        0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x00, 0x05,
        0x00, 0x04, 0x10,
    ];
    const MD2: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x02;
        p
    };
    const MD4: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x04;
        p
    };
    const MD5: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x05;
        p
    };
    const SHA1: [u8; 15] = [
        0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
    ];
    const SHA2: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    const SHA256: [u8; 19] = SHA2;
    const SHA384: [u8; 19] = {
        let mut p = SHA2;
        p[1] = 0x41;
        p[14] = 0x02;
        p[18] = 0x30;
        p
    };
    const SHA512: [u8; 19] = {
        let mut p = SHA2;
        p[1] = 0x51;
        p[14] = 0x03;
        p[18] = 0x40;
        p
    };
    Some(match alg {
        AlgId::MD2 => &MD2,
        AlgId::MD4 => &MD4,
        AlgId::MD5 => &MD5,
        AlgId::SHA1 => &SHA1,
        AlgId::SHA_256 => &SHA256,
        AlgId::SHA_384 => &SHA384,
        AlgId::SHA_512 => &SHA512,
        AlgId::SSL3_SHAMD5 => &[],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_the_catalogue() {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(digest_info_prefix(AlgId::MD5).unwrap()),
            "3020300c06082a864886f70d020505000410"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::MD4).unwrap()),
            "3020300c06082a864886f70d020405000410"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::SHA_384).unwrap()),
            "3041300d060960864801650304020205000430"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::SHA_512).unwrap()),
            "3051300d060960864801650304020305000440"
        );
        assert_eq!(digest_info_prefix(AlgId::HMAC), None);
    }

    #[test]
    fn generated_keys_round_trip_through_their_parts() {
        let key = RsaKey::generate(512).unwrap();
        let again = RsaKey::from_parts(&key.parts(true)).unwrap();
        let sig = key
            .sign(digest_info_prefix(AlgId::SHA1).unwrap(), &[7; 20])
            .unwrap();
        assert_eq!(sig.len(), 64);
        assert!(again.verify(digest_info_prefix(AlgId::SHA1).unwrap(), &[7; 20], &sig));
        assert!(!again.verify(&[], &[7; 20], &sig));
        let ct = again.encrypt(b"session key", false).unwrap();
        assert_eq!(
            &key.decrypt(&ct, false, Pkcs1Rejection::Explicit).unwrap()[..],
            b"session key"
        );
        let ct = again.encrypt(b"session key", true).unwrap();
        assert_eq!(
            &key.decrypt(&ct, true, Pkcs1Rejection::Implicit).unwrap()[..],
            b"session key"
        );
        assert!(matches!(key.encrypt(&[0; 54], false), Err(Error::BadLen)));
        assert!(matches!(key.encrypt(&[0; 23], true), Err(Error::BadLen)));
    }

    #[test]
    fn x931_representatives_and_round_trip() {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let ir = x931_message(0x33, &[0x11; 20], 26).unwrap();
        assert_eq!(hex(&ir), format!("6bbbbbba{}33cc", "11".repeat(20)));
        let ir = x931_message(0x33, &[0x11; 20], 24).unwrap();
        assert_eq!(hex(&ir), format!("6bba{}33cc", "11".repeat(20)));
        let ir = x931_message(0x33, &[0x11; 20], 23).unwrap();
        assert_eq!(hex(&ir), format!("6a{}33cc", "11".repeat(20)));
        assert!(x931_message(0x33, &[0x11; 20], 22).is_none());
        assert_eq!(hex(&sub_be(&[1, 0, 0], &[0, 0, 1])), "00ffff");

        let key = RsaKey::generate(512).unwrap();
        let sig = key.sign_x931(0x33, &[7; 20]).unwrap();
        assert_eq!(sig.len(), 64);
        assert!(key.verify_x931(0x33, &[7; 20], &sig));
        assert!(!key.verify_x931(0x34, &[7; 20], &sig));
        assert!(!key.verify_x931(0x33, &[8; 20], &sig));
        // The other square root of the representative, n - σ, verifies too.
        let mut sig_be = sig.clone();
        sig_be.reverse();
        let mut other = sub_be(&key.modulus_be(), &sig_be);
        other.reverse();
        assert!(key.verify_x931(0x33, &[7; 20], &other));
        // σ is the smaller of the two.
        assert!(less_be(&sig_be, &sub_be(&key.modulus_be(), &sig_be)));
    }

    #[test]
    fn bad_padding_is_reported_only_when_asked() {
        let key = RsaKey::generate(512).unwrap();
        let garbage = vec![0x42u8; 64];
        assert!(matches!(
            key.decrypt(&garbage, false, Pkcs1Rejection::Explicit),
            Err(Error::BadData)
        ));
        let a = key
            .decrypt(&garbage, false, Pkcs1Rejection::Implicit)
            .unwrap();
        let b = key
            .decrypt(&garbage, false, Pkcs1Rejection::Implicit)
            .unwrap();
        assert_eq!(a, b, "implicit rejection is deterministic");
    }
}
