// SPDX-License-Identifier: GPL-2.0
/*
 * Taking capabilities from a running context (vpsctl priv <id> deny ...).
 *
 * Linux lets a task change only its own credentials, and a bounding set
 * only ever shrinks. So each task of the context gets a task_work that runs
 * in that task, on its way back to user space (TWA_SIGNAL wakes a sleeper;
 * its system call restarts), and drops the capabilities from its bounding,
 * permitted, effective, inheritable and ambient sets. Adding capabilities
 * cannot be done at all: that waits for the next start.
 *
 * A fork that is under way while the tasks are walked has copied the old
 * credentials into a child the walk may not see yet. So the context keeps
 * what was taken (->cap_dropped, set before the walk), and a kprobe on
 * wake_up_new_task() gives every new task of the context that still holds
 * any of it the same task_work before the task first runs (TWA_RESUME: it
 * runs before the task's first instruction in user space). If that work
 * cannot be queued (out of memory, or the module is going away), the new
 * task is killed before it runs.
 * The probe's handler may run in NMI context (while the probe traps), but
 * always at the entry of wake_up_new_task(), called by kernel_clone() with
 * no lock held and interrupts on: allocating and signalling there is safe.
 *
 * Each queued work holds a reference on the module: rmmod is refused
 * (EBUSY) until every task ran its drop.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "vps.h"

/* serializes the writers of ->cap_dropped */
static DEFINE_MUTEX(vps_capdrop_mutex);

struct vps_capdrop_work {
	struct callback_head cb;
	kernel_cap_t drop;
	unsigned int id;
};

static void vps_capdrop_fn(struct callback_head *cb)
{
	struct vps_capdrop_work *w = container_of(cb, struct vps_capdrop_work, cb);
	struct cred *new = prepare_creds();

	if (new) {
		new->cap_bset = cap_drop(new->cap_bset, w->drop);
		new->cap_permitted = cap_drop(new->cap_permitted, w->drop);
		new->cap_effective = cap_drop(new->cap_effective, w->drop);
		new->cap_inheritable = cap_drop(new->cap_inheritable, w->drop);
		new->cap_ambient = cap_drop(new->cap_ambient, w->drop);
		commit_creds(new);
		vps_dbg(priv, "context %u: task %d dropped capabilities", w->id,
			task_pid_nr(current));
	} else {
		pr_warn("vps: context %u: task %d could not drop capabilities: out of memory\n",
			w->id, task_pid_nr(current));
	}
	kfree(w);
	/*
	 * Last, and safe on this kernel (no preemption in it, one CPU): rmmod
	 * cannot run before this task leaves the module's text.
	 */
	module_put(THIS_MODULE);
}

/* RCU or atomic: queue a drop of @drop on @t; 0, -ESRCH (@t exits) or -ENOMEM */
static int vps_capdrop_queue(struct task_struct *t, const kernel_cap_t *drop,
			     unsigned int id, enum task_work_notify_mode notify)
{
	struct vps_capdrop_work *w = kmalloc(sizeof(*w), GFP_ATOMIC);

	if (!w)
		return -ENOMEM;
	if (!try_module_get(THIS_MODULE)) {	/* being unloaded */
		kfree(w);
		return -ENOMEM;
	}
	init_task_work(&w->cb, vps_capdrop_fn);
	w->drop = *drop;
	w->id = id;
	if (task_work_add(t, &w->cb, notify)) {
		kfree(w);	/* exiting: it keeps nothing */
		module_put(THIS_MODULE);
		return -ESRCH;
	}
	return 0;
}

/* What @ctx has had taken, read word by word (each word only grows). */
static kernel_cap_t vps_cap_dropped(const struct vps_ctx *ctx)
{
	kernel_cap_t c;
	unsigned int i;

	CAP_FOR_EACH_U32(i)
		c.cap[i] = READ_ONCE(ctx->cap_dropped.cap[i]);
	return c;
}

/* Queue the drop on every task of @ctx; returns how many, or -errno. */
static int vps_capdrop_ctx(struct vps_ctx *ctx, const kernel_cap_t *drop)
{
	struct task_struct *p, *t;
	int n = 0, err = 0;
	unsigned int i;

	mutex_lock(&vps_capdrop_mutex);
	CAP_FOR_EACH_U32(i)
		WRITE_ONCE(ctx->cap_dropped.cap[i],
			   ctx->cap_dropped.cap[i] | drop->cap[i]);
	mutex_unlock(&vps_capdrop_mutex);
	/*
	 * A task that copy_process() returns from after this sees the mask; one
	 * returned before is in the task list walked below.
	 */
	smp_mb();

	rcu_read_lock();
	for_each_process_thread(p, t) {
		if ((t->flags & PF_KTHREAD) || vps_ctx_of_task(t) != ctx)
			continue;
		err = vps_capdrop_queue(t, drop, ctx->id, TWA_SIGNAL);
		if (err == -ESRCH) {
			err = 0;
			continue;
		}
		if (err)
			break;
		n++;
	}
	rcu_read_unlock();
	vps_dbg(priv, "context %u: capability drop queued on %d tasks", ctx->id, n);
	return err ? err : n;
}

/* capdrop <id> <mask>: 0, -ENOENT (no such context), or -ENOMEM */
int vps_capdrop(unsigned int id, const kernel_cap_t *drop)
{
	struct vps_ctx *ctx = vps_ctx_get_by_id(id);
	int n;

	if (!ctx)
		return -ENOENT;
	n = vps_capdrop_ctx(ctx, drop);
	vps_ctx_put(ctx);
	return n < 0 ? n : 0;
}

/* Does @cred hold any of @caps in any set? */
static bool vps_cred_holds(const struct cred *cred, kernel_cap_t caps)
{
	return !cap_isclear(cap_intersect(cred->cap_bset, caps)) ||
	       !cap_isclear(cap_intersect(cred->cap_permitted, caps)) ||
	       !cap_isclear(cap_intersect(cred->cap_effective, caps)) ||
	       !cap_isclear(cap_intersect(cred->cap_inheritable, caps)) ||
	       !cap_isclear(cap_intersect(cred->cap_ambient, caps));
}

/* wake_up_new_task(struct task_struct *p): @p is complete, not yet running */
static int vps_new_task_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct task_struct *p = (struct task_struct *)regs->ax;
	struct vps_ctx *ctx;
	kernel_cap_t drop;

	if (p->flags & PF_KTHREAD)
		return 0;
	rcu_read_lock();
	ctx = vps_ctx_of_task(p);
	if (ctx && vps_ctx_is_vps(ctx)) {
		drop = vps_cap_dropped(ctx);
		if (!cap_isclear(drop) && vps_cred_holds(__task_cred(p), drop) &&
		    vps_capdrop_queue(p, &drop, ctx->id, TWA_RESUME)) {
			pr_warn("vps: context %u: new task %d killed: cannot queue its capability drop\n",
				ctx->id, task_pid_nr(p));
			send_sig(SIGKILL, p, 1);
		}
	}
	rcu_read_unlock();
	return 0;
}

static struct kprobe vps_new_task_probe = {
	.symbol_name = "wake_up_new_task",
	.pre_handler = vps_new_task_pre,
};

int vps_priv_init(void)
{
	int err = register_kprobe(&vps_new_task_probe);

	if (err)
		pr_err("vps: cannot probe wake_up_new_task: %d\n", err);
	return err;
}

void vps_priv_exit(void)
{
	unregister_kprobe(&vps_new_task_probe);
}
