#!/bin/sh
# Prints public/images/manifest.json: pinned package versions, and sha256/size of every artifact
# as stored (gzip'd) plus its unpacked size.
# Usage: manifest.sh outdir "file ..." pkg=ver ...
set -eu
out=$1; files=$2; shift 2
printf '{\n  "format": 3,\n  "packages": {\n'
sep=""
for spec in "$@"; do
  printf '%s    "%s": "%s"' "$sep" "${spec%%=*}" "${spec#*=}"
  sep=",
"
done
# init_on_free=1: pages are zeroed when freed, so the boot's leftovers (the loaded bzImage, the
# initramfs archive) are zeros in a saved machine state: 25 MB raw / 8.7 MB gzip'd -> 17 / 5.8.
printf '\n  },\n  "cmdline": "console=ttyS0 quiet init_on_free=1",\n'
# The machine the image boots on (part of the manifest, so a saved state never resumes on other
# hardware): eth0 is virtio-net with a 64 KiB MTU, for fast TCP between lab hosts.
printf '  "machine": { "net_device": "virtio", "mtu": 65520 },\n'
printf '  "kernel": "bzImage.gzip",\n  "initrd": ["base.cpio.gzip", "vps.cpio.gzip"],\n'
# No VGA BIOS: the console is serial, and setting up VGA took the boot ~0.15 s.
printf '  "bios": "bios.bin.gzip",\n  "files": {\n'
sep=""
for f in $files; do
  sum=$(sha256sum "$out/$f" | cut -d' ' -f1)
  size=$(stat -c %s "$out/$f")
  unpacked=$(gzip -dc "$out/$f" | wc -c)
  printf '%s    "%s": { "sha256": "%s", "size": %s, "unpacked_size": %s }' "$sep" "$f" "$sum" "$size" "$unpacked"
  sep=",
"
done
printf '\n  }\n}\n'
