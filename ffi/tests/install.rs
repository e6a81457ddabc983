//! `ffi/install.sh` installs the libraries, the header and `wincrypt.pc` under a prefix, and a
//! C program builds from `pkg-config --cflags --libs wincrypt` alone (shared and `--static`)
//! and runs.

use std::path::Path;
use std::process::Command;

mod common;

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
#include "wincrypt.h"

int main(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTHASH hash = 0;
    BYTE value[20];
    DWORD len = sizeof(value);
    static const BYTE expected[4] = { 0xa9, 0x99, 0x3e, 0x36 }; /* SHA-1("abc") */

    if (!CryptAcquireContextA(&prov, NULL, MS_ENHANCED_PROV_A, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)
        || !CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash)
        || !CryptHashData(hash, (const BYTE *)"abc", 3, 0)
        || !CryptGetHashParam(hash, HP_HASHVAL, value, &len, 0)) {
        printf("failed: 0x%08x\n", (unsigned)GetLastError());
        return 1;
    }
    CryptDestroyHash(hash);
    CryptReleaseContext(prov, 0);
    return len == 20 && memcmp(value, expected, 4) == 0 ? 0 : 2;
}
"#;

#[test]
fn installed_library_builds_with_pkg_config() {
    let lib = common::library();
    let dir = common::TempDir::new("install");
    let prefix = dir.path().join("prefix");
    let profile = lib
        .profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("profile name");
    run(Command::new("sh")
        .arg(lib.workspace.join("ffi/install.sh"))
        .arg(&prefix)
        .env("PROFILE", profile)
        .env(
            "CARGO_TARGET_DIR",
            lib.profile_dir.parent().expect("target"),
        ));
    for file in [
        "lib/libwincrypt.a",
        "include/wincrypt.h",
        "lib/pkgconfig/wincrypt.pc",
    ] {
        assert!(prefix.join(file).is_file(), "{file} was not installed");
    }
    let pc = std::fs::read_to_string(prefix.join("lib/pkgconfig/wincrypt.pc")).expect("pc");
    assert!(
        !pc.contains('@'),
        "unfilled placeholder in wincrypt.pc:\n{pc}"
    );

    let source = dir.path().join("app.c");
    std::fs::write(&source, PROGRAM).expect("write app.c");
    let pkg_config_path = prefix.join("lib/pkgconfig");
    for (name, static_link) in [("shared", false), ("static", true)] {
        let mut query = Command::new("pkg-config");
        query.env("PKG_CONFIG_PATH", &pkg_config_path);
        if static_link {
            query.arg("--static");
        }
        let flags = run(query.args(["--cflags", "--libs", "wincrypt"]));
        let exe = dir.path().join(format!("app-{name}"));
        let mut cc = Command::new("cc");
        cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror"])
            .arg(&source);
        if static_link {
            // Static: name the archive, so the linker cannot pick the shared library.
            cc.arg(prefix.join("lib/libwincrypt.a"));
        }
        cc.args(flags.split_whitespace()).arg("-o").arg(&exe);
        if !static_link {
            cc.arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()));
        }
        run(&mut cc);
        let env_home = dir.path().join("home");
        std::fs::create_dir_all(&env_home).expect("home");
        run(Command::new(&exe).env("CRYPTOAPI_HOME", &env_home));
        assert!(Path::new(&exe).is_file());
    }
}
