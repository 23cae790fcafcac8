/* vpstest escape HOSTPID: try to reach out of the VPS, one system call per probe, and print
 * "<probe> <ERRNO>" for each ("OK" would be an escape). Exits 0 when every probe failed.
 * HOSTPID is the pid of a host process as the host sees it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

static long hostpid;

static int kill_host(void) { return vpstest_errno(kill((pid_t)hostpid, SIGKILL)); }
static int mount_tmpfs(void) { return vpstest_errno(mount("escape", "/tmp", "tmpfs", 0, NULL)); }
static int umount_proc(void) { return vpstest_errno(umount2("/proc", MNT_DETACH)); }
static int mount_cgroup(void) { return vpstest_errno(mount("cgroup2", "/tmp", "cgroup2", 0, NULL)); }
static int init_module(void) { return vpstest_errno(syscall(SYS_init_module, NULL, 0UL, "")); }
static int finit_module(void) { return vpstest_errno(syscall(SYS_finit_module, 0, "", 0)); }
static int set_hostname(void) { return vpstest_errno(sethostname("escaped", 7)); }
static int set_domainname(void) { return vpstest_errno(setdomainname("escaped", 7)); }

static int set_time(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return vpstest_errno(clock_settime(CLOCK_REALTIME, &now));
}

static int reboot_host(void)
{
	return vpstest_errno(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, NULL));
}

static int poweroff_host(void)
{
	return vpstest_errno(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL));
}

static int read_host_vservers(void) { return vpstest_open_errno("/proc/vservers/0", O_RDONLY); }
static int read_other_vservers(void) { return vpstest_open_errno("/proc/vservers/4", O_RDONLY); }
static int open_dev_vps(void) { return vpstest_open_errno("/dev/vps", O_WRONLY); }
static int write_sysctl(void) { return vpstest_open_errno("/proc/sys/kernel/hostname", O_WRONLY); }
static int write_cgroup(void) { return vpstest_open_errno("/sys/fs/cgroup/pids.max", O_WRONLY); }

static int raise_rlimit(int resource)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) < 0)
		return errno;
	if (rl.rlim_max == RLIM_INFINITY)
		return 0;	/* nothing to raise: that is the escape */
	rl.rlim_max++;
	rl.rlim_cur = rl.rlim_max;
	return vpstest_errno(setrlimit(resource, &rl));
}

static int raise_nofile(void) { return raise_rlimit(RLIMIT_NOFILE); }
static int raise_as(void) { return raise_rlimit(RLIMIT_AS); }

/* A device node of the host (a disk image's loop device, the console): made, or opened. */
static int host_device(mode_t type, unsigned int major, unsigned int minor)
{
	char path[64];
	int e;

	snprintf(path, sizeof(path), "/tmp/escape-%u-%u", major, minor);
	unlink(path);
	if (mknod(path, type | 0600, makedev(major, minor)) < 0)
		return errno;
	e = vpstest_open_errno(path, O_RDWR);
	unlink(path);
	return e;
}

static int loop_device(void) { return host_device(S_IFBLK, 7, 0); }
static int console_device(void) { return host_device(S_IFCHR, 4, 64); }

static const struct {
	const char *name;
	int (*probe)(void);
} probes[] = {
	{ "kill-host-process", kill_host },
	{ "mount", mount_tmpfs },
	{ "umount", umount_proc },
	{ "mount-cgroup", mount_cgroup },
	{ "init_module", init_module },
	{ "finit_module", finit_module },
	{ "sethostname", set_hostname },
	{ "setdomainname", set_domainname },
	{ "clock_settime", set_time },
	{ "reboot", reboot_host },
	{ "poweroff", poweroff_host },
	{ "read-/proc/vservers/0", read_host_vservers },
	{ "read-/proc/vservers/4", read_other_vservers },
	{ "open-/dev/vps", open_dev_vps },
	{ "write-sysctl", write_sysctl },
	{ "write-cgroup", write_cgroup },
	{ "raise-RLIMIT_NOFILE", raise_nofile },
	{ "raise-RLIMIT_AS", raise_as },
	{ "open-loop-device", loop_device },
	{ "open-host-console", console_device },
};

int vpstest_escape(int argc, char **argv)
{
	int escaped = 0;

	hostpid = argc == 2 ? vpstest_count(argv[1]) : -1;
	if (hostpid <= 0) {
		fprintf(stderr, "usage: vpstest escape HOSTPID\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int e = probes[i].probe();

		printf("%s %s\n", probes[i].name, vpstest_errname(e));
		escaped += e == 0;
	}
	return escaped ? 1 : 0;
}
