/*
 * fib/fib.c - the route table: per-prefix routes with local / connected / static sources,
 * next-hop resolution, ECMP groups, and the LPM (lpm.c) that the data plane reads.
 *
 * Routes live in 65536 buckets by the top 16 bits of the prefix, each sorted by
 * (prefix, length): exact lookups are a binary search in a small array, and walking the
 * buckets in order gives the (prefix, length) order fib_walk() promises.
 *
 * Next-hop resolution (FIB_NH_IP, "one level deep"), for next hop A of route R:
 *  1. A is an address of the gateway: unresolved (a route cannot point at ourselves).
 *  2. A is inside a connected subnet (the longest one): path GATEWAY A on its interface.
 *  3. Otherwise the longest static prefix S != R covering A that has at least one next hop
 *     resolving by rule 2: R gets S's rule-2 paths (S's gateways).
 *  4. Otherwise unresolved.
 * Rules 2 and 3 depend only on connected subnets and static configuration, never on which
 * routes are active, so resolution has no cycles and no dependence on evaluation order.
 * A consequence worth knowing: a next hop inside a connected subnet is on-link even when a
 * more specific static route covers it.
 *
 * Keeping resolution current: a connected change re-resolves every static route with a
 * next hop inside the subnet plus every route that uses rule 3 (the "recursive set"); a
 * static change that alters a prefix's rule-2 paths re-resolves the recursive routes with a
 * next hop inside that prefix. The recursive set is usually tiny, so a static route add is
 * a handful of binary searches plus one LPM chunk rebuild.
 */
#include "fib/fib.h"

#include "common/net.h"
#include "fib/fwd.h"
#include "fib/group.h"
#include "fib/lpm.h"

#include <stdlib.h>
#include <string.h>

#define ROUTE_BUCKETS (1u << 16)
/* Up to FIB_ECMP_MAX next hops, each expanding to up to FIB_ECMP_MAX paths by rule 3. */
#define PATH_BUF (FIB_ECMP_MAX * FIB_ECMP_MAX)

enum route_flag {
	RF_LOCAL = 1, /* holds the LOCAL source */
	RF_CONN = 2,  /* holds the CONNECTED source */
	RF_REC = 4,   /* in the recursive set */
};

struct fib_route {
	uint32_t pfx;
	uint8_t len;
	uint8_t flags;      /* enum route_flag */
	uint8_t n_nh;       /* static next hops */
	uint8_t local_plen; /* prefix length of the interface address behind RF_LOCAL */
	uint16_t local_ifx;
	uint16_t conn_ifx;
	uint32_t conn_refs; /* interface addresses in this subnet (secondaries) */
	uint32_t group;     /* group installed in the LPM; 0 when inactive */
	uint32_t rec_idx;   /* position in the recursive set when RF_REC */
	union {
		struct fib_nh one;   /* n_nh == 1 */
		struct fib_nh *many; /* n_nh >= 2, exactly n_nh long */
	} nh;
};

struct fib_route_bucket {
	struct fib_route *v;
	uint32_t n, cap;
};

struct fib {
	struct fib_route_bucket *buckets;
	size_t n_routes, n_active, n_static, route_bytes, nh_bytes;
	uint32_t n_local;
	uint32_t conn_len_n[33];   /* connected subnets per length */
	uint32_t static_len_n[33]; /* prefixes with static next hops per length */
	uint32_t active_len_n[33]; /* active routes per length */
	uint64_t *rec;             /* route keys of the recursive set */
	uint32_t n_rec, rec_cap;
	struct fib_groups groups;
	struct fib_lpm *lpm;
	uint64_t generation; /* fib_generation() */
};

/* ---------------------------------------------------------------- route storage */

static uint64_t route_key(uint32_t pfx, uint8_t len)
{
	return (uint64_t)pfx << 8 | len;
}

static bool prefix_valid(uint32_t pfx, uint8_t len)
{
	return len <= 32 && (pfx & ~net_mask(len)) == 0;
}

static struct fib_route_bucket *bucket_of(const struct fib *fib, uint32_t pfx)
{
	return &fib->buckets[pfx >> 16];
}

/* First index in b whose key is >= key. */
static uint32_t route_lower_bound(const struct fib_route_bucket *b, uint64_t key)
{
	uint32_t first = 0, n = b->n;
	while (n) {
		uint32_t half = n / 2;
		const struct fib_route *r = &b->v[first + half];
		if (route_key(r->pfx, r->len) < key) {
			first += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return first;
}

static struct fib_route *route_find(const struct fib *fib, uint32_t pfx, uint8_t len)
{
	const struct fib_route_bucket *b = bucket_of(fib, pfx);
	uint32_t i = route_lower_bound(b, route_key(pfx, len));
	if (i < b->n && b->v[i].pfx == pfx && b->v[i].len == len)
		return &b->v[i];
	return NULL;
}

static int bucket_grow(struct fib *fib, struct fib_route_bucket *b)
{
	uint32_t cap = b->cap ? b->cap * 2 : 2;
	struct fib_route *v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return FIB_E_NOMEM;
	fib->route_bytes += (cap - b->cap) * sizeof(*v);
	b->v = v;
	b->cap = cap;
	return FIB_OK;
}

/* The route for pfx/len, created empty (no source) when absent; NULL when out of memory.
 * Invalidates pointers to other routes of the same bucket. */
static struct fib_route *route_get_or_add(struct fib *fib, uint32_t pfx, uint8_t len)
{
	struct fib_route_bucket *b = bucket_of(fib, pfx);
	uint32_t i = route_lower_bound(b, route_key(pfx, len));
	if (i < b->n && b->v[i].pfx == pfx && b->v[i].len == len)
		return &b->v[i];
	if (b->n == b->cap && bucket_grow(fib, b))
		return NULL;
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(*b->v));
	memset(&b->v[i], 0, sizeof(b->v[i]));
	b->v[i].pfx = pfx;
	b->v[i].len = len;
	b->n++;
	fib->n_routes++;
	return &b->v[i];
}

static bool route_has_source(const struct fib_route *r)
{
	return (r->flags & (RF_LOCAL | RF_CONN)) || r->n_nh;
}

/* Remove a route that has no source left (so no group, no next hops, not recursive). */
static void route_remove(struct fib *fib, struct fib_route *r)
{
	struct fib_route_bucket *b = bucket_of(fib, r->pfx);
	uint32_t i = (uint32_t)(r - b->v);
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
	b->n--;
	fib->n_routes--;
	if (b->n == 0) {
		free(b->v);
		fib->route_bytes -= b->cap * sizeof(*b->v);
		b->v = NULL;
		b->cap = 0;
	}
}

/* ---------------------------------------------------------------- static next hops */

static const struct fib_nh *route_nhs(const struct fib_route *r)
{
	return r->n_nh > 1 ? r->nh.many : &r->nh.one;
}

static bool nh_same(const struct fib_nh *a, const struct fib_nh *b)
{
	return a->kind == b->kind && (a->kind == FIB_NH_NULL0 || a->ip == b->ip);
}

static int nh_index(const struct fib_route *r, const struct fib_nh *nh)
{
	const struct fib_nh *v = route_nhs(r);
	for (int i = 0; i < r->n_nh; i++)
		if (nh_same(&v[i], nh))
			return i;
	return -1;
}

/* Resize the next-hop list to n entries, keeping the first min(n, n_nh). */
static int nh_resize(struct fib *fib, struct fib_route *r, unsigned n)
{
	unsigned old = r->n_nh;
	if (n <= 1 && old <= 1)
		return FIB_OK;
	if (n <= 1) {
		struct fib_nh *many = r->nh.many;
		if (n == 1)
			r->nh.one = many[0];
		free(many);
	} else if (old <= 1) {
		struct fib_nh *many = malloc(n * sizeof(*many));
		if (!many)
			return FIB_E_NOMEM;
		if (old == 1)
			many[0] = r->nh.one;
		r->nh.many = many;
	} else {
		struct fib_nh *many = realloc(r->nh.many, n * sizeof(*many));
		if (!many)
			return FIB_E_NOMEM;
		r->nh.many = many;
	}
	fib->nh_bytes = fib->nh_bytes - (old > 1 ? old : 0) * sizeof(struct fib_nh) +
	                (n > 1 ? n : 0) * sizeof(struct fib_nh);
	return FIB_OK;
}

static void static_count(struct fib *fib, const struct fib_route *r, int delta)
{
	fib->static_len_n[r->len] += (uint32_t)delta;
	fib->n_static += (size_t)delta;
}

static int nh_append(struct fib *fib, struct fib_route *r, const struct fib_nh *nh)
{
	int err = nh_resize(fib, r, r->n_nh + 1u);
	if (err)
		return err;
	struct fib_nh v = {.kind = nh->kind, .ip = nh->kind == FIB_NH_IP ? nh->ip : 0};
	if (r->n_nh == 0) {
		r->nh.one = v;
		static_count(fib, r, 1);
	} else {
		r->nh.many[r->n_nh] = v;
	}
	r->n_nh++;
	return FIB_OK;
}

static void nh_remove(struct fib *fib, struct fib_route *r, unsigned i)
{
	if (r->n_nh > 1) {
		struct fib_nh *v = r->nh.many;
		memmove(&v[i], &v[i + 1], (r->n_nh - i - 1) * sizeof(*v));
	}
	/* Shrinking cannot fail: at worst realloc keeps the old block. */
	(void)nh_resize(fib, r, r->n_nh - 1u);
	r->n_nh--;
	if (r->n_nh == 0)
		static_count(fib, r, -1);
}

static void nh_clear(struct fib *fib, struct fib_route *r)
{
	if (!r->n_nh)
		return;
	(void)nh_resize(fib, r, 0);
	r->n_nh = 0;
	static_count(fib, r, -1);
}

static bool nh_within(const struct fib_route *r, uint32_t pfx, uint8_t len)
{
	const struct fib_nh *v = route_nhs(r);
	for (unsigned i = 0; i < r->n_nh; i++)
		if (v[i].kind == FIB_NH_IP && (v[i].ip & net_mask(len)) == pfx)
			return true;
	return false;
}

/* ---------------------------------------------------------------- resolution */

enum direct_res { DIRECT_NONE, DIRECT_OK, DIRECT_SELF };

static bool is_local_addr(const struct fib *fib, uint32_t a)
{
	if (!fib->n_local)
		return false;
	const struct fib_route *r = route_find(fib, a, 32);
	return r && (r->flags & RF_LOCAL);
}

/* Highest set bit first: the lengths that have at least one entry, longest first. */
static uint64_t length_mask(const uint32_t count[33])
{
	uint64_t m = 0;
	for (unsigned len = 0; len <= 32; len++)
		if (count[len])
			m |= 1ull << len;
	return m;
}

static unsigned pop_longest(uint64_t *m)
{
	unsigned len = 63u - (unsigned)__builtin_clzll(*m);
	*m &= ~(1ull << len);
	return len;
}

static const struct fib_route *conn_match(const struct fib *fib, uint32_t a)
{
	for (uint64_t m = length_mask(fib->conn_len_n); m;) {
		unsigned len = pop_longest(&m);
		const struct fib_route *r = route_find(fib, a & net_mask(len), (uint8_t)len);
		if (r && (r->flags & RF_CONN))
			return r;
	}
	return NULL;
}

/* Rules 1 and 2 of the header comment. */
static enum direct_res resolve_direct(const struct fib *fib, uint32_t a, struct fib_path *p)
{
	if (is_local_addr(fib, a))
		return DIRECT_SELF;
	const struct fib_route *c = conn_match(fib, a);
	if (!c)
		return DIRECT_NONE;
	*p = (struct fib_path){.type = FIB_PATH_GATEWAY, .ifx = c->conn_ifx, .nh = a};
	return DIRECT_OK;
}

/* The rule-2 paths of a route's static next hops, in canonical order. */
static unsigned direct_paths(const struct fib *fib, const struct fib_route *r, struct fib_path *out)
{
	const struct fib_nh *v = route_nhs(r);
	unsigned n = 0;
	for (unsigned i = 0; i < r->n_nh; i++)
		if (v[i].kind == FIB_NH_IP && resolve_direct(fib, v[i].ip, &out[n]) == DIRECT_OK)
			n++;
	return fib_paths_canonical(out, n);
}

/* Rule 3: the gateways of the longest static prefix (other than self) covering a. */
static unsigned resolve_via_static(const struct fib *fib, const struct fib_route *self, uint32_t a,
                                   struct fib_path *out)
{
	for (uint64_t m = length_mask(fib->static_len_n); m;) {
		unsigned len = pop_longest(&m);
		const struct fib_route *s = route_find(fib, a & net_mask(len), (uint8_t)len);
		if (!s || s == self || !s->n_nh)
			continue;
		unsigned n = direct_paths(fib, s, out);
		if (n)
			return n;
	}
	return 0;
}

/* The static source's paths; *recursive tells whether any next hop needed rule 3 or 4. */
static unsigned static_paths(const struct fib *fib, const struct fib_route *r, struct fib_path *out,
                             bool *recursive)
{
	const struct fib_nh *v = route_nhs(r);
	unsigned n = 0;
	for (unsigned i = 0; i < r->n_nh; i++) {
		if (v[i].kind == FIB_NH_NULL0) {
			out[n++] = (struct fib_path){.type = FIB_PATH_DROP};
			continue;
		}
		enum direct_res d = resolve_direct(fib, v[i].ip, &out[n]);
		if (d == DIRECT_OK) {
			n++;
		} else if (d == DIRECT_NONE) {
			*recursive = true;
			n += resolve_via_static(fib, r, v[i].ip, &out[n]);
		}
	}
	n = fib_paths_canonical(out, n);
	return n > FIB_ECMP_MAX ? FIB_ECMP_MAX : n;
}

/* The winning source's paths (0: inactive). */
static unsigned route_paths(const struct fib *fib, const struct fib_route *r, struct fib_path *out,
                            bool *recursive)
{
	*recursive = false;
	if (r->flags & RF_LOCAL) {
		out[0] = (struct fib_path){.type = FIB_PATH_LOCAL, .ifx = r->local_ifx};
		return 1;
	}
	if (r->flags & RF_CONN) {
		out[0] = (struct fib_path){.type = FIB_PATH_ATTACHED, .ifx = r->conn_ifx};
		return 1;
	}
	return static_paths(fib, r, out, recursive);
}

/* ---------------------------------------------------------------- installing routes */

static void active_count(struct fib *fib, const struct fib_route *r, int delta)
{
	fib->active_len_n[r->len] += (uint32_t)delta;
	fib->n_active += (size_t)delta;
}

/* Point the route at the group of paths[0..n) and stage the LPM change. */
static int route_install(struct fib *fib, struct fib_route *r, const struct fib_path *paths,
                         unsigned n)
{
	uint32_t gid = 0;
	if (n) {
		int err = fib_group_get(&fib->groups, paths, n, &gid);
		if (err)
			return err;
	}
	if (gid != r->group) {
		int err = gid ? fib_lpm_set(fib->lpm, r->pfx, r->len, gid)
		              : fib_lpm_del(fib->lpm, r->pfx, r->len);
		if (err) {
			if (gid)
				fib_group_put(&fib->groups, gid);
			return err;
		}
		if (!r->group || !gid)
			active_count(fib, r, gid ? 1 : -1);
	}
	if (r->group)
		fib_group_put(&fib->groups, r->group); /* after the get: a shared group survives */
	r->group = gid;
	return FIB_OK;
}

static int rec_add(struct fib *fib, struct fib_route *r)
{
	if (fib->n_rec == fib->rec_cap) {
		uint32_t cap = fib->rec_cap ? fib->rec_cap * 2 : 16;
		uint64_t *v = realloc(fib->rec, cap * sizeof(*v));
		if (!v)
			return FIB_E_NOMEM;
		fib->rec = v;
		fib->rec_cap = cap;
	}
	r->rec_idx = fib->n_rec;
	fib->rec[fib->n_rec++] = route_key(r->pfx, r->len);
	r->flags |= RF_REC;
	return FIB_OK;
}

static void rec_del(struct fib *fib, struct fib_route *r)
{
	uint64_t last = fib->rec[--fib->n_rec];
	if (r->rec_idx != fib->n_rec) {
		fib->rec[r->rec_idx] = last;
		route_find(fib, (uint32_t)(last >> 8), (uint8_t)last)->rec_idx = r->rec_idx;
	}
	r->flags &= ~RF_REC;
}

static int rec_update(struct fib *fib, struct fib_route *r, bool recursive)
{
	if (recursive == !!(r->flags & RF_REC))
		return FIB_OK;
	if (recursive)
		return rec_add(fib, r);
	rec_del(fib, r);
	return FIB_OK;
}

/*
 * Recompute a route from its sources and bring the LPM and the recursive set in line.
 * A route left without any source is removed (and r becomes invalid).
 */
static int route_refresh(struct fib *fib, struct fib_route *r)
{
	struct fib_path paths[PATH_BUF];
	bool recursive;
	unsigned n = route_paths(fib, r, paths, &recursive);
	int err = route_install(fib, r, paths, n);
	int rerr = rec_update(fib, r, recursive);
	if (!route_has_source(r) && !r->group) {
		if (r->flags & RF_REC)
			rec_del(fib, r);
		route_remove(fib, r);
	}
	return err ? err : rerr;
}

static int refresh_prefix(struct fib *fib, uint32_t pfx, uint8_t len)
{
	struct fib_route *r = route_find(fib, pfx, len);
	return r ? route_refresh(fib, r) : FIB_OK;
}

static void keep_first_error(int *err, int e)
{
	if (!*err)
		*err = e;
}

/* After a connected change on pfx/len. Routes with next hops are never removed here. */
static int reresolve_after_connected(struct fib *fib, uint32_t pfx, uint8_t len)
{
	int err = FIB_OK;
	if (!fib->n_static)
		return err;
	for (uint32_t bi = 0; bi < ROUTE_BUCKETS; bi++) {
		struct fib_route_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++) {
			struct fib_route *r = &b->v[i];
			if (r->n_nh && ((r->flags & RF_REC) || nh_within(r, pfx, len)))
				keep_first_error(&err, route_refresh(fib, r));
		}
	}
	return err;
}

/*
 * After the rule-2 paths of static prefix pfx/len changed: recursive routes with a next hop
 * inside it may resolve differently. Walking backwards keeps the walk valid when a route
 * leaves the set (the last element, already visited, moves into its slot).
 */
static int reresolve_after_static(struct fib *fib, uint32_t pfx, uint8_t len)
{
	int err = FIB_OK;
	for (uint32_t i = fib->n_rec; i-- > 0;) {
		if (i >= fib->n_rec)
			continue;
		uint64_t key = fib->rec[i];
		struct fib_route *r = route_find(fib, (uint32_t)(key >> 8), (uint8_t)key);
		if (key != route_key(pfx, len) && nh_within(r, pfx, len))
			keep_first_error(&err, route_refresh(fib, r));
	}
	return err;
}

/*
 * Every control call ends here: the LPM rebuilds the chunks the call touched. Should that
 * run out of memory, lookups keep the previous table (consistent, but results may name
 * groups the call released) until a later call commits successfully.
 *
 * The generation moves when the LPM had staged changes. That covers every change of a
 * lookup or a path selection: a route's paths only change by moving it to another group
 * (groups are immutable while referenced), which stages an LPM set or delete; a group id
 * is freed or reused only when a route leaves it, likewise. A call that changes nothing a
 * lookup sees (an unresolved route added, say) leaves it alone, so owners do not rebuild
 * their copies for nothing. A failed commit moves it too (groups did change), and so does
 * the later commit that finally applies the staged chunks.
 */
static int commit(struct fib *fib, int err)
{
	bool staged = fib_lpm_staged(fib->lpm);
	int cerr = fib_lpm_commit(fib->lpm);
	if (staged)
		fib->generation++;
	return err ? err : cerr;
}

/* ---------------------------------------------------------------- lifecycle */

struct fib *fib_create(void)
{
	struct fib *fib = calloc(1, sizeof(*fib));
	if (!fib)
		return NULL;
	fib->buckets = calloc(ROUTE_BUCKETS, sizeof(*fib->buckets));
	fib->lpm = fib_lpm_create();
	if (!fib->buckets || !fib->lpm || fib_groups_init(&fib->groups)) {
		fib_destroy(fib);
		return NULL;
	}
	return fib;
}

void fib_destroy(struct fib *fib)
{
	if (!fib)
		return;
	for (uint32_t bi = 0; fib->buckets && bi < ROUTE_BUCKETS; bi++) {
		struct fib_route_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++)
			if (b->v[i].n_nh > 1)
				free(b->v[i].nh.many);
		free(b->v);
	}
	free(fib->buckets);
	free(fib->rec);
	fib_groups_fini(&fib->groups);
	fib_lpm_destroy(fib->lpm);
	free(fib);
}

const char *fib_strerror(int err)
{
	switch (err) {
	case FIB_OK:
		return "success";
	case FIB_E_INVAL:
		return "invalid prefix, interface or next hop";
	case FIB_E_EXISTS:
		return "route or next hop already exists";
	case FIB_E_NOENT:
		return "no such route or next hop";
	case FIB_E_NOMEM:
		return "out of memory";
	case FIB_E_FULL:
		return "too many next hops";
	default:
		return "unknown error";
	}
}

/* ---------------------------------------------------------------- connected */

static bool ifx_valid(uint16_t ifx)
{
	return ifx >= 1 && ifx <= FIB_IFX_MAX;
}

/* Undo a half-done connected add: drop the LOCAL source again. */
static void local_unset(struct fib *fib, uint32_t addr)
{
	struct fib_route *r = route_find(fib, addr, 32);
	r->flags &= ~RF_LOCAL;
	fib->n_local--;
	if (!route_has_source(r))
		route_remove(fib, r);
}

static int local_set(struct fib *fib, uint32_t addr, uint8_t plen, uint16_t ifx)
{
	struct fib_route *r = route_get_or_add(fib, addr, 32);
	if (!r)
		return FIB_E_NOMEM;
	r->flags |= RF_LOCAL;
	r->local_ifx = ifx;
	r->local_plen = plen;
	fib->n_local++;
	return FIB_OK;
}

static int conn_ref(struct fib *fib, uint32_t net, uint8_t len, uint16_t ifx)
{
	struct fib_route *r = route_get_or_add(fib, net, len);
	if (!r)
		return FIB_E_NOMEM;
	if (!(r->flags & RF_CONN)) {
		r->flags |= RF_CONN;
		r->conn_ifx = ifx;
		fib->conn_len_n[len]++;
	}
	r->conn_refs++;
	return FIB_OK;
}

int fib_connected_add(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx)
{
	if (len > 32 || !ifx_valid(ifx))
		return FIB_E_INVAL;
	uint32_t net = addr & net_mask(len);
	bool subnet = len < 32;
	const struct fib_route *l = route_find(fib, addr, 32);
	const struct fib_route *c = subnet ? route_find(fib, net, len) : NULL;
	if (l && (l->flags & RF_LOCAL))
		return FIB_E_EXISTS; /* the address is already configured */
	if (c && (c->flags & RF_CONN) && c->conn_ifx != ifx)
		return FIB_E_EXISTS; /* the subnet belongs to another interface */

	int err = local_set(fib, addr, len, ifx);
	if (err)
		return err;
	if (subnet && (err = conn_ref(fib, net, len, ifx)) != FIB_OK) {
		local_unset(fib, addr);
		return err;
	}
	err = refresh_prefix(fib, addr, 32);
	if (subnet)
		keep_first_error(&err, refresh_prefix(fib, net, len));
	keep_first_error(&err, reresolve_after_connected(fib, net, len));
	return commit(fib, err);
}

int fib_connected_del(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx)
{
	if (len > 32 || !ifx_valid(ifx))
		return FIB_E_INVAL;
	uint32_t net = addr & net_mask(len);
	bool subnet = len < 32;
	struct fib_route *l = route_find(fib, addr, 32);
	struct fib_route *c = subnet ? route_find(fib, net, len) : NULL;
	if (!l || !(l->flags & RF_LOCAL) || l->local_ifx != ifx || l->local_plen != len)
		return FIB_E_NOENT;
	if (subnet && (!c || !(c->flags & RF_CONN) || c->conn_ifx != ifx))
		return FIB_E_NOENT;

	if (subnet && --c->conn_refs == 0) {
		c->flags &= ~RF_CONN;
		fib->conn_len_n[len]--;
	}
	l->flags &= ~RF_LOCAL;
	fib->n_local--;
	int err = refresh_prefix(fib, addr, 32); /* may remove l (and move c) */
	if (subnet)
		keep_first_error(&err, refresh_prefix(fib, net, len));
	keep_first_error(&err, reresolve_after_connected(fib, net, len));
	return commit(fib, err);
}

/* ---------------------------------------------------------------- static */

static bool nh_valid(const struct fib_nh *nh)
{
	return nh && (nh->kind == FIB_NH_IP || nh->kind == FIB_NH_NULL0);
}

/* Rule-2 paths of pfx/len before a static change, when anything could depend on them. */
static unsigned direct_before(const struct fib *fib, const struct fib_route *r,
                              struct fib_path *out)
{
	return r && fib->n_rec ? direct_paths(fib, r, out) : 0;
}

/* After a static change on pfx/len: refresh it, then its recursive dependents if needed. */
static int static_changed(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_path *before,
                          unsigned n_before)
{
	struct fib_path after[FIB_ECMP_MAX];
	int err = refresh_prefix(fib, pfx, len);
	if (fib->n_rec) {
		const struct fib_route *r = route_find(fib, pfx, len);
		unsigned n_after = r ? direct_paths(fib, r, after) : 0;
		if (!fib_paths_equal(before, n_before, after, n_after))
			keep_first_error(&err, reresolve_after_static(fib, pfx, len));
	}
	return commit(fib, err);
}

int fib_route_add(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh)
{
	if (!prefix_valid(pfx, len) || !nh_valid(nh))
		return FIB_E_INVAL;
	struct fib_route *r = route_find(fib, pfx, len);
	if (r && nh_index(r, nh) >= 0)
		return FIB_E_EXISTS;
	if (r && r->n_nh >= FIB_ECMP_MAX)
		return FIB_E_FULL;

	struct fib_path before[FIB_ECMP_MAX];
	unsigned n_before = direct_before(fib, r, before);
	if (!r && !(r = route_get_or_add(fib, pfx, len)))
		return FIB_E_NOMEM;
	int err = nh_append(fib, r, nh);
	if (err) {
		if (!route_has_source(r))
			route_remove(fib, r);
		return err;
	}
	return static_changed(fib, pfx, len, before, n_before);
}

int fib_route_del(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh)
{
	if (!prefix_valid(pfx, len) || (nh && !nh_valid(nh)))
		return FIB_E_INVAL;
	struct fib_route *r = route_find(fib, pfx, len);
	if (!r || !r->n_nh)
		return FIB_E_NOENT;
	int i = nh ? nh_index(r, nh) : 0;
	if (i < 0)
		return FIB_E_NOENT;

	struct fib_path before[FIB_ECMP_MAX];
	unsigned n_before = direct_before(fib, r, before);
	if (nh)
		nh_remove(fib, r, (unsigned)i);
	else
		nh_clear(fib, r);
	return static_changed(fib, pfx, len, before, n_before);
}

/* ---------------------------------------------------------------- data plane */

uint32_t fib_lookup(const struct fib *fib, uint32_t dst)
{
	return fib_lpm_lookup(fib->lpm, dst);
}

void fib_lookup_batch(const struct fib *fib, const uint32_t *dst, uint32_t *res, size_t n)
{
	fib_lpm_lookup_batch(fib->lpm, dst, res, n);
}

const struct fib_path *fib_path_select(const struct fib *fib, uint32_t res, uint32_t hash)
{
	const struct fib_group *g = fib_group_at(&fib->groups, res);
	if (!g)
		return NULL;
	return &g->paths[g->n == 1 ? 0 : hash % g->n];
}

struct fib_fwd *fib_fwd_build(const struct fib *fib)
{
	return fib_fwd_copy(fib->lpm, &fib->groups);
}

uint64_t fib_generation(const struct fib *fib)
{
	return fib->generation;
}

/* ---------------------------------------------------------------- introspection */

static uint8_t route_source(const struct fib_route *r)
{
	if (r->flags & RF_LOCAL)
		return FIB_SRC_LOCAL;
	if (r->flags & RF_CONN)
		return FIB_SRC_CONNECTED;
	return FIB_SRC_STATIC;
}

static void route_info_fill(const struct fib *fib, const struct fib_route *r,
                            struct fib_route_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->pfx = r->pfx;
	ri->len = r->len;
	ri->source = route_source(r);
	ri->active = r->group != 0;
	const struct fib_group *g = fib_group_at(&fib->groups, r->group);
	if (g) {
		ri->n_paths = g->n;
		memcpy(ri->paths, g->paths, g->n * sizeof(g->paths[0]));
	}
	ri->n_nh = r->n_nh;
	memcpy(ri->nh, route_nhs(r), r->n_nh * sizeof(ri->nh[0]));
}

int fib_walk(const struct fib *fib, int (*cb)(const struct fib_route_info *ri, void *arg),
             void *arg)
{
	struct fib_route_info ri;
	for (uint32_t bi = 0; bi < ROUTE_BUCKETS; bi++) {
		const struct fib_route_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++) {
			route_info_fill(fib, &b->v[i], &ri);
			int rc = cb(&ri, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

bool fib_route_get(const struct fib *fib, uint32_t pfx, uint8_t len, struct fib_route_info *ri)
{
	if (!prefix_valid(pfx, len))
		return false;
	const struct fib_route *r = route_find(fib, pfx, len);
	if (!r)
		return false;
	route_info_fill(fib, r, ri);
	return true;
}

bool fib_route_match(const struct fib *fib, uint32_t addr, struct fib_route_info *ri)
{
	for (uint64_t m = length_mask(fib->active_len_n); m;) {
		unsigned len = pop_longest(&m);
		const struct fib_route *r = route_find(fib, addr & net_mask(len), (uint8_t)len);
		if (r && r->group) {
			route_info_fill(fib, r, ri);
			return true;
		}
	}
	return false;
}

void fib_get_stats(const struct fib *fib, struct fib_stats *st)
{
	size_t lpm_total;
	memset(st, 0, sizeof(*st));
	st->routes = fib->n_routes;
	st->active = fib->n_active;
	st->groups = fib->groups.in_use;
	fib_lpm_mem(fib->lpm, &st->lpm_bytes, &lpm_total);
	st->total_bytes = sizeof(*fib) + ROUTE_BUCKETS * sizeof(*fib->buckets) + fib->route_bytes +
	                  fib->nh_bytes + fib->rec_cap * sizeof(*fib->rec) +
	                  fib_groups_bytes(&fib->groups) + lpm_total;
}
