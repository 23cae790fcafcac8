#include "mig_auth.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

void mig_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int mig_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t len)
{
	if (hexlen != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int mig_nonce(char out[MIG_HEX_LEN + 1], struct vps_err *err)
{
	unsigned char n[MIG_NONCE_LEN];
	ssize_t got;

	do
		got = getrandom(n, sizeof(n), 0);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(n))
		return vps_error(err, got < 0 ? errno : EIO, "make a migration nonce: getrandom");
	mig_hex(n, sizeof(n), out);
	return 0;
}

static void mac_start(const struct mig_session *s, const char *what, struct hmac_sha256 *h)
{
	hmac_sha256_init(h, s->key, sizeof(s->key));
	hmac_sha256_update(h, what, strlen(what));
	hmac_sha256_update(h, "\n", 1);
	hmac_sha256_update(h, s->tnonce, strlen(s->tnonce));
	hmac_sha256_update(h, "\n", 1);
	hmac_sha256_update(h, s->snonce, strlen(s->snonce));
	hmac_sha256_update(h, "\n", 1);
}

void mig_mac(const struct mig_session *s, const char *what, const char *text, char out[MIG_HEX_LEN + 1])
{
	struct hmac_sha256 h;
	unsigned char mac[SHA256_LEN];

	mac_start(s, what, &h);
	hmac_sha256_update(&h, text, strlen(text));
	hmac_sha256_final(&h, mac);
	mig_hex(mac, sizeof(mac), out);
}

int mig_mac_check(const struct mig_session *s, const char *what, const char *text, const char *mac,
		  struct vps_err *err)
{
	char want[MIG_HEX_LEN + 1];

	mig_mac(s, what, text, want);
	if (strlen(mac) != MIG_HEX_LEN || !mac_equal((const unsigned char *)want, (const unsigned char *)mac, MIG_HEX_LEN))
		return vps_error(err, 0, "the peer's %s is not signed with this lab's key (authentication failed)", what);
	return 0;
}

void mig_stream_mac_init(const struct mig_session *s, struct hmac_sha256 *h)
{
	mac_start(s, "stream", h);
}
