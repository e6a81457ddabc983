//! RSA key pairs: the container's exchange and signature slots, RSA key BLOBs, and session
//! keys wrapped in `SIMPLEBLOB`s.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{
    DEFAULT_PERMISSIONS, Key, KeyFlags, KeyPermissions, KeySpec, default_salt, is_session_alg,
};
use crate::alg::{AlgId, Personality, key_lengths};
use crate::blob::{self, BlobType};
use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::rsa::{Pkcs1Rejection, RsaKey};
use crate::store::format::Slot;

/// `CRYPT_OAEP` among key flags (the same bit as `CRYPT_PREGEN`): OAEP for `SIMPLEBLOB`s.
const OAEP_FLAG: u32 = 0x40;

/// The slot (0 exchange, 1 signature) and algorithm of a key-pair `ALG_ID`: `AT_KEYEXCHANGE`
/// or `CALG_RSA_KEYX`, `AT_SIGNATURE` or `CALG_RSA_SIGN`.
pub(crate) fn pair_slot(alg: AlgId) -> Option<(usize, AlgId)> {
    match alg {
        AlgId::AT_KEYEXCHANGE | AlgId::RSA_KEYX => Some((0, AlgId::RSA_KEYX)),
        AlgId::AT_SIGNATURE | AlgId::RSA_SIGN => Some((1, AlgId::RSA_SIGN)),
        _ => None,
    }
}

impl Provider {
    /// Generates an RSA key pair into the container's exchange or signature slot
    /// (`CryptGenKey` with `AT_KEYEXCHANGE`, `AT_SIGNATURE`, `CALG_RSA_KEYX` or `CALG_RSA_SIGN`).
    pub(crate) fn gen_pair(&self, alg: AlgId, flags: KeyFlags) -> Result<Key<'_>> {
        let (index, alg) = pair_slot(alg).ok_or(Error::BadAlgId)?;
        let lengths = key_lengths(self.ctx.csp.personality, alg).ok_or(Error::BadAlgId)?;
        let bits = match flags.key_bits() {
            0 => lengths.default,
            bits => bits,
        };
        if bits < lengths.min || bits > lengths.max || !bits.is_multiple_of(8) {
            return Err(Error::BadData);
        }
        let rsa = RsaKey::generate(bits)?;
        self.install_pair(index, alg, rsa, flags.contains(KeyFlags::EXPORTABLE))
    }

    /// Stores a pair in its slot (atomically, visible to every context on the container at
    /// once) and returns a key for it.
    fn install_pair(
        &self,
        index: usize,
        alg: AlgId,
        rsa: RsaKey,
        exportable: bool,
    ) -> Result<Key<'_>> {
        let permissions = permissions(exportable);
        let stored = blob::rsa_blob(alg, &rsa.parts(true), true)?;
        self.ctx.store_pair(
            index,
            Slot {
                permissions: permissions.bits(),
                blob: stored,
            },
        )?;
        let mut key = Key::new_rsa(self, alg, Arc::new(rsa), permissions);
        key.slot = Some(index);
        Ok(key)
    }

    /// The container's key pair for `spec` (`CryptGetUserKey`). Every call returns an
    /// independent key read afresh from the container, so a pair generated or imported by
    /// another context or process is seen at once.
    ///
    /// # Errors
    ///
    /// * `NTE_NO_KEY`: the slot is empty (always the case in a fresh verify context);
    /// * `NTE_BAD_KEYSET`: the container was deleted since this context opened it;
    /// * `NTE_KEYSET_ENTRY_BAD`: the container file, or the pair in it, is corrupt;
    /// * `ERROR_ACCESS_DENIED`, `NTE_FAIL`: the key store's disk failed.
    #[doc(alias = "CryptGetUserKey")]
    pub fn user_key(&self, spec: KeySpec) -> Result<Key<'_>> {
        if self.ctx.csp.personality.is_dss_family() {
            return self.user_dl(spec);
        }
        let index = spec.raw() as usize - 1;
        let (permissions, rsa) = self
            .ctx
            .pair(index, |slot| {
                let (_, body) = blob::parse_header(&slot.blob)?;
                RsaKey::from_parts(&blob::parse_rsa(body, true)?)
            })
            .map_err(|err| {
                if matches!(err, Error::BadData) {
                    Error::KeysetEntryBad
                } else {
                    err
                }
            })?
            .ok_or(Error::NoKey)?;
        let alg = if index == 0 {
            AlgId::RSA_KEYX
        } else {
            AlgId::RSA_SIGN
        };
        let mut key = Key::new_rsa(
            self,
            alg,
            rsa,
            KeyPermissions::from_bits_retain(permissions),
        );
        key.slot = Some(index);
        Ok(key)
    }

    /// `CryptImportKey` of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`; a private blob with an
    /// `unwrap_key` (a session key) is decrypted with it first.
    pub(crate) fn import_rsa(
        &self,
        header: blob::BlobHeader,
        body: &[u8],
        unwrap_key: Option<&Key<'_>>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        let private = u32::from(header.blob_type) == BlobType::PrivateKeyBlob.raw();
        let decrypted;
        let body = match unwrap_key {
            Some(unwrap) if private => {
                decrypted = unwrap_private(unwrap, body)?;
                &decrypted[..]
            }
            _ => body,
        };
        let parts = blob::parse_rsa(body, private)?;
        let rsa = RsaKey::from_parts(&parts)?;
        if !private {
            return Ok(Key::new_rsa(
                self,
                header.alg,
                Arc::new(rsa),
                DEFAULT_PERMISSIONS,
            ));
        }
        let (index, alg) = pair_slot(header.alg).ok_or(Error::BadAlgId)?;
        self.install_pair(index, alg, rsa, flags.contains(KeyFlags::EXPORTABLE))
    }

    /// `CryptImportKey` of a `SIMPLEBLOB`: a session key unwrapped with the exchange key pair.
    pub(crate) fn import_simple(
        &self,
        header: blob::BlobHeader,
        body: &[u8],
        unwrap_key: Option<&Key<'_>>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        // `hPubKey = 0`: the context's own exchange pair, as Microsoft's "Decrypting a File"
        // sample relies on (Wine refuses it with NTE_BAD_PUBLIC_KEY).
        let own;
        let unwrap = match unwrap_key {
            Some(key) => key,
            None => {
                own = self.user_key(KeySpec::Exchange)?;
                &own
            }
        };
        let rsa = unwrap
            .rsa
            .as_deref()
            .filter(|r| r.has_private())
            .ok_or(Error::BadPublicKey)?;
        if unwrap.alg != AlgId::RSA_KEYX {
            return Err(Error::BadPublicKey);
        }
        let personality = self.ctx.csp.personality;
        let secret = super::schannel::is_blob_secret(header.alg);
        if !(is_session_alg(header.alg) || secret) || key_lengths(personality, header.alg).is_none()
        {
            return Err(Error::BadAlgId);
        }
        let (_, wrapped) = blob::parse_simple(body)?;
        let wrapped = wrapped.get(..rsa.len()).ok_or(Error::BadData)?;
        let oaep = flags.bits() & OAEP_FLAG != 0;
        let bytes = rsa.decrypt(wrapped, oaep, unwrap.rejection)?;
        let key = Zeroizing::new(bytes.to_vec());
        if secret {
            return Key::new_blob_secret(self, header.alg, key, flags);
        }
        // The blob carries no salt: the default one (11 zero bytes at 40 bits) applies.
        let salt = default_salt(header.alg, key.len(), flags);
        Key::new_unwrapped(self, header.alg, key, salt, flags)
    }
}

/// Permissions of a new key: `0x3B`, plus `CRYPT_EXPORT` when exportable.
fn permissions(exportable: bool) -> KeyPermissions {
    if exportable {
        DEFAULT_PERMISSIONS | KeyPermissions::EXPORT
    } else {
        DEFAULT_PERMISSIONS
    }
}

impl<'p> Key<'p> {
    /// How bad PKCS#1 v1.5 padding is answered when this RSA key decrypts or unwraps a
    /// `SIMPLEBLOB` (implicit rejection by default; see [`Pkcs1Rejection`]).
    #[must_use]
    pub fn pkcs1_rejection(&self) -> Pkcs1Rejection {
        self.rejection
    }

    /// Chooses how bad PKCS#1 v1.5 padding is answered when this RSA key decrypts data or
    /// unwraps a `SIMPLEBLOB`.
    ///
    /// [`Pkcs1Rejection::Explicit`] gives Windows' `NTE_BAD_DATA`, and with it a padding
    /// oracle: an attacker who can submit ciphertexts to your program and tell failures apart
    /// can decrypt any ciphertext made with this key (Bleichenbacher 1998; the timing variant
    /// "Marvin", 2023). Choose it only for data no attacker can submit, for example to tell a
    /// wrong key from a corrupt file in an offline migration tool.
    pub fn set_pkcs1_rejection(&mut self, rejection: Pkcs1Rejection) {
        self.rejection = rejection;
    }

    pub(crate) fn rsa(&self) -> Option<&RsaKey> {
        self.rsa.as_deref()
    }

    /// The RSA key, shared (not copied), for use after this key is gone.
    pub(crate) fn shared_rsa(&self) -> Option<Arc<RsaKey>> {
        self.rsa.clone()
    }

    /// `CryptExportKey` of the RSA formats.
    pub(crate) fn export_rsa_or_wrapped(
        &self,
        wrap_key: Option<&Key<'_>>,
        blob_type: BlobType,
        flags: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
        match (blob_type, &self.rsa) {
            (BlobType::PublicKeyBlob | BlobType::PrivateKeyBlob, Some(rsa)) => {
                let private = blob_type == BlobType::PrivateKeyBlob;
                // Only a private blob is wrapped, and only with a session key.
                if wrap_key.is_some_and(|wrap| !private || !wrap.is_session_key()) {
                    return Err(Error::BadKey);
                }
                if flags != 0 {
                    return Err(Error::BadFlags);
                }
                if private && (!self.exportable || !rsa.has_private()) {
                    return Err(Error::BadKeyState);
                }
                let blob = blob::rsa_blob(self.alg, &rsa.parts(private), private)?;
                match wrap_key {
                    Some(wrap) => wrap_private(wrap, &blob),
                    None => Ok(blob),
                }
            }
            (BlobType::SimpleBlob, None) => {
                let wrap = wrap_key
                    .and_then(|k| k.rsa.as_deref())
                    .ok_or(Error::BadPublicKey)?;
                if flags & !OAEP_FLAG != 0 {
                    return Err(Error::BadFlags);
                }
                if !self.exportable {
                    return Err(Error::BadKeyState);
                }
                let wrapped = wrap.encrypt(self.key_bytes(), flags & OAEP_FLAG != 0)?;
                Ok(Zeroizing::new(blob::simple_blob(
                    self.alg,
                    AlgId::RSA_KEYX,
                    &wrapped,
                )))
            }
            (BlobType::PublicKeyBlob | BlobType::PrivateKeyBlob | BlobType::SimpleBlob, _) => {
                Err(Error::BadKey)
            }
            _ => Err(Error::BadType),
        }
    }
}

/// A `PRIVATEKEYBLOB` wrapped with a session key (`CryptExportKey` with `hExpKey`):
/// "everything but the BLOBHEADER portion of the blob is encrypted", as Microsoft documents
/// it, by a final encryption with the key (PKCS#5 padding for a block cipher, in its mode and
/// from its IV). The encryption runs on a copy, so `wrap` keeps its own state.
fn wrap_private(wrap: &Key<'_>, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let header = blob.get(..blob::HEADER_LEN).ok_or(Error::Fail)?;
    let body = blob.get(blob::HEADER_LEN..).ok_or(Error::Fail)?;
    let mut cipher = wrap.duplicate()?;
    // Room for the padding up front: a reallocation would free key material unwiped.
    let mut data = Zeroizing::new(Vec::with_capacity(cipher.encrypted_len(body.len(), true)));
    data.extend_from_slice(body);
    cipher.encrypt(&mut data, true)?;
    let mut out = Zeroizing::new(Vec::with_capacity(header.len() + data.len()));
    out.extend_from_slice(header);
    out.extend_from_slice(&data);
    Ok(out)
}

/// The body of a `PRIVATEKEYBLOB` that [`wrap_private`] made, decrypted with `unwrap` (on a
/// copy of it) into memory that is wiped on drop. `NTE_BAD_KEY` for an unwrap key that is
/// not a session key; a wrong key fails on the padding or, for RC4, on the magic that follows
/// (`NTE_BAD_DATA` both).
fn unwrap_private(unwrap: &Key<'_>, body: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if !unwrap.is_session_key() {
        return Err(Error::BadKey);
    }
    if body.is_empty() {
        return Err(Error::BadData);
    }
    let mut cipher = unwrap.duplicate()?;
    let mut data = Zeroizing::new(body.to_vec());
    cipher.decrypt(&mut data, true)?;
    Ok(data)
}

/// Whether an unwrapped session key may also encrypt: longer-than-allowed RC2 keys from a
/// `SIMPLEBLOB` only decrypt, MAC and HMAC, as on Windows.
pub(crate) fn may_encrypt(personality: Personality, alg: AlgId, key_bytes: usize) -> bool {
    key_lengths(personality, alg).is_none_or(|l| key_bytes * 8 <= l.max as usize)
}

#[cfg(test)]
mod tests {
    use crate::alg::{AlgId, ProviderType};
    use crate::blob::BlobType;
    use crate::error::Error;
    use crate::key::KeyFlags;
    use crate::provider::Provider;

    /// Every truncation and every single-bit corruption of a private key blob is either
    /// refused with an error or imports as a working key pair: never a panic.
    #[test]
    fn corrupted_private_blobs_import_or_fail_cleanly() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let pair = prov
            .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(384))
            .unwrap();
        let blob = pair.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
        for len in 0..blob.len() {
            let _ = prov.import_key(&blob[..len], None, KeyFlags::empty());
        }
        for i in 0..blob.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = blob.to_vec();
                bad[i] ^= bit;
                if let Ok(mut key) = prov.import_key(&bad, None, KeyFlags::EXPORTABLE) {
                    let mut data = b"still works".to_vec();
                    let _ = key.encrypt_with(None, true, 0, &mut data);
                }
            }
        }
    }

    #[test]
    fn rsa_keys_are_not_session_keys() {
        let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        let pair = prov
            .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(384))
            .unwrap();
        assert!(matches!(
            prov.create_hash(AlgId::HMAC, Some(&pair)),
            Err(Error::BadKey)
        ));
        assert!(matches!(
            prov.create_hash(AlgId::MAC, Some(&pair)),
            Err(Error::BadKey)
        ));
        let mut hash = prov.create_hash(AlgId::MD5, None).unwrap();
        assert!(matches!(
            hash.hash_session_key(&pair, 0),
            Err(Error::BadKey)
        ));
        assert_eq!((pair.key_bits(), pair.block_bits()), (384, 384));
        assert!(matches!(
            pair.export(None, BlobType::PlaintextKeyBlob, 0),
            Err(Error::BadKey)
        ));
        assert!(matches!(
            pair.export(None, BlobType::PrivateKeyBlob, 0),
            Err(Error::BadKeyState)
        ));
    }
}
