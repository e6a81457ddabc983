//! Diffie-Hellman key pairs behind `CALG_DH_SF` and `CALG_DH_EPHEM` keys: 512- to 4096-bit
//! groups, with or without the subgroup order q, and the raw agreement z = y_peer^x mod p.

use crypto_bigint::{CtEq, Uint};
use zeroize::{Zeroize, Zeroizing};

use super::arith::{
    Group, bit_width_le, dispatch, fips_bits_supported, fips186_2_generate, from_le, le_bytes,
    le_secret,
};
use super::blob::{DlBlob, DssSeed, Family, MAX_DH_BITS, V3Layout, byte_len, serialize};
use crate::alg::AlgId;
use crate::error::{Error, Result};

/// The smallest Diffie-Hellman p Microsoft's providers take, in bits.
pub(crate) const MIN_DH_BITS: u32 = 512;

/// A Diffie-Hellman public value with its group, and its private value x when known (wiped on
/// drop). One size class of the arithmetic behind each key, chosen by p's size.
pub(crate) struct DhKey {
    ops: Box<dyn DhOps>,
    alg: AlgId,
}

impl std::fmt::Debug for DhKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DhKey")
            .field("alg", &self.alg)
            .field("bits", &self.bits())
            .field("private", &self.has_private())
            .finish_non_exhaustive()
    }
}

impl DhKey {
    /// A new key pair in a new group of `bits` bits (512 to 4096 in steps of 64): p, q
    /// (160 bits) and g made from a random SEED the FIPS 186-2 way (as the DSS providers make
    /// the groups of `CryptGenKey(CALG_DH_*)`, whose version 3 blobs carry a `DSSSEED`), x in
    /// [1, q − 1]. `NTE_BAD_DATA` for another size, `NTE_FAIL` when the randomness fails.
    ///
    /// **A 160-bit q caps the strength of every size at about 80 bits** (Pollard's rho in the
    /// subgroup): FIPS 186-2's construction, and its 20-byte `DSSSEED`, know no other q. Whether
    /// Windows' Enhanced provider makes its 2048- to 4096-bit groups this way is not recorded
    /// anywhere this crate could check; a caller that needs more strength should give its own
    /// group to [`DhKey::generate_in_group`].
    /// Slow at the top: tens of milliseconds at 1024 bits, seconds at 2048 to 4096 (optimised;
    /// it varies with the SEEDs drawn).
    pub(crate) fn generate(alg: AlgId, bits: u32) -> Result<DhKey> {
        fn build<const L: usize>(bits: u32) -> Result<Box<dyn DhOps>> {
            let made = fips186_2_generate::<L>(bits)?;
            let len = bits.div_ceil(8) as usize;
            let q_len = made.q.bit_width_vartime().div_ceil(8) as usize;
            let group = Group::<L>::new(
                bits,
                &le_bytes(&made.p, len)?,
                &le_bytes(&made.g, len)?,
                Some(&le_bytes(&made.q, q_len)?),
            )?;
            let seed = DssSeed::from_fips(&made.seed, made.counter);
            Ok(Box::new(Pair::generate(group, Some(seed))?))
        }
        if !fips_bits_supported(bits) || bits > MAX_DH_BITS {
            return Err(Error::BadData);
        }
        let ops = dispatch!(bits, build(bits), Err(Error::BadData))?;
        Ok(DhKey { ops, alg })
    }

    /// A new key pair in the group of little-endian `p`, `g` and optional `q` (the values of
    /// `KP_P`, `KP_G` and `KP_Q`, `KP_X` then generating x): x in [1, q − 1] with q, else a
    /// full-length x. `NTE_BAD_DATA` unless p has a whole number of bytes' bits from 512 to 4096
    /// (its top bit set) and the group is sound (1 < g < p − 1; q odd, dividing p − 1, with
    /// g^q ≡ 1). `NTE_FAIL` when the randomness fails.
    pub(crate) fn generate_in_group(
        alg: AlgId,
        p: &[u8],
        g: &[u8],
        q: Option<&[u8]>,
    ) -> Result<DhKey> {
        fn build<const L: usize>(
            bits: u32,
            p: &[u8],
            g: &[u8],
            q: Option<&[u8]>,
        ) -> Result<Box<dyn DhOps>> {
            let group = Group::<L>::new(bits, p, g, q)?;
            Ok(Box::new(Pair::generate(group, None)?))
        }
        let bits = group_bits(p)?;
        let ops = dispatch!(bits, build(bits, p, g, q), Err(Error::BadData))?;
        Ok(DhKey { ops, alg })
    }

    /// The key of a Diffie-Hellman blob: "DH2" (p, g, x), "DH3" (the group and y) or "DH4"
    /// (the group, y and x). A "DH1" blob holds only a peer's y, for [`DhKey::agree_blob`].
    /// `NTE_BAD_DATA` unless the numbers form a key: a sound group (q, when the blob has one,
    /// dividing p − 1 with g^q ≡ 1), x in [1, q − 1] (or 1 < x < p − 1 without q), y = g^x for
    /// version 3 pairs, a valid public y for "DH3" (1 < y < p − 1, y^q ≡ 1), j = (p − 1)/q
    /// when present.
    pub(crate) fn from_blob(blob: &DlBlob) -> Result<DhKey> {
        fn build<const L: usize>(blob: &DlBlob) -> Result<Box<dyn DhOps>> {
            let q = (!blob.q.is_empty()).then_some(&blob.q[..]);
            let group = Group::<L>::new(blob.bits, &blob.p, &blob.g, q)?;
            Ok(Box::new(Pair::from_blob(group, blob)?))
        }
        if blob.family != Family::Dh || (!blob.version3 && !blob.private) {
            return Err(Error::BadData);
        }
        group_bits(&blob.p)?;
        let ops = dispatch!(blob.bits, build(blob), Err(Error::BadData))?;
        Ok(DhKey { ops, alg: blob.alg })
    }

    /// The key's blob numbers: "DH2" (p, g, x) for a private version 2 blob, "DH1" (y) for a
    /// public one, "DH4" / "DH3" with `version3`. A key imported from a version 3 blob gives that
    /// blob's `bitlenQ`, `bitlenJ`, j and `bitlenX` back; others carry q and j = (p − 1)/q at
    /// their exact bit widths when q is known (`bitlenQ` and `bitlenJ` 0 otherwise), x at q's
    /// width (p's without q), and the `DSSSEED` when known (counter 0xFFFFFFFF otherwise).
    /// `NTE_BAD_KEY_STATE` for a private blob of a public key.
    pub(crate) fn to_blob(&self, private: bool, version3: bool) -> Result<DlBlob> {
        self.ops.to_blob(self.alg, private, version3)
    }

    /// The key's blob, encoded (see [`DhKey::to_blob`]), in a wiping buffer.
    pub(crate) fn export(&self, private: bool, version3: bool) -> Result<Zeroizing<Vec<u8>>> {
        serialize(&self.to_blob(private, version3)?)
    }

    /// The shared secret with a peer's public value y (little-endian, p's length exactly):
    /// z = y^x mod p, little-endian at p's length, in a wiping buffer. The peer's y is checked
    /// first (1 < y < p − 1, and y^q ≡ 1 when q is known, as SP 800-56A §5.6.2.3.1 asks), and
    /// z = 1 is refused (§5.7.1.1). `NTE_BAD_DATA` for a bad y, `NTE_NO_KEY` without x.
    pub(crate) fn agree(&self, peer_y: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.ops.agree(peer_y)
    }

    /// [`DhKey::agree`] with a peer's public key blob: "DH1" of the same bit length, or "DH3"
    /// of the same group (p, g and q equal to this key's). `NTE_BAD_DATA` otherwise.
    pub(crate) fn agree_blob(&self, peer: &DlBlob) -> Result<Zeroizing<Vec<u8>>> {
        if peer.family != Family::Dh || peer.private || peer.bits != self.bits() {
            return Err(Error::BadData);
        }
        if peer.version3 {
            let mine = self.ops.to_blob(self.alg, false, true)?;
            if peer.p != mine.p || peer.g != mine.g || peer.q != mine.q {
                return Err(Error::BadData);
            }
        }
        self.agree(&peer.y)
    }

    /// An independent copy (`CryptDuplicateKey`), private half included.
    pub(crate) fn duplicate(&self) -> DhKey {
        DhKey {
            ops: self.ops.duplicate(),
            alg: self.alg,
        }
    }

    /// The key's algorithm (`CALG_DH_SF` or `CALG_DH_EPHEM`, as given or imported).
    pub(crate) fn alg(&self) -> AlgId {
        self.alg
    }

    /// Bits of p (`KP_KEYLEN`).
    pub(crate) fn bits(&self) -> u32 {
        self.ops.bits()
    }

    pub(crate) fn has_private(&self) -> bool {
        self.ops.has_private()
    }

    /// y, little-endian at p's length.
    pub(crate) fn public_value(&self) -> Result<Vec<u8>> {
        Ok(self.to_blob(false, false)?.y)
    }
}

/// The bits of a little-endian p: a whole number of bytes, its top bit set, 512 to 4096.
fn group_bits(p: &[u8]) -> Result<u32> {
    let bits = bit_width_le(p);
    if !(MIN_DH_BITS..=MAX_DH_BITS).contains(&bits) || !bits.is_multiple_of(8) {
        return Err(Error::BadData);
    }
    Ok(bits)
}

/// The operations of one size class.
trait DhOps: Send + Sync {
    fn bits(&self) -> u32;
    fn has_private(&self) -> bool;
    fn to_blob(&self, alg: AlgId, private: bool, version3: bool) -> Result<DlBlob>;
    fn agree(&self, peer_y: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
    fn duplicate(&self) -> Box<dyn DhOps>;
}

/// A key of one size class. x is wiped on drop.
struct Pair<const L: usize> {
    group: Group<L>,
    y: Uint<L>,
    x: Option<Uint<L>>,
    seed: Option<DssSeed>,
    /// The layout of an imported version 3 blob, kept so that its export gives it back.
    layout: Option<V3Layout>,
}

impl<const L: usize> Drop for Pair<L> {
    fn drop(&mut self) {
        self.x.zeroize();
    }
}

impl<const L: usize> Pair<L> {
    fn generate(group: Group<L>, seed: Option<DssSeed>) -> Result<Self> {
        let x = group.random_exponent()?;
        let y = group.pow_g(&x);
        Ok(Pair {
            group,
            y,
            x: Some(*x),
            seed,
            layout: None,
        })
    }

    fn from_blob(group: Group<L>, blob: &DlBlob) -> Result<Self> {
        if blob.version3 && blob.bits_j != 0 {
            let j = from_le::<L>(&blob.j).ok_or(Error::BadData)?;
            if Some(j) != cofactor(&group) {
                return Err(Error::BadData);
            }
        }
        let layout = V3Layout::of(blob);
        let seed = blob.seed;
        if blob.private {
            let x = Zeroizing::new(from_le::<L>(&blob.x).ok_or(Error::BadData)?);
            if !group.is_private_value(&x) {
                return Err(Error::BadData);
            }
            let y = group.pow_g(&x);
            if blob.version3 && le_bytes(&y, group.len())? != blob.y {
                return Err(Error::BadData);
            }
            return Ok(Pair {
                group,
                y,
                x: Some(*x),
                seed,
                layout,
            });
        }
        let y = from_le::<L>(&blob.y).ok_or(Error::BadData)?;
        if !group.is_public_value(&y) {
            return Err(Error::BadData);
        }
        Ok(Pair {
            group,
            y,
            x: None,
            seed,
            layout,
        })
    }
}

/// j = (p − 1)/q, when q is known.
fn cofactor<const L: usize>(group: &Group<L>) -> Option<Uint<L>> {
    let q = crypto_bigint::NonZero::new(*group.q()?).into_option()?;
    Some(group.p().wrapping_sub(&Uint::ONE).div_rem_vartime(&q).0)
}

impl<const L: usize> DhOps for Pair<L> {
    fn bits(&self) -> u32 {
        self.group.bits()
    }

    fn has_private(&self) -> bool {
        self.x.is_some()
    }

    fn to_blob(&self, alg: AlgId, private: bool, version3: bool) -> Result<DlBlob> {
        let group = &self.group;
        let len = group.len();
        let y = le_bytes(&self.y, len)?;
        let mut blob = DlBlob {
            family: Family::Dh,
            private,
            version3,
            alg,
            bits: group.bits(),
            bits_q: 0,
            bits_j: 0,
            bits_x: 0,
            p: Vec::new(),
            q: Vec::new(),
            g: Vec::new(),
            j: Vec::new(),
            y: Vec::new(),
            x: Zeroizing::new(Vec::new()),
            seed: None,
        };
        let x = match (private, &self.x) {
            (true, Some(x)) => Some(x),
            (true, None) => return Err(Error::BadKeyState),
            (false, _) => None,
        };
        if !version3 {
            match x {
                Some(x) => {
                    blob.p = le_bytes(group.p(), len)?;
                    blob.g = le_bytes(group.g(), len)?;
                    blob.x = le_secret(x, len)?;
                }
                None => blob.y = y,
            }
            return Ok(blob);
        }
        blob.p = le_bytes(group.p(), len)?;
        blob.g = le_bytes(group.g(), len)?;
        blob.y = y;
        blob.seed = Some(self.seed.unwrap_or(DssSeed::NONE));
        if let (Some(q), Some(q_bits)) = (group.q(), group.q_bits()) {
            let bits_q = self.layout.as_ref().map_or(q_bits, |kept| kept.bits_q);
            blob.bits_q = bits_q;
            blob.q = le_bytes(q, byte_len(bits_q))?;
        }
        let (bits_j, j) = match (&self.layout, cofactor(group)) {
            (Some(kept), _) => (kept.bits_j, kept.j.clone()),
            (None, Some(j)) => {
                let bits_j = j.bit_width_vartime();
                (bits_j, le_bytes(&j, byte_len(bits_j))?)
            }
            (None, None) => (0, Vec::new()),
        };
        blob.bits_j = bits_j;
        blob.j = j;
        if let Some(x) = x {
            let bits_x = self
                .layout
                .as_ref()
                .and_then(|kept| kept.bits_x)
                .unwrap_or_else(|| group.exponent_bits());
            blob.bits_x = bits_x;
            blob.x = le_secret(x, byte_len(bits_x))?;
        }
        Ok(blob)
    }

    fn agree(&self, peer_y: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let group = &self.group;
        let x = self.x.as_ref().ok_or(Error::NoKey)?;
        if peer_y.len() != group.len() {
            return Err(Error::BadData);
        }
        let y = from_le::<L>(peer_y).ok_or(Error::BadData)?;
        if !group.is_public_value(&y) {
            return Err(Error::BadData);
        }
        let z = Zeroizing::new(group.pow(&y, x, group.exponent_bits()));
        if z.ct_eq(&Uint::<L>::ONE).to_bool() {
            return Err(Error::BadData);
        }
        le_secret(&z, group.len())
    }

    fn duplicate(&self) -> Box<dyn DhOps> {
        Box::new(Pair {
            group: self.group,
            y: self.y,
            x: self.x,
            seed: self.seed,
            layout: self.layout.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dss::blob::parse;
    use crate::dss::{CALG_DH_EPHEM, CALG_DH_SF};

    /// The 512-bit prime and generator of dssenh.c's `CALG_DH_EPHEM` case (`KP_P`, `KP_G`).
    fn wine_group() -> (Vec<u8>, Vec<u8>) {
        let p = [
            0x17, 0x99, 0xa9, 0x79, 0x31, 0xb9, 0x05, 0xdd, 0x7f, 0xf0, 0x02, 0x11, 0x4d, 0x0d,
            0xc3, 0x81, 0x8b, 0x41, 0x50, 0x41, 0x5f, 0x07, 0xe6, 0x8d, 0x02, 0xf9, 0xaa, 0x86,
            0x2a, 0x07, 0x07, 0xea, 0x0a, 0x75, 0xed, 0x96, 0xa7, 0x85, 0xee, 0xac, 0xb1, 0x71,
            0xbd, 0x57, 0x48, 0xbd, 0x41, 0x0b, 0xde, 0x34, 0xe2, 0xba, 0x5b, 0x55, 0x64, 0x77,
            0x84, 0xfa, 0x96, 0xd1, 0xaf, 0x79, 0x49, 0x9d,
        ];
        let g = [
            0xc7, 0x64, 0x56, 0xde, 0xf7, 0xb4, 0xd3, 0xd8, 0xa2, 0xd4, 0x12, 0x2d, 0x54, 0x5c,
            0x54, 0xc8, 0x04, 0x11, 0x88, 0x14, 0x6c, 0x9f, 0x88, 0x41, 0x82, 0x93, 0x32, 0xb1,
            0x82, 0x84, 0x5b, 0x07, 0x55, 0x13, 0x82, 0x7a, 0x64, 0x7b, 0x12, 0x09, 0xe2, 0xa0,
            0x28, 0x51, 0xf4, 0x7a, 0xd9, 0x26, 0x86, 0x95, 0x5f, 0xc0, 0x9a, 0x25, 0xc2, 0x7e,
            0x91, 0x14, 0xdd, 0x3c, 0x4e, 0x86, 0x4f, 0x6f,
        ];
        (p.to_vec(), g.to_vec())
    }

    #[test]
    fn both_sides_agree_in_a_given_group() {
        let (p, g) = wine_group();
        let a = DhKey::generate_in_group(CALG_DH_EPHEM, &p, &g, None).unwrap();
        let b = DhKey::generate_in_group(CALG_DH_EPHEM, &p, &g, None).unwrap();
        let ab = a.agree(&b.public_value().unwrap()).unwrap();
        let ba = b.agree(&a.public_value().unwrap()).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(ab.len(), 64);
        // Through the blobs: DH1 of the peer, and DH2 of a key re-imported.
        let b_public = parse(&b.export(false, false).unwrap()).unwrap();
        assert_eq!(a.agree_blob(&b_public).unwrap(), ab);
        let a_again = DhKey::from_blob(&parse(&a.export(true, false).unwrap()).unwrap()).unwrap();
        assert_eq!(a_again.agree(&b.public_value().unwrap()).unwrap(), ab);
        assert_eq!(a.duplicate().agree(&b.public_value().unwrap()).unwrap(), ab);
    }

    /// An imported x as wide as p (the largest, p − 2) takes part in full: both sides agree.
    #[test]
    fn a_full_width_private_value_is_used_whole() {
        let (p, g) = wine_group();
        let a = DhKey::generate_in_group(CALG_DH_SF, &p, &g, None).unwrap();
        let mut blob = a.to_blob(true, false).unwrap();
        let mut x = p.clone();
        x[0] -= 2;
        blob.x = Zeroizing::new(x);
        let wide = DhKey::from_blob(&blob).unwrap();
        // y = g^(p − 2) = g⁻¹ (mod p), by Fermat: y·g ≡ 1.
        type W = Uint<{ crypto_bigint::nlimbs(512) }>;
        let modulus =
            crypto_bigint::Odd::new(from_le::<{ crypto_bigint::nlimbs(512) }>(&p).unwrap())
                .unwrap();
        let params = crypto_bigint::modular::FixedMontyParams::new_vartime(modulus);
        let y: W = from_le(&wide.public_value().unwrap()).unwrap();
        let product = crypto_bigint::modular::FixedMontyForm::new(&y, &params)
            .mul(&crypto_bigint::modular::FixedMontyForm::new(
                &from_le(&g).unwrap(),
                &params,
            ))
            .retrieve();
        assert_eq!(product, W::ONE);
        let b = DhKey::generate_in_group(CALG_DH_SF, &p, &g, None).unwrap();
        assert_eq!(
            wide.agree(&b.public_value().unwrap()).unwrap(),
            b.agree(&wide.public_value().unwrap()).unwrap()
        );
        // x = p − 1 is out of range.
        blob.x[0] += 1;
        assert!(matches!(DhKey::from_blob(&blob), Err(Error::BadData)));
    }

    #[test]
    fn bad_peer_values_are_refused() {
        let (p, g) = wine_group();
        let a = DhKey::generate_in_group(CALG_DH_SF, &p, &g, None).unwrap();
        let mut one = vec![0u8; 64];
        one[0] = 1;
        let mut p_minus_1 = p.clone();
        p_minus_1[0] -= 1;
        for bad in [
            vec![0u8; 64],
            one,
            p_minus_1,
            p.clone(),
            vec![0xff; 64],
            vec![2; 63],
        ] {
            assert!(matches!(a.agree(&bad), Err(Error::BadData)));
        }
        let public = DhKey::from_blob(&parse(&a.export(false, true).unwrap()).unwrap()).unwrap();
        assert!(!public.has_private());
        assert!(matches!(
            public.agree(&a.public_value().unwrap()),
            Err(Error::NoKey)
        ));
    }

    #[test]
    fn generated_groups_have_q_and_round_trip() {
        let a = DhKey::generate(CALG_DH_EPHEM, 512).unwrap();
        let blob = a.to_blob(true, true).unwrap();
        assert_eq!((blob.bits_q, blob.bits_x), (160, 160));
        assert!(blob.seed.unwrap().is_present());
        assert!(
            crate::dss::verify_seed(512, &blob.p, &blob.q, &blob.seed.unwrap()).unwrap(),
            "the group's DSSSEED verifies"
        );
        for version3 in [false, true] {
            for private in [false, true] {
                let bytes = a.export(private, version3).unwrap();
                let parsed = parse(&bytes).unwrap();
                if !version3 && !private {
                    assert_eq!(parsed.y, a.public_value().unwrap());
                    continue;
                }
                let again = DhKey::from_blob(&parsed).unwrap();
                assert_eq!(again.export(private, version3).unwrap(), bytes);
            }
        }
        // A peer in the same group, given by its DH3 blob; a DH3 of another group is refused.
        let group = a.to_blob(false, true).unwrap();
        let b =
            DhKey::generate_in_group(CALG_DH_EPHEM, &group.p, &group.g, Some(&group.q)).unwrap();
        let b3 = parse(&b.export(false, true).unwrap()).unwrap();
        assert_eq!(
            a.agree_blob(&b3).unwrap(),
            b.agree(&a.public_value().unwrap()).unwrap()
        );
        let (p, g) = wine_group();
        let other = DhKey::generate_in_group(CALG_DH_EPHEM, &p, &g, None).unwrap();
        let other3 = parse(&other.export(false, true).unwrap()).unwrap();
        assert!(matches!(a.agree_blob(&other3), Err(Error::BadData)));
        // A value outside the order-q subgroup is refused when q is known: 2 is in it with
        // probability 2^-352 for a random 512-bit group.
        let mut two = vec![0u8; 64];
        two[0] = 2;
        assert!(matches!(a.agree(&two), Err(Error::BadData)));
        assert!(
            other.agree(&two).is_ok(),
            "without q, any 1 < y < p - 1 is taken"
        );
        let minus_one: Vec<u8> = {
            let mut v = group.p.clone();
            v[0] -= 1;
            v
        };
        assert!(a.agree(&minus_one).is_err());
    }

    /// A version 3 blob with its own choice of the free fields (a wider `bitlenQ`, no j,
    /// x at p's width) exports as itself.
    #[test]
    fn version_3_layouts_are_kept() {
        let a = DhKey::generate(CALG_DH_EPHEM, 512).unwrap();
        for private in [false, true] {
            let mut blob = a.to_blob(private, true).unwrap();
            blob.bits_q = 176;
            blob.q.resize(22, 0);
            blob.bits_j = 0;
            blob.j.clear();
            if private {
                blob.bits_x = 512;
                blob.x.resize(64, 0);
            }
            let bytes = serialize(&blob).unwrap();
            let again = DhKey::from_blob(&parse(&bytes).unwrap()).unwrap();
            assert_eq!(again.export(private, true).unwrap(), bytes);
            assert_eq!(again.public_value().unwrap(), a.public_value().unwrap());
        }
    }

    #[test]
    fn groups_are_checked() {
        let (p, g) = wine_group();
        assert!(DhKey::generate_in_group(CALG_DH_SF, &p[..63], &g[..63], None).is_err());
        let mut even = p.clone();
        even[0] &= 0xfe;
        assert!(DhKey::generate_in_group(CALG_DH_SF, &even, &g, None).is_err());
        let mut one = vec![0u8; 64];
        one[0] = 1;
        assert!(DhKey::generate_in_group(CALG_DH_SF, &p, &one, None).is_err());
        assert!(DhKey::generate_in_group(CALG_DH_SF, &p, &g, Some(&[3])).is_err());
        assert!(matches!(
            DhKey::generate(CALG_DH_SF, 520),
            Err(Error::BadData)
        ));
        assert!(matches!(
            DhKey::generate(CALG_DH_SF, 4160),
            Err(Error::BadData)
        ));
    }
}
