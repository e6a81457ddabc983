// Keys are not `Clone` (`Key::duplicate` is the explicit copy): E0599.
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    let key = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
    let copy = key.clone();
    assert_eq!(copy.key_bits(), key.key_bits());
    Ok(())
}
