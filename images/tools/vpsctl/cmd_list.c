/* vpsctl list | show <id> | argshow <id>, as text or (--json) JSON. */
#include <stdio.h>
#include <string.h>
#include "caps.h"
#include "commands.h"
#include "inventory.h"
#include "limits.h"
#include "runtime.h"
#include "util.h"

struct vps_view {
	unsigned int id;
	struct vps_config cfg;
	int cfg_ok;
	struct vps_err cfg_err;
	struct vps_runtime rt;
};

static void view_read(unsigned int id, struct vps_view *v)
{
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->cfg_ok = vps_load_config(id, NULL, &v->cfg, &v->cfg_err) == 0;
	vps_runtime_read(id, &v->rt);
}

static void addresses(const struct vps_config *cfg, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < cfg->n_ipnets && at < len; i++) {
		char one[64];
		vps_ipnet_format(&cfg->ipnets[i], one, sizeof(one));
		at += snprintf(buf + at, len - at, "%s%s", i ? "," : "", one);
	}
}

static void json_addresses(const struct vps_config *cfg)
{
	fputc('[', stdout);
	for (int i = 0; i < cfg->n_ipnets; i++) {
		char one[64];
		vps_ipnet_format(&cfg->ipnets[i], one, sizeof(one));
		if (i)
			fputc(',', stdout);
		json_string(stdout, one);
	}
	fputc(']', stdout);
}

static void json_view_common(const struct vps_view *v)
{
	printf("{\"id\":%u,\"name\":", v->id);
	json_string(stdout, v->cfg_ok ? v->cfg.name : "");
	printf(",\"state\":\"%s\",\"init_pid\":%d,\"procs\":%ld,\"memory_bytes\":%lld,\"addresses\":",
	       vps_state_name(v->rt.state), (int)v->rt.init_pid, v->rt.state ? v->rt.nprocs : 0L,
	       v->rt.state ? v->rt.mem_bytes : 0LL);
	json_addresses(&v->cfg);
	if (!v->cfg_ok) {
		printf(",\"config_error\":");
		json_string(stdout, v->cfg_err.msg);
	}
}

int cmd_list(int argc, char **argv)
{
	unsigned int ids[VPS_INVENTORY_MAX];
	int n;

	(void)argv;
	if (argc != 1)
		return usage_error("list", "takes no arguments");
	n = vps_inventory(ids, VPS_INVENTORY_MAX);
	if (opt_json)
		fputc('[', stdout);
	else
		printf("%-6s %-16s %-10s %-7s %-6s %-9s %s\n", "ID", "NAME", "STATE", "PID", "PROCS", "MEM(kB)", "ADDRESSES");
	for (int i = 0; i < n; i++) {
		struct vps_view v;
		char addrs[1024];

		view_read(ids[i], &v);
		if (opt_json) {
			if (i)
				fputc(',', stdout);
			json_view_common(&v);
			fputc('}', stdout);
			continue;
		}
		addresses(&v.cfg, addrs, sizeof(addrs));
		if (v.rt.state == VPS_STOPPED)
			printf("%-6u %-16s %-10s %-7s %-6s %-9s %s\n", v.id, v.cfg_ok ? v.cfg.name : "?",
			       "stopped", "-", "-", "-", v.cfg_ok ? addrs : v.cfg_err.msg);
		else
			printf("%-6u %-16s %-10s %-7d %-6ld %-9lld %s\n", v.id, v.cfg_ok ? v.cfg.name : "?",
			       vps_state_name(v.rt.state), (int)v.rt.init_pid, v.rt.nprocs, v.rt.mem_bytes / 1024,
			       v.cfg_ok ? addrs : v.cfg_err.msg);
	}
	if (opt_json)
		fputs("]\n", stdout);
	return 0;
}

static int load_view(const char *cmd, int argc, char **argv, struct vps_view *v)
{
	struct vps_err err = { 0 };
	unsigned int id;

	if (argc != 2)
		return usage_error(cmd, "expects one id");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	view_read(id, v);
	if (!v->cfg_ok && v->rt.state == VPS_STOPPED)
		return fail(&v->cfg_err);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct vps_view v;
	char addrs[1024], caps[2048], cg[256];
	int rc = load_view("show", argc, argv, &v);

	if (rc)
		return rc;
	addresses(&v.cfg, addrs, sizeof(addrs));
	vps_caps_format(vps_config_caps(&v.cfg), caps, sizeof(caps));
	vps_cgroup_path(v.id, cg, sizeof(cg));
	if (opt_json) {
		json_view_common(&v);
		printf(",\"config\":");
		json_string(stdout, v.cfg.path);
		printf(",\"fsroot\":");
		json_string(stdout, v.cfg.fsroot);
		printf(",\"fsroot_priv\":");
		json_string(stdout, v.cfg.fsroot_priv);
		printf(",\"init\":");
		json_string(stdout, v.cfg.init);
		printf(",\"capabilities\":");
		json_string(stdout, caps);
		printf(",\"cgroup\":");
		json_string(stdout, cg);
		printf("}\n");
		return 0;
	}
	printf("id:           %u\n", v.id);
	printf("name:         %s\n", v.cfg_ok ? v.cfg.name : "?");
	printf("state:        %s\n", vps_state_name(v.rt.state));
	if (v.rt.state != VPS_STOPPED) {
		printf("init pid:     %d\n", (int)v.rt.init_pid);
		printf("processes:    %ld\n", v.rt.nprocs);
		printf("memory:       %lld kB\n", v.rt.mem_bytes / 1024);
		printf("cgroup:       %s\n", cg);
	}
	if (!v.cfg_ok) {
		printf("config error: %s\n", v.cfg_err.msg);
		return 0;
	}
	printf("config:       %s\n", v.cfg.path);
	printf("addresses:    %s\n", addrs[0] ? addrs : "(none)");
	printf("root:         %s (private data in %s)\n", v.cfg.fsroot, v.cfg.fsroot_priv);
	printf("init:         %s\n", v.cfg.init);
	printf("capabilities: %s\n", caps);
	return 0;
}

int cmd_argshow(int argc, char **argv)
{
	struct vps_view v;
	char addrs[1024], caps[2048];
	int rc = load_view("argshow", argc, argv, &v);

	if (rc)
		return rc;
	if (!v.cfg_ok)
		return fail(&v.cfg_err);
	addresses(&v.cfg, addrs, sizeof(addrs));
	vps_caps_format(vps_config_caps(&v.cfg), caps, sizeof(caps));
	printf("VPS %u (%s), %s\n", v.id, v.cfg.name, vps_state_name(v.rt.state));
	printf("ip_networks: %s\n", addrs[0] ? addrs : "(none)");
	printf("capabilities: %s\n", caps);
	printf("limits:\n");
	for (int r = 0; r < RES_COUNT; r++) {
		char soft[32], hard[32], how[512];
		if (!v.cfg.limits[r].set)
			continue;
		vps_limit_value_format(r, v.cfg.limits[r].soft, soft, sizeof(soft));
		vps_limit_value_format(r, v.cfg.limits[r].hard, hard, sizeof(hard));
		vps_limit_mechanism(&v.cfg, r, how, sizeof(how));
		printf("  %-9s soft %-10s hard %-10s %s\n", vps_resource_name(r), soft, hard, how);
	}
	return 0;
}
