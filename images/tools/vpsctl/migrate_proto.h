/* The wire protocol of `vpsctl migrate` (source) and `vpsctl receive` (target), see MIGRATE.md:
 *   target: "VPSRECEIVE 2 <target nonce>\n" (or "ERR <one line>\n")
 *   source: "VPSMIGRATE 2 <id> <running|suspended|stopped> <source nonce> <mac>\n", then a snapshot
 *           stream (SNAPSHOT.md) in frames (mig_stream.h), then "MAC <mac of the stream>\n"
 *   target: "OK <ms> <mac>\n" once the VPS runs there as it ran here, or "ERR <one line>\n" with
 *           nothing left
 *   source: "COMMIT <mac>\n" after which the source removes its copy and the target announces the
 *           addresses.
 * Every <mac> is an HMAC-SHA-256 with the lab key over both nonces (mig_auth.h). The pure parts
 * live here so that they are tested natively. */
#ifndef VPS_MIGRATE_PROTO_H
#define VPS_MIGRATE_PROTO_H

#include <netinet/in.h>
#include <stddef.h>
#include "../common/error.h"
#include "mig_auth.h"
#include "runtime.h"

#define MIG_PORT 7070
#define MIG_VERSION 2
#define MIG_LINE_MAX 512
/* The lab LAN (src/core/lab/lab-network.ts): the only peers a receiver talks to. */
#define MIG_LAN_PREFIX "192.168.100."
#define MIG_LAN_NET 0xc0a86400u	/* 192.168.100.0/24, host byte order */
#define MIG_LAN_MASK 0xffffff00u

/* "VPSRECEIVE 2 <tnonce>\n" into buf; returns its length. */
size_t mig_challenge_format(char *buf, size_t len, const char *tnonce);
/* The target's first line: 0 with s->tnonce set, 1 for "ERR <msg>" (msg filled), -1 with err. */
int mig_challenge_parse(const char *line, struct mig_session *s, char *msg, size_t msglen, struct vps_err *err);
/* "VPSMIGRATE 2 <id> <state> <snonce> <mac>\n" into buf, signed with s; returns its length. */
size_t mig_header_format(char *buf, size_t len, unsigned int id, enum vps_state state, const struct mig_session *s);
/* Parse a header line (without its "\n") and check its MAC: s->snonce is set from it; an unsigned
 * or wrongly signed header is an error before anything else happens. */
int mig_header_parse(const char *line, struct mig_session *s, unsigned int *id, enum vps_state *state,
		     struct vps_err *err);
/* 1 if a peer may migrate to us: an address on the lab LAN that is not its network or broadcast. */
int mig_peer_allowed(const struct in_addr *peer);
/* The target of `vpsctl migrate`: a lab address ("192.168.100.2") or a lab host name ("host2"). */
int mig_host_parse(const char *arg, struct in_addr *addr, struct vps_err *err);
/* "OK <ms> <mac>\n" into buf, signed with s. */
size_t mig_ok_format(char *buf, size_t len, long ms, const struct mig_session *s);
/* Parse the target's reply: 0 for a correctly signed "OK <ms> <mac>" (*ms set), 1 for "ERR <msg>"
 * (msg filled), -1 with err for anything else (an OK without the lab's signature among them). */
int mig_reply_parse(const char *line, const struct mig_session *s, long *ms, char *msg, size_t msglen,
		    struct vps_err *err);
/* "COMMIT <mac>\n" into buf, and its check. */
size_t mig_commit_format(char *buf, size_t len, const struct mig_session *s);
int mig_commit_parse(const char *line, const struct mig_session *s, struct vps_err *err);
/* Read one line (up to "\n", which is dropped) of at most len-1 bytes, one byte at a time so that
 * nothing after it is consumed; EOF, an overlong line, a NUL or a timeout is an error naming what. */
int mig_read_line(int fd, char *buf, size_t len, const char *what, struct vps_err *err);
/* Write all of s (a line) to fd. */
int mig_write_line(int fd, const char *s, const char *what, struct vps_err *err);

#endif
