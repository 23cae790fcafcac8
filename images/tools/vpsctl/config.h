/* /etc/vps/vps_<ID>.conf: parsing (file:line in every error) and writing (config.c), and the
 * grammar of its values, shared with the command line (config_values.c). */
#ifndef VPS_CONFIG_H
#define VPS_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

#define VPS_CONF_DIR "/etc/vps"
#define VPS_MAX_IPNETS 16
#define VPS_ID_MIN 3
#define VPS_ID_MAX 65535
#define VPS_UNLIMITED UINT64_MAX

enum vps_resource {
	RES_PHYS,	/* bytes: memory.high (soft) / memory.max (hard) */
	RES_VIRT,	/* bytes: address space per process */
	RES_PCTCPU,	/* percent of one CPU: cpu.max */
	RES_BLOCKIO,	/* bytes per second: io.max */
	RES_THREADS,	/* count: pids.max covers threads */
	RES_PROCS,	/* count: processes */
	RES_DISK,	/* bytes: root filesystem quota */
	RES_FILES,	/* count: open files */
	RES_TCPSOCK,	/* count: established TCP connections */
	RES_NETSPEED,	/* bits per second: shaper on the VPS interface */
	RES_COUNT
};

struct vps_limit {
	int set;		/* 1 if the config names this resource */
	uint64_t soft, hard;	/* VPS_UNLIMITED for "unlimited" */
};

struct vps_ipnet {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];	/* network byte order */
	int prefix;		/* 0..32 or 0..128; /mask forms are converted */
};

struct vps_config {
	char path[PATH_MAX];	/* file it came from */
	unsigned int id;
	char name[64];		/* NAME: also the VPS hostname; [A-Za-z0-9._-] */
	char fsroot[PATH_MAX];		/* FSROOT: where the VPS root is mounted */
	char fsroot_priv[PATH_MAX];	/* FSROOT_PRIV: private writable storage */
	char init[1024];		/* INIT: command line run as pid 1 */
	char root_mount[1024];		/* ROOT_MOUNT: optional shell command */
	char root_unmount[1024];	/* ROOT_UNMOUNT: optional shell command */
	char network_announce[1024];	/* NETWORK_ANNOUNCE: optional shell command */
	char network_revoke[1024];	/* NETWORK_REVOKE: optional shell command */
	struct vps_ipnet ipnets[VPS_MAX_IPNETS];
	int n_ipnets;
	struct vps_limit limits[RES_COUNT];
	uint64_t priv_allow;	/* capabilities added to the default set (bit = CAP_*) */
	uint64_t priv_nosys;	/* capabilities removed from the default set */
	int nested_userns;	/* NESTED_USERNS: processes inside may make user namespaces */
};

/* Defaults for VPS <id> before any file is read. */
void vps_config_init(struct vps_config *cfg, unsigned int id);
/* Parse path into cfg (which vps_config_init already filled). Errors read "path:line: ...". */
int vps_config_parse(const char *path, struct vps_config *cfg, struct vps_err *err);
/* Write cfg to path atomically (temp file + rename). */
int vps_config_write(const char *path, const struct vps_config *cfg, struct vps_err *err);

/* Single values, shared by the parser and the command line (create, limit).
 * Errors name the bad item but not the key; callers add "IP_NETWORKS" or their own context.
 * Both change cfg only on success. */
/* Replace cfg->ipnets with "10.0.0.1, 10.1.0.0/16, ..." ("" empties it). */
int vps_parse_ipnets(const char *list, struct vps_config *cfg, struct vps_err *err);
/* Set the limits listed in "phys:64M:128M, ..."; resources not listed keep their values. */
int vps_parse_limits(const char *list, struct vps_config *cfg, struct vps_err *err);
/* Decimal VPS_ID_MIN..VPS_ID_MAX, no sign, spaces or leading zeros. */
int vps_parse_id(const char *s, unsigned int *id, struct vps_err *err);
const char *vps_resource_name(enum vps_resource r);
/* "10.0.3.1/24" */
void vps_ipnet_format(const struct vps_ipnet *n, char *buf, size_t len);
/* "64M", "unlimited", "25" as the config file would spell it */
void vps_limit_value_format(enum vps_resource r, uint64_t v, char *buf, size_t len);

#endif
