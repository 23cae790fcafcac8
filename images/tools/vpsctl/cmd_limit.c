/* vpsctl limit <id> res:soft:hard,...: change limits in the config and, on a running VPS, live —
 * all of them or none. */
#include <stdio.h>
#include "commands.h"
#include "limit_change.h"

int cmd_limit(int argc, char **argv)
{
	struct vps_limit_change c;
	struct vps_err err = { 0 };
	unsigned int id;

	if (argc < 3)
		return usage_error("limit", "expects an id and at least one resource:soft:hard");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_limits_change(id, argv + 2, argc - 2, &c, &err) < 0)
		return fail(&err);
	for (int r = 0; r < RES_COUNT; r++) {
		char soft[32], hard[32];

		if (!c.listed.limits[r].set)
			continue;
		vps_limit_value_format(r, c.next.limits[r].soft, soft, sizeof(soft));
		vps_limit_value_format(r, c.next.limits[r].hard, hard, sizeof(hard));
		if (!c.running)
			printf("VPS %u: %s:%s:%s saved (VPS %u is stopped: it applies at start)\n", id,
			       vps_resource_name(r), soft, hard, id);
		else if (c.notes[r][0])
			printf("VPS %u: %s:%s:%s saved; %s\n", id, vps_resource_name(r), soft, hard, c.notes[r]);
		else
			printf("VPS %u: %s:%s:%s applied\n", id, vps_resource_name(r), soft, hard);
	}
	return 0;
}
