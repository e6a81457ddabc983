/*
 * schannel.c - the RSA SChannel provider (PROV_RSA_SCHANNEL) through libwincrypt's C API:
 * Windows' known answers of Wine's test_schannel_provider (suite/tests/data/schannel-kat.json),
 * replayed call for call, then the C-side contracts of the SChannel calls.
 *
 * The Rust driver (ffi/tests/c_programs.rs) translates the JSON vectors into a line-based
 * file, passed as argv[1]: one vector per line,
 *
 *   vector <TAB> id { <TAB> key=value }
 *
 * with hex byte strings and decimal or 0x... numbers; the keys are those read in run_vector.
 *
 * Output: one line per vector, "ok" or "FAILED", the summary line
 *   schannel: <vectors> vectors, <passed> passed, <failed> failed
 * which the driver checks, and check_summary's totals.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "check.h"

#define MAX_FIELDS 32

struct rec {
    const char *id;
    char *key[MAX_FIELDS];
    char *value[MAX_FIELDS];
    int n;
};

static const char *get(const struct rec *r, const char *key)
{
    int i;
    for (i = 0; i < r->n; i++)
        if (strcmp(r->key[i], key) == 0)
            return r->value[i];
    fprintf(stderr, "%s: no field %s\n", r->id, key);
    check_failures++;
    return "";
}

static DWORD getu(const struct rec *r, const char *key)
{
    return (DWORD)strtoul(get(r, key), NULL, 0);
}

/* A hex field: malloc'd bytes (at least one allocated). */
static BYTE *gethex(const struct rec *r, const char *key, DWORD *len)
{
    const char *v = get(r, key);
    size_t n = strlen(v) / 2, i;
    BYTE *out = (BYTE *)malloc(n + 1);
    if (out == NULL) {
        *len = 0;
        return NULL;
    }
    for (i = 0; i < n; i++) {
        unsigned int b = 0;
        sscanf(v + 2 * i, "%2x", &b);
        out[i] = (BYTE)b;
    }
    *len = (DWORD)n;
    return out;
}

static int parse_line(char *line, struct rec *r)
{
    char *save = NULL, *tok;
    size_t len = strlen(line);
    if (len && line[len - 1] == '\n')
        line[len - 1] = '\0';
    tok = strtok_r(line, "\t", &save);
    if (tok == NULL || strcmp(tok, "vector") != 0)
        return 0;
    r->id = strtok_r(NULL, "\t", &save);
    if (r->id == NULL)
        return 0;
    r->n = 0;
    while ((tok = strtok_r(NULL, "\t", &save)) != NULL) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || r->n == MAX_FIELDS)
            return 0;
        *eq = '\0';
        r->key[r->n] = tok;
        r->value[r->n] = eq + 1;
        r->n++;
    }
    return 1;
}

static void expect_bytes(const char *what, const BYTE *got, DWORD got_len, const BYTE *want,
                         DWORD want_len)
{
    int same = got_len == want_len && memcmp(got, want, want_len) == 0;
    CHECK(same);
    if (!same) {
        fprintf(stderr, "    mismatch: %s\n", what);
        check_hex(stderr, "expected", want, want_len);
        check_hex(stderr, "got     ", got, got_len);
    }
}

static void set_alg(HCRYPTKEY key, DWORD use, ALG_ID alg, DWORD bits)
{
    SCHANNEL_ALG sa;
    sa.dwUse = use;
    sa.Algid = alg;
    sa.cBits = bits;
    sa.dwFlags = 0;
    sa.dwReserved = 0;
    CHECK_OK(CryptSetKeyParam(key, KP_SCHANNEL_ALG, (BYTE *)&sa, 0));
}

static void set_blob(HCRYPTKEY key, DWORD param, BYTE *bytes, DWORD len)
{
    CRYPT_DATA_BLOB blob;
    blob.cbData = len;
    blob.pbData = bytes;
    CHECK_OK(CryptSetKeyParam(key, param, (BYTE *)&blob, 0));
}

static void set_hash_blob(HCRYPTHASH hash, DWORD param, BYTE *bytes, DWORD len)
{
    CRYPT_DATA_BLOB blob;
    blob.cbData = len;
    blob.pbData = bytes;
    CHECK_OK(CryptSetHashParam(hash, param, (BYTE *)&blob, 0));
}

/* test_schannel_provider, with one vector's data. */
static void run_vector(const struct rec *r)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY pair = 0, master = 0, enc_key = 0, mac_key = 0;
    HCRYPTHASH master_hash = 0, prf = 0, hmac = 0;
    HMAC_INFO info;
    DWORD pair_len, master_len, client_len, server_len, plain_len, enc_want_len;
    DWORD seed_len, label_len, prf_want_len, mac_data_len, mac_want_len, len;
    BYTE *pair_blob = gethex(r, "exchange_pair", &pair_len);
    BYTE *master_blob = gethex(r, "master_blob", &master_len);
    BYTE *client = gethex(r, "client_random", &client_len);
    BYTE *server = gethex(r, "server_random", &server_len);
    BYTE *plain = gethex(r, "plaintext", &plain_len);
    BYTE *enc_want = gethex(r, "enc_expected", &enc_want_len);
    BYTE *seed = gethex(r, "prf_seed", &seed_len);
    BYTE *label = gethex(r, "prf_label", &label_len);
    BYTE *prf_want = gethex(r, "prf_expected", &prf_want_len);
    BYTE *mac_data = gethex(r, "mac_data", &mac_data_len);
    BYTE *mac_want = gethex(r, "mac_expected", &mac_want_len);
    DWORD prov_type = getu(r, "provider_type");
    DWORD buffer_len = getu(r, "buffer_len");
    DWORD prf_len = getu(r, "prf_len");
    BYTE buffer[256], out[256];

    CHECK(buffer_len <= sizeof buffer && prf_len <= sizeof out && plain_len <= buffer_len);
    if (buffer_len > sizeof buffer || prf_len > sizeof out || plain_len > buffer_len)
        goto done;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, prov_type,
                                  CRYPT_VERIFYCONTEXT | CRYPT_NEWKEYSET));
    CHECK_OK(CryptReleaseContext(prov, 0));
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, prov_type, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(prov, pair_blob, pair_len, 0, 0, &pair));
    CHECK_OK(CryptImportKey(prov, master_blob, master_len, pair, 0, &master));

    /* No master hash before the randoms. */
    CHECK_ERR(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, master, 0, &master_hash),
              getu(r, "err_master_hash"));
    set_blob(master, KP_CLIENT_RANDOM, client, client_len);
    set_blob(master, KP_SERVER_RANDOM, server, server_len);
    CHECK_OK(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, master, 0, &master_hash));
    /* No encryption key before KP_SCHANNEL_ALG. */
    CHECK_ERR(CryptDeriveKey(prov, CALG_SCHANNEL_ENC_KEY, master_hash, getu(r, "enc_flags"),
                             &enc_key),
              getu(r, "err_enc_key"));
    CHECK_OK(CryptDestroyHash(master_hash));
    master_hash = 0;

    set_alg(master, SCHANNEL_ENC_KEY, getu(r, "enc_alg"), getu(r, "enc_bits"));
    set_alg(master, SCHANNEL_MAC_KEY, getu(r, "mac_alg"), getu(r, "mac_bits"));
    CHECK_OK(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, master, 0, &master_hash));

    /* The server write key. */
    CHECK_OK(CryptDeriveKey(prov, CALG_SCHANNEL_ENC_KEY, master_hash, getu(r, "enc_flags"),
                            &enc_key));
    memset(buffer, 0, sizeof buffer);
    memcpy(buffer, plain, plain_len);
    len = plain_len;
    CHECK_OK(CryptEncrypt(enc_key, 0, TRUE, 0, buffer, &len, buffer_len));
    expect_bytes("server write key: CryptEncrypt", buffer, len, enc_want, enc_want_len);

    /* The TLS 1.0 PRF. */
    CHECK_OK(CryptCreateHash(prov, CALG_TLS1PRF, master, 0, &prf));
    set_hash_blob(prf, HP_TLS1PRF_SEED, seed, seed_len);
    set_hash_blob(prf, HP_TLS1PRF_LABEL, label, label_len);
    len = prf_len;
    CHECK_OK(CryptGetHashParam(prf, HP_HASHVAL, out, &len, 0));
    expect_bytes("CALG_TLS1PRF: HP_HASHVAL", out, len, prf_want, prf_want_len);

    /* The server write MAC key, as an HMAC key. */
    CHECK_OK(CryptDeriveKey(prov, CALG_SCHANNEL_MAC_KEY, master_hash, getu(r, "mac_flags"),
                            &mac_key));
    CHECK_OK(CryptCreateHash(prov, CALG_HMAC, mac_key, 0, &hmac));
    memset(&info, 0, sizeof info);
    info.HashAlgid = getu(r, "hmac_hash");
    CHECK_OK(CryptSetHashParam(hmac, HP_HMAC_INFO, (BYTE *)&info, 0));
    CHECK_OK(CryptHashData(hmac, mac_data, mac_data_len, 0));
    len = sizeof out;
    CHECK_OK(CryptGetHashParam(hmac, HP_HASHVAL, out, &len, 0));
    expect_bytes("server MAC key: CALG_HMAC", out, len, mac_want, mac_want_len);

done:
    if (hmac)
        CHECK_OK(CryptDestroyHash(hmac));
    if (prf)
        CHECK_OK(CryptDestroyHash(prf));
    if (master_hash)
        CHECK_OK(CryptDestroyHash(master_hash));
    if (mac_key)
        CHECK_OK(CryptDestroyKey(mac_key));
    if (enc_key)
        CHECK_OK(CryptDestroyKey(enc_key));
    if (pair)
        CHECK_OK(CryptDestroyKey(pair));
    if (master)
        CHECK_OK(CryptDestroyKey(master));
    if (prov)
        CHECK_OK(CryptReleaseContext(prov, 0));
    free(pair_blob);
    free(master_blob);
    free(client);
    free(server);
    free(plain);
    free(enc_want);
    free(seed);
    free(label);
    free(prf_want);
    free(mac_data);
    free(mac_want);
}

/* The C side of the SChannel calls: buffers, lengths, refusals. */
static void test_contracts(void)
{
    static const BYTE pre[48] = {3, 1, 7, 7, 7};
    BYTE blob[8 + 4 + 48];
    BYTE random[32], out[300], again[300], exported[200];
    HCRYPTPROV prov = 0, strong = 0;
    HCRYPTKEY master = 0, rc4 = 0, copy = 0, pair = 0, reimported = 0;
    HCRYPTHASH master_hash = 0, prf = 0, dup = 0, md5 = 0;
    DWORD len, i, value, exported_len;
    SCHANNEL_ALG sa;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_DEF_RSA_SCHANNEL_PROV_A, PROV_RSA_SCHANNEL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_ERR(CryptAcquireContextA(&strong, NULL, MS_DEF_RSA_SCHANNEL_PROV_A, PROV_RSA_FULL,
                                   CRYPT_VERIFYCONTEXT),
              NTE_PROV_TYPE_NO_MATCH);
    len = sizeof value;
    CHECK_OK(CryptGetProvParam(prov, PP_PROVTYPE, (BYTE *)&value, &len, 0));
    CHECK_EQ_U(value, PROV_RSA_SCHANNEL);

    /* A master key from a PLAINTEXTKEYBLOB, so that it is exportable and known. */
    blob[0] = PLAINTEXTKEYBLOB;
    blob[1] = CUR_BLOB_VERSION;
    blob[2] = blob[3] = 0;
    blob[4] = CALG_TLS1_MASTER & 0xff;
    blob[5] = (CALG_TLS1_MASTER >> 8) & 0xff;
    blob[6] = blob[7] = 0;
    blob[8] = 48;
    blob[9] = blob[10] = blob[11] = 0;
    memcpy(blob + 12, pre, sizeof pre);
    CHECK_OK(CryptImportKey(prov, blob, sizeof blob, 0, CRYPT_EXPORTABLE, &master));
    len = sizeof value;
    CHECK_OK(CryptGetKeyParam(master, KP_KEYLEN, (BYTE *)&value, &len, 0));
    CHECK_EQ_U(value, 384);

    /* The SChannel parameters go to master keys only. */
    CHECK_OK(CryptGenKey(prov, CALG_RC4, 0, &rc4));
    {
        CRYPT_DATA_BLOB data;
        memset(random, 0x11, sizeof random);
        data.cbData = sizeof random;
        data.pbData = random;
        CHECK_ERR(CryptSetKeyParam(rc4, KP_CLIENT_RANDOM, (BYTE *)&data, 0), NTE_BAD_TYPE);
        CHECK_ERR(CryptSetKeyParam(master, KP_CLIENT_RANDOM, NULL, 0), ERROR_INVALID_PARAMETER);
        CHECK_ERR(CryptSetKeyParam(master, KP_CLIENT_RANDOM, (BYTE *)&data, 1), NTE_BAD_FLAGS);
    }
    memset(&sa, 0, sizeof sa);
    sa.dwUse = 7;
    sa.Algid = CALG_DES;
    sa.cBits = 64;
    CHECK_ERR(CryptSetKeyParam(master, KP_SCHANNEL_ALG, (BYTE *)&sa, 0), NTE_FAIL);
    CHECK_ERR(CryptCreateHash(prov, CALG_TLS1PRF, master, 0, &prf), NTE_BAD_KEY_STATE);
    CHECK_ERR(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, rc4, 0, &master_hash),
              NTE_BAD_KEY);
    CHECK_ERR(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, 0, 0, &master_hash), NTE_BAD_KEY);
    CHECK_ERR(CryptCreateHash(prov, CALG_MD2, 0, 0, &md5), NTE_BAD_ALGID);

    memset(random, 0x11, sizeof random);
    set_blob(master, KP_CLIENT_RANDOM, random, sizeof random);
    memset(random, 0x22, sizeof random);
    set_blob(master, KP_SERVER_RANDOM, random, sizeof random);
    set_alg(master, SCHANNEL_ENC_KEY, CALG_RC4, 128);
    set_alg(master, SCHANNEL_MAC_KEY, CALG_SHA1, 160);
    CHECK_OK(CryptCreateHash(prov, CALG_SCHANNEL_MASTER_HASH, master, 0, &master_hash));
    CHECK_ERR(CryptHashData(master_hash, random, 4, 0), NTE_BAD_ALGID);
    value = 0xdeadbeefu;
    len = sizeof value;
    CHECK_OK(CryptGetHashParam(master_hash, HP_HASHSIZE, (BYTE *)&value, &len, 0));
    CHECK_EQ_U(value, 0);
    CHECK_ERR(CryptDeriveKey(prov, CALG_SCHANNEL_ENC_KEY, master_hash, 0x8000, &copy),
              NTE_BAD_FLAGS);

    /* The PRF: any length, the size query leaves the length alone, a prefix of a longer
     * output, a duplicate that gives the same bytes. */
    CHECK_OK(CryptCreateHash(prov, CALG_TLS1PRF, master, 0, &prf));
    set_hash_blob(prf, HP_TLS1PRF_LABEL, (BYTE *)"client finished", 15);
    set_hash_blob(prf, HP_TLS1PRF_SEED, random, sizeof random);
    len = 1234;
    CHECK_OK(CryptGetHashParam(prf, HP_HASHVAL, NULL, &len, 0));
    CHECK_EQ_U(len, 1234);
    len = sizeof out;
    CHECK_OK(CryptGetHashParam(prf, HP_HASHVAL, out, &len, 0));
    CHECK_EQ_U(len, sizeof out);
    for (i = 0; i <= 200; i += 13) {
        memset(again, 0xee, sizeof again);
        len = i;
        CHECK_OK(CryptGetHashParam(prf, HP_HASHVAL, again, &len, 0));
        CHECK_EQ_U(len, i);
        CHECK_MEM(again, out, i);
        CHECK_EQ_U(again[i], 0xee);
    }
    CHECK_OK(CryptDuplicateHash(prf, NULL, 0, &dup));
    len = 40;
    CHECK_OK(CryptGetHashParam(dup, HP_HASHVAL, again, &len, 0));
    CHECK_MEM(again, out, 40);
    CHECK_ERR(CryptGetHashParam(prf, HP_HASHVAL, again, &len, 1), NTE_BAD_FLAGS);
    CHECK_ERR(CryptGetHashParam(prf, HP_HASHVAL, again, NULL, 0), ERROR_INVALID_PARAMETER);

    /* A duplicate master key derives the same keys; the master key exports its master
     * secret (no longer the pre-master secret) and travels as a SIMPLEBLOB. */
    CHECK_OK(CryptDuplicateKey(master, NULL, 0, &copy));
    len = sizeof out;
    CHECK_OK(CryptExportKey(copy, 0, PLAINTEXTKEYBLOB, 0, out, &len));
    CHECK_EQ_U(len, 12 + 48);
    CHECK(memcmp(out + 12, pre, 48) != 0);
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, 512 << 16, &pair));
    exported_len = sizeof exported;
    CHECK_OK(CryptExportKey(master, pair, SIMPLEBLOB, 0, exported, &exported_len));
    CHECK_EQ_U(exported_len, 8 + 4 + 64);
    CHECK_OK(CryptImportKey(prov, exported, exported_len, pair, CRYPT_EXPORTABLE, &reimported));
    len = sizeof again;
    CHECK_OK(CryptExportKey(reimported, 0, PLAINTEXTKEYBLOB, 0, again, &len));
    CHECK_EQ_U(len, 12 + 48);
    CHECK_MEM(again + 12, out + 12, 48);

    if (dup)
        CHECK_OK(CryptDestroyHash(dup));
    if (prf)
        CHECK_OK(CryptDestroyHash(prf));
    if (master_hash)
        CHECK_OK(CryptDestroyHash(master_hash));
    if (reimported)
        CHECK_OK(CryptDestroyKey(reimported));
    if (pair)
        CHECK_OK(CryptDestroyKey(pair));
    if (copy)
        CHECK_OK(CryptDestroyKey(copy));
    if (rc4)
        CHECK_OK(CryptDestroyKey(rc4));
    if (master)
        CHECK_OK(CryptDestroyKey(master));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

int main(int argc, char **argv)
{
    FILE *in;
    char *line = NULL;
    size_t cap = 0;
    unsigned long vectors = 0, passed = 0, failed = 0;
    static struct rec r;

    if (argc < 2) {
        fprintf(stderr, "usage: schannel VECTORS-FILE\n");
        return 2;
    }
    in = fopen(argv[1], "r");
    if (in == NULL) {
        perror(argv[1]);
        return 2;
    }
    while (getline(&line, &cap, in) > 0) {
        unsigned long before = check_failures;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!parse_line(line, &r)) {
            fprintf(stderr, "bad line: %s\n", line);
            check_failures++;
            continue;
        }
        run_vector(&r);
        vectors++;
        if (check_failures == before) {
            passed++;
            printf("ok %s\n", r.id);
        } else {
            failed++;
            printf("FAILED %s\n", r.id);
        }
    }
    free(line);
    fclose(in);
    printf("schannel: %lu vectors, %lu passed, %lu failed\n", vectors, passed, failed);
    test_contracts();
    return check_summary("schannel");
}
