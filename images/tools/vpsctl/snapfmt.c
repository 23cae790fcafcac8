#include "snapfmt.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void snap_put16(unsigned char *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
void snap_put32(unsigned char *p, uint32_t v) { snap_put16(p, v); snap_put16(p + 2, v >> 16); }
void snap_put64(unsigned char *p, uint64_t v) { snap_put32(p, (uint32_t)v); snap_put32(p + 4, v >> 32); }
uint16_t snap_get16(const unsigned char *p) { return p[0] | p[1] << 8; }
uint32_t snap_get32(const unsigned char *p) { return snap_get16(p) | (uint32_t)snap_get16(p + 2) << 16; }
uint64_t snap_get64(const unsigned char *p) { return snap_get32(p) | (uint64_t)snap_get32(p + 4) << 32; }

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void snap_header_encode(const struct snap_header *h, unsigned char out[SNAP_HEADER_LEN])
{
	memcpy(out, SNAP_MAGIC, 8);
	snap_put16(out + 8, h->version);
	snap_put16(out + 10, SNAP_HEADER_LEN);
	snap_put32(out + 12, h->flags);
	snap_put32(out + 16, h->source_id);
	snap_put64(out + 20, h->created);
	snap_put32(out + 28, snap_crc32(0, out, 28));
}

int snap_header_decode(const unsigned char in[SNAP_HEADER_LEN], struct snap_header *h, struct vps_err *err)
{
	if (memcmp(in, SNAP_MAGIC, 8))
		return vps_error(err, 0, "not a vpsctl snapshot (wrong magic)");
	h->version = snap_get16(in + 8);
	if (h->version > SNAP_VERSION)
		return vps_error(err, 0, "snapshot format version %u is newer than this vpsctl reads (%d)",
				 h->version, SNAP_VERSION);
	if (h->version == 0 || snap_get16(in + 10) != SNAP_HEADER_LEN || snap_get32(in + 28) != snap_crc32(0, in, 28))
		return vps_error(err, 0, "corrupt snapshot header (checksum mismatch)");
	h->flags = snap_get32(in + 12);
	h->source_id = snap_get32(in + 16);
	h->created = snap_get64(in + 20);
	if (h->flags & ~SNAP_F_KNOWN)
		return vps_error(err, 0, "snapshot header has unknown flags %#x", h->flags & ~SNAP_F_KNOWN);
	return 0;
}

void snap_rec_header_encode(const struct snap_rec_header *r, unsigned char out[SNAP_REC_HEADER_LEN])
{
	snap_put32(out, r->type);
	snap_put32(out + 4, r->meta_len);
	snap_put64(out + 8, r->data_len);
	snap_put32(out + 16, snap_crc32(0, out, 16));
}

const char *snap_rec_name(uint32_t type)
{
	switch (type) {
	case SNAP_REC_CONFIG: return "config";
	case SNAP_REC_ENTRY: return "file entry";
	case SNAP_REC_DATA: return "file data";
	case SNAP_REC_LINK: return "hard link";
	case SNAP_REC_PROC: return "process state";
	case SNAP_REC_TRAILER: return "trailer";
	default: return "unknown";
	}
}

int snap_rec_header_decode(const unsigned char in[SNAP_REC_HEADER_LEN], struct snap_rec_header *r,
			   struct vps_err *err)
{
	uint64_t mmin = 0, mmax = 0, dmin = 0, dmax = 0;

	if (snap_get32(in + 16) != snap_crc32(0, in, 16))
		return vps_error(err, 0, "corrupt record header (checksum mismatch)");
	r->type = snap_get32(in);
	r->meta_len = snap_get32(in + 4);
	r->data_len = snap_get64(in + 8);
	switch (r->type) {
	case SNAP_REC_CONFIG: dmin = 1; dmax = SNAP_MAX_CONFIG; break;
	case SNAP_REC_ENTRY: mmin = SNAP_ENTRY_FIXED + 1; mmax = SNAP_MAX_META; dmax = SNAP_MAX_PATH; break;
	case SNAP_REC_DATA: mmin = mmax = 8; dmin = 1; dmax = SNAP_MAX_DATA; break;
	case SNAP_REC_LINK: mmin = 6; mmax = 4 + 2 * SNAP_MAX_PATH; break;
	case SNAP_REC_PROC: mmin = mmax = 4; break;
	case SNAP_REC_TRAILER: mmin = mmax = SNAP_TRAILER_LEN; break;
	default:
		if (!(r->type & SNAP_REC_SKIPPABLE))
			return vps_error(err, 0, "record type %#x needs a newer vpsctl", r->type);
		mmax = SNAP_MAX_META;
		dmax = SNAP_MAX_DATA;
	}
	if (r->meta_len < mmin || r->meta_len > mmax || r->data_len < dmin || r->data_len > dmax)
		return vps_error(err, 0, "%s record with impossible sizes (meta %u, data %llu bytes)",
				 snap_rec_name(r->type), r->meta_len, (unsigned long long)r->data_len);
	return 0;
}

int snap_path_ok(const char *p, size_t len)
{
	size_t start = 0;

	if (len == 0 || len > SNAP_MAX_PATH || memchr(p, '\0', len))
		return 0;
	if (len == 1 && p[0] == '.')
		return 1;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		size_t n = i - start;
		if (n == 0 || (n == 1 && p[start] == '.') || (n == 2 && p[start] == '.' && p[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

size_t snap_entry_size(const struct snap_entry *e)
{
	size_t n = SNAP_ENTRY_FIXED + strlen(e->path);

	for (unsigned int i = 0; i < e->nxattr; i++)
		n += 6 + e->xattrs[i].name_len + e->xattrs[i].value_len;
	return n > SNAP_MAX_META ? 0 : n;
}

void snap_entry_encode(const struct snap_entry *e, unsigned char *out)
{
	size_t plen = strlen(e->path);
	unsigned char *p = out + SNAP_ENTRY_FIXED;

	snap_put32(out, e->mode);
	snap_put32(out + 4, e->uid);
	snap_put32(out + 8, e->gid);
	snap_put32(out + 12, e->rdev_major);
	snap_put32(out + 16, e->rdev_minor);
	snap_put64(out + 20, e->size);
	snap_put64(out + 28, (uint64_t)e->mtime_sec);
	snap_put32(out + 36, e->mtime_nsec);
	snap_put16(out + 40, plen);
	snap_put16(out + 42, e->nxattr);
	memcpy(p, e->path, plen);
	p += plen;
	for (unsigned int i = 0; i < e->nxattr; i++) {
		const struct snap_xattr *x = &e->xattrs[i];
		snap_put16(p, x->name_len);
		snap_put32(p + 2, x->value_len);
		memcpy(p + 6, x->name, x->name_len);
		memcpy(p + 6 + x->name_len, x->value, x->value_len);
		p += 6 + x->name_len + x->value_len;
	}
}

int snap_entry_decode(const unsigned char *in, size_t len, struct snap_entry *e, struct vps_err *err)
{
	size_t plen, off;

	if (len < SNAP_ENTRY_FIXED)
		return vps_error(err, 0, "file entry too short");
	e->mode = snap_get32(in);
	e->uid = snap_get32(in + 4);
	e->gid = snap_get32(in + 8);
	e->rdev_major = snap_get32(in + 12);
	e->rdev_minor = snap_get32(in + 16);
	e->size = snap_get64(in + 20);
	e->mtime_sec = (int64_t)snap_get64(in + 28);
	e->mtime_nsec = snap_get32(in + 36);
	plen = snap_get16(in + 40);
	e->nxattr = snap_get16(in + 42);
	if (plen > len - SNAP_ENTRY_FIXED || !snap_path_ok((const char *)in + SNAP_ENTRY_FIXED, plen))
		return vps_error(err, 0, "file entry with an unsafe or malformed path");
	memcpy(e->path, in + SNAP_ENTRY_FIXED, plen);
	e->path[plen] = '\0';
	switch (e->mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	default:
		return vps_error(err, 0, "file entry `%s` with an unknown file type %#o", e->path, e->mode & S_IFMT);
	}
	if ((e->mode & ~(S_IFMT | 07777)) || e->mtime_nsec >= 1000000000u)
		return vps_error(err, 0, "file entry `%s` with an impossible mode or time", e->path);
	if (e->size > SNAP_MAX_FILE)
		return vps_error(err, 0, "file entry `%s` of an absurd size (%llu bytes)", e->path,
				 (unsigned long long)e->size);
	if (!S_ISREG(e->mode) && !S_ISLNK(e->mode) && e->size)
		return vps_error(err, 0, "file entry `%s`: only files and symlinks have a size", e->path);
	if (e->nxattr > SNAP_MAX_XATTRS)
		return vps_error(err, 0, "file entry `%s` with %u extended attributes (at most %d)", e->path,
				 e->nxattr, SNAP_MAX_XATTRS);
	off = SNAP_ENTRY_FIXED + plen;
	for (unsigned int i = 0; i < e->nxattr; i++) {
		struct snap_xattr *x = &e->xattrs[i];
		if (len - off < 6)
			return vps_error(err, 0, "file entry `%s`: extended attribute %u cut short", e->path, i);
		x->name_len = snap_get16(in + off);
		x->value_len = snap_get32(in + off + 2);
		off += 6;
		if (x->name_len == 0 || x->name_len > 255 || x->name_len > len - off ||
		    x->value_len > len - off - x->name_len || memchr(in + off, '\0', x->name_len))
			return vps_error(err, 0, "file entry `%s`: malformed extended attribute %u", e->path, i);
		x->name = (const char *)in + off;
		x->value = in + off + x->name_len;
		off += x->name_len + x->value_len;
	}
	if (off != len)
		return vps_error(err, 0, "file entry `%s`: %zu stray bytes", e->path, len - off);
	return 0;
}

size_t snap_link_encode(const char *path, const char *target, unsigned char *out, size_t cap)
{
	size_t p = strlen(path), t = strlen(target);

	if (4 + p + t > cap)
		return 0;
	snap_put16(out, p);
	snap_put16(out + 2, t);
	memcpy(out + 4, path, p);
	memcpy(out + 4 + p, target, t);
	return 4 + p + t;
}

int snap_link_decode(const unsigned char *in, size_t len, char path[SNAP_MAX_PATH + 1],
		     char target[SNAP_MAX_PATH + 1], struct vps_err *err)
{
	size_t p, t;

	if (len < 4)
		return vps_error(err, 0, "hard link record too short");
	p = snap_get16(in);
	t = snap_get16(in + 2);
	if (4 + p + t != len || !snap_path_ok((const char *)in + 4, p) || !snap_path_ok((const char *)in + 4 + p, t) ||
	    (p == 1 && in[4] == '.') || (t == 1 && in[4 + p] == '.'))
		return vps_error(err, 0, "hard link record with an unsafe or malformed path");
	memcpy(path, in + 4, p);
	path[p] = '\0';
	memcpy(target, in + 4 + p, t);
	target[t] = '\0';
	return 0;
}

void snap_trailer_encode(const struct snap_trailer *t, unsigned char out[SNAP_TRAILER_LEN])
{
	memset(out, 0, SNAP_TRAILER_LEN);
	snap_put64(out, t->entries);
	snap_put64(out + 8, t->data_bytes);
	snap_put64(out + 16, t->records);
	memcpy(out + 24, t->sha256, 32);
}

int snap_trailer_decode(const unsigned char *in, size_t len, struct snap_trailer *t, struct vps_err *err)
{
	if (len != SNAP_TRAILER_LEN)
		return vps_error(err, 0, "trailer of %zu bytes (expected %d)", len, SNAP_TRAILER_LEN);
	t->entries = snap_get64(in);
	t->data_bytes = snap_get64(in + 8);
	t->records = snap_get64(in + 16);
	memcpy(t->sha256, in + 24, 32);
	return 0;
}
