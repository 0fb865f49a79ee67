/*
 * fib/group.h - internal to fib/: deduplicated ECMP next-hop groups.
 *
 * A group is a canonical (sorted, duplicate-free) set of 1..FIB_ECMP_MAX resolved paths.
 * Routes with the same path set share one group, reference-counted; its id is what the
 * LPM stores and what fib_lookup() returns. Ids are dense (freed ids are reused) so the
 * data plane reaches a group with one array index.
 */
#ifndef FIB_GROUP_H
#define FIB_GROUP_H

#include "fib/fib.h"

#include <stddef.h>
#include <stdint.h>

#define FIB_GROUPS_MAX 65535u /* the LPM holds at most this many distinct values */

struct fib_group {
	uint32_t refs; /* 0: the id is free */
	uint32_t hash;
	uint32_t next; /* hash chain, or free list */
	uint8_t n;
	struct fib_path paths[FIB_ECMP_MAX];
};

struct fib_groups {
	struct fib_group *g; /* by id; g[0] is never used */
	uint32_t cap, hw, free_head, in_use;
	uint32_t *heads; /* hash heads, nheads (a power of two) of them */
	uint32_t nheads;
};

int fib_groups_init(struct fib_groups *gs);
void fib_groups_fini(struct fib_groups *gs);
/* Find or create the group of paths[0..n) (canonical, 1 <= n <= FIB_ECMP_MAX); takes a
 * reference. FIB_E_NOMEM when out of memory or ids. */
int fib_group_get(struct fib_groups *gs, const struct fib_path *paths, unsigned n, uint32_t *id);
void fib_group_put(struct fib_groups *gs, uint32_t id);
size_t fib_groups_bytes(const struct fib_groups *gs);

/* Order paths canonically and drop duplicates; returns the new count. */
unsigned fib_paths_canonical(struct fib_path *paths, unsigned n);
bool fib_paths_equal(const struct fib_path *a, unsigned na, const struct fib_path *b, unsigned nb);

static inline const struct fib_group *fib_group_at(const struct fib_groups *gs, uint32_t id)
{
	if (id == 0 || id >= gs->hw || gs->g[id].refs == 0)
		return NULL;
	return &gs->g[id];
}

#endif
