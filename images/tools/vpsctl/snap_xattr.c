#include "snap_xattr.h"

#include <string.h>
#include <sys/stat.h>

static int has_prefix(const struct snap_xattr *x, const char *prefix, size_t *plen)
{
	*plen = strlen(prefix);
	return x->name_len > *plen && !memcmp(x->name, prefix, *plen);
}

int snap_xattr_restorable(const struct snap_xattr *x, mode_t mode)
{
	static const char *const overlay[] = { "trusted.overlay.", "user.overlay." };

	for (size_t i = 0; i < sizeof(overlay) / sizeof(overlay[0]); i++) {
		size_t plen;

		if (!has_prefix(x, overlay[i], &plen))
			continue;
		/* redirect, metacopy, origin, upper, index, impure, nlink, ...: never from a stream */
		return S_ISDIR(mode) && x->name_len - plen == 6 && !memcmp(x->name + plen, "opaque", 6) &&
		       x->value_len == 1 && ((const char *)x->value)[0] == 'y';
	}
	return 1;
}
