//! `derive`, `encrypt` and `decrypt`: CryptDeriveKey on the hash of a password, and whole
//! files through CryptEncrypt/CryptDecrypt as legacy code wrote them (final block last).

use std::io::Read;

use clap::ValueEnum;
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CipherMode, Error, Key, KeyFlags, MS_ENH_RSA_AES_PROV,
    MS_ENH_RSA_AES_PROV_XP, Provider, ProviderType,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::io::{Output, hex, unhex};
use crate::{CryptArgs, DeriveArgs, DeriveSpec, Failure, Outcome, password};

pub(crate) const DERIVE_EXAMPLES: &str = "\
Examples:
  cryptoapi derive --hash sha1 --alg 3des --password-env PASS
  cryptoapi derive --hash md5 --alg rc4 --provider 'Microsoft Base Cryptographic Provider v1.0' \\
      --password-file pw.txt          # 40-bit RC4, the Base provider's default
  cryptoapi derive --hash sha_256 --alg aes_256 --password-file pw.txt

The password is hashed as its UTF-8 bytes, without a NUL. The output is the key as a
PLAINTEXTKEYBLOB export holds it, in lower-case hex.";

pub(crate) const ENCRYPT_EXAMPLES: &str = "\
Examples:
  cryptoapi encrypt --hash sha1 --alg 3des --password-file pw.txt plain.txt secret.dat
  cryptoapi encrypt --hash md5 --alg rc2 --bits 40 --salt 0011223344556677889900 \\
      --password-env PASS - out.dat   # from standard input

The output is written to a temporary file and renamed at the end: a failure leaves nothing.";

pub(crate) const DECRYPT_EXAMPLES: &str = "\
Examples:
  cryptoapi decrypt --hash sha1 --alg 3des --password-file pw.txt secret.dat plain.txt
  cryptoapi decrypt --hash md5 --alg rc4 --provider 'Microsoft Base Cryptographic Provider v1.0' \\
      --password-env PASS legacy.dat -

A wrong password or corrupt data fails with NTE_BAD_DATA (bad padding) for block ciphers;
RC4 has no padding to check.";

/// Files above this size get a progress bar (when standard error is a terminal).
const PROGRESS_THRESHOLD: u64 = 4 << 20;
/// The chunk read and passed to CryptEncrypt/CryptDecrypt at a time: a multiple of every
/// block size.
const CHUNK: usize = 1 << 16;

/// `--mode`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Mode {
    /// CRYPT_MODE_CBC (the default).
    Cbc,
    /// CRYPT_MODE_ECB.
    Ecb,
    /// CRYPT_MODE_CFB (8-bit feedback, as Microsoft's providers do).
    Cfb,
}

/// Which way `run` goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Encrypt,
    Decrypt,
}

fn hash_alg(name: &str) -> Result<AlgId, Failure> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "md2" => AlgId::MD2,
        "md4" => AlgId::MD4,
        "md5" => AlgId::MD5,
        "sha" | "sha1" => AlgId::SHA1,
        "sha_256" => AlgId::SHA_256,
        "sha_384" => AlgId::SHA_384,
        "sha_512" => AlgId::SHA_512,
        _ => {
            return Err(Failure::plain(format!(
                "unknown --hash {name}: md2, md4, md5, sha1, sha_256, sha_384 or sha_512"
            )));
        }
    })
}

fn key_alg(name: &str) -> Result<AlgId, Failure> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "des" => AlgId::DES,
        "3des" => AlgId::TRIPLE_DES,
        "3des_112" => AlgId::TRIPLE_DES_112,
        "rc2" => AlgId::RC2,
        "rc4" => AlgId::RC4,
        "aes_128" => AlgId::AES_128,
        "aes_192" => AlgId::AES_192,
        "aes_256" => AlgId::AES_256,
        _ => {
            return Err(Failure::plain(format!(
                "unknown --alg {name}: des, 3des, 3des_112, rc2, rc4, aes_128, aes_192 or aes_256"
            )));
        }
    })
}

/// A verify context on the named provider (its type found from the name), or on the
/// Enhanced RSA and AES provider.
fn provider(name: Option<&str>) -> Result<Provider, Failure> {
    let Some(name) = name else {
        return Provider::verify_context(ProviderType::RSA_AES)
            .map_err(|e| Failure::crypto("opening the provider", &e));
    };
    let prov_type = if name == MS_ENH_RSA_AES_PROV || name == MS_ENH_RSA_AES_PROV_XP {
        ProviderType::RSA_AES
    } else {
        ProviderType::RSA_FULL
    };
    Provider::acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT)
        .map_err(|e| Failure::crypto(&format!("opening the provider \"{name}\""), &e))
}

/// CryptCreateHash + CryptHashData(password) + CryptDeriveKey.
fn derive_key<'p>(
    prov: &'p Provider,
    spec: &DeriveSpec,
    flags: KeyFlags,
) -> Result<Key<'p>, Failure> {
    let hash = hash_alg(&spec.hash)?;
    let alg = key_alg(&spec.alg)?;
    let password = password::input(&spec.password, "the key")?;
    let mut hash = prov
        .create_hash(hash, None)
        .map_err(|e| Failure::crypto("creating the hash", &e))?;
    hash.hash_data(&password)
        .map_err(|e| Failure::crypto("hashing the password", &e))?;
    let flags = match spec.bits {
        Some(bits) => flags.with_key_bits(bits),
        None => flags,
    };
    prov.derive_key(alg, &mut hash, flags)
        .map_err(|e| Failure::crypto("deriving the key", &e))
}

/// `cryptoapi derive`.
pub(crate) fn derive(args: &DeriveArgs) -> Outcome {
    let prov = provider(args.spec.provider.as_deref())?;
    let key = derive_key(&prov, &args.spec, KeyFlags::EXPORTABLE)?;
    let blob = key
        .export(None, BlobType::PlaintextKeyBlob, 0)
        .map_err(|e| Failure::crypto("exporting the key", &e))?;
    // PLAINTEXTKEYBLOB: the 8-byte header, the key length (DWORD), the key bytes.
    let bytes = blob
        .get(12..)
        .ok_or_else(|| Failure::plain("the PLAINTEXTKEYBLOB is shorter than its header"))?;
    println!("{}", hex(bytes));
    Ok(())
}

fn configure(key: &mut Key<'_>, args: &CryptArgs) -> Outcome {
    if let Some(mode) = args.mode {
        let mode = match mode {
            Mode::Cbc => CipherMode::Cbc,
            Mode::Ecb => CipherMode::Ecb,
            Mode::Cfb => CipherMode::Cfb,
        };
        key.set_mode(mode)
            .map_err(|e| Failure::crypto("setting the mode", &e))?;
    }
    if let Some(salt) = &args.salt {
        key.set_salt_ex(&unhex(salt, "--salt")?)
            .map_err(|e| Failure::crypto("setting the salt", &e))?;
    }
    if let Some(iv) = &args.iv {
        let iv = unhex(iv, "--iv")?;
        let block = key.block_bits() as usize / 8;
        if iv.len() != block {
            return Err(Failure::crypto(
                &format!("--iv has {} bytes, the block has {block}", iv.len()),
                &Error::BadData,
            ));
        }
        key.set_iv(&iv)
            .map_err(|e| Failure::crypto("setting the IV", &e))?;
    }
    Ok(())
}

/// Fills `buf` from `input` as far as it goes; the count read (short only at the end).
fn fill(input: &mut dyn Read, buf: &mut [u8], name: &str) -> Result<usize, Failure> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Failure::plain(format!("cannot read {name}: {e}"))),
        }
    }
    Ok(filled)
}

fn progress(input: &str) -> ProgressBar {
    let size = if input == "-" {
        None
    } else {
        std::fs::metadata(input).ok().map(|m| m.len())
    };
    match size {
        Some(size) if size > PROGRESS_THRESHOLD => {
            let bar = ProgressBar::new(size);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            {
                bar.set_style(style);
            }
            bar
        }
        _ => ProgressBar::hidden(),
    }
}

/// `cryptoapi encrypt` / `cryptoapi decrypt`.
pub(crate) fn run(args: &CryptArgs, direction: Direction) -> Outcome {
    let prov = provider(args.spec.provider.as_deref())?;
    let mut key = derive_key(&prov, &args.spec, KeyFlags::empty())?;
    configure(&mut key, args)?;
    let mut input: Box<dyn Read> = if args.input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.input)
                .map_err(|e| Failure::plain(format!("cannot read {}: {e}", args.input)))?,
        )
    };
    let bar = progress(&args.input);
    let mut out = Output::create(&args.output)?;
    // One chunk of look-ahead, so that the last chunk goes through as the final block.
    let mut current = cryptoapi::Zeroizing::new(vec![0u8; CHUNK]);
    let mut next = cryptoapi::Zeroizing::new(vec![0u8; CHUNK]);
    let mut len = fill(&mut input, &mut current, &args.input)?;
    loop {
        let next_len = if len == CHUNK {
            fill(&mut input, &mut next, &args.input)?
        } else {
            0
        };
        let last = next_len == 0;
        let mut data = cryptoapi::Zeroizing::new(current[..len].to_vec());
        let result = match direction {
            Direction::Encrypt => key.encrypt(&mut data, last),
            Direction::Decrypt => key.decrypt(&mut data, last),
        };
        result.map_err(|e| {
            let what = match direction {
                Direction::Encrypt => "encrypting",
                Direction::Decrypt => "decrypting",
            };
            Failure::crypto(&format!("{what} {}", args.input), &e)
        })?;
        out.write(&data)?;
        bar.inc(len as u64);
        if last {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        len = next_len;
    }
    bar.finish_and_clear();
    out.finish()
}
