/* Moving a VPS to another lab host, the source's side (MIGRATE.md): freeze it, stream its
 * snapshot to `vpsctl receive` on the other host, and once that host runs it, remove the local
 * copy. Until the target's signed OK arrives every failure thaws the VPS here, so it runs on
 * exactly one host. */
#include "migrate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "freeze.h"
#include "lab_key.h"
#include "lifecycle.h"
#include "mig_client.h"
#include "snapio.h"
#include "util.h"

#define CONNECT_TIMEOUT_MS 5000
/* Longest silence from the target: while it restores and starts the VPS. */
#define REPLY_TIMEOUT_MS 60000

/* What the child that writes the snapshot reports back (shared memory). */
struct producer {
	int done, rc;		/* done: the writer finished by itself, with rc */
	uint64_t entries, bytes;
	struct vps_err err;
};

/* The snapshot, written by a child into a pipe, goes out framed and signed; then the reply.
 * 0 on a signed OK, 1 when the target refused (c->refusal), -1 with err. */
static int send_and_wait(struct mig_client *c, unsigned int id, enum vps_state state, uint64_t *entries,
			 long *target_ms, struct vps_err *err)
{
	struct producer *p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pipefd[2], rc, status;
	pid_t child;

	if (p == MAP_FAILED)
		return vps_error(err, errno, "send VPS %u: mmap", id);
	p->rc = -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		munmap(p, sizeof(*p));
		return vps_error(err, errno, "send VPS %u: pipe", id);
	}
	child = fork();
	if (child == 0) {
		close(pipefd[0]);
		p->rc = vps_snapshot_to_fd(id, pipefd[1], state, &p->entries, &p->bytes, &p->err);
		p->done = 1;
		_exit(p->rc < 0);
	}
	close(pipefd[1]);
	if (child < 0) {
		close(pipefd[0]);
		munmap(p, sizeof(*p));
		return vps_error(err, errno, "send VPS %u: fork", id);
	}
	rc = mig_client_send(c, pipefd[0], target_ms, err);
	close(pipefd[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !p->done)	/* cannot be: the stream ended, so the writer did */
		rc = vps_error(err, 0, "send VPS %u: the snapshot writer died", id);
	else if (p->done && p->rc < 0) {	/* its own error explains a short stream best */
		*err = p->err;
		rc = -1;
	}
	*entries = p->entries;
	munmap(p, sizeof(*p));
	return rc;
}

int vps_migrate(unsigned int id, const struct in_addr *target, struct vps_migration *m, struct vps_err *err)
{
	struct vps_err ignored;
	struct mig_client c = { .fd = -1 };
	struct vps_config cfg;
	struct vps_runtime rt;
	char ip[INET_ADDRSTRLEN];
	long long t0 = now_ms(), thawed_ms;
	int froze = 0, rc;
	sigset_t old;

	memset(m, 0, sizeof(*m));
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return vps_error_wrap(err, "migrate");
	inet_ntop(AF_INET, target, ip, sizeof(ip));
	vps_runtime_read(id, &rt);
	m->state = rt.state;
	rc = mig_client_open(&c, LAB_KEY_PATH, target, MIG_PORT, id, m->state, CONNECT_TIMEOUT_MS, REPLY_TIMEOUT_MS,
			     err);
	if (rc != 0) {
		if (rc == 1)
			vps_error(err, 0, "the target refused: %s", c.refusal);
		if (c.fd >= 0)
			close(c.fd);
		return vps_error_wrap(err, "migrate VPS %u: nothing changed", id);
	}
	hold_signals(&old);
	if (m->state == VPS_RUNNING) {
		if (vps_freeze(id, 1, err) < 0)
			goto keep;
		froze = 1;
	}
	rc = send_and_wait(&c, id, m->state, &m->entries, &m->target_ms, err);
	if (rc == 1)
		vps_error(err, 0, "the target refused: %s", c.refusal);
	if (rc != 0)
		goto keep;
	/* The target runs it now; unless it hears COMMIT it stops its copy again (MIGRATE.md). */
	if (mig_client_commit(&c, err) < 0)
		goto keep;
	close(c.fd);
	m->bytes = c.sent;
	if (m->state != VPS_STOPPED && vps_stop_how(id, 0, err) < 0)
		goto leftover;
	if (vps_destroy(id, err) < 0)
		goto leftover;
	sigprocmask(SIG_SETMASK, &old, NULL);
	m->total_ms = now_ms() - t0;
	return 0;
leftover:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return vps_error_wrap(err, "VPS %u now runs on %s, but removing its copy here failed (remove it with `vpsctl "
			      "stop %u; vpsctl destroy %u`)", id, ip, id, id);
keep:
	close(c.fd);
	thawed_ms = now_ms();
	if (froze && vps_freeze(id, 0, &ignored) < 0)
		vps_error_print("vpsctl: warning", &ignored);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return vps_error_wrap(err, "migrate VPS %u to %s: VPS %u stays here, %s after %lld ms", id, ip, id,
			      m->state == VPS_STOPPED ? "unchanged" : m->state == VPS_RUNNING ? "running again" :
			      "still suspended", thawed_ms - t0);
}
