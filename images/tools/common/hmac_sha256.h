/* HMAC-SHA-256 (RFC 2104, FIPS 198-1), streaming, and a constant-time comparison of MACs. */
#ifndef VPS_HMAC_SHA256_H
#define VPS_HMAC_SHA256_H

#include <stddef.h>
#include "sha256.h"

struct hmac_sha256 {
	struct sha256_ctx inner, outer;
};

/* Keys longer than a block are hashed first, as the RFC says. */
void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t key_len);
void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[SHA256_LEN]);
/* One message at once. */
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, unsigned char out[SHA256_LEN]);
/* 1 if a and b (len bytes) are equal; the time taken does not depend on where they differ. */
int mac_equal(const unsigned char *a, const unsigned char *b, size_t len);

#endif
