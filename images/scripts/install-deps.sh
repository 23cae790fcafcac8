#!/bin/sh
# Installs the pinned Debian packages the image build needs (root, Debian bookworm).
# Usage: install-deps.sh pkg=version ...   A pinned version that is no longer served stops the build.
set -eu
missing=""
for spec in "$@"; do
  pkg=${spec%%=*}; ver=${spec#*=}
  have=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  [ "$have" = "$ver" ] || missing="$missing $spec"
done
[ -n "$missing" ] || exit 0
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
fi
apt-get update -qq
for spec in $missing; do
  pkg=${spec%%=*}; ver=${spec#*=}
  if ! apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$ver"; then
    echo "install-deps: pinned package $pkg version $ver is no longer served by the Debian mirrors; update images/scripts/pins.mk" >&2
    exit 1
  fi
done
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
