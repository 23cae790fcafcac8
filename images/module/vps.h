/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vps.ko: FreeVPS-style contexts on top of Linux namespaces.
 *
 * A context is a pid namespace registered through /dev/vps by the host.
 * Every task belongs to exactly one context: the one registered for its
 * active pid namespace or the nearest registered ancestor of it, else the
 * host (0). Context 1 is the whole system, an aggregate; 2 is reserved.
 */
#ifndef VPS_H
#define VPS_H

#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/utsname.h>

#define VPS_VERSION	"0.2.1"

#define VPS_ID_HOST	0
#define VPS_ID_ALL	1
#define VPS_ID_FIRST	3
#define VPS_ID_MAX	65535
#define VPS_NAME_MAX	63

/* A limit vps.ko enforces itself; the others are cgroup, rlimit and filesystem state it reads. */
enum vps_res {
	VPS_RES_FILES,		/* descriptors open in the context's processes */
	VPS_RES_TCPSOCK,	/* TCP connections of its netns (set up, open or closing) */
	VPS_RES_VIRT,		/* address space of all its processes, kB */
	VPS_RES_COUNT
};

#define VPS_UNLIMITED	ULONG_MAX

/* Crossing soft is logged once; going past hard is refused. */
struct vps_limit {
	unsigned long soft, hard;	/* VPS_UNLIMITED: none */
};

#define VPS_LIMITS_NONE \
	{ [0 ... VPS_RES_COUNT - 1] = { VPS_UNLIMITED, VPS_UNLIMITED } }

struct net;
struct net_device;
struct nf_hook_ops;
struct pid;
struct pid_namespace;
struct proc_dir_entry;
struct task_struct;

struct vps_ctx {
	struct list_head list;		/* vps_ctx_list, sorted by id (RCU) */
	struct rcu_head rcu;
	struct kref ref;		/* the list holds one; readers take more */
	unsigned int id;
	unsigned int depth;		/* host 0, a VPS of the host 1, ... */
	unsigned int nr_children;	/* registered children, vps_mutex */
	char name[VPS_NAME_MAX + 1];
	struct vps_ctx *parent;		/* referenced; NULL only for the host */
	struct pid *init_pid;		/* referenced */
	struct pid_namespace *pid_ns;	/* referenced */
	struct net *net;		/* referenced */

	/* Kept by the files that use them; the registry does not look. */
	struct proc_dir_entry **pde;	/* proc.c: our <id> entry in each ancestor's netns */
	unsigned int nr_pde;
	u64 traf_rx, traf_tx;		/* proc.c: trafstat baseline, vps_traf_lock */
	struct vps_limit limit[VPS_RES_COUNT];	/* account.c: WRITE_ONCE under vps_limit_mutex */
	unsigned long over_soft;	/* account.c: bit per resource, soft crossing logged */
	unsigned long vm_peak_kb;	/* account.c, stats.c: highest address-space total seen */
	struct nf_hook_ops *nf_ops;	/* net.c: its netns hooks */
	kernel_cap_t cap_dropped;	/* priv.c: taken by capdrop; new tasks lose it too */
};

/* The two static contexts; their references never drop to zero. */
extern struct vps_ctx vps_host;
extern struct vps_ctx vps_all;

static inline bool vps_ctx_is_vps(const struct vps_ctx *ctx)
{
	return ctx->id >= VPS_ID_FIRST;
}

/* ctx.c: the registry */
int vps_ctx_add(unsigned int id, pid_t nr, const char *name);
int vps_ctx_del(unsigned int id);
void vps_ctx_del_all(void);
struct vps_ctx *vps_ctx_of_task(struct task_struct *task);
struct vps_ctx *vps_ctx_get_current(void);
struct vps_ctx *vps_ctx_get_by_id(unsigned int id);
struct vps_ctx *vps_ctx_next(struct vps_ctx *prev);
void vps_ctx_put(struct vps_ctx *ctx);
bool vps_ctx_visible(const struct vps_ctx *reader, const struct vps_ctx *ctx);
int vps_ctx_snapshot(const struct vps_ctx *reader, struct vps_ctx ***out);
void vps_ctx_snapshot_put(struct vps_ctx **arr, int n);
void vps_ctx_counts(const struct vps_ctx *reader, unsigned int *total,
		    unsigned int *active);

/*
 * What a file does when a context comes and goes, in the manner of
 * pernet_operations. add() runs for every context registered, before any
 * lookup can find it, in the order the ops were registered; del() runs for
 * every context unregistered, after no lookup can find it any more, in the
 * reverse order. Both run under vps_mutex. When an add() fails, the del()s
 * of the add()s before it run and vps_ctx_add() returns its error.
 * vps_register_ctx_ops() runs add() for the contexts already registered,
 * vps_unregister_ctx_ops() runs del() for those still registered.
 */
struct vps_ctx_ops {
	struct list_head list;
	int (*add)(struct vps_ctx *ctx);
	void (*del)(struct vps_ctx *ctx);
};
int vps_register_ctx_ops(struct vps_ctx_ops *ops);
void vps_unregister_ctx_ops(struct vps_ctx_ops *ops);

/* debug.c: one switch per area, /sys/module/vps/parameters/debug_<area> and
 * /proc/sys/debug/vps_<area>_debug */
extern int vps_debug_core, vps_debug_dev, vps_debug_proc, vps_debug_account,
	   vps_debug_if, vps_debug_priv;
#define vps_dbg(area, fmt, ...)						\
	do {								\
		if (READ_ONCE(vps_debug_##area))			\
			pr_info("vps: " #area ": " fmt "\n", ##__VA_ARGS__); \
	} while (0)
int vps_debug_init(void);
void vps_debug_exit(void);

/* account.c: kprobes where descriptors and address space are made or copied */
int vps_account_init(void);
void vps_account_exit(void);
extern const char *const vps_res_names[VPS_RES_COUNT];
int vps_set_limit(unsigned int id, enum vps_res res, unsigned long soft,
		  unsigned long hard);
bool vps_limit_exceeded(struct vps_ctx *ctx, enum vps_res res,
			unsigned long used);

/* net.c: per-context netfilter hooks, sockets, shaping */
int vps_net_init(void);
void vps_net_exit(void);
struct vps_tcp_count {
	unsigned int established;	/* TCP_ESTABLISHED */
	unsigned int busy;		/* what the tcpsock limit counts */
};
void vps_tcp_count(struct net *net, struct vps_tcp_count *c);
u64 vps_dev_speed(struct net_device *dev);

/* priv.c: capabilities taken from running tasks, each in its own context,
 * and from the tasks created after */
int vps_priv_init(void);
void vps_priv_exit(void);
int vps_capdrop(unsigned int id, const kernel_cap_t *drop);

/* dev.c: /dev/vps */
int vps_dev_init(void);
void vps_dev_exit(void);

/* proc.c: /proc/vservers -> net/vservers */
int vps_proc_init(void);
void vps_proc_exit(void);

/* stats.c: figures computed from live kernel state */
struct vps_init_info {
	pid_t pid;			/* in the reader's pid ns; 0 if gone */
	kernel_cap_t cap_bset;
	char nodename[__NEW_UTS_LEN + 1];
	char domainname[__NEW_UTS_LEN + 1];
};

struct vps_procs {
	unsigned int count;		/* processes in the context */
	unsigned int nr_pids;		/* those the reader can name */
	pid_t *pids;			/* sorted, in the reader's pid ns */
	u64 vm_kb;			/* sum of total_vm, each mm once */
	u64 rss_kb;			/* sum of get_mm_rss, each mm once */
	u64 hiwater_vm_kb;		/* sum of each mm's own peak */
	u64 hiwater_rss_kb;
	u64 files;			/* open descriptors, each table once */
};

/* Limits and figures beside the processes; U64_MAX is "unlimited". */
struct vps_figures {
	u64 nproc_limit;		/* pids.max, the tightest up the tree */
	u64 vm_limit_kb;		/* vps.ko's virt hard limit */
	u64 vm_peak_kb;
	u64 rss_limit_kb;		/* memory.max, the tightest up the tree */
	u64 rss_kb;			/* memory.current (a VPS), else process RSS */
	u64 rss_peak_kb;		/* memory.peak (a VPS), else summed hiwater */
	u64 disk_limit_kb, disk_used_kb;
	u64 files_limit;
	u64 tcp_limit;
	unsigned int tcp_established;
	bool nproc_limited;
	bool frozen;			/* suspended: its cgroup is frozen */
};

void vps_init_info(const struct vps_ctx *ctx, struct pid_namespace *reader_ns,
		   struct vps_init_info *info);
int vps_procs_collect(const struct vps_ctx *ctx,
		      struct pid_namespace *reader_ns, struct vps_procs *procs);
void vps_procs_release(struct vps_procs *procs);
void vps_figures_collect(const struct vps_ctx *ctx,
			 const struct vps_procs *procs, struct vps_figures *f);
void vps_traffic(const struct vps_ctx *ctx, u64 *rx, u64 *tx);

#endif /* VPS_H */
