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
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "vps.h"

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
}

/* Queue the drop on every task of @ctx; returns how many, or -errno. */
int vps_capdrop(struct vps_ctx *ctx, const kernel_cap_t *drop)
{
	struct task_struct *p, *t;
	int n = 0, err = 0;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		struct vps_capdrop_work *w;

		if ((t->flags & PF_KTHREAD) || vps_ctx_of_task(t) != ctx)
			continue;
		w = kmalloc(sizeof(*w), GFP_ATOMIC);
		if (!w) {
			err = -ENOMEM;
			break;
		}
		init_task_work(&w->cb, vps_capdrop_fn);
		w->drop = *drop;
		w->id = ctx->id;
		if (task_work_add(t, &w->cb, TWA_SIGNAL)) {
			kfree(w);	/* exiting: it keeps nothing */
			continue;
		}
		n++;
	}
	rcu_read_unlock();
	vps_dbg(priv, "context %u: capability drop queued on %d tasks", ctx->id, n);
	return err ? err : n;
}
