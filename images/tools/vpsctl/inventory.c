#include "inventory.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "runtime.h"

static int add_id(unsigned int *ids, int n, int max, unsigned long id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return n;
	if (n == max || id < VPS_ID_MIN || id > VPS_ID_MAX)
		return n;
	ids[n] = (unsigned int)id;
	return n + 1;
}

static int scan(const char *dir, const char *prefix, const char *suffix, unsigned int *ids, int n, int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (!d)
		return n;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *end;
		unsigned long id;

		if (len <= pl + sl || strncmp(de->d_name, prefix, pl) || strcmp(de->d_name + len - sl, suffix))
			continue;
		id = strtoul(de->d_name + pl, &end, 10);
		if (end == de->d_name + len - sl && end != de->d_name + pl)
			n = add_id(ids, n, max, id);
	}
	closedir(d);
	return n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;
	return (x > y) - (x < y);
}

int vps_inventory(unsigned int *ids, int max)
{
	int n = scan(VPS_CONF_DIR, "vps_", ".conf", ids, 0, max);

	n = scan(VPS_CGROUP_ROOT, "", "", ids, n, max);
	qsort(ids, n, sizeof(*ids), cmp_uint);
	return n;
}
