// An owned key lends its provider only for as long as the key lives: the `&Provider` from
// `provider()` cannot outlive it (E0597), so an owned key cannot be used to smuggle out a
// provider reference that outlives the context's last owner.
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let prov_ref: &Provider;
    {
        let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
        let key = prov.gen_key(AlgId::RC4, KeyFlags::empty())?.into_owned();
        drop(prov);
        prov_ref = key.provider();
    }
    let _ = prov_ref.name();
    Ok(())
}
