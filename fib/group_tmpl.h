/*
 * fib/group_tmpl.h - internal to fib/: the declarations of one family's group table
 * (group.h has the why). Included once per family, by group.h (IPv4) and group6.h (IPv6),
 * with two macros set: GT_PATH, the family's path struct, and GT_(name), which puts the
 * family's prefix on a name. A template rather than a table of paths of run-time size: the
 * data plane indexes a group and its paths with compile-time strides, as before IPv6 came.
 */
/* No include guard: one expansion per family. */

struct GT_(group) {
	uint32_t refs; /* 0: the id is free */
	uint32_t hash;
	uint32_t next; /* hash chain, or free list */
	uint8_t n;
	GT_PATH paths[FIB_ECMP_MAX];
};

struct GT_(groups) {
	struct GT_(group) * g; /* by id; g[0] is never used */
	uint32_t cap, hw, free_head, in_use;
	uint32_t *heads; /* hash heads, nheads (a power of two) of them */
	uint32_t nheads;
};

int GT_(groups_init)(struct GT_(groups) * gs);
void GT_(groups_fini)(struct GT_(groups) * gs);
/* Find or create the group of paths[0..n) (canonical, 1 <= n <= FIB_ECMP_MAX); takes a
 * reference. FIB_E_NOMEM when out of memory or ids. */
int GT_(group_get)(struct GT_(groups) * gs, const GT_PATH *paths, unsigned n, uint32_t *id);
void GT_(group_put)(struct GT_(groups) * gs, uint32_t id);
size_t GT_(groups_bytes)(const struct GT_(groups) * gs);

/* Order paths canonically and drop duplicates; returns the new count. */
unsigned GT_(paths_canonical)(GT_PATH *paths, unsigned n);
bool GT_(paths_equal)(const GT_PATH *a, unsigned na, const GT_PATH *b, unsigned nb);

static inline const struct GT_(group) * GT_(group_at)(const struct GT_(groups) * gs, uint32_t id)
{
	if (id == 0 || id >= gs->hw || gs->g[id].refs == 0)
		return NULL;
	return &gs->g[id];
}
