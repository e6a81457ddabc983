//! The provider registry: `CryptEnumProvidersA/W`, `CryptEnumProviderTypesA/W`,
//! `CryptGetDefaultProviderA/W`, `CryptSetProviderA/W` and `CryptSetProviderExA/W`, over the
//! crate's `Provider::enum_providers`, `enum_provider_types`, `default_provider` and
//! `set_default_provider`.
//!
//! Strings come back in Windows' buffer idiom: a NULL buffer gives the needed length in bytes
//! (the NUL included; UTF-8 bytes for the `A` forms, two bytes per UTF-16 unit for the `W`
//! forms) and success; a buffer too small gives `ERROR_MORE_DATA` with the needed length; a
//! buffer large enough gets the string and the length written.

#![allow(non_snake_case)]

use std::ffi::c_char;

use cryptoapi::{CRYPT_USER_DEFAULT, Error, Provider, ProviderType, Result};

use crate::boundary::{BOOL, DWORD, WCHAR, bytes_mut, dword_ptr, run, str_a, str_w};

/// A string as an `A` function returns it: UTF-8 and a NUL.
fn narrow(text: &str) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.push(0);
    out
}

/// A string as a `W` function returns it: UTF-16 little-endian units and a NUL unit.
fn wide(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// Writes `value` (already encoded) in the buffer idiom of the module docs.
///
/// # Safety
///
/// `out` is NULL or writable for `*pcb` bytes; `pcb` is NULL or a readable, writable DWORD.
unsafe fn write_string(value: &[u8], out: *mut u8, pcb: *mut DWORD) -> Result<()> {
    // SAFETY: NULL or a readable and writable DWORD (the caller's contract).
    let mut len = unsafe { dword_ptr(pcb) }?;
    let needed = value.len() as u32;
    let capacity = len.get();
    len.set(needed);
    if out.is_null() {
        return Ok(());
    }
    if capacity < needed {
        return Err(Error::MoreData);
    }
    // SAFETY: `out` holds `capacity >= needed` writable bytes (the caller's contract).
    unsafe { bytes_mut(out, value.len()) }?.copy_from_slice(value);
    Ok(())
}

/// Writes a type to the caller's optional `DWORD *`.
///
/// # Safety
///
/// `ptr` is NULL or a writable DWORD.
unsafe fn write_type(ptr: *mut DWORD, prov_type: ProviderType) -> Result<()> {
    if !ptr.is_null() {
        // SAFETY: non-NULL, so a writable DWORD (the caller's contract).
        unsafe { dword_ptr(ptr) }?.set(prov_type.raw());
    }
    Ok(())
}

/// The index-th entry of a list, after the arguments every enumeration checks.
fn entry(
    list: Vec<(ProviderType, String)>,
    index: DWORD,
    reserved: *mut DWORD,
    pcb: *mut DWORD,
    flags: DWORD,
) -> Result<(ProviderType, String)> {
    if !reserved.is_null() || pcb.is_null() {
        return Err(Error::InvalidParameter);
    }
    if flags != 0 {
        return Err(Error::BadFlags);
    }
    list.into_iter()
        .nth(index as usize)
        .ok_or(Error::NoMoreItems)
}

/// Lists the installed providers by index (`CryptEnumProvidersA`), in registry order.
///
/// # Errors (as the last error)
///
/// `ERROR_INVALID_PARAMETER` for a `pdw_reserved` that is not NULL or a NULL
/// `pcb_prov_name`; `NTE_BAD_FLAGS` for non-zero flags; `ERROR_NO_MORE_ITEMS` past the last
/// provider; `ERROR_MORE_DATA` for a short buffer.
///
/// # Safety
///
/// `pdw_prov_type` is NULL or writable; `pcb_prov_name` is NULL or readable and writable;
/// `prov_name` is NULL or writable for `*pcb_prov_name` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptEnumProvidersA(
    index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    pdw_prov_type: *mut DWORD,
    prov_name: *mut c_char,
    pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let list = Provider::enum_providers()?;
        let (prov_type, name) = entry(list, index, pdw_reserved, pcb_prov_name, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_type(pdw_prov_type, prov_type) }?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&narrow(&name), prov_name.cast(), pcb_prov_name) }
    })
}

/// `CryptEnumProvidersW`: as [`CryptEnumProvidersA`], the name in UTF-16.
///
/// # Safety
///
/// As [`CryptEnumProvidersA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptEnumProvidersW(
    index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    pdw_prov_type: *mut DWORD,
    prov_name: *mut WCHAR,
    pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let list = Provider::enum_providers()?;
        let (prov_type, name) = entry(list, index, pdw_reserved, pcb_prov_name, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_type(pdw_prov_type, prov_type) }?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&wide(&name), prov_name.cast(), pcb_prov_name) }
    })
}

/// Lists the provider types by index (`CryptEnumProviderTypesA`), by number.
///
/// # Errors (as the last error)
///
/// As [`CryptEnumProvidersA`].
///
/// # Safety
///
/// As [`CryptEnumProvidersA`], for the type's name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptEnumProviderTypesA(
    index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    pdw_prov_type: *mut DWORD,
    type_name: *mut c_char,
    pcb_type_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let list = Provider::enum_provider_types()?;
        let (prov_type, name) = entry(list, index, pdw_reserved, pcb_type_name, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_type(pdw_prov_type, prov_type) }?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&narrow(&name), type_name.cast(), pcb_type_name) }
    })
}

/// `CryptEnumProviderTypesW`: as [`CryptEnumProviderTypesA`], the name in UTF-16.
///
/// # Safety
///
/// As [`CryptEnumProviderTypesA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptEnumProviderTypesW(
    index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    pdw_prov_type: *mut DWORD,
    type_name: *mut WCHAR,
    pcb_type_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let list = Provider::enum_provider_types()?;
        let (prov_type, name) = entry(list, index, pdw_reserved, pcb_type_name, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_type(pdw_prov_type, prov_type) }?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&wide(&name), type_name.cast(), pcb_type_name) }
    })
}

/// The default provider of a type, after the reserved-pointer check.
fn get_default(prov_type: DWORD, reserved: *mut DWORD, flags: DWORD) -> Result<String> {
    if !reserved.is_null() {
        return Err(Error::InvalidParameter);
    }
    Provider::default_provider(ProviderType::from_raw(prov_type), flags)
}

/// The default provider of a type (`CryptGetDefaultProviderA`): the user's with
/// `CRYPT_USER_DEFAULT`, else the machine's (see `Provider::default_provider`).
///
/// # Errors (as the last error)
///
/// `ERROR_INVALID_PARAMETER` for a `pdw_reserved` that is not NULL or a NULL
/// `pcb_prov_name`; `NTE_BAD_FLAGS`, `NTE_BAD_PROV_TYPE` and `NTE_PROV_TYPE_NOT_DEF` as
/// `Provider::default_provider`; `ERROR_MORE_DATA` for a short buffer.
///
/// # Safety
///
/// `pcb_prov_name` is NULL or readable and writable; `prov_name` is NULL or writable for
/// `*pcb_prov_name` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetDefaultProviderA(
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    prov_name: *mut c_char,
    pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let name = get_default(prov_type, pdw_reserved, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&narrow(&name), prov_name.cast(), pcb_prov_name) }
    })
}

/// `CryptGetDefaultProviderW`: as [`CryptGetDefaultProviderA`], the name in UTF-16.
///
/// # Safety
///
/// As [`CryptGetDefaultProviderA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptGetDefaultProviderW(
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    prov_name: *mut WCHAR,
    pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| {
        let name = get_default(prov_type, pdw_reserved, flags)?;
        // SAFETY: the function's contract, passed on.
        unsafe { write_string(&wide(&name), prov_name.cast(), pcb_prov_name) }
    })
}

/// Sets or deletes a default, after the reserved-pointer check.
fn set_default(
    name: Result<Option<String>>,
    prov_type: DWORD,
    reserved: *mut DWORD,
    flags: DWORD,
) -> Result<()> {
    if !reserved.is_null() {
        return Err(Error::InvalidParameter);
    }
    Provider::set_default_provider(ProviderType::from_raw(prov_type), name?.as_deref(), flags)
}

/// Sets the user's default provider of a type (`CryptSetProviderA`): `CryptSetProviderExA`
/// with `CRYPT_USER_DEFAULT`.
///
/// # Safety
///
/// `prov_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetProviderA(prov_name: *const c_char, prov_type: DWORD) -> BOOL {
    // SAFETY: NULL or a NUL-terminated string (the function's contract).
    let name = unsafe { str_a(prov_name) };
    run(|| set_default(name, prov_type, std::ptr::null_mut(), CRYPT_USER_DEFAULT))
}

/// `CryptSetProviderW`: as [`CryptSetProviderA`], the name in UTF-16.
///
/// # Safety
///
/// `prov_name` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetProviderW(prov_name: *const WCHAR, prov_type: DWORD) -> BOOL {
    // SAFETY: NULL or a NUL-terminated UTF-16 string (the function's contract).
    let name = unsafe { str_w(prov_name) };
    run(|| set_default(name, prov_type, std::ptr::null_mut(), CRYPT_USER_DEFAULT))
}

/// Sets or deletes a user or machine default provider (`CryptSetProviderExA`; see
/// `Provider::set_default_provider`): `CRYPT_USER_DEFAULT` or `CRYPT_MACHINE_DEFAULT`, with
/// `CRYPT_DELETE_DEFAULT` to delete (the name is then not needed).
///
/// # Errors (as the last error)
///
/// `ERROR_INVALID_PARAMETER` for a `pdw_reserved` that is not NULL, or a NULL name without
/// `CRYPT_DELETE_DEFAULT`; the errors of `Provider::set_default_provider`.
///
/// # Safety
///
/// `prov_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetProviderExA(
    prov_name: *const c_char,
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    // SAFETY: NULL or a NUL-terminated string (the function's contract).
    let name = unsafe { str_a(prov_name) };
    run(|| set_default(name, prov_type, pdw_reserved, flags))
}

/// `CryptSetProviderExW`: as [`CryptSetProviderExA`], the name in UTF-16.
///
/// # Safety
///
/// `prov_name` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CryptSetProviderExW(
    prov_name: *const WCHAR,
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    // SAFETY: NULL or a NUL-terminated UTF-16 string (the function's contract).
    let name = unsafe { str_w(prov_name) };
    run(|| set_default(name, prov_type, pdw_reserved, flags))
}
