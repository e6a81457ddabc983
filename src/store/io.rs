//! The seam between a file store and the file system: [`StoreIo`], and the operating system's
//! implementation of it, [`OsStoreIo`].

use std::fmt;
use std::fs::{File, TryLockError};
use std::io;
use std::path::Path;

use zeroize::Zeroizing;

use super::sys::Dir;

/// The file operations a file store performs, one method each, so that a program can watch,
/// veto or fail them: a test suite that proves what a full disk, a read-only file system, a
/// permission error or an I/O error at each step of a container write does, a tracer, a
/// policy that refuses writes.
///
/// A store built with [`KeyStore::at_with_io`](super::KeyStore::at_with_io) calls these and
/// nothing else to touch the disk; [`KeyStore::at`](super::KeyStore::at) uses [`OsStoreIo`].
/// An implementation **wraps [`OsStoreIo`]**: the directory and lock handles ([`StoreDir`],
/// [`StoreLock`]) can only come from it, so every file the store reads or writes was opened,
/// relative to a checked directory handle, without following links and with the ownership and
/// mode checks of the [module docs](super#private-keys-on-disk). A wrapper decides whether and
/// when an operation happens and what it reports; it cannot make the store use a file those
/// checks refused.
///
/// # Errors
///
/// A method's [`io::Error`] becomes the store call's [`Error::Io`](crate::Error::Io), and its
/// [`kind`](io::Error::kind) decides the Windows code:
///
/// | kind                                                        | errno                  | code                  |
/// |-------------------------------------------------------------|------------------------|-----------------------|
/// | [`PermissionDenied`](io::ErrorKind::PermissionDenied)       | `EACCES`, `EPERM`      | `ERROR_ACCESS_DENIED` |
/// | [`ReadOnlyFilesystem`](io::ErrorKind::ReadOnlyFilesystem)   | `EROFS`                | `ERROR_ACCESS_DENIED` |
/// | [`StorageFull`](io::ErrorKind::StorageFull), [`QuotaExceeded`](io::ErrorKind::QuotaExceeded) | `ENOSPC`, `EDQUOT` | `NTE_FAIL` |
/// | anything else                                               | `EIO`, ...             | `NTE_FAIL`            |
///
/// A read-only file system is reported as `ERROR_ACCESS_DENIED` wrapped around the original
/// error (its [`get_ref`](io::Error::get_ref) is the `EROFS` error). A full disk is `NTE_FAIL`,
/// not `ERROR_DISK_FULL`: Microsoft's providers report a failed write of their key storage as
/// `NTE_FAIL`, and ported code checks for that.
///
/// What the store guarantees when a method fails (the [module docs](super#failures) list it
/// step by step): the call returns the error, the container's previous version stays whole and
/// readable unless the failure came after the write's commit point (the rename of the new
/// version, the removal of a deleted container), and no temporary file is left behind, unless
/// removing it is what failed.
///
/// # Example
///
/// A store that refuses every container write, and still reads:
///
/// ```
/// use std::io;
/// use std::path::Path;
/// use std::sync::Arc;
/// use cryptoapi::store::{FileAccess, FileRead, FileStamp, OsStoreIo, StoreDir, StoreIo, StoreLock};
/// use cryptoapi::{AcquireFlags, KeyStore, ProviderType, codes};
///
/// struct ReadOnly(OsStoreIo);
///
/// fn refuse() -> io::Error {
///     io::Error::from(io::ErrorKind::ReadOnlyFilesystem)
/// }
///
/// impl StoreIo for ReadOnly {
///     fn open_root(&self, root: &Path, create: bool) -> io::Result<Option<StoreDir>> {
///         self.0.open_root(root, create)
///     }
///     fn open_subdir(&self, dir: &StoreDir, name: &str, create: bool) -> io::Result<Option<StoreDir>> {
///         self.0.open_subdir(dir, name, create)
///     }
///     fn read_file(&self, dir: &StoreDir, name: &str, max_len: usize) -> io::Result<FileRead> {
///         self.0.read_file(dir, name, max_len)
///     }
///     fn exists(&self, dir: &StoreDir, name: &str) -> io::Result<bool> {
///         self.0.exists(dir, name)
///     }
///     fn stamp(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileStamp>> {
///         self.0.stamp(dir, name)
///     }
///     fn access(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileAccess>> {
///         self.0.access(dir, name)
///     }
///     fn entries(&self, dir: &StoreDir) -> io::Result<Vec<String>> {
///         self.0.entries(dir)
///     }
///     fn write_new(&self, _: &StoreDir, _: &str, _: &[u8]) -> io::Result<()> {
///         Err(refuse())
///     }
///     fn set_access(&self, _: &StoreDir, _: &str, _: &FileAccess) -> io::Result<bool> {
///         Err(refuse())
///     }
///     fn rename(&self, _: &StoreDir, _: &str, _: &str) -> io::Result<()> {
///         Err(refuse())
///     }
///     fn link_new(&self, _: &StoreDir, _: &str, _: &str) -> io::Result<bool> {
///         Err(refuse())
///     }
///     fn remove(&self, _: &StoreDir, _: &str) -> io::Result<bool> {
///         Err(refuse())
///     }
///     fn sync_dir(&self, dir: &StoreDir) -> io::Result<()> {
///         self.0.sync_dir(dir)
///     }
///     fn open_lock(&self, dir: &StoreDir, name: &str) -> io::Result<StoreLock> {
///         self.0.open_lock(dir, name)
///     }
///     fn try_lock(&self, lock: &StoreLock) -> io::Result<bool> {
///         self.0.try_lock(lock)
///     }
///     fn lock_still_at(&self, dir: &StoreDir, lock: &StoreLock, name: &str) -> io::Result<bool> {
///         self.0.lock_still_at(dir, lock, name)
///     }
/// }
///
/// let dir = tempfile::tempdir()?;
/// let store = KeyStore::at_with_io(dir.path(), Arc::new(ReadOnly(OsStoreIo)));
/// let err = store.acquire(Some("keys"), None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET);
/// assert_eq!(err.map(drop).unwrap_err().code(), codes::ERROR_ACCESS_DENIED);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait StoreIo: Send + Sync {
    /// Opens the store's root directory, checked; with `create`, creates it (and its missing
    /// parents) owner-only first when it does not exist. `None` when it does not exist and
    /// `create` is false.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` (the store's `ERROR_ACCESS_DENIED`) for a root that is
    /// not a directory, not the user's, writable by group or others, or below a directory that
    /// others may write without the sticky bit; the system's error when it cannot be opened or
    /// created.
    fn open_root(&self, root: &Path, create: bool) -> io::Result<Option<StoreDir>>;

    /// Opens the subdirectory `name` of `dir` (a key set directory, `user` or `machine`),
    /// checked; with `create`, creates it owner-only first. `None` when it does not exist and
    /// `create` is false.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` for a symbolic link, or a directory that is not the
    /// user's or that group or others may write; the system's error when it cannot be opened
    /// or created.
    fn open_subdir(&self, dir: &StoreDir, name: &str, create: bool)
    -> io::Result<Option<StoreDir>>;

    /// Reads the private regular file `name` of `dir` if it is at most `max_len` bytes long.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` for a symbolic link, something other than a regular
    /// file (refused before any read, so a FIFO cannot block), or a file that is not the
    /// user's or that group or others may read or write; the system's error when it cannot be
    /// read.
    fn read_file(&self, dir: &StoreDir, name: &str, max_len: usize) -> io::Result<FileRead>;

    /// Whether anything is at `name` in `dir` (a symbolic link counts, and is not followed).
    ///
    /// # Errors
    ///
    /// The system's error when `dir` cannot be searched.
    fn exists(&self, dir: &StoreDir, name: &str) -> io::Result<bool>;

    /// The identity of the regular file `name` of `dir` (to tell whether it changed without
    /// reading it); `None` when there is none.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` when something other than a regular file is there;
    /// the system's error when `dir` cannot be searched.
    fn stamp(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileStamp>>;

    /// The owner, group and permission bits of the regular file `name` of `dir`; `None` when
    /// there is none.
    ///
    /// # Errors
    ///
    /// As [`stamp`](Self::stamp).
    fn access(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileAccess>>;

    /// The names in `dir`, in no particular order.
    ///
    /// # Errors
    ///
    /// The system's error when `dir` cannot be read.
    fn entries(&self, dir: &StoreDir) -> io::Result<Vec<String>>;

    /// Creates the file `name` in `dir`, which must not exist, owner-only, writes `bytes` to it
    /// and syncs it to the disk. [`OsStoreIo`] removes the file again when the write or the
    /// sync fails; the store removes it too.
    ///
    /// # Errors
    ///
    /// The system's error (`ENOSPC`, `EDQUOT`, `EROFS`, `EACCES`, `EIO`, ...);
    /// `PermissionDenied` for a symbolic link at `name`, which is never followed.
    fn write_new(&self, dir: &StoreDir, name: &str, bytes: &[u8]) -> io::Result<()>;

    /// Gives the regular file `name` of `dir` the owner, group and permission bits of
    /// `access`, changing only what differs; `false` when there is no such file.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` for a symbolic link, something other than a regular
    /// file, or a file that is not the user's; `InvalidInput` for a uid or gid of `u32::MAX`
    /// (`-1`, which `chown` reads as "unchanged"); the system's error from `fchown` or
    /// `fchmod` (`EPERM` for a group the user is not a member of).
    fn set_access(&self, dir: &StoreDir, name: &str, access: &FileAccess) -> io::Result<bool>;

    /// Renames `from` over `to`, both in `dir`, atomically: the commit of a container write.
    ///
    /// # Errors
    ///
    /// The system's error.
    fn rename(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<()>;

    /// Links `from` as `to`, both in `dir`, unless `to` exists (then `false`): how the store
    /// creates its `name-key` and `machine-guid` files once, whoever races it.
    ///
    /// # Errors
    ///
    /// The system's error other than "exists".
    fn link_new(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<bool>;

    /// Removes the file `name` of `dir`; `false` when there was none.
    ///
    /// # Errors
    ///
    /// The system's error other than "not found".
    fn remove(&self, dir: &StoreDir, name: &str) -> io::Result<bool>;

    /// Makes the renames, links and removals in `dir` durable (`fsync` of the directory; a
    /// no-op on Windows, where NTFS journals them).
    ///
    /// # Errors
    ///
    /// The system's error (`EIO`: the changes may not be on the disk).
    fn sync_dir(&self, dir: &StoreDir) -> io::Result<()>;

    /// Opens, creating it owner-only when missing, the lock file `name` of `dir`.
    ///
    /// # Errors
    ///
    /// [`OsStoreIo`]: `PermissionDenied` for a symbolic link, something other than a regular
    /// file, or a file that is not the user's or that group or others may use; the system's
    /// error when it cannot be opened or created.
    fn open_lock(&self, dir: &StoreDir, name: &str) -> io::Result<StoreLock>;

    /// Takes the exclusive lock on `lock` without waiting: `false` when someone else holds it.
    /// Dropping the [`StoreLock`] releases it.
    ///
    /// # Errors
    ///
    /// The system's error other than "would block".
    fn try_lock(&self, lock: &StoreLock) -> io::Result<bool>;

    /// Whether the file now at `name` in `dir` is `lock`'s own file (a delete removes lock
    /// files; a writer that locked a removed one starts again).
    ///
    /// # Errors
    ///
    /// The system's error when either cannot be examined.
    fn lock_still_at(&self, dir: &StoreDir, lock: &StoreLock, name: &str) -> io::Result<bool>;
}

/// The operating system's file operations, as the store uses them by default
/// ([`KeyStore::at`](super::KeyStore::at)): directory-relative, never through a symbolic link,
/// with the ownership and mode checks of the [module docs](super#private-keys-on-disk).
///
/// The only source of [`StoreDir`] and [`StoreLock`] handles: a [`StoreIo`] of one's own wraps
/// it.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsStoreIo;

/// An open, checked directory of a file store, from [`OsStoreIo`].
pub struct StoreDir {
    dir: Dir,
}

impl StoreDir {
    /// The directory's path as the store opened it (the root, or the root joined with `user`
    /// or `machine`), for messages and for wrappers that tell directories apart. The handle,
    /// not this path, is what the operations use.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl fmt::Debug for StoreDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreDir")
            .field("path", &self.path())
            .finish()
    }
}

/// An open lock file of a file store, from [`OsStoreIo::open_lock`]. Dropping it closes the
/// file, which releases the lock if it was taken.
pub struct StoreLock {
    file: File,
}

impl fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreLock").finish_non_exhaustive()
    }
}

/// What [`StoreIo::read_file`] finds.
#[non_exhaustive]
pub enum FileRead {
    /// No file of that name.
    Missing,
    /// A regular file longer than the limit asked for: not read.
    TooLarge,
    /// The file's bytes (wiped when dropped: container files hold private keys).
    Bytes(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for FileRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileRead::Missing => f.write_str("Missing"),
            FileRead::TooLarge => f.write_str("TooLarge"),
            FileRead::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
        }
    }
}

/// The identity of one version of a file: equal stamps mean, as far as the file system can
/// tell without reading it, the same file with the same contents.
///
/// On Unix: device, inode, size, and modification and status change times to the nanosecond
/// (every store write replaces the file by a rename, so a new version is a new inode).
/// Elsewhere: size, and modification and creation times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileStamp {
    fields: [i128; 7],
}

impl FileStamp {
    /// A stamp of the given fields (device, inode, size, mtime and its nanoseconds, ctime and
    /// its nanoseconds; whatever the platform has).
    pub(crate) fn new(fields: [i128; 7]) -> Self {
        FileStamp { fields }
    }

    /// The stamp of a memory store's version number `generation`.
    pub(crate) fn generation(generation: u64) -> Self {
        FileStamp {
            fields: [-1, i128::from(generation), 0, 0, 0, 0, 0],
        }
    }
}

/// A file's owner, group and permission bits (Unix `st_uid`, `st_gid`, `st_mode & 0o7777`).
///
/// Elsewhere (Windows, whose files carry ACLs), `uid` and `gid` are 0 and `mode` is 0o600, or
/// 0o400 for a read-only file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FileAccess {
    /// The owner's user id.
    pub uid: u32,
    /// The group id.
    pub gid: u32,
    /// The permission bits, `0o600` for the files the store creates.
    pub mode: u32,
}

impl StoreIo for OsStoreIo {
    fn open_root(&self, root: &Path, create: bool) -> io::Result<Option<StoreDir>> {
        Ok(Dir::open_root(root, create)?.map(|dir| StoreDir { dir }))
    }

    fn open_subdir(
        &self,
        dir: &StoreDir,
        name: &str,
        create: bool,
    ) -> io::Result<Option<StoreDir>> {
        Ok(dir
            .dir
            .open_subdir(name, create)?
            .map(|dir| StoreDir { dir }))
    }

    fn read_file(&self, dir: &StoreDir, name: &str, max_len: usize) -> io::Result<FileRead> {
        dir.dir.read_file(name, max_len)
    }

    fn exists(&self, dir: &StoreDir, name: &str) -> io::Result<bool> {
        dir.dir.exists(name)
    }

    fn stamp(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileStamp>> {
        dir.dir.stamp(name)
    }

    fn access(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileAccess>> {
        dir.dir.access(name)
    }

    fn entries(&self, dir: &StoreDir) -> io::Result<Vec<String>> {
        dir.dir.entries()
    }

    fn write_new(&self, dir: &StoreDir, name: &str, bytes: &[u8]) -> io::Result<()> {
        dir.dir.write_new(name, bytes)
    }

    fn set_access(&self, dir: &StoreDir, name: &str, access: &FileAccess) -> io::Result<bool> {
        dir.dir.set_access(name, access)
    }

    fn rename(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<()> {
        dir.dir.rename(from, to)
    }

    fn link_new(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<bool> {
        dir.dir.link_new(from, to)
    }

    fn remove(&self, dir: &StoreDir, name: &str) -> io::Result<bool> {
        dir.dir.remove(name)
    }

    fn sync_dir(&self, dir: &StoreDir) -> io::Result<()> {
        dir.dir.sync()
    }

    fn open_lock(&self, dir: &StoreDir, name: &str) -> io::Result<StoreLock> {
        Ok(StoreLock {
            file: dir.dir.open_lock(name)?,
        })
    }

    fn try_lock(&self, lock: &StoreLock) -> io::Result<bool> {
        match lock.file.try_lock() {
            Ok(()) => Ok(true),
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(err)) => Err(err),
        }
    }

    fn lock_still_at(&self, dir: &StoreDir, lock: &StoreLock, name: &str) -> io::Result<bool> {
        dir.dir.still_at(&lock.file, name)
    }
}
