/* Checkpoint/restore of a process tree (the init of a pid namespace and every task below it):
 * the library API. The records, their layouts and their limits are in ckpt_format.h;
 * CHECKPOINT.md describes what is kept and what is refused. */
#ifndef VPS_CKPT_H
#define VPS_CKPT_H

#include <stdint.h>
#include <sys/types.h>

#include "../common/error.h"

/* Where the dumper puts records: one call per record (type CKPT_REC_*, meta and data bytes as
 * ckpt_format.h lays them out). A snapshot stream frames them as its process section; the
 * stand-alone image file (ckpt_file.c) frames them with its own header and checksums. */
struct ckpt_writer {
	void *ctx;
	int (*put)(void *ctx, uint32_t type, const void *meta, uint32_t meta_len,
		   const void *data, uint32_t data_len, struct vps_err *err);
};

/* Where the loader takes records from: fills *type, *meta (meta_len bytes) and *data
 * (data_len bytes; both buffers belong to the reader and stay valid until the next call);
 * returns 1 for a record, 0 at the end of the records, -1 on an error. */
struct ckpt_reader {
	void *ctx;
	int (*get)(void *ctx, uint32_t *type, const void **meta, uint32_t *meta_len,
		   const void **data, uint32_t *data_len, struct vps_err *err);
};

#define CKPT_DUMP_KILL	0x1	/* SIGKILL the tree once it is dumped, else leave it running */

/* Dump the tree whose root is host pid init (the init of its pid namespace: pid 1 there).
 * Every task is seized and stopped for the whole dump, then killed (CKPT_DUMP_KILL) or let go
 * as it was. Paths (files, cwd, mapped files) are read as the caller's mount namespace sees
 * them. A resource the image cannot hold is refused with one line naming the process and the
 * resource; the tree is then let go untouched. */
int ckpt_dump(pid_t init, unsigned int flags, const struct ckpt_writer *w, struct vps_err *err);

/* ckpt_dump, and every process of the cgroup (a directory of cgroup2, its cgroup.procs) must be
 * one of the tree: a process that was entered into the VPS from outside (its parent is not in
 * the tree) is refused with one line naming its pid and command. A frozen cgroup is thawed while
 * its tasks are seized (they stay stopped) and frozen again before they are let go. */
int ckpt_dump_cgroup(pid_t init, const char *cgroup, unsigned int flags, const struct ckpt_writer *w,
		     struct vps_err *err);

struct ckpt_image;

/* Read and validate every record (a damaged or hostile image is refused with one line). */
int ckpt_image_load(const struct ckpt_reader *r, struct ckpt_image **img, struct vps_err *err);
void ckpt_image_free(struct ckpt_image *img);

/* What a target allows the image's processes: every capability set of every task (effective,
 * permitted, inheritable, bounding) within cap_bound (the VPS's bounding set). One line naming
 * the first process that asks for more; 0 when all are within. Pure. */
int ckpt_image_check_caps(const struct ckpt_image *img, uint64_t cap_bound, struct vps_err *err);

struct ckpt_restore_opts {
	int mount_proc;		/* the new init mounts a fresh /proc in a mount namespace of its own */
	int timeout_ms;		/* for every task to reach its saved state (0: 10 s) */
};

/* Recreate the tree in a new pid namespace (a child of the caller, the tree's init), each task
 * with its pid, memory, files and state; returns once every task is back in its saved state,
 * with the init's host pid in *init. On failure no task of the tree is left. */
int ckpt_restore(const struct ckpt_image *img, const struct ckpt_restore_opts *o, pid_t *init,
		 struct vps_err *err);

/* What an image holds, for showing: tasks, memory bytes stored, files, fds. */
struct ckpt_summary {
	uint32_t tasks, vmas, files, fds;
	uint64_t page_bytes, pipe_bytes;
};
void ckpt_image_summary(const struct ckpt_image *img, struct ckpt_summary *s);

#endif
