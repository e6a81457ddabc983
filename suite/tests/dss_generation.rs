//! Generation of DSS parameters and Diffie-Hellman groups, at every size the providers take:
//!
//! * DSS: p of 512 to 1024 bits in steps of 64 (the sizes `CryptGenKey(CALG_DSS_SIGN)` takes),
//!   q of 160 bits, their `DSSSEED` verifying the FIPS 186-2 way, a pair that signs what its
//!   public blob verifies; other sizes refused;
//! * Diffie-Hellman: groups of 512 and 1024 bits here, 2048 to 4096 bits in the ignored
//!   `large_dh_groups` (about 20 seconds: `cargo test --test dss_generation -- --ignored`),
//!   each with its seed verifying and two pairs agreeing.
//!
//! Each generation prints its time.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::time::Instant;

use cryptoapi::Error;
use cryptoapi::dss::harness::{self, CALG_DH_EPHEM, Dh, Dsa};

#[test]
fn dss_parameters_at_every_size() {
    for bits in (512..=1024).step_by(64) {
        let started = Instant::now();
        let key = Dsa::generate(bits).unwrap();
        let elapsed = started.elapsed();
        println!("DSS {bits} bits: {elapsed:.0?}");
        assert_eq!(key.bits(), bits);
        assert!(key.verify_seed().unwrap(), "{bits}");
        let blob = harness::decode(&key.export(false, true).unwrap()).unwrap();
        assert_eq!((blob.bits_q, blob.q[19] & 0x80), (160, 0x80));
        let hash = [0x33; 20];
        let public = Dsa::import(&key.export(false, false).unwrap()).unwrap();
        assert!(public.verify(&hash, &key.sign(&hash).unwrap()));
    }
    for bits in [0, 448, 513, 520, 1088, 2048] {
        assert!(
            matches!(Dsa::generate(bits), Err(Error::BadData)),
            "{bits} bits"
        );
    }
}

fn dh_group(bits: u32) {
    let started = Instant::now();
    let a = Dh::generate(CALG_DH_EPHEM, bits).unwrap();
    println!("DH {bits} bits: {:.0?}", started.elapsed());
    let group = harness::decode(&a.export(false, true).unwrap()).unwrap();
    let (counter, seed) = group.seed.unwrap();
    assert!(harness::verify_seed(bits, &group.p, &group.q, counter, &seed).unwrap());
    let b = Dh::generate_in_group(CALG_DH_EPHEM, &group.p, &group.g, Some(&group.q)).unwrap();
    assert_eq!(
        a.agree(&b.public_value().unwrap()).unwrap(),
        b.agree(&a.public_value().unwrap()).unwrap()
    );
}

#[test]
fn small_dh_groups() {
    for bits in [512, 1024] {
        dh_group(bits);
    }
    for bits in [448, 520, 4160] {
        assert!(matches!(
            Dh::generate(CALG_DH_EPHEM, bits),
            Err(Error::BadData)
        ));
    }
}

#[test]
#[ignore = "slow: generates 2048- to 4096-bit groups"]
fn large_dh_groups() {
    for bits in [2048, 3072, 4096] {
        dh_group(bits);
    }
}
