// The owned forms compile where the borrowed ones do not: a Key<'static> and a Hash<'static>
// in a struct that outlives the provider's scope, returned from a function, moved into a
// thread; and the borrowed form still works beside them.
use cryptoapi::{AlgId, Hash, Key, KeyFlags, Provider, ProviderType};

struct Session {
    key: Key<'static>,
    mac: Hash<'static>,
}

fn open() -> cryptoapi::Result<Session> {
    let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    let key = prov.gen_key(AlgId::AES_128, KeyFlags::empty())?.into_owned();
    let mac = prov.create_hash(AlgId::SHA_256, None)?.into_owned();
    Ok(Session { key, mac })
}

fn main() -> cryptoapi::Result<()> {
    let mut session = open()?;
    let copy: Key<'static> = session.key.duplicate()?;
    let worker = std::thread::spawn(move || {
        let mut data = b"in a thread".to_vec();
        session.key.encrypt(&mut data, true)?;
        session.mac.hash_data(&data)?;
        session.mac.value()
    });
    let _value = worker.join().expect("worker")?;

    let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    let borrowed: Key<'_> = prov.gen_key(AlgId::AES_128, KeyFlags::empty())?;
    let _still_fine = (borrowed.key_bits(), copy.key_bits(), copy.provider().name());
    Ok(())
}
