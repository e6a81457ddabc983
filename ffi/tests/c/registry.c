/*
 * registry.c - the provider registry and the provider parameters of libwincrypt,
 * as Windows has them (capi-semantics.md 3.21, 3.22, 3.25):
 *
 *   CryptEnumProvidersA/W and CryptEnumProviderTypesA/W (index-based, the buffer
 *   idiom, ERROR_NO_MORE_ITEMS), CryptGetDefaultProviderA/W, CryptSetProviderA/W
 *   and CryptSetProviderExA/W (user and machine defaults, CRYPT_DELETE_DEFAULT,
 *   persisted and used by an acquire without a provider name), PP_ENUMALGS and
 *   PP_ENUMALGS_EX (size queries do not move the cursor), PP_KEYSET_SEC_DESCR
 *   (get and set) and CryptSetProvParam's ids.
 *
 * The key store root is CRYPTOAPI_HOME (a fresh directory per run).
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static const char *const listed[] = {
    "Microsoft Base Cryptographic Provider v1.0",
    "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider",
    "Microsoft Base DSS Cryptographic Provider",
    "Microsoft DH SChannel Cryptographic Provider",
    "Microsoft Enhanced Cryptographic Provider v1.0",
    "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider",
    "Microsoft Enhanced RSA and AES Cryptographic Provider",
    "Microsoft RSA SChannel Cryptographic Provider",
    "Microsoft Strong Cryptographic Provider",
};
static const DWORD listed_types[] = {1, 13, 3, 18, 1, 13, 24, 12, 1};

static void test_enum_providers(void)
{
    DWORD i, type = 0, len = 0, reserved = 0;
    char name[128];
    WCHAR wname[128];

    CHECK_ERR(CryptEnumProvidersA(0, &reserved, 0, &type, NULL, &len), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptEnumProvidersA(0, NULL, 5, &type, NULL, &len), NTE_BAD_FLAGS);
    CHECK_ERR(CryptEnumProvidersA(0, NULL, 0, &type, NULL, NULL), ERROR_INVALID_PARAMETER);
    for (i = 0; i < sizeof listed / sizeof listed[0]; i++) {
        DWORD want = (DWORD)strlen(listed[i]) + 1;
        len = 0;
        CHECK_OK(CryptEnumProvidersA(i, NULL, 0, &type, NULL, &len));
        CHECK_EQ_U(len, want);
        /* Half the size: ERROR_MORE_DATA and the size needed. */
        len = want / 2;
        CHECK_ERR(CryptEnumProvidersA(i, NULL, 0, &type, name, &len), ERROR_MORE_DATA);
        CHECK_EQ_U(len, want);
        len = (DWORD)-1;
        CHECK_OK(CryptEnumProvidersA(i, NULL, 0, &type, name, &len));
        CHECK_EQ_U(len, want);
        CHECK_EQ_U(type, listed_types[i]);
        CHECK(strcmp(name, listed[i]) == 0);
        /* The wide form: two bytes a unit, the NUL included. */
        len = sizeof wname;
        type = 0;
        CHECK_OK(CryptEnumProvidersW(i, NULL, 0, &type, wname, &len));
        CHECK_EQ_U(len, want * 2);
        CHECK_EQ_U(type, listed_types[i]);
        CHECK_EQ_U(wname[0], 'M');
        CHECK_EQ_U(wname[want - 1], 0);
    }
    len = sizeof name;
    CHECK_ERR(CryptEnumProvidersA(i, NULL, 0, &type, name, &len), ERROR_NO_MORE_ITEMS);
    CHECK_ERR(CryptEnumProvidersW(i, NULL, 0, &type, NULL, &len), ERROR_NO_MORE_ITEMS);
}

static void test_enum_provider_types(void)
{
    static const DWORD types[] = {1, 3, 12, 13, 18, 24};
    static const char *const names[] = {"RSA Full (Signature and Key Exchange)", "DSS Signature",
                                        "RSA SChannel",
                                        "DSS Signature with Diffie-Hellman Key Exchange",
                                        "Diffie-Hellman SChannel", "RSA Full and AES"};
    DWORD i, type, len, reserved = 0;
    char name[128];

    len = sizeof name;
    CHECK_ERR(CryptEnumProviderTypesA(0, &reserved, 0, &type, name, &len),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptEnumProviderTypesA(0, NULL, 0xdeadbeefu, &type, name, &len), NTE_BAD_FLAGS);
    for (i = 0; i < 6; i++) {
        len = 0;
        CHECK_OK(CryptEnumProviderTypesA(i, NULL, 0, &type, NULL, &len));
        CHECK_EQ_U(len, strlen(names[i]) + 1);
        len = 0xdeadbeefu;
        CHECK_OK(CryptEnumProviderTypesA(i, NULL, 0, &type, name, &len));
        CHECK_EQ_U(type, types[i]);
        CHECK(strcmp(name, names[i]) == 0);
    }
    CHECK_ERR(CryptEnumProviderTypesA(6, NULL, 0, &type, NULL, &len), ERROR_NO_MORE_ITEMS);
}

/* The name of an open context's provider. */
static void prov_name(HCRYPTPROV prov, char *out, DWORD size)
{
    DWORD len = size;
    out[0] = 0;
    CHECK_OK(CryptGetProvParam(prov, PP_NAME, (BYTE *)out, &len, 0));
}

static void test_defaults(void)
{
    DWORD len, reserved = 0;
    char name[128];
    WCHAR wname[128];
    HCRYPTPROV prov = 0;

    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, &reserved, 0, name, &len),
              ERROR_INVALID_PARAMETER);
    len = sizeof name;
    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, 0xdeadbeefu, name, &len),
              NTE_BAD_FLAGS);
    CHECK_ERR(CryptGetDefaultProviderA(0xdeadbeefu, NULL, CRYPT_MACHINE_DEFAULT, name, &len),
              NTE_BAD_PROV_TYPE);
    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_USER_DEFAULT, name, &len),
              NTE_PROV_TYPE_NOT_DEF);
    len = 0;
    CHECK_OK(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT, NULL, &len));
    CHECK_EQ_U(len, strlen(MS_STRONG_PROV_A) + 1);
    len = 4;
    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT, name, &len),
              ERROR_MORE_DATA);
    len = sizeof name;
    CHECK_OK(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT, name, &len));
    CHECK(strcmp(name, MS_STRONG_PROV_A) == 0);
    len = sizeof wname;
    CHECK_OK(CryptGetDefaultProviderW(PROV_RSA_AES, NULL, CRYPT_MACHINE_DEFAULT, wname, &len));
    CHECK_EQ_U(len, 2 * (strlen(MS_ENH_RSA_AES_PROV_A) + 1));

    /* A user default: used by an acquire without a provider name. */
    CHECK_ERR(CryptSetProviderA(NULL, PROV_RSA_FULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetProviderA(MS_DEF_PROV_A, 0), NTE_BAD_PROV_TYPE);
    CHECK_ERR(CryptSetProviderA("No Such Provider", PROV_RSA_FULL), NTE_BAD_PROVIDER);
    CHECK_OK(CryptSetProviderA(MS_DEF_PROV_A, PROV_RSA_FULL));
    len = sizeof name;
    CHECK_OK(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_USER_DEFAULT, name, &len));
    CHECK(strcmp(name, MS_DEF_PROV_A) == 0);
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    prov_name(prov, name, sizeof name);
    CHECK(strcmp(name, MS_DEF_PROV_A) == 0);
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptSetProviderW(MS_ENHANCED_PROV_W, PROV_RSA_FULL));
    CHECK_OK(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    prov_name(prov, name, sizeof name);
    CHECK(strcmp(name, MS_ENHANCED_PROV_A) == 0);
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptSetProviderExA(NULL, PROV_RSA_FULL, NULL,
                                 CRYPT_USER_DEFAULT | CRYPT_DELETE_DEFAULT));
    len = sizeof name;
    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_USER_DEFAULT, name, &len),
              NTE_PROV_TYPE_NOT_DEF);

    /* The machine default, as crypt.c's test_set_provider_ex changes and restores it. */
    CHECK_ERR(CryptSetProviderExA(MS_DEF_PROV_A, PROV_RSA_FULL, &reserved, CRYPT_MACHINE_DEFAULT),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(CryptSetProviderExA(MS_DEF_PROV_A, PROV_RSA_FULL, NULL,
                                  CRYPT_USER_DEFAULT | CRYPT_MACHINE_DEFAULT),
              NTE_BAD_FLAGS);
    CHECK_OK(CryptSetProviderExA(MS_DEF_PROV_A, PROV_RSA_FULL, NULL,
                                 CRYPT_MACHINE_DEFAULT | CRYPT_DELETE_DEFAULT));
    len = sizeof name;
    CHECK_ERR(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT, name, &len),
              NTE_PROV_TYPE_NOT_DEF);
    CHECK_ERR(CryptAcquireContextA(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
              NTE_PROV_TYPE_NOT_DEF);
    CHECK_OK(CryptSetProviderExA(MS_DEF_PROV_A, PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT));
    len = sizeof name;
    CHECK_OK(CryptGetDefaultProviderA(PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT, name, &len));
    CHECK(strcmp(name, MS_DEF_PROV_A) == 0);
    CHECK_EQ_U(len, strlen(MS_DEF_PROV_A) + 1);
    CHECK_OK(CryptSetProviderExW(MS_STRONG_PROV_W, PROV_RSA_FULL, NULL, CRYPT_MACHINE_DEFAULT));
    CHECK_ERR(CryptSetProviderExW(MS_ENHANCED_PROV_W, 1000, NULL, CRYPT_MACHINE_DEFAULT),
              NTE_BAD_PROV_TYPE);
}

static DWORD dw(const BYTE *p)
{
    return (DWORD)p[0] | (DWORD)p[1] << 8 | (DWORD)p[2] << 16 | (DWORD)p[3] << 24;
}

static void test_enumalgs(void)
{
    HCRYPTPROV prov = 0;
    PROV_ENUMALGS algs;
    PROV_ENUMALGS_EX ex;
    DWORD len, flags, count = 0, count_ex = 0, first_alg = 0;
    int saw_rc4 = 0;

    CHECK_OK(CryptAcquireContextA(&prov, NULL, MS_DEF_PROV_A, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    /* Size queries do not move the cursor. */
    len = 0;
    CHECK_OK(CryptGetProvParam(prov, PP_ENUMALGS, NULL, &len, CRYPT_FIRST));
    CHECK_EQ_U(len, sizeof algs);
    len = 4;
    CHECK_ERR(CryptGetProvParam(prov, PP_ENUMALGS, (BYTE *)&algs, &len, CRYPT_FIRST),
              ERROR_MORE_DATA);
    CHECK_EQ_U(len, sizeof algs);
    for (flags = CRYPT_FIRST;; flags = 0) {
        len = sizeof algs;
        if (!CryptGetProvParam(prov, PP_ENUMALGS, (BYTE *)&algs, &len, flags)) {
            CHECK_EQ_U(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        CHECK_EQ_U(len, sizeof algs);
        if (count == 0)
            first_alg = algs.aiAlgid;
        if (algs.aiAlgid == CALG_RC4) {
            saw_rc4 = 1;
            CHECK_EQ_U(algs.dwBitLen, 40);
            CHECK_EQ_U(algs.dwNameLen, 4);
            CHECK(strcmp(algs.szName, "RC4") == 0);
        }
        /* Base has no triple DES. */
        CHECK(algs.aiAlgid != CALG_3DES);
        count++;
        len = 0;
        /* A size query between reads changes nothing. */
        CryptGetProvParam(prov, PP_ENUMALGS, NULL, &len, 0);
    }
    CHECK(saw_rc4);
    CHECK_EQ_U(first_alg, CALG_RC2);
    CHECK_EQ_U(count, 12);
    len = 0;
    CHECK_ERR(CryptGetProvParam(prov, PP_ENUMALGS, NULL, &len, 0), ERROR_NO_MORE_ITEMS);
    for (flags = CRYPT_FIRST;; flags = CRYPT_NEXT) {
        len = sizeof ex;
        if (!CryptGetProvParam(prov, PP_ENUMALGS_EX, (BYTE *)&ex, &len, flags)) {
            CHECK_EQ_U(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        CHECK_EQ_U(len, sizeof ex);
        if (ex.aiAlgid == CALG_RSA_KEYX) {
            CHECK_EQ_U(ex.dwDefaultLen, 512);
            CHECK_EQ_U(ex.dwMinLen, 384);
            CHECK_EQ_U(ex.dwMaxLen, 1024);
            CHECK_EQ_U(ex.dwProtocols, CRYPT_FLAG_SIGNING | CRYPT_FLAG_IPSEC);
            CHECK(strcmp(ex.szLongName, "RSA Key Exchange") == 0);
            CHECK_EQ_U(ex.dwLongNameLen, 17);
        }
        count_ex++;
    }
    CHECK_EQ_U(count_ex, count);
    CHECK_OK(CryptReleaseContext(prov, 0));
    (void)dw;
}

static void test_sec_descr(void)
{
    HCRYPTPROV prov = 0, verify = 0;
    BYTE *sd;
    DWORD len = 0, small;
    DWORD info = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                 DACL_SECURITY_INFORMATION;

    CHECK_OK(CryptAcquireContextA(&prov, "sd-test", MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_MACHINE_KEYSET | CRYPT_NEWKEYSET));
    /* A size query succeeds, with ERROR_INSUFFICIENT_BUFFER as the last error. */
    SetLastError(0xdeadbeefu);
    CHECK_OK(CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, NULL, &len, OWNER_SECURITY_INFORMATION));
    CHECK_EQ_U(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ_U(len, 20 + 16);
    len = 0;
    CHECK_OK(CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, NULL, &len, info));
    sd = malloc(len);
    small = len - 1;
    CHECK_ERR(CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, &small, info),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK_OK(CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, &len, info));
    /* Self-relative, revision 1, DACL present; the owner is S-1-22-1-uid. */
    CHECK_EQ_U(sd[0], 1);
    CHECK_EQ_U(sd[2] | sd[3] << 8, 0x8004);
    CHECK_EQ_U(sd[dw(sd + 4) + 7], 22);
    /* The descriptor it gave is accepted back, unchanged. */
    CHECK_OK(CryptSetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, info));
    CHECK_ERR(CryptSetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, SACL_SECURITY_INFORMATION),
              ERROR_PRIVILEGE_NOT_HELD);
    CHECK_ERR(CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, NULL, &len, SACL_SECURITY_INFORMATION),
              ERROR_PRIVILEGE_NOT_HELD);
    CHECK_ERR(CryptSetProvParam(prov, PP_KEYSET_SEC_DESCR, NULL, info), ERROR_INVALID_PARAMETER);
    free(sd);

    /* A verify context has no container to describe. */
    CHECK_OK(CryptAcquireContextA(&verify, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    len = 0;
    CHECK_ERR(CryptGetProvParam(verify, PP_KEYSET_SEC_DESCR, NULL, &len, 1), NTE_BAD_KEYSET);

    /* CryptSetProvParam's other ids. */
    {
        static const WCHAR prompt[] = {'P', 'I', 'N', '?', 0};
        void *hwnd = (void *)(uintptr_t)0x1234;
        CHECK_OK(CryptSetProvParam(verify, PP_CLIENT_HWND, (const BYTE *)&hwnd, 0));
        CHECK_ERR(CryptSetProvParam(verify, PP_CLIENT_HWND, NULL, 0), ERROR_INVALID_PARAMETER);
        CHECK_OK(CryptSetProvParam(verify, PP_UI_PROMPT, (const BYTE *)prompt, 0));
        CHECK_OK(CryptSetProvParam(verify, PP_DELETEKEY, NULL, 0));
        CHECK_ERR(CryptSetProvParam(verify, PP_USE_HARDWARE_RNG, NULL, 0), NTE_BAD_TYPE);
        CHECK_ERR(CryptSetProvParam(verify, 0xdead, NULL, 0), NTE_BAD_TYPE);
    }
    CHECK_OK(CryptReleaseContext(verify, 0));
    CHECK_OK(CryptReleaseContext(prov, 0));
    CHECK_OK(CryptAcquireContextA(&prov, "sd-test", MS_ENHANCED_PROV_A, PROV_RSA_FULL,
                                  CRYPT_MACHINE_KEYSET | CRYPT_DELETEKEYSET));
}

int main(void)
{
    if (getenv("CRYPTOAPI_HOME") == NULL) {
        fprintf(stderr, "registry: CRYPTOAPI_HOME is not set\n");
        return 2;
    }
    test_enum_providers();
    test_enum_provider_types();
    test_defaults();
    test_enumalgs();
    test_sec_descr();
    return check_summary("registry");
}
