#include "restore_policy.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "caps.h"
#include "migrate_proto.h"

int restore_policy_apply(struct vps_config *cfg, unsigned int id, struct vps_err *err)
{
	const struct { const char *key, *value; } hooks[] = {
		{ "ROOT_MOUNT", cfg->root_mount }, { "ROOT_UNMOUNT", cfg->root_unmount },
		{ "NETWORK_ANNOUNCE", cfg->network_announce }, { "NETWORK_REVOKE", cfg->network_revoke },
	};
	struct vps_config def_old, out;
	uint64_t extra = cfg->priv_allow & ~vps_caps_default();

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (hooks[i].value[0])
			return vps_error(err, 0, "the snapshot's config sets %s: host commands are never taken from a "
					 "snapshot (remove it there, set it here after the restore)", hooks[i].key);
	if (extra) {
		char names[256];

		vps_caps_format(extra, names, sizeof(names));
		return vps_error(err, 0, "the snapshot's config sets PRIV_ALLOW = %s: capabilities beyond the default set "
				 "are never taken from a snapshot (grant them here after the restore with `vpsctl priv %u "
				 "allow`)", names, id);
	}
	if (cfg->nested_userns)
		return vps_error(err, 0, "the snapshot's config sets NESTED_USERNS = yes: user namespaces inside a VPS are "
				 "never allowed by a snapshot (set it in the config of VPS %u here after the restore)", id);
	/* Rebuilt from the allowlist: anything else (paths, and any key added later) is this host's
	 * default for the new id. */
	vps_config_init(&def_old, cfg->id);
	vps_config_init(&out, id);
	if (strcmp(cfg->name, def_old.name))
		memcpy(out.name, cfg->name, sizeof(out.name));
	memcpy(out.init, cfg->init, sizeof(out.init));
	memcpy(out.ipnets, cfg->ipnets, sizeof(out.ipnets));
	out.n_ipnets = cfg->n_ipnets;
	memcpy(out.limits, cfg->limits, sizeof(out.limits));
	out.priv_allow = cfg->priv_allow;	/* within the default set: checked above */
	out.priv_nosys = cfg->priv_nosys;
	*cfg = out;
	return 0;
}

/* Why an address can never be a VPS's, or NULL. */
static const char *reserved(const struct vps_ipnet *n)
{
	const unsigned char *a = n->addr;

	if (n->family == AF_INET) {
		uint32_t v = (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];

		if ((v & MIG_LAN_MASK) == MIG_LAN_NET)
			return "on the lab network " MIG_LAN_PREFIX "0/24 (the lab hosts' addresses)";
		if (a[0] == 127 || a[0] == 0)
			return "a loopback or unspecified address";
		if (a[0] >= 224)
			return "a multicast or reserved address";
		if (a[0] == 169 && a[1] == 254)
			return "a link-local address";
		return NULL;
	}
	static const unsigned char zero[16], loop[16] = { [15] = 1 };
	if (!memcmp(a, zero, 16) || !memcmp(a, loop, 16))
		return "a loopback or unspecified address";
	if (a[0] == 0xff)
		return "a multicast address";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "a link-local address";
	return NULL;
}

static int same_addr(const struct vps_ipnet *a, const struct vps_ipnet *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

int restore_policy_addresses(const struct vps_config *cfg, const char *conf_dir, struct vps_err *err)
{
	struct vps_config *other = malloc(sizeof(*other));
	struct dirent *d;
	char ip[INET6_ADDRSTRLEN + 8];
	DIR *dir;
	int rc = 0;

	if (!other)
		return vps_error(err, ENOMEM, "check the snapshot's addresses");
	for (int i = 0; i < cfg->n_ipnets; i++) {
		const char *why = reserved(&cfg->ipnets[i]);

		if (why) {
			inet_ntop(cfg->ipnets[i].family, cfg->ipnets[i].addr, ip, sizeof(ip));
			free(other);
			return vps_error(err, 0, "the snapshot's config sets IP_NETWORKS = %s: %s", ip, why);
		}
	}
	dir = opendir(conf_dir);
	while (dir && !rc && (d = readdir(dir))) {
		char path[PATH_MAX], tail;
		unsigned int oid;
		struct vps_err ignored;

		if (sscanf(d->d_name, "vps_%u.con%c", &oid, &tail) != 2 || tail != 'f' ||
		    snprintf(path, sizeof(path), "vps_%u.conf", oid) < 0 || strcmp(path, d->d_name) || oid == cfg->id)
			continue;
		snprintf(path, sizeof(path), "%s/%s", conf_dir, d->d_name);
		vps_config_init(other, oid);
		if (vps_config_parse(path, other, &ignored) < 0)
			continue;
		for (int i = 0; i < cfg->n_ipnets && !rc; i++)
			for (int j = 0; j < other->n_ipnets && !rc; j++)
				if (same_addr(&cfg->ipnets[i], &other->ipnets[j])) {
					inet_ntop(cfg->ipnets[i].family, cfg->ipnets[i].addr, ip, sizeof(ip));
					rc = vps_error(err, 0, "the snapshot's config sets IP_NETWORKS = %s: VPS %u on this host "
						       "has that address (change one of them first)", ip, oid);
				}
	}
	if (dir)
		closedir(dir);
	free(other);
	return rc;
}
