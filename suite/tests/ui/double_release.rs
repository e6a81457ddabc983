// A provider released twice: E0382.
use cryptoapi::{Provider, ProviderType, ReleaseFlags};

fn main() -> cryptoapi::Result<()> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    prov.release(ReleaseFlags::empty())?;
    prov.release(ReleaseFlags::empty())?;
    Ok(())
}
