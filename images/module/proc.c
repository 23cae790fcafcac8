// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/vservers, the FreeVPS interface.
 *
 * The real directory is per network namespace, /proc/net/vservers (that is
 * /proc/self/net/vservers), and /proc/vservers is a symlink to net/vservers,
 * the way /proc/net is a symlink to self/net. The directory of the initial
 * netns lists 0, 1 and every context; the directory of a context's netns
 * lists that context and its descendants; any other netns lists none. A
 * VPS has a netns of its own and cannot leave it, so it can neither name
 * nor open another context's entry. As a second wall, every show function
 * checks that the reader's context may see what it prints.
 *
 * Every file is a single_open() seq_file whose show function gets the
 * figures from the stats when read and prints them; all printing is here.
 * A context's <id> entries come and go with it, through the vps_ctx_ops
 * registered below.
 */
#include <linux/err.h>
#include <linux/inetdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <generated/utsrelease.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vps.h"

#define VPS_BUILD	VPS_VERSION "-" UTS_RELEASE

struct vps_proc_net {
	struct proc_dir_entry *dir;
};

static unsigned int vps_proc_net_id __read_mostly;
static struct proc_dir_entry *vps_symlink;
static DEFINE_MUTEX(vps_traf_lock);	/* trafstat baselines */

static int vps_setup_show(struct seq_file *m, void *v)
{
	unsigned int total, active;
	struct vps_ctx *reader;

	reader = vps_ctx_get_current();
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	vps_ctx_counts(reader, &total, &active);
	vps_ctx_put(reader);

	seq_printf(m, "vps module version %s\n", VPS_VERSION);
	seq_printf(m, "vps build %s\n", VPS_BUILD);
	seq_printf(m, "total contexts count %u\n", total);
	seq_printf(m, "active contexts count %u\n", active);
	return 0;
}

static void vps_show_cap(struct seq_file *m, const kernel_cap_t *cap)
{
	unsigned int i;

	seq_puts(m, "CapBset: ");
	CAP_FOR_EACH_U32(i)
		seq_printf(m, "%08x", cap->cap[CAP_LAST_U32 - i]);
	seq_putc(m, '\n');
}

static void vps_show_limit(struct seq_file *m, const char *name, u64 v,
			   const char *unit)
{
	if (v == U64_MAX)
		seq_printf(m, "%s: unlimited\n", name);
	else
		seq_printf(m, "%s: %llu%s\n", name, v, unit);
}

/* LOCK: it cannot make contexts (only the host may); NPROC: it has a
 * process limit; PRIVATE: nothing but the host joins it; FROZEN: suspended
 * (vpsctl suspend froze its cgroup). */
static void vps_show_flags(struct seq_file *m, const struct vps_ctx *ctx,
			   const struct vps_figures *f)
{
	if (!vps_ctx_is_vps(ctx)) {
		seq_puts(m, "flags: (none)\n");
		return;
	}
	seq_printf(m, "flags: LOCK%s PRIVATE%s\n", f->nproc_limited ? " NPROC" : "",
		   f->frozen ? " FROZEN" : "");
}

/*
 * RTNL: the name of the device at the other end of @dev: for a veth the
 * peer (found by its iflink in the peer's netns), else the lower device
 * in the same netns, or @dev itself. "-" if there is none.
 */
static const char *vps_peer_name(const struct net_device *dev)
{
	const struct rtnl_link_ops *ops = dev->rtnl_link_ops;
	struct net *link_net = dev_net(dev);
	struct net_device *peer;

	if (ops && ops->get_link_net)
		link_net = ops->get_link_net(dev);
	peer = __dev_get_by_index(link_net, dev_get_iflink(dev));
	return peer ? peer->name : "-";
}

/*
 * RTNL: one line per non-loopback device of @net:
 *   <dev>(<peer>): <speed>: <addr>/<prefixlen>;<addr>/<prefixlen>;
 * Speed: the rate of the device's TBF shaper in bits/s, 0 if it has none.
 */
static void vps_show_ifaces(struct seq_file *m, struct net *net)
{
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(net, dev) {
		struct in_device *in_dev;
		struct in_ifaddr *ifa;
		const char *sep = " ";

		if (dev->flags & IFF_LOOPBACK)
			continue;
		seq_printf(m, "%s(%s): %llu:", dev->name, vps_peer_name(dev),
			   vps_dev_speed(dev));
		in_dev = __in_dev_get_rtnl(dev);
		if (in_dev) {
			in_dev_for_each_ifa_rtnl(ifa, in_dev) {
				seq_printf(m, "%s%pI4/%u;", sep, &ifa->ifa_local,
					   ifa->ifa_prefixlen);
				sep = "";
			}
		}
		seq_putc(m, '\n');
	}
}

/* RTNL: "<ipv4> <dev> <id>" per IPv4 address in the netns of @ctx */
static void vps_show_routes(struct seq_file *m, const struct vps_ctx *ctx)
{
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(ctx->net, dev) {
		struct in_device *in_dev;
		struct in_ifaddr *ifa;

		if (dev->flags & IFF_LOOPBACK)
			continue;
		in_dev = __in_dev_get_rtnl(dev);
		if (!in_dev)
			continue;
		in_dev_for_each_ifa_rtnl(ifa, in_dev)
			seq_printf(m, "%pI4 %s %u\n", &ifa->ifa_local,
				   dev->name, ctx->id);
	}
}

static int vps_show_ctx(struct seq_file *m, const struct vps_ctx *ctx)
{
	struct pid_namespace *reader_ns = task_active_pid_ns(current);
	struct vps_init_info info;
	struct vps_figures fig;
	struct vps_procs procs;
	unsigned int i;
	u64 rx, tx;
	int err;

	vps_init_info(ctx, reader_ns, &info);
	err = vps_procs_collect(ctx, reader_ns, &procs);
	if (err)
		return err;
	vps_figures_collect(ctx, &procs, &fig);

	seq_printf(m, "vserver id: %u\n", ctx->id);
	seq_printf(m, "nodename: %s\n", info.nodename);
	seq_printf(m, "domainname: %s\n", info.domainname);
	vps_show_flags(m, ctx, &fig);
	seq_printf(m, "init pid: %d\n", info.pid);
	vps_show_cap(m, &info.cap_bset);
	vps_show_limit(m, "Process Limit", fig.nproc_limit, "");
	seq_printf(m, "Process Count: %u\n", procs.count);
	seq_puts(m, "tasks:");
	for (i = 0; i < procs.nr_pids; i++)
		seq_printf(m, " %d", procs.pids[i]);
	seq_putc(m, '\n');
	vps_show_limit(m, "Memory Limit", fig.vm_limit_kb, " kB");
	seq_printf(m, "Used memory: %llu kB\n", procs.vm_kb);
	seq_printf(m, "Max total memory: %llu kB\n", fig.vm_peak_kb);
	vps_show_limit(m, "Context RSS limit", fig.rss_limit_kb, " kB");
	seq_printf(m, "Context RSS: %llu kB\n", fig.rss_kb);
	seq_printf(m, "Max RSS memory: %llu kB\n", fig.rss_peak_kb);
	vps_show_limit(m, "Disk Limit", fig.disk_limit_kb, " kB");
	seq_printf(m, "Used disk memory: %llu kB\n", fig.disk_used_kb);
	vps_show_limit(m, "Files limit", fig.files_limit, "");
	seq_printf(m, "Used files: %llu\n", procs.files);
	vps_show_limit(m, "TCP sockets limit", fig.tcp_limit, "");
	seq_printf(m, "Established sockets: %u\n", fig.tcp_established);
	vps_procs_release(&procs);

	rtnl_lock();
	if (ctx != &vps_all)
		vps_show_ifaces(m, ctx->net);
	vps_traffic(ctx, &rx, &tx);
	rtnl_unlock();
	seq_printf(m, "Incoming traffic: %llu\n", rx);
	seq_printf(m, "Outgoing traffic: %llu\n", tx);
	return 0;
}

/* /proc/vservers/self */
static int vps_self_show(struct seq_file *m, void *v)
{
	struct vps_ctx *reader;
	int err;

	reader = vps_ctx_get_current();
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	vps_dbg(proc, "context %u reads self", reader->id);
	err = vps_show_ctx(m, reader);
	vps_ctx_put(reader);
	return err;
}

/*
 * /proc/vservers/<id>. The entry's data is the context; proc_remove()
 * waits for this to return before del drops the registry's reference.
 */
static int vps_id_show(struct seq_file *m, void *v)
{
	struct vps_ctx *ctx = pde_data(file_inode(m->file));
	struct vps_ctx *reader;
	int err = -EACCES;

	reader = vps_ctx_get_current();
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	vps_dbg(proc, "context %u reads %u", reader->id, ctx->id);
	if (vps_ctx_visible(reader, ctx))
		err = vps_show_ctx(m, ctx);
	vps_ctx_put(reader);
	return err;
}

/*
 * /proc/vservers/trafstat: bytes since the last read, per visible context.
 * The baselines move only when the output fitted: seq_file calls show
 * again with a bigger buffer when it did not.
 */
static int vps_trafstat_show(struct seq_file *m, void *v)
{
	struct vps_ctx *reader, **ctxs;
	u64 *now;
	int i, n;

	reader = vps_ctx_get_current();
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	vps_dbg(proc, "context %u reads trafstat", reader->id);
	n = vps_ctx_snapshot(reader, &ctxs);
	vps_ctx_put(reader);
	if (n < 0)
		return n;
	now = kmalloc_array(2 * n + 1, sizeof(*now), GFP_KERNEL);
	if (!now) {
		vps_ctx_snapshot_put(ctxs, n);
		return -ENOMEM;
	}

	mutex_lock(&vps_traf_lock);
	rtnl_lock();
	for (i = 0; i < n; i++)
		vps_traffic(ctxs[i], &now[2 * i], &now[2 * i + 1]);
	rtnl_unlock();

	seq_puts(m, "CONTEXT INCOMING OUTGOING\n");
	for (i = 0; i < n; i++) {
		struct vps_ctx *ctx = ctxs[i];
		u64 rx = now[2 * i], tx = now[2 * i + 1];

		/* counters restart when a device is replaced */
		seq_printf(m, "%u %llu %llu\n", ctx->id,
			   rx >= ctx->traf_rx ? rx - ctx->traf_rx : rx,
			   tx >= ctx->traf_tx ? tx - ctx->traf_tx : tx);
	}
	if (!seq_has_overflowed(m)) {
		for (i = 0; i < n; i++) {
			ctxs[i]->traf_rx = now[2 * i];
			ctxs[i]->traf_tx = now[2 * i + 1];
		}
	}
	mutex_unlock(&vps_traf_lock);

	kfree(now);
	vps_ctx_snapshot_put(ctxs, n);
	return 0;
}

/* /proc/vservers/routes_ipv4: every IPv4 address of every visible VPS */
static int vps_routes_show(struct seq_file *m, void *v)
{
	struct vps_ctx *reader, **ctxs;
	int i, n;

	reader = vps_ctx_get_current();
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	n = vps_ctx_snapshot(reader, &ctxs);
	vps_ctx_put(reader);
	if (n < 0)
		return n;

	seq_puts(m, "address name context\n");
	rtnl_lock();
	for (i = 0; i < n; i++)
		if (vps_ctx_is_vps(ctxs[i]))
			vps_show_routes(m, ctxs[i]);
	rtnl_unlock();

	vps_ctx_snapshot_put(ctxs, n);
	return 0;
}

static int __net_init vps_proc_net_init(struct net *net)
{
	struct vps_proc_net *vn = net_generic(net, vps_proc_net_id);
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "vservers", net->proc_net);
	if (!dir)
		goto fail;
	if (!proc_create_single("setup", 0444, dir, vps_setup_show) ||
	    !proc_create_single("self", 0444, dir, vps_self_show) ||
	    !proc_create_single("trafstat", 0444, dir, vps_trafstat_show) ||
	    !proc_create_single("routes_ipv4", 0444, dir, vps_routes_show))
		goto fail_dir;
	if (net_eq(net, &init_net) &&
	    (!proc_create_single_data("0", 0444, dir, vps_id_show, &vps_host) ||
	     !proc_create_single_data("1", 0444, dir, vps_id_show, &vps_all)))
		goto fail_dir;
	vn->dir = dir;
	return 0;

fail_dir:
	proc_remove(dir);
fail:
	pr_err("vps: cannot create /proc/net/vservers\n");
	return -ENOMEM;
}

static void __net_exit vps_proc_net_exit(struct net *net)
{
	struct vps_proc_net *vn = net_generic(net, vps_proc_net_id);

	proc_remove(vn->dir);
	vn->dir = NULL;
}

static struct pernet_operations vps_proc_net_ops = {
	.init	= vps_proc_net_init,
	.exit	= vps_proc_net_exit,
	.id	= &vps_proc_net_id,
	.size	= sizeof(struct vps_proc_net),
};

/* The /proc/net/vservers/<id> entry of @ctx in the directory of @net */
static struct proc_dir_entry *vps_proc_add_entry(struct net *net,
						 struct vps_ctx *ctx)
{
	struct vps_proc_net *vn = net_generic(net, vps_proc_net_id);
	char name[12];

	if (!vn->dir)
		return NULL;
	snprintf(name, sizeof(name), "%u", ctx->id);
	return proc_create_single_data(name, 0444, vn->dir, vps_id_show, ctx);
}

static void vps_proc_ctx_del(struct vps_ctx *ctx)
{
	while (ctx->nr_pde)
		proc_remove(ctx->pde[--ctx->nr_pde]);
	kfree(ctx->pde);
	ctx->pde = NULL;
}

/*
 * vps_mutex: list a new context in its own netns directory and every
 * ancestor's, and start its trafstat count
 */
static int vps_proc_ctx_add(struct vps_ctx *ctx)
{
	struct vps_ctx *c;

	ctx->pde = kcalloc(ctx->depth + 1, sizeof(*ctx->pde), GFP_KERNEL);
	if (!ctx->pde)
		return -ENOMEM;
	for (c = ctx; c; c = c->parent) {
		struct proc_dir_entry *pde = vps_proc_add_entry(c->net, ctx);

		if (!pde) {
			vps_proc_ctx_del(ctx);
			return -ENOMEM;
		}
		ctx->pde[ctx->nr_pde++] = pde;
	}

	rtnl_lock();
	vps_traffic(ctx, &ctx->traf_rx, &ctx->traf_tx);
	rtnl_unlock();
	return 0;
}

static struct vps_ctx_ops vps_proc_ctx_ops = {
	.add	= vps_proc_ctx_add,
	.del	= vps_proc_ctx_del,
};

int vps_proc_init(void)
{
	int err;

	err = register_pernet_subsys(&vps_proc_net_ops);
	if (err) {
		pr_err("vps: cannot register pernet operations: %d\n", err);
		return err;
	}
	vps_symlink = proc_symlink("vservers", NULL, "net/vservers");
	if (!vps_symlink) {
		pr_err("vps: cannot create /proc/vservers\n");
		err = -ENOMEM;
		goto out_pernet;
	}
	err = vps_register_ctx_ops(&vps_proc_ctx_ops);
	if (err)
		goto out_symlink;
	return 0;

out_symlink:
	proc_remove(vps_symlink);
out_pernet:
	unregister_pernet_subsys(&vps_proc_net_ops);
	return err;
}

void vps_proc_exit(void)
{
	vps_unregister_ctx_ops(&vps_proc_ctx_ops);	/* the <id> entries */
	proc_remove(vps_symlink);
	unregister_pernet_subsys(&vps_proc_net_ops);
}
