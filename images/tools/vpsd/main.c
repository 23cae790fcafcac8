/* vpsd: the guest agent. Answers newline-delimited JSON requests on a serial port. */
#include "agent.h"
#include "../common/cleanup.h"
#include "../common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
		"Usage: vpsd [PORT]\n"
		"Answer host requests (newline-delimited JSON) on PORT, /dev/ttyS1 by default.\n"
		"PORT `-` reads requests from stdin and answers on stdout.\n");
	_exit(status);
}

/* Raw bytes at 115200, no flow control, reads return as soon as one byte is there. */
static int setup_tty(int fd, const char *path, struct vps_err *err)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return vps_error(err, errno, "tcgetattr `%s`", path);
	cfmakeraw(&t);
	cfsetispeed(&t, B115200);
	cfsetospeed(&t, B115200);
	t.c_cflag &= ~(tcflag_t)CRTSCTS;
	t.c_cflag |= CLOCAL | CREAD;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return vps_error(err, errno, "tcsetattr `%s`", path);
	return 0;
}

/* Closed 0, 1 or 2 would otherwise be reused by pipes and confuse the command redirection. */
static void open_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			break;
}

static const char *lock_path(void)
{
	if (access("/run", W_OK) == 0)
		return "/run/vpsd.lock";
	if (access("/tmp", W_OK) == 0)
		return "/tmp/vpsd.lock";
	return "/vpsd.lock";
}

int vpsd_main(int argc, char **argv)
{
	const char *path = "/dev/ttyS1";
	struct vps_err err;
	int fd;

	if (argc > 2)
		usage(2);
	if (argc == 2) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
			usage(0);
		path = argv[1];
	}
	open_std_fds();
	if (!strcmp(path, "-"))
		return vpsd_serve(0, 1, lock_path());
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		vps_error(&err, errno, "open `%s`", path);
		vps_error_print("vpsd", &err);
		return 1;
	}
	if (isatty(fd) && setup_tty(fd, path, &err) < 0) {
		vps_error_print("vpsd", &err);
		return 1;
	}
	/* fd stays open for the agent's whole life: reopening the port loses input */
	return vpsd_serve(fd, fd, lock_path());
}
