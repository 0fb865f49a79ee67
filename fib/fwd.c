/*
 * fib/fwd.c - the lookup-only copy of a FIB (struct fib_fwd; fib.h says why a copy).
 *
 * One 64-byte aligned allocation holds everything, so that a build is one allocation and a
 * few memcpy()s, a free is one free(), and nothing in the copy points outside it:
 *
 *   struct fib_fwd | units (+ FIB_LPM_READ_PAD) | direct | vals | groups | paths
 *
 * Every part starts on a 64-byte boundary but paths[]. The units in particular are aligned
 * as in the LPM itself, so a block spans the same cache lines in both and a lookup in the
 * copy costs what one in the FIB does.
 *
 * The LPM's values are the FIB's group ids, which turn sparse as groups come and go (freed
 * ids are reused, never compacted), and the FIB's group table also holds hash chains and
 * reference counts that lookups never read. The copy numbers the live groups densely in id
 * order and keeps only their paths: a result of the copy indexes groups[], which says where
 * the group's paths start in paths[] and how many there are (and holds the first one, all
 * a single-path group needs). Paths keep their order, so "hash % n" picks the same path as
 * fib_path_select() does. A value naming no live group becomes a miss: that only happens
 * after a commit that ran out of memory, whose old table may still name a group the call
 * released (fib_path_select() gives NULL for it).
 */
#include "fib/fwd.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/* A single-path group (nearly all of them) holds its path: selecting it reads one entry,
 * not the entry and then paths[]. Sixteen bytes, so an entry never straddles a line. */
struct fwd_group {
	struct fib_path path0; /* paths[first] */
	uint32_t first;        /* index of the group's first path in paths[] */
	uint32_t n;            /* paths, 1..FIB_ECMP_MAX */
};
_Static_assert(sizeof(struct fwd_group) == 16, "four group entries per cache line");

struct fib_fwd {
	struct fib_lpm_view lpm;        /* values: indexes into groups[] */
	const struct fwd_group *groups; /* 1..n_groups; [0] stands for FIB_LOOKUP_MISS */
	const struct fib_path *paths;
	uint32_t n_groups;
	size_t bytes;
};

/* Byte offsets of the parts in the block. */
struct fwd_layout {
	size_t units, direct, vals, groups, paths, total;
};

static size_t round_up64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

static void fwd_layout(struct fwd_layout *l, uint32_t n_units, uint32_t n_vals, uint32_t n_groups,
                       uint32_t n_paths)
{
	l->units = round_up64(sizeof(struct fib_fwd));
	l->direct = l->units + round_up64(((size_t)n_units + FIB_LPM_READ_PAD) * sizeof(uint16_t));
	l->vals = l->direct + FIB_LPM_CHUNKS * sizeof(uint32_t);
	l->groups = round_up64(l->vals + (size_t)n_vals * sizeof(uint32_t));
	l->paths = l->groups + ((size_t)n_groups + 1) * sizeof(struct fwd_group);
	l->total = round_up64(l->paths + (size_t)n_paths * sizeof(struct fib_path));
}

/* Number the live groups 1..n in id order (remap[id], 0 for a free id); returns n. */
static uint32_t number_groups(const struct fib_groups *gs, uint32_t *remap, uint32_t *n_paths)
{
	uint32_t n = 0;
	*n_paths = 0;
	remap[0] = 0;
	for (uint32_t id = 1; id < gs->hw; id++) {
		const struct fib_group *g = fib_group_at(gs, id);
		remap[id] = g ? ++n : 0;
		*n_paths += g ? g->n : 0;
	}
	return n;
}

static void copy_groups(const struct fib_groups *gs, struct fwd_group *groups,
                        struct fib_path *paths)
{
	uint32_t k = 1, first = 0;
	groups[0] = (struct fwd_group){.n = 0};
	for (uint32_t id = 1; id < gs->hw; id++) {
		const struct fib_group *g = fib_group_at(gs, id);
		if (!g)
			continue;
		groups[k++] = (struct fwd_group){g->paths[0], first, g->n};
		memcpy(&paths[first], g->paths, g->n * sizeof(*paths));
		first += g->n;
	}
}

struct fib_fwd *fib_fwd_copy(const struct fib_lpm *lpm, const struct fib_groups *gs)
{
	uint32_t *remap = malloc((size_t)gs->hw * sizeof(*remap));
	if (!remap)
		return NULL;
	uint32_t n_paths, n_groups = number_groups(gs, remap, &n_paths), n_units, n_vals;
	fib_lpm_copy_size(lpm, &n_units, &n_vals);
	struct fwd_layout l;
	fwd_layout(&l, n_units, n_vals, n_groups, n_paths);
	char *mem = aligned_alloc(64, l.total);
	mem_populate(mem, l.total); /* megabytes written whole right below */
	if (!mem) {
		free(remap);
		return NULL;
	}
	uint32_t *direct = (uint32_t *)(void *)(mem + l.direct);
	uint16_t *units = (uint16_t *)(void *)(mem + l.units);
	uint32_t *vals = (uint32_t *)(void *)(mem + l.vals);
	struct fwd_group *groups = (struct fwd_group *)(void *)(mem + l.groups);
	struct fib_path *paths = (struct fib_path *)(void *)(mem + l.paths);

	fib_lpm_copy(lpm, direct, units, vals, remap, gs->hw);
	copy_groups(gs, groups, paths);
	free(remap);

	struct fib_fwd *f = (struct fib_fwd *)(void *)mem;
	*f = (struct fib_fwd){
	    .lpm = {direct, units, vals},
	    .groups = groups,
	    .paths = paths,
	    .n_groups = n_groups,
	    .bytes = l.total,
	};
	return f;
}

void fib_fwd_free(struct fib_fwd *f)
{
	free(f);
}

uint32_t fib_fwd_lookup(const struct fib_fwd *f, uint32_t dst)
{
	return fib_lpm_view_lookup(&f->lpm, dst);
}

void fib_fwd_lookup_batch(const struct fib_fwd *f, const uint32_t *dst, uint32_t *res, size_t n)
{
	fib_lpm_view_lookup_batch(&f->lpm, dst, res, n);
}

const struct fib_path *fib_fwd_path_select(const struct fib_fwd *f, uint32_t res, uint32_t hash)
{
	if (res == FIB_LOOKUP_MISS || res > f->n_groups)
		return NULL;
	const struct fwd_group *g = &f->groups[res];
	return g->n == 1 ? &g->path0 : &f->paths[g->first + hash % g->n];
}

/*
 * What the data plane wants from a vector: the LPM batch (prefetched, lpm.c), then each
 * packet's group entry and path. A group entry is read right after its lookup, and the
 * groups are too many to stay in L1, so each is prefetched a few packets ahead; selecting
 * here rather than per packet through fib_fwd_path_select() also saves a call per packet.
 */
void fib_fwd_route_batch(const struct fib_fwd *f, const uint32_t *dst, const uint32_t *hash,
                         const struct fib_path **path, size_t n)
{
	enum { CHUNK = 256, D = 8 };
	uint32_t res[CHUNK];
	for (size_t off = 0; off < n; off += CHUNK) {
		size_t m = n - off < CHUNK ? n - off : CHUNK;
		fib_lpm_view_lookup_batch(&f->lpm, dst + off, res, m);
		for (size_t i = 0; i < m; i++) {
			if (i + D < m)
				__builtin_prefetch(&f->groups[res[i + D]]);
			path[off + i] = fib_fwd_path_select(f, res[i], hash[off + i]);
		}
	}
}

size_t fib_fwd_bytes(const struct fib_fwd *f)
{
	return f ? f->bytes : 0;
}
