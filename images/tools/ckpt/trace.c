/* Tracing of the dump ("snapst") and the restore ("restore"), switched on by VPS_TRACE. */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ckpt_tracing(const char *area)
{
	const char *v = getenv("VPS_TRACE");
	size_t n = strlen(area);

	for (; v && *v; v += strcspn(v, ","), v += *v == ',')
		if (!strncmp(v, area, n) && (v[n] == ',' || !v[n]))
			return 1;
	return 0;
}

void ckpt_trace(const char *area, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (!ckpt_tracing(area))
		return;
	n = snprintf(buf, sizeof(buf), "%s[%d]: ", area, (int)getpid());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
	if (write(2, buf, strlen(buf)) < 0)
		return;
}
