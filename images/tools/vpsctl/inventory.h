/* Every VPS the host knows: ids with a config file or a cgroup, in ascending order. */
#ifndef VPS_INVENTORY_H
#define VPS_INVENTORY_H

#define VPS_INVENTORY_MAX 1024

/* Returns the number of ids written (at most max). */
int vps_inventory(unsigned int *ids, int max);

#endif
