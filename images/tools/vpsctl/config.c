/* /etc/vps/vps_<ID>.conf: "name = value" lines; every error names the file and the line. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "config.h"
#include "caps.h"
#include "../common/cleanup.h"
#include "../common/fileio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096
#define PCTCPU_MAX (100 * 64)	/* 100 per CPU, up to 64 CPUs */
#define SHOW_MAX 96

/* A value quoted for an error message: escaped, cut after SHOW_MAX bytes. */
struct shown {
	char s[SHOW_MAX * 4 + 8];
};

static const char *show(struct shown *b, const char *s)
{
	char *o = b->s;
	size_t i;

	*o++ = '"';
	for (i = 0; s[i] && i < SHOW_MAX; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = c;
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = c;
		}
	}
	if (s[i])
		o = stpcpy(o, "...");
	*o++ = '"';
	*o = '\0';
	return b->s;
}

#define Q(s) show(&(struct shown){ { 0 } }, (s))

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char *skip_space(char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
}

/* Leading and trailing blanks off, in place. */
static char *trim(char *s)
{
	s = skip_space(s);
	trim_end(s);
	return s;
}

/* ---- resources and limit values ---- */

enum unit { U_BYTES, U_BITS, U_COUNT, U_PERCENT };

static const struct {
	const char *name;
	enum unit unit;
} resources[RES_COUNT] = {
	[RES_PHYS] = { "phys", U_BYTES },
	[RES_VIRT] = { "virt", U_BYTES },
	[RES_PCTCPU] = { "pctcpu", U_PERCENT },
	[RES_BLOCKIO] = { "blockio", U_BYTES },
	[RES_THREADS] = { "threads", U_COUNT },
	[RES_PROCS] = { "procs", U_COUNT },
	[RES_DISK] = { "disk", U_BYTES },
	[RES_FILES] = { "files", U_COUNT },
	[RES_TCPSOCK] = { "tcpsock", U_COUNT },
	[RES_NETSPEED] = { "netspeed", U_BITS },
};

const char *vps_resource_name(enum vps_resource r)
{
	return (unsigned int)r < RES_COUNT ? resources[r].name : "unknown";
}

static int resource_lookup(const char *name)
{
	int r;

	for (r = 0; r < RES_COUNT; r++)
		if (strcasecmp(resources[r].name, name) == 0)
			return r;
	return -1;
}

/* "64M" (powers of 1024) for bytes, "10m" (powers of 1000) for bits/s, digits otherwise. */
static int parse_limit_value(enum vps_resource r, const char *s, uint64_t *out, struct vps_err *err)
{
	enum unit unit = resources[r].unit;
	const char *p = s, *sfx;
	uint64_t n = 0, mult = 1;
	int i;

	if (strcasecmp(s, "unlimited") == 0) {
		*out = VPS_UNLIMITED;
		return 0;
	}
	if (!is_digit(*p))
		goto bad;
	for (; is_digit(*p); p++) {
		unsigned int d = *p - '0';

		if (n > (UINT64_MAX - d) / 10)
			goto too_large;
		n = n * 10 + d;
	}
	if (unit == U_BYTES) {
		if (*p && (sfx = strchr("KMGT", *p & ~0x20))) {
			for (i = 0; i <= sfx - "KMGT"; i++)
				mult *= 1024;
			p++;
		}
		if (*p == 'B' || *p == 'b')
			p++;
	} else if (unit == U_BITS) {
		if (*p && (sfx = strchr("KMG", *p & ~0x20))) {
			for (i = 0; i <= sfx - "KMG"; i++)
				mult *= 1000;
			p++;
		}
	}
	if (*p)
		goto bad;
	if (n > (UINT64_MAX - 1) / mult)
		goto too_large;
	n *= mult;
	if (n == VPS_UNLIMITED)
		goto too_large;
	if (unit == U_PERCENT && (n < 1 || n > PCTCPU_MAX))
		goto bad;
	*out = n;
	return 0;

too_large:
	return vps_error(err, 0, "%s: %s is too large", resources[r].name, Q(s));
bad:
	switch (unit) {
	case U_BYTES:
		return vps_error(err, 0, "%s: %s is not a size (a whole number with an optional K, M, G or T suffix, or \"unlimited\")",
				 resources[r].name, Q(s));
	case U_BITS:
		return vps_error(err, 0, "%s: %s is not a rate in bits/s (a whole number with an optional k, m or g suffix, or \"unlimited\")",
				 resources[r].name, Q(s));
	case U_PERCENT:
		return vps_error(err, 0, "%s: %s is not a percentage from 1 to %d (100 per CPU) or \"unlimited\"",
				 resources[r].name, Q(s), PCTCPU_MAX);
	default:
		return vps_error(err, 0, "%s: %s is not a count (a whole number or \"unlimited\")",
				 resources[r].name, Q(s));
	}
}

void vps_limit_value_format(enum vps_resource r, uint64_t v, char *buf, size_t len)
{
	static const char bytes[] = "KMGT", bits[] = "kmg";
	uint64_t unit;
	int i;

	if (v == VPS_UNLIMITED) {
		snprintf(buf, len, "unlimited");
		return;
	}
	if ((unsigned int)r < RES_COUNT && resources[r].unit == U_BYTES) {
		for (i = 3; i >= 0; i--) {
			unit = 1ULL << (10 * (i + 1));
			if (v && v % unit == 0) {
				snprintf(buf, len, "%" PRIu64 "%c", v / unit, bytes[i]);
				return;
			}
		}
	} else if ((unsigned int)r < RES_COUNT && resources[r].unit == U_BITS) {
		for (i = 2; i >= 0; i--) {
			unit = i == 2 ? 1000000000ULL : i == 1 ? 1000000ULL : 1000ULL;
			if (v && v % unit == 0) {
				snprintf(buf, len, "%" PRIu64 "%c", v / unit, bits[i]);
				return;
			}
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

/* Split list at commas into trimmed items; calls fn for each. An empty list has no items. */
static int for_each_item(const char *list, int (*fn)(char *item, void *ctx, struct vps_err *err),
			 void *ctx, struct vps_err *err)
{
	cleanup_free char *copy = strdup(list);
	char *p, *end, *item;
	int last;

	if (!copy)
		return vps_error(err, errno, "copy list %s", Q(list));
	p = trim(copy);
	if (*p == '\0')
		return 0;
	for (;;) {
		end = p + strcspn(p, ",");
		last = *end == '\0';

		*end = '\0';
		item = trim(p);
		if (*item == '\0')
			return vps_error(err, 0, "empty entry in %s", Q(list));
		if (fn(item, ctx, err) < 0)
			return -1;
		if (last)
			return 0;
		p = end + 1;
	}
}

struct limits_ctx {
	struct vps_limit limits[RES_COUNT];
};

static int parse_limit_item(char *item, void *ctx, struct vps_err *err)
{
	struct limits_ctx *lc = ctx;
	char *name = item, *soft, *hard;
	struct vps_limit l = { .set = 1 };
	int r;

	soft = strchr(item, ':');
	hard = soft ? strchr(soft + 1, ':') : NULL;
	if (!hard || strchr(hard + 1, ':'))
		return vps_error(err, 0, "%s is not resource:soft:hard", Q(item));
	*soft++ = '\0';
	*hard++ = '\0';
	name = trim(name);
	soft = trim(soft);
	hard = trim(hard);
	r = resource_lookup(name);
	if (r < 0)
		return vps_error(err, 0, "unknown resource %s (resources: phys, virt, pctcpu, blockio, threads, procs, disk, files, tcpsock, netspeed)",
				 Q(name));
	if (lc->limits[r].set)
		return vps_error(err, 0, "%s is given twice", resources[r].name);
	if (parse_limit_value(r, soft, &l.soft, err) < 0 || parse_limit_value(r, hard, &l.hard, err) < 0)
		return -1;
	if (l.soft > l.hard)
		return vps_error(err, 0, "%s: soft limit %s is above hard limit %s", resources[r].name, soft, hard);
	lc->limits[r] = l;
	return 0;
}

int vps_parse_limits(const char *list, struct vps_config *cfg, struct vps_err *err)
{
	struct limits_ctx lc = { 0 };
	int r;

	if (for_each_item(list, parse_limit_item, &lc, err) < 0)
		return -1;
	for (r = 0; r < RES_COUNT; r++)
		if (lc.limits[r].set)
			cfg->limits[r] = lc.limits[r];
	return 0;
}

/* ---- addresses ---- */

static int parse_ipnet(const char *item, struct vps_ipnet *n, struct vps_err *err)
{
	const char *slash = strchr(item, '/'), *p;
	size_t alen = slash ? (size_t)(slash - item) : strlen(item);
	char addr[64];
	struct in_addr mask;
	uint32_t m;
	int max, v;

	memset(n, 0, sizeof(*n));
	if (alen >= sizeof(addr))
		return vps_error(err, 0, "%s is not an IPv4 or IPv6 address", Q(item));
	memcpy(addr, item, alen);
	addr[alen] = '\0';
	n->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	max = n->family == AF_INET6 ? 128 : 32;
	if (inet_pton(n->family, addr, n->addr) != 1)
		return vps_error(err, 0, "%s is not an IPv4 or IPv6 address", Q(item));
	if (!slash) {
		n->prefix = max;
		return 0;
	}
	p = slash + 1;
	if (*p == '\0')
		return vps_error(err, 0, "%s: prefix length missing after \"/\"", Q(item));
	if (strspn(p, "0123456789") == strlen(p) && strlen(p) <= 3) {
		v = atoi(p);
		if (v > max)
			return vps_error(err, 0, "%s: prefix length must be from 0 to %d", Q(item), max);
		n->prefix = v;
		return 0;
	}
	if (n->family == AF_INET && inet_pton(AF_INET, p, &mask) == 1) {
		m = ntohl(mask.s_addr);
		if (~m & (~m + 1))
			return vps_error(err, 0, "%s: netmask %s is not contiguous", Q(item), p);
		n->prefix = __builtin_popcount(m);
		return 0;
	}
	if (n->family == AF_INET)
		return vps_error(err, 0, "%s: %s is not a prefix length or a netmask", Q(item), Q(p));
	return vps_error(err, 0, "%s: %s is not a prefix length", Q(item), Q(p));
}

void vps_ipnet_format(const struct vps_ipnet *n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if ((n->family != AF_INET && n->family != AF_INET6) || !inet_ntop(n->family, n->addr, a, sizeof(a)))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s/%d", a, n->prefix);
}

struct ipnets_ctx {
	struct vps_ipnet nets[VPS_MAX_IPNETS];
	int n;
};

static int parse_ipnet_item(char *item, void *ctx, struct vps_err *err)
{
	struct ipnets_ctx *ic = ctx;
	struct vps_ipnet net;
	char a[INET6_ADDRSTRLEN];
	int i;

	if (parse_ipnet(item, &net, err) < 0)
		return -1;
	for (i = 0; i < ic->n; i++) {
		if (ic->nets[i].family == net.family && memcmp(ic->nets[i].addr, net.addr, sizeof(net.addr)) == 0) {
			inet_ntop(net.family, net.addr, a, sizeof(a));
			return vps_error(err, 0, "address %s is listed twice", a);
		}
	}
	if (ic->n == VPS_MAX_IPNETS)
		return vps_error(err, 0, "more than %d addresses", VPS_MAX_IPNETS);
	ic->nets[ic->n++] = net;
	return 0;
}

int vps_parse_ipnets(const char *list, struct vps_config *cfg, struct vps_err *err)
{
	struct ipnets_ctx ic;

	memset(&ic, 0, sizeof(ic));
	if (for_each_item(list, parse_ipnet_item, &ic, err) < 0)
		return -1;
	memcpy(cfg->ipnets, ic.nets, sizeof(cfg->ipnets));
	cfg->n_ipnets = ic.n;
	return 0;
}

/* ---- ids and single values ---- */

int vps_parse_id(const char *s, unsigned int *id, struct vps_err *err)
{
	unsigned long v = 0;
	size_t i;

	if (!s)
		s = "";
	for (i = 0; s[i]; i++) {
		if (!is_digit(s[i]) || i >= 5)
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || s[0] == '0' || v < VPS_ID_MIN || v > VPS_ID_MAX)
		goto bad;
	*id = v;
	return 0;
bad:
	return vps_error(err, 0, "VPS id %s: must be a number from %d to %d", Q(s), VPS_ID_MIN, VPS_ID_MAX);
}

static int check_name(const char *v, struct vps_err *err)
{
	size_t i, n = strlen(v);
	int ok = n >= 1 && n <= 63 && is_alnum(v[0]);

	for (i = 0; ok && i < n; i++)
		ok = is_alnum(v[i]) || v[i] == '.' || v[i] == '_' || v[i] == '-';
	if (!ok)
		return vps_error(err, 0, "%s is not a valid name: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
				 Q(v));
	return 0;
}

static int check_path(const char *v, struct vps_err *err)
{
	const char *p = v;
	size_t len;

	if (v[0] != '/')
		return vps_error(err, 0, "%s is not an absolute path", Q(v));
	if (v[strspn(v, "/")] == '\0')
		return vps_error(err, 0, "%s is the host's root directory", Q(v));
	while (*p) {
		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return vps_error(err, 0, "%s must not contain \"..\" components", Q(v));
		p += len;
	}
	return 0;
}

/* ---- keys ---- */

enum kind { K_NAME, K_PATH, K_INIT, K_CMD, K_IPNETS, K_LIMITS, K_PRIV_ALLOW, K_PRIV_NOSYS, K_NESTED_USERNS };

#define FIELD(f) offsetof(struct vps_config, f), sizeof(((struct vps_config *)0)->f)

static const struct key {
	const char *name;
	enum kind kind;
	size_t off, size;	/* string keys: their field in struct vps_config */
} keys[] = {
	{ "NAME", K_NAME, FIELD(name) },
	{ "FSROOT", K_PATH, FIELD(fsroot) },
	{ "FSROOT_PRIV", K_PATH, FIELD(fsroot_priv) },
	{ "INIT", K_INIT, FIELD(init) },
	{ "ROOT_MOUNT", K_CMD, FIELD(root_mount) },
	{ "ROOT_UNMOUNT", K_CMD, FIELD(root_unmount) },
	{ "NETWORK_ANNOUNCE", K_CMD, FIELD(network_announce) },
	{ "NETWORK_REVOKE", K_CMD, FIELD(network_revoke) },
	{ "IP_NETWORKS", K_IPNETS, 0, 0 },
	{ "LIMITS", K_LIMITS, 0, 0 },
	{ "PRIV_ALLOW", K_PRIV_ALLOW, 0, 0 },
	{ "PRIV_NOSYS", K_PRIV_NOSYS, 0, 0 },
	{ "NESTED_USERNS", K_NESTED_USERNS, 0, 0 },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const struct key *key_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcasecmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int check_string(const struct key *k, const char *v, struct vps_err *err)
{
	size_t n = strlen(v);

	if (k->kind == K_NAME && check_name(v, err) < 0)
		return -1;
	if (k->kind == K_PATH && check_path(v, err) < 0)
		return -1;
	if (k->kind == K_INIT && v[strspn(v, " \t\r\v\f")] == '\0')
		return vps_error(err, 0, "must not be empty");
	if (n >= k->size)
		return vps_error(err, 0, "value is %zu bytes long, at most %zu fit", n, k->size - 1);
	return 0;
}

static int check_priv_overlap(uint64_t allow, uint64_t nosys, struct vps_err *err)
{
	char both[512];

	if (!(allow & nosys))
		return 0;
	vps_caps_format(allow & nosys, both, sizeof(both));
	return vps_error(err, 0, "%s both allowed (PRIV_ALLOW) and removed (PRIV_NOSYS)", both);
}

static int set_key(struct vps_config *cfg, const struct key *k, const char *v, struct vps_err *err)
{
	switch (k->kind) {
	case K_IPNETS:
		return vps_parse_ipnets(v, cfg, err);
	case K_LIMITS:
		return vps_parse_limits(v, cfg, err);
	case K_PRIV_ALLOW:
		return vps_caps_parse(v, &cfg->priv_allow, err);
	case K_PRIV_NOSYS:
		return vps_caps_parse(v, &cfg->priv_nosys, err);
	case K_NESTED_USERNS:
		if (strcasecmp(v, "yes") && strcasecmp(v, "no"))
			return vps_error(err, 0, "%s is neither yes nor no", Q(v));
		cfg->nested_userns = !strcasecmp(v, "yes");
		return 0;
	default:
		if (check_string(k, v, err) < 0)
			return -1;
		strcpy((char *)cfg + k->off, v);
		return 0;
	}
}

/* The value after "=": a "quoted string" (\" and \\ escapes) or bare text up to '#', trimmed. */
static int parse_value(char *p, char **value, struct vps_err *err)
{
	char *o, *q, *end;

	p = skip_space(p);
	if (*p != '"') {
		end = p + strcspn(p, "#\"");
		if (*end == '"')
			return vps_error(err, 0, "unexpected '\"' in an unquoted value; quote the whole value and write \\\" inside");
		*end = '\0';
		trim_end(p);
		*value = p;
		return 0;
	}
	for (o = p, q = p + 1;;) {
		if (*q == '\0')
			return vps_error(err, 0, "unterminated quote");
		if (*q == '\\' && (q[1] == '"' || q[1] == '\\')) {
			*o++ = q[1];
			q += 2;
		} else if (*q == '"') {
			break;
		} else {
			*o++ = *q++;
		}
	}
	*o = '\0';	/* o < q: the closing quote is still there */
	q = skip_space(q + 1);
	if (*q && *q != '#') {
		q[strcspn(q, "#")] = '\0';
		trim_end(q);
		return vps_error(err, 0, "unexpected text %s after the closing quote", Q(q));
	}
	*value = p;
	return 0;
}

/* One line: blank, comment, or "name = value". first[] holds the line where each key was seen. */
static int parse_line(struct vps_config *cfg, char *line, unsigned int lineno, unsigned int *first,
		      struct vps_err *err)
{
	char *p = skip_space(line), *name, *value = NULL;
	const struct key *k;
	size_t i;

	if (*p == '\0' || *p == '#')
		return 0;
	name = p;
	p += strcspn(p, "=#");
	if (*p != '=') {
		*p = '\0';
		trim_end(name);
		return vps_error(err, 0, "missing \"=\" in %s", Q(name));
	}
	*p++ = '\0';
	trim_end(name);
	if (*name == '\0')
		return vps_error(err, 0, "empty name before \"=\"");
	k = key_lookup(name);
	if (!k)
		return vps_error(err, 0, "unknown key %s", Q(name));
	i = k - keys;
	if (first[i])
		return vps_error(err, 0, "%s given twice (first on line %u)", k->name, first[i]);
	first[i] = lineno;
	if (parse_value(p, &value, err) < 0 || set_key(cfg, k, value, err) < 0)
		return vps_error_wrap(err, "%s", k->name);
	if ((k->kind == K_PRIV_ALLOW || k->kind == K_PRIV_NOSYS) &&
	    check_priv_overlap(cfg->priv_allow, cfg->priv_nosys, err) < 0)
		return vps_error_wrap(err, "%s", k->name);
	return 0;
}

enum { LINE_OK, LINE_EOF, LINE_LONG, LINE_NUL, LINE_ERROR };

/* One line without its '\n' into buf (LINE_MAX_BYTES + 1 bytes); the last line may lack '\n'. */
static int read_line(FILE *f, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (c == '\0')
			return LINE_NUL;
		if (n == LINE_MAX_BYTES)
			return LINE_LONG;
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (c == EOF && ferror(f))
		return LINE_ERROR;
	if (c == EOF && n == 0)
		return LINE_EOF;
	return LINE_OK;
}

void vps_config_init(struct vps_config *cfg, unsigned int id)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = id;
	snprintf(cfg->name, sizeof(cfg->name), "vps%u", id);
	snprintf(cfg->fsroot, sizeof(cfg->fsroot), "/vps/root/%u", id);
	snprintf(cfg->fsroot_priv, sizeof(cfg->fsroot_priv), "/vps/priv/%u", id);
	snprintf(cfg->init, sizeof(cfg->init), "/sbin/init");
}

int vps_config_parse(const char *path, struct vps_config *cfg, struct vps_err *err)
{
	cleanup_fclose FILE *f = NULL;
	cleanup_free struct vps_config *tmp = NULL;
	cleanup_free char *line = NULL;
	unsigned int lineno = 0, first[N_KEYS] = { 0 };
	char *p;
	int r;

	if (strlen(path) >= sizeof(cfg->path))
		return vps_error(err, ENAMETOOLONG, "open %s", path);
	f = fopen(path, "re");
	if (!f)
		return vps_error(err, errno, "open %s", path);
	tmp = malloc(sizeof(*tmp));
	line = malloc(LINE_MAX_BYTES + 1);
	if (!tmp || !line)
		return vps_error(err, ENOMEM, "read %s", path);
	*tmp = *cfg;
	strcpy(tmp->path, path);
	for (;;) {
		errno = 0;
		r = read_line(f, line);
		if (r == LINE_EOF)
			break;
		lineno++;
		if (r == LINE_ERROR)
			return vps_error(err, errno ? errno : EIO, "read %s", path);
		if (r == LINE_LONG)
			return vps_error(err, 0, "%s:%u: line is longer than %d bytes", path, lineno, LINE_MAX_BYTES);
		if (r == LINE_NUL)
			return vps_error(err, 0, "%s:%u: NUL byte in line", path, lineno);
		p = line;
		if (lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;	/* UTF-8 byte order mark */
		if (parse_line(tmp, p, lineno, first, err) < 0)
			return vps_error_wrap(err, "%s:%u", path, lineno);
	}
	*cfg = *tmp;
	return 0;
}

/* ---- writing ---- */

/* Bare when it reads back the same; else "quoted" with \" and \\. */
static void put_value(FILE *f, const char *v)
{
	const char *p;
	int quote = 0;

	for (p = v; *p; p++)
		if (is_space(*p) || *p == '#' || *p == '"' || (unsigned char)*p < 0x20 || *p == 0x7f)
			quote = 1;
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void put_key(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s =", name);
	if (*v) {
		fputc(' ', f);
		put_value(f, v);
	}
	fputc('\n', f);
}

static void put_caps(FILE *f, const char *name, uint64_t mask)
{
	const char *sep = " ";
	int c;

	fprintf(f, "%s =", name);
	for (c = 0; c < 64; c++) {
		if ((mask & (1ULL << c)) && vps_cap_name(c)) {
			fprintf(f, "%s%s", sep, vps_cap_name(c));
			sep = ", ";
		}
	}
	fputc('\n', f);
}

/* What the parser would refuse must not be written. */
static int check_config(const struct vps_config *cfg, struct vps_err *err)
{
	char soft[32], hard[32];
	size_t i;
	int r;

	for (i = 0; i < N_KEYS; i++) {
		const char *v = (const char *)cfg + keys[i].off;

		if (!keys[i].size)
			continue;
		if (memchr(v, '\0', keys[i].size) == NULL)
			return vps_error(err, 0, "%s: value is not terminated", keys[i].name);
		if (strchr(v, '\n'))
			return vps_error(err, 0, "%s: %s holds a line break", keys[i].name, Q(v));
		if (check_string(&keys[i], v, err) < 0)
			return vps_error_wrap(err, "%s", keys[i].name);
	}
	if (cfg->n_ipnets < 0 || cfg->n_ipnets > VPS_MAX_IPNETS)
		return vps_error(err, 0, "IP_NETWORKS: %d addresses, at most %d", cfg->n_ipnets, VPS_MAX_IPNETS);
	for (r = 0; r < cfg->n_ipnets; r++) {
		const struct vps_ipnet *n = &cfg->ipnets[r];

		if ((n->family != AF_INET && n->family != AF_INET6) || n->prefix < 0 ||
		    n->prefix > (n->family == AF_INET ? 32 : 128))
			return vps_error(err, 0, "IP_NETWORKS: entry %d is not an IPv4 or IPv6 network", r + 1);
	}
	for (r = 0; r < RES_COUNT; r++) {
		const struct vps_limit *l = &cfg->limits[r];

		if (!l->set)
			continue;
		vps_limit_value_format(r, l->soft, soft, sizeof(soft));
		vps_limit_value_format(r, l->hard, hard, sizeof(hard));
		if (l->soft > l->hard)
			return vps_error(err, 0, "LIMITS: %s: soft limit %s is above hard limit %s",
					 resources[r].name, soft, hard);
		if (resources[r].unit == U_PERCENT &&
		    ((l->soft != VPS_UNLIMITED && (l->soft < 1 || l->soft > PCTCPU_MAX)) ||
		     (l->hard != VPS_UNLIMITED && (l->hard < 1 || l->hard > PCTCPU_MAX))))
			return vps_error(err, 0, "LIMITS: %s: %s:%s is outside 1 to %d", resources[r].name, soft, hard,
					 PCTCPU_MAX);
	}
	if (check_priv_overlap(cfg->priv_allow, cfg->priv_nosys, err) < 0)
		return vps_error_wrap(err, "PRIV_NOSYS");
	return 0;
}

static int format_config(const struct vps_config *cfg, char **text, size_t *len)
{
	cleanup_fclose FILE *f = open_memstream(text, len);
	char buf[64], soft[32], hard[32];
	const char *sep = " ";
	int i;

	if (!f)
		return -1;
	fprintf(f, "# VPS %u, written by vpsctl. One \"name = value\" per line; names are case-insensitive,\n"
		   "# \"#\" starts a comment, \"double quotes\" keep spaces and \"#\" (write \\\" and \\\\ inside).\n\n",
		cfg->id);
	fputs("# Hostname of the VPS.\n", f);
	put_key(f, "NAME", cfg->name);
	fputs("\n# Where the VPS root filesystem is mounted, and its private storage.\n", f);
	put_key(f, "FSROOT", cfg->fsroot);
	put_key(f, "FSROOT_PRIV", cfg->fsroot_priv);
	fputs("\n# Command run as pid 1 of the VPS.\n", f);
	put_key(f, "INIT", cfg->init);
	fputs("\n# Shell commands run on the host around start and stop (empty: none).\n", f);
	put_key(f, "ROOT_MOUNT", cfg->root_mount);
	put_key(f, "ROOT_UNMOUNT", cfg->root_unmount);
	put_key(f, "NETWORK_ANNOUNCE", cfg->network_announce);
	put_key(f, "NETWORK_REVOKE", cfg->network_revoke);
	fputs("\n# Addresses the VPS may use: a.b.c.d[/len] or IPv6 x::y[/len], comma separated.\n", f);
	fputs("IP_NETWORKS =", f);
	for (i = 0; i < cfg->n_ipnets; i++) {
		vps_ipnet_format(&cfg->ipnets[i], buf, sizeof(buf));
		fprintf(f, "%s%s", sep, buf);
		sep = ", ";
	}
	fputs("\n\n# resource:soft:hard, comma separated. Bytes take K/M/G/T (1024), netspeed k/m/g bits/s (1000),\n"
	      "# pctcpu is percent of one CPU; \"unlimited\" anywhere.\n"
	      "# Resources: phys virt pctcpu blockio threads procs disk files tcpsock netspeed.\n", f);
	fputs("LIMITS =", f);
	for (i = 0, sep = " "; i < RES_COUNT; i++) {
		if (!cfg->limits[i].set)
			continue;
		vps_limit_value_format(i, cfg->limits[i].soft, soft, sizeof(soft));
		vps_limit_value_format(i, cfg->limits[i].hard, hard, sizeof(hard));
		fprintf(f, "%s%s:%s:%s", sep, resources[i].name, soft, hard);
		sep = ", ";
	}
	fputs("\n\n# Capabilities added to (PRIV_ALLOW) and removed from (PRIV_NOSYS) the default set,\n# which is:", f);
	for (i = 0, sep = " "; i < 64; i++) {
		if (vps_caps_default() & (1ULL << i)) {
			fprintf(f, "%s%s", sep, vps_cap_name(i));
			sep = ", ";
		}
	}
	fputc('\n', f);
	put_caps(f, "PRIV_ALLOW", cfg->priv_allow);
	put_caps(f, "PRIV_NOSYS", cfg->priv_nosys);
	fputs("\n# Whether processes inside may make user namespaces of their own (yes or no).\n", f);
	put_key(f, "NESTED_USERNS", cfg->nested_userns ? "yes" : "no");
	if (fflush(f) || ferror(f))
		return -1;
	return 0;
}

int vps_config_write(const char *path, const struct vps_config *cfg, struct vps_err *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (check_config(cfg, err) < 0)
		return vps_error_wrap(err, "write %s", path);
	if (format_config(cfg, &text, &len) < 0)
		return vps_error(err, errno ? errno : ENOMEM, "format %s", path);
	return write_atomic(path, text, len, 0644, err);
}
