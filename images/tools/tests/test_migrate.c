/* Native test of the migration protocol: signed header, replies and commit (migrate_proto.c,
 * mig_auth.c), the framed stream and its MAC and limit (mig_stream.c), the lab key file
 * (lab_key.c), peers, host names and the line reader over a socketpair (nothing read past a line). */
#include "../vpsctl/lab_key.h"
#include "../vpsctl/migrate_proto.h"
#include "../vpsctl/mig_stream.h"

#include <arpa/inet.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* Two ends of one session: the target's challenge, the source's nonce, the same key. */
static void session(struct mig_session *target, struct mig_session *source)
{
	struct vps_err err = { 0 };
	char line[MIG_LINE_MAX], msg[64];

	memset(target, 0, sizeof(*target));
	memset(source, 0, sizeof(*source));
	memset(target->key, 0x5a, sizeof(target->key));
	memcpy(source->key, target->key, sizeof(source->key));
	CHECK(mig_nonce(target->tnonce, &err) == 0 && strlen(target->tnonce) == MIG_HEX_LEN, "%s", err.msg);
	CHECK(mig_nonce(source->snonce, &err) == 0, "%s", err.msg);
	CHECK(strcmp(target->tnonce, source->snonce), "two nonces alike");
	mig_challenge_format(line, sizeof(line), target->tnonce);
	line[strlen(line) - 1] = '\0';
	CHECK(mig_challenge_parse(line, source, msg, sizeof(msg), &err) == 0 && !strcmp(source->tnonce, target->tnonce),
	      "challenge `%s`: %s", line, err.msg);
}

static void test_header(void)
{
	struct vps_err err = { 0 };
	struct mig_session t, s, t2, s2, other;
	enum vps_state st;
	unsigned int id;
	char buf[MIG_LINE_MAX];
	static const char *const bad[] = {
		"", "VPSMIGRATE", "VPSMIGRATE 2", "VPSMIGRATE 2 3", "VPSMIGRATE 1 3 running", "VPSMIGRATE 2 2 running",
		"VPSMIGRATE 2 3 running", "VPSMIGRATE 2 65536 running", "VPSMIGRATE 2 x running", "VPSMIGRATE 2 3 dancing",
		"GET / HTTP/1.0", "vpsmigrate 2 3 running", "VPSMIGRATE -1 3 running",
		"VPSMIGRATE 2 3 running 00 00",
	};

	session(&t, &s);
	for (int v = VPS_STOPPED; v <= VPS_SUSPENDED; v++) {
		mig_header_format(buf, sizeof(buf), 65535, (enum vps_state)v, &s);
		buf[strlen(buf) - 1] = '\0';
		CHECK(mig_header_parse(buf, &t, &id, &st, &err) == 0 && id == 65535 && st == (enum vps_state)v &&
		      !strcmp(t.snonce, s.snonce), "round trip `%s`: %s", buf, err.msg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		CHECK(mig_header_parse(bad[i], &t, &id, &st, &err) < 0 && err.msg[0] && !strchr(err.msg, '\n'),
		      "`%s` accepted or no message", bad[i]);
	}
	mig_header_parse("VPSMIGRATE 7 3 running", &t, &id, &st, &err);
	CHECK(strstr(err.msg, "version 7") != NULL, "%s", err.msg);
	/* a header signed with another key, for another challenge (a replay), or altered: refused */
	mig_header_format(buf, sizeof(buf), 3, VPS_RUNNING, &s);
	buf[strlen(buf) - 1] = '\0';
	other = s;
	memset(other.key, 0x11, sizeof(other.key));
	{
		char forged[MIG_LINE_MAX];

		mig_header_format(forged, sizeof(forged), 3, VPS_RUNNING, &other);
		forged[strlen(forged) - 1] = '\0';
		CHECK(mig_header_parse(forged, &t, &id, &st, &err) < 0 && strstr(err.msg, "authentication failed"),
		      "another key accepted: %s", err.msg);
	}
	session(&t2, &s2);
	CHECK(mig_header_parse(buf, &t2, &id, &st, &err) < 0 && strstr(err.msg, "authentication failed"),
	      "a header replayed to another challenge accepted");
	buf[11] = '2', buf[13] = '4';	/* "VPSMIGRATE 2 4 ..." */
	CHECK(mig_header_parse(buf, &t, &id, &st, &err) < 0, "an altered header accepted: `%s`", buf);
}

static void test_reply(void)
{
	struct vps_err err = { 0 };
	struct mig_session t, s, t2, s2;
	char msg[64], line[MIG_LINE_MAX];
	long ms = -1;

	session(&t, &s);
	t.snonce[0] = '\0';
	memcpy(t.snonce, s.snonce, sizeof(s.snonce));
	mig_ok_format(line, sizeof(line), 412, &t);
	line[strlen(line) - 1] = '\0';
	CHECK(mig_reply_parse(line, &s, &ms, msg, sizeof(msg), &err) == 0 && ms == 412, "ok: %s", err.msg);
	session(&t2, &s2);
	CHECK(mig_reply_parse(line, &s2, &ms, msg, sizeof(msg), &err) < 0 && strstr(err.msg, "authentication failed"),
	      "an OK of another session accepted");
	CHECK(mig_reply_parse("OK 412", &s, &ms, msg, sizeof(msg), &err) < 0, "an unsigned OK accepted");
	CHECK(mig_reply_parse("ERR VPS 3 already has a config", &s, &ms, msg, sizeof(msg), &err) == 1 &&
	      !strcmp(msg, "VPS 3 already has a config"), "err: %s", msg);
	CHECK(mig_reply_parse("ERR ", &s, &ms, msg, sizeof(msg), &err) < 0, "empty ERR accepted");
	CHECK(mig_reply_parse("OK", &s, &ms, msg, sizeof(msg), &err) < 0, "OK without ms accepted");
	CHECK(mig_reply_parse("OK 12x 00", &s, &ms, msg, sizeof(msg), &err) < 0, "OK 12x accepted");
	CHECK(mig_reply_parse("OK -5 00", &s, &ms, msg, sizeof(msg), &err) < 0, "OK -5 accepted");
	CHECK(mig_reply_parse("HELLO", &s, &ms, msg, sizeof(msg), &err) < 0 && strstr(err.msg, "HELLO"), "%s", err.msg);
	mig_commit_format(line, sizeof(line), &s);
	line[strlen(line) - 1] = '\0';
	CHECK(mig_commit_parse(line, &t, &err) == 0, "commit: %s", err.msg);
	CHECK(mig_commit_parse(line, &t2, &err) < 0, "a commit of another session accepted");
	CHECK(mig_commit_parse("COMMIT", &t, &err) < 0 && mig_commit_parse("COMMIT 00", &t, &err) < 0,
	      "an unsigned commit accepted");
	CHECK(mig_challenge_parse("ERR no lab key", &s2, msg, sizeof(msg), &err) == 1 && !strcmp(msg, "no lab key"),
	      "a refusal instead of the challenge: %s", msg);
	CHECK(mig_challenge_parse("VPSRECEIVE 2 xyz", &s2, msg, sizeof(msg), &err) < 0, "a bad nonce accepted");
	CHECK(mig_challenge_parse("VPSRECEIVE 1 00", &s2, msg, sizeof(msg), &err) < 0 && strstr(err.msg, "version 1"),
	      "%s", err.msg);
}

/* The framed stream through a socketpair: what goes in comes out, with its MAC checked; a cap,
 * a flipped byte, another session's MAC and a cut connection are errors. */
static void stream_case(const char *name, size_t len, uint64_t max, int flip, int cut, int other_session,
			const char *want_err)
{
	struct vps_err err = { 0 };
	struct mig_session t, s, t2, s2;
	static unsigned char in[200000], out[200000];
	int sv[2], p[2], src[2];
	uint64_t sent = 0, got = 0;
	size_t n = 0;
	ssize_t k;
	pid_t writer, relay;
	int rc;

	session(&t, &s);
	memcpy(t.snonce, s.snonce, sizeof(s.snonce));
	if (other_session) {
		session(&t2, &s2);
		memcpy(t2.snonce, s2.snonce, sizeof(s2.snonce));
		t = t2;
	}
	for (size_t i = 0; i < len; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(src) == 0, "%s: pipes", name);
	writer = fork();
	if (writer == 0) {	/* the source: the data into a pipe, then framed onto the socket */
		close(sv[1]);
		close(src[0]);
		(void)!write(src[1], in, len);	/* fits in the pipe? no: written by a child */
		_exit(0);
	}
	close(src[1]);
	if (fork() == 0) {
		close(sv[1]);
		if (flip) {
			struct mig_session bad = s;
			bad.key[0] ^= 1;
			_exit(mig_stream_send(sv[0], src[0], &bad, &sent, &err) < 0);
		}
		rc = mig_stream_send(sv[0], src[0], &s, &sent, &err);
		if (cut)
			shutdown(sv[0], SHUT_WR);
		_exit(rc < 0);
	}
	close(sv[0]);
	close(src[0]);
	CHECK(pipe(p) == 0, "%s: pipe", name);
	relay = fork();
	if (relay == 0) {
		close(p[0]);
		_exit(mig_stream_receive(sv[1], p[1], &t, max, &got, &err) < 0 ? 1 : 0);
	}
	close(p[1]);
	close(sv[1]);
	while ((k = read(p[0], out + n, sizeof(out) - n)) > 0)
		n += (size_t)k;
	close(p[0]);
	/* the verdict is the relay's exit status (its messages: test_stream_errors) */
	{
		int status, relay_ok = 0;
		pid_t w;
		while ((w = wait(&status)) > 0)
			if (w == relay)
				relay_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (want_err)
			CHECK(!relay_ok, "%s: accepted", name);
		else
			CHECK(relay_ok && n == len && !memcmp(in, out, len), "%s: %zu of %zu bytes, relay %d", name, n, len,
			      relay_ok);
		if (max < len)
			CHECK(n <= max, "%s: %zu bytes passed on over the limit %llu", name, n, (unsigned long long)max);
	}
}

static void test_stream(void)
{
	stream_case("stream of 150000 bytes", 150000, 1 << 20, 0, 0, 0, NULL);
	stream_case("empty stream", 0, 1 << 20, 0, 0, 0, NULL);
	stream_case("over the limit", 150000, 100000, 0, 0, 0, "limit");
	stream_case("signed with another key", 5000, 1 << 20, 1, 0, 0, "authentication failed");
	stream_case("another session's", 5000, 1 << 20, 0, 0, 1, "authentication failed");
}

/* The relay's error messages, with a hand-made peer on a socketpair. */
static void test_stream_errors(void)
{
	struct vps_err err = { 0 };
	struct mig_session t, s;
	uint64_t got;
	int sv[2], p[2];

	session(&t, &s);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, "pipes");
	CHECK(write(sv[0], "\0\0\0\5abc", 7) == 7, "write");
	shutdown(sv[0], SHUT_WR);
	CHECK(mig_stream_receive(sv[1], p[1], &t, 1 << 20, &got, &err) < 0 && strstr(err.msg, "closed mid-stream"),
	      "cut: %s", err.msg);
	close(sv[0]), close(sv[1]), close(p[0]), close(p[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, "pipes");
	CHECK(write(sv[0], "\0\1\0\1", 4) == 4, "write");
	CHECK(mig_stream_receive(sv[1], p[1], &t, 1 << 20, &got, &err) < 0 && strstr(err.msg, "a frame of 65537"),
	      "big frame: %s", err.msg);
	close(sv[0]), close(sv[1]), close(p[0]), close(p[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, "pipes");
	CHECK(write(sv[0], "\0\0\4\0", 4) == 4, "write");
	CHECK(mig_stream_receive(sv[1], p[1], &t, 1000, &got, &err) < 0 && strstr(err.msg, "limit of 1000 bytes") &&
	      got == 0, "limit: %s", err.msg);
	close(sv[0]), close(sv[1]), close(p[0]), close(p[1]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, "pipes");
	CHECK(write(sv[0], "\0\0\0\0MAC 00\n", 11) == 11, "write");
	CHECK(mig_stream_receive(sv[1], p[1], &t, 1000, &got, &err) < 0 && strstr(err.msg, "authentication failed"),
	      "bad MAC: %s", err.msg);
	close(sv[0]), close(sv[1]), close(p[0]);
}

/* The lab key file: missing, too open, malformed, good. */
static void test_lab_key(void)
{
	struct vps_err err = { 0 };
	unsigned char key[LAB_KEY_LEN];
	char dir[] = "/tmp/test-lab-key.XXXXXX", path[64];
	FILE *f;

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/lab.key", dir);
	CHECK(lab_key_load(path, key, &err) < 0 && strstr(err.msg, "no lab key"), "missing: %s", err.msg);
	f = fopen(path, "w");
	fprintf(f, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	fclose(f);
	chmod(path, 0644);
	CHECK(lab_key_load(path, key, &err) < 0 && strstr(err.msg, "mode 0644"), "mode 0644: %s", err.msg);
	chmod(path, 0600);
	CHECK(lab_key_load(path, key, &err) == 0 && key[0] == 0 && key[31] == 0x1f, "good key: %s", err.msg);
	f = fopen(path, "w");
	fprintf(f, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n");
	fclose(f);
	CHECK(lab_key_load(path, key, &err) < 0 && strstr(err.msg, "not 64 hex digits"), "short: %s", err.msg);
	f = fopen(path, "w");
	fprintf(f, "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	fclose(f);
	CHECK(lab_key_load(path, key, &err) < 0 && strstr(err.msg, "not 64 hex digits"), "not hex: %s", err.msg);
	unlink(path);
	rmdir(dir);
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
	test_stream();
	test_stream_errors();
	test_lab_key();
	test_peers_and_hosts();
	test_lines();
	return check_summary();
}
