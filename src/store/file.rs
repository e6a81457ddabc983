//! The on-disk key store: one file per container, atomic replacement, cross-process locks.
//!
//! Layout under the root:
//!
//! ```text
//! <root>/machine-guid            the store's stand-in for Windows' MachineGuid
//! <root>/user/<id>.ctr            a user key set container (see `format`)
//! <root>/user/<id>.lock           its writers' lock file (empty; removed by a delete)
//! <root>/user/.<id>.tmp           the next version of the container while it is being written
//! <root>/machine/...              the CRYPT_MACHINE_KEYSET namespace, same layout
//! ```
//!
//! `<id>` is the lowercase hex SHA-256 of the container name's UTF-8 bytes, so any name maps to
//! one fixed-length file name inside the key set directory: `..`, separators, NUL, device names
//! and case-folding file systems cannot change where it lands. The real name is kept inside the
//! file.
//!
//! Readers never lock: a container file is only ever replaced whole, by rename, so a reader sees
//! the old file or the new one. Writers (create, update, delete) hold the container's lock file
//! with [`File::try_lock`] for the few system calls they need, waiting at most the store's lock
//! timeout before giving up with `ERROR_BUSY`.
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

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::KeySet;
use super::format::{self, Record};
use crate::error::{Error, Result};

const DATA_EXT: &str = "ctr";
const LOCK_EXT: &str = "lock";

#[derive(Debug)]
pub(crate) struct FileStore {
    root: PathBuf,
}

/// A held container lock; dropping it closes the file, which releases the lock.
pub(crate) struct LockGuard {
    _file: File,
}

impl FileStore {
    pub(crate) fn new(root: PathBuf) -> Self {
        FileStore { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn dir(&self, keyset: KeySet) -> PathBuf {
        self.root.join(keyset.dir_name())
    }

    pub(crate) fn data_path(&self, keyset: KeySet, name: &str) -> PathBuf {
        self.dir(keyset)
            .join(format!("{}.{DATA_EXT}", file_stem(name)))
    }

    pub(crate) fn lock_path(&self, keyset: KeySet, name: &str) -> PathBuf {
        self.dir(keyset)
            .join(format!("{}.{LOCK_EXT}", file_stem(name)))
    }

    /// Creates the root and the key set directory (0700 on Unix) when missing.
    fn ensure_dir(&self, keyset: KeySet) -> Result<PathBuf> {
        let dir = self.dir(keyset);
        create_private_dir(&dir)?;
        Ok(dir)
    }

    /// Takes the container's writer lock, waiting at most `timeout`.
    pub(crate) fn lock(&self, keyset: KeySet, name: &str, timeout: Duration) -> Result<LockGuard> {
        self.ensure_dir(keyset)?;
        let path = self.lock_path(keyset, name);
        // A timeout too large to add to the clock (Duration::MAX) means "wait as long as it takes".
        let deadline = Instant::now().checked_add(timeout);
        let mut pause = Duration::from_millis(1);
        loop {
            let file = private_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(fs::TryLockError::WouldBlock) => {
                        let now = Instant::now();
                        let left = match deadline {
                            Some(deadline) if now >= deadline => return Err(Error::Busy),
                            Some(deadline) => deadline - now,
                            None => pause,
                        };
                        std::thread::sleep(pause.min(left));
                        pause = (pause * 2).min(Duration::from_millis(25));
                    }
                    Err(fs::TryLockError::Error(err)) => return Err(err.into()),
                }
            }
            // A delete may have removed the file between our open and our lock: then we hold a
            // lock nobody else will ever look at. Start again on the file now at the path.
            if still_at_path(&file, &path)? {
                return Ok(LockGuard { _file: file });
            }
        }
    }

    /// Reads and decodes a container; `None` when it does not exist.
    pub(crate) fn load(&self, keyset: KeySet, name: &str) -> Result<Option<Record>> {
        let Some(bytes) = read_optional(&self.data_path(keyset, name))? else {
            return Ok(None);
        };
        let record = format::decode(&bytes)?;
        // A file whose inner name does not hash to its file name was moved or planted: refuse it.
        if record.name != name {
            return Err(Error::KeysetEntryBad);
        }
        Ok(Some(record))
    }

    /// Whether a container file exists (corrupt or not). Call with the lock held.
    pub(crate) fn exists(&self, keyset: KeySet, name: &str) -> Result<bool> {
        match fs::symlink_metadata(self.data_path(keyset, name)) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Writes a container atomically: temporary file, fsync, rename, fsync of the directory.
    /// Call with the lock held.
    pub(crate) fn store(&self, keyset: KeySet, record: &Record) -> Result<()> {
        let dir = self.ensure_dir(keyset)?;
        let bytes = format::encode(record);
        write_atomic(&dir, &self.data_path(keyset, &record.name), &bytes)
    }

    /// Removes a container file, and then its lock file; `false` when there was no container.
    /// Call with the lock held (see the module docs for why removing the lock file is safe).
    pub(crate) fn remove(&self, keyset: KeySet, name: &str) -> Result<bool> {
        let path = self.data_path(keyset, name);
        // A dead writer's temporary file holds the container's keys too.
        let stale = remove_optional(&temp_path(&path))?;
        let removed = remove_optional(&path)?;
        // Only where a locked file can be removed (Unix); lock files are empty, nothing leaks.
        let unlocked = cfg!(unix) && remove_optional(&self.lock_path(keyset, name))?;
        if removed || stale || unlocked {
            sync_dir(&self.dir(keyset))?;
        }
        Ok(removed)
    }

    /// The names of the readable containers of a key set, sorted. Unreadable or corrupt files
    /// are skipped (opening them by name reports the problem).
    pub(crate) fn list(&self, keyset: KeySet) -> Result<Vec<String>> {
        let entries = match fs::read_dir(self.dir(keyset)) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err.into()),
        };
        let mut names = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let is_container = path.extension().is_some_and(|ext| ext == DATA_EXT)
                && path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(is_stem);
            if !is_container {
                continue;
            }
            let Ok(Some(bytes)) = read_optional(&path) else {
                continue;
            };
            let Ok(record) = format::decode(&bytes) else {
                continue;
            };
            if path.file_stem().and_then(|s| s.to_str()) == Some(file_stem(&record.name).as_str()) {
                names.push(record.name.clone());
            }
        }
        names.sort();
        Ok(names)
    }

    /// The store's machine GUID, created once (race-free across processes) on first use.
    pub(crate) fn machine_guid(&self) -> Result<String> {
        let path = self.root.join("machine-guid");
        if let Some(bytes) = read_optional(&path)? {
            return parse_guid(&bytes);
        }
        create_private_dir(&self.root)?;
        let guid = super::new_guid()?;
        let tmp = unique_temp_path(&self.root, "machine-guid")?;
        write_synced(&tmp, guid.as_bytes())?;
        // hard_link fails if the file appeared meanwhile: then the other writer's GUID wins.
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                sync_dir(&self.root)?;
                Ok(guid)
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                parse_guid(&read_optional(&path)?.unwrap_or_default())
            }
            Err(err) => Err(err.into()),
        }
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

/// The file name stem for a container name: lowercase hex SHA-256 of its UTF-8 bytes.
pub(crate) fn file_stem(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
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

/// Creates `dir` and its missing parents, private to the owner (0700 on Unix).
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    Ok(())
}

/// Options for files only the owner may read (0600 on Unix).
fn private_options() -> OpenOptions {
    #[allow(unused_mut, reason = "mutated on Unix only")]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn read_optional(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Removes a file; `false` when there was none.
fn remove_optional(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// The temporary file a container is written to before it is renamed over `path`: one fixed
/// name per container, since its writers hold the container's lock.
fn temp_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("container");
    path.with_file_name(format!(".{stem}.tmp"))
}

/// A temporary file name no other writer uses, for files written without a lock: process id,
/// a per-process counter and random bytes (a dead process's id may be reused).
fn unique_temp_path(dir: &Path, stem: &str) -> Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|_| Error::SysErr)?;
    let random = u32::from_le_bytes(random);
    Ok(dir.join(format!(
        ".{stem}.{}.{n}.{random:08x}.tmp",
        std::process::id()
    )))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = private_options().write(true).create_new(true).open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(err.into());
    }
    Ok(())
}

/// Whether the file now at `path` is `file` itself (Unix: same device and inode). Elsewhere lock
/// files are never removed, so the file at the path is always the one opened.
fn still_at_path(file: &File, path: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let held = file.metadata()?;
        match fs::symlink_metadata(path) {
            Ok(now) => Ok(now.dev() == held.dev() && now.ino() == held.ino()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(err.into()),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        Ok(true)
    }
}

/// Replaces `path` with `bytes` atomically. Call with the container's lock held: a temporary
/// file found in the way was left by a writer that died, and is replaced.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(path);
    // Removed rather than truncated, so that the new file is created afresh with owner-only
    // permissions.
    remove_optional(&tmp)?;
    write_synced(&tmp, bytes)?;
    if let Err(err) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(err.into());
    }
    sync_dir(dir)
}

/// Makes a rename or removal in `dir` durable. Directories cannot be opened as files on Windows,
/// where NTFS journals the metadata change itself.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_inside_the_key_set_directory() {
        let store = FileStore::new(PathBuf::from("/tmp/root"));
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
            let path = store.data_path(KeySet::User, name);
            assert_eq!(path.parent(), Some(Path::new("/tmp/root/user")), "{name}");
            assert!(is_stem(path.file_stem().unwrap().to_str().unwrap()));
        }
        assert_ne!(file_stem("Name"), file_stem("name"));
    }

    #[test]
    fn guid_parsing_is_strict() {
        assert!(parse_guid(b"0123abcd-0000-1111-2222-333344445555\n").is_ok());
        assert!(parse_guid(b"0123abcd-0000-1111-2222-33334444555").is_err());
        assert!(parse_guid(b"0123abcd_0000-1111-2222-333344445555").is_err());
    }
}
