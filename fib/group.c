/* fib/group.c - deduplicated, reference-counted ECMP next-hop groups (see group.h). */
#include "fib/group.h"

#include "common/net.h"

#include <stdlib.h>
#include <string.h>

static int path_cmp(const struct fib_path *a, const struct fib_path *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->ifx != b->ifx)
		return a->ifx < b->ifx ? -1 : 1;
	if (a->nh != b->nh)
		return a->nh < b->nh ? -1 : 1;
	return 0;
}

/* Field by field: struct fib_path has a padding byte that must not leak into the hash. */
static uint32_t paths_hash(const struct fib_path *paths, unsigned n)
{
	uint32_t h = n;
	for (unsigned i = 0; i < n; i++) {
		h = net_hash32(h ^ ((uint32_t)paths[i].type << 16 | paths[i].ifx));
		h = net_hash32(h ^ paths[i].nh);
	}
	return h;
}

#define GT_PATH   struct fib_path
#define GT_(name) fib_##name
#include "fib/group_impl.h"
