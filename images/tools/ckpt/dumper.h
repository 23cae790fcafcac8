/* The dumper's shared state (the seized tasks and the open files they hold) and the helpers
 * every part of the dump uses. */
#ifndef VPS_CKPT_DUMPER_H
#define VPS_CKPT_DUMPER_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "ckpt.h"
#include "ckpt_format.h"

struct dfd {
	uint32_t fd, file_id, cloexec;
};

struct dtask {
	pid_t hpid;			/* as the dumper sees it */
	int parent;			/* index, -1 for the init */
	int seized, stopped, modified;	/* modified: registers or sigmask changed by injection */
	int fwd_sig;			/* a signal the seize stop took out, given back on detach */
	struct user_regs_struct regs;	/* as seized */
	uint64_t sigmask;
	uint64_t sig_cgt, sig_ign;
	uint32_t int80;			/* address of an int $0x80 in its vdso, 0 if none found */
	struct ckpt_task_meta m;
	char exe[CKPT_MAX_PATH + 1], cwd[CKPT_MAX_PATH + 1];
	struct ckpt_sigact_meta act;
	uint32_t nfds;
	struct dfd *fds;
	uint32_t nsig;
	struct ckpt_siginfo_meta *sig;
};

struct dfile {
	struct ckpt_file_meta m;
	char path[CKPT_MAX_PATH + 1];
	uint64_t dev, ino;
	int task;			/* a task holding it, and its fd there (for kcmp) */
	uint32_t fd;
};

struct dumper {
	struct dtask *t;
	int n, cap;
	struct dfile *f;
	uint32_t nf, capf;
	uint32_t npipes;
	const struct ckpt_writer *w;
	struct ckpt_end_meta end;
	struct vps_err *err;
};

/* "process 12 (httpd): " in front of a refusal or failure about task t; returns -1. */
int dump_refuse(struct dumper *d, const struct dtask *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a small /proc file of a task into buf (NUL-terminated); its length, or -1 with errno. */
ssize_t dump_read_proc(pid_t pid, const char *name, char *buf, size_t size);

#endif
