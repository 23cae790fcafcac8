/* Native test of common/sha256.c and common/hmac_sha256.c against the published vectors:
 * FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA256_2Msg.pdf", the million-'a' message) and
 * RFC 4231 test cases 1-7 (case 5 compares the first 128 bits, as the RFC does). */
#include "../common/hmac_sha256.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static void unhex(const char *hex, unsigned char *out, size_t *len)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned int b;
		sscanf(hex, "%2x", &b);
		out[n++] = (unsigned char)b;
	}
	*len = n;
}

static void tohex(const unsigned char *d, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_sha(const char *msg, size_t len, const char *want)
{
	struct sha256_ctx s;
	unsigned char d[SHA256_LEN];
	char hex[65];

	sha256_init(&s);
	sha256_update(&s, msg, len);
	sha256_final(&s, d);
	tohex(d, sizeof(d), hex);
	CHECK(!strcmp(hex, want), "SHA-256 of %zu bytes `%.20s`: %s, want %s", len, msg, hex, want);
	/* the same message fed one byte at a time */
	sha256_init(&s);
	for (size_t i = 0; i < len; i++)
		sha256_update(&s, msg + i, 1);
	sha256_final(&s, d);
	tohex(d, sizeof(d), hex);
	CHECK(!strcmp(hex, want), "SHA-256 bytewise of `%.20s`: %s", msg, hex);
}

static void test_sha256(void)
{
	static char million[1000000];
	struct sha256_ctx s;
	unsigned char d[SHA256_LEN];
	char hex[65];

	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
		  "mnopqrstnopqrstu", 112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	memset(million, 'a', sizeof(million));
	sha256_init(&s);
	sha256_update(&s, million, 999999);
	sha256_update(&s, million, 1);
	sha256_final(&s, d);
	tohex(d, sizeof(d), hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "million a: %s", hex);
}

/* RFC 4231 cases 6 and 7: a key of 131 bytes 0xaa (longer than a block) */
#define AA20 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AA131 AA20 AA20 AA20 AA20 AA20 AA20 "aaaaaaaaaaaaaaaaaaaaaa"

static void test_hmac(void)
{
	static const struct {
		const char *key, *data, *mac;	/* hex, hex, hex (case 5: the first 16 bytes) */
	} cases[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
		  "a3b6167473100ee06e0c796c2955552b" },
		{ AA131,
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669"
		  "727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ AA131,
		  "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920"
		  "616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320"
		  "746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f7269"
		  "74686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char key[256], data[256], mac[SHA256_LEN];
		size_t klen, dlen, want = strlen(cases[i].mac) / 2;
		struct hmac_sha256 h;
		char hex[65];

		unhex(cases[i].key, key, &klen);
		unhex(cases[i].data, data, &dlen);
		hmac_sha256(key, klen, data, dlen, mac);
		tohex(mac, want, hex);
		CHECK(!strcmp(hex, cases[i].mac), "RFC 4231 case %zu: %s", i + 1, hex);
		/* streaming in two pieces gives the same */
		hmac_sha256_init(&h, key, klen);
		hmac_sha256_update(&h, data, dlen / 2);
		hmac_sha256_update(&h, data + dlen / 2, dlen - dlen / 2);
		hmac_sha256_final(&h, mac);
		tohex(mac, want, hex);
		CHECK(!strcmp(hex, cases[i].mac), "RFC 4231 case %zu streamed: %s", i + 1, hex);
	}
}

static void test_mac_equal(void)
{
	unsigned char a[SHA256_LEN] = { 1, 2, 3 }, b[SHA256_LEN] = { 1, 2, 3 };

	CHECK(mac_equal(a, b, sizeof(a)), "equal MACs");
	b[31] ^= 0x80;
	CHECK(!mac_equal(a, b, sizeof(a)), "last bit differs");
	b[31] ^= 0x80;
	b[0] ^= 1;
	CHECK(!mac_equal(a, b, sizeof(a)), "first bit differs");
}

int main(void)
{
	test_sha256();
	test_hmac();
	test_mac_equal();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
