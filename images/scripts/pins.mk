# Pinned inputs of the guest image. Changing a line here changes the image bytes.
LINUX_SOURCE_PKG   := linux-source-6.1
LINUX_SOURCE_VER   := 6.1.176-1
LINUX_VERSION      := 6.1.176
BUSYBOX_PKG        := busybox-static:i386
BUSYBOX_VER        := 1:1.35.0-4+deb12u1+b1
SEABIOS_PKG        := seabios
SEABIOS_VER        := 1.16.2-1
CROSS_GCC_PKG      := gcc-12-i686-linux-gnu
CROSS_GCC_VER      := 12.2.0-14cross1
CROSS_LIBC_PKG     := libc6-dev-i386-cross
CROSS_LIBC_VER     := 2.36-8cross1
# Fixed stamps so two builds give the same bytes.
SOURCE_DATE_EPOCH  := 1767225600
export SOURCE_DATE_EPOCH
export KBUILD_BUILD_TIMESTAMP := 2026-01-01 00:00:00 UTC
export KBUILD_BUILD_USER := vpslab
export KBUILD_BUILD_HOST := vpslab
export KBUILD_BUILD_VERSION := 1
export LC_ALL := C
export TZ := UTC
