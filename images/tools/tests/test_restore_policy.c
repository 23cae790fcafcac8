/* Native test of what a snapshot or migration stream may set on this host: the restored config
 * (vpsctl/restore_policy.c) and extended attributes (vpsctl/snap_xattr.c). */
#include "../vpsctl/restore_policy.h"
#include "../vpsctl/snap_xattr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* cfg parsed from text as the config of VPS src. */
static int parse(const char *text, unsigned int src, struct vps_config *cfg, struct vps_err *err)
{
	char path[] = "/tmp/test-restore-policy.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return vps_error(err, 0, "temp file");
	close(fd);
	vps_config_init(cfg, src);
	rc = vps_config_parse(path, cfg, err);
	unlink(path);
	return rc;
}

static void test_apply(void)
{
	static const struct {
		const char *text, *want_err;	/* NULL: accepted */
	} cases[] = {
		{ "NAME = web\nIP_NETWORKS = 10.0.3.1/24\nINIT = /sbin/init\nLIMITS = procs:64:64\nPRIV_NOSYS = net_raw\n", NULL },
		{ "NETWORK_ANNOUNCE = \"touch /tmp/pwned\"\n", "sets NETWORK_ANNOUNCE: host commands are never taken" },
		{ "NETWORK_REVOKE = \"true\"\n", "sets NETWORK_REVOKE" },
		{ "ROOT_MOUNT = \"true\"\n", "sets ROOT_MOUNT" },
		{ "ROOT_UNMOUNT = \"true\"\n", "sets ROOT_UNMOUNT" },
		{ "PRIV_ALLOW = sys_admin,sys_module\n", "PRIV_ALLOW = sys_module,sys_admin: capabilities beyond" },
		{ "PRIV_ALLOW = chown\n", NULL },	/* already in the default set: changes nothing */
		{ "NESTED_USERNS = yes\n", "sets NESTED_USERNS = yes: user namespaces inside a VPS are never allowed" },
		{ "NESTED_USERNS = no\n", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vps_err err = { 0 };
		struct vps_config cfg;
		int rc;

		CHECK(parse(cases[i].text, 3, &cfg, &err) == 0, "parse `%s`: %s", cases[i].text, err.msg);
		rc = restore_policy_apply(&cfg, 7, &err);
		if (cases[i].want_err)
			CHECK(rc < 0 && strstr(err.msg, cases[i].want_err) && !strchr(err.msg, '\n'), "`%s`: %s",
			      cases[i].text, rc < 0 ? err.msg : "accepted");
		else
			CHECK(rc == 0 && cfg.id == 7, "`%s`: %s", cases[i].text, err.msg);
	}
}

static void test_paths_and_name(void)
{
	struct vps_err err = { 0 };
	struct vps_config cfg;

	CHECK(parse("FSROOT = /etc\nFSROOT_PRIV = /etc/vps\n", 3, &cfg, &err) == 0, "%s", err.msg);
	CHECK(restore_policy_apply(&cfg, 9, &err) == 0, "%s", err.msg);
	CHECK(!strcmp(cfg.fsroot, "/vps/root/9") && !strcmp(cfg.fsroot_priv, "/vps/priv/9"), "paths %s %s", cfg.fsroot,
	      cfg.fsroot_priv);
	CHECK(!strcmp(cfg.name, "vps9"), "the default name follows the id: %s", cfg.name);
	CHECK(parse("NAME = web\n", 3, &cfg, &err) == 0 && restore_policy_apply(&cfg, 9, &err) == 0 &&
	      !strcmp(cfg.name, "web"), "a chosen name stays: %s", cfg.name);
}

static void test_addresses(void)
{
	char dir[] = "/tmp/test-restore-policy-conf.XXXXXX", path[128];
	static const struct {
		const char *ip, *want_err;
	} cases[] = {
		{ "10.0.7.1/24", NULL },
		{ "10.0.4.1/24", "IP_NETWORKS = 10.0.4.1: VPS 4 on this host has that address" },
		{ "10.0.4.1/16", "VPS 4 on this host" },
		{ "fd00::4", "IP_NETWORKS = fd00::4: VPS 4" },
		{ "192.168.100.2/24", "on the lab network" },
		{ "127.0.0.1", "loopback" },
		{ "224.0.0.1", "multicast" },
		{ "169.254.1.1", "link-local" },
		{ "::1", "loopback" },
		{ "fe80::1", "link-local" },
		{ "10.0.3.1", NULL },	/* VPS 3's own (the id being restored) */
	};
	FILE *f;

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/vps_4.conf", dir);
	f = fopen(path, "w");
	fputs("NAME = db\nIP_NETWORKS = 10.0.4.1/24, fd00::4/64\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/vps_3.conf", dir);
	f = fopen(path, "w");
	fputs("IP_NETWORKS = 10.0.3.1/24\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/vps_5.conf.before-migration", dir);	/* not a config */
	f = fopen(path, "w");
	fputs("IP_NETWORKS = 10.0.7.1/24\n", f);
	fclose(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vps_err err = { 0 };
		struct vps_config cfg;
		char text[128];
		int rc;

		snprintf(text, sizeof(text), "IP_NETWORKS = %s\n", cases[i].ip);
		CHECK(parse(text, 3, &cfg, &err) == 0, "parse %s: %s", text, err.msg);
		rc = restore_policy_addresses(&cfg, dir, &err);
		if (cases[i].want_err)
			CHECK(rc < 0 && strstr(err.msg, cases[i].want_err), "%s: %s", cases[i].ip, rc < 0 ? err.msg : "accepted");
		else
			CHECK(rc == 0, "%s: %s", cases[i].ip, err.msg);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/vps_3.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vps_4.conf", dir);
	unlink(path);
	rmdir(dir);
}

static void test_xattrs(void)
{
	static const struct {
		const char *name, *value;
		mode_t mode;
		int keep;
	} cases[] = {
		{ "trusted.overlay.opaque", "y", S_IFDIR | 0755, 1 },
		{ "trusted.overlay.opaque", "y", S_IFREG | 0644, 0 },
		{ "trusted.overlay.opaque", "x", S_IFDIR | 0755, 0 },
		{ "trusted.overlay.opaque", "yy", S_IFDIR | 0755, 0 },
		{ "trusted.overlay.redirect", "/etc", S_IFDIR | 0755, 0 },
		{ "trusted.overlay.metacopy", "", S_IFREG | 0644, 0 },
		{ "trusted.overlay.origin", "\1\2", S_IFREG | 0644, 0 },
		{ "trusted.overlay.upper", "\1\2", S_IFREG | 0644, 0 },
		{ "trusted.overlay.index", "\1", S_IFDIR | 0755, 0 },
		{ "trusted.overlay.impure", "y", S_IFDIR | 0755, 0 },
		{ "user.overlay.redirect", "/etc", S_IFDIR | 0755, 0 },
		{ "user.overlay.opaque", "y", S_IFDIR | 0755, 1 },
		{ "user.comment", "hello", S_IFREG | 0644, 1 },
		{ "security.capability", "\1", S_IFREG | 0755, 1 },
		{ "trusted.overlayfoo", "y", S_IFREG | 0644, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snap_xattr x = { cases[i].name, strlen(cases[i].name), (const unsigned char *)cases[i].value,
					strlen(cases[i].value) };

		CHECK(snap_xattr_restorable(&x, cases[i].mode) == cases[i].keep, "%s=%s on mode %o: want %s", cases[i].name,
		      cases[i].value, cases[i].mode, cases[i].keep ? "kept" : "dropped");
	}
}

int main(void)
{
	test_apply();
	test_paths_and_name();
	test_addresses();
	test_xattrs();
	return check_summary();
}
