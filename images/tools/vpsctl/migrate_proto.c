#include "migrate_proto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/fileio.h"
#include "config.h"

static const char *const state_words[] = { "stopped", "running", "suspended" };

size_t mig_challenge_format(char *buf, size_t len, const char *tnonce)
{
	int n = snprintf(buf, len, "VPSRECEIVE %d %s\n", MIG_VERSION, tnonce);

	return n < 0 ? 0 : (size_t)n;
}

/* "ERR <msg>": 1 with msg filled, else 0. */
static int refusal(const char *line, char *msg, size_t msglen)
{
	if (strncmp(line, "ERR ", 4) || !line[4])
		return 0;
	snprintf(msg, msglen, "%s", line + 4);
	return 1;
}

int mig_challenge_parse(const char *line, struct mig_session *s, char *msg, size_t msglen, struct vps_err *err)
{
	char nonce[MIG_HEX_LEN + 2], extra;
	unsigned char raw[MIG_NONCE_LEN];
	unsigned int version;

	if (refusal(line, msg, msglen))
		return 1;
	if (sscanf(line, "VPSRECEIVE %u %65s %c", &version, nonce, &extra) != 2)
		return vps_error(err, 0, "the target did not answer as `vpsctl receive` (`%.80s`)", line);
	if (version != MIG_VERSION)
		return vps_error(err, 0, "the target speaks migration protocol version %u (this vpsctl speaks %d)", version,
				 MIG_VERSION);
	if (mig_unhex(nonce, strlen(nonce), raw, sizeof(raw)) < 0)
		return vps_error(err, 0, "the target's challenge `%.80s` is malformed", line);
	snprintf(s->tnonce, sizeof(s->tnonce), "%s", nonce);
	return 0;
}

size_t mig_header_format(char *buf, size_t len, unsigned int id, enum vps_state state, const struct mig_session *s)
{
	char what[32], mac[MIG_HEX_LEN + 1];
	int n;

	snprintf(what, sizeof(what), "%u %s", id, state_words[state]);
	mig_mac(s, "header", what, mac);
	n = snprintf(buf, len, "VPSMIGRATE %d %s %s %s\n", MIG_VERSION, what, s->snonce, mac);
	return n < 0 ? 0 : (size_t)n;
}

int mig_header_parse(const char *line, struct mig_session *s, unsigned int *id, enum vps_state *state,
		     struct vps_err *err)
{
	char idtext[16], word[16], nonce[MIG_HEX_LEN + 2], mac[MIG_HEX_LEN + 2], what[32], extra;
	unsigned char raw[MIG_NONCE_LEN];
	unsigned int version;
	size_t i;

	if (strncmp(line, "VPSMIGRATE ", 11))
		return vps_error(err, 0, "not a migration request (it must start with `VPSMIGRATE`)");
	if (sscanf(line + 11, "%u", &version) == 1 && version != MIG_VERSION)
		return vps_error(err, 0, "migration protocol version %u is not supported (this vpsctl speaks %d)", version,
				 MIG_VERSION);
	if (sscanf(line + 11, "%u %15s %15s %65s %65s %c", &version, idtext, word, nonce, mac, &extra) != 5)
		return vps_error(err, 0, "malformed migration header `%.80s` (want `VPSMIGRATE %d <id> <state> <nonce> "
				 "<mac>`)", line, MIG_VERSION);
	if (vps_parse_id(idtext, id, err) < 0)
		return -1;
	for (i = 0; i < sizeof(state_words) / sizeof(state_words[0]) && strcmp(word, state_words[i]); i++)
		;
	if (i == sizeof(state_words) / sizeof(state_words[0]))
		return vps_error(err, 0, "unknown VPS state `%s` in the migration header", word);
	*state = (enum vps_state)i;
	if (mig_unhex(nonce, strlen(nonce), raw, sizeof(raw)) < 0)
		return vps_error(err, 0, "malformed nonce in the migration header");
	snprintf(s->snonce, sizeof(s->snonce), "%s", nonce);
	snprintf(what, sizeof(what), "%u %s", *id, word);
	return mig_mac_check(s, "header", what, mac, err);
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

size_t mig_ok_format(char *buf, size_t len, long ms, const struct mig_session *s)
{
	char text[32], mac[MIG_HEX_LEN + 1];
	int n;

	snprintf(text, sizeof(text), "%ld", ms);
	mig_mac(s, "ok", text, mac);
	n = snprintf(buf, len, "OK %s %s\n", text, mac);
	return n < 0 ? 0 : (size_t)n;
}

int mig_reply_parse(const char *line, const struct mig_session *s, long *ms, char *msg, size_t msglen,
		    struct vps_err *err)
{
	char text[24], mac[MIG_HEX_LEN + 2], extra, *end;

	if (refusal(line, msg, msglen))
		return 1;
	if (strncmp(line, "OK ", 3) || sscanf(line + 3, "%23s %65s %c", text, mac, &extra) != 2)
		return vps_error(err, 0, "unexpected reply `%.80s` from the target", line);
	errno = 0;
	*ms = strtol(text, &end, 10);
	if (end == text || *end || *ms < 0 || errno)
		return vps_error(err, 0, "malformed reply `%.80s` from the target", line);
	return mig_mac_check(s, "ok", text, mac, err);
}

size_t mig_commit_format(char *buf, size_t len, const struct mig_session *s)
{
	char mac[MIG_HEX_LEN + 1];
	int n;

	mig_mac(s, "commit", "", mac);
	n = snprintf(buf, len, "COMMIT %s\n", mac);
	return n < 0 ? 0 : (size_t)n;
}

int mig_commit_parse(const char *line, const struct mig_session *s, struct vps_err *err)
{
	if (strncmp(line, "COMMIT ", 7))
		return vps_error(err, 0, "the source said `%.80s`", line);
	return mig_mac_check(s, "commit", "", line + 7, err);
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
	if (write_full(fd, s, strlen(s)) < 0)
		return vps_error(err, errno, "send %s", what);
	return 0;
}
