/*
 * rsa_gaps.c - the RSA calls' last arguments through libwincrypt:
 *
 *   CryptExportKey(PRIVATEKEYBLOB) with a session key as hExpKey (everything after
 *   the BLOBHEADER encrypted, PKCS#5-padded for a block cipher) and CryptImportKey
 *   with that key as hPubKey; the szDescription of CryptSignHashA/W and
 *   CryptVerifySignatureA/W (hashed in as UTF-16LE without its NUL, as Microsoft's
 *   CSP guide describes, checked against the hash value of its signature sample);
 *   CRYPT_X931_FORMAT; and KP_PERMISSIONS changes saved with a container's pair.
 *
 * The key store root is CRYPTOAPI_HOME (a fresh directory per run).
 */
#include <stdlib.h>

#include "check.h"

static const WCHAR test_signature_w[] = {'T', 'e', 's', 't', ' ', 'S', 'i', 'g', 'n',
                                         'a', 't', 'u', 'r', 'e', 0};
/* MD5("1134-kelp" || UTF-16LE("Test Signature")), from Microsoft's signature sample. */
static const BYTE sample_value[16] = {0xa8, 0x2b, 0xdf, 0xc2, 0xc9, 0xf1, 0xbb, 0x62,
                                      0x38, 0x78, 0xd4, 0x60, 0xfa, 0xce, 0x5c, 0x2a};

static HCRYPTHASH md5_of(HCRYPTPROV prov, const char *data)
{
    HCRYPTHASH h = 0;
    CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)data, (DWORD)strlen(data), 0));
    return h;
}

static HCRYPTHASH sha1_of(HCRYPTPROV prov, const char *data)
{
    HCRYPTHASH h = 0;
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)data, (DWORD)strlen(data), 0));
    return h;
}

static void test_wrapped_private_blob(void)
{
    HCRYPTPROV prov = 0, other = 0;
    HCRYPTKEY pair = 0, session = 0, wrong = 0, again = 0, key = 0;
    BYTE plain[400], wrapped[400], back[400];
    DWORD plain_len = sizeof plain, len = 0, back_len = sizeof back;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptAcquireContextA(&other, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, (512u << 16) | CRYPT_EXPORTABLE, &pair));
    CHECK_OK(CryptGenKey(prov, CALG_AES_256, 0, &session));
    CHECK_OK(CryptExportKey(pair, 0, PRIVATEKEYBLOB, 0, plain, &plain_len));
    CHECK_EQ_U(plain_len, 308);

    /* The size query, a short buffer, then the blob: 300 bytes padded to 304. */
    CHECK_OK(CryptExportKey(pair, session, PRIVATEKEYBLOB, 0, NULL, &len));
    CHECK_EQ_U(len, 8 + 304);
    len = 100;
    CHECK_ERR(CryptExportKey(pair, session, PRIVATEKEYBLOB, 0, wrapped, &len), ERROR_MORE_DATA);
    CHECK_EQ_U(len, 8 + 304);
    CHECK_OK(CryptExportKey(pair, session, PRIVATEKEYBLOB, 0, wrapped, &len));
    CHECK_EQ_U(len, 8 + 304);
    CHECK_MEM(wrapped, plain, 8);
    CHECK(memcmp(wrapped + 8, plain + 8, 300) != 0);

    /* Back into another context with the same session key: the same pair. */
    CHECK_OK(CryptImportKey(other, wrapped, len, session, CRYPT_EXPORTABLE, &again));
    CHECK_OK(CryptExportKey(again, 0, PRIVATEKEYBLOB, 0, back, &back_len));
    CHECK_EQ_U(back_len, plain_len);
    CHECK_MEM(back, plain, plain_len);
    CHECK_OK(CryptDestroyKey(again));
    CHECK_OK(CryptGetUserKey(other, AT_KEYEXCHANGE, &again));
    CHECK_OK(CryptDestroyKey(again));

    /* The wrong session key, none, an RSA key, a public blob. */
    CHECK_OK(CryptGenKey(prov, CALG_AES_256, 0, &wrong));
    key = 0;
    CHECK_ERR(CryptImportKey(other, wrapped, len, wrong, 0, &key), NTE_BAD_DATA);
    CHECK_NO_NEW_HANDLE(key, 0);
    CHECK_ERR(CryptImportKey(other, wrapped, len, 0, 0, &key), NTE_BAD_DATA);
    CHECK_ERR(CryptImportKey(other, wrapped, len, pair, 0, &key), NTE_BAD_KEY);
    back_len = sizeof back;
    CHECK_ERR(CryptExportKey(pair, pair, PRIVATEKEYBLOB, 0, back, &back_len), NTE_BAD_KEY);
    back_len = sizeof back;
    CHECK_ERR(CryptExportKey(pair, session, PUBLICKEYBLOB, 0, back, &back_len), NTE_BAD_KEY);

    /* RC4: no padding, the body's own length. */
    CHECK_OK(CryptDestroyKey(session));
    CHECK_OK(CryptGenKey(prov, CALG_RC4, 0, &session));
    len = sizeof wrapped;
    CHECK_OK(CryptExportKey(pair, session, PRIVATEKEYBLOB, 0, wrapped, &len));
    CHECK_EQ_U(len, plain_len);
    CHECK_OK(CryptImportKey(other, wrapped, len, session, 0, &again));
    CHECK_OK(CryptDestroyKey(again));

    CHECK_OK(CryptDestroyKey(wrong));
    CHECK_OK(CryptDestroyKey(session));
    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(other, 0));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void test_descriptions(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY pair = 0;
    HCRYPTHASH h = 0;
    BYTE sig_a[64], sig_w[64], sig_none[64], value[16];
    DWORD len = 0, value_len = sizeof value;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 512u << 16, &pair));

    /* A size query with a description leaves the hash open; then the signature. */
    h = md5_of(prov, "1134-kelp");
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, "Test Signature", 0, NULL, &len));
    CHECK_EQ_U(len, 64);
    CHECK_OK(CryptHashData(h, (const BYTE *)"", 0, 0));
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, "Test Signature", 0, sig_a, &len));
    /* What was signed: Microsoft's sample value. */
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, value, &value_len, 0));
    CHECK_MEM(value, sample_value, 16);
    CHECK_OK(CryptDestroyHash(h));

    /* The W form gives the same bytes (PKCS #1 v1.5 is deterministic). */
    h = md5_of(prov, "1134-kelp");
    len = sizeof sig_w;
    CHECK_OK(CryptSignHashW(h, AT_SIGNATURE, test_signature_w, 0, sig_w, &len));
    CHECK_MEM(sig_w, sig_a, 64);
    CHECK_OK(CryptDestroyHash(h));

    /* Without the description the signature differs. */
    h = md5_of(prov, "1134-kelp");
    len = sizeof sig_none;
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, NULL, 0, sig_none, &len));
    CHECK(memcmp(sig_none, sig_a, 64) != 0);
    CHECK_OK(CryptDestroyHash(h));

    /* Verification: the same description (A and W), none, another. */
    h = md5_of(prov, "1134-kelp");
    CHECK_OK(CryptVerifySignatureA(h, sig_a, 64, pair, "Test Signature", 0));
    CHECK_OK(CryptDestroyHash(h));
    h = md5_of(prov, "1134-kelp");
    CHECK_OK(CryptVerifySignatureW(h, sig_a, 64, pair, test_signature_w, 0));
    CHECK_OK(CryptDestroyHash(h));
    h = md5_of(prov, "1134-kelp");
    CHECK_ERR(CryptVerifySignatureA(h, sig_a, 64, pair, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(h));
    h = md5_of(prov, "1134-kelp");
    CHECK_ERR(CryptVerifySignatureA(h, sig_a, 64, pair, "Test", 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(h));

    /* The sample's value, set directly, verifies without a description. */
    CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &h));
    CHECK_OK(CryptSetHashParam(h, HP_HASHVAL, sample_value, 0));
    CHECK_OK(CryptVerifySignatureA(h, sig_a, 64, pair, NULL, 0));
    /* A finished hash takes no description. */
    len = sizeof sig_a;
    CHECK_ERR(CryptSignHashA(h, AT_SIGNATURE, "late", 0, sig_a, &len), NTE_BAD_HASH_STATE);
    CHECK_OK(CryptDestroyHash(h));

    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void test_x931(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY pair = 0;
    HCRYPTHASH h = 0;
    BYTE sig[128], pkcs[128];
    DWORD len = sizeof sig, pkcs_len = sizeof pkcs;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 1024u << 16, &pair));

    h = sha1_of(prov, "rDSA");
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, NULL, CRYPT_X931_FORMAT, sig, &len));
    CHECK_EQ_U(len, 128);
    CHECK_OK(CryptDestroyHash(h));
    h = sha1_of(prov, "rDSA");
    CHECK_OK(CryptSignHashA(h, AT_SIGNATURE, NULL, 0, pkcs, &pkcs_len));
    CHECK_OK(CryptDestroyHash(h));
    CHECK(memcmp(sig, pkcs, 128) != 0);

    h = sha1_of(prov, "rDSA");
    CHECK_OK(CryptVerifySignatureW(h, sig, len, pair, NULL, CRYPT_X931_FORMAT));
    CHECK_OK(CryptDestroyHash(h));
    h = sha1_of(prov, "rDSA");
    CHECK_ERR(CryptVerifySignatureA(h, sig, len, pair, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(h));
    h = sha1_of(prov, "rDSA");
    CHECK_ERR(CryptVerifySignatureA(h, pkcs, pkcs_len, pair, NULL, CRYPT_X931_FORMAT),
              NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(h));
    /* A NULL signature of the modulus' length is a bad pointer, as without the flag. */
    h = sha1_of(prov, "rDSA");
    CHECK_ERR(CryptVerifySignatureA(h, NULL, 128, pair, NULL, CRYPT_X931_FORMAT),
              ERROR_INVALID_PARAMETER);
    CHECK_OK(CryptDestroyHash(h));

    /* MD5 has no X9.31 identifier; CRYPT_TYPE2_FORMAT is not taken. */
    h = md5_of(prov, "rDSA");
    len = sizeof sig;
    CHECK_ERR(CryptSignHashA(h, AT_SIGNATURE, NULL, CRYPT_X931_FORMAT, sig, &len),
              NTE_BAD_ALGID);
    len = sizeof sig;
    CHECK_ERR(CryptSignHashA(h, AT_SIGNATURE, NULL, CRYPT_TYPE2_FORMAT, sig, &len),
              NTE_BAD_FLAGS);
    CHECK_OK(CryptDestroyHash(h));

    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static DWORD permissions_of(HCRYPTKEY key)
{
    DWORD value = 0, len = sizeof value;
    CHECK_OK(CryptGetKeyParam(key, KP_PERMISSIONS, (BYTE *)&value, &len, 0));
    CHECK_EQ_U(len, 4);
    return value;
}

static void test_permissions(void)
{
    HCRYPTPROV prov = 0, later = 0;
    HCRYPTKEY pair = 0, seen = 0, locked = 0;
    DWORD perms;

    CHECK_OK(CryptAcquireContextA(&prov, "rsa-gaps", NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET));
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, (512u << 16) | CRYPT_EXPORTABLE, &pair));
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 512u << 16, &locked));
    CHECK_EQ_U(permissions_of(pair), 0x3f);

    /* Clear CRYPT_MAC and CRYPT_EXPORT: the first is saved, the second has no effect. */
    perms = 0x3f & ~(DWORD)(CRYPT_MAC | CRYPT_EXPORT);
    CHECK_OK(CryptSetKeyParam(pair, KP_PERMISSIONS, (const BYTE *)&perms, 0));
    CHECK_EQ_U(permissions_of(pair), 0x1f);
    CHECK_OK(CryptAcquireContextA(&later, "rsa-gaps", NULL, PROV_RSA_FULL, 0));
    CHECK_OK(CryptGetUserKey(later, AT_KEYEXCHANGE, &seen));
    CHECK_EQ_U(permissions_of(seen), 0x1f);
    CHECK_OK(CryptDestroyKey(seen));

    /* CRYPT_EXPORT cannot be added to the signature pair; nothing is saved. */
    perms = 0x3f;
    CHECK_ERR(CryptSetKeyParam(locked, KP_PERMISSIONS, (const BYTE *)&perms, 0), NTE_BAD_DATA);
    CHECK_OK(CryptGetUserKey(later, AT_SIGNATURE, &seen));
    CHECK_EQ_U(permissions_of(seen), 0x3b);
    CHECK_OK(CryptDestroyKey(seen));

    CHECK_OK(CryptDestroyKey(locked));
    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(later, 0));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptAcquireContextA(&prov, "rsa-gaps", NULL, PROV_RSA_FULL, CRYPT_DELETEKEYSET));
}

int main(void)
{
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "rsa_gaps: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_wrapped_private_blob();
    test_descriptions();
    test_x931();
    test_permissions();
    return check_summary("rsa_gaps");
}
