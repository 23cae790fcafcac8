/* Parsers of /proc/PID/{maps,stat,status,fdinfo/N}: strict, so a format they do not know
 * is an error rather than a wrong value. */
#include "proc_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* An unsigned number in base at *p, advancing *p; -1 if none or out of range. */
static int num(const char **p, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!((**p >= '0' && **p <= '9') || (base == 16 && strchr("abcdefABCDEF", **p) && **p)))
		return -1;
	errno = 0;
	v = strtoull(*p, &end, base);
	if (errno || end == *p || v > max)
		return -1;
	*p = end;
	*out = v;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int ckpt_parse_maps_line(const char *line, struct ckpt_map *m)
{
	const char *p = line;
	uint64_t v[6];
	size_t n;

	memset(m, 0, sizeof(*m));
	if (num(&p, 16, UINT32_MAX, &v[0]) || expect(&p, '-') || num(&p, 16, UINT32_MAX, &v[1]) ||
	    expect(&p, ' '))
		return -1;
	for (int i = 0; i < 4; i++)
		m->perms[i] = *p ? *p++ : 0;
	if (strspn(m->perms, "r-") < 1 || !strchr("r-", m->perms[0]) || !strchr("w-", m->perms[1]) ||
	    !strchr("x-", m->perms[2]) || !strchr("ps", m->perms[3]) || expect(&p, ' ') ||
	    num(&p, 16, UINT64_MAX, &v[2]) || expect(&p, ' ') || num(&p, 16, 0xfff, &v[3]) ||
	    expect(&p, ':') || num(&p, 16, 0xfffff, &v[4]) || expect(&p, ' ') ||
	    num(&p, 10, UINT64_MAX, &v[5]))
		return -1;
	if (v[0] >= v[1])
		return -1;
	m->start = (uint32_t)v[0];
	m->end = (uint32_t)v[1];
	m->offset = v[2];
	m->dev_major = (uint32_t)v[3];
	m->dev_minor = (uint32_t)v[4];
	m->inode = v[5];
	if (*p != ' ' && *p != '\n' && *p)
		return -1;
	p += strspn(p, " ");
	n = strcspn(p, "\n");
	if (n >= sizeof(m->path) || (p[n] == '\n' && p[n + 1]))
		return -1;
	memcpy(m->path, p, n);
	m->path[n] = 0;
	return 0;
}

int ckpt_parse_stat(const char *buf, struct ckpt_stat *s)
{
	const char *p = strrchr(buf, ')');
	uint64_t v;
	int field = 3;

	memset(s, 0, sizeof(*s));
	if (!p || !strchr(buf, '(') || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	s->state = p[2];
	p += 3;
	for (field = 4; field <= 52; field++) {
		if (expect(&p, ' '))
			return -1;
		if (*p == '-') {	/* signed fields (priority, nice, ...): not ones we keep */
			p++;
			if (num(&p, 10, UINT64_MAX, &v))
				return -1;
			if (field == 20 || field == 38 || (field >= 26 && field <= 28) || field >= 45)
				return -1;
			continue;
		}
		if (num(&p, 10, UINT64_MAX, &v))
			return -1;
		if (((field >= 26 && field <= 28) || (field >= 45 && field <= 51)) && v > UINT32_MAX)
			return -1;
		if (field == 20)
			s->num_threads = (uint32_t)v;
		else if (field == 26 || field == 27)
			s->mm_code[field - 26] = (uint32_t)v;
		else if (field == 28)
			s->start_stack = (uint32_t)v;
		else if (field == 38)
			s->exit_signal = (uint32_t)v;
		else if (field >= 45 && field <= 51)
			s->mm_data[field - 45] = (uint32_t)v;
	}
	return *p == '\n' || !*p ? 0 : -1;
}

/* The value after "Name:\t" on the line starting at line, if the line is that field. */
static const char *field(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) || line[n] != ':')
		return NULL;
	return line + n + 1 + strspn(line + n + 1, " \t");
}

static int ids(const char *p, uint32_t *out, int count)
{
	uint64_t v;

	for (int i = 0; i < count; i++) {
		p += strspn(p, " \t");
		if (num(&p, 10, UINT32_MAX, &v))
			return -1;
		out[i] = (uint32_t)v;
	}
	p += strspn(p, " \t");
	return *p == '\n' || !*p ? 0 : -1;
}

/* A list of decimals (NSpid, Groups): their count, the last one; -1 if malformed. */
static int id_list(const char *p, uint32_t *list, uint32_t max, uint32_t *count, int *overflow)
{
	uint64_t v;

	*count = 0;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\n' || !*p)
			return 0;
		if (num(&p, 10, UINT32_MAX, &v))
			return -1;
		if (*count < max)
			list[*count] = (uint32_t)v;
		else if (overflow)
			*overflow = 1;
		else
			return -1;
		(*count)++;
	}
}

static int hex64(const char *p, uint64_t *out)
{
	return num(&p, 16, UINT64_MAX, out) || (*p != '\n' && *p) ? -1 : 0;
}

static int dec32(const char *p, uint32_t *out, int base)
{
	uint64_t v;

	if (num(&p, base, UINT32_MAX, &v) || (*p != '\n' && *p))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int ckpt_parse_status(const char *buf, struct ckpt_status *s)
{
	uint32_t list[8], n;
	const char *line, *v;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	for (line = buf; *line && !rc; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		if ((v = field(line, "Uid"))) {
			rc = ids(v, s->uid, 4), s->seen |= 1 << 0;
		} else if ((v = field(line, "Gid"))) {
			rc = ids(v, s->gid, 4), s->seen |= 1 << 1;
		} else if ((v = field(line, "Groups"))) {
			rc = id_list(v, s->groups, 32, &s->ngroups, &s->groups_overflow), s->seen |= 1 << 2;
		} else if ((v = field(line, "NSpid"))) {
			rc = id_list(v, list, 8, &n, NULL), s->seen |= 1 << 3;
			if (!rc && n) {
				s->nspid_depth = n;
				s->nspid = list[n - 1];
			}
		} else if ((v = field(line, "NSpgid"))) {
			rc = id_list(v, list, 8, &n, NULL), s->seen |= 1 << 4;
			s->nspgid = !rc && n ? list[n - 1] : 0;
		} else if ((v = field(line, "NSsid"))) {
			rc = id_list(v, list, 8, &n, NULL), s->seen |= 1 << 5;
			s->nssid = !rc && n ? list[n - 1] : 0;
		} else if ((v = field(line, "Umask"))) {
			rc = dec32(v, &s->umask, 8), s->seen |= 1 << 6;
		} else if ((v = field(line, "CapInh"))) {
			rc = hex64(v, &s->cap_inh), s->seen |= 1 << 7;
		} else if ((v = field(line, "CapPrm"))) {
			rc = hex64(v, &s->cap_prm), s->seen |= 1 << 8;
		} else if ((v = field(line, "CapEff"))) {
			rc = hex64(v, &s->cap_eff), s->seen |= 1 << 9;
		} else if ((v = field(line, "CapBnd"))) {
			rc = hex64(v, &s->cap_bnd), s->seen |= 1 << 10;
		} else if ((v = field(line, "CapAmb"))) {
			rc = hex64(v, &s->cap_amb), s->seen |= 1 << 11;
		} else if ((v = field(line, "SigPnd"))) {
			rc = hex64(v, &s->sig_pnd), s->seen |= 1 << 12;
		} else if ((v = field(line, "ShdPnd"))) {
			rc = hex64(v, &s->shd_pnd), s->seen |= 1 << 13;
		} else if ((v = field(line, "SigBlk"))) {
			rc = hex64(v, &s->sig_blk);
		} else if ((v = field(line, "SigIgn"))) {
			rc = hex64(v, &s->sig_ign);
		} else if ((v = field(line, "SigCgt"))) {
			rc = hex64(v, &s->sig_cgt);
		} else if ((v = field(line, "NoNewPrivs"))) {
			rc = dec32(v, &s->no_new_privs, 10);
		} else if ((v = field(line, "Seccomp"))) {
			rc = dec32(v, &s->seccomp, 10);
		} else if ((v = field(line, "Threads"))) {
			rc = dec32(v, &s->threads, 10);
		}
	}
	if (rc || s->seen != CKPT_STATUS_ALL)
		return -1;
	return 0;
}

int ckpt_parse_fdinfo(const char *buf, uint64_t *pos, uint32_t *flags)
{
	const char *line, *v;
	int have = 0;

	for (line = buf; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		if ((v = field(line, "pos"))) {
			if (num(&v, 10, INT64_MAX, pos) || (*v != '\n' && *v))
				return -1;
			have |= 1;
		} else if ((v = field(line, "flags"))) {
			if (dec32(v, flags, 8))
				return -1;
			have |= 2;
		}
	}
	return have == 3 ? 0 : -1;
}
