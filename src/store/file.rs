//! The on-disk key store: one file per container, atomic replacement, cross-process locks.
//!
//! Layout under the root:
//!
//! ```text
//! <root>/machine-guid            the store's stand-in for Windows' MachineGuid
//! <root>/name-key                the store's secret for container file names (32 random bytes)
//! <root>/user/<id>.ctr            a user key set container (see `format`)
//! <root>/user/<id>.lock           its writers' lock file (empty; removed by a delete)
//! <root>/user/.<id>.tmp           the next version of the container while it is being written
//! <root>/user/defaults            the user's default providers by type (see `defaults`)
//! <root>/user/defaults.lock       its writers' lock file
//! <root>/user/.defaults.tmp       its next version while it is being written
//! <root>/machine/...              the CRYPT_MACHINE_KEYSET namespace, same layout
//! ```
//!
//! `<id>` is the lowercase hex HMAC-SHA-256 of the container name's UTF-8 bytes under the
//! store's `name-key`, so any name maps to one fixed-length file name inside the key set
//! directory (`..`, separators, NUL, device names and case-folding file systems cannot change
//! where it lands), and a name cannot be recovered from a file name, even a deleted one's, by
//! trying a dictionary. The real name is kept inside the file.
//!
//! Every operation opens the root and the key set directory once, checks the open handles, and
//! opens its files relative to them without following links (see `sys`): what it checked is
//! what it uses, whatever happens to the paths meanwhile. It does so through the store's
//! [`StoreIo`] (the operating system's, [`OsStoreIo`], unless the store was built with
//! another), and every `io::Error` becomes the store's error in one place (`store_error`).
//!
//! Readers never lock: a container file is only ever replaced whole, by rename, so a reader sees
//! the old file or the new one. Writers (create, update, delete) hold the container's lock file
//! with [`std::fs::File::try_lock`] for the few system calls they need, waiting at most the
//! store's lock timeout before giving up with `ERROR_BUSY`.
//!
//! Because writers hold the lock, one temporary file name per container is enough. A writer
//! killed between creating it and renaming it leaves it behind, holding the container's keys:
//! the next write replaces it and a delete removes it, so it never accumulates and never
//! outlives the container.
//!
//! A delete removes the lock file too, while holding it (on Unix; elsewhere an open file cannot
//! be removed, and the empty lock file stays). That is safe with the classic check: a writer
//! that has taken the lock compares the file it holds with the one now at the lock path (device
//! and inode), and when a delete has removed or replaced it meanwhile, it lets go and starts
//! again on the new file, within the same deadline. So two writers can never both hold "the"
//! lock of one container.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::KeySet;
use super::defaults::{self, Defaults};
use super::format::{self, Record};
use super::io::{FileAccess, FileRead as Read, FileStamp, OsStoreIo, StoreDir, StoreIo, StoreLock};
use super::sys::{effective_ids, refused};
use crate::error::{Error, Result};

const DATA_EXT: &str = "ctr";
const LOCK_EXT: &str = "lock";
const GUID_FILE: &str = "machine-guid";
const NAME_KEY_FILE: &str = "name-key";
const NAME_KEY_LEN: usize = 32;
const DEFAULTS_FILE: &str = "defaults";
const DEFAULTS_LOCK: &str = "defaults.lock";
const DEFAULTS_TMP: &str = ".defaults.tmp";
/// The largest file the store reads: above the largest valid container (a 260-character name
/// and two 64 KiB slots, about 132 KB). Anything larger is refused unread.
const MAX_FILE_LEN: usize = 160 * 1024;
/// The permission bits a container may keep across a rewrite: the owner's.
const OWNER_BITS: u32 = 0o700;

pub(crate) struct FileStore {
    root: PathBuf,
    io: Io,
}

/// The file operations a file store calls: the operating system's, or a caller's.
pub(crate) enum Io {
    Os,
    Custom(Arc<dyn StoreIo>),
}

impl Io {
    fn get(&self) -> &dyn StoreIo {
        match self {
            Io::Os => &OsStoreIo,
            Io::Custom(io) => &**io,
        }
    }
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// The store's error for a failed file operation: `ERROR_ACCESS_DENIED` for a permission
/// problem or a read-only file system (wrapped, so that its code says so), `NTE_FAIL` for
/// anything else, a full disk included (see [`StoreIo`]'s error table).
pub(crate) fn store_error(err: io::Error) -> Error {
    match err.kind() {
        io::ErrorKind::ReadOnlyFilesystem => {
            Error::Io(io::Error::new(io::ErrorKind::PermissionDenied, err))
        }
        _ => Error::Io(err),
    }
}

/// An open directory of the store with the backend that opened it: every operation on it goes
/// through the backend, and every failure comes back as the store's error.
struct Dir<'a> {
    io: &'a dyn StoreIo,
    dir: StoreDir,
}

impl<'a> Dir<'a> {
    fn open_root(io: &'a dyn StoreIo, root: &Path, create: bool) -> Result<Option<Self>> {
        let dir = io.open_root(root, create).map_err(store_error)?;
        Ok(dir.map(|dir| Dir { io, dir }))
    }

    fn open_subdir(&self, name: &str, create: bool) -> Result<Option<Dir<'a>>> {
        let dir = self
            .io
            .open_subdir(&self.dir, name, create)
            .map_err(store_error)?;
        Ok(dir.map(|dir| Dir { io: self.io, dir }))
    }

    fn child(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read_file(&self, name: &str, max: usize) -> Result<Read> {
        self.io.read_file(&self.dir, name, max).map_err(store_error)
    }

    fn exists(&self, name: &str) -> Result<bool> {
        self.io.exists(&self.dir, name).map_err(store_error)
    }

    fn stamp(&self, name: &str) -> Result<Option<FileStamp>> {
        self.io.stamp(&self.dir, name).map_err(store_error)
    }

    fn access(&self, name: &str) -> Result<Option<FileAccess>> {
        self.io.access(&self.dir, name).map_err(store_error)
    }

    fn entries(&self) -> Result<Vec<String>> {
        self.io.entries(&self.dir).map_err(store_error)
    }

    fn write_new(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.io
            .write_new(&self.dir, name, bytes)
            .map_err(store_error)
    }

    fn set_access(&self, name: &str, access: &FileAccess) -> Result<bool> {
        self.io
            .set_access(&self.dir, name, access)
            .map_err(store_error)
    }

    fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.io.rename(&self.dir, from, to).map_err(store_error)
    }

    fn link_new(&self, from: &str, to: &str) -> Result<bool> {
        self.io.link_new(&self.dir, from, to).map_err(store_error)
    }

    fn remove(&self, name: &str) -> Result<bool> {
        self.io.remove(&self.dir, name).map_err(store_error)
    }

    fn sync(&self) -> Result<()> {
        self.io.sync_dir(&self.dir).map_err(store_error)
    }

    /// Takes the lock file `name`'s lock, waiting at most `timeout`.
    ///
    /// A delete may remove the lock file between our open and our lock: then we would hold a
    /// lock nobody else will ever look at, so we start again on the file now at the path.
    fn lock(&self, name: &str, timeout: Duration) -> Result<StoreLock> {
        // A timeout too large to add to the clock (Duration::MAX) means "wait as long as it takes".
        let deadline = Instant::now().checked_add(timeout);
        let mut pause = Duration::from_millis(1);
        loop {
            let lock = self.io.open_lock(&self.dir, name).map_err(store_error)?;
            while !self.io.try_lock(&lock).map_err(store_error)? {
                let now = Instant::now();
                let left = match deadline {
                    Some(deadline) if now >= deadline => return Err(Error::Busy),
                    Some(deadline) => deadline - now,
                    None => pause,
                };
                std::thread::sleep(pause.min(left));
                pause = (pause * 2).min(Duration::from_millis(25));
            }
            if self
                .io
                .lock_still_at(&self.dir, &lock, name)
                .map_err(store_error)?
            {
                return Ok(lock);
            }
        }
    }

    /// Replaces (or creates) `file` with `bytes` atomically: the fixed temporary name `tmp`
    /// (its writers hold a lock), written and synced, renamed over `file`, and the directory
    /// synced. With `keep_access`, the new version gets the group and owner permission bits of
    /// the one it replaces (set with [`KeyStore::set_container_access`](super::KeyStore)).
    ///
    /// A failure before the rename leaves `file` as it was and removes the temporary file
    /// (unless removing it fails too: the next replace removes it first). A failure of the
    /// directory sync comes after the rename: the new version is in place, its durability
    /// unconfirmed.
    fn replace(&self, file: &str, tmp: &str, bytes: &[u8], keep_access: bool) -> Result<()> {
        // Removed rather than truncated (a dead writer's file, or anything planted there), so
        // that the new file is created afresh, owner-only, and never through a link.
        self.remove(tmp)?;
        let previous = if keep_access {
            self.access(file)?
        } else {
            None
        };
        let written = self.write_new(tmp, bytes).and_then(|()| match previous {
            Some(previous) => {
                let (uid, _) = effective_ids();
                let access = FileAccess {
                    uid,
                    gid: previous.gid,
                    mode: previous.mode & OWNER_BITS,
                };
                self.set_access(tmp, &access).map(drop)
            }
            None => Ok(()),
        });
        if let Err(err) = written.and_then(|()| self.rename(tmp, file)) {
            let _ = self.remove(tmp);
            return Err(err);
        }
        self.sync()
    }
}

/// A held container lock, with the key set directory it was taken in: the writer's every
/// step uses that directory. Dropping it closes the file, which releases the lock.
pub(crate) struct Locked<'a> {
    dir: Dir<'a>,
    stem: String,
    _lock: StoreLock,
}

impl FileStore {
    pub(crate) fn new(root: PathBuf, io: Io) -> Self {
        FileStore { root, io }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this store calls a caller's [`StoreIo`].
    pub(crate) fn has_custom_io(&self) -> bool {
        matches!(self.io, Io::Custom(_))
    }

    fn open_root(&self, create: bool) -> Result<Option<Dir<'_>>> {
        Dir::open_root(self.io.get(), &self.root, create)
    }

    /// The container file's path (creating the store's name key if there is none yet).
    pub(crate) fn data_path(&self, keyset: KeySet, name: &str) -> Result<PathBuf> {
        let stem = self.stem(name, true)?.ok_or(Error::Fail)?;
        Ok(self.keyset_path(keyset).join(data_name(&stem)))
    }

    /// The container's lock file's path (creating the store's name key if there is none yet).
    pub(crate) fn lock_path(&self, keyset: KeySet, name: &str) -> Result<PathBuf> {
        let stem = self.stem(name, true)?.ok_or(Error::Fail)?;
        Ok(self.keyset_path(keyset).join(lock_name(&stem)))
    }

    fn keyset_path(&self, keyset: KeySet) -> PathBuf {
        self.root.join(keyset.dir_name())
    }

    /// The root and the key set directory, checked; `None` when they do not exist and
    /// `create` is false.
    fn open(&self, keyset: KeySet, create: bool) -> Result<Option<(Dir<'_>, Dir<'_>)>> {
        let Some(root) = self.open_root(create)? else {
            return Ok(None);
        };
        let Some(dir) = root.open_subdir(keyset.dir_name(), create)? else {
            return Ok(None);
        };
        Ok(Some((root, dir)))
    }

    /// The key set directory and the name key of a store that has them; `None` when either is
    /// missing (then the key set has no containers).
    fn open_existing(&self, keyset: KeySet) -> Result<Option<(Dir<'_>, Zeroizing<Vec<u8>>)>> {
        let Some((root, dir)) = self.open(keyset, false)? else {
            return Ok(None);
        };
        Ok(name_key(&root, false)?.map(|key| (dir, key)))
    }

    /// The file stem for a container name; `None` when the store has no name key and
    /// `create` is false (then it has no containers either).
    fn stem(&self, name: &str, create: bool) -> Result<Option<String>> {
        let Some(root) = self.open_root(create)? else {
            return Ok(None);
        };
        Ok(name_key(&root, create)?.map(|key| file_stem(&key, name)))
    }

    /// Takes the container's writer lock, waiting at most `timeout`. Creates the store's
    /// directories and name key when missing.
    pub(crate) fn lock(&self, keyset: KeySet, name: &str, timeout: Duration) -> Result<Locked<'_>> {
        let (root, dir) = self.open(keyset, true)?.ok_or(Error::Fail)?;
        let stem = file_stem(&name_key(&root, true)?.ok_or(Error::Fail)?, name);
        let lock = dir.lock(&lock_name(&stem), timeout)?;
        Ok(Locked {
            dir,
            stem,
            _lock: lock,
        })
    }

    /// Reads and decodes a container; `None` when it does not exist.
    pub(crate) fn load(&self, keyset: KeySet, name: &str) -> Result<Option<Record>> {
        let Some((dir, key)) = self.open_existing(keyset)? else {
            return Ok(None);
        };
        read_record(&dir, &file_stem(&key, name), name)
    }

    /// Whether a container file exists (corrupt or not), without taking the lock.
    pub(crate) fn exists(&self, keyset: KeySet, name: &str) -> Result<bool> {
        let Some((dir, key)) = self.open_existing(keyset)? else {
            return Ok(false);
        };
        dir.exists(&data_name(&file_stem(&key, name)))
    }

    /// The owner, group and permission bits of a container's file; `None` when it does not
    /// exist.
    pub(crate) fn access(&self, keyset: KeySet, name: &str) -> Result<Option<FileAccess>> {
        let Some((dir, key)) = self.open_existing(keyset)? else {
            return Ok(None);
        };
        dir.access(&data_name(&file_stem(&key, name)))
    }

    /// The names of the readable containers of a key set, sorted. Files the store cannot or
    /// will not read (corrupt, planted, not regular files) are skipped; opening them by name
    /// reports why.
    pub(crate) fn list(&self, keyset: KeySet) -> Result<Vec<String>> {
        let Some((dir, key)) = self.open_existing(keyset)? else {
            return Ok(Vec::new());
        };
        let mut names = Vec::new();
        for entry in dir.entries()? {
            let Some(stem) = entry
                .strip_suffix(DATA_EXT)
                .and_then(|s| s.strip_suffix('.'))
                .filter(|s| is_stem(s))
            else {
                continue;
            };
            let Ok(Read::Bytes(bytes)) = dir.read_file(&entry, MAX_FILE_LEN) else {
                continue;
            };
            let Ok(record) = format::decode(&bytes) else {
                continue;
            };
            if file_stem(&key, &record.name) == stem {
                names.push(record.name.clone());
            }
        }
        names.sort();
        Ok(names)
    }

    /// The store's machine GUID, created once (race-free across processes) on first use.
    pub(crate) fn machine_guid(&self) -> Result<String> {
        let root = self.open_root(true)?.ok_or(Error::Fail)?;
        let bytes = read_or_create(&root, GUID_FILE, || Ok(super::new_guid()?.into_bytes()))?;
        parse_guid(&bytes)
    }

    /// The saved provider defaults of a key set; empty when it has none.
    pub(crate) fn defaults(&self, keyset: KeySet) -> Result<Defaults> {
        let Some((_root, dir)) = self.open(keyset, false)? else {
            return Ok(Defaults::new());
        };
        read_defaults(&dir)
    }

    /// The identity of a key set's defaults file (one `fstatat` once the directories are
    /// open, no read); `None` when there is none.
    pub(crate) fn defaults_stamp(&self, keyset: KeySet) -> Result<Option<FileStamp>> {
        let Some((_root, dir)) = self.open(keyset, false)? else {
            return Ok(None);
        };
        dir.stamp(DEFAULTS_FILE)
    }

    /// Sets (`Some`) or removes (`None`) the default provider of `prov_type` in a key set:
    /// read, changed and written back atomically under the defaults' lock file. Removing what
    /// is not there creates nothing.
    pub(crate) fn set_default(
        &self,
        keyset: KeySet,
        prov_type: u32,
        name: Option<&str>,
        timeout: Duration,
    ) -> Result<()> {
        if name.is_none() {
            let Some((_root, dir)) = self.open(keyset, false)? else {
                return Ok(());
            };
            if !dir.exists(DEFAULTS_FILE)? {
                return Ok(());
            }
        }
        let (_root, dir) = self.open(keyset, true)?.ok_or(Error::Fail)?;
        let _lock = dir.lock(DEFAULTS_LOCK, timeout)?;
        let mut saved = read_defaults(&dir)?;
        let changed = match name {
            Some(name) => saved.insert(prov_type, name.to_owned()).as_deref() != Some(name),
            None => saved.remove(&prov_type).is_some(),
        };
        if !changed {
            return Ok(());
        }
        dir.replace(
            DEFAULTS_FILE,
            DEFAULTS_TMP,
            &defaults::encode(&saved),
            false,
        )
    }
}

impl Locked<'_> {
    /// Whether the container file exists (corrupt or not).
    pub(crate) fn exists(&self) -> Result<bool> {
        self.dir.exists(&data_name(&self.stem))
    }

    /// Reads and decodes the container; `None` when it does not exist.
    pub(crate) fn load(&self, name: &str) -> Result<Option<Record>> {
        read_record(&self.dir, &self.stem, name)
    }

    /// Writes the container atomically: temporary file, fsync, rename, fsync of the directory.
    /// The new file keeps the group and owner permission bits of the file it replaces.
    pub(crate) fn store(&self, record: &Record) -> Result<()> {
        let bytes = format::encode(record);
        let (file, tmp) = (data_name(&self.stem), temp_name(&self.stem));
        self.dir.replace(&file, &tmp, &bytes, true)
    }

    /// After a create failed: removes the lock file it made, unless a container file exists
    /// (a failure after the rename). Only where a locked file can be removed (Unix); nothing
    /// is reported, the create's own error is.
    pub(crate) fn abandon(&self) {
        if cfg!(unix) && matches!(self.exists(), Ok(false)) {
            let _ = self.dir.remove(&lock_name(&self.stem));
        }
    }

    /// Gives the container file and its lock file `access`; `false` when there is no
    /// container. When the lock file cannot be changed, the container file gets its previous
    /// access back (as far as that succeeds) and the error is returned.
    pub(crate) fn set_access(&self, access: &FileAccess) -> Result<bool> {
        let file = data_name(&self.stem);
        let Some(previous) = self.dir.access(&file)? else {
            return Ok(false);
        };
        if !self.dir.set_access(&file, access)? {
            return Ok(false);
        }
        if let Err(err) = self.dir.set_access(&lock_name(&self.stem), access) {
            let _ = self.dir.set_access(&file, &previous);
            return Err(err);
        }
        Ok(true)
    }

    /// Removes the container file, a dead writer's temporary file, and then the lock file;
    /// `false` when there was no container.
    pub(crate) fn remove(&self) -> Result<bool> {
        // A dead writer's temporary file holds the container's keys too.
        let stale = self.dir.remove(&temp_name(&self.stem))?;
        let removed = self.dir.remove(&data_name(&self.stem))?;
        // Only where a locked file can be removed (Unix); lock files are empty, nothing leaks.
        let unlocked = cfg!(unix) && self.dir.remove(&lock_name(&self.stem))?;
        if removed || stale || unlocked {
            self.dir.sync()?;
        }
        Ok(removed)
    }
}

/// A key set's saved defaults; empty when it has no defaults file.
fn read_defaults(dir: &Dir<'_>) -> Result<Defaults> {
    match dir.read_file(DEFAULTS_FILE, defaults::MAX_FILE_LEN)? {
        Read::Missing => Ok(Defaults::new()),
        Read::TooLarge => Err(Error::ProvTypeEntryBad),
        Read::Bytes(bytes) => defaults::decode(&bytes),
    }
}

/// Reads the container file `stem` in `dir` and checks that it is `name`'s.
fn read_record(dir: &Dir<'_>, stem: &str, name: &str) -> Result<Option<Record>> {
    let file = data_name(stem);
    let bytes = match dir.read_file(&file, MAX_FILE_LEN)? {
        Read::Missing => return Ok(None),
        Read::TooLarge => return Err(Error::KeysetEntryBad),
        Read::Bytes(bytes) => bytes,
    };
    let record = format::decode(&bytes)?;
    // A file whose inner name does not hash to its file name was moved or planted: refuse it.
    if record.name != name {
        return Err(Error::KeysetEntryBad);
    }
    Ok(Some(record))
}

/// The store's name key: read, or (with `create`) made once, race-free across processes.
fn name_key(root: &Dir<'_>, create: bool) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let bytes = if create {
        read_or_create(root, NAME_KEY_FILE, || {
            let mut key = vec![0u8; NAME_KEY_LEN];
            getrandom::fill(&mut key).map_err(|_| Error::SysErr)?;
            Ok(key)
        })?
    } else {
        match root.read_file(NAME_KEY_FILE, NAME_KEY_LEN)? {
            Read::Missing => return Ok(None),
            Read::TooLarge => {
                return Err(refused(&root.child(NAME_KEY_FILE), "not a name key").into());
            }
            Read::Bytes(bytes) => bytes,
        }
    };
    if bytes.len() != NAME_KEY_LEN {
        return Err(refused(&root.child(NAME_KEY_FILE), "not a name key").into());
    }
    Ok(Some(bytes))
}

/// Reads the small file `name` in `root`, or creates it with `make`'s bytes: written to a
/// unique temporary file and linked into place, so that when two processes race, one file
/// wins and both read it.
///
/// Every failure is returned, the removal of the temporary file after the link included (then
/// the file is in place and usable, and the temporary file, which no removal could remove,
/// stays, as after a crash at that point).
fn read_or_create(
    root: &Dir<'_>,
    name: &str,
    make: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Zeroizing<Vec<u8>>> {
    const SMALL: usize = 256;
    match root.read_file(name, SMALL)? {
        Read::Bytes(bytes) => return Ok(bytes),
        Read::TooLarge => {
            return Err(refused(&root.child(name), "larger than the store writes").into());
        }
        Read::Missing => {}
    }
    let bytes = Zeroizing::new(make()?);
    let tmp = unique_temp_name(name)?;
    if let Err(err) = root.write_new(&tmp, &bytes) {
        let _ = root.remove(&tmp);
        return Err(err);
    }
    let linked = root.link_new(&tmp, name);
    let removed = root.remove(&tmp);
    let linked = linked?;
    removed?;
    if linked {
        root.sync()?;
        return Ok(bytes);
    }
    // Another process made it first: its file wins.
    match root.read_file(name, SMALL)? {
        Read::Bytes(bytes) => Ok(bytes),
        Read::Missing | Read::TooLarge => Err(Error::Fail),
    }
}

fn parse_guid(bytes: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::KeysetEntryBad)?
        .trim();
    let well_formed = text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if well_formed {
        Ok(text.to_owned())
    } else {
        Err(Error::KeysetEntryBad)
    }
}

/// The file name stem for a container name: lowercase hex HMAC-SHA-256 of its UTF-8 bytes
/// under the store's name key.
fn file_stem(key: &[u8], name: &str) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(name.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn is_stem(stem: &str) -> bool {
    stem.len() == 64 && stem.bytes().all(|b| HEX.contains(&b))
}

fn data_name(stem: &str) -> String {
    format!("{stem}.{DATA_EXT}")
}

fn lock_name(stem: &str) -> String {
    format!("{stem}.{LOCK_EXT}")
}

/// The temporary file a container is written to before it is renamed over it: one fixed name
/// per container, since its writers hold the container's lock.
fn temp_name(stem: &str) -> String {
    format!(".{stem}.tmp")
}

/// A temporary file name no other writer uses, for files written without a lock: process id,
/// a per-process counter and random bytes (a dead process's id may be reused).
fn unique_temp_name(stem: &str) -> Result<String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|_| Error::SysErr)?;
    let random = u32::from_le_bytes(random);
    Ok(format!(
        ".{stem}.{}.{n}.{random:08x}.tmp",
        std::process::id()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_map_to_fixed_length_stems() {
        let key = [7u8; NAME_KEY_LEN];
        for name in [
            "../../etc/passwd",
            "a/b\\c",
            "CON",
            "nul",
            "..",
            ".",
            "\u{202e}x",
            "a:b*?",
        ] {
            assert!(is_stem(&file_stem(&key, name)), "{name}");
        }
        assert_ne!(file_stem(&key, "Name"), file_stem(&key, "name"));
        assert_ne!(file_stem(&key, "x"), file_stem(&[8u8; NAME_KEY_LEN], "x"));
    }

    #[test]
    fn the_largest_valid_container_is_read() {
        let mut record = Record::new(&"\u{10FFFF}".repeat(format::MAX_NAME_CHARS)).unwrap();
        for slot in &mut record.slots {
            *slot = Some(format::Slot {
                permissions: u32::MAX,
                blob: Zeroizing::new(vec![0xa5; format::MAX_BLOB]),
            });
        }
        assert!(format::encode(&record).len() <= MAX_FILE_LEN);
    }

    #[test]
    fn guid_parsing_is_strict() {
        assert!(parse_guid(b"0123abcd-0000-1111-2222-333344445555\n").is_ok());
        assert!(parse_guid(b"0123abcd-0000-1111-2222-33334444555").is_err());
        assert!(parse_guid(b"0123abcd_0000-1111-2222-333344445555").is_err());
    }
}
