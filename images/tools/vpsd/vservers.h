/* The vservers op: every regular file of /proc/vservers, read at once. */
#ifndef VPSD_VSERVERS_H
#define VPSD_VSERVERS_H

#include "request.h"

#ifndef VPSD_VSERVERS_DIR
#define VPSD_VSERVERS_DIR "/proc/vservers"
#endif
#define VPSD_VSERVERS_FILE_MAX (1u << 20)	/* bytes read per file */

/* Runs in a request child; writes the response line. */
void vservers_request(const struct request *req);

#endif
