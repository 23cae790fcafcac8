/* vpsctl abort <id>: kill every process of a VPS at once (no TERM, no grace time; a suspended
 * VPS is killed frozen), then tear it down as stop does. */
#include <stdio.h>
#include "commands.h"
#include "lifecycle.h"

int cmd_abort(int argc, char **argv)
{
	struct vps_err err = { 0 };
	unsigned int id;

	if (argc != 2)
		return usage_error("abort", "expects one id");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	if (vps_stop_how(id, 0, &err) < 0)
		return fail(&err);
	printf("VPS %u aborted\n", id);
	return 0;
}
