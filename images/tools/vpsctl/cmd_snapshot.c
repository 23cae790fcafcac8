/* vpsctl snapshot <id> <file>, restore <id> <file>, showdump <file>: a VPS's config and private
 * files in one checksummed stream (SNAPSHOT.md); "-" is stdout / stdin. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "runtime.h"
#include "snapio.h"
#include "util.h"

int cmd_snapshot(int argc, char **argv)
{
	struct vps_err err = { 0 };
	enum vps_state state;
	uint64_t entries, bytes;
	long long t0 = now_ms();
	unsigned int id;

	if (argc != 3)
		return usage_error("snapshot", "expects an id and a file (`-` for standard output)");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_snapshot_to_file(id, argv[2], &state, &entries, &bytes, &err) < 0)
		return fail(&err);
	if (strcmp(argv[2], "-"))
		printf("VPS %u saved to %s: %llu objects, %llu bytes in %lld ms%s\n", id, argv[2],
		       (unsigned long long)entries, (unsigned long long)bytes, now_ms() - t0,
		       state != VPS_STOPPED ? " (frozen during the copy)" : "");
	return 0;
}

static int open_input(const char *cmd, const char *file, struct vps_err *err)
{
	int fd;

	if (!strcmp(file, "-"))
		return 0;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "%s: open `%s`", cmd, file);
	return fd;
}

int cmd_restore(int argc, char **argv)
{
	struct vps_err err = { 0 };
	struct vps_config cfg;
	struct snap_info info;
	long long t0 = now_ms();
	unsigned int id;
	int fd;

	if (argc != 3)
		return usage_error("restore", "expects an id and a file (`-` for standard input)");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	if ((fd = open_input("restore", argv[2], &err)) < 0)
		return fail(&err);
	if (vps_restore_from_fd(id, fd, 0, NULL, &info, &cfg, &err) < 0) {
		if (fd > 0)
			close(fd);
		vps_error_wrap(&err, "restore VPS %u from `%s`", id, argv[2]);
		return fail(&err);
	}
	if (fd > 0)
		close(fd);
	printf("VPS %u (%s) restored from %s: %llu objects, %llu bytes in %lld ms; processes start from INIT "
	       "with `vpsctl start %u`\n", id, cfg.name, argv[2], (unsigned long long)info.entries,
	       (unsigned long long)info.stream_bytes, now_ms() - t0, id);
	free(info.config);
	return 0;
}

static int verify_only(void *ctx, const struct snap_info *info, struct vps_err *err)
{
	(void)ctx, (void)info, (void)err;
	return -2;
}

int cmd_showdump(int argc, char **argv)
{
	struct vps_err err = { 0 };
	struct snap_info info;
	char when[64];
	time_t t;
	int fd;

	if (argc != 2)
		return usage_error("showdump", "expects a file (`-` for standard input)");
	if ((fd = open_input("showdump", argv[1], &err)) < 0)
		return fail(&err);
	if (snap_read(fd, verify_only, NULL, &info, &err) < 0) {
		if (fd > 0)
			close(fd);
		free(info.config);
		vps_error_wrap(&err, "showdump `%s`", argv[1]);
		return fail(&err);
	}
	if (fd > 0)
		close(fd);
	t = (time_t)info.header.created;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	printf("snapshot: %s (%llu bytes)\n", argv[1], (unsigned long long)info.stream_bytes);
	printf("format: version %u, flags %#x%s\n", info.header.version, info.header.flags,
	       info.header.flags & SNAP_F_LIVE ? " (live: the VPS was frozen during the copy)" : " (taken stopped)");
	printf("source: VPS %u, taken %s\n", info.header.source_id, when);
	printf("files: %llu objects, %llu bytes of file data\n", (unsigned long long)info.entries,
	       (unsigned long long)info.data_bytes);
	printf("process state: none (processes restart from INIT)\n");
	printf("records: %llu", (unsigned long long)info.records + 1);
	if (info.skipped)
		printf(" (%llu of newer types, skipped)", (unsigned long long)info.skipped);
	printf("\nchecksums: ok (CRC32 of every record, SHA-256 ");
	for (int i = 0; i < 32; i++)
		printf("%02x", info.sha256[i]);
	printf(")\nconfig:\n");
	for (char *line = info.config; *line;) {
		size_t n = strcspn(line, "\n");
		printf("  %.*s\n", (int)n, line);
		line += n + (line[n] == '\n');
	}
	free(info.config);
	return 0;
}
