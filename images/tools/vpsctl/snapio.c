/* Snapshot streams to and from a file descriptor (or a file): the cores of `vpsctl snapshot`/
 * `restore`, which `vpsctl migrate`/`receive` run over a TCP connection. */
#include "snapio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "disk.h"
#include "freeze.h"
#include "restore_policy.h"
#include "util.h"

/* Where the overlay's upper dir of a stopped or running VPS is; *mounted_disk set when this
 * command mounted the disk image and must unmount it. */
static int find_upper(const struct vps_config *cfg, enum vps_state state, char *upper, size_t len,
		      int *mounted_disk, struct vps_err *err)
{
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16];

	*mounted_disk = 0;
	if (cfg->root_mount[0])
		return vps_error(err, 0, "VPS %u mounts its root with ROOT_MOUNT: only the default overlay can be saved",
				 cfg->id);
	vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
	if (vps_disk_limited(cfg) && access(img, F_OK) == 0) {
		if (!is_mountpoint(mnt)) {
			if (state != VPS_STOPPED)
				return vps_error(err, 0, "VPS %u runs without its disk image `%s` mounted", cfg->id, img);
			if (vps_disk_mount(cfg, err) < 0)
				return -1;
			*mounted_disk = 1;
		}
		snprintf(upper, len, "%s/upper", mnt);
	} else
		snprintf(upper, len, "%s/upper", cfg->fsroot_priv);
	/* a VPS that never ran has no private files yet: an empty upper dir, as its start would make */
	return mkdir_p(upper, 0755, err);
}

int vps_snapshot_to_fd(unsigned int id, int fd, enum vps_state state, uint64_t *entries, uint64_t *bytes,
		       struct vps_err *err)
{
	struct vps_err ignored;
	struct vps_config cfg;
	struct snap_header h = { SNAP_VERSION, 0, 0, 0 };
	char path[PATH_MAX], upper[PATH_MAX + 32];
	cleanup_free char *text = malloc(SNAP_MAX_CONFIG + 1);
	int mounted_disk = 0, rc;
	ssize_t n;

	if (!text)
		return vps_error(err, ENOMEM, "snapshot VPS %u", id);
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	vps_config_path(id, path, sizeof(path));
	n = read_file(path, text, SNAP_MAX_CONFIG + 1, err);
	if (n < 0)
		return -1;
	if (n == 0 || n > SNAP_MAX_CONFIG)
		return vps_error(err, 0, "its config `%s` is empty or over %d bytes", path, SNAP_MAX_CONFIG);
	if (find_upper(&cfg, state, upper, sizeof(upper), &mounted_disk, err) < 0)
		return -1;
	if (state != VPS_STOPPED)
		h.flags |= SNAP_F_LIVE;
	h.source_id = id;
	h.created = (uint64_t)time(NULL);
	rc = snap_write(fd, &h, text, (size_t)n, upper, entries, bytes, err);
	if (mounted_disk)
		vps_disk_unmount(&cfg, &ignored);
	return rc;
}

int vps_snapshot_to_file(unsigned int id, const char *file, enum vps_state *state, uint64_t *entries,
			 uint64_t *bytes, struct vps_err *err)
{
	struct vps_err ignored;
	struct vps_config cfg;
	struct vps_runtime rt;
	int fd = 1, froze = 0, rc;
	sigset_t old;

	*entries = *bytes = 0;
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	if (!strcmp(file, "-") && isatty(1))
		return vps_error(err, 0, "snapshot VPS %u: standard output is a terminal (redirect it, or give a file)", id);
	vps_runtime_read(id, &rt);
	*state = rt.state;
	if (strcmp(file, "-")) {
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return vps_error(err, errno, "snapshot VPS %u: create `%s`", id, file);
	}
	/* A reader that goes away (nc) must not kill us while the VPS is frozen, nor may ^C. */
	hold_signals(&old);
	if (rt.state == VPS_RUNNING) {
		if (vps_freeze(id, 1, err) < 0)
			goto failed;
		froze = 1;
	}
	if (vps_snapshot_to_fd(id, fd, rt.state, entries, bytes, err) < 0)
		goto failed;
	if (fd != 1 && (fsync(fd) < 0 || close(fd) < 0)) {
		fd = -1;
		vps_error(err, errno, "write `%s`", file);
		goto failed;
	}
	fd = -1;
	if (froze && vps_freeze(id, 0, err) < 0) {
		froze = 0;
		goto failed;
	}
	rc = 0;
	goto out;
failed:
	rc = vps_error_wrap(err, "snapshot VPS %u to `%s`", id, file);
	if (froze)
		vps_freeze(id, 0, &ignored);
	if (fd > 1)
		close(fd);
	if (strcmp(file, "-"))
		unlink(file);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

struct restore_ctx {
	unsigned int id;
	struct vps_config cfg;
	char tmp[PATH_MAX];	/* the directory being filled, "" until made */
	/* with a disk limit: the same config with FSROOT_PRIV = tmp, while its new disk image is mounted */
	struct vps_config disk_cfg;
	int disk_mounted;
};

/* Unmount a disk image the restore made (it stays in tmp), then remove tmp. */
static void restore_cleanup(struct restore_ctx *c)
{
	struct vps_err ignored;

	if (c->disk_mounted)
		vps_disk_unmount(&c->disk_cfg, &ignored);
	c->disk_mounted = 0;
	if (c->tmp[0])
		rm_rf(c->tmp, &ignored);
	c->tmp[0] = '\0';
}

/* The snapshot's config for VPS id: parsed as a file (the one validator), then held to what a
 * stream may set on this host (restore_policy.h): no host commands, no extra capabilities, this
 * host's paths, no address another VPS here or a lab host has. */
static int restore_config(struct restore_ctx *c, const struct snap_info *info, struct vps_err *err)
{
	unsigned int src = info->header.source_id;
	size_t len = strlen(info->config);
	cleanup_close int fd = memfd_create("vps-snapshot-config", MFD_CLOEXEC);
	char path[64];

	if (src < VPS_ID_MIN || src > VPS_ID_MAX)
		return vps_error(err, 0, "the snapshot names an impossible source VPS id %u", src);
	if (fd < 0 || write_full(fd, info->config, len) < 0)
		return vps_error(err, errno, "read the snapshot's config");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	vps_config_init(&c->cfg, src);
	if (vps_config_parse(path, &c->cfg, err) < 0)
		return vps_error_wrap(err, "the snapshot's config");
	if (restore_policy_apply(&c->cfg, c->id, err) < 0 || restore_policy_addresses(&c->cfg, VPS_CONF_DIR, err) < 0)
		return -1;
	return 0;
}

static int restore_target(void *ctx, const struct snap_info *info, struct vps_err *err)
{
	struct restore_ctx *c = ctx;
	char parent[PATH_MAX], sub[PATH_MAX + 16];
	const char *priv = c->cfg.fsroot_priv, *slash;
	struct stat st;
	int fd;

	if (restore_config(c, info, err) < 0)
		return -1;
	priv = c->cfg.fsroot_priv;
	slash = strrchr(priv, '/');
	if (!slash || slash == priv || !slash[1])
		return vps_error(err, 0, "FSROOT_PRIV `%s` must be two levels deep", priv);
	if (lstat(priv, &st) == 0 || errno != ENOENT)
		return vps_error(err, 0, "VPS %u already has private files at `%s` (remove them first)", c->id, priv);
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - priv), priv);
	if (mkdir_p(parent, 0755, err) < 0)
		return -1;
	if (snprintf(c->tmp, sizeof(c->tmp), "%s/.%s.restore.XXXXXX", parent, slash + 1) >= (int)sizeof(c->tmp) ||
	    !mkdtemp(c->tmp)) {
		vps_error(err, errno ? errno : ENAMETOOLONG, "create a directory next to `%s`", priv);
		c->tmp[0] = '\0';
		return -1;
	}
	/* With a disk limit the files go straight onto a new disk image, as its start would put them
	 * (copying them in later would lose what cp does not copy, like overlay xattrs). */
	if (vps_disk_limited(&c->cfg)) {
		char mnt[PATH_MAX + 8], img[PATH_MAX + 16];

		c->disk_cfg = c->cfg;
		snprintf(c->disk_cfg.fsroot_priv, sizeof(c->disk_cfg.fsroot_priv), "%s", c->tmp);
		if (vps_disk_mount(&c->disk_cfg, err) < 0)
			return -1;
		c->disk_mounted = 1;
		vps_disk_paths(&c->disk_cfg, mnt, sizeof(mnt), img, sizeof(img));
		snprintf(parent, sizeof(parent), "%s", mnt);
	} else
		snprintf(parent, sizeof(parent), "%s", c->tmp);
	snprintf(sub, sizeof(sub), "%s/work", parent);
	if (mkdir(sub, 0700) < 0)
		return vps_error(err, errno, "create `%s`", sub);
	snprintf(sub, sizeof(sub), "%s/upper", parent);
	if (mkdir(sub, 0755) < 0)
		return vps_error(err, errno, "create `%s`", sub);
	fd = open(sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open `%s`", sub);
	return fd;
}

int vps_restore_from_fd(unsigned int id, int fd, unsigned int flags, const struct restore_check *check,
			struct snap_info *info, struct vps_config *cfg, struct vps_err *err)
{
	struct vps_err ignored;
	cleanup_free struct restore_ctx *c = calloc(1, sizeof(*c));
	struct vps_runtime rt;
	char path[PATH_MAX];

	memset(info, 0, sizeof(*info));
	if (!c)
		return vps_error(err, ENOMEM, "restore VPS %u", id);
	c->id = id;
	vps_config_path(id, path, sizeof(path));
	vps_runtime_read(id, &rt);
	if (rt.state != VPS_STOPPED)
		return vps_error(err, 0, "VPS %u is %s (stop and destroy it first)", id, vps_state_name(rt.state));
	if (access(path, F_OK) == 0)
		return vps_error(err, 0, "VPS %u already has a config `%s` (destroy it first)", id, path);
	if (snap_read_flags(fd, flags, id, restore_target, c, info, err) < 0)
		goto failed;
	if (check && check->fn(check->ctx, err) < 0)
		goto failed;
	if (c->disk_mounted && vps_disk_unmount(&c->disk_cfg, err) < 0)
		goto failed;
	c->disk_mounted = 0;
	if (chmod(c->tmp, 0755) < 0 || rename(c->tmp, c->cfg.fsroot_priv) < 0) {
		vps_error(err, errno, "rename `%s` to `%s`", c->tmp, c->cfg.fsroot_priv);
		goto failed;
	}
	c->tmp[0] = '\0';
	if (vps_config_write(path, &c->cfg, err) < 0) {
		rm_rf(c->cfg.fsroot_priv, &ignored);
		goto failed;
	}
	*cfg = c->cfg;
	return 0;
failed:
	restore_cleanup(c);
	free(info->config);
	info->config = NULL;
	return -1;
}
