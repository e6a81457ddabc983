//! Microsoft PVK files: a header, an optional salt, and a `PRIVATEKEYBLOB` whose part after the
//! 8-byte `BLOBHEADER` may be RC4-encrypted with a key derived from a password.
//!
//! ```text
//! offset size  field (little-endian DWORDs)
//! 0      4     magic          0xb0b5f11e
//! 4      4     reserved       0
//! 8      4     key type       AT_KEYEXCHANGE (1) or AT_SIGNATURE (2)
//! 12     4     encrypted      0 or 1
//! 16     4     salt length    0, or 16 when encrypted
//! 20     4     key length     the PRIVATEKEYBLOB's length
//! 24     salt, then the PRIVATEKEYBLOB
//! ```
//!
//! The RC4 key is the first 16 bytes of SHA-1(salt ‖ password): all 16 for "strong"
//! encryption, the first 5 followed by 11 zero bytes for "weak" (40-bit) encryption, exactly as
//! Microsoft's tools and OpenSSL (`pvkfmt.c`) derive it. Reading tries strong, then weak, as
//! OpenSSL does, and takes the one whose decrypted blob starts with the `"RSA2"` or `"DSS2"`
//! magic. DSA key pairs are `"DSS2"` blobs (`CALG_DSS_SIGN`) under key type `AT_SIGNATURE`,
//! as `openssl dsa -outform PVK` writes them.

use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::{Material, PvkEncryption};
use crate::alg::AlgId;
use crate::blob::{HEADER_LEN, RSA2};
use crate::dss::DSS2;
use crate::error::{Error, Result};

/// `0xb0b5f11e`, the first DWORD of every PVK file.
pub(super) const MAGIC: u32 = 0xb0b5_f11e;
const HEADER: usize = 24;
/// The salt length Microsoft's tools and OpenSSL write.
const SALT_LEN: usize = 16;
/// The longest salt and key blob read (OpenSSL's limits, `PVK_MAX_SALTLEN`/`PVK_MAX_KEYLEN`).
const MAX_SALT: usize = 10240;
const MAX_KEY: usize = 102_400;

fn dword(data: &[u8], at: usize) -> Result<u32> {
    data.get(at..at + 4)
        .and_then(|b| b.first_chunk::<4>())
        .map(|b| u32::from_le_bytes(*b))
        .ok_or(Error::BadData)
}

/// Whether `data` starts like a PVK file.
pub(super) fn is_pvk(data: &[u8]) -> bool {
    dword(data, 0).is_ok_and(|m| m == MAGIC)
}

/// Whether the PVK file in `data` is encrypted (its header says so).
pub(super) fn is_encrypted(data: &[u8]) -> bool {
    is_pvk(data) && dword(data, 12).is_ok_and(|e| e == 1)
}

/// The RC4 key of a PVK file: the first 16 bytes of SHA-1(salt ‖ password), the last 11 of
/// them zeroed for weak encryption.
fn rc4_key(salt: &[u8], password: &[u8], weak: bool) -> Zeroizing<[u8; 16]> {
    let mut sha = Sha1::new();
    sha.update(salt);
    sha.update(password);
    let digest = Zeroizing::new(<[u8; 20]>::from(sha.finalize()));
    let mut key = Zeroizing::new([0u8; 16]);
    let used = if weak { 5 } else { 16 };
    key[..used].copy_from_slice(&digest[..used]);
    key
}

fn apply_rc4(key: &[u8; 16], data: &mut [u8]) -> Result<()> {
    let mut rc4 = Rc4::new_from_slice(key).map_err(|_| Error::Fail)?;
    rc4.apply_keystream(data);
    Ok(())
}

/// Reads a PVK file: the key blob's `ALG_ID`, its numbers, and how it was encrypted.
pub(super) fn read(
    data: &[u8],
    password: Option<&[u8]>,
) -> Result<(AlgId, Material, PvkEncryption)> {
    if !is_pvk(data) || dword(data, 4)? != 0 {
        return Err(Error::BadData);
    }
    let key_type = dword(data, 8)?;
    let encrypted = dword(data, 12)?;
    let salt_len = usize::try_from(dword(data, 16)?).map_err(|_| Error::BadData)?;
    let key_len = usize::try_from(dword(data, 20)?).map_err(|_| Error::BadData)?;
    let consistent = match encrypted {
        0 => salt_len == 0,
        1 => salt_len > 0,
        _ => false,
    };
    if !matches!(key_type, 1 | 2)
        || !consistent
        || salt_len > MAX_SALT
        || !(HEADER_LEN..=MAX_KEY).contains(&key_len)
        || data.len() != HEADER + salt_len + key_len
    {
        return Err(Error::BadData);
    }
    let salt = &data[HEADER..HEADER + salt_len];
    let stored = &data[HEADER + salt_len..];
    if encrypted == 0 {
        let (alg, parts) = super::private_blob(stored)?;
        return Ok((alg, parts, PvkEncryption::None));
    }
    let password = password.ok_or(Error::InvalidParameter)?;
    for (weak, encryption) in [(false, PvkEncryption::Strong), (true, PvkEncryption::Weak)] {
        let mut blob = Zeroizing::new(stored.to_vec());
        apply_rc4(&rc4_key(salt, password, weak), &mut blob[HEADER_LEN..])?;
        if dword(&blob, HEADER_LEN).is_ok_and(|m| m == RSA2 || m == DSS2) {
            let (alg, parts) = super::private_blob(&blob)?;
            return Ok((alg, parts, encryption));
        }
    }
    Err(Error::InvalidPassword)
}

/// Writes a PVK file of a key pair's `PRIVATEKEYBLOB` under `key_type` (`AT_KEYEXCHANGE` 1
/// or `AT_SIGNATURE` 2), with a random 16-byte salt when encrypted.
pub(super) fn write(
    key_type: u32,
    key_blob: &[u8],
    encryption: PvkEncryption,
    password: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>> {
    let password = match encryption {
        PvkEncryption::None => None,
        PvkEncryption::Weak | PvkEncryption::Strong => {
            Some(password.ok_or(Error::InvalidParameter)?)
        }
    };
    let salt_len = if password.is_some() { SALT_LEN } else { 0 };
    let key_len = u32::try_from(key_blob.len()).map_err(|_| Error::BadData)?;
    let mut out = Zeroizing::new(Vec::with_capacity(HEADER + salt_len + key_blob.len()));
    for field in [
        MAGIC,
        0,
        key_type,
        u32::from(password.is_some()),
        salt_len as u32,
        key_len,
    ] {
        out.extend_from_slice(&field.to_le_bytes());
    }
    let mut salt = [0u8; SALT_LEN];
    if password.is_some() {
        getrandom::fill(&mut salt).map_err(|_| Error::SysErr)?;
        out.extend_from_slice(&salt);
    }
    out.extend_from_slice(key_blob);
    if let Some(password) = password {
        let weak = encryption == PvkEncryption::Weak;
        let start = HEADER + SALT_LEN + HEADER_LEN;
        apply_rc4(&rc4_key(&salt, password, weak), &mut out[start..])?;
    }
    Ok(out)
}
