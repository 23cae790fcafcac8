// SPDX-License-Identifier: GPL-2.0
/*
 * The limits vps.ko enforces where the kernel makes the resource, with
 * kprobes (a module has no other hook there):
 *
 *  files  alloc_fd(start, end, flags) makes every new descriptor (open,
 *         socket, pipe, accept, dup, F_DUPFD, ...). When the context already
 *         holds its hard limit, the probe lowers @end to @start, and alloc_fd
 *         itself fails with EMFILE. dup2() and fork() copy descriptors without
 *         passing here; vpsctl bounds those with RLIMIT_NOFILE = hard.
 *  virt   may_expand_vm(mm, flags, npages) is asked before an address space
 *         grows (mmap, brk, mremap, stack). When the context's processes
 *         together would pass the hard limit, the probe raises @npages so far
 *         that the function answers no, and the caller fails with ENOMEM. It
 *         also keeps the context's peak (Max total memory).
 *
 * The probes rewrite argument registers (i386, regparm(3): ax, dx, cx).
 * The figures are recounted at each call, from the same live state that
 * /proc/vservers shows: nothing is cached that could drift. The handlers
 * run with preemption off (in NMI context until a probe is optimized), so
 * they only take RCU and task_lock (a no-op on this uniprocessor kernel, and
 * never held by a task entering alloc_fd or may_expand_vm).
 */
#include <linux/bitops.h>
#include <linux/fdtable.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "vps.h"

#ifndef CONFIG_X86_32
#error "vps.ko's probes rewrite i386 regparm(3) argument registers"
#endif

const char *const vps_res_names[VPS_RES_COUNT] = {
	[VPS_RES_FILES] = "files",
	[VPS_RES_TCPSOCK] = "tcpsock",
	[VPS_RES_VIRT] = "virt",
};

/*
 * @used is what the context would hold if the request went through. Past
 * hard: refuse. Past soft: log once, until it drops back under soft.
 */
bool vps_limit_exceeded(struct vps_ctx *ctx, enum vps_res res,
			unsigned long used)
{
	unsigned long soft = READ_ONCE(ctx->limit[res].soft);
	unsigned long hard = READ_ONCE(ctx->limit[res].hard);

	if (hard != VPS_UNLIMITED && used > hard) {
		vps_dbg(account, "context %u: %s refused: %lu would pass the hard limit %lu",
			ctx->id, vps_res_names[res], used, hard);
		return true;
	}
	if (soft != VPS_UNLIMITED && used > soft) {
		if (!test_and_set_bit(res, &ctx->over_soft))
			pr_notice("vps: context %u: %s at %lu, over its soft limit %lu\n",
				  ctx->id, vps_res_names[res], used, soft);
	} else if (test_bit(res, &ctx->over_soft)) {
		clear_bit(res, &ctx->over_soft);
	}
	return false;
}

/* RCU: open descriptors in the table of @p (its threads share it) */
static unsigned int vps_task_fds(struct task_struct *p)
{
	struct files_struct *files;
	unsigned int n = 0;

	task_lock(p);
	files = p->files;
	if (files) {
		struct fdtable *fdt = files_fdtable(files);

		n = bitmap_weight(fdt->open_fds, fdt->max_fds);
	}
	task_unlock(p);
	return n;
}

/* RCU: the context's open descriptors, per process (a table shared by two
 * processes counts twice; the show path counts it once) */
unsigned long vps_files_open(const struct vps_ctx *ctx)
{
	struct task_struct *p;
	unsigned long n = 0;

	for_each_process(p)
		if (!(p->flags & PF_KTHREAD) && vps_ctx_of_task(p) == ctx)
			n += vps_task_fds(p);
	return n;
}

/* RCU: the address space of the context's processes, in kB */
static unsigned long vps_vm_kb(const struct vps_ctx *ctx)
{
	struct task_struct *p;
	unsigned long pages = 0;

	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) || vps_ctx_of_task(p) != ctx)
			continue;
		task_lock(p);
		if (p->mm)
			pages += READ_ONCE(p->mm->total_vm);
		task_unlock(p);
	}
	return pages << (PAGE_SHIFT - 10);
}

/* RCU: the context of the current task if it is a VPS */
static struct vps_ctx *vps_current_vps(void)
{
	struct vps_ctx *ctx = vps_ctx_of_task(current);

	return ctx && vps_ctx_is_vps(ctx) ? ctx : NULL;
}

/* RCU: does the context have a soft or a hard limit on @res? */
static bool vps_limited(const struct vps_ctx *ctx, enum vps_res res)
{
	return READ_ONCE(ctx->limit[res].soft) != VPS_UNLIMITED ||
	       READ_ONCE(ctx->limit[res].hard) != VPS_UNLIMITED;
}

/* alloc_fd(unsigned start, unsigned end, unsigned flags) */
static int vps_alloc_fd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct vps_ctx *ctx;

	rcu_read_lock();
	ctx = vps_current_vps();
	if (ctx && vps_limited(ctx, VPS_RES_FILES) &&
	    vps_limit_exceeded(ctx, VPS_RES_FILES, vps_files_open(ctx) + 1))
		regs->dx = regs->ax;	/* end = start: -EMFILE */
	rcu_read_unlock();
	return 0;
}

/* may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages) */
static int vps_may_expand_vm_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs->ax;
	unsigned long kb, peak;
	struct vps_ctx *ctx;

	if (mm != current->mm)
		return 0;
	rcu_read_lock();
	ctx = vps_current_vps();
	if (ctx) {
		kb = vps_vm_kb(ctx) + (regs->cx << (PAGE_SHIFT - 10));
		if (vps_limit_exceeded(ctx, VPS_RES_VIRT, kb)) {
			regs->cx = LONG_MAX;	/* past any RLIMIT_AS: false */
		} else {
			peak = READ_ONCE(ctx->vm_peak_kb);
			if (kb > peak)
				WRITE_ONCE(ctx->vm_peak_kb, kb);
		}
	}
	rcu_read_unlock();
	return 0;
}

static struct kprobe vps_probes[] = {
	{ .symbol_name = "alloc_fd", .pre_handler = vps_alloc_fd_pre },
	{ .symbol_name = "may_expand_vm", .pre_handler = vps_may_expand_vm_pre },
};

static struct kprobe *vps_probe_ptrs[ARRAY_SIZE(vps_probes)];

int vps_account_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(vps_probes); i++)
		vps_probe_ptrs[i] = &vps_probes[i];
	err = register_kprobes(vps_probe_ptrs, ARRAY_SIZE(vps_probe_ptrs));
	if (err)
		pr_err("vps: cannot probe alloc_fd and may_expand_vm: %d\n", err);
	return err;
}

void vps_account_exit(void)
{
	unregister_kprobes(vps_probe_ptrs, ARRAY_SIZE(vps_probe_ptrs));
}
