/* System calls run inside a seized task, and its memory. */
#ifndef VPS_CKPT_INJECT_H
#define VPS_CKPT_INJECT_H

#include "dumper.h"

/* Run a system call in the stopped task t (its registers and sigmask are put back by
 * inject_finish); the call's return value in *ret. */
int inject_syscall(struct dumper *d, struct dtask *t, long *ret, long nr, long a1, long a2, long a3,
		   long a4);
/* Read or write the task's memory. */
int task_mem(struct dumper *d, struct dtask *t, int write, uint32_t addr, void *buf, size_t len);
/* Put back what injection changed: the registers with the syscall-restart fix-up of a task that
 * goes on running, and the signal mask. */
int inject_finish(struct dumper *d, struct dtask *t);

#endif
