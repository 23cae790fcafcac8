#!/bin/sh
# Builds the guest kernel from Debian's linux-source package with vps.config,
# and keeps the small files an out-of-tree module build needs (Module.symvers).
# Usage: build.sh <build-dir> <out-dir>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
out=$2
tarball=/usr/src/linux-source-6.1.tar.xz
src=$build/kernel/linux-source-6.1
kmake() { make -C "$src" ARCH=i386 CROSS_COMPILE=i686-linux-gnu- "$@"; }

[ -f "$tarball" ] || { echo "build.sh: kernel source $tarball missing (install linux-source-6.1)" >&2; exit 1; }
rm -rf "$src"
mkdir -p "$build/kernel" "$out"
tar -C "$build/kernel" -xf "$tarball"
for p in "$here"/patches/*.patch; do patch -s -p1 -d "$src" < "$p"; done
KCONFIG_ALLCONFIG="$here/vps.config" kmake -s allnoconfig
# allnoconfig silently drops what it cannot satisfy: every option the fragment asks for must be in .config.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$here/vps.config" | while read -r line; do
  grep -qx "$line" "$src/.config" || echo "$line"; done)
if [ -n "$missing" ]; then
  echo "build.sh: these options from vps.config did not survive allnoconfig:" >&2
  echo "$missing" >&2
  exit 1
fi
# The bzImage payload: an LZ4 stream of stored blocks (lz4-stored.c says why).
gcc -O2 -Wall -Wextra -Werror -o "$build/lz4-stored" "$here/lz4-stored.c"
kmake -s -j"$(nproc)" KCFLAGS="-ffile-prefix-map=$src=." LZ4="$build/lz4-stored" bzImage modules
cp "$src/arch/x86/boot/bzImage" "$out/bzImage"
cp "$src/Module.symvers" "$here/Module.symvers"
cp "$src/.config" "$here/config.full"
