#!/bin/sh
# Builds libwincrypt and installs it with its header and pkg-config file:
#
#     ffi/install.sh [PREFIX]            (default /usr/local)
#
# PREFIX/lib/libwincrypt.so and libwincrypt.a, PREFIX/include/wincrypt.h,
# PREFIX/lib/pkgconfig/wincrypt.pc. Environment: PROFILE (release by default; `debug` uses the
# dev profile), LIBDIR (default PREFIX/lib), CARGO (default cargo), CARGO_TARGET_DIR.
# Nothing is left half-installed: each file is copied to a temporary name, then renamed.
set -eu

prefix=${1:-/usr/local}
profile=${PROFILE:-release}
libdir=${LIBDIR:-$prefix/lib}
cargo=${CARGO:-cargo}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${CARGO_TARGET_DIR:-$root/target}

case $profile in
release) "$cargo" build --release --locked -p cryptoapi-ffi --manifest-path "$root/Cargo.toml" ;;
debug | dev) profile=debug; "$cargo" build --locked -p cryptoapi-ffi --manifest-path "$root/Cargo.toml" ;;
*) echo "install.sh: PROFILE must be release or debug" >&2; exit 2 ;;
esac

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)
case $(uname -s) in
Darwin) shared=libwincrypt.dylib ;;
*) shared=libwincrypt.so ;;
esac

put() { # put SOURCE DIR MODE: copy to a temporary name in DIR, then rename over the old file
    mkdir -p "$2"
    tmp="$2/.$(basename "$1").tmp.$$"
    cp "$1" "$tmp"
    chmod "$3" "$tmp"
    mv -f "$tmp" "$2/$(basename "$1")"
}

put "$target/$profile/$shared" "$libdir" 755
put "$target/$profile/libwincrypt.a" "$libdir" 644
put "$here/include/wincrypt.h" "$prefix/include" 644
pcdir=$(mktemp -d)
trap 'rm -rf "$pcdir"' EXIT
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@VERSION@|$version|" \
    "$here/wincrypt.pc.in" >"$pcdir/wincrypt.pc"
put "$pcdir/wincrypt.pc" "$libdir/pkgconfig" 644
echo "installed libwincrypt $version in $prefix"
