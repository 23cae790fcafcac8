/* The stand-alone process image file (vpstest ckpt): a header, then the records, each framed
 * with its lengths and CRC-32s, so a damaged length is caught before it is used. */
#include "ckpt_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt_format.h"

static const char magic[8] = "VPSCKPT\x1a";

uint32_t ckpt_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_all(int fd, const void *buf, size_t len, struct vps_err *err)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vps_error(err, errno, "writing process image");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ckpt_file_header(int fd, struct vps_err *err)
{
	uint8_t h[CKPT_FILE_HEADER];

	memcpy(h, magic, 8);
	le32(h + 8, CKPT_FILE_VERSION);
	le32(h + 12, ckpt_crc32(0, h, 12));
	return write_all(fd, h, sizeof(h), err);
}

int ckpt_file_put(void *ctx, uint32_t type, const void *meta, uint32_t meta_len,
		  const void *data, uint32_t data_len, struct vps_err *err)
{
	int fd = *(int *)ctx;
	uint8_t h[16], t[4];
	uint32_t crc;

	le32(h, type);
	le32(h + 4, meta_len);
	le32(h + 8, data_len);
	le32(h + 12, ckpt_crc32(0, h, 12));
	crc = ckpt_crc32(ckpt_crc32(ckpt_crc32(0, h, 16), meta, meta_len), data, data_len);
	le32(t, crc);
	if (write_all(fd, h, 16, err) || write_all(fd, meta, meta_len, err) ||
	    write_all(fd, data, data_len, err) || write_all(fd, t, 4, err))
		return -1;
	return 0;
}

int ckpt_file_open(struct ckpt_file_reader *r, const void *buf, size_t len, struct vps_err *err)
{
	const uint8_t *p = buf;

	memset(r, 0, sizeof(*r));
	if (len < CKPT_FILE_HEADER || memcmp(p, magic, 8))
		return vps_error(err, 0, "not a process image (no VPSCKPT header)");
	if (get32(p + 12) != ckpt_crc32(0, p, 12))
		return vps_error(err, 0, "corrupt process image header (checksum mismatch)");
	if (get32(p + 8) != CKPT_FILE_VERSION)
		return vps_error(err, 0, "process image version %u is not supported (this is version %u)",
				 get32(p + 8), CKPT_FILE_VERSION);
	r->buf = p;
	r->len = len;
	r->off = CKPT_FILE_HEADER;
	return 0;
}

int ckpt_file_get(void *ctx, uint32_t *type, const void **meta, uint32_t *meta_len,
		  const void **data, uint32_t *data_len, struct vps_err *err)
{
	struct ckpt_file_reader *r = ctx;
	const uint8_t *h = r->buf + r->off;
	size_t left = r->len - r->off, body;

	if (!left)
		return 0;
	if (left < 16)
		return vps_error(err, 0, "process image truncated at byte %zu", r->len);
	if (get32(h + 12) != ckpt_crc32(0, h, 12))
		return vps_error(err, 0, "corrupt process image record at byte %zu (header checksum mismatch)",
				 r->off);
	*type = get32(h);
	*meta_len = get32(h + 4);
	*data_len = get32(h + 8);
	if (*meta_len > CKPT_MAX_META || *data_len > CKPT_MAX_PAGES_DATA + CKPT_MAX_PATH * 3)
		return vps_error(err, 0, "corrupt process image record at byte %zu (impossible size)", r->off);
	body = (size_t)*meta_len + *data_len;
	if (left - 16 < body + 4)
		return vps_error(err, 0, "process image truncated at byte %zu", r->len);
	if (get32(h + 16 + body) != ckpt_crc32(0, h, 16 + body))
		return vps_error(err, 0, "corrupt process image record at byte %zu (checksum mismatch)", r->off);
	*meta = h + 16;
	*data = h + 16 + *meta_len;
	r->off += 16 + body + 4;
	return 1;
}
