#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int port = -1;
static const char *lock_path;
static int lock_fd = -1;

void output_init(int port_fd, const char *path)
{
	port = port_fd;
	lock_path = path;
}

void output_after_fork(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

static void lock(void)
{
	if (lock_fd < 0) {
		lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lock_fd < 0) {
			/* still answer; only concurrent lines could interleave */
			fprintf(stderr, "vpsd: open `%s`: %s\n", lock_path, strerror(errno));
			return;
		}
	}
	while (flock(lock_fd, LOCK_EX) < 0 && errno == EINTR)
		;
}

static void unlock(void)
{
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_UN);
}

void output_begin(struct json_writer *w)
{
	lock();
	jw_init(w, port);
}

void output_end(struct json_writer *w)
{
	struct vps_err err;

	if (jw_finish(w, &err) < 0)
		fprintf(stderr, "vpsd: %s\n", err.msg);
	unlock();
	jw_free(w);
}

void output_id(struct json_writer *w, const struct req_id *id)
{
	jw_key(w, "id");
	if (id && id->present)
		jw_int(w, id->value);
	else
		jw_null(w);
}

void output_error(const struct req_id *id, const char *msg)
{
	struct json_writer w;

	output_begin(&w);
	jw_object_begin(&w);
	output_id(&w, id);
	jw_key(&w, "ok");
	jw_bool(&w, 0);
	jw_key(&w, "error");
	jw_cstring(&w, msg);
	jw_object_end(&w);
	output_end(&w);
}
