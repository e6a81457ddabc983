//! **Not part of the API**: a thin public face of the crate-internal DSS and Diffie-Hellman
//! code, for the crate's own test suite (`suite/`) and fuzz targets (`fuzz/`), which are
//! separate crates. Hidden from the documentation, outside any semver promise, and free to
//! change with every commit. Use the provider API (`Provider`, `Key`) instead.
//!
//! Every function is a direct call of the crate-internal one, with its errors.

use zeroize::Zeroizing;

use super::arith::{self, DSA_LIMBS, Q_LEN, from_le};
use super::{DhKey, DlBlob, DsaKey, DsaParams, DssSeed, Family};
use crate::alg::AlgId;
use crate::error::{Error, Result};

/// `CALG_DSS_SIGN`.
pub const CALG_DSS_SIGN: AlgId = super::CALG_DSS_SIGN;
/// `CALG_DH_SF`.
pub const CALG_DH_SF: AlgId = super::CALG_DH_SF;
/// `CALG_DH_EPHEM`.
pub const CALG_DH_EPHEM: AlgId = super::CALG_DH_EPHEM;

/// A decoded DSS or Diffie-Hellman key BLOB, every field as stored (numbers little-endian,
/// absent ones empty).
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    /// A DSS magic ("DSS1" to "DSS4") rather than a Diffie-Hellman one.
    pub dss: bool,
    /// `PRIVATEKEYBLOB` rather than `PUBLICKEYBLOB`.
    pub private: bool,
    /// `bVersion` 3.
    pub version3: bool,
    /// `aiKeyAlg`.
    pub alg: u32,
    /// `bitlen` / `bitlenP`.
    pub bits: u32,
    /// `bitlenQ` (160 in version 2 DSS blobs, 0 in version 2 DH blobs).
    pub bits_q: u32,
    /// `bitlenJ` (version 3).
    pub bits_j: u32,
    /// `bitlenX` (version 3 private blobs).
    pub bits_x: u32,
    /// p.
    pub p: Vec<u8>,
    /// q.
    pub q: Vec<u8>,
    /// g.
    pub g: Vec<u8>,
    /// j.
    pub j: Vec<u8>,
    /// y.
    pub y: Vec<u8>,
    /// x, wiped on drop.
    pub x: Zeroizing<Vec<u8>>,
    /// `DSSSEED` as stored: the counter and the seed bytes (the FIPS SEED reversed).
    pub seed: Option<(u32, [u8; 20])>,
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&to_internal(self), f)
    }
}

fn to_internal(b: &Blob) -> DlBlob {
    DlBlob {
        family: if b.dss { Family::Dss } else { Family::Dh },
        private: b.private,
        version3: b.version3,
        alg: AlgId::from_raw(b.alg),
        bits: b.bits,
        bits_q: b.bits_q,
        bits_j: b.bits_j,
        bits_x: b.bits_x,
        p: b.p.clone(),
        q: b.q.clone(),
        g: b.g.clone(),
        j: b.j.clone(),
        y: b.y.clone(),
        x: b.x.clone(),
        seed: b.seed.map(|(counter, seed)| DssSeed { counter, seed }),
    }
}

fn from_internal(b: DlBlob) -> Blob {
    Blob {
        dss: b.family == Family::Dss,
        private: b.private,
        version3: b.version3,
        alg: b.alg.raw(),
        bits: b.bits,
        bits_q: b.bits_q,
        bits_j: b.bits_j,
        bits_x: b.bits_x,
        p: b.p.clone(),
        q: b.q.clone(),
        g: b.g.clone(),
        j: b.j.clone(),
        y: b.y.clone(),
        x: b.x.clone(),
        seed: b.seed.map(|s| (s.counter, s.seed)),
    }
}

/// Decodes a DSS or DH key BLOB.
///
/// # Errors
///
/// `NTE_BAD_TYPE`, `NTE_BAD_ALGID` or `NTE_BAD_DATA`, as the crate-internal decoder.
pub fn decode(blob: &[u8]) -> Result<Blob> {
    super::parse(blob).map(from_internal)
}

/// Encodes a blob.
///
/// # Errors
///
/// `NTE_BAD_DATA` when a field does not fit its layout, as the crate-internal encoder.
pub fn encode(blob: &Blob) -> Result<Zeroizing<Vec<u8>>> {
    super::serialize(&to_internal(blob))
}

/// The size of a decoded blob in bytes.
pub fn encoded_len(blob: &Blob) -> usize {
    to_internal(blob).len()
}

/// p, q (little-endian) and the counter FIPS 186-2 Appendix 2.2 makes from a SEED, with g from
/// h = 2 (Appendix 4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FipsParams {
    /// p, little-endian at `bits / 8` bytes.
    pub p: Vec<u8>,
    /// q, little-endian, 20 bytes.
    pub q: Vec<u8>,
    /// g, little-endian at p's length.
    pub g: Vec<u8>,
    /// The counter at which p was found.
    pub counter: u32,
}

/// Runs FIPS 186-2 Appendix 2.2 on one SEED (big-endian): `None` when it gives a composite q
/// or no p within 4096 candidates.
///
/// # Errors
///
/// `NTE_BAD_DATA` for a size other than a multiple of 64 from 512 to 4096; `NTE_FAIL` when the
/// randomness of the primality tests fails.
pub fn fips186_2_params_from_seed(bits: u32, seed: &[u8; 20]) -> Result<Option<FipsParams>> {
    fn run<const L: usize>(bits: u32, seed: &[u8; 20]) -> Result<Option<FipsParams>> {
        let Some((p, q, counter)) = arith::fips186_2_from_seed::<L>(bits, seed)? else {
            return Ok(None);
        };
        let g = arith::fips186_2_generator(&p, &q)?;
        let len = bits.div_ceil(8) as usize;
        Ok(Some(FipsParams {
            p: arith::le_bytes(&p, len)?,
            q: arith::le_bytes(&q, Q_LEN)?,
            g: arith::le_bytes(&g, len)?,
            counter,
        }))
    }
    arith::dispatch!(bits, run(bits, seed), Err(Error::BadData))
}

/// Whether little-endian p and q come out of a `DSSSEED` (counter, seed as stored) the FIPS
/// 186-2 way.
///
/// # Errors
///
/// `NTE_FAIL` when the randomness of the primality tests fails.
pub fn verify_seed(bits: u32, p: &[u8], q: &[u8], counter: u32, seed: &[u8; 20]) -> Result<bool> {
    super::verify_seed(
        bits,
        p,
        q,
        &DssSeed {
            counter,
            seed: *seed,
        },
    )
}

/// A DSS key.
#[derive(Debug)]
pub struct Dsa(DsaKey);

impl Dsa {
    /// New FIPS 186-2 parameters of `bits` bits and a key pair in them.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for an unsupported size, `NTE_FAIL` when the randomness fails.
    pub fn generate(bits: u32) -> Result<Dsa> {
        DsaKey::generate(DsaParams::generate(bits)?).map(Dsa)
    }

    /// A new key pair in the parameters of `other`.
    ///
    /// # Errors
    ///
    /// `NTE_FAIL` when the randomness fails.
    pub fn generate_like(other: &Dsa) -> Result<Dsa> {
        DsaKey::generate(*other.0.params()).map(Dsa)
    }

    /// The key of a DSS blob.
    ///
    /// # Errors
    ///
    /// The decoder's errors, and `NTE_BAD_DATA` when the numbers do not form a key.
    pub fn import(blob: &[u8]) -> Result<Dsa> {
        DsaKey::from_blob(&super::parse(blob)?).map(Dsa)
    }

    /// The key's blob.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEY_STATE` for a private blob of a public key.
    pub fn export(&self, private: bool, version3: bool) -> Result<Zeroizing<Vec<u8>>> {
        self.0.export(private, version3)
    }

    /// A signature of a SHA-1 value, in Windows' format.
    ///
    /// # Errors
    ///
    /// `NTE_NO_KEY` for a public key, `NTE_FAIL` when the randomness fails.
    pub fn sign(&self, hash: &[u8; 20]) -> Result<[u8; 40]> {
        self.0.sign(hash)
    }

    /// A signature of a hash object's value, as `CryptSignHash` would make it: SHA-1 only.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_ALGID` for a hash other than SHA-1, `NTE_BAD_HASH` for a SHA-1 value of the
    /// wrong length, and the errors of [`Dsa::sign`].
    pub fn sign_hash(&self, alg: AlgId, value: &[u8]) -> Result<[u8; 40]> {
        self.0.sign(&super::signing_hash(alg, value)?)
    }

    /// **Known-answer tests only**: the signature with a chosen k (little-endian), `None` when
    /// r or s is 0. Reusing a k, or choosing it predictably, gives the private key away.
    ///
    /// # Errors
    ///
    /// `NTE_FAIL` for a k outside [1, q − 1], `NTE_NO_KEY` for a public key.
    pub fn sign_with_nonce(&self, hash: &[u8; 20], k: &[u8]) -> Result<Option<[u8; 40]>> {
        let k = Zeroizing::new(from_le::<DSA_LIMBS>(k).ok_or(Error::Fail)?);
        self.0.sign_with_nonce(hash, &k)
    }

    /// Whether `signature` is this key's signature of `hash`.
    pub fn verify(&self, hash: &[u8; 20], signature: &[u8]) -> bool {
        self.0.verify(hash, signature)
    }

    /// Whether the key's p and q come out of its `DSSSEED`.
    ///
    /// # Errors
    ///
    /// `NTE_FAIL` when the randomness of the primality tests fails.
    pub fn verify_seed(&self) -> Result<bool> {
        self.0.params().verify_seed()
    }

    /// An independent copy.
    pub fn duplicate(&self) -> Dsa {
        Dsa(self.0.duplicate())
    }

    /// The public half.
    pub fn public_key(&self) -> Dsa {
        Dsa(self.0.public_key())
    }

    /// Bits of p.
    pub fn bits(&self) -> u32 {
        self.0.bits()
    }

    /// Whether the private half is known.
    pub fn has_private(&self) -> bool {
        self.0.has_private()
    }
}

/// A Diffie-Hellman key.
#[derive(Debug)]
pub struct Dh(DhKey);

impl Dh {
    /// A key pair in a new FIPS 186-2 group of `bits` bits.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for an unsupported size, `NTE_FAIL` when the randomness fails.
    pub fn generate(alg: AlgId, bits: u32) -> Result<Dh> {
        DhKey::generate(alg, bits).map(Dh)
    }

    /// A key pair in the group of little-endian p, g and optional q.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for an unsound group, `NTE_FAIL` when the randomness fails.
    pub fn generate_in_group(alg: AlgId, p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<Dh> {
        DhKey::generate_in_group(alg, p, g, q).map(Dh)
    }

    /// The key of a "DH2", "DH3" or "DH4" blob.
    ///
    /// # Errors
    ///
    /// The decoder's errors, and `NTE_BAD_DATA` when the numbers do not form a key.
    pub fn import(blob: &[u8]) -> Result<Dh> {
        DhKey::from_blob(&super::parse(blob)?).map(Dh)
    }

    /// The key's blob.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEY_STATE` for a private blob of a public key.
    pub fn export(&self, private: bool, version3: bool) -> Result<Zeroizing<Vec<u8>>> {
        self.0.export(private, version3)
    }

    /// The shared secret with a peer's y (little-endian at p's length), little-endian.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for a bad y, `NTE_NO_KEY` for a public key.
    pub fn agree(&self, peer_y: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.0.agree(peer_y)
    }

    /// The shared secret with a peer's "DH1" or "DH3" blob.
    ///
    /// # Errors
    ///
    /// The decoder's errors, and those of [`Dh::agree`].
    pub fn agree_blob(&self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.0.agree_blob(&super::parse(peer)?)
    }

    /// y, little-endian at p's length.
    ///
    /// # Errors
    ///
    /// None in practice (`NTE_BAD_DATA` would mean a broken key).
    pub fn public_value(&self) -> Result<Vec<u8>> {
        self.0.public_value()
    }

    /// An independent copy.
    pub fn duplicate(&self) -> Dh {
        Dh(self.0.duplicate())
    }

    /// Bits of p.
    pub fn bits(&self) -> u32 {
        self.0.bits()
    }

    /// Whether the private half is known.
    pub fn has_private(&self) -> bool {
        self.0.has_private()
    }

    /// The key's algorithm.
    pub fn alg(&self) -> AlgId {
        self.0.alg()
    }
}
