/*
 * fib/lpm6.c - IPv6 longest-prefix match: DXR (ranges) behind a 20-bit direct table.
 *
 * What it is built for. IPv6 tables as routers hold them: nearly all prefixes /32../64
 * (allocations /32../48, subnets /64), a few shorter aggregates and the default route,
 * and host routes /128 for neighbours and loopbacks (the FIB to come may install one per
 * resolved neighbour, so /128 must be cheap, though not the bulk). Targets (issue 14):
 * >= 50 M batched lookups/s per core on 200k prefixes, build <= 1 s, memory reported.
 *
 * Why ranges rather than a trie or hashes. Three families were weighed:
 *  - Multibit tries (16-8-8-..., or a 24-bit first level) and their compressed forms
 *    (tree bitmap, Eatherton et al. 2004; poptrie, Asai and Ohara 2015): a lookup walks one
 *    node per stride, so a /48 costs 4-5 dependent loads after the first level and a /128
 *    up to 14; and prefixes that share no bits below the first level each pay a chain of
 *    nodes of their own (with 8-bit strides and 1 KiB nodes, a /48 alone under its /16 is
 *    4 KiB), which random or sparse tables make the common case.
 *  - A hash table per prefix length, searched from the longest length present down, or by
 *    binary search on lengths with markers (Waldvogel et al. 1997; VPP's ip6 FIB uses
 *    bihash per length): memory O(N) but 7 (binary) to ~20 (linear over the lengths a
 *    table uses) random probes per lookup, each a likely cache miss.
 *  - DXR (Zec, Rizzo, Mikuc 2012), as fib/lpm.c does for IPv4: a prefix set cut into
 *    disjoint address ranges, a direct table on the top bits, and per chunk the sorted
 *    range starts. A lookup is one direct load plus a branch-free binary search in one
 *    contiguous block whose address is known (and prefetched) from the direct entry. The
 *    key width does not change the depth: a /128 costs what a /48 costs.
 * DXR keeps the IPv4 module's shape (staged changes, per-chunk rebuilds at commit) and its
 * bounds: each prefix adds at most two range boundaries, so memory is O(N).
 *
 * The variant. 20 direct bits: an 8 MiB direct table of 64-bit entries (a 32-bit value or
 * a block reference). Global unicast lives under 2000::/3, so a real table uses 1/8 of the
 * chunks: with 1M prefixes that is ~8 prefixes and ~16 ranges per used chunk, a four-step
 * search in 128 bytes. Blocks come in two formats (lpm6.h): "narrow" ones store only the
 * high 64 bits of each start, valid while nothing longer than /64 cuts the chunk (the
 * common case: 12 bytes a range), "wide" ones the full 128 bits (20 bytes a range).
 * Values are stored as they are (no interning): 32 bits, next to the starts.
 *
 * Bounds. Memory: direct table 8 MiB + per prefix one 24-byte store entry (in a sorted
 * array per chunk, grown by doubling) and at most two ranges (<= 40 bytes) + 4 MiB for the
 * /0../19 prefixes + 16 MiB of bucket headers; every allocation is checked and a failed
 * commit leaves the old table in place. Time: a lookup is 1 direct load + ceil(log2(ranges
 * in the chunk)) halvings; set/del O(prefixes in the chunk) (sorted insert); commit
 * rebuilds each dirty chunk in O(its prefixes), with a nesting stack of at most 111
 * entries (no recursion). A change to a prefix shorter than /20 dirties 2^(20 - len)
 * chunks; past 1/16 of them the commit rebuilds all (also the bulk build: set every
 * prefix, then commit once).
 *
 * Measured (bench_lpm6, the length mix in its header, on the project's shared 2-core VM):
 * 200k prefixes 0.22-0.27 s to build, 14.8 MiB read by lookups, 49-58 M batched lookups/s; 1M
 * prefixes 0.7-0.8 s, 40.6 MiB, 23-26 M/s - the ranges no longer fit the cache, and each
 * lookup then pays about one memory latency, which the batch's prefetches overlap.
 *
 * Pool. Blocks live in one array of 64-bit words. A rebuilt chunk goes in place when it
 * fits its old block, else at the end; when the abandoned words exceed the live ones the
 * pool is repacked into a fresh array (blocks copied, not rebuilt).
 */
#include "fib/lpm6.h"

#include "fib/fib.h"

#include <stdlib.h>
#include <string.h>

#define SHORT_SLOTS    (1u << FIB_LPM6_DBITS) /* (1 << len | bits) for len 0..DBITS-1 */
#define DIRTY_MAX      (FIB_LPM6_CHUNKS / 16)
#define STACK_MAX      (128 - FIB_LPM6_DBITS + 3) /* cover + one prefix per length DBITS..128 */
#define PREFETCH_DIST  24
#define PREFETCH_LINES 8

_Static_assert(FIB_LPM6_DBITS >= 8 && FIB_LPM6_DBITS <= 24, "direct table size");
_Static_assert(sizeof(struct fib_lpm6_pfx) == 24, "store entries are 24 bytes");

/* ---------------------------------------------------------------- 128-bit helpers */

static int addr_cmp(struct fib_lpm6_addr a, struct fib_lpm6_addr b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* The host bits of a /len (all ones past the prefix). */
static struct fib_lpm6_addr host_mask(unsigned len)
{
	struct fib_lpm6_addr m;
	m.hi = len >= 64 ? 0 : (len == 0 ? ~0ull : ~0ull >> len);
	m.lo = len >= 128 ? 0 : (len <= 64 ? ~0ull : ~0ull >> (len - 64));
	return m;
}

static struct fib_lpm6_addr last_addr(struct fib_lpm6_addr start, unsigned len)
{
	struct fib_lpm6_addr m = host_mask(len);
	return (struct fib_lpm6_addr){start.hi | m.hi, start.lo | m.lo};
}

static struct fib_lpm6_addr addr_next(struct fib_lpm6_addr a)
{
	a.lo++;
	if (a.lo == 0)
		a.hi++;
	return a;
}

static bool pfx_valid(struct fib_lpm6_addr pfx, unsigned len)
{
	struct fib_lpm6_addr m = host_mask(len);
	return len <= 128 && !(pfx.hi & m.hi) && !(pfx.lo & m.lo);
}

static uint32_t chunk_of(uint64_t hi)
{
	return (uint32_t)(hi >> (64 - FIB_LPM6_DBITS));
}

static uint32_t short_index(uint64_t hi, unsigned len)
{
	return (1u << len) | (len ? (uint32_t)(hi >> (64 - len)) : 0);
}

static int pfx_cmp(const struct fib_lpm6_pfx *p, struct fib_lpm6_addr start, unsigned len)
{
	int c = addr_cmp(p->start, start);
	return c ? c : (int)p->len - (int)len;
}

/* ---------------------------------------------------------------- buckets (/DBITS..128) */

static uint32_t bucket_lower_bound(const struct fib_lpm6_bucket *b, struct fib_lpm6_addr start,
                                   unsigned len)
{
	uint32_t first = 0, n = b->n;
	while (n) {
		uint32_t half = n / 2;
		if (pfx_cmp(&b->v[first + half], start, len) < 0) {
			first += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return first;
}

static struct fib_lpm6_pfx *bucket_find(const struct fib_lpm6_bucket *b, struct fib_lpm6_addr start,
                                        unsigned len)
{
	uint32_t i = bucket_lower_bound(b, start, len);
	if (i < b->n && pfx_cmp(&b->v[i], start, len) == 0)
		return &b->v[i];
	return NULL;
}

static int bucket_grow(struct fib_lpm6 *lpm, struct fib_lpm6_bucket *b)
{
	if (b->n < b->cap)
		return 0;
	if (b->cap >= UINT32_MAX / 2)
		return FIB_E_NOMEM;
	uint32_t cap = b->cap ? b->cap * 2 : 2;
	struct fib_lpm6_pfx *v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return FIB_E_NOMEM;
	lpm->bucket_bytes += (size_t)(cap - b->cap) * sizeof(*v);
	b->v = v;
	b->cap = cap;
	return 0;
}

static bool bucket_in_use(const struct fib_lpm6 *lpm, uint32_t c)
{
	return lpm->bucket_used[c >> 6] >> (c & 63) & 1;
}

/* Empty buckets hold no allocation (bucket_shrink()), so "in use" is "has prefixes". */
static void bucket_mark(struct fib_lpm6 *lpm, uint32_t c)
{
	uint64_t bit = 1ull << (c & 63);
	lpm->bucket_used[c >> 6] =
	    lpm->buckets[c].n ? lpm->bucket_used[c >> 6] | bit : lpm->bucket_used[c >> 6] & ~bit;
}

static void bucket_shrink(struct fib_lpm6 *lpm, struct fib_lpm6_bucket *b)
{
	if (b->n == 0) {
		lpm->bucket_bytes -= (size_t)b->cap * sizeof(*b->v);
		free(b->v);
		b->v = NULL;
		b->cap = 0;
	}
}

/* ---------------------------------------------------------------- dirty chunks */

static void mark_dirty(struct fib_lpm6 *lpm, uint32_t c)
{
	uint64_t bit = 1ull << (c & 63);
	if (lpm->rebuild_all || (lpm->dirty_bits[c >> 6] & bit))
		return;
	if (lpm->n_dirty == DIRTY_MAX) {
		lpm->rebuild_all = true;
		return;
	}
	lpm->dirty_bits[c >> 6] |= bit;
	lpm->dirty[lpm->n_dirty++] = c;
}

/* A change to pfx/len (len < DBITS) touches every chunk under it. */
static void mark_short_dirty(struct fib_lpm6 *lpm, uint64_t hi, unsigned len)
{
	uint32_t n = 1u << (FIB_LPM6_DBITS - len), c0 = chunk_of(hi);
	if (n > DIRTY_MAX) {
		lpm->rebuild_all = true;
		return;
	}
	for (uint32_t c = c0; c < c0 + n; c++)
		mark_dirty(lpm, c);
}

static void clear_dirty(struct fib_lpm6 *lpm)
{
	for (uint32_t i = 0; i < lpm->n_dirty; i++)
		lpm->dirty_bits[lpm->dirty[i] >> 6] = 0;
	lpm->n_dirty = 0;
	lpm->rebuild_all = false;
}

/* ---------------------------------------------------------------- create / destroy */

struct fib_lpm6 *fib_lpm6_create(void)
{
	struct fib_lpm6 *lpm = calloc(1, sizeof(*lpm));
	if (!lpm)
		return NULL;
	lpm->direct = calloc(FIB_LPM6_CHUNKS, sizeof(*lpm->direct));
	lpm->buckets = calloc(FIB_LPM6_CHUNKS, sizeof(*lpm->buckets));
	lpm->short_val = calloc(SHORT_SLOTS, sizeof(*lpm->short_val));
	lpm->dirty_bits = calloc(FIB_LPM6_CHUNKS / 64, sizeof(*lpm->dirty_bits));
	lpm->bucket_used = calloc(FIB_LPM6_CHUNKS / 64, sizeof(*lpm->bucket_used));
	lpm->dirty = malloc(DIRTY_MAX * sizeof(*lpm->dirty));
	if (!lpm->direct || !lpm->buckets || !lpm->short_val || !lpm->dirty_bits ||
	    !lpm->bucket_used || !lpm->dirty) {
		fib_lpm6_destroy(lpm);
		return NULL;
	}
	return lpm;
}

void fib_lpm6_destroy(struct fib_lpm6 *lpm)
{
	if (!lpm)
		return;
	if (lpm->buckets && lpm->bucket_used)
		for (uint32_t c = 0; c < FIB_LPM6_CHUNKS; c++)
			if (bucket_in_use(lpm, c))
				free(lpm->buckets[c].v);
	free(lpm->buckets);
	free(lpm->bucket_used);
	free(lpm->direct);
	free(lpm->pool);
	free(lpm->short_val);
	free(lpm->dirty_bits);
	free(lpm->dirty);
	free(lpm->scratch);
	free(lpm);
}

/* ---------------------------------------------------------------- set / del / get */

int fib_lpm6_set(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len, uint32_t val)
{
	if (!val || !pfx_valid(pfx, len))
		return FIB_E_INVAL;
	if (len < FIB_LPM6_DBITS) {
		uint32_t *slot = &lpm->short_val[short_index(pfx.hi, len)];
		if (*slot == val)
			return 0;
		lpm->count += *slot == 0;
		lpm->short_count[len] += *slot == 0;
		*slot = val;
		mark_short_dirty(lpm, pfx.hi, len);
		return 0;
	}
	uint32_t c = chunk_of(pfx.hi);
	struct fib_lpm6_bucket *b = &lpm->buckets[c];
	uint32_t i = bucket_lower_bound(b, pfx, len);
	if (i < b->n && pfx_cmp(&b->v[i], pfx, len) == 0) {
		if (b->v[i].val != val) {
			b->v[i].val = val;
			mark_dirty(lpm, c);
		}
		return 0;
	}
	if (bucket_grow(lpm, b))
		return FIB_E_NOMEM;
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(*b->v));
	b->v[i] = (struct fib_lpm6_pfx){.start = pfx, .val = val, .len = (uint8_t)len};
	b->n++;
	bucket_mark(lpm, c);
	lpm->count++;
	mark_dirty(lpm, c);
	return 0;
}

int fib_lpm6_del(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len)
{
	if (!pfx_valid(pfx, len))
		return FIB_E_INVAL;
	if (len < FIB_LPM6_DBITS) {
		uint32_t *slot = &lpm->short_val[short_index(pfx.hi, len)];
		if (!*slot)
			return FIB_E_NOENT;
		*slot = 0;
		lpm->count--;
		lpm->short_count[len]--;
		mark_short_dirty(lpm, pfx.hi, len);
		return 0;
	}
	uint32_t c = chunk_of(pfx.hi);
	struct fib_lpm6_bucket *b = &lpm->buckets[c];
	struct fib_lpm6_pfx *p = bucket_find(b, pfx, len);
	if (!p)
		return FIB_E_NOENT;
	uint32_t i = (uint32_t)(p - b->v);
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
	b->n--;
	bucket_shrink(lpm, b);
	bucket_mark(lpm, c);
	lpm->count--;
	mark_dirty(lpm, c);
	return 0;
}

uint32_t fib_lpm6_get(const struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, unsigned len)
{
	if (!pfx_valid(pfx, len))
		return 0;
	if (len < FIB_LPM6_DBITS)
		return lpm->short_val[short_index(pfx.hi, len)];
	const struct fib_lpm6_pfx *p = bucket_find(&lpm->buckets[chunk_of(pfx.hi)], pfx, len);
	return p ? p->val : 0;
}

size_t fib_lpm6_count(const struct fib_lpm6 *lpm)
{
	return lpm->count;
}

bool fib_lpm6_staged(const struct fib_lpm6 *lpm)
{
	return lpm->rebuild_all || lpm->n_dirty > 0;
}

/* ---------------------------------------------------------------- building a chunk */

/* Value of the longest /0../DBITS-1 prefix covering chunk c, 0 if none. */
static uint32_t chunk_cover(const struct fib_lpm6 *lpm, uint32_t c)
{
	uint64_t hi = (uint64_t)c << (64 - FIB_LPM6_DBITS);
	for (int len = FIB_LPM6_DBITS - 1; len >= 0; len--) {
		if (!lpm->short_count[len])
			continue;
		uint32_t v = lpm->short_val[short_index(hi, (unsigned)len)];
		if (v)
			return v;
	}
	return 0;
}

static int scratch_reserve(struct fib_lpm6 *lpm, size_t n)
{
	if (n <= lpm->scratch_cap)
		return 0;
	size_t cap = n < 64 ? 64 : n * 2;
	struct fib_lpm6_range *s = realloc(lpm->scratch, cap * sizeof(*s));
	if (!s)
		return FIB_E_NOMEM;
	lpm->scratch = s;
	lpm->scratch_cap = cap;
	return 0;
}

/* Append the range [start.. -> val, merging with the ranges before it. */
static void range_emit(struct fib_lpm6_range *r, uint32_t *n, struct fib_lpm6_addr start,
                       uint32_t val)
{
	if (*n && addr_cmp(r[*n - 1].start, start) == 0) {
		r[*n - 1].val = val; /* a longer prefix starting at the same address */
		if (*n > 1 && r[*n - 2].val == val)
			(*n)--;
		return;
	}
	if (*n && r[*n - 1].val == val)
		return;
	r[(*n)++] = (struct fib_lpm6_range){start, val};
}

struct open_pfx {
	struct fib_lpm6_addr last;
	uint32_t val;
};

/*
 * Cut chunk c into ranges: a sweep over its prefixes in (start, len) order with the
 * stack of the prefixes that contain the current point (each nested in the one below, so
 * at most one per length). Returns the number of ranges in lpm->scratch.
 */
static uint32_t chunk_ranges(struct fib_lpm6 *lpm, uint32_t c)
{
	const struct fib_lpm6_bucket *b = &lpm->buckets[c];
	struct fib_lpm6_range *r = lpm->scratch;
	struct open_pfx stack[STACK_MAX];
	struct fib_lpm6_addr first = {(uint64_t)c << (64 - FIB_LPM6_DBITS), 0};
	uint32_t n = 0, depth = 1;

	stack[0] = (struct open_pfx){last_addr(first, FIB_LPM6_DBITS), chunk_cover(lpm, c)};
	range_emit(r, &n, first, stack[0].val);
	for (uint32_t i = 0; i < b->n; i++) {
		const struct fib_lpm6_pfx *p = &b->v[i];
		while (addr_cmp(stack[depth - 1].last, p->start) < 0) {
			depth--;
			range_emit(r, &n, addr_next(stack[depth].last), stack[depth - 1].val);
		}
		stack[depth++] = (struct open_pfx){last_addr(p->start, p->len), p->val};
		range_emit(r, &n, p->start, p->val);
	}
	while (depth > 1) {
		depth--;
		if (addr_cmp(stack[depth].last, stack[0].last) == 0)
			break; /* ends with the chunk, and so do all below it */
		range_emit(r, &n, addr_next(stack[depth].last), stack[depth - 1].val);
	}
	return n;
}

/* Words a block of n ranges takes. */
static uint64_t block_words(uint32_t n, bool wide)
{
	return (wide ? 2ull : 1ull) * n + (n + 1) / 2;
}

static uint64_t entry_words(uint64_t e)
{
	uint32_t n = (uint32_t)(e >> FIB_LPM6_E_N_SHIFT) & FIB_LPM6_E_N_MASK;
	return n ? block_words(n, e & FIB_LPM6_E_WIDE) : 0;
}

static int pool_reserve(struct fib_lpm6 *lpm, uint64_t words)
{
	uint64_t need = lpm->pool_used + words;
	if (need > UINT32_MAX)
		return FIB_E_NOMEM;
	if (need <= lpm->pool_cap)
		return 0;
	uint64_t cap = lpm->pool_cap ? lpm->pool_cap : 4096;
	while (cap < need)
		cap *= 2;
	uint64_t *p = realloc(lpm->pool, cap * sizeof(*p));
	if (!p)
		return FIB_E_NOMEM;
	lpm->pool = p;
	lpm->pool_cap = cap;
	return 0;
}

static void block_write(uint64_t *w, const struct fib_lpm6_range *r, uint32_t n, bool wide)
{
	uint32_t *vals = (uint32_t *)(w + (wide ? 2 * (size_t)n : n));
	for (uint32_t i = 0; i < n; i++) {
		if (wide) {
			w[2 * i] = r[i].start.hi;
			w[2 * i + 1] = r[i].start.lo;
		} else {
			w[i] = r[i].start.hi;
		}
		vals[i] = r[i].val;
	}
	if (n & 1)
		vals[n] = 0; /* the last word's unused half */
}

static void direct_set(struct fib_lpm6 *lpm, uint32_t c, uint64_t e)
{
	lpm->direct[c] = e;
	uint32_t page = c / FIB_LPM6_PAGE_ENTRIES;
	if (e)
		lpm->direct_pages[page / 64] |= 1ull << (page % 64);
}

static int chunk_build(struct fib_lpm6 *lpm, uint32_t c)
{
	if (!bucket_in_use(lpm, c)) { /* one range, the cover: its header need not be read */
		lpm->pool_live -= entry_words(lpm->direct[c]);
		direct_set(lpm, c, chunk_cover(lpm, c));
		return 0;
	}
	if (scratch_reserve(lpm, 2 * (size_t)lpm->buckets[c].n + 1))
		return FIB_E_NOMEM;
	uint32_t n = chunk_ranges(lpm, c);
	uint64_t old = lpm->direct[c];
	if (n == 1) {
		lpm->pool_live -= entry_words(old);
		direct_set(lpm, c, lpm->scratch[0].val);
		return 0;
	}
	if (n > FIB_LPM6_N_MAX)
		return FIB_E_NOMEM;
	bool wide = false;
	for (uint32_t i = 0; i < n; i++)
		wide |= lpm->scratch[i].start.lo != 0;
	uint64_t words = block_words(n, wide), base;
	if (words <= entry_words(old)) {
		base = (uint32_t)old; /* in place: the old block is no longer read after this */
	} else {
		if (pool_reserve(lpm, words))
			return FIB_E_NOMEM;
		base = lpm->pool_used;
		lpm->pool_used += words;
	}
	block_write(lpm->pool + base, lpm->scratch, n, wide);
	lpm->pool_live += words - entry_words(old);
	direct_set(lpm, c, (wide ? FIB_LPM6_E_WIDE : 0) | (uint64_t)n << FIB_LPM6_E_N_SHIFT | base);
	return 0;
}

/* Copy the live blocks into a fresh, packed pool (sized by a first pass over them). */
static int pool_repack(struct fib_lpm6 *lpm)
{
	uint64_t cap = 4096, used = 0;
	for (uint32_t c = 0; c < FIB_LPM6_CHUNKS; c++)
		cap += entry_words(lpm->direct[c]);
	uint64_t *p = malloc(cap * sizeof(*p));
	if (!p)
		return FIB_E_NOMEM;
	for (uint32_t c = 0; c < FIB_LPM6_CHUNKS; c++) {
		uint64_t e = lpm->direct[c], words = entry_words(e);
		if (!words)
			continue;
		memcpy(p + used, lpm->pool + (uint32_t)e, words * sizeof(*p));
		lpm->direct[c] = (e & ~(uint64_t)UINT32_MAX) | used;
		used += words;
	}
	free(lpm->pool);
	lpm->pool = p;
	lpm->pool_cap = cap;
	lpm->pool_used = lpm->pool_live = used;
	return 0;
}

/* After a bulk build: give back what the doubling reserved beyond some room for updates. */
static void pool_trim(struct fib_lpm6 *lpm)
{
	uint64_t cap = lpm->pool_used + lpm->pool_used / 16 + 4096;
	if (cap >= lpm->pool_cap)
		return;
	uint64_t *p = realloc(lpm->pool, cap * sizeof(*p));
	if (p) { /* else the larger pool simply stays */
		lpm->pool = p;
		lpm->pool_cap = cap;
	}
}

/* Rebuild every chunk into a fresh pool (the old one stays whole until the end). */
static int rebuild_all(struct fib_lpm6 *lpm)
{
	uint64_t *old_pool = lpm->pool;
	uint64_t *old_direct = malloc(FIB_LPM6_CHUNKS * sizeof(*old_direct));
	if (!old_direct)
		return FIB_E_NOMEM;
	memcpy(old_direct, lpm->direct, FIB_LPM6_CHUNKS * sizeof(*old_direct));
	uint64_t cap = lpm->pool_cap, used = lpm->pool_used, live = lpm->pool_live;
	uint64_t pages[sizeof(lpm->direct_pages) / sizeof(uint64_t)];
	memcpy(pages, lpm->direct_pages, sizeof(pages));
	lpm->pool = NULL;
	lpm->pool_cap = lpm->pool_used = lpm->pool_live = 0;
	memset(lpm->direct, 0, FIB_LPM6_CHUNKS * sizeof(*lpm->direct));
	memset(lpm->direct_pages, 0, sizeof(lpm->direct_pages));
	for (uint32_t c = 0; c < FIB_LPM6_CHUNKS; c++) {
		if (chunk_build(lpm, c)) {
			free(lpm->pool);
			lpm->pool = old_pool;
			lpm->pool_cap = cap;
			lpm->pool_used = used;
			lpm->pool_live = live;
			memcpy(lpm->direct, old_direct, FIB_LPM6_CHUNKS * sizeof(*old_direct));
			memcpy(lpm->direct_pages, pages, sizeof(pages));
			free(old_direct);
			return FIB_E_NOMEM;
		}
	}
	free(old_pool);
	free(old_direct);
	pool_trim(lpm);
	return 0;
}

int fib_lpm6_commit(struct fib_lpm6 *lpm)
{
	if (lpm->rebuild_all) {
		if (rebuild_all(lpm))
			return FIB_E_NOMEM;
		clear_dirty(lpm);
		return 0;
	}
	while (lpm->n_dirty) {
		uint32_t c = lpm->dirty[lpm->n_dirty - 1];
		if (chunk_build(lpm, c))
			return FIB_E_NOMEM; /* the rest stays dirty */
		lpm->dirty_bits[c >> 6] &= ~(1ull << (c & 63));
		lpm->n_dirty--;
	}
	if (lpm->pool_used - lpm->pool_live > lpm->pool_live + 4096)
		return pool_repack(lpm); /* failing leaves a valid, unpacked pool */
	return 0;
}

/* ---------------------------------------------------------------- lookups / memory */

/* A block's lines, up to PREFETCH_LINES: the search touches log2(n) of them one after the
 * other, and the value's one last; fetched together, they cost one memory latency. */
static inline void prefetch_block(const uint64_t *w, uint64_t words)
{
	const char *p = (const char *)w, *end = (const char *)(w + words);
	for (int k = 0; k < PREFETCH_LINES && p < end; k++, p += 64)
		__builtin_prefetch(p);
}

/*
 * A software pipeline: the direct entry of lookup i + 2D is prefetched, the block of
 * lookup i + D (its first and middle lines), and lookup i is done, by then mostly from
 * the cache.
 */
void fib_lpm6_view_lookup_batch(const struct fib_lpm6_view *v, const struct fib_lpm6_addr *addr,
                                uint32_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 2 * PREFETCH_DIST < n)
			__builtin_prefetch(&v->direct[chunk_of(addr[i + 2 * PREFETCH_DIST].hi)]);
		if (i + PREFETCH_DIST < n) {
			uint64_t e = v->direct[chunk_of(addr[i + PREFETCH_DIST].hi)];
			uint32_t m = (uint32_t)(e >> FIB_LPM6_E_N_SHIFT) & FIB_LPM6_E_N_MASK;
			if (m)
				prefetch_block(v->pool + (uint32_t)e,
				               block_words(m, e & FIB_LPM6_E_WIDE));
		}
		out[i] = fib_lpm6_view_lookup(v, addr[i]);
	}
}

void fib_lpm6_lookup_batch(const struct fib_lpm6 *lpm, const struct fib_lpm6_addr *addr,
                           uint32_t *out, size_t n)
{
	const struct fib_lpm6_view v = {lpm->direct, lpm->pool};
	fib_lpm6_view_lookup_batch(&v, addr, out, n);
}

/* ---------------------------------------------------------------- lookup-only copies */

size_t fib_lpm6_copy_words(const struct fib_lpm6 *lpm)
{
	return lpm->pool_used;
}

void fib_lpm6_copy(const struct fib_lpm6 *lpm, uint64_t *direct, uint64_t *pool)
{
	memcpy(direct, lpm->direct, FIB_LPM6_CHUNKS * sizeof(*direct));
	if (lpm->pool_used)
		memcpy(pool, lpm->pool, lpm->pool_used * sizeof(*pool));
}

void fib_lpm6_copy_sparse(const struct fib_lpm6 *lpm, uint64_t *direct, uint64_t *pool)
{
	for (uint32_t page = 0; page < FIB_LPM6_CHUNKS / FIB_LPM6_PAGE_ENTRIES; page++) {
		if (!(lpm->direct_pages[page / 64] >> (page % 64) & 1))
			continue;
		size_t c = (size_t)page * FIB_LPM6_PAGE_ENTRIES;
		memcpy(&direct[c], &lpm->direct[c], FIB_LPM6_PAGE_ENTRIES * sizeof(*direct));
	}
	if (lpm->pool_used)
		memcpy(pool, lpm->pool, lpm->pool_used * sizeof(*pool));
}

void fib_lpm6_mem(const struct fib_lpm6 *lpm, size_t *lookup_bytes, size_t *total_bytes)
{
	size_t direct = FIB_LPM6_CHUNKS * sizeof(*lpm->direct);
	size_t lookup = direct + lpm->pool_used * sizeof(*lpm->pool);
	if (lookup_bytes)
		*lookup_bytes = lookup;
	if (total_bytes)
		*total_bytes = sizeof(*lpm) + direct + lpm->pool_cap * sizeof(*lpm->pool) +
		               FIB_LPM6_CHUNKS * sizeof(*lpm->buckets) + lpm->bucket_bytes +
		               SHORT_SLOTS * sizeof(*lpm->short_val) + 2 * (FIB_LPM6_CHUNKS / 8) +
		               DIRTY_MAX * sizeof(*lpm->dirty) +
		               lpm->scratch_cap * sizeof(*lpm->scratch);
}
