//! DSA as FIPS 186-2 defines it and Microsoft's DSS providers use it: 512- to 1024-bit p,
//! 160-bit q, SHA-1 hashes, signatures of 40 bytes (r then s, each 20 bytes little-endian).

use crypto_bigint::modular::FixedMontyForm;
use crypto_bigint::{CtEq, CtLt, Uint};
use zeroize::{Zeroize, Zeroizing};

use super::CALG_DSS_SIGN;
use super::arith::{
    DSA_LIMBS, Group, Q_BITS, Q_LEN, bit_width_le, fips_bits_supported, fips186_2_generate,
    fips186_2_verify, from_be, from_le, le_bytes, le_secret,
};
use super::blob::{DlBlob, DssSeed, Family, MAX_DSS_BITS, V3Layout, byte_len, serialize};
use crate::alg::AlgId;
use crate::error::{Error, Result};

type U = Uint<DSA_LIMBS>;

/// The smallest DSS p Microsoft's providers take, in bits.
pub(crate) const MIN_DSS_BITS: u32 = 512;
/// The size of a DSS signature: r and s, 20 bytes each.
pub(crate) const SIGNATURE_LEN: usize = 2 * Q_LEN;
/// The size of the hash value a DSS signature signs (SHA-1).
pub(crate) const HASH_LEN: usize = 20;

/// The hash value a DSS signature is made over, from a hash object's algorithm and value.
///
/// Microsoft's DSS providers sign SHA-1 hashes only: their algorithm tables say `CALG_MD5` is
/// "provided only for hashing" and `CALG_SHA` "must be used for DSS signatures" ("DSS Provider
/// Algorithms", "PROV_DSS_DH Provider Algorithms"), and .NET's `DSACryptoServiceProvider`
/// refuses any hash of a length other than 20. So a 16-byte MD5 value (or any other hash) is
/// refused with `NTE_BAD_ALGID`, this crate's answer for a hash that cannot be signed with the
/// key (`CALG_MAC` under RSA). Which code Windows gives here is not recorded anywhere this crate
/// could check.
pub(crate) fn signing_hash(alg: AlgId, value: &[u8]) -> Result<[u8; HASH_LEN]> {
    if alg != AlgId::SHA1 {
        return Err(Error::BadAlgId);
    }
    value.try_into().map_err(|_| Error::BadHash)
}

/// DSS domain parameters p, q, g with their `DSSSEED`. All public.
#[derive(Clone, Copy)]
pub(crate) struct DsaParams {
    group: Group<DSA_LIMBS>,
    seed: DssSeed,
}

impl std::fmt::Debug for DsaParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DsaParams")
            .field("bits", &self.bits())
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl DsaParams {
    /// New domain parameters of `bits` bits (512 to 1024 in steps of 64), made from a random
    /// SEED exactly as FIPS 186-2 Appendix 2.2 makes them, so that their `DSSSEED` verifies
    /// ([`DsaParams::verify_seed`]); g = 2^((p − 1)/q) mod p (or the next h that gives g > 1).
    /// `NTE_BAD_DATA` for another size, `NTE_FAIL` when the randomness fails. Tens of
    /// milliseconds at 512 to 1024 bits (optimised; it varies with the SEEDs drawn).
    pub(crate) fn generate(bits: u32) -> Result<DsaParams> {
        if !fips_bits_supported(bits) || bits > MAX_DSS_BITS {
            return Err(Error::BadData);
        }
        let made = fips186_2_generate::<DSA_LIMBS>(bits)?;
        let len = bits.div_ceil(8) as usize;
        let group = Group::new(
            bits,
            &le_bytes(&made.p, len)?,
            &le_bytes(&made.g, len)?,
            Some(&le_bytes(&made.q, Q_LEN)?),
        )?;
        Ok(DsaParams {
            group,
            seed: DssSeed::from_fips(&made.seed, made.counter),
        })
    }

    /// Domain parameters from little-endian numbers, as a blob or `KP_P`/`KP_Q`/`KP_G` give
    /// them. `NTE_BAD_DATA` unless p has exactly `bits` bits (512 to 1024, whole bytes), q
    /// exactly 160, and the group is sound (see [`Group::new`]). The seed is kept, not checked.
    pub(crate) fn from_le(
        bits: u32,
        p: &[u8],
        q: &[u8],
        g: &[u8],
        seed: DssSeed,
    ) -> Result<DsaParams> {
        if !(MIN_DSS_BITS..=MAX_DSS_BITS).contains(&bits)
            || !bits.is_multiple_of(8)
            || bit_width_le(q) != Q_BITS
        {
            return Err(Error::BadData);
        }
        Ok(DsaParams {
            group: Group::new(bits, p, g, Some(q))?,
            seed,
        })
    }

    /// Bits of p.
    pub(crate) fn bits(&self) -> u32 {
        self.group.bits()
    }

    /// The `DSSSEED` (`DssSeed::NONE` when unknown).
    pub(crate) fn seed(&self) -> DssSeed {
        self.seed
    }

    /// p, little-endian at its blob length.
    pub(crate) fn p_le(&self) -> Vec<u8> {
        le_bytes(self.group.p(), self.group.len()).unwrap_or_default()
    }

    /// q, little-endian, 20 bytes.
    pub(crate) fn q_le(&self) -> Vec<u8> {
        self.group
            .q()
            .and_then(|q| le_bytes(q, Q_LEN).ok())
            .unwrap_or_default()
    }

    /// g, little-endian at p's length.
    pub(crate) fn g_le(&self) -> Vec<u8> {
        le_bytes(self.group.g(), self.group.len()).unwrap_or_default()
    }

    /// Whether p and q come out of the `DSSSEED` the FIPS 186-2 way (see [`verify_seed`]);
    /// `false` when there is no seed.
    pub(crate) fn verify_seed(&self) -> Result<bool> {
        verify_seed(self.bits(), &self.p_le(), &self.q_le(), &self.seed)
    }
}

/// Whether little-endian `p` (`bits` bits) and `q` are what FIPS 186-2 Appendix 2.2 makes from
/// the `DSSSEED` `seed`: q from SHA-1 of the SEED, every candidate for p before `counter`
/// composite, candidate `counter` equal to p and prime (FIPS 186-3 §A.1.1.3, at any size FIPS
/// 186-2 generation takes). `false` for a missing seed (counter 0xFFFFFFFF) or a size FIPS
/// 186-2 does not define here (multiples of 64 from 512 to 4096 bits, so that Diffie-Hellman
/// groups check too). Slow for large counters: each candidate is tested for primality.
/// `NTE_FAIL` when the randomness of the primality tests fails.
pub(crate) fn verify_seed(bits: u32, p: &[u8], q: &[u8], seed: &DssSeed) -> Result<bool> {
    fn check<const L: usize>(bits: u32, p: &[u8], q: &[u8], seed: &DssSeed) -> Result<bool> {
        let (Some(p), Some(q)) = (from_le::<L>(p), from_le::<L>(q)) else {
            return Ok(false);
        };
        fips186_2_verify(bits, &p, &q, &seed.fips_seed(), seed.counter)
    }
    if !seed.is_present() {
        return Ok(false);
    }
    super::arith::dispatch!(bits, check(bits, p, q, seed), Ok(false))
}

/// A DSS public key, with its private half when known. The private value x is wiped on drop.
pub(crate) struct DsaKey {
    inner: Box<Inner>,
}

struct Inner {
    params: DsaParams,
    /// y = g^x mod p.
    y: U,
    /// x, in [1, q − 1].
    x: Option<U>,
    /// The layout of an imported version 3 blob, kept so that its export gives it back.
    layout: Option<V3Layout>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.x.zeroize();
    }
}

impl std::fmt::Debug for DsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DsaKey")
            .field("bits", &self.bits())
            .field("private", &self.has_private())
            .finish_non_exhaustive()
    }
}

impl DsaKey {
    /// A new key pair: x uniformly random in [1, q − 1], y = g^x mod p. `NTE_FAIL` when the
    /// randomness fails.
    pub(crate) fn generate(params: DsaParams) -> Result<DsaKey> {
        let x = params.group.random_exponent()?;
        let y = params.group.pow_g(&x);
        Ok(DsaKey::assemble(params, y, Some(*x), None))
    }

    fn assemble(params: DsaParams, y: U, x: Option<U>, layout: Option<V3Layout>) -> DsaKey {
        DsaKey {
            inner: Box::new(Inner {
                params,
                y,
                x,
                layout,
            }),
        }
    }

    /// The key of a DSS blob (any of "DSS1" to "DSS4"). `NTE_BAD_DATA` unless the numbers form
    /// a key: sound parameters (see [`DsaParams::from_le`]), 1 ≤ x < q, a public y with
    /// 1 < y < p − 1 and y^q ≡ 1, a version 3 y equal to g^x, a version 3 j equal to
    /// (p − 1)/q. The `DSSSEED` is kept as it is, not verified ([`DsaParams::verify_seed`]).
    pub(crate) fn from_blob(blob: &DlBlob) -> Result<DsaKey> {
        if blob.family != Family::Dss {
            return Err(Error::BadData);
        }
        let seed = blob.seed.unwrap_or(DssSeed::NONE);
        let params = DsaParams::from_le(blob.bits, &blob.p, &blob.q, &blob.g, seed)?;
        let group = &params.group;
        if blob.version3 && blob.bits_j != 0 {
            let j = from_le::<DSA_LIMBS>(&blob.j).ok_or(Error::BadData)?;
            if j != cofactor(group)? {
                return Err(Error::BadData);
            }
        }
        let layout = V3Layout::of(blob);
        if blob.private {
            let x = Zeroizing::new(from_le::<DSA_LIMBS>(&blob.x).ok_or(Error::BadData)?);
            if !group.is_private_value(&x) {
                return Err(Error::BadData);
            }
            let y = group.pow_g(&x);
            if blob.version3 && le_bytes(&y, group.len())? != blob.y {
                return Err(Error::BadData);
            }
            return Ok(DsaKey::assemble(params, y, Some(*x), layout));
        }
        let y = from_le::<DSA_LIMBS>(&blob.y).ok_or(Error::BadData)?;
        if !group.is_public_value(&y) {
            return Err(Error::BadData);
        }
        Ok(DsaKey::assemble(params, y, None, layout))
    }

    /// The key's blob numbers: a `PRIVATEKEYBLOB` when `private` ("DSS2", or "DSS4" with
    /// `version3`), else a `PUBLICKEYBLOB` ("DSS1", "DSS3"). A key imported from a version 3
    /// blob gives that blob's `bitlenJ`, j and `bitlenX` back; others carry j = (p − 1)/q with
    /// `bitlenJ` its exact bit width, and `bitlenX` 160. `NTE_BAD_KEY_STATE` for a private blob
    /// of a public key.
    pub(crate) fn to_blob(&self, private: bool, version3: bool) -> Result<DlBlob> {
        let inner = &self.inner;
        let group = &inner.params.group;
        let x = match (private, &inner.x) {
            (true, Some(x)) => le_secret(x, Q_LEN)?,
            (true, None) => return Err(Error::BadKeyState),
            (false, _) => Zeroizing::new(Vec::new()),
        };
        let y = le_bytes(&inner.y, group.len())?;
        let mut blob = DlBlob {
            family: Family::Dss,
            private,
            version3,
            alg: CALG_DSS_SIGN,
            bits: group.bits(),
            bits_q: Q_BITS,
            bits_j: 0,
            bits_x: 0,
            p: inner.params.p_le(),
            q: inner.params.q_le(),
            g: inner.params.g_le(),
            j: Vec::new(),
            y: if version3 || !private { y } else { Vec::new() },
            x,
            seed: Some(inner.params.seed),
        };
        if version3 {
            let (bits_j, j, bits_x) = match &inner.layout {
                Some(kept) => (kept.bits_j, kept.j.clone(), kept.bits_x),
                None => {
                    let j = cofactor(group)?;
                    let bits_j = j.bit_width_vartime();
                    (bits_j, le_bytes(&j, byte_len(bits_j))?, None)
                }
            };
            blob.bits_j = bits_j;
            blob.j = j;
            if let Some(x) = inner.x.as_ref().filter(|_| private) {
                let bits_x = bits_x.unwrap_or(Q_BITS);
                blob.bits_x = bits_x;
                blob.x = le_secret(x, byte_len(bits_x))?;
            }
        }
        Ok(blob)
    }

    /// The key's blob, encoded (see [`DsaKey::to_blob`]), in a wiping buffer.
    pub(crate) fn export(&self, private: bool, version3: bool) -> Result<Zeroizing<Vec<u8>>> {
        serialize(&self.to_blob(private, version3)?)
    }

    /// An independent copy (`CryptDuplicateKey`), private half included.
    pub(crate) fn duplicate(&self) -> DsaKey {
        let inner = &self.inner;
        DsaKey::assemble(inner.params, inner.y, inner.x, inner.layout.clone())
    }

    /// The public half alone.
    pub(crate) fn public_key(&self) -> DsaKey {
        let inner = &self.inner;
        DsaKey::assemble(inner.params, inner.y, None, inner.layout.clone())
    }

    pub(crate) fn params(&self) -> &DsaParams {
        &self.inner.params
    }

    /// Bits of p (`KP_KEYLEN`).
    pub(crate) fn bits(&self) -> u32 {
        self.inner.params.bits()
    }

    pub(crate) fn has_private(&self) -> bool {
        self.inner.x.is_some()
    }

    /// Signs a SHA-1 hash value (see [`signing_hash`]) with a fresh random k, so that two
    /// signatures of the same hash differ: r = (g^k mod p) mod q, s = k⁻¹(H + x·r) mod q, H the
    /// hash as a big-endian number. The signature is Windows': r then s, each 20 bytes
    /// little-endian. `NTE_NO_KEY` without the private half, `NTE_FAIL` when the randomness
    /// fails.
    pub(crate) fn sign(&self, hash: &[u8; HASH_LEN]) -> Result<[u8; SIGNATURE_LEN]> {
        if self.inner.x.is_none() {
            return Err(Error::NoKey);
        }
        loop {
            let k = self.inner.params.group.random_exponent()?;
            // r = 0 or s = 0 (probability about 2⁻¹⁵⁹): another k, as FIPS 186-2 §5 says.
            if let Some(signature) = self.sign_with_nonce(hash, &k)? {
                return Ok(signature);
            }
        }
    }

    /// The signature of `hash` with the given k (in [1, q − 1]); `None` when r or s is 0.
    /// Only [`DsaKey::sign`] and the known-answer tests choose k.
    pub(crate) fn sign_with_nonce(
        &self,
        hash: &[u8; HASH_LEN],
        k: &U,
    ) -> Result<Option<[u8; SIGNATURE_LEN]>> {
        let inner = &self.inner;
        let group = &inner.params.group;
        let x = inner.x.as_ref().ok_or(Error::NoKey)?;
        let q_params = group.q_params().ok_or(Error::Fail)?;
        let q = q_params.modulus().as_nz_ref();
        if !group.is_private_value(k) {
            return Err(Error::Fail);
        }
        let power = Zeroizing::new(group.pow(group.g(), k, Q_BITS));
        let r = Zeroizing::new(power.rem(q));
        let z = Zeroizing::new(from_be::<DSA_LIMBS>(hash).ok_or(Error::Fail)?.rem(q));
        let k_inverse = Zeroizing::new(
            FixedMontyForm::new(k, q_params)
                .invert()
                .into_option()
                .ok_or(Error::Fail)?,
        );
        let xr = Zeroizing::new(
            FixedMontyForm::new(x, q_params).mul(&FixedMontyForm::new(&r, q_params)),
        );
        let sum = Zeroizing::new(FixedMontyForm::new(&z, q_params).add(&*xr));
        let s = Zeroizing::new(k_inverse.mul(&*sum).retrieve());
        if (r.is_zero() | s.is_zero()).to_bool() {
            return Ok(None);
        }
        let mut signature = [0u8; SIGNATURE_LEN];
        let (r_out, s_out) = signature.split_at_mut(Q_LEN);
        let fits = super::arith::write_le(&*r, r_out) & super::arith::write_le(&*s, s_out);
        if !fits {
            return Err(Error::Fail);
        }
        Ok(Some(signature))
    }

    /// Whether `signature` (40 bytes: r then s, little-endian) is a DSS signature of `hash`
    /// under this key: 0 < r, s < q and r = ((g^u1 · y^u2) mod p) mod q with w = s⁻¹ mod q,
    /// u1 = H·w, u2 = r·w (FIPS 186-2 §6). All values are public; r is compared in constant
    /// time all the same.
    pub(crate) fn verify(&self, hash: &[u8; HASH_LEN], signature: &[u8]) -> bool {
        let inner = &self.inner;
        let group = &inner.params.group;
        let Some(q_params) = group.q_params() else {
            return false;
        };
        let q = q_params.modulus().as_ref();
        if signature.len() != SIGNATURE_LEN {
            return false;
        }
        let (Some(r), Some(s)) = (
            from_le::<DSA_LIMBS>(&signature[..Q_LEN]),
            from_le::<DSA_LIMBS>(&signature[Q_LEN..]),
        ) else {
            return false;
        };
        let in_range = |v: &U| !v.is_zero().to_bool() && v.ct_lt(q).to_bool();
        if !in_range(&r) || !in_range(&s) {
            return false;
        }
        let Some(w) = FixedMontyForm::new(&s, q_params)
            .invert_vartime()
            .into_option()
        else {
            return false;
        };
        let Some(z) = from_be::<DSA_LIMBS>(hash) else {
            return false;
        };
        let z = z.rem_vartime(q_params.modulus().as_nz_ref());
        let u1 = FixedMontyForm::new(&z, q_params).mul(&w).retrieve();
        let u2 = FixedMontyForm::new(&r, q_params).mul(&w).retrieve();
        let p_params = group.p_params();
        let v = FixedMontyForm::new(&group.pow(group.g(), &u1, Q_BITS), p_params)
            .mul(&FixedMontyForm::new(
                &group.pow(&inner.y, &u2, Q_BITS),
                p_params,
            ))
            .retrieve()
            .rem_vartime(q_params.modulus().as_nz_ref());
        v.ct_eq(&r).to_bool()
    }
}

/// j = (p − 1)/q (exact: the group checked that q divides p − 1).
fn cofactor(group: &Group<DSA_LIMBS>) -> Result<U> {
    let q = group.q().ok_or(Error::BadData)?;
    let q = crypto_bigint::NonZero::new(*q)
        .into_option()
        .ok_or(Error::BadData)?;
    Ok(group.p().wrapping_sub(&Uint::ONE).div_rem_vartime(&q).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dss::blob::parse;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn le(s: &str) -> Vec<u8> {
        let mut v = hex(s);
        v.reverse();
        v
    }

    /// The FIPS 186-2 Appendix 5 key (512-bit p).
    fn fips_key() -> DsaKey {
        let p = le(
            "8df2a494492276aa3d25759bb06869cbeac0d83afb8d0cf7cbb8324f0d7882e5\
                    d0762fc5b7210eafc2e9adac32ab7aac49693dfbf83724c2ec0736ee31c80291",
        );
        let q = le("c773218c737ec8ee993b4f2ded30f48edace915f");
        let g = le(
            "626d027839ea0a13413163a55b4cb500299d5522956cefcb3bff10f399ce2c2e\
                    71cb9de5fa24babf58e5b79521925c9cc42e9f6f464b088cc572af53e6d78802",
        );
        let seed = DssSeed::from_fips(
            &hex("d5014e4b60ef2ba8b6211b4062ba3224e0427dd3")
                .try_into()
                .unwrap(),
            105,
        );
        let params = DsaParams::from_le(512, &p, &q, &g, seed).unwrap();
        let mut x = le("2070b3223dba372fde1c0ffc7b2e3b498b260614");
        x.resize(Q_LEN, 0);
        let mut blob = DsaKey::generate(params)
            .unwrap()
            .to_blob(true, false)
            .unwrap();
        blob.x = Zeroizing::new(x);
        DsaKey::from_blob(&blob).unwrap()
    }

    #[test]
    fn the_fips_186_2_example_signs_to_its_r_and_s() {
        let key = fips_key();
        assert!(key.params().verify_seed().unwrap());
        let y = le(
            "19131871d75b1612a819f29d78d1b0d7346f7aa77bb62a859bfd6c5675da9d21\
                    2d3a36ef1672ef660b8c7c255cc0ec74858fba33f44c06699630a76b030ee333",
        );
        assert_eq!(key.to_blob(false, false).unwrap().y, y);
        let hash: [u8; 20] = hex("a9993e364706816aba3e25717850c26c9cd0d89d")
            .try_into()
            .unwrap();
        let k = from_le(&le("358dad571462710f50e254cf1a376b2bdeaadfbf")).unwrap();
        let signature = key.sign_with_nonce(&hash, &k).unwrap().unwrap();
        assert_eq!(
            signature[..20],
            le("8bac1ab66410435cb7181f95b16ab97c92b341c0")
        );
        assert_eq!(
            signature[20..],
            le("41e2345f1f56df2458f426d155b4ba2db6dcd8c8")
        );
        assert!(key.verify(&hash, &signature));
        assert!(key.public_key().verify(&hash, &signature));
        let mut other = hash;
        other[0] ^= 1;
        assert!(!key.verify(&other, &signature));
        for i in [0, 19, 20, 39] {
            let mut bad = signature;
            bad[i] ^= 0x40;
            assert!(!key.verify(&hash, &bad), "byte {i}");
        }
        assert!(!key.verify(&hash, &signature[..39]));
        // r = q or s = 0 are refused before any arithmetic.
        let mut bad = signature;
        bad[..20].copy_from_slice(&le("c773218c737ec8ee993b4f2ded30f48edace915f"));
        assert!(!key.verify(&hash, &bad));
        let mut bad = signature;
        bad[20..].fill(0);
        assert!(!key.verify(&hash, &bad));
    }

    #[test]
    fn signatures_differ_and_verify() {
        let key = fips_key();
        let hash = [0x5a; 20];
        let a = key.sign(&hash).unwrap();
        let b = key.sign(&hash).unwrap();
        assert_ne!(a, b, "a fresh k for every signature");
        assert!(key.verify(&hash, &a) && key.verify(&hash, &b));
        assert!(matches!(key.public_key().sign(&hash), Err(Error::NoKey)));
        assert!(key.public_key().to_blob(true, false).is_err());
    }

    #[test]
    fn only_sha1_values_are_signed() {
        assert_eq!(signing_hash(AlgId::SHA1, &[3; 20]).unwrap(), [3; 20]);
        assert!(matches!(
            signing_hash(AlgId::MD5, &[3; 16]),
            Err(Error::BadAlgId)
        ));
        assert!(matches!(
            signing_hash(AlgId::SHA1, &[3; 16]),
            Err(Error::BadHash)
        ));
    }

    #[test]
    fn blobs_round_trip_in_both_versions() {
        let key = fips_key();
        for version3 in [false, true] {
            for private in [false, true] {
                let bytes = key.export(private, version3).unwrap();
                let again = DsaKey::from_blob(&parse(&bytes).unwrap()).unwrap();
                assert_eq!(again.export(private, version3).unwrap(), bytes);
                assert_eq!(again.has_private(), private);
                // Every blob of the key gives the same public blob.
                assert_eq!(
                    again.export(false, false).unwrap(),
                    key.export(false, false).unwrap()
                );
            }
        }
        let v3 = key.to_blob(true, true).unwrap();
        assert_eq!((v3.bits_q, v3.bits_x), (160, 160));
        // p = 0x8df2.. (512 bits), q = 0xc773.. (160 bits): (p - 1)/q has 352 bits.
        assert_eq!((v3.bits_j, v3.j.len()), (352, 44));
    }

    /// A version 3 blob with its own choice of the free fields (no j, a wider `bitlenX`)
    /// exports as itself.
    #[test]
    fn version_3_layouts_are_kept() {
        let key = fips_key();
        for private in [false, true] {
            let mut blob = key.to_blob(private, true).unwrap();
            blob.bits_j = 0;
            blob.j.clear();
            if private {
                blob.bits_x = 200;
                blob.x.resize(25, 0);
            }
            let bytes = serialize(&blob).unwrap();
            let again = DsaKey::from_blob(&parse(&bytes).unwrap()).unwrap();
            assert_eq!(again.export(private, true).unwrap(), bytes);
            assert_eq!(
                again.export(private, false).unwrap(),
                key.export(private, false).unwrap()
            );
        }
    }

    #[test]
    fn bad_numbers_are_refused() {
        let good = fips_key().to_blob(true, true).unwrap();
        let refused = |change: &dyn Fn(&mut DlBlob)| {
            let mut blob = good.clone();
            change(&mut blob);
            matches!(DsaKey::from_blob(&blob), Err(Error::BadData))
        };
        assert!(refused(&|b| b.x = Zeroizing::new(b.q.clone())), "x = q");
        assert!(refused(&|b| b.x.fill(0)), "x = 0");
        assert!(refused(&|b| b.y[0] ^= 1), "y is not g^x");
        assert!(refused(&|b| b.j[0] ^= 2), "j is not (p - 1)/q");
        assert!(refused(&|b| b.g[0] ^= 4), "g of the wrong order");
        assert!(refused(&|b| b.q[0] ^= 2), "q does not divide p - 1");
        assert!(refused(&|b| b.q[19] = 0x40), "q of 159 bits");
        assert!(refused(&|b| b.p[0] ^= 1), "even p");
        assert!(refused(&|b| b.family = Family::Dh));
        let mut public = fips_key().to_blob(false, false).unwrap();
        public.y = vec![0; 64];
        public.y[0] = 1;
        assert!(
            matches!(DsaKey::from_blob(&public), Err(Error::BadData)),
            "y = 1"
        );
    }

    #[test]
    fn generated_parameters_verify_their_seed() {
        let params = DsaParams::generate(512).unwrap();
        assert!(params.seed().is_present());
        assert!(params.verify_seed().unwrap());
        let key = DsaKey::generate(params).unwrap();
        let hash = [1; 20];
        assert!(key.verify(&hash, &key.sign(&hash).unwrap()));
        let mut seed = params.seed();
        seed.counter ^= 1;
        assert!(!verify_seed(512, &params.p_le(), &params.q_le(), &seed).unwrap());
        assert!(!verify_seed(512, &params.p_le(), &params.q_le(), &DssSeed::NONE).unwrap());
        assert!(matches!(DsaParams::generate(520), Err(Error::BadData)));
        assert!(matches!(DsaParams::generate(1088), Err(Error::BadData)));
    }
}
