#!/bin/sh
# Lays out the big, rarely-changing part of the guest: busybox with its applet links, the
# directory skeleton, and the same applet links inside the VPS template root.
# Usage: make-base.sh busybox-binary destdir
set -eu
bb=$1; dest=$2
rm -rf "$dest"
mkdir -p "$dest"
for d in bin sbin usr/bin usr/sbin lib/modules etc dev proc sys tmp run root var/log \
         vps/root vps/priv usr/share/vps/template; do
  mkdir -p "$dest/$d"
done
install -m 0755 "$bb" "$dest/bin/busybox"
# The applet list comes from the binary itself; it is an i386 static binary that runs on amd64.
"$dest/bin/busybox" --list-full | LC_ALL=C sort > "$dest/.applets"
t=$dest/usr/share/vps/template
for d in bin sbin usr/bin usr/sbin etc dev proc sys tmp run root var/log; do mkdir -p "$t/$d"; done
while read -r path; do
  [ "$path" = bin/busybox ] && continue
  for root in "$dest" "$t"; do
    [ -e "$root/$path" ] || ln -s /bin/busybox "$root/$path"
  done
done < "$dest/.applets"
rm "$dest/.applets"
chmod 1777 "$dest/tmp" "$t/tmp"
chmod 0700 "$dest/root" "$t/root"
