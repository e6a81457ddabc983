//! Hash objects: `CryptCreateHash`, `CryptHashData`, `CryptGetHashParam`,
//! `CryptSetHashParam`, `CryptDuplicateHash`, `CryptHashSessionKey`, `CryptDestroyHash`,
//! `CryptSignHashA/W` and `CryptVerifySignatureA/W`.

#![allow(non_snake_case)]

use std::ffi::c_char;

use cryptoapi::{
    AlgId, CRYPT_NOHASHOID, CRYPT_X931_FORMAT, Error, HP_HASHVAL, HP_HMAC_INFO, HP_TLS1PRF_LABEL,
    HP_TLS1PRF_SEED, Hash, HmacInfo, Key, KeySpec, Result,
};

use crate::boundary::{
    ALG_ID, BOOL, DWORD, HCRYPTHASH, HCRYPTKEY, HCRYPTPROV, HmacInfoC, WCHAR, bytes, data_blob,
    dword_ptr, handle_out, read_struct, run, str_a, str_w, write_buffer,
};
use crate::handles::{self, lock, lock_pair};
use crate::key::{CLASS_KEY_EXCHANGE, CLASS_SIGNATURE, alg_class};

/// Creates a hash object (`CryptCreateHash`); `h_key` is 0 or the key of a keyed hash
/// (`CALG_MAC`, `CALG_HMAC`), or the SChannel master key of `CALG_SCHANNEL_MASTER_HASH` and
/// `CALG_TLS1PRF`. Non-zero `flags` are `NTE_BAD_FLAGS`, after the algorithm check.
///
/// # Safety
///
/// `ph_hash` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptCreateHash(
    h_prov: HCRYPTPROV,
    alg: ALG_ID,
    h_key: HCRYPTKEY,
    flags: DWORD,
    ph_hash: *mut HCRYPTHASH,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_hash` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_hash) }?;
        let prov = handles::prov(h_prov)?;
        let key = match h_key {
            0 => None,
            handle => Some(handles::key(handle)?.0),
        };
        let guard = key.as_deref().map(lock);
        let hash = prov.create_hash(AlgId::from_raw(alg), guard.as_deref())?;
        drop(guard);
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        out.set(handles::insert_hash(h_prov, &prov, hash.into_owned())?);
        Ok(())
    })
}

/// Adds data to a hash (`CryptHashData`); `flags` is 0 or `CRYPT_USERDATA`.
///
/// # Safety
///
/// `data` is NULL or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptHashData(
    h_hash: HCRYPTHASH,
    data: *const u8,
    len: DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| {
        let (hash, _) = handles::hash(h_hash)?;
        // SAFETY: `data` is NULL or readable for `len` bytes (the function's contract).
        let data = unsafe { bytes(data, len as usize) }?;
        lock(&hash).hash_data_with_flags(data, flags)
    })
}

/// A hash parameter (`CryptGetHashParam`): `HP_ALGID`, `HP_HASHSIZE`, `HP_HASHVAL`, with the
/// buffer idiom. `HP_HASHVAL` finishes the hash only when a buffer large enough is given: a
/// size query or a short buffer leave it open. `HP_HASHVAL` of a `CALG_TLS1PRF` hash writes
/// `*pdw_data_len` bytes of the PRF (any length); its size query (`data` NULL) succeeds and
/// leaves `*pdw_data_len` as it was, since any length can be asked for.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or writable for
/// `*pdw_data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetHashParam(
    h_hash: HCRYPTHASH,
    param: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let (hash, _) = handles::hash(h_hash)?;
        let mut hash = lock(&hash);
        if param == HP_HASHVAL && flags == 0 && hash.alg_id() == AlgId::TLS1PRF {
            if data.is_null() {
                return Ok(());
            }
            let output = hash.prf(len.get() as usize)?;
            // SAFETY: `data` is writable for `*pdw_data_len` bytes (the contract).
            return unsafe { write_buffer(&output, data, &mut len) };
        }
        if param == HP_HASHVAL && flags == 0 {
            let size = u32::try_from(hash.size()).map_err(|_| Error::Fail)?;
            if data.is_null() || len.get() < size {
                len.set(size);
                return if data.is_null() {
                    Ok(())
                } else {
                    Err(Error::MoreData)
                };
            }
        }
        let value = hash.param(param, flags)?;
        // SAFETY: `data` is NULL or writable for `*pdw_data_len` bytes (the contract).
        unsafe { write_buffer(&value, data, &mut len) }
    })
}

/// Sets a hash parameter (`CryptSetHashParam`): `HP_HASHVAL` (the hash's size in bytes),
/// `HP_HMAC_INFO` (an `HMAC_INFO`; a NULL or empty pad string selects the standard pad),
/// `HP_TLS1PRF_LABEL` and `HP_TLS1PRF_SEED` (a `CRYPT_DATA_BLOB`).
///
/// # Safety
///
/// `data` is NULL or points to what `param` takes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetHashParam(
    h_hash: HCRYPTHASH,
    param: DWORD,
    data: *const u8,
    flags: DWORD,
) -> BOOL {
    run(|| {
        let (hash, _) = handles::hash(h_hash)?;
        let mut hash = lock(&hash);
        if data.is_null() {
            return Err(Error::InvalidParameter);
        }
        match param {
            HP_HASHVAL => {
                // SAFETY: for HP_HASHVAL, `data` holds the hash's size in bytes (contract).
                let value = unsafe { bytes(data, hash.size()) }?;
                hash.set_param(param, value, flags)
            }
            HP_HMAC_INFO => {
                // SAFETY: for HP_HMAC_INFO, `data` points to an HMAC_INFO (contract).
                let info = unsafe { read_struct(data.cast::<HmacInfoC>()) }?;
                // SAFETY: the structure's strings are NULL or readable for their lengths.
                let inner = unsafe { pad(info.pb_inner_string, info.cb_inner_string) }?;
                // SAFETY: as above.
                let outer = unsafe { pad(info.pb_outer_string, info.cb_outer_string) }?;
                let info = HmacInfo::with_pads(AlgId::from_raw(info.hash_algid), inner, outer);
                hash.set_param(param, &info.to_bytes(), flags)
            }
            HP_TLS1PRF_LABEL | HP_TLS1PRF_SEED => {
                // SAFETY: for these ids, `data` points to a CRYPT_DATA_BLOB (contract).
                let blob = unsafe { data_blob(data) }?;
                hash.set_param(param, blob, flags)
            }
            // What the crate answers for an id it does not set, without reading `data`,
            // whose length only the id would tell.
            _ if flags != 0 => Err(Error::BadFlags),
            _ => Err(Error::BadType),
        }
    })
}

/// An `HMAC_INFO` pad string: NULL stands for the standard pad.
///
/// # Safety
///
/// `ptr` is NULL or readable for `len` bytes.
unsafe fn pad<'a>(ptr: *const u8, len: u32) -> Result<&'a [u8]> {
    if ptr.is_null() {
        return Ok(&[]);
    }
    // SAFETY: non-NULL and readable for `len` bytes by the caller's contract.
    unsafe { bytes(ptr, len as usize) }
}

/// Copies a hash with its state (`CryptDuplicateHash`). `pdw_reserved` must be NULL and
/// `flags` 0 (`ERROR_INVALID_PARAMETER` otherwise, as advapi32 answers).
///
/// # Safety
///
/// `ph_hash` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptDuplicateHash(
    h_hash: HCRYPTHASH,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    ph_hash: *mut HCRYPTHASH,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_hash` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_hash) }?;
        let (hash, parent) = handles::hash(h_hash)?;
        if !pdw_reserved.is_null() || flags != 0 {
            return Err(Error::InvalidParameter);
        }
        let prov = handles::prov(parent)?;
        let copy = lock(&hash).duplicate()?;
        out.set(handles::insert_hash(parent, &prov, copy)?);
        Ok(())
    })
}

/// Hashes a session key's bytes (`CryptHashSessionKey`); `flags` is 0 (big-endian) or
/// `CRYPT_LITTLE_ENDIAN`.
#[unsafe(no_mangle)]
pub extern "C" fn CryptHashSessionKey(h_hash: HCRYPTHASH, h_key: HCRYPTKEY, flags: DWORD) -> BOOL {
    run(|| {
        let (hash, _) = handles::hash(h_hash)?;
        let (key, _) = handles::key(h_key)?;
        let (mut hash, key) = lock_pair(&hash, &key);
        hash.hash_session_key(&key, flags)
    })
}

/// Destroys a hash (`CryptDestroyHash`); its handle is stale afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn CryptDestroyHash(h_hash: HCRYPTHASH) -> BOOL {
    run(|| handles::destroy_hash(h_hash))
}

/// The `dwFlags` bits `CryptSignHash` and `CryptVerifySignature` take.
const SIGN_FLAGS: DWORD = CRYPT_NOHASHOID | CRYPT_X931_FORMAT;

/// `CryptSignHashA/W` once the description is read.
///
/// # Safety
///
/// `pdw_sig_len` is NULL or readable and writable; `signature` is NULL or writable for
/// `*pdw_sig_len` bytes.
unsafe fn sign(
    h_hash: HCRYPTHASH,
    spec: DWORD,
    description: Option<String>,
    flags: DWORD,
    signature: *mut u8,
    pdw_sig_len: *mut DWORD,
) -> Result<()> {
    // SAFETY: `pdw_sig_len` is NULL or a readable and writable DWORD (the callers' contract).
    let mut len = unsafe { dword_ptr(pdw_sig_len) }?;
    let (hash, _) = handles::hash(h_hash)?;
    let mut hash = lock(&hash);
    if flags & !SIGN_FLAGS != 0 {
        return Err(Error::BadFlags);
    }
    let spec = KeySpec::from_raw(spec).ok_or(Error::BadAlgId)?;
    let needed = u32::try_from(hash.signature_len(spec)?).map_err(|_| Error::Fail)?;
    if signature.is_null() || len.get() < needed {
        len.set(needed);
        return if signature.is_null() {
            Ok(())
        } else {
            Err(Error::MoreData)
        };
    }
    let value = hash.sign_with_description(spec, description.as_deref(), flags)?;
    // SAFETY: `signature` is writable for `*pdw_sig_len >= needed` bytes (the contract).
    unsafe { write_buffer(&value, signature, &mut len) }
}

/// Signs a hash with the context's key pair `spec` (`CryptSignHashA`): a little-endian PKCS #1
/// v1.5 signature (ANSI X9.31 with `CRYPT_X931_FORMAT`), with the buffer idiom. A non-NULL
/// description (UTF-8) is hashed in first, as UTF-16LE without its NUL, as Microsoft's
/// providers do; a size query leaves the hash alone.
///
/// # Safety
///
/// `description` is NULL or NUL-terminated; `pdw_sig_len` is NULL or readable and writable;
/// `signature` is NULL or writable for `*pdw_sig_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSignHashA(
    h_hash: HCRYPTHASH,
    spec: DWORD,
    description: *const c_char,
    flags: DWORD,
    signature: *mut u8,
    pdw_sig_len: *mut DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or NUL-terminated (the function's contract).
        let description = unsafe { str_a(description) }?;
        // SAFETY: the pointers are passed on under the same contract.
        unsafe { sign(h_hash, spec, description, flags, signature, pdw_sig_len) }
    })
}

/// Signs a hash (`CryptSignHashW`); as [`CryptSignHashA`] with a UTF-16 description.
///
/// # Safety
///
/// As [`CryptSignHashA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSignHashW(
    h_hash: HCRYPTHASH,
    spec: DWORD,
    description: *const WCHAR,
    flags: DWORD,
    signature: *mut u8,
    pdw_sig_len: *mut DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or NUL-terminated UTF-16 (the function's contract).
        let description = unsafe { str_w(description) }?;
        // SAFETY: the pointers are passed on under the same contract.
        unsafe { sign(h_hash, spec, description, flags, signature, pdw_sig_len) }
    })
}

/// Whether a key is an RSA key pair or public key (signature or key-exchange class).
fn is_public_key(key: &Key<'_>) -> bool {
    matches!(alg_class(key), CLASS_SIGNATURE | CLASS_KEY_EXCHANGE)
}

/// `CryptVerifySignatureA/W` once the description is read.
///
/// # Safety
///
/// `signature` is NULL or readable for `sig_len` bytes.
unsafe fn verify(
    h_hash: HCRYPTHASH,
    signature: *const u8,
    sig_len: DWORD,
    h_pub_key: HCRYPTKEY,
    description: Option<String>,
    flags: DWORD,
) -> Result<()> {
    let (hash, _) = handles::hash(h_hash)?;
    let (key, _) = handles::key(h_pub_key)?;
    let (mut hash, key) = lock_pair(&hash, &key);
    let signature: &[u8] = if signature.is_null() {
        // A NULL signature of the modulus' length is refused as a bad pointer; any other
        // length is a bad signature, as Windows checks the length first.
        let modulus = key.block_bits() / 8;
        if is_public_key(&key) && sig_len == modulus && flags & !SIGN_FLAGS == 0 {
            return Err(Error::InvalidParameter);
        }
        &[]
    } else {
        // SAFETY: `signature` is readable for `sig_len` bytes (the callers' contract).
        unsafe { bytes(signature, sig_len as usize) }?
    };
    Hash::verify_signature_with_description(
        &mut hash,
        signature,
        &key,
        description.as_deref(),
        flags,
    )
}

/// Verifies a signature over a hash with a public key (`CryptVerifySignatureA`). Flags 0
/// accept signatures with and without the DigestInfo; `CRYPT_NOHASHOID` only without;
/// `CRYPT_X931_FORMAT` only ANSI X9.31 ones. A non-NULL description is hashed in first, as
/// for [`CryptSignHashA`].
///
/// # Safety
///
/// `signature` is NULL or readable for `sig_len` bytes; `description` is NULL or
/// NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptVerifySignatureA(
    h_hash: HCRYPTHASH,
    signature: *const u8,
    sig_len: DWORD,
    h_pub_key: HCRYPTKEY,
    description: *const c_char,
    flags: DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or NUL-terminated (the function's contract).
        let description = unsafe { str_a(description) }?;
        // SAFETY: the pointer is passed on under the same contract.
        unsafe { verify(h_hash, signature, sig_len, h_pub_key, description, flags) }
    })
}

/// Verifies a signature (`CryptVerifySignatureW`); as [`CryptVerifySignatureA`] with a UTF-16
/// description.
///
/// # Safety
///
/// As [`CryptVerifySignatureA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptVerifySignatureW(
    h_hash: HCRYPTHASH,
    signature: *const u8,
    sig_len: DWORD,
    h_pub_key: HCRYPTKEY,
    description: *const WCHAR,
    flags: DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or NUL-terminated UTF-16 (the function's contract).
        let description = unsafe { str_w(description) }?;
        // SAFETY: the pointer is passed on under the same contract.
        unsafe { verify(h_hash, signature, sig_len, h_pub_key, description, flags) }
    })
}
