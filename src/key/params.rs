//! `CryptGetKeyParam` / `CryptSetKeyParam`, and `CryptExportKey` for session keys.

use zeroize::Zeroizing;

use super::schannel::{KP_CLIENT_RANDOM, KP_SCHANNEL_ALG, KP_SERVER_RANDOM, SchannelAlg};
use super::{CipherMode, Key, KeyPermissions, MAX_SALT_EX, SALT_LEN};
use crate::alg::{AlgId, Personality};
use crate::blob::{BlobType, dword, plaintext_blob, read_dword};
use crate::error::{Error, Result};

/// `PKCS5_PADDING`: the only padding Microsoft's providers implement (`KP_PADDING`).
pub const PKCS5_PADDING: u32 = 1;

/// `KP_IV`: the initialisation vector, for [`Key::param`] / [`Key::set_param`].
pub const KP_IV: u32 = 1;
/// `KP_SALT`: the salt (RC2 and RC4), for [`Key::param`] / [`Key::set_param`].
pub const KP_SALT: u32 = 2;
/// `KP_PADDING`: the padding scheme, a DWORD, for [`Key::param`] / [`Key::set_param`].
pub const KP_PADDING: u32 = 3;
/// `KP_MODE`: the chaining mode, a DWORD, for [`Key::param`] / [`Key::set_param`].
pub const KP_MODE: u32 = 4;
/// `KP_MODE_BITS`: the CFB feedback width, a DWORD, for [`Key::param`] / [`Key::set_param`].
pub const KP_MODE_BITS: u32 = 5;
/// `KP_PERMISSIONS`: the key's permissions, a DWORD, for [`Key::param`] / [`Key::set_param`].
pub const KP_PERMISSIONS: u32 = 6;
/// `KP_ALGID`: the key's `ALG_ID`, a DWORD, for [`Key::param`].
pub const KP_ALGID: u32 = 7;
/// `KP_BLOCKLEN`: the block length in bits, a DWORD, for [`Key::param`].
pub const KP_BLOCKLEN: u32 = 8;
/// `KP_KEYLEN`: the key length in bits, a DWORD, for [`Key::param`].
pub const KP_KEYLEN: u32 = 9;
/// `KP_SALT_EX`: a salt of any length up to 24 bytes, for [`Key::set_param`] (the data is the
/// `CRYPT_INTEGER_BLOB`'s contents).
pub const KP_SALT_EX: u32 = 10;
/// `KP_EFFECTIVE_KEYLEN`: RC2's effective key length in bits, a DWORD, for [`Key::param`] /
/// [`Key::set_param`].
pub const KP_EFFECTIVE_KEYLEN: u32 = 19;

/// Whether a slot's `PRIVATEKEYBLOB` holds the pair with this little-endian `modulus` (it
/// follows the 8-byte BLOBHEADER and the 12-byte RSAPUBKEY).
fn same_pair(blob: &[u8], modulus: &[u8]) -> bool {
    blob.get(20..20 + modulus.len()) == Some(modulus)
}

impl<'p> Key<'p> {
    /// The chaining mode (`KP_MODE`): CBC by default for block ciphers,
    /// [`CipherMode::Stream`] for RC4.
    #[doc(alias = "KP_MODE", alias = "CryptGetKeyParam")]
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
        // The DSS providers refuse OFB when it is set (dssenh.c), where the RSA ones refuse
        // it only when the key is used.
        let dss_ofb = mode == CipherMode::Ofb && self.prov.ctx.csp.personality.is_dss_family();
        if (mode == CipherMode::Stream && self.block_len != 0) || dss_ofb {
            return Err(Error::BadData);
        }
        self.mode = mode;
        Ok(())
    }

    /// The feedback width of CFB mode in bits (`KP_MODE_BITS`): always 8 (setting it through
    /// [`set_param`](Key::set_param) is accepted and changes nothing).
    #[doc(alias = "KP_MODE_BITS", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn mode_bits(&self) -> u32 {
        8
    }

    /// The padding scheme (`KP_PADDING`): always [`PKCS5_PADDING`].
    #[doc(alias = "KP_PADDING", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn padding(&self) -> u32 {
        PKCS5_PADDING
    }

    /// Sets the padding scheme (`CryptSetKeyParam(KP_PADDING)`).
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` for anything but [`PKCS5_PADDING`].
    #[doc(alias = "CryptSetKeyParam", alias = "KP_PADDING")]
    pub fn set_padding(&mut self, padding: u32) -> Result<()> {
        if padding == PKCS5_PADDING {
            Ok(())
        } else {
            Err(Error::BadData)
        }
    }

    /// The initialisation vector (`KP_IV`): block-length bytes, zero by default. A stream
    /// cipher (RC4) and an RSA key have none: empty, as `KP_IV` reads back on Windows for RC4.
    #[doc(alias = "KP_IV", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn iv(&self) -> Vec<u8> {
        self.iv.clone()
    }

    /// Sets the IV (`CryptSetKeyParam(KP_IV)`) and resets the chaining state to it.
    ///
    /// As on Windows, where `KP_IV` has no length and exactly one block is read from the
    /// buffer, `iv` may be longer than a block: its first block is used. On a key without an
    /// IV (RC4, or an RSA key) the call succeeds and changes nothing, so Microsoft's samples
    /// that set an 8-byte IV on an RC4 key run unchanged.
    ///
    /// **Windows compatibility:** for RSA keys this follows Wine's provider, which accepts
    /// `KP_IV` on any key; no Windows test records the answer.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let mut des = prov.gen_key(AlgId::DES, KeyFlags::empty())?;
    /// des.set_iv(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])?; // one DES block is read
    /// assert_eq!(des.iv(), [1, 2, 3, 4, 5, 6, 7, 8]);
    /// let mut rc4 = prov.gen_key(AlgId::RC4, KeyFlags::empty())?;
    /// rc4.set_iv(&[0; 8])?; // accepted and ignored
    /// assert!(rc4.iv().is_empty());
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` when `iv` is shorter than one block (nothing changes).
    #[doc(alias = "CryptSetKeyParam", alias = "KP_IV")]
    pub fn set_iv(&mut self, iv: &[u8]) -> Result<()> {
        if self.block_len == 0 {
            return Ok(());
        }
        let block = iv.get(..self.block_len).ok_or(Error::BadData)?;
        self.iv.copy_from_slice(block);
        self.reset()
    }

    /// The salt (`KP_SALT`): 11 zero bytes for a 40-bit RC2/RC4 key, empty for most keys.
    ///
    /// For an RSA key, where `CryptGetKeyParam(KP_SALT)` fails with `NTE_BAD_KEY` (see
    /// [`param`](Key::param)), this returns an empty salt.
    #[doc(alias = "KP_SALT", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn salt(&self) -> Vec<u8> {
        self.checked_salt().unwrap_or_default()
    }

    /// `CryptGetKeyParam(KP_SALT)`: the salt of a session key (empty for keys without salt,
    /// as Windows answers for AES), `NTE_BAD_KEY` for an RSA key.
    fn checked_salt(&self) -> Result<Vec<u8>> {
        if self.rsa.is_some() {
            return Err(Error::BadKey);
        }
        Ok(self.salt.to_vec())
    }

    /// Sets an RC2/RC4 key's 11-byte salt (`CryptSetKeyParam(KP_SALT)`) and re-keys the cipher.
    ///
    /// As on Windows, which reads exactly 11 bytes from the buffer, `salt` may be longer: its
    /// first 11 bytes are used.
    ///
    /// **Windows compatibility:** on the Enhanced and AES providers the call succeeds but the key
    /// is left without salt (`KP_SALT` then reads back empty), as Windows reports.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEY` for keys other than RC2 and RC4; `NTE_BAD_DATA` when `salt` is shorter
    /// than 11 bytes, or when key and salt together are longer than the cipher takes (128 bytes
    /// for RC2, 256 for RC4: only a key unwrapped from a `SIMPLEBLOB` gets that long). The key
    /// is then unchanged.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_SALT")]
    pub fn set_salt(&mut self, salt: &[u8]) -> Result<()> {
        self.check_salted()?;
        let salt = salt.get(..SALT_LEN).ok_or(Error::BadData)?;
        let enhanced = self.prov.ctx.csp.personality.is_enhanced();
        let salt = Zeroizing::new(if enhanced { Vec::new() } else { salt.to_vec() });
        self.rekey(salt, self.effective_bits)
    }

    /// Sets an RC2/RC4 key's salt to any length from 0 to 24 bytes
    /// (`CryptSetKeyParam(KP_SALT_EX)`) and re-keys the cipher.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEY` for keys other than RC2 and RC4; `NTE_BAD_DATA` for more than 24 bytes, or
    /// when key and salt together are longer than the cipher takes (as for
    /// [`set_salt`](Key::set_salt)). The key is then unchanged.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_SALT_EX")]
    pub fn set_salt_ex(&mut self, salt: &[u8]) -> Result<()> {
        self.check_salted()?;
        if salt.len() > MAX_SALT_EX {
            return Err(Error::BadData);
        }
        self.rekey(Zeroizing::new(salt.to_vec()), self.effective_bits)
    }

    /// The key length in bits (`KP_KEYLEN`), without salt. DES keys report their 64 stored bits
    /// and triple-DES keys 128 or 192.
    #[doc(alias = "KP_KEYLEN", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn key_bits(&self) -> u32 {
        if let Some(bits) = self.dl_bits() {
            return bits;
        }
        match &self.rsa {
            Some(rsa) => rsa.bits(),
            None => u32::try_from(self.key.len() * 8).unwrap_or(u32::MAX),
        }
    }

    /// RC2's effective key length in bits (`KP_EFFECTIVE_KEYLEN`), by default the key length
    /// (40 on the Base provider for keys longer than it allows); the key length for other
    /// algorithms.
    #[doc(alias = "KP_EFFECTIVE_KEYLEN", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn effective_key_bits(&self) -> u32 {
        if self.alg == AlgId::RC2 {
            self.effective_bits
        } else {
            self.key_bits()
        }
    }

    /// Sets RC2's effective key length (`CryptSetKeyParam(KP_EFFECTIVE_KEYLEN)`) and re-keys the
    /// cipher.
    ///
    /// **Windows compatibility:** the Base provider only allows 40 bits. Asking it for another
    /// length from 1 to 1024 fails with `NTE_BAD_DATA` *and* sets the effective length to 40,
    /// exactly as Windows does (the recorded ciphertexts after such a call are the 40-bit ones).
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_TYPE`: not an RC2 key;
    /// * `NTE_BAD_DATA`: 0 or more than 1024 bits (nothing changes), or on the Base provider
    ///   any value but 40 (the key is switched to 40 bits).
    #[doc(alias = "CryptSetKeyParam", alias = "KP_EFFECTIVE_KEYLEN")]
    pub fn set_effective_key_bits(&mut self, bits: u32) -> Result<()> {
        if self.alg != AlgId::RC2 {
            return Err(Error::BadType);
        }
        if bits == 0 || bits > super::cipher::RC2_MAX_EFFECTIVE_BITS {
            return Err(Error::BadData);
        }
        let base = self.prov.ctx.csp.personality == Personality::Base;
        let salt = self.salt.clone();
        self.rekey(salt, if base { 40 } else { bits })?;
        if base && bits != 40 {
            Err(Error::BadData)
        } else {
            Ok(())
        }
    }

    /// The algorithm (`KP_ALGID`).
    #[doc(alias = "KP_ALGID", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn alg_id(&self) -> AlgId {
        self.alg
    }

    /// The block length in bits (`KP_BLOCKLEN`): 64 for RC2 and DES, 128 for AES, 0 for RC4,
    /// the modulus length for RSA keys.
    #[doc(alias = "KP_BLOCKLEN", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn block_bits(&self) -> u32 {
        match &self.rsa {
            Some(rsa) => rsa.bits(),
            None => u32::try_from(self.block_len * 8).unwrap_or(0),
        }
    }

    /// The key's permissions (`KP_PERMISSIONS`): `0x3B`, plus `CRYPT_EXPORT` when exportable.
    #[doc(alias = "KP_PERMISSIONS", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn permissions(&self) -> KeyPermissions {
        self.permissions
    }

    /// Sets the permissions (`CryptSetKeyParam(KP_PERMISSIONS)`).
    ///
    /// Every bit may be set or cleared (undefined bits are kept as given), with one rule from
    /// Windows: `CRYPT_EXPORT` can neither be added to a key created without
    /// `CRYPT_EXPORTABLE` (`NTE_BAD_DATA`) nor taken from one created with it (the call
    /// succeeds, and the key stays exportable and keeps reporting it). Permissions other than
    /// `CRYPT_EXPORT` are recorded and reported, and nothing else in this crate consults them
    /// (no Windows test shows an operation refused for a cleared permission).
    ///
    /// For a container's key pair (from [`Provider::gen_key`](crate::Provider::gen_key),
    /// [`Provider::import_key`](crate::Provider::import_key) or
    /// [`Provider::user_key`](crate::Provider::user_key)) the new permissions are saved with
    /// the pair, at once and atomically, so a later `user_key`, in this context, another one or
    /// another process, reports them. A slot whose pair was replaced or deleted since this key
    /// was read is left alone (only this key changes). Session keys and imported public keys
    /// have no container slot: only the key changes.
    ///
    /// **Windows compatibility:** the `CRYPT_EXPORT` rules are Windows' (`test_rsa_encrypt`,
    /// `test_key_permissions`; some versions answer `NTE_BAD_FLAGS` instead of
    /// `NTE_BAD_DATA`). That the other bits are saved with the pair is this crate's choice: no
    /// Windows test records whether a change outlives the handle.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, KeyPermissions, KeySpec, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let mut pair = prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::EXPORTABLE.with_key_bits(512))?;
    /// let fewer = pair.permissions() - KeyPermissions::MAC - KeyPermissions::EXPORT;
    /// pair.set_permissions(fewer)?;
    /// // CRYPT_EXPORT stays; the change is saved with the pair.
    /// let again = prov.user_key(KeySpec::Exchange)?;
    /// assert_eq!(again.permissions(), fewer | KeyPermissions::EXPORT);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_DATA`: adding `CRYPT_EXPORT` to a key that was not created exportable
    ///   (nothing changes);
    /// * for a container's pair, the errors of saving it: `NTE_BAD_KEYSET` (the container was
    ///   deleted), `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL` (nothing changes).
    #[doc(alias = "CryptSetKeyParam", alias = "KP_PERMISSIONS")]
    pub fn set_permissions(&mut self, permissions: KeyPermissions) -> Result<()> {
        if permissions.contains(KeyPermissions::EXPORT) && !self.exportable {
            return Err(Error::BadData);
        }
        let mut permissions = permissions;
        if self.exportable {
            permissions |= KeyPermissions::EXPORT;
        }
        if let (Some(index), Some(rsa)) = (self.slot, self.rsa.as_deref()) {
            let modulus = rsa.parts(false).modulus;
            self.prov.ctx.set_pair_permissions(
                index,
                |slot| same_pair(&slot.blob, &modulus),
                permissions.bits(),
            )?;
        }
        if let (Some(index), Some(mine)) = (self.slot, self.dl_slot_blob()) {
            self.prov.ctx.set_pair_permissions(
                index,
                |slot| super::dl::same_dl_pair(&slot.blob, &mine),
                permissions.bits(),
            )?;
        }
        self.permissions = permissions;
        Ok(())
    }

    /// Exports the key as a key BLOB (`CryptExportKey`), returned in memory that is wiped on
    /// drop.
    ///
    /// * `PLAINTEXTKEYBLOB`: a session key's bytes (without salt); `wrap_key` must be `None`.
    /// * `SIMPLEBLOB`: a session key wrapped with `wrap_key`, an RSA exchange public key
    ///   (PKCS#1 v1.5, or OAEP with `flags` = `CRYPT_OAEP`), for
    ///   [`Provider::import_key`](crate::Provider::import_key) on the side that holds the pair. The salt is not carried.
    /// * `PUBLICKEYBLOB`: an RSA key's public half ("RSA1"), byte-identical to Windows'.
    /// * `PRIVATEKEYBLOB`: an RSA key pair ("RSA2"); a pair imported from a blob exports the
    ///   same bytes back. With a session key as `wrap_key`, everything after the 8-byte
    ///   BLOBHEADER is encrypted with it, as one final `CryptEncrypt` would (in its mode, from
    ///   its IV, with PKCS#5 padding for a block cipher, so the blob grows to the next block),
    ///   and [`Provider::import_key`](crate::Provider::import_key) with the same key (in the
    ///   same state) takes it back. The encryption runs on a copy: `wrap_key` keeps its state.
    ///
    /// Session keys and private key pairs export only when made with `CRYPT_EXPORTABLE`. The
    /// SChannel master and MAC keys export as session keys do, in both secret blobs; a master
    /// key exports its master secret once a master hash has made it, its pre-master secret
    /// before.
    ///
    /// **Windows compatibility:** Microsoft documents the wrapped `PRIVATEKEYBLOB`: "encrypted
    /// if the hExpKey parameter contains a valid handle to a session key. Everything but the
    /// BLOBHEADER portion of the blob is encrypted"; no Windows test records the bytes, and
    /// the padding is inferred from that being a `CryptEncrypt` with `Final`. An RSA key as the
    /// wrapping key of a private blob is `NTE_BAD_KEY` here (not recorded on Windows). Windows
    /// resets the wrapping key after the final encryption; this crate leaves it untouched,
    /// which differs only when it was in the middle of a non-final encryption.
    ///
    /// ```
    /// use cryptoapi::{AlgId, BlobType, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    /// let pair = prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::EXPORTABLE.with_key_bits(512))?;
    /// let session = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
    /// let wrapped = pair.export(Some(&session), BlobType::PrivateKeyBlob, 0)?;
    /// assert_eq!(wrapped.len(), 8 + 304); // the 300 bytes after the header, padded
    ///
    /// let other = Provider::verify_context(ProviderType::RSA_AES)?;
    /// let again = other.import_key(&wrapped, Some(&session), KeyFlags::EXPORTABLE)?;
    /// assert_eq!(
    ///     again.export(None, BlobType::PublicKeyBlob, 0)?,
    ///     pair.export(None, BlobType::PublicKeyBlob, 0)?
    /// );
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// ```
    /// use cryptoapi::{AlgId, BlobType, KeyFlags, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let key = prov.gen_key(AlgId::TRIPLE_DES, KeyFlags::EXPORTABLE)?;
    /// let blob = key.export(None, BlobType::PlaintextKeyBlob, 0)?;
    /// assert_eq!(blob.len(), 8 + 4 + 24);
    /// let again = prov.import_key(&blob, None, KeyFlags::EXPORTABLE)?;
    /// assert_eq!(again.key_bits(), 192);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_KEY_STATE`: the key (or pair) is not exportable, or a public key has no
    ///   private half to export;
    /// * `NTE_BAD_TYPE`: a blob type this crate does not write (`OPAQUEKEYBLOB`, ...);
    /// * `NTE_BAD_KEY`: a blob type that does not fit the key (an RSA blob of a session key, a
    ///   `SIMPLEBLOB` of an RSA key), a `wrap_key` where none is taken, an RSA `wrap_key` for
    ///   a `PRIVATEKEYBLOB`, or a session `wrap_key` that cannot encrypt (one imported for HMAC
    ///   only, or an RC2 key longer than the provider allows);
    /// * `NTE_BAD_PUBLIC_KEY`: a `SIMPLEBLOB` without an RSA `wrap_key`;
    /// * `NTE_BAD_FLAGS`: flags other than 0 (and `CRYPT_OAEP` for `SIMPLEBLOB`);
    /// * `NTE_BAD_LEN`: the session key does not fit the wrapping key's padding;
    /// * `NTE_BAD_ALGID`: a `PRIVATEKEYBLOB` wrapped with a key in OFB or CTS mode, which
    ///   Microsoft's providers do not implement.
    #[doc(alias = "CryptExportKey")]
    pub fn export(
        &self,
        wrap_key: Option<&Key<'_>>,
        blob_type: BlobType,
        flags: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if self.is_dl() {
            return self.export_dl(wrap_key, blob_type, flags);
        }
        if blob_type != BlobType::PlaintextKeyBlob {
            return self.export_rsa_or_wrapped(wrap_key, blob_type, flags);
        }
        if self.rsa.is_some() {
            return Err(Error::BadKey);
        }
        if wrap_key.is_some() {
            return Err(Error::BadKey);
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        if !self.exportable {
            return Err(Error::BadKeyState);
        }
        Ok(plaintext_blob(self.alg, self.key_bytes()))
    }

    /// `CryptGetKeyParam` by raw parameter id, in Windows' encoding: a DWORD parameter as 4
    /// little-endian bytes, `KP_IV` and `KP_SALT` as their bytes. The same values the typed
    /// getters return:
    ///
    /// | id | value |
    /// |---|---|
    /// | [`KP_IV`] | [`iv`](Key::iv) (empty for RC4 and RSA keys) |
    /// | [`KP_SALT`] | [`salt`](Key::salt); `NTE_BAD_KEY` for an RSA key, as on Windows |
    /// | [`KP_PADDING`] | [`padding`](Key::padding) (`PKCS5_PADDING`) |
    /// | [`KP_MODE`] | [`mode`](Key::mode) (0 for RC4 and RSA keys) |
    /// | [`KP_MODE_BITS`] | [`mode_bits`](Key::mode_bits) (8) |
    /// | [`KP_PERMISSIONS`] | [`permissions`](Key::permissions) |
    /// | [`KP_ALGID`] | [`alg_id`](Key::alg_id) |
    /// | [`KP_BLOCKLEN`] | [`block_bits`](Key::block_bits) (the modulus bits for RSA keys) |
    /// | [`KP_KEYLEN`] | [`key_bits`](Key::key_bits) (the modulus bits for RSA keys) |
    /// | [`KP_EFFECTIVE_KEYLEN`] | [`effective_key_bits`](Key::effective_key_bits) |
    ///
    /// Every other id (`KP_SALT_EX` and the SChannel ids `KP_SCHANNEL_ALG`, `KP_CLIENT_RANDOM`
    /// and `KP_SERVER_RANDOM`, which can only be set, the DSS, Diffie-Hellman and smart-card
    /// ids) is answered `NTE_BAD_TYPE`, as Microsoft's RSA providers answer it.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType, KP_BLOCKLEN, KP_IV};
    /// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    /// let key = prov.gen_key(AlgId::AES_128, KeyFlags::empty())?;
    /// assert_eq!(key.param(KP_BLOCKLEN, 0)?, 128u32.to_le_bytes());
    /// assert_eq!(key.param(KP_IV, 0)?, [0; 16]);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: `flags` is not 0;
    /// * `NTE_BAD_KEY`: `KP_SALT` of an RSA key;
    /// * `NTE_BAD_TYPE`: an id this provider does not answer.
    #[doc(alias = "CryptGetKeyParam")]
    pub fn param(&self, id: u32, flags: u32) -> Result<Vec<u8>> {
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        if let Some(value) = self.dl_param(id) {
            return value;
        }
        Ok(match id {
            KP_IV => self.iv(),
            KP_SALT => self.checked_salt()?,
            KP_PADDING => dword(self.padding()),
            KP_MODE => dword(self.mode().raw()),
            KP_MODE_BITS => dword(self.mode_bits()),
            KP_PERMISSIONS => dword(self.permissions().bits()),
            KP_ALGID => dword(self.alg_id().raw()),
            KP_BLOCKLEN => dword(self.block_bits()),
            KP_KEYLEN => dword(self.key_bits()),
            KP_EFFECTIVE_KEYLEN => dword(self.effective_key_bits()),
            _ => return Err(Error::BadType),
        })
    }

    /// `CryptSetKeyParam` by raw parameter id: `data` is what `pbData` points to, in Windows'
    /// encoding, and each id goes to its typed setter, whose rules apply:
    ///
    /// | id | data | as |
    /// |---|---|---|
    /// | [`KP_IV`] | at least one block; the first is used | [`set_iv`](Key::set_iv) |
    /// | [`KP_SALT`] | at least 11 bytes; the first 11 are used | [`set_salt`](Key::set_salt) |
    /// | [`KP_SALT_EX`] | the `CRYPT_INTEGER_BLOB`'s contents, 0 to 24 bytes | [`set_salt_ex`](Key::set_salt_ex) |
    /// | [`KP_PADDING`] | DWORD | [`set_padding`](Key::set_padding) |
    /// | [`KP_MODE`] | DWORD, a `CRYPT_MODE_*` value | [`set_mode`](Key::set_mode) |
    /// | [`KP_MODE_BITS`] | DWORD, accepted and ignored (CFB is always 8-bit) | |
    /// | [`KP_PERMISSIONS`] | DWORD | [`set_permissions`](Key::set_permissions) |
    /// | [`KP_EFFECTIVE_KEYLEN`] | DWORD | [`set_effective_key_bits`](Key::set_effective_key_bits) |
    /// | [`KP_SCHANNEL_ALG`] | `SCHANNEL_ALG`, 20 bytes ([`SchannelAlg::to_bytes`]) | [`set_schannel_alg`](Key::set_schannel_alg) |
    /// | [`KP_CLIENT_RANDOM`], [`KP_SERVER_RANDOM`] | the `CRYPT_DATA_BLOB`'s contents | [`set_client_random`](Key::set_client_random), [`set_server_random`](Key::set_server_random) |
    ///
    /// A DWORD is read from the first 4 bytes of `data`, little-endian. Read-only ids
    /// (`KP_ALGID`, `KP_BLOCKLEN`, `KP_KEYLEN`) and every other id are answered `NTE_BAD_TYPE`.
    ///
    /// **Windows compatibility:** an empty `data` stands for a null `pbData`, which advapi32
    /// refuses with `ERROR_INVALID_PARAMETER` before the provider sees the call; only the ids
    /// whose data is a blob's contents (`KP_SALT_EX`, `KP_CLIENT_RANDOM`, `KP_SERVER_RANDOM`)
    /// take an empty `data` (an empty salt or random).
    /// So `set_param(KP_IV, &[], 0)` fails even on an RC4 key, where `set_iv(&[])` succeeds.
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: `data` is empty (checked first, as advapi32 does);
    /// * `NTE_BAD_FLAGS`: `flags` is not 0;
    /// * `NTE_BAD_TYPE`: an id this provider does not set;
    /// * `NTE_BAD_DATA`: a DWORD parameter shorter than 4 bytes, a `KP_MODE` value that is
    ///   no `CRYPT_MODE_*`, or a `KP_SCHANNEL_ALG` shorter than 20 bytes;
    /// * the errors of the typed setter: those of [`set_iv`](Key::set_iv), of
    ///   [`set_salt`](Key::set_salt), of [`set_salt_ex`](Key::set_salt_ex), of
    ///   [`set_padding`](Key::set_padding), of [`set_mode`](Key::set_mode), of
    ///   [`set_permissions`](Key::set_permissions), of
    ///   [`set_effective_key_bits`](Key::set_effective_key_bits), of
    ///   [`set_schannel_alg`](Key::set_schannel_alg), of
    ///   [`set_client_random`](Key::set_client_random) and of
    ///   [`set_server_random`](Key::set_server_random).
    #[doc(alias = "CryptSetKeyParam")]
    pub fn set_param(&mut self, id: u32, data: &[u8], flags: u32) -> Result<()> {
        let blob = matches!(
            id,
            KP_SALT_EX | KP_CLIENT_RANDOM | KP_SERVER_RANDOM | super::KP_X
        );
        if data.is_empty() && !blob {
            return Err(Error::InvalidParameter);
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        if let Some(done) = self.set_dl_param(id, data) {
            return done;
        }
        match id {
            KP_IV => self.set_iv(data),
            KP_SALT => self.set_salt(data),
            KP_SALT_EX => self.set_salt_ex(data),
            KP_PADDING => self.set_padding(read_dword(data)?),
            KP_MODE => {
                let mode = CipherMode::from_raw(read_dword(data)?).ok_or(Error::BadData)?;
                self.set_mode(mode)
            }
            KP_MODE_BITS => read_dword(data).map(drop),
            KP_PERMISSIONS => {
                self.set_permissions(KeyPermissions::from_bits_retain(read_dword(data)?))
            }
            KP_EFFECTIVE_KEYLEN => self.set_effective_key_bits(read_dword(data)?),
            KP_SCHANNEL_ALG => self.set_schannel_alg(&SchannelAlg::from_bytes(data)?),
            KP_CLIENT_RANDOM => self.set_client_random(data),
            KP_SERVER_RANDOM => self.set_server_random(data),
            _ => Err(Error::BadType),
        }
    }

    fn check_salted(&self) -> Result<()> {
        if matches!(self.alg, AlgId::RC2 | AlgId::RC4) {
            Ok(())
        } else {
            Err(Error::BadKey)
        }
    }
}
