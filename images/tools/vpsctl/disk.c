#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "util.h"

#define SB_OFFSET 1024		/* the ext2 superblock, little endian */
#define SB_BLOCKS 4		/* s_blocks_count */
#define SB_R_BLOCKS 8		/* s_r_blocks_count */
#define SB_LOG_BSIZE 24		/* s_log_block_size: 1024 << n */
#define SB_MAGIC 56		/* 0xEF53 */
#define DISK_BLOCK 1024
#define DISK_MIN (1024 * 1024)
#ifndef EXT4_IOC_RESIZE_FS
#define EXT4_IOC_RESIZE_FS _IOW('f', 16, uint64_t)
#endif

int vps_disk_limited(const struct vps_config *cfg)
{
	const struct vps_limit *l = &cfg->limits[RES_DISK];

	return l->set && l->hard != VPS_UNLIMITED && !cfg->root_mount[0];
}

void vps_disk_paths(const struct vps_config *cfg, char *mnt, size_t mlen, char *img, size_t ilen)
{
	snprintf(mnt, mlen, "%s/disk", cfg->fsroot_priv);
	snprintf(img, ilen, "%s/disk.img", cfg->fsroot_priv);
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Root-reserved blocks = (hard - soft) / block size, written into the superblock through dev
 * (the loop device: a mounted filesystem reads the field from that same page cache). */
static int set_reserve(const char *dev, uint64_t soft, uint64_t hard, struct vps_err *err)
{
	cleanup_close int fd = open(dev, O_RDWR | O_CLOEXEC);
	unsigned char sb[64];
	uint32_t blocks, bsize, r;
	uint64_t reserve = hard - (soft < hard ? soft : hard);

	if (fd < 0)
		return vps_error(err, errno, "open `%s`", dev);
	if (pread(fd, sb, sizeof(sb), SB_OFFSET) != (ssize_t)sizeof(sb))
		return vps_error(err, errno ? errno : EIO, "read the superblock of `%s`", dev);
	if ((sb[SB_MAGIC] | sb[SB_MAGIC + 1] << 8) != 0xEF53)
		return vps_error(err, EINVAL, "read the superblock of `%s`: not an ext2 filesystem", dev);
	blocks = le32(sb + SB_BLOCKS);
	bsize = 1024u << le32(sb + SB_LOG_BSIZE);
	r = reserve / bsize > blocks / 2 ? blocks / 2 : (uint32_t)(reserve / bsize);
	sb[SB_R_BLOCKS] = r;
	sb[SB_R_BLOCKS + 1] = r >> 8;
	sb[SB_R_BLOCKS + 2] = r >> 16;
	sb[SB_R_BLOCKS + 3] = r >> 24;
	if (pwrite(fd, sb + SB_R_BLOCKS, 4, SB_OFFSET + SB_R_BLOCKS) != 4 || fsync(fd) < 0)
		return vps_error(err, errno ? errno : EIO, "write the reserved block count of `%s`", dev);
	return 0;
}

/* A sparse image of size bytes with an empty ext2 filesystem; about 2048 to 4096 inodes. */
static int format_image(const char *img, uint64_t size, struct vps_err *err)
{
	char ratio[32];
	uint64_t r = 4096;
	char *argv[] = { "/sbin/mke2fs", "-F", "-m", "0", "-b", "1024", "-i", ratio, (char *)img, NULL };
	int fd = open(img, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return vps_error(err, errno, "create disk image `%s`", img);
	if (ftruncate(fd, (off_t)size) < 0) {
		vps_error(err, errno, "size disk image `%s` to %llu bytes", img, (unsigned long long)size);
		close(fd);
		unlink(img);
		return -1;
	}
	close(fd);
	while (r < size / 4096 && r < (1 << 20))
		r <<= 1;
	snprintf(ratio, sizeof(ratio), "%llu", (unsigned long long)r);
	if (run_quiet("format the disk image", argv, err) < 0) {
		unlink(img);
		return vps_error_wrap(err, "make `%s`", img);
	}
	return 0;
}

/* Attach img to a free loop device that detaches itself when the last user is gone; returns an
 * open fd of the device (closing it before something else holds the device detaches it). */
static int loop_attach(const char *img, char *dev, size_t len, struct vps_err *err)
{
	cleanup_close int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	cleanup_close int file = open(img, O_RDWR | O_CLOEXEC);
	struct loop_config lc;

	if (ctl < 0)
		return vps_error(err, errno, "open `/dev/loop-control`");
	if (file < 0)
		return vps_error(err, errno, "open disk image `%s`", img);
	for (int tries = 0; tries < 8; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		int fd;

		if (n < 0)
			return vps_error(err, errno, "find a free loop device");
		snprintf(dev, len, "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return vps_error(err, errno, "open `%s`", dev);
		memset(&lc, 0, sizeof(lc));
		lc.fd = file;
		lc.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		snprintf((char *)lc.info.lo_file_name, sizeof(lc.info.lo_file_name), "%s", img);
		if (ioctl(fd, LOOP_CONFIGURE, &lc) == 0)
			return fd;
		close(fd);
		if (errno != EBUSY)
			return vps_error(err, errno, "attach `%s` to `%s`", img, dev);
	}
	return vps_error(err, EBUSY, "attach `%s` to a loop device", img);
}

/* The loop device behind mnt, from /proc/self/mountinfo ("7:0" and "/dev/loop0"). */
static int mounted_device(const char *mnt, char *majmin, size_t mlen, char *dev, size_t dlen)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char mm[32], point[PATH_MAX], *sep, src[PATH_MAX];

		if (sscanf(line, "%*d %*d %31s %*s %4095s", mm, point) != 2 || strcmp(point, mnt))
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%*s %4095s", src) != 1)
			continue;
		snprintf(majmin, mlen, "%s", mm);
		if (dev)
			snprintf(dev, dlen, "%s", src);
		return 0;
	}
	return -1;
}

int vps_disk_device(const struct vps_config *cfg, char *majmin, size_t len)
{
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16];

	vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
	return mounted_device(mnt, majmin, len, NULL, 0);
}

/* Grow the image file, the loop device and the mounted filesystem to size bytes. */
static int grow(const char *img, const char *mnt, uint64_t old, uint64_t size, struct vps_err *err)
{
	char majmin[32], dev[PATH_MAX];
	cleanup_close int loop = -1;
	cleanup_close int dir = -1;
	uint64_t blocks = size / DISK_BLOCK;

	if (mounted_device(mnt, majmin, sizeof(majmin), dev, sizeof(dev)) < 0)
		return vps_error(err, ENOENT, "find the device mounted at `%s`", mnt);
	loop = open(dev, O_RDWR | O_CLOEXEC);
	dir = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (loop < 0 || dir < 0)
		return vps_error(err, errno, "open `%s` and `%s`", dev, mnt);
	if (truncate(img, (off_t)size) < 0)
		return vps_error(err, errno, "grow `%s` to %llu bytes", img, (unsigned long long)size);
	if (ioctl(loop, LOOP_SET_CAPACITY, 0) < 0 || ioctl(dir, EXT4_IOC_RESIZE_FS, &blocks) < 0) {
		int e = errno;

		if (truncate(img, (off_t)old) == 0)
			ioctl(loop, LOOP_SET_CAPACITY, 0);
		return vps_error(err, e, "grow the filesystem at `%s` to %llu blocks", mnt, (unsigned long long)blocks);
	}
	return 0;
}

static uint64_t round_size(uint64_t hard)
{
	uint64_t size = hard - hard % DISK_BLOCK;

	return size < DISK_MIN ? DISK_MIN : size;
}

/* Private files a VPS kept on the host's filesystem before it had a disk limit move in. */
static int move_in(const struct vps_config *cfg, const char *mnt, struct vps_err *err)
{
	char old[PATH_MAX + 8], work[PATH_MAX + 8];
	char *argv[] = { "/bin/cp", "-a", old, (char *)mnt, NULL };

	snprintf(old, sizeof(old), "%s/upper", cfg->fsroot_priv);
	snprintf(work, sizeof(work), "%s/work", cfg->fsroot_priv);
	if (access(old, F_OK) < 0)
		return 0;
	if (run_quiet("move the private files onto the disk image", argv, err) < 0)
		return -1;
	if (rm_rf(old, err) < 0 || rm_rf(work, err) < 0)
		return -1;
	return 0;
}

int vps_disk_mount(const struct vps_config *cfg, struct vps_err *err)
{
	const struct vps_limit *l = &cfg->limits[RES_DISK];
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16], dev[64], hs[32], is[32];
	uint64_t size = round_size(l->hard);
	cleanup_close int loop = -1;
	int fresh = 0;
	struct stat st;

	vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
	if (!vps_disk_limited(cfg)) {
		if (!cfg->root_mount[0] && access(img, F_OK) == 0)
			return vps_error(err, 0, "VPS %u has a disk image `%s` but no disk limit: set LIMITS disk:soft:hard "
					 "(at least its size) or remove the image", cfg->id, img);
		return 0;
	}
	if (mkdir_p(mnt, 0755, err) < 0)
		return -1;
	if (is_mountpoint(mnt))
		return vps_error(err, EBUSY, "mount the disk of VPS %u at `%s`", cfg->id, mnt);
	if (stat(img, &st) < 0) {
		if (errno != ENOENT)
			return vps_error(err, errno, "stat `%s`", img);
		if (format_image(img, size, err) < 0)
			return -1;
		fresh = 1;
		st.st_size = (off_t)size;
	}
	if ((uint64_t)st.st_size > size) {
		vps_limit_value_format(RES_DISK, (uint64_t)st.st_size, is, sizeof(is));
		vps_limit_value_format(RES_DISK, l->hard, hs, sizeof(hs));
		return vps_error(err, 0, "disk: the image of VPS %u (`%s`) holds %s; it cannot shrink to %s",
				 cfg->id, img, is, hs);
	}
	/* Until the mount holds the device, loop is its only user: any return detaches it. */
	loop = loop_attach(img, dev, sizeof(dev), err);
	if (loop < 0 || set_reserve(dev, l->soft, size, err) < 0)
		return -1;
	if (mount(dev, mnt, "ext4", MS_NOSUID | MS_NODEV, NULL) < 0)
		return vps_error(err, errno, "mount `%s` (%s) at `%s`", img, dev, mnt);
	if ((uint64_t)st.st_size < size && grow(img, mnt, (uint64_t)st.st_size, size, err) < 0)
		goto fail;
	if (fresh && move_in(cfg, mnt, err) < 0)
		goto fail;
	return 0;
fail:
	umount2(mnt, MNT_DETACH);
	return -1;
}

int vps_disk_unmount(const struct vps_config *cfg, struct vps_err *err)
{
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16];

	vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
	if (!is_mountpoint(mnt))
		return 0;
	if (umount2(mnt, 0) < 0 && umount2(mnt, MNT_DETACH) < 0)
		return vps_error(err, errno, "unmount `%s`", mnt);
	return 0;
}

int vps_disk_resize(const struct vps_config *cfg, uint64_t soft, uint64_t hard, struct vps_err *err)
{
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16], majmin[32], dev[PATH_MAX], is[32], hs[32];
	uint64_t size = round_size(hard);
	struct stat st;

	vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
	if (mounted_device(mnt, majmin, sizeof(majmin), dev, sizeof(dev)) < 0 || stat(img, &st) < 0)
		return vps_error(err, 0, "disk: VPS %u runs on the host's filesystem; a disk limit needs a restart "
				 "(stop it, set the limit, start it)", cfg->id);
	if (hard == VPS_UNLIMITED)
		return vps_error(err, 0, "disk: VPS %u runs on its %lld-byte disk image; it cannot become unlimited while running",
				 cfg->id, (long long)st.st_size);
	if ((uint64_t)st.st_size > size) {
		vps_limit_value_format(RES_DISK, (uint64_t)st.st_size, is, sizeof(is));
		vps_limit_value_format(RES_DISK, hard, hs, sizeof(hs));
		return vps_error(err, 0, "disk: the filesystem of VPS %u holds %s; it cannot shrink to %s", cfg->id, is, hs);
	}
	if ((uint64_t)st.st_size < size && grow(img, mnt, (uint64_t)st.st_size, size, err) < 0)
		return -1;
	return set_reserve(dev, soft, size, err);
}
