/*
 * fib/fwd6.c - the lookup-only copy of an IPv6 FIB (struct fib6_fwd; fib.h says why a copy).
 *
 * Two allocations. The LPM's 8 MiB direct table is a mapping of its own, zero-filled by the
 * kernel, into which only the LPM's non-zero runs are copied (fib_lpm6_copy_sparse()): a
 * VRF with a few IPv6 routes costs its copies a few pages, not 8 MiB each (a gateway may
 * have 64 VRFs and two copies of each alive across an RCU grace period). Everything else
 * is one 64-byte aligned block, as the IPv4 copy (fwd.c):
 *
 *   struct fib6_fwd | pool | groups | paths
 *
 * The LPM's blocks hold their values (the FIB's group ids) next to the range starts, so
 * unlike the IPv4 copy the ids are kept as they are and groups[] is indexed by them: free
 * ids have no paths and read as a miss. A group entry holds its first path, all a
 * single-path group needs; paths keep their order, so "hash % n" picks the same path as
 * fib6_path_select() does.
 */
#include "fib/fwd6.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/mem.h"

struct fwd6_group {
	struct fib6_path path0; /* paths[first] */
	uint32_t first;         /* index of the group's first path in paths[] */
	uint32_t n;             /* paths, 0 (free id) or 1..FIB_ECMP_MAX */
};

struct fib6_fwd {
	struct fib_lpm6_view lpm; /* values: the FIB's group ids */
	const struct fwd6_group *groups;
	const struct fib6_path *paths;
	uint32_t n_ids; /* groups[0..n_ids); [0] stands for FIB_LOOKUP_MISS */
	uint64_t *direct;
	size_t bytes;
};

#define DIRECT_BYTES (FIB_LPM6_CHUNKS * sizeof(uint64_t))

static size_t round_up64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

static uint32_t count_paths(const struct fib6_groups *gs)
{
	uint32_t n = 0;
	for (uint32_t id = 1; id < gs->hw; id++) {
		const struct fib6_group *g = fib6_group_at(gs, id);
		n += g ? g->n : 0;
	}
	return n;
}

static void copy_groups(const struct fib6_groups *gs, struct fwd6_group *groups,
                        struct fib6_path *paths)
{
	uint32_t first = 0;
	groups[0] = (struct fwd6_group){.n = 0};
	for (uint32_t id = 1; id < gs->hw; id++) {
		const struct fib6_group *g = fib6_group_at(gs, id);
		if (!g) {
			groups[id] = (struct fwd6_group){.n = 0};
			continue;
		}
		groups[id] = (struct fwd6_group){g->paths[0], first, g->n};
		memcpy(&paths[first], g->paths, g->n * sizeof(*paths));
		first += g->n;
	}
}

struct fib6_fwd *fib6_fwd_copy(const struct fib_lpm6 *lpm, const struct fib6_groups *gs)
{
	size_t words = fib_lpm6_copy_words(lpm);
	uint32_t n_paths = count_paths(gs);
	size_t pool_at = round_up64(sizeof(struct fib6_fwd));
	size_t groups_at = round_up64(pool_at + (words + 1) * sizeof(uint64_t));
	size_t paths_at = groups_at + (size_t)gs->hw * sizeof(struct fwd6_group);
	size_t total = round_up64(paths_at + (size_t)n_paths * sizeof(struct fib6_path));

	uint64_t *direct = mmap(NULL, DIRECT_BYTES, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *mem = aligned_alloc(64, total);
	if (direct == MAP_FAILED || !mem) {
		if (direct != MAP_FAILED)
			munmap(direct, DIRECT_BYTES);
		free(mem);
		return NULL;
	}
	mem_populate(mem, total);
	uint64_t *pool = (uint64_t *)(void *)(mem + pool_at);
	struct fwd6_group *groups = (struct fwd6_group *)(void *)(mem + groups_at);
	struct fib6_path *paths = (struct fib6_path *)(void *)(mem + paths_at);
	fib_lpm6_copy_sparse(lpm, direct, pool);
	copy_groups(gs, groups, paths);

	struct fib6_fwd *f = (struct fib6_fwd *)(void *)mem;
	*f = (struct fib6_fwd){
	    .lpm = {direct, pool},
	    .groups = groups,
	    .paths = paths,
	    .n_ids = gs->hw,
	    .direct = direct,
	    .bytes = total + DIRECT_BYTES,
	};
	return f;
}

void fib6_fwd_free(struct fib6_fwd *f)
{
	if (!f)
		return;
	munmap(f->direct, DIRECT_BYTES);
	free(f);
}

uint32_t fib6_fwd_lookup(const struct fib6_fwd *f, const struct in6_addr *dst)
{
	return fib_lpm6_view_lookup(&f->lpm, fib_lpm6_addr_from_in6(dst));
}

const struct fib6_path *fib6_fwd_path_select(const struct fib6_fwd *f, uint32_t res, uint32_t hash)
{
	if (res == FIB_LOOKUP_MISS || res >= f->n_ids)
		return NULL;
	const struct fwd6_group *g = &f->groups[res];
	if (g->n <= 1)
		return g->n ? &g->path0 : NULL;
	return &f->paths[g->first + hash % g->n];
}

enum { BATCH_CHUNK = 256 };

static size_t chunk_len(size_t n, size_t off)
{
	return n - off < BATCH_CHUNK ? n - off : BATCH_CHUNK;
}

/* The LPM's key once per packet (lpm6.h says why host order). */
static void keys_of(const struct in6_addr *const *dst, struct fib_lpm6_addr *key, size_t m)
{
	for (size_t i = 0; i < m; i++)
		key[i] = fib_lpm6_addr_from_in6(dst[i]);
}

void fib6_view_lookup_in6(const struct fib_lpm6_view *v, const struct in6_addr *const *dst,
                          uint32_t *res, size_t n)
{
	struct fib_lpm6_addr key[BATCH_CHUNK];
	for (size_t off = 0; off < n; off += BATCH_CHUNK) {
		size_t m = chunk_len(n, off);
		keys_of(dst + off, key, m);
		fib_lpm6_view_lookup_batch(v, key, res + off, m);
	}
}

/* Each result's group entry, prefetched a few packets ahead (they are too many to stay in
 * L1), and its path. */
static void select_paths(const struct fib6_fwd *f, const uint32_t *res, const uint32_t *hash,
                         const struct fib6_path **path, size_t m)
{
	enum { D = 8 };
	for (size_t i = 0; i < m; i++) {
		if (i + D < m)
			__builtin_prefetch(&f->groups[res[i + D]]);
		path[i] = fib6_fwd_path_select(f, res[i], hash[i]);
	}
}

/* As fib_fwd_route_batch (fwd.c): the LPM's prefetching batch, then the paths. */
void fib6_fwd_route_batch(const struct fib6_fwd *f, const struct in6_addr *const *dst,
                          const uint32_t *hash, const struct fib6_path **path, size_t n)
{
	struct fib_lpm6_addr key[BATCH_CHUNK];
	uint32_t res[BATCH_CHUNK];
	for (size_t off = 0; off < n; off += BATCH_CHUNK) {
		size_t m = chunk_len(n, off);
		keys_of(dst + off, key, m);
		fib_lpm6_view_lookup_batch(&f->lpm, key, res, m);
		select_paths(f, res, hash + off, path + off, m);
	}
}

size_t fib6_fwd_bytes(const struct fib6_fwd *f)
{
	return f ? f->bytes : 0;
}
