#!/bin/sh
# Packs a directory into a reproducible newc cpio: sorted names, owner root, fixed mtimes.
# Usage: pack-cpio.sh srcdir out.cpio
set -eu
src=$1; out=$2
: "${SOURCE_DATE_EPOCH:?}"
find "$src" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$src" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
  cpio --quiet -o -H newc -R 0:0 --reproducible) > "$out.tmp"
mv "$out.tmp" "$out"
