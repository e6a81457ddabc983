//! Helpers shared by the integration tests (each test crate uses a subset).
#![allow(
    dead_code,
    reason = "every test crate includes this module but uses only part of it"
)]

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cryptoapi::KeyStore;
/// A unique temporary store root, removed on drop.
pub(crate) struct TempRoot {
    pub(crate) path: PathBuf,
}

impl TempRoot {
    pub(crate) fn new(tag: &str) -> TempRoot {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "cryptoapi-it-{tag}-{}-{nanos}-{seq}",
            std::process::id()
        ));
        assert!(!path.exists(), "{} already exists", path.display());
        TempRoot { path }
    }

    pub(crate) fn store(&self) -> KeyStore {
        KeyStore::at(&self.path)
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        match fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.is_dir() => drop(fs::remove_dir_all(&self.path)),
            Ok(_) => drop(fs::remove_file(&self.path)),
            Err(_) => {}
        }
    }
}

/// The Windows code of an expected error; panics (at the caller) on success.
#[track_caller]
pub(crate) fn err_code<T: Debug>(result: cryptoapi::Result<T>) -> u32 {
    match result {
        Ok(value) => panic!("expected an error, got Ok({value:?})"),
        Err(err) => err.code(),
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How long a parent waits for a child process before failing, instead of hanging the suite.
pub(crate) const CHILD_DEADLINE: Duration = Duration::from_secs(60);

/// This test binary, set up to run only the child helper `child`, with `env`.
pub(crate) fn child_command(child: &str, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        child,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for a child (killing it after [`CHILD_DEADLINE`]) and collects its output.
pub(crate) fn wait_output(child: Child) -> Output {
    wait_output_within(child, CHILD_DEADLINE)
}

pub(crate) fn describe(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Checks that a child ran its helper (not zero tests) and that the helper passed.
#[track_caller]
pub(crate) fn assert_child_passed(child: &str, output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {child} failed:\n{}",
        describe(output)
    );
    assert!(
        stdout.contains("1 passed"),
        "child {child} did not run its helper:\n{}",
        describe(output)
    );
}

/// Waits for a child at most `limit` (killing it then, and failing) and collects its output. The
/// output is read while the child runs, so a chatty child never blocks on a full pipe.
pub(crate) fn wait_output_within(mut child: Child, limit: Duration) -> Output {
    fn drain(
        pipe: Option<impl std::io::Read + Send + 'static>,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // The pipes close when the child is gone (it starts no processes of its own).
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        !timed_out,
        "child still running after {limit:?}:\n{}",
        describe(&output)
    );
    output
}

/// A small seeded pseudo-random generator (SplitMix64): a failing schedule replays from its seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// An index in `0..n` (`n > 0`).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(u64::try_from(n).unwrap())).unwrap()
    }
}

/// The seed in environment variable `var`, or a fresh one from the clock; printed either way,
/// so a failure can be replayed with `var=<seed>`.
pub(crate) fn seed_from_env(var: &str) -> u64 {
    let seed = match std::env::var(var) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{var}={text} is not a u64")),
        Err(_) => {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let low = u64::try_from(nanos & u128::from(u64::MAX)).unwrap();
            low ^ u64::from(std::process::id()).rotate_left(32)
        }
    };
    println!("seed: {var}={seed}");
    seed
}

/// The count in environment variable `var`, or `default` when it is not set.
pub(crate) fn count_from_env(var: &str, default: usize) -> usize {
    std::env::var(var).map_or(default, |text| {
        text.parse()
            .unwrap_or_else(|_| panic!("{var}={text} is not a count"))
    })
}

/// A key pair's identity: the SHA-256 (hex, first 16 bytes) of its `PUBLICKEYBLOB` after the
/// 8-byte `BLOBHEADER`, so the same pair has the same id in either slot and a pair that moved
/// from one slot to the other is recognised as such.
pub(crate) fn pair_id(public_blob: &[u8]) -> String {
    use sha2::Digest;
    assert!(
        public_blob.len() > 8,
        "not a PUBLICKEYBLOB: {public_blob:?}"
    );
    hex(&sha2::Sha256::digest(&public_blob[8..])[..16])
}

/// Bytes from hex (whitespace ignored); panics on malformed input.
pub(crate) fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Fresh random bytes, in a buffer wiped on drop.
pub(crate) fn random(len: usize) -> zeroize::Zeroizing<Vec<u8>> {
    let mut bytes = zeroize::Zeroizing::new(vec![0u8; len]);
    getrandom::fill(&mut bytes).unwrap();
    bytes
}

/// A `PLAINTEXTKEYBLOB` holding `key` for `alg`, in a buffer of exact capacity wiped on drop.
pub(crate) fn plaintext_blob(alg: cryptoapi::AlgId, key: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut blob = zeroize::Zeroizing::new(Vec::with_capacity(12 + key.len()));
    blob.extend_from_slice(&[8, 2, 0, 0]);
    blob.extend_from_slice(&alg.raw().to_le_bytes());
    blob.extend_from_slice(&u32::try_from(key.len()).unwrap().to_le_bytes());
    blob.extend_from_slice(key);
    blob
}

/// The private numbers of a `PRIVATEKEYBLOB`, little-endian as stored, with their names.
pub(crate) fn private_parts(blob: &[u8]) -> Vec<(&'static str, zeroize::Zeroizing<Vec<u8>>)> {
    let bits = u32::from_le_bytes(blob[12..16].try_into().unwrap());
    let (n_len, half) = (bits.div_ceil(8) as usize, bits.div_ceil(16) as usize);
    let mut at = 20 + n_len;
    let mut parts = Vec::with_capacity(6);
    for (name, len) in [
        ("prime1", half),
        ("prime2", half),
        ("exponent1", half),
        ("exponent2", half),
        ("coefficient", half),
        ("private exponent", n_len),
    ] {
        parts.push((name, zeroize::Zeroizing::new(blob[at..at + len].to_vec())));
        at += len;
    }
    parts
}

/// The `cryptoapi` crate's own `src/` directory (the suite lives beside it).
pub(crate) fn crate_src_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src")
}

/// Every `.rs` file under the crate's `src/`, sorted; at least one.
pub(crate) fn crate_sources() -> Vec<PathBuf> {
    fn collect(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = crate_src_dir();
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no sources under {}", root.display());
    files
}

/// A scratch directory for the OpenSSL interop tests, removed on drop, with a `password` file
/// holding [`OPENSSL_PASSWORD`] and a newline.
pub(crate) struct ScratchDir {
    root: TempRoot,
}

/// The password the OpenSSL interop tests encrypt key files with.
pub(crate) const OPENSSL_PASSWORD: &str = "open sesame, 1234";

impl ScratchDir {
    pub(crate) fn new(tag: &str) -> ScratchDir {
        let root = TempRoot::new(tag);
        fs::create_dir_all(&root.path).unwrap();
        fs::write(root.path.join("password"), format!("{OPENSSL_PASSWORD}\n")).unwrap();
        ScratchDir { root }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.root.path.join(name)
    }

    /// OpenSSL's `-passin`/`-passout` argument for the password file.
    pub(crate) fn pass(&self) -> String {
        format!("file:{}", self.path("password").display())
    }

    pub(crate) fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, data).unwrap();
        path
    }

    pub(crate) fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path(name)).unwrap()
    }
}

/// Runs `openssl ARGS` and fails with its output when it fails; fails clearly when there is no
/// `openssl` at all.
pub(crate) fn openssl(args: &[&str]) -> Vec<u8> {
    let output = match Command::new("openssl").args(args).output() {
        Ok(output) => output,
        Err(err) => panic!(
            "cannot run `openssl` ({err}): these interop tests need OpenSSL 3 on the PATH \
             (Debian: apt-get install openssl)"
        ),
    };
    assert!(
        output.status.success(),
        "openssl {} failed: {}\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A path as the `&str` argument a command takes.
pub(crate) fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}
