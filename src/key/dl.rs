//! Discrete-logarithm key pairs of the DSS family (`PROV_DSS`, `PROV_DSS_DH`,
//! `PROV_DH_SCHANNEL`): DSS signature pairs, Diffie-Hellman pairs (generated, or built with
//! `CRYPT_PREGEN` and `KP_P` / `KP_G` / `KP_Q` / `KP_X`), their key BLOBs, and the agreed
//! keys that importing a peer's public key with one's own DH pair makes.
//!
//! # Windows compatibility
//!
//! * `AT_SIGNATURE` and `CALG_DSS_SIGN` make the container's signature pair,
//!   `AT_KEYEXCHANGE` and `CALG_DH_SF` its exchange pair; `CALG_DH_EPHEM` pairs are never
//!   stored. Lengths are 512 bits and up in steps of 64 (dssenh.c's key-length tables); a
//!   DSS length off the step is `STATUS_INVALID_PARAMETER` (0xC000000D), as dssenh.c records,
//!   a DH one `NTE_BAD_FLAGS`.
//! * **The agreed key's session key is not verified against Windows.** How Windows turns the
//!   shared secret z into the bytes of the session key `CryptSetKeyParam(KP_ALGID)` makes is
//!   not documented, and no recorded vector exists. This crate takes the key bytes from the
//!   start of z in little-endian order (z's least significant bytes first, the byte order of
//!   every number in these providers' BLOBs), which is what interop reports describe for
//!   Windows, unconfirmed here. dssenh.c only checks that both parties' keys decrypt each
//!   other's data, which any derivation both sides share passes.

use zeroize::Zeroizing;

use super::{
    CipherMode, DEFAULT_PERMISSIONS, Engine, Key, KeyFlags, KeyPermissions, KeySpec, default_salt,
};
use crate::alg::{AlgId, Personality, key_lengths};
use crate::blob::BlobType;
use crate::dss::{self, DhKey, DsaKey, DsaParams};
use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::store::format::Slot;

/// `CALG_AGREEDKEY_ANY`: the key a Diffie-Hellman agreement gives, before `KP_ALGID` makes it
/// a session key.
pub(crate) const AGREEDKEY_ANY: AlgId = AlgId::from_raw(0xAA03);

/// `KP_P`: a DH key's prime p (little-endian), for [`Key::param`] / [`Key::set_param`].
pub const KP_P: u32 = 11;
/// `KP_G`: a DH key's generator g (little-endian), for [`Key::param`] / [`Key::set_param`].
pub const KP_G: u32 = 12;
/// `KP_Q`: a DH key's subgroup order q (little-endian), for [`Key::param`] /
/// [`Key::set_param`].
pub const KP_Q: u32 = 13;
/// `KP_X`: a `CRYPT_PREGEN` DH key's secret x; setting it with empty data generates x and
/// finishes the key ([`Key::set_param`], or [`Key::generate_dh_secret`]).
pub const KP_X: u32 = 14;
/// `CRYPT_BLOB_VER3`: export a DSS/DH key in the version 3 BLOB layout ("DSS3"/"DSS4",
/// "DH3"/"DH4"), a [`Key::export`] flag.
pub const CRYPT_BLOB_VER3: u32 = 0x80;

/// STATUS_INVALID_PARAMETER: what Windows' DSS providers answer for a DSS length off the step.
const STATUS_INVALID_PARAMETER: u32 = 0xC000_000D;

/// A DSS-family key pair or public key.
pub(crate) enum Dl {
    /// A DSS key (pair or public key).
    Dsa(DsaKey),
    /// A Diffie-Hellman key (pair or public key).
    Dh(DhKey),
    /// A `CRYPT_PREGEN` DH key: its group is being set (`KP_P`, `KP_G`, `KP_Q`); `KP_X`
    /// finishes it.
    Pending(Box<PendingGroup>),
}

/// The group of a `CRYPT_PREGEN` DH key, as far as it has been set. All public.
#[derive(Clone, Default)]
pub(crate) struct PendingGroup {
    bits: u32,
    p: Option<Vec<u8>>,
    g: Option<Vec<u8>>,
    q: Option<Vec<u8>>,
}

impl Dl {
    fn duplicate(&self) -> Dl {
        match self {
            Dl::Dsa(key) => Dl::Dsa(key.duplicate()),
            Dl::Dh(key) => Dl::Dh(key.duplicate()),
            Dl::Pending(group) => Dl::Pending(group.clone()),
        }
    }

    fn bits(&self) -> u32 {
        match self {
            Dl::Dsa(key) => key.bits(),
            Dl::Dh(key) => key.bits(),
            Dl::Pending(group) => group.bits,
        }
    }
}

impl std::fmt::Debug for Dl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dl::Dsa(key) => key.fmt(f),
            Dl::Dh(key) => key.fmt(f),
            Dl::Pending(group) => write!(f, "PendingGroup({} bits)", group.bits),
        }
    }
}

/// The slot (0 exchange, 1 signature; `None` for an ephemeral pair) and algorithm of a DSS-
/// family key-pair `ALG_ID`, or `None` when `alg` is none.
pub(crate) fn dl_slot(alg: AlgId) -> Option<(Option<usize>, AlgId)> {
    match alg {
        AlgId::AT_KEYEXCHANGE | AlgId::DH_SF => Some((Some(0), AlgId::DH_SF)),
        AlgId::AT_SIGNATURE | AlgId::DSS_SIGN => Some((Some(1), AlgId::DSS_SIGN)),
        AlgId::DH_EPHEM => Some((None, AlgId::DH_EPHEM)),
        _ => None,
    }
}

fn permissions(exportable: bool) -> KeyPermissions {
    if exportable {
        DEFAULT_PERMISSIONS | KeyPermissions::EXPORT
    } else {
        DEFAULT_PERMISSIONS
    }
}

impl Provider {
    /// `CryptGenKey` of a DSS or DH pair on a DSS-family provider.
    pub(crate) fn gen_dl(&self, alg: AlgId, flags: KeyFlags) -> Result<Key<'_>> {
        let (slot, alg) = dl_slot(alg).ok_or(Error::BadAlgId)?;
        let lengths = key_lengths(self.ctx.csp.personality, alg).ok_or(Error::BadAlgId)?;
        let bits = match flags.key_bits() {
            0 => lengths.default,
            bits => bits,
        };
        if bits < lengths.min || bits > lengths.max {
            return Err(Error::BadFlags);
        }
        if lengths.step != 0 && !(bits - lengths.min).is_multiple_of(lengths.step) {
            return Err(if alg == AlgId::DSS_SIGN {
                Error::from_code(STATUS_INVALID_PARAMETER)
            } else {
                Error::BadFlags
            });
        }
        let exportable = flags.contains(KeyFlags::EXPORTABLE);
        if alg != AlgId::DSS_SIGN && flags.contains(KeyFlags::PREGEN) {
            let pending = Dl::Pending(Box::new(PendingGroup {
                bits,
                ..PendingGroup::default()
            }));
            let mut key = Key::new_dl(self, alg, pending, permissions(exportable));
            key.slot = slot;
            return Ok(key);
        }
        let dl = if alg == AlgId::DSS_SIGN {
            Dl::Dsa(DsaKey::generate(DsaParams::generate(bits)?)?)
        } else {
            Dl::Dh(DhKey::generate(alg, bits)?)
        };
        self.install_dl(slot, alg, dl, exportable)
    }

    /// Stores a finished pair in its slot (none for an ephemeral pair) and returns its key.
    fn install_dl(
        &self,
        slot: Option<usize>,
        alg: AlgId,
        dl: Dl,
        exportable: bool,
    ) -> Result<Key<'_>> {
        let permissions = permissions(exportable);
        if let Some(index) = slot {
            self.ctx.store_pair(
                index,
                Slot {
                    permissions: permissions.bits(),
                    blob: private_blob(&dl)?,
                },
            )?;
        }
        let mut key = Key::new_dl(self, alg, dl, permissions);
        key.slot = slot;
        Ok(key)
    }

    /// `CryptGetUserKey` on a DSS-family provider.
    pub(crate) fn user_dl(&self, spec: KeySpec) -> Result<Key<'_>> {
        let index = spec.raw() as usize - 1;
        let slot = self.ctx.slot(index)?.ok_or(Error::NoKey)?;
        let blob = dss::parse(&slot.blob).map_err(|_| Error::KeysetEntryBad)?;
        let dl = if index == 1 {
            Dl::Dsa(DsaKey::from_blob(&blob).map_err(|_| Error::KeysetEntryBad)?)
        } else {
            Dl::Dh(DhKey::from_blob(&blob).map_err(|_| Error::KeysetEntryBad)?)
        };
        let mut key = Key::new_dl(
            self,
            blob.alg,
            dl,
            KeyPermissions::from_bits_retain(slot.permissions),
        );
        key.slot = Some(index);
        Ok(key)
    }

    /// `CryptImportKey` of a DSS or DH `PUBLICKEYBLOB` / `PRIVATEKEYBLOB`. A DH public key
    /// imported with one's own DH pair as `unwrap_key` gives the agreed key.
    pub(crate) fn import_dl(
        &self,
        bytes: &[u8],
        unwrap_key: Option<&Key<'_>>,
        flags: KeyFlags,
    ) -> Result<Key<'_>> {
        let blob = dss::parse(bytes)?;
        let personality = self.ctx.csp.personality;
        let alg = match blob.family {
            dss::Family::Dss => AlgId::DSS_SIGN,
            dss::Family::Dh => blob.alg,
        };
        if key_lengths(personality, alg).is_none() {
            return Err(Error::BadAlgId);
        }
        if let Some(own) = unwrap_key {
            let Some(Dl::Dh(mine)) = own.dl.as_deref() else {
                return Err(Error::BadPublicKey);
            };
            if blob.private {
                return Err(Error::BadKey);
            }
            let z = mine.agree_blob(&blob)?;
            return Ok(Key::new_agreed(self, z, flags));
        }
        let dl = match blob.family {
            dss::Family::Dss => Dl::Dsa(DsaKey::from_blob(&blob)?),
            dss::Family::Dh => Dl::Dh(DhKey::from_blob(&blob)?),
        };
        if !blob.private {
            return Ok(Key::new_dl(self, alg, dl, DEFAULT_PERMISSIONS));
        }
        let slot = match blob.family {
            dss::Family::Dss => Some(1),
            dss::Family::Dh if alg == AlgId::DH_EPHEM => None,
            dss::Family::Dh => Some(0),
        };
        self.install_dl(slot, alg, dl, flags.contains(KeyFlags::EXPORTABLE))
    }
}

/// Whether a slot's blob holds the DSS-family pair whose slot blob is `mine`.
pub(super) fn same_dl_pair(stored: &[u8], mine: &[u8]) -> bool {
    bool::from(subtle::ConstantTimeEq::ct_eq(stored, mine))
}

/// The `PRIVATEKEYBLOB` (version 2) a slot keeps.
fn private_blob(dl: &Dl) -> Result<Zeroizing<Vec<u8>>> {
    match dl {
        Dl::Dsa(key) => key.export(true, false),
        Dl::Dh(key) => key.export(true, false),
        Dl::Pending(_) => Err(Error::BadKeyState),
    }
}

impl<'p> Key<'p> {
    /// A key for a DSS-family pair or public key.
    fn new_dl(prov: &'p Provider, alg: AlgId, dl: Dl, permissions: KeyPermissions) -> Self {
        let mut key = Key::bare(prov, alg);
        key.permissions = permissions;
        key.exportable = permissions.contains(KeyPermissions::EXPORT);
        key.dl = Some(Box::new(dl));
        key
    }

    /// The agreed key (`CALG_AGREEDKEY_ANY`) holding the shared secret z until `KP_ALGID`
    /// makes a session key of it.
    fn new_agreed(prov: &'p Provider, z: Zeroizing<Vec<u8>>, flags: KeyFlags) -> Self {
        let mut key = Key::bare(prov, AGREEDKEY_ANY);
        key.exportable = flags.contains(KeyFlags::EXPORTABLE);
        if key.exportable {
            key.permissions |= KeyPermissions::EXPORT;
        }
        key.agreed = Some(z);
        key
    }

    /// Sets the group of a `CRYPT_PREGEN` Diffie-Hellman key: `CryptSetKeyParam` of `KP_P`,
    /// `KP_G` and, when given, `KP_Q`, each little-endian as Windows takes them. Then
    /// [`generate_dh_secret`](Key::generate_dh_secret) finishes the key.
    ///
    /// A whole agreement between two parties in an agreed 512-bit group (here made by a third
    /// key; in practice p and g come with the protocol):
    ///
    /// ```
    /// use cryptoapi::{AlgId, BlobType, KP_ALGID, KP_G, KP_P, KeyFlags, Provider, ProviderType};
    ///
    /// let prov = Provider::verify_context(ProviderType::DSS_DH)?;
    /// let group = prov.gen_key(AlgId::DH_EPHEM, KeyFlags::empty().with_key_bits(512))?;
    /// let (p, g) = (group.param(KP_P, 0)?, group.param(KP_G, 0)?);
    /// let pregen = KeyFlags::PREGEN.with_key_bits(512);
    /// let mut alice = prov.gen_key(AlgId::DH_EPHEM, pregen)?;
    /// let mut bob = prov.gen_key(AlgId::DH_EPHEM, pregen)?;
    /// for key in [&mut alice, &mut bob] {
    ///     key.set_dh_params(&p, &g, None)?;
    ///     key.generate_dh_secret()?;
    /// }
    /// // Each imports the other's PUBLICKEYBLOB with its own pair: an agreed key, which
    /// // KP_ALGID turns into a session key.
    /// let to_bob = alice.export(None, BlobType::PublicKeyBlob, 0)?;
    /// let to_alice = bob.export(None, BlobType::PublicKeyBlob, 0)?;
    /// let mut a = prov.import_key(&to_alice, Some(&alice), KeyFlags::empty())?;
    /// let mut b = prov.import_key(&to_bob, Some(&bob), KeyFlags::empty())?;
    /// a.set_param(KP_ALGID, &AlgId::RC4.raw().to_le_bytes(), 0)?;
    /// b.set_param(KP_ALGID, &AlgId::RC4.raw().to_le_bytes(), 0)?;
    /// let mut data = b"agreed".to_vec();
    /// a.encrypt(&mut data, true)?;
    /// b.decrypt(&mut data, true)?;
    /// assert_eq!(data, b"agreed");
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_KEY_STATE`: the key is a finished DH key (its group is fixed);
    /// * `NTE_BAD_TYPE`: the key is not a Diffie-Hellman key;
    /// * `ERROR_INVALID_PARAMETER`: an empty value.
    #[doc(
        alias = "CryptSetKeyParam",
        alias = "KP_P",
        alias = "KP_G",
        alias = "KP_Q"
    )]
    pub fn set_dh_params(&mut self, p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<()> {
        self.set_param(KP_P, p, 0)?;
        self.set_param(KP_G, g, 0)?;
        match q {
            Some(q) => self.set_param(KP_Q, q, 0),
            None => Ok(()),
        }
    }

    /// Generates the secret x of a `CRYPT_PREGEN` Diffie-Hellman key in the group set with
    /// [`set_dh_params`](Key::set_dh_params) (`CryptSetKeyParam(KP_X)` with no data), which
    /// finishes the key; an `AT_KEYEXCHANGE` / `CALG_DH_SF` pair is then stored in the
    /// container. See [`set_dh_params`](Key::set_dh_params) for an example.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_KEY_STATE`: p or g is not set, or the key is already finished;
    /// * `NTE_BAD_DATA`: p is not of the key's length, or p and g are no group (p not an odd
    ///   number of that length, g outside 1 < g < p − 1);
    /// * `NTE_BAD_TYPE`: the key is not a Diffie-Hellman key;
    /// * for a stored pair, the errors of writing the container (`NTE_BAD_KEYSET`,
    ///   `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`).
    #[doc(alias = "CryptSetKeyParam")]
    pub fn generate_dh_secret(&mut self) -> Result<()> {
        self.set_param(KP_X, &[], 0)
    }

    /// Whether this is a DSS-family pair or public key.
    pub(crate) fn is_dl(&self) -> bool {
        self.dl.is_some()
    }

    /// The DSS key of this key, if it is one.
    pub(crate) fn dsa(&self) -> Option<&DsaKey> {
        match self.dl.as_deref() {
            Some(Dl::Dsa(key)) => Some(key),
            _ => None,
        }
    }

    /// The slot blob (a version 2 `PRIVATEKEYBLOB`) of a finished DSS-family pair: what its
    /// container slot holds while it holds this pair.
    pub(crate) fn dl_slot_blob(&self) -> Option<Zeroizing<Vec<u8>>> {
        private_blob(self.dl.as_deref()?).ok()
    }

    /// The bit length of a DSS-family key.
    pub(crate) fn dl_bits(&self) -> Option<u32> {
        self.dl.as_deref().map(Dl::bits)
    }

    /// A copy of the DSS-family part of this key.
    pub(crate) fn duplicate_dl(&self) -> Option<Box<Dl>> {
        self.dl.as_deref().map(|dl| Box::new(dl.duplicate()))
    }

    /// `CryptExportKey` of a DSS-family key: `PUBLICKEYBLOB` or `PRIVATEKEYBLOB`, version 2,
    /// or version 3 with `CRYPT_BLOB_VER3`.
    pub(crate) fn export_dl(
        &self,
        wrap_key: Option<&Key<'_>>,
        blob_type: BlobType,
        flags: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let Some(dl) = self.dl.as_deref() else {
            return Err(Error::BadKey);
        };
        if flags & !CRYPT_BLOB_VER3 != 0 {
            return Err(Error::BadFlags);
        }
        if wrap_key.is_some() {
            return Err(Error::BadKey);
        }
        let v3 = flags & CRYPT_BLOB_VER3 != 0;
        let private = match blob_type {
            BlobType::PublicKeyBlob => false,
            BlobType::PrivateKeyBlob => true,
            _ => return Err(Error::BadKey),
        };
        if private && !self.exportable {
            return Err(Error::BadKeyState);
        }
        match dl {
            Dl::Dsa(key) => key.export(private, v3),
            Dl::Dh(key) => key.export(private, v3),
            Dl::Pending(_) => Err(Error::BadKeyState),
        }
    }

    /// `CryptSetKeyParam` of `KP_P`, `KP_G`, `KP_Q`, `KP_X` on a DH key, and `KP_ALGID` on an
    /// agreed key. `None` when `id` is not one of these for this key.
    pub(crate) fn set_dl_param(&mut self, id: u32, data: &[u8]) -> Option<Result<()>> {
        if id == super::params::KP_ALGID && self.agreed.is_some() {
            return Some(self.finish_agreed(data));
        }
        if !matches!(id, KP_P | KP_G | KP_Q | KP_X) {
            return None;
        }
        let Some(dl) = self.dl.as_deref_mut() else {
            return Some(Err(Error::BadType));
        };
        let Dl::Pending(group) = dl else {
            return Some(Err(match dl {
                Dl::Dsa(_) => Error::BadType,
                _ => Error::BadKeyState,
            }));
        };
        let value = || -> Result<Vec<u8>> {
            if data.is_empty() {
                return Err(Error::InvalidParameter);
            }
            Ok(data.to_vec())
        };
        Some(match id {
            KP_P => value().map(|v| group.p = Some(v)),
            KP_G => value().map(|v| group.g = Some(v)),
            KP_Q => value().map(|v| group.q = Some(v)),
            _ => self.finish_pregen(),
        })
    }

    /// `KP_X` on a `CRYPT_PREGEN` key: generates x in the group set, and stores the pair.
    fn finish_pregen(&mut self) -> Result<()> {
        let Some(Dl::Pending(group)) = self.dl.as_deref() else {
            return Err(Error::BadKeyState);
        };
        let (Some(p), Some(g)) = (&group.p, &group.g) else {
            return Err(Error::BadKeyState);
        };
        if dss::byte_len(group.bits) != p.len() {
            return Err(Error::BadData);
        }
        let key = DhKey::generate_in_group(self.alg, p, g, group.q.as_deref())?;
        let dl = Dl::Dh(key);
        if let Some(index) = self.slot {
            self.prov.ctx.store_pair(
                index,
                Slot {
                    permissions: self.permissions.bits(),
                    blob: private_blob(&dl)?,
                },
            )?;
        }
        self.dl = Some(Box::new(dl));
        Ok(())
    }

    /// `KP_ALGID` on an agreed key: a session key of that algorithm, its bytes the start of
    /// the shared secret (see the module docs: not verified against Windows).
    fn finish_agreed(&mut self, data: &[u8]) -> Result<()> {
        let alg = AlgId::from_raw(crate::blob::read_dword(data)?);
        let z = self.agreed.as_ref().ok_or(Error::BadKey)?;
        // dssenh.c records `CALG_3DES` accepted here by the Base DSS/DH provider too, whose
        // table has no triple DES: an agreed key takes the Enhanced provider's algorithms.
        let personality = self.prov.ctx.csp.personality;
        let len = super::key_len(personality, alg, 0)
            .or_else(|_| super::key_len(Personality::DssDhEnhanced, alg, 0))?;
        let bytes = Zeroizing::new(z.get(..len).ok_or(Error::BadKeyState)?.to_vec());
        let salt = default_salt(alg, len, KeyFlags::NO_SALT);
        let bits = u32::try_from(len * 8).map_err(|_| Error::BadData)?;
        let effective_bits = bits.min(super::cipher::RC2_MAX_EFFECTIVE_BITS);
        let engine = Engine::new(alg, &super::material(&bytes, &salt), effective_bits)?;
        let block_len = super::block_len(alg);
        self.alg = alg;
        self.key = bytes;
        self.salt = salt;
        self.effective_bits = effective_bits;
        self.block_len = block_len;
        self.iv = vec![0u8; block_len];
        self.mode = if block_len == 0 {
            CipherMode::Stream
        } else {
            CipherMode::Cbc
        };
        self.engine = Some(engine);
        self.agreed = None;
        Ok(())
    }

    /// `CryptGetKeyParam` of `KP_P`, `KP_G`, `KP_Q` on a DSS-family key.
    pub(crate) fn dl_param(&self, id: u32) -> Option<Result<Vec<u8>>> {
        if !matches!(id, KP_P | KP_G | KP_Q) {
            return None;
        }
        let dl = self.dl.as_deref()?;
        let blob = match dl {
            Dl::Dsa(key) => key.to_blob(false, true),
            Dl::Dh(key) => key.to_blob(false, true),
            Dl::Pending(group) => {
                let part = match id {
                    KP_P => &group.p,
                    KP_G => &group.g,
                    _ => &group.q,
                };
                return Some(part.clone().ok_or(Error::BadKeyState));
            }
        };
        Some(blob.map(|blob| match id {
            KP_P => blob.p,
            KP_G => blob.g,
            _ => blob.q,
        }))
    }
}
