//! Provider lifecycle costs, each measured beside its reference in the same run.
//!
//! * `clone_drop`: `Provider` clone + drop (CryptContextAddRef + CryptReleaseContext) against a
//!   bare `Arc` clone + drop. Target: within 1.2x.
//! * `verify_context`: CryptAcquireContext(CRYPT_VERIFYCONTEXT) + release. Target: under 1 µs.
//! * `acquire_existing`: open an existing container from disk + release. Target: under 50 µs.
//! * `clone_drop_2_threads`: clone + drop from two threads at once on one context, against a
//!   bare `Arc` under the same contention (time per operation per thread).

use std::hint::black_box;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use cryptoapi::{AcquireFlags, KeyStore, Provider, ProviderType};

fn clone_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("clone_drop");
    let prov = Provider::verify_context(ProviderType::RSA_FULL).expect("verify context");
    let arc = Arc::new([0u64; 8]);
    group.bench_function("Provider", |b| {
        b.iter(|| drop(black_box(black_box(&prov).clone())))
    });
    group.bench_function("Arc", |b| {
        b.iter(|| drop(black_box(black_box(&arc).clone())))
    });
    group.finish();
}

fn verify_context(c: &mut Criterion) {
    c.bench_function("verify_context/acquire+drop", |b| {
        b.iter(|| {
            drop(black_box(Provider::verify_context(black_box(
                ProviderType::RSA_AES,
            ))))
        })
    });
}

fn acquire_existing(c: &mut Criterion) {
    let root = std::env::temp_dir().join(format!("cryptoapi-bench-{}", std::process::id()));
    let store = KeyStore::at(&root);
    drop(
        store
            .acquire(
                Some("bench"),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .expect("create the bench container"),
    );
    c.bench_function("acquire_existing/open+drop", |b| {
        b.iter(|| {
            let prov = store.acquire(
                Some("bench"),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::empty(),
            );
            drop(black_box(prov.expect("open the bench container")));
        })
    });
    let _ = std::fs::remove_dir_all(&root);
}

/// Runs `op` `iters` times on each of two threads at once; returns the wall time.
fn two_threads<T: Sync>(shared: &T, iters: u64, op: impl Fn(&T) + Sync) -> Duration {
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..iters {
                    op(shared);
                }
            });
        }
    });
    start.elapsed()
}

fn clone_drop_2_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("clone_drop_2_threads");
    let prov = Provider::verify_context(ProviderType::RSA_FULL).expect("verify context");
    let arc = Arc::new([0u64; 8]);
    group.bench_function("Provider", |b| {
        b.iter_custom(|iters| two_threads(&prov, iters, |p| drop(black_box(p.clone()))))
    });
    group.bench_function("Arc", |b| {
        b.iter_custom(|iters| two_threads(&arc, iters, |a| drop(black_box(Arc::clone(a)))))
    });
    group.finish();
}

criterion_group!(
    benches,
    clone_drop,
    verify_context,
    acquire_existing,
    clone_drop_2_threads
);
criterion_main!(benches);
