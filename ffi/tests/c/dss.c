/*
 * dss.c - the DSS-family providers through libwincrypt: a DSS signature pair generated
 * in a named container (PROV_DSS), signing a SHA-1 hash, exporting the public key and
 * verifying with it, the pair found again with CryptGetUserKey after reopening; and a
 * Diffie-Hellman agreement between two contexts of the Enhanced DSS/DH provider
 * (CRYPT_PREGEN, KP_P / KP_G as CRYPT_DATA_BLOBs, KP_X with NULL data, the peer's
 * PUBLICKEYBLOB imported with one's own pair, KP_ALGID = CALG_3DES), each side decrypting
 * what the other encrypted.
 *
 * The key store root is CRYPTOAPI_HOME (a fresh directory per run).
 */
#include <stdlib.h>

#include "check.h"

static void test_sign_verify(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY pair = 0, pub = 0, again = 0;
    HCRYPTHASH hash = 0;
    BYTE signature[40], blob[512];
    DWORD sig_len = 0, blob_len = sizeof blob;
    static const char data[] = "signed through the C ABI";

    CryptAcquireContextA(&prov, "dss-c", MS_DEF_DSS_PROV_A, PROV_DSS, CRYPT_DELETEKEYSET);
    CHECK_OK(CryptAcquireContextA(&prov, "dss-c", MS_DEF_DSS_PROV_A, PROV_DSS, CRYPT_NEWKEYSET));
    CHECK_ERR(CryptGetUserKey(prov, AT_SIGNATURE, &pair), NTE_NO_KEY);
    CHECK_ERR(CryptGenKey(prov, AT_KEYEXCHANGE, 512u << 16, &pair), NTE_BAD_ALGID);
    CHECK_ERR(CryptGenKey(prov, AT_SIGNATURE, 1088u << 16, &pair), NTE_BAD_FLAGS);
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 512u << 16, &pair));

    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, (const BYTE *)data, sizeof data, 0));
    CHECK_OK(CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, NULL, &sig_len));
    CHECK_EQ_U(sig_len, 40);
    CHECK_OK(CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, signature, &sig_len));
    CHECK_OK(CryptDestroyHash(hash));

    CHECK_OK(CryptExportKey(pair, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    CHECK_MEM(blob + 8, "DSS1", 4);
    CHECK_OK(CryptImportKey(prov, blob, blob_len, 0, 0, &pub));
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, (const BYTE *)data, sizeof data, 0));
    CHECK_OK(CryptVerifySignatureA(hash, signature, sig_len, pub, NULL, 0));
    CHECK_OK(CryptDestroyHash(hash));
    signature[0] ^= 1;
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, (const BYTE *)data, sizeof data, 0));
    CHECK_ERR(CryptVerifySignatureA(hash, signature, sig_len, pub, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(pub));
    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(prov, 0));

    /* Reopened: the pair is in the container. */
    CHECK_OK(CryptAcquireContextA(&prov, "dss-c", MS_DEF_DSS_PROV_A, PROV_DSS, 0));
    CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &again));
    CHECK_OK(CryptDestroyKey(again));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptAcquireContextA(&prov, "dss-c", MS_DEF_DSS_PROV_A, PROV_DSS, CRYPT_DELETEKEYSET));
}

/* A 512-bit DH group: p and g (little-endian) of CALG_DH_SF in Wine's dssenh.c, which
 * sets them with KP_P / KP_G on Windows (suite/tests/data/dssenh-blobs.json). */
static const BYTE prime[64] = {
    0x85, 0xb8, 0xa5, 0x4a, 0xcf, 0x2b, 0x7c, 0x61, 0xb2, 0x06, 0x93, 0x8a, 0x87, 0x37, 0x58,
    0xb0, 0x8d, 0xc7, 0x2a, 0xa7, 0x7f, 0x0d, 0x74, 0xf9, 0x3a, 0x7e, 0xbc, 0xab, 0x3a, 0x54,
    0xe4, 0x11, 0x69, 0x6f, 0xcd, 0xea, 0xad, 0x32, 0x44, 0x4f, 0xee, 0x54, 0x69, 0x8c, 0x9c,
    0x3b, 0x87, 0x27, 0x36, 0x70, 0x06, 0xf3, 0x4e, 0xde, 0x7f, 0x9d, 0xa6, 0xf2, 0xad, 0x43,
    0x90, 0xdd, 0xb5, 0x9b};
static const BYTE generator[64] = {
    0xea, 0xdc, 0xe0, 0xbb, 0x60, 0x26, 0xc6, 0xb3, 0x93, 0x6f, 0x61, 0xe6, 0x7e, 0xe2, 0xee,
    0xd6, 0xdb, 0x3d, 0xca, 0xa8, 0x31, 0x46, 0x8f, 0x5d, 0xb4, 0xaa, 0x83, 0xd3, 0x52, 0x10,
    0xcd, 0xfb, 0xfd, 0xfc, 0x14, 0x89, 0x0c, 0xde, 0xcf, 0x54, 0x1d, 0x05, 0x8c, 0xbe, 0x4a,
    0xe4, 0x37, 0xb4, 0xc0, 0x15, 0x75, 0xc5, 0xa2, 0xfc, 0x99, 0xfc, 0xad, 0x63, 0xcb, 0x7c,
    0xb8, 0x20, 0xdc, 0x2b};

static HCRYPTKEY pregen(HCRYPTPROV prov, const CRYPT_DATA_BLOB *p, const CRYPT_DATA_BLOB *g)
{
    HCRYPTKEY key = 0;
    CHECK_OK(CryptGenKey(prov, CALG_DH_EPHEM, (512u << 16) | CRYPT_PREGEN, &key));
    CHECK_OK(CryptSetKeyParam(key, KP_P, (const BYTE *)p, 0));
    CHECK_OK(CryptSetKeyParam(key, KP_G, (const BYTE *)g, 0));
    CHECK_OK(CryptSetKeyParam(key, KP_X, NULL, 0));
    return key;
}

static void test_agreement(void)
{
    HCRYPTPROV alice = 0, bob = 0;
    HCRYPTKEY a = 0, b = 0, a_session = 0, b_session = 0;
    BYTE a_pub[512], b_pub[512], buf[64], got[64];
    DWORD a_len = sizeof a_pub, b_len = sizeof b_pub, len, got_len = sizeof got;
    ALG_ID alg = CALG_3DES;
    CRYPT_DATA_BLOB p, g;
    static const char plain[] = "Testing shared key.";

    p.cbData = sizeof prime;
    p.pbData = (BYTE *)prime;
    g.cbData = sizeof generator;
    g.pbData = (BYTE *)generator;
    CHECK_OK(CryptAcquireContextA(&alice, NULL, MS_ENH_DSS_DH_PROV_A, PROV_DSS_DH,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptAcquireContextA(&bob, NULL, MS_ENH_DSS_DH_PROV_A, PROV_DSS_DH,
                                  CRYPT_VERIFYCONTEXT));
    a = pregen(alice, &p, &g);
    b = pregen(bob, &p, &g);
    CHECK_OK(CryptGetKeyParam(a, KP_P, got, &got_len, 0));
    CHECK_EQ_U(got_len, 64);
    CHECK_MEM(got, prime, 64);
    CHECK_OK(CryptExportKey(a, 0, PUBLICKEYBLOB, 0, a_pub, &a_len));
    CHECK_OK(CryptExportKey(b, 0, PUBLICKEYBLOB, 0, b_pub, &b_len));
    CHECK_OK(CryptImportKey(alice, b_pub, b_len, a, 0, &a_session));
    CHECK_OK(CryptImportKey(bob, a_pub, a_len, b, 0, &b_session));
    CHECK_OK(CryptSetKeyParam(a_session, KP_ALGID, (const BYTE *)&alg, 0));
    CHECK_OK(CryptSetKeyParam(b_session, KP_ALGID, (const BYTE *)&alg, 0));

    memcpy(buf, plain, sizeof plain);
    len = sizeof plain;
    CHECK_OK(CryptEncrypt(a_session, 0, TRUE, 0, buf, &len, sizeof buf));
    CHECK_OK(CryptDecrypt(b_session, 0, TRUE, 0, buf, &len));
    CHECK_EQ_U(len, sizeof plain);
    CHECK_MEM(buf, plain, sizeof plain);

    CHECK_OK(CryptDestroyKey(a_session));
    CHECK_OK(CryptDestroyKey(b_session));
    CHECK_OK(CryptDestroyKey(a));
    CHECK_OK(CryptDestroyKey(b));
    CHECK_OK(CryptReleaseContext(alice, 0));
    CHECK_OK(CryptReleaseContext(bob, 0));
}

int main(void)
{
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "dss: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_sign_verify();
    test_agreement();
    return check_summary("dss");
}
