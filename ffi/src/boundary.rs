//! The boundary: Windows' base types, the thread's last error, the one wrapper every export
//! runs in, and the pointer checks that turn C arguments into safe Rust values.
//!
//! Every `unsafe` operation of the library is in this module (the exports only call the
//! `unsafe fn`s below, each in a block that states which argument contract makes it sound).
//! Past these functions everything is safe Rust calling the `cryptoapi` crate.

#![allow(non_camel_case_types)]

use std::cell::Cell;
use std::ffi::c_char;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use cryptoapi::{Error, Result, codes};

/// `BOOL`: a 32-bit integer, `TRUE` (1) or `FALSE` (0).
pub type BOOL = i32;
/// `BOOLEAN`: an 8-bit truth value (`SystemFunction036`'s result).
pub type BOOLEAN = u8;
/// `DWORD`: an unsigned 32-bit integer.
pub type DWORD = u32;
/// `ALG_ID`: an algorithm identifier (`CALG_*`).
pub type ALG_ID = u32;
/// `HCRYPTPROV`: a provider context handle (the address of a library-owned cell).
pub type HCRYPTPROV = usize;
/// `HCRYPTKEY`: a key handle (the address of a library-owned cell).
pub type HCRYPTKEY = usize;
/// `HCRYPTHASH`: a hash handle (the address of a library-owned cell).
pub type HCRYPTHASH = usize;
/// `WCHAR`: one UTF-16 code unit.
pub type WCHAR = u16;

/// `TRUE`.
pub const TRUE: BOOL = 1;
/// `FALSE`.
pub const FALSE: BOOL = 0;

/// The longest string (in bytes or UTF-16 units, without the NUL) an `A` or `W` argument may
/// have. Windows' own names are at most 260 characters; a longer scan means a missing
/// terminator, answered `ERROR_INVALID_PARAMETER` instead of reading on.
const MAX_STRING: usize = 32 * 1024;

thread_local! {
    static LAST_ERROR: Cell<u32> = const { Cell::new(0) };
}

/// Sets the calling thread's last error (`SetLastError`).
pub(crate) fn set_last_error(code: u32) {
    // During thread teardown the slot may be gone; the code is then unobservable anyway.
    let _ = LAST_ERROR.try_with(|slot| slot.set(code));
}

/// The calling thread's last error (`GetLastError`).
pub(crate) fn last_error() -> u32 {
    LAST_ERROR.try_with(Cell::get).unwrap_or(0)
}

/// Runs one export's body: `TRUE` on success; on failure `FALSE` with the error's Windows code
/// as the thread's last error. A panic is caught here, never unwinds into C, and is answered
/// `NTE_FAIL`.
pub(crate) fn run(body: impl FnOnce() -> Result<()>) -> BOOL {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => TRUE,
        Ok(Err(err)) => {
            set_last_error(err.code());
            FALSE
        }
        Err(_) => {
            set_last_error(codes::NTE_FAIL);
            FALSE
        }
    }
}

/// A caller's `DWORD *` (an in/out length, a type, a reserved word), checked non-NULL.
///
/// Reads and writes are unaligned, as x86 Windows tolerates.
pub(crate) struct DwordPtr<'a> {
    ptr: *mut u32,
    _caller: PhantomData<&'a mut u32>,
}

impl DwordPtr<'_> {
    /// The value the caller passed in.
    pub(crate) fn get(&self) -> u32 {
        // SAFETY: non-NULL, valid for 4-byte reads and writes for `'a` (`dword_ptr`'s contract).
        unsafe { self.ptr.read_unaligned() }
    }

    /// Stores `value` for the caller.
    pub(crate) fn set(&mut self, value: u32) {
        // SAFETY: as in `get`.
        unsafe { self.ptr.write_unaligned(value) }
    }
}

/// Checks a `DWORD *` argument: NULL is `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `ptr` is NULL or valid for reads and writes of 4 bytes for `'a` (the Windows contract of
/// every `DWORD *` parameter).
pub(crate) unsafe fn dword_ptr<'a>(ptr: *mut u32) -> Result<DwordPtr<'a>> {
    if ptr.is_null() {
        return Err(Error::InvalidParameter);
    }
    Ok(DwordPtr {
        ptr,
        _caller: PhantomData,
    })
}

/// A caller's output handle (`HCRYPTKEY *` and the like), checked non-NULL. It is written
/// only on success: a failed call leaves the caller's variable as it was, as Windows does
/// (programs rely on it: a failed `CryptGenKey` must not clobber a key handle they still use).
pub(crate) struct HandleOut<'a> {
    ptr: *mut usize,
    _caller: PhantomData<&'a mut usize>,
}

impl HandleOut<'_> {
    /// Stores the new handle for the caller.
    pub(crate) fn set(&mut self, handle: usize) {
        // SAFETY: non-NULL, valid for writes of one handle for `'a` (`handle_out`'s contract).
        unsafe { self.ptr.write_unaligned(handle) }
    }
}

/// Checks an output-handle argument: NULL is `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `ptr` is NULL or valid for writes of one handle (`uintptr_t`) for `'a`.
pub(crate) unsafe fn handle_out<'a>(ptr: *mut usize) -> Result<HandleOut<'a>> {
    if ptr.is_null() {
        return Err(Error::InvalidParameter);
    }
    Ok(HandleOut {
        ptr,
        _caller: PhantomData,
    })
}

/// `len` bytes the caller passed in; an empty slice for length 0 (whatever the pointer), and
/// `ERROR_INVALID_PARAMETER` for NULL with a length.
///
/// # Safety
///
/// When `len` is not 0, `ptr` is NULL or valid for reads of `len` bytes for `'a`, and nothing
/// writes them meanwhile.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::InvalidParameter);
    }
    // `u8` has no alignment requirement.
    // SAFETY: non-NULL, and valid for `len` bytes by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The caller's writable buffer of `len` bytes; an empty slice for length 0, and
/// `ERROR_INVALID_PARAMETER` for NULL with a length.
///
/// # Safety
///
/// When `len` is not 0, `ptr` is NULL or valid for reads and writes of `len` bytes for `'a`,
/// and nothing else accesses them meanwhile.
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> Result<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Error::InvalidParameter);
    }
    // SAFETY: non-NULL, valid for `len` bytes and not aliased, by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Copies a `#[repr(C)]` structure of plain integers and pointers out of the caller's memory.
///
/// # Safety
///
/// `ptr` is NULL or valid for reads of one `T`; `T` is a `Copy` structure for which every bit
/// pattern is valid (integers and raw pointers only).
pub(crate) unsafe fn read_struct<T: Copy>(ptr: *const T) -> Result<T> {
    if ptr.is_null() {
        return Err(Error::InvalidParameter);
    }
    // An unaligned read, and every bit pattern is a valid `T` (integers and raw pointers).
    // SAFETY: non-NULL and valid for one `T` by the caller's contract.
    Ok(unsafe { ptr.read_unaligned() })
}

/// A NUL-terminated UTF-8 string (`LPCSTR`); `None` for NULL.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` when the bytes are not UTF-8 or no NUL comes within
/// 32 KiB.
///
/// # Safety
///
/// `ptr` is NULL or points to a NUL-terminated string that stays unchanged during the call.
pub(crate) unsafe fn str_a(ptr: *const c_char) -> Result<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let mut len = 0;
    // The scan stops at the NUL.
    // SAFETY: readable up to and including its NUL (the caller's contract).
    while unsafe { ptr.wrapping_add(len).read() } != 0 {
        len += 1;
        if len > MAX_STRING {
            return Err(Error::InvalidParameter);
        }
    }
    // SAFETY: the `len` bytes before the NUL were just read.
    let raw = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(raw)
        .map(|s| Some(s.to_owned()))
        .map_err(|_| Error::InvalidParameter)
}

/// A NUL-terminated UTF-16 string (`LPCWSTR`); `None` for NULL.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for an unpaired surrogate, or when no NUL comes within 32 Ki
/// units.
///
/// # Safety
///
/// `ptr` is NULL or points to a NUL-terminated UTF-16 string that stays unchanged during the
/// call.
pub(crate) unsafe fn str_w(ptr: *const WCHAR) -> Result<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let mut units = Vec::new();
    loop {
        // The loop stops at the 0; unaligned, as a `WCHAR *` into a byte buffer may be.
        // SAFETY: readable up to and including the terminating 0 (the caller's contract).
        let unit = unsafe { ptr.wrapping_add(units.len()).read_unaligned() };
        if unit == 0 {
            break;
        }
        units.push(unit);
        if units.len() > MAX_STRING {
            return Err(Error::InvalidParameter);
        }
    }
    String::from_utf16(&units)
        .map(Some)
        .map_err(|_| Error::InvalidParameter)
}

/// Windows' buffer idiom for an output of `data`: a NULL `pb` asks for the size, which goes
/// to `*pdw` (success); a buffer shorter than `*pdw` says is `ERROR_MORE_DATA` with the needed
/// size in `*pdw`; otherwise `data` is copied and `*pdw` set to its length.
///
/// # Safety
///
/// `pb` is NULL or valid for writes of the `pdw.get()` bytes the caller said it holds.
pub(crate) unsafe fn write_buffer(data: &[u8], pb: *mut u8, pdw: &mut DwordPtr<'_>) -> Result<()> {
    let needed = u32::try_from(data.len()).map_err(|_| Error::NoMemory)?;
    if pb.is_null() {
        pdw.set(needed);
        return Ok(());
    }
    let capacity = pdw.get();
    pdw.set(needed);
    if capacity < needed {
        return Err(Error::MoreData);
    }
    // SAFETY: `pb` holds `capacity >= needed` writable bytes by the caller's contract.
    let out = unsafe { bytes_mut(pb, data.len()) }?;
    out.copy_from_slice(data);
    Ok(())
}

/// The largest security descriptor read from a caller (a self-relative descriptor's parts are
/// each at most 64 KiB).
const MAX_SECURITY_DESCRIPTOR: usize = 4 * 0x1_0000;

/// The bytes of a self-relative `SECURITY_DESCRIPTOR` the caller passed, which carries no
/// length of its own: its extent is found from the header's offsets and the sizes of the parts
/// they point at (a SID's from its sub-authority count, an ACL's from `AclSize`). The bytes
/// are then checked in full by the crate's decoder.
///
/// `ERROR_INVALID_PARAMETER` for NULL, or for an extent past 256 KiB.
///
/// # Safety
///
/// `ptr` is NULL or a valid self-relative security descriptor: readable for its 20-byte
/// header and for every part its offsets name.
pub(crate) unsafe fn security_descriptor<'a>(ptr: *const u8) -> Result<&'a [u8]> {
    // SAFETY: a descriptor starts with its 20-byte header (the caller's contract).
    let header = unsafe { bytes(ptr, 20) }?;
    let dword = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut end = 20usize;
    // Owner and group SIDs: 8 bytes and 4 per sub-authority (the count is byte 1).
    for at in [4, 8] {
        let offset = dword(header, at) as usize;
        if offset != 0 {
            if offset > MAX_SECURITY_DESCRIPTOR {
                return Err(Error::InvalidParameter);
            }
            // SAFETY: a non-zero offset names a SID inside the descriptor (contract).
            let head = unsafe { bytes(ptr.wrapping_add(offset), 2) }?;
            end = end.max(offset + 8 + 4 * usize::from(head[1]));
        }
    }
    // SACL and DACL: `AclSize` is bytes 2..4 of the ACL header.
    for at in [12, 16] {
        let offset = dword(header, at) as usize;
        if offset != 0 {
            if offset > MAX_SECURITY_DESCRIPTOR {
                return Err(Error::InvalidParameter);
            }
            // SAFETY: a non-zero offset names an ACL inside the descriptor (contract).
            let head = unsafe { bytes(ptr.wrapping_add(offset), 8) }?;
            end = end.max(offset + usize::from(u16::from_le_bytes([head[2], head[3]])).max(8));
        }
    }
    // SAFETY: every part lies within `end` bytes of `ptr` (contract; computed above).
    unsafe { bytes(ptr, end) }
}

/// Reads a `CRYPT_DATA_BLOB` / `CRYPT_INTEGER_BLOB` the caller passed (`{ cbData, pbData }`):
/// its contents.
///
/// # Safety
///
/// `ptr` is NULL or points to a blob structure whose `pbData` is valid for `cbData` bytes.
pub(crate) unsafe fn data_blob<'a>(ptr: *const u8) -> Result<&'a [u8]> {
    // SAFETY: the caller's contract: `ptr` is NULL or a readable `CRYPT_DATA_BLOB`.
    let blob = unsafe { read_struct(ptr.cast::<CryptDataBlob>()) }?;
    // SAFETY: the blob's own contract: `pbData` holds `cbData` readable bytes.
    unsafe { bytes(blob.pb_data, blob.cb_data as usize) }
}

/// `CRYPT_DATA_BLOB` / `CRYPT_INTEGER_BLOB` (`CRYPTOAPI_BLOB`), as the caller lays it out.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct CryptDataBlob {
    pub(crate) cb_data: u32,
    pub(crate) pb_data: *const u8,
}

/// `HMAC_INFO`, as the caller lays it out.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct HmacInfoC {
    pub(crate) hash_algid: u32,
    pub(crate) pb_inner_string: *const u8,
    pub(crate) cb_inner_string: u32,
    pub(crate) pb_outer_string: *const u8,
    pub(crate) cb_outer_string: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_answered_nte_fail_and_never_unwinds() {
        set_last_error(0);
        let result = run(|| panic!("a bug inside the library"));
        assert_eq!(result, FALSE);
        assert_eq!(last_error(), codes::NTE_FAIL);
    }

    #[test]
    fn errors_become_false_and_the_last_error() {
        assert_eq!(run(|| Err(Error::BadFlags)), FALSE);
        assert_eq!(last_error(), 0x8009_0009);
        set_last_error(1234);
        assert_eq!(run(|| Ok(())), TRUE);
        assert_eq!(last_error(), 1234, "success leaves the last error alone");
    }

    #[test]
    fn the_buffer_idiom() {
        let mut len = 0u32;
        // SAFETY: `len` is a live, writable DWORD.
        let mut pdw = unsafe { dword_ptr(&mut len) }.unwrap();
        // SAFETY: a NULL buffer is never written.
        unsafe { write_buffer(b"abc", std::ptr::null_mut(), &mut pdw) }.unwrap();
        assert_eq!(pdw.get(), 3);
        let mut buf = [0u8; 3];
        pdw.set(2);
        // SAFETY: `buf` has 3 bytes, more than the 2 the length claims.
        let err = unsafe { write_buffer(b"abc", buf.as_mut_ptr(), &mut pdw) }.unwrap_err();
        assert_eq!(err.code(), 234);
        assert_eq!(pdw.get(), 3, "the needed size");
        assert_eq!(buf, [0; 3], "nothing written on ERROR_MORE_DATA");
        // SAFETY: `buf` has the 3 bytes the length says.
        unsafe { write_buffer(b"abc", buf.as_mut_ptr(), &mut pdw) }.unwrap();
        assert_eq!(&buf, b"abc");
        // SAFETY: NULL is refused before any access.
        assert!(unsafe { dword_ptr(std::ptr::null_mut()) }.is_err());
    }

    #[test]
    fn strings_are_utf8_or_utf16_and_checked() {
        // SAFETY: a NUL-terminated literal.
        let name = unsafe { str_a(c"Zürich".as_ptr()) }.unwrap();
        assert_eq!(name.as_deref(), Some("Zürich"));
        // SAFETY: as above.
        assert!(unsafe { str_a(c"\xff\xfe".as_ptr()) }.is_err());
        // SAFETY: NULL is allowed and never read.
        assert_eq!(unsafe { str_a(std::ptr::null()) }.unwrap(), None);
        let wide: Vec<u16> = "漢字".encode_utf16().chain([0]).collect();
        // SAFETY: NUL-terminated.
        let name = unsafe { str_w(wide.as_ptr()) }.unwrap();
        assert_eq!(name.as_deref(), Some("漢字"));
        let lone = [0xd800u16, 0];
        // SAFETY: NUL-terminated.
        assert!(unsafe { str_w(lone.as_ptr()) }.is_err());
        let unterminated = vec![b'a'; MAX_STRING + 2];
        let mut terminated = unterminated.clone();
        terminated.push(0);
        // SAFETY: NUL-terminated, but longer than the limit: the scan stops at the limit.
        assert!(unsafe { str_a(terminated.as_ptr().cast()) }.is_err());
    }
}
