/* Unit tests: the snapshot format (checksums, records, paths) and a round trip of a real tree
 * through snap_write/snap_read, then every truncation, every flipped byte and crafted hostile
 * streams. Needs root (device nodes, owners, trusted.* xattrs). Run under ASan/UBSan. */
#include "../vpsctl/snapfmt.h"
#include "../vpsctl/snapshot.h"
#include "../vpsctl/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

static char work[] = "/tmp/vps-snaptest.XXXXXX";

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_checksums(void)
{
	struct snap_sha256 s;
	unsigned char d[32];
	char h[65];
	static char million[1000000];

	CHECK(snap_crc32(0, "123456789", 9) == 0xcbf43926u, "crc32 check value");
	snap_sha256_init(&s);
	snap_sha256_update(&s, "abc", 3);
	snap_sha256_final(&s, d);
	hex(d, 32, h);
	CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc) = %s", h);
	memset(million, 'a', sizeof(million));
	snap_sha256_init(&s);
	for (size_t off = 0, step = 1; off < sizeof(million); off += step, step = step * 3 % 1000 + 1)
		snap_sha256_update(&s, million + off, off + step > sizeof(million) ? sizeof(million) - off : step);
	snap_sha256_final(&s, d);
	hex(d, 32, h);
	CHECK(!strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
	      "sha256(a x 1e6) in odd pieces = %s", h);
}

static void test_paths(void)
{
	static const char *good[] = { ".", "a", "a/b", "etc/.wh.x", "..a", "a..", ".hidden/x" };
	static const char *bad[] = { "", "/", "/etc", "..", "../x", "a/../b", "a/..", "./a", "a/./b", "a//b", "a/", "x/." };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CHECK(snap_path_ok(good[i], strlen(good[i])), "`%s` is fine", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(!snap_path_ok(bad[i], strlen(bad[i])), "`%s` is refused", bad[i]);
	CHECK(!snap_path_ok("a\0b", 3), "NUL refused");
}

static void test_headers(void)
{
	struct snap_header h = { SNAP_VERSION, SNAP_F_LIVE, 3, 1234567 }, o;
	struct snap_rec_header r = { SNAP_REC_DATA, 8, SNAP_MAX_DATA }, ro;
	unsigned char b[SNAP_HEADER_LEN], rb[SNAP_REC_HEADER_LEN];
	struct vps_err err = { 0 };

	snap_header_encode(&h, b);
	CHECK(snap_header_decode(b, &o, &err) == 0 && o.source_id == 3 && o.created == 1234567 && o.flags == SNAP_F_LIVE,
	      "header round trip: %s", err.msg);
	b[8] = 2;
	CHECK(snap_header_decode(b, &o, &err) < 0 && strstr(err.msg, "version 2 is newer"), "future version: %s", err.msg);
	b[8] = 1;
	b[0] = 'X';
	CHECK(snap_header_decode(b, &o, &err) < 0 && strstr(err.msg, "magic"), "magic: %s", err.msg);
	b[0] = 'V';
	b[20] ^= 1;
	CHECK(snap_header_decode(b, &o, &err) < 0 && strstr(err.msg, "checksum"), "header crc: %s", err.msg);

	snap_rec_header_encode(&r, rb);
	CHECK(snap_rec_header_decode(rb, &ro, &err) == 0 && ro.data_len == SNAP_MAX_DATA, "record header: %s", err.msg);
	r.data_len = SNAP_MAX_DATA + 1;
	snap_rec_header_encode(&r, rb);
	CHECK(snap_rec_header_decode(rb, &ro, &err) < 0 && strstr(err.msg, "impossible sizes"), "absurd data: %s", err.msg);
	r = (struct snap_rec_header){ SNAP_REC_ENTRY, 0xffffffffu, 0 };
	snap_rec_header_encode(&r, rb);
	CHECK(snap_rec_header_decode(rb, &ro, &err) < 0, "absurd meta");
	r = (struct snap_rec_header){ 0x0300, 0, 0 };
	snap_rec_header_encode(&r, rb);
	CHECK(snap_rec_header_decode(rb, &ro, &err) < 0 && strstr(err.msg, "newer vpsctl"), "unknown type: %s", err.msg);
	r = (struct snap_rec_header){ 0x0300 | SNAP_REC_SKIPPABLE, 10, 10 };
	snap_rec_header_encode(&r, rb);
	CHECK(snap_rec_header_decode(rb, &ro, &err) == 0, "skippable type: %s", err.msg);
}

static void test_entry(void)
{
	static struct snap_entry e, d;
	static unsigned char buf[SNAP_MAX_META];
	struct vps_err err = { 0 };
	size_t n;

	e.mode = S_IFDIR | 01755;
	e.uid = 1000;
	e.gid = 100;
	e.mtime_sec = -5;
	e.mtime_nsec = 999999999;
	strcpy(e.path, "etc/x");
	e.nxattr = 1;
	e.xattrs[0] = (struct snap_xattr){ "trusted.overlay.opaque", 22, (const unsigned char *)"y", 1 };
	n = snap_entry_size(&e);
	snap_entry_encode(&e, buf);
	CHECK(snap_entry_decode(buf, n, &d, &err) == 0 && d.mode == e.mode && d.mtime_sec == -5 && !strcmp(d.path, "etc/x") &&
	      d.nxattr == 1 && d.xattrs[0].value_len == 1, "entry round trip: %s", err.msg);
	CHECK(snap_entry_decode(buf, n - 1, &d, &err) < 0, "short entry");
	CHECK(snap_entry_decode(buf, n + 1, &d, &err) < 0, "stray byte");
	buf[SNAP_ENTRY_FIXED] = '/';
	CHECK(snap_entry_decode(buf, n, &d, &err) < 0 && strstr(err.msg, "unsafe"), "absolute: %s", err.msg);
}

/* ---- a real tree ---- */

static char src[256], dst[256], snapfile[256];

static void mk(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", src, rel);
	f = fopen(p, "w");
	fputs(content, f);
	fclose(f);
}

static int make_tree(void)
{
	char p[512], q[512];
	int fd;

	snprintf(src, sizeof(src), "%s/src", work);
	mkdir(src, 0755);
#define P(rel) (snprintf(p, sizeof(p), "%s/%s", src, rel), p)
	mkdir(P("etc"), 0755);
	mkdir(P("etc/opaque"), 0700);
	if (setxattr(P("etc/opaque"), "trusted.overlay.opaque", "y", 1, 0) < 0)
		fprintf(stderr, "note: no trusted xattrs here (%s)\n", strerror(errno));
	mk("etc/hostname", "web\n");
	mk("etc/motd", "hello\n");
	chown(P("etc/motd"), 1234, 5678);
	chmod(P("etc/motd"), 04751);
	if (mknod(P("etc/.wh.gone"), S_IFCHR | 0, makedev(0, 0)) < 0 || mknod(P("null"), S_IFCHR | 0666, makedev(1, 3)) < 0 ||
	    mkfifo(P("fifo"), 0640) < 0 || symlink("etc/hostname", P("link")) < 0)
		return -1;
	snprintf(q, sizeof(q), "%s/etc/motd", src);
	if (link(q, P("hard")) < 0)
		return -1;
	fd = open(P("sparse"), O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, 3 * 1024 * 1024) < 0 || pwrite(fd, "data", 4, 2 * 1024 * 1024) != 4)
		return -1;
	close(fd);
	{
		struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000000, 123456789 } };
		utimensat(AT_FDCWD, P("link"), ts, AT_SYMLINK_NOFOLLOW);
		utimensat(AT_FDCWD, P("etc"), ts, 0);
	}
#undef P
	return 0;
}

/* The source tree as a VPS 3 upper dir holds it: owners in VPS 3's host id range (base + id
 * inside), but etc/foreign, which a host user owns. */
static int to_vps3(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (strstr(path, "/etc/foreign"))
		return lchown(path, 7, 7) < 0 ? -1 : 0;
	if (st->st_uid >= vps_id_base(3))
		return 0;	/* the other name of a hard link, shifted already */
	if (lchown(path, vps_id_base(3) + st->st_uid, vps_id_base(3) + st->st_gid) < 0)
		return -1;
	return S_ISLNK(st->st_mode) ? 0 : chmod(path, st->st_mode & 07777);
}

static int restore_into(void *ctx, const struct snap_info *info, struct vps_err *err)
{
	(void)info;
	if (!ctx)
		return -2;
	int fd = open(ctx, O_RDONLY | O_DIRECTORY);
	return fd < 0 ? vps_error(err, errno, "open %s", (char *)ctx) : fd;
}

static void compare(const char *rel)
{
	char a[512], b[512];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "%s/%s", src, rel);
	snprintf(b, sizeof(b), "%s/%s", dst, rel);
	if (lstat(a, &sa) < 0 || lstat(b, &sb) < 0) {
		CHECK(0, "stat %s", rel);
		return;
	}
	/* the stream holds owners as seen inside VPS 3 */
	sa.st_uid = vps_id_inside(3, sa.st_uid);
	sa.st_gid = vps_id_inside(3, sa.st_gid);
	CHECK(sa.st_mode == sb.st_mode && sa.st_uid == sb.st_uid && sa.st_gid == sb.st_gid && sa.st_size == sb.st_size &&
	      sa.st_rdev == sb.st_rdev && sa.st_nlink == sb.st_nlink && sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
	      sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec && sa.st_blocks == sb.st_blocks,
	      "%s: mode %o/%o uid %d/%d size %lld/%lld nlink %d/%d blocks %lld/%lld mtime %ld/%ld", rel, sa.st_mode,
	      sb.st_mode, sa.st_uid, sb.st_uid, (long long)sa.st_size, (long long)sb.st_size, (int)sa.st_nlink,
	      (int)sb.st_nlink, (long long)sa.st_blocks, (long long)sb.st_blocks, (long)sa.st_mtim.tv_nsec,
	      (long)sb.st_mtim.tv_nsec);
}

static unsigned char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc(n);
	*len = fread(b, 1, n, f);
	fclose(f);
	return b;
}

/* Verify-only read of len bytes of buf: 0 if accepted. */
static int verify_bytes(const unsigned char *buf, size_t len, struct vps_err *err)
{
	struct snap_info info;
	int fd = memfd_create("snap", 0), rc;

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	rc = snap_read(fd, restore_into, NULL, &info, err);
	free(info.config);
	close(fd);
	return rc;
}

static void test_round_trip(void)
{
	static const char *paths[] = { ".", "etc", "etc/opaque", "etc/hostname", "etc/motd", "etc/.wh.gone", "null",
				       "fifo", "link", "hard", "sparse", "etc/foreign" };
	struct snap_header h = { SNAP_VERSION, 0, 3, 42 };
	struct vps_err err = { 0 };
	struct snap_info info;
	uint64_t entries, bytes;
	unsigned char *buf;
	size_t len;
	char v[8] = "";
	int fd;

	if (make_tree() < 0 || creat(strcat(strcpy((char[512]){ 0 }, src), "/etc/foreign"), 0644) < 0 ||
	    nftw(src, to_vps3, 16, FTW_PHYS) != 0) {
		CHECK(0, "make the tree: %s", strerror(errno));
		return;
	}
	snprintf(snapfile, sizeof(snapfile), "%s/snap", work);
	fd = open(snapfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(snap_write(fd, &h, "NAME = web\n", 11, src, &entries, &bytes, &err) == 0, "write: %s", err.msg);
	close(fd);
	CHECK(entries == 12, "12 objects, got %llu", (unsigned long long)entries);
	CHECK(bytes < 8192, "sparse holes not stored: %llu bytes", (unsigned long long)bytes);

	snprintf(dst, sizeof(dst), "%s/dst", work);
	mkdir(dst, 0700);
	fd = open(snapfile, O_RDONLY);
	CHECK(snap_read(fd, restore_into, dst, &info, &err) == 0, "restore: %s", err.msg);
	close(fd);
	CHECK(info.config && !strcmp(info.config, "NAME = web\n") && info.header.source_id == 3, "config and id");
	free(info.config);
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		compare(paths[i]);
	{
		char p[512];
		snprintf(p, sizeof(p), "%s/etc/opaque", dst);
		if (getxattr(p, "trusted.overlay.opaque", v, sizeof(v)) >= 0 || errno != ENOTSUP)
			CHECK(!strcmp(v, "y"), "opaque xattr restored");
	}

	{
		struct stat m;
		char pm[600];

		snprintf(pm, sizeof(pm), "%s/etc/motd", dst);
		CHECK(lstat(pm, &m) == 0 && m.st_uid == 1234 && m.st_gid == 5678, "etc/motd as seen inside: %u:%u", m.st_uid,
		      m.st_gid);
	}
	{
		/* restored for VPS 5: every owner in its range, the set-id bits kept, a hard link once */
		char d5[512], p[600];
		struct stat a, b;

		snprintf(d5, sizeof(d5), "%s/dst5", work);
		mkdir(d5, 0700);
		fd = open(snapfile, O_RDONLY);
		CHECK(snap_read_flags(fd, 0, 5, restore_into, d5, &info, &err) == 0, "restore for VPS 5: %s", err.msg);
		close(fd);
		free(info.config);
		snprintf(p, sizeof(p), "%s/etc/motd", d5);
		CHECK(lstat(p, &a) == 0 && a.st_uid == vps_id_base(5) + 1234 && a.st_gid == vps_id_base(5) + 5678 &&
		      (a.st_mode & 07777) == 04751, "etc/motd for VPS 5: %u:%u %o", a.st_uid, a.st_gid, a.st_mode);
		snprintf(p, sizeof(p), "%s/hard", d5);
		CHECK(lstat(p, &b) == 0 && b.st_ino == a.st_ino, "hard link kept for VPS 5");
		snprintf(p, sizeof(p), "%s/etc/foreign", d5);
		CHECK(lstat(p, &a) == 0 && a.st_uid == vps_id_base(5) + VPS_ID_NOBODY, "etc/foreign is nobody's in VPS 5");
		snprintf(p, sizeof(p), "%s/link", d5);
		CHECK(lstat(p, &a) == 0 && a.st_uid == vps_id_base(5), "a symlink is VPS 5 root's");
	}

	buf = file_bytes(snapfile, &len);
	CHECK(verify_bytes(buf, len, &err) == 0, "verify the whole file: %s", err.msg);
	{
		int all = 1;
		for (size_t cut = 0; cut < len; cut++)
			if (verify_bytes(buf, cut, &err) == 0 || (!strstr(err.msg, "truncated") && !strstr(err.msg, "magic"))) {
				CHECK(0, "truncated at %zu accepted or unclear: %s", cut, err.msg);
				all = 0;
				break;
			}
		CHECK(all, "every truncation refused");
	}
	{
		int all = 1;
		for (size_t i = 0; i < len; i++) {
			buf[i] ^= 0x20;
			if (verify_bytes(buf, len, &err) == 0) {
				CHECK(0, "flipped byte %zu accepted", i);
				all = 0;
			}
			buf[i] ^= 0x20;
			if (!all)
				break;
		}
		CHECK(all, "every flipped byte refused");
	}
	{
		unsigned char *more = malloc(len + 1);
		memcpy(more, buf, len);
		more[len] = 0;
		CHECK(verify_bytes(more, len + 1, &err) < 0 && strstr(err.msg, "after its trailer"), "trailing byte: %s", err.msg);
		free(more);
	}
	free(buf);
}

/* ---- crafted hostile streams, valid checksums ---- */

struct craft {
	unsigned char buf[1 << 16];
	size_t n;
	struct snap_sha256 sha;
	uint64_t records, entries;
};

static void c_bytes(struct craft *c, const void *p, size_t len)
{
	if (!len)
		return;
	memcpy(c->buf + c->n, p, len);
	snap_sha256_update(&c->sha, p, len);
	c->n += len;
}

static void c_record(struct craft *c, uint32_t type, const void *meta, size_t mlen, const void *data, size_t dlen)
{
	struct snap_rec_header r = { type, (uint32_t)mlen, dlen };
	unsigned char h[SNAP_REC_HEADER_LEN], crc[4];
	uint32_t x;

	snap_rec_header_encode(&r, h);
	x = snap_crc32(snap_crc32(snap_crc32(0, h, sizeof(h)), meta, mlen), data, dlen);
	snap_put32(crc, x);
	c_bytes(c, h, sizeof(h));
	c_bytes(c, meta, mlen);
	c_bytes(c, data, dlen);
	c_bytes(c, crc, 4);
	if (type != SNAP_REC_TRAILER)
		c->records++;
}

static void c_entry(struct craft *c, const char *path, size_t plen, mode_t mode, const char *target)
{
	static struct snap_entry e;
	unsigned char m[512];

	memset(&e, 0, sizeof(e));
	e.mode = mode;
	e.size = target ? strlen(target) : 0;
	memcpy(e.path, path, plen);
	snap_entry_encode(&e, m);
	snap_put16(m + 40, plen);	/* plen may count a NUL */
	c_record(c, SNAP_REC_ENTRY, m, SNAP_ENTRY_FIXED + plen, target, target ? strlen(target) : 0);
	c->entries++;
}

static void c_start(struct craft *c)
{
	struct snap_header h = { SNAP_VERSION, 0, 3, 0 };
	unsigned char hb[SNAP_HEADER_LEN];

	memset(c, 0, sizeof(*c));
	snap_sha256_init(&c->sha);
	snap_header_encode(&h, hb);
	c_bytes(c, hb, sizeof(hb));
	c_record(c, SNAP_REC_CONFIG, NULL, 0, "NAME = x\n", 9);
	c_entry(c, ".", 1, S_IFDIR | 0755, NULL);
}

static void c_end(struct craft *c)
{
	struct snap_trailer t = { c->entries, 0, c->records + 1, { 0 } };
	unsigned char proc[4] = { 0 }, tb[SNAP_TRAILER_LEN];

	c_record(c, SNAP_REC_PROC, proc, 4, NULL, 0);
	snap_sha256_final(&c->sha, t.sha256);
	snap_trailer_encode(&t, tb);
	c_record(c, SNAP_REC_TRAILER, tb, sizeof(tb), NULL, 0);
}

/* Restore the crafted stream into a fresh dir; returns the result, err set. */
static int craft_restore(struct craft *c, const char *name, struct vps_err *err)
{
	char dir[512], path[512];
	struct snap_info info;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s/%s", work, name);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s.snap", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (write(fd, c->buf, c->n) != (ssize_t)c->n)
		return -1;
	lseek(fd, 0, SEEK_SET);
	rc = snap_read(fd, restore_into, dir, &info, err);
	free(info.config);
	close(fd);
	return rc;
}

static void test_hostile(void)
{
	static struct craft c;
	struct vps_err err = { 0 };
	char p[512];
	struct stat st;

	c_start(&c);
	c_entry(&c, "ok", 2, S_IFREG | 0644, NULL);
	c_end(&c);
	CHECK(craft_restore(&c, "fine", &err) == 0, "the crafting itself is right: %s", err.msg);

	static const char *evil[] = { "../evil", "/tmp/evil", "a/../../evil", "..", "x//y" };
	for (size_t i = 0; i < sizeof(evil) / sizeof(*evil); i++) {
		c_start(&c);
		c_entry(&c, evil[i], strlen(evil[i]), S_IFREG | 0644, NULL);
		c_end(&c);
		CHECK(craft_restore(&c, "evil", &err) < 0 && strstr(err.msg, "unsafe"), "`%s` refused: %s", evil[i], err.msg);
	}
	c_start(&c);
	c_entry(&c, "a\0b", 3, S_IFREG | 0644, NULL);
	c_end(&c);
	CHECK(craft_restore(&c, "evil", &err) < 0 && strstr(err.msg, "unsafe"), "NUL refused: %s", err.msg);
	snprintf(p, sizeof(p), "%s/evil", work);
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode), "nothing replaced the target dir");

	/* a symlink to outside, then a file through it: open_parent never follows it */
	c_start(&c);
	c_entry(&c, "out", 3, S_IFLNK | 0777, work);
	c_entry(&c, "out/escaped", 11, S_IFREG | 0644, NULL);
	c_end(&c);
	CHECK(craft_restore(&c, "symlink", &err) < 0, "file through a symlink refused");
	snprintf(p, sizeof(p), "%s/escaped", work);
	CHECK(access(p, F_OK) < 0, "nothing written outside: %s", err.msg);

	/* a hard link to something outside */
	c_start(&c);
	{
		unsigned char m[64];
		size_t n = snap_link_encode("l", "../snap", m, sizeof(m));
		c_record(&c, SNAP_REC_LINK, m, n, NULL, 0);
		c.entries++;
	}
	c_end(&c);
	CHECK(craft_restore(&c, "link", &err) < 0 && strstr(err.msg, "hard link"), "hard link outside refused: %s", err.msg);

	/* the same name twice */
	c_start(&c);
	c_entry(&c, "twice", 5, S_IFREG | 0644, NULL);
	c_entry(&c, "twice", 5, S_IFDIR | 0755, NULL);
	c_end(&c);
	CHECK(craft_restore(&c, "twice", &err) < 0, "a duplicate name refused: %s", err.msg);

	/* data past the file's end */
	c_start(&c);
	c_entry(&c, "f", 1, S_IFREG | 0644, NULL);
	{
		unsigned char off[8];
		snap_put64(off, 0);
		c_record(&c, SNAP_REC_DATA, off, 8, "xyz", 3);
	}
	c_end(&c);
	CHECK(craft_restore(&c, "past", &err) < 0 && strstr(err.msg, "outside its file"), "data past the end: %s", err.msg);

	/* a skippable record of a future type is verified and ignored */
	c_start(&c);
	c_record(&c, 0x0201 | SNAP_REC_SKIPPABLE, "m", 1, "d", 1);
	c_end(&c);
	CHECK(craft_restore(&c, "skip", &err) == 0, "skippable record ignored: %s", err.msg);
}

/* 600 nested directories (a 4095-byte name allows 2048): the writer's stack stays small. */
static void test_deep(void)
{
	char base[256], rel[4096] = "", p[4400];
	struct snap_header h = { SNAP_VERSION, 0, 3, 0 };
	struct vps_err err = { 0 };
	struct snap_info info;
	uint64_t entries, bytes;
	int fd;

	snprintf(base, sizeof(base), "%s/deep", work);
	mkdir(base, 0755);
	for (int i = 0; i < 600; i++) {
		strcat(rel, i ? "/d" : "d");
		snprintf(p, sizeof(p), "%s/%s", base, rel);
		if (mkdir(p, 0755) < 0) {
			CHECK(0, "mkdir depth %d: %s", i, strerror(errno));
			return;
		}
	}
	fd = memfd_create("deep", 0);
	CHECK(snap_write(fd, &h, "NAME = x\n", 9, base, &entries, &bytes, &err) == 0 && entries == 601,
	      "write 600 levels: %s", err.msg);
	lseek(fd, 0, SEEK_SET);
	snprintf(p, sizeof(p), "%s/deep-out", work);
	mkdir(p, 0700);
	CHECK(snap_read(fd, restore_into, p, &info, &err) == 0, "restore 600 levels: %s", err.msg);
	free(info.config);
	close(fd);
	snprintf(p, sizeof(p), "%s/deep-out/%s", work, rel);
	CHECK(access(p, F_OK) == 0, "the deepest directory is there");
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(work)) {
		perror("mkdtemp");
		return 1;
	}
	test_checksums();
	test_paths();
	test_headers();
	test_entry();
	if (geteuid() == 0) {
		test_round_trip();
		test_hostile();
		test_deep();
	} else
		printf("skip the tree tests: not root\n");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", work);
	return check_summary();
}
