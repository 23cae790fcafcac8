// SPDX-License-Identifier: GPL-2.0
/*
 * The context registry. It knows nothing of its users: what they keep for
 * a context they set up and tear down in the struct vps_ctx_ops they
 * register, which add and del call (the pernet_operations pattern).
 *
 * Writers (add, del, ops registration) hold vps_mutex, and so do the ops'
 * add() and del(). Readers walk the list under RCU and take a reference
 * (kref_get_unless_zero) on any context they keep past rcu_read_unlock().
 * A context's memory is freed by kfree_rcu(), so every pointer read inside
 * an RCU section (including ->parent) stays valid to its end. Show
 * functions never take vps_mutex: del removes proc entries with it held,
 * and proc_remove() waits for running show functions.
 */
#include <linux/err.h>
#include <linux/nsproxy.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "vps.h"

static DEFINE_MUTEX(vps_mutex);
static LIST_HEAD(vps_ctx_list);
static LIST_HEAD(vps_ctx_ops_list);	/* in registration order, vps_mutex */

struct vps_ctx vps_host = {
	.id	= VPS_ID_HOST,
	.ref	= KREF_INIT(1),
	.name	= "host",
	.pid_ns	= &init_pid_ns,
	.net	= &init_net,
	.limit	= VPS_LIMITS_NONE,
};

struct vps_ctx vps_all = {
	.id	= VPS_ID_ALL,
	.ref	= KREF_INIT(1),
	.name	= "all",
	.parent	= &vps_host,	/* so only the host can see it */
	.pid_ns	= &init_pid_ns,
	.net	= &init_net,
	.limit	= VPS_LIMITS_NONE,
};

#define for_each_ctx(ctx) \
	list_for_each_entry_rcu(ctx, &vps_ctx_list, list, \
				lockdep_is_held(&vps_mutex))

static void vps_ctx_release(struct kref *ref)
{
	struct vps_ctx *ctx = container_of(ref, struct vps_ctx, ref);
	struct vps_ctx *parent = ctx->parent;

	put_pid(ctx->init_pid);
	put_pid_ns(ctx->pid_ns);
	put_net(ctx->net);
	kfree_rcu(ctx, rcu);
	if (parent)
		vps_ctx_put(parent);
}

void vps_ctx_put(struct vps_ctx *ctx)
{
	kref_put(&ctx->ref, vps_ctx_release);
}

static void vps_ctx_get(struct vps_ctx *ctx)
{
	kref_get(&ctx->ref);
}

/* RCU or vps_mutex */
static struct vps_ctx *vps_ctx_find_id(unsigned int id)
{
	struct vps_ctx *ctx;

	for_each_ctx(ctx)
		if (ctx->id == id)
			return ctx;
	return NULL;
}

/* RCU or vps_mutex: the context of a pid namespace, never NULL */
static struct vps_ctx *vps_ctx_of_ns(struct pid_namespace *ns)
{
	struct vps_ctx *ctx;

	for (; ns && ns != &init_pid_ns; ns = ns->parent)
		for_each_ctx(ctx)
			if (ctx->pid_ns == ns)
				return ctx;
	return &vps_host;
}

/* RCU: the context a task belongs to; NULL if the task is being reaped */
struct vps_ctx *vps_ctx_of_task(struct task_struct *task)
{
	struct pid_namespace *ns = task_active_pid_ns(task);

	return ns ? vps_ctx_of_ns(ns) : NULL;
}

/* The caller's context, referenced; release with vps_ctx_put() */
struct vps_ctx *vps_ctx_get_current(void)
{
	struct vps_ctx *ctx;

	rcu_read_lock();
	ctx = vps_ctx_of_ns(task_active_pid_ns(current));
	if (!kref_get_unless_zero(&ctx->ref))
		ctx = NULL;	/* racing with its del: show nothing */
	rcu_read_unlock();
	return ctx ? ctx : ERR_PTR(-ESRCH);
}

/* The registered context @id, referenced; NULL if there is none */
struct vps_ctx *vps_ctx_get_by_id(unsigned int id)
{
	struct vps_ctx *ctx;

	rcu_read_lock();
	ctx = vps_ctx_find_id(id);
	if (ctx && !kref_get_unless_zero(&ctx->ref))
		ctx = NULL;
	rcu_read_unlock();
	return ctx;
}

/*
 * The registered context with the next higher id than @prev (NULL: the
 * first), referenced; drops the reference on @prev. Leaving the loop
 * early, put the one you hold.
 */
struct vps_ctx *vps_ctx_next(struct vps_ctx *prev)
{
	unsigned int after = prev ? prev->id : 0;
	struct vps_ctx *ctx, *found = NULL;

	rcu_read_lock();
	for_each_ctx(ctx) {
		if (ctx->id > after && kref_get_unless_zero(&ctx->ref)) {
			found = ctx;
			break;
		}
	}
	rcu_read_unlock();
	if (prev)
		vps_ctx_put(prev);
	return found;
}

/* May a reader in @reader see @ctx? Itself and its descendants only. */
bool vps_ctx_visible(const struct vps_ctx *reader, const struct vps_ctx *ctx)
{
	for (; ctx; ctx = ctx->parent)
		if (ctx == reader)
			return true;
	return false;
}

/*
 * The contexts @reader may see, referenced, sorted by id, in a kmalloc'ed
 * array. Returns how many, or a negative errno.
 */
int vps_ctx_snapshot(const struct vps_ctx *reader, struct vps_ctx ***out)
{
	struct vps_ctx **arr, *ctx;
	unsigned int cap = 16;
	bool full;
	int n;

	for (;;) {
		arr = kmalloc_array(cap, sizeof(*arr), GFP_KERNEL);
		if (!arr)
			return -ENOMEM;
		n = 0;
		full = false;
		if (vps_ctx_visible(reader, &vps_host)) {
			vps_ctx_get(&vps_host);
			arr[n++] = &vps_host;
			vps_ctx_get(&vps_all);
			arr[n++] = &vps_all;
		}
		rcu_read_lock();
		for_each_ctx(ctx) {
			if (!vps_ctx_visible(reader, ctx))
				continue;
			if (n == cap) {
				full = true;
				break;
			}
			if (kref_get_unless_zero(&ctx->ref))
				arr[n++] = ctx;
		}
		rcu_read_unlock();
		if (!full)
			break;
		vps_ctx_snapshot_put(arr, n);
		cap *= 2;
	}
	*out = arr;
	return n;
}

void vps_ctx_snapshot_put(struct vps_ctx **arr, int n)
{
	while (n-- > 0)
		vps_ctx_put(arr[n]);
	kfree(arr);
}

/*
 * For /proc/vservers/setup, over what @reader may see: the host counts
 * 0..2 and every VPS; a VPS counts itself and its descendants.
 */
void vps_ctx_counts(const struct vps_ctx *reader, unsigned int *total,
		    unsigned int *active)
{
	bool host = reader == &vps_host;
	unsigned int hi = host ? VPS_ID_FIRST - 1 : 0;
	unsigned int n = host ? 2 : 0;
	struct vps_ctx *ctx;

	rcu_read_lock();
	for_each_ctx(ctx) {
		if (!vps_ctx_visible(reader, ctx))
			continue;
		n++;
		hi = max(hi, ctx->id);
	}
	rcu_read_unlock();
	*total = hi + 1;
	*active = n;
}

/* vps_mutex: is @anc an ancestor of (or equal to) @ns? */
static bool vps_pid_ns_within(struct pid_namespace *ns,
			      struct pid_namespace *anc)
{
	for (; ns; ns = ns->parent) {
		if (ns == anc)
			return true;
		if (ns->level <= anc->level)
			break;
	}
	return false;
}

/*
 * vps_mutex: a new context must own its pid namespace and its network
 * namespace alone (the per-netns /proc/net/vservers directory is what
 * keeps contexts from seeing each other), and must not be an ancestor of
 * a registered one (that one's parent would change under it).
 */
static bool vps_ctx_conflicts(struct pid_namespace *ns, struct net *net)
{
	struct vps_ctx *ctx;

	if (ns == &init_pid_ns || net_eq(net, &init_net))
		return true;
	for_each_ctx(ctx)
		if (net_eq(ctx->net, net) || vps_pid_ns_within(ctx->pid_ns, ns))
			return true;
	return false;
}

/* vps_mutex: tell the users of the registry that @ctx comes */
static int vps_ctx_ops_add(struct vps_ctx *ctx)
{
	struct vps_ctx_ops *ops;
	int err;

	list_for_each_entry(ops, &vps_ctx_ops_list, list) {
		err = ops->add(ctx);
		if (err)
			goto undo;
	}
	return 0;

undo:
	list_for_each_entry_continue_reverse(ops, &vps_ctx_ops_list, list)
		ops->del(ctx);
	return err;
}

/* vps_mutex: tell them that @ctx goes, in the reverse order */
static void vps_ctx_ops_del(struct vps_ctx *ctx)
{
	struct vps_ctx_ops *ops;

	list_for_each_entry_reverse(ops, &vps_ctx_ops_list, list)
		ops->del(ctx);
}

/* vps_mutex: insert sorted by id */
static void vps_ctx_link(struct vps_ctx *ctx)
{
	struct vps_ctx *pos;

	list_for_each_entry(pos, &vps_ctx_list, list) {
		if (pos->id > ctx->id) {
			list_add_tail_rcu(&ctx->list, &pos->list);
			goto linked;
		}
	}
	list_add_tail_rcu(&ctx->list, &vps_ctx_list);
linked:
	ctx->parent->nr_children++;
}

/*
 * Register context @id whose init is @nr, a pid in the caller's pid
 * namespace. The caller is checked by dev.c (CAP_SYS_ADMIN, initial pid ns).
 */
int vps_ctx_add(unsigned int id, pid_t nr, const char *name)
{
	struct vps_ctx *ctx, *parent;
	struct task_struct *task;
	struct pid_namespace *ns;
	struct net *net = NULL;
	struct pid *pid;
	int err, i;

	mutex_lock(&vps_mutex);
	err = -EEXIST;
	if (vps_ctx_find_id(id))
		goto out_unlock;

	err = -ESRCH;
	pid = find_get_pid(nr);
	if (!pid)
		goto out_unlock;
	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_TGID);	/* a process, not a thread */
	if (task) {
		task_lock(task);
		if (task->nsproxy)
			net = get_net(task->nsproxy->net_ns);
		task_unlock(task);
	}
	rcu_read_unlock();
	if (!net)
		goto out_put_pid;

	ns = ns_of_pid(pid);
	err = -EBUSY;
	if (vps_ctx_conflicts(ns, net))
		goto out_put_net;
	parent = vps_ctx_of_ns(ns->parent);

	err = -ENOMEM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		goto out_put_net;
	ctx->depth = parent->depth + 1;
	kref_init(&ctx->ref);
	ctx->id = id;
	for (i = 0; i < VPS_RES_COUNT; i++)
		ctx->limit[i] = (struct vps_limit){ VPS_UNLIMITED, VPS_UNLIMITED };
	strscpy(ctx->name, name, sizeof(ctx->name));
	ctx->init_pid = pid;
	ctx->pid_ns = get_pid_ns(ns);
	ctx->net = net;
	vps_ctx_get(parent);
	ctx->parent = parent;

	err = vps_ctx_ops_add(ctx);
	if (err) {
		mutex_unlock(&vps_mutex);
		vps_ctx_put(ctx);	/* drops pid, ns, net, parent */
		return err;
	}
	vps_ctx_link(ctx);
	mutex_unlock(&vps_mutex);
	pr_info("vps: context %u (%s) registered, init pid %d\n", id, name, nr);
	return 0;

out_put_net:
	put_net(net);
out_put_pid:
	put_pid(pid);
out_unlock:
	mutex_unlock(&vps_mutex);
	return err;
}

/* vps_mutex: no lookup finds @ctx after this, and its users let it go */
static void vps_ctx_unlink(struct vps_ctx *ctx)
{
	list_del_rcu(&ctx->list);
	ctx->parent->nr_children--;
	vps_ctx_ops_del(ctx);
}

int vps_ctx_del(unsigned int id)
{
	struct vps_ctx *ctx;
	int err = 0;

	mutex_lock(&vps_mutex);
	ctx = vps_ctx_find_id(id);
	if (!ctx)
		err = -ENOENT;
	else if (ctx->nr_children)
		err = -EBUSY;	/* unregister its children first */
	else
		vps_ctx_unlink(ctx);
	mutex_unlock(&vps_mutex);
	if (err)
		return err;
	pr_info("vps: context %u unregistered\n", id);
	vps_ctx_put(ctx);
	return 0;
}

/* Module exit: unregister everything, children before parents. */
void vps_ctx_del_all(void)
{
	struct vps_ctx *ctx, *leaf;

	mutex_lock(&vps_mutex);
	while (!list_empty(&vps_ctx_list)) {
		leaf = NULL;
		list_for_each_entry(ctx, &vps_ctx_list, list) {
			if (!ctx->nr_children) {
				leaf = ctx;
				break;
			}
		}
		if (!leaf) {	/* a cycle cannot happen; do not spin */
			pr_err("vps: context list has no leaf\n");
			break;
		}
		vps_ctx_unlink(leaf);
		vps_ctx_put(leaf);
	}
	mutex_unlock(&vps_mutex);
}

/*
 * Have @ops called for every context from now on, and for those registered
 * already (as register_pernet_subsys() does for the namespaces there are).
 */
int vps_register_ctx_ops(struct vps_ctx_ops *ops)
{
	struct vps_ctx *ctx;
	int err = 0;

	mutex_lock(&vps_mutex);
	list_for_each_entry(ctx, &vps_ctx_list, list) {
		err = ops->add(ctx);
		if (err)
			break;
	}
	if (err) {
		list_for_each_entry_continue_reverse(ctx, &vps_ctx_list, list)
			ops->del(ctx);
	} else {
		list_add_tail(&ops->list, &vps_ctx_ops_list);
	}
	mutex_unlock(&vps_mutex);
	return err;
}

/* No more calls to @ops; del() for every context still registered. */
void vps_unregister_ctx_ops(struct vps_ctx_ops *ops)
{
	struct vps_ctx *ctx;

	mutex_lock(&vps_mutex);
	list_del(&ops->list);
	list_for_each_entry_reverse(ctx, &vps_ctx_list, list)
		ops->del(ctx);
	mutex_unlock(&vps_mutex);
}
