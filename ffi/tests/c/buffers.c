/*
 * buffers.c - Windows' output-buffer idiom on every getter of libwincrypt:
 *
 *   NULL buffer          -> TRUE, *pdwDataLen = the size needed;
 *   exact size           -> TRUE, the data, *pdwDataLen = its size;
 *   one byte short       -> FALSE/ERROR_MORE_DATA, *pdwDataLen = the size needed,
 *                           and nothing written;
 *   larger buffer        -> TRUE, the same data, *pdwDataLen = its size, nothing
 *                           written past it.
 *
 * on CryptGetProvParam (PP_NAME, PP_CONTAINER, PP_PROVTYPE, PP_UNIQUE_CONTAINER;
 * PP_ENUMCONTAINERS with its own rules), CryptGetKeyParam (KP_IV, KP_SALT,
 * KP_ALGID, KP_BLOCKLEN, KP_KEYLEN, KP_MODE, KP_PERMISSIONS,
 * KP_EFFECTIVE_KEYLEN), CryptGetHashParam (HP_ALGID, HP_HASHSIZE, HP_HASHVAL),
 * CryptExportKey (PUBLICKEYBLOB, PRIVATEKEYBLOB, SIMPLEBLOB, PLAINTEXTKEYBLOB),
 * CryptSignHashA/W, and CryptEncrypt (whose capacity is dwBufLen, and whose
 * key must be left as it was by a call that is refused).
 */
#include <stdlib.h>

#include "check.h"

#define GUARD 16
#define MAX_OUT 1024

enum kind { PROV_PARAM, KEY_PARAM, HASH_PARAM, EXPORT, SIGN_A, SIGN_W };

struct getter {
    const char *name;
    enum kind kind;
    HCRYPTPROV prov;
    HCRYPTKEY key, exp_key;
    HCRYPTHASH hash;
    DWORD param, flags;
    int random; /* output differs between calls (SIMPLEBLOB padding): compare lengths only */
};

static BOOL get(const struct getter *g, BYTE *buf, DWORD *len)
{
    switch (g->kind) {
    case PROV_PARAM:
        return CryptGetProvParam(g->prov, g->param, buf, len, g->flags);
    case KEY_PARAM:
        return CryptGetKeyParam(g->key, g->param, buf, len, g->flags);
    case HASH_PARAM:
        return CryptGetHashParam(g->hash, g->param, buf, len, g->flags);
    case EXPORT:
        return CryptExportKey(g->key, g->exp_key, g->param, g->flags, buf, len);
    case SIGN_A:
        return CryptSignHashA(g->hash, g->param, NULL, g->flags, buf, len);
    case SIGN_W:
        return CryptSignHashW(g->hash, g->param, NULL, g->flags, buf, len);
    }
    return FALSE;
}

static int untouched(const BYTE *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != 0xa5)
            return 0;
    return 1;
}

/* Runs the idiom on `g`; the output (its exact-size result) goes to out/out_len. */
static void idiom(const struct getter *g, BYTE *out, DWORD *out_len)
{
    static BYTE buf[MAX_OUT + GUARD];
    DWORD needed = 0xfffffu, len;
    BYTE first[MAX_OUT];

    fprintf(stderr, "idiom: %s\n", g->name);
    /* NULL buffer: the size, whatever *pdwDataLen held. */
    CHECK_OK(get(g, NULL, &needed));
    CHECK(needed > 0 && needed <= MAX_OUT);
    if (needed == 0 || needed > MAX_OUT) {
        fprintf(stderr, "  %s: size %lu, skipping the rest\n", g->name, (unsigned long)needed);
        *out_len = 0;
        return;
    }
    len = 0;
    CHECK_OK(get(g, NULL, &len));
    CHECK_EQ_U(len, needed);

    /* One byte short (and zero bytes): ERROR_MORE_DATA with the size, nothing written. */
    memset(buf, 0xa5, sizeof buf);
    len = needed - 1;
    CHECK_ERR(get(g, buf, &len), ERROR_MORE_DATA);
    CHECK_EQ_U(len, needed);
    CHECK(untouched(buf, sizeof buf));
    len = 0;
    CHECK_ERR(get(g, buf, &len), ERROR_MORE_DATA);
    CHECK_EQ_U(len, needed);
    CHECK(untouched(buf, sizeof buf));

    /* Exactly the size. */
    memset(buf, 0xa5, sizeof buf);
    len = needed;
    CHECK_OK(get(g, buf, &len));
    CHECK_EQ_U(len, needed);
    CHECK(untouched(buf + needed, GUARD));
    memcpy(first, buf, needed);

    /* Larger: the same data, and the size. */
    memset(buf, 0xa5, sizeof buf);
    len = needed + GUARD / 2;
    CHECK_OK(get(g, buf, &len));
    CHECK_EQ_U(len, needed);
    CHECK(untouched(buf + needed, GUARD));
    if (!g->random)
        CHECK_MEM(buf, first, needed);

    memcpy(out, first, needed);
    *out_len = needed;
}

static DWORD dword_at(const BYTE *p)
{
    return (DWORD)p[0] | (DWORD)p[1] << 8 | (DWORD)p[2] << 16 | (DWORD)p[3] << 24;
}

/* A DWORD parameter: 4 bytes, and its value. */
static void dword_param(struct getter *g, DWORD want)
{
    BYTE out[MAX_OUT];
    DWORD len = 0;
    idiom(g, out, &len);
    CHECK_EQ_U(len, 4);
    if (len == 4)
        CHECK_EQ_U(dword_at(out), want);
}

/* A string parameter: the string and its NUL. */
static void string_param(struct getter *g, const char *want)
{
    BYTE out[MAX_OUT];
    DWORD len = 0;
    idiom(g, out, &len);
    CHECK_EQ_U(len, strlen(want) + 1);
    if (len == strlen(want) + 1)
        CHECK_MEM(out, want, len);
}

static void read_machine_guid(char *guid, size_t size)
{
    char path[4096];
    FILE *f;
    size_t n;
    const char *home = getenv("CRYPTOAPI_HOME");
    guid[0] = 0;
    if (home == NULL)
        return;
    snprintf(path, sizeof path, "%s/machine-guid", home);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    n = fread(guid, 1, size - 1, f);
    fclose(f);
    while (n > 0 && (guid[n - 1] == '\n' || guid[n - 1] == '\r'))
        n--;
    guid[n] = 0;
}

static void test_prov_params(void)
{
    static const char *names[] = {"buffers-a", "buffers-bb", "buffers-ccc-\xc3\xa9t\xc3\xa9"};
    HCRYPTPROV prov = 0, aes = 0, extra;
    struct getter g;
    BYTE md5[16], out[MAX_OUT];
    DWORD len, i, seen = 0, count = 0;
    char want[128], guid[64];
    HCRYPTHASH h = 0;

    for (i = 0; i < 3; i++) {
        extra = 0;
        CHECK_OK(CryptAcquireContextA(&extra, names[i], MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_NEWKEYSET));
        CHECK_OK(CryptReleaseContext(extra, 0));
    }
    CHECK_OK(CryptAcquireContextA(&prov, names[1], MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    memset(&g, 0, sizeof g);
    g.kind = PROV_PARAM;
    g.prov = prov;

    g.name = "PP_NAME";
    g.param = PP_NAME;
    string_param(&g, MS_ENHANCED_PROV_A);
    g.name = "PP_CONTAINER";
    g.param = PP_CONTAINER;
    string_param(&g, names[1]);
    g.name = "PP_PROVTYPE";
    g.param = PP_PROVTYPE;
    dword_param(&g, PROV_RSA_FULL);

    /* PP_UNIQUE_CONTAINER: MD5(name + NUL) as four little-endian DWORDs, "_", the GUID. */
    CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)names[1], (DWORD)strlen(names[1]) + 1, 0));
    len = sizeof md5;
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, md5, &len, 0));
    CHECK_OK(CryptDestroyHash(h));
    g.name = "PP_UNIQUE_CONTAINER";
    g.param = PP_UNIQUE_CONTAINER;
    idiom(&g, out, &len);
    read_machine_guid(guid, sizeof guid);
    snprintf(want, sizeof want, "%08lx%08lx%08lx%08lx_%s", (unsigned long)dword_at(md5),
             (unsigned long)dword_at(md5 + 4), (unsigned long)dword_at(md5 + 8),
             (unsigned long)dword_at(md5 + 12), guid);
    CHECK_EQ_U(strlen(guid), 36);
    CHECK_EQ_U(len, 70);
    CHECK_EQ_U(len, strlen(want) + 1);
    if (len == strlen(want) + 1)
        CHECK_MEM(out, want, len);

    /* The AES provider names itself and its type. */
    CHECK_OK(CryptAcquireContextA(&aes, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    g.prov = aes;
    g.name = "PP_NAME (AES)";
    g.param = PP_NAME;
    string_param(&g, MS_ENH_RSA_AES_PROV_A);
    g.name = "PP_PROVTYPE (AES)";
    g.param = PP_PROVTYPE;
    dword_param(&g, PROV_RSA_AES);

    /* PP_ENUMCONTAINERS: NULL buffer gives MAX_PATH + 1; a name that fits is written and
     * leaves *pdwDataLen unchanged; the end is ERROR_NO_MORE_ITEMS.  From a verify context
     * too, and the open container is listed. */
    len = 0;
    CHECK_OK(CryptGetProvParam(aes, PP_ENUMCONTAINERS, NULL, &len, CRYPT_FIRST));
    CHECK_EQ_U(len, 261);
    len = 7;
    CHECK_OK(CryptGetProvParam(prov, PP_ENUMCONTAINERS, NULL, &len, CRYPT_FIRST));
    CHECK_EQ_U(len, MAX_PATH + 1);
    for (i = 0; i < 8; i++) {
        BYTE name[300];
        DWORD k;
        BOOL r;
        memset(name, 0xa5, sizeof name);
        len = (i % 2) ? 261 : 100; /* both fit */
        r = CryptGetProvParam(prov, PP_ENUMCONTAINERS, name, &len, i == 0 ? CRYPT_FIRST : 0);
        if (!r) {
            CHECK_EQ_U(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        count++;
        CHECK_EQ_U(len, (i % 2) ? 261 : 100);
        CHECK(memchr(name, 0, 100) != NULL);
        for (k = 0; k < 3; k++)
            if (strcmp((char *)name, names[k]) == 0)
                seen |= 1u << k;
    }
    CHECK_EQ_U(count, 3);
    CHECK_EQ_U(seen, 7);
    /* Past the end it stays at the end; CRYPT_FIRST restarts. */
    len = 261;
    CHECK_ERR(CryptGetProvParam(prov, PP_ENUMCONTAINERS, out, &len, 0), ERROR_NO_MORE_ITEMS);
    len = 261;
    CHECK_OK(CryptGetProvParam(prov, PP_ENUMCONTAINERS, out, &len, CRYPT_FIRST));
    CHECK_EQ_U(len, 261);

    CHECK_OK(CryptReleaseContext(aes, 0));
    CHECK_OK(CryptReleaseContext(prov, 0));
    for (i = 0; i < 3; i++) {
        extra = 1;
        CHECK_OK(CryptAcquireContextA(&extra, names[i], MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_DELETEKEYSET));
        CHECK(extra == 0);
    }
}

static void test_key_params(HCRYPTPROV prov)
{
    HCRYPTHASH h = 0;
    HCRYPTKEY rc2 = 0, aes = 0, rc4 = 0;
    struct getter g;
    BYTE out[MAX_OUT], zeros[16];
    DWORD len = 0;
    static const BYTE iv[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    memset(zeros, 0, sizeof zeros);
    /* A 40-bit RC2 key derived from an MD5 hash: 11 zero salt bytes, 40 effective bits. */
    CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)"password", 8, 0));
    CHECK_OK(CryptDeriveKey(prov, CALG_RC2, h, 40u << 16, &rc2));
    CHECK_OK(CryptGenKey(prov, CALG_AES_256, CRYPT_EXPORTABLE, &aes));
    CHECK_OK(CryptSetKeyParam(aes, KP_IV, iv, 0));
    CHECK_OK(CryptDeriveKey(prov, CALG_RC4, h, CRYPT_EXPORTABLE, &rc4));
    CHECK_OK(CryptDestroyHash(h));

    memset(&g, 0, sizeof g);
    g.kind = KEY_PARAM;
    g.key = rc2;
    g.name = "KP_IV (RC2)";
    g.param = KP_IV;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 8);
    CHECK_MEM(out, zeros, 8);
    g.name = "KP_SALT (RC2 40)";
    g.param = KP_SALT;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 11);
    CHECK_MEM(out, zeros, 11);
    g.name = "KP_ALGID (RC2)";
    g.param = KP_ALGID;
    dword_param(&g, CALG_RC2);
    g.name = "KP_BLOCKLEN (RC2)";
    g.param = KP_BLOCKLEN;
    dword_param(&g, 64);
    g.name = "KP_KEYLEN (RC2)";
    g.param = KP_KEYLEN;
    dword_param(&g, 40);
    g.name = "KP_MODE (RC2)";
    g.param = KP_MODE;
    dword_param(&g, CRYPT_MODE_CBC);
    g.name = "KP_PERMISSIONS (RC2)";
    g.param = KP_PERMISSIONS;
    dword_param(&g, 0x3b);
    g.name = "KP_EFFECTIVE_KEYLEN (RC2)";
    g.param = KP_EFFECTIVE_KEYLEN;
    dword_param(&g, 40);

    g.key = aes;
    g.name = "KP_IV (AES, set)";
    g.param = KP_IV;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 16);
    CHECK_MEM(out, iv, 16);
    g.name = "KP_ALGID (AES)";
    g.param = KP_ALGID;
    dword_param(&g, CALG_AES_256);
    g.name = "KP_BLOCKLEN (AES)";
    g.param = KP_BLOCKLEN;
    dword_param(&g, 128);
    g.name = "KP_KEYLEN (AES)";
    g.param = KP_KEYLEN;
    dword_param(&g, 256);
    g.name = "KP_MODE (AES)";
    g.param = KP_MODE;
    dword_param(&g, CRYPT_MODE_CBC);
    g.name = "KP_PERMISSIONS (AES, exportable)";
    g.param = KP_PERMISSIONS;
    dword_param(&g, 0x3f);

    g.key = rc4;
    g.name = "KP_ALGID (RC4)";
    g.param = KP_ALGID;
    dword_param(&g, CALG_RC4);
    g.name = "KP_BLOCKLEN (RC4)";
    g.param = KP_BLOCKLEN;
    dword_param(&g, 0);
    g.name = "KP_KEYLEN (RC4, enhanced default)";
    g.param = KP_KEYLEN;
    dword_param(&g, 128);
    g.name = "KP_MODE (RC4)";
    g.param = KP_MODE;
    dword_param(&g, 0);

    CHECK_OK(CryptDestroyKey(rc2));
    CHECK_OK(CryptDestroyKey(aes));
    CHECK_OK(CryptDestroyKey(rc4));
}

static void test_hash_params(HCRYPTPROV prov)
{
    HCRYPTHASH h = 0, ref = 0;
    struct getter g;
    BYTE out[MAX_OUT], want[64];
    DWORD len = 0, wlen = sizeof want;

    CHECK_OK(CryptCreateHash(prov, CALG_SHA_256, 0, 0, &h));
    CHECK_OK(CryptCreateHash(prov, CALG_SHA_256, 0, 0, &ref));
    CHECK_OK(CryptHashData(ref, (const BYTE *)"abc", 3, 0));
    CHECK_OK(CryptGetHashParam(ref, HP_HASHVAL, want, &wlen, 0));
    CHECK_EQ_U(wlen, 32);
    CHECK(want[0] == 0xba && want[1] == 0x78 && want[2] == 0x16 && want[3] == 0xbf);

    memset(&g, 0, sizeof g);
    g.kind = HASH_PARAM;
    g.hash = h;
    g.name = "HP_ALGID";
    g.param = HP_ALGID;
    dword_param(&g, CALG_SHA_256);
    g.name = "HP_HASHSIZE";
    g.param = HP_HASHSIZE;
    dword_param(&g, 32);
    /* Size queries and short buffers do not finish the hash. */
    len = 0;
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, NULL, &len, 0));
    CHECK_EQ_U(len, 32);
    len = 31;
    CHECK_ERR(CryptGetHashParam(h, HP_HASHVAL, out, &len, 0), ERROR_MORE_DATA);
    CHECK_EQ_U(len, 32);
    CHECK_OK(CryptHashData(h, (const BYTE *)"abc", 3, 0));
    g.name = "HP_HASHVAL";
    g.param = HP_HASHVAL;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 32);
    CHECK_MEM(out, want, 32);
    /* Finished now. */
    CHECK_ERR(CryptHashData(h, (const BYTE *)"abc", 3, 0), NTE_BAD_HASH_STATE);
    CHECK_OK(CryptDestroyHash(h));
    CHECK_OK(CryptDestroyHash(ref));
}

static void test_export_and_sign(HCRYPTPROV prov)
{
    HCRYPTKEY sig = 0, kx = 0, rc4 = 0, aes = 0, back = 0, pub = 0;
    HCRYPTHASH h = 0;
    HCRYPTPROV other = 0;
    struct getter g;
    BYTE out[MAX_OUT], blob[MAX_OUT], sig_a[MAX_OUT];
    DWORD len = 0, blob_len = 0, sig_len = 0;
    BYTE msg[16] = "export and sign";
    DWORD mlen = 15;

    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, (512u << 16) | CRYPT_EXPORTABLE, &sig));
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, (1024u << 16) | CRYPT_EXPORTABLE, &kx));
    CHECK_OK(CryptGenKey(prov, CALG_RC4, (128u << 16) | CRYPT_EXPORTABLE, &rc4));
    CHECK_OK(CryptGenKey(prov, CALG_AES_128, CRYPT_EXPORTABLE, &aes));

    memset(&g, 0, sizeof g);
    g.kind = EXPORT;
    g.key = sig;
    g.name = "PUBLICKEYBLOB (512)";
    g.param = PUBLICKEYBLOB;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 8 + 12 + 64);
    CHECK(out[0] == PUBLICKEYBLOB && out[1] == CUR_BLOB_VERSION);
    CHECK_EQ_U(dword_at(out + 4), CALG_RSA_SIGN);
    CHECK_EQ_U(dword_at(out + 8), 0x31415352u); /* "RSA1" */
    CHECK_EQ_U(dword_at(out + 12), 512);
    CHECK_EQ_U(dword_at(out + 16), 65537);
    g.name = "PRIVATEKEYBLOB (512)";
    g.param = PRIVATEKEYBLOB;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 308);
    CHECK_EQ_U(dword_at(out + 8), 0x32415352u); /* "RSA2" */

    g.key = aes;
    g.name = "PLAINTEXTKEYBLOB (AES-128)";
    g.param = PLAINTEXTKEYBLOB;
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 12 + 16);
    CHECK_EQ_U(dword_at(out + 4), CALG_AES_128);
    CHECK_EQ_U(dword_at(out + 8), 16);

    g.key = rc4;
    g.exp_key = kx;
    g.random = 1;
    g.name = "SIMPLEBLOB (RC4 under a 1024-bit exchange key)";
    g.param = SIMPLEBLOB;
    idiom(&g, blob, &blob_len);
    CHECK_EQ_U(blob_len, 8 + 4 + 128);
    CHECK_EQ_U(dword_at(blob + 4), CALG_RC4);
    CHECK_EQ_U(dword_at(blob + 8), CALG_RSA_KEYX);
    /* The wrapped key still unwraps to the same key. */
    CHECK_OK(CryptImportKey(prov, blob, blob_len, kx, 0, &back));
    CHECK_OK(CryptEncrypt(rc4, 0, TRUE, 0, msg, &mlen, sizeof msg));
    CHECK_OK(CryptDecrypt(back, 0, TRUE, 0, msg, &mlen));
    CHECK_MEM(msg, "export and sign", 15);
    CHECK_OK(CryptDestroyKey(back));

    /* CryptSignHash, A and W, with the 512-bit signature pair. */
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
    CHECK_OK(CryptHashData(h, msg, 15, 0));
    memset(&g, 0, sizeof g);
    g.hash = h;
    g.param = AT_SIGNATURE;
    g.kind = SIGN_A;
    g.name = "CryptSignHashA (512)";
    idiom(&g, sig_a, &sig_len);
    CHECK_EQ_U(sig_len, 64);
    g.kind = SIGN_W;
    g.name = "CryptSignHashW (512)";
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 64);
    CHECK_MEM(out, sig_a, 64);
    g.param = AT_KEYEXCHANGE;
    g.name = "CryptSignHashW (1024, exchange pair)";
    idiom(&g, out, &len);
    CHECK_EQ_U(len, 128);
    /* The signature verifies with the public key, in another context. */
    len = sizeof blob;
    CHECK_OK(CryptExportKey(sig, 0, PUBLICKEYBLOB, 0, blob, &len));
    CHECK_OK(CryptAcquireContextA(&other, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(other, blob, len, 0, 0, &pub));
    CHECK_OK(CryptDestroyHash(h));
    CHECK_OK(CryptCreateHash(other, CALG_SHA1, 0, 0, &h));
    CHECK_OK(CryptHashData(h, msg, 15, 0));
    CHECK_OK(CryptVerifySignatureA(h, sig_a, sig_len, pub, NULL, 0));
    CHECK_OK(CryptDestroyHash(h));
    CHECK_OK(CryptDestroyKey(pub));
    CHECK_OK(CryptReleaseContext(other, 0));

    CHECK_OK(CryptDestroyKey(sig));
    CHECK_OK(CryptDestroyKey(kx));
    CHECK_OK(CryptDestroyKey(rc4));
    CHECK_OK(CryptDestroyKey(aes));
}

/* A key made the same way each time: AES-128 from SHA-1("encrypt idiom"). */
static HCRYPTKEY idiom_key(HCRYPTPROV prov, ALG_ID alg)
{
    HCRYPTHASH h = 0;
    HCRYPTKEY k = 0;
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &h));
    CHECK_OK(CryptHashData(h, (const BYTE *)"encrypt idiom", 13, 0));
    CHECK_OK(CryptDeriveKey(prov, alg, h, 0, &k));
    CHECK_OK(CryptDestroyHash(h));
    return k;
}

static void encrypt_idiom(HCRYPTPROV prov, ALG_ID alg, DWORD block)
{
    BYTE plain[64], buf[96], ref[96];
    DWORD len, ref_len, needed, i;
    HCRYPTKEY key, fresh;

    fprintf(stderr, "encrypt idiom: alg 0x%04lx\n", (unsigned long)alg);
    for (i = 0; i < sizeof plain; i++)
        plain[i] = (BYTE)(i * 7 + 1);
    /* The reference: one block non-final, then 23 bytes final, with a fresh key. */
    fresh = idiom_key(prov, alg);
    memcpy(ref, plain, sizeof plain);
    ref_len = block;
    CHECK_OK(CryptEncrypt(fresh, 0, FALSE, 0, ref, &ref_len, sizeof ref));
    CHECK_EQ_U(ref_len, block);
    ref_len = 23;
    CHECK_OK(CryptEncrypt(fresh, 0, TRUE, 0, ref + block, &ref_len, sizeof ref - block));
    CHECK_OK(CryptDestroyKey(fresh));
    needed = block > 1 ? (23 / block + 1) * block : 23;
    CHECK_EQ_U(ref_len, needed);

    key = idiom_key(prov, alg);
    memcpy(buf, plain, sizeof plain);
    len = block;
    CHECK_OK(CryptEncrypt(key, 0, FALSE, 0, buf, &len, sizeof buf));
    /* NULL buffer: the size, TRUE, the key untouched. */
    len = 23;
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, NULL, &len, 0));
    CHECK_EQ_U(len, needed);
    /* dwBufLen one short: ERROR_MORE_DATA with the size; data and key untouched. */
    len = 23;
    if (needed > 23) {
        CHECK_ERR(CryptEncrypt(key, 0, TRUE, 0, buf + block, &len, needed - 1), ERROR_MORE_DATA);
        CHECK_EQ_U(len, needed);
        CHECK_MEM(buf + block, plain + block, 23);
        len = 23;
        CHECK_ERR(CryptEncrypt(key, 0, TRUE, 0, buf + block, &len, 22), ERROR_MORE_DATA);
        CHECK_EQ_U(len, needed);
        CHECK_MEM(buf + block, plain + block, 23);
    }
    /* Exactly the size: the same ciphertext as the fresh key's. */
    len = 23;
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, buf + block, &len, needed));
    CHECK_EQ_U(len, needed);
    CHECK_MEM(buf, ref, block + needed);
    /* And again (the Final call reset the key), into a larger buffer. */
    memcpy(buf, plain, sizeof plain);
    len = block;
    CHECK_OK(CryptEncrypt(key, 0, FALSE, 0, buf, &len, sizeof buf));
    len = 23;
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, buf + block, &len, sizeof buf - block));
    CHECK_EQ_U(len, needed);
    CHECK_MEM(buf, ref, block + needed);
    /* Decrypting it back. */
    len = block + needed;
    CHECK_OK(CryptDecrypt(key, 0, TRUE, 0, buf, &len));
    CHECK_EQ_U(len, block + 23);
    CHECK_MEM(buf, plain, block + 23);
    CHECK_OK(CryptDestroyKey(key));
}

static void test_encrypt(HCRYPTPROV prov)
{
    HCRYPTKEY kx = 0;
    BYTE buf[128];
    DWORD len;

    encrypt_idiom(prov, CALG_AES_128, 16);
    encrypt_idiom(prov, CALG_3DES, 8);
    encrypt_idiom(prov, CALG_RC2, 8);
    encrypt_idiom(prov, CALG_RC4, 1);

    /* RSA: the size is the modulus. */
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, 1024u << 16, &kx));
    len = 12;
    CHECK_OK(CryptEncrypt(kx, 0, TRUE, 0, NULL, &len, 0));
    CHECK_EQ_U(len, 128);
    memcpy(buf, "Wine rocks!", 12);
    len = 12;
    CHECK_ERR(CryptEncrypt(kx, 0, TRUE, 0, buf, &len, 42), ERROR_MORE_DATA);
    CHECK_EQ_U(len, 128);
    len = 12;
    CHECK_ERR(CryptEncrypt(kx, 0, TRUE, 0, buf, &len, 127), ERROR_MORE_DATA);
    CHECK_EQ_U(len, 128);
    len = 12;
    CHECK_OK(CryptEncrypt(kx, 0, TRUE, 0, buf, &len, 128));
    CHECK_EQ_U(len, 128);
    CHECK_OK(CryptDecrypt(kx, 0, TRUE, 0, buf, &len));
    CHECK_EQ_U(len, 12);
    CHECK_MEM(buf, "Wine rocks!", 12);
    CHECK_OK(CryptDestroyKey(kx));
}

int main(void)
{
    HCRYPTPROV prov = 0;
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "buffers: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_prov_params();
    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES,
                                  CRYPT_VERIFYCONTEXT));
    test_key_params(prov);
    test_hash_params(prov);
    test_export_and_sign(prov);
    test_encrypt(prov);
    CHECK_OK(CryptReleaseContext(prov, 0));
    return check_summary("buffers");
}
