#!/bin/sh
# Lays out the big, rarely-changing part of the guest: busybox with its applet links, the
# directory skeleton and the VPS template root.
# The host's /bin, /usr/bin and /usr/sbin are links into the template, so each applet link
# exists once: every cpio entry costs the emulated CPU about a millisecond to unpack at boot
# (README, "Boot time"). /sbin stays the host's own: it also holds
# vps-tools and its links, which a VPS must not see.
# Usage: make-base.sh busybox-binary destdir
set -eu
bb=$1; dest=$2
t=$dest/usr/share/vps/template
rm -rf "$dest"
mkdir -p "$dest"
for d in sbin lib/modules etc dev proc sys tmp run root var/log vps/root vps/priv; do
  mkdir -p "$dest/$d"
done
for d in bin sbin usr/bin usr/sbin etc dev proc sys tmp run root var/log; do mkdir -p "$t/$d"; done
for d in bin usr/bin usr/sbin; do ln -s "/usr/share/vps/template/$d" "$dest/$d"; done
install -m 0755 "$bb" "$t/bin/busybox"
# The applet list comes from the binary itself; it is an i386 static binary that runs on amd64.
"$bb" --list-full | LC_ALL=C sort > "$dest/.applets"
while read -r path; do
  [ "$path" = bin/busybox ] && continue
  case $path in
  sbin/*) roots="$dest $t" ;;
  bin/* | usr/bin/* | usr/sbin/*) roots=$t ;;
  *) roots=$dest ;; # linuxrc: the host's only
  esac
  for root in $roots; do
    [ -e "$root/$path" ] || [ -L "$root/$path" ] || ln -s /bin/busybox "$root/$path"
  done
done < "$dest/.applets"
rm "$dest/.applets"
chmod 1777 "$dest/tmp" "$t/tmp"
chmod 0700 "$dest/root" "$t/root"
