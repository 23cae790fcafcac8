/* Native test of vpsctl/netlink.c in throwaway network namespaces (root only; skipped otherwise). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "../vpsctl/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int have_ip;
static int host_ns = -1, peer_ns = -1;


static struct vps_ipnet net(const char *addr, int prefix)
{
	struct vps_ipnet n = { 0 };

	n.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(n.family, addr, n.addr) != 1)
		abort();
	n.prefix = prefix;
	return n;
}

static void enter(int ns)
{
	if (setns(ns, CLONE_NEWNET) < 0) {
		perror("setns");
		exit(1);
	}
}

/* Output of an iproute2 command in the current netns, or "" without iproute2. */
static const char *ip(const char *args)
{
	static char out[8192];
	char cmd[256];
	size_t n = 0;
	FILE *p;

	out[0] = '\0';
	if (!have_ip)
		return out;
	snprintf(cmd, sizeof(cmd), "ip %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return out;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

/* Pass when iproute2's output of args holds every one of the NULL-terminated strings. */
static void expect_ip(const char *name, const char *args, ...)
{
	const char *out, *s;
	va_list ap;

	if (!have_ip) {
		printf("skip %s: no iproute2\n", name);
		return;
	}
	out = ip(args);
	va_start(ap, args);
	while ((s = va_arg(ap, const char *))) {
		if (!strstr(out, s)) {
			va_end(ap);
			result(name, "\"ip %s\" lacks \"%s\":\n%s", args, s, out);
			return;
		}
	}
	va_end(ap);
	result(name, NULL);
}

static void expect_ok(const char *name, int ret, const struct vps_err *err)
{
	result(name, ret < 0 ? "%s" : NULL, err->msg);
}

/* The message, optionally followed by the kernel's extended ack: "msg (ipv4: Address already assigned)". */
static int same_error(const char *got, const char *msg)
{
	size_t n = strlen(msg);

	return strncmp(got, msg, n) == 0 && (got[n] == '\0' || (strncmp(got + n, " (", 2) == 0 && got[strlen(got) - 1] == ')'));
}

static void expect_err(const char *name, int ret, const struct vps_err *err, const char *msg, int errnum)
{
	if (ret == 0)
		result(name, "succeeded, want \"%s\"", msg);
	else if (!same_error(err->msg, msg) || err->errnum != errnum)
		result(name, "got \"%s\" (errno %d), want \"%s\" (errno %d)", err->msg, err->errnum, msg, errnum);
	else
		result(name, NULL);
}

static int is_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), up;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
	if (fd >= 0)
		close(fd);
	return up;
}

static void test_links(pid_t peer)
{
	struct vps_err err;
	char want[256];
	int r;

	r = nl_veth_create("vh0", "vp0", peer, &err);
	expect_ok("create veth `vh0` <-> `vp0` in the peer netns", r, &err);
	result("host side exists here, peer does not", nl_link_exists("vh0") && !nl_link_exists("vp0") ? NULL : "no");
	enter(peer_ns);
	result("peer side exists in the peer netns", nl_link_exists("vp0") && !nl_link_exists("vh0") ? NULL : "no");
	enter(host_ns);

	snprintf(want, sizeof(want), "create veth `vh0` <-> `vp0` in pid %d's netns: File exists", (int)peer);
	r = nl_veth_create("vh0", "vp0", peer, &err);
	expect_err("create an existing veth", r, &err, want, EEXIST);

	r = nl_veth_create("vx0", "vy0", 999999999, &err);
	expect_err("create veth into a missing pid", r, &err,
		   "create veth `vx0` <-> `vy0` in pid 999999999's netns: No such process", ESRCH);
	result("nothing left behind by the failed create", nl_link_exists("vx0") || nl_link_exists("vy0") ? "left" : NULL);

	r = nl_veth_create("this-name-is-too-long", "vy0", 0, &err);
	expect_err("create veth with a long name", r, &err,
		   "create veth `this-name-is-too-long` <-> `vy0`: interface name \"this-name-is-too-long\" is not 1 to 15 "
		   "characters without '/', ':' or spaces",
		   EINVAL);

	r = nl_veth_create("va0", "vb0", 0, &err);
	expect_ok("create veth `va0` <-> `vb0` here", r, &err);
	result("both ends here", nl_link_exists("va0") && nl_link_exists("vb0") ? NULL : "no");
	expect_ip("ip shows the veth pair", "-d link show va0", "va0@vb0", "veth", NULL);
	r = nl_link_del("vb0", 0, &err);
	expect_ok("delete vb0", r, &err);
	result("deleting one end deletes both", nl_link_exists("va0") || nl_link_exists("vb0") ? "still there" : NULL);

	result("vh0 starts down", is_up("vh0") ? "up" : NULL);
	r = nl_link_up("vh0", &err);
	expect_ok("bring up vh0", r, &err);
	result("vh0 is up", is_up("vh0") ? NULL : "down");
	r = nl_link_up("nosuch0", &err);
	expect_err("bring up a missing link", r, &err, "bring up link `nosuch0`: No such device", ENODEV);
}

static void test_addresses(void)
{
	struct vps_ipnet a4 = net("10.9.0.1", 24), a6 = net("fd00:9::1", 64), bad = a4;
	struct vps_err err;
	int r;

	r = nl_addr_add("vh0", &a4, &err);
	expect_ok("add 10.9.0.1/24 to vh0", r, &err);
	r = nl_addr_add("vh0", &a6, &err);
	expect_ok("add fd00:9::1/64 to vh0", r, &err);
	expect_ip("ip shows both addresses", "-o addr show dev vh0", "inet 10.9.0.1/24", "inet6 fd00:9::1/64", NULL);
	expect_ip("the IPv6 address skips DAD", "-o -6 addr show dev vh0", "nodad", NULL);
	r = nl_addr_add("vh0", &a4, &err);
	expect_err("add an existing address", r, &err, "add address 10.9.0.1/24 to `vh0`: File exists", EEXIST);
	r = nl_addr_add("nosuch0", &a4, &err);
	expect_err("add an address to a missing link", r, &err, "add address 10.9.0.1/24 to `nosuch0`: No such device",
		   ENODEV);
	bad.prefix = 33;
	r = nl_addr_add("vh0", &bad, &err);
	expect_err("add a /33", r, &err, "add address 10.9.0.1/33 to `vh0`: not an IPv4 or IPv6 network", EINVAL);
}

static void test_routes(void)
{
	struct vps_ipnet d1 = net("10.9.1.0", 24), d2 = net("10.9.2.0", 24), d3 = net("10.9.3.5", 24);
	struct vps_ipnet any = net("0.0.0.0", 0), gw = net("192.0.2.1", 32);
	struct vps_ipnet d6 = net("fd00:a::", 64), d6b = net("fd00:b::", 64), gw6 = net("fd00:ff::1", 128);
	struct vps_err err;
	int r;

	r = nl_route_add("vh0", &d1, NULL, &err);
	expect_ok("route 10.9.1.0/24 dev vh0", r, &err);
	expect_ip("ip shows it with scope link", "route show 10.9.1.0/24", "10.9.1.0/24 dev vh0", "scope link", NULL);
	r = nl_route_add("vh0", &d2, &gw, &err);
	expect_ok("route 10.9.2.0/24 via 192.0.2.1 (no subnet for it)", r, &err);
	expect_ip("ip shows it onlink", "route show 10.9.2.0/24", "10.9.2.0/24 via 192.0.2.1 dev vh0", "onlink", NULL);
	r = nl_route_add("vh0", &d3, NULL, &err);
	expect_ok("route 10.9.3.5/24 (host bits set)", r, &err);
	expect_ip("ip shows 10.9.3.0/24", "route show 10.9.3.0/24", "10.9.3.0/24 dev vh0", NULL);
	r = nl_route_add("vh0", &any, &gw, &err);
	expect_ok("default route via 192.0.2.1", r, &err);
	expect_ip("ip shows the default route", "route show default", "default via 192.0.2.1 dev vh0", "onlink", NULL);
	r = nl_route_add("vh0", &d6, NULL, &err);
	expect_ok("route fd00:a::/64 dev vh0", r, &err);
	expect_ip("ip shows it", "-6 route show fd00:a::/64", "fd00:a::/64 dev vh0", NULL);
	r = nl_route_add("vh0", &d6b, &gw6, &err);
	expect_ok("route fd00:b::/64 via fd00:ff::1", r, &err);
	expect_ip("ip shows it onlink", "-6 route show fd00:b::/64", "fd00:b::/64 via fd00:ff::1 dev vh0", "onlink",
		  NULL);
	r = nl_route_add("vh0", &d1, NULL, &err);
	expect_err("add an existing route", r, &err, "add route 10.9.1.0/24 dev `vh0`: File exists", EEXIST);
	r = nl_route_add("vh0", &d6, &gw, &err);
	expect_err("IPv6 route via an IPv4 gateway", r, &err,
		   "add route fd00:a::/64 via 192.0.2.1 dev `vh0`: gateway and destination are not the same address family",
		   EINVAL);
	r = nl_route_add("nosuch0", &d1, NULL, &err);
	expect_err("route out of a missing link", r, &err, "add route 10.9.1.0/24 dev `nosuch0`: No such device", ENODEV);
}

static int udp_socket(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int recv_within(int fd, char *buf, size_t len, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, 3000) != 1)
		return -1;
	return recvfrom(fd, buf, len, 0, (struct sockaddr *)from, &fl);
}

/* A datagram from the host to the VPS address and the answer back: both routes and both ends work. */
static void udp_round_trip(void)
{
	const char *name = "UDP from host 10.9.0.1 to VPS 10.9.0.2 and back";
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(4000) }, from;
	int vps, host;
	char buf[16];

	enter(peer_ns);
	vps = udp_socket("10.9.0.2", 4000);
	enter(host_ns);
	host = udp_socket("10.9.0.1", 4001);
	inet_pton(AF_INET, "10.9.0.2", &to.sin_addr);
	if (vps < 0 || host < 0 || sendto(host, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4)
		result(name, "socket setup: %s", strerror(errno));
	else if (recv_within(vps, buf, sizeof(buf), &from) != 4 || memcmp(buf, "ping", 4))
		result(name, "the VPS got nothing");
	else if (sendto(vps, "pong", 4, 0, (struct sockaddr *)&from, sizeof(from)) != 4 ||
		 recv_within(host, buf, sizeof(buf), &from) != 4 || memcmp(buf, "pong", 4))
		result(name, "the host got no answer");
	else
		result(name, NULL);
	if (vps >= 0)
		close(vps);
	if (host >= 0)
		close(host);
}

/* What vpsctl does inside the VPS: up, its address, a route to the host and a default route. */
static void test_peer_side(void)
{
	struct vps_ipnet mine = net("10.9.0.2", 32), host = net("10.9.0.1", 32), any = net("0.0.0.0", 0);
	struct vps_err err;
	int r;

	enter(peer_ns);
	r = nl_link_up("vp0", &err);
	if (r == 0)
		r = nl_addr_add("vp0", &mine, &err);
	if (r == 0)
		r = nl_route_add("vp0", &host, NULL, &err);
	if (r == 0)
		r = nl_route_add("vp0", &any, &host, &err);
	expect_ok("VPS side: up, 10.9.0.2/32, route to 10.9.0.1, default via it", r, &err);
	expect_ip("VPS side: ip shows the default route", "route show default", "default via 10.9.0.1 dev vp0", NULL);
	enter(host_ns);
	udp_round_trip();
}

/* netspeed's shaper: a TBF qdisc at the root of a link, replaced and removed. */
static void test_shaping(void)
{
	struct vps_err err;
	int r;

	r = nl_tbf_set("vh0", 125000, 250000, &err);
	if (r < 0 && err.errnum == ENOENT) {
		printf("skip shaping: this kernel has no tbf qdisc (%s)\n", err.msg);
		return;
	}
	expect_ok("shape vh0 at 1 Mbit/s with 2 Mbit/s bursts", r, &err);
	r = nl_tbf_set("vh0", 625000, 0, &err);
	expect_ok("reshape vh0 at 5 Mbit/s, no bursts", r, &err);
	r = nl_tbf_set("vh0", 0, 0, &err);
	expect_err("refuse a zero rate", r, &err, "shape link `vh0`: rate 0 B/s, peak 0 B/s: Invalid argument", EINVAL);
	r = nl_tbf_set("vh0", 1000, 1000, &err);
	expect_err("refuse a peak not above the rate", r, &err, "shape link `vh0`: rate 1000 B/s, peak 1000 B/s: Invalid argument",
		   EINVAL);
	r = nl_tbf_set("nosuch0", 1000, 0, &err);
	expect_err("refuse a missing link", r, &err, "shape link `nosuch0`: No such device", ENODEV);
	r = nl_tbf_set("bad/name", 1000, 0, &err);
	expect_err("refuse a bad link name", r, &err,
		   "shape link: interface name \"bad/name\" is not 1 to 15 characters without '/', ':' or spaces", EINVAL);
	r = nl_qdisc_root_del("vh0", &err);
	expect_ok("unshape vh0", r, &err);
	r = nl_qdisc_root_del("vh0", &err);
	expect_ok("unshape vh0 again (nothing there)", r, &err);
	r = nl_qdisc_root_del("nosuch0", &err);
	expect_err("unshape a missing link", r, &err, "unshape link `nosuch0`: No such device", ENODEV);
}

static void test_delete(void)
{
	struct vps_err err;
	int r;

	r = nl_link_del("vh0", 0, &err);
	expect_ok("delete vh0", r, &err);
	result("vh0 is gone", nl_link_exists("vh0") ? "still there" : NULL);
	enter(peer_ns);
	result("vp0 went with it", nl_link_exists("vp0") ? "still there" : NULL);
	enter(host_ns);
	r = nl_link_del("vh0", 1, &err);
	expect_ok("delete a missing link with missing_ok", r, &err);
	r = nl_link_del("vh0", 0, &err);
	expect_err("delete a missing link", r, &err, "delete link `vh0`: No such device", ENODEV);
}

int main(void)
{
	int ready[2], hold[2];
	char c, path[64];
	pid_t peer;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("skipped: netlink tests need root\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("skipped: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 0;
	}
	have_ip = system("ip -V >/dev/null 2>&1") == 0;
	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_ns < 0 || pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0) {
		perror("setup");
		return 1;
	}
	/* The peer: a process in a netns of its own that lives until hold is closed. */
	fflush(stdout);
	peer = fork();
	if (peer == 0) {
		close(hold[1]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (peer < 0 || read(ready[0], &c, 1) != 1) {
		printf("skipped: could not start a process in a new netns\n");
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)peer);
	peer_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (peer_ns < 0) {
		perror(path);
		return 1;
	}

	test_links(peer);
	test_addresses();
	test_routes();
	test_peer_side();
	test_shaping();
	test_delete();

	close(hold[1]);
	waitpid(peer, &status, 0);
	return check_summary();
}
