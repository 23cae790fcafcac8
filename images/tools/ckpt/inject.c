/* Running a system call inside a seized task: its registers point at an `int $0x80` of its
 * vDSO with the call in eax and the arguments in ebx..esi; PTRACE_SYSCALL stops it at the
 * entry and at the exit, where eax holds the result. All signals are blocked meanwhile. */
#include "inject.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "trace.h"

int task_mem(struct dumper *d, struct dtask *t, int write, uint32_t addr, void *buf, size_t len)
{
	char path[64];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/mem", t->hpid);
	fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return dump_refuse(d, t, "opening its memory: %s", strerror(errno));
	n = write ? pwrite64(fd, buf, len, addr) : pread64(fd, buf, len, addr);
	if (n != (ssize_t)len)
		return dump_refuse(d, t, "%s %zu bytes of its memory at %#x: %s", write ? "writing" : "reading",
				   len, addr, n < 0 ? strerror(errno) : "short");
	return 0;
}

static int wait_syscall_stop(struct dumper *d, struct dtask *t)
{
	int st;

	if (ptrace(PTRACE_SYSCALL, t->hpid, 0, 0) < 0)
		return dump_refuse(d, t, "resuming it for a system call: %s", strerror(errno));
	while (waitpid(t->hpid, &st, __WALL) < 0)
		if (errno != EINTR)
			return dump_refuse(d, t, "waiting for it: %s", strerror(errno));
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80)) {
		if (WIFSTOPPED(st))
			t->stopped = 1;
		else
			t->seized = 0;
		return dump_refuse(d, t, "an injected system call did not stop as expected (status %#x)", st);
	}
	return 0;
}

int inject_syscall(struct dumper *d, struct dtask *t, long *ret, long nr, long a1, long a2, long a3,
		   long a4)
{
	struct user_regs_struct r = t->regs;
	uint64_t all = ~0ull;

	if (!t->int80)
		return dump_refuse(d, t, "no int $0x80 found in its vDSO");
	if (!t->modified && ptrace(PTRACE_SETSIGMASK, t->hpid, (void *)sizeof(all), &all) < 0)
		return dump_refuse(d, t, "blocking its signals: %s", strerror(errno));
	t->modified = 1;
	r.eax = nr;
	r.ebx = a1;
	r.ecx = a2;
	r.edx = a3;
	r.esi = a4;
	r.eip = t->int80;
	r.orig_eax = -1;
	if (ptrace(PTRACE_SETREGS, t->hpid, 0, &r) < 0)
		return dump_refuse(d, t, "setting registers: %s", strerror(errno));
	if (wait_syscall_stop(d, t) || wait_syscall_stop(d, t))
		return -1;
	if (ptrace(PTRACE_GETREGS, t->hpid, 0, &r) < 0)
		return dump_refuse(d, t, "reading registers: %s", strerror(errno));
	*ret = r.eax;
	ckpt_trace("snapst", "%d: syscall %ld -> %ld", t->hpid, nr, *ret);
	return 0;
}

int inject_finish(struct dumper *d, struct dtask *t)
{
	struct user_regs_struct r = t->regs;

	/* The task stops now at a syscall exit, where no restart happens on its own: do the
	 * restart the interrupted call would have had. */
	if (r.orig_eax >= 0) {
		switch (r.eax) {
		case -512: case -513: case -514:
			r.eax = r.orig_eax;
			r.eip -= 2;
			break;
		case -516:
			r.eax = 0;	/* restart_syscall: the task's restart block is still there */
			r.eip -= 2;
			break;
		}
	}
	r.orig_eax = -1;
	if (ptrace(PTRACE_SETREGS, t->hpid, 0, &r) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, t->hpid, (void *)sizeof(t->sigmask), &t->sigmask) < 0)
		return dump_refuse(d, t, "putting its registers back: %s", strerror(errno));
	t->modified = 0;
	return 0;
}
