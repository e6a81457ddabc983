//! Using the crate from async code: `Provider` is `Send + Sync`, `Hash` and `Key` are `Send`,
//! so they live inside spawned tasks and across `.await`. RSA key generation is slow (it can
//! take seconds), so it runs on tokio's blocking pool with `spawn_blocking`.
//!
//! Run with `cargo run --example async_tokio`.

use cryptoapi::{AlgId, BlobType, Error, KeyFlags, KeySpec, Provider, ProviderType};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Hash a stream arriving in pieces, holding the Hash across awaits inside a task.
    let digest = tokio::spawn(async {
        let prov = Provider::verify_context(ProviderType::RSA_AES)?;
        let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
        for chunk in [&b"streamed "[..], b"over ", b"several ", b"awaits"] {
            tokio::task::yield_now().await;
            hash.hash_data(chunk)?;
        }
        hash.value()
    })
    .await??;
    println!(
        "SHA-256 over the stream: {}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );

    // Generate a key pair without blocking the async runtime, and sign with it.
    let (public_blob, signature, digest) =
        tokio::task::spawn_blocking(move || -> Result<_, Error> {
            let prov = Provider::verify_context(ProviderType::RSA_AES)?;
            let pair = prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(2048))?;
            let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
            hash.hash_data(&digest)?;
            let public_blob = pair.export(None, BlobType::PublicKeyBlob, 0)?;
            Ok((public_blob, hash.sign(KeySpec::Signature, 0)?, digest))
        })
        .await??;
    println!(
        "2048-bit pair generated on the blocking pool; signature of {} bytes",
        signature.len()
    );

    // Verify on the async side: verification is fast.
    let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    let public = prov.import_key(&public_blob, None, KeyFlags::empty())?;
    let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
    hash.hash_data(&digest)?;
    hash.verify_signature(&signature, &public, 0)?;
    println!("verified");
    Ok(())
}
