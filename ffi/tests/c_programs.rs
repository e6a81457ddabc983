//! The C test programs of `libwincrypt` (`ffi/tests/c/*.c`), compiled with the system `cc`
//! against `ffi/include/wincrypt.h`, linked twice (against `libwincrypt.so` and against
//! `libwincrypt.a`), and run under AddressSanitizer (leak detection on) and
//! UndefinedBehaviorSanitizer, each run in a fresh `CRYPTOAPI_HOME`.
//!
//! One test per program. `kat` also needs Windows' known answers in a form C can read: this
//! file translates `suite/tests/data/windows-kat.json` into a line-based file (the format is
//! described at the top of `ffi/tests/c/kat.c`) and checks that the program passed every
//! vector translated, and that at least [`MIN_KAT_VECTORS`] of them were. `schannel` gets
//! `suite/tests/data/schannel-kat.json` the same way (format at the top of
//! `ffi/tests/c/schannel.c`), every vector of it.
//!
//! Compiled programs go to `target/<profile>/c-tests/`. Linux only (the programs use
//! pthreads, `fork`/`exec` and `/proc/self/exe`).

#![cfg(target_os = "linux")]
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, library};

/// The least number of the 129 Windows vectors the KAT file must hold.
const MIN_KAT_VECTORS: usize = 110;

/// Longest a program may run before it is killed (a deadlock, say).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// How a program is linked.
#[derive(Clone, Copy, Debug)]
enum Link {
    Shared,
    Static,
}

impl Link {
    fn name(self) -> &'static str {
        match self {
            Link::Shared => "shared",
            Link::Static => "static",
        }
    }
}

/// Compiles `ffi/tests/c/<name>.c` into `target/<profile>/c-tests/<name>-<link>`.
fn compile(name: &str, link: Link) -> Command {
    let lib = library();
    let source = lib
        .workspace
        .join("ffi")
        .join("tests")
        .join("c")
        .join(format!("{name}.c"));
    let out_dir = lib.profile_dir.join("c-tests");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(format!("{name}-{}", link.name()));
    let mut cc = Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()));
    cc.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-fsanitize=address,undefined",
        "-fno-omit-frame-pointer",
        "-g",
    ])
    .arg("-I")
    .arg(&lib.include)
    .arg(&source)
    .arg("-o")
    .arg(&exe);
    match link {
        Link::Shared => {
            let dir = lib.shared.parent().unwrap();
            cc.arg("-L")
                .arg(dir)
                .arg("-lwincrypt")
                .arg(format!("-Wl,-rpath,{}", dir.display()))
                .arg("-lpthread");
        }
        Link::Static => {
            // What `rustc --print native-static-libs` lists for a std staticlib on Linux.
            cc.arg(&lib.static_lib)
                .args(["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl"]);
        }
    }
    cc
}

fn exe_path(name: &str, link: Link) -> PathBuf {
    library()
        .profile_dir
        .join("c-tests")
        .join(format!("{name}-{}", link.name()))
}

/// Runs `cmd` to completion, killing it after `timeout`.
fn run_with_timeout(mut cmd: Command, timeout: Duration) -> (Output, bool) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes on threads, so that a chatty program never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).unwrap();
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).unwrap();
        buf
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: out_thread.join().unwrap(),
        stderr: err_thread.join().unwrap(),
    };
    (output, timed_out)
}

/// The last `max` bytes of a program's output, for a failure report.
fn tail(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= max {
        return text.into_owned();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[... {start} bytes cut ...]\n{}", &text[start..])
}

/// Compiles `name` both ways and runs each build with `args` in a fresh `CRYPTOAPI_HOME`;
/// panics with every failure's output. Returns the runs' standard outputs.
fn run_program(name: &str, args: &[&Path]) -> Vec<String> {
    let lib = library();
    eprintln!(
        "{name}: library built in {:.1} s ({})",
        lib.build_secs,
        lib.profile_dir.display()
    );
    // Both compilations at once.
    let started = Instant::now();
    let mut compilers: Vec<(Link, std::process::Child)> = [Link::Shared, Link::Static]
        .into_iter()
        .map(|link| {
            let child = compile(name, link)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("running cc");
            (link, child)
        })
        .collect();
    let mut failures = Vec::new();
    for (link, child) in compilers.drain(..) {
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "cc {name}.c ({}) failed: {}\n{}{}",
                link.name(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{name}: compiled twice in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut stdouts = Vec::new();
    for link in [Link::Shared, Link::Static] {
        let home = TempDir::new(&format!("c-{name}"));
        let mut cmd = Command::new(exe_path(name, link));
        cmd.args(args)
            .env("CRYPTOAPI_HOME", home.path())
            .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
            .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1");
        let started = Instant::now();
        let (out, timed_out) = run_with_timeout(cmd, RUN_TIMEOUT);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let summary = stdout
            .lines()
            .filter(|l| l.contains(" checks, ") || l.starts_with("kat: "))
            .collect::<Vec<_>>()
            .join("; ");
        eprintln!(
            "{name} ({}): {} in {:.2} s: {summary}",
            link.name(),
            out.status,
            started.elapsed().as_secs_f64()
        );
        if timed_out || !out.status.success() {
            failures.push(format!(
                "{name} ({}) {}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                link.name(),
                if timed_out {
                    "timed out and was killed"
                } else {
                    "failed"
                },
                out.status,
                tail(&out.stdout, 20_000),
                tail(&out.stderr, 60_000)
            ));
        }
        stdouts.push(stdout);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    stdouts
}

#[test]
fn lifecycle() {
    run_program("lifecycle", &[]);
}

#[test]
fn threads() {
    run_program("threads", &[]);
}

#[test]
fn buffers() {
    run_program("buffers", &[]);
}

#[test]
fn strings() {
    run_program("strings", &[]);
}

#[test]
fn two_process() {
    run_program("two_process", &[]);
}

#[test]
fn registry() {
    run_program("registry", &[]);
}

#[test]
fn ms_samples() {
    run_program("ms_samples", &[]);
}

#[test]
fn rsa_gaps() {
    run_program("rsa_gaps", &[]);
}

#[test]
fn dss() {
    run_program("dss", &[]);
}

#[test]
fn kat() {
    let translation = kat_file::translate().unwrap_or_else(|e| panic!("translating: {e}"));
    eprintln!(
        "kat: {} of {} vectors translated into {} cases",
        translation.vectors, translation.total, translation.cases
    );
    for (id, why) in &translation.skipped {
        eprintln!("kat: not translated: {id}: {why}");
    }
    assert!(
        translation.vectors >= MIN_KAT_VECTORS,
        "only {} of {} vectors translated (at least {MIN_KAT_VECTORS} expected); not translated:\n{}",
        translation.vectors,
        translation.total,
        translation
            .skipped
            .iter()
            .map(|(id, why)| format!("{id}: {why}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let dir = TempDir::new("kat-vectors");
    let path = dir.path().join("windows-kat.txt");
    std::fs::write(&path, &translation.text).unwrap();
    for stdout in run_program("kat", &[&path]) {
        let want = format!(
            "kat: {} cases, {} vectors, {} vectors passed, 0 failed",
            translation.cases, translation.vectors, translation.vectors
        );
        assert!(
            stdout.lines().any(|l| l == want),
            "kat.c did not report {want:?}; its output:\n{}",
            tail(stdout.as_bytes(), 5_000)
        );
    }
}

/// The SChannel provider's Windows known answers (`schannel-kat.json`) through the C ABI.
#[test]
fn schannel() {
    let (text, vectors) = schannel_file::translate().unwrap_or_else(|e| panic!("translating: {e}"));
    assert!(vectors >= 1, "no SChannel vector translated");
    let dir = TempDir::new("schannel-vectors");
    let path = dir.path().join("schannel-kat.txt");
    std::fs::write(&path, &text).unwrap();
    for stdout in run_program("schannel", &[&path]) {
        let want = format!("schannel: {vectors} vectors, {vectors} passed, 0 failed");
        assert!(
            stdout.lines().any(|l| l == want),
            "schannel.c did not report {want:?}; its output:\n{}",
            tail(stdout.as_bytes(), 5_000)
        );
    }
}

/// The translation of `schannel-kat.json` into the line format `schannel.c` reads: one line
/// per vector, `vector <TAB> id { <TAB> key=value }`.
mod schannel_file {
    use serde_json::Value;

    const JSON: &str = include_str!("../../suite/tests/data/schannel-kat.json");

    /// The file's text and the number of vectors in it.
    pub(super) fn translate() -> Result<(String, usize), String> {
        let doc: Value = serde_json::from_str(JSON).map_err(|e| e.to_string())?;
        let vectors = doc["vectors"].as_array().ok_or("no vectors")?;
        let mut text = String::from("# schannel-kat.json, translated by ffi/tests/c_programs.rs\n");
        for v in vectors {
            let str_at = |path: &[&str]| -> Result<String, String> {
                let mut at = v;
                for key in path {
                    at = &at[*key];
                }
                match at {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(format!("{}: no {}", v["id"], path.join("."))),
                }
            };
            let fields: [(&str, &[&str]); 23] = [
                ("provider_type", &["provider_type"]),
                ("exchange_pair", &["exchange_pair"]),
                ("master_blob", &["master_blob"]),
                ("client_random", &["client_random"]),
                ("server_random", &["server_random"]),
                ("enc_alg", &["enc_alg", "alg"]),
                ("enc_bits", &["enc_alg", "bits"]),
                ("mac_alg", &["mac_alg", "alg"]),
                ("mac_bits", &["mac_alg", "bits"]),
                (
                    "err_master_hash",
                    &["errors", "master_hash_before_randoms", "code"],
                ),
                (
                    "err_enc_key",
                    &["errors", "enc_key_before_schannel_alg", "code"],
                ),
                ("enc_flags", &["server_write_key", "flags"]),
                ("plaintext", &["server_write_key", "plaintext"]),
                ("buffer_len", &["server_write_key", "buffer_len"]),
                ("enc_expected", &["server_write_key", "expected"]),
                ("prf_seed", &["prf", "seed"]),
                ("prf_label", &["prf", "label"]),
                ("prf_len", &["prf", "length"]),
                ("prf_expected", &["prf", "expected"]),
                ("mac_flags", &["server_mac_key", "flags"]),
                ("hmac_hash", &["server_mac_key", "hmac_hash"]),
                ("mac_data", &["server_mac_key", "data"]),
                ("mac_expected", &["server_mac_key", "expected"]),
            ];
            text.push_str("vector\t");
            text.push_str(&str_at(&["id"])?);
            for (key, path) in fields {
                text.push('\t');
                text.push_str(key);
                text.push('=');
                text.push_str(&str_at(path)?);
            }
            text.push('\n');
        }
        Ok((text, vectors.len()))
    }
}

/// The translation of `windows-kat.json` into the line format `kat.c` reads.
mod kat_file {
    use std::fmt::Write as _;

    use serde_json::Value;

    const JSON: &str = include_str!("../../suite/tests/data/windows-kat.json");

    type R<T> = Result<T, String>;

    /// The file's text and what went into it.
    pub(super) struct Translation {
        pub(super) text: String,
        /// Vectors with at least one case.
        pub(super) vectors: usize,
        /// Vectors in the JSON.
        pub(super) total: usize,
        /// Lines (a vector on one provider).
        pub(super) cases: usize,
        /// Vectors left out, with the reason.
        pub(super) skipped: Vec<(String, String)>,
    }

    /// One case's `key=value` fields.
    #[derive(Clone, Default)]
    struct Fields(Vec<(String, String)>);

    impl Fields {
        fn put(&mut self, key: &str, value: impl std::fmt::Display) {
            self.0.push((key.to_owned(), value.to_string()));
        }

        fn hex(&mut self, key: &str, bytes: &[u8]) {
            let value = if bytes.is_empty() {
                "-".to_owned()
            } else {
                hex(bytes)
            };
            self.put(key, value);
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    fn unhex(text: &str) -> R<Vec<u8>> {
        if !text.len().is_multiple_of(2) || !text.is_ascii() {
            return Err(format!("bad hex {text:?}"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| format!("hex: {e}")))
            .collect()
    }

    fn field<'a>(v: &'a Value, name: &str) -> R<&'a Value> {
        v.get(name).ok_or_else(|| format!("missing field {name:?}"))
    }

    fn str_field<'a>(v: &'a Value, name: &str) -> R<&'a str> {
        field(v, name)?
            .as_str()
            .ok_or_else(|| format!("{name} is not a string"))
    }

    fn u64_field(v: &Value, name: &str) -> R<u64> {
        field(v, name)?
            .as_u64()
            .ok_or_else(|| format!("{name} is not a number"))
    }

    fn u32_field(v: &Value, name: &str) -> R<u32> {
        u32::try_from(u64_field(v, name)?).map_err(|_| format!("{name} is too large"))
    }

    /// An algorithm object's id (`{"name", "id", "id_hex"}`).
    fn alg(v: &Value, name: &str) -> R<u32> {
        u32_field(field(v, name)?, "id")
    }

    /// A data spec: `hex`, `ascii` (+ `includes_trailing_nul`), `repeat`, `counter`, `concat`
    /// (when several are given, `hex` wins: the JSON's own harness checks they agree).
    fn data(spec: &Value) -> R<Vec<u8>> {
        if let Some(h) = spec.get("hex").and_then(Value::as_str) {
            return unhex(h);
        }
        if let Some(a) = spec.get("ascii").and_then(Value::as_str) {
            let mut bytes = a.as_bytes().to_vec();
            if spec
                .get("includes_trailing_nul")
                .and_then(Value::as_bool)
                .unwrap_or(false)
            {
                bytes.push(0);
            }
            return Ok(bytes);
        }
        if let Some(r) = spec.get("repeat") {
            let byte = match field(r, "byte")? {
                Value::String(s) => *unhex(s)?.first().ok_or("empty repeat byte")?,
                other => u8::try_from(other.as_u64().ok_or("repeat.byte")?)
                    .map_err(|_| "repeat.byte is not a byte")?,
            };
            return Ok(vec![
                byte;
                usize::try_from(u64_field(r, "length")?).unwrap()
            ]);
        }
        if let Some(c) = spec.get("counter") {
            let start = u64_field(c, "start")?;
            let len = u64_field(c, "length")?;
            return Ok((0..len).map(|i| ((start + i) & 0xff) as u8).collect());
        }
        if let Some(parts) = spec.get("concat").and_then(Value::as_array) {
            let mut out = Vec::new();
            for part in parts {
                out.extend(data(part)?);
            }
            return Ok(out);
        }
        Err(format!("data spec not understood: {spec}"))
    }

    /// The Windows error codes the data names.
    fn error_code(name: &str) -> R<u32> {
        Ok(match name {
            "ERROR_INVALID_PARAMETER" => 87,
            "NTE_BAD_KEY" => 0x8009_0003,
            "NTE_BAD_LEN" => 0x8009_0004,
            "NTE_BAD_DATA" => 0x8009_0005,
            "NTE_BAD_SIGNATURE" => 0x8009_0006,
            "NTE_BAD_ALGID" => 0x8009_0008,
            "NTE_BAD_FLAGS" => 0x8009_0009,
            "NTE_BAD_TYPE" => 0x8009_000a,
            "NTE_BAD_HASH_STATE" => 0x8009_000c,
            "NTE_NO_KEY" => 0x8009_000d,
            other => return Err(format!("error name {other:?} not known")),
        })
    }

    /// The algorithm names the notes use.
    fn alg_by_name(name: &str) -> Option<u32> {
        Some(match name {
            "CALG_RSA_KEYX" => 0xa400,
            "CALG_RSA_SIGN" => 0x2400,
            "CALG_RC2" => 0x6602,
            "CALG_RC4" => 0x6801,
            "CALG_DES" => 0x6601,
            "CALG_3DES" => 0x6603,
            "CALG_AES_128" => 0x660e,
            _ => return None,
        })
    }

    const SHA2: [u32; 3] = [0x800c, 0x800d, 0x800e];
    const PROV_RSA_FULL: u32 = 1;
    const PROV_RSA_AES: u32 = 24;

    /// A provider an entry lists: type, name (None: the type's default), the name `PP_NAME`
    /// must give (when the entry quotes one).
    struct Prov {
        ty: u32,
        name: Option<&'static str>,
        pp_name: Option<String>,
    }

    fn provider(text: &str) -> R<Prov> {
        let (ty, name) = if text.starts_with("MS_ENHANCED_PROV") {
            (
                PROV_RSA_FULL,
                Some("Microsoft Enhanced Cryptographic Provider v1.0"),
            )
        } else if text.starts_with("MS_DEF_PROV") {
            (
                PROV_RSA_FULL,
                Some("Microsoft Base Cryptographic Provider v1.0"),
            )
        } else if text.starts_with("MS_STRONG_PROV") {
            (
                PROV_RSA_FULL,
                Some("Microsoft Strong Cryptographic Provider"),
            )
        } else if text.starts_with("NULL name = default PROV_RSA_AES provider") {
            (PROV_RSA_AES, None)
        } else if text.starts_with("default PROV_RSA_FULL provider (NULL name)") {
            (PROV_RSA_FULL, None)
        } else {
            return Err(format!("unknown provider {text:?}"));
        };
        let pp_name = text
            .split('"')
            .nth(1)
            .filter(|q| q.contains("Provider"))
            .map(str::to_owned);
        Ok(Prov { ty, name, pp_name })
    }

    /// `KP_ALGID = CALG_RSA_KEYX,` / `KP_PERMISSIONS A|B.` in the notes: the word.
    fn note_value<'n>(notes: &'n str, name: &str) -> Option<&'n str> {
        let (_, rest) = notes.split_once(&format!("{name} "))?;
        let rest = rest.strip_prefix("= ").unwrap_or(rest);
        let word = rest.split([' ', ',', ';']).next()?;
        Some(word.trim_end_matches(['.', ')']))
    }

    fn noted_key_params(f: &mut Fields, notes: &str) -> R<()> {
        if let Some(alg) = note_value(notes, "KP_ALGID") {
            f.put(
                "chk_algid",
                alg_by_name(alg).ok_or_else(|| format!("KP_ALGID {alg} not known"))?,
            );
        }
        if let Some(perms) = note_value(notes, "KP_PERMISSIONS") {
            let mut bits = 0u32;
            for name in perms.split('|') {
                bits |= match name {
                    "CRYPT_ENCRYPT" => 0x01,
                    "CRYPT_DECRYPT" => 0x02,
                    "CRYPT_EXPORT" => 0x04,
                    "CRYPT_READ" => 0x08,
                    "CRYPT_WRITE" => 0x10,
                    "CRYPT_MAC" => 0x20,
                    other => return Err(format!("permission {other:?} not known")),
                };
            }
            f.put("chk_perms", bits);
        }
        Ok(())
    }

    /// The `key` object: how the key is made, and what is checked on it.
    fn key_fields(f: &mut Fields, params: &Value, notes: &str) -> R<()> {
        let key = field(params, "key")?;
        if let Some(derive) = key.get("derive") {
            if str_field(derive, "method")? != "CryptDeriveKey" {
                return Err("key.derive.method is not CryptDeriveKey".into());
            }
            f.put("key", "derive");
            f.put("kd_hash", alg(derive, "hash_alg")?);
            f.hex("kd_input", &data(field(derive, "hash_input")?)?);
            f.put("kd_alg", alg(derive, "key_alg")?);
            f.put("kd_flags", u32_field(derive, "flags")?);
        } else if let Some(import) = key.get("import") {
            let blob_type = str_field(import, "blob_type")?;
            let flags = import.get("flags").and_then(Value::as_u64).unwrap_or(0);
            if blob_type.starts_with("PLAINTEXTKEYBLOB") {
                f.put("key", "plain");
                f.hex("kp_blob", &unhex(str_field(import, "blob_hex")?)?);
                f.put("kp_flags", flags);
            } else if blob_type.starts_with("SIMPLEBLOB") {
                let how = str_field(import, "how")?;
                if !(how.contains("AT_KEYEXCHANGE") && how.contains("CALG_RSA_KEYX")) {
                    return Err(format!("key.import.how {how:?} not understood"));
                }
                f.put("key", "simple");
                f.put("ks_alg", alg(import, "aiKeyAlg")?);
                f.hex("ks_key", &unhex(str_field(import, "key_plain_hex")?)?);
                f.put("ks_flags", flags);
                f.put("ks_oaep", u8::from(how.contains("OAEP")));
                if notes.contains("Importing the same key as PLAINTEXTKEYBLOB") {
                    f.put("plain_refused", 1);
                }
                if notes.contains("Encryption with this key fails (NTE_BAD_KEY") {
                    f.put("enc_bad_key", 1);
                }
                // "CryptGenKey(CALG_RC2, 128<<16) works on PROV_RSA_AES but (136<<16) fails"
                if let Some((_, rest)) = notes.split_once("CryptGenKey(")
                    && let Some((works, rest)) =
                        rest.split_once("<<16) works on PROV_RSA_AES but (")
                    && let Some((_, ok_bits)) = works.split_once(", ")
                    && let Some((bad_bits, _)) = rest.split_once("<<16) fails")
                {
                    f.put("genlim", format!("{}:{}", ok_bits.trim(), bad_bits.trim()));
                }
            } else if blob_type.starts_with("PUBLICKEYBLOB")
                || blob_type.starts_with("PRIVATEKEYBLOB")
            {
                f.put("key", "blob");
                f.hex("kb_blob", &unhex(str_field(import, "blob_hex")?)?);
                f.put("kb_flags", flags);
            } else {
                return Err(format!("key.import.blob_type {blob_type:?} not supported"));
            }
        } else {
            return Err("key is neither derive nor import".into());
        }
        if let Some(set) = key.get("set_key_param") {
            f.put("set_efflen", u32_field(set, "KP_EFFECTIVE_KEYLEN (19)")?);
            if let Some(result) = set.get("result").and_then(Value::as_str) {
                let name = result
                    .strip_prefix("fails with ")
                    .and_then(|r| {
                        r.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .next()
                    })
                    .ok_or_else(|| format!("set_key_param.result {result:?} not understood"))?;
                f.put("set_efflen_err", error_code(name)?);
            }
        }
        for name in ["key_bits", "KP_KEYLEN"] {
            if key.get(name).is_some() {
                f.put("keybits", u32_field(key, name)?);
            }
        }
        match key.get("effective_key_bits") {
            None => {}
            Some(Value::Number(n)) => f.put("efflen", n),
            Some(Value::String(s)) if s.starts_with("default") => {}
            Some(other) => return Err(format!("effective_key_bits {other} not understood")),
        }
        if let Some(salt) = key.get("salt").and_then(Value::as_str) {
            if salt.starts_with("none") {
                f.put("salt", "-");
            } else {
                let digits: String = salt.chars().take_while(char::is_ascii_digit).collect();
                let n: usize = digits
                    .parse()
                    .map_err(|_| format!("salt {salt:?} not understood"))?;
                let rest = salt[digits.len()..].trim_start();
                if rest.starts_with("zero bytes") {
                    f.hex("salt", &vec![0; n]);
                } else if rest.starts_with("bytes") && rest.contains("from the hash") {
                    f.put("salt_hash", n);
                } else {
                    return Err(format!("salt {salt:?} not understood"));
                }
            }
        }
        Ok(())
    }

    /// `mode` (set with KP_MODE unless it is the default) and `iv_hex`.
    fn mode_iv(f: &mut Fields, params: &Value) -> R<()> {
        if let Some(text) = params.get("mode").and_then(Value::as_str) {
            let word = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("");
            let mode = match word.to_ascii_lowercase().as_str() {
                "cbc" => 1,
                "ecb" => 2,
                "ofb" => 3,
                "cfb" => 4,
                "cts" => 5,
                "stream" => 0,
                _ => return Err(format!("mode {text:?} not understood")),
            };
            let paren = text[word.len()..]
                .trim_start()
                .strip_prefix('(')
                .and_then(|rest| rest.split(')').next())
                .unwrap_or("");
            f.put("mode", mode);
            f.put(
                "mode_set",
                u8::from(!(paren.contains("default") || mode == 0)),
            );
            if text.contains("8-bit feedback") {
                f.put("mode_bits", 8);
            }
        }
        match params.get("iv_hex") {
            None => {}
            Some(Value::Null) => f.put("iv", "-"),
            Some(Value::String(s)) => f.hex("iv", &unhex(s)?),
            Some(other) => return Err(format!("iv_hex {other} not understood")),
        }
        Ok(())
    }

    /// The CryptEncrypt/CryptDecrypt calls: `calls[]` or one call (`data_len`, `final`,
    /// `buffer_len`), as `off:len:final:buflen;...`.
    fn calls(f: &mut Fields, params: &Value, data_len: usize) -> R<()> {
        let mut out = Vec::new();
        match params.get("calls").and_then(Value::as_array) {
            Some(calls) => {
                for c in calls {
                    out.push(format!(
                        "{}:{}:{}:{}",
                        u64_field(c, "offset")?,
                        u64_field(c, "data_len")?,
                        u8::from(field(c, "final")?.as_bool().ok_or("final")?),
                        c.get("buffer_len").and_then(Value::as_u64).unwrap_or(0)
                    ));
                }
            }
            None => {
                let len = u64_field(params, "data_len")?;
                if usize::try_from(len).ok() != Some(data_len) {
                    return Err(format!("data_len {len} but the data has {data_len} bytes"));
                }
                out.push(format!(
                    "0:{len}:{}:{}",
                    u8::from(field(params, "final")?.as_bool().ok_or("final")?),
                    params
                        .get("buffer_len")
                        .and_then(Value::as_u64)
                        .unwrap_or(0)
                ));
            }
        }
        f.put("calls", out.join(";"));
        Ok(())
    }

    /// `key_state_history` prose, as `kat.c`'s history steps.
    fn history(steps: &[Value]) -> R<String> {
        let mut out = Vec::new();
        for step in steps {
            let step = step.as_str().ok_or("history step is not a string")?;
            let (call, rest) = step
                .split_once('(')
                .ok_or_else(|| format!("step {step:?} not understood"))?;
            match call {
                "CryptEncrypt" | "CryptDecrypt" => {
                    let letter = &call[5..6];
                    let final_block = if rest.starts_with("final=TRUE)") {
                        1
                    } else if rest.starts_with("final=FALSE)") {
                        0
                    } else {
                        return Err(format!("step {step:?}: final not understood"));
                    };
                    let operand = rest
                        .split_once(") of ")
                        .ok_or_else(|| format!("step {step:?} not understood"))?
                        .1;
                    let first = operand.split_whitespace().next().unwrap_or("");
                    let store = if operand.contains(" in a ") { ":S" } else { "" };
                    if let Some((_, range)) = first.split_once('[') {
                        let range = range.split(']').next().unwrap_or("");
                        let (a, b) = range
                            .split_once("..")
                            .ok_or_else(|| format!("range {range:?} not understood"))?;
                        let a: usize = a.parse().map_err(|_| "range start")?;
                        let b: usize = b.parse().map_err(|_| "range end")?;
                        out.push(format!("{letter}{final_block}:@{a}:{}", b + 1 - a));
                    } else {
                        let n: usize = first
                            .parse()
                            .map_err(|_| format!("operand {operand:?} not understood"))?;
                        let mut words = operand.split_whitespace().skip(1);
                        if !matches!(words.next(), Some("byte" | "bytes")) {
                            return Err(format!("operand {operand:?} not understood"));
                        }
                        let bytes: Vec<u8> = match words.next().map(|w| w.trim_end_matches(')')) {
                            Some("00..ff") => (0..n).map(|i| (i & 0xff) as u8).collect(),
                            Some(w) if w.len() == 4 && w.starts_with("0x") => {
                                vec![unhex(&w[2..].to_ascii_lowercase())?[0]; n]
                            }
                            _ => return Err(format!("operand {operand:?} not understood")),
                        };
                        out.push(format!("{letter}{final_block}:{}{store}", hex(&bytes)));
                    }
                }
                "CryptCreateHash" => out.push("C".into()),
                "CryptHashData" => out.push("H".into()),
                "CryptGetHashParam" => out.push("V".into()),
                _ => return Err(format!("history step {step:?} not understood")),
            }
        }
        Ok(out.join(","))
    }

    /// A blob the data names (`abPlainPrivateKey`, `PUBLIC_EXCH_blob`): an object with that
    /// `blob_name`, or the `private_blob` / `public_blob` of an entry whose `source` names it.
    fn named_blob(entries: &[Value], name: &str) -> R<Vec<u8>> {
        fn walk<'v>(v: &'v Value, name: &str, out: &mut Vec<&'v Value>) {
            match v {
                Value::Object(map) => {
                    if map.get("blob_name").and_then(Value::as_str) == Some(name) {
                        out.push(v);
                    }
                    map.values().for_each(|c| walk(c, name, out));
                }
                Value::Array(items) => items.iter().for_each(|c| walk(c, name, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        for entry in entries {
            if let Some(params) = entry.get("params") {
                walk(params, name, &mut found);
                let sourced = entry
                    .get("source")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.split([' ', ',', ':']).any(|w| w == name));
                let which = if name.starts_with("PRIVATE") {
                    "private_blob"
                } else {
                    "public_blob"
                };
                if sourced && let Some(blob) = params.get(which) {
                    found.push(blob);
                }
            }
        }
        let first = found
            .first()
            .ok_or_else(|| format!("no blob named {name}"))?;
        unhex(str_field(first, "blob_hex")?)
    }

    /// What an `expected` word says of a call: 0 for success, else the error's code.
    fn outcome(word: &str) -> R<u32> {
        if word == "succeeds" {
            Ok(0)
        } else {
            error_code(word)
        }
    }

    /// The op of an entry, as one or more variants of `kat.c` fields (before the provider).
    fn translate_entry(entries: &[Value], entry: &Value) -> R<(String, Vec<Fields>)> {
        let op = str_field(entry, "op")?;
        let params = field(entry, "params")?;
        let notes = entry.get("notes").and_then(Value::as_str).unwrap_or("");
        let expected = field(entry, "expected")?;
        let expected_hex = expected.as_str().filter(|s| *s != "TRUE" && *s != "FALSE");
        let mut f = Fields::default();
        if let Some(h) = expected_hex {
            f.hex("expected", &unhex(h)?);
        }
        let name = match op {
            "hash" => {
                f.put("alg", alg(params, "alg")?);
                let bytes = data(field(params, "data")?)?;
                f.hex("data", &bytes);
                if let Some(flags) = params.get("hash_data_flags").and_then(Value::as_u64) {
                    f.put("hflags", flags);
                }
                if let Some(updates) = params.get("updates").and_then(Value::as_array) {
                    let [first, second] = updates.as_slice() else {
                        return Err("updates: two expected".into());
                    };
                    if str_field(first, "on")? != "original hash"
                        || str_field(second, "on")? != "CryptDuplicateHash clone"
                        || u64_field(first, "offset")? != 0
                        || u64_field(second, "offset")? != u64_field(first, "length")?
                        || u64_field(second, "offset")? + u64_field(second, "length")?
                            != bytes.len() as u64
                    {
                        return Err("updates: not original-then-clone over the data".into());
                    }
                    f.put("dup_at", u64_field(first, "length")?);
                    f.put(
                        "f1",
                        first.get("flags").and_then(Value::as_u64).unwrap_or(0),
                    );
                    f.put(
                        "f2",
                        second.get("flags").and_then(Value::as_u64).unwrap_or(0),
                    );
                }
                "hash"
            }
            "hmac" => {
                key_fields(&mut f, params, notes)?;
                f.put("halg", alg(params, "hash_alg")?);
                let info = field(params, "hmac_info")?;
                if info.get("pbInnerString").is_some() {
                    for (k, len) in [
                        ("pbInnerString", "cbInnerString"),
                        ("pbOuterString", "cbOuterString"),
                    ] {
                        if str_field(info, k)? != "zeros" {
                            return Err(format!("hmac_info.{k} not understood"));
                        }
                        let key = if k == "pbInnerString" {
                            "inner"
                        } else {
                            "outer"
                        };
                        f.put(key, u64_field(info, len)?);
                    }
                } else if !str_field(info, "inner")?.starts_with("default")
                    || !str_field(info, "outer")?.starts_with("default")
                {
                    return Err("hmac_info not understood".into());
                }
                f.hex("data", &data(field(params, "data")?)?);
                "hmac"
            }
            "mac" => {
                key_fields(&mut f, params, notes)?;
                mode_iv(&mut f, params)?;
                f.put("malg", alg(params, "mac_alg")?);
                f.hex("data", &data(field(params, "data")?)?);
                if let Some(calls) = params.get("hash_data_calls").and_then(Value::as_array) {
                    let spans: R<Vec<String>> = calls
                        .iter()
                        .map(|c| {
                            Ok(format!(
                                "{}:{}",
                                u64_field(c, "offset")?,
                                u64_field(c, "length")?
                            ))
                        })
                        .collect();
                    f.put("hcalls", spans?.join(";"));
                }
                if let Some(steps) = params.get("key_state_history").and_then(Value::as_array) {
                    f.put("history", history(steps)?);
                }
                "mac"
            }
            "encrypt" | "derive_key" | "decrypt" => {
                key_fields(&mut f, params, notes)?;
                mode_iv(&mut f, params)?;
                let bytes = data(field(params, "data")?)?;
                calls(&mut f, params, bytes.len())?;
                f.hex("data", &bytes);
                if op == "decrypt" {
                    "decrypt"
                } else {
                    "encrypt"
                }
            }
            "verify" => {
                key_fields(&mut f, params, notes)?;
                f.put("halg", alg(params, "hash_alg")?);
                f.hex("data", &data(field(params, "data")?)?);
                let sig = unhex(str_field(params, "signature_hex")?)?;
                if u64_field(params, "signature_len")? != sig.len() as u64 {
                    return Err("signature_len disagrees with signature_hex".into());
                }
                f.hex("sig", &sig);
                f.put("vflags", u32_field(params, "verify_flags")?);
                f.put(
                    "verdict",
                    match expected.as_str() {
                        Some("TRUE") => 1,
                        Some("FALSE") => 0,
                        _ => return Err("verify: expected is not TRUE/FALSE".into()),
                    },
                );
                if let Some((_, rest)) = notes.split_once("signature with length ")
                    && let Some((len, rest)) = rest.split_once(' ')
                    && rest.starts_with("-> NTE_BAD_SIGNATURE")
                {
                    f.put("short", len);
                }
                if notes.contains("a NULL signature -> ERROR_INVALID_PARAMETER") {
                    f.put("null_sig", 1);
                }
                if !params.get("description").is_none_or(Value::is_null) {
                    return Err("a description is not translated".into());
                }
                "verify"
            }
            "sign" => {
                key_fields(&mut f, params, notes)?;
                f.put("halg", alg(params, "hash_alg")?);
                let hv = field(params, "hash_value_set_via_HP_HASHVAL")?;
                let mut algs = Vec::new();
                for part in field(hv, "concat_of")?.as_array().ok_or("concat_of")? {
                    algs.push(match part.as_str() {
                        Some("MD5(data)") => "32771",
                        Some("SHA1(data)" | "SHA(data)") => "32772",
                        other => return Err(format!("concat_of {other:?} not understood")),
                    });
                }
                f.put("hv_algs", algs.join(","));
                f.hex("hv_data", &data(field(hv, "data")?)?);
                let spec = str_field(params, "key_spec")?;
                f.put(
                    "spec",
                    if spec.starts_with("AT_KEYEXCHANGE") {
                        1
                    } else if spec.starts_with("AT_SIGNATURE") {
                        2
                    } else {
                        return Err(format!("key_spec {spec:?} not understood"));
                    },
                );
                f.put("sflags", u32_field(params, "sign_flags")?);
                if notes.contains("CryptHashData on it fails (NTE_BAD_ALGID") {
                    f.put("hashdata_err", error_code("NTE_BAD_ALGID")?);
                }
                if !params.get("description").is_none_or(Value::is_null) {
                    return Err("a description is not translated".into());
                }
                "sign"
            }
            "export_key" => {
                key_fields(&mut f, params, notes)?;
                if u64_field(params, "hExpKey")? != 0 {
                    return Err("export with a wrapping key is not translated".into());
                }
                let blob_type = str_field(params, "export_blob_type")?;
                let ty = blob_type
                    .split_once('(')
                    .and_then(|(_, n)| n.trim_end_matches(')').parse::<u32>().ok())
                    .ok_or_else(|| format!("export_blob_type {blob_type:?}"))?;
                f.put("btype", ty);
                f.put("eflags", u32_field(params, "flags")?);
                if notes.contains("does not replace the container's AT_KEYEXCHANGE key") {
                    f.put("keeps_pair", 1);
                }
                noted_key_params(&mut f, notes)?;
                "export"
            }
            "import_key" if params.get("unwrap_key").is_some() => {
                let unwrap = field(field(params, "unwrap_key")?, "import")?;
                f.hex("unwrap", &unhex(str_field(unwrap, "blob_hex")?)?);
                let blob_spec = field(params, "blob")?;
                let blob = unhex(str_field(blob_spec, "blob_hex")?)?;
                if let Some(len) = blob_spec.get("import_len").and_then(Value::as_u64)
                    && len != blob.len() as u64
                {
                    return Err("import_len disagrees with blob_hex".into());
                }
                f.hex("blob", &blob);
                f.put(
                    "bflags",
                    blob_spec.get("flags").and_then(Value::as_u64).unwrap_or(0),
                );
                let then = field(params, "then")?;
                f.put(
                    "then_call",
                    match str_field(then, "call")? {
                        "CryptDecrypt" => "decrypt",
                        "CryptEncrypt" => "encrypt",
                        other => return Err(format!("then.call {other:?} not understood")),
                    },
                );
                f.put(
                    "then_final",
                    u8::from(field(then, "final")?.as_bool().ok_or("then.final")?),
                );
                f.hex("then_data", &data(field(then, "data")?)?);
                noted_key_params(&mut f, notes)?;
                if let Some(session) = entry
                    .get("verifier_intermediates")
                    .and_then(|i| i.get("session_key"))
                    .and_then(Value::as_str)
                {
                    f.hex("session", &unhex(session)?);
                    if notes.contains("the key derive_key(CALG_RC4, 56) makes") {
                        f.put("rc4_56", 1);
                    }
                }
                if notes.contains("shortened down to header + pubkey + bitlen/2 bytes") {
                    f.put("shorten", 1);
                }
                "import_then"
            }
            "import_key" if params.get("private_blob").is_some() => {
                f.hex(
                    "priv",
                    &unhex(str_field(field(params, "private_blob")?, "blob_hex")?)?,
                );
                f.hex(
                    "pub",
                    &unhex(str_field(field(params, "public_blob")?, "blob_hex")?)?,
                );
                if notes.contains("40 bits, KP_SALT 11 zero bytes") {
                    f.put("base40_if_base", 1);
                }
                "import_pair"
            }
            "import_key" if params.get("blob").is_some() && expected.is_object() => {
                f.hex(
                    "blob",
                    &unhex(str_field(field(params, "blob")?, "blob_hex")?)?,
                );
                let mut variants = Vec::new();
                for (what, word) in expected.as_object().ok_or("expected")? {
                    let code = outcome(word.as_str().ok_or("expected word")?)?;
                    match what.as_str() {
                        "import" => f.put("imp", code),
                        "CryptGetUserKey(AT_SIGNATURE)" => f.put("sig", code),
                        "CryptGetUserKey(AT_KEYEXCHANGE)" => f.put("kx", code),
                        other => return Err(format!("expected.{other} not understood")),
                    }
                }
                variants.push(f.clone());
                // "(Importing abPlainPrivateKey, CALG_RSA_KEYX, fills AT_KEYEXCHANGE only.)"
                if let Some((_, rest)) = notes.split_once("(Importing ") {
                    let (name, rest) = rest.split_once(", ").ok_or("(Importing ...)")?;
                    let (_, rest) = rest.split_once("fills ").ok_or("(Importing ...)")?;
                    let mut g = Fields::default();
                    g.hex("blob", &named_blob(entries, name)?);
                    g.put("imp", 0);
                    let no_key = error_code("NTE_NO_KEY")?;
                    if rest.starts_with("AT_KEYEXCHANGE only") {
                        g.put("kx", 0);
                        g.put("sig", no_key);
                    } else if rest.starts_with("AT_SIGNATURE only") {
                        g.put("sig", 0);
                        g.put("kx", no_key);
                    } else {
                        return Err("(Importing ...) not understood".into());
                    }
                    variants.push(g);
                }
                return Ok(("import_slots".into(), variants));
            }
            "other" => {
                let kind = str_field(params, "kind")?;
                if !kind.starts_with("RC4 salt-length behaviour") {
                    return Err(format!("other kind {kind:?} not translated"));
                }
                let gen_key = field(params, "CryptGenKey")?;
                f.put("gen_alg", alg(gen_key, "alg")?);
                f.put("gen_flags", u32_field(gen_key, "flags")?);
                // KP_SALT_EX set to 11 bytes "0123456789A"; export SIMPLEBLOB with X; re-import
                // in a fresh CRYPT_VERIFYCONTEXT with Y
                let then = str_field(params, "then")?;
                let mut steps = then.split("; ");
                let salt = steps
                    .next()
                    .and_then(|s| s.strip_prefix("KP_SALT_EX set to "))
                    .and_then(|s| s.split_once(" bytes \""))
                    .and_then(|(_, s)| s.strip_suffix('"'))
                    .ok_or_else(|| format!("then {then:?} not understood"))?;
                let public = steps
                    .next()
                    .and_then(|s| s.strip_prefix("export SIMPLEBLOB with "))
                    .ok_or_else(|| format!("then {then:?} not understood"))?;
                let private = steps
                    .next()
                    .and_then(|s| s.strip_prefix("re-import in a fresh CRYPT_VERIFYCONTEXT with "))
                    .ok_or_else(|| format!("then {then:?} not understood"))?;
                f.hex("salt_ex", salt.as_bytes());
                f.hex("pubx", &named_blob(entries, public)?);
                f.hex("privx", &named_blob(entries, private)?);
                let words = |w: &str| -> R<&'static str> {
                    Ok(if w == "all zero" {
                        "zero"
                    } else if w.starts_with("non-zero") {
                        "nonzero"
                    } else if w.starts_with("n/a") {
                        "none"
                    } else {
                        return Err(format!("salt word {w:?} not understood"));
                    })
                };
                f.put("keylen", u32_field(expected, "KP_KEYLEN")?);
                f.put(
                    "salt_len_gen",
                    u32_field(expected, "KP_SALT_length_after_CryptGenKey")?,
                );
                f.put(
                    "salt_gen",
                    words(str_field(expected, "KP_SALT_after_CryptGenKey")?)?,
                );
                f.put(
                    "salt_len_re",
                    u32_field(expected, "KP_SALT_length_after_reimport")?,
                );
                f.put(
                    "salt_re",
                    words(str_field(expected, "KP_SALT_after_reimport")?)?,
                );
                "rc4_salt"
            }
            other => return Err(format!("op {other:?} not translated")),
        };
        Ok((name.into(), vec![f]))
    }

    /// The hash algorithms an entry uses (for the SHA-2-on-PROV_RSA_FULL rule).
    fn sha2_used(params: &Value) -> Option<u32> {
        [
            params.pointer("/alg/id"),
            params.pointer("/hash_alg/id"),
            params.pointer("/key/derive/hash_alg/id"),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .filter_map(|id| u32::try_from(id).ok())
        .find(|id| SHA2.contains(id))
    }

    pub(super) fn translate() -> R<Translation> {
        let entries: Vec<Value> = serde_json::from_str(JSON).map_err(|e| e.to_string())?;
        let mut t = Translation {
            text: String::from("# windows-kat.json, translated by ffi/tests/c_programs.rs\n"),
            vectors: 0,
            total: entries.len(),
            cases: 0,
            skipped: Vec::new(),
        };
        for (index, entry) in entries.iter().enumerate() {
            let id = entry
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("<no id>")
                .to_owned();
            let result = (|| -> R<Vec<String>> {
                let (op, variants) = translate_entry(&entries, entry)?;
                let params = field(entry, "params")?;
                let mut lines = Vec::new();
                for p in field(entry, "providers")?
                    .as_array()
                    .ok_or("providers is not a list")?
                {
                    let prov = provider(p.as_str().ok_or("provider is not a string")?)?;
                    let head = format!(
                        "case\t{index}\t{id}\t{{op}}\t{}\t{}",
                        prov.ty,
                        prov.name.unwrap_or("-")
                    );
                    let mut common = Fields::default();
                    if let Some(name) = &prov.pp_name {
                        common.put("pp_name", name);
                    }
                    // Windows' PROV_RSA_FULL providers have no SHA-2: an entry listing one
                    // for a SHA-2 vector cannot have been recorded there; check the refusal.
                    if prov.ty == PROV_RSA_FULL
                        && let Some(sha2) = sha2_used(params)
                    {
                        let mut f = common.clone();
                        f.put("alg", sha2);
                        lines.push(render(&head.replace("{op}", "refuse_hash"), &f)?);
                        continue;
                    }
                    for v in &variants {
                        let mut f = common.clone();
                        // The default RC4 key's 40 bits and salt are the Base provider's.
                        if op == "import_pair"
                            && v.0.iter().any(|(k, _)| k == "base40_if_base")
                            && prov.name == Some("Microsoft Base Cryptographic Provider v1.0")
                        {
                            f.put("base40", 1);
                        }
                        f.0.extend(v.0.iter().filter(|(k, _)| k != "base40_if_base").cloned());
                        lines.push(render(&head.replace("{op}", &op), &f)?);
                    }
                }
                Ok(lines)
            })();
            match result {
                Ok(lines) if !lines.is_empty() => {
                    t.vectors += 1;
                    t.cases += lines.len();
                    for line in lines {
                        t.text.push_str(&line);
                        t.text.push('\n');
                    }
                }
                Ok(_) => t.skipped.push((id, "no provider".into())),
                Err(e) => t.skipped.push((id, e)),
            }
        }
        Ok(t)
    }

    fn render(head: &str, f: &Fields) -> R<String> {
        let mut line = head.to_owned();
        for (k, v) in &f.0 {
            if k.contains(['\t', '\n', '=']) || v.contains(['\t', '\n']) {
                return Err(format!("field {k}={v:?} cannot be written"));
            }
            let _ = write!(line, "\t{k}={v}");
        }
        Ok(line)
    }
}
