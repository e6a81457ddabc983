//! `CryptSignHash` and `CryptVerifySignature`: PKCS#1 v1.5 (and ANSI X9.31) signatures over
//! a hash value, little-endian as Windows writes them, with the optional description string.

use zeroize::Zeroizing;

use super::Hash;
use crate::error::{Error, Result};
use crate::key::{Key, KeySpec};
use std::sync::Arc;

use crate::dss;
use crate::rsa::{RsaKey, digest_info_prefix, x931_hash_id};

/// `CRYPT_NOHASHOID`: sign (or verify) the bare hash, without the DigestInfo prefix.
pub const CRYPT_NOHASHOID: u32 = 0x1;

/// `CRYPT_X931_FORMAT`: sign (or verify) with the ANSI X9.31 signature format instead of
/// PKCS#1 v1.5, for [`Hash::sign`] and [`Hash::verify_signature`].
///
/// The representative is `6B BB .. BB BA ‖ hash ‖ id ‖ CC` (`6A ‖ hash ‖ id ‖ CC` when one
/// byte is left for the header), where `id` is X9.31's hash identifier: `33` for SHA-1, `34`
/// SHA-256, `36` SHA-384, `35` SHA-512; the signature is the smaller of `IR^d mod n` and
/// `n − IR^d mod n`, little-endian. X9.31 names no identifier for MD2, MD4, MD5 and
/// `CALG_SSL3_SHAMD5`: they are `NTE_BAD_ALGID`. With this flag `CRYPT_NOHASHOID` changes
/// nothing (X9.31 has no DigestInfo).
///
/// **Windows compatibility:** not recorded on Windows. Microsoft documents the flag for
/// `CryptSignHash` ("the RSA signature padding method specified in the ANSI X9.31 standard")
/// and `CryptVerifySignature` ("X.931 support for the FIPS 186-2-compliant version of RSA
/// (rDSA)"), and Wine's provider implements it; but the Windows SDK's `wincrypt.h` marks it
/// `// Not supported`, so Microsoft's own providers may well answer it `NTE_BAD_FLAGS`. Code
/// that must match Windows byte for byte should not rely on it. Wine's provider writes the
/// SHA-1 identifier `33` after every hash; this crate uses the standard's identifiers, and
/// verifies a signature whether it is `σ` or `n − σ`.
///
/// ```
/// use cryptoapi::{AlgId, CRYPT_X931_FORMAT, KeyFlags, KeySpec, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
/// let pair = prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))?;
/// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
/// hash.hash_data(b"rDSA")?;
/// let signature = hash.sign(KeySpec::Signature, CRYPT_X931_FORMAT)?;
///
/// let mut check = prov.create_hash(AlgId::SHA1, None)?;
/// check.hash_data(b"rDSA")?;
/// check.verify_signature(&signature, &pair, CRYPT_X931_FORMAT)?;
/// # Ok::<(), cryptoapi::Error>(())
/// ```
pub const CRYPT_X931_FORMAT: u32 = 0x4;

/// The `dwFlags` bits signing and verification take.
const SIGN_FLAGS: u32 = CRYPT_NOHASHOID | CRYPT_X931_FORMAT;

/// How a hash value is encoded for the RSA operation.
#[derive(Clone, Copy)]
enum Format {
    /// PKCS#1 v1.5 with this DigestInfo prefix (empty for none).
    Pkcs1(&'static [u8]),
    /// ANSI X9.31 with this hash identifier.
    X931(u8),
}

/// The signature format `flags` select for a hash of `alg`: `NTE_BAD_FLAGS` for undefined
/// bits, `NTE_BAD_ALGID` for a hash the format cannot take.
fn format(alg: crate::AlgId, flags: u32) -> Result<Format> {
    if flags & !SIGN_FLAGS != 0 {
        return Err(Error::BadFlags);
    }
    let prefix = digest_info_prefix(alg).ok_or(Error::BadAlgId)?;
    if flags & CRYPT_X931_FORMAT != 0 {
        return x931_hash_id(alg).map(Format::X931).ok_or(Error::BadAlgId);
    }
    Ok(Format::Pkcs1(if flags & CRYPT_NOHASHOID != 0 {
        &[]
    } else {
        prefix
    }))
}

/// A description string as the providers hash it: UTF-16LE, without the terminating NUL.
fn description_bytes(description: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        description
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect(),
    )
}

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
    /// With [`CRYPT_X931_FORMAT`] the signature is ANSI X9.31's instead (SHA-1 and SHA-2
    /// hashes only; see the constant for what Windows is known to do with it).
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: flags other than 0, `CRYPT_NOHASHOID` and `CRYPT_X931_FORMAT`;
    /// * `NTE_BAD_ALGID`: a hash that cannot be signed (`CALG_MAC`, `CALG_HMAC`), or with
    ///   `CRYPT_X931_FORMAT` one X9.31 has no identifier for (MD2, MD4, MD5, SSL3 SHAMD5);
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
        if self.prov.ctx.csp.personality.is_dss_family() {
            return self.sign_dss(spec, flags);
        }
        let format = format(self.alg, flags)?;
        let rsa = self.signing_key(spec)?;
        self.sign_value(&rsa, format)
    }

    /// `CryptSignHash` with its `szDescription`: as [`sign`](Hash::sign), but a description
    /// (`Some`) is first hashed in, as its UTF-16LE bytes without the terminating NUL, exactly
    /// as Microsoft's providers do; the signature covers data ‖ description, and only a
    /// verifier given the same description accepts it. `None` is `sign`.
    ///
    /// Microsoft's documentation asks for NULL: "no longer used and must be set to NULL to
    /// prevent security vulnerabilities. However, it is still supported for backward
    /// compatibility in the Microsoft Base Cryptographic Provider". Port code that passes one
    /// with this method, so that its signatures stay the same bytes.
    ///
    /// **Windows compatibility:** Microsoft's CSP guide says advapi32 converts the string to
    /// Unicode and the provider adds it to the hash "via CPHashData ... The terminating null
    /// character is not hashed in", and its signature sample (MD5 of `1134-kelp`, description
    /// `Test Signature`, hash `a82bdfc2...`) records the bytes; this crate gives that hash (a
    /// test checks it). The description is hashed after the flags and the key pair are checked
    /// and before the value is read, so a size query ([`signature_len`](Hash::signature_len))
    /// leaves the hash alone, as on Windows.
    ///
    /// ```
    /// use cryptoapi::{AlgId, KeyFlags, KeySpec, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let pair = prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))?;
    /// let mut hash = prov.create_hash(AlgId::MD5, None)?;
    /// hash.hash_data(b"1134-kelp")?;
    /// let signature = hash.sign_with_description(KeySpec::Signature, Some("Test Signature"), 0)?;
    ///
    /// // The same as signing data ‖ UTF-16LE(description) without one.
    /// let mut check = prov.create_hash(AlgId::MD5, None)?;
    /// check.hash_data(b"1134-kelp")?;
    /// check.hash_data(b"T\0e\0s\0t\0 \0S\0i\0g\0n\0a\0t\0u\0r\0e\0")?;
    /// check.verify_signature(&signature, &pair, 0)?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`sign`](Hash::sign), and with a description those of
    /// [`hash_data`](Hash::hash_data) (`NTE_BAD_HASH_STATE` once the value has been read or
    /// set, `NTE_BAD_ALGID` for a `CALG_SSL3_SHAMD5` hash, which takes no data).
    #[doc(
        alias = "CryptSignHash",
        alias = "CryptSignHashW",
        alias = "CryptSignHashA",
        alias = "szDescription"
    )]
    pub fn sign_with_description(
        &mut self,
        spec: KeySpec,
        description: Option<&str>,
        flags: u32,
    ) -> Result<Vec<u8>> {
        if self.prov.ctx.csp.personality.is_dss_family() {
            if let Some(description) = description {
                self.hash_data(&description_bytes(description))?;
            }
            return self.sign_dss(spec, flags);
        }
        let format = format(self.alg, flags)?;
        let rsa = self.signing_key(spec)?;
        if let Some(description) = description {
            self.hash_data(&description_bytes(description))?;
        }
        self.sign_value(&rsa, format)
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
        if self.prov.ctx.csp.personality.is_dss_family() {
            self.prov.user_key(spec)?.dsa().ok_or(Error::NoKey)?;
            return Ok(dss::SIGNATURE_LEN);
        }
        digest_info_prefix(self.alg).ok_or(Error::BadAlgId)?;
        Ok(self.signing_key(spec)?.len())
    }

    /// Checks a signature of the hash value against `public_key` (`CryptVerifySignature`).
    ///
    /// `signature` is little-endian, as [`sign`](Hash::sign) and Windows write it. With flags
    /// 0 both forms are accepted, with and without the DigestInfo prefix, as Windows does;
    /// with [`CRYPT_NOHASHOID`] only the bare form; with [`CRYPT_X931_FORMAT`] only an ANSI
    /// X9.31 signature. The comparison runs in constant time. Reading the value finishes the
    /// hash.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_SIGNATURE`: the signature does not verify, or is not exactly as long as the
    ///   modulus. It says nothing more, on purpose;
    /// * `NTE_BAD_FLAGS`: flags other than 0, `CRYPT_NOHASHOID` and `CRYPT_X931_FORMAT`;
    /// * `NTE_BAD_KEY`: `public_key` is not an RSA key;
    /// * `NTE_BAD_ALGID`: a hash that cannot be signed (`CALG_MAC`, `CALG_HMAC`), or with
    ///   `CRYPT_X931_FORMAT` one X9.31 has no identifier for;
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
        self.verify_signature_with_description(signature, public_key, None, flags)
    }

    /// `CryptVerifySignature` with its `szDescription`: as
    /// [`verify_signature`](Hash::verify_signature), but a description (`Some`) is first hashed
    /// in as [`sign_with_description`](Hash::sign_with_description) hashes it (UTF-16LE, no
    /// NUL). A signature made with a description verifies only with the same one: Microsoft
    /// lists "the description string did not match" among the causes of `NTE_BAD_SIGNATURE`.
    ///
    /// **Windows compatibility:** the description is hashed after the flags, the key and the
    /// signature's length are checked (what Wine's provider checks first) and before the value
    /// is read; Microsoft's documentation asks for NULL and keeps the parameter for backward
    /// compatibility.
    ///
    /// ```
    /// use cryptoapi::{AlgId, Error, KeyFlags, KeySpec, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let pair = prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))?;
    /// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    /// hash.hash_data(b"invoice 42")?;
    /// let signature = hash.sign_with_description(KeySpec::Signature, Some("approved"), 0)?;
    ///
    /// let mut check = prov.create_hash(AlgId::SHA1, None)?;
    /// check.hash_data(b"invoice 42")?;
    /// check.verify_signature_with_description(&signature, &pair, Some("approved"), 0)?;
    ///
    /// let mut other = prov.create_hash(AlgId::SHA1, None)?;
    /// other.hash_data(b"invoice 42")?;
    /// let wrong = other.verify_signature_with_description(&signature, &pair, Some("denied"), 0);
    /// assert!(matches!(wrong, Err(Error::BadSignature)));
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`verify_signature`](Hash::verify_signature), and with a description
    /// those of [`hash_data`](Hash::hash_data) (`NTE_BAD_HASH_STATE` once the value has been
    /// read or set, `NTE_BAD_ALGID` for a `CALG_SSL3_SHAMD5` hash).
    #[doc(
        alias = "CryptVerifySignature",
        alias = "CryptVerifySignatureW",
        alias = "CryptVerifySignatureA",
        alias = "szDescription"
    )]
    pub fn verify_signature_with_description(
        &mut self,
        signature: &[u8],
        public_key: &Key<'_>,
        description: Option<&str>,
        flags: u32,
    ) -> Result<()> {
        if flags & !SIGN_FLAGS != 0 {
            return Err(Error::BadFlags);
        }
        if let Some(dsa) = public_key.dsa() {
            if flags != 0 {
                return Err(Error::BadFlags);
            }
            if let Some(description) = description {
                self.hash_data(&description_bytes(description))?;
            }
            let value = Zeroizing::new(self.value()?);
            let hash = dss::signing_hash(self.alg, &value)?;
            return if dsa.verify(&hash, signature) {
                Ok(())
            } else {
                Err(Error::BadSignature)
            };
        }
        let rsa = public_key.rsa().ok_or(Error::BadKey)?;
        if signature.len() != rsa.len() {
            return Err(Error::BadSignature);
        }
        let format = format(self.alg, flags)?;
        if let Some(description) = description {
            self.hash_data(&description_bytes(description))?;
        }
        let value = Zeroizing::new(self.value()?);
        let valid = match format {
            Format::X931(id) => rsa.verify_x931(id, &value, signature),
            Format::Pkcs1(prefix) if flags & CRYPT_NOHASHOID != 0 => {
                rsa.verify(prefix, &value, signature)
            }
            Format::Pkcs1(prefix) => {
                rsa.verify(prefix, &value, signature)
                    || (!prefix.is_empty() && rsa.verify(&[], &value, signature))
            }
        };
        if valid {
            Ok(())
        } else {
            Err(Error::BadSignature)
        }
    }
}

impl<'p> Hash<'p> {
    /// The container's pair for `spec`, which signing checks before it reads the value.
    fn signing_key(&self, spec: KeySpec) -> Result<Arc<RsaKey>> {
        self.prov.user_key(spec)?.shared_rsa().ok_or(Error::NoKey)
    }

    /// `CryptSignHash` on a DSS-family provider: a DSS signature (r then s, 20 bytes each,
    /// little-endian) of a SHA-1 value with the container's signature pair.
    fn sign_dss(&mut self, spec: KeySpec, flags: u32) -> Result<Vec<u8>> {
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        let key = self.prov.user_key(spec)?.into_owned();
        let dsa = key.dsa().ok_or(Error::NoKey)?;
        let value = Zeroizing::new(self.value()?);
        let hash = dss::signing_hash(self.alg, &value)?;
        Ok(dsa.sign(&hash)?.to_vec())
    }

    /// Reads the value (finishing the hash) and signs it in `format`.
    fn sign_value(&mut self, rsa: &RsaKey, format: Format) -> Result<Vec<u8>> {
        let value = Zeroizing::new(self.value()?);
        match format {
            Format::Pkcs1(prefix) => rsa.sign(prefix, &value),
            Format::X931(id) => rsa.sign_x931(id, &value),
        }
    }
}
