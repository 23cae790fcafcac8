#include "restorer.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

void restore_fail(struct restorer *r, const struct ckpt_task *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!__atomic_exchange_n(&r->sh->claimed, 1, __ATOMIC_SEQ_CST)) {
		n = snprintf(r->sh->msg, sizeof(r->sh->msg), "restoring process %u (%s): ", t->m.pid, t->m.comm);
		va_start(ap, fmt);
		vsnprintf(r->sh->msg + n, sizeof(r->sh->msg) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	__atomic_add_fetch(&r->sh->failed, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &r->sh->ready, 1 /* FUTEX_WAKE */, 0x7fffffff, NULL, NULL, 0);
	_exit(1);
}
