// A hash returned from the function that owns its provider: E0515.
use cryptoapi::{AlgId, Hash, Provider, ProviderType};

fn make() -> cryptoapi::Result<Hash<'static>> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    let hash = prov.create_hash(AlgId::MD5, None)?;
    Ok(hash)
}

fn main() -> cryptoapi::Result<()> {
    let mut hash = make()?;
    hash.hash_data(b"dangling")?;
    Ok(())
}
