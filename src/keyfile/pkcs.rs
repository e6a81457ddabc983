//! PKCS#1, PKCS#8 (plain and PBES2-encrypted) and SPKI, as DER and PEM, over the blob numbers.
//!
//! Every encoding and decoding is done by RustCrypto's codecs (`pkcs1`, `pkcs8` with `pkcs5`,
//! `spki`, `der`, `pem-rfc7468`); this file only moves numbers between their big-endian DER
//! integers and the blob's little-endian buffers, and keeps every secret in a wiping buffer:
//! DER is written straight into a [`Zeroizing`] buffer of its exact length, PEM is decoded into
//! one, and encrypted PKCS#8 is decrypted in place inside one.

use der::asn1::{AnyRef, BitStringRef, OctetStringRef, UintRef};
use der::{Decode, Encode};
use pkcs1::{RsaPrivateKey, RsaPrivateKeyRef, RsaPublicKey, RsaPublicKeyRef};
use pkcs8::pkcs5::{self, pbes2};
use pkcs8::{EncryptedPrivateKeyInfo, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::numbers::{MIN_RSA_BITS, be_bit_len, be_trimmed, check, le_fixed};
use super::{Material, dsa};
use crate::blob::{MAX_RSA_BITS, RsaParts, RsaPrivateParts, rsa_lengths};
use crate::error::{Error, Result};

/// `RSA PRIVATE KEY`: PKCS#1 `RSAPrivateKey`.
pub(super) const LABEL_PKCS1_PRIVATE: &str = "RSA PRIVATE KEY";
/// `RSA PUBLIC KEY`: PKCS#1 `RSAPublicKey`.
pub(super) const LABEL_PKCS1_PUBLIC: &str = "RSA PUBLIC KEY";
/// `PRIVATE KEY`: PKCS#8 `PrivateKeyInfo`.
pub(super) const LABEL_PKCS8: &str = "PRIVATE KEY";
/// `ENCRYPTED PRIVATE KEY`: PKCS#8 `EncryptedPrivateKeyInfo`.
pub(super) const LABEL_PKCS8_ENCRYPTED: &str = "ENCRYPTED PRIVATE KEY";
/// `PUBLIC KEY`: X.509 `SubjectPublicKeyInfo`.
pub(super) const LABEL_SPKI: &str = "PUBLIC KEY";

/// The most PBKDF2 iterations an encrypted PKCS#8 key may ask for when read (a file is input:
/// a count of 2³² would take hours).
pub(super) const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most memory (128·r·(N + p) bytes) an scrypt-encrypted PKCS#8 key may ask for when read.
pub(super) const MAX_SCRYPT_MEMORY: u128 = 64 << 20;
/// The most scrypt work (N·r·p) an encrypted PKCS#8 key may ask for when read.
const MAX_SCRYPT_WORK: u128 = 1 << 22;

fn der_error(_: der::Error) -> Error {
    Error::BadData
}

// ---------------------------------------------------------------------------------------------
// PEM

/// The PEM block in `data`: from its `-----BEGIN ` line to the end of its `-----END ...-----`
/// line, so that text around it (OpenSSL's "Bag Attributes", a trailing newline) is ignored.
/// The block itself is decoded by `pem-rfc7468`.
pub(super) fn pem_block(data: &[u8]) -> Option<&[u8]> {
    let start = find(data, b"-----BEGIN ")?;
    let rest = &data[start..];
    let end_line = find(rest, b"-----END ")? + b"-----END ".len();
    let close = end_line + find(&rest[end_line..], b"-----")? + b"-----".len();
    let mut end = close;
    if rest.get(end) == Some(&b'\r') {
        end += 1;
    }
    if rest.get(end) == Some(&b'\n') {
        end += 1;
    }
    Some(&rest[..end])
}

/// The label of the PEM block in `data`.
pub(super) fn pem_label(data: &[u8]) -> Option<&str> {
    pem_rfc7468::decode_label(pem_block(data)?).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes the PEM block in `data`: its label and its DER bytes, in a wiping buffer.
/// `NTE_BAD_DATA` for anything RFC 7468 refuses, except headers (`Proc-Type: 4,ENCRYPTED`
/// and `DEK-Info`, OpenSSL's "traditional" encryption, which this module does not implement):
/// `NTE_BAD_ALGID`.
pub(super) fn pem_decode(data: &[u8]) -> Result<(&str, Zeroizing<Vec<u8>>)> {
    let block = pem_block(data).ok_or(Error::BadData)?;
    let mut buf = Zeroizing::new(vec![0u8; block.len()]);
    let (label, der) = pem_rfc7468::decode(block, &mut buf).map_err(|err| match err {
        pem_rfc7468::Error::HeaderDisallowed => Error::BadAlgId,
        _ => Error::BadData,
    })?;
    let len = der.len();
    buf.truncate(len);
    Ok((label, buf))
}

/// PEM of `der` under `label`: 64-column lines and LF line endings, as OpenSSL writes them.
pub(super) fn pem_encode(label: &str, der: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let line_ending = pem_rfc7468::LineEnding::LF;
    let len = pem_rfc7468::encoded_len(label, line_ending, der).map_err(|_| Error::BadData)?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    let written = pem_rfc7468::encode(label, line_ending, der, &mut out)
        .map_err(|_| Error::BadData)?
        .len();
    out.truncate(written);
    Ok(out)
}

/// Encodes `message` as DER straight into a wiping buffer of its exact length.
pub(super) fn to_der(message: &impl Encode) -> Result<Zeroizing<Vec<u8>>> {
    let len =
        usize::try_from(message.encoded_len().map_err(der_error)?).map_err(|_| Error::BadData)?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    let written = message.encode_to_slice(&mut out).map_err(der_error)?.len();
    out.truncate(written);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The bit length and blob lengths of a DER modulus. `NTE_BAD_DATA` outside 256..=16384 bits.
fn modulus_lengths(modulus_be: &[u8]) -> Result<(u32, usize, usize)> {
    let bits = be_bit_len(modulus_be);
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(Error::BadData);
    }
    let (n_len, half) = rsa_lengths(bits);
    Ok((bits, n_len, half))
}

/// A DER public exponent as the blob's `u32`. `NTE_BAD_DATA` when it does not fit.
fn exponent(e: UintRef<'_>) -> Result<u32> {
    let bytes = e.as_bytes();
    if bytes.len() > 4 {
        return Err(Error::BadData);
    }
    Ok(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

fn public_parts(modulus: UintRef<'_>, e: UintRef<'_>) -> Result<RsaParts> {
    let (bits, n_len, _) = modulus_lengths(modulus.as_bytes())?;
    let mut parts = RsaParts {
        bits,
        exponent: exponent(e)?,
        modulus: le_fixed(modulus.as_bytes(), n_len)?.to_vec(),
        private: None,
    };
    check(&mut parts)?;
    Ok(parts)
}

/// The DER format of `der`, by structure alone: PKCS#1 (private or public) or OpenSSL's
/// traditional `DSAPrivateKey` (both [`KeyFormat::Pkcs1Der`](super::KeyFormat)), PKCS#8, SPKI,
/// encrypted PKCS#8 (read by [`KeyFormat::Pkcs8EncryptedPem`](super::KeyFormat)).
pub(super) fn detect_der(der: &[u8]) -> Option<super::KeyFormat> {
    use super::KeyFormat;
    if RsaPrivateKeyRef::from_der(der).is_ok()
        || RsaPublicKeyRef::from_der(der).is_ok()
        || dsa::is_traditional(der)
    {
        Some(KeyFormat::Pkcs1Der)
    } else if PrivateKeyInfoRef::from_der(der).is_ok() {
        Some(KeyFormat::Pkcs8Der)
    } else if SubjectPublicKeyInfoRef::from_der(der).is_ok() {
        Some(KeyFormat::SpkiDer)
    } else if EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
        Some(KeyFormat::Pkcs8EncryptedPem)
    } else {
        None
    }
}

/// PKCS#1 DER: an `RSAPrivateKey`, or else an `RSAPublicKey`.
pub(super) fn parse_pkcs1(der: &[u8]) -> Result<RsaParts> {
    if RsaPrivateKeyRef::from_der(der).is_ok() {
        parse_pkcs1_private(der)
    } else {
        parse_pkcs1_public(der)
    }
}

/// A PKCS#1 `RSAPublicKey`.
pub(super) fn parse_pkcs1_public(der: &[u8]) -> Result<RsaParts> {
    let key = RsaPublicKeyRef::from_der(der).map_err(der_error)?;
    public_parts(key.modulus, key.public_exponent)
}

/// A PKCS#1 `RSAPrivateKey` (two-prime; a multi-prime key has no blob form: `NTE_BAD_DATA`).
pub(super) fn parse_pkcs1_private(der: &[u8]) -> Result<RsaParts> {
    let key = RsaPrivateKeyRef::from_der(der).map_err(der_error)?;
    if key.other_prime_infos.is_some() {
        return Err(Error::BadData);
    }
    let (bits, n_len, half) = modulus_lengths(key.modulus.as_bytes())?;
    let at_half = |n: UintRef<'_>| le_fixed(n.as_bytes(), half);
    let mut parts = RsaParts {
        bits,
        exponent: exponent(key.public_exponent)?,
        modulus: le_fixed(key.modulus.as_bytes(), n_len)?.to_vec(),
        private: Some(RsaPrivateParts {
            prime1: at_half(key.prime1)?,
            prime2: at_half(key.prime2)?,
            exponent1: at_half(key.exponent1)?,
            exponent2: at_half(key.exponent2)?,
            coefficient: at_half(key.coefficient)?,
            private_exponent: Some(le_fixed(key.private_exponent.as_bytes(), n_len)?),
        }),
    };
    check(&mut parts)?;
    Ok(parts)
}

/// How a PKCS#8 or SPKI algorithm identifier names its key: `rsaEncryption` with NULL (or
/// absent) parameters. Any other algorithm (EC, Ed25519, RSASSA-PSS, ...) is
/// `NTE_BAD_ALGID`.
fn check_algorithm(algorithm: &AlgorithmIdentifier<AnyRef<'_>>) -> Result<()> {
    if algorithm.oid != pkcs1::ALGORITHM_OID {
        return Err(Error::BadAlgId);
    }
    match algorithm.parameters {
        None => Ok(()),
        Some(params) if params == AnyRef::NULL => Ok(()),
        Some(_) => Err(Error::BadData),
    }
}

/// A PKCS#8 `PrivateKeyInfo` holding an RSA or a DSA key.
pub(super) fn parse_pkcs8(der: &[u8]) -> Result<Material> {
    let info = PrivateKeyInfoRef::from_der(der).map_err(der_error)?;
    if info.algorithm.oid == dsa::DSA_OID {
        return Ok(Material::dsa(dsa::parse_pkcs8(&info)?));
    }
    check_algorithm(&info.algorithm)?;
    Ok(Material::Rsa(parse_pkcs1_private(
        info.private_key.as_bytes(),
    )?))
}

/// An X.509 `SubjectPublicKeyInfo` holding an RSA or a DSA key.
pub(super) fn parse_spki(der: &[u8]) -> Result<Material> {
    let info = SubjectPublicKeyInfoRef::from_der(der).map_err(der_error)?;
    if info.algorithm.oid == dsa::DSA_OID {
        return Ok(Material::dsa(dsa::parse_spki(&info)?));
    }
    check_algorithm(&info.algorithm)?;
    let key = info.subject_public_key.as_bytes().ok_or(Error::BadData)?;
    Ok(Material::Rsa(parse_pkcs1_public(key)?))
}

/// A PKCS#8 `EncryptedPrivateKeyInfo` (PBES2: PBKDF2 with HMAC-SHA-1/224/256/384/512 or
/// scrypt; AES-128/192/256-CBC, AES-GCM or 3DES-CBC), decrypted with `password`.
pub(super) fn parse_pkcs8_encrypted(der: &[u8], password: Option<&[u8]>) -> Result<Material> {
    let info = EncryptedPrivateKeyInfoRef::from_der(der).map_err(der_error)?;
    // PBES1 (MD5/SHA-1 with DES or RC2) is refused by the pkcs5 crate, won't fix.
    let params = info.encryption_algorithm.pbes2().ok_or(Error::BadAlgId)?;
    let password = password.ok_or(Error::InvalidParameter)?;
    check_kdf(&params.kdf)?;
    let mut buf = Zeroizing::new(info.encrypted_data.as_bytes().to_vec());
    let plain = params
        .decrypt_in_place(password, &mut buf)
        .map_err(pkcs5_error)?;
    // A wrong password that happens to leave valid padding decrypts to garbage, not DER.
    if PrivateKeyInfoRef::from_der(plain).is_err() {
        return Err(Error::InvalidPassword);
    }
    parse_pkcs8(plain)
}

/// Refuses key derivations that would take unreasonable time or memory on hostile input.
fn check_kdf(kdf: &pbes2::Kdf) -> Result<()> {
    match kdf {
        pbes2::Kdf::Pbkdf2(params) => {
            if params.iteration_count == 0 || params.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(Error::BadData);
            }
        }
        pbes2::Kdf::Scrypt(params) => {
            let n = u128::from(params.cost_parameter);
            let r = u128::from(params.block_size);
            let p = u128::from(params.parallelization);
            let memory = 128 * r * (n + p);
            if n < 2
                || r == 0
                || p == 0
                || memory > MAX_SCRYPT_MEMORY
                || n * r * p > MAX_SCRYPT_WORK
            {
                return Err(Error::BadData);
            }
        }
        _ => return Err(Error::BadAlgId),
    }
    Ok(())
}

fn pkcs5_error(err: pkcs5::Error) -> Error {
    match err {
        pkcs5::Error::DecryptFailed => Error::InvalidPassword,
        pkcs5::Error::UnsupportedAlgorithm { .. } | pkcs5::Error::NoPbes1CryptSupport => {
            Error::BadAlgId
        }
        _ => Error::BadData,
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// The big-endian DER integers of `parts`' public half: (modulus, exponent).
fn public_be(parts: &RsaParts) -> (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>) {
    (
        be_trimmed(&parts.modulus),
        be_trimmed(&parts.exponent.to_le_bytes()),
    )
}

/// PKCS#1 `RSAPublicKey` DER.
pub(super) fn pkcs1_public(parts: &RsaParts) -> Result<Zeroizing<Vec<u8>>> {
    let (n, e) = public_be(parts);
    let key = RsaPublicKey {
        modulus: UintRef::new(&n).map_err(der_error)?,
        public_exponent: UintRef::new(&e).map_err(der_error)?,
    };
    to_der(&key)
}

/// PKCS#1 `RSAPrivateKey` DER (version 0, two primes). `NTE_BAD_KEY_STATE` without a private
/// half.
pub(super) fn pkcs1_private(parts: &RsaParts) -> Result<Zeroizing<Vec<u8>>> {
    let private = parts.private.as_ref().ok_or(Error::BadKeyState)?;
    let d = private
        .private_exponent
        .as_ref()
        .ok_or(Error::BadKeyState)?;
    let (n, e) = public_be(parts);
    let [d, p, q, dp, dq, qinv] = [
        d,
        &private.prime1,
        &private.prime2,
        &private.exponent1,
        &private.exponent2,
        &private.coefficient,
    ]
    .map(|le| be_trimmed(le));
    fn uint(be: &[u8]) -> Result<UintRef<'_>> {
        UintRef::new(be).map_err(der_error)
    }
    let key = RsaPrivateKey {
        modulus: uint(&n)?,
        public_exponent: uint(&e)?,
        private_exponent: uint(&d)?,
        prime1: uint(&p)?,
        prime2: uint(&q)?,
        exponent1: uint(&dp)?,
        exponent2: uint(&dq)?,
        coefficient: uint(&qinv)?,
        other_prime_infos: None,
    };
    to_der(&key)
}

/// PKCS#8 `PrivateKeyInfo` DER (version 1, `rsaEncryption` with NULL parameters, as OpenSSL
/// writes it).
pub(super) fn pkcs8(parts: &RsaParts) -> Result<Zeroizing<Vec<u8>>> {
    let inner = pkcs1_private(parts)?;
    let info = PrivateKeyInfoRef::new(
        pkcs1::ALGORITHM_ID,
        OctetStringRef::new(&inner).map_err(der_error)?,
    );
    to_der(&info)
}

/// X.509 `SubjectPublicKeyInfo` DER (`rsaEncryption` with NULL parameters).
pub(super) fn spki(parts: &RsaParts) -> Result<Zeroizing<Vec<u8>>> {
    let inner = pkcs1_public(parts)?;
    let info = SubjectPublicKeyInfoRef {
        algorithm: pkcs1::ALGORITHM_ID,
        subject_public_key: BitStringRef::from_bytes(&inner).map_err(der_error)?,
    };
    to_der(&info)
}

/// PKCS#8 `EncryptedPrivateKeyInfo` DER: PBES2 with PBKDF2-HMAC-SHA-256 (`iterations`, a
/// random 16-byte salt) and AES-256-CBC (a random IV).
pub(super) fn pkcs8_encrypted(
    inner: &[u8],
    password: &[u8],
    iterations: u32,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| Error::SysErr)?;
    getrandom::fill(&mut iv).map_err(|_| Error::SysErr)?;
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
        .map_err(|_| Error::InvalidParameter)?;
    let mut buf = Zeroizing::new(Vec::with_capacity(inner.len() + 16));
    buf.extend_from_slice(inner);
    buf.resize(inner.len() + 16, 0);
    let ciphertext = params
        .encrypt_in_place(password, &mut buf, inner.len())
        .map_err(|_| Error::Fail)?;
    let info: EncryptedPrivateKeyInfoRef<'_> = EncryptedPrivateKeyInfo {
        encryption_algorithm: params.into(),
        encrypted_data: OctetStringRef::new(ciphertext).map_err(der_error)?,
    };
    to_der(&info)
}
