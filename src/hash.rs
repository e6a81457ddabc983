//! Hash objects (`HCRYPTHASH`): plain hashes, HMAC, CBC-MAC, SSL3's MD5 ‖ SHA-1, and the SChannel
//! provider's master hash and TLS 1.0 PRF.

mod hmac;
mod mac;
pub(crate) mod prf;
mod sign;

use std::fmt;
use std::io;

use zeroize::Zeroizing;

use crate::alg::{AlgId, offers_hash};
use crate::error::{Error, Result};
use crate::key::{Key, MasterHash};
use crate::provider::{ProvRef, Provider};
use hmac::Hmac;
pub use hmac::HmacInfo;
use mac::Mac;
use prf::Tls1Prf;
pub use sign::{CRYPT_NOHASHOID, CRYPT_X931_FORMAT};

/// `CRYPT_USERDATA`: the only flag `CryptHashData` accepts.
pub const CRYPT_USERDATA: u32 = 0x1;
/// `CRYPT_LITTLE_ENDIAN`: the only flag `CryptHashSessionKey` accepts.
pub const CRYPT_LITTLE_ENDIAN: u32 = 0x1;
/// `HP_ALGID`: the hash's algorithm, for [`Hash::param`].
pub const HP_ALGID: u32 = 0x1;
/// `HP_HASHVAL`: the hash value, for [`Hash::param`].
pub const HP_HASHVAL: u32 = 0x2;
/// `HP_HASHSIZE`: the value's size in bytes, for [`Hash::param`].
pub const HP_HASHSIZE: u32 = 0x4;
/// `HP_HMAC_INFO`: an HMAC's inner hash and pads, for [`Hash::set_param`] (raw form:
/// [`HmacInfo::to_bytes`]).
pub const HP_HMAC_INFO: u32 = 0x5;
/// `HP_TLS1PRF_LABEL`: the label of a `CALG_TLS1PRF` hash, for [`Hash::set_param`] (the
/// `CRYPT_DATA_BLOB`'s contents); typed: [`Hash::set_tls1prf_label`].
pub const HP_TLS1PRF_LABEL: u32 = 0x6;
/// `HP_TLS1PRF_SEED`: the seed of a `CALG_TLS1PRF` hash, for [`Hash::set_param`] (the
/// `CRYPT_DATA_BLOB`'s contents); typed: [`Hash::set_tls1prf_seed`].
pub const HP_TLS1PRF_SEED: u32 = 0x7;
/// Size of a `CALG_SSL3_SHAMD5` value: MD5 ‖ SHA-1.
const SSL3_SHAMD5_LEN: usize = 36;

/// A hash object (`HCRYPTHASH`), borrowing the [`Provider`] it was created from.
///
/// Feed it with [`hash_data`](Hash::hash_data) or through [`std::io::Write`];
/// [`value`](Hash::value) finishes it and returns the hash, as reading `HP_HASHVAL` does on
/// Windows (more data is then refused with `NTE_BAD_HASH_STATE`; the value can be read again).
/// [`duplicate`](Hash::duplicate) copies the state mid-stream. A `Hash` is `Send`, so it can
/// move between threads and live across `.await`. Keyed state (HMAC and MAC keys) is wiped on
/// drop, and `Debug` shows only the algorithm.
///
/// ```
/// use cryptoapi::{AlgId, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
/// let mut hash = prov.create_hash(AlgId::MD5, None)?;
/// hash.hash_data(b"abc")?;
/// assert_eq!(hash.value()?[..4], [0x90, 0x01, 0x50, 0x98]);
/// # Ok::<(), cryptoapi::Error>(())
/// ```
///
/// Hashing a file:
///
/// ```no_run
/// use cryptoapi::{AlgId, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
/// let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
/// std::io::copy(&mut std::fs::File::open("archive.bin")?, &mut hash)?;
/// println!("{:02x?}", hash.value()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "HCRYPTHASH")]
pub struct Hash<'p> {
    prov: ProvRef<'p>,
    alg: AlgId,
    state: State,
    /// Set once the value was read or set: the hash is finished.
    value: Option<Value>,
}

/// A finished hash value, kept inline (no allocation) and wiped on drop: the value of a
/// password hash is as secret as the password.
#[derive(Clone)]
pub(crate) struct Value {
    bytes: [u8; MAX_VALUE],
    len: usize,
}

/// The largest value a hash object holds (SHA-512).
const MAX_VALUE: usize = 64;

impl Value {
    #[inline]
    fn new(bytes: &[u8]) -> Result<Self> {
        let mut value = Value {
            bytes: [0; MAX_VALUE],
            len: bytes.len(),
        };
        value
            .bytes
            .get_mut(..bytes.len())
            .ok_or(Error::BadLen)?
            .copy_from_slice(bytes);
        Ok(value)
    }

    #[inline]
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Drop for Value {
    #[inline]
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.bytes[..self.len]);
    }
}

/// What each kind of hash object keeps.
#[allow(
    clippy::large_enum_variant,
    reason = "plain hashes are the hot path: boxing their state would add an allocation per hash"
)]
enum State {
    Digest(Digest),
    Hmac(Box<Hmac>),
    Mac(Box<Mac>),
    /// `CALG_SSL3_SHAMD5`: no state, its value is set.
    Ssl3,
    /// `CALG_SCHANNEL_MASTER_HASH`: a master key's secret and randoms, to derive keys from.
    Master(Box<MasterHash>),
    /// `CALG_TLS1PRF`: a TLS 1.0 master secret, a label and a seed.
    Prf(Box<Tls1Prf>),
    /// A plain hash whose state was consumed by finishing it; only its value remains.
    Finished,
}

/// The running state of a plain hash.
#[derive(Clone)]
pub(crate) enum Digest {
    Md2(md2::Md2),
    Md4(md4::Md4),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

/// Runs `$body` with `$d` bound to the concrete hasher inside a [`Digest`].
macro_rules! with_digest {
    ($digest:expr, $d:ident => $body:expr) => {
        match $digest {
            Digest::Md2($d) => $body,
            Digest::Md4($d) => $body,
            Digest::Md5($d) => $body,
            Digest::Sha1($d) => $body,
            Digest::Sha256($d) => $body,
            Digest::Sha384($d) => $body,
            Digest::Sha512($d) => $body,
        }
    };
}

impl Digest {
    #[inline]
    pub(crate) fn new(alg: AlgId) -> Option<Digest> {
        use digest::Digest as _;
        Some(match alg {
            AlgId::MD2 => Digest::Md2(md2::Md2::new()),
            AlgId::MD4 => Digest::Md4(md4::Md4::new()),
            AlgId::MD5 => Digest::Md5(md5::Md5::new()),
            AlgId::SHA1 => Digest::Sha1(sha1::Sha1::new()),
            AlgId::SHA_256 => Digest::Sha256(sha2::Sha256::new()),
            AlgId::SHA_384 => Digest::Sha384(sha2::Sha384::new()),
            AlgId::SHA_512 => Digest::Sha512(sha2::Sha512::new()),
            _ => return None,
        })
    }

    pub(crate) fn size(&self) -> usize {
        fn size_of<D: digest::Digest>(_: &D) -> usize {
            <D as digest::Digest>::output_size()
        }
        with_digest!(self, d => size_of(d))
    }

    /// The hash's block size in bytes (64, or 128 for SHA-384/512; 16 for MD2).
    pub(crate) fn block_size(&self) -> usize {
        fn block_of<D: digest::block_api::BlockSizeUser>(_: &D) -> usize {
            D::block_size()
        }
        with_digest!(self, d => block_of(d))
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        with_digest!(self, d => digest::Digest::update(d, data));
    }

    pub(crate) fn finalize(&mut self) -> Zeroizing<Vec<u8>> {
        with_digest!(self, d => Zeroizing::new(digest::Digest::finalize_reset(d).to_vec()))
    }

    /// Finishes the hash into an inline [`Value`] and resets the state (no allocation).
    pub(crate) fn finalize_reset_value(&mut self) -> Result<Value> {
        with_digest!(self, d => Value::new(&digest::Digest::finalize_reset(d)))
    }

    /// Finishes the hash straight into an inline [`Value`], consuming the state (no
    /// allocation, no reset).
    #[inline]
    fn finalize_value(self) -> Result<Value> {
        with_digest!(self, d => Value::new(&digest::Digest::finalize(d)))
    }
}

/// One hash of `data` with a plain hash algorithm; `None` for other algorithms.
pub(crate) fn digest(alg: AlgId, data: &[u8]) -> Option<Vec<u8>> {
    let mut digest = Digest::new(alg)?;
    digest.update(data);
    Some(digest.finalize().to_vec())
}

impl Provider {
    /// Creates a hash object (`CryptCreateHash`).
    ///
    /// * Plain hashes: MD2, MD4, MD5 and SHA-1 on every provider, SHA-256/384/512 on
    ///   `PROV_RSA_AES`. `key` must be `None`.
    /// * `CALG_HMAC` takes a session key, whose bytes (without salt) are the HMAC key; choose
    ///   the inner hash with [`Hash::set_hmac_info`] before hashing.
    /// * `CALG_MAC` takes a block-cipher key: the value is the last block of a CBC encryption of
    ///   the padded data under the key's IV, independent of the key's own chaining state (as on
    ///   Windows 8 and later).
    /// * `CALG_SSL3_SHAMD5` takes no data; its 36-byte value is set with [`Hash::set_value`].
    /// * `CALG_SCHANNEL_MASTER_HASH` (the SChannel provider) takes an SSL 3.0 or TLS 1.0 master
    ///   key whose randoms are set ([`Key::set_client_random`], [`Key::set_server_random`]).
    ///   The first master hash of a key turns its pre-master secret into the master secret,
    ///   for good; the hash copies the master secret, the randoms and the algorithms
    ///   ([`Key::set_schannel_alg`]), and [`Provider::derive_key`] cuts the connection's keys
    ///   from it (`CALG_SCHANNEL_ENC_KEY`, `CALG_SCHANNEL_MAC_KEY`). It takes no data and has
    ///   no value.
    /// * `CALG_TLS1PRF` (the SChannel provider) takes a TLS 1.0 master key that a master hash
    ///   has made the master secret of; set its label and seed
    ///   ([`Hash::set_tls1prf_label`], [`Hash::set_tls1prf_seed`]) and read as many bytes as
    ///   needed with [`Hash::prf`].
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_client_random(&[1; 32])?;
    /// master.set_server_random(&[2; 32])?;
    /// let _keys = prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))?;
    /// let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&master))?;
    /// prf.set_tls1prf_label(b"client finished")?;
    /// prf.set_tls1prf_seed(&[0x5a; 36])?; // MD5 ‖ SHA-1 of the handshake messages
    /// assert_eq!(prf.prf(12)?.len(), 12); // the Finished message's verify_data
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: the provider does not offer `alg` as a hash (SHA-2 on
    ///   `PROV_RSA_FULL`, MD2 and MD4 on the SChannel provider, the SChannel hashes elsewhere,
    ///   a cipher id, ...);
    /// * `NTE_BAD_KEY`: `CALG_HMAC` or `CALG_MAC` without a key or with an RSA key, `CALG_MAC`
    ///   with a stream key, a key given for an unkeyed hash, `CALG_SCHANNEL_MASTER_HASH`
    ///   without an SSL 3.0 / TLS 1.0 master key, or `CALG_TLS1PRF` without a TLS 1.0 one;
    /// * `ERROR_INVALID_PARAMETER`: `CALG_SCHANNEL_MASTER_HASH` on a master key whose client
    ///   or server random is not set (Windows' answer);
    /// * `NTE_BAD_KEY_STATE`: `CALG_TLS1PRF` on a master key no master hash has been made
    ///   from yet (its secret is still the pre-master secret);
    /// * `NTE_NO_MEMORY`: the master secret's buffer cannot be allocated.
    #[doc(alias = "CryptCreateHash")]
    #[inline]
    pub fn create_hash(&self, alg: AlgId, key: Option<&Key<'_>>) -> Result<Hash<'_>> {
        if !offers_hash(self.ctx.csp.personality, alg) {
            return Err(Error::BadAlgId);
        }
        if key.is_some_and(|k| !k.is_session_key()) {
            return Err(Error::BadKey);
        }
        let state = match (alg, key) {
            (AlgId::SCHANNEL_MASTER_HASH, Some(key)) => State::Master(Box::new(key.master_hash()?)),
            (AlgId::TLS1PRF, Some(key)) => State::Prf(Box::new(key.tls1_prf()?)),
            (AlgId::HMAC, Some(key)) => State::Hmac(Box::new(Hmac::new(key.key_bytes()))),
            (AlgId::MAC, Some(key)) => State::Mac(Box::new(Mac::new(key)?)),
            (AlgId::HMAC | AlgId::MAC | AlgId::SCHANNEL_MASTER_HASH | AlgId::TLS1PRF, None)
            | (_, Some(_)) => return Err(Error::BadKey),
            (AlgId::SSL3_SHAMD5, None) => State::Ssl3,
            (_, None) => State::Digest(Digest::new(alg).ok_or(Error::BadAlgId)?),
        };
        Ok(Hash {
            prov: ProvRef::Borrowed(self),
            alg,
            state,
            value: None,
        })
    }
}

impl<'p> Hash<'p> {
    /// Adds data to the hash (`CryptHashData`). Any chunking gives the same result.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_HASH_STATE`: the value has been read or set, or an HMAC has no
    ///   [`HmacInfo`] yet;
    /// * `NTE_BAD_ALGID`: a `CALG_SSL3_SHAMD5`, `CALG_SCHANNEL_MASTER_HASH` or `CALG_TLS1PRF`
    ///   hash, which take no data.
    #[doc(alias = "CryptHashData")]
    #[inline]
    pub fn hash_data(&mut self, data: &[u8]) -> Result<()> {
        self.check_accepts_data()?;
        match &mut self.state {
            State::Digest(d) => d.update(data),
            State::Hmac(h) => h.update(data)?,
            State::Mac(m) => m.update(data)?,
            State::Ssl3 | State::Master(_) | State::Prf(_) => return Err(Error::BadAlgId),
            State::Finished => return Err(Error::BadHashState),
        }
        Ok(())
    }

    /// [`hash_data`](Hash::hash_data) with `CryptHashData`'s raw `dwFlags`.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_FLAGS` for flags other than 0 and [`CRYPT_USERDATA`] (checked first, as on
    /// Windows), then as [`hash_data`](Hash::hash_data).
    #[doc(alias = "CryptHashData")]
    pub fn hash_data_with_flags(&mut self, data: &[u8], flags: u32) -> Result<()> {
        if flags & !CRYPT_USERDATA != 0 {
            return Err(Error::BadFlags);
        }
        self.hash_data(data)
    }

    /// The hash value (`CryptGetHashParam(HP_HASHVAL)`). Reading it finishes the hash: later
    /// reads return the same value and [`hash_data`](Hash::hash_data) is refused. Reading it
    /// before any data gives the hash of empty input.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_HASH_STATE`: an HMAC without [`HmacInfo`], a `CALG_SSL3_SHAMD5` hash whose
    ///   value was never set, or a `CALG_SCHANNEL_MASTER_HASH` (its key block is only for
    ///   [`Provider::derive_key`]);
    /// * `NTE_BAD_LEN`: a `CALG_TLS1PRF` hash, whose output length must be given: use
    ///   [`prf`](Hash::prf).
    #[doc(alias = "CryptGetHashParam", alias = "HP_HASHVAL")]
    #[inline]
    pub fn value(&mut self) -> Result<Vec<u8>> {
        if let Some(value) = &self.value {
            return Ok(value.as_slice().to_vec());
        }
        let value = match &mut self.state {
            State::Digest(_) => match std::mem::replace(&mut self.state, State::Finished) {
                State::Digest(d) => d.finalize_value()?,
                _ => return Err(Error::BadHashState),
            },
            State::Hmac(h) => h.finalize()?,
            State::Mac(m) => Value::new(&m.finalize()?)?,
            State::Prf(_) => return Err(Error::BadLen),
            State::Ssl3 | State::Master(_) | State::Finished => return Err(Error::BadHashState),
        };
        Ok(self.value.insert(value).as_slice().to_vec())
    }

    /// Sets the hash value and finishes the hash (`CryptSetHashParam(HP_HASHVAL)`), as done to
    /// load a `CALG_SSL3_SHAMD5` value (MD5 ‖ SHA-1 of the handshake) before signing.
    ///
    /// As on Windows, which reads exactly [`size`](Hash::size) bytes from the buffer, `value`
    /// may be longer: its first `size` bytes are used.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_LEN`: `value` is shorter than [`size`](Hash::size) bytes;
    /// * `NTE_BAD_HASH_STATE`: a `CALG_SCHANNEL_MASTER_HASH` or `CALG_TLS1PRF` hash, which
    ///   have no value of their own.
    #[doc(alias = "CryptSetHashParam", alias = "HP_HASHVAL")]
    pub fn set_value(&mut self, value: &[u8]) -> Result<()> {
        if matches!(self.state, State::Master(_) | State::Prf(_)) {
            return Err(Error::BadHashState);
        }
        let value = value.get(..self.size()).ok_or(Error::BadLen)?;
        self.value = Some(Value::new(value)?);
        Ok(())
    }

    /// Chooses an HMAC's inner hash and pad strings (`CryptSetHashParam(HP_HMAC_INFO)`); call it
    /// before hashing data.
    ///
    /// # Errors
    ///
    /// * `NTE_FAIL`: not a `CALG_HMAC` hash (Windows' answer for a hash without a key);
    /// * `NTE_BAD_ALGID`: the inner hash is not a plain hash this provider offers;
    /// * `NTE_BAD_HASH_STATE`: data was already hashed, or the hash is finished.
    #[doc(alias = "CryptSetHashParam", alias = "HP_HMAC_INFO")]
    pub fn set_hmac_info(&mut self, info: &HmacInfo) -> Result<()> {
        let State::Hmac(hmac) = &mut self.state else {
            return Err(Error::Fail);
        };
        if self.value.is_some() {
            return Err(Error::BadHashState);
        }
        if !offers_hash(self.prov.ctx.csp.personality, info.hash_alg()) {
            return Err(Error::BadAlgId);
        }
        hmac.set_info(info)
    }

    /// Hashes a session key's bytes (`CryptHashSessionKey`): the key bytes without salt, in
    /// reversed order (the big-endian view Windows uses) unless `flags` is
    /// [`CRYPT_LITTLE_ENDIAN`]. An SChannel master key gives its master secret once a master
    /// hash has made it (its pre-master secret before), as the SSL 3.0 Finished and
    /// CertificateVerify hashes need it.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_FLAGS` for other flags, `NTE_BAD_KEY` for an RSA key, then as
    /// [`hash_data`](Hash::hash_data).
    #[doc(alias = "CryptHashSessionKey")]
    pub fn hash_session_key(&mut self, key: &Key<'_>, flags: u32) -> Result<()> {
        if flags & !CRYPT_LITTLE_ENDIAN != 0 {
            return Err(Error::BadFlags);
        }
        if !key.is_session_key() {
            return Err(Error::BadKey);
        }
        let mut bytes = Zeroizing::new(key.key_bytes().to_vec());
        if flags & CRYPT_LITTLE_ENDIAN == 0 {
            bytes.reverse();
        }
        self.hash_data(&bytes)
    }

    /// `CryptGetHashParam` by raw parameter id: `HP_ALGID` and `HP_HASHSIZE` as 4
    /// little-endian bytes, `HP_HASHVAL` as the value (which finishes the hash).
    ///
    /// # Errors
    ///
    /// `NTE_BAD_FLAGS` when `flags` is not 0, `NTE_BAD_TYPE` for another parameter, and those of
    /// [`value`](Hash::value) for `HP_HASHVAL`.
    #[doc(alias = "CryptGetHashParam")]
    pub fn param(&mut self, param: u32, flags: u32) -> Result<Vec<u8>> {
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        match param {
            HP_ALGID => Ok(crate::blob::dword(self.alg.raw())),
            HP_HASHSIZE => Ok(u32::try_from(self.size())
                .unwrap_or(0)
                .to_le_bytes()
                .to_vec()),
            HP_HASHVAL => self.value(),
            _ => Err(Error::BadType),
        }
    }

    /// `CryptSetHashParam` by raw parameter id: `data` is what `pbData` points to.
    ///
    /// | id | data | as |
    /// |---|---|---|
    /// | [`HP_HASHVAL`] | at least [`size`](Hash::size) bytes; the first `size` are used | [`set_value`](Hash::set_value) |
    /// | [`HP_HMAC_INFO`] | `HMAC_INFO` in this crate's raw form ([`HmacInfo::to_bytes`]) | [`set_hmac_info`](Hash::set_hmac_info) |
    /// | [`HP_TLS1PRF_LABEL`], [`HP_TLS1PRF_SEED`] | the `CRYPT_DATA_BLOB`'s contents | [`set_tls1prf_label`](Hash::set_tls1prf_label), [`set_tls1prf_seed`](Hash::set_tls1prf_seed) |
    ///
    /// Windows' providers accept the TLS PRF label and seed on any hash and use them only in
    /// a `CALG_TLS1PRF` hash, which only the SChannel provider makes: on other hashes they
    /// are accepted and change nothing. Every other id (`HP_ALGID` and `HP_HASHSIZE` are
    /// read-only) is answered `NTE_BAD_TYPE`.
    ///
    /// **Windows compatibility:** an empty `data` stands for a null `pbData`, which advapi32
    /// refuses with `ERROR_INVALID_PARAMETER`; only the blob ids take an empty `data`.
    ///
    /// ```
    /// use cryptoapi::{AlgId, HmacInfo, KeyFlags, Provider, ProviderType, HP_HMAC_INFO};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let key = prov.gen_key(AlgId::RC2, KeyFlags::empty())?;
    /// let mut hmac = prov.create_hash(AlgId::HMAC, Some(&key))?;
    /// hmac.set_param(HP_HMAC_INFO, &HmacInfo::new(AlgId::SHA1).to_bytes(), 0)?;
    /// assert_eq!(hmac.size(), 20);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: `data` is empty (checked first, as advapi32 does);
    /// * `NTE_BAD_FLAGS`: `flags` is not 0;
    /// * `NTE_BAD_TYPE`: an id this provider does not set;
    /// * `NTE_BAD_DATA`: an `HP_HMAC_INFO` that is not in the raw form;
    /// * the errors of [`set_value`](Hash::set_value) and of
    ///   [`set_hmac_info`](Hash::set_hmac_info).
    #[doc(alias = "CryptSetHashParam")]
    pub fn set_param(&mut self, id: u32, data: &[u8], flags: u32) -> Result<()> {
        let blob = matches!(id, HP_TLS1PRF_LABEL | HP_TLS1PRF_SEED);
        if data.is_empty() && !blob {
            return Err(Error::InvalidParameter);
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        match id {
            HP_HASHVAL => self.set_value(data),
            HP_HMAC_INFO => self.set_hmac_info(&HmacInfo::from_bytes(data)?),
            HP_TLS1PRF_LABEL => self.set_tls1prf_label(data),
            HP_TLS1PRF_SEED => self.set_tls1prf_seed(data),
            _ => Err(Error::BadType),
        }
    }

    /// Sets the label of a `CALG_TLS1PRF` hash (`CryptSetHashParam(HP_TLS1PRF_LABEL)`),
    /// replacing the one set before: `"client finished"`, `"server finished"`, ... (without a
    /// NUL, as TLS uses it). Any other hash accepts it and changes nothing, as Windows'
    /// providers do.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_client_random(&[1; 32])?;
    /// master.set_server_random(&[2; 32])?;
    /// drop(prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))?);
    /// let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&master))?;
    /// prf.set_tls1prf_label(b"server finished")?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` mirrors `CryptSetHashParam`.
    #[doc(alias = "CryptSetHashParam", alias = "HP_TLS1PRF_LABEL")]
    pub fn set_tls1prf_label(&mut self, label: &[u8]) -> Result<()> {
        if let State::Prf(prf) = &mut self.state {
            prf.set_label(label);
        }
        Ok(())
    }

    /// Sets the seed of a `CALG_TLS1PRF` hash (`CryptSetHashParam(HP_TLS1PRF_SEED)`),
    /// replacing the one set before: for the Finished messages, `MD5(handshake) ‖
    /// SHA-1(handshake)`. Any other hash accepts it and changes nothing, as Windows'
    /// providers do.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut md5 = prov.create_hash(AlgId::MD5, None)?;
    /// md5.set_tls1prf_seed(&[0; 36])?; // accepted, unused
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` mirrors `CryptSetHashParam`.
    #[doc(alias = "CryptSetHashParam", alias = "HP_TLS1PRF_SEED")]
    pub fn set_tls1prf_seed(&mut self, seed: &[u8]) -> Result<()> {
        if let State::Prf(prf) = &mut self.state {
            prf.set_seed(seed);
        }
        Ok(())
    }

    /// `len` bytes of the TLS 1.0 PRF (RFC 2246 §5) of a `CALG_TLS1PRF` hash:
    /// `PRF(master secret, label, seed)`, as `CryptGetHashParam(HP_HASHVAL)` gives
    /// `*pdwDataLen` of them. Any length, 0 included; a shorter output is a prefix of a longer
    /// one. The hash is not finished: it can be read again, with the same or another label
    /// and seed. The bytes come back in memory that is wiped on drop.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_client_random(&[1; 32])?;
    /// master.set_server_random(&[2; 32])?;
    /// drop(prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))?);
    /// let mut prf = prov.create_hash(AlgId::TLS1PRF, Some(&master))?;
    /// prf.set_tls1prf_label(b"client finished")?;
    /// prf.set_tls1prf_seed(&[0x5a; 36])?;
    /// let long = prf.prf(100)?;
    /// assert_eq!(prf.prf(12)?[..], long[..12]);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: not a `CALG_TLS1PRF` hash;
    /// * `NTE_NO_MEMORY`: `len` bytes cannot be allocated.
    #[doc(
        alias = "CryptGetHashParam",
        alias = "HP_HASHVAL",
        alias = "CALG_TLS1PRF"
    )]
    pub fn prf(&self, len: usize) -> Result<Zeroizing<Vec<u8>>> {
        match &self.state {
            State::Prf(prf) => prf.output(len),
            _ => Err(Error::BadAlgId),
        }
    }

    /// The algorithm (`HP_ALGID`).
    #[doc(alias = "HP_ALGID", alias = "CryptGetHashParam")]
    #[must_use]
    pub fn alg_id(&self) -> AlgId {
        self.alg
    }

    /// The size of the value in bytes (`HP_HASHSIZE`), available before any data. An HMAC has
    /// its inner hash's size once [`HmacInfo`] is set (0 before); a MAC has its cipher's block
    /// size. The SChannel hashes report 0: a master hash has no value, and a TLS PRF gives
    /// as many bytes as asked ([`prf`](Hash::prf)).
    #[doc(alias = "HP_HASHSIZE", alias = "CryptGetHashParam")]
    #[must_use]
    pub fn size(&self) -> usize {
        match &self.state {
            State::Digest(d) => d.size(),
            State::Hmac(h) => h.size(),
            State::Mac(m) => m.size(),
            State::Ssl3 => SSL3_SHAMD5_LEN,
            State::Master(_) | State::Prf(_) => 0,
            State::Finished => self.value.as_ref().map_or(0, |v| v.len),
        }
    }

    /// An independent copy of the hash with its current state (`CryptDuplicateHash`).
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` mirrors Windows.
    #[doc(alias = "CryptDuplicateHash")]
    pub fn duplicate(&self) -> Result<Hash<'p>> {
        let state = match &self.state {
            State::Digest(d) => State::Digest(d.clone()),
            State::Hmac(h) => State::Hmac(Box::new((**h).clone())),
            State::Mac(m) => State::Mac(Box::new(m.duplicate()?)),
            State::Ssl3 => State::Ssl3,
            State::Master(m) => State::Master(m.clone()),
            State::Prf(p) => State::Prf(p.clone()),
            State::Finished => State::Finished,
        };
        Ok(Hash {
            prov: self.prov.duplicate(),
            alg: self.alg,
            state,
            value: self.value.clone(),
        })
    }

    /// Destroys the hash (`CryptDestroyHash`); the same as dropping it.
    ///
    /// # Errors
    ///
    /// None: destroying a live hash always succeeds. (Destroying it twice, or after its
    /// provider is released, does not compile.)
    #[doc(alias = "CryptDestroyHash")]
    pub fn destroy(self) -> Result<()> {
        drop(self);
        Ok(())
    }

    /// The provider this hash belongs to.
    #[must_use]
    pub fn provider(&self) -> &Provider {
        &self.prov
    }

    /// This hash, owning a reference on its provider's context instead of borrowing the
    /// [`Provider`]: a `Hash<'static>` that can live in a struct, move into a spawned thread
    /// or task, and outlive the scope that made it; its duplicates are owned too. See
    /// [`Key::into_owned`](crate::Key::into_owned) for how this differs from Windows (an owned
    /// hash keeps its context alive past the last `CryptReleaseContext`).
    ///
    /// ```
    /// use cryptoapi::{AlgId, Hash, Provider, ProviderType};
    ///
    /// fn sha256() -> cryptoapi::Result<Hash<'static>> {
    ///     let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    ///     Ok(prov.create_hash(AlgId::SHA_256, None)?.into_owned())
    /// }
    ///
    /// let mut hash = sha256()?;
    /// hash.hash_data(b"abc")?;
    /// assert_eq!(hash.value()?[..2], [0xba, 0x78]);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Hash<'static> {
        Hash {
            prov: self.prov.into_owned(),
            alg: self.alg,
            state: self.state,
            value: self.value,
        }
    }

    /// Every refusal of [`hash_data`](Hash::hash_data), without changing anything: callers that
    /// feed a hash after other work (`CryptEncrypt` and `CryptDecrypt` with `hHash`) check it
    /// first, so that a refused hash leaves their data and key untouched.
    #[inline]
    pub(crate) fn check_accepts_data(&self) -> Result<()> {
        if self.value.is_some() {
            return Err(Error::BadHashState);
        }
        match &self.state {
            State::Digest(_) | State::Mac(_) => Ok(()),
            State::Hmac(h) if h.is_ready() => Ok(()),
            State::Hmac(_) | State::Finished => Err(Error::BadHashState),
            State::Ssl3 | State::Master(_) | State::Prf(_) => Err(Error::BadAlgId),
        }
    }

    /// The plain hash algorithm behind this hash (an HMAC's inner hash), used by key
    /// derivation's expansion step.
    pub(crate) fn digest_alg(&self) -> Option<AlgId> {
        match &self.state {
            State::Digest(_) | State::Finished => Some(self.alg),
            State::Hmac(h) => h.inner_alg(),
            State::Mac(_) | State::Ssl3 | State::Master(_) | State::Prf(_) => None,
        }
    }

    /// The key block state of a `CALG_SCHANNEL_MASTER_HASH`, for key derivation.
    pub(crate) fn master_hash(&self) -> Option<&MasterHash> {
        match &self.state {
            State::Master(master) => Some(master),
            _ => None,
        }
    }
}

/// Feeding a hash as a byte sink: `std::io::copy(&mut reader, &mut hash)`.
///
/// Errors from [`Hash::hash_data`] surface as [`io::Error`]s wrapping the [`Error`].
impl io::Write for Hash<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hash_data(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl fmt::Debug for Hash<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hash")
            .field("alg", &self.alg)
            .field("finished", &self.value.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::ProviderType;
    use crate::key::KeyFlags;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn finished_hashes_refuse_data_and_keep_their_value() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::MD5, None).unwrap();
        assert_eq!(h.size(), 16);
        assert_eq!(hex(&h.value().unwrap()), "d41d8cd98f00b204e9800998ecf8427e");
        assert!(matches!(h.hash_data(b"x"), Err(Error::BadHashState)));
        assert_eq!(hex(&h.value().unwrap()), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn sizes_and_provider_support() {
        let full = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        assert!(matches!(
            full.create_hash(AlgId::SHA_256, None),
            Err(Error::BadAlgId)
        ));
        assert!(matches!(
            full.create_hash(AlgId::RC4, None),
            Err(Error::BadAlgId)
        ));
        for (alg, size) in [
            (AlgId::MD2, 16),
            (AlgId::MD4, 16),
            (AlgId::SHA1, 20),
            (AlgId::SHA_256, 32),
            (AlgId::SHA_384, 48),
            (AlgId::SHA_512, 64),
            (AlgId::SSL3_SHAMD5, 36),
        ] {
            assert_eq!(aes.create_hash(alg, None).unwrap().size(), size);
        }
    }

    #[test]
    fn flags_are_checked_first() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
        assert!(matches!(
            h.hash_data_with_flags(b"a", !0),
            Err(Error::BadFlags)
        ));
        h.hash_data_with_flags(b"a", CRYPT_USERDATA).unwrap();
        h.hash_data_with_flags(b"bc", 0).unwrap();
        assert_eq!(
            hex(&h.value().unwrap()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn duplicates_are_independent() {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let mut h = prov.create_hash(AlgId::SHA_256, None).unwrap();
        h.hash_data(b"ab").unwrap();
        let mut copy = h.duplicate().unwrap();
        copy.hash_data(b"c").unwrap();
        h.hash_data(b"x").unwrap();
        assert_eq!(
            hex(&copy.value().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(h.value().unwrap(), copy.value().unwrap());
        assert_eq!(
            format!("{h:?}"),
            "Hash { alg: CALG_SHA_256, finished: true, .. }"
        );
    }

    #[test]
    fn ssl3_shamd5_takes_a_value_not_data() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
        assert!(matches!(h.hash_data(b"x"), Err(Error::BadAlgId)));
        assert!(matches!(h.value(), Err(Error::BadHashState)));
        assert!(matches!(h.set_value(&[1; 35]), Err(Error::BadLen)));
        h.set_value(&[1; 36]).unwrap();
        assert_eq!(h.value().unwrap(), vec![1; 36]);
    }

    #[test]
    fn keyed_hashes_need_the_right_key() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let rc4 = prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
        assert!(matches!(
            prov.create_hash(AlgId::HMAC, None),
            Err(Error::BadKey)
        ));
        assert!(matches!(
            prov.create_hash(AlgId::MAC, None),
            Err(Error::BadKey)
        ));
        assert!(matches!(
            prov.create_hash(AlgId::MAC, Some(&rc4)),
            Err(Error::BadKey)
        ));
        assert!(matches!(
            prov.create_hash(AlgId::MD5, Some(&rc4)),
            Err(Error::BadKey)
        ));
        let mut hmac = prov.create_hash(AlgId::HMAC, Some(&rc4)).unwrap();
        assert!(matches!(hmac.hash_data(b"x"), Err(Error::BadHashState)));
        let mut md5 = prov.create_hash(AlgId::MD5, None).unwrap();
        assert!(matches!(
            md5.set_hmac_info(&HmacInfo::new(AlgId::SHA1)),
            Err(Error::Fail)
        ));
        assert!(matches!(
            hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA_256)),
            Err(Error::BadAlgId)
        ));
        hmac.set_hmac_info(&HmacInfo::new(AlgId::SHA1)).unwrap();
        assert_eq!(hmac.size(), 20);
    }

    #[test]
    fn session_key_bytes_are_hashed_reversed_by_default() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let key = prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).unwrap();
        let raw = key.key_bytes().to_vec();
        let mut reversed = raw.clone();
        reversed.reverse();
        let mut h = prov.create_hash(AlgId::MD5, None).unwrap();
        h.hash_session_key(&key, 0).unwrap();
        assert_eq!(h.value().unwrap(), digest(AlgId::MD5, &reversed).unwrap());
        let mut h = prov.create_hash(AlgId::MD5, None).unwrap();
        h.hash_session_key(&key, CRYPT_LITTLE_ENDIAN).unwrap();
        assert_eq!(h.value().unwrap(), digest(AlgId::MD5, &raw).unwrap());
        let mut h = prov.create_hash(AlgId::MD5, None).unwrap();
        assert!(matches!(h.hash_session_key(&key, 2), Err(Error::BadFlags)));
    }

    #[test]
    fn raw_params() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
        assert_eq!(h.param(HP_ALGID, 0).unwrap(), 0x8004u32.to_le_bytes());
        assert_eq!(h.param(HP_HASHSIZE, 0).unwrap(), 20u32.to_le_bytes());
        assert!(matches!(h.param(HP_HASHVAL, 1), Err(Error::BadFlags)));
        assert!(matches!(h.param(3, 0), Err(Error::BadType)));
        assert_eq!(h.param(HP_HASHVAL, 0).unwrap().len(), 20);
    }

    #[test]
    fn io_write_and_copy() {
        use std::io::Write;
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
        std::io::copy(&mut &b"abc"[..], &mut h).unwrap();
        h.flush().unwrap();
        assert_eq!(
            hex(&h.value().unwrap()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        let err = h.write(b"more").unwrap_err();
        assert_eq!(
            err.get_ref()
                .and_then(|e| e.downcast_ref::<Error>())
                .map(Error::code),
            Some(0x8009_000C)
        );
    }
}
