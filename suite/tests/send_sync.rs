//! Thread-safety guarantees of the public types, checked at compile time, and one provider
//! shared by many threads at run time.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::thread;

use cryptoapi::{
    AcquireFlags, AlgId, Error, Hash, Key, KeyFile, KeyFormat, KeySet, KeyStore, Provider,
    ProviderType, PvkEncryption,
};

mod common;
use common::hex;

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}
fn assert_static<T: 'static>() {}
fn assert_clone<T: Clone>() {}
fn assert_error<T: std::error::Error>() {}

#[test]
fn provider_is_send_and_sync() {
    assert_send::<Provider>();
    assert_sync::<Provider>();
    assert_clone::<Provider>();
}

#[test]
fn keys_and_hashes_are_send() {
    assert_send::<Key<'static>>();
    assert_send::<Hash<'static>>();
}

#[test]
fn error_is_a_thread_safe_std_error() {
    assert_send::<Error>();
    assert_sync::<Error>();
    assert_static::<Error>();
    assert_error::<Error>();
    // And so it boxes into the usual dynamic error type.
    let boxed: Box<dyn std::error::Error + Send + Sync + 'static> = Box::new(Error::BadKeyset);
    assert_eq!(boxed.to_string(), Error::BadKeyset.to_string());
}

#[test]
fn key_store_is_send_sync_and_clone() {
    assert_send::<KeyStore>();
    assert_sync::<KeyStore>();
    assert_clone::<KeyStore>();
    assert_send::<KeySet>();
    assert_sync::<KeySet>();
    assert_send::<AcquireFlags>();
}

#[test]
fn key_files_are_send_sync_and_clone() {
    assert_send::<KeyFile>();
    assert_sync::<KeyFile>();
    assert_clone::<KeyFile>();
    assert_send::<KeyFormat>();
    assert_sync::<KeyFormat>();
    assert_send::<PvkEncryption>();
    assert_sync::<PvkEncryption>();
}

#[test]
fn one_provider_shared_by_eight_threads() {
    const THREADS: usize = 8;
    const ROUNDS: usize = 1000;
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();

    // What each thread must compute, computed here first.
    let expected: Vec<String> = (0..THREADS)
        .map(|t| {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
            for round in 0..ROUNDS {
                hash.hash_data(&[t as u8, (round % 256) as u8]).unwrap();
            }
            hex(&hash.value().unwrap())
        })
        .collect();
    assert_eq!(prov.ref_count(), 1);

    let results: Vec<String> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let prov = &prov;
                scope.spawn(move || {
                    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
                    for round in 0..ROUNDS {
                        let clone = prov.clone();
                        assert!(clone.ref_count() >= 2, "a live clone must be counted");
                        // Hash through a hash made by the shared provider, and use the clone.
                        hash.hash_data(&[t as u8, (round % 256) as u8]).unwrap();
                        if round % 100 == 0 {
                            let mut md5 = clone.create_hash(AlgId::MD5, None).unwrap();
                            md5.hash_data(b"abc").unwrap();
                            assert_eq!(
                                hex(&md5.value().unwrap()),
                                "900150983cd24fb0d6963f7d28e17f72"
                            );
                        }
                        drop(clone);
                    }
                    hex(&hash.value().unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    assert_eq!(results, expected);
    assert_eq!(prov.ref_count(), 1);
}

#[test]
fn clones_move_to_threads_and_come_back() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let clone = prov.clone();
            thread::spawn(move || {
                let mut hash = clone.create_hash(AlgId::SHA1, None).unwrap();
                hash.hash_data(b"abc").unwrap();
                hex(&hash.value().unwrap())
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(
            handle.join().unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
    // Every clone was dropped on its thread.
    assert_eq!(prov.ref_count(), 1);
}

#[test]
fn a_hash_and_a_key_move_between_threads() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
    hash.hash_data(b"ab").unwrap();
    let mut key = prov
        .gen_key(AlgId::AES_128, cryptoapi::KeyFlags::empty())
        .unwrap();
    let mut data = b"secret".to_vec();
    key.encrypt(&mut data, true).unwrap();
    let (hash_value, key, data) = thread::scope(|scope| {
        scope
            .spawn(move || {
                hash.hash_data(b"c").unwrap();
                let mut data = data;
                key.decrypt(&mut data, true).unwrap();
                (hex(&hash.value().unwrap()), key, data)
            })
            .join()
            .unwrap()
    });
    assert_eq!(
        hash_value,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(data, b"secret");
    assert_eq!(key.key_bits(), 128);
}
