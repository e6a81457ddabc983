//! Helpers shared by the integration tests (each test crate uses a subset).
#![allow(
    dead_code,
    reason = "every test crate includes this module but uses only part of it"
)]

use std::fmt::Debug;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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
