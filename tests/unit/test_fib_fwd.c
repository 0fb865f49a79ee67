/*
 * test_fib_fwd.c - the lookup-only copy of a FIB (fib_fwd_*, fib.h) and fib_generation().
 *
 * The copy must give the FIB's path (type, ifx, nh) for every address and every hash, on
 * random tables that hold every kind of path (local, attached, gateway, null0, recursive,
 * ECMP) and whose group ids have turned sparse; it must not change when the FIB does, nor
 * when the FIB is destroyed; an empty FIB gives an all-miss copy; the generation moves on
 * every change a lookup could see and on nothing else.
 *
 * FIB_TEST_PREFIXES (default 100000) and FIB_TEST_ADDRS (default 1000000) size the random
 * tests as in test_fib.c (smaller for valgrind); FIB_TEST_SEED perturbs the fixed seeds.
 */
#include "common/net.h"
#include "cu_main.h"
#include "fib/fib.h"
#include "fib_testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* Same path, or both NULL. */
static bool path_same(const struct fib_path *a, const struct fib_path *b)
{
	if (!a || !b)
		return a == b;
	return a->type == b->type && a->ifx == b->ifx && a->nh == b->nh;
}

static const struct fib_path *fib_path_of(const struct fib *fib, uint32_t dst, uint32_t hash)
{
	uint32_t res = fib_lookup(fib, dst);
	return res == FIB_LOOKUP_MISS ? NULL : fib_path_select(fib, res, hash);
}

static const struct fib_path *fwd_path_of(const struct fib_fwd *f, uint32_t dst, uint32_t hash)
{
	uint32_t res = fib_fwd_lookup(f, dst);
	return res == FIB_LOOKUP_MISS ? NULL : fib_fwd_path_select(f, res, hash);
}

/* ---------------------------------------------------------------- random tables */

/*
 * Interfaces 1..T_IFACES have the connected subnets 100.64.i.0/24 with T_GWS_PER_IF
 * gateways each; anchor routes 172.16.k.0/24 (one gateway each) let next hops 172.16.k.5
 * resolve recursively. Random routes take 1..4 next hops: mostly gateways (so ECMP groups
 * of many shapes), some null0, a few recursive.
 */
#define T_IFACES     8
#define T_GWS_PER_IF 4
#define T_GWS        (T_IFACES * T_GWS_PER_IF)
#define T_ANCHORS    8

struct table {
	uint32_t *pfx;
	uint8_t *len;
	size_t n, cap;
};

static uint32_t t_gw(uint32_t k)
{
	return ip(100, 64, k % T_IFACES, 10 + k / T_IFACES);
}

static uint32_t t_anchor(uint32_t k)
{
	return ip(172, 16, k, 0);
}

/* Mostly /16../24, some /25../32, a few /8../15, rarely /0../7 (as in test_fib.c). */
static uint8_t random_len(void)
{
	unsigned r = rnd() % 100;
	if (rnd() % 10000 == 0)
		return (uint8_t)(rnd() % 8);
	if (r < 50)
		return 24;
	if (r < 85)
		return (uint8_t)(16 + rnd() % 8);
	if (r < 95)
		return (uint8_t)(25 + rnd() % 8);
	return (uint8_t)(8 + rnd() % 8);
}

/* Recursive next hops are rare, as in real configurations: the FIB re-resolves its whole
 * recursive set whenever a static prefix's own gateways change. */
static struct fib_nh random_nh(void)
{
	uint32_t r = rnd() % 1000;
	if (r < 50)
		return nh_null0();
	if (r < 52)
		return nh_ip(t_anchor(rnd() % T_ANCHORS) | 5);
	return nh_ip(t_gw(rnd() % T_GWS));
}

static bool table_init(struct table *t, size_t cap)
{
	t->pfx = malloc(cap * sizeof(*t->pfx));
	t->len = malloc(cap);
	t->n = 0;
	t->cap = cap;
	return t->pfx && t->len;
}

static void table_free(struct table *t)
{
	free(t->pfx);
	free(t->len);
}

/* Add n random routes; returns how many calls failed otherwise than by a duplicate next
 * hop or a full group (random prefixes repeat now and then). */
static uint32_t add_random_routes(struct fib *fib, struct table *t, size_t n)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < n && t->n < t->cap; i++) {
		uint8_t len = random_len();
		uint32_t pfx = rnd() & net_mask(len), k = 1 + rnd() % 4;
		for (uint32_t j = 0; j < k; j++) {
			struct fib_nh nh = random_nh();
			int rc = fib_route_add(fib, pfx, len, &nh);
			bad += rc != FIB_OK && rc != FIB_E_EXISTS && rc != FIB_E_FULL;
		}
		t->pfx[t->n] = pfx;
		t->len[t->n++] = len;
	}
	return bad;
}

/* The fixed part of every random table: connected subnets (a /24 per interface, a /32 and
 * a /31 besides) and the anchors. Returns the number of failed calls. */
static uint32_t add_base(struct fib *fib)
{
	uint32_t bad = 0;
	for (unsigned i = 0; i < T_IFACES; i++)
		bad += fib_connected_add(fib, ip(100, 64, i, 1), 24, (uint16_t)(i + 1)) != FIB_OK;
	bad += fib_connected_add(fib, ip(192, 0, 2, 1), 32, 20) != FIB_OK;
	bad += fib_connected_add(fib, ip(198, 51, 100, 0), 31, 21) != FIB_OK;
	for (unsigned k = 0; k < T_ANCHORS; k++) {
		struct fib_nh nh = nh_ip(t_gw(k * 3));
		bad += fib_route_add(fib, t_anchor(k), 24, &nh) != FIB_OK;
	}
	return bad;
}

/* Delete the routes of every `step`-th table entry (a prefix drawn twice may be gone). */
static uint32_t del_routes(struct fib *fib, const struct table *t, size_t from, size_t step)
{
	uint32_t bad = 0;
	for (size_t i = from; i < t->n; i += step) {
		int rc = fib_route_del(fib, t->pfx[i], t->len[i], NULL);
		bad += rc != FIB_OK && rc != FIB_E_NOENT;
	}
	return bad;
}

/* n_random random addresses, then the first and last address of every table prefix and
 * their outside neighbours. */
static uint32_t *test_addresses(const struct table *t, size_t n_random, size_t *n)
{
	*n = n_random + 4 * t->n;
	uint32_t *a = malloc(*n * sizeof(*a));
	if (!a)
		return NULL;
	for (size_t i = 0; i < n_random; i++)
		a[i] = rnd();
	uint32_t *e = a + n_random;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t first = t->pfx[i], last = first | ~net_mask(t->len[i]);
		*e++ = first;
		*e++ = last;
		*e++ = first - 1;
		*e++ = last + 1;
	}
	return a;
}

/* ---------------------------------------------------------------- comparing */

struct cmp_stats {
	uint32_t bad;         /* addresses where the copy and the FIB disagree */
	uint32_t max_fib_res; /* highest result fib_lookup() gave */
	uint32_t max_fwd_res; /* highest result fib_fwd_lookup() gave */
	uint32_t hits, ecmp;  /* non-miss addresses; of those, with several paths */
};

/*
 * Compare the copy with the FIB at every address, for hashes 0..15 (every choice in a group
 * of up to FIB_ECMP_MAX paths), all-ones and a random one. The copy's results come from
 * batches of odd sizes (the pipeline's fill and drain) and must equal its single lookups;
 * so must the paths of fib_fwd_route_batch() (a hash of its own per address).
 */
static void compare(const struct fib *fib, const struct fib_fwd *f, const uint32_t *a, size_t n,
                    struct cmp_stats *cs)
{
	static const size_t sizes[] = {1, 7, 16, 31, 33, 256, 600};
	uint32_t res[600], hashes[600];
	const struct fib_path *paths[600];
	memset(cs, 0, sizeof(*cs));
	for (size_t i = 0, k = 0; i < n; k++) {
		size_t m = sizes[k % 7] < n - i ? sizes[k % 7] : n - i;
		fib_fwd_lookup_batch(f, &a[i], res, m);
		for (size_t j = 0; j < m; j++)
			hashes[j] = rnd();
		fib_fwd_route_batch(f, &a[i], hashes, paths, m);
		for (size_t j = 0; j < m; j++) {
			uint32_t d = a[i + j], r1 = fib_lookup(fib, d), r2 = fib_fwd_lookup(f, d);
			bool ok =
			    res[j] == r2 && (r1 == FIB_LOOKUP_MISS) == (r2 == FIB_LOOKUP_MISS) &&
			    path_same(paths[j], r1 ? fib_path_select(fib, r1, hashes[j]) : NULL);
			for (uint32_t h = 0; h < 18 && ok; h++) {
				uint32_t hash = h < 16 ? h : h == 16 ? 0xffffffffu : rnd();
				const struct fib_path *p1 =
				    r1 ? fib_path_select(fib, r1, hash) : NULL;
				const struct fib_path *p2 =
				    r2 ? fib_fwd_path_select(f, r2, hash) : NULL;
				ok = path_same(p1, p2) && (!r1 || p1);
			}
			if (!ok && cs->bad++ < 5)
				fprintf(stderr, "fwd %08x: fib res %u, copy %u (batch %u)\n", d, r1,
				        r2, res[j]);
			cs->max_fib_res = r1 > cs->max_fib_res ? r1 : cs->max_fib_res;
			cs->max_fwd_res = r2 > cs->max_fwd_res ? r2 : cs->max_fwd_res;
			cs->hits += r2 != FIB_LOOKUP_MISS;
			cs->ecmp += r1 && !path_same(fib_path_select(fib, r1, 0),
			                             fib_path_select(fib, r1, 1));
		}
		i += m;
	}
}

/* ---------------------------------------------------------------- tests */

static void test_equivalence(void)
{
	size_t n_pfx = env_size("FIB_TEST_PREFIXES", 100000);
	size_t n_random = env_size("FIB_TEST_ADDRS", 1000000);
	struct fib *fib = fib_create();
	struct table t;
	bool t_ok = table_init(&t, n_pfx);
	CU_ASSERT_FATAL(fib && t_ok);
	rng_seed(0x5eed0f1bf0d00001ull);
	CU_ASSERT_EQUAL(add_base(fib), 0);
	CU_ASSERT_EQUAL(add_random_routes(fib, &t, n_pfx), 0);
	/* Churn, so that group ids turn sparse and resolution has moved: drop a fifth of the
	 * routes and one interface's subnet (its gateways' routes lose those paths). */
	CU_ASSERT_EQUAL(del_routes(fib, &t, 0, 5), 0);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(100, 64, 7, 1), 24, 8), FIB_OK);

	struct fib_fwd *f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	size_t n;
	uint32_t *a = test_addresses(&t, n_random, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct cmp_stats cs;
	compare(fib, f, a, n, &cs);
	CU_ASSERT_EQUAL(cs.bad, 0);
	/* The test covered what it is about: most addresses hit, ECMP groups, sparse ids. */
	CU_ASSERT(cs.hits > n / 2);
	CU_ASSERT(cs.ecmp > n / 10);
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT(st.groups > 1000);
	CU_ASSERT(cs.max_fib_res > st.groups);
	/* The copy numbers only the live groups, and holds little beyond the lookup arrays
	 * and their paths (each part rounded to a cache line). */
	CU_ASSERT(cs.max_fwd_res <= st.groups);
	CU_ASSERT(fib_fwd_bytes(f) <=
	          st.lpm_bytes + (st.groups + 1) * (8 + FIB_ECMP_MAX * sizeof(struct fib_path)) +
	              256);
	CU_ASSERT(fib_fwd_bytes(f) < st.total_bytes / 2);

	free(a);
	fib_fwd_free(f);
	table_free(&t);
	fib_destroy(fib);
}

/* The paths for hashes 0..3 of every address, as the FIB gives them now (type 0: miss). */
#define SNAP_HASHES 4

static void record_paths(const struct fib *fib, const uint32_t *a, size_t n, struct fib_path *out)
{
	for (size_t i = 0; i < n; i++) {
		for (uint32_t h = 0; h < SNAP_HASHES; h++) {
			const struct fib_path *p = fib_path_of(fib, a[i], h);
			out[i * SNAP_HASHES + h] = p ? *p : (struct fib_path){0};
		}
	}
}

/* Addresses where the copy's paths differ from the recorded ones. */
static uint32_t fwd_differs(const struct fib_fwd *f, const uint32_t *a, size_t n,
                            const struct fib_path *want)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		bool ok = true;
		for (uint32_t h = 0; h < SNAP_HASHES; h++) {
			const struct fib_path *w = &want[i * SNAP_HASHES + h];
			ok = ok && path_same(fwd_path_of(f, a[i], h), w->type ? w : NULL);
		}
		bad += !ok;
	}
	return bad;
}

static uint32_t fib_differs(const struct fib *fib, const uint32_t *a, size_t n,
                            const struct fib_path *want)
{
	uint32_t diff = 0;
	for (size_t i = 0; i < n; i++) {
		bool same = true;
		for (uint32_t h = 0; h < SNAP_HASHES; h++) {
			const struct fib_path *w = &want[i * SNAP_HASHES + h];
			same = same && path_same(fib_path_of(fib, a[i], h), w->type ? w : NULL);
		}
		diff += !same;
	}
	return diff;
}

static void test_snapshot_independent(void)
{
	size_t n_pfx = env_size("FIB_TEST_PREFIXES", 100000) / 5 + 1;
	size_t n_random = env_size("FIB_TEST_ADDRS", 1000000) / 5 + 1;
	struct fib *fib = fib_create();
	struct table t;
	bool t_ok = table_init(&t, 2 * n_pfx);
	CU_ASSERT_FATAL(fib && t_ok);
	rng_seed(0x5eed0f1bf0d00002ull);
	CU_ASSERT_EQUAL(add_base(fib), 0);
	CU_ASSERT_EQUAL(add_random_routes(fib, &t, n_pfx), 0);

	struct fib_fwd *f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	size_t n;
	uint32_t *a = test_addresses(&t, n_random, &n);
	struct fib_path *want = malloc(n * SNAP_HASHES * sizeof(*want));
	CU_ASSERT_FATAL(a && want);
	record_paths(fib, a, n, want);
	CU_ASSERT_EQUAL(fwd_differs(f, a, n, want), 0);

	/* Change much of the FIB: half the routes go, as many new ones come, half the
	 * interfaces lose their subnet, and one subnet moves to another interface. */
	uint64_t gen = fib_generation(fib);
	CU_ASSERT_EQUAL(del_routes(fib, &t, 0, 2), 0);
	CU_ASSERT_EQUAL(add_random_routes(fib, &t, n_pfx), 0);
	for (unsigned i = 0; i < T_IFACES / 2; i++)
		CU_ASSERT_EQUAL(fib_connected_del(fib, ip(100, 64, i, 1), 24, (uint16_t)(i + 1)),
		                FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(100, 64, 0, 1), 24, 30), FIB_OK);
	CU_ASSERT_NOT_EQUAL(fib_generation(fib), gen);
	CU_ASSERT(fib_differs(fib, a, n, want) > n / 10); /* the FIB did change */
	CU_ASSERT_EQUAL(fwd_differs(f, a, n, want), 0);   /* the copy did not */

	/* A new copy follows the FIB; the old one survives the FIB itself. */
	struct fib_fwd *f2 = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f2);
	struct cmp_stats cs;
	compare(fib, f2, a, n, &cs);
	CU_ASSERT_EQUAL(cs.bad, 0);
	fib_destroy(fib);
	CU_ASSERT_EQUAL(fwd_differs(f, a, n, want), 0);

	free(want);
	free(a);
	fib_fwd_free(f);
	fib_fwd_free(f2);
	table_free(&t);
}

/* Every address of a copy misses (sampled, plus the ends of the space and every /8). */
static uint32_t fwd_hits(const struct fib_fwd *f)
{
	uint32_t a[1024], res[1024], hits = 0;
	for (size_t i = 0; i < 1024; i++)
		a[i] = i < 256 ? (uint32_t)i << 24 : i == 256 ? 0xffffffffu : rnd();
	fib_fwd_lookup_batch(f, a, res, 1024);
	for (size_t i = 0; i < 1024; i++)
		hits += (res[i] != FIB_LOOKUP_MISS) + (fib_fwd_lookup(f, a[i]) != FIB_LOOKUP_MISS);
	return hits;
}

static void test_empty(void)
{
	rng_seed(0x5eed0f1bf0d00003ull);
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	struct fib_fwd *f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwd_hits(f), 0);
	CU_ASSERT_PTR_NULL(fib_fwd_path_select(f, FIB_LOOKUP_MISS, 0));
	CU_ASSERT_PTR_NULL(fib_fwd_path_select(f, 1, 0)); /* no group at all */
	/* An empty copy is its direct table (1 MiB) and next to nothing else. */
	CU_ASSERT(fib_fwd_bytes(f) >= (1u << 20) && fib_fwd_bytes(f) < (1u << 20) + 4096);
	fib_fwd_free(f);

	/* Emptied again after routes of every kind: all misses too, and no group left. */
	struct fib_nh gw = nh_ip(ip(10, 0, 0, 2)), null0 = nh_null0();
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, 0, 0, &gw), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &null0), FIB_OK);
	f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwd_hits(f), 2048); /* the default route: every address hits */
	fib_fwd_free(f);
	CU_ASSERT_EQUAL(fib_route_del(fib, 0, 0, NULL), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, NULL), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwd_hits(f), 0);
	CU_ASSERT_PTR_NULL(fib_fwd_path_select(f, 1, 0));
	fib_fwd_free(f);
	fib_destroy(fib);

	fib_fwd_free(NULL);
	CU_ASSERT_EQUAL(fib_fwd_bytes(NULL), 0);
}

/* Every kind of path, ECMP selection by hash, and a copy built after each change. */
static void test_paths(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 1, 1), 24, 2), FIB_OK);
	struct fib_nh null0 = nh_null0();
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 0, 2, 0), 24, &null0), FIB_OK);
	for (unsigned i = 0; i < FIB_ECMP_MAX; i++) {
		struct fib_nh nh = nh_ip(ip(10, 0, i % 2, 10 + i));
		CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &nh), FIB_OK);
	}
	struct fib_nh rec = nh_ip(ip(20, 1, 1, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(30, 0, 0, 0), 8, &rec), FIB_OK);

	struct fib_fwd *f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	const struct fib_path *p = fwd_path_of(f, ip(10, 0, 0, 1), 0);
	CU_ASSERT(p && p->type == FIB_PATH_LOCAL && p->ifx == 1);
	p = fwd_path_of(f, ip(10, 0, 1, 99), 0);
	CU_ASSERT(p && p->type == FIB_PATH_ATTACHED && p->ifx == 2);
	p = fwd_path_of(f, ip(192, 0, 2, 7), 0);
	CU_ASSERT(p && p->type == FIB_PATH_DROP);
	CU_ASSERT_PTR_NULL(fwd_path_of(f, ip(40, 0, 0, 1), 0));
	/* Every hash picks the FIB's path, and all 16 paths of each group are reachable. */
	for (unsigned dst = 0; dst < 2; dst++) {
		uint32_t a = dst ? ip(30, 9, 9, 9) : ip(20, 9, 9, 9);
		unsigned seen = 0;
		for (uint32_t h = 0; h < 4096; h++) {
			uint32_t hash = net_hash32(h);
			const struct fib_path *q = fwd_path_of(f, a, hash);
			CU_ASSERT_FATAL(q != NULL);
			CU_ASSERT(path_same(q, fib_path_of(fib, a, hash)));
			CU_ASSERT(q->type == FIB_PATH_GATEWAY && q->ifx == 1 + (q->nh & 1));
			seen |= 1u << (q->nh - ip(10, 0, q->nh >> 8 & 1, 10));
		}
		CU_ASSERT_EQUAL(seen, (1u << FIB_ECMP_MAX) - 1);
	}
	fib_fwd_free(f);
	fib_destroy(fib);
}

static void test_generation(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	uint64_t g = fib_generation(fib);
#define MOVED()                                                                                    \
	do {                                                                                       \
		CU_ASSERT(fib_generation(fib) > g);                                                \
		g = fib_generation(fib);                                                           \
	} while (0)
#define STILL() CU_ASSERT_EQUAL(fib_generation(fib), g)

	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	MOVED();
	struct fib_nh gw1 = nh_ip(ip(10, 0, 0, 2)), gw2 = nh_ip(ip(10, 0, 0, 3));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &gw1), FIB_OK);
	MOVED();
	/* A second next hop only changes path selection. */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &gw2), FIB_OK);
	MOVED();

	/* Reading moves nothing: lookups, selection, introspection, copies. */
	uint32_t a[64], res[64];
	for (unsigned i = 0; i < 64; i++)
		a[i] = ip(20, 0, 0, i);
	fib_lookup_batch(fib, a, res, 64);
	CU_ASSERT(fib_path_select(fib, fib_lookup(fib, a[0]), 1) != NULL);
	struct fib_stats st;
	fib_get_stats(fib, &st);
	struct fib_route_info ri;
	CU_ASSERT(fib_route_match(fib, a[0], &ri));
	struct fib_fwd *f = fib_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL(f);
	fib_fwd_free(f);
	STILL();

	/* Refused calls change nothing. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 1), 8, &gw1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &gw1), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(21, 0, 0, 0), 8, NULL), FIB_E_NOENT);
	STILL();

	/* A route that cannot resolve changes no lookup: no rebuild for nothing. */
	struct fib_nh far = nh_ip(ip(99, 0, 0, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(30, 0, 0, 0), 8, &far), FIB_OK);
	STILL();
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(30, 1, 2, 3)), FIB_LOOKUP_MISS);
	/* Its next hop becoming reachable (by a static route: recursive resolution) does. */
	struct fib_nh gw4 = nh_ip(ip(10, 0, 0, 4));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(99, 0, 0, 0), 8, &gw4), FIB_OK);
	MOVED();
	CU_ASSERT(fib_lookup(fib, ip(30, 1, 2, 3)) != FIB_LOOKUP_MISS);
	/* Re-pointing the route it resolves through changes 30/8's path too. */
	struct fib_nh gw5 = nh_ip(ip(10, 0, 0, 5));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(99, 0, 0, 0), 8, &gw5), FIB_OK);
	MOVED();
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(99, 0, 0, 0), 8, &gw4), FIB_OK);
	MOVED();
	CU_ASSERT_EQUAL(fib_path_of(fib, ip(30, 1, 2, 3), 0)->nh, ip(10, 0, 0, 5));

	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, &gw2), FIB_OK);
	MOVED();
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	MOVED();
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(20, 1, 2, 3)), FIB_LOOKUP_MISS);
	/* Deleting routes that are inactive by now changes no lookup. */
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, NULL), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(30, 0, 0, 0), 8, NULL), FIB_OK);
	STILL();
#undef MOVED
#undef STILL
	fib_destroy(fib);
}

/* ---------------------------------------------------------------- registry */

static CU_TestInfo fwd_tests[] = {
    {"paths of every kind and ECMP selection", test_paths},
    {"equivalence with the FIB on random tables", test_equivalence},
    {"snapshot independent of later changes", test_snapshot_independent},
    {"empty FIB, emptied FIB, free(NULL)", test_empty},
    {"generation moves on changes only", test_generation},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fib_fwd", NULL, NULL, NULL, NULL, fwd_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
