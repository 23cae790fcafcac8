/* Dumping memory: VMAs and the pages to keep. */
#ifndef VPS_CKPT_DUMP_MEM_H
#define VPS_CKPT_DUMP_MEM_H

#include "dumper.h"

/* t's VMAs (refusing what the image cannot hold) and, with write set, the VMA and
 * page records. */
int dump_task_mem(struct dumper *d, struct dtask *t, int write);

#endif
