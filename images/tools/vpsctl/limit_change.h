/* Changing a VPS's limits: `vpsctl limit`. */
#ifndef VPS_LIMIT_CHANGE_H
#define VPS_LIMIT_CHANGE_H

#include "../common/error.h"
#include "config.h"

struct vps_limit_change {
	struct vps_config listed;	/* the resources named (limits[r].set) */
	struct vps_config next;		/* the config as saved */
	int running;			/* the VPS runs: the limits were applied live too */
	char notes[RES_COUNT][256];	/* what applying a resource live left to say ("" if nothing) */
};

/* Set the limits of the n lists ("phys:64M:128M,procs:20:20") in VPS id's config and, on a
 * running VPS, live: all of them or none (those applied are put back when a later one fails). */
int vps_limits_change(unsigned int id, char *const *lists, int n, struct vps_limit_change *c, struct vps_err *err);

#endif
