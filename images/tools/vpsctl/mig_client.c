#include "mig_client.h"

#include <stdio.h>
#include <string.h>
#include "lab_key.h"
#include "mig_stream.h"
#include "net_conn.h"

int mig_client_open(struct mig_client *c, const char *key_path, const struct in_addr *target, int port,
		    unsigned int id, enum vps_state state, int connect_ms, int reply_ms, struct vps_err *err)
{
	char line[MIG_LINE_MAX];
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (lab_key_load(key_path, c->s.key, err) < 0 || mig_nonce(c->s.snonce, err) < 0)
		return -1;
	c->fd = tcp_connect(target, port, connect_ms, err);
	if (c->fd < 0 || socket_timeouts(c->fd, reply_ms, err) < 0 ||
	    mig_read_line(c->fd, line, sizeof(line), "the target's challenge", err) < 0)
		return -1;
	rc = mig_challenge_parse(line, &c->s, c->refusal, sizeof(c->refusal), err);
	if (rc != 0)
		return rc;
	if (mig_header_format(line, sizeof(line), id, state, &c->s) == 0)
		return vps_error(err, 0, "format the migration header");
	return mig_write_line(c->fd, line, "the migration header", err);
}

int mig_client_send(struct mig_client *c, int src, long *ms, struct vps_err *err)
{
	char line[MIG_LINE_MAX];

	struct vps_err ignored;

	if (mig_stream_send(c->fd, src, &c->s, &c->sent, err) < 0) {
		/* a target that refused mid-stream said why before it closed: prefer that */
		if (mig_read_line(c->fd, line, sizeof(line), "the target's reply", &ignored) == 0 &&
		    mig_reply_parse(line, &c->s, ms, c->refusal, sizeof(c->refusal), &ignored) == 1)
			return 1;
		return -1;
	}
	if (mig_read_line(c->fd, line, sizeof(line), "the target's reply", err) < 0)
		return -1;
	return mig_reply_parse(line, &c->s, ms, c->refusal, sizeof(c->refusal), err);
}

int mig_client_commit(struct mig_client *c, struct vps_err *err)
{
	char line[MIG_LINE_MAX];

	mig_commit_format(line, sizeof(line), &c->s);
	return mig_write_line(c->fd, line, "the commit", err);
}
