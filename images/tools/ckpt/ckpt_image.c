/* Loading a process image from records: every length, count, address and reference is checked
 * before it is used; the result is what the restorer may trust. Pure (no system calls). */
#include "ckpt_image.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE CKPT_PAGE

int ckpt_chr_allowed(uint32_t rdev, const char *path)
{
	static const struct { uint32_t rdev; const char *path; } ok[] = {
		{ 1 << 20 | 3, "/dev/null" }, { 1 << 20 | 5, "/dev/zero" }, { 1 << 20 | 7, "/dev/full" },
		{ 1 << 20 | 8, "/dev/random" }, { 1 << 20 | 9, "/dev/urandom" },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i].rdev == rdev && (!path || !strcmp(ok[i].path, path)))
			return 1;
	return 0;
}

struct loader {
	struct ckpt_image *img;
	struct ckpt_task *task;		/* the last task */
	struct ckpt_vma *vma;		/* its last VMA */
	uint64_t nrec;
	int ended;
	uint32_t nvmas, nfds;
};

static int bad(struct vps_err *err, const struct loader *l, const char *what, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(struct vps_err *err, const struct loader *l, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vps_error(err, 0, "corrupt process image (record %llu): %s",
			 (unsigned long long)l->nrec, msg);
}

/* A path of len bytes: absolute, no NUL; a copy, or NULL with err set. */
static char *take_path(const void *p, uint32_t len, struct vps_err *err, const struct loader *l,
		       const char *what)
{
	char *s;

	if (len < 1 || len > CKPT_MAX_PATH || ((const char *)p)[0] != '/' || memchr(p, 0, len)) {
		bad(err, l, "%s path is not an absolute path of 1..%d bytes", what, CKPT_MAX_PATH);
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		vps_error(err, ENOMEM, "loading process image");
		return NULL;
	}
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

/* Room for element n of *arr (n already held), doubling from 8; -1 when out of memory. */
static int grow(void *arr, uint32_t n, size_t size)
{
	void **p = arr, *q;

	if (*p && (n < 8 || (n & (n - 1))))
		return 0;
	q = realloc(*p, (n < 8 ? 8 : 2 * (size_t)n) * size);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

static struct ckpt_file *file_by_id(struct ckpt_image *img, uint32_t id, uint32_t *index)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].m.id == id) {
			if (index)
				*index = i;
			return &img->files[i];
		}
	return NULL;
}

static int task_done(struct loader *l, struct vps_err *err)
{
	struct ckpt_task *t = l->task;

	if (!t)
		return 0;
	if (t->nvmas != t->m.nvmas || t->nfds != t->m.nfds || t->nsig != t->m.nsiginfo)
		return bad(err, l, "task %u has %u VMAs, %u fds, %u signals; its record says %u, %u, %u",
			   t->m.pid, t->nvmas, t->nfds, t->nsig, t->m.nvmas, t->m.nfds, t->m.nsiginfo);
	if (!t->have_act)
		return bad(err, l, "task %u has no sigaction record", t->m.pid);
	return 0;
}

static int load_file(struct loader *l, const void *meta, const void *data, uint32_t dlen,
		     struct vps_err *err)
{
	struct ckpt_image *img = l->img;
	struct ckpt_file_meta m;
	struct ckpt_file *f, *twin;

	memcpy(&m, meta, sizeof(m));
	if (l->task)
		return bad(err, l, "file record after the first task");
	if (img->nfiles >= CKPT_MAX_FILES)
		return bad(err, l, "more than %d files", CKPT_MAX_FILES);
	if (!m.id || file_by_id(img, m.id, NULL))
		return bad(err, l, "file id %u is 0 or used twice", m.id);
	if (m.path_len != dlen)
		return bad(err, l, "file %u: path length %u, data %u", m.id, m.path_len, dlen);
	if (m.kind == CKPT_FILE_PIPE) {
		if (dlen || !m.pipe_id || m.pipe_end > 1 || m.pipe_size < PAGE ||
		    m.pipe_size > CKPT_MAX_PIPE_DATA || (m.pipe_size & (m.pipe_size - 1)))
			return bad(err, l, "file %u: bad pipe fields", m.id);
		for (uint32_t i = 0; i < img->nfiles; i++) {
			twin = &img->files[i];
			if (twin->m.kind == CKPT_FILE_PIPE && twin->m.pipe_id == m.pipe_id &&
			    twin->m.pipe_size != m.pipe_size)
				return bad(err, l, "pipe %u has two sizes", m.pipe_id);
		}
	} else if (m.kind < CKPT_FILE_REG || m.kind > CKPT_FILE_CHR) {
		return bad(err, l, "file %u: unknown kind %u", m.id, m.kind);
	}
	if (grow(&img->files, img->nfiles, sizeof(*img->files)))
		return vps_error(err, ENOMEM, "loading process image");
	f = &img->files[img->nfiles];
	memset(f, 0, sizeof(*f));
	f->m = m;
	if (m.kind != CKPT_FILE_PIPE) {
		f->path = take_path(data, dlen, err, l, "file");
		if (!f->path)
			return -1;
		if (m.kind == CKPT_FILE_CHR && !ckpt_chr_allowed(m.rdev, f->path)) {
			free(f->path);
			return bad(err, l, "file %u: character device %u:%u is not one an image may name",
				   m.id, m.rdev >> 20, m.rdev & 0xfffff);
		}
		if (m.pos > INT64_MAX)
			return free(f->path), bad(err, l, "file %u: position out of range", m.id);
	}
	img->nfiles++;
	img->sum.files++;
	return 0;
}

static int load_pipe_data(struct loader *l, const void *meta, const void *data, uint32_t dlen,
			  struct vps_err *err)
{
	struct ckpt_pipe_data_meta m;
	struct ckpt_file *f = NULL;

	memcpy(&m, meta, sizeof(m));
	if (l->task)
		return bad(err, l, "pipe data after the first task");
	for (uint32_t i = 0; i < l->img->nfiles; i++)
		if (l->img->files[i].m.kind == CKPT_FILE_PIPE && l->img->files[i].m.pipe_id == m.pipe_id) {
			if (l->img->files[i].pipe_data)
				return bad(err, l, "pipe %u has two data records", m.pipe_id);
			if (!f)
				f = &l->img->files[i];
		}
	if (!f)
		return bad(err, l, "pipe data for unknown pipe %u", m.pipe_id);
	if (!dlen || dlen > f->m.pipe_size)
		return bad(err, l, "pipe %u: %u bytes queued in a pipe of %u", m.pipe_id, dlen, f->m.pipe_size);
	f->pipe_data = malloc(dlen);
	if (!f->pipe_data)
		return vps_error(err, ENOMEM, "loading process image");
	memcpy(f->pipe_data, data, dlen);
	f->pipe_len = dlen;
	l->img->sum.pipe_bytes += dlen;
	return 0;
}

static struct ckpt_task *task_by_pid(struct ckpt_image *img, uint32_t pid, int *index)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		if (img->tasks[i].m.pid == pid) {
			if (index)
				*index = (int)i;
			return &img->tasks[i];
		}
	return NULL;
}

/* Is pid the task at index i or one of its ancestors? */
static int is_ancestor_or_self(struct ckpt_image *img, int i, uint32_t pid)
{
	for (; i >= 0; i = img->tasks[i].parent)
		if (img->tasks[i].m.pid == pid)
			return 1;
	return 0;
}

static int load_task(struct loader *l, const void *meta, const void *data, uint32_t dlen,
		     struct vps_err *err)
{
	struct ckpt_image *img = l->img;
	struct ckpt_task_meta m;
	struct ckpt_task *t, *parent = NULL;
	const char *p = data;
	int pi = -1;

	memcpy(&m, meta, sizeof(m));
	if (task_done(l, err))
		return -1;
	l->task = NULL;
	l->vma = NULL;
	if (img->ntasks >= CKPT_MAX_TASKS)
		return bad(err, l, "more than %d tasks", CKPT_MAX_TASKS);
	if (!m.pid || m.pid >= (1u << 22) || task_by_pid(img, m.pid, NULL))
		return bad(err, l, "task pid %u is 0, too large or used twice", m.pid);
	if (!img->ntasks) {
		if (m.pid != 1 || m.ppid != 0 || m.sid != 1 || m.pgid != 1)
			return bad(err, l, "the first task must be pid 1, the session and group leader");
	} else {
		parent = task_by_pid(img, m.ppid, &pi);
		if (!parent)
			return bad(err, l, "task %u: parent %u comes later or not at all", m.pid, m.ppid);
		if (m.sid != m.pid && m.sid != parent->m.sid)
			return bad(err, l, "task %u: session %u is neither its own nor its parent's", m.pid, m.sid);
		if (m.pgid != m.pid && !is_ancestor_or_self(img, pi, m.pgid))
			return bad(err, l, "task %u: group leader %u is not an ancestor", m.pid, m.pgid);
		if (m.pgid != m.pid && task_by_pid(img, m.pgid, NULL)->m.sid != m.sid)
			return bad(err, l, "task %u: group %u is in another session", m.pid, m.pgid);
	}
	if (m.exit_signal > 64 || !memchr(m.comm, 0, sizeof(m.comm)) || m.ngroups > CKPT_MAX_GROUPS ||
	    (m.auxv_words & 1) || m.auxv_words > CKPT_AUXV_WORDS || m.nvmas > CKPT_MAX_VMAS ||
	    m.nfds > CKPT_MAX_FDS || m.nsiginfo > CKPT_MAX_SIGINFO || m.no_new_privs > 1 ||
	    m.umask > 0777)
		return bad(err, l, "task %u: a field is out of range", m.pid);
	for (int i = 0; i < CKPT_NRLIMIT; i++)
		if (m.rlim[i][0] > m.rlim[i][1])
			return bad(err, l, "task %u: rlimit %d soft above hard", m.pid, i);
	for (int i = 0; i < CKPT_NITIMER; i++)
		if (m.itimer[i].interval_sec > INT32_MAX || m.itimer[i].value_sec > INT32_MAX ||
		    m.itimer[i].interval_usec >= 1000000 || m.itimer[i].value_usec >= 1000000)
			return bad(err, l, "task %u: itimer %d out of range", m.pid, i);
	for (int i = 0; i < 3; i++)
		if (m.tls[i].entry != 6u + i)
			return bad(err, l, "task %u: TLS entry %u", m.pid, m.tls[i].entry);
	if ((uint32_t)m.exe_len + m.cwd_len + m.root_len != dlen)
		return bad(err, l, "task %u: path lengths do not add up to the data", m.pid);
	if (grow(&img->tasks, img->ntasks, sizeof(*img->tasks)))
		return vps_error(err, ENOMEM, "loading process image");
	t = &img->tasks[img->ntasks];
	memset(t, 0, sizeof(*t));
	t->m = m;
	t->parent = pi;
	img->ntasks++;		/* counted now: free() finds what was taken */
	t->exe = take_path(p, m.exe_len, err, l, "executable");
	if (!t->exe)
		return -1;
	t->cwd = take_path(p + m.exe_len, m.cwd_len, err, l, "working directory");
	if (!t->cwd)
		return -1;
	t->root = take_path(p + m.exe_len + m.cwd_len, m.root_len, err, l, "root directory");
	if (!t->root)
		return -1;
	if (strcmp(t->root, "/"))
		return bad(err, l, "task %u: a root directory other than / (%s)", m.pid, t->root);
	t->vmas = calloc(m.nvmas ? m.nvmas : 1, sizeof(*t->vmas));
	t->fds = calloc(m.nfds ? m.nfds : 1, sizeof(*t->fds));
	t->sig = calloc(m.nsiginfo ? m.nsiginfo : 1, sizeof(*t->sig));
	if (!t->vmas || !t->fds || !t->sig)
		return vps_error(err, ENOMEM, "loading process image");
	l->task = t;
	img->sum.tasks++;
	return 0;
}

static int load_vma(struct loader *l, const void *meta, const void *data, uint32_t dlen,
		    struct vps_err *err)
{
	struct ckpt_task *t = l->task;
	struct ckpt_vma_meta m;
	struct ckpt_vma *v;

	memcpy(&m, meta, sizeof(m));
	if (!t)
		return bad(err, l, "VMA before any task");
	if (t->nvmas >= t->m.nvmas)
		return bad(err, l, "task %u: more VMAs than its record says", t->m.pid);
	if ((m.start | m.end) % PAGE || m.start >= m.end || m.start < CKPT_MIN_ADDR ||
	    m.end > CKPT_TASK_SIZE || (t->nvmas && m.start < t->vmas[t->nvmas - 1].m.end))
		return bad(err, l, "task %u: VMA %#x-%#x out of order or out of range", t->m.pid, m.start, m.end);
	if (m.kind < CKPT_VMA_ANON || m.kind > CKPT_VMA_VVAR || (m.prot & ~7u) ||
	    (m.flags & ~(CKPT_VMA_GROWSDOWN | CKPT_VMA_HEAP)) || m.path_len != dlen ||
	    (m.kind != CKPT_VMA_FILE && dlen) || (m.kind == CKPT_VMA_FILE && m.pgoff % PAGE) ||
	    (m.kind != CKPT_VMA_ANON && m.flags))
		return bad(err, l, "task %u: VMA %#x-%#x: bad kind, flags or path", t->m.pid, m.start, m.end);
	for (uint32_t i = 0; i < t->nvmas; i++)
		if ((m.kind == CKPT_VMA_VDSO || m.kind == CKPT_VMA_VVAR) && t->vmas[i].m.kind == m.kind)
			return bad(err, l, "task %u: two vdso or vvar VMAs", t->m.pid);
	v = &t->vmas[t->nvmas];
	v->m = m;
	if (m.kind == CKPT_VMA_FILE) {
		v->path = take_path(data, dlen, err, l, "mapped file");
		if (!v->path)
			return -1;
	}
	t->nvmas++;
	l->vma = v;
	l->img->sum.vmas++;
	return 0;
}

static int load_pages(struct loader *l, const void *meta, const void *data, uint32_t dlen,
		      struct vps_err *err)
{
	struct ckpt_vma *v = l->vma;
	struct ckpt_pages_meta m;
	struct ckpt_pages *pg;

	memcpy(&m, meta, sizeof(m));
	if (!v || (v->m.kind != CKPT_VMA_ANON && v->m.kind != CKPT_VMA_FILE))
		return bad(err, l, "pages without an anonymous or file VMA before them");
	if (!dlen || dlen % PAGE || dlen > CKPT_MAX_PAGES_DATA || m.addr % PAGE || m.addr < v->m.start ||
	    dlen > v->m.end - m.addr || (v->npages && m.addr < v->pages[v->npages - 1].addr + v->pages[v->npages - 1].len))
		return bad(err, l, "pages %#x+%u outside VMA %#x-%#x or out of order", m.addr, dlen,
			   v->m.start, v->m.end);
	if (grow(&v->pages, v->npages, sizeof(*v->pages)))
		return vps_error(err, ENOMEM, "loading process image");
	pg = &v->pages[v->npages];
	pg->data = malloc(dlen);
	if (!pg->data)
		return vps_error(err, ENOMEM, "loading process image");
	memcpy(pg->data, data, dlen);
	pg->addr = m.addr;
	pg->len = dlen;
	v->npages++;
	l->img->sum.page_bytes += dlen;
	return 0;
}

static int load_sigact(struct loader *l, const void *meta, struct vps_err *err)
{
	if (!l->task || l->task->have_act)
		return bad(err, l, "sigaction record without a task or twice");
	memcpy(&l->task->act, meta, sizeof(l->task->act));
	l->task->have_act = 1;
	return 0;
}

static int load_siginfo(struct loader *l, const void *meta, struct vps_err *err)
{
	struct ckpt_siginfo_meta m;
	int32_t signo;

	memcpy(&m, meta, sizeof(m));
	memcpy(&signo, m.info, sizeof(signo));
	if (!l->task || l->task->nsig >= l->task->m.nsiginfo)
		return bad(err, l, "pending signal without a task or more than its record says");
	if (m.shared > 1 || signo < 1 || signo > 64)
		return bad(err, l, "task %u: pending signal %d", l->task->m.pid, signo);
	l->task->sig[l->task->nsig++] = m;
	return 0;
}

static int load_fd(struct loader *l, const void *meta, struct vps_err *err)
{
	struct ckpt_task *t = l->task;
	struct ckpt_fd_meta m;
	uint32_t fi;

	memcpy(&m, meta, sizeof(m));
	if (!t || t->nfds >= t->m.nfds)
		return bad(err, l, "fd without a task or more than its record says");
	if (m.fd >= CKPT_MAX_FDNUM || m.cloexec > 1 || !file_by_id(l->img, m.file_id, &fi))
		return bad(err, l, "task %u: fd %u: bad number or unknown file %u", t->m.pid, m.fd, m.file_id);
	for (uint32_t i = 0; i < t->nfds; i++)
		if (t->fds[i].m.fd == m.fd)
			return bad(err, l, "task %u: fd %u twice", t->m.pid, m.fd);
	t->fds[t->nfds].m = m;
	t->fds[t->nfds].file = fi;
	t->nfds++;
	l->img->sum.fds++;
	return 0;
}

static int load_end(struct loader *l, const void *meta, struct vps_err *err)
{
	struct ckpt_end_meta m;
	const struct ckpt_summary *s = &l->img->sum;

	memcpy(&m, meta, sizeof(m));
	if (task_done(l, err))
		return -1;
	if (!l->img->ntasks)
		return bad(err, l, "no task");
	if (m.tasks != s->tasks || m.files != s->files || m.vmas != s->vmas || m.fds != s->fds ||
	    m.page_bytes != s->page_bytes)
		return bad(err, l, "the end record's counts do not match the records");
	l->ended = 1;
	return 0;
}

static const struct {
	uint32_t type, meta_len, max_data;
} kinds[] = {
	{ CKPT_REC_FILE, sizeof(struct ckpt_file_meta), CKPT_MAX_PATH },
	{ CKPT_REC_PIPE_DATA, sizeof(struct ckpt_pipe_data_meta), CKPT_MAX_PIPE_DATA },
	{ CKPT_REC_TASK, sizeof(struct ckpt_task_meta), 3 * CKPT_MAX_PATH },
	{ CKPT_REC_VMA, sizeof(struct ckpt_vma_meta), CKPT_MAX_PATH },
	{ CKPT_REC_PAGES, sizeof(struct ckpt_pages_meta), CKPT_MAX_PAGES_DATA },
	{ CKPT_REC_SIGACT, sizeof(struct ckpt_sigact_meta), 0 },
	{ CKPT_REC_SIGINFO, sizeof(struct ckpt_siginfo_meta), 0 },
	{ CKPT_REC_FD, sizeof(struct ckpt_fd_meta), 0 },
	{ CKPT_REC_END, sizeof(struct ckpt_end_meta), 0 },
};

/* One record: its size checked against its type, then loaded. Exposed for the format's tests
 * through ckpt_image_load. */
static int load_one(struct loader *l, uint32_t type, const void *meta, uint32_t mlen,
		    const void *data, uint32_t dlen, struct vps_err *err)
{
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && kinds[k].type != type; k++)
		;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return bad(err, l, "unknown record type %#x", type);
	if (l->ended)
		return bad(err, l, "record after the end record");
	if (mlen != kinds[k].meta_len || dlen > kinds[k].max_data)
		return bad(err, l, "record %#x with meta %u bytes (want %u), data %u bytes (at most %u)",
			   type, mlen, kinds[k].meta_len, dlen, kinds[k].max_data);
	switch (type) {
	case CKPT_REC_FILE: return load_file(l, meta, data, dlen, err);
	case CKPT_REC_PIPE_DATA: return load_pipe_data(l, meta, data, dlen, err);
	case CKPT_REC_TASK: return load_task(l, meta, data, dlen, err);
	case CKPT_REC_VMA: return load_vma(l, meta, data, dlen, err);
	case CKPT_REC_PAGES: return load_pages(l, meta, data, dlen, err);
	case CKPT_REC_SIGACT: return load_sigact(l, meta, err);
	case CKPT_REC_SIGINFO: return load_siginfo(l, meta, err);
	case CKPT_REC_FD: return load_fd(l, meta, err);
	default: return load_end(l, meta, err);
	}
}

int ckpt_image_load(const struct ckpt_reader *r, struct ckpt_image **out, struct vps_err *err)
{
	struct loader l = { 0 };
	const void *meta, *data;
	uint32_t type, mlen, dlen;
	int rc;

	l.img = calloc(1, sizeof(*l.img));
	if (!l.img)
		return vps_error(err, ENOMEM, "loading process image");
	while ((rc = r->get(r->ctx, &type, &meta, &mlen, &data, &dlen, err)) == 1) {
		l.nrec++;
		if (load_one(&l, type, meta, mlen, data, dlen, err) < 0) {
			ckpt_image_free(l.img);
			return -1;
		}
	}
	if (rc == 0 && !l.ended)
		rc = vps_error(err, 0, "corrupt process image: it ends after %llu records without its end record",
			       (unsigned long long)l.nrec);
	if (rc < 0) {
		ckpt_image_free(l.img);
		return -1;
	}
	*out = l.img;
	return 0;
}

void ckpt_image_free(struct ckpt_image *img)
{
	if (!img)
		return;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct ckpt_task *t = &img->tasks[i];

		free(t->exe);
		free(t->cwd);
		free(t->root);
		for (uint32_t v = 0; t->vmas && v < t->nvmas; v++) {
			free(t->vmas[v].path);
			for (uint32_t p = 0; p < t->vmas[v].npages; p++)
				free(t->vmas[v].pages[p].data);
			free(t->vmas[v].pages);
		}
		free(t->vmas);
		free(t->fds);
		free(t->sig);
	}
	for (uint32_t i = 0; i < img->nfiles; i++) {
		free(img->files[i].path);
		free(img->files[i].pipe_data);
	}
	free(img->tasks);
	free(img->files);
	free(img);
}

int ckpt_image_check_caps(const struct ckpt_image *img, uint64_t cap_bound, struct vps_err *err)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct ckpt_task_meta *m = &img->tasks[i].m;
		uint64_t more = (m->cap_eff | m->cap_prm | m->cap_inh | m->cap_bnd) & ~cap_bound;

		if (more)
			return vps_error(err, 0, "process %u (%s): capabilities %#llx are beyond the bounding set %#llx",
					 m->pid, m->comm, (unsigned long long)more, (unsigned long long)cap_bound);
	}
	return 0;
}

void ckpt_image_summary(const struct ckpt_image *img, struct ckpt_summary *s)
{
	*s = img->sum;
}
