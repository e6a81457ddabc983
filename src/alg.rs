//! Numeric Windows identifiers: provider types ([`ProviderType`]) and algorithm ids ([`AlgId`]).
//!
//! Both are open newtypes over the raw `u32`: every Windows constant has a name, `Debug` prints
//! the Windows name (or hex for a value without one), and values this crate does not know
//! round-trip unchanged through [`from_raw`](AlgId::from_raw) and [`raw`](AlgId::raw).

use std::fmt;

mod table;

pub use table::{
    AlgInfo, CRYPT_FLAG_IPSEC, CRYPT_FLAG_PCT1, CRYPT_FLAG_SIGNING, CRYPT_FLAG_SSL2,
    CRYPT_FLAG_SSL3, CRYPT_FLAG_TLS1,
};

/// Defines an open newtype over `u32`: the name, value and Windows name of each constant live on
/// one line, `NAME = value, "WINDOWS_NAME";`, with any other Windows names for the same value
/// after it (`SHA1 = 0x8004, "CALG_SHA1", "CALG_SHA";`).
///
/// The first Windows name is what `Debug` and `windows_name` give; every Windows name becomes a
/// `#[doc(alias)]`, so docs.rs search finds the constant by it. rustc rejects an alias equal
/// to the item's own name, so constants named exactly as in Windows (`AT_KEYEXCHANGE`) go in a
/// trailing `@same_name { NAME = value; ... }` block: their name is their Windows name.
macro_rules! open_newtype {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        $( $(#[$cmeta:meta])* $konst:ident = $value:literal, $win:literal $(, $alias:literal)*; )*
        $( @same_name { $( $(#[$smeta:meta])* $skonst:ident = $svalue:literal; )* } )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            $(
                $(#[$cmeta])*
                #[doc = concat!("Windows: `", $win, "` (`", stringify!($value), "`).")]
                #[doc(alias = $win)]
                $(#[doc(alias = $alias)])*
                pub const $konst: Self = Self($value);
            )*
            $($(
                $(#[$smeta])*
                #[doc = concat!("Windows: `", stringify!($skonst), "` (`", stringify!($svalue), "`).")]
                pub const $skonst: Self = Self($svalue);
            )*)?

            /// Wraps any raw value, known or not.
            #[must_use]
            pub const fn from_raw(raw: u32) -> Self {
                Self(raw)
            }

            /// The raw Windows value.
            #[must_use]
            pub const fn raw(self) -> u32 {
                self.0
            }

            /// The Windows name of this value, or `None` when it has none.
            #[must_use]
            pub const fn windows_name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($win),)*
                    $($($svalue => Some(stringify!($skonst)),)*)?
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.windows_name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}({:#x})", stringify!($name), self.0),
                }
            }
        }

        impl From<u32> for $name {
            fn from(raw: u32) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for u32 {
            fn from(value: $name) -> u32 {
                value.0
            }
        }
    };
}

/// Defines a closed enum of Windows values with `raw()` and `from_raw()`: each variant's name,
/// value, documentation and Windows name(s) live on one line, `Variant = value, "WINDOWS_NAME";`
/// (`Variant = value;` for a value Windows has no name for). Every Windows name becomes a
/// `#[doc(alias)]` of the variant.
macro_rules! windows_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal $(, $win:literal)*; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $(#[doc(alias = $win)])* $variant = $value, )*
        }

        impl $name {
            #[doc = concat!("The raw ", $what, " value.")]
            #[must_use]
            pub const fn raw(self) -> u32 {
                self as u32
            }

            #[doc = concat!("The value for a raw ", $what, ", `None` for one Windows does not define.")]
            #[must_use]
            pub const fn from_raw(raw: u32) -> Option<Self> {
                match raw {
                    $( $value => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use windows_enum;

open_newtype! {
    /// A provider type (`dwProvType`, the `PROV_*` constants).
    ///
    /// This crate implements [`RSA_FULL`](Self::RSA_FULL) (the Base, Strong and Enhanced
    /// providers), [`RSA_AES`](Self::RSA_AES) (the Enhanced RSA and AES provider) and
    /// [`RSA_SCHANNEL`](Self::RSA_SCHANNEL) (the RSA SChannel provider). Other valid types
    /// (1..=999) are answered with `NTE_PROV_TYPE_NOT_DEF`, as on a Windows machine without such
    /// a provider installed; values outside 1..=999 with `NTE_BAD_PROV_TYPE`.
    ///
    /// ```
    /// use cryptoapi::ProviderType;
    /// assert_eq!(ProviderType::RSA_AES.raw(), 24);
    /// assert_eq!(format!("{:?}", ProviderType::from_raw(1)), "PROV_RSA_FULL");
    /// assert_eq!(format!("{:?}", ProviderType::from_raw(777)), "ProviderType(0x309)");
    /// ```
    pub struct ProviderType;
    /// RSA signatures and key exchange, RC2/RC4/DES/3DES, MD2/MD4/MD5/SHA-1.
    RSA_FULL = 1, "PROV_RSA_FULL";
    /// RSA signatures only.
    RSA_SIG = 2, "PROV_RSA_SIG";
    /// DSS signatures.
    DSS = 3, "PROV_DSS";
    /// Fortezza.
    FORTEZZA = 4, "PROV_FORTEZZA";
    /// Microsoft Exchange.
    MS_EXCHANGE = 5, "PROV_MS_EXCHANGE";
    /// SSL.
    SSL = 6, "PROV_SSL";
    /// RSA SChannel.
    RSA_SCHANNEL = 12, "PROV_RSA_SCHANNEL";
    /// DSS with Diffie-Hellman.
    DSS_DH = 13, "PROV_DSS_DH";
    /// Diffie-Hellman SChannel.
    DH_SCHANNEL = 18, "PROV_DH_SCHANNEL";
    /// Everything `RSA_FULL` has, plus AES and SHA-2.
    RSA_AES = 24, "PROV_RSA_AES";
}

open_newtype! {
    /// An algorithm id (`ALG_ID`, the `CALG_*` constants).
    ///
    /// ```
    /// use cryptoapi::AlgId;
    /// assert_eq!(AlgId::SHA_256.raw(), 0x800c);
    /// assert_eq!(format!("{:?}", AlgId::RC4), "CALG_RC4");
    /// assert_eq!(AlgId::from_raw(0x1234).raw(), 0x1234);
    /// ```
    pub struct AlgId;
    /// MD2, 16-byte hash.
    MD2 = 0x8001, "CALG_MD2";
    /// MD4, 16-byte hash.
    MD4 = 0x8002, "CALG_MD4";
    /// MD5, 16-byte hash.
    MD5 = 0x8003, "CALG_MD5";
    /// SHA-1, 20-byte hash (`CALG_SHA` and `CALG_SHA1` are the same value).
    SHA1 = 0x8004, "CALG_SHA1", "CALG_SHA";
    /// CBC-MAC with a block-cipher key.
    MAC = 0x8005, "CALG_MAC";
    /// MD5 ‖ SHA-1 (36 bytes) for SSL3 signatures; its value is set, never hashed.
    SSL3_SHAMD5 = 0x8008, "CALG_SSL3_SHAMD5";
    /// HMAC over an inner hash chosen with `HMAC_INFO`.
    HMAC = 0x8009, "CALG_HMAC";
    /// The TLS 1.0 PRF (SChannel only).
    TLS1PRF = 0x800A, "CALG_TLS1PRF";
    /// SHA-256, 32-byte hash (`PROV_RSA_AES` only).
    SHA_256 = 0x800C, "CALG_SHA_256";
    /// SHA-384, 48-byte hash (`PROV_RSA_AES` only).
    SHA_384 = 0x800D, "CALG_SHA_384";
    /// SHA-512, 64-byte hash (`PROV_RSA_AES` only).
    SHA_512 = 0x800E, "CALG_SHA_512";
    /// RSA signature key pair.
    RSA_SIGN = 0x2400, "CALG_RSA_SIGN";
    /// RSA key-exchange key pair.
    RSA_KEYX = 0xA400, "CALG_RSA_KEYX";
    /// DES, 8-byte blocks, 56-bit key.
    DES = 0x6601, "CALG_DES";
    /// RC2, 8-byte blocks, variable key and effective key length.
    RC2 = 0x6602, "CALG_RC2";
    /// Three-key triple DES, 168-bit key.
    TRIPLE_DES = 0x6603, "CALG_3DES";
    /// Two-key triple DES (K1, K2, K1), 112-bit key.
    TRIPLE_DES_112 = 0x6609, "CALG_3DES_112";
    /// AES with a 128-bit key (`PROV_RSA_AES` only).
    AES_128 = 0x660E, "CALG_AES_128";
    /// AES with a 192-bit key (`PROV_RSA_AES` only).
    AES_192 = 0x660F, "CALG_AES_192";
    /// AES with a 256-bit key (`PROV_RSA_AES` only).
    AES_256 = 0x6610, "CALG_AES_256";
    /// Generic AES: not accepted by key generation or derivation (`NTE_BAD_ALGID`), as on Windows.
    AES = 0x6611, "CALG_AES";
    /// RC4 stream cipher.
    RC4 = 0x6801, "CALG_RC4";
    /// SSL3 master secret (SChannel).
    SSL3_MASTER = 0x4C01, "CALG_SSL3_MASTER";
    /// SChannel master hash.
    SCHANNEL_MASTER_HASH = 0x4C02, "CALG_SCHANNEL_MASTER_HASH";
    /// SChannel MAC key.
    SCHANNEL_MAC_KEY = 0x4C03, "CALG_SCHANNEL_MAC_KEY";
    /// PCT1 master secret.
    PCT1_MASTER = 0x4C04, "CALG_PCT1_MASTER";
    /// SSL2 master secret.
    SSL2_MASTER = 0x4C05, "CALG_SSL2_MASTER";
    /// TLS1 master secret.
    TLS1_MASTER = 0x4C06, "CALG_TLS1_MASTER";
    /// SChannel encryption key.
    SCHANNEL_ENC_KEY = 0x4C07, "CALG_SCHANNEL_ENC_KEY";
    /// DSS (DSA, FIPS 186-2) signature key pair.
    DSS_SIGN = 0x2200, "CALG_DSS_SIGN";
    /// Diffie-Hellman store-and-forward key pair.
    DH_SF = 0xAA01, "CALG_DH_SF";
    /// Diffie-Hellman ephemeral key pair.
    DH_EPHEM = 0xAA02, "CALG_DH_EPHEM";
    /// The session key an agreement makes until `KP_ALGID` names its algorithm.
    AGREEDKEY_ANY = 0xAA03, "CALG_AGREEDKEY_ANY";
    /// Cylink's MEK: a 40-bit variant of DES (DSS/DH providers).
    CYLINK_MEK = 0x660C, "CALG_CYLINK_MEK";
    @same_name {
        /// The container's key-exchange pair, as `CryptGenKey` takes it (the key is a
        /// `CALG_RSA_KEYX` pair).
        AT_KEYEXCHANGE = 1;
        /// The container's signature pair, as `CryptGenKey` takes it (the key is a
        /// `CALG_RSA_SIGN` pair).
        AT_SIGNATURE = 2;
    }
}

/// Which Microsoft provider's rules apply. Strong and Enhanced differ only in salt behaviour and
/// RC2 effective-length reporting; AES is Enhanced plus AES and SHA-2; SChannel is Enhanced's
/// ciphers without MD2/MD4, plus the secure-channel master keys and derivations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Personality {
    /// Microsoft Base Cryptographic Provider v1.0: export-grade limits.
    Base,
    /// Microsoft Strong Cryptographic Provider.
    Strong,
    /// Microsoft Enhanced Cryptographic Provider v1.0.
    Enhanced,
    /// Microsoft Enhanced RSA and AES Cryptographic Provider.
    Aes,
    /// Microsoft RSA SChannel Cryptographic Provider: the Enhanced lengths without AES, MD2 and
    /// MD4, plus SSL 3.0 / TLS 1.0 master keys and the SChannel hashes.
    Schannel,
    /// Microsoft Base DSS Cryptographic Provider: DSS signatures, MD5 and SHA-1 only.
    Dss,
    /// Microsoft Base DSS and Diffie-Hellman Cryptographic Provider: DSS, DH up to 1024 bits,
    /// export-grade session keys.
    DssDh,
    /// Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider: DH up to 4096 bits,
    /// full-length session keys.
    DssDhEnhanced,
    /// Microsoft DH SChannel Cryptographic Provider: the Enhanced DSS/DH algorithms and the
    /// secure-channel master keys.
    DhSchannel,
}

impl Personality {
    /// Whether this is one of the DSS family (DSS signatures, Diffie-Hellman), whose containers
    /// are apart from the RSA family's, as on Windows.
    pub(crate) fn is_dss_family(self) -> bool {
        matches!(
            self,
            Personality::Dss
                | Personality::DssDh
                | Personality::DssDhEnhanced
                | Personality::DhSchannel
        )
    }

    /// Enhanced-style salt rules (no salt taken from `CRYPT_CREATE_SALT`).
    pub(crate) fn is_enhanced(self) -> bool {
        matches!(self, Personality::Enhanced | Personality::Aes)
    }

    /// The provider's algorithm table, in `PP_ENUMALGS` order.
    pub(crate) fn algorithms(self) -> &'static [AlgInfo] {
        match self {
            Personality::Base => table::BASE,
            Personality::Strong | Personality::Enhanced => table::STRONG,
            Personality::Aes => table::AES,
            Personality::Schannel => table::SCHANNEL,
            Personality::Dss => table::DSS_BASE,
            Personality::DssDh => table::DSS_DH,
            Personality::DssDhEnhanced => table::DSS_DH_ENHANCED,
            Personality::DhSchannel => table::DH_SCHANNEL,
        }
    }

    /// The table row of `alg`, `None` when the provider does not offer it.
    #[inline]
    pub(crate) fn algorithm(self, alg: AlgId) -> Option<&'static AlgInfo> {
        self.algorithms().iter().find(|info| info.alg == alg)
    }
}

/// `ALG_CLASS_HASH`, the class bits of a hash (or MAC) algorithm id.
const ALG_CLASS_HASH: u32 = 4 << 13;
/// The class bits of an algorithm id.
const ALG_CLASS_MASK: u32 = 7 << 13;

/// Key lengths in bits: default, minimum and maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyLengths {
    pub(crate) default: u32,
    pub(crate) min: u32,
    pub(crate) max: u32,
    /// The step between valid lengths above `min` (0: no step rule).
    pub(crate) step: u32,
}

/// The key lengths of `alg` from the provider's table (catalogue §4.5.1), or `None` when the
/// provider does not offer `alg` as a key (hashes and MACs are not keys).
pub(crate) fn key_lengths(personality: Personality, alg: AlgId) -> Option<KeyLengths> {
    if alg.raw() & ALG_CLASS_MASK == ALG_CLASS_HASH {
        return None;
    }
    personality.algorithm(alg).map(|info| KeyLengths {
        default: info.default_bits,
        min: info.min_bits,
        max: info.max_bits,
        step: info.step_bits,
    })
}

/// Whether the provider offers `alg` as a hash algorithm (catalogue §4.1): a hash-class row of
/// its table, or SChannel's master hash.
#[inline]
pub(crate) fn offers_hash(personality: Personality, alg: AlgId) -> bool {
    (alg.raw() & ALG_CLASS_MASK == ALG_CLASS_HASH || alg == AlgId::SCHANNEL_MASTER_HASH)
        && personality.algorithm(alg).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_round_trip_and_print_hex() {
        let alg = AlgId::from_raw(0xdead);
        assert_eq!(alg.raw(), 0xdead);
        assert_eq!(alg.windows_name(), None);
        assert_eq!(format!("{alg:?}"), "AlgId(0xdead)");
        assert_eq!(u32::from(AlgId::from(0x6610)), 0x6610);
        assert_eq!(AlgId::from(0x6610), AlgId::AES_256);
    }

    #[test]
    fn key_specs_are_alg_ids() {
        assert_eq!(AlgId::AT_KEYEXCHANGE.raw(), 1);
        assert_eq!(AlgId::AT_SIGNATURE.raw(), 2);
        assert_eq!(format!("{:?}", AlgId::AT_KEYEXCHANGE), "AT_KEYEXCHANGE");
        assert_eq!(format!("{:?}", AlgId::from_raw(2)), "AT_SIGNATURE");
    }

    #[test]
    fn length_table_matches_the_catalogue() {
        use Personality::*;
        assert_eq!(key_lengths(Base, AlgId::RC4).map(|l| l.default), Some(40));
        assert_eq!(
            key_lengths(Enhanced, AlgId::RC4).map(|l| l.default),
            Some(128)
        );
        assert_eq!(key_lengths(Base, AlgId::TRIPLE_DES), None);
        assert_eq!(key_lengths(Enhanced, AlgId::AES_128), None);
        assert_eq!(key_lengths(Aes, AlgId::AES_256).map(|l| l.max), Some(256));
        assert_eq!(
            key_lengths(Base, AlgId::RSA_KEYX).map(|l| l.max),
            Some(1024)
        );
        assert_eq!(key_lengths(Aes, AlgId::AES), None);
    }

    #[test]
    fn schannel_rows() {
        use Personality::*;
        assert_eq!(
            key_lengths(Schannel, AlgId::RC2).map(|l| l.default),
            Some(128)
        );
        assert_eq!(
            key_lengths(Schannel, AlgId::TRIPLE_DES).map(|l| l.max),
            Some(168)
        );
        assert_eq!(key_lengths(Schannel, AlgId::AES_128), None);
        assert_eq!(
            key_lengths(Schannel, AlgId::TLS1_MASTER).map(|l| (l.min, l.max)),
            Some((384, 384))
        );
        assert_eq!(key_lengths(Enhanced, AlgId::SSL3_MASTER), None);
        assert!(!offers_hash(Schannel, AlgId::MD2));
        assert!(offers_hash(Schannel, AlgId::TLS1PRF));
        assert!(offers_hash(Schannel, AlgId::SCHANNEL_MASTER_HASH));
        assert!(!offers_hash(Aes, AlgId::TLS1PRF));
        assert!(!offers_hash(Schannel, AlgId::SHA_256));
    }

    #[test]
    fn sha2_only_on_the_aes_provider() {
        assert!(!offers_hash(Personality::Strong, AlgId::SHA_256));
        assert!(offers_hash(Personality::Aes, AlgId::SHA_512));
        assert!(offers_hash(Personality::Base, AlgId::MD5));
        assert!(!offers_hash(Personality::Aes, AlgId::RC4));
    }
}
