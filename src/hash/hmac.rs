//! `CALG_HMAC` with `HMAC_INFO`, as Microsoft's providers compute it.
//!
//! The inner pad is `pbInnerString` (its whole given length), or the hash's block of `0x36`
//! bytes when it is empty; the key bytes are XORed into its first `min(key, pad)` bytes. The
//! outer pad is built the same way with `0x5c`. The value is `H(outer ‖ H(inner ‖ data))`. With
//! the default strings this is RFC 2104 HMAC (a key longer than the block is hashed first); with
//! custom strings of any length it is the same construction over those strings, which is what
//! Windows computes.

use zeroize::Zeroizing;

use super::{Digest, Value};
use crate::alg::AlgId;
use crate::error::{Error, Result};

/// `HMAC_INFO`: the inner hash of an HMAC and, optionally, its pad strings.
///
/// ```
/// use cryptoapi::{AlgId, HmacInfo, KeyFlags, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
/// // RFC 2202 test case 2: key "Jefe".
/// let mut blob = vec![8, 2, 0, 0, 0x02, 0x66, 0, 0, 4, 0, 0, 0];
/// blob.extend_from_slice(b"Jefe");
/// let key = prov.import_key(&blob, None, KeyFlags::IPSEC_HMAC_KEY)?;
/// let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key))?;
/// hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA1))?;
/// hmac.hash_data(b"what do ya want for nothing?")?;
/// assert_eq!(hmac.value()?[..4], [0xef, 0xfc, 0xdf, 0x6a]);
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[doc(alias = "HMAC_INFO")]
pub struct HmacInfo {
    hash_alg: AlgId,
    inner: Vec<u8>,
    outer: Vec<u8>,
}

impl HmacInfo {
    /// The standard pads (`0x36` and `0x5c` over the hash's block): RFC 2104 HMAC.
    #[must_use]
    pub fn new(hash_alg: AlgId) -> Self {
        HmacInfo {
            hash_alg,
            inner: Vec::new(),
            outer: Vec::new(),
        }
    }

    /// Custom pad strings (`pbInnerString`, `pbOuterString`), used at their given length as
    /// Windows does. An empty string selects the standard pad.
    #[must_use]
    pub fn with_pads(hash_alg: AlgId, inner: &[u8], outer: &[u8]) -> Self {
        HmacInfo {
            hash_alg,
            inner: inner.to_vec(),
            outer: outer.to_vec(),
        }
    }

    /// The inner hash algorithm (`HashAlgid`).
    #[must_use]
    pub fn hash_alg(&self) -> AlgId {
        self.hash_alg
    }

    /// The raw form [`Hash::set_param`](crate::Hash::set_param) takes for `HP_HMAC_INFO`.
    ///
    /// Windows' `HMAC_INFO` holds pointers to its pad strings, which a byte buffer cannot
    /// carry, so this crate's raw form puts the strings after the structure's numbers:
    /// `HashAlgid`, `cbInnerString` and `cbOuterString` as little-endian DWORDs (12 bytes),
    /// then the `cbInnerString` inner bytes, then the `cbOuterString` outer bytes.
    ///
    /// ```
    /// use cryptoapi::{AlgId, HmacInfo};
    /// let raw = HmacInfo::with_pads(AlgId::SHA1, &[0x36; 2], &[]).to_bytes();
    /// assert_eq!(raw, [0x04, 0x80, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x36, 0x36]);
    /// assert_eq!(HmacInfo::from_bytes(&raw)?, HmacInfo::with_pads(AlgId::SHA1, &[0x36; 2], &[]));
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(RAW_HEADER + self.inner.len() + self.outer.len());
        raw.extend_from_slice(&self.hash_alg.raw().to_le_bytes());
        for pad in [&self.inner, &self.outer] {
            let len = u32::try_from(pad.len()).unwrap_or(u32::MAX);
            raw.extend_from_slice(&len.to_le_bytes());
        }
        raw.extend_from_slice(&self.inner);
        raw.extend_from_slice(&self.outer);
        raw
    }

    /// Reads the raw form described at [`to_bytes`](HmacInfo::to_bytes).
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` when `raw` is shorter than 12 bytes or its length is not 12 plus the
    /// two string lengths it gives.
    pub fn from_bytes(raw: &[u8]) -> Result<HmacInfo> {
        let (head, strings) = raw
            .split_first_chunk::<RAW_HEADER>()
            .ok_or(Error::BadData)?;
        let [a0, a1, a2, a3, i0, i1, i2, i3, o0, o1, o2, o3] = *head;
        let alg = u32::from_le_bytes([a0, a1, a2, a3]);
        let inner_len = u32::from_le_bytes([i0, i1, i2, i3]) as usize;
        let outer_len = u32::from_le_bytes([o0, o1, o2, o3]) as usize;
        if inner_len.checked_add(outer_len) != Some(strings.len()) {
            return Err(Error::BadData);
        }
        let (inner, outer) = strings.split_at(inner_len);
        Ok(HmacInfo::with_pads(AlgId::from_raw(alg), inner, outer))
    }
}

/// Length of the numbers at the start of `HmacInfo`'s raw form.
const RAW_HEADER: usize = 12;

impl std::fmt::Debug for HmacInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmacInfo")
            .field("hash_alg", &self.hash_alg)
            .field("inner_len", &self.inner.len())
            .field("outer_len", &self.outer.len())
            .finish()
    }
}

/// The state of an HMAC hash object.
#[derive(Clone)]
pub(super) struct Hmac {
    key: Zeroizing<Vec<u8>>,
    active: Option<Active>,
}

/// An HMAC with its `HMAC_INFO` applied: both hashes already keyed with their pads, as the
/// `hmac` crate keeps them (no pad is stored or re-hashed at the end).
#[derive(Clone)]
struct Active {
    alg: AlgId,
    inner: Digest,
    outer: Digest,
    fed: bool,
}

/// Feeds `pad` (or `block` bytes of `fill` when empty) with `key` XORed into its start, without
/// allocating for the standard pads.
fn feed_keyed_pad(digest: &mut Digest, pad: &[u8], fill: u8, block: usize, key: &[u8]) {
    if pad.is_empty() {
        let mut storage = [fill; 128];
        let buf = &mut storage[..block.min(128)];
        for (byte, k) in buf.iter_mut().zip(key) {
            *byte ^= k;
        }
        digest.update(buf);
        // Only the bytes the key touched hold anything secret.
        let touched = key.len().min(buf.len());
        zeroize::Zeroize::zeroize(&mut buf[..touched]);
    } else {
        let mut buf = Zeroizing::new(pad.to_vec());
        for (byte, k) in buf.iter_mut().zip(key) {
            *byte ^= k;
        }
        digest.update(&buf);
    }
}

impl Hmac {
    pub(super) fn new(key: &[u8]) -> Self {
        Hmac {
            key: Zeroizing::new(key.to_vec()),
            active: None,
        }
    }

    pub(super) fn set_info(&mut self, info: &HmacInfo) -> Result<()> {
        if self.active.as_ref().is_some_and(|a| a.fed) {
            return Err(Error::BadHashState);
        }
        let mut inner = Digest::new(info.hash_alg).ok_or(Error::BadAlgId)?;
        let mut outer = inner.clone();
        let block = inner.block_size();
        let hashed;
        let key: &[u8] = if self.key.len() > block {
            let mut d = inner.clone();
            d.update(&self.key);
            hashed = d.finalize();
            &hashed
        } else {
            &self.key
        };
        feed_keyed_pad(&mut inner, &info.inner, 0x36, block, key);
        feed_keyed_pad(&mut outer, &info.outer, 0x5c, block, key);
        self.active = Some(Active {
            alg: info.hash_alg,
            inner,
            outer,
            fed: false,
        });
        Ok(())
    }

    /// Whether [`HmacInfo`] has been set, so that data can be hashed.
    pub(super) fn is_ready(&self) -> bool {
        self.active.is_some()
    }

    pub(super) fn update(&mut self, data: &[u8]) -> Result<()> {
        let active = self.active.as_mut().ok_or(Error::BadHashState)?;
        active.inner.update(data);
        active.fed = true;
        Ok(())
    }

    pub(super) fn finalize(&mut self) -> Result<Value> {
        let active = self.active.as_mut().ok_or(Error::BadHashState)?;
        let inner = active.inner.finalize_reset_value()?;
        active.outer.update(inner.as_slice());
        active.outer.finalize_reset_value()
    }

    pub(super) fn size(&self) -> usize {
        self.active.as_ref().map_or(0, |a| a.inner.size())
    }

    pub(super) fn inner_alg(&self) -> Option<AlgId> {
        self.active.as_ref().map(|a| a.alg)
    }
}
