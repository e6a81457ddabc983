// A key carried out of the block its provider dies in: E0597.
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let mut key = {
        let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
        prov.gen_key(AlgId::RC4, KeyFlags::empty())?
    };
    let mut data = b"dangling".to_vec();
    key.encrypt(&mut data, true)?;
    Ok(())
}
