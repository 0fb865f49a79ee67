/*
 * fib/lpm6.h - internal to fib/: IPv6 longest-prefix match (/0../128) under the IPv6 FIB.
 *
 * The IPv4 LPM's scheme (fib/lpm.h) carried to 128 bits: a direct table indexed by the top
 * FIB_LPM6_DBITS bits of the address, and per chunk a sorted array of address ranges
 * searched for the last range starting at or below the address. See lpm6.c for the why.
 * Values are 32-bit (next-hop group ids in the FIB to come); 0 is reserved for "no match".
 *
 * Updates are staged: fib_lpm6_set()/fib_lpm6_del() change the prefix set and mark the
 * chunks they touch; fib_lpm6_commit() rebuilds those chunks. Lookups between a staged
 * change and the commit see the last committed table (consistent, just old).
 *
 * Addresses are two uint64_t in host order (struct fib_lpm6_addr), not struct in6_addr:
 * a lookup compares range starts and masks prefixes on every step, which are plain
 * integer operations on host-order words, whereas in6_addr's network byte order would
 * need a byte swap at each of them. The packet path converts once per packet
 * (fib_lpm6_addr_from_in6()).
 *
 * The struct is defined here (not opaque) so that a caller can inline the lookup; the
 * fields are owned by lpm6.c.
 */
#ifndef FIB_LPM6_H
#define FIB_LPM6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIB_LPM6_DBITS  20 /* address bits resolved by the direct table */
#define FIB_LPM6_CHUNKS (1u << FIB_LPM6_DBITS)
/* Direct entries per 4 KiB page, the unit fib_lpm6_copy_sparse() skips. */
#define FIB_LPM6_PAGE_ENTRIES 512u

/* An IPv6 address or prefix: hi holds bits 127..64 (the first 8 bytes on the wire). */
struct fib_lpm6_addr {
	uint64_t hi, lo;
};

/*
 * Direct entry (64 bits). n == 0: the whole chunk maps to one value, in the low 32 bits.
 * Otherwise the chunk has n >= 2 ranges in the word pool at `base` (low 32 bits):
 *  - narrow (every range start has a zero low half, i.e. only prefixes up to /64 cut the
 *    chunk - the common case): n words of start.hi, then the n 32-bit values;
 *  - wide: n pairs of words (start.hi, start.lo), then the n values.
 * The first range always starts at the chunk's first address.
 */
#define FIB_LPM6_E_WIDE    (1ull << 63)
#define FIB_LPM6_E_N_SHIFT 32
#define FIB_LPM6_E_N_MASK  0x7fffffffu
#define FIB_LPM6_N_MAX     FIB_LPM6_E_N_MASK

/* A prefix of /DBITS or longer, kept sorted by (start, len) in its chunk's bucket. */
struct fib_lpm6_pfx {
	struct fib_lpm6_addr start;
	uint32_t val;
	uint8_t len;
};

struct fib_lpm6_bucket {
	struct fib_lpm6_pfx *v;
	uint32_t n, cap;
};

/* One range while a chunk is built. */
struct fib_lpm6_range {
	struct fib_lpm6_addr start;
	uint32_t val;
};

struct fib_lpm6 {
	/* What a lookup reads. */
	uint64_t *direct;                        /* FIB_LPM6_CHUNKS entries */
	uint64_t *pool;                          /* range blocks */
	uint64_t pool_cap, pool_used, pool_live; /* in words */
	/* Pages of direct[] ever given a non-zero entry (since the last rebuild of all): the
	 * others have never been touched, and a copy need not read them (reading would fault
	 * them in where the kernel maps no shared zero page). */
	uint64_t direct_pages[FIB_LPM6_CHUNKS / FIB_LPM6_PAGE_ENTRIES / 64];

	/* The prefix set (the source the chunks are rebuilt from). */
	struct fib_lpm6_bucket *buckets; /* per chunk: prefixes /DBITS../128 */
	/* Chunks whose bucket holds prefixes: a rebuild of all and the destroy visit only
	 * those, and leave the 16 MiB of bucket headers of a sparse table untouched. */
	uint64_t *bucket_used;
	uint32_t *short_val;                  /* /0../DBITS-1 by (1 << len | top len bits) */
	uint32_t short_count[FIB_LPM6_DBITS]; /* of those, per length (covers skip empty ones) */
	size_t count;
	size_t bucket_bytes;

	/* Chunks to rebuild at the next commit. */
	uint64_t *dirty_bits;
	uint32_t *dirty;
	uint32_t n_dirty;
	bool rebuild_all;

	struct fib_lpm6_range *scratch; /* one chunk's ranges while they are built */
	size_t scratch_cap;
};

struct fib_lpm6 *fib_lpm6_create(void);
void fib_lpm6_destroy(struct fib_lpm6 *lpm);
/* Insert or replace pfx/len -> val (val != 0, len <= 128, no bits set past len: else
 * FIB_E_INVAL). Returns enum fib_err. Staged until fib_lpm6_commit(). */
int fib_lpm6_set(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len, uint32_t val);
/* Remove pfx/len; FIB_E_NOENT when absent. Staged until fib_lpm6_commit(). */
int fib_lpm6_del(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len);
/* Rebuild what the staged changes touched. On FIB_E_NOMEM the unbuilt chunks stay
 * pending (lookups keep the old, consistent view for them) and a later commit retries. */
int fib_lpm6_commit(struct fib_lpm6 *lpm);
/* Exact-match value of a staged-or-committed prefix, 0 when absent. */
uint32_t fib_lpm6_get(const struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len);
size_t fib_lpm6_count(const struct fib_lpm6 *lpm);
bool fib_lpm6_staged(const struct fib_lpm6 *lpm);
/* lookup: what lookups read (direct table + range pool); total: everything. */
void fib_lpm6_mem(const struct fib_lpm6 *lpm, size_t *lookup_bytes, size_t *total_bytes);
void fib_lpm6_lookup_batch(const struct fib_lpm6 *lpm, const struct fib_lpm6_addr *addr,
                           uint32_t *out, size_t n);

/*
 * The two arrays a lookup reads, apart from everything else: a lookup-only copy of the
 * committed table (for other threads) runs the very same code as the LPM itself.
 * fib_lpm6_copy_words() tells how many pool words to make room for; fib_lpm6_copy() then
 * fills direct (FIB_LPM6_CHUNKS entries) and pool with two memcpy()s. The values are the
 * LPM's own (they sit in the blocks, so a renumbering would mean rewriting every block).
 */
struct fib_lpm6_view {
	const uint64_t *direct;
	const uint64_t *pool;
};

size_t fib_lpm6_copy_words(const struct fib_lpm6 *lpm);
void fib_lpm6_copy(const struct fib_lpm6 *lpm, uint64_t *direct, uint64_t *pool);
/* As fib_lpm6_copy() into a zero-filled direct table, reading and writing only the pages
 * that hold non-zero entries: untouched pages of either table stay unmapped. */
void fib_lpm6_copy_sparse(const struct fib_lpm6 *lpm, uint64_t *direct, uint64_t *pool);
void fib_lpm6_view_lookup_batch(const struct fib_lpm6_view *v, const struct fib_lpm6_addr *addr,
                                uint32_t *out, size_t n);

static inline struct fib_lpm6_addr fib_lpm6_addr_from_in6(const struct in6_addr *a)
{
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 8; i++) {
		hi = hi << 8 | a->s6_addr[i];
		lo = lo << 8 | a->s6_addr[8 + i];
	}
	return (struct fib_lpm6_addr){hi, lo};
}

static inline struct in6_addr fib_lpm6_addr_to_in6(struct fib_lpm6_addr a)
{
	struct in6_addr r;
	for (int i = 7; i >= 0; i--) {
		r.s6_addr[i] = (uint8_t)a.hi;
		r.s6_addr[8 + i] = (uint8_t)a.lo;
		a.hi >>= 8;
		a.lo >>= 8;
	}
	return r;
}

/* Index of the last of the n sorted starts (start.hi only) that is <= key; keys[0] is. A
 * conditional-move halving: no branch on the data, so overlapped lookups are not flushed. */
static inline uint32_t fib_lpm6_index_narrow(const uint64_t *keys, uint32_t n, uint64_t key)
{
	const uint64_t *p = keys;
	while (n > 1) {
		uint32_t half = n >> 1;
		p = p[half] <= key ? p + half : p;
		n -= half;
	}
	return (uint32_t)(p - keys);
}

/* The same over (hi, lo) pairs. */
static inline uint32_t fib_lpm6_index_wide(const uint64_t *keys, uint32_t n, struct fib_lpm6_addr a)
{
	const uint64_t *p = keys;
	while (n > 1) {
		uint32_t half = n >> 1;
		const uint64_t *q = p + 2 * half;
		bool le = q[0] < a.hi || (q[0] == a.hi && q[1] <= a.lo);
		p = le ? q : p;
		n -= half;
	}
	return (uint32_t)(p - keys) / 2;
}

static inline uint32_t fib_lpm6_block_lookup(const uint64_t *pool, uint64_t e,
                                             struct fib_lpm6_addr a)
{
	uint32_t n = (uint32_t)(e >> FIB_LPM6_E_N_SHIFT) & FIB_LPM6_E_N_MASK;
	const uint64_t *keys = pool + (uint32_t)e;
	if (e & FIB_LPM6_E_WIDE) {
		uint32_t i = fib_lpm6_index_wide(keys, n, a);
		return ((const uint32_t *)(keys + 2 * (size_t)n))[i];
	}
	return ((const uint32_t *)(keys + n))[fib_lpm6_index_narrow(keys, n, a.hi)];
}

static inline uint32_t fib_lpm6_view_lookup(const struct fib_lpm6_view *v, struct fib_lpm6_addr a)
{
	uint64_t e = v->direct[a.hi >> (64 - FIB_LPM6_DBITS)];
	if (!(e >> FIB_LPM6_E_N_SHIFT))
		return (uint32_t)e;
	return fib_lpm6_block_lookup(v->pool, e, a);
}

static inline uint32_t fib_lpm6_lookup(const struct fib_lpm6 *lpm, struct fib_lpm6_addr a)
{
	const struct fib_lpm6_view v = {lpm->direct, lpm->pool};
	return fib_lpm6_view_lookup(&v, a);
}

#endif
