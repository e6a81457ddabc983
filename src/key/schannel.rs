//! The RSA SChannel provider's keys: SSL 3.0 and TLS 1.0 master keys, their randoms and
//! algorithms (`KP_CLIENT_RANDOM`, `KP_SERVER_RANDOM`, `KP_SCHANNEL_ALG`), the master hash made
//! from them (`CALG_SCHANNEL_MASTER_HASH`), and the client and server write keys derived from
//! it (`CALG_SCHANNEL_ENC_KEY`, `CALG_SCHANNEL_MAC_KEY`).
//!
//! How a connection's keys come about, as Schannel drives the provider:
//!
//! 1. a master key is generated (`CryptGenKey(CALG_TLS1_MASTER)`) or unwrapped from the
//!    peer's `SIMPLEBLOB`; it holds the 48-byte **pre-master** secret;
//! 2. the randoms and the algorithms are set on it;
//! 3. the first master hash made from it turns the pre-master secret into the **master**
//!    secret, for good (TLS 1.0: `PRF(pre_master, "master secret", client ‖ server)[..48]`;
//!    SSL 3.0: RFC 6101 §6.1), and keeps a copy of the master secret, the randoms and the
//!    algorithms; later master hashes (a reconnect with new randoms) reuse the master secret;
//! 4. the keys are cut from the key block (TLS 1.0: `PRF(master, "key expansion", server ‖
//!    client)`; SSL 3.0: RFC 6101 §6.2.2) in the order client MAC key, server MAC key, client
//!    key, server key, client IV, server IV; `CRYPT_SERVER` selects the server's.
//!
//! The expansions themselves are in `hash/prf.rs`.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use super::{Key, KeyFlags, block_len, default_salt, key_len};
use crate::alg::{AlgId, Personality, key_lengths};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::hash::prf::{Tls1Prf, secret_buffer, ssl3_expand, tls1_prf};
use crate::provider::Provider;

/// `KP_SCHANNEL_ALG`: a master key's bulk-encryption or MAC algorithm and key size (a
/// [`SchannelAlg`], 20 bytes raw), for [`Key::set_param`].
pub const KP_SCHANNEL_ALG: u32 = 20;
/// `KP_CLIENT_RANDOM`: a master key's client random, for [`Key::set_param`] (the
/// `CRYPT_DATA_BLOB`'s contents).
pub const KP_CLIENT_RANDOM: u32 = 21;
/// `KP_SERVER_RANDOM`: a master key's server random, for [`Key::set_param`] (the
/// `CRYPT_DATA_BLOB`'s contents).
pub const KP_SERVER_RANDOM: u32 = 22;
/// `SCHANNEL_MAC_KEY`: [`SchannelAlg::usage`] of the MAC algorithm.
pub const SCHANNEL_MAC_KEY: u32 = 0;
/// `SCHANNEL_ENC_KEY`: [`SchannelAlg::usage`] of the bulk-encryption algorithm.
pub const SCHANNEL_ENC_KEY: u32 = 1;

/// The longest MAC key a master key derives, in bits: one HMAC block (Microsoft's providers
/// keep 64 key bytes at most; the SChannel row of `alg::key_lengths`).
const MAX_MAC_BITS: u32 = 512;
/// The length of SSL 3.0 and TLS 1.0 master secrets.
const MASTER_LEN: usize = 48;

/// `SCHANNEL_ALG`: which algorithm and key size a master key derives its encryption keys
/// ([`SCHANNEL_ENC_KEY`]) or its MAC keys ([`SCHANNEL_MAC_KEY`]) with
/// ([`Key::set_schannel_alg`], `KP_SCHANNEL_ALG`).
///
/// ```
/// use cryptoapi::{AlgId, SchannelAlg, SCHANNEL_ENC_KEY};
/// let des = SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::DES, 64);
/// let raw = des.to_bytes(); // dwUse, Algid, cBits, dwFlags, dwReserved
/// assert_eq!(raw[..12], [1, 0, 0, 0, 0x01, 0x66, 0, 0, 64, 0, 0, 0]);
/// assert_eq!(SchannelAlg::from_bytes(&raw)?, des);
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "SCHANNEL_ALG")]
pub struct SchannelAlg {
    /// `dwUse`: [`SCHANNEL_ENC_KEY`] or [`SCHANNEL_MAC_KEY`] (any value round-trips; others are
    /// refused when set).
    pub usage: u32,
    /// `Algid`: the cipher (RC2, RC4, DES, 3DES) of the encryption keys, or the hash of the
    /// MAC (`CALG_MD5`, `CALG_SHA1`; the HMAC's hash is chosen with `HMAC_INFO`, so it is
    /// recorded only).
    pub alg: AlgId,
    /// `cBits`: the key length in bits (DES 56 or 64, 3DES_112 112 or 128, 3DES 168 or 192;
    /// MAC keys up to 512).
    pub bits: u32,
    /// `dwFlags` (`INTERNATIONAL_USAGE`, 1): recorded, and without effect.
    pub flags: u32,
}

impl SchannelAlg {
    /// The length of the raw form: five DWORDs.
    pub const RAW_LEN: usize = 20;

    /// An `SCHANNEL_ALG` with `dwFlags` 0.
    #[must_use]
    pub const fn new(usage: u32, alg: AlgId, bits: u32) -> Self {
        SchannelAlg {
            usage,
            alg,
            bits,
            flags: 0,
        }
    }

    /// The Windows layout: `dwUse`, `Algid`, `cBits`, `dwFlags`, `dwReserved` (0), each a
    /// little-endian DWORD.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; Self::RAW_LEN] {
        let mut raw = [0u8; Self::RAW_LEN];
        for (field, value) in
            raw.chunks_exact_mut(4)
                .zip([self.usage, self.alg.raw(), self.bits, self.flags, 0])
        {
            field.copy_from_slice(&value.to_le_bytes());
        }
        raw
    }

    /// Reads the Windows layout (the first 20 bytes of `raw`; `dwReserved` is ignored, as
    /// Windows' providers ignore it).
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` when `raw` is shorter than 20 bytes.
    pub fn from_bytes(raw: &[u8]) -> Result<SchannelAlg> {
        let raw = raw.get(..Self::RAW_LEN).ok_or(Error::BadData)?;
        let dword = |i: usize| {
            let mut word = [0u8; 4];
            word.copy_from_slice(&raw[i * 4..i * 4 + 4]);
            u32::from_le_bytes(word)
        };
        Ok(SchannelAlg {
            usage: dword(0),
            alg: AlgId::from_raw(dword(1)),
            bits: dword(2),
            flags: dword(3),
        })
    }

    /// Set, as Windows' providers see it: an algorithm and a length.
    fn is_set(&self) -> bool {
        self.alg.raw() != 0 && self.bits != 0
    }
}

/// Which protocol a master key serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    Ssl3,
    Tls1,
}

/// Whether `alg` is a master key this crate implements.
pub(crate) fn is_master(alg: AlgId) -> bool {
    matches!(alg, AlgId::SSL3_MASTER | AlgId::TLS1_MASTER)
}

/// Whether `alg` is an SChannel key a key BLOB can carry: a master key or a MAC key.
pub(crate) fn is_blob_secret(alg: AlgId) -> bool {
    is_master(alg) || alg == AlgId::SCHANNEL_MAC_KEY
}

/// Whether `alg` is one of the keys a master hash derives.
pub(crate) fn is_derived(alg: AlgId) -> bool {
    matches!(alg, AlgId::SCHANNEL_ENC_KEY | AlgId::SCHANNEL_MAC_KEY)
}

/// What a master key keeps beside its secret.
#[derive(Clone)]
pub(crate) struct Master {
    protocol: Protocol,
    client_random: Vec<u8>,
    server_random: Vec<u8>,
    enc: Option<SchannelAlg>,
    mac: Option<SchannelAlg>,
    /// The master secret, made once from the pre-master secret (the key's bytes) by the first
    /// master hash; from then on it is the key's secret.
    master: OnceLock<Zeroizing<Vec<u8>>>,
}

impl Master {
    /// The master secret, once made.
    pub(crate) fn secret(&self) -> Option<&[u8]> {
        self.master.get().map(|m| m.as_slice())
    }
}

/// The master secret of `protocol` from a pre-master secret and the randoms.
fn master_secret(
    protocol: Protocol,
    pre_master: &[u8],
    client: &[u8],
    server: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = secret_buffer(MASTER_LEN)?;
    match protocol {
        Protocol::Tls1 => tls1_prf(
            pre_master,
            b"master secret",
            &[client, server].concat(),
            &mut out,
        ),
        Protocol::Ssl3 => ssl3_expand(pre_master, client, server, &mut out)?,
    }
    Ok(out)
}

/// The state of a `CALG_SCHANNEL_MASTER_HASH` hash: a copy of everything its master key held
/// when the hash was made (the hash keeps no reference to the key, as Microsoft's CSP
/// guidelines ask).
#[derive(Clone)]
pub(crate) struct MasterHash {
    protocol: Protocol,
    master: Zeroizing<Vec<u8>>,
    client_random: Vec<u8>,
    server_random: Vec<u8>,
    enc: Option<SchannelAlg>,
    mac: Option<SchannelAlg>,
}

impl MasterHash {
    /// The first `len` bytes of the key block.
    fn key_block(&self, len: usize) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = secret_buffer(len)?;
        let (server, client) = (&self.server_random, &self.client_random);
        match self.protocol {
            Protocol::Tls1 => tls1_prf(
                &self.master,
                b"key expansion",
                &[server.as_slice(), client].concat(),
                &mut out,
            ),
            Protocol::Ssl3 => ssl3_expand(&self.master, server, client, &mut out)?,
        }
        Ok(out)
    }
}

/// The MAC key length in bytes of a master key's MAC algorithm (0 when none is set).
fn mac_len(mac: Option<&SchannelAlg>) -> Result<usize> {
    match mac.filter(|m| m.is_set()) {
        None => Ok(0),
        Some(mac) if mac.bits % 8 != 0 || mac.bits > MAX_MAC_BITS => Err(Error::BadData),
        Some(mac) => Ok((mac.bits / 8) as usize),
    }
}

/// `bytes[start..start + len]`, or `NTE_FAIL` (the key block is always long enough).
fn cut(bytes: &[u8], start: usize, len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let end = start.checked_add(len).ok_or(Error::Fail)?;
    Ok(Zeroizing::new(
        bytes.get(start..end).ok_or(Error::Fail)?.to_vec(),
    ))
}

/// The number of key bytes of a master key: 48 (384 bits) only.
fn master_len(personality: Personality, alg: AlgId, bits: u32) -> Result<usize> {
    let lengths = key_lengths(personality, alg).ok_or(Error::BadAlgId)?;
    let bits = if bits == 0 { lengths.default } else { bits };
    if bits < lengths.min || bits > lengths.max || !bits.is_multiple_of(8) {
        return Err(Error::BadData);
    }
    Ok((bits / 8) as usize)
}

impl Provider {
    /// `CryptGenKey(CALG_SSL3_MASTER / CALG_TLS1_MASTER)`: 48 random bytes whose first two
    /// are the protocol version (3.0 or 3.1), as a client's pre-master secret is.
    pub(crate) fn gen_master(&self, alg: AlgId, flags: KeyFlags) -> Result<Key<'_>> {
        let len = master_len(self.ctx.csp.personality, alg, flags.key_bits())?;
        let mut secret = secret_buffer(len)?;
        self.gen_random(&mut secret)?;
        secret[0] = 3;
        secret[1] = u8::from(alg == AlgId::TLS1_MASTER);
        Key::new_master(self, alg, secret, flags)
    }

    /// `CryptDeriveKey(CALG_SCHANNEL_ENC_KEY / CALG_SCHANNEL_MAC_KEY)` from a master hash.
    pub(crate) fn derive_schannel(
        &self,
        alg: AlgId,
        base: &Hash<'_>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        // The providers whose table has the SChannel derivations (RSA and DH SChannel).
        let personality = self.ctx.csp.personality;
        if key_lengths(personality, alg).is_none() {
            return Err(Error::BadAlgId);
        }
        // Windows' providers find the master key through the hash: a hash without one is
        // NTE_FAIL.
        let master = base.master_hash().ok_or(Error::Fail)?;
        let server = flags.contains(KeyFlags::SERVER);
        if alg == AlgId::SCHANNEL_MAC_KEY {
            let mac = master
                .mac
                .filter(SchannelAlg::is_set)
                .ok_or(Error::BadFlags)?;
            let len = mac_len(Some(&mac))?;
            let block = master.key_block(2 * len)?;
            let key = cut(&block, if server { len } else { 0 }, len)?;
            return Ok(Key::new_secret(
                self,
                AlgId::SCHANNEL_MAC_KEY,
                key,
                flags,
                None,
            ));
        }
        let enc = master
            .enc
            .filter(SchannelAlg::is_set)
            .ok_or(Error::BadFlags)?;
        let key_len = key_len(personality, enc.alg, enc.bits)?;
        let mac_len = mac_len(master.mac.as_ref())?;
        let iv_len = block_len(enc.alg);
        let block = master.key_block(2 * (mac_len + key_len + iv_len))?;
        let key = cut(
            &block,
            2 * mac_len + if server { key_len } else { 0 },
            key_len,
        )?;
        let iv = cut(
            &block,
            2 * (mac_len + key_len) + if server { iv_len } else { 0 },
            iv_len,
        )?;
        let salt = default_salt(enc.alg, key_len, flags);
        let mut key = Key::new(self, enc.alg, key, salt, flags)?;
        key.set_iv(&iv)?;
        Ok(key)
    }
}

impl<'p> Key<'p> {
    /// A master or MAC key from a key BLOB (`PLAINTEXTKEYBLOB`, `SIMPLEBLOB`): masters of 48
    /// bytes, MAC keys of 1 to 64.
    pub(crate) fn new_blob_secret(
        prov: &'p Provider,
        alg: AlgId,
        secret: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        if is_master(alg) {
            return Key::new_master(prov, alg, secret, flags);
        }
        let bits = u32::try_from(secret.len() * 8).map_err(|_| Error::BadData)?;
        let lengths = key_lengths(prov.ctx.csp.personality, alg).ok_or(Error::BadAlgId)?;
        if bits < lengths.min || bits > lengths.max {
            return Err(Error::BadData);
        }
        Ok(Key::new_secret(prov, alg, secret, flags, None))
    }

    /// A master key holding `secret` (its pre-master secret).
    pub(crate) fn new_master(
        prov: &'p Provider,
        alg: AlgId,
        secret: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        let bits = u32::try_from(secret.len() * 8).map_err(|_| Error::BadData)?;
        master_len(prov.ctx.csp.personality, alg, bits)?;
        let protocol = if alg == AlgId::TLS1_MASTER {
            Protocol::Tls1
        } else {
            Protocol::Ssl3
        };
        let master = Master {
            protocol,
            client_random: Vec::new(),
            server_random: Vec::new(),
            enc: None,
            mac: None,
            master: OnceLock::new(),
        };
        Ok(Key::new_secret(
            prov,
            alg,
            secret,
            flags,
            Some(Box::new(master)),
        ))
    }

    /// A key no cipher takes (a master key, a MAC key).
    fn new_secret(
        prov: &'p Provider,
        alg: AlgId,
        secret: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
        master: Option<Box<Master>>,
    ) -> Self {
        let bits = u32::try_from(secret.len() * 8).unwrap_or(u32::MAX);
        let mut key = Key::assemble(prov, alg, secret, Zeroizing::default(), bits, flags, None);
        key.schannel = master;
        key
    }

    /// The master key's state, or `NTE_BAD_TYPE` (the answer for a parameter a key does not
    /// take) for any other key.
    fn master_mut(&mut self) -> Result<&mut Master> {
        self.schannel.as_deref_mut().ok_or(Error::BadType)
    }

    /// Sets a master key's client random (`CryptSetKeyParam(KP_CLIENT_RANDOM)`), replacing the
    /// one set before. SSL 3.0 and TLS 1.0 randoms are 32 bytes; any length is taken, and an
    /// empty one counts as not set.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_client_random(&[0x11; 32])?;
    /// master.set_server_random(&[0x22; 32])?;
    /// let hash = prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))?;
    /// # drop(hash);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `NTE_BAD_TYPE`: not an SSL 3.0 or TLS 1.0 master key.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_CLIENT_RANDOM")]
    pub fn set_client_random(&mut self, random: &[u8]) -> Result<()> {
        self.master_mut()?.client_random = random.to_vec();
        Ok(())
    }

    /// Sets a master key's server random (`CryptSetKeyParam(KP_SERVER_RANDOM)`), replacing the
    /// one set before; as [`set_client_random`](Key::set_client_random).
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::SSL3_MASTER, KeyFlags::empty())?;
    /// master.set_server_random(&[0x22; 32])?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `NTE_BAD_TYPE`: not an SSL 3.0 or TLS 1.0 master key.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_SERVER_RANDOM")]
    pub fn set_server_random(&mut self, random: &[u8]) -> Result<()> {
        self.master_mut()?.server_random = random.to_vec();
        Ok(())
    }

    /// Sets a master key's encryption or MAC algorithm and key size
    /// (`CryptSetKeyParam(KP_SCHANNEL_ALG)`), replacing the one of the same use set before.
    ///
    /// The algorithm and length are checked when a key is derived with them
    /// ([`Provider::derive_key`] of `CALG_SCHANNEL_ENC_KEY` or `CALG_SCHANNEL_MAC_KEY`), not
    /// here, as Windows' providers do. A master hash copies them when it is made: set them
    /// first.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType, SchannelAlg};
    /// use cryptoapi::{SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::RC4, 128))?;
    /// master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 160))?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_TYPE`: not an SSL 3.0 or TLS 1.0 master key;
    /// * `NTE_FAIL`: a `usage` other than [`SCHANNEL_ENC_KEY`] and [`SCHANNEL_MAC_KEY`] (Wine's
    ///   provider's answer; no Windows test records one).
    #[doc(alias = "CryptSetKeyParam", alias = "KP_SCHANNEL_ALG")]
    pub fn set_schannel_alg(&mut self, alg: &SchannelAlg) -> Result<()> {
        let master = self.master_mut()?;
        match alg.usage {
            SCHANNEL_ENC_KEY => master.enc = Some(*alg),
            SCHANNEL_MAC_KEY => master.mac = Some(*alg),
            _ => return Err(Error::Fail),
        }
        Ok(())
    }

    /// `CryptCreateHash(CALG_SCHANNEL_MASTER_HASH)` on this key: makes the master secret if
    /// this is the first master hash, and copies what the hash needs.
    pub(crate) fn master_hash(&self) -> Result<MasterHash> {
        let master = self.schannel.as_deref().ok_or(Error::BadKey)?;
        if master.client_random.is_empty() || master.server_random.is_empty() {
            return Err(Error::InvalidParameter);
        }
        let secret = match master.master.get() {
            Some(secret) => secret,
            None => {
                let made = master_secret(
                    master.protocol,
                    &self.key,
                    &master.client_random,
                    &master.server_random,
                )?;
                // Two first hashes at once (threads sharing the key) make the same secret;
                // the first one stored stays.
                let _ = master.master.set(made);
                master.master.get().ok_or(Error::Fail)?
            }
        };
        Ok(MasterHash {
            protocol: master.protocol,
            master: secret.clone(),
            client_random: master.client_random.clone(),
            server_random: master.server_random.clone(),
            enc: master.enc,
            mac: master.mac,
        })
    }

    /// `CryptCreateHash(CALG_TLS1PRF)` on this key: a TLS 1.0 master key whose master secret
    /// has been made.
    pub(crate) fn tls1_prf(&self) -> Result<Tls1Prf> {
        let master = self
            .schannel
            .as_deref()
            .filter(|m| m.protocol == Protocol::Tls1)
            .ok_or(Error::BadKey)?;
        let secret = master.master.get().ok_or(Error::BadKeyState)?;
        Ok(Tls1Prf::new(secret.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::ProviderType;

    fn schannel() -> Provider {
        Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap()
    }

    #[test]
    fn generated_masters_carry_the_version() {
        let prov = schannel();
        for (alg, minor) in [(AlgId::SSL3_MASTER, 0), (AlgId::TLS1_MASTER, 1)] {
            let key = prov.gen_key(alg, KeyFlags::empty()).unwrap();
            assert_eq!(key.key_bytes()[..2], [3, minor]);
            assert_eq!((key.key_bits(), key.block_bits()), (384, 0));
            assert!(key.iv().is_empty());
            let at_384 = prov.gen_key(alg, KeyFlags::empty().with_key_bits(384));
            assert!(at_384.is_ok());
            assert!(matches!(
                prov.gen_key(alg, KeyFlags::empty().with_key_bits(256)),
                Err(Error::BadData)
            ));
        }
        let full = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        assert!(matches!(
            full.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty()),
            Err(Error::BadAlgId)
        ));
        assert!(matches!(
            prov.gen_key(AlgId::SSL2_MASTER, KeyFlags::empty()),
            Err(Error::BadAlgId)
        ));
    }

    #[test]
    fn the_master_secret_is_made_once() {
        let prov = schannel();
        let mut key = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty()).unwrap();
        let pre = key.key_bytes().to_vec();
        key.set_client_random(&[1; 32]).unwrap();
        key.set_server_random(&[2; 32]).unwrap();
        drop(key.master_hash().unwrap());
        let master = key.key_bytes().to_vec();
        assert_ne!(master, pre);
        let again = master_secret(Protocol::Tls1, &pre, &[1; 32], &[2; 32]).unwrap();
        assert_eq!(master[..], again[..]);
        key.set_client_random(&[3; 32]).unwrap();
        drop(key.master_hash().unwrap());
        assert_eq!(key.key_bytes(), master);
        let copy = key.duplicate().unwrap();
        assert_eq!(copy.key_bytes(), master);
    }

    #[test]
    fn schannel_alg_round_trips() {
        let alg = SchannelAlg {
            usage: 7,
            alg: AlgId::from_raw(0xdead),
            bits: 9,
            flags: 1,
        };
        assert_eq!(SchannelAlg::from_bytes(&alg.to_bytes()).unwrap(), alg);
        assert!(matches!(
            SchannelAlg::from_bytes(&[0; 19]),
            Err(Error::BadData)
        ));
    }
}
