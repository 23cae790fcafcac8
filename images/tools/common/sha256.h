/* SHA-256 (FIPS 180-4), streaming: init, update any number of times, final. */
#ifndef VPS_SHA256_H
#define VPS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_BLOCK 64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[SHA256_BLOCK];
	size_t n;
};

void sha256_init(struct sha256_ctx *s);
void sha256_update(struct sha256_ctx *s, const void *data, size_t len);
/* The digest of everything given; s must be initialised again before reuse. */
void sha256_final(struct sha256_ctx *s, unsigned char out[SHA256_LEN]);

#endif
