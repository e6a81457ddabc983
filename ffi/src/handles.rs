//! Handles as Windows has them: the address of a small library-owned cell whose first word is
//! non-zero while the handle is live.
//!
//! * A handle is recognised by looking its value up in one table, never by reading through
//!   it, so a zero, foreign (`0xdeadbeef`) or stale value is simply not found and answered
//!   `ERROR_INVALID_PARAMETER`.
//! * Cells are never freed. A destroyed handle's cell has its word cleared and waits in a
//!   quarantine of [`QUARANTINE`] cells before it is handed out again, so a stale handle in a
//!   caller's hands always points at mapped memory, and is not confused with a new object
//!   until thousands of handles later.
//! * A context owns its keys and hashes: its final `CryptReleaseContext` removes them from
//!   the table (their handles are stale from then on) and drops them.
//! * The table lock is held only to look up, insert or remove; the objects are `Arc`s, and a
//!   key or hash has its own mutex, so calls on different objects run in parallel and two
//!   calls on one object are serialised. Calls that lock two objects lock them in address
//!   order ([`lock_pair`]), so no two calls can deadlock.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use cryptoapi::{Error, Hash, Key, Provider, Result};

/// How many destroyed cells wait before one is reused.
pub(crate) const QUARANTINE: usize = 4096;

/// The first word of a live provider context's cell.
const PROV_WORD: usize = 0x7072_6f76; // "prov"
/// The first word of a live key's cell.
const KEY_WORD: usize = 0x6b65_7900; // "key"
/// The first word of a live hash's cell.
const HASH_WORD: usize = 0x6861_7368; // "hash"

/// What a handle points at: one word, non-zero while the handle is live.
#[repr(C)]
struct HandleCell {
    word: AtomicUsize,
}

/// A key object, shared by the table and the calls using it.
pub(crate) type KeyObj = Arc<Mutex<Key<'static>>>;
/// A hash object, shared by the table and the calls using it.
pub(crate) type HashObj = Arc<Mutex<Hash<'static>>>;

enum Object {
    Prov {
        prov: Arc<Provider>,
        /// `CryptContextAddRef`'s count; 0 once the final release has begun (the entry is
        /// then being removed, and no call may revive it).
        refs: AtomicU32,
        /// The context's keys and hashes.
        children: HashSet<usize, Fast>,
    },
    Key {
        key: KeyObj,
        parent: usize,
    },
    Hash {
        hash: HashObj,
        parent: usize,
    },
}

struct Entry {
    cell: &'static HandleCell,
    object: Object,
}

struct Table {
    live: HashMap<usize, Entry, Fast>,
    quarantine: VecDeque<&'static HandleCell>,
}

static TABLE: RwLock<Table> = RwLock::new(Table {
    live: HashMap::with_hasher(BuildHasherDefault::new()),
    quarantine: VecDeque::new(),
});

/// Handles are cell addresses: spread them with one multiplication (SipHash would cost more
/// than the rest of a lookup).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.0 = (value as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type Fast = BuildHasherDefault<AddressHasher>;

fn read() -> std::sync::RwLockReadGuard<'static, Table> {
    TABLE
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write() -> std::sync::RwLockWriteGuard<'static, Table> {
    TABLE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Locks one object, recovering from a panic in an earlier call (that call answered
/// `NTE_FAIL`; the object itself is still a valid Rust value).
pub(crate) fn lock<T>(object: &Mutex<T>) -> MutexGuard<'_, T> {
    object
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Locks two different objects in address order, so that two calls locking the same pair
/// from opposite ends cannot deadlock.
pub(crate) fn lock_pair<'a, A, B>(
    a: &'a Mutex<A>,
    b: &'a Mutex<B>,
) -> (MutexGuard<'a, A>, MutexGuard<'a, B>) {
    let first_a = std::ptr::from_ref(a).addr() < std::ptr::from_ref(b).addr();
    if first_a {
        let ga = lock(a);
        (ga, lock(b))
    } else {
        let gb = lock(b);
        (lock(a), gb)
    }
}

impl Table {
    /// A cell for a new handle: from the quarantine once it is full, else a new one.
    fn cell(&mut self, word: usize) -> &'static HandleCell {
        let cell = if self.quarantine.len() >= QUARANTINE {
            self.quarantine.pop_front()
        } else {
            None
        }
        .unwrap_or_else(|| {
            Box::leak(Box::new(HandleCell {
                word: AtomicUsize::new(0),
            }))
        });
        cell.word.store(word, Ordering::Release);
        cell
    }

    fn insert(&mut self, word: usize, object: Object) -> usize {
        let cell = self.cell(word);
        let handle = std::ptr::from_ref(cell).addr();
        self.live.insert(handle, Entry { cell, object });
        handle
    }

    /// Removes one entry and quarantines its cell; the object is returned to be dropped after
    /// the lock is released.
    fn remove(&mut self, handle: usize) -> Option<Object> {
        let entry = self.live.remove(&handle)?;
        entry.cell.word.store(0, Ordering::Release);
        self.quarantine.push_back(entry.cell);
        Some(entry.object)
    }

    /// Inserts a key or hash of the context `parent`, if that context is still the live one
    /// `prov` came from.
    fn insert_child(
        &mut self,
        parent: usize,
        prov: &Arc<Provider>,
        word: usize,
        object: Object,
    ) -> Result<usize> {
        match self.live.get(&parent) {
            Some(Entry {
                object: Object::Prov {
                    prov: live, refs, ..
                },
                ..
            }) if Arc::ptr_eq(live, prov) && refs.load(Ordering::Acquire) > 0 => {}
            // Released while the key or hash was being made: it dies with its context.
            _ => return Err(Error::InvalidParameter),
        }
        let handle = self.insert(word, object);
        if let Some(Entry {
            object: Object::Prov { children, .. },
            ..
        }) = self.live.get_mut(&parent)
        {
            children.insert(handle);
        }
        Ok(handle)
    }

    fn unlink_child(&mut self, parent: usize, child: usize) {
        if let Some(Entry {
            object: Object::Prov { children, .. },
            ..
        }) = self.live.get_mut(&parent)
        {
            children.remove(&child);
        }
    }
}

/// A new context handle, count 1.
pub(crate) fn insert_prov(prov: Provider) -> usize {
    write().insert(
        PROV_WORD,
        Object::Prov {
            prov: Arc::new(prov),
            refs: AtomicU32::new(1),
            children: HashSet::default(),
        },
    )
}

/// A new key handle owned by the context `parent` (which `prov` was looked up from).
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` when the context was finally released meanwhile (the key is
/// dropped).
pub(crate) fn insert_key(parent: usize, prov: &Arc<Provider>, key: Key<'static>) -> Result<usize> {
    let object = Object::Key {
        key: Arc::new(Mutex::new(key)),
        parent,
    };
    let mut table = write();
    table.insert_child(parent, prov, KEY_WORD, object)
}

/// A new hash handle owned by the context `parent`.
///
/// # Errors
///
/// As [`insert_key`].
pub(crate) fn insert_hash(
    parent: usize,
    prov: &Arc<Provider>,
    hash: Hash<'static>,
) -> Result<usize> {
    let object = Object::Hash {
        hash: Arc::new(Mutex::new(hash)),
        parent,
    };
    let mut table = write();
    table.insert_child(parent, prov, HASH_WORD, object)
}

/// The live context behind `handle`.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for 0, a foreign value, a stale handle, or a key or hash handle.
pub(crate) fn prov(handle: usize) -> Result<Arc<Provider>> {
    match read().live.get(&handle) {
        Some(Entry {
            object: Object::Prov { prov, refs, .. },
            ..
        }) if refs.load(Ordering::Acquire) > 0 => Ok(Arc::clone(prov)),
        _ => Err(Error::InvalidParameter),
    }
}

/// The live key behind `handle`, with its context's handle.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live key handle.
pub(crate) fn key(handle: usize) -> Result<(KeyObj, usize)> {
    match read().live.get(&handle) {
        Some(Entry {
            object: Object::Key { key, parent },
            ..
        }) => Ok((Arc::clone(key), *parent)),
        _ => Err(Error::InvalidParameter),
    }
}

/// The live hash behind `handle`, with its context's handle.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live hash handle.
pub(crate) fn hash(handle: usize) -> Result<(HashObj, usize)> {
    match read().live.get(&handle) {
        Some(Entry {
            object: Object::Hash { hash, parent },
            ..
        }) => Ok((Arc::clone(hash), *parent)),
        _ => Err(Error::InvalidParameter),
    }
}

/// `CryptContextAddRef`: one more reference on a live context. Takes only the shared lock.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live context handle; `NTE_FAIL` at 2³²−1
/// references.
pub(crate) fn add_ref(handle: usize) -> Result<()> {
    match read().live.get(&handle) {
        Some(Entry {
            object: Object::Prov { refs, .. },
            ..
        }) => {
            // Never from 0: a context whose final release has begun stays dead.
            refs.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| match n {
                0 => None,
                n => n.checked_add(1),
            })
            .map_err(|n| {
                if n == 0 {
                    Error::InvalidParameter
                } else {
                    Error::Fail
                }
            })?;
            Ok(())
        }
        _ => Err(Error::InvalidParameter),
    }
}

/// `CryptReleaseContext`: drops one reference; the last one removes the context with its keys
/// and hashes, whose handles are stale from then on. Only the last one takes the exclusive
/// lock; the objects are dropped after the table is unlocked.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live context handle.
pub(crate) fn release(handle: usize) -> Result<()> {
    match read().live.get(&handle) {
        Some(Entry {
            object: Object::Prov { refs, .. },
            ..
        }) => {
            let before = refs
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .map_err(|_| Error::InvalidParameter)?;
            if before > 1 {
                return Ok(());
            }
        }
        _ => return Err(Error::InvalidParameter),
    }
    // This call took the count to 0: no other call can use or revive the context now, and
    // only this one removes it.
    let mut dead = Vec::new();
    {
        let mut table = write();
        let children = match table.live.get_mut(&handle) {
            Some(Entry {
                object: Object::Prov { children, .. },
                ..
            }) => std::mem::take(children),
            _ => return Ok(()),
        };
        dead.reserve(children.len() + 1);
        for child in children {
            dead.extend(table.remove(child));
        }
        dead.extend(table.remove(handle));
    }
    drop(dead);
    Ok(())
}

/// `CryptDestroyKey`: removes a live key handle.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live key handle.
pub(crate) fn destroy_key(handle: usize) -> Result<()> {
    destroy(handle, |object| matches!(object, Object::Key { .. }))
}

/// `CryptDestroyHash`: removes a live hash handle.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for anything but a live hash handle.
pub(crate) fn destroy_hash(handle: usize) -> Result<()> {
    destroy(handle, |object| matches!(object, Object::Hash { .. }))
}

fn destroy(handle: usize, kind: impl Fn(&Object) -> bool) -> Result<()> {
    let dead = {
        let mut table = write();
        let parent = match table.live.get(&handle) {
            Some(Entry {
                object: object @ (Object::Key { parent, .. } | Object::Hash { parent, .. }),
                ..
            }) if kind(object) => *parent,
            _ => return Err(Error::InvalidParameter),
        };
        table.unlink_child(parent, handle);
        table.remove(handle)
    };
    drop(dead);
    Ok(())
}
