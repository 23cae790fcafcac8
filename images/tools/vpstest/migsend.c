/* vpstest migsend <lab ip> <port> <id> <running|suspended|stopped> <snapshot file> [--no-commit]
 * [--key FILE]: a migration source driven by hand, for tests of `vpsctl receive`: it speaks the
 * protocol as `vpsctl migrate` does (same code) but sends a snapshot file, which may be crafted,
 * and may leave without COMMIT or sign with another key. Prints the target's reply; exit 0 on OK,
 * 1 on ERR or any failure (the error on stderr). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../vpsctl/lab_key.h"
#include "../vpsctl/mig_client.h"
#include "vpstest.h"

int vpstest_migsend(int argc, char **argv)
{
	static const char *const states[] = { "stopped", "running", "suspended" };
	struct vps_err err = { 0 };
	struct mig_client c;
	struct in_addr ip;
	const char *key = LAB_KEY_PATH;
	int commit = 1, state = -1, fd, rc;
	long ms = 0;

	for (int i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "--no-commit"))
			commit = 0;
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else
			argc = 0;
	}
	for (int i = 0; argc >= 6 && i < 3; i++)
		if (!strcmp(argv[4], states[i]))
			state = i;
	if (argc < 6 || state < 0 || inet_pton(AF_INET, argv[1], &ip) != 1) {
		fprintf(stderr, "usage: vpstest migsend <ip> <port> <id> <running|suspended|stopped> <file> [--no-commit] "
			"[--key FILE]\n");
		return 2;
	}
	fd = open(argv[5], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("vpstest migsend: open");
		return 1;
	}
	rc = mig_client_open(&c, key, &ip, atoi(argv[2]), (unsigned int)atoi(argv[3]), (enum vps_state)state, 5000,
			     60000, &err);
	if (rc == 0)
		rc = mig_client_send(&c, fd, &ms, &err);
	if (rc == 0 && commit)
		rc = mig_client_commit(&c, &err);
	if (rc == 0)
		printf("OK %ld\n", ms);
	else if (rc == 1)
		printf("ERR %s\n", c.refusal);
	else
		fprintf(stderr, "vpstest migsend: %s\n", err.msg);
	if (c.fd >= 0)
		close(c.fd);
	return rc != 0;
}
