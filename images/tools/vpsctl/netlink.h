/* rtnetlink from C: busybox ip lacks veth peers in other namespaces. */
#ifndef VPS_NETLINK_H
#define VPS_NETLINK_H

#include <stdint.h>
#include <sys/types.h>
#include "../common/error.h"
#include "config.h"

/* Create veth host_name <-> peer_name; the peer is moved into the netns of peer_pid at once
 * (peer_pid <= 0: both ends stay in the current netns). Errors carry the kernel's errno. */
int nl_veth_create(const char *host_name, const char *peer_name, pid_t peer_pid, struct vps_err *err);
/* Delete a link in the current netns; a missing link is not an error when missing_ok. */
int nl_link_del(const char *name, int missing_ok, struct vps_err *err);
int nl_link_up(const char *name, struct vps_err *err);
/* 1 if the link exists in the current netns. */
int nl_link_exists(const char *name);
/* Add net (address/prefix) to ifname; EEXIST if it is there already. IPv6 skips DAD (IFA_F_NODAD). */
int nl_addr_add(const char *ifname, const struct vps_ipnet *net, struct vps_err *err);
/* Route dst/prefix out of ifname, via gateway (NULL: on-link, scope link). Host bits of dst are
 * cleared; a gateway is marked onlink, so it needs no subnet on ifname. EEXIST if present. */
int nl_route_add(const char *ifname, const struct vps_ipnet *dst, const struct vps_ipnet *gateway,
		 struct vps_err *err);

/* Shape ifname's egress with a TBF qdisc at the root: a sustained rate in bytes/s, and a peak rate
 * for bursts (0: none; else above rate). Replaces whatever qdisc was there. */
int nl_tbf_set(const char *ifname, uint64_t rate, uint64_t peak, struct vps_err *err);
/* Remove the root qdisc of ifname; none is fine. */
int nl_qdisc_root_del(const char *ifname, struct vps_err *err);

#endif
