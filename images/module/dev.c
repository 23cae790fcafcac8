// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vps: the registration interface. One text command per write():
 *
 *   add <id> <pid> <name>\n	register context <id> whose init is <pid>
 *   del <id>\n			unregister it
 *   limit <id> <res> <soft> <hard>\n
 *				set a limit vps.ko enforces: res is files,
 *				tcpsock or virt (kB); a value is a decimal
 *				number or "unlimited"; soft <= hard
 *   capdrop <id> <mask>\n	drop capabilities (hex mask, as in CapBset)
 *				from every task of the context
 *
 * Fields are separated by exactly one space; the newline is optional.
 * write() returns the length written, or:
 *   -EPERM   caller lacks CAP_SYS_ADMIN or is not in the initial pid ns
 *   -EINVAL  malformed command
 *   -EEXIST  <id> already registered
 *   -ESRCH   no such process
 *   -EBUSY   its pid or network namespace is the host's or already a
 *            context's (or an ancestor of one); del of a context that
 *            still has registered children
 *   -ENOENT  del, limit or capdrop of an id that is not registered
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "vps.h"

#define VPS_CMD_MAX	128
#define VPS_ARGS_MAX	5

/* ASCII only: the kernel's ctype also classifies Latin-1 letters. */
static bool vps_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool vps_is_name_char(char c)
{
	return vps_is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
}

/* Decimal digits only, no sign, no leading zero, within [min, max]. */
static int vps_parse_uint(const char *s, unsigned int min, unsigned int max,
			  unsigned int *out)
{
	const char *p;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (p = s; *p; p++)
		if (!vps_is_digit(*p))
			return -EINVAL;
	if (kstrtouint(s, 10, out) || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

/* A limit: "unlimited", or digits without sign or leading zero. */
static int vps_parse_limit(const char *s, unsigned long *out)
{
	const char *p;

	if (!strcmp(s, "unlimited")) {
		*out = VPS_UNLIMITED;
		return 0;
	}
	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (p = s; *p; p++)
		if (!vps_is_digit(*p))
			return -EINVAL;
	if (kstrtoul(s, 10, out) || *out == VPS_UNLIMITED)
		return -EINVAL;
	return 0;
}

/* A capability mask: 1 to 16 hex digits, only bits of known capabilities, not 0. */
static int vps_parse_caps(const char *s, kernel_cap_t *caps)
{
	size_t len = strlen(s);
	unsigned int i;
	u64 mask;

	if (len < 1 || len > 16 || !isxdigit(s[0]) || kstrtou64(s, 16, &mask))
		return -EINVAL;
	if (!mask || (CAP_LAST_CAP < 63 && (mask >> (CAP_LAST_CAP + 1))))
		return -EINVAL;
	*caps = CAP_EMPTY_SET;
	for (i = 0; i <= CAP_LAST_CAP; i++)
		if (mask & (1ULL << i))
			cap_raise(*caps, i);
	return 0;
}

/* [A-Za-z0-9._-]{1,63} */
static int vps_check_name(const char *s)
{
	size_t len = strlen(s);
	const char *p;

	if (len < 1 || len > VPS_NAME_MAX)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!vps_is_name_char(*p))
			return -EINVAL;
	return 0;
}

/* Split @cmd at single spaces; an empty field is an error. */
static int vps_split(char *cmd, char **argv)
{
	int argc = 0;
	char *field;

	while ((field = strsep(&cmd, " ")) != NULL) {
		if (!*field || argc == VPS_ARGS_MAX)
			return -EINVAL;
		argv[argc++] = field;
	}
	return argc;
}

static int vps_exec(char *cmd)
{
	char *argv[VPS_ARGS_MAX];
	unsigned int id, pid;
	int argc;

	argc = vps_split(cmd, argv);
	if (argc < 0)
		return argc;

	if (argc == 4 && !strcmp(argv[0], "add")) {
		if (vps_parse_uint(argv[1], VPS_ID_FIRST, VPS_ID_MAX, &id) ||
		    vps_parse_uint(argv[2], 1, PID_MAX_LIMIT, &pid) ||
		    vps_check_name(argv[3]))
			return -EINVAL;
		return vps_ctx_add(id, pid, argv[3]);
	}
	if (argc == 2 && !strcmp(argv[0], "del")) {
		if (vps_parse_uint(argv[1], VPS_ID_FIRST, VPS_ID_MAX, &id))
			return -EINVAL;
		return vps_ctx_del(id);
	}
	if (argc == 5 && !strcmp(argv[0], "limit")) {
		unsigned long soft, hard;
		int res;

		if (vps_parse_uint(argv[1], VPS_ID_FIRST, VPS_ID_MAX, &id))
			return -EINVAL;
		for (res = 0; res < VPS_RES_COUNT; res++)
			if (!strcmp(argv[2], vps_res_names[res]))
				break;
		if (res == VPS_RES_COUNT || vps_parse_limit(argv[3], &soft) ||
		    vps_parse_limit(argv[4], &hard) || soft > hard)
			return -EINVAL;
		return vps_set_limit(id, res, soft, hard);
	}
	if (argc == 3 && !strcmp(argv[0], "capdrop")) {
		kernel_cap_t caps;

		if (vps_parse_uint(argv[1], VPS_ID_FIRST, VPS_ID_MAX, &id) ||
		    vps_parse_caps(argv[2], &caps))
			return -EINVAL;
		return vps_capdrop(id, &caps);
	}
	return -EINVAL;
}

/* Only the host manages contexts for now; a VPS will manage its children. */
static bool vps_caller_allowed(struct file *file)
{
	return capable(CAP_SYS_ADMIN) &&
	       file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       task_active_pid_ns(current) == &init_pid_ns;
}

static ssize_t vps_dev_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char cmd[VPS_CMD_MAX + 1], shown[VPS_CMD_MAX + 1];
	size_t n = len;
	int err;

	if (!vps_caller_allowed(file))
		return -EPERM;
	if (len == 0 || len > VPS_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	if (strlen(cmd) != len)
		return -EINVAL;		/* embedded NUL */
	if (cmd[n - 1] == '\n')
		cmd[--n] = '\0';
	if (strchr(cmd, '\n'))
		return -EINVAL;		/* one command per write */

	strscpy(shown, cmd, sizeof(shown));	/* vps_exec() splits cmd */
	err = vps_exec(cmd);
	vps_dbg(dev, "\"%s\" from pid %d: %d", shown, task_pid_nr(current), err);
	return err ? err : len;
}

static const struct file_operations vps_dev_fops = {
	.owner	= THIS_MODULE,
	.open	= nonseekable_open,
	.write	= vps_dev_write,
	.llseek	= no_llseek,
};

static struct miscdevice vps_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vps",
	.fops	= &vps_dev_fops,
	.mode	= 0600,
};

int vps_dev_init(void)
{
	int err = misc_register(&vps_misc);

	if (err)
		pr_err("vps: cannot register /dev/vps: %d\n", err);
	return err;
}

void vps_dev_exit(void)
{
	misc_deregister(&vps_misc);
}
