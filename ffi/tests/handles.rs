//! The handle model through the exports, called from Rust: handles are addresses of live cells
//! with a non-zero first word, destroyed handles are not reissued for thousands of handles,
//! a context's final release makes its keys and hashes stale, bad handles of every kind are
//! `ERROR_INVALID_PARAMETER`, and concurrent calls on one handle are safe.

use std::ptr;
use std::sync::Barrier;
use std::thread;

use wincrypt::{
    CryptAcquireContextA, CryptContextAddRef, CryptCreateHash, CryptDecrypt, CryptDestroyHash,
    CryptDestroyKey, CryptDuplicateHash, CryptEncrypt, CryptGenKey, CryptGetHashParam,
    CryptGetKeyParam, CryptHashData, CryptHashSessionKey, CryptReleaseContext, GetLastError,
    HCRYPTHASH, HCRYPTKEY, HCRYPTPROV, SetLastError,
};

const CRYPT_VERIFYCONTEXT: u32 = 0xF000_0000;
const PROV_RSA_AES: u32 = 24;
const CALG_SHA1: u32 = 0x8004;
const CALG_RC4: u32 = 0x6801;
const CALG_AES_128: u32 = 0x660E;
const HP_HASHVAL: u32 = 2;
const KP_ALGID: u32 = 7;
const ERROR_INVALID_PARAMETER: u32 = 87;
const NTE_BAD_FLAGS: u32 = 0x8009_0009;
/// `handles::QUARANTINE`: destroyed cells wait this long before reuse.
const QUARANTINE: usize = 4096;

fn context() -> HCRYPTPROV {
    let mut prov = 0;
    // SAFETY: `prov` is writable; NULL names are allowed.
    let ok = unsafe {
        CryptAcquireContextA(
            &mut prov,
            ptr::null(),
            ptr::null(),
            PROV_RSA_AES,
            CRYPT_VERIFYCONTEXT,
        )
    };
    assert_eq!(ok, 1, "acquire: {:#x}", GetLastError());
    assert_eq!(GetLastError(), 0, "a successful acquire sets ERROR_SUCCESS");
    prov
}

fn hash(prov: HCRYPTPROV) -> HCRYPTHASH {
    let mut hash = 0;
    // SAFETY: `hash` is writable.
    let ok = unsafe { CryptCreateHash(prov, CALG_SHA1, 0, 0, &mut hash) };
    assert_eq!(ok, 1);
    hash
}

fn key(prov: HCRYPTPROV, alg: u32) -> HCRYPTKEY {
    let mut key = 0;
    // SAFETY: `key` is writable.
    assert_eq!(unsafe { CryptGenKey(prov, alg, 0, &mut key) }, 1);
    key
}

fn fails_with(result: i32, code: u32) {
    assert_eq!(result, 0, "the call should fail");
    assert_eq!(GetLastError(), code, "last error");
}

/// The first word at a live handle, as programs written for Windows read it.
fn first_word(handle: usize) -> usize {
    // A live handle is the address of a library-owned cell, mapped for the life of the process.
    // SAFETY: `handle` is a live handle (the callers pass only those).
    unsafe { (handle as *const usize).read() }
}

#[test]
fn handles_point_at_cells_with_a_non_zero_first_word() {
    let prov = context();
    let hash = hash(prov);
    let key = key(prov, CALG_RC4);
    for handle in [prov, hash, key] {
        assert_ne!(handle, 0);
        assert_eq!(handle % std::mem::align_of::<usize>(), 0);
        assert_ne!(first_word(handle), 0);
    }
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

#[test]
fn destroyed_handles_are_not_reissued_within_the_quarantine() {
    let prov = context();
    let first = hash(prov);
    assert_eq!(CryptDestroyHash(first), 1);
    let mut seen = Vec::with_capacity(QUARANTINE);
    for _ in 0..QUARANTINE / 2 {
        let h = hash(prov);
        assert_ne!(h, first, "a destroyed handle came back too soon");
        seen.push(h);
        assert_eq!(CryptDestroyHash(h), 1);
    }
    // The stale handle still answers ERROR_INVALID_PARAMETER, never a crash.
    // SAFETY: a zero length reads nothing.
    let result = unsafe { CryptHashData(first, ptr::null(), 0, 0) };
    fails_with(result, ERROR_INVALID_PARAMETER);
    fails_with(CryptDestroyHash(first), ERROR_INVALID_PARAMETER);
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

#[test]
fn final_release_makes_keys_and_hashes_stale() {
    let prov = context();
    assert_eq!(CryptContextAddRef(prov, ptr::null_mut(), 0), 1);
    let hash = hash(prov);
    let key = key(prov, CALG_RC4);
    // The first release only drops the count: the objects still work.
    assert_eq!(CryptReleaseContext(prov, 0), 1);
    let data = *b"still alive";
    // SAFETY: `data` is readable for its length.
    assert_eq!(unsafe { CryptHashData(hash, data.as_ptr(), 11, 0) }, 1);
    // Non-zero flags: released anyway, and reported.
    fails_with(CryptReleaseContext(prov, 1), NTE_BAD_FLAGS);
    fails_with(CryptReleaseContext(prov, 0), ERROR_INVALID_PARAMETER);
    let mut value = [0u8; 20];
    let mut len = 20u32;
    // SAFETY: `value` holds `len` bytes.
    let result = unsafe { CryptGetHashParam(hash, HP_HASHVAL, value.as_mut_ptr(), &mut len, 0) };
    fails_with(result, ERROR_INVALID_PARAMETER);
    let mut alg = [0u8; 4];
    let mut alg_len = 4u32;
    // SAFETY: `alg` holds `alg_len` bytes.
    let result = unsafe { CryptGetKeyParam(key, KP_ALGID, alg.as_mut_ptr(), &mut alg_len, 0) };
    fails_with(result, ERROR_INVALID_PARAMETER);
    fails_with(CryptDestroyHash(hash), ERROR_INVALID_PARAMETER);
    fails_with(CryptDestroyKey(key), ERROR_INVALID_PARAMETER);
    fails_with(
        CryptContextAddRef(prov, ptr::null_mut(), 0),
        ERROR_INVALID_PARAMETER,
    );
}

#[test]
fn handles_of_the_wrong_kind_zero_and_foreign_values_are_invalid() {
    let prov = context();
    let hash = hash(prov);
    let key = key(prov, CALG_RC4);
    for bad in [0usize, 0xdead_beef, prov, hash] {
        fails_with(CryptDestroyKey(bad), ERROR_INVALID_PARAMETER);
    }
    for bad in [0usize, 0xdead_beef, prov, key] {
        fails_with(CryptDestroyHash(bad), ERROR_INVALID_PARAMETER);
    }
    for bad in [0usize, 0xdead_beef, key, hash] {
        fails_with(
            CryptContextAddRef(bad, ptr::null_mut(), 0),
            ERROR_INVALID_PARAMETER,
        );
    }
    // A failed call leaves the caller's output variable alone, as Windows does.
    let mut dup = hash;
    // SAFETY: `dup` is writable.
    let result = unsafe { CryptDuplicateHash(0xdead_beef, ptr::null_mut(), 0, &mut dup) };
    fails_with(result, ERROR_INVALID_PARAMETER);
    assert_eq!(
        dup, hash,
        "a failed call must not clobber the output handle"
    );
    // A garbage hash beside a good key in CryptEncrypt.
    let mut len = 0u32;
    // SAFETY: a zero length with a NULL buffer is a size query.
    let result = unsafe { CryptEncrypt(key, 0xdead_beef, 1, 0, ptr::null_mut(), &mut len, 0) };
    fails_with(result, ERROR_INVALID_PARAMETER);
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

#[test]
fn last_error_is_per_thread() {
    SetLastError(1234);
    let other = thread::spawn(|| {
        let before = GetLastError();
        SetLastError(42);
        (before, GetLastError())
    })
    .join()
    .unwrap();
    assert_eq!(other, (0, 42));
    assert_eq!(GetLastError(), 1234);
}

#[test]
fn concurrent_calls_on_one_handle_are_serialised() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 200;
    let prov = context();
    let key = key(prov, CALG_AES_128);
    let hash = hash(prov);
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        for t in 0..THREADS {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for _ in 0..ROUNDS {
                    let mut buf = [t as u8; 32];
                    let mut len = 16u32;
                    // SAFETY: `buf` holds 32 writable bytes; `len` is writable.
                    let ok = unsafe { CryptEncrypt(key, 0, 1, 0, buf.as_mut_ptr(), &mut len, 32) };
                    assert_eq!(ok, 1);
                    assert_eq!(len, 32);
                    // SAFETY: as above; the ciphertext is `len` bytes.
                    let ok = unsafe { CryptDecrypt(key, 0, 1, 0, buf.as_mut_ptr(), &mut len) };
                    assert_eq!(ok, 1, "decrypt: {:#x}", GetLastError());
                    assert_eq!(&buf[..16], &[t as u8; 16]);
                    // Opposite lock orders on one pair must not deadlock.
                    if t % 2 == 0 {
                        assert_eq!(CryptHashSessionKey(hash, key, 0), 1);
                    } else {
                        let mut len = 16u32;
                        let mut buf = [0u8; 32];
                        // SAFETY: as above.
                        let ok = unsafe {
                            CryptEncrypt(key, hash, 1, 0, buf.as_mut_ptr(), &mut len, 32)
                        };
                        assert_eq!(ok, 1);
                    }
                }
            });
        }
    });
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

#[test]
fn destroying_a_key_while_other_threads_use_it_is_safe() {
    let prov = context();
    for _ in 0..20 {
        let key = key(prov, CALG_RC4);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(move || {
                    for _ in 0..100 {
                        let mut buf = [0u8; 64];
                        let mut len = 64u32;
                        let out = buf.as_mut_ptr();
                        // SAFETY: `buf` holds 64 writable bytes.
                        let ok = unsafe { CryptEncrypt(key, 0, 0, 0, out, &mut len, 64) };
                        if ok == 0 {
                            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
                            return;
                        }
                    }
                });
            }
            s.spawn(move || {
                let _ = CryptDestroyKey(key);
            });
        });
        fails_with(CryptDestroyKey(key), ERROR_INVALID_PARAMETER);
    }
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}
