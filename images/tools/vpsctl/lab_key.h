/* The lab's shared secret: 32 random bytes, written as 64 hex digits to /etc/vps/lab.key (mode
 * 0600, host root's) by the page or the Node runner when the host joins the lab. A VPS never sees
 * the host's /etc. Migration peers prove they hold it (MIGRATE.md). */
#ifndef VPS_LAB_KEY_H
#define VPS_LAB_KEY_H

#include "../common/error.h"
#include "config.h"

#define LAB_KEY_PATH VPS_CONF_DIR "/lab.key"
#define LAB_KEY_LEN 32

/* Read the key from path: a regular file of this user's, not readable or writable by anyone
 * else, holding 64 hex digits and an optional newline. */
int lab_key_load(const char *path, unsigned char key[LAB_KEY_LEN], struct vps_err *err);

#endif
