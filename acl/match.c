/*
 * acl/match.c - the compiled matcher of a classifier: the first entry in order whose every
 * field matches a packet's key, found without walking the entries.
 *
 * Per-field bit vectors (Lakshman-Stiliadis), aggregated (Baboescu-Varghese): each field
 * (source, destination, source and destination port, protocol, flags) cuts its key space
 * into elementary intervals, each with the bitmap of the entries whose field holds it.
 * A lookup finds the key's interval in every field and ANDs their bitmaps (a field no
 * entry restricts has one interval, all ones); the lowest set bit is the first matching
 * entry. Every bitmap starts with a
 * summary word (bit w: word w has a bit set), so the AND only reads the words where every
 * field has candidates, and stops at the first non-zero one. Bitmaps are deduplicated
 * across intervals and fields.
 *
 * An interval is found by nested direct indexes ("windows", below): a window indexes the
 * bits of the key below those its boundaries share; a bucket with more than a few
 * boundaries inside has a window of its own, so clustered boundaries (nested prefixes)
 * cost a level more, not a search. IPv4 and IPv6 each have their own straight code (the
 * family is a constant where the lookup is inlined).
 */
#include "match.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

enum { F_SRC, F_DST, F_SPORT, F_DPORT, F_RANGES }; /* the interval fields */

#define PORT_MAX   ACL_L4_NONE /* ports 0-65535, then "no ports" */
#define BUCKETS_LG 12          /* the direct index: at most 2^12 buckets a field */
#define CHUNK      16          /* keys a batch looks up together */

/*
 * A window of the index: 2^lg buckets of 2^shift keys from base << shift, over the
 * boundaries of intervals first..last (keys below the window are in interval first,
 * above it in last). A bucket's slot holds its bitmap when one interval covers the
 * bucket (most do: one load less than going through the interval); else the first of the
 * intervals it overlaps and how many boundaries follow inside it, up to PICK_MAX, which
 * the key is compared with (a fixed number of comparisons, no loop to mispredict); else a
 * window of its own.
 */
struct window {
	u128 base;
	uint32_t slots;        /* where its buckets' slots start */
	uint16_t below, above; /* the bitmaps of keys below and above the window */
	uint8_t shift, lg;
};

#define SLOT_BITMAP 0x80000000u /* | bitmap */
#define SLOT_WINDOW 0x40000000u /* | window */
#define SLOT_PICK   16          /* else: first interval | boundaries to compare << 16 */
#define PICK_MAX    3           /* more boundaries in a bucket: a window of its own */
#define SLOT_NONE   0xffffffffu /* out of memory while building */

/* One interval field: the boundaries (the first is 0), their bitmaps and their index. */
struct field {
	unsigned nb;        /* intervals */
	uint32_t *b32;      /* boundaries of a field of 32 bits or less */
	u128 *b128;         /* or of 128 bits (IPv6 addresses) */
	uint16_t *bitmap;   /* interval -> bitmap */
	struct window *win; /* the first one covers every key */
	uint32_t *slot;
	unsigned nwin, wcap, nslot, scap;
};

struct acl_match {
	unsigned n;      /* entries */
	unsigned words;  /* 64-entry words of a bitmap */
	unsigned stride; /* words of a bitmap with its summary */
	bool wide;       /* IPv6: 128-bit addresses */
	uint64_t *pool;  /* the distinct bitmaps, stride words each */
	unsigned pooled, pool_cap;
	/* every field, restricted or not: a field no entry restricts is one interval (its
	 * lookup a few instructions), and a fixed set of fields makes straight code */
	struct field range[F_RANGES];
	uint16_t proto_flags[256 * 4]; /* proto << 2 | flags -> bitmap */
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
		fd->b128 = calloc(cap, sizeof *fd->b128);
	else
		fd->b32 = calloc(cap, sizeof *fd->b32);
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
	/* the comparisons of a slot may read PICK_MAX boundaries past the last */
	if (nev < 0 || !field_alloc(fd, wide, (unsigned)nev + 1 + PICK_MAX)) {
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

static bool window_grow(struct field *fd, unsigned buckets)
{
	if (fd->nwin == fd->wcap) {
		unsigned cap = fd->wcap ? 2 * fd->wcap : 16;
		struct window *w = realloc(fd->win, cap * sizeof *w);
		if (!w)
			return false;
		fd->win = w;
		fd->wcap = cap;
	}
	while (fd->nslot + buckets > fd->scap) {
		unsigned cap = fd->scap ? 2 * fd->scap : 1024;
		uint32_t *sl = realloc(fd->slot, cap * sizeof *sl);
		if (!sl)
			return false;
		fd->slot = sl;
		fd->scap = cap;
	}
	return true;
}

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static long window_build(struct field *fd, unsigned first, unsigned last);

/* The slot of a bucket whose keys are in intervals first..last; SLOT_NONE out of memory. */
static uint32_t bucket_slot(struct field *fd, unsigned first, unsigned last)
{
	if (first == last)
		return SLOT_BITMAP | fd->bitmap[first];
	if (last - first <= PICK_MAX)
		return first | (last - first) << SLOT_PICK;
	long w = window_build(fd, first, last);
	return w < 0 ? SLOT_NONE : SLOT_WINDOW | (uint32_t)w;
}

/*
 * A window over the boundaries of intervals first+1..last, as narrow as their span allows:
 * the first window about two buckets a boundary, the inner ones (few boundaries, often
 * clustered: nested prefixes, the edges of one port range) eight, which saves a level
 * below them for a few kilobytes. Its index, or -1 out of memory.
 */
static long window_build(struct field *fd, unsigned first, unsigned last)
{
	unsigned lg = 1, per = first == 0 && last == fd->nb - 1 ? 2 : 8;
	while ((1u << lg) < per * (last - first) && lg < BUCKETS_LG)
		lg++;
	if (!window_grow(fd, 1u << lg))
		return -1;
	unsigned id = fd->nwin++, slots = fd->nslot;
	fd->nslot += 1u << lg;
	u128 lo = boundary(fd, first + 1), hi = boundary(fd, last);
	unsigned shift = 0;
	while ((hi >> shift) - (lo >> shift) >= (1u << lg))
		shift++;
	fd->win[id] = (struct window){.base = lo >> shift,
	                              .slots = slots,
	                              .below = fd->bitmap[first],
	                              .above = fd->bitmap[last],
	                              .shift = (uint8_t)shift,
	                              .lg = (uint8_t)lg};
	u128 top = ~(u128)0 >> shift; /* the last bucket of the key space */
	u128 ones = shift ? ((u128)1 << shift) - 1 : 0;
	for (unsigned b = 0; b < (1u << lg); b++) {
		u128 q = fd->win[id].base + b;
		unsigned a = last, e = last;
		if (q <= top) {
			a = clamp(interval_at(fd, q << shift), first, last);
			e = clamp(interval_at(fd, q << shift | ones), first, last);
		}
		uint32_t sl = bucket_slot(fd, a, e);
		if (sl == SLOT_NONE)
			return -1;
		fd->slot[slots + b] = sl;
	}
	return id;
}

/* The index over every key: a window over all the boundaries (past the first, 0). */
static bool field_index(struct field *fd)
{
	if (fd->nb > 1)
		return window_build(fd, 0, fd->nb - 1) == 0;
	/* one interval: a window every key is above */
	if (!window_grow(fd, 1))
		return false;
	fd->win[0] = (struct window){.base = 0, .below = fd->bitmap[0], .above = fd->bitmap[0]};
	fd->slot[0] = SLOT_BITMAP | fd->bitmap[0];
	fd->nwin = fd->nslot = 1;
	return true;
}

/*
 * The lookups of a field, for keys of 32 and of 128 bits: the slot of x's bucket in window
 * w (NULL when x is outside w: *bitmap is then its bitmap), the bitmap of x from its
 * bucket's slot on, and both.
 */
#define FIELD_FIND(sfx, type, bounds)                                                              \
	static inline const uint32_t *bucket##sfx(const struct field *fd, const struct window *w,  \
	                                          type x, unsigned *bitmap)                        \
	{                                                                                          \
		type q = x >> w->shift;                                                            \
		if (q < (type)w->base) {                                                           \
			*bitmap = w->below;                                                        \
			return NULL;                                                               \
		}                                                                                  \
		if (q - (type)w->base >= (1u << w->lg)) {                                          \
			*bitmap = w->above;                                                        \
			return NULL;                                                               \
		}                                                                                  \
		return &fd->slot[w->slots + (unsigned)(q - (type)w->base)];                        \
	}                                                                                          \
	static inline unsigned resolve##sfx(const struct field *fd, const uint32_t *s, type x)     \
	{                                                                                          \
		unsigned bitmap = 0;                                                               \
		for (;;) {                                                                         \
			uint32_t sl = *s;                                                          \
			if (sl & SLOT_BITMAP)                                                      \
				return sl & 0xffff;                                                \
			if (!(sl & SLOT_WINDOW)) {                                                 \
				unsigned first = sl & 0xffff, n = sl >> SLOT_PICK, i = first;      \
				for (unsigned j = 1; j <= PICK_MAX; j++)                           \
					i += (j <= n) & (fd->bounds[first + j] <= x);              \
				return fd->bitmap[i];                                              \
			}                                                                          \
			if (!(s = bucket##sfx(fd, &fd->win[sl & ~SLOT_WINDOW], x, &bitmap)))       \
				return bitmap;                                                     \
		}                                                                                  \
	}                                                                                          \
	static inline unsigned find##sfx(const struct field *fd, type x)                           \
	{                                                                                          \
		unsigned bitmap = 0;                                                               \
		const uint32_t *s = bucket##sfx(fd, fd->win, x, &bitmap);                          \
		return s ? resolve##sfx(fd, s, x) : bitmap;                                        \
	}
FIELD_FIND(32, uint32_t, b32)
FIELD_FIND(128, u128, b128)

static bool build_ranges(struct acl_match *m, const struct acl_rule *r, uint64_t *cur)
{
	for (unsigned f = 0; f < F_RANGES; f++)
		if (!field_sweep(m, r, f, &m->range[f], cur) || !field_index(&m->range[f]))
			return false;
	return true;
}

/* ---- the direct field: protocol and flags, one table ---- */

/* Each protocol's entries ANDed with each flag value's: 256 + 4 passes over the entries,
 * not 1024. */
static bool build_direct(struct acl_match *m, const struct acl_rule *r, uint64_t *cur)
{
	uint64_t *by_flags = calloc(4 * (size_t)m->words, sizeof *by_flags);
	if (!by_flags)
		return false;
	for (unsigned fl = 0; fl < 4; fl++)
		for (unsigned i = 0; i < m->n; i++)
			if (flags_allow(&r[i], fl))
				by_flags[fl * m->words + i / 64] |= 1ull << i % 64;
	for (unsigned v = 0; v < 256; v++) {
		uint64_t proto[ACL_ENTRIES_MAX / 64] = {0};
		for (unsigned i = 0; i < m->n; i++)
			if (r[i].proto == ACL_PROTO_ANY || r[i].proto == (int16_t)v)
				proto[i / 64] |= 1ull << i % 64;
		for (unsigned fl = 0; fl < 4; fl++) {
			for (unsigned w = 0; w < m->words; w++)
				cur[w] = proto[w] & by_flags[fl * m->words + w];
			long id = bitmap_intern(m, cur);
			if (id < 0) {
				free(by_flags);
				return false;
			}
			m->proto_flags[v << 2 | fl] = (uint16_t)id;
		}
	}
	free(by_flags);
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
		free(m->range[f].win);
		free(m->range[f].slot);
	}
	free(m->pool);
	free(m->hash_slots);
	free(m);
}

size_t acl_match_bytes(const struct acl_match *m)
{
	size_t b = sizeof *m + (size_t)m->pooled * m->stride * sizeof *m->pool;
	for (unsigned f = 0; f < F_RANGES; f++) {
		const struct field *fd = &m->range[f];
		b +=
		    fd->nb * ((fd->b128 ? sizeof *fd->b128 : sizeof *fd->b32) + sizeof *fd->bitmap);
		b += fd->nwin * sizeof *fd->win + fd->nslot * sizeof *fd->slot;
	}
	return b;
}

/* ---- lookups ---- */

#define ROWS (F_RANGES + 1)

/* The bitmaps of k's intervals in every field: addresses of 32 or 128 bits (wide: a
 * constant where this is inlined, two straight versions). */
static inline __attribute__((always_inline)) void
key_rows(const struct acl_match *m, const struct acl_key *k, bool wide, const uint64_t *rows[ROWS])
{
	const struct field *f = m->range;
	if (wide) {
		rows[F_SRC] = bitmap_at(m, find128(&f[F_SRC], (u128)k->src_hi << 64 | k->src_lo));
		rows[F_DST] = bitmap_at(m, find128(&f[F_DST], (u128)k->dst_hi << 64 | k->dst_lo));
	} else {
		rows[F_SRC] = bitmap_at(m, find32(&f[F_SRC], (uint32_t)k->src_lo));
		rows[F_DST] = bitmap_at(m, find32(&f[F_DST], (uint32_t)k->dst_lo));
	}
	rows[F_SPORT] = bitmap_at(m, find32(&f[F_SPORT], k->sport));
	rows[F_DPORT] = bitmap_at(m, find32(&f[F_DPORT], k->dport));
	rows[F_RANGES] = bitmap_at(m, m->proto_flags[(unsigned)k->proto << 2 | (k->flags & 3)]);
}

/* The first entry set in every row, n if none: the words where all summaries agree. */
static inline uint32_t rows_first(const struct acl_match *m, const uint64_t *const rows[ROWS])
{
	uint64_t cand = rows[0][0] & rows[1][0] & rows[2][0] & rows[3][0] & rows[4][0];
	while (cand) {
		unsigned w = 1 + (unsigned)__builtin_ctzll(cand);
		uint64_t v = rows[0][w] & rows[1][w] & rows[2][w] & rows[3][w] & rows[4][w];
		if (v)
			return (w - 1) * 64 + (uint32_t)__builtin_ctzll(v);
		cand &= cand - 1;
	}
	return m->n;
}

uint32_t acl_match_first(const struct acl_match *m, const struct acl_key *k)
{
	const uint64_t *rows[ROWS];
	if (m->wide)
		key_rows(m, k, true, rows);
	else
		key_rows(m, k, false, rows);
	return rows_first(m, rows);
}

/* A chunk's bitmaps first (their first lines prefetched), then the ANDs: the cache misses
 * of the chunk's keys overlap. */
static inline __attribute__((always_inline)) void match_chunk(const struct acl_match *m,
                                                              const struct acl_key *keys,
                                                              uint32_t *res, unsigned n, bool wide)
{
	const uint64_t *rows[CHUNK][ROWS];
	for (unsigned i = 0; i < n; i++) {
		key_rows(m, &keys[i], wide, rows[i]);
		for (unsigned j = 0; j < ROWS; j++)
			__builtin_prefetch(rows[i][j]);
	}
	for (unsigned i = 0; i < n; i++)
		res[i] = rows_first(m, rows[i]);
}

void acl_match_batch(const struct acl_match *m, const struct acl_key *keys, uint32_t *res,
                     unsigned n)
{
	for (unsigned at = 0; at < n; at += CHUNK) {
		unsigned c = n - at < CHUNK ? n - at : CHUNK;
		if (m->wide)
			match_chunk(m, keys + at, res + at, c, true);
		else
			match_chunk(m, keys + at, res + at, c, false);
	}
}
