//! Helpers shared by the integration tests (each test crate uses a subset).
#![allow(
    dead_code,
    reason = "every test crate includes this module but uses only part of it"
)]

use std::fmt::Debug;
use std::fs;
use std::path::PathBuf;
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
pub(crate) fn wait_output(mut child: Child) -> Output {
    let deadline = Instant::now() + CHILD_DEADLINE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!("child timed out:\n{}", describe(&output));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
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
