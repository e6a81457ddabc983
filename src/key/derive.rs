//! `CryptDeriveKey`'s algorithm, as a pure function over bytes.
//!
//! Given the base hash's value `h` (`n` bytes) and the key's storage length `K`:
//!
//! 1. expand when `n < K`, and always for `CALG_AES_128` from a 16- or 20-byte hash (MD2, MD4,
//!    MD5, SHA-1): Windows' quirk, confirmed by its recorded vectors;
//! 2. expansion: `buf1[i] = 0x36 ^ h[i]` and `buf2[i] = 0x5c ^ h[i]` over 64 bytes (`h` padded
//!    with zeros), material = `H(buf1) ‖ H(buf2)` with the base hash's algorithm;
//!    otherwise material = `h`;
//! 3. the key is the first `K` bytes of the material; with `CRYPT_CREATE_SALT` on the Base and
//!    Strong providers, and only without expansion, the salt is the material's next bytes.

use zeroize::Zeroizing;

use crate::alg::AlgId;
use crate::error::{Error, Result};

/// What a derivation produced.
pub(crate) struct Derived {
    pub(crate) key: Zeroizing<Vec<u8>>,
    /// Salt taken from the hash (`CRYPT_CREATE_SALT`), when there was room for it.
    pub(crate) salt_from_hash: Option<Zeroizing<Vec<u8>>>,
}

/// Derives `key_len` key bytes from the hash value `h` of algorithm `hash_alg`.
///
/// `salt_len` is the number of salt bytes to take from the hash when `CRYPT_CREATE_SALT`
/// applies (0 otherwise). `digest` computes one hash of `hash_alg` over a buffer.
pub(crate) fn derive(
    target: AlgId,
    h: &[u8],
    key_len: usize,
    salt_len: usize,
    digest: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Result<Derived> {
    let n = h.len();
    let expand = n < key_len || (target == AlgId::AES_128 && matches!(n, 16 | 20));
    let material = if expand {
        if n > 64 {
            return Err(Error::BadHash);
        }
        let mut buf1 = Zeroizing::new([0x36u8; 64]);
        let mut buf2 = Zeroizing::new([0x5cu8; 64]);
        for (i, byte) in h.iter().enumerate() {
            buf1[i] ^= byte;
            buf2[i] ^= byte;
        }
        let first = Zeroizing::new(digest(&buf1[..]).ok_or(Error::BadHash)?);
        let second = Zeroizing::new(digest(&buf2[..]).ok_or(Error::BadHash)?);
        // Sized up front: growing it would free the key's first bytes unwiped.
        let mut material = Zeroizing::new(Vec::with_capacity(first.len() + second.len()));
        material.extend_from_slice(&first);
        material.extend_from_slice(&second);
        material
    } else {
        Zeroizing::new(h.to_vec())
    };
    let key = Zeroizing::new(material.get(..key_len).ok_or(Error::BadData)?.to_vec());
    let salt_from_hash = (salt_len > 0 && !expand).then(|| {
        let rest = material.get(key_len..).unwrap_or_default();
        // Sized up front, as `material` is: the salt is hash bytes too.
        let mut salt = Zeroizing::new(Vec::with_capacity(salt_len));
        salt.extend_from_slice(&rest[..rest.len().min(salt_len)]);
        salt.resize(salt_len, 0);
        salt
    });
    Ok(Derived {
        key,
        salt_from_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use digest::Digest;

    fn md5(data: &[u8]) -> Option<Vec<u8>> {
        Some(md5::Md5::digest(data).to_vec())
    }

    #[test]
    fn short_keys_are_a_prefix_of_the_hash() {
        let h: Vec<u8> = (0..16).collect();
        let d = derive(AlgId::DES, &h, 8, 0, md5).unwrap();
        assert_eq!(&d.key[..], &h[..8]);
        assert!(d.salt_from_hash.is_none());
    }

    #[test]
    fn long_keys_expand_with_the_ipad_opad_rule() {
        let h: Vec<u8> = (0..16).collect();
        let d = derive(AlgId::TRIPLE_DES, &h, 24, 0, md5).unwrap();
        let mut buf1 = [0x36u8; 64];
        for i in 0..16 {
            buf1[i] ^= h[i];
        }
        assert_eq!(&d.key[..16], &md5(&buf1).unwrap()[..]);
        assert_eq!(d.key.len(), 24);
    }

    #[test]
    fn aes128_always_expands_from_md5_and_sha1_sized_hashes() {
        let h = [7u8; 20];
        assert_ne!(
            &derive(AlgId::AES_128, &h, 16, 0, md5).unwrap().key[..],
            &h[..16]
        );
        let long = [7u8; 32];
        assert_eq!(
            &derive(AlgId::AES_128, &long, 16, 0, md5).unwrap().key[..],
            &long[..16]
        );
    }

    #[test]
    fn created_salt_is_the_rest_of_the_hash_without_expansion_only() {
        let h: Vec<u8> = (0..16).collect();
        let d = derive(AlgId::RC4, &h, 5, 11, md5).unwrap();
        assert_eq!(
            d.salt_from_hash.as_deref().map(|s| s.to_vec()),
            Some((5..16).collect())
        );
        let d = derive(AlgId::RC4, &h[..4], 5, 11, md5).unwrap();
        assert!(d.salt_from_hash.is_none());
    }
}
