/* vpsctl receive [--port N] [--max-stream SIZE]: the target side of `vpsctl migrate` (receive.c).
 * Runs from inittab; reports go to stderr, one line per event. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "migrate_proto.h"
#include "receive.h"

/* The most stream bytes one migration may send (the host's root lives in its 128 MB of RAM);
 * `--max-stream` changes it. A VPS with a disk limit is held to that as well by its disk image. */
#define DEFAULT_MAX_STREAM (32ULL << 20)

/* "64M", "512K", "1000000": bytes, at least 1 KiB. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v < 1024)
		return -1;
	*out = v;
	return 0;
}

int cmd_receive(int argc, char **argv)
{
	struct vps_err err = { 0 };
	uint64_t max_stream = DEFAULT_MAX_STREAM;
	int port = MIG_PORT;
	char *end;

	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage_error("receive", "`%s` needs a value", argv[i]);
		if (!strcmp(argv[i], "--port")) {
			long p = strtol(argv[i + 1], &end, 10);
			if (*end || end == argv[i + 1] || p < 1 || p > 65535)
				return usage_error("receive", "port `%s` is not 1..65535", argv[i + 1]);
			port = (int)p;
		} else if (!strcmp(argv[i], "--max-stream")) {
			if (parse_size(argv[i + 1], &max_stream) < 0)
				return usage_error("receive", "--max-stream `%s` is not a size of at least 1K (e.g. 64M)",
						   argv[i + 1]);
		} else
			return usage_error("receive", "takes no arguments but --port N and --max-stream SIZE");
	}
	vps_receive_serve(port, max_stream, &err);	/* returns only when it cannot listen */
	return fail(&err);
}
