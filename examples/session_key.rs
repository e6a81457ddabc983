//! A port of Microsoft's sample "Example C Program: Creating and Hashing a Session Key":
//! acquire a context, create an MD5 hash, generate an exportable RC2 session key, hash the
//! session key, print the hash value, then destroy the hash and key and release the context.
//!
//! The original opens the default key container with `CryptAcquireContext(..., 0)`, which
//! fails on a machine that has never created it; like Microsoft's companion sample, this port
//! creates it on first use. So that a first run touches none of your real key containers, the
//! port works in an in-memory key store ([`KeyStore::in_memory`]): a real program calls
//! [`Provider::acquire`] with the same arguments and gets the persistent default store.
//! Nothing is written to disk, and nothing is left behind.
//!
//! Run with `cargo run --example session_key`.

use cryptoapi::{AcquireFlags, AlgId, Error, KeyFlags, KeyStore, ProviderType, ReleaseFlags};

fn main() -> Result<(), Error> {
    // The key store this run uses: in memory, gone at exit (see the module docs).
    let store = KeyStore::in_memory()?;

    //--------------------------------------------------------------------
    // Acquire a cryptographic provider context handle.
    let prov = match store.acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty()) {
        Ok(prov) => prov,
        Err(Error::BadKeyset) => {
            store.acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)?
        }
        Err(err) => return Err(err),
    };
    println!(
        "CryptAcquireContext complete. ({}, container {:?})",
        prov.name(),
        prov.container().unwrap_or("")
    );

    //--------------------------------------------------------------------
    // Create a hash object.
    let mut hash = prov.create_hash(AlgId::MD5, None)?;
    println!("Hash object created.");

    //--------------------------------------------------------------------
    // Create a random session key.
    let key = prov.gen_key(AlgId::RC2, KeyFlags::EXPORTABLE)?;
    println!("Session key generated ({} bits).", key.key_bits());

    //--------------------------------------------------------------------
    // Compute the cryptographic hash on the key object.
    hash.hash_session_key(&key, 0)?;
    println!("The session key has been hashed.");

    //--------------------------------------------------------------------
    // Retrieve the hash value.
    let value = hash.value()?;
    let hex: Vec<String> = value.iter().map(|b| format!("{b:02x}")).collect();
    println!("The hash value is {}.", hex.join(" "));

    //--------------------------------------------------------------------
    // Clean up: destroy the hash and key objects, release the context.
    hash.destroy()?;
    println!("The hash object has been destroyed.");
    key.destroy()?;
    println!("The session key has been destroyed.");
    prov.release(ReleaseFlags::empty())?;
    println!("The CSP has been released.");
    Ok(())
}
