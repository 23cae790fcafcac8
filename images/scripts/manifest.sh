#!/bin/sh
# Prints public/images/manifest.json: pinned package versions and sha256/size of every artifact.
# Usage: manifest.sh outdir pkg=ver ...
set -eu
out=$1; shift
printf '{\n  "format": 1,\n  "packages": {\n'
sep=""
for spec in "$@"; do
  printf '%s    "%s": "%s"' "$sep" "${spec%%=*}" "${spec#*=}"
  sep=",
"
done
printf '\n  },\n  "cmdline": "console=ttyS0 quiet",\n  "initrd": ["base.initrd", "vps.initrd"],\n  "files": {\n'
sep=""
for f in bzImage base.initrd vps.initrd bios.bin vgabios-stdvga.bin; do
  sum=$(sha256sum "$out/$f" | cut -d' ' -f1)
  size=$(stat -c %s "$out/$f")
  printf '%s    "%s": { "sha256": "%s", "size": %s }' "$sep" "$f" "$sum" "$size"
  sep=",
"
done
printf '\n  }\n}\n'
