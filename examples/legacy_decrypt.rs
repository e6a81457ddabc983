//! Reading a file the way legacy Windows software wrote it: the password is hashed (SHA-1),
//! `CryptDeriveKey` turns the hash into a 3DES key, and the data went through `CryptEncrypt` in
//! chunks, the last call with `Final = TRUE`.
//!
//! ```text
//! cargo run --example legacy_decrypt -- <file> <password>   # decrypt a legacy file to stdout
//! cargo run --example legacy_decrypt                        # demo: write one, then read it back
//! ```
//!
//! The demo first writes a file exactly as such a program did (same calls, same chunking), so
//! the read-back path is the one you would point at real legacy data.

use std::io::{Read, Write};

use cryptoapi::{AlgId, Error, Key, KeyFlags, Provider, ProviderType};

/// Legacy programs typically encrypted in chunks of a multiple of the block size.
const CHUNK: usize = 4096;

/// The legacy key schedule: SHA-1 of the password, `CryptDeriveKey(CALG_3DES)`.
fn legacy_key<'p>(prov: &'p Provider, password: &str) -> Result<Key<'p>, Error> {
    let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    hash.hash_data(password.as_bytes())?;
    prov.derive_key(AlgId::TRIPLE_DES, &mut hash, KeyFlags::empty())
}

/// Streams `input` through `CryptDecrypt`, chunk by chunk, holding back the last chunk for the
/// final call that strips the padding.
fn decrypt_stream(
    key: &mut Key<'_>,
    mut input: impl Read,
    mut output: impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        // Keep at least one block back for the final call; decrypt whole blocks before it.
        let ready = pending.len().saturating_sub(8) / 8 * 8;
        if ready > 0 {
            let mut chunk: Vec<u8> = pending.drain(..ready).collect();
            key.decrypt(&mut chunk, false)?;
            output.write_all(&chunk)?;
        }
    }
    key.decrypt(&mut pending, true)?;
    output.write_all(&pending)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [file, password] = &args[..] {
        let mut key = legacy_key(&prov, password)?;
        decrypt_stream(
            &mut key,
            std::fs::File::open(file)?,
            std::io::stdout().lock(),
        )?;
        return Ok(());
    }

    // Demo: write a legacy file, then read it back.
    let password = "Tr0ub4dor&3";
    let secret = "Quarterly figures, do not distribute.\n".repeat(300);
    // In a fresh private directory: a predictable name in the shared temporary directory could
    // be planted or read by another user.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("legacy.bin");

    let mut key = legacy_key(&prov, password)?;
    let mut file = std::fs::File::create(&path)?;
    let chunks: Vec<&[u8]> = secret.as_bytes().chunks(CHUNK).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut data = chunk.to_vec();
        key.encrypt(&mut data, i + 1 == chunks.len())?;
        file.write_all(&data)?;
    }
    drop(file);
    println!(
        "wrote {} ({} bytes of 3DES ciphertext for {} bytes of text)",
        path.display(),
        std::fs::metadata(&path)?.len(),
        secret.len()
    );

    let mut key = legacy_key(&prov, password)?;
    let mut plain = Vec::new();
    decrypt_stream(&mut key, std::fs::File::open(&path)?, &mut plain)?;
    assert_eq!(plain, secret.as_bytes());
    println!(
        "read it back: {} bytes, first line {:?}",
        plain.len(),
        secret.lines().next().unwrap_or("")
    );

    let mut wrong = legacy_key(&prov, "password123")?;
    match decrypt_stream(&mut wrong, std::fs::File::open(&path)?, std::io::sink()) {
        Err(err) => println!("with the wrong password: {err}"),
        Ok(()) => {
            println!("with the wrong password the padding happened to check out: garbage out")
        }
    }
    dir.close()?;
    Ok(())
}
