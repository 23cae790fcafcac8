/* vpsctl migrate <id> <lab host>: freeze the VPS, stream its snapshot to `vpsctl receive` on the
 * other host, and once that host runs it, remove the local copy (MIGRATE.md). Until the target's
 * OK arrives every failure thaws the VPS here, so it runs on exactly one host. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "commands.h"
#include "freeze.h"
#include "lifecycle.h"
#include "migrate_proto.h"
#include "net_conn.h"
#include "runtime.h"
#include "snapio.h"
#include "util.h"

#define CONNECT_TIMEOUT_MS 5000
/* Longest silence from the target: while it restores and starts the VPS. */
#define REPLY_TIMEOUT_MS 60000

struct transfer {
	unsigned int id;
	enum vps_state state;
	uint64_t entries, bytes;
	long target_ms;		/* the target's restore-and-start time, from its OK */
	char refusal[MIG_LINE_MAX];	/* the target's ERR text */
};

/* Header, snapshot, then the target's reply: 0 on OK, 1 when the target refused (t->refusal), -1
 * with err when the connection failed. The VPS is frozen (or stopped) meanwhile. */
static int send_and_wait(int fd, struct transfer *t, struct vps_err *err)
{
	char line[MIG_LINE_MAX];

	if (mig_header_format(line, sizeof(line), t->id, t->state) == 0 ||
	    mig_write_line(fd, line, "the migration header", err) < 0 ||
	    vps_snapshot_to_fd(t->id, fd, t->state, &t->entries, &t->bytes, err) < 0 ||
	    mig_read_line(fd, line, sizeof(line), "the target's reply", err) < 0)
		return -1;
	return mig_reply_parse(line, &t->target_ms, t->refusal, sizeof(t->refusal), err);
}

int cmd_migrate(int argc, char **argv)
{
	struct vps_err err = { 0 }, ignored;
	struct transfer t = { 0 };
	struct vps_config cfg;
	struct vps_runtime rt;
	struct in_addr target;
	char ip[INET_ADDRSTRLEN];
	long long t0 = now_ms(), thawed_ms;
	int froze = 0, rc;
	cleanup_close int fd = -1;
	sigset_t old;

	if (argc != 3)
		return usage_error("migrate", "expects an id and a lab host (" MIG_LAN_PREFIX "N or hostN)");
	if (vps_parse_id(argv[1], &t.id, &err) < 0 || mig_host_parse(argv[2], &target, &err) < 0 ||
	    vps_load_config(t.id, NULL, &cfg, &err) < 0) {
		vps_error_wrap(&err, "migrate");
		return fail(&err);
	}
	inet_ntop(AF_INET, &target, ip, sizeof(ip));
	vps_runtime_read(t.id, &rt);
	t.state = rt.state;
	fd = tcp_connect(&target, MIG_PORT, CONNECT_TIMEOUT_MS, &err);
	if (fd < 0 || socket_timeouts(fd, REPLY_TIMEOUT_MS, &err) < 0) {
		vps_error_wrap(&err, "migrate VPS %u: nothing changed", t.id);
		return fail(&err);
	}
	hold_signals(&old);
	if (t.state == VPS_RUNNING) {
		if (vps_freeze(t.id, 1, &err) < 0)
			goto keep;
		froze = 1;
	}
	rc = send_and_wait(fd, &t, &err);
	if (rc == 1)
		vps_error(&err, 0, "the target refused: %s", t.refusal);
	if (rc != 0)
		goto keep;
	/* The target runs it now; unless it hears COMMIT it stops its copy again (MIGRATE.md). */
	if (mig_write_line(fd, "COMMIT\n", "the commit", &err) < 0)
		goto keep;
	if (t.state != VPS_STOPPED && vps_stop_how(t.id, 0, &err) < 0)
		goto leftover;
	if (vps_destroy(t.id, &err) < 0)
		goto leftover;
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("VPS %u migrated to %s in %lld ms: %llu objects, %llu bytes; %s there after %ld ms\n", t.id, ip,
	       now_ms() - t0, (unsigned long long)t.entries, (unsigned long long)t.bytes,
	       t.state == VPS_STOPPED ? "restored (stopped)" : t.state == VPS_RUNNING ? "running" : "suspended",
	       t.target_ms);
	return 0;
leftover:
	sigprocmask(SIG_SETMASK, &old, NULL);
	vps_error_wrap(&err, "VPS %u now runs on %s, but removing its copy here failed (remove it with `vpsctl "
		       "stop %u; vpsctl destroy %u`)", t.id, ip, t.id, t.id);
	return fail(&err);
keep:
	thawed_ms = now_ms();
	if (froze && vps_freeze(t.id, 0, &ignored) < 0)
		fprintf(stderr, "vpsctl: warning: %s\n", ignored.msg);
	sigprocmask(SIG_SETMASK, &old, NULL);
	vps_error_wrap(&err, "migrate VPS %u to %s: VPS %u stays here, %s after %lld ms", t.id, ip, t.id,
		       t.state == VPS_STOPPED ? "unchanged" : t.state == VPS_RUNNING ? "running again" : "still suspended",
		       thawed_ms - t0);
	return fail(&err);
}
