/* Native test of ckpt/proc_parse.c: /proc/PID/{maps,stat,status,fdinfo} as this kernel writes
 * them (recorded in the guest), and damaged or unusual ones. */
#include "../ckpt/proc_parse.h"

#include <string.h>

#include "check.h"

static void maps(void)
{
	struct ckpt_map m;

	CHECK(!ckpt_parse_maps_line("08048000-08141000 r-xp 00000000 00:02 1234       /bin/busybox\n", &m), "file");
	CHECK(m.start == 0x08048000 && m.end == 0x08141000 && !strcmp(m.perms, "r-xp") && m.inode == 1234 &&
	      !strcmp(m.path, "/bin/busybox"), "file fields %x %x %s %s", m.start, m.end, m.perms, m.path);
	CHECK(!ckpt_parse_maps_line("b7f00000-b7f21000 rw-p 00000000 00:00 0 \n", &m) && !m.path[0], "anon");
	CHECK(!ckpt_parse_maps_line("bf9de000-bf9ff000 rw-p 00000000 00:00 0          [stack]", &m) &&
	      !strcmp(m.path, "[stack]"), "stack without newline");
	CHECK(!ckpt_parse_maps_line("b7fd0000-b7fd1000 r--p 00002000 fe:01 99  /tmp/a file (deleted)\n", &m) &&
	      !strcmp(m.path, "/tmp/a file (deleted)") && m.offset == 0x2000 && m.dev_major == 0xfe,
	      "path with spaces: %s", m.path);
	CHECK(!ckpt_parse_maps_line("b7fd0000-b7fd1000 rw-s 00000000 00:01 7 /dev/zero (deleted)\n", &m) &&
	      m.perms[3] == 's', "shared");
	CHECK(ckpt_parse_maps_line("b7fd0000-b7fd0000 rw-p 00000000 00:00 0\n", &m), "empty range");
	CHECK(ckpt_parse_maps_line("b7fd1000-b7fd0000 rw-p 00000000 00:00 0\n", &m), "reversed range");
	CHECK(ckpt_parse_maps_line("b7fd0000-b7fd1000 rwzp 00000000 00:00 0\n", &m), "bad perms");
	CHECK(ckpt_parse_maps_line("b7fd0000 b7fd1000 rw-p 00000000 00:00 0\n", &m), "no dash");
	CHECK(ckpt_parse_maps_line("1b7fd0000-1b7fd1000 rw-p 00000000 00:00 0\n", &m), "beyond 32 bits");
	CHECK(ckpt_parse_maps_line("b7fd0000-b7fd1000 rw-p 00000000 00:00\n", &m), "no inode");
	CHECK(ckpt_parse_maps_line("", &m), "empty line");
}

static const char stat_line[] =
	"42 (a) b) (c) S 1 42 42 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 123 1490944 150 4294967295 "
	"134512640 135532352 3217026864 0 0 0 65536 4 65538 0 0 0 17 0 0 0 0 0 0 135540504 135547160 "
	"139890688 3217030861 3217030879 3217030879 3217031151 0\n";

static void stat_(void)
{
	struct ckpt_stat s;
	char bad[sizeof(stat_line)];

	CHECK(!ckpt_parse_stat(stat_line, &s), "stat");
	CHECK(s.state == 'S' && s.num_threads == 1 && s.mm_code[0] == 134512640 && s.mm_code[1] == 135532352 &&
	      s.start_stack == 3217026864u && s.exit_signal == 17 && s.mm_data[0] == 135540504 &&
	      s.mm_data[2] == 139890688 && s.mm_data[6] == 3217031151u, "stat fields");
	memcpy(bad, stat_line, sizeof(bad));
	bad[strlen(bad) - 3] = 0;	/* cut the last fields */
	CHECK(ckpt_parse_stat(bad, &s), "truncated stat");
	CHECK(ckpt_parse_stat("42 (sh S 1", &s), "no closing parenthesis");
	CHECK(ckpt_parse_stat("42 (sh) S 1 x\n", &s), "letters in a number");
}

static const char status[] =
	"Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t77\nNgid:\t0\nPid:\t77\nPPid:\t60\n"
	"TracerPid:\t0\nUid:\t0\t1\t2\t3\nGid:\t4\t5\t6\t7\nFDSize:\t64\nGroups:\t10 20 \n"
	"NStgid:\t77\t1\nNSpid:\t77\t1\nNSpgid:\t77\t1\nNSsid:\t77\t1\nVmPeak:\t     864 kB\n"
	"Threads:\t1\nSigQ:\t0/1779\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000100\n"
	"SigBlk:\t0000000000010000\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000010002\n"
	"CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
	"CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
	"Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tvulnerable\n";

static void status_(void)
{
	struct ckpt_status s;
	char bad[sizeof(status)];

	CHECK(!ckpt_parse_status(status, &s), "status");
	CHECK(s.uid[0] == 0 && s.uid[3] == 3 && s.gid[0] == 4 && s.gid[3] == 7 && s.ngroups == 2 &&
	      s.groups[1] == 20 && s.nspid == 1 && s.nspid_depth == 2 && s.nssid == 1 && s.nspgid == 1 &&
	      s.umask == 022 && s.cap_eff == 0x1ffffffffffull && s.shd_pnd == 0x100 && s.sig_cgt == 0x10002 &&
	      s.sig_ign == 4 && s.threads == 1, "status fields");
	memcpy(bad, status, sizeof(bad));
	*strstr(bad, "NSsid") = 'X';
	CHECK(ckpt_parse_status(bad, &s), "missing NSsid");
	memcpy(bad, status, sizeof(bad));
	strstr(bad, "CapEff:\t0")[8] = 'g';
	CHECK(ckpt_parse_status(bad, &s), "bad hex");
	memcpy(bad, status, sizeof(bad));
	strstr(bad, "Uid:\t0\t1\t2\t3")[11] = '\n';
	CHECK(ckpt_parse_status(bad, &s), "three uids");
}

static void fdinfo(void)
{
	uint64_t pos;
	uint32_t flags;

	CHECK(!ckpt_parse_fdinfo("pos:\t1234\nflags:\t02100002\nmnt_id:\t21\nino:\t5\n", &pos, &flags) &&
	      pos == 1234 && flags == 02100002, "fdinfo");
	CHECK(ckpt_parse_fdinfo("pos:\t1234\nmnt_id:\t21\n", &pos, &flags), "no flags");
	CHECK(ckpt_parse_fdinfo("pos:\t-1\nflags:\t0\n", &pos, &flags), "negative pos");
	CHECK(ckpt_parse_fdinfo("pos:\t0\nflags:\t09\n", &pos, &flags), "not octal");
}

int main(void)
{
	maps();
	stat_();
	status_();
	fdinfo();
	return check_summary();
}
