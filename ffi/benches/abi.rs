//! The C ABI's cost over the Rust API, each measured beside its reference in the same run.
//!
//! * `hash_data/{64B,16KiB}`: `CryptHashData` (SHA-1) through the exports against
//!   `Hash::hash_data`. Target: within 1.10x at 16 KiB.
//! * `add_ref_release`: `CryptContextAddRef` + `CryptReleaseContext` against `Provider`
//!   clone + drop.
//! * `encrypt_aes128_cbc_16KiB`: `CryptEncrypt` (non-final, in place) against
//!   `Key::encrypt_in_place`. Target: within 1.10x.
//! * `handle_lookup`: `CryptHashData` of no bytes against `Hash::hash_data(&[])`: the
//!   difference is the handle lookup and the object lock. Target: under 50 ns.
//!
//! The exports are called as Rust functions through the library's rlib: the same code the
//! shared and static libraries export, without the dynamic-linking stub.

use std::hint::black_box;
use std::ptr;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};
use wincrypt::{
    CryptAcquireContextA, CryptContextAddRef, CryptCreateHash, CryptDestroyHash, CryptDestroyKey,
    CryptEncrypt, CryptGenKey, CryptHashData, CryptReleaseContext, HCRYPTHASH, HCRYPTKEY,
    HCRYPTPROV,
};

const CRYPT_VERIFYCONTEXT: u32 = 0xF000_0000;
const PROV_RSA_AES: u32 = 24;
const CALG_SHA1: u32 = 0x8004;
const CALG_AES_128: u32 = 0x660E;

fn context() -> HCRYPTPROV {
    let mut prov: HCRYPTPROV = 0;
    // SAFETY: `prov` is writable; NULL names are allowed.
    let ok = unsafe {
        CryptAcquireContextA(
            &mut prov,
            ptr::null(),
            ptr::null(),
            PROV_RSA_AES,
            CRYPT_VERIFYCONTEXT,
        )
    };
    assert_eq!(ok, 1, "CryptAcquireContextA");
    prov
}

fn hash_data(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash_data");
    let prov = context();
    let rust_prov = Provider::verify_context(ProviderType::RSA_AES).expect("context");
    for size in [64usize, 16 * 1024] {
        let data = vec![0x5au8; size];
        let len = u32::try_from(size).expect("size");
        group.throughput(Throughput::Bytes(size as u64));
        let mut hash: HCRYPTHASH = 0;
        // SAFETY: `hash` is writable.
        let ok = unsafe { CryptCreateHash(prov, CALG_SHA1, 0, 0, &mut hash) };
        assert_eq!(ok, 1, "CryptCreateHash");
        group.bench_with_input(BenchmarkId::new("CryptHashData", size), &data, |b, data| {
            // SAFETY: `data` is readable for `len` bytes.
            b.iter(|| unsafe { CryptHashData(black_box(hash), data.as_ptr(), len, 0) })
        });
        assert_eq!(CryptDestroyHash(hash), 1);
        let mut rust_hash = rust_prov.create_hash(AlgId::SHA1, None).expect("hash");
        group.bench_with_input(
            BenchmarkId::new("Hash::hash_data", size),
            &data,
            |b, data| b.iter(|| rust_hash.hash_data(black_box(data))),
        );
    }
    group.finish();
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

fn handle_lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("handle_lookup");
    let prov = context();
    let mut hash: HCRYPTHASH = 0;
    // SAFETY: `hash` is writable.
    let ok = unsafe { CryptCreateHash(prov, CALG_SHA1, 0, 0, &mut hash) };
    assert_eq!(ok, 1);
    group.bench_function("CryptHashData(0 bytes)", |b| {
        // SAFETY: a zero length reads nothing.
        b.iter(|| unsafe { CryptHashData(black_box(hash), ptr::null(), 0, 0) })
    });
    let rust_prov = Provider::verify_context(ProviderType::RSA_AES).expect("context");
    let mut rust_hash = rust_prov.create_hash(AlgId::SHA1, None).expect("hash");
    group.bench_function("Hash::hash_data(0 bytes)", |b| {
        b.iter(|| rust_hash.hash_data(black_box(&[])))
    });
    group.finish();
    assert_eq!(CryptDestroyHash(hash), 1);
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

fn add_ref_release(c: &mut Criterion) {
    let mut group = c.benchmark_group("add_ref_release");
    let prov = context();
    group.bench_function("CryptContextAddRef+CryptReleaseContext", |b| {
        b.iter(|| {
            CryptContextAddRef(black_box(prov), ptr::null_mut(), 0);
            CryptReleaseContext(black_box(prov), 0)
        })
    });
    let rust_prov = Provider::verify_context(ProviderType::RSA_AES).expect("context");
    group.bench_function("Provider clone+drop", |b| {
        b.iter(|| drop(black_box(black_box(&rust_prov).clone())))
    });
    group.finish();
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

fn encrypt(c: &mut Criterion) {
    const SIZE: usize = 16 * 1024;
    let mut group = c.benchmark_group("encrypt_aes128_cbc_16KiB");
    group.throughput(Throughput::Bytes(SIZE as u64));
    let prov = context();
    let mut key: HCRYPTKEY = 0;
    // SAFETY: `key` is writable.
    assert_eq!(unsafe { CryptGenKey(prov, CALG_AES_128, 0, &mut key) }, 1);
    let mut buf = vec![0x11u8; SIZE];
    let len = u32::try_from(SIZE).expect("size");
    group.bench_function("CryptEncrypt", |b| {
        b.iter(|| {
            let mut data_len = len;
            // SAFETY: `buf` holds `len` writable bytes; `data_len` is writable.
            unsafe { CryptEncrypt(key, 0, 0, 0, buf.as_mut_ptr(), &mut data_len, len) }
        })
    });
    let rust_prov = Provider::verify_context(ProviderType::RSA_AES).expect("context");
    let mut rust_key = rust_prov
        .gen_key(AlgId::AES_128, KeyFlags::empty())
        .expect("key");
    group.bench_function("Key::encrypt_in_place", |b| {
        b.iter(|| rust_key.encrypt_in_place(black_box(&mut buf), SIZE, false))
    });
    group.finish();
    assert_eq!(CryptDestroyKey(key), 1);
    assert_eq!(CryptReleaseContext(prov, 0), 1);
}

criterion_group!(benches, hash_data, handle_lookup, add_ref_release, encrypt);
criterion_main!(benches);
