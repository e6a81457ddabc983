//! `ffi/examples/ctypes_derive.py`, the Python `ctypes` example, run against the freshly
//! built `libwincrypt.so`: it must succeed, and the ciphertext it prints must be the one
//! the `cryptoapi` crate computes for the same password and plaintext (SHA-256 of the
//! password, `CryptDeriveKey(CALG_AES_256)`, one final `CryptEncrypt`), so that the example
//! cannot pass without really going through the library.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

mod common;

use std::process::Command;

use cryptoapi::{AlgId, KeyFlags, Provider, ProviderType};

/// The example's password and plaintext (`PASSWORD`, `PLAINTEXT` in the script).
const PASSWORD: &[u8] = b"ctypes: a password typed by a legacy user";
const PLAINTEXT: &[u8] = b"Hello from Python, through the C ABI of wincrypt.";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of the script's `<name>: <hex>` output line.
fn printed<'a>(stdout: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("the example printed no {name:?} line:\n{stdout}"))
}

/// The same derivation and encryption, through the crate.
fn expected_ciphertext() -> Vec<u8> {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut hash = prov.create_hash(AlgId::SHA_256, None).unwrap();
    hash.hash_data(PASSWORD).unwrap();
    let mut key = prov
        .derive_key(AlgId::AES_256, &mut hash, KeyFlags::empty())
        .unwrap();
    let mut data = PLAINTEXT.to_vec();
    key.encrypt(&mut data, true).unwrap();
    data
}

#[test]
fn ctypes_derive_encrypt_decrypt() {
    let lib = common::library();
    let script = lib.workspace.join("ffi/examples/ctypes_derive.py");
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let out = Command::new(&python)
        .arg(&script)
        .arg(&lib.shared)
        .env_remove("LIBWINCRYPT")
        .output()
        .unwrap_or_else(|e| panic!("running {python:?} {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed: {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        script.display(),
        out.status
    );
    assert_eq!(printed(&stdout, "password"), hex(PASSWORD));
    assert_eq!(printed(&stdout, "plaintext"), hex(PLAINTEXT));
    assert_eq!(printed(&stdout, "round trip"), "ok");

    let expected = expected_ciphertext();
    // AES-256-CBC with PKCS #5 padding: 1 to 16 bytes more, up to whole 16-byte blocks.
    assert_eq!(expected.len(), (PLAINTEXT.len() / 16 + 1) * 16);
    assert_eq!(
        printed(&stdout, "ciphertext"),
        hex(&expected),
        "the example's ciphertext is not the crate's"
    );
}
