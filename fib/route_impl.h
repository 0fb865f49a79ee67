/*
 * fib/route_impl.h - internal to fib/: the route table of one address family, shared by
 * the IPv4 FIB (fib.c) and the IPv6 FIB (fib6.c). Each of them includes it once, after
 * defining what differs between the families; everything here is static, so the two
 * expansions are separate code with the family's key width and strides built in (no
 * indirect calls, nothing slower for IPv4 than before IPv6 came).
 *
 * Routes live in RT_BUCKETS buckets, each sorted by (prefix, length): exact lookups are a
 * binary search in a small array. With RT_ORDERED the bucket is the prefix's top bits, so
 * walking the buckets in order gives the (prefix, length) order the walk promises (IPv4:
 * the top 16 bits); otherwise it is a hash of (prefix, length) and the walk sorts (IPv6,
 * whose tables put most prefixes under a few /32s, where top bits would not spread them).
 *
 * Next-hop resolution (FIB_NH_IP, "one level deep"), for next hop A of route R:
 *  0. A names its interface (IPv6 only, rt_nh_ifx() != 0): path GATEWAY A on it, while the
 *     interface is up (rt_if_down()); never recursive.
 *  1. A is an address of the gateway: unresolved (a route cannot point at ourselves).
 *  2. A is inside a connected subnet (the longest one): path GATEWAY A on its interface.
 *  3. Otherwise the longest static prefix S != R covering A that has at least one next hop
 *     resolving by rule 0 or 2: R gets S's direct paths (S's gateways).
 *  4. Otherwise unresolved.
 * Rules 2 and 3 depend only on connected subnets and static configuration, never on which
 * routes are active, so resolution has no cycles and no dependence on evaluation order.
 * A consequence worth knowing: a next hop inside a connected subnet is on-link even when a
 * more specific static route covers it.
 *
 * Keeping resolution current: a connected change re-resolves every static route with a
 * next hop inside the subnet plus every route that uses rule 3 (the "recursive set"); a
 * static change that alters a prefix's direct paths re-resolves the recursive routes with a
 * next hop inside that prefix. The recursive set is usually tiny, so a static route add is
 * a handful of binary searches plus one LPM chunk rebuild.
 *
 * What the including file defines first:
 *   RT_KEY            the key type (an address in host order, compared as a number)
 *   RT_MAXLEN         its width in bits
 *   RT_BUCKETS, RT_ORDERED   (above)
 *   RT_FIB, RT_PATH, RT_NH, RT_INFO   the family's struct names (fib, fib_path, ...)
 *   RT_LPM            the LPM's struct
 *   GT_(name)         the family's group table names (group.h)
 * and these functions: rt_key_mask(k, len), rt_key_cmp(a, b), rt_bucket(k, len),
 * rt_nh_same(a, b), rt_nh_key(nh), rt_nh_ifx(nh), rt_nh_clean(nh), rt_path_gw(k, ifx),
 * rt_key_pub(k) (the key as the info struct holds it), rt_lpm_create(), rt_lpm_destroy(),
 * rt_lpm_set(), rt_lpm_del(), rt_lpm_commit(), rt_lpm_staged(), rt_lpm_mem() (returns
 * the total, sets what lookups read). RT_NH_IFX, when defined, adds rt_if_set_down().
 */
/* No include guard: one expansion per family. */

#include <stdlib.h>
#include <string.h>

/* Up to FIB_ECMP_MAX next hops, each expanding to up to FIB_ECMP_MAX paths by rule 3. */
#define PATH_BUF (FIB_ECMP_MAX * FIB_ECMP_MAX)

enum route_flag {
	RF_LOCAL = 1, /* holds the LOCAL source */
	RF_CONN = 2,  /* holds the CONNECTED source */
	RF_REC = 4,   /* in the recursive set */
};

struct rt_route {
	RT_KEY pfx;
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
		struct RT_NH one;   /* n_nh == 1 */
		struct RT_NH *many; /* n_nh >= 2, exactly n_nh long */
	} nh;
};

struct rt_bucket {
	struct rt_route *v;
	uint32_t n, cap;
};

/* A route named by its key, for the recursive set (pointers move as buckets change). */
struct rt_ref {
	RT_KEY pfx;
	uint8_t len;
};

struct RT_FIB {
	struct rt_bucket *buckets;
	size_t n_routes, n_active, n_static, route_bytes, nh_bytes;
	uint32_t n_local;
	uint32_t conn_len_n[RT_MAXLEN + 1];   /* connected subnets per length */
	uint32_t static_len_n[RT_MAXLEN + 1]; /* prefixes with static next hops per length */
	uint32_t active_len_n[RT_MAXLEN + 1]; /* active routes per length */
	struct rt_ref *rec;                   /* the recursive set */
	uint32_t n_rec, rec_cap;
	struct GT_(groups) groups;
	struct RT_LPM *lpm;
	uint64_t generation;
#ifdef RT_NH_IFX
	uint64_t if_down[(FIB_IFX_MAX + 64) / 64]; /* rule 0: interfaces without the family */
#endif
};

/* ---------------------------------------------------------------- route storage */

static int ref_cmp(RT_KEY a_pfx, uint8_t a_len, RT_KEY b_pfx, uint8_t b_len)
{
	int c = rt_key_cmp(a_pfx, b_pfx);
	if (c)
		return c;
	return a_len < b_len ? -1 : a_len > b_len;
}

static bool same_prefix(const struct rt_route *r, RT_KEY pfx, uint8_t len)
{
	return r->len == len && rt_key_cmp(r->pfx, pfx) == 0;
}

static bool prefix_valid(RT_KEY pfx, uint8_t len)
{
	return len <= RT_MAXLEN && rt_key_cmp(rt_key_mask(pfx, len), pfx) == 0;
}

static bool key_within(RT_KEY a, RT_KEY pfx, uint8_t len)
{
	return rt_key_cmp(rt_key_mask(a, len), pfx) == 0;
}

static struct rt_bucket *bucket_of(const struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	return &fib->buckets[rt_bucket(pfx, len)];
}

/* First index in b whose (prefix, length) is >= (pfx, len). */
static uint32_t route_lower_bound(const struct rt_bucket *b, RT_KEY pfx, uint8_t len)
{
	uint32_t first = 0, n = b->n;
	while (n) {
		uint32_t half = n / 2;
		const struct rt_route *r = &b->v[first + half];
		if (ref_cmp(r->pfx, r->len, pfx, len) < 0) {
			first += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return first;
}

static struct rt_route *route_find(const struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	const struct rt_bucket *b = bucket_of(fib, pfx, len);
	uint32_t i = route_lower_bound(b, pfx, len);
	if (i < b->n && same_prefix(&b->v[i], pfx, len))
		return &b->v[i];
	return NULL;
}

static int bucket_grow(struct RT_FIB *fib, struct rt_bucket *b)
{
	uint32_t cap = b->cap ? b->cap * 2 : 2;
	struct rt_route *v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return FIB_E_NOMEM;
	fib->route_bytes += (cap - b->cap) * sizeof(*v);
	b->v = v;
	b->cap = cap;
	return FIB_OK;
}

/* The route for pfx/len, created empty (no source) when absent; NULL when out of memory.
 * Invalidates pointers to other routes of the same bucket. */
static struct rt_route *route_get_or_add(struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	struct rt_bucket *b = bucket_of(fib, pfx, len);
	uint32_t i = route_lower_bound(b, pfx, len);
	if (i < b->n && same_prefix(&b->v[i], pfx, len))
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

static bool route_has_source(const struct rt_route *r)
{
	return (r->flags & (RF_LOCAL | RF_CONN)) || r->n_nh;
}

/* Remove a route that has no source left (so no group, no next hops, not recursive). */
static void route_remove(struct RT_FIB *fib, struct rt_route *r)
{
	struct rt_bucket *b = bucket_of(fib, r->pfx, r->len);
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

static const struct RT_NH *route_nhs(const struct rt_route *r)
{
	return r->n_nh > 1 ? r->nh.many : &r->nh.one;
}

static int nh_index(const struct rt_route *r, const struct RT_NH *nh)
{
	const struct RT_NH *v = route_nhs(r);
	for (int i = 0; i < r->n_nh; i++)
		if (rt_nh_same(&v[i], nh))
			return i;
	return -1;
}

/* Resize the next-hop list to n entries, keeping the first min(n, n_nh). */
static int nh_resize(struct RT_FIB *fib, struct rt_route *r, unsigned n)
{
	unsigned old = r->n_nh;
	if (n <= 1 && old <= 1)
		return FIB_OK;
	if (n <= 1) {
		struct RT_NH *many = r->nh.many;
		if (n == 1)
			r->nh.one = many[0];
		free(many);
	} else if (old <= 1) {
		struct RT_NH *many = malloc(n * sizeof(*many));
		if (!many)
			return FIB_E_NOMEM;
		if (old == 1)
			many[0] = r->nh.one;
		r->nh.many = many;
	} else {
		struct RT_NH *many = realloc(r->nh.many, n * sizeof(*many));
		if (!many)
			return FIB_E_NOMEM;
		r->nh.many = many;
	}
	fib->nh_bytes = fib->nh_bytes - (old > 1 ? old : 0) * sizeof(struct RT_NH) +
	                (n > 1 ? n : 0) * sizeof(struct RT_NH);
	return FIB_OK;
}

static void static_count(struct RT_FIB *fib, const struct rt_route *r, int delta)
{
	fib->static_len_n[r->len] += (uint32_t)delta;
	fib->n_static += (size_t)delta;
}

static int nh_append(struct RT_FIB *fib, struct rt_route *r, const struct RT_NH *nh)
{
	int err = nh_resize(fib, r, r->n_nh + 1u);
	if (err)
		return err;
	struct RT_NH v = rt_nh_clean(nh);
	if (r->n_nh == 0) {
		r->nh.one = v;
		static_count(fib, r, 1);
	} else {
		r->nh.many[r->n_nh] = v;
	}
	r->n_nh++;
	return FIB_OK;
}

static void nh_remove(struct RT_FIB *fib, struct rt_route *r, unsigned i)
{
	if (r->n_nh > 1) {
		struct RT_NH *v = r->nh.many;
		memmove(&v[i], &v[i + 1], (r->n_nh - i - 1) * sizeof(*v));
	}
	/* Shrinking cannot fail: at worst realloc keeps the old block. */
	(void)nh_resize(fib, r, r->n_nh - 1u);
	r->n_nh--;
	if (r->n_nh == 0)
		static_count(fib, r, -1);
}

static void nh_clear(struct RT_FIB *fib, struct rt_route *r)
{
	if (!r->n_nh)
		return;
	(void)nh_resize(fib, r, 0);
	r->n_nh = 0;
	static_count(fib, r, -1);
}

/* A next hop that rules 2 and 3 resolve (so connected and static changes can move it). */
static bool nh_resolves_by_address(const struct RT_NH *nh)
{
	return nh->kind == FIB_NH_IP && !rt_nh_ifx(nh);
}

static bool nh_within(const struct rt_route *r, RT_KEY pfx, uint8_t len)
{
	const struct RT_NH *v = route_nhs(r);
	for (unsigned i = 0; i < r->n_nh; i++)
		if (nh_resolves_by_address(&v[i]) && key_within(rt_nh_key(&v[i]), pfx, len))
			return true;
	return false;
}

/* ---------------------------------------------------------------- resolution */

/* DIRECT_NEVER: unresolved and not for rule 3 (our own address, an interface down). */
enum direct_res { DIRECT_NONE, DIRECT_OK, DIRECT_NEVER };

static bool ifx_is_down(const struct RT_FIB *fib, uint16_t ifx)
{
#ifdef RT_NH_IFX
	return fib->if_down[ifx / 64] >> (ifx % 64) & 1;
#else
	(void)fib;
	(void)ifx;
	return false;
#endif
}

static bool is_local_addr(const struct RT_FIB *fib, RT_KEY a)
{
	if (!fib->n_local)
		return false;
	const struct rt_route *r = route_find(fib, a, RT_MAXLEN);
	return r && (r->flags & RF_LOCAL);
}

/* The longest length below `from` (exclusive) that has an entry in count[], -1 when none. */
static int next_len(const uint32_t count[RT_MAXLEN + 1], int from)
{
	while (--from >= 0)
		if (count[from])
			return from;
	return -1;
}

static const struct rt_route *conn_match(const struct RT_FIB *fib, RT_KEY a)
{
	for (int len = next_len(fib->conn_len_n, RT_MAXLEN + 1); len >= 0;
	     len = next_len(fib->conn_len_n, len)) {
		const struct rt_route *r =
		    route_find(fib, rt_key_mask(a, (unsigned)len), (uint8_t)len);
		if (r && (r->flags & RF_CONN))
			return r;
	}
	return NULL;
}

/* Rules 0, 1 and 2 of the header comment. */
static enum direct_res resolve_direct(const struct RT_FIB *fib, const struct RT_NH *nh, RT_PATH *p)
{
	RT_KEY a = rt_nh_key(nh);
	uint16_t ifx = rt_nh_ifx(nh);
	if (ifx) {
		if (ifx_is_down(fib, ifx))
			return DIRECT_NEVER;
		*p = rt_path_gw(a, ifx);
		return DIRECT_OK;
	}
	if (is_local_addr(fib, a))
		return DIRECT_NEVER;
	const struct rt_route *c = conn_match(fib, a);
	if (!c)
		return DIRECT_NONE;
	*p = rt_path_gw(a, c->conn_ifx);
	return DIRECT_OK;
}

/* The direct paths of a route's static next hops, in canonical order. */
static unsigned direct_paths(const struct RT_FIB *fib, const struct rt_route *r, RT_PATH *out)
{
	const struct RT_NH *v = route_nhs(r);
	unsigned n = 0;
	for (unsigned i = 0; i < r->n_nh; i++)
		if (v[i].kind == FIB_NH_IP && resolve_direct(fib, &v[i], &out[n]) == DIRECT_OK)
			n++;
	return GT_(paths_canonical)(out, n);
}

/* Rule 3: the gateways of the longest static prefix (other than self) covering a. */
static unsigned resolve_via_static(const struct RT_FIB *fib, const struct rt_route *self, RT_KEY a,
                                   RT_PATH *out)
{
	for (int len = next_len(fib->static_len_n, RT_MAXLEN + 1); len >= 0;
	     len = next_len(fib->static_len_n, len)) {
		const struct rt_route *s =
		    route_find(fib, rt_key_mask(a, (unsigned)len), (uint8_t)len);
		if (!s || s == self || !s->n_nh)
			continue;
		unsigned n = direct_paths(fib, s, out);
		if (n)
			return n;
	}
	return 0;
}

/* The static source's paths; *recursive tells whether any next hop needed rule 3 or 4. */
static unsigned static_paths(const struct RT_FIB *fib, const struct rt_route *r, RT_PATH *out,
                             bool *recursive)
{
	const struct RT_NH *v = route_nhs(r);
	unsigned n = 0;
	for (unsigned i = 0; i < r->n_nh; i++) {
		if (v[i].kind == FIB_NH_NULL0) {
			out[n++] = (RT_PATH){.type = FIB_PATH_DROP};
			continue;
		}
		enum direct_res d = resolve_direct(fib, &v[i], &out[n]);
		if (d == DIRECT_OK) {
			n++;
		} else if (d == DIRECT_NONE) {
			*recursive = true;
			n += resolve_via_static(fib, r, rt_nh_key(&v[i]), &out[n]);
		}
	}
	n = GT_(paths_canonical)(out, n);
	return n > FIB_ECMP_MAX ? FIB_ECMP_MAX : n;
}

/* The winning source's paths (0: inactive). */
static unsigned route_paths(const struct RT_FIB *fib, const struct rt_route *r, RT_PATH *out,
                            bool *recursive)
{
	*recursive = false;
	if (r->flags & RF_LOCAL) {
		out[0] = (RT_PATH){.type = FIB_PATH_LOCAL, .ifx = r->local_ifx};
		return 1;
	}
	if (r->flags & RF_CONN) {
		out[0] = (RT_PATH){.type = FIB_PATH_ATTACHED, .ifx = r->conn_ifx};
		return 1;
	}
	return static_paths(fib, r, out, recursive);
}

/* ---------------------------------------------------------------- installing routes */

static void active_count(struct RT_FIB *fib, const struct rt_route *r, int delta)
{
	fib->active_len_n[r->len] += (uint32_t)delta;
	fib->n_active += (size_t)delta;
}

/* Point the route at the group of paths[0..n) and stage the LPM change. */
static int route_install(struct RT_FIB *fib, struct rt_route *r, const RT_PATH *paths, unsigned n)
{
	uint32_t gid = 0;
	if (n) {
		int err = GT_(group_get)(&fib->groups, paths, n, &gid);
		if (err)
			return err;
	}
	if (gid != r->group) {
		int err = gid ? rt_lpm_set(fib->lpm, r->pfx, r->len, gid)
		              : rt_lpm_del(fib->lpm, r->pfx, r->len);
		if (err) {
			if (gid)
				GT_(group_put)(&fib->groups, gid);
			return err;
		}
		if (!r->group || !gid)
			active_count(fib, r, gid ? 1 : -1);
	}
	if (r->group)
		GT_(group_put)(&fib->groups, r->group); /* after the get: a shared group survives */
	r->group = gid;
	return FIB_OK;
}

static int rec_add(struct RT_FIB *fib, struct rt_route *r)
{
	if (fib->n_rec == fib->rec_cap) {
		uint32_t cap = fib->rec_cap ? fib->rec_cap * 2 : 16;
		struct rt_ref *v = realloc(fib->rec, cap * sizeof(*v));
		if (!v)
			return FIB_E_NOMEM;
		fib->rec = v;
		fib->rec_cap = cap;
	}
	r->rec_idx = fib->n_rec;
	fib->rec[fib->n_rec++] = (struct rt_ref){r->pfx, r->len};
	r->flags |= RF_REC;
	return FIB_OK;
}

static void rec_del(struct RT_FIB *fib, struct rt_route *r)
{
	struct rt_ref last = fib->rec[--fib->n_rec];
	if (r->rec_idx != fib->n_rec) {
		fib->rec[r->rec_idx] = last;
		route_find(fib, last.pfx, last.len)->rec_idx = r->rec_idx;
	}
	r->flags &= ~RF_REC;
}

static int rec_update(struct RT_FIB *fib, struct rt_route *r, bool recursive)
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
static int route_refresh(struct RT_FIB *fib, struct rt_route *r)
{
	RT_PATH paths[PATH_BUF];
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

static int refresh_prefix(struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	struct rt_route *r = route_find(fib, pfx, len);
	return r ? route_refresh(fib, r) : FIB_OK;
}

static void keep_first_error(int *err, int e)
{
	if (!*err)
		*err = e;
}

/* After a connected change on pfx/len. Routes with next hops are never removed here. */
static int reresolve_after_connected(struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	int err = FIB_OK;
	if (!fib->n_static)
		return err;
	for (uint32_t bi = 0; bi < RT_BUCKETS; bi++) {
		struct rt_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++) {
			struct rt_route *r = &b->v[i];
			if (r->n_nh && ((r->flags & RF_REC) || nh_within(r, pfx, len)))
				keep_first_error(&err, route_refresh(fib, r));
		}
	}
	return err;
}

/*
 * After the direct paths of static prefix pfx/len changed: recursive routes with a next hop
 * inside it may resolve differently. Walking backwards keeps the walk valid when a route
 * leaves the set (the last element, already visited, moves into its slot).
 */
static int reresolve_after_static(struct RT_FIB *fib, RT_KEY pfx, uint8_t len)
{
	int err = FIB_OK;
	for (uint32_t i = fib->n_rec; i-- > 0;) {
		if (i >= fib->n_rec)
			continue;
		struct rt_ref ref = fib->rec[i];
		struct rt_route *r = route_find(fib, ref.pfx, ref.len);
		if (ref_cmp(ref.pfx, ref.len, pfx, len) != 0 && nh_within(r, pfx, len))
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
static int commit(struct RT_FIB *fib, int err)
{
	bool staged = rt_lpm_staged(fib->lpm);
	int cerr = rt_lpm_commit(fib->lpm);
	if (staged)
		fib->generation++;
	return err ? err : cerr;
}

/* ---------------------------------------------------------------- lifecycle */

static struct RT_FIB *rt_create(void)
{
	struct RT_FIB *fib = calloc(1, sizeof(*fib));
	if (!fib)
		return NULL;
	fib->buckets = calloc(RT_BUCKETS, sizeof(*fib->buckets));
	fib->lpm = rt_lpm_create();
	if (!fib->buckets || !fib->lpm || GT_(groups_init)(&fib->groups)) {
		GT_(groups_fini)(&fib->groups);
		rt_lpm_destroy(fib->lpm);
		free(fib->buckets);
		free(fib);
		return NULL;
	}
	return fib;
}

static void rt_destroy(struct RT_FIB *fib)
{
	if (!fib)
		return;
	for (uint32_t bi = 0; bi < RT_BUCKETS; bi++) {
		struct rt_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++)
			if (b->v[i].n_nh > 1)
				free(b->v[i].nh.many);
		free(b->v);
	}
	free(fib->buckets);
	free(fib->rec);
	GT_(groups_fini)(&fib->groups);
	rt_lpm_destroy(fib->lpm);
	free(fib);
}

/* ---------------------------------------------------------------- connected */

static bool ifx_valid(uint16_t ifx)
{
	return ifx >= 1 && ifx <= FIB_IFX_MAX;
}

/* Undo a half-done connected add: drop the LOCAL source again. */
static void local_unset(struct RT_FIB *fib, RT_KEY addr)
{
	struct rt_route *r = route_find(fib, addr, RT_MAXLEN);
	r->flags &= ~RF_LOCAL;
	fib->n_local--;
	if (!route_has_source(r))
		route_remove(fib, r);
}

static int local_set(struct RT_FIB *fib, RT_KEY addr, uint8_t plen, uint16_t ifx)
{
	struct rt_route *r = route_get_or_add(fib, addr, RT_MAXLEN);
	if (!r)
		return FIB_E_NOMEM;
	r->flags |= RF_LOCAL;
	r->local_ifx = ifx;
	r->local_plen = plen;
	fib->n_local++;
	return FIB_OK;
}

static int conn_ref(struct RT_FIB *fib, RT_KEY net, uint8_t len, uint16_t ifx)
{
	struct rt_route *r = route_get_or_add(fib, net, len);
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

/* An interface address addr/len (len <= RT_MAXLEN, ifx valid: the caller checks). */
static int rt_connected_add(struct RT_FIB *fib, RT_KEY addr, uint8_t len, uint16_t ifx)
{
	RT_KEY net = rt_key_mask(addr, len);
	bool subnet = len < RT_MAXLEN;
	const struct rt_route *l = route_find(fib, addr, RT_MAXLEN);
	const struct rt_route *c = subnet ? route_find(fib, net, len) : NULL;
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
	err = refresh_prefix(fib, addr, RT_MAXLEN);
	if (subnet)
		keep_first_error(&err, refresh_prefix(fib, net, len));
	keep_first_error(&err, reresolve_after_connected(fib, net, len));
	return commit(fib, err);
}

static int rt_connected_del(struct RT_FIB *fib, RT_KEY addr, uint8_t len, uint16_t ifx)
{
	RT_KEY net = rt_key_mask(addr, len);
	bool subnet = len < RT_MAXLEN;
	struct rt_route *l = route_find(fib, addr, RT_MAXLEN);
	struct rt_route *c = subnet ? route_find(fib, net, len) : NULL;
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
	int err = refresh_prefix(fib, addr, RT_MAXLEN); /* may remove l (and move c) */
	if (subnet)
		keep_first_error(&err, refresh_prefix(fib, net, len));
	keep_first_error(&err, reresolve_after_connected(fib, net, len));
	return commit(fib, err);
}

/* ---------------------------------------------------------------- static */

/* Direct paths of pfx/len before a static change, when anything could depend on them. */
static unsigned direct_before(const struct RT_FIB *fib, const struct rt_route *r, RT_PATH *out)
{
	return r && fib->n_rec ? direct_paths(fib, r, out) : 0;
}

/* After a change of pfx/len's static next hops or their interfaces: refresh it, then its
 * recursive dependents when its direct paths moved. No commit. */
static int static_refresh(struct RT_FIB *fib, RT_KEY pfx, uint8_t len, const RT_PATH *before,
                          unsigned n_before)
{
	RT_PATH after[FIB_ECMP_MAX];
	int err = refresh_prefix(fib, pfx, len);
	if (fib->n_rec) {
		const struct rt_route *r = route_find(fib, pfx, len);
		unsigned n_after = r ? direct_paths(fib, r, after) : 0;
		if (!GT_(paths_equal)(before, n_before, after, n_after))
			keep_first_error(&err, reresolve_after_static(fib, pfx, len));
	}
	return err;
}

/* One static next hop (prefix and next hop valid: the caller checks). */
static int rt_route_add(struct RT_FIB *fib, RT_KEY pfx, uint8_t len, const struct RT_NH *nh)
{
	struct rt_route *r = route_find(fib, pfx, len);
	if (r && nh_index(r, nh) >= 0)
		return FIB_E_EXISTS;
	if (r && r->n_nh >= FIB_ECMP_MAX)
		return FIB_E_FULL;

	RT_PATH before[FIB_ECMP_MAX];
	unsigned n_before = direct_before(fib, r, before);
	if (!r && !(r = route_get_or_add(fib, pfx, len)))
		return FIB_E_NOMEM;
	int err = nh_append(fib, r, nh);
	if (err) {
		if (!route_has_source(r))
			route_remove(fib, r);
		return err;
	}
	return commit(fib, static_refresh(fib, pfx, len, before, n_before));
}

static int rt_route_del(struct RT_FIB *fib, RT_KEY pfx, uint8_t len, const struct RT_NH *nh)
{
	struct rt_route *r = route_find(fib, pfx, len);
	if (!r || !r->n_nh)
		return FIB_E_NOENT;
	int i = nh ? nh_index(r, nh) : 0;
	if (i < 0)
		return FIB_E_NOENT;

	RT_PATH before[FIB_ECMP_MAX];
	unsigned n_before = direct_before(fib, r, before);
	if (nh)
		nh_remove(fib, r, (unsigned)i);
	else
		nh_clear(fib, r);
	return commit(fib, static_refresh(fib, pfx, len, before, n_before));
}

#ifdef RT_NH_IFX
static bool nh_names_ifx(const struct rt_route *r, uint16_t ifx)
{
	const struct RT_NH *v = route_nhs(r);
	for (unsigned i = 0; i < r->n_nh; i++)
		if (v[i].kind == FIB_NH_IP && rt_nh_ifx(&v[i]) == ifx)
			return true;
	return false;
}

/* Rule 0 follows the interface: refresh every route with a next hop naming it. Refreshing
 * never removes a route with next hops, so the bucket walk stays valid. */
static int rt_if_set_down(struct RT_FIB *fib, uint16_t ifx, bool down)
{
	if (!ifx_valid(ifx) || ifx_is_down(fib, ifx) == down)
		return FIB_OK;
	uint64_t bit = 1ull << (ifx % 64);
	fib->if_down[ifx / 64] =
	    down ? fib->if_down[ifx / 64] | bit : fib->if_down[ifx / 64] & ~bit;
	int err = FIB_OK;
	for (uint32_t bi = 0; fib->n_static && bi < RT_BUCKETS; bi++) {
		struct rt_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++) {
			struct rt_route *r = &b->v[i];
			if (!r->n_nh || !nh_names_ifx(r, ifx))
				continue;
			RT_PATH before[FIB_ECMP_MAX];
			/* with this interface's old state: flip it back for a moment */
			fib->if_down[ifx / 64] ^= bit;
			unsigned n_before = direct_before(fib, r, before);
			fib->if_down[ifx / 64] ^= bit;
			keep_first_error(&err,
			                 static_refresh(fib, r->pfx, r->len, before, n_before));
		}
	}
	return commit(fib, err);
}
#endif

/* ---------------------------------------------------------------- introspection */

static uint8_t route_source(const struct rt_route *r)
{
	if (r->flags & RF_LOCAL)
		return FIB_SRC_LOCAL;
	if (r->flags & RF_CONN)
		return FIB_SRC_CONNECTED;
	return FIB_SRC_STATIC;
}

static void route_info_fill(const struct RT_FIB *fib, const struct rt_route *r, struct RT_INFO *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->pfx = rt_key_pub(r->pfx);
	ri->len = r->len;
	ri->source = route_source(r);
	ri->active = r->group != 0;
	const struct GT_(group) *g = GT_(group_at)(&fib->groups, r->group);
	if (g) {
		ri->n_paths = g->n;
		memcpy(ri->paths, g->paths, g->n * sizeof(g->paths[0]));
	}
	ri->n_nh = r->n_nh;
	memcpy(ri->nh, route_nhs(r), r->n_nh * sizeof(ri->nh[0]));
}

typedef int (*rt_walk_cb)(const struct RT_INFO *ri, void *arg);

#if RT_ORDERED
static int rt_walk(const struct RT_FIB *fib, rt_walk_cb cb, void *arg)
{
	struct RT_INFO ri;
	for (uint32_t bi = 0; bi < RT_BUCKETS; bi++) {
		const struct rt_bucket *b = &fib->buckets[bi];
		for (uint32_t i = 0; i < b->n; i++) {
			route_info_fill(fib, &b->v[i], &ri);
			int rc = cb(&ri, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}
#else
static int route_ptr_cmp(const void *a, const void *b)
{
	const struct rt_route *x = *(const struct rt_route *const *)a;
	const struct rt_route *y = *(const struct rt_route *const *)b;
	return ref_cmp(x->pfx, x->len, y->pfx, y->len);
}

/* Hashed buckets: the routes sorted first (a show command's cost, O(n log n)). */
static int rt_walk(const struct RT_FIB *fib, rt_walk_cb cb, void *arg)
{
	const struct rt_route **v = malloc((fib->n_routes ? fib->n_routes : 1) * sizeof(*v));
	if (!v)
		return FIB_E_NOMEM;
	size_t n = 0;
	for (uint32_t bi = 0; bi < RT_BUCKETS; bi++)
		for (uint32_t i = 0; i < fib->buckets[bi].n; i++)
			v[n++] = &fib->buckets[bi].v[i];
	qsort(v, n, sizeof(*v), route_ptr_cmp);
	struct RT_INFO ri;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		route_info_fill(fib, v[i], &ri);
		rc = cb(&ri, arg);
	}
	free(v);
	return rc;
}
#endif

static bool rt_route_get(const struct RT_FIB *fib, RT_KEY pfx, uint8_t len, struct RT_INFO *ri)
{
	if (!prefix_valid(pfx, len))
		return false;
	const struct rt_route *r = route_find(fib, pfx, len);
	if (!r)
		return false;
	route_info_fill(fib, r, ri);
	return true;
}

static bool rt_route_match(const struct RT_FIB *fib, RT_KEY addr, struct RT_INFO *ri)
{
	for (int len = next_len(fib->active_len_n, RT_MAXLEN + 1); len >= 0;
	     len = next_len(fib->active_len_n, len)) {
		const struct rt_route *r =
		    route_find(fib, rt_key_mask(addr, (unsigned)len), (uint8_t)len);
		if (r && r->group) {
			route_info_fill(fib, r, ri);
			return true;
		}
	}
	return false;
}

static void rt_get_stats(const struct RT_FIB *fib, struct fib_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->routes = fib->n_routes;
	st->active = fib->n_active;
	st->groups = fib->groups.in_use;
	size_t lpm_total = rt_lpm_mem(fib->lpm, &st->lpm_bytes);
	st->total_bytes = sizeof(*fib) + RT_BUCKETS * sizeof(*fib->buckets) + fib->route_bytes +
	                  fib->nh_bytes + fib->rec_cap * sizeof(*fib->rec) +
	                  GT_(groups_bytes)(&fib->groups) + lpm_total;
}
