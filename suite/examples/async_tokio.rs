//! Using the crate from async code: `Provider` is `Send + Sync`, `Hash` and `Key` are `Send`,
//! so they live inside spawned tasks and across `.await`. RSA key generation is slow (it can
//! take seconds), so it runs on tokio's blocking pool with `spawn_blocking`.
//!
//! A key or hash that must outlive the scope that made it (a field of a long-lived struct, or
//! moved into `tokio::spawn`, which needs `'static`) is made owned with `into_owned`.
//!
//! Run with `cargo run -p cryptoapi-suite --example async_tokio`.

use cryptoapi::{AlgId, BlobType, Error, Hash, Key, KeyFlags, KeySpec, Provider, ProviderType};

/// A long-lived service that owns its key and its running MAC: no provider lifetime to thread
/// through, and it can move into a spawned task.
struct Sealer {
    key: Key<'static>,
    transcript: Hash<'static>,
}

impl Sealer {
    fn new() -> Result<Sealer, Error> {
        let prov = Provider::verify_context(ProviderType::RSA_AES)?;
        Ok(Sealer {
            key: prov
                .gen_key(AlgId::AES_256, KeyFlags::empty())?
                .into_owned(),
            transcript: prov.create_hash(AlgId::SHA_256, None)?.into_owned(),
        })
        // `prov` is dropped here: the owned key and hash keep the context alive.
    }

    /// Encrypts one message and records its ciphertext in the transcript.
    fn seal(&mut self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let mut data = message.to_vec();
        self.key.encrypt(&mut data, true)?;
        self.transcript.hash_data(&data)?;
        Ok(data)
    }
}

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

    // A struct owning its key and hash, moved into a spawned task (`tokio::spawn` needs
    // 'static: a borrowed Key<'p> would not compile here).
    let mut sealer = Sealer::new()?;
    let (sealed, transcript) = tokio::spawn(async move {
        let mut sealed = Vec::new();
        for message in [&b"first"[..], b"second", b"third"] {
            tokio::task::yield_now().await;
            sealed.push(sealer.seal(message)?);
        }
        Ok::<_, Error>((sealed, sealer.transcript.value()?))
    })
    .await??;
    println!(
        "{} messages sealed in a spawned task by an owned key; transcript {:02x?}",
        sealed.len(),
        &transcript[..4]
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
