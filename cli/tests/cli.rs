//! The `cryptoapi` binary, run as a user runs it: help with examples, `derive`, `encrypt` and
//! `decrypt` against the crate's own results, errors naming the Windows code with exit status
//! 1, no output file left behind on failure, `-` for standard input and output, and the key
//! file subcommands (`convert`, `inspect`, `token`) on every format.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cryptoapi::keyfile::{KeyFile, KeyFormat};
use cryptoapi::{AlgId, BlobType, KeyFlags, Provider, ProviderType};

const BIN: &str = env!("CARGO_BIN_EXE_cryptoapi");
const PASSWORD: &str = "correct horse battery staple";

/// A fresh private directory for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!(
            "cryptoapi-cli-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cryptoapi(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("CLI_TEST_PASSWORD", PASSWORD)
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run cryptoapi")
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn fails(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1), "{cmd:?} should exit with 1");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 error");
    assert_eq!(stderr.lines().count(), 1, "one line of error: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

/// The crate's own derivation, as the CLI must reproduce it.
fn derived_key(provider: Option<&str>, hash: AlgId, alg: AlgId, bits: u16) -> Vec<u8> {
    let prov = match provider {
        Some(name) => Provider::acquire(
            None,
            Some(name),
            ProviderType::RSA_FULL,
            cryptoapi::AcquireFlags::VERIFYCONTEXT,
        )
        .unwrap(),
        None => Provider::verify_context(ProviderType::RSA_AES).unwrap(),
    };
    let mut h = prov.create_hash(hash, None).unwrap();
    h.hash_data(PASSWORD.as_bytes()).unwrap();
    let key = prov
        .derive_key(alg, &mut h, KeyFlags::EXPORTABLE.with_key_bits(bits))
        .unwrap();
    key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap()[12..].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn help_has_examples_everywhere() {
    let top = ok(&mut cryptoapi(&["--help"]));
    assert!(top.contains("Examples:"), "{top}");
    for sub in [
        "convert", "inspect", "token", "derive", "encrypt", "decrypt",
    ] {
        let help = ok(&mut cryptoapi(&[sub, "--help"]));
        assert!(
            help.contains("Examples:"),
            "{sub} --help has no examples:\n{help}"
        );
        assert!(help.contains("cryptoapi "), "{sub} --help: {help}");
    }
}

#[test]
fn usage_errors_exit_with_1_and_passwords_are_never_arguments() {
    let out = run(&mut cryptoapi(&[
        "derive",
        "--hash",
        "sha1",
        "--alg",
        "rc4",
        "--password",
        "x",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let out = run(&mut cryptoapi(&["frobnicate"]));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn derive_gives_the_crates_key_bytes() {
    for (hash, alg, hash_id, alg_id, bits) in [
        ("sha1", "3des", AlgId::SHA1, AlgId::TRIPLE_DES, 0),
        ("MD5", "RC4", AlgId::MD5, AlgId::RC4, 0),
        ("sha_256", "aes_256", AlgId::SHA_256, AlgId::AES_256, 0),
        ("md5", "rc2", AlgId::MD5, AlgId::RC2, 56),
    ] {
        let mut args = vec![
            "derive",
            "--hash",
            hash,
            "--alg",
            alg,
            "--password-env",
            "CLI_TEST_PASSWORD",
        ];
        let bits_text = bits.to_string();
        if bits != 0 {
            args.extend(["--bits", &bits_text]);
        }
        let printed = ok(&mut cryptoapi(&args));
        assert_eq!(
            printed,
            format!("{}\n", hex(&derived_key(None, hash_id, alg_id, bits)))
        );
    }
    // The Base provider's 40-bit default, for data a Base provider made.
    let base = "Microsoft Base Cryptographic Provider v1.0";
    let printed = ok(&mut cryptoapi(&[
        "derive",
        "--hash",
        "md5",
        "--alg",
        "rc4",
        "--provider",
        base,
        "--password-env",
        "CLI_TEST_PASSWORD",
    ]));
    let expected = derived_key(Some(base), AlgId::MD5, AlgId::RC4, 0);
    assert_eq!(expected.len(), 5, "40 bits");
    assert_eq!(printed, format!("{}\n", hex(&expected)));
}

#[test]
fn derive_reads_the_first_line_of_a_password_file() {
    let dir = Dir::new("pwfile");
    let file = dir.path("pw.txt");
    std::fs::write(&file, format!("{PASSWORD}\r\nsecond line\n")).unwrap();
    let from_file = ok(&mut cryptoapi(&[
        "derive",
        "--hash",
        "sha1",
        "--alg",
        "rc4",
        "--password-file",
        file.to_str().unwrap(),
    ]));
    let from_env = ok(&mut cryptoapi(&[
        "derive",
        "--hash",
        "sha1",
        "--alg",
        "rc4",
        "--password-env",
        "CLI_TEST_PASSWORD",
    ]));
    assert_eq!(from_file, from_env);
    // No terminal and no password source: a clear error, not a hang.
    let err = fails(&mut cryptoapi(&[
        "derive", "--hash", "sha1", "--alg", "rc4",
    ]));
    assert!(err.contains("password"), "{err}");
}

fn crate_encrypt(data: &[u8]) -> Vec<u8> {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut h = prov.create_hash(AlgId::SHA1, None).unwrap();
    h.hash_data(PASSWORD.as_bytes()).unwrap();
    let mut key = prov
        .derive_key(AlgId::TRIPLE_DES, &mut h, KeyFlags::empty())
        .unwrap();
    let mut out = data.to_vec();
    key.encrypt(&mut out, true).unwrap();
    out
}

#[test]
fn encrypt_and_decrypt_a_large_file_as_one_stream() {
    let dir = Dir::new("crypt");
    // Over the progress threshold, and not a multiple of the chunk size.
    let plain: Vec<u8> = (0..(5 << 20) + 12_345)
        .map(|i: u32| (i * 7 + i / 251) as u8)
        .collect();
    std::fs::write(dir.path("plain"), &plain).unwrap();
    let spec = [
        "--hash",
        "sha1",
        "--alg",
        "3des",
        "--password-env",
        "CLI_TEST_PASSWORD",
    ];
    let (p, c, d) = (dir.path("plain"), dir.path("cipher"), dir.path("back"));
    ok(cryptoapi(&["encrypt"]).args(spec).arg(&p).arg(&c));
    let cipher = std::fs::read(&c).unwrap();
    assert_eq!(
        cipher,
        crate_encrypt(&plain),
        "one CryptEncrypt over the whole file"
    );
    ok(cryptoapi(&["decrypt"]).args(spec).arg(&c).arg(&d));
    assert_eq!(std::fs::read(&d).unwrap(), plain);
}

#[test]
fn standard_input_and_output() {
    let spec = [
        "--hash",
        "sha1",
        "--alg",
        "3des",
        "--password-env",
        "CLI_TEST_PASSWORD",
    ];
    let mut child = cryptoapi(&["encrypt"])
        .args(spec)
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"through a pipe")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, crate_encrypt(b"through a pipe"));
}

#[test]
fn a_wrong_password_names_the_code_and_leaves_no_output() {
    let dir = Dir::new("wrong");
    std::fs::write(dir.path("plain"), b"sixteen byte msg plus some").unwrap();
    let spec = [
        "--hash",
        "sha1",
        "--alg",
        "aes_128",
        "--password-env",
        "CLI_TEST_PASSWORD",
    ];
    ok(cryptoapi(&["encrypt"])
        .args(spec)
        .arg(dir.path("plain"))
        .arg(dir.path("cipher")));
    let out = dir.path("out");
    let err = fails(
        cryptoapi(&[
            "decrypt",
            "--hash",
            "sha1",
            "--alg",
            "aes_128",
            "--password-env",
            "WRONG_PASSWORD",
        ])
        .env("WRONG_PASSWORD", "not it")
        .arg(dir.path("cipher"))
        .arg(&out),
    );
    assert!(
        err.starts_with("error: NTE_BAD_DATA (0x80090005): "),
        "{err}"
    );
    assert!(!out.exists(), "a failed decrypt left {}", out.display());
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".cryptoapi-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn an_existing_output_survives_a_failure() {
    let dir = Dir::new("keep");
    let out = dir.path("out");
    std::fs::write(&out, b"precious").unwrap();
    std::fs::write(dir.path("bad"), b"not a multiple of the block").unwrap();
    fails(
        cryptoapi(&[
            "decrypt",
            "--hash",
            "sha1",
            "--alg",
            "3des",
            "--password-env",
            "CLI_TEST_PASSWORD",
        ])
        .arg(dir.path("bad"))
        .arg(&out),
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
}

/// A 1024-bit exportable signature pair from the crate, as a PRIVATEKEYBLOB (what `sn -k`
/// writes as an .snk).
fn snk_blob() -> Vec<u8> {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let key = prov
        .gen_key(AlgId::RSA_SIGN, KeyFlags::EXPORTABLE.with_key_bits(1024))
        .unwrap();
    key.export(None, BlobType::PrivateKeyBlob, 0)
        .unwrap()
        .to_vec()
}

fn write(dir: &Dir, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.path(name);
    std::fs::write(&path, data).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn convert_round_trips_every_format_and_detects_the_input() {
    let dir = Dir::new("convert");
    let blob = snk_blob();
    let snk = write(&dir, "key.snk", &blob);
    for format in KeyFormat::ALL {
        let out = dir.path(&format!("key.{}", format.name()));
        let mut cmd = cryptoapi(&["convert", s(&snk), s(&out), "--to", format.name()]);
        if format == KeyFormat::Pkcs8EncryptedPem || format == KeyFormat::Pvk {
            cmd.args(["--out-password-env", "CLI_TEST_PASSWORD"]);
        }
        ok(&mut cmd);
        // Back to a blob, with the format detected from the content.
        let back = dir.path(&format!("back-{}.blob", format.name()));
        ok(&mut cryptoapi(&[
            "convert",
            s(&out),
            s(&back),
            "--to",
            "blob",
            "--password-env",
            "CLI_TEST_PASSWORD",
        ]));
        let again = KeyFile::read(&std::fs::read(&back).unwrap(), None, None).unwrap();
        let original = KeyFile::from_blob(&blob).unwrap();
        let spki = matches!(format, KeyFormat::SpkiPem | KeyFormat::SpkiDer);
        assert_eq!(again.has_private(), !spki, "{}", format.name());
        assert_eq!(
            again.modulus(),
            original.modulus(),
            "{} round trip",
            format.name()
        );
        assert_eq!(again.public_exponent(), original.public_exponent());
        // Microsoft's formats keep the ALG_ID (a signature pair here), so the whole private
        // blob comes back; the standard formats carry none and read as an exchange pair.
        if matches!(format, KeyFormat::Blob | KeyFormat::Pvk | KeyFormat::Snk) {
            assert_eq!(
                again.to_blob(false).unwrap().to_vec(),
                blob,
                "{} round trip",
                format.name()
            );
        } else {
            assert_eq!(again.alg_id(), AlgId::RSA_KEYX, "{}", format.name());
        }
    }
}

#[test]
fn public_halves_default_to_spki_pem() {
    let dir = Dir::new("public");
    let snk = write(&dir, "key.snk", &snk_blob());
    let out = dir.path("pub.pem");
    ok(&mut cryptoapi(&["convert", "--public", s(&snk), s(&out)]));
    let pem = std::fs::read_to_string(&out).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    let again = dir.path("again.pem");
    ok(&mut cryptoapi(&["convert", s(&out), s(&again)]));
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        pem,
        "public input → spki-pem"
    );
}

#[test]
fn token_and_inspect_agree_with_the_library() {
    let dir = Dir::new("token");
    let blob = snk_blob();
    let snk = write(&dir, "key.snk", &blob);
    let key = KeyFile::from_blob(&blob).unwrap();
    let expected = format!("{}\n", hex(&key.public_key_token()));
    assert_eq!(ok(&mut cryptoapi(&["token", s(&snk)])), expected);
    let public = write(&dir, "pub.snk", &key.strong_name_public_key());
    assert_eq!(ok(&mut cryptoapi(&["token", s(&public)])), expected);
    let json = ok(&mut cryptoapi(&["inspect", "--json", s(&snk)]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["bits"], 1024);
    assert_eq!(value["private"], true);
    assert_eq!(value["alg_id"], "CALG_RSA_SIGN");
    assert_eq!(value["public_exponent"], 65537);
    assert_eq!(value["public_key_token"], expected.trim());
    let text = ok(&mut cryptoapi(&["inspect", s(&public)]));
    assert!(text.contains("private key:      no"), "{text}");
}

#[test]
fn the_ecma_standard_key_has_its_well_known_token() {
    // The ECMA-335 "standard public key" (the neutral key of mscorlib's references): 16 bytes
    // whose token every .NET toolchain knows as b77a5c561934e089.
    let dir = Dir::new("ecma");
    let ecma = write(
        &dir,
        "ecma.snk",
        &[0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0],
    );
    assert_eq!(
        ok(&mut cryptoapi(&["token", s(&ecma)])),
        "b77a5c561934e089\n"
    );
}

#[test]
fn a_corrupt_key_file_is_an_error_with_a_code() {
    let dir = Dir::new("corrupt");
    let mut blob = snk_blob();
    blob.truncate(100);
    let bad = write(&dir, "bad.snk", &blob);
    let out = dir.path("out.pem");
    let err = fails(&mut cryptoapi(&[
        "convert",
        "--from",
        "blob",
        s(&bad),
        s(&out),
    ]));
    assert!(err.contains("(0x8009"), "names an NTE code: {err}");
    assert!(!out.exists());
}

/// DSA key files go through `convert` and `inspect` as RSA ones do (the code is
/// format-generic): OpenSSL's PKCS#8 to a PVK file (strong, the password from the
/// environment) and back to its own bytes, and `inspect` names the DSS key.
#[test]
fn dsa_key_files_convert_and_inspect() {
    let dir = Dir::new("dsa");
    let pem: &[u8] = include_bytes!("../../suite/tests/data/dsa-keyfiles/dsa1024.pem");
    let input = write(&dir, "dsa.pem", pem);
    let pvk = dir.path("dsa.pvk");
    ok(&mut cryptoapi(&[
        "convert",
        s(&input),
        s(&pvk),
        "--to",
        "pvk",
        "--out-password-env",
        "CLI_TEST_PASSWORD",
    ]));
    let back = dir.path("back.pem");
    ok(&mut cryptoapi(&[
        "convert",
        s(&pvk),
        s(&back),
        "--password-env",
        "CLI_TEST_PASSWORD",
    ]));
    assert_eq!(std::fs::read(&back).unwrap(), pem);
    let json = ok(&mut cryptoapi(&["inspect", "--json", s(&input)]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], "pkcs8-pem");
    assert_eq!(value["bits"], 1024);
    assert_eq!(value["private"], true);
    assert_eq!(value["alg_id_value"], 0x2200);
    assert_eq!(value["key_spec"], "AT_SIGNATURE");
    assert_eq!(value["alg_id"], "CALG_DSS_SIGN");
    // Strong names are RSA only: no exponent, no token, and `token` refuses the key.
    assert!(value["public_exponent"].is_null());
    assert!(value["public_key_token"].is_null());
    let refused = fails(&mut cryptoapi(&["token", s(&input)]));
    assert!(refused.contains("NTE_BAD_TYPE"), "{refused}");
    let public = dir.path("pub.pem");
    ok(&mut cryptoapi(&[
        "convert",
        "--public",
        s(&input),
        s(&public),
    ]));
    let text = std::fs::read_to_string(&public).unwrap();
    assert!(text.starts_with("-----BEGIN PUBLIC KEY-----"), "{text}");
}
