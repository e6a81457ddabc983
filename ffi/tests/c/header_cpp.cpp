/*
 * header_cpp.cpp - compile-time check of include/wincrypt.h as C++, with
 * UNICODE defined (the unsuffixed names must select the W functions).
 *
 * Build: g++ -std=c++11 -pedantic -Wall -Wextra -Werror -c header_cpp.cpp
 * (also -std=c++17).  Every check is a declaration that fails to compile
 * when the header is wrong; linked against libwincrypt the program runs
 * nothing and exits 0.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#define UNICODE

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../../include/wincrypt.h"
#include "../../include/wincrypt.h" /* the include guard holds */

#if !defined(CRYPTOAPI_WINCRYPT_H) || !defined(__WINCRYPT_H__) || !defined(_WINCRYPT_)
#error "include guards missing"
#endif

/* ---- Data model -------------------------------------------------------------- */
static_assert(std::is_same<BOOL, std::int32_t>::value, "BOOL");
static_assert(std::is_same<BOOLEAN, std::uint8_t>::value, "BOOLEAN");
static_assert(std::is_same<BYTE, std::uint8_t>::value, "BYTE");
static_assert(std::is_same<WORD, std::uint16_t>::value, "WORD");
static_assert(std::is_same<DWORD, std::uint32_t>::value, "DWORD");
static_assert(std::is_same<ULONG, std::uint32_t>::value, "ULONG");
static_assert(std::is_same<LONG, std::int32_t>::value, "LONG");
static_assert(std::is_same<ALG_ID, std::uint32_t>::value, "ALG_ID");
static_assert(std::is_same<WCHAR, std::uint16_t>::value, "WCHAR");
static_assert(std::is_same<CHAR, char>::value, "CHAR");
static_assert(std::is_same<ULONG_PTR, std::uintptr_t>::value, "ULONG_PTR");
static_assert(std::is_same<HCRYPTPROV, std::uintptr_t>::value, "HCRYPTPROV");
static_assert(std::is_same<HCRYPTKEY, std::uintptr_t>::value, "HCRYPTKEY");
static_assert(std::is_same<HCRYPTHASH, std::uintptr_t>::value, "HCRYPTHASH");
static_assert(std::is_same<HCRYPTPROV_LEGACY, std::uintptr_t>::value, "HCRYPTPROV_LEGACY");
static_assert(std::is_same<LPCSTR, const char *>::value, "LPCSTR");
static_assert(std::is_same<LPSTR, char *>::value, "LPSTR");
static_assert(std::is_same<LPCWSTR, const WCHAR *>::value, "LPCWSTR");
static_assert(std::is_same<LPWSTR, WCHAR *>::value, "LPWSTR");
static_assert(std::is_same<PVOID, void *>::value, "PVOID");
static_assert(std::is_same<LPVOID, void *>::value, "LPVOID");
static_assert(std::is_same<LPBYTE, BYTE *>::value, "LPBYTE");
static_assert(std::is_same<PBYTE, BYTE *>::value, "PBYTE");
static_assert(std::is_same<LPDWORD, DWORD *>::value, "LPDWORD");
static_assert(std::is_same<PDWORD, DWORD *>::value, "PDWORD");
/* UNICODE switches the T types to UTF-16. */
static_assert(std::is_same<TCHAR, WCHAR>::value, "TCHAR under UNICODE");
static_assert(std::is_same<LPTSTR, LPWSTR>::value, "LPTSTR under UNICODE");
static_assert(std::is_same<LPCTSTR, LPCWSTR>::value, "LPCTSTR under UNICODE");
static_assert(TRUE == 1 && FALSE == 0 && MAX_PATH == 260, "TRUE/FALSE/MAX_PATH");

/* ---- Structures -------------------------------------------------------------- */
static_assert(sizeof(BLOBHEADER) == 8, "BLOBHEADER");
static_assert(std::is_same<BLOBHEADER, PUBLICKEYSTRUC>::value, "PUBLICKEYSTRUC");
static_assert(offsetof(BLOBHEADER, aiKeyAlg) == 4, "BLOBHEADER.aiKeyAlg");
static_assert(sizeof(RSAPUBKEY) == 12, "RSAPUBKEY");
static_assert(sizeof(DHPUBKEY) == 8 && sizeof(DSSPUBKEY) == 8, "DHPUBKEY");
static_assert(sizeof(DSSSEED) == 24, "DSSSEED");
static_assert(sizeof(DHPUBKEY_VER3) == 40 && sizeof(DSSPUBKEY_VER3) == 40, "PUBKEYVER3");
static_assert(sizeof(DHPRIVKEY_VER3) == 44 && sizeof(DSSPRIVKEY_VER3) == 44, "PRIVKEYVER3");
static_assert(sizeof(KEY_TYPE_SUBTYPE) == 36, "KEY_TYPE_SUBTYPE");
static_assert(sizeof(SCHANNEL_ALG) == 20, "SCHANNEL_ALG");
static_assert(sizeof(PROV_ENUMALGS) == 32, "PROV_ENUMALGS");
static_assert(sizeof(PROV_ENUMALGS_EX) == 88, "PROV_ENUMALGS_EX");
static_assert(offsetof(PROV_ENUMALGS_EX, szLongName) == 48, "PROV_ENUMALGS_EX.szLongName");
static_assert(sizeof(HMAC_INFO) == 5 * sizeof(void *), "HMAC_INFO");
static_assert(sizeof(CRYPTOAPI_BLOB) == 2 * sizeof(void *), "CRYPTOAPI_BLOB");
static_assert(std::is_same<CRYPT_DATA_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_INTEGER_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_UINT_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_OBJID_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_DER_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_ATTR_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_HASH_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<CRYPT_DIGEST_BLOB, CRYPTOAPI_BLOB>::value &&
              std::is_same<PCRYPT_DATA_BLOB, CRYPTOAPI_BLOB *>::value,
              "the blob aliases");
static_assert(sizeof(CRYPT_BIT_BLOB) == 3 * sizeof(void *), "CRYPT_BIT_BLOB");
static_assert(sizeof(CRYPT_ALGORITHM_IDENTIFIER) == 3 * sizeof(void *),
              "CRYPT_ALGORITHM_IDENTIFIER");
static_assert(std::is_same<decltype(CRYPT_ALGORITHM_IDENTIFIER::pszObjId), LPSTR>::value,
              "pszObjId");
static_assert(std::is_same<decltype(HMAC_INFO::pbInnerString), BYTE *>::value,
              "pbInnerString");
static_assert(std::is_same<decltype(PROV_ENUMALGS::szName), CHAR[20]>::value, "szName");

BLOBHEADER blob_header = { PLAINTEXTKEYBLOB, CUR_BLOB_VERSION, 0, CALG_AES_256 };
HMAC_INFO hmac_info = { CALG_SHA_256, nullptr, 0, nullptr, 0 };
SCHANNEL_ALG schannel_alg = { SCHANNEL_MAC_KEY, CALG_SHA1, 160, 0, 0 };
PROV_ENUMALGS_EX prov_enumalgs_ex = {
    CALG_AES_128, 128, 128, 128, CRYPT_FLAG_SSL3 | CRYPT_FLAG_TLS1, 8, "AES 128", 12,
    "Advanced Encryption Standard (AES)"
};

/* ---- Constants ----------------------------------------------------------------- */
static_assert(CALG_SHA1 == 0x8004 && CALG_SHA == CALG_SHA1, "CALG_SHA1");
static_assert(CALG_SHA_512 == 0x800E, "CALG_SHA_512");
static_assert(CALG_RSA_KEYX == 0xA400 && CALG_RSA_SIGN == 0x2400, "RSA");
static_assert(CALG_3DES == 0x6603 && CALG_AES_256 == 0x6610, "block ciphers");
static_assert(CALG_RC4 == 0x6801, "CALG_RC4");
static_assert(CALG_TLS1_MASTER == 0x4C06, "CALG_TLS1_MASTER");
static_assert(CALG_ECDH_EPHEM == 0xAE06 && CALG_ECDSA == 0x2203, "EC");
static_assert(GET_ALG_CLASS(CALG_RSA_KEYX) == ALG_CLASS_KEY_EXCHANGE, "GET_ALG_CLASS");
static_assert(GET_ALG_TYPE(CALG_RC4) == ALG_TYPE_STREAM, "GET_ALG_TYPE");
static_assert(GET_ALG_SID(CALG_MD5) == ALG_SID_MD5, "GET_ALG_SID");
static_assert(PROV_RSA_FULL == 1 && PROV_RSA_AES == 24 && PROV_REPLACE_OWF == 23, "PROV_");
static_assert(CRYPT_VERIFYCONTEXT == 0xF0000000u && CRYPT_SILENT == 0x40, "acquire flags");
static_assert(CRYPT_EXPORTABLE == 1 && CRYPT_ARCHIVABLE == 0x4000, "key flags");
static_assert(PRIVATEKEYBLOB == 7 && PUBLICKEYBLOBEX == 0xA, "blob types");
static_assert(KP_IV == 1 && KP_KEYVAL == 30 && KP_GET_USE_COUNT == 42, "KP_");
static_assert(HP_HASHVAL == 2 && HP_HASHSIZE == 4, "HP_");
static_assert(PP_NAME == 4 && PP_KEYSET_TYPE == 27 && PP_ROOT_CERTSTORE == 46, "PP_");
static_assert(ERROR_MORE_DATA == 234 && ERROR_INVALID_PARAMETER == 87, "ERROR_");
static_assert(NTE_BAD_DATA == 0x80090005u && NTE_BAD_KEYSET == 0x80090016u, "NTE_");
static_assert(std::is_unsigned<decltype(NTE_BAD_FLAGS)>::value, "NTE_ unsigned");
static_assert(std::is_unsigned<decltype(ERROR_MORE_DATA)>::value, "ERROR_ unsigned");

/* Provider names: A is char, W (and the unsuffixed name, under UNICODE) WCHAR. */
static_assert(sizeof(MS_DEF_PROV_A) == 43, "MS_DEF_PROV_A");
static_assert(sizeof(MS_DEF_PROV_W) == 2 * sizeof(MS_DEF_PROV_A), "MS_DEF_PROV_W");
static_assert(sizeof(MS_ENH_DSS_DH_PROV_W) == 2 * sizeof(MS_ENH_DSS_DH_PROV_A),
              "MS_ENH_DSS_DH_PROV_W");
static_assert(sizeof(MS_ENH_RSA_AES_PROV_XP_W) == 2 * sizeof(MS_ENH_RSA_AES_PROV_XP_A),
              "MS_ENH_RSA_AES_PROV_XP_W");
static_assert(sizeof(MS_DEF_PROV) == sizeof(MS_DEF_PROV_W), "MS_DEF_PROV under UNICODE");
LPCSTR name_def_a = MS_DEF_PROV_A;
LPCWSTR name_def = MS_DEF_PROV;
LPCWSTR names_w[] = {
    MS_DEF_PROV_W, MS_ENHANCED_PROV_W, MS_STRONG_PROV_W, MS_DEF_RSA_SIG_PROV_W,
    MS_DEF_RSA_SCHANNEL_PROV_W, MS_DEF_DSS_PROV_W, MS_DEF_DSS_DH_PROV_W,
    MS_ENH_DSS_DH_PROV_W, MS_DEF_DH_SCHANNEL_PROV_W, MS_SCARD_PROV_W,
    MS_ENH_RSA_AES_PROV_W, MS_ENH_RSA_AES_PROV_XP_W
};
LPCTSTR names_t[] = {
    MS_DEF_PROV, MS_ENHANCED_PROV, MS_STRONG_PROV, MS_DEF_RSA_SIG_PROV,
    MS_DEF_RSA_SCHANNEL_PROV, MS_DEF_DSS_PROV, MS_DEF_DSS_DH_PROV, MS_ENH_DSS_DH_PROV,
    MS_DEF_DH_SCHANNEL_PROV, MS_SCARD_PROV, MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP
};
LPCTSTR text_w = TEXT("wide");

/* ---- Functions: every prototype, through a pointer of the documented type ---- */
BOOL (WINAPI *fp_CryptAcquireContextA)(HCRYPTPROV *, LPCSTR, LPCSTR, DWORD, DWORD) =
    CryptAcquireContextA;
BOOL (WINAPI *fp_CryptAcquireContextW)(HCRYPTPROV *, LPCWSTR, LPCWSTR, DWORD, DWORD) =
    CryptAcquireContextW;
BOOL (WINAPI *fp_CryptReleaseContext)(HCRYPTPROV, DWORD) = CryptReleaseContext;
BOOL (WINAPI *fp_CryptContextAddRef)(HCRYPTPROV, DWORD *, DWORD) = CryptContextAddRef;
BOOL (WINAPI *fp_CryptGenRandom)(HCRYPTPROV, DWORD, BYTE *) = CryptGenRandom;
BOOL (WINAPI *fp_CryptCreateHash)(HCRYPTPROV, ALG_ID, HCRYPTKEY, DWORD, HCRYPTHASH *) =
    CryptCreateHash;
BOOL (WINAPI *fp_CryptHashData)(HCRYPTHASH, const BYTE *, DWORD, DWORD) = CryptHashData;
BOOL (WINAPI *fp_CryptGetHashParam)(HCRYPTHASH, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetHashParam;
BOOL (WINAPI *fp_CryptSetHashParam)(HCRYPTHASH, DWORD, const BYTE *, DWORD) =
    CryptSetHashParam;
BOOL (WINAPI *fp_CryptDuplicateHash)(HCRYPTHASH, DWORD *, DWORD, HCRYPTHASH *) =
    CryptDuplicateHash;
BOOL (WINAPI *fp_CryptHashSessionKey)(HCRYPTHASH, HCRYPTKEY, DWORD) = CryptHashSessionKey;
BOOL (WINAPI *fp_CryptDestroyHash)(HCRYPTHASH) = CryptDestroyHash;
BOOL (WINAPI *fp_CryptGenKey)(HCRYPTPROV, ALG_ID, DWORD, HCRYPTKEY *) = CryptGenKey;
BOOL (WINAPI *fp_CryptDeriveKey)(HCRYPTPROV, ALG_ID, HCRYPTHASH, DWORD, HCRYPTKEY *) =
    CryptDeriveKey;
BOOL (WINAPI *fp_CryptImportKey)(HCRYPTPROV, const BYTE *, DWORD, HCRYPTKEY, DWORD,
                                 HCRYPTKEY *) = CryptImportKey;
BOOL (WINAPI *fp_CryptExportKey)(HCRYPTKEY, HCRYPTKEY, DWORD, DWORD, BYTE *, DWORD *) =
    CryptExportKey;
BOOL (WINAPI *fp_CryptGetUserKey)(HCRYPTPROV, DWORD, HCRYPTKEY *) = CryptGetUserKey;
BOOL (WINAPI *fp_CryptEncrypt)(HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE *, DWORD *,
                               DWORD) = CryptEncrypt;
BOOL (WINAPI *fp_CryptDecrypt)(HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE *, DWORD *) =
    CryptDecrypt;
BOOL (WINAPI *fp_CryptGetKeyParam)(HCRYPTKEY, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetKeyParam;
BOOL (WINAPI *fp_CryptSetKeyParam)(HCRYPTKEY, DWORD, const BYTE *, DWORD) =
    CryptSetKeyParam;
BOOL (WINAPI *fp_CryptDuplicateKey)(HCRYPTKEY, DWORD *, DWORD, HCRYPTKEY *) =
    CryptDuplicateKey;
BOOL (WINAPI *fp_CryptDestroyKey)(HCRYPTKEY) = CryptDestroyKey;
BOOL (WINAPI *fp_CryptSignHashA)(HCRYPTHASH, DWORD, LPCSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHashA;
BOOL (WINAPI *fp_CryptSignHashW)(HCRYPTHASH, DWORD, LPCWSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHashW;
BOOL (WINAPI *fp_CryptVerifySignatureA)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCSTR, DWORD) = CryptVerifySignatureA;
BOOL (WINAPI *fp_CryptVerifySignatureW)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCWSTR, DWORD) = CryptVerifySignatureW;
BOOL (WINAPI *fp_CryptGetProvParam)(HCRYPTPROV, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetProvParam;
BOOL (WINAPI *fp_CryptSetProvParam)(HCRYPTPROV, DWORD, const BYTE *, DWORD) =
    CryptSetProvParam;
BOOL (WINAPI *fp_CryptEnumProvidersA)(DWORD, DWORD *, DWORD, DWORD *, LPSTR, DWORD *) =
    CryptEnumProvidersA;
BOOL (WINAPI *fp_CryptEnumProvidersW)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR, DWORD *) =
    CryptEnumProvidersW;
BOOL (WINAPI *fp_CryptEnumProviderTypesA)(DWORD, DWORD *, DWORD, DWORD *, LPSTR,
                                          DWORD *) = CryptEnumProviderTypesA;
BOOL (WINAPI *fp_CryptEnumProviderTypesW)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR,
                                          DWORD *) = CryptEnumProviderTypesW;
BOOL (WINAPI *fp_CryptGetDefaultProviderA)(DWORD, DWORD *, DWORD, LPSTR, DWORD *) =
    CryptGetDefaultProviderA;
BOOL (WINAPI *fp_CryptGetDefaultProviderW)(DWORD, DWORD *, DWORD, LPWSTR, DWORD *) =
    CryptGetDefaultProviderW;
BOOL (WINAPI *fp_CryptSetProviderA)(LPCSTR, DWORD) = CryptSetProviderA;
BOOL (WINAPI *fp_CryptSetProviderW)(LPCWSTR, DWORD) = CryptSetProviderW;
BOOL (WINAPI *fp_CryptSetProviderExA)(LPCSTR, DWORD, DWORD *, DWORD) = CryptSetProviderExA;
BOOL (WINAPI *fp_CryptSetProviderExW)(LPCWSTR, DWORD, DWORD *, DWORD) =
    CryptSetProviderExW;
BOOLEAN (WINAPI *fp_SystemFunction036)(PVOID, ULONG) = SystemFunction036;
BOOLEAN (WINAPI *fp_RtlGenRandom)(PVOID, ULONG) = RtlGenRandom;
DWORD (WINAPI *fp_GetLastError)(void) = GetLastError;
void (WINAPI *fp_SetLastError)(DWORD) = SetLastError;

/* Under UNICODE the unsuffixed names are the W functions. */
BOOL (WINAPI *map_CryptAcquireContext)(HCRYPTPROV *, LPCWSTR, LPCWSTR, DWORD, DWORD) =
    CryptAcquireContext;
BOOL (WINAPI *map_CryptSignHash)(HCRYPTHASH, DWORD, LPCWSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHash;
BOOL (WINAPI *map_CryptVerifySignature)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCWSTR, DWORD) = CryptVerifySignature;
BOOL (WINAPI *map_CryptEnumProviders)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR, DWORD *) =
    CryptEnumProviders;
BOOL (WINAPI *map_CryptEnumProviderTypes)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR,
                                          DWORD *) = CryptEnumProviderTypes;
BOOL (WINAPI *map_CryptGetDefaultProvider)(DWORD, DWORD *, DWORD, LPWSTR, DWORD *) =
    CryptGetDefaultProvider;
BOOL (WINAPI *map_CryptSetProvider)(LPCWSTR, DWORD) = CryptSetProvider;
BOOL (WINAPI *map_CryptSetProviderEx)(LPCWSTR, DWORD, DWORD *, DWORD) = CryptSetProviderEx;

/* The declarations have C linkage (checked by compilers that keep language
 * linkage in function types). */
extern "C" typedef BOOL (WINAPI c_release_fn)(HCRYPTPROV, DWORD);
c_release_fn *c_linkage_release = CryptReleaseContext;

/* A typical UNICODE call sequence, type-checked (never run). */
int typical_use();
int typical_use()
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE buffer[32] = { 0 };
    DWORD len = 16;

    if (!CryptAcquireContext(&prov, nullptr, MS_ENH_RSA_AES_PROV, PROV_RSA_AES,
                             CRYPT_VERIFYCONTEXT | CRYPT_SILENT)) {
        const DWORD err = GetLastError();
        return err == NTE_BAD_KEYSET || err == ERROR_INVALID_PARAMETER ? 1 : 2;
    }
    if (CryptGenKey(prov, CALG_AES_128, (128u << 16) | CRYPT_EXPORTABLE, &key)) {
        if (!CryptEncrypt(key, 0, TRUE, 0, buffer, &len, static_cast<DWORD>(sizeof(buffer))) &&
            GetLastError() == ERROR_MORE_DATA)
            len = 0;
        (void)CryptDestroyKey(key);
    }
    return CryptReleaseContext(prov, 0) ? static_cast<int>(len) : 3;
}

int main()
{
    return 0;
}
