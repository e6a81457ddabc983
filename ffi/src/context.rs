//! Provider contexts: `CryptAcquireContextA/W`, `CryptContextAddRef`, `CryptReleaseContext`,
//! `CryptGenRandom`, `CryptGetProvParam`, `CryptSetProvParam`, and the thread's last error.

#![allow(non_snake_case)]

use std::ffi::c_char;

use cryptoapi::{
    AcquireFlags, Error, PP_CLIENT_HWND, PP_ENUMALGS, PP_ENUMALGS_EX, PP_ENUMCONTAINERS,
    PP_KEYSET_SEC_DESCR, PP_UI_PROMPT, Provider, ProviderType, Result, codes,
};

use crate::boundary::{
    self, BOOL, BOOLEAN, DWORD, HCRYPTPROV, WCHAR, bytes_mut, dword_ptr, handle_out, run, str_a,
    str_w, write_buffer,
};
use crate::handles;

fn acquire(
    ph_prov: Option<boundary::HandleOut<'_>>,
    container: Result<Option<String>>,
    provider: Result<Option<String>>,
    prov_type: DWORD,
    flags: DWORD,
) -> Result<()> {
    // The type is checked before the output pointer, as on Windows.
    let Some(mut out) = ph_prov else {
        return Err(if (1..=999).contains(&prov_type) {
            Error::InvalidParameter
        } else {
            Error::BadProvType
        });
    };
    let (container, provider) = (container?, provider?);
    let prov_type = ProviderType::from_raw(prov_type);
    let action = AcquireFlags::NEWKEYSET | AcquireFlags::VERIFYCONTEXT | AcquireFlags::DELETEKEYSET;
    let flags = AcquireFlags::from_bits_retain(flags);
    if flags & action == AcquireFlags::DELETEKEYSET {
        Provider::delete_container(container.as_deref(), provider.as_deref(), prov_type, flags)?;
        // `*phProv` becomes 0: there is nothing to release.
        out.set(0);
        return Ok(());
    }
    let prov = Provider::acquire(container.as_deref(), provider.as_deref(), prov_type, flags)?;
    out.set(handles::insert_prov(prov));
    Ok(())
}

/// Sets `ERROR_SUCCESS` after a successful acquire, as Windows' providers do.
fn acquired(result: BOOL) -> BOOL {
    if result != 0 {
        boundary::set_last_error(0);
    }
    result
}

/// Opens a context on a provider (`CryptAcquireContextA`); names are UTF-8.
///
/// # Safety
///
/// `ph_prov` is NULL or writable; `container` and `provider` are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptAcquireContextA(
    ph_prov: *mut HCRYPTPROV,
    container: *const c_char,
    provider: *const c_char,
    prov_type: DWORD,
    flags: DWORD,
) -> BOOL {
    acquired(run(|| {
        // SAFETY: the function's contract: NULL or NUL-terminated strings.
        let container = unsafe { str_a(container) };
        // SAFETY: as above.
        let provider = unsafe { str_a(provider) };
        // SAFETY: `ph_prov` is NULL or writable (the function's contract).
        let out = unsafe { handle_out(ph_prov) }.ok();
        acquire(out, container, provider, prov_type, flags)
    }))
}

/// Opens a context on a provider (`CryptAcquireContextW`); names are UTF-16.
///
/// # Safety
///
/// `ph_prov` is NULL or writable; `container` and `provider` are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptAcquireContextW(
    ph_prov: *mut HCRYPTPROV,
    container: *const WCHAR,
    provider: *const WCHAR,
    prov_type: DWORD,
    flags: DWORD,
) -> BOOL {
    acquired(run(|| {
        // SAFETY: the function's contract: NULL or NUL-terminated UTF-16 strings.
        let container = unsafe { str_w(container) };
        // SAFETY: as above.
        let provider = unsafe { str_w(provider) };
        // SAFETY: `ph_prov` is NULL or writable (the function's contract).
        let out = unsafe { handle_out(ph_prov) }.ok();
        acquire(out, container, provider, prov_type, flags)
    }))
}

/// Adds a reference to a context (`CryptContextAddRef`).
///
/// `pdw_reserved` must be NULL and `flags` 0, as Microsoft documents
/// (`ERROR_INVALID_PARAMETER` and `NTE_BAD_FLAGS` otherwise); the pointer is never read.
#[unsafe(no_mangle)]
pub extern "C" fn CryptContextAddRef(
    h_prov: HCRYPTPROV,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| {
        handles::prov(h_prov)?;
        if !pdw_reserved.is_null() {
            return Err(Error::InvalidParameter);
        }
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        handles::add_ref(h_prov)
    })
}

/// Drops a reference to a context (`CryptReleaseContext`); the last one destroys the context
/// with its keys and hashes. Non-zero `flags` still release, then answer `NTE_BAD_FLAGS`.
#[unsafe(no_mangle)]
pub extern "C" fn CryptReleaseContext(h_prov: HCRYPTPROV, flags: DWORD) -> BOOL {
    run(|| {
        handles::release(h_prov)?;
        if flags != 0 {
            return Err(Error::BadFlags);
        }
        Ok(())
    })
}

/// Fills a buffer with random bytes (`CryptGenRandom`).
///
/// # Safety
///
/// `buffer` is NULL or writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGenRandom(h_prov: HCRYPTPROV, len: DWORD, buffer: *mut u8) -> BOOL {
    run(|| {
        let prov = handles::prov(h_prov)?;
        // SAFETY: `buffer` is NULL or writable for `len` bytes (the function's contract).
        let buf = unsafe { bytes_mut(buffer, len as usize) }?;
        prov.gen_random(buf)
    })
}

/// `RtlGenRandom`: fills a buffer from the operating system's generator. `(NULL, 0)` succeeds;
/// NULL with a length answers `FALSE` (Windows crashes there).
///
/// # Safety
///
/// `buffer` is NULL or writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SystemFunction036(buffer: *mut u8, len: u32) -> BOOLEAN {
    let ok = run(|| {
        // SAFETY: `buffer` is NULL or writable for `len` bytes (the function's contract).
        let buf = unsafe { bytes_mut(buffer, len as usize) }?;
        Provider::verify_context(ProviderType::RSA_FULL)?.gen_random(buf)
    });
    BOOLEAN::from(ok != 0)
}

/// A context parameter (`CryptGetProvParam`), with the buffer idiom.
///
/// `PP_ENUMCONTAINERS` follows Windows: a NULL buffer reports 261 (`MAX_PATH + 1`); a name that
/// fits is written and leaves `*pdwDataLen` unchanged; the end is `ERROR_NO_MORE_ITEMS`.
///
/// # Safety
///
/// `pdw_data_len` is NULL or readable and writable; `data` is NULL or writable for
/// `*pdw_data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetProvParam(
    h_prov: HCRYPTPROV,
    param: DWORD,
    data: *mut u8,
    pdw_data_len: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| {
        // SAFETY: NULL or a readable and writable DWORD (the function's contract).
        let mut len = unsafe { dword_ptr(pdw_data_len) }?;
        let prov = handles::prov(h_prov)?;
        match param {
            // Enumerations: a size query (or a short buffer) must not move the cursor.
            PP_ENUMCONTAINERS | PP_ENUMALGS | PP_ENUMALGS_EX => {
                let size = prov.param_len(param, flags)?;
                if data.is_null() {
                    len.set(size as u32);
                    return Ok(());
                }
                let capacity = len.get() as usize;
                if param != PP_ENUMCONTAINERS && capacity < size {
                    len.set(size as u32);
                    return Err(Error::MoreData);
                }
                let value = prov.param(param, flags)?;
                if capacity < value.len() {
                    return Err(Error::MoreData);
                }
                // SAFETY: `data` holds `capacity >= value.len()` writable bytes (contract).
                let out = unsafe { bytes_mut(data, value.len()) }?;
                out.copy_from_slice(&value);
                // A container name that fits leaves the length as it was, as on Windows.
                if param != PP_ENUMCONTAINERS {
                    len.set(value.len() as u32);
                }
                Ok(())
            }
            // Windows answers a size query for the descriptor with success and
            // ERROR_INSUFFICIENT_BUFFER as the last error, and a short buffer with that error.
            PP_KEYSET_SEC_DESCR => {
                let value = prov.param(param, flags)?;
                let capacity = len.get() as usize;
                len.set(value.len() as u32);
                if data.is_null() {
                    boundary::set_last_error(codes::ERROR_INSUFFICIENT_BUFFER);
                    return Ok(());
                }
                if capacity < value.len() {
                    return Err(Error::InsufficientBuffer);
                }
                // SAFETY: `data` holds `capacity >= value.len()` writable bytes (contract).
                let out = unsafe { bytes_mut(data, value.len()) }?;
                out.copy_from_slice(&value);
                Ok(())
            }
            _ => {
                let value = prov.param(param, flags)?;
                // SAFETY: `data` is NULL or holds `*pdw_data_len` writable bytes (contract).
                unsafe { write_buffer(&value, data, &mut len) }
            }
        }
    })
}

/// Sets a context parameter (`CryptSetProvParam`): see `Provider::set_param` for what each id
/// does.
///
/// * `PP_CLIENT_HWND`, as the id or as a flag: `data` is the window handle itself (never
///   read); NULL is `ERROR_INVALID_PARAMETER`.
/// * `PP_KEYSET_SEC_DESCR`: `data` is a self-relative `SECURITY_DESCRIPTOR`, `flags` its
///   `SECURITY_INFORMATION` bits.
/// * `PP_UI_PROMPT`: `data` is a NUL-terminated UTF-16 string.
/// * `PP_DELETEKEY`: `data` is not read.
///
/// # Safety
///
/// `data` is NULL or points to what the parameter id says it does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetProvParam(
    h_prov: HCRYPTPROV,
    param: DWORD,
    data: *const u8,
    flags: DWORD,
) -> BOOL {
    run(|| {
        let prov = handles::prov(h_prov)?;
        let hwnd = data.addr().to_le_bytes();
        let prompt;
        let value: &[u8] = if param == PP_CLIENT_HWND
            || (flags & PP_CLIENT_HWND != 0 && param != PP_KEYSET_SEC_DESCR)
        {
            if data.is_null() { &[] } else { &hwnd }
        } else {
            match param {
                // SAFETY: a self-relative security descriptor or NULL (the id's contract).
                PP_KEYSET_SEC_DESCR => unsafe { boundary::security_descriptor(data) }?,
                PP_UI_PROMPT => {
                    // SAFETY: a NUL-terminated UTF-16 string or NULL (the id's contract).
                    let text = unsafe { str_w(data.cast::<WCHAR>()) }?;
                    prompt = text.ok_or(Error::InvalidParameter)?;
                    prompt.as_bytes()
                }
                _ => &hwnd,
            }
        };
        prov.set_param(param, value, flags)
    })
}

/// The calling thread's last error code.
#[unsafe(no_mangle)]
pub extern "C" fn GetLastError() -> DWORD {
    boundary::last_error()
}

/// Sets the calling thread's last error code.
#[unsafe(no_mangle)]
pub extern "C" fn SetLastError(code: DWORD) {
    boundary::set_last_error(code);
}
