/* The source's side of a migration connection (MIGRATE.md), shared by `vpsctl migrate` and the
 * test source `vpstest migsend`: connect, answer the target's challenge, send the signed header,
 * the stream and its MAC, read the signed reply, commit. */
#ifndef VPS_MIG_CLIENT_H
#define VPS_MIG_CLIENT_H

#include <netinet/in.h>
#include <stdint.h>
#include "../common/error.h"
#include "migrate_proto.h"

struct mig_client {
	int fd;
	struct mig_session s;
	char refusal[MIG_LINE_MAX];	/* the target's ERR text */
	uint64_t sent;			/* stream bytes sent */
};

/* Load the lab key from key_path (nothing is sent without it), connect within connect_ms, read the challenge
 * and send the header; replies wait at most reply_ms. 0, 1 when the target refused at once
 * (c->refusal), -1 with err. c->fd is -1 or open on return: the caller closes it. */
int mig_client_open(struct mig_client *c, const char *key_path, const struct in_addr *target, int port,
		    unsigned int id, enum vps_state state, int connect_ms, int reply_ms, struct vps_err *err);
/* The stream from src (until EOF; c->sent counts it), its MAC, then the target's reply: 0 on a signed OK (*ms set),
 * 1 on ERR (c->refusal), -1 with err. */
int mig_client_send(struct mig_client *c, int src, long *ms, struct vps_err *err);
int mig_client_commit(struct mig_client *c, struct vps_err *err);

#endif
