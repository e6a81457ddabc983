//! `CryptSignHash` and `CryptVerifySignature`: PKCS#1 v1.5 signatures over a hash value,
//! little-endian as Windows writes them.

use zeroize::Zeroizing;

use super::Hash;
use crate::error::{Error, Result};
use crate::key::{Key, KeySpec};
use std::sync::Arc;

use crate::rsa::{RsaKey, digest_info_prefix};

/// `CRYPT_NOHASHOID`: sign (or verify) the bare hash, without the DigestInfo prefix.
pub const CRYPT_NOHASHOID: u32 = 0x1;

impl Hash<'_> {
    /// Signs the hash value with the container's key pair for `spec` (`CryptSignHash`).
    ///
    /// The signature is PKCS#1 v1.5 over the DigestInfo of the hash (or the bare hash with
    /// [`CRYPT_NOHASHOID`], and always for `CALG_SSL3_SHAMD5`), as a little-endian number of
    /// the modulus length, exactly as Windows writes it. Reading the value finishes the hash.
    /// Either key pair can sign.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, KeySpec, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let pair = prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(512))?;
    /// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    /// hash.hash_data(b"Wine rocks!")?;
    /// let signature = hash.sign(KeySpec::Signature, 0)?;
    /// assert_eq!(signature.len(), 64);
    ///
    /// let mut check = prov.create_hash(AlgId::SHA1, None)?;
    /// check.hash_data(b"Wine rocks!")?;
    /// check.verify_signature(&signature, &pair, 0)?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: flags other than 0 and `CRYPT_NOHASHOID`;
    /// * `NTE_BAD_ALGID`: a hash that cannot be signed (`CALG_MAC`, `CALG_HMAC`);
    /// * `NTE_NO_KEY`: the container has no pair for `spec`;
    /// * `NTE_BAD_LEN`: the pair's modulus is too short for the padded DigestInfo (SHA-512 with
    ///   a 384-bit pair, say), as Windows reports it;
    /// * the errors of [`Provider::user_key`](crate::Provider::user_key) and of
    ///   [`value`](Hash::value).
    #[doc(
        alias = "CryptSignHash",
        alias = "CryptSignHashW",
        alias = "CryptSignHashA"
    )]
    pub fn sign(&mut self, spec: KeySpec, flags: u32) -> Result<Vec<u8>> {
        if flags & !CRYPT_NOHASHOID != 0 {
            return Err(Error::BadFlags);
        }
        let (prefix, rsa) = self.signing_key(spec)?;
        let value = Zeroizing::new(self.value()?);
        rsa.sign(
            if flags & CRYPT_NOHASHOID != 0 {
                &[]
            } else {
                prefix
            },
            &value,
        )
    }

    /// The length in bytes of the signature [`sign`](Hash::sign) would make with the
    /// container's pair for `spec`: its modulus length. The size query of `CryptSignHash`
    /// (`pbSignature = NULL`); the hash is not finished.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, KeySpec, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))?;
    /// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    /// assert_eq!(hash.signature_len(KeySpec::Signature)?, 64);
    /// hash.hash_data(b"still hashing")?;
    /// assert_eq!(hash.sign(KeySpec::Signature, 0)?.len(), 64);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: a hash that cannot be signed (`CALG_MAC`, `CALG_HMAC`);
    /// * `NTE_NO_KEY`: the container has no pair for `spec`;
    /// * the errors of [`Provider::user_key`](crate::Provider::user_key).
    #[doc(
        alias = "CryptSignHash",
        alias = "CryptSignHashW",
        alias = "CryptSignHashA"
    )]
    pub fn signature_len(&self, spec: KeySpec) -> Result<usize> {
        let (_, rsa) = self.signing_key(spec)?;
        Ok(rsa.len())
    }

    /// Checks a signature of the hash value against `public_key` (`CryptVerifySignature`).
    ///
    /// `signature` is little-endian, as [`sign`](Hash::sign) and Windows write it. With flags
    /// 0 both forms are accepted, with and without the DigestInfo prefix, as Windows does;
    /// with [`CRYPT_NOHASHOID`] only the bare form. The comparison runs in constant time.
    /// Reading the value finishes the hash.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_SIGNATURE`: the signature does not verify, or is not exactly as long as the
    ///   modulus. It says nothing more, on purpose;
    /// * `NTE_BAD_FLAGS`: flags other than 0 and `CRYPT_NOHASHOID`;
    /// * `NTE_BAD_KEY`: `public_key` is not an RSA key;
    /// * `NTE_BAD_ALGID`: a hash that cannot be signed (`CALG_MAC`, `CALG_HMAC`);
    /// * the errors of [`value`](Hash::value).
    #[doc(
        alias = "CryptVerifySignature",
        alias = "CryptVerifySignatureW",
        alias = "CryptVerifySignatureA"
    )]
    pub fn verify_signature(
        &mut self,
        signature: &[u8],
        public_key: &Key<'_>,
        flags: u32,
    ) -> Result<()> {
        if flags & !CRYPT_NOHASHOID != 0 {
            return Err(Error::BadFlags);
        }
        let rsa = public_key.rsa().ok_or(Error::BadKey)?;
        if signature.len() != rsa.len() {
            return Err(Error::BadSignature);
        }
        let prefix = digest_info_prefix(self.alg).ok_or(Error::BadAlgId)?;
        let value = Zeroizing::new(self.value()?);
        let valid = if flags & CRYPT_NOHASHOID != 0 {
            rsa.verify(&[], &value, signature)
        } else {
            rsa.verify(prefix, &value, signature)
                || (!prefix.is_empty() && rsa.verify(&[], &value, signature))
        };
        if valid {
            Ok(())
        } else {
            Err(Error::BadSignature)
        }
    }
}

impl<'p> Hash<'p> {
    /// What signing with `spec` checks before it reads the value: a hash with a DigestInfo
    /// (`NTE_BAD_ALGID`), and the container's pair for `spec`.
    fn signing_key(&self, spec: KeySpec) -> Result<(&'static [u8], Arc<RsaKey>)> {
        let prefix = digest_info_prefix(self.alg).ok_or(Error::BadAlgId)?;
        let rsa = self.prov.user_key(spec)?.shared_rsa().ok_or(Error::NoKey)?;
        Ok((prefix, rsa))
    }
}
