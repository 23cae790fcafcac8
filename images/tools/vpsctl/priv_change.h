/* Changing a VPS's capability set: `vpsctl priv`. */
#ifndef VPS_PRIV_CHANGE_H
#define VPS_PRIV_CHANGE_H

#include <stdint.h>
#include "../common/error.h"
#include "runtime.h"

struct vps_priv_change {
	int live;		/* the VPS runs and its INIT's bounding set was read */
	enum vps_state state;
	uint64_t running;	/* that bounding set (live only) */
};

/* Allow (deny 0) or deny the capabilities of mask in VPS id's config. deny also takes them from
 * every running task and waits until each has dropped them (a suspended VPS's tasks drop them
 * when it resumes); allow applies at the next start. */
int vps_priv_change(unsigned int id, int deny, uint64_t mask, struct vps_priv_change *c, struct vps_err *err);

#endif
