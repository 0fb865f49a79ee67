/*
 * fib/lpm.h - internal to fib/: the IPv4 longest-prefix-match structure behind fib_lookup().
 *
 * A DXR table (see lpm.c for the design and why): a direct table indexed by the top
 * FIB_LPM_DBITS bits of the address, and per chunk a sorted array of address ranges.
 * Values are 32-bit (the FIB stores next-hop group ids); 0 is reserved for "no match".
 *
 * Updates are staged: fib_lpm_set()/fib_lpm_del() change the prefix set and mark the
 * chunks they touch; fib_lpm_commit() rebuilds those chunks. Lookups between a staged
 * change and the commit see the last committed table (consistent, just old).
 *
 * The struct is defined here (not opaque) only so that fib.c can inline the lookup; the
 * fields are owned by lpm.c.
 */
#ifndef FIB_LPM_H
#define FIB_LPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define FIB_LPM_DBITS      18                   /* address bits resolved by the direct table */
#define FIB_LPM_CBITS      (32 - FIB_LPM_DBITS) /* bits resolved inside a chunk */
#define FIB_LPM_CHUNKS     (1u << FIB_LPM_DBITS)
#define FIB_LPM_CHUNK_SIZE (1u << FIB_LPM_CBITS) /* addresses per chunk */
#define FIB_LPM_LEAF_MAX   65535u                /* distinct values held at once (leaf 0 = miss) */

/*
 * Direct entry: either a leaf (the whole chunk maps to one value), or where the chunk's
 * ranges start in the 16-bit unit array, their format, and their count when below 16 (so
 * the search need not wait for the block's first unit to know where to probe).
 */
#define FIB_LPM_E_LEAF      0x80000000u
#define FIB_LPM_E_SHORT     0x40000000u
#define FIB_LPM_E_NM1_SHIFT 26 /* ranges - 1, or 15 for 16 and more (count in the block) */
#define FIB_LPM_E_NM1_MASK  15u
#define FIB_LPM_E_BASE_MASK 0x03ffffffu
#define FIB_LPM_UNITS_MAX   FIB_LPM_E_BASE_MASK

/*
 * A chunk's ranges, sorted: addresses from a range's start (offset in the chunk) up to the
 * next range's start map to its leaf. The first range always starts at 0, so its start
 * field holds the number of ranges minus one instead.
 * Long format: 2n units, the n starts and then the n leaves.
 * Short format, when every start is a multiple of 256 (/24 boundaries, the common case)
 * and every leaf fits FIB_LPM_SHORT_BITS: n units, (start / 256) << bits | leaf. Such a
 * unit compares against ((key / 256) << bits | all-ones leaf) exactly as its start compares
 * against the key, so both formats share one search loop over consecutive units.
 */
#define FIB_LPM_SHORT_BITS   (FIB_LPM_DBITS - 8)
#define FIB_LPM_SHORT_LEAVES ((1u << FIB_LPM_SHORT_BITS) - 1)
/* A search reads the 16 units from a block's start even when the block is shorter, so the
 * unit array always has this many readable units after its last block. */
#define FIB_LPM_READ_PAD 16

/* One range while a chunk is built (either format is encoded from these). */
struct fib_lpm_range {
	uint16_t start;
	uint16_t leaf;
};

/* Prefix longer than /16, kept sorted by (lo, len) in the bucket of its top 16 bits. */
struct fib_lpm_pfx {
	uint16_t lo; /* bits 15..0 of the prefix */
	uint8_t len; /* 17..32 */
	uint8_t pad_;
	uint16_t leaf;
};

struct fib_lpm_bucket {
	struct fib_lpm_pfx *v;
	uint32_t n, cap;
};

/*
 * The three arrays a lookup reads, apart from everything else the LPM keeps: the lookup
 * functions work on this so that a lookup-only copy of the table (struct fib_fwd, which
 * other threads read) runs the very same code as the LPM itself.
 */
struct fib_lpm_view {
	const uint32_t *direct;
	const uint16_t *units;
	const uint32_t *vals;
};

struct fib_lpm {
	/* What a lookup reads. */
	uint32_t *direct; /* FIB_LPM_CHUNKS entries */
	uint16_t *units;  /* chunks' ranges, 64-byte aligned */
	uint32_t *vals;   /* leaf -> value; vals[0] == 0 */

	/* Unit array space: [0, used) holds blocks, of which `live` units are referenced. */
	uint32_t units_cap, units_used, units_live;
	uint32_t *chunk_cap; /* block capacity (units) of each range chunk (in-place rebuilds) */

	/* The prefix set (the source the chunks are rebuilt from). */
	struct fib_lpm_bucket *buckets; /* 65536 buckets of prefixes /17../32 */
	uint16_t *short_leaf;           /* /0../16 by (1 << len | pfx >> (32 - len)) */
	uint16_t *cover_leaf;           /* per /16: leaf of the longest /0../16 covering it */
	uint8_t *cover_len1;            /* per /16: that prefix's length + 1, 0 if none */
	uint32_t count;                 /* prefixes held */
	uint32_t len_count[33];
	size_t bucket_bytes;

	/* Leaves: interned values with a reference count per prefix using them. */
	uint32_t *leaf_refs;
	uint16_t *leaf_next; /* hash chain, or free list */
	uint16_t *leaf_head; /* hash heads, leaf_cap of them */
	uint8_t *leaf_pending;
	uint16_t *pending; /* leaves whose count hit 0: freed at commit */
	uint32_t leaf_cap, leaf_hw, leaf_free, n_pending, leaves_used;

	/* Chunks to rebuild at the next commit. */
	uint64_t *dirty_bits;
	uint32_t *dirty;
	uint32_t n_dirty;
	bool rebuild_all;

	struct fib_lpm_range *scratch; /* one chunk's ranges while they are built */
};

struct fib_lpm *fib_lpm_create(void);
void fib_lpm_destroy(struct fib_lpm *lpm);
/* Insert or replace pfx/len -> val (val != 0). Returns enum fib_err; FIB_E_FULL when
 * FIB_LPM_LEAF_MAX distinct values are already held. Staged until fib_lpm_commit(). */
int fib_lpm_set(struct fib_lpm *lpm, uint32_t pfx, uint8_t len, uint32_t val);
/* Remove pfx/len; FIB_E_NOENT when absent. Staged until fib_lpm_commit(). */
int fib_lpm_del(struct fib_lpm *lpm, uint32_t pfx, uint8_t len);
/* Rebuild what the staged changes touched. On FIB_E_NOMEM the unbuilt chunks stay
 * pending (lookups keep the old, consistent view) and a later commit retries. */
int fib_lpm_commit(struct fib_lpm *lpm);
/* Exact-match value of a staged-or-committed prefix, 0 when absent. */
uint32_t fib_lpm_get(const struct fib_lpm *lpm, uint32_t pfx, uint8_t len);
size_t fib_lpm_count(const struct fib_lpm *lpm);
/* lookup: what lookups read (direct + ranges + value table); total: everything. */
void fib_lpm_mem(const struct fib_lpm *lpm, size_t *lookup_bytes, size_t *total_bytes);
void fib_lpm_lookup_batch(const struct fib_lpm *lpm, const uint32_t *addr, uint32_t *out, size_t n);
void fib_lpm_view_lookup_batch(const struct fib_lpm_view *v, const uint32_t *addr, uint32_t *out,
                               size_t n);
/* True when set/del calls are waiting for a commit (which then changes what lookups see). */
bool fib_lpm_staged(const struct fib_lpm *lpm);

/*
 * A lookup-only copy of the committed table, in memory the caller lays out (struct fib_fwd
 * puts it in one block). fib_lpm_copy_size() tells how many units and values to make room
 * for; fib_lpm_copy() then fills direct (FIB_LPM_CHUNKS entries), units (n_units plus
 * FIB_LPM_READ_PAD, 64-byte aligned) and vals (n_vals), renumbering every value v as
 * remap[v] (0 when v >= n_remap): the copy's owner numbers the values its own way. The
 * copy is made of plain memcpy()s of the used parts: no chunk is rebuilt.
 */
void fib_lpm_copy_size(const struct fib_lpm *lpm, uint32_t *n_units, uint32_t *n_vals);
void fib_lpm_copy(const struct fib_lpm *lpm, uint32_t *direct, uint16_t *units, uint32_t *vals,
                  const uint32_t *remap, uint32_t n_remap);

/* One halving step: move to the upper half when its first unit is <= key. */
#define FIB_LPM_SEARCH_STEP(p, n, key)                                                             \
	do {                                                                                       \
		uint32_t half_ = (n) >> 1;                                                         \
		(p) = (p)[half_] <= (key) ? (p) + half_ : (p);                                     \
		(n) -= half_;                                                                      \
	} while (0)

/*
 * Index of the last of units p[0..n) (n <= 16) that is <= key, p[0] counting as <= (it
 * holds the count). The units are sorted, so that is the number of units <= key, minus
 * one. With SSE2 all 16 are compared at once: no chain of dependent loads and no branch.
 * Otherwise, four conditional-move halving steps (once n == 1 a step changes nothing).
 */
static inline uint32_t fib_lpm_index16(const uint16_t *p, uint32_t key, uint32_t n)
{
#ifdef __SSE2__
	const __m128i k = _mm_set1_epi16((short)key), zero = _mm_setzero_si128();
	__m128i lo = _mm_loadu_si128((const __m128i *)p);
	__m128i hi = _mm_loadu_si128((const __m128i *)(p + 8));
	/* unsigned a <= k  <=>  saturating a - k == 0 */
	lo = _mm_cmpeq_epi16(_mm_subs_epu16(lo, k), zero);
	hi = _mm_cmpeq_epi16(_mm_subs_epu16(hi, k), zero);
	uint32_t le = (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(lo, hi));
	le = (le | 1) & ((1u << n) - 1);
	return (uint32_t)__builtin_ctz(~le) - 1;
#else
	const uint16_t *q = p;
	FIB_LPM_SEARCH_STEP(q, n, key);
	FIB_LPM_SEARCH_STEP(q, n, key);
	FIB_LPM_SEARCH_STEP(q, n, key);
	FIB_LPM_SEARCH_STEP(q, n, key);
	return (uint32_t)(q - p);
#endif
}

/* Blocks of 16 ranges or more (1% in random tables): halve down to 16, then as usual.
 * Once q has moved, q[0] <= key holds, so treating it as "<=" stays right. */
static inline uint32_t fib_lpm_index_big(const uint16_t *p, uint32_t key, uint32_t n)
{
	const uint16_t *q = p;
	while (n > 16)
		FIB_LPM_SEARCH_STEP(q, n, key);
	return (uint32_t)(q - p) + fib_lpm_index16(q, key, n);
}

/*
 * Leaf of chunk offset `off` in the block at p, either format, with no data-dependent
 * branch: a mispredicted branch would flush the other lookups the CPU is overlapping. The
 * format only changes three numbers, computed with masks.
 */
static inline uint32_t fib_lpm_block_leaf(const uint16_t *p, uint32_t e, uint32_t off)
{
	const uint32_t short_mask = 0u - (e >> 30 & 1);
	const uint32_t key =
	    (((off >> 8) << FIB_LPM_SHORT_BITS | FIB_LPM_SHORT_LEAVES) & short_mask) |
	    (off & ~short_mask);
	uint32_t n = (e >> FIB_LPM_E_NM1_SHIFT & FIB_LPM_E_NM1_MASK) + 1, i;

	if (__builtin_expect(n < 16, 1)) {
		i = fib_lpm_index16(p, key, n);
	} else {
		n = (uint32_t)(p[0] >> (FIB_LPM_SHORT_BITS & short_mask)) + 1;
		i = fib_lpm_index_big(p, key, n);
	}
	/* Short: the leaf is in the unit's low bits; long: n units further on. */
	return p[i + (n & ~short_mask)] & (0xffffu >> ((16 - FIB_LPM_SHORT_BITS) & short_mask));
}

static inline uint32_t fib_lpm_entry_leaf(const uint16_t *units, uint32_t e, uint32_t addr)
{
	if (e & FIB_LPM_E_LEAF)
		return e & 0xffffu;
	return fib_lpm_block_leaf(units + (e & FIB_LPM_E_BASE_MASK), e,
	                          addr & (FIB_LPM_CHUNK_SIZE - 1));
}

static inline uint32_t fib_lpm_view_lookup(const struct fib_lpm_view *v, uint32_t addr)
{
	uint32_t e = v->direct[addr >> FIB_LPM_CBITS];
	return v->vals[fib_lpm_entry_leaf(v->units, e, addr)];
}

static inline uint32_t fib_lpm_lookup(const struct fib_lpm *lpm, uint32_t addr)
{
	uint32_t e = lpm->direct[addr >> FIB_LPM_CBITS];
	return lpm->vals[fib_lpm_entry_leaf(lpm->units, e, addr)];
}

#endif
