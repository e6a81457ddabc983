//! The shared library's dynamic symbol table lists exactly the contract's names
//! (`shared/docs/api-contract.md`, "The C ABI"): nothing missing, nothing extra (no Rust
//! symbol leaks into the C namespace), and the static library defines every one of them.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

mod common;

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
    let shared = &common::library().shared;
    let mut args = vec!["--defined-only", "--extern-only", "--format=posix"];
    if !cfg!(target_os = "macos") {
        args.push("-D");
    }
    let listed = nm(&args, shared);
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
    let listed = nm(
        &["--defined-only", "--extern-only", "--format=posix"],
        &common::library().static_lib,
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
