/* vpsctl: manage VPS instances. One file per subcommand; this table dispatches. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"

int opt_json;

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;
	const char *help;
} commands[] = {
	{ "start", cmd_start, "start <id> [config]", "start a VPS from /etc/vps/vps_<id>.conf (or the given file)" },
	{ "stop", cmd_stop, "stop <id> | --all", "stop a VPS and remove every trace of its run" },
	{ "list", cmd_list, "[--json] list", "list every VPS with its state" },
	{ "show", cmd_show, "[--json] show <id>", "show one VPS in detail" },
	{ "argshow", cmd_argshow, "argshow <id>", "show addresses, capabilities and limits with how each is enforced" },
	{ "limit", cmd_limit, "limit <id> resource:soft:hard[,...]", "change limits in the config, and live on a running VPS" },
	{ "priv", cmd_priv, "priv <id> allow|deny cap[,cap...]", "change capabilities in the config, and live where Linux can" },
	{ "shell", cmd_shell, "shell <id>", "run a login shell inside a running VPS" },
	{ "execin", cmd_execin, "execin <id> <command> [args...]", "start a command inside a VPS in the background" },
	{ "execwt", cmd_execwt, "execwt <id> <command> [args...]", "run a command inside a VPS and wait for it" },
	{ "create", cmd_create, "create <id> [--name N] [--ip LIST] [--limits LIST] [--init CMD] [--fsroot P] "
				"[--fsroot-priv P] [--priv-allow CAPS] [--priv-nosys CAPS]", "write /etc/vps/vps_<id>.conf" },
	{ "destroy", cmd_destroy, "destroy <id>", "delete a stopped VPS: its config and private files" },
	{ "suspend", cmd_suspend, "suspend <id>", "freeze every process of a running VPS (cgroup.freeze)" },
	{ "resume", cmd_resume, "resume <id>", "thaw a suspended VPS" },
	{ "snapshot", cmd_snapshot, "snapshot <id> <file|->", "save a VPS's config and private files (a running VPS is frozen meanwhile)" },
	{ "restore", cmd_restore, "restore <id> <file|->", "recreate a VPS from a snapshot under <id>; processes start from INIT" },
	{ "showdump", cmd_showdump, "showdump <file|->", "verify a snapshot and show what it holds" },
	{ "migrate", cmd_migrate, "migrate <id> <lab-host>", "move a VPS to another lab host (192.168.100.N or hostN): freeze, stream, start there, remove here" },
	{ "receive", cmd_receive, "receive [--port N] [--max-stream SIZE]",
	  "take VPS migrated from lab hosts that hold the lab key (runs from inittab on TCP 7070)" },
	{ "help", cmd_help, "help [command]", "show this help" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int fail(const struct vps_err *err)
{
	vps_error_print("vpsctl", err);
	return 1;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	const struct command *c = find(cmd);
	va_list ap;

	fprintf(stderr, "vpsctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (usage: vpsctl %s)\n", c ? c->synopsis : cmd);
	return 2;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 2) {
		const struct command *c = find(argv[1]);
		if (!c)
			return usage_error("help", "unknown command `%s`", argv[1]);
		printf("usage: vpsctl %s\n  %s\n", c->synopsis, c->help);
		return 0;
	}
	printf("usage: vpsctl [--json] <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].help);
	printf("\nConfigs live in /etc/vps/vps_<id>.conf; ids run from 3 to 65535.\n");
	return 0;
}

int vpsctl_main(int argc, char **argv)
{
	const struct command *c;
	int rc;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--json"))
			opt_json = 1;
		else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
			return cmd_help(1, argv);
		else {
			fprintf(stderr, "vpsctl: unknown option `%s` (try `vpsctl help`)\n", argv[1]);
			return 2;
		}
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "vpsctl: no command given (try `vpsctl help`)\n");
		return 2;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "vpsctl: unknown command `%s` (try `vpsctl help`)\n", argv[1]);
		return 2;
	}
	rc = c->fn(argc - 1, argv + 1);
	if (fflush(stdout) != 0 && rc == 0) {
		perror("vpsctl: write standard output");
		return 1;
	}
	return rc;
}
