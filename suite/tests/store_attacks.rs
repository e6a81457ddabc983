#![cfg(unix)]
//! The file key store against a local attacker: another user (or a process of ours that was
//! subverted) who can create, replace, rename and chmod files around the store's root.
//!
//! The attacks, each refused as the store's specification says:
//!
//! * **Loose directories**: a root or key-set directory (`<root>/user`, `<root>/machine`) owned
//!   by another user or writable by group or others: every operation gives
//!   `ERROR_ACCESS_DENIED` naming the directory; a root of ours with mode 0755 is fine, and the
//!   key-set directories the store creates are 0700.
//! * **Loose ancestors**: a directory above the root writable by others without the sticky bit
//!   (where anyone could rename the root away); a sticky one (`/tmp`, 1777) is fine.
//! * **Planted and replaced files**: a container, lock or `machine-guid` file that is a symlink,
//!   a FIFO, a directory or a device, owned by another user, or with any group/other permission
//!   bit: `ERROR_ACCESS_DENIED` naming the file, and the key in it is never used. Symlinks are
//!   never followed (for the temporary file `.<stem>.tmp` of a write too): their targets outside
//!   the store keep their content and mode, and a dangling one creates nothing.
//! * **Blocking and oversized files**: a FIFO container never blocks a read, and a 50 MiB
//!   (sparse) container file is `NTE_KEYSET_ENTRY_BAD` at once; listing skips what it refuses
//!   and never hangs. Calls that could block run in a thread and fail the test after five
//!   seconds, so a regression hangs no CI.
//! * **Planted containers**: a valid container file of another store, copied in at the right
//!   path, is refused when owned by another user or readable by others.
//! * **A relative `CRYPTOAPI_HOME`** (resolved against whatever the working directory is):
//!   `ERROR_ENVVAR_NOT_FOUND`. The variable is set in a child process (`set_var` is `unsafe`
//!   in edition 2024 and the workspace forbids unsafe code), so no test of this process sees it.
//! * **Guessable file names**: a container's file name is HMAC-SHA256 of its name under a
//!   per-store secret (`<root>/name-key`, 0600), not the plain SHA-256 an attacker could
//!   precompute.
//! * **A key-set directory swapped for a symlink** while containers are written: nothing lands
//!   in the attacker's directory, and every error is one of the documented codes.
//! * **Root writing into another user's store**: refused (running as root, the kernel would let
//!   it; only the store's own checks stop it).
//!
//! CI runs as root; "another user" is uid 4242 (`chown`). Tests that need `chown` print why
//! and return when not run as root. Every test works in its own [`TempRoot`] and gives chowned
//! files back (a [`Chowned`] guard, dropped before the roots) so that cleanup removes all.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fmt::Debug;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, lchown, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, KeyFlags, KeySet, KeySpec, KeyStore, Provider, ProviderType,
};

mod common;
use common::{TempRoot, assert_child_passed, describe, hex, wait_output};

// The Windows values, spelled out so that the tests pin them independently of the crate.
const ERROR_ACCESS_DENIED: u32 = 5;
const ERROR_BUSY: u32 = 170;
const ERROR_ENVVAR_NOT_FOUND: u32 = 203;
const NTE_EXISTS: u32 = 0x8009_000F;
const NTE_BAD_KEYSET: u32 = 0x8009_0016;
const NTE_KEYSET_ENTRY_BAD: u32 = 0x8009_001A;
const NTE_FAIL: u32 = 0x8009_0020;

const FULL: ProviderType = ProviderType::RSA_FULL;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const MACHINE: AcquireFlags = AcquireFlags::MACHINE_KEYSET;

/// The uid (and gid) that stands for another user.
const OTHER_UID: u32 = 4242;

/// How long a call that must not block may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(5);

/// What a call gave: `Ok` with its value's `Debug`, or the error's code and `Display`.
type Outcome = Result<String, (u32, String)>;

fn outcome<T: Debug>(result: cryptoapi::Result<T>) -> Outcome {
    match result {
        Ok(value) => Ok(format!("{value:?}")),
        Err(err) => Err((err.code(), err.to_string())),
    }
}

/// Whether the error text names `path` (as given, or with its directory canonicalised).
fn names_path(text: &str, path: &Path) -> bool {
    let mut forms = vec![path.display().to_string()];
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name())
        && let Ok(parent) = fs::canonicalize(parent)
    {
        forms.push(parent.join(name).display().to_string());
    }
    forms.iter().any(|form| text.contains(form.as_str()))
}

/// Checks that `got` is `ERROR_ACCESS_DENIED` and that its `Display` names `path`.
#[track_caller]
fn assert_denied(got: Outcome, path: &Path, what: &str) {
    match got {
        Ok(value) => panic!(
            "{what}: expected ERROR_ACCESS_DENIED naming {}, got Ok({value})",
            path.display()
        ),
        Err((code, text)) => {
            assert_eq!(
                code,
                ERROR_ACCESS_DENIED,
                "{what}: expected ERROR_ACCESS_DENIED naming {}, got {code:#x}: {text}",
                path.display()
            );
            assert!(
                names_path(&text, path),
                "{what}: the error does not name {}: {text}",
                path.display()
            );
        }
    }
}

/// Whether this process runs as root, found by creating a file and reading its owner.
fn running_as_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        let probe = TempRoot::new("whoami");
        fs::write(&probe.path, b"").unwrap();
        fs::metadata(&probe.path).unwrap().uid() == 0
    })
}

/// Whether the test can chown files to another user; prints why it is skipped when not.
fn can_chown(test: &str) -> bool {
    let root = running_as_root();
    if !root {
        eprintln!("skipping {test}: chown to uid {OTHER_UID} needs root");
    }
    root
}

/// Files given to [`OTHER_UID`]; given back to their first owner on drop (declare the guard
/// after the [`TempRoot`]s so it drops first).
#[derive(Default)]
struct Chowned(Vec<(PathBuf, u32, u32)>);

impl Chowned {
    fn give_away(&mut self, path: &Path) {
        let meta = fs::symlink_metadata(path).unwrap();
        lchown(path, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
        self.0.push((path.to_owned(), meta.uid(), meta.gid()));
    }

    fn give_back(&mut self) {
        for (path, uid, gid) in self.0.drain(..).rev() {
            if fs::symlink_metadata(&path).is_ok() {
                lchown(&path, Some(uid), Some(gid)).unwrap();
            }
        }
    }
}

impl Drop for Chowned {
    fn drop(&mut self) {
        for (path, uid, gid) in self.0.drain(..).rev() {
            let _ = lchown(&path, Some(uid), Some(gid));
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode_of(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// A private directory of ours (0700, whatever the umask).
fn private_dir(path: &Path) {
    fs::create_dir_all(path).unwrap();
    set_mode(path, 0o700);
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}: {status}", path.display());
}

/// Opens a FIFO for writing and closes it at once, so that a reader blocked on it gets EOF. In
/// a thread of its own: with no reader it would block.
fn unblock_fifo(path: &Path) {
    let path = path.to_owned();
    thread::spawn(move || drop(OpenOptions::new().write(true).open(path)));
}

/// Runs `call` in a thread and returns what it gave; fails the test if it takes more than
/// [`DEADLINE`] (after unblocking a reader of `fifo`, so that the thread can end).
#[track_caller]
fn within<T: Send + 'static>(
    what: &str,
    fifo: Option<&Path>,
    call: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    thread::spawn(move || {
        let _ = tx.send(call());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            if let Some(fifo) = fifo {
                unblock_fifo(fifo);
            }
            panic!("{what} still blocked after {:?}", start.elapsed());
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// Every path under `dir` (not following symlinks), sorted, with its type and mode.
fn walk(dir: &Path) -> Vec<(PathBuf, String)> {
    fn collect(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            out.push((
                path.clone(),
                format!("{:?} {:o}", meta.file_type(), meta.mode()),
            ));
            if meta.is_dir() {
                collect(&path, out);
            }
        }
    }
    let mut out = Vec::new();
    collect(dir, &mut out);
    out.sort();
    out
}

/// A file outside every store, with its content and mode, to check that nothing touched it.
struct Bait {
    path: PathBuf,
    content: Vec<u8>,
    mode: u32,
}

impl Bait {
    fn plant(path: PathBuf, content: &[u8], mode: u32) -> Bait {
        fs::write(&path, content).unwrap();
        set_mode(&path, mode);
        Bait {
            path,
            content: content.to_vec(),
            mode,
        }
    }

    #[track_caller]
    fn assert_untouched(&self, after: &str) {
        let meta = fs::symlink_metadata(&self.path)
            .unwrap_or_else(|err| panic!("after {after}: {} is gone: {err}", self.path.display()));
        assert!(
            meta.is_file(),
            "after {after}: {} replaced",
            self.path.display()
        );
        assert_eq!(
            meta.mode() & 0o7777,
            self.mode,
            "after {after}: the mode of {} changed",
            self.path.display()
        );
        assert_eq!(
            fs::read(&self.path).unwrap(),
            self.content,
            "after {after}: {} was written",
            self.path.display()
        );
    }
}

fn gen_pair(prov: &Provider) -> cryptoapi::Result<()> {
    prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .map(drop)
}

fn public_key(prov: &Provider) -> cryptoapi::Result<Vec<u8>> {
    let key = prov.user_key(KeySpec::Signature)?;
    Ok(key.export(None, BlobType::PublicKeyBlob, 0)?.to_vec())
}

/// A `PRIVATEKEYBLOB` of a fresh signature pair from a verify context, to import.
fn private_blob() -> Vec<u8> {
    let verify = Provider::verify_context(FULL).unwrap();
    let key = verify
        .gen_key(AlgId::AT_SIGNATURE, KeyFlags::EXPORTABLE.with_key_bits(512))
        .unwrap();
    key.export(None, BlobType::PrivateKeyBlob, 0)
        .unwrap()
        .to_vec()
}

/// A store at `root` with container `name` holding a signature pair, and a context on it.
fn store_with_pair(root: &TempRoot, name: &str, flags: AcquireFlags) -> (KeyStore, Provider) {
    let store = root.store();
    let prov = store.acquire(Some(name), None, FULL, NEW | flags).unwrap();
    gen_pair(&prov).unwrap();
    (store, prov)
}

/// Every operation on `store` (whose context `prov` is open on container `name` with `flags`)
/// is refused with `ERROR_ACCESS_DENIED` naming `path`, and creates nothing under `root`.
#[track_caller]
fn assert_every_operation_denied(
    root: &Path,
    store: &KeyStore,
    prov: &Provider,
    name: &str,
    flags: AcquireFlags,
    path: &Path,
    guid_too: bool,
) {
    let keyset = if flags.contains(MACHINE) {
        KeySet::Machine
    } else {
        KeySet::User
    };
    let before = walk(root);
    let blob = private_blob();
    assert_denied(
        outcome(store.acquire(Some(name), None, FULL, OPEN | flags)),
        path,
        "open",
    );
    assert_denied(
        outcome(store.acquire(Some("fresh"), None, FULL, NEW | flags)),
        path,
        "create",
    );
    assert_denied(outcome(store.containers(keyset)), path, "containers()");
    assert_denied(outcome(prov.containers()), path, "Provider::containers()");
    assert_denied(outcome(public_key(prov)), path, "user_key");
    assert_denied(outcome(gen_pair(prov)), path, "gen_key (a pair write)");
    assert_denied(
        outcome(prov.import_key(&blob, None, KeyFlags::EXPORTABLE).map(drop)),
        path,
        "import_key (a pair write)",
    );
    assert_denied(
        outcome(store.delete_container(Some(name), None, FULL, OPEN | flags)),
        path,
        "delete",
    );
    if guid_too {
        assert_denied(outcome(prov.unique_container()), path, "unique_container()");
    }
    assert_eq!(walk(root), before, "a refused operation changed the store");
}

/// After the attack is undone, the container is back, whole.
#[track_caller]
fn assert_usable(store: &KeyStore, name: &str, flags: AcquireFlags) {
    let prov = store.acquire(Some(name), None, FULL, OPEN | flags).unwrap();
    public_key(&prov).unwrap();
    prov.unique_container().unwrap();
}

/// `gen_pair` in a thread, failing the test after [`DEADLINE`] (a writer must never spin on a
/// lock file it cannot trust).
fn gen_within(prov: &Provider, what: &str) -> Outcome {
    let prov = prov.clone();
    within(what, None, move || outcome(gen_pair(&prov)))
}

/// A delete in a thread, failing the test after [`DEADLINE`].
fn delete_within(store: &KeyStore, name: &str, what: &str) -> Outcome {
    let (store, name) = (store.clone(), name.to_owned());
    within(what, None, move || {
        outcome(store.delete_container(Some(&name), None, FULL, OPEN))
    })
}

// ---------------------------------------------------------------------------------------------
// 1, 2, 10. The root, the key-set directories and the root's ancestors.

#[test]
fn key_set_directories_are_created_0700() {
    let root = TempRoot::new("dirmode");
    let store = root.store();
    store.acquire(Some("u"), None, FULL, NEW).unwrap();
    store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    for dir in ["user", "machine"] {
        let path = root.path.join(dir);
        assert!(fs::symlink_metadata(&path).unwrap().is_dir());
        assert_eq!(mode_of(&path), 0o700, "{}", path.display());
    }
    assert_eq!(mode_of(&root.path) & 0o077, 0, "the root the store created");
}

#[test]
fn a_root_of_ours_with_mode_0755_is_accepted() {
    let root = TempRoot::new("root755");
    fs::create_dir(&root.path).unwrap();
    set_mode(&root.path, 0o755);
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    public_key(&prov).unwrap();
    prov.unique_container().unwrap();
    assert_eq!(store.containers(KeySet::User).unwrap(), ["c"]);
    store.delete_container(Some("c"), None, FULL, OPEN).unwrap();
    assert_eq!(
        mode_of(&root.path),
        0o755,
        "the store changed the root's mode"
    );
}

#[test]
fn a_root_writable_by_group_or_others_is_refused() {
    let root = TempRoot::new("rootmode");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let machine = store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    gen_pair(&machine).unwrap();
    // The GUID file exists: unique_container() reads it rather than creating it.
    prov.unique_container().unwrap();
    for mode in [0o720, 0o702, 0o770, 0o707, 0o775, 0o757, 0o777, 0o1777] {
        set_mode(&root.path, mode);
        eprintln!("root mode {mode:o}");
        assert_every_operation_denied(&root.path, &store, &prov, "c", OPEN, &root.path, true);
        assert_every_operation_denied(&root.path, &store, &machine, "m", MACHINE, &root.path, true);
        set_mode(&root.path, 0o700);
        assert_usable(&store, "c", OPEN);
        assert_usable(&store, "m", MACHINE);
    }
}

#[test]
fn a_key_set_directory_writable_by_group_or_others_is_refused() {
    let root = TempRoot::new("setmode");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let machine = store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    gen_pair(&machine).unwrap();
    for (dir, prov, name, flags) in [
        ("user", &prov, "c", OPEN),
        ("machine", &machine, "m", MACHINE),
    ] {
        let path = root.path.join(dir);
        for mode in [0o720, 0o702, 0o770, 0o707, 0o775, 0o777, 0o1777] {
            set_mode(&path, mode);
            eprintln!("{dir} mode {mode:o}");
            assert_every_operation_denied(&root.path, &store, prov, name, flags, &path, false);
            set_mode(&path, 0o700);
            assert_usable(&store, name, flags);
        }
    }
}

#[test]
fn a_root_owned_by_another_user_is_refused() {
    if !can_chown("a_root_owned_by_another_user_is_refused") {
        return;
    }
    let root = TempRoot::new("rootowner");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    prov.unique_container().unwrap();
    let mut chowned = Chowned::default();
    chowned.give_away(&root.path);
    assert_every_operation_denied(&root.path, &store, &prov, "c", OPEN, &root.path, true);
    chowned.give_back();
    assert_usable(&store, "c", OPEN);
}

#[test]
fn a_key_set_directory_owned_by_another_user_is_refused() {
    if !can_chown("a_key_set_directory_owned_by_another_user_is_refused") {
        return;
    }
    let root = TempRoot::new("setowner");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let machine = store.acquire(Some("m"), None, FULL, NEW | MACHINE).unwrap();
    gen_pair(&machine).unwrap();
    let mut chowned = Chowned::default();
    for (dir, prov, name, flags) in [
        ("user", &prov, "c", OPEN),
        ("machine", &machine, "m", MACHINE),
    ] {
        let path = root.path.join(dir);
        chowned.give_away(&path);
        assert_every_operation_denied(&root.path, &store, prov, name, flags, &path, false);
        chowned.give_back();
        assert_usable(&store, name, flags);
    }
}

/// 10: root may write anywhere as far as the kernel is concerned; the store must still refuse
/// to write into a store that belongs to someone else.
#[test]
fn root_creates_nothing_in_a_store_owned_by_another_user() {
    if !can_chown("root_creates_nothing_in_a_store_owned_by_another_user") {
        return;
    }
    let root = TempRoot::new("foreign");
    private_dir(&root.path);
    let mut chowned = Chowned::default();
    chowned.give_away(&root.path);
    let store = root.store();
    assert_denied(
        outcome(store.acquire(Some("c"), None, FULL, NEW)),
        &root.path,
        "create in a foreign root",
    );
    assert_denied(
        outcome(store.acquire(Some("m"), None, FULL, NEW | MACHINE)),
        &root.path,
        "create in a foreign root's machine key set",
    );
    assert_denied(
        outcome(store.containers(KeySet::User)),
        &root.path,
        "containers() of a foreign root",
    );
    assert_eq!(walk(&root.path), [], "files created in a foreign root");
    chowned.give_back();
}

#[test]
fn an_ancestor_writable_by_others_without_the_sticky_bit_is_refused() {
    let base = TempRoot::new("ancestor");
    private_dir(&base.path);
    let open = base.path.join("open");
    private_dir(&open);
    let root = open.join("store");
    let store = KeyStore::at(&root);
    // A store under a 0755 ancestor is fine.
    set_mode(&open, 0o755);
    let prov = store.acquire(Some("c"), None, FULL, NEW).unwrap();
    gen_pair(&prov).unwrap();

    for mode in [0o777, 0o757, 0o703, 0o702] {
        set_mode(&open, mode);
        eprintln!("ancestor mode {mode:o}");
        assert_every_operation_denied(&root, &store, &prov, "c", OPEN, &open, true);
        // Not even a new store is started under it.
        let fresh = KeyStore::at(open.join("fresh"));
        assert_denied(
            outcome(fresh.acquire(Some("c"), None, FULL, NEW)),
            &open,
            "create under a loose ancestor",
        );
        assert!(
            !open.join("fresh").exists(),
            "a store was started under a loose ancestor"
        );
    }
    // With the sticky bit, others cannot rename or remove what is ours: fine, like /tmp.
    set_mode(&open, 0o1777);
    assert_usable(&store, "c", OPEN);
    let fresh = KeyStore::at(open.join("fresh"));
    fresh.acquire(Some("c"), None, FULL, NEW).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 3, 5. Symlinks are never followed.

#[test]
fn a_symlinked_container_file_is_never_followed() {
    let root = TempRoot::new("ctrlink");
    let outside = TempRoot::new("ctrlink-outside");
    private_dir(&outside.path);
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let path = store.container_path(KeySet::User, "c").unwrap();
    // The real container, moved out of the store and linked back: following the link would use
    // its key (and a write would land outside the store).
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    let bait = Bait::plant(outside.path.join("container"), &bytes, 0o644);
    symlink(&bait.path, &path).unwrap();

    assert_denied(
        outcome(store.acquire(Some("c"), None, FULL, OPEN)),
        &path,
        "open",
    );
    bait.assert_untouched("open");
    assert_denied(outcome(public_key(&prov)), &path, "user_key");
    bait.assert_untouched("user_key");
    assert_denied(outcome(gen_pair(&prov)), &path, "gen_key");
    bait.assert_untouched("gen_key");
    let create = outcome(store.acquire(Some("c"), None, FULL, NEW));
    assert!(
        matches!(create, Err((NTE_EXISTS | ERROR_ACCESS_DENIED, _))),
        "create over a symlink: {create:?}"
    );
    bait.assert_untouched("create");
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        Vec::<String>::new()
    );
    bait.assert_untouched("containers()");
    // A delete may refuse, or remove the link; it never touches the target.
    let delete = outcome(store.delete_container(Some("c"), None, FULL, OPEN));
    assert!(
        matches!(delete, Ok(_) | Err((ERROR_ACCESS_DENIED, _))),
        "delete of a symlink: {delete:?}"
    );
    bait.assert_untouched("delete");

    // A dangling link creates nothing where it points.
    let _ = fs::remove_file(&path);
    let nowhere = outside.path.join("nowhere");
    symlink(&nowhere, &path).unwrap();
    assert_denied(
        outcome(store.acquire(Some("c"), None, FULL, OPEN)),
        &path,
        "open of a dangling symlink",
    );
    let create = outcome(store.acquire(Some("c"), None, FULL, NEW));
    assert!(
        matches!(create, Err((NTE_EXISTS | ERROR_ACCESS_DENIED, _))),
        "create over a dangling symlink: {create:?}"
    );
    let _ = outcome(gen_pair(&prov));
    let _ = outcome(store.delete_container(Some("c"), None, FULL, OPEN));
    assert!(
        fs::symlink_metadata(&nowhere).is_err(),
        "a dangling container symlink was followed"
    );
    assert_eq!(walk(&outside.path).len(), 1, "{:#?}", walk(&outside.path));
}

#[test]
fn a_symlinked_lock_file_is_never_followed() {
    let root = TempRoot::new("locklink");
    let outside = TempRoot::new("locklink-outside");
    private_dir(&outside.path);
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let lock = store.lock_path(KeySet::User, "c").unwrap();
    let _ = fs::remove_file(&lock);
    let bait = Bait::plant(outside.path.join("lock"), b"precious", 0o640);
    symlink(&bait.path, &lock).unwrap();

    assert_denied(gen_within(&prov, "gen_key"), &lock, "gen_key");
    bait.assert_untouched("gen_key");
    assert_denied(
        {
            let (p, blob) = (prov.clone(), private_blob());
            within("import_key", None, move || {
                outcome(p.import_key(&blob, None, KeyFlags::EXPORTABLE).map(drop))
            })
        },
        &lock,
        "import_key",
    );
    bait.assert_untouched("import_key");
    assert_denied(delete_within(&store, "c", "delete"), &lock, "delete");
    bait.assert_untouched("delete");
    // The container itself is still there and readable (readers take no lock).
    assert_usable(&store, "c", OPEN);

    // A dangling link: the lock file is not created where it points.
    fs::remove_file(&lock).unwrap();
    let nowhere = outside.path.join("nowhere");
    symlink(&nowhere, &lock).unwrap();
    assert_denied(
        gen_within(&prov, "gen_key, dangling lock link"),
        &lock,
        "gen_key, dangling lock link",
    );
    assert_denied(
        delete_within(&store, "c", "delete, dangling lock link"),
        &lock,
        "delete, dangling lock link",
    );
    assert!(
        fs::symlink_metadata(&nowhere).is_err(),
        "a dangling lock symlink was followed"
    );
    // Nor for a new container whose lock path an attacker linked in advance.
    let new_lock = store.lock_path(KeySet::User, "new").unwrap();
    let new_target = outside.path.join("new-lock");
    symlink(&new_target, &new_lock).unwrap();
    assert_denied(
        {
            let s = store.clone();
            within("create with a linked lock", None, move || {
                outcome(s.acquire(Some("new"), None, FULL, NEW))
            })
        },
        &new_lock,
        "create with a linked lock",
    );
    assert!(
        fs::symlink_metadata(&new_target).is_err(),
        "a new container's lock symlink was followed"
    );
    assert!(
        fs::symlink_metadata(store.container_path(KeySet::User, "new").unwrap()).is_err(),
        "a container was created without its lock"
    );
}

#[test]
fn a_symlinked_temporary_file_is_never_followed() {
    let root = TempRoot::new("tmplink");
    let outside = TempRoot::new("tmplink-outside");
    private_dir(&outside.path);
    let (store, _) = store_with_pair(&root, "c", OPEN);
    let path = store.container_path(KeySet::User, "c").unwrap();
    let stem = path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .strip_suffix(".ctr")
        .unwrap()
        .to_owned();
    let tmp = path.with_file_name(format!(".{stem}.tmp"));
    let bait = Bait::plant(outside.path.join("tmp"), b"precious", 0o644);
    let nowhere = outside.path.join("nowhere");

    for (target, what) in [(&bait.path, "a file"), (&nowhere, "nowhere")] {
        // A context on the container (re-created if the last round's delete took it).
        let prov = if let Ok(prov) = store.acquire(Some("c"), None, FULL, OPEN) {
            prov
        } else {
            let fresh = store.acquire(Some("c"), None, FULL, NEW).unwrap();
            gen_pair(&fresh).unwrap();
            fresh
        };
        let _ = fs::remove_file(&tmp);
        symlink(target, &tmp).unwrap();
        let before = public_key(&prov).unwrap();
        // The write succeeds (the link is replaced) or fails cleanly (the old pair stays).
        match outcome(gen_pair(&prov)) {
            Ok(_) => assert_ne!(public_key(&prov).unwrap(), before, "{what}: no new pair"),
            Err((code, text)) => {
                assert_eq!(code, ERROR_ACCESS_DENIED, "{what}: {text}");
                assert_eq!(
                    public_key(&prov).unwrap(),
                    before,
                    "{what}: the pair changed"
                );
            }
        }
        bait.assert_untouched(what);
        assert!(
            fs::symlink_metadata(&nowhere).is_err(),
            "{what}: a dangling temporary symlink was followed"
        );
        // A delete removes (or refuses) the link, never its target.
        let _ = outcome(store.delete_container(Some("c"), None, FULL, OPEN));
        bait.assert_untouched(what);
        assert!(
            fs::symlink_metadata(&nowhere).is_err(),
            "{what}: followed by delete"
        );
    }
    assert_eq!(walk(&outside.path).len(), 1, "{:#?}", walk(&outside.path));
}

#[test]
fn a_symlinked_machine_guid_is_never_followed() {
    const BAIT_GUID: &str = "0123abcd-0000-4111-8222-333344445555";
    let root = TempRoot::new("guidlink");
    let outside = TempRoot::new("guidlink-outside");
    private_dir(&outside.path);
    let (_store, prov) = store_with_pair(&root, "c", OPEN);
    let guid = root.path.join("machine-guid");
    let _ = fs::remove_file(&guid);
    let bait = Bait::plant(outside.path.join("guid"), BAIT_GUID.as_bytes(), 0o600);
    symlink(&bait.path, &guid).unwrap();
    assert_denied(
        outcome(prov.unique_container()),
        &guid,
        "unique_container()",
    );
    bait.assert_untouched("unique_container()");

    fs::remove_file(&guid).unwrap();
    let nowhere = outside.path.join("nowhere");
    symlink(&nowhere, &guid).unwrap();
    assert_denied(
        outcome(prov.unique_container()),
        &guid,
        "unique_container(), dangling link",
    );
    assert!(
        fs::symlink_metadata(&nowhere).is_err(),
        "a dangling machine-guid symlink was followed"
    );
}

// ---------------------------------------------------------------------------------------------
// 3, 4. Files that are not private regular files.

#[test]
fn container_files_that_are_not_regular_files_are_refused() {
    let root = TempRoot::new("ctrtype");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let path = store.container_path(KeySet::User, "c").unwrap();
    let bytes = fs::read(&path).unwrap();
    let mut kinds = vec!["directory"];
    if can_chown("container_files_that_are_not_regular_files_are_refused (device)") {
        kinds.push("device");
    }
    for kind in kinds {
        fs::remove_file(&path).unwrap();
        match kind {
            "directory" => private_dir(&path),
            _ => {
                // /dev/null's numbers: reading it gives nothing, and never blocks or fills memory.
                let status = Command::new("mknod")
                    .args(["-m", "600"])
                    .arg(&path)
                    .args(["c", "1", "3"])
                    .status()
                    .unwrap();
                assert!(status.success(), "mknod: {status}");
            }
        }
        let s = store.clone();
        let got = within(kind, None, move || {
            outcome(s.acquire(Some("c"), None, FULL, OPEN))
        });
        assert_denied(got, &path, kind);
        assert_denied(outcome(public_key(&prov)), &path, kind);
        assert_denied(outcome(gen_pair(&prov)), &path, kind);
        let s = store.clone();
        let listed = within("containers()", None, move || s.containers(KeySet::User));
        assert_eq!(listed.unwrap(), Vec::<String>::new(), "{kind}");
        if kind == "directory" {
            fs::remove_dir(&path).unwrap();
        } else {
            fs::remove_file(&path).unwrap();
        }
        fs::write(&path, &bytes).unwrap();
        set_mode(&path, 0o600);
    }
    assert_usable(&store, "c", OPEN);
}

#[test]
fn a_fifo_container_file_is_refused_at_once() {
    let root = TempRoot::new("fifo");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    store.acquire(Some("other"), None, FULL, NEW).unwrap();
    let path = store.container_path(KeySet::User, "c").unwrap();
    fs::remove_file(&path).unwrap();
    mkfifo(&path);

    let s = store.clone();
    let got = within("open of a FIFO container", Some(&path), move || {
        outcome(s.acquire(Some("c"), None, FULL, OPEN))
    });
    assert_denied(got, &path, "open of a FIFO container");
    let p = prov.clone();
    let got = within("user_key from a FIFO container", Some(&path), move || {
        outcome(public_key(&p))
    });
    assert_denied(got, &path, "user_key from a FIFO container");
    let p = prov.clone();
    let got = within("gen_key into a FIFO container", Some(&path), move || {
        outcome(gen_pair(&p))
    });
    assert_denied(got, &path, "gen_key into a FIFO container");
    let s = store.clone();
    let listed = within("containers() with a FIFO", Some(&path), move || {
        s.containers(KeySet::User)
    });
    assert_eq!(listed.unwrap(), ["other"]);
    assert!(
        fs::symlink_metadata(&path).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
}

#[test]
fn an_oversized_container_file_is_refused_at_once() {
    let root = TempRoot::new("huge");
    let (store, _prov) = store_with_pair(&root, "c", OPEN);
    store.acquire(Some("other"), None, FULL, NEW).unwrap();
    let path = store.container_path(KeySet::User, "c").unwrap();
    // A valid container's bytes, then holes up to 50 MiB: private, regular, ours, too big.
    let file = OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(50 << 20).unwrap();
    drop(file);
    assert_eq!(mode_of(&path), 0o600);

    let s = store.clone();
    let got = within("open of a 50 MiB container", None, move || {
        outcome(s.acquire(Some("c"), None, FULL, OPEN))
    });
    assert!(
        matches!(got, Err((NTE_KEYSET_ENTRY_BAD, _))),
        "open of a 50 MiB container: {got:?}"
    );
    let s = store.clone();
    let listed = within("containers() with a 50 MiB file", None, move || {
        s.containers(KeySet::User)
    });
    assert_eq!(listed.unwrap(), ["other"]);
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        50 << 20,
        "the file was changed"
    );
}

#[test]
fn container_and_lock_files_open_to_group_or_others_are_refused() {
    let root = TempRoot::new("filemode");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let path = store.container_path(KeySet::User, "c").unwrap();
    let lock = store.lock_path(KeySet::User, "c").unwrap();
    // The lock file exists once a writer has run.
    assert!(fs::symlink_metadata(&lock).unwrap().is_file());
    for mode in [0o640, 0o604, 0o620, 0o602, 0o610, 0o601, 0o644, 0o666] {
        set_mode(&path, mode);
        assert_denied(
            outcome(store.acquire(Some("c"), None, FULL, OPEN)),
            &path,
            &format!("open, container mode {mode:o}"),
        );
        assert_denied(
            outcome(public_key(&prov)),
            &path,
            &format!("user_key, container mode {mode:o}"),
        );
        assert_eq!(
            store.containers(KeySet::User).unwrap(),
            Vec::<String>::new(),
            "container mode {mode:o}"
        );
        set_mode(&path, 0o600);

        set_mode(&lock, mode);
        assert_denied(
            outcome(gen_pair(&prov)),
            &lock,
            &format!("gen_key, lock mode {mode:o}"),
        );
        assert_denied(
            outcome(store.delete_container(Some("c"), None, FULL, OPEN)),
            &lock,
            &format!("delete, lock mode {mode:o}"),
        );
        set_mode(&lock, 0o600);
        assert_usable(&store, "c", OPEN);
    }
}

#[test]
fn lock_files_that_are_not_regular_files_are_refused() {
    let root = TempRoot::new("locktype");
    let (store, _prov) = store_with_pair(&root, "c", OPEN);
    let lock = store.lock_path(KeySet::User, "c").unwrap();
    for kind in ["directory", "fifo"] {
        let _ = fs::remove_file(&lock);
        if kind == "directory" {
            private_dir(&lock);
        } else {
            mkfifo(&lock);
        }
        let s = store.clone();
        let got = within(kind, Some(&lock), move || {
            let prov = s.acquire(Some("c"), None, FULL, OPEN).unwrap();
            outcome(gen_pair(&prov))
        });
        assert_denied(got, &lock, &format!("gen_key with a {kind} lock"));
        let s = store.clone();
        let got = within(kind, Some(&lock), move || {
            outcome(s.delete_container(Some("c"), None, FULL, OPEN))
        });
        assert_denied(got, &lock, &format!("delete with a {kind} lock"));
        if kind == "directory" {
            fs::remove_dir(&lock).unwrap();
        } else {
            fs::remove_file(&lock).unwrap();
        }
        assert_usable(&store, "c", OPEN);
    }
}

#[test]
fn a_lock_file_owned_by_another_user_is_refused() {
    if !can_chown("a_lock_file_owned_by_another_user_is_refused") {
        return;
    }
    let root = TempRoot::new("lockowner");
    let (store, prov) = store_with_pair(&root, "c", OPEN);
    let lock = store.lock_path(KeySet::User, "c").unwrap();
    let mut chowned = Chowned::default();
    chowned.give_away(&lock);
    assert_denied(outcome(gen_pair(&prov)), &lock, "gen_key");
    assert_denied(
        outcome(store.delete_container(Some("c"), None, FULL, OPEN)),
        &lock,
        "delete",
    );
    chowned.give_back();
    gen_pair(&prov).unwrap();
}

#[test]
fn a_machine_guid_that_is_not_a_private_regular_file_is_refused() {
    const GUID: &str = "0123abcd-0000-4111-8222-333344445555";
    let root = TempRoot::new("guidtype");
    let (_store, prov) = store_with_pair(&root, "c", OPEN);
    let guid = root.path.join("machine-guid");
    let _ = fs::remove_file(&guid);
    let mut chowned = Chowned::default();
    let mut kinds = vec!["directory", "fifo", "0644", "0640", "0602"];
    if can_chown("a_machine_guid_that_is_not_a_private_regular_file_is_refused (owner)") {
        kinds.push("owner");
    }
    for kind in kinds {
        match kind {
            "directory" => private_dir(&guid),
            "fifo" => mkfifo(&guid),
            "owner" => {
                fs::write(&guid, GUID).unwrap();
                set_mode(&guid, 0o600);
                chowned.give_away(&guid);
            }
            mode => {
                fs::write(&guid, GUID).unwrap();
                set_mode(&guid, u32::from_str_radix(mode, 8).unwrap());
            }
        }
        let p = prov.clone();
        let got = within(kind, Some(&guid), move || outcome(p.unique_container()));
        assert_denied(
            got,
            &guid,
            &format!("unique_container(), machine-guid {kind}"),
        );
        chowned.give_back();
        if kind == "directory" {
            fs::remove_dir(&guid).unwrap();
        } else {
            fs::remove_file(&guid).unwrap();
        }
    }
    // A private regular file of ours is read as it is.
    fs::write(&guid, GUID).unwrap();
    set_mode(&guid, 0o600);
    assert!(prov.unique_container().unwrap().ends_with(GUID));
}

#[test]
fn listing_skips_planted_entries_and_never_hangs() {
    let root = TempRoot::new("list");
    let outside = TempRoot::new("list-outside");
    private_dir(&outside.path);
    let store = root.store();
    let names = ["real", "loose", "linked", "fifo", "dir", "foreign"];
    for name in names {
        let prov = store.acquire(Some(name), None, FULL, NEW).unwrap();
        gen_pair(&prov).unwrap();
    }
    let path = |name| store.container_path(KeySet::User, name).unwrap();
    set_mode(&path("loose"), 0o644);
    let linked = path("linked");
    let bait = Bait::plant(
        outside.path.join("linked"),
        &fs::read(&linked).unwrap(),
        0o600,
    );
    fs::remove_file(&linked).unwrap();
    symlink(&bait.path, &linked).unwrap();
    let fifo = path("fifo");
    fs::remove_file(&fifo).unwrap();
    mkfifo(&fifo);
    fs::remove_file(path("dir")).unwrap();
    private_dir(&path("dir"));
    let mut chowned = Chowned::default();
    let mut expected = vec!["real"];
    if can_chown("listing_skips_planted_entries_and_never_hangs (owner)") {
        chowned.give_away(&path("foreign"));
    } else {
        expected.push("foreign");
    }
    expected.sort_unstable();

    let s = store.clone();
    let listed = within("containers()", Some(&fifo), move || {
        s.containers(KeySet::User)
    });
    assert_eq!(listed.unwrap(), expected);
    bait.assert_untouched("containers()");
    chowned.give_back();
}

// ---------------------------------------------------------------------------------------------
// 6. Planted containers.

/// Store A's container `c` (a pair of A's) copied over store B's own `c`, at B's path for it.
/// Returns B's store, a context B opened on `c` before the planting, A's and B's public keys.
fn plant_foreign_container(
    a: &TempRoot,
    b: &TempRoot,
) -> (KeyStore, Provider, PathBuf, Vec<u8>, Vec<u8>) {
    let (store_a, prov_a) = store_with_pair(a, "c", OPEN);
    let theirs = public_key(&prov_a).unwrap();
    let (store_b, prov_b) = store_with_pair(b, "c", OPEN);
    let ours = public_key(&prov_b).unwrap();
    assert_ne!(theirs, ours);
    let from = store_a.container_path(KeySet::User, "c").unwrap();
    let to = store_b.container_path(KeySet::User, "c").unwrap();
    fs::write(&to, fs::read(from).unwrap()).unwrap();
    set_mode(&to, 0o600);
    (store_b, prov_b, to, theirs, ours)
}

/// The planted key is never used: opening, reading and listing are refused.
#[track_caller]
fn assert_plant_refused(store: &KeyStore, prov: &Provider, path: &Path, theirs: &[u8], what: &str) {
    let opened = store
        .acquire(Some("c"), None, FULL, OPEN)
        .and_then(|p| public_key(&p));
    if let Ok(key) = &opened {
        assert_ne!(key, theirs, "{what}: the planted key was used");
    }
    assert_denied(outcome(opened), path, &format!("{what}: open"));
    let read = public_key(prov);
    if let Ok(key) = &read {
        assert_ne!(key, theirs, "{what}: the planted key was used");
    }
    assert_denied(outcome(read), path, &format!("{what}: user_key"));
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        Vec::<String>::new(),
        "{what}: listed"
    );
}

#[test]
fn a_planted_container_owned_by_another_user_is_refused() {
    if !can_chown("a_planted_container_owned_by_another_user_is_refused") {
        return;
    }
    let a = TempRoot::new("plant-a");
    let b = TempRoot::new("plant-b");
    let (store, prov, path, theirs, _ours) = plant_foreign_container(&a, &b);
    let mut chowned = Chowned::default();
    chowned.give_away(&path);
    assert_plant_refused(&store, &prov, &path, &theirs, "owned by uid 4242");
    chowned.give_back();
}

#[test]
fn a_planted_container_readable_by_others_is_refused() {
    let a = TempRoot::new("plant644-a");
    let b = TempRoot::new("plant644-b");
    let (store, prov, path, theirs, _ours) = plant_foreign_container(&a, &b);
    set_mode(&path, 0o644);
    assert_plant_refused(&store, &prov, &path, &theirs, "ours, mode 0644");
}

// ---------------------------------------------------------------------------------------------
// 7. A relative CRYPTOAPI_HOME.

const ENV_CHILD: &str = "CRYPTOAPI_IT_ATTACK_CHILD";

/// Runs `child_default_store` with `CRYPTOAPI_HOME=home` in working directory `cwd`.
fn run_default_store_child(home: &Path, cwd: &Path, expect_ok: bool) {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_default_store",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_CHILD, if expect_ok { "ok" } else { "refused" })
        .env("CRYPTOAPI_HOME", home)
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_output(child);
    assert_child_passed("child_default_store", &output);
    eprintln!("{}", describe(&output));
}

#[test]
fn a_relative_cryptoapi_home_is_refused() {
    let cwd = TempRoot::new("relhome");
    private_dir(&cwd.path);
    for home in ["relative/dir", "./dir", "../dir", "dir", "~/cryptoapi"] {
        run_default_store_child(Path::new(home), &cwd.path, false);
        assert_eq!(walk(&cwd.path), [], "CRYPTOAPI_HOME={home} created files");
    }
    // The control: an absolute one is used.
    let home = TempRoot::new("abshome");
    run_default_store_child(&home.path, &cwd.path, true);
    assert_eq!(
        KeyStore::at(&home.path).containers(KeySet::User).unwrap(),
        ["x"]
    );
    assert_eq!(walk(&cwd.path), []);
}

/// A child helper of `a_relative_cryptoapi_home_is_refused` (a no-op unless it set
/// `CRYPTOAPI_IT_ATTACK_CHILD`): the default store under the `CRYPTOAPI_HOME` it was given.
#[test]
fn child_default_store() {
    let Ok(expect) = std::env::var(ENV_CHILD) else {
        return;
    };
    // Only the environment variable decides (no root set in this process).
    KeyStore::set_default_root(None);
    let home = std::env::var_os("CRYPTOAPI_HOME").unwrap();
    if expect == "ok" {
        let store = KeyStore::default_store().unwrap();
        assert_eq!(store.root(), Some(Path::new(&home)));
        Provider::acquire(Some("x"), None, FULL, NEW).unwrap();
        return;
    }
    let code = |got: Outcome| match got {
        Ok(value) => {
            panic!("CRYPTOAPI_HOME={home:?}: expected ERROR_ENVVAR_NOT_FOUND, got {value}")
        }
        Err((code, _)) => code,
    };
    assert_eq!(
        code(outcome(KeyStore::default_store())),
        ERROR_ENVVAR_NOT_FOUND
    );
    assert_eq!(
        code(outcome(Provider::acquire(Some("x"), None, FULL, NEW))),
        ERROR_ENVVAR_NOT_FOUND
    );
    assert_eq!(
        code(outcome(Provider::acquire(Some("x"), None, FULL, OPEN))),
        ERROR_ENVVAR_NOT_FOUND
    );
    assert_eq!(
        code(outcome(Provider::delete_container(
            Some("x"),
            None,
            FULL,
            OPEN
        ))),
        ERROR_ENVVAR_NOT_FOUND
    );
    assert_eq!(
        code(outcome(
            Provider::verify_context(FULL).unwrap().containers()
        )),
        ERROR_ENVVAR_NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Keyed container file names.

#[test]
fn container_file_names_are_keyed_per_store() {
    use hmac::{KeyInit, Mac};
    use sha2::{Digest, Sha256};
    const NAME: &str = "same name";
    let a = TempRoot::new("names-a");
    let b = TempRoot::new("names-b");
    let mut seen = Vec::new();
    for root in [&a, &b] {
        let store = root.store();
        store.acquire(Some(NAME), None, FULL, NEW).unwrap();
        let path = store.container_path(KeySet::User, NAME).unwrap();
        assert!(
            fs::symlink_metadata(&path).unwrap().is_file(),
            "{}",
            path.display()
        );
        assert_eq!(path.parent(), Some(root.path.join("user").as_path()));

        let key_path = root.path.join("name-key");
        let meta = fs::symlink_metadata(&key_path).unwrap();
        assert!(meta.is_file(), "{}", key_path.display());
        assert_eq!(meta.mode() & 0o777, 0o600, "{}", key_path.display());
        let key = fs::read(&key_path).unwrap();
        assert!(key.len() >= 16, "a name-key of {} bytes", key.len());

        let file_name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let stem = file_name.strip_suffix(".ctr").unwrap();
        assert_eq!(stem.len(), 64, "{file_name}");
        assert!(
            stem.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
            "{file_name}"
        );
        assert_ne!(
            stem,
            hex(&Sha256::digest(NAME.as_bytes())),
            "the plain SHA-256 of the name"
        );
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(NAME.as_bytes());
        assert_eq!(
            stem,
            hex(&mac.finalize().into_bytes()),
            "HMAC-SHA256(name-key, name)"
        );

        // Another handle on the same root maps the name to the same file, and opens it.
        let again = KeyStore::at(&root.path);
        assert_eq!(again.container_path(KeySet::User, NAME), Some(path));
        again.acquire(Some(NAME), None, FULL, OPEN).unwrap();
        seen.push((file_name, key));
    }
    assert_ne!(seen[0].1, seen[1].1, "two stores with one name-key");
    assert_ne!(
        seen[0].0, seen[1].0,
        "two stores, one file name for a container"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. The key-set directory swapped for a symlink while containers are written.

/// One round of the writer: a container created, given a pair, read and deleted.
fn create_use_delete(store: &KeyStore, name: &str) -> cryptoapi::Result<()> {
    let prov = store.acquire(Some(name), None, FULL, NEW)?;
    gen_pair(&prov)?;
    public_key(&prov)?;
    drop(prov);
    store.delete_container(Some(name), None, FULL, OPEN)
}

/// Moves whatever is at `<root>/user` out of the way (to `user.intruder.<n>`).
fn move_aside(root: &Path, intruders: &mut u32) {
    let _ = fs::rename(
        root.join("user"),
        root.join(format!("user.intruder.{intruders}")),
    );
    *intruders += 1;
}

#[test]
fn a_key_set_directory_swapped_for_a_symlink_leaks_nothing() {
    const ITERATIONS: usize = 20;
    let root = TempRoot::new("swap");
    let attacker = TempRoot::new("swap-attacker");
    // As private as a directory of ours can be: only the swap itself may stop the store.
    private_dir(&attacker.path);
    let store = root.store().with_lock_timeout(Duration::from_millis(500));
    store.acquire(Some("seed"), None, FULL, NEW).unwrap();
    let user = root.path.join("user");
    let away = root.path.join("user.away");

    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, done) = (store.clone(), Arc::clone(&done));
        thread::spawn(move || {
            let mut errors = Vec::new();
            for i in 0..ITERATIONS {
                let name = format!("swap {i}");
                if let Err(err) = create_use_delete(&store, &name) {
                    errors.push((err.code(), format!("round {i}: {err:?}")));
                }
            }
            done.store(true, Ordering::SeqCst);
            errors
        })
    };

    let start = Instant::now();
    let (mut swaps, mut leaked, mut intruders) = (0u32, Vec::new(), 0u32);
    while !done.load(Ordering::SeqCst) {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the writer is stuck"
        );
        if fs::rename(&user, &away).is_err() {
            thread::sleep(Duration::from_millis(1));
            continue;
        }
        // The store may re-create `user` in the moment it is missing: such a directory is
        // moved aside, before the link and before the real directory comes back.
        while let Err(err) = symlink(&attacker.path, &user) {
            assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists, "{err}");
            move_aside(&root.path, &mut intruders);
        }
        thread::sleep(Duration::from_micros(500));
        leaked.extend(walk(&attacker.path));
        if fs::symlink_metadata(&user).is_ok_and(|meta| meta.file_type().is_symlink()) {
            fs::remove_file(&user).unwrap();
        }
        while let Err(err) = fs::rename(&away, &user) {
            assert!(fs::symlink_metadata(&away).is_ok(), "{err}");
            move_aside(&root.path, &mut intruders);
        }
        leaked.extend(walk(&attacker.path));
        swaps += 1;
        thread::sleep(Duration::from_micros(500));
    }
    let errors = writer.join().expect("the writer panicked");
    leaked.extend(walk(&attacker.path));
    eprintln!(
        "{swaps} swaps, {intruders} directories moved aside, {} failed rounds",
        errors.len()
    );
    for (_, text) in &errors {
        eprintln!("{text}");
    }
    assert!(swaps > 0, "the directory was never swapped");
    assert_eq!(leaked, [], "files created in the attacker's directory");
    for (code, text) in &errors {
        assert!(
            [ERROR_ACCESS_DENIED, NTE_BAD_KEYSET, ERROR_BUSY, NTE_FAIL].contains(code),
            "an undocumented error: {text}"
        );
    }
}
