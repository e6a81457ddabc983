//! `convert`, `inspect` and `token`: key files through `cryptoapi::keyfile`.

use cryptoapi::keyfile::{KeyFile, KeyFormat, KeyKind, PvkEncryption, strong_name_token};
use cryptoapi::{AlgId, KeySpec};

use crate::io::{hex, read_all, write_all};
use crate::password::{self, Password};
use crate::{ConvertArgs, Failure, InspectArgs, Outcome, PasswordArgs, TokenArgs};

pub(crate) const CONVERT_EXAMPLES: &str = "\
Examples:
  cryptoapi convert key.snk key.pem                       # .snk key pair to PKCS#8 PEM
  cryptoapi convert --public key.snk pub.snk --to snk     # the `sn -p` public key file
  cryptoapi convert --password-file pw.txt old.pvk key.pem
  cryptoapi convert key.pem key.pvk --to pvk --pvk-encryption strong --out-password-env PASS
  cryptoapi convert key.pem key.blob --to blob            # PRIVATEKEYBLOB for ImportCspBlob
  cryptoapi convert cert-key.blob - --to spki-pem         # a PUBLICKEYBLOB to OpenSSL's PEM

FMT: blob (PUBLICKEYBLOB/PRIVATEKEYBLOB), pvk, snk, pkcs1-pem, pkcs1-der, pkcs8-pem,
pkcs8-der, spki-pem, spki-der, pkcs8-encrypted-pem. The input's format is detected from its
content unless --from says it; spki-pem and spki-der always write the public half.";

pub(crate) const INSPECT_EXAMPLES: &str = "\
Examples:
  cryptoapi inspect key.snk
  cryptoapi inspect --password-file pw.txt key.pvk
  cryptoapi inspect --json key.blob";

pub(crate) const TOKEN_EXAMPLES: &str = "\
Examples:
  cryptoapi token key.snk         # same as `sn -t` on the public key, or `sn -tp`
  cryptoapi token pub.snk         # an `sn -p` public key file
  cryptoapi token key.blob        # a PUBLICKEYBLOB

Prints 16 lower-case hex digits and a newline.";

/// Reads a key file, asking for a password only when it is encrypted.
fn read_key(name: &str, from: Option<KeyFormat>, args: &PasswordArgs) -> Result<KeyFile, Failure> {
    let data = read_all(name)?;
    let password: Option<Password> = if KeyFile::needs_password(&data, from) {
        Some(password::input(args, name)?)
    } else {
        password::given_input(args).transpose()?
    };
    KeyFile::read(&data, from, password.as_deref().map(Vec::as_slice))
        .map_err(|e| Failure::crypto(&format!("reading {name}"), &e))
}

/// `cryptoapi convert`.
pub(crate) fn convert(args: &ConvertArgs) -> Outcome {
    let key = read_key(&args.input, args.from, &args.password)?;
    let to = match args.to {
        Some(format) => format,
        None if args.public || !key.has_private() => KeyFormat::SpkiPem,
        None => KeyFormat::Pkcs8Pem,
    };
    // SPKI holds only a public key: asking for it is asking for the public half.
    let public =
        args.public || !key.has_private() || matches!(to, KeyFormat::SpkiPem | KeyFormat::SpkiDer);
    let out_password = password::given(
        args.out_password_file.as_deref(),
        args.out_password_env.as_deref(),
    )
    .transpose()?;
    let pvk = match args.pvk_encryption {
        Some(mode) => mode.into(),
        None if out_password.is_some() => PvkEncryption::Strong,
        None => PvkEncryption::None,
    };
    let encrypted = !public
        && (to == KeyFormat::Pkcs8EncryptedPem
            || (to == KeyFormat::Pvk && pvk != PvkEncryption::None));
    let out_password = match out_password {
        Some(password) => Some(password),
        None if encrypted => Some(password::new_password(&args.output)?),
        None => None,
    };
    let bytes = key
        .write(to, public, out_password.as_deref().map(Vec::as_slice), pvk)
        .map_err(|e| Failure::crypto(&format!("writing {} as {}", args.output, to.name()), &e))?;
    write_all(&args.output, &bytes)
}

fn alg_name(alg: AlgId) -> String {
    match alg {
        AlgId::RSA_KEYX => "CALG_RSA_KEYX".into(),
        AlgId::RSA_SIGN => "CALG_RSA_SIGN".into(),
        AlgId::DSS_SIGN => "CALG_DSS_SIGN".into(),
        other => format!("0x{:08x}", other.raw()),
    }
}

fn spec_name(spec: KeySpec) -> &'static str {
    match spec {
        KeySpec::Exchange => "AT_KEYEXCHANGE",
        KeySpec::Signature => "AT_SIGNATURE",
    }
}

/// `cryptoapi inspect`.
pub(crate) fn inspect(args: &InspectArgs) -> Outcome {
    let key = read_key(&args.file, None, &args.password)?;
    let blob_type = if key.has_private() {
        "PRIVATEKEYBLOB"
    } else {
        "PUBLICKEYBLOB"
    };
    // Strong names are RSA only: a DSA key has no exponent and no token.
    let rsa = key.kind() == KeyKind::Rsa;
    let token = rsa.then(|| hex(&key.public_key_token()));
    let exponent = rsa.then(|| key.public_exponent());
    if args.json {
        let value = serde_json::json!({
            "format": key.format().name(),
            "blob_type": blob_type,
            "alg_id": alg_name(key.alg_id()),
            "alg_id_value": key.alg_id().raw(),
            "key_spec": spec_name(key.key_spec()),
            "bits": key.bits(),
            "public_exponent": exponent,
            "private": key.has_private(),
            "public_key_token": token,
        });
        println!("{value}");
    } else {
        println!("format:           {}", key.format().name());
        println!("blob type:        {blob_type}");
        println!(
            "ALG_ID:           {} (0x{:08x})",
            alg_name(key.alg_id()),
            key.alg_id().raw()
        );
        println!("key spec:         {}", spec_name(key.key_spec()));
        println!("bits:             {}", key.bits());
        if let Some(exponent) = exponent {
            println!("public exponent:  {exponent}");
        }
        println!(
            "private key:      {}",
            if key.has_private() { "yes" } else { "no" }
        );
        if let Some(token) = token {
            println!("public key token: {token}");
        }
    }
    Ok(())
}

/// Whether `data` is a strong-name public key file: `SigAlgId`, `HashAlgId`, `cbPublicKey`,
/// then exactly `cbPublicKey` bytes.
fn is_strong_name_public_key(data: &[u8]) -> bool {
    match data.get(8..12) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize + 12 == data.len(),
        _ => false,
    }
}

/// `cryptoapi token`.
pub(crate) fn token(args: &TokenArgs) -> Outcome {
    let data = read_all(&args.file)?;
    // A strong-name public key file's token is the hash of its bytes: no RSA key needed,
    // which also serves ECMA-335's neutral "standard public key" (it holds none).
    let token = if is_strong_name_public_key(&data) {
        strong_name_token(&data)
    } else {
        let key = KeyFile::read(&data, None, None)
            .map_err(|e| Failure::crypto(&format!("reading {}", args.file), &e))?;
        if key.kind() != KeyKind::Rsa {
            let why = format!("{}: a DSA key has no strong-name token", args.file);
            return Err(Failure::crypto(&why, &cryptoapi::Error::BadType));
        }
        key.public_key_token()
    };
    println!("{}", hex(&token));
    Ok(())
}
