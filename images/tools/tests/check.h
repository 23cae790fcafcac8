/* The native tests' bookkeeping: named results or CHECK()s, and one closing line
 * "N passed, M failed" (what CI reads), exit status 1 on any failure. */
#ifndef VPS_TESTS_CHECK_H
#define VPS_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

/* A named test's outcome: fail_fmt NULL means it passed. */
static void result(const char *name, const char *fail_fmt, ...) __attribute__((format(printf, 2, 3), unused));
static void result(const char *name, const char *fail_fmt, ...)
{
	va_list ap;

	if (!fail_fmt) {
		printf("ok   %s\n", name);
		passed++;
		return;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fail_fmt);
	vprintf(fail_fmt, ap);
	va_end(ap);
	putchar('\n');
	failed++;
}

/* One assertion: counted, and reported with its place when it fails. */
#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		fprintf(stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static int __attribute__((unused)) check_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
