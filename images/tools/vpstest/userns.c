/* Probes of what root in a VPS may do to the host through per-user kernel state and the network:
 *   vpstest inotify N [--hold]   make up to N inotify instances: "inotify <made> <ERRNO>"
 *   vpstest bpf                  load a one-instruction socket filter: "bpf <ERRNO>"
 *   vpstest ra IFNAME            send one IPv6 router advertisement (prefix 2001:db8:66::/64,
 *                                default router, autonomous) to all nodes: "ra <ERRNO>"
 *   vpstest userns               make a user namespace: "userns <ERRNO>"
 *   vpstest cgroup-limit VALUE   the way out of a VPS's pids limit: a user and a cgroup namespace of
 *                                its own, cgroup2 mounted on /tmp, VALUE written to pids.max there:
 *                                "cgroup-limit <step that failed> <ERRNO>" or "cgroup-limit raised OK" */
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vpstest.h"

int vpstest_inotify(int argc, char **argv)
{
	long want = argc >= 2 ? vpstest_count(argv[1]) : -1, made = 0;
	int hold = argc == 3 && !strcmp(argv[2], "--hold"), e = 0;

	if (want < 0 || argc > 3 || (argc == 3 && !hold)) {
		fprintf(stderr, "usage: vpstest inotify N [--hold]\n");
		return 2;
	}
	for (; made < want; made++)
		if (inotify_init1(IN_CLOEXEC) < 0) {
			e = errno;
			break;
		}
	printf("inotify %ld %s\n", made, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return 0;
}

int vpstest_bpf(int argc, char **argv)
{
	struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	long fd;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vpstest bpf\n");
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(unsigned long)prog;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(unsigned long)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	printf("bpf %s\n", vpstest_errname(fd < 0 ? errno : 0));
	if (fd >= 0)
		close((int)fd);
	return 0;
}

/* RFC 4861 4.2 with a prefix information option (4.6.2). */
struct ra {
	struct nd_router_advert hdr;
	struct nd_opt_prefix_info prefix;
};

int vpstest_ra(int argc, char **argv)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	struct ra ra;
	int fd, hops = 255, e = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: vpstest ra IFNAME\n");
		return 2;
	}
	memset(&ra, 0, sizeof(ra));
	ra.hdr.nd_ra_type = ND_ROUTER_ADVERT;
	ra.hdr.nd_ra_curhoplimit = 64;
	ra.hdr.nd_ra_router_lifetime = htons(1800);
	ra.prefix.nd_opt_pi_type = ND_OPT_PREFIX_INFORMATION;
	ra.prefix.nd_opt_pi_len = 4;
	ra.prefix.nd_opt_pi_prefix_len = 64;
	ra.prefix.nd_opt_pi_flags_reserved = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	ra.prefix.nd_opt_pi_valid_time = htonl(86400);
	ra.prefix.nd_opt_pi_preferred_time = htonl(14400);
	inet_pton(AF_INET6, "2001:db8:66::", &ra.prefix.nd_opt_pi_prefix);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = if_nametoindex(argv[1]);
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0 || !to.sin6_scope_id ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    sendto(fd, &ra, sizeof(ra), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		e = errno ? errno : ENODEV;
	printf("ra %s\n", vpstest_errname(e));
	if (fd >= 0)
		close(fd);
	return e ? 1 : 0;
}

int vpstest_userns(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vpstest userns\n");
		return 2;
	}
	printf("userns %s\n", vpstest_errname(unshare(CLONE_NEWUSER) < 0 ? errno : 0));
	return 0;
}

static int write_to(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		e = errno;
	close(fd);
	return e;
}

int vpstest_cgroup_limit(int argc, char **argv)
{
	char map[64];
	const char *step;
	uid_t uid = getuid();
	gid_t gid = getgid();
	int e;

	if (argc != 2 || vpstest_count(argv[1]) < 0) {
		fprintf(stderr, "usage: vpstest cgroup-limit VALUE\n");
		return 2;
	}
	step = "userns";
	if (unshare(CLONE_NEWUSER) < 0) {
		e = errno;
		goto out;
	}
	step = "map";
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
	if ((e = write_to("/proc/self/uid_map", map)) || (e = write_to("/proc/self/setgroups", "deny")))
		goto out;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid);
	if ((e = write_to("/proc/self/gid_map", map)))
		goto out;
	step = "cgroupns";
	if (unshare(CLONE_NEWCGROUP | CLONE_NEWNS) < 0) {
		e = errno;
		goto out;
	}
	step = "mount";
	if (mount("none", "/tmp", "cgroup2", 0, NULL) < 0) {
		e = errno;
		goto out;
	}
	step = "pids.max";
	if ((e = write_to("/tmp/pids.max", argv[1])))
		goto out;
	step = "raised";
out:
	printf("cgroup-limit %s %s\n", step, vpstest_errname(e));
	return 0;
}
