//! Provider contexts (`HCRYPTPROV`): acquiring, sharing and releasing them.

mod params;
mod registry;
mod security;

use std::ffi::OsString;
use std::ops::Deref;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bitflags::bitflags;

use crate::alg::ProviderType;
use crate::error::{Error, Result};
use crate::rsa::RsaKey;
use crate::store::format::{DSS_NAMESPACE, Slot, validate_name};
use crate::store::{KeySet, KeyStore};
pub use params::{
    CRYPT_FIRST, CRYPT_NEXT, PP_CLIENT_HWND, PP_CONTAINER, PP_DELETEKEY, PP_ENUMALGS,
    PP_ENUMALGS_EX, PP_ENUMCONTAINERS, PP_IMPTYPE, PP_KEYSET_SEC_DESCR, PP_KEYSET_TYPE, PP_KEYSPEC,
    PP_KEYSTORAGE, PP_KEYX_KEYSIZE_INC, PP_NAME, PP_PROVTYPE, PP_SIG_KEYSIZE_INC, PP_UI_PROMPT,
    PP_UNIQUE_CONTAINER, PP_USE_HARDWARE_RNG, PP_VERSION,
};
pub(crate) use registry::Csp;
use registry::find_csp;
pub use registry::{CRYPT_DELETE_DEFAULT, CRYPT_MACHINE_DEFAULT, CRYPT_USER_DEFAULT};
pub use security::{
    DACL_SECURITY_INFORMATION, GROUP_SECURITY_INFORMATION, OWNER_SECURITY_INFORMATION,
    SACL_SECURITY_INFORMATION,
};

/// `MS_DEF_PROV`: the Base provider (export-grade key lengths, `PROV_RSA_FULL`).
pub const MS_DEF_PROV: &str = "Microsoft Base Cryptographic Provider v1.0";
/// `MS_ENHANCED_PROV`: the Enhanced provider (`PROV_RSA_FULL`).
pub const MS_ENHANCED_PROV: &str = "Microsoft Enhanced Cryptographic Provider v1.0";
/// `MS_STRONG_PROV`: the Strong provider, the default for `PROV_RSA_FULL`.
pub const MS_STRONG_PROV: &str = "Microsoft Strong Cryptographic Provider";
/// `MS_ENH_RSA_AES_PROV`: the Enhanced RSA and AES provider, the default for `PROV_RSA_AES`.
pub const MS_ENH_RSA_AES_PROV: &str = "Microsoft Enhanced RSA and AES Cryptographic Provider";
/// `MS_DEF_DSS_PROV`: the Base DSS provider, the default for `PROV_DSS`.
pub const MS_DEF_DSS_PROV: &str = "Microsoft Base DSS Cryptographic Provider";
/// `MS_DEF_DSS_DH_PROV`: the Base DSS and Diffie-Hellman provider (`PROV_DSS_DH`).
pub const MS_DEF_DSS_DH_PROV: &str = "Microsoft Base DSS and Diffie-Hellman Cryptographic Provider";
/// `MS_ENH_DSS_DH_PROV`: the Enhanced DSS and Diffie-Hellman provider, the default for
/// `PROV_DSS_DH`.
pub const MS_ENH_DSS_DH_PROV: &str =
    "Microsoft Enhanced DSS and Diffie-Hellman Cryptographic Provider";
/// `MS_DEF_DH_SCHANNEL_PROV`: the DH SChannel provider, the default for `PROV_DH_SCHANNEL`.
pub const MS_DEF_DH_SCHANNEL_PROV: &str = "Microsoft DH SChannel Cryptographic Provider";
/// `MS_ENH_RSA_AES_PROV_XP`: the Windows XP name of the AES provider (acquirable, not listed
/// by [`Provider::enum_providers`], as on current Windows).
pub const MS_ENH_RSA_AES_PROV_XP: &str =
    "Microsoft Enhanced RSA and AES Cryptographic Provider (Prototype)";
/// `MS_DEF_RSA_SCHANNEL_PROV`: the RSA SChannel provider, the default for `PROV_RSA_SCHANNEL`
/// (SSL 3.0 and TLS 1.0 master keys, the TLS 1.0 PRF).
pub const MS_DEF_RSA_SCHANNEL_PROV: &str = "Microsoft RSA SChannel Cryptographic Provider";

bitflags! {
    /// `dwFlags` of `CryptAcquireContext`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct AcquireFlags: u32 {
        /// `CRYPT_VERIFYCONTEXT`: an ephemeral context with no container.
        #[doc(alias = "CRYPT_VERIFYCONTEXT")]
        const VERIFYCONTEXT = 0xF000_0000;
        /// `CRYPT_NEWKEYSET`: create the container.
        #[doc(alias = "CRYPT_NEWKEYSET")]
        const NEWKEYSET = 0x0000_0008;
        /// `CRYPT_DELETEKEYSET`: to delete a container, use [`Provider::delete_container`].
        ///
        /// [`Provider::acquire`] refuses it (`NTE_BAD_FLAGS`), because a deletion returns no
        /// context; `delete_container` takes these same flags with or without this bit.
        #[doc(alias = "CRYPT_DELETEKEYSET")]
        const DELETEKEYSET = 0x0000_0010;
        /// `CRYPT_MACHINE_KEYSET`: use the machine's key set instead of the user's.
        #[doc(alias = "CRYPT_MACHINE_KEYSET")]
        const MACHINE_KEYSET = 0x0000_0020;
        /// `CRYPT_SILENT`: never show UI. This crate never does; accepted and recorded.
        #[doc(alias = "CRYPT_SILENT")]
        const SILENT = 0x0000_0040;
    }
}

bitflags! {
    /// `dwFlags` of `CryptReleaseContext`. No flag is defined: `empty()` is the only valid value,
    /// and `from_bits_retain` carries a ported caller's raw value through to get Windows' answer.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct ReleaseFlags: u32 {}
}

/// What an acquire call asks for, after its flags are checked.
enum Mode {
    Open,
    Create,
    Verify,
}

fn acquire_mode(flags: AcquireFlags) -> Result<Mode> {
    if AcquireFlags::from_bits(flags.bits()).is_none() {
        return Err(Error::BadFlags);
    }
    let action = flags
        & (AcquireFlags::NEWKEYSET | AcquireFlags::VERIFYCONTEXT | AcquireFlags::DELETEKEYSET);
    if action.is_empty() {
        Ok(Mode::Open)
    } else if action == AcquireFlags::NEWKEYSET {
        Ok(Mode::Create)
    } else if action == AcquireFlags::VERIFYCONTEXT
        || action == AcquireFlags::VERIFYCONTEXT | AcquireFlags::NEWKEYSET
    {
        Ok(Mode::Verify)
    } else {
        Err(Error::BadFlags)
    }
}

fn keyset_of(flags: AcquireFlags) -> KeySet {
    if flags.contains(AcquireFlags::MACHINE_KEYSET) {
        KeySet::Machine
    } else {
        KeySet::User
    }
}

/// The container name Windows uses when none is given: the logged-on user's name (`default` in a
/// setuid or setgid process, whose environment is not trusted: see `store::env_var`).
fn default_container_name() -> String {
    container_name_from(crate::store::env_var)
}

/// The first of `USER`, `USERNAME` and `LOGNAME` that `env` gives (and is Unicode), else
/// `default`.
fn container_name_from(env: impl Fn(&str) -> Option<OsString>) -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| env(var)?.into_string().ok())
        .unwrap_or_else(|| "default".to_owned())
}

/// The container a context has open.
#[derive(Debug)]
struct OpenContainer {
    store: KeyStore,
    /// The name as the caller gave it (`PP_CONTAINER`).
    name: String,
    /// The name in the store: the DSS family's containers are apart from the RSA family's
    /// with the same name, as on Windows (see [`stored_name`]).
    stored: String,
    id: [u8; 16],
}

/// The name a container of `csp`'s family has in the store: `name` itself for the RSA
/// family, `name` in the DSS namespace for the DSS family (Windows keeps them in separate
/// `Crypto\RSA` and `Crypto\DSS` directories).
fn stored_name(csp: &Csp, name: &str) -> String {
    if csp.personality.is_dss_family() {
        format!("{DSS_NAMESPACE}{name}")
    } else {
        name.to_owned()
    }
}

/// The caller's names of the stored names that belong to `csp`'s family.
fn family_names(csp: &Csp, stored: Vec<String>) -> Vec<String> {
    let dss = csp.personality.is_dss_family();
    stored
        .into_iter()
        .filter_map(|name| match name.strip_prefix(DSS_NAMESPACE) {
            Some(own) if dss => Some(own.to_owned()),
            None if !dss => Some(name),
            _ => None,
        })
        .collect()
}

/// The shared state behind every clone of a [`Provider`]: one provider context.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) csp: &'static Csp,
    prov_type: ProviderType,
    keyset: KeySet,
    silent: bool,
    /// `None` for a verify context.
    container: Option<OpenContainer>,
    /// The store a verify context enumerates; `None` means the default store, resolved on use.
    verify_store: Option<KeyStore>,
    /// The number of [`Provider`] handles on this context (`CryptContextAddRef`'s count). The
    /// `Arc`'s own count is larger by the owned keys and hashes, which keep the context alive
    /// without being handles.
    handles: AtomicUsize,
    /// A verify context's key pairs (exchange, signature): held in memory only, and wiped with
    /// the context (slot blobs are `Zeroizing`).
    ephemeral: Mutex<[Option<Slot>; 2]>,
    /// The last key pair parsed from each slot, reused while the slot's bytes are unchanged, so
    /// that signing does not rebuild the private key every time.
    pair_cache: Mutex<[Option<CachedPair>; 2]>,
    /// The `PP_ENUMCONTAINERS` cursor: the index of the next name to return.
    enum_cursor: Mutex<usize>,
    /// The `PP_ENUMALGS`/`PP_ENUMALGS_EX` cursor: the index of the next row to return.
    alg_cursor: Mutex<usize>,
}

/// A slot's bytes and the key pair parsed from them.
type CachedPair = (Slot, Arc<RsaKey>);

impl Context {
    /// Stores a key pair in slot `index` (0 exchange, 1 signature): in the container, at once
    /// and atomically, or in memory for a verify context.
    pub(crate) fn store_pair(&self, index: usize, slot: Slot) -> Result<()> {
        match &self.container {
            Some(open) => open
                .store
                .update(self.keyset, &open.stored, open.id, |record| {
                    record.slots[index] = Some(slot);
                }),
            None => {
                self.ephemeral.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(slot);
                Ok(())
            }
        }
    }

    /// Saves `permissions` with the pair in slot `index` (in the container, atomically, or in
    /// memory for a verify context), when the slot still holds the pair `is_pair` recognises;
    /// a slot emptied or refilled since is left alone.
    pub(crate) fn set_pair_permissions(
        &self,
        index: usize,
        is_pair: impl Fn(&Slot) -> bool,
        permissions: u32,
    ) -> Result<()> {
        let apply = |slots: &mut [Option<Slot>; 2]| {
            if let Some(slot) = slots[index].as_mut().filter(|slot| is_pair(slot)) {
                slot.permissions = permissions;
            }
        };
        match &self.container {
            Some(open) => open
                .store
                .update(self.keyset, &open.stored, open.id, |record| {
                    apply(&mut record.slots)
                }),
            None => {
                apply(&mut self.ephemeral.lock().unwrap_or_else(|e| e.into_inner()));
                Ok(())
            }
        }
    }

    /// The parsed key pair of slot `index` and its permissions, read afresh from the container
    /// (so pairs written by other contexts and processes are seen at once), parsed only when
    /// the slot's bytes changed since the last call.
    pub(crate) fn pair(
        &self,
        index: usize,
        parse: impl FnOnce(&Slot) -> Result<RsaKey>,
    ) -> Result<Option<(u32, Arc<RsaKey>)>> {
        let Some(slot) = self.load_pair(index)? else {
            return Ok(None);
        };
        let mut cache = self.pair_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((cached, key)) = &cache[index]
            && cached.blob == slot.blob
        {
            return Ok(Some((slot.permissions, Arc::clone(key))));
        }
        let key = Arc::new(parse(&slot)?);
        let permissions = slot.permissions;
        cache[index] = Some((slot, Arc::clone(&key)));
        Ok(Some((permissions, key)))
    }

    /// The raw contents of slot `index`, read afresh (the DSS family's pairs, which are
    /// parsed on each use rather than cached).
    pub(crate) fn slot(&self, index: usize) -> Result<Option<Slot>> {
        self.load_pair(index)
    }

    /// The key pair in slot `index`, read afresh from the container, or from memory for a
    /// verify context.
    fn load_pair(&self, index: usize) -> Result<Option<Slot>> {
        match &self.container {
            Some(open) => {
                let mut record = open.store.load(self.keyset, &open.stored)?;
                if record.id != open.id {
                    return Err(Error::BadKeyset);
                }
                Ok(record.slots[index].take())
            }
            None => Ok(self.ephemeral.lock().unwrap_or_else(|e| e.into_inner())[index].clone()),
        }
    }
}

/// A provider context (`HCRYPTPROV`).
///
/// Cloning adds a reference (`CryptContextAddRef`): two atomic increments, no allocation, no
/// lock. Dropping a clone, or [`release`](Provider::release), removes one; when the last goes, the
/// context is closed (its secrets wiped, its container closed; nothing on disk is touched and
/// nothing blocks). [`Key`](crate::Key)s and [`Hash`](crate::Hash)es borrow the `Provider` they
/// came from, so none can outlive its context; their owned forms
/// ([`Key::into_owned`](crate::Key::into_owned), [`Hash::into_owned`](crate::Hash::into_owned))
/// keep the context alive instead.
///
/// `Provider` is `Send + Sync`: share one across threads by reference or by clone.
///
/// ```
/// use cryptoapi::{AlgId, Provider, ProviderType, ReleaseFlags};
///
/// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
/// let other = prov.clone(); // CryptContextAddRef
/// assert_eq!(prov.ref_count(), 2);
/// other.release(ReleaseFlags::empty())?; // CryptReleaseContext
/// assert_eq!(prov.ref_count(), 1);
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[derive(Debug)]
#[doc(alias = "HCRYPTPROV")]
pub struct Provider {
    pub(crate) ctx: Arc<Context>,
    /// Whether this is a handle counted by [`ref_count`](Provider::ref_count): `false` only
    /// for the provider an owned key or hash keeps inside.
    counted: bool,
}

impl Clone for Provider {
    /// `CryptContextAddRef`: a new handle on the same context.
    #[doc(alias = "CryptContextAddRef")]
    fn clone(&self) -> Provider {
        self.ctx.handles.fetch_add(1, Ordering::Relaxed);
        Provider {
            ctx: Arc::clone(&self.ctx),
            counted: true,
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        if self.counted {
            self.ctx.handles.fetch_sub(1, Ordering::Release);
        }
    }
}

/// The provider a [`Key`](crate::Key) or [`Hash`](crate::Hash) belongs to: borrowed (the
/// default, checked by the borrow checker) or owned (after `into_owned`: a reference on the
/// context that is not a handle).
#[derive(Debug)]
pub(crate) enum ProvRef<'p> {
    Borrowed(&'p Provider),
    Owned(Provider),
}

impl<'p> ProvRef<'p> {
    /// The same provider for a duplicate: borrowed again, or another owned reference.
    pub(crate) fn duplicate(&self) -> ProvRef<'p> {
        match self {
            ProvRef::Borrowed(prov) => ProvRef::Borrowed(prov),
            ProvRef::Owned(prov) => ProvRef::Owned(prov.uncounted()),
        }
    }

    /// The owned form, keeping the context alive without adding a handle.
    pub(crate) fn into_owned(self) -> ProvRef<'static> {
        match self {
            ProvRef::Borrowed(prov) => ProvRef::Owned(prov.uncounted()),
            ProvRef::Owned(prov) => ProvRef::Owned(prov),
        }
    }
}

impl Deref for ProvRef<'_> {
    type Target = Provider;

    fn deref(&self) -> &Provider {
        match self {
            ProvRef::Borrowed(prov) => prov,
            ProvRef::Owned(prov) => prov,
        }
    }
}

impl Provider {
    /// Opens or creates a provider context (`CryptAcquireContext`); to delete a container
    /// (`CRYPT_DELETEKEYSET`), use [`Provider::delete_container`] instead.
    ///
    /// It opens, creates, or (with `CRYPT_VERIFYCONTEXT`) makes without a container, a provider
    /// context, using the default key store ([`KeyStore::default_store`]).
    ///
    /// * `container`: the container name; `None` or `""` selects the default container (named
    ///   after the logged-on user: `USER`, `USERNAME` or `LOGNAME`; `default` without them and in
    ///   a setuid or setgid process) or, with `VERIFYCONTEXT`, no container.
    /// * `provider`: a provider name such as [`MS_ENHANCED_PROV`] (case-insensitive); `None` or
    ///   `""` selects the type's default ([`MS_STRONG_PROV`] for `PROV_RSA_FULL`,
    ///   [`MS_ENH_RSA_AES_PROV`] for `PROV_RSA_AES`, [`MS_DEF_RSA_SCHANNEL_PROV`] for
    ///   `PROV_RSA_SCHANNEL`).
    /// * `flags`: `0` opens, `NEWKEYSET` creates, `VERIFYCONTEXT` (optionally with `NEWKEYSET`)
    ///   makes an ephemeral context; `MACHINE_KEYSET` selects the machine key set; `SILENT` is
    ///   accepted. To delete a container use [`Provider::delete_container`].
    ///
    /// # Errors
    ///
    /// Checked in this order, as Windows does:
    /// * `NTE_BAD_PROV_TYPE`: `prov_type` is outside 1..=999;
    /// * `NTE_KEYSET_NOT_DEF`: unknown provider name (Windows' code for it);
    /// * `NTE_PROV_TYPE_NO_MATCH`: the named provider has another type;
    /// * `NTE_PROV_TYPE_NOT_DEF`: no provider of this type is implemented (only `PROV_RSA_FULL`,
    ///   `PROV_RSA_AES` and `PROV_RSA_SCHANNEL` are);
    /// * `NTE_BAD_FLAGS`: undefined flag bits, `DELETEKEYSET` (use
    ///   [`delete_container`](Provider::delete_container)), another contradictory combination,
    ///   or `VERIFYCONTEXT` with a container name;
    /// * `NTE_BAD_KEYSET_PARAM`: a container name over 260 characters or containing NUL;
    /// * `ERROR_ENVVAR_NOT_FOUND`: no key store location is configured, or the environment
    ///   variable that gives it does not name an absolute path (see [`KeyStore::default_store`];
    ///   a setuid or setgid process ignores the environment);
    /// * `NTE_BAD_KEYSET`: the container does not exist (open);
    /// * `NTE_EXISTS`: the container already exists (`NEWKEYSET`);
    /// * `NTE_KEYSET_ENTRY_BAD`: the container file is corrupt;
    /// * `ERROR_BUSY`: another process holds the container's lock past the bounded wait
    ///   (`NEWKEYSET` only; opening never waits);
    /// * `ERROR_ACCESS_DENIED`, `NTE_FAIL`: the key store's disk failed;
    /// * `NTE_SYS_ERR`: the operating system's random generator failed.
    ///
    /// ```
    /// use cryptoapi::{AcquireFlags, Provider, ProviderType, MS_ENHANCED_PROV};
    /// # let dir = tempfile::tempdir()?;
    /// # cryptoapi::KeyStore::set_default_root(Some(dir.path().to_owned()));
    ///
    /// let created = Provider::acquire(Some("orders"), Some(MS_ENHANCED_PROV),
    ///                                 ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)?;
    /// let opened = Provider::acquire(Some("orders"), None, ProviderType::RSA_FULL,
    ///                                AcquireFlags::empty())?;
    /// assert_eq!(opened.container(), Some("orders"));
    /// # drop((created, opened));
    /// # Provider::delete_container(Some("orders"), None, ProviderType::RSA_FULL, AcquireFlags::empty())?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[doc(
        alias = "CryptAcquireContext",
        alias = "CryptAcquireContextW",
        alias = "CryptAcquireContextA"
    )]
    pub fn acquire(
        container: Option<&str>,
        provider: Option<&str>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    ) -> Result<Provider> {
        acquire_in(None, container, provider, prov_type, flags)
    }

    /// Deletes a key container (`CryptAcquireContext` with `CRYPT_DELETEKEYSET`) from the default
    /// key store.
    ///
    /// `flags` are `CryptAcquireContext`'s as a porter passes them: `DELETEKEYSET` may be included
    /// or left out, `MACHINE_KEYSET` selects the machine key set, `SILENT` is accepted.
    ///
    /// Deleting a container that another context still has open succeeds, as on Windows; that
    /// context keeps working on what it already holds, releases cleanly, and can never write the
    /// container back.
    ///
    /// # Errors
    ///
    /// The provider errors of [`acquire`](Provider::acquire) (`NTE_BAD_PROV_TYPE`,
    /// `NTE_KEYSET_NOT_DEF`, `NTE_PROV_TYPE_NO_MATCH`, `NTE_PROV_TYPE_NOT_DEF`), and:
    /// * `NTE_BAD_FLAGS`: undefined bits, or `NEWKEYSET` / `VERIFYCONTEXT`;
    /// * `NTE_BAD_KEYSET_PARAM`: a name over 260 characters or containing NUL;
    /// * `ERROR_ENVVAR_NOT_FOUND`: no key store location is configured, or the environment
    ///   variable that gives it does not name an absolute path (as for
    ///   [`acquire`](Provider::acquire));
    /// * `NTE_BAD_KEYSET`: the container does not exist;
    /// * `ERROR_BUSY`: another process holds the container's lock past the bounded wait;
    /// * `ERROR_ACCESS_DENIED`, `NTE_FAIL`: the key store's disk failed.
    #[doc(alias = "CRYPT_DELETEKEYSET")]
    pub fn delete_container(
        container: Option<&str>,
        provider: Option<&str>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    ) -> Result<()> {
        delete_in(None, container, provider, prov_type, flags)
    }

    /// An ephemeral context with no container (`CRYPT_VERIFYCONTEXT`) on the type's default
    /// provider: for hashing, session keys and verifying signatures.
    ///
    /// It touches no disk (the type's default provider comes from the store's cached defaults)
    /// and takes about a microsecond.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_PROV_TYPE` outside 1..=999, `NTE_PROV_TYPE_NOT_DEF` for a type this crate does
    /// not implement.
    #[doc(alias = "CRYPT_VERIFYCONTEXT")]
    pub fn verify_context(prov_type: ProviderType) -> Result<Provider> {
        Ok(Provider::from_context(verify_context(
            find_csp(None, None, prov_type)?,
            prov_type,
            KeySet::User,
            false,
            None,
        )))
    }

    /// The number of live handles on this context: this `Provider` and its clones
    /// (`CryptContextAddRef`'s count). Owned keys and hashes
    /// ([`Key::into_owned`](crate::Key::into_owned)) keep the context alive but are not counted.
    #[doc(alias = "CryptContextAddRef")]
    #[must_use]
    pub fn ref_count(&self) -> usize {
        self.ctx.handles.load(Ordering::Acquire)
    }

    /// Releases this reference (`CryptReleaseContext`); the last one closes the context.
    ///
    /// The reference is released whatever the flags, exactly as on Windows: a non-zero `flags`
    /// only makes the call report `NTE_BAD_FLAGS` afterwards.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_FLAGS` when `flags` is not empty (the context was released anyway).
    ///
    /// Windows' other release errors cannot happen: `ERROR_INVALID_PARAMETER` (double release or
    /// a dead handle) and `ERROR_INVALID_HANDLE` / `NTE_BAD_UID` (a handle that is not a live
    /// context) are compile errors here, because `release` consumes the `Provider` and every
    /// `Key` and `Hash` borrows it. `ERROR_BUSY` is never returned: a release never waits. See
    /// [`Error::InvalidParameter`] for the compile errors.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, ReleaseFlags};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let err = prov.release(ReleaseFlags::from_bits_retain(1)).unwrap_err();
    /// assert_eq!(err.code(), 0x8009_0009); // NTE_BAD_FLAGS, and released
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[doc(alias = "CryptReleaseContext")]
    pub fn release(self, flags: ReleaseFlags) -> Result<()> {
        drop(self);
        if flags.bits() == 0 {
            Ok(())
        } else {
            Err(Error::BadFlags)
        }
    }

    /// Fills `buf` with random bytes from the operating system (`CryptGenRandom`).
    ///
    /// # Errors
    ///
    /// `NTE_SYS_ERR` if the operating system's generator fails.
    #[doc(alias = "CryptGenRandom")]
    pub fn gen_random(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|_| Error::SysErr)
    }

    /// The provider's name (`PP_NAME`), for example [`MS_STRONG_PROV`].
    #[doc(alias = "PP_NAME", alias = "CryptGetProvParam")]
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.ctx.csp.name
    }

    /// The provider type the context was acquired with (`PP_PROVTYPE`).
    #[doc(alias = "PP_PROVTYPE", alias = "CryptGetProvParam")]
    #[must_use]
    pub fn prov_type(&self) -> ProviderType {
        self.ctx.prov_type
    }

    /// The open container's name as given (`PP_CONTAINER`); `None` for a verify context.
    #[doc(alias = "PP_CONTAINER", alias = "CryptGetProvParam")]
    #[must_use]
    pub fn container(&self) -> Option<&str> {
        self.ctx.container.as_ref().map(|c| c.name.as_str())
    }

    /// The key set (user or machine) this context works in (`PP_KEYSET_TYPE`).
    #[doc(alias = "PP_KEYSET_TYPE", alias = "CryptGetProvParam")]
    #[must_use]
    pub fn key_set(&self) -> KeySet {
        self.ctx.keyset
    }

    /// Whether this is a verify context (`CRYPT_VERIFYCONTEXT`, no container).
    #[must_use]
    pub fn is_verify_context(&self) -> bool {
        self.ctx.container.is_none()
    }

    /// Whether the context was acquired with `CRYPT_SILENT`.
    #[must_use]
    pub fn is_silent(&self) -> bool {
        self.ctx.silent
    }

    /// The container's unique name (`PP_UNIQUE_CONTAINER`), in Windows' format: the MD5 of the
    /// name and its NUL as four little-endian `%08x` words, `_`, and the store's machine GUID
    /// (a random GUID kept in the store, standing in for Windows' `MachineGuid`).
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEYSET` for a verify context (it has no container); `NTE_FAIL`,
    /// `ERROR_ACCESS_DENIED` or `NTE_KEYSET_ENTRY_BAD` if the store's GUID file cannot be
    /// written or read.
    #[doc(alias = "PP_UNIQUE_CONTAINER", alias = "CryptGetProvParam")]
    pub fn unique_container(&self) -> Result<String> {
        let open = self.ctx.container.as_ref().ok_or(Error::BadKeyset)?;
        Ok(format!(
            "{}_{}",
            unique_prefix(&open.name),
            open.store.machine_guid()?
        ))
    }

    /// The containers of this context's key set, sorted (`PP_ENUMCONTAINERS`). Works from a
    /// verify context too, the usual way to list them on Windows.
    ///
    /// # Errors
    ///
    /// `ERROR_ENVVAR_NOT_FOUND` when a verify context on the default store finds no store
    /// location, or an environment variable that does not name an absolute path (as for
    /// [`acquire`](Provider::acquire)); `ERROR_ACCESS_DENIED` or `NTE_FAIL` when the key set
    /// cannot be read.
    #[doc(alias = "PP_ENUMCONTAINERS", alias = "CryptGetProvParam")]
    pub fn containers(&self) -> Result<Vec<String>> {
        self.containers_in(self.ctx.keyset)
    }

    /// The containers of `keyset` in this context's store.
    fn containers_in(&self, keyset: KeySet) -> Result<Vec<String>> {
        let stored = match (&self.ctx.container, &self.ctx.verify_store) {
            (Some(open), _) => open.store.containers(keyset)?,
            (None, Some(store)) => store.containers(keyset)?,
            (None, None) => KeyStore::default_store()?.containers(keyset)?,
        };
        Ok(family_names(self.ctx.csp, stored))
    }

    fn from_context(ctx: Context) -> Provider {
        Provider {
            ctx: Arc::new(ctx),
            counted: true,
        }
    }

    /// A reference on the context that is not a handle, for an owned key or hash.
    fn uncounted(&self) -> Provider {
        Provider {
            ctx: Arc::clone(&self.ctx),
            counted: false,
        }
    }
}

/// The `PP_UNIQUE_CONTAINER` prefix: MD5(name ‖ NUL) as four little-endian DWORDs in `%08x`.
fn unique_prefix(name: &str) -> String {
    use digest::Digest;
    let mut md5 = md5::Md5::new();
    md5.update(name.as_bytes());
    md5.update([0u8]);
    let digest = md5.finalize();
    digest
        .chunks_exact(4)
        .map(|w| format!("{:08x}", u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
        .collect()
}

fn verify_context(
    csp: &'static Csp,
    prov_type: ProviderType,
    keyset: KeySet,
    silent: bool,
    store: Option<&KeyStore>,
) -> Context {
    Context::new(csp, prov_type, keyset, silent, None, store.cloned())
}

impl Context {
    fn new(
        csp: &'static Csp,
        prov_type: ProviderType,
        keyset: KeySet,
        silent: bool,
        container: Option<OpenContainer>,
        verify_store: Option<KeyStore>,
    ) -> Context {
        Context {
            csp,
            prov_type,
            keyset,
            silent,
            container,
            verify_store,
            handles: AtomicUsize::new(1),
            ephemeral: Mutex::new([None, None]),
            pair_cache: Mutex::new([None, None]),
            enum_cursor: Mutex::new(0),
            alg_cursor: Mutex::new(0),
        }
    }
}

/// The container name an acquire or delete means (the default container's for `None` or `""`),
/// checked, and the store it lives in (the default store for `None`).
fn target(store: Option<&KeyStore>, container: Option<&str>) -> Result<(String, KeyStore)> {
    let name = match container.filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => default_container_name(),
    };
    validate_name(&name)?;
    let store = match store {
        Some(store) => store.clone(),
        None => KeyStore::default_store()?,
    };
    Ok((name, store))
}

/// `CryptAcquireContext` on `store`, or on the default store when `None` (resolved only when a
/// container is actually needed).
pub(crate) fn acquire_in(
    store: Option<&KeyStore>,
    container: Option<&str>,
    provider: Option<&str>,
    prov_type: ProviderType,
    flags: AcquireFlags,
) -> Result<Provider> {
    let csp = find_csp(store, provider, prov_type)?;
    let mode = acquire_mode(flags)?;
    let keyset = keyset_of(flags);
    let silent = flags.contains(AcquireFlags::SILENT);
    if let Mode::Verify = mode {
        if container.is_some_and(|n| !n.is_empty()) {
            return Err(Error::BadFlags);
        }
        return Ok(Provider::from_context(verify_context(
            csp, prov_type, keyset, silent, store,
        )));
    }
    let (name, store) = target(store, container)?;
    let stored = stored_name(csp, &name);
    let record = match mode {
        Mode::Create => store.create(keyset, &stored)?,
        _ => store.load(keyset, &stored)?,
    };
    let container = OpenContainer {
        store,
        name,
        stored,
        id: record.id,
    };
    Ok(Provider::from_context(Context::new(
        csp,
        prov_type,
        keyset,
        silent,
        Some(container),
        None,
    )))
}

/// `CryptAcquireContext(CRYPT_DELETEKEYSET)` on `store`, or on the default store when `None`.
pub(crate) fn delete_in(
    store: Option<&KeyStore>,
    container: Option<&str>,
    provider: Option<&str>,
    prov_type: ProviderType,
    flags: AcquireFlags,
) -> Result<()> {
    let csp = find_csp(store, provider, prov_type)?;
    if AcquireFlags::from_bits(flags.bits()).is_none()
        || flags.intersects(AcquireFlags::NEWKEYSET | AcquireFlags::VERIFYCONTEXT)
    {
        return Err(Error::BadFlags);
    }
    let (name, store) = target(store, container)?;
    store.remove(keyset_of(flags), &stored_name(csp, &name))
}

impl KeyStore {
    /// [`Provider::acquire`] on this store instead of the default one.
    ///
    /// # Errors
    ///
    /// As [`Provider::acquire`], except `ERROR_ENVVAR_NOT_FOUND`.
    #[doc(alias = "CryptAcquireContext")]
    pub fn acquire(
        &self,
        container: Option<&str>,
        provider: Option<&str>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    ) -> Result<Provider> {
        acquire_in(Some(self), container, provider, prov_type, flags)
    }

    /// [`Provider::delete_container`] on this store instead of the default one.
    ///
    /// # Errors
    ///
    /// As [`Provider::delete_container`], except `ERROR_ENVVAR_NOT_FOUND`.
    #[doc(alias = "CRYPT_DELETEKEYSET")]
    pub fn delete_container(
        &self,
        container: Option<&str>,
        provider: Option<&str>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    ) -> Result<()> {
        delete_in(Some(self), container, provider, prov_type, flags)
    }

    /// [`Provider::verify_context`] whose [`containers`](Provider::containers) lists this store.
    ///
    /// # Errors
    ///
    /// As [`Provider::verify_context`].
    pub fn verify_context(&self, prov_type: ProviderType) -> Result<Provider> {
        Ok(Provider::from_context(verify_context(
            find_csp(Some(self), None, prov_type)?,
            prov_type,
            KeySet::User,
            false,
            Some(self),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Result<Provider>) -> u32 {
        r.map(|_| 0).unwrap_or_else(|e| e.code())
    }

    #[test]
    fn provider_lookup_follows_windows_order() {
        use crate::error::codes::*;
        let store = KeyStore::in_memory().unwrap();
        let t =
            |name, ty, flags| codes(store.acquire(None, name, ProviderType::from_raw(ty), flags));
        let v = AcquireFlags::VERIFYCONTEXT;
        assert_eq!(t(None, 0, v), NTE_BAD_PROV_TYPE);
        assert_eq!(t(None, 1000, v), NTE_BAD_PROV_TYPE);
        assert_eq!(t(None, 999, v), NTE_PROV_TYPE_NOT_DEF);
        assert_eq!(t(Some("no such provider"), 1, v), NTE_KEYSET_NOT_DEF);
        assert_eq!(t(Some("no such provider"), 999, v), NTE_KEYSET_NOT_DEF);
        assert_eq!(t(Some(MS_DEF_PROV), 999, v), NTE_PROV_TYPE_NO_MATCH);
        assert_eq!(t(Some(MS_ENH_RSA_AES_PROV), 1, v), NTE_PROV_TYPE_NO_MATCH);
        assert_eq!(t(Some(MS_DEF_PROV), 1, v), 0);
        let upper = MS_DEF_PROV.to_uppercase();
        assert_eq!(
            codes(store.acquire(None, Some(&upper), ProviderType::RSA_FULL, v)),
            0
        );
        assert_eq!(t(Some(""), 24, v), 0);
    }

    #[test]
    fn the_default_container_is_named_after_the_user_else_default() {
        let name = |vars: &'static [(&str, &str)]| {
            container_name_from(|var: &str| {
                vars.iter()
                    .find(|(name, _)| *name == var)
                    .map(|(_, value)| OsString::from(value))
            })
        };
        assert_eq!(
            name(&[("LOGNAME", "l"), ("USERNAME", "n"), ("USER", "u")]),
            "u"
        );
        assert_eq!(name(&[("LOGNAME", "l"), ("USERNAME", "n")]), "n");
        assert_eq!(name(&[("LOGNAME", "l")]), "l");
        // A privileged process's lookup gives nothing (store::env_var).
        assert_eq!(name(&[]), "default");
    }

    #[test]
    fn defaults_per_type() {
        let p = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
        assert_eq!(p.name(), MS_STRONG_PROV);
        let p = Provider::verify_context(ProviderType::RSA_AES).unwrap();
        assert_eq!(p.name(), MS_ENH_RSA_AES_PROV);
        assert_eq!(p.prov_type(), ProviderType::RSA_AES);
        let s = Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap();
        assert_eq!(s.name(), MS_DEF_RSA_SCHANNEL_PROV);
        assert_eq!(s.ctx.csp.personality, crate::alg::Personality::Schannel);
        assert!(p.is_verify_context());
        assert_eq!(p.container(), None);
    }

    #[test]
    fn unique_container_matches_windows_for_winetest() {
        assert_eq!(
            unique_prefix("winetest"),
            "9d20fd8d05ed2b8455d125d0bf6d6a70"
        );
        let store = KeyStore::in_memory().unwrap();
        let p = store
            .acquire(
                Some("winetest"),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .unwrap();
        let unique = p.unique_container().unwrap();
        assert_eq!(unique.len() + 1, 70); // Windows reports 70 including the NUL
        assert!(unique.starts_with("9d20fd8d05ed2b8455d125d0bf6d6a70_"));
        assert_eq!(p.ctx.container.as_ref().map(|c| c.id.len()), Some(16));
    }

    #[test]
    fn flag_combinations() {
        use crate::error::codes::*;
        let store = KeyStore::in_memory().unwrap();
        let t = |name: Option<&str>, bits: u32| {
            codes(store.acquire(
                name,
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::from_bits_retain(bits),
            ))
        };
        assert_eq!(t(Some("x"), 0xF000_0000), NTE_BAD_FLAGS);
        assert_eq!(t(None, 0xF000_0000 | 8), 0);
        assert_eq!(t(None, 0x1000_0000), NTE_BAD_FLAGS);
        assert_eq!(t(None, 0x100), NTE_BAD_FLAGS);
        assert_eq!(t(Some("x"), 0x10), NTE_BAD_FLAGS);
        assert_eq!(t(Some("x"), 0x18), NTE_BAD_FLAGS);
        assert_eq!(t(Some("x"), 0), NTE_BAD_KEYSET);
        assert_eq!(t(Some("x"), 8 | 0x40 | 0x20), 0);
        assert_eq!(t(Some("x"), 8 | 0x20), NTE_EXISTS);
        assert_eq!(t(Some("x"), 0), NTE_BAD_KEYSET);
        assert_eq!(t(Some("x"), 0x20), 0);
        assert_eq!(t(Some(&"n".repeat(261)), 8), NTE_BAD_KEYSET_PARAM);
    }
}
