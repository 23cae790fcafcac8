/* The stand-alone process image file: header (8: magic "VPSCKPT\x1a", 4: version, 4: CRC-32 of
 * the 12 bytes before), then records: 4: type, 4: meta length, 4: data length, 4: CRC-32 of
 * those 12 bytes, meta, data, 4: CRC-32 of the record's header, meta and data. Little-endian. */
#ifndef VPS_CKPT_FILE_H
#define VPS_CKPT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"

#define CKPT_FILE_VERSION	2
#define CKPT_FILE_HEADER	16

uint32_t ckpt_crc32(uint32_t crc, const void *buf, size_t len);

/* Writing to an fd: the header, then ckpt_file_put as a ckpt_writer's put (ctx: int *fd). */
int ckpt_file_header(int fd, struct vps_err *err);
int ckpt_file_put(void *ctx, uint32_t type, const void *meta, uint32_t meta_len,
		  const void *data, uint32_t data_len, struct vps_err *err);

/* Reading from a buffer holding the whole file: ckpt_file_get is a ckpt_reader's get. */
struct ckpt_file_reader {
	const uint8_t *buf;
	size_t len, off;
};
int ckpt_file_open(struct ckpt_file_reader *r, const void *buf, size_t len, struct vps_err *err);
int ckpt_file_get(void *ctx, uint32_t *type, const void **meta, uint32_t *meta_len,
		  const void **data, uint32_t *data_len, struct vps_err *err);

#endif
