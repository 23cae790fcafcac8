/* Parsers of the /proc files the dumper reads: maps, stat, status, fdinfo. Pure: they take
 * the text, so the tests feed them recorded and damaged files. */
#ifndef VPS_CKPT_PROC_PARSE_H
#define VPS_CKPT_PROC_PARSE_H

#include <stdint.h>

struct ckpt_map {
	uint32_t start, end;
	char perms[5];			/* "rwxp" */
	uint64_t offset;
	uint32_t dev_major, dev_minor;
	uint64_t inode;
	char path[4096];		/* "" for anonymous, "[heap]", "/bin/busybox", ... */
};

/* One line of /proc/PID/maps (without or with its newline): 0, or -1 if malformed. */
int ckpt_parse_maps_line(const char *line, struct ckpt_map *m);

struct ckpt_stat {
	char state;
	uint32_t mm_code[2], start_stack;	/* fields 26, 27, 28 */
	uint32_t exit_signal;			/* field 38 */
	uint32_t mm_data[7];			/* fields 45..51: start_data .. env_end */
	uint32_t num_threads;			/* field 20 */
};

/* /proc/PID/stat (comm may hold spaces and parentheses): 0, or -1 if malformed. */
int ckpt_parse_stat(const char *buf, struct ckpt_stat *s);

struct ckpt_status {
	uint32_t uid[4], gid[4];
	uint32_t ngroups, groups[32];
	int groups_overflow;
	uint32_t nspid_depth, nspid, nspgid, nssid;	/* innermost pid namespace's view */
	uint32_t umask;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint32_t no_new_privs, seccomp;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
	uint32_t threads;
	unsigned int seen;		/* one bit per field found, CKPT_STATUS_ALL when all were */
};
#define CKPT_STATUS_ALL 0x3fffu

int ckpt_parse_status(const char *buf, struct ckpt_status *s);

/* /proc/PID/fdinfo/N: pos and flags (octal). */
int ckpt_parse_fdinfo(const char *buf, uint64_t *pos, uint32_t *flags);

#endif
