/*
 * threads.c - libwincrypt from several pthreads at once:
 *
 *   - 4 threads encrypt and decrypt with one key handle: every call sees the
 *     key as a Final call left it (calls on one handle are serialised), so each
 *     gets the reference ciphertext;
 *   - 4 threads feed one hash handle: the value is that of all the data;
 *   - threads use a key and a hash while another thread destroys them, or
 *     releases their context: every call is TRUE or FALSE with
 *     ERROR_INVALID_PARAMETER, never anything else, never a crash;
 *   - CryptHashSessionKey(h, k) against CryptEncrypt(k, h, ...) on the same
 *     pair from two threads, in a loop: no deadlock (a watchdog alarm ends the
 *     program if it hangs);
 *   - contexts acquired and released, keys generated and duplicated, on many
 *     threads at once.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define THREADS 4

/* Checks made inside worker threads: counted with a lock, reported at the end. */
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long worker_failures;

static void worker_fail(const char *what, DWORD err)
{
    pthread_mutex_lock(&worker_lock);
    if (worker_failures < 20)
        fprintf(stderr, "worker: FAILED: %s  [GetLastError() = 0x%08lx]\n", what,
                (unsigned long)err);
    worker_failures++;
    pthread_mutex_unlock(&worker_lock);
}

static HCRYPTPROV aes_prov;

static const BYTE plain[64] = "Sixty-four bytes of plaintext, encrypted by four threads at once";

struct cipher_job {
    HCRYPTKEY key;
    const BYTE *reference; /* 80 bytes: 64 + a padding block */
    int rounds;
};

static void *encrypt_worker(void *arg)
{
    struct cipher_job *job = (struct cipher_job *)arg;
    int i;
    for (i = 0; i < job->rounds; i++) {
        BYTE buf[80];
        DWORD len = sizeof plain;
        memcpy(buf, plain, sizeof plain);
        if (!CryptEncrypt(job->key, 0, TRUE, 0, buf, &len, sizeof buf)) {
            worker_fail("CryptEncrypt on the shared key", GetLastError());
            continue;
        }
        if (len != 80 || memcmp(buf, job->reference, 80) != 0)
            worker_fail("shared-key ciphertext differs from the reference", 0);
        if (!CryptDecrypt(job->key, 0, TRUE, 0, buf, &len)) {
            worker_fail("CryptDecrypt on the shared key", GetLastError());
            continue;
        }
        if (len != sizeof plain || memcmp(buf, plain, sizeof plain) != 0)
            worker_fail("shared-key decryption differs from the plaintext", 0);
    }
    return NULL;
}

static void test_shared_key(void)
{
    HCRYPTHASH hash = 0;
    HCRYPTKEY key = 0;
    BYTE reference[80];
    DWORD len = sizeof plain;
    pthread_t t[THREADS];
    struct cipher_job job;
    int i;

    CHECK_OK(CryptCreateHash(aes_prov, CALG_SHA_256, 0, 0, &hash));
    CHECK_OK(CryptHashData(hash, (const BYTE *)"shared key", 10, 0));
    CHECK_OK(CryptDeriveKey(aes_prov, CALG_AES_256, hash, 0, &key));
    CHECK_OK(CryptDestroyHash(hash));
    memcpy(reference, plain, sizeof plain);
    CHECK_OK(CryptEncrypt(key, 0, TRUE, 0, reference, &len, sizeof reference));
    CHECK_EQ_U(len, 80);

    job.key = key;
    job.reference = reference;
    job.rounds = 300;
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, encrypt_worker, &job) == 0);
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK_OK(CryptDestroyKey(key));
}

struct hash_job {
    HCRYPTHASH hash;
    int rounds;
};

static void *hash_worker(void *arg)
{
    struct hash_job *job = (struct hash_job *)arg;
    BYTE chunk[97];
    int i;
    memset(chunk, 'a', sizeof chunk);
    for (i = 0; i < job->rounds; i++)
        if (!CryptHashData(job->hash, chunk, sizeof chunk, 0))
            worker_fail("CryptHashData on the shared hash", GetLastError());
    return NULL;
}

static void test_shared_hash(void)
{
    HCRYPTHASH shared = 0, single = 0;
    BYTE chunk[97], a[20], b[20];
    DWORD alen = sizeof a, blen = sizeof b;
    pthread_t t[THREADS];
    struct hash_job job;
    int i;

    CHECK_OK(CryptCreateHash(aes_prov, CALG_SHA1, 0, 0, &shared));
    job.hash = shared;
    job.rounds = 500;
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, hash_worker, &job) == 0);
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK_OK(CryptGetHashParam(shared, HP_HASHVAL, a, &alen, 0));

    /* The same bytes from one thread. */
    memset(chunk, 'a', sizeof chunk);
    CHECK_OK(CryptCreateHash(aes_prov, CALG_SHA1, 0, 0, &single));
    for (i = 0; i < THREADS * job.rounds; i++)
        CHECK_OK(CryptHashData(single, chunk, sizeof chunk, 0));
    CHECK_OK(CryptGetHashParam(single, HP_HASHVAL, b, &blen, 0));
    CHECK_EQ_U(alen, 20);
    CHECK_MEM(a, b, 20);
    CHECK_OK(CryptDestroyHash(shared));
    CHECK_OK(CryptDestroyHash(single));
}

/* Uses a key and a hash until both are dead; every failure must be EIP. */
struct race_job {
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HCRYPTHASH hash;
    volatile int stop;
    unsigned long ok, dead;
};

static void *race_worker(void *arg)
{
    struct race_job *job = (struct race_job *)arg;
    int key_dead = 0, hash_dead = 0, prov_dead = 0;
    unsigned long ok = 0, dead = 0;
    while (!(key_dead && hash_dead && prov_dead)) {
        BYTE buf[32];
        DWORD len = 16, err;
        HCRYPTKEY dup = 0;
        HCRYPTHASH h = 0;
        BOOL r;

        memset(buf, 0x42, sizeof buf);
        r = CryptEncrypt(job->key, 0, TRUE, 0, buf, &len, sizeof buf);
        err = GetLastError();
        if (r)
            ok++;
        else if (err == ERROR_INVALID_PARAMETER)
            key_dead = 1, dead++;
        else
            worker_fail("CryptEncrypt during destroy: neither TRUE nor EIP", err);

        r = CryptHashData(job->hash, buf, sizeof buf, 0);
        err = GetLastError();
        if (r)
            ok++;
        else if (err == ERROR_INVALID_PARAMETER)
            hash_dead = 1, dead++;
        else
            worker_fail("CryptHashData during destroy: neither TRUE nor EIP", err);

        r = CryptDuplicateKey(job->key, NULL, 0, &dup);
        err = GetLastError();
        if (r) {
            ok++;
            /* The copy belongs to the same context: it may die with it. */
            r = CryptDestroyKey(dup);
            err = GetLastError();
            if (!r && err != ERROR_INVALID_PARAMETER)
                worker_fail("CryptDestroyKey of a copy: neither TRUE nor EIP", err);
        } else if (err != ERROR_INVALID_PARAMETER) {
            worker_fail("CryptDuplicateKey during destroy: neither TRUE nor EIP", err);
        } else if (dup != 0) {
            worker_fail("CryptDuplicateKey failed but wrote a handle", 0);
        }

        r = CryptCreateHash(job->prov, CALG_MD5, 0, 0, &h);
        err = GetLastError();
        if (r) {
            ok++;
            r = CryptHashData(h, buf, 4, 0);
            err = GetLastError();
            if (!r && err != ERROR_INVALID_PARAMETER)
                worker_fail("CryptHashData on a new hash: neither TRUE nor EIP", err);
            r = CryptDestroyHash(h);
            err = GetLastError();
            if (!r && err != ERROR_INVALID_PARAMETER)
                worker_fail("CryptDestroyHash of a new hash: neither TRUE nor EIP", err);
        } else if (err == ERROR_INVALID_PARAMETER) {
            prov_dead = 1, dead++;
        } else {
            worker_fail("CryptCreateHash during release: neither TRUE nor EIP", err);
        }
        if (job->stop)
            break;
    }
    pthread_mutex_lock(&worker_lock);
    job->ok += ok;
    job->dead += dead;
    pthread_mutex_unlock(&worker_lock);
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* `how`: 0 destroys the key and hash and then releases the context, 1 releases the context
 * with the key and hash still alive. */
static void test_destroy_race(int how)
{
    struct race_job job;
    pthread_t t[THREADS];
    int i;

    memset(&job, 0, sizeof job);
    CHECK_OK(CryptAcquireContextA(&job.prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT));
    CHECK_OK(CryptGenKey(job.prov, CALG_AES_128, 0, &job.key));
    CHECK_OK(CryptCreateHash(job.prov, CALG_SHA_256, 0, 0, &job.hash));
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, race_worker, &job) == 0);
    sleep_ms(30);
    if (how == 0) {
        CHECK_OK(CryptDestroyKey(job.key));
        sleep_ms(5);
        CHECK_OK(CryptDestroyHash(job.hash));
        sleep_ms(5);
    }
    CHECK_OK(CryptReleaseContext(job.prov, 0));
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(job.ok > 0);
    CHECK(job.dead > 0);
    /* Dead for every thread, and for this one. */
    CHECK_ERR(CryptDestroyKey(job.key), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptDestroyHash(job.hash), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptReleaseContext(job.prov, 0), ERROR_INVALID_PARAMETER);
}

/* CryptHashSessionKey(h, k) and CryptEncrypt(k, h): the same two objects locked from
 * opposite ends. */
struct pair_job {
    HCRYPTKEY key;
    HCRYPTHASH hash;
    int rounds;
    int which;
};

static void *pair_worker(void *arg)
{
    struct pair_job *job = (struct pair_job *)arg;
    int i;
    for (i = 0; i < job->rounds; i++) {
        if (job->which == 0) {
            if (!CryptHashSessionKey(job->hash, job->key, 0))
                worker_fail("CryptHashSessionKey(h, k)", GetLastError());
        } else {
            BYTE buf[16];
            DWORD len = 8;
            memset(buf, i & 0xff, sizeof buf);
            if (!CryptEncrypt(job->key, job->hash, TRUE, 0, buf, &len, sizeof buf))
                worker_fail("CryptEncrypt(k, h)", GetLastError());
        }
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_lock_order(void)
{
    struct pair_job jobs[2];
    pthread_t t[2];
    HCRYPTKEY key = 0;
    HCRYPTHASH hash = 0;
    BYTE value[32];
    DWORD vlen = sizeof value;
    double start;
    int i;

    CHECK_OK(CryptGenKey(aes_prov, CALG_AES_128, 0, &key));
    CHECK_OK(CryptCreateHash(aes_prov, CALG_SHA_256, 0, 0, &hash));
    start = now_s();
    for (i = 0; i < 2; i++) {
        jobs[i].key = key;
        jobs[i].hash = hash;
        jobs[i].rounds = 20000;
        jobs[i].which = i;
        CHECK(pthread_create(&t[i], NULL, pair_worker, &jobs[i]) == 0);
    }
    for (i = 0; i < 2; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    printf("lock order: 2 x %d calls in %.3f s\n", jobs[0].rounds, now_s() - start);
    CHECK_OK(CryptGetHashParam(hash, HP_HASHVAL, value, &vlen, 0));
    CHECK_EQ_U(vlen, 32);
    CHECK_OK(CryptDestroyHash(hash));
    CHECK_OK(CryptDestroyKey(key));
}

/* Contexts and keys made and dropped on many threads at once. */
static void *churn_worker(void *arg)
{
    int i;
    (void)arg;
    for (i = 0; i < 60; i++) {
        HCRYPTPROV prov = 0;
        HCRYPTKEY key = 0, dup = 0;
        BYTE buf[16] = "churn";
        DWORD len = 5;
        if (!CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_VERIFYCONTEXT)) {
            worker_fail("CryptAcquireContextA", GetLastError());
            continue;
        }
        if (!CryptContextAddRef(prov, NULL, 0))
            worker_fail("CryptContextAddRef", GetLastError());
        if (!CryptGenKey(prov, CALG_RC4, 0, &key))
            worker_fail("CryptGenKey(CALG_RC4)", GetLastError());
        if (!CryptDuplicateKey(key, NULL, 0, &dup))
            worker_fail("CryptDuplicateKey", GetLastError());
        if (!CryptEncrypt(dup, 0, TRUE, 0, buf, &len, sizeof buf))
            worker_fail("CryptEncrypt(dup)", GetLastError());
        if (!CryptReleaseContext(prov, 0))
            worker_fail("CryptReleaseContext (first reference)", GetLastError());
        if (!CryptDecrypt(key, 0, TRUE, 0, buf, &len) || memcmp(buf, "churn", 5) != 0)
            worker_fail("CryptDecrypt with the original after the copy encrypted", GetLastError());
        if (!CryptDestroyKey(key))
            worker_fail("CryptDestroyKey", GetLastError());
        /* The copy dies with the context. */
        if (!CryptReleaseContext(prov, 0))
            worker_fail("CryptReleaseContext (last reference)", GetLastError());
        if (CryptDestroyKey(dup) || GetLastError() != ERROR_INVALID_PARAMETER)
            worker_fail("CryptDestroyKey of a copy after the release: not EIP", GetLastError());
    }
    return NULL;
}

static void test_churn(void)
{
    pthread_t t[THREADS];
    int i;
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, churn_worker, NULL) == 0);
    for (i = 0; i < THREADS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
}

int main(void)
{
    double start = now_s();
    /* A deadlock ends the program (SIGALRM's default action) instead of hanging the test. */
    alarm(60);
    CHECK_OK(CryptAcquireContextA(&aes_prov, NULL, MS_ENH_RSA_AES_PROV_A, PROV_RSA_AES,
                                  CRYPT_VERIFYCONTEXT));
    test_shared_key();
    test_shared_hash();
    test_destroy_race(0);
    test_destroy_race(1);
    test_lock_order();
    test_churn();
    CHECK_OK(CryptReleaseContext(aes_prov, 0));
    check_count++;
    if (worker_failures != 0) {
        check_failures++;
        fprintf(stderr, "%lu checks failed in worker threads\n", worker_failures);
    }
    printf("threads: %.3f s\n", now_s() - start);
    return check_summary("threads");
}
