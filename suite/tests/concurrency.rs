//! Concurrency: one provider context shared by many threads, and one key container shared by
//! several processes at once.
//!
//! * **Threads** (`threads_share_one_provider`): 16 threads each hold a clone of one `Provider`
//!   on a container and, in a loop, clone it and drop or release the clones (with empty and
//!   with undefined flags), hash, encrypt and decrypt with session keys, derive keys, generate
//!   RSA pairs into the container's two slots and read them back. Checks: every result is
//!   right; `ref_count()` is exactly `threads + 1` when every thread holds only its own clone
//!   and exactly 1 at the end; every pair read from a slot is a whole pair (private half
//!   matches public half) that some thread wrote into that slot; the final pairs are the last
//!   ones written. The whole workload runs on worker threads and the test thread waits with a
//!   deadline, so a deadlock fails with a message instead of hanging.
//! * **Processes** (`processes_share_one_container`): 4 child processes (this test binary
//!   re-executed to run the `#[ignore]`d helper `child_container_user`, as in
//!   `tests/cross_process.rs`) start together and, in a loop, create (`NEWKEYSET`), open,
//!   delete and list the one container, generate and import RSA pairs into it, and read them
//!   back; half of them use a 5 ms lock timeout, so `ERROR_BUSY` happens too. Each child logs
//!   every call on stdout (`OP <call> <slot> <result> <pair id> <start ns> <end ns>`, the pair
//!   id being the SHA-256 of the public key, `common::pair_id`) and fails on any error code
//!   the call's `# Errors` docs do not list. The parent then checks that every pair a child
//!   read from a slot is one some process wrote into that slot (never one of the other slot's,
//!   never a mix: each reader checks the private half signs what the public half verifies),
//!   and that the container's final state (present or not, and each slot's pair or emptiness)
//!   is one the logged calls allow, ordering them by their wall-clock intervals.
//!
//! The quick tests (16 threads x 50 iterations, 4 processes x 600 iterations) take a few
//! seconds. The soak versions take their iteration count from `CRYPTOAPI_CONCURRENCY_ITERS`
//! (per thread, 16 threads, and per child process, 4 processes; default 200), and every
//! test replays a schedule from `CRYPTOAPI_CONCURRENCY_SEED`:
//!
//! ```text
//! CRYPTOAPI_CONCURRENCY_ITERS=1000 cargo test --test concurrency -- --ignored soak --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::HashMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Output};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cryptoapi::codes::{
    ERROR_BUSY, NTE_BAD_FLAGS, NTE_BAD_KEYSET, NTE_EXISTS, NTE_KEYSET_ENTRY_BAD, NTE_NO_KEY,
};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, Key, KeyFlags, KeySet, KeySpec, KeyStore, Provider,
    ProviderType, ReleaseFlags,
};
use sha2::{Digest, Sha256};

mod common;
use common::{
    CHILD_DEADLINE, Rng, TempRoot, assert_child_passed, child_command, count_from_env, describe,
    err_code, pair_id, seed_from_env, wait_output_within,
};

const FULL: ProviderType = ProviderType::RSA_FULL;
const AES: ProviderType = ProviderType::RSA_AES;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const BITS: u16 = 512;
const NAME: &str = "shared container";
const SLOTS: [KeySpec; 2] = [KeySpec::Exchange, KeySpec::Signature];
const SLOT_ALGS: [AlgId; 2] = [AlgId::RSA_KEYX, AlgId::RSA_SIGN];
const SLOT_NAMES: [&str; 2] = ["exchange", "signature"];

const ENV_ITERS: &str = "CRYPTOAPI_CONCURRENCY_ITERS";
const ENV_SEED: &str = "CRYPTOAPI_CONCURRENCY_SEED";
const ENV_ROOT: &str = "CRYPTOAPI_CONCURRENCY_ROOT";
const ENV_INDEX: &str = "CRYPTOAPI_CONCURRENCY_INDEX";
const ENV_CHILD_SEED: &str = "CRYPTOAPI_CONCURRENCY_CHILD_SEED";
const ENV_CHILD_ITERS: &str = "CRYPTOAPI_CONCURRENCY_CHILD_ITERS";

fn pair_flags() -> KeyFlags {
    KeyFlags::EXPORTABLE.with_key_bits(BITS)
}

/// Checks that `key`, read from `slot`, is a whole pair of the slot's kind: the slot's
/// algorithm in the key and in its public blob, a private half that signs what the public half
/// verifies, and (for the exchange pair) decrypts what the public half encrypts. Returns its id.
fn check_pair(key: &mut Key<'_>, slot: usize) -> String {
    let name = SLOT_NAMES[slot];
    assert_eq!(key.alg_id(), SLOT_ALGS[slot], "the {name} pair");
    assert_eq!(key.key_bits(), u32::from(BITS), "the {name} pair");
    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let id = pair_id(&public);
    assert_eq!(
        public[4..8],
        SLOT_ALGS[slot].raw().to_le_bytes(),
        "the {name} pair {id} exports a public blob of another algorithm"
    );
    // The private half as this key object holds it, signing in a context of its own.
    let private = key.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
    let signer = Provider::verify_context(FULL).unwrap();
    signer
        .import_key(&private, None, KeyFlags::empty())
        .unwrap();
    let message = format!("signed with the {name} pair {id}");
    let mut hash = signer.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(message.as_bytes()).unwrap();
    let signature = hash.sign(SLOTS[slot], 0).unwrap();
    let verifier = Provider::verify_context(FULL).unwrap();
    let mut public_key = verifier
        .import_key(&public, None, KeyFlags::empty())
        .unwrap();
    let mut check = verifier.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(message.as_bytes()).unwrap();
    if let Err(e) = check.verify_signature(&signature, &public_key, 0) {
        panic!("the {name} pair {id}: private and public halves do not match ({e})");
    }
    if slot == 0 {
        let plain = b"to the exchange pair"; // OAEP: at most 22 bytes for 512 bits
        let mut data = plain.to_vec();
        public_key
            .encrypt_with(None, true, CRYPT_OAEP, &mut data)
            .unwrap();
        key.decrypt_with(None, true, CRYPT_OAEP, &mut data)
            .unwrap_or_else(|e| panic!("the exchange pair {id} does not decrypt: {e}"));
        assert_eq!(data, plain, "the exchange pair {id} decrypts wrongly");
    }
    id
}

/// Runs `work` on a thread of its own and waits for it at most `limit`: a deadlock (or a
/// livelock) fails the test with a message instead of hanging it.
fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => {
            handle.join().unwrap();
            value
        }
        Err(RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: deadlocked or stuck")
        }
        Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
    }
}

/// The deadline of [`within`] works: a workload that never finishes fails the test.
#[test]
#[should_panic(expected = "did not finish within")]
fn a_stuck_workload_fails_instead_of_hanging() {
    let (_keep_open, never) = mpsc::channel::<()>();
    within("a stuck workload", Duration::from_millis(50), move || {
        // Stuck until the sender goes away (never, during the test), for at most a minute.
        let _ = never.recv_timeout(CHILD_DEADLINE);
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic".to_owned())
}

/// One successful key-pair write, timed: the write took effect between `start` and `end`.
#[derive(Clone, Debug)]
struct Write<T> {
    slot: usize,
    id: String,
    start: T,
    end: T,
}

/// Checks the pair found in `slot` at the end against the successful writes into it, of which
/// `writes` holds every one made since the container was created: a pair must be one whose
/// write no other write into the slot started after; an empty slot means no write into it.
fn check_final_slot<T: Ord + Copy + std::fmt::Debug>(
    slot: usize,
    found: Option<&str>,
    writes: &[Write<T>],
) {
    let name = SLOT_NAMES[slot];
    let into_slot: Vec<&Write<T>> = writes.iter().filter(|w| w.slot == slot).collect();
    match found {
        None => assert!(
            into_slot.is_empty(),
            "the {name} slot is empty after {} writes into it, the last {:?}",
            into_slot.len(),
            into_slot.iter().max_by_key(|w| w.start)
        ),
        Some(id) => {
            let candidates: Vec<&&Write<T>> = into_slot.iter().filter(|w| w.id == id).collect();
            assert!(
                !candidates.is_empty(),
                "the {name} slot holds {id}, which no write put there"
            );
            let last = candidates.iter().any(|w| {
                into_slot
                    .iter()
                    .all(|other| other.start <= w.end || other.id == id)
            });
            assert!(
                last,
                "the {name} slot holds {id} ({candidates:?}), but later writes replaced it: {:?}",
                into_slot
                    .iter()
                    .filter(|o| candidates.iter().all(|w| o.start > w.end))
                    .collect::<Vec<_>>()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (a), (b) Threads sharing one provider.

#[test]
fn threads_share_one_provider() {
    let seed = seed_from_env(ENV_SEED);
    let stats = within(
        "16 threads sharing one provider",
        Duration::from_secs(240),
        move || thread_run(16, 50, seed),
    );
    println!("{stats}");
}

#[test]
#[ignore = "soak test: CRYPTOAPI_CONCURRENCY_ITERS=1000 cargo test --test concurrency -- --ignored soak"]
fn soak_threads_share_one_provider() {
    let seed = seed_from_env(ENV_SEED);
    let iterations = count_from_env(ENV_ITERS, 200);
    let limit =
        Duration::from_secs(240) + Duration::from_secs(2) * u32::try_from(iterations).unwrap();
    let stats = within("16 threads sharing one provider", limit, move || {
        thread_run(16, iterations, seed)
    });
    println!("{stats}");
}

/// What one thread did.
#[derive(Default)]
struct ThreadLog {
    writes: Vec<Write<Instant>>,
    /// Pairs read from each slot: (slot, id).
    seen: Vec<(usize, String)>,
    clones: usize,
    hashes: usize,
    session_keys: usize,
    busy: usize,
    empty_reads: usize,
}

struct ThreadStats {
    seed: u64,
    threads: usize,
    iterations: usize,
    log: ThreadLog,
    elapsed: Duration,
}

impl std::fmt::Display for ThreadStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "threads (seed {}): {} threads x {} iterations in {:.1?}: {} clones made and \
             released, {} hashes, {} session keys, {} pairs written ({} ERROR_BUSY), {} pairs \
             read back ({} reads of an empty slot)",
            self.seed,
            self.threads,
            self.iterations,
            self.elapsed,
            self.log.clones,
            self.log.hashes,
            self.log.session_keys,
            self.log.writes.len(),
            self.log.busy,
            self.log.seen.len(),
            self.log.empty_reads,
        )
    }
}

fn thread_run(threads: usize, iterations: usize, seed: u64) -> ThreadStats {
    let start = Instant::now();
    let root = TempRoot::new("threads");
    let prov = root.store().acquire(Some(NAME), None, AES, NEW).unwrap();
    assert_eq!(prov.ref_count(), 1);
    let clones: Vec<Provider> = (0..threads).map(|_| prov.clone()).collect();
    assert_eq!(prov.ref_count(), threads + 1);

    let (done_tx, done_rx) = mpsc::channel();
    let mut release_txs = Vec::new();
    let mut handles = Vec::new();
    let mut rng = Rng::new(seed);
    for (index, clone) in clones.into_iter().enumerate() {
        let done_tx = done_tx.clone();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        release_txs.push(release_tx);
        let thread_seed = rng.next_u64();
        handles.push(thread::spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                thread_worker(index, &clone, iterations, thread_seed)
            }));
            let _ = done_tx.send((index, outcome.map_err(|p| panic_message(&*p))));
            // Hold the clone until the main thread has counted the references.
            let _ = release_rx.recv_timeout(CHILD_DEADLINE);
            if index.is_multiple_of(2) {
                clone.release(ReleaseFlags::empty()).unwrap();
            } else {
                // Released anyway: the flags only make the call report NTE_BAD_FLAGS.
                assert_eq!(
                    err_code(clone.release(ReleaseFlags::from_bits_retain(0x8000_0000))),
                    NTE_BAD_FLAGS
                );
            }
        }));
    }
    drop(done_tx);

    let mut log = ThreadLog::default();
    for _ in 0..threads {
        // The caller's deadline (`within`) bounds this wait.
        let (index, outcome) = done_rx.recv().unwrap();
        match outcome {
            Ok(part) => {
                log.writes.extend(part.writes);
                log.seen.extend(part.seen);
                log.clones += part.clones;
                log.hashes += part.hashes;
                log.session_keys += part.session_keys;
                log.busy += part.busy;
                log.empty_reads += part.empty_reads;
            }
            Err(message) => panic!("thread {index} failed: {message}"),
        }
    }
    // Every thread is done with its work and holds exactly its own clone.
    assert_eq!(prov.ref_count(), threads + 1);
    for release in &release_txs {
        release.send(()).unwrap();
    }
    for handle in handles {
        if let Err(payload) = handle.join() {
            panic!(
                "a thread failed releasing its clone: {}",
                panic_message(&*payload)
            );
        }
    }
    assert_eq!(prov.ref_count(), 1, "references leaked or lost");

    // Every pair read was written into that slot by some thread.
    for (slot, id) in &log.seen {
        check_written(*slot, id, &log.writes).unwrap_or_else(|e| panic!("{e}"));
    }
    // The final pairs are the last written (a new context and a new store handle read them).
    let reader = root.store().acquire(Some(NAME), None, AES, OPEN).unwrap();
    for slot in 0..2 {
        let found = read_slot(&reader, slot);
        check_final_slot(slot, found.as_deref(), &log.writes);
    }
    drop(reader);
    prov.release(ReleaseFlags::empty()).unwrap();
    ThreadStats {
        seed,
        threads,
        iterations,
        log,
        elapsed: start.elapsed(),
    }
}

/// Whether pair `id`, read from `slot`, was written into that slot; if not, what went wrong.
fn check_written<T: std::fmt::Debug>(
    slot: usize,
    id: &str,
    writes: &[Write<T>],
) -> Result<(), String> {
    if writes.iter().any(|w| w.slot == slot && w.id == id) {
        return Ok(());
    }
    let name = SLOT_NAMES[slot];
    Err(match writes.iter().find(|w| w.id == id) {
        Some(w) => format!(
            "the {name} slot held pair {id}, written into the {} slot: {w:?}",
            SLOT_NAMES[w.slot]
        ),
        None => format!("the {name} slot held pair {id}, which nobody wrote"),
    })
}

/// The id of the pair in `slot`, checked whole, or `None` for an empty slot.
fn read_slot(prov: &Provider, slot: usize) -> Option<String> {
    match prov.user_key(SLOTS[slot]) {
        Ok(mut key) => Some(check_pair(&mut key, slot)),
        Err(e) if e.code() == NTE_NO_KEY => None,
        Err(e) => panic!(
            "reading the {} slot: {e} ({:#010x})",
            SLOT_NAMES[slot],
            e.code()
        ),
    }
}

fn thread_worker(index: usize, prov: &Provider, iterations: usize, seed: u64) -> ThreadLog {
    let mut rng = Rng::new(seed);
    let mut log = ThreadLog::default();
    for iteration in 0..iterations {
        // CryptContextAddRef and CryptReleaseContext. The main thread's original and this
        // thread's clone live throughout, so a third reference makes at least 3.
        let extra = prov.clone();
        assert!(prov.ref_count() >= 3, "{} references", prov.ref_count());
        assert_eq!(extra.container(), Some(NAME));
        release_somehow(extra, &mut rng);
        let held: Vec<Provider> = (0..1 + rng.index(4)).map(|_| prov.clone()).collect();
        assert!(prov.ref_count() >= 2 + held.len());
        log.clones += 1 + held.len();

        // Hashing, through a clone: split input, a duplicate midway, against the sha2 crate.
        let data = format!("thread {index} iteration {iteration} {}", rng.next_u64()).repeat(7);
        let split = rng.index(data.len());
        let mut hash = held[0].create_hash(AlgId::SHA_256, None).unwrap();
        hash.hash_data(&data.as_bytes()[..split]).unwrap();
        let mut copy = hash.duplicate().unwrap();
        hash.hash_data(&data.as_bytes()[split..]).unwrap();
        copy.hash_data(&data.as_bytes()[split..]).unwrap();
        let expected = Sha256::digest(data.as_bytes());
        assert_eq!(hash.value().unwrap(), expected[..]);
        assert_eq!(copy.value().unwrap(), expected[..]);
        log.hashes += 2;

        // Session keys: generated, duplicated, derived from a hash in two contexts' clones.
        for alg in [AlgId::AES_256, AlgId::RC4, AlgId::TRIPLE_DES] {
            let mut key = held[held.len() - 1]
                .gen_key(alg, KeyFlags::empty())
                .unwrap();
            let mut twin = key.duplicate().unwrap();
            let mut buf = data.as_bytes().to_vec();
            key.encrypt(&mut buf, true).unwrap();
            assert_ne!(buf, data.as_bytes());
            twin.decrypt(&mut buf, true).unwrap();
            assert_eq!(buf, data.as_bytes(), "{alg:?}");
            log.session_keys += 1;
        }
        let mut base_a = prov.create_hash(AlgId::SHA1, None).unwrap();
        base_a.hash_data(data.as_bytes()).unwrap();
        let mut base_b = held[0].create_hash(AlgId::SHA1, None).unwrap();
        base_b.hash_data(data.as_bytes()).unwrap();
        let mut derived_a = prov
            .derive_key(AlgId::AES_128, &mut base_a, KeyFlags::empty())
            .unwrap();
        let mut derived_b = held[0]
            .derive_key(AlgId::AES_128, &mut base_b, KeyFlags::empty())
            .unwrap();
        let mut buf = data.as_bytes().to_vec();
        derived_a.encrypt(&mut buf, true).unwrap();
        derived_b.decrypt(&mut buf, true).unwrap();
        assert_eq!(buf, data.as_bytes(), "derived keys differ");
        log.session_keys += 2;
        drop((hash, copy, base_a, base_b, derived_a, derived_b));

        // Key pairs in the container: sometimes a new one, always a read of one slot.
        let slot = rng.index(2);
        if rng.below(4) == 0 {
            let start = Instant::now();
            match prov.gen_key(SLOT_ALGS[slot], pair_flags()) {
                Ok(key) => {
                    let end = Instant::now();
                    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
                    log.writes.push(Write {
                        slot,
                        id: pair_id(&public),
                        start,
                        end,
                    });
                }
                Err(e) if e.code() == ERROR_BUSY => log.busy += 1,
                Err(e) => panic!("CryptGenKey({}): {e}", SLOT_NAMES[slot]),
            }
        }
        let reader = &held[rng.index(held.len())];
        match read_slot(reader, slot) {
            Some(id) => log.seen.push((slot, id)),
            None => log.empty_reads += 1,
        }
        for clone in held {
            release_somehow(clone, &mut rng);
        }
    }
    log
}

/// Drops or releases a clone, with empty or undefined flags (released all the same).
fn release_somehow(clone: Provider, rng: &mut Rng) {
    match rng.below(3) {
        0 => drop(clone),
        1 => clone.release(ReleaseFlags::empty()).unwrap(),
        _ => {
            let bits = 1u32 << rng.below(32);
            assert_eq!(
                err_code(clone.release(ReleaseFlags::from_bits_retain(bits))),
                NTE_BAD_FLAGS
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (c) Processes sharing one container.

#[test]
fn processes_share_one_container() {
    let stats = process_run(4, 600, seed_from_env(ENV_SEED));
    println!("{stats}");
}

#[test]
#[ignore = "soak test: CRYPTOAPI_CONCURRENCY_ITERS=1000 cargo test --test concurrency -- --ignored soak"]
fn soak_processes_share_one_container() {
    let iterations = count_from_env(ENV_ITERS, 200);
    let stats = process_run(4, iterations, seed_from_env(ENV_SEED));
    println!("{stats}");
}

/// Nanoseconds since the Unix epoch: the one clock all processes share.
fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// One call logged by a child: `OP <call> <slot> <result> <pair id> <start ns> <end ns>`.
#[derive(Clone, Debug)]
struct Op {
    child: usize,
    call: String,
    slot: Option<usize>,
    /// `None` for success, else the error code.
    error: Option<u32>,
    id: Option<String>,
    start: u128,
    end: u128,
}

impl Op {
    fn ok(&self, call: &str) -> bool {
        self.call == call && self.error.is_none()
    }

    fn parse(child: usize, line: &str) -> Option<Op> {
        let rest = line.trim().strip_prefix("OP ")?;
        let fields: Vec<&str> = rest.split(' ').collect();
        assert_eq!(fields.len(), 6, "bad log line {line:?}");
        Some(Op {
            child,
            call: fields[0].to_owned(),
            slot: (fields[1] != "-").then(|| fields[1].parse().unwrap()),
            error: (fields[2] != "ok")
                .then(|| u32::from_str_radix(fields[2].trim_start_matches("0x"), 16).unwrap()),
            id: (fields[3] != "-").then(|| fields[3].to_owned()),
            start: fields[4].parse().unwrap(),
            end: fields[5].parse().unwrap(),
        })
    }
}

struct ProcessStats {
    seed: u64,
    children: usize,
    iterations: usize,
    counts: HashMap<(String, String), usize>,
    elapsed: Duration,
    final_state: String,
}

impl std::fmt::Display for ProcessStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut counts: Vec<_> = self.counts.iter().collect();
        counts.sort();
        let counts: Vec<String> = counts
            .into_iter()
            .map(|((call, result), n)| format!("{call} {result}: {n}"))
            .collect();
        write!(
            f,
            "processes (seed {}): {} children x {} iterations in {:.1?}; final state: {}; \
             calls: {}",
            self.seed,
            self.children,
            self.iterations,
            self.elapsed,
            self.final_state,
            counts.join(", ")
        )
    }
}

fn process_run(children: usize, iterations: usize, seed: u64) -> ProcessStats {
    let start = Instant::now();
    let root = TempRoot::new("processes");
    let store = root.store();
    let mut ops = vec![Op {
        child: usize::MAX,
        call: "create".to_owned(),
        slot: None,
        error: None,
        id: None,
        start: now_ns(),
        end: 0,
    }];
    store.acquire(Some(NAME), None, FULL, NEW).unwrap();
    ops[0].end = now_ns();

    let barrier = root.path.join("barrier");
    fs::create_dir_all(&barrier).unwrap();
    let mut rng = Rng::new(seed);
    let iterations_text = iterations.to_string();
    let running: Vec<Child> = (0..children)
        .map(|index| {
            let index_text = index.to_string();
            let seed_text = rng.next_u64().to_string();
            child_command(
                "child_container_user",
                &[
                    (ENV_ROOT, root.path.to_str().unwrap()),
                    (ENV_INDEX, &index_text),
                    (ENV_CHILD_SEED, &seed_text),
                    (ENV_CHILD_ITERS, &iterations_text),
                ],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    let deadline = Instant::now() + CHILD_DEADLINE;
    while (0..children).any(|i| !barrier.join(format!("ready-{i}")).exists()) {
        if Instant::now() >= deadline {
            let outputs: Vec<String> = running
                .into_iter()
                .map(|mut c| {
                    let _ = c.kill();
                    describe(&c.wait_with_output().unwrap())
                })
                .collect();
            panic!("the children never got ready:\n{}", outputs.join("\n"));
        }
        thread::sleep(Duration::from_millis(2));
    }
    fs::write(barrier.join("go"), b"").unwrap();

    let limit = CHILD_DEADLINE + Duration::from_millis(500) * u32::try_from(iterations).unwrap();
    let outputs: Vec<Output> = running
        .into_iter()
        .map(|child| wait_output_within(child, limit))
        .collect();
    for (index, output) in outputs.iter().enumerate() {
        assert_child_passed("child_container_user", output);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.lines().any(|l| l.trim() == "END"),
            "child {index} did not finish its loop:\n{}",
            describe(output)
        );
        ops.extend(stdout.lines().filter_map(|line| Op::parse(index, line)));
    }

    let mut counts = HashMap::new();
    for op in &ops[1..] {
        let result = op.error.map_or("ok".to_owned(), |c| format!("{c:#010x}"));
        *counts.entry((op.call.clone(), result)).or_insert(0) += 1;
    }
    let writes: Vec<Write<u128>> = ops
        .iter()
        .filter(|op| op.ok("gen") || op.ok("import"))
        .map(|op| Write {
            slot: op.slot.unwrap(),
            id: op.id.clone().unwrap(),
            start: op.start,
            end: op.end,
        })
        .collect();
    // Every pair read from a slot is one some process wrote into that slot.
    for op in ops.iter().filter(|op| op.ok("read")) {
        if let Err(e) = check_written(op.slot.unwrap(), op.id.as_ref().unwrap(), &writes) {
            panic!("child {} read a wrong pair ({op:?}): {e}", op.child);
        }
    }

    // The final state is one the logged calls allow.
    let creates: Vec<&Op> = ops.iter().filter(|op| op.ok("create")).collect();
    let deletes: Vec<&Op> = ops.iter().filter(|op| op.ok("delete")).collect();
    let final_state = match store.acquire(Some(NAME), None, FULL, OPEN) {
        Ok(prov) => {
            // Present: made by a create that no successful delete started after.
            assert!(
                creates
                    .iter()
                    .any(|c| deletes.iter().all(|d| d.start <= c.end)),
                "the container exists, but a delete started after every create ended"
            );
            // Only writes into this incarnation count: those that started after every create
            // ended certainly went into it, and a pair present must not be older than them.
            let last_create_end = creates.iter().map(|c| c.end).max().unwrap();
            let mut state = Vec::new();
            for (slot, name) in SLOT_NAMES.into_iter().enumerate() {
                let found = read_slot(&prov, slot);
                match &found {
                    None => check_final_slot::<u128>(
                        slot,
                        None,
                        &writes
                            .iter()
                            .filter(|w| w.start > last_create_end)
                            .cloned()
                            .collect::<Vec<_>>(),
                    ),
                    Some(id) => check_final_slot(slot, Some(id), &writes),
                }
                state.push(format!("{name} {}", found.as_deref().unwrap_or("empty")));
            }
            format!("present ({})", state.join(", "))
        }
        Err(e) if e.code() == NTE_BAD_KEYSET => {
            // Absent: removed by a delete that no successful create started after.
            assert!(
                deletes
                    .iter()
                    .any(|d| creates.iter().all(|c| c.start <= d.end)),
                "the container is gone, but a create started after every delete ended"
            );
            "deleted".to_owned()
        }
        Err(e) => panic!(
            "the container does not open at the end: {e} ({:#010x})",
            e.code()
        ),
    };
    // The store is not left locked.
    store
        .with_lock_timeout(Duration::from_secs(2))
        .delete_container(Some(NAME), None, FULL, OPEN)
        .or_else(|e| {
            if e.code() == NTE_BAD_KEYSET {
                Ok(())
            } else {
                Err(e)
            }
        })
        .unwrap();
    ProcessStats {
        seed,
        children,
        iterations,
        counts,
        elapsed: start.elapsed(),
        final_state,
    }
}

/// Child: uses the container in a loop and logs every call; fails on an undocumented error.
#[test]
#[ignore = "child process helper, run by the process tests"]
fn child_container_user() {
    let Some(root) = std::env::var_os(ENV_ROOT).map(PathBuf::from) else {
        return;
    };
    let env = |var: &str| std::env::var(var).unwrap();
    let index: usize = env(ENV_INDEX).parse().unwrap();
    let mut rng = Rng::new(env(ENV_CHILD_SEED).parse().unwrap());
    let iterations: usize = env(ENV_CHILD_ITERS).parse().unwrap();
    // Half the children give up on a held lock after 5 ms: ERROR_BUSY happens too.
    let timeout = if index.is_multiple_of(2) {
        Duration::from_millis(5)
    } else {
        Duration::from_secs(5)
    };
    let store = KeyStore::at(&root).with_lock_timeout(timeout);
    // Pairs of its own to import, two per slot.
    let maker = Provider::verify_context(FULL).unwrap();
    let pool: Vec<(usize, Vec<u8>, String)> = (0..4)
        .map(|i| {
            let slot = i % 2;
            let key = maker.gen_key(SLOT_ALGS[slot], pair_flags()).unwrap();
            let private = key.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
            let id = pair_id(&key.export(None, BlobType::PublicKeyBlob, 0).unwrap());
            (slot, private.to_vec(), id)
        })
        .collect();
    wait_for_go(&root, index);

    println!("\nSTART");
    let mut current: Option<Provider> = None;
    for _ in 0..iterations {
        let roll = rng.below(100);
        if roll < 5 {
            // CryptReleaseContext of the context in hand.
            if let Some(prov) = current.take() {
                prov.release(ReleaseFlags::empty()).unwrap();
            }
            continue;
        }
        if roll < 15 {
            let start = now_ns();
            let result = store.acquire(Some(NAME), None, FULL, NEW);
            let end = now_ns();
            log_op(
                "create",
                None,
                &result,
                None,
                start,
                end,
                &[NTE_EXISTS, ERROR_BUSY],
            );
            if let Ok(prov) = result {
                current = Some(prov);
            }
            continue;
        }
        if roll < 20 {
            let start = now_ns();
            let result = store.delete_container(Some(NAME), None, FULL, OPEN);
            let end = now_ns();
            log_op(
                "delete",
                None,
                &result,
                None,
                start,
                end,
                &[NTE_BAD_KEYSET, ERROR_BUSY],
            );
            continue;
        }
        if roll < 25 {
            let start = now_ns();
            let names = store.containers(KeySet::User).unwrap();
            let end = now_ns();
            assert!(
                names.is_empty() || names == [NAME],
                "PP_ENUMCONTAINERS lists {names:?}"
            );
            log_op("list", None, &Ok(()), None, start, end, &[]);
            continue;
        }
        // The remaining calls need a context on the container: open one if none is in hand.
        if current.is_none() || roll < 33 {
            let start = now_ns();
            let result = store.acquire(Some(NAME), None, FULL, OPEN);
            let end = now_ns();
            log_op("open", None, &result, None, start, end, &[NTE_BAD_KEYSET]);
            match result {
                Ok(prov) => current = Some(prov),
                Err(_) => continue,
            }
        }
        let prov = current.as_ref().unwrap();
        let slot = rng.index(2);
        let start = now_ns();
        let (call, result) = if roll < 50 {
            let result = prov.gen_key(SLOT_ALGS[slot], pair_flags());
            (
                "gen",
                result.map(|key| pair_id(&key.export(None, BlobType::PublicKeyBlob, 0).unwrap())),
            )
        } else if roll < 70 {
            let choices: Vec<&(usize, Vec<u8>, String)> =
                pool.iter().filter(|p| p.0 == slot).collect();
            let (_, private, id) = choices[rng.index(choices.len())];
            let result = prov.import_key(private, None, KeyFlags::EXPORTABLE);
            ("import", result.map(|_| id.clone()))
        } else {
            let result = prov.user_key(SLOTS[slot]);
            ("read", result.map(|mut key| check_pair(&mut key, slot)))
        };
        let end = now_ns();
        let allowed: &[u32] = match call {
            "read" => &[NTE_NO_KEY, NTE_BAD_KEYSET],
            _ => &[NTE_BAD_KEYSET, ERROR_BUSY],
        };
        let id = result.as_ref().ok().cloned();
        log_op(
            call,
            Some(slot),
            &result,
            id.as_deref(),
            start,
            end,
            allowed,
        );
        if matches!(&result, Err(e) if e.code() == NTE_BAD_KEYSET) {
            // The container was deleted (and maybe re-created) since this context opened it.
            current = None;
        }
    }
    println!("END");
}

/// Logs a call, after checking that its error (if any) is one of `allowed`.
fn log_op<T>(
    call: &str,
    slot: Option<usize>,
    result: &cryptoapi::Result<T>,
    id: Option<&str>,
    start: u128,
    end: u128,
    allowed: &[u32],
) {
    let outcome = match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => {
            assert_ne!(
                e.code(),
                NTE_KEYSET_ENTRY_BAD,
                "{call}: the container is corrupt"
            );
            assert!(
                allowed.contains(&e.code()),
                "{call} in slot {slot:?} failed with {e} ({:#010x}), which its docs do not list \
                 here (allowed: {allowed:#x?})",
                e.code()
            );
            format!("{:#010x}", e.code())
        }
    };
    let slot = slot.map_or("-".to_owned(), |s| s.to_string());
    println!(
        "OP {call} {slot} {outcome} {} {start} {end}",
        id.unwrap_or("-")
    );
}

/// Announces this child is ready, then waits for the parent's go (at most [`CHILD_DEADLINE`]).
fn wait_for_go(root: &Path, index: usize) {
    let barrier = root.join("barrier");
    fs::write(barrier.join(format!("ready-{index}")), b"").unwrap();
    let deadline = Instant::now() + CHILD_DEADLINE;
    while !barrier.join("go").exists() {
        assert!(Instant::now() < deadline, "no go signal");
        thread::sleep(Duration::from_millis(1));
    }
}
