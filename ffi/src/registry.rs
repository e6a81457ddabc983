//! The provider registry: `CryptEnumProvidersA/W`, `CryptEnumProviderTypesA/W`,
//! `CryptGetDefaultProviderA/W`, `CryptSetProviderA/W` and `CryptSetProviderExA/W`.
//!
//! The crate has no provider registry yet, so these are exported with Windows' argument
//! checks (a reserved pointer that is not NULL is `ERROR_INVALID_PARAMETER`, undefined flags
//! `NTE_BAD_FLAGS`, a type outside 1..=999 `NTE_BAD_PROV_TYPE`) and then answer
//! `ERROR_CALL_NOT_IMPLEMENTED`, as a Windows without the registry entries would fail. No
//! output is written.

#![allow(non_snake_case)]

use std::ffi::c_char;

use cryptoapi::{Error, Result};

use crate::boundary::{BOOL, DWORD, WCHAR, run};

const CRYPT_MACHINE_DEFAULT: u32 = 1;
const CRYPT_USER_DEFAULT: u32 = 2;
const CRYPT_DELETE_DEFAULT: u32 = 4;

fn enumerate(reserved: *mut DWORD, flags: DWORD) -> Result<()> {
    if !reserved.is_null() {
        return Err(Error::InvalidParameter);
    }
    if flags != 0 {
        return Err(Error::BadFlags);
    }
    Err(Error::CallNotImplemented)
}

fn get_default(prov_type: DWORD, reserved: *mut DWORD, flags: DWORD) -> Result<()> {
    if !reserved.is_null() {
        return Err(Error::InvalidParameter);
    }
    if flags & !(CRYPT_MACHINE_DEFAULT | CRYPT_USER_DEFAULT) != 0 {
        return Err(Error::BadFlags);
    }
    if !(1..=999).contains(&prov_type) {
        return Err(Error::BadProvType);
    }
    Err(Error::CallNotImplemented)
}

fn set_default(named: bool, prov_type: DWORD, reserved: *mut DWORD, flags: DWORD) -> Result<()> {
    if !reserved.is_null() {
        return Err(Error::InvalidParameter);
    }
    let scope = CRYPT_MACHINE_DEFAULT | CRYPT_USER_DEFAULT;
    if flags & !(scope | CRYPT_DELETE_DEFAULT) != 0 || flags & scope == scope {
        return Err(Error::BadFlags);
    }
    if !named && flags & CRYPT_DELETE_DEFAULT == 0 {
        return Err(Error::InvalidParameter);
    }
    if !(1..=999).contains(&prov_type) {
        return Err(Error::BadProvType);
    }
    Err(Error::CallNotImplemented)
}

/// Lists the installed providers by index (`CryptEnumProvidersA`). Not implemented yet: see
/// the module docs.
#[unsafe(no_mangle)]
pub extern "C" fn CryptEnumProvidersA(
    _index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _pdw_prov_type: *mut DWORD,
    _prov_name: *mut c_char,
    _pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| enumerate(pdw_reserved, flags))
}

/// `CryptEnumProvidersW`: as [`CryptEnumProvidersA`].
#[unsafe(no_mangle)]
pub extern "C" fn CryptEnumProvidersW(
    _index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _pdw_prov_type: *mut DWORD,
    _prov_name: *mut WCHAR,
    _pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| enumerate(pdw_reserved, flags))
}

/// Lists the provider types by index (`CryptEnumProviderTypesA`). Not implemented yet: see
/// the module docs.
#[unsafe(no_mangle)]
pub extern "C" fn CryptEnumProviderTypesA(
    _index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _pdw_prov_type: *mut DWORD,
    _type_name: *mut c_char,
    _pcb_type_name: *mut DWORD,
) -> BOOL {
    run(|| enumerate(pdw_reserved, flags))
}

/// `CryptEnumProviderTypesW`: as [`CryptEnumProviderTypesA`].
#[unsafe(no_mangle)]
pub extern "C" fn CryptEnumProviderTypesW(
    _index: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _pdw_prov_type: *mut DWORD,
    _type_name: *mut WCHAR,
    _pcb_type_name: *mut DWORD,
) -> BOOL {
    run(|| enumerate(pdw_reserved, flags))
}

/// The default provider of a type (`CryptGetDefaultProviderA`). Not implemented yet: see the
/// module docs.
#[unsafe(no_mangle)]
pub extern "C" fn CryptGetDefaultProviderA(
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _prov_name: *mut c_char,
    _pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| get_default(prov_type, pdw_reserved, flags))
}

/// `CryptGetDefaultProviderW`: as [`CryptGetDefaultProviderA`].
#[unsafe(no_mangle)]
pub extern "C" fn CryptGetDefaultProviderW(
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
    _prov_name: *mut WCHAR,
    _pcb_prov_name: *mut DWORD,
) -> BOOL {
    run(|| get_default(prov_type, pdw_reserved, flags))
}

/// Sets the user's default provider of a type (`CryptSetProviderA`). Not implemented yet: see
/// the module docs.
#[unsafe(no_mangle)]
pub extern "C" fn CryptSetProviderA(prov_name: *const c_char, prov_type: DWORD) -> BOOL {
    run(|| {
        set_default(
            !prov_name.is_null(),
            prov_type,
            std::ptr::null_mut(),
            CRYPT_USER_DEFAULT,
        )
    })
}

/// `CryptSetProviderW`: as [`CryptSetProviderA`].
#[unsafe(no_mangle)]
pub extern "C" fn CryptSetProviderW(prov_name: *const WCHAR, prov_type: DWORD) -> BOOL {
    run(|| {
        set_default(
            !prov_name.is_null(),
            prov_type,
            std::ptr::null_mut(),
            CRYPT_USER_DEFAULT,
        )
    })
}

/// Sets or deletes a user or machine default provider (`CryptSetProviderExA`). Not
/// implemented yet: see the module docs.
#[unsafe(no_mangle)]
pub extern "C" fn CryptSetProviderExA(
    prov_name: *const c_char,
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| set_default(!prov_name.is_null(), prov_type, pdw_reserved, flags))
}

/// `CryptSetProviderExW`: as [`CryptSetProviderExA`].
#[unsafe(no_mangle)]
pub extern "C" fn CryptSetProviderExW(
    prov_name: *const WCHAR,
    prov_type: DWORD,
    pdw_reserved: *mut DWORD,
    flags: DWORD,
) -> BOOL {
    run(|| set_default(!prov_name.is_null(), prov_type, pdw_reserved, flags))
}
