// A borrowed key cannot move into a thread that may outlive its provider: E0597. (Its owned
// form can: tests/ui-pass/owned_handles.rs.)
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    let mut key = prov.gen_key(AlgId::RC4, KeyFlags::empty())?;
    let worker = std::thread::spawn(move || {
        let mut data = b"racing the provider".to_vec();
        key.encrypt(&mut data, true)
    });
    drop(prov);
    worker.join().ok();
    Ok(())
}
