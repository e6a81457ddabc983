//! Streaming versus one-shot: `CryptEncrypt`/`CryptDecrypt` split into many calls must give
//! exactly what one final call gives, for every cipher and mode, and `CryptHashData` split
//! anywhere must give the one-shot hash, for every hash, HMAC and CBC-MAC.
//!
//! CryptoAPI's rules for the split: a non-final call on a block cipher takes whole blocks and
//! keeps the chaining state; the final call takes the rest (any length when encrypting, at
//! least one block when decrypting), adds or strips PKCS#5 padding, and resets the key to its
//! IV, so one key object serves every chunking in turn. RC4 takes any length on every call.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use cryptoapi::{AlgId, CipherMode, Hash, HmacInfo, Key, KeyFlags, Provider, ProviderType};

fn provider() -> Provider {
    Provider::verify_context(ProviderType::RSA_AES).unwrap()
}

/// Deterministic, non-repeating-looking bytes.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            let i = u32::try_from(i).unwrap();
            (i.wrapping_mul(167)
                .wrapping_add(u32::from(seed))
                .wrapping_mul(31)
                >> 3) as u8
        })
        .collect()
}

/// Every session algorithm, with the key length to generate (0: the provider's default).
const CIPHERS: [(AlgId, u16, &str); 9] = [
    (AlgId::RC2, 40, "RC2-40"),
    (AlgId::RC2, 128, "RC2-128"),
    (AlgId::RC4, 128, "RC4-128"),
    (AlgId::DES, 0, "DES"),
    (AlgId::TRIPLE_DES_112, 0, "3DES-112"),
    (AlgId::TRIPLE_DES, 0, "3DES"),
    (AlgId::AES_128, 0, "AES-128"),
    (AlgId::AES_192, 0, "AES-192"),
    (AlgId::AES_256, 0, "AES-256"),
];

fn new_key(prov: &Provider, alg: AlgId, bits: u16) -> Key<'_> {
    prov.gen_key(alg, KeyFlags::EXPORTABLE.with_key_bits(bits))
        .unwrap()
}

fn block_len(key: &Key<'_>) -> usize {
    usize::try_from(key.block_bits() / 8).unwrap()
}

#[test]
fn rc2_40_carries_its_salt_through_duplicates() {
    // The 40-bit RC2 key is the one with an 11-byte salt: make sure it is really exercised.
    let prov = provider();
    let key = new_key(&prov, AlgId::RC2, 40);
    assert_eq!((key.key_bits(), key.salt().len()), (40, 11));
    let copy = key.duplicate().unwrap();
    assert_eq!(copy.salt(), key.salt());
}

/// Encrypts `pt` as: non-final calls of `chunk` bytes over `pt[..split]` (a whole number of
/// blocks), then one final call with `pt[split..]`.
fn encrypt_chunked(key: &mut Key<'_>, pt: &[u8], split: usize, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pt[..split].chunks(chunk) {
        let mut buf = piece.to_vec();
        key.encrypt(&mut buf, false).unwrap();
        assert_eq!(buf.len(), piece.len(), "non-final calls add nothing");
        out.extend_from_slice(&buf);
    }
    let mut buf = pt[split..].to_vec();
    key.encrypt(&mut buf, true).unwrap();
    out.extend_from_slice(&buf);
    out
}

/// Decrypts `ct` as non-final calls of `chunk` bytes over `ct[..split]`, then a final call.
fn decrypt_chunked(key: &mut Key<'_>, ct: &[u8], split: usize, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in ct[..split].chunks(chunk) {
        let mut buf = piece.to_vec();
        key.decrypt(&mut buf, false).unwrap();
        assert_eq!(buf.len(), piece.len(), "non-final calls strip nothing");
        out.extend_from_slice(&buf);
    }
    let mut buf = ct[split..].to_vec();
    key.decrypt(&mut buf, true).unwrap();
    out.extend_from_slice(&buf);
    out
}

/// Every chunking of one block-cipher key in one mode, for plaintexts around the block size.
/// Returns how many chunked encryptions and decryptions were compared.
fn check_block_cipher(base: &Key<'_>, name: &str) -> usize {
    let bs = block_len(base);
    assert!(bs == 8 || bs == 16, "{name}: block {bs}");
    let mut compared = 0;
    for len in [
        0,
        1,
        bs - 1,
        bs,
        bs + 1,
        2 * bs - 1,
        2 * bs,
        3 * bs + 5,
        100,
    ] {
        let what = format!("{name} {:?} len {len}", base.mode());
        let pt = pattern(len, u8::try_from(len).unwrap());
        // The one-shot reference, on a fresh copy of the key.
        let mut ct = pt.clone();
        base.duplicate().unwrap().encrypt(&mut ct, true).unwrap();
        assert_eq!(ct.len(), (len / bs + 1) * bs, "{what}: padded length");
        assert_eq!(ct.len(), base.encrypted_len(len, true), "{what}");
        let mut back = ct.clone();
        base.duplicate().unwrap().decrypt(&mut back, true).unwrap();
        assert_eq!(back, pt, "{what}: one-shot round trip");

        // One key for every chunking below: each ends with a final call, which resets it.
        let mut key = base.duplicate().unwrap();
        let whole = len / bs;
        for k in 1..=3 {
            // `held` whole blocks go to the final call along with the partial tail.
            for held in 0..=whole {
                let split = (whole - held) * bs;
                let got = encrypt_chunked(&mut key, &pt, split, k * bs);
                assert_eq!(
                    got, ct,
                    "{what}: encrypt, {k}-block chunks, final at {split}"
                );
                compared += 1;
            }
        }
        let blocks = ct.len() / bs;
        for k in 1..=3 {
            // The final call gets `tail` blocks, at least one.
            for tail in 1..=blocks {
                let split = (blocks - tail) * bs;
                let got = decrypt_chunked(&mut key, &ct, split, k * bs);
                assert_eq!(
                    got, pt,
                    "{what}: decrypt, {k}-block chunks, final at {split}"
                );
                compared += 1;
            }
        }

        // The allocation-free forms agree with the Vec forms.
        let mut first = pt[..whole * bs].to_vec();
        assert_eq!(
            key.encrypt_in_place(&mut first, whole * bs, false).unwrap(),
            whole * bs
        );
        let mut rest = pt[whole * bs..].to_vec();
        rest.resize(bs, 0);
        assert_eq!(
            key.encrypt_in_place(&mut rest, len - whole * bs, true)
                .unwrap(),
            bs
        );
        assert_eq!([first, rest].concat(), ct, "{what}: encrypt_in_place");
        let mut buf = ct.clone();
        let (head, tail) = buf.split_at_mut(ct.len() - bs);
        assert_eq!(key.decrypt_in_place(head, false).unwrap(), head.len());
        let n = key.decrypt_in_place(tail, true).unwrap();
        assert_eq!(n, len - whole * bs, "{what}: decrypt_in_place length");
        buf.truncate(ct.len() - bs + n);
        assert_eq!(buf, pt, "{what}: decrypt_in_place");
    }
    compared
}

#[test]
fn block_ciphers_every_mode_every_chunking() {
    let prov = provider();
    let mut compared = 0;
    for (alg, bits, name) in CIPHERS {
        if alg == AlgId::RC4 {
            continue;
        }
        for mode in [CipherMode::Cbc, CipherMode::Ecb, CipherMode::Cfb] {
            let mut key = new_key(&prov, alg, bits);
            key.set_mode(mode).unwrap();
            // A non-zero IV, so that a chaining register left at zero would show.
            let iv = pattern(block_len(&key), 0xa5);
            key.set_iv(&iv).unwrap();
            compared += check_block_cipher(&key, name);
        }
    }
    eprintln!("block ciphers: {compared} chunked runs compared with one-shot");
    assert!(compared > 2000, "{compared}");
}

#[test]
fn block_ciphers_refuse_partial_blocks_mid_stream() {
    // A non-final call with a partial block is refused and changes nothing: the stream goes on
    // as if it had not been made.
    let prov = provider();
    for (alg, bits, name) in CIPHERS {
        if alg == AlgId::RC4 {
            continue;
        }
        let base = new_key(&prov, alg, bits);
        let bs = block_len(&base);
        let pt = pattern(3 * bs, 7);
        let mut ct = pt.clone();
        base.duplicate().unwrap().encrypt(&mut ct, true).unwrap();
        let mut key = base.duplicate().unwrap();
        let mut a = pt[..bs].to_vec();
        key.encrypt(&mut a, false).unwrap();
        let mut odd = pt[bs..2 * bs - 1].to_vec();
        let err = key.encrypt(&mut odd, false).unwrap_err();
        assert_eq!(err.code(), 0x8009_0005, "{name}");
        assert_eq!(odd, pt[bs..2 * bs - 1], "{name}: refused data untouched");
        let mut b = pt[bs..].to_vec();
        key.encrypt(&mut b, true).unwrap();
        assert_eq!([a, b].concat(), ct, "{name}");
    }
}

#[test]
fn rc4_every_chunk_size() {
    let prov = provider();
    let base = new_key(&prov, AlgId::RC4, 128);
    assert_eq!(base.block_bits(), 0);
    let mut compared = 0;
    for len in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 300] {
        let pt = pattern(len, 3);
        let mut ct = pt.clone();
        base.duplicate().unwrap().encrypt(&mut ct, true).unwrap();
        assert_eq!(ct.len(), len, "RC4 adds no padding");
        let mut key = base.duplicate().unwrap();
        for chunk in 1..=17 {
            // Chunks of `chunk` bytes, the last one final...
            let split = len.saturating_sub(1) / chunk * chunk;
            assert_eq!(
                encrypt_chunked(&mut key, &pt, split, chunk),
                ct,
                "len {len} chunk {chunk}"
            );
            assert_eq!(
                decrypt_chunked(&mut key, &ct, split, chunk),
                pt,
                "len {len} chunk {chunk}"
            );
            // ...and all of them non-final, then an empty final call.
            assert_eq!(
                encrypt_chunked(&mut key, &pt, len, chunk),
                ct,
                "len {len} chunk {chunk}"
            );
            assert_eq!(
                decrypt_chunked(&mut key, &ct, len, chunk),
                pt,
                "len {len} chunk {chunk}"
            );
            compared += 4;
        }
        // A duplicate taken mid-stream resumes at the same keystream position.
        let mut key = base.duplicate().unwrap();
        let half = len / 2;
        let mut first = pt[..half].to_vec();
        key.encrypt(&mut first, false).unwrap();
        let mut copy = key.duplicate().unwrap();
        let (mut x, mut y) = (pt[half..].to_vec(), pt[half..].to_vec());
        key.encrypt(&mut x, true).unwrap();
        copy.encrypt(&mut y, true).unwrap();
        assert_eq!(x, y, "len {len}: duplicate mid-stream");
        assert_eq!([first, x].concat(), ct, "len {len}");
    }
    eprintln!("RC4: {compared} chunked runs compared with one-shot");
}

#[test]
fn block_cipher_duplicates_mid_stream() {
    let prov = provider();
    for (alg, bits, name) in CIPHERS {
        if alg == AlgId::RC4 {
            continue;
        }
        for mode in [CipherMode::Cbc, CipherMode::Ecb, CipherMode::Cfb] {
            let mut base = new_key(&prov, alg, bits);
            base.set_mode(mode).unwrap();
            base.set_iv(&pattern(block_len(&base), 9)).unwrap();
            let bs = block_len(&base);
            let pt = pattern(5 * bs + 3, 1);
            let mut ct = pt.clone();
            base.duplicate().unwrap().encrypt(&mut ct, true).unwrap();
            let mut key = base.duplicate().unwrap();
            let mut first = pt[..2 * bs].to_vec();
            key.encrypt(&mut first, false).unwrap();
            let mut copy = key.duplicate().unwrap();
            assert_eq!(copy.mode(), mode);
            let (mut x, mut y) = (pt[2 * bs..].to_vec(), pt[2 * bs..].to_vec());
            key.encrypt(&mut x, true).unwrap();
            copy.encrypt(&mut y, true).unwrap();
            assert_eq!(x, y, "{name} {mode:?}");
            assert_eq!([first, x].concat(), ct, "{name} {mode:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hashes.
// ---------------------------------------------------------------------------------------------

const HASH_INPUT_LEN: usize = 200;

/// Every chunking of a 200-byte input into chunks of 1..=17 bytes, and every split into two
/// calls at offsets 0..=130, against the one-shot value. Returns how many were compared.
fn check_hash_chunking<'p>(name: &str, make: &dyn Fn() -> Hash<'p>) -> usize {
    let data = pattern(HASH_INPUT_LEN, 42);
    let mut one = make();
    one.hash_data(&data).unwrap();
    let expected = one.value().unwrap();
    assert_eq!(expected.len(), one.size(), "{name}");
    let mut compared = 0;
    for chunk in 1..=17 {
        let mut h = make();
        for piece in data.chunks(chunk) {
            h.hash_data(piece).unwrap();
        }
        assert_eq!(h.value().unwrap(), expected, "{name}: chunks of {chunk}");
        compared += 1;
    }
    for split in 0..=130 {
        let mut h = make();
        h.hash_data(&data[..split]).unwrap();
        // A copy of the state at the split finishes the same way.
        let mut copy = h.duplicate().unwrap();
        h.hash_data(&data[split..]).unwrap();
        copy.hash_data(&data[split..]).unwrap();
        assert_eq!(h.value().unwrap(), expected, "{name}: split at {split}");
        assert_eq!(
            copy.value().unwrap(),
            expected,
            "{name}: duplicate at {split}"
        );
        compared += 2;
    }
    // Empty calls change nothing.
    let mut h = make();
    h.hash_data(&[]).unwrap();
    h.hash_data(&data[..64]).unwrap();
    h.hash_data(&[]).unwrap();
    h.hash_data(&data[64..]).unwrap();
    assert_eq!(h.value().unwrap(), expected, "{name}: empty calls");
    compared + 1
}

#[test]
fn plain_hashes_every_chunking() {
    let prov = provider();
    let mut compared = 0;
    for alg in [
        AlgId::MD2,
        AlgId::MD4,
        AlgId::MD5,
        AlgId::SHA1,
        AlgId::SHA_256,
        AlgId::SHA_384,
        AlgId::SHA_512,
    ] {
        compared += check_hash_chunking(&format!("{alg:?}"), &|| {
            prov.create_hash(alg, None).unwrap()
        });
    }
    eprintln!("plain hashes: {compared} chunked runs compared with one-shot");
}

#[test]
fn hmac_every_chunking() {
    let prov = provider();
    // A 20-byte key (one SHA-1 output) and a 131-byte one (longer than SHA-512's block).
    for (key_len, hash_alg) in [(20, AlgId::SHA1), (131, AlgId::SHA1), (20, AlgId::SHA_512)] {
        let mut blob = vec![8, 2, 0, 0];
        blob.extend_from_slice(&AlgId::RC2.raw().to_le_bytes());
        blob.extend_from_slice(&u32::try_from(key_len).unwrap().to_le_bytes());
        blob.extend_from_slice(&pattern(key_len, 77));
        let key = prov
            .import_key(&blob, None, KeyFlags::IPSEC_HMAC_KEY)
            .unwrap();
        check_hash_chunking(&format!("HMAC-{hash_alg:?} key {key_len}"), &|| {
            let mut h = prov.create_hash(AlgId::HMAC, Some(&key)).unwrap();
            h.set_hmac_info(&HmacInfo::new(hash_alg)).unwrap();
            h
        });
    }
}

#[test]
fn cbc_mac_every_chunking() {
    let prov = provider();
    for (alg, name) in [(AlgId::AES_128, "AES-128"), (AlgId::DES, "DES")] {
        let mut key = new_key(&prov, alg, 0);
        let iv = pattern(block_len(&key), 0x3c);
        key.set_iv(&iv).unwrap();
        check_hash_chunking(&format!("CALG_MAC {name}"), &|| {
            prov.create_hash(AlgId::MAC, Some(&key)).unwrap()
        });
        // The MAC is the last block of a final CBC encryption under the key's IV.
        let data = pattern(HASH_INPUT_LEN, 42);
        let mut mac = prov.create_hash(AlgId::MAC, Some(&key)).unwrap();
        mac.hash_data(&data).unwrap();
        let value = mac.value().unwrap();
        let mut ct = data.clone();
        key.encrypt(&mut ct, true).unwrap();
        assert_eq!(value, ct[ct.len() - block_len(&key)..], "CALG_MAC {name}");
    }
}
