//! The discrete-logarithm arithmetic behind DSS and Diffie-Hellman keys: groups `(p, q, g)` over
//! `crypto-bigint`'s fixed-size integers, FIPS 186-2 domain parameter generation and validation,
//! exponentiation, and random exponents.
//!
//! # Size classes
//!
//! As in the RSA arithmetic, every number lives in a fixed-size `Uint<L>` on the stack (or in
//! this crate's own wiping structures), never in a heap integer whose freed memory nobody wipes.
//! [`dispatch!`] picks the class of a `bits`-bit modulus: 512, 1024, 2048, 3072 or 4096 bits.
//! DSS keys always use the 1024-bit class ([`DSA_LIMBS`]).
//!
//! # What is constant-time
//!
//! Exponentiations with a secret exponent (the private value `x`, a signature's `k`) are
//! `crypto-bigint`'s constant-time fixed-window ones, bounded by a public bit length (that of
//! `q`, or of `p`); reductions of secret values use its constant-time division; the inverse of
//! `k` is its constant-time `safegcd` inversion. The only branches are on public values (the
//! group, public keys, signatures, sizes) or on fresh random values that are then discarded
//! (rejection sampling).
//!
//! Parameter generation and validation work on public numbers only and run in variable time.

use std::num::NonZeroU32;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{CtLt, Limb, NonZero, Odd, Uint, nlimbs};
use crypto_primes::Flavor;
use crypto_primes::hazmat::{MillerRabin, minimum_mr_iterations};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::bigint::small_primes;
pub(super) use crate::bigint::{bit_width_le, from_be, from_le, random_bits, write_le};
use crate::error::{Error, Result};

/// The limbs of a DSS group: p of up to 1024 bits.
pub(super) const DSA_LIMBS: usize = nlimbs(1024);
/// Bits of a FIPS 186-2 subgroup order q.
pub(super) const Q_BITS: u32 = 160;
/// Bytes of q (and of x, r and s) in DSS blobs and signatures.
pub(super) const Q_LEN: usize = 20;
/// The limbs that test a candidate q for primality.
const Q_LIMBS: usize = nlimbs(160);
/// The largest modulus of any class, in bits.
pub(super) const MAX_GROUP_BITS: u32 = 4096;
/// FIPS 186-2 gives up on a SEED after this many candidates for p.
pub(super) const MAX_COUNTER: u32 = 4096;

/// Runs `$f::<L>($args)` for the size class of a `$bits`-bit modulus: the smallest of 512, 1024,
/// 2048, 3072 and 4096 bits that holds it. `$none` for larger ones.
macro_rules! dispatch {
    ($bits:expr, $f:ident($($arg:expr),* $(,)?), $none:expr) => {
        match $bits {
            0..=512 => $f::<{ crypto_bigint::nlimbs(512) }>($($arg),*),
            513..=1024 => $f::<{ crypto_bigint::nlimbs(1024) }>($($arg),*),
            1025..=2048 => $f::<{ crypto_bigint::nlimbs(2048) }>($($arg),*),
            2049..=3072 => $f::<{ crypto_bigint::nlimbs(3072) }>($($arg),*),
            3073..=4096 => $f::<{ crypto_bigint::nlimbs(4096) }>($($arg),*),
            _ => $none,
        }
    };
}
pub(super) use dispatch;

// ---------------------------------------------------------------------------------------------
// Groups

/// A discrete-logarithm group: the prime modulus p, the generator g and, when known, the order
/// q of the subgroup g generates. All public.
#[derive(Clone, Copy)]
pub(super) struct Group<const L: usize> {
    /// Bits of p: p has exactly this many.
    bits: u32,
    p: FixedMontyParams<L>,
    g: Uint<L>,
    q: Option<Subgroup<L>>,
}

/// The order q of the subgroup, with its Montgomery parameters for arithmetic modulo q.
#[derive(Clone, Copy)]
struct Subgroup<const L: usize> {
    params: FixedMontyParams<L>,
    bits: u32,
}

impl<const L: usize> Group<L> {
    /// The group of little-endian `p`, `g` and `q`. `NTE_BAD_DATA` unless p is odd with exactly
    /// `bits` bits (at least 16), 1 < g < p − 1 and, when q is given, q is odd, 1 < q < p,
    /// q divides p − 1 and g^q ≡ 1 (mod p): FIPS 186-3 §A.2.2's partial validation of g.
    /// Primality is not tested (see [`fips186_2_verify`] for that).
    pub(super) fn new(bits: u32, p_le: &[u8], g_le: &[u8], q_le: Option<&[u8]>) -> Result<Self> {
        let p = from_le::<L>(p_le).ok_or(Error::BadData)?;
        let g = from_le::<L>(g_le).ok_or(Error::BadData)?;
        if bits < 16 || p.bit_width_vartime() != bits {
            return Err(Error::BadData);
        }
        let p = Odd::new(p).into_option().ok_or(Error::BadData)?;
        let p_minus_1 = p.as_ref().wrapping_sub(&Uint::ONE);
        if g.cmp_vartime(&Uint::ONE).is_le() || g.cmp_vartime(&p_minus_1).is_ge() {
            return Err(Error::BadData);
        }
        let params = FixedMontyParams::new_vartime(p);
        let q = match q_le {
            None => None,
            Some(q_le) => {
                let q = from_le::<L>(q_le).ok_or(Error::BadData)?;
                if q.cmp_vartime(&Uint::ONE).is_le() || q.cmp_vartime(p.as_ref()).is_ge() {
                    return Err(Error::BadData);
                }
                let q_bits = q.bit_width_vartime();
                let q = Odd::new(q).into_option().ok_or(Error::BadData)?;
                let divides = p_minus_1.rem_vartime(q.as_nz_ref()).is_zero_vartime();
                let order = FixedMontyForm::new(&g, &params)
                    .pow_vartime(q.as_ref())
                    .retrieve();
                if !divides || order != Uint::ONE {
                    return Err(Error::BadData);
                }
                Some(Subgroup {
                    params: FixedMontyParams::new_vartime(q),
                    bits: q_bits,
                })
            }
        };
        Ok(Group {
            bits,
            p: params,
            g,
            q,
        })
    }

    /// Bits of p.
    pub(super) fn bits(&self) -> u32 {
        self.bits
    }

    /// Bytes of p (and of g and y in the blobs).
    pub(super) fn len(&self) -> usize {
        self.bits.div_ceil(8) as usize
    }

    pub(super) fn p(&self) -> &Uint<L> {
        self.p.modulus().as_ref()
    }

    /// Montgomery parameters modulo p.
    pub(super) fn p_params(&self) -> &FixedMontyParams<L> {
        &self.p
    }

    pub(super) fn g(&self) -> &Uint<L> {
        &self.g
    }

    /// q, when known.
    pub(super) fn q(&self) -> Option<&Uint<L>> {
        self.q.as_ref().map(|q| q.params.modulus().as_ref())
    }

    /// Bits of q, when known.
    pub(super) fn q_bits(&self) -> Option<u32> {
        self.q.as_ref().map(|q| q.bits)
    }

    /// Montgomery parameters modulo q, when known.
    pub(super) fn q_params(&self) -> Option<&FixedMontyParams<L>> {
        self.q.as_ref().map(|q| &q.params)
    }

    /// The public bound on private exponents, in bits: q's width when q is known, else p's
    /// (an imported x may be as wide as p; generated ones are a bit shorter).
    pub(super) fn exponent_bits(&self) -> u32 {
        self.q_bits().unwrap_or(self.bits)
    }

    /// `base^exponent mod p` for an `exponent` below 2^exponent_bits, constant-time in both
    /// (`exponent_bits` is public). `base` must be below p.
    pub(super) fn pow(&self, base: &Uint<L>, exponent: &Uint<L>, exponent_bits: u32) -> Uint<L> {
        let base = Zeroizing::new(FixedMontyForm::new(base, &self.p));
        let power = Zeroizing::new(base.pow_bounded_exp(exponent, exponent_bits));
        power.retrieve()
    }

    /// `g^exponent mod p`, as [`Group::pow`].
    pub(super) fn pow_g(&self, exponent: &Uint<L>) -> Uint<L> {
        self.pow(&self.g, exponent, self.exponent_bits())
    }

    /// Whether `y` is a valid public value of the group: 1 < y < p − 1 and, when q is known,
    /// y^q ≡ 1 (mod p) (NIST SP 800-56A §5.6.2.3.1's full validation). Variable-time: `y` is
    /// public.
    pub(super) fn is_public_value(&self, y: &Uint<L>) -> bool {
        let p_minus_1 = self.p().wrapping_sub(&Uint::ONE);
        if y.cmp_vartime(&Uint::ONE).is_le() || y.cmp_vartime(&p_minus_1).is_ge() {
            return false;
        }
        match self.q() {
            None => true,
            Some(q) => FixedMontyForm::new(y, &self.p).pow_vartime(q).retrieve() == Uint::ONE,
        }
    }

    /// Whether a private exponent is in range: 1 ≤ x < q when q is known (FIPS 186-2 §4,
    /// SP 800-56A §5.6.1.1), else 1 < x < p − 1. Constant-time in `x`.
    pub(super) fn is_private_value(&self, x: &Uint<L>) -> bool {
        let upper = match self.q() {
            Some(q) => *q,
            None => self.p().wrapping_sub(&Uint::ONE),
        };
        let lower = if self.q.is_some() {
            Uint::ONE
        } else {
            Uint::from_u32(2)
        };
        (!x.ct_lt(&lower) & x.ct_lt(&upper)).to_bool()
    }

    /// A uniformly random private exponent: in [1, q − 1] when q is known, else in
    /// [2, 2^(bits − 1)) (a full-length exponent, as OpenSSL draws one without q; below
    /// p − 1). `NTE_FAIL` when the randomness fails.
    pub(super) fn random_exponent(&self) -> Result<Zeroizing<Uint<L>>> {
        match self.q() {
            Some(q) => random_below(q),
            None => loop {
                let x = random_bits::<L>(self.bits - 1)?;
                // Rejection sampling on a value that is then discarded.
                if !x.ct_lt(&Uint::from_u32(2)).to_bool() {
                    return Ok(x);
                }
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FIPS 186-2 domain parameters (Appendix 2.2 and 4)

/// Domain parameters made from a SEED as FIPS 186-2 Appendix 2.2 makes them.
pub(super) struct FipsParams<const L: usize> {
    pub(super) p: Uint<L>,
    pub(super) q: Uint<L>,
    pub(super) g: Uint<L>,
    /// The SEED, big-endian as FIPS 186-2 writes it (a `DSSSEED` stores it reversed).
    pub(super) seed: [u8; Q_LEN],
    pub(super) counter: u32,
}

/// Whether FIPS 186-2 generation is defined here for a `bits`-bit p: a multiple of 64 from 512
/// up to [`MAX_GROUP_BITS`] (FIPS 186-2 itself stops at 1024; Diffie-Hellman groups of the
/// Enhanced provider go further, with the same construction).
pub(super) fn fips_bits_supported(bits: u32) -> bool {
    (512..=MAX_GROUP_BITS).contains(&bits) && bits.is_multiple_of(64)
}

/// Generates p (`bits` bits), q (160 bits) and g from fresh random SEEDs, exactly as FIPS 186-2
/// Appendix 2.2 does, then g = h^((p − 1)/q) mod p for the first h = 2, 3, ... giving g > 1
/// (Appendix 4). `NTE_BAD_DATA` for an unsupported size, `NTE_FAIL` when the randomness fails.
/// Variable-time and slow at the top: milliseconds at 512 bits, tens at 1024, seconds at 4096
/// (optimised).
pub(super) fn fips186_2_generate<const L: usize>(bits: u32) -> Result<FipsParams<L>> {
    if !fips_bits_supported(bits) || bits > Uint::<L>::BITS {
        return Err(Error::BadData);
    }
    loop {
        let mut seed = [0u8; Q_LEN];
        getrandom::fill(&mut seed).map_err(|_| Error::Fail)?;
        if let Some((p, q, counter)) = fips186_2_from_seed::<L>(bits, &seed)? {
            let g = fips186_2_generator(&p, &q)?;
            return Ok(FipsParams {
                p,
                q,
                g,
                seed,
                counter,
            });
        }
    }
}

/// Steps 2 to 14 of FIPS 186-2 Appendix 2.2 for one SEED (big-endian, 160 bits): p, q and the
/// counter, or `None` when the SEED gives a composite q or no prime p within 4096 candidates.
pub(super) fn fips186_2_from_seed<const L: usize>(
    bits: u32,
    seed: &[u8; Q_LEN],
) -> Result<Option<(Uint<L>, Uint<L>, u32)>> {
    if !fips_bits_supported(bits) || bits > Uint::<L>::BITS {
        return Err(Error::BadData);
    }
    let Some(q) = fips_q::<L>(seed)? else {
        return Ok(None);
    };
    let two_q = NonZero::new(q.wrapping_add(&q))
        .into_option()
        .ok_or(Error::Fail)?;
    let n = (bits - 1) / Q_BITS;
    for counter in 0..MAX_COUNTER {
        let p = fips_p_candidate::<L>(bits, seed, 2 + counter * (n + 1), &two_q);
        if p.bit_width_vartime() == bits && is_probable_prime(&p)? {
            return Ok(Some((p, q, counter)));
        }
    }
    Ok(None)
}

/// Whether p (`bits` bits) and q are what FIPS 186-2 Appendix 2.2 makes from `seed`
/// (big-endian) at `counter`: q is SHA-1(SEED) ⊕ SHA-1(SEED + 1) with its top and bottom bits
/// set, and prime; the candidates for p before `counter` are all composite (or too short);
/// candidate `counter` is p, and prime. This is FIPS 186-3 §A.1.1.3's validation of FIPS 186-2
/// parameters, for any supported size. Variable-time (public values); up to 4096 candidates.
pub(super) fn fips186_2_verify<const L: usize>(
    bits: u32,
    p: &Uint<L>,
    q: &Uint<L>,
    seed: &[u8; Q_LEN],
    counter: u32,
) -> Result<bool> {
    if !fips_bits_supported(bits) || bits > Uint::<L>::BITS || counter >= MAX_COUNTER {
        return Ok(false);
    }
    let Some(computed_q) = fips_q::<L>(seed)? else {
        return Ok(false);
    };
    if &computed_q != q || p.bit_width_vartime() != bits {
        return Ok(false);
    }
    let two_q = NonZero::new(q.wrapping_add(q))
        .into_option()
        .ok_or(Error::Fail)?;
    let n = (bits - 1) / Q_BITS;
    // The candidate at `counter` first: a mismatch is caught without testing any prime.
    if &fips_p_candidate::<L>(bits, seed, 2 + counter * (n + 1), &two_q) != p
        || !is_probable_prime(p)?
    {
        return Ok(false);
    }
    for earlier in 0..counter {
        let candidate = fips_p_candidate::<L>(bits, seed, 2 + earlier * (n + 1), &two_q);
        if candidate.bit_width_vartime() == bits && is_probable_prime(&candidate)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// g = h^((p − 1)/q) mod p for the first h ≥ 2 that gives g > 1 (FIPS 186-2 Appendix 4).
pub(super) fn fips186_2_generator<const L: usize>(p: &Uint<L>, q: &Uint<L>) -> Result<Uint<L>> {
    let p_odd = Odd::new(*p).into_option().ok_or(Error::Fail)?;
    let q_nz = NonZero::new(*q).into_option().ok_or(Error::Fail)?;
    let (exponent, _) = p.wrapping_sub(&Uint::ONE).div_rem_vartime(&q_nz);
    let params = FixedMontyParams::new_vartime(p_odd);
    for h in 2u32..1024 {
        let g = FixedMontyForm::new(&Uint::from_u32(h), &params)
            .pow_vartime(&exponent)
            .retrieve();
        if g.cmp_vartime(&Uint::ONE).is_gt() {
            return Ok(g);
        }
    }
    Err(Error::Fail)
}

/// Steps 2 to 4: q from the SEED, `None` when it is composite.
fn fips_q<const L: usize>(seed: &[u8; Q_LEN]) -> Result<Option<Uint<L>>> {
    let a = Sha1::digest(seed);
    let b = Sha1::digest(seed_plus(seed, 1));
    let mut u = [0u8; Q_LEN];
    for (out, (x, y)) in u.iter_mut().zip(a.iter().zip(b.iter())) {
        *out = x ^ y;
    }
    u[0] |= 0x80;
    u[Q_LEN - 1] |= 1;
    let small = from_be::<Q_LIMBS>(&u).ok_or(Error::Fail)?;
    if !is_probable_prime(&small)? {
        return Ok(None);
    }
    Ok(from_be::<L>(&u))
}

/// Steps 7 to 9 for one `offset`: W from SHA-1(SEED + offset + k), X = W + 2^(L − 1),
/// p = X − (X mod 2q − 1).
fn fips_p_candidate<const L: usize>(
    bits: u32,
    seed: &[u8; Q_LEN],
    offset: u32,
    two_q: &NonZero<Uint<L>>,
) -> Uint<L> {
    let len = (bits / 8) as usize;
    let n = (bits - 1) / Q_BITS;
    let mut w = vec![0u8; len];
    for k in 0..=n {
        let v = Sha1::digest(seed_plus(seed, offset + k));
        // V_k, little-endian, at bit 160·k; what lies past bit L − 2 is cut off.
        let at = k as usize * Q_LEN;
        for (slot, byte) in w.iter_mut().skip(at).zip(v.iter().rev()) {
            *slot = *byte;
        }
    }
    // W mod 2^(L − 1), plus 2^(L − 1): bit L − 1 is the top bit of the last byte.
    if let Some(top) = w.last_mut() {
        *top |= 0x80;
    }
    let x = from_le::<L>(&w).unwrap_or(Uint::ZERO);
    let c = x.rem_vartime(two_q);
    x.wrapping_sub(&c).wrapping_add(&Uint::ONE)
}

/// (SEED + k) mod 2^160, big-endian.
fn seed_plus(seed: &[u8; Q_LEN], k: u32) -> [u8; Q_LEN] {
    let mut out = *seed;
    let mut carry = u64::from(k);
    for byte in out.iter_mut().rev() {
        carry += u64::from(*byte);
        *byte = carry as u8;
        carry >>= 8;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Primes

/// How many odd primes the trial division tries.
const TRIAL_PRIMES: usize = 256;
/// The first [`TRIAL_PRIMES`] odd primes.
static SMALL_PRIMES: [u32; TRIAL_PRIMES] = small_primes::<TRIAL_PRIMES>();

/// Whether a public candidate is prime: trial division by the small primes,
/// Baillie–PSW, then the random-base Miller–Rabin rounds that bound the error below 2⁻¹⁰⁰
/// (FIPS 186-2 asks for 2⁻⁸⁰). Variable-time. `NTE_FAIL` when the randomness fails.
pub(super) fn is_probable_prime<const N: usize>(candidate: &Uint<N>) -> Result<bool> {
    let Some(odd) = Odd::new(*candidate).into_option() else {
        return Ok(false);
    };
    for &prime in &SMALL_PRIMES {
        if candidate.cmp_vartime(&Uint::from_u32(prime)).is_le() {
            return Ok(candidate == &Uint::from_u32(prime));
        }
        let divisor = NonZero::<Limb>::from(NonZeroU32::new(prime).ok_or(Error::Fail)?);
        if candidate.rem_limb(divisor) == Limb::ZERO {
            return Ok(false);
        }
    }
    if !crypto_primes::is_prime(Flavor::Any, candidate) {
        return Ok(false);
    }
    let test = MillerRabin::new(odd);
    let width = candidate.bit_width_vartime();
    let rounds = minimum_mr_iterations(width, 100).unwrap_or(64);
    for _ in 0..rounds {
        // A base in [2, 2^(width − 1)): below the candidate, whose top bit is set.
        let base = loop {
            let base = random_bits::<N>(width - 1)?;
            if !base.ct_lt(&Uint::from_u32(2)).to_bool() {
                break base;
            }
        };
        if test.test(&base).is_composite() {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Random numbers

/// A uniformly random number in [1, bound − 1], by rejection sampling over bound's bit width
/// (fewer than two draws on average). `NTE_FAIL` when the randomness fails.
pub(super) fn random_below<const L: usize>(bound: &Uint<L>) -> Result<Zeroizing<Uint<L>>> {
    let bits = bound.bit_width_vartime();
    if bits < 2 {
        return Err(Error::Fail);
    }
    loop {
        let x = random_bits::<L>(bits)?;
        // Rejection sampling on a value that is then discarded.
        if (x.ct_lt(bound) & !x.is_zero()).to_bool() {
            return Ok(x);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers and bytes

/// `x` little-endian at `len` bytes (a public value). `NTE_BAD_DATA` when it does not fit.
pub(super) fn le_bytes<const L: usize>(x: &Uint<L>, len: usize) -> Result<Vec<u8>> {
    let mut out = vec![0u8; len];
    if !write_le(x, &mut out) {
        return Err(Error::BadData);
    }
    Ok(out)
}

/// `x` little-endian at `len` bytes, in a wiping buffer (a secret value). `NTE_BAD_DATA` when
/// it does not fit.
pub(super) fn le_secret<const L: usize>(x: &Uint<L>, len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    if !write_le(x, &mut out) {
        return Err(Error::BadData);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_add_with_carry_modulo_2_160() {
        let mut seed = [0u8; Q_LEN];
        seed[Q_LEN - 1] = 0xff;
        let next = seed_plus(&seed, 1);
        assert_eq!(&next[Q_LEN - 2..], &[1, 0]);
        assert_eq!(seed_plus(&[0xff; Q_LEN], 2), {
            let mut wrapped = [0u8; Q_LEN];
            wrapped[Q_LEN - 1] = 1;
            wrapped
        });
    }

    #[test]
    fn small_numbers_are_classified_right() {
        const L: usize = nlimbs(64);
        let primes = [3u32, 5, 97, 65537, 1_000_003];
        for p in primes {
            assert!(is_probable_prime(&Uint::<L>::from_u32(p)).unwrap(), "{p}");
        }
        for c in [1u32, 4, 9, 91, 65535, 1_000_001] {
            assert!(!is_probable_prime(&Uint::<L>::from_u32(c)).unwrap(), "{c}");
        }
        // Past the trial primes (the 256th odd prime is 1621): 1627² and 1627·1637.
        assert!(!is_probable_prime(&Uint::<L>::from_u32(1627 * 1627)).unwrap());
        assert!(!is_probable_prime(&Uint::<L>::from_u32(1627 * 1637)).unwrap());
        assert!(is_probable_prime(&Uint::<L>::from_u32(1627)).unwrap());
    }

    #[test]
    fn random_values_stay_in_range() {
        const L: usize = nlimbs(256);
        let bound = Uint::<L>::from_u32(5);
        for _ in 0..200 {
            let x = random_below(&bound).unwrap();
            assert!(*x >= Uint::ONE && *x < bound);
        }
        for bits in [1u32, 7, 8, 9, 160, 255] {
            let x = random_bits::<L>(bits).unwrap();
            assert!(x.bit_width_vartime() <= bits);
        }
    }

    #[test]
    fn groups_refuse_what_fips_186_3_a_2_2_refuses() {
        const L: usize = nlimbs(64);
        // p = 23, q = 11, g = 2 (2^11 = 2048 = 89·23 + 1).
        let le = |x: u32| x.to_le_bytes().to_vec();
        let group = Group::<L>::new(5, &le(23), &le(2), Some(&le(11)));
        assert!(matches!(group, Err(Error::BadData)), "16 bits at least");
        // A 17-bit prime p = 65543 = 2·32771 + 1 (32771 prime), g = 4 of order 32771.
        let good = Group::<L>::new(17, &le(65543), &le(4), Some(&le(32771))).unwrap();
        assert_eq!(good.exponent_bits(), 16);
        assert!(good.is_public_value(&Uint::from_u32(16)));
        assert!(!good.is_public_value(&Uint::from_u32(65542)));
        assert!(!good.is_public_value(&Uint::ONE));
        // 5 is a generator of the whole group, not of the order-32771 subgroup.
        assert!(Group::<L>::new(17, &le(65543), &le(5), Some(&le(32771))).is_err());
        assert!(Group::<L>::new(17, &le(65543), &le(65542), None).is_err());
        assert!(
            Group::<L>::new(17, &le(65544), &le(4), None).is_err(),
            "even p"
        );
        assert!(
            Group::<L>::new(18, &le(65543), &le(4), None).is_err(),
            "wrong width"
        );
        assert!(Group::<L>::new(17, &le(65543), &le(4), Some(&le(3))).is_err());
        assert!(good.is_private_value(&Uint::ONE));
        assert!(!good.is_private_value(&Uint::from_u32(32771)));
        assert!(!good.is_private_value(&Uint::ZERO));
    }

    /// FIPS 186-2 Appendix 5: the SEED d5014e4b... gives q = c773218c... and, at counter 105,
    /// the 512-bit p = 8df2a494...; g from h = 2 is 626d0278... (the suite checks the whole
    /// vector from its data file; this is the same check at the arithmetic's level).
    #[test]
    fn the_fips_186_2_example_comes_out_of_its_seed() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let seed: [u8; Q_LEN] = hex("d5014e4b60ef2ba8b6211b4062ba3224e0427dd3")
            .try_into()
            .unwrap();
        let (p, q, counter) = fips186_2_from_seed::<DSA_LIMBS>(512, &seed)
            .unwrap()
            .unwrap();
        assert_eq!(counter, 105);
        assert_eq!(
            q,
            from_be(&hex("c773218c737ec8ee993b4f2ded30f48edace915f")).unwrap()
        );
        let expected_p = "8df2a494492276aa3d25759bb06869cbeac0d83afb8d0cf7cbb8324f0d7882e5\
                          d0762fc5b7210eafc2e9adac32ab7aac49693dfbf83724c2ec0736ee31c80291";
        assert_eq!(p, from_be(&hex(expected_p)).unwrap());
        let g = fips186_2_generator(&p, &q).unwrap();
        let expected_g = "626d027839ea0a13413163a55b4cb500299d5522956cefcb3bff10f399ce2c2e\
                          71cb9de5fa24babf58e5b79521925c9cc42e9f6f464b088cc572af53e6d78802";
        assert_eq!(g, from_be(&hex(expected_g)).unwrap());
        assert!(fips186_2_verify(512, &p, &q, &seed, 105).unwrap());
        assert!(!fips186_2_verify(512, &p, &q, &seed, 104).unwrap());
        assert!(!fips186_2_verify(512, &p, &q, &seed_plus(&seed, 1), 105).unwrap());
        assert!(!fips186_2_verify(576, &p, &q, &seed, 105).unwrap());
    }

    #[test]
    fn byte_conversions_round_trip() {
        let bytes: Vec<u8> = (1..=20).collect();
        let x = from_le::<{ nlimbs(256) }>(&bytes).unwrap();
        assert_eq!(le_bytes(&x, 20).unwrap(), bytes);
        assert!(le_bytes(&x, 19).is_err());
        let y = from_be::<{ nlimbs(256) }>(&bytes).unwrap();
        let mut back = le_bytes(&y, 20).unwrap();
        back.reverse();
        assert_eq!(back, bytes);
        assert!(from_le::<1>(&[1; 30]).is_none());
        assert_eq!(bit_width_le(&[0xff, 0x01, 0]), 9);
    }
}
