/*
 * wincrypt.h - the C interface of libwincrypt, the cryptoapi project's
 * implementation of Windows CryptoAPI 1 (advapi32's Crypt* functions).
 *
 * Written from Microsoft's documentation (the wincrypt.h and winerror.h
 * reference pages on learn.microsoft.com); names, signatures and values
 * follow it so that code written for Windows compiles unchanged.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 *
 * Data model: Windows' own, on every platform.
 *   BOOL int32_t, BOOLEAN/BYTE uint8_t, WORD uint16_t, DWORD/ULONG/ALG_ID
 *   uint32_t, LONG int32_t, WCHAR uint16_t (one UTF-16 code unit), and the
 *   handles HCRYPTPROV/HCRYPTKEY/HCRYPTHASH are ULONG_PTR (uintptr_t).
 *   Structures use natural alignment only, so they have Windows' layout for
 *   the same pointer width.
 *
 * Conventions of every Crypt* function:
 *   - Returns TRUE on success.  On failure it returns FALSE and leaves the
 *     reason (an ERROR_* or NTE_* code) in the calling thread's last error,
 *     read with GetLastError().  The last error is thread-local; read it
 *     right after a FALSE, success does not promise to clear it.
 *   - Output buffers (pbData with *pdwDataLen): a NULL buffer returns TRUE
 *     with the size needed in *pdwDataLen; a buffer shorter than that fails
 *     with ERROR_MORE_DATA and also stores the needed size; otherwise the
 *     data is written and *pdwDataLen is set to its length.
 *   - Handles are the addresses of cells owned by the library: opaque, never
 *     0 when valid, and valid until released or destroyed.
 *   - "A" functions take and return NUL-terminated UTF-8 (char); "W"
 *     functions NUL-terminated UTF-16 (WCHAR).  With UNICODE defined the
 *     unsuffixed names select W, otherwise A.
 *   - Any function may be called from any thread; calls that use the same
 *     handle are serialised by the library.
 *
 * Compatibility switches (define before including):
 *   CRYPTOAPI_NO_BASE_TYPES     the program supplies BOOL, DWORD, WCHAR, ...
 *                               (also implied by _MINWINDEF_ or _WINDEF_);
 *   CRYPTOAPI_NO_LASTERROR_DECL GetLastError/SetLastError are declared
 *                               elsewhere.
 *   Every macro that windows.h also defines is only defined if missing.
 */

#ifndef CRYPTOAPI_WINCRYPT_H
#define CRYPTOAPI_WINCRYPT_H

/* The guards of the usual wincrypt.h, for code that tests them. */
#ifndef __WINCRYPT_H__
#define __WINCRYPT_H__
#endif
#ifndef _WINCRYPT_
#define _WINCRYPT_
#endif

#include <stddef.h>
#include <stdint.h>

/* ---- Calling convention -------------------------------------------------
 * Windows' stdcall on 32-bit Windows (ignored elsewhere on Windows), the
 * platform's C convention everywhere else. */
#ifndef WINAPI
#  if defined(_WIN32)
#    define WINAPI __stdcall
#  else
#    define WINAPI
#  endif
#endif
#ifndef WINADVAPI
#  define WINADVAPI
#endif

/* ---- Base types -----------------------------------------------------------
 * The subset of windef.h/winnt.h/basetsd.h this header needs, skipped when a
 * windows.h (or a shim of it) already provided them. */
#if !defined(CRYPTOAPI_NO_BASE_TYPES) && !defined(_MINWINDEF_) && !defined(_WINDEF_)

typedef int32_t  BOOL;
typedef uint8_t  BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint32_t ULONG;
typedef BYTE    *PBYTE;
typedef BYTE    *LPBYTE;
typedef WORD    *PWORD;
typedef WORD    *LPWORD;
typedef DWORD   *PDWORD;
typedef DWORD   *LPDWORD;
typedef ULONG   *PULONG;
typedef BOOL    *PBOOL;
typedef BOOL    *LPBOOL;
typedef void    *LPVOID;
typedef const void *LPCVOID;

#if !defined(_WINNT_)
typedef char     CHAR;
typedef uint16_t WCHAR;
typedef int32_t  LONG;
typedef uint8_t  BOOLEAN;
typedef void    *PVOID;
typedef CHAR        *PSTR,  *LPSTR;
typedef const CHAR  *PCSTR, *LPCSTR;
typedef WCHAR       *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;
#  ifdef UNICODE
typedef WCHAR   TCHAR;
typedef LPWSTR  LPTSTR;
typedef LPCWSTR LPCTSTR;
#  else
typedef CHAR    TCHAR;
typedef LPSTR   LPTSTR;
typedef LPCSTR  LPCTSTR;
#  endif
#endif /* !_WINNT_ */

#if !defined(_BASETSD_H_) && !defined(_BASETSD_H)
typedef uintptr_t ULONG_PTR;
#endif

#endif /* base types */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef MAX_PATH
#define MAX_PATH 260
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    DWORD Data1;
    WORD  Data2;
    WORD  Data3;
    BYTE  Data4[8];
} GUID;
#endif

/* ---- UTF-16 string literals -------------------------------------------------
 * WCHAR is uint16_t everywhere, so wide literals are spelled per language:
 * C11 u"" (char16_t is uint16_t), C++ u"" (or L"" before C++11 where wchar_t
 * is 16-bit) reinterpreted as WCHAR, C99 with a 16-bit unsigned wchar_t L"",
 * and plain C99 a compound literal.  Each _W name below is an array of WCHAR,
 * so sizeof gives its size in bytes as on Windows.  (In plain C99 without
 * -fshort-wchar a compound literal cannot initialise a static object inside a
 * function; C11, C++ and -fshort-wchar builds have no such limit.) */
#if defined(__cplusplus)
#  if __cplusplus >= 201103L || (defined(_MSVC_LANG) && _MSVC_LANG >= 201103L)
#    define CRYPTOAPI_WSTR_(n, s) (reinterpret_cast<const WCHAR (&)[n]>(u##s))
#    define CRYPTOAPI_TEXTW_(s) (reinterpret_cast<const WCHAR *>(u##s))
#  elif (defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2) || defined(_MSC_VER)
#    define CRYPTOAPI_WSTR_(n, s) (reinterpret_cast<const WCHAR (&)[n]>(L##s))
#    define CRYPTOAPI_TEXTW_(s) (reinterpret_cast<const WCHAR *>(L##s))
#  endif
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#  define CRYPTOAPI_WSTR_(n, s) (u##s)
#  define CRYPTOAPI_TEXTW_(s) u##s
#elif (defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2 && \
       defined(__WCHAR_MIN__) && __WCHAR_MIN__ == 0) || defined(_MSC_VER)
#  define CRYPTOAPI_WSTR_(n, s) (L##s)
#  define CRYPTOAPI_TEXTW_(s) L##s
#endif

/* TEXT(): plain literals, or UTF-16 under UNICODE where the language has a
 * spelling for them (not in C99 with a 32-bit wchar_t). */
#ifndef TEXT
#  if !defined(UNICODE)
#    define TEXT(s) s
#  elif defined(CRYPTOAPI_TEXTW_)
#    define TEXT(s) CRYPTOAPI_TEXTW_(s)
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CryptoAPI types ---------------------------------------------------------- */
typedef uint32_t  ALG_ID;
typedef ULONG_PTR HCRYPTPROV;
typedef ULONG_PTR HCRYPTKEY;
typedef ULONG_PTR HCRYPTHASH;
typedef ULONG_PTR HCRYPTPROV_LEGACY;
typedef ULONG_PTR HCRYPTPROV_OR_NCRYPT_KEY_HANDLE;

/* ---- Algorithm identifiers ----------------------------------------------------
 * An ALG_ID packs a class (bits 13-15), a type (bits 9-12) and a
 * sub-identifier (bits 0-8). */
#define GET_ALG_CLASS(x)                (((x) & (7 << 13)))
#define GET_ALG_TYPE(x)                 (((x) & (15 << 9)))
#define GET_ALG_SID(x)                  (((x) & (511)))

/* Classes. */
#define ALG_CLASS_ANY                    (0)
#define ALG_CLASS_SIGNATURE              (1 << 13)
#define ALG_CLASS_MSG_ENCRYPT            (2 << 13)
#define ALG_CLASS_DATA_ENCRYPT           (3 << 13)
#define ALG_CLASS_HASH                   (4 << 13)
#define ALG_CLASS_KEY_EXCHANGE           (5 << 13)
#define ALG_CLASS_ALL                    (7 << 13)

/* Types. */
#define ALG_TYPE_ANY                     (0)
#define ALG_TYPE_DSS                     (1 << 9)
#define ALG_TYPE_RSA                     (2 << 9)
#define ALG_TYPE_BLOCK                   (3 << 9)
#define ALG_TYPE_STREAM                  (4 << 9)
#define ALG_TYPE_DH                      (5 << 9)
#define ALG_TYPE_SECURECHANNEL           (6 << 9)
#define ALG_TYPE_ECDH                    (7 << 9)
#define ALG_TYPE_THIRDPARTY              (8 << 9)

/* Sub-identifiers (meaningful within a class and type). */
/* Generic. */
#define ALG_SID_ANY                      (0)
#define ALG_SID_THIRDPARTY_ANY           (0)
/* RSA. */
#define ALG_SID_RSA_ANY                  0
#define ALG_SID_RSA_PKCS                 1
#define ALG_SID_RSA_MSATWORK             2
#define ALG_SID_RSA_ENTRUST              3
#define ALG_SID_RSA_PGP                  4
/* DSS and ECDSA. */
#define ALG_SID_DSS_ANY                  0
#define ALG_SID_DSS_PKCS                 1
#define ALG_SID_DSS_DMS                  2
#define ALG_SID_ECDSA                    3
/* Block ciphers. */
#define ALG_SID_DES                      1
#define ALG_SID_3DES                     3
#define ALG_SID_DESX                     4
#define ALG_SID_IDEA                     5
#define ALG_SID_CAST                     6
#define ALG_SID_SAFERSK64                7
#define ALG_SID_SAFERSK128               8
#define ALG_SID_3DES_112                 9
#define ALG_SID_CYLINK_MEK               12
#define ALG_SID_RC5                      13
#define ALG_SID_AES_128                  14
#define ALG_SID_AES_192                  15
#define ALG_SID_AES_256                  16
#define ALG_SID_AES                      17
/* Fortezza. */
#define ALG_SID_SKIPJACK                 10
#define ALG_SID_TEK                      11
/* RC2 and stream ciphers. */
#define ALG_SID_RC2                      2
#define ALG_SID_RC4                      1
#define ALG_SID_SEAL                     2
/* Diffie-Hellman and other key agreement. */
#define ALG_SID_DH_SANDF                 1
#define ALG_SID_DH_EPHEM                 2
#define ALG_SID_AGREED_KEY_ANY           3
#define ALG_SID_KEA                      4
#define ALG_SID_ECDH                     5
#define ALG_SID_ECDH_EPHEM               6
/* Hashes and MACs. */
#define ALG_SID_MD2                      1
#define ALG_SID_MD4                      2
#define ALG_SID_MD5                      3
#define ALG_SID_SHA                      4
#define ALG_SID_SHA1                     4
#define ALG_SID_MAC                      5
#define ALG_SID_RIPEMD                   6
#define ALG_SID_RIPEMD160                7
#define ALG_SID_SSL3SHAMD5               8
#define ALG_SID_HMAC                     9
#define ALG_SID_TLS1PRF                  10
#define ALG_SID_HASH_REPLACE_OWF         11
#define ALG_SID_SHA_256                  12
#define ALG_SID_SHA_384                  13
#define ALG_SID_SHA_512                  14
/* Secure channel. */
#define ALG_SID_SSL3_MASTER              1
#define ALG_SID_SCHANNEL_MASTER_HASH     2
#define ALG_SID_SCHANNEL_MAC_KEY         3
#define ALG_SID_PCT1_MASTER              4
#define ALG_SID_SSL2_MASTER              5
#define ALG_SID_TLS1_MASTER              6
#define ALG_SID_SCHANNEL_ENC_KEY         7
/* ECMQV. */
#define ALG_SID_ECMQV                    1
/* Reserved for examples. */
#define ALG_SID_EXAMPLE                  80

/* The CALG_* identifiers. */
/* Hashes and MACs. */
#define CALG_MD2                      (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_MD2)
#define CALG_MD4                      (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_MD4)
#define CALG_MD5                      (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_MD5)
#define CALG_SHA                      (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SHA)
#define CALG_SHA1                     (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SHA1)
#define CALG_MAC                      (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_MAC)
#define CALG_SSL3_SHAMD5              (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SSL3SHAMD5)
#define CALG_HMAC                     (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_HMAC)
#define CALG_TLS1PRF                  (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_TLS1PRF)
#define CALG_HASH_REPLACE_OWF         (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_HASH_REPLACE_OWF)
#define CALG_SHA_256                  (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SHA_256)
#define CALG_SHA_384                  (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SHA_384)
#define CALG_SHA_512                  (ALG_CLASS_HASH | ALG_TYPE_ANY | ALG_SID_SHA_512)
/* Signatures. */
#define CALG_RSA_SIGN                 (ALG_CLASS_SIGNATURE | ALG_TYPE_RSA | ALG_SID_RSA_ANY)
#define CALG_DSS_SIGN                 (ALG_CLASS_SIGNATURE | ALG_TYPE_DSS | ALG_SID_DSS_ANY)
#define CALG_NO_SIGN                  (ALG_CLASS_SIGNATURE | ALG_TYPE_ANY | ALG_SID_ANY)
#define CALG_ECDSA                    (ALG_CLASS_SIGNATURE | ALG_TYPE_DSS | ALG_SID_ECDSA)
/* Key exchange. */
#define CALG_RSA_KEYX                 (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_RSA | ALG_SID_RSA_ANY)
#define CALG_DH_SF                    (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_DH | ALG_SID_DH_SANDF)
#define CALG_DH_EPHEM                 (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_DH | ALG_SID_DH_EPHEM)
#define CALG_AGREEDKEY_ANY \
    (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_DH | ALG_SID_AGREED_KEY_ANY)
#define CALG_KEA_KEYX                 (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_DH | ALG_SID_KEA)
#define CALG_HUGHES_MD5               (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_ANY | ALG_SID_MD5)
#define CALG_ECDH                     (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_DH | ALG_SID_ECDH)
#define CALG_ECDH_EPHEM \
    (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_ECDH | ALG_SID_ECDH_EPHEM)
#define CALG_ECMQV                    (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_ANY | ALG_SID_ECMQV)
/* Block ciphers. */
#define CALG_DES                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_DES)
#define CALG_3DES_112 \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_3DES_112)
#define CALG_3DES                     (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_3DES)
#define CALG_DESX                     (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_DESX)
#define CALG_RC2                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_RC2)
#define CALG_RC5                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_RC5)
#define CALG_AES_128 \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_AES_128)
#define CALG_AES_192 \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_AES_192)
#define CALG_AES_256 \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_AES_256)
#define CALG_AES                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_AES)
#define CALG_SKIPJACK \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_SKIPJACK)
#define CALG_TEK                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_TEK)
#define CALG_CYLINK_MEK \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_BLOCK | ALG_SID_CYLINK_MEK)
/* Stream ciphers and the null cipher. */
#define CALG_RC4                      (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_STREAM | ALG_SID_RC4)
#define CALG_SEAL                     (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_STREAM | ALG_SID_SEAL)
#define CALG_NULLCIPHER               (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_ANY | 0)
/* Secure channel keys. */
#define CALG_SSL3_MASTER \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_SSL3_MASTER)
#define CALG_SCHANNEL_MASTER_HASH \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_SCHANNEL_MASTER_HASH)
#define CALG_SCHANNEL_MAC_KEY \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_SCHANNEL_MAC_KEY)
#define CALG_SCHANNEL_ENC_KEY \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_SCHANNEL_ENC_KEY)
#define CALG_PCT1_MASTER \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_PCT1_MASTER)
#define CALG_SSL2_MASTER \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_SSL2_MASTER)
#define CALG_TLS1_MASTER \
    (ALG_CLASS_MSG_ENCRYPT | ALG_TYPE_SECURECHANNEL | ALG_SID_TLS1_MASTER)
/* Third-party algorithms (a CNG provider's). */
#define CALG_THIRDPARTY_KEY_EXCHANGE \
    (ALG_CLASS_KEY_EXCHANGE | ALG_TYPE_THIRDPARTY | ALG_SID_THIRDPARTY_ANY)
#define CALG_THIRDPARTY_SIGNATURE \
    (ALG_CLASS_SIGNATURE | ALG_TYPE_THIRDPARTY | ALG_SID_THIRDPARTY_ANY)
#define CALG_THIRDPARTY_CIPHER \
    (ALG_CLASS_DATA_ENCRYPT | ALG_TYPE_THIRDPARTY | ALG_SID_THIRDPARTY_ANY)
#define CALG_THIRDPARTY_HASH \
    (ALG_CLASS_HASH | ALG_TYPE_THIRDPARTY | ALG_SID_THIRDPARTY_ANY)
/* Markers used in CRYPT_OID_INFO. */
#define CALG_OID_INFO_CNG_ONLY        0xFFFFFFFF
#define CALG_OID_INFO_PARAMETERS      0xFFFFFFFE

/* ---- Provider types (dwProvType) -------------------------------------------- */
#define PROV_RSA_FULL                    1
#define PROV_RSA_SIG                     2
#define PROV_DSS                         3
#define PROV_FORTEZZA                    4
#define PROV_MS_EXCHANGE                 5
#define PROV_SSL                         6
#define PROV_RSA_SCHANNEL                12
#define PROV_DSS_DH                      13
#define PROV_EC_ECDSA_SIG                14
#define PROV_EC_ECNRA_SIG                15
#define PROV_EC_ECDSA_FULL               16
#define PROV_EC_ECNRA_FULL               17
#define PROV_DH_SCHANNEL                 18
#define PROV_SPYRUS_LYNKS                20
#define PROV_RNG                         21
#define PROV_INTEL_SEC                   22
#define PROV_REPLACE_OWF                 23
#define PROV_RSA_AES                     24
/* Obsolete types, kept for old code. */
#define PROV_MS_MAIL                     5
#define PROV_STT_MER                     7
#define PROV_STT_ACQ                     8
#define PROV_STT_BRND                    9
#define PROV_STT_ROOT                    10
#define PROV_STT_ISS                     11

#define MAXUIDLEN                        64

/* ---- Provider names ------------------------------------------------------------
 * NAME_A is UTF-8 (char), NAME_W UTF-16 (WCHAR), NAME follows UNICODE. */
#define MS_DEF_PROV_A                "Microsoft Base Cryptographic Provider v1.0"
#define MS_ENHANCED_PROV_A           "Microsoft Enhanced Cryptographic Provider v1.0"
#define MS_STRONG_PROV_A             "Microsoft Strong Cryptographic Provider"
#define MS_DEF_RSA_SIG_PROV_A        "Microsoft RSA Signature Cryptographic Provider"
#define MS_DEF_RSA_SCHANNEL_PROV_A   "Microsoft RSA SChannel Cryptographic Provider"
#define MS_DEF_DSS_PROV_A            "Microsoft Base DSS Cryptographic Provider"
#define MS_DEF_DSS_DH_PROV_A \
    "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider"
#define MS_ENH_DSS_DH_PROV_A \
    "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider"
#define MS_DEF_DH_SCHANNEL_PROV_A    "Microsoft DH SChannel Cryptographic Provider"
#define MS_SCARD_PROV_A              "Microsoft Base Smart Card Crypto Provider"
#define MS_ENH_RSA_AES_PROV_A        "Microsoft Enhanced RSA and AES Cryptographic Provider"
#define MS_ENH_RSA_AES_PROV_XP_A \
    "Microsoft Enhanced RSA and AES Cryptographic Provider (Prototype)"

#if defined(CRYPTOAPI_WSTR_)
#define MS_DEF_PROV_W \
    CRYPTOAPI_WSTR_(43, "Microsoft Base Cryptographic Provider v1.0")
#define MS_ENHANCED_PROV_W \
    CRYPTOAPI_WSTR_(47, "Microsoft Enhanced Cryptographic Provider v1.0")
#define MS_STRONG_PROV_W \
    CRYPTOAPI_WSTR_(40, "Microsoft Strong Cryptographic Provider")
#define MS_DEF_RSA_SIG_PROV_W \
    CRYPTOAPI_WSTR_(47, "Microsoft RSA Signature Cryptographic Provider")
#define MS_DEF_RSA_SCHANNEL_PROV_W \
    CRYPTOAPI_WSTR_(46, "Microsoft RSA SChannel Cryptographic Provider")
#define MS_DEF_DSS_PROV_W \
    CRYPTOAPI_WSTR_(42, "Microsoft Base DSS Cryptographic Provider")
#define MS_DEF_DSS_DH_PROV_W \
    CRYPTOAPI_WSTR_(61, "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider")
#define MS_ENH_DSS_DH_PROV_W \
    CRYPTOAPI_WSTR_(65, "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider")
#define MS_DEF_DH_SCHANNEL_PROV_W \
    CRYPTOAPI_WSTR_(45, "Microsoft DH SChannel Cryptographic Provider")
#define MS_SCARD_PROV_W \
    CRYPTOAPI_WSTR_(42, "Microsoft Base Smart Card Crypto Provider")
#define MS_ENH_RSA_AES_PROV_W \
    CRYPTOAPI_WSTR_(54, "Microsoft Enhanced RSA and AES Cryptographic Provider")
#define MS_ENH_RSA_AES_PROV_XP_W \
    CRYPTOAPI_WSTR_(66, "Microsoft Enhanced RSA and AES Cryptographic Provider (Prototype)")
#elif !defined(__cplusplus)
#define MS_DEF_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','B','a','s','e',' ','C','r','y', \
    'p','t','o','g','r','a','p','h','i','c',' ','P','r','o','v','i','d','e', \
    'r',' ','v','1','.','0',0 })
#define MS_ENHANCED_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','E','n','h','a','n','c','e','d', \
    ' ','C','r','y','p','t','o','g','r','a','p','h','i','c',' ','P','r','o', \
    'v','i','d','e','r',' ','v','1','.','0',0 })
#define MS_STRONG_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','S','t','r','o','n','g',' ','C', \
    'r','y','p','t','o','g','r','a','p','h','i','c',' ','P','r','o','v','i', \
    'd','e','r',0 })
#define MS_DEF_RSA_SIG_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','R','S','A',' ','S','i','g','n', \
    'a','t','u','r','e',' ','C','r','y','p','t','o','g','r','a','p','h','i', \
    'c',' ','P','r','o','v','i','d','e','r',0 })
#define MS_DEF_RSA_SCHANNEL_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','R','S','A',' ','S','C','h','a', \
    'n','n','e','l',' ','C','r','y','p','t','o','g','r','a','p','h','i','c', \
    ' ','P','r','o','v','i','d','e','r',0 })
#define MS_DEF_DSS_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','B','a','s','e',' ','D','S','S', \
    ' ','C','r','y','p','t','o','g','r','a','p','h','i','c',' ','P','r','o', \
    'v','i','d','e','r',0 })
#define MS_DEF_DSS_DH_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','B','a','s','e',' ','D','S','S', \
    ' ','a','n','d',' ','D','i','f','f','i','e','-','H','e','l','l','m','a', \
    'n',' ','C','r','y','p','t','o','g','r','a','p','h','i','c',' ','P','r', \
    'o','v','i','d','e','r',0 })
#define MS_ENH_DSS_DH_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','E','n','h','a','n','c','e','d', \
    ' ','D','S','S',' ','a','n','d',' ','D','i','f','f','i','e','-','H','e', \
    'l','l','m','a','n',' ','C','r','y','p','t','o','g','r','a','p','h','i', \
    'c',' ','P','r','o','v','i','d','e','r',0 })
#define MS_DEF_DH_SCHANNEL_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','D','H',' ','S','C','h','a','n', \
    'n','e','l',' ','C','r','y','p','t','o','g','r','a','p','h','i','c',' ', \
    'P','r','o','v','i','d','e','r',0 })
#define MS_SCARD_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','B','a','s','e',' ','S','m','a', \
    'r','t',' ','C','a','r','d',' ','C','r','y','p','t','o',' ','P','r','o', \
    'v','i','d','e','r',0 })
#define MS_ENH_RSA_AES_PROV_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','E','n','h','a','n','c','e','d', \
    ' ','R','S','A',' ','a','n','d',' ','A','E','S',' ','C','r','y','p','t', \
    'o','g','r','a','p','h','i','c',' ','P','r','o','v','i','d','e','r',0 })
#define MS_ENH_RSA_AES_PROV_XP_W ((const WCHAR[]){ \
    'M','i','c','r','o','s','o','f','t',' ','E','n','h','a','n','c','e','d', \
    ' ','R','S','A',' ','a','n','d',' ','A','E','S',' ','C','r','y','p','t', \
    'o','g','r','a','p','h','i','c',' ','P','r','o','v','i','d','e','r',' ', \
    '(','P','r','o','t','o','t','y','p','e',')',0 })
#endif

#ifdef UNICODE
#define MS_DEF_PROV                  MS_DEF_PROV_W
#define MS_ENHANCED_PROV             MS_ENHANCED_PROV_W
#define MS_STRONG_PROV               MS_STRONG_PROV_W
#define MS_DEF_RSA_SIG_PROV          MS_DEF_RSA_SIG_PROV_W
#define MS_DEF_RSA_SCHANNEL_PROV     MS_DEF_RSA_SCHANNEL_PROV_W
#define MS_DEF_DSS_PROV              MS_DEF_DSS_PROV_W
#define MS_DEF_DSS_DH_PROV           MS_DEF_DSS_DH_PROV_W
#define MS_ENH_DSS_DH_PROV           MS_ENH_DSS_DH_PROV_W
#define MS_DEF_DH_SCHANNEL_PROV      MS_DEF_DH_SCHANNEL_PROV_W
#define MS_SCARD_PROV                MS_SCARD_PROV_W
#define MS_ENH_RSA_AES_PROV          MS_ENH_RSA_AES_PROV_W
#define MS_ENH_RSA_AES_PROV_XP       MS_ENH_RSA_AES_PROV_XP_W
#else
#define MS_DEF_PROV                  MS_DEF_PROV_A
#define MS_ENHANCED_PROV             MS_ENHANCED_PROV_A
#define MS_STRONG_PROV               MS_STRONG_PROV_A
#define MS_DEF_RSA_SIG_PROV          MS_DEF_RSA_SIG_PROV_A
#define MS_DEF_RSA_SCHANNEL_PROV     MS_DEF_RSA_SCHANNEL_PROV_A
#define MS_DEF_DSS_PROV              MS_DEF_DSS_PROV_A
#define MS_DEF_DSS_DH_PROV           MS_DEF_DSS_DH_PROV_A
#define MS_ENH_DSS_DH_PROV           MS_ENH_DSS_DH_PROV_A
#define MS_DEF_DH_SCHANNEL_PROV      MS_DEF_DH_SCHANNEL_PROV_A
#define MS_SCARD_PROV                MS_SCARD_PROV_A
#define MS_ENH_RSA_AES_PROV          MS_ENH_RSA_AES_PROV_A
#define MS_ENH_RSA_AES_PROV_XP       MS_ENH_RSA_AES_PROV_XP_A
#endif

/* ---- Flags ------------------------------------------------------------------ */
/* CryptAcquireContext dwFlags. */
#define CRYPT_VERIFYCONTEXT              0xF0000000
#define CRYPT_NEWKEYSET                  0x00000008
#define CRYPT_DELETEKEYSET               0x00000010
#define CRYPT_MACHINE_KEYSET             0x00000020
#define CRYPT_SILENT                     0x00000040
#define CRYPT_DEFAULT_CONTAINER_OPTIONAL 0x00000080

/* CryptGenKey/CryptDeriveKey/CryptImportKey dwFlags (the upper 16 bits of
 * CryptGenKey's dwFlags hold the key length in bits). */
#define CRYPT_EXPORTABLE                 0x00000001
#define CRYPT_USER_PROTECTED             0x00000002
#define CRYPT_CREATE_SALT                0x00000004
#define CRYPT_UPDATE_KEY                 0x00000008
#define CRYPT_NO_SALT                    0x00000010
#define CRYPT_PREGEN                     0x00000040
#define CRYPT_RECIPIENT                  0x00000010
#define CRYPT_INITIATOR                  0x00000040
#define CRYPT_ONLINE                     0x00000080
#define CRYPT_SF                         0x00000100
#define CRYPT_CREATE_IV                  0x00000200
#define CRYPT_KEK                        0x00000400
#define CRYPT_DATA_KEY                   0x00000800
#define CRYPT_VOLATILE                   0x00001000
#define CRYPT_SGCKEY                     0x00002000
#define CRYPT_ARCHIVABLE                 0x00004000
#define CRYPT_FORCE_KEY_PROTECTION_HIGH  0x00008000
#define CRYPT_USER_PROTECTED_STRONG      0x00100000
#define CRYPT_SERVER                     0x00000400
#define RSA1024BIT_KEY                   0x04000000
#define KEY_LENGTH_MASK                  0xFFFF0000

/* CryptHashData dwFlags. */
#define CRYPT_USERDATA                   1

/* CryptSignHash/CryptVerifySignature dwFlags. */
#define CRYPT_NOHASHOID                  0x00000001
#define CRYPT_TYPE2_FORMAT               0x00000002
#define CRYPT_X931_FORMAT                0x00000004

/* CryptHashSessionKey dwFlags. */
#define CRYPT_LITTLE_ENDIAN              0x00000001

/* CryptEncrypt/CryptDecrypt dwFlags. */
#define CRYPT_OAEP                       0x00000040
#define CRYPT_DECRYPT_RSA_NO_PADDING_CHECK 0x00000020

/* CryptExportKey/CryptImportKey dwFlags. */
#define CRYPT_Y_ONLY                     0x00000001
#define CRYPT_SSL2_FALLBACK              0x00000002
#define CRYPT_DESTROYKEY                 0x00000004
#define CRYPT_BLOB_VER3                  0x00000080
#define CRYPT_IPSEC_HMAC_KEY             0x00000100

/* CryptGetProvParam dwFlags for the enumerations. */
#define CRYPT_FIRST                      1
#define CRYPT_NEXT                       2
#define CRYPT_SGC_ENUM                   4

/* PP_IMPTYPE values. */
#define CRYPT_IMPL_HARDWARE              1
#define CRYPT_IMPL_SOFTWARE              2
#define CRYPT_IMPL_MIXED                 3
#define CRYPT_IMPL_UNKNOWN               4
#define CRYPT_IMPL_REMOVABLE             8

/* PP_KEYSTORAGE bits. */
#define CRYPT_SEC_DESCR                  0x00000001
#define CRYPT_PSTORE                     0x00000002
#define CRYPT_UI_PROMPT                  0x00000004

/* PROV_ENUMALGS_EX.dwProtocols bits. */
#define CRYPT_FLAG_PCT1                  0x0001
#define CRYPT_FLAG_SSL2                  0x0002
#define CRYPT_FLAG_SSL3                  0x0004
#define CRYPT_FLAG_TLS1                  0x0008
#define CRYPT_FLAG_IPSEC                 0x0010
#define CRYPT_FLAG_SIGNING               0x0020

/* PP_SGC_INFO bits. */
#define CRYPT_SGC                        0x0001
#define CRYPT_FASTSGC                    0x0002

/* CryptGetDefaultProvider/CryptSetProviderEx dwFlags. */
#define CRYPT_MACHINE_DEFAULT            0x00000001
#define CRYPT_USER_DEFAULT               0x00000002
#define CRYPT_DELETE_DEFAULT             0x00000004

/* Key specs (CryptGenKey Algid, CryptGetUserKey, CryptSignHash). */
#define AT_KEYEXCHANGE                   1
#define AT_SIGNATURE                     2

/* Key blob types (CryptExportKey dwBlobType, BLOBHEADER.bType). */
#define SIMPLEBLOB                       0x1
#define PUBLICKEYBLOB                    0x6
#define PRIVATEKEYBLOB                   0x7
#define PLAINTEXTKEYBLOB                 0x8
#define OPAQUEKEYBLOB                    0x9
#define PUBLICKEYBLOBEX                  0xA
#define SYMMETRICWRAPKEYBLOB             0xB
#define KEYSTATEBLOB                     0xC

/* BLOBHEADER.bVersion. */
#define CUR_BLOB_VERSION                 2

/* SCHANNEL_ALG.dwUse and dwFlags. */
#define SCHANNEL_MAC_KEY                 0x00000000
#define SCHANNEL_ENC_KEY                 0x00000001
#define INTERNATIONAL_USAGE              0x00000001

/* Success values of the old RCRYPT_ convention. */
#define CRYPT_FAILED                     FALSE
#define CRYPT_SUCCEED                    TRUE
#define RCRYPT_SUCCEEDED(rt)             ((rt) == CRYPT_SUCCEED)
#define RCRYPT_FAILED(rt)                ((rt) == CRYPT_FAILED)

/* ---- Key parameters (CryptGetKeyParam/CryptSetKeyParam dwParam) ------------- */
#define KP_IV                            1
#define KP_SALT                          2
#define KP_PADDING                       3
#define KP_MODE                          4
#define KP_MODE_BITS                     5
#define KP_PERMISSIONS                   6
#define KP_ALGID                         7
#define KP_BLOCKLEN                      8
#define KP_KEYLEN                        9
#define KP_SALT_EX                       10
#define KP_P                             11
#define KP_G                             12
#define KP_Q                             13
#define KP_X                             14
#define KP_Y                             15
#define KP_RA                            16
#define KP_RB                            17
#define KP_INFO                          18
#define KP_EFFECTIVE_KEYLEN              19
#define KP_SCHANNEL_ALG                  20
#define KP_CLIENT_RANDOM                 21
#define KP_SERVER_RANDOM                 22
#define KP_RP                            23
#define KP_PRECOMP_MD5                   24
#define KP_PRECOMP_SHA                   25
#define KP_CERTIFICATE                   26
#define KP_CLEAR_KEY                     27
#define KP_PUB_EX_LEN                    28
#define KP_PUB_EX_VAL                    29
#define KP_KEYVAL                        30
#define KP_ADMIN_PIN                     31
#define KP_KEYEXCHANGE_PIN               32
#define KP_SIGNATURE_PIN                 33
#define KP_PREHASH                       34
#define KP_ROUNDS                        35
#define KP_OAEP_PARAMS                   36
#define KP_CMS_KEY_INFO                  37
#define KP_CMS_DH_KEY_INFO               38
#define KP_PUB_PARAMS                    39
#define KP_VERIFY_PARAMS                 40
#define KP_HIGHEST_VERSION               41
#define KP_GET_USE_COUNT                 42
#define KP_PIN_ID                        43
#define KP_PIN_INFO                      44

/* KP_PADDING values. */
#define PKCS5_PADDING                    1
#define RANDOM_PADDING                   2
#define ZERO_PADDING                     3

/* KP_MODE values. */
#define CRYPT_MODE_CBC                   1
#define CRYPT_MODE_ECB                   2
#define CRYPT_MODE_OFB                   3
#define CRYPT_MODE_CFB                   4
#define CRYPT_MODE_CTS                   5
#define CRYPT_MODE_CBCI                  6
#define CRYPT_MODE_CFBP                  7
#define CRYPT_MODE_OFBP                  8
#define CRYPT_MODE_CBCOFM                9
#define CRYPT_MODE_CBCOFMI               10

/* KP_PERMISSIONS bits. */
#define CRYPT_ENCRYPT                    0x0001
#define CRYPT_DECRYPT                    0x0002
#define CRYPT_EXPORT                     0x0004
#define CRYPT_READ                       0x0008
#define CRYPT_WRITE                      0x0010
#define CRYPT_MAC                        0x0020
#define CRYPT_EXPORT_KEY                 0x0040
#define CRYPT_IMPORT_KEY                 0x0080
#define CRYPT_ARCHIVE                    0x0100

/* ---- Hash parameters (CryptGetHashParam/CryptSetHashParam dwParam) ---------- */
#define HP_ALGID                         0x0001
#define HP_HASHVAL                       0x0002
#define HP_HASHSIZE                      0x0004
#define HP_HMAC_INFO                     0x0005
#define HP_TLS1PRF_LABEL                 0x0006
#define HP_TLS1PRF_SEED                  0x0007

/* ---- Provider parameters (CryptGetProvParam/CryptSetProvParam dwParam) ------
 * Some numbers mean one thing to Get and another to Set (1 and 47). */
#define PP_ENUMALGS                      1
#define PP_ENUMCONTAINERS                2
#define PP_IMPTYPE                       3
#define PP_NAME                          4
#define PP_VERSION                       5
#define PP_CONTAINER                     6
#define PP_CHANGE_PASSWORD               7
#define PP_KEYSET_SEC_DESCR              8

/* SECURITY_INFORMATION bits: the dwFlags of PP_KEYSET_SEC_DESCR (winnt.h names; defined here
 * only when no Windows header did). */
#ifndef OWNER_SECURITY_INFORMATION
#define OWNER_SECURITY_INFORMATION       0x00000001
#define GROUP_SECURITY_INFORMATION       0x00000002
#define DACL_SECURITY_INFORMATION        0x00000004
#define SACL_SECURITY_INFORMATION        0x00000008
#endif
#define PP_CERTCHAIN                     9
#define PP_KEY_TYPE_SUBTYPE              10
#define PP_CONTEXT_INFO                  11
#define PP_KEYEXCHANGE_KEYSIZE           12
#define PP_SIGNATURE_KEYSIZE             13
#define PP_KEYEXCHANGE_ALG               14
#define PP_SIGNATURE_ALG                 15
#define PP_PROVTYPE                      16
#define PP_KEYSTORAGE                    17
#define PP_APPLI_CERT                    18
#define PP_SYM_KEYSIZE                   19
#define PP_SESSION_KEYSIZE               20
#define PP_UI_PROMPT                     21
#define PP_ENUMALGS_EX                   22
#define PP_DELETEKEY                     24
#define PP_ENUMMANDROOTS                 25
#define PP_ENUMELECTROOTS                26
#define PP_KEYSET_TYPE                   27
#define PP_ADMIN_PIN                     31
#define PP_KEYEXCHANGE_PIN               32
#define PP_SIGNATURE_PIN                 33
#define PP_SIG_KEYSIZE_INC               34
#define PP_KEYX_KEYSIZE_INC              35
#define PP_UNIQUE_CONTAINER              36
#define PP_SGC_INFO                      37
#define PP_USE_HARDWARE_RNG              38
#define PP_KEYSPEC                       39
#define PP_ENUMEX_SIGNING_PROT           40
#define PP_CRYPT_COUNT_KEY_USE           41
#define PP_USER_CERTSTORE                42
#define PP_SMARTCARD_READER              43
#define PP_SMARTCARD_GUID                45
#define PP_ROOT_CERTSTORE                46
#define PP_SMARTCARD_READER_ICON         47
/* CryptSetProvParam only. */
#define PP_CLIENT_HWND                   1
#define PP_PIN_PROMPT_STRING             44
#define PP_SECURE_KEYEXCHANGE_PIN        47
#define PP_SECURE_SIGNATURE_PIN          48

/* ---- Structures ----------------------------------------------------------------- */

/* The 8-byte header in front of every key blob. */
typedef struct _PUBLICKEYSTRUC {
    BYTE   bType;       /* SIMPLEBLOB, PUBLICKEYBLOB, ... */
    BYTE   bVersion;    /* CUR_BLOB_VERSION (3 for the _VER3 DH/DSS blobs) */
    WORD   reserved;    /* 0 */
    ALG_ID aiKeyAlg;
} BLOBHEADER, PUBLICKEYSTRUC;

/* RSA public key, after the BLOBHEADER of a PUBLICKEYBLOB/PRIVATEKEYBLOB;
 * the little-endian modulus (and private parts) follow. */
typedef struct _RSAPUBKEY {
    DWORD magic;        /* "RSA1" public, "RSA2" private */
    DWORD bitlen;       /* modulus size in bits */
    DWORD pubexp;       /* public exponent */
} RSAPUBKEY;

/* DH/DSS (version 2) key header; P, Q, G, Y/X follow. */
typedef struct _PUBKEY {
    DWORD magic;
    DWORD bitlen;
} DHPUBKEY, DSSPUBKEY, KEAPUBKEY, TEKPUBKEY;

/* DSS domain-parameter generation seed. */
typedef struct _DSSSEED {
    DWORD counter;      /* 0xFFFFFFFF when no seed is present */
    BYTE  seed[20];
} DSSSEED;

/* Version 3 DH/DSS public key header. */
typedef struct _PUBKEYVER3 {
    DWORD   magic;
    DWORD   bitlenP;
    DWORD   bitlenQ;
    DWORD   bitlenJ;
    DSSSEED DSSSeed;
} DHPUBKEY_VER3, DSSPUBKEY_VER3;

/* Version 3 DH/DSS private key header. */
typedef struct _PRIVKEYVER3 {
    DWORD   magic;
    DWORD   bitlenP;
    DWORD   bitlenQ;
    DWORD   bitlenJ;
    DWORD   bitlenX;
    DSSSEED DSSSeed;
} DHPRIVKEY_VER3, DSSPRIVKEY_VER3;

/* PP_KEY_TYPE_SUBTYPE. */
typedef struct _KEY_TYPE_SUBTYPE {
    DWORD dwKeySpec;
    GUID  Type;
    GUID  Subtype;
} KEY_TYPE_SUBTYPE, *PKEY_TYPE_SUBTYPE;

/* HP_HMAC_INFO: the HMAC's hash and optional inner/outer pad strings
 * (NULL/0 selects the standard 0x36/0x5C pads). */
typedef struct _HMAC_Info {
    ALG_ID HashAlgid;
    BYTE  *pbInnerString;
    DWORD  cbInnerString;
    BYTE  *pbOuterString;
    DWORD  cbOuterString;
} HMAC_INFO, *PHMAC_INFO;

/* KP_SCHANNEL_ALG. */
typedef struct _SCHANNEL_ALG {
    DWORD  dwUse;       /* SCHANNEL_MAC_KEY or SCHANNEL_ENC_KEY */
    ALG_ID Algid;
    DWORD  cBits;
    DWORD  dwFlags;     /* INTERNATIONAL_USAGE */
    DWORD  dwReserved;
} SCHANNEL_ALG, *PSCHANNEL_ALG;

/* One PP_ENUMALGS record (32 bytes). */
typedef struct _PROV_ENUMALGS {
    ALG_ID aiAlgid;
    DWORD  dwBitLen;    /* default key length */
    DWORD  dwNameLen;   /* bytes of szName, NUL included */
    CHAR   szName[20];
} PROV_ENUMALGS;

/* One PP_ENUMALGS_EX record (88 bytes). */
typedef struct _PROV_ENUMALGS_EX {
    ALG_ID aiAlgid;
    DWORD  dwDefaultLen;
    DWORD  dwMinLen;
    DWORD  dwMaxLen;
    DWORD  dwProtocols; /* CRYPT_FLAG_* */
    DWORD  dwNameLen;
    CHAR   szName[20];
    DWORD  dwLongNameLen;
    CHAR   szLongName[40];
} PROV_ENUMALGS_EX;

/* A counted byte string, under each of its documented names. */
typedef struct _CRYPTOAPI_BLOB {
    DWORD cbData;
    BYTE *pbData;
} CRYPT_INTEGER_BLOB, *PCRYPT_INTEGER_BLOB,
  CRYPT_UINT_BLOB,    *PCRYPT_UINT_BLOB,
  CRYPT_OBJID_BLOB,   *PCRYPT_OBJID_BLOB,
  CERT_NAME_BLOB,     *PCERT_NAME_BLOB,
  CERT_RDN_VALUE_BLOB, *PCERT_RDN_VALUE_BLOB,
  CERT_BLOB,          *PCERT_BLOB,
  CRL_BLOB,           *PCRL_BLOB,
  DATA_BLOB,          *PDATA_BLOB,
  CRYPT_DATA_BLOB,    *PCRYPT_DATA_BLOB,
  CRYPT_HASH_BLOB,    *PCRYPT_HASH_BLOB,
  CRYPT_DIGEST_BLOB,  *PCRYPT_DIGEST_BLOB,
  CRYPT_DER_BLOB,     *PCRYPT_DER_BLOB,
  CRYPT_ATTR_BLOB,    *PCRYPT_ATTR_BLOB,
  CRYPTOAPI_BLOB,     *PCRYPTOAPI_BLOB;

/* A bit string: cbData bytes, the last cUnusedBits of which are padding. */
typedef struct _CRYPT_BIT_BLOB {
    DWORD cbData;
    BYTE *pbData;
    DWORD cUnusedBits;
} CRYPT_BIT_BLOB, *PCRYPT_BIT_BLOB;

/* An algorithm OID (dotted, ASCII) with its encoded parameters. */
typedef struct _CRYPT_ALGORITHM_IDENTIFIER {
    LPSTR            pszObjId;
    CRYPT_OBJID_BLOB Parameters;
} CRYPT_ALGORITHM_IDENTIFIER, *PCRYPT_ALGORITHM_IDENTIFIER;

/* ---- Error codes ------------------------------------------------------------
 * What GetLastError() returns.  All are unsigned so that they compare with a
 * DWORD without sign warnings (winerror.h spells the NTE_ ones as HRESULTs). */

/* Win32 codes (winerror.h). */
#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS                    0u
#endif
#ifndef NO_ERROR
#define NO_ERROR                         0u
#endif
#ifndef ERROR_FILE_NOT_FOUND
#define ERROR_FILE_NOT_FOUND             2u
#endif
#ifndef ERROR_ACCESS_DENIED
#define ERROR_ACCESS_DENIED              5u
#endif
#ifndef ERROR_INVALID_HANDLE
#define ERROR_INVALID_HANDLE             6u
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY          8u
#endif
#ifndef ERROR_INVALID_DATA
#define ERROR_INVALID_DATA               13u
#endif
#ifndef ERROR_OUTOFMEMORY
#define ERROR_OUTOFMEMORY                14u
#endif
#ifndef ERROR_NOT_SUPPORTED
#define ERROR_NOT_SUPPORTED              50u
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER          87u
#endif
#ifndef ERROR_CALL_NOT_IMPLEMENTED
#define ERROR_CALL_NOT_IMPLEMENTED       120u
#endif
#ifndef ERROR_INSUFFICIENT_BUFFER
#define ERROR_INSUFFICIENT_BUFFER        122u
#endif
#ifndef ERROR_BUSY
#define ERROR_BUSY                       170u
#endif
#ifndef ERROR_ENVVAR_NOT_FOUND
#define ERROR_ENVVAR_NOT_FOUND           203u
#endif
#ifndef ERROR_RING2_STACK_IN_USE
#define ERROR_RING2_STACK_IN_USE         207u
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA                  234u
#endif
#ifndef ERROR_NO_MORE_ITEMS
#define ERROR_NO_MORE_ITEMS              259u
#endif
#ifndef ERROR_NOACCESS
#define ERROR_NOACCESS                   998u
#endif
#ifndef ERROR_INVALID_FLAGS
#define ERROR_INVALID_FLAGS              1004u
#endif
#ifndef ERROR_NOT_LOGGED_ON
#define ERROR_NOT_LOGGED_ON              1245u
#endif
#ifndef ERROR_PRIVILEGE_NOT_HELD
#define ERROR_PRIVILEGE_NOT_HELD         1314u
#endif
#ifndef ERROR_INTERNAL_ERROR
#define ERROR_INTERNAL_ERROR             1359u
#endif

/* CryptoAPI codes (winerror.h, facility 9). */
#ifndef NTE_OP_OK
#define NTE_OP_OK                        0
#endif
#ifndef NTE_BAD_UID
#define NTE_BAD_UID                      0x80090001u
#endif
#ifndef NTE_BAD_HASH
#define NTE_BAD_HASH                     0x80090002u
#endif
#ifndef NTE_BAD_KEY
#define NTE_BAD_KEY                      0x80090003u
#endif
#ifndef NTE_BAD_LEN
#define NTE_BAD_LEN                      0x80090004u
#endif
#ifndef NTE_BAD_DATA
#define NTE_BAD_DATA                     0x80090005u
#endif
#ifndef NTE_BAD_SIGNATURE
#define NTE_BAD_SIGNATURE                0x80090006u
#endif
#ifndef NTE_BAD_VER
#define NTE_BAD_VER                      0x80090007u
#endif
#ifndef NTE_BAD_ALGID
#define NTE_BAD_ALGID                    0x80090008u
#endif
#ifndef NTE_BAD_FLAGS
#define NTE_BAD_FLAGS                    0x80090009u
#endif
#ifndef NTE_BAD_TYPE
#define NTE_BAD_TYPE                     0x8009000Au
#endif
#ifndef NTE_BAD_KEY_STATE
#define NTE_BAD_KEY_STATE                0x8009000Bu
#endif
#ifndef NTE_BAD_HASH_STATE
#define NTE_BAD_HASH_STATE               0x8009000Cu
#endif
#ifndef NTE_NO_KEY
#define NTE_NO_KEY                       0x8009000Du
#endif
#ifndef NTE_NO_MEMORY
#define NTE_NO_MEMORY                    0x8009000Eu
#endif
#ifndef NTE_EXISTS
#define NTE_EXISTS                       0x8009000Fu
#endif
#ifndef NTE_PERM
#define NTE_PERM                         0x80090010u
#endif
#ifndef NTE_NOT_FOUND
#define NTE_NOT_FOUND                    0x80090011u
#endif
#ifndef NTE_DOUBLE_ENCRYPT
#define NTE_DOUBLE_ENCRYPT               0x80090012u
#endif
#ifndef NTE_BAD_PROVIDER
#define NTE_BAD_PROVIDER                 0x80090013u
#endif
#ifndef NTE_BAD_PROV_TYPE
#define NTE_BAD_PROV_TYPE                0x80090014u
#endif
#ifndef NTE_BAD_PUBLIC_KEY
#define NTE_BAD_PUBLIC_KEY               0x80090015u
#endif
#ifndef NTE_BAD_KEYSET
#define NTE_BAD_KEYSET                   0x80090016u
#endif
#ifndef NTE_PROV_TYPE_NOT_DEF
#define NTE_PROV_TYPE_NOT_DEF            0x80090017u
#endif
#ifndef NTE_PROV_TYPE_ENTRY_BAD
#define NTE_PROV_TYPE_ENTRY_BAD          0x80090018u
#endif
#ifndef NTE_KEYSET_NOT_DEF
#define NTE_KEYSET_NOT_DEF               0x80090019u
#endif
#ifndef NTE_KEYSET_ENTRY_BAD
#define NTE_KEYSET_ENTRY_BAD             0x8009001Au
#endif
#ifndef NTE_PROV_TYPE_NO_MATCH
#define NTE_PROV_TYPE_NO_MATCH           0x8009001Bu
#endif
#ifndef NTE_SIGNATURE_FILE_BAD
#define NTE_SIGNATURE_FILE_BAD           0x8009001Cu
#endif
#ifndef NTE_PROVIDER_DLL_FAIL
#define NTE_PROVIDER_DLL_FAIL            0x8009001Du
#endif
#ifndef NTE_PROV_DLL_NOT_FOUND
#define NTE_PROV_DLL_NOT_FOUND           0x8009001Eu
#endif
#ifndef NTE_BAD_KEYSET_PARAM
#define NTE_BAD_KEYSET_PARAM             0x8009001Fu
#endif
#ifndef NTE_FAIL
#define NTE_FAIL                         0x80090020u
#endif
#ifndef NTE_SYS_ERR
#define NTE_SYS_ERR                      0x80090021u
#endif
#ifndef NTE_SILENT_CONTEXT
#define NTE_SILENT_CONTEXT               0x80090022u
#endif
#ifndef NTE_TOKEN_KEYSET_STORAGE_FULL
#define NTE_TOKEN_KEYSET_STORAGE_FULL    0x80090023u
#endif
#ifndef NTE_TEMPORARY_PROFILE
#define NTE_TEMPORARY_PROFILE            0x80090024u
#endif
#ifndef NTE_FIXEDPARAMETER
#define NTE_FIXEDPARAMETER               0x80090025u
#endif
#ifndef NTE_INVALID_HANDLE
#define NTE_INVALID_HANDLE               0x80090026u
#endif
#ifndef NTE_INVALID_PARAMETER
#define NTE_INVALID_PARAMETER            0x80090027u
#endif
#ifndef NTE_BUFFER_TOO_SMALL
#define NTE_BUFFER_TOO_SMALL             0x80090028u
#endif
#ifndef NTE_NOT_SUPPORTED
#define NTE_NOT_SUPPORTED                0x80090029u
#endif
#ifndef NTE_NO_MORE_ITEMS
#define NTE_NO_MORE_ITEMS                0x8009002Au
#endif
#ifndef NTE_BUFFERS_OVERLAP
#define NTE_BUFFERS_OVERLAP              0x8009002Bu
#endif
#ifndef NTE_DECRYPTION_FAILURE
#define NTE_DECRYPTION_FAILURE           0x8009002Cu
#endif
#ifndef NTE_INTERNAL_ERROR
#define NTE_INTERNAL_ERROR               0x8009002Du
#endif
#ifndef NTE_UI_REQUIRED
#define NTE_UI_REQUIRED                  0x8009002Eu
#endif
#ifndef NTE_HMAC_NOT_SUPPORTED
#define NTE_HMAC_NOT_SUPPORTED           0x8009002Fu
#endif
#ifndef NTE_DEVICE_NOT_READY
#define NTE_DEVICE_NOT_READY             0x80090030u
#endif
#ifndef NTE_AUTHENTICATION_IGNORED
#define NTE_AUTHENTICATION_IGNORED       0x80090031u
#endif
#ifndef NTE_VALIDATION_FAILED
#define NTE_VALIDATION_FAILED            0x80090032u
#endif
#ifndef NTE_INCORRECT_PASSWORD
#define NTE_INCORRECT_PASSWORD           0x80090033u
#endif
#ifndef NTE_ENCRYPTION_FAILURE
#define NTE_ENCRYPTION_FAILURE           0x80090034u
#endif
#ifndef NTE_DEVICE_NOT_FOUND
#define NTE_DEVICE_NOT_FOUND             0x80090035u
#endif
#ifndef NTE_USER_CANCELLED
#define NTE_USER_CANCELLED               0x80090036u
#endif
#ifndef NTE_PASSWORD_CHANGE_REQUIRED
#define NTE_PASSWORD_CHANGE_REQUIRED     0x80090037u
#endif
#ifndef NTE_NOT_ACTIVE_CONSOLE
#define NTE_NOT_ACTIVE_CONSOLE           0x80090038u
#endif

/* ---- Functions ------------------------------------------------------------------ */

/* Provider contexts. */
/* Opens (or with CRYPT_NEWKEYSET creates, CRYPT_DELETEKEYSET deletes) key
 * container szContainer of provider szProvider (NULL: the type's default). */
WINADVAPI BOOL WINAPI CryptAcquireContextA(
    HCRYPTPROV *phProv,
    LPCSTR szContainer,
    LPCSTR szProvider,
    DWORD dwProvType,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptAcquireContextW(
    HCRYPTPROV *phProv,
    LPCWSTR szContainer,
    LPCWSTR szProvider,
    DWORD dwProvType,
    DWORD dwFlags);
/* Drops one reference; the context closes when the last one goes. */
WINADVAPI BOOL WINAPI CryptReleaseContext(HCRYPTPROV hProv, DWORD dwFlags);
/* Adds a reference (pdwReserved must be NULL, dwFlags 0). */
WINADVAPI BOOL WINAPI CryptContextAddRef(
    HCRYPTPROV hProv,
    DWORD *pdwReserved,
    DWORD dwFlags);
/* PP_* queries; see the buffer convention above. */
WINADVAPI BOOL WINAPI CryptGetProvParam(
    HCRYPTPROV hProv,
    DWORD dwParam,
    BYTE *pbData,
    DWORD *pdwDataLen,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptSetProvParam(
    HCRYPTPROV hProv,
    DWORD dwParam,
    const BYTE *pbData,
    DWORD dwFlags);
/* Fills pbBuffer with dwLen random bytes. */
WINADVAPI BOOL WINAPI CryptGenRandom(
    HCRYPTPROV hProv,
    DWORD dwLen,
    BYTE *pbBuffer);

/* Hashes. */
/* hKey is the key of a keyed hash (CALG_MAC, CALG_HMAC), else 0. */
WINADVAPI BOOL WINAPI CryptCreateHash(
    HCRYPTPROV hProv,
    ALG_ID Algid,
    HCRYPTKEY hKey,
    DWORD dwFlags,
    HCRYPTHASH *phHash);
WINADVAPI BOOL WINAPI CryptHashData(
    HCRYPTHASH hHash,
    const BYTE *pbData,
    DWORD dwDataLen,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptHashSessionKey(
    HCRYPTHASH hHash,
    HCRYPTKEY hKey,
    DWORD dwFlags);
/* HP_* queries; reading HP_HASHVAL finishes the hash. */
WINADVAPI BOOL WINAPI CryptGetHashParam(
    HCRYPTHASH hHash,
    DWORD dwParam,
    BYTE *pbData,
    DWORD *pdwDataLen,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptSetHashParam(
    HCRYPTHASH hHash,
    DWORD dwParam,
    const BYTE *pbData,
    DWORD dwFlags);
/* An independent copy of the hash state (pdwReserved NULL, dwFlags 0). */
WINADVAPI BOOL WINAPI CryptDuplicateHash(
    HCRYPTHASH hHash,
    DWORD *pdwReserved,
    DWORD dwFlags,
    HCRYPTHASH *phHash);
WINADVAPI BOOL WINAPI CryptDestroyHash(HCRYPTHASH hHash);

/* Signatures. */
/* Signs the hash with the container's dwKeySpec key.  Microsoft documents
 * szDescription as obsolete (pass NULL); a non-NULL one is hashed in first as
 * UTF-16LE without its terminator, as the Base provider does, and
 * CryptVerifySignature must then be given the same string.  pbSignature
 * follows the buffer convention. */
WINADVAPI BOOL WINAPI CryptSignHashA(
    HCRYPTHASH hHash,
    DWORD dwKeySpec,
    LPCSTR szDescription,
    DWORD dwFlags,
    BYTE *pbSignature,
    DWORD *pdwSigLen);
WINADVAPI BOOL WINAPI CryptSignHashW(
    HCRYPTHASH hHash,
    DWORD dwKeySpec,
    LPCWSTR szDescription,
    DWORD dwFlags,
    BYTE *pbSignature,
    DWORD *pdwSigLen);
/* FALSE with NTE_BAD_SIGNATURE when the signature does not match. */
WINADVAPI BOOL WINAPI CryptVerifySignatureA(
    HCRYPTHASH hHash,
    const BYTE *pbSignature,
    DWORD dwSigLen,
    HCRYPTKEY hPubKey,
    LPCSTR szDescription,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptVerifySignatureW(
    HCRYPTHASH hHash,
    const BYTE *pbSignature,
    DWORD dwSigLen,
    HCRYPTKEY hPubKey,
    LPCWSTR szDescription,
    DWORD dwFlags);

/* Keys. */
/* Algid is a CALG_* or AT_KEYEXCHANGE/AT_SIGNATURE; the upper 16 bits of
 * dwFlags may give the key length in bits. */
WINADVAPI BOOL WINAPI CryptGenKey(
    HCRYPTPROV hProv,
    ALG_ID Algid,
    DWORD dwFlags,
    HCRYPTKEY *phKey);
/* Derives a session key from a finished hash. */
WINADVAPI BOOL WINAPI CryptDeriveKey(
    HCRYPTPROV hProv,
    ALG_ID Algid,
    HCRYPTHASH hBaseData,
    DWORD dwFlags,
    HCRYPTKEY *phKey);
/* Imports a key blob; hPubKey decrypts a SIMPLEBLOB/wrapped blob, else 0. */
WINADVAPI BOOL WINAPI CryptImportKey(
    HCRYPTPROV hProv,
    const BYTE *pbData,
    DWORD dwDataLen,
    HCRYPTKEY hPubKey,
    DWORD dwFlags,
    HCRYPTKEY *phKey);
/* Exports as dwBlobType, wrapped with hExpKey if needed; buffer convention. */
WINADVAPI BOOL WINAPI CryptExportKey(
    HCRYPTKEY hKey,
    HCRYPTKEY hExpKey,
    DWORD dwBlobType,
    DWORD dwFlags,
    BYTE *pbData,
    DWORD *pdwDataLen);
/* The container's AT_KEYEXCHANGE or AT_SIGNATURE key pair. */
WINADVAPI BOOL WINAPI CryptGetUserKey(
    HCRYPTPROV hProv,
    DWORD dwKeySpec,
    HCRYPTKEY *phUserKey);
WINADVAPI BOOL WINAPI CryptGetKeyParam(
    HCRYPTKEY hKey,
    DWORD dwParam,
    BYTE *pbData,
    DWORD *pdwDataLen,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptSetKeyParam(
    HCRYPTKEY hKey,
    DWORD dwParam,
    const BYTE *pbData,
    DWORD dwFlags);
/* An independent copy of the key and its state (pdwReserved NULL, dwFlags 0). */
WINADVAPI BOOL WINAPI CryptDuplicateKey(
    HCRYPTKEY hKey,
    DWORD *pdwReserved,
    DWORD dwFlags,
    HCRYPTKEY *phKey);
WINADVAPI BOOL WINAPI CryptDestroyKey(HCRYPTKEY hKey);

/* Encryption.  In place: *pdwDataLen bytes in, the result's length out.
 * CryptEncrypt's dwBufLen is the buffer's capacity (padding may grow the
 * data); pbData NULL asks for the needed size.  hHash, if not 0, also hashes
 * the plaintext.  Final is TRUE on the last piece. */
WINADVAPI BOOL WINAPI CryptEncrypt(
    HCRYPTKEY hKey,
    HCRYPTHASH hHash,
    BOOL Final,
    DWORD dwFlags,
    BYTE *pbData,
    DWORD *pdwDataLen,
    DWORD dwBufLen);
WINADVAPI BOOL WINAPI CryptDecrypt(
    HCRYPTKEY hKey,
    HCRYPTHASH hHash,
    BOOL Final,
    DWORD dwFlags,
    BYTE *pbData,
    DWORD *pdwDataLen);

/* The provider registry. */
/* Lists installed providers, one per dwIndex, until ERROR_NO_MORE_ITEMS.
 * Not implemented yet in this release: exported, and after Windows' argument
 * checks (non-NULL pdwReserved: ERROR_INVALID_PARAMETER, bad dwFlags:
 * NTE_BAD_FLAGS) it fails with ERROR_CALL_NOT_IMPLEMENTED. */
WINADVAPI BOOL WINAPI CryptEnumProvidersA(
    DWORD dwIndex,
    DWORD *pdwReserved,
    DWORD dwFlags,
    DWORD *pdwProvType,
    LPSTR szProvName,
    DWORD *pcbProvName);
WINADVAPI BOOL WINAPI CryptEnumProvidersW(
    DWORD dwIndex,
    DWORD *pdwReserved,
    DWORD dwFlags,
    DWORD *pdwProvType,
    LPWSTR szProvName,
    DWORD *pcbProvName);
/* Lists provider types, one per dwIndex.
 * Not implemented yet in this release: exported, and after Windows' argument
 * checks (non-NULL pdwReserved: ERROR_INVALID_PARAMETER, bad dwFlags:
 * NTE_BAD_FLAGS) it fails with ERROR_CALL_NOT_IMPLEMENTED. */
WINADVAPI BOOL WINAPI CryptEnumProviderTypesA(
    DWORD dwIndex,
    DWORD *pdwReserved,
    DWORD dwFlags,
    DWORD *pdwProvType,
    LPSTR szTypeName,
    DWORD *pcbTypeName);
WINADVAPI BOOL WINAPI CryptEnumProviderTypesW(
    DWORD dwIndex,
    DWORD *pdwReserved,
    DWORD dwFlags,
    DWORD *pdwProvType,
    LPWSTR szTypeName,
    DWORD *pcbTypeName);
/* The machine's or user's default provider of a type.
 * Not implemented yet in this release: exported, and after Windows' argument
 * checks (non-NULL pdwReserved: ERROR_INVALID_PARAMETER, bad dwFlags:
 * NTE_BAD_FLAGS) it fails with ERROR_CALL_NOT_IMPLEMENTED. */
WINADVAPI BOOL WINAPI CryptGetDefaultProviderA(
    DWORD dwProvType,
    DWORD *pdwReserved,
    DWORD dwFlags,
    LPSTR pszProvName,
    DWORD *pcbProvName);
WINADVAPI BOOL WINAPI CryptGetDefaultProviderW(
    DWORD dwProvType,
    DWORD *pdwReserved,
    DWORD dwFlags,
    LPWSTR pszProvName,
    DWORD *pcbProvName);
/* Sets the user's default provider of a type.
 * Not implemented yet in this release: exported, and after Windows' argument
 * checks it fails with ERROR_CALL_NOT_IMPLEMENTED. */
WINADVAPI BOOL WINAPI CryptSetProviderA(LPCSTR pszProvName, DWORD dwProvType);
WINADVAPI BOOL WINAPI CryptSetProviderW(LPCWSTR pszProvName, DWORD dwProvType);
/* Sets or, with CRYPT_DELETE_DEFAULT, clears the machine or user default.
 * Not implemented yet in this release: exported, and after Windows' argument
 * checks (non-NULL pdwReserved: ERROR_INVALID_PARAMETER, bad dwFlags:
 * NTE_BAD_FLAGS) it fails with ERROR_CALL_NOT_IMPLEMENTED. */
WINADVAPI BOOL WINAPI CryptSetProviderExA(
    LPCSTR pszProvName,
    DWORD dwProvType,
    DWORD *pdwReserved,
    DWORD dwFlags);
WINADVAPI BOOL WINAPI CryptSetProviderExW(
    LPCWSTR pszProvName,
    DWORD dwProvType,
    DWORD *pdwReserved,
    DWORD dwFlags);

/* RtlGenRandom: random bytes without a provider context; TRUE on success. */
WINADVAPI BOOLEAN WINAPI SystemFunction036(
    PVOID RandomBuffer,
    ULONG RandomBufferLength);
#define RtlGenRandom SystemFunction036

/* The calling thread's last error, as set by the functions above. */
#ifndef CRYPTOAPI_NO_LASTERROR_DECL
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);
#endif

/* Unsuffixed names: W with UNICODE, else A. */
#ifdef UNICODE
#define CryptAcquireContext      CryptAcquireContextW
#define CryptSignHash            CryptSignHashW
#define CryptVerifySignature     CryptVerifySignatureW
#define CryptEnumProviders       CryptEnumProvidersW
#define CryptEnumProviderTypes   CryptEnumProviderTypesW
#define CryptGetDefaultProvider  CryptGetDefaultProviderW
#define CryptSetProvider         CryptSetProviderW
#define CryptSetProviderEx       CryptSetProviderExW
#else
#define CryptAcquireContext      CryptAcquireContextA
#define CryptSignHash            CryptSignHashA
#define CryptVerifySignature     CryptVerifySignatureA
#define CryptEnumProviders       CryptEnumProvidersA
#define CryptEnumProviderTypes   CryptEnumProviderTypesA
#define CryptGetDefaultProvider  CryptGetDefaultProviderA
#define CryptSetProvider         CryptSetProviderA
#define CryptSetProviderEx       CryptSetProviderExA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRYPTOAPI_WINCRYPT_H */
