/* vpstest ckpt: a thin driver over the checkpoint/restore engine (ckpt/) for the guest tests.
 *   vpstest ckpt dump [--kill] [--cgroup <dir>] <pid> <file>   dump the tree of pid (the init of
 *                                             its pid namespace; every process of the cgroup too)
 *   vpstest ckpt restore [--mount-proc] <file> restore it in a new pid namespace, print the init's pid
 *   vpstest ckpt show <file>                   verify an image and print what it holds
 * Each prints one line: what it did, bytes and milliseconds; errors are one line on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ckpt/ckpt.h"
#include "../ckpt/ckpt_file.h"
#include "../common/cleanup.h"
#include "vpstest.h"

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int fail(const struct vps_err *err)
{
	vps_error_print("vpstest", err);
	return 1;
}

static int dump(int argc, char **argv)
{
	struct vps_err err;
	struct timespec t0;
	unsigned int flags = 0;
	cleanup_close int fd = -1;
	struct ckpt_writer w = { &fd, ckpt_file_put };
	const char *cgroup = NULL;
	long pid;
	off_t size;

	if (argc > 1 && !strcmp(argv[1], "--kill")) {
		flags |= CKPT_DUMP_KILL;
		argc--, argv++;
	}
	if (argc > 2 && !strcmp(argv[1], "--cgroup")) {
		cgroup = argv[2];
		argc -= 2, argv += 2;
	}
	if (argc != 3 || (pid = vpstest_count(argv[1])) <= 0) {
		fprintf(stderr, "usage: vpstest ckpt dump [--kill] [--cgroup <dir>] <pid> <file>\n");
		return 2;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		vps_error(&err, errno, "ckpt dump: %s", argv[2]);
		return fail(&err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ckpt_file_header(fd, &err) || ckpt_dump_cgroup((pid_t)pid, cgroup, flags, &w, &err)) {
		unlink(argv[2]);
		return fail(&err);
	}
	size = lseek(fd, 0, SEEK_CUR);
	printf("dumped %ld bytes in %ld ms\n", (long)size, ms_since(&t0));
	return 0;
}

/* The whole image file in memory, header checked; the reader set up on it. */
static int load(const char *path, struct ckpt_image **img, char **buf, struct vps_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct ckpt_file_reader fr;
	struct ckpt_reader r = { &fr, ckpt_file_get };
	struct stat st;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st))
		return vps_error(err, errno, "reading process image %s", path);
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		return vps_error(err, ENOMEM, "reading process image %s", path);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			return vps_error(err, n < 0 ? errno : EIO, "reading process image %s", path);
		got += (size_t)n;
	}
	if (ckpt_file_open(&fr, *buf, got, err) || ckpt_image_load(&r, img, err))
		return -1;
	return 0;
}

static int restore(int argc, char **argv)
{
	struct ckpt_restore_opts o = { 0 };
	struct ckpt_image *img = NULL;
	cleanup_free char *buf = NULL;
	struct vps_err err;
	struct timespec t0;
	pid_t init;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "--mount-proc")) {
		o.mount_proc = 1;
		argc--, argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: vpstest ckpt restore [--mount-proc] <file>\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (load(argv[1], &img, &buf, &err))
		return fail(&err);
	rc = ckpt_restore(img, &o, &init, &err);
	ckpt_image_free(img);
	if (rc)
		return fail(&err);
	printf("restored init %d in %ld ms\n", (int)init, ms_since(&t0));
	return 0;
}

static int show(int argc, char **argv)
{
	struct ckpt_image *img = NULL;
	cleanup_free char *buf = NULL;
	struct ckpt_summary s;
	struct vps_err err;

	if (argc != 2) {
		fprintf(stderr, "usage: vpstest ckpt show <file>\n");
		return 2;
	}
	if (load(argv[1], &img, &buf, &err))
		return fail(&err);
	ckpt_image_summary(img, &s);
	printf("tasks %u vmas %u files %u fds %u page_bytes %llu pipe_bytes %llu\n", s.tasks, s.vmas,
	       s.files, s.fds, (unsigned long long)s.page_bytes, (unsigned long long)s.pipe_bytes);
	ckpt_image_free(img);
	return 0;
}

int vpstest_ckpt(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "dump"))
		return dump(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "restore"))
		return restore(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1);
	fprintf(stderr, "usage: vpstest ckpt dump|restore|show ...\n");
	return 2;
}
