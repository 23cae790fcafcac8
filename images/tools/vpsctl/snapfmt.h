/* The snapshot file format (SNAPSHOT.md): checksums, records, and the pure encoders/decoders of
 * their fields. Knows nothing about VPS, cgroups or the filesystem. */
#ifndef VPS_SNAPFMT_H
#define VPS_SNAPFMT_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"
#include "../common/sha256.h"

#define SNAP_MAGIC "VPSSNAP\x1a"
#define SNAP_VERSION 1
#define SNAP_HEADER_LEN 32		/* magic 8, version 2, header length 2, flags 4, id 4, time 8, crc 4 */
#define SNAP_REC_HEADER_LEN 20		/* type 4, meta length 4, data length 8, crc 4 */
#define SNAP_MAX_META (256 * 1024)
#define SNAP_MAX_DATA (1024 * 1024)	/* also the DATA chunk size the writer uses */
#define SNAP_MAX_CONFIG (64 * 1024)
#define SNAP_MAX_PATH 4095
#define SNAP_MAX_FILE (1ULL << 40)		/* 1 TiB: bigger is corruption */
#define SNAP_ENTRY_FIXED 44
#define SNAP_TRAILER_LEN 64		/* entries 8, data bytes 8, records 8, sha256 32, reserved 8 */

#define SNAP_F_LIVE 1u			/* the VPS was running: frozen during the copy */
#define SNAP_F_KNOWN SNAP_F_LIVE

/* Record types; SNAP_REC_SKIPPABLE set on a type a reader does not know: verify and ignore it. */
#define SNAP_REC_SKIPPABLE 0x80000000u
enum snap_rec_type {
	SNAP_REC_CONFIG = 0x0001,	/* data: the config file text */
	SNAP_REC_ENTRY = 0x0100,	/* meta: one filesystem object; data: a symlink's target */
	SNAP_REC_DATA = 0x0101,		/* meta: offset; data: bytes of the last regular file */
	SNAP_REC_LINK = 0x0102,		/* meta: a hard link to an earlier entry */
	SNAP_REC_PROC = 0x0200,		/* meta: number of process records that follow (0 for now) */
	SNAP_REC_TRAILER = 0xffff,	/* meta: counts and the SHA-256 of everything before it */
};

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len);

/* The stream's digest: SHA-256 from common/sha256.h, under the names the snapshot code uses. */
#define snap_sha256 sha256_ctx
#define snap_sha256_init sha256_init
#define snap_sha256_update sha256_update
#define snap_sha256_final sha256_final

struct snap_header {
	unsigned int version, flags, source_id;
	uint64_t created;
};
void snap_header_encode(const struct snap_header *h, unsigned char out[SNAP_HEADER_LEN]);
/* Magic, then version (a newer one is refused), then length, CRC and flags. */
int snap_header_decode(const unsigned char in[SNAP_HEADER_LEN], struct snap_header *h, struct vps_err *err);

struct snap_rec_header {
	uint32_t type;
	uint32_t meta_len;
	uint64_t data_len;
};
void snap_rec_header_encode(const struct snap_rec_header *r, unsigned char out[SNAP_REC_HEADER_LEN]);
/* CRC, then the lengths each type allows (nothing bigger than SNAP_MAX_META / SNAP_MAX_DATA). */
int snap_rec_header_decode(const unsigned char in[SNAP_REC_HEADER_LEN], struct snap_rec_header *r,
			   struct vps_err *err);
const char *snap_rec_name(uint32_t type);

struct snap_xattr {
	const char *name;	/* not NUL-terminated in a decoded entry: use name_len */
	size_t name_len;
	const unsigned char *value;
	size_t value_len;
};

#define SNAP_MAX_XATTRS 64
struct snap_entry {
	uint32_t mode, uid, gid, rdev_major, rdev_minor;
	uint64_t size;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	char path[SNAP_MAX_PATH + 1];
	unsigned int nxattr;
	struct snap_xattr xattrs[SNAP_MAX_XATTRS];
};
/* Encoded size of e, or 0 if it exceeds SNAP_MAX_META. */
size_t snap_entry_size(const struct snap_entry *e);
void snap_entry_encode(const struct snap_entry *e, unsigned char *out);
/* Validates everything: the path (snap_path_ok), the file type, every length. */
int snap_entry_decode(const unsigned char *in, size_t len, struct snap_entry *e, struct vps_err *err);

/* LINK: path is a new name for the earlier entry target. */
size_t snap_link_encode(const char *path, const char *target, unsigned char *out, size_t cap);
int snap_link_decode(const unsigned char *in, size_t len, char path[SNAP_MAX_PATH + 1],
		     char target[SNAP_MAX_PATH + 1], struct vps_err *err);

struct snap_trailer {
	uint64_t entries, data_bytes, records;
	unsigned char sha256[32];
};
void snap_trailer_encode(const struct snap_trailer *t, unsigned char out[SNAP_TRAILER_LEN]);
int snap_trailer_decode(const unsigned char *in, size_t len, struct snap_trailer *t, struct vps_err *err);

/* A relative path inside the snapshot root: "." (the root itself) or components separated by
 * single '/', none empty, "." or "..", no NUL, at most SNAP_MAX_PATH bytes. */
int snap_path_ok(const char *p, size_t len);

void snap_put16(unsigned char *p, uint16_t v);
void snap_put32(unsigned char *p, uint32_t v);
void snap_put64(unsigned char *p, uint64_t v);
uint16_t snap_get16(const unsigned char *p);
uint32_t snap_get32(const unsigned char *p);
uint64_t snap_get64(const unsigned char *p);

#endif
