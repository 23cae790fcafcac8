// SPDX-License-Identifier: GPL-2.0
/*
 * vps.ko: FreeVPS-style contexts (/dev/vps, /proc/vservers) over Linux
 * namespaces, and the limits cgroups cannot enforce. See README.md beside
 * this file.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "vps.h"

static int __init vps_init(void)
{
	int err;

	err = vps_debug_init();
	if (err)
		return err;
	err = vps_proc_init();
	if (err)
		goto out_debug;
	err = vps_net_init();
	if (err)
		goto out_proc;
	err = vps_account_init();
	if (err)
		goto out_net;
	err = vps_priv_init();
	if (err)
		goto out_account;
	err = vps_dev_init();
	if (err)
		goto out_priv;
	pr_info("vps: module version %s loaded\n", VPS_VERSION);
	return 0;

out_priv:
	vps_priv_exit();
out_account:
	vps_account_exit();
out_net:
	vps_net_exit();
out_proc:
	vps_proc_exit();
out_debug:
	vps_debug_exit();
	return err;
}

static void __exit vps_exit(void)
{
	vps_dev_exit();		/* no new commands */
	vps_priv_exit();	/* no probe runs after these */
	vps_account_exit();
	vps_ctx_del_all();	/* drops every <id> entry, hook and reference */
	vps_net_exit();
	vps_proc_exit();	/* the per-netns directories and the symlink */
	vps_debug_exit();
}

module_init(vps_init);
module_exit(vps_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FreeVPS-style contexts: /dev/vps, /proc/vservers and per-context limits");
MODULE_AUTHOR("VPS Lab");
MODULE_VERSION(VPS_VERSION);
