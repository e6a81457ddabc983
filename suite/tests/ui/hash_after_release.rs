// A hash used after its provider was released: E0505.
use cryptoapi::{AlgId, Provider, ProviderType, ReleaseFlags};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    prov.release(ReleaseFlags::empty())?;
    hash.hash_data(b"too late")?;
    Ok(())
}
