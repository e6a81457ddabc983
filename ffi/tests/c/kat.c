/*
 * kat.c - Windows' known answers (suite/tests/data/windows-kat.json), run
 * through libwincrypt's C API.
 *
 * The Rust driver (ffi/tests/c_programs.rs) translates the JSON vectors into a
 * line-based file, passed as argv[1].  Each line is one vector on one provider:
 *
 *   case <TAB> vector-number <TAB> id <TAB> op <TAB> provider-type <TAB>
 *        provider-name-or-"-" { <TAB> key=value }
 *
 * Values are decimal numbers (or 0x... hex numbers), hex byte strings, or "-"
 * for an empty byte string.  The ops and their fields are described at each
 * op_* function below; the key-making fields (key=derive|plain|simple|blob and
 * the checks on the key) at make_key.  Every case runs in a fresh
 * CRYPT_VERIFYCONTEXT of its provider (plus named containers where an op needs
 * one).  Hashes, HMACs and MACs are also fed in chunks of 1 to 17 bytes; every
 * ciphertext is decrypted back, with the same key and with a fresh one.
 *
 * Output: one line per case, "ok" or "FAILED", and the summary line
 *   kat: <cases> cases, <vectors> vectors, <passed> vectors passed, <failed> failed
 * which the driver checks against the number of vectors it translated.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "check.h"

#define MAX_FIELDS 64

struct field {
    char *key;
    char *value;
};

struct rec {
    long vector;
    const char *id;
    const char *op;
    DWORD prov_type;
    const char *prov_name; /* NULL: the type's default */
    struct field f[MAX_FIELDS];
    int n;
    HCRYPTPROV prov;
};

/* ---- fields ------------------------------------------------------------------ */

static const char *get(const struct rec *r, const char *key)
{
    int i;
    for (i = 0; i < r->n; i++)
        if (strcmp(r->f[i].key, key) == 0)
            return r->f[i].value;
    return NULL;
}

static int has(const struct rec *r, const char *key)
{
    return get(r, key) != NULL;
}

static DWORD getu(const struct rec *r, const char *key, DWORD dflt)
{
    const char *v = get(r, key);
    return v ? (DWORD)strtoul(v, NULL, 0) : dflt;
}

/* A hex field: malloc'd bytes (at least one byte allocated), or NULL when absent. */
static BYTE *gethex(const struct rec *r, const char *key, DWORD *len)
{
    const char *v = get(r, key);
    size_t n, i;
    BYTE *out;
    *len = 0;
    if (v == NULL)
        return NULL;
    if (strcmp(v, "-") == 0)
        v = "";
    n = strlen(v) / 2;
    out = (BYTE *)malloc(n + 1);
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        unsigned int b = 0;
        sscanf(v + 2 * i, "%2x", &b);
        out[i] = (BYTE)b;
    }
    *len = (DWORD)n;
    return out;
}

static void print_hex(const char *label, const BYTE *p, DWORD n)
{
    DWORD i;
    fprintf(stderr, "    %s (%lu): ", label, (unsigned long)n);
    for (i = 0; i < n; i++)
        fprintf(stderr, "%02x", p[i]);
    fputc('\n', stderr);
}

/* Compares with the expected bytes, printing both on a mismatch. */
static void expect_bytes(const char *what, const BYTE *got, DWORD got_len, const BYTE *want,
                         DWORD want_len)
{
    int same = got_len == want_len && memcmp(got, want, want_len) == 0;
    CHECK(same);
    if (!same) {
        fprintf(stderr, "    mismatch: %s\n", what);
        print_hex("expected", want, want_len);
        print_hex("got     ", got, got_len);
    }
}

/* ---- small helpers --------------------------------------------------------------- */

static DWORD dword_param_key(HCRYPTKEY key, DWORD param)
{
    DWORD v = 0xdeadbeefu, len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, param, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(len, 4);
    return v;
}

static DWORD hash_size(HCRYPTHASH h)
{
    DWORD v = 0, len = sizeof v;
    CHECK_OK(CryptGetHashParam(h, HP_HASHSIZE, (BYTE *)&v, &len, 0));
    return v;
}

/* HP_HASHVAL into a malloc'd buffer (size query first). */
static BYTE *hash_value(HCRYPTHASH h, DWORD *len)
{
    BYTE *out;
    *len = 0;
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, NULL, len, 0));
    out = (BYTE *)malloc(*len + 1);
    CHECK(out != NULL);
    CHECK_OK(CryptGetHashParam(h, HP_HASHVAL, out, len, 0));
    return out;
}

/* KP_SALT into a malloc'd buffer. */
static BYTE *key_salt(HCRYPTKEY key, DWORD *len)
{
    BYTE *out;
    *len = 0;
    CHECK_OK(CryptGetKeyParam(key, KP_SALT, NULL, len, 0));
    out = (BYTE *)malloc(*len + 1);
    CHECK(out != NULL);
    CHECK_OK(CryptGetKeyParam(key, KP_SALT, out, len, 0));
    return out;
}

/* A PUBLICKEYBLOB export into buf (at least 600 bytes). */
static DWORD public_blob(HCRYPTKEY key, BYTE *buf)
{
    DWORD len = 600;
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, buf, &len));
    return len;
}

static void put_dword(BYTE *p, DWORD v)
{
    p[0] = (BYTE)v;
    p[1] = (BYTE)(v >> 8);
    p[2] = (BYTE)(v >> 16);
    p[3] = (BYTE)(v >> 24);
}

static DWORD dword_at(const BYTE *p)
{
    return (DWORD)p[0] | (DWORD)p[1] << 8 | (DWORD)p[2] << 16 | (DWORD)p[3] << 24;
}

/* A blob header: type, version 2, reserved 0, algorithm. */
static void blob_header(BYTE *p, BYTE type, ALG_ID alg)
{
    p[0] = type;
    p[1] = CUR_BLOB_VERSION;
    p[2] = p[3] = 0;
    put_dword(p + 4, alg);
}

static HCRYPTPROV acquire_like(const struct rec *r)
{
    HCRYPTPROV p = 0;
    CHECK_OK(CryptAcquireContextA(&p, NULL, r->prov_name, r->prov_type, CRYPT_VERIFYCONTEXT));
    return p;
}

/* The context's exchange pair, generated (512 bits) when it has none. */
static HCRYPTKEY exchange_pair(HCRYPTPROV prov)
{
    HCRYPTKEY k = 0;
    if (!CryptGetUserKey(prov, AT_KEYEXCHANGE, &k)) {
        CHECK_EQ_U(GetLastError(), NTE_NO_KEY);
        CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, 512u << 16, &k));
    }
    return k;
}

/* ---- keys ------------------------------------------------------------------------ */

/*
 * Makes the case's key in `prov`:
 *   key=derive  kd_hash kd_input kd_alg kd_flags   CryptDeriveKey from a hash of kd_input;
 *   key=plain   kp_blob kp_flags                   CryptImportKey of a PLAINTEXTKEYBLOB;
 *   key=simple  ks_alg ks_key ks_flags ks_oaep     ks_key RSA-encrypted (CryptEncrypt) with
 *               the context's exchange pair, wrapped in a SIMPLEBLOB and imported with it;
 *               plain_refused=1: the same bytes as a PLAINTEXTKEYBLOB are refused;
 *               enc_bad_key=1: encrypting with it is NTE_BAD_KEY (data untouched);
 *               genlim=<ok>:<refused>: CryptGenKey(ks_alg) on PROV_RSA_AES takes <ok> bits
 *               but not <refused>;
 *   key=blob    kb_blob kb_flags                   CryptImportKey of an RSA blob.
 * then set_efflen [set_efflen_err] (KP_EFFECTIVE_KEYLEN), and the checks keybits, efflen,
 * salt (hex or "-"), salt_hash=<n> (n bytes of the base hash after the key bytes), and, for
 * the ciphers, mode [mode_set mode_bits] and iv (hex, set when not zero; "-": none).
 */
static HCRYPTKEY make_key(const struct rec *r, HCRYPTPROV prov, int cipher)
{
    const char *how = get(r, "key");
    HCRYPTKEY key = 0;
    BYTE *base = NULL;
    DWORD base_len = 0;
    ALG_ID want_alg = 0;

    if (how == NULL) {
        CHECK(!"no key in the case");
        return 0;
    }
    if (strcmp(how, "derive") == 0) {
        HCRYPTHASH h = 0;
        DWORD n = 0;
        BYTE *input = gethex(r, "kd_input", &n);
        want_alg = getu(r, "kd_alg", 0);
        CHECK_OK(CryptCreateHash(prov, getu(r, "kd_hash", 0), 0, 0, &h));
        CHECK_OK(CryptHashData(h, input, n, 0));
        CHECK_OK(CryptDeriveKey(prov, want_alg, h, getu(r, "kd_flags", 0), &key));
        /* The base hash can still be read after the derivation. */
        base = hash_value(h, &base_len);
        CHECK_OK(CryptDestroyHash(h));
        free(input);
    } else if (strcmp(how, "plain") == 0) {
        DWORD n = 0;
        BYTE *blob = gethex(r, "kp_blob", &n);
        want_alg = n >= 8 ? dword_at(blob + 4) : 0;
        CHECK_OK(CryptImportKey(prov, blob, n, 0, getu(r, "kp_flags", 0), &key));
        if (has(r, "keybits") && n >= 12)
            CHECK_EQ_U(dword_at(blob + 8) * 8, getu(r, "keybits", 0));
        free(blob);
    } else if (strcmp(how, "simple") == 0) {
        DWORD n = 0, len, modulus, flags = getu(r, "ks_flags", 0);
        BYTE *plain = gethex(r, "ks_key", &n);
        BYTE blob[8 + 4 + 512];
        int oaep = getu(r, "ks_oaep", 0) != 0;
        HCRYPTKEY xchg = exchange_pair(prov);
        want_alg = getu(r, "ks_alg", 0);
        modulus = dword_param_key(xchg, KP_BLOCKLEN) / 8;
        memcpy(blob + 12, plain, n);
        len = n;
        CHECK_OK(CryptEncrypt(xchg, 0, TRUE, oaep ? CRYPT_OAEP : 0, blob + 12, &len, modulus));
        CHECK_EQ_U(len, modulus);
        blob_header(blob, SIMPLEBLOB, want_alg);
        put_dword(blob + 8, CALG_RSA_KEYX);
        if (getu(r, "plain_refused", 0)) {
            BYTE pblob[12 + 512];
            HCRYPTKEY refused = 0;
            blob_header(pblob, PLAINTEXTKEYBLOB, want_alg);
            put_dword(pblob + 8, n);
            memcpy(pblob + 12, plain, n);
            CHECK(!CryptImportKey(prov, pblob, 12 + n, 0, flags, &refused));
            CHECK(refused == 0);
        }
        CHECK_OK(CryptImportKey(prov, blob, 12 + modulus, xchg, flags | (oaep ? CRYPT_OAEP : 0),
                                &key));
        if (getu(r, "enc_bad_key", 0)) {
            int final;
            for (final = 0; final < 2; final++) {
                BYTE data[16];
                DWORD dlen = 8;
                memset(data, 0xcc, sizeof data);
                CHECK_ERR(CryptEncrypt(key, 0, final, 0, data, &dlen, sizeof data), NTE_BAD_KEY);
                CHECK(data[0] == 0xcc && data[7] == 0xcc);
            }
        }
        if (has(r, "genlim")) {
            const char *lim = get(r, "genlim");
            DWORD ok_bits = (DWORD)strtoul(lim, NULL, 10);
            const char *colon = strchr(lim, ':');
            DWORD bad_bits = colon ? (DWORD)strtoul(colon + 1, NULL, 10) : 0;
            HCRYPTPROV aes = 0;
            HCRYPTKEY k = 0;
            CHECK_OK(CryptAcquireContextA(&aes, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
            CHECK_OK(CryptGenKey(aes, want_alg, ok_bits << 16, &k));
            CHECK_OK(CryptDestroyKey(k));
            CHECK(!CryptGenKey(aes, want_alg, bad_bits << 16, &k));
            CHECK_OK(CryptReleaseContext(aes, 0));
        }
        CHECK_OK(CryptDestroyKey(xchg));
        free(plain);
    } else if (strcmp(how, "blob") == 0) {
        DWORD n = 0;
        BYTE *blob = gethex(r, "kb_blob", &n);
        want_alg = n >= 8 ? dword_at(blob + 4) : 0;
        CHECK_OK(CryptImportKey(prov, blob, n, 0, getu(r, "kb_flags", 0), &key));
        free(blob);
    } else {
        CHECK(!"unknown key kind");
    }
    if (key == 0) {
        free(base);
        return 0;
    }
    if (want_alg != 0 && strcmp(how, "blob") != 0)
        CHECK_EQ_U(dword_param_key(key, KP_ALGID), want_alg);

    if (has(r, "set_efflen")) {
        DWORD bits = getu(r, "set_efflen", 0);
        if (has(r, "set_efflen_err"))
            CHECK_ERR(CryptSetKeyParam(key, KP_EFFECTIVE_KEYLEN, (const BYTE *)&bits, 0),
                      getu(r, "set_efflen_err", 0));
        else
            CHECK_OK(CryptSetKeyParam(key, KP_EFFECTIVE_KEYLEN, (const BYTE *)&bits, 0));
    }
    if (has(r, "keybits")) {
        DWORD want = getu(r, "keybits", 0), got = dword_param_key(key, KP_KEYLEN);
        /* DES and triple DES: nominal bits (56, 112, 168) or stored bits (parity included). */
        int ok = got == want || (want == 56 && got == 64) || (want == 112 && got == 128) ||
                 (want == 168 && got == 192);
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "    KP_KEYLEN: expected %lu got %lu\n", (unsigned long)want,
                    (unsigned long)got);
    }
    if (has(r, "efflen"))
        CHECK_EQ_U(dword_param_key(key, KP_EFFECTIVE_KEYLEN), getu(r, "efflen", 0));
    if (has(r, "salt") || has(r, "salt_hash")) {
        DWORD got_len = 0, want_len = 0;
        BYTE *got = key_salt(key, &got_len);
        if (has(r, "salt")) {
            BYTE *want = gethex(r, "salt", &want_len);
            expect_bytes("KP_SALT", got, got_len, want, want_len);
            free(want);
        } else {
            DWORD n = getu(r, "salt_hash", 0);
            DWORD start = dword_param_key(key, KP_KEYLEN) / 8;
            CHECK(base != NULL && start + n <= base_len);
            if (base != NULL && start + n <= base_len)
                expect_bytes("KP_SALT (from the base hash)", got, got_len, base + start, n);
        }
        free(got);
    }
    free(base);

    if (cipher && has(r, "mode")) {
        DWORD mode = getu(r, "mode", 0);
        if (getu(r, "mode_set", 0))
            CHECK_OK(CryptSetKeyParam(key, KP_MODE, (const BYTE *)&mode, 0));
        CHECK_EQ_U(dword_param_key(key, KP_MODE), mode);
        if (has(r, "mode_bits"))
            CHECK_EQ_U(dword_param_key(key, KP_MODE_BITS), getu(r, "mode_bits", 0));
    }
    if (cipher && has(r, "iv")) {
        DWORD want_len = 0, got_len = 0, i;
        BYTE *want = gethex(r, "iv", &want_len);
        BYTE got[64];
        int zero = 1;
        for (i = 0; i < want_len; i++)
            zero &= want[i] == 0;
        if (!zero)
            CHECK_OK(CryptSetKeyParam(key, KP_IV, want, 0));
        got_len = sizeof got;
        CHECK_OK(CryptGetKeyParam(key, KP_IV, got, &got_len, 0));
        expect_bytes("KP_IV", got, got_len, want, want_len);
        free(want);
    }
    return key;
}

/* KP_ALGID / KP_PERMISSIONS the notes state (chk_algid, chk_perms). */
static void noted_key_params(const struct rec *r, HCRYPTKEY key)
{
    if (has(r, "chk_algid"))
        CHECK_EQ_U(dword_param_key(key, KP_ALGID), getu(r, "chk_algid", 0));
    if (has(r, "chk_perms"))
        CHECK_EQ_U(dword_param_key(key, KP_PERMISSIONS), getu(r, "chk_perms", 0));
}

/* ---- hash, hmac, mac ---------------------------------------------------------------- */

/* Feeds data into h in chunks of `chunk` bytes (0: one call). */
static void feed(HCRYPTHASH h, const BYTE *data, DWORD n, DWORD chunk)
{
    DWORD off = 0;
    if (chunk == 0 || chunk > n)
        chunk = n;
    if (n == 0)
        CHECK_OK(CryptHashData(h, data, 0, 0));
    while (off < n) {
        DWORD part = n - off < chunk ? n - off : chunk;
        CHECK_OK(CryptHashData(h, data + off, part, 0));
        off += part;
    }
}

/*
 * hash: alg data expected [hflags]; [dup_at f1 f2]: the first dup_at bytes (flags f1) go to
 * the hash, which is then duplicated; the clone gets the rest (flags f2) and is read.
 */
static void op_hash(const struct rec *r)
{
    DWORD n = 0, want_len = 0, got_len = 0, got2_len = 0, chunk;
    BYTE *data = gethex(r, "data", &n), *want = gethex(r, "expected", &want_len);
    BYTE *got, *got2;
    ALG_ID alg = getu(r, "alg", 0);
    HCRYPTHASH h = 0, clone = 0, read;

    CHECK_OK(CryptCreateHash(r->prov, alg, 0, 0, &h));
    CHECK_EQ_U(hash_size(h), want_len);
    if (has(r, "dup_at")) {
        DWORD at = getu(r, "dup_at", 0);
        CHECK(at <= n);
        CHECK_OK(CryptHashData(h, data, at, getu(r, "f1", 0)));
        CHECK_OK(CryptDuplicateHash(h, NULL, 0, &clone));
        CHECK_OK(CryptHashData(clone, data + at, n - at, getu(r, "f2", 0)));
        /* The original goes on independently. */
        CHECK_OK(CryptHashData(h, (const BYTE *)"x", 1, 0));
        read = clone;
    } else {
        CHECK_OK(CryptHashData(h, data, n, getu(r, "hflags", 0)));
        read = h;
    }
    got = hash_value(read, &got_len);
    expect_bytes("HP_HASHVAL", got, got_len, want, want_len);
    /* Finished: more data is refused and the value stays. */
    CHECK_ERR(CryptHashData(read, data, n < 4 ? n : 4, 0), NTE_BAD_HASH_STATE);
    got2 = hash_value(read, &got2_len);
    expect_bytes("HP_HASHVAL read again", got2, got2_len, want, want_len);
    free(got);
    free(got2);
    if (clone)
        CHECK_OK(CryptDestroyHash(clone));
    CHECK_OK(CryptDestroyHash(h));

    for (chunk = 1; chunk <= 17; chunk++) {
        CHECK_OK(CryptCreateHash(r->prov, alg, 0, 0, &h));
        feed(h, data, n, chunk);
        got = hash_value(h, &got_len);
        expect_bytes("HP_HASHVAL, data in chunks", got, got_len, want, want_len);
        free(got);
        CHECK_OK(CryptDestroyHash(h));
    }
    free(data);
    free(want);
}

/* refuse_hash: alg - a PROV_RSA_FULL provider refuses SHA-2 (NTE_BAD_ALGID). */
static void op_refuse_hash(const struct rec *r)
{
    HCRYPTHASH h = 1;
    CHECK_ERR(CryptCreateHash(r->prov, getu(r, "alg", 0), 0, 0, &h), NTE_BAD_ALGID);
    CHECK_NO_NEW_HANDLE(h, 1);
}

/* hmac: key... halg data expected [inner outer]: the pad strings, that many zero bytes. */
static void op_hmac(const struct rec *r)
{
    DWORD n = 0, want_len = 0, chunk;
    BYTE *data = gethex(r, "data", &n), *want = gethex(r, "expected", &want_len);
    DWORD inner_len = getu(r, "inner", 0), outer_len = getu(r, "outer", 0);
    BYTE *inner = (BYTE *)calloc(inner_len + 1, 1), *outer = (BYTE *)calloc(outer_len + 1, 1);
    HCRYPTKEY key = make_key(r, r->prov, 0);
    HMAC_INFO info;

    memset(&info, 0, sizeof info);
    info.HashAlgid = getu(r, "halg", 0);
    if (has(r, "inner")) {
        info.pbInnerString = inner;
        info.cbInnerString = inner_len;
        info.pbOuterString = outer;
        info.cbOuterString = outer_len;
    }
    for (chunk = 0; chunk <= 17 && key != 0; chunk++) {
        HCRYPTHASH h = 0;
        DWORD got_len = 0;
        BYTE *got;
        CHECK_OK(CryptCreateHash(r->prov, CALG_HMAC, key, 0, &h));
        CHECK_OK(CryptSetHashParam(h, HP_HMAC_INFO, (const BYTE *)&info, 0));
        CHECK_EQ_U(hash_size(h), want_len);
        feed(h, data, n, chunk);
        got = hash_value(h, &got_len);
        expect_bytes(chunk ? "HMAC, data in chunks" : "HMAC", got, got_len, want, want_len);
        free(got);
        CHECK_OK(CryptDestroyHash(h));
    }
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    free(inner);
    free(outer);
    free(data);
    free(want);
}

/*
 * mac: key... (cipher) malg data expected [hcalls=off:len;...] [history=step,...]
 * The history replays the recorded calls on the key around the MAC:
 *   E<final>:<hex>[:S]   CryptEncrypt of those bytes (S: keep the output as the buffer)
 *   D<final>:<hex>[:S]   CryptDecrypt
 *   E<final>:@<off>:<len> / D...   of bytes of the buffer, written back in place
 *   C  CryptCreateHash(malg, key)    H  CryptHashData of the data (hcalls)
 *   V  CryptGetHashParam(HP_HASHVAL), compared
 */
static void op_mac(const struct rec *r)
{
    DWORD n = 0, want_len = 0, chunk, saved_len = 0;
    BYTE *data = gethex(r, "data", &n), *want = gethex(r, "expected", &want_len);
    BYTE saved[1024];
    ALG_ID alg = getu(r, "malg", CALG_MAC);
    HCRYPTKEY key = make_key(r, r->prov, 1);
    HCRYPTHASH h = 0;
    const char *history = get(r, "history");
    const char *hcalls = get(r, "hcalls");
    char steps[4096];
    char *step, *save = NULL;
    int read = 0;

    if (key == 0)
        goto out;
    snprintf(steps, sizeof steps, "%s", history ? history : "C,H,V");
    for (step = strtok_r(steps, ",", &save); step != NULL; step = strtok_r(NULL, ",", &save)) {
        if (step[0] == 'E' || step[0] == 'D') {
            BOOL final = step[1] == '1';
            BYTE buf[1024];
            DWORD len = 0, off = 0;
            int from_saved = step[3] == '@';
            if (from_saved) {
                off = (DWORD)strtoul(step + 4, NULL, 10);
                len = (DWORD)strtoul(strchr(step + 4, ':') + 1, NULL, 10);
                CHECK(off + len <= saved_len);
                memcpy(buf, saved + off, len);
            } else {
                const char *hex = step + 3;
                while (hex[2 * len] && hex[2 * len] != ':' && len < 900) {
                    unsigned int b = 0;
                    sscanf(hex + 2 * len, "%2x", &b);
                    buf[len] = (BYTE)b;
                    len++;
                }
            }
            if (step[0] == 'E')
                CHECK_OK(CryptEncrypt(key, 0, final, 0, buf, &len, sizeof buf));
            else
                CHECK_OK(CryptDecrypt(key, 0, final, 0, buf, &len));
            if (from_saved) {
                memcpy(saved + off, buf, len);
            } else if (strstr(step + 3, ":S") != NULL) {
                memcpy(saved, buf, len);
                saved_len = len;
            }
        } else if (step[0] == 'C') {
            CHECK_OK(CryptCreateHash(r->prov, alg, key, 0, &h));
        } else if (step[0] == 'H') {
            if (hcalls == NULL) {
                CHECK_OK(CryptHashData(h, data, n, 0));
            } else {
                char calls[512];
                char *c, *cs = NULL;
                snprintf(calls, sizeof calls, "%s", hcalls);
                for (c = strtok_r(calls, ";", &cs); c; c = strtok_r(NULL, ";", &cs)) {
                    DWORD off = (DWORD)strtoul(c, NULL, 10);
                    DWORD len = (DWORD)strtoul(strchr(c, ':') + 1, NULL, 10);
                    CHECK(off + len <= n);
                    CHECK_OK(CryptHashData(h, data + off, len, 0));
                }
            }
        } else if (step[0] == 'V') {
            DWORD got_len = 0;
            BYTE *got;
            CHECK_EQ_U(hash_size(h), want_len);
            got = hash_value(h, &got_len);
            expect_bytes("MAC (recorded call sequence)", got, got_len, want, want_len);
            free(got);
            CHECK_ERR(CryptHashData(h, data, 1, 0), NTE_BAD_HASH_STATE);
            read = 1;
        } else {
            CHECK(!"unknown history step");
        }
    }
    CHECK(read);
    if (h)
        CHECK_OK(CryptDestroyHash(h));
    for (chunk = 1; chunk <= 17; chunk++) {
        DWORD got_len = 0;
        BYTE *got;
        CHECK_OK(CryptCreateHash(r->prov, alg, key, 0, &h));
        feed(h, data, n, chunk);
        got = hash_value(h, &got_len);
        expect_bytes("MAC, data in chunks", got, got_len, want, want_len);
        free(got);
        CHECK_OK(CryptDestroyHash(h));
    }
    CHECK_OK(CryptDestroyKey(key));
out:
    free(data);
    free(want);
}

/* ---- encrypt, decrypt ---------------------------------------------------------------- */

struct call {
    DWORD off, len, buf_len;
    BOOL final;
};

/* calls=off:len:final:buflen;... (buflen 0: none given). */
static int parse_calls(const struct rec *r, struct call *calls, int max)
{
    char text[512];
    char *c, *save = NULL;
    int n = 0;
    snprintf(text, sizeof text, "%s", get(r, "calls") ? get(r, "calls") : "");
    for (c = strtok_r(text, ";", &save); c && n < max; c = strtok_r(NULL, ";", &save)) {
        unsigned long off = 0, len = 0, fin = 0, buf = 0;
        CHECK(sscanf(c, "%lu:%lu:%lu:%lu", &off, &len, &fin, &buf) == 4);
        calls[n].off = (DWORD)off;
        calls[n].len = (DWORD)len;
        calls[n].final = fin != 0;
        calls[n].buf_len = (DWORD)buf;
        n++;
    }
    CHECK(n > 0);
    return n;
}

/* encrypt (also derive_key): key... (cipher) data calls expected. */
static void op_encrypt(const struct rec *r)
{
    DWORD n = 0, want_len = 0, out_len = 0, plain_len = 0, len;
    BYTE *data = gethex(r, "data", &n), *want = gethex(r, "expected", &want_len);
    struct call calls[8];
    int ncalls = parse_calls(r, calls, 8), i;
    BYTE *out = (BYTE *)malloc(n + 64 * 8), *plain = (BYTE *)malloc(n + 1);
    BYTE *back = (BYTE *)malloc(want_len + 64);
    HCRYPTKEY key = make_key(r, r->prov, 1), fresh;
    BOOL last_final = calls[ncalls - 1].final;

    if (key == 0)
        goto out;
    for (i = 0; i < ncalls; i++) {
        DWORD needed = calls[i].len, cap;
        BYTE buf[4096];
        CHECK(calls[i].off + calls[i].len <= n);
        memcpy(plain + plain_len, data + calls[i].off, calls[i].len);
        plain_len += calls[i].len;
        /* The size query, then the call into a buffer of the recorded capacity. */
        CHECK_OK(CryptEncrypt(key, 0, calls[i].final, 0, NULL, &needed, 0));
        cap = calls[i].buf_len ? calls[i].buf_len : needed;
        CHECK(needed <= cap && cap <= sizeof buf);
        if (!(needed <= cap && cap <= sizeof buf))
            goto done;
        memcpy(buf, data + calls[i].off, calls[i].len);
        len = calls[i].len;
        CHECK_OK(CryptEncrypt(key, 0, calls[i].final, 0, buf, &len, cap));
        CHECK_EQ_U(len, needed);
        memcpy(out + out_len, buf, len);
        out_len += len;
    }
    expect_bytes("ciphertext", out, out_len, want, want_len);
    if (last_final) {
        /* The Final call reset the key: it decrypts its own output. */
        len = out_len;
        memcpy(back, out, out_len);
        CHECK_OK(CryptDecrypt(key, 0, TRUE, 0, back, &len));
        expect_bytes("decrypted with the same key", back, len, plain, plain_len);
    }
    /* A fresh key decrypts the expected ciphertext. */
    fresh = make_key(r, r->prov, 1);
    if (fresh) {
        len = want_len;
        memcpy(back, want, want_len);
        CHECK_OK(CryptDecrypt(fresh, 0, last_final, 0, back, &len));
        expect_bytes("expected ciphertext decrypted with a fresh key", back, len, plain,
                     plain_len);
        CHECK_OK(CryptDestroyKey(fresh));
    }
done:
    CHECK_OK(CryptDestroyKey(key));
out:
    free(out);
    free(plain);
    free(back);
    free(data);
    free(want);
}

/* decrypt: key... (cipher) data calls expected (the plaintext). */
static void op_decrypt(const struct rec *r)
{
    DWORD n = 0, want_len = 0, out_len = 0, len;
    BYTE *data = gethex(r, "data", &n), *want = gethex(r, "expected", &want_len);
    BYTE *out = (BYTE *)malloc(n + 1);
    struct call calls[8];
    int ncalls = parse_calls(r, calls, 8), i;
    HCRYPTKEY key = make_key(r, r->prov, 1);

    for (i = 0; i < ncalls && key != 0; i++) {
        CHECK(calls[i].off + calls[i].len <= n);
        memcpy(out + out_len, data + calls[i].off, calls[i].len);
        len = calls[i].len;
        CHECK_OK(CryptDecrypt(key, 0, calls[i].final, 0, out + out_len, &len));
        out_len += len;
    }
    expect_bytes("plaintext", out, out_len, want, want_len);
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    free(out);
    free(data);
    free(want);
}

/* ---- signatures ---------------------------------------------------------------------- */

/*
 * verify: key... (a PUBLICKEYBLOB) halg data sig vflags verdict(1|0) [short=<n>]
 * [null_sig=1]: a signature cut to n bytes is NTE_BAD_SIGNATURE; a NULL signature of the
 * right length is ERROR_INVALID_PARAMETER.  Verified through A and W.
 */
static void op_verify(const struct rec *r)
{
    DWORD n = 0, sig_len = 0, flags = getu(r, "vflags", 0);
    BYTE *data = gethex(r, "data", &n), *sig = gethex(r, "sig", &sig_len);
    HCRYPTKEY key = make_key(r, r->prov, 0);
    int wide;

    for (wide = 0; wide < 2 && key != 0; wide++) {
        HCRYPTHASH h = 0;
        CHECK_OK(CryptCreateHash(r->prov, getu(r, "halg", 0), 0, 0, &h));
        CHECK_OK(CryptHashData(h, data, n, 0));
        if (has(r, "null_sig"))
            CHECK_ERR(wide ? CryptVerifySignatureW(h, NULL, sig_len, key, NULL, flags)
                           : CryptVerifySignatureA(h, NULL, sig_len, key, NULL, flags),
                      ERROR_INVALID_PARAMETER);
        if (has(r, "short"))
            CHECK_ERR(wide ? CryptVerifySignatureW(h, sig, getu(r, "short", 0), key, NULL, flags)
                           : CryptVerifySignatureA(h, sig, getu(r, "short", 0), key, NULL, flags),
                      NTE_BAD_SIGNATURE);
        if (getu(r, "verdict", 1))
            CHECK_OK(wide ? CryptVerifySignatureW(h, sig, sig_len, key, NULL, flags)
                          : CryptVerifySignatureA(h, sig, sig_len, key, NULL, flags));
        else
            CHECK_ERR(wide ? CryptVerifySignatureW(h, sig, sig_len, key, NULL, flags)
                           : CryptVerifySignatureA(h, sig, sig_len, key, NULL, flags),
                      NTE_BAD_SIGNATURE);
        CHECK_OK(CryptDestroyHash(h));
    }
    /* A signature with one bit changed does not verify. */
    if (key != 0 && sig_len > 0 && getu(r, "verdict", 1)) {
        HCRYPTHASH h = 0;
        sig[sig_len / 2] ^= 0x10;
        CHECK_OK(CryptCreateHash(r->prov, getu(r, "halg", 0), 0, 0, &h));
        CHECK_OK(CryptHashData(h, data, n, 0));
        CHECK_ERR(CryptVerifySignatureA(h, sig, sig_len, key, NULL, flags), NTE_BAD_SIGNATURE);
        CHECK_OK(CryptDestroyHash(h));
    }
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    free(data);
    free(sig);
}

/*
 * sign: key... (a PRIVATEKEYBLOB, into the context's slot) halg hv_algs=<alg>,<alg>
 * hv_data spec sflags expected [hashdata_err]: the hash value is the concatenated digests
 * hv_algs of hv_data, set with HP_HASHVAL; CryptHashData on the hash gives hashdata_err.
 */
static void op_sign(const struct rec *r)
{
    DWORD n = 0, want_len = 0, value_len = 0, sig_len = 0, spec = getu(r, "spec", 0);
    DWORD flags = getu(r, "sflags", 0), a, b;
    BYTE *data = gethex(r, "hv_data", &n), *want = gethex(r, "expected", &want_len);
    BYTE value[128], sig[1024], pa[600], pb[600];
    char algs[128];
    char *alg, *save = NULL;
    HCRYPTKEY key = make_key(r, r->prov, 0), slot = 0;
    HCRYPTHASH h = 0;

    snprintf(algs, sizeof algs, "%s", get(r, "hv_algs") ? get(r, "hv_algs") : "");
    for (alg = strtok_r(algs, ",", &save); alg; alg = strtok_r(NULL, ",", &save)) {
        DWORD len = 0;
        BYTE *part;
        CHECK_OK(CryptCreateHash(r->prov, (ALG_ID)strtoul(alg, NULL, 0), 0, 0, &h));
        CHECK_OK(CryptHashData(h, data, n, 0));
        part = hash_value(h, &len);
        CHECK(value_len + len <= sizeof value);
        if (value_len + len <= sizeof value)
            memcpy(value + value_len, part, len);
        value_len += len;
        free(part);
        CHECK_OK(CryptDestroyHash(h));
    }
    if (key == 0)
        goto out;
    /* The imported pair is the context's `spec` pair. */
    CHECK_OK(CryptGetUserKey(r->prov, spec, &slot));
    a = public_blob(key, pa);
    b = public_blob(slot, pb);
    expect_bytes("the context's pair is the imported one", pb, b, pa, a);
    CHECK_OK(CryptDestroyKey(slot));

    CHECK_OK(CryptCreateHash(r->prov, getu(r, "halg", 0), 0, 0, &h));
    if (has(r, "hashdata_err"))
        CHECK_ERR(CryptHashData(h, data, n, 0), getu(r, "hashdata_err", 0));
    CHECK_EQ_U(hash_size(h), value_len);
    CHECK_OK(CryptSetHashParam(h, HP_HASHVAL, value, 0));
    CHECK_OK(CryptSignHashA(h, spec, NULL, flags, NULL, &sig_len));
    CHECK_EQ_U(sig_len, want_len);
    sig_len = sizeof sig;
    CHECK_OK(CryptSignHashA(h, spec, NULL, flags, sig, &sig_len));
    expect_bytes("signature", sig, sig_len, want, want_len);
    CHECK_OK(CryptVerifySignatureA(h, sig, sig_len, key, NULL, flags));
    /* The W form signs the same. */
    sig_len = sizeof sig;
    CHECK_OK(CryptSignHashW(h, spec, NULL, flags, sig, &sig_len));
    expect_bytes("signature (W)", sig, sig_len, want, want_len);
    CHECK_OK(CryptDestroyHash(h));
    CHECK_OK(CryptDestroyKey(key));
out:
    free(data);
    free(want);
}

/* ---- key blobs ------------------------------------------------------------------------- */

/* The `then` call of import_then on `key`: its output into out. */
static DWORD run_then(const struct rec *r, HCRYPTKEY key, BYTE *out)
{
    DWORD n = 0;
    BYTE *data = gethex(r, "then_data", &n);
    BOOL final = getu(r, "then_final", 0) != 0;
    memcpy(out, data, n);
    if (strcmp(get(r, "then_call") ? get(r, "then_call") : "", "encrypt") == 0)
        CHECK_OK(CryptEncrypt(key, 0, final, 0, out, &n, n + 64));
    else
        CHECK_OK(CryptDecrypt(key, 0, final, 0, out, &n));
    free(data);
    return n;
}

/*
 * import_then: unwrap (a PRIVATEKEYBLOB) blob (a SIMPLEBLOB, imported with it) bflags
 * then_call then_final then_data expected [chk_algid chk_perms] [session=<hex>: the key the
 * blob holds; a PLAINTEXTKEYBLOB of it gives the same] [rc4_56=1: it is the key
 * CryptDeriveKey(CALG_RC4, MD2 of 2000 counter bytes, 56 bits) makes, and survives a
 * SIMPLEBLOB round trip with the pair] [shorten=1: the private blob cut down to header +
 * RSAPUBKEY + bitlen/2 bytes still imports, at every length].
 */
static void op_import_then(const struct rec *r)
{
    DWORD ulen = 0, blen = 0, want_len = 0, slen = 0, len;
    BYTE *unwrap_blob = gethex(r, "unwrap", &ulen), *blob = gethex(r, "blob", &blen);
    BYTE *want = gethex(r, "expected", &want_len), *session = gethex(r, "session", &slen);
    BYTE out[1024];
    HCRYPTKEY pair = 0, key = 0;

    CHECK_OK(CryptImportKey(r->prov, unwrap_blob, ulen, 0, 0, &pair));
    CHECK_OK(CryptImportKey(r->prov, blob, blen, pair, getu(r, "bflags", 0), &key));
    if (key == 0)
        goto out;
    noted_key_params(r, key);
    len = run_then(r, key, out);
    expect_bytes("then", out, len, want, want_len);
    CHECK_OK(CryptDestroyKey(key));

    if (session != NULL) {
        BYTE pblob[12 + 256];
        blob_header(pblob, PLAINTEXTKEYBLOB, dword_at(blob + 4));
        put_dword(pblob + 8, slen);
        memcpy(pblob + 12, session, slen);
        CHECK_OK(CryptImportKey(r->prov, pblob, 12 + slen, 0, 0, &key));
        len = run_then(r, key, out);
        expect_bytes("then, with the session key as a PLAINTEXTKEYBLOB", out, len, want,
                     want_len);
        CHECK_OK(CryptDestroyKey(key));
    }
    if (session != NULL && getu(r, "rc4_56", 0)) {
        HCRYPTHASH h = 0;
        BYTE counter[2000], exported[600], wrapped[600];
        DWORD i, elen = sizeof exported, wlen = sizeof wrapped;
        HCRYPTKEY derived = 0, back = 0;
        for (i = 0; i < sizeof counter; i++)
            counter[i] = (BYTE)i;
        CHECK_OK(CryptCreateHash(r->prov, CALG_MD2, 0, 0, &h));
        CHECK_OK(CryptHashData(h, counter, sizeof counter, 0));
        CHECK_OK(CryptDeriveKey(r->prov, CALG_RC4, h, (56u << 16) | CRYPT_EXPORTABLE, &derived));
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptExportKey(derived, 0, PLAINTEXTKEYBLOB, 0, exported, &elen));
        expect_bytes("PLAINTEXTKEYBLOB of derive_key(CALG_RC4, 56)", exported + 12, elen - 12,
                     session, slen);
        CHECK_OK(CryptExportKey(derived, pair, SIMPLEBLOB, 0, wrapped, &wlen));
        CHECK_OK(CryptImportKey(r->prov, wrapped, wlen, pair, 0, &back));
        len = run_then(r, back, out);
        expect_bytes("then, after a SIMPLEBLOB round trip", out, len, want, want_len);
        CHECK_OK(CryptDestroyKey(back));
        CHECK_OK(CryptDestroyKey(derived));
    }
    if (getu(r, "shorten", 0)) {
        DWORD bits = dword_at(unwrap_blob + 12), cut, refused = 0;
        for (cut = 8 + 12 + bits / 2; cut < ulen; cut++) {
            HCRYPTKEY k = 0;
            if (CryptImportKey(r->prov, unwrap_blob, cut, 0, 0, &k)) {
                CHECK_OK(CryptDestroyKey(k));
            } else {
                if (refused++ < 3)
                    fprintf(stderr, "    shortened private blob refused at %lu: 0x%08lx\n",
                            (unsigned long)cut, (unsigned long)GetLastError());
            }
        }
        CHECK_EQ_U(refused, 0);
    }
out:
    if (pair)
        CHECK_OK(CryptDestroyKey(pair));
    free(unwrap_blob);
    free(blob);
    free(want);
    free(session);
}

/*
 * import_pair: priv pub expected (= pub): the private blob's public half is pub; a default
 * RC4 key wrapped with pub unwraps with priv in a fresh context and decrypts what it
 * encrypted; its salt is the default (11 zero bytes for 40-bit keys, else none) on both
 * sides. [base40=1: the default RC4 key is 40 bits with 11 zero salt bytes.]
 */
static void op_import_pair(const struct rec *r)
{
    DWORD plen = 0, ulen = 0, want_len = 0, len, salt_len = 0, bits;
    BYTE *priv = gethex(r, "priv", &plen), *pub = gethex(r, "pub", &ulen);
    BYTE *want = gethex(r, "expected", &want_len), *salt;
    BYTE blob[600], wrapped[600], msg[32], zeros[16];
    HCRYPTKEY pair = 0, client = 0, server_pub = 0, server_pair = 0, server_key = 0;
    HCRYPTPROV server;
    DWORD wlen = sizeof wrapped;

    memset(zeros, 0, sizeof zeros);
    expect_bytes("public_blob", pub, ulen, want, want_len);
    CHECK_OK(CryptImportKey(r->prov, priv, plen, 0, 0, &pair));
    len = public_blob(pair, blob);
    expect_bytes("PUBLICKEYBLOB of the private blob", blob, len, want, want_len);

    CHECK_OK(CryptGenKey(r->prov, CALG_RC4, CRYPT_EXPORTABLE, &client));
    bits = dword_param_key(client, KP_KEYLEN);
    salt = key_salt(client, &salt_len);
    expect_bytes("KP_SALT after CryptGenKey", salt, salt_len, zeros, bits == 40 ? 11 : 0);
    free(salt);
    if (getu(r, "base40", 0))
        CHECK_EQ_U(bits, 40);
    CHECK_OK(CryptImportKey(r->prov, pub, ulen, 0, 0, &server_pub));
    CHECK_OK(CryptExportKey(client, server_pub, SIMPLEBLOB, 0, wrapped, &wlen));
    memcpy(msg, "Hello World!", 12);
    len = 12;
    CHECK_OK(CryptEncrypt(client, 0, TRUE, 0, msg, &len, sizeof msg));

    server = acquire_like(r);
    CHECK_OK(CryptImportKey(server, priv, plen, 0, 0, &server_pair));
    CHECK_OK(CryptImportKey(server, wrapped, wlen, server_pair, 0, &server_key));
    if (server_key != 0) {
        salt = key_salt(server_key, &salt_len);
        expect_bytes("KP_SALT after the SIMPLEBLOB import", salt, salt_len, zeros,
                     bits == 40 ? 11 : 0);
        free(salt);
        CHECK_OK(CryptDecrypt(server_key, 0, TRUE, 0, msg, &len));
        expect_bytes("decrypted after the SIMPLEBLOB round trip", msg, len,
                     (const BYTE *)"Hello World!", 12);
        CHECK_OK(CryptDestroyKey(server_key));
    }
    CHECK_OK(CryptDestroyKey(server_pair));
    CHECK_OK(CryptReleaseContext(server, 0));
    CHECK_OK(CryptDestroyKey(server_pub));
    CHECK_OK(CryptDestroyKey(client));
    CHECK_OK(CryptDestroyKey(pair));
    free(priv);
    free(pub);
    free(want);
}

static unsigned long container_seq;

/*
 * import_slots: blob imp sig kx - the private blob imported into a new named container:
 * the import's result, then CryptGetUserKey(AT_SIGNATURE) and (AT_KEYEXCHANGE); each 0 for
 * success or the error code.
 */
static void op_import_slots(const struct rec *r)
{
    DWORD n = 0;
    BYTE *blob = gethex(r, "blob", &n);
    char name[64];
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    DWORD want;

    snprintf(name, sizeof name, "kat-slots-%lu", ++container_seq);
    CHECK_OK(CryptAcquireContextA(&prov, name, r->prov_name, r->prov_type, CRYPT_NEWKEYSET));
    want = getu(r, "imp", 0);
    if (want == 0)
        CHECK_OK(CryptImportKey(prov, blob, n, 0, 0, &key));
    else
        CHECK_ERR(CryptImportKey(prov, blob, n, 0, 0, &key), want);
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    key = 0;
    want = getu(r, "sig", 0);
    if (want == 0)
        CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &key));
    else
        CHECK_ERR(CryptGetUserKey(prov, AT_SIGNATURE, &key), want);
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    key = 0;
    want = getu(r, "kx", 0);
    if (want == 0)
        CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key));
    else
        CHECK_ERR(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key), want);
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
    /* Imports persist: a second context on the container finds the same slots. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, name, r->prov_name, r->prov_type, 0));
    key = 0;
    if (getu(r, "sig", 0) == 0)
        CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &key));
    else if (getu(r, "kx", 0) == 0)
        CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key));
    if (key)
        CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptAcquireContextA(&prov, name, r->prov_name, r->prov_type, CRYPT_DELETEKEYSET));
    free(blob);
}

/*
 * export: key... btype eflags expected [keeps_pair=1: importing the key leaves the
 * context's exchange pair as it was] [chk_algid chk_perms].
 */
static void op_export(const struct rec *r)
{
    DWORD want_len = 0, len, before_len = 0, after_len;
    BYTE *want = gethex(r, "expected", &want_len);
    BYTE out[2048], before[600], after[600];
    HCRYPTKEY xchg = 0, key;

    if (getu(r, "keeps_pair", 0)) {
        xchg = exchange_pair(r->prov);
        before_len = public_blob(xchg, before);
        CHECK_OK(CryptDestroyKey(xchg));
    }
    key = make_key(r, r->prov, 0);
    if (key == 0)
        goto out;
    noted_key_params(r, key);
    if (getu(r, "keeps_pair", 0)) {
        CHECK_OK(CryptGetUserKey(r->prov, AT_KEYEXCHANGE, &xchg));
        after_len = public_blob(xchg, after);
        expect_bytes("the exchange pair after importing a public key", after, after_len, before,
                     before_len);
        CHECK_OK(CryptDestroyKey(xchg));
    }
    len = 0;
    CHECK_OK(CryptExportKey(key, 0, getu(r, "btype", 0), getu(r, "eflags", 0), NULL, &len));
    CHECK_EQ_U(len, want_len);
    len = sizeof out;
    CHECK_OK(CryptExportKey(key, 0, getu(r, "btype", 0), getu(r, "eflags", 0), out, &len));
    expect_bytes("exported blob", out, len, want, want_len);
    CHECK_OK(CryptDestroyKey(key));
out:
    free(want);
}

/* A salt against its expectation word: zero, nonzero or none. */
static void salt_words(const char *what, const char *word, const BYTE *salt, DWORD n)
{
    DWORD i, nonzero = 0;
    for (i = 0; i < n; i++)
        nonzero += salt[i] != 0;
    if (word == NULL)
        return;
    if (strcmp(word, "zero") == 0)
        CHECK(nonzero == 0);
    else if (strcmp(word, "nonzero") == 0)
        CHECK(nonzero != 0);
    else
        CHECK_EQ_U(n, 0);
    if (strcmp(word, "zero") == 0 ? nonzero != 0
                                  : strcmp(word, "nonzero") == 0 ? nonzero == 0 : n != 0) {
        fprintf(stderr, "    %s: expected %s\n", what, word);
        print_hex("got", salt, n);
    }
}

/*
 * rc4_salt: gen_alg gen_flags salt_ex pubx privx keylen salt_len_gen salt_gen salt_len_re
 * salt_re - CryptGenKey, KP_KEYLEN and the salt; KP_SALT_EX set; exported as a SIMPLEBLOB
 * with the public blob pubx; imported in a fresh verify context with privx; the salt again.
 */
static void op_rc4_salt(const struct rec *r)
{
    DWORD slen = 0, plen = 0, qlen = 0, n = 0, wlen;
    BYTE *salt_ex = gethex(r, "salt_ex", &slen), *pubx = gethex(r, "pubx", &plen);
    BYTE *privx = gethex(r, "privx", &qlen), *salt;
    BYTE wrapped[600];
    HCRYPTKEY key = 0, pub = 0, pair = 0, again = 0;
    HCRYPTPROV fresh;
    CRYPT_INTEGER_BLOB ex;

    CHECK_OK(CryptGenKey(r->prov, getu(r, "gen_alg", 0), getu(r, "gen_flags", 0), &key));
    if (key == 0)
        goto out;
    CHECK_EQ_U(dword_param_key(key, KP_KEYLEN), getu(r, "keylen", 0));
    salt = key_salt(key, &n);
    CHECK_EQ_U(n, getu(r, "salt_len_gen", 0));
    salt_words("KP_SALT after CryptGenKey", get(r, "salt_gen"), salt, n);
    free(salt);
    ex.cbData = slen;
    ex.pbData = salt_ex;
    CHECK_OK(CryptSetKeyParam(key, KP_SALT_EX, (const BYTE *)&ex, 0));
    CHECK_OK(CryptImportKey(r->prov, pubx, plen, 0, 0, &pub));
    wlen = sizeof wrapped;
    CHECK_OK(CryptExportKey(key, pub, SIMPLEBLOB, 0, wrapped, &wlen));
    CHECK_OK(CryptDestroyKey(pub));
    CHECK_OK(CryptDestroyKey(key));

    fresh = acquire_like(r);
    CHECK_OK(CryptImportKey(fresh, privx, qlen, 0, 0, &pair));
    CHECK_OK(CryptImportKey(fresh, wrapped, wlen, pair, 0, &again));
    if (again) {
        salt = key_salt(again, &n);
        CHECK_EQ_U(n, getu(r, "salt_len_re", 0));
        salt_words("KP_SALT after the re-import", get(r, "salt_re"), salt, n);
        free(salt);
        CHECK_OK(CryptDestroyKey(again));
    }
    CHECK_OK(CryptDestroyKey(pair));
    CHECK_OK(CryptReleaseContext(fresh, 0));
out:
    free(salt_ex);
    free(pubx);
    free(privx);
}

/* ---- the driver ------------------------------------------------------------------------ */

static int parse_line(char *line, struct rec *r)
{
    char *fields[6 + MAX_FIELDS];
    int n = 0, i;
    char *p = line;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = 0;
    while (p != NULL && n < 6 + MAX_FIELDS) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (p != NULL)
            *p++ = 0;
    }
    if (n < 6 || strcmp(fields[0], "case") != 0)
        return 0;
    memset(r, 0, sizeof *r);
    r->vector = strtol(fields[1], NULL, 10);
    r->id = fields[2];
    r->op = fields[3];
    r->prov_type = (DWORD)strtoul(fields[4], NULL, 10);
    r->prov_name = strcmp(fields[5], "-") == 0 ? NULL : fields[5];
    for (i = 6; i < n; i++) {
        char *eq = strchr(fields[i], '=');
        if (eq == NULL)
            return 0;
        *eq = 0;
        r->f[r->n].key = fields[i];
        r->f[r->n].value = eq + 1;
        r->n++;
    }
    return 1;
}

static void run_case(struct rec *r)
{
    const char *op = r->op;
    r->prov = 0;
    CHECK_OK(CryptAcquireContextA(&r->prov, NULL, r->prov_name, r->prov_type,
                                  CRYPT_VERIFYCONTEXT));
    if (r->prov == 0)
        return;
    if (has(r, "pp_name")) {
        char name[128];
        DWORD len = sizeof name;
        CHECK_OK(CryptGetProvParam(r->prov, PP_NAME, (BYTE *)name, &len, 0));
        CHECK(strcmp(name, get(r, "pp_name")) == 0);
    }
    if (strcmp(op, "hash") == 0)
        op_hash(r);
    else if (strcmp(op, "refuse_hash") == 0)
        op_refuse_hash(r);
    else if (strcmp(op, "hmac") == 0)
        op_hmac(r);
    else if (strcmp(op, "mac") == 0)
        op_mac(r);
    else if (strcmp(op, "encrypt") == 0)
        op_encrypt(r);
    else if (strcmp(op, "decrypt") == 0)
        op_decrypt(r);
    else if (strcmp(op, "verify") == 0)
        op_verify(r);
    else if (strcmp(op, "sign") == 0)
        op_sign(r);
    else if (strcmp(op, "import_then") == 0)
        op_import_then(r);
    else if (strcmp(op, "import_pair") == 0)
        op_import_pair(r);
    else if (strcmp(op, "import_slots") == 0)
        op_import_slots(r);
    else if (strcmp(op, "export") == 0)
        op_export(r);
    else if (strcmp(op, "rc4_salt") == 0)
        op_rc4_salt(r);
    else
        CHECK(!"unknown op");
    CHECK_OK(CryptReleaseContext(r->prov, 0));
}

int main(int argc, char **argv)
{
    FILE *in;
    char *line = NULL;
    size_t cap = 0;
    unsigned long cases = 0, vectors = 0, passed = 0, failed = 0;
    long current = -1;
    int current_ok = 1;
    static struct rec r;

    if (argc < 2) {
        fprintf(stderr, "usage: kat VECTORS-FILE\n");
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
        if (r.vector != current) {
            if (current >= 0) {
                if (current_ok)
                    passed++;
                else
                    failed++;
            }
            current = r.vector;
            current_ok = 1;
            vectors++;
        }
        run_case(&r);
        cases++;
        if (check_failures != before) {
            current_ok = 0;
            fprintf(stderr, "FAILED %s [%lu %s]\n", r.id, (unsigned long)r.prov_type,
                    r.prov_name ? r.prov_name : "default");
        } else {
            printf("ok %s [%lu %s]\n", r.id, (unsigned long)r.prov_type,
                   r.prov_name ? r.prov_name : "default");
        }
    }
    if (current >= 0) {
        if (current_ok)
            passed++;
        else
            failed++;
    }
    free(line);
    fclose(in);
    printf("kat: %lu cases, %lu vectors, %lu vectors passed, %lu failed\n", cases, vectors,
           passed, failed);
    return check_summary("kat");
}
