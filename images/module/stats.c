// SPDX-License-Identifier: GPL-2.0
/*
 * Figures for /proc/vservers, computed from live kernel state each time
 * they are read: the init task, the processes of a context and their
 * memory and descriptors, its cgroup limits, its disk, the TCP sockets
 * and the traffic of its netns. Printing them is proc.c's.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/memcontrol.h>
#include <linux/statfs.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

#include "vps.h"

#define PAGES_TO_KB(x)	((u64)(x) << (PAGE_SHIFT - 10))

/* RCU: the init task of @ctx, NULL once it is gone */
static struct task_struct *vps_init_task(const struct vps_ctx *ctx)
{
	if (vps_ctx_is_vps(ctx))
		return pid_task(ctx->init_pid, PIDTYPE_PID);
	return pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
}

/*
 * The init task's pid (as the reader sees it), capability bounding set and
 * UTS names. The host and the whole system use init_uts_ns; a VPS whose
 * init is gone shows pid 0, an empty set and "(none)".
 */
static void vps_copy_uts(struct vps_init_info *info,
			 const struct new_utsname *uts)
{
	/* sethostname() and setdomainname() keep the last byte NUL */
	strscpy(info->nodename, uts->nodename, sizeof(info->nodename));
	strscpy(info->domainname, uts->domainname, sizeof(info->domainname));
}

void vps_init_info(const struct vps_ctx *ctx, struct pid_namespace *reader_ns,
		   struct vps_init_info *info)
{
	struct task_struct *task;

	memset(info, 0, sizeof(*info));
	strscpy(info->nodename, "(none)", sizeof(info->nodename));
	strscpy(info->domainname, "(none)", sizeof(info->domainname));

	rcu_read_lock();
	task = vps_init_task(ctx);
	if (task) {
		info->pid = task_pid_nr_ns(task, reader_ns);
		info->cap_bset = __task_cred(task)->cap_bset;
	}
	if (!vps_ctx_is_vps(ctx)) {
		vps_copy_uts(info, &init_uts_ns.name);
	} else if (task) {
		/* task_lock keeps ->nsproxy and its uts_ns alive */
		task_lock(task);
		if (task->nsproxy)
			vps_copy_uts(info, &task->nsproxy->uts_ns->name);
		task_unlock(task);
	}
	rcu_read_unlock();
}

/* RCU: does @task count in @ctx? */
static bool vps_task_in(struct task_struct *task, const struct vps_ctx *ctx)
{
	struct vps_ctx *owner = vps_ctx_of_task(task);

	if (!owner)
		return false;	/* being reaped */
	return ctx == &vps_all || owner == ctx;
}

struct vps_mm {
	const void *mm;
	unsigned long vm, rss;
	unsigned long hiwater_vm, hiwater_rss;
};

struct vps_fds {
	const void *files;
	unsigned int n;
};

static int vps_cmp_mm(const void *a, const void *b)
{
	const struct vps_mm *x = a, *y = b;

	return x->mm < y->mm ? -1 : x->mm > y->mm;
}

static int vps_cmp_fds(const void *a, const void *b)
{
	const struct vps_fds *x = a, *y = b;

	return x->files < y->files ? -1 : x->files > y->files;
}

static int vps_cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * RCU: the descriptor table of @p and those of its threads that unshared
 * their own, into @fds; false if they do not fit in @cap entries
 */
static bool vps_scan_tables(struct task_struct *p, struct vps_fds *fds,
			    unsigned int *nr_fds, unsigned int cap)
{
	struct files_struct *leader = READ_ONCE(p->files);
	struct task_struct *t;
	bool fits = true;

	for_each_thread(p, t) {
		task_lock(t);
		if (t->files && (t == p || t->files != leader)) {
			struct fdtable *fdt = files_fdtable(t->files);

			if (*nr_fds == cap) {
				fits = false;
			} else {
				fds[*nr_fds].files = t->files;
				fds[*nr_fds].n = bitmap_weight(fdt->open_fds,
							       fdt->max_fds);
				(*nr_fds)++;
			}
		}
		task_unlock(t);
		if (!fits)
			break;
	}
	return fits;
}

/*
 * One pass over all processes under RCU into arrays of @cap entries.
 * Returns false if they were too small.
 */
static bool vps_procs_scan(const struct vps_ctx *ctx,
			   struct pid_namespace *reader_ns,
			   struct vps_procs *procs, struct vps_mm *mms,
			   unsigned int *nr_mms, struct vps_fds *fds,
			   unsigned int *nr_fds, unsigned int cap)
{
	struct task_struct *p;
	bool fits = true;

	procs->count = 0;
	procs->nr_pids = 0;
	*nr_mms = 0;
	*nr_fds = 0;

	rcu_read_lock();
	for_each_process(p) {
		struct mm_struct *mm;
		pid_t nr;

		if (!vps_task_in(p, ctx))
			continue;
		if (procs->count == cap) {
			fits = false;
			break;
		}
		procs->count++;
		nr = task_tgid_nr_ns(p, reader_ns);
		if (nr)		/* 0: not visible from the reader's pid ns */
			procs->pids[procs->nr_pids++] = nr;
		if (p->flags & PF_KTHREAD)
			continue;
		/* task_lock keeps ->mm alive: exit_mm() clears it under it */
		task_lock(p);
		mm = p->mm;
		if (mm) {
			mms[*nr_mms].mm = mm;
			mms[*nr_mms].vm = READ_ONCE(mm->total_vm);
			mms[*nr_mms].rss = get_mm_rss(mm);
			mms[*nr_mms].hiwater_vm = get_mm_hiwater_vm(mm);
			mms[*nr_mms].hiwater_rss = get_mm_hiwater_rss(mm);
			(*nr_mms)++;
		}
		task_unlock(p);
		if (!vps_scan_tables(p, fds, nr_fds, cap)) {
			fits = false;
			break;
		}
	}
	rcu_read_unlock();
	return fits;
}

/*
 * The processes (thread-group leaders) of @ctx: how many, their pids in
 * @reader_ns, and the memory of their address spaces, each mm counted once
 * (vfork and CLONE_VM children share one). A VPS whose init is gone has
 * none. Release with vps_procs_release().
 */
int vps_procs_collect(const struct vps_ctx *ctx,
		      struct pid_namespace *reader_ns, struct vps_procs *procs)
{
	unsigned int cap = 128, nr_mms, nr_fds, i;
	struct vps_mm *mms;
	struct vps_fds *fds;
	bool alive;

	memset(procs, 0, sizeof(*procs));
	rcu_read_lock();
	alive = !!vps_init_task(ctx);
	rcu_read_unlock();
	if (!alive)
		return 0;

	for (;;) {
		procs->pids = kvmalloc_array(cap, sizeof(*procs->pids),
					     GFP_KERNEL);
		mms = kvmalloc_array(cap, sizeof(*mms), GFP_KERNEL);
		fds = kvmalloc_array(cap, sizeof(*fds), GFP_KERNEL);
		if (!procs->pids || !mms || !fds) {
			kvfree(mms);
			kvfree(fds);
			vps_procs_release(procs);
			return -ENOMEM;
		}
		if (vps_procs_scan(ctx, reader_ns, procs, mms, &nr_mms, fds,
				   &nr_fds, cap))
			break;
		kvfree(mms);
		kvfree(fds);
		kvfree(procs->pids);
		procs->pids = NULL;
		if (cap >= PID_MAX_LIMIT)
			return -EAGAIN;
		cap *= 2;
	}

	sort(procs->pids, procs->nr_pids, sizeof(*procs->pids),
	     vps_cmp_pid, NULL);
	sort(mms, nr_mms, sizeof(*mms), vps_cmp_mm, NULL);
	for (i = 0; i < nr_mms; i++) {
		if (i && mms[i].mm == mms[i - 1].mm)
			continue;
		procs->vm_kb += PAGES_TO_KB(mms[i].vm);
		procs->rss_kb += PAGES_TO_KB(mms[i].rss);
		procs->hiwater_vm_kb += PAGES_TO_KB(mms[i].hiwater_vm);
		procs->hiwater_rss_kb += PAGES_TO_KB(mms[i].hiwater_rss);
	}
	kvfree(mms);
	sort(fds, nr_fds, sizeof(*fds), vps_cmp_fds, NULL);
	for (i = 0; i < nr_fds; i++)
		if (!i || fds[i].files != fds[i - 1].files)
			procs->files += fds[i].n;
	kvfree(fds);
	return 0;
}

void vps_procs_release(struct vps_procs *procs)
{
	kvfree(procs->pids);
	procs->pids = NULL;
	procs->nr_pids = 0;
}

/* RTNL: rx and tx bytes of the non-loopback devices of @net, added up */
static void vps_net_traffic(struct net *net, u64 *rx, u64 *tx)
{
	struct rtnl_link_stats64 st;
	struct net_device *dev;

	for_each_netdev(net, dev) {
		if (dev->flags & IFF_LOOPBACK)
			continue;
		dev_get_stats(dev, &st);
		*rx += st.rx_bytes;
		*tx += st.tx_bytes;
	}
}

/*
 * RTNL: the traffic of a context: its netns's devices. The whole system
 * is the host's plus every VPS's.
 */
void vps_traffic(const struct vps_ctx *ctx, u64 *rx, u64 *tx)
{
	struct vps_ctx *c;

	ASSERT_RTNL();
	*rx = 0;
	*tx = 0;
	if (ctx != &vps_all) {
		vps_net_traffic(ctx->net, rx, tx);
		return;
	}
	vps_net_traffic(&init_net, rx, tx);
	for (c = vps_ctx_next(NULL); c; c = vps_ctx_next(c))
		vps_net_traffic(c->net, rx, tx);
}

/*
 * kernel/cgroup/pids.c keeps struct pids_cgroup private; this is its head in
 * the pinned 6.1 kernel (css, then the counter and the limit, both atomic64).
 */
struct vps_pids_cgroup {
	struct cgroup_subsys_state css;
	atomic64_t counter;
	atomic64_t limit;
};

#define VPS_PIDS_MAX	(PID_MAX_LIMIT + 1ULL)	/* "max" in pids.max */
#define VPS_NONE	U64_MAX			/* printed "unlimited" */

/* The tightest pids.max from @task's cgroup up to the root. */
static u64 vps_pids_limit(struct task_struct *task)
{
	struct cgroup_subsys_state *css = task_get_css(task, pids_cgrp_id), *c;
	u64 limit = VPS_NONE;

	for (c = css; c; c = c->parent) {
		struct vps_pids_cgroup *pc = container_of(c, struct vps_pids_cgroup, css);
		u64 l = atomic64_read(&pc->limit);

		if (l < VPS_PIDS_MAX)
			limit = min(limit, l);
	}
	css_put(css);
	return limit;
}

/* The tightest memory.max from @task's cgroup up, its own memory.current and memory.peak. */
static void vps_memcg_figures(struct task_struct *task, struct vps_figures *f)
{
	struct cgroup_subsys_state *css = task_get_css(task, memory_cgrp_id);
	struct mem_cgroup *memcg = mem_cgroup_from_css(css), *m;

	f->rss_limit_kb = VPS_NONE;
	for (m = memcg; m; m = parent_mem_cgroup(m)) {
		unsigned long max = READ_ONCE(m->memory.max);

		if (max != PAGE_COUNTER_MAX)
			f->rss_limit_kb = min_t(u64, f->rss_limit_kb, PAGES_TO_KB(max));
	}
	f->rss_kb = PAGES_TO_KB(page_counter_read(&memcg->memory));
	f->rss_peak_kb = PAGES_TO_KB(READ_ONCE(memcg->memory.watermark));
	css_put(css);
}

/* Whether cgroup v2 has frozen @task's cgroup (cgroup.events "frozen 1"). */
static bool vps_cgroup_frozen(struct task_struct *task)
{
	bool frozen;

	rcu_read_lock();
	frozen = test_bit(CGRP_FROZEN, &task_dfl_cgroup(task)->flags);
	rcu_read_unlock();
	return frozen;
}

/* statfs of @task's root; false if it has none */
static bool vps_root_statfs(struct task_struct *task, struct kstatfs *st)
{
	struct path root = { };
	bool ok = false;

	task_lock(task);
	if (task->fs)
		get_fs_root(task->fs, &root);
	task_unlock(task);
	if (root.mnt) {
		ok = vfs_statfs(&root, st) == 0;
		path_put(&root);
	}
	return ok;
}

static u64 vps_statfs_used_kb(const struct kstatfs *st)
{
	return (u64)(st->f_blocks - st->f_bfree) * st->f_bsize >> 10;
}

/* The init task of @ctx, referenced; NULL once it is gone. */
static struct task_struct *vps_init_task_get(const struct vps_ctx *ctx)
{
	struct task_struct *task;

	rcu_read_lock();
	task = vps_init_task(ctx);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/*
 * Disk: the filesystem under the VPS root (for an overlay root, the one
 * holding its upper layer). On its own filesystem (the disk limit's image),
 * the limit is that filesystem's size; on the host's, the VPS has no quota.
 * Returns true if @ctx has a filesystem of its own.
 */
static bool vps_disk_figures(const struct vps_ctx *ctx, struct vps_figures *f)
{
	struct task_struct *host = vps_init_task_get(&vps_host), *task;
	struct kstatfs host_st, st;
	bool own = false, host_ok = false;

	f->disk_limit_kb = VPS_NONE;
	f->disk_used_kb = 0;
	if (host) {
		host_ok = vps_root_statfs(host, &host_st);
		put_task_struct(host);
	}
	if (!vps_ctx_is_vps(ctx)) {
		if (host_ok)
			f->disk_used_kb = vps_statfs_used_kb(&host_st);
		return false;
	}
	task = vps_init_task_get(ctx);
	if (!task)
		return false;
	if (vps_root_statfs(task, &st)) {
		own = !host_ok || memcmp(&st.f_fsid, &host_st.f_fsid, sizeof(st.f_fsid)) ||
		      st.f_blocks != host_st.f_blocks;
		f->disk_used_kb = vps_statfs_used_kb(&st);
		if (own)
			f->disk_limit_kb = (u64)st.f_blocks * st.f_bsize >> 10;
	}
	put_task_struct(task);
	return own;
}

static unsigned int vps_net_established(struct net *net)
{
	struct vps_tcp_count c;

	rcu_read_lock();
	vps_tcp_count(net, &c);
	rcu_read_unlock();
	return c.established;
}

static u64 vps_limit_u64(unsigned long v)
{
	return v == VPS_UNLIMITED ? VPS_NONE : v;
}

/*
 * The limits of @ctx and the figures beside its processes, read from the
 * objects that enforce them: its cgroups, vps.ko's own limits, its root
 * filesystem and its netns. The host (0) has no limits; the whole system
 * (1) is the sum of all.
 */
void vps_figures_collect(const struct vps_ctx *ctx,
			 const struct vps_procs *procs, struct vps_figures *f)
{
	struct task_struct *task;
	struct vps_ctx *c;

	memset(f, 0, sizeof(*f));
	f->nproc_limit = f->vm_limit_kb = f->rss_limit_kb = VPS_NONE;
	f->files_limit = f->tcp_limit = VPS_NONE;
	f->vm_peak_kb = procs->hiwater_vm_kb;
	f->rss_kb = procs->rss_kb;
	f->rss_peak_kb = procs->hiwater_rss_kb;
	vps_disk_figures(ctx, f);

	if (vps_ctx_is_vps(ctx)) {
		struct vps_ctx *w = (struct vps_ctx *)ctx;	/* the peak is ours */
		unsigned long peak = READ_ONCE(w->vm_peak_kb);

		if (procs->vm_kb > peak) {
			peak = procs->vm_kb;
			WRITE_ONCE(w->vm_peak_kb, peak);
		}
		f->vm_peak_kb = peak;
		f->vm_limit_kb = vps_limit_u64(READ_ONCE(ctx->limit[VPS_RES_VIRT].hard));
		f->files_limit = vps_limit_u64(READ_ONCE(ctx->limit[VPS_RES_FILES].hard));
		f->tcp_limit = vps_limit_u64(READ_ONCE(ctx->limit[VPS_RES_TCPSOCK].hard));
		f->tcp_established = vps_net_established(ctx->net);
		task = vps_init_task_get(ctx);
		if (task) {
			f->nproc_limit = vps_pids_limit(task);
			vps_memcg_figures(task, f);
			f->frozen = vps_cgroup_frozen(task);
			put_task_struct(task);
		}
		f->nproc_limited = f->nproc_limit != VPS_NONE;
		return;
	}

	f->tcp_established = vps_net_established(&init_net);
	if (ctx != &vps_all)
		return;
	for (c = vps_ctx_next(NULL); c; c = vps_ctx_next(c)) {
		struct vps_figures vf;

		f->tcp_established += vps_net_established(c->net);
		if (vps_disk_figures(c, &vf))
			f->disk_used_kb += vf.disk_used_kb;
	}
}
