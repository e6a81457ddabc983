//! The DSS and Diffie-Hellman key BLOBs: pure codecs over bytes.
//!
//! Every blob starts with a `BLOBHEADER` {bType, bVersion, reserved (0), aiKeyAlg}; every
//! integer is little-endian, every number at a fixed length. Microsoft's documentation
//! ("DSS Provider Key BLOBs", "Diffie-Hellman Key BLOBs", "DSS Version 3 Public Key BLOBs",
//! "Diffie-Hellman Version 3 Public/Private Key BLOBs", the `DSSPUBKEY`, `DHPUBKEY`,
//! `DSSPUBKEY_VER3`, `DHPRIVKEY_VER3` and `DSSSEED` structures) defines eight layouts, with
//! `len = bitlen / 8`:
//!
//! ```text
//! bVersion 2, DSSPUBKEY / DHPUBKEY {magic, bitlen}:
//!   "DSS1" PUBLICKEYBLOB   p[len] q[20] g[len] y[len] DSSSEED
//!   "DSS2" PRIVATEKEYBLOB  p[len] q[20] g[len] x[20]  DSSSEED
//!   "\0DH1" PUBLICKEYBLOB  y[len]
//!   "\0DH2" PRIVATEKEYBLOB p[len] g[len] x[len]
//! bVersion 3, *_VER3 {magic, bitlenP, bitlenQ, bitlenJ, [bitlenX,] DSSSEED}:
//!   "DSS3" / "\0DH3" PUBLICKEYBLOB   p[lenP] q[lenQ] g[lenP] j[lenJ] y[lenP]
//!   "DSS4" / "\0DH4" PRIVATEKEYBLOB  p[lenP] q[lenQ] g[lenP] j[lenJ] y[lenP] x[lenX]
//! DSSSEED = {counter: DWORD, seed[20]}; counter 0xFFFFFFFF: no seed.
//! ```
//!
//! The seed is stored little-endian like every other number: the FIPS 186-2 SEED reversed. This
//! is what the blobs recorded on Windows hold (their p and q come out of the reversed seed, see
//! `suite/tests/dssenh_blobs.rs`), and what .NET's `DSACryptoServiceProvider` writes.
//!
//! # Strictness
//!
//! Decoding checks everything the layout fixes, and gives `NTE_BAD_DATA` for any defect: a
//! short blob, non-zero reserved bytes, a magic that is not the one of the blob type and
//! version, a bit length that is not a whole number of bytes or is out of range, a p whose top
//! bit is clear (the documentation requires it set) or a number wider than its bit length
//! field. A blob type other than `PUBLICKEYBLOB` or `PRIVATEKEYBLOB` is `NTE_BAD_TYPE`; an
//! `aiKeyAlg` that does not belong to the magic's family (`CALG_DSS_SIGN` for DSS;
//! `CALG_DH_SF` or `CALG_DH_EPHEM` for Diffie-Hellman) is `NTE_BAD_ALGID`. Whether the numbers
//! form a key is for [`DsaKey`](super::DsaKey) and [`DhKey`](super::DhKey) to decide. As for
//! RSA blobs, bytes after the blob are ignored. A blob decoded and encoded again gives its own
//! bytes back (up to its end), bit length fields included.

use zeroize::Zeroizing;

use super::{CALG_DH_EPHEM, CALG_DH_SF, CALG_DSS_SIGN};
use crate::alg::AlgId;
use crate::blob::{BlobType, HEADER_LEN};
use crate::error::{Error, Result};
use crate::reader::Reader;

/// `"DSS1"`: a DSS public key, version 2.
pub(crate) const DSS1: u32 = 0x3153_5344;
/// `"DSS2"`: a DSS key pair, version 2.
pub(crate) const DSS2: u32 = 0x3253_5344;
/// `"DSS3"`: a DSS public key, version 3.
pub(crate) const DSS3: u32 = 0x3353_5344;
/// `"DSS4"`: a DSS key pair, version 3.
pub(crate) const DSS4: u32 = 0x3453_5344;
/// `"\0DH1"`: a Diffie-Hellman public value, version 2.
pub(crate) const DH1: u32 = 0x3148_4400;
/// `"\0DH2"`: a Diffie-Hellman key pair, version 2.
pub(crate) const DH2: u32 = 0x3248_4400;
/// `"\0DH3"`: a Diffie-Hellman public key with its group, version 3.
pub(crate) const DH3: u32 = 0x3348_4400;
/// `"\0DH4"`: a Diffie-Hellman key pair with its group, version 3.
pub(crate) const DH4: u32 = 0x3448_4400;

/// `bVersion` of the version 3 blobs (`CRYPT_BLOB_VER3` exports).
pub(crate) const BLOB_VERSION_3: u8 = 3;
/// `bVersion` of the others (`CUR_BLOB_VERSION`).
pub(crate) const BLOB_VERSION_2: u8 = 2;
/// The largest DSS p (FIPS 186-2), in bits.
pub(crate) const MAX_DSS_BITS: u32 = 1024;
/// The largest Diffie-Hellman p (the Enhanced provider's `CALG_DH_*` maximum), in bits.
pub(crate) const MAX_DH_BITS: u32 = 4096;
/// Bytes of q and of a DSS x in the version 2 DSS blobs.
const Q_LEN: usize = 20;
/// Size of `DSSSEED`.
const SEED_LEN: usize = 24;

/// Which algorithm family a blob's magic names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// `CALG_DSS_SIGN` keys: "DSS1" to "DSS4".
    Dss,
    /// `CALG_DH_SF` / `CALG_DH_EPHEM` keys: "DH1" to "DH4".
    Dh,
}

impl Family {
    fn max_bits(self) -> u32 {
        match self {
            Family::Dss => MAX_DSS_BITS,
            Family::Dh => MAX_DH_BITS,
        }
    }

    /// Whether `alg` is an `aiKeyAlg` of this family.
    pub(crate) fn has_alg(self, alg: AlgId) -> bool {
        match self {
            Family::Dss => alg == CALG_DSS_SIGN,
            Family::Dh => alg == CALG_DH_SF || alg == CALG_DH_EPHEM,
        }
    }
}

/// `DSSSEED`, as stored: the counter, and the FIPS 186-2 SEED little-endian (reversed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DssSeed {
    pub(crate) counter: u32,
    pub(crate) seed: [u8; 20],
}

impl DssSeed {
    /// "Not available": counter 0xFFFFFFFF (and the seed bytes all 0xFF, as .NET writes them).
    pub(crate) const NONE: DssSeed = DssSeed {
        counter: u32::MAX,
        seed: [0xff; 20],
    };

    /// The `DSSSEED` of a FIPS 186-2 SEED (big-endian) and counter.
    pub(crate) fn from_fips(seed_be: &[u8; 20], counter: u32) -> DssSeed {
        let mut seed = *seed_be;
        seed.reverse();
        DssSeed { counter, seed }
    }

    /// Whether the seed and counter are available (the counter is not 0xFFFFFFFF).
    pub(crate) fn is_present(&self) -> bool {
        self.counter != u32::MAX
    }

    /// The FIPS 186-2 SEED, big-endian.
    pub(crate) fn fips_seed(&self) -> [u8; 20] {
        let mut seed = self.seed;
        seed.reverse();
        seed
    }

    fn parse(bytes: &[u8]) -> Result<DssSeed> {
        let (counter, seed) = bytes.split_at_checked(4).ok_or(Error::BadData)?;
        Ok(DssSeed {
            counter: le_u32(counter),
            seed: seed.try_into().map_err(|_| Error::BadData)?,
        })
    }

    fn push(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.counter.to_le_bytes());
        out.extend_from_slice(&self.seed);
    }
}

/// A DSS or Diffie-Hellman key BLOB, every field as stored. Numbers are little-endian at their
/// blob lengths; absent ones are empty. `Debug` shows the layout, never x.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DlBlob {
    pub(crate) family: Family,
    /// `PRIVATEKEYBLOB` ("DSS2", "DH2", "DSS4", "DH4") rather than `PUBLICKEYBLOB`.
    pub(crate) private: bool,
    /// `bVersion` 3 ("DSS3", "DSS4", "DH3", "DH4") rather than 2.
    pub(crate) version3: bool,
    /// `aiKeyAlg`.
    pub(crate) alg: AlgId,
    /// `bitlen` / `bitlenP`: the bits of p.
    pub(crate) bits: u32,
    /// `bitlenQ` of a version 3 blob; 160 for version 2 DSS blobs, 0 for version 2 DH blobs.
    pub(crate) bits_q: u32,
    /// `bitlenJ` of a version 3 blob (0: no j); 0 otherwise.
    pub(crate) bits_j: u32,
    /// `bitlenX` of a version 3 private blob; 0 otherwise.
    pub(crate) bits_x: u32,
    /// p; empty in a "DH1" blob.
    pub(crate) p: Vec<u8>,
    /// q; empty when the blob has none (version 2 DH blobs, `bitlenQ` 0).
    pub(crate) q: Vec<u8>,
    /// g, at p's length; empty in a "DH1" blob.
    pub(crate) g: Vec<u8>,
    /// j = (p − 1)/q; empty when absent.
    pub(crate) j: Vec<u8>,
    /// y, at p's length; empty in version 2 private blobs.
    pub(crate) y: Vec<u8>,
    /// x (20 bytes in "DSS2", p's length in "DH2", `bitlenX` in version 3); empty in public
    /// blobs. Wiped on drop.
    pub(crate) x: Zeroizing<Vec<u8>>,
    /// `DSSSEED`: in DSS blobs and every version 3 blob; `None` in version 2 DH blobs.
    pub(crate) seed: Option<DssSeed>,
}

impl std::fmt::Debug for DlBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DlBlob")
            .field("magic", &format_args!("{:08x}", self.magic()))
            .field("alg", &self.alg)
            .field("bits", &self.bits)
            .field("bits_q", &self.bits_q)
            .field("bits_j", &self.bits_j)
            .field("bits_x", &self.bits_x)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl DlBlob {
    /// The `magic` of this blob's layout.
    pub(crate) fn magic(&self) -> u32 {
        match (self.family, self.version3, self.private) {
            (Family::Dss, false, false) => DSS1,
            (Family::Dss, false, true) => DSS2,
            (Family::Dss, true, false) => DSS3,
            (Family::Dss, true, true) => DSS4,
            (Family::Dh, false, false) => DH1,
            (Family::Dh, false, true) => DH2,
            (Family::Dh, true, false) => DH3,
            (Family::Dh, true, true) => DH4,
        }
    }

    /// The blob's size in bytes.
    pub(crate) fn len(&self) -> usize {
        let fields = if self.version3 {
            if self.private { 20 } else { 16 }
        } else {
            8
        };
        HEADER_LEN
            + fields
            + self.p.len()
            + self.q.len()
            + self.g.len()
            + self.j.len()
            + self.y.len()
            + self.x.len()
            + if self.seed.is_some() { SEED_LEN } else { 0 }
    }
}

/// The fields of an imported version 3 blob that its numbers do not fix, kept by the key so
/// that its version 3 export gives the same bytes back: `bitlenQ` (which may exceed q's width),
/// `bitlenJ` and j (0 and empty when the blob had no j), and `bitlenX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct V3Layout {
    pub(crate) bits_q: u32,
    pub(crate) bits_j: u32,
    pub(crate) j: Vec<u8>,
    /// `bitlenX` of a private blob.
    pub(crate) bits_x: Option<u32>,
}

impl V3Layout {
    /// The layout of a version 3 blob, `None` for others.
    pub(crate) fn of(blob: &DlBlob) -> Option<V3Layout> {
        blob.version3.then(|| V3Layout {
            bits_q: blob.bits_q,
            bits_j: blob.bits_j,
            j: blob.j.clone(),
            bits_x: blob.private.then_some(blob.bits_x),
        })
    }
}

/// Bytes of a number of `bits` bits.
pub(crate) fn byte_len(bits: u32) -> usize {
    bits.div_ceil(8) as usize
}

fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// The bit width of a little-endian number.
fn bit_width(bytes: &[u8]) -> u32 {
    match bytes.iter().rposition(|&b| b != 0) {
        None => 0,
        Some(i) => i as u32 * 8 + (8 - bytes[i].leading_zeros()),
    }
}

/// The DSS/DH number fields of a blob.
trait Numbers<'a> {
    fn number(&mut self, bits: u32) -> Result<&'a [u8]>;
    fn prime(&mut self, bits: u32) -> Result<&'a [u8]>;
}

impl<'a> Numbers<'a> for Reader<'a> {
    /// A number of `bits` bits at its byte length; `NTE_BAD_DATA` when it is wider.
    fn number(&mut self, bits: u32) -> Result<&'a [u8]> {
        let bytes = self.take(byte_len(bits))?;
        if bit_width(bytes) > bits {
            return Err(Error::BadData);
        }
        Ok(bytes)
    }

    /// p: exactly `bits` bits, its top bit set.
    fn prime(&mut self, bits: u32) -> Result<&'a [u8]> {
        let bytes = self.take(byte_len(bits))?;
        if bit_width(bytes) != bits {
            return Err(Error::BadData);
        }
        Ok(bytes)
    }
}

/// Decodes a DSS or Diffie-Hellman key BLOB (header included); see the module docs for what is
/// refused. Bytes past the blob's end are ignored.
pub(crate) fn parse(blob: &[u8]) -> Result<DlBlob> {
    let mut r = Reader::new(blob, || Error::BadData);
    let head = r.take(HEADER_LEN)?;
    let private = match BlobType::from_raw(u32::from(head[0])) {
        Some(BlobType::PublicKeyBlob) => false,
        Some(BlobType::PrivateKeyBlob) => true,
        _ => return Err(Error::BadType),
    };
    let version3 = match head[1] {
        BLOB_VERSION_2 => false,
        BLOB_VERSION_3 => true,
        _ => return Err(Error::BadData),
    };
    if head[2] != 0 || head[3] != 0 {
        return Err(Error::BadData);
    }
    let alg = AlgId::from_raw(le_u32(&head[4..]));
    let magic = r.u32()?;
    let family = match magic {
        DSS1 | DSS2 | DSS3 | DSS4 => Family::Dss,
        DH1 | DH2 | DH3 | DH4 => Family::Dh,
        _ => return Err(Error::BadData),
    };
    let expected = DlBlob {
        family,
        private,
        version3,
        ..empty(family, alg)
    }
    .magic();
    if magic != expected {
        return Err(Error::BadData);
    }
    if !family.has_alg(alg) {
        return Err(Error::BadAlgId);
    }
    let bits = r.u32()?;
    if bits == 0 || !bits.is_multiple_of(8) || bits > family.max_bits() {
        return Err(Error::BadData);
    }
    let len = byte_len(bits);
    let mut out = DlBlob {
        private,
        version3,
        bits,
        ..empty(family, alg)
    };
    if version3 {
        out.bits_q = r.u32()?;
        out.bits_j = r.u32()?;
        if private {
            out.bits_x = r.u32()?;
        }
        let q_ok = match family {
            // FIPS 186-2: q has 160 bits.
            Family::Dss => out.bits_q == 160,
            Family::Dh => out.bits_q < bits,
        };
        let x_ok = !private || (1..=bits).contains(&out.bits_x);
        if !q_ok || out.bits_j >= bits || !x_ok {
            return Err(Error::BadData);
        }
        out.seed = Some(DssSeed::parse(r.take(SEED_LEN)?)?);
        out.p = r.prime(bits)?.to_vec();
        out.q = r.number(out.bits_q)?.to_vec();
        out.g = r.number(bits)?.to_vec();
        out.j = r.number(out.bits_j)?.to_vec();
        out.y = r.number(bits)?.to_vec();
        if private {
            out.x = Zeroizing::new(r.number(out.bits_x)?.to_vec());
        }
        return Ok(out);
    }
    match family {
        Family::Dss => {
            out.bits_q = 160;
            out.p = r.prime(bits)?.to_vec();
            out.q = r.take(Q_LEN)?.to_vec();
            out.g = r.number(bits)?.to_vec();
            if private {
                out.x = Zeroizing::new(r.take(Q_LEN)?.to_vec());
            } else {
                out.y = r.number(bits)?.to_vec();
            }
            out.seed = Some(DssSeed::parse(r.take(SEED_LEN)?)?);
        }
        Family::Dh if private => {
            out.p = r.prime(bits)?.to_vec();
            out.g = r.number(bits)?.to_vec();
            out.x = Zeroizing::new(r.take(len)?.to_vec());
        }
        Family::Dh => {
            out.y = r.number(bits)?.to_vec();
        }
    }
    Ok(out)
}

/// A blob with no numbers.
fn empty(family: Family, alg: AlgId) -> DlBlob {
    DlBlob {
        family,
        private: false,
        version3: false,
        alg,
        bits: 0,
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
    }
}

/// Encodes a blob, in a wiping buffer. `NTE_BAD_DATA` when a field does not have the length
/// its layout and bit lengths give it (the exact inverse of [`parse`]: whatever it accepts
/// encodes, and whatever encodes parses back equal).
pub(crate) fn serialize(blob: &DlBlob) -> Result<Zeroizing<Vec<u8>>> {
    let b = blob;
    let len = byte_len(b.bits);
    let is_len = |field: &[u8], want: usize| field.len() == want;
    let absent = |field: &[u8]| field.is_empty();
    let structure_ok = match (b.family, b.version3, b.private) {
        (_, true, _) => {
            is_len(&b.p, len)
                && is_len(&b.q, byte_len(b.bits_q))
                && is_len(&b.g, len)
                && is_len(&b.j, byte_len(b.bits_j))
                && is_len(&b.y, len)
                && if b.private {
                    is_len(&b.x, byte_len(b.bits_x))
                } else {
                    absent(&b.x) && b.bits_x == 0
                }
                && b.seed.is_some()
        }
        (Family::Dss, false, private) => {
            is_len(&b.p, len)
                && is_len(&b.q, Q_LEN)
                && is_len(&b.g, len)
                && if private {
                    is_len(&b.x, Q_LEN) && absent(&b.y)
                } else {
                    is_len(&b.y, len) && absent(&b.x)
                }
                && absent(&b.j)
                && b.bits_q == 160
                && b.bits_j == 0
                && b.bits_x == 0
                && b.seed.is_some()
        }
        (Family::Dh, false, true) => {
            is_len(&b.p, len)
                && is_len(&b.g, len)
                && is_len(&b.x, len)
                && absent(&b.q)
                && absent(&b.j)
                && absent(&b.y)
                && b.bits_q == 0
                && b.bits_j == 0
                && b.bits_x == 0
                && b.seed.is_none()
        }
        (Family::Dh, false, false) => {
            is_len(&b.y, len)
                && absent(&b.p)
                && absent(&b.q)
                && absent(&b.g)
                && absent(&b.j)
                && absent(&b.x)
                && b.bits_q == 0
                && b.bits_j == 0
                && b.bits_x == 0
                && b.seed.is_none()
        }
    };
    if !structure_ok {
        return Err(Error::BadData);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(b.len()));
    out.push(if b.private {
        BlobType::PrivateKeyBlob.raw() as u8
    } else {
        BlobType::PublicKeyBlob.raw() as u8
    });
    out.push(if b.version3 {
        BLOB_VERSION_3
    } else {
        BLOB_VERSION_2
    });
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&b.alg.raw().to_le_bytes());
    out.extend_from_slice(&b.magic().to_le_bytes());
    out.extend_from_slice(&b.bits.to_le_bytes());
    if b.version3 {
        out.extend_from_slice(&b.bits_q.to_le_bytes());
        out.extend_from_slice(&b.bits_j.to_le_bytes());
        if b.private {
            out.extend_from_slice(&b.bits_x.to_le_bytes());
        }
        if let Some(seed) = &b.seed {
            seed.push(&mut out);
        }
        for field in [&b.p, &b.q, &b.g, &b.j, &b.y] {
            out.extend_from_slice(field);
        }
        out.extend_from_slice(&b.x);
    } else {
        for field in [&b.p, &b.q, &b.g, &b.y] {
            out.extend_from_slice(field);
        }
        out.extend_from_slice(&b.x);
        if let Some(seed) = &b.seed {
            seed.push(&mut out);
        }
    }
    // Every check parse makes on the numbers, so that what encodes also decodes.
    let parsed = parse(&out)?;
    if &parsed != b {
        return Err(Error::BadData);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample number of `bits` bits, top bit set.
    fn number(bits: u32, tag: u8) -> Vec<u8> {
        let mut n: Vec<u8> = (0..byte_len(bits))
            .map(|i| (i as u8).wrapping_mul(29) ^ tag)
            .collect();
        if let Some(top) = n.last_mut() {
            let spare = byte_len(bits) as u32 * 8 - bits;
            *top = (*top | 0x80) >> spare;
        }
        n
    }

    fn sample(family: Family, version3: bool, private: bool, bits: u32) -> DlBlob {
        let alg = match family {
            Family::Dss => CALG_DSS_SIGN,
            Family::Dh => CALG_DH_EPHEM,
        };
        let mut b = DlBlob {
            private,
            version3,
            bits,
            ..empty(family, alg)
        };
        let with_group = version3 || family == Family::Dss || private;
        if with_group {
            b.p = number(bits, 1);
            b.g = number(bits - 3, 2);
            b.g.resize(byte_len(bits), 0);
        }
        if version3 {
            b.bits_q = if family == Family::Dss { 160 } else { 168 };
            b.bits_j = bits - b.bits_q;
            b.q = number(b.bits_q, 3);
            b.j = number(b.bits_j, 4);
            b.y = number(bits - 1, 5);
            b.y.resize(byte_len(bits), 0);
            b.seed = Some(DssSeed::from_fips(&[7; 20], 105));
            if private {
                b.bits_x = b.bits_q;
                b.x = Zeroizing::new(number(b.bits_x, 6));
            }
            return b;
        }
        match (family, private) {
            (Family::Dss, _) => {
                b.bits_q = 160;
                b.q = number(160, 3);
                if private {
                    b.x = Zeroizing::new(number(159, 6));
                } else {
                    b.y = number(bits - 1, 5);
                    b.y.resize(byte_len(bits), 0);
                }
                b.seed = Some(DssSeed::NONE);
            }
            (Family::Dh, true) => b.x = Zeroizing::new(number(bits - 9, 6)),
            (Family::Dh, false) => {
                b.y = number(bits - 1, 5);
                b.y.resize(byte_len(bits), 0);
            }
        }
        if let (Family::Dh, true) = (family, private) {
            b.x.resize(byte_len(bits), 0);
        }
        b
    }

    fn every_layout() -> Vec<DlBlob> {
        let mut out = Vec::new();
        for family in [Family::Dss, Family::Dh] {
            for version3 in [false, true] {
                for private in [false, true] {
                    for bits in [512, 1024] {
                        out.push(sample(family, version3, private, bits));
                    }
                }
            }
        }
        out.push(sample(Family::Dh, false, true, 4096));
        out.push(sample(Family::Dh, true, true, 4096));
        out
    }

    #[test]
    fn every_layout_round_trips_and_has_its_documented_size() {
        for b in every_layout() {
            let bytes = serialize(&b).unwrap();
            assert_eq!(bytes.len(), b.len());
            let len = byte_len(b.bits);
            let expected = match (b.family, b.version3, b.private) {
                (Family::Dss, false, false) => 16 + 3 * len + 20 + 24,
                (Family::Dss, false, true) => 16 + 2 * len + 40 + 24,
                (Family::Dh, false, false) => 16 + len,
                (Family::Dh, false, true) => 16 + 3 * len,
                (_, true, false) => 24 + 24 + 3 * len + b.q.len() + b.j.len(),
                (_, true, true) => 28 + 24 + 3 * len + b.q.len() + b.j.len() + b.x.len(),
            };
            assert_eq!(bytes.len(), expected, "{:08x} {}", b.magic(), b.bits);
            assert_eq!(parse(&bytes).unwrap(), b);
            assert_eq!(&bytes[8..12], &b.magic().to_le_bytes());
            // Trailing bytes are ignored.
            let mut longer = bytes.to_vec();
            longer.extend_from_slice(&[0xee; 9]);
            assert_eq!(parse(&longer).unwrap(), b);
        }
    }

    #[test]
    fn magics_spell_their_names() {
        assert_eq!(&DSS1.to_le_bytes(), b"DSS1");
        assert_eq!(&DSS4.to_le_bytes(), b"DSS4");
        assert_eq!(&DH1.to_le_bytes(), b"\0DH1");
        assert_eq!(&DH4.to_le_bytes(), b"\0DH4");
    }

    #[test]
    fn every_truncation_fails() {
        for b in every_layout() {
            let bytes = serialize(&b).unwrap();
            for cut in 0..bytes.len() {
                assert!(
                    parse(&bytes[..cut]).is_err(),
                    "{:08x} cut at {cut}",
                    b.magic()
                );
            }
        }
    }

    /// Every single-bit flip: an error, or a blob that encodes back to the flipped bytes.
    #[test]
    fn every_bit_flip_is_an_error_or_a_faithful_blob() {
        for b in every_layout().into_iter().filter(|b| b.bits == 512) {
            let bytes = serialize(&b).unwrap();
            for i in 0..bytes.len() {
                for bit in 0..8 {
                    let mut bad = bytes.to_vec();
                    bad[i] ^= 1 << bit;
                    match parse(&bad) {
                        Ok(again) => {
                            let back = serialize(&again).unwrap();
                            assert_eq!(&back[..], &bad[..back.len()], "byte {i} bit {bit}");
                        }
                        Err(Error::BadData | Error::BadType | Error::BadAlgId) => {}
                        Err(other) => panic!("byte {i} bit {bit}: {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn header_defects_have_their_codes() {
        let good = serialize(&sample(Family::Dss, false, true, 512)).unwrap();
        let with = |at: usize, value: u8| {
            let mut bad = good.to_vec();
            bad[at] = value;
            parse(&bad).map(|_| ())
        };
        assert!(matches!(with(0, 1), Err(Error::BadType)), "SIMPLEBLOB");
        assert!(
            matches!(with(0, 8), Err(Error::BadType)),
            "PLAINTEXTKEYBLOB"
        );
        assert!(matches!(with(0, 6), Err(Error::BadData)), "DSS2 as public");
        assert!(
            matches!(with(1, 3), Err(Error::BadData)),
            "DSS2 as version 3"
        );
        assert!(matches!(with(1, 1), Err(Error::BadData)), "version 1");
        assert!(matches!(with(2, 1), Err(Error::BadData)), "reserved");
        assert!(
            matches!(with(5, 0x24), Err(Error::BadAlgId)),
            "CALG_RSA_SIGN"
        );
        assert!(matches!(with(5, 0xaa), Err(Error::BadAlgId)), "a DH alg");
        assert!(
            matches!(with(11, b'1'), Err(Error::BadData)),
            "DSS1 in a private blob"
        );
        assert!(matches!(with(12, 1), Err(Error::BadData)), "bitlen 513");
        // A DH blob takes both DH algorithms and nothing else.
        let dh = serialize(&sample(Family::Dh, false, false, 512)).unwrap();
        let mut sf = dh.to_vec();
        sf[4] = 0x01;
        assert_eq!(parse(&sf).unwrap().alg, CALG_DH_SF);
        sf[5] = 0x22;
        assert!(matches!(parse(&sf), Err(Error::BadAlgId)));
    }

    #[test]
    fn sizes_and_widths_are_checked() {
        // bitlen past the family's maximum, or zero.
        for (family, bits) in [(Family::Dss, 1088), (Family::Dh, 4160), (Family::Dh, 0)] {
            let mut b = sample(family, false, true, 512);
            b.bits = bits;
            let mut bytes = serialize(&sample(family, false, true, 512))
                .unwrap()
                .to_vec();
            bytes[12..16].copy_from_slice(&bits.to_le_bytes());
            bytes.resize(8192, 0x80);
            assert!(matches!(parse(&bytes), Err(Error::BadData)), "{bits}");
            assert!(serialize(&b).is_err());
        }
        // p with its top bit clear.
        let mut b = sample(Family::Dh, false, true, 512);
        b.p[63] = 0x7f;
        assert!(serialize(&b).is_err());
        // A version 3 q wider than bitlenQ, a DSS bitlenQ other than 160.
        let mut b = sample(Family::Dh, true, false, 512);
        b.bits_q = 167;
        assert!(serialize(&b).is_err());
        let mut b = sample(Family::Dss, true, false, 512);
        b.bits_q = 168;
        b.q.push(1);
        assert!(serialize(&b).is_err());
        // bitlenX 0 in a private version 3 blob.
        let mut b = sample(Family::Dh, true, true, 512);
        b.bits_x = 0;
        b.x = Zeroizing::new(Vec::new());
        assert!(serialize(&b).is_err());
        // A field of the wrong length.
        let mut b = sample(Family::Dss, false, false, 512);
        b.y.pop();
        assert!(serialize(&b).is_err());
    }

    #[test]
    fn seeds_are_stored_reversed() {
        let mut fips = [0u8; 20];
        fips[0] = 0xd5;
        fips[19] = 0xd3;
        let seed = DssSeed::from_fips(&fips, 105);
        assert_eq!(seed.seed[0], 0xd3);
        assert_eq!(seed.fips_seed(), fips);
        assert!(seed.is_present());
        assert!(!DssSeed::NONE.is_present());
    }

    /// Bodies of every length up to 300 bytes behind each magic, version and a range of bit
    /// lengths never panic the decoder.
    #[test]
    fn odd_blobs_never_panic() {
        let filler: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(151) >> 1) as u8)
            .collect();
        for magic in [DSS1, DSS2, DSS3, DSS4, DH1, DH2, DH3, DH4, 0] {
            for (blob_type, version) in [(6u8, 2u8), (7, 2), (6, 3), (7, 3)] {
                for bits in [0u32, 8, 16, 160, 168, 512, 4096, u32::MAX] {
                    for len in (0..=filler.len()).step_by(7) {
                        let alg: u32 = if magic & 0xff == 0 { 0xaa02 } else { 0x2200 };
                        let mut blob = vec![blob_type, version, 0, 0];
                        blob.extend_from_slice(&alg.to_le_bytes());
                        blob.extend_from_slice(&magic.to_le_bytes());
                        blob.extend_from_slice(&bits.to_le_bytes());
                        for field in [8u32, 16, 8] {
                            blob.extend_from_slice(&field.to_le_bytes());
                        }
                        blob.extend_from_slice(&filler[..len]);
                        if let Ok(b) = parse(&blob) {
                            let back = serialize(&b).unwrap();
                            assert_eq!(&back[..], &blob[..back.len()]);
                        }
                    }
                }
            }
        }
    }
}
