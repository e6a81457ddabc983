//! The provider defaults and container access write paths under faults, and their semantics.
//!
//! As `suite/tests/store_faults.rs` does for the public write paths (whose module docs say how),
//! with a smaller fault-injecting [`StoreIo`]: for every step of a clean run and every kind of
//! failure, the call returns the documented code, what was saved before is intact (or, after the
//! commit point, the new version is), no temporary file is left, and every step was failed once.
//! These paths are crate-internal (`CryptSetProviderEx` and `PP_KEYSET_SEC_DESCR` build on them),
//! so their tests live here.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustix::io::Errno;

use super::*;

/// The errnos of the failures (a full disk, an I/O error, a read-only file system, a
/// permission error), with the code each must give. The suite's tests add `EDQUOT` and `EPERM`.
const FAILURES: [(Errno, u32); 4] = [
    (Errno::NOSPC, crate::codes::NTE_FAIL),
    (Errno::IO, crate::codes::NTE_FAIL),
    (Errno::ROFS, crate::codes::ERROR_ACCESS_DENIED),
    (Errno::ACCESS, crate::codes::ERROR_ACCESS_DENIED),
];

#[derive(Default)]
struct State {
    armed: bool,
    log: Vec<String>,
    fail_at: Option<(usize, Errno)>,
    failed: Option<String>,
}

/// Logs the operations of an armed call and fails the n-th (before it does anything).
struct FaultyIo {
    os: OsStoreIo,
    state: Mutex<State>,
}

impl FaultyIo {
    fn arm(&self, fail_at: Option<(usize, Errno)>) {
        *self.state.lock().unwrap() = State {
            armed: true,
            fail_at,
            ..State::default()
        };
    }

    fn disarm(&self) -> (Vec<String>, Option<String>) {
        let mut state = self.state.lock().unwrap();
        state.armed = false;
        (
            std::mem::take(&mut state.log),
            std::mem::take(&mut state.failed),
        )
    }

    fn step(&self, op: &str, dir: Option<&StoreDir>, name: &str) -> io::Result<()> {
        let mut state = self.state.lock().unwrap();
        if !state.armed {
            return Ok(());
        }
        // The root's name varies between runs; the key set directories' do not.
        let dir = match dir.and_then(|d| d.path().file_name()) {
            Some(name) if name == "user" || name == "machine" => {
                name.to_string_lossy().into_owned()
            }
            Some(_) => "root".to_owned(),
            None => String::new(),
        };
        // Container stems vary between runs: keep only what the file is.
        let name = match name.rsplit_once('.') {
            Some((stem, ext)) if stem.trim_start_matches('.').len() == 64 => format!("<{ext}>"),
            _ => name.to_owned(),
        };
        let step = format!("{op} {dir}/{name}");
        let index = state.log.len();
        state.log.push(step.clone());
        match state.fail_at {
            Some((at, errno)) if at == index => {
                state.failed = Some(step);
                Err(io::Error::from_raw_os_error(errno.raw_os_error()))
            }
            _ => Ok(()),
        }
    }
}

impl StoreIo for FaultyIo {
    fn open_root(&self, root: &Path, create: bool) -> io::Result<Option<StoreDir>> {
        self.step("open_root", None, &format!("create={create}"))?;
        self.os.open_root(root, create)
    }
    fn open_subdir(&self, d: &StoreDir, n: &str, create: bool) -> io::Result<Option<StoreDir>> {
        self.step("open_subdir", Some(d), &format!("{n} create={create}"))?;
        self.os.open_subdir(d, n, create)
    }
    fn read_file(&self, d: &StoreDir, n: &str, max: usize) -> io::Result<FileRead> {
        self.step("read_file", Some(d), n)?;
        self.os.read_file(d, n, max)
    }
    fn exists(&self, d: &StoreDir, n: &str) -> io::Result<bool> {
        self.step("exists", Some(d), n)?;
        self.os.exists(d, n)
    }
    fn stamp(&self, d: &StoreDir, n: &str) -> io::Result<Option<FileStamp>> {
        self.step("stamp", Some(d), n)?;
        self.os.stamp(d, n)
    }
    fn access(&self, d: &StoreDir, n: &str) -> io::Result<Option<FileAccess>> {
        self.step("access", Some(d), n)?;
        self.os.access(d, n)
    }
    fn entries(&self, d: &StoreDir) -> io::Result<Vec<String>> {
        self.step("entries", Some(d), "")?;
        self.os.entries(d)
    }
    fn write_new(&self, d: &StoreDir, n: &str, bytes: &[u8]) -> io::Result<()> {
        self.step("write_new", Some(d), n)?;
        self.os.write_new(d, n, bytes)
    }
    fn set_access(&self, d: &StoreDir, n: &str, access: &FileAccess) -> io::Result<bool> {
        self.step("set_access", Some(d), n)?;
        self.os.set_access(d, n, access)
    }
    fn rename(&self, d: &StoreDir, from: &str, to: &str) -> io::Result<()> {
        self.step("rename", Some(d), from)?;
        self.os.rename(d, from, to)
    }
    fn link_new(&self, d: &StoreDir, from: &str, to: &str) -> io::Result<bool> {
        self.step("link_new", Some(d), to)?;
        self.os.link_new(d, from, to)
    }
    fn remove(&self, d: &StoreDir, n: &str) -> io::Result<bool> {
        self.step("remove", Some(d), n)?;
        self.os.remove(d, n)
    }
    fn sync_dir(&self, d: &StoreDir) -> io::Result<()> {
        self.step("sync_dir", Some(d), "")?;
        self.os.sync_dir(d)
    }
    fn open_lock(&self, d: &StoreDir, n: &str) -> io::Result<StoreLock> {
        self.step("open_lock", Some(d), n)?;
        self.os.open_lock(d, n)
    }
    fn try_lock(&self, lock: &StoreLock) -> io::Result<bool> {
        self.step("try_lock", None, "")?;
        self.os.try_lock(lock)
    }
    fn lock_still_at(&self, d: &StoreDir, lock: &StoreLock, n: &str) -> io::Result<bool> {
        self.step("lock_still_at", Some(d), n)?;
        self.os.lock_still_at(d, lock, n)
    }
}

/// A fresh store root, removed on drop.
struct Root(PathBuf);

impl Root {
    fn new(tag: &str) -> Root {
        Root(std::env::temp_dir().join(format!(
            "cryptoapi-unit-fault-{tag}-{}-{}",
            std::process::id(),
            new_guid().unwrap()
        )))
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every `.tmp` file under `root`.
fn temp_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for sub in ["", "user", "machine"] {
        if let Ok(entries) = std::fs::read_dir(root.join(sub)) {
            for entry in entries {
                let path = entry.unwrap().path();
                if path.to_string_lossy().ends_with(".tmp") {
                    found.push(path);
                }
            }
        }
    }
    found
}

/// A write path: its setup (with a plain store), the write, its commit step, and the check of
/// what a plain store then sees (`committed`: the failure came after the commit step).
struct WritePath {
    name: &'static str,
    setup: fn(&KeyStore),
    write: fn(&KeyStore) -> Result<()>,
    commit: &'static str,
    check: fn(&KeyStore, bool),
}

fn exhaustive(path: &WritePath) {
    let run = |fail_at| {
        let root = Root::new(path.name);
        (path.setup)(&KeyStore::at(&root.0));
        let io = Arc::new(FaultyIo {
            os: OsStoreIo,
            state: Mutex::new(State::default()),
        });
        let store = KeyStore::at_with_io(&root.0, io.clone());
        io.arm(fail_at);
        let result = (path.write)(&store);
        let (log, failed) = io.disarm();
        (result, log, failed, root)
    };
    let (result, clean, _, root) = run(None);
    result.unwrap();
    (path.check)(&KeyStore::at(&root.0), true);
    let commit = clean
        .iter()
        .position(|s| s == path.commit)
        .unwrap_or_else(|| panic!("{}: no {} in {clean:#?}", path.name, path.commit));
    let mut failed_steps = BTreeSet::new();
    for (index, step) in clean.iter().enumerate() {
        for (errno, code) in FAILURES {
            let what = format!("{}: {errno:?} at step {index} ({step})", path.name);
            let (result, log, failed, root) = run(Some((index, errno)));
            assert_eq!(failed.as_deref(), Some(step.as_str()), "{what}");
            assert_eq!(log[..=index], clean[..=index], "{what}");
            assert_eq!(result.map_err(|e| e.code()), Err(code), "{what}");
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                (path.check)(&KeyStore::at(&root.0), index > commit);
            }));
            assert!(checked.is_ok(), "{what}: the store is not as it should be");
            assert_eq!(temp_files(&root.0), Vec::<PathBuf>::new(), "{what}");
            // The store still works.
            (path.write)(&KeyStore::at(&root.0)).unwrap();
            failed_steps.insert(step.clone());
        }
    }
    let every: BTreeSet<String> = clean.iter().cloned().collect();
    assert_eq!(failed_steps, every, "{}: steps not hit", path.name);
}

const STRONG: &str = "Microsoft Strong Cryptographic Provider";
const AES: &str = "Microsoft Enhanced RSA and AES Cryptographic Provider";

fn saved(store: &KeyStore) -> Vec<(u32, String)> {
    store.provider_defaults(KeySet::User).unwrap()
}

#[test]
fn every_step_of_a_first_provider_default_fails_cleanly() {
    exhaustive(&WritePath {
        name: "first-default",
        setup: |_| {},
        write: |store| store.set_provider_default(KeySet::User, 24, Some(AES)),
        commit: "rename user/.defaults.tmp",
        check: |store, committed| {
            let expected = if committed {
                vec![(24, AES.to_owned())]
            } else {
                vec![]
            };
            assert_eq!(saved(store), expected);
        },
    });
}

#[test]
fn every_step_of_a_provider_default_change_fails_cleanly() {
    exhaustive(&WritePath {
        name: "default",
        setup: |store| {
            store
                .set_provider_default(KeySet::User, 1, Some(STRONG))
                .unwrap();
        },
        write: |store| store.set_provider_default(KeySet::User, 24, Some(AES)),
        commit: "rename user/.defaults.tmp",
        check: |store, committed| {
            let mut expected = vec![(1, STRONG.to_owned())];
            if committed {
                expected.push((24, AES.to_owned()));
            }
            assert_eq!(saved(store), expected);
        },
    });
}

#[test]
fn every_step_of_a_provider_default_removal_fails_cleanly() {
    exhaustive(&WritePath {
        name: "undefault",
        setup: |store| {
            store
                .set_provider_default(KeySet::User, 1, Some(STRONG))
                .unwrap();
            store
                .set_provider_default(KeySet::User, 24, Some(AES))
                .unwrap();
        },
        write: |store| store.set_provider_default(KeySet::User, 1, None),
        commit: "rename user/.defaults.tmp",
        check: |store, committed| {
            let mut expected = vec![(1, STRONG.to_owned()), (24, AES.to_owned())];
            if committed {
                expected.remove(0);
            }
            assert_eq!(saved(store), expected);
        },
    });
}

/// An access the store accepts that differs from the default: mode 0o700, and (as root, who
/// may) another group.
fn changed_access() -> ContainerAccess {
    let (uid, gid) = sys::effective_ids();
    ContainerAccess {
        uid,
        gid: if uid == 0 { 4242 } else { gid },
        mode: 0o700,
    }
}

fn access_of(store: &KeyStore, name: &str) -> (ContainerAccess, ContainerAccess) {
    let meta = |path: PathBuf| {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).unwrap();
        ContainerAccess {
            uid: meta.uid(),
            gid: meta.gid(),
            mode: meta.mode() & 0o7777,
        }
    };
    let container = meta(store.container_path(KeySet::User, name).unwrap());
    assert_eq!(
        store.container_access(KeySet::User, name).unwrap(),
        container
    );
    (
        container,
        meta(store.lock_path(KeySet::User, name).unwrap()),
    )
}

#[test]
fn every_step_of_a_container_access_change_fails_cleanly() {
    exhaustive(&WritePath {
        name: "access",
        setup: |store| drop(store.create(KeySet::User, "c").unwrap()),
        write: |store| store.set_container_access(KeySet::User, "c", &changed_access()),
        commit: "set_access user/<lock>",
        check: |store, committed| {
            let expected = if committed {
                changed_access()
            } else {
                default_access()
            };
            assert_eq!(access_of(store, "c"), (expected, expected));
        },
    });
}

/// A container written again keeps the access it was given, whatever step of the write fails.
#[test]
fn every_step_of_a_write_keeping_a_containers_access_fails_cleanly() {
    exhaustive(&WritePath {
        name: "keep-access",
        setup: |store| {
            store.create(KeySet::User, "c").unwrap();
            store
                .set_container_access(KeySet::User, "c", &changed_access())
                .unwrap();
        },
        write: |store| {
            let id = store.load(KeySet::User, "c")?.id;
            store.update(KeySet::User, "c", id, |r| {
                r.slots[0] = Some(format::Slot {
                    permissions: 1,
                    blob: zeroize::Zeroizing::new(vec![7; 8]),
                });
            })
        },
        commit: "rename user/<tmp>",
        check: |store, committed| {
            let record = store.load(KeySet::User, "c").unwrap();
            assert_eq!(record.slots[0].is_some(), committed);
            assert_eq!(access_of(store, "c"), (changed_access(), changed_access()));
        },
    });
}

#[test]
fn provider_defaults_semantics() {
    let root = Root::new("defaults");
    for store in [KeyStore::in_memory().unwrap(), KeyStore::at(&root.0)] {
        for keyset in [KeySet::User, KeySet::Machine] {
            assert_eq!(store.provider_defaults(keyset).unwrap(), []);
            assert_eq!(store.defaults_stamp(keyset).unwrap(), None);
            // Removing what is not there changes and creates nothing.
            store.set_provider_default(keyset, 1, None).unwrap();
            assert_eq!(store.defaults_stamp(keyset).unwrap(), None);
        }
        assert!(!root.0.exists(), "a removal created the store");
        store
            .set_provider_default(KeySet::User, 24, Some(AES))
            .unwrap();
        let first = store.defaults_stamp(KeySet::User).unwrap();
        assert!(first.is_some());
        store
            .set_provider_default(KeySet::User, 1, Some(STRONG))
            .unwrap();
        store
            .set_provider_default(KeySet::Machine, 1, Some(""))
            .unwrap();
        assert_eq!(
            store.provider_defaults(KeySet::User).unwrap(),
            [(1, STRONG.to_owned()), (24, AES.to_owned())]
        );
        assert_eq!(
            store.provider_defaults(KeySet::Machine).unwrap(),
            [(1, String::new())]
        );
        let second = store.defaults_stamp(KeySet::User).unwrap();
        assert_ne!(second, first);
        // Saving what is saved writes nothing.
        store
            .set_provider_default(KeySet::User, 1, Some(STRONG))
            .unwrap();
        assert_eq!(store.defaults_stamp(KeySet::User).unwrap(), second);
        store.set_provider_default(KeySet::User, 24, None).unwrap();
        assert_eq!(
            store.provider_defaults(KeySet::User).unwrap(),
            [(1, STRONG.to_owned())]
        );
        assert_ne!(store.defaults_stamp(KeySet::User).unwrap(), second);
        for (prov_type, name, code) in [
            (0, Some("x"), crate::codes::NTE_BAD_PROV_TYPE),
            (1000, None, crate::codes::NTE_BAD_PROV_TYPE),
            (1, Some("a\0b"), crate::codes::ERROR_INVALID_PARAMETER),
            (
                1,
                Some(&*"a".repeat(256)),
                crate::codes::ERROR_INVALID_PARAMETER,
            ),
        ] {
            let got = store.set_provider_default(KeySet::User, prov_type, name);
            assert_eq!(got.map_err(|e| e.code()), Err(code));
        }
        assert_eq!(
            store.provider_defaults(KeySet::User).unwrap(),
            [(1, STRONG.to_owned())]
        );
    }
    // The file: private, beside its lock, and read by another store object.
    use std::os::unix::fs::PermissionsExt;
    let file = root.0.join("user").join("defaults");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(root.0.join("user").join("defaults.lock").exists());
    assert_eq!(
        KeyStore::at(&root.0)
            .provider_defaults(KeySet::User)
            .unwrap(),
        [(1, STRONG.to_owned())]
    );
}

#[test]
fn a_damaged_defaults_file_is_reported_and_never_overwritten() {
    let root = Root::new("baddefaults");
    let store = KeyStore::at(&root.0);
    store
        .set_provider_default(KeySet::User, 1, Some(STRONG))
        .unwrap();
    let file = root.0.join("user").join("defaults");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let bad = crate::codes::NTE_PROV_TYPE_ENTRY_BAD;
    assert_eq!(
        store.provider_defaults(KeySet::User).map_err(|e| e.code()),
        Err(bad)
    );
    assert_eq!(
        store
            .set_provider_default(KeySet::User, 24, Some(AES))
            .map_err(|e| e.code()),
        Err(bad)
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    // Other users' files and links are refused as the store's other files are.
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &file).unwrap();
    assert_eq!(
        store.provider_defaults(KeySet::User).map_err(|e| e.code()),
        Err(crate::codes::ERROR_ACCESS_DENIED)
    );
    assert_eq!(
        store.defaults_stamp(KeySet::User).map_err(|e| e.code()),
        Err(crate::codes::ERROR_ACCESS_DENIED)
    );
}

#[test]
fn container_access_semantics() {
    let root = Root::new("access");
    for store in [KeyStore::in_memory().unwrap(), KeyStore::at(&root.0)] {
        store.create(KeySet::User, "c").unwrap();
        assert_eq!(
            store.container_access(KeySet::User, "c").unwrap(),
            default_access()
        );
        let missing = store.container_access(KeySet::User, "none");
        assert!(matches!(missing, Err(Error::BadKeyset)));
        let missing = store.set_container_access(KeySet::User, "none", &changed_access());
        assert!(matches!(missing, Err(Error::BadKeyset)));
        let good = changed_access();
        for bad in [
            ContainerAccess {
                uid: good.uid + 1,
                ..good
            },
            ContainerAccess {
                gid: u32::MAX,
                ..good
            },
            ContainerAccess {
                mode: 0o640,
                ..good
            },
            ContainerAccess {
                mode: 0o604,
                ..good
            },
            ContainerAccess {
                mode: 0o400,
                ..good
            },
            ContainerAccess {
                mode: 0o4600,
                ..good
            },
        ] {
            let got = store.set_container_access(KeySet::User, "c", &bad);
            assert!(matches!(got, Err(Error::InvalidParameter)), "{bad:?}");
        }
        assert_eq!(
            store.container_access(KeySet::User, "c").unwrap(),
            default_access()
        );
        store
            .set_container_access(KeySet::User, "c", &good)
            .unwrap();
        assert_eq!(store.container_access(KeySet::User, "c").unwrap(), good);
        // Kept across a write.
        let id = store.load(KeySet::User, "c").unwrap().id;
        store.update(KeySet::User, "c", id, |_| {}).unwrap();
        assert_eq!(store.container_access(KeySet::User, "c").unwrap(), good);
        store
            .set_container_access(KeySet::User, "c", &default_access())
            .unwrap();
        assert_eq!(
            store.container_access(KeySet::User, "c").unwrap(),
            default_access()
        );
        store.remove(KeySet::User, "c").unwrap();
        assert!(matches!(
            store.container_access(KeySet::User, "c"),
            Err(Error::BadKeyset)
        ));
    }
    // A missing container's access change created no lock file.
    let store = KeyStore::at(&root.0);
    let lock = store.lock_path(KeySet::User, "none").unwrap();
    assert!(!lock.exists());
}

/// Without root, a group the user is not a member of is `EPERM`: `ERROR_ACCESS_DENIED`, and
/// the container keeps its access.
#[test]
fn a_group_the_system_refuses_is_access_denied() {
    let (uid, gid) = sys::effective_ids();
    if uid == 0 {
        eprintln!("skipping: root may give a file any group");
        return;
    }
    let root = Root::new("eperm");
    let store = KeyStore::at(&root.0);
    store.create(KeySet::User, "c").unwrap();
    let other = ContainerAccess {
        uid,
        gid: if gid == 4242 { 4243 } else { 4242 },
        mode: 0o600,
    };
    let got = store.set_container_access(KeySet::User, "c", &other);
    assert_eq!(
        got.map_err(|e| e.code()),
        Err(crate::codes::ERROR_ACCESS_DENIED)
    );
    assert_eq!(
        store.container_access(KeySet::User, "c").unwrap(),
        default_access()
    );
}
