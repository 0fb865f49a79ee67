/* fib/group6.c - the IPv6 FIB's ECMP groups (group6.h, group.h). */
#include "fib/group6.h"

#include "common/net.h"

#include <string.h>

/* The order of the IPv4 paths (type, interface, next hop), next hops as wire bytes. */
static int path_cmp(const struct fib6_path *a, const struct fib6_path *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->ifx != b->ifx)
		return a->ifx < b->ifx ? -1 : 1;
	return memcmp(&a->nh, &b->nh, sizeof(a->nh));
}

/* Field by field: struct fib6_path has a padding byte that must not leak into the hash. */
static uint32_t paths_hash(const struct fib6_path *paths, unsigned n)
{
	uint32_t h = n;
	for (unsigned i = 0; i < n; i++) {
		h = net_hash32(h ^ ((uint32_t)paths[i].type << 16 | paths[i].ifx));
		h ^= (uint32_t)net_hash_ip6(&paths[i].nh);
	}
	return h;
}

#define GT_PATH   struct fib6_path
#define GT_(name) fib6_##name
#include "fib/group_impl.h"
