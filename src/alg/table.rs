//! The algorithm table of each provider: what `PP_ENUMALGS_EX` reports, and the one source of
//! every key-length, algorithm and hash-availability check.
//!
//! Each provider personality has one table of [`AlgInfo`] rows in Windows' enumeration order.
//! Key generation, derivation and import ask [`key_lengths`](super::key_lengths) (the row's
//! default, minimum and maximum), hash creation asks [`offers_hash`](super::offers_hash) (is
//! there a row), and `CryptGetProvParam(PP_ENUMALGS/PP_ENUMALGS_EX)` walks the rows. Adding a
//! provider is adding a row set here and a registry entry in `provider`.
//!
//! The rows are Microsoft's, as Wine's rsaenh records them for each personality
//! (`aProvEnumAlgsEx`) and as the conformance tests confirm where they exercise a length (the
//! catalogue's §4.5.1), with three deliberate differences: SChannel MAC keys' lengths are the
//! ones they can have (8 to 512 bits), and the generic `CALG_AES` is not listed,
//! because the AES provider refuses it as a key algorithm (`NTE_BAD_ALGID`, as Windows does),
//! and SHA-384's long name is "Secure Hash Algorithm (SHA-384)". The DSS/DH providers' tables
//! leave out `CALG_CYLINK_MEK`, which Windows lists: no public description says how its 40-bit
//! key becomes the DES key it is a variant of, so it is not offered (`NTE_BAD_ALGID`) rather
//! than guessed.

use super::AlgId;

/// `CRYPT_FLAG_PCT1`: usable in PCT 1.0.
pub const CRYPT_FLAG_PCT1: u32 = 0x0001;
/// `CRYPT_FLAG_SSL2`: usable in SSL 2.0.
pub const CRYPT_FLAG_SSL2: u32 = 0x0002;
/// `CRYPT_FLAG_SSL3`: usable in SSL 3.0.
pub const CRYPT_FLAG_SSL3: u32 = 0x0004;
/// `CRYPT_FLAG_TLS1`: usable in TLS 1.0.
pub const CRYPT_FLAG_TLS1: u32 = 0x0008;
/// `CRYPT_FLAG_IPSEC`: usable in IPsec.
pub const CRYPT_FLAG_IPSEC: u32 = 0x0010;
/// `CRYPT_FLAG_SIGNING`: usable for signatures.
pub const CRYPT_FLAG_SIGNING: u32 = 0x0020;

/// Every secure-channel protocol (`PCT1 | SSL2 | SSL3 | TLS1`).
const ALL_SCHANNEL: u32 = CRYPT_FLAG_PCT1 | CRYPT_FLAG_SSL2 | CRYPT_FLAG_SSL3 | CRYPT_FLAG_TLS1;
/// RSA key pairs: signing and IPsec.
const RSA_PAIR: u32 = CRYPT_FLAG_SIGNING | CRYPT_FLAG_IPSEC;

/// One algorithm a provider offers: a `PROV_ENUMALGS_EX` row.
///
/// ```
/// use cryptoapi::{AlgId, Provider, ProviderType};
/// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
/// let rc4 = prov.algorithms().iter().find(|a| a.alg == AlgId::RC4).unwrap();
/// assert_eq!((rc4.default_bits, rc4.min_bits, rc4.max_bits), (128, 40, 128));
/// assert_eq!(rc4.name, "RC4");
/// assert_eq!(rc4.long_name, "RSA Data Security's RC4");
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "PROV_ENUMALGS_EX", alias = "PROV_ENUMALGS")]
#[non_exhaustive]
pub struct AlgInfo {
    /// `aiAlgid`.
    pub alg: AlgId,
    /// `dwDefaultLen` (and `PROV_ENUMALGS`' `dwBitLen`): the length in bits a key or hash has
    /// when none is asked for (0 for a MAC, whose length follows its key).
    pub default_bits: u32,
    /// `dwMinLen`.
    pub min_bits: u32,
    /// `dwMaxLen` (`0xFFFF_FFFF` where Windows reports -1: no fixed maximum).
    pub max_bits: u32,
    /// `dwProtocols`: the `CRYPT_FLAG_*` bits.
    pub protocols: u32,
    /// `szName`: the short name (at most 19 characters).
    pub name: &'static str,
    /// `szLongName`: the long name (at most 39 characters).
    pub long_name: &'static str,
    /// The step between valid key lengths in bits, above `min_bits` (0: any length the
    /// algorithm's own checks accept). 64 for the DSS providers' key pairs, which is also
    /// what their `PP_SIG_KEYSIZE_INC` / `PP_KEYX_KEYSIZE_INC` report.
    pub(crate) step_bits: u32,
}

const fn row(
    alg: AlgId,
    (default_bits, min_bits, max_bits): (u32, u32, u32),
    protocols: u32,
    name: &'static str,
    long_name: &'static str,
) -> AlgInfo {
    AlgInfo {
        alg,
        default_bits,
        min_bits,
        max_bits,
        protocols,
        name,
        long_name,
        step_bits: 0,
    }
}

/// `info` with key lengths in steps of `step_bits` (the DSS providers' pairs: 64).
const fn stepped(info: AlgInfo, step_bits: u32) -> AlgInfo {
    AlgInfo { step_bits, ..info }
}

/// No fixed maximum (Windows' -1).
const NO_MAX: u32 = u32::MAX;

const RC2: &str = "RSA Data Security's RC2";
const RC4: &str = "RSA Data Security's RC4";
const DES: &str = "Data Encryption Standard (DES)";
const DES112: &str = "Two Key Triple DES";
const DES168: &str = "Three Key Triple DES";
const SHA1: &str = "Secure Hash Algorithm (SHA-1)";
const MD2: &str = "Message Digest 2 (MD2)";
const MD4: &str = "Message Digest 4 (MD4)";
const MD5: &str = "Message Digest 5 (MD5)";
const SHAMD5: &str = "SSL3 SHAMD5";
const MAC: &str = "Message Authentication Code";
const RSA_SIGN: &str = "RSA Signature";
const RSA_KEYX: &str = "RSA Key Exchange";
const HMAC: &str = "Hugo's MAC (HMAC)";

/// Microsoft Base Cryptographic Provider v1.0: export-grade lengths, no triple DES.
pub(super) static BASE: &[AlgInfo] = &[
    row(AlgId::RC2, (40, 40, 56), 0, "RC2", RC2),
    row(AlgId::RC4, (40, 40, 56), 0, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), 0, "DES", DES),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD2, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD2", MD2),
    row(AlgId::MD4, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD4", MD4),
    row(AlgId::MD5, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD5", MD5),
    row(
        AlgId::SSL3_SHAMD5,
        (288, 288, 288),
        0,
        "SSL3 SHAMD5",
        SHAMD5,
    ),
    row(AlgId::MAC, (0, 0, 0), 0, "MAC", MAC),
    row(
        AlgId::RSA_SIGN,
        (512, 384, 16384),
        RSA_PAIR,
        "RSA_SIGN",
        RSA_SIGN,
    ),
    row(
        AlgId::RSA_KEYX,
        (512, 384, 1024),
        RSA_PAIR,
        "RSA_KEYX",
        RSA_KEYX,
    ),
    row(AlgId::HMAC, (0, 0, 0), 0, "HMAC", HMAC),
];

/// Microsoft Strong Cryptographic Provider and Microsoft Enhanced Cryptographic Provider v1.0
/// (they differ in salt rules, not in this table).
pub(super) static STRONG: &[AlgInfo] = &[
    row(AlgId::RC2, (128, 40, 128), 0, "RC2", RC2),
    row(AlgId::RC4, (128, 40, 128), 0, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), 0, "DES", DES),
    row(
        AlgId::TRIPLE_DES_112,
        (112, 112, 112),
        0,
        "3DES TWO KEY",
        DES112,
    ),
    row(AlgId::TRIPLE_DES, (168, 168, 168), 0, "3DES", DES168),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD2, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD2", MD2),
    row(AlgId::MD4, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD4", MD4),
    row(AlgId::MD5, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD5", MD5),
    row(
        AlgId::SSL3_SHAMD5,
        (288, 288, 288),
        0,
        "SSL3 SHAMD5",
        SHAMD5,
    ),
    row(AlgId::MAC, (0, 0, 0), 0, "MAC", MAC),
    row(
        AlgId::RSA_SIGN,
        (1024, 384, 16384),
        RSA_PAIR,
        "RSA_SIGN",
        RSA_SIGN,
    ),
    row(
        AlgId::RSA_KEYX,
        (1024, 384, 16384),
        RSA_PAIR,
        "RSA_KEYX",
        RSA_KEYX,
    ),
    row(AlgId::HMAC, (0, 0, 0), 0, "HMAC", HMAC),
];

/// Microsoft Enhanced RSA and AES Cryptographic Provider: Strong's rows plus AES and SHA-2.
pub(super) static AES: &[AlgInfo] = &[
    row(AlgId::RC2, (128, 40, 128), 0, "RC2", RC2),
    row(AlgId::RC4, (128, 40, 128), 0, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), 0, "DES", DES),
    row(
        AlgId::TRIPLE_DES_112,
        (112, 112, 112),
        0,
        "3DES TWO KEY",
        DES112,
    ),
    row(AlgId::TRIPLE_DES, (168, 168, 168), 0, "3DES", DES168),
    row(
        AlgId::AES_128,
        (128, 128, 128),
        0,
        "AES-128",
        "Advanced Encryption Standard (AES-128)",
    ),
    row(
        AlgId::AES_192,
        (192, 192, 192),
        0,
        "AES-192",
        "Advanced Encryption Standard (AES-192)",
    ),
    row(
        AlgId::AES_256,
        (256, 256, 256),
        0,
        "AES-256",
        "Advanced Encryption Standard (AES-256)",
    ),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(
        AlgId::SHA_256,
        (256, 256, 256),
        CRYPT_FLAG_SIGNING,
        "SHA-256",
        "Secure Hash Algorithm (SHA-256)",
    ),
    row(
        AlgId::SHA_384,
        (384, 384, 384),
        CRYPT_FLAG_SIGNING,
        "SHA-384",
        "Secure Hash Algorithm (SHA-384)",
    ),
    row(
        AlgId::SHA_512,
        (512, 512, 512),
        CRYPT_FLAG_SIGNING,
        "SHA-512",
        "Secure Hash Algorithm (SHA-512)",
    ),
    row(AlgId::MD2, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD2", MD2),
    row(AlgId::MD4, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD4", MD4),
    row(AlgId::MD5, (128, 128, 128), CRYPT_FLAG_SIGNING, "MD5", MD5),
    row(
        AlgId::SSL3_SHAMD5,
        (288, 288, 288),
        0,
        "SSL3 SHAMD5",
        SHAMD5,
    ),
    row(AlgId::MAC, (0, 0, 0), 0, "MAC", MAC),
    row(
        AlgId::RSA_SIGN,
        (1024, 384, 16384),
        RSA_PAIR,
        "RSA_SIGN",
        RSA_SIGN,
    ),
    row(
        AlgId::RSA_KEYX,
        (1024, 384, 16384),
        RSA_PAIR,
        "RSA_KEYX",
        RSA_KEYX,
    ),
    row(AlgId::HMAC, (0, 0, 0), 0, "HMAC", HMAC),
];

/// Microsoft RSA SChannel Cryptographic Provider: the session ciphers and hashes of the secure
/// channel protocols, their master keys, and the SChannel derivation algorithms.
pub(super) static SCHANNEL: &[AlgInfo] = &[
    row(AlgId::RC2, (128, 40, 128), ALL_SCHANNEL, "RC2", RC2),
    row(AlgId::RC4, (128, 40, 128), ALL_SCHANNEL, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), ALL_SCHANNEL, "DES", DES),
    row(
        AlgId::TRIPLE_DES_112,
        (112, 112, 112),
        ALL_SCHANNEL,
        "3DES TWO KEY",
        DES112,
    ),
    row(
        AlgId::TRIPLE_DES,
        (168, 168, 168),
        ALL_SCHANNEL,
        "3DES",
        DES168,
    ),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING | ALL_SCHANNEL,
        "SHA-1",
        SHA1,
    ),
    row(
        AlgId::MD5,
        (128, 128, 128),
        CRYPT_FLAG_SIGNING | ALL_SCHANNEL,
        "MD5",
        MD5,
    ),
    row(
        AlgId::SSL3_SHAMD5,
        (288, 288, 288),
        0,
        "SSL3 SHAMD5",
        SHAMD5,
    ),
    row(AlgId::MAC, (0, 0, 0), 0, "MAC", MAC),
    row(
        AlgId::RSA_SIGN,
        (1024, 384, 16384),
        CRYPT_FLAG_SIGNING | ALL_SCHANNEL,
        "RSA_SIGN",
        RSA_SIGN,
    ),
    row(
        AlgId::RSA_KEYX,
        (1024, 384, 16384),
        CRYPT_FLAG_SIGNING | ALL_SCHANNEL,
        "RSA_KEYX",
        RSA_KEYX,
    ),
    row(AlgId::HMAC, (0, 0, 0), 0, "HMAC", HMAC),
    row(
        AlgId::PCT1_MASTER,
        (128, 128, 128),
        CRYPT_FLAG_PCT1,
        "PCT1 MASTER",
        "PCT1 Master",
    ),
    row(
        AlgId::SSL2_MASTER,
        (40, 40, 192),
        CRYPT_FLAG_SSL2,
        "SSL2 MASTER",
        "SSL2 Master",
    ),
    row(
        AlgId::SSL3_MASTER,
        (384, 384, 384),
        CRYPT_FLAG_SSL3,
        "SSL3 MASTER",
        "SSL3 Master",
    ),
    row(
        AlgId::TLS1_MASTER,
        (384, 384, 384),
        CRYPT_FLAG_TLS1,
        "TLS1 MASTER",
        "TLS1 Master",
    ),
    row(
        AlgId::SCHANNEL_MASTER_HASH,
        (0, 0, NO_MAX),
        0,
        "SCH MASTER HASH",
        "SChannel Master Hash",
    ),
    // Wine lists 0 / 0 / no maximum; a MAC key here is a whole number of bytes up to one HMAC
    // block (64 bytes), the most Microsoft's providers keep.
    row(
        AlgId::SCHANNEL_MAC_KEY,
        (0, 8, 512),
        0,
        "SCH MAC KEY",
        "SChannel MAC Key",
    ),
    row(
        AlgId::SCHANNEL_ENC_KEY,
        (0, 0, NO_MAX),
        0,
        "SCH ENC KEY",
        "SChannel Encryption Key",
    ),
    row(
        AlgId::TLS1PRF,
        (0, 0, NO_MAX),
        0,
        "TLS1 PRF",
        "TLS1 Pseudo Random Function",
    ),
];

const DSA: &str = "Digital Signature Algorithm";
const DH_SF: &str = "Diffie-Hellman Store and Forward";
const DH_EPHEM: &str = "Diffie-Hellman Ephemeral";

/// Microsoft Base DSS Cryptographic Provider: DSS signatures of 512 to 1024 bits (steps of 64,
/// the length checks' business), MD5 for hashing only, SHA-1 for signatures.
pub(super) static DSS_BASE: &[AlgInfo] = &[
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD5, (128, 128, 128), 0, "MD5", MD5),
    stepped(
        row(
            AlgId::DSS_SIGN,
            (1024, 512, 1024),
            CRYPT_FLAG_SIGNING,
            "DSA_SIGN",
            DSA,
        ),
        64,
    ),
];

/// Microsoft Base DSS and Diffie-Hellman Cryptographic Provider: DH pairs of 512 to 1024 bits
/// (Windows' conformance tests; the documentation's 384-512 is older) and export-grade session
/// keys.
pub(super) static DSS_DH: &[AlgInfo] = &[
    row(AlgId::RC2, (40, 40, 56), 0, "RC2", RC2),
    row(AlgId::RC4, (40, 40, 56), 0, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), 0, "DES", DES),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD5, (128, 128, 128), 0, "MD5", MD5),
    stepped(
        row(
            AlgId::DSS_SIGN,
            (1024, 512, 1024),
            CRYPT_FLAG_SIGNING,
            "DSA_SIGN",
            DSA,
        ),
        64,
    ),
    stepped(row(AlgId::DH_SF, (512, 512, 1024), 0, "DH_KEYX", DH_SF), 64),
    stepped(
        row(AlgId::DH_EPHEM, (512, 512, 1024), 0, "DH_KEYX", DH_EPHEM),
        64,
    ),
];

/// Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider: DH pairs up to 4096 bits,
/// triple DES and full-length RC2/RC4.
pub(super) static DSS_DH_ENHANCED: &[AlgInfo] = &[
    row(AlgId::RC2, (128, 40, 128), 0, "RC2", RC2),
    row(AlgId::RC4, (128, 40, 128), 0, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), 0, "DES", DES),
    row(
        AlgId::TRIPLE_DES_112,
        (112, 112, 112),
        0,
        "3DES TWO KEY",
        DES112,
    ),
    row(AlgId::TRIPLE_DES, (168, 168, 168), 0, "3DES", DES168),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD5, (128, 128, 128), 0, "MD5", MD5),
    stepped(
        row(
            AlgId::DSS_SIGN,
            (1024, 512, 1024),
            CRYPT_FLAG_SIGNING,
            "DSA_SIGN",
            DSA,
        ),
        64,
    ),
    stepped(
        row(AlgId::DH_SF, (1024, 512, 4096), 0, "DH_KEYX", DH_SF),
        64,
    ),
    stepped(
        row(AlgId::DH_EPHEM, (1024, 512, 4096), 0, "DH_KEYX", DH_EPHEM),
        64,
    ),
];

/// Microsoft DH SChannel Cryptographic Provider: the Enhanced DSS/DH rows, the MACs, and the
/// secure-channel master keys and derivations.
pub(super) static DH_SCHANNEL: &[AlgInfo] = &[
    row(AlgId::RC2, (128, 40, 128), ALL_SCHANNEL, "RC2", RC2),
    row(AlgId::RC4, (128, 40, 128), ALL_SCHANNEL, "RC4", RC4),
    row(AlgId::DES, (56, 56, 56), ALL_SCHANNEL, "DES", DES),
    row(
        AlgId::TRIPLE_DES_112,
        (112, 112, 112),
        ALL_SCHANNEL,
        "3DES TWO KEY",
        DES112,
    ),
    row(
        AlgId::TRIPLE_DES,
        (168, 168, 168),
        ALL_SCHANNEL,
        "3DES",
        DES168,
    ),
    row(
        AlgId::SHA1,
        (160, 160, 160),
        CRYPT_FLAG_SIGNING | ALL_SCHANNEL,
        "SHA-1",
        SHA1,
    ),
    row(AlgId::MD5, (128, 128, 128), ALL_SCHANNEL, "MD5", MD5),
    row(AlgId::MAC, (0, 0, 0), 0, "MAC", MAC),
    row(AlgId::HMAC, (0, 0, 0), 0, "HMAC", HMAC),
    stepped(
        row(
            AlgId::DSS_SIGN,
            (1024, 512, 1024),
            CRYPT_FLAG_SIGNING,
            "DSA_SIGN",
            DSA,
        ),
        64,
    ),
    stepped(
        row(
            AlgId::DH_SF,
            (1024, 512, 4096),
            ALL_SCHANNEL,
            "DH_KEYX",
            DH_SF,
        ),
        64,
    ),
    stepped(
        row(
            AlgId::DH_EPHEM,
            (1024, 512, 4096),
            ALL_SCHANNEL,
            "DH_KEYX",
            DH_EPHEM,
        ),
        64,
    ),
    row(
        AlgId::SSL3_MASTER,
        (384, 384, 384),
        CRYPT_FLAG_SSL3,
        "SSL3 MASTER",
        "SSL3 Master",
    ),
    row(
        AlgId::TLS1_MASTER,
        (384, 384, 384),
        CRYPT_FLAG_TLS1,
        "TLS1 MASTER",
        "TLS1 Master",
    ),
    row(
        AlgId::SCHANNEL_MASTER_HASH,
        (0, 0, NO_MAX),
        0,
        "SCH MASTER HASH",
        "SChannel Master Hash",
    ),
    row(
        AlgId::SCHANNEL_MAC_KEY,
        (0, 8, 512),
        0,
        "SCH MAC KEY",
        "SChannel MAC Key",
    ),
    row(
        AlgId::SCHANNEL_ENC_KEY,
        (0, 0, NO_MAX),
        0,
        "SCH ENC KEY",
        "SChannel Encryption Key",
    ),
    row(
        AlgId::TLS1PRF,
        (0, 0, NO_MAX),
        0,
        "TLS1 PRF",
        "TLS1 Pseudo Random Function",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name fits `PROV_ENUMALGS_EX`' fixed fields with its NUL, and no table lists an
    /// algorithm twice.
    #[test]
    fn rows_fit_the_windows_structures() {
        for table in [
            BASE,
            STRONG,
            AES,
            SCHANNEL,
            DSS_BASE,
            DSS_DH,
            DSS_DH_ENHANCED,
            DH_SCHANNEL,
        ] {
            for (i, info) in table.iter().enumerate() {
                assert!(info.name.len() < 20, "{}", info.name);
                assert!(info.long_name.len() < 40, "{}", info.long_name);
                assert!(info.name.is_ascii() && info.long_name.is_ascii());
                assert!(info.default_bits <= info.max_bits);
                assert!(table[..i].iter().all(|other| other.alg != info.alg));
            }
        }
    }
}
