#!/usr/bin/env python3
"""Derive a key from a password and encrypt with it, through libwincrypt from Python ctypes.

The calls, types and constants are exactly what the same script would use against
advapi32.dll on Windows: acquire a verify context on PROV_RSA_AES, hash a password with
SHA-256, CryptDeriveKey(CALG_AES_256), CryptEncrypt into a buffer sized with the NULL-buffer
query, CryptDecrypt, compare. It prints the ciphertext in hex.

    python3 ffi/examples/ctypes_derive.py [path/to/libwincrypt.so]

The library is argv[1], else $LIBWINCRYPT, else target/{release,debug}/libwincrypt.so of
this repository, else whatever the system's loader finds as "wincrypt". Exit status 0 on
success; on failure 1, with the failing call and GetLastError() in hex on stderr.

On Windows, replace load_library() with:

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)   # or ctypes.windll.advapi32
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

and read the error with ctypes.get_last_error() (or kernel32.GetLastError) instead of the
library's own GetLastError: there the thread's last error is kernel32's. WinDLL uses
stdcall, which is what WINAPI means on 32-bit Windows; everything else below is unchanged.
"""

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, byref, c_char_p, c_int32, c_size_t, c_uint32, c_void_p

# wincrypt.h's types, as on Windows (the Windows data model on every platform).
BOOL = c_int32
DWORD = c_uint32
ALG_ID = c_uint32
ULONG_PTR = c_size_t
HCRYPTPROV = ULONG_PTR
HCRYPTKEY = ULONG_PTR
HCRYPTHASH = ULONG_PTR
LPCSTR = c_char_p
BYTE_P = c_void_p  # BYTE *: a ctypes buffer, or None for NULL

# The constants this script needs (wincrypt.h).
PROV_RSA_AES = 24
CRYPT_VERIFYCONTEXT = 0xF0000000
CALG_SHA_256 = 0x0000800C
CALG_AES_256 = 0x00006610
TRUE = 1

# The known answer the Rust test (ffi/tests/ctypes_example.rs) recomputes with the crate.
PASSWORD = b"ctypes: a password typed by a legacy user"
PLAINTEXT = b"Hello from Python, through the C ABI of wincrypt."


def load_library():
    """libwincrypt, from argv[1], $LIBWINCRYPT, this repository's target/, or the loader."""
    candidates = []
    if len(sys.argv) > 1:
        candidates.append(sys.argv[1])
    elif os.environ.get("LIBWINCRYPT"):
        candidates.append(os.environ["LIBWINCRYPT"])
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        root = os.path.dirname(os.path.dirname(here))
        for profile in ("release", "debug"):
            for name in ("libwincrypt.so", "libwincrypt.dylib"):
                path = os.path.join(root, "target", profile, name)
                if os.path.exists(path):
                    candidates.append(path)
        found = ctypes.util.find_library("wincrypt")
        if found:
            candidates.append(found)
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            print(f"cannot load {path}: {e}", file=sys.stderr)
    sys.exit("libwincrypt not found: pass its path as the first argument")


def declare(lib):
    """argtypes/restype of the calls used, as one declares them for advapi32."""
    sigs = {
        "CryptAcquireContextA": (BOOL, [POINTER(HCRYPTPROV), LPCSTR, LPCSTR, DWORD, DWORD]),
        "CryptReleaseContext": (BOOL, [HCRYPTPROV, DWORD]),
        "CryptCreateHash": (BOOL, [HCRYPTPROV, ALG_ID, HCRYPTKEY, DWORD, POINTER(HCRYPTHASH)]),
        "CryptHashData": (BOOL, [HCRYPTHASH, BYTE_P, DWORD, DWORD]),
        "CryptDestroyHash": (BOOL, [HCRYPTHASH]),
        "CryptDeriveKey": (BOOL, [HCRYPTPROV, ALG_ID, HCRYPTHASH, DWORD, POINTER(HCRYPTKEY)]),
        "CryptDestroyKey": (BOOL, [HCRYPTKEY]),
        "CryptEncrypt": (
            BOOL,
            [HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE_P, POINTER(DWORD), DWORD],
        ),
        "CryptDecrypt": (BOOL, [HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE_P, POINTER(DWORD)]),
        "GetLastError": (DWORD, []),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


class CryptError(Exception):
    pass


def main():
    lib = load_library()
    declare(lib)

    def check(ok, call):
        if not ok:
            raise CryptError(f"{call} failed: GetLastError() = 0x{lib.GetLastError():08x}")

    prov = HCRYPTPROV(0)
    hash_ = HCRYPTHASH(0)
    key = HCRYPTKEY(0)
    try:
        check(
            lib.CryptAcquireContextA(byref(prov), None, None, PROV_RSA_AES, CRYPT_VERIFYCONTEXT),
            "CryptAcquireContextA(PROV_RSA_AES, CRYPT_VERIFYCONTEXT)",
        )
        check(lib.CryptCreateHash(prov, CALG_SHA_256, 0, 0, byref(hash_)), "CryptCreateHash")
        password = ctypes.create_string_buffer(PASSWORD, len(PASSWORD))
        check(lib.CryptHashData(hash_, password, len(PASSWORD), 0), "CryptHashData")
        check(lib.CryptDeriveKey(prov, CALG_AES_256, hash_, 0, byref(key)), "CryptDeriveKey")

        # The buffer's size: CryptEncrypt with a NULL buffer reports the ciphertext length.
        length = DWORD(len(PLAINTEXT))
        check(lib.CryptEncrypt(key, 0, TRUE, 0, None, byref(length), 0), "CryptEncrypt(NULL)")
        size = length.value
        buf = ctypes.create_string_buffer(PLAINTEXT, size)
        length = DWORD(len(PLAINTEXT))
        check(lib.CryptEncrypt(key, 0, TRUE, 0, buf, byref(length), size), "CryptEncrypt")
        ciphertext = buf.raw[: length.value]
        print(f"password: {PASSWORD.hex()}")
        print(f"plaintext: {PLAINTEXT.hex()}")
        print(f"ciphertext: {ciphertext.hex()}")

        # The final CryptEncrypt reset the key: the same key decrypts.
        back = ctypes.create_string_buffer(ciphertext, len(ciphertext))
        length = DWORD(len(ciphertext))
        check(lib.CryptDecrypt(key, 0, TRUE, 0, back, byref(length)), "CryptDecrypt")
        if back.raw[: length.value] != PLAINTEXT:
            raise CryptError(f"decrypted {back.raw[: length.value]!r}, not the plaintext")
        print("round trip: ok")
    except CryptError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        if key.value:
            lib.CryptDestroyKey(key)
        if hash_.value:
            lib.CryptDestroyHash(hash_)
        if prov.value:
            lib.CryptReleaseContext(prov, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
