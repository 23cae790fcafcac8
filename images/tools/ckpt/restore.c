/* The restorer: open the image's files, make the tree in a new pid namespace (each task made
 * by its parent with clone3 and set_tid, sessions and groups as saved), and in each task put
 * back its fds, cwd, rlimits, sigactions, pending signals and bounding set before its memory
 * (restore_mem.c) and the blob take over. The caller waits until every task is ready, then
 * lets them all go at once. */
#include "restore_mem.h"
#include "restorer.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "trace.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static pid_t clone_pid(uint64_t flags, uint32_t pid, uint32_t exit_signal)
{
	struct clone_args a;
	pid_t tid = (pid_t)pid;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.exit_signal = exit_signal;
	if (pid) {
		a.set_tid = (uintptr_t)&tid;
		a.set_tid_size = 1;
	}
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static void restore_task(struct restorer *r, int index) __attribute__((noreturn));

/* Put the task's fds in place from the transport fds, and close everything else. */
static void restore_fds(struct restorer *r, const struct ckpt_task *t)
{
	uint32_t top = TRANSPORT_FD + r->img->nfiles;
	cleanup_free uint8_t *keep = calloc(CKPT_MAX_FDNUM, 1);

	if (!keep)
		restore_fail(r, t, "out of memory");
	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct ckpt_fd *f = &t->fds[i];

		if (dup3((int)(TRANSPORT_FD + f->file), (int)f->m.fd, f->m.cloexec ? O_CLOEXEC : 0) < 0)
			restore_fail(r, t, "fd %u: %s", f->m.fd, strerror(errno));
		keep[f->m.fd] = 1;
	}
	for (uint32_t fd = 0; fd < CKPT_MAX_FDNUM; fd++)
		if (!keep[fd])
			close((int)fd);
	if (syscall(SYS_close_range, TRANSPORT_FD, top + 16, 0) < 0)
		restore_fail(r, t, "closing the image's files: %s", strerror(errno));
}

static void restore_signals(struct restorer *r, const struct ckpt_task *t)
{
	for (int sig = 1; sig <= 64; sig++) {
		const struct ckpt_sigact *a = &t->act.act[sig - 1];
		uint32_t k[5] = { a->handler, a->flags, a->restorer, (uint32_t)a->mask, (uint32_t)(a->mask >> 32) };

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, k, NULL, 8) < 0)
			restore_fail(r, t, "sigaction of signal %d: %s", sig, strerror(errno));
	}
	for (uint32_t i = 0; i < t->nsig; i++) {
		int32_t signo;
		long rc;

		memcpy(&signo, t->sig[i].info, sizeof(signo));
		rc = t->sig[i].shared ? syscall(SYS_rt_sigqueueinfo, getpid(), signo, t->sig[i].info)
				      : syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), signo, t->sig[i].info);
		if (rc < 0)
			restore_fail(r, t, "queueing pending signal %d: %s", signo, strerror(errno));
	}
}

static void restore_creds_prep(struct restorer *r, const struct ckpt_task *t)
{
	for (int cap = 0; cap < 64; cap++) {
		if (t->m.cap_bnd & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			restore_fail(r, t, "dropping capability %d from the bounding set: %s", cap, strerror(errno));
	}
	if (t->m.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		restore_fail(r, t, "no_new_privs: %s", strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		restore_fail(r, t, "keepcaps: %s", strerror(errno));
}

static void restore_task(struct restorer *r, int index)
{
	const struct ckpt_image *img = r->img;
	const struct ckpt_task *t = &img->tasks[index];
	int exe_fd;
	struct stat st;

	if (index == 0 && r->o->mount_proc) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
			restore_fail(r, t, "mounting /proc: %s", strerror(errno));
	}
	if ((uint32_t)getpid() != t->m.pid)
		restore_fail(r, t, "got pid %d", (int)getpid());
	ckpt_trace("restore", "process %u (%s): made, parent %u, session %u, group %u", t->m.pid, t->m.comm,
		   t->m.ppid, t->m.sid, t->m.pgid);
	if (t->m.sid == t->m.pid) {
		if (setsid() < 0)
			restore_fail(r, t, "setsid: %s", strerror(errno));
	} else if (t->m.pgid == t->m.pid) {
		if (setpgid(0, 0) < 0)
			restore_fail(r, t, "setpgid: %s", strerror(errno));
	} else if ((uint32_t)getpgid(0) != t->m.pgid && setpgid(0, (pid_t)t->m.pgid) < 0) {
		restore_fail(r, t, "joining process group %u: %s", t->m.pgid, strerror(errno));
	}
	for (uint32_t j = (uint32_t)index + 1; j < img->ntasks; j++) {
		pid_t pid;

		if (img->tasks[j].parent != index)
			continue;
		pid = clone_pid(0, img->tasks[j].m.pid, img->tasks[j].m.exit_signal);
		if (pid < 0)
			restore_fail(r, t, "making child %u: %s", img->tasks[j].m.pid, strerror(errno));
		if (pid == 0)
			restore_task(r, (int)j);
	}
	restore_fds(r, t);
	if (chdir(t->cwd) < 0)
		restore_fail(r, t, "working directory %s: %s", t->cwd, strerror(errno));
	umask(t->m.umask);
	if (personality(t->m.personality) < 0)
		restore_fail(r, t, "personality: %s", strerror(errno));
	if (prctl(PR_SET_NAME, t->m.comm, 0, 0, 0) < 0)
		restore_fail(r, t, "name: %s", strerror(errno));
	restore_creds_prep(r, t);
	exe_fd = open(t->exe, O_RDONLY | O_CLOEXEC);
	if (exe_fd < 0 || fstat(exe_fd, &st) || !S_ISREG(st.st_mode))
		restore_fail(r, t, "executable %s: %s", t->exe, exe_fd < 0 ? strerror(errno) : "not a regular file");
	{
		struct stat self;

		/* already the restorer's own executable (the kernel refuses to replace an exe that
		 * the saved mappings map again): it stays as it is */
		if (!stat("/proc/self/exe", &self) && self.st_dev == st.st_dev && self.st_ino == st.st_ino) {
			close(exe_fd);
			exe_fd = -1;
		}
	}
	restore_signals(r, t);
	ckpt_trace("restore", "process %u (%s): fds, cwd, creds, signals set; %u VMAs to map", t->m.pid,
		   t->m.comm, t->nvmas);
	restore_memory_and_go(r, index, exe_fd);
}

/* File i of the image as an open file description at TRANSPORT_FD + i. */
static int open_files(const struct ckpt_image *img, struct vps_err *err)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct ckpt_file *f = &img->files[i];
		uint32_t keep = O_ACCMODE | O_APPEND | O_NONBLOCK | O_LARGEFILE | O_DSYNC | O_SYNC | O_NOATIME;
		cleanup_close int fd = -1;
		struct stat st;

		if (f->m.kind == CKPT_FILE_PIPE) {
			int p[2];
			uint32_t j;

			for (j = 0; j < i; j++)
				if (img->files[j].m.kind == CKPT_FILE_PIPE && img->files[j].m.pipe_id == f->m.pipe_id)
					break;
			if (j < i) {		/* the pipe exists: take the end from its twin's */
				fd = -1;
				continue;
			}
			if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[1], F_SETPIPE_SZ, (int)f->m.pipe_size) < 0)
				return vps_error(err, errno, "restoring pipe %u", f->m.pipe_id);
			for (j = i; j < img->nfiles; j++) {
				const struct ckpt_file *e = &img->files[j];

				if (e->m.kind != CKPT_FILE_PIPE || e->m.pipe_id != f->m.pipe_id)
					continue;
				if (e->pipe_data && write(p[1], e->pipe_data, e->pipe_len) != (ssize_t)e->pipe_len)
					return vps_error(err, errno, "restoring the bytes of pipe %u", f->m.pipe_id);
				if (dup3(p[e->m.pipe_end], TRANSPORT_FD + (int)j, O_CLOEXEC) < 0 ||
				    fcntl(TRANSPORT_FD + (int)j, F_SETFL, e->m.flags & O_NONBLOCK) < 0)
					return vps_error(err, errno, "restoring pipe %u", f->m.pipe_id);
			}
			close(p[0]);
			close(p[1]);
			continue;
		}
		fd = open(f->path, (int)(f->m.flags & keep) | O_CLOEXEC | O_NOCTTY |
			  (f->m.kind == CKPT_FILE_DIR ? O_DIRECTORY : 0));
		if (fd < 0)
			return vps_error(err, errno, "restoring open file %s", f->path);
		if (fstat(fd, &st))
			return vps_error(err, errno, "restoring open file %s", f->path);
		if ((f->m.kind == CKPT_FILE_REG && !S_ISREG(st.st_mode)) ||
		    (f->m.kind == CKPT_FILE_DIR && !S_ISDIR(st.st_mode)) ||
		    (f->m.kind == CKPT_FILE_CHR && (!S_ISCHR(st.st_mode) ||
		     (major(st.st_rdev) << 20 | minor(st.st_rdev)) != f->m.rdev)))
			return vps_error(err, 0, "restoring open file %s: it is no longer the same kind of file", f->path);
		if (f->m.kind != CKPT_FILE_CHR && lseek64(fd, (off64_t)f->m.pos, SEEK_SET) < 0)
			return vps_error(err, errno, "restoring the position of %s", f->path);
		if (dup3(fd, TRANSPORT_FD + (int)i, O_CLOEXEC) < 0)
			return vps_error(err, errno, "restoring open file %s", f->path);
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ckpt_restore(const struct ckpt_image *img, const struct ckpt_restore_opts *o, pid_t *init,
		 struct vps_err *err)
{
	struct restorer r = { .img = img, .o = o };
	sigset_t all, old;
	struct rlimit rl, old_nofile;
	uint32_t addr;
	pid_t pid;
	int rc = 0, st;
	long deadline;

	r.shared_len = (sizeof(struct blob_shared) + CKPT_PAGE - 1) & ~(CKPT_PAGE - 1);
	addr = restore_find_hole(img, r.shared_len, err);
	if (!addr)
		return -1;
	r.sh = mmap((void *)(uintptr_t)addr, r.shared_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r.sh == MAP_FAILED)
		return vps_error(err, errno, "restoring: mapping the status page");
	getrlimit(RLIMIT_NOFILE, &old_nofile);
	rl.rlim_cur = rl.rlim_max = TRANSPORT_FD + img->nfiles + 64;
	if (rl.rlim_max < old_nofile.rlim_max)
		rl.rlim_max = old_nofile.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		munmap(r.sh, r.shared_len);
		return vps_error(err, errno, "restoring: raising the fd limit");
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	ckpt_trace("restore", "%u tasks, %u files; status page at %#x", img->ntasks, img->nfiles, addr);
	if (open_files(img, err) < 0) {
		rc = -1;
		goto out;
	}
	ckpt_trace("restore", "files opened");
	pid = clone_pid(CLONE_NEWPID, 0, SIGCHLD);
	if (pid < 0) {
		rc = vps_error(err, errno, "restoring: making the pid namespace");
		goto out;
	}
	if (pid == 0)
		restore_task(&r, 0);

	deadline = now_ms() + (o->timeout_ms ? o->timeout_ms : 10000);
	for (;;) {
		int32_t ready = __atomic_load_n(&r.sh->ready, __ATOMIC_SEQ_CST);
		struct timespec ts = { 0, 50 * 1000000 };

		if (r.sh->failed || waitpid(pid, &st, WNOHANG) == pid) {
			if (r.sh->claimed) {
				rc = vps_error(err, 0, "%s", r.sh->msg);
			} else {
				rc = vps_error(err, 0, "restoring: a process died before it was ready");
				for (uint32_t i = 0; i < img->ntasks; i++)
					if (r.sh->task[i].step)
						rc = vps_error(err, r.sh->task[i].err, "restoring process %u (%s): step %d",
							       img->tasks[i].m.pid, img->tasks[i].m.comm, r.sh->task[i].step);
			}
			break;
		}
		if ((uint32_t)ready == img->ntasks)
			break;
		if (now_ms() > deadline) {
			rc = vps_error(err, 0, "restoring: %d of %u processes ready after %d ms", ready, img->ntasks,
				       o->timeout_ms ? o->timeout_ms : 10000);
			break;
		}
		syscall(SYS_futex, &r.sh->ready, 0 /* FUTEX_WAIT */, ready, &ts, NULL, 0);
	}
	ckpt_trace("restore", "%s", rc ? err->msg : "every task ready: go");
	__atomic_store_n(&r.sh->go, rc ? -1 : 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &r.sh->go, 1 /* FUTEX_WAKE */, 0x7fffffff, NULL, NULL, 0);
	if (rc) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	} else {
		*init = pid;
	}
out:
	close_range(TRANSPORT_FD, TRANSPORT_FD + img->nfiles + 16, 0);
	setrlimit(RLIMIT_NOFILE, &old_nofile);
	sigprocmask(SIG_SETMASK, &old, NULL);
	munmap(r.sh, r.shared_len);
	return rc;
}
