// SPDX-License-Identifier: GPL-2.0
/*
 * Debug switches, one per area, in the spirit of FreeBSD VPS's DIAGNOSTIC
 * sysctls (debug.vps_core_debug, ...): each turns kernel-log tracing of its
 * area on (1) or off (0). Both a module parameter and a sysctl name the same
 * switch:
 *
 *   /sys/module/vps/parameters/debug_<area>   (also "insmod vps.ko debug_<area>=1")
 *   /proc/sys/debug/vps_<area>_debug          (also "sysctl debug.vps_<area>_debug=1")
 *
 * core     contexts registered and unregistered, hooks attached
 * dev      every /dev/vps command and its result
 * proc     every /proc/vservers file read, and by which context
 * account  limits vps.ko enforces: refusals (files, virt, tcpsock) and limit changes
 * if       the network rules: packets dropped for their source, connections refused
 * priv     capabilities dropped from running tasks
 */
#include <linux/moduleparam.h>
#include <linux/sysctl.h>

#include "vps.h"

int vps_debug_core, vps_debug_dev, vps_debug_proc, vps_debug_account,
    vps_debug_if, vps_debug_priv;

#define VPS_DEBUG_PARAM(area)						\
	module_param_named(debug_##area, vps_debug_##area, int, 0644);	\
	MODULE_PARM_DESC(debug_##area, "trace " #area " to the kernel log (0/1)")

VPS_DEBUG_PARAM(core);
VPS_DEBUG_PARAM(dev);
VPS_DEBUG_PARAM(proc);
VPS_DEBUG_PARAM(account);
VPS_DEBUG_PARAM(if);
VPS_DEBUG_PARAM(priv);

#define VPS_DEBUG_SYSCTL(area) {					\
	.procname	= "vps_" #area "_debug",			\
	.data		= &vps_debug_##area,				\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= SYSCTL_ZERO,					\
	.extra2		= SYSCTL_ONE,					\
}

static struct ctl_table vps_debug_table[] = {
	VPS_DEBUG_SYSCTL(core),
	VPS_DEBUG_SYSCTL(dev),
	VPS_DEBUG_SYSCTL(proc),
	VPS_DEBUG_SYSCTL(account),
	VPS_DEBUG_SYSCTL(if),
	VPS_DEBUG_SYSCTL(priv),
	{ }
};

static struct ctl_table_header *vps_debug_sysctl;

int vps_debug_init(void)
{
	vps_debug_sysctl = register_sysctl("debug", vps_debug_table);
	if (!vps_debug_sysctl) {
		pr_err("vps: cannot register the debug.vps_*_debug sysctls\n");
		return -ENOMEM;
	}
	return 0;
}

void vps_debug_exit(void)
{
	unregister_sysctl_table(vps_debug_sysctl);
}
