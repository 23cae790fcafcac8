/* Native tests of vpsctl/config.c and vpsctl/caps.c; run from tests/ (fixtures/ holds the files). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "../vpsctl/caps.h"
#include "../vpsctl/config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)
#define CAPBIT(c) (1ULL << (c))

#include "check.h"

static char tmpdir[] = "/tmp/vps-test-config.XXXXXX";


static struct vps_ipnet net(const char *addr, int prefix)
{
	struct vps_ipnet n = { 0 };

	n.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(n.family, addr, n.addr) != 1)
		abort();
	n.prefix = prefix;
	return n;
}

static void add_net(struct vps_config *c, const char *addr, int prefix)
{
	c->ipnets[c->n_ipnets++] = net(addr, prefix);
}

static void set_limit(struct vps_config *c, enum vps_resource r, uint64_t soft, uint64_t hard)
{
	c->limits[r] = (struct vps_limit){ .set = 1, .soft = soft, .hard = hard };
}

/* First difference between two configs, or NULL. */
static const char *config_diff(const struct vps_config *a, const struct vps_config *b)
{
	static char why[2048];
	int i;

#define STR(f)                                                                                          \
	if (strcmp(a->f, b->f)) {                                                                       \
		snprintf(why, sizeof(why), #f ": got \"%.900s\", want \"%.900s\"", a->f, b->f);         \
		return why;                                                                             \
	}
	STR(path) STR(name) STR(fsroot) STR(fsroot_priv) STR(init) STR(root_mount) STR(root_unmount)
	STR(network_announce) STR(network_revoke)
#undef STR
	if (a->id != b->id)
		return snprintf(why, sizeof(why), "id: got %u, want %u", a->id, b->id), why;
	if (a->nested_userns != b->nested_userns)
		return snprintf(why, sizeof(why), "nested_userns: got %d, want %d", a->nested_userns, b->nested_userns), why;
	if (a->n_ipnets != b->n_ipnets)
		return snprintf(why, sizeof(why), "n_ipnets: got %d, want %d", a->n_ipnets, b->n_ipnets), why;
	for (i = 0; i < a->n_ipnets; i++) {
		char x[64], y[64];

		vps_ipnet_format(&a->ipnets[i], x, sizeof(x));
		vps_ipnet_format(&b->ipnets[i], y, sizeof(y));
		if (a->ipnets[i].family != b->ipnets[i].family || a->ipnets[i].prefix != b->ipnets[i].prefix ||
		    memcmp(a->ipnets[i].addr, b->ipnets[i].addr, 16))
			return snprintf(why, sizeof(why), "ipnets[%d]: got %s, want %s", i, x, y), why;
	}
	for (i = 0; i < RES_COUNT; i++) {
		const struct vps_limit *x = &a->limits[i], *y = &b->limits[i];

		if (x->set != y->set || x->soft != y->soft || x->hard != y->hard)
			return snprintf(why, sizeof(why), "limits[%s]: got %d:%llu:%llu, want %d:%llu:%llu",
					vps_resource_name(i), x->set, (unsigned long long)x->soft,
					(unsigned long long)x->hard, y->set, (unsigned long long)y->soft,
					(unsigned long long)y->hard), why;
	}
	if (a->priv_allow != b->priv_allow)
		return snprintf(why, sizeof(why), "priv_allow: got %#llx, want %#llx",
				(unsigned long long)a->priv_allow, (unsigned long long)b->priv_allow), why;
	if (a->priv_nosys != b->priv_nosys)
		return snprintf(why, sizeof(why), "priv_nosys: got %#llx, want %#llx",
				(unsigned long long)a->priv_nosys, (unsigned long long)b->priv_nosys), why;
	return NULL;
}

/* ---- expected structs for the good fixtures ---- */

static void want_full(struct vps_config *c)
{
	vps_config_init(c, 7);
	strcpy(c->path, "fixtures/good_full.conf");
	strcpy(c->name, "web-1.example");
	strcpy(c->init, "/sbin/init --log-level=info");
	strcpy(c->root_mount, "mount -t overlay overlay -o lowerdir=/vps/template,upperdir=/vps/priv/7/up,"
			      "workdir=/vps/priv/7/work /vps/root/7");
	strcpy(c->root_unmount, "umount /vps/root/7");
	strcpy(c->network_announce, "echo announce # not a comment");
	strcpy(c->network_revoke, "echo revoke");
	add_net(c, "10.0.7.1", 32);
	add_net(c, "10.0.8.0", 24);
	add_net(c, "192.168.1.5", 24);
	add_net(c, "fd00:7::1", 128);
	add_net(c, "fd00:8::", 64);
	set_limit(c, RES_PHYS, 64 * MiB, 128 * MiB);
	set_limit(c, RES_VIRT, 1 * GiB, 2 * GiB);
	set_limit(c, RES_PCTCPU, 50, 100);
	set_limit(c, RES_BLOCKIO, 10 * MiB, 20 * MiB);
	set_limit(c, RES_THREADS, 100, 200);
	set_limit(c, RES_PROCS, 50, 100);
	set_limit(c, RES_DISK, 512 * MiB, 1 * TiB);
	set_limit(c, RES_FILES, 1000, 2000);
	set_limit(c, RES_TCPSOCK, 10, VPS_UNLIMITED);
	set_limit(c, RES_NETSPEED, 10000000, 100000000);
	c->priv_allow = CAPBIT(CAP_NET_ADMIN) | CAPBIT(CAP_SYS_TIME);
	c->nested_userns = 1;
	c->priv_nosys = CAPBIT(CAP_MKNOD) | CAPBIT(CAP_NET_RAW);
}

static void want_styles(struct vps_config *c)
{
	vps_config_init(c, 2);
	strcpy(c->path, "fixtures/good_styles.conf");
	strcpy(c->name, "db_2");
	strcpy(c->fsroot, "/srv/vps root/2");
	strcpy(c->fsroot_priv, "/srv/vps-priv/2/");
	strcpy(c->init, "/bin/sh -c \"exec /sbin/init\" \\ end\\n");
	strcpy(c->root_unmount, "  padded  ");
	strcpy(c->network_announce, "/bin/echo C:\\dir");
	add_net(c, "2001:db8::5", 64);
	add_net(c, "10.1.2.3", 32);
	add_net(c, "0.0.0.0", 0);
	set_limit(c, RES_PHYS, VPS_UNLIMITED, VPS_UNLIMITED);
	set_limit(c, RES_NETSPEED, 1000000000, 1000000000);
	set_limit(c, RES_BLOCKIO, 100, 1024);
	c->priv_nosys = CAPBIT(CAP_SYS_CHROOT);
}

static void want_minimal(struct vps_config *c)
{
	vps_config_init(c, 3);
	strcpy(c->path, "fixtures/good_minimal.conf");
}

static void want_empty(struct vps_config *c)
{
	vps_config_init(c, 3);
	strcpy(c->path, "fixtures/good_empty.conf");
}

static void want_crlf(struct vps_config *c)
{
	vps_config_init(c, 4);
	strcpy(c->path, "fixtures/good_crlf.conf");
	strcpy(c->name, "win");
	add_net(c, "10.2.0.1", 16);
}

static void want_long_line(struct vps_config *c)
{
	vps_config_init(c, 5);
	strcpy(c->path, "fixtures/good_long_line.conf");
	strcpy(c->name, "long");
}

static const struct good {
	const char *file;
	void (*want)(struct vps_config *c);
} goods[] = {
	{ "fixtures/good_full.conf", want_full },
	{ "fixtures/good_styles.conf", want_styles },
	{ "fixtures/good_minimal.conf", want_minimal },
	{ "fixtures/good_empty.conf", want_empty },
	{ "fixtures/good_crlf.conf", want_crlf },
	{ "fixtures/good_long_line.conf", want_long_line },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_defaults(void)
{
	struct vps_config c;

	vps_config_init(&c, 42);
	if (strcmp(c.name, "vps42") || strcmp(c.fsroot, "/vps/root/42") || strcmp(c.fsroot_priv, "/vps/priv/42") ||
	    strcmp(c.init, "/sbin/init") || c.n_ipnets || c.root_mount[0] || c.priv_allow || c.priv_nosys ||
	    c.limits[RES_PHYS].set || c.id != 42)
		result("defaults of VPS 42", "got name=%s fsroot=%s priv=%s init=%s", c.name, c.fsroot,
		       c.fsroot_priv, c.init);
	else
		result("defaults of VPS 42", NULL);
}

static void test_good(void)
{
	struct vps_config got, want;
	struct vps_err err;
	char name[128];
	const char *diff;
	size_t i;

	for (i = 0; i < N(goods); i++) {
		snprintf(name, sizeof(name), "parse %s", goods[i].file);
		goods[i].want(&want);
		vps_config_init(&got, want.id);
		if (vps_config_parse(goods[i].file, &got, &err) < 0)
			result(name, "%s", err.msg);
		else if ((diff = config_diff(&got, &want)))
			result(name, "%s", diff);
		else
			result(name, NULL);
	}
}

static const struct bad {
	const char *file, *msg;
	int errnum;
} bads[] = {
	{ "fixtures/bad_unknown_key.conf", "fixtures/bad_unknown_key.conf:2: unknown key \"FOO\"", 0 },
	{ "fixtures/bad_missing_eq.conf", "fixtures/bad_missing_eq.conf:2: missing \"=\" in \"NAME web1\"", 0 },
	{ "fixtures/bad_empty_name.conf", "fixtures/bad_empty_name.conf:3: empty name before \"=\"", 0 },
	{ "fixtures/bad_unterminated.conf", "fixtures/bad_unterminated.conf:2: INIT: unterminated quote", 0 },
	{ "fixtures/bad_after_quote.conf",
	  "fixtures/bad_after_quote.conf:1: INIT: unexpected text \"--foo\" after the closing quote", 0 },
	{ "fixtures/bad_stray_quote.conf",
	  "fixtures/bad_stray_quote.conf:2: INIT: unexpected '\"' in an unquoted value; quote the whole value and write \\\" inside", 0 },
	{ "fixtures/bad_twice.conf", "fixtures/bad_twice.conf:3: NAME given twice (first on line 1)", 0 },
	{ "fixtures/bad_long_line.conf", "fixtures/bad_long_line.conf:2: line is longer than 4096 bytes", 0 },
	{ "fixtures/bad_nul.conf", "fixtures/bad_nul.conf:2: NUL byte in line", 0 },
	{ "fixtures/bad_ipv4.conf",
	  "fixtures/bad_ipv4.conf:7: IP_NETWORKS: \"10.0.0.300/24\" is not an IPv4 or IPv6 address", 0 },
	{ "fixtures/bad_prefix.conf",
	  "fixtures/bad_prefix.conf:1: IP_NETWORKS: \"10.0.0.1/33\": prefix length must be from 0 to 32", 0 },
	{ "fixtures/bad_prefix6.conf",
	  "fixtures/bad_prefix6.conf:1: IP_NETWORKS: \"fd00::1/129\": prefix length must be from 0 to 128", 0 },
	{ "fixtures/bad_mask.conf",
	  "fixtures/bad_mask.conf:1: IP_NETWORKS: \"10.0.0.1/255.0.255.0\": netmask 255.0.255.0 is not contiguous", 0 },
	{ "fixtures/bad_prefix_word.conf",
	  "fixtures/bad_prefix_word.conf:1: IP_NETWORKS: \"10.0.0.1/abc\": \"abc\" is not a prefix length or a netmask", 0 },
	{ "fixtures/bad_ip_twice.conf", "fixtures/bad_ip_twice.conf:1: IP_NETWORKS: address 10.0.0.1 is listed twice", 0 },
	{ "fixtures/bad_ip_many.conf", "fixtures/bad_ip_many.conf:1: IP_NETWORKS: more than 16 addresses", 0 },
	{ "fixtures/bad_ip_empty_item.conf",
	  "fixtures/bad_ip_empty_item.conf:1: IP_NETWORKS: empty entry in \"10.0.0.1,,10.0.0.2\"", 0 },
	{ "fixtures/bad_limit_resource.conf",
	  "fixtures/bad_limit_resource.conf:1: LIMITS: unknown resource \"mem\" (resources: phys, virt, pctcpu, "
	  "blockio, threads, procs, disk, files, tcpsock, netspeed)", 0 },
	{ "fixtures/bad_limit_shape.conf", "fixtures/bad_limit_shape.conf:1: LIMITS: \"phys:64M\" is not resource:soft:hard", 0 },
	{ "fixtures/bad_limit_size.conf",
	  "fixtures/bad_limit_size.conf:1: LIMITS: phys: \"64Q\" is not a size (a whole number with an optional K, M, G "
	  "or T suffix, or \"unlimited\")", 0 },
	{ "fixtures/bad_limit_count.conf",
	  "fixtures/bad_limit_count.conf:1: LIMITS: procs: \"10K\" is not a count (a whole number or \"unlimited\")", 0 },
	{ "fixtures/bad_limit_pctcpu.conf",
	  "fixtures/bad_limit_pctcpu.conf:1: LIMITS: pctcpu: \"0\" is not a percentage from 1 to 6400 (100 per CPU) or "
	  "\"unlimited\"", 0 },
	{ "fixtures/bad_limit_order.conf",
	  "fixtures/bad_limit_order.conf:1: LIMITS: phys: soft limit 128M is above hard limit 64M", 0 },
	{ "fixtures/bad_limit_twice.conf", "fixtures/bad_limit_twice.conf:1: LIMITS: procs is given twice", 0 },
	{ "fixtures/bad_limit_netspeed.conf",
	  "fixtures/bad_limit_netspeed.conf:1: LIMITS: netspeed: \"10MB\" is not a rate in bits/s (a whole number with "
	  "an optional k, m or g suffix, or \"unlimited\")", 0 },
	{ "fixtures/bad_limit_big.conf", "fixtures/bad_limit_big.conf:1: LIMITS: disk: \"16777216T\" is too large", 0 },
	{ "fixtures/bad_name.conf",
	  "fixtures/bad_name.conf:1: NAME: \"web 1\" is not a valid name: 1 to 63 letters, digits, '.', '_' or '-', "
	  "starting with a letter or digit", 0 },
	{ "fixtures/bad_name_long.conf",
	  "fixtures/bad_name_long.conf:1: NAME: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a "
	  "valid name: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit", 0 },
	{ "fixtures/bad_fsroot_relative.conf",
	  "fixtures/bad_fsroot_relative.conf:1: FSROOT: \"vps/root/3\" is not an absolute path", 0 },
	{ "fixtures/bad_fsroot_dotdot.conf",
	  "fixtures/bad_fsroot_dotdot.conf:1: FSROOT_PRIV: \"/vps/priv/../../etc\" must not contain \"..\" components", 0 },
	{ "fixtures/bad_fsroot_slash.conf", "fixtures/bad_fsroot_slash.conf:1: FSROOT: \"//\" is the host's root directory", 0 },
	{ "fixtures/bad_init_empty.conf", "fixtures/bad_init_empty.conf:2: INIT: must not be empty", 0 },
	{ "fixtures/bad_cmd_long.conf", "fixtures/bad_cmd_long.conf:1: ROOT_MOUNT: value is 1100 bytes long, at most 1023 fit", 0 },
	{ "fixtures/bad_priv_unknown.conf", "fixtures/bad_priv_unknown.conf:1: PRIV_ALLOW: unknown capability \"sys_foo\"", 0 },
	{ "fixtures/bad_priv_overlap.conf",
	  "fixtures/bad_priv_overlap.conf:2: PRIV_NOSYS: sys_time both allowed (PRIV_ALLOW) and removed (PRIV_NOSYS)", 0 },
	{ "fixtures/bad_nested_userns.conf",
	  "fixtures/bad_nested_userns.conf:1: NESTED_USERNS: \"maybe\" is neither yes nor no", 0 },
	{ "fixtures/no_such_file.conf", "open `fixtures/no_such_file.conf`: No such file or directory", ENOENT },
	{ "fixtures", "read `fixtures`: Is a directory", EISDIR },
};

static void test_bad(void)
{
	struct vps_config got, fresh;
	struct vps_err err;
	char name[128];
	const char *diff;
	size_t i;

	for (i = 0; i < N(bads); i++) {
		snprintf(name, sizeof(name), "error from %s", bads[i].file);
		vps_config_init(&got, 3);
		vps_config_init(&fresh, 3);
		memset(&err, 0, sizeof(err));
		if (vps_config_parse(bads[i].file, &got, &err) == 0)
			result(name, "parsed without error");
		else if (strcmp(err.msg, bads[i].msg))
			result(name, "got  %s\n     want %s", err.msg, bads[i].msg);
		else if (err.errnum != bads[i].errnum)
			result(name, "errnum %d, want %d", err.errnum, bads[i].errnum);
		else if ((diff = config_diff(&got, &fresh)))
			result(name, "config changed on error: %s", diff);
		else
			result(name, NULL);
	}
}

/* Files in tmpdir other than the ones named, e.g. left-over temporaries. */
static int stray_files(const char *keep)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep))
			n++;
	closedir(d);
	return n;
}

static void round_trip(const char *name, const struct vps_config *orig)
{
	struct vps_config back, want = *orig;
	struct vps_err err;
	struct stat st;
	char path[PATH_MAX];
	const char *diff;

	snprintf(path, sizeof(path), "%s/vps_%u.conf", tmpdir, orig->id);
	strcpy(want.path, path);
	vps_config_init(&back, orig->id);
	if (vps_config_write(path, orig, &err) < 0)
		result(name, "write: %s", err.msg);
	else if (stat(path, &st) < 0 || (st.st_mode & 07777) != 0644)
		result(name, "mode %o, want 0644", st.st_mode & 07777);
	else if (stray_files(strrchr(path, '/') + 1) != 0)
		result(name, "temporary files left in %s", tmpdir);
	else if (vps_config_parse(path, &back, &err) < 0)
		result(name, "parse back: %s", err.msg);
	else if ((diff = config_diff(&back, &want)))
		result(name, "%s", diff);
	else
		result(name, NULL);
	unlink(path);
}

static void test_round_trip(void)
{
	struct vps_config c;
	struct vps_err err;
	char name[128];
	size_t i;
	int r;

	for (i = 0; i < N(goods); i++) {
		snprintf(name, sizeof(name), "round trip of %s", goods[i].file);
		goods[i].want(&c);
		vps_config_init(&c, c.id);
		if (vps_config_parse(goods[i].file, &c, &err) < 0) {
			result(name, "%s", err.msg);
			continue;
		}
		round_trip(name, &c);
	}

	/* Values that need quoting, every capability, every resource, a full address table. */
	vps_config_init(&c, 65535);
	strcpy(c.name, "A.b_c-9");
	strcpy(c.fsroot, "/with space/and#hash");
	strcpy(c.init, "/bin/sh -c \"echo \\\"hi\\\" # not a comment\"");
	strcpy(c.root_mount, " leading and trailing\t");
	strcpy(c.root_unmount, "back\\slash\\");
	strcpy(c.network_announce, "\"");
	strcpy(c.network_revoke, "tab\there");
	for (r = 0; r < VPS_MAX_IPNETS; r++) {
		char a[64];

		snprintf(a, sizeof(a), r % 2 ? "10.%d.0.1" : "fd00:%x::1", r);
		add_net(&c, a, r % 2 ? 8 + r : 48 + r);
	}
	for (r = 0; r < RES_COUNT; r++)
		set_limit(&c, r, r + 1, r == RES_PCTCPU ? 6400 : r % 3 == 0 ? VPS_UNLIMITED : 3 * TiB + 1025);
	set_limit(&c, RES_NETSPEED, 1500, 2000);
	for (r = 0; r <= CAP_LAST_CAP; r++)
		*(r % 2 ? &c.priv_allow : &c.priv_nosys) |= CAPBIT(r);
	round_trip("round trip of quoting, every capability, resource and 16 addresses", &c);

	/* The writer refuses what the parser would refuse, and leaves nothing behind. */
	vps_config_init(&c, 3);
	strcpy(c.name, "bad name");
	snprintf(name, sizeof(name), "%s/vps_3.conf", tmpdir);
	r = vps_config_write(name, &c, &err);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "write `%s`: NAME: \"bad name\" is not a valid name: 1 to 63 letters, digits, '.', '_' or '-', "
			 "starting with a letter or digit", name);
		if (r == 0 || strcmp(err.msg, want) || stray_files("") != 0)
			result("write refuses an invalid NAME", "got %s", r == 0 ? "success" : err.msg);
		else
			result("write refuses an invalid NAME", NULL);
	}
	vps_config_init(&c, 3);
	strcpy(c.root_mount, "two\nlines");
	r = vps_config_write(name, &c, &err);
	if (r == 0 || !strstr(err.msg, "ROOT_MOUNT: \"two\\x0alines\" holds a line break"))
		result("write refuses a line break", "got %s", r == 0 ? "success" : err.msg);
	else
		result("write refuses a line break", NULL);
	vps_config_init(&c, 3);
	r = vps_config_write("/nonexistent-dir/vps_3.conf", &c, &err);
	if (r == 0 || strcmp(err.msg, "create a temporary file for `/nonexistent-dir/vps_3.conf`: No such file or directory"))
		result("write into a missing directory", "got %s", r == 0 ? "success" : err.msg);
	else
		result("write into a missing directory", NULL);

	/* Rewriting replaces the old file. */
	vps_config_init(&c, 3);
	vps_config_write(name, &c, &err);
	strcpy(c.name, "second");
	if (vps_config_write(name, &c, &err) < 0)
		result("rewrite replaces the file", "%s", err.msg);
	else {
		vps_config_init(&c, 3);
		if (vps_config_parse(name, &c, &err) < 0 || strcmp(c.name, "second") || stray_files("vps_3.conf"))
			result("rewrite replaces the file", "name %s", c.name);
		else
			result("rewrite replaces the file", NULL);
	}
	unlink(name);
}

static void test_ids(void)
{
	static const struct {
		const char *s;
		unsigned int id;	/* 0: must fail */
	} cases[] = {
		{ "3", 3 }, { "65535", 65535 }, { "1000", 1000 }, { "2", 0 }, { "0", 0 }, { "1", 0 },
		{ "65536", 0 }, { "99999", 0 }, { "123456", 0 }, { "", 0 }, { "x", 0 }, { "03", 0 },
		{ "+3", 0 }, { "-3", 0 }, { " 3", 0 }, { "3 ", 0 }, { "3x", 0 }, { "0x10", 0 },
		{ "18446744073709551619", 0 },
	};
	struct vps_err err;
	unsigned int id;
	char name[64], want[128];
	size_t i;
	int r;

	for (i = 0; i < N(cases); i++) {
		snprintf(name, sizeof(name), "VPS id \"%s\"", cases[i].s);
		id = 0;
		r = vps_parse_id(cases[i].s, &id, &err);
		snprintf(want, sizeof(want), "VPS id \"%s\": must be a number from 3 to 65535", cases[i].s);
		if (cases[i].id && (r < 0 || id != cases[i].id))
			result(name, "got %d id %u", r, id);
		else if (!cases[i].id && (r == 0 || strcmp(err.msg, want)))
			result(name, "got %s", r == 0 ? "success" : err.msg);
		else
			result(name, NULL);
	}
	r = vps_parse_id(NULL, &id, &err);
	result("VPS id NULL", r < 0 && !strcmp(err.msg, "VPS id \"\": must be a number from 3 to 65535") ? NULL : "%s",
	       err.msg);
}

static void test_ipnets(void)
{
	static const struct {
		const char *in, *out;	/* out: formatted list, or the error */
	} cases[] = {
		{ "", "" },
		{ "  ", "" },
		{ "10.0.0.1", "10.0.0.1/32" },
		{ "10.0.0.1/255.255.255.255", "10.0.0.1/32" },
		{ "0.0.0.0/0.0.0.0, ::/0", "0.0.0.0/0, ::/0" },
		{ "::1, FD00:0:0::A/7", "::1/128, fd00::a/7" },
		{ "192.168.0.9/255.255.128.0", "192.168.0.9/17" },
		{ "10.0.0.1/", "\"10.0.0.1/\": prefix length missing after \"/\"" },
		{ "010.0.0.1", "\"010.0.0.1\" is not an IPv4 or IPv6 address" },
		{ "10.0.0", "\"10.0.0\" is not an IPv4 or IPv6 address" },
		{ "fe80::1%eth0", "\"fe80::1%eth0\" is not an IPv4 or IPv6 address" },
		{ "fd00::1/255.255.0.0", "\"fd00::1/255.255.0.0\": \"255.255.0.0\" is not a prefix length" },
		{ "10.0.0.1/0024", "\"10.0.0.1/0024\": \"0024\" is not a prefix length or a netmask" },
		{ "10.0.0.1/-1", "\"10.0.0.1/-1\": \"-1\" is not a prefix length or a netmask" },
		{ "10.0.0.1,", "empty entry in \"10.0.0.1,\"" },
		{ "fd00::1, FD00:0::1/64", "address fd00::1 is listed twice" },
	};
	struct vps_config c;
	struct vps_err err;
	char got[1024], name[128], buf[64];
	size_t i;
	int j;

	for (i = 0; i < N(cases); i++) {
		snprintf(name, sizeof(name), "IP_NETWORKS \"%s\"", cases[i].in);
		vps_config_init(&c, 3);
		add_net(&c, "192.0.2.1", 32);
		if (vps_parse_ipnets(cases[i].in, &c, &err) < 0) {
			snprintf(got, sizeof(got), "%s", err.msg);
			if (c.n_ipnets != 1) {
				result(name, "list changed on error");
				continue;
			}
		} else {
			got[0] = '\0';
			for (j = 0; j < c.n_ipnets; j++) {
				vps_ipnet_format(&c.ipnets[j], buf, sizeof(buf));
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", j ? ", " : "", buf);
			}
		}
		result(name, strcmp(got, cases[i].out) ? "got \"%s\", want \"%s\"" : NULL, got, cases[i].out);
	}
}

static void test_limits(void)
{
	static const struct {
		const char *in;
		enum vps_resource r;
		uint64_t soft, hard;
		const char *err;
	} cases[] = {
		{ "phys:1024K:1kb", RES_PHYS, MiB, 1024, "phys: soft limit 1024K is above hard limit 1kb" },
		{ "phys:1kb:1024K", RES_PHYS, 1024, MiB, NULL },
		{ " virt : 5T : UNLIMITED ", RES_VIRT, 5 * TiB, VPS_UNLIMITED, NULL },
		{ "disk:100b:100", RES_DISK, 100, 100, NULL },
		{ "pctcpu:6400:6400", RES_PCTCPU, 6400, 6400, NULL },
		{ "pctcpu:1:unlimited", RES_PCTCPU, 1, VPS_UNLIMITED, NULL },
		{ "pctcpu:6401:6401", RES_PCTCPU, 0, 0,
		  "pctcpu: \"6401\" is not a percentage from 1 to 6400 (100 per CPU) or \"unlimited\"" },
		{ "pctcpu:50%:100", RES_PCTCPU, 0, 0,
		  "pctcpu: \"50%\" is not a percentage from 1 to 6400 (100 per CPU) or \"unlimited\"" },
		{ "netspeed:1500:2K", RES_NETSPEED, 1500, 2000, NULL },
		{ "netspeed:1t:1t", RES_NETSPEED, 0, 0,
		  "netspeed: \"1t\" is not a rate in bits/s (a whole number with an optional k, m or g suffix, or "
		  "\"unlimited\")" },
		{ "files:0:0", RES_FILES, 0, 0, NULL },
		{ "Threads:10:10", RES_THREADS, 10, 10, NULL },
		{ "phys:-1:2", RES_PHYS, 0, 0,
		  "phys: \"-1\" is not a size (a whole number with an optional K, M, G or T suffix, or \"unlimited\")" },
		{ "phys:1.5G:2G", RES_PHYS, 0, 0,
		  "phys: \"1.5G\" is not a size (a whole number with an optional K, M, G or T suffix, or \"unlimited\")" },
		{ "phys:1 G:2G", RES_PHYS, 0, 0,
		  "phys: \"1 G\" is not a size (a whole number with an optional K, M, G or T suffix, or \"unlimited\")" },
		{ "phys::2G", RES_PHYS, 0, 0,
		  "phys: \"\" is not a size (a whole number with an optional K, M, G or T suffix, or \"unlimited\")" },
		{ "procs:18446744073709551614:18446744073709551614", RES_PROCS, UINT64_MAX - 1, UINT64_MAX - 1, NULL },
		{ "procs:1:18446744073709551615", RES_PROCS, 0, 0, "procs: \"18446744073709551615\" is too large" },
		{ "procs:1:99999999999999999999", RES_PROCS, 0, 0, "procs: \"99999999999999999999\" is too large" },
		{ "phys:1:2:3", RES_PHYS, 0, 0, "\"phys:1:2:3\" is not resource:soft:hard" },
		{ "phys:1:2,", RES_PHYS, 0, 0, "empty entry in \"phys:1:2,\"" },
	};
	struct vps_config c;
	struct vps_err err;
	char name[128];
	size_t i;
	int r;

	for (i = 0; i < N(cases); i++) {
		snprintf(name, sizeof(name), "LIMITS \"%s\"", cases[i].in);
		vps_config_init(&c, 3);
		set_limit(&c, RES_TCPSOCK, 1, 2);
		r = vps_parse_limits(cases[i].in, &c, &err);
		if (cases[i].err) {
			if (r == 0 || strcmp(err.msg, cases[i].err))
				result(name, "got %s, want %s", r == 0 ? "success" : err.msg, cases[i].err);
			else if (c.limits[cases[i].r].set)
				result(name, "limits changed on error");
			else
				result(name, NULL);
		} else if (r < 0) {
			result(name, "%s", err.msg);
		} else if (!c.limits[cases[i].r].set || c.limits[cases[i].r].soft != cases[i].soft ||
			   c.limits[cases[i].r].hard != cases[i].hard) {
			result(name, "got %llu:%llu", (unsigned long long)c.limits[cases[i].r].soft,
			       (unsigned long long)c.limits[cases[i].r].hard);
		} else if (!c.limits[RES_TCPSOCK].set || c.limits[RES_TCPSOCK].hard != 2) {
			result(name, "a limit not in the list was changed");
		} else {
			result(name, NULL);
		}
	}
}

static void test_formatters(void)
{
	static const struct {
		enum vps_resource r;
		uint64_t v;
		const char *want;
	} cases[] = {
		{ RES_PHYS, 64 * MiB, "64M" }, { RES_PHYS, 1536, "1536" }, { RES_PHYS, 3 * TiB, "3T" },
		{ RES_DISK, 2048 * TiB, "2048T" }, { RES_BLOCKIO, 0, "0" }, { RES_VIRT, VPS_UNLIMITED, "unlimited" },
		{ RES_NETSPEED, 10000000, "10m" }, { RES_NETSPEED, 1024, "1024" }, { RES_NETSPEED, 3000000000ULL, "3g" },
		{ RES_PROCS, 1024, "1024" }, { RES_PCTCPU, 250, "250" }, { RES_COUNT, 5, "5" },
	};
	struct vps_ipnet n = net("fd00:8::", 64);
	char buf[64], name[96];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		vps_limit_value_format(cases[i].r, cases[i].v, buf, sizeof(buf));
		snprintf(name, sizeof(name), "format %s value %s", vps_resource_name(cases[i].r), cases[i].want);
		result(name, strcmp(buf, cases[i].want) ? "got %s" : NULL, buf);
	}
	vps_ipnet_format(&n, buf, sizeof(buf));
	result("format fd00:8::/64", strcmp(buf, "fd00:8::/64") ? "got %s" : NULL, buf);
	n = net("10.0.3.1", 24);
	vps_ipnet_format(&n, buf, sizeof(buf));
	result("format 10.0.3.1/24", strcmp(buf, "10.0.3.1/24") ? "got %s" : NULL, buf);
	result("resource names", strcmp(vps_resource_name(RES_TCPSOCK), "tcpsock") ||
				 strcmp(vps_resource_name(RES_NETSPEED), "netspeed") ||
				 strcmp(vps_resource_name(RES_COUNT), "unknown") ? "wrong" : NULL);
}

static void test_caps(void)
{
	static const struct {
		const char *in;
		uint64_t mask;
		const char *err;
	} cases[] = {
		{ "chown,CHOWN,cap_chown,CAP_CHOWN", CAPBIT(CAP_CHOWN), NULL },
		{ " net_admin , Sys_Time ", CAPBIT(CAP_NET_ADMIN) | CAPBIT(CAP_SYS_TIME), NULL },
		{ "Cap_Checkpoint_Restore", CAPBIT(CAP_CHECKPOINT_RESTORE), NULL },
		{ "", 0, NULL },
		{ "sys_foo", 0, "unknown capability \"sys_foo\"" },
		{ "cap_", 0, "unknown capability \"cap_\"" },
		{ "capchown", 0, "unknown capability \"capchown\"" },
		{ "chown,,kill", 0, "empty entry in capability list" },
		{ "41", 0, "unknown capability \"41\"" },
	};
	uint64_t mask, all = (1ULL << (CAP_LAST_CAP + 1)) - 1, def = vps_caps_default();
	struct vps_err err;
	char buf[1024], name[96];
	size_t i;
	int r, c;

	for (i = 0; i < N(cases); i++) {
		snprintf(name, sizeof(name), "capabilities \"%s\"", cases[i].in);
		mask = 12345;
		r = vps_caps_parse(cases[i].in, &mask, &err);
		if (cases[i].err)
			result(name, r == 0 || strcmp(err.msg, cases[i].err) ? "got %s" : NULL,
			       r == 0 ? "success" : err.msg);
		else
			result(name, r < 0 || mask != cases[i].mask ? "got %#llx" : NULL, (unsigned long long)mask);
	}

	for (c = 0, r = 0; c <= CAP_LAST_CAP; c++)
		if (!vps_cap_name(c) || vps_caps_parse(vps_cap_name(c), &mask, &err) < 0 || mask != CAPBIT(c))
			r = -1;
	result("every capability 0..40 has a name that parses back",
	       r < 0 || vps_cap_name(CAP_LAST_CAP + 1) || strcmp(vps_cap_name(40), "checkpoint_restore") ? "no" : NULL);
	vps_caps_format(all, buf, sizeof(buf));
	result("format and parse every capability",
	       vps_caps_parse(buf, &mask, &err) < 0 || mask != all || strncmp(buf, "chown,dac_override,", 19) ? "got %s"
													     : NULL,
	       buf);
	vps_caps_format(def, buf, sizeof(buf));
	result("default set",
	       strcmp(buf, "chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap,net_bind_service,net_raw,"
			   "sys_chroot,mknod,audit_write,setfcap")
		       ? "got %s"
		       : NULL,
	       buf);
	result("default set leaves out the dangerous ones",
	       def & (CAPBIT(CAP_SYS_ADMIN) | CAPBIT(CAP_SYS_MODULE) | CAPBIT(CAP_SYS_BOOT) | CAPBIT(CAP_SYS_TIME) |
		      CAPBIT(CAP_SYS_RAWIO) | CAPBIT(CAP_NET_ADMIN) | CAPBIT(CAP_SYS_RESOURCE) |
		      CAPBIT(CAP_SYS_PTRACE) | CAPBIT(CAP_DAC_READ_SEARCH) | CAPBIT(CAP_LINUX_IMMUTABLE) |
		      CAPBIT(CAP_MAC_ADMIN) | CAPBIT(CAP_BPF) | CAPBIT(CAP_SYSLOG))
		       ? "has %#llx"
		       : NULL,
	       (unsigned long long)def);
	vps_caps_format(def, buf, 12);
	result("format truncates into a small buffer", strcmp(buf, "chown") ? "got %s" : NULL, buf);
	vps_caps_format(0, buf, sizeof(buf));
	result("format the empty set", buf[0] ? "got %s" : NULL, buf);
}

static uint64_t status_mask(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long v = ~0ULL;
	size_t n = strlen(field);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			sscanf(line + n + 1, "%llx", &v);
	if (f)
		fclose(f);
	return v;
}

/* In a child: drop to the default set and read the result back from /proc. */
static void test_apply_bounding(void)
{
	const char *name = "apply the default bounding set in a child process";
	struct vps_err err;
	int status, last = CAP_LAST_CAP;
	FILE *f;
	pid_t pid;

	if (geteuid() != 0) {
		printf("skip %s: not root\n", name);
		return;
	}
	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint64_t want = vps_caps_default() & ((last >= 63 ? 0 : 1ULL << (last + 1)) - 1);

		if (vps_caps_apply_bounding(vps_caps_default(), &err) < 0) {
			printf("     %s\n", err.msg);
			_exit(1);
		}
		if (status_mask("CapBnd") != want || status_mask("CapInh") != 0 || status_mask("CapAmb") != 0) {
			printf("     CapBnd %llx (want %llx) CapInh %llx CapAmb %llx\n",
			       (unsigned long long)status_mask("CapBnd"), (unsigned long long)want,
			       (unsigned long long)status_mask("CapInh"), (unsigned long long)status_mask("CapAmb"));
			_exit(1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		result(name, "child failed");
	else
		result(name, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_defaults();
	test_good();
	test_bad();
	test_round_trip();
	test_ids();
	test_ipnets();
	test_limits();
	test_formatters();
	test_caps();
	test_apply_bounding();
	rmdir(tmpdir);
	return check_summary();
}
