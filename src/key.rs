//! Key objects (`HCRYPTKEY`): session keys and their parameters.

mod cipher;

use std::fmt;

use bitflags::bitflags;
use zeroize::Zeroizing;

use crate::alg::{AlgId, Personality, key_lengths};
use crate::error::{Error, Result};
use crate::provider::Provider;
use cipher::Engine;

bitflags! {
    /// `dwFlags` of `CryptGenKey`, `CryptDeriveKey` and `CryptImportKey`.
    ///
    /// The upper 16 bits carry the key length in bits exactly as `dwFlags` does (0 means the
    /// provider's default): `KeyFlags::from_bits_retain(0x0080_0001)` is a 128-bit exportable key,
    /// and so is `KeyFlags::EXPORTABLE.with_key_bits(128)`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct KeyFlags: u32 {
        /// `CRYPT_EXPORTABLE`: the key may be exported in plaintext or private blobs.
        const EXPORTABLE = 0x0001;
        /// `CRYPT_USER_PROTECTED`: Windows would prompt before use; accepted, never prompts.
        const USER_PROTECTED = 0x0002;
        /// `CRYPT_CREATE_SALT`: give an RC2/RC4 key a random (generate) or hash-derived salt.
        const CREATE_SALT = 0x0004;
        /// `CRYPT_UPDATE_KEY`.
        const UPDATE_KEY = 0x0008;
        /// `CRYPT_NO_SALT`: no salt, even for a 40-bit key.
        const NO_SALT = 0x0010;
        /// `CRYPT_PREGEN`.
        const PREGEN = 0x0040;
        /// `CRYPT_IPSEC_HMAC_KEY` (import only): a plaintext key of any length, for HMAC.
        const IPSEC_HMAC_KEY = 0x0100;
        /// `CRYPT_SERVER` (SChannel derivation).
        const SERVER = 0x0400;
        /// `CRYPT_ARCHIVABLE`.
        const ARCHIVABLE = 0x4000;
        /// The key length field (bits 16..32); see [`KeyFlags::key_bits`].
        const KEY_BITS = 0xFFFF_0000;
    }
}

impl KeyFlags {
    /// These flags with the key length field set to `bits`.
    #[must_use]
    pub const fn with_key_bits(self, bits: u16) -> Self {
        Self::from_bits_retain((self.bits() & 0xFFFF) | ((bits as u32) << 16))
    }

    /// The requested key length in bits (`dwFlags >> 16`); 0 means the provider's default.
    #[must_use]
    pub const fn key_bits(self) -> u32 {
        self.bits() >> 16
    }
}

bitflags! {
    /// A key's permissions (`KP_PERMISSIONS`). Keys start with `0x3B`, or `0x3F` when exportable.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct KeyPermissions: u32 {
        /// `CRYPT_ENCRYPT`.
        const ENCRYPT = 0x01;
        /// `CRYPT_DECRYPT`.
        const DECRYPT = 0x02;
        /// `CRYPT_EXPORT`.
        const EXPORT = 0x04;
        /// `CRYPT_READ`.
        const READ = 0x08;
        /// `CRYPT_WRITE`.
        const WRITE = 0x10;
        /// `CRYPT_MAC`.
        const MAC = 0x20;
        /// `CRYPT_EXPORT_KEY`.
        const EXPORT_KEY = 0x40;
        /// `CRYPT_IMPORT_KEY`.
        const IMPORT_KEY = 0x80;
        /// `CRYPT_ARCHIVE`.
        const ARCHIVE = 0x100;
    }
}

/// Which key pair of a container (`dwKeySpec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySpec {
    /// `AT_KEYEXCHANGE` (1): the key-exchange pair.
    Exchange = 1,
    /// `AT_SIGNATURE` (2): the signature pair.
    Signature = 2,
}

impl KeySpec {
    /// The raw `AT_*` value.
    #[must_use]
    pub const fn raw(self) -> u32 {
        self as u32
    }

    /// The key spec for a raw `AT_*` value.
    #[must_use]
    pub const fn from_raw(raw: u32) -> Option<Self> {
        match raw {
            1 => Some(KeySpec::Exchange),
            2 => Some(KeySpec::Signature),
            _ => None,
        }
    }
}

/// A block cipher's chaining mode (`KP_MODE`, the `CRYPT_MODE_*` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CipherMode {
    /// No mode: what a stream cipher (RC4) reports (`0`).
    Stream = 0,
    /// `CRYPT_MODE_CBC` (1): cipher block chaining, the default for block ciphers.
    Cbc = 1,
    /// `CRYPT_MODE_ECB` (2): electronic code book.
    Ecb = 2,
    /// `CRYPT_MODE_OFB` (3): accepted by [`Key::set_mode`] as on Windows, but encryption and
    /// decryption then fail with `NTE_BAD_ALGID`: Microsoft's providers do not implement it.
    Ofb = 3,
    /// `CRYPT_MODE_CFB` (4): cipher feedback with **8-bit** feedback, as Microsoft implements it.
    Cfb = 4,
    /// `CRYPT_MODE_CTS` (5): ciphertext stealing; not implemented by Microsoft's providers
    /// (`NTE_BAD_ALGID` on use).
    Cts = 5,
}

impl CipherMode {
    /// The raw `CRYPT_MODE_*` value.
    #[must_use]
    pub const fn raw(self) -> u32 {
        self as u32
    }

    /// The mode for a raw value, `None` for a value Windows does not define.
    #[must_use]
    pub const fn from_raw(raw: u32) -> Option<Self> {
        Some(match raw {
            0 => CipherMode::Stream,
            1 => CipherMode::Cbc,
            2 => CipherMode::Ecb,
            3 => CipherMode::Ofb,
            4 => CipherMode::Cfb,
            5 => CipherMode::Cts,
            _ => return None,
        })
    }
}

/// Default permissions of every key: everything but export and the key-wrapping rights.
const DEFAULT_PERMISSIONS: KeyPermissions = KeyPermissions::from_bits_retain(0x3B);
/// Length of the zero salt a 40-bit RC2/RC4 key carries, and of a created salt.
const SALT_LEN: usize = 11;

/// A session key (`HCRYPTKEY`), borrowing the [`Provider`] it was created from.
///
/// Key material is wiped when the key is dropped, and `Debug` never shows it. There is no
/// `Clone`: [`duplicate`](Key::duplicate) is the explicit copy, as `CryptDuplicateKey` is.
///
/// ```
/// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
/// let mut key = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
/// let mut data = b"attack at dawn".to_vec();
/// key.encrypt(&mut data, true)?;
/// assert_eq!(data.len(), 16); // PKCS#5 padding to one AES block
/// key.decrypt(&mut data, true)?;
/// assert_eq!(data, b"attack at dawn");
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[doc(alias = "HCRYPTKEY")]
pub struct Key<'p> {
    prov: &'p Provider,
    alg: AlgId,
    /// The key bytes (`key_bits / 8` of them), without salt.
    key: Zeroizing<Vec<u8>>,
    /// RC2/RC4 salt; part of the cipher key after the key bytes.
    salt: Zeroizing<Vec<u8>>,
    iv: Vec<u8>,
    mode: CipherMode,
    permissions: KeyPermissions,
    engine: Engine,
}

impl Provider {
    /// Generates a random session key (`CryptGenKey`).
    ///
    /// This version generates RC4 keys (every provider) and AES-128/192/256 keys
    /// (`PROV_RSA_AES`). The key length comes from the upper 16 bits of `flags` (0 for the
    /// provider's default: RC4 is 40 bits on the Base provider and 128 elsewhere). A 40-bit RC4
    /// key carries 11 zero salt bytes unless `NO_SALT` is given; `CREATE_SALT` gives 11 random
    /// salt bytes on the Base and Strong providers and no salt on the Enhanced ones, exactly as
    /// Windows does.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: the provider does not offer `alg` (AES outside `PROV_RSA_AES`, the
    ///   generic `CALG_AES`, a hash id, ...), or this version does not generate it yet (RC2,
    ///   DES, 3DES and RSA key pairs arrive in later releases);
    /// * `NTE_BAD_FLAGS`: undefined flag bits;
    /// * `NTE_BAD_DATA`: a key length outside the provider's range or not a multiple of 8;
    /// * `NTE_SYS_ERR`: the operating system's random generator failed.
    #[doc(alias = "CryptGenKey")]
    pub fn gen_key(&self, alg: AlgId, flags: KeyFlags) -> Result<Key<'_>> {
        let personality = self.ctx.csp.personality;
        let lengths = key_lengths(personality, alg).ok_or(Error::BadAlgId)?;
        if !matches!(
            alg,
            AlgId::RC4 | AlgId::AES_128 | AlgId::AES_192 | AlgId::AES_256
        ) {
            return Err(Error::BadAlgId);
        }
        if flags.bits() & 0xFFFF & !KeyFlags::all().bits() != 0 {
            return Err(Error::BadFlags);
        }
        let bits = match flags.key_bits() {
            0 => lengths.default,
            bits => bits,
        };
        if bits < lengths.min || bits > lengths.max || !bits.is_multiple_of(8) {
            return Err(Error::BadData);
        }
        let mut key = Zeroizing::new(vec![0u8; (bits / 8) as usize]);
        self.gen_random(&mut key)?;
        let salt = if alg == AlgId::RC4 {
            generated_salt(self, personality, bits, flags)?
        } else {
            Zeroizing::default()
        };
        Key::new(self, alg, key, salt, flags)
    }
}

/// The salt of a generated RC2/RC4 key (catalogue §4.5.4).
fn generated_salt(
    prov: &Provider,
    personality: Personality,
    bits: u32,
    flags: KeyFlags,
) -> Result<Zeroizing<Vec<u8>>> {
    let create = flags.contains(KeyFlags::CREATE_SALT);
    let mut salt = Zeroizing::new(Vec::new());
    if create && !personality.is_enhanced() {
        salt.resize(SALT_LEN, 0);
        prov.gen_random(&mut salt)?;
    } else if !create && bits == 40 && !flags.contains(KeyFlags::NO_SALT) {
        salt.resize(SALT_LEN, 0);
    }
    Ok(salt)
}

impl<'p> Key<'p> {
    fn new(
        prov: &'p Provider,
        alg: AlgId,
        key: Zeroizing<Vec<u8>>,
        salt: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        let material = material(&key, &salt);
        let engine = Engine::new(alg, &material)?;
        let iv = vec![0u8; engine.block_len()];
        let mode = if engine.block_len() == 0 {
            CipherMode::Stream
        } else {
            CipherMode::Cbc
        };
        let mut permissions = DEFAULT_PERMISSIONS;
        if flags.contains(KeyFlags::EXPORTABLE) {
            permissions |= KeyPermissions::EXPORT;
        }
        Ok(Key {
            prov,
            alg,
            key,
            salt,
            iv,
            mode,
            permissions,
            engine,
        })
    }

    /// Encrypts `data` in place (`CryptEncrypt`).
    ///
    /// Exactly as on Windows: a non-final call on a block cipher takes a whole number of blocks
    /// and keeps the chaining state for the next call; a final call adds PKCS#5 padding (a whole
    /// block when the input is already aligned), so `data` grows, and then returns the key to
    /// its initial state (IV reloaded, RC4 keystream restarted). RC4 keeps the length.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_DATA`: a non-final block-cipher call whose length is not a multiple of the
    ///   block size (nothing is changed);
    /// * `NTE_BAD_ALGID`: the mode is OFB or CTS, which Microsoft's providers do not implement.
    #[doc(alias = "CryptEncrypt")]
    pub fn encrypt(&mut self, data: &mut Vec<u8>, final_block: bool) -> Result<()> {
        let bs = self.engine.block_len();
        self.check_mode()?;
        if bs == 0 {
            self.engine.encrypt(self.mode, data)?;
        } else if final_block {
            let pad = bs - data.len() % bs;
            data.resize(data.len() + pad, pad as u8);
            self.engine.encrypt(self.mode, data)?;
        } else if !data.len().is_multiple_of(bs) {
            return Err(Error::BadData);
        } else {
            self.engine.encrypt(self.mode, data)?;
        }
        if final_block {
            self.reset()?;
        }
        Ok(())
    }

    /// Decrypts `data` in place (`CryptDecrypt`).
    ///
    /// A non-final call on a block cipher takes a whole number of blocks and keeps the chaining
    /// state; a final call checks and strips the PKCS#5 padding, so `data` shrinks, and returns
    /// the key to its initial state.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_DATA`: bad padding on a final call, or a length that is not a multiple of the
    ///   block size. As on Windows the key's state is reset; unlike Windows `data` is left
    ///   exactly as it was (the padding is checked before anything is decrypted). It says
    ///   nothing else about the failure, on purpose;
    /// * `NTE_BAD_LEN`: a final block-cipher call with no data;
    /// * `NTE_BAD_ALGID`: the mode is OFB or CTS.
    #[doc(alias = "CryptDecrypt")]
    pub fn decrypt(&mut self, data: &mut Vec<u8>, final_block: bool) -> Result<()> {
        let bs = self.engine.block_len();
        self.check_mode()?;
        if bs == 0 {
            self.engine.decrypt(self.mode, data)?;
            if final_block {
                self.reset()?;
            }
            return Ok(());
        }
        if final_block && data.is_empty() {
            return Err(Error::BadLen);
        }
        if !data.len().is_multiple_of(bs) {
            if final_block {
                self.reset()?;
            }
            return Err(Error::BadData);
        }
        if !final_block {
            return self.engine.decrypt(self.mode, data);
        }
        let last = self.engine.peek_last_block(self.mode, data)?;
        let pad = usize::from(last[bs - 1]);
        let padding_ok =
            (1..=bs).contains(&pad) && last[bs - pad..].iter().all(|&b| usize::from(b) == pad);
        if !padding_ok {
            self.reset()?;
            return Err(Error::BadData);
        }
        self.engine.decrypt(self.mode, data)?;
        data.truncate(data.len() - pad);
        self.reset()
    }

    /// The output length of [`encrypt`](Key::encrypt) for `len` input bytes: the size query of
    /// `CryptEncrypt` with a null buffer.
    #[must_use]
    pub fn encrypted_len(&self, len: usize, final_block: bool) -> usize {
        let bs = self.engine.block_len();
        if bs == 0 || !final_block {
            len
        } else {
            len + (bs - len % bs)
        }
    }

    /// The chaining mode (`KP_MODE`): CBC by default for block ciphers,
    /// [`CipherMode::Stream`] for RC4.
    #[doc(alias = "KP_MODE")]
    #[must_use]
    pub fn mode(&self) -> CipherMode {
        self.mode
    }

    /// Sets the chaining mode (`CryptSetKeyParam(KP_MODE)`); it takes effect at once. As on
    /// Windows, OFB is accepted here and refused when used.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for [`CipherMode::Stream`] on a block cipher.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_MODE")]
    pub fn set_mode(&mut self, mode: CipherMode) -> Result<()> {
        if mode == CipherMode::Stream && self.engine.block_len() != 0 {
            return Err(Error::BadData);
        }
        self.mode = mode;
        Ok(())
    }

    /// The initialisation vector (`KP_IV`): block-length bytes, zero by default; empty for RC4.
    #[doc(alias = "KP_IV")]
    #[must_use]
    pub fn iv(&self) -> Vec<u8> {
        self.iv.clone()
    }

    /// Sets the IV (`CryptSetKeyParam(KP_IV)`) and resets the chaining state to it.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` when `iv` is not exactly one block long (empty for RC4).
    #[doc(alias = "CryptSetKeyParam", alias = "KP_IV")]
    pub fn set_iv(&mut self, iv: &[u8]) -> Result<()> {
        if iv.len() != self.engine.block_len() {
            return Err(Error::BadData);
        }
        self.iv.copy_from_slice(iv);
        self.reset()
    }

    /// The salt (`KP_SALT`): 11 zero bytes for a 40-bit RC4 key, empty for most keys.
    #[doc(alias = "KP_SALT")]
    #[must_use]
    pub fn salt(&self) -> Vec<u8> {
        self.salt.to_vec()
    }

    /// The key length in bits (`KP_KEYLEN`), without salt.
    #[doc(alias = "KP_KEYLEN")]
    #[must_use]
    pub fn key_bits(&self) -> u32 {
        u32::try_from(self.key.len() * 8).unwrap_or(u32::MAX)
    }

    /// The algorithm (`KP_ALGID`).
    #[doc(alias = "KP_ALGID")]
    #[must_use]
    pub fn alg_id(&self) -> AlgId {
        self.alg
    }

    /// The block length in bits (`KP_BLOCKLEN`): 128 for AES, 0 for RC4.
    #[doc(alias = "KP_BLOCKLEN")]
    #[must_use]
    pub fn block_bits(&self) -> u32 {
        u32::try_from(self.engine.block_len() * 8).unwrap_or(0)
    }

    /// The key's permissions (`KP_PERMISSIONS`): `0x3B`, plus `CRYPT_EXPORT` when exportable.
    #[doc(alias = "KP_PERMISSIONS")]
    #[must_use]
    pub fn permissions(&self) -> KeyPermissions {
        self.permissions
    }

    /// An independent copy of the key, in the same state (`CryptDuplicateKey`): chaining state,
    /// IV, mode and, for RC4, the keystream position. Duplicating an RC4 key that has already
    /// processed `n` bytes costs `O(n)`.
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` mirrors Windows.
    #[doc(alias = "CryptDuplicateKey")]
    pub fn duplicate(&self) -> Result<Key<'p>> {
        let material = material(&self.key, &self.salt);
        Ok(Key {
            prov: self.prov,
            alg: self.alg,
            key: self.key.clone(),
            salt: self.salt.clone(),
            iv: self.iv.clone(),
            mode: self.mode,
            permissions: self.permissions,
            engine: self.engine.duplicate(&material)?,
        })
    }

    /// Destroys the key (`CryptDestroyKey`); the same as dropping it. Key material is wiped.
    ///
    /// # Errors
    ///
    /// None: destroying a live key always succeeds. (Destroying it twice, or after its provider
    /// is released, does not compile.)
    #[doc(alias = "CryptDestroyKey")]
    pub fn destroy(self) -> Result<()> {
        drop(self);
        Ok(())
    }

    /// The provider this key belongs to.
    #[must_use]
    pub fn provider(&self) -> &'p Provider {
        self.prov
    }

    fn check_mode(&self) -> Result<()> {
        match (self.engine.block_len(), self.mode) {
            (0, _) | (_, CipherMode::Cbc | CipherMode::Ecb | CipherMode::Cfb) => Ok(()),
            _ => Err(Error::BadAlgId),
        }
    }

    /// Back to the initial state: IV reloaded, keystream restarted.
    fn reset(&mut self) -> Result<()> {
        let material = material(&self.key, &self.salt);
        self.engine.reset(&material, &self.iv)
    }
}

/// The cipher key: key bytes followed by the salt.
fn material(key: &[u8], salt: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(key.len() + salt.len()));
    out.extend_from_slice(key);
    out.extend_from_slice(salt);
    out
}

impl fmt::Debug for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("alg", &self.alg)
            .field("key_bits", &self.key_bits())
            .field("mode", &self.mode)
            .field("permissions", &self.permissions)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::ProviderType;
    use crate::provider::AcquireFlags;
    use crate::provider::{MS_DEF_PROV, MS_ENHANCED_PROV};
    use crate::store::KeyStore;

    fn prov(name: &str, ty: ProviderType) -> Provider {
        KeyStore::in_memory()
            .unwrap()
            .acquire(None, Some(name), ty, AcquireFlags::VERIFYCONTEXT)
            .unwrap()
    }

    #[test]
    fn rc4_salt_table_from_windows() {
        // (provider, flags, bits) -> (KP_KEYLEN, salt length), catalogue §4.5.4.
        let base = prov(MS_DEF_PROV, ProviderType::RSA_FULL);
        let enh = prov(MS_ENHANCED_PROV, ProviderType::RSA_FULL);
        let cases: [(&Provider, KeyFlags, u16, u32, usize); 11] = [
            (&base, KeyFlags::empty(), 0, 40, 11),
            (&base, KeyFlags::empty(), 40, 40, 11),
            (&base, KeyFlags::NO_SALT, 40, 40, 0),
            (&base, KeyFlags::empty(), 56, 56, 0),
            (&base, KeyFlags::CREATE_SALT, 56, 56, 11),
            (&enh, KeyFlags::empty(), 0, 128, 0),
            (&enh, KeyFlags::empty(), 40, 40, 11),
            (&enh, KeyFlags::NO_SALT, 40, 40, 0),
            (&enh, KeyFlags::CREATE_SALT, 40, 40, 0),
            (&enh, KeyFlags::CREATE_SALT, 56, 56, 0),
            (&enh, KeyFlags::CREATE_SALT, 128, 128, 0),
        ];
        for (p, flags, bits, keylen, salt) in cases {
            let key = p
                .gen_key(
                    AlgId::RC4,
                    (flags | KeyFlags::EXPORTABLE).with_key_bits(bits),
                )
                .unwrap();
            assert_eq!(
                (key.key_bits(), key.salt().len()),
                (keylen, salt),
                "{} {flags:?} {bits}",
                p.name()
            );
            if salt == 11 && !flags.contains(KeyFlags::CREATE_SALT) {
                assert_eq!(key.salt(), vec![0; 11]);
            }
        }
        let created = base
            .gen_key(AlgId::RC4, KeyFlags::CREATE_SALT.with_key_bits(56))
            .unwrap();
        assert_ne!(created.salt(), vec![0; 11]);
    }

    #[test]
    fn lengths_and_algorithms_are_checked() {
        let base = prov(MS_DEF_PROV, ProviderType::RSA_FULL);
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let code = |r: Result<Key<'_>>| r.map(|_| 0).unwrap_or_else(|e| e.code());
        assert_eq!(
            code(base.gen_key(AlgId::RC4, KeyFlags::empty().with_key_bits(64))),
            0x8009_0005
        );
        assert_eq!(
            code(base.gen_key(AlgId::RC4, KeyFlags::empty().with_key_bits(44))),
            0x8009_0005
        );
        assert_eq!(
            code(base.gen_key(AlgId::AES_128, KeyFlags::empty())),
            0x8009_0008
        );
        assert_eq!(
            code(aes.gen_key(AlgId::AES, KeyFlags::empty())),
            0x8009_0008
        );
        assert_eq!(
            code(aes.gen_key(AlgId::AES_128, KeyFlags::from_bits_retain(0x0080_0000))),
            0
        );
        assert_eq!(
            code(aes.gen_key(AlgId::AES_128, KeyFlags::from_bits_retain(0x0100_0000))),
            0x8009_0005
        );
        assert_eq!(
            code(aes.gen_key(AlgId::AES_256, KeyFlags::from_bits_retain(0x8000))),
            0x8009_0009
        );
        assert_eq!(
            code(aes.gen_key(AlgId::MD5, KeyFlags::empty())),
            0x8009_0008
        );
    }

    #[test]
    fn params_of_a_fresh_key() {
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let key = aes.gen_key(AlgId::AES_256, KeyFlags::EXPORTABLE).unwrap();
        assert_eq!(
            (key.key_bits(), key.block_bits(), key.mode()),
            (256, 128, CipherMode::Cbc)
        );
        assert_eq!(key.iv(), vec![0; 16]);
        assert_eq!(key.permissions().bits(), 0x3F);
        let rc4 = aes.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap();
        assert_eq!(
            (rc4.key_bits(), rc4.block_bits(), rc4.mode()),
            (128, 0, CipherMode::Stream)
        );
        assert_eq!(rc4.permissions().bits(), 0x3B);
        let dbg = format!("{key:?}");
        assert!(
            dbg.starts_with("Key { alg: CALG_AES_256, key_bits: 256"),
            "{dbg}"
        );
    }

    #[test]
    fn bad_padding_leaves_data_untouched_and_resets() {
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let mut key = aes.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
        let mut data = vec![1u8; 20];
        key.encrypt(&mut data, true).unwrap();
        assert_eq!(data.len(), 32);
        let mut garbage = vec![0x55u8; 32];
        assert!(matches!(
            key.decrypt(&mut garbage, true),
            Err(Error::BadData)
        ));
        assert_eq!(garbage, vec![0x55u8; 32]);
        let mut odd = vec![0u8; 17];
        assert!(matches!(key.decrypt(&mut odd, true), Err(Error::BadData)));
        assert!(matches!(
            key.decrypt(&mut Vec::new(), true),
            Err(Error::BadLen)
        ));
        key.decrypt(&mut data, true).unwrap();
        assert_eq!(data, vec![1u8; 20]);
    }

    #[test]
    fn ofb_is_accepted_then_refused() {
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let mut key = aes.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
        key.set_mode(CipherMode::Ofb).unwrap();
        assert!(matches!(
            key.encrypt(&mut vec![0; 16], true),
            Err(Error::BadAlgId)
        ));
        assert!(matches!(key.set_iv(&[0; 8]), Err(Error::BadData)));
    }
}
