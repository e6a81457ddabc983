//! `ffi/include/wincrypt.h` is self-contained, C99 and C++: `tests/c/header_c99.c` compiles
//! with `-std=c99 -pedantic -Wall -Wextra -Werror` (and C11/C17), `tests/c/header_cpp.cpp` as
//! C++11 and C++17, and the header's structures have Windows' sizes (checked at compile time
//! inside those files). Linking them against the library is the C programs' test
//! (`c_programs.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn ffi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn out_dir() -> PathBuf {
    // target/<profile>/deps/header-<hash> → target/<profile>/c-tests/header
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join("c-tests")
        .join("header");
    std::fs::create_dir_all(&dir).expect("create the output directory");
    dir
}

fn compile(compiler: &str, std: &str, source: &str, extra: &[&str]) {
    let ffi = ffi_dir();
    let object = out_dir().join(format!(
        "{}-{}.o",
        source.replace('.', "_"),
        std.trim_start_matches("-std=")
    ));
    let output = Command::new(compiler)
        .arg(std)
        .args(["-pedantic", "-Wall", "-Wextra", "-Werror"])
        .args(extra)
        .arg("-I")
        .arg(ffi.join("include"))
        .arg("-c")
        .arg(ffi.join("tests/c").join(source))
        .arg("-o")
        .arg(&object)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(
        output.status.success(),
        "{compiler} {std} {source} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn header_is_c99_c11_and_c17() {
    for std in ["-std=c99", "-std=c11", "-std=c17"] {
        compile("cc", std, "header_c99.c", &[]);
    }
}

#[test]
fn header_is_cpp11_and_cpp17() {
    for std in ["-std=c++11", "-std=c++17"] {
        compile("c++", std, "header_cpp.cpp", &[]);
    }
}

#[test]
fn header_works_with_a_16_bit_wchar_t() {
    // Code written for Windows is often built with -fshort-wchar off Windows, so that L"..."
    // is UTF-16: the provider names must then still be WCHAR strings.
    compile("cc", "-std=c99", "header_c99.c", &["-fshort-wchar"]);
    compile("c++", "-std=c++11", "header_cpp.cpp", &["-fshort-wchar"]);
}

#[test]
fn header_includes_only_stdint_and_stddef() {
    let header = std::fs::read_to_string(ffi_dir().join("include/wincrypt.h")).expect("header");
    let includes: Vec<&str> = header
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("#include") || line.starts_with("# include"))
        .collect();
    assert!(!includes.is_empty());
    for line in includes {
        assert!(
            line.contains("<stdint.h>") || line.contains("<stddef.h>"),
            "the header must be self-contained: {line}"
        );
    }
}
