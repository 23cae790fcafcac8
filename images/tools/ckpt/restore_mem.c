/* A task's memory on restore: a region free in both its saved layout and the current one holds
 * the blob, its arguments and stack, a parking place for the vDSO, and a premapped copy of every
 * saved VMA (anonymous, or the same file mapped privately) with the saved pages written in; the
 * rt_sigframe built from the saved registers goes below the saved stack pointer. The blob then
 * moves it all into place. */
#include "restore_mem.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "proc_parse.h"

#define PAGE CKPT_PAGE
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define BLOB_STACK (64 * 1024)
#define FRAME_SIZE 268		/* i386 struct rt_sigframe */
#define FPSTATE_SIZE (112 + 512)

struct range {
	uint32_t start, end;
};

struct ranges {
	struct range r[2 * CKPT_MAX_VMAS + 64];
	uint32_t n;
};

static void add(struct ranges *rs, uint32_t start, uint32_t end)
{
	if (rs->n < sizeof(rs->r) / sizeof(rs->r[0]) && start < end)
		rs->r[rs->n++] = (struct range){ start, end };
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Our own mappings, and where our vdso and vvar are. */
static int self_maps(struct ranges *rs, struct range *vdso, struct range *vvar)
{
	cleanup_fclose FILE *f = fopen("/proc/self/maps", "re");
	char line[4200];
	struct ckpt_map m;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (ckpt_parse_maps_line(line, &m))
			return -1;
		add(rs, m.start, m.end);
		if (vdso && !strcmp(m.path, "[vdso]"))
			*vdso = (struct range){ m.start, m.end };
		if (vvar && !strcmp(m.path, "[vvar]"))
			*vvar = (struct range){ m.start, m.end };
	}
	return 0;
}

/* The highest gap of len bytes (a page of space either side) outside every range; 0 if none. */
static uint32_t hole(struct ranges *rs, uint32_t len)
{
	uint32_t n = 0;

	qsort(rs->r, rs->n, sizeof(rs->r[0]), by_start);
	for (uint32_t i = 0; i < rs->n; i++) {	/* merge into disjoint ranges, in place */
		if (n && rs->r[i].start <= rs->r[n - 1].end) {
			if (rs->r[i].end > rs->r[n - 1].end)
				rs->r[n - 1].end = rs->r[i].end;
		} else {
			rs->r[n++] = rs->r[i];
		}
	}
	rs->n = n;
	for (int64_t k = n; k >= 0; k--) {
		uint64_t lo = k > 0 ? rs->r[k - 1].end : CKPT_MIN_ADDR;
		uint64_t hi = k < (int64_t)n ? rs->r[k].start : CKPT_TASK_SIZE;

		if (hi > CKPT_TASK_SIZE)
			hi = CKPT_TASK_SIZE;
		if (lo < CKPT_MIN_ADDR)
			lo = CKPT_MIN_ADDR;
		if (hi > lo && hi - lo >= (uint64_t)len + 2 * PAGE)
			return (uint32_t)(hi - PAGE - len);
	}
	return 0;
}

uint32_t restore_find_hole(const struct ckpt_image *img, uint32_t len, struct vps_err *err)
{
	cleanup_free struct ranges *rs = calloc(1, sizeof(*rs));
	uint32_t addr;

	if (!rs || self_maps(rs, NULL, NULL)) {
		vps_error(err, errno, "restoring: reading our own memory map");
		return 0;
	}
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t v = 0; v < img->tasks[i].nvmas; v++) {
			const struct ckpt_vma *m = &img->tasks[i].vmas[v];

			/* the stack may grow by a signal frame: keep a margin below every VMA */
			add(rs, m->m.start > 16 * PAGE ? m->m.start - 16 * PAGE : 0, m->m.end);
		}
	addr = hole(rs, len);
	if (!addr)
		vps_error(err, 0, "restoring: no room for the restorer's status page");
	return addr;
}

/* Offset of a symbol in our vDSO (the same kernel build as the image's: checked by the caller). */
static uint32_t vdso_symbol(const char *name)
{
	const uint8_t *base = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)base;
	const Elf32_Phdr *ph;
	const Elf32_Dyn *dyn = NULL;
	const Elf32_Sym *sym = NULL;
	const char *str = NULL;
	const uint32_t *hash = NULL;
	uint32_t load = 0;

	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return 0;
	ph = (const Elf32_Phdr *)(base + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			load = ph[i].p_vaddr - ph[i].p_offset;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf32_Dyn *)(base + ph[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const Elf32_Sym *)(base + dyn->d_un.d_ptr - load);
		else if (dyn->d_tag == DT_STRTAB)
			str = (const char *)(base + dyn->d_un.d_ptr - load);
		else if (dyn->d_tag == DT_HASH)
			hash = (const uint32_t *)(base + dyn->d_un.d_ptr - load);
	}
	if (!sym || !str || !hash)
		return 0;
	for (uint32_t i = 0; i < hash[1]; i++)
		if (!strcmp(str + sym[i].st_name, name))
			return sym[i].st_value - load;
	return 0;
}

static uint32_t auxv_get(const struct ckpt_task *t, uint32_t type)
{
	for (uint32_t i = 0; i + 1 < t->m.auxv_words; i += 2)
		if (t->m.auxv[i] == type)
			return t->m.auxv[i + 1];
	return 0;
}

/* The i386 rt_sigframe (and its FPU state) that rt_sigreturn turns into the saved registers. */
static void build_frame(const struct ckpt_task *t, uint8_t *frame_copy, uint32_t fp, uint8_t *fp_copy,
			uint32_t rt_sigreturn)
{
	uint32_t g[CKPT_NREGS];
	uint32_t sc[22];
	uint16_t sw;

	memcpy(g, t->m.regs, sizeof(g));
	memset(frame_copy, 0, FRAME_SIZE);
	memcpy(frame_copy, &rt_sigreturn, 4);			/* pretcode: popped by the final ret */
	/* ucontext at 16 + 128: uc_flags, uc_link, uc_stack, uc_mcontext, uc_sigmask */
	memcpy(frame_copy + 144 + 8, &t->m.ss_sp, 4);
	memcpy(frame_copy + 144 + 12, &t->m.ss_flags, 4);
	memcpy(frame_copy + 144 + 16, &t->m.ss_size, 4);
	sc[0] = g[CKPT_GS] & 0xffff;
	sc[1] = g[CKPT_FS] & 0xffff;
	sc[2] = g[CKPT_ES] & 0xffff;
	sc[3] = g[CKPT_DS] & 0xffff;
	sc[4] = g[CKPT_EDI];
	sc[5] = g[CKPT_ESI];
	sc[6] = g[CKPT_EBP];
	sc[7] = g[CKPT_ESP];
	sc[8] = g[CKPT_EBX];
	sc[9] = g[CKPT_EDX];
	sc[10] = g[CKPT_ECX];
	sc[11] = g[CKPT_EAX];
	sc[12] = 0;			/* trapno */
	sc[13] = 0;			/* err */
	sc[14] = g[CKPT_EIP];
	sc[15] = g[CKPT_CS] & 0xffff;
	sc[16] = g[CKPT_EFLAGS];
	sc[17] = g[CKPT_ESP];		/* sp_at_signal */
	sc[18] = g[CKPT_SS] & 0xffff;
	sc[19] = fp;			/* fpstate */
	sc[20] = (uint32_t)t->m.sigmask;	/* oldmask */
	sc[21] = 0;			/* cr2 */
	memcpy(frame_copy + 144 + 20, sc, sizeof(sc));
	memcpy(frame_copy + 144 + 20 + 88, &t->m.sigmask, 8);
	/* struct _fpstate_32: the fsave-format header (magic 0: fxsave follows), then fxsave */
	memset(fp_copy, 0, FPSTATE_SIZE);
	memcpy(fp_copy, t->m.fpregs, 108);
	memcpy(&sw, t->m.fpregs + 4, 2);
	memcpy(fp_copy + 108, &sw, 2);
	memcpy(fp_copy + 112, t->m.fpxregs, 512);
	memset(fp_copy + 112 + 464, 0, 48);	/* no xstate software bytes */
}

static void unregister_own_rseq(void)
{
	uint32_t tp;

	if (!__rseq_size)
		return;
	asm("movl %%gs:0, %0" : "=r"(tp));
	if (syscall(SYS_rseq, tp + __rseq_offset, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0)
		syscall(SYS_rseq, tp + __rseq_offset, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}

/* Last, once the premapped copies exist: an address-space limit counts them too. */
static void restore_rlimits(struct restorer *r, const struct ckpt_task *t)
{
	for (int i = 0; i < CKPT_NRLIMIT; i++) {
		struct rlimit64 rl = { t->m.rlim[i][0], t->m.rlim[i][1] };

		if (prlimit64(0, (enum __rlimit_resource)i, &rl, NULL) < 0)
			restore_fail(r, t, "rlimit %d: %s", i, strerror(errno));
	}
}

void restore_memory_and_go(struct restorer *r, int index, int exe_fd)
{
	const struct ckpt_task *t = &r->img->tasks[index];
	cleanup_free struct ranges *rs = calloc(1, sizeof(*rs));
	cleanup_free uint32_t *start = calloc(t->nvmas ? t->nvmas : 1, sizeof(uint32_t));
	struct range vdso = { 0, 0 }, vvar = { 0, 0 }, keep[4];
	uint32_t esp = t->m.regs[CKPT_ESP], fx, fp, frame, total = 0, stack = UINT32_MAX;
	uint32_t blob_len = (uint32_t)(__stop_ckpt_blob - __start_ckpt_blob), head, region, cur, nkeep = 0;
	uint32_t rt_sigreturn = vdso_symbol("__kernel_rt_sigreturn"), img_vdso = 0, vsyscall;
	struct blob_args *a;
	uint8_t frame_copy[FRAME_SIZE], fp_copy[FPSTATE_SIZE];

	if (!rs || !start)
		restore_fail(r, t, "out of memory");
	if (self_maps(rs, &vdso, &vvar) || !vdso.end || !rt_sigreturn)
		restore_fail(r, t, "reading our own memory map and vDSO");
	fx = (esp - 512) & ~63u;
	fp = fx - 112;
	frame = (((fp - FRAME_SIZE) + 4) & ~15u) - 4;
	for (uint32_t i = 0; i < t->nvmas; i++) {
		const struct ckpt_vma *v = &t->vmas[i];

		start[i] = v->m.start;
		if (v->m.kind == CKPT_VMA_VDSO) {
			img_vdso = v->m.start;
			if (v->m.end - v->m.start != vdso.end - vdso.start)
				restore_fail(r, t, "its vDSO is not this kernel's (another kernel build)");
		}
		if (v->m.kind == CKPT_VMA_VVAR && v->m.end - v->m.start != vvar.end - vvar.start)
			restore_fail(r, t, "its vvar is not this kernel's (another kernel build)");
		if (v->m.kind == CKPT_VMA_ANON && esp > v->m.start && esp <= v->m.end) {
			stack = i;
			if (frame < v->m.start) {	/* the frame grows the stack, as a signal would */
				start[i] = frame & ~(PAGE - 1);
				if (i > 0 && start[i] < t->vmas[i - 1].m.end)
					restore_fail(r, t, "no room below its stack for the return frame");
			}
		}
		if (v->m.kind == CKPT_VMA_ANON || v->m.kind == CKPT_VMA_FILE)
			total += v->m.end - start[i];
		add(rs, start[i], v->m.end);
	}
	if (stack == UINT32_MAX)
		restore_fail(r, t, "its stack pointer %#x is in no anonymous mapping", esp);
	vsyscall = auxv_get(t, AT_SYSINFO);
	if (!img_vdso || !vsyscall || vsyscall - img_vdso != getauxval(AT_SYSINFO) - vdso.start)
		restore_fail(r, t, "its vDSO is missing or not this kernel's");

	head = PAGE_UP(blob_len) + PAGE_UP((uint32_t)sizeof(struct blob_args)) + BLOB_STACK;
	region = hole(rs, head + (vvar.end - vvar.start) + (vdso.end - vdso.start) + total);
	if (!region)
		restore_fail(r, t, "no room for the restorer");
	if (mmap((void *)region, head + (vvar.end - vvar.start) + (vdso.end - vdso.start) + total, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED ||
	    mmap((void *)region, head, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		restore_fail(r, t, "mapping the restorer: %s", strerror(errno));
	memcpy((void *)region, __start_ckpt_blob, blob_len);
	if (mprotect((void *)region, PAGE_UP(blob_len), PROT_READ | PROT_EXEC))
		restore_fail(r, t, "mapping the restorer: %s", strerror(errno));
	a = (struct blob_args *)(region + PAGE_UP(blob_len));
	a->index = (uint32_t)index;
	a->shared = (uint32_t)r->sh;
	a->shared_len = r->shared_len;
	a->region = region;
	a->region_len = head + (vvar.end - vvar.start) + (vdso.end - vdso.start) + total;
	cur = region + head;
	for (uint32_t i = 0; i < t->nvmas; i++) {
		const struct ckpt_vma *v = &t->vmas[i];
		uint32_t len = v->m.end - start[i], off = v->m.start - start[i];

		if (v->m.kind == CKPT_VMA_VVAR || v->m.kind == CKPT_VMA_VDSO) {
			uint32_t l = v->m.end - v->m.start;
			int is_vdso = v->m.kind == CKPT_VMA_VDSO;

			*(is_vdso ? &a->vdso_from : &a->vvar_from) = is_vdso ? vdso.start : vvar.start;
			*(is_vdso ? &a->vdso_to : &a->vvar_to) = v->m.start;
			*(is_vdso ? &a->vdso_len : &a->vvar_len) = l;
			*(is_vdso ? &a->vdso_park : &a->vvar_park) = region + head +
				(is_vdso ? (vvar.end - vvar.start) : 0);
			continue;
		}
		if (v->m.kind == CKPT_VMA_FILE) {
			cleanup_close int fd = open(v->path, O_RDONLY | O_CLOEXEC);
			struct stat st;

			if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
				restore_fail(r, t, "mapped file %s: %s", v->path, fd < 0 ? strerror(errno) : "not a regular file");
			for (uint32_t p = 0; p < v->npages; p++)
				if (v->m.pgoff + (v->pages[p].addr - v->m.start) + v->pages[p].len > (uint64_t)PAGE_UP(st.st_size))
					restore_fail(r, t, "mapped file %s is shorter than when it was saved", v->path);
			if (mmap((void *)(cur + (vvar.end - vvar.start) + (vdso.end - vdso.start)), len,
				 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, (off_t)v->m.pgoff) == MAP_FAILED)
				restore_fail(r, t, "mapping %s: %s", v->path, strerror(errno));
		} else if (mmap((void *)(cur + (vvar.end - vvar.start) + (vdso.end - vdso.start)), len,
				PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				(v->m.flags & CKPT_VMA_GROWSDOWN ? MAP_GROWSDOWN : 0), -1, 0) == MAP_FAILED) {
			restore_fail(r, t, "mapping %#x-%#x: %s", v->m.start, v->m.end, strerror(errno));
		}
		{
			uint8_t *copy = (uint8_t *)(cur + (vvar.end - vvar.start) + (vdso.end - vdso.start));

			for (uint32_t p = 0; p < v->npages; p++)
				memcpy(copy + off + (v->pages[p].addr - v->m.start), v->pages[p].data, v->pages[p].len);
			if (i == stack) {
				build_frame(t, frame_copy, fp, fp_copy, img_vdso + rt_sigreturn);
				memcpy(copy + (frame - start[i]), frame_copy, FRAME_SIZE);
				memcpy(copy + (fp - start[i]), fp_copy, FPSTATE_SIZE);
			}
		}
		if (a->nvmas >= CKPT_MAX_VMAS)
			restore_fail(r, t, "too many mappings");
		a->vma[a->nvmas++] = (struct blob_vma){
			cur + (vvar.end - vvar.start) + (vdso.end - vdso.start), start[i], len, v->m.prot };
		cur += len;
	}
	for (int i = 0; i < CKPT_NMM; i++)
		a->mm.v[i] = t->m.mm[i];
	memcpy(a->auxv, t->m.auxv, t->m.auxv_words * 4);
	a->mm.auxv = (uint32_t)a->auxv;
	a->mm.auxv_size = t->m.auxv_words * 4;
	a->mm.exe_fd = (uint32_t)exe_fd;
	memcpy(a->tls, t->m.tls, sizeof(a->tls));
	a->rseq_ptr = t->m.rseq_ptr;
	a->rseq_len = t->m.rseq_len;
	a->rseq_sig = t->m.rseq_sig;
	a->ngroups = t->m.ngroups;
	memcpy(a->groups, t->m.groups, sizeof(a->groups));
	memcpy(a->uid, t->m.uid, sizeof(a->uid));
	memcpy(a->gid, t->m.gid, sizeof(a->gid));
	a->cap_hdr[0] = 0x20080522;	/* _LINUX_CAPABILITY_VERSION_3 */
	a->cap_hdr[1] = 0;
	a->cap_data[0] = (uint32_t)t->m.cap_eff;
	a->cap_data[1] = (uint32_t)t->m.cap_prm;
	a->cap_data[2] = (uint32_t)t->m.cap_inh;
	a->cap_data[3] = (uint32_t)(t->m.cap_eff >> 32);
	a->cap_data[4] = (uint32_t)(t->m.cap_prm >> 32);
	a->cap_data[5] = (uint32_t)(t->m.cap_inh >> 32);
	a->dumpable = 1;
	memcpy(a->itimer, t->m.itimer, sizeof(a->itimer));
	a->frame = frame;
	a->vsyscall = vsyscall;

	/* unmap everything but the region, the status page and our vDSO (when it moves on) */
	keep[nkeep++] = (struct range){ region, region + a->region_len };
	keep[nkeep++] = (struct range){ a->shared, a->shared + a->shared_len };
	if (a->vdso_len) {
		keep[nkeep++] = vdso;
		keep[nkeep++] = vvar;
	}
	qsort(keep, nkeep, sizeof(keep[0]), by_start);
	{
		uint32_t from = 0;

		for (uint32_t i = 0; i < nkeep; i++) {
			if (keep[i].start > from)
				a->unmap[a->nunmap][0] = from, a->unmap[a->nunmap][1] = keep[i].start - from, a->nunmap++;
			if (keep[i].end > from)
				from = keep[i].end;
		}
		if (from < CKPT_TASK_SIZE)
			a->unmap[a->nunmap][0] = from, a->unmap[a->nunmap][1] = CKPT_TASK_SIZE - from, a->nunmap++;
	}
	restore_rlimits(r, t);
	unregister_own_rseq();
	asm volatile("movl %0, %%esp\n\t"
		     "pushl %1\n\t"
		     "call *%2\n\t"
		     "ud2"
		     : : "r"(region + head), "r"(a), "r"(region + (uint32_t)((char *)ckpt_blob_main - __start_ckpt_blob))
		     : "memory");
	__builtin_unreachable();
}
