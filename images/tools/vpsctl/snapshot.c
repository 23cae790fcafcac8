#include "snapshot.h"
#include "snap_xattr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "idmap.h"

/* ---- writing ---- */

struct writer {
	int fd;
	struct snap_sha256 sha;
	uint64_t records, entries, data_bytes, bytes;
	size_t n;
	unsigned char buf[64 * 1024];
	unsigned char meta[SNAP_MAX_META];
	unsigned char data[SNAP_MAX_DATA];
	char xattr_names[64 * 1024];
	unsigned char xattr_values[SNAP_MAX_META];
	struct snap_entry entry;
	/* per object, never needed across the recursion: the stack stays small however deep the tree */
	char path[PATH_MAX + SNAP_MAX_PATH + 2], target[SNAP_MAX_PATH + 1];
	struct link { dev_t dev; ino_t ino; char *path; } *links;
	size_t nlinks, caplinks;
	unsigned int source_id;
};

static int w_flush(struct writer *w, struct vps_err *err)
{
	if (write_full(w->fd, w->buf, w->n) < 0)
		return vps_error(err, errno, "write the snapshot");
	w->n = 0;
	return 0;
}

static int w_bytes(struct writer *w, const void *p, size_t len, struct vps_err *err)
{
	const unsigned char *c = p;

	if (!len)
		return 0;
	snap_sha256_update(&w->sha, p, len);
	w->bytes += len;
	while (len) {
		size_t take = sizeof(w->buf) - w->n < len ? sizeof(w->buf) - w->n : len;
		memcpy(w->buf + w->n, c, take);
		w->n += take;
		c += take;
		len -= take;
		if (w->n == sizeof(w->buf) && w_flush(w, err) < 0)
			return -1;
	}
	return 0;
}

static int w_record(struct writer *w, uint32_t type, const void *meta, size_t mlen, const void *data, size_t dlen,
		    struct vps_err *err)
{
	struct snap_rec_header r = { type, (uint32_t)mlen, dlen };
	unsigned char h[SNAP_REC_HEADER_LEN], c[4];
	uint32_t crc;

	snap_rec_header_encode(&r, h);
	crc = snap_crc32(0, h, sizeof(h));
	crc = snap_crc32(crc, meta, mlen);
	crc = snap_crc32(crc, data, dlen);
	snap_put32(c, crc);
	w->records++;
	if (w_bytes(w, h, sizeof(h), err) < 0 || w_bytes(w, meta, mlen, err) < 0 || w_bytes(w, data, dlen, err) < 0)
		return -1;
	return w_bytes(w, c, 4, err);
}

/* The extended attributes of path (not followed) into e, backed by w's buffers. */
static int read_xattrs(struct writer *w, const char *path, struct snap_entry *e, struct vps_err *err)
{
	ssize_t n = llistxattr(path, w->xattr_names, sizeof(w->xattr_names));
	size_t used = 0;

	e->nxattr = 0;
	if (n < 0)
		return errno == ENOTSUP ? 0 : vps_error(err, errno, "list extended attributes of `%s`", path);
	for (char *name = w->xattr_names; name < w->xattr_names + n; name += strlen(name) + 1) {
		ssize_t v;

		if (e->nxattr == SNAP_MAX_XATTRS)
			return vps_error(err, E2BIG, "read `%s`: more than %d extended attributes", path, SNAP_MAX_XATTRS);
		v = lgetxattr(path, name, w->xattr_values + used, sizeof(w->xattr_values) - used);
		if (v < 0)
			return vps_error(err, errno, "read extended attribute `%s` of `%s`", name, path);
		e->xattrs[e->nxattr++] = (struct snap_xattr){ name, strlen(name), w->xattr_values + used, (size_t)v };
		used += v;
	}
	return 0;
}

static int w_file_data(struct writer *w, const char *path, uint64_t size, struct vps_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	off_t pos = 0;

	if (fd < 0)
		return vps_error(err, errno, "open `%s`", path);
	while ((uint64_t)pos < size) {
		off_t data = lseek(fd, pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break;
		if (data < 0) {		/* no SEEK_DATA here: everything is data */
			data = pos;
			hole = (off_t)size;
		} else if ((hole = lseek(fd, data, SEEK_HOLE)) < 0)
			return vps_error(err, errno, "find the holes of `%s`", path);
		if ((uint64_t)hole > size)
			hole = (off_t)size;
		for (pos = data; pos < hole;) {
			size_t want = hole - pos > SNAP_MAX_DATA ? SNAP_MAX_DATA : (size_t)(hole - pos);
			unsigned char off[8];
			ssize_t k = pread(fd, w->data, want, pos);

			if (k < 0)
				return vps_error(err, errno, "read `%s`", path);
			if (k == 0)
				return vps_error(err, 0, "read `%s`: it shrank during the snapshot", path);
			snap_put64(off, (uint64_t)pos);
			if (w_record(w, SNAP_REC_DATA, off, 8, w->data, k, err) < 0)
				return -1;
			w->data_bytes += k;
			pos += k;
		}
	}
	return 0;
}

static int w_tree(struct writer *w, const char *root, const char *rel, struct vps_err *err);

static int w_entry(struct writer *w, const char *root, const char *rel, struct vps_err *err)
{
	char *path = w->path, *target = w->target;
	struct snap_entry *e = &w->entry;
	struct stat st;
	size_t mlen, tlen = 0;

	if (strlen(rel) > SNAP_MAX_PATH)
		return vps_error(err, ENAMETOOLONG, "snapshot `%s/%s`", root, rel);
	snprintf(path, sizeof(w->path), "%s/%s", root, rel);
	if (lstat(path, &st) < 0)
		return vps_error(err, errno, "stat `%s`", path);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < w->nlinks; i++)
			if (w->links[i].dev == st.st_dev && w->links[i].ino == st.st_ino) {
				mlen = snap_link_encode(rel, w->links[i].path, w->meta, sizeof(w->meta));
				w->entries++;
				return w_record(w, SNAP_REC_LINK, w->meta, mlen, NULL, 0, err);
			}
		if (w->nlinks == w->caplinks) {
			size_t cap = w->caplinks ? 2 * w->caplinks : 64;
			struct link *l = realloc(w->links, cap * sizeof(*l));
			if (!l)
				return vps_error(err, ENOMEM, "snapshot `%s`", path);
			w->links = l;
			w->caplinks = cap;
		}
		w->links[w->nlinks].path = strdup(rel);
		if (!w->links[w->nlinks].path)
			return vps_error(err, ENOMEM, "snapshot `%s`", path);
		w->links[w->nlinks].dev = st.st_dev;
		w->links[w->nlinks++].ino = st.st_ino;
	}
	memset(e, 0, offsetof(struct snap_entry, path));
	e->mode = st.st_mode;
	/* owners as seen inside the VPS: the stream restores under any id's range */
	e->uid = vps_id_inside(w->source_id, st.st_uid);
	e->gid = vps_id_inside(w->source_id, st.st_gid);
	e->rdev_major = major(st.st_rdev);
	e->rdev_minor = minor(st.st_rdev);
	e->size = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ? (uint64_t)st.st_size : 0;
	e->mtime_sec = st.st_mtim.tv_sec;
	e->mtime_nsec = st.st_mtim.tv_nsec;
	snprintf(e->path, sizeof(e->path), "%s", rel);
	if (read_xattrs(w, path, e, err) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		ssize_t k = readlink(path, target, sizeof(w->target));
		if (k < 0)
			return vps_error(err, errno, "read symlink `%s`", path);
		if (k == 0 || (size_t)k >= sizeof(w->target))
			return vps_error(err, ENAMETOOLONG, "read symlink `%s`", path);
		tlen = k;
		e->size = k;
	}
	mlen = snap_entry_size(e);
	if (!mlen)
		return vps_error(err, E2BIG, "snapshot `%s`: its extended attributes are too big", path);
	snap_entry_encode(e, w->meta);
	w->entries++;
	if (w_record(w, SNAP_REC_ENTRY, w->meta, mlen, target, tlen, err) < 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return w_file_data(w, path, (uint64_t)st.st_size, err);
	if (S_ISDIR(st.st_mode))
		return w_tree(w, root, rel, err);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every object under the directory rel, parents before children, names sorted. */
static int w_tree(struct writer *w, const char *root, const char *rel, struct vps_err *err)
{
	char *path = w->path, *child = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof(w->path), "%s/%s", root, rel);
	d = opendir(path);
	if (!d)
		return vps_error(err, errno, "open directory `%s`", path);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof(*nn));
			if (!nn) {
				rc = vps_error(err, ENOMEM, "read directory `%s`", path);
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = vps_error(err, ENOMEM, "read directory `%s`", path);
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n)
		qsort(names, n, sizeof(*names), cmp_names);
	if (rc == 0 && n && !(child = malloc(SNAP_MAX_PATH + 258)))
		rc = vps_error(err, ENOMEM, "read directory `%s`", path);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0) {
			if (strcmp(rel, "."))
				snprintf(child, SNAP_MAX_PATH + 258, "%s/%s", rel, names[i]);
			else
				snprintf(child, SNAP_MAX_PATH + 258, "%s", names[i]);
			rc = w_entry(w, root, child, err);
		}
		free(names[i]);
	}
	free(child);
	free(names);
	return rc;
}

int snap_write(int fd, const struct snap_header *h, const char *config, size_t config_len, const char *upper,
	       uint64_t *entries, uint64_t *bytes, struct vps_err *err)
{
	cleanup_free struct writer *w = calloc(1, sizeof(*w));
	unsigned char hdr[SNAP_HEADER_LEN], proc[4] = { 0 }, tr[SNAP_TRAILER_LEN];
	struct snap_trailer t;
	int rc = -1;

	if (!w)
		return vps_error(err, ENOMEM, "write the snapshot");
	if (config_len == 0 || config_len > SNAP_MAX_CONFIG)
		return vps_error(err, E2BIG, "write the snapshot: a config of %zu bytes", config_len);
	w->source_id = h->source_id;
	w->fd = fd;
	snap_sha256_init(&w->sha);
	snap_header_encode(h, hdr);
	if (w_bytes(w, hdr, sizeof(hdr), err) < 0 || w_record(w, SNAP_REC_CONFIG, NULL, 0, config, config_len, err) < 0 ||
	    w_entry(w, upper, ".", err) < 0 || w_record(w, SNAP_REC_PROC, proc, 4, NULL, 0, err) < 0)
		goto out;
	t.entries = w->entries;
	t.data_bytes = w->data_bytes;
	t.records = w->records;
	snap_sha256_final(&w->sha, t.sha256);
	snap_trailer_encode(&t, tr);
	if (w_record(w, SNAP_REC_TRAILER, tr, sizeof(tr), NULL, 0, err) < 0 || w_flush(w, err) < 0)
		goto out;
	*entries = w->entries;
	*bytes = w->bytes;
	rc = 0;
out:
	for (size_t i = 0; i < w->nlinks; i++)
		free(w->links[i].path);
	free(w->links);
	return rc;
}

/* ---- reading ---- */

struct dir_time { char *path; struct timespec mtime; };

struct reader {
	int fd;
	struct snap_sha256 sha;
	uint64_t off;
	struct snap_rec_header rec;
	unsigned char meta[SNAP_MAX_META];
	unsigned char data[SNAP_MAX_DATA];
	struct snap_entry entry;
	char path2[SNAP_MAX_PATH + 1], path3[SNAP_MAX_PATH + 1];
	/* restoring */
	int root;		/* fd of the target directory, -1 when only verifying */
	int file;		/* the regular file DATA records fill */
	uint64_t file_size;
	struct snap_entry file_meta;	/* its metadata, applied once its data is in (no xattrs) */
	struct dir_time *dirs;
	size_t ndirs, capdirs;
	unsigned int owner_id;	/* owners go into the ids of this VPS; 0: as stored */
};

static int r_exact(struct reader *r, void *buf, size_t len, struct vps_err *err)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t k = read(r->fd, p + got, len - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vps_error(err, errno, "read the snapshot at byte %llu", (unsigned long long)(r->off + got));
		if (k == 0)
			return vps_error(err, 0, "snapshot truncated at byte %llu", (unsigned long long)(r->off + got));
		got += k;
	}
	snap_sha256_update(&r->sha, buf, len);
	r->off += len;
	return 0;
}

static int r_record(struct reader *r, struct vps_err *err)
{
	unsigned char h[SNAP_REC_HEADER_LEN], c[4];
	uint64_t at = r->off;
	uint32_t crc;

	if (r_exact(r, h, sizeof(h), err) < 0)
		return -1;
	if (snap_rec_header_decode(h, &r->rec, err) < 0)
		return vps_error_wrap(err, "snapshot record at byte %llu", (unsigned long long)at);
	if (r_exact(r, r->meta, r->rec.meta_len, err) < 0 || r_exact(r, r->data, r->rec.data_len, err) < 0 ||
	    r_exact(r, c, 4, err) < 0)
		return -1;
	crc = snap_crc32(0, h, sizeof(h));
	crc = snap_crc32(crc, r->meta, r->rec.meta_len);
	crc = snap_crc32(crc, r->data, r->rec.data_len);
	if (crc != snap_get32(c))
		return vps_error(err, 0, "corrupt %s record at byte %llu (checksum mismatch)", snap_rec_name(r->rec.type),
				 (unsigned long long)at);
	return 0;
}

/* Open the parent directory of path under r->root, one component at a time, never following a
 * symlink; *leaf points into path at the last component. */
static int open_parent(struct reader *r, char *path, const char **leaf, struct vps_err *err)
{
	char *slash = strrchr(path, '/'), *comp = path;
	int fd = dup(r->root);

	if (fd < 0)
		return vps_error(err, errno, "restore `%s`", path);
	*leaf = slash ? slash + 1 : path;
	if (!slash)
		return fd;
	*slash = '\0';
	while (comp) {
		char *next = strchr(comp, '/');
		int nfd;

		if (next)
			*next = '\0';
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next)
			*next = '/';
		close(fd);
		if (nfd < 0) {
			vps_error(err, errno, "restore `%s/%s`: open its directory", path, *leaf);
			*slash = '/';
			return -1;
		}
		fd = nfd;
		comp = next ? next + 1 : NULL;
	}
	*slash = '/';
	return fd;
}

static int set_xattrs(int fd, int dirfd, const char *leaf, const struct snap_entry *e, struct vps_err *err)
{
	char name[256], proc[PATH_MAX];

	if (fd < 0)
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dirfd, leaf);
	for (unsigned int i = 0; i < e->nxattr; i++) {
		const struct snap_xattr *x = &e->xattrs[i];
		int rc;

		if (!snap_xattr_restorable(x, e->mode))	/* overlayfs would trust it: never from a stream */
			continue;
		memcpy(name, x->name, x->name_len);
		name[x->name_len] = '\0';
		rc = fd >= 0 ? fsetxattr(fd, name, x->value, x->value_len, 0)
			     : lsetxattr(proc, name, x->value, x->value_len, 0);
		if (rc < 0)
			return vps_error(err, errno, "restore `%s`: set extended attribute `%s`", e->path, name);
	}
	return 0;
}

/* Owner, then mode (chown clears set-id bits), then the time. */
static int finish_file(struct reader *r, struct vps_err *err)
{
	const struct snap_entry *e = &r->file_meta;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { e->mtime_sec, e->mtime_nsec } };
	int rc = 0;

	if (r->file < 0)
		return 0;
	if (fchown(r->file, e->uid, e->gid) < 0 || fchmod(r->file, e->mode & 07777) < 0 || futimens(r->file, ts) < 0)
		rc = vps_error(err, errno, "restore `%s`: set owner, mode and time", e->path);
	if (close(r->file) < 0 && rc == 0)
		rc = vps_error(err, errno, "restore `%s`: close", e->path);
	r->file = -1;
	return rc;
}

/* The stream holds owners as seen inside a VPS: the host ids of VPS owner_id's range. */
static int owners_into(unsigned int owner_id, struct snap_entry *e, struct vps_err *err)
{
	int64_t uid = vps_id_host(owner_id, e->uid), gid = vps_id_host(owner_id, e->gid);

	if (uid < 0 || gid < 0)
		return vps_error(err, 0, "`%s` is owned by %u:%u, outside the ids of a VPS (0-%u)", e->path, e->uid, e->gid,
				 VPS_IDS_PER_VPS - 1);
	e->uid = (uint32_t)uid;
	e->gid = (uint32_t)gid;
	return 0;
}

static int restore_entry(struct reader *r, struct vps_err *err)
{
	struct snap_entry *e = &r->entry;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { e->mtime_sec, e->mtime_nsec } };
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	const char *leaf;
	char target[SNAP_MAX_PATH + 1];

	if (r->owner_id && owners_into(r->owner_id, e, err) < 0)
		return -1;
	if (!strcmp(e->path, ".")) {
		fd = dup(r->root);
		if (fd < 0)
			return vps_error(err, errno, "restore the root directory");
	} else {
		snprintf(r->path2, sizeof(r->path2), "%s", e->path);
		if ((dfd = open_parent(r, r->path2, &leaf, err)) < 0)
			return -1;
	}
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		if (fd < 0) {
			if (mkdirat(dfd, leaf, 0700) < 0)
				return vps_error(err, errno, "restore directory `%s`", e->path);
			fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				return vps_error(err, errno, "open restored directory `%s`", e->path);
		}
		if (set_xattrs(fd, -1, NULL, e, err) < 0)
			return -1;
		if (fchown(fd, e->uid, e->gid) < 0 || fchmod(fd, e->mode & 07777) < 0)
			return vps_error(err, errno, "restore `%s`: set owner and mode", e->path);
		/* times of directories last: every child created changes them */
		if (r->ndirs == r->capdirs) {
			size_t cap = r->capdirs ? 2 * r->capdirs : 64;
			struct dir_time *d = realloc(r->dirs, cap * sizeof(*d));
			if (!d)
				return vps_error(err, ENOMEM, "restore `%s`", e->path);
			r->dirs = d;
			r->capdirs = cap;
		}
		if (!(r->dirs[r->ndirs].path = strdup(e->path)))
			return vps_error(err, ENOMEM, "restore `%s`", e->path);
		r->dirs[r->ndirs++].mtime = ts[1];
		return 0;
	case S_IFREG:
		if (fd >= 0)
			return vps_error(err, 0, "the snapshot root is not a directory");
		fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return vps_error(err, errno, "create `%s`", e->path);
		if (ftruncate(fd, (off_t)e->size) < 0)
			return vps_error(err, errno, "restore `%s`: size it to %llu bytes", e->path,
					 (unsigned long long)e->size);
		if (set_xattrs(fd, -1, NULL, e, err) < 0)
			return -1;
		r->file = fd;
		fd = -1;
		r->file_size = e->size;
		memcpy(&r->file_meta, e, offsetof(struct snap_entry, nxattr));
		return 0;
	case S_IFLNK:
		if (dfd < 0)
			return vps_error(err, 0, "the snapshot root is not a directory");
		if (r->rec.data_len != e->size || e->size == 0 || memchr(r->data, '\0', e->size))
			return vps_error(err, 0, "symlink `%s` with a malformed target", e->path);
		memcpy(target, r->data, e->size);
		target[e->size] = '\0';
		if (symlinkat(target, dfd, leaf) < 0)
			return vps_error(err, errno, "restore symlink `%s`", e->path);
		break;
	default:
		if (dfd < 0)
			return vps_error(err, 0, "the snapshot root is not a directory");
		if (mknodat(dfd, leaf, (e->mode & S_IFMT) | 0600, makedev(e->rdev_major, e->rdev_minor)) < 0)
			return vps_error(err, errno, "restore `%s` (mknod)", e->path);
		if (fchmodat(dfd, leaf, e->mode & 07777, 0) < 0)
			return vps_error(err, errno, "restore `%s`: set mode", e->path);
	}
	if (fchownat(dfd, leaf, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return vps_error(err, errno, "restore `%s`: set owner", e->path);
	if (S_ISCHR(e->mode) || S_ISBLK(e->mode) || S_ISFIFO(e->mode) || S_ISSOCK(e->mode))
		if (fchmodat(dfd, leaf, e->mode & 07777, 0) < 0)
			return vps_error(err, errno, "restore `%s`: set mode", e->path);
	if (set_xattrs(-1, dfd, leaf, e, err) < 0)
		return -1;
	if (utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return vps_error(err, errno, "restore `%s`: set time", e->path);
	return 0;
}

static int restore_link(struct reader *r, struct vps_err *err)
{
	cleanup_close int dfd = -1;
	cleanup_close int tfd = -1;
	const char *leaf, *tleaf;

	if ((dfd = open_parent(r, r->path2, &leaf, err)) < 0 || (tfd = open_parent(r, r->path3, &tleaf, err)) < 0)
		return -1;
	if (linkat(tfd, tleaf, dfd, leaf, 0) < 0)
		return vps_error(err, errno, "restore hard link `%s` to `%s`", r->path2, r->path3);
	return 0;
}

static int restore_data(struct reader *r, uint64_t off, struct vps_err *err)
{
	size_t len = r->rec.data_len, done = 0;

	while (done < len) {
		ssize_t k = pwrite(r->file, r->data + done, len - done, (off_t)(off + done));
		if (k < 0)
			return vps_error(err, errno, "restore `%s`: write", r->file_meta.path);
		done += k;
	}
	return 0;
}

/* Directory times, children before parents (they were recorded parents first). */
static int restore_dir_times(struct reader *r, struct vps_err *err)
{
	for (size_t i = r->ndirs; i-- > 0;) {
		struct timespec ts[2] = { { 0, UTIME_OMIT }, r->dirs[i].mtime };
		cleanup_close int dfd = -1;
		const char *leaf = ".";

		if (strcmp(r->dirs[i].path, ".")) {
			snprintf(r->path2, sizeof(r->path2), "%s", r->dirs[i].path);
			if ((dfd = open_parent(r, r->path2, &leaf, err)) < 0)
				return -1;
		} else if ((dfd = dup(r->root)) < 0)
			return vps_error(err, errno, "restore the root directory");
		if (utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return vps_error(err, errno, "restore `%s`: set time", r->dirs[i].path);
	}
	return 0;
}

enum { S_CONFIG, S_FILES, S_PROC, S_DONE };

static int read_stream(struct reader *r, unsigned int flags, snap_target_fn target, void *ctx,
		       struct snap_info *info, struct vps_err *err)
{
	unsigned char hdr[SNAP_HEADER_LEN], extra;
	int state = S_CONFIG, seen_root = 0;
	uint64_t file_data_end = 0;

	if (r_exact(r, hdr, sizeof(hdr), err) < 0 || snap_header_decode(hdr, &info->header, err) < 0)
		return -1;
	while (state != S_DONE) {
		struct snap_sha256 before = r->sha;
		uint64_t at = r->off;
		uint32_t type;

		if (r_record(r, err) < 0)
			return -1;
		type = r->rec.type;
		if (state == S_CONFIG && type != SNAP_REC_CONFIG)
			return vps_error(err, 0, "snapshot record at byte %llu: a %s record where the config belongs",
					 (unsigned long long)at, snap_rec_name(type));
		if (type != SNAP_REC_DATA && finish_file(r, err) < 0)
			return -1;
		if (type != SNAP_REC_TRAILER)
			info->records++;
		switch (type) {
		case SNAP_REC_CONFIG:
			if (state != S_CONFIG || memchr(r->data, '\0', r->rec.data_len))
				return vps_error(err, 0, "snapshot record at byte %llu: a misplaced or malformed config",
						 (unsigned long long)at);
			if (!(info->config = strndup((char *)r->data, r->rec.data_len)))
				return vps_error(err, ENOMEM, "read the snapshot's config");
			state = S_FILES;
			if (target) {
				int fd = target(ctx, info, err);
				if (fd == -1)
					return -1;
				r->root = fd >= 0 ? fd : -1;
			}
			break;
		case SNAP_REC_ENTRY:
		case SNAP_REC_LINK:
			if (state != S_FILES)
				return vps_error(err, 0, "snapshot record at byte %llu: a %s record after the process section",
						 (unsigned long long)at, snap_rec_name(type));
			info->entries++;
			if (type == SNAP_REC_LINK) {
				if (!seen_root || snap_link_decode(r->meta, r->rec.meta_len, r->path2, r->path3, err) < 0)
					return vps_error(err, 0, "snapshot record at byte %llu: a malformed hard link",
							 (unsigned long long)at);
				if (r->root >= 0 && restore_link(r, err) < 0)
					return -1;
				break;
			}
			if (snap_entry_decode(r->meta, r->rec.meta_len, &r->entry, err) < 0)
				return vps_error_wrap(err, "snapshot record at byte %llu", (unsigned long long)at);
			if (!seen_root != !strcmp(r->entry.path, ".") || (!seen_root && !S_ISDIR(r->entry.mode)))
				return vps_error(err, 0, "snapshot record at byte %llu: the root directory must come first, once",
						 (unsigned long long)at);
			seen_root = 1;
			if (r->rec.data_len != (S_ISLNK(r->entry.mode) ? r->entry.size : 0) ||
			    (S_ISLNK(r->entry.mode) && memchr(r->data, '\0', r->rec.data_len)))
				return vps_error(err, 0, "snapshot record at byte %llu: file entry `%s` with a malformed target",
						 (unsigned long long)at, r->entry.path);
			if (r->root >= 0 && restore_entry(r, err) < 0)
				return -1;
			file_data_end = S_ISREG(r->entry.mode) ? 0 : UINT64_MAX;
			break;
		case SNAP_REC_DATA: {
			uint64_t off = snap_get64(r->meta);

			if (state != S_FILES || !seen_root || !S_ISREG(r->entry.mode) || file_data_end == UINT64_MAX ||
			    off < file_data_end || off > r->entry.size || r->rec.data_len > r->entry.size - off)
				return vps_error(err, 0, "snapshot record at byte %llu: file data outside its file",
						 (unsigned long long)at);
			file_data_end = off + r->rec.data_len;
			info->data_bytes += r->rec.data_len;
			if (r->root >= 0 && restore_data(r, off, err) < 0)
				return -1;
			break;
		}
		case SNAP_REC_PROC:
			if (state != S_FILES || !seen_root || snap_get32(r->meta) != 0)
				return vps_error(err, 0, "snapshot record at byte %llu: a process section this vpsctl cannot read",
						 (unsigned long long)at);
			state = S_PROC;
			break;
		case SNAP_REC_TRAILER: {
			struct snap_trailer t;

			if (state != S_PROC || snap_trailer_decode(r->meta, r->rec.meta_len, &t, err) < 0)
				return vps_error(err, 0, "snapshot record at byte %llu: a misplaced or malformed trailer",
						 (unsigned long long)at);
			snap_sha256_final(&before, info->sha256);
			if (memcmp(t.sha256, info->sha256, 32))
				return vps_error(err, 0, "snapshot SHA-256 mismatch (the file is corrupt)");
			if (t.entries != info->entries || t.data_bytes != info->data_bytes || t.records != info->records)
				return vps_error(err, 0, "snapshot trailer counts do not match its records");
			state = S_DONE;
			break;
		}
		default:	/* skippable: checked, ignored */
			info->skipped++;
		}
	}
	for (; !(flags & SNAP_READ_TO_TRAILER);) {
		ssize_t k = read(r->fd, &extra, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vps_error(err, errno, "read the snapshot at byte %llu", (unsigned long long)r->off);
		if (k > 0)
			return vps_error(err, 0, "snapshot has data after its trailer (byte %llu)", (unsigned long long)r->off);
		break;
	}
	info->stream_bytes = r->off;
	if (r->root >= 0)
		return restore_dir_times(r, err);
	return 0;
}

int snap_read_flags(int fd, unsigned int flags, unsigned int owner_id, snap_target_fn target, void *ctx,
		    struct snap_info *info, struct vps_err *err)
{
	struct reader *r = calloc(1, sizeof(*r));
	int rc;

	memset(info, 0, sizeof(*info));
	if (!r)
		return vps_error(err, ENOMEM, "read the snapshot");
	r->fd = fd;
	r->owner_id = owner_id;
	r->root = -1;
	r->file = -1;
	snap_sha256_init(&r->sha);
	rc = read_stream(r, flags, target, ctx, info, err);
	if (r->file >= 0)
		close(r->file);
	if (r->root >= 0)
		close(r->root);
	for (size_t i = 0; i < r->ndirs; i++)
		free(r->dirs[i].path);
	free(r->dirs);
	free(r);
	return rc;
}

int snap_read(int fd, snap_target_fn target, void *ctx, struct snap_info *info, struct vps_err *err)
{
	return snap_read_flags(fd, 0, 0, target, ctx, info, err);
}
