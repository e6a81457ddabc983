//! What the C and Python tests share: the `libwincrypt` build they link and load, and
//! fresh, private temporary directories.
//!
//! `cargo test` builds this package's library only as the rlib its tests link (the cdylib
//! and staticlib it may leave in `deps/` are not the uplifted `libwincrypt.so` and
//! `libwincrypt.a`), so [`library`] runs `$CARGO build -p cryptoapi-ffi --lib` once per test
//! binary, in the profile and target directory the test binary itself was built in.

#![allow(
    dead_code,
    reason = "shared by two test crates, each of which uses only part of it"
)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The built library and the paths around it.
pub(crate) struct Library {
    /// The workspace root (where `Cargo.toml` with `[workspace]` is).
    pub(crate) workspace: PathBuf,
    /// `target/<profile>`: the libraries, and a `c-tests/` directory for compiled programs.
    pub(crate) profile_dir: PathBuf,
    /// `libwincrypt.so` (`.dylib` on macOS).
    pub(crate) shared: PathBuf,
    /// `libwincrypt.a`.
    pub(crate) static_lib: PathBuf,
    /// `ffi/include`, where `wincrypt.h` is.
    pub(crate) include: PathBuf,
    /// How long the build took, for the test's report.
    pub(crate) build_secs: f64,
}

/// Builds the library once (per test binary) and returns where it is.
pub(crate) fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(build)
}

/// `target/<profile>` of the running test binary (`target/<profile>/deps/<test>-<hash>`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the test binary's directory");
    assert_eq!(
        deps.file_name().and_then(|n| n.to_str()),
        Some("deps"),
        "the test binary {} is not in a target/<profile>/deps directory",
        exe.display()
    );
    deps.parent()
        .expect("target/<profile> above deps")
        .to_path_buf()
}

fn build() -> Library {
    let started = std::time::Instant::now();
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("ffi/ is a workspace member, one level below the root")
        .to_path_buf();
    let profile_dir = profile_dir();
    let target_dir = profile_dir
        .parent()
        .expect("the target directory above target/<profile>");
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("the profile directory's name")
        .to_owned();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&workspace)
        .args(["build", "--quiet", "-p", "cryptoapi-ffi", "--lib"])
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd.output().expect("running cargo build");
    assert!(
        out.status.success(),
        "cargo build -p cryptoapi-ffi ({profile}) failed: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let shared = profile_dir.join(format!(
        "{}wincrypt{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let static_lib = profile_dir.join("libwincrypt.a");
    for lib in [&shared, &static_lib] {
        assert!(
            lib.is_file(),
            "cargo build did not produce {}",
            lib.display()
        );
    }
    Library {
        include: manifest_dir.join("include"),
        workspace,
        profile_dir,
        shared,
        static_lib,
        build_secs: started.elapsed().as_secs_f64(),
    }
}

/// A new private (0700) directory under the system's temporary directory, removed on drop.
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// `<tmp>/cryptoapi-<label>-<pid>-<n>`, created fresh (never an existing directory).
    pub(crate) fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("cryptoapi-{label}-{}-{n}", std::process::id()));
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            match builder.create(&path) {
                Ok(()) => return TempDir { path },
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => panic!("creating {}: {e}", path.display()),
            }
        }
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
