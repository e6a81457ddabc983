//! Key objects (`HCRYPTKEY`): session keys and their parameters.

mod cipher;
mod crypt;
mod derive;
mod dl;
mod pair;
mod params;
mod schannel;

use std::fmt;

use bitflags::bitflags;
use zeroize::Zeroizing;

use crate::alg::{AlgId, Personality, key_lengths, windows_enum};
use crate::blob::BlobType;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::provider::{ProvRef, Provider};
use std::sync::Arc;

use crate::rsa::{Pkcs1Rejection, RsaKey};
pub(crate) use cipher::Engine;
pub use crypt::CRYPT_OAEP;
pub use dl::{CRYPT_BLOB_VER3, KP_G, KP_P, KP_Q, KP_X};
pub use params::{
    KP_ALGID, KP_BLOCKLEN, KP_EFFECTIVE_KEYLEN, KP_IV, KP_KEYLEN, KP_MODE, KP_MODE_BITS,
    KP_PADDING, KP_PERMISSIONS, KP_SALT, KP_SALT_EX, PKCS5_PADDING,
};
pub(crate) use schannel::MasterHash;
pub use schannel::{
    KP_CLIENT_RANDOM, KP_SCHANNEL_ALG, KP_SERVER_RANDOM, SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY,
    SchannelAlg,
};

bitflags! {
    /// `dwFlags` of `CryptGenKey`, `CryptDeriveKey` and `CryptImportKey`.
    ///
    /// The upper 16 bits carry the key length in bits exactly as `dwFlags` does (0 means the
    /// provider's default): `KeyFlags::from_bits_retain(0x0080_0001)` is a 128-bit exportable key,
    /// and so is `KeyFlags::EXPORTABLE.with_key_bits(128)`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct KeyFlags: u32 {
        /// `CRYPT_EXPORTABLE`: the key may be exported in plaintext or private blobs.
        #[doc(alias = "CRYPT_EXPORTABLE")]
        const EXPORTABLE = 0x0001;
        /// `CRYPT_USER_PROTECTED`: Windows would prompt before use; accepted, never prompts.
        #[doc(alias = "CRYPT_USER_PROTECTED")]
        const USER_PROTECTED = 0x0002;
        /// `CRYPT_CREATE_SALT`: give an RC2/RC4 key a random (generate) or hash-derived salt.
        #[doc(alias = "CRYPT_CREATE_SALT")]
        const CREATE_SALT = 0x0004;
        /// `CRYPT_UPDATE_KEY`.
        #[doc(alias = "CRYPT_UPDATE_KEY")]
        const UPDATE_KEY = 0x0008;
        /// `CRYPT_NO_SALT`: no salt, even for a 40-bit key.
        #[doc(alias = "CRYPT_NO_SALT")]
        const NO_SALT = 0x0010;
        /// `CRYPT_PREGEN`.
        #[doc(alias = "CRYPT_PREGEN")]
        const PREGEN = 0x0040;
        /// `CRYPT_OAEP` as `CryptImportKey` takes it: unwrap a `SIMPLEBLOB` with OAEP padding.
        /// The same bit as [`PREGEN`](KeyFlags::PREGEN), and the same value as the raw
        /// [`CRYPT_OAEP`](crate::CRYPT_OAEP) that `CryptEncrypt` and `CryptExportKey` take.
        #[doc(alias = "CRYPT_OAEP")]
        const OAEP = 0x0040;
        /// `CRYPT_IPSEC_HMAC_KEY` (import only): a plaintext key of any length, for HMAC.
        #[doc(alias = "CRYPT_IPSEC_HMAC_KEY")]
        const IPSEC_HMAC_KEY = 0x0100;
        /// `CRYPT_SERVER`: derive the server's write key from a master hash
        /// (`CALG_SCHANNEL_ENC_KEY`, `CALG_SCHANNEL_MAC_KEY`) instead of the client's.
        #[doc(alias = "CRYPT_SERVER")]
        const SERVER = 0x0400;
        /// `CRYPT_ARCHIVABLE`.
        #[doc(alias = "CRYPT_ARCHIVABLE")]
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
        #[doc(alias = "CRYPT_ENCRYPT")]
        const ENCRYPT = 0x01;
        /// `CRYPT_DECRYPT`.
        #[doc(alias = "CRYPT_DECRYPT")]
        const DECRYPT = 0x02;
        /// `CRYPT_EXPORT`.
        #[doc(alias = "CRYPT_EXPORT")]
        const EXPORT = 0x04;
        /// `CRYPT_READ`.
        #[doc(alias = "CRYPT_READ")]
        const READ = 0x08;
        /// `CRYPT_WRITE`.
        #[doc(alias = "CRYPT_WRITE")]
        const WRITE = 0x10;
        /// `CRYPT_MAC`.
        #[doc(alias = "CRYPT_MAC")]
        const MAC = 0x20;
        /// `CRYPT_EXPORT_KEY`.
        #[doc(alias = "CRYPT_EXPORT_KEY")]
        const EXPORT_KEY = 0x40;
        /// `CRYPT_IMPORT_KEY`.
        #[doc(alias = "CRYPT_IMPORT_KEY")]
        const IMPORT_KEY = 0x80;
        /// `CRYPT_ARCHIVE`.
        #[doc(alias = "CRYPT_ARCHIVE")]
        const ARCHIVE = 0x100;
    }
}

windows_enum! {
    /// Which key pair of a container (`dwKeySpec`).
    pub enum KeySpec ("`AT_*`") {
        /// `AT_KEYEXCHANGE` (1): the key-exchange pair.
        Exchange = 1, "AT_KEYEXCHANGE";
        /// `AT_SIGNATURE` (2): the signature pair.
        Signature = 2, "AT_SIGNATURE";
    }
}

/// `CryptGenKey(AT_KEYEXCHANGE)` / `CryptGenKey(AT_SIGNATURE)`: the `ALG_ID` that names a
/// key spec's slot ([`AlgId::AT_KEYEXCHANGE`], [`AlgId::AT_SIGNATURE`]).
impl From<KeySpec> for AlgId {
    fn from(spec: KeySpec) -> AlgId {
        match spec {
            KeySpec::Exchange => AlgId::AT_KEYEXCHANGE,
            KeySpec::Signature => AlgId::AT_SIGNATURE,
        }
    }
}

windows_enum! {
    /// A block cipher's chaining mode (`KP_MODE`, the `CRYPT_MODE_*` values).
    #[non_exhaustive]
    pub enum CipherMode ("`CRYPT_MODE_*`") {
        /// No mode: what a stream cipher (RC4) reports (`0`).
        Stream = 0;
        /// `CRYPT_MODE_CBC` (1): cipher block chaining, the default for block ciphers.
        Cbc = 1, "CRYPT_MODE_CBC";
        /// `CRYPT_MODE_ECB` (2): electronic code book.
        Ecb = 2, "CRYPT_MODE_ECB";
        /// `CRYPT_MODE_OFB` (3): accepted by [`Key::set_mode`] as on Windows, but encryption and
        /// decryption then fail with `NTE_BAD_ALGID`: Microsoft's providers do not implement it.
        Ofb = 3, "CRYPT_MODE_OFB";
        /// `CRYPT_MODE_CFB` (4): cipher feedback with **8-bit** feedback, as Microsoft implements
        /// it.
        Cfb = 4, "CRYPT_MODE_CFB";
        /// `CRYPT_MODE_CTS` (5): ciphertext stealing; not implemented by Microsoft's providers
        /// (`NTE_BAD_ALGID` on use).
        Cts = 5, "CRYPT_MODE_CTS";
    }
}

/// Default permissions of every key: everything but export and the key-wrapping rights.
const DEFAULT_PERMISSIONS: KeyPermissions = KeyPermissions::from_bits_retain(0x3B);
/// Length of the zero salt a 40-bit RC2/RC4 key carries, and of a created salt.
const SALT_LEN: usize = 11;
/// Longest salt `KP_SALT_EX` accepts.
const MAX_SALT_EX: usize = 24;

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
    prov: ProvRef<'p>,
    alg: AlgId,
    /// The key bytes (`key_bits / 8` of them), without salt.
    key: Zeroizing<Vec<u8>>,
    /// RC2/RC4 salt; part of the cipher key after the key bytes.
    salt: Zeroizing<Vec<u8>>,
    /// RC2's effective key length in bits.
    effective_bits: u32,
    iv: Vec<u8>,
    mode: CipherMode,
    permissions: KeyPermissions,
    /// Fixed at creation: clearing `CRYPT_EXPORT` later has no effect, as on Windows.
    exportable: bool,
    block_len: usize,
    /// `None` for a key no cipher can take (a long `CRYPT_IPSEC_HMAC_KEY`): HMAC only.
    engine: Option<Engine>,
    /// `false` for an RC2 key longer than the provider allows (from a `SIMPLEBLOB`): it
    /// decrypts, MACs and HMACs, but does not encrypt, as on Windows.
    can_encrypt: bool,
    /// The RSA key of a `CALG_RSA_KEYX` / `CALG_RSA_SIGN` key; `None` for session keys. Shared,
    /// never copied: the private numbers live in one place, wiped when the last user drops.
    rsa: Option<Arc<RsaKey>>,
    /// How this RSA key answers bad PKCS#1 v1.5 padding.
    rejection: Pkcs1Rejection,
    /// The container slot (0 exchange, 1 signature) of a key pair from `CryptGenKey`,
    /// `CryptImportKey` or `CryptGetUserKey`: where a permissions change is saved.
    slot: Option<usize>,
    /// An SSL 3.0 / TLS 1.0 master key's randoms, algorithms and master secret.
    schannel: Option<Box<schannel::Master>>,
    /// The DSS or Diffie-Hellman key of a DSS-family pair or public key.
    dl: Option<Box<dl::Dl>>,
    /// The shared secret of an agreed key (`CALG_AGREEDKEY_ANY`), until `KP_ALGID` makes it
    /// a session key.
    agreed: Option<Zeroizing<Vec<u8>>>,
}

/// The session algorithms a provider can make keys for.
fn is_session_alg(alg: AlgId) -> bool {
    matches!(
        alg,
        AlgId::RC2
            | AlgId::RC4
            | AlgId::DES
            | AlgId::TRIPLE_DES_112
            | AlgId::TRIPLE_DES
            | AlgId::AES_128
            | AlgId::AES_192
            | AlgId::AES_256
    )
}

/// Block length in bytes of a session algorithm (0 for RC4, and for the SChannel keys no
/// cipher takes).
fn block_len(alg: AlgId) -> usize {
    match alg {
        AlgId::RC4 | AlgId::SSL3_MASTER | AlgId::TLS1_MASTER | AlgId::SCHANNEL_MAC_KEY => 0,
        AlgId::AES_128 | AlgId::AES_192 | AlgId::AES_256 => 16,
        _ => 8,
    }
}

/// Checks the requested key length (`dwFlags >> 16`, 0 for the default) of a session key and
/// returns the number of key bytes stored (DES keys keep their 8 parity-carrying bytes).
fn key_len(personality: Personality, alg: AlgId, requested: u32) -> Result<usize> {
    if !is_session_alg(alg) {
        return Err(Error::BadAlgId);
    }
    let lengths = key_lengths(personality, alg).ok_or(Error::BadAlgId)?;
    let fixed = |ok: [u32; 2], bytes: usize| {
        if requested == 0 || ok.contains(&requested) {
            Ok(bytes)
        } else {
            Err(Error::BadFlags)
        }
    };
    match alg {
        AlgId::DES => fixed([56, 64], 8),
        AlgId::TRIPLE_DES_112 => fixed([112, 128], 16),
        AlgId::TRIPLE_DES => fixed([168, 192], 24),
        _ => {
            let bits = if requested == 0 {
                lengths.default
            } else {
                requested
            };
            if bits < lengths.min || bits > lengths.max || !bits.is_multiple_of(8) {
                return Err(Error::BadData);
            }
            Ok((bits / 8) as usize)
        }
    }
}

/// Whether a key length (in bytes) is one the provider takes for `alg` (plaintext import).
fn key_len_allowed(personality: Personality, alg: AlgId, bytes: usize) -> Result<()> {
    let bits = u32::try_from(bytes * 8).map_err(|_| Error::BadData)?;
    match key_len(personality, alg, bits) {
        Ok(stored) if stored == bytes => Ok(()),
        Ok(_) | Err(Error::BadFlags) => Err(Error::BadData),
        Err(err) => Err(err),
    }
}

/// The salt every RC2/RC4 key gets by default: 11 zero bytes at 40 bits, unless `NO_SALT`.
fn default_salt(alg: AlgId, key_bytes: usize, flags: KeyFlags) -> Zeroizing<Vec<u8>> {
    let salted = matches!(alg, AlgId::RC2 | AlgId::RC4)
        && key_bytes == 5
        && !flags.contains(KeyFlags::NO_SALT);
    Zeroizing::new(if salted {
        vec![0; SALT_LEN]
    } else {
        Vec::new()
    })
}

/// Whether `CRYPT_CREATE_SALT` gives an RC2/RC4 key a salt on this provider (Base and Strong:
/// yes; Enhanced and AES: no salt at all).
fn creates_salt(alg: AlgId, flags: KeyFlags) -> bool {
    matches!(alg, AlgId::RC2 | AlgId::RC4) && flags.contains(KeyFlags::CREATE_SALT)
}

/// Undefined bits in the low half of key flags give `NTE_BAD_FLAGS`.
fn check_key_flags(flags: KeyFlags) -> Result<()> {
    if flags.bits() & 0xFFFF & !KeyFlags::all().bits() != 0 {
        return Err(Error::BadFlags);
    }
    Ok(())
}

impl Provider {
    /// Generates a random session key, or an RSA key pair (`CryptGenKey`).
    ///
    /// **Key pairs**: `alg` [`AT_KEYEXCHANGE`](AlgId::AT_KEYEXCHANGE) (1) or `CALG_RSA_KEYX`
    /// makes the container's exchange pair, [`AT_SIGNATURE`](AlgId::AT_SIGNATURE) (2) or
    /// `CALG_RSA_SIGN` its signature pair (`AlgId::from(KeySpec::Exchange)` names a slot too),
    /// replacing any
    /// pair in that slot. The pair is written to the container at once and atomically, so other
    /// contexts on it (in this process or another) see it through
    /// [`user_key`](Provider::user_key); a verify context keeps it in memory. The length is
    /// 384..=16384 bits in steps of 8 (the Base provider: exchange keys up to 1024), 1024 by
    /// default (512 on the Base provider), exponent 65537. **Generation is slow** (tens of
    /// milliseconds at 1024 bits, seconds at 4096 and beyond): in async code run it with
    /// `tokio::task::spawn_blocking`.
    ///
    /// **Session keys**:
    /// Every provider makes RC2, RC4 and DES keys; all but the Base provider make two- and
    /// three-key triple DES; `PROV_RSA_AES` makes AES-128/192/256. The key length comes from the
    /// upper 16 bits of `flags` (0 for the provider's default: RC2 and RC4 are 40 bits on the
    /// Base provider and 128 elsewhere). A 40-bit RC2/RC4 key carries 11 zero salt bytes unless
    /// `NO_SALT` is given; `CREATE_SALT` gives 11 random salt bytes on the Base and Strong
    /// providers and no salt on the Enhanced ones, exactly as Windows does. `EXPORTABLE` allows
    /// [`Key::export`].
    ///
    /// **DSS-family key pairs** (`PROV_DSS`, `PROV_DSS_DH`, `PROV_DH_SCHANNEL`):
    /// `AT_SIGNATURE` or `CALG_DSS_SIGN` makes the container's DSS signature pair (FIPS 186-2
    /// parameters with their `DSSSEED`); on the DH providers `AT_KEYEXCHANGE` or `CALG_DH_SF`
    /// its Diffie-Hellman exchange pair, and `CALG_DH_EPHEM` an ephemeral pair that is never
    /// stored. Lengths are 512 to 1024 bits (DH up to 4096 on the Enhanced and SChannel
    /// providers) in steps of 64, 1024 by default (512 for DH on the Base DSS/DH provider).
    /// With [`PREGEN`](KeyFlags::PREGEN) a DH key is made without a group: set it with
    /// [`Key::set_dh_params`], then [`Key::generate_dh_secret`]. Generating DSS parameters takes
    /// a moment (tens of milliseconds at 1024 bits in release builds).
    ///
    /// **SSL 3.0 / TLS 1.0 master keys** (the SChannel provider, `CALG_SSL3_MASTER`,
    /// `CALG_TLS1_MASTER`): 48 random bytes whose first two are the protocol version (3.0,
    /// 3.1), as a client's pre-master secret is; see
    /// [`create_hash`](Provider::create_hash) for the master hash made from them.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: the provider does not offer `alg` as a key (AES outside
    ///   `PROV_RSA_AES`, 3DES on the Base provider, the generic `CALG_AES`, masters outside
    ///   the SChannel provider, `CALG_SSL2_MASTER` and `CALG_PCT1_MASTER`, a hash id, ...);
    /// * `NTE_BAD_FLAGS`: undefined flag bits, or a DES/3DES length other than the two Windows
    ///   accepts (56/64, 112/128, 168/192);
    /// * `NTE_BAD_DATA`: a key length outside the provider's range or not a multiple of 8
    ///   (a master key's is 384 bits);
    /// * on the DSS-family providers, `NTE_BAD_FLAGS` for a pair length outside the range or
    ///   a DH length off the 64-bit step, and `STATUS_INVALID_PARAMETER` (`0xC000000D`, as
    ///   Windows answers) for a DSS length off the step; `NTE_BAD_ALGID` for DH on `PROV_DSS`;
    /// * `NTE_SYS_ERR`: the operating system's random generator failed;
    /// * `NTE_NO_MEMORY`: a master key's buffer cannot be allocated;
    /// * for key pairs, the errors of writing the container: `NTE_BAD_KEYSET` (it was deleted),
    ///   `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`.
    #[doc(alias = "CryptGenKey")]
    pub fn gen_key(&self, alg: AlgId, flags: KeyFlags) -> Result<Key<'_>> {
        check_key_flags(flags)?;
        if self.ctx.csp.personality.is_dss_family() && dl::dl_slot(alg).is_some() {
            return self.gen_dl(alg, flags);
        }
        if pair::pair_slot(alg).is_some() {
            return self.gen_pair(alg, flags);
        }
        if schannel::is_master(alg) {
            return self.gen_master(alg, flags);
        }
        let personality = self.ctx.csp.personality;
        let len = key_len(personality, alg, flags.key_bits())?;
        let mut key = Zeroizing::new(vec![0u8; len]);
        self.gen_random(&mut key)?;
        let salt = if creates_salt(alg, flags) {
            let mut salt = Zeroizing::new(Vec::new());
            if !personality.is_enhanced() {
                salt.resize(SALT_LEN, 0);
                self.gen_random(&mut salt)?;
            }
            salt
        } else {
            default_salt(alg, len, flags)
        };
        Key::new(self, alg, key, salt, flags)
    }

    /// Derives a session key from a hash of secret data, usually a password
    /// (`CryptDeriveKey`), with Microsoft's algorithm byte for byte.
    ///
    /// The base hash is finished by the derivation (its value can still be read). Key lengths,
    /// algorithms and salt follow [`gen_key`](Provider::gen_key); with `CREATE_SALT` on the Base
    /// and Strong providers the salt is taken from the hash bytes after the key.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    /// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    /// hash.hash_data(b"correct horse battery staple")?;
    /// let key = prov.derive_key(AlgId::AES_256, &mut hash, KeyFlags::empty())?;
    /// assert_eq!(key.key_bits(), 256);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// **SChannel keys** (`CALG_SCHANNEL_ENC_KEY`, `CALG_SCHANNEL_MAC_KEY`, on the SChannel
    /// provider) are cut from the key block of a `CALG_SCHANNEL_MASTER_HASH` `base`, in the
    /// order client MAC key, server MAC key, client key, server key, client IV, server IV
    /// (TLS 1.0: RFC 2246 §6.3; SSL 3.0: RFC 6101 §6.2.2), with the algorithms and lengths
    /// the master key had when the hash was made ([`Key::set_schannel_alg`]); `flags`'
    /// [`SERVER`](KeyFlags::SERVER) selects the server's half. `CALG_SCHANNEL_ENC_KEY` gives
    /// a key of the encryption algorithm (the key length in `flags` is not used: the
    /// algorithm's `cBits` is), with its IV from the key block; `CALG_SCHANNEL_MAC_KEY` a
    /// `CALG_SCHANNEL_MAC_KEY` key of `cBits / 8` bytes for `CALG_HMAC`. The base hash is
    /// left as it was: derive the four keys from it in any order.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType, SchannelAlg};
    /// use cryptoapi::{SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY};
    /// let prov = Provider::verify_context(ProviderType::RSA_SCHANNEL)?;
    /// let mut master = prov.gen_key(AlgId::TLS1_MASTER, KeyFlags::empty())?;
    /// master.set_client_random(&[1; 32])?;
    /// master.set_server_random(&[2; 32])?;
    /// master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_ENC_KEY, AlgId::TRIPLE_DES, 168))?;
    /// master.set_schannel_alg(&SchannelAlg::new(SCHANNEL_MAC_KEY, AlgId::SHA1, 160))?;
    /// let mut keys = prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master))?;
    /// let server_write = prov.derive_key(AlgId::SCHANNEL_ENC_KEY, &mut keys, KeyFlags::SERVER)?;
    /// assert_eq!((server_write.alg_id(), server_write.key_bits()), (AlgId::TRIPLE_DES, 192));
    /// let client_mac = prov.derive_key(AlgId::SCHANNEL_MAC_KEY, &mut keys, KeyFlags::empty())?;
    /// assert_eq!(client_mac.key_bits(), 160);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`gen_key`](Provider::gen_key), plus `NTE_BAD_HASH` when the base hash is a keyed
    /// hash whose value cannot be expanded, and the errors of reading its value
    /// ([`Hash::value`](crate::Hash::value)). For the SChannel keys:
    /// * `NTE_BAD_ALGID`: not the SChannel provider, or an encryption algorithm it does not
    ///   offer as a key;
    /// * `NTE_FAIL`: `base` is not a `CALG_SCHANNEL_MASTER_HASH` (Windows' providers find
    ///   the master key through the hash);
    /// * `NTE_BAD_FLAGS`: undefined flag bits; the algorithm of the key asked for was not set
    ///   on the master key before the hash was made (Windows' answer for the encryption key);
    ///   a DES or 3DES length other than the two Windows accepts;
    /// * `NTE_BAD_DATA`: an encryption key length outside the provider's range, or a MAC
    ///   length that is not a whole number of bytes up to 512 bits;
    /// * `NTE_NO_MEMORY`: the key block cannot be allocated.
    #[doc(alias = "CryptDeriveKey")]
    pub fn derive_key(&self, alg: AlgId, base: &mut Hash<'_>, flags: KeyFlags) -> Result<Key<'_>> {
        check_key_flags(flags)?;
        if schannel::is_derived(alg) {
            return self.derive_schannel(alg, base, flags);
        }
        let personality = self.ctx.csp.personality;
        let len = key_len(personality, alg, flags.key_bits())?;
        let value = Zeroizing::new(base.value()?);
        let create = creates_salt(alg, flags) && !personality.is_enhanced();
        let digest_alg = base.digest_alg();
        let derived = derive::derive(
            alg,
            &value,
            len,
            if create { SALT_LEN } else { 0 },
            |data| digest_alg.and_then(|d| crate::hash::digest(d, data)),
        )?;
        let salt = match derived.salt_from_hash {
            Some(salt) => salt,
            None if creates_salt(alg, flags) && personality.is_enhanced() => {
                Zeroizing::new(Vec::new())
            }
            None => default_salt(alg, len, flags),
        };
        Key::new(self, alg, derived.key, salt, flags)
    }

    /// Imports a key from a key BLOB (`CryptImportKey`).
    ///
    /// * `PLAINTEXTKEYBLOB`: a session key in the clear, with the provider's key-length limits;
    ///   with `CRYPT_IPSEC_HMAC_KEY` any length is accepted, for use as an HMAC key (it can
    ///   only encrypt when its length suits the algorithm).
    /// * `PUBLICKEYBLOB`: an RSA public key, for verifying signatures and wrapping keys; the
    ///   container is not changed.
    /// * `PRIVATEKEYBLOB`: an RSA key pair, installed in the container's slot its `ALG_ID`
    ///   names (`CALG_RSA_KEYX` / `AT_KEYEXCHANGE`: exchange; `CALG_RSA_SIGN` /
    ///   `AT_SIGNATURE`: signature), replacing the pair there. A private exponent cut short is
    ///   accepted, as on Windows. `CRYPT_EXPORTABLE` allows exporting it again. With a session
    ///   key as `unwrap_key`, the blob is one that [`Key::export`] wrapped with that key:
    ///   everything after the BLOBHEADER is decrypted with it (on a copy, in wiping memory)
    ///   first. An RSA `unwrap_key` is `NTE_BAD_KEY` (not recorded on Windows).
    /// * `SIMPLEBLOB`: a session key wrapped with an exchange public key; `unwrap_key` is the
    ///   matching exchange key pair or, with `None`, the context's own exchange pair (the
    ///   container's, or the one a verify context generated or imported). PKCS#1 v1.5 by
    ///   default, OAEP with [`KeyFlags::OAEP`] (`CRYPT_OAEP`, `0x40`). Bad padding is answered
    ///   as the unwrap key's
    ///   [`pkcs1_rejection`](Key::pkcs1_rejection) says: by default with a pseudo-random key,
    ///   never an error (no padding oracle). The blob carries no salt: the key gets the default
    ///   one. An RC2 key longer than the provider allows is accepted, for decryption only.
    ///
    /// On the SChannel provider both secret blobs also carry SSL 3.0 / TLS 1.0 master keys
    /// (48 bytes, usually the peer's pre-master secret in a `SIMPLEBLOB`) and MAC keys (1 to
    /// 64 bytes).
    ///
    /// On the DSS-family providers `PUBLICKEYBLOB` and `PRIVATEKEYBLOB` are DSS ("DSS1" to
    /// "DSS4") and Diffie-Hellman ("DH1" to "DH4") blobs, versions 2 and 3: a private DSS blob
    /// becomes the signature pair, a private `CALG_DH_SF` blob the exchange pair. A DH public
    /// blob imported with one's own DH pair as `unwrap_key` gives the agreed key
    /// (`CALG_AGREEDKEY_ANY`, `0xAA03`), which `set_param(KP_ALGID, ..)` turns into a session
    /// key of that algorithm (see [`Key::set_dh_params`] for an example). **Not verified
    /// against Windows:** which bytes of the shared secret the session key takes (here its
    /// first ones, little-endian); two parties using this crate always agree.
    ///
    /// A buffer longer than the blob is accepted, as on Windows.
    ///
    /// **Windows compatibility:** `unwrap_key = None` for a `SIMPLEBLOB` follows Microsoft's
    /// "Decrypting a File" sample, which passes `hPubKey = 0` and relies on the context's
    /// exchange pair; Wine's provider refuses that call with `NTE_BAD_PUBLIC_KEY`.
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: an empty `blob` (advapi32 checks `dwDataLen` before the
    ///   provider sees the call);
    /// * `NTE_BAD_DATA`: a blob shorter than its header or length fields, a version other than
    ///   2, non-zero reserved bytes, a wrong RSA magic, numbers that do not form a key, a key
    ///   length the provider does not take (a master key of other than 48 bytes), or (with
    ///   [`Pkcs1Rejection::Explicit`]) bad padding;
    /// * `NTE_BAD_TYPE`: an unknown or unsupported blob type;
    /// * `NTE_BAD_ALGID`: the blob's algorithm is not one this provider offers, or a private
    ///   blob names neither key-pair slot;
    /// * `NTE_BAD_FLAGS`: undefined flag bits;
    /// * `NTE_BAD_PUBLIC_KEY`: a `SIMPLEBLOB` whose `unwrap_key` is not an exchange key pair
    ///   (a public key, a signature pair, a session key), or an `unwrap_key` given for a
    ///   plaintext blob;
    /// * `NTE_BAD_KEY`: a `PRIVATEKEYBLOB` whose `unwrap_key` is an RSA key, or a session key
    ///   that cannot decrypt (one imported for HMAC only);
    /// * `NTE_BAD_DATA` also for a wrapped `PRIVATEKEYBLOB` that does not decrypt with
    ///   `unwrap_key` (bad padding, or the wrong key: the decrypted bytes are no key);
    /// * `NTE_BAD_ALGID` also for an `unwrap_key` in OFB or CTS mode;
    /// * `NTE_NO_KEY`: a `SIMPLEBLOB` with `unwrap_key = None` in a context without an exchange
    ///   pair;
    /// * for a `SIMPLEBLOB` with `unwrap_key = None`, the errors of reading the container's
    ///   pair (`NTE_BAD_KEYSET`, `NTE_KEYSET_ENTRY_BAD`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`);
    /// * for `PRIVATEKEYBLOB` into a container, the errors of writing it (`NTE_BAD_KEYSET`,
    ///   `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`).
    #[doc(alias = "CryptImportKey")]
    pub fn import_key(
        &self,
        blob: &[u8],
        unwrap_key: Option<&Key<'_>>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        if blob.is_empty() {
            return Err(Error::InvalidParameter);
        }
        check_key_flags(flags)?;
        let pair_blob = [
            BlobType::PublicKeyBlob.raw(),
            BlobType::PrivateKeyBlob.raw(),
        ]
        .contains(&u32::from(blob[0]));
        if pair_blob && self.ctx.csp.personality.is_dss_family() {
            // DSS and DH blobs come in versions 2 and 3: their codec reads the header.
            return self.import_dl(blob, unwrap_key, flags);
        }
        let (header, body) = crate::blob::parse_header(blob)?;
        match BlobType::from_raw(u32::from(header.blob_type)) {
            Some(BlobType::PlaintextKeyBlob) => {
                self.import_plaintext(header, body, unwrap_key, flags)
            }
            Some(BlobType::PublicKeyBlob | BlobType::PrivateKeyBlob) => {
                self.import_rsa(header, body, unwrap_key, flags)
            }
            Some(BlobType::SimpleBlob) => self.import_simple(header, body, unwrap_key, flags),
            _ => Err(Error::BadType),
        }
    }

    fn import_plaintext(
        &self,
        header: crate::blob::BlobHeader,
        body: &[u8],
        unwrap_key: Option<&Key<'_>>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        if unwrap_key.is_some() {
            return Err(Error::BadPublicKey);
        }
        let bytes = crate::blob::parse_plaintext(body)?;
        let personality = self.ctx.csp.personality;
        let secret = schannel::is_blob_secret(header.alg);
        if !(is_session_alg(header.alg) || secret) || key_lengths(personality, header.alg).is_none()
        {
            return Err(Error::BadAlgId);
        }
        let key = Zeroizing::new(bytes.to_vec());
        if secret {
            return Key::new_blob_secret(self, header.alg, key, flags);
        }
        let salt = default_salt(header.alg, key.len(), flags);
        match key_len_allowed(personality, header.alg, bytes.len()) {
            Ok(()) => Key::new(self, header.alg, key, salt, flags),
            Err(_) if flags.contains(KeyFlags::IPSEC_HMAC_KEY) && !bytes.is_empty() => {
                Key::new_hmac_only(self, header.alg, key, flags)
            }
            Err(err) => Err(err),
        }
    }
}

impl<'p> Key<'p> {
    fn new(
        prov: &'p Provider,
        alg: AlgId,
        key: Zeroizing<Vec<u8>>,
        salt: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        let bits = u32::try_from(key.len() * 8).map_err(|_| Error::BadData)?;
        let effective_bits = match prov.ctx.csp.personality {
            Personality::Base if bits > 56 => 40,
            _ => bits.min(cipher::RC2_MAX_EFFECTIVE_BITS),
        };
        let engine = Engine::new(alg, &material(&key, &salt), effective_bits)?;
        Ok(Key::assemble(
            prov,
            alg,
            key,
            salt,
            effective_bits,
            flags,
            Some(engine),
        ))
    }

    /// A key kept for HMAC only: no cipher takes its length.
    fn new_hmac_only(
        prov: &'p Provider,
        alg: AlgId,
        key: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        let bits = u32::try_from(key.len() * 8).map_err(|_| Error::BadData)?;
        Ok(Key::assemble(
            prov,
            alg,
            key,
            Zeroizing::default(),
            bits,
            flags,
            None,
        ))
    }

    fn assemble(
        prov: &'p Provider,
        alg: AlgId,
        key: Zeroizing<Vec<u8>>,
        salt: Zeroizing<Vec<u8>>,
        effective_bits: u32,
        flags: KeyFlags,
        engine: Option<Engine>,
    ) -> Self {
        let block_len = block_len(alg);
        let exportable = flags.contains(KeyFlags::EXPORTABLE);
        let mut permissions = DEFAULT_PERMISSIONS;
        if exportable {
            permissions |= KeyPermissions::EXPORT;
        }
        Key {
            prov: ProvRef::Borrowed(prov),
            alg,
            key,
            salt,
            effective_bits,
            iv: vec![0u8; block_len],
            mode: if block_len == 0 {
                CipherMode::Stream
            } else {
                CipherMode::Cbc
            },
            permissions,
            exportable,
            block_len,
            engine,
            can_encrypt: true,
            rsa: None,
            rejection: Pkcs1Rejection::default(),
            slot: None,
            schannel: None,
            dl: None,
            agreed: None,
        }
    }

    /// A key for an RSA key pair or public key.
    fn new_rsa(
        prov: &'p Provider,
        alg: AlgId,
        rsa: Arc<RsaKey>,
        permissions: KeyPermissions,
    ) -> Self {
        let mut key = Key::bare(prov, alg);
        key.permissions = permissions;
        key.exportable = permissions.contains(KeyPermissions::EXPORT);
        key.rsa = Some(rsa);
        key
    }

    /// A key with no key bytes, no cipher and no IV: the start of a key pair or an agreed key.
    fn bare(prov: &'p Provider, alg: AlgId) -> Self {
        let mut key = Key::assemble(
            prov,
            alg,
            Zeroizing::default(),
            Zeroizing::default(),
            0,
            KeyFlags::empty(),
            None,
        );
        key.block_len = 0;
        key.iv.clear();
        key.mode = CipherMode::Stream;
        key
    }

    /// Whether this is a session (symmetric) key rather than a key pair, a public key or an
    /// agreed key.
    pub(crate) fn is_session_key(&self) -> bool {
        self.rsa.is_none() && self.dl.is_none() && self.agreed.is_none()
    }

    /// A session key unwrapped from a `SIMPLEBLOB`: its length is whatever the blob held, and
    /// an RC2 key longer than the provider allows may only decrypt.
    fn new_unwrapped(
        prov: &'p Provider,
        alg: AlgId,
        key: Zeroizing<Vec<u8>>,
        salt: Zeroizing<Vec<u8>>,
        flags: KeyFlags,
    ) -> Result<Self> {
        let personality = prov.ctx.csp.personality;
        let len_ok = match alg {
            AlgId::RC2 => (1..=cipher::RC2_MAX_KEY).contains(&key.len()),
            AlgId::RC4 => (1..=256).contains(&key.len()),
            _ => key_len_allowed(personality, alg, key.len()).is_ok(),
        };
        if !len_ok {
            return Err(Error::BadData);
        }
        let can_encrypt = pair::may_encrypt(personality, alg, key.len());
        let mut key = Key::new(prov, alg, key, salt, flags)?;
        key.can_encrypt = can_encrypt;
        Ok(key)
    }

    /// The raw key bytes, without salt: what HMAC, `CryptHashSessionKey` and the key BLOBs
    /// use. For an SChannel master key, the master secret once a master hash has made it.
    pub(crate) fn key_bytes(&self) -> &[u8] {
        match self.schannel.as_deref().and_then(schannel::Master::secret) {
            Some(master) => master,
            None => &self.key,
        }
    }

    /// A fresh cipher engine in the key's initial state (IV loaded), for CBC-MAC.
    pub(crate) fn initial_engine(&self) -> Result<Engine> {
        let engine = self.engine.as_ref().ok_or(Error::BadKey)?;
        let material = material(&self.key, &self.salt);
        let mut copy = engine.duplicate(&material)?;
        copy.reset(&material, &self.iv)?;
        Ok(copy)
    }

    /// The block length in bytes (0 for RC4).
    pub(crate) fn block_len(&self) -> usize {
        self.block_len
    }

    /// The provider this key belongs to.
    #[must_use]
    pub fn provider(&self) -> &Provider {
        &self.prov
    }

    /// This key, owning a reference on its provider's context instead of borrowing the
    /// [`Provider`]: a `Key<'static>` that can live in a struct beside (or without) its
    /// provider, move into `std::thread::spawn` or `tokio::spawn`, and outlive the scope that
    /// made it. The same type and the same methods serve both forms; keys it makes (a
    /// [`duplicate`](Key::duplicate)) are owned too.
    ///
    /// **Windows compatibility:** an owned key keeps its context alive. On Windows the final
    /// `CryptReleaseContext` invalidates every key of the context at once; here the context's
    /// secrets and container stay open until the last `Provider` handle *and* the last owned
    /// key or hash are gone. [`Provider::ref_count`] keeps counting only `Provider` handles.
    ///
    /// ```
    /// use cryptoapi::{AlgId, Key, KeyFlags, Provider, ProviderType};
    ///
    /// struct Session {
    ///     key: Key<'static>,
    /// }
    ///
    /// fn open() -> cryptoapi::Result<Session> {
    ///     let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    ///     let key = prov.gen_key(AlgId::AES_128, KeyFlags::empty())?.into_owned();
    ///     Ok(Session { key }) // `prov` is dropped here; the key keeps the context alive
    /// }
    ///
    /// let mut session = open()?;
    /// let worker = std::thread::spawn(move || {
    ///     let mut data = b"moved to a thread".to_vec();
    ///     session.key.encrypt(&mut data, true).map(|()| data.len())
    /// });
    /// assert_eq!(worker.join().expect("thread")?, 32);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Key<'static> {
        Key {
            prov: self.prov.into_owned(),
            alg: self.alg,
            key: self.key,
            salt: self.salt,
            effective_bits: self.effective_bits,
            iv: self.iv,
            mode: self.mode,
            permissions: self.permissions,
            exportable: self.exportable,
            block_len: self.block_len,
            engine: self.engine,
            can_encrypt: self.can_encrypt,
            rsa: self.rsa,
            rejection: self.rejection,
            slot: self.slot,
            schannel: self.schannel,
            dl: self.dl,
            agreed: self.agreed,
        }
    }

    /// An independent copy of the key, in the same state (`CryptDuplicateKey`): chaining state,
    /// IV, mode, salt, permissions and, for RC4, the keystream position. Duplicating an RC4 key
    /// that has already processed `n` bytes costs `O(n)`.
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` mirrors Windows.
    #[doc(alias = "CryptDuplicateKey")]
    pub fn duplicate(&self) -> Result<Key<'p>> {
        let material = material(&self.key, &self.salt);
        let engine = match &self.engine {
            Some(engine) => Some(engine.duplicate(&material)?),
            None => None,
        };
        Ok(Key {
            prov: self.prov.duplicate(),
            alg: self.alg,
            key: self.key.clone(),
            salt: self.salt.clone(),
            effective_bits: self.effective_bits,
            iv: self.iv.clone(),
            mode: self.mode,
            permissions: self.permissions,
            exportable: self.exportable,
            block_len: self.block_len,
            engine,
            can_encrypt: self.can_encrypt,
            rsa: self.rsa.clone(),
            rejection: self.rejection,
            slot: self.slot,
            schannel: self.schannel.clone(),
            dl: self.duplicate_dl(),
            agreed: self.agreed.clone(),
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

    /// Back to the initial state: IV reloaded, keystream restarted.
    fn reset(&mut self) -> Result<()> {
        let material = material(&self.key, &self.salt);
        match &mut self.engine {
            Some(engine) => engine.reset(&material, &self.iv),
            None => Ok(()),
        }
    }

    /// Changes the salt and RC2 effective length and re-keys the cipher, all or nothing: a
    /// cipher that refuses the new key material (an RC2 or RC4 key from a `SIMPLEBLOB`, already
    /// near the key schedule's limit, with a long salt) leaves the key exactly as it was and
    /// gives `NTE_BAD_DATA`.
    fn rekey(&mut self, salt: Zeroizing<Vec<u8>>, effective_bits: u32) -> Result<()> {
        if self.engine.is_some() {
            let material = material(&self.key, &salt);
            let mut engine =
                Engine::new(self.alg, &material, effective_bits).map_err(|_| Error::BadData)?;
            engine.reset(&material, &self.iv)?;
            self.engine = Some(engine);
        }
        self.salt = salt;
        self.effective_bits = effective_bits;
        Ok(())
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
