/* Starting a VPS: namespaces, cgroup, root, veth, INIT as pid 1 — or nothing at all. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "caps.h"
#include "cgroup.h"
#include "idmap.h"
#include "lifecycle.h"
#include "limits.h"
#include "netlink.h"
#include "rootfs.h"
#include "spawn.h"
#include "runtime.h"
#include "teardown.h"
#include "util.h"

/* The user namespace first: the others are then owned by it, so root inside has full powers
 * over its own namespaces and none over the host's. */
#define VPS_NS_FLAGS (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | \
		      CLONE_NEWCGROUP)
#define MAX_INIT_ARGS 32

/* What start has done so far, undone in reverse order when a later step fails. */
struct start_state {
	const struct vps_config *cfg;
	int cgroup_made, root_mounted, veth_made, registered;
	pid_t child;
};

static void rollback(struct start_state *st)
{
	struct vps_err ignored;
	char name[32];

	if (st->registered)
		vps_module_del(st->cfg->id, &ignored);
	if (st->child > 0) {
		kill(st->child, SIGKILL);
		waitpid(st->child, NULL, 0);
	}
	if (st->veth_made) {
		vps_veth_name(st->cfg->id, name, sizeof(name));
		nl_link_del(name, 1, &ignored);
	}
	if (st->cgroup_made) {
		vps_cgroup_kill(st->cfg->id, 2000, &ignored);
		vps_cgroup_remove(st->cfg->id, &ignored);
	}
	if (st->root_mounted)
		vps_rootfs_unmount(st->cfg, &ignored);
}

/* Host side of the veth: up, gateway address, proxy ARP, source check, a /32 route per address. */
static int setup_host_net(const struct vps_config *cfg, pid_t child, struct start_state *st, struct vps_err *err)
{
	char name[32], knob[128];
	struct vps_ipnet gw = { .family = AF_INET, .prefix = 32 };
	/* The host believes nothing a VPS says about routing: no router advertisements (an address
	 * and a default route for the host), no redirects. */
	static const struct { const char *knob, *value; } sysctls[] = {
		{ "ipv4/conf/%s/proxy_arp", "1" }, { "ipv4/conf/%s/rp_filter", "1" },
		{ "ipv4/conf/%s/accept_redirects", "0" }, { "ipv6/conf/%s/accept_ra", "0" },
		{ "ipv6/conf/%s/accept_redirects", "0" }, { "ipv6/conf/%s/autoconf", "0" },
	};

	vps_veth_name(cfg->id, name, sizeof(name));
	if (nl_veth_create(name, "eth0", child, err) < 0)
		return -1;
	st->veth_made = 1;
	inet_pton(AF_INET, VPS_GATEWAY4, gw.addr);
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		char rel[96];
		snprintf(rel, sizeof(rel), sysctls[i].knob, name);
		snprintf(knob, sizeof(knob), "/proc/sys/net/%s", rel);
		if (write_file(knob, sysctls[i].value, err) < 0)
			return -1;
	}
	if (nl_addr_add(name, &gw, err) < 0 || nl_link_up(name, err) < 0)
		return -1;
	if (cfg->limits[RES_NETSPEED].set && vps_limits_shape(cfg, name, err) < 0)
		return -1;
	for (int i = 0; i < cfg->n_ipnets; i++) {
		struct vps_ipnet host = cfg->ipnets[i];
		if (host.family != AF_INET)
			continue;
		host.prefix = 32;
		if (nl_route_add(name, &host, NULL, err) < 0)
			return -1;
	}
	return 0;
}

/* VPS side, in its own netns: lo, eth0, its addresses, a default route via the host. */
static int setup_vps_net(const struct vps_config *cfg, struct vps_err *err)
{
	struct vps_ipnet gw = { .family = AF_INET, .prefix = 32 }, any = { .family = AF_INET, .prefix = 0 };

	if (nl_link_up("lo", err) < 0)
		return -1;
	if (cfg->limits[RES_NETSPEED].set && vps_limits_shape(cfg, "eth0", err) < 0)
		return -1;
	if (cfg->n_ipnets == 0)
		return 0;
	for (int i = 0; i < cfg->n_ipnets; i++)
		if (nl_addr_add("eth0", &cfg->ipnets[i], err) < 0)
			return -1;
	if (nl_link_up("eth0", err) < 0)
		return -1;
	inet_pton(AF_INET, VPS_GATEWAY4, gw.addr);
	if (nl_route_add("eth0", &gw, NULL, err) < 0 || nl_route_add("eth0", &any, &gw, err) < 0)
		return -1;
	return 0;
}

static int split_words(char *s, char **argv, int max)
{
	int n = 0;

	for (char *tok = strtok(s, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (n == max - 1)
			return -1;
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return n;
}

/* Runs in the VPS's namespaces as INIT-to-be: wait until the host has mapped its ids and made the
 * host side of its network, finish the namespaces from inside, exec INIT. */
static void __attribute__((noreturn)) child_main(const struct vps_config *cfg, int go_fd, int report_fd, int log_fd)
{
	struct vps_err err = { 0 };
	char init[sizeof(cfg->init)], *argv[MAX_INIT_ARGS];
	char c;
	int null_fd;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);	/* the parent gave up: nothing to report */
	if (vps_idmap_become_root(cfg->id, &err) < 0)
		goto fail;
	setsid();
	if (sethostname(cfg->name, strlen(cfg->name)) < 0) {
		vps_error(&err, errno, "set hostname `%s`", cfg->name);
		goto fail;
	}
	if (setup_vps_net(cfg, &err) < 0 || vps_rootfs_enter_vps(cfg, &err) < 0)
		goto fail;
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
		vps_error(&err, errno, "set up stdio of INIT");
		goto fail;
	}
	if (vps_limits_self(cfg, &err) < 0 || vps_caps_apply_bounding(vps_config_caps(cfg), &err) < 0)
		goto fail;
	memcpy(init, cfg->init, sizeof(init));
	if (split_words(init, argv, MAX_INIT_ARGS) <= 0) {
		vps_error(&err, 0, "INIT `%s` has no command or too many words", cfg->init);
		goto fail;
	}
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("container", "vps", 1);
	execv(argv[0], argv);
	vps_error(&err, errno, "exec INIT `%s`", cfg->init);
fail:
	if (write(report_fd, err.msg, strlen(err.msg)) < 0)
		_exit(2);
	_exit(1);
}

/* The first stage, in a new mount namespace of the host: lay out the VPS root there, then clone
 * INIT-to-be into the VPS's namespaces as a sibling (CLONE_PARENT: vpsctl waits for it) and send
 * its pid on pid_fd. The user namespace is created with effective ids of the VPS's range, so the
 * kernel counts what the VPS uses per user (inotify instances, message queues...) against that
 * range, never against host root. */
static void __attribute__((noreturn)) setup_main(const struct vps_config *cfg, int cg_fd, int go_fd, int report_fd,
						 int log_fd, int pid_fd)
{
	struct vps_err err = { 0 };
	uint32_t owner = vps_id_base(cfg->id);
	pid_t child;

	if (vps_rootfs_enter_host(cfg, &err) < 0)
		goto fail;
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) < 0 || setresgid(-1, owner, -1) < 0 ||
	    setresuid(-1, owner, -1) < 0) {
		vps_error(&err, errno, "take the ids of VPS %u", cfg->id);
		goto fail;
	}
	child = vps_clone_into(VPS_NS_FLAGS | CLONE_PARENT, cg_fd);
	if (child < 0) {
		vps_error(&err, errno, "clone the init of VPS %u into new namespaces", cfg->id);
		goto fail;
	}
	if (child == 0)
		child_main(cfg, go_fd, report_fd, log_fd);
	if (write(pid_fd, &child, sizeof(child)) != sizeof(child))
		_exit(1);
	_exit(0);
fail:
	if (write(report_fd, err.msg, strlen(err.msg)) < 0)
		_exit(2);
	_exit(1);
}

static int start_vps(const struct vps_config *cfg, pid_t *init_pid, struct vps_err *err)
{
	struct start_state st = { .cfg = cfg };
	cleanup_close int cg_fd = -1;
	cleanup_close int log_fd = -1;
	int go[2] = { -1, -1 }, report[2] = { -1, -1 }, pids[2] = { -1, -1 };
	char path[256], msg[sizeof(err->msg)];
	pid_t setup;
	ssize_t n;

	if (mkdir_p(VPS_RUN_DIR, 0755, err) < 0)
		return -1;
	snprintf(path, sizeof(path), VPS_RUN_DIR "/%u.console", cfg->id);
	log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return vps_error(err, errno, "open `%s`", path);
	if (vps_rootfs_mount(cfg, err) < 0)
		goto fail;
	st.root_mounted = 1;
	cg_fd = vps_cgroup_create(cfg, err);
	if (cg_fd < 0)
		goto fail;
	st.cgroup_made = 1;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0 || pipe2(pids, O_CLOEXEC) < 0) {
		vps_error(err, errno, "create pipes");
		goto fail;
	}
	fflush(NULL);
	setup = vps_clone_into(CLONE_NEWNS, -1);
	if (setup < 0) {
		vps_error(err, errno, "clone a mount namespace for VPS %u", cfg->id);
		goto fail;
	}
	if (setup == 0) {
		close(go[1]);
		close(report[0]);
		close(pids[0]);
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		setup_main(cfg, cg_fd, go[0], report[1], log_fd, pids[1]);
	}
	close(go[0]);
	close(report[1]);
	close(pids[1]);
	go[0] = report[1] = pids[1] = -1;
	while ((n = read(pids[0], &st.child, sizeof(st.child))) < 0 && errno == EINTR)
		;
	while (waitpid(setup, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(st.child)) {
		st.child = 0;
		while ((n = read(report[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
			;
		msg[n > 0 ? n : 0] = '\0';
		vps_error(err, 0, "%s", n > 0 ? msg : "the set-up of its namespaces failed");
		goto fail;
	}
	if (vps_idmap_write(st.child, cfg->id, err) < 0)
		goto fail;
	if (setup_host_net(cfg, st.child, &st, err) < 0)
		goto fail;
	if (write(go[1], "g", 1) != 1) {
		vps_error(err, errno, "release the init of VPS %u", cfg->id);
		goto fail;
	}
	/* EOF means exec succeeded (the pipe is close-on-exec); anything else is the child's error. */
	while ((n = read(report[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
		;
	if (n > 0) {
		msg[n] = '\0';
		vps_error(err, 0, "%s", msg);
		goto fail;
	}
	if (vps_module_add(cfg->id, st.child, cfg->name, err) < 0)
		goto fail;
	st.registered = 1;
	if (vps_limits_start(cfg, err) < 0)
		goto fail;
	vps_pidfile_path(cfg->id, path, sizeof(path));
	{
		char pid[32];
		cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		snprintf(pid, sizeof(pid), "%d\n", (int)st.child);
		if (fd < 0 || write_full(fd, pid, strlen(pid)) < 0) {
			vps_error(err, errno, "write `%s`", path);
			goto fail;
		}
	}
	if (cfg->network_announce[0]) {
		char e1[32];
		char *env[] = { e1, NULL };
		snprintf(e1, sizeof(e1), "VPS_ID=%u", cfg->id);
		if (run_shell("NETWORK_ANNOUNCE", cfg->network_announce, env, err) < 0) {
			unlink(path);
			goto fail;
		}
	}
	close(go[1]);
	close(report[0]);
	close(pids[0]);
	*init_pid = st.child;
	return 0;
fail:
	if (go[1] >= 0)
		close(go[1]);	/* a child still waiting reads EOF and exits */
	if (report[0] >= 0)
		close(report[0]);
	if (pids[0] >= 0)
		close(pids[0]);
	rollback(&st);
	return -1;
}

int vps_start(unsigned int id, const char *path, pid_t *init_pid, struct vps_config *cfg, struct vps_err *err)
{
	struct vps_runtime rt;

	if (vps_load_config(id, path, cfg, err) < 0)
		return -1;
	cfg->id = id;
	vps_runtime_read(id, &rt);
	if (rt.state != VPS_STOPPED)
		return vps_error(err, 0, "VPS %u is already %s (init pid %d)", id, vps_state_name(rt.state),
				 (int)rt.init_pid);
	/* Traces of a run whose init died on its own, or of a crashed start. */
	if (vps_teardown(cfg, err) < 0)
		return vps_error_wrap(err, "clean up an earlier run of VPS %u", id);
	if (start_vps(cfg, init_pid, err) < 0)
		return vps_error_wrap(err, "start VPS %u", id);
	return 0;
}
