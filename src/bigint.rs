//! Fixed-size integer helpers shared by the RSA and DSS/DH arithmetic (`rsa::arith`,
//! `dss::arith`): byte conversions, random numbers and the small primes of trial division.

use crypto_bigint::{Limb, Uint, Word};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const WORD_BYTES: usize = size_of::<Word>();

/// The first `N` odd primes (3, 5, 7, ...), computed at compile time.
pub(crate) const fn small_primes<const N: usize>() -> [u32; N] {
    let mut out = [0u32; N];
    let mut count = 0;
    let mut candidate = 3u32;
    while count < N {
        let mut i = 0;
        let mut prime = true;
        while i < count && out[i] * out[i] <= candidate {
            if candidate.is_multiple_of(out[i]) {
                prime = false;
                break;
            }
            i += 1;
        }
        if prime {
            out[count] = candidate;
            count += 1;
        }
        candidate += 2;
    }
    out
}

/// A uniformly random number below 2^bits (wiped on drop). `NTE_FAIL` when the randomness
/// fails.
pub(crate) fn random_bits<const L: usize>(bits: u32) -> Result<Zeroizing<Uint<L>>> {
    let len = bits.div_ceil(8) as usize;
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    getrandom::fill(&mut bytes).map_err(|_| Error::Fail)?;
    if let Some(top) = bytes.last_mut() {
        let spare = (len * 8) as u32 - bits;
        *top &= 0xff >> spare;
    }
    Ok(Zeroizing::new(from_le::<L>(&bytes).ok_or(Error::Fail)?))
}

/// The bit width of a little-endian number (public values only: variable time).
pub(crate) fn bit_width_le(bytes: &[u8]) -> u32 {
    match bytes.iter().rposition(|&b| b != 0) {
        None => 0,
        Some(i) => i as u32 * 8 + (8 - bytes[i].leading_zeros()),
    }
}

/// A little-endian number, `None` when it does not fit in `L` limbs.
pub(crate) fn from_le<const L: usize>(bytes: &[u8]) -> Option<Uint<L>> {
    let mut x = Uint::<L>::ZERO;
    let limbs = x.as_mut_limbs();
    let mut overflow = 0u8;
    for (i, &byte) in bytes.iter().enumerate() {
        match limbs.get_mut(i / WORD_BYTES) {
            Some(limb) => limb.0 |= Word::from(byte) << (8 * (i % WORD_BYTES)),
            None => overflow |= byte,
        }
    }
    (overflow == 0).then_some(x)
}

/// A big-endian number, `None` when it does not fit in `L` limbs.
pub(crate) fn from_be<const L: usize>(bytes: &[u8]) -> Option<Uint<L>> {
    let mut x = Uint::<L>::ZERO;
    let limbs = x.as_mut_limbs();
    let mut overflow = 0u8;
    for (i, &byte) in bytes.iter().rev().enumerate() {
        match limbs.get_mut(i / WORD_BYTES) {
            Some(limb) => limb.0 |= Word::from(byte) << (8 * (i % WORD_BYTES)),
            None => overflow |= byte,
        }
    }
    (overflow == 0).then_some(x)
}

/// Writes the low `out.len()` bytes of `limbs` little-endian; whether nothing was cut off.
pub(crate) fn write_limbs_le(limbs: &[Limb], out: &mut [u8]) -> bool {
    let mut overflow: Word = 0;
    for (i, limb) in limbs.iter().enumerate() {
        for j in 0..WORD_BYTES {
            let byte = (limb.0 >> (8 * j)) as u8;
            match out.get_mut(i * WORD_BYTES + j) {
                Some(slot) => *slot = byte,
                None => overflow |= Word::from(byte),
            }
        }
    }
    overflow == 0
}

/// Writes the low `out.len()` bytes of `x` little-endian; whether nothing was cut off.
pub(crate) fn write_le<const L: usize>(x: &Uint<L>, out: &mut [u8]) -> bool {
    write_limbs_le(x.as_limbs(), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_small_primes_are_the_odd_primes() {
        assert_eq!(small_primes::<8>(), [3, 5, 7, 11, 13, 17, 19, 23]);
        assert_eq!(small_primes::<256>()[255], 1621);
    }

    #[test]
    fn bytes_round_trip_and_overflow_is_reported() {
        let x = from_le::<1>(&[1, 2, 3]).unwrap();
        assert_eq!(x, from_be::<1>(&[3, 2, 1]).unwrap());
        let mut out = [0u8; 3];
        assert!(write_le(&x, &mut out));
        assert_eq!(out, [1, 2, 3]);
        assert!(!write_le(&x, &mut [0u8; 2]));
        assert!(from_le::<1>(&[1; 9]).is_none());
        assert_eq!(bit_width_le(&[0xff, 0x01, 0]), 9);
        assert_eq!(bit_width_le(&[0, 0]), 0);
    }
}
