#!/bin/sh
# Downloads one pinned .deb and unpacks it into a directory (nothing is installed).
# Usage: extract-deb.sh pkg version destdir
set -eu
pkg=$1; ver=$2; dest=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$work/err"); then
  echo "extract-deb: pinned package $pkg version $ver could not be downloaded (no longer served?): $(tail -n1 "$work/err")" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
dpkg-deb -x "$work"/*.deb "$dest"
