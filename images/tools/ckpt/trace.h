/* Tracing of the dump and the restore (areas "snapst" and "restore", FreeBSD VPS's names):
 * lines on stderr when the environment variable VPS_TRACE names the area ("snapst,restore"). */
#ifndef VPS_CKPT_TRACE_H
#define VPS_CKPT_TRACE_H

int ckpt_tracing(const char *area);
void ckpt_trace(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
