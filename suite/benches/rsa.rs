//! RSA-2048 through the crate's API against the code it replaced, in the same run.
//!
//! * `crate`: the public API (`Hash::sign`, `Hash::verify_signature`, `Key::decrypt_with`,
//!   `Provider::gen_key`), on the crate's own fixed-size arithmetic.
//! * `today`: what the crate did before it owned its RSA arithmetic, kept here verbatim over the
//!   `rsa` crate 0.10 (`PrivateKey::sign`/`decrypt` with blinding, OAEP's extra raw private
//!   operation for the first-byte check, generation rebuilt from the primes).
//! * `rsa`: the bare `rsa` crate doing the same primitive.
//!
//! Targets (issue 13): sign and decrypt at most 1.05x of `today`, key generation at most 1.2x.
//! `crate` includes the API's own work (a `Hash` object, the context's pair lookup), a few
//! microseconds against a private operation of a millisecond or more.
//!
//! On a shared machine, criterion's wall-clock figures for one function after another drift
//! with the load by more than the margins above. So before the criterion groups, each
//! comparison also runs **paired**: the three implementations in turn, round after round, so
//! that a change in load falls on all three alike, and the medians (means for key generation,
//! whose time is random) are printed with their ratios to `today`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use cryptoapi::{AlgId, BlobType, CRYPT_OAEP, KeyFlags, KeySpec, Provider, ProviderType};
use digest::Digest;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign};

const MESSAGE: &[u8] = b"The quick brown fox jumps over the lazy dog";
const AT_KEYEXCHANGE: AlgId = AlgId::from_raw(1);
/// The SHA-256 DigestInfo prefix.
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The previous `RsaKey` code paths, over `rsa` 0.10 (from `src/rsa.rs` before the crate owned
/// its arithmetic).
mod today {
    use super::*;

    pub(super) fn sign(key: &rsa::PrivateKey, prefix: &[u8], hash: &[u8]) -> Vec<u8> {
        let scheme = Pkcs1v15Sign {
            hash_len: Some(hash.len()),
            prefix: prefix.into(),
        };
        let mut sig = key.sign(scheme, hash).expect("sign");
        sig.reverse();
        sig
    }

    pub(super) fn decrypt_pkcs1(key: &rsa::PrivateKey, ct_le: &[u8]) -> Vec<u8> {
        let mut ct = ct_le.to_vec();
        ct.reverse();
        key.decrypt(Pkcs1v15Encrypt, &ct).expect("decrypt")
    }

    pub(super) fn decrypt_oaep(key: &rsa::PrivateKey, ct_le: &[u8]) -> Vec<u8> {
        let mut ct = ct_le.to_vec();
        ct.reverse();
        let decoded = key.decrypt(Oaep::<sha1::Sha1>::new(), &ct);
        let c = BoxedUint::from_be_slice(&ct, key.n().as_ref().bits_precision()).expect("c");
        let mut rng = getrandom::SysRng;
        let m = rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut rng), &c).expect("raw");
        let first_byte_zero = (m.bit_width_vartime() as usize) <= 8 * (key.size() - 1);
        assert!(first_byte_zero);
        decoded.expect("oaep")
    }

    pub(super) fn generate(bits: usize) -> rsa::PrivateKey {
        let mut rng = getrandom::SysRng;
        let generated =
            rsa::PrivateKey::new_with_exp_unchecked(&mut rng, bits, BoxedUint::from(65537u64))
                .expect("generate");
        let [p, q] = generated.primes() else {
            panic!("two primes")
        };
        let key = rsa::PrivateKey::from_p_q(
            p.as_ref().clone(),
            q.as_ref().clone(),
            BoxedUint::from(65537u64),
        )
        .expect("rebuild");
        // The blob numbers, as the old code extracted them.
        black_box((
            key.dp().map(|x| x.to_le_bytes()),
            key.dq().map(|x| x.to_le_bytes()),
            key.qinv().map(|x| x.retrieve().to_le_bytes()),
            key.d().to_le_bytes(),
        ));
        key
    }
}

/// Runs `fns` in turn for `rounds` rounds and prints each one's median (or mean) time and its
/// ratio to the one named `today`.
fn paired(name: &str, rounds: usize, mean: bool, fns: &mut [(&str, &mut dyn FnMut())]) {
    let mut times = vec![Vec::with_capacity(rounds); fns.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in fns.iter_mut().enumerate() {
            let start = Instant::now();
            f();
            times[i].push(start.elapsed());
        }
    }
    let stat = |t: &mut Vec<Duration>| {
        if mean {
            t.iter().sum::<Duration>() / t.len() as u32
        } else {
            t.sort();
            t[t.len() / 2]
        }
    };
    let stats: Vec<Duration> = times.iter_mut().map(stat).collect();
    let today = fns
        .iter()
        .position(|(n, _)| *n == "today")
        .map_or(stats[0], |i| stats[i]);
    let line: Vec<String> = fns
        .iter()
        .zip(&stats)
        .map(|((n, _), t)| {
            format!(
                "{n} {t:.2?} ({:.3}x)",
                t.as_secs_f64() / today.as_secs_f64()
            )
        })
        .collect();
    let kind = if mean { "mean" } else { "median" };
    println!(
        "paired, {kind} of {rounds} rounds: {name}: {}",
        line.join(", ")
    );
}

fn rsa_2048(c: &mut Criterion) {
    let prov = Provider::verify_context(ProviderType::RSA_AES).expect("verify context");
    let pair = prov
        .gen_key(AlgId::RSA_SIGN, KeyFlags::EXPORTABLE.with_key_bits(2048))
        .expect("gen_key");
    let mut exchange = prov
        .gen_key(AT_KEYEXCHANGE, KeyFlags::EXPORTABLE.with_key_bits(2048))
        .expect("gen_key");
    let public_blob = pair
        .export(None, BlobType::PublicKeyBlob, 0)
        .expect("export");
    let public = prov
        .import_key(&public_blob, None, KeyFlags::empty())
        .expect("import");

    // The same keys for the bare crate, from the exported private blobs.
    let bare_key = |blob: &[u8]| {
        let (n_len, half) = (256, 128);
        let field = |offset: usize, len: usize| {
            BoxedUint::from_le_slice_vartime(&blob[offset..offset + len])
        };
        let p = field(20 + n_len, half);
        let q = field(20 + n_len + half, half);
        rsa::PrivateKey::from_p_q(p, q, BoxedUint::from(65537u64)).expect("bare key")
    };
    let bare = bare_key(
        &pair
            .export(None, BlobType::PrivateKeyBlob, 0)
            .expect("export"),
    );
    let bare_exchange = bare_key(
        &exchange
            .export(None, BlobType::PrivateKeyBlob, 0)
            .expect("export"),
    );
    let bare_public = bare.to_public_key();
    assert_eq!(bare_public.size(), 256);

    let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
    hash.hash_data(MESSAGE).expect("hash_data");
    let signature = hash.sign(KeySpec::Signature, 0).expect("sign");
    let mut big_endian = signature.clone();
    big_endian.reverse();

    paired_runs(&prov, &mut exchange, &bare, &bare_exchange);

    let mut group = c.benchmark_group("RSA-2048 sign (SHA-256, PKCS#1 v1.5)");
    group.bench_function("crate", |b| {
        b.iter(|| {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
            hash.hash_data(black_box(MESSAGE)).expect("hash_data");
            black_box(hash.sign(KeySpec::Signature, 0).expect("sign"))
        })
    });
    group.bench_function("today", |b| {
        b.iter(|| {
            let digest = sha2::Sha256::digest(black_box(MESSAGE));
            black_box(today::sign(&bare, &SHA256_PREFIX, &digest))
        })
    });
    group.bench_function("rsa", |b| {
        b.iter(|| {
            let digest = sha2::Sha256::digest(black_box(MESSAGE));
            black_box(
                bare.sign(Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
                    .expect("sign"),
            )
        })
    });
    group.finish();

    let mut group = c.benchmark_group("RSA-2048 verify (SHA-256, PKCS#1 v1.5)");
    group.bench_function("crate", |b| {
        b.iter(|| {
            let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
            hash.hash_data(black_box(MESSAGE)).expect("hash_data");
            hash.verify_signature(black_box(&signature), &public, 0)
                .expect("verify")
        })
    });
    group.bench_function("rsa", |b| {
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

    // Decryption of a 32-byte session key, little-endian ciphertexts as CryptDecrypt takes them.
    for (label, flags) in [("PKCS#1 v1.5, implicit rejection", 0), ("OAEP", CRYPT_OAEP)] {
        let mut ct = b"a 32-byte AES-256 session key!!!".to_vec();
        exchange
            .encrypt_with(None, true, flags, &mut ct)
            .expect("encrypt");
        let mut group = c.benchmark_group(format!("RSA-2048 decrypt ({label})"));
        group.bench_function("crate", |b| {
            b.iter(|| {
                let mut data = black_box(&ct).clone();
                exchange
                    .decrypt_with(None, true, flags, &mut data)
                    .expect("decrypt");
                black_box(data)
            })
        });
        group.bench_function("today", |b| {
            b.iter(|| {
                black_box(if flags == 0 {
                    today::decrypt_pkcs1(&bare_exchange, black_box(&ct))
                } else {
                    today::decrypt_oaep(&bare_exchange, black_box(&ct))
                })
            })
        });
        let mut ct_be = ct.clone();
        ct_be.reverse();
        group.bench_function("rsa", |b| {
            b.iter(|| {
                black_box(if flags == 0 {
                    bare_exchange.decrypt(Pkcs1v15Encrypt, black_box(&ct_be))
                } else {
                    bare_exchange.decrypt(Oaep::<sha1::Sha1>::new(), black_box(&ct_be))
                })
                .expect("decrypt")
            })
        });
        group.finish();
    }

    // Key generation: random, so many samples are needed for a stable mean.
    let mut group = c.benchmark_group("RSA-2048 key generation");
    group.sample_size(30);
    group.bench_function("crate", |b| {
        b.iter(|| {
            black_box(
                prov.gen_key(AT_KEYEXCHANGE, KeyFlags::EXPORTABLE.with_key_bits(2048))
                    .expect("gen_key"),
            )
        })
    });
    group.bench_function("today", |b| b.iter(|| black_box(today::generate(2048))));
    group.bench_function("rsa", |b| {
        let mut rng = getrandom::SysRng;
        b.iter(|| black_box(rsa::PrivateKey::new(&mut rng, 2048).expect("generate")))
    });
    group.finish();
}

/// The paired comparisons (see the module docs).
fn paired_runs(
    prov: &Provider,
    exchange: &mut cryptoapi::Key<'_>,
    bare: &rsa::PrivateKey,
    bare_exchange: &rsa::PrivateKey,
) {
    let rounds = 300;
    paired(
        "RSA-2048 sign",
        rounds,
        false,
        &mut [
            ("crate", &mut || {
                let mut hash = prov.create_hash(AlgId::SHA_256, None).expect("hash");
                hash.hash_data(black_box(MESSAGE)).expect("hash_data");
                black_box(hash.sign(KeySpec::Signature, 0).expect("sign"));
            }),
            ("today", &mut || {
                let digest = sha2::Sha256::digest(black_box(MESSAGE));
                black_box(today::sign(bare, &SHA256_PREFIX, &digest));
            }),
            ("rsa", &mut || {
                let digest = sha2::Sha256::digest(black_box(MESSAGE));
                black_box(bare.sign(Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)).expect("sign");
            }),
        ],
    );
    for (label, flags) in [("PKCS#1 v1.5", 0), ("OAEP", CRYPT_OAEP)] {
        let mut ct = b"a 32-byte AES-256 session key!!!".to_vec();
        exchange
            .encrypt_with(None, true, flags, &mut ct)
            .expect("encrypt");
        let mut ct_be = ct.clone();
        ct_be.reverse();
        paired(
            &format!("RSA-2048 decrypt ({label})"),
            rounds,
            false,
            &mut [
                ("crate", &mut || {
                    let mut data = black_box(&ct).clone();
                    exchange
                        .decrypt_with(None, true, flags, &mut data)
                        .expect("decrypt");
                    black_box(data);
                }),
                ("today", &mut || {
                    black_box(if flags == 0 {
                        today::decrypt_pkcs1(bare_exchange, black_box(&ct))
                    } else {
                        today::decrypt_oaep(bare_exchange, black_box(&ct))
                    });
                }),
                ("rsa", &mut || {
                    black_box(if flags == 0 {
                        bare_exchange.decrypt(Pkcs1v15Encrypt, black_box(&ct_be))
                    } else {
                        bare_exchange.decrypt(Oaep::<sha1::Sha1>::new(), black_box(&ct_be))
                    })
                    .expect("decrypt");
                }),
            ],
        );
    }
    let mut rng = getrandom::SysRng;
    paired(
        "RSA-2048 key generation",
        150,
        true,
        &mut [
            ("crate", &mut || {
                black_box(
                    prov.gen_key(AT_KEYEXCHANGE, KeyFlags::EXPORTABLE.with_key_bits(2048))
                        .expect("gen_key"),
                );
            }),
            ("today", &mut || {
                black_box(today::generate(2048));
            }),
            ("rsa", &mut || {
                black_box(rsa::PrivateKey::new(&mut rng, 2048).expect("generate"));
            }),
        ],
    );
}

criterion_group!(benches, rsa_2048);
criterion_main!(benches);
