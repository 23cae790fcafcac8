// SPDX-License-Identifier: GPL-2.0
/*
 * The limits vps.ko enforces where the kernel makes or copies the resource,
 * with kprobes (a module has no other hook there). Each check is the
 * context's live total plus what the call would add, against the hard limit;
 * only calls made by a task of the VPS are checked (a host process entering
 * a VPS brings its descriptors and address space along unchecked).
 *
 *  files  alloc_fd(start, end, flags) makes every new descriptor (open,
 *         socket, pipe, accept, dup, F_DUPFD, SCM_RIGHTS and pidfd_getfd
 *         receive, ...): past hard, the probe lowers @end to @start and
 *         alloc_fd itself fails with EMFILE.
 *         dup2() and dup3() onto a free slot (__ia32_sys_dup2/3) and
 *         replace_fd() (seccomp's SETFD) add one without alloc_fd; dup_fd()
 *         copies a whole table for fork, unshare(CLONE_FILES) and
 *         close_range(CLOSE_RANGE_UNSHARE) (less the range it closes). Past
 *         hard these are refused: the probe makes the function return at
 *         once, -EMFILE from the system calls, ERR_PTR(-EMFILE) from dup_fd
 *         (fork, unshare and close_range fail with EMFILE).
 *  virt   may_expand_vm(mm, flags, npages) is asked before an address space
 *         grows (mmap, brk, mremap, stack). When the context's processes
 *         together would pass the hard limit, the probe raises @npages so far
 *         that the function answers no, and the caller fails with ENOMEM.
 *         copy_process() is entered by every fork; one without CLONE_VM
 *         copies the caller's address space (its whole total_vm is counted,
 *         MADV_DONTFORK areas too). Past hard the probe makes copy_process()
 *         return ERR_PTR(-ENOMEM) before it does anything: fork fails with
 *         ENOMEM. Both keep the context's peak (Max total memory).
 *
 * The count is recounted at each call from the same live state /proc/vservers
 * shows, so nothing cached can drift and closing gives back at once: every
 * descriptor table of the context's threads (a thread's own table after
 * unshare too; a table shared by two processes counts twice), and the
 * total_vm of each of its processes.
 *
 * The probes rewrite argument registers (i386, regparm(3): ax, dx, cx) or,
 * to refuse a whole call, sit on the function's first instruction and move
 * ip to a bare return with the result in ax. The handlers run with preemption
 * off (in NMI context while a probe traps), so they only take RCU and
 * task_lock (a no-op on this uniprocessor kernel, and never held by a task
 * entering the probed functions).
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
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

/* serializes the writers of ->limit */
static DEFINE_MUTEX(vps_limit_mutex);

/* limit <id> <res> <soft> <hard>: readers see each value change at once. */
int vps_set_limit(unsigned int id, enum vps_res res, unsigned long soft,
		  unsigned long hard)
{
	struct vps_ctx *ctx;

	if (res >= VPS_RES_COUNT || soft > hard)
		return -EINVAL;
	ctx = vps_ctx_get_by_id(id);
	if (!ctx)
		return -ENOENT;
	mutex_lock(&vps_limit_mutex);
	/* never a moment with soft above hard */
	if (hard < READ_ONCE(ctx->limit[res].hard)) {
		WRITE_ONCE(ctx->limit[res].soft, soft);
		WRITE_ONCE(ctx->limit[res].hard, hard);
	} else {
		WRITE_ONCE(ctx->limit[res].hard, hard);
		WRITE_ONCE(ctx->limit[res].soft, soft);
	}
	clear_bit(res, &ctx->over_soft);
	mutex_unlock(&vps_limit_mutex);
	vps_dbg(account, "context %u: %s limit %lu:%lu", id, vps_res_names[res],
		soft, hard);
	vps_ctx_put(ctx);
	return 0;
}

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

/* RCU: open descriptors in @files */
static unsigned int vps_table_fds(struct files_struct *files)
{
	struct fdtable *fdt = files_fdtable(files);

	return bitmap_weight(fdt->open_fds, fdt->max_fds);
}

/*
 * RCU: the context's open descriptors: each process's table, and the table
 * of any of its threads that unshared its own (a table shared by two
 * processes, or by two threads besides the leader's, counts for each; the
 * show path counts it once)
 */
static unsigned long vps_files_open(const struct vps_ctx *ctx)
{
	struct task_struct *p, *t;
	unsigned long n = 0;

	for_each_process(p) {
		struct files_struct *leader;

		if ((p->flags & PF_KTHREAD) || vps_ctx_of_task(p) != ctx)
			continue;
		leader = READ_ONCE(p->files);
		for_each_thread(p, t) {
			task_lock(t);
			if (t->files && (t == p || t->files != leader))
				n += vps_table_fds(t->files);
			task_unlock(t);
		}
	}
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

/*
 * Where a refused call returns to its caller from: its first instruction was
 * the probe's, so the return address is on top of the stack, and the result
 * is in ax.
 */
void vps_just_return(void);
asm(".pushsection .text\n"
    ".type vps_just_return, @function\n"
    "vps_just_return:\n"
    "\tret\n"
    ".size vps_just_return, . - vps_just_return\n"
    ".popsection\n");

/* From a pre handler on a function's first instruction: return @ret now. */
static int vps_refuse(struct pt_regs *regs, unsigned long ret)
{
	regs->ax = ret;
	regs->ip = (unsigned long)vps_just_return;
	return 1;	/* ip moved: no single step */
}

/*
 * Only a probe that traps follows a moved ip; a probe with a post handler is
 * never optimized into a jump, so it keeps trapping. Nothing to do after.
 */
static void vps_keep_trapping(struct kprobe *kp, struct pt_regs *regs,
			      unsigned long flags)
{
}

/* RCU: would @add more descriptors take the current task's VPS past hard? */
static bool vps_files_refused(unsigned long add)
{
	struct vps_ctx *ctx = vps_current_vps();

	return ctx && vps_limited(ctx, VPS_RES_FILES) &&
	       vps_limit_exceeded(ctx, VPS_RES_FILES, vps_files_open(ctx) + add);
}

/* alloc_fd(unsigned start, unsigned end, unsigned flags) */
static int vps_alloc_fd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	rcu_read_lock();
	if (vps_files_refused(1))
		regs->dx = regs->ax;	/* end = start: -EMFILE */
	rcu_read_unlock();
	return 0;
}

/* RCU: is @fd an open descriptor of the current task? */
static bool vps_fd_open(unsigned int fd)
{
	struct fdtable *fdt = files_fdtable(current->files);

	return fd < fdt->max_fds && test_bit(fd, fdt->open_fds);
}

/*
 * RCU: does putting a file on @newfd add a descriptor, where the call would
 * otherwise succeed? (Its own errors come first: EBADF, EINVAL.)
 */
static bool vps_fd_adds(unsigned int newfd)
{
	return current->files && newfd < rlimit(RLIMIT_NOFILE) &&
	       !vps_fd_open(newfd);
}

/* dup2(oldfd, newfd) and dup3(oldfd, newfd, flags): @ax is the user regs */
static int vps_dup_pre(struct pt_regs *regs, bool dup3)
{
	const struct pt_regs *user = (const struct pt_regs *)regs->ax;
	unsigned int oldfd = user->bx, newfd = user->cx;
	bool refuse;

	if (oldfd == newfd || (dup3 && (user->dx & ~O_CLOEXEC)))
		return 0;
	rcu_read_lock();
	refuse = current->files && vps_fd_open(oldfd) && vps_fd_adds(newfd) &&
		 vps_files_refused(1);
	rcu_read_unlock();
	return refuse ? vps_refuse(regs, -EMFILE) : 0;
}

static int vps_dup2_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return vps_dup_pre(regs, false);
}

static int vps_dup3_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return vps_dup_pre(regs, true);
}

/* replace_fd(unsigned fd, struct file *file, unsigned flags) */
static int vps_replace_fd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	bool refuse;

	if (!regs->dx)		/* no file: a close */
		return 0;
	rcu_read_lock();
	refuse = vps_fd_adds(regs->ax) && vps_files_refused(1);
	rcu_read_unlock();
	return refuse ? vps_refuse(regs, -EMFILE) : 0;
}

/* RCU: the descriptors dup_fd() leaves in the copy of @files */
static unsigned int vps_fds_copied(struct files_struct *files,
				   const struct fd_range *hole)
{
	struct fdtable *fdt = files_fdtable(files);
	unsigned int n = bitmap_weight(fdt->open_fds, fdt->max_fds), fd;

	if (!hole)
		return n;
	/* close_range() closes these in the copy right after */
	for (fd = find_next_bit(fdt->open_fds, fdt->max_fds, hole->from);
	     fd < fdt->max_fds && fd <= hole->to;
	     fd = find_next_bit(fdt->open_fds, fdt->max_fds, fd + 1))
		n--;
	return n;
}

/* dup_fd(struct files_struct *oldf, struct fd_range *punch_hole) */
static int vps_dup_fd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct files_struct *oldf = (struct files_struct *)regs->ax;
	bool refuse = false;

	rcu_read_lock();
	if (vps_current_vps())	/* count the copy only for a VPS */
		refuse = vps_files_refused(vps_fds_copied(oldf,
					   (const struct fd_range *)regs->dx));
	rcu_read_unlock();
	return refuse ? vps_refuse(regs, (unsigned long)ERR_PTR(-EMFILE)) : 0;
}

/*
 * RCU: would @add_kb more address space take @ctx past hard? If not, keep
 * the peak.
 */
static bool vps_vm_refused(struct vps_ctx *ctx, unsigned long add_kb)
{
	unsigned long kb = vps_vm_kb(ctx) + add_kb, peak;

	if (vps_limit_exceeded(ctx, VPS_RES_VIRT, kb))
		return true;
	peak = READ_ONCE(ctx->vm_peak_kb);
	if (kb > peak)
		WRITE_ONCE(ctx->vm_peak_kb, kb);
	return false;
}

/* may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages) */
static int vps_may_expand_vm_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs->ax;
	struct vps_ctx *ctx;

	if (mm != current->mm)
		return 0;
	rcu_read_lock();
	ctx = vps_current_vps();
	if (ctx && vps_vm_refused(ctx, regs->cx << (PAGE_SHIFT - 10)))
		regs->cx = LONG_MAX;	/* past any RLIMIT_AS: false */
	rcu_read_unlock();
	return 0;
}

/*
 * copy_process(struct pid *pid, int trace, int node,
 *		struct kernel_clone_args *args): a fork without CLONE_VM copies
 * the caller's address space (dup_mmap)
 */
static int vps_copy_process_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct kernel_clone_args *args =
		(const void *)regs_get_kernel_argument(regs, 3);
	struct mm_struct *mm = current->mm;
	struct vps_ctx *ctx;
	bool refuse = false;

	if (!mm || (current->flags & PF_KTHREAD) || (args->flags & CLONE_VM))
		return 0;
	rcu_read_lock();
	ctx = vps_current_vps();
	if (ctx)
		refuse = vps_vm_refused(ctx, READ_ONCE(mm->total_vm) <<
					     (PAGE_SHIFT - 10));
	rcu_read_unlock();
	return refuse ? vps_refuse(regs, (unsigned long)ERR_PTR(-ENOMEM)) : 0;
}

#define VPS_REFUSER(sym, pre) \
	{ .symbol_name = sym, .pre_handler = pre, \
	  .post_handler = vps_keep_trapping }

static struct kprobe vps_probes[] = {
	{ .symbol_name = "alloc_fd", .pre_handler = vps_alloc_fd_pre },
	{ .symbol_name = "may_expand_vm", .pre_handler = vps_may_expand_vm_pre },
	VPS_REFUSER("__ia32_sys_dup2", vps_dup2_pre),
	VPS_REFUSER("__ia32_sys_dup3", vps_dup3_pre),
	VPS_REFUSER("replace_fd", vps_replace_fd_pre),
	VPS_REFUSER("dup_fd", vps_dup_fd_pre),
	VPS_REFUSER("copy_process", vps_copy_process_pre),
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
		pr_err("vps: cannot place the limit probes: %d\n", err);
	return err;
}

void vps_account_exit(void)
{
	unregister_kprobes(vps_probe_ptrs, ARRAY_SIZE(vps_probe_ptrs));
}
