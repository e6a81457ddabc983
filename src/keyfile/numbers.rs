//! The numbers of an RSA key, as key files carry them: byte-order conversions, the checks that
//! every key read passes, and the private exponent rebuilt when a `PRIVATEKEYBLOB` cut it short.
//!
//! The numbers live in [`RsaParts`] exactly as a key BLOB stores them: little-endian, the
//! modulus and private exponent at `(bits + 7) / 8` bytes, the other private numbers at
//! `(bits + 15) / 16`, secrets in [`Zeroizing`] buffers. Every big integer made here from a
//! secret is a [`Zeroizing`] `BoxedUint`, so that it is wiped when dropped.

use crypto_bigint::{BoxedUint, ConcatenatingMul, CtEq, CtLt, Integer, NonZero, Resize};
use zeroize::Zeroizing;

use crate::blob::{MAX_RSA_BITS, RsaParts, rsa_lengths};
use crate::error::{Error, Result};

/// The smallest modulus a key file may hold, in bits (as `CryptImportKey` takes).
pub(super) const MIN_RSA_BITS: u32 = 256;

type Num = Zeroizing<BoxedUint>;

/// The bit length of a big-endian number (leading zero bytes allowed).
pub(super) fn be_bit_len(be: &[u8]) -> u32 {
    let be = trim_be(be);
    match be.first() {
        None => 0,
        Some(&top) => {
            let bytes = u32::try_from(be.len()).unwrap_or(u32::MAX / 8);
            bytes.saturating_sub(1).saturating_mul(8) + (8 - top.leading_zeros())
        }
    }
}

/// A big-endian number without its leading zero bytes.
pub(super) fn trim_be(be: &[u8]) -> &[u8] {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    &be[start..]
}

/// A big-endian number as little-endian bytes at exactly `len` bytes (zero-padded), in a
/// wiping buffer. `NTE_BAD_DATA` when it does not fit.
pub(super) fn le_fixed(be: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let be = trim_be(be);
    if be.len() > len {
        return Err(Error::BadData);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(len));
    out.extend(be.iter().rev());
    out.resize(len, 0);
    Ok(out)
}

/// A little-endian number as big-endian bytes without leading zeros (at least one byte), in a
/// wiping buffer.
pub(super) fn be_trimmed(le: &[u8]) -> Zeroizing<Vec<u8>> {
    let used = le.iter().rposition(|&b| b != 0).map_or(1, |i| i + 1);
    let mut out = Zeroizing::new(Vec::with_capacity(used));
    out.extend(le[..used.min(le.len())].iter().rev());
    if out.is_empty() {
        out.push(0);
    }
    out
}

/// The precision all of a key's numbers are computed at: the modulus length in whole limbs.
fn precision(bits: u32) -> u32 {
    bits.div_ceil(64).max(1) * 64
}

fn num(le: &[u8], precision: u32) -> Result<Num> {
    BoxedUint::from_le_slice(le, precision)
        .map(Zeroizing::new)
        .map_err(|_| Error::BadData)
}

fn non_zero(value: &BoxedUint) -> Result<Zeroizing<NonZero<BoxedUint>>> {
    NonZero::new(value.clone())
        .into_option()
        .map(Zeroizing::new)
        .ok_or(Error::BadData)
}

/// Checks that `parts` form an RSA key this crate can write in every format, and fills in a
/// private exponent the blob cut short (`d = e⁻¹ mod λ(n)`, λ(n) = lcm(p − 1, q − 1), as the
/// crate's `CryptImportKey` does).
///
/// Public half: a modulus of 256 to 16384 bits, odd, no longer than the stated bit length,
/// held at its blob length; an odd public exponent of at least 3. Private half: odd primes with
/// `p·q = n`, `exponent1 = d mod (p − 1)` and `exponent2 = d mod (q − 1)` inverting `e` modulo
/// `p − 1` and `q − 1`, and `coefficient = q⁻¹ mod p` below `p`. Anything else is
/// `NTE_BAD_DATA`: a corrupt file gives an error, never a key that computes wrong results.
pub(super) fn check(parts: &mut RsaParts) -> Result<()> {
    if parts.bits < MIN_RSA_BITS || parts.bits > MAX_RSA_BITS {
        return Err(Error::BadData);
    }
    let (n_len, half) = rsa_lengths(parts.bits);
    if parts.modulus.len() != n_len {
        return Err(Error::BadData);
    }
    let precision = precision(parts.bits);
    let n = BoxedUint::from_le_slice(&parts.modulus, precision).map_err(|_| Error::BadData)?;
    let width = n.bit_width_vartime();
    if width < MIN_RSA_BITS || width > parts.bits || !n.is_odd().to_bool() {
        return Err(Error::BadData);
    }
    if parts.exponent < 3 || parts.exponent.is_multiple_of(2) {
        return Err(Error::BadData);
    }
    let Some(private) = parts.private.as_mut() else {
        return Ok(());
    };
    let lengths_ok = [
        &private.prime1,
        &private.prime2,
        &private.exponent1,
        &private.exponent2,
        &private.coefficient,
    ]
    .iter()
    .all(|part| part.len() == half)
        && private
            .private_exponent
            .as_ref()
            .is_none_or(|d| d.len() == n_len);
    if !lengths_ok {
        return Err(Error::BadData);
    }
    let p = num(&private.prime1, precision)?;
    let q = num(&private.prime2, precision)?;
    let dp = num(&private.exponent1, precision)?;
    let dq = num(&private.exponent2, precision)?;
    let qinv = num(&private.coefficient, precision)?;
    let three = BoxedUint::from(3u64).resize_unchecked(precision);
    let primes_ok = p.is_odd() & q.is_odd() & !p.ct_lt(&three) & !q.ct_lt(&three);
    if !primes_ok.to_bool() {
        return Err(Error::BadData);
    }
    let product = Zeroizing::new(p.concatenating_mul(&*q));
    if !product.ct_eq(&n).to_bool() {
        return Err(Error::BadData);
    }
    let one = BoxedUint::one_with_precision(precision);
    let p1 = Zeroizing::new(p.wrapping_sub(&one));
    let q1 = Zeroizing::new(q.wrapping_sub(&one));
    let p_nz = non_zero(&p)?;
    let p1_nz = non_zero(&p1)?;
    let q1_nz = non_zero(&q1)?;
    let e = BoxedUint::from(u64::from(parts.exponent)).resize_unchecked(precision);

    let d = match &private.private_exponent {
        Some(d) => num(d, precision)?,
        None => {
            let d = private_exponent(&p1, &q1, &e)?;
            let mut le = Zeroizing::new(vec![0u8; n_len]);
            let bytes = Zeroizing::new(d.to_le_bytes());
            let used = n_len.min(bytes.len());
            if bytes[used..].iter().any(|&b| b != 0) {
                return Err(Error::BadData);
            }
            le[..used].copy_from_slice(&bytes[..used]);
            private.private_exponent = Some(le);
            d
        }
    };
    let d_p = rem(&d, &p1_nz);
    let d_q = rem(&d, &q1_nz);
    let e_dp = mul_mod(&e, &dp, &p1_nz);
    let e_dq = mul_mod(&e, &dq, &q1_nz);
    let q_qinv = mul_mod(&qinv, &q, &p_nz);
    let consistent = d_p.ct_eq(&*dp)
        & d_q.ct_eq(&*dq)
        & e_dp.is_one()
        & e_dq.is_one()
        & q_qinv.is_one()
        & qinv.ct_lt(&*p);
    if consistent.to_bool() {
        Ok(())
    } else {
        Err(Error::BadData)
    }
}

/// `a mod m`. The quotient, which `BoxedUint::rem` would drop without wiping, is wiped too.
fn rem(a: &BoxedUint, m: &NonZero<BoxedUint>) -> Num {
    let (quotient, remainder) = a.div_rem(m);
    drop(Zeroizing::new(quotient));
    Zeroizing::new(remainder)
}

/// `a·b mod m`, the product wiped (`BoxedUint::mul_mod` drops it without wiping).
fn mul_mod(a: &BoxedUint, b: &BoxedUint, m: &NonZero<BoxedUint>) -> Num {
    let product = Zeroizing::new(a.concatenating_mul(b));
    rem(&product, m)
}

/// The greatest common divisor, by Euclid's algorithm over wiping numbers (crypto-bigint's
/// own `gcd` leaves unwiped copies of its inputs behind). Its running time depends on the
/// numbers; it runs only to rebuild a private exponent a blob left out.
fn gcd(a: &BoxedUint, b: &BoxedUint) -> Result<Num> {
    let mut a = Zeroizing::new(a.clone());
    let mut b = Zeroizing::new(b.clone());
    while !b.is_zero().to_bool() {
        let r = rem(&a, &*non_zero(&b)?);
        a = b;
        b = r;
    }
    Ok(a)
}

/// `a⁻¹ mod m` for a small modulus (the public exponent), by the extended Euclidean algorithm.
fn small_inverse(a: u64, m: u64) -> Option<u64> {
    let (mut old_r, mut r) = (i128::from(a), i128::from(m));
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    if old_r != 1 {
        return None;
    }
    u64::try_from(old_s.rem_euclid(i128::from(m))).ok()
}

/// `d = e⁻¹ mod λ(n)`, λ(n) = lcm(p − 1, q − 1), computed as `(1 + k·λ) / e` with
/// `k = −λ⁻¹ mod e` so that every big number made on the way is one of ours, wiped.
/// `NTE_BAD_DATA` when `e` has no inverse (it is no valid public exponent for these primes).
fn private_exponent(p1: &BoxedUint, q1: &BoxedUint, e: &BoxedUint) -> Result<Num> {
    let precision = p1.bits_precision();
    let g = gcd(p1, q1)?;
    let (quotient, remainder) = p1.div_rem(&*non_zero(&g)?);
    let (quotient, _remainder) = (Zeroizing::new(quotient), Zeroizing::new(remainder));
    let wide = Zeroizing::new(quotient.concatenating_mul(q1));
    // λ(n) < n: it fits the key's precision.
    if wide.bit_width_vartime() > precision {
        return Err(Error::BadData);
    }
    let lambda = Zeroizing::new((&*wide).resize_unchecked(precision));
    let e_nz = non_zero(e)?;
    let e_small = e.as_words().first().copied().map_or(0, u64::from);
    let lambda_mod_e = rem(&lambda, &e_nz);
    let lambda_mod_e = lambda_mod_e
        .as_words()
        .first()
        .copied()
        .map_or(0, u64::from);
    let inverse = small_inverse(lambda_mod_e, e_small).ok_or(Error::BadData)?;
    let k = (e_small - inverse) % e_small;
    let k = BoxedUint::from(k);
    let k_lambda = Zeroizing::new(lambda.concatenating_mul(&k));
    let numerator = Zeroizing::new(k_lambda.wrapping_add(BoxedUint::one()));
    let (d, remainder) = numerator.div_rem(&*e_nz);
    let (d, remainder) = (Zeroizing::new(d), Zeroizing::new(remainder));
    if !remainder.is_zero().to_bool() || d.bit_width_vartime() > precision {
        return Err(Error::BadData);
    }
    Ok(Zeroizing::new((&*d).resize_unchecked(precision)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inverses() {
        assert_eq!(small_inverse(3, 7), Some(5));
        assert_eq!(small_inverse(2, 4), None);
        assert_eq!(small_inverse(65536, 65537), Some(65536));
        for a in 1..200u64 {
            if let Some(inv) = small_inverse(a, 65537) {
                assert_eq!(a * inv % 65537, 1);
            }
        }
    }

    #[test]
    fn byte_order_helpers() {
        assert_eq!(be_bit_len(&[0, 0, 1]), 1);
        assert_eq!(be_bit_len(&[0x80, 0]), 16);
        assert_eq!(be_bit_len(&[]), 0);
        assert_eq!(*le_fixed(&[0, 1, 2], 4).unwrap(), [2, 1, 0, 0]);
        assert!(matches!(le_fixed(&[1, 2, 3], 2), Err(Error::BadData)));
        assert_eq!(*be_trimmed(&[2, 1, 0, 0]), [1, 2]);
        assert_eq!(*be_trimmed(&[0, 0]), [0]);
    }
}
