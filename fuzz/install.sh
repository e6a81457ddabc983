#!/usr/bin/env bash
# Installs what fuzzing needs: cargo-fuzz (from crates.io) and a nightly toolchain.
# Not run by CI; `fuzz/fuzz.sh` calls it when cargo-fuzz is missing.
set -euo pipefail

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "== installing the nightly toolchain (cargo fuzz needs it for sanitizer flags)"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
cargo +nightly fuzz --version
