/* Native test of vpsctl/migrate_proto.c: the migration header, replies, peers, host names and the
 * line reader over a socketpair (nothing read past a line). */
#include "../vpsctl/migrate_proto.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_header(void)
{
	struct vps_err err = { 0 };
	enum vps_state st;
	unsigned int id;
	char buf[MIG_LINE_MAX];
	static const char *const bad[] = {
		"", "VPSMIGRATE", "VPSMIGRATE 1", "VPSMIGRATE 1 3", "VPSMIGRATE 2 3 running", "VPSMIGRATE 1 2 running",
		"VPSMIGRATE 1 65536 running", "VPSMIGRATE 1 x running", "VPSMIGRATE 1 3 dancing",
		"VPSMIGRATE 1 3 running extra", "GET / HTTP/1.0", "vpsmigrate 1 3 running", "VPSMIGRATE -1 3 running",
	};

	CHECK(mig_header_format(buf, sizeof(buf), 3, VPS_RUNNING) == strlen("VPSMIGRATE 1 3 running\n"), "%s", buf);
	CHECK(!strcmp(buf, "VPSMIGRATE 1 3 running\n"), "%s", buf);
	for (int s = VPS_STOPPED; s <= VPS_SUSPENDED; s++) {
		mig_header_format(buf, sizeof(buf), 65535, (enum vps_state)s);
		buf[strlen(buf) - 1] = '\0';
		CHECK(mig_header_parse(buf, &id, &st, &err) == 0 && id == 65535 && st == (enum vps_state)s,
		      "round trip `%s`: %s", buf, err.msg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		CHECK(mig_header_parse(bad[i], &id, &st, &err) < 0 && err.msg[0] && !strchr(err.msg, '\n'),
		      "`%s` accepted or no message", bad[i]);
	}
	mig_header_parse("VPSMIGRATE 7 3 running", &id, &st, &err);
	CHECK(strstr(err.msg, "version 7") != NULL, "%s", err.msg);
}

static void test_reply(void)
{
	struct vps_err err = { 0 };
	char msg[64];
	long ms = -1;

	CHECK(mig_reply_parse("OK 412", &ms, msg, sizeof(msg), &err) == 0 && ms == 412, "ok: %s", err.msg);
	CHECK(mig_reply_parse("ERR VPS 3 already has a config", &ms, msg, sizeof(msg), &err) == 1 &&
	      !strcmp(msg, "VPS 3 already has a config"), "err: %s", msg);
	CHECK(mig_reply_parse("ERR ", &ms, msg, sizeof(msg), &err) < 0, "empty ERR accepted");
	CHECK(mig_reply_parse("OK", &ms, msg, sizeof(msg), &err) < 0, "OK without ms accepted");
	CHECK(mig_reply_parse("OK 12x", &ms, msg, sizeof(msg), &err) < 0, "OK 12x accepted");
	CHECK(mig_reply_parse("OK -5", &ms, msg, sizeof(msg), &err) < 0, "OK -5 accepted");
	CHECK(mig_reply_parse("HELLO", &ms, msg, sizeof(msg), &err) < 0 && strstr(err.msg, "HELLO"), "%s", err.msg);
}

static void test_peers_and_hosts(void)
{
	struct vps_err err = { 0 };
	struct in_addr a;
	static const char *const bad[] = { "host0", "host255", "host2x", "hostess", "10.0.3.1", "192.168.100.0",
					   "192.168.100.255", "192.168.101.2", "localhost", "", "192.168.100.2.5" };

	CHECK(mig_peer_allowed(&(struct in_addr){ ip4("192.168.100.1").s_addr }), "lab host 1 refused");
	CHECK(mig_peer_allowed(&(struct in_addr){ ip4("192.168.100.254").s_addr }), "lab host 254 refused");
	CHECK(!mig_peer_allowed(&(struct in_addr){ ip4("10.0.3.1").s_addr }), "a VPS address allowed");
	CHECK(!mig_peer_allowed(&(struct in_addr){ ip4("169.254.0.1").s_addr }), "the VPS gateway allowed");
	CHECK(!mig_peer_allowed(&(struct in_addr){ ip4("127.0.0.1").s_addr }), "loopback allowed");
	CHECK(mig_host_parse("host2", &a, &err) == 0 && a.s_addr == ip4("192.168.100.2").s_addr, "host2: %s", err.msg);
	CHECK(mig_host_parse("192.168.100.17", &a, &err) == 0 && a.s_addr == ip4("192.168.100.17").s_addr, "%s",
	      err.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		CHECK(mig_host_parse(bad[i], &a, &err) < 0 && err.msg[0], "`%s` accepted", bad[i]);
	}
}

static void test_lines(void)
{
	struct vps_err err = { 0 };
	char buf[16], rest[8] = { 0 };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		CHECK(0, "socketpair");
		return;
	}
	CHECK(mig_write_line(sv[0], "COMMIT\nSNAP", "test", &err) == 0, "%s", err.msg);
	CHECK(mig_read_line(sv[1], buf, sizeof(buf), "a line", &err) == 0 && !strcmp(buf, "COMMIT"), "%s", buf);
	CHECK(read(sv[1], rest, 4) == 4 && !memcmp(rest, "SNAP", 4), "bytes after the line were consumed");
	CHECK(write(sv[0], "0123456789abcdefXYZ\n", 20) == 20, "write");
	CHECK(mig_read_line(sv[1], buf, sizeof(buf), "a line", &err) < 0 && strstr(err.msg, "too long"), "%s", err.msg);
	close(sv[0]);
	close(sv[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(write(sv[0], "a\0b\n", 4) == 4, "write");
	CHECK(mig_read_line(sv[1], buf, sizeof(buf), "a line", &err) < 0 && strstr(err.msg, "NUL"), "%s", err.msg);
	close(sv[0]);
	close(sv[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(write(sv[0], "half", 4) == 4, "write");
	close(sv[0]);
	CHECK(mig_read_line(sv[1], buf, sizeof(buf), "the reply", &err) < 0 && strstr(err.msg, "closed mid-line") &&
	      strstr(err.msg, "the reply"), "%s", err.msg);
	close(sv[1]);
}

int main(void)
{
	test_header();
	test_reply();
	test_peers_and_hosts();
	test_lines();
	return check_summary();
}
