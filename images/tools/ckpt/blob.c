/* The restorer blob: the last steps of a restore, run from a copy in a region free in both the
 * restoring and the restored layout. It may use nothing but its arguments and system calls
 * (no globals, no libc, no calls out of the section), so it works wherever it is copied: it
 * unmaps the old layout, moves the vDSO and the premapped VMAs into place, sets the mm fields,
 * TLS, rseq and credentials, waits for the word to go, then returns into the saved state with
 * rt_sigreturn, unmapping itself on the way (through the vDSO: munmap's return lands in
 * __kernel_rt_sigreturn, whose frame is on the task's own stack). */
#include "blob.h"

#define BLOB __attribute__((section("ckpt_blob"), used, no_stack_protector, \
			     optimize("no-tree-loop-distribute-patterns")))

#define NR_exit_group	252
#define NR_close	6
#define NR_munmap	91
#define NR_setitimer	104
#define NR_mprotect	125
#define NR_mremap	163
#define NR_prctl	172
#define NR_capset	185
#define NR_setgroups32	206
#define NR_setresuid32	208
#define NR_setresgid32	210
#define NR_futex	240
#define NR_set_thread_area 243
#define NR_rseq		386

static inline __attribute__((always_inline)) long sc(long nr, long a, long b, long c, long d, long e)
{
	long r;

	asm volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
	return r;
}

BLOB void ckpt_blob_main(struct blob_args *a)
{
	struct blob_shared *sh = (struct blob_shared *)a->shared;
	long r = 0;
	int step = 0;
	int32_t go;

#define FAILED(r) ((unsigned long)(r) > -4096ul)
#define TRY(call) do { step++; r = (call); if (FAILED(r)) goto fail; } while (0)
	for (uint32_t i = 0; i < a->nunmap; i++)
		TRY(sc(NR_munmap, a->unmap[i][0], a->unmap[i][1], 0, 0, 0));
	step = 10;
	if (a->vvar_len)
		TRY(sc(NR_mremap, a->vvar_from, a->vvar_len, a->vvar_len, 3, a->vvar_park));
	if (a->vdso_len)
		TRY(sc(NR_mremap, a->vdso_from, a->vdso_len, a->vdso_len, 3, a->vdso_park));
	if (a->vvar_len)
		TRY(sc(NR_mremap, a->vvar_park, a->vvar_len, a->vvar_len, 3, a->vvar_to));
	if (a->vdso_len)
		TRY(sc(NR_mremap, a->vdso_park, a->vdso_len, a->vdso_len, 3, a->vdso_to));
	step = 20;
	for (uint32_t i = 0; i < a->nvmas; i++) {
		const struct blob_vma *v = &a->vma[i];

		r = sc(NR_mremap, v->from, v->len, v->len, 3 /* MAYMOVE | FIXED */, v->to);
		if (r != (long)v->to) {
			if (!FAILED(r))
				r = -14;
			goto fail;
		}
		r = sc(NR_mprotect, v->to, v->len, v->prot, 0, 0);
		if (FAILED(r))
			goto fail;
	}
	step = 30;
	TRY(sc(NR_prctl, 35 /* PR_SET_MM */, 14 /* PR_SET_MM_MAP */, (long)&a->mm, sizeof(a->mm), 0));
	if ((int32_t)a->mm.exe_fd >= 0)
		sc(NR_close, a->mm.exe_fd, 0, 0, 0, 0);
	for (int i = 0; i < 3; i++)
		TRY(sc(NR_set_thread_area, (long)&a->tls[i], 0, 0, 0, 0));
	if (a->rseq_ptr)
		TRY(sc(NR_rseq, a->rseq_ptr, a->rseq_len, 0, a->rseq_sig, 0));
	step = 40;
	TRY(sc(NR_setgroups32, a->ngroups, (long)a->groups, 0, 0, 0));
	TRY(sc(NR_setresgid32, a->gid[0], a->gid[1], a->gid[2], 0, 0));
	TRY(sc(NR_setresuid32, a->uid[0], a->uid[1], a->uid[2], 0, 0));
	TRY(sc(NR_capset, (long)a->cap_hdr, (long)a->cap_data, 0, 0, 0));
	TRY(sc(NR_prctl, 8 /* PR_SET_KEEPCAPS */, 0, 0, 0, 0));
	TRY(sc(NR_prctl, 4 /* PR_SET_DUMPABLE */, a->dumpable, 0, 0, 0));

	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	sc(NR_futex, (long)&sh->ready, 1 /* FUTEX_WAKE */, 0x7fffffff, 0, 0);
	while (!(go = __atomic_load_n(&sh->go, __ATOMIC_SEQ_CST)))
		sc(NR_futex, (long)&sh->go, 0 /* FUTEX_WAIT */, 0, 0, 0);
	if (go < 0)
		sc(NR_exit_group, 1, 0, 0, 0, 0);
	/* what was left of each itimer runs from now; every signal is blocked until the return */
	for (int i = 0; i < CKPT_NITIMER; i++)
		if (a->itimer[i].value_sec || a->itimer[i].value_usec)
			sc(NR_setitimer, i, (long)&a->itimer[i], 0, 0, 0);
	sc(NR_munmap, a->shared, a->shared_len, 0, 0, 0);
	asm volatile("movl %0, %%esp\n\t"
		     "jmp *%1"
		     : : "r"(a->frame), "r"(a->vsyscall), "a"(NR_munmap), "b"(a->region), "c"(a->region_len)
		     : "memory");
	__builtin_unreachable();
fail:
	sh->task[a->index].step = step;
	sh->task[a->index].err = (int32_t)-r;
	__atomic_add_fetch(&sh->failed, 1, __ATOMIC_SEQ_CST);
	sc(NR_futex, (long)&sh->ready, 1, 0x7fffffff, 0, 0);
	for (;;)
		sc(NR_exit_group, 127, 0, 0, 0, 0);
#undef TRY
}
