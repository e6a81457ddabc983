//! The classic wincrypt start-up sequence, ported: open the application's key container (or
//! create it on first run), hash a message, encrypt it with a fresh session key, list the
//! containers, release, and clean up.
//!
//! Run with `cargo run --example quickstart`. The container store is `$CRYPTOAPI_HOME`, or the
//! platform's per-user data directory (`~/.local/share/cryptoapi` on Linux).

use cryptoapi::{
    AcquireFlags, AlgId, Error, KeyFlags, KeyStore, Provider, ProviderType, ReleaseFlags,
};

const CONTAINER: &str = "cryptoapi-quickstart";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() -> Result<(), Error> {
    let store = KeyStore::default_store()?;
    println!(
        "key store: {}",
        store
            .root()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    );

    // if (!CryptAcquireContext(&hProv, CONTAINER, NULL, PROV_RSA_AES, 0)
    //     && GetLastError() == NTE_BAD_KEYSET)
    //     CryptAcquireContext(&hProv, CONTAINER, NULL, PROV_RSA_AES, CRYPT_NEWKEYSET);
    let prov = match Provider::acquire(
        Some(CONTAINER),
        None,
        ProviderType::RSA_AES,
        AcquireFlags::empty(),
    ) {
        Err(Error::BadKeyset) => {
            println!("container {CONTAINER:?} not found: creating it");
            Provider::acquire(
                Some(CONTAINER),
                None,
                ProviderType::RSA_AES,
                AcquireFlags::NEWKEYSET,
            )?
        }
        other => other?,
    };
    println!("provider:  {}", prov.name());
    println!(
        "container: {} (unique name {})",
        prov.container().unwrap_or(""),
        prov.unique_container()?
    );

    // CryptCreateHash(CALG_SHA_256) + CryptHashData + CryptGetHashParam(HP_HASHVAL)
    let message = b"The quick brown fox jumps over the lazy dog";
    let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
    hash.hash_data(message)?;
    println!("SHA-256:   {}", hex(&hash.value()?));
    hash.destroy()?;

    // CryptGenKey(CALG_AES_256) + CryptEncrypt + CryptDecrypt
    let mut key = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
    let mut data = message.to_vec();
    key.encrypt(&mut data, true)?;
    println!(
        "encrypted: {} bytes ({} of padding)",
        data.len(),
        data.len() - message.len()
    );
    key.decrypt(&mut data, true)?;
    assert_eq!(data, message);
    println!("decrypted: {}", String::from_utf8_lossy(&data));
    key.destroy()?;

    // CryptGetProvParam(PP_ENUMCONTAINERS)
    println!("containers in the user key set: {:?}", prov.containers()?);

    // CryptReleaseContext, then CryptAcquireContext(CRYPT_DELETEKEYSET)
    prov.release(ReleaseFlags::empty())?;
    Provider::delete_container(
        Some(CONTAINER),
        None,
        ProviderType::RSA_AES,
        AcquireFlags::DELETEKEYSET,
    )?;
    println!("released and deleted {CONTAINER:?}");
    Ok(())
}
