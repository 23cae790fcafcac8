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
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/utsname.h>

#define VPS_VERSION	"0.1.0"

#define VPS_ID_HOST	0
#define VPS_ID_ALL	1
#define VPS_ID_FIRST	3
#define VPS_ID_MAX	65535
#define VPS_NAME_MAX	63

struct net;
struct pid;
struct pid_namespace;
struct proc_dir_entry;
struct seq_file;
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
	struct proc_dir_entry **pde;	/* our <id> entry in each ancestor's netns */
	unsigned int nr_pde;
	u64 traf_rx, traf_tx;		/* trafstat baseline, vps_traf_lock */
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
struct vps_ctx *vps_ctx_next(struct vps_ctx *prev);
void vps_ctx_put(struct vps_ctx *ctx);
bool vps_ctx_visible(const struct vps_ctx *reader, const struct vps_ctx *ctx);
int vps_ctx_snapshot(const struct vps_ctx *reader, struct vps_ctx ***out);
void vps_ctx_snapshot_put(struct vps_ctx **arr, int n);
void vps_ctx_counts(const struct vps_ctx *reader, unsigned int *total,
		    unsigned int *active);

/* dev.c: /dev/vps */
int vps_dev_init(void);
void vps_dev_exit(void);

/* proc.c: /proc/vservers -> net/vservers */
int vps_proc_init(void);
void vps_proc_exit(void);
struct proc_dir_entry *vps_proc_add_ctx(struct net *net, struct vps_ctx *ctx);

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
};

void vps_init_info(const struct vps_ctx *ctx, struct pid_namespace *reader_ns,
		   struct vps_init_info *info);
int vps_procs_collect(const struct vps_ctx *ctx,
		      struct pid_namespace *reader_ns, struct vps_procs *procs);
void vps_procs_release(struct vps_procs *procs);
void vps_traffic(const struct vps_ctx *ctx, u64 *rx, u64 *tx);
void vps_show_ifaces(struct seq_file *m, struct net *net);
void vps_show_routes(struct seq_file *m, const struct vps_ctx *ctx);

#endif /* VPS_H */
