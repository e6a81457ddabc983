//! Key containers shared between real processes.
//!
//! The test binary re-executes itself: each `child_*` test is a helper that does nothing unless
//! its environment variable is set, and a parent test runs it in a child process with
//! `--exact child_<name> --ignored --nocapture --test-threads=1`, passing the store root and
//! container name in the environment. A child reports through its exit status (a failed
//! assertion exits non-zero) and through `RESULT`/`locked` lines on its stdout.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cryptoapi::{AcquireFlags, AlgId, KeyFlags, KeySet, KeyStore, ProviderType, ReleaseFlags};

mod common;
use common::{
    CHILD_DEADLINE, TempRoot, assert_child_passed, child_command, describe, err_code, hex,
    wait_output,
};

const NTE_EXISTS: u32 = 0x8009_000F;
const NTE_BAD_KEYSET: u32 = 0x8009_0016;
const ERROR_BUSY: u32 = 170;

const FULL: ProviderType = ProviderType::RSA_FULL;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;

const ENV_NAME: &str = "CRYPTOAPI_IT_NAME";
const ENV_BUSY: &str = "CRYPTOAPI_IT_BUSY_ROOT";
const ENV_VISIBILITY: &str = "CRYPTOAPI_IT_VISIBILITY_ROOT";
const ENV_CREATOR: &str = "CRYPTOAPI_IT_CREATOR_ROOT";
const ENV_INDEX: &str = "CRYPTOAPI_IT_INDEX";
const ENV_GUID: &str = "CRYPTOAPI_IT_GUID_ROOT";
const ENV_DELETER: &str = "CRYPTOAPI_IT_DELETER_ROOT";
const ENV_EXPECTED_UNIQUE: &str = "CRYPTOAPI_IT_EXPECTED_UNIQUE";

/// The `RESULT <value>` lines a child printed.
fn results(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            line.split_once("RESULT ")
                .map(|(_, value)| value.trim().to_owned())
        })
        .collect()
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from)
}

fn env_string(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"))
}

// ---------------------------------------------------------------------------------------------
// ERROR_BUSY: another process holds a container's lock.

#[test]
#[ignore = "child process helper, run by the cross-process tests"]
fn child_lock_holder() {
    let Some(root) = env_path(ENV_BUSY) else {
        return;
    };
    let name = env_string(ENV_NAME);
    let path = KeyStore::at(&root).lock_path(KeySet::User, &name).unwrap();
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .unwrap();
    file.lock().unwrap();
    // On a line of its own: the test harness may have printed the test name without a newline.
    let mut out = std::io::stdout();
    writeln!(out, "\nlocked").unwrap();
    out.flush().unwrap();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    drop(file);
}

#[test]
fn writers_get_error_busy_while_another_process_holds_the_lock() {
    let root = TempRoot::new("xp-busy");
    let store = root.store();
    store.acquire(Some("busy"), None, FULL, NEW).unwrap();
    store.acquire(Some("free"), None, FULL, NEW).unwrap();
    let root_str = root.path.to_str().unwrap();

    let mut child = child_command(
        "child_lock_holder",
        &[(ENV_BUSY, root_str), (ENV_NAME, "busy")],
    )
    .stdin(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.trim() == "locked" {
                let _ = tx.send(());
            }
            seen.push(line);
        }
        seen
    });
    if rx.recv_timeout(CHILD_DEADLINE).is_err() {
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        panic!(
            "the child never took the lock: {:?}\n{}",
            reader.join(),
            describe(&output)
        );
    }

    let impatient = KeyStore::at(&root.path).with_lock_timeout(Duration::from_millis(300));

    let start = Instant::now();
    let delete = impatient.delete_container(Some("busy"), None, FULL, OPEN);
    let elapsed = start.elapsed();
    assert_eq!(err_code(delete), ERROR_BUSY);
    assert!(
        elapsed >= Duration::from_millis(300),
        "gave up after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(4),
        "the 300 ms timeout was not used: {elapsed:?}"
    );

    // NEWKEYSET on a name that exists is refused at once with NTE_EXISTS, as on Windows: the
    // existence check comes before the lock, so a held lock does not turn it into ERROR_BUSY.
    let patient_create = KeyStore::at(&root.path).with_lock_timeout(Duration::from_secs(60));
    let start = Instant::now();
    let create = patient_create.acquire(Some("busy"), None, FULL, NEW);
    assert_eq!(err_code(create), NTE_EXISTS);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "NEWKEYSET waited for the lock: {:?}",
        start.elapsed()
    );

    // Readers never wait: with a long timeout, an open that waited for the lock would fail with
    // ERROR_BUSY after a minute instead of succeeding.
    let patient = KeyStore::at(&root.path).with_lock_timeout(Duration::from_secs(60));
    let start = Instant::now();
    let opened = patient.acquire(Some("busy"), None, FULL, OPEN).unwrap();
    assert_eq!(opened.container(), Some("busy"));
    assert_eq!(patient.containers(KeySet::User).unwrap(), ["busy", "free"]);
    assert!(opened.unique_container().is_ok());
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "reading waited: {:?}",
        start.elapsed()
    );
    // The lock is per container: others can still be written.
    impatient
        .delete_container(Some("free"), None, FULL, OPEN)
        .unwrap();
    impatient.acquire(Some("free"), None, FULL, NEW).unwrap();
    // The refused calls changed nothing.
    assert_eq!(
        store
            .acquire(Some("busy"), None, FULL, OPEN)
            .unwrap()
            .container(),
        Some("busy")
    );

    writeln!(stdin, "done").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    let lines = reader.join().unwrap();
    assert!(
        status.success(),
        "child failed: {status}; stdout: {lines:#?}"
    );

    // The lock is released with the child: writers get through.
    impatient
        .delete_container(Some("busy"), None, FULL, OPEN)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some("busy"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    drop(opened);
}

// ---------------------------------------------------------------------------------------------
// Changes made by one process are visible to another at once.

#[test]
#[ignore = "child process helper, run by the cross-process tests"]
fn child_visibility() {
    let Some(root) = env_path(ENV_VISIBILITY) else {
        return;
    };
    let store = KeyStore::at(&root);
    let shared = store.acquire(Some("shared"), None, FULL, OPEN).unwrap();
    assert_eq!(shared.container(), Some("shared"));
    // Both processes agree on the container's unique name (the store's GUID is on disk).
    assert_eq!(
        shared.unique_container().unwrap(),
        env_string(ENV_EXPECTED_UNIQUE)
    );
    assert_eq!(shared.containers().unwrap(), ["shared", "to-delete"]);
    store.acquire(Some("from-child"), None, FULL, NEW).unwrap();
    store
        .delete_container(Some("to-delete"), None, FULL, OPEN)
        .unwrap();
    println!("RESULT done");
}

#[test]
fn containers_made_and_deleted_by_another_process_are_seen() {
    let root = TempRoot::new("xp-visibility");
    let store = root.store();
    let shared = store.acquire(Some("shared"), None, FULL, NEW).unwrap();
    store.acquire(Some("to-delete"), None, FULL, NEW).unwrap();
    let unique = shared.unique_container().unwrap();

    let child = child_command(
        "child_visibility",
        &[
            (ENV_VISIBILITY, root.path.to_str().unwrap()),
            (ENV_EXPECTED_UNIQUE, &unique),
        ],
    )
    .spawn()
    .unwrap();
    let output = wait_output(child);
    assert_child_passed("child_visibility", &output);
    assert_eq!(results(&output), ["done"]);

    assert_eq!(shared.containers().unwrap(), ["from-child", "shared"]);
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        ["from-child", "shared"]
    );
    assert_eq!(
        store
            .acquire(Some("from-child"), None, FULL, OPEN)
            .unwrap()
            .container(),
        Some("from-child")
    );
    assert_eq!(
        err_code(store.acquire(Some("to-delete"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert_eq!(
        err_code(store.acquire(Some("from-child"), None, FULL, NEW)),
        NTE_EXISTS
    );
}

// ---------------------------------------------------------------------------------------------
// Processes started together: a file barrier in the root.

fn barrier_dir(root: &Path) -> PathBuf {
    root.join("barrier")
}

/// Child side: announces it is ready, then waits (polling every millisecond) for "go".
fn wait_for_go(root: &Path) {
    let barrier = barrier_dir(root);
    let index = env_string(ENV_INDEX);
    fs::write(barrier.join(format!("ready-{index}")), b"").unwrap();
    let deadline = Instant::now() + CHILD_DEADLINE;
    while !barrier.join("go").exists() {
        assert!(Instant::now() < deadline, "no go signal");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Parent side: runs `count` copies of the helper `child` with `root` in `root_var`, lets them
/// go at once when all are ready, and returns the one `RESULT` line of each.
fn run_together(child: &str, root_var: &str, root: &Path, count: usize) -> Vec<String> {
    let barrier = barrier_dir(root);
    fs::create_dir_all(&barrier).unwrap();
    let root_str = root.to_str().unwrap();
    let children: Vec<Child> = (0..count)
        .map(|i| {
            let index = i.to_string();
            child_command(
                child,
                &[
                    (root_var, root_str),
                    (ENV_NAME, "contested"),
                    (ENV_INDEX, &index),
                ],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    let deadline = Instant::now() + CHILD_DEADLINE;
    while (0..count).any(|i| !barrier.join(format!("ready-{i}")).exists()) {
        assert!(Instant::now() < deadline, "the children never got ready");
        std::thread::sleep(Duration::from_millis(1));
    }
    fs::write(barrier.join("go"), b"").unwrap();

    let mut outcomes = Vec::new();
    for child_process in children {
        let output = wait_output(child_process);
        assert_child_passed(child, &output);
        let result = results(&output);
        assert_eq!(result.len(), 1, "{}", describe(&output));
        outcomes.push(result[0].clone());
    }
    outcomes
}

// ---------------------------------------------------------------------------------------------
// Concurrent creators: exactly one NEWKEYSET wins.

#[test]
#[ignore = "child process helper, run by the cross-process tests"]
fn child_creator() {
    let Some(root) = env_path(ENV_CREATOR) else {
        return;
    };
    let name = env_string(ENV_NAME);
    wait_for_go(&root);
    match KeyStore::at(&root).acquire(Some(&name), None, FULL, NEW) {
        Ok(prov) => {
            assert_eq!(prov.container(), Some(name.as_str()));
            println!("\nRESULT created");
        }
        Err(err) => println!("\nRESULT {:#010x}", err.code()),
    }
}

#[test]
fn concurrent_creators_in_four_processes() {
    const CHILDREN: usize = 4;
    let root = TempRoot::new("xp-creators");
    let outcomes = run_together("child_creator", ENV_CREATOR, &root.path, CHILDREN);
    let exists = format!("{NTE_EXISTS:#010x}");
    let created = outcomes.iter().filter(|o| *o == "created").count();
    let refused = outcomes.iter().filter(|o| **o == exists).count();
    assert_eq!((created, refused), (1, CHILDREN - 1), "{outcomes:?}");

    // The winner's container file is whole.
    let store = root.store();
    let prov = store.acquire(Some("contested"), None, FULL, OPEN).unwrap();
    assert_eq!(prov.container(), Some("contested"));
    assert_eq!(store.containers(KeySet::User).unwrap(), ["contested"]);
}

// ---------------------------------------------------------------------------------------------
// Delete wins across processes.

#[test]
#[ignore = "child process helper, run by the cross-process tests"]
fn child_deleter() {
    let Some(root) = env_path(ENV_DELETER) else {
        return;
    };
    let name = env_string(ENV_NAME);
    // A short timeout: an open context in the parent must not hold the container's lock.
    let store = KeyStore::at(&root).with_lock_timeout(Duration::from_millis(500));
    store
        .delete_container(Some(&name), None, FULL, OPEN)
        .unwrap();
    assert_eq!(
        err_code(store.acquire(Some(&name), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    println!("\nRESULT deleted");
}

#[test]
fn delete_by_another_process_wins_over_an_open_context() {
    let root = TempRoot::new("xp-delete");
    let store = root.store();
    store
        .acquire(Some("doomed"), None, ProviderType::RSA_AES, NEW)
        .unwrap();
    store.acquire(Some("survivor"), None, FULL, NEW).unwrap();
    let held = store
        .acquire(Some("doomed"), None, ProviderType::RSA_AES, OPEN)
        .unwrap();
    let extra = held.clone();
    let mut hash = held.create_hash(AlgId::SHA_256, None).unwrap();
    hash.hash_data(b"ab").unwrap();
    let mut key = held.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let unique = held.unique_container().unwrap();

    let child = child_command(
        "child_deleter",
        &[
            (ENV_DELETER, root.path.to_str().unwrap()),
            (ENV_NAME, "doomed"),
        ],
    )
    .spawn()
    .unwrap();
    let output = wait_output(child);
    assert_child_passed("child_deleter", &output);
    assert_eq!(results(&output), ["deleted"]);

    // The parent's context still works on what it holds.
    assert_eq!(held.container(), Some("doomed"));
    assert_eq!(held.unique_container().unwrap(), unique);
    hash.hash_data(b"c").unwrap();
    assert_eq!(
        hex(&hash.value().unwrap()),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut data = b"after the delete".to_vec();
    key.encrypt(&mut data, true).unwrap();
    key.decrypt(&mut data, true).unwrap();
    assert_eq!(data, b"after the delete");
    assert_eq!(held.containers().unwrap(), ["survivor"]);

    // It releases cleanly, and the container stays gone.
    drop((hash, key));
    extra.release(ReleaseFlags::empty()).unwrap();
    held.release(ReleaseFlags::empty()).unwrap();
    assert_eq!(
        err_code(store.acquire(Some("doomed"), None, FULL, OPEN)),
        NTE_BAD_KEYSET
    );
    assert!(
        !store
            .container_path(KeySet::User, "doomed")
            .unwrap()
            .exists()
    );
    assert_eq!(store.containers(KeySet::User).unwrap(), ["survivor"]);
    // Its name is free again, for a new container.
    assert_eq!(
        store
            .acquire(Some("doomed"), None, FULL, NEW)
            .unwrap()
            .container(),
        Some("doomed")
    );
}

// ---------------------------------------------------------------------------------------------
// The store's GUID, created on first use, is the same for processes racing to create it.

#[test]
#[ignore = "child process helper, run by the cross-process tests"]
fn child_guid_reader() {
    let Some(root) = env_path(ENV_GUID) else {
        return;
    };
    let name = env_string(ENV_NAME);
    let prov = KeyStore::at(&root)
        .acquire(Some(&name), None, FULL, OPEN)
        .unwrap();
    wait_for_go(&root);
    println!("\nRESULT {}", prov.unique_container().unwrap());
}

#[test]
fn racing_processes_agree_on_unique_container_names() {
    let root = TempRoot::new("xp-guid");
    let store = root.store();
    store.acquire(Some("contested"), None, FULL, NEW).unwrap();
    let outcomes = run_together("child_guid_reader", ENV_GUID, &root.path, 4);
    let unique = store
        .acquire(Some("contested"), None, FULL, OPEN)
        .unwrap()
        .unique_container()
        .unwrap();
    assert_eq!(unique.len(), 69, "{unique}");
    assert!(unique.contains('_'), "{unique}");
    assert_eq!(outcomes, vec![unique; 4]);
}
