//! The RSA integer arithmetic: public and private operations and key generation, over
//! fixed-size `crypto-bigint` integers, so that no secret number ever lives on the heap except in
//! this crate's own structures, which wipe themselves.
//!
//! # Why fixed sizes
//!
//! `crypto-bigint`'s heap integers (`BoxedUint`) cannot be used for secrets here: their
//! Montgomery parameters (`BoxedMontyParams`) are shared `Arc`s with no `Zeroize` and no mutable
//! access to the modulus, so any arithmetic modulo p or q leaves copies of the prime in freed
//! memory. The fixed-size `Uint<LIMBS>`, `FixedMontyParams` and `FixedMontyForm` are plain
//! `Copy` values on the stack, and they implement `Zeroize`. Each key size class (see
//! [`dispatch!`]) instantiates the generic code below with its own limb counts: `P` for a
//! prime, `PB` for a prime multiplied by a 129-bit blinding factor, `N` for the modulus.
//!
//! # The private operation
//!
//! `m = c^d mod n` by the Chinese remainder theorem, with the three blindings of the `rsa`
//! crate 0.10 and its fault check, constant-time in every secret value:
//!
//! 1. base blinding: `c' = c·r^e mod n` for a fresh random `r`, each CRT half unblinded with
//!    `r⁻¹` modulo its prime;
//! 2. exponent blinding: `dp' = dp + b·(p − 1)` for a fresh random 128-bit `b` (likewise `dq'`);
//! 3. modulus blinding: the exponentiation runs modulo `p·g` for a fresh random odd 129-bit
//!    `g`, and its result is then reduced modulo p;
//! 4. recombination: `h = qinv·(m1 − m2) mod p`, `m = m2 + h·q`;
//! 5. fault check: `m^e mod n` must give `c` back, else nothing is returned (a faulty CRT half
//!    would otherwise reveal a factor of n).
//!
//! The exponentiations are `crypto-bigint`'s constant-time fixed-window ones (with almost
//! Montgomery multiplication for the long ones), reductions use its
//! constant-time division, and the only branches are on public values (sizes, the result of the
//! fault check) or on fresh random values that are then discarded (a blinding factor that has
//! no inverse).
//!
//! # Key generation
//!
//! Each prime is drawn at random with its top two bits set (so that n has exactly the requested
//! size), sieved incrementally against the first 2048 odd primes, then tested with
//! `crypto-primes`' Baillie–PSW test (Miller–Rabin to base 2 and a strong Lucas test, as the
//! `rsa` crate does) followed by the random-base Miller–Rabin rounds FIPS 186-5 asks for an
//! error probability below 2⁻¹⁰⁰, all over fixed-size integers. The sieve's residues live in a
//! wiping buffer. Generation is not constant-time, as in the `rsa` crate: the sieve and
//! `crypto-primes`' tests take a time that depends on the candidates (and the rejected ones
//! with them), which is why the arithmetic on a finished key is the constant-time code above.

use std::num::NonZeroU32;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{CtEq, CtLt, Limb, NonZero, Odd, U64, Uint, nlimbs};
use crypto_primes::Flavor;
use crypto_primes::hazmat::{MillerRabin, minimum_mr_iterations};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::bigint::{
    self, bit_width_le, from_be, from_le, random_bits, small_primes, write_limbs_le,
};
use crate::error::{Error, Result};

/// Bits of the random modulus-blinding factor `g` (odd, so 128 random bits and a low 1).
const BLIND_BITS: u32 = 129;

/// Runs `$f::<P, PB, N>($args)` for the size class of a `$bits`-bit modulus: the smallest of
/// 512, 1024, 2048, 3072, 4096, 8192 and 16384 bits that holds it. `$none` for larger ones.
macro_rules! dispatch {
    ($bits:expr, $f:ident($($arg:expr),* $(,)?), $none:expr) => {
        match $bits {
            0..=512 => $f::<{ nlimbs(256) }, { nlimbs(256 + BLIND_BITS) }, { nlimbs(512) }>($($arg),*),
            513..=1024 => $f::<{ nlimbs(512) }, { nlimbs(512 + BLIND_BITS) }, { nlimbs(1024) }>($($arg),*),
            1025..=2048 => $f::<{ nlimbs(1024) }, { nlimbs(1024 + BLIND_BITS) }, { nlimbs(2048) }>($($arg),*),
            2049..=3072 => $f::<{ nlimbs(1536) }, { nlimbs(1536 + BLIND_BITS) }, { nlimbs(3072) }>($($arg),*),
            3073..=4096 => $f::<{ nlimbs(2048) }, { nlimbs(2048 + BLIND_BITS) }, { nlimbs(4096) }>($($arg),*),
            4097..=8192 => $f::<{ nlimbs(4096) }, { nlimbs(4096 + BLIND_BITS) }, { nlimbs(8192) }>($($arg),*),
            8193..=16384 => $f::<{ nlimbs(8192) }, { nlimbs(8192 + BLIND_BITS) }, { nlimbs(16384) }>($($arg),*),
            _ => $none,
        }
    };
}

/// The public half: `x^e mod n`.
pub(super) trait PublicOps: Send + Sync {
    /// `input^e mod n` for a big-endian `input` of exactly [`len`](Self::len) bytes, written
    /// big-endian to `out` (the same length). `NTE_BAD_DATA` when `input` is not below n.
    fn public(&self, input: &[u8], out: &mut [u8]) -> Result<()>;
    /// The modulus, little-endian, at `len` bytes (zero-padded).
    fn modulus_le(&self, len: usize) -> Vec<u8>;
    /// Modulus length in bytes.
    fn len(&self) -> usize;
}

/// The private half: `x^d mod n`, and the key of implicit rejection.
pub(super) trait PrivateOps: Send + Sync {
    /// `input^d mod n` (blinded, by the CRT, checked) for a big-endian `input` of exactly the
    /// modulus length, written big-endian to `out` (the same length). `NTE_BAD_DATA` when
    /// `input` is not below n, `NTE_FAIL` when the randomness fails or the result does not
    /// check (a fault).
    fn private(&self, input: &[u8], out: &mut [u8]) -> Result<()>;
    /// SHA-256 of d as a big-endian number at the modulus length: the key from which PKCS#1 v1.5
    /// implicit rejection derives its synthetic plaintexts (draft-irtf-cfrg-rsa-guidance §7.1,
    /// as the `rsa` crate computes it).
    fn rejection_key(&self) -> &[u8; 32];
    /// The public half, on its own.
    fn public_key(&self) -> Box<dyn PublicOps>;
}

/// A private key with the numbers its blob needs, little-endian, each at its blob length.
pub(super) struct Built {
    pub(super) ops: Box<dyn PrivateOps>,
    pub(super) prime1: Zeroizing<Vec<u8>>,
    pub(super) prime2: Zeroizing<Vec<u8>>,
    pub(super) exponent1: Zeroizing<Vec<u8>>,
    pub(super) exponent2: Zeroizing<Vec<u8>>,
    pub(super) coefficient: Zeroizing<Vec<u8>>,
    pub(super) private_exponent: Zeroizing<Vec<u8>>,
}

/// A public key from its little-endian modulus. `NTE_BAD_DATA` for an even modulus, a
/// modulus outside the supported sizes, or an exponent that is even or below 3.
pub(super) fn public_key(modulus_le: &[u8], exponent: u32) -> Result<Box<dyn PublicOps>> {
    fn build<const P: usize, const PB: usize, const N: usize>(
        modulus_le: &[u8],
        exponent: u32,
    ) -> Result<Box<dyn PublicOps>> {
        let n = from_le::<N>(modulus_le).ok_or(Error::BadData)?;
        Ok(Box::new(Public::new(n, exponent)?))
    }
    dispatch!(
        bit_width_le(modulus_le),
        build(modulus_le, exponent),
        Err(Error::BadData)
    )
}

/// A private key from its primes (little-endian), which must multiply to `modulus_le`.
/// `NTE_BAD_DATA` when they do not form a valid key with `exponent`, as the `rsa` crate
/// refuses them: even or equal primes, a prime wider than half the modulus, an exponent with
/// no inverse modulo λ(n) = lcm(p − 1, q − 1), or a q with no inverse modulo p.
///
/// The private exponent is rebuilt as `e⁻¹ mod λ(n)` (NIST SP 800-56B §6.2.1, as the `rsa`
/// crate's `from_p_q` does), whatever the blob says: implicit rejection's key depends on it.
pub(super) fn private_key(
    modulus_le: &[u8],
    exponent: u32,
    prime1_le: &[u8],
    prime2_le: &[u8],
    half_len: usize,
) -> Result<Built> {
    fn build<const P: usize, const PB: usize, const N: usize>(
        modulus_le: &[u8],
        exponent: u32,
        prime1_le: &[u8],
        prime2_le: &[u8],
        half_len: usize,
    ) -> Result<Built> {
        let n = Zeroizing::new(from_le::<N>(modulus_le).ok_or(Error::BadData)?);
        let p = Zeroizing::new(from_le::<P>(prime1_le).ok_or(Error::BadData)?);
        let q = Zeroizing::new(from_le::<P>(prime2_le).ok_or(Error::BadData)?);
        let key = Private::<P, PB, N>::from_primes(&p, &q, exponent)?;
        // Public values: the modulus is compared in variable time.
        if key.public.params.modulus().as_ref() != &*n {
            return Err(Error::BadData);
        }
        key.into_built(half_len, modulus_le.len())
    }
    dispatch!(
        bit_width_le(modulus_le),
        build(modulus_le, exponent, prime1_le, prime2_le, half_len),
        Err(Error::BadData)
    )
}

/// Generates a key pair with a modulus of exactly `bits` bits and public exponent `exponent`
/// (odd, at least 3). `NTE_FAIL` when the system's randomness fails.
pub(super) fn generate(bits: u32, exponent: u32, half_len: usize, len: usize) -> Result<Built> {
    fn build<const P: usize, const PB: usize, const N: usize>(
        bits: u32,
        exponent: u32,
        half_len: usize,
        len: usize,
    ) -> Result<Built> {
        loop {
            let p = random_prime::<P>(bits / 2)?;
            let q = random_prime::<P>(bits - bits / 2)?;
            let n = Zeroizing::new(p.resize::<N>().wrapping_mul(&*q));
            if n.bit_width_vartime() != bits || p.ct_eq(&q).to_bool() {
                continue;
            }
            // An exponent that divides p - 1 or q - 1: draw other primes, as `rsa` does.
            if let Ok(key) = Private::<P, PB, N>::from_primes(&p, &q, exponent) {
                return key.into_built(half_len, len);
            }
        }
    }
    if bits < 64 || exponent < 3 || exponent.is_multiple_of(2) {
        return Err(Error::BadData);
    }
    dispatch!(
        bits,
        build(bits, exponent, half_len, len),
        Err(Error::BadData)
    )
}

// ---------------------------------------------------------------------------------------------
// Public keys

#[derive(Clone, Copy)]
struct Public<const N: usize> {
    params: FixedMontyParams<N>,
    exponent: u32,
    len: usize,
}

impl<const N: usize> Public<N> {
    fn new(n: Uint<N>, exponent: u32) -> Result<Self> {
        if exponent < 3 || exponent.is_multiple_of(2) {
            return Err(Error::BadData);
        }
        let bits = n.bit_width_vartime();
        let n = Odd::new(n).into_option().ok_or(Error::BadData)?;
        Ok(Public {
            params: FixedMontyParams::new_vartime(n),
            exponent,
            len: bits.div_ceil(8) as usize,
        })
    }

    /// `x^e mod n` by left-to-right square and multiply: constant-time in `x`, variable-time
    /// only in the public exponent (17 multiplications for 65537, where the fixed-window
    /// exponentiation would precompute a table of 16 powers first).
    fn pow_e(&self, x: &Uint<N>) -> Uint<N> {
        let base = Zeroizing::new(FixedMontyForm::new(x, &self.params));
        let mut acc = Zeroizing::new(*base);
        for bit in (0..u32::BITS - 1 - self.exponent.leading_zeros()).rev() {
            *acc = acc.square();
            if (self.exponent >> bit) & 1 == 1 {
                *acc = acc.mul(&base);
            }
        }
        acc.retrieve()
    }

    /// A big-endian input of exactly the modulus length, below the modulus.
    fn input(&self, input: &[u8]) -> Result<Zeroizing<Uint<N>>> {
        if input.len() != self.len {
            return Err(Error::BadData);
        }
        let x = Zeroizing::new(from_be::<N>(input).ok_or(Error::BadData)?);
        if !x.ct_lt(self.params.modulus().as_ref()).to_bool() {
            return Err(Error::BadData);
        }
        Ok(x)
    }
}

impl<const N: usize> PublicOps for Public<N> {
    fn public(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let x = self.input(input)?;
        let y = Zeroizing::new(self.pow_e(&x));
        write_be(&y, out);
        Ok(())
    }

    fn modulus_le(&self, len: usize) -> Vec<u8> {
        let mut out = vec![0; len];
        write_le(self.params.modulus().as_ref(), &mut out);
        out
    }

    fn len(&self) -> usize {
        self.len
    }
}

// ---------------------------------------------------------------------------------------------
// Private keys

/// A private key of one size class. Every secret field is wiped on drop.
struct Private<const P: usize, const PB: usize, const N: usize> {
    public: Public<N>,
    /// Montgomery parameters modulo p and q (secret: their modulus is the prime).
    p: FixedMontyParams<P>,
    q: FixedMontyParams<P>,
    /// d mod (p − 1), d mod (q − 1).
    dp: Uint<P>,
    dq: Uint<P>,
    /// q⁻¹ mod p, in Montgomery form modulo p.
    qinv: FixedMontyForm<P>,
    /// d itself, kept only for the blob of a generated key and dropped before the key is used.
    d: Uint<N>,
    rejection_key: [u8; 32],
}

impl<const P: usize, const PB: usize, const N: usize> Drop for Private<P, PB, N> {
    fn drop(&mut self) {
        self.p.zeroize();
        self.q.zeroize();
        self.dp.zeroize();
        self.dq.zeroize();
        self.qinv.zeroize();
        self.d.zeroize();
        self.rejection_key.zeroize();
    }
}

impl<const P: usize, const PB: usize, const N: usize> Private<P, PB, N> {
    /// Derives every private number from p, q and e; see [`private_key`] for what is refused.
    fn from_primes(p: &Uint<P>, q: &Uint<P>, exponent: u32) -> Result<Box<Self>> {
        let one = Uint::<P>::ONE;
        let two = Uint::<P>::from_u32(2);
        // All public outcomes: whether the key is valid.
        let bad = !p.is_odd() | !q.is_odd() | p.ct_lt(&two) | q.ct_lt(&two) | p.ct_eq(q);
        if bad.to_bool() {
            return Err(Error::BadData);
        }
        let n = Zeroizing::new(p.resize::<N>().wrapping_mul(q));
        let n_bits = n.bit_width_vartime();
        // Each prime at most half the modulus wide, as the `rsa` crate requires.
        let half = n_bits.div_ceil(2);
        if p.bit_width() > half || q.bit_width() > half {
            return Err(Error::BadData);
        }
        let public = Public::new(*n, exponent)?;

        // λ(n) = (p − 1)(q − 1) / gcd(p − 1, q − 1).
        let pm1 = Zeroizing::new(p.wrapping_sub(&one));
        let qm1 = Zeroizing::new(q.wrapping_sub(&one));
        let gcd = Zeroizing::new(pm1.gcd(&qm1));
        let gcd = NonZero::new(*gcd).into_option().ok_or(Error::BadData)?;
        let (quotient, _) = pm1.div_rem(&gcd);
        let quotient = Zeroizing::new(quotient);
        let lambda = Zeroizing::new(quotient.resize::<N>().wrapping_mul(&*qm1));
        let d = Zeroizing::new(invert_small(&lambda, exponent)?);

        let dp = d.rem(&NonZero::new(*pm1).into_option().ok_or(Error::BadData)?);
        let dq = d.rem(&NonZero::new(*qm1).into_option().ok_or(Error::BadData)?);
        let p_params = FixedMontyParams::new(Odd::new(*p).into_option().ok_or(Error::BadData)?);
        let q_params = FixedMontyParams::new(Odd::new(*q).into_option().ok_or(Error::BadData)?);
        let qinv = FixedMontyForm::new(q, &p_params)
            .invert()
            .into_option()
            .ok_or(Error::BadData)?;

        let mut d_bytes = Zeroizing::new(vec![0u8; public.len]);
        write_be(&d, &mut d_bytes);
        let rejection_key: [u8; 32] = Sha256::digest(&*d_bytes).into();

        Ok(Box::new(Private {
            public,
            p: p_params,
            q: q_params,
            dp,
            dq,
            qinv,
            d: *d,
            rejection_key,
        }))
    }

    /// The blob numbers, then the key without d.
    fn into_built(mut self: Box<Self>, half_len: usize, len: usize) -> Result<Built> {
        let number = |x: &[Limb], len: usize| -> Result<Zeroizing<Vec<u8>>> {
            let mut out = Zeroizing::new(vec![0u8; len]);
            if !write_limbs_le(x, &mut out) {
                return Err(Error::BadData);
            }
            Ok(out)
        };
        let qinv = Zeroizing::new(self.qinv.retrieve());
        let built_parts = (
            number(self.p.modulus().as_ref().as_limbs(), half_len)?,
            number(self.q.modulus().as_ref().as_limbs(), half_len)?,
            number(self.dp.as_limbs(), half_len)?,
            number(self.dq.as_limbs(), half_len)?,
            number(qinv.as_limbs(), half_len)?,
            number(self.d.as_limbs(), len)?,
        );
        self.d.zeroize();
        let (prime1, prime2, exponent1, exponent2, coefficient, private_exponent) = built_parts;
        Ok(Built {
            ops: self,
            prime1,
            prime2,
            exponent1,
            exponent2,
            coefficient,
            private_exponent,
        })
    }

    /// A fresh blinding factor: `r^e mod n`, and `r⁻¹` modulo p and modulo q (in Montgomery
    /// form), so that each CRT half is unblinded on its own. Two half-size inversions cost
    /// about half of one modulo n.
    fn blinding(&self) -> Result<Zeroizing<Blinding<P, N>>> {
        let n = self.public.params.modulus().as_ref();
        let bits = n.bit_width_vartime();
        loop {
            let r = random_bits::<N>(bits)?;
            // Rejection sampling on a random value that is then discarded.
            if !r.ct_lt(n).to_bool() || r.is_zero().to_bool() {
                continue;
            }
            let inverse = |params: &FixedMontyParams<P>| {
                let residue = Zeroizing::new(r.rem(params.modulus().as_nz_ref()));
                FixedMontyForm::new(&residue, params).invert().into_option()
            };
            // r shares a factor with n (probability about 2^-1023): draw another.
            let (Some(p_inverse), Some(q_inverse)) = (inverse(&self.p), inverse(&self.q)) else {
                continue;
            };
            return Ok(Zeroizing::new(Blinding {
                power: FixedMontyForm::new(&self.public.pow_e(&r), &self.public.params),
                p_inverse,
                q_inverse,
            }));
        }
    }
}

/// See [`Private::blinding`]. Wiped on drop (through `Zeroizing`).
struct Blinding<const P: usize, const N: usize> {
    power: FixedMontyForm<N>,
    p_inverse: FixedMontyForm<P>,
    q_inverse: FixedMontyForm<P>,
}

impl<const P: usize, const N: usize> Zeroize for Blinding<P, N> {
    fn zeroize(&mut self) {
        self.power.zeroize();
        self.p_inverse.zeroize();
        self.q_inverse.zeroize();
    }
}

impl<const P: usize, const PB: usize, const N: usize> PrivateOps for Private<P, PB, N> {
    fn private(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n_params = &self.public.params;
        let c = self.public.input(input)?;
        let blinding = self.blinding()?;
        let blinded =
            Zeroizing::new((FixedMontyForm::new(&c, n_params) * blinding.power).retrieve());

        // Each half unblinded: m1 = m mod p, m2 = m mod q.
        let m1 = blinded_half::<P, PB, N>(&blinded, &self.p, &self.dp)?;
        let m1 = Zeroizing::new(FixedMontyForm::new(&m1, &self.p) * blinding.p_inverse);
        let m2 = blinded_half::<P, PB, N>(&blinded, &self.q, &self.dq)?;
        let m2 =
            Zeroizing::new((FixedMontyForm::new(&m2, &self.q) * blinding.q_inverse).retrieve());
        // h = qinv (m1 − m2) mod p; m = m2 + h q (below n: m2 < q, h < p).
        let diff = Zeroizing::new(*m1 - FixedMontyForm::new(&m2, &self.p));
        let h = Zeroizing::new((*diff * self.qinv).retrieve());
        let hq = Zeroizing::new(h.resize::<N>().wrapping_mul(self.q.modulus().as_ref()));
        let m = Zeroizing::new(hq.wrapping_add(&m2.resize::<N>()));

        let check = Zeroizing::new(self.public.pow_e(&m));
        if !check.ct_eq(&c).to_bool() {
            return Err(Error::Fail);
        }
        write_be(&m, out);
        Ok(())
    }

    fn rejection_key(&self) -> &[u8; 32] {
        &self.rejection_key
    }

    fn public_key(&self) -> Box<dyn PublicOps> {
        Box::new(self.public)
    }
}

/// `c^exponent mod prime`, with exponent and modulus blinding (see the module docs).
fn blinded_half<const P: usize, const PB: usize, const N: usize>(
    c: &Uint<N>,
    prime: &FixedMontyParams<P>,
    exponent: &Uint<P>,
) -> Result<Zeroizing<Uint<P>>> {
    let mut random = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *random).map_err(|_| Error::Fail)?;
    let factor = Zeroizing::new(
        from_le::<PB>(&random[..16])
            .ok_or(Error::Fail)?
            .shl_vartime(1)
            .wrapping_add(&Uint::ONE),
    );
    let multiple = Zeroizing::new(from_le::<PB>(&random[16..]).ok_or(Error::Fail)?);
    let wide_prime = Zeroizing::new(prime.modulus().as_ref().resize::<PB>());
    let modulus = Odd::new(wide_prime.wrapping_mul(&*factor))
        .into_option()
        .ok_or(Error::Fail)?;
    let params = Zeroizing::new(FixedMontyParams::new(modulus));
    let mut blinded_exponent = Zeroizing::new(wide_prime.wrapping_sub(&Uint::ONE));
    *blinded_exponent = blinded_exponent
        .wrapping_mul(&*multiple)
        .wrapping_add(&exponent.resize::<PB>());
    let base = Zeroizing::new(c.rem(params.modulus().as_nz_ref()));
    let base = Zeroizing::new(FixedMontyForm::new(&base, &params));
    // Almost Montgomery multiplication (fully reduced at the end): a few percent faster than
    // the fully reduced fixed-window exponentiation, and as constant-time.
    let powered = Zeroizing::new(
        base.pow_amm_bounded_exp(&blinded_exponent, Uint::<P>::BITS + BLIND_BITS - 1)
            .retrieve(),
    );
    Ok(Zeroizing::new(powered.rem(prime.modulus().as_nz_ref())))
}

/// `e⁻¹ mod λ` for a small odd `e`, constant-time in λ: with `λ = a·e + b` and
/// `x = b⁻¹ mod e`, `y = (λx − 1)/e = a·x + (b·x − 1)/e` satisfies `e·y ≡ −1 (mod λ)` and
/// `0 < y < λ`, so `λ − y` is the inverse, in `[0, λ)`. `NTE_BAD_DATA` when there is none.
fn invert_small<const N: usize>(lambda: &Uint<N>, e: u32) -> Result<Uint<N>> {
    let divisor = NonZero::<Limb>::from(NonZeroU32::new(e).ok_or(Error::BadData)?);
    let (a, b) = lambda.div_rem_limb(divisor);
    let a = Zeroizing::new(a);
    let modulus = Odd::new(U64::from_u32(e))
        .into_option()
        .ok_or(Error::BadData)?;
    let x = Zeroizing::new(
        U64::from_word(b.0)
            .invert_odd_mod(&modulus)
            .into_option()
            .ok_or(Error::BadData)?,
    );
    // b, x < e < 2^32: b·x fits in 64 bits, and is 1 mod e, so at least 1.
    let bx = Zeroizing::new(
        U64::from_word(b.0)
            .wrapping_mul(&*x)
            .wrapping_sub(&U64::ONE),
    );
    let (small, _) = bx.div_rem_limb(divisor);
    let small = Zeroizing::new(small);
    let y = Zeroizing::new(a.wrapping_mul(&*x).wrapping_add(&small.resize::<N>()));
    Ok(lambda.wrapping_sub(&y))
}

// ---------------------------------------------------------------------------------------------
// Primes

/// How many odd primes the sieve divides by.
const SIEVE_LEN: usize = 2048;
/// The first [`SIEVE_LEN`] odd primes.
static SIEVE_PRIMES: [u32; SIEVE_LEN] = small_primes::<SIEVE_LEN>();
/// How far past a random start the sieve looks for a prime before drawing another start
/// (primes near 2^1024 are about 710 apart on average).
const SIEVE_SPAN: u32 = 1 << 20;

/// A random prime of exactly `bits` bits with its top two bits set.
fn random_prime<const P: usize>(bits: u32) -> Result<Zeroizing<Uint<P>>> {
    let mut residues = Zeroizing::new(vec![0u32; SIEVE_LEN]);
    loop {
        let mut start = random_bits::<P>(bits)?;
        let limbs = start.as_mut_limbs();
        for bit in [0, bits - 1, bits - 2] {
            limbs[(bit / Limb::BITS) as usize].0 |= 1 << (bit % Limb::BITS);
        }
        for (residue, &prime) in residues.iter_mut().zip(&SIEVE_PRIMES) {
            let divisor = NonZero::<Limb>::from(NonZeroU32::new(prime).ok_or(Error::Fail)?);
            // The residue is below the prime, a u32.
            *residue = start.rem_limb(divisor).0 as u32;
        }
        let mut delta = 0;
        while delta < SIEVE_SPAN {
            let divisible = residues
                .iter()
                .zip(&SIEVE_PRIMES)
                .any(|(&residue, &prime)| (residue + delta).is_multiple_of(prime));
            if !divisible {
                let candidate = Zeroizing::new(start.wrapping_add(&Uint::from_u32(delta)));
                if candidate.bit_width_vartime() != bits {
                    break;
                }
                if is_probable_prime(&candidate, bits)? {
                    return Ok(candidate);
                }
            }
            delta += 2;
        }
    }
}

/// Baillie–PSW, then FIPS 186-5's random-base Miller–Rabin rounds for a 2⁻¹⁰⁰ error bound.
fn is_probable_prime<const P: usize>(candidate: &Uint<P>, bits: u32) -> Result<bool> {
    if !crypto_primes::is_prime(Flavor::Any, candidate) {
        return Ok(false);
    }
    let Some(odd) = Odd::new(*candidate).into_option() else {
        return Ok(false);
    };
    let test = MillerRabin::new(odd);
    let rounds = minimum_mr_iterations(bits, 100).unwrap_or(64);
    for _ in 0..rounds {
        // A base in [2, candidate − 2]: below 2^(bits − 1), the candidate's top bit.
        let base = loop {
            let base = random_bits::<P>(bits - 1)?;
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
// Numbers and bytes

/// Writes `x` little-endian into `out` (its low `out.len()` bytes).
fn write_le<const L: usize>(x: &Uint<L>, out: &mut [u8]) {
    bigint::write_le(x, out);
}

/// Writes `x` big-endian into `out` (its low `out.len()` bytes).
fn write_be<const L: usize>(x: &Uint<L>, out: &mut [u8]) {
    write_le(x, out);
    out.reverse();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sieve_primes_are_the_odd_primes() {
        assert_eq!(&SIEVE_PRIMES[..8], &[3, 5, 7, 11, 13, 17, 19, 23]);
        assert_eq!(SIEVE_PRIMES[SIEVE_LEN - 1], 17_881);
    }

    #[test]
    fn small_inverses_match_the_definition() {
        let lambda = U64::from_u64(3 * 5 * 7 * 11 * 1000 + 2);
        for e in [3u32, 17, 65537, 0xffff_fffb] {
            let Ok(d) = invert_small(&lambda, e) else {
                continue;
            };
            let de = d
                .wrapping_mul(&U64::from_u32(e))
                .rem(&NonZero::new(lambda).unwrap());
            assert_eq!(de, U64::ONE, "e = {e}");
            assert!(d < lambda);
        }
        assert!(invert_small(&U64::from_u64(6), 3).is_err());
    }

    /// A CRT half gone wrong (here a corrupted dp) is caught by the m^e = c check: nothing is
    /// returned that would give away a factor of n.
    #[test]
    fn a_faulty_private_operation_returns_nothing() {
        const P: usize = nlimbs(256);
        const PB: usize = nlimbs(256 + BLIND_BITS);
        const N: usize = nlimbs(512);
        let p = random_prime::<P>(256).unwrap();
        let q = random_prime::<P>(256).unwrap();
        let Ok(mut key) = Private::<P, PB, N>::from_primes(&p, &q, 65537) else {
            return; // 65537 divides p - 1 or q - 1: nothing to test with these primes
        };
        let mut input = vec![0u8; 64];
        input[63] = 2;
        let mut out = vec![0u8; 64];
        key.private(&input, &mut out).unwrap();
        let mut back = vec![0u8; 64];
        key.public.public(&out, &mut back).unwrap();
        assert_eq!(back, input);
        key.dp = key.dp.wrapping_add(&Uint::ONE);
        assert!(matches!(key.private(&input, &mut out), Err(Error::Fail)));
        // Inputs not below n are refused, on both sides.
        let n = key
            .public
            .modulus_le(64)
            .into_iter()
            .rev()
            .collect::<Vec<u8>>();
        assert!(matches!(key.private(&n, &mut out), Err(Error::BadData)));
        assert!(matches!(
            key.public.public(&n, &mut out),
            Err(Error::BadData)
        ));
    }

    #[test]
    fn byte_conversions_round_trip() {
        let bytes: Vec<u8> = (1..=20).collect();
        let x = from_le::<{ nlimbs(256) }>(&bytes).unwrap();
        let mut out = vec![0; 20];
        write_le(&x, &mut out);
        assert_eq!(out, bytes);
        let y = from_be::<{ nlimbs(256) }>(&bytes).unwrap();
        write_be(&y, &mut out);
        assert_eq!(out, bytes);
        assert!(from_le::<1>(&[0; 30]).is_some());
        assert!(from_le::<1>(&[1; 30]).is_none());
        assert_eq!(bit_width_le(&[0xff, 0x01, 0]), 9);
    }
}
