/* The process-image records: types, meta layouts (little-endian, packed) and limits. The
 * same records go into a snapshot's process section (types 0x0201..0x02ff) or a stand-alone
 * image file (ckpt_file.c). Everything here is i386: registers, TLS, the prctl mm map. */
#ifndef VPS_CKPT_FORMAT_H
#define VPS_CKPT_FORMAT_H

#include <stdint.h>

#define CKPT_REC_FILE		0x0201	/* an open file description, before any fd names it */
#define CKPT_REC_PIPE_DATA	0x0202	/* the bytes queued in a pipe */
#define CKPT_REC_TASK		0x0203	/* a task; its VMAs, pages, sigactions, signals, fds follow */
#define CKPT_REC_VMA		0x0204
#define CKPT_REC_PAGES		0x0205	/* contents of the last VMA at an address */
#define CKPT_REC_SIGACT		0x0206	/* the 64 sigactions of the last task */
#define CKPT_REC_SIGINFO	0x0207	/* a pending signal of the last task */
#define CKPT_REC_FD		0x0208	/* an fd of the last task */
#define CKPT_REC_END		0x02ff

/* Limits, checked before anything is allocated or mapped. */
#define CKPT_MAX_TASKS		1024
#define CKPT_MAX_FILES		4096
#define CKPT_MAX_VMAS		512	/* per task */
#define CKPT_MAX_FDS		1024	/* per task; fd numbers below CKPT_MAX_FDNUM */
#define CKPT_MAX_FDNUM		4096
#define CKPT_MAX_SIGINFO	64	/* per task */
#define CKPT_MAX_GROUPS		32
#define CKPT_MAX_PATH		4095
#define CKPT_MAX_PAGES_DATA	(1u << 20)	/* one PAGES record */
#define CKPT_MAX_PIPE_DATA	(1u << 20)
#define CKPT_MAX_META		4096
#define CKPT_PAGE		4096u
#define CKPT_TASK_SIZE		0xc0000000u	/* i686, 3G/1G split */
#define CKPT_MIN_ADDR		0x10000u	/* mmap_min_addr */

enum ckpt_file_kind {
	CKPT_FILE_REG = 1,	/* regular file: path, flags, position */
	CKPT_FILE_DIR = 2,	/* directory: path, flags, position */
	CKPT_FILE_CHR = 3,	/* character device of the allowed list (ckpt_chr_allowed) */
	CKPT_FILE_PIPE = 4,	/* one end of a pipe: pipe id, which end, flags */
};

struct ckpt_file_meta {
	uint32_t id;		/* 1.., unique in the image */
	uint32_t kind;		/* enum ckpt_file_kind */
	uint32_t flags;		/* open flags (O_ACCMODE, O_APPEND, O_NONBLOCK, ...) */
	uint32_t rdev;		/* CKPT_FILE_CHR: major << 20 | minor */
	uint64_t pos;		/* REG, DIR: the file position */
	uint32_t pipe_id;	/* PIPE: 1.., equal for both ends of one pipe */
	uint32_t pipe_end;	/* PIPE: 0 read, 1 write */
	uint32_t pipe_size;	/* PIPE: its capacity (F_GETPIPE_SZ) */
	uint32_t path_len;	/* REG, DIR, CHR: the path is the data */
} __attribute__((packed));

struct ckpt_pipe_data_meta {
	uint32_t pipe_id;
} __attribute__((packed));

/* i386 struct user_regs_struct */
enum { CKPT_EBX, CKPT_ECX, CKPT_EDX, CKPT_ESI, CKPT_EDI, CKPT_EBP, CKPT_EAX, CKPT_DS, CKPT_ES,
       CKPT_FS, CKPT_GS, CKPT_ORIG_EAX, CKPT_EIP, CKPT_CS, CKPT_EFLAGS, CKPT_ESP, CKPT_SS,
       CKPT_NREGS };

struct ckpt_itimer {		/* struct itimerval: what was left of the timer when it was dumped */
	uint32_t interval_sec, interval_usec, value_sec, value_usec;
} __attribute__((packed));

enum { CKPT_ITIMER_REAL, CKPT_ITIMER_VIRTUAL, CKPT_ITIMER_PROF, CKPT_NITIMER };

struct ckpt_tls {		/* struct user_desc */
	uint32_t entry, base, limit, flags;
} __attribute__((packed));

enum { CKPT_MM_START_CODE, CKPT_MM_END_CODE, CKPT_MM_START_DATA, CKPT_MM_END_DATA,
       CKPT_MM_START_BRK, CKPT_MM_BRK, CKPT_MM_START_STACK, CKPT_MM_ARG_START, CKPT_MM_ARG_END,
       CKPT_MM_ENV_START, CKPT_MM_ENV_END, CKPT_NMM };

#define CKPT_AUXV_WORDS		96
#define CKPT_NRLIMIT		16

struct ckpt_task_meta {
	uint32_t pid, ppid, pgid, sid;	/* in the dumped pid namespace; ppid 0 for the init */
	uint32_t exit_signal;
	char comm[16];			/* NUL-terminated */
	uint32_t uid[4], gid[4];	/* real, effective, saved, fs */
	uint32_t ngroups;
	uint32_t groups[CKPT_MAX_GROUPS];
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd;
	uint32_t umask, personality, no_new_privs;
	uint64_t sigmask;
	uint32_t regs[CKPT_NREGS];	/* after the syscall-restart fix-up */
	uint8_t fpregs[108];		/* struct user_i387_struct (NT_PRFPREG) */
	uint8_t fpxregs[512];		/* struct user_fxsr_struct (NT_PRXFPREG), fxsave layout */
	struct ckpt_tls tls[3];		/* GDT entries 6..8 */
	uint32_t mm[CKPT_NMM];
	uint32_t auxv_words;		/* even, at most CKPT_AUXV_WORDS */
	uint32_t auxv[CKPT_AUXV_WORDS];
	uint64_t rlim[CKPT_NRLIMIT][2];	/* soft, hard; ~0 is unlimited */
	uint32_t rseq_ptr, rseq_len, rseq_sig;
	uint32_t ss_sp, ss_flags, ss_size;	/* sigaltstack */
	struct ckpt_itimer itimer[CKPT_NITIMER];	/* seconds below 2^31, microseconds below 10^6 */
	uint32_t nvmas, nfds, nsiginfo;	/* records of this task that follow */
	uint16_t exe_len, cwd_len, root_len, pad;	/* the data: exe, cwd, root paths */
} __attribute__((packed));

#define CKPT_VMA_ANON		1
#define CKPT_VMA_FILE		2	/* private mapping of the file at the path (the data) */
#define CKPT_VMA_VDSO		3
#define CKPT_VMA_VVAR		4

#define CKPT_VMA_GROWSDOWN	0x1	/* the main stack */
#define CKPT_VMA_HEAP		0x2

struct ckpt_vma_meta {
	uint32_t start, end;		/* page aligned, start < end */
	uint32_t kind, flags;
	uint32_t prot;			/* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint64_t pgoff;			/* CKPT_VMA_FILE: offset in the file, in bytes */
	uint32_t path_len;
} __attribute__((packed));

struct ckpt_pages_meta {
	uint32_t addr;			/* page aligned, inside the last VMA; data: whole pages */
} __attribute__((packed));

struct ckpt_sigact {			/* the kernel's i386 struct sigaction, mask widened */
	uint32_t handler, flags, restorer;
	uint64_t mask;
} __attribute__((packed));

struct ckpt_sigact_meta {
	struct ckpt_sigact act[64];	/* signal n at act[n - 1] */
} __attribute__((packed));

struct ckpt_siginfo_meta {
	uint32_t shared;		/* 1: process-wide (ShdPnd), 0: the thread's own */
	uint8_t info[128];		/* siginfo_t as PTRACE_PEEKSIGINFO gives it */
} __attribute__((packed));

struct ckpt_fd_meta {
	uint32_t fd;
	uint32_t file_id;
	uint32_t cloexec;
} __attribute__((packed));

struct ckpt_end_meta {
	uint32_t tasks, files, vmas, fds;
	uint64_t page_bytes;
} __attribute__((packed));

#endif
