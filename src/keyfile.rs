//! Key files: RSA and DSA keys to and from the formats of the ecosystem, with or without a
//! [`Provider`].
//!
//! A [`KeyFile`] is an RSA or a DSA key ([`KeyFile::kind`]) as a file holds it: its public
//! numbers and, when the file has them, its private numbers (in buffers wiped on drop). Read one from bytes in any format
//! below ([`KeyFile::read`] detects which), from a key BLOB ([`KeyFile::from_blob`]) or from a
//! [`Key`] ([`KeyFile::from_key`], with `CryptExportKey`'s rules); write it in any format
//! ([`KeyFile::write`]), as a BLOB ([`KeyFile::to_blob`]), or into a provider
//! ([`KeyFile::import`], as `CryptImportKey` does). The conversions are pure: no provider, no
//! key container, no `rsa` key object is involved.
//!
//! DSA keys (FIPS 186-2, as Microsoft's DSS providers hold them: p of 512 to 1024 bits in
//! whole bytes, a 160-bit q) go through every format that carries DSA: PKCS#8 and encrypted
//! PKCS#8 (`id-dsa` with `Dss-Parms`, x as an INTEGER), SPKI (y as an INTEGER), OpenSSL's
//! traditional `DSA PRIVATE KEY` (`DSAPrivateKey`, what `openssl dsa` writes; read and written
//! as [`Pkcs1Pem`](KeyFormat::Pkcs1Pem)/[`Pkcs1Der`](KeyFormat::Pkcs1Der)), PVK files holding a
//! "DSS2" blob (as `openssl dsa -outform PVK` writes them, under `AT_SIGNATURE`) in all three
//! encryptions, and "DSS1"/"DSS2" BLOBs ("DSS3"/"DSS4" read, and written back in their own
//! layout). Their `ALG_ID` is `CALG_DSS_SIGN`. `.snk` files and strong names are RSA only;
//! [`KeyFile::from_key`] takes a DSS key of the DSS providers, and [`KeyFile::import`] puts a
//! DSA key into one.
//!
//! | format ([`KeyFormat`], CLI name) | reads | writes | used for |
//! |---|---|---|---|
//! | [`Blob`](KeyFormat::Blob) `blob` | `PUBLICKEYBLOB`, `PRIVATEKEYBLOB` (a private exponent cut short too) | both | `CryptImportKey`/`CryptExportKey`; .NET `RSACryptoServiceProvider.ImportCspBlob`/`ExportCspBlob` |
//! | [`Pvk`](KeyFormat::Pvk) `pvk` | unencrypted, weak (40-bit RC4) and strong (128-bit RC4) | all three | `makecert -sv`, `signtool`, `pvk2pfx`, DPAPI domain backup keys; `openssl rsa -outform PVK` |
//! | [`Snk`](KeyFormat::Snk) `snk` | key pairs (`sn -k`), public key files (`sn -p`) | both | .NET strong names (`sn`, `csc -keyfile`, `<AssemblyOriginatorKeyFile>`), public key tokens |
//! | [`Pkcs1Pem`](KeyFormat::Pkcs1Pem) `pkcs1-pem`, [`Pkcs1Der`](KeyFormat::Pkcs1Der) `pkcs1-der` | `RSA PRIVATE KEY`, `RSA PUBLIC KEY` | both | OpenSSL's "traditional" format (`openssl genrsa` before 3.0, `-traditional`), PHP, Ruby, older Python |
//! | [`Pkcs8Pem`](KeyFormat::Pkcs8Pem) `pkcs8-pem`, [`Pkcs8Der`](KeyFormat::Pkcs8Der) `pkcs8-der` | `PRIVATE KEY` | yes | OpenSSL 3's default, Java's `PKCS8EncodedKeySpec`, Python `cryptography`, Go, Node |
//! | [`Pkcs8EncryptedPem`](KeyFormat::Pkcs8EncryptedPem) `pkcs8-encrypted-pem` | `ENCRYPTED PRIVATE KEY` (and its DER): PBES2 with PBKDF2 (HMAC-SHA-1/-224/-256/-384/-512) or scrypt, AES-128/192/256-CBC, AES-GCM or 3DES | PBKDF2-HMAC-SHA-256 ([`PKCS8_ITERATIONS`]), AES-256-CBC | a private key under a password: `openssl pkcs8 -topk8`, `openssl genpkey -aes256` |
//! | [`SpkiPem`](KeyFormat::SpkiPem) `spki-pem`, [`SpkiDer`](KeyFormat::SpkiDer) `spki-der` | `PUBLIC KEY` | yes | X.509 public keys: `openssl rsa -pubout`, Java's `X509EncodedKeySpec`, WebCrypto, JWT libraries |
//!
//! Byte-exact where the format is deterministic: a file read and written again in its own
//! format gives the same bytes, for every format but the encrypted ones (whose salt and IV are
//! fresh each time), and the DER and PEM this module writes are the bytes OpenSSL writes for
//! the same key (64-column PEM lines, LF line endings).
//!
//! # Examples
//!
//! A .NET strong-name key pair to PEM for OpenSSL, and its public key token as `sn -t`
//! prints it:
//!
//! ```
//! use cryptoapi::{KeyFile, KeyFormat, PvkEncryption};
//! # use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
//! # let dir = tempfile::tempdir()?;
//! # let prov = Provider::verify_context(ProviderType::RSA_AES)?;
//! # let pair = prov.gen_key(AlgId::RSA_SIGN, KeyFlags::EXPORTABLE.with_key_bits(1024))?;
//! # let snk = KeyFile::from_key(&pair, false)?.write(KeyFormat::Snk, false, None, PvkEncryption::None)?;
//! # let path = |name: &str| dir.path().join(name);
//! # std::fs::write(path("MyKey.snk"), &snk)?;
//!
//! let key = KeyFile::read(&std::fs::read(path("MyKey.snk"))?, None, None)?;
//! assert_eq!(key.format(), KeyFormat::Blob); // an `sn -k` key pair is a bare PRIVATEKEYBLOB
//! let pem = key.write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None)?;
//! assert!(pem.starts_with(b"-----BEGIN PRIVATE KEY-----\n"));
//! std::fs::write(path("MyKey.pem"), &pem)?;
//!
//! // `sn -p MyKey.snk MyKey.pub` and `sn -t MyKey.pub`:
//! let public_key_file = key.write(KeyFormat::Snk, true, None, PvkEncryption::None)?;
//! std::fs::write(path("MyKey.pub"), &public_key_file)?;
//! let token: String = key.public_key_token().iter().map(|b| format!("{b:02x}")).collect();
//! println!("Public key token is {token}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A password-protected PVK file (as `makecert -sv` or `openssl rsa -outform PVK` write them)
//! to PKCS#1 PEM:
//!
//! ```
//! use cryptoapi::{KeyFile, KeyFormat, PvkEncryption};
//! # use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
//! # let prov = Provider::verify_context(ProviderType::RSA_AES)?;
//! # let pair = prov.gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(1024))?;
//! # let pvk = KeyFile::from_key(&pair, false)?.write(KeyFormat::Pvk, false, Some(b"s3cret"), PvkEncryption::Strong)?;
//!
//! // let pvk = std::fs::read("signing.pvk")?;
//! let key = KeyFile::read(&pvk, None, Some(b"s3cret"))?;
//! assert_eq!(key.pvk_encryption(), Some(PvkEncryption::Strong));
//! let pem = key.write(KeyFormat::Pkcs1Pem, false, None, PvkEncryption::None)?;
//! assert!(pem.starts_with(b"-----BEGIN RSA PRIVATE KEY-----\n"));
//!
//! // A wrong password is an error, never a garbage key.
//! let wrong = KeyFile::read(&pvk, None, Some(b"guess")).unwrap_err();
//! assert_eq!(wrong.code(), cryptoapi::codes::ERROR_INVALID_PASSWORD);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A PEM key from OpenSSL (`openssl genrsa`, `openssl genpkey`) to the `PRIVATEKEYBLOB` that
//! .NET's `RSACryptoServiceProvider.ImportCspBlob` takes (and `CryptImportKey`):
//!
//! ```
//! use cryptoapi::{BlobType, KeyFile, KeyFlags, KeySpec, Provider, ProviderType};
//! # use cryptoapi::{AlgId, KeyFormat, PvkEncryption};
//! # let prov = Provider::verify_context(ProviderType::RSA_AES)?;
//! # let pair = prov.gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(1024))?;
//! # let pem = KeyFile::from_key(&pair, false)?.write(KeyFormat::Pkcs8Pem, false, None, PvkEncryption::None)?;
//!
//! // let pem = std::fs::read("key.pem")?;
//! let key = KeyFile::read(&pem, None, None)?;
//! assert_eq!(key.key_spec(), KeySpec::Exchange); // PEM keys become exchange (CALG_RSA_KEYX) keys
//! let blob = key.to_blob(false)?;
//! assert_eq!(blob[0], BlobType::PrivateKeyBlob.raw() as u8);
//! // C#: using var rsa = new RSACryptoServiceProvider(); rsa.ImportCspBlob(File.ReadAllBytes("key.blob"));
//! // std::fs::write("key.blob", &blob)?;
//!
//! // Or straight into a provider, as CryptImportKey does:
//! let prov = Provider::verify_context(ProviderType::RSA_AES)?;
//! let pair = key.import(&prov, KeyFlags::EXPORTABLE)?;
//! assert_eq!(pair.key_bits(), key.bits());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors and passwords
//!
//! Malformed input of any format is `NTE_BAD_DATA`, and so are numbers that do not form a
//! consistent RSA key (every key read is checked: `p·q = n`, the CRT values, the exponents) or
//! DSA key (q divides p − 1, 1 < g < p − 1 and g^q ≡ 1 (mod p), 1 ≤ x < q, 1 < y < p − 1 and
//! y^q ≡ 1, y = g^x when the file holds both), so a damaged file gives an error rather than a
//! key that computes wrong results. A DSA key the DSS providers cannot hold (p outside 512 to
//! 1024 bits or not whole bytes, a q other than 160 bits, such as OpenSSL 3's default 224-bit q
//! at 1024 bits: generate with `-pkeyopt dsa_paramgen_q_bits:160`) is `NTE_BAD_DATA` too. A
//! PKCS#8 private key holds x alone, so a changed x reads as another valid key: only encrypted
//! PKCS#8 and the formats that carry y as well detect that. A well-formed PKCS#8 or SPKI key
//! of another algorithm (EC, Ed25519, RSA-PSS) is `NTE_BAD_ALGID`. An
//! encrypted file read without a password is `ERROR_INVALID_PARAMETER` (ask for one and read
//! again; [`KeyFile::needs_password`] tells beforehand), and a wrong password is
//! `ERROR_INVALID_PASSWORD`, Windows' code for a wrong PFX password (a damaged encrypted part
//! looks the same). Passwords are bytes: pass the UTF-8 of a typed password, without a NUL
//! (what OpenSSL, `pvk2pfx` and `makecert` hash).

mod dsa;
mod numbers;
mod pkcs;
mod pvk;
mod snk;

use std::fmt;

use zeroize::Zeroizing;

use crate::alg::AlgId;
use crate::blob::{self, BlobType, RsaParts};
use crate::dss::{self, DsaKey};
use crate::error::{Error, Result};
use crate::key::{Key, KeyFlags, KeySpec};
use crate::provider::Provider;

/// The PBKDF2-HMAC-SHA-256 iteration count of the encrypted PKCS#8 keys
/// [`KeyFile::write`] makes (OWASP's recommendation for PBKDF2-HMAC-SHA-256; OpenSSL 3's
/// default is 2048). [`KeyFile::write_pkcs8_encrypted`] takes any count.
pub const PKCS8_ITERATIONS: u32 = 600_000;

/// The key-file formats (the CLI's FMT names are [`name`](KeyFormat::name)).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFormat {
    /// A `PUBLICKEYBLOB` or `PRIVATEKEYBLOB` (`blob`): what `CryptExportKey` writes and .NET's
    /// `ExportCspBlob` returns. A .NET `.snk` key pair is one too.
    Blob,
    /// A Microsoft PVK file (`pvk`), unencrypted or with an RC4 key from a password.
    Pvk,
    /// A .NET strong-name key (`snk`): a key pair (`sn -k`, a bare `PRIVATEKEYBLOB`) or a public
    /// key file (`sn -p`).
    Snk,
    /// PKCS#1 in PEM (`pkcs1-pem`): `RSA PRIVATE KEY` or `RSA PUBLIC KEY`; for DSA keys,
    /// OpenSSL's traditional `DSA PRIVATE KEY` (there is no traditional DSA public key).
    Pkcs1Pem,
    /// PKCS#1 DER (`pkcs1-der`): `RSAPrivateKey` or `RSAPublicKey`; for DSA keys, OpenSSL's
    /// `DSAPrivateKey` {0, p, q, g, y, x}.
    Pkcs1Der,
    /// PKCS#8 in PEM (`pkcs8-pem`): `PRIVATE KEY`.
    Pkcs8Pem,
    /// PKCS#8 DER (`pkcs8-der`): `PrivateKeyInfo`.
    Pkcs8Der,
    /// X.509 `SubjectPublicKeyInfo` in PEM (`spki-pem`): `PUBLIC KEY`.
    SpkiPem,
    /// X.509 `SubjectPublicKeyInfo` DER (`spki-der`).
    SpkiDer,
    /// Encrypted PKCS#8 in PEM (`pkcs8-encrypted-pem`): `ENCRYPTED PRIVATE KEY`. Its DER form
    /// (`EncryptedPrivateKeyInfo`) is read as well; it is always written as PEM.
    Pkcs8EncryptedPem,
}

impl KeyFormat {
    /// Every format, in the order of the CLI's list.
    pub const ALL: [KeyFormat; 10] = [
        KeyFormat::Blob,
        KeyFormat::Pvk,
        KeyFormat::Snk,
        KeyFormat::Pkcs1Pem,
        KeyFormat::Pkcs1Der,
        KeyFormat::Pkcs8Pem,
        KeyFormat::Pkcs8Der,
        KeyFormat::SpkiPem,
        KeyFormat::SpkiDer,
        KeyFormat::Pkcs8EncryptedPem,
    ];

    /// The format's name on the command line: `blob`, `pvk`, `snk`, `pkcs1-pem`, `pkcs1-der`,
    /// `pkcs8-pem`, `pkcs8-der`, `spki-pem`, `spki-der`, `pkcs8-encrypted-pem`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            KeyFormat::Blob => "blob",
            KeyFormat::Pvk => "pvk",
            KeyFormat::Snk => "snk",
            KeyFormat::Pkcs1Pem => "pkcs1-pem",
            KeyFormat::Pkcs1Der => "pkcs1-der",
            KeyFormat::Pkcs8Pem => "pkcs8-pem",
            KeyFormat::Pkcs8Der => "pkcs8-der",
            KeyFormat::SpkiPem => "spki-pem",
            KeyFormat::SpkiDer => "spki-der",
            KeyFormat::Pkcs8EncryptedPem => "pkcs8-encrypted-pem",
        }
    }

    /// The format of a [`name`](KeyFormat::name) (exactly as written there), or `None`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<KeyFormat> {
        KeyFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format of a file, from its content: a PVK file's magic `0xb0b5f11e`; a key BLOB's
    /// header (`bType` 6 or 7, `bVersion` 2, reserved 0; or `bVersion` 3 with `CALG_DSS_SIGN`
    /// and a "DSS3"/"DSS4" magic); a strong-name public key file's
    /// 12-byte header; the DER structure of PKCS#1, PKCS#8, SPKI and encrypted PKCS#8 (which
    /// [`Pkcs8EncryptedPem`](KeyFormat::Pkcs8EncryptedPem) reads as DER too); a PEM block's
    /// label (text before and after it is allowed). `None` for anything else.
    ///
    /// A .NET key pair (`sn -k`) is a bare `PRIVATEKEYBLOB`, so it is detected as
    /// [`Blob`](KeyFormat::Blob); reading it as [`Snk`](KeyFormat::Snk) gives the same key.
    /// Detection looks at the structure only: [`KeyFile::read`] still checks everything.
    #[must_use]
    pub fn detect(data: &[u8]) -> Option<KeyFormat> {
        if pvk::is_pvk(data) {
            return Some(KeyFormat::Pvk);
        }
        let rsa_blob = data.len() >= blob::HEADER_LEN
            && matches!(data[0], 6 | 7)
            && data[1] == blob::BLOB_VERSION
            && data[2..4] == [0, 0];
        if rsa_blob || is_dss_blob(data) {
            return Some(KeyFormat::Blob);
        }
        if snk::public_key_header(data).is_some() {
            return Some(KeyFormat::Snk);
        }
        if data.first() == Some(&0x30) {
            return pkcs::detect_der(data);
        }
        match pkcs::pem_label(data)? {
            pkcs::LABEL_PKCS1_PRIVATE | pkcs::LABEL_PKCS1_PUBLIC | dsa::LABEL_DSA_PRIVATE => {
                Some(KeyFormat::Pkcs1Pem)
            }
            pkcs::LABEL_PKCS8 => Some(KeyFormat::Pkcs8Pem),
            pkcs::LABEL_PKCS8_ENCRYPTED => Some(KeyFormat::Pkcs8EncryptedPem),
            pkcs::LABEL_SPKI => Some(KeyFormat::SpkiPem),
            _ => None,
        }
    }

    /// Whether the format is text (PEM).
    #[must_use]
    pub fn is_text(self) -> bool {
        matches!(
            self,
            KeyFormat::Pkcs1Pem
                | KeyFormat::Pkcs8Pem
                | KeyFormat::SpkiPem
                | KeyFormat::Pkcs8EncryptedPem
        )
    }

    /// Whether the format can hold a key's public half alone.
    fn holds_public(self) -> bool {
        !matches!(
            self,
            KeyFormat::Pvk
                | KeyFormat::Pkcs8Pem
                | KeyFormat::Pkcs8Der
                | KeyFormat::Pkcs8EncryptedPem
        )
    }

    /// Whether the format can hold a private key.
    fn holds_private(self) -> bool {
        !matches!(self, KeyFormat::SpkiPem | KeyFormat::SpkiDer)
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a PVK file's key is encrypted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PvkEncryption {
    /// Not encrypted (`openssl rsa -pvk-none`).
    #[default]
    None,
    /// "Weak": RC4 with a 40-bit key (`openssl rsa -pvk-weak`), for export-era tools.
    Weak,
    /// "Strong": RC4 with a 128-bit key (`openssl rsa -pvk-strong`, the default of OpenSSL and of
    /// Microsoft's tools).
    Strong,
}

/// Which algorithm a [`KeyFile`]'s key is for ([`KeyFile::kind`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// An RSA key (`CALG_RSA_KEYX` or `CALG_RSA_SIGN`).
    Rsa,
    /// A DSA key (FIPS 186-2: p of 512 to 1024 bits, a 160-bit q; `CALG_DSS_SIGN`).
    Dsa,
}

/// The public numbers of a DSA key ([`KeyFile::dsa_public`]), big-endian without leading
/// zeros, as DER and most tools print them.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsaPublic {
    /// The prime modulus p.
    pub p: Vec<u8>,
    /// The 160-bit prime q dividing p − 1.
    pub q: Vec<u8>,
    /// The generator g of the order-q subgroup.
    pub g: Vec<u8>,
    /// The public value y = g^x mod p.
    pub y: Vec<u8>,
}

/// The numbers of a key file's key.
enum Material {
    /// Checked RSA numbers at their blob lengths, the private exponent always present.
    Rsa(RsaParts),
    /// A checked DSS key; `version3` when it was read from a "DSS3" or "DSS4" blob, which
    /// [`KeyFile::to_blob`] then writes back in the same layout.
    Dsa { key: DsaKey, version3: bool },
}

impl Material {
    fn dsa(key: DsaKey) -> Material {
        Material::Dsa {
            key,
            version3: false,
        }
    }

    /// The `ALG_ID` of a key read from a format that carries none.
    fn default_alg(&self) -> AlgId {
        match self {
            Material::Rsa(_) => AlgId::RSA_KEYX,
            Material::Dsa { .. } => AlgId::DSS_SIGN,
        }
    }
}

impl Clone for Material {
    fn clone(&self) -> Material {
        match self {
            Material::Rsa(parts) => Material::Rsa(parts.clone()),
            Material::Dsa { key, version3 } => Material::Dsa {
                key: key.duplicate(),
                version3: *version3,
            },
        }
    }
}

/// An RSA or DSA key read from or written to a key file: the public numbers and, when
/// present, the private ones (wiped on drop). See the [module documentation](self) for the
/// formats, and [`kind`](KeyFile::kind) for the algorithm.
///
/// `Debug` shows the kind, format, algorithm, size and (RSA) exponent, never a number of the
/// key.
#[derive(Clone)]
pub struct KeyFile {
    format: KeyFormat,
    alg: AlgId,
    key: Material,
    /// The strong-name header (SigAlgId, HashAlgId) and blob `ALG_ID` of the `sn -p` public
    /// key file this came from, kept so that its token is computed over the file's own bytes.
    strong_name: Option<((u32, u32), AlgId)>,
    pvk: Option<PvkEncryption>,
}

impl KeyFile {
    /// Reads a key file. `format` `None` detects it from the content
    /// ([`KeyFormat::detect`]). `password` is used by encrypted PVK files and encrypted PKCS#8
    /// keys and ignored otherwise.
    ///
    /// The key's [`alg_id`](KeyFile::alg_id) is the blob's (BLOB, PVK and `.snk` files carry
    /// one), `CALG_RSA_KEYX` for RSA keys from PKCS#1, PKCS#8 and SPKI input, `CALG_DSS_SIGN`
    /// for DSA keys. Numbers are checked: see [Errors and passwords](self#errors-and-passwords).
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_DATA`: a format that cannot be detected, input that is not the format given
    ///   or detected (truncated, corrupt, a PEM label of another format, trailing data after
    ///   DER), numbers that do not form a consistent RSA key or that a `PRIVATEKEYBLOB` cannot
    ///   hold (a modulus outside 256..=16384 bits, a public exponent above 2³² − 1, primes of
    ///   unequal length, a multi-prime key), numbers that do not form a consistent DSA key or
    ///   that the DSS blobs cannot hold (p outside 512..=1024 bits or not whole bytes, q not
    ///   160 bits), DSA parameters missing from PKCS#8 or SPKI, a DSS key pair read as
    ///   [`Snk`](KeyFormat::Snk), an encrypted PKCS#8 key whose key derivation asks
    ///   for more than 10,000,000 PBKDF2 iterations or 64 MiB of scrypt memory, the 16-byte
    ///   ECMA standard public key (a placeholder, not an RSA key; see [`strong_name_token`]);
    /// * `NTE_BAD_TYPE`: a BLOB of another type than `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`;
    /// * `NTE_BAD_ALGID`: a BLOB whose `ALG_ID` is not `CALG_RSA_KEYX`, `CALG_RSA_SIGN` or
    ///   (with a "DSS1" to "DSS4" magic) `CALG_DSS_SIGN`, a PKCS#8 or SPKI key of another
    ///   algorithm than RSA and DSA, encrypted PKCS#8 with PBES1 or a cipher the
    ///   `pkcs5` crate does not implement, PEM with encryption headers (OpenSSL's
    ///   "traditional" `Proc-Type: 4,ENCRYPTED`; convert it with `openssl pkcs8 -topk8`);
    /// * `ERROR_INVALID_PARAMETER`: the file is encrypted and `password` is `None`;
    /// * `ERROR_INVALID_PASSWORD`: the file does not decrypt with `password` (or its encrypted
    ///   part is damaged).
    pub fn read(
        data: &[u8],
        format: Option<KeyFormat>,
        password: Option<&[u8]>,
    ) -> Result<KeyFile> {
        let format = match format {
            Some(format) => format,
            None => KeyFormat::detect(data).ok_or(Error::BadData)?,
        };
        let keyx = |key: Material| KeyFile::new(format, key.default_alg(), key);
        Ok(match format {
            KeyFormat::Blob => {
                let (alg, key) = any_blob(data)?;
                KeyFile::new(format, alg, key)
            }
            KeyFormat::Pvk => {
                let (alg, key, encryption) = pvk::read(data, password)?;
                let mut file = KeyFile::new(format, alg, key);
                file.pvk = Some(encryption);
                file
            }
            KeyFormat::Snk => read_snk(data)?,
            KeyFormat::Pkcs1Der if dsa::is_traditional(data) => {
                keyx(Material::dsa(dsa::parse_traditional(data)?))
            }
            KeyFormat::Pkcs1Der => keyx(Material::Rsa(pkcs::parse_pkcs1(data)?)),
            KeyFormat::Pkcs8Der => keyx(pkcs::parse_pkcs8(data)?),
            KeyFormat::SpkiDer => keyx(pkcs::parse_spki(data)?),
            // Encrypted PKCS#8 is also read as DER (`openssl pkcs8 -topk8 -outform DER`).
            KeyFormat::Pkcs8EncryptedPem if data.first() == Some(&0x30) => {
                keyx(pkcs::parse_pkcs8_encrypted(data, password)?)
            }
            KeyFormat::Pkcs1Pem
            | KeyFormat::Pkcs8Pem
            | KeyFormat::SpkiPem
            | KeyFormat::Pkcs8EncryptedPem => {
                let (label, der) = pkcs::pem_decode(data)?;
                let key = match (format, label) {
                    (KeyFormat::Pkcs1Pem, pkcs::LABEL_PKCS1_PRIVATE) => {
                        Material::Rsa(pkcs::parse_pkcs1_private(&der)?)
                    }
                    (KeyFormat::Pkcs1Pem, pkcs::LABEL_PKCS1_PUBLIC) => {
                        Material::Rsa(pkcs::parse_pkcs1_public(&der)?)
                    }
                    (KeyFormat::Pkcs1Pem, dsa::LABEL_DSA_PRIVATE) => {
                        Material::dsa(dsa::parse_traditional(&der)?)
                    }
                    (KeyFormat::Pkcs8Pem, pkcs::LABEL_PKCS8) => pkcs::parse_pkcs8(&der)?,
                    (KeyFormat::SpkiPem, pkcs::LABEL_SPKI) => pkcs::parse_spki(&der)?,
                    (KeyFormat::Pkcs8EncryptedPem, pkcs::LABEL_PKCS8_ENCRYPTED) => {
                        pkcs::parse_pkcs8_encrypted(&der, password)?
                    }
                    _ => return Err(Error::BadData),
                };
                keyx(key)
            }
        })
    }

    /// Whether reading `data` (in `format`, or the detected one) needs a password: an
    /// encrypted PVK file or an encrypted PKCS#8 key. Read it without one and the answer is
    /// `ERROR_INVALID_PARAMETER`; this asks first, so that a program can prompt only when it
    /// must.
    #[must_use]
    pub fn needs_password(data: &[u8], format: Option<KeyFormat>) -> bool {
        match format.or_else(|| KeyFormat::detect(data)) {
            Some(KeyFormat::Pvk) => pvk::is_encrypted(data),
            Some(KeyFormat::Pkcs8EncryptedPem) => true,
            _ => false,
        }
    }

    /// A key from `PUBLICKEYBLOB` or `PRIVATEKEYBLOB` bytes, as `CryptImportKey` takes them (a
    /// longer buffer and a private exponent cut short are accepted, as on Windows; the private
    /// exponent is then rebuilt, `d = e⁻¹ mod λ(n)`). Its format is [`KeyFormat::Blob`].
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: `blob` is empty (as `CryptImportKey`);
    /// * `NTE_BAD_DATA`: a blob shorter than its header or numbers, a version other than 2,
    ///   non-zero reserved bytes, a wrong RSA magic, numbers that do not form a consistent RSA
    ///   key or a modulus outside 256..=16384 bits;
    /// * `NTE_BAD_TYPE`: a blob of another type;
    /// * `NTE_BAD_ALGID`: an `ALG_ID` other than `CALG_RSA_KEYX` and `CALG_RSA_SIGN`.
    pub fn from_blob(blob: &[u8]) -> Result<KeyFile> {
        if blob.is_empty() {
            return Err(Error::InvalidParameter);
        }
        let (alg, key) = any_blob(blob)?;
        Ok(KeyFile::new(KeyFormat::Blob, alg, key))
    }

    /// The key of an RSA or DSS [`Key`]: its public half when `public_only`, else the pair, which must
    /// be exportable, exactly as `CryptExportKey` of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`
    /// decides. Its format is [`KeyFormat::Blob`], its `ALG_ID` the key's.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_KEY_STATE`: `public_only` is false and the key is not exportable, or is a
    ///   public key with no private half (as `CryptExportKey`);
    /// * `NTE_BAD_KEY`: a session key;
    /// * `NTE_BAD_DATA`: numbers this module refuses (a modulus below 256 bits, an even
    ///   exponent; never for keys the crate generates);
    /// * `NTE_BAD_ALGID`: an RSA public key imported with an `ALG_ID` other than
    ///   `CALG_RSA_KEYX` and `CALG_RSA_SIGN`, or a Diffie-Hellman key (no key-file format
    ///   here holds one).
    #[doc(alias = "CryptExportKey")]
    pub fn from_key(key: &Key<'_>, public_only: bool) -> Result<KeyFile> {
        let blob_type = if public_only {
            BlobType::PublicKeyBlob
        } else {
            BlobType::PrivateKeyBlob
        };
        let blob = key.export(None, blob_type, 0)?;
        let (alg, material) = any_blob(&blob)?;
        Ok(KeyFile::new(KeyFormat::Blob, alg, material))
    }

    fn new(format: KeyFormat, alg: AlgId, key: Material) -> KeyFile {
        KeyFile {
            format,
            alg,
            key,
            strong_name: None,
            pvk: None,
        }
    }

    /// This key with the `ALG_ID` of `spec` (`CALG_RSA_KEYX` for the exchange slot,
    /// `CALG_RSA_SIGN` for the signature slot): what [`to_blob`](KeyFile::to_blob), PVK files
    /// and [`import`](KeyFile::import) then use. A key read from PEM is an exchange key until
    /// told otherwise.
    ///
    /// A DSA key is left as it is: it is always a `CALG_DSS_SIGN` signature key (the
    /// exchange keys of Microsoft's DSS providers are Diffie-Hellman keys).
    #[must_use]
    pub fn with_key_spec(mut self, spec: KeySpec) -> KeyFile {
        if matches!(self.key, Material::Dsa { .. }) {
            return self;
        }
        self.alg = match spec {
            KeySpec::Exchange => AlgId::RSA_KEYX,
            KeySpec::Signature => AlgId::RSA_SIGN,
        };
        self
    }

    /// The format [`read`](KeyFile::read) found, or [`KeyFormat::Blob`] for a key made from a
    /// blob or a [`Key`].
    #[must_use]
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// How the PVK file this key was read from was encrypted; `None` for other formats.
    #[must_use]
    pub fn pvk_encryption(&self) -> Option<PvkEncryption> {
        self.pvk
    }

    /// Writes the key in `format`: the whole key, or only its public half when `public_only`.
    ///
    /// `password` is required by [`KeyFormat::Pkcs8EncryptedPem`] (PBES2:
    /// PBKDF2-HMAC-SHA-256 with [`PKCS8_ITERATIONS`] and a random salt, AES-256-CBC with a
    /// random IV) and by [`KeyFormat::Pvk`] with weak or strong `pvk` encryption (a random
    /// 16-byte salt); it is ignored otherwise, as `pvk` is for other formats.
    ///
    /// * A key without a private half writes its public key in every format that holds one.
    /// * [`KeyFormat::Snk`] writes a key pair as `sn -k` does (a `PRIVATEKEYBLOB` with
    ///   `CALG_RSA_SIGN`), and the public half as `sn -p` does
    ///   ([`strong_name_public_key`](KeyFile::strong_name_public_key)).
    /// * [`KeyFormat::Pvk`]'s key type is `AT_SIGNATURE` for a `CALG_RSA_SIGN` key, else
    ///   `AT_KEYEXCHANGE`; the blob keeps the key's `ALG_ID`.
    /// * A DSA key: [`Pvk`](KeyFormat::Pvk) holds a "DSS2" blob under `AT_SIGNATURE`;
    ///   [`Pkcs1Pem`](KeyFormat::Pkcs1Pem)/[`Pkcs1Der`](KeyFormat::Pkcs1Der) write OpenSSL's
    ///   traditional `DSA PRIVATE KEY` (a private key only); [`Blob`](KeyFormat::Blob) as
    ///   [`to_blob`](KeyFile::to_blob).
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_TYPE`: a format that cannot hold what was asked: the private key in SPKI
    ///   (pass `public_only`), or a public half alone in PKCS#8, encrypted PKCS#8 or PVK; for a
    ///   DSA key, [`Snk`](KeyFormat::Snk), and a public key in
    ///   [`Pkcs1Pem`](KeyFormat::Pkcs1Pem)/[`Pkcs1Der`](KeyFormat::Pkcs1Der);
    /// * `NTE_BAD_KEY_STATE`: a private-key format (PKCS#8, encrypted PKCS#8, PVK) for a key
    ///   without a private half;
    /// * `ERROR_INVALID_PARAMETER`: encrypted PKCS#8, or PVK with weak or strong encryption,
    ///   without a `password`;
    /// * `NTE_SYS_ERR`: the operating system's random generator failed (salt, IV).
    pub fn write(
        &self,
        format: KeyFormat,
        public_only: bool,
        password: Option<&[u8]>,
        pvk: PvkEncryption,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let private = self.writes_private(format, public_only)?;
        let parts = match &self.key {
            Material::Rsa(parts) => parts,
            Material::Dsa { key, .. } => {
                return self.write_dsa(key, format, private, password, pvk);
            }
        };
        let pkcs1 = || {
            if private {
                pkcs::pkcs1_private(parts)
            } else {
                pkcs::pkcs1_public(parts)
            }
        };
        match format {
            KeyFormat::Blob => blob::rsa_blob(self.alg, parts, private),
            KeyFormat::Pvk => {
                let key_type = if self.alg == AlgId::RSA_SIGN { 2 } else { 1 };
                let key_blob = blob::rsa_blob(self.alg, parts, true)?;
                pvk::write(key_type, &key_blob, pvk, password)
            }
            KeyFormat::Snk if private => blob::rsa_blob(AlgId::RSA_SIGN, parts, true),
            KeyFormat::Snk => Ok(Zeroizing::new(self.strong_name_public_key())),
            KeyFormat::Pkcs1Der => pkcs1(),
            KeyFormat::Pkcs1Pem => {
                let label = if private {
                    pkcs::LABEL_PKCS1_PRIVATE
                } else {
                    pkcs::LABEL_PKCS1_PUBLIC
                };
                pkcs::pem_encode(label, &pkcs1()?)
            }
            KeyFormat::Pkcs8Der => pkcs::pkcs8(parts),
            KeyFormat::Pkcs8Pem => pkcs::pem_encode(pkcs::LABEL_PKCS8, &pkcs::pkcs8(parts)?),
            KeyFormat::SpkiDer => pkcs::spki(parts),
            KeyFormat::SpkiPem => pkcs::pem_encode(pkcs::LABEL_SPKI, &pkcs::spki(parts)?),
            KeyFormat::Pkcs8EncryptedPem => {
                let password = password.ok_or(Error::InvalidParameter)?;
                self.write_pkcs8_encrypted(password, PKCS8_ITERATIONS)
            }
        }
    }

    /// [`write`](KeyFile::write) for a DSA key, `private` already decided.
    fn write_dsa(
        &self,
        key: &DsaKey,
        format: KeyFormat,
        private: bool,
        password: Option<&[u8]>,
        pvk: PvkEncryption,
    ) -> Result<Zeroizing<Vec<u8>>> {
        match format {
            KeyFormat::Blob => self.to_blob(!private),
            // AT_SIGNATURE and a "DSS2" blob, as `openssl dsa -outform PVK` writes it.
            KeyFormat::Pvk => pvk::write(2, &key.export(true, false)?, pvk, password),
            KeyFormat::Snk => Err(Error::BadType),
            KeyFormat::Pkcs1Der | KeyFormat::Pkcs1Pem if !private => Err(Error::BadType),
            KeyFormat::Pkcs1Der => dsa::traditional(key),
            KeyFormat::Pkcs1Pem => {
                pkcs::pem_encode(dsa::LABEL_DSA_PRIVATE, &dsa::traditional(key)?)
            }
            KeyFormat::Pkcs8Der => dsa::pkcs8(key),
            KeyFormat::Pkcs8Pem => pkcs::pem_encode(pkcs::LABEL_PKCS8, &dsa::pkcs8(key)?),
            KeyFormat::SpkiDer => dsa::spki(key),
            KeyFormat::SpkiPem => pkcs::pem_encode(pkcs::LABEL_SPKI, &dsa::spki(key)?),
            KeyFormat::Pkcs8EncryptedPem => {
                let password = password.ok_or(Error::InvalidParameter)?;
                self.write_pkcs8_encrypted(password, PKCS8_ITERATIONS)
            }
        }
    }

    /// The key's PKCS#8 `PrivateKeyInfo` DER (`NTE_BAD_KEY_STATE` without a private half).
    fn pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        match &self.key {
            Material::Rsa(parts) => pkcs::pkcs8(parts),
            Material::Dsa { key, .. } => dsa::pkcs8(key),
        }
    }

    /// Writes the key as encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`) with PBKDF2-HMAC-SHA-256
    /// at `iterations` (OpenSSL 3 writes 2048, [`write`](KeyFile::write) uses
    /// [`PKCS8_ITERATIONS`]), a random 16-byte salt and AES-256-CBC with a random IV.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_KEY_STATE`: the key has no private half;
    /// * `ERROR_INVALID_PARAMETER`: `iterations` is 0;
    /// * `NTE_SYS_ERR`: the operating system's random generator failed.
    pub fn write_pkcs8_encrypted(
        &self,
        password: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if !self.has_private() {
            return Err(Error::BadKeyState);
        }
        if iterations == 0 {
            return Err(Error::InvalidParameter);
        }
        let der = pkcs::pkcs8_encrypted(&self.pkcs8_der()?, password, iterations)?;
        pkcs::pem_encode(pkcs::LABEL_PKCS8_ENCRYPTED, &der)
    }

    /// Whether writing `format` writes the private half, or the error when the format cannot
    /// hold what is asked.
    fn writes_private(&self, format: KeyFormat, public_only: bool) -> Result<bool> {
        if public_only {
            return if format.holds_public() {
                Ok(false)
            } else {
                Err(Error::BadType)
            };
        }
        if self.has_private() {
            return if format.holds_private() {
                Ok(true)
            } else {
                Err(Error::BadType)
            };
        }
        if format.holds_public() {
            Ok(false)
        } else {
            Err(Error::BadKeyState)
        }
    }

    /// The key as a `PRIVATEKEYBLOB` (its private half, when it has one and `public_only` is
    /// false) or a `PUBLICKEYBLOB`, with its [`alg_id`](KeyFile::alg_id): what
    /// `CryptImportKey` and .NET's `ImportCspBlob` take. A DSA key gives a "DSS2" or "DSS1"
    /// blob (with the `DSSSEED` of the blob it was read from, else "none", all 0xFF bytes, as
    /// OpenSSL writes it), or "DSS4"/"DSS3" when it was read from a version 3 blob.
    ///
    /// # Errors
    ///
    /// None in practice: every `KeyFile` holds numbers that fit a blob. The `Result` is
    /// [`write`](KeyFile::write)'s.
    pub fn to_blob(&self, public_only: bool) -> Result<Zeroizing<Vec<u8>>> {
        let private = !public_only && self.has_private();
        match &self.key {
            Material::Rsa(parts) => blob::rsa_blob(self.alg, parts, private),
            Material::Dsa { key, version3 } => key.export(private, *version3),
        }
    }

    /// Imports the key into `prov` as `CryptImportKey` does: a key pair into the container's
    /// slot for its [`key_spec`](KeyFile::key_spec) (replacing the pair there; `flags`
    /// [`KeyFlags::EXPORTABLE`] lets it be exported again), or a public key.
    ///
    /// # Errors
    ///
    /// * As [`Provider::import_key`]: for a pair in a container, the errors of writing it
    ///   (`NTE_BAD_KEYSET`, `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`), `NTE_BAD_FLAGS`
    ///   for undefined flag bits;
    /// * `NTE_BAD_DATA`: a DSA key into a provider of the RSA family (its blob is no RSA
    ///   blob), as `CryptImportKey` answers.
    #[doc(alias = "CryptImportKey")]
    pub fn import<'p>(&self, prov: &'p Provider, flags: KeyFlags) -> Result<Key<'p>> {
        prov.import_key(&self.to_blob(false)?, None, flags)
    }

    /// Which algorithm the key is for: RSA or DSA.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        match self.key {
            Material::Rsa(_) => KeyKind::Rsa,
            Material::Dsa { .. } => KeyKind::Dsa,
        }
    }

    /// The public numbers of a DSA key (p, q, g, y); `None` for an RSA key.
    #[must_use]
    pub fn dsa_public(&self) -> Option<DsaPublic> {
        let Material::Dsa { key, .. } = &self.key else {
            return None;
        };
        let blob = key.to_blob(false, false).ok()?;
        let be = |le: &[u8]| numbers::be_trimmed(le).to_vec();
        Some(DsaPublic {
            p: be(&blob.p),
            q: be(&blob.q),
            g: be(&blob.g),
            y: be(&blob.y),
        })
    }

    /// Whether the key has its private half.
    #[must_use]
    pub fn has_private(&self) -> bool {
        match &self.key {
            Material::Rsa(parts) => parts.private.is_some(),
            Material::Dsa { key, .. } => key.has_private(),
        }
    }

    /// What [`to_blob`](KeyFile::to_blob)`(false)` writes: `PRIVATEKEYBLOB` for a key with its
    /// private half, else `PUBLICKEYBLOB`.
    #[must_use]
    pub fn blob_type(&self) -> BlobType {
        if self.has_private() {
            BlobType::PrivateKeyBlob
        } else {
            BlobType::PublicKeyBlob
        }
    }

    /// The modulus length in bits: a BLOB's (PVK's, `.snk`'s) `bitlen` as stored, the
    /// modulus's bit length for PKCS#1, PKCS#8 and SPKI input. Those formats carry no bit
    /// length, so a BLOB that states more bits than its modulus has (top bits zero) comes back
    /// from them with its `bitlen` lowered to the modulus's; the key is the same. For a DSA
    /// key, the bits of p (512 to 1024, whole bytes).
    #[must_use]
    pub fn bits(&self) -> u32 {
        match &self.key {
            Material::Rsa(parts) => parts.bits,
            Material::Dsa { key, .. } => key.bits(),
        }
    }

    /// The public exponent; 0 for a DSA key, which has none.
    #[must_use]
    pub fn public_exponent(&self) -> u32 {
        match &self.key {
            Material::Rsa(parts) => parts.exponent,
            Material::Dsa { .. } => 0,
        }
    }

    /// The modulus, big-endian without leading zeros (as DER and most tools print it); for a
    /// DSA key, p (see [`dsa_public`](KeyFile::dsa_public) for all its numbers).
    #[must_use]
    pub fn modulus(&self) -> Vec<u8> {
        match &self.key {
            Material::Rsa(parts) => numbers::be_trimmed(&parts.modulus).to_vec(),
            Material::Dsa { .. } => self.dsa_public().map(|n| n.p).unwrap_or_default(),
        }
    }

    /// `CALG_RSA_KEYX` or `CALG_RSA_SIGN`: the blob's, PVK's or `.snk`'s (`sn` writes
    /// `CALG_RSA_SIGN`), `CALG_RSA_KEYX` for keys read from PKCS#1, PKCS#8 or SPKI (see
    /// [`with_key_spec`](KeyFile::with_key_spec)). `CALG_DSS_SIGN` for every DSA key.
    #[must_use]
    pub fn alg_id(&self) -> AlgId {
        self.alg
    }

    /// The key spec of [`alg_id`](KeyFile::alg_id): [`KeySpec::Signature`] for
    /// `CALG_RSA_SIGN` and `CALG_DSS_SIGN`, else [`KeySpec::Exchange`].
    #[must_use]
    pub fn key_spec(&self) -> KeySpec {
        if self.alg == AlgId::RSA_SIGN || self.alg == AlgId::DSS_SIGN {
            KeySpec::Signature
        } else {
            KeySpec::Exchange
        }
    }

    /// The .NET strong-name public key token: the last 8 bytes of the SHA-1 of
    /// [`strong_name_public_key`](KeyFile::strong_name_public_key), reversed, in the order
    /// `sn -t` and `sn -tp` print them (and assembly references carry them). All zeros for a
    /// DSA key: strong names are RSA signatures.
    #[must_use]
    pub fn public_key_token(&self) -> [u8; 8] {
        match self.key {
            Material::Rsa(_) => snk::token(&self.strong_name_public_key()),
            Material::Dsa { .. } => [0; 8],
        }
    }

    /// The strong-name public key as `sn -p` writes it to a public key file (and as an
    /// assembly's manifest carries it): a 12-byte header (`SigAlgId` `CALG_RSA_SIGN`,
    /// `HashAlgId` `CALG_SHA1`, `cbPublicKey`), then the `PUBLICKEYBLOB` with
    /// `CALG_RSA_SIGN`, whatever the key's [`alg_id`](KeyFile::alg_id), as Microsoft's and
    /// Mono's `sn` build it from a key pair. A key read from a public key file gives that file's
    /// own bytes back (its header, a SHA-256 `HashAlgId` included). Empty for a DSA key,
    /// which has no strong-name form.
    #[must_use]
    pub fn strong_name_public_key(&self) -> Vec<u8> {
        let Material::Rsa(parts) = &self.key else {
            return Vec::new();
        };
        match self.strong_name {
            Some((header, blob_alg)) => snk::public_key_file(header, blob_alg, parts),
            None => snk::public_key_file(snk::DEFAULT_HEADER, AlgId::RSA_SIGN, parts),
        }
    }
}

/// The public key token of strong-name public key bytes (a public key file's content, as
/// [`KeyFile::strong_name_public_key`] returns it): the last 8 bytes of their SHA-1, reversed.
/// Unlike [`KeyFile::public_key_token`] it takes any bytes, so it also gives the token of the
/// 16-byte ECMA standard public key (`00000000000000000400000000000000`, token
/// `b77a5c561934e089`), which is a placeholder rather than an RSA key.
///
/// ```
/// let ecma = [0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0];
/// let token = cryptoapi::keyfile::strong_name_token(&ecma);
/// assert_eq!(token, [0xb7, 0x7a, 0x5c, 0x56, 0x19, 0x34, 0xe0, 0x89]);
/// ```
#[must_use]
pub fn strong_name_token(public_key: &[u8]) -> [u8; 8] {
    snk::token(public_key)
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("KeyFile");
        if self.kind() != KeyKind::Rsa {
            out.field("kind", &self.kind());
        }
        out.field("format", &self.format)
            .field("alg", &self.alg)
            .field("bits", &self.bits());
        if self.kind() == KeyKind::Rsa {
            out.field("public_exponent", &self.public_exponent());
        }
        out.field("has_private", &self.has_private())
            .finish_non_exhaustive()
    }
}

/// A `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`: its `ALG_ID` and checked numbers. An RSA blob, or
/// a DSS one ("DSS1" to "DSS4", `CALG_DSS_SIGN`).
fn any_blob(data: &[u8]) -> Result<(AlgId, Material)> {
    if is_dss_blob(data) {
        let parsed = dss::parse(data)?;
        let key = DsaKey::from_blob(&parsed)?;
        let version3 = parsed.version3;
        return Ok((parsed.alg, Material::Dsa { key, version3 }));
    }
    let (header, body) = blob::parse_header(data)?;
    let private = match BlobType::from_raw(u32::from(header.blob_type)) {
        Some(BlobType::PublicKeyBlob) => false,
        Some(BlobType::PrivateKeyBlob) => true,
        _ => return Err(Error::BadType),
    };
    if !matches!(header.alg, AlgId::RSA_KEYX | AlgId::RSA_SIGN) {
        return Err(Error::BadAlgId);
    }
    let mut parts = blob::parse_rsa(body, private)?;
    numbers::check(&mut parts)?;
    Ok((header.alg, Material::Rsa(parts)))
}

/// Whether `data` starts like a DSS key blob: `bType` `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`,
/// `bVersion` 2 or 3, reserved 0, `aiKeyAlg` `CALG_DSS_SIGN` and a magic "DSS1" to "DSS4"
/// (an RSA blob labelled `CALG_DSS_SIGN` stays an RSA blob with the wrong `ALG_ID`).
fn is_dss_blob(data: &[u8]) -> bool {
    let magic = data
        .get(blob::HEADER_LEN..blob::HEADER_LEN + 4)
        .and_then(|m| m.first_chunk::<4>())
        .map(|m| u32::from_le_bytes(*m));
    matches!(data.first(), Some(6 | 7))
        && matches!(
            data.get(1),
            Some(&dss::BLOB_VERSION_2 | &dss::BLOB_VERSION_3)
        )
        && data
            .get(2..8)
            .is_some_and(|h| h[..2] == [0, 0] && h[2..] == AlgId::DSS_SIGN.raw().to_le_bytes())
        && matches!(magic, Some(dss::DSS1 | dss::DSS2 | dss::DSS3 | dss::DSS4))
}

/// A `PRIVATEKEYBLOB` (a PVK file's, a `.snk` key pair): `NTE_BAD_DATA` for any other type.
fn private_blob(data: &[u8]) -> Result<(AlgId, Material)> {
    let any = any_blob(data);
    let private = any.as_ref().is_ok_and(|(_, key)| match key {
        Material::Rsa(parts) => parts.private.is_some(),
        Material::Dsa { key, .. } => key.has_private(),
    });
    match any {
        Ok((alg, key)) if private => Ok((alg, key)),
        Ok(_) | Err(Error::BadType) => Err(Error::BadData),
        Err(err) => Err(err),
    }
}

/// A `.snk` file: a public key file (strong-name header and `PUBLICKEYBLOB`) or a key pair.
fn read_snk(data: &[u8]) -> Result<KeyFile> {
    if let Some(header) = snk::public_key_header(data) {
        let body = &data[snk::HEADER..];
        let (alg, parts) = match any_blob(body) {
            Ok((alg, Material::Rsa(parts))) if parts.private.is_none() => (alg, parts),
            Ok(_) | Err(Error::BadType) => return Err(Error::BadData),
            Err(err) => return Err(err),
        };
        // The blob must fill the file exactly (no trailing bytes inside `cbPublicKey`).
        if blob::rsa_blob(alg, &parts, false)?.len() != body.len() {
            return Err(Error::BadData);
        }
        let mut file = KeyFile::new(KeyFormat::Snk, alg, Material::Rsa(parts));
        file.strong_name = Some((header, alg));
        return Ok(file);
    }
    match private_blob(data)? {
        (alg, key @ Material::Rsa(_)) => Ok(KeyFile::new(KeyFormat::Snk, alg, key)),
        // Strong names are RSA keys.
        (_, Material::Dsa { .. }) => Err(Error::BadData),
    }
}
