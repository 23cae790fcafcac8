/* The dumper: seize every task of a tree (PTRACE_SEIZE + PTRACE_INTERRUPT), read its state
 * from ptrace and /proc, refuse what the image cannot hold, write the records, then kill the
 * tree or let it go exactly as it was. */
#include "dump_files.h"
#include "dump_mem.h"
#include "dumper.h"
#include "inject.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/ldt.h>

#include "../common/cleanup.h"
#include "proc_parse.h"
#include "trace.h"

struct rseq_config {			/* PTRACE_GET_RSEQ_CONFIGURATION */
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size, signature, flags, pad;
};

static int add_task(struct dumper *d, pid_t hpid, int parent)
{
	struct dtask *t;

	if (d->n >= CKPT_MAX_TASKS)
		return vps_error(d->err, 0, "more than %d processes", CKPT_MAX_TASKS);
	if (d->n == d->cap) {
		int cap = d->cap ? 2 * d->cap : 16;
		struct dtask *nt = realloc(d->t, (size_t)cap * sizeof(*nt));

		if (!nt)
			return vps_error(d->err, ENOMEM, "dumping");
		d->t = nt;
		d->cap = cap;
	}
	t = &d->t[d->n++];
	memset(t, 0, sizeof(*t));
	t->hpid = hpid;
	t->parent = parent;
	snprintf(t->m.comm, sizeof(t->m.comm), "?");
	return 0;
}

/* Seize t and wait until it stops for us; signals it was about to take are passed on. */
static int seize(struct dumper *d, struct dtask *t)
{
	char buf[64];
	int st;

	if (dump_read_proc(t->hpid, "comm", buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = 0;
		snprintf(t->m.comm, sizeof(t->m.comm), "%s", buf);
	}
	if (ptrace(PTRACE_SEIZE, t->hpid, 0, (void *)PTRACE_O_TRACESYSGOOD) < 0)
		return vps_error(d->err, errno, "process %d (%s): seizing it", t->hpid, t->m.comm);
	t->seized = 1;
	ckpt_trace("snapst", "seized %d (%s)", t->hpid, t->m.comm);
	if (ptrace(PTRACE_INTERRUPT, t->hpid, 0, 0) < 0)
		return vps_error(d->err, errno, "process %d (%s): stopping it", t->hpid, t->m.comm);
	for (;;) {
		if (waitpid(t->hpid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return vps_error(d->err, errno, "process %d (%s): waiting for it to stop", t->hpid, t->m.comm);
		}
		if (!WIFSTOPPED(st))
			return vps_error(d->err, 0, "process %d (%s): exited during the dump", t->hpid, t->m.comm);
		ckpt_trace("snapst", "%d: stop status %#x", t->hpid, st);
		if ((st >> 16) == PTRACE_EVENT_STOP) {
			t->stopped = 1;
			if (WSTOPSIG(st) != SIGTRAP)
				return vps_error(d->err, 0, "process %d (%s): stopped by a signal (job control) is not supported",
						 t->hpid, t->m.comm);
			return 0;
		}
		/* a signal-delivery-stop: let it have its signal; the interrupt stays pending */
		if (ptrace(PTRACE_CONT, t->hpid, 0, (void *)(long)WSTOPSIG(st)) < 0)
			return vps_error(d->err, errno, "process %d (%s): resuming it", t->hpid, t->m.comm);
	}
}

/* Seize the tree: each task stopped before its children are read, so none is missed. */
static int seize_tree(struct dumper *d, pid_t init)
{
	char path[64], *buf;
	int rc = 0;

	if (add_task(d, init, -1))
		return -1;
	buf = malloc(65536);
	if (!buf)
		return vps_error(d->err, ENOMEM, "dumping");
	for (int i = 0; i < d->n && !rc; i++) {
		char *p, *end;

		rc = seize(d, &d->t[i]);
		if (rc)
			break;
		snprintf(path, sizeof(path), "task/%d/children", d->t[i].hpid);
		if (dump_read_proc(d->t[i].hpid, path, buf, 65536) < 0) {
			rc = vps_error(d->err, errno, "process %d: reading its children", d->t[i].hpid);
			break;
		}
		for (p = buf; *p && !rc; p = end) {
			long child = strtol(p, &end, 10);

			if (end == p || child <= 0) {
				rc = vps_error(d->err, 0, "process %d: unreadable children list", d->t[i].hpid);
				break;
			}
			rc = add_task(d, (pid_t)child, i);
			end += strspn(end, " \n");
		}
	}
	free(buf);
	return rc;
}

static int same_ns(struct dumper *d, struct dtask *t)
{
	static const char *ns[] = { "ns/mnt", "ns/net", "ns/uts", "ns/ipc", "ns/user", "ns/pid",
				    "ns/cgroup", "ns/pid_for_children" };
	char a[64], b[64];
	struct stat sa, sb;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(a, sizeof(a), "/proc/%d/%s", d->t[0].hpid, ns[i]);
		snprintf(b, sizeof(b), "/proc/%d/%s", t->hpid, ns[i]);
		if (stat(a, &sa) || stat(b, &sb))
			return dump_refuse(d, t, "reading %s: %s", ns[i], strerror(errno));
		if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
			return dump_refuse(d, t, "a namespace of its own (%s) is not supported", ns[i] + 3);
	}
	return 0;
}

static int link_path(struct dumper *d, struct dtask *t, const char *name, char *out)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", t->hpid, name);
	n = readlink(path, out, CKPT_MAX_PATH);
	if (n < 0)
		return dump_refuse(d, t, "reading its %s: %s", name, strerror(errno));
	out[n] = 0;
	if (n >= CKPT_MAX_PATH || out[0] != '/')
		return dump_refuse(d, t, "its %s is not reachable by path", name);
	if (n > 10 && !strcmp(out + n - 10, " (deleted)"))
		return dump_refuse(d, t, "its %s %s is deleted (not supported)", name, out);
	return 0;
}

/* Everything about t that ptrace and /proc tell without running anything in it. */
static int task_state(struct dumper *d, struct dtask *t)
{
	struct ckpt_task_meta *m = &t->m;
	struct ckpt_status s;
	struct ckpt_stat st;
	struct rseq_config rseq;
	struct iovec iov;
	char buf[4096], root[CKPT_MAX_PATH + 1];
	ssize_t n;

	if (dump_read_proc(t->hpid, "status", buf, sizeof(buf)) < 0 || ckpt_parse_status(buf, &s))
		return dump_refuse(d, t, "unreadable /proc status");
	if (dump_read_proc(t->hpid, "stat", buf, sizeof(buf)) < 0 || ckpt_parse_stat(buf, &st))
		return dump_refuse(d, t, "unreadable /proc stat");
	m->pid = s.nspid;
	m->pgid = s.nspgid;
	m->sid = s.nssid;
	m->ppid = t->parent < 0 ? 0 : d->t[t->parent].m.pid;
	if (t->parent < 0 && (s.nspid != 1 || s.nspid_depth < 2))
		return dump_refuse(d, t, "not the init of a pid namespace");
	if (!m->sid || !m->pgid)
		return dump_refuse(d, t, "its session or process group is outside the dumped processes");
	if (t->parent >= 0 && m->sid != m->pid && m->sid != d->t[t->parent].m.sid)
		return dump_refuse(d, t, "session %u is neither its own nor its parent's (not supported)", m->sid);
	if (m->pgid != m->pid) {
		int a = t->parent;

		while (a >= 0 && d->t[a].m.pid != m->pgid)
			a = d->t[a].parent;
		if (a < 0 || d->t[a].m.sid != m->sid)
			return dump_refuse(d, t, "process group %u is not led by an ancestor in its session (not supported)",
					   m->pgid);
	}
	if (st.state == 'Z' || st.state == 'X')
		return dump_refuse(d, t, "a zombie (exited, not yet reaped) is not supported");
	if (s.threads != 1)
		return dump_refuse(d, t, "%u threads (only single-threaded processes are supported)", s.threads);
	if (s.seccomp)
		return dump_refuse(d, t, "a seccomp filter is not supported");
	if (s.cap_amb)
		return dump_refuse(d, t, "ambient capabilities are not supported");
	if (s.groups_overflow)
		return dump_refuse(d, t, "more than %d supplementary groups", CKPT_MAX_GROUPS);
	if (same_ns(d, t))
		return -1;
	memcpy(m->uid, s.uid, sizeof(m->uid));
	memcpy(m->gid, s.gid, sizeof(m->gid));
	m->ngroups = s.ngroups;
	memcpy(m->groups, s.groups, sizeof(m->groups));
	m->cap_inh = s.cap_inh;
	m->cap_prm = s.cap_prm;
	m->cap_eff = s.cap_eff;
	m->cap_bnd = s.cap_bnd;
	m->umask = s.umask;
	m->no_new_privs = s.no_new_privs;
	m->exit_signal = st.exit_signal;
	t->sig_cgt = s.sig_cgt;
	t->sig_ign = s.sig_ign;
	m->mm[CKPT_MM_START_CODE] = st.mm_code[0];
	m->mm[CKPT_MM_END_CODE] = st.mm_code[1];
	m->mm[CKPT_MM_START_STACK] = st.start_stack;
	m->mm[CKPT_MM_START_DATA] = st.mm_data[0];
	m->mm[CKPT_MM_END_DATA] = st.mm_data[1];
	m->mm[CKPT_MM_START_BRK] = st.mm_data[2];
	m->mm[CKPT_MM_ARG_START] = st.mm_data[3];
	m->mm[CKPT_MM_ARG_END] = st.mm_data[4];
	m->mm[CKPT_MM_ENV_START] = st.mm_data[5];
	m->mm[CKPT_MM_ENV_END] = st.mm_data[6];
	if (dump_read_proc(t->hpid, "personality", buf, sizeof(buf)) < 0)
		return dump_refuse(d, t, "unreadable personality");
	m->personality = (uint32_t)strtoul(buf, NULL, 16);
	n = dump_read_proc(t->hpid, "auxv", buf, sizeof(buf));
	if (n < 0 || n % 8 || n / 4 > CKPT_AUXV_WORDS)
		return dump_refuse(d, t, "unreadable auxv");
	m->auxv_words = (uint32_t)n / 4;
	memcpy(m->auxv, buf, (size_t)n);
	for (int r = 0; r < CKPT_NRLIMIT; r++) {
		struct rlimit64 rl;

		if (prlimit64(t->hpid, r, NULL, &rl))
			return dump_refuse(d, t, "reading rlimit %d: %s", r, strerror(errno));
		m->rlim[r][0] = rl.rlim_cur;
		m->rlim[r][1] = rl.rlim_max;
	}
	if (link_path(d, t, "exe", t->exe) || link_path(d, t, "cwd", t->cwd) || link_path(d, t, "root", root))
		return -1;
	if (strcmp(root, "/"))
		return dump_refuse(d, t, "a root directory other than / (%s) is not supported", root);

	if (ptrace(PTRACE_GETREGS, t->hpid, 0, &t->regs) < 0)
		return dump_refuse(d, t, "reading registers: %s", strerror(errno));
	iov.iov_base = m->fpregs;
	iov.iov_len = sizeof(m->fpregs);
	if (ptrace(PTRACE_GETREGSET, t->hpid, (void *)NT_PRFPREG, &iov) < 0 || iov.iov_len != sizeof(m->fpregs))
		return dump_refuse(d, t, "reading FPU registers: %s", strerror(errno));
	iov.iov_base = m->fpxregs;
	iov.iov_len = sizeof(m->fpxregs);
	if (ptrace(PTRACE_GETREGSET, t->hpid, (void *)NT_PRXFPREG, &iov) < 0 || iov.iov_len != sizeof(m->fpxregs))
		return dump_refuse(d, t, "reading SSE registers: %s", strerror(errno));
	for (int i = 0; i < 3; i++) {
		struct user_desc u;

		memset(&u, 0, sizeof(u));
		if (ptrace(PTRACE_GET_THREAD_AREA, t->hpid, (void *)(long)(6 + i), &u) < 0)
			return dump_refuse(d, t, "reading TLS entry %d: %s", 6 + i, strerror(errno));
		memcpy(&m->tls[i], &u, sizeof(m->tls[i]));
		m->tls[i].entry = 6u + i;
	}
	if (ptrace(PTRACE_GETSIGMASK, t->hpid, (void *)sizeof(t->sigmask), &t->sigmask) < 0)
		return dump_refuse(d, t, "reading its signal mask: %s", strerror(errno));
	m->sigmask = t->sigmask;
	memset(&rseq, 0, sizeof(rseq));
	if (ptrace(0x420f /* PTRACE_GET_RSEQ_CONFIGURATION */, t->hpid, (void *)sizeof(rseq), &rseq) < 0)
		return dump_refuse(d, t, "reading its rseq registration: %s", strerror(errno));
	if (rseq.flags)
		return dump_refuse(d, t, "rseq flags %#x are not supported", rseq.flags);
	m->rseq_ptr = (uint32_t)rseq.rseq_abi_pointer;
	m->rseq_len = rseq.rseq_abi_size;
	m->rseq_sig = rseq.signature;

	/* the registers as the image keeps them: a system call that was interrupted is redone */
	memcpy(m->regs, &t->regs, sizeof(m->regs));
	if ((int32_t)m->regs[CKPT_ORIG_EAX] >= 0) {
		switch ((int32_t)m->regs[CKPT_EAX]) {
		case -512: case -513: case -514:	/* ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND */
			m->regs[CKPT_EAX] = m->regs[CKPT_ORIG_EAX];
			m->regs[CKPT_EIP] -= 2;
			break;
		case -516:				/* ERESTART_RESTARTBLOCK: its block is not kept */
			m->regs[CKPT_EAX] = (uint32_t)-EINTR;
			break;
		}
	}
	m->regs[CKPT_ORIG_EAX] = (uint32_t)-1;
	return 0;
}

/* Pending signals, private and shared, with their siginfo. */
static int task_signals(struct dumper *d, struct dtask *t)
{
	for (int shared = 0; shared < 2; shared++) {
		for (uint32_t i = 0;; i++) {
			struct { uint64_t off; uint32_t flags; int32_t nr; } __attribute__((packed)) a = {
				i, shared ? 1 : 0, 1 };
			uint8_t info[128];
			long n = ptrace(0x4209 /* PTRACE_PEEKSIGINFO */, t->hpid, &a, info);
			struct ckpt_siginfo_meta *s;

			if (n < 0)
				return dump_refuse(d, t, "reading pending signals: %s", strerror(errno));
			if (n == 0)
				break;
			if (t->nsig >= CKPT_MAX_SIGINFO)
				return dump_refuse(d, t, "more than %d pending signals", CKPT_MAX_SIGINFO);
			s = realloc(t->sig, (t->nsig + 1) * sizeof(*s));
			if (!s)
				return vps_error(d->err, ENOMEM, "dumping");
			t->sig = s;
			s[t->nsig].shared = (uint32_t)shared;
			memcpy(s[t->nsig].info, info, sizeof(info));
			t->nsig++;
		}
	}
	t->m.nsiginfo = t->nsig;
	return 0;
}

/* The three itimers (ITIMER_REAL, _VIRTUAL, _PROF) as getitimer in the task tells them. */
static int read_itimers(struct dumper *d, struct dtask *t, struct ckpt_itimer *it)
{
	uint32_t scratch = ((uint32_t)t->regs.esp - 1024) & ~15u;
	long ret;

	for (int which = 0; which < CKPT_NITIMER; which++) {
		if (inject_syscall(d, t, &ret, SYS_getitimer, which, scratch, 0, 0))
			return -1;
		if (ret < 0)
			return dump_refuse(d, t, "reading itimer %d: %s", which, strerror((int)-ret));
		if (task_mem(d, t, 0, scratch, &it[which], sizeof(it[which])))
			return -1;
	}
	return 0;
}

static uint64_t itimer_us(const struct ckpt_itimer *it)
{
	return (uint64_t)it->value_sec * 1000000 + it->value_usec;
}

/* Pending signals and itimers as one point in time: a timer that expires between reading the
 * timers and reading the signals would lose its signal, so the timers are read again after the
 * signals, and the signals again if one expired meanwhile (its value was reloaded or ran out). */
static int task_signals_timers(struct dumper *d, struct dtask *t)
{
	struct ckpt_itimer again[CKPT_NITIMER];

	for (int round = 0; round < 4; round++) {
		int expired = 0;

		free(t->sig);
		t->sig = NULL;
		t->nsig = 0;
		if (task_signals(d, t) || read_itimers(d, t, again))
			return -1;
		for (int i = 0; i < CKPT_NITIMER; i++)
			if (itimer_us(&t->m.itimer[i]) &&
			    (!itimer_us(&again[i]) || itimer_us(&again[i]) > itimer_us(&t->m.itimer[i])))
				expired = 1;
		memcpy(t->m.itimer, again, sizeof(again));
		if (!expired)
			return 0;
	}
	return dump_refuse(d, t, "its itimers keep expiring while it is dumped");
}

/* A POSIX timer (timer_create) is not kept: refuse it. */
static int task_posix_timers(struct dumper *d, struct dtask *t)
{
	char buf[4096], *id;

	if (dump_read_proc(t->hpid, "timers", buf, sizeof(buf)) < 0)
		return errno == EFBIG ? dump_refuse(d, t, "POSIX timers are not supported") :
			dump_refuse(d, t, "reading its POSIX timers: %s", strerror(errno));
	id = strstr(buf, "ID: ");
	if (id)
		return dump_refuse(d, t, "POSIX timer %ld is not supported", strtol(id + 4, NULL, 10));
	return 0;
}

/* What only the task itself can tell: brk, its sigactions, its alternate signal stack and its
 * itimers. */
static int task_inject(struct dumper *d, struct dtask *t)
{
	uint32_t scratch = ((uint32_t)t->regs.esp - 1024) & ~15u;
	long ret;

	if (inject_syscall(d, t, &ret, SYS_brk, 0, 0, 0, 0))
		return -1;
	t->m.mm[CKPT_MM_BRK] = (uint32_t)ret;
	for (int sig = 1; sig <= 64; sig++) {
		struct ckpt_sigact *a = &t->act.act[sig - 1];
		uint32_t k[5];

		if (t->sig_ign & (1ull << (sig - 1))) {
			a->handler = 1;		/* SIG_IGN */
			continue;
		}
		if (!(t->sig_cgt & (1ull << (sig - 1))))
			continue;		/* SIG_DFL */
		if (inject_syscall(d, t, &ret, SYS_rt_sigaction, sig, 0, scratch, 8))
			return -1;
		if (ret < 0)
			return dump_refuse(d, t, "reading the action of signal %d: %s", sig, strerror((int)-ret));
		if (task_mem(d, t, 0, scratch, k, sizeof(k)))
			return -1;
		a->handler = k[0];
		a->flags = k[1];
		a->restorer = k[2];
		a->mask = k[3] | (uint64_t)k[4] << 32;
	}
	if (read_itimers(d, t, t->m.itimer))
		return -1;
	if (inject_syscall(d, t, &ret, SYS_sigaltstack, 0, scratch, 0, 0))
		return -1;
	if (ret < 0)
		return dump_refuse(d, t, "reading its signal stack: %s", strerror((int)-ret));
	{
		uint32_t ss[3];

		if (task_mem(d, t, 0, scratch, ss, sizeof(ss)))
			return -1;
		t->m.ss_sp = ss[0];
		t->m.ss_flags = ss[1];
		t->m.ss_size = ss[2];
	}
	return 0;
}

static int write_task(struct dumper *d, struct dtask *t)
{
	struct ckpt_task_meta *m = &t->m;
	char data[3 * (CKPT_MAX_PATH + 1)];
	size_t le = strlen(t->exe), lc = strlen(t->cwd);

	m->exe_len = (uint16_t)le;
	m->cwd_len = (uint16_t)lc;
	m->root_len = 1;
	m->nfds = t->nfds;
	memcpy(data, t->exe, le);
	memcpy(data + le, t->cwd, lc);
	data[le + lc] = '/';
	if (d->w->put(d->w->ctx, CKPT_REC_TASK, m, sizeof(*m), data, (uint32_t)(le + lc + 1), d->err))
		return -1;
	d->end.tasks++;
	if (dump_task_mem(d, t, 1))
		return -1;
	if (d->w->put(d->w->ctx, CKPT_REC_SIGACT, &t->act, sizeof(t->act), NULL, 0, d->err))
		return -1;
	for (uint32_t i = 0; i < t->nsig; i++)
		if (d->w->put(d->w->ctx, CKPT_REC_SIGINFO, &t->sig[i], sizeof(t->sig[i]), NULL, 0, d->err))
			return -1;
	for (uint32_t i = 0; i < t->nfds; i++) {
		struct ckpt_fd_meta f = { t->fds[i].fd, t->fds[i].file_id, t->fds[i].cloexec };

		if (d->w->put(d->w->ctx, CKPT_REC_FD, &f, sizeof(f), NULL, 0, d->err))
			return -1;
		d->end.fds++;
	}
	return 0;
}

/* Let every seized task go: killed, or as it was (registers and mask put back). Killed tasks are
 * waited for children first: an init's exit waits for its children, whose exits wait for us. */
static void release(struct dumper *d, int kill_them)
{
	int st;

	for (int i = 0; i < d->n; i++) {
		struct dtask *t = &d->t[i];

		if (!t->seized)
			continue;
		if (kill_them) {
			kill(t->hpid, SIGKILL);
			continue;
		}
		if (t->modified)
			inject_finish(d, t);
		ptrace(PTRACE_DETACH, t->hpid, 0, (void *)(long)t->fwd_sig);
	}
	for (int i = d->n - 1; kill_them && i >= 0; i--)
		while (d->t[i].seized && waitpid(d->t[i].hpid, &st, __WALL) >= 0 && !WIFEXITED(st) && !WIFSIGNALED(st))
			;
}

static void dumper_free(struct dumper *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->t[i].fds);
		free(d->t[i].sig);
	}
	free(d->t);
	free(d->f);
}

/* Every process of the cgroup is a task of the (seized, so no longer forking) tree. */
static int cgroup_all_seized(struct dumper *d, const char *cgroup)
{
	char path[4200], line[32];
	cleanup_fclose FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	f = fopen(path, "re");
	if (!f)
		return vps_error(d->err, errno, "reading `%s`", path);
	while (fgets(line, sizeof(line), f)) {
		pid_t pid = (pid_t)strtol(line, NULL, 10);
		char comm[64] = "?";
		int i;

		for (i = 0; i < d->n && d->t[i].hpid != pid; i++)
			;
		if (i < d->n)
			continue;
		if (dump_read_proc(pid, "comm", comm, sizeof(comm)) > 0)
			comm[strcspn(comm, "\n")] = 0;
		return vps_error(d->err, 0, "process %d (%s): entered from outside (its parent is not in the tree) is not supported",
				 (int)pid, comm);
	}
	return 0;
}

/* cgroup.freeze of the cgroup: 0 or 1 read, or written; -1 with err set. */
static int cgroup_freeze(struct dumper *d, const char *cgroup, int write_it, int value)
{
	char path[4200], c = (char)('0' + value);
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "%s/cgroup.freeze", cgroup);
	fd = open(path, (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0 || (write_it ? write(fd, &c, 1) : read(fd, &c, 1)) != 1)
		return vps_error(d->err, errno, "%s `%s`", write_it ? "writing" : "reading", path);
	return c == '1';
}

int ckpt_dump(pid_t init, unsigned int flags, const struct ckpt_writer *w, struct vps_err *err)
{
	return ckpt_dump_cgroup(init, NULL, flags, w, err);
}

int ckpt_dump_cgroup(pid_t init, const char *cgroup, unsigned int flags, const struct ckpt_writer *w,
		     struct vps_err *err)
{
	struct dumper d = { .w = w, .err = err };
	int rc, frozen = 0;

	/* A frozen cgroup's tasks still stop for the tracer (a trap stop comes before the freezer's),
	 * but an injected call would run into the freezer: once every task is seized the cgroup is
	 * thawed (they stay stopped), and frozen again before they are let go. */
	if (cgroup && (frozen = cgroup_freeze(&d, cgroup, 0, 0)) < 0)
		return -1;
	rc = seize_tree(&d, init);
	if (!rc && cgroup)
		rc = cgroup_all_seized(&d, cgroup);
	if (!rc && frozen)
		rc = cgroup_freeze(&d, cgroup, 1, 0) < 0 ? -1 : 0;
	ckpt_trace("snapst", "cgroup %s: %s", cgroup ? cgroup : "none", frozen ? "frozen, thawed under the tracer" : "not frozen");
	ckpt_trace("snapst", "%d tasks seized: rc %d", d.n, rc);
	for (int i = 0; i < d.n && !rc; i++)
		rc = task_state(&d, &d.t[i]);
	for (int i = 0; i < d.n && !rc; i++)
		rc = dump_task_mem(&d, &d.t[i], 0);
	for (int i = 0; i < d.n && !rc; i++)
		rc = dump_task_fds(&d, &d.t[i]);
	for (int i = 0; i < d.n && !rc; i++)
		rc = task_posix_timers(&d, &d.t[i]);
	ckpt_trace("snapst", "state, memory map and fds read: rc %d", rc);
	for (int i = 0; i < d.n && !rc; i++)
		rc = task_inject(&d, &d.t[i]);
	for (int i = 0; i < d.n && !rc; i++)
		rc = task_signals_timers(&d, &d.t[i]);
	ckpt_trace("snapst", "injected calls, signals and itimers done: rc %d", rc);
	if (!rc)
		rc = dump_write_files(&d);
	for (int i = 0; i < d.n && !rc; i++)
		rc = write_task(&d, &d.t[i]);
	if (!rc)
		rc = w->put(w->ctx, CKPT_REC_END, &d.end, sizeof(d.end), NULL, 0, err);
	if (frozen && cgroup_freeze(&d, cgroup, 1, 1) < 0 && !rc)
		rc = -1;
	release(&d, !rc && (flags & CKPT_DUMP_KILL));
	dumper_free(&d);
	return rc;
}
