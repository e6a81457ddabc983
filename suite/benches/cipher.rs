//! Session-key encryption through `Key` against the bare RustCrypto primitive (same cipher, same
//! mode, key schedule done once on both sides), on 64 B and 16 KiB, and CryptDeriveKey from a
//! password end to end. Target: within 1.05x of the primitive on 16 KiB.

use std::hint::black_box;

use cipher::{BlockModeEncrypt, InOutBuf, InnerIvInit, KeyInit, StreamCipher};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cryptoapi::{AlgId, BlobType, KeyFlags, Provider, ProviderType};

const SIZES: [usize; 2] = [64, 16 * 1024];

/// CBC over whole blocks with a pre-keyed cipher: what `Key::encrypt` does for non-final data.
fn bare_cbc<C>(cipher: &C, iv: &[u8], buf: &mut [u8])
where
    C: cipher::BlockCipherEncrypt,
{
    let iv = cipher::Iv::<cbc::Encryptor<&C>>::try_from(iv).expect("iv length");
    let mut enc = cbc::Encryptor::<&C>::inner_iv_init(cipher, &iv);
    let (blocks, _) = InOutBuf::from(buf).into_chunks::<C::BlockSize>();
    enc.encrypt_blocks_inout(blocks);
}

fn block_ciphers(c: &mut Criterion) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let cases: [(&str, AlgId, usize); 3] = [
        ("AES-128-CBC", AlgId::AES_128, 16),
        ("AES-256-CBC", AlgId::AES_256, 16),
        ("3DES-CBC", AlgId::TRIPLE_DES, 8),
    ];
    for (name, alg, block) in cases {
        let key = prov.gen_key(alg, KeyFlags::EXPORTABLE).expect("gen_key");
        let blob = key
            .export(None, BlobType::PlaintextKeyBlob, 0)
            .expect("export");
        let raw = blob[12..].to_vec();
        let mut key = prov
            .import_key(&blob, None, KeyFlags::empty())
            .expect("import");
        let iv = vec![0u8; block];
        let aes128 = aes::Aes128::new_from_slice(&raw).ok();
        let aes256 = aes::Aes256::new_from_slice(&raw).ok();
        let tdes = des::TdesEde3::new_from_slice(&raw).ok();
        let mut group = c.benchmark_group(name);
        for size in SIZES {
            let mut buf = vec![0x5au8; size];
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_function(BenchmarkId::new("Key", size), |b| {
                b.iter(|| {
                    key.encrypt_in_place(black_box(&mut buf), size, false)
                        .expect("encrypt")
                })
            });
            group.bench_function(BenchmarkId::new("RustCrypto", size), |b| {
                b.iter(|| match (&aes128, &aes256, &tdes) {
                    (Some(c), _, _) if alg == AlgId::AES_128 => {
                        bare_cbc(c, &iv, black_box(&mut buf))
                    }
                    (_, Some(c), _) if alg == AlgId::AES_256 => {
                        bare_cbc(c, &iv, black_box(&mut buf))
                    }
                    (_, _, Some(c)) => bare_cbc(c, &iv, black_box(&mut buf)),
                    _ => unreachable!("one cipher matches"),
                })
            });
        }
        group.finish();
    }
}

fn rc4(c: &mut Criterion) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let key = prov
        .gen_key(AlgId::RC4, KeyFlags::EXPORTABLE)
        .expect("gen_key");
    let blob = key
        .export(None, BlobType::PlaintextKeyBlob, 0)
        .expect("export");
    let mut key = prov
        .import_key(&blob, None, KeyFlags::empty())
        .expect("import");
    let mut bare = rc4::Rc4::new_from_slice(&blob[12..]).expect("rc4 key");
    let mut group = c.benchmark_group("RC4");
    for size in SIZES {
        let mut buf = vec![0x5au8; size];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("Key", size), |b| {
            b.iter(|| {
                key.encrypt_in_place(black_box(&mut buf), size, false)
                    .expect("encrypt")
            })
        });
        group.bench_function(BenchmarkId::new("RustCrypto", size), |b| {
            b.iter(|| bare.apply_keystream(black_box(&mut buf)))
        });
    }
    group.finish();
}

fn derive_from_password(c: &mut Criterion) {
    use digest::Digest;
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let password = b"correct horse battery staple";
    let mut group = c.benchmark_group("CryptDeriveKey SHA-1 -> AES-256");
    group.bench_function("Provider::derive_key", |b| {
        b.iter(|| {
            let mut hash = prov.create_hash(AlgId::SHA1, None).expect("create_hash");
            hash.hash_data(black_box(password)).expect("hash_data");
            black_box(
                prov.derive_key(AlgId::AES_256, &mut hash, KeyFlags::empty())
                    .expect("derive"),
            )
        })
    });
    group.bench_function("RustCrypto", |b| {
        b.iter(|| {
            let h = sha1::Sha1::digest(black_box(password));
            let (mut b1, mut b2) = ([0x36u8; 64], [0x5cu8; 64]);
            for (i, byte) in h.iter().enumerate() {
                b1[i] ^= byte;
                b2[i] ^= byte;
            }
            let mut material = sha1::Sha1::digest(b1).to_vec();
            material.extend_from_slice(&sha1::Sha1::digest(b2));
            black_box(aes::Aes256::new_from_slice(&material[..32]).expect("aes key"))
        })
    });
    group.finish();
}

criterion_group!(benches, block_ciphers, rc4, derive_from_password);
criterion_main!(benches);
