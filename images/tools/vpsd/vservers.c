#include "vservers.h"
#include "../common/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	char *name;
	char *text;
	size_t len;
};

struct listing {
	struct entry *e;
	size_t n, cap;
};

static void listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].name);
		free(l->e[i].text);
	}
	free(l->e);
}

/* Whole file, up to VPSD_VSERVERS_FILE_MAX bytes. 1 read, 0 vanished meanwhile, -1 error. */
static int read_entry(int dirfd, const char *name, struct entry *out, struct vps_err *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;	/* a context that went away after the listing */
		return vps_error(err, errno, "open `%s/%s`", VPSD_VSERVERS_DIR, name);
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *b;

			if (cap >= VPSD_VSERVERS_FILE_MAX)
				break;
			cap = cap ? cap * 2 : 4096;
			b = realloc(buf, cap);
			if (!b)
				return vps_error(err, ENOMEM, "reading `%s/%s`", VPSD_VSERVERS_DIR, name);
			buf = b;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vps_error(err, errno, "reading `%s/%s`", VPSD_VSERVERS_DIR, name);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	out->name = strdup(name);
	if (!out->name)
		return vps_error(err, ENOMEM, "reading `%s/%s`", VPSD_VSERVERS_DIR, name);
	out->text = buf;
	out->len = len;
	buf = NULL;
	return 1;
}

static int is_regular(int dirfd, const struct dirent *d)
{
	struct stat st;

	if (d->d_type != DT_UNKNOWN)
		return d->d_type == DT_REG;
	return fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int read_all(struct listing *l, struct vps_err *err)
{
	DIR *dir = opendir(VPSD_VSERVERS_DIR);
	struct dirent *d;
	int ret = 0;

	if (!dir) {
		vps_error(err, errno, "open `%s`", VPSD_VSERVERS_DIR);
		if (errno == ENOENT)
			vps_error_wrap(err, "the vps module is not loaded");
		return -1;
	}
	while ((errno = 0, d = readdir(dir))) {
		int r;

		/* trafstat resets on read: a poller must not steal the counters from a human reader. */
		if (d->d_name[0] == '.' || !strcmp(d->d_name, "trafstat") || !is_regular(dirfd(dir), d))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct entry *e = realloc(l->e, cap * sizeof(*e));

			if (!e) {
				ret = vps_error(err, ENOMEM, "listing `%s`", VPSD_VSERVERS_DIR);
				break;
			}
			l->e = e;
			l->cap = cap;
		}
		r = read_entry(dirfd(dir), d->d_name, &l->e[l->n], err);
		if (r < 0) {
			ret = -1;
			break;
		}
		l->n += (size_t)r;
	}
	if (!ret && errno)
		ret = vps_error(err, errno, "listing `%s`", VPSD_VSERVERS_DIR);
	closedir(dir);
	if (!ret)
		qsort(l->e, l->n, sizeof(*l->e), by_name);
	return ret;
}

void vservers_request(const struct request *req)
{
	struct listing l = { 0 };
	struct json_writer w;
	struct vps_err err;

	if (read_all(&l, &err) < 0) {
		output_error(&req->id, err.msg);
		listing_free(&l);
		return;
	}
	output_begin(&w);
	jw_object_begin(&w);
	output_id(&w, &req->id);
	jw_key(&w, "ok");
	jw_bool(&w, 1);
	jw_key(&w, "files");
	jw_object_begin(&w);
	for (size_t i = 0; i < l.n; i++) {
		jw_key(&w, l.e[i].name);
		jw_string(&w, l.e[i].text, l.e[i].len);
	}
	jw_object_end(&w);
	jw_object_end(&w);
	output_end(&w);
	listing_free(&l);
}
