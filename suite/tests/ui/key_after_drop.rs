// A key used after its provider was dropped: E0505.
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    let mut key = prov.gen_key(AlgId::AES_128, KeyFlags::empty())?;
    drop(prov);
    let mut data = b"too late".to_vec();
    key.encrypt(&mut data, true)?;
    Ok(())
}
