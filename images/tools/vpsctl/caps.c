/* Capability names (Linux 6.1: 0..40), and dropping the bounding set without libcap. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BIT(c) (1ULL << (c))

static const char *const cap_names[] = {
	[CAP_CHOWN] = "chown",
	[CAP_DAC_OVERRIDE] = "dac_override",
	[CAP_DAC_READ_SEARCH] = "dac_read_search",
	[CAP_FOWNER] = "fowner",
	[CAP_FSETID] = "fsetid",
	[CAP_KILL] = "kill",
	[CAP_SETGID] = "setgid",
	[CAP_SETUID] = "setuid",
	[CAP_SETPCAP] = "setpcap",
	[CAP_LINUX_IMMUTABLE] = "linux_immutable",
	[CAP_NET_BIND_SERVICE] = "net_bind_service",
	[CAP_NET_BROADCAST] = "net_broadcast",
	[CAP_NET_ADMIN] = "net_admin",
	[CAP_NET_RAW] = "net_raw",
	[CAP_IPC_LOCK] = "ipc_lock",
	[CAP_IPC_OWNER] = "ipc_owner",
	[CAP_SYS_MODULE] = "sys_module",
	[CAP_SYS_RAWIO] = "sys_rawio",
	[CAP_SYS_CHROOT] = "sys_chroot",
	[CAP_SYS_PTRACE] = "sys_ptrace",
	[CAP_SYS_PACCT] = "sys_pacct",
	[CAP_SYS_ADMIN] = "sys_admin",
	[CAP_SYS_BOOT] = "sys_boot",
	[CAP_SYS_NICE] = "sys_nice",
	[CAP_SYS_RESOURCE] = "sys_resource",
	[CAP_SYS_TIME] = "sys_time",
	[CAP_SYS_TTY_CONFIG] = "sys_tty_config",
	[CAP_MKNOD] = "mknod",
	[CAP_LEASE] = "lease",
	[CAP_AUDIT_WRITE] = "audit_write",
	[CAP_AUDIT_CONTROL] = "audit_control",
	[CAP_SETFCAP] = "setfcap",
	[CAP_MAC_OVERRIDE] = "mac_override",
	[CAP_MAC_ADMIN] = "mac_admin",
	[CAP_SYSLOG] = "syslog",
	[CAP_WAKE_ALARM] = "wake_alarm",
	[CAP_BLOCK_SUSPEND] = "block_suspend",
	[CAP_AUDIT_READ] = "audit_read",
	[CAP_PERFMON] = "perfmon",
	[CAP_BPF] = "bpf",
	[CAP_CHECKPOINT_RESTORE] = "checkpoint_restore",
};

#define N_CAPS (int)(sizeof(cap_names) / sizeof(cap_names[0]))
/* A newer uapi header with more capabilities needs their names here. */
_Static_assert(N_CAPS == CAP_LAST_CAP + 1, "cap_names must cover 0..CAP_LAST_CAP");

uint64_t vps_caps_default(void)
{
	/* Docker's default set: enough to run a distribution's init and daemons. */
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) |
	       BIT(CAP_KILL) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETPCAP) |
	       BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_RAW) | BIT(CAP_SYS_CHROOT) |
	       BIT(CAP_MKNOD) | BIT(CAP_AUDIT_WRITE) | BIT(CAP_SETFCAP);
}

static int cap_lookup(const char *name, size_t len)
{
	int c;

	if (len > 4 && strncasecmp(name, "cap_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	for (c = 0; c < N_CAPS; c++)
		if (strlen(cap_names[c]) == len && strncasecmp(cap_names[c], name, len) == 0)
			return c;
	return -1;
}

/* An unknown word for an error message: at most 64 bytes, non-printables as '?'. */
static void show_word(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = len < 64 ? len : 64;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)s[i]) && s[i] != '"' ? s[i] : '?';
	buf[n] = '\0';
}

int vps_caps_parse(const char *list, uint64_t *mask, struct vps_err *err)
{
	const char *p = list, *end, *item;
	uint64_t m = 0;
	char word[80];
	size_t len;
	int c;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*mask = 0;
		return 0;
	}
	for (;;) {
		end = p + strcspn(p, ",");
		item = p;
		while (item < end && isspace((unsigned char)*item))
			item++;
		len = end - item;
		while (len > 0 && isspace((unsigned char)item[len - 1]))
			len--;
		if (len == 0)
			return vps_error(err, 0, "empty entry in capability list");
		c = cap_lookup(item, len);
		if (c < 0) {
			show_word(item, len, word, sizeof(word));
			return vps_error(err, 0, "unknown capability \"%s\"", word);
		}
		m |= BIT(c);
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*mask = m;
	return 0;
}

void vps_caps_format(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;
	int c, n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (c = 0; c < N_CAPS; c++) {
		if (!(mask & BIT(c)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", cap_names[c]);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';	/* whole names only */
			return;
		}
		used += n;
	}
}

const char *vps_cap_name(int cap)
{
	return cap >= 0 && cap < N_CAPS ? cap_names[cap] : NULL;
}

/* The kernel's highest capability; 63 when /proc is not there (drops beyond it fail with EINVAL). */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = 63;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 63;
		fclose(f);
	}
	return last;
}

int vps_caps_apply_bounding(uint64_t keep, struct vps_err *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int c, last = last_cap();
	char unknown[16];

	for (c = 0; c <= last; c++) {
		if (keep & BIT(c))
			continue;
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 0)
			continue;	/* already gone */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				continue;	/* this kernel has no such capability */
			snprintf(unknown, sizeof(unknown), "%d", c);
			return vps_error(err, errno, "drop capability %s from the bounding set",
					 c < N_CAPS ? cap_names[c] : unknown);
		}
	}
	/* Kernels before 4.3 have no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return vps_error(err, errno, "clear the ambient capability set");
	if (syscall(SYS_capget, &hdr, data) < 0)
		return vps_error(err, errno, "read the capability sets of pid %d", (int)getpid());
	for (c = 0; c < _LINUX_CAPABILITY_U32S_3; c++)
		data[c].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return vps_error(err, errno, "clear the inheritable capability set");
	return 0;
}
