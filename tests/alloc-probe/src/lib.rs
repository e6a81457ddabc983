//! A tracking global allocator for tests: it finds secrets left behind in heap blocks that were
//! freed without being wiped.
//!
//! `cryptoapi` forbids `unsafe` code, its integration tests included, and a global allocator
//! cannot be written without it. So the allocator lives here, in a small unpublished crate that
//! `cryptoapi` uses only as a dev-dependency, and everything it offers a test is safe:
//!
//! ```
//! #[global_allocator]
//! static PROBE: alloc_probe::Probe = alloc_probe::Probe;
//!
//! fn main() {
//!     let session = alloc_probe::Session::start();
//!     let password = session.watch(b"correct horse battery staple");
//!
//!     let mut wiped = b"correct horse battery staple".to_vec();
//!     wiped.fill(0); // real code uses the `zeroize` crate
//!     drop(std::hint::black_box(wiped));
//!     let leaked = b"correct horse battery staple".to_vec();
//!     drop(std::hint::black_box(leaked)); // freed with the password still in it
//!
//!     let report = session.finish();
//!     assert_eq!(report.findings.len(), 1);
//!     assert_eq!(report.findings[0].pattern, password);
//! }
//! ```
//!
//! # How it works
//!
//! * [`Probe`] forwards every call to [`System`]. It hands out **zero-filled** blocks, so a
//!   freed block holds exactly what its owner wrote into it, never a stale copy left by an
//!   earlier owner (which would blame the wrong code, or the right code twice).
//! * While a [`Session`] is open, freed blocks are not given back to the system: they are
//!   **held**, and scanned when the session finishes, against every pattern watched by then. A
//!   pattern can therefore be learned after the fact (generate a key, export it, watch its bytes)
//!   and still catch the temporaries freed while the key was being generated.
//! * While a session is open, `realloc` **always moves** the block, so the old block is always
//!   freed and scanned: whether an allocator grows a block in place is luck, and a block shrunk
//!   in place frees its tail. A secret buffer that grows must wipe the old block itself.
//! * A block **contains** a pattern when it holds any [`WINDOW`] (8) consecutive bytes of it,
//!   or all of it for patterns of [`MIN_PATTERN_LEN`] to 7 bytes. So a partial copy is found,
//!   not only a whole one. Windows made of one repeated byte are ignored (freed memory is full
//!   of zero runs); a random 8-byte window matches a given position by chance with probability
//!   2⁻⁶⁴.
//! * Each pattern is reported at most once per block, as a [`Finding`]: which pattern, the
//!   block's size, where in it, and whether `dealloc` or `realloc` freed it.
//!
//! Nothing is allocated inside the allocator: all state (patterns, a hash table of their
//! windows, held blocks, findings) is static and fixed-size, behind a spin lock. A thread-local
//! flag sends any reentrant call (a panic while the lock is held, say) straight to the system
//! allocator instead of deadlocking. Sessions are exclusive: [`Session::start`] waits for the
//! previous session to end, which also serialises tests that run on parallel threads.
//!
//! # Reading freed blocks
//!
//! A block is read byte by byte with volatile reads just before it is returned to the system.
//! Every byte of it was initialised (zero-filled on allocation) unless its owner copied padding
//! or `MaybeUninit` bytes into it; Rust's rules call reading such bytes undefined behaviour, and
//! the volatile reads are there so that the compiler performs them as plain loads and draws no
//! conclusion from them. This crate is a test tool, never shipped.
//!
//! # Limits
//!
//! * Only the heap: secrets on the stack or in registers are not seen.
//! * Only freed blocks: memory still live when the session ends is not scanned.
//! * At most [`MAX_PATTERNS`] patterns of at most [`MAX_PATTERN_LEN`] bytes per session; split
//!   longer secrets into overlapping pieces.
//! * A session holds at most 65,536 blocks and 256 MiB. Beyond that, blocks are scanned when
//!   freed, against the patterns watched so far, and counted in [`Report::scanned_early`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The most patterns one session can watch.
pub const MAX_PATTERNS: usize = 128;
/// The longest pattern, in bytes.
pub const MAX_PATTERN_LEN: usize = 512;
/// The shortest pattern, in bytes: shorter ones would turn up in freed memory by chance.
pub const MIN_PATTERN_LEN: usize = 4;
/// How many consecutive bytes of a pattern a block must hold to contain it.
pub const WINDOW: usize = 8;

/// The hash table of pattern windows: 2^17 slots, at most half of them used.
const TABLE_BITS: u32 = 17;
const TABLE_SIZE: usize = 1 << TABLE_BITS;
/// A one-bit-per-hash-prefix filter in front of the table, small enough to stay in cache.
const FILTER_BITS: u32 = 16;
const MAX_HELD: usize = 1 << 16;
const MAX_HELD_BYTES: usize = 256 << 20;
const MAX_FINDINGS: usize = 1024;

/// The tracking allocator. Install it in a test binary with
/// `#[global_allocator] static PROBE: alloc_probe::Probe = alloc_probe::Probe;`.
///
/// Outside a [`Session`] it only zero-fills; inside one it holds freed blocks for scanning.
#[derive(Clone, Copy, Debug, Default)]
pub struct Probe;

/// A watched pattern, as [`Session::watch`] returned it; meaningful within its session only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern(u16);

impl Pattern {
    /// The pattern's number: 0 for the first pattern watched in the session, then 1, 2, ...
    #[must_use]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Which call freed a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FreedBy {
    /// `dealloc`: the block was dropped.
    Dealloc,
    /// `realloc`: the block was the old one of a buffer that grew or shrank.
    Realloc,
}

/// A watched pattern found in a freed block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Which pattern.
    pub pattern: Pattern,
    /// The freed block's size in bytes.
    pub block_size: usize,
    /// Where in the block the first matching bytes start.
    pub offset: usize,
    /// Which call freed the block.
    pub freed_by: FreedBy,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.freed_by {
            FreedBy::Dealloc => "dealloc",
            FreedBy::Realloc => "the old block of a realloc",
        };
        write!(
            f,
            "pattern #{} at offset {} of a {}-byte block freed by {how}",
            self.pattern.0, self.offset, self.block_size
        )
    }
}

/// What a session found.
#[derive(Clone, Debug)]
pub struct Report {
    /// Every watched pattern found in a block freed during the session (each pattern at most
    /// once per block).
    pub findings: Vec<Finding>,
    /// Findings beyond the first 1,024, counted but not kept.
    pub findings_dropped: usize,
    /// How many freed blocks were scanned.
    pub blocks_checked: usize,
    /// How many bytes they held.
    pub bytes_checked: usize,
    /// Blocks scanned when freed, because the session held as many as it can: they were only
    /// checked against the patterns watched by then.
    pub scanned_early: usize,
}

impl Report {
    /// Whether nothing was found.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.findings_dropped == 0
    }
}

/// Whether [`Probe`] is this program's global allocator: a session opened without it would
/// see nothing, and every test would pass.
#[must_use]
pub fn is_installed() -> bool {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    drop(std::hint::black_box(Box::new(0u64)));
    ALLOCATIONS.load(Ordering::Relaxed) != before
}

/// An open probe session: watch patterns, run the code under test, then [`finish`](Self::finish).
///
/// Only one session is open at a time in a process; [`start`](Self::start) waits for the
/// previous one. Dropping a session without finishing it ends it and discards its report.
#[must_use = "a session reports only when finished"]
pub struct Session {
    _exclusive: MutexGuard<'static, ()>,
    ended: bool,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

impl Session {
    /// Opens a session with no patterns and no findings, waiting until no other session is open.
    ///
    /// # Panics
    ///
    /// When [`Probe`] is not the global allocator.
    pub fn start() -> Session {
        let exclusive = SESSIONS.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(
            is_installed(),
            "alloc_probe::Probe is not this program's global allocator: add \
             `#[global_allocator] static PROBE: alloc_probe::Probe = alloc_probe::Probe;`"
        );
        match lock_state() {
            Some(mut state) => {
                state.reset();
                state.open = true;
            }
            None => panic!("Session::start called from inside the allocator"),
        }
        OPEN.store(true, Ordering::Release);
        Session {
            _exclusive: exclusive,
            ended: false,
        }
    }

    /// Watches for `secret` in blocks freed during this session, including blocks freed
    /// before this call (they are held until the session finishes). The probe keeps its own
    /// copy in static memory, wiped when the session ends.
    ///
    /// # Panics
    ///
    /// When `secret` is shorter than [`MIN_PATTERN_LEN`] or longer than [`MAX_PATTERN_LEN`],
    /// made of one repeated byte (it would match any run of that byte), or when the session
    /// already watches [`MAX_PATTERNS`] patterns.
    pub fn watch(&self, secret: &[u8]) -> Pattern {
        assert!(
            (MIN_PATTERN_LEN..=MAX_PATTERN_LEN).contains(&secret.len()),
            "a pattern has {MIN_PATTERN_LEN} to {MAX_PATTERN_LEN} bytes, not {}",
            secret.len()
        );
        assert!(
            secret.iter().any(|&b| b != secret[0]),
            "a pattern made of one repeated byte would match any run of it"
        );
        // The checks that need the state answer through `added`, so that no panic (which
        // allocates) happens while the lock is held.
        let added = lock_state().map(|mut state| state.add(secret));
        match added {
            Some(Some(pattern)) => pattern,
            Some(None) => panic!("a session watches at most {MAX_PATTERNS} patterns"),
            None => panic!("Session::watch called from inside the allocator"),
        }
    }

    /// Ends the session: scans every held block against every watched pattern, returns the
    /// blocks to the system, wipes the probe's copies of the patterns, and reports.
    pub fn finish(mut self) -> Report {
        self.end()
    }

    fn end(&mut self) -> Report {
        self.ended = true;
        OPEN.store(false, Ordering::Release);
        // Copied out under the lock; the report's Vec is built after it is released.
        let mut findings = [NO_FINDING; MAX_FINDINGS];
        let (found, dropped, blocks, bytes, early) = match lock_state() {
            Some(mut state) => {
                state.open = false;
                state.drain();
                let found = state.finding_count;
                findings[..found].copy_from_slice(&state.findings[..found]);
                let summary = (
                    found,
                    state.findings_dropped,
                    state.blocks_checked,
                    state.bytes_checked,
                    state.scanned_early,
                );
                state.reset();
                summary
            }
            None => panic!("Session::finish called from inside the allocator"),
        };
        Report {
            findings: findings[..found].to_vec(),
            findings_dropped: dropped,
            blocks_checked: blocks,
            bytes_checked: bytes,
            scanned_early: early,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.ended {
            drop(self.end());
        }
    }
}

/// Counts allocations, for [`is_installed`].
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Whether a session is open: the allocator's fast path. `State::open`, under the lock, decides.
static OPEN: AtomicBool = AtomicBool::new(false);
/// Makes sessions exclusive.
static SESSIONS: Mutex<()> = Mutex::new(());
static STATE: SpinLock<State> = SpinLock::new(State::new());

thread_local! {
    /// Set while this thread holds the state lock: an allocator call made meanwhile (only a
    /// panic's would be) bypasses the probe instead of spinning on a lock it holds itself.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every method hands the caller's pointer and layout to `System`, which allocated the
// block with that layout: `alloc` and `alloc_zeroed` forward to `System.alloc_zeroed`, a moving
// `realloc` allocates through `self.alloc` and frees through `release`, and `release` ends in
// `System.dealloc` with the block's layout (at once, or when the session drains its held
// blocks). Nothing here unwinds: the only panics possible are in code run outside these methods.
unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's layout, valid and non-zero-sized per `GlobalAlloc::alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the same contract as `alloc_zeroed` itself.
        unsafe { self.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block allocated by us with `layout` (the caller's contract).
        unsafe { release(ptr, layout, FreedBy::Dealloc) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if OPEN.load(Ordering::Acquire) {
            // Always move during a session, so that the old block is freed (and scanned).
            // SAFETY: `realloc`'s contract makes `new_size`, rounded up to `layout.align()`,
            // a valid non-zero size for that alignment.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            // SAFETY: a valid, non-zero-sized layout.
            let new = unsafe { self.alloc(new_layout) };
            if !new.is_null() {
                // SAFETY: both blocks are live, distinct, and at least this long.
                unsafe { ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
                // SAFETY: `ptr` is a live block allocated by us with `layout`, no longer used.
                unsafe { release(ptr, layout, FreedBy::Realloc) };
            }
            return new;
        }
        // SAFETY: forwarded with the caller's arguments, under the same contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && new_size > layout.size() {
            // Keep every byte initialised: zero the grown part.
            // SAFETY: the new block is `new_size` bytes long.
            unsafe {
                new.add(layout.size())
                    .write_bytes(0, new_size - layout.size())
            };
        }
        new
    }
}

/// Frees a block, or holds it for the session to scan when one is open.
///
/// # Safety
///
/// `ptr` is a live block allocated by [`Probe`] with `layout`, and is not used afterwards.
unsafe fn release(ptr: *mut u8, layout: Layout, freed_by: FreedBy) {
    if OPEN.load(Ordering::Acquire)
        && let Some(mut state) = lock_state()
        && state.open
    {
        if state.hold(ptr, layout, freed_by) {
            return;
        }
        state.scanned_early += 1;
        // SAFETY: the block is live and `layout.size()` bytes long (this function's contract).
        unsafe { state.scan(ptr, layout.size(), freed_by) };
    }
    // SAFETY: this function's contract.
    unsafe { System.dealloc(ptr, layout) }
}

/// The state, locked, with this thread marked as inside the probe; `None` when it already is.
fn lock_state() -> Option<StateGuard> {
    let reentry = Reentry::enter()?;
    Some(StateGuard {
        spin: STATE.lock(),
        _reentry: reentry,
    })
}

/// The locked state. Fields drop in order: the lock is released before the flag is cleared.
struct StateGuard {
    spin: SpinGuard<'static, State>,
    _reentry: Reentry,
}

impl Deref for StateGuard {
    type Target = State;
    fn deref(&self) -> &State {
        &self.spin
    }
}

impl DerefMut for StateGuard {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.spin
    }
}

/// This thread's "inside the probe" flag, set for the guard's lifetime.
struct Reentry;

impl Reentry {
    fn enter() -> Option<Reentry> {
        // `try_with` fails only while the thread's locals are being destroyed: bypass then.
        let first = INSIDE.try_with(|inside| !inside.replace(true)).ok()?;
        first.then_some(Reentry)
    }
}

impl Drop for Reentry {
    fn drop(&mut self) {
        let _ = INSIDE.try_with(|inside| inside.set(false));
    }
}

/// A minimal spin lock: the allocator cannot use `std::sync::Mutex`, which may allocate.
struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a `SpinGuard`, and the `locked` flag (taken with
// Acquire, released with Release) lets at most one guard exist at a time, so the value is
// never shared between threads, only handed from one to the next.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    const fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    fn lock(&self) -> SpinGuard<'_, T> {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        SpinGuard { lock: self }
    }
}

struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock, so no other reference to the value exists.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the lock, and `&mut self` makes this the only reference.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}

/// One pattern window in the hash table.
#[derive(Clone, Copy)]
struct Entry {
    window: u64,
    /// The pattern's index plus one; 0 marks an empty slot.
    pattern: u16,
}

/// A freed block held until the session finishes.
#[derive(Clone, Copy)]
struct Held {
    addr: usize,
    size: usize,
    align: usize,
    freed_by: FreedBy,
}

/// A pattern shorter than a window, matched whole.
#[derive(Clone, Copy)]
struct Short {
    pattern: u16,
    len: usize,
    /// The pattern's bytes as a little-endian number.
    value: u64,
}

const NO_FINDING: Finding = Finding {
    pattern: Pattern(0),
    block_size: 0,
    offset: 0,
    freed_by: FreedBy::Dealloc,
};

/// Everything the probe keeps: fixed-size, so that the allocator never allocates.
struct State {
    open: bool,
    /// The probe's copies of the patterns, wiped by `reset`.
    patterns: [[u8; MAX_PATTERN_LEN]; MAX_PATTERNS],
    lens: [usize; MAX_PATTERNS],
    count: usize,
    shorts: [Short; MAX_PATTERNS],
    short_count: usize,
    filter: [u64; (1 << FILTER_BITS) / 64],
    table: [Entry; TABLE_SIZE],
    held: [Held; MAX_HELD],
    held_count: usize,
    held_bytes: usize,
    findings: [Finding; MAX_FINDINGS],
    finding_count: usize,
    findings_dropped: usize,
    blocks_checked: usize,
    bytes_checked: usize,
    scanned_early: usize,
}

fn hash(window: u64) -> u64 {
    window.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn filter_bit(hash: u64) -> (usize, u64) {
    let bit = (hash >> (64 - FILTER_BITS)) as usize;
    (bit / 64, 1 << (bit % 64))
}

fn slot_of(hash: u64) -> usize {
    (hash >> (64 - TABLE_BITS)) as usize
}

/// Whether all eight bytes of a window are the same.
fn is_one_byte(window: u64) -> bool {
    window == (window & 0xff) * 0x0101_0101_0101_0101
}

impl State {
    const fn new() -> State {
        State {
            open: false,
            patterns: [[0; MAX_PATTERN_LEN]; MAX_PATTERNS],
            lens: [0; MAX_PATTERNS],
            count: 0,
            shorts: [Short {
                pattern: 0,
                len: 0,
                value: 0,
            }; MAX_PATTERNS],
            short_count: 0,
            filter: [0; (1 << FILTER_BITS) / 64],
            table: [Entry {
                window: 0,
                pattern: 0,
            }; TABLE_SIZE],
            held: [Held {
                addr: 0,
                size: 0,
                align: 0,
                freed_by: FreedBy::Dealloc,
            }; MAX_HELD],
            held_count: 0,
            held_bytes: 0,
            findings: [NO_FINDING; MAX_FINDINGS],
            finding_count: 0,
            findings_dropped: 0,
            blocks_checked: 0,
            bytes_checked: 0,
            scanned_early: 0,
        }
    }

    /// Forgets (and wipes) the patterns, the findings and the counters. No block is held.
    fn reset(&mut self) {
        for (pattern, &len) in self.patterns.iter_mut().zip(&self.lens).take(self.count) {
            pattern[..len].fill(0);
        }
        self.lens = [0; MAX_PATTERNS];
        self.count = 0;
        self.short_count = 0;
        self.shorts.fill(Short {
            pattern: 0,
            len: 0,
            value: 0,
        });
        self.filter.fill(0);
        self.table.fill(Entry {
            window: 0,
            pattern: 0,
        });
        self.finding_count = 0;
        self.findings_dropped = 0;
        self.blocks_checked = 0;
        self.bytes_checked = 0;
        self.scanned_early = 0;
    }

    /// Adds a pattern of a valid length, not made of one repeated byte; `None` when full.
    fn add(&mut self, secret: &[u8]) -> Option<Pattern> {
        if self.count == MAX_PATTERNS {
            return None;
        }
        let index = self.count;
        let id = u16::try_from(index).ok()?;
        self.patterns[index][..secret.len()].copy_from_slice(secret);
        self.lens[index] = secret.len();
        self.count += 1;
        if secret.len() < WINDOW {
            let mut le = [0u8; 8];
            le[..secret.len()].copy_from_slice(secret);
            self.shorts[self.short_count] = Short {
                pattern: id,
                len: secret.len(),
                value: u64::from_le_bytes(le),
            };
            self.short_count += 1;
            return Some(Pattern(id));
        }
        for start in 0..=secret.len() - WINDOW {
            let mut bytes = [0u8; WINDOW];
            bytes.copy_from_slice(&secret[start..start + WINDOW]);
            let window = u64::from_le_bytes(bytes);
            if !is_one_byte(window) {
                self.insert(window, id + 1);
            }
        }
        Some(Pattern(id))
    }

    /// Adds a window to the table (linear probing; at most 128 × 505 windows in 2^17 slots).
    fn insert(&mut self, window: u64, pattern: u16) {
        let h = hash(window);
        let (word, bit) = filter_bit(h);
        self.filter[word] |= bit;
        let mut slot = slot_of(h);
        loop {
            let entry = self.table[slot];
            if entry.pattern == 0 {
                self.table[slot] = Entry { window, pattern };
                return;
            }
            if entry.window == window && entry.pattern == pattern {
                return;
            }
            slot = (slot + 1) % TABLE_SIZE;
        }
    }

    /// Holds a freed block; `false` when the session holds as much as it can.
    fn hold(&mut self, ptr: *mut u8, layout: Layout, freed_by: FreedBy) -> bool {
        if self.held_count == MAX_HELD || self.held_bytes + layout.size() > MAX_HELD_BYTES {
            return false;
        }
        self.held[self.held_count] = Held {
            addr: ptr as usize,
            size: layout.size(),
            align: layout.align(),
            freed_by,
        };
        self.held_count += 1;
        self.held_bytes += layout.size();
        true
    }

    /// Scans every held block and returns it to the system.
    fn drain(&mut self) {
        for i in 0..self.held_count {
            let held = self.held[i];
            let ptr = held.addr as *mut u8;
            // SAFETY: a held block is live (freed by its owner, not yet by us) and `size`
            // bytes long.
            unsafe { self.scan(ptr, held.size, held.freed_by) };
            // SAFETY: `size` and `align` come from the block's valid layout.
            let layout = unsafe { Layout::from_size_align_unchecked(held.size, held.align) };
            // SAFETY: allocated by `System` with this layout, and held by no one else.
            unsafe { System.dealloc(ptr, layout) };
        }
        self.held_count = 0;
        self.held_bytes = 0;
    }

    /// Records every watched pattern found in the `size` bytes at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to `size` readable bytes (a live block of this allocator).
    unsafe fn scan(&mut self, ptr: *const u8, size: usize, freed_by: FreedBy) {
        self.blocks_checked += 1;
        self.bytes_checked += size;
        if self.count == 0 {
            return;
        }
        let mut seen = [false; MAX_PATTERNS];
        // The last eight bytes read, as a little-endian number (the newest in the top byte).
        let mut window = 0u64;
        for i in 0..size {
            // SAFETY: `i < size`, inside the block (this function's contract). A volatile
            // read: see "Reading freed blocks" in the crate docs.
            let byte = unsafe { ptr.add(i).read_volatile() };
            window = (window >> 8) | (u64::from(byte) << 56);
            let read = i + 1;
            if read >= WINDOW {
                self.match_window(window, read - WINDOW, size, freed_by, &mut seen);
            }
            for s in 0..self.short_count {
                let short = self.shorts[s];
                if read >= short.len && window >> (8 * (WINDOW - short.len)) == short.value {
                    self.record(short.pattern, read - short.len, size, freed_by, &mut seen);
                }
            }
        }
    }

    fn match_window(
        &mut self,
        window: u64,
        offset: usize,
        size: usize,
        freed_by: FreedBy,
        seen: &mut [bool; MAX_PATTERNS],
    ) {
        let h = hash(window);
        let (word, bit) = filter_bit(h);
        if self.filter[word] & bit == 0 {
            return;
        }
        let mut slot = slot_of(h);
        loop {
            let entry = self.table[slot];
            if entry.pattern == 0 {
                return;
            }
            if entry.window == window {
                self.record(entry.pattern - 1, offset, size, freed_by, seen);
            }
            slot = (slot + 1) % TABLE_SIZE;
        }
    }

    fn record(
        &mut self,
        pattern: u16,
        offset: usize,
        block_size: usize,
        freed_by: FreedBy,
        seen: &mut [bool; MAX_PATTERNS],
    ) {
        let seen = &mut seen[usize::from(pattern)];
        if *seen {
            return;
        }
        *seen = true;
        if self.finding_count == MAX_FINDINGS {
            self.findings_dropped += 1;
            return;
        }
        self.findings[self.finding_count] = Finding {
            pattern: Pattern(pattern),
            block_size,
            offset,
            freed_by,
        };
        self.finding_count += 1;
    }
}

#[cfg(test)]
mod tests {
    //! The probe's self-test: it must find what it exists to find (so a test built on it can
    //! fail), and nothing else.

    use super::*;
    use std::hint::black_box;

    #[global_allocator]
    static PROBE: Probe = Probe;

    /// Every test takes this first: a copy of `SECRET` freed by one test while another test's
    /// session is open would be reported by that session.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A distinctive secret: no run of it occurs in memory by chance.
    const SECRET: [u8; 24] = [
        0x8f, 0x13, 0xd2, 0x6b, 0x71, 0xe4, 0x09, 0xaa, 0x3c, 0x5e, 0xc1, 0x96, 0x2d, 0xb8, 0x47,
        0xf0, 0x1a, 0x63, 0x9e, 0x05, 0xcb, 0x74, 0xe9, 0x38,
    ];

    /// Drops a buffer after wiping all of it; `black_box` keeps the wipe from being optimised
    /// away as a store to memory about to be freed.
    fn wipe_and_drop(mut buf: Vec<u8>) {
        buf.fill(0);
        buf.resize(buf.capacity(), 0);
        drop(black_box(buf));
    }

    fn leak_free(bytes: &[u8]) {
        drop(black_box(bytes.to_vec()));
    }

    #[test]
    fn the_probe_is_the_global_allocator() {
        let _serial = serial();
        assert!(is_installed());
    }

    #[test]
    fn a_buffer_freed_without_wiping_is_found() {
        let _serial = serial();
        let session = Session::start();
        let secret = session.watch(&SECRET);
        let mut buf = vec![0u8; 40];
        buf[9..33].copy_from_slice(&SECRET);
        drop(black_box(buf));
        let report = session.finish();
        assert_eq!(
            report.findings,
            [Finding {
                pattern: secret,
                block_size: 40,
                offset: 9,
                freed_by: FreedBy::Dealloc
            }]
        );
        assert!(!report.is_clean());
        assert!(report.blocks_checked >= 1 && report.bytes_checked >= 40);
    }

    #[test]
    fn a_wiped_buffer_is_not_found() {
        let _serial = serial();
        let session = Session::start();
        session.watch(&SECRET);
        wipe_and_drop(SECRET.to_vec());
        let report = session.finish();
        assert!(report.is_clean(), "{report:?}");
    }

    #[test]
    fn the_old_block_of_a_grown_buffer_is_found_even_when_the_new_one_is_wiped() {
        let _serial = serial();
        let session = Session::start();
        let secret = session.watch(&SECRET);
        let mut buf = Vec::with_capacity(SECRET.len());
        buf.extend_from_slice(&SECRET);
        buf.push(0); // grows: the old 24-byte block is freed as it was
        wipe_and_drop(buf);
        let report = session.finish();
        assert_eq!(
            report.findings,
            [Finding {
                pattern: secret,
                block_size: 24,
                offset: 0,
                freed_by: FreedBy::Realloc
            }]
        );
    }

    #[test]
    fn eight_consecutive_bytes_are_found_seven_are_not() {
        let _serial = serial();
        let session = Session::start();
        let secret = session.watch(&SECRET);
        leak_free(&SECRET[5..13]);
        leak_free(&SECRET[14..21]);
        let report = session.finish();
        assert_eq!(report.findings.len(), 1, "{report:?}");
        assert_eq!(report.findings[0].pattern, secret);
        assert_eq!(report.findings[0].block_size, 8);
    }

    #[test]
    fn short_patterns_are_matched_whole() {
        let _serial = serial();
        let session = Session::start();
        let short = session.watch(&SECRET[..5]);
        leak_free(&SECRET[..5]);
        leak_free(&SECRET[..4]);
        let report = session.finish();
        assert_eq!(report.findings.len(), 1, "{report:?}");
        assert_eq!(
            (report.findings[0].pattern, report.findings[0].block_size),
            (short, 5)
        );
    }

    #[test]
    fn a_pattern_watched_after_the_free_is_still_found() {
        let _serial = serial();
        let session = Session::start();
        leak_free(&SECRET);
        let secret = session.watch(&SECRET);
        let report = session.finish();
        assert_eq!(report.findings.len(), 1, "{report:?}");
        assert_eq!(report.findings[0].pattern, secret);
        assert_eq!(report.scanned_early, 0);
    }

    #[test]
    fn each_pattern_is_reported_once_per_block() {
        let _serial = serial();
        let session = Session::start();
        let first = session.watch(&SECRET[..12]);
        let second = session.watch(&SECRET[12..]);
        let mut twice = Vec::with_capacity(24);
        twice.extend_from_slice(&SECRET[..12]);
        twice.extend_from_slice(&SECRET[..12]);
        leak_free(&twice);
        leak_free(&SECRET);
        let report = session.finish();
        let found: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.pattern, f.block_size))
            .collect();
        assert_eq!(found, [(first, 24), (first, 24), (second, 24)]);
        wipe_and_drop(twice);
    }

    #[test]
    fn blocks_freed_outside_a_session_are_not_reported() {
        let _serial = serial();
        let buf = black_box(SECRET.to_vec());
        drop(buf);
        let session = Session::start();
        session.watch(&SECRET);
        let report = session.finish();
        assert!(report.is_clean(), "{report:?}");
    }

    #[test]
    fn findings_and_patterns_do_not_carry_over() {
        let _serial = serial();
        let session = Session::start();
        session.watch(&SECRET);
        leak_free(&SECRET);
        assert!(!session.finish().is_clean());
        let session = Session::start();
        leak_free(&SECRET);
        let report = session.finish();
        assert!(report.is_clean(), "{report:?}");
    }

    #[test]
    #[should_panic(expected = "one repeated byte")]
    fn a_pattern_of_one_repeated_byte_is_refused() {
        let _serial = serial();
        let session = Session::start();
        session.watch(&[0; 16]);
    }

    #[test]
    fn windows_of_one_repeated_byte_are_ignored() {
        let _serial = serial();
        let mut secret = [0u8; 16];
        secret[15] = 1;
        let session = Session::start();
        session.watch(&secret);
        leak_free(&[0; 64]);
        let report = session.finish();
        assert!(report.is_clean(), "{report:?}");
    }
}
