/*
 * strings.c - the A and W entry points of libwincrypt: LPCSTR is UTF-8, LPCWSTR
 * is UTF-16, and both name the same things.
 *
 *   - every MS_*_PROV_W name opens its provider, PP_NAME answers in UTF-8;
 *   - a non-ASCII container created through CryptAcquireContextW (UTF-16) is
 *     the container CryptAcquireContextA opens with the same name in UTF-8,
 *     and PP_CONTAINER / PP_ENUMCONTAINERS give that UTF-8;
 *   - CryptSignHashW / CryptVerifySignatureW with a description, checked
 *     against the A forms with the same text;
 *   - invalid UTF-16 (a lone surrogate) and invalid UTF-8 are
 *     ERROR_INVALID_PARAMETER, whichever argument holds them.
 */
#include <stdlib.h>

#include "check.h"

/* "Zürich-€-漢字" */
static const char name_a[] = "Z\xc3\xbcrich-\xe2\x82\xac-\xe6\xbc\xa2\xe5\xad\x97";
static const WCHAR name_w[] = {'Z', 0x00fc, 'r', 'i', 'c', 'h', '-', 0x20ac, '-',
                               0x6f22, 0x5b57, 0};
/* "Schlüssel 🔑" (a character outside the BMP: a surrogate pair) */
static const char key_a[] = "Schl\xc3\xbcssel \xf0\x9f\x94\x91";
static const WCHAR key_w[] = {'S', 'c', 'h', 'l', 0x00fc, 's', 's', 'e', 'l', ' ',
                              0xd83d, 0xdd11, 0};
/* Lone surrogates, high and low. */
static const WCHAR lone_high[] = {'b', 'a', 'd', 0xd800, 0};
static const WCHAR lone_low[] = {0xdc00, 'b', 'a', 'd', 0};
static const WCHAR high_then_high[] = {0xd83d, 0xd83d, 0xdd11, 0};
/* Invalid UTF-8: a lone continuation byte, and an overlong encoding of '/'. */
static const char bad_utf8[] = "bad\x80name";
static const char overlong[] = "a\xc0\xafz";

static void test_provider_names(void)
{
    /* Not static: in C99 the _W names are compound literals, which a block-scope static
     * initialiser cannot hold. */
    const struct {
        const WCHAR *w;
        const char *a;
        DWORD type;
    } provs[] = {
        {MS_DEF_PROV_W, MS_DEF_PROV_A, PROV_RSA_FULL},
        {MS_ENHANCED_PROV_W, MS_ENHANCED_PROV_A, PROV_RSA_FULL},
        {MS_STRONG_PROV_W, MS_STRONG_PROV_A, PROV_RSA_FULL},
        {MS_ENH_RSA_AES_PROV_W, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES},
    };
    static const WCHAR empty[] = {0};
    size_t i;
    for (i = 0; i < sizeof provs / sizeof provs[0]; i++) {
        HCRYPTPROV prov = 0;
        BYTE name[128];
        DWORD len = sizeof name;
        fprintf(stderr, "provider %s\n", provs[i].a);
        CHECK_OK(CryptAcquireContextW(&prov, NULL, provs[i].w, provs[i].type,
                                      CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptGetProvParam(prov, PP_NAME, name, &len, 0));
        CHECK_EQ_U(len, strlen(provs[i].a) + 1);
        CHECK(strcmp((char *)name, provs[i].a) == 0);
        CHECK_OK(CryptReleaseContext(prov, 0));
    }
    /* "" (like NULL) is the type's default provider. */
    {
        HCRYPTPROV prov = 0;
        BYTE name[128];
        DWORD len = sizeof name;
        CHECK_OK(CryptAcquireContextW(&prov, empty, empty, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptGetProvParam(prov, PP_NAME, name, &len, 0));
        CHECK(strcmp((char *)name, MS_ENH_RSA_AES_PROV_A) == 0);
        CHECK_OK(CryptReleaseContext(prov, 0));
    }
    /* A W name differing from the A one by case: still the provider (Windows' registry
     * lookup ignores case)?  Not specified; only an unknown name is checked. */
    {
        static const WCHAR unknown[] = {'N', 'o', ' ', 0x00fc, 'b', 'e', 'r', 0};
        HCRYPTPROV prov = 1;
        CHECK_ERR(CryptAcquireContextW(&prov, NULL, unknown, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
                  NTE_KEYSET_NOT_DEF);
        CHECK_NO_NEW_HANDLE(prov, 1);
    }
}

static void export_public(HCRYPTKEY key, BYTE *blob, DWORD *len)
{
    *len = 200;
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, len));
}

static void test_containers(void)
{
    HCRYPTPROV w = 0, a = 0, prov = 0;
    HCRYPTKEY kw = 0, ka = 0;
    BYTE blob_w[200], blob_a[200], name[300];
    DWORD len_w = 0, len_a = 0, len;
    int found = 0, i;

    /* Created through W, with a W provider name. */
    CHECK_OK(CryptAcquireContextW(&w, name_w, MS_ENHANCED_PROV_W, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET));
    CHECK_OK(CryptGenKey(w, AT_SIGNATURE, 512u << 16, &kw));
    export_public(kw, blob_w, &len_w);
    len = sizeof name;
    CHECK_OK(CryptGetProvParam(w, PP_CONTAINER, name, &len, 0));
    CHECK_EQ_U(len, sizeof name_a);
    CHECK_MEM(name, name_a, sizeof name_a);

    /* The same name in UTF-8 through A is the same container. */
    CHECK_ERR(CryptAcquireContextA(&a, name_a, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                   CRYPT_NEWKEYSET),
              NTE_EXISTS);
    CHECK_OK(CryptAcquireContextA(&a, name_a, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK_OK(CryptGetUserKey(a, AT_SIGNATURE, &ka));
    export_public(ka, blob_a, &len_a);
    CHECK_EQ_U(len_a, len_w);
    CHECK_MEM(blob_a, blob_w, len_w);
    len = sizeof name;
    CHECK_OK(CryptGetProvParam(a, PP_CONTAINER, name, &len, 0));
    CHECK_EQ_U(len, sizeof name_a);
    CHECK_MEM(name, name_a, sizeof name_a);

    /* Listed in UTF-8. */
    for (i = 0; i < 16; i++) {
        len = sizeof name;
        if (!CryptGetProvParam(a, PP_ENUMCONTAINERS, name, &len, i == 0 ? CRYPT_FIRST : 0)) {
            CHECK_EQ_U(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        if (strcmp((char *)name, name_a) == 0)
            found = 1;
    }
    CHECK(found);
    CHECK_OK(CryptDestroyKey(ka));
    CHECK_OK(CryptDestroyKey(kw));
    CHECK_OK(CryptReleaseContext(a, 0));
    CHECK_OK(CryptReleaseContext(w, 0));

    /* A name outside the BMP round-trips too; W creates, A deletes. */
    CHECK_OK(CryptAcquireContextW(&prov, key_w, NULL, PROV_RSA_AES, CRYPT_NEWKEYSET));
    len = sizeof name;
    CHECK_OK(CryptGetProvParam(prov, PP_CONTAINER, name, &len, 0));
    CHECK_EQ_U(len, sizeof key_a);
    CHECK_MEM(name, key_a, sizeof key_a);
    CHECK_OK(CryptReleaseContext(prov, 0));
    prov = 1;
    CHECK_OK(CryptAcquireContextA(&prov, key_a, NULL, PROV_RSA_AES, CRYPT_DELETEKEYSET));
    CHECK(prov == 0);
    CHECK_ERR(CryptAcquireContextW(&prov, key_w, NULL, PROV_RSA_AES, 0), NTE_BAD_KEYSET);

    /* A deletes the Zürich container through W. */
    prov = 1;
    CHECK_OK(CryptAcquireContextW(&prov, name_w, MS_ENHANCED_PROV_W, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET));
    CHECK(prov == 0);
    CHECK_ERR(CryptAcquireContextA(&prov, name_a, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
}

static void test_invalid(void)
{
    HCRYPTPROV prov = 1;
    CHECK_ERR(CryptAcquireContextW(&prov, lone_high, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(prov, 1);
    CHECK_ERR(CryptAcquireContextW(&prov, lone_low, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextW(&prov, high_then_high, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextW(&prov, NULL, lone_high, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextW(&prov, lone_low, NULL, PROV_RSA_FULL, CRYPT_DELETEKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextA(&prov, bad_utf8, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextA(&prov, overlong, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, bad_utf8, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
              ERROR_INVALID_PARAMETER);
    CHECK_NO_NEW_HANDLE(prov, 1);
    /* Nothing was created under any of those names. */
    {
        HCRYPTPROV v = 0;
        BYTE name[300];
        DWORD len = sizeof name;
        CHECK_OK(CryptAcquireContextA(&v, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
        CHECK_ERR(CryptGetProvParam(v, PP_ENUMCONTAINERS, name, &len, CRYPT_FIRST),
                  ERROR_NO_MORE_ITEMS);
        CHECK_OK(CryptReleaseContext(v, 0));
    }
}

static void test_signatures(void)
{
    static const WCHAR d[] = {'R', 0x00e9, 's', 'u', 'm', 0x00e9, 0}; /* "Résumé" */
    static const char desc_a[] = "R\xc3\xa9sum\xc3\xa9";
    static const WCHAR other_w[] = {'R', 'e', 's', 'u', 'm', 'e', 0};
    static const BYTE msg[] = "strings: signed with a description";
    HCRYPTPROV prov = 0;
    HCRYPTKEY pair = 0;
    HCRYPTHASH h = 0;
    BYTE sig_w[128], sig_a[128];
    DWORD len_w = sizeof sig_w, len_a = sizeof sig_a;

    {
        CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 1024u << 16, &pair));

        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_OK(CryptSignHashW(h, AT_SIGNATURE, d, 0, sig_w, &len_w));
        CHECK_EQ_U(len_w, 128);
        CHECK_OK(CryptDestroyHash(h));

        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, desc_a, 0, sig_a, &len_a));
        CHECK_OK(CryptDestroyHash(h));
        /* PKCS #1 v1.5 is deterministic: the same description gives the same signature. */
        CHECK_EQ_U(len_a, len_w);
        CHECK_MEM(sig_a, sig_w, 128);

        /* Verified with W and with A, the same description. */
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_OK(CryptVerifySignatureW(h, sig_w, len_w, pair, d, 0));
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_OK(CryptVerifySignatureA(h, sig_w, len_w, pair, desc_a, 0));
        CHECK_OK(CryptDestroyHash(h));
        /* Another description, or none, does not verify. */
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_ERR(CryptVerifySignatureW(h, sig_w, len_w, pair, other_w, 0), NTE_BAD_SIGNATURE);
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        CHECK_ERR(CryptVerifySignatureW(h, sig_w, len_w, pair, NULL, 0), NTE_BAD_SIGNATURE);
        CHECK_OK(CryptDestroyHash(h));
        /* Invalid strings as descriptions. */
        CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
        CHECK_OK(CryptHashData(h, msg, sizeof msg, 0));
        len_w = sizeof sig_w;
        CHECK_ERR(CryptSignHashW(h, AT_SIGNATURE, lone_high, 0, sig_w, &len_w),
                  ERROR_INVALID_PARAMETER);
        len_a = sizeof sig_a;
        CHECK_ERR(CryptSignHashA(h, AT_SIGNATURE, bad_utf8, 0, sig_a, &len_a),
                  ERROR_INVALID_PARAMETER);
        CHECK_ERR(CryptVerifySignatureW(h, sig_a, 128, pair, lone_low, 0),
                  ERROR_INVALID_PARAMETER);
        CHECK_ERR(CryptVerifySignatureA(h, sig_a, 128, pair, overlong, 0),
                  ERROR_INVALID_PARAMETER);
        /* The refused calls left the hash open. */
        CHECK_OK(CryptHashData(h, msg, 1, 0));
        CHECK_OK(CryptDestroyHash(h));

        CHECK_OK(CryptDestroyKey(pair));
        CHECK_OK(CryptReleaseContext(prov, 0));
    }
}

int main(void)
{
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "strings: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_invalid();
    test_provider_names();
    test_containers();
    test_signatures();
    return check_summary("strings");
}
