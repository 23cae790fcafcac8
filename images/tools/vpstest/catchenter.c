/* vpstest catchenter [-t SECONDS]: from inside a VPS, catch the next process vpsctl enters into it
 * before its exec, while it still runs the host's vps-tools, and try what the CVE-2019-5736 pattern
 * needs: its /proc/<pid>/exe (readlink, open for reading and writing, chmod, chown), cwd, root,
 * its descriptors (/proc/<pid>/fd/N) and mem. Prints "ready" once watching, then "caught <comm>"
 * and "<probe> <ERRNO>" lines ("OK": reachable). Exits 0 when it caught one, 1 with "missed" after
 * -t seconds (default 30).
 * vpstest catchenter -p PID: the same probes on a running process (say one that runs the host's
 * vps-tools after its exec, through a script starting "#!/proc/self/exe"). chmod and chown set
 * the mode and owners the file already has, and nothing is written.
 *
 * Deterministic, no race to win: pids in a pid namespace are handed out in order, so the next
 * process to appear gets one of the next few numbers; SIGSTOP sent to it as soon as the number
 * exists stops it on its first return to user space, before any of its own instructions. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

#define AHEAD 16

/* Open any of the descriptors in /proc/<pid>/fd: 0 if one opened, else the last error. */
static int open_fds(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[128];
	int e = ENOENT;

	if (!d)
		return errno;
	while ((de = readdir(d)) && e)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			e = vpstest_open_errno(path, O_PATH);
		}
	closedir(d);
	return e;
}

static void probe(pid_t pid)
{
	char path[64], link[256];
	struct stat st;
	int have_st;

#define P(name) snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name)
	P("exe");
	have_st = stat(path, &st) == 0;
	printf("exe-readlink %s\n", vpstest_errname(vpstest_errno(readlink(path, link, sizeof(link)))));
	printf("exe-open-read %s\n", vpstest_errname(vpstest_open_errno(path, O_RDONLY)));
	printf("exe-open-write %s\n", vpstest_errname(vpstest_open_errno(path, O_WRONLY)));
	printf("exe-chmod %s\n", vpstest_errname(vpstest_errno(chmod(path, have_st ? st.st_mode & 07777 : 0755))));
	printf("exe-chown %s\n",
	       vpstest_errname(vpstest_errno(chown(path, have_st ? st.st_uid : 0, have_st ? st.st_gid : 0))));
	P("cwd");
	printf("cwd %s\n", vpstest_errname(vpstest_open_errno(path, O_PATH | O_DIRECTORY)));
	P("root");
	printf("root %s\n", vpstest_errname(vpstest_open_errno(path, O_PATH | O_DIRECTORY)));
	P("fd");
	printf("fd %s\n", vpstest_errname(open_fds(path)));
	P("mem");
	printf("mem %s\n", vpstest_errname(vpstest_open_errno(path, O_RDWR)));
#undef P
}

/* The command name of pid ("" if gone). */
static void comm_of(pid_t pid, char *comm, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, comm, size - 1);
	close(fd);
	comm[n > 0 ? n : 0] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* pid's state letter from /proc/<pid>/stat ('\0' if gone). */
static char state_of(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return '\0';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '\0';
}

/* Stop pid and wait until it is (on its next return to user space); -1 if it is gone or dying. */
static int stop(pid_t pid)
{
	char st;

	if (kill(pid, SIGSTOP) < 0)
		return -1;
	while ((st = state_of(pid)) != 'T')
		if (st == '\0' || st == 'Z' || st == 'X')
			return -1;
	return 0;
}

int vpstest_catchenter(int argc, char **argv)
{
	long timeout_s = 30;
	unsigned char skip[AHEAD] = { 0 };
	time_t end;
	pid_t base;

	if (argc == 3 && !strcmp(argv[1], "-p")) {
		pid_t pid = (pid_t)vpstest_count(argv[2]);
		if (pid > 0) {
			probe(pid);
			return 0;
		}
	}
	if (argc == 3 && !strcmp(argv[1], "-t"))
		timeout_s = vpstest_count(argv[2]);
	if ((argc != 1 && (argc != 3 || strcmp(argv[1], "-t"))) || timeout_s <= 0) {
		fprintf(stderr, "usage: vpstest catchenter [-t SECONDS | -p PID]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	base = fork();
	if (base == 0)
		_exit(0);
	if (base < 0 || waitpid(base, NULL, 0) < 0) {
		fprintf(stderr, "vpstest catchenter: fork: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	end = time(NULL) + timeout_s;
	while (time(NULL) < end) {
		for (int i = 0; i < AHEAD; i++) {
			pid_t pid = base + 1 + i;
			char comm[32];

			if (skip[i] || stop(pid) < 0)
				continue;
			comm_of(pid, comm, sizeof(comm));
			if (strcmp(comm, "vpsctl")) {	/* another process (or the entered one after exec) */
				kill(pid, SIGCONT);
				skip[i] = 1;
				continue;
			}
			printf("caught %s\n", comm);
			probe(pid);
			kill(pid, SIGCONT);
			return 0;
		}
	}
	printf("missed\n");
	return 1;
}
