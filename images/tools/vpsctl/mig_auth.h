/* Authentication of a migration (MIGRATE.md): both ends hold the lab key; each sends a fresh
 * nonce; every message that changes something carries an HMAC-SHA-256 bound to both nonces, so
 * nothing recorded from one migration is accepted in another. */
#ifndef VPS_MIG_AUTH_H
#define VPS_MIG_AUTH_H

#include <stddef.h>
#include "../common/error.h"
#include "../common/hmac_sha256.h"

#define MIG_NONCE_LEN 32
#define MIG_HEX_LEN 64		/* a nonce or a MAC as lower-case hex */

struct mig_session {
	unsigned char key[32];
	char tnonce[MIG_HEX_LEN + 1];	/* the target's challenge */
	char snonce[MIG_HEX_LEN + 1];	/* the source's */
};

/* len bytes as lower-case hex into out (2 * len + 1 bytes). */
void mig_hex(const unsigned char *in, size_t len, char *out);
/* Exactly 2 * len hex digits (either case) into out; -1 otherwise. */
int mig_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t len);
/* A fresh random nonce, as hex, from the kernel's CSPRNG. */
int mig_nonce(char out[MIG_HEX_LEN + 1], struct vps_err *err);
/* HMAC(key, what "\n" tnonce "\n" snonce "\n" text) as hex: `what` names the message
 * ("header", "ok", "commit"), so a MAC of one kind never passes for another. */
void mig_mac(const struct mig_session *s, const char *what, const char *text, char out[MIG_HEX_LEN + 1]);
/* 0 if mac is mig_mac(s, what, text), compared in constant time; else -1 naming what failed. */
int mig_mac_check(const struct mig_session *s, const char *what, const char *text, const char *mac,
		  struct vps_err *err);
/* The MAC over the stream: HMAC(key, "stream\n" tnonce "\n" snonce "\n" stream bytes), started. */
void mig_stream_mac_init(const struct mig_session *s, struct hmac_sha256 *h);

#endif
