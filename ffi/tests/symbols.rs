//! The shared library's dynamic symbol table lists exactly the contract's names
//! (`shared/docs/api-contract.md`, "The C ABI"): nothing missing, nothing extra (no Rust
//! symbol leaks into the C namespace), and the static library defines every one of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The contract's exports, in its order.
const CONTRACT: &[&str] = &[
    "CryptAcquireContextA",
    "CryptAcquireContextW",
    "CryptReleaseContext",
    "CryptContextAddRef",
    "CryptGenRandom",
    "CryptCreateHash",
    "CryptHashData",
    "CryptGetHashParam",
    "CryptSetHashParam",
    "CryptDuplicateHash",
    "CryptHashSessionKey",
    "CryptDestroyHash",
    "CryptGenKey",
    "CryptDeriveKey",
    "CryptImportKey",
    "CryptExportKey",
    "CryptGetUserKey",
    "CryptEncrypt",
    "CryptDecrypt",
    "CryptGetKeyParam",
    "CryptSetKeyParam",
    "CryptDuplicateKey",
    "CryptDestroyKey",
    "CryptSignHashA",
    "CryptSignHashW",
    "CryptVerifySignatureA",
    "CryptVerifySignatureW",
    "CryptGetProvParam",
    "CryptSetProvParam",
    "CryptEnumProvidersA",
    "CryptEnumProvidersW",
    "CryptEnumProviderTypesA",
    "CryptEnumProviderTypesW",
    "CryptGetDefaultProviderA",
    "CryptGetDefaultProviderW",
    "CryptSetProviderA",
    "CryptSetProviderW",
    "CryptSetProviderExA",
    "CryptSetProviderExW",
    "SystemFunction036",
    "GetLastError",
    "SetLastError",
];

/// Builds the shared and static libraries in this test's profile and target directory
/// (`cargo test` builds only the rlib) and returns the directory holding them.
fn libraries() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let target_dir = profile_dir.parent().expect("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "-p", "cryptoapi-ffi", "--lib"])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir);
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo build");
    assert!(status.success(), "cargo build -p cryptoapi-ffi failed");
    profile_dir.to_owned()
}

fn nm(args: &[&str], file: &Path) -> String {
    let output = Command::new("nm")
        .args(args)
        .arg(file)
        .output()
        .expect("run nm (binutils)");
    assert!(
        output.status.success(),
        "nm {args:?} {} failed",
        file.display()
    );
    String::from_utf8(output.stdout).expect("nm output")
}

#[test]
fn dynamic_symbols_are_exactly_the_contract() {
    let dir = libraries();
    let shared = dir.join(if cfg!(target_os = "macos") {
        "libwincrypt.dylib"
    } else {
        "libwincrypt.so"
    });
    let mut args = vec!["--defined-only", "--extern-only", "--format=posix"];
    if !cfg!(target_os = "macos") {
        args.push("-D");
    }
    let listed = nm(&args, &shared);
    let defined: BTreeSet<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|name| {
            name.strip_prefix('_')
                .filter(|_| cfg!(target_os = "macos"))
                .unwrap_or(name)
        })
        .collect();
    let expected: BTreeSet<&str> = CONTRACT.iter().copied().collect();
    assert_eq!(CONTRACT.len(), expected.len(), "a name listed twice");
    let missing: Vec<_> = expected.difference(&defined).collect();
    let extra: Vec<_> = defined.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing exports: {missing:?}\nexports beyond the contract: {extra:?}"
    );
}

#[test]
fn static_library_defines_every_export() {
    let dir = libraries();
    let listed = nm(
        &["--defined-only", "--extern-only", "--format=posix"],
        &dir.join("libwincrypt.a"),
    );
    let defined: BTreeSet<&str> = listed
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let name = fields.next()?;
            (fields.next()? == "T").then_some(name)
        })
        .collect();
    for name in CONTRACT {
        assert!(defined.contains(name), "libwincrypt.a lacks {name}");
    }
}
