/* vpsctl migrate <id> <lab host>: move a VPS to another lab host (MIGRATE.md). */
#include <arpa/inet.h>
#include <stdio.h>
#include "commands.h"
#include "migrate.h"
#include "migrate_proto.h"

int cmd_migrate(int argc, char **argv)
{
	struct vps_err err = { 0 };
	struct vps_migration m;
	struct in_addr target;
	char ip[INET_ADDRSTRLEN];
	unsigned int id;

	if (argc != 3)
		return usage_error("migrate", "expects an id and a lab host (" MIG_LAN_PREFIX "N or hostN)");
	if (vps_parse_id(argv[1], &id, &err) < 0 || mig_host_parse(argv[2], &target, &err) < 0) {
		vps_error_wrap(&err, "migrate");
		return fail(&err);
	}
	if (vps_migrate(id, &target, &m, &err) < 0)
		return fail(&err);
	inet_ntop(AF_INET, &target, ip, sizeof(ip));
	printf("VPS %u migrated to %s in %lld ms: %llu objects, %llu bytes; %s there after %ld ms\n", id, ip,
	       m.total_ms, (unsigned long long)m.entries, (unsigned long long)m.bytes,
	       m.state == VPS_STOPPED ? "restored (stopped)" : m.state == VPS_RUNNING ? "running" : "suspended",
	       m.target_ms);
	return 0;
}
