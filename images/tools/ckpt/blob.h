/* The restorer blob's arguments: everything it needs, in the region it runs from (the only
 * memory of the restoring process it keeps, with the vDSO and the shared status page). */
#ifndef VPS_CKPT_BLOB_H
#define VPS_CKPT_BLOB_H

#include <stdint.h>

#include "ckpt_format.h"

struct blob_vma {
	uint32_t from, to, len, prot;
};

struct blob_mm {			/* the i386 struct prctl_mm_map */
	uint64_t v[CKPT_NMM];
	uint32_t auxv, auxv_size, exe_fd;
} __attribute__((packed));

/* The page every task and the restoring parent share: tasks count themselves ready, then
 * wait for go (1: return into the saved state, -1: exit). */
struct blob_shared {
	volatile int32_t ready, go, failed, claimed;
	char msg[1024];			/* the first failure, one line */
	struct { volatile int32_t step, err; } task[CKPT_MAX_TASKS];
};

#define BLOB_MAX_UNMAP	5

struct blob_args {
	uint32_t index;			/* this task's slot in blob_shared.task */
	uint32_t shared, shared_len;
	uint32_t region, region_len;	/* unmapped on the way out */
	uint32_t nunmap;
	uint32_t unmap[BLOB_MAX_UNMAP][2];	/* start, length */
	uint32_t vvar_from, vvar_park, vvar_to, vvar_len;	/* len 0: none */
	uint32_t vdso_from, vdso_park, vdso_to, vdso_len;
	uint32_t nvmas;
	struct blob_vma vma[CKPT_MAX_VMAS];
	struct blob_mm mm;
	uint32_t auxv[CKPT_AUXV_WORDS];
	struct ckpt_tls tls[3];
	uint32_t rseq_ptr, rseq_len, rseq_sig;
	uint32_t ngroups, groups[CKPT_MAX_GROUPS];
	uint32_t uid[3], gid[3];
	uint32_t cap_hdr[2];		/* version, pid */
	uint32_t cap_data[6];		/* effective, permitted, inheritable; low word then high */
	uint32_t dumpable;
	struct ckpt_itimer itimer[CKPT_NITIMER];	/* armed once the word to go has come */
	uint32_t frame;			/* where esp points when the task returns: the rt_sigframe */
	uint32_t vsyscall;		/* __kernel_vsyscall in the restored vDSO */
};

/* The blob: position-independent code in section ckpt_blob, copied into the region. */
extern char __start_ckpt_blob[], __stop_ckpt_blob[];
void ckpt_blob_main(struct blob_args *a) __attribute__((noreturn));

#endif
