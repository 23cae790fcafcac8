/* A loaded, validated process image: what the restorer works from. */
#ifndef VPS_CKPT_IMAGE_H
#define VPS_CKPT_IMAGE_H

#include <stdint.h>

#include "ckpt.h"
#include "ckpt_format.h"

struct ckpt_pages {
	uint32_t addr, len;
	uint8_t *data;
};

struct ckpt_vma {
	struct ckpt_vma_meta m;
	char *path;			/* CKPT_VMA_FILE */
	uint32_t npages;
	struct ckpt_pages *pages;
};

struct ckpt_file {
	struct ckpt_file_meta m;
	char *path;			/* REG, DIR, CHR */
	uint8_t *pipe_data;		/* PIPE: the bytes queued (one of the two ends holds them) */
	uint32_t pipe_len;
};

struct ckpt_fd {
	struct ckpt_fd_meta m;
	uint32_t file;			/* index in ckpt_image.files */
};

struct ckpt_task {
	struct ckpt_task_meta m;
	char *exe, *cwd, *root;
	int parent;			/* index in ckpt_image.tasks, -1 for the init */
	struct ckpt_sigact_meta act;
	int have_act;
	uint32_t nvmas, nfds, nsig;
	struct ckpt_vma *vmas;
	struct ckpt_fd *fds;
	struct ckpt_siginfo_meta *sig;
};

struct ckpt_image {
	uint32_t ntasks, nfiles;
	struct ckpt_task *tasks;	/* parents before children; tasks[0] is the init */
	struct ckpt_file *files;
	struct ckpt_summary sum;
};

/* The character devices an image may name: major << 20 | minor, and their paths. */
int ckpt_chr_allowed(uint32_t rdev, const char *path);

#endif
