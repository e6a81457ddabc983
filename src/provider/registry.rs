//! The provider registry: which providers exist, their types, and each type's default
//! (`CryptEnumProviders`, `CryptEnumProviderTypes`, `CryptGetDefaultProvider`,
//! `CryptSetProviderEx`).
//!
//! Windows keeps this in the registry: the installed providers under
//! `HKLM\SOFTWARE\Microsoft\Cryptography\Defaults\Provider`, the types and the machine's
//! default of each under `...\Defaults\Provider Types`, and a user's own defaults under
//! `HKCU\Software\Microsoft\Cryptography\Provider`. Here the providers and types are the
//! crate's own (what a current Windows registers for its software providers, in registry
//! order), the machine defaults start as Windows installs them, and changed defaults persist
//! in the key store's root, user and machine apart (`user/defaults`, `machine/defaults`),
//! written atomically as containers are.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{
    MS_DEF_DH_SCHANNEL_PROV, MS_DEF_DSS_DH_PROV, MS_DEF_DSS_PROV, MS_DEF_PROV,
    MS_DEF_RSA_SCHANNEL_PROV, MS_ENH_DSS_DH_PROV, MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP,
    MS_ENHANCED_PROV, MS_STRONG_PROV, Provider,
};
use crate::alg::{Personality, ProviderType};
use crate::error::{Error, Result};
use crate::store::{DefaultsStamp, KeySet, KeyStore};

/// `CRYPT_MACHINE_DEFAULT`: the machine's default (`HKEY_LOCAL_MACHINE`), for
/// [`Provider::default_provider`] and [`Provider::set_default_provider`].
pub const CRYPT_MACHINE_DEFAULT: u32 = 0x1;
/// `CRYPT_USER_DEFAULT`: the user's own default (`HKEY_CURRENT_USER`), for
/// [`Provider::default_provider`] and [`Provider::set_default_provider`].
pub const CRYPT_USER_DEFAULT: u32 = 0x2;
/// `CRYPT_DELETE_DEFAULT`: remove the default instead of setting it, for
/// [`Provider::set_default_provider`].
pub const CRYPT_DELETE_DEFAULT: u32 = 0x4;

/// One provider this crate implements.
#[derive(Debug)]
pub(crate) struct Csp {
    pub(crate) name: &'static str,
    pub(crate) prov_type: ProviderType,
    pub(crate) personality: Personality,
    /// Whether `CryptEnumProviders` lists it (Windows lists the AES provider's XP name no
    /// more, but still opens it).
    listed: bool,
}

const fn csp(
    name: &'static str,
    prov_type: ProviderType,
    personality: Personality,
    listed: bool,
) -> Csp {
    Csp {
        name,
        prov_type,
        personality,
        listed,
    }
}

/// The providers, in registry (alphabetical) order.
static CSPS: [Csp; 10] = {
    use Personality as P;
    use ProviderType as T;
    [
        csp(MS_DEF_PROV, T::RSA_FULL, P::Base, true),
        csp(MS_DEF_DSS_DH_PROV, T::DSS_DH, P::DssDh, true),
        csp(MS_DEF_DSS_PROV, T::DSS, P::Dss, true),
        csp(MS_DEF_DH_SCHANNEL_PROV, T::DH_SCHANNEL, P::DhSchannel, true),
        csp(MS_ENHANCED_PROV, T::RSA_FULL, P::Enhanced, true),
        csp(MS_ENH_DSS_DH_PROV, T::DSS_DH, P::DssDhEnhanced, true),
        csp(MS_ENH_RSA_AES_PROV, T::RSA_AES, P::Aes, true),
        csp(MS_DEF_RSA_SCHANNEL_PROV, T::RSA_SCHANNEL, P::Schannel, true),
        csp(MS_STRONG_PROV, T::RSA_FULL, P::Strong, true),
        csp(MS_ENH_RSA_AES_PROV_XP, T::RSA_AES, P::Aes, false),
    ]
};

/// A provider type: its number, its registered name, and the default Windows installs.
struct TypeEntry {
    prov_type: ProviderType,
    name: &'static str,
    default: &'static str,
}

/// The provider types, in registry order (by number).
static TYPES: [TypeEntry; 6] = [
    TypeEntry {
        prov_type: ProviderType::RSA_FULL,
        name: "RSA Full (Signature and Key Exchange)",
        default: MS_STRONG_PROV,
    },
    TypeEntry {
        prov_type: ProviderType::DSS,
        name: "DSS Signature",
        default: MS_DEF_DSS_PROV,
    },
    TypeEntry {
        prov_type: ProviderType::RSA_SCHANNEL,
        name: "RSA SChannel",
        default: MS_DEF_RSA_SCHANNEL_PROV,
    },
    TypeEntry {
        prov_type: ProviderType::DSS_DH,
        name: "DSS Signature with Diffie-Hellman Key Exchange",
        default: MS_ENH_DSS_DH_PROV,
    },
    TypeEntry {
        prov_type: ProviderType::DH_SCHANNEL,
        name: "Diffie-Hellman SChannel",
        default: MS_DEF_DH_SCHANNEL_PROV,
    },
    TypeEntry {
        prov_type: ProviderType::RSA_AES,
        name: "RSA Full and AES",
        default: MS_ENH_RSA_AES_PROV,
    },
];

/// The provider registered under `name` (case-insensitive, as registry keys are).
fn by_name(name: &str) -> Option<&'static Csp> {
    CSPS.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// Checks a provider type as every registry call does first.
fn check_type(prov_type: ProviderType) -> Result<()> {
    if (1..=999).contains(&prov_type.raw()) {
        Ok(())
    } else {
        Err(Error::BadProvType)
    }
}

/// Finds the provider for a name and type, with Windows' error for each mismatch; no name
/// means the type's default in `store` (the default store's when `None`): the user's, else
/// the machine's.
pub(crate) fn find_csp(
    store: Option<&KeyStore>,
    name: Option<&str>,
    prov_type: ProviderType,
) -> Result<&'static Csp> {
    check_type(prov_type)?;
    match name.filter(|n| !n.is_empty()) {
        Some(name) => {
            let csp = by_name(name).ok_or(Error::KeysetNotDef)?;
            if csp.prov_type == prov_type {
                Ok(csp)
            } else {
                Err(Error::ProvTypeNoMatch)
            }
        }
        None => {
            let defaults = Defaults::of(store);
            let name = match defaults.user(prov_type) {
                Some(name) => Some(name),
                None => defaults.machine(prov_type)?,
            };
            let name = name.ok_or(Error::ProvTypeNotDef)?;
            // Only registered names are ever saved; anything else is a damaged entry.
            match by_name(&name) {
                Some(csp) if csp.prov_type == prov_type => Ok(csp),
                _ => Err(Error::ProvTypeEntryBad),
            }
        }
    }
}

/// The saved defaults of one store: user and machine, as cached.
struct Defaults {
    user: Arc<Saved>,
    machine: Arc<Saved>,
}

/// The defaults saved in one key set: provider type → provider name (`""`: deleted).
type Saved = Vec<(u32, String)>;

impl Defaults {
    /// The defaults of `store` (the default store's when `None`; none at all when no default
    /// store is configured, so that contexts still open without one). A store that cannot be
    /// read counts as having saved nothing: acquiring never fails for a damaged defaults file,
    /// it uses Windows' own defaults.
    fn of(store: Option<&KeyStore>) -> Defaults {
        let default_store;
        let store = match store {
            Some(store) => Some(store),
            None => {
                default_store = KeyStore::default_store().ok();
                default_store.as_ref()
            }
        };
        let load = |keyset| match store {
            Some(store) => cached(store, keyset).unwrap_or_default(),
            None => Arc::default(),
        };
        Defaults {
            user: load(KeySet::User),
            machine: load(KeySet::Machine),
        }
    }

    /// The user's own default of `prov_type`, if set.
    fn user(&self, prov_type: ProviderType) -> Option<String> {
        lookup(&self.user, prov_type).filter(|n| !n.is_empty())
    }

    /// The machine's default of `prov_type`: saved, else Windows' own; `None` when deleted or
    /// when the type has none.
    fn machine(&self, prov_type: ProviderType) -> Result<Option<String>> {
        Ok(match lookup(&self.machine, prov_type) {
            Some(name) if name.is_empty() => None,
            Some(name) => Some(name),
            None => TYPES
                .iter()
                .find(|t| t.prov_type == prov_type)
                .map(|t| t.default.to_owned()),
        })
    }
}

fn lookup(saved: &Saved, prov_type: ProviderType) -> Option<String> {
    saved
        .iter()
        .find(|(t, _)| *t == prov_type.raw())
        .map(|(_, name)| name.clone())
}

/// How long a cached defaults file is trusted before its identity is checked again: changes
/// made by this process are seen at once, other processes' within this time.
const RECHECK: Duration = Duration::from_secs(1);

struct CacheEntry {
    checked: Instant,
    stamp: Option<DefaultsStamp>,
    saved: Arc<Saved>,
}

/// The defaults files read so far, by store root, user then machine, so that opening a context
/// does not read the disk each time (a lookup borrows the root: no allocation).
static CACHE: Mutex<Option<HashMap<PathBuf, [Option<CacheEntry>; 2]>>> = Mutex::new(None);

fn index(keyset: KeySet) -> usize {
    match keyset {
        KeySet::User => 0,
        KeySet::Machine => 1,
    }
}

/// The saved defaults of `keyset` in `store`, from the cache while it is fresh.
fn cached(store: &KeyStore, keyset: KeySet) -> Result<Arc<Saved>> {
    let Some(root) = store.root() else {
        // A memory store's defaults are in memory already.
        return Ok(Arc::new(store.provider_defaults(keyset)?));
    };
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(HashMap::new);
    let now = Instant::now();
    if let Some(Some(entry)) = cache.get_mut(root).map(|e| &mut e[index(keyset)]) {
        if now.duration_since(entry.checked) < RECHECK {
            return Ok(Arc::clone(&entry.saved));
        }
        let stamp = store.defaults_stamp(keyset)?;
        if stamp == entry.stamp {
            entry.checked = now;
            return Ok(Arc::clone(&entry.saved));
        }
    }
    // Read with the lock held, so that one reader fills the entry.
    let stamp = store.defaults_stamp(keyset)?;
    let saved = Arc::new(store.provider_defaults(keyset)?);
    let entries = cache.entry(root.to_owned()).or_default();
    entries[index(keyset)] = Some(CacheEntry {
        checked: now,
        stamp,
        saved: Arc::clone(&saved),
    });
    Ok(saved)
}

/// Forgets the cached defaults of `keyset` in `store`, after this process changed them.
fn invalidate(store: &KeyStore, keyset: KeySet) {
    if let Some(root) = store.root() {
        let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entries) = guard.as_mut().and_then(|cache| cache.get_mut(root)) {
            entries[index(keyset)] = None;
        }
    }
}

/// The providers `CryptEnumProviders` lists, in its order.
fn listed() -> impl Iterator<Item = &'static Csp> {
    CSPS.iter().filter(|c| c.listed)
}

pub(crate) fn provider_list() -> Vec<(ProviderType, String)> {
    listed().map(|c| (c.prov_type, c.name.to_owned())).collect()
}

pub(crate) fn type_list() -> Vec<(ProviderType, String)> {
    TYPES
        .iter()
        .map(|t| (t.prov_type, t.name.to_owned()))
        .collect()
}

/// `CryptGetDefaultProvider` on `store`.
pub(crate) fn get_default(
    store: Option<&KeyStore>,
    prov_type: ProviderType,
    flags: u32,
) -> Result<String> {
    if flags & !(CRYPT_MACHINE_DEFAULT | CRYPT_USER_DEFAULT) != 0 {
        return Err(Error::BadFlags);
    }
    check_type(prov_type)?;
    let defaults = Defaults::of(store);
    let name = if flags & CRYPT_USER_DEFAULT != 0 {
        defaults.user(prov_type)
    } else {
        defaults.machine(prov_type)?
    };
    name.ok_or(Error::ProvTypeNotDef)
}

/// `CryptSetProviderEx` on `store`.
pub(crate) fn set_default(
    store: &KeyStore,
    prov_type: ProviderType,
    name: Option<&str>,
    flags: u32,
) -> Result<()> {
    let scope = CRYPT_MACHINE_DEFAULT | CRYPT_USER_DEFAULT;
    if flags & !(scope | CRYPT_DELETE_DEFAULT) != 0
        || flags & scope == scope
        || flags == CRYPT_DELETE_DEFAULT
    {
        return Err(Error::BadFlags);
    }
    check_type(prov_type)?;
    let keyset = if flags & CRYPT_USER_DEFAULT != 0 {
        KeySet::User
    } else {
        KeySet::Machine
    };
    let saved = if flags & CRYPT_DELETE_DEFAULT != 0 {
        // The user's entry goes; the machine's is recorded as deleted, since without an
        // entry the machine falls back to Windows' own default.
        match keyset {
            KeySet::User => None,
            KeySet::Machine => Some(""),
        }
    } else {
        let name = name
            .filter(|n| !n.is_empty())
            .ok_or(Error::InvalidParameter)?;
        let csp = by_name(name).ok_or(Error::BadProvider)?;
        if csp.prov_type != prov_type {
            return Err(Error::ProvTypeNoMatch);
        }
        Some(csp.name)
    };
    let result = store.set_provider_default(keyset, prov_type.raw(), saved);
    invalidate(store, keyset);
    result
}

impl Provider {
    /// The providers installed, with their types, in Windows' order (`CryptEnumProviders`): the
    /// registry's, alphabetical.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, MS_STRONG_PROV};
    /// let providers = Provider::enum_providers()?;
    /// assert!(providers.contains(&(ProviderType::RSA_FULL, MS_STRONG_PROV.to_owned())));
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// None today: the list is the crate's own. The `Result` is `CryptEnumProviders`'
    /// (whose registry can fail) and leaves room for providers that are loaded.
    #[doc(alias = "CryptEnumProviders", alias = "CryptEnumProvidersA")]
    #[doc(alias = "CryptEnumProvidersW")]
    pub fn enum_providers() -> Result<Vec<(ProviderType, String)>> {
        Ok(provider_list())
    }

    /// The provider types, with their names, in Windows' order (`CryptEnumProviderTypes`): by
    /// number, for example `(PROV_RSA_FULL, "RSA Full (Signature and Key Exchange)")`.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType};
    /// let types = Provider::enum_provider_types()?;
    /// assert_eq!(types[0], (ProviderType::RSA_FULL, "RSA Full (Signature and Key Exchange)".to_owned()));
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// None today, as for [`enum_providers`](Provider::enum_providers).
    #[doc(alias = "CryptEnumProviderTypes", alias = "CryptEnumProviderTypesA")]
    #[doc(alias = "CryptEnumProviderTypesW")]
    pub fn enum_provider_types() -> Result<Vec<(ProviderType, String)>> {
        Ok(type_list())
    }

    /// The default provider of a type (`CryptGetDefaultProvider`) in the default key store:
    /// with [`CRYPT_USER_DEFAULT`] the user's own default, else (flags `0` or
    /// [`CRYPT_MACHINE_DEFAULT`]) the machine's, which is Windows' own until changed
    /// ([`MS_STRONG_PROV`](super::MS_STRONG_PROV) for `PROV_RSA_FULL`). An acquire without
    /// a provider name uses the user's default when there is one, else the machine's.
    ///
    /// Without a configured default store (see [`KeyStore::default_store`]), the defaults are
    /// Windows' own and there is no user default.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, CRYPT_MACHINE_DEFAULT, MS_ENH_RSA_AES_PROV};
    /// # let dir = tempfile::tempdir()?;
    /// # cryptoapi::KeyStore::set_default_root(Some(dir.path().to_owned()));
    /// let name = Provider::default_provider(ProviderType::RSA_AES, CRYPT_MACHINE_DEFAULT)?;
    /// assert_eq!(name, MS_ENH_RSA_AES_PROV);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: a flag other than `CRYPT_USER_DEFAULT` and `CRYPT_MACHINE_DEFAULT`;
    /// * `NTE_BAD_PROV_TYPE`: a type outside 1..=999;
    /// * `NTE_PROV_TYPE_NOT_DEF`: the type has no default (no provider of the type, no user
    ///   default, or a deleted machine default).
    #[doc(alias = "CryptGetDefaultProvider", alias = "CryptGetDefaultProviderA")]
    #[doc(alias = "CryptGetDefaultProviderW")]
    pub fn default_provider(prov_type: ProviderType, flags: u32) -> Result<String> {
        get_default(None, prov_type, flags)
    }

    /// Sets or removes the default provider of a type (`CryptSetProviderEx`) in the default
    /// key store; `CryptSetProvider` is [`CRYPT_USER_DEFAULT`].
    ///
    /// * `flags`: [`CRYPT_USER_DEFAULT`] for the user's own default, [`CRYPT_MACHINE_DEFAULT`]
    ///   (or `0`) for the machine's, either with [`CRYPT_DELETE_DEFAULT`] to remove it (then
    ///   `name` is ignored). Removing the user's default makes the machine's apply again;
    ///   removing the machine's leaves the type without a default until one is set.
    /// * `name`: a provider of this type (case-insensitive; the registered spelling is saved).
    ///
    /// The change is saved at once and atomically in the store's root (`user/defaults` or
    /// `machine/defaults`), so every process using the store sees it (another process within a
    /// second: defaults are cached, not read from disk at every acquire). The machine defaults
    /// are the store's, not the computer's (see [`KeySet`]).
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, CRYPT_DELETE_DEFAULT, CRYPT_USER_DEFAULT, MS_DEF_PROV};
    /// # let dir = tempfile::tempdir()?;
    /// # cryptoapi::KeyStore::set_default_root(Some(dir.path().to_owned()));
    /// Provider::set_default_provider(ProviderType::RSA_FULL, Some(MS_DEF_PROV), CRYPT_USER_DEFAULT)?;
    /// assert_eq!(Provider::verify_context(ProviderType::RSA_FULL)?.name(), MS_DEF_PROV);
    /// Provider::set_default_provider(ProviderType::RSA_FULL, None, CRYPT_USER_DEFAULT | CRYPT_DELETE_DEFAULT)?;
    /// assert_eq!(Provider::verify_context(ProviderType::RSA_FULL)?.name(), cryptoapi::MS_STRONG_PROV);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: undefined flags, both scopes, or `CRYPT_DELETE_DEFAULT` alone;
    /// * `NTE_BAD_PROV_TYPE`: a type outside 1..=999;
    /// * `ERROR_INVALID_PARAMETER`: no name, without `CRYPT_DELETE_DEFAULT`;
    /// * `NTE_BAD_PROVIDER`: no provider of that name is installed;
    /// * `NTE_PROV_TYPE_NO_MATCH`: the provider has another type;
    /// * `ERROR_ENVVAR_NOT_FOUND`: no default key store is configured;
    /// * `ERROR_BUSY`, `ERROR_ACCESS_DENIED`, `NTE_FAIL`: the store could not be written (the
    ///   previous defaults are kept).
    #[doc(alias = "CryptSetProviderEx", alias = "CryptSetProviderExA")]
    #[doc(alias = "CryptSetProviderExW", alias = "CryptSetProvider")]
    pub fn set_default_provider(
        prov_type: ProviderType,
        name: Option<&str>,
        flags: u32,
    ) -> Result<()> {
        set_default(&KeyStore::default_store()?, prov_type, name, flags)
    }
}

impl KeyStore {
    /// [`Provider::default_provider`] in this store.
    ///
    /// # Errors
    ///
    /// As [`Provider::default_provider`].
    #[doc(alias = "CryptGetDefaultProvider")]
    pub fn default_provider(&self, prov_type: ProviderType, flags: u32) -> Result<String> {
        get_default(Some(self), prov_type, flags)
    }

    /// [`Provider::set_default_provider`] in this store.
    ///
    /// # Errors
    ///
    /// As [`Provider::set_default_provider`], except `ERROR_ENVVAR_NOT_FOUND`.
    #[doc(alias = "CryptSetProviderEx")]
    pub fn set_default_provider(
        &self,
        prov_type: ProviderType,
        name: Option<&str>,
        flags: u32,
    ) -> Result<()> {
        set_default(self, prov_type, name, flags)
    }
}
