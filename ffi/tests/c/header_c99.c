/*
 * header_c99.c - compile-time check of include/wincrypt.h as C, without
 * UNICODE (the unsuffixed names must select the A functions).
 *
 * Build: gcc -std=c99 -pedantic -Wall -Wextra -Werror -c header_c99.c
 * (also -std=c11 and -std=c17).  Every check is a declaration that fails to
 * compile when the header is wrong; linked against libwincrypt the program
 * runs nothing and exits 0.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <stddef.h>
#include <stdint.h>

#include "../../include/wincrypt.h"

#ifdef UNICODE
#error "this test checks the ANSI mapping; compile it without UNICODE"
#endif

/* A compile-time assertion usable at file scope in C99. */
#define STATIC_CHECK(name, cond) typedef char static_check_##name[(cond) ? 1 : -1]

/* ---- Data model -------------------------------------------------------------- */
STATIC_CHECK(bool_size, sizeof(BOOL) == 4);
STATIC_CHECK(bool_signed, (BOOL)-1 < 0);
STATIC_CHECK(boolean_size, sizeof(BOOLEAN) == 1);
STATIC_CHECK(byte_size, sizeof(BYTE) == 1);
STATIC_CHECK(word_size, sizeof(WORD) == 2);
STATIC_CHECK(dword_size, sizeof(DWORD) == 4);
STATIC_CHECK(dword_unsigned, (DWORD)-1 > 0);
STATIC_CHECK(ulong_size, sizeof(ULONG) == 4);
STATIC_CHECK(long_size, sizeof(LONG) == 4);
STATIC_CHECK(long_signed, (LONG)-1 < 0);
STATIC_CHECK(wchar_size, sizeof(WCHAR) == 2);
STATIC_CHECK(wchar_unsigned, (WCHAR)-1 > 0);
STATIC_CHECK(char_size, sizeof(CHAR) == 1);
STATIC_CHECK(tchar_is_char, sizeof(TCHAR) == 1);
STATIC_CHECK(alg_id_size, sizeof(ALG_ID) == 4);
STATIC_CHECK(alg_id_unsigned, (ALG_ID)-1 > 0);
STATIC_CHECK(ulong_ptr_size, sizeof(ULONG_PTR) == sizeof(void *));
STATIC_CHECK(hcryptprov_size, sizeof(HCRYPTPROV) == sizeof(void *));
STATIC_CHECK(hcryptkey_size, sizeof(HCRYPTKEY) == sizeof(void *));
STATIC_CHECK(hcrypthash_size, sizeof(HCRYPTHASH) == sizeof(void *));
STATIC_CHECK(hcryptprov_legacy_size, sizeof(HCRYPTPROV_LEGACY) == sizeof(void *));
STATIC_CHECK(true_false, TRUE == 1 && FALSE == 0);
STATIC_CHECK(max_path, MAX_PATH == 260);

/* The pointer typedefs point where they should. */
BYTE byte_cell;
DWORD dword_cell;
ULONG ulong_cell;
CHAR char_cell;
WCHAR wchar_cell;
PBYTE p_pbyte = &byte_cell;
LPBYTE p_lpbyte = &byte_cell;
PDWORD p_pdword = &dword_cell;
LPDWORD p_lpdword = &dword_cell;
PULONG p_pulong = &ulong_cell;
PVOID p_pvoid = &byte_cell;
LPVOID p_lpvoid = &byte_cell;
LPCVOID p_lpcvoid = &byte_cell;
LPSTR p_lpstr = &char_cell;
LPCSTR p_lpcstr = &char_cell;
LPWSTR p_lpwstr = &wchar_cell;
LPCWSTR p_lpcwstr = &wchar_cell;
LPTSTR p_lptstr = &char_cell;
LPCTSTR p_lpctstr = &char_cell;
LPCTSTR p_text = TEXT("plain");

/* ---- Structures -------------------------------------------------------------- */
STATIC_CHECK(blobheader_size, sizeof(BLOBHEADER) == 8);
STATIC_CHECK(publickeystruc_size, sizeof(PUBLICKEYSTRUC) == 8);
STATIC_CHECK(blobheader_btype, offsetof(BLOBHEADER, bType) == 0);
STATIC_CHECK(blobheader_bversion, offsetof(BLOBHEADER, bVersion) == 1);
STATIC_CHECK(blobheader_reserved, offsetof(BLOBHEADER, reserved) == 2);
STATIC_CHECK(blobheader_aikeyalg, offsetof(BLOBHEADER, aiKeyAlg) == 4);
STATIC_CHECK(rsapubkey_size, sizeof(RSAPUBKEY) == 12);
STATIC_CHECK(rsapubkey_pubexp, offsetof(RSAPUBKEY, pubexp) == 8);
STATIC_CHECK(dhpubkey_size, sizeof(DHPUBKEY) == 8);
STATIC_CHECK(dsspubkey_size, sizeof(DSSPUBKEY) == 8);
STATIC_CHECK(dssseed_size, sizeof(DSSSEED) == 24);
STATIC_CHECK(dhpubkey_ver3_size, sizeof(DHPUBKEY_VER3) == 40);
STATIC_CHECK(dsspubkey_ver3_seed, offsetof(DSSPUBKEY_VER3, DSSSeed) == 16);
STATIC_CHECK(dhprivkey_ver3_size, sizeof(DHPRIVKEY_VER3) == 44);
STATIC_CHECK(dssprivkey_ver3_seed, offsetof(DSSPRIVKEY_VER3, DSSSeed) == 20);
STATIC_CHECK(guid_size, sizeof(GUID) == 16);
STATIC_CHECK(key_type_subtype_size, sizeof(KEY_TYPE_SUBTYPE) == 36);
STATIC_CHECK(schannel_alg_size, sizeof(SCHANNEL_ALG) == 20);
STATIC_CHECK(prov_enumalgs_size, sizeof(PROV_ENUMALGS) == 32);
STATIC_CHECK(prov_enumalgs_name, offsetof(PROV_ENUMALGS, szName) == 12);
STATIC_CHECK(prov_enumalgs_ex_size, sizeof(PROV_ENUMALGS_EX) == 88);
STATIC_CHECK(prov_enumalgs_ex_name, offsetof(PROV_ENUMALGS_EX, szName) == 24);
STATIC_CHECK(prov_enumalgs_ex_longlen, offsetof(PROV_ENUMALGS_EX, dwLongNameLen) == 44);
STATIC_CHECK(prov_enumalgs_ex_longname, offsetof(PROV_ENUMALGS_EX, szLongName) == 48);
STATIC_CHECK(hmac_info_inner, offsetof(HMAC_INFO, pbInnerString) == sizeof(void *));
STATIC_CHECK(hmac_info_size, sizeof(HMAC_INFO) == 5 * sizeof(void *));
STATIC_CHECK(blob_size, sizeof(CRYPTOAPI_BLOB) == 2 * sizeof(void *));
STATIC_CHECK(blob_pbdata, offsetof(CRYPT_DATA_BLOB, pbData) == sizeof(void *));
STATIC_CHECK(bit_blob_size, sizeof(CRYPT_BIT_BLOB) == 3 * sizeof(void *));
STATIC_CHECK(alg_identifier_size, sizeof(CRYPT_ALGORITHM_IDENTIFIER) == 3 * sizeof(void *));

/* Field names and the blob aliases (all one struct type). */
BLOBHEADER blob_header = { PLAINTEXTKEYBLOB, CUR_BLOB_VERSION, 0, CALG_AES_128 };
PUBLICKEYSTRUC public_key_struc = { PUBLICKEYBLOB, CUR_BLOB_VERSION, 0, CALG_RSA_KEYX };
RSAPUBKEY rsa_pub_key = { 0x31415352, 1024, 65537 };
DHPUBKEY dh_pub_key = { 0x31484400, 512 };
DSSSEED dss_seed = { 0xFFFFFFFF, { 0 } };
DSSPUBKEY_VER3 dss_pub_ver3 = { 0x33425044, 1024, 160, 0, { 0xFFFFFFFF, { 0 } } };
DSSPRIVKEY_VER3 dss_priv_ver3 = { 0x34425044, 1024, 160, 0, 160, { 0xFFFFFFFF, { 0 } } };
HMAC_INFO hmac_info = { CALG_SHA1, NULL, 0, NULL, 0 };
PHMAC_INFO p_hmac_info = &hmac_info;
SCHANNEL_ALG schannel_alg = { SCHANNEL_ENC_KEY, CALG_RC4, 128, INTERNATIONAL_USAGE, 0 };
PSCHANNEL_ALG p_schannel_alg = &schannel_alg;
PROV_ENUMALGS prov_enumalgs = { CALG_MD5, 128, 4, "MD5" };
PROV_ENUMALGS_EX prov_enumalgs_ex = {
    CALG_SHA_256, 256, 256, 256, CRYPT_FLAG_SIGNING, 8, "SHA-256", 8, "SHA-256"
};
KEY_TYPE_SUBTYPE key_type_subtype = {
    AT_SIGNATURE, { 0, 0, 0, { 0 } }, { 0, 0, 0, { 0 } }
};
PKEY_TYPE_SUBTYPE p_key_type_subtype = &key_type_subtype;
CRYPTOAPI_BLOB api_blob = { 0, NULL };
PCRYPTOAPI_BLOB p_api_blob = &api_blob;
PCRYPT_DATA_BLOB p_data_blob = &api_blob;
PCRYPT_INTEGER_BLOB p_integer_blob = &api_blob;
PCRYPT_UINT_BLOB p_uint_blob = &api_blob;
PCRYPT_OBJID_BLOB p_objid_blob = &api_blob;
PCRYPT_DER_BLOB p_der_blob = &api_blob;
PCRYPT_ATTR_BLOB p_attr_blob = &api_blob;
PCRYPT_HASH_BLOB p_hash_blob = &api_blob;
PCRYPT_DIGEST_BLOB p_digest_blob = &api_blob;
PDATA_BLOB p_plain_data_blob = &api_blob;
PCERT_NAME_BLOB p_cert_name_blob = &api_blob;
CRYPT_BIT_BLOB bit_blob = { 0, NULL, 0 };
PCRYPT_BIT_BLOB p_bit_blob = &bit_blob;
CRYPT_ALGORITHM_IDENTIFIER alg_identifier = { NULL, { 0, NULL } };
PCRYPT_ALGORITHM_IDENTIFIER p_alg_identifier = &alg_identifier;

/* ---- Algorithm identifiers (the composed macros against the documented values) */
STATIC_CHECK(alg_class_hash, ALG_CLASS_HASH == 0x8000);
STATIC_CHECK(alg_class_all, ALG_CLASS_ALL == 0xE000);
STATIC_CHECK(alg_type_block, ALG_TYPE_BLOCK == 0x0600);
STATIC_CHECK(alg_type_thirdparty, ALG_TYPE_THIRDPARTY == 0x1000);
STATIC_CHECK(calg_md2, CALG_MD2 == 0x8001);
STATIC_CHECK(calg_md4, CALG_MD4 == 0x8002);
STATIC_CHECK(calg_md5, CALG_MD5 == 0x8003);
STATIC_CHECK(calg_sha, CALG_SHA == 0x8004);
STATIC_CHECK(calg_sha1, CALG_SHA1 == 0x8004);
STATIC_CHECK(calg_mac, CALG_MAC == 0x8005);
STATIC_CHECK(calg_ssl3_shamd5, CALG_SSL3_SHAMD5 == 0x8008);
STATIC_CHECK(calg_hmac, CALG_HMAC == 0x8009);
STATIC_CHECK(calg_tls1prf, CALG_TLS1PRF == 0x800A);
STATIC_CHECK(calg_hash_replace_owf, CALG_HASH_REPLACE_OWF == 0x800B);
STATIC_CHECK(calg_sha_256, CALG_SHA_256 == 0x800C);
STATIC_CHECK(calg_sha_384, CALG_SHA_384 == 0x800D);
STATIC_CHECK(calg_sha_512, CALG_SHA_512 == 0x800E);
STATIC_CHECK(calg_rsa_sign, CALG_RSA_SIGN == 0x2400);
STATIC_CHECK(calg_dss_sign, CALG_DSS_SIGN == 0x2200);
STATIC_CHECK(calg_no_sign, CALG_NO_SIGN == 0x2000);
STATIC_CHECK(calg_ecdsa, CALG_ECDSA == 0x2203);
STATIC_CHECK(calg_rsa_keyx, CALG_RSA_KEYX == 0xA400);
STATIC_CHECK(calg_dh_sf, CALG_DH_SF == 0xAA01);
STATIC_CHECK(calg_dh_ephem, CALG_DH_EPHEM == 0xAA02);
STATIC_CHECK(calg_agreedkey_any, CALG_AGREEDKEY_ANY == 0xAA03);
STATIC_CHECK(calg_kea_keyx, CALG_KEA_KEYX == 0xAA04);
STATIC_CHECK(calg_hughes_md5, CALG_HUGHES_MD5 == 0xA003);
STATIC_CHECK(calg_ecdh, CALG_ECDH == 0xAA05);
STATIC_CHECK(calg_ecdh_ephem, CALG_ECDH_EPHEM == 0xAE06);
STATIC_CHECK(calg_ecmqv, CALG_ECMQV == 0xA001);
STATIC_CHECK(calg_des, CALG_DES == 0x6601);
STATIC_CHECK(calg_rc2, CALG_RC2 == 0x6602);
STATIC_CHECK(calg_3des, CALG_3DES == 0x6603);
STATIC_CHECK(calg_desx, CALG_DESX == 0x6604);
STATIC_CHECK(calg_3des_112, CALG_3DES_112 == 0x6609);
STATIC_CHECK(calg_skipjack, CALG_SKIPJACK == 0x660A);
STATIC_CHECK(calg_tek, CALG_TEK == 0x660B);
STATIC_CHECK(calg_cylink_mek, CALG_CYLINK_MEK == 0x660C);
STATIC_CHECK(calg_rc5, CALG_RC5 == 0x660D);
STATIC_CHECK(calg_aes_128, CALG_AES_128 == 0x660E);
STATIC_CHECK(calg_aes_192, CALG_AES_192 == 0x660F);
STATIC_CHECK(calg_aes_256, CALG_AES_256 == 0x6610);
STATIC_CHECK(calg_aes, CALG_AES == 0x6611);
STATIC_CHECK(calg_rc4, CALG_RC4 == 0x6801);
STATIC_CHECK(calg_seal, CALG_SEAL == 0x6802);
STATIC_CHECK(calg_nullcipher, CALG_NULLCIPHER == 0x6000);
STATIC_CHECK(calg_ssl3_master, CALG_SSL3_MASTER == 0x4C01);
STATIC_CHECK(calg_schannel_master_hash, CALG_SCHANNEL_MASTER_HASH == 0x4C02);
STATIC_CHECK(calg_schannel_mac_key, CALG_SCHANNEL_MAC_KEY == 0x4C03);
STATIC_CHECK(calg_pct1_master, CALG_PCT1_MASTER == 0x4C04);
STATIC_CHECK(calg_ssl2_master, CALG_SSL2_MASTER == 0x4C05);
STATIC_CHECK(calg_tls1_master, CALG_TLS1_MASTER == 0x4C06);
STATIC_CHECK(calg_schannel_enc_key, CALG_SCHANNEL_ENC_KEY == 0x4C07);
STATIC_CHECK(calg_thirdparty_key_exchange, CALG_THIRDPARTY_KEY_EXCHANGE == 0xB000);
STATIC_CHECK(calg_thirdparty_signature, CALG_THIRDPARTY_SIGNATURE == 0x3000);
STATIC_CHECK(calg_thirdparty_cipher, CALG_THIRDPARTY_CIPHER == 0x7000);
STATIC_CHECK(calg_thirdparty_hash, CALG_THIRDPARTY_HASH == 0x9000);
STATIC_CHECK(calg_oid_info_cng_only, CALG_OID_INFO_CNG_ONLY == 0xFFFFFFFFu);
STATIC_CHECK(calg_oid_info_parameters, CALG_OID_INFO_PARAMETERS == 0xFFFFFFFEu);
STATIC_CHECK(get_alg_class, GET_ALG_CLASS(CALG_SHA_256) == ALG_CLASS_HASH);
STATIC_CHECK(get_alg_type, GET_ALG_TYPE(CALG_AES_256) == ALG_TYPE_BLOCK);
STATIC_CHECK(get_alg_sid, GET_ALG_SID(CALG_AES_256) == ALG_SID_AES_256);
ALG_ID alg_ids[] = { CALG_MD5, CALG_SHA1, CALG_RSA_SIGN, CALG_3DES, CALG_AES,
                     CALG_OID_INFO_CNG_ONLY };

/* ---- Provider types and names ------------------------------------------------- */
STATIC_CHECK(prov_rsa_full, PROV_RSA_FULL == 1);
STATIC_CHECK(prov_dss_dh, PROV_DSS_DH == 13);
STATIC_CHECK(prov_dh_schannel, PROV_DH_SCHANNEL == 18);
STATIC_CHECK(prov_rsa_aes, PROV_RSA_AES == 24);
DWORD prov_types[] = { PROV_RSA_FULL, PROV_RSA_SIG, PROV_DSS, PROV_FORTEZZA,
                       PROV_MS_EXCHANGE, PROV_SSL, PROV_RSA_SCHANNEL, PROV_DSS_DH,
                       PROV_EC_ECDSA_SIG, PROV_EC_ECNRA_SIG, PROV_EC_ECDSA_FULL,
                       PROV_EC_ECNRA_FULL, PROV_DH_SCHANNEL, PROV_SPYRUS_LYNKS,
                       PROV_RNG, PROV_INTEL_SEC, PROV_REPLACE_OWF, PROV_RSA_AES };

LPCSTR name_def_a = MS_DEF_PROV_A;
LPCSTR name_def = MS_DEF_PROV;
LPCSTR name_aes = MS_ENH_RSA_AES_PROV;
LPCWSTR name_def_w = MS_DEF_PROV_W;
LPCWSTR name_enh_w = MS_ENHANCED_PROV_W;
LPCWSTR name_strong_w = MS_STRONG_PROV_W;
LPCWSTR name_sig_w = MS_DEF_RSA_SIG_PROV_W;
LPCWSTR name_schannel_w = MS_DEF_RSA_SCHANNEL_PROV_W;
LPCWSTR name_dss_w = MS_DEF_DSS_PROV_W;
LPCWSTR name_dss_dh_w = MS_DEF_DSS_DH_PROV_W;
LPCWSTR name_enh_dss_dh_w = MS_ENH_DSS_DH_PROV_W;
LPCWSTR name_dh_schannel_w = MS_DEF_DH_SCHANNEL_PROV_W;
LPCWSTR name_scard_w = MS_SCARD_PROV_W;
LPCWSTR name_aes_w = MS_ENH_RSA_AES_PROV_W;
LPCWSTR name_aes_xp_w = MS_ENH_RSA_AES_PROV_XP_W;
/* Each UTF-16 name is an array as long as its UTF-8 twin. */
#define CHECK_NAME(name, id) \
    STATIC_CHECK(id##_w_len, sizeof(name##_W) == 2 * sizeof(name##_A)); \
    STATIC_CHECK(id##_w_unit, sizeof((name##_W)[0]) == 2)
CHECK_NAME(MS_DEF_PROV, ms_def_prov);
CHECK_NAME(MS_ENHANCED_PROV, ms_enhanced_prov);
CHECK_NAME(MS_STRONG_PROV, ms_strong_prov);
CHECK_NAME(MS_DEF_RSA_SIG_PROV, ms_def_rsa_sig_prov);
CHECK_NAME(MS_DEF_RSA_SCHANNEL_PROV, ms_def_rsa_schannel_prov);
CHECK_NAME(MS_DEF_DSS_PROV, ms_def_dss_prov);
CHECK_NAME(MS_DEF_DSS_DH_PROV, ms_def_dss_dh_prov);
CHECK_NAME(MS_ENH_DSS_DH_PROV, ms_enh_dss_dh_prov);
CHECK_NAME(MS_DEF_DH_SCHANNEL_PROV, ms_def_dh_schannel_prov);
CHECK_NAME(MS_SCARD_PROV, ms_scard_prov);
CHECK_NAME(MS_ENH_RSA_AES_PROV, ms_enh_rsa_aes_prov);
CHECK_NAME(MS_ENH_RSA_AES_PROV_XP, ms_enh_rsa_aes_prov_xp);
STATIC_CHECK(ms_def_prov_len, sizeof(MS_DEF_PROV_A) == 43);
STATIC_CHECK(ms_def_prov_ansi, sizeof(MS_DEF_PROV) == sizeof(MS_DEF_PROV_A));

/* ---- Flags and parameters ------------------------------------------------------ */
STATIC_CHECK(crypt_verifycontext, CRYPT_VERIFYCONTEXT == 0xF0000000u);
STATIC_CHECK(crypt_newkeyset, CRYPT_NEWKEYSET == 0x8);
STATIC_CHECK(crypt_machine_keyset, CRYPT_MACHINE_KEYSET == 0x20);
STATIC_CHECK(crypt_exportable, CRYPT_EXPORTABLE == 1);
STATIC_CHECK(crypt_user_protected_strong, CRYPT_USER_PROTECTED_STRONG == 0x100000);
STATIC_CHECK(rsa1024bit_key, RSA1024BIT_KEY == 0x04000000);
STATIC_CHECK(key_length_mask, KEY_LENGTH_MASK == 0xFFFF0000u);
STATIC_CHECK(crypt_oaep, CRYPT_OAEP == 0x40);
STATIC_CHECK(crypt_blob_ver3, CRYPT_BLOB_VER3 == 0x80);
STATIC_CHECK(crypt_mode_cts, CRYPT_MODE_CTS == 5);
STATIC_CHECK(crypt_archive, CRYPT_ARCHIVE == 0x100);
STATIC_CHECK(keystateblob, KEYSTATEBLOB == 0xC);
STATIC_CHECK(kp_effective_keylen, KP_EFFECTIVE_KEYLEN == 19);
STATIC_CHECK(kp_pin_info, KP_PIN_INFO == 44);
STATIC_CHECK(hp_tls1prf_seed, HP_TLS1PRF_SEED == 7);
STATIC_CHECK(pp_enumalgs_ex, PP_ENUMALGS_EX == 22);
STATIC_CHECK(pp_smartcard_reader_icon, PP_SMARTCARD_READER_ICON == 47);
STATIC_CHECK(rcrypt, RCRYPT_SUCCEEDED(TRUE) && RCRYPT_FAILED(FALSE));
DWORD acquire_flags[] = { CRYPT_VERIFYCONTEXT, CRYPT_NEWKEYSET, CRYPT_DELETEKEYSET,
                          CRYPT_MACHINE_KEYSET, CRYPT_SILENT,
                          CRYPT_DEFAULT_CONTAINER_OPTIONAL };
DWORD key_flags[] = { CRYPT_EXPORTABLE, CRYPT_USER_PROTECTED, CRYPT_CREATE_SALT,
                      CRYPT_UPDATE_KEY, CRYPT_NO_SALT, CRYPT_PREGEN, CRYPT_RECIPIENT,
                      CRYPT_INITIATOR, CRYPT_ONLINE, CRYPT_SF, CRYPT_CREATE_IV,
                      CRYPT_KEK, CRYPT_DATA_KEY, CRYPT_VOLATILE, CRYPT_SGCKEY,
                      CRYPT_ARCHIVABLE, CRYPT_FORCE_KEY_PROTECTION_HIGH,
                      CRYPT_USER_PROTECTED_STRONG, CRYPT_SERVER, RSA1024BIT_KEY,
                      KEY_LENGTH_MASK };
DWORD call_flags[] = { CRYPT_USERDATA, CRYPT_NOHASHOID, CRYPT_TYPE2_FORMAT,
                       CRYPT_X931_FORMAT, CRYPT_LITTLE_ENDIAN, CRYPT_OAEP,
                       CRYPT_DECRYPT_RSA_NO_PADDING_CHECK, CRYPT_Y_ONLY,
                       CRYPT_SSL2_FALLBACK, CRYPT_DESTROYKEY, CRYPT_BLOB_VER3,
                       CRYPT_IPSEC_HMAC_KEY, CRYPT_FIRST, CRYPT_NEXT, CRYPT_SGC_ENUM,
                       CRYPT_MACHINE_DEFAULT, CRYPT_USER_DEFAULT, CRYPT_DELETE_DEFAULT };
DWORD prov_values[] = { CRYPT_IMPL_HARDWARE, CRYPT_IMPL_SOFTWARE, CRYPT_IMPL_MIXED,
                        CRYPT_IMPL_UNKNOWN, CRYPT_IMPL_REMOVABLE, CRYPT_SEC_DESCR,
                        CRYPT_PSTORE, CRYPT_UI_PROMPT, CRYPT_FLAG_PCT1, CRYPT_FLAG_SSL2,
                        CRYPT_FLAG_SSL3, CRYPT_FLAG_TLS1, CRYPT_FLAG_IPSEC,
                        CRYPT_FLAG_SIGNING, AT_KEYEXCHANGE, AT_SIGNATURE };
DWORD blob_types[] = { SIMPLEBLOB, PUBLICKEYBLOB, PRIVATEKEYBLOB, PLAINTEXTKEYBLOB,
                       OPAQUEKEYBLOB, PUBLICKEYBLOBEX, SYMMETRICWRAPKEYBLOB,
                       KEYSTATEBLOB, CUR_BLOB_VERSION };
DWORD key_values[] = { PKCS5_PADDING, RANDOM_PADDING, ZERO_PADDING, CRYPT_MODE_CBC,
                       CRYPT_MODE_ECB, CRYPT_MODE_OFB, CRYPT_MODE_CFB, CRYPT_MODE_CTS,
                       CRYPT_MODE_CBCI, CRYPT_ENCRYPT, CRYPT_DECRYPT, CRYPT_EXPORT,
                       CRYPT_READ, CRYPT_WRITE, CRYPT_MAC, CRYPT_EXPORT_KEY,
                       CRYPT_IMPORT_KEY, CRYPT_ARCHIVE, SCHANNEL_MAC_KEY,
                       SCHANNEL_ENC_KEY, INTERNATIONAL_USAGE };
DWORD key_params[] = { KP_IV, KP_SALT, KP_PADDING, KP_MODE, KP_MODE_BITS,
                       KP_PERMISSIONS, KP_ALGID, KP_BLOCKLEN, KP_KEYLEN, KP_SALT_EX,
                       KP_P, KP_G, KP_Q, KP_X, KP_Y, KP_RA, KP_RB, KP_INFO,
                       KP_EFFECTIVE_KEYLEN, KP_SCHANNEL_ALG, KP_CLIENT_RANDOM,
                       KP_SERVER_RANDOM, KP_RP, KP_PRECOMP_MD5, KP_PRECOMP_SHA,
                       KP_CERTIFICATE, KP_CLEAR_KEY, KP_PUB_EX_LEN, KP_PUB_EX_VAL,
                       KP_KEYVAL, KP_ADMIN_PIN, KP_KEYEXCHANGE_PIN, KP_SIGNATURE_PIN,
                       KP_PREHASH, KP_ROUNDS, KP_OAEP_PARAMS, KP_CMS_KEY_INFO,
                       KP_CMS_DH_KEY_INFO, KP_PUB_PARAMS, KP_VERIFY_PARAMS,
                       KP_HIGHEST_VERSION, KP_GET_USE_COUNT, KP_PIN_ID, KP_PIN_INFO };
DWORD hash_params[] = { HP_ALGID, HP_HASHVAL, HP_HASHSIZE, HP_HMAC_INFO,
                        HP_TLS1PRF_LABEL, HP_TLS1PRF_SEED };
DWORD prov_params[] = { PP_ENUMALGS, PP_ENUMCONTAINERS, PP_IMPTYPE, PP_NAME, PP_VERSION,
                        PP_CONTAINER, PP_CHANGE_PASSWORD, PP_KEYSET_SEC_DESCR,
                        PP_CERTCHAIN, PP_KEY_TYPE_SUBTYPE, PP_CONTEXT_INFO,
                        PP_KEYEXCHANGE_KEYSIZE, PP_SIGNATURE_KEYSIZE,
                        PP_KEYEXCHANGE_ALG, PP_SIGNATURE_ALG, PP_PROVTYPE,
                        PP_KEYSTORAGE, PP_APPLI_CERT, PP_SYM_KEYSIZE,
                        PP_SESSION_KEYSIZE, PP_UI_PROMPT, PP_ENUMALGS_EX, PP_DELETEKEY,
                        PP_ENUMMANDROOTS, PP_ENUMELECTROOTS, PP_KEYSET_TYPE,
                        PP_ADMIN_PIN, PP_KEYEXCHANGE_PIN, PP_SIGNATURE_PIN,
                        PP_SIG_KEYSIZE_INC, PP_KEYX_KEYSIZE_INC, PP_UNIQUE_CONTAINER,
                        PP_SGC_INFO, PP_USE_HARDWARE_RNG, PP_KEYSPEC,
                        PP_ENUMEX_SIGNING_PROT, PP_CRYPT_COUNT_KEY_USE,
                        PP_USER_CERTSTORE, PP_SMARTCARD_READER, PP_SMARTCARD_GUID,
                        PP_ROOT_CERTSTORE, PP_SMARTCARD_READER_ICON, PP_CLIENT_HWND };

/* ---- Error codes ------------------------------------------------------------ */
STATIC_CHECK(error_success, ERROR_SUCCESS == 0 && NO_ERROR == 0);
STATIC_CHECK(error_invalid_parameter, ERROR_INVALID_PARAMETER == 87);
STATIC_CHECK(error_call_not_implemented, ERROR_CALL_NOT_IMPLEMENTED == 120);
STATIC_CHECK(error_more_data, ERROR_MORE_DATA == 234);
STATIC_CHECK(error_no_more_items, ERROR_NO_MORE_ITEMS == 259);
STATIC_CHECK(error_invalid_flags, ERROR_INVALID_FLAGS == 1004);
STATIC_CHECK(nte_op_ok, NTE_OP_OK == 0);
STATIC_CHECK(nte_unsigned, NTE_BAD_UID > 0);
STATIC_CHECK(nte_bad_uid, NTE_BAD_UID == 0x80090001u);
STATIC_CHECK(nte_bad_flags, NTE_BAD_FLAGS == 0x80090009u);
STATIC_CHECK(nte_bad_keyset, NTE_BAD_KEYSET == 0x80090016u);
STATIC_CHECK(nte_fail, NTE_FAIL == 0x80090020u);
STATIC_CHECK(nte_temporary_profile, NTE_TEMPORARY_PROFILE == 0x80090024u);
STATIC_CHECK(nte_fixedparameter, NTE_FIXEDPARAMETER == 0x80090025u);
STATIC_CHECK(nte_invalid_handle, NTE_INVALID_HANDLE == 0x80090026u);
STATIC_CHECK(nte_no_more_items, NTE_NO_MORE_ITEMS == 0x8009002Au);
STATIC_CHECK(nte_device_not_found, NTE_DEVICE_NOT_FOUND == 0x80090035u);

/* The codes compare with GetLastError() and serve as case labels, without
 * sign warnings. */
int classify_last_error(void);
int classify_last_error(void)
{
    DWORD err = GetLastError();
    if (err == ERROR_SUCCESS || err == NTE_OP_OK)
        return 0;
    switch (err) {
    case ERROR_MORE_DATA:
    case ERROR_INSUFFICIENT_BUFFER:
        return 1;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_HANDLE:
    case ERROR_CALL_NOT_IMPLEMENTED:
    case ERROR_NO_MORE_ITEMS:
    case ERROR_FILE_NOT_FOUND:
    case ERROR_ACCESS_DENIED:
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_BUSY:
    case ERROR_INVALID_FLAGS:
    case ERROR_NOT_LOGGED_ON:
    case ERROR_INTERNAL_ERROR:
    case ERROR_ENVVAR_NOT_FOUND:
    case ERROR_RING2_STACK_IN_USE:
        return 2;
    case NTE_BAD_UID: case NTE_BAD_HASH: case NTE_BAD_KEY: case NTE_BAD_LEN:
    case NTE_BAD_DATA: case NTE_BAD_SIGNATURE: case NTE_BAD_VER: case NTE_BAD_ALGID:
    case NTE_BAD_FLAGS: case NTE_BAD_TYPE: case NTE_BAD_KEY_STATE:
    case NTE_BAD_HASH_STATE: case NTE_NO_KEY: case NTE_NO_MEMORY: case NTE_EXISTS:
    case NTE_PERM: case NTE_NOT_FOUND: case NTE_DOUBLE_ENCRYPT: case NTE_BAD_PROVIDER:
    case NTE_BAD_PROV_TYPE: case NTE_BAD_PUBLIC_KEY: case NTE_BAD_KEYSET:
    case NTE_PROV_TYPE_NOT_DEF: case NTE_PROV_TYPE_ENTRY_BAD: case NTE_KEYSET_NOT_DEF:
    case NTE_KEYSET_ENTRY_BAD: case NTE_PROV_TYPE_NO_MATCH: case NTE_SIGNATURE_FILE_BAD:
    case NTE_PROVIDER_DLL_FAIL: case NTE_PROV_DLL_NOT_FOUND: case NTE_BAD_KEYSET_PARAM:
    case NTE_FAIL: case NTE_SYS_ERR: case NTE_SILENT_CONTEXT:
    case NTE_TOKEN_KEYSET_STORAGE_FULL: case NTE_TEMPORARY_PROFILE:
    case NTE_FIXEDPARAMETER: case NTE_INVALID_HANDLE: case NTE_INVALID_PARAMETER:
    case NTE_BUFFER_TOO_SMALL: case NTE_NOT_SUPPORTED: case NTE_NO_MORE_ITEMS:
    case NTE_BUFFERS_OVERLAP: case NTE_DECRYPTION_FAILURE: case NTE_INTERNAL_ERROR:
    case NTE_UI_REQUIRED: case NTE_HMAC_NOT_SUPPORTED: case NTE_DEVICE_NOT_READY:
    case NTE_AUTHENTICATION_IGNORED: case NTE_VALIDATION_FAILED:
    case NTE_INCORRECT_PASSWORD: case NTE_ENCRYPTION_FAILURE: case NTE_DEVICE_NOT_FOUND:
        return 3;
    default:
        return err != NTE_BAD_FLAGS ? 4 : 3;
    }
}

/* ---- Functions: every prototype, through a pointer of the documented type ---- */
BOOL (WINAPI *fp_CryptAcquireContextA)(HCRYPTPROV *, LPCSTR, LPCSTR, DWORD, DWORD) =
    CryptAcquireContextA;
BOOL (WINAPI *fp_CryptAcquireContextW)(HCRYPTPROV *, LPCWSTR, LPCWSTR, DWORD, DWORD) =
    CryptAcquireContextW;
BOOL (WINAPI *fp_CryptReleaseContext)(HCRYPTPROV, DWORD) = CryptReleaseContext;
BOOL (WINAPI *fp_CryptContextAddRef)(HCRYPTPROV, DWORD *, DWORD) = CryptContextAddRef;
BOOL (WINAPI *fp_CryptGenRandom)(HCRYPTPROV, DWORD, BYTE *) = CryptGenRandom;
BOOL (WINAPI *fp_CryptCreateHash)(HCRYPTPROV, ALG_ID, HCRYPTKEY, DWORD, HCRYPTHASH *) =
    CryptCreateHash;
BOOL (WINAPI *fp_CryptHashData)(HCRYPTHASH, const BYTE *, DWORD, DWORD) = CryptHashData;
BOOL (WINAPI *fp_CryptGetHashParam)(HCRYPTHASH, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetHashParam;
BOOL (WINAPI *fp_CryptSetHashParam)(HCRYPTHASH, DWORD, const BYTE *, DWORD) =
    CryptSetHashParam;
BOOL (WINAPI *fp_CryptDuplicateHash)(HCRYPTHASH, DWORD *, DWORD, HCRYPTHASH *) =
    CryptDuplicateHash;
BOOL (WINAPI *fp_CryptHashSessionKey)(HCRYPTHASH, HCRYPTKEY, DWORD) = CryptHashSessionKey;
BOOL (WINAPI *fp_CryptDestroyHash)(HCRYPTHASH) = CryptDestroyHash;
BOOL (WINAPI *fp_CryptGenKey)(HCRYPTPROV, ALG_ID, DWORD, HCRYPTKEY *) = CryptGenKey;
BOOL (WINAPI *fp_CryptDeriveKey)(HCRYPTPROV, ALG_ID, HCRYPTHASH, DWORD, HCRYPTKEY *) =
    CryptDeriveKey;
BOOL (WINAPI *fp_CryptImportKey)(HCRYPTPROV, const BYTE *, DWORD, HCRYPTKEY, DWORD,
                                 HCRYPTKEY *) = CryptImportKey;
BOOL (WINAPI *fp_CryptExportKey)(HCRYPTKEY, HCRYPTKEY, DWORD, DWORD, BYTE *, DWORD *) =
    CryptExportKey;
BOOL (WINAPI *fp_CryptGetUserKey)(HCRYPTPROV, DWORD, HCRYPTKEY *) = CryptGetUserKey;
BOOL (WINAPI *fp_CryptEncrypt)(HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE *, DWORD *,
                               DWORD) = CryptEncrypt;
BOOL (WINAPI *fp_CryptDecrypt)(HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, BYTE *, DWORD *) =
    CryptDecrypt;
BOOL (WINAPI *fp_CryptGetKeyParam)(HCRYPTKEY, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetKeyParam;
BOOL (WINAPI *fp_CryptSetKeyParam)(HCRYPTKEY, DWORD, const BYTE *, DWORD) =
    CryptSetKeyParam;
BOOL (WINAPI *fp_CryptDuplicateKey)(HCRYPTKEY, DWORD *, DWORD, HCRYPTKEY *) =
    CryptDuplicateKey;
BOOL (WINAPI *fp_CryptDestroyKey)(HCRYPTKEY) = CryptDestroyKey;
BOOL (WINAPI *fp_CryptSignHashA)(HCRYPTHASH, DWORD, LPCSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHashA;
BOOL (WINAPI *fp_CryptSignHashW)(HCRYPTHASH, DWORD, LPCWSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHashW;
BOOL (WINAPI *fp_CryptVerifySignatureA)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCSTR, DWORD) = CryptVerifySignatureA;
BOOL (WINAPI *fp_CryptVerifySignatureW)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCWSTR, DWORD) = CryptVerifySignatureW;
BOOL (WINAPI *fp_CryptGetProvParam)(HCRYPTPROV, DWORD, BYTE *, DWORD *, DWORD) =
    CryptGetProvParam;
BOOL (WINAPI *fp_CryptSetProvParam)(HCRYPTPROV, DWORD, const BYTE *, DWORD) =
    CryptSetProvParam;
BOOL (WINAPI *fp_CryptEnumProvidersA)(DWORD, DWORD *, DWORD, DWORD *, LPSTR, DWORD *) =
    CryptEnumProvidersA;
BOOL (WINAPI *fp_CryptEnumProvidersW)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR, DWORD *) =
    CryptEnumProvidersW;
BOOL (WINAPI *fp_CryptEnumProviderTypesA)(DWORD, DWORD *, DWORD, DWORD *, LPSTR,
                                          DWORD *) = CryptEnumProviderTypesA;
BOOL (WINAPI *fp_CryptEnumProviderTypesW)(DWORD, DWORD *, DWORD, DWORD *, LPWSTR,
                                          DWORD *) = CryptEnumProviderTypesW;
BOOL (WINAPI *fp_CryptGetDefaultProviderA)(DWORD, DWORD *, DWORD, LPSTR, DWORD *) =
    CryptGetDefaultProviderA;
BOOL (WINAPI *fp_CryptGetDefaultProviderW)(DWORD, DWORD *, DWORD, LPWSTR, DWORD *) =
    CryptGetDefaultProviderW;
BOOL (WINAPI *fp_CryptSetProviderA)(LPCSTR, DWORD) = CryptSetProviderA;
BOOL (WINAPI *fp_CryptSetProviderW)(LPCWSTR, DWORD) = CryptSetProviderW;
BOOL (WINAPI *fp_CryptSetProviderExA)(LPCSTR, DWORD, DWORD *, DWORD) = CryptSetProviderExA;
BOOL (WINAPI *fp_CryptSetProviderExW)(LPCWSTR, DWORD, DWORD *, DWORD) =
    CryptSetProviderExW;
BOOLEAN (WINAPI *fp_SystemFunction036)(PVOID, ULONG) = SystemFunction036;
BOOLEAN (WINAPI *fp_RtlGenRandom)(PVOID, ULONG) = RtlGenRandom;
DWORD (WINAPI *fp_GetLastError)(void) = GetLastError;
void (WINAPI *fp_SetLastError)(DWORD) = SetLastError;

/* Without UNICODE the unsuffixed names are the A functions. */
BOOL (WINAPI *map_CryptAcquireContext)(HCRYPTPROV *, LPCSTR, LPCSTR, DWORD, DWORD) =
    CryptAcquireContext;
BOOL (WINAPI *map_CryptSignHash)(HCRYPTHASH, DWORD, LPCSTR, DWORD, BYTE *, DWORD *) =
    CryptSignHash;
BOOL (WINAPI *map_CryptVerifySignature)(HCRYPTHASH, const BYTE *, DWORD, HCRYPTKEY,
                                        LPCSTR, DWORD) = CryptVerifySignature;
BOOL (WINAPI *map_CryptEnumProviders)(DWORD, DWORD *, DWORD, DWORD *, LPSTR, DWORD *) =
    CryptEnumProviders;
BOOL (WINAPI *map_CryptEnumProviderTypes)(DWORD, DWORD *, DWORD, DWORD *, LPSTR,
                                          DWORD *) = CryptEnumProviderTypes;
BOOL (WINAPI *map_CryptGetDefaultProvider)(DWORD, DWORD *, DWORD, LPSTR, DWORD *) =
    CryptGetDefaultProvider;
BOOL (WINAPI *map_CryptSetProvider)(LPCSTR, DWORD) = CryptSetProvider;
BOOL (WINAPI *map_CryptSetProviderEx)(LPCSTR, DWORD, DWORD *, DWORD) = CryptSetProviderEx;

/* A typical call sequence, type-checked (never run). */
int typical_use(void);
int typical_use(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTHASH hash = 0;
    BYTE digest[32];
    DWORD len = (DWORD)sizeof(digest);
    static const BYTE data[] = { 'a', 'b', 'c' };

    if (!CryptAcquireContext(&prov, NULL, MS_ENH_RSA_AES_PROV, PROV_RSA_AES,
                             CRYPT_VERIFYCONTEXT))
        return classify_last_error();
    if (CryptCreateHash(prov, CALG_SHA_256, 0, 0, &hash) &&
        CryptHashData(hash, data, (DWORD)sizeof(data), 0) &&
        CryptGetHashParam(hash, HP_HASHVAL, digest, &len, 0)) {
        (void)CryptDestroyHash(hash);
    }
    if (!RtlGenRandom(digest, (ULONG)sizeof(digest)))
        SetLastError(NTE_FAIL);
    return CryptReleaseContext(prov, 0) ? (int)len : classify_last_error();
}

int main(void)
{
    return 0;
}
