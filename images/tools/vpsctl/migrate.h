/* Moving a VPS to another lab host, the source's side: `vpsctl migrate` (MIGRATE.md). */
#ifndef VPS_MIGRATE_H
#define VPS_MIGRATE_H

#include <netinet/in.h>
#include <stdint.h>
#include "../common/error.h"
#include "runtime.h"

struct vps_migration {
	enum vps_state state;	/* the VPS's state here when it left: the same on the target */
	uint64_t entries;	/* objects sent */
	uint64_t bytes;		/* stream bytes sent */
	long long total_ms;	/* the whole migration */
	long target_ms;		/* the target's restore and start, as it reports */
};

/* Move VPS id to the lab host at target: 0 once it runs there and its copy here is gone. On
 * failure err says where it runs: here (thawed, as it was) unless the target already took it;
 * then a copy may be left here, and err says how to remove it. Warns on stderr when a VPS that
 * stays here cannot be thawed. */
int vps_migrate(unsigned int id, const struct in_addr *target, struct vps_migration *m, struct vps_err *err);

#endif
