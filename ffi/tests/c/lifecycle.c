/*
 * lifecycle.c - contexts, handles and errors of libwincrypt, as Windows has
 * them (docs: capi-semantics.md sections 2 and 3):
 *
 *   acquire (verify context, named containers, every acquire error), reference
 *   counting, release with bad flags, double release, what a live handle points
 *   at, stale / zero / foreign / wrong-kind handles on every export that takes
 *   a handle, keys and hashes dying with their context, NULL output pointers,
 *   CRYPT_DELETEKEYSET, the thread-local last error and SystemFunction036 (the
 *   provider registry is registry.c's).
 *
 * The key store root is CRYPTOAPI_HOME (a fresh directory per run).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define FOREIGN ((ULONG_PTR)0xdeadbeefu)

/* A PLAINTEXTKEYBLOB of a 16-byte RC4 key. */
static BYTE rc4_blob[12 + 16] = {
    PLAINTEXTKEYBLOB, CUR_BLOB_VERSION, 0, 0, 0x01, 0x68, 0, 0, /* CALG_RC4 */
    16, 0, 0, 0,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

/* A PLAINTEXTKEYBLOB of a 16-byte AES-128 key (CBC, a block cipher for CALG_MAC). */
static BYTE aes_blob[12 + 16] = {
    PLAINTEXTKEYBLOB, CUR_BLOB_VERSION, 0, 0, 0x0e, 0x66, 0, 0, /* CALG_AES_128 */
    16, 0, 0, 0,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const WCHAR wide_desc[] = {'d', 'e', 's', 'c', 0};

/*
 * Every export that takes a context handle, called with `bad` (which is not a
 * live context).  `key` and `hash` are live handles of some other context, used
 * where a second handle is needed, so that `bad` is the only thing wrong.
 */
static void bad_prov(const char *what, HCRYPTPROV bad, HCRYPTKEY key, HCRYPTHASH hash)
{
    HCRYPTKEY k = 1;
    HCRYPTHASH h = 1;
    BYTE buf[64];
    DWORD len = sizeof buf;
    DWORD hwnd = 1;

    fprintf(stderr, "bad context handle: %s\n", what);
    CHECK_ERR(CryptContextAddRef(bad, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGenRandom(bad, 4, buf), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptGetProvParam(bad, PP_NAME, buf, &len, 0), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptGetProvParam(bad, PP_CONTAINER, NULL, &len, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetProvParam(bad, PP_CLIENT_HWND, (const BYTE *)&hwnd, 0),
              ERROR_INVALID_PARAMETER);
    h = 1;
    CHECK_ERR(CryptCreateHash(bad, CALG_SHA1, 0, 0, &h), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(h, 1);
    k = 1;
    CHECK_ERR(CryptGenKey(bad, CALG_RC4, 0, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    k = 1;
    CHECK_ERR(CryptDeriveKey(bad, CALG_RC4, hash, 0, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    k = 1;
    CHECK_ERR(CryptImportKey(bad, rc4_blob, sizeof rc4_blob, 0, 0, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    k = 1;
    CHECK_ERR(CryptGetUserKey(bad, AT_KEYEXCHANGE, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    CHECK_ERR(CryptReleaseContext(bad, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptReleaseContext(bad, ~0u), ERROR_INVALID_PARAMETER);
    (void)key;
}

/* Every export that takes a hash handle, called with `bad`; `prov`, `key` are live. */
static void bad_hash(const char *what, HCRYPTHASH bad, HCRYPTPROV prov, HCRYPTKEY key)
{
    BYTE buf[256];
    DWORD len = sizeof buf;
    HCRYPTHASH h = 1;
    HCRYPTKEY k = 1;
    HMAC_INFO info;

    fprintf(stderr, "bad hash handle: %s\n", what);
    memset(&info, 0, sizeof info);
    info.HashAlgid = CALG_SHA1;
    CHECK_ERR(CryptHashData(bad, buf, 4, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptHashData(bad, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptGetHashParam(bad, HP_HASHVAL, buf, &len, 0), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptGetHashParam(bad, HP_ALGID, NULL, &len, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetHashParam(bad, HP_HMAC_INFO, (const BYTE *)&info, 0),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetHashParam(bad, HP_HASHVAL, buf, 0), ERROR_INVALID_PARAMETER);
    h = 1;
    CHECK_ERR(CryptDuplicateHash(bad, NULL, 0, &h), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(h, 1);
    CHECK_ERR(CryptHashSessionKey(bad, key, 0), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptSignHashA(bad, AT_SIGNATURE, NULL, 0, NULL, &len), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptSignHashW(bad, AT_SIGNATURE, wide_desc, 0, buf, &len),
              ERROR_INVALID_PARAMETER);
    memset(buf, 0x5a, sizeof buf);
    CHECK_ERR(CryptVerifySignatureA(bad, buf, 64, key, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptVerifySignatureW(bad, buf, 64, key, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptVerifySignatureW(bad, NULL, 0, 0, NULL, 0), ERROR_INVALID_PARAMETER);
    k = 1;
    CHECK_ERR(CryptDeriveKey(prov, CALG_RC4, bad, 0, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    /* A non-zero hash that is not live, alongside a live key (0 there means "no hash"). */
    if (bad != 0) {
        len = 4;
        CHECK_ERR(CryptEncrypt(key, bad, TRUE, 0, buf, &len, sizeof buf),
                  ERROR_INVALID_PARAMETER);
        len = 4;
        CHECK_ERR(CryptDecrypt(key, bad, TRUE, 0, buf, &len), ERROR_INVALID_PARAMETER);
    }
    CHECK_ERR(CryptDestroyHash(bad), ERROR_INVALID_PARAMETER);
}

/* Every export that takes a key handle, called with `bad`; `prov`, `key`, `hash` are live. */
static void bad_key(const char *what, HCRYPTKEY bad, HCRYPTPROV prov, HCRYPTKEY key,
                    HCRYPTHASH hash)
{
    BYTE buf[256];
    DWORD len = sizeof buf;
    DWORD mode = CRYPT_MODE_CBC;
    HCRYPTHASH h = 1;
    HCRYPTKEY k = 1;

    fprintf(stderr, "bad key handle: %s\n", what);
    memset(buf, 0, sizeof buf);
    len = 4;
    CHECK_ERR(CryptEncrypt(bad, 0, TRUE, 0, buf, &len, sizeof buf), ERROR_INVALID_PARAMETER);
    len = 4;
    CHECK_ERR(CryptEncrypt(bad, 0, TRUE, 0, NULL, &len, 0), ERROR_INVALID_PARAMETER);
    len = 16;
    CHECK_ERR(CryptDecrypt(bad, 0, TRUE, 0, buf, &len), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptExportKey(bad, 0, PLAINTEXTKEYBLOB, 0, buf, &len), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptExportKey(bad, 0, PUBLICKEYBLOB, 0, NULL, &len), ERROR_INVALID_PARAMETER);
    /* As the wrapping key of a live key's export (0 there means "none"). */
    if (bad != 0) {
        len = sizeof buf;
        CHECK_ERR(CryptExportKey(key, bad, SIMPLEBLOB, 0, NULL, &len), ERROR_INVALID_PARAMETER);
    }
    len = sizeof buf;
    CHECK_ERR(CryptGetKeyParam(bad, KP_ALGID, buf, &len, 0), ERROR_INVALID_PARAMETER);
    len = sizeof buf;
    CHECK_ERR(CryptGetKeyParam(bad, KP_IV, NULL, &len, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetKeyParam(bad, KP_MODE, (const BYTE *)&mode, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetKeyParam(bad, KP_IV, buf, 0), ERROR_INVALID_PARAMETER);
    k = 1;
    CHECK_ERR(CryptDuplicateKey(bad, NULL, 0, &k), ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(k, 1);
    CHECK_ERR(CryptHashSessionKey(hash, bad, 0), ERROR_INVALID_PARAMETER);
    memset(buf, 0x5a, sizeof buf);
    CHECK_ERR(CryptVerifySignatureA(hash, buf, 64, bad, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptVerifySignatureW(hash, buf, 64, bad, wide_desc, 0), ERROR_INVALID_PARAMETER);
    if (bad != 0) {
        /* The key of a keyed hash, the unwrapping key of an import (0 there means "none",
         * checked below). */
        h = 1;
        CHECK_ERR(CryptCreateHash(prov, CALG_MAC, bad, 0, &h), ERROR_INVALID_PARAMETER);
        CHECK_NO_NEW_HANDLE(h, 1);
        h = 1;
        CHECK_ERR(CryptCreateHash(prov, CALG_HMAC, bad, 0, &h), ERROR_INVALID_PARAMETER);
        CHECK_NO_NEW_HANDLE(h, 1);
        k = 1;
        CHECK_ERR(CryptImportKey(prov, rc4_blob, sizeof rc4_blob, bad, 0, &k),
                  ERROR_INVALID_PARAMETER);
        CHECK_NO_NEW_HANDLE(k, 1);
    } else {
        h = 1;
        CHECK_ERR(CryptCreateHash(prov, CALG_MAC, 0, 0, &h), NTE_BAD_KEY);
        CHECK_NO_NEW_HANDLE(h, 1);
        CHECK_ERR(CryptCreateHash(prov, CALG_HMAC, 0, 0, &h), NTE_BAD_KEY);
    }
    CHECK_ERR(CryptDestroyKey(bad), ERROR_INVALID_PARAMETER);
}

/* A fresh live context with an RC4 key and a SHA-1 hash, for the "other" arguments. */
struct live {
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HCRYPTHASH hash;
};

static void live_open(struct live *l)
{
    l->prov = l->key = l->hash = 0;
    CHECK_OK(CryptAcquireContextA(&l->prov, NULL, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(l->prov, aes_blob, sizeof aes_blob, 0, 0, &l->key));
    CHECK_OK(CryptCreateHash(l->prov, CALG_SHA1, 0, 0, &l->hash));
}

static void live_check_unharmed(struct live *l)
{
    /* The live objects still work after all the refused calls. */
    BYTE data[32] = "sixteen byte msg";
    DWORD len = 16;
    BYTE value[20];
    DWORD vlen = sizeof value;
    CHECK_OK(CryptHashData(l->hash, data, 16, 0));
    CHECK_OK(CryptEncrypt(l->key, 0, TRUE, 0, data, &len, sizeof data));
    CHECK_EQ_U(len, 32);
    CHECK_OK(CryptDecrypt(l->key, 0, TRUE, 0, data, &len));
    CHECK_EQ_U(len, 16);
    CHECK_MEM(data, "sixteen byte msg", 16);
    CHECK_OK(CryptGetHashParam(l->hash, HP_HASHVAL, value, &vlen, 0));
    CHECK_EQ_U(vlen, 20);
}

static void live_close(struct live *l)
{
    CHECK_OK(CryptDestroyHash(l->hash));
    CHECK_OK(CryptDestroyKey(l->key));
    CHECK_OK(CryptReleaseContext(l->prov, 0));
}

static void test_acquire_errors(void)
{
    HCRYPTPROV prov;

    prov = 1;
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, NULL, 0, CRYPT_VERIFYCONTEXT), NTE_BAD_PROV_TYPE);
    CHECK_NO_NEW_HANDLE(prov, 1);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, NULL, 1000, CRYPT_VERIFYCONTEXT),
              NTE_BAD_PROV_TYPE);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, NULL, 0xdeadbeefu, CRYPT_VERIFYCONTEXT),
              NTE_BAD_PROV_TYPE);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, NULL, 999, CRYPT_VERIFYCONTEXT),
              NTE_PROV_TYPE_NOT_DEF);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, "No Such Cryptographic Provider", PROV_RSA_FULL,
                                   CRYPT_VERIFYCONTEXT),
              NTE_KEYSET_NOT_DEF);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, MS_DEF_PROV_A, 999, CRYPT_VERIFYCONTEXT),
              NTE_PROV_TYPE_NO_MATCH);
    CHECK_ERR(CryptAcquireContextA(&prov, "a-container", NULL, PROV_RSA_FULL,
                                   CRYPT_VERIFYCONTEXT),
              NTE_BAD_FLAGS);
    CHECK_ERR(CryptAcquireContextA(&prov, "no-such-container", NULL, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
    CHECK_ERR(CryptAcquireContextA(&prov, "no-such-container", NULL, PROV_RSA_FULL,
                                   CRYPT_DELETEKEYSET),
              NTE_BAD_KEYSET);
    /* NULL phProv: the type is checked first. */
    CHECK_ERR(CryptAcquireContextA(NULL, NULL, NULL, 0, CRYPT_VERIFYCONTEXT), NTE_BAD_PROV_TYPE);
    CHECK_ERR(CryptAcquireContextA(NULL, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextW(NULL, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT),
              ERROR_INVALID_PARAMETER);
    /* An empty container name is allowed with CRYPT_VERIFYCONTEXT, and so is NEWKEYSET. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, "", NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptReleaseContext(prov, 0));
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, "", PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT | CRYPT_NEWKEYSET));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void test_acquire_success(void)
{
    HCRYPTPROV prov = 0, other = 0;
    HCRYPTKEY key = 0;
    BYTE buf[300];
    DWORD len;

    /* ERROR_SUCCESS after a successful acquire, whatever the last error was. */
    SetLastError(0x12345678u);
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_EQ_U(GetLastError(), ERROR_SUCCESS);
    CHECK(prov != 0);
    CHECK(*(DWORD *)prov != 0);
    /* A verify context has no key pairs. */
    key = 1;
    CHECK_ERR(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key), NTE_NO_KEY);
    CHECK_NO_NEW_HANDLE(key, 1);
    CHECK_ERR(CryptGetUserKey(prov, AT_SIGNATURE, &key), NTE_NO_KEY);
    CHECK_OK(CryptReleaseContext(prov, 0));

    /* A named container: created, reopened, its key pair persists. */
    prov = 0;
    SetLastError(0x12345678u);
    CHECK_OK(CryptAcquireContextA(&prov, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET));
    CHECK_EQ_U(GetLastError(), ERROR_SUCCESS);
    CHECK_ERR(CryptAcquireContextA(&other, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                   CRYPT_NEWKEYSET),
              NTE_EXISTS);
    CHECK_ERR(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key), NTE_NO_KEY);
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, (512u << 16) | CRYPT_EXPORTABLE, &key));
    CHECK(*(DWORD *)key != 0);
    len = sizeof buf;
    CHECK_OK(CryptGetProvParam(prov, PP_CONTAINER, buf, &len, 0));
    CHECK_EQ_U(len, sizeof "lifecycle");
    CHECK(strcmp((char *)buf, "lifecycle") == 0);
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));

    prov = 0;
    SetLastError(0x12345678u);
    CHECK_OK(CryptAcquireContextA(&prov, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK_EQ_U(GetLastError(), ERROR_SUCCESS);
    key = 0;
    CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key));
    CHECK_ERR(CryptGetUserKey(prov, AT_SIGNATURE, &other), NTE_NO_KEY);
    CHECK_ERR(CryptGetUserKey(prov, 3, &other), NTE_NO_KEY);
    /* Two contexts on one container at once, each with its own count. */
    other = 0;
    CHECK_OK(CryptAcquireContextA(&other, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK(other != prov);
    CHECK_OK(CryptReleaseContext(other, 0));
    CHECK_OK(CryptDestroyKey(key));

    /* Deleting a container another context has open succeeds; *phProv becomes 0. */
    other = (HCRYPTPROV)FOREIGN;
    CHECK_OK(CryptAcquireContextA(&other, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET));
    CHECK(other == 0);
    CHECK_OK(CryptReleaseContext(prov, 0));
    prov = 1;
    CHECK_ERR(CryptAcquireContextA(&prov, "lifecycle", MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
    CHECK_NO_NEW_HANDLE(prov, 1);

    /* The machine key set is a separate namespace. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, "lifecycle-m", NULL, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET | CRYPT_MACHINE_KEYSET));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_ERR(CryptAcquireContextA(&prov, "lifecycle-m", NULL, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
    prov = (HCRYPTPROV)FOREIGN;
    CHECK_OK(CryptAcquireContextA(&prov, "lifecycle-m", NULL, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET | CRYPT_MACHINE_KEYSET));
    CHECK(prov == 0);
    CHECK_ERR(CryptAcquireContextA(&prov, "lifecycle-m", NULL, PROV_RSA_FULL,
                                   CRYPT_MACHINE_KEYSET),
              NTE_BAD_KEYSET);
}

static void test_refcount(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE data[16];
    DWORD len;
    DWORD reserved = 0;
    int i;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptContextAddRef(prov, NULL, 0));
    CHECK_OK(CryptContextAddRef(prov, NULL, 0));
    CHECK_ERR(CryptContextAddRef(prov, &reserved, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptContextAddRef(prov, NULL, 1), NTE_BAD_FLAGS);
    /* Three references now. */
    CHECK_OK(CryptGenKey(prov, CALG_RC4, 0, &key));
    CHECK_ERR(CryptReleaseContext(prov, 1), NTE_BAD_FLAGS); /* released anyway: 2 left */
    /* The context and its key are alive while references remain. */
    len = sizeof data;
    memset(data, 7, sizeof data);
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, data, &len, sizeof data));
    CHECK_OK(CryptGenRandom(prov, sizeof data, data));
    CHECK_OK(CryptReleaseContext(prov, 0)); /* 1 left */
    CHECK_OK(CryptGenRandom(prov, sizeof data, data));
    CHECK_OK(CryptReleaseContext(prov, 0)); /* gone */
    CHECK_ERR(CryptReleaseContext(prov, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGenRandom(prov, sizeof data, data), ERROR_INVALID_PARAMETER);
    len = sizeof data;
    CHECK_ERR(CryptEncrypt(key, 0, TRUE, 0, data, &len, sizeof data), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDestroyKey(key), ERROR_INVALID_PARAMETER);

    /* Release with bad flags as the last reference: FALSE, and released. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_ERR(CryptReleaseContext(prov, ~0u), NTE_BAD_FLAGS);
    CHECK_ERR(CryptReleaseContext(prov, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptReleaseContext(prov, ~0u), ERROR_INVALID_PARAMETER);

    /* Exactly as many releases as references. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    for (i = 0; i < 9; i++)
        CHECK_OK(CryptContextAddRef(prov, NULL, 0));
    for (i = 0; i < 10; i++)
        CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_ERR(CryptReleaseContext(prov, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptContextAddRef(prov, NULL, 0), ERROR_INVALID_PARAMETER);
}

static void test_bad_handles(void)
{
    struct live l;
    HCRYPTPROV dead_prov = 0;
    HCRYPTKEY dead_key = 0, orphan_key = 0, rsa = 0;
    HCRYPTHASH dead_hash = 0, orphan_hash = 0;
    DWORD len;
    BYTE buf[16];

    live_open(&l);
    CHECK(*(DWORD *)l.prov != 0);
    CHECK(*(DWORD *)l.key != 0);
    CHECK(*(DWORD *)l.hash != 0);

    /* Zero and foreign values. */
    bad_prov("0", 0, l.key, l.hash);
    bad_prov("0xdeadbeef", (HCRYPTPROV)FOREIGN, l.key, l.hash);
    bad_hash("0", 0, l.prov, l.key);
    bad_hash("0xdeadbeef", (HCRYPTHASH)FOREIGN, l.prov, l.key);
    bad_key("0", 0, l.prov, l.key, l.hash);
    bad_key("0xdeadbeef", (HCRYPTKEY)FOREIGN, l.prov, l.key, l.hash);

    /* Handles of the wrong kind. */
    bad_prov("a key handle", (HCRYPTPROV)l.key, l.key, l.hash);
    bad_prov("a hash handle", (HCRYPTPROV)l.hash, l.key, l.hash);
    bad_hash("a key handle", (HCRYPTHASH)l.key, l.prov, l.key);
    bad_hash("a context handle", (HCRYPTHASH)l.prov, l.prov, l.key);
    bad_key("a hash handle", (HCRYPTKEY)l.hash, l.prov, l.key, l.hash);
    bad_key("a context handle", (HCRYPTKEY)l.prov, l.prov, l.key, l.hash);

    /* A destroyed key and hash of a live context. */
    CHECK_OK(CryptGenKey(l.prov, CALG_AES_128, 0, &dead_key));
    CHECK_OK(CryptCreateHash(l.prov, CALG_MD5, 0, 0, &dead_hash));
    CHECK_OK(CryptDestroyKey(dead_key));
    CHECK_OK(CryptDestroyHash(dead_hash));
    bad_key("destroyed", dead_key, l.prov, l.key, l.hash);
    bad_hash("destroyed", dead_hash, l.prov, l.key);

    /* A released context, and the key and hash it still had. */
    CHECK_OK(CryptAcquireContextA(&dead_prov, NULL, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(dead_prov, aes_blob, sizeof aes_blob, 0, 0, &orphan_key));
    CHECK_OK(CryptCreateHash(dead_prov, CALG_SHA1, 0, 0, &orphan_hash));
    CHECK_OK(CryptGenKey(dead_prov, AT_SIGNATURE, 512u << 16, &rsa));
    CHECK_OK(CryptHashData(orphan_hash, buf, 0, 0));
    CHECK_OK(CryptReleaseContext(dead_prov, 0));
    bad_prov("released", dead_prov, l.key, l.hash);
    bad_key("key of a released context", orphan_key, l.prov, l.key, l.hash);
    bad_key("key pair of a released context", rsa, l.prov, l.key, l.hash);
    bad_hash("hash of a released context", orphan_hash, l.prov, l.key);
    /* A destroyed handle stays dead on a second try, too. */
    CHECK_ERR(CryptDestroyKey(dead_key), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDestroyHash(dead_hash), ERROR_INVALID_PARAMETER);

    /* 0 as the hash of Encrypt/Decrypt means "no hash". */
    len = 5;
    memcpy(buf, "hello", 5);
    CHECK_OK(CryptEncrypt(l.key, 0, TRUE, 0, buf, &len, sizeof buf));
    CHECK_OK(CryptDecrypt(l.key, 0, TRUE, 0, buf, &len));
    CHECK_EQ_U(len, 5);

    live_check_unharmed(&l);
    live_close(&l);
}

static void test_null_outputs(void)
{
    struct live l;
    BYTE buf[600];
    DWORD len = sizeof buf;
    HCRYPTKEY pair = 0;

    live_open(&l);
    CHECK_ERR(CryptGenKey(l.prov, CALG_RC4, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptCreateHash(l.prov, CALG_SHA1, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDeriveKey(l.prov, CALG_RC4, l.hash, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptImportKey(l.prov, rc4_blob, sizeof rc4_blob, 0, 0, NULL),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGetUserKey(l.prov, AT_KEYEXCHANGE, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDuplicateKey(l.key, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDuplicateHash(l.hash, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGetProvParam(l.prov, PP_NAME, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGetProvParam(l.prov, PP_NAME, NULL, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGetKeyParam(l.key, KP_ALGID, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGetHashParam(l.hash, HP_HASHSIZE, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptExportKey(l.key, 0, PLAINTEXTKEYBLOB, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptEncrypt(l.key, 0, TRUE, 0, buf, NULL, sizeof buf), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptEncrypt(l.key, 0, TRUE, 0, NULL, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDecrypt(l.key, 0, TRUE, 0, buf, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSignHashA(l.hash, AT_SIGNATURE, NULL, 0, buf, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSignHashW(l.hash, AT_SIGNATURE, NULL, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    /* NULL input pointers with a length. */
    CHECK_ERR(CryptHashData(l.hash, NULL, 4, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptImportKey(l.prov, NULL, 12, 0, 0, &pair), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptImportKey(l.prov, rc4_blob, 0, 0, 0, &pair), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptGenRandom(l.prov, 4, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetKeyParam(l.key, KP_IV, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetHashParam(l.hash, HP_HMAC_INFO, NULL, 0), ERROR_INVALID_PARAMETER);
    len = 16;
    CHECK_ERR(CryptDecrypt(l.key, 0, TRUE, 0, NULL, &len), ERROR_INVALID_PARAMETER);
    /* A NULL signature of the modulus' length. */
    CHECK_OK(CryptGenKey(l.prov, AT_SIGNATURE, 512u << 16, &pair));
    CHECK_ERR(CryptVerifySignatureA(l.hash, NULL, 64, pair, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_OK(CryptDestroyKey(pair));
    /* Reserved pointers and flags of the duplicates. */
    len = 0;
    CHECK_ERR(CryptDuplicateKey(l.key, &len, 0, &pair), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDuplicateHash(l.hash, NULL, 1, &pair), ERROR_INVALID_PARAMETER);
    live_check_unharmed(&l);
    live_close(&l);
}

static void test_flags(void)
{
    struct live l;
    HCRYPTHASH h = 0;
    BYTE data[4] = {1, 2, 3, 4};

    live_open(&l);
    CHECK_ERR(CryptHashData(l.hash, data, 4, ~0u), NTE_BAD_FLAGS);
    CHECK_ERR(CryptCreateHash(l.prov, CALG_SHA1, 0, 1, &h), NTE_BAD_FLAGS);
    CHECK(h == 0);
    CHECK_ERR(CryptCreateHash(l.prov, 0x1234, 0, 0, &h), NTE_BAD_ALGID);
    CHECK_ERR(CryptCreateHash(l.prov, CALG_HMAC, 0, 0, &h), NTE_BAD_KEY);
    live_close(&l);
}

/* Errors Windows gives for misuse of live objects (capi-semantics.md section 3, the W rows). */
static void test_windows_errors(void)
{
    HCRYPTPROV full = 0, aes = 0;
    HCRYPTKEY rc4 = 0, des = 0, sig = 0, kx = 0, k = 1;
    HCRYPTHASH h = 0, mac = 1;
    BYTE buf[700];
    DWORD len, perms, v;

    CHECK_OK(CryptAcquireContextA(&full, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptAcquireContextA(&aes, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(full, CALG_RC4, 0, &rc4));
    CHECK_OK(CryptGenKey(full, CALG_DES, 0, &des));
    CHECK_OK(CryptGenKey(full, AT_SIGNATURE, 512u << 16, &sig));
    CHECK_OK(CryptGenKey(full, AT_KEYEXCHANGE, 512u << 16, &kx));

    /* Algorithms a provider does not have. */
    CHECK_ERR(CryptGenKey(aes, CALG_AES, 0, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptGenKey(aes, CALG_AES, 128u << 16, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptGenKey(full, CALG_AES_128, 0, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptCreateHash(full, CALG_SHA_256, 0, 0, &h), NTE_BAD_ALGID);
    CHECK_OK(CryptCreateHash(full, CALG_MD5, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)"x", 1, 0));
    CHECK_ERR(CryptDeriveKey(full, CALG_RC5, h, 0, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptDeriveKey(full, CALG_RSA_SIGN, h, 0, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptDeriveKey(full, CALG_RSA_KEYX, h, 0, &k), NTE_BAD_ALGID);
    CHECK_ERR(CryptDeriveKey(full, CALG_AES_256, h, 0, &k), NTE_BAD_ALGID);
    CHECK_NO_NEW_HANDLE(k, 1);
    CHECK_OK(CryptDestroyHash(h));

    /* CALG_MAC needs a block cipher. */
    CHECK_ERR(CryptCreateHash(full, CALG_MAC, rc4, 0, &mac), NTE_BAD_KEY);
    CHECK_NO_NEW_HANDLE(mac, 1);
    CHECK_OK(CryptCreateHash(full, CALG_MAC, des, 0, &mac));
    v = 0;
    len = sizeof v;
    CHECK_OK(CryptGetHashParam(mac, HP_HASHSIZE, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 8);
    CHECK_OK(CryptDestroyHash(mac));

    /* A signature key pair neither encrypts nor decrypts. */
    len = 12;
    CHECK_ERR(CryptEncrypt(sig, 0, TRUE, 0, buf, &len, sizeof buf), NTE_BAD_KEY);
    /* An RSA key has no salt. */
    len = sizeof buf;
    CHECK_ERR(CryptGetKeyParam(kx, KP_SALT, buf, &len, 0), NTE_BAD_KEY);
    /* A non-exportable pair: no PRIVATEKEYBLOB, and CRYPT_EXPORT cannot be added. */
    len = sizeof buf;
    CHECK_ERR(CryptExportKey(kx, 0, PRIVATEKEYBLOB, 0, NULL, &len), NTE_BAD_KEY_STATE);
    len = sizeof buf;
    CHECK_ERR(CryptExportKey(sig, 0, PRIVATEKEYBLOB, 0, buf, &len), NTE_BAD_KEY_STATE);
    len = sizeof perms;
    CHECK_OK(CryptGetKeyParam(kx, KP_PERMISSIONS, (BYTE *)&perms, &len, 0));
    CHECK_EQ_U(perms, 0x3b);
    perms |= CRYPT_EXPORT;
    CHECK_ERR(CryptSetKeyParam(kx, KP_PERMISSIONS, (const BYTE *)&perms, 0), NTE_BAD_DATA);
    CHECK_OK(CryptDestroyKey(kx));
    /* An exportable pair: clearing CRYPT_EXPORT "succeeds" and changes nothing. */
    CHECK_OK(CryptGenKey(full, AT_KEYEXCHANGE, (512u << 16) | CRYPT_EXPORTABLE, &kx));
    len = sizeof perms;
    CHECK_OK(CryptGetKeyParam(kx, KP_PERMISSIONS, (BYTE *)&perms, &len, 0));
    CHECK_EQ_U(perms, 0x3f);
    perms &= ~(DWORD)CRYPT_EXPORT;
    CHECK_OK(CryptSetKeyParam(kx, KP_PERMISSIONS, (const BYTE *)&perms, 0));
    len = sizeof perms;
    CHECK_OK(CryptGetKeyParam(kx, KP_PERMISSIONS, (BYTE *)&perms, &len, 0));
    CHECK_EQ_U(perms, 0x3f);
    len = sizeof buf;
    CHECK_OK(CryptExportKey(kx, 0, PRIVATEKEYBLOB, 0, buf, &len));
    CHECK_EQ_U(len, 308);

    /* Bad final padding: NTE_BAD_DATA, *pdwDataLen unchanged, the key reset. */
    {
        BYTE good[16] = "padding check";
        DWORD glen = 13;
        CHECK_OK(CryptEncrypt(des, 0, TRUE, 0, good, &glen, sizeof good));
        CHECK_EQ_U(glen, 16);
        memcpy(buf, good, 16);
        buf[15] ^= 0x55;
        len = 16;
        CHECK_ERR(CryptDecrypt(des, 0, TRUE, 0, buf, &len), NTE_BAD_DATA);
        CHECK_EQ_U(len, 16);
        len = 16;
        CHECK_OK(CryptDecrypt(des, 0, TRUE, 0, good, &len));
        CHECK_EQ_U(len, 13);
        CHECK_MEM(good, "padding check", 13);
    }

    /* Provider parameters Windows' tests pin. */
    len = sizeof v;
    CHECK_OK(CryptGetProvParam(full, PP_SIG_KEYSIZE_INC, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 8);
    len = sizeof v;
    CHECK_OK(CryptGetProvParam(full, PP_KEYX_KEYSIZE_INC, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 8);
    len = sizeof v;
    CHECK_ERR(CryptGetProvParam(full, 0xffff, (BYTE *)&v, &len, 0), NTE_BAD_TYPE);

    CHECK_OK(CryptDestroyKey(kx));
    CHECK_OK(CryptDestroyKey(sig));
    CHECK_OK(CryptDestroyKey(des));
    CHECK_OK(CryptDestroyKey(rc4));
    CHECK_OK(CryptReleaseContext(aes, 0));
    CHECK_OK(CryptReleaseContext(full, 0));

    /* A container's own parameters. */
    full = 0;
    CHECK_OK(CryptAcquireContextA(&full, "lifecycle-params", NULL, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET));
    len = sizeof v;
    CHECK_OK(CryptGetProvParam(full, PP_KEYSET_TYPE, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 0);
    len = sizeof v;
    CHECK_OK(CryptGetProvParam(full, PP_KEYSTORAGE, (BYTE *)&v, &len, 0));
    CHECK((v & CRYPT_SEC_DESCR) != 0);
    len = sizeof v;
    CHECK_OK(CryptGetProvParam(full, PP_KEYSPEC, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, AT_KEYEXCHANGE | AT_SIGNATURE);
    CHECK_OK(CryptReleaseContext(full, 0));
    CHECK_OK(CryptAcquireContextA(&full, "lifecycle-params", NULL, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET));
}

/* The header of a PLAINTEXTKEYBLOB of an n-byte RC2 key at p (the key bytes follow). */
static void blob_header_rc2(BYTE *p, DWORD n)
{
    p[0] = PLAINTEXTKEYBLOB;
    p[1] = CUR_BLOB_VERSION;
    p[2] = p[3] = 0;
    p[4] = 0x02; /* CALG_RC2 */
    p[5] = 0x66;
    p[6] = p[7] = 0;
    p[8] = (BYTE)n;
    p[9] = (BYTE)(n >> 8);
    p[10] = p[11] = 0;
}

/* More of the W rows: salts, OAEP, bogus signatures, plaintext key limits, duplicates. */
static void test_windows_rules(void)
{
    static const char *provs[] = {MS_DEF_PROV_A, MS_STRONG_PROV_A, MS_ENHANCED_PROV_A};
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0, kx = 0, sig = 0;
    HCRYPTHASH h = 0, dup = 0;
    BYTE buf[4096], salt[32];
    DWORD len, i, p;

    /* KP_SALT set with 11 bytes reads back as 11 bytes on Base and Strong, 0 on Enhanced;
     * KP_SALT_EX of 0..23 bytes reads back as set, 25 bytes fails. */
    for (p = 0; p < 3; p++) {
        prov = 0;
        fprintf(stderr, "salt rules: %s\n", provs[p]);
        CHECK_OK(CryptAcquireContextA(&prov, NULL, provs[p], PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptGenKey(prov, CALG_RC4, 40u << 16, &key));
        memset(salt, 'S', sizeof salt);
        CHECK_OK(CryptSetKeyParam(key, KP_SALT, salt, 0));
        len = sizeof buf;
        CHECK_OK(CryptGetKeyParam(key, KP_SALT, buf, &len, 0));
        CHECK_EQ_U(len, p == 2 ? 0 : 11);
        for (i = 0; i <= 23; i += 23) {
            CRYPT_INTEGER_BLOB ex;
            ex.cbData = i;
            ex.pbData = salt;
            CHECK_OK(CryptSetKeyParam(key, KP_SALT_EX, (const BYTE *)&ex, 0));
            len = sizeof buf;
            CHECK_OK(CryptGetKeyParam(key, KP_SALT, buf, &len, 0));
            CHECK_EQ_U(len, i);
        }
        {
            CRYPT_INTEGER_BLOB ex;
            ex.cbData = 25;
            ex.pbData = salt;
            CHECK(!CryptSetKeyParam(key, KP_SALT_EX, (const BYTE *)&ex, 0));
        }
        CHECK_OK(CryptDestroyKey(key));
        CHECK_OK(CryptReleaseContext(prov, 0));
    }

    /* Plaintext key blobs: the Base provider refuses a 16-byte RC2 key and takes 7 bytes;
     * with CRYPT_IPSEC_HMAC_KEY any length goes (2048 bytes). */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_DEF_PROV_A, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    memset(buf, 0x42, sizeof buf);
    blob_header_rc2(buf, 16);
    key = 1;
    CHECK(!CryptImportKey(prov, buf, 12 + 16, 0, 0, &key));
    CHECK_NO_NEW_HANDLE(key, 1);
    blob_header_rc2(buf, 7);
    CHECK_OK(CryptImportKey(prov, buf, 12 + 7, 0, 0, &key));
    CHECK_OK(CryptDestroyKey(key));
    blob_header_rc2(buf, 2048);
    CHECK_OK(CryptImportKey(prov, buf, 12 + 2048, 0, CRYPT_IPSEC_HMAC_KEY, &key));
    {
        HMAC_INFO info;
        BYTE value[20];
        DWORD vlen = sizeof value;
        memset(&info, 0, sizeof info);
        info.HashAlgid = CALG_SHA1;
        CHECK_OK(CryptCreateHash(prov, CALG_HMAC, key, 0, &h));
        CHECK_OK(CryptSetHashParam(h, HP_HMAC_INFO, (const BYTE *)&info, 0));
        CHECK_OK(CryptHashData(h, (const BYTE *)"data", 4, 0));
        CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, value, &vlen, 0));
        CHECK_EQ_U(vlen, 20);
        CHECK_OK(CryptDestroyHash(h));
    }
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));

    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    /* RSA OAEP: a buffer under 2*20+2 bytes is ERROR_MORE_DATA, too much input NTE_BAD_LEN,
     * garbage NTE_BAD_DATA, and a round trip works. */
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, 1024u << 16, &kx));
    memcpy(buf, "Wine rocks!", 12);
    len = 12;
    CHECK_ERR(CryptEncrypt(kx, 0, TRUE, CRYPT_OAEP, buf, &len, 41), ERROR_MORE_DATA);
    len = 2007;
    CHECK_ERR(CryptEncrypt(kx, 0, TRUE, CRYPT_OAEP, buf, &len, sizeof buf), NTE_BAD_LEN);
    len = 12;
    CHECK_OK(CryptEncrypt(kx, 0, TRUE, CRYPT_OAEP, buf, &len, sizeof buf));
    CHECK_EQ_U(len, 128);
    CHECK_OK(CryptDecrypt(kx, 0, TRUE, CRYPT_OAEP, buf, &len));
    CHECK_EQ_U(len, 12);
    CHECK_MEM(buf, "Wine rocks!", 12);
    memset(buf, 0x5a, 128);
    len = 128;
    CHECK_ERR(CryptDecrypt(kx, 0, TRUE, CRYPT_OAEP, buf, &len), NTE_BAD_DATA);
    /* Flags other than CRYPT_OAEP. */
    len = 12;
    CHECK_ERR(CryptEncrypt(kx, 0, TRUE, 0x10000000u, buf, &len, sizeof buf), NTE_BAD_FLAGS);

    /* Bogus signatures: short, one byte, length 0. */
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 1024u << 16, &sig));
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)"signed", 6, 0));
    len = sizeof buf;
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, NULL, 0, buf, &len));
    CHECK_EQ_U(len, 128);
    CHECK_ERR(CryptVerifySignatureA(h, buf, 64, sig, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_ERR(CryptVerifySignatureA(h, buf, 1, sig, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_ERR(CryptVerifySignatureA(h, (const BYTE *)(uintptr_t)0xdeadbeefu, 0, sig, NULL, 0),
              NTE_BAD_SIGNATURE);
    CHECK_ERR(CryptVerifySignatureW(h, NULL, 128, sig, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK_OK(CryptVerifySignatureW(h, buf, 128, sig, NULL, 0));
    /* Signed without the DigestInfo: verifies with flags 0 and with CRYPT_NOHASHOID. */
    len = sizeof buf;
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, NULL, CRYPT_NOHASHOID, buf, &len));
    CHECK_OK(CryptVerifySignatureA(h, buf, len, sig, NULL, 0));
    CHECK_OK(CryptVerifySignatureA(h, buf, len, sig, NULL, CRYPT_NOHASHOID));
    CHECK_OK(CryptDestroyHash(h));

    /* A duplicate carries the state and is independent afterwards. */
    {
        BYTE a[20], b[20], c[20];
        DWORD la = sizeof a, lb = sizeof b, lc = sizeof c;
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, (const BYTE *)"abc", 3, 0));
        CHECK_OK(CryptDuplicateHash(h, NULL, 0, &dup));
        CHECK_OK(CryptGetHashParam(dup, HP_HASHVAL, b, &lb, 0));
        CHECK_OK(CryptHashData(h, (const BYTE *)"def", 3, 0));
        CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, a, &la, 0));
        CHECK(memcmp(a, b, 20) != 0);
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, (const BYTE *)"abc", 3, 0));
        CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, c, &lc, 0));
        CHECK_MEM(b, c, 20);
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptDestroyHash(dup));
    }
    /* A session key's hash: refused for RSA keys, and after the hash is finished. */
    CHECK_OK(CryptGenKey(prov, CALG_RC4, 0, &key));
    CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &h));
    CHECK_ERR(CryptHashSessionKey(h, kx, 0), NTE_BAD_KEY);
    CHECK_ERR(CryptHashSessionKey(h, key, 0x10), NTE_BAD_FLAGS);
    CHECK_OK(CryptHashSessionKey(h, key, 0));
    CHECK_OK(CryptHashSessionKey(h, key, CRYPT_LITTLE_ENDIAN));
    len = sizeof buf;
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, buf, &len, 0));
    CHECK_ERR(CryptHashSessionKey(h, key, 0), NTE_BAD_HASH_STATE);
    CHECK_OK(CryptDestroyHash(h));

    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptDestroyKey(sig));
    CHECK_OK(CryptDestroyKey(kx));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void *thread_last_error(void *arg)
{
    DWORD *seen = (DWORD *)arg;
    seen[0] = GetLastError(); /* a new thread starts at 0 */
    SetLastError(0x2222u);
    seen[1] = GetLastError();
    /* A failing call sets this thread's error only. */
    CryptReleaseContext(0, 0);
    seen[2] = GetLastError();
    return NULL;
}

static void test_last_error_threads(void)
{
    pthread_t t;
    DWORD seen[3] = {1, 1, 1};

    SetLastError(0x1111u);
    CHECK(pthread_create(&t, NULL, thread_last_error, seen) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ_U(seen[0], 0);
    CHECK_EQ_U(seen[1], 0x2222u);
    CHECK_EQ_U(seen[2], ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(GetLastError(), 0x1111u);
    SetLastError(0);
    CHECK_EQ_U(GetLastError(), 0);
}

static void test_rtl_gen_random(void)
{
    DWORD x = 0, y = 0;
    BYTE big[64], zeros[64];
    CHECK(SystemFunction036(NULL, 0) == TRUE);
    CHECK(SystemFunction036(&x, 0) == TRUE);
    CHECK(SystemFunction036(&x, 4) == TRUE);
    CHECK(SystemFunction036(&y, 4) == TRUE);
    CHECK(x != y); /* 2^-32 */
    memset(big, 0, sizeof big);
    memset(zeros, 0, sizeof zeros);
    CHECK(RtlGenRandom(big, sizeof big) == TRUE);
    CHECK(memcmp(big, zeros, sizeof big) != 0);
}

static void test_gen_random(void)
{
    HCRYPTPROV prov = 0;
    BYTE a[16], b[16];
    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_DEF_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenRandom(prov, sizeof a, a));
    CHECK_OK(CryptGenRandom(prov, sizeof b, b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_OK(CryptGenRandom(prov, 0, NULL));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

int main(void)
{
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "lifecycle: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_acquire_errors();
    test_acquire_success();
    test_refcount();
    test_bad_handles();
    test_null_outputs();
    test_flags();
    test_windows_errors();
    test_windows_rules();
    test_last_error_threads();
    test_rtl_gen_random();
    test_gen_random();
    return check_summary("lifecycle");
}
