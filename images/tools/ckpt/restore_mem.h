/* Restoring a task's memory: the free region, the premapped VMAs, the jump into the blob. */
#ifndef VPS_CKPT_RESTORE_MEM_H
#define VPS_CKPT_RESTORE_MEM_H

#include "restorer.h"

/* A place free in every task's saved layout and in ours, len bytes. */
uint32_t restore_find_hole(const struct ckpt_image *img, uint32_t len, struct vps_err *err);
/* Premap t's memory, build the blob's arguments and jump into it: does not return. */
void restore_memory_and_go(struct restorer *r, int index, int exe_fd) __attribute__((noreturn));

#endif
