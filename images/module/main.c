// SPDX-License-Identifier: GPL-2.0
/*
 * vps.ko: FreeVPS-style contexts (/dev/vps, /proc/vservers) over Linux
 * namespaces. See README.md beside this file.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "vps.h"

static int __init vps_init(void)
{
	int err;

	err = vps_proc_init();
	if (err)
		return err;
	err = vps_dev_init();
	if (err) {
		vps_proc_exit();
		return err;
	}
	pr_info("vps: module version %s loaded\n", VPS_VERSION);
	return 0;
}

static void __exit vps_exit(void)
{
	vps_dev_exit();		/* no new commands */
	vps_ctx_del_all();	/* drops every <id> entry and reference */
	vps_proc_exit();	/* the per-netns directories and the symlink */
}

module_init(vps_init);
module_exit(vps_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FreeVPS-style contexts: /dev/vps and /proc/vservers");
MODULE_AUTHOR("VPS Lab");
MODULE_VERSION(VPS_VERSION);
