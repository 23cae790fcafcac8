#include "migrate_proto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"

static const char *const state_words[] = { "stopped", "running", "suspended" };

size_t mig_header_format(char *buf, size_t len, unsigned int id, enum vps_state state)
{
	int n = snprintf(buf, len, "VPSMIGRATE %d %u %s\n", MIG_VERSION, id, state_words[state]);

	return n < 0 ? 0 : (size_t)n;
}

int mig_header_parse(const char *line, unsigned int *id, enum vps_state *state, struct vps_err *err)
{
	char idtext[16], word[16], extra;
	unsigned int version;

	if (strncmp(line, "VPSMIGRATE ", 11))
		return vps_error(err, 0, "not a migration request (it must start with `VPSMIGRATE`)");
	if (sscanf(line + 11, "%u %15s %15s %c", &version, idtext, word, &extra) != 3)
		return vps_error(err, 0, "malformed migration header `%.80s` (want `VPSMIGRATE %d <id> <state>`)", line,
				 MIG_VERSION);
	if (version != MIG_VERSION)
		return vps_error(err, 0, "migration protocol version %u is not supported (this vpsctl speaks %d)", version,
				 MIG_VERSION);
	if (vps_parse_id(idtext, id, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(state_words) / sizeof(state_words[0]); i++)
		if (!strcmp(word, state_words[i])) {
			*state = (enum vps_state)i;
			return 0;
		}
	return vps_error(err, 0, "unknown VPS state `%s` in the migration header", word);
}

int mig_peer_allowed(const struct in_addr *peer)
{
	uint32_t a = ntohl(peer->s_addr);

	return (a & MIG_LAN_MASK) == MIG_LAN_NET && (a & ~MIG_LAN_MASK) != 0 && (a & ~MIG_LAN_MASK) != 255;
}

int mig_host_parse(const char *arg, struct in_addr *addr, struct vps_err *err)
{
	char ip[32], *end;
	unsigned long n;

	if (!strncmp(arg, "host", 4) && arg[4] >= '0' && arg[4] <= '9') {
		n = strtoul(arg + 4, &end, 10);
		if (*end || n < 1 || n > 254 || arg[4] == '0')
			return vps_error(err, 0, "`%s` is not a lab host (host1 .. host254)", arg);
		snprintf(ip, sizeof(ip), MIG_LAN_PREFIX "%lu", n);
		arg = ip;
	}
	if (inet_pton(AF_INET, arg, addr) != 1)
		return vps_error(err, 0, "`%s` is neither a lab address (" MIG_LAN_PREFIX "N) nor a lab host (hostN)", arg);
	if (!mig_peer_allowed(addr))
		return vps_error(err, 0, "%s is not a host on the lab network " MIG_LAN_PREFIX "0/24", arg);
	return 0;
}

int mig_reply_parse(const char *line, long *ms, char *msg, size_t msglen, struct vps_err *err)
{
	char *end;

	if (!strncmp(line, "OK ", 3)) {
		errno = 0;
		*ms = strtol(line + 3, &end, 10);
		if (end == line + 3 || *end || *ms < 0 || errno)
			return vps_error(err, 0, "malformed reply `%.80s` from the target", line);
		return 0;
	}
	if (!strncmp(line, "ERR ", 4) && line[4]) {
		snprintf(msg, msglen, "%s", line + 4);
		return 1;
	}
	return vps_error(err, 0, "unexpected reply `%.80s` from the target", line);
}

int mig_read_line(int fd, char *buf, size_t len, const char *what, struct vps_err *err)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t k = read(fd, &c, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vps_error(err, errno, "read %s", what);
		if (k == 0)
			return vps_error(err, 0, "read %s: the connection closed%s", what, n ? " mid-line" : "");
		if (c == '\n')
			break;
		if (c == '\0' || n + 1 >= len)
			return vps_error(err, 0, "read %s: %s", what, c ? "line too long" : "a NUL byte in the line");
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

int mig_write_line(int fd, const char *s, const char *what, struct vps_err *err)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t k = write(fd, s + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vps_error(err, errno, "send %s", what);
		off += (size_t)k;
	}
	return 0;
}
