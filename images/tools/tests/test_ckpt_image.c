/* Native test of ckpt/ckpt_image.c and ckpt/ckpt_file.c: a well-formed image loads with its
 * counts; every flipped byte and every truncation of its file is refused; and records that are
 * each well framed but say something impossible (pages outside their VMA, an unknown file, a
 * parent that comes later, ...) are refused with one line naming the record. */
#include "../ckpt/ckpt_file.h"
#include "../ckpt/ckpt_image.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define MAXREC 64

struct rec {
	uint32_t type, mlen, dlen;
	uint8_t meta[4096];
	uint8_t *data;
};

struct recs {
	struct rec r[MAXREC];
	int n, next;
};

static uint8_t page_data[2 * 4096];

static void put(struct recs *rs, uint32_t type, const void *meta, uint32_t mlen, const void *data, uint32_t dlen)
{
	struct rec *r = &rs->r[rs->n++];

	r->type = type;
	r->mlen = mlen;
	memcpy(r->meta, meta, mlen);
	r->dlen = dlen;
	r->data = malloc(dlen + 1);
	memcpy(r->data, data, dlen);
}

static int get(void *ctx, uint32_t *type, const void **meta, uint32_t *mlen, const void **data, uint32_t *dlen,
	       struct vps_err *err)
{
	struct recs *rs = ctx;
	struct rec *r;

	(void)err;
	if (rs->next == rs->n)
		return 0;
	r = &rs->r[rs->next++];
	*type = r->type;
	*meta = r->meta;
	*mlen = r->mlen;
	*data = r->data;
	*dlen = r->dlen;
	return 1;
}

/* A small valid image: a pipe (both ends, 5 bytes queued), /dev/null, a file; init (pid 1) with a
 * stack VMA holding two pages, the vdso, and fds; a child (pid 7) in its group. */
static void build(struct recs *rs)
{
	struct ckpt_file_meta f;
	struct ckpt_pipe_data_meta pd = { 1 };
	struct ckpt_task_meta t;
	struct ckpt_vma_meta v;
	struct ckpt_pages_meta pg = { 0xbf000000 };
	struct ckpt_sigact_meta sa;
	struct ckpt_fd_meta fd;
	struct ckpt_end_meta end = { 2, 4, 3, 4, sizeof(page_data) };
	static const char paths[] = "/bin/sh/tmp/";

	memset(rs, 0, sizeof(*rs));
	memset(&f, 0, sizeof(f));
	f = (struct ckpt_file_meta){ .id = 1, .kind = CKPT_FILE_PIPE, .pipe_id = 1, .pipe_end = 0, .pipe_size = 65536 };
	put(rs, CKPT_REC_FILE, &f, sizeof(f), "", 0);
	f.id = 2;
	f.pipe_end = 1;
	f.flags = 1;
	put(rs, CKPT_REC_FILE, &f, sizeof(f), "", 0);
	f = (struct ckpt_file_meta){ .id = 3, .kind = CKPT_FILE_CHR, .flags = 2, .rdev = 1 << 20 | 3, .path_len = 9 };
	put(rs, CKPT_REC_FILE, &f, sizeof(f), "/dev/null", 9);
	f = (struct ckpt_file_meta){ .id = 4, .kind = CKPT_FILE_REG, .flags = 02001, .pos = 12, .path_len = 10 };
	put(rs, CKPT_REC_FILE, &f, sizeof(f), "/tmp/count", 10);
	put(rs, CKPT_REC_PIPE_DATA, &pd, sizeof(pd), "hello", 5);

	memset(&t, 0, sizeof(t));
	t.pid = t.pgid = t.sid = 1;
	t.exit_signal = 17;
	strcpy(t.comm, "sh");
	for (int i = 0; i < 3; i++)
		t.tls[i].entry = 6 + i;
	t.auxv_words = 2;
	t.nvmas = 2;
	t.nfds = 3;
	t.exe_len = 7;
	t.cwd_len = 4;
	t.root_len = 1;
	put(rs, CKPT_REC_TASK, &t, sizeof(t), paths, 12);
	v = (struct ckpt_vma_meta){ 0xbf000000, 0xbf021000, CKPT_VMA_ANON, CKPT_VMA_GROWSDOWN, 3, 0, 0 };
	put(rs, CKPT_REC_VMA, &v, sizeof(v), "", 0);
	put(rs, CKPT_REC_PAGES, &pg, sizeof(pg), page_data, sizeof(page_data));
	v = (struct ckpt_vma_meta){ 0xbf100000, 0xbf101000, CKPT_VMA_VDSO, 0, 5, 0, 0 };
	put(rs, CKPT_REC_VMA, &v, sizeof(v), "", 0);
	memset(&sa, 0, sizeof(sa));
	put(rs, CKPT_REC_SIGACT, &sa, sizeof(sa), "", 0);
	for (uint32_t i = 0; i < 3; i++) {
		fd = (struct ckpt_fd_meta){ i, i == 0 ? 3 : i == 1 ? 4 : 2, 0 };
		put(rs, CKPT_REC_FD, &fd, sizeof(fd), "", 0);
	}
	t.pid = 7;
	t.ppid = 1;
	t.nvmas = 1;
	t.nfds = 1;
	put(rs, CKPT_REC_TASK, &t, sizeof(t), paths, 12);
	v = (struct ckpt_vma_meta){ 0x08048000, 0x08050000, CKPT_VMA_FILE, 0, 5, 0, 7 };
	put(rs, CKPT_REC_VMA, &v, sizeof(v), "/bin/sh", 7);
	put(rs, CKPT_REC_SIGACT, &sa, sizeof(sa), "", 0);
	fd = (struct ckpt_fd_meta){ 0, 1, 0 };
	put(rs, CKPT_REC_FD, &fd, sizeof(fd), "", 0);
	put(rs, CKPT_REC_END, &end, sizeof(end), "", 0);
}

static int load(struct recs *rs, struct ckpt_image **img, struct vps_err *err)
{
	struct ckpt_reader r = { rs, get };

	rs->next = 0;
	*img = NULL;
	return ckpt_image_load(&r, img, err);
}

static void free_recs(struct recs *rs)
{
	for (int i = 0; i < rs->n; i++)
		free(rs->r[i].data);
}

static void valid(void)
{
	struct recs *rs = calloc(1, sizeof(*rs));
	struct ckpt_image *img;
	struct ckpt_summary s;
	struct vps_err err;

	build(rs);
	CHECK(!load(rs, &img, &err), "valid image: %s", err.msg);
	if (img) {
		ckpt_image_summary(img, &s);
		CHECK(s.tasks == 2 && s.files == 4 && s.vmas == 3 && s.fds == 4 && s.page_bytes == 8192 &&
		      s.pipe_bytes == 5, "summary %u %u %u %u", s.tasks, s.files, s.vmas, s.fds);
		CHECK(img->tasks[1].parent == 0 && !strcmp(img->tasks[0].exe, "/bin/sh") &&
		      !strcmp(img->tasks[0].cwd, "/tmp") && img->tasks[0].fds[1].file == 3 &&
		      img->files[0].pipe_len == 5 && !strcmp(img->tasks[1].vmas[0].path, "/bin/sh"), "contents");
		CHECK(!ckpt_image_check_caps(img, 0, &err), "no capabilities are within any set");
		img->tasks[1].m.cap_prm = 1ull << 21;
		CHECK(!ckpt_image_check_caps(img, 1ull << 21 | 1, &err), "capabilities within the set");
		CHECK(ckpt_image_check_caps(img, 1, &err) &&
		      !strcmp(err.msg, "process 7 (sh): capabilities 0x200000 are beyond the bounding set 0x1"),
		      "capabilities beyond the set: %s", err.msg);
		img->tasks[1].m.cap_prm = 0;
		img->tasks[0].m.cap_bnd = 1ull << 40;
		CHECK(ckpt_image_check_caps(img, ~(1ull << 40), &err) && strstr(err.msg, "process 1 (sh)"),
		      "a bounding set beyond the set: %s", err.msg);
		ckpt_image_free(img);
	}
	free_recs(rs);
	free(rs);
}

/* Change one field of record `rec` of the valid image; the load must fail mentioning `want`. */
#define BAD(rec, type, field, value, want) do {					\
	struct recs *rs = calloc(1, sizeof(*rs));					\
	struct ckpt_image *img;								\
	struct vps_err err;								\
	type m;										\
											\
	build(rs);									\
	memcpy(&m, rs->r[rec].meta, sizeof(m));						\
	m.field = value;								\
	memcpy(rs->r[rec].meta, &m, sizeof(m));						\
	CHECK(load(rs, &img, &err) && strstr(err.msg, want) && !strchr(err.msg, '\n'), \
	      "%s = %s: %s", #field, #value, img ? "loaded" : err.msg);			\
	if (img)									\
		ckpt_image_free(img);							\
	free_recs(rs);									\
	free(rs);									\
} while (0)

static void invalid(void)
{
	BAD(0, struct ckpt_file_meta, pipe_size, 1000, "bad pipe fields");
	BAD(1, struct ckpt_file_meta, id, 1, "used twice");
	BAD(2, struct ckpt_file_meta, rdev, 4 << 20 | 1, "not one an image may name");
	BAD(3, struct ckpt_file_meta, kind, 9, "unknown kind");
	BAD(3, struct ckpt_file_meta, path_len, 11, "path length");
	BAD(4, struct ckpt_pipe_data_meta, pipe_id, 9, "unknown pipe");
	BAD(5, struct ckpt_task_meta, pid, 2, "the first task must be pid 1");
	BAD(5, struct ckpt_task_meta, nvmas, 3, "its record says 3");
	BAD(5, struct ckpt_task_meta, nvmas, 100000, "out of range");
	BAD(5, struct ckpt_task_meta, exe_len, 8, "add up");
	BAD(5, struct ckpt_task_meta, tls[1].entry, 12, "TLS entry");
	BAD(5, struct ckpt_task_meta, rlim[3][0], 5, "soft above hard");
	BAD(5, struct ckpt_task_meta, itimer[1].value_usec, 1000000, "itimer 1 out of range");
	BAD(5, struct ckpt_task_meta, itimer[2].interval_sec, 0x80000000u, "itimer 2 out of range");
	BAD(6, struct ckpt_vma_meta, end, 0xc0001000, "out of range");
	BAD(6, struct ckpt_vma_meta, start, 0xbf000800, "out of range");
	BAD(6, struct ckpt_vma_meta, kind, 7, "bad kind");
	BAD(6, struct ckpt_vma_meta, prot, 8, "bad kind");
	BAD(7, struct ckpt_pages_meta, addr, 0xbf020000, "outside VMA");
	BAD(7, struct ckpt_pages_meta, addr, 0xbeff0000, "outside VMA");
	BAD(8, struct ckpt_vma_meta, start, 0xbf020000, "out of order");
	BAD(10, struct ckpt_fd_meta, file_id, 17, "unknown file");
	BAD(11, struct ckpt_fd_meta, fd, 0, "twice");
	BAD(12, struct ckpt_fd_meta, fd, 5000, "bad number");
	BAD(13, struct ckpt_task_meta, ppid, 9, "comes later");
	BAD(13, struct ckpt_task_meta, pid, 1, "used twice");
	BAD(13, struct ckpt_task_meta, sid, 5, "session");
	BAD(13, struct ckpt_task_meta, pgid, 5, "not an ancestor");
	BAD(14, struct ckpt_vma_meta, path_len, 3, "bad kind, flags or path");
	BAD(14, struct ckpt_vma_meta, pgoff, 100, "bad kind, flags or path");
	BAD(17, struct ckpt_end_meta, page_bytes, 4096, "counts do not match");
	BAD(17, struct ckpt_end_meta, tasks, 3, "counts do not match");
	{	/* a relative path, a record type nobody knows, a missing end, a record after the end */
		struct recs *rs = calloc(1, sizeof(*rs));
		struct ckpt_image *img;
		struct vps_err err;

		build(rs);
		memset(((struct ckpt_task_meta *)rs->r[5].meta)->comm, 'x', 16);
		CHECK(load(rs, &img, &err) && strstr(err.msg, "out of range"), "comm without NUL: %s", err.msg);
		((struct ckpt_task_meta *)rs->r[5].meta)->comm[15] = 0;
		rs->r[3].data[0] = 't';
		CHECK(load(rs, &img, &err) && strstr(err.msg, "absolute path"), "relative path: %s", err.msg);
		rs->r[3].data[0] = '/';
		rs->r[9].type = 0x0299;
		CHECK(load(rs, &img, &err) && strstr(err.msg, "unknown record type 0x299"), "unknown type: %s", err.msg);
		rs->r[9].type = CKPT_REC_SIGACT;
		rs->n--;
		CHECK(load(rs, &img, &err) && strstr(err.msg, "without its end record"), "no end: %s", err.msg);
		rs->n++;
		rs->r[rs->n] = rs->r[rs->n - 1];
		rs->r[rs->n].data = malloc(1);
		rs->n++;
		CHECK(load(rs, &img, &err) && strstr(err.msg, "after the end"), "after the end: %s", err.msg);
		rs->r[7].mlen = 3;
		CHECK(load(rs, &img, &err) && strstr(err.msg, "meta 3 bytes"), "short meta: %s", err.msg);
		free_recs(rs);
		free(rs);
	}
}

/* The valid image as a file: every flipped byte and every truncation is refused. */
static void file(void)
{
	struct recs *rs = calloc(1, sizeof(*rs));
	int fd = memfd_create("img", 0), ok_flips = 1, ok_cuts = 1;
	struct ckpt_file_reader fr;
	struct ckpt_reader r = { &fr, ckpt_file_get };
	struct ckpt_image *img;
	struct vps_err err;
	uint8_t *buf;
	off_t len;

	build(rs);
	CHECK(!ckpt_file_header(fd, &err), "header");
	for (int i = 0; i < rs->n; i++)
		CHECK(!ckpt_file_put(&fd, rs->r[i].type, rs->r[i].meta, rs->r[i].mlen, rs->r[i].data, rs->r[i].dlen, &err),
		      "put");
	len = lseek(fd, 0, SEEK_CUR);
	buf = malloc((size_t)len);
	CHECK(pread(fd, buf, (size_t)len, 0) == len, "read back");
	CHECK(!ckpt_file_open(&fr, buf, (size_t)len, &err) && !ckpt_image_load(&r, &img, &err), "file loads: %s", err.msg);
	ckpt_image_free(img);
	for (off_t i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		img = NULL;
		if (!ckpt_file_open(&fr, buf, (size_t)len, &err) && !ckpt_image_load(&r, &img, &err)) {
			ok_flips = 0;
			ckpt_image_free(img);
		}
		buf[i] ^= 0x20;
	}
	CHECK(ok_flips, "a flipped byte was not noticed");
	for (off_t cut = 0; cut < len; cut++) {
		img = NULL;
		if (!ckpt_file_open(&fr, buf, (size_t)cut, &err) && !ckpt_image_load(&r, &img, &err)) {
			ok_cuts = 0;
			ckpt_image_free(img);
		}
	}
	CHECK(ok_cuts, "a truncated file was accepted");
	ckpt_file_open(&fr, buf, (size_t)len - 5, &err);
	CHECK(ckpt_image_load(&r, &img, &err) && strstr(err.msg, "truncated at byte"), "truncation message: %s", err.msg);
	free(buf);
	close(fd);
	free_recs(rs);
	free(rs);
}

int main(void)
{
	valid();
	invalid();
	file();
	return check_summary();
}
