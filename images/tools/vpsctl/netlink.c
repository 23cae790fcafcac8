/* Raw rtnetlink: one request per socket, NLM_F_ACK, and the kernel's errno from NLMSG_ERROR. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "netlink.h"
#include "../common/cleanup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NL_BUF 4096

struct nl_msg {
	union {
		struct nlmsghdr nh;
		char buf[NL_BUF];
	};
};

/* Append an attribute; NULL when it does not fit, and then nl_talk refuses the message. */
static struct rtattr *nl_put(struct nl_msg *m, unsigned short type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(m->nh.nlmsg_len), total = RTA_LENGTH(len);
	struct rtattr *rta;

	if (at + RTA_ALIGN(total) > sizeof(m->buf)) {
		m->nh.nlmsg_len = sizeof(m->buf) + 1;	/* mark overflow */
		return NULL;
	}
	rta = (struct rtattr *)(m->buf + at);
	memset(rta, 0, RTA_ALIGN(total));
	rta->rta_type = type;
	rta->rta_len = total;
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	m->nh.nlmsg_len = at + RTA_ALIGN(total);
	return rta;
}

static struct rtattr *nl_nest(struct nl_msg *m, unsigned short type)
{
	return nl_put(m, type, NULL, 0);
}

static void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
	if (nest)
		nest->rta_len = m->buf + m->nh.nlmsg_len - (char *)nest;
}

/* Fixed header (ifinfomsg, ifaddrmsg, rtmsg) right after the nlmsghdr or inside a nest. */
static void *nl_reserve(struct nl_msg *m, size_t len)
{
	size_t at = NLMSG_ALIGN(m->nh.nlmsg_len);

	if (at + NLMSG_ALIGN(len) > sizeof(m->buf)) {
		m->nh.nlmsg_len = sizeof(m->buf) + 1;
		return NULL;
	}
	memset(m->buf + at, 0, NLMSG_ALIGN(len));
	m->nh.nlmsg_len = at + NLMSG_ALIGN(len);
	return m->buf + at;
}

static void nl_init(struct nl_msg *m, unsigned short type, unsigned short flags)
{
	memset(&m->nh, 0, sizeof(m->nh));
	m->nh.nlmsg_len = NLMSG_HDRLEN;
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nh.nlmsg_seq = 1;
}

/* The kernel's extended ack text, if it sent one. */
static void nl_ext_ack(const struct nlmsghdr *h, char *msg, size_t len)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = sizeof(*e), end = h->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	while (off + NLA_HDRLEN <= end) {
		a = (const struct nlattr *)((const char *)e + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(msg, len, "%.*s", (int)(a->nla_len - NLA_HDRLEN), (const char *)a + NLA_HDRLEN);
			msg[strcspn(msg, "\n")] = '\0';
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Send m and wait for its NLMSG_ERROR; 0 or -errno, ext gets the kernel's text. */
static int nl_talk(struct nl_msg *m, char *ext, size_t extlen)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }, from;
	socklen_t fromlen;
	cleanup_close int fd = -1;
	char reply[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h;
	int one = 1, len;
	ssize_t n;

	ext[0] = '\0';
	if (m->nh.nlmsg_len > sizeof(m->buf))
		return -EMSGSIZE;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* Both are best effort: old kernels just give plainer errors. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	do
		n = sendto(fd, m->buf, m->nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != m->nh.nlmsg_len)
		return -EIO;
	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(fd, reply, sizeof(reply), 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (from.nl_pid != 0)
			continue;	/* not from the kernel */
		len = n;
		for (h = (struct nlmsghdr *)reply; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != m->nh.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EPROTO;
			nl_ext_ack(h, ext, extlen);
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

/* "what: strerror (kernel's extended ack)". */
static int nl_fail(struct vps_err *err, int ret, const char *ext, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int nl_fail(struct vps_err *err, int ret, const char *ext, const char *fmt, ...)
{
	char what[512];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vps_error(err, -ret, "%s", what);
	n = strlen(err->msg);
	if (ext && ext[0] && n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, " (%s)", ext);
	return -1;
}

/* The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or spaces. */
static int ifname_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n < IFNAMSIZ && strcmp(name, ".") && strcmp(name, "..") &&
	       strcspn(name, "/: \t\n\r\v\f") == n;
}

static int bad_ifname(struct vps_err *err, const char *what, const char *name)
{
	vps_error(err, 0, "%s: interface name \"%.*s\" is not 1 to %d characters without '/', ':' or spaces",
		  what, 32, name, IFNAMSIZ - 1);
	err->errnum = EINVAL;
	return -1;
}

int nl_veth_create(const char *host_name, const char *peer_name, pid_t peer_pid, struct vps_err *err)
{
	struct nl_msg m;
	struct rtattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifi;
	char what[192], ext[256];
	uint32_t pid = peer_pid;
	int ret;

	if (peer_pid > 0)
		snprintf(what, sizeof(what), "create veth `%.64s` <-> `%.64s` in pid %d's netns", host_name, peer_name,
			 (int)peer_pid);
	else
		snprintf(what, sizeof(what), "create veth `%.64s` <-> `%.64s`", host_name, peer_name);
	if (!ifname_ok(host_name))
		return bad_ifname(err, what, host_name);
	if (!ifname_ok(peer_name))
		return bad_ifname(err, what, peer_name);

	nl_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = nl_reserve(&m, sizeof(*ifi));
	if (ifi)
		ifi->ifi_family = AF_UNSPEC;
	nl_put(&m, IFLA_IFNAME, host_name, strlen(host_name) + 1);
	linkinfo = nl_nest(&m, IFLA_LINKINFO);
	nl_put(&m, IFLA_INFO_KIND, "veth", strlen("veth"));
	data = nl_nest(&m, IFLA_INFO_DATA);
	peer = nl_nest(&m, VETH_INFO_PEER);
	ifi = nl_reserve(&m, sizeof(*ifi));	/* the peer's own ifinfomsg */
	if (ifi)
		ifi->ifi_family = AF_UNSPEC;
	nl_put(&m, IFLA_IFNAME, peer_name, strlen(peer_name) + 1);
	if (peer_pid > 0)
		nl_put(&m, IFLA_NET_NS_PID, &pid, sizeof(pid));
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, linkinfo);

	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret < 0)
		return nl_fail(err, ret, ext, "%s", what);
	return 0;
}

int nl_link_del(const char *name, int missing_ok, struct vps_err *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	char ext[256];
	int ret;

	if (!ifname_ok(name))
		return bad_ifname(err, "delete link", name);
	nl_init(&m, RTM_DELLINK, 0);
	ifi = nl_reserve(&m, sizeof(*ifi));
	if (ifi)
		ifi->ifi_family = AF_UNSPEC;
	nl_put(&m, IFLA_IFNAME, name, strlen(name) + 1);
	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret == -ENODEV && missing_ok)
		return 0;
	if (ret < 0)
		return nl_fail(err, ret, ext, "delete link `%s`", name);
	return 0;
}

int nl_link_up(const char *name, struct vps_err *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	char ext[256];
	int ret;

	if (!ifname_ok(name))
		return bad_ifname(err, "bring up link", name);
	nl_init(&m, RTM_NEWLINK, 0);
	ifi = nl_reserve(&m, sizeof(*ifi));
	if (ifi) {
		ifi->ifi_family = AF_UNSPEC;
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	nl_put(&m, IFLA_IFNAME, name, strlen(name) + 1);
	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret < 0)
		return nl_fail(err, ret, ext, "bring up link `%s`", name);
	return 0;
}

int nl_link_exists(const char *name)
{
	return ifname_ok(name) && if_nametoindex(name) != 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int nl_addr_add(const char *ifname, const struct vps_ipnet *net, struct vps_err *err)
{
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	char what[128], a[64], ext[256];
	size_t alen = addr_len(net->family);
	unsigned int index;
	int ret;

	vps_ipnet_format(net, a, sizeof(a));
	snprintf(what, sizeof(what), "add address %s to `%.32s`", a, ifname);
	if (!alen || net->prefix < 0 || (size_t)net->prefix > alen * 8) {
		vps_error(err, 0, "%s: not an IPv4 or IPv6 network", what);
		err->errnum = EINVAL;
		return -1;
	}
	if (!ifname_ok(ifname))
		return bad_ifname(err, what, ifname);
	index = if_nametoindex(ifname);
	if (!index)
		return vps_error(err, errno, "%s", what);

	nl_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = nl_reserve(&m, sizeof(*ifa));
	if (ifa) {
		ifa->ifa_family = net->family;
		ifa->ifa_prefixlen = net->prefix;
		ifa->ifa_scope = RT_SCOPE_UNIVERSE;
		ifa->ifa_index = index;
		/* The address is assigned by configuration; DAD would only delay the VPS by a second. */
		if (net->family == AF_INET6)
			ifa->ifa_flags = IFA_F_NODAD;
	}
	nl_put(&m, IFA_LOCAL, net->addr, alen);
	nl_put(&m, IFA_ADDRESS, net->addr, alen);
	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret < 0)
		return nl_fail(err, ret, ext, "%s", what);
	return 0;
}

int nl_route_add(const char *ifname, const struct vps_ipnet *dst, const struct vps_ipnet *gateway,
		 struct vps_err *err)
{
	struct nl_msg m;
	struct rtmsg *rtm;
	unsigned char net[16];
	char what[192], d[64], g[INET6_ADDRSTRLEN] = "", ext[256];
	size_t alen = addr_len(dst->family);
	unsigned int index;
	int i, ret;

	vps_ipnet_format(dst, d, sizeof(d));
	if (gateway && addr_len(gateway->family))
		inet_ntop(gateway->family, gateway->addr, g, sizeof(g));
	if (gateway)
		snprintf(what, sizeof(what), "add route %s via %s dev `%.32s`", d, g[0] ? g : "?", ifname);
	else
		snprintf(what, sizeof(what), "add route %s dev `%.32s`", d, ifname);
	if (!alen || dst->prefix < 0 || (size_t)dst->prefix > alen * 8) {
		vps_error(err, 0, "%s: destination is not an IPv4 or IPv6 network", what);
		err->errnum = EINVAL;
		return -1;
	}
	if (gateway && gateway->family != dst->family) {
		vps_error(err, 0, "%s: gateway and destination are not the same address family", what);
		err->errnum = EINVAL;
		return -1;
	}
	if (!ifname_ok(ifname))
		return bad_ifname(err, what, ifname);
	index = if_nametoindex(ifname);
	if (!index)
		return vps_error(err, errno, "%s", what);

	/* The kernel refuses IPv4 destinations with host bits set; callers pass addresses. */
	memcpy(net, dst->addr, alen);
	for (i = 0; i < (int)alen; i++) {
		int bits = dst->prefix - i * 8;

		net[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
	}

	nl_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rtm = nl_reserve(&m, sizeof(*rtm));
	if (rtm) {
		rtm->rtm_family = dst->family;
		rtm->rtm_dst_len = dst->prefix;
		rtm->rtm_table = RT_TABLE_MAIN;
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
		/* A /32 gateway has no subnet on the device: tell the kernel it is reachable there. */
		if (gateway)
			rtm->rtm_flags = RTNH_F_ONLINK;
	}
	if (dst->prefix > 0)
		nl_put(&m, RTA_DST, net, alen);
	if (gateway)
		nl_put(&m, RTA_GATEWAY, gateway->addr, alen);
	nl_put(&m, RTA_OIF, &index, sizeof(index));
	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret < 0)
		return nl_fail(err, ret, ext, "%s", what);
	return 0;
}

/* ifindex of name in the current netns, or -errno. */
static int link_index(const char *name)
{
	unsigned int index = if_nametoindex(name);

	return index ? (int)index : -ENODEV;
}

int nl_tbf_set(const char *ifname, uint64_t rate, uint64_t peak, struct vps_err *err)
{
	struct nl_msg m;
	struct tcmsg *tcm;
	struct rtattr *opts;
	struct tc_tbf_qopt q;
	char ext[256];
	uint64_t burst, limit;
	uint32_t burst32, pburst = 1600;	/* peak bucket: one full frame (MTU 1500 + 14) */
	int index, ret;

	if (!ifname_ok(ifname))
		return bad_ifname(err, "shape link", ifname);
	if (rate == 0 || (peak && peak <= rate))
		return vps_error(err, EINVAL, "shape link `%s`: rate %llu B/s, peak %llu B/s", ifname,
				 (unsigned long long)rate, (unsigned long long)peak);
	index = link_index(ifname);
	if (index < 0)
		return vps_error(err, -index, "shape link `%s`", ifname);
	/* The bucket holds 50 ms of traffic (at least 4 frames); the queue 250 ms more. */
	burst = rate / 20 < 6400 ? 6400 : rate / 20;
	limit = burst + (rate / 4 < 16384 ? 16384 : rate / 4);
	burst32 = burst > UINT32_MAX ? UINT32_MAX : (uint32_t)burst;

	memset(&q, 0, sizeof(q));
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.rate.rate = rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;
	if (peak) {
		q.peakrate.linklayer = TC_LINKLAYER_ETHERNET;
		q.peakrate.rate = peak > UINT32_MAX ? UINT32_MAX : (uint32_t)peak;
	}
	q.limit = limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;

	nl_init(&m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	tcm = nl_reserve(&m, sizeof(*tcm));
	if (tcm) {
		tcm->tcm_family = AF_UNSPEC;
		tcm->tcm_ifindex = index;
		tcm->tcm_handle = 0x10000;	/* 1: */
		tcm->tcm_parent = TC_H_ROOT;
	}
	nl_put(&m, TCA_KIND, "tbf", sizeof("tbf"));
	opts = nl_nest(&m, TCA_OPTIONS);
	nl_put(&m, TCA_TBF_PARMS, &q, sizeof(q));
	if (rate > UINT32_MAX)
		nl_put(&m, TCA_TBF_RATE64, &rate, sizeof(rate));
	nl_put(&m, TCA_TBF_BURST, &burst32, sizeof(burst32));
	if (peak) {
		if (peak > UINT32_MAX)
			nl_put(&m, TCA_TBF_PRATE64, &peak, sizeof(peak));
		nl_put(&m, TCA_TBF_PBURST, &pburst, sizeof(pburst));
	}
	nl_nest_end(&m, opts);
	ret = nl_talk(&m, ext, sizeof(ext));
	if (ret < 0)
		return nl_fail(err, ret, ext, "shape link `%s` with tbf", ifname);
	return 0;
}

int nl_qdisc_root_del(const char *ifname, struct vps_err *err)
{
	struct nl_msg m;
	struct tcmsg *tcm;
	char ext[256];
	int index, ret;

	if (!ifname_ok(ifname))
		return bad_ifname(err, "unshape link", ifname);
	index = link_index(ifname);
	if (index < 0)
		return vps_error(err, -index, "unshape link `%s`", ifname);
	nl_init(&m, RTM_DELQDISC, 0);
	tcm = nl_reserve(&m, sizeof(*tcm));
	if (tcm) {
		tcm->tcm_family = AF_UNSPEC;
		tcm->tcm_ifindex = index;
		tcm->tcm_parent = TC_H_ROOT;
	}
	ret = nl_talk(&m, ext, sizeof(ext));
	/* a device without a qdisc of its own (noqueue) has nothing to delete */
	if (ret == -ENOENT || ret == -EINVAL)
		return 0;
	if (ret < 0)
		return nl_fail(err, ret, ext, "unshape link `%s`", ifname);
	return 0;
}
