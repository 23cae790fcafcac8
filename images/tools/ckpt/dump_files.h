/* Dumping open files: fds, files shared between tasks, pipes. */
#ifndef VPS_CKPT_DUMP_FILES_H
#define VPS_CKPT_DUMP_FILES_H

#include "dumper.h"

/* Every fd of t (refusing what the image cannot hold), files shared by kcmp. */
int dump_task_fds(struct dumper *d, struct dtask *t);
/* The file and pipe-data records, once every task's fds are known. */
int dump_write_files(struct dumper *d);

#endif
