#include "freeze.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cgroup.h"
#include "runtime.h"
#include "util.h"

int vps_freeze(unsigned int id, int frozen, struct vps_err *err)
{
	char path[256], buf[256], want[16];
	long long deadline = now_ms() + VPS_FREEZE_TIMEOUT_MS;
	struct vps_err ignored;
	const char *what = frozen ? "freeze" : "thaw";

	if (vps_cgroup_write(id, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return vps_error_wrap(err, "%s VPS %u", what, id);
	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/cgroup.events", id);
	snprintf(want, sizeof(want), "frozen %d", frozen);
	for (int delay = 1;; delay = delay < 20 ? delay * 2 : 20) {
		if (read_file(path, buf, sizeof(buf), &ignored) < 0)
			return vps_error(err, ignored.errnum, "%s VPS %u: its cgroup `%s` is gone", what, id, path);
		if (strstr(buf, want))
			return 0;
		if (now_ms() >= deadline) {
			/* never leave a half-frozen group behind a failed suspend */
			if (frozen)
				vps_cgroup_write(id, "cgroup.freeze", "0", &ignored);
			return vps_error(err, ETIMEDOUT, "%s VPS %u: `%s` did not say `%s` within %d ms", what, id,
					 path, want, VPS_FREEZE_TIMEOUT_MS);
		}
		sleep_ms(delay);
	}
}
