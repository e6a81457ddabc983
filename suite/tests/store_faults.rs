//! File store faults: a full disk, a quota, a read-only file system, a permission error or an
//! I/O error at any step of a container write gives a documented error, leaves the previous
//! container whole and readable, and leaves no temporary file behind.
//!
//! [`FaultyIo`] is a [`StoreIo`] that wraps the operating system's ([`OsStoreIo`]), logs every
//! operation the store asks of it (with container stems and unique temporary names replaced by
//! their roles, so that logs of different runs compare), and fails the n-th operation, counted
//! overall or per kind of operation, with a chosen errno: before the operation (nothing
//! happens), or for a `write_new`, after writing half of the bytes (a disk that fills up during
//! the write) or all of them (an fsync that fails).
//!
//! Each write path is first run cleanly, which gives its list of steps. Then, for every step of
//! that list and every kind of fault, a fresh store is set up with a plain [`KeyStore::at`], the
//! write runs through [`KeyStore::at_with_io`] with that one step failing, and the test checks:
//!
//! * the write returns the fault's documented code: `ERROR_ACCESS_DENIED` for `EACCES` and
//!   `EROFS`, `NTE_FAIL` for `ENOSPC` and `EIO` (and, checked at a few steps only,
//!   `ERROR_ACCESS_DENIED` for `EPERM` and `NTE_FAIL` for `EDQUOT`);
//! * the step that failed is the one meant (the log up to it is the clean run's);
//! * through a fresh plain store, the container is its previous version, whole, and its key pair
//!   works; or, when the failed step came after the write's commit point (the rename of the new
//!   version, the removal of a deleted container's file, the link of a new `name-key` or
//!   `machine-guid`), it is the new version, whole;
//! * no temporary file is left anywhere under the root, except when the failed step is the
//!   removal of a `name-key` or `machine-guid` temporary after its link (no removal can remove
//!   a file whose removal fails; the file in place is whole and the store works);
//! * and the store still works: the same write through a plain store succeeds.
//!
//! Finally the set of steps that were failed is the clean run's set: every step was hit.
//!
//! The write paths: creating a container (`CRYPT_NEWKEYSET`) in an existing store, storing a key
//! pair into an existing container (`CryptImportKey`, an update), deleting a container
//! (`CRYPT_DELETEKEYSET`), creating the first container of a store that does not exist yet (the
//! root, the key set directory, `name-key`), and the store's first `machine-guid`
//! (`PP_UNIQUE_CONTAINER`). The provider defaults and `PP_KEYSET_SEC_DESCR` write paths, whose
//! store calls are crate-internal, are proved the same way by the crate's unit tests
//! (`store::fault_tests`).
//!
//! Real failures too, without the wrapper: a key set directory made read-only with `chmod 0500`
//! (run as an unprivileged user through `setpriv` when the suite runs as root, since root ignores
//! modes), and, as root, a real full `tmpfs` and its read-only remount in a private mount
//! namespace (`unshare --mount`). Each is skipped, saying why, where it cannot run.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoapi::codes::{ERROR_ACCESS_DENIED, NTE_BAD_KEYSET, NTE_FAIL, NTE_NO_KEY};
use cryptoapi::store::{FileAccess, FileRead, FileStamp, OsStoreIo, StoreDir, StoreIo, StoreLock};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, Error, KeyFlags, KeySpec, KeyStore, MS_STRONG_PROV,
    ProviderType, Zeroizing,
};
use rustix::io::Errno;

mod common;
use common::{TempRoot, assert_child_passed, describe, err_code, pair_id, wait_output};

/// Every acquire here names its provider: one without a name first reads the store's provider
/// defaults (cached, re-checked at most once a second, and ignored when unreadable), which
/// would add read steps that vary with timing to the write paths under test.
const FULL: ProviderType = ProviderType::RSA_FULL;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
/// The container each write path works on, and one beside it that no write may touch.
const TARGET: &str = "fault target";
const BYSTANDER: &str = "bystander";
const ENV_ROOT: &str = "CRYPTOAPI_FAULTS_ROOT";

// ---------------------------------------------------------------------------------------------
// The fault-injecting backend.

/// The operations of [`StoreIo`], one each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Op {
    OpenRoot,
    OpenSubdir,
    ReadFile,
    Exists,
    Stamp,
    Access,
    Entries,
    WriteNew,
    SetAccess,
    Rename,
    LinkNew,
    Remove,
    SyncDir,
    OpenLock,
    TryLock,
    LockStillAt,
}

/// One operation as the log records it: the operation and what it touched, by role
/// (`user/<container>`, `root/<name-key tmp>`), so that the logs of two runs compare.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Step {
    op: Op,
    on: String,
}

impl Step {
    fn new(op: Op, on: &str) -> Step {
        Step {
            op,
            on: on.to_owned(),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({})", self.op, self.on)
    }
}

/// The kinds of failure, each with its errno and the code the store must give for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    DiskFull,
    OverQuota,
    ReadOnly,
    Denied,
    NotPermitted,
    IoError,
}

impl Kind {
    /// What every step is failed with: a full disk, a read-only file system, a permission
    /// error, an I/O error.
    const EACH_STEP: [Kind; 4] = [Kind::DiskFull, Kind::ReadOnly, Kind::Denied, Kind::IoError];

    const ALL: [Kind; 6] = [
        Kind::DiskFull,
        Kind::OverQuota,
        Kind::ReadOnly,
        Kind::Denied,
        Kind::NotPermitted,
        Kind::IoError,
    ];

    fn errno(self) -> Errno {
        match self {
            Kind::DiskFull => Errno::NOSPC,
            Kind::OverQuota => Errno::DQUOT,
            Kind::ReadOnly => Errno::ROFS,
            Kind::Denied => Errno::ACCESS,
            Kind::NotPermitted => Errno::PERM,
            Kind::IoError => Errno::IO,
        }
    }

    fn error(self) -> io::Error {
        io::Error::from_raw_os_error(self.errno().raw_os_error())
    }

    /// The documented code.
    fn code(self) -> u32 {
        match self {
            Kind::ReadOnly | Kind::Denied | Kind::NotPermitted => ERROR_ACCESS_DENIED,
            Kind::DiskFull | Kind::OverQuota | Kind::IoError => NTE_FAIL,
        }
    }
}

/// Which operation fails: the n-th of the armed run (from 0), or the n-th of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    Nth(usize),
    NthOf(Op, usize),
}

/// What the failing operation does first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    /// Nothing: it fails at once.
    Before,
    /// `write_new` only: creates the file with the first half of the bytes, then fails (the
    /// disk filled up during the write).
    HalfWritten,
    /// `write_new` only: writes and syncs every byte, then fails (a failed fsync).
    Written,
}

#[derive(Clone, Copy, Debug)]
struct Fault {
    trigger: Trigger,
    kind: Kind,
    effect: Effect,
}

impl Fault {
    fn at(index: usize, kind: Kind) -> Fault {
        Fault {
            trigger: Trigger::Nth(index),
            kind,
            effect: Effect::Before,
        }
    }
}

#[derive(Default)]
struct State {
    armed: bool,
    log: Vec<Step>,
    counts: HashMap<Op, usize>,
    faults: Vec<(Fault, bool)>,
    fired: Vec<(usize, Step)>,
}

/// What an armed run did: every step, and the steps that were made to fail (with their index).
#[derive(Debug)]
struct Record {
    log: Vec<Step>,
    fired: Vec<(usize, Step)>,
}

/// A [`StoreIo`] over [`OsStoreIo`] that logs and fails operations while armed.
struct FaultyIo {
    os: OsStoreIo,
    root: PathBuf,
    state: Mutex<State>,
}

impl FaultyIo {
    fn new(root: &Path) -> Arc<FaultyIo> {
        Arc::new(FaultyIo {
            os: OsStoreIo,
            root: root.to_owned(),
            state: Mutex::new(State::default()),
        })
    }

    /// Starts logging (and counting from 0) with these faults.
    fn arm(&self, faults: &[Fault]) {
        let mut state = self.state.lock().unwrap();
        *state = State {
            armed: true,
            faults: faults.iter().map(|f| (*f, false)).collect(),
            ..State::default()
        };
    }

    /// Stops logging; what the armed run did.
    fn disarm(&self) -> Record {
        let mut state = self.state.lock().unwrap();
        state.armed = false;
        Record {
            log: std::mem::take(&mut state.log),
            fired: std::mem::take(&mut state.fired),
        }
    }

    /// Logs an operation; the fault to apply to it, if one is due.
    fn enter(&self, op: Op, on: String) -> Option<Fault> {
        let mut state = self.state.lock().unwrap();
        if !state.armed {
            return None;
        }
        let index = state.log.len();
        let nth_of_op = {
            let count = state.counts.entry(op).or_insert(0);
            *count += 1;
            *count - 1
        };
        let step = Step { op, on };
        state.log.push(step.clone());
        let due = state.faults.iter_mut().find(|(fault, fired)| {
            !*fired
                && match fault.trigger {
                    Trigger::Nth(n) => n == index,
                    Trigger::NthOf(kind, n) => kind == op && n == nth_of_op,
                }
        })?;
        due.1 = true;
        let fault = due.0;
        state.fired.push((index, step));
        Some(fault)
    }

    /// Logs an operation and fails it at once if a fault is due.
    fn check(&self, op: Op, on: String) -> io::Result<()> {
        match self.enter(op, on) {
            Some(fault) => Err(fault.kind.error()),
            None => Ok(()),
        }
    }

    fn label(&self, dir: &StoreDir) -> String {
        if dir.path() == self.root {
            "root".to_owned()
        } else {
            let name = dir.path().file_name().unwrap_or_default();
            name.to_string_lossy().into_owned()
        }
    }

    fn on(&self, dir: &StoreDir, name: &str) -> String {
        format!("{}/{}", self.label(dir), role(name))
    }

    fn on2(&self, dir: &StoreDir, from: &str, to: &str) -> String {
        format!("{} -> {}", self.on(dir, from), role(to))
    }
}

/// A file name by its role: container stems and unique temporary names vary between runs.
fn role(name: &str) -> String {
    let is_stem = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if name.strip_suffix(".ctr").is_some_and(is_stem) {
        return "<container>".to_owned();
    }
    if name.strip_suffix(".lock").is_some_and(is_stem) {
        return "<lock>".to_owned();
    }
    if let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) {
        if is_stem(inner) {
            return "<container tmp>".to_owned();
        }
        if let Some((file, _unique)) = inner.split_once('.') {
            return format!("<{file} tmp>");
        }
    }
    name.to_owned()
}

impl StoreIo for FaultyIo {
    fn open_root(&self, root: &Path, create: bool) -> io::Result<Option<StoreDir>> {
        let on = if root == self.root { "root" } else { "?" };
        self.check(Op::OpenRoot, format!("{on} create={create}"))?;
        self.os.open_root(root, create)
    }

    fn open_subdir(
        &self,
        dir: &StoreDir,
        name: &str,
        create: bool,
    ) -> io::Result<Option<StoreDir>> {
        self.check(
            Op::OpenSubdir,
            format!("{} create={create}", self.on(dir, name)),
        )?;
        self.os.open_subdir(dir, name, create)
    }

    fn read_file(&self, dir: &StoreDir, name: &str, max_len: usize) -> io::Result<FileRead> {
        self.check(Op::ReadFile, self.on(dir, name))?;
        self.os.read_file(dir, name, max_len)
    }

    fn exists(&self, dir: &StoreDir, name: &str) -> io::Result<bool> {
        self.check(Op::Exists, self.on(dir, name))?;
        self.os.exists(dir, name)
    }

    fn stamp(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileStamp>> {
        self.check(Op::Stamp, self.on(dir, name))?;
        self.os.stamp(dir, name)
    }

    fn access(&self, dir: &StoreDir, name: &str) -> io::Result<Option<FileAccess>> {
        self.check(Op::Access, self.on(dir, name))?;
        self.os.access(dir, name)
    }

    fn entries(&self, dir: &StoreDir) -> io::Result<Vec<String>> {
        self.check(Op::Entries, self.label(dir))?;
        self.os.entries(dir)
    }

    fn write_new(&self, dir: &StoreDir, name: &str, bytes: &[u8]) -> io::Result<()> {
        let Some(fault) = self.enter(Op::WriteNew, self.on(dir, name)) else {
            return self.os.write_new(dir, name, bytes);
        };
        match fault.effect {
            Effect::Before => {}
            Effect::HalfWritten => self.os.write_new(dir, name, &bytes[..bytes.len() / 2])?,
            Effect::Written => self.os.write_new(dir, name, bytes)?,
        }
        Err(fault.kind.error())
    }

    fn set_access(&self, dir: &StoreDir, name: &str, access: &FileAccess) -> io::Result<bool> {
        self.check(Op::SetAccess, self.on(dir, name))?;
        self.os.set_access(dir, name, access)
    }

    fn rename(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<()> {
        self.check(Op::Rename, self.on2(dir, from, to))?;
        self.os.rename(dir, from, to)
    }

    fn link_new(&self, dir: &StoreDir, from: &str, to: &str) -> io::Result<bool> {
        self.check(Op::LinkNew, self.on2(dir, from, to))?;
        self.os.link_new(dir, from, to)
    }

    fn remove(&self, dir: &StoreDir, name: &str) -> io::Result<bool> {
        self.check(Op::Remove, self.on(dir, name))?;
        self.os.remove(dir, name)
    }

    fn sync_dir(&self, dir: &StoreDir) -> io::Result<()> {
        self.check(Op::SyncDir, self.label(dir))?;
        self.os.sync_dir(dir)
    }

    fn open_lock(&self, dir: &StoreDir, name: &str) -> io::Result<StoreLock> {
        self.check(Op::OpenLock, self.on(dir, name))?;
        self.os.open_lock(dir, name)
    }

    fn try_lock(&self, lock: &StoreLock) -> io::Result<bool> {
        self.check(Op::TryLock, "lock".to_owned())?;
        self.os.try_lock(lock)
    }

    fn lock_still_at(&self, dir: &StoreDir, lock: &StoreLock, name: &str) -> io::Result<bool> {
        self.check(Op::LockStillAt, self.on(dir, name))?;
        self.os.lock_still_at(dir, lock, name)
    }
}

// ---------------------------------------------------------------------------------------------
// Key pairs and checks through a plain store.

struct Pair {
    private: Vec<u8>,
    id: String,
}

/// Two exchange pairs (512 bits), made once: the container's previous one and the new one.
fn pairs() -> &'static [Pair; 2] {
    static PAIRS: OnceLock<[Pair; 2]> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let prov = cryptoapi::Provider::verify_context(FULL).unwrap();
        let make = || {
            let key = prov
                .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(512))
                .unwrap();
            Pair {
                private: key
                    .export(None, BlobType::PrivateKeyBlob, 0)
                    .unwrap()
                    .to_vec(),
                id: pair_id(&key.export(None, BlobType::PublicKeyBlob, 0).unwrap()),
            }
        };
        [make(), make()]
    })
}

/// Creates `name` in a plain store with `pair` in its exchange slot.
fn container_with(root: &Path, name: &str, pair: &Pair) {
    let prov = KeyStore::at(root)
        .acquire(Some(name), Some(MS_STRONG_PROV), FULL, NEW)
        .unwrap();
    prov.import_key(&pair.private, None, KeyFlags::EXPORTABLE)
        .unwrap();
}

/// The id of the exchange pair of `name` read through a fresh plain store, after checking that
/// the pair works (it decrypts what its public key encrypts); `Err` with the code when the
/// container does not open, `None` when it has no exchange pair.
fn exchange_pair(root: &Path, name: &str) -> Result<Option<String>, u32> {
    let prov = KeyStore::at(root)
        .acquire(Some(name), Some(MS_STRONG_PROV), FULL, OPEN)
        .map_err(|e| e.code())?;
    let mut key = match prov.user_key(KeySpec::Exchange) {
        Ok(key) => key,
        Err(e) if e.code() == NTE_NO_KEY => return Ok(None),
        Err(e) => panic!("{name}: the exchange slot is unreadable: {e}"),
    };
    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let mut encryptor = prov.import_key(&public, None, KeyFlags::empty()).unwrap();
    let mut data = b"still works".to_vec();
    encryptor.encrypt(&mut data, true).unwrap();
    key.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"still works", "{name}: the pair does not decrypt");
    Ok(Some(pair_id(&public)))
}

#[track_caller]
fn assert_pair(root: &Path, name: &str, pair: &Pair, what: &str) {
    assert_eq!(
        exchange_pair(root, name),
        Ok(Some(pair.id.clone())),
        "{what}: {name} does not hold the expected pair"
    );
}

/// Every file under `root` whose name ends in `.tmp`.
fn temp_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(".tmp") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The names in a key set directory (empty when it does not exist), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// The write paths and their exhaustive runs.

/// Where a fault fell in a write path's clean run.
struct Fell<'a> {
    index: usize,
    clean: &'a [Step],
}

impl Fell<'_> {
    /// Whether the failed step came after `step` (which the clean run has) had succeeded.
    fn after(&self, step: &Step) -> bool {
        let at = self
            .clean
            .iter()
            .position(|s| s == step)
            .unwrap_or_else(|| panic!("{step} is not a step of the clean run"));
        self.index > at
    }
}

struct Scenario {
    name: &'static str,
    /// The store before the write, made with a plain store.
    setup: fn(&Path),
    /// The write through the faulty store; calls `arm` right before the call that writes.
    write: fn(&KeyStore, &dyn Fn()) -> cryptoapi::Result<()>,
    /// Checks the store after a failed write, through plain stores.
    check: fn(&Path, &Fell<'_>),
}

fn setup_two_containers(root: &Path) {
    container_with(root, TARGET, &pairs()[0]);
    container_with(root, BYSTANDER, &pairs()[0]);
}

const CREATE: Scenario = Scenario {
    name: "create",
    setup: |root| container_with(root, BYSTANDER, &pairs()[0]),
    write: |store, arm| {
        arm();
        store
            .acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, NEW)
            .map(drop)
    },
    check: |root, fell| {
        let renamed = fell.after(&Step::new(
            Op::Rename,
            "user/<container tmp> -> <container>",
        ));
        if renamed {
            assert_eq!(exchange_pair(root, TARGET), Ok(None), "the new container");
        } else {
            assert_eq!(exchange_pair(root, TARGET), Err(NTE_BAD_KEYSET));
            // Once the lock was held, a failed create removes the lock file it made.
            if fell.after(&Step::new(Op::LockStillAt, "user/<lock>")) {
                assert_eq!(
                    listing(&root.join("user")).len(),
                    2,
                    "only the bystander's container and lock"
                );
            }
        }
    },
};

const UPDATE: Scenario = Scenario {
    name: "update",
    setup: setup_two_containers,
    write: |store, arm| {
        let prov = store.acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)?;
        arm();
        prov.import_key(&pairs()[1].private, None, KeyFlags::EXPORTABLE)
            .map(drop)
    },
    check: |root, fell| {
        let renamed = fell.after(&Step::new(
            Op::Rename,
            "user/<container tmp> -> <container>",
        ));
        assert_pair(root, TARGET, &pairs()[usize::from(renamed)], "update");
        assert_eq!(
            listing(&root.join("user")).len(),
            4,
            "two containers, two locks"
        );
    },
};

const DELETE: Scenario = Scenario {
    name: "delete",
    setup: setup_two_containers,
    write: |store, arm| {
        arm();
        store.delete_container(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)
    },
    check: |root, fell| {
        if fell.after(&Step::new(Op::Remove, "user/<container>")) {
            assert_eq!(exchange_pair(root, TARGET), Err(NTE_BAD_KEYSET));
        } else {
            assert_pair(root, TARGET, &pairs()[0], "delete");
        }
    },
};

const FIRST_CONTAINER: Scenario = Scenario {
    name: "first",
    setup: |_| {},
    write: |store, arm| {
        arm();
        store
            .acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, NEW)
            .map(drop)
    },
    check: |root, fell| {
        let linked = fell.after(&Step::new(Op::LinkNew, "root/<name-key tmp> -> name-key"));
        let key = root.join("name-key");
        if linked {
            let meta = fs::metadata(&key).unwrap();
            assert_eq!((meta.len(), meta.mode() & 0o777), (32, 0o600));
        } else {
            assert!(!key.exists(), "a name key before its link");
        }
        let renamed = fell.after(&Step::new(
            Op::Rename,
            "user/<container tmp> -> <container>",
        ));
        let expected = if renamed {
            Ok(None)
        } else {
            Err(NTE_BAD_KEYSET)
        };
        assert_eq!(exchange_pair(root, TARGET), expected);
    },
};

const MACHINE_GUID: Scenario = Scenario {
    name: "guid",
    setup: |root| container_with(root, TARGET, &pairs()[0]),
    write: |store, arm| {
        let prov = store.acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)?;
        arm();
        prov.unique_container().map(drop)
    },
    check: |root, fell| {
        let linked = fell.after(&Step::new(
            Op::LinkNew,
            "root/<machine-guid tmp> -> machine-guid",
        ));
        let guid = root.join("machine-guid");
        if linked {
            assert_eq!(fs::read(&guid).unwrap().len(), 36);
        } else {
            assert!(!guid.exists(), "a machine GUID before its link");
        }
        assert_pair(root, TARGET, &pairs()[0], "guid");
    },
};

/// Runs a scenario's write on a fresh store with `faults`.
fn run(scenario: &Scenario, faults: &[Fault]) -> (cryptoapi::Result<()>, Record, TempRoot) {
    let root = TempRoot::new(scenario.name);
    (scenario.setup)(&root.path);
    let io = FaultyIo::new(&root.path);
    let store = KeyStore::at_with_io(&root.path, io.clone());
    let result = (scenario.write)(&store, &|| io.arm(faults));
    (result, io.disarm(), root)
}

/// The scenario's clean run: it succeeds, always takes the same steps, and leaves no
/// temporary file.
fn clean_run(scenario: &Scenario) -> Vec<Step> {
    let (result, first, root) = run(scenario, &[]);
    result.unwrap();
    assert_eq!(temp_files(&root.path), Vec::<PathBuf>::new());
    let (result, second, _root) = run(scenario, &[]);
    result.unwrap();
    assert_eq!(first.log, second.log, "{}: the steps vary", scenario.name);
    assert!(!first.log.is_empty());
    first.log
}

/// Whether a failed `step` may leave its temporary file: the removal of a unique temporary
/// file after its link (nothing else could remove it).
fn may_leave_its_temporary(step: &Step) -> bool {
    step.op == Op::Remove
        && (step.on.ends_with("<name-key tmp>") || step.on.ends_with("<machine-guid tmp>"))
}

/// Fails every step of the scenario's clean run with every kind of fault, and checks each run.
fn exhaustive(scenario: &Scenario) {
    let clean = clean_run(scenario);
    println!("{}: {} steps", scenario.name, clean.len());
    for (i, step) in clean.iter().enumerate() {
        println!("  {i:2} {step}");
    }
    let mut faulted = BTreeSet::new();
    let mut runs = 0;
    for (index, step) in clean.iter().enumerate() {
        let effects: &[Effect] = if step.op == Op::WriteNew {
            &[Effect::Before, Effect::HalfWritten, Effect::Written]
        } else {
            &[Effect::Before]
        };
        for &kind in &Kind::EACH_STEP {
            for &effect in effects {
                let fault = Fault {
                    effect,
                    ..Fault::at(index, kind)
                };
                let what = format!(
                    "{}: {kind:?} ({effect:?}) at step {index}, {step}",
                    scenario.name
                );
                let (result, record, root) = run(scenario, &[fault]);
                assert_eq!(record.fired, [(index, step.clone())], "{what}");
                assert_eq!(record.log[..=index], clean[..=index], "{what}");
                match result {
                    Ok(()) => panic!("{what}: the write succeeded"),
                    Err(err) => assert_eq!(err.code(), kind.code(), "{what}: {err}"),
                }
                let fell = Fell {
                    index,
                    clean: &clean,
                };
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    (scenario.check)(&root.path, &fell);
                }));
                assert!(checked.is_ok(), "{what}: the store is not as it should be");
                let left = temp_files(&root.path);
                if may_leave_its_temporary(step) {
                    assert!(left.len() <= 1, "{what}: {left:?}");
                    for tmp in &left {
                        assert_eq!(fs::metadata(tmp).unwrap().mode() & 0o777, 0o600, "{what}");
                    }
                } else {
                    assert_eq!(left, Vec::<PathBuf>::new(), "{what}: temporary files left");
                }
                // The store still works: the same write through a plain store succeeds.
                if let Err(err) = (scenario.write)(&KeyStore::at(&root.path), &|| {}) {
                    // A failure after the commit point already did it.
                    let done = [NTE_BAD_KEYSET, cryptoapi::codes::NTE_EXISTS];
                    assert!(done.contains(&err.code()), "{what}: then {err}");
                }
                faulted.insert(step.clone());
                runs += 1;
            }
        }
    }
    println!("{}: {runs} failing runs", scenario.name);
    let every: BTreeSet<Step> = clean.iter().cloned().collect();
    assert_eq!(faulted, every, "{}: steps not hit", scenario.name);
}

#[test]
fn every_step_of_a_container_create_fails_cleanly() {
    exhaustive(&CREATE);
}

#[test]
fn every_step_of_a_container_update_fails_cleanly() {
    exhaustive(&UPDATE);
}

#[test]
fn every_step_of_a_container_delete_fails_cleanly() {
    exhaustive(&DELETE);
}

#[test]
fn every_step_of_a_stores_first_container_fails_cleanly() {
    exhaustive(&FIRST_CONTAINER);
}

#[test]
fn every_step_of_a_stores_first_machine_guid_fails_cleanly() {
    exhaustive(&MACHINE_GUID);
}

/// Faults counted per kind of operation hit the same steps as the overall count.
#[test]
fn faults_counted_per_operation_hit_the_same_steps() {
    let clean = clean_run(&UPDATE);
    let mut seen: HashMap<Op, usize> = HashMap::new();
    for (index, step) in clean.iter().enumerate() {
        let nth = seen.entry(step.op).or_insert(0);
        let fault = Fault {
            trigger: Trigger::NthOf(step.op, *nth),
            ..Fault::at(0, Kind::IoError)
        };
        *nth += 1;
        let (result, record, root) = run(&UPDATE, &[fault]);
        assert_eq!(record.fired, [(index, step.clone())]);
        assert_eq!(err_code(result), NTE_FAIL);
        (UPDATE.check)(
            &root.path,
            &Fell {
                index,
                clean: &clean,
            },
        );
    }
}

/// Every errno gives its code, at a write and at an open: `EDQUOT` and `EPERM` too, which the
/// exhaustive runs leave out.
#[test]
fn every_errno_gives_its_code() {
    let clean = clean_run(&UPDATE);
    for op in [Op::WriteNew, Op::OpenLock, Op::SyncDir] {
        let index = clean.iter().position(|s| s.op == op).unwrap();
        for kind in Kind::ALL {
            let (result, _, root) = run(&UPDATE, &[Fault::at(index, kind)]);
            assert_eq!(err_code(result), kind.code(), "{kind:?} at {op:?}");
            (UPDATE.check)(
                &root.path,
                &Fell {
                    index,
                    clean: &clean,
                },
            );
        }
    }
}

/// A read-only file system is `ERROR_ACCESS_DENIED` with the `EROFS` error inside it; a full
/// disk is `NTE_FAIL` with the `ENOSPC` error as it came.
#[test]
fn the_error_keeps_the_systems_error() {
    let clean = clean_run(&UPDATE);
    let write = clean.iter().position(|s| s.op == Op::WriteNew).unwrap();
    for (kind, code, inner_kind) in [
        (
            Kind::ReadOnly,
            ERROR_ACCESS_DENIED,
            io::ErrorKind::PermissionDenied,
        ),
        (Kind::DiskFull, NTE_FAIL, io::ErrorKind::StorageFull),
    ] {
        let (result, _, _root) = run(&UPDATE, &[Fault::at(write, kind)]);
        let err = result.unwrap_err();
        assert_eq!(err.code(), code);
        let Error::Io(io_err) = &err else {
            panic!("{err:?} is not an i/o error");
        };
        assert_eq!(io_err.kind(), inner_kind);
        let errno = io_err.raw_os_error().or_else(|| {
            io_err
                .get_ref()
                .and_then(|e| e.downcast_ref::<io::Error>())
                .and_then(io::Error::raw_os_error)
        });
        assert_eq!(errno, Some(kind.errno().raw_os_error()), "{err}");
    }
}

/// When the rename fails and so does the removal of the temporary file after it, the
/// container is intact, the fixed temporary file stays (as after a crash), and the next write
/// replaces it.
#[test]
fn a_temporary_left_by_a_double_failure_goes_with_the_next_write() {
    let rename = Fault {
        trigger: Trigger::NthOf(Op::Rename, 0),
        ..Fault::at(0, Kind::IoError)
    };
    // The first removal is of a dead writer's temporary file, before the write; the second is
    // the cleanup after the failed rename.
    let cleanup = Fault {
        trigger: Trigger::NthOf(Op::Remove, 1),
        ..Fault::at(0, Kind::IoError)
    };
    let (result, record, root) = run(&UPDATE, &[rename, cleanup]);
    assert_eq!(err_code(result), NTE_FAIL);
    assert_eq!(record.fired.len(), 2, "{:?}", record.fired);
    assert_pair(&root.path, TARGET, &pairs()[0], "double failure");
    assert_eq!(temp_files(&root.path).len(), 1);
    (UPDATE.write)(&KeyStore::at(&root.path), &|| {}).unwrap();
    assert_pair(&root.path, TARGET, &pairs()[1], "the next write");
    assert_eq!(temp_files(&root.path), Vec::<PathBuf>::new());
}

/// A store built with [`OsStoreIo`] itself behaves as [`KeyStore::at`].
#[test]
fn the_os_backend_is_the_plain_store() {
    let root = TempRoot::new("os");
    let store = KeyStore::at_with_io(&root.path, Arc::new(OsStoreIo));
    let prov = store
        .acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, NEW)
        .unwrap();
    prov.import_key(&pairs()[0].private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    assert_pair(&root.path, TARGET, &pairs()[0], "os backend");
    assert_eq!(store.containers(cryptoapi::KeySet::User).unwrap(), [TARGET]);
    assert!(format!("{store:?}").contains("custom"));
    assert!(!format!("{:?}", KeyStore::at(&root.path)).contains("custom"));
}

/// The seam's types can be shared between threads (a [`KeyStore`] is), and a read's `Debug`
/// never shows the bytes (container files hold private keys).
#[test]
fn the_seams_types_are_send_and_sync_and_hide_file_bytes() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<OsStoreIo>();
    send_sync::<StoreDir>();
    send_sync::<StoreLock>();
    send_sync::<FileRead>();
    send_sync::<FileStamp>();
    send_sync::<FileAccess>();
    send_sync::<Arc<dyn StoreIo>>();
    send_sync::<FaultyIo>();
    let read = FileRead::Bytes(Zeroizing::new(b"private key bytes".to_vec()));
    assert_eq!(format!("{read:?}"), "Bytes(17 bytes)");
}

// ---------------------------------------------------------------------------------------------
// Real failures.

/// Whether this process runs as root, found by creating a file and reading its owner.
fn running_as_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        let probe = TempRoot::new("whoami");
        fs::write(&probe.path, b"").unwrap();
        fs::metadata(&probe.path).unwrap().uid() == 0
    })
}

/// An unprivileged uid for the read-only test when the suite runs as root.
const NOBODY: u32 = 4242;

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// With the key set directory read-only (0500): every write is `ERROR_ACCESS_DENIED`, the
/// container stays whole and readable, nothing is left; writable again, the store works.
fn read_only_directory_checks(root: &Path) {
    container_with(root, TARGET, &pairs()[0]);
    let store = KeyStore::at(root);
    let prov = store
        .acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)
        .unwrap();
    let user = root.join("user");
    let before = listing(&user);
    set_mode(&user, 0o500);
    assert_eq!(
        err_code(prov.import_key(&pairs()[1].private, None, KeyFlags::EXPORTABLE)),
        ERROR_ACCESS_DENIED,
        "update"
    );
    assert_eq!(
        err_code(store.acquire(Some("another"), Some(MS_STRONG_PROV), FULL, NEW)),
        ERROR_ACCESS_DENIED,
        "create"
    );
    assert_eq!(
        err_code(store.delete_container(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)),
        ERROR_ACCESS_DENIED,
        "delete"
    );
    assert_pair(root, TARGET, &pairs()[0], "read-only directory");
    assert_eq!(listing(&user), before);
    assert_eq!(temp_files(root), Vec::<PathBuf>::new());
    set_mode(&user, 0o700);
    prov.import_key(&pairs()[1].private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    assert_pair(root, TARGET, &pairs()[1], "writable again");
}

#[test]
fn a_read_only_key_set_directory_refuses_writes_and_keeps_the_container() {
    let base = TempRoot::new("rodir");
    fs::create_dir(&base.path).unwrap();
    let root = base.path.join("store");
    if !running_as_root() {
        read_only_directory_checks(&root);
        return;
    }
    // Root ignores modes: run the checks as another user.
    std::os::unix::fs::chown(&base.path, Some(NOBODY), Some(NOBODY)).unwrap();
    let mut cmd = Command::new("setpriv");
    cmd.args([
        format!("--reuid={NOBODY}"),
        format!("--regid={NOBODY}"),
        "--clear-groups".to_owned(),
        "--".to_owned(),
    ]);
    cmd.arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_read_only_directory",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_ROOT, &root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("skipping: running as root, and setpriv cannot start: {err}");
            return;
        }
    };
    let output = wait_output(child);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("setpriv:") {
        eprintln!(
            "skipping: running as root, and setpriv fails:\n{}",
            describe(&output)
        );
        return;
    }
    assert_child_passed("child_read_only_directory", &output);
}

#[test]
#[ignore = "child process helper of a_read_only_key_set_directory_refuses_writes_and_keeps_the_container"]
fn child_read_only_directory() {
    let Some(root) = std::env::var_os(ENV_ROOT) else {
        return;
    };
    assert!(!running_as_root(), "the child must not run as root");
    read_only_directory_checks(Path::new(&root));
}

/// In a private mount namespace (root only): a real full `tmpfs`, then the same file system
/// remounted read-only.
#[test]
fn a_real_full_disk_and_a_real_read_only_file_system() {
    if !running_as_root() {
        eprintln!("skipping: mounting a tmpfs needs root");
        return;
    }
    let base = TempRoot::new("tmpfs");
    fs::create_dir(&base.path).unwrap();
    let mut cmd = Command::new("unshare");
    cmd.args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_real_file_system",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_ROOT, &base.path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("skipping: unshare cannot start: {err}");
            return;
        }
    };
    let output = wait_output(child);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("unshare:") {
        eprintln!(
            "skipping: no private mount namespace:\n{}",
            describe(&output)
        );
        return;
    }
    if stdout.contains("SKIP:") {
        eprintln!("skipping: {}", describe(&output));
        return;
    }
    assert_child_passed("child_real_file_system", &output);
}

fn mount(args: &[&str], at: &Path) -> bool {
    Command::new("mount")
        .args(args)
        .arg(at)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
#[ignore = "child process helper of a_real_full_disk_and_a_real_read_only_file_system"]
fn child_real_file_system() {
    let Some(base) = std::env::var_os(ENV_ROOT).map(PathBuf::from) else {
        return;
    };
    if !mount(
        &["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs"],
        &base,
    ) {
        println!("\nSKIP: cannot mount a tmpfs");
        return;
    }
    let root = base.join("store");
    container_with(&root, TARGET, &pairs()[0]);
    let store = KeyStore::at(&root);
    let prov = store
        .acquire(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)
        .unwrap();
    let user = root.join("user");
    let before = listing(&user);

    // Fill the file system.
    let mut filler = fs::File::create(base.join("filler")).unwrap();
    let chunk = [0u8; 4096];
    while filler.write_all(&chunk).is_ok() {}
    drop(filler);
    assert_eq!(
        err_code(prov.import_key(&pairs()[1].private, None, KeyFlags::EXPORTABLE)),
        NTE_FAIL,
        "update on a full disk"
    );
    assert_eq!(
        err_code(store.acquire(Some("another"), Some(MS_STRONG_PROV), FULL, NEW)),
        NTE_FAIL,
        "create on a full disk"
    );
    assert_pair(&root, TARGET, &pairs()[0], "full disk");
    assert_eq!(listing(&user), before, "full disk");
    assert_eq!(temp_files(&base), Vec::<PathBuf>::new());
    fs::remove_file(base.join("filler")).unwrap();
    prov.import_key(&pairs()[1].private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    assert_pair(&root, TARGET, &pairs()[1], "room again");

    // Read-only.
    assert!(mount(&["-o", "remount,ro"], &base), "remount read-only");
    assert_eq!(
        err_code(prov.import_key(&pairs()[0].private, None, KeyFlags::EXPORTABLE)),
        ERROR_ACCESS_DENIED,
        "update on a read-only file system"
    );
    assert_eq!(
        err_code(store.delete_container(Some(TARGET), Some(MS_STRONG_PROV), FULL, OPEN)),
        ERROR_ACCESS_DENIED,
        "delete on a read-only file system"
    );
    assert_pair(&root, TARGET, &pairs()[1], "read-only file system");
    assert_eq!(temp_files(&base), Vec::<PathBuf>::new());
}
