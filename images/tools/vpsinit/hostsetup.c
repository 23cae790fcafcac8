/* vps-hostsetup: the host context's bring-up, run once by /etc/init.d/rcS. It does in one process
 * what a shell script would do in twenty forks (each costs ~20 ms on the emulated CPU):
 * filesystems, hostname, cgroup v2 controllers for /sys/fs/cgroup/vps, vps.ko, loopback,
 * forwarding and source checks for routed VPS networking, the kernel log and BPF closed to
 * everybody but host root, and the VPS template's shared binaries.
 * A failing step is reported and the others still run; the exit code says whether any failed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../vpsctl/netlink.h"
#include "../vpsctl/util.h"

static int failures;

static void report(const struct vps_err *err)
{
	fprintf(stderr, "vps-hostsetup: %s\n", err->msg);
	failures++;
}

static void do_mount(const char *type, const char *target, unsigned long flags, const char *data)
{
	struct vps_err err;

	if (mkdir_p(target, 0755, &err) < 0) {
		report(&err);
		return;
	}
	if (mount(type, target, type, flags, data) < 0) {
		vps_error(&err, errno, "mount %s at `%s`", type, target);
		report(&err);
	}
}

static void write_knob(const char *path, const char *value)
{
	struct vps_err err;

	if (write_file(path, value, &err) < 0)
		report(&err);
}

static void set_hostname(void)
{
	char name[65];
	struct vps_err err;
	ssize_t n = read_file("/etc/hostname", name, sizeof(name), &err);

	if (n < 0) {
		report(&err);
		return;
	}
	name[strcspn(name, "\n")] = '\0';
	if (sethostname(name, strlen(name)) < 0) {
		vps_error(&err, errno, "set hostname `%s`", name);
		report(&err);
	}
}

static void load_module(const char *path)
{
	struct vps_err err;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0) {
		vps_error(&err, errno, "load `%s` (/proc/vservers will be missing)", path);
		report(&err);
	}
}

static void hard_link(const char *from, const char *to)
{
	struct vps_err err;

	unlink(to);
	if (link(from, to) < 0) {
		vps_error(&err, errno, "link `%s` to `%s`", from, to);
		report(&err);
	}
}

/* vpsctl runs from this binary, and so does each process it puts into a VPS until its exec (and
 * after it, if the VPS makes that exec run "#!/proc/self/exe"): a VPS can reach the file through
 * /proc/<pid>/exe of such a process. A read-only bind over itself makes every path to it refuse
 * chmod, chown and writes (EROFS), for anyone. It must come after the last hard link to it (a link
 * across mounts is EXDEV); processes started from it afterwards have their exe on this mount. */
static void seal_tools_binary(const char *path)
{
	struct vps_err err;

	if (mount(path, path, NULL, MS_BIND, NULL) < 0) {
		vps_error(&err, errno, "bind `%s` over itself", path);
		report(&err);
	} else if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0) {
		vps_error(&err, errno, "make the bind of `%s` read-only", path);
		report(&err);
	}
}

int vpsinit_hostsetup_main(int argc, char **argv)
{
	static const char controllers[] = "+cpu +io +memory +pids";
	struct vps_err err;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vps-hostsetup (run by /etc/init.d/rcS at boot)\n");
		return 2;
	}
	do_mount("proc", "/proc", 0, NULL);
	do_mount("sysfs", "/sys", 0, NULL);
	do_mount("devtmpfs", "/dev", 0, NULL);
	do_mount("devpts", "/dev/pts", 0, "gid=5,mode=0620,ptmxmode=0666");
	do_mount("tmpfs", "/dev/shm", 0, "mode=1777");
	do_mount("tmpfs", "/run", 0, "mode=0755");
	/* nsdelegate: a cgroup namespace is a delegation boundary (nothing inside writes the files
	 * of its namespace's root, nor moves processes out of it). */
	do_mount("cgroup2", "/sys/fs/cgroup", 0, "nsdelegate");
	set_hostname();
	/* Every controller a VPS limit needs, delegated to /sys/fs/cgroup/vps/<id>. */
	write_knob("/sys/fs/cgroup/cgroup.subtree_control", controllers);
	if (mkdir_p("/sys/fs/cgroup/vps", 0755, &err) < 0)
		report(&err);
	write_knob("/sys/fs/cgroup/vps/cgroup.subtree_control", controllers);
	load_module("/lib/modules/vps.ko");
	/* Routed VPS networking: the host side of each veth answers ARP for its VPS (proxy_arp, set
	 * by vpsctl start) and drops packets whose source the VPS may not use (rp_filter: if_vps). */
	if (nl_link_up("lo", &err) < 0)
		report(&err);
	write_knob("/proc/sys/net/ipv4/ip_forward", "1");
	write_knob("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
	write_knob("/proc/sys/net/ipv4/conf/default/rp_filter", "1");
	/* Nothing of the host's kernel log or its BPF for anybody but host root. */
	write_knob("/proc/sys/kernel/dmesg_restrict", "1");
	write_knob("/proc/sys/kernel/unprivileged_bpf_disabled", "1");
	/* The template root holds busybox itself (the host's /bin links to it: rootfs/make-base.sh)
	 * and shares the in-guest test helper (vpstest). */
	hard_link("/sbin/vps-tools", "/usr/share/vps/template/usr/bin/vpstest");
	seal_tools_binary("/sbin/vps-tools");	/* last: after every link to it */
	return failures ? 1 : 0;
}
