/* Stopping a VPS: TERM to the services, then kill what is left, then tear down. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "lifecycle.h"
#include "runtime.h"
#include "teardown.h"
#include "util.h"

#define STOP_GRACE_MS 1500

/* SIGTERM to every process of the VPS but its init, then wait until only init (or nothing) is
 * left. busybox init never exits on SIGTERM in a pid namespace (its reboot() is refused), so
 * waiting for init would always cost the whole grace time; services get their TERM instead. */
static void terminate_services(unsigned int id, pid_t init_pid)
{
	char path[256], buf[8192];
	struct vps_err ignored;
	long long deadline = now_ms() + STOP_GRACE_MS;
	int others;

	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/" VPS_CGROUP_LEAF "/cgroup.procs", id);
	do {
		others = 0;
		if (read_file(path, buf, sizeof(buf), &ignored) < 0)
			return;
		for (char *p = buf; *p;) {
			char *end;
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0 && pid != init_pid) {
				kill((pid_t)pid, SIGTERM);
				others++;
			}
			p = end;
		}
		if (others)
			sleep_ms(20);
	} while (others && now_ms() < deadline);
}

int vps_stop_how(unsigned int id, int graceful, struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	struct vps_err ignored;

	vps_runtime_read(id, &rt);
	if (rt.state == VPS_STOPPED)
		return vps_error(err, 0, "VPS %u is not running", id);
	/* Without its config we still know every default path; a custom FSROOT needs the file. */
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	if (cfg.network_revoke[0]) {
		char e1[32];
		char *env[] = { e1, NULL };
		snprintf(e1, sizeof(e1), "VPS_ID=%u", id);
		if (run_shell("NETWORK_REVOKE", cfg.network_revoke, env, err) < 0)
			vps_error_print("vpsctl: warning", err);
	}
	/* A frozen group cannot act on TERM; thaw it so INIT can shut down. */
	if (graceful && rt.state == VPS_SUSPENDED) {
		char path[256];
		snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/cgroup.freeze", id);
		write_file(path, "0", &ignored);
	}
	if (graceful)
		terminate_services(id, rt.init_pid);
	if (vps_teardown(&cfg, err) < 0)
		return vps_error_wrap(err, "stop VPS %u", id);
	return 0;
}

int vps_stop(unsigned int id, struct vps_err *err)
{
	return vps_stop_how(id, 1, err);
}
