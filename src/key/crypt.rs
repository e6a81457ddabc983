//! `CryptEncrypt` and `CryptDecrypt`: session keys, and RSA exchange keys.

use zeroize::Zeroize;

use super::{CipherMode, Key};
use crate::alg::AlgId;
use crate::error::{Error, Result};
use crate::hash::Hash;

/// `CRYPT_OAEP`: OAEP padding, for RSA keys only.
pub const CRYPT_OAEP: u32 = 0x40;

impl Key<'_> {
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
    /// * `NTE_BAD_ALGID`: the mode is OFB or CTS, which Microsoft's providers do not implement;
    /// * `NTE_BAD_KEY`: a key no cipher takes (imported for HMAC only, an SChannel master or
    ///   MAC key), or an RSA signature key;
    /// * `NTE_BAD_LEN`: for an RSA exchange key, more data than the padding leaves room for
    ///   (modulus length − 11).
    #[doc(alias = "CryptEncrypt")]
    pub fn encrypt(&mut self, data: &mut Vec<u8>, final_block: bool) -> Result<()> {
        self.encrypt_with(None, final_block, 0, data)
    }

    /// `CryptEncrypt` in full: `hash`, when given, receives the plaintext (as `hHash` does), and
    /// `flags` takes the raw `dwFlags`.
    ///
    /// **RSA exchange keys** encrypt one block: `data` becomes the modulus-length ciphertext,
    /// little-endian as on Windows, with PKCS#1 v1.5 padding, or OAEP (SHA-1) with
    /// [`CRYPT_OAEP`].
    ///
    /// # Errors
    ///
    /// As [`encrypt`](Key::encrypt), plus `NTE_BAD_FLAGS` for flags other than 0 (and
    /// `CRYPT_OAEP` for RSA keys) and the errors of [`Hash::hash_data`] (checked before anything
    /// is encrypted). For RSA keys: `NTE_BAD_KEY` for a signature key, `NTE_BAD_LEN` for more
    /// data than the padding leaves room for (modulus length − 11, or − 42 with OAEP).
    #[doc(alias = "CryptEncrypt")]
    pub fn encrypt_with(
        &mut self,
        hash: Option<&mut Hash<'_>>,
        final_block: bool,
        flags: u32,
        data: &mut Vec<u8>,
    ) -> Result<()> {
        if let Some(rsa) = self.rsa.as_deref() {
            let oaep = self.check_rsa_crypt(flags)?;
            if let Some(hash) = &hash {
                hash.check_accepts_data()?;
            }
            let ciphertext = rsa.encrypt(data, oaep)?;
            if let Some(hash) = hash {
                hash.hash_data(data)?;
            }
            // The plaintext's buffer is freed here: wipe it first.
            data.zeroize();
            *data = ciphertext;
            return Ok(());
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        let len = data.len();
        self.check_encrypt(len, final_block)?;
        if let Some(hash) = hash {
            hash.hash_data(data)?;
        }
        let out_len = self.encrypted_len(len, final_block);
        if out_len > data.capacity() {
            // Grow by hand: a reallocation would free the plaintext's old block unwiped.
            let mut grown = Vec::with_capacity(out_len);
            grown.extend_from_slice(data);
            data.zeroize();
            *data = grown;
        }
        data.resize(out_len, 0);
        self.encrypt_checked(data, len, final_block)
    }

    /// Encrypts the first `data_len` bytes of `buf` in place, without allocating: the form of
    /// `CryptEncrypt` with a caller's buffer of `dwBufLen` bytes. Returns the ciphertext length.
    ///
    /// # Errors
    ///
    /// As [`encrypt`](Key::encrypt), plus `ERROR_MORE_DATA` when `buf` cannot hold the padded
    /// output ([`encrypted_len`](Key::encrypted_len) gives the size needed; nothing is changed)
    /// and `ERROR_INVALID_PARAMETER` when `data_len` exceeds `buf.len()`.
    #[doc(alias = "CryptEncrypt")]
    pub fn encrypt_in_place(
        &mut self,
        buf: &mut [u8],
        data_len: usize,
        final_block: bool,
    ) -> Result<usize> {
        if data_len > buf.len() {
            return Err(Error::InvalidParameter);
        }
        self.check_encrypt(data_len, final_block)?;
        let out_len = self.encrypted_len(data_len, final_block);
        let out = buf.get_mut(..out_len).ok_or(Error::MoreData)?;
        self.encrypt_checked(out, data_len, final_block)?;
        Ok(out_len)
    }

    /// The output length of [`encrypt`](Key::encrypt) for `len` input bytes: the size query of
    /// `CryptEncrypt` with a null buffer.
    #[must_use]
    pub fn encrypted_len(&self, len: usize, final_block: bool) -> usize {
        if let Some(rsa) = &self.rsa {
            return rsa.len();
        }
        let bs = self.block_len;
        if bs == 0 || !final_block {
            len
        } else {
            len + (bs - len % bs)
        }
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
    ///   block size. As on Windows the key's state is reset (on a final call); unlike Windows,
    ///   `data` is left exactly as it was (the padding is checked before anything is
    ///   decrypted). It says nothing else about the failure, on purpose;
    /// * `NTE_BAD_LEN`: a final block-cipher call with no data;
    /// * `NTE_BAD_ALGID`: the mode is OFB or CTS;
    /// * `NTE_BAD_KEY`: a key no cipher takes (imported for HMAC only, an SChannel master or
    ///   MAC key), or an RSA signature key;
    /// * `NTE_NO_KEY`: an RSA public key, which has no private half to decrypt with.
    ///
    /// For an RSA exchange key pair, `NTE_BAD_DATA` also means a ciphertext that is not
    /// modulus-length, or (with [`Pkcs1Rejection::Explicit`](crate::Pkcs1Rejection::Explicit))
    /// bad padding.
    #[doc(alias = "CryptDecrypt")]
    pub fn decrypt(&mut self, data: &mut Vec<u8>, final_block: bool) -> Result<()> {
        self.decrypt_with(None, final_block, 0, data)
    }

    /// `CryptDecrypt` in full: `hash`, when given, receives the plaintext after decryption, and
    /// `flags` takes the raw `dwFlags`.
    ///
    /// **RSA exchange key pairs** decrypt one modulus-length, little-endian ciphertext, PKCS#1
    /// v1.5 or OAEP (SHA-1) with [`CRYPT_OAEP`]. Bad PKCS#1 v1.5 padding is answered as
    /// [`pkcs1_rejection`](Key::pkcs1_rejection) says: by default with a pseudo-random
    /// plaintext and no error, so that no padding oracle exists.
    ///
    /// # Errors
    ///
    /// As [`decrypt`](Key::decrypt), plus `NTE_BAD_FLAGS` for flags other than 0 (and
    /// `CRYPT_OAEP` for RSA keys) and the errors of [`Hash::hash_data`] (a finished hash is
    /// refused before anything is decrypted). For RSA keys: `NTE_BAD_KEY` for a signature key,
    /// `NTE_NO_KEY` for a public key, `NTE_BAD_DATA` for a ciphertext that is not
    /// modulus-length or (OAEP, or explicit rejection) does not decrypt.
    #[doc(alias = "CryptDecrypt")]
    pub fn decrypt_with(
        &mut self,
        hash: Option<&mut Hash<'_>>,
        final_block: bool,
        flags: u32,
        data: &mut Vec<u8>,
    ) -> Result<()> {
        if let Some(rsa) = self.rsa.as_deref() {
            let oaep = self.check_rsa_crypt(flags)?;
            if let Some(hash) = &hash {
                hash.check_accepts_data()?;
            }
            let plaintext = rsa.decrypt(data, oaep, self.rejection)?;
            if let Some(hash) = hash {
                hash.hash_data(&plaintext)?;
            }
            data.clear();
            data.extend_from_slice(&plaintext);
            return Ok(());
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        if let Some(hash) = &hash {
            hash.check_accepts_data()?;
        }
        let len = self.decrypt_in_place(data, final_block)?;
        data.truncate(len);
        if let Some(hash) = hash {
            hash.hash_data(data)?;
        }
        Ok(())
    }

    /// Decrypts `buf` in place without allocating; returns the plaintext length (shorter than
    /// `buf` after a final call strips the padding).
    ///
    /// # Errors
    ///
    /// As [`decrypt`](Key::decrypt).
    #[doc(alias = "CryptDecrypt")]
    pub fn decrypt_in_place(&mut self, buf: &mut [u8], final_block: bool) -> Result<usize> {
        if let Some(rsa) = self.rsa.as_deref() {
            self.check_rsa_crypt(0)?;
            let plaintext = rsa.decrypt(buf, false, self.rejection)?;
            buf[..plaintext.len()].copy_from_slice(&plaintext);
            return Ok(plaintext.len());
        }
        let bs = self.block_len;
        let mode = self.mode;
        self.check_mode()?;
        let engine = self.engine.as_mut().ok_or(Error::BadKey)?;
        if bs == 0 {
            engine.decrypt(mode, buf)?;
            if final_block {
                self.reset()?;
            }
            return Ok(buf.len());
        }
        if final_block && buf.is_empty() {
            return Err(Error::BadLen);
        }
        if !buf.len().is_multiple_of(bs) {
            if final_block {
                self.reset()?;
            }
            return Err(Error::BadData);
        }
        if !final_block {
            engine.decrypt(mode, buf)?;
            return Ok(buf.len());
        }
        let last = engine.peek_last_block(mode, buf)?;
        let pad = usize::from(last[bs - 1]);
        let padding_ok =
            (1..=bs).contains(&pad) && last[bs - pad..].iter().all(|&b| usize::from(b) == pad);
        if !padding_ok {
            self.reset()?;
            return Err(Error::BadData);
        }
        engine.decrypt(mode, buf)?;
        self.reset()?;
        Ok(buf.len() - pad)
    }

    /// RSA encryption needs an exchange key and takes `CRYPT_OAEP` or nothing; returns whether
    /// OAEP was asked for.
    fn check_rsa_crypt(&self, flags: u32) -> Result<bool> {
        if self.alg != AlgId::RSA_KEYX {
            return Err(Error::BadKey);
        }
        match flags {
            0 => Ok(false),
            CRYPT_OAEP => Ok(true),
            _ => Err(Error::BadFlags),
        }
    }

    /// The checks an encryption makes before it changes anything.
    fn check_encrypt(&self, len: usize, final_block: bool) -> Result<()> {
        self.check_mode()?;
        if self.engine.is_none() || !self.can_encrypt {
            return Err(Error::BadKey);
        }
        if self.block_len != 0 && !final_block && !len.is_multiple_of(self.block_len) {
            return Err(Error::BadData);
        }
        Ok(())
    }

    /// Pads (on a final call) and encrypts `buf`, whose first `len` bytes are the plaintext and
    /// whose length is already the output length.
    fn encrypt_checked(&mut self, buf: &mut [u8], len: usize, final_block: bool) -> Result<()> {
        let pad = buf.len() - len;
        buf[len..].fill(pad as u8);
        let mode = self.mode;
        self.engine
            .as_mut()
            .ok_or(Error::BadKey)?
            .encrypt(mode, buf)?;
        if final_block {
            self.reset()?;
        }
        Ok(())
    }

    fn check_mode(&self) -> Result<()> {
        match (self.block_len, self.mode) {
            (0, _) | (_, CipherMode::Cbc | CipherMode::Ecb | CipherMode::Cfb) => Ok(()),
            _ => Err(Error::BadAlgId),
        }
    }
}
