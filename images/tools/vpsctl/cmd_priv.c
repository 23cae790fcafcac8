/* vpsctl priv <id> allow|deny cap,...: change the capability set in the config and, where Linux
 * allows it, in the running VPS (priv_change.c). */
#include <stdio.h>
#include <string.h>
#include "caps.h"
#include "commands.h"
#include "priv_change.h"

int cmd_priv(int argc, char **argv)
{
	struct vps_err err = { 0 };
	struct vps_priv_change c;
	uint64_t mask = 0;
	char names[512], missing[512];
	unsigned int id;
	int deny;

	if (argc != 4)
		return usage_error("priv", "expects an id, allow or deny, and capabilities");
	if (strcmp(argv[2], "allow") && strcmp(argv[2], "deny"))
		return usage_error("priv", "`%s` is neither allow nor deny", argv[2]);
	deny = !strcmp(argv[2], "deny");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	if (vps_caps_parse(argv[3], &mask, &err) < 0 || (mask == 0 && vps_error(&err, 0, "no capability given"))) {
		vps_error_wrap(&err, "priv VPS %u", id);
		return fail(&err);
	}
	if (vps_priv_change(id, deny, mask, &c, &err) < 0)
		return fail(&err);
	vps_caps_format(mask, names, sizeof(names));
	if (!c.live) {
		printf("VPS %u: %s %s: saved (VPS %u is stopped: it applies at start)\n", id, argv[2], names, id);
	} else if (deny && c.state == VPS_SUSPENDED) {
		printf("VPS %u: deny %s: saved; every process drops them when VPS %u resumes\n", id, names, id);
	} else if (deny) {
		printf("VPS %u: deny %s: dropped from every running process and saved\n", id, names);
	} else if (mask & ~c.running) {
		vps_caps_format(mask & ~c.running, missing, sizeof(missing));
		printf("VPS %u: allow %s: saved for the next start\n", id, names);
		fprintf(stderr, "vpsctl: priv: VPS %u keeps running without %s: Linux cannot add capabilities to the "
			"bounding set of running processes (restart VPS %u to apply)\n", id, missing, id);
	} else {
		printf("VPS %u: allow %s: saved (the running VPS has them already)\n", id, names);
	}
	return 0;
}
