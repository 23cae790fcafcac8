/* The values of a VPS config: resources and limit values, address lists, ids, names and paths.
 * The file's parser and the command line (create, limit) both read them here. */
#include "config_grammar.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "../common/cleanup.h"

#define PCTCPU_MAX (100 * 64)	/* 100 per CPU, up to 64 CPUs */

const char *config_show(struct shown *b, const char *s)
{
	char *o = b->s;
	size_t i;

	*o++ = '"';
	for (i = 0; s[i] && i < CONFIG_SHOW_MAX; i++) {
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

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Leading and trailing blanks off, in place. */
static char *trim(char *s)
{
	s = skip_space(s);
	trim_end(s);
	return s;
}

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

int config_check_limit(enum vps_resource r, const struct vps_limit *l, struct vps_err *err)
{
	char soft[32], hard[32];

	vps_limit_value_format(r, l->soft, soft, sizeof(soft));
	vps_limit_value_format(r, l->hard, hard, sizeof(hard));
	if (l->soft > l->hard)
		return vps_error(err, 0, "%s: soft limit %s is above hard limit %s", resources[r].name, soft, hard);
	if (resources[r].unit == U_PERCENT &&
	    ((l->soft != VPS_UNLIMITED && (l->soft < 1 || l->soft > PCTCPU_MAX)) ||
	     (l->hard != VPS_UNLIMITED && (l->hard < 1 || l->hard > PCTCPU_MAX))))
		return vps_error(err, 0, "%s: %s:%s is outside 1 to %d", resources[r].name, soft, hard, PCTCPU_MAX);
	return 0;
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

int config_check_name(const char *v, struct vps_err *err)
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

int config_check_path(const char *v, struct vps_err *err)
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
