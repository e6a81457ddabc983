/*
 * two_process.c - key containers shared between processes (the same
 * CRYPTOAPI_HOME):
 *
 *   - the parent creates a container with an exportable AT_KEYEXCHANGE pair;
 *     a child (this program, exec'd again) opens it while the parent still has
 *     it open, exports the PUBLICKEYBLOB and signs a hash; the parent checks
 *     the blob is its pair's and verifies the signature;
 *   - a child creates a container with a signature pair; the parent sees it
 *     listed, opens it and finds the same public key;
 *   - a child deletes the first container: the parent's open context still
 *     releases, its next open fails with NTE_BAD_KEYSET;
 *   - two children at once generate pairs in two containers, and both persist.
 *
 * The child's results come back on its standard output, in hex.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char container[] = "two-process";
static const BYTE message[] = "signed in the child, verified in the parent";

static char self_path[4096];

static void to_hex(FILE *out, const BYTE *p, DWORD n)
{
    DWORD i;
    for (i = 0; i < n; i++)
        fprintf(out, "%02x", p[i]);
    fputc('\n', out);
}

static DWORD from_hex(const char *text, BYTE *out, DWORD cap)
{
    DWORD n = 0;
    unsigned int b;
    while (text[0] && text[1] && n < cap && sscanf(text, "%2x", &b) == 1) {
        out[n++] = (BYTE)b;
        text += 2;
    }
    return n;
}

/* ---- children ------------------------------------------------------------ */

/* Opens the container, exports the exchange pair's public blob and signs the message:
 * prints the blob and the signature. */
static int child_sign(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    HCRYPTHASH hash = 0;
    BYTE blob[200], sig[128];
    DWORD blob_len = sizeof blob, sig_len = sizeof sig;
    CHECK_OK(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0));
    CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key));
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    /* The pair was made exportable in the other process, and is in this one. */
    {
        BYTE priv[700];
        DWORD priv_len = sizeof priv;
        CHECK_OK(CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, priv, &priv_len));
        CHECK_EQ_U(priv_len, 596);
    }
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, message, sizeof message, 0));
    CHECK_OK(CryptSignHashA(hash, AT_KEYEXCHANGE, NULL, 0, sig, &sig_len));
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
    to_hex(stdout, blob, blob_len);
    to_hex(stdout, sig, sig_len);
    return check_summary("two_process child-sign");
}

/* Creates a container with a signature pair; prints its public blob. */
static int child_create(const char *name)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE blob[200];
    DWORD blob_len = sizeof blob;
    CHECK_OK(CryptAcquireContextA(&prov, name, NULL, PROV_RSA_AES, CRYPT_NEWKEYSET));
    CHECK_OK(CryptGenKey(prov, AT_SIGNATURE, 1024u << 16, &key));
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
    to_hex(stdout, blob, blob_len);
    return check_summary("two_process child-create");
}

static int child_delete(void)
{
    HCRYPTPROV prov = 1;
    CHECK_OK(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_DELETEKEYSET));
    CHECK(prov == 0);
    CHECK_ERR(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
    return check_summary("two_process child-delete");
}

/* ---- parent -------------------------------------------------------------- */

struct child {
    pid_t pid;
    FILE *out;
};

/* Starts this program again with `mode` (and `arg`), its stdout on a pipe. */
static int spawn(struct child *c, const char *mode, const char *arg)
{
    int fds[2];
    c->pid = -1;
    c->out = NULL;
    if (pipe(fds) != 0)
        return 0;
    fflush(stdout);
    fflush(stderr);
    c->pid = fork();
    if (c->pid < 0)
        return 0;
    if (c->pid == 0) {
        char *argv[4];
        argv[0] = self_path;
        argv[1] = (char *)mode;
        argv[2] = (char *)arg;
        argv[3] = NULL;
        close(fds[0]);
        if (dup2(fds[1], 1) < 0)
            _exit(126);
        close(fds[1]);
        execv(self_path, argv);
        _exit(127);
    }
    close(fds[1]);
    c->out = fdopen(fds[0], "r");
    return c->out != NULL;
}

/* Waits for the child; its exit status must be 0.  Reads up to `lines` output lines. */
static void finish(struct child *c, char lines[][2048], int nlines)
{
    int i, status = -1;
    for (i = 0; i < nlines; i++) {
        lines[i][0] = 0;
        if (c->out == NULL || fgets(lines[i], 2048, c->out) == NULL)
            break;
    }
    if (c->out != NULL) {
        /* Drain the rest (the child's summary line) so that the child never writes to a
         * closed pipe; it is echoed to stderr. */
        char rest[2048];
        while (fgets(rest, sizeof rest, c->out) != NULL)
            fputs(rest, stderr);
        fclose(c->out);
    }
    CHECK(c->pid > 0 && waitpid(c->pid, &status, 0) == c->pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        fprintf(stderr, "child status 0x%x\n", status);
}

static void test_sign_in_child(HCRYPTPROV *kept)
{
    HCRYPTPROV prov = 0, verify = 0;
    HCRYPTKEY key = 0, pub = 0;
    HCRYPTHASH hash = 0;
    BYTE blob[200], child_blob[200], sig[200];
    DWORD blob_len = sizeof blob, child_len, sig_len;
    char lines[2][2048];
    struct child c;

    CHECK_OK(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET));
    CHECK_OK(CryptGenKey(prov, AT_KEYEXCHANGE, (1024u << 16) | CRYPT_EXPORTABLE, &key));
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    CHECK_EQ_U(blob_len, 148);
    CHECK_OK(CryptDestroyKey(key));

    /* The child opens the container while this context is still open. */
    CHECK(spawn(&c, "child-sign", ""));
    finish(&c, lines, 2);
    child_len = from_hex(lines[0], child_blob, sizeof child_blob);
    sig_len = from_hex(lines[1], sig, sizeof sig);
    CHECK_EQ_U(child_len, blob_len);
    CHECK_MEM(child_blob, blob, blob_len);
    CHECK_EQ_U(sig_len, 128);

    /* Verified with the public key alone, in a verify context. */
    CHECK_OK(CryptAcquireContextA(&verify, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptImportKey(verify, child_blob, child_len, 0, 0, &pub));
    CHECK_OK(CryptCreateHash(verify, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, message, sizeof message, 0));
    CHECK_OK(CryptVerifySignatureA(hash, sig, sig_len, pub, NULL, 0));
    CHECK_OK(CryptDestroyHash(hash));
    /* And not for another message. */
    CHECK_OK(CryptCreateHash(verify, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, message, sizeof message - 2, 0));
    CHECK_ERR(CryptVerifySignatureA(hash, sig, sig_len, pub, NULL, 0), NTE_BAD_SIGNATURE);
    CHECK_OK(CryptDestroyHash(hash));
    /* And with this process's own handle on the pair. */
    CHECK_OK(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key));
    CHECK_OK(CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, message, sizeof message, 0));
    CHECK_OK(CryptVerifySignatureA(hash, sig, sig_len, key, NULL, 0));
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptDestroyKey(pub));
    CHECK_OK(CryptReleaseContext(verify, 0));
    *kept = prov;
}

static void test_create_in_child(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE blob[200], child_blob[200], name[300];
    DWORD blob_len = sizeof blob, child_len, len;
    char lines[1][2048];
    struct child c;
    int found = 0, i;

    CHECK(spawn(&c, "child-create", "made-by-child"));
    finish(&c, lines, 1);
    child_len = from_hex(lines[0], child_blob, sizeof child_blob);
    CHECK_EQ_U(child_len, 148);

    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    for (i = 0; i < 16; i++) {
        len = sizeof name;
        if (!CryptGetProvParam(prov, PP_ENUMCONTAINERS, name, &len, i == 0 ? CRYPT_FIRST : 0))
            break;
        if (strcmp((char *)name, "made-by-child") == 0)
            found = 1;
    }
    CHECK(found);
    CHECK_OK(CryptReleaseContext(prov, 0));

    prov = 0;
    CHECK_OK(CryptAcquireContextA(&prov, "made-by-child", NULL, PROV_RSA_AES, 0));
    CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &key));
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &blob_len));
    CHECK_EQ_U(blob_len, child_len);
    CHECK_MEM(blob, child_blob, child_len);
    /* Not exportable: the child did not ask for CRYPT_EXPORTABLE. */
    len = sizeof name;
    CHECK_ERR(CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &len), NTE_BAD_KEY_STATE);
    CHECK_OK(CryptDestroyKey(key));
    CHECK_ERR(CryptGetUserKey(prov, AT_KEYEXCHANGE, &key), NTE_NO_KEY);
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void test_delete_in_child(HCRYPTPROV kept)
{
    HCRYPTPROV prov = 0;
    char lines[1][2048];
    struct child c;

    CHECK(spawn(&c, "child-delete", ""));
    finish(&c, lines, 1);
    /* The context this process had open releases normally. */
    CHECK_OK(CryptReleaseContext(kept, 0));
    CHECK_ERR(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL, 0),
              NTE_BAD_KEYSET);
    CHECK(prov == 0);
    /* The name is free again. */
    CHECK_OK(CryptAcquireContextA(&prov, container, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_NEWKEYSET));
    CHECK_ERR(CryptGetUserKey(prov, AT_KEYEXCHANGE, &kept), NTE_NO_KEY);
    CHECK_OK(CryptReleaseContext(prov, 0));
}

static void test_parallel_children(void)
{
    struct child a, b;
    char la[1][2048], lb[1][2048];
    BYTE blob_a[200], blob_b[200], mine[200];
    DWORD len_a, len_b, len;
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;

    CHECK(spawn(&a, "child-create", "parallel-a"));
    CHECK(spawn(&b, "child-create", "parallel-b"));
    finish(&a, la, 1);
    finish(&b, lb, 1);
    len_a = from_hex(la[0], blob_a, sizeof blob_a);
    len_b = from_hex(lb[0], blob_b, sizeof blob_b);
    CHECK_EQ_U(len_a, 148);
    CHECK_EQ_U(len_b, 148);
    CHECK(memcmp(blob_a, blob_b, 148) != 0);

    CHECK_OK(CryptAcquireContextA(&prov, "parallel-a", NULL, PROV_RSA_AES, 0));
    CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &key));
    len = sizeof mine;
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, mine, &len));
    CHECK_MEM(mine, blob_a, 148);
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptAcquireContextA(&prov, "parallel-b", NULL, PROV_RSA_AES, 0));
    CHECK_OK(CryptGetUserKey(prov, AT_SIGNATURE, &key));
    len = sizeof mine;
    CHECK_OK(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, mine, &len));
    CHECK_MEM(mine, blob_b, 148);
    CHECK_OK(CryptDestroyKey(key));
    CHECK_OK(CryptReleaseContext(prov, 0));
}

int main(int argc, char **argv)
{
    HCRYPTPROV kept = 0;
    ssize_t n;

    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "two_process: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    if (argc >= 2 && strcmp(argv[1], "child-sign") == 0)
        return child_sign();
    if (argc >= 3 && strcmp(argv[1], "child-create") == 0)
        return child_create(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "child-delete") == 0)
        return child_delete();

    n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0) {
        strncpy(self_path, argv[0], sizeof self_path - 1);
        n = (ssize_t)strlen(self_path);
    }
    self_path[n] = 0;

    test_sign_in_child(&kept);
    test_create_in_child();
    test_delete_in_child(kept);
    test_parallel_children();
    return check_summary("two_process");
}
