/* What config.c (the file: keys, lines, writing) and config_values.c (the values) share: blanks,
 * a value quoted for a message, and the value checks the writer repeats. */
#ifndef VPS_CONFIG_GRAMMAR_H
#define VPS_CONFIG_GRAMMAR_H

#include <string.h>
#include "config.h"

#define CONFIG_SHOW_MAX 96

/* A value quoted for an error message: escaped, cut after CONFIG_SHOW_MAX bytes. */
struct shown {
	char s[CONFIG_SHOW_MAX * 4 + 8];
};

const char *config_show(struct shown *b, const char *s);
#define Q(s) config_show(&(struct shown){ { 0 } }, (s))

static inline int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static inline char *skip_space(char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

static inline void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
}

/* NAME: 1 to 63 of [A-Za-z0-9._-], starting with a letter or digit. */
int config_check_name(const char *v, struct vps_err *err);
/* FSROOT, FSROOT_PRIV: absolute, not "/", no ".." component. */
int config_check_path(const char *v, struct vps_err *err);
/* A limit the parser would take: soft not above hard, pctcpu within its range. */
int config_check_limit(enum vps_resource r, const struct vps_limit *l, struct vps_err *err);

#endif
