//! RSA key pairs behind `CALG_RSA_KEYX` / `CALG_RSA_SIGN` keys: generation, BLOB conversion,
//! PKCS#1 v1.5 signatures and PKCS#1 v1.5 / OAEP encryption, all with Windows' little-endian
//! byte order, on top of the `rsa` crate.

use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign};
use zeroize::Zeroizing;

use crate::alg::AlgId;
use crate::blob::{MAX_RSA_BITS, RsaParts, RsaPrivateParts, rsa_lengths};
use crate::error::{Error, Result};

/// The smallest modulus this crate accepts in a blob, in bits (Windows generates from 384).
const MIN_RSA_BITS: usize = 256;
/// The public exponent of generated keys.
const EXPONENT: u32 = 65537;

/// How a failed PKCS#1 v1.5 padding check on decryption (and `SIMPLEBLOB` import) is answered.
///
/// Reporting bad padding is a *padding oracle*: an attacker who can submit ciphertexts and see
/// which ones fail can decrypt any ciphertext made with the key (Bleichenbacher's attack, and
/// its timing variant Marvin). Windows reports it (`NTE_BAD_DATA`). This crate by default does
/// what OpenSSL 3.2+ and the `rsa` crate do instead: **implicit rejection**, a deterministic
/// pseudo-random plaintext derived from the key and the ciphertext, computed in constant time,
/// so bad and good ciphertexts are indistinguishable. The caller then fails later, on data that
/// does not authenticate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs1Rejection {
    /// Bad padding yields a synthetic plaintext, never an error (the default, and safe).
    #[default]
    Implicit,
    /// Bad padding gives `NTE_BAD_DATA`, exactly as Windows. **Only for data that no attacker
    /// can submit**: it re-opens the Bleichenbacher/Marvin padding oracle.
    Explicit,
}

/// An RSA public key, with its private half when known.
#[derive(Clone)]
pub(crate) struct RsaKey {
    public: rsa::PublicKey,
    private: Option<Box<Private>>,
    bits: u32,
    exponent: u32,
}

#[derive(Clone)]
struct Private {
    key: rsa::PrivateKey,
    /// The blob numbers, kept as imported so that an export gives the same bytes back.
    parts: RsaPrivateParts,
}

impl std::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &self.bits)
            .field("private", &self.private.is_some())
            .finish_non_exhaustive()
    }
}

fn uint(le: &[u8]) -> BoxedUint {
    BoxedUint::from_le_slice_vartime(le)
}

fn le(number: &BoxedUint) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(number.to_le_bytes().into_vec())
}

impl RsaKey {
    /// Builds a key from the numbers of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`.
    /// `NTE_BAD_DATA` when they do not form a valid key.
    pub(crate) fn from_parts(parts: &RsaParts) -> Result<RsaKey> {
        let n = uint(&parts.modulus);
        if (n.bit_width_vartime() as usize) < MIN_RSA_BITS || n.bit_width_vartime() > parts.bits {
            return Err(Error::BadData);
        }
        let e = BoxedUint::from(u64::from(parts.exponent));
        let public = rsa::PublicKey::new_with_size_limits(
            n.clone(),
            e.clone(),
            MIN_RSA_BITS..=MAX_RSA_BITS as usize,
        )
        .map_err(|_| Error::BadData)?;
        let private = match &parts.private {
            None => None,
            Some(p) => {
                let key = rsa::PrivateKey::from_p_q(uint(&p.prime1), uint(&p.prime2), e)
                    .map_err(|_| Error::BadData)?;
                if key.n().as_ref() != &n {
                    return Err(Error::BadData);
                }
                let mut parts = p.clone();
                if parts.private_exponent.is_none() {
                    parts.private_exponent = Some(le(key.d()));
                }
                Some(Box::new(Private { key, parts }))
            }
        };
        Ok(RsaKey {
            public,
            private,
            bits: parts.bits,
            exponent: parts.exponent,
        })
    }

    /// Generates a key pair of `bits` bits (exponent 65537). Slow: seconds for large keys.
    pub(crate) fn generate(bits: u32) -> Result<RsaKey> {
        let mut rng = getrandom::SysRng;
        let generated = rsa::PrivateKey::new_with_exp_unchecked(
            &mut rng,
            bits as usize,
            BoxedUint::from(u64::from(EXPONENT)),
        )
        .map_err(|_| Error::Fail)?;
        // Rebuild from the primes, exactly as a reload from the container does: the private
        // exponent (and with it implicit rejection's key) must not depend on which path made the
        // key object.
        let [p, q] = generated.primes() else {
            return Err(Error::Fail);
        };
        let key = rsa::PrivateKey::from_p_q(
            p.as_ref().clone(),
            q.as_ref().clone(),
            BoxedUint::from(u64::from(EXPONENT)),
        )
        .map_err(|_| Error::Fail)?;
        drop(generated);
        let [p, q] = key.primes() else {
            return Err(Error::Fail);
        };
        let (dp, dq, qinv) = match (key.dp(), key.dq(), key.qinv()) {
            (Some(dp), Some(dq), Some(qinv)) => {
                (le(dp), le(dq), le(&Zeroizing::new(qinv.retrieve())))
            }
            _ => return Err(Error::Fail),
        };
        let parts = RsaPrivateParts {
            prime1: le(p.as_ref()),
            prime2: le(q.as_ref()),
            exponent1: dp,
            exponent2: dq,
            coefficient: qinv,
            private_exponent: Some(le(key.d())),
        };
        Ok(RsaKey {
            public: key.to_public_key(),
            private: Some(Box::new(Private { key, parts })),
            bits,
            exponent: EXPONENT,
        })
    }

    /// The blob numbers (private ones only when `with_private` and known).
    pub(crate) fn parts(&self, with_private: bool) -> RsaParts {
        let mut modulus = self.public.n().as_ref().to_le_bytes().into_vec();
        modulus.truncate(rsa_lengths(self.bits).0.max(1));
        RsaParts {
            bits: self.bits,
            exponent: self.exponent,
            modulus,
            private: if with_private {
                self.private.as_ref().map(|p| p.parts.clone())
            } else {
                None
            },
        }
    }

    pub(crate) fn has_private(&self) -> bool {
        self.private.is_some()
    }

    /// Modulus length in bits, as the blob states it (`KP_KEYLEN`, `KP_BLOCKLEN`).
    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }

    /// Modulus length in bytes: the size of signatures and ciphertexts.
    pub(crate) fn len(&self) -> usize {
        self.public.size()
    }

    /// PKCS#1 v1.5 signature of `hash` with the DigestInfo `prefix` (empty for none),
    /// little-endian.
    pub(crate) fn sign(&self, prefix: &[u8], hash: &[u8]) -> Result<Vec<u8>> {
        let private = self.private.as_ref().ok_or(Error::NoKey)?;
        let scheme = Pkcs1v15Sign {
            hash_len: Some(hash.len()),
            prefix: prefix.into(),
        };
        let mut sig = private.key.sign(scheme, hash).map_err(|_| Error::BadLen)?;
        sig.reverse();
        Ok(sig)
    }

    /// Whether `signature_le` is a PKCS#1 v1.5 signature of `hash` with `prefix` (the `rsa`
    /// crate compares in constant time).
    pub(crate) fn verify(&self, prefix: &[u8], hash: &[u8], signature_le: &[u8]) -> bool {
        let mut sig = signature_le.to_vec();
        sig.reverse();
        let scheme = Pkcs1v15Sign {
            hash_len: Some(hash.len()),
            prefix: prefix.into(),
        };
        self.public.verify(scheme, hash, &sig).is_ok()
    }

    /// Encrypts `message` (PKCS#1 v1.5, or OAEP with SHA-1), little-endian. `NTE_BAD_LEN` when
    /// it is longer than the padding allows.
    pub(crate) fn encrypt(&self, message: &[u8], oaep: bool) -> Result<Vec<u8>> {
        let k = self.len();
        let room = if oaep {
            k.checked_sub(42)
        } else {
            k.checked_sub(11)
        };
        if room.is_none_or(|room| message.len() > room) {
            return Err(Error::BadLen);
        }
        let mut rng = getrandom::SysRng;
        let mut out = if oaep {
            self.public
                .encrypt(&mut rng, Oaep::<sha1::Sha1>::new(), message)
        } else {
            self.public.encrypt(&mut rng, Pkcs1v15Encrypt, message)
        }
        .map_err(|_| Error::BadData)?;
        out.reverse();
        Ok(out)
    }

    /// Decrypts a little-endian ciphertext of exactly the modulus length.
    pub(crate) fn decrypt(
        &self,
        ciphertext_le: &[u8],
        oaep: bool,
        rejection: Pkcs1Rejection,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let private = self.private.as_ref().ok_or(Error::NoKey)?;
        if ciphertext_le.len() != self.len() {
            return Err(Error::BadData);
        }
        let mut ct = ciphertext_le.to_vec();
        ct.reverse();
        let plain = match (oaep, rejection) {
            (true, _) => return oaep_decrypt(&private.key, &ct),
            (false, Pkcs1Rejection::Implicit) => private.key.decrypt(Pkcs1v15Encrypt, &ct),
            (false, Pkcs1Rejection::Explicit) => return explicit_pkcs1_decrypt(&private.key, &ct),
        };
        plain.map(Zeroizing::new).map_err(|_| Error::BadData)
    }
}

/// OAEP (SHA-1, MGF1-SHA-1, empty label) decryption that also requires the encoded message's
/// first byte to be zero, as RFC 8017 does (the `rsa` crate ignores that byte).
///
/// Telling a non-zero first byte apart from other failures is Manger's oracle, so both checks
/// always run and fail alike: the raw check costs one extra private operation every time.
fn oaep_decrypt(key: &rsa::PrivateKey, ct_be: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let decoded = key
        .decrypt(Oaep::<sha1::Sha1>::new(), ct_be)
        .map(Zeroizing::new);
    let first_byte_zero = raw_decrypt(key, ct_be).is_ok_and(|m| {
        // m < 2^(8(k-1)), i.e. the k-byte encoding starts with 0x00.
        (m.bit_width_vartime() as usize) <= 8 * (key.size() - 1)
    });
    match decoded {
        Ok(plain) if first_byte_zero => Ok(plain),
        _ => Err(Error::BadData),
    }
}

/// The raw private operation on a big-endian ciphertext, refusing values not below the modulus.
/// The result is the padded plaintext: wiped on drop.
fn raw_decrypt(key: &rsa::PrivateKey, ct_be: &[u8]) -> Result<Zeroizing<BoxedUint>> {
    let c = BoxedUint::from_be_slice(ct_be, key.n().as_ref().bits_precision())
        .map_err(|_| Error::BadData)?;
    if c >= *key.n().as_ref() {
        return Err(Error::BadData);
    }
    let mut rng = getrandom::SysRng;
    rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut rng), &c)
        .map(Zeroizing::new)
        .map_err(|_| Error::BadData)
}

/// PKCS#1 v1.5 decryption that reports bad padding, as Windows does (see [`Pkcs1Rejection`]).
fn explicit_pkcs1_decrypt(key: &rsa::PrivateKey, ct_be: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let k = key.size();
    let m = raw_decrypt(key, ct_be)?;
    let bytes = Zeroizing::new(m.to_be_bytes().into_vec());
    let em = bytes
        .get(bytes.len().saturating_sub(k)..)
        .ok_or(Error::BadData)?;
    // 00 02 PS (at least 8 non-zero bytes) 00 M
    if em.len() != k || em[0] != 0 || em[1] != 2 {
        return Err(Error::BadData);
    }
    let sep = em[2..].iter().position(|&b| b == 0).ok_or(Error::BadData)? + 2;
    if sep < 10 {
        return Err(Error::BadData);
    }
    Ok(Zeroizing::new(em[sep + 1..].to_vec()))
}

/// The DigestInfo prefix of a hash algorithm, for PKCS#1 v1.5 signatures (catalogue §4.9).
/// `None` for hashes without one (`CALG_SSL3_SHAMD5` is signed bare; MAC and HMAC cannot be).
pub(crate) fn digest_info_prefix(alg: AlgId) -> Option<&'static [u8]> {
    const MD: [u8; 18] = [
        0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x00, 0x05,
        0x00, 0x04, 0x10,
    ];
    const MD2: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x02;
        p
    };
    const MD4: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x04;
        p
    };
    const MD5: [u8; 18] = {
        let mut p = MD;
        p[13] = 0x05;
        p
    };
    const SHA1: [u8; 15] = [
        0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
    ];
    const SHA2: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    const SHA256: [u8; 19] = SHA2;
    const SHA384: [u8; 19] = {
        let mut p = SHA2;
        p[1] = 0x41;
        p[14] = 0x02;
        p[18] = 0x30;
        p
    };
    const SHA512: [u8; 19] = {
        let mut p = SHA2;
        p[1] = 0x51;
        p[14] = 0x03;
        p[18] = 0x40;
        p
    };
    Some(match alg {
        AlgId::MD2 => &MD2,
        AlgId::MD4 => &MD4,
        AlgId::MD5 => &MD5,
        AlgId::SHA1 => &SHA1,
        AlgId::SHA_256 => &SHA256,
        AlgId::SHA_384 => &SHA384,
        AlgId::SHA_512 => &SHA512,
        AlgId::SSL3_SHAMD5 => &[],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_the_catalogue() {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(digest_info_prefix(AlgId::MD5).unwrap()),
            "3020300c06082a864886f70d020505000410"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::MD4).unwrap()),
            "3020300c06082a864886f70d020405000410"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::SHA_384).unwrap()),
            "3041300d060960864801650304020205000430"
        );
        assert_eq!(
            hex(digest_info_prefix(AlgId::SHA_512).unwrap()),
            "3051300d060960864801650304020305000440"
        );
        assert_eq!(digest_info_prefix(AlgId::HMAC), None);
    }

    #[test]
    fn generated_keys_round_trip_through_their_parts() {
        let key = RsaKey::generate(512).unwrap();
        let again = RsaKey::from_parts(&key.parts(true)).unwrap();
        let sig = key
            .sign(digest_info_prefix(AlgId::SHA1).unwrap(), &[7; 20])
            .unwrap();
        assert_eq!(sig.len(), 64);
        assert!(again.verify(digest_info_prefix(AlgId::SHA1).unwrap(), &[7; 20], &sig));
        assert!(!again.verify(&[], &[7; 20], &sig));
        let ct = again.encrypt(b"session key", false).unwrap();
        assert_eq!(
            &key.decrypt(&ct, false, Pkcs1Rejection::Explicit).unwrap()[..],
            b"session key"
        );
        let ct = again.encrypt(b"session key", true).unwrap();
        assert_eq!(
            &key.decrypt(&ct, true, Pkcs1Rejection::Implicit).unwrap()[..],
            b"session key"
        );
        assert!(matches!(key.encrypt(&[0; 54], false), Err(Error::BadLen)));
        assert!(matches!(key.encrypt(&[0; 23], true), Err(Error::BadLen)));
    }

    #[test]
    fn bad_padding_is_reported_only_when_asked() {
        let key = RsaKey::generate(512).unwrap();
        let garbage = vec![0x42u8; 64];
        assert!(matches!(
            key.decrypt(&garbage, false, Pkcs1Rejection::Explicit),
            Err(Error::BadData)
        ));
        let a = key
            .decrypt(&garbage, false, Pkcs1Rejection::Implicit)
            .unwrap();
        let b = key
            .decrypt(&garbage, false, Pkcs1Rejection::Implicit)
            .unwrap();
        assert_eq!(a, b, "implicit rejection is deterministic");
    }
}
