/*
 * ms_samples.c - programs shaped like Microsoft's CryptoAPI sample programs
 * (the same sequence of calls, this project's own code and data), run against
 * libwincrypt:
 *
 *   - "Encrypting a File" / "Decrypting a File": a key derived from a password
 *     hash (RC4 and 3DES), or a random session key stored in the file as a
 *     SIMPLEBLOB under the user's exchange key; the file is encrypted in blocks
 *     (CryptEncrypt non-final, then final), then decrypted the same way and
 *     compared;
 *   - "Creating a Key Container and Generating Keys";
 *   - "Signing a Hash and Verifying the Hash Signature";
 *   - "Exporting a Session Key" (SIMPLEBLOB, re-imported in another context);
 *   - "Duplicating a Session Key";
 *   - "Setting and Getting Session Key Parameters";
 *   - "Creating an HMAC" (with a known answer).
 */
#include <stdlib.h>

#include "check.h"

#define BLOCK_LEN 1000

static const char user_container[] = "ms-samples-user";

/* ---- Encrypting / Decrypting a File ---------------------------------------- */

/* The key length of the derived keys: 128 bits (0x00800000) for RC4 as in the sample;
 * triple DES has one length, the default. */
static DWORD derive_bits(ALG_ID alg)
{
    return alg == CALG_RC4 ? 0x00800000u : 0;
}

/* The key: from the password's MD5 hash, or (password NULL) generated and written at the
 * start of the file as <DWORD length><SIMPLEBLOB>. */
static HCRYPTKEY file_key_for_encrypt(HCRYPTPROV prov, ALG_ID alg, const char *password,
                                      FILE *out)
{
    HCRYPTKEY key = 0, xchg = 0;
    HCRYPTHASH hash = 0;
    if (password != NULL) {
        CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &hash));
        CHECK_OK(CryptHashData(hash, (const BYTE *)password, (DWORD)strlen(password), 0));
        CHECK_OK(CryptDeriveKey(prov, alg, hash, derive_bits(alg), &key)); /* 128 bits */
        CHECK_OK(CryptDestroyHash(hash));
    } else {
        BYTE *blob;
        DWORD blob_len = 0;
        CHECK_OK(CryptGenKey(prov, alg, CRYPT_EXPORTABLE, &key));
        if (!CryptGetUserKey(prov, AT_KEYEXCHANGE, &xchg)) {
            CHECK_EQ_U(GetLastError(), NTE_NO_KEY);
            CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, 0, &xchg));
        }
        CHECK_OK(CryptExportKey(key, xchg, SIMPLEBLOB, 0, NULL, &blob_len));
        blob = (BYTE *)malloc(blob_len);
        CHECK(blob != NULL);
        CHECK_OK(CryptExportKey(key, xchg, SIMPLEBLOB, 0, blob, &blob_len));
        CHECK(fwrite(&blob_len, sizeof blob_len, 1, out) == 1);
        CHECK(fwrite(blob, 1, blob_len, out) == blob_len);
        free(blob);
        CHECK_OK(CryptDestroyKey(xchg));
    }
    return key;
}

static HCRYPTKEY file_key_for_decrypt(HCRYPTPROV prov, ALG_ID alg, const char *password,
                                      FILE *in)
{
    HCRYPTKEY key = 0;
    HCRYPTHASH hash = 0;
    if (password != NULL) {
        CHECK_OK(CryptCreateHash(prov, CALG_MD5, 0, 0, &hash));
        CHECK_OK(CryptHashData(hash, (const BYTE *)password, (DWORD)strlen(password), 0));
        CHECK_OK(CryptDeriveKey(prov, alg, hash, derive_bits(alg), &key));
        CHECK_OK(CryptDestroyHash(hash));
    } else {
        BYTE *blob;
        DWORD blob_len = 0;
        CHECK(fread(&blob_len, sizeof blob_len, 1, in) == 1);
        CHECK(blob_len > 12 && blob_len < 4096);
        blob = (BYTE *)malloc(blob_len);
        CHECK(blob != NULL);
        CHECK(fread(blob, 1, blob_len, in) == blob_len);
        /* hPubKey 0: the context's own exchange pair unwraps it. */
        CHECK_OK(CryptImportKey(prov, blob, blob_len, 0, 0, &key));
        free(blob);
    }
    return key;
}

/* Reads up to `n` bytes; *last says whether the stream ends right after them. */
static DWORD read_block(FILE *in, BYTE *buf, DWORD n, BOOL *last)
{
    DWORD got = (DWORD)fread(buf, 1, n, in);
    int c = getc(in);
    if (c == EOF) {
        *last = TRUE;
    } else {
        ungetc(c, in);
        *last = FALSE;
    }
    return got;
}

static void encrypt_file(HCRYPTPROV prov, ALG_ID alg, DWORD block, const char *password,
                         FILE *in, FILE *out)
{
    DWORD block_len = BLOCK_LEN - BLOCK_LEN % block;
    DWORD buf_len = block > 1 ? block_len + block : block_len;
    BYTE *buf = (BYTE *)malloc(buf_len);
    HCRYPTKEY key = file_key_for_encrypt(prov, alg, password, out);
    BOOL last = FALSE;
    CHECK(buf != NULL);
    while (!last) {
        DWORD count = read_block(in, buf, block_len, &last);
        CHECK_OK(CryptEncrypt(key, 0, last, 0, buf, &count, buf_len));
        CHECK(fwrite(buf, 1, count, out) == count);
    }
    CHECK_OK(CryptDestroyKey(key));
    free(buf);
}

static void decrypt_file(HCRYPTPROV prov, ALG_ID alg, DWORD block, const char *password,
                         FILE *in, FILE *out)
{
    DWORD block_len = BLOCK_LEN - BLOCK_LEN % block;
    BYTE *buf = (BYTE *)malloc(block_len);
    HCRYPTKEY key = file_key_for_decrypt(prov, alg, password, in);
    BOOL last = FALSE;
    CHECK(buf != NULL);
    while (!last) {
        DWORD count = read_block(in, buf, block_len, &last);
        CHECK_OK(CryptDecrypt(key, 0, last, 0, buf, &count));
        CHECK(fwrite(buf, 1, count, out) == count);
    }
    CHECK_OK(CryptDestroyKey(key));
    free(buf);
}

static long file_size(FILE *f)
{
    long n;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    return n;
}

static void sample_file(ALG_ID alg, DWORD block, const char *password, DWORD size)
{
    HCRYPTPROV enc = 0, dec = 0;
    FILE *plain = tmpfile(), *cipher = tmpfile(), *back = tmpfile();
    BYTE *a = (BYTE *)malloc(size + 1), *b = (BYTE *)malloc(size + 1);
    DWORD i;
    long csize;

    fprintf(stderr, "file sample: alg 0x%04lx, %s, %lu bytes\n", (unsigned long)alg,
            password ? "password" : "random key in the file", (unsigned long)size);
    CHECK(plain != NULL && cipher != NULL && back != NULL && a != NULL && b != NULL);
    if (!(plain && cipher && back && a && b))
        return;
    for (i = 0; i < size; i++)
        a[i] = (BYTE)((i * 31 + 7) ^ (i >> 8));
    CHECK(fwrite(a, 1, size, plain) == size);
    rewind(plain);

    /* Encrypting and decrypting in two different contexts, as two runs of the samples. */
    if (password != NULL) {
        CHECK_OK(CryptAcquireContextA(&enc, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptAcquireContextA(&dec, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_VERIFYCONTEXT));
    } else {
        CHECK_OK(CryptAcquireContextA(&enc, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      0));
        CHECK_OK(CryptAcquireContextA(&dec, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      0));
    }
    encrypt_file(enc, alg, block, password, plain, cipher);
    csize = file_size(cipher);
    if (password != NULL && block > 1)
        CHECK_EQ_U(csize, (size / block + 1) * block);
    if (password != NULL && block == 1)
        CHECK_EQ_U(csize, size);
    decrypt_file(dec, alg, block, password, cipher, back);
    CHECK_EQ_U(file_size(back), size);
    CHECK(fread(b, 1, size, back) == size);
    CHECK(memcmp(a, b, size) == 0);
    CHECK_OK(CryptReleaseContext(enc, 0));
    CHECK_OK(CryptReleaseContext(dec, 0));

    /* The wrong password does not give the plaintext back (a block cipher's padding check
     * fails, or the bytes differ). */
    if (password != NULL) {
        BOOL last = FALSE;
        HCRYPTKEY wrong = 0;
        HCRYPTHASH h = 0;
        BYTE buf[BLOCK_LEN];
        DWORD count, same = 1;
        rewind(cipher);
        CHECK_OK(CryptAcquireContextA(&dec, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_VERIFYCONTEXT));
        CHECK_OK(CryptCreateHash(dec, CALG_MD5, 0, 0, &h));
        CHECK_OK(CryptHashData(h, (const BYTE *)"not the password", 16, 0));
        CHECK_OK(CryptDeriveKey(dec, alg, h, derive_bits(alg), &wrong));
        count = read_block(cipher, buf, block > 1 ? 1000 - 1000 % block : 1000, &last);
        if (CryptDecrypt(wrong, 0, last, 0, buf, &count))
            same = memcmp(buf, a, count < size ? count : size) == 0;
        else
            same = GetLastError() != NTE_BAD_DATA;
        CHECK(!same);
        CHECK_OK(CryptDestroyKey(wrong));
        CHECK_OK(CryptDestroyHash(h));
        CHECK_OK(CryptReleaseContext(dec, 0));
    }
    fclose(plain);
    fclose(cipher);
    fclose(back);
    free(a);
    free(b);
}

/* ---- Creating a Key Container and Generating Keys ------------------------------ */

static void sample_container(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE name[300];
    DWORD len = sizeof name;
    int pass;

    /* First try to open it; if it does not exist, create it. */
    if (!CryptAcquireContextA(&prov, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0)) {
        CHECK_EQ_U(GetLastError(), NTE_BAD_KEYSET);
        CHECK_OK(CryptAcquireContextA(&prov, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                      CRYPT_NEWKEYSET));
    } else {
        CHECK(!"the container existed before the sample ran");
    }
    CHECK_OK(CryptGetProvParam(prov, PP_CONTAINER, name, &len, 0));
    CHECK(strcmp((char *)name, user_container) == 0);
    /* A signature key pair, then an exchange key pair, made if missing. */
    for (pass = 0; pass < 2; pass++) {
        DWORD spec = pass == 0 ? AT_SIGNATURE : AT_KEYEXCHANGE;
        if (CryptGetUserKey(prov, spec, &key)) {
            CHECK(!"a new container already has a key pair");
        } else {
            CHECK_EQ_U(GetLastError(), NTE_NO_KEY);
            CHECK_OK(CryptGenKey(prov, spec, 0, &key));
        }
        CHECK_OK(CryptDestroyKey(key));
    }
    CHECK_OK(CryptReleaseContext(prov, 0));

    /* The next run finds both. */
    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    for (pass = 0; pass < 2; pass++) {
        DWORD alg = 0, alen = sizeof alg, bits = 0, blen = sizeof bits;
        CHECK_OK(CryptGetUserKey(prov, pass == 0 ? AT_SIGNATURE : AT_KEYEXCHANGE, &key));
        CHECK_OK(CryptGetKeyParam(key, KP_ALGID, (BYTE *)&alg, &alen, 0));
        CHECK_EQ_U(alg, pass == 0 ? CALG_RSA_SIGN : CALG_RSA_KEYX);
        CHECK_OK(CryptGetKeyParam(key, KP_KEYLEN, (BYTE *)&bits, &blen, 0));
        CHECK_EQ_U(bits, 1024); /* the Enhanced provider's default */
        CHECK_OK(CryptDestroyKey(key));
    }
    CHECK_OK(CryptReleaseContext(prov, 0));
}

/* ---- Signing a Hash and Verifying the Hash Signature ---------------------------- */

static void sample_sign_verify(void)
{
    static const BYTE data[] = "Data to be signed, then verified by someone else.";
    HCRYPTPROV signer = 0, verifier = 0;
    HCRYPTKEY sig_key = 0, pub = 0;
    HCRYPTHASH hash = 0;
    BYTE *blob, *sig;
    DWORD blob_len = 0, sig_len = 0;

    /* The signer: its signature key's public half, and the signature. */
    CHECK_OK(CryptAcquireContextA(&signer, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  0));
    CHECK_OK(CryptGetUserKey(signer, AT_SIGNATURE, &sig_key));
    CHECK_OK(CryptExportKey(sig_key, 0, PUBLICKEYBLOB, 0, NULL, &blob_len));
    blob = (BYTE *)malloc(blob_len);
    CHECK(blob != NULL);
    CHECK_OK(CryptExportKey(sig_key, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    CHECK_OK(CryptCreateHash(signer, CALG_MD5, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, data, sizeof data, 0));
    CHECK_OK(CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, NULL, &sig_len));
    CHECK_EQ_U(sig_len, 128);
    sig = (BYTE *)malloc(sig_len);
    CHECK(sig != NULL);
    CHECK_OK(CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, sig, &sig_len));
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(sig_key));
    CHECK_OK(CryptReleaseContext(signer, 0));

    /* The verifier: only the public key blob, the data and the signature. */
    CHECK_OK(CryptAcquireContextA(&verifier, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(verifier, blob, blob_len, 0, 0, &pub));
    CHECK_OK(CryptCreateHash(verifier, CALG_MD5, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, data, sizeof data, 0));
    CHECK_OK(CryptVerifySignatureA(hash, sig, sig_len, pub, NULL, 0));
    CHECK_OK(CryptDestroyHash(hash));
    /* A changed signature does not verify. */
    sig[5] ^= 1;
    CHECK_OK(CryptCreateHash(verifier, CALG_MD5, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, data, sizeof data, 0));
    CHECK_ERR(CryptVerifySignatureA(hash, sig, sig_len, pub, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(pub));
    CHECK_OK(CryptReleaseContext(verifier, 0));
    free(blob);
    free(sig);
}

/* ---- Exporting a Session Key --------------------------------------------------- */

static void sample_export_session_key(void)
{
    HCRYPTPROV prov = 0, other = 0;
    HCRYPTKEY session = 0, xchg = 0, imported = 0;
    BYTE *blob;
    DWORD blob_len = 0, len;
    BYTE msg[32] = "session key, exported";

    CHECK_OK(CryptAcquireContextA(&prov, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK_OK(CryptGenKey(prov, CALG_RC4, CRYPT_EXPORTABLE, &session));
    CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &xchg));
    CHECK_OK(CryptExportKey(session, xchg, SIMPLEBLOB, 0, NULL, &blob_len));
    CHECK_EQ_U(blob_len, 8 + 4 + 128);
    blob = (BYTE *)malloc(blob_len);
    CHECK(blob != NULL);
    CHECK_OK(CryptExportKey(session, xchg, SIMPLEBLOB, 0, blob, &blob_len));
    len = 22;
    CHECK_OK(CryptEncrypt(session, 0, TRUE, 0, msg, &len, sizeof msg));
    CHECK_OK(CryptDestroyKey(xchg));
    CHECK_OK(CryptDestroyKey(session));
    CHECK_OK(CryptReleaseContext(prov, 0));

    /* Another context on the container (the recipient's) unwraps it with its pair. */
    CHECK_OK(CryptAcquireContextA(&other, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK_OK(CryptGetUserKey(other, AT_KEYEXCHANGE, &xchg));
    CHECK_OK(CryptImportKey(other, blob, blob_len, xchg, 0, &imported));
    CHECK_OK(CryptDecrypt(imported, 0, TRUE, 0, msg, &len));
    CHECK_EQ_U(len, 22);
    CHECK_MEM(msg, "session key, exported", 22);
    /* A session key cannot be wrapped without an exchange key, nor exported in clear
     * unless exportable. */
    CHECK_OK(CryptDestroyKey(imported));
    CHECK_OK(CryptDestroyKey(xchg));
    CHECK_OK(CryptReleaseContext(other, 0));
    free(blob);
}

/* ---- Duplicating a Session Key ------------------------------------------------- */

static void sample_duplicate_key(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0, dup = 0;
    BYTE a[32], b[32];
    DWORD la, lb, i;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(prov, CALG_RC4, 0, &key));
    CHECK_OK(CryptDuplicateKey(key, NULL, 0, &dup));
    CHECK(dup != 0 && dup != key);
    CHECK_OK(CryptDestroyKey(dup));
    CHECK_OK(CryptDestroyKey(key));

    /* The copy has the original's state: a 3DES key half-way through a message. */
    CHECK_OK(CryptGenKey(prov, CALG_3DES, 0, &key));
    for (i = 0; i < sizeof a; i++)
        a[i] = b[i] = (BYTE)i;
    la = 8;
    CHECK_OK(CryptEncrypt(key, 0, FALSE, 0, a, &la, sizeof a));
    CHECK_OK(CryptDuplicateKey(key, NULL, 0, &dup));
    la = 8;
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, a + 8, &la, sizeof a - 8));
    lb = 8;
    CHECK_OK(CryptEncrypt(dup, 0, TRUE, 0, b + 8, &lb, sizeof b - 8));
    CHECK_EQ_U(la, 16);
    CHECK_EQ_U(lb, 16);
    CHECK_MEM(a + 8, b + 8, 16);
    /* ...and is independent afterwards: destroying the original leaves it working. */
    CHECK_OK(CryptDestroyKey(key));
    lb = 24;
    CHECK_OK(CryptDecrypt(dup, 0, TRUE, 0, a, &lb));
    CHECK_EQ_U(lb, 16);
    for (i = 0; i < 16; i++)
        CHECK_EQ_U(a[i], i);
    CHECK_OK(CryptDestroyKey(dup));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

/* ---- Setting and Getting Session Key Parameters ---------------------------------- */

static void sample_key_params(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE iv[8], got[16];
    DWORD v, len;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(prov, CALG_RC2, 0, &key));

    /* A random IV, set and read back. */
    CHECK_OK(CryptGenRandom(prov, sizeof iv, iv));
    CHECK_OK(CryptSetKeyParam(key, KP_IV, iv, 0));
    len = sizeof got;
    CHECK_OK(CryptGetKeyParam(key, KP_IV, got, &len, 0));
    CHECK_EQ_U(len, 8);
    CHECK_MEM(got, iv, 8);

    /* Padding, mode, feedback bits. */
    v = PKCS5_PADDING;
    CHECK_OK(CryptSetKeyParam(key, KP_PADDING, (const BYTE *)&v, 0));
    v = 0;
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_PADDING, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, PKCS5_PADDING);
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_MODE, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, CRYPT_MODE_CBC);
    v = CRYPT_MODE_ECB;
    CHECK_OK(CryptSetKeyParam(key, KP_MODE, (const BYTE *)&v, 0));
    v = 0;
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_MODE, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, CRYPT_MODE_ECB);
    v = CRYPT_MODE_CFB;
    CHECK_OK(CryptSetKeyParam(key, KP_MODE, (const BYTE *)&v, 0));
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_MODE_BITS, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 8);
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_PERMISSIONS, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, CRYPT_ENCRYPT | CRYPT_DECRYPT | CRYPT_READ | CRYPT_WRITE | CRYPT_MAC);
    /* RC2's effective key length, on the Enhanced provider. */
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_EFFECTIVE_KEYLEN, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 128);
    v = 64;
    CHECK_OK(CryptSetKeyParam(key, KP_EFFECTIVE_KEYLEN, (const BYTE *)&v, 0));
    len = sizeof v;
    CHECK_OK(CryptGetKeyParam(key, KP_EFFECTIVE_KEYLEN, (BYTE *)&v, &len, 0));
    CHECK_EQ_U(v, 64);
    v = 0;
    CHECK_ERR(CryptSetKeyParam(key, KP_EFFECTIVE_KEYLEN, (const BYTE *)&v, 0), NTE_BAD_DATA);
    CHECK_ERR(CryptSetKeyParam(key, KP_EFFECTIVE_KEYLEN, NULL, 0), ERROR_INVALID_PARAMETER);
    /* OFB is accepted by the Set, refused at encryption. */
    v = CRYPT_MODE_OFB;
    CHECK_OK(CryptSetKeyParam(key, KP_MODE, (const BYTE *)&v, 0));
    len = 8;
    CHECK_ERR(CryptEncrypt(key, 0, TRUE, 0, got, &len, sizeof got), NTE_BAD_ALGID);
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

/* ---- Creating an HMAC ------------------------------------------------------------ */

static void sample_hmac(void)
{
    static const BYTE key_data[] = "hmac sample key";
    static const BYTE message[] = "the message to authenticate";
    /* HMAC-SHA1 keyed with the first 16 bytes of SHA-1(key_data) (the 128-bit RC4 key
     * CryptDeriveKey makes on the Enhanced provider), computed with Python's hmac. */
    static const BYTE want[20] = {
        0xcb, 0x19, 0x5b, 0x2c, 0x86, 0xca, 0x42, 0xc0, 0xde, 0x32,
        0x04, 0x02, 0x73, 0x73, 0xec, 0x9d, 0xe3, 0x3e, 0x9e, 0xa7,
    };
    HCRYPTPROV prov = 0;
    HCRYPTHASH hash = 0, hmac = 0;
    HCRYPTKEY key = 0;
    HMAC_INFO info;
    BYTE *value;
    DWORD len = 0;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, key_data, sizeof key_data - 1, 0));
    CHECK_OK(CryptDeriveKey(prov, CALG_RC4, hash, 0, &key));
    CHECK_OK(CryptCreateHash(prov, CALG_HMAC, key, 0, &hmac));
    memset(&info, 0, sizeof info);
    info.HashAlgid = CALG_SHA1;
    CHECK_OK(CryptSetHashParam(hmac, HP_HMAC_INFO, (const BYTE *)&info, 0));
    CHECK_OK(CryptHashData(hmac, message, sizeof message - 1, 0));
    CHECK_OK(CryptGetHashParam(hmac, HP_HASHVAL, NULL, &len, 0));
    CHECK_EQ_U(len, 20);
    value = (BYTE *)malloc(len);
    CHECK(value != NULL);
    CHECK_OK(CryptGetHashParam(hmac, HP_HASHVAL, value, &len, 0));
    CHECK_MEM(value, want, 20);
    free(value);
    CHECK_OK(CryptDestroyHash(hmac));
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

int main(void)
{
    HCRYPTPROV prov = 0;
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "ms_samples: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    sample_container();
    sample_file(CALG_RC4, 1, "correct horse battery staple", 5123);
    sample_file(CALG_RC4, 1, "exactly four blocks", 4000);
    sample_file(CALG_3DES, 8, "correct horse battery staple", 5123);
    sample_file(CALG_3DES, 8, "a multiple of the block", 3000);
    sample_file(CALG_RC2, 8, NULL, 2500);
    sample_file(CALG_3DES, 8, NULL, 1000);
    sample_sign_verify();
    sample_export_session_key();
    sample_duplicate_key();
    sample_key_params();
    sample_hmac();
    prov = 1;
    CHECK_OK(CryptAcquireContextA(&prov, user_container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET));
    CHECK(prov == 0);
    return check_summary("ms_samples");
}
