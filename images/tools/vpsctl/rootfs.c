#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "disk.h"
#include "runtime.h"
#include "util.h"

static char *cfg_env(const char *name, const char *value, char *buf, size_t len)
{
	snprintf(buf, len, "%s=%s", name, value);
	return buf;
}

int vps_rootfs_mount(const struct vps_config *cfg, struct vps_err *err)
{
	char upper[PATH_MAX + 16], work[PATH_MAX + 16], opts[3 * PATH_MAX + 64], base[PATH_MAX + 8];
	char e1[64], e2[PATH_MAX + 16], e3[PATH_MAX + 16], img[PATH_MAX + 16];
	char *env[] = { e1, e2, e3, NULL };
	struct vps_err ignored;

	if (mkdir_p(cfg->fsroot, 0755, err) < 0)
		return -1;
	if (is_mountpoint(cfg->fsroot))
		return vps_error(err, EBUSY, "mount the root of VPS %u at `%s`", cfg->id, cfg->fsroot);
	if (cfg->root_mount[0]) {
		snprintf(e1, sizeof(e1), "VPS_ID=%u", cfg->id);
		cfg_env("FSROOT", cfg->fsroot, e2, sizeof(e2));
		cfg_env("FSROOT_PRIV", cfg->fsroot_priv, e3, sizeof(e3));
		return run_shell("ROOT_MOUNT", cfg->root_mount, env, err);
	}
	/* With a disk limit the private files live on the VPS's own filesystem image. */
	if (vps_disk_mount(cfg, err) < 0)
		return -1;
	if (vps_disk_limited(cfg))
		vps_disk_paths(cfg, base, sizeof(base), img, sizeof(img));
	else
		snprintf(base, sizeof(base), "%s", cfg->fsroot_priv);
	snprintf(upper, sizeof(upper), "%s/upper", base);
	snprintf(work, sizeof(work), "%s/work", base);
	if (mkdir_p(upper, 0755, err) < 0 || mkdir_p(work, 0700, err) < 0)
		goto fail;
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", VPS_TEMPLATE, upper, work);
	if (mount("vps", cfg->fsroot, "overlay", 0, opts) < 0) {
		vps_error(err, errno, "mount overlay `%s` at `%s`", opts, cfg->fsroot);
		goto fail;
	}
	return 0;
fail:
	vps_disk_unmount(cfg, &ignored);
	return -1;
}

int vps_rootfs_unmount(const struct vps_config *cfg, struct vps_err *err)
{
	if (cfg->root_unmount[0]) {
		char e1[64], e2[PATH_MAX + 16];
		char *env[] = { e1, e2, NULL };
		snprintf(e1, sizeof(e1), "VPS_ID=%u", cfg->id);
		cfg_env("FSROOT", cfg->fsroot, e2, sizeof(e2));
		return run_shell("ROOT_UNMOUNT", cfg->root_unmount, env, err);
	}
	if (is_mountpoint(cfg->fsroot) && umount2(cfg->fsroot, 0) < 0 && umount2(cfg->fsroot, MNT_DETACH) < 0)
		return vps_error(err, errno, "unmount `%s`", cfg->fsroot);
	/* whatever the config says now: a disk the last run mounted goes too */
	return vps_disk_unmount(cfg, err);
}

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data, struct vps_err *err)
{
	if (mkdir_p(dst, 0755, err) < 0)
		return -1;
	if (mount(src, dst, type, flags, data) < 0)
		return vps_error(err, errno, "mount %s at `%s`", type ? type : src, dst);
	return 0;
}

/* Bind a path onto itself read-only, so VPS root cannot write kernel knobs through it. */
static int bind_readonly(const char *path, struct vps_err *err)
{
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return vps_error(err, errno, "bind `%s`", path);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return vps_error(err, errno, "make `%s` read-only", path);
	return 0;
}

static const struct {
	const char *name;
	unsigned int major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int populate_dev(struct vps_err *err)
{
	if (do_mount("vpsdev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		if (mknod(path, S_IFCHR | 0666, makedev(dev_nodes[i].major, dev_nodes[i].minor)) < 0)
			return vps_error(err, errno, "create device node `%s`", path);
	}
	if (do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", err) < 0 ||
	    do_mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err) < 0)
		return -1;
	if (symlink("pts/ptmx", "/dev/ptmx") < 0 || symlink("/proc/self/fd", "/dev/fd") < 0 ||
	    symlink("/proc/self/fd/0", "/dev/stdin") < 0 || symlink("/proc/self/fd/1", "/dev/stdout") < 0 ||
	    symlink("/proc/self/fd/2", "/dev/stderr") < 0)
		return vps_error(err, errno, "create links in /dev");
	return 0;
}

/* Is a a path equal to b, or above or below it? */
static int on_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	return !strncmp(a, b, n) && (la == lb || (la < lb ? b[n] == '/' || n == 1 : a[n] == '/'));
}

/* The new mount namespace started as a copy of the host's: every host mount, other VPS roots and
 * their disk images among them. Detach all but the path to our own root, so this namespace holds
 * nothing of the host (a copy would also keep another VPS's disk mounted after it stopped). */
static int detach_host_mounts(const struct vps_config *cfg, struct vps_err *err)
{
	char line[4096], points[256][PATH_MAX / 16];
	int n = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return vps_error(err, errno, "read the mounts of VPS %u", cfg->id);
	while (fgets(line, sizeof(line), f) && n < 256)
		if (sscanf(line, "%*d %*d %*s %*s %255s", points[n]) == 1 && !on_path(points[n], cfg->fsroot))
			n++;
	fclose(f);
	while (n-- > 0)	/* children before parents; a parent's detach may have taken them already */
		umount2(points[n], MNT_DETACH);
	return 0;
}

int vps_rootfs_enter(const struct vps_config *cfg, struct vps_err *err)
{
	/* Nothing we mount from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return vps_error(err, errno, "make the mounts of VPS %u private", cfg->id);
	if (detach_host_mounts(cfg, err) < 0)
		return -1;
	/* The host root is the initial rootfs, which pivot_root refuses. So, as switch_root does: move
	 * the VPS root over "/" of this private namespace and chroot into it. Everything of the host is
	 * then under that mount, unreachable: ".." at the namespace root follows the mount back into the
	 * VPS root, setns() lands on the topmost mount, and a VPS has no CAP_SYS_ADMIN to unmount it. */
	if (chdir(cfg->fsroot) < 0)
		return vps_error(err, errno, "enter `%s`", cfg->fsroot);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return vps_error(err, errno, "move `%s` over the root of VPS %u", cfg->fsroot, cfg->id);
	if (chroot(".") < 0)
		return vps_error(err, errno, "chroot into `%s`", cfg->fsroot);
	if (chdir("/") < 0)
		return vps_error(err, errno, "chdir to the new root");
	if (do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0 ||
	    bind_readonly("/proc/sys", err) < 0 || bind_readonly("/proc/sysrq-trigger", err) < 0 ||
	    do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL, err) < 0 ||
	    populate_dev(err) < 0)
		return vps_error_wrap(err, "set up the root of VPS %u", cfg->id);
	return 0;
}
