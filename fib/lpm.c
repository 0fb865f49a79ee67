/*
 * fib/lpm.c - IPv4 longest-prefix match: DXR with an 18-bit direct table ("D18R").
 *
 * Why DXR. The targets are >= 100 M lookups/s per core on 1,000,000 random prefixes, at most
 * 16 MiB, a build in under a second and >= 1 M updates/s. Three published designs were weighed:
 *  - DIR-24-8 (Gupta, Lin, McKeown, "Routing Lookups in Hardware at Memory Access Speeds",
 *    INFOCOM 1998): mostly one memory access per lookup, but tbl24 alone has 2^24 entries
 *    (32 MiB at 16 bits, 64 MiB at 32) - far over budget, and random lookups then miss every
 *    cache level, so the single access is a DRAM access.
 *  - Poptrie (Asai, Ohara, "Poptrie: A Compressed Trie with Population Count for Fast and
 *    Scalable Software IP Routing Table Lookup", SIGCOMM 2015): compact and fast on real
 *    tables, but in a /24-heavy random table almost every lookup walks direct entry ->
 *    internal node -> leaf array, three dependent cache misses, and an update rebuilds a
 *    subtrie through a buddy allocator.
 *  - DXR (Zec, Rizzo, Mikuc, "DXR: Towards a Billion Routing Lookups per Second in
 *    Software", ACM SIGCOMM CCR 2012): a direct table on the top address bits, and per chunk
 *    a sorted array of address ranges. A lookup is one direct load plus a search in one
 *    small contiguous block, whose cache lines are known (and can be prefetched) as soon as
 *    the direct entry is. An update rebuilds just the chunks it touches.
 * DXR wins here: two dependent memory accesses per lookup, which batches overlap.
 *
 * The variant. 18 direct bits: a 1 MiB direct table, and with 1M random prefixes ~8 ranges
 * per chunk. Measured on the target VM with the bench's table, D16R and D17R (256 KiB and
 * 512 KiB direct tables, 30 and 15 ranges per chunk) did 88 and 93 M batched lookups/s,
 * D18R 134 M. Ranges come in two formats (lpm.h): 2-byte entries when every boundary of a
 * chunk falls on a /24 (80% of chunks in a BGP-like mix) and 4-byte ones otherwise, which
 * brings 1M prefixes to ~5.9 MiB instead of ~9 - below the cache size this VM effectively
 * gets, which mattered more than anything else. A block is searched by comparing 16
 * entries at once (SSE2) rather than by a binary search, whose chain of dependent loads
 * stalled the overlapped lookups; nothing on the lookup path branches on data except
 * "leaf or ranges", so mispredictions do not flush the work in flight.
 *
 * Leaves are 16-bit indexes into a value table holding the caller's 32-bit values (next-hop
 * group ids): many prefixes share few groups, so interning keeps entries small for one
 * extra, L1-resident load per lookup. At most FIB_LPM_LEAF_MAX distinct values at once.
 *
 * Updates. The prefixes are kept sorted by their top 16 bits (the copy the chunks are built
 * from), with a per-/16 summary of the /0../16 prefixes covering it; a change marks the
 * chunks it covers dirty and commit rebuilds only those. A rebuilt chunk goes in place when
 * it fits its block, else into a new block at the end of the unit array; abandoned blocks
 * are reclaimed by repacking once they exceed 1/8 of the live units. A change to a /0../3
 * prefix, or one touching more than 1/16 of the chunks, rebuilds everything into a freshly
 * packed array (this is also the bulk build: set every prefix, then commit once).
 */
#include "fib/lpm.h"

#include "common/net.h"
#include "fib/fib.h"

#include <stdlib.h>
#include <string.h>

#define SHORT_SLOTS     (1u << 17) /* (1 << len | bits) for len 0..16 */
#define BUCKETS         (1u << 16)
#define SUBCHUNKS       (1u << (FIB_LPM_DBITS - 16)) /* chunks per /16 */
#define DIRTY_MAX       (FIB_LPM_CHUNKS / 16)
#define SHORT_ALL_BELOW 4  /* a /0../3 change touches >= 1/16 of all chunks: rebuild all */
#define PREFETCH_DIST   16 /* lookups between pipeline stages in fib_lpm_lookup_batch() */

_Static_assert(FIB_LPM_DBITS >= 16 && FIB_LPM_DBITS <= 20, "chunk offsets must fit 16 bits");
_Static_assert(sizeof(struct fib_lpm_range) == 4, "range entries are 4 bytes");

/* ---------------------------------------------------------------- small helpers */

static uint32_t short_index(uint32_t pfx, unsigned len)
{
	return (1u << len) | (len ? pfx >> (32 - len) : 0);
}

static uint32_t pfx_key(uint16_t lo, uint8_t len)
{
	return (uint32_t)lo << 8 | len;
}

static size_t round_up64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

/*
 * The unit array: cache-line aligned, with FIB_LPM_READ_PAD readable units past its
 * capacity for the 16-unit reads of the search. Zeroed, so that those reads (whose extra
 * lanes are masked off) never touch uninitialised memory.
 */
static uint16_t *units_alloc(uint32_t n)
{
	size_t bytes = round_up64(((size_t)n + FIB_LPM_READ_PAD) * sizeof(uint16_t));
	uint16_t *u = aligned_alloc(64, bytes);
	if (u)
		memset(u, 0, bytes);
	return u;
}

/*
 * Recompute the cover of each /16 under pfx/len (len <= 16) after that prefix changed.
 * Only /16s whose cover is not longer than len can be affected, and their new cover is
 * at most len long: probe the short table from len down.
 */
static void cover_refresh(struct fib_lpm *lpm, uint32_t pfx, unsigned len)
{
	uint32_t hi0 = pfx >> 16, nhi = 1u << (16 - len);
	for (uint32_t hi = hi0; hi < hi0 + nhi; hi++) {
		if (lpm->cover_len1[hi] > len + 1)
			continue;
		lpm->cover_leaf[hi] = 0;
		lpm->cover_len1[hi] = 0;
		for (int l = (int)len; l >= 0; l--) {
			uint16_t leaf = lpm->short_leaf[(1u << l) | (hi >> (16 - l))];
			if (leaf) {
				lpm->cover_leaf[hi] = leaf;
				lpm->cover_len1[hi] = (uint8_t)(l + 1);
				break;
			}
		}
	}
}

/* ---------------------------------------------------------------- buckets (/17../32) */

static uint32_t bucket_lower_bound(const struct fib_lpm_bucket *b, uint16_t lo, uint8_t len)
{
	uint32_t key = pfx_key(lo, len), first = 0, n = b->n;
	while (n) {
		uint32_t half = n / 2;
		if (pfx_key(b->v[first + half].lo, b->v[first + half].len) < key) {
			first += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return first;
}

static struct fib_lpm_pfx *bucket_find(const struct fib_lpm_bucket *b, uint16_t lo, uint8_t len)
{
	uint32_t i = bucket_lower_bound(b, lo, len);
	if (i < b->n && b->v[i].lo == lo && b->v[i].len == len)
		return &b->v[i];
	return NULL;
}

static int bucket_resize(struct fib_lpm *lpm, struct fib_lpm_bucket *b, uint32_t cap)
{
	if (cap == 0) {
		free(b->v);
		b->v = NULL;
	} else {
		struct fib_lpm_pfx *v = realloc(b->v, cap * sizeof(*v));
		if (!v)
			return FIB_E_NOMEM;
		b->v = v;
	}
	lpm->bucket_bytes = lpm->bucket_bytes - b->cap * sizeof(*b->v) + cap * sizeof(*b->v);
	b->cap = cap;
	return FIB_OK;
}

static int bucket_insert(struct fib_lpm *lpm, struct fib_lpm_bucket *b, uint32_t i,
                         struct fib_lpm_pfx p)
{
	if (b->n == b->cap) {
		int err = bucket_resize(lpm, b, b->cap ? b->cap * 2 : 4);
		if (err)
			return err;
	}
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(*b->v));
	b->v[i] = p;
	b->n++;
	return FIB_OK;
}

static void bucket_remove(struct fib_lpm *lpm, struct fib_lpm_bucket *b, uint32_t i)
{
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
	b->n--;
	/* Give memory back once a bucket is mostly empty; failure to shrink is harmless. */
	if (b->n == 0 || (b->cap > 8 && b->n < b->cap / 4))
		(void)bucket_resize(lpm, b, b->n ? b->cap / 2 : 0);
}

/* ---------------------------------------------------------------- leaves (interned values) */

static uint32_t leaf_hash(const struct fib_lpm *lpm, uint32_t val)
{
	return net_hash32(val) & (lpm->leaf_cap - 1);
}

static void leaf_link(struct fib_lpm *lpm, uint16_t l)
{
	uint32_t h = leaf_hash(lpm, lpm->vals[l]);
	lpm->leaf_next[l] = lpm->leaf_head[h];
	lpm->leaf_head[h] = l;
}

static void leaf_unlink(struct fib_lpm *lpm, uint16_t l)
{
	uint16_t *pp = &lpm->leaf_head[leaf_hash(lpm, lpm->vals[l])];
	while (*pp != l)
		pp = &lpm->leaf_next[*pp];
	*pp = lpm->leaf_next[l];
}

static bool leaf_in_use(const struct fib_lpm *lpm, uint32_t l)
{
	return lpm->leaf_refs[l] || lpm->leaf_pending[l];
}

/* Grow every per-leaf array to `cap` (a power of two) and rehash. */
static int leaf_grow(struct fib_lpm *lpm, uint32_t cap)
{
	uint32_t *vals = realloc(lpm->vals, cap * sizeof(*vals));
	if (!vals)
		return FIB_E_NOMEM;
	lpm->vals = vals;
	uint32_t *refs = realloc(lpm->leaf_refs, cap * sizeof(*refs));
	if (!refs)
		return FIB_E_NOMEM;
	lpm->leaf_refs = refs;
	uint16_t *next = realloc(lpm->leaf_next, cap * sizeof(*next));
	if (!next)
		return FIB_E_NOMEM;
	lpm->leaf_next = next;
	uint8_t *pend = realloc(lpm->leaf_pending, cap);
	if (!pend)
		return FIB_E_NOMEM;
	lpm->leaf_pending = pend;
	uint16_t *pending = realloc(lpm->pending, cap * sizeof(*pending));
	if (!pending)
		return FIB_E_NOMEM;
	lpm->pending = pending;
	uint16_t *head = calloc(cap, sizeof(*head));
	if (!head)
		return FIB_E_NOMEM;
	/* Only now is the new size usable everywhere: commit to it and rehash. */
	memset(refs + lpm->leaf_cap, 0, (cap - lpm->leaf_cap) * sizeof(*refs));
	memset(pend + lpm->leaf_cap, 0, cap - lpm->leaf_cap);
	free(lpm->leaf_head);
	lpm->leaf_head = head;
	lpm->leaf_cap = cap;
	for (uint32_t l = 1; l < lpm->leaf_hw; l++)
		if (leaf_in_use(lpm, l))
			leaf_link(lpm, (uint16_t)l);
	return FIB_OK;
}

static int leaf_alloc(struct fib_lpm *lpm, uint16_t *leaf)
{
	if (lpm->leaf_free) {
		*leaf = lpm->leaf_free;
		lpm->leaf_free = lpm->leaf_next[*leaf];
		return FIB_OK;
	}
	if (lpm->leaf_hw > FIB_LPM_LEAF_MAX)
		return FIB_E_FULL;
	if (lpm->leaf_hw == lpm->leaf_cap) {
		int err = leaf_grow(lpm, lpm->leaf_cap * 2);
		if (err)
			return err;
	}
	*leaf = (uint16_t)lpm->leaf_hw++;
	return FIB_OK;
}

/* The leaf holding val, created if needed; takes one reference. */
static int leaf_acquire(struct fib_lpm *lpm, uint32_t val, uint16_t *leaf)
{
	for (uint16_t l = lpm->leaf_head[leaf_hash(lpm, val)]; l; l = lpm->leaf_next[l]) {
		if (lpm->vals[l] == val) {
			lpm->leaf_refs[l]++;
			*leaf = l;
			return FIB_OK;
		}
	}
	int err = leaf_alloc(lpm, leaf);
	if (err)
		return err;
	lpm->vals[*leaf] = val;
	lpm->leaf_refs[*leaf] = 1;
	lpm->leaves_used++;
	leaf_link(lpm, *leaf);
	return FIB_OK;
}

/* Drop one reference. An unused leaf may still be in committed ranges: free it at commit. */
static void leaf_release(struct fib_lpm *lpm, uint16_t l)
{
	if (--lpm->leaf_refs[l] == 0 && !lpm->leaf_pending[l]) {
		lpm->leaf_pending[l] = 1;
		lpm->pending[lpm->n_pending++] = l;
	}
}

static void leaf_free_pending(struct fib_lpm *lpm)
{
	for (uint32_t i = 0; i < lpm->n_pending; i++) {
		uint16_t l = lpm->pending[i];
		lpm->leaf_pending[l] = 0;
		if (lpm->leaf_refs[l])
			continue; /* taken again before the commit */
		leaf_unlink(lpm, l);
		lpm->leaf_next[l] = lpm->leaf_free;
		lpm->leaf_free = l;
		lpm->leaves_used--;
	}
	lpm->n_pending = 0;
}

/* ---------------------------------------------------------------- dirty chunks */

static void mark_chunk(struct fib_lpm *lpm, uint32_t c)
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

static void mark_long(struct fib_lpm *lpm, uint32_t pfx, unsigned len)
{
	uint32_t c = pfx >> FIB_LPM_CBITS;
	uint32_t n = len >= FIB_LPM_DBITS ? 1 : 1u << (FIB_LPM_DBITS - len);
	for (uint32_t i = 0; i < n; i++)
		mark_chunk(lpm, c + i);
}

/* A /0../16 change matters only to the /16s where no longer short prefix hides it. */
static void mark_short(struct fib_lpm *lpm, uint32_t pfx, unsigned len)
{
	if (len < SHORT_ALL_BELOW) {
		lpm->rebuild_all = true;
		return;
	}
	uint32_t hi0 = pfx >> 16, nhi = 1u << (16 - len);
	for (uint32_t hi = hi0; hi < hi0 + nhi && !lpm->rebuild_all; hi++) {
		if (lpm->cover_len1[hi] > len + 1)
			continue;
		for (uint32_t s = 0; s < SUBCHUNKS; s++)
			mark_chunk(lpm, hi * SUBCHUNKS + s);
	}
}

static void clear_dirty(struct fib_lpm *lpm)
{
	memset(lpm->dirty_bits, 0, FIB_LPM_CHUNKS / 8);
	lpm->n_dirty = 0;
	lpm->rebuild_all = false;
}

/* ---------------------------------------------------------------- building a chunk */

/* The value of the chunk's addresses that no prefix longer than the direct bits covers. */
static uint16_t chunk_base_leaf(const struct fib_lpm *lpm, uint32_t caddr,
                                const struct fib_lpm_bucket *b)
{
	uint16_t leaf = lpm->cover_leaf[caddr >> 16];
	for (unsigned len = 17; len <= FIB_LPM_DBITS; len++) {
		const struct fib_lpm_pfx *p =
		    bucket_find(b, (caddr & net_mask(len)) & 0xffff, (uint8_t)len);
		if (p)
			leaf = p->leaf;
	}
	return leaf;
}

/* Append "from offset `at` on, `leaf`", keeping ranges non-empty and neighbours distinct. */
static void emit(struct fib_lpm_range *out, uint32_t *n, uint32_t at, uint16_t leaf)
{
	struct fib_lpm_range *last = &out[*n - 1];
	if (last->start == at) {
		last->leaf = leaf; /* the last range turned out empty: overwrite it */
		if (*n >= 2 && out[*n - 2].leaf == leaf)
			(*n)--;
	} else if (last->leaf != leaf) {
		out[(*n)++] = (struct fib_lpm_range){(uint16_t)at, leaf};
	}
}

/*
 * Write chunk c's ranges to out (at most 1 + 2 per prefix inside the chunk) and return
 * how many. The prefixes come in (start, length) order, so an enclosing prefix always
 * precedes what it encloses; a stack of open prefixes gives the value to fall back to
 * where one ends.
 */
static uint32_t chunk_build(const struct fib_lpm *lpm, uint32_t c, struct fib_lpm_range *out)
{
	const uint32_t caddr = c << FIB_LPM_CBITS;
	const struct fib_lpm_bucket *b = &lpm->buckets[caddr >> 16];
	const uint16_t cs = caddr & 0xffff, base = chunk_base_leaf(lpm, caddr, b);
	uint32_t ends[33], n = 1;
	uint16_t leaves[33];
	unsigned sp = 0;

	out[0] = (struct fib_lpm_range){0, base};
	for (uint32_t i = bucket_lower_bound(b, cs, 0); i < b->n; i++) {
		const struct fib_lpm_pfx *p = &b->v[i];
		uint32_t off = (uint32_t)p->lo - cs;
		if (off >= FIB_LPM_CHUNK_SIZE)
			break;
		if (p->len <= FIB_LPM_DBITS)
			continue; /* covers the whole chunk: part of base */
		while (sp && ends[sp - 1] <= off) {
			sp--;
			emit(out, &n, ends[sp], sp ? leaves[sp - 1] : base);
		}
		emit(out, &n, off, p->leaf);
		ends[sp] = off + (1u << (32 - p->len));
		leaves[sp++] = p->leaf;
	}
	while (sp--)
		if (ends[sp] < FIB_LPM_CHUNK_SIZE)
			emit(out, &n, ends[sp], sp ? leaves[sp - 1] : base);
	return n;
}

/* Short format: every boundary on a /24 and every leaf small enough (see lpm.h). */
static bool chunk_fits_short(const struct fib_lpm_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if ((i && (r[i].start & 0xff)) || r[i].leaf > FIB_LPM_SHORT_LEAVES)
			return false;
	return true;
}

static uint32_t chunk_units(uint32_t n, bool is_short)
{
	return is_short ? n : 2 * n;
}

/* Encode n ranges (n >= 2) at dst; the first range's start becomes the count. */
static void chunk_encode(uint16_t *dst, const struct fib_lpm_range *r, uint32_t n, bool is_short)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t start = i ? r[i].start : n - 1;
		if (is_short) {
			if (i)
				start >>= 8;
			dst[i] = (uint16_t)(start << FIB_LPM_SHORT_BITS | r[i].leaf);
		} else {
			dst[i] = (uint16_t)start;
			dst[n + i] = r[i].leaf;
		}
	}
}

static uint32_t block_entry(uint32_t base, uint32_t n, bool is_short)
{
	uint32_t nm1 = n - 1 < FIB_LPM_E_NM1_MASK ? n - 1 : FIB_LPM_E_NM1_MASK;
	return base | (is_short ? FIB_LPM_E_SHORT : 0) | nm1 << FIB_LPM_E_NM1_SHIFT;
}

/* Units of the block a direct entry points to (0 for a leaf entry). */
static uint32_t entry_units(const struct fib_lpm *lpm, uint32_t e)
{
	if (e & FIB_LPM_E_LEAF)
		return 0;
	uint16_t head = lpm->units[e & FIB_LPM_E_BASE_MASK];
	if (e & FIB_LPM_E_SHORT)
		return (uint32_t)(head >> FIB_LPM_SHORT_BITS) + 1;
	return 2 * ((uint32_t)head + 1);
}

/* ---------------------------------------------------------------- unit array space */

/* Copy every chunk's block, tightly, into a new array with room for `extra` more units. */
static int repack(struct fib_lpm *lpm, uint32_t extra)
{
	uint64_t cap = (uint64_t)lpm->units_live + extra + lpm->units_live / 16 + 1024;
	if (cap > FIB_LPM_UNITS_MAX)
		return FIB_E_NOMEM;
	uint16_t *nu = units_alloc((uint32_t)cap);
	if (!nu)
		return FIB_E_NOMEM;
	uint32_t used = 0;
	for (uint32_t c = 0; c < FIB_LPM_CHUNKS; c++) {
		uint32_t e = lpm->direct[c], k = entry_units(lpm, e);
		if (!k)
			continue;
		memcpy(&nu[used], &lpm->units[e & FIB_LPM_E_BASE_MASK], k * sizeof(*nu));
		lpm->direct[c] = e - (e & FIB_LPM_E_BASE_MASK) + used;
		lpm->chunk_cap[c] = k;
		used += k;
	}
	free(lpm->units);
	lpm->units = nu;
	lpm->units_cap = (uint32_t)cap;
	lpm->units_used = used;
	return FIB_OK;
}

static bool too_much_garbage(const struct fib_lpm *lpm)
{
	return lpm->units_used - lpm->units_live > lpm->units_live / 8 + 65536;
}

/* Make room for n more units at the end: repack if that frees enough, else grow. */
static int units_reserve(struct fib_lpm *lpm, uint32_t n)
{
	if ((uint64_t)lpm->units_used + n <= lpm->units_cap)
		return FIB_OK;
	if (too_much_garbage(lpm))
		return repack(lpm, n);
	uint64_t cap = (uint64_t)lpm->units_cap + lpm->units_cap / 2;
	if (cap < (uint64_t)lpm->units_used + n)
		cap = (uint64_t)lpm->units_used + n;
	if (cap < 65536)
		cap = 65536;
	if (cap > FIB_LPM_UNITS_MAX)
		return FIB_E_NOMEM;
	uint16_t *nu = units_alloc((uint32_t)cap);
	if (!nu)
		return FIB_E_NOMEM;
	if (lpm->units_used)
		memcpy(nu, lpm->units, (size_t)lpm->units_used * sizeof(*nu));
	free(lpm->units);
	lpm->units = nu;
	lpm->units_cap = (uint32_t)cap;
	return FIB_OK;
}

/* Rebuild one chunk, in its block when it fits, else in a new block with some slack. */
static int chunk_rebuild(struct fib_lpm *lpm, uint32_t c)
{
	const struct fib_lpm_range *r = lpm->scratch;
	uint32_t n = chunk_build(lpm, c, lpm->scratch);
	uint32_t old = lpm->direct[c], old_units = entry_units(lpm, old);
	bool is_short = n > 1 && chunk_fits_short(r, n);
	uint32_t units = n > 1 ? chunk_units(n, is_short) : 0, base;

	if (n == 1) {
		lpm->direct[c] = FIB_LPM_E_LEAF | r[0].leaf;
		lpm->units_live -= old_units;
		return FIB_OK;
	}
	if (old_units && lpm->chunk_cap[c] >= units) {
		base = old & FIB_LPM_E_BASE_MASK;
	} else {
		uint32_t cap = units + units / 8 + 2;
		int err = units_reserve(lpm, cap);
		if (err)
			return err;
		base = lpm->units_used;
		lpm->units_used += cap;
		lpm->chunk_cap[c] = cap;
	}
	chunk_encode(&lpm->units[base], r, n, is_short);
	lpm->direct[c] = block_entry(base, n, is_short);
	lpm->units_live = lpm->units_live - old_units + units;
	return FIB_OK;
}

static uint32_t long_prefixes(const struct fib_lpm *lpm)
{
	uint32_t n = 0;
	for (unsigned len = FIB_LPM_DBITS + 1; len <= 32; len++)
		n += lpm->len_count[len];
	return n;
}

/* Shrink a freshly built array to what it holds plus headroom for updates (best effort). */
static void units_trim(struct fib_lpm *lpm)
{
	uint64_t cap = (uint64_t)lpm->units_used + lpm->units_used / 16 + 1024;
	if (cap >= lpm->units_cap)
		return;
	uint16_t *nu = units_alloc((uint32_t)cap);
	if (!nu)
		return;
	memcpy(nu, lpm->units, (size_t)lpm->units_used * sizeof(*nu));
	free(lpm->units);
	lpm->units = nu;
	lpm->units_cap = (uint32_t)cap;
}

/*
 * Build every chunk into one packed array. It is sized for the worst case (long format,
 * one range per chunk plus two per prefix longer than the direct bits) so nothing can
 * fail half-way.
 */
static int rebuild_everything(struct fib_lpm *lpm)
{
	uint64_t bound = 2 * ((uint64_t)FIB_LPM_CHUNKS + 2ull * long_prefixes(lpm));
	if (bound > FIB_LPM_UNITS_MAX)
		return FIB_E_NOMEM;
	uint16_t *nu = units_alloc((uint32_t)bound);
	if (!nu)
		return FIB_E_NOMEM;
	const struct fib_lpm_range *r = lpm->scratch;
	uint32_t used = 0;
	for (uint32_t c = 0; c < FIB_LPM_CHUNKS; c++) {
		uint32_t n = chunk_build(lpm, c, lpm->scratch);
		if (n == 1) {
			lpm->direct[c] = FIB_LPM_E_LEAF | r[0].leaf;
			continue;
		}
		bool is_short = chunk_fits_short(r, n);
		uint32_t units = chunk_units(n, is_short);
		chunk_encode(&nu[used], r, n, is_short);
		lpm->direct[c] = block_entry(used, n, is_short);
		lpm->chunk_cap[c] = units;
		used += units;
	}
	free(lpm->units);
	lpm->units = nu;
	lpm->units_cap = (uint32_t)bound;
	lpm->units_used = lpm->units_live = used;
	units_trim(lpm);
	return FIB_OK;
}

/* ---------------------------------------------------------------- public */

struct fib_lpm *fib_lpm_create(void)
{
	struct fib_lpm *lpm = calloc(1, sizeof(*lpm));
	if (!lpm)
		return NULL;
	lpm->direct = malloc(FIB_LPM_CHUNKS * sizeof(*lpm->direct));
	lpm->chunk_cap = calloc(FIB_LPM_CHUNKS, sizeof(*lpm->chunk_cap));
	lpm->buckets = calloc(BUCKETS, sizeof(*lpm->buckets));
	lpm->short_leaf = calloc(SHORT_SLOTS, sizeof(*lpm->short_leaf));
	lpm->cover_leaf = calloc(BUCKETS, sizeof(*lpm->cover_leaf));
	lpm->cover_len1 = calloc(BUCKETS, sizeof(*lpm->cover_len1));
	lpm->dirty_bits = calloc(FIB_LPM_CHUNKS / 64, sizeof(*lpm->dirty_bits));
	lpm->dirty = malloc(DIRTY_MAX * sizeof(*lpm->dirty));
	lpm->scratch = malloc(FIB_LPM_CHUNK_SIZE * sizeof(*lpm->scratch));
	lpm->units = units_alloc(0); /* never NULL: batched lookups form pointers into it */
	lpm->leaf_hw = 1;            /* leaf 0 is "no match" */
	if (!lpm->direct || !lpm->chunk_cap || !lpm->buckets || !lpm->short_leaf ||
	    !lpm->cover_leaf || !lpm->cover_len1 || !lpm->units || !lpm->dirty_bits ||
	    !lpm->dirty || !lpm->scratch || leaf_grow(lpm, 256)) {
		fib_lpm_destroy(lpm);
		return NULL;
	}
	lpm->vals[0] = 0;
	for (uint32_t c = 0; c < FIB_LPM_CHUNKS; c++)
		lpm->direct[c] = FIB_LPM_E_LEAF; /* leaf 0: every address misses */
	return lpm;
}

void fib_lpm_destroy(struct fib_lpm *lpm)
{
	if (!lpm)
		return;
	if (lpm->buckets)
		for (uint32_t i = 0; i < BUCKETS; i++)
			free(lpm->buckets[i].v);
	free(lpm->buckets);
	free(lpm->direct);
	free(lpm->units);
	free(lpm->vals);
	free(lpm->chunk_cap);
	free(lpm->short_leaf);
	free(lpm->cover_leaf);
	free(lpm->cover_len1);
	free(lpm->leaf_refs);
	free(lpm->leaf_next);
	free(lpm->leaf_head);
	free(lpm->leaf_pending);
	free(lpm->pending);
	free(lpm->dirty_bits);
	free(lpm->dirty);
	free(lpm->scratch);
	free(lpm);
}

static bool prefix_valid(uint32_t pfx, uint8_t len)
{
	return len <= 32 && (pfx & ~net_mask(len)) == 0;
}

static int set_short(struct fib_lpm *lpm, uint32_t pfx, uint8_t len, uint16_t leaf)
{
	uint16_t *slot = &lpm->short_leaf[short_index(pfx, len)];
	uint16_t old = *slot;
	*slot = leaf;
	if (old) {
		leaf_release(lpm, old);
		if (old == leaf)
			return FIB_OK;
	} else {
		lpm->count++;
		lpm->len_count[len]++;
	}
	cover_refresh(lpm, pfx, len);
	mark_short(lpm, pfx, len);
	return FIB_OK;
}

static int set_long(struct fib_lpm *lpm, uint32_t pfx, uint8_t len, uint16_t leaf)
{
	struct fib_lpm_bucket *b = &lpm->buckets[pfx >> 16];
	uint16_t lo = pfx & 0xffff;
	uint32_t i = bucket_lower_bound(b, lo, len);
	if (i < b->n && b->v[i].lo == lo && b->v[i].len == len) {
		uint16_t old = b->v[i].leaf;
		b->v[i].leaf = leaf;
		leaf_release(lpm, old);
		if (old == leaf)
			return FIB_OK;
	} else {
		int err = bucket_insert(lpm, b, i, (struct fib_lpm_pfx){lo, len, 0, leaf});
		if (err) {
			leaf_release(lpm, leaf);
			return err;
		}
		lpm->count++;
		lpm->len_count[len]++;
	}
	mark_long(lpm, pfx, len);
	return FIB_OK;
}

int fib_lpm_set(struct fib_lpm *lpm, uint32_t pfx, uint8_t len, uint32_t val)
{
	if (!prefix_valid(pfx, len) || val == 0)
		return FIB_E_INVAL;
	uint16_t leaf;
	int err = leaf_acquire(lpm, val, &leaf);
	if (err)
		return err;
	return len <= 16 ? set_short(lpm, pfx, len, leaf) : set_long(lpm, pfx, len, leaf);
}

int fib_lpm_del(struct fib_lpm *lpm, uint32_t pfx, uint8_t len)
{
	if (!prefix_valid(pfx, len))
		return FIB_E_INVAL;
	if (len <= 16) {
		uint16_t *slot = &lpm->short_leaf[short_index(pfx, len)];
		if (!*slot)
			return FIB_E_NOENT;
		leaf_release(lpm, *slot);
		*slot = 0;
		cover_refresh(lpm, pfx, len);
		mark_short(lpm, pfx, len);
	} else {
		struct fib_lpm_bucket *b = &lpm->buckets[pfx >> 16];
		struct fib_lpm_pfx *p = bucket_find(b, pfx & 0xffff, len);
		if (!p)
			return FIB_E_NOENT;
		leaf_release(lpm, p->leaf);
		bucket_remove(lpm, b, (uint32_t)(p - b->v));
		mark_long(lpm, pfx, len);
	}
	lpm->count--;
	lpm->len_count[len]--;
	return FIB_OK;
}

static int rebuild_dirty(struct fib_lpm *lpm)
{
	uint32_t i;
	int err = FIB_OK;
	for (i = 0; i < lpm->n_dirty && !err; i++) {
		uint32_t c = lpm->dirty[i];
		err = chunk_rebuild(lpm, c);
		if (!err)
			lpm->dirty_bits[c >> 6] &= ~(1ull << (c & 63));
	}
	if (err) {
		i--; /* keep the chunk that failed, and the rest, for the next commit */
		memmove(lpm->dirty, &lpm->dirty[i], (lpm->n_dirty - i) * sizeof(*lpm->dirty));
	}
	lpm->n_dirty -= i;
	return err;
}

int fib_lpm_commit(struct fib_lpm *lpm)
{
	int err;
	if (lpm->rebuild_all) {
		err = rebuild_everything(lpm);
		if (!err)
			clear_dirty(lpm);
	} else {
		err = rebuild_dirty(lpm);
	}
	if (err)
		return err;
	leaf_free_pending(lpm);
	if (too_much_garbage(lpm))
		(void)repack(lpm, 0); /* on failure the current array simply stays */
	return FIB_OK;
}

uint32_t fib_lpm_get(const struct fib_lpm *lpm, uint32_t pfx, uint8_t len)
{
	if (!prefix_valid(pfx, len))
		return 0;
	if (len <= 16)
		return lpm->vals[lpm->short_leaf[short_index(pfx, len)]];
	const struct fib_lpm_pfx *p = bucket_find(&lpm->buckets[pfx >> 16], pfx & 0xffff, len);
	return p ? lpm->vals[p->leaf] : 0;
}

size_t fib_lpm_count(const struct fib_lpm *lpm)
{
	return lpm->count;
}

bool fib_lpm_staged(const struct fib_lpm *lpm)
{
	return lpm->n_dirty || lpm->rebuild_all;
}

/*
 * The unit array is copied with its abandoned blocks (at most 1/8 of the live units plus
 * 64k, see too_much_garbage()): packing them out would mean walking all 2^18 direct entries
 * and relocating every block, to save at most an eighth of the memory.
 */
void fib_lpm_copy_size(const struct fib_lpm *lpm, uint32_t *n_units, uint32_t *n_vals)
{
	*n_units = lpm->units_used;
	*n_vals = lpm->leaf_hw;
}

void fib_lpm_copy(const struct fib_lpm *lpm, uint32_t *direct, uint16_t *units, uint32_t *vals,
                  const uint32_t *remap, uint32_t n_remap)
{
	memcpy(direct, lpm->direct, FIB_LPM_CHUNKS * sizeof(*direct));
	memcpy(units, lpm->units, (size_t)lpm->units_used * sizeof(*units));
	/* Zero like units_alloc(): the padding is read (and masked off) by the search. */
	memset(units + lpm->units_used, 0, FIB_LPM_READ_PAD * sizeof(*units));
	/* A free leaf keeps its stale value, which may meanwhile be the number of another,
	 * live group: no committed chunk names the leaf, but store 0 rather than a lie. */
	vals[0] = 0;
	for (uint32_t l = 1; l < lpm->leaf_hw; l++) {
		uint32_t v = lpm->vals[l];
		vals[l] = leaf_in_use(lpm, l) && v < n_remap ? remap[v] : 0;
	}
}

void fib_lpm_mem(const struct fib_lpm *lpm, size_t *lookup_bytes, size_t *total_bytes)
{
	size_t lookup = FIB_LPM_CHUNKS * sizeof(*lpm->direct) +
	                ((size_t)lpm->units_cap + FIB_LPM_READ_PAD) * sizeof(*lpm->units) +
	                (size_t)lpm->leaf_cap * sizeof(*lpm->vals);
	size_t leaf_rest =
	    (size_t)lpm->leaf_cap * (sizeof(*lpm->leaf_refs) + sizeof(*lpm->leaf_next) +
	                             sizeof(*lpm->leaf_head) + 1 + sizeof(*lpm->pending));
	size_t control = sizeof(*lpm) + FIB_LPM_CHUNKS * sizeof(*lpm->chunk_cap) +
	                 BUCKETS * sizeof(*lpm->buckets) + lpm->bucket_bytes +
	                 SHORT_SLOTS * sizeof(*lpm->short_leaf) +
	                 BUCKETS * (sizeof(*lpm->cover_leaf) + sizeof(*lpm->cover_len1)) +
	                 FIB_LPM_CHUNKS / 8 + DIRTY_MAX * sizeof(*lpm->dirty) +
	                 FIB_LPM_CHUNK_SIZE * sizeof(*lpm->scratch) + leaf_rest;
	if (lookup_bytes)
		*lookup_bytes = lookup;
	if (total_bytes)
		*total_bytes = lookup + control;
}

/* ---------------------------------------------------------------- batched lookup */

/*
 * Everything a search reads from a block of up to 15 ranges lies within 62 bytes of its
 * start (16 units compared, a long block's leaves at most 30 units on), so two prefetches,
 * of the first and the 31st unit, cover the one or two cache lines involved.
 */
#define PREFETCH_LAST_UNIT 31

/*
 * A three-stage software pipeline, PREFETCH_DIST addresses apart: address i + 2d has its
 * direct entry prefetched, address i + d reads that entry and prefetches the cache lines
 * its search will read, address i is searched (in cached lines). Each memory access so
 * gets the work of d other lookups to hide behind. Batching alone doubled the rate; a
 * deeper or longer pipeline did not help further (measured 8..128 apart). There are no
 * data-dependent branches besides the leaf test, so a misprediction rarely flushes the
 * overlapped work. The table pointers
 * are copied to locals: stores to out[] could otherwise alias them and force reloads.
 */
void fib_lpm_view_lookup_batch(const struct fib_lpm_view *v, const uint32_t *addr, uint32_t *out,
                               size_t n)
{
	enum { D = PREFETCH_DIST };
	const uint32_t *direct = v->direct, *vals = v->vals;
	const uint16_t *units = v->units;
	uint32_t e[2 * D]; /* ring of direct entries, indexed by address % 2D */

	for (size_t i = 0; i < n + 2 * D; i++) {
		if (i < n)
			__builtin_prefetch(&direct[addr[i] >> FIB_LPM_CBITS]);
		if (i >= D && i - D < n) {
			size_t j = i - D;
			uint32_t x = direct[addr[j] >> FIB_LPM_CBITS];
			/* A leaf entry has no block: prefetch the array start instead. */
			uint32_t base = x & FIB_LPM_E_BASE_MASK & ((x >> 31) - 1);
			const uint16_t *p = units + base;
			e[j % (2 * D)] = x;
			__builtin_prefetch(p);
			__builtin_prefetch(p + PREFETCH_LAST_UNIT);
		}
		if (i >= 2 * D) {
			size_t j = i - 2 * D;
			uint32_t x = e[j % (2 * D)], leaf = x & 0xffffu;
			if (!(x & FIB_LPM_E_LEAF))
				leaf = fib_lpm_block_leaf(units + (x & FIB_LPM_E_BASE_MASK), x,
				                          addr[j] & (FIB_LPM_CHUNK_SIZE - 1));
			out[j] = vals[leaf];
		}
	}
}

void fib_lpm_lookup_batch(const struct fib_lpm *lpm, const uint32_t *addr, uint32_t *out, size_t n)
{
	const struct fib_lpm_view v = {lpm->direct, lpm->units, lpm->vals};
	fib_lpm_view_lookup_batch(&v, addr, out, n);
}
