/* A task's open files: /proc/PID/fd and fdinfo name them; kcmp tells which fds of the tree
 * share one open file description; pidfd_getfd lends the dumper a copy to look at (a pipe's
 * queued bytes through tee, a socket's kind). */
#include "dump_files.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "ckpt_image.h"
#include "proc_parse.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* A copy of fd of task t in this process, or -1. */
static int borrow_fd(struct dtask *t, uint32_t fd)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, t->hpid, 0);

	if (pidfd < 0)
		return -1;
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

static const char *socket_kind(struct dtask *t, uint32_t fd, char *buf, size_t size)
{
	cleanup_close int s = borrow_fd(t, fd);
	int dom = -1, type = -1, proto = -1;
	socklen_t l = sizeof(int);

	if (s < 0 || getsockopt(s, SOL_SOCKET, SO_DOMAIN, &dom, &l) ||
	    getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &(socklen_t){ sizeof(int) }) ||
	    getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &(socklen_t){ sizeof(int) }))
		return "unknown kind";
	if (dom == AF_UNIX)
		snprintf(buf, size, "UNIX %s", type == SOCK_STREAM ? "stream" : type == SOCK_DGRAM ? "datagram" :
			 type == SOCK_SEQPACKET ? "seqpacket" : "socket");
	else if ((dom == AF_INET || dom == AF_INET6) && type == SOCK_STREAM)
		snprintf(buf, size, "TCP%s", dom == AF_INET6 ? "v6" : "");
	else if ((dom == AF_INET || dom == AF_INET6) && type == SOCK_DGRAM)
		snprintf(buf, size, "UDP%s", dom == AF_INET6 ? "v6" : "");
	else
		snprintf(buf, size, "domain %d, type %d, protocol %d", dom, type, proto);
	return buf;
}

static struct dfile *new_file(struct dumper *d)
{
	if (d->nf >= CKPT_MAX_FILES) {
		vps_error(d->err, 0, "more than %d open files in the tree", CKPT_MAX_FILES);
		return NULL;
	}
	if (d->nf == d->capf) {
		uint32_t cap = d->capf ? 2 * d->capf : 32;
		struct dfile *nf = realloc(d->f, cap * sizeof(*nf));

		if (!nf) {
			vps_error(d->err, ENOMEM, "dumping");
			return NULL;
		}
		d->f = nf;
		d->capf = cap;
	}
	memset(&d->f[d->nf], 0, sizeof(d->f[0]));
	d->f[d->nf].m.id = d->nf + 1;
	return &d->f[d->nf++];
}

/* One fd: its open file description's id (an existing one if kcmp says it is shared). */
/* The kind of the lock an fdinfo "lock:" line shows ("1: POSIX  ADVISORY  WRITE 12 00:0f:34 0 EOF"):
 * its words before the pid, one space between them ("POSIX ADVISORY WRITE"). */
static const char *lock_kind(const char *p, char *out, size_t size)
{
	size_t n = 0;

	p += strspn(p, "\t ");
	p += strspn(p, "0123456789:-> \t");
	while (*p && *p != '\n' && !(*p >= '0' && *p <= '9') && n + 2 < size) {
		size_t w = strcspn(p, " \t\n");

		if (!w) {
			p++;
			continue;
		}
		if (n + w + 2 > size)
			break;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, p, w);
		n += w;
		p += w;
	}
	out[n] = 0;
	return n ? out : "of unknown kind";
}

static int one_fd(struct dumper *d, struct dtask *t, uint32_t fd, uint32_t *id, uint32_t *cloexec)
{
	char path[64], target[CKPT_MAX_PATH + 1], info[1024], name[32], kind[64], *lock;
	struct stat st;
	uint64_t pos = 0;
	uint32_t flags = 0, fkind;
	struct dfile *f;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%u", t->hpid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0 || stat(path, &st))
		return dump_refuse(d, t, "fd %u: %s", fd, strerror(errno));
	target[n] = 0;
	snprintf(name, sizeof(name), "fdinfo/%u", fd);
	if (dump_read_proc(t->hpid, name, info, sizeof(info)) < 0 || ckpt_parse_fdinfo(info, &pos, &flags))
		return dump_refuse(d, t, "fd %u: unreadable fdinfo", fd);
	lock = strstr(info, "\nlock:");
	if (lock)
		return dump_refuse(d, t, "fd %u: a file lock (%s) on %s is not supported", fd,
				   lock_kind(lock + 6, kind, sizeof(kind)), target);
	*cloexec = !!(flags & O_CLOEXEC);
	flags &= ~(uint32_t)O_CLOEXEC;
	if (S_ISSOCK(st.st_mode))
		return dump_refuse(d, t, "%s (%s) is not supported", target, socket_kind(t, fd, kind, sizeof(kind)));
	if (S_ISFIFO(st.st_mode) && !strncmp(target, "pipe:[", 6)) {
		fkind = CKPT_FILE_PIPE;
	} else if (target[0] != '/') {
		return dump_refuse(d, t, "fd %u: %s is not supported", fd, target);
	} else if (n > 10 && !strcmp(target + n - 10, " (deleted)")) {
		return dump_refuse(d, t, "fd %u: deleted file %s is not supported", fd, target);
	} else if (S_ISREG(st.st_mode)) {
		fkind = CKPT_FILE_REG;
	} else if (S_ISDIR(st.st_mode)) {
		fkind = CKPT_FILE_DIR;
	} else if (S_ISCHR(st.st_mode) && ckpt_chr_allowed(major(st.st_rdev) << 20 | minor(st.st_rdev), target)) {
		fkind = CKPT_FILE_CHR;
	} else {
		return dump_refuse(d, t, "fd %u: %s (%s) is not supported", fd, target,
				   S_ISCHR(st.st_mode) ? "character device" : S_ISFIFO(st.st_mode) ? "named pipe" :
				   S_ISBLK(st.st_mode) ? "block device" : "file of this kind");
	}
	for (uint32_t i = 0; i < d->nf; i++) {
		struct dfile *o = &d->f[i];
		long same;

		if (o->dev != st.st_dev || o->ino != st.st_ino)
			continue;
		same = syscall(SYS_kcmp, d->t[o->task].hpid, t->hpid, 0 /* KCMP_FILE */, o->fd, fd);
		if (same < 0)
			return dump_refuse(d, t, "fd %u: comparing open files: %s", fd, strerror(errno));
		if (same == 0) {
			*id = o->m.id;
			return 0;
		}
	}
	f = new_file(d);
	if (!f)
		return -1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->task = (int)(t - d->t);
	f->fd = fd;
	f->m.kind = fkind;
	f->m.flags = flags;
	*id = f->m.id;
	if (fkind == CKPT_FILE_PIPE) {
		cleanup_close int c = borrow_fd(t, fd);
		int size = c < 0 ? -1 : fcntl(c, F_GETPIPE_SZ);

		if (size < (int)CKPT_PAGE || size > (int)CKPT_MAX_PIPE_DATA)
			return dump_refuse(d, t, "fd %u: %s: reading its size: %s", fd, target, strerror(errno));
		f->m.pipe_size = (uint32_t)size;
		f->m.pipe_end = (flags & O_ACCMODE) == O_RDONLY ? 0 : 1;
		for (uint32_t i = 0; i + 1 < d->nf; i++)
			if (d->f[i].m.kind == CKPT_FILE_PIPE && d->f[i].ino == st.st_ino && d->f[i].dev == st.st_dev)
				f->m.pipe_id = d->f[i].m.pipe_id;
		if (!f->m.pipe_id)
			f->m.pipe_id = ++d->npipes;
		return 0;
	}
	f->m.pos = pos;
	if (fkind == CKPT_FILE_CHR)
		f->m.rdev = major(st.st_rdev) << 20 | minor(st.st_rdev);
	snprintf(f->path, sizeof(f->path), "%s", target);
	f->m.path_len = (uint32_t)n;
	return 0;
}

int dump_task_fds(struct dumper *d, struct dtask *t)
{
	char path[64];
	DIR *dir;
	struct dirent *e;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", t->hpid);
	dir = opendir(path);
	if (!dir)
		return dump_refuse(d, t, "listing its fds: %s", strerror(errno));
	while (!rc && (e = readdir(dir))) {
		char *end;
		unsigned long fd;
		struct dfd *nf;

		if (e->d_name[0] == '.')
			continue;
		fd = strtoul(e->d_name, &end, 10);
		if (*end || fd >= CKPT_MAX_FDNUM) {
			rc = dump_refuse(d, t, "fd %s is beyond %d", e->d_name, CKPT_MAX_FDNUM);
			break;
		}
		if (t->nfds >= CKPT_MAX_FDS) {
			rc = dump_refuse(d, t, "more than %d open fds", CKPT_MAX_FDS);
			break;
		}
		nf = realloc(t->fds, (t->nfds + 1) * sizeof(*nf));
		if (!nf) {
			rc = vps_error(d->err, ENOMEM, "dumping");
			break;
		}
		t->fds = nf;
		nf[t->nfds].fd = (uint32_t)fd;
		rc = one_fd(d, t, (uint32_t)fd, &nf[t->nfds].file_id, &nf[t->nfds].cloexec);
		t->nfds++;
	}
	closedir(dir);
	return rc;
}

/* The bytes queued in the pipe whose read end is f, without taking them: tee into a pipe of
 * ours of the same size. */
static int pipe_bytes(struct dumper *d, struct dfile *f, uint8_t *buf, uint32_t *len)
{
	struct dtask *t = &d->t[f->task];
	cleanup_close int src = borrow_fd(t, f->fd);
	int p[2];
	ssize_t n;

	*len = 0;
	if (src < 0)
		return dump_refuse(d, t, "fd %u: borrowing its pipe: %s", f->fd, strerror(errno));
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return vps_error(d->err, errno, "dumping: pipe");
	if (fcntl(p[1], F_SETPIPE_SZ, (int)f->m.pipe_size) < 0) {
		close(p[0]);
		close(p[1]);
		return vps_error(d->err, errno, "dumping: sizing a pipe to %u", f->m.pipe_size);
	}
	n = tee(src, p[1], f->m.pipe_size, SPLICE_F_NONBLOCK);
	if (n > 0)
		n = read(p[0], buf, (size_t)n);
	close(p[0]);
	close(p[1]);
	if (n < 0 && errno != EAGAIN)
		return dump_refuse(d, t, "fd %u: reading its pipe: %s", f->fd, strerror(errno));
	*len = n > 0 ? (uint32_t)n : 0;
	return 0;
}

/* Is the other end of the pipe whose one end f is closed everywhere? A read end sees POLLHUP once
 * every writer is gone, a write end POLLERR once every reader is. */
static int other_end_closed(struct dumper *d, struct dfile *f)
{
	cleanup_close int c = borrow_fd(&d->t[f->task], f->fd);
	struct pollfd p = { .fd = c, .events = f->m.pipe_end ? POLLOUT : POLLIN };

	if (c < 0 || poll(&p, 1, 0) < 0)
		return 0;
	return !!(p.revents & (f->m.pipe_end ? POLLERR : POLLHUP));
}

int dump_write_files(struct dumper *d)
{
	cleanup_free uint8_t *buf = NULL;

	for (uint32_t i = 0; i < d->nf; i++) {
		struct dfile *f = &d->f[i];
		int ends = 0;

		if (f->m.kind != CKPT_FILE_PIPE)
			continue;
		for (uint32_t j = 0; j < d->nf; j++)
			if (d->f[j].m.kind == CKPT_FILE_PIPE && d->f[j].m.pipe_id == f->m.pipe_id)
				ends |= 1 << d->f[j].m.pipe_end;
		if (ends != 3 && !other_end_closed(d, f))
			return dump_refuse(d, &d->t[f->task], "pipe:[%llu]: its other end is open outside the dumped processes",
					   (unsigned long long)f->ino);
	}
	for (uint32_t i = 0; i < d->nf; i++) {
		struct dfile *f = &d->f[i];

		if (d->w->put(d->w->ctx, CKPT_REC_FILE, &f->m, sizeof(f->m), f->path, f->m.path_len, d->err))
			return -1;
		d->end.files++;
	}
	buf = malloc(CKPT_MAX_PIPE_DATA);
	if (!buf)
		return vps_error(d->err, ENOMEM, "dumping");
	for (uint32_t i = 0; i < d->nf; i++) {
		struct dfile *f = &d->f[i];
		struct ckpt_pipe_data_meta m = { f->m.pipe_id };
		uint32_t len, first = 1;

		if (f->m.kind != CKPT_FILE_PIPE || f->m.pipe_end != 0)
			continue;
		for (uint32_t j = 0; j < i; j++)
			if (d->f[j].m.kind == CKPT_FILE_PIPE && d->f[j].m.pipe_id == f->m.pipe_id && d->f[j].m.pipe_end == 0)
				first = 0;
		if (!first)
			continue;
		if (pipe_bytes(d, f, buf, &len))
			return -1;
		if (len && d->w->put(d->w->ctx, CKPT_REC_PIPE_DATA, &m, sizeof(m), buf, len, d->err))
			return -1;
	}
	return 0;
}
