//! Hashes and keys held across `.await` points in spawned tasks on a multi-threaded runtime:
//! they are `Send`, and their state survives the task moving between worker threads.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::time::Duration;

use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

fn counter(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn one_shot_sha256(data: &[u8]) -> Vec<u8> {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
    hash.hash_data(data).unwrap();
    hash.value().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_held_across_await_in_a_spawned_task() {
    let data = counter(1000);
    let expected = one_shot_sha256(&data);

    let task_data = data.clone();
    let handle = tokio::spawn(async move {
        let prov = Provider::verify_context(ProviderType::RSA_AES)?;
        let mut hash = prov.create_hash(AlgId::SHA_256, None)?;
        hash.hash_data(&task_data[..300])?;
        tokio::time::sleep(Duration::from_millis(1)).await;
        hash.hash_data(&task_data[300..700])?;
        tokio::task::yield_now().await;
        hash.hash_data(&task_data[700..])?;
        let value = hash.value()?;
        Ok::<_, cryptoapi::Error>(value)
    });
    let value = handle.await.unwrap().unwrap();
    assert_eq!(value.len(), 32);
    assert_eq!(value, expected);
    // And the data really was hashed in full.
    assert_ne!(value, one_shot_sha256(&data[..999]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_with_clones_of_one_provider() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let data = counter(4096);
    let expected = one_shot_sha256(&data);

    let mut handles = Vec::new();
    for task in 0..16usize {
        let prov = prov.clone();
        let data = data.clone();
        handles.push(tokio::spawn(async move {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
            for (i, chunk) in data.chunks(100 + task).enumerate() {
                hash.hash_data(chunk).unwrap();
                if i % 3 == 0 {
                    tokio::task::yield_now().await;
                } else if i % 7 == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            hash.value().unwrap()
        }));
    }
    for handle in handles {
        assert_eq!(handle.await.unwrap(), expected);
    }
    // Every task's clone is gone.
    assert_eq!(prov.ref_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_held_across_await() {
    let handle = tokio::spawn(async move {
        let prov = Provider::verify_context(ProviderType::RSA_AES)?;
        let mut key = prov.gen_key(AlgId::AES_256, KeyFlags::empty())?;
        let plain = counter(100);

        let mut before = plain.clone();
        key.encrypt(&mut before, true)?;
        tokio::time::sleep(Duration::from_millis(1)).await;
        tokio::task::yield_now().await;
        let mut after = plain.clone();
        key.encrypt(&mut after, true)?;

        // A stream encrypted in pieces with awaits in between: the chaining state survives.
        let mut streamed = Vec::new();
        for chunk in plain[..96].chunks(32) {
            let mut piece = chunk.to_vec();
            key.encrypt(&mut piece, false)?;
            streamed.extend_from_slice(&piece);
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
        let mut tail = plain[96..].to_vec();
        key.encrypt(&mut tail, true)?;
        streamed.extend_from_slice(&tail);

        let mut decrypted = after.clone();
        key.decrypt(&mut decrypted, true)?;
        Ok::<_, cryptoapi::Error>((plain, before, after, streamed, decrypted))
    });
    let (plain, before, after, streamed, decrypted) = handle.await.unwrap().unwrap();
    assert_eq!(before.len(), 112);
    assert_ne!(&before[..100], &plain[..]);
    assert_eq!(before, after, "the key changed across the await");
    assert_eq!(
        streamed, before,
        "streaming across awaits differs from one-shot"
    );
    assert_eq!(decrypted, plain);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rc4_keystream_survives_await() {
    let handle = tokio::spawn(async move {
        let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
        let mut key = prov.gen_key(AlgId::RC4, KeyFlags::empty())?;
        let plain = counter(64);
        let mut one_shot = plain.clone();
        key.encrypt(&mut one_shot, true)?;
        let mut streamed = Vec::new();
        for chunk in plain.chunks(10) {
            let mut piece = chunk.to_vec();
            key.encrypt(&mut piece, false)?;
            streamed.extend_from_slice(&piece);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        key.encrypt(&mut Vec::new(), true)?;
        Ok::<_, cryptoapi::Error>((plain, one_shot, streamed))
    });
    let (plain, one_shot, streamed) = handle.await.unwrap().unwrap();
    assert_ne!(one_shot, plain);
    assert_eq!(streamed, one_shot);
}
