/* Scope-bound cleanup for fds, heap memory and FILE streams. */
#ifndef VPS_CLEANUP_H
#define VPS_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void vps_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void vps_freep(void *p) { free(*(void **)p); }
static inline void vps_fclosep(FILE **f) { if (*f) fclose(*f); }

#define cleanup_close __attribute__((cleanup(vps_closep)))
#define cleanup_free __attribute__((cleanup(vps_freep)))
#define cleanup_fclose __attribute__((cleanup(vps_fclosep)))

#endif
