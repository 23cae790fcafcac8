/* A snapshot or migration stream is untrusted input: what its config may set on this host
 * (SNAPSHOT.md, "What a restored config keeps"). */
#ifndef VPS_RESTORE_POLICY_H
#define VPS_RESTORE_POLICY_H

#include "../common/error.h"
#include "config.h"

/* cfg is the stream's config as parsed for its source id; it is rebuilt as VPS id's from an
 * allowlist: NAME (the new id's default if it was the source's default), INIT, IP_NETWORKS,
 * LIMITS, PRIV_NOSYS, PRIV_ALLOW within the default set; everything else (FSROOT, FSROOT_PRIV,
 * any other key) is this host's default for id. Host commands (ROOT_MOUNT, ROOT_UNMOUNT,
 * NETWORK_ANNOUNCE, NETWORK_REVOKE) and capabilities beyond the default set are refused, naming
 * the key. */
int restore_policy_apply(struct vps_config *cfg, unsigned int id, struct vps_err *err);
/* Refuse addresses that are not a VPS's to take: the lab LAN (192.168.100.0/24), loopback,
 * unspecified, multicast and link-local ones, and any address of another VPS configured in
 * conf_dir (vps_<N>.conf, N != cfg->id). */
int restore_policy_addresses(const struct vps_config *cfg, const char *conf_dir, struct vps_err *err);

#endif
