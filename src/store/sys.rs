//! The file system operations of the key store, done on open directory handles.
//!
//! On Unix every file is opened relative to a directory handle that was checked when it was
//! opened (owner, mode), never following a symbolic link, and what is checked is the open
//! handle (`fstat`), not the path: a directory or file swapped after the check changes nothing.
//! Reads are non-blocking and bounded. Elsewhere the same operations use paths (Windows has
//! neither symbolic-link races of this kind nor Unix modes; its per-user directories carry ACLs).
//!
//! These are the operations of [`OsStoreIo`](super::OsStoreIo), the default
//! [`StoreIo`](super::StoreIo); errors are plain [`io::Error`]s, which the store turns into its
//! codes.

use std::io;
use std::path::Path;

/// The store's answer to something it would not have created: `ERROR_ACCESS_DENIED`, with the
/// path and the problem in the message.
pub(crate) fn refused(path: &Path, problem: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{}: {problem}; refused", path.display()),
    )
}

#[cfg(unix)]
pub(crate) use unix::{Dir, effective_ids};

#[cfg(not(unix))]
pub(crate) use portable::{Dir, effective_ids};

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::{self, Read as _, Write as _};
    use std::os::fd::{AsFd, OwnedFd};
    use std::path::{Path, PathBuf};

    use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, Stat};
    use rustix::io::Errno;
    use rustix::process::{Gid, Uid};
    use zeroize::Zeroizing;

    use super::refused;
    use crate::store::io::{FileAccess, FileRead as Read, FileStamp};

    type Result<T> = io::Result<T>;

    /// Directories are created owner-only; files too.
    const DIR_MODE: u32 = 0o700;
    const FILE_MODE: u32 = 0o600;
    /// Group or other write permission.
    const GROUP_OTHER_WRITE: u32 = 0o022;
    /// Any group or other permission.
    const GROUP_OTHER_ANY: u32 = 0o077;
    const OTHER_WRITE: u32 = 0o002;
    const STICKY: u32 = 0o1000;

    /// A checked, open directory of the store: owned by this process's effective user and not
    /// writable by group or others.
    #[derive(Debug)]
    pub(crate) struct Dir {
        fd: OwnedFd,
        path: PathBuf,
    }

    fn euid() -> u32 {
        rustix::process::geteuid().as_raw()
    }

    /// This process's effective user and group ids: the owner and group of what it creates.
    pub(crate) fn effective_ids() -> (u32, u32) {
        (euid(), rustix::process::getegid().as_raw())
    }

    fn io(err: Errno) -> io::Error {
        io::Error::from(err)
    }

    /// The permission bits of a mode (with setuid, setgid and sticky).
    const PERMISSION_BITS: u32 = 0o7777;

    /// Refuses what this process's effective user does not own.
    fn check_owner(path: &Path, st: &Stat) -> Result<()> {
        if st.st_uid == euid() {
            return Ok(());
        }
        Err(refused(
            path,
            &format!(
                "owned by uid {}, not by this user (uid {})",
                st.st_uid,
                euid()
            ),
        ))
    }

    /// Refuses a directory that is not the user's own or that others may change.
    fn check_dir(path: &Path, st: &Stat) -> Result<()> {
        if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
            return Err(refused(path, "not a directory"));
        }
        check_owner(path, st)?;
        if st.st_mode & GROUP_OTHER_WRITE != 0 {
            return Err(refused(
                path,
                &format!(
                    "writable by group or others (mode {:o})",
                    st.st_mode & 0o7777
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a file that is not a regular file of the user's own, private to the user.
    fn check_file(path: &Path, st: &Stat) -> Result<()> {
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(refused(path, "not a regular file"));
        }
        check_owner(path, st)?;
        if st.st_mode & GROUP_OTHER_ANY != 0 {
            return Err(refused(
                path,
                &format!(
                    "readable or writable by group or others (mode {:o}; `chmod 600` it if it \
                     is yours)",
                    st.st_mode & 0o7777
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a root below a directory that others may write without the sticky bit: they
    /// could replace the root itself.
    fn check_ancestors(root: &Path) -> Result<()> {
        for ancestor in root.ancestors().skip(1) {
            if ancestor.as_os_str().is_empty() {
                continue;
            }
            let Ok(st) = rfs::stat(ancestor) else {
                continue; // not there (yet): created below, owner-only
            };
            if st.st_mode & OTHER_WRITE != 0 && st.st_mode & STICKY == 0 {
                return Err(refused(
                    ancestor,
                    "a parent of the key store writable by others without the sticky bit",
                ));
            }
        }
        Ok(())
    }

    /// The flags of every open: no controlling terminal, closed on exec.
    fn base() -> OFlags {
        OFlags::CLOEXEC | OFlags::NOCTTY
    }

    impl Dir {
        /// Opens (with `create`, creating it and its missing parents owner-only) the store's
        /// root, checked; `None` when it does not exist and `create` is false.
        pub(crate) fn open_root(root: &Path, create: bool) -> Result<Option<Dir>> {
            check_ancestors(root)?;
            let flags = base() | OFlags::RDONLY | OFlags::DIRECTORY;
            let fd = match rfs::open(root, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if create => {
                    let mut builder = std::fs::DirBuilder::new();
                    builder.recursive(true);
                    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
                    builder.create(root)?;
                    rfs::open(root, flags, Mode::empty()).map_err(io)?
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(Errno::NOTDIR) => return Err(refused(root, "not a directory")),
                Err(err) => return Err(io(err)),
            };
            check_dir(root, &rfs::fstat(&fd).map_err(io)?)?;
            Ok(Some(Dir {
                fd,
                path: root.to_path_buf(),
            }))
        }

        /// Opens (with `create`, creating it owner-only) the subdirectory `name`, never through
        /// a symbolic link, checked; `None` when it does not exist and `create` is false.
        pub(crate) fn open_subdir(&self, name: &str, create: bool) -> Result<Option<Dir>> {
            let path = self.path.join(name);
            let flags = base() | OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW;
            let fd = match rfs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if create => {
                    match rfs::mkdirat(&self.fd, name, Mode::from_raw_mode(DIR_MODE)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(err) => return Err(io(err)),
                    }
                    rfs::openat(&self.fd, name, flags, Mode::empty())
                        .map_err(|e| open_error(&path, e))?
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(err) => return Err(open_error(&path, err)),
            };
            check_dir(&path, &rfs::fstat(&fd).map_err(io)?)?;
            Ok(Some(Dir { fd, path }))
        }

        /// This directory's path, as it was opened.
        pub(crate) fn path(&self) -> &Path {
            &self.path
        }

        /// The path of `name` in this directory, for messages and callers that show it.
        pub(crate) fn child(&self, name: &str) -> PathBuf {
            self.path.join(name)
        }

        /// Reads a private regular file of the user's, at most `max` bytes, without blocking
        /// (a FIFO or device is refused before any read).
        pub(crate) fn read_file(&self, name: &str, max: usize) -> Result<Read> {
            let path = self.child(name);
            let flags = base() | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK;
            let fd = match rfs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) => return Ok(Read::Missing),
                Err(err) => return Err(open_error(&path, err)),
            };
            let st = rfs::fstat(&fd).map_err(io)?;
            check_file(&path, &st)?;
            let size = usize::try_from(st.st_size).unwrap_or(usize::MAX);
            if size > max {
                return Ok(Read::TooLarge);
            }
            let mut bytes = Zeroizing::new(Vec::with_capacity(size));
            // One byte more than allowed, so that a file grown since fstat is caught.
            let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
            File::from(fd).take(limit).read_to_end(&mut bytes)?;
            if bytes.len() > max {
                return Ok(Read::TooLarge);
            }
            Ok(Read::Bytes(bytes))
        }

        /// Whether anything (of any type) is at `name`, without following a link.
        pub(crate) fn exists(&self, name: &str) -> Result<bool> {
            Ok(self.stat(name)?.is_some())
        }

        /// What is at `name` (one `fstatat`, not following a link); `None` when nothing is.
        fn stat(&self, name: &str) -> Result<Option<Stat>> {
            match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => Ok(Some(st)),
                Err(Errno::NOENT) => Ok(None),
                Err(err) => Err(io(err)),
            }
        }

        /// The identity of the regular file at `name` (one `fstatat`, no open, no read);
        /// `None` when there is none. Anything else there is refused.
        pub(crate) fn stamp(&self, name: &str) -> Result<Option<FileStamp>> {
            let Some(st) = self.stat(name)? else {
                return Ok(None);
            };
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return Err(refused(&self.child(name), "not a regular file"));
            }
            Ok(Some(FileStamp::new([
                wide(st.st_dev),
                wide(st.st_ino),
                wide(st.st_size),
                wide(st.st_mtime),
                wide(st.st_mtime_nsec),
                wide(st.st_ctime),
                wide(st.st_ctime_nsec),
            ])))
        }

        /// The owner, group and permission bits of the regular file at `name` (one
        /// `fstatat`); `None` when there is none. Anything else there is refused.
        pub(crate) fn access(&self, name: &str) -> Result<Option<FileAccess>> {
            let Some(st) = self.stat(name)? else {
                return Ok(None);
            };
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return Err(refused(&self.child(name), "not a regular file"));
            }
            Ok(Some(FileAccess {
                uid: st.st_uid,
                gid: st.st_gid,
                mode: st.st_mode & PERMISSION_BITS,
            }))
        }

        /// Gives the regular file `name` (one of the user's own, never through a link) the
        /// owner, group and permission bits of `access`, changing only what differs (`fchown`,
        /// `fchmod` on the open file); `false` when there is no such file.
        pub(crate) fn set_access(&self, name: &str, access: &FileAccess) -> Result<bool> {
            // `-1` means "unchanged" to chown: never a value to set.
            if access.uid == u32::MAX || access.gid == u32::MAX {
                return Err(io::Error::from(io::ErrorKind::InvalidInput));
            }
            let path = self.child(name);
            let flags = base() | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK;
            let fd = match rfs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) => return Ok(false),
                Err(err) => return Err(open_error(&path, err)),
            };
            let st = rfs::fstat(&fd).map_err(io)?;
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return Err(refused(&path, "not a regular file"));
            }
            check_owner(&path, &st)?;
            let uid = (st.st_uid != access.uid).then(|| Uid::from_raw(access.uid));
            let gid = (st.st_gid != access.gid).then(|| Gid::from_raw(access.gid));
            if uid.is_some() || gid.is_some() {
                rfs::fchown(&fd, uid, gid).map_err(io)?;
            }
            // After the chown, which may clear setuid and setgid bits.
            if st.st_mode & PERMISSION_BITS != access.mode & PERMISSION_BITS {
                rfs::fchmod(&fd, Mode::from_raw_mode(access.mode & PERMISSION_BITS)).map_err(io)?;
            }
            Ok(true)
        }

        /// Creates `name` (which must not exist), owner-only, writes `bytes` and syncs them.
        pub(crate) fn write_new(&self, name: &str, bytes: &[u8]) -> Result<()> {
            let path = self.child(name);
            let flags = base() | OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW;
            let fd = rfs::openat(&self.fd, name, flags, Mode::from_raw_mode(FILE_MODE))
                .map_err(|e| open_error(&path, e))?;
            let mut file = File::from(fd);
            if let Err(err) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                drop(file);
                let _ = self.remove(name);
                return Err(err);
            }
            Ok(())
        }

        /// Renames `from` over `to`, both in this directory.
        pub(crate) fn rename(&self, from: &str, to: &str) -> Result<()> {
            rfs::renameat(&self.fd, from, &self.fd, to).map_err(io)
        }

        /// Links `from` as `to` unless `to` exists (`false` then): a race-free "create once".
        pub(crate) fn link_new(&self, from: &str, to: &str) -> Result<bool> {
            match rfs::linkat(&self.fd, from, &self.fd, to, AtFlags::empty()) {
                Ok(()) => Ok(true),
                Err(Errno::EXIST) => Ok(false),
                Err(err) => Err(io(err)),
            }
        }

        /// Removes the file (or link) `name`; `false` when there was none.
        pub(crate) fn remove(&self, name: &str) -> Result<bool> {
            match rfs::unlinkat(&self.fd, name, AtFlags::empty()) {
                Ok(()) => Ok(true),
                Err(Errno::NOENT) => Ok(false),
                Err(err) => Err(io(err)),
            }
        }

        /// Makes renames and removals in this directory durable.
        pub(crate) fn sync(&self) -> Result<()> {
            rfs::fsync(&self.fd).map_err(io)
        }

        /// Opens (creating it owner-only) a lock file: never through a link, never as a
        /// controlling terminal, and only a private regular file of the user's.
        pub(crate) fn open_lock(&self, name: &str) -> Result<File> {
            let path = self.child(name);
            let flags = base() | OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW;
            let fd = rfs::openat(&self.fd, name, flags, Mode::from_raw_mode(FILE_MODE))
                .map_err(|e| open_error(&path, e))?;
            check_file(&path, &rfs::fstat(&fd).map_err(io)?)?;
            Ok(File::from(fd))
        }

        /// Whether the file now at `name` is `file` itself (same device and inode).
        pub(crate) fn still_at(&self, file: &File, name: &str) -> Result<bool> {
            let held = rfs::fstat(file.as_fd()).map_err(io)?;
            match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(now) => Ok(now.st_dev == held.st_dev && now.st_ino == held.st_ino),
                Err(Errno::NOENT) => Ok(false),
                Err(err) => Err(io(err)),
            }
        }

        /// The names in this directory (without `.` and `..`), unsorted.
        pub(crate) fn entries(&self) -> Result<Vec<String>> {
            let mut names = Vec::new();
            for entry in rfs::Dir::read_from(&self.fd).map_err(io)? {
                let entry = entry.map_err(io)?;
                if let Ok(name) = entry.file_name().to_str()
                    && name != "."
                    && name != ".."
                {
                    names.push(name.to_owned());
                }
            }
            Ok(names)
        }
    }

    /// A stat field, whatever its width and sign on this platform, as one wide integer.
    fn wide(value: impl Into<i128>) -> i128 {
        value.into()
    }

    /// An open that found a link or something else it must not use.
    fn open_error(path: &Path, err: Errno) -> io::Error {
        match err {
            Errno::LOOP | Errno::MLINK => refused(path, "a symbolic link"),
            Errno::NOTDIR => refused(path, "not a directory"),
            Errno::ISDIR => refused(path, "a directory, not a file"),
            Errno::NXIO => refused(path, "not a regular file"),
            other => io(other),
        }
    }
}

#[cfg(not(unix))]
mod portable {
    use std::fs::{self, File, OpenOptions};
    use std::io::{self, Read as _, Write as _};
    use std::path::{Path, PathBuf};
    use std::time::UNIX_EPOCH;

    use zeroize::Zeroizing;

    use super::refused;
    use crate::store::io::{FileAccess, FileRead as Read, FileStamp};

    type Result<T> = io::Result<T>;

    /// No Unix ids here: files are the user's by the per-user directory's ACLs.
    pub(crate) fn effective_ids() -> (u32, u32) {
        (0, 0)
    }

    /// A directory of the store, by path.
    #[derive(Debug)]
    pub(crate) struct Dir {
        path: PathBuf,
    }

    impl Dir {
        pub(crate) fn open_root(root: &Path, create: bool) -> Result<Option<Dir>> {
            Dir::open(root.to_path_buf(), create)
        }

        pub(crate) fn open_subdir(&self, name: &str, create: bool) -> Result<Option<Dir>> {
            Dir::open(self.child(name), create)
        }

        fn open(path: PathBuf, create: bool) -> Result<Option<Dir>> {
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => Ok(Some(Dir { path })),
                Ok(_) => Err(refused(&path, "not a directory")),
                Err(err) if err.kind() == io::ErrorKind::NotFound && create => {
                    fs::create_dir_all(&path)?;
                    Ok(Some(Dir { path }))
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err),
            }
        }

        pub(crate) fn path(&self) -> &Path {
            &self.path
        }

        pub(crate) fn child(&self, name: &str) -> PathBuf {
            self.path.join(name)
        }

        pub(crate) fn read_file(&self, name: &str, max: usize) -> Result<Read> {
            let path = self.child(name);
            let file = match File::open(&path) {
                Ok(file) => file,
                Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
                Err(err) => return Err(err),
            };
            let meta = file.metadata()?;
            if !meta.is_file() {
                return Err(refused(&path, "not a regular file"));
            }
            if meta.len() > max as u64 {
                return Ok(Read::TooLarge);
            }
            let mut bytes = Zeroizing::new(Vec::new());
            file.take(max as u64 + 1).read_to_end(&mut bytes)?;
            if bytes.len() > max {
                return Ok(Read::TooLarge);
            }
            Ok(Read::Bytes(bytes))
        }

        pub(crate) fn exists(&self, name: &str) -> Result<bool> {
            Ok(self.metadata(name)?.is_some())
        }

        fn metadata(&self, name: &str) -> Result<Option<fs::Metadata>> {
            match fs::symlink_metadata(self.child(name)) {
                Ok(meta) => Ok(Some(meta)),
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err),
            }
        }

        /// Size and modification time: no device and inode numbers here.
        pub(crate) fn stamp(&self, name: &str) -> Result<Option<FileStamp>> {
            let Some(meta) = self.metadata(name)? else {
                return Ok(None);
            };
            if !meta.is_file() {
                return Err(refused(&self.child(name), "not a regular file"));
            }
            let nanos = |time: io::Result<std::time::SystemTime>| {
                time.ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
            };
            Ok(Some(FileStamp::new([
                0,
                0,
                i128::from(meta.len()),
                nanos(meta.modified()),
                0,
                nanos(meta.created()),
                0,
            ])))
        }

        /// No Unix owner here: uid and gid 0, mode 0600 (0400 for a read-only file).
        pub(crate) fn access(&self, name: &str) -> Result<Option<FileAccess>> {
            let Some(meta) = self.metadata(name)? else {
                return Ok(None);
            };
            if !meta.is_file() {
                return Err(refused(&self.child(name), "not a regular file"));
            }
            let mode = if meta.permissions().readonly() {
                0o400
            } else {
                0o600
            };
            Ok(Some(FileAccess {
                uid: 0,
                gid: 0,
                mode,
            }))
        }

        /// Only the owner's write bit means something here (the read-only attribute).
        pub(crate) fn set_access(&self, name: &str, access: &FileAccess) -> Result<bool> {
            let Some(meta) = self.metadata(name)? else {
                return Ok(false);
            };
            if !meta.is_file() {
                return Err(refused(&self.child(name), "not a regular file"));
            }
            if access.uid != 0 || access.gid != 0 {
                return Err(io::Error::from(io::ErrorKind::Unsupported));
            }
            let readonly = access.mode & 0o200 == 0;
            if meta.permissions().readonly() != readonly {
                let mut permissions = meta.permissions();
                permissions.set_readonly(readonly);
                fs::set_permissions(self.child(name), permissions)?;
            }
            Ok(true)
        }

        pub(crate) fn write_new(&self, name: &str, bytes: &[u8]) -> Result<()> {
            let path = self.child(name);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            if let Err(err) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                drop(file);
                let _ = fs::remove_file(&path);
                return Err(err);
            }
            Ok(())
        }

        pub(crate) fn rename(&self, from: &str, to: &str) -> Result<()> {
            fs::rename(self.child(from), self.child(to))
        }

        pub(crate) fn link_new(&self, from: &str, to: &str) -> Result<bool> {
            match fs::hard_link(self.child(from), self.child(to)) {
                Ok(()) => Ok(true),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                Err(err) => Err(err),
            }
        }

        pub(crate) fn remove(&self, name: &str) -> Result<bool> {
            match fs::remove_file(self.child(name)) {
                Ok(()) => Ok(true),
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
                Err(err) => Err(err),
            }
        }

        /// NTFS journals directory changes itself; directories cannot be opened as files.
        pub(crate) fn sync(&self) -> Result<()> {
            Ok(())
        }

        pub(crate) fn open_lock(&self, name: &str) -> Result<File> {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(self.child(name))
        }

        /// Lock files are never removed here (an open file cannot be), so the file at the path
        /// is always the one opened.
        pub(crate) fn still_at(&self, _file: &File, _name: &str) -> Result<bool> {
            Ok(true)
        }

        pub(crate) fn entries(&self) -> Result<Vec<String>> {
            let mut names = Vec::new();
            for entry in fs::read_dir(&self.path)? {
                if let Ok(name) = entry?.file_name().into_string() {
                    names.push(name);
                }
            }
            Ok(names)
        }
    }
}
