//! Key objects: `CryptGenKey`, `CryptDeriveKey`, `CryptImportKey`, `CryptExportKey`,
//! `CryptGetUserKey`, `CryptEncrypt`, `CryptDecrypt`, `CryptGetKeyParam`, `CryptSetKeyParam`,
//! `CryptDuplicateKey` and `CryptDestroyKey`.

#![allow(non_snake_case)]

use cryptoapi::{
    AlgId, BlobType, Error, KP_ALGID, KP_BLOCKLEN, KP_CLIENT_RANDOM, KP_EFFECTIVE_KEYLEN, KP_IV,
    KP_KEYLEN, KP_MODE, KP_MODE_BITS, KP_PADDING, KP_PERMISSIONS, KP_SALT, KP_SALT_EX,
    KP_SCHANNEL_ALG, KP_SERVER_RANDOM, KP_X, Key, KeyFlags, KeySpec, Result, SchannelAlg,
    Zeroizing,
};

use crate::boundary::{
    ALG_ID, BOOL, DWORD, DwordPtr, HCRYPTHASH, HCRYPTKEY, HCRYPTPROV, bytes, bytes_mut, data_blob,
    dword_ptr, handle_out, run, write_buffer,
};
use crate::handles::{self, HashObj, lock, lock_pair};

/// Key parameters whose `pbData` is a `CRYPT_DATA_BLOB`: `KP_P`, `KP_G`, `KP_Q`, `KP_X`
/// (11-14), `KP_CLIENT_RANDOM`, `KP_SERVER_RANDOM` (21, 22), `KP_PUB_PARAMS` (39).
const BLOB_PARAMS: [u32; 7] = [11, 12, 13, 14, KP_CLIENT_RANDOM, KP_SERVER_RANDOM, 39];
/// The salt length `KP_SALT` reads.
const SALT_LEN: usize = 11;
/// `ALG_CLASS_SIGNATURE`: signature key pairs.
pub(crate) const CLASS_SIGNATURE: u32 = 1 << 13;
/// `ALG_CLASS_DATA_ENCRYPT`: session keys.
const CLASS_DATA_ENCRYPT: u32 = 3 << 13;
/// `ALG_CLASS_KEY_EXCHANGE`: key-exchange key pairs.
pub(crate) const CLASS_KEY_EXCHANGE: u32 = 5 << 13;

/// A key's algorithm class (`GET_ALG_CLASS`).
pub(crate) fn alg_class(key: &Key<'_>) -> u32 {
    key.alg_id().raw() & (7 << 13)
}

fn is_session_key(key: &Key<'_>) -> bool {
    alg_class(key) == CLASS_DATA_ENCRYPT
}

/// Makes a key (`CryptGenKey`): a session key of `alg`, or the context's key pair for
/// `AT_KEYEXCHANGE`/`CALG_RSA_KEYX` or `AT_SIGNATURE`/`CALG_RSA_SIGN`. The upper 16 bits of
/// `flags` are the length in bits (0: the provider's default).
///
/// # Safety
///
/// `ph_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGenKey(
    h_prov: HCRYPTPROV,
    alg: ALG_ID,
    flags: DWORD,
    ph_key: *mut HCRYPTKEY,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_key` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_key) }?;
        let prov = handles::prov(h_prov)?;
        let key = prov.gen_key(AlgId::from_raw(alg), KeyFlags::from_bits_retain(flags))?;
        out.set(handles::insert_key(h_prov, &prov, key.into_owned())?);
        Ok(())
    })
}

/// Derives a session key from a hash's value (`CryptDeriveKey`), as Microsoft's providers do;
/// `CALG_SCHANNEL_ENC_KEY` and `CALG_SCHANNEL_MAC_KEY` cut a connection's keys from a
/// `CALG_SCHANNEL_MASTER_HASH` (`CRYPT_SERVER` in `flags`: the server's).
///
/// # Safety
///
/// `ph_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptDeriveKey(
    h_prov: HCRYPTPROV,
    alg: ALG_ID,
    h_base_data: HCRYPTHASH,
    flags: DWORD,
    ph_key: *mut HCRYPTKEY,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_key` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_key) }?;
        let prov = handles::prov(h_prov)?;
        let (hash, _) = handles::hash(h_base_data)?;
        let key = prov.derive_key(
            AlgId::from_raw(alg),
            &mut lock(&hash),
            KeyFlags::from_bits_retain(flags),
        )?;
        out.set(handles::insert_key(h_prov, &prov, key.into_owned())?);
        Ok(())
    })
}

/// Imports a key BLOB (`CryptImportKey`): `SIMPLEBLOB` (unwrapped with `h_pub_key`, or the
/// context's exchange pair when 0), `PUBLICKEYBLOB`, `PRIVATEKEYBLOB` (into the context's slot;
/// first decrypted with `h_pub_key` when that is a session key, as `CryptExportKey` wrapped
/// it) and `PLAINTEXTKEYBLOB`.
///
/// # Safety
///
/// `data` is NULL or readable for `len` bytes; `ph_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptImportKey(
    h_prov: HCRYPTPROV,
    data: *const u8,
    len: DWORD,
    h_pub_key: HCRYPTKEY,
    flags: DWORD,
    ph_key: *mut HCRYPTKEY,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_key` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_key) }?;
        if data.is_null() || len == 0 {
            return Err(Error::InvalidParameter);
        }
        let prov = handles::prov(h_prov)?;
        // SAFETY: `data` is readable for `len` bytes (the function's contract).
        let blob = unsafe { bytes(data, len as usize) }?;
        let unwrap = match h_pub_key {
            0 => None,
            handle => Some(handles::key(handle)?.0),
        };
        let guard = unwrap.as_deref().map(lock);
        let key = prov.import_key(blob, guard.as_deref(), KeyFlags::from_bits_retain(flags))?;
        drop(guard);
        out.set(handles::insert_key(h_prov, &prov, key.into_owned())?);
        Ok(())
    })
}

/// Exports a key as a BLOB (`CryptExportKey`), with the buffer idiom: `SIMPLEBLOB` (wrapped
/// with `h_exp_key`), `PUBLICKEYBLOB`, `PRIVATEKEYBLOB` (exportable keys; with a session key as
/// `h_exp_key`, everything after the BLOBHEADER encrypted with it), `PLAINTEXTKEYBLOB`. The type is read from the low byte of `blob_type`, as Windows does.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or writable for
/// `*pdw_data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptExportKey(
    h_key: HCRYPTKEY,
    h_exp_key: HCRYPTKEY,
    blob_type: DWORD,
    flags: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let (key, _) = handles::key(h_key)?;
        let wrap = match h_exp_key {
            0 => None,
            handle => Some(handles::key(handle)?.0),
        };
        let blob_type = BlobType::from_raw(blob_type & 0xff).ok_or(Error::BadType)?;
        let blob = match &wrap {
            None => lock(&key).export(None, blob_type, flags)?,
            Some(wrap) if std::sync::Arc::ptr_eq(wrap, &key) => {
                let key = lock(&key);
                key.export(Some(&key), blob_type, flags)?
            }
            Some(wrap) => {
                let (key, wrap) = lock_pair(&key, wrap);
                key.export(Some(&wrap), blob_type, flags)?
            }
        };
        // SAFETY: `data` is NULL or writable for `*pdw_data_len` bytes (the contract).
        unsafe { write_buffer(&blob, data, &mut len) }
    })
}

/// A handle on one of the context's key pairs (`CryptGetUserKey`): `AT_KEYEXCHANGE` or
/// `AT_SIGNATURE`. An empty slot or another spec is `NTE_NO_KEY`.
///
/// # Safety
///
/// `ph_user_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetUserKey(
    h_prov: HCRYPTPROV,
    spec: DWORD,
    ph_user_key: *mut HCRYPTKEY,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_user_key` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_user_key) }?;
        let prov = handles::prov(h_prov)?;
        let spec = KeySpec::from_raw(spec).ok_or(Error::NoKey)?;
        let key = prov.user_key(spec)?;
        out.set(handles::insert_key(h_prov, &prov, key.into_owned())?);
        Ok(())
    })
}

/// The hash a `CryptEncrypt`/`CryptDecrypt` updates alongside: 0 is none.
fn side_hash(h_hash: HCRYPTHASH) -> Result<Option<HashObj>> {
    match h_hash {
        0 => Ok(None),
        handle => Ok(Some(handles::hash(handle)?.0)),
    }
}

/// Runs `op` on the key with the side hash locked too (in address order), or alone.
fn with_key_and_hash<T>(
    key: &std::sync::Mutex<Key<'static>>,
    hash: Option<&HashObj>,
    op: impl FnOnce(&mut Key<'static>, Option<&mut cryptoapi::Hash<'static>>) -> Result<T>,
) -> Result<T> {
    match hash {
        None => op(&mut lock(key), None),
        Some(hash) => {
            let (mut key, mut hash) = lock_pair(key, hash);
            op(&mut key, Some(&mut hash))
        }
    }
}

/// Encrypts in place (`CryptEncrypt`): `*pdw_data_len` plaintext bytes in a buffer of
/// `buf_len` bytes become the ciphertext, whose length goes to `*pdw_data_len`. A NULL `data`
/// asks for the output length; one longer than `buf_len` is `ERROR_MORE_DATA` with the length
/// (the key is left as it was). `flags` is 0 or, for RSA, `CRYPT_OAEP`; `h_hash` (0 for none)
/// receives the plaintext.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or readable and writable
/// for `max(buf_len, *pdw_data_len)` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptEncrypt(
    h_key: HCRYPTKEY,
    h_hash: HCRYPTHASH,
    final_block: BOOL,
    flags: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
    buf_len: DWORD,
) -> BOOL {
    run(|| {
        let (key, _) = handles::key(h_key)?;
        let hash = side_hash(h_hash)?;
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let final_block = final_block != 0;
        with_key_and_hash(&key, hash.as_ref(), |key, hash| {
            let data_len = len.get() as usize;
            let needed = key.encrypted_len(data_len, final_block);
            let needed_dword = u32::try_from(needed).map_err(|_| Error::BadLen)?;
            if data.is_null() {
                len.set(needed_dword);
                return Ok(());
            }
            if needed > buf_len as usize {
                len.set(needed_dword);
                return Err(Error::MoreData);
            }
            // SAFETY: `data` holds `max(buf_len, *pdw_data_len)` bytes (the contract).
            let buf = unsafe { bytes_mut(data, data_len.max(buf_len as usize)) }?;
            let out_len = if hash.is_none() && flags == 0 && is_session_key(key) {
                key.encrypt_in_place(buf, data_len, final_block)?
            } else {
                let mut text = Zeroizing::new(Vec::with_capacity(needed));
                text.extend_from_slice(&buf[..data_len]);
                key.encrypt_with(hash, final_block, flags, &mut text)?;
                let out = buf.get_mut(..text.len()).ok_or(Error::MoreData)?;
                out.copy_from_slice(&text);
                text.len()
            };
            set_len(&mut len, out_len)
        })
    })
}

fn set_len(len: &mut DwordPtr<'_>, value: usize) -> Result<()> {
    len.set(u32::try_from(value).map_err(|_| Error::BadLen)?);
    Ok(())
}

/// Decrypts in place (`CryptDecrypt`): `*pdw_data_len` ciphertext bytes become the plaintext,
/// whose length goes to `*pdw_data_len`. On bad padding (`NTE_BAD_DATA`) the length is left
/// unchanged and the key reset. `flags` is 0 or, for RSA, `CRYPT_OAEP`; `h_hash` (0 for none)
/// receives the plaintext.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or readable and writable
/// for `*pdw_data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptDecrypt(
    h_key: HCRYPTKEY,
    h_hash: HCRYPTHASH,
    final_block: BOOL,
    flags: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
) -> BOOL {
    run(|| {
        let (key, _) = handles::key(h_key)?;
        let hash = side_hash(h_hash)?;
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let final_block = final_block != 0;
        with_key_and_hash(&key, hash.as_ref(), |key, hash| {
            // SAFETY: `data` is NULL or holds `*pdw_data_len` bytes (the contract).
            let buf = unsafe { bytes_mut(data, len.get() as usize) }?;
            let out_len = if hash.is_none() && flags == 0 && is_session_key(key) {
                key.decrypt_in_place(buf, final_block)?
            } else {
                let mut text = Zeroizing::new(buf.to_vec());
                key.decrypt_with(hash, final_block, flags, &mut text)?;
                let out = buf.get_mut(..text.len()).ok_or(Error::MoreData)?;
                out.copy_from_slice(&text);
                text.len()
            };
            set_len(&mut len, out_len)
        })
    })
}

/// A key parameter (`CryptGetKeyParam`), with the buffer idiom: `KP_IV`, `KP_SALT`,
/// `KP_PADDING`, `KP_MODE`, `KP_MODE_BITS`, `KP_PERMISSIONS`, `KP_ALGID`, `KP_BLOCKLEN`,
/// `KP_KEYLEN`, `KP_EFFECTIVE_KEYLEN`; `NTE_BAD_TYPE` for the rest.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or writable for
/// `*pdw_data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetKeyParam(
    h_key: HCRYPTKEY,
    param: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let (key, _) = handles::key(h_key)?;
        let value = Zeroizing::new(lock(&key).param(param, flags)?);
        // SAFETY: `data` is NULL or writable for `*pdw_data_len` bytes (the contract).
        unsafe { write_buffer(&value, data, &mut len) }
    })
}

/// Sets a key parameter (`CryptSetKeyParam`). What `data` points to depends on `param`: a
/// DWORD (`KP_MODE`, `KP_MODE_BITS`, `KP_PADDING`, `KP_PERMISSIONS`, `KP_EFFECTIVE_KEYLEN`),
/// one block (`KP_IV`), 11 bytes (`KP_SALT`), a `CRYPT_DATA_BLOB` (`KP_SALT_EX`,
/// `KP_CLIENT_RANDOM`, `KP_SERVER_RANDOM`), a `SCHANNEL_ALG` (`KP_SCHANNEL_ALG`). NULL is
/// `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `data` is NULL or points to what `param` takes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetKeyParam(
    h_key: HCRYPTKEY,
    param: DWORD,
    data: *const u8,
    flags: DWORD,
) -> BOOL {
    run(|| {
        let (key, _) = handles::key(h_key)?;
        let mut key = lock(&key);
        if data.is_null() {
            // KP_X with NULL data generates a CRYPT_PREGEN DH key's secret (dssenh.c).
            if param == KP_X {
                return key.set_param(param, &[], flags);
            }
            return Err(Error::InvalidParameter);
        }
        // What the crate refuses before reading the data (a salt on a key without one, an
        // id it does not set) gets zeros of the right length rather than a read of a
        // caller's buffer whose length only the id would tell.
        let zeros = [0u8; 20];
        match param {
            KP_IV => {
                // An RSA key's block length is its modulus': it has no IV either.
                let block = if is_session_key(&key) {
                    key.block_bits() as usize / 8
                } else {
                    0
                };
                if block == 0 {
                    // RC4 and RSA keys have no IV: accepted and ignored, nothing is read.
                    if flags != 0 {
                        return Err(Error::BadFlags);
                    }
                    return key.set_iv(&[]);
                }
                // SAFETY: for KP_IV, `data` holds one block (the contract).
                let iv = unsafe { bytes(data, block) }?;
                key.set_param(param, iv, flags)
            }
            KP_SALT => {
                let salted = matches!(key.alg_id(), AlgId::RC2 | AlgId::RC4);
                let salt = if salted {
                    // SAFETY: for KP_SALT on RC2 and RC4 keys, `data` holds the 11-byte salt.
                    unsafe { bytes(data, SALT_LEN) }?
                } else {
                    &zeros[..SALT_LEN]
                };
                key.set_param(param, salt, flags)
            }
            KP_SALT_EX => {
                // SAFETY: for KP_SALT_EX, `data` points to a CRYPT_INTEGER_BLOB (contract).
                let salt = unsafe { data_blob(data) }?;
                key.set_param(param, salt, flags)
            }
            KP_PADDING | KP_MODE | KP_MODE_BITS | KP_PERMISSIONS | KP_EFFECTIVE_KEYLEN
            | KP_ALGID | KP_BLOCKLEN | KP_KEYLEN => {
                // SAFETY: for these ids, `data` points to a DWORD (the contract).
                let value = unsafe { bytes(data, 4) }?;
                key.set_param(param, value, flags)
            }
            KP_SCHANNEL_ALG => {
                // SAFETY: for KP_SCHANNEL_ALG, `data` points to a SCHANNEL_ALG (20 bytes).
                let alg = unsafe { bytes(data, SchannelAlg::RAW_LEN) }?;
                key.set_param(param, alg, flags)
            }
            id if BLOB_PARAMS.contains(&id) => {
                // SAFETY: for these ids, `data` points to a CRYPT_DATA_BLOB (contract).
                let blob = unsafe { data_blob(data) }?;
                key.set_param(param, blob, flags)
            }
            _ => key.set_param(param, &zeros[..4], flags),
        }
    })
}

/// Copies a key with its state (`CryptDuplicateKey`). `pdw_reserved` must be NULL and
/// `flags` 0 (`ERROR_INVALID_PARAMETER` otherwise, as advapi32 answers).
///
/// # Safety
///
/// `ph_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptDuplicateKey(
    h_key: HCRYPTKEY,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    ph_key: *mut HCRYPTKEY,
) -> BOOL {
    run(|| {
        // SAFETY: `ph_key` is NULL or writable (the function's contract).
        let mut out = unsafe { handle_out(ph_key) }?;
        let (key, parent) = handles::key(h_key)?;
        if !pdw_reserved.is_null() || flags != 0 {
            return Err(Error::InvalidParameter);
        }
        let prov = handles::prov(parent)?;
        let copy = lock(&key).duplicate()?;
        out.set(handles::insert_key(parent, &prov, copy)?);
        Ok(())
    })
}

/// Destroys a key (`CryptDestroyKey`); its handle is stale afterwards. A key pair stays in
/// its container.
#[unsafe(no_mangle)]
pub extern "C" fn CryptDestroyKey(h_key: HCRYPTKEY) -> BOOL {
    run(|| handles::destroy_key(h_key))
}
