//! Persistent key containers: where they live and how they are shared.
//!
//! A [`KeyStore`] is where named key containers are kept: a directory on disk
//! ([`KeyStore::at`]), or process memory ([`KeyStore::in_memory`], for tests and for users who
//! want nothing on disk). [`Provider::acquire`](crate::Provider::acquire) uses the *default*
//! store, whose root is taken, in this order, from [`KeyStore::set_default_root`], the
//! `CRYPTOAPI_HOME` environment variable, and the platform's per-user data directory
//! (`$XDG_DATA_HOME/cryptoapi` or `~/.local/share/cryptoapi` on Linux and other Unix systems,
//! `~/Library/Application Support/cryptoapi` on macOS, `%APPDATA%\cryptoapi` on Windows). A
//! variable must name an absolute path, and a setuid or setgid program reads none of them (see
//! [The environment](#the-environment)).
//!
//! Each store has two separate namespaces ([`KeySet`]): the user's containers and the
//! machine's (`CRYPT_MACHINE_KEYSET`). **The machine key set is per store root, not
//! machine-wide** as on Windows (where every account shares one set under `%ProgramData%`): it
//! is a `machine` directory beside `user` under the same root, so the default store's machine
//! key set is under the user's own root unless a root is given, with the same owner and modes.
//! Accounts do not share it.
//!
//! # Guarantees of the file store
//!
//! * **Names cannot escape the root.** A container's file name is a keyed hash of its name, so
//!   `..`, separators, NUL, reserved device names (`CON`, `NUL`) and case-insensitive file
//!   systems change nothing. Container names are case-sensitive.
//! * **Writes are atomic and durable**: a new container file is written to a temporary file,
//!   synced, renamed over the old one, and the directory is synced. A crash leaves the old or the
//!   new container, never a mix.
//! * **Corruption is reported, never papered over**: the format is versioned and checksummed;
//!   a damaged file gives `NTE_KEYSET_ENTRY_BAD` and is left untouched until it is deleted.
//! * **Private, and checked, on Unix**: directories are created 0700 and files 0600, and what
//!   the store finds on disk is checked before it is trusted (see
//!   [Private keys on disk](#private-keys-on-disk)).
//! * **Shared safely between processes**: writers serialise on a per-container lock file
//!   ([`std::fs::File::lock`]) and give up with `ERROR_BUSY` after a bounded wait
//!   ([`KeyStore::with_lock_timeout`]); readers never wait. Every context reads the container
//!   afresh, so two contexts on one container, in one process or several, see each other's
//!   changes at once.
//! * **Delete wins**: deleting a container that another context has open succeeds, as on
//!   Windows; that context still releases cleanly and can never bring the container back.
//! * **Failures are clean**: a full disk, a read-only file system, a permission or an I/O
//!   error at any step of a write gives `NTE_FAIL` or `ERROR_ACCESS_DENIED` and leaves the
//!   previous container whole and readable (see [Failures](#failures)).
//!
//! # Private keys on disk
//!
//! **Private keys are stored unencrypted.** Windows encrypts its key files with DPAPI, under a
//! secret derived from the user's logon; this store has no such secret, so a container file
//! holds its private keys in the clear, protected only by ownership and file modes. Anyone who
//! can read the files as their owner can read the keys: root, another process of the same user,
//! a backup or a disk image. Keep the root on a disk that only its owner can read (and encrypt
//! the disk if it can leave your hands).
//!
//! So on Unix the store refuses, with `ERROR_ACCESS_DENIED` naming the path, anything on disk that
//! another user could have written or could read:
//!
//! * a store root or key-set directory (`user`, `machine`) that is not owned by the user or is
//!   writable by group or others: whoever can write it can swap or remove container files;
//! * an ancestor directory of the root that is writable by others without the sticky bit (a
//!   sticky directory such as `/tmp` is accepted): whoever can write it can replace the root
//!   with a directory of their own;
//! * a container, lock, `machine-guid`, `name-key` or `defaults` file that is not a regular
//!   file, is not owned by the user, or has any group or other permission bit: such a file may
//!   hold someone else's keys, or have leaked its own.
//!
//! Symbolic links are never followed: a link planted where a directory or file of the store
//! should be is refused, not used to read or write elsewhere. A container file that is larger
//! than the format allows or is not a regular file (a FIFO, a device) is refused without
//! blocking, so a planted FIFO cannot hang a reader nor a huge file exhaust its memory.
//!
//! Container file names are keyed with a per-store secret, the root's `name-key` file (random,
//! created with the store): without it, the name of a container, deleted or not, cannot be
//! recovered from its file name by hashing a dictionary of likely names.
//!
//! On Windows the files get the permissions they inherit from the root's directory
//! (`%APPDATA%` is private to its user by default); the Unix ownership and mode checks do not
//! apply.
//!
//! # Failures
//!
//! A file store's file operations can fail: a full disk, a read-only file system, a permission
//! error, an I/O error. The store returns every failure (it never goes on as if a step had
//! worked) as [`Error::Io`] with the operating system's error inside:
//!
//! * `ERROR_ACCESS_DENIED` for a permission error (`EACCES`, `EPERM`) and for a read-only file
//!   system (`EROFS`, wrapped in a permission error whose inner error is the original);
//! * `NTE_FAIL` for anything else: a full disk or quota (`ENOSPC`, `EDQUOT`), an I/O error
//!   (`EIO`). Windows has `ERROR_DISK_FULL`, but its providers report a failed write of key
//!   storage as `NTE_FAIL`, which is what ported code checks for.
//!
//! A write (creating a container, storing a key pair into it, deleting it, setting its access,
//! saving a provider default, and creating the store's root, `name-key` and `machine-guid` on
//! first use) is a fixed sequence of steps, and each step's failure leaves the store like this:
//!
//! * **Before the commit point** (the rename of the new version over the old, the removal of a
//!   deleted container's file, the link of a new `name-key` or `machine-guid`): the container
//!   (or file) is exactly as it was, readable by any store, and the temporary file is removed.
//!   A create that failed once it held the new container's lock removes that lock file too (a
//!   failure while taking the lock can leave it, empty, as a writer that waited would).
//! * **After the commit point** (the directory's fsync, the removal of a deleted container's
//!   lock file, the removal of a linked temporary file): the new version is in place, whole;
//!   the error says that its durability (or the cleanup) is not confirmed.
//! * When removing a temporary file is itself what fails, that file stays, as after a crash at
//!   that point: a container's fixed `.<id>.tmp` is removed by its next write or its delete;
//!   a `name-key` or `machine-guid` one is a private copy of a file that is already in place.
//!
//! The test suite proves this for every step of every write path and every kind of failure,
//! with a [`StoreIo`] that fails the n-th operation ([`KeyStore::at_with_io`]).
//!
//! # The environment
//!
//! The default store's root and the default container's name come from environment variables:
//! `CRYPTOAPI_HOME`, `XDG_DATA_HOME`, `HOME` or `APPDATA` for the root, the first of `USER`,
//! `USERNAME` and `LOGNAME` for the name. An empty variable counts as unset. Two rules keep an
//! environment that an attacker chose from choosing where keys are read and written:
//!
//! * **A setuid or setgid process ignores them all**, as glibc's `secure_getenv` does: its
//!   caller set them, not its owner. Such a process is one whose real user id differs from its
//!   effective one, or its real group id from its effective one; this is how the kernel's
//!   `AT_SECURE` flag is approximated without libc (privileges gained by file capabilities
//!   alone, with equal ids, are not detected). Its default store has a root only if the program
//!   calls [`KeyStore::set_default_root`] (else `ERROR_ENVVAR_NOT_FOUND`, as when nothing is
//!   configured), and its default container is named `default`.
//! * **A root must be absolute.** A variable that names a relative path is
//!   `ERROR_ENVVAR_NOT_FOUND`: neither a root that moves with the working directory nor a
//!   fall-back to the next variable.

mod defaults;
#[cfg(test)]
mod fault_tests;
mod file;
pub(crate) mod format;
mod io;
mod sys;

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use crate::error::{Error, Result};
use defaults::Defaults;
use file::{FileStore, Io};
pub(crate) use format::Record;
/// A container file's owner, group and mode, as [`KeyStore::container_access`] reports them.
pub(crate) use io::FileAccess as ContainerAccess;
/// The identity of a key set's defaults file, as [`KeyStore::defaults_stamp`] reports it.
pub(crate) use io::FileStamp as DefaultsStamp;
pub use io::{FileAccess, FileRead, FileStamp, OsStoreIo, StoreDir, StoreIo, StoreLock};

/// Which namespace of a store a container lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySet {
    /// The user's containers (the default).
    User,
    /// The machine's containers (`CRYPT_MACHINE_KEYSET`).
    #[doc(alias = "CRYPT_MACHINE_KEYSET")]
    Machine,
}

impl KeySet {
    fn dir_name(self) -> &'static str {
        match self {
            KeySet::User => "user",
            KeySet::Machine => "machine",
        }
    }
}

/// Where key containers are kept: a directory on disk or process memory.
///
/// Cheap to clone; clones share the same storage.
///
/// ```
/// use cryptoapi::{AcquireFlags, KeySet, KeyStore, ProviderType};
///
/// let dir = tempfile::tempdir()?; // a fresh private directory, removed on drop
/// let store = KeyStore::at(dir.path());
/// let prov = store.acquire(Some("my keys"), None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)?;
/// assert_eq!(store.containers(KeySet::User)?, ["my keys"]);
/// drop(prov);
/// store.delete_container(Some("my keys"), None, ProviderType::RSA_FULL, AcquireFlags::empty())?;
/// # Ok::<(), cryptoapi::Error>(())
/// ```
#[derive(Clone)]
pub struct KeyStore {
    backend: Arc<Backend>,
    lock_timeout: Duration,
}

enum Backend {
    File(FileStore),
    Memory(MemoryStore),
}

struct MemoryStore {
    guid: String,
    state: Mutex<MemoryState>,
}

/// Everything a memory store keeps, under one lock.
#[derive(Default)]
struct MemoryState {
    /// Each container with the owner, group and mode it reports.
    containers: HashMap<(KeySet, String), (Record, FileAccess)>,
    /// Saved provider defaults by key set, with the version number their stamp reports.
    defaults: HashMap<KeySet, (u64, Defaults)>,
    /// The last version number given to a change of defaults.
    versions: u64,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("KeyStore");
        match &*self.backend {
            Backend::File(store) => {
                out.field("root", &store.root());
                if store.has_custom_io() {
                    out.field("io", &"custom");
                }
            }
            Backend::Memory(_) => {
                out.field("root", &"<memory>");
            }
        };
        out.field("lock_timeout", &self.lock_timeout).finish()
    }
}

/// The root set by [`KeyStore::set_default_root`].
static DEFAULT_ROOT: RwLock<Option<PathBuf>> = RwLock::new(None);

/// The environment variable that names the default store's root.
pub const HOME_ENV: &str = "CRYPTOAPI_HOME";

const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

impl KeyStore {
    /// A file store rooted at `root`. Nothing is created on disk until a container is written.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self::with_backend(Backend::File(FileStore::new(root.into(), Io::Os)))
    }

    /// A file store rooted at `root` that does its file operations through `io` instead of
    /// calling the operating system directly ([`KeyStore::at`] is this with [`OsStoreIo`]).
    ///
    /// For test suites that inject faults (a full disk, a read-only file system, a permission
    /// or I/O error at any step of a write) and for programs that trace or veto the store's
    /// writes; `io` wraps [`OsStoreIo`], which keeps every check of the
    /// [file store's guarantees](self#guarantees-of-the-file-store). How a failure of `io`
    /// reaches the caller, and what it leaves on disk, is in [Failures](self#failures).
    pub fn at_with_io(root: impl Into<PathBuf>, io: Arc<dyn StoreIo>) -> Self {
        Self::with_backend(Backend::File(FileStore::new(root.into(), Io::Custom(io))))
    }

    /// A store in this process's memory: containers live as long as a clone of the store does.
    ///
    /// Useful in tests, and for users who want containers' semantics without anything on disk.
    ///
    /// # Errors
    ///
    /// `NTE_SYS_ERR` if the operating system's random generator fails (the store's machine GUID
    /// is random).
    pub fn in_memory() -> Result<Self> {
        Ok(Self::with_backend(Backend::Memory(MemoryStore {
            guid: new_guid()?,
            state: Mutex::new(MemoryState::default()),
        })))
    }

    /// The default store: the root set with [`set_default_root`](Self::set_default_root), else
    /// `$CRYPTOAPI_HOME`, else the platform's per-user data directory (see the
    /// [module docs](crate::store)).
    ///
    /// In a setuid or setgid process the environment is not trusted and not read (as glibc's
    /// `secure_getenv` does): only [`set_default_root`](Self::set_default_root) gives a root.
    ///
    /// # Errors
    ///
    /// `ERROR_ENVVAR_NOT_FOUND` when none of the three gives a directory, or when the environment
    /// variable that gives it (`CRYPTOAPI_HOME`, `XDG_DATA_HOME`, `HOME` or `APPDATA`) does not
    /// name an absolute path: a relative root would move with the working directory, so it is
    /// refused rather than used or passed over for the next variable.
    pub fn default_store() -> Result<Self> {
        Ok(Self::at(default_root()?))
    }

    /// Sets (or with `None`, clears) the root of the default store for this process. It takes
    /// precedence over `CRYPTOAPI_HOME`, and is the only way to give a setuid or setgid program a
    /// default store.
    pub fn set_default_root(root: Option<PathBuf>) {
        *DEFAULT_ROOT.write().unwrap_or_else(|e| e.into_inner()) = root;
    }

    /// How long a writer waits for another holder of a container's lock before giving up with
    /// `ERROR_BUSY` (five seconds by default).
    #[must_use]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The directory of a file store, `None` for a memory store.
    #[must_use]
    pub fn root(&self) -> Option<&Path> {
        match &*self.backend {
            Backend::File(store) => Some(store.root()),
            Backend::Memory(_) => None,
        }
    }

    /// The file that holds a container (whether or not it exists), `None` for a memory store.
    ///
    /// File names are keyed with the store's secret `name-key` (see the [module docs](self)),
    /// which this creates (with the root) when the store has none yet; `None` also when that
    /// fails or the store refuses its root.
    #[must_use]
    pub fn container_path(&self, keyset: KeySet, name: &str) -> Option<PathBuf> {
        match &*self.backend {
            Backend::File(store) => store.data_path(keyset, name).ok(),
            Backend::Memory(_) => None,
        }
    }

    /// The lock file that serialises writers to a container, `None` for a memory store (or as
    /// [`container_path`](Self::container_path)).
    ///
    /// Other tools that must change a container file (a backup restore, say) can hold it with
    /// [`std::fs::File::lock`] while they work; this crate's writers wait for them.
    #[must_use]
    pub fn lock_path(&self, keyset: KeySet, name: &str) -> Option<PathBuf> {
        match &*self.backend {
            Backend::File(store) => store.lock_path(keyset, name).ok(),
            Backend::Memory(_) => None,
        }
    }

    /// The names of the containers in a key set, sorted (`PP_ENUMCONTAINERS`).
    ///
    /// Container files that cannot be read are left out; opening one by name reports why.
    ///
    /// # Errors
    ///
    /// `ERROR_ACCESS_DENIED` or `NTE_FAIL` when the key set directory cannot be read.
    #[doc(alias = "PP_ENUMCONTAINERS", alias = "CryptGetProvParam")]
    pub fn containers(&self, keyset: KeySet) -> Result<Vec<String>> {
        match &*self.backend {
            Backend::File(store) => store.list(keyset),
            Backend::Memory(mem) => {
                let state = mem.lock();
                let mut names: Vec<String> = state
                    .containers
                    .keys()
                    .filter(|(set, _)| *set == keyset)
                    .map(|(_, name)| name.clone())
                    .collect();
                names.sort();
                Ok(names)
            }
        }
    }

    fn with_backend(backend: Backend) -> Self {
        KeyStore {
            backend: Arc::new(backend),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        }
    }

    /// Creates an empty container. `NTE_EXISTS` if the name is taken (even by a corrupt file).
    pub(crate) fn create(&self, keyset: KeySet, name: &str) -> Result<Record> {
        let record = Record::new(name)?;
        match &*self.backend {
            Backend::File(store) => {
                // An existing name is refused without waiting for (or creating) a lock; the
                // check is repeated under the lock, which decides a race.
                if store.exists(keyset, name)? {
                    return Err(Error::Exists);
                }
                let held = store.lock(keyset, name, self.lock_timeout)?;
                let created = held.exists().and_then(|exists| {
                    if exists {
                        Err(Error::Exists)
                    } else {
                        held.store(&record)
                    }
                });
                if let Err(err) = created {
                    // A create that failed leaves no lock file behind either.
                    held.abandon();
                    return Err(err);
                }
            }
            Backend::Memory(mem) => {
                let mut state = mem.lock();
                let key = (keyset, name.to_owned());
                if state.containers.contains_key(&key) {
                    return Err(Error::Exists);
                }
                state
                    .containers
                    .insert(key, (record.clone(), default_access()));
            }
        }
        Ok(record)
    }

    /// Reads a container. `NTE_BAD_KEYSET` if absent, `NTE_KEYSET_ENTRY_BAD` if corrupt.
    pub(crate) fn load(&self, keyset: KeySet, name: &str) -> Result<Record> {
        let record = match &*self.backend {
            Backend::File(store) => store.load(keyset, name)?,
            Backend::Memory(mem) => mem
                .lock()
                .containers
                .get(&(keyset, name.to_owned()))
                .map(|(record, _)| record.clone()),
        };
        record.ok_or(Error::BadKeyset)
    }

    /// Changes the container instance `id` under its lock. `NTE_BAD_KEYSET` if it was deleted
    /// (or deleted and re-created) since the caller opened it: a deleted container stays deleted.
    pub(crate) fn update(
        &self,
        keyset: KeySet,
        name: &str,
        id: [u8; 16],
        change: impl FnOnce(&mut Record),
    ) -> Result<()> {
        match &*self.backend {
            Backend::File(store) => {
                // A deleted container gets no lock file back (nor its directories).
                if !store.exists(keyset, name)? {
                    return Err(Error::BadKeyset);
                }
                let held = store.lock(keyset, name, self.lock_timeout)?;
                let Some(mut record) = held.load(name)? else {
                    // Deleted between the check and the lock: leave no lock file behind.
                    held.remove()?;
                    return Err(Error::BadKeyset);
                };
                if record.id != id {
                    return Err(Error::BadKeyset);
                }
                change(&mut record);
                held.store(&record)
            }
            Backend::Memory(mem) => {
                let mut state = mem.lock();
                match state.containers.get_mut(&(keyset, name.to_owned())) {
                    Some((record, _)) if record.id == id => {
                        change(record);
                        Ok(())
                    }
                    _ => Err(Error::BadKeyset),
                }
            }
        }
    }

    /// Deletes a container. `NTE_BAD_KEYSET` if absent.
    pub(crate) fn remove(&self, keyset: KeySet, name: &str) -> Result<()> {
        let removed = match &*self.backend {
            Backend::File(store) => {
                // A missing container is refused without creating a lock file (or directories).
                if !store.exists(keyset, name)? {
                    return Err(Error::BadKeyset);
                }
                store.lock(keyset, name, self.lock_timeout)?.remove()?
            }
            Backend::Memory(mem) => mem
                .lock()
                .containers
                .remove(&(keyset, name.to_owned()))
                .is_some(),
        };
        if removed {
            Ok(())
        } else {
            Err(Error::BadKeyset)
        }
    }

    /// The store's stand-in for Windows' `MachineGuid`.
    pub(crate) fn machine_guid(&self) -> Result<String> {
        match &*self.backend {
            Backend::File(store) => store.machine_guid(),
            Backend::Memory(mem) => Ok(mem.guid.clone()),
        }
    }
}

/// For the provider registry (`CryptSetProviderEx`, `CryptGetDefaultProvider`) and
/// `PP_KEYSET_SEC_DESCR`.
impl KeyStore {
    /// The default providers saved in a key set (`CryptSetProviderEx`'s registry values):
    /// provider type and provider name, sorted by type; empty when none are saved.
    ///
    /// A file store keeps them in the key set directory's `defaults` file (see `defaults` for
    /// the format), a memory store in memory.
    ///
    /// # Errors
    ///
    /// `NTE_PROV_TYPE_ENTRY_BAD` when the defaults file is damaged (it is left as it is, and
    /// [`set_provider_default`](Self::set_provider_default) refuses to write over it);
    /// `ERROR_ACCESS_DENIED` or `NTE_FAIL` when it or its directories cannot be read (see
    /// [Failures](self#failures)).
    pub(crate) fn provider_defaults(&self, keyset: KeySet) -> Result<Vec<(u32, String)>> {
        let saved = match &*self.backend {
            Backend::File(store) => store.defaults(keyset)?,
            Backend::Memory(mem) => mem
                .lock()
                .defaults
                .get(&keyset)
                .map(|(_, saved)| saved.clone())
                .unwrap_or_default(),
        };
        Ok(saved.into_iter().collect())
    }

    /// Saves (`Some`) or removes (`None`) the default provider of `prov_type` in a key set.
    ///
    /// A file store reads, changes and writes back the key set's `defaults` file under its lock
    /// file (`defaults.lock`, waiting at most the [lock timeout](Self::with_lock_timeout)), with
    /// the same atomic write as a container's (temporary file, fsync, rename, fsync of the
    /// directory) and the same ownership and mode checks. Removing an entry that is not saved
    /// changes nothing and creates nothing; the name may be empty.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_PROV_TYPE`: `prov_type` is outside 1..=999.
    /// * `ERROR_INVALID_PARAMETER`: the name is longer than 255 characters or holds a NUL.
    /// * `NTE_PROV_TYPE_ENTRY_BAD`: the defaults file is damaged; it is not overwritten.
    /// * `ERROR_BUSY`: another writer holds the lock for longer than the lock timeout.
    /// * `ERROR_ACCESS_DENIED`, `NTE_FAIL`: the file system failed (see
    ///   [Failures](self#failures)); the saved defaults are as they were.
    pub(crate) fn set_provider_default(
        &self,
        keyset: KeySet,
        prov_type: u32,
        name: Option<&str>,
    ) -> Result<()> {
        defaults::validate(prov_type, name)?;
        match &*self.backend {
            Backend::File(store) => store.set_default(keyset, prov_type, name, self.lock_timeout),
            Backend::Memory(mem) => {
                let mut state = mem.lock();
                let state = &mut *state;
                if name.is_none() && !state.defaults.contains_key(&keyset) {
                    return Ok(());
                }
                let (version, saved) = state.defaults.entry(keyset).or_default();
                let changed = match name {
                    Some(name) => saved.insert(prov_type, name.to_owned()).as_deref() != Some(name),
                    None => saved.remove(&prov_type).is_some(),
                };
                if changed {
                    state.versions += 1;
                    *version = state.versions;
                }
                Ok(())
            }
        }
    }

    /// A cheap identity of a key set's saved defaults, to tell whether
    /// [`provider_defaults`](Self::provider_defaults) would now give something else without
    /// reading them: `None` while nothing was ever saved, and a stamp that changes with every
    /// write. For a file store, the defaults file's device, inode, size and times (one
    /// `fstatat` after the directories are opened, no read).
    ///
    /// # Errors
    ///
    /// `ERROR_ACCESS_DENIED` when the defaults file is not a regular file or a directory is
    /// refused, `NTE_FAIL` when the file system fails.
    pub(crate) fn defaults_stamp(&self, keyset: KeySet) -> Result<Option<DefaultsStamp>> {
        match &*self.backend {
            Backend::File(store) => store.defaults_stamp(keyset),
            Backend::Memory(mem) => Ok(mem
                .lock()
                .defaults
                .get(&keyset)
                .map(|(version, _)| FileStamp::generation(*version))),
        }
    }

    /// The owner, group and permission bits of a container's file (`PP_KEYSET_SEC_DESCR`).
    ///
    /// On Unix, the file's `st_uid`, `st_gid` and `st_mode & 0o7777`; elsewhere uid and gid 0
    /// and mode 0o600 (0o400 for a read-only file), since the files carry Windows ACLs instead.
    /// A memory store reports what was last set, at first this process's effective user and
    /// group and 0o600.
    ///
    /// # Errors
    ///
    /// `NTE_BAD_KEYSET` when the container does not exist; `ERROR_ACCESS_DENIED` or `NTE_FAIL`
    /// when the file system refuses or fails.
    pub(crate) fn container_access(&self, keyset: KeySet, name: &str) -> Result<ContainerAccess> {
        let access = match &*self.backend {
            Backend::File(store) => store.access(keyset, name)?,
            Backend::Memory(mem) => mem
                .lock()
                .containers
                .get(&(keyset, name.to_owned()))
                .map(|(_, access)| *access),
        };
        access.ok_or(Error::BadKeyset)
    }

    /// Gives a container's file and its lock file the owner, group and permission bits of
    /// `access` (`fchown`, `fchmod`), under the container's lock. The container keeps them
    /// when it is written again: each new version gets the group and mode of the one it
    /// replaces.
    ///
    /// Only what the store itself accepts can be set: the owner must be this process's
    /// effective user and the mode 0o600 or 0o700, since the store refuses any file of another
    /// owner or with a group or other permission bit (see
    /// [Private keys on disk](self#private-keys-on-disk)), and needs to read and write its
    /// own. The group is free (it grants nothing without group bits), within what the system
    /// allows. Elsewhere than on Unix, uid and gid must be 0.
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: another owner, a gid of `u32::MAX`, or a mode the store
    ///   would refuse (checked first: nothing is changed).
    /// * `NTE_BAD_KEYSET`: the container does not exist.
    /// * `ERROR_ACCESS_DENIED`: the system refused the change (`EPERM`: a group the user is
    ///   not a member of), or another [Failure](self#failures) of that kind; the container's
    ///   file keeps its previous access.
    /// * `ERROR_CALL_NOT_IMPLEMENTED`: a gid other than 0, elsewhere than on Unix.
    /// * `ERROR_BUSY`, `NTE_FAIL`: as for any container write.
    pub(crate) fn set_container_access(
        &self,
        keyset: KeySet,
        name: &str,
        access: &ContainerAccess,
    ) -> Result<()> {
        check_access(access)?;
        match &*self.backend {
            Backend::File(store) => {
                // A missing container gets no lock file (nor directories).
                if !store.exists(keyset, name)? {
                    return Err(Error::BadKeyset);
                }
                let held = store.lock(keyset, name, self.lock_timeout)?;
                if held.set_access(access)? {
                    Ok(())
                } else {
                    // Deleted between the check and the lock: leave no lock file behind.
                    held.remove()?;
                    Err(Error::BadKeyset)
                }
            }
            Backend::Memory(mem) => match mem.lock().containers.get_mut(&(keyset, name.to_owned()))
            {
                Some((_, current)) => {
                    *current = *access;
                    Ok(())
                }
                None => Err(Error::BadKeyset),
            },
        }
    }
}

/// What a container gets when it is created: this process's effective user and group, 0o600.
fn default_access() -> FileAccess {
    let (uid, gid) = sys::effective_ids();
    FileAccess {
        uid,
        gid,
        mode: 0o600,
    }
}

/// Refuses an access the store would refuse to use (see
/// [`KeyStore::set_container_access`]).
fn check_access(access: &FileAccess) -> Result<()> {
    let (uid, _) = sys::effective_ids();
    let mode_ok = access.mode & !0o700 == 0 && access.mode & 0o600 == 0o600;
    if access.uid != uid || access.gid == u32::MAX || !mode_ok {
        return Err(Error::InvalidParameter);
    }
    if cfg!(not(unix)) && access.gid != 0 {
        return Err(Error::CallNotImplemented);
    }
    Ok(())
}

impl MemoryStore {
    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        // A panic while holding this lock cannot leave a half-written record: every change is a
        // single insert, remove or closure over one record or one map of defaults.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A random GUID in registry format (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
pub(crate) fn new_guid() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| Error::SysErr)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn default_root() -> Result<PathBuf> {
    let configured = DEFAULT_ROOT
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    resolve_root(configured, env_var)
}

/// The default store's root: `configured` (from [`KeyStore::set_default_root`]), else
/// `CRYPTOAPI_HOME`, else the platform's data directory, each variable read through `env`.
///
/// A variable that is set must name an absolute path: a relative one is `ERROR_ENVVAR_NOT_FOUND`,
/// not a fall-back to the next variable nor a root that moves with the working directory.
fn resolve_root(
    configured: Option<PathBuf>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<PathBuf> {
    if let Some(root) = configured {
        return Ok(root);
    }
    if let Some(root) = env(HOME_ENV) {
        return absolute(root);
    }
    platform_data_dir(&env).map(|dir| dir.join("cryptoapi"))
}

/// A variable's value as a path, if it is absolute; `ERROR_ENVVAR_NOT_FOUND` if not.
fn absolute(value: OsString) -> Result<PathBuf> {
    let path = PathBuf::from(value);
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(Error::EnvvarNotFound)
    }
}

/// An absolute path from a variable that must be set.
fn required_dir(env: &impl Fn(&str) -> Option<OsString>, var: &str) -> Result<PathBuf> {
    absolute(env(var).ok_or(Error::EnvvarNotFound)?)
}

#[cfg(windows)]
fn platform_data_dir(env: &impl Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    required_dir(env, "APPDATA")
}

#[cfg(target_os = "macos")]
fn platform_data_dir(env: &impl Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    Ok(required_dir(env, "HOME")?
        .join("Library")
        .join("Application Support"))
}

#[cfg(not(any(windows, target_os = "macos")))]
fn platform_data_dir(env: &impl Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    match env("XDG_DATA_HOME") {
        Some(data) => absolute(data),
        None => Ok(required_dir(env, "HOME")?.join(".local").join("share")),
    }
}

/// An environment variable this crate reads (`CRYPTOAPI_HOME`, `XDG_DATA_HOME`, `HOME`,
/// `APPDATA`, and `USER`/`USERNAME`/`LOGNAME` for the default container's name): `None` when it
/// is unset or empty, and always `None` in a privileged process, as glibc's `secure_getenv`
/// answers. Every lookup of these variables in the crate goes through here.
///
/// A process is privileged when it is setuid or setgid: its real user id differs from its
/// effective one, or its real group id from its effective one. That is how this crate
/// approximates the kernel's `AT_SECURE` flag, which `secure_getenv` reads, without libc
/// (`getauxval`): a program that gains privileges by file capabilities or a security module's
/// transition alone, with equal ids, is not detected.
pub(crate) fn env_var(name: &str) -> Option<OsString> {
    trusted_env_var(ProcessIds::current(), name, |var| std::env::var_os(var))
}

/// [`env_var`]'s decision, with the process's ids and the lookup as parameters.
fn trusted_env_var(
    ids: Option<ProcessIds>,
    name: &str,
    lookup: impl FnOnce(&str) -> Option<OsString>,
) -> Option<OsString> {
    if ids.is_some_and(ProcessIds::privileged) {
        return None;
    }
    lookup(name).filter(|value| !value.is_empty())
}

/// A process's real and effective user and group ids.
#[cfg_attr(not(unix), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ProcessIds {
    uid: u32,
    euid: u32,
    gid: u32,
    egid: u32,
}

impl ProcessIds {
    /// This process's ids.
    #[cfg(unix)]
    fn current() -> Option<Self> {
        use rustix::process::{getegid, geteuid, getgid, getuid};
        Some(ProcessIds {
            uid: getuid().as_raw(),
            euid: geteuid().as_raw(),
            gid: getgid().as_raw(),
            egid: getegid().as_raw(),
        })
    }

    /// None: Windows has no setuid or setgid programs.
    #[cfg(not(unix))]
    fn current() -> Option<Self> {
        None
    }

    /// Setuid or setgid: the real user (or group) differs from the effective one.
    fn privileged(self) -> bool {
        self.uid != self.euid || self.gid != self.egid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::format::Slot;
    use zeroize::Zeroizing;

    fn temp_root(tag: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "cryptoapi-unit-{tag}-{}-{}",
            std::process::id(),
            new_guid().unwrap()
        ))
    }

    fn slot(byte: u8) -> Slot {
        Slot {
            permissions: 0x3f,
            blob: Zeroizing::new(vec![byte; 4]),
        }
    }

    fn exercise(store: &KeyStore) {
        let rec = store.create(KeySet::User, "a").unwrap();
        assert!(matches!(
            store.create(KeySet::User, "a"),
            Err(Error::Exists)
        ));
        assert!(matches!(
            store.load(KeySet::Machine, "a"),
            Err(Error::BadKeyset)
        ));
        store
            .update(KeySet::User, "a", rec.id, |r| r.slots[0] = Some(slot(9)))
            .unwrap();
        assert_eq!(
            store.load(KeySet::User, "a").unwrap().slots[0],
            Some(slot(9))
        );
        store.create(KeySet::Machine, "b").unwrap();
        assert_eq!(store.containers(KeySet::User).unwrap(), ["a"]);
        assert_eq!(store.containers(KeySet::Machine).unwrap(), ["b"]);
        store.remove(KeySet::User, "a").unwrap();
        assert!(matches!(
            store.remove(KeySet::User, "a"),
            Err(Error::BadKeyset)
        ));
        // An update from a context that opened the deleted container must not resurrect it...
        assert!(matches!(
            store.update(KeySet::User, "a", rec.id, |_| {}),
            Err(Error::BadKeyset)
        ));
        assert!(matches!(
            store.load(KeySet::User, "a"),
            Err(Error::BadKeyset)
        ));
        // ...nor write into a new container that took its name.
        store.create(KeySet::User, "a").unwrap();
        assert!(matches!(
            store.update(KeySet::User, "a", rec.id, |_| {}),
            Err(Error::BadKeyset)
        ));
        assert_eq!(store.machine_guid().unwrap(), store.machine_guid().unwrap());
    }

    #[test]
    fn memory_store_semantics() {
        exercise(&KeyStore::in_memory().unwrap());
    }

    #[test]
    fn file_store_semantics() {
        let root = temp_root("sem");
        exercise(&KeyStore::at(&root));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn file_store_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let root = temp_root("perm");
        let store = KeyStore::at(&root);
        store.create(KeySet::User, "p").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root.join("user")), 0o700);
        assert_eq!(
            mode(&store.container_path(KeySet::User, "p").unwrap()),
            0o600
        );
        assert_eq!(mode(&store.lock_path(KeySet::User, "p").unwrap()), 0o600);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn corrupt_files_are_reported_and_never_overwritten() {
        let root = temp_root("corrupt");
        let store = KeyStore::at(&root);
        store.create(KeySet::User, "c").unwrap();
        let path = store.container_path(KeySet::User, "c").unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            store.load(KeySet::User, "c"),
            Err(Error::KeysetEntryBad)
        ));
        assert!(matches!(
            store.create(KeySet::User, "c"),
            Err(Error::Exists)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(store.containers(KeySet::User).unwrap().is_empty());
        store.remove(KeySet::User, "c").unwrap();
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_planted_under_another_name_is_refused() {
        let root = temp_root("plant");
        let store = KeyStore::at(&root);
        store.create(KeySet::User, "real").unwrap();
        let from = store.container_path(KeySet::User, "real").unwrap();
        let to = store.container_path(KeySet::User, "fake").unwrap();
        std::fs::copy(&from, &to).unwrap();
        assert!(matches!(
            store.load(KeySet::User, "fake"),
            Err(Error::KeysetEntryBad)
        ));
        assert_eq!(store.containers(KeySet::User).unwrap(), ["real"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_held_lock_gives_busy_after_the_bounded_wait() {
        let root = temp_root("busy");
        let store = KeyStore::at(&root).with_lock_timeout(Duration::from_millis(50));
        store.create(KeySet::User, "l").unwrap();
        let lock = std::fs::File::open(store.lock_path(KeySet::User, "l").unwrap()).unwrap();
        lock.lock().unwrap();
        let start = std::time::Instant::now();
        assert!(matches!(store.remove(KeySet::User, "l"), Err(Error::Busy)));
        assert!(start.elapsed() >= Duration::from_millis(50));
        // Readers never wait.
        store.load(KeySet::User, "l").unwrap();
        drop(lock);
        store.remove(KeySet::User, "l").unwrap();
        std::fs::remove_dir_all(&root).unwrap();
    }

    const CHILD_ROOT: &str = "CRYPTOAPI_UNIT_CHILD_ROOT";

    /// Another process sees a slot written here at once, and its own write is seen here.
    #[test]
    fn slot_changes_cross_processes() {
        let root = temp_root("xproc");
        let store = KeyStore::at(&root);
        let rec = store.create(KeySet::User, "shared").unwrap();
        store
            .update(KeySet::User, "shared", rec.id, |r| {
                r.slots[0] = Some(slot(1))
            })
            .unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store::tests::child_updates_slots",
                "--ignored",
                "--test-threads=1",
            ])
            .env(CHILD_ROOT, &root)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "child failed: {stdout}"
        );
        let after = store.load(KeySet::User, "shared").unwrap();
        assert_eq!(after.slots, [Some(slot(1)), Some(slot(2))]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    #[ignore = "child process of slot_changes_cross_processes"]
    fn child_updates_slots() {
        let Some(root) = std::env::var_os(CHILD_ROOT) else {
            return;
        };
        let store = KeyStore::at(PathBuf::from(root));
        let rec = store.load(KeySet::User, "shared").unwrap();
        assert_eq!(rec.slots[0], Some(slot(1)));
        store
            .update(KeySet::User, "shared", rec.id, |r| {
                r.slots[1] = Some(slot(2))
            })
            .unwrap();
    }

    /// An environment of `(name, value)` pairs.
    fn env_of<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    const ORDINARY: ProcessIds = ProcessIds {
        uid: 1000,
        euid: 1000,
        gid: 1000,
        egid: 1000,
    };

    #[test]
    fn a_privileged_process_reads_no_environment() {
        let env = env_of(&[("CRYPTOAPI_HOME", "/srv/keys"), ("USER", "")]);
        let read = |ids| trusted_env_var(ids, HOME_ENV, &env);
        assert_eq!(read(Some(ORDINARY)), Some("/srv/keys".into()));
        assert_eq!(read(None), Some("/srv/keys".into()));
        assert_eq!(
            read(Some(ProcessIds {
                uid: 0,
                euid: 0,
                ..ORDINARY
            })),
            Some("/srv/keys".into())
        );
        // setuid (either way round), setgid.
        for ids in [
            ProcessIds {
                euid: 0,
                ..ORDINARY
            },
            ProcessIds { uid: 0, ..ORDINARY },
            ProcessIds {
                egid: 5,
                ..ORDINARY
            },
            ProcessIds { gid: 5, ..ORDINARY },
        ] {
            assert!(ids.privileged());
            assert_eq!(read(Some(ids)), None, "{ids:?}");
        }
        // Empty is unset.
        assert_eq!(trusted_env_var(Some(ORDINARY), "USER", &env), None);
        assert_eq!(trusted_env_var(Some(ORDINARY), "HOME", &env), None);
    }

    /// An absolute path on this platform.
    const ABS: &str = if cfg!(windows) { r"C:\keys" } else { "/keys" };

    #[test]
    fn the_root_comes_from_the_configured_path_then_cryptoapi_home() {
        let configured = PathBuf::from("relative/is/the/caller's/choice");
        let env = env_of(&[(HOME_ENV, "relative")]);
        assert_eq!(
            resolve_root(Some(configured.clone()), &env).unwrap(),
            configured
        );
        let env = env_of(&[(HOME_ENV, ABS), ("HOME", "/home/u"), ("APPDATA", r"C:\a")]);
        assert_eq!(resolve_root(None, &env).unwrap(), PathBuf::from(ABS));
        // Nothing set: no root.
        assert!(matches!(
            resolve_root(None, env_of(&[])),
            Err(Error::EnvvarNotFound)
        ));
    }

    #[test]
    fn a_relative_root_variable_is_refused() {
        for value in ["keys", "./keys", "../keys", "."] {
            // Even with a usable platform directory behind it: no silent fall-back.
            let vars = [(HOME_ENV, value), ("HOME", ABS), ("APPDATA", ABS)];
            let env = env_of(&vars);
            assert!(
                matches!(resolve_root(None, &env), Err(Error::EnvvarNotFound)),
                "{value}"
            );
        }
    }

    #[cfg(not(any(windows, target_os = "macos")))]
    #[test]
    fn the_xdg_and_home_roots_must_be_absolute() {
        let root = |vars: &[(&str, &str)]| resolve_root(None, env_of(vars));
        assert_eq!(
            root(&[("XDG_DATA_HOME", "/data"), ("HOME", "/home/u")]).unwrap(),
            PathBuf::from("/data/cryptoapi")
        );
        assert_eq!(
            root(&[("HOME", "/home/u")]).unwrap(),
            PathBuf::from("/home/u/.local/share/cryptoapi")
        );
        for vars in [
            &[("XDG_DATA_HOME", "data"), ("HOME", "/home/u")][..],
            &[("HOME", "home/u")][..],
            &[("HOME", "~")][..],
        ] {
            assert!(matches!(root(vars), Err(Error::EnvvarNotFound)), "{vars:?}");
        }
    }

    #[cfg(target_os = "macos")]
    #[test]
    fn the_home_root_must_be_absolute() {
        let root = |vars: &[(&str, &str)]| resolve_root(None, env_of(vars));
        assert_eq!(
            root(&[("HOME", "/Users/u")]).unwrap(),
            PathBuf::from("/Users/u/Library/Application Support/cryptoapi")
        );
        assert!(matches!(root(&[("HOME", "u")]), Err(Error::EnvvarNotFound)));
    }

    #[cfg(windows)]
    #[test]
    fn the_appdata_root_must_be_absolute() {
        let root = |vars: &[(&str, &str)]| resolve_root(None, env_of(vars));
        assert_eq!(
            root(&[("APPDATA", r"C:\a")]).unwrap(),
            PathBuf::from(r"C:\a\cryptoapi")
        );
        assert!(matches!(
            root(&[("APPDATA", "a")]),
            Err(Error::EnvvarNotFound)
        ));
    }

    /// A privileged process with every variable set has no default root of its own.
    #[test]
    fn a_privileged_process_has_only_the_configured_root() {
        let vars = [
            (HOME_ENV, ABS),
            ("XDG_DATA_HOME", ABS),
            ("HOME", ABS),
            ("APPDATA", ABS),
        ];
        let setuid = ProcessIds {
            euid: 0,
            ..ORDINARY
        };
        let env = |name: &str| trusted_env_var(Some(setuid), name, env_of(&vars));
        assert!(matches!(
            resolve_root(None, env),
            Err(Error::EnvvarNotFound)
        ));
        let configured = PathBuf::from(ABS);
        assert_eq!(
            resolve_root(Some(configured.clone()), env).unwrap(),
            configured
        );
    }

    #[test]
    fn guids_are_well_formed_and_random() {
        let a = new_guid().unwrap();
        assert_eq!(a.len(), 36);
        assert_ne!(a, new_guid().unwrap());
    }

    #[test]
    fn the_file_guid_persists() {
        let root = temp_root("guid");
        let first = KeyStore::at(&root).machine_guid().unwrap();
        assert_eq!(KeyStore::at(&root).machine_guid().unwrap(), first);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
