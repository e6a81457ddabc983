//! Hash objects (`HCRYPTHASH`).

use std::fmt;

use digest::Digest;

use crate::alg::{AlgId, offers_hash};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::provider::Provider;

/// `CRYPT_USERDATA`: the only flag `CryptHashData` accepts.
pub const CRYPT_USERDATA: u32 = 0x1;

/// A hash object (`HCRYPTHASH`), borrowing the [`Provider`] it was created from.
///
/// Feed it with [`hash_data`](Hash::hash_data); [`value`](Hash::value) finishes it and returns
/// the hash, as reading `HP_HASHVAL` does on Windows (more data is then refused with
/// `NTE_BAD_HASH_STATE`; the value can be read again). [`duplicate`](Hash::duplicate) copies the
/// state mid-stream. A `Hash` is `Send`, so it can move between threads and live across
/// `.await`.
///
/// ```
/// use cryptoapi::{AlgId, Provider, ProviderType};
///
/// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
/// let mut hash = prov.create_hash(AlgId::MD5, None)?;
/// hash.hash_data(b"abc")?;
/// assert_eq!(hash.value()?[..4], [0x90, 0x01, 0x50, 0x98]);
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[doc(alias = "HCRYPTHASH")]
pub struct Hash<'p> {
    prov: &'p Provider,
    alg: AlgId,
    state: State,
    /// Set once the value was read: the hash is finished.
    value: Option<Vec<u8>>,
}

/// The running state of each hash algorithm.
#[derive(Clone)]
enum State {
    Md2(md2::Md2),
    Md4(md4::Md4),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

/// Runs `$body` with `$d` bound to the concrete digest inside a [`State`].
macro_rules! with_digest {
    ($state:expr, $d:ident => $body:expr) => {
        match $state {
            State::Md2($d) => $body,
            State::Md4($d) => $body,
            State::Md5($d) => $body,
            State::Sha1($d) => $body,
            State::Sha256($d) => $body,
            State::Sha384($d) => $body,
            State::Sha512($d) => $body,
        }
    };
}

impl State {
    fn new(alg: AlgId) -> Option<State> {
        Some(match alg {
            AlgId::MD2 => State::Md2(Digest::new()),
            AlgId::MD4 => State::Md4(Digest::new()),
            AlgId::MD5 => State::Md5(Digest::new()),
            AlgId::SHA1 => State::Sha1(Digest::new()),
            AlgId::SHA_256 => State::Sha256(Digest::new()),
            AlgId::SHA_384 => State::Sha384(Digest::new()),
            AlgId::SHA_512 => State::Sha512(Digest::new()),
            _ => return None,
        })
    }

    fn size(&self) -> usize {
        fn size_of<D: Digest>(_: &D) -> usize {
            <D as Digest>::output_size()
        }
        with_digest!(self, d => size_of(d))
    }

    fn update(&mut self, data: &[u8]) {
        with_digest!(self, d => Digest::update(d, data));
    }

    fn finalize(&mut self) -> Vec<u8> {
        with_digest!(self, d => Digest::finalize_reset(d).to_vec())
    }
}

impl Provider {
    /// Creates a hash object (`CryptCreateHash`).
    ///
    /// Every provider offers MD2, MD4, MD5 and SHA-1; `PROV_RSA_AES` adds SHA-256, SHA-384 and
    /// SHA-512. `key` is for keyed hashes and must be `None` for these.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_ALGID`: the provider does not offer `alg` as a hash (SHA-2 on
    ///   `PROV_RSA_FULL`, a cipher id, ...), or it is a keyed or special hash (`CALG_HMAC`,
    ///   `CALG_MAC`, `CALG_SSL3_SHAMD5`) this version does not implement yet;
    /// * `NTE_BAD_KEY`: a key was given for an unkeyed hash.
    #[doc(alias = "CryptCreateHash")]
    pub fn create_hash(&self, alg: AlgId, key: Option<&Key<'_>>) -> Result<Hash<'_>> {
        if !offers_hash(self.ctx.csp.personality, alg) {
            return Err(Error::BadAlgId);
        }
        let state = State::new(alg).ok_or(Error::BadAlgId)?;
        if key.is_some() {
            return Err(Error::BadKey);
        }
        Ok(Hash {
            prov: self,
            alg,
            state,
            value: None,
        })
    }
}

impl<'p> Hash<'p> {
    /// Adds data to the hash (`CryptHashData`). Any chunking gives the same result.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_HASH_STATE` once the value has been read.
    #[doc(alias = "CryptHashData")]
    pub fn hash_data(&mut self, data: &[u8]) -> Result<()> {
        if self.value.is_some() {
            return Err(Error::BadHashState);
        }
        self.state.update(data);
        Ok(())
    }

    /// [`hash_data`](Hash::hash_data) with `CryptHashData`'s raw `dwFlags`.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_FLAGS` for flags other than 0 and [`CRYPT_USERDATA`] (checked first, as on
    /// Windows), then as [`hash_data`](Hash::hash_data).
    #[doc(alias = "CryptHashData")]
    pub fn hash_data_with_flags(&mut self, data: &[u8], flags: u32) -> Result<()> {
        if flags & !CRYPT_USERDATA != 0 {
            return Err(Error::BadFlags);
        }
        self.hash_data(data)
    }

    /// The hash value (`CryptGetHashParam(HP_HASHVAL)`). Reading it finishes the hash: later
    /// reads return the same value and [`hash_data`](Hash::hash_data) is refused. Reading it
    /// before any data gives the hash of empty input.
    ///
    /// # Errors
    ///
    /// None for the hashes this version implements; the `Result` is kept for the keyed hashes.
    #[doc(alias = "CryptGetHashParam", alias = "HP_HASHVAL")]
    pub fn value(&mut self) -> Result<Vec<u8>> {
        let state = &mut self.state;
        Ok(self.value.get_or_insert_with(|| state.finalize()).clone())
    }

    /// The algorithm (`HP_ALGID`).
    #[doc(alias = "HP_ALGID")]
    #[must_use]
    pub fn alg_id(&self) -> AlgId {
        self.alg
    }

    /// The size of the value in bytes (`HP_HASHSIZE`), available before any data.
    #[doc(alias = "HP_HASHSIZE")]
    #[must_use]
    pub fn size(&self) -> usize {
        self.state.size()
    }

    /// An independent copy of the hash with its current state (`CryptDuplicateHash`).
    ///
    /// # Errors
    ///
    /// None for the hashes this version implements; the `Result` mirrors Windows.
    #[doc(alias = "CryptDuplicateHash")]
    pub fn duplicate(&self) -> Result<Hash<'p>> {
        Ok(Hash {
            prov: self.prov,
            alg: self.alg,
            state: self.state.clone(),
            value: self.value.clone(),
        })
    }

    /// Destroys the hash (`CryptDestroyHash`); the same as dropping it.
    ///
    /// # Errors
    ///
    /// None: destroying a live hash always succeeds. (Destroying it twice, or after its
    /// provider is released, does not compile.)
    #[doc(alias = "CryptDestroyHash")]
    pub fn destroy(self) -> Result<()> {
        drop(self);
        Ok(())
    }

    /// The provider this hash belongs to.
    #[must_use]
    pub fn provider(&self) -> &'p Provider {
        self.prov
    }
}

impl fmt::Debug for Hash<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hash")
            .field("alg", &self.alg)
            .field("finished", &self.value.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::ProviderType;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn finished_hashes_refuse_data_and_keep_their_value() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::MD5, None).unwrap();
        assert_eq!(h.size(), 16);
        assert_eq!(hex(&h.value().unwrap()), "d41d8cd98f00b204e9800998ecf8427e");
        assert!(matches!(h.hash_data(b"x"), Err(Error::BadHashState)));
        assert_eq!(hex(&h.value().unwrap()), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn sizes_and_provider_support() {
        let full = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let aes = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        assert!(matches!(
            full.create_hash(AlgId::SHA_256, None),
            Err(Error::BadAlgId)
        ));
        assert!(matches!(
            full.create_hash(AlgId::RC4, None),
            Err(Error::BadAlgId)
        ));
        for (alg, size) in [
            (AlgId::MD2, 16),
            (AlgId::MD4, 16),
            (AlgId::SHA1, 20),
            (AlgId::SHA_256, 32),
            (AlgId::SHA_384, 48),
            (AlgId::SHA_512, 64),
        ] {
            assert_eq!(aes.create_hash(alg, None).unwrap().size(), size);
        }
    }

    #[test]
    fn flags_are_checked_first() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
        assert!(matches!(
            h.hash_data_with_flags(b"a", !0),
            Err(Error::BadFlags)
        ));
        h.hash_data_with_flags(b"a", CRYPT_USERDATA).unwrap();
        h.hash_data_with_flags(b"bc", 0).unwrap();
        assert_eq!(
            hex(&h.value().unwrap()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn duplicates_are_independent() {
        let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        let mut h = prov.create_hash(AlgId::SHA_256, None).unwrap();
        h.hash_data(b"ab").unwrap();
        let mut copy = h.duplicate().unwrap();
        copy.hash_data(b"c").unwrap();
        h.hash_data(b"x").unwrap();
        assert_eq!(
            hex(&copy.value().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(h.value().unwrap(), copy.value().unwrap());
        assert_eq!(
            format!("{h:?}"),
            "Hash { alg: CALG_SHA_256, finished: true, .. }"
        );
    }
}
