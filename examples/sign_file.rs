//! Sign a file with a container's signature key pair, and verify it the way a recipient does:
//! from the signer's `PUBLICKEYBLOB` alone (a blob that Windows' `CryptImportKey` and .NET's
//! `RSACryptoServiceProvider.ImportCspBlob` read as well).
//!
//! ```text
//! cargo run --example sign_file -- <file>   # sign and verify <file>
//! cargo run --example sign_file             # the same on a demo file
//! ```

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, Error, KeyFlags, KeySpec, KeyStore, Provider, ProviderType,
};

const CONTAINER: &str = "cryptoapi-sign-file-example";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A fresh private directory for the demo file and the key store, removed at the end: a
    // predictable name in the shared temporary directory could be planted or read by another
    // user.
    let dir = tempfile::tempdir()?;
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path = dir.path().join("report.txt");
            std::fs::write(
                &path,
                "Quarterly report: all figures audited.\n".repeat(100),
            )?;
            path
        }
    };
    // A store of its own, so that the example leaves nothing behind.
    let store = KeyStore::at(dir.path().join("store"));

    // --- The signer: a container with a signature key pair (created on first use).
    let signer = match store.acquire(
        Some(CONTAINER),
        None,
        ProviderType::RSA_AES,
        AcquireFlags::empty(),
    ) {
        Err(Error::BadKeyset) => store.acquire(
            Some(CONTAINER),
            None,
            ProviderType::RSA_AES,
            AcquireFlags::NEWKEYSET,
        )?,
        other => other?,
    };
    let pair = match signer.user_key(KeySpec::Signature) {
        Err(Error::NoKey) => {
            println!("generating a 2048-bit signature key pair...");
            signer.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(2048))?
        }
        other => other?,
    };
    let public_blob = pair.export(None, BlobType::PublicKeyBlob, 0)?;

    let mut hash = signer.create_hash(AlgId::SHA_256, None)?;
    std::io::copy(&mut std::fs::File::open(&path)?, &mut hash)?;
    let signature = hash.sign(KeySpec::Signature, 0)?;
    println!(
        "signed {} ({} bytes of signature, little-endian as Windows writes it)",
        path.display(),
        signature.len()
    );

    // --- The recipient: a verify context, the public blob and the signature.
    let verifier = Provider::verify_context(ProviderType::RSA_AES)?;
    let public = verifier.import_key(&public_blob, None, KeyFlags::empty())?;
    let mut hash = verifier.create_hash(AlgId::SHA_256, None)?;
    std::io::copy(&mut std::fs::File::open(&path)?, &mut hash)?;
    hash.verify_signature(&signature, &public, 0)?;
    println!("verified with the {}-byte PUBLICKEYBLOB", public_blob.len());

    // A single changed byte is caught.
    let mut forged = std::fs::read(&path)?;
    forged[0] ^= 1;
    let mut hash = verifier.create_hash(AlgId::SHA_256, None)?;
    hash.hash_data(&forged)?;
    match hash.verify_signature(&signature, &public, 0) {
        Err(err) => println!("a tampered copy is rejected: {err}"),
        Ok(()) => return Err("a tampered file verified".into()),
    }

    drop((pair, hash, public));
    drop((signer, store));
    dir.close()?;
    Ok(())
}
