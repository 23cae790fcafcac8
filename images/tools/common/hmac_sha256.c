/* HMAC-SHA-256: H((K ^ opad) || H((K ^ ipad) || message)). */
#include "hmac_sha256.h"

#include <string.h>

void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t key_len)
{
	unsigned char k[SHA256_BLOCK] = { 0 }, pad[SHA256_BLOCK];

	if (key_len > SHA256_BLOCK) {
		sha256_init(&h->inner);
		sha256_update(&h->inner, key, key_len);
		sha256_final(&h->inner, k);
	} else if (key_len)
		memcpy(k, key, key_len);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&h->inner);
	sha256_update(&h->inner, pad, sizeof(pad));
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&h->outer);
	sha256_update(&h->outer, pad, sizeof(pad));
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
}

void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->inner, data, len);
}

void hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[SHA256_LEN])
{
	unsigned char inner[SHA256_LEN];

	sha256_final(&h->inner, inner);
	sha256_update(&h->outer, inner, sizeof(inner));
	sha256_final(&h->outer, out);
	memset(h, 0, sizeof(*h));
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, key_len);
	hmac_sha256_update(&h, data, len);
	hmac_sha256_final(&h, out);
}

int mac_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	unsigned char diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}
