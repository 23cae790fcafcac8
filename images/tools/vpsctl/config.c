/* /etc/vps/vps_<ID>.conf: "name = value" lines; every error names the file and the line.
 * Read here and written back here; the values themselves are config_values.c's. */
#include "config_grammar.h"
#include "caps.h"
#include "../common/cleanup.h"
#include "../common/fileio.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define LINE_MAX_BYTES 4096

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

	if (k->kind == K_NAME && config_check_name(v, err) < 0)
		return -1;
	if (k->kind == K_PATH && config_check_path(v, err) < 0)
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
		return vps_error(err, ENAMETOOLONG, "open `%s`", path);
	f = fopen(path, "re");
	if (!f)
		return vps_error(err, errno, "open `%s`", path);
	tmp = malloc(sizeof(*tmp));
	line = malloc(LINE_MAX_BYTES + 1);
	if (!tmp || !line)
		return vps_error(err, ENOMEM, "read `%s`", path);
	*tmp = *cfg;
	strcpy(tmp->path, path);
	for (;;) {
		errno = 0;
		r = read_line(f, line);
		if (r == LINE_EOF)
			break;
		lineno++;
		if (r == LINE_ERROR)
			return vps_error(err, errno ? errno : EIO, "read `%s`", path);
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
	for (r = 0; r < RES_COUNT; r++)
		if (cfg->limits[r].set && config_check_limit(r, &cfg->limits[r], err) < 0)
			return vps_error_wrap(err, "LIMITS");
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
		fprintf(f, "%s%s:%s:%s", sep, vps_resource_name(i), soft, hard);
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
		return vps_error_wrap(err, "write `%s`", path);
	if (format_config(cfg, &text, &len) < 0)
		return vps_error(err, errno ? errno : ENOMEM, "format `%s`", path);
	return write_atomic(path, text, len, 0644, err);
}
