//! Every hash through `Hash` (create + data + value) against the bare RustCrypto primitive, on
//! 64 B and 16 KiB. Target: within 1.05x of the primitive on 16 KiB and 1.25x on 64 B.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cryptoapi::{AlgId, HmacInfo, KeyFlags, Provider, ProviderType};
use digest::Digest;

const SIZES: [usize; 2] = [64, 16 * 1024];

/// A one-shot bare RustCrypto hash.
type Primitive = fn(&[u8]) -> Vec<u8>;

fn bare<D: Digest>(data: &[u8]) -> Vec<u8> {
    D::digest(data).to_vec()
}

fn hashes(c: &mut Criterion) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let algs: [(&str, AlgId, Primitive); 7] = [
        ("MD2", AlgId::MD2, bare::<md2::Md2>),
        ("MD4", AlgId::MD4, bare::<md4::Md4>),
        ("MD5", AlgId::MD5, bare::<md5::Md5>),
        ("SHA-1", AlgId::SHA1, bare::<sha1::Sha1>),
        ("SHA-256", AlgId::SHA_256, bare::<sha2::Sha256>),
        ("SHA-384", AlgId::SHA_384, bare::<sha2::Sha384>),
        ("SHA-512", AlgId::SHA_512, bare::<sha2::Sha512>),
    ];
    for (name, alg, primitive) in algs {
        let mut group = c.benchmark_group(name);
        for size in SIZES {
            let data = vec![0xa5u8; size];
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::new("Hash", size), &data, |b, data| {
                b.iter(|| {
                    let mut hash = prov.create_hash(alg, None).expect("create_hash");
                    hash.hash_data(black_box(data)).expect("hash_data");
                    black_box(hash.value().expect("value"))
                })
            });
            group.bench_with_input(BenchmarkId::new("RustCrypto", size), &data, |b, data| {
                b.iter(|| black_box(primitive(black_box(data))))
            });
        }
        group.finish();
    }
}

fn hmac_sha256(c: &mut Criterion) {
    use hmac::{KeyInit, Mac};
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let key_bytes = [0x0bu8; 20];
    let mut blob = vec![8, 2, 0, 0, 0x02, 0x66, 0, 0, 20, 0, 0, 0];
    blob.extend_from_slice(&key_bytes);
    let key = prov
        .import_key(&blob, None, KeyFlags::IPSEC_HMAC_KEY)
        .expect("import");
    let info = HmacInfo::new(AlgId::SHA_256);
    let mut group = c.benchmark_group("HMAC-SHA-256");
    for size in SIZES {
        let data = vec![0xa5u8; size];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("Hash", size), &data, |b, data| {
            b.iter(|| {
                let mut hash = prov
                    .create_hash(AlgId::HMAC, Some(&key))
                    .expect("create_hash");
                hash.set_hmac_info(&info).expect("hmac info");
                hash.hash_data(black_box(data)).expect("hash_data");
                black_box(hash.value().expect("value"))
            })
        });
        group.bench_with_input(BenchmarkId::new("RustCrypto", size), &data, |b, data| {
            b.iter(|| {
                let mut mac =
                    hmac::Hmac::<sha2::Sha256>::new_from_slice(&key_bytes).expect("hmac key");
                mac.update(black_box(data));
                black_box(mac.finalize().into_bytes())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hashes, hmac_sha256);
criterion_main!(benches);
