//! `CryptGetKeyParam` / `CryptSetKeyParam`, and `CryptExportKey` for session keys.

use zeroize::Zeroizing;

use super::{CipherMode, Key, KeyPermissions, MAX_SALT_EX, SALT_LEN};
use crate::alg::{AlgId, Personality};
use crate::blob::{BlobType, plaintext_blob};
use crate::error::{Error, Result};

/// `PKCS5_PADDING`: the only padding Microsoft's providers implement (`KP_PADDING`).
pub const PKCS5_PADDING: u32 = 1;

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
        if mode == CipherMode::Stream && self.block_len != 0 {
            return Err(Error::BadData);
        }
        self.mode = mode;
        Ok(())
    }

    /// The feedback width of CFB mode in bits (`KP_MODE_BITS`): always 8.
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

    /// The initialisation vector (`KP_IV`): block-length bytes, zero by default; empty for RC4.
    #[doc(alias = "KP_IV", alias = "CryptGetKeyParam")]
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
        if iv.len() != self.block_len {
            return Err(Error::BadData);
        }
        self.iv.copy_from_slice(iv);
        self.reset()
    }

    /// The salt (`KP_SALT`): 11 zero bytes for a 40-bit RC2/RC4 key, empty for most keys.
    #[doc(alias = "KP_SALT", alias = "CryptGetKeyParam")]
    #[must_use]
    pub fn salt(&self) -> Vec<u8> {
        self.salt.to_vec()
    }

    /// Sets an RC2/RC4 key's 11-byte salt (`CryptSetKeyParam(KP_SALT)`) and re-keys the cipher.
    ///
    /// **Windows compatibility:** on the Enhanced and AES providers the call succeeds but the key
    /// is left without salt (`KP_SALT` then reads back empty), as Windows reports.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEY` for keys other than RC2 and RC4; `NTE_BAD_DATA` when `salt` is not 11 bytes,
    /// or when key and salt together are longer than the cipher takes (128 bytes for RC2, 256 for
    /// RC4: only a key unwrapped from a `SIMPLEBLOB` gets that long). The key is then unchanged.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_SALT")]
    pub fn set_salt(&mut self, salt: &[u8]) -> Result<()> {
        self.check_salted()?;
        if salt.len() != SALT_LEN {
            return Err(Error::BadData);
        }
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
    /// **Windows compatibility:** clearing `CRYPT_EXPORT` on an exportable key succeeds but
    /// changes nothing (the key stays exportable and keeps reporting it), as on Windows.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_DATA` when adding `CRYPT_EXPORT` to a key that was not created exportable.
    #[doc(alias = "CryptSetKeyParam", alias = "KP_PERMISSIONS")]
    pub fn set_permissions(&mut self, permissions: KeyPermissions) -> Result<()> {
        if permissions.contains(KeyPermissions::EXPORT) && !self.exportable {
            return Err(Error::BadData);
        }
        self.permissions = permissions;
        if self.exportable {
            self.permissions |= KeyPermissions::EXPORT;
        }
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
    ///   same bytes back.
    ///
    /// Session keys and private key pairs export only when made with `CRYPT_EXPORTABLE`.
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
    ///   `SIMPLEBLOB` of an RSA key), or a `wrap_key` where none is taken;
    /// * `NTE_BAD_PUBLIC_KEY`: a `SIMPLEBLOB` without an RSA `wrap_key`;
    /// * `NTE_BAD_FLAGS`: flags other than 0 (and `CRYPT_OAEP` for `SIMPLEBLOB`);
    /// * `NTE_BAD_LEN`: the session key does not fit the wrapping key's padding.
    #[doc(alias = "CryptExportKey")]
    pub fn export(
        &self,
        wrap_key: Option<&Key<'_>>,
        blob_type: BlobType,
        flags: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
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
        Ok(plaintext_blob(self.alg, &self.key))
    }

    fn check_salted(&self) -> Result<()> {
        if matches!(self.alg, AlgId::RC2 | AlgId::RC4) {
            Ok(())
        } else {
            Err(Error::BadKey)
        }
    }
}
