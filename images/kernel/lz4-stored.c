/*
 * lz4-stored: writes its input as an LZ4 legacy stream (the format of `lz4 -l`, which the
 * kernel build asks for with CONFIG_KERNEL_LZ4) in which every block is one run of literals.
 *
 * Why: the bzImage's decompressor then copies the kernel instead of decoding it, which the
 * emulated CPU does with one `rep movs` per block instead of seconds of LZ4 decoding. The page
 * downloads the bzImage gzip'd, and gzip compresses the plain kernel better than it compresses
 * LZ4 output, so nothing gets bigger over the wire.
 *
 * Usage, as the kernel's scripts/Makefile.lib calls $(LZ4): lz4-stored -l -9 - -
 * (any other arguments are an error). Same input, same bytes out.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEGACY_MAGIC 0x184C2102u
/* The legacy format's fixed uncompressed block size (LZ4_DEFAULT_UNCOMPRESSED_CHUNK_SIZE). */
#define CHUNK (8u << 20)

static int put_le32(uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
	return fwrite(b, 1, 4, stdout) == 4 ? 0 : -1;
}

/* One block: its size, a token with no match, the literal length in LZ4's 15 + 255... encoding,
 * then the bytes themselves. */
static int put_block(const unsigned char *data, uint32_t len)
{
	unsigned char head[1 + CHUNK / 255 + 1];
	uint32_t at = 0;

	if (len < 15) {
		head[at++] = (unsigned char)(len << 4);
	} else {
		uint32_t rest = len - 15;

		head[at++] = 0xf0;
		for (; rest >= 255; rest -= 255)
			head[at++] = 255;
		head[at++] = (unsigned char)rest;
	}
	if (put_le32(at + len) != 0 || fwrite(head, 1, at, stdout) != at || fwrite(data, 1, len, stdout) != len)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[CHUNK];

	if (argc != 5 || strcmp(argv[1], "-l") != 0 || strcmp(argv[2], "-9") != 0 ||
	    strcmp(argv[3], "-") != 0 || strcmp(argv[4], "-") != 0) {
		fprintf(stderr, "usage: lz4-stored -l -9 - - (reads stdin, writes stdout)\n");
		return 2;
	}
	if (put_le32(LEGACY_MAGIC) != 0)
		goto write_error;
	for (;;) {
		size_t n = fread(buf, 1, CHUNK, stdin);

		if (n == 0 && ferror(stdin)) {
			fprintf(stderr, "lz4-stored: read stdin: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (put_block(buf, (uint32_t)n) != 0)
			goto write_error;
		if (n < CHUNK)
			break;
	}
	if (fflush(stdout) != 0)
		goto write_error;
	return 0;

write_error:
	fprintf(stderr, "lz4-stored: write stdout: %s\n", strerror(errno));
	return 1;
}
