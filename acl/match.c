/*
 * acl/match.c - the compiled matcher of a classifier: the first entry in order whose every
 * field matches a packet's key, found without walking the entries.
 *
 * Per-field bit vectors (Lakshman-Stiliadis), aggregated (Baboescu-Varghese): each field
 * (source, destination, source and destination port, protocol, flags) cuts its key space
 * into elementary intervals, each with the bitmap of the entries whose field holds it.
 * A lookup finds the key's interval in every field the list restricts and ANDs their
 * bitmaps; the lowest set bit is the first matching entry. Every bitmap starts with a
 * summary word (bit w: word w has a bit set), so the AND only reads the words where every
 * field has candidates, and stops at the first non-zero one. Bitmaps are deduplicated
 * across intervals and fields.
 *
 * An interval is found by a direct index on the key's bits below the part that every
 * boundary shares (a window over the boundaries), then a binary search among the few
 * boundaries inside the index's bucket.
 */
#include "match.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

enum { F_SRC, F_DST, F_SPORT, F_DPORT, F_RANGES }; /* the interval fields */

#define PORT_MAX   ACL_L4_NONE /* ports 0-65535, then "no ports" */
#define BUCKETS_LG 12          /* the direct index: at most 2^12 buckets a field */
#define CHUNK      16          /* keys a batch looks up together */

/* One interval field: the boundaries (the first is 0), their bitmaps and their index. */
struct field {
	unsigned nb;      /* intervals */
	uint32_t *b32;    /* boundaries of a field of 32 bits or less */
	u128 *b128;       /* or of 128 bits (IPv6 addresses) */
	uint16_t *bitmap; /* interval -> bitmap */
	uint16_t *top;    /* bucket -> the interval holding its start; buckets + 1 */
	unsigned buckets; /* a power of two */
	unsigned shift;   /* the bits below a bucket */
	u128 base;        /* the first bucket, as key >> shift */
};

struct acl_match {
	unsigned n;      /* entries */
	unsigned words;  /* 64-entry words of a bitmap */
	unsigned stride; /* words of a bitmap with its summary */
	bool wide;       /* IPv6: 128-bit addresses */
	uint64_t *pool;  /* the distinct bitmaps, stride words each */
	unsigned pooled, pool_cap;
	/* the fields the entries restrict (the others match every key) */
	unsigned nranges;
	uint8_t range_kind[F_RANGES];
	struct field range[F_RANGES];
	bool by_proto, by_flags;
	uint16_t proto[256], flags[4];
	/* building only: bitmaps by hash */
	uint32_t *hash_slots; /* bitmap + 1, 0 free */
	unsigned hash_cap;
};

/* ---- what one entry allows in each field ---- */

struct span {
	u128 lo, hi; /* inclusive */
};

static u128 addr_max(bool wide)
{
	return wide ? ~(u128)0 : 0xffffffffu;
}

static unsigned prefix_span(bool wide, const struct acl_prefix *p, struct span *s)
{
	unsigned bits = wide ? 128 : 32;
	u128 a = wide ? (u128)p->hi << 64 | p->lo : (uint32_t)p->lo;
	u128 host = p->len == 0 ? addr_max(wide) : (((u128)1 << (bits - p->len)) - 1);
	s->lo = a & ~host;
	s->hi = s->lo | host;
	return 1;
}

static unsigned ports_spans(const struct acl_ports *p, struct span s[2])
{
	unsigned n = 0;
	switch (p->op) {
	case ACL_PORT_EQ:
		s[n++] = (struct span){p->lo, p->lo};
		break;
	case ACL_PORT_NEQ:
		if (p->lo > 0)
			s[n++] = (struct span){0, p->lo - 1u};
		if (p->lo < 65535)
			s[n++] = (struct span){p->lo + 1u, 65535};
		break;
	case ACL_PORT_LT:
		if (p->lo > 0)
			s[n++] = (struct span){0, p->lo - 1u};
		break;
	case ACL_PORT_GT:
		if (p->lo < 65535)
			s[n++] = (struct span){p->lo + 1u, 65535};
		break;
	case ACL_PORT_RANGE:
		if (p->lo <= p->hi)
			s[n++] = (struct span){p->lo, p->hi};
		break;
	default:
		s[n++] = (struct span){0, PORT_MAX};
	}
	return n;
}

/* An ICMP type or code in a port field, or the ports. */
static unsigned l4_spans(int16_t icmp, const struct acl_ports *p, struct span s[2])
{
	if (icmp == ACL_ICMP_ANY)
		return ports_spans(p, s);
	s[0] = (struct span){(uint16_t)icmp, (uint16_t)icmp};
	return 1;
}

/* The spans entry r allows in interval field f (0: none, no key matches it). */
static unsigned entry_spans(bool wide, const struct acl_rule *r, unsigned f, struct span s[2])
{
	switch (f) {
	case F_SRC:
		return prefix_span(wide, &r->src, s);
	case F_DST:
		return prefix_span(wide, &r->dst, s);
	case F_SPORT:
		return l4_spans(r->icmp_type, &r->sport, s);
	default:
		return l4_spans(r->icmp_code, &r->dport, s);
	}
}

static u128 field_max(bool wide, unsigned f)
{
	return f == F_SRC || f == F_DST ? addr_max(wide) : PORT_MAX;
}

static bool has_l4_match(const struct acl_rule *r)
{
	return r->sport.op != ACL_PORT_ANY || r->dport.op != ACL_PORT_ANY || r->established ||
	       r->icmp_type != ACL_ICMP_ANY;
}

/* Does entry r allow key flags fl (ACL_KEY_EST, ACL_KEY_FRAG)? */
static bool flags_allow(const struct acl_rule *r, unsigned fl)
{
	bool frag = fl & ACL_KEY_FRAG;
	if (r->fragments ? !frag : frag && has_l4_match(r))
		return false;
	return !r->established || (fl & ACL_KEY_EST);
}

/* ---- the bitmaps, deduplicated ---- */

static uint64_t *bitmap_at(const struct acl_match *m, unsigned id)
{
	return m->pool + (size_t)id * m->stride;
}

static uint64_t bitmap_hash(const uint64_t *w, unsigned n)
{
	uint64_t h = 0x243f6a8885a308d3ull;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return h ^ h >> 29;
}

static bool hash_grow(struct acl_match *m)
{
	unsigned cap = m->hash_cap ? 2 * m->hash_cap : 1024;
	uint32_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (unsigned id = 0; id < m->pooled; id++) {
		size_t s = bitmap_hash(bitmap_at(m, id) + 1, m->words) & (cap - 1);
		while (slots[s])
			s = (s + 1) & (cap - 1);
		slots[s] = id + 1;
	}
	free(m->hash_slots);
	m->hash_slots = slots;
	m->hash_cap = cap;
	return true;
}

static bool pool_grow(struct acl_match *m)
{
	unsigned cap = m->pool_cap ? 2 * m->pool_cap : 64;
	uint64_t *pool = realloc(m->pool, (size_t)cap * m->stride * sizeof *pool);
	if (!pool)
		return false;
	m->pool = pool;
	m->pool_cap = cap;
	return true;
}

/* The id of bitmap w (m->words words), added if new; -1 when out of memory or of ids. */
static long bitmap_intern(struct acl_match *m, const uint64_t *w)
{
	if ((m->pooled + 1) * 2 > m->hash_cap && !hash_grow(m))
		return -1;
	size_t s = bitmap_hash(w, m->words) & (m->hash_cap - 1);
	for (; m->hash_slots[s]; s = (s + 1) & (m->hash_cap - 1)) {
		unsigned id = m->hash_slots[s] - 1;
		if (memcmp(bitmap_at(m, id) + 1, w, m->words * sizeof *w) == 0)
			return id;
	}
	if (m->pooled > UINT16_MAX || (m->pooled == m->pool_cap && !pool_grow(m)))
		return -1;
	uint64_t *b = bitmap_at(m, m->pooled);
	b[0] = 0;
	for (unsigned i = 0; i < m->words; i++)
		b[0] |= (uint64_t)(w[i] != 0) << i;
	memcpy(b + 1, w, m->words * sizeof *w);
	m->hash_slots[s] = m->pooled + 1;
	return m->pooled++;
}

/* ---- an interval field: a sweep over the entries' span ends ---- */

struct event {
	u128 at;
	uint32_t entry;
	bool add; /* a span starts at `at`, or the one before ends */
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (int)x->add - (int)y->add;
}

/* The entries' span ends of field f, sorted; their number, or -1 out of memory. */
static long field_events(const struct acl_match *m, const struct acl_rule *r, unsigned f,
                         struct event **out)
{
	struct event *ev = malloc((size_t)(4 * m->n + 1) * sizeof *ev);
	u128 max = field_max(m->wide, f);
	long n = 0;
	*out = ev;
	if (!ev)
		return -1;
	for (uint32_t i = 0; i < m->n; i++) {
		struct span s[2];
		unsigned ns = entry_spans(m->wide, &r[i], f, s);
		for (unsigned j = 0; j < ns; j++) {
			ev[n++] = (struct event){.at = s[j].lo, .entry = i, .add = true};
			if (s[j].hi < max)
				ev[n++] =
				    (struct event){.at = s[j].hi + 1, .entry = i, .add = false};
		}
	}
	qsort(ev, (size_t)n, sizeof *ev, event_cmp);
	return n;
}

static bool field_alloc(struct field *fd, bool wide, unsigned cap)
{
	if (wide)
		fd->b128 = malloc(cap * sizeof *fd->b128);
	else
		fd->b32 = malloc(cap * sizeof *fd->b32);
	fd->bitmap = malloc(cap * sizeof *fd->bitmap);
	return (fd->b128 || fd->b32) && fd->bitmap;
}

static u128 boundary(const struct field *fd, unsigned i)
{
	return fd->b128 ? fd->b128[i] : fd->b32[i];
}

/* Cuts field f into intervals of one bitmap each (neighbours differ). */
static bool field_sweep(struct acl_match *m, const struct acl_rule *r, unsigned f, struct field *fd,
                        uint64_t *cur)
{
	struct event *ev = NULL;
	long nev = field_events(m, r, f, &ev), i = 0;
	bool wide = m->wide && (f == F_SRC || f == F_DST);
	if (nev < 0 || !field_alloc(fd, wide, (unsigned)nev + 1)) {
		free(ev);
		return false;
	}
	memset(cur, 0, m->words * sizeof *cur);
	do {
		u128 at = fd->nb == 0 ? 0 : ev[i].at;
		for (; i < nev && ev[i].at == at; i++)
			if (ev[i].add)
				cur[ev[i].entry / 64] |= 1ull << ev[i].entry % 64;
			else
				cur[ev[i].entry / 64] &= ~(1ull << ev[i].entry % 64);
		long id = bitmap_intern(m, cur);
		if (id < 0) {
			free(ev);
			return false;
		}
		if (fd->nb > 0 && fd->bitmap[fd->nb - 1] == id)
			continue;
		if (wide)
			fd->b128[fd->nb] = at;
		else
			fd->b32[fd->nb] = (uint32_t)at;
		fd->bitmap[fd->nb++] = (uint16_t)id;
	} while (i < nev);
	free(ev);
	return true;
}

/* The last interval starting at or below x (the search within a bucket aside). */
static unsigned interval_at(const struct field *fd, u128 x)
{
	unsigned lo = 0, hi = fd->nb - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (boundary(fd, mid) <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The direct index: buckets of 2^shift keys over the span of the boundaries past 0. */
static bool field_index(struct field *fd)
{
	unsigned want = 1;
	while (want < 2 * fd->nb && want < (1u << BUCKETS_LG))
		want *= 2;
	fd->buckets = want;
	if (fd->nb < 2) {
		fd->buckets = 1; /* one interval: every key is in it */
	} else {
		u128 lo = boundary(fd, 1), hi = boundary(fd, fd->nb - 1);
		while ((hi >> fd->shift) - (lo >> fd->shift) >= fd->buckets)
			fd->shift++;
		fd->base = lo >> fd->shift;
	}
	fd->top = malloc((fd->buckets + 1) * sizeof *fd->top);
	if (!fd->top)
		return false;
	u128 last = ~(u128)0 >> fd->shift; /* the last bucket a key can fall in */
	for (unsigned b = 0; b <= fd->buckets; b++)
		fd->top[b] =
		    (uint16_t)(fd->base + b > last ? fd->nb - 1
		                                   : interval_at(fd, (fd->base + b) << fd->shift));
	return true;
}

/* The interval of key x: its bucket, then a search among the boundaries inside it. */
#define FIELD_FIND(name, type, bounds)                                                             \
	static inline unsigned name(const struct field *fd, type x)                                \
	{                                                                                          \
		type q = x >> fd->shift;                                                           \
		if (q < (type)fd->base)                                                            \
			return 0;                                                                  \
		if (q - (type)fd->base >= fd->buckets)                                             \
			return fd->nb - 1;                                                         \
		unsigned b = (unsigned)(q - (type)fd->base);                                       \
		unsigned lo = fd->top[b], len = fd->top[b + 1] - lo;                               \
		while (len > 0) {                                                                  \
			unsigned half = (len + 1) / 2;                                             \
			lo = fd->bounds[lo + half] <= x ? lo + half : lo;                          \
			len -= half;                                                               \
		}                                                                                  \
		return lo;                                                                         \
	}
FIELD_FIND(find32, uint32_t, b32)
FIELD_FIND(find128, u128, b128)

static bool field_restricted(const struct acl_match *m, const struct acl_rule *r, unsigned f)
{
	for (unsigned i = 0; i < m->n; i++) {
		struct span s[2];
		if (entry_spans(m->wide, &r[i], f, s) != 1 || s[0].lo != 0 ||
		    s[0].hi != field_max(m->wide, f))
			return true;
	}
	return false;
}

static bool build_ranges(struct acl_match *m, const struct acl_rule *r, uint64_t *cur)
{
	for (unsigned f = 0; f < F_RANGES; f++) {
		if (!field_restricted(m, r, f))
			continue;
		struct field *fd = &m->range[m->nranges];
		m->range_kind[m->nranges++] = (uint8_t)f;
		if (!field_sweep(m, r, f, fd, cur) || !field_index(fd))
			return false;
	}
	return true;
}

/* ---- the direct fields: protocol and flags ---- */

static bool build_direct(struct acl_match *m, const struct acl_rule *r, uint64_t *cur)
{
	for (unsigned i = 0; i < m->n; i++) {
		m->by_proto |= r[i].proto != ACL_PROTO_ANY;
		for (unsigned fl = 0; fl < 4; fl++)
			m->by_flags |= !flags_allow(&r[i], fl);
	}
	for (unsigned v = 0; m->by_proto && v < 256; v++) {
		memset(cur, 0, m->words * sizeof *cur);
		for (unsigned i = 0; i < m->n; i++)
			if (r[i].proto == ACL_PROTO_ANY || r[i].proto == (int16_t)v)
				cur[i / 64] |= 1ull << i % 64;
		long id = bitmap_intern(m, cur);
		if (id < 0)
			return false;
		m->proto[v] = (uint16_t)id;
	}
	for (unsigned fl = 0; m->by_flags && fl < 4; fl++) {
		memset(cur, 0, m->words * sizeof *cur);
		for (unsigned i = 0; i < m->n; i++)
			if (flags_allow(&r[i], fl))
				cur[i / 64] |= 1ull << i % 64;
		long id = bitmap_intern(m, cur);
		if (id < 0)
			return false;
		m->flags[fl] = (uint16_t)id;
	}
	return true;
}

struct acl_match *acl_match_build(int fam, const struct acl_rule *r, unsigned n)
{
	if (n > ACL_ENTRIES_MAX) /* one summary word covers them */
		return NULL;
	struct acl_match *m = calloc(1, sizeof *m);
	uint64_t *cur = NULL;
	if (!m)
		return NULL;
	m->n = n;
	m->wide = fam == ACL_IP6;
	m->words = n ? (n + 63) / 64 : 1;
	m->stride = m->words + 1;
	if (!(cur = malloc(m->words * sizeof *cur)) || !build_ranges(m, r, cur) ||
	    !build_direct(m, r, cur)) {
		free(cur);
		acl_match_free(m);
		return NULL;
	}
	free(cur);
	free(m->hash_slots);
	m->hash_slots = NULL;
	return m;
}

void acl_match_free(struct acl_match *m)
{
	if (!m)
		return;
	for (unsigned f = 0; f < F_RANGES; f++) {
		free(m->range[f].b32);
		free(m->range[f].b128);
		free(m->range[f].bitmap);
		free(m->range[f].top);
	}
	free(m->pool);
	free(m->hash_slots);
	free(m);
}

size_t acl_match_bytes(const struct acl_match *m)
{
	size_t b = sizeof *m + (size_t)m->pooled * m->stride * sizeof *m->pool;
	for (unsigned f = 0; f < m->nranges; f++) {
		const struct field *fd = &m->range[f];
		b +=
		    fd->nb * ((fd->b128 ? sizeof *fd->b128 : sizeof *fd->b32) + sizeof *fd->bitmap);
		b += (fd->buckets + 1) * sizeof *fd->top;
	}
	return b;
}

/* ---- lookups ---- */

static unsigned range_interval(const struct acl_match *m, unsigned f, const struct acl_key *k)
{
	const struct field *fd = &m->range[f];
	switch (m->range_kind[f]) {
	case F_SRC:
		return m->wide ? find128(fd, (u128)k->src_hi << 64 | k->src_lo)
		               : find32(fd, (uint32_t)k->src_lo);
	case F_DST:
		return m->wide ? find128(fd, (u128)k->dst_hi << 64 | k->dst_lo)
		               : find32(fd, (uint32_t)k->dst_lo);
	case F_SPORT:
		return find32(fd, k->sport);
	default:
		return find32(fd, k->dport);
	}
}

#define ROWS_MAX (F_RANGES + 2)

/* The bitmaps of k's intervals in the fields the list restricts; their number. */
static unsigned key_rows(const struct acl_match *m, const struct acl_key *k,
                         const uint64_t *rows[ROWS_MAX])
{
	unsigned nr = 0;
	for (unsigned f = 0; f < m->nranges; f++)
		rows[nr++] = bitmap_at(m, m->range[f].bitmap[range_interval(m, f, k)]);
	if (m->by_proto)
		rows[nr++] = bitmap_at(m, m->proto[k->proto]);
	if (m->by_flags)
		rows[nr++] = bitmap_at(m, m->flags[k->flags & 3]);
	return nr;
}

/* The first entry set in every row, n if none: the words where all summaries agree. */
static uint32_t rows_first(const struct acl_match *m, const uint64_t *const *rows, unsigned nr)
{
	if (nr == 0) /* no field restricted: the first entry takes every key */
		return 0;
	uint64_t cand = rows[0][0];
	for (unsigned j = 1; j < nr; j++)
		cand &= rows[j][0];
	while (cand) {
		unsigned w = (unsigned)__builtin_ctzll(cand);
		uint64_t v = rows[0][1 + w];
		for (unsigned j = 1; j < nr; j++)
			v &= rows[j][1 + w];
		if (v)
			return w * 64 + (uint32_t)__builtin_ctzll(v);
		cand &= cand - 1;
	}
	return m->n;
}

uint32_t acl_match_first(const struct acl_match *m, const struct acl_key *k)
{
	const uint64_t *rows[ROWS_MAX];
	unsigned nr = key_rows(m, k, rows);
	return rows_first(m, rows, nr);
}

/* All the keys' bitmaps first (their first lines prefetched), then the ANDs: the cache
 * misses of a chunk's keys overlap. */
void acl_match_batch(const struct acl_match *m, const struct acl_key *keys, uint32_t *res,
                     unsigned n)
{
	const uint64_t *rows[CHUNK][ROWS_MAX];
	unsigned nr = 0;
	for (unsigned at = 0; at < n; at += CHUNK) {
		unsigned c = n - at < CHUNK ? n - at : CHUNK;
		for (unsigned i = 0; i < c; i++) {
			nr = key_rows(m, &keys[at + i], rows[i]);
			for (unsigned j = 0; j < nr; j++)
				__builtin_prefetch(rows[i][j]);
		}
		for (unsigned i = 0; i < c; i++)
			res[at + i] = rows_first(m, rows[i], nr);
	}
}
