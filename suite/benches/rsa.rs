//! RSA-2048 PKCS#1 v1.5 signatures over SHA-256 through `Hash` (hash, then `sign` with the
//! context's signature pair / `verify_signature` with its public key) against the bare `rsa`
//! crate doing the same hash and the same private or public operation. Target: within 1.05x.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cryptoapi::{AlgId, BlobType, KeyFlags, KeySpec, Provider, ProviderType};
use digest::Digest;
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, Pkcs1v15Sign};

const MESSAGE: &[u8] = b"The quick brown fox jumps over the lazy dog";

fn rsa_2048(c: &mut Criterion) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let pair = prov
        .gen_key(AlgId::RSA_SIGN, KeyFlags::EXPORTABLE.with_key_bits(2048))
        .expect("gen_key");
    let public_blob = pair
        .export(None, BlobType::PublicKeyBlob, 0)
        .expect("export");
    let public = prov
        .import_key(&public_blob, None, KeyFlags::empty())
        .expect("import");

    // The same key for the bare crate, from the exported private blob.
    let blob = pair
        .export(None, BlobType::PrivateKeyBlob, 0)
        .expect("export private");
    let (n_len, half) = (256, 128);
    let field =
        |offset: usize, len: usize| BoxedUint::from_le_slice_vartime(&blob[offset..offset + len]);
    let p = field(20 + n_len, half);
    let q = field(20 + n_len + half, half);
    let bare = rsa::PrivateKey::from_p_q(p, q, BoxedUint::from(65537u64)).expect("bare key");
    let bare_public = bare.to_public_key();
    assert_eq!(bare_public.size(), 256);

    let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
    hash.hash_data(MESSAGE).expect("hash_data");
    let signature = hash.sign(KeySpec::Signature, 0).expect("sign");
    let mut big_endian = signature.clone();
    big_endian.reverse();

    let mut group = c.benchmark_group("RSA-2048 SHA-256");
    group.bench_function("sign/Hash", |b| {
        b.iter(|| {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
            hash.hash_data(black_box(MESSAGE)).expect("hash_data");
            black_box(hash.sign(KeySpec::Signature, 0).expect("sign"))
        })
    });
    group.bench_function("sign/rsa", |b| {
        b.iter(|| {
            let digest = sha2::Sha256::digest(black_box(MESSAGE));
            black_box(
                bare.sign(Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
                    .expect("sign"),
            )
        })
    });
    group.bench_function("verify/Hash", |b| {
        b.iter(|| {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
            hash.hash_data(black_box(MESSAGE)).expect("hash_data");
            hash.verify_signature(black_box(&signature), &public, 0)
                .expect("verify")
        })
    });
    group.bench_function("verify/rsa", |b| {
        b.iter(|| {
            let digest = sha2::Sha256::digest(black_box(MESSAGE));
            bare_public
                .verify(
                    Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &digest,
                    black_box(&big_endian),
                )
                .expect("verify")
        })
    });
    group.finish();
}

criterion_group!(benches, rsa_2048);
criterion_main!(benches);
