// Hashes are not `Clone` (`Hash::duplicate` is the explicit copy): E0599.
use cryptoapi::{AlgId, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    let hash = prov.create_hash(AlgId::SHA1, None)?;
    let copy = hash.clone();
    assert_eq!(copy.size(), hash.size());
    Ok(())
}
