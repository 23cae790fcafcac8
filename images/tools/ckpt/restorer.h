/* The restorer's shared pieces: a task reports its failure on the shared page and exits. */
#ifndef VPS_CKPT_RESTORER_H
#define VPS_CKPT_RESTORER_H

#include "blob.h"
#include "ckpt_image.h"

/* fds at TRANSPORT_FD + i hold file i of the image while the tree is made */
#define TRANSPORT_FD	CKPT_MAX_FDNUM

struct restorer {
	const struct ckpt_image *img;
	const struct ckpt_restore_opts *o;
	struct blob_shared *sh;
	uint32_t shared_len;
};

/* Report "restoring process N (comm): msg" on the shared page (the first failure wins) and exit. */
void restore_fail(struct restorer *r, const struct ckpt_task *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#endif
