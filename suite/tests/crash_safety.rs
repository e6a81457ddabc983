//! Crash safety of key containers: a writer killed with `SIGKILL` at any moment, in the middle
//! of a write included, leaves a whole, working container behind.
//!
//! The parent test starts a child process (this test binary re-executed to run the `#[ignore]`d
//! helper `child_crash_writer`, as in `tests/cross_process.rs`) that writes RSA key pairs into
//! one container in a loop: 512-bit pairs generated with `CryptGenKey`, and `PRIVATEKEYBLOB`s
//! imported with `CryptImportKey`, into both the exchange and the signature slot. Before each
//! write it prints `BEGIN <slot> <pair id>` (`gen` for a generated pair, whose id is known only
//! afterwards) and after it `DONE <slot> <pair id>`, where the pair id is the SHA-256 of the
//! public key (`common::pair_id`). The parent kills it with `SIGKILL` (`Child::kill`) at a
//! varied, seeded moment: a few milliseconds after starting it (before its first write), after
//! a random sleep, zero to a few thousand microseconds after its n-th `BEGIN` line (so that
//! kills land inside writes), or right after its n-th `DONE`.
//!
//! After every kill the parent reopens the container with a new `Provider` and checks that:
//! * it opens: no `NTE_KEYSET_ENTRY_BAD`, no `NTE_BAD_KEYSET`;
//! * each slot holds the pair of the last `DONE` for that slot, or the pair in flight when the
//!   child died (for a generated pair: a new pair never seen before), and is never empty once
//!   a pair was committed;
//! * the pair works: it is a 512-bit pair of the slot's algorithm, its signature verifies with
//!   its exported public blob, and the exchange pair decrypts what its public blob encrypts;
//! * the store stays usable: nobody holds the container's lock (the OS dropped the dead
//!   writer's lock), and a fresh write by another store handle succeeds without waiting.
//!
//! The quick test does 40 kills and prints its figures (run with `--nocapture` to see them):
//! how many kills landed between a `BEGIN` and its `DONE`, and in how many of those the new pair
//! had already reached the disk. The soak test takes its kill count from
//! `CRYPTOAPI_CRASH_KILLS` (default 300); both replay a schedule from `CRYPTOAPI_CRASH_SEED`:
//!
//! ```text
//! CRYPTOAPI_CRASH_KILLS=1000 cargo test --test crash_safety -- --ignored soak --nocapture
//! CRYPTOAPI_CRASH_SEED=<seed printed by a failed run> cargo test --test crash_safety
//! ```
//!
//! `a_deleted_container_leaves_no_private_key_on_disk` pins a bug these kills found: a writer
//! killed between creating its temporary file and renaming it leaves the file, with the
//! container's private keys, in the key set directory for good, even after the container is
//! deleted. It fails until that is fixed.
//!
//! Unix only: the kill must be `SIGKILL`, which no code in the child can see or delay.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use cryptoapi::codes::{NTE_BAD_KEYSET, NTE_NO_KEY};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, KeyFlags, KeySet, KeySpec, KeyStore, Provider,
    ProviderType,
};

mod common;
use common::{
    CHILD_DEADLINE, Rng, TempRoot, child_command, count_from_env, hex, pair_id, seed_from_env,
    unhex,
};

const FULL: ProviderType = ProviderType::RSA_FULL;
const OPEN: AcquireFlags = AcquireFlags::empty();
const NEW: AcquireFlags = AcquireFlags::NEWKEYSET;
const BITS: u16 = 512;
const NAME: &str = "crash target";
/// Pre-made `PRIVATEKEYBLOB`s per slot that the child imports.
const POOL_PER_SLOT: usize = 3;
const POOL_FILE: &str = "pool.txt";
const SLOTS: [KeySpec; 2] = [KeySpec::Exchange, KeySpec::Signature];
const SLOT_ALGS: [AlgId; 2] = [AlgId::RSA_KEYX, AlgId::RSA_SIGN];
const SLOT_NAMES: [&str; 2] = ["exchange", "signature"];
const SIGKILL: i32 = 9;

const ENV_ROOT: &str = "CRYPTOAPI_CRASH_ROOT";
const ENV_CHILD_SEED: &str = "CRYPTOAPI_CRASH_CHILD_SEED";
const ENV_SEED: &str = "CRYPTOAPI_CRASH_SEED";
const ENV_KILLS: &str = "CRYPTOAPI_CRASH_KILLS";
const ENV_IMPORTS_ONLY: &str = "CRYPTOAPI_CRASH_IMPORTS_ONLY";

#[test]
fn killed_writers_leave_whole_containers() {
    let stats = crash_run(40, seed_from_env(ENV_SEED));
    println!("{stats}");
}

#[test]
#[ignore = "soak test: CRYPTOAPI_CRASH_KILLS=1000 cargo test --test crash_safety -- --ignored soak"]
fn soak_killed_writers_leave_whole_containers() {
    let stats = crash_run(count_from_env(ENV_KILLS, 300), seed_from_env(ENV_SEED));
    println!("{stats}");
}

/// A writer killed between creating its temporary file and renaming it over the container leaves
/// the temporary file behind, holding every private key of the container. Deleting the container
/// must remove it too. (Found by these tests: temporary files used to be named after the writer's
/// process id and were never removed, so keys outlived `CRYPT_DELETEKEYSET` and such files piled
/// up with every crash.)
#[test]
fn a_deleted_container_leaves_no_private_key_on_disk() {
    let root = TempRoot::new("crash-remnant");
    let store = root.store();
    store.acquire(Some(NAME), None, FULL, NEW).unwrap();
    let pool = make_pool(&root.path);
    let mut rng = Rng::new(seed_from_env(ENV_SEED));
    // Kill writers (importing pairs of the pool only) inside writes until one dies between
    // writing and renaming its temporary file: the first kill or two usually does, as syncing
    // that file is most of a write.
    let mut kills = 0;
    while remnants(&root.path, &pool).is_empty() && kills < 200 {
        let moment = Moment::AfterBegin {
            nth: 1 + rng.index(3),
            delay: Duration::from_micros(rng.below(3_000)),
        };
        run_and_kill_with(
            &root.path,
            rng.next_u64(),
            moment,
            &[(ENV_IMPORTS_ONLY, "1")],
        );
        kills += 1;
    }
    let before = remnants(&root.path, &pool);
    println!("after {kills} kills: {before:#?}");
    if before.is_empty() {
        // Writes no longer leave named temporary files behind: nothing left to check.
        return;
    }
    store
        .delete_container(Some(NAME), None, FULL, OPEN)
        .unwrap();
    let after = remnants(&root.path, &pool);
    assert!(
        after.is_empty(),
        "private keys of the deleted container are still on disk:\n{}",
        after.join("\n")
    );
}

/// The files under the store's root, other than the container itself, that hold the private
/// exponent of a pool pair (the last 64 bytes of a 512-bit `PRIVATEKEYBLOB`).
fn remnants(root: &Path, pool: &[PoolPair]) -> Vec<String> {
    let container = KeyStore::at(root)
        .container_path(KeySet::User, NAME)
        .unwrap();
    let mut found = Vec::new();
    for dir in [root.to_path_buf(), root.join("user")] {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() || path == container {
                continue;
            }
            let bytes = fs::read(&path).unwrap();
            for pair in pool {
                let exponent = &pair.private[pair.private.len() - 64..];
                if bytes.windows(exponent.len()).any(|w| w == exponent) {
                    found.push(format!("{} holds pair {}", path.display(), pair.id));
                }
            }
        }
    }
    found
}

/// What a writer killed mid-write leaves (its temporary file, at the one name every writer of
/// the container uses) is replaced by the next write, which succeeds, and nothing piles up. (Found
/// by these tests: the name used to carry the writer's process id and was opened with
/// `create_new`, so a later process that got the dead one's id failed its write with `NTE_FAIL`.)
#[test]
fn a_dead_writers_temporary_file_does_not_fail_a_later_write() {
    let root = TempRoot::new("crash-leftover");
    let store = root.store();
    let prov = store.acquire(Some(NAME), None, FULL, NEW).unwrap();
    let container = store.container_path(KeySet::User, NAME).unwrap();
    let stem = container.file_stem().unwrap().to_str().unwrap();
    let leftover = container.with_file_name(format!(".{stem}.tmp"));
    fs::write(&leftover, b"left by a killed writer").unwrap();
    let key = prov
        .gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(BITS))
        .unwrap();
    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let reopened = store.acquire(Some(NAME), None, FULL, OPEN).unwrap();
    let read = reopened.user_key(KeySpec::Signature).unwrap();
    assert_eq!(
        *read.export(None, BlobType::PublicKeyBlob, 0).unwrap(),
        *public
    );
    assert_eq!(
        temp_files(&root.path),
        Vec::<PathBuf>::new(),
        "the leftover was not replaced"
    );
}

// ---------------------------------------------------------------------------------------------
// The child: writes pairs until it is killed.

/// A `PRIVATEKEYBLOB` the child imports, with its slot and pair id.
struct PoolPair {
    slot: usize,
    id: String,
    private: Vec<u8>,
}

#[test]
#[ignore = "child process helper, run by the crash tests"]
fn child_crash_writer() {
    let Some(root) = std::env::var_os(ENV_ROOT).map(PathBuf::from) else {
        return;
    };
    let seed = std::env::var(ENV_CHILD_SEED).unwrap().parse().unwrap();
    let mut rng = Rng::new(seed);
    let imports_only = std::env::var_os(ENV_IMPORTS_ONLY).is_some();
    let pool = read_pool(&root);
    let store = KeyStore::at(&root);
    let mut prov = store.acquire(Some(NAME), None, FULL, OPEN).unwrap();
    // On a line of its own: the test harness may have printed the test name without a newline.
    say("\nREADY");
    // Bounded, so that a child whose parent died stops by itself; the parent kills it long
    // before, and fails if it ever exits on its own.
    let deadline = Instant::now() + CHILD_DEADLINE;
    while Instant::now() < deadline {
        let slot = rng.index(2);
        let roll = rng.below(30);
        if imports_only || roll >= 12 {
            let choices: Vec<&PoolPair> = pool.iter().filter(|p| p.slot == slot).collect();
            let pair = choices[rng.index(choices.len())];
            say(&format!("BEGIN pair {slot} {}", pair.id));
            prov.import_key(&pair.private, None, KeyFlags::EXPORTABLE)
                .unwrap();
            say(&format!("DONE pair {slot} {}", pair.id));
        } else if roll >= 2 {
            say(&format!("BEGIN pair {slot} gen"));
            let key = prov
                .gen_key(SLOT_ALGS[slot], KeyFlags::EXPORTABLE.with_key_bits(BITS))
                .unwrap();
            let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
            say(&format!("DONE pair {slot} {}", pair_id(&public)));
        } else {
            // Now and then the container is deleted and made anew (CRYPT_DELETEKEYSET, then
            // CRYPT_NEWKEYSET): a crash there must leave it gone, or there and empty.
            say("BEGIN delete");
            store
                .delete_container(Some(NAME), None, FULL, OPEN)
                .unwrap();
            say("DONE delete");
            say("BEGIN create");
            prov = store.acquire(Some(NAME), None, FULL, NEW).unwrap();
            say("DONE create");
        }
    }
}

/// Prints a line and pushes it into the pipe at once: what the parent reads was said before the
/// kill.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

fn read_pool(root: &Path) -> Vec<PoolPair> {
    fs::read_to_string(root.join(POOL_FILE))
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields = line.split(' ');
            let mut field = || fields.next().unwrap();
            PoolPair {
                slot: field().parse().unwrap(),
                id: field().to_owned(),
                private: unhex(field()),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The parent: kills, reopens, checks.

/// When the parent kills the child.
#[derive(Clone, Copy, Debug)]
enum Moment {
    /// This long after starting it.
    After(Duration),
    /// This long after it announced its `nth` write (1-based).
    AfterBegin { nth: usize, delay: Duration },
    /// As soon as it reported its `nth` finished write.
    AfterDone { nth: usize },
}

fn pick_moment(rng: &mut Rng) -> Moment {
    match rng.below(10) {
        // Very early: the child is still starting, opening the container or in its first write.
        0 => Moment::After(Duration::from_micros(rng.below(5_000))),
        1 | 2 => Moment::After(Duration::from_millis(30 + rng.below(300))),
        3..=7 => Moment::AfterBegin {
            nth: 1 + rng.index(4),
            delay: Duration::from_micros(match rng.below(3) {
                0 => 0,
                1 => rng.below(500),
                _ => rng.below(5_000),
            }),
        },
        _ => Moment::AfterDone {
            nth: 1 + rng.index(4),
        },
    }
}

/// A change the child makes to the container.
#[derive(Clone, Debug, PartialEq)]
enum Change {
    /// A pair into a slot; the id is `None` while a generated pair is in flight.
    Pair(usize, Option<String>),
    Delete,
    Create,
}

/// One line of the child's log.
#[derive(Clone, Debug, PartialEq)]
enum Event {
    Ready,
    Begin(Change),
    Done(Change),
}

fn parse_event(line: &str) -> Option<Event> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let change = match words[..] {
        ["READY"] => return Some(Event::Ready),
        [_, "pair", slot, "gen"] => Change::Pair(slot.parse().ok()?, None),
        [_, "pair", slot, id] => Change::Pair(slot.parse().ok()?, Some(id.to_owned())),
        [_, "delete"] => Change::Delete,
        [_, "create"] => Change::Create,
        _ => return None,
    };
    match words[0] {
        "BEGIN" => Some(Event::Begin(change)),
        "DONE" => Some(Event::Done(change)),
        _ => None,
    }
}

/// The container as the parent sees it: `None` when it does not exist, else the pair id in
/// each slot.
type State = Option<[Option<String>; 2]>;

/// Whether `actual` is `want`, except that slot `fresh`, where a generated pair was in flight,
/// must hold a pair never seen before (`known` lists every pair seen, per slot).
fn state_matches(
    actual: &State,
    want: &State,
    fresh: Option<usize>,
    known: &[HashSet<String>; 2],
) -> bool {
    match (actual, want) {
        (None, None) => true,
        (Some(actual), Some(want)) => (0..2).all(|slot| {
            if fresh == Some(slot) {
                actual[slot]
                    .as_ref()
                    .is_some_and(|id| !known[0].contains(id) && !known[1].contains(id))
            } else {
                actual[slot] == want[slot]
            }
        }),
        _ => false,
    }
}

/// What a killed child said, and how it ended.
struct Killed {
    events: Vec<Event>,
    status: ExitStatus,
    stdout: Vec<String>,
    stderr: String,
}

/// Figures of a crash run.
#[derive(Debug, Default)]
struct Stats {
    seed: u64,
    kills: usize,
    /// Killed before it said READY (starting, or opening the container).
    before_ready: usize,
    /// Killed between a `BEGIN` and its `DONE`.
    mid_write: usize,
    /// ... of which the change had already reached the disk.
    mid_write_landed: usize,
    /// ... of which the change was an import, a generated pair, a delete, a create.
    mid_write_import: usize,
    mid_write_gen: usize,
    mid_write_delete: usize,
    mid_write_create: usize,
    /// Changes the killed children completed.
    changes_done: usize,
    orphan_temp_files: usize,
    elapsed: Duration,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "crash safety (seed {}): {} kills in {:.1?}: {} before the child was ready, {} \
             mid-write (between BEGIN and DONE: {} imports, {} generated pairs, {} deletes, {} \
             creates; the change was on disk after {} of them), {} changes completed by killed \
             children, {} orphaned temporary files left in the key set directory",
            self.seed,
            self.kills,
            self.elapsed,
            self.before_ready,
            self.mid_write,
            self.mid_write_import,
            self.mid_write_gen,
            self.mid_write_delete,
            self.mid_write_create,
            self.mid_write_landed,
            self.changes_done,
            self.orphan_temp_files
        )
    }
}

fn crash_run(kills: usize, seed: u64) -> Stats {
    let start = Instant::now();
    let mut rng = Rng::new(seed);
    let root = TempRoot::new("crash");
    let store = root.store();
    store.acquire(Some(NAME), None, FULL, NEW).unwrap();
    let pool = make_pool(&root.path);
    // Every pair id ever seen per slot: a generated pair in flight must be a new one.
    let mut known: [HashSet<String>; 2] = Default::default();
    for pair in &pool {
        known[pair.slot].insert(pair.id.clone());
    }
    // The container, as last checked.
    let mut state: State = Some([None, None]);
    let mut stats = Stats {
        seed,
        ..Stats::default()
    };

    for kill in 1..=kills {
        let moment = pick_moment(&mut rng);
        let killed = run_and_kill(&root.path, rng.next_u64(), moment);
        let before = state.clone();
        let context = || {
            format!(
                "kill {kill} of {kills} (seed {seed}, {moment:?}); state before: {before:?}\n\
                 child status: {}\nchild stdout:\n{}\nchild stderr:\n{}",
                killed.status,
                killed.stdout.join("\n"),
                killed.stderr
            )
        };

        // What the child committed, and what was in flight when it died.
        let mut expected = state.clone();
        let mut in_flight: Option<Change> = None;
        for event in &killed.events {
            match event {
                Event::Ready => {}
                Event::Begin(change) => {
                    assert!(in_flight.is_none(), "two changes at once\n{}", context());
                    in_flight = Some(change.clone());
                }
                Event::Done(change) => {
                    let begun = in_flight.take();
                    let matching = match (&begun, change) {
                        (Some(Change::Pair(s, b)), Change::Pair(slot, Some(id))) => {
                            s == slot && b.as_ref().is_none_or(|b| b == id)
                        }
                        (Some(b), _) => b == change,
                        (None, _) => false,
                    };
                    assert!(matching, "DONE without its BEGIN\n{}", context());
                    expected = match change {
                        Change::Pair(slot, id) => {
                            known[*slot].extend(id.clone());
                            let mut slots = expected.unwrap_or_else(|| {
                                panic!("a pair written into no container\n{}", context())
                            });
                            slots[*slot].clone_from(id);
                            Some(slots)
                        }
                        Change::Delete => None,
                        Change::Create => Some([None, None]),
                    };
                    stats.changes_done += 1;
                }
            }
        }
        if !killed.events.contains(&Event::Ready) {
            stats.before_ready += 1;
        }
        // The state if the change in flight reached the disk.
        let (landed, fresh) = match &in_flight {
            None => (None, None),
            Some(Change::Pair(slot, id)) => {
                let mut slots = expected
                    .clone()
                    .unwrap_or_else(|| panic!("a pair written into no container\n{}", context()));
                slots[*slot].clone_from(id);
                (Some(Some(slots)), id.is_none().then_some(*slot))
            }
            Some(Change::Delete) => (Some(None), None),
            Some(Change::Create) => (Some(Some([None, None])), None),
        };

        // The container opens in a new context (or is cleanly gone), and is as expected.
        let actual: State = match store.acquire(Some(NAME), None, FULL, OPEN) {
            Ok(prov) => Some([0, 1].map(|slot| read_and_check_slot(&prov, slot, &context))),
            Err(e) if e.code() == NTE_BAD_KEYSET => None,
            Err(e) => panic!(
                "the container does not open after the kill: {e} ({:#010x})\n{}",
                e.code(),
                context()
            ),
        };
        let as_committed = state_matches(&actual, &expected, None, &known);
        let as_landed = landed
            .as_ref()
            .is_some_and(|landed| state_matches(&actual, landed, fresh, &known));
        assert!(
            as_committed || as_landed,
            "the container is {actual:?}; expected the last committed state {expected:?}, or \
             {landed:?} with the change in flight {in_flight:?}\n{}",
            context()
        );
        if let Some(change) = &in_flight {
            stats.mid_write += 1;
            match change {
                Change::Pair(_, Some(_)) => stats.mid_write_import += 1,
                Change::Pair(_, None) => stats.mid_write_gen += 1,
                Change::Delete => stats.mid_write_delete += 1,
                Change::Create => stats.mid_write_create += 1,
            }
            if !as_committed {
                stats.mid_write_landed += 1;
            }
        }
        if let Some(slots) = &actual {
            for (slot, id) in slots.iter().enumerate() {
                known[slot].extend(id.clone());
            }
        }
        state = actual;
        if state.is_none() {
            store.acquire(Some(NAME), None, FULL, NEW).unwrap();
            state = Some([None, None]);
        }

        // The store stays usable: the dead writer's lock is free, and a writer gets through.
        assert_lock_is_free(&store, &context);
        let pair = &pool[rng.index(pool.len())];
        let writer = KeyStore::at(&root.path)
            .with_lock_timeout(Duration::from_secs(2))
            .acquire(Some(NAME), None, FULL, OPEN)
            .unwrap();
        if let Err(e) = writer.import_key(&pair.private, None, KeyFlags::EXPORTABLE) {
            panic!(
                "a fresh write after the kill fails: {e} ({:#010x})\n{}",
                e.code(),
                context()
            );
        }
        let check = store.acquire(Some(NAME), None, FULL, OPEN).unwrap();
        assert_eq!(
            read_and_check_slot(&check, pair.slot, &context).as_ref(),
            Some(&pair.id),
            "the fresh write is not seen"
        );
        if let Some(slots) = &mut state {
            slots[pair.slot] = Some(pair.id.clone());
        }
        stats.kills += 1;
    }

    // Not vacuous: kills did land between a BEGIN and its DONE (a generated pair alone takes
    // many milliseconds between the two).
    if kills >= 20 {
        assert!(stats.mid_write > 0, "no kill landed mid-write: {stats}");
    }
    stats.orphan_temp_files = temp_files(&root.path).len();
    // One temporary file name per container: crashes never pile files up.
    assert!(
        stats.orphan_temp_files <= 1,
        "temporary files pile up: {stats}"
    );
    // The container is still deletable, and gone afterwards.
    store
        .delete_container(Some(NAME), None, FULL, OPEN)
        .unwrap();
    assert_eq!(
        store.containers(KeySet::User).unwrap(),
        Vec::<String>::new()
    );
    stats.elapsed = start.elapsed();
    stats
}

/// The temporary files in the user key set directory: a writer's file not yet renamed over the
/// container.
fn temp_files(root: &Path) -> Vec<PathBuf> {
    fs::read_dir(root.join("user"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".tmp"))
        .collect()
}

/// Makes the pool of `PRIVATEKEYBLOB`s the child imports, and writes it to the pool file.
fn make_pool(root: &Path) -> Vec<PoolPair> {
    let prov = Provider::verify_context(FULL).unwrap();
    let mut pool = Vec::new();
    let mut file = String::new();
    for (slot, alg) in SLOT_ALGS.into_iter().enumerate() {
        for _ in 0..POOL_PER_SLOT {
            let key = prov
                .gen_key(alg, KeyFlags::EXPORTABLE.with_key_bits(BITS))
                .unwrap();
            let private = key.export(None, BlobType::PrivateKeyBlob, 0).unwrap();
            let id = pair_id(&key.export(None, BlobType::PublicKeyBlob, 0).unwrap());
            file.push_str(&format!("{slot} {id} {}\n", hex(&private)));
            pool.push(PoolPair {
                slot,
                id,
                private: private.to_vec(),
            });
        }
    }
    fs::write(root.join(POOL_FILE), file).unwrap();
    pool
}

/// Runs the child writer and kills it at `moment`; fails if it ended any other way.
fn run_and_kill(root: &Path, child_seed: u64, moment: Moment) -> Killed {
    run_and_kill_with(root, child_seed, moment, &[])
}

/// [`run_and_kill`] with more environment for the child.
fn run_and_kill_with(
    root: &Path,
    child_seed: u64,
    moment: Moment,
    extra_env: &[(&str, &str)],
) -> Killed {
    let seed = child_seed.to_string();
    let mut env = vec![(ENV_ROOT, root.to_str().unwrap()), (ENV_CHILD_SEED, &seed)];
    env.extend_from_slice(extra_env);
    let mut child = child_command("child_crash_writer", &env).spawn().unwrap();
    let lines = read_lines(child.stdout.take().unwrap());
    let mut stderr_pipe = child.stderr.take().unwrap();
    let (stderr_tx, stderr_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        let _ = stderr_tx.send(text);
    });

    let deadline = Instant::now() + CHILD_DEADLINE;
    let mut stdout = Vec::new();
    let mut open = true;
    match moment {
        Moment::After(delay) => thread::sleep(delay),
        Moment::AfterBegin { nth, delay } => {
            wait_for(&lines, &mut stdout, &mut open, "BEGIN ", nth, deadline);
            if !delay.is_zero() {
                thread::sleep(delay);
            }
        }
        Moment::AfterDone { nth } => {
            wait_for(&lines, &mut stdout, &mut open, "DONE ", nth, deadline);
        }
    }
    child.kill().unwrap();
    let status = wait_until(&mut child, deadline);
    while open {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Some(line)) => stdout.push(line),
            Ok(None) => open = false,
            Err(_) => panic!("the killed child's stdout never closed"),
        }
    }
    let stderr = stderr_rx
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .unwrap_or_default();
    assert_eq!(
        status.signal(),
        Some(SIGKILL),
        "the child was not killed but ended by itself ({status}):\nstdout:\n{}\nstderr:\n{stderr}",
        stdout.join("\n")
    );
    Killed {
        events: stdout.iter().filter_map(|l| parse_event(l)).collect(),
        status,
        stdout,
        stderr,
    }
}

/// The lines of a pipe, as they come, then `None` at its end.
fn read_lines(pipe: impl Read + Send + 'static) -> Receiver<Option<String>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(Some(line)).is_err() {
                return;
            }
        }
        let _ = tx.send(None);
    });
    rx
}

/// Collects lines until the `nth` one starting with `prefix`, the end of the pipe (the child
/// ended on its own: the caller finds out), or the deadline (a hung child: fail).
fn wait_for(
    lines: &Receiver<Option<String>>,
    seen: &mut Vec<String>,
    open: &mut bool,
    prefix: &str,
    nth: usize,
    deadline: Instant,
) {
    let mut count = 0;
    while count < nth {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Some(line)) => {
                count += usize::from(line.trim().starts_with(prefix));
                seen.push(line);
            }
            Ok(None) => {
                *open = false;
                return;
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "the child printed no {prefix:?} line #{nth} within {CHILD_DEADLINE:?}:\n{}",
                seen.join("\n")
            ),
            Err(RecvTimeoutError::Disconnected) => unreachable!("the reader sends None first"),
        }
    }
}

fn wait_until(child: &mut Child, deadline: Instant) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the killed child did not exit within {CHILD_DEADLINE:?}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

/// The id of the pair in `slot` (`None` when empty), after checking it is a whole, working pair
/// of the slot's kind.
fn read_and_check_slot(
    prov: &Provider,
    slot: usize,
    context: &dyn Fn() -> String,
) -> Option<String> {
    let mut key = match prov.user_key(SLOTS[slot]) {
        Ok(key) => key,
        Err(e) if e.code() == NTE_NO_KEY => return None,
        Err(e) => panic!(
            "reading the {} pair fails: {e} ({:#010x})\n{}",
            SLOT_NAMES[slot],
            e.code(),
            context()
        ),
    };
    assert_eq!(key.alg_id(), SLOT_ALGS[slot], "{}", context());
    assert_eq!(key.key_bits(), u32::from(BITS), "{}", context());
    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    assert_eq!(
        public[4..8],
        SLOT_ALGS[slot].raw().to_le_bytes(),
        "the {} pair's public blob names another algorithm\n{}",
        SLOT_NAMES[slot],
        context()
    );
    let verifier = Provider::verify_context(FULL).unwrap();
    let public_key = verifier
        .import_key(&public, None, KeyFlags::empty())
        .unwrap();

    // The stored private key signs; its public key verifies.
    let message = format!("signed by the {} pair after a crash", SLOT_NAMES[slot]);
    let mut hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    hash.hash_data(message.as_bytes()).unwrap();
    let signature = hash.sign(SLOTS[slot], 0).unwrap();
    let mut check = verifier.create_hash(AlgId::SHA1, None).unwrap();
    check.hash_data(message.as_bytes()).unwrap();
    if let Err(e) = check.verify_signature(&signature, &public_key, 0) {
        panic!(
            "the {} pair's signature does not verify with its public blob: {e}\n{}",
            SLOT_NAMES[slot],
            context()
        );
    }
    // The exchange pair decrypts what its public half encrypts.
    if slot == 0 {
        // OAEP with a 512-bit key takes at most 22 bytes.
        let plain = b"whole after a kill";
        let mut public_key = public_key;
        let mut data = plain.to_vec();
        public_key
            .encrypt_with(None, true, CRYPT_OAEP, &mut data)
            .unwrap();
        key.decrypt_with(None, true, CRYPT_OAEP, &mut data)
            .unwrap_or_else(|e| panic!("the exchange pair does not decrypt: {e}\n{}", context()));
        assert_eq!(data, plain, "{}", context());
    }
    Some(pair_id(&public))
}

/// Nobody holds the container's writer lock: taking it succeeds without waiting.
fn assert_lock_is_free(store: &KeyStore, context: &dyn Fn() -> String) {
    let path = store.lock_path(KeySet::User, NAME).unwrap();
    let Ok(file) = File::options().read(true).write(true).open(&path) else {
        return; // No writer ever got as far as the lock.
    };
    if let Err(e) = file.try_lock() {
        panic!(
            "the container's lock is still held after its writer died: {e:?}\n{}",
            context()
        );
    }
}
