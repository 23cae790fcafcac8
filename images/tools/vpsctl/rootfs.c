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
#include "../common/cleanup.h"
#include "disk.h"
#include "idmap.h"
#include "runtime.h"
#include "util.h"

static char *cfg_env(const char *name, const char *value, char *buf, size_t len)
{
	snprintf(buf, len, "%s=%s", name, value);
	return buf;
}

/* The template, idmapped into the ids of VPS id and read-only, attached at path for the overlay to
 * take as its lower layer (the overlay keeps its own reference: the caller detaches path after). */
static int mount_template(unsigned int id, const char *path, struct vps_err *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	cleanup_close int userns = -1;
	cleanup_close int tree = -1;

	if (mkdir_p(path, 0700, err) < 0)
		return -1;
	userns = vps_idmap_userns_fd(id, err);
	if (userns < 0)
		return -1;
	tree = open_tree(AT_FDCWD, VPS_TEMPLATE, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return vps_error(err, errno, "clone the mount of the template `%s`", VPS_TEMPLATE);
	attr.userns_fd = (uint64_t)userns;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return vps_error(err, errno, "map the template into the ids of VPS %u", id);
	if (move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return vps_error(err, errno, "attach the template of VPS %u at `%s`", id, path);
	return 0;
}

int vps_rootfs_mount(const struct vps_config *cfg, struct vps_err *err)
{
	char upper[PATH_MAX + 16], work[PATH_MAX + 16], opts[3 * PATH_MAX + 64], base[PATH_MAX + 8];
	char e1[64], e2[PATH_MAX + 16], e3[PATH_MAX + 16], img[PATH_MAX + 16], lower[64];
	char *env[] = { e1, e2, e3, NULL };
	uint32_t owner = vps_id_base(cfg->id);
	struct vps_err ignored;
	int rc;

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
	/* The VPS's "/" is the upper dir: its root owns it. */
	if (chown(upper, owner, owner) < 0) {
		vps_error(err, errno, "give `%s` to the root of VPS %u", upper, cfg->id);
		goto fail;
	}
	snprintf(lower, sizeof(lower), VPS_RUN_DIR "/lower.%u", cfg->id);
	if (mount_template(cfg->id, lower, err) < 0) {
		rmdir(lower);
		goto fail;
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	rc = mount("vps", cfg->fsroot, "overlay", 0, opts);
	if (rc < 0)
		vps_error(err, errno, "mount overlay `%s` at `%s`", opts, cfg->fsroot);
	umount2(lower, MNT_DETACH);
	rmdir(lower);
	if (rc < 0)
		goto fail;
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

/* Host kernel state in /proc that a VPS has no business reading or writing (as Docker and LXC
 * mask it): directories get an empty read-only tmpfs, files /dev/null. */
static const char *const masked_dirs[] = { "/proc/bus", "/proc/irq", "/proc/acpi", "/proc/scsi", "/proc/fs" };
static const char *const masked_files[] = {
	"/proc/kcore", "/proc/keys", "/proc/kmsg", "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats",
	"/proc/kpagecount", "/proc/kpageflags", "/proc/kpagecgroup", "/proc/sysrq-trigger", "/proc/config.gz",
};

static int mask_proc(struct vps_err *err)
{
	for (size_t i = 0; i < sizeof(masked_dirs) / sizeof(masked_dirs[0]); i++)
		if (access(masked_dirs[i], F_OK) == 0 &&
		    mount("masked", masked_dirs[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555") < 0)
			return vps_error(err, errno, "mask `%s`", masked_dirs[i]);
	for (size_t i = 0; i < sizeof(masked_files) / sizeof(masked_files[0]); i++)
		if (access(masked_files[i], F_OK) == 0 && mount("/dev/null", masked_files[i], NULL, MS_BIND, NULL) < 0)
			return vps_error(err, errno, "mask `%s`", masked_files[i]);
	return 0;
}

static const struct {
	const char *name;
	unsigned int major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *target, *name;
} dev_links[] = {
	{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
};

/* The VPS's /dev, made by the host stage (a user namespace may not mknod); its root owns the
 * directory, the nodes and the links. */
static int populate_dev(unsigned int id, struct vps_err *err)
{
	uint32_t owner = vps_id_base(id);
	char opts[64], path[64];

	snprintf(opts, sizeof(opts), "mode=0755,size=64k,uid=%u,gid=%u", owner, owner);
	if (do_mount("vpsdev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, opts, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		if (mknod(path, S_IFCHR | 0666, makedev(dev_nodes[i].major, dev_nodes[i].minor)) < 0 ||
		    chown(path, owner, owner) < 0 || chmod(path, 0666) < 0)
			return vps_error(err, errno, "create device node `%s`", path);
	}
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_links[i].name);
		if (symlink(dev_links[i].target, path) < 0 || lchown(path, owner, owner) < 0)
			return vps_error(err, errno, "create link `%s`", path);
	}
	if (mkdir("/dev/pts", 0755) < 0 || chown("/dev/pts", owner, owner) < 0 ||
	    mkdir("/dev/shm", 01777) < 0 || chown("/dev/shm", owner, owner) < 0)
		return vps_error(err, errno, "create directories in /dev");
	return 0;
}

/* Is a a path equal to b, or above or below it? */
static int on_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	return !strncmp(a, b, n) && (la == lb || (la < lb ? b[n] == '/' || n == 1 : a[n] == '/'));
}

/* Is path dir itself or below it? */
static int at_or_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Kept, under the VPS root, in the VPS's mount namespace: a user namespace may mount its own
 * proc and sysfs only where a full one is already mounted (the kernel's mount_too_revealing). */
static int kept_for_vps(const char *point, const char *fsroot)
{
	return on_path(point, fsroot) || at_or_below(point, "/proc") || at_or_below(point, "/sys");
}

/* The new mount namespace started as a copy of the host's: every host mount, other VPS roots and
 * their disk images among them. Detach all but the path to our own root and the host's proc and
 * sysfs (which end up under the VPS root, out of reach), so a stopped VPS's disk is never kept
 * mounted here. Children come after their parents in mountinfo: detach from the last line up. */
static int detach_host_mounts(const struct vps_config *cfg, struct vps_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	char **points = NULL, point[PATH_MAX];
	size_t cap = 0, n = 0, linecap = 0;
	int rc = 0;

	if (!f)
		return vps_error(err, errno, "read the mounts of VPS %u", cfg->id);
	while (getline(&line, &linecap, f) > 0) {
		if (sscanf(line, "%*d %*d %*s %*s %4095s", point) != 1 || kept_for_vps(point, cfg->fsroot))
			continue;
		if (n == cap) {
			char **p = realloc(points, (cap = cap ? 2 * cap : 64) * sizeof(*p));
			if (!p) {
				rc = vps_error(err, ENOMEM, "list the mounts of VPS %u", cfg->id);
				goto out;
			}
			points = p;
		}
		if (!(points[n] = strdup(point))) {
			rc = vps_error(err, ENOMEM, "list the mounts of VPS %u", cfg->id);
			goto out;
		}
		n++;
	}
	for (size_t i = n; i-- > 0;)	/* a parent's detach may have taken its children already */
		umount2(points[i], MNT_DETACH);
out:
	for (size_t i = 0; i < n; i++)
		free(points[i]);
	free(points);
	return rc;
}

int vps_rootfs_enter_host(const struct vps_config *cfg, struct vps_err *err)
{
	/* Nothing we mount from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return vps_error(err, errno, "make the mounts of VPS %u private", cfg->id);
	if (detach_host_mounts(cfg, err) < 0)
		return -1;
	/* The host root is the initial rootfs, which pivot_root refuses. So, as switch_root does, the
	 * VPS root moves over "/" of this namespace and we chroot into it (the kernel then counts us
	 * as not chrooted, which creating a user namespace requires). The VPS's own namespace is a
	 * copy of this one owned by its user namespace, so the kernel locks every mount made here:
	 * root inside can neither unmount its root nor reach what lies under it. */
	if (chdir(cfg->fsroot) < 0)
		return vps_error(err, errno, "enter `%s`", cfg->fsroot);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return vps_error(err, errno, "move `%s` over the root of VPS %u", cfg->fsroot, cfg->id);
	if (chroot(".") < 0 || chdir("/") < 0)
		return vps_error(err, errno, "chroot into `%s`", cfg->fsroot);
	if (populate_dev(cfg->id, err) < 0)
		return vps_error_wrap(err, "set up the root of VPS %u", cfg->id);
	return 0;
}

/* No user namespaces inside a VPS unless its config says NESTED_USERNS = yes: one gives its
 * processes every capability over what they own there, the surface a VPS root is meant to be
 * without. The knob is per user namespace, and /proc/sys turns read-only right after. */
static int forbid_nested_userns(const struct vps_config *cfg, struct vps_err *err)
{
	return cfg->nested_userns ? 0 : write_file("/proc/sys/user/max_user_namespaces", "0", err);
}

int vps_rootfs_enter_vps(const struct vps_config *cfg, struct vps_err *err)
{
	if (do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0 ||
	    forbid_nested_userns(cfg, err) < 0 || mask_proc(err) < 0 || bind_readonly("/proc/sys", err) < 0 ||
	    do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL, err) < 0 ||
	    do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0 ||
	    do_mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err) < 0)
		return vps_error_wrap(err, "set up the root of VPS %u", cfg->id);
	return 0;
}
