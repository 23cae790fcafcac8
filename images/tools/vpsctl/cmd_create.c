/* vpsctl create <id> [options] writes /etc/vps/vps_<id>.conf; destroy <id> removes a stopped VPS. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "lifecycle.h"
#include "runtime.h"
#include "util.h"

static const struct option create_opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "ip", required_argument, NULL, 'i' },
	{ "limits", required_argument, NULL, 'l' },
	{ "init", required_argument, NULL, 'I' },
	{ "fsroot", required_argument, NULL, 'r' },
	{ "fsroot-priv", required_argument, NULL, 'p' },
	{ "priv-allow", required_argument, NULL, 'a' },
	{ "priv-nosys", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static const char *const create_keys[] = {
	['n'] = "NAME", ['i'] = "IP_NETWORKS", ['l'] = "LIMITS", ['I'] = "INIT",
	['r'] = "FSROOT", ['p'] = "FSROOT_PRIV", ['a'] = "PRIV_ALLOW", ['d'] = "PRIV_NOSYS",
};

static void write_quoted(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s = \"", key);
	for (; *value; value++) {
		if (*value == '"' || *value == '\\')
			fputc('\\', f);
		fputc(*value, f);
	}
	fputs("\"\n", f);
}

/* "path:3: NAME: ..." becomes "--name: NAME: ..." using the option that wrote line 3. */
static void name_option(struct vps_err *err, const char *path, const char *const *line_opts, int nlines)
{
	size_t plen = strlen(path);
	char rest[sizeof(err->msg)];
	long line;
	char *end;

	if (strncmp(err->msg, path, plen) || err->msg[plen] != ':')
		return;
	line = strtol(err->msg + plen + 1, &end, 10);
	if (line < 1 || line > nlines || strncmp(end, ": ", 2))
		return;
	snprintf(rest, sizeof(rest), "%s", end + 2);
	snprintf(err->msg, sizeof(err->msg), "--%s: %s", line_opts[line - 1], rest);
}

int cmd_create(int argc, char **argv)
{
	struct vps_err err = { 0 };
	struct vps_config cfg;
	const char *line_opts[16];
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	unsigned int id;
	int c, nlines = 0;
	FILE *f;

	if (argc < 2 || argv[1][0] == '-')
		return usage_error("create", "expects an id first");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	vps_config_path(id, path, sizeof(path));
	if (access(path, F_OK) == 0) {
		vps_error(&err, 0, "VPS %u already has a config `%s` (destroy it first)", id, path);
		return fail(&err);
	}
	if (mkdir_p(VPS_CONF_DIR, 0755, &err) < 0)
		return fail(&err);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "we");
	if (!f) {
		vps_error(&err, errno, "create `%s`", tmp);
		return fail(&err);
	}
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", create_opts, NULL)) != -1) {
		if (c == '?' || c == ':' || nlines == 16) {
			fclose(f);
			unlink(tmp);
			return usage_error("create", "unknown or incomplete option `%s`", argv[optind - 1]);
		}
		write_quoted(f, create_keys[c], optarg);
		for (const struct option *o = create_opts; o->name; o++)
			if (o->val == c)
				line_opts[nlines] = o->name;
		nlines++;
	}
	if (optind != argc) {
		fclose(f);
		unlink(tmp);
		return usage_error("create", "unexpected argument `%s`", argv[optind]);
	}
	if (fclose(f) != 0) {
		unlink(tmp);
		vps_error(&err, errno, "write `%s`", tmp);
		return fail(&err);
	}
	/* The config file parser is the one validator: options are checked exactly as files are. */
	vps_config_init(&cfg, id);
	if (vps_config_parse(tmp, &cfg, &err) < 0) {
		unlink(tmp);
		name_option(&err, tmp, line_opts, nlines);
		vps_error_wrap(&err, "create VPS %u", id);
		return fail(&err);
	}
	unlink(tmp);
	if (vps_config_write(path, &cfg, &err) < 0)
		return fail(&err);
	printf("VPS %u (%s) created: %s\n", id, cfg.name, path);
	return 0;
}

int cmd_destroy(int argc, char **argv)
{
	struct vps_err err = { 0 };
	unsigned int id;

	if (argc != 2)
		return usage_error("destroy", "expects one id");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_destroy(id, &err) < 0)
		return fail(&err);
	printf("VPS %u destroyed\n", id);
	return 0;
}
