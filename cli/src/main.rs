//! `cryptoapi`: Windows CryptoAPI key files and legacy encryption from a shell, on the
//! `cryptoapi` crate.
//!
//! Subcommands (fixed by the project's contract): `convert`, `inspect`, `token`, `derive`,
//! `encrypt`, `decrypt`. Exit status 0 on success, 1 on any error, with one line on standard
//! error naming the Windows code where there is one.

mod crypt;
mod io;
mod keys;
mod password;

use std::fmt;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cryptoapi::keyfile::{KeyFormat, PvkEncryption};

const EXAMPLES: &str = "\
Examples:
  cryptoapi convert key.snk key.pem                 # .NET strong-name key pair to PKCS#8 PEM
  cryptoapi token key.snk                           # its public key token, as `sn -t` shows it
  cryptoapi convert --password-file pw.txt old.pvk new.pem
  cryptoapi convert key.pem key.blob --to blob      # a PRIVATEKEYBLOB for .NET ImportCspBlob
  cryptoapi inspect --json key.blob
  cryptoapi derive --hash sha1 --alg 3des --password-env PASS
  cryptoapi decrypt --hash md5 --alg rc4 --provider 'Microsoft Base Cryptographic Provider v1.0' \\
      --password-file pw.txt legacy.dat plain.txt

Passwords come from --password-file (its first line), --password-env, or a prompt on a
terminal; never from an argument.";

/// Windows CryptoAPI key files, strong-name tokens, CryptDeriveKey and legacy-file
/// encryption, byte-compatible with Microsoft's providers.
#[derive(Parser)]
#[command(name = "cryptoapi", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a key file between CryptoAPI's formats and the standard ones.
    #[command(after_help = keys::CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Say what a key file is: format, blob type, ALG_ID, key spec, bits, exponent, private
    /// half, strong-name token.
    #[command(after_help = keys::INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Print the .NET strong-name public key token of an .snk, an `sn -p` public key file or
    /// a PUBLICKEYBLOB.
    #[command(after_help = keys::TOKEN_EXAMPLES)]
    Token(TokenArgs),
    /// CryptDeriveKey on the hash of a password; print the key bytes as hex.
    #[command(after_help = crypt::DERIVE_EXAMPLES)]
    Derive(DeriveArgs),
    /// Encrypt a whole file as legacy CryptoAPI code did: CryptDeriveKey + CryptEncrypt.
    #[command(after_help = crypt::ENCRYPT_EXAMPLES)]
    Encrypt(CryptArgs),
    /// Decrypt a whole file as legacy CryptoAPI code did: CryptDeriveKey + CryptDecrypt.
    #[command(after_help = crypt::DECRYPT_EXAMPLES)]
    Decrypt(CryptArgs),
}

/// Where the input's password comes from.
#[derive(Args, Clone, Default)]
struct PasswordArgs {
    /// Read the password from the first line of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    password_file: Option<std::path::PathBuf>,
    /// Read the password from the environment variable VAR.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
}

/// A key-file format by its command-line name (`KeyFormat::name`), for clap.
fn key_format(name: &str) -> Result<KeyFormat, String> {
    KeyFormat::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = KeyFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {name}: one of {}", names.join(", "))
    })
}

/// PVK encryption when writing.
#[derive(Clone, Copy, ValueEnum)]
enum PvkMode {
    /// No password.
    None,
    /// 40-bit RC4 (export-grade, as `makecert -sv` wrote by default on old systems).
    Weak,
    /// 128-bit RC4.
    Strong,
}

impl From<PvkMode> for PvkEncryption {
    fn from(mode: PvkMode) -> PvkEncryption {
        match mode {
            PvkMode::None => PvkEncryption::None,
            PvkMode::Weak => PvkEncryption::Weak,
            PvkMode::Strong => PvkEncryption::Strong,
        }
    }
}

#[derive(Args)]
struct ConvertArgs {
    /// The input key file (`-` for standard input).
    input: String,
    /// The output key file (`-` for standard output); written only when everything worked.
    output: String,
    /// The input's format; detected from the content when absent.
    #[arg(long, value_name = "FMT", value_parser = key_format)]
    from: Option<KeyFormat>,
    /// The output's format: pkcs8-pem when absent (spki-pem with --public, or when the input
    /// holds only a public key).
    #[arg(long, value_name = "FMT", value_parser = key_format)]
    to: Option<KeyFormat>,
    /// Write only the public half.
    #[arg(long)]
    public: bool,
    #[command(flatten)]
    password: PasswordArgs,
    /// PVK output encryption: none (the default without an output password), weak or strong
    /// (the default with one).
    #[arg(long, value_enum, value_name = "MODE")]
    pvk_encryption: Option<PvkMode>,
    /// Read the output's password (PVK weak/strong, pkcs8-encrypted-pem) from the first line
    /// of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "out_password_env")]
    out_password_file: Option<std::path::PathBuf>,
    /// Read the output's password from the environment variable VAR.
    #[arg(long, value_name = "VAR")]
    out_password_env: Option<String>,
}

#[derive(Args)]
struct InspectArgs {
    /// The key file (`-` for standard input).
    file: String,
    #[command(flatten)]
    password: PasswordArgs,
    /// Print one JSON object instead of lines of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct TokenArgs {
    /// An .snk key pair, an `sn -p` public key file or a PUBLICKEYBLOB (`-` for standard
    /// input).
    file: String,
}

/// The derivation shared by `derive`, `encrypt` and `decrypt`.
#[derive(Args)]
struct DeriveSpec {
    /// The hash of the password: md2, md4, md5, sha1, sha_256, sha_384, sha_512 (any case).
    #[arg(long, value_name = "ALG")]
    hash: String,
    /// The key's algorithm: des, 3des, 3des_112, rc2, rc4, aes_128, aes_192, aes_256 (any
    /// case).
    #[arg(long, value_name = "ALG")]
    alg: String,
    /// The key length in bits (CryptDeriveKey's upper 16 flag bits); the provider's default
    /// when absent.
    #[arg(long, value_name = "N")]
    bits: Option<u16>,
    /// The provider by name, e.g. "Microsoft Base Cryptographic Provider v1.0"; the Enhanced
    /// RSA and AES provider when absent.
    #[arg(long, value_name = "NAME")]
    provider: Option<String>,
    #[command(flatten)]
    password: PasswordArgs,
}

#[derive(Args)]
struct DeriveArgs {
    #[command(flatten)]
    spec: DeriveSpec,
}

#[derive(Args)]
struct CryptArgs {
    #[command(flatten)]
    spec: DeriveSpec,
    /// The chaining mode of block ciphers (KP_MODE); CBC by default, as on Windows.
    #[arg(long, value_enum)]
    mode: Option<crypt::Mode>,
    /// The IV as hex (KP_IV, one block); zeros by default, as on Windows.
    #[arg(long, value_name = "HEX")]
    iv: Option<String>,
    /// The salt as hex (KP_SALT_EX, RC2 and RC4 only, up to 24 bytes).
    #[arg(long, value_name = "HEX")]
    salt: Option<String>,
    /// The input file (`-` for standard input).
    input: String,
    /// The output file (`-` for standard output); written only when everything worked.
    output: String,
}

/// A failure: the Windows code when there is one, and what was being done.
#[derive(Debug)]
pub(crate) struct Failure {
    code: Option<(u32, &'static str)>,
    message: String,
}

impl Failure {
    /// A failure with no Windows code (a usage or file error).
    pub(crate) fn plain(message: impl Into<String>) -> Failure {
        Failure {
            code: None,
            message: message.into(),
        }
    }

    /// A crate error, with what was being done.
    pub(crate) fn crypto(context: &str, err: &cryptoapi::Error) -> Failure {
        let code = err.windows_name().map(|name| (err.code(), name));
        let text = err.to_string();
        // The error's text ends with its code, "(NTE_BAD_DATA, 0x80090005)": the line names
        // the code first instead.
        let text = match (code, text.rsplit_once(" (")) {
            (Some(_), Some((words, _))) => words.to_owned(),
            _ => text,
        };
        Failure {
            code,
            message: format!("{context}: {text}"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some((code, name)) => write!(f, "{name} (0x{code:08x}): {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// What every subcommand returns.
pub(crate) type Outcome = std::result::Result<(), Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version succeed; a usage error is exit status 1, like every error.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Convert(args) => keys::convert(&args),
        Command::Inspect(args) => keys::inspect(&args),
        Command::Token(args) => keys::token(&args),
        Command::Derive(args) => crypt::derive(&args),
        Command::Encrypt(args) => crypt::run(&args, crypt::Direction::Encrypt),
        Command::Decrypt(args) => crypt::run(&args, crypt::Direction::Decrypt),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}
