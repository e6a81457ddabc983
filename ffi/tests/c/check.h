/*
 * check.h - the tiny test harness shared by the C test programs of libwincrypt
 * (the programs in ffi/tests/c, driven by ffi/tests/c_programs.rs).
 *
 * CHECK(cond)                 counts a check; on failure prints file:line, the
 *                             condition and GetLastError() (read right after the
 *                             condition, before anything else can change it).
 * CHECK_OK(call)              the call returns TRUE.
 * CHECK_ERR(call, code)       the call returns FALSE with GetLastError() == code.
 * CHECK_EQ_U(a, b)            two unsigned values are equal (both printed).
 * CHECK_MEM(a, b, n)          n bytes are equal (both printed in hex).
 * CHECK_NO_NEW_HANDLE(h, b)   after a failed call, the output handle h is 0 or b.
 * KNOWN_GAP(why, check)       a check of Windows behaviour the library does not
 *                             have yet: run and reported, but not counted as a
 *                             failure.  Every use names the gap.
 * check_summary(name)         prints the totals; the program's exit status.
 *
 * Each program is a single translation unit, so the counters are plain statics.
 */
#ifndef CRYPTOAPI_TEST_CHECK_H
#define CRYPTOAPI_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include <wincrypt.h>

static unsigned long check_count;
static unsigned long check_failures;
static unsigned long check_gaps;
/* Set by KNOWN_GAP around its check: a failure is then only reported. */
static int check_in_gap;

static inline void check_report(const char *file, int line, const char *what, DWORD err)
{
    if (check_in_gap) {
        check_gaps++;
        fprintf(stderr, "%s:%d: KNOWN GAP (not counted): %s  [GetLastError() = 0x%08lx]\n",
                file, line, what, (unsigned long)err);
        return;
    }
    check_failures++;
    fprintf(stderr, "%s:%d: FAILED: %s  [GetLastError() = 0x%08lx]\n", file, line, what,
            (unsigned long)err);
}

static inline void check_hex(FILE *out, const char *label, const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    fprintf(out, "    %s (%lu bytes): ", label, (unsigned long)n);
    for (i = 0; i < n; i++)
        fprintf(out, "%02x", b[i]);
    fputc('\n', out);
}

#define CHECK(cond)                                                                   \
    do {                                                                              \
        int check_ok_ = (cond) ? 1 : 0;                                               \
        DWORD check_err_ = GetLastError();                                            \
        check_count++;                                                                \
        if (!check_ok_)                                                               \
            check_report(__FILE__, __LINE__, #cond, check_err_);                      \
    } while (0)

#define CHECK_OK(call)                                                                \
    do {                                                                              \
        BOOL check_r_ = (call);                                                       \
        DWORD check_err_ = GetLastError();                                            \
        check_count++;                                                                \
        if (check_r_ != TRUE)                                                         \
            check_report(__FILE__, __LINE__, #call " is not TRUE", check_err_);       \
    } while (0)

#define CHECK_ERR(call, code)                                                         \
    do {                                                                              \
        BOOL check_r_;                                                                \
        DWORD check_err_;                                                             \
        SetLastError(0xfeedfaceu);                                                    \
        check_r_ = (call);                                                            \
        check_err_ = GetLastError();                                                  \
        check_count++;                                                                \
        if (check_r_ != FALSE || check_err_ != (DWORD)(code)) {                       \
            char check_msg_[512];                                                     \
            snprintf(check_msg_, sizeof check_msg_,                                   \
                     "%s: expected FALSE/%s (0x%08lx), got %s", #call, #code,         \
                     (unsigned long)(DWORD)(code), check_r_ ? "TRUE" : "FALSE");      \
            check_report(__FILE__, __LINE__, check_msg_, check_err_);                 \
        }                                                                             \
    } while (0)

#define CHECK_EQ_U(a, b)                                                              \
    do {                                                                              \
        unsigned long check_a_ = (unsigned long)(a), check_b_ = (unsigned long)(b);   \
        DWORD check_err_ = GetLastError();                                            \
        check_count++;                                                                \
        if (check_a_ != check_b_) {                                                   \
            char check_msg_[512];                                                     \
            snprintf(check_msg_, sizeof check_msg_, "%s == %s: %lu (0x%lx) != %lu (0x%lx)", \
                     #a, #b, check_a_, check_a_, check_b_, check_b_);                 \
            check_report(__FILE__, __LINE__, check_msg_, check_err_);                 \
        }                                                                             \
    } while (0)

#define CHECK_MEM(a, b, n)                                                            \
    do {                                                                              \
        DWORD check_err_ = GetLastError();                                            \
        size_t check_n_ = (size_t)(n);                                                \
        check_count++;                                                                \
        if (memcmp((a), (b), check_n_) != 0) {                                        \
            check_report(__FILE__, __LINE__, "memcmp(" #a ", " #b ", " #n ") == 0",   \
                         check_err_);                                                 \
            check_hex(stderr, #a, (a), check_n_);                                     \
            check_hex(stderr, #b, (b), check_n_);                                     \
        }                                                                             \
    } while (0)

/* After a failed call, an output handle is left as it was or set to 0 (Wine's advapi32
 * sets 0; libwincrypt leaves it, as it says Windows does): never a new handle. */
#define CHECK_NO_NEW_HANDLE(h, before) CHECK((h) == 0 || (h) == (before))

#define KNOWN_GAP(why, check)                                                         \
    do {                                                                              \
        fprintf(stderr, "%s:%d: known gap: %s\n", __FILE__, __LINE__, why);           \
        check_in_gap = 1;                                                             \
        check;                                                                        \
        check_in_gap = 0;                                                             \
    } while (0)

static inline int check_summary(const char *name)
{
    printf("%s: %lu checks, %lu failed, %lu known gaps\n", name, check_count, check_failures,
           check_gaps);
    fflush(stdout);
    return check_failures == 0 ? 0 : 1;
}

#endif /* CRYPTOAPI_TEST_CHECK_H */
