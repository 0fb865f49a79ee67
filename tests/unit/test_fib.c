/*
 * test_fib.c - the FIB: the LPM structure (fib/lpm.h), routes and their sources, next-hop
 * resolution, ECMP groups, introspection, error codes, and differential tests of both the
 * LPM and the whole FIB against a naive reference on random tables.
 *
 * Sizes of the differential tests come from the environment (for valgrind runs):
 * FIB_TEST_PREFIXES (default 100000) and FIB_TEST_ADDRS (default 1000000). Seeds are fixed;
 * FIB_TEST_SEED (default 0) perturbs them to explore other random tables.
 */
#include "common/net.h"
#include "cu_main.h"
#include "fib/fib.h"
#include "fib/lpm.h"
#include "fib_testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* The single path of the route matching dst, or NULL on a miss. */
static const struct fib_path *path_to(const struct fib *fib, uint32_t dst)
{
	uint32_t res = fib_lookup(fib, dst);
	return res == FIB_LOOKUP_MISS ? NULL : fib_path_select(fib, res, 0);
}

static bool path_is(const struct fib_path *p, uint8_t type, uint16_t ifx, uint32_t nh)
{
	return p && p->type == type && p->ifx == ifx && p->nh == nh;
}

/* ---------------------------------------------------------------- reference LPM */

/*
 * The naive model: one open-addressing hash set of (prefix, length) -> value, probed from
 * /32 down to /0 for a lookup; plus the list of live prefixes for random deletes and for
 * boundary addresses.
 */
struct ref_pfx {
	uint32_t pfx;
	uint8_t len;
};

struct ref {
	uint64_t *keys; /* (pfx << 6 | len) + 1, 0 = empty */
	uint32_t *vals;
	size_t cap;
	uint32_t len_n[33];
	struct ref_pfx *live;
	size_t n_live, live_cap;
};

static bool ref_init(struct ref *r, size_t max_entries)
{
	memset(r, 0, sizeof(*r));
	r->cap = 1024;
	while (r->cap < 2 * max_entries)
		r->cap *= 2;
	r->keys = calloc(r->cap, sizeof(*r->keys));
	r->vals = calloc(r->cap, sizeof(*r->vals));
	r->live_cap = max_entries;
	r->live = calloc(max_entries, sizeof(*r->live));
	return r->keys && r->vals && r->live;
}

static void ref_free(struct ref *r)
{
	free(r->keys);
	free(r->vals);
	free(r->live);
}

static uint64_t ref_key(uint32_t pfx, uint8_t len)
{
	return ((uint64_t)pfx << 6 | len) + 1;
}

static size_t ref_home(const struct ref *r, uint64_t key)
{
	return (size_t)(net_hash64(key) & (r->cap - 1));
}

static size_t ref_find(const struct ref *r, uint32_t pfx, uint8_t len)
{
	uint64_t key = ref_key(pfx, len);
	for (size_t i = ref_home(r, key);; i = (i + 1) & (r->cap - 1)) {
		if (r->keys[i] == key)
			return i;
		if (!r->keys[i])
			return SIZE_MAX;
	}
}

/* Insert or replace; returns true when the prefix is new. */
static bool ref_put(struct ref *r, uint32_t pfx, uint8_t len, uint32_t val)
{
	uint64_t key = ref_key(pfx, len);
	size_t i = ref_home(r, key);
	while (r->keys[i] && r->keys[i] != key)
		i = (i + 1) & (r->cap - 1);
	r->vals[i] = val;
	if (r->keys[i])
		return false;
	r->keys[i] = key;
	r->len_n[len]++;
	r->live[r->n_live++] = (struct ref_pfx){pfx, len};
	return true;
}

/* Linear probing delete with backward shift (no tombstones). */
static void ref_erase_slot(struct ref *r, size_t i)
{
	size_t mask = r->cap - 1;
	r->keys[i] = 0;
	for (size_t j = (i + 1) & mask; r->keys[j]; j = (j + 1) & mask) {
		size_t h = ref_home(r, r->keys[j]);
		bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
		if (stays)
			continue;
		r->keys[i] = r->keys[j];
		r->vals[i] = r->vals[j];
		r->keys[j] = 0;
		i = j;
	}
}

/* Delete the live prefix at index k of the live list; returns it. */
static struct ref_pfx ref_del_live(struct ref *r, size_t k)
{
	struct ref_pfx p = r->live[k];
	r->live[k] = r->live[--r->n_live];
	ref_erase_slot(r, ref_find(r, p.pfx, p.len));
	r->len_n[p.len]--;
	return p;
}

static uint32_t ref_lookup(const struct ref *r, uint32_t addr)
{
	for (int len = 32; len >= 0; len--) {
		if (!r->len_n[len])
			continue;
		size_t i = ref_find(r, addr & net_mask((unsigned)len), (uint8_t)len);
		if (i != SIZE_MAX)
			return r->vals[i];
	}
	return 0;
}

/* Random prefix length: mostly /16../24, some /25../32, a few /8../15, and rarely /0../7
 * (each of those rebuilds much of the LPM, so the tests also place some on purpose). */
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

/* Addresses to compare at: random ones, then the edges of every live prefix. */
static uint32_t *test_addresses(const struct ref *r, size_t n_random, size_t *n)
{
	*n = n_random + 4 * r->n_live;
	uint32_t *a = malloc(*n * sizeof(*a));
	if (!a)
		return NULL;
	for (size_t i = 0; i < n_random; i++)
		a[i] = rnd();
	uint32_t *e = a + n_random;
	for (size_t i = 0; i < r->n_live; i++) {
		uint32_t first = r->live[i].pfx, last = first | ~net_mask(r->live[i].len);
		*e++ = first;
		*e++ = last;
		*e++ = first - 1;
		*e++ = last + 1;
	}
	return a;
}

/* ---------------------------------------------------------------- LPM */

static uint32_t lpm_check_all(const struct fib_lpm *lpm, const struct ref *r, const uint32_t *a,
                              size_t n)
{
	uint32_t bad = 0, out[1000];
	for (size_t i = 0; i < n; i++) {
		uint32_t want = ref_lookup(r, a[i]), got = fib_lpm_lookup(lpm, a[i]);
		if (got != want && bad++ < 5)
			fprintf(stderr, "lpm %08x: got %u want %u\n", a[i], got, want);
	}
	/* Batches of odd sizes exercise the pipeline's fill and drain. */
	static const size_t sizes[] = {1, 7, 16, 31, 33, 256, 1000};
	for (size_t i = 0, k = 0; i < n; k++) {
		size_t m = sizes[k % 7] < n - i ? sizes[k % 7] : n - i;
		fib_lpm_lookup_batch(lpm, &a[i], out, m);
		for (size_t j = 0; j < m; j++)
			if (out[j] != fib_lpm_lookup(lpm, a[i + j]) && bad++ < 5)
				fprintf(stderr, "batch %08x: got %u\n", a[i + j], out[j]);
		i += m;
	}
	return bad;
}

static void test_lpm_basic(void)
{
	struct fib_lpm *l = fib_lpm_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 3)), 0);
	uint32_t addrs[40], res[40];
	for (uint32_t i = 0; i < 40; i++)
		addrs[i] = i * 0x07654321u;
	fib_lpm_lookup_batch(l, addrs, res, 40); /* empty table: every chunk a leaf */
	for (uint32_t i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(res[i], 0);
	CU_ASSERT_EQUAL(fib_lpm_set(l, 0, 0, 7), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 0, 0, 0), 8, 8), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 1, 2, 0), 24, 9), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 1, 2, 3), 32, 10), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 1, 2, 128), 25, 11), FIB_OK);
	/* Staged: lookups still see the old (empty) table until the commit. */
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 3)), 0);
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 3)), 10);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 4)), 9);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 200)), 11);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 3, 0)), 8);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(11, 0, 0, 0)), 7);
	CU_ASSERT_EQUAL(fib_lpm_get(l, ip(10, 1, 2, 0), 24), 9);
	CU_ASSERT_EQUAL(fib_lpm_count(l), 5);
	/* Replace, delete, errors. */
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 1, 2, 0), 24, 12), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_del(l, ip(10, 1, 2, 3), 32), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_del(l, 0, 0), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(10, 1, 2, 3)), 12);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(11, 0, 0, 0)), 0);
	CU_ASSERT_EQUAL(fib_lpm_del(l, ip(10, 1, 2, 3), 32), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_lpm_del(l, ip(10, 9, 0, 0), 16), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(10, 1, 2, 1), 24, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm_set(l, 0, 33, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm_set(l, 0, 0, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm_del(l, 1, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm_count(l), 3);
	fib_lpm_destroy(l);
}

/* Prefixes around chunk (/18) edges, both ends of the address space, nested runs. */
static void test_lpm_edges(void)
{
	struct fib_lpm *l = fib_lpm_create();
	struct ref r;
	bool ref_ok = ref_init(&r, 1024);
	CU_ASSERT_FATAL(l && ref_ok);
	static const struct {
		uint32_t pfx;
		uint8_t len;
	} v[] = {{0xffffffffu, 32}, {0xffffff00u, 24}, {0, 32},           {0, 17},
	         {0x00004000u, 18}, {0x0000c000u, 18}, {0x00007fffu, 32}, {0x00008000u, 32},
	         {0x0a000000u, 15}, {0x0a004000u, 18}, {0x0a003f00u, 24}, {0x0a003f80u, 25},
	         {0x0a003ffeu, 31}, {0x0a004000u, 26}, {0x0a004000u, 32}, {0x80000000u, 1},
	         {0xfffe0000u, 15}, {0xc0a80000u, 16}, {0xc0a80000u, 17}, {0xc0a80000u, 18},
	         {0xc0a80000u, 19}, {0xc0a80000u, 20}, {0xc0a80000u, 24}, {0xc0a80000u, 30},
	         {0x0b007ffeu, 32}, {0x0b00bfffu, 32}, {0x0b00fffcu, 31}, {0x0b013f00u, 24}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(fib_lpm_set(l, v[i].pfx, v[i].len, (uint32_t)i + 100), FIB_OK);
		ref_put(&r, v[i].pfx, v[i].len, (uint32_t)i + 100);
	}
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	size_t n;
	uint32_t *a = test_addresses(&r, 10000, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(lpm_check_all(l, &r, a, n), 0);
	free(a);
	ref_free(&r);
	fib_lpm_destroy(l);
}

/* Big chunks (16+ ranges: the count lives in the block), long format (sub-/24 boundaries or
 * leaves too big for the short format), and chunks shrinking back. */
static void test_lpm_formats(void)
{
	struct fib_lpm *l = fib_lpm_create();
	struct ref r;
	bool ref_ok = ref_init(&r, 8192);
	CU_ASSERT_FATAL(l && ref_ok);
	uint32_t base = ip(172, 16, 64, 0); /* one /18 chunk */
	for (uint32_t i = 0; i < 64; i++) { /* 64 /24s, alternating: 64 ranges, short format */
		uint32_t val = 1 + i % 2;
		fib_lpm_set(l, base + (i << 8), 24, val);
		ref_put(&r, base + (i << 8), 24, val);
	}
	for (uint32_t i = 0; i < 3000; i++) { /* many /32s in another chunk, long format */
		uint32_t a = ip(172, 16, 128, 0) + rnd() % 16384, val = 1 + rnd() % 3;
		fib_lpm_set(l, a, 32, val);
		ref_put(&r, a, 32, val);
	}
	for (uint32_t i = 0; i < 12; i++) { /* /24s with a big leaf value: long format too */
		uint32_t val = 2000 + i;
		fib_lpm_set(l, ip(172, 17, 0, 0) + (i << 9), 24, val);
		ref_put(&r, ip(172, 17, 0, 0) + (i << 9), 24, val);
	}
	for (uint32_t n = 1; n <= 40; n++) { /* every count from 1 to 40 /25 ranges */
		uint32_t chunk = ip(100, 0, 0, 0) + (n << 14);
		for (uint32_t i = 0; i < n; i++) {
			fib_lpm_set(l, chunk + (i << 7), 25, 1000 + i);
			ref_put(&r, chunk + (i << 7), 25, 1000 + i);
		}
	}
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	size_t n;
	uint32_t *a = test_addresses(&r, 20000, &n);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(lpm_check_all(l, &r, a, n), 0);
	free(a);
	/* Shrink: delete most prefixes one commit at a time (chunks rebuilt in place). */
	while (r.n_live > 50) {
		struct ref_pfx p = ref_del_live(&r, rnd() % r.n_live);
		CU_ASSERT_EQUAL(fib_lpm_del(l, p.pfx, p.len), FIB_OK);
		CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	}
	a = test_addresses(&r, 20000, &n);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(lpm_check_all(l, &r, a, n), 0);
	free(a);
	ref_free(&r);
	fib_lpm_destroy(l);
}

/* At most FIB_LPM_LEAF_MAX distinct values; a freed value becomes reusable at commit. */
static void test_lpm_leaf_limit(void)
{
	struct fib_lpm *l = fib_lpm_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	for (uint32_t i = 0; i < FIB_LPM_LEAF_MAX; i++)
		CU_ASSERT_EQUAL_FATAL(fib_lpm_set(l, ip(20, 0, 0, 0) + (i << 8), 24, 1000 + i),
		                      FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(30, 0, 0, 0), 24, 999), FIB_E_FULL);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(30, 0, 0, 0), 24, 1000), FIB_OK); /* shared value */
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(20, 0, 5, 1)), 1005);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(20, 255, 254, 1)), 1000 + 65534);
	CU_ASSERT_EQUAL(fib_lpm_del(l, ip(20, 0, 7, 0), 24), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_set(l, ip(31, 0, 0, 0), 8, 999), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(31, 1, 2, 3)), 999);
	CU_ASSERT_EQUAL(fib_lpm_lookup(l, ip(20, 0, 7, 1)), 0);
	fib_lpm_destroy(l);
}

/* A random operation on the LPM and the reference: mostly inserts/replaces, some deletes. */
static void lpm_random_op(struct fib_lpm *l, struct ref *r, uint32_t n_values)
{
	if (r->n_live && rnd() % 4 == 0) {
		struct ref_pfx p = ref_del_live(r, rnd() % r->n_live);
		CU_ASSERT_EQUAL(fib_lpm_del(l, p.pfx, p.len), FIB_OK);
		return;
	}
	uint8_t len = random_len();
	uint32_t pfx = rnd() & net_mask(len), val = 1 + rnd() % n_values;
	if (r->n_live < r->live_cap) {
		ref_put(r, pfx, len, val);
		CU_ASSERT_EQUAL(fib_lpm_set(l, pfx, len, val), FIB_OK);
	}
}

/* Rarely, a /0../7 prefix toggles: such changes rebuild the whole table. */
static void lpm_toggle_short(struct fib_lpm *l, struct ref *r)
{
	uint8_t len = (uint8_t)(rnd() % 8);
	uint32_t pfx = rnd() & net_mask(len), val = 1 + rnd() % 100;
	size_t i = ref_find(r, pfx, len);
	if (i == SIZE_MAX) {
		ref_put(r, pfx, len, val);
		CU_ASSERT_EQUAL(fib_lpm_set(l, pfx, len, val), FIB_OK);
		return;
	}
	for (size_t k = 0; k < r->n_live; k++) {
		if (r->live[k].pfx == pfx && r->live[k].len == len) {
			ref_del_live(r, k);
			break;
		}
	}
	CU_ASSERT_EQUAL(fib_lpm_del(l, pfx, len), FIB_OK);
}

static void test_lpm_differential(void)
{
	size_t target = env_size("FIB_TEST_PREFIXES", 100000);
	size_t n_random = env_size("FIB_TEST_ADDRS", 1000000);
	struct fib_lpm *l = fib_lpm_create();
	struct ref r;
	bool ref_ok = ref_init(&r, target + 1024);
	CU_ASSERT_FATAL(l && ref_ok);
	rng_seed(0x1f2e3d4c5b6a7988ull);
	uint32_t bad = 0;
	size_t ops = 0;
	while (r.n_live < target) {
		lpm_random_op(l, &r, 5000);
		if (++ops % 25000 == 0)
			lpm_toggle_short(l, &r);
		if (rnd() % 32 == 0) { /* commit every ~32 changes; spot-check right away */
			CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
			for (int k = 0; k < 16; k++) {
				uint32_t a = rnd();
				bad += fib_lpm_lookup(l, a) != ref_lookup(&r, a);
			}
		}
	}
	CU_ASSERT_EQUAL(fib_lpm_commit(l), FIB_OK);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fib_lpm_count(l), r.n_live);
	size_t n;
	uint32_t *a = test_addresses(&r, n_random, &n);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(lpm_check_all(l, &r, a, n), 0);
	free(a);
	ref_free(&r);
	fib_lpm_destroy(l);
}

/* ---------------------------------------------------------------- FIB: sources */

static void test_connected_local(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 10, 1), 24, 3), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(10, 1, 10, 1)), FIB_PATH_LOCAL, 3, 0));
	CU_ASSERT(path_is(path_to(fib, ip(10, 1, 10, 50)), FIB_PATH_ATTACHED, 3, 0));
	CU_ASSERT(path_is(path_to(fib, ip(10, 1, 10, 255)), FIB_PATH_ATTACHED, 3, 0));
	CU_ASSERT_PTR_NULL(path_to(fib, ip(10, 1, 11, 1)));

	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(fib, ip(10, 1, 10, 0), 24, &ri));
	CU_ASSERT(ri.source == FIB_SRC_CONNECTED && ri.active && ri.n_paths == 1 && ri.n_nh == 0);
	CU_ASSERT_FATAL(fib_route_get(fib, ip(10, 1, 10, 1), 32, &ri));
	CU_ASSERT(ri.source == FIB_SRC_LOCAL && ri.active);

	/* /31: still a subnet; /32: only the local route. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(203, 0, 113, 0), 31, 4), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(203, 0, 113, 1)), FIB_PATH_ATTACHED, 4, 0));
	CU_ASSERT(path_is(path_to(fib, ip(203, 0, 113, 0)), FIB_PATH_LOCAL, 4, 0));
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(192, 0, 2, 1), 32, 5), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(192, 0, 2, 1)), FIB_PATH_LOCAL, 5, 0));
	CU_ASSERT_PTR_NULL(path_to(fib, ip(192, 0, 2, 2)));

	/* A secondary address in the same subnet shares the connected route. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 10, 2), 24, 3), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 1, 10, 1), 24, 3), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(10, 1, 10, 1)), FIB_PATH_ATTACHED, 3, 0));
	CU_ASSERT(path_is(path_to(fib, ip(10, 1, 10, 2)), FIB_PATH_LOCAL, 3, 0));
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 1, 10, 2), 24, 3), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, ip(10, 1, 10, 2)));
	CU_ASSERT_FALSE(fib_route_get(fib, ip(10, 1, 10, 0), 24, &ri));

	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(203, 0, 113, 0), 31, 4), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(192, 0, 2, 1), 32, 5), FIB_OK);
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT(st.routes == 0 && st.active == 0 && st.groups == 0);
	fib_destroy(fib);
}

static void test_static_via_connected(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(203, 0, 113, 2), 30, 1), FIB_OK);
	struct fib_nh gw = nh_ip(ip(203, 0, 113, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, 0, 0, &gw), FIB_OK); /* default route */
	CU_ASSERT(path_is(path_to(fib, ip(8, 8, 8, 8)), FIB_PATH_GATEWAY, 1, ip(203, 0, 113, 1)));
	CU_ASSERT(path_is(path_to(fib, 0), FIB_PATH_GATEWAY, 1, ip(203, 0, 113, 1)));
	CU_ASSERT(path_is(path_to(fib, 0xffffffffu), FIB_PATH_GATEWAY, 1, ip(203, 0, 113, 1)));
	CU_ASSERT(path_is(path_to(fib, ip(203, 0, 113, 3)), FIB_PATH_ATTACHED, 1, 0));

	/* A /32 and a /24 more specific than the default route. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 20, 1), 24, 2), FIB_OK);
	struct fib_nh gw2 = nh_ip(ip(10, 1, 20, 10));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 9, 0, 0), 16, &gw2), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(8, 8, 4, 4), 32, &gw2), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(10, 9, 200, 1)), FIB_PATH_GATEWAY, 2, ip(10, 1, 20, 10)));
	CU_ASSERT(path_is(path_to(fib, ip(8, 8, 4, 4)), FIB_PATH_GATEWAY, 2, ip(10, 1, 20, 10)));
	CU_ASSERT(path_is(path_to(fib, ip(8, 8, 4, 5)), FIB_PATH_GATEWAY, 1, ip(203, 0, 113, 1)));

	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(fib, ip(10, 9, 0, 0), 16, &ri));
	CU_ASSERT(ri.source == FIB_SRC_STATIC && ri.active && ri.n_paths == 1 && ri.n_nh == 1);
	CU_ASSERT(ri.nh[0].kind == FIB_NH_IP && ri.nh[0].ip == ip(10, 1, 20, 10));

	/* A next hop that is the gateway's own address does not resolve. */
	struct fib_nh self = nh_ip(ip(10, 1, 20, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(11, 0, 0, 0), 8, &self), FIB_OK);
	CU_ASSERT_FATAL(fib_route_get(fib, ip(11, 0, 0, 0), 8, &ri));
	CU_ASSERT_FALSE(ri.active);
	CU_ASSERT(path_is(path_to(fib, ip(11, 1, 1, 1)), FIB_PATH_GATEWAY, 1, ip(203, 0, 113, 1)));
	fib_destroy(fib);
}

static void test_recursive_one_level(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	struct fib_nh a = nh_ip(ip(10, 0, 0, 254)), b = nh_ip(ip(192, 168, 1, 1)),
	              c = nh_ip(ip(172, 16, 0, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 168, 0, 0), 16, &a), FIB_OK); /* direct */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(172, 16, 0, 0), 12, &b), FIB_OK);  /* via /16 */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(8, 8, 0, 0), 16, &c), FIB_OK);     /* 2 levels */
	CU_ASSERT(path_is(path_to(fib, ip(172, 20, 1, 1)), FIB_PATH_GATEWAY, 1, ip(10, 0, 0, 254)));
	CU_ASSERT_PTR_NULL(path_to(fib, ip(8, 8, 8, 8)));
	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(fib, ip(8, 8, 0, 0), 16, &ri));
	CU_ASSERT(!ri.active && ri.n_paths == 0 && ri.n_nh == 1);

	/* The recursion follows changes of the route it goes through. */
	struct fib_nh a2 = nh_ip(ip(10, 0, 0, 253));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 168, 0, 0), 16, &a2), FIB_OK);
	CU_ASSERT_FATAL(fib_route_get(fib, ip(172, 16, 0, 0), 12, &ri));
	CU_ASSERT(ri.active && ri.n_paths == 2);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(192, 168, 0, 0), 16, NULL), FIB_OK);
	CU_ASSERT_FATAL(fib_route_get(fib, ip(172, 16, 0, 0), 12, &ri));
	CU_ASSERT(!ri.active && ri.n_paths == 0);
	CU_ASSERT_PTR_NULL(path_to(fib, ip(172, 20, 1, 1)));
	/* And comes back when the intermediate route does. */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 168, 1, 0), 24, &a), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(172, 20, 1, 1)), FIB_PATH_GATEWAY, 1, ip(10, 0, 0, 254)));
	fib_destroy(fib);
}

static void test_unresolved_until_connected(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	struct fib_nh gw = nh_ip(ip(10, 1, 1, 1)), via = nh_ip(ip(20, 1, 1, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &gw), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(30, 0, 0, 0), 8, &via), FIB_OK);
	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(fib, ip(20, 0, 0, 0), 8, &ri));
	CU_ASSERT(!ri.active && ri.n_paths == 0 && ri.source == FIB_SRC_STATIC);
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(20, 2, 3, 4)), FIB_LOOKUP_MISS);
	CU_ASSERT_FALSE(fib_route_match(fib, ip(20, 2, 3, 4), &ri));
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT(st.routes == 2 && st.active == 0);

	for (int round = 0; round < 2; round++) {
		CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 1, 2), 24, 2), FIB_OK);
		CU_ASSERT(
		    path_is(path_to(fib, ip(20, 2, 3, 4)), FIB_PATH_GATEWAY, 2, ip(10, 1, 1, 1)));
		CU_ASSERT(
		    path_is(path_to(fib, ip(30, 2, 3, 4)), FIB_PATH_GATEWAY, 2, ip(10, 1, 1, 1)));
		CU_ASSERT(fib_route_match(fib, ip(30, 2, 3, 4), &ri) && ri.len == 8 && ri.active);
		CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 1, 1, 2), 24, 2), FIB_OK);
		CU_ASSERT_EQUAL(fib_lookup(fib, ip(20, 2, 3, 4)), FIB_LOOKUP_MISS);
		CU_ASSERT_EQUAL(fib_lookup(fib, ip(30, 2, 3, 4)), FIB_LOOKUP_MISS);
		CU_ASSERT_FATAL(fib_route_get(fib, ip(30, 0, 0, 0), 8, &ri));
		CU_ASSERT(!ri.active && ri.n_nh == 1);
	}
	/* A more specific connected subnet takes over the next hop's interface. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 8, 5), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(20, 2, 3, 4)), FIB_PATH_GATEWAY, 5, ip(10, 1, 1, 1)));
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 1, 9), 24, 6), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(20, 2, 3, 4)), FIB_PATH_GATEWAY, 6, ip(10, 1, 1, 1)));
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 1, 1, 9), 24, 6), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(30, 2, 3, 4)), FIB_PATH_GATEWAY, 5, ip(10, 1, 1, 1)));
	fib_destroy(fib);
}

/* ---------------------------------------------------------------- FIB: ECMP, null0 */

static void test_ecmp(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 1, 1), 24, 2), FIB_OK);
	const uint32_t gws[4] = {ip(10, 0, 0, 20), ip(10, 0, 1, 20), ip(10, 0, 0, 10),
	                         ip(10, 0, 1, 10)};
	for (int i = 0; i < 4; i++) {
		struct fib_nh nh = nh_ip(gws[i]);
		CU_ASSERT_EQUAL(fib_route_add(fib, ip(100, 0, 0, 0), 8, &nh), FIB_OK);
		CU_ASSERT_EQUAL(fib_route_add(fib, ip(101, 0, 0, 0), 8, &nh), FIB_OK);
		/* the same set in the opposite order */
		nh = nh_ip(gws[3 - i]);
		CU_ASSERT_EQUAL(fib_route_add(fib, ip(102, 0, 0, 0), 8, &nh), FIB_OK);
	}
	uint32_t res = fib_lookup(fib, ip(100, 1, 2, 3));
	CU_ASSERT_NOT_EQUAL_FATAL(res, FIB_LOOKUP_MISS);
	/* One group for all three prefixes: same set of paths. */
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(101, 1, 2, 3)), res);
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(102, 1, 2, 3)), res);
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.groups, 5); /* 2 local, 2 attached, 1 ECMP */

	unsigned hits[4] = {0};
	const struct fib_path *first[64];
	for (uint32_t h = 0; h < 40000; h++) {
		const struct fib_path *p = fib_path_select(fib, res, net_hash32(h));
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(p->type, FIB_PATH_GATEWAY);
		for (int i = 0; i < 4; i++)
			if (p->nh == gws[i])
				hits[i]++;
		if (h < 64)
			first[h] = p;
	}
	for (int i = 0; i < 4; i++)
		CU_ASSERT(hits[i] > 9000 && hits[i] < 11000);
	/* Consecutive raw hashes spread evenly too. */
	unsigned seq[4] = {0};
	for (uint32_t h = 0; h < 4000; h++) {
		const struct fib_path *p = fib_path_select(fib, res, h);
		for (int i = 0; i < 4; i++)
			seq[i] += p->nh == gws[i];
	}
	CU_ASSERT(seq[0] == 1000 && seq[1] == 1000 && seq[2] == 1000 && seq[3] == 1000);

	/* Stable: unrelated changes do not move a flow to another path. */
	uint32_t chosen[64];
	for (uint32_t h = 0; h < 64; h++)
		chosen[h] = first[h]->nh;
	struct fib_nh other = nh_ip(ip(10, 0, 0, 99));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(55, 0, 0, 0), 8, &other), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(101, 0, 0, 0), 8, NULL), FIB_OK);
	res = fib_lookup(fib, ip(100, 1, 2, 3));
	for (uint32_t h = 0; h < 64; h++)
		CU_ASSERT_EQUAL(fib_path_select(fib, res, net_hash32(h))->nh, chosen[h]);

	/* Up to FIB_ECMP_MAX next hops. */
	for (unsigned i = 4; i < FIB_ECMP_MAX; i++) {
		struct fib_nh nh = nh_ip(ip(10, 0, 0, 100 + i));
		CU_ASSERT_EQUAL(fib_route_add(fib, ip(100, 0, 0, 0), 8, &nh), FIB_OK);
	}
	struct fib_nh extra = nh_ip(ip(10, 0, 0, 200));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(100, 0, 0, 0), 8, &extra), FIB_E_FULL);
	struct fib_route_info ri;
	CU_ASSERT(fib_route_get(fib, ip(100, 0, 0, 0), 8, &ri) && ri.n_paths == FIB_ECMP_MAX &&
	          ri.n_nh == FIB_ECMP_MAX);
	fib_destroy(fib);
}

static void test_null0(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	struct fib_nh null0 = nh_null0();
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 0, 2, 128), 25, &null0), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 0, 2, 128), 25, &null0), FIB_E_EXISTS);
	CU_ASSERT(path_is(path_to(fib, ip(192, 0, 2, 200)), FIB_PATH_DROP, 0, 0));
	CU_ASSERT_PTR_NULL(path_to(fib, ip(192, 0, 2, 100)));
	struct fib_route_info ri;
	CU_ASSERT(fib_route_get(fib, ip(192, 0, 2, 128), 25, &ri) && ri.active &&
	          ri.nh[0].kind == FIB_NH_NULL0);
	/* null0 next to a gateway: both are paths of the group. */
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	struct fib_nh gw = nh_ip(ip(10, 0, 0, 2));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(192, 0, 2, 128), 25, &gw), FIB_OK);
	CU_ASSERT(fib_route_get(fib, ip(192, 0, 2, 128), 25, &ri) && ri.n_paths == 2);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(192, 0, 2, 128), 25, &null0), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, ip(192, 0, 2, 200)), FIB_PATH_GATEWAY, 1, ip(10, 0, 0, 2)));
	fib_destroy(fib);
}

/* ---------------------------------------------------------------- FIB: control semantics */

static void test_delete_semantics(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	struct fib_nh a = nh_ip(ip(10, 0, 0, 2)), b = nh_ip(ip(10, 0, 0, 3)), n0 = nh_null0();
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &a), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &b), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &n0), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, &a), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, &a), FIB_E_NOENT);
	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(fib, ip(20, 0, 0, 0), 8, &ri));
	CU_ASSERT(ri.n_nh == 2 && ri.n_paths == 2);
	/* nh == NULL removes every static next hop, and the route with them. */
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, NULL), FIB_OK);
	CU_ASSERT_FALSE(fib_route_get(fib, ip(20, 0, 0, 0), 8, &ri));
	CU_ASSERT_EQUAL(fib_lookup(fib, ip(20, 1, 1, 1)), FIB_LOOKUP_MISS);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(20, 0, 0, 0), 8, NULL), FIB_E_NOENT);

	/* Static on a connected prefix: connected wins; deleting the static keeps it. */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &n0), FIB_OK);
	CU_ASSERT(fib_route_get(fib, ip(10, 0, 0, 0), 24, &ri) && ri.source == FIB_SRC_CONNECTED &&
	          ri.n_nh == 1 && ri.paths[0].type == FIB_PATH_ATTACHED);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 0), 24, NULL), FIB_OK);
	CU_ASSERT(fib_route_get(fib, ip(10, 0, 0, 0), 24, &ri) && ri.n_nh == 0 && ri.active);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 0), 24, NULL), FIB_E_NOENT);
	/* ...and the other way round: the static takes over when the connected goes. */
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &n0), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	CU_ASSERT(fib_route_get(fib, ip(10, 0, 0, 0), 24, &ri) && ri.source == FIB_SRC_STATIC &&
	          ri.active && ri.paths[0].type == FIB_PATH_DROP);
	CU_ASSERT(path_is(path_to(fib, ip(10, 0, 0, 1)), FIB_PATH_DROP, 0, 0));
	fib_destroy(fib);
}

struct walk_log {
	size_t n, stop_at;
	uint32_t pfx[64];
	uint8_t len[64];
};

static int walk_record(const struct fib_route_info *ri, void *arg)
{
	struct walk_log *w = arg;
	if (w->n < 64) {
		w->pfx[w->n] = ri->pfx;
		w->len[w->n] = ri->len;
	}
	return ++w->n == w->stop_at ? 42 : 0;
}

static void test_walk_order(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	struct fib_nh n0 = nh_null0();
	static const struct {
		uint32_t pfx;
		uint8_t len;
	} v[] = {{0x0a010000u, 16}, {0, 0},
	         {0x0a000000u, 8},  {0xffffffffu, 32},
	         {0x0a010000u, 24}, {0x0a000000u, 16},
	         {0x0a010100u, 24}, {0x09000000u, 8},
	         {0x0a010000u, 17}, {0x80000000u, 1}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CU_ASSERT_EQUAL(fib_route_add(fib, v[i].pfx, v[i].len, &n0), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 1, 0, 1), 16, 1), FIB_OK);
	struct walk_log w = {0};
	CU_ASSERT_EQUAL(fib_walk(fib, walk_record, &w), 0);
	CU_ASSERT_EQUAL(w.n, 11); /* 10 static (one shares with connected) + 1 local */
	for (size_t i = 1; i < w.n; i++)
		CU_ASSERT(w.pfx[i - 1] < w.pfx[i] ||
		          (w.pfx[i - 1] == w.pfx[i] && w.len[i - 1] < w.len[i]));
	CU_ASSERT(w.pfx[0] == 0 && w.len[0] == 0);
	CU_ASSERT(w.pfx[w.n - 1] == 0xffffffffu && w.len[w.n - 1] == 32);
	struct walk_log stop = {.stop_at = 3};
	CU_ASSERT_EQUAL(fib_walk(fib, walk_record, &stop), 42);
	CU_ASSERT_EQUAL(stop.n, 3);
	fib_destroy(fib);
}

static void test_errors(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	struct fib_nh gw = nh_ip(ip(10, 0, 0, 2)), bad_kind = {.kind = 7, .ip = 1},
	              zero_kind = {.kind = 0};
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 1), 24, &gw), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 33, &gw), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, 1, 0, &gw), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, NULL), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &bad_kind), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &zero_kind), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 1), 24, NULL), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 0), 24, &bad_kind), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 0), 24, NULL), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_route_del(fib, ip(10, 0, 0, 0), 24, &gw), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &gw), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(10, 0, 0, 0), 24, &gw), FIB_E_EXISTS);

	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, FIB_IFX_MAX + 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 33, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, FIB_IFX_MAX), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, FIB_IFX_MAX), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 16, 2), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 9), 24, 2), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, 2), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 16, FIB_IFX_MAX), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 7), 24, FIB_IFX_MAX), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, FIB_IFX_MAX), FIB_OK);
	CU_ASSERT_EQUAL(fib_connected_del(fib, ip(10, 0, 0, 1), 24, FIB_IFX_MAX), FIB_E_NOENT);

	uint32_t dst[3] = {0, ip(10, 0, 0, 5), 0xffffffffu}, res[3] = {1, 1, 1};
	fib_lookup_batch(fib, dst, res, 3);
	CU_ASSERT(res[0] == FIB_LOOKUP_MISS && res[1] == FIB_LOOKUP_MISS && res[2] == 0);
	fib_lookup_batch(fib, dst, res, 0);
	CU_ASSERT_PTR_NULL(fib_path_select(fib, FIB_LOOKUP_MISS, 0));
	CU_ASSERT_PTR_NULL(fib_path_select(fib, 12345, 0));
	struct fib_route_info ri;
	CU_ASSERT_FALSE(fib_route_get(fib, ip(10, 0, 0, 1), 24, &ri));
	CU_ASSERT_FALSE(fib_route_get(fib, 0, 40, &ri));
	const int codes[] = {FIB_OK,      FIB_E_INVAL, FIB_E_EXISTS, FIB_E_NOENT,
	                     FIB_E_NOMEM, FIB_E_FULL,  -99};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CU_ASSERT(fib_strerror(codes[i]) && *fib_strerror(codes[i]));
	CU_ASSERT_STRING_NOT_EQUAL(fib_strerror(FIB_E_INVAL), fib_strerror(FIB_E_NOENT));
	fib_destroy(fib);
	fib_destroy(NULL);
}

static void test_match_and_stats(void)
{
	struct fib *fib = fib_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	CU_ASSERT_EQUAL(fib_connected_add(fib, ip(10, 0, 0, 1), 24, 1), FIB_OK);
	struct fib_nh gw = nh_ip(ip(10, 0, 0, 2)), dead = nh_ip(ip(99, 0, 0, 1));
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 0, 0, 0), 8, &gw), FIB_OK);
	CU_ASSERT_EQUAL(fib_route_add(fib, ip(20, 1, 0, 0), 16, &dead), FIB_OK); /* inactive */
	struct fib_route_info ri;
	CU_ASSERT(fib_route_match(fib, ip(20, 1, 2, 3), &ri) && ri.pfx == ip(20, 0, 0, 0) &&
	          ri.len == 8);
	CU_ASSERT(fib_route_match(fib, ip(10, 0, 0, 1), &ri) && ri.len == 32 &&
	          ri.source == FIB_SRC_LOCAL);
	CU_ASSERT_FALSE(fib_route_match(fib, ip(21, 0, 0, 0), &ri));
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.routes, 4);
	CU_ASSERT_EQUAL(st.active, 3);
	CU_ASSERT_EQUAL(st.groups, 3);
	CU_ASSERT(st.lpm_bytes > 0 && st.total_bytes > st.lpm_bytes);
	fib_destroy(fib);
}

/* ---------------------------------------------------------------- FIB: resolution model */

/*
 * Random churn of connected subnets and static routes whose next hops resolve directly,
 * through another static route, or not at all; after every change each route must equal
 * what a from-scratch model of the header's rules gives (the FIB maintains it
 * incrementally). Small on purpose: the model is quadratic.
 */
#define M_CONN   8
#define M_ROUTES 24
#define M_NH     3

struct model_conn {
	uint32_t net;
	uint8_t len;
	bool on;
};

struct model_route {
	uint32_t pfx;
	uint8_t len;
	uint8_t n;
	struct fib_nh nh[M_NH];
};

struct model {
	struct model_conn conn[M_CONN];
	struct model_route route[M_ROUTES];
};

static uint16_t model_ifx(int i)
{
	return (uint16_t)(i + 1);
}

static bool model_local(const struct model *m, uint32_t a)
{
	for (int i = 0; i < M_CONN; i++)
		if (m->conn[i].on && m->conn[i].net + 1 == a)
			return true;
	return false;
}

/* Longest connected subnet holding a: its index, or -1. */
static int model_conn_match(const struct model *m, uint32_t a)
{
	int best = -1;
	for (int i = 0; i < M_CONN; i++) {
		const struct model_conn *c = &m->conn[i];
		if (c->on && (a & net_mask(c->len)) == c->net &&
		    (best < 0 || c->len > m->conn[best].len))
			best = i;
	}
	return best;
}

static bool model_direct(const struct model *m, uint32_t a, struct fib_path *p)
{
	int c = model_conn_match(m, a);
	if (model_local(m, a) || c < 0)
		return false;
	*p = (struct fib_path){.type = FIB_PATH_GATEWAY, .ifx = model_ifx(c), .nh = a};
	return true;
}

static unsigned model_direct_paths(const struct model *m, const struct model_route *s,
                                   struct fib_path *out)
{
	unsigned n = 0;
	for (unsigned j = 0; j < s->n; j++)
		if (s->nh[j].kind == FIB_NH_IP && model_direct(m, s->nh[j].ip, &out[n]))
			n++;
	return n;
}

/* Rule 3: the longest other static prefix covering a with direct paths. */
static unsigned model_via_static(const struct model *m, const struct model_route *r, uint32_t a,
                                 struct fib_path *out)
{
	const struct model_route *best = NULL;
	struct fib_path tmp[M_NH];
	for (int i = 0; i < M_ROUTES; i++) {
		const struct model_route *s = &m->route[i];
		if (s == r || !s->n || (a & net_mask(s->len)) != s->pfx)
			continue;
		if ((!best || s->len > best->len) && model_direct_paths(m, s, tmp))
			best = s;
	}
	return best ? model_direct_paths(m, best, out) : 0;
}

static int model_path_cmp(const void *a, const void *b)
{
	const struct fib_path *x = a, *y = b;
	if (x->type != y->type)
		return x->type - y->type;
	if (x->ifx != y->ifx)
		return x->ifx - y->ifx;
	return x->nh < y->nh ? -1 : x->nh > y->nh;
}

static unsigned model_static_paths(const struct model *m, const struct model_route *r,
                                   struct fib_path *out)
{
	unsigned n = 0;
	for (unsigned j = 0; j < r->n; j++) {
		if (r->nh[j].kind == FIB_NH_NULL0)
			out[n++] = (struct fib_path){.type = FIB_PATH_DROP};
		else if (model_direct(m, r->nh[j].ip, &out[n]))
			n++;
		else if (!model_local(m, r->nh[j].ip))
			n += model_via_static(m, r, r->nh[j].ip, &out[n]);
	}
	qsort(out, n, sizeof(*out), model_path_cmp);
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		if (!k || model_path_cmp(&out[i], &out[k - 1]))
			out[k++] = out[i];
	return k > FIB_ECMP_MAX ? FIB_ECMP_MAX : k;
}

/* The route the FIB should show for static route r (connected/local prefixes win). */
static unsigned model_route_paths(const struct model *m, const struct model_route *r,
                                  struct fib_path *out)
{
	for (int i = 0; i < M_CONN; i++) {
		const struct model_conn *c = &m->conn[i];
		if (c->on && r->len == 32 && r->pfx == c->net + 1) {
			out[0] = (struct fib_path){.type = FIB_PATH_LOCAL, .ifx = model_ifx(i)};
			return 1;
		}
	}
	for (int i = 0; i < M_CONN; i++) {
		const struct model_conn *c = &m->conn[i];
		if (c->on && r->len == c->len && r->pfx == c->net) {
			out[0] = (struct fib_path){.type = FIB_PATH_ATTACHED, .ifx = model_ifx(i)};
			return 1;
		}
	}
	return model_static_paths(m, r, out);
}

static unsigned model_check(const struct fib *fib, const struct model *m)
{
	unsigned bad = 0;
	for (int i = 0; i < M_ROUTES; i++) {
		const struct model_route *r = &m->route[i];
		struct fib_path want[M_NH * M_NH + 1];
		struct fib_route_info ri;
		if (!r->n)
			continue;
		unsigned n = model_route_paths(m, r, want);
		bool same = fib_route_get(fib, r->pfx, r->len, &ri) && ri.n_nh == r->n &&
		            ri.active == (n > 0) && ri.n_paths == n;
		for (unsigned k = 0; same && k < n; k++)
			same = !model_path_cmp(&ri.paths[k], &want[k]);
		if (!same && bad++ < 3)
			fprintf(stderr, "model: route %08x/%u: %u paths, want %u\n", r->pfx, r->len,
			        ri.n_paths, n);
	}
	return bad;
}

/* Addresses come from 10.0.0.0/14 so that prefixes, subnets and next hops overlap a lot. */
static uint32_t model_addr(void)
{
	return ip(10, 0, 0, 0) | (rnd() & 0x3ffffu);
}

static void model_setup(struct model *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < M_CONN; i++) {
		uint8_t len = (uint8_t)(16 + rnd() % 13); /* /16../28, distinct */
		m->conn[i] = (struct model_conn){model_addr() & net_mask(len), len, false};
		for (int j = 0; j < i; j++)
			if (m->conn[j].net == m->conn[i].net)
				m->conn[i].len = 0; /* same interface address: never used */
	}
	for (int i = 0; i < M_ROUTES; i++) {
		uint8_t len = (uint8_t)(14 + rnd() % 19);
		m->route[i] = (struct model_route){.pfx = model_addr() & net_mask(len), .len = len};
		for (int j = 0; j < i; j++)
			if (m->route[j].pfx == m->route[i].pfx && m->route[j].len == len)
				m->route[i].len = 33; /* duplicate: never used */
	}
}

static void model_toggle_conn(struct fib *fib, struct model *m)
{
	struct model_conn *c = &m->conn[rnd() % M_CONN];
	int i = (int)(c - m->conn);
	if (!c->len)
		return;
	int err = c->on ? fib_connected_del(fib, c->net + 1, c->len, model_ifx(i))
	                : fib_connected_add(fib, c->net + 1, c->len, model_ifx(i));
	CU_ASSERT_EQUAL(err, FIB_OK);
	c->on = !c->on;
}

static void model_change_route(struct fib *fib, struct model *m)
{
	struct model_route *r = &m->route[rnd() % M_ROUTES];
	if (r->len > 32)
		return;
	if (r->n && rnd() % 3 == 0) {
		CU_ASSERT_EQUAL(fib_route_del(fib, r->pfx, r->len, NULL), FIB_OK);
		r->n = 0;
	} else if (r->n == M_NH || (r->n && rnd() % 3 == 0)) {
		unsigned j = rnd() % r->n;
		CU_ASSERT_EQUAL(fib_route_del(fib, r->pfx, r->len, &r->nh[j]), FIB_OK);
		r->nh[j] = r->nh[--r->n];
	} else {
		struct fib_nh nh = rnd() % 10 ? nh_ip(model_addr()) : nh_null0();
		for (unsigned j = 0; j < r->n; j++)
			if (r->nh[j].kind == nh.kind && r->nh[j].ip == nh.ip)
				return;
		CU_ASSERT_EQUAL(fib_route_add(fib, r->pfx, r->len, &nh), FIB_OK);
		r->nh[r->n++] = nh;
	}
}

static void test_resolution_model(void)
{
	rng_seed(0x5eed0f3e501u);
	for (int round = 0; round < 40; round++) {
		struct fib *fib = fib_create();
		struct model *m = malloc(sizeof(*m));
		CU_ASSERT_FATAL(fib && m);
		model_setup(m);
		unsigned bad = 0;
		for (int op = 0; op < 300; op++) {
			if (rnd() % 4 == 0)
				model_toggle_conn(fib, m);
			else
				model_change_route(fib, m);
			bad += model_check(fib, m);
		}
		CU_ASSERT_EQUAL(bad, 0);
		free(m);
		fib_destroy(fib);
	}
}

/* ---------------------------------------------------------------- FIB: differential */

/*
 * The reference value of a prefix encodes its expected path: 1 drop, 2 attached, 3 local,
 * 4 + k gateway k. Every static route has one next hop, in the connected /15, so all of
 * them resolve; a "replace" deletes the route and adds it with another next hop.
 */
#define DIFF_IFX   7
#define DIFF_GWS   64
#define DIFF_LOCAL ip(198, 18, 0, 1)

static uint32_t diff_gw(uint32_t k)
{
	return ip(198, 18, 1, 10) + k;
}

static bool diff_path_ok(const struct fib_path *p, uint32_t want)
{
	if (want == 0)
		return p == NULL;
	if (want == 1)
		return path_is(p, FIB_PATH_DROP, 0, 0);
	if (want == 2)
		return path_is(p, FIB_PATH_ATTACHED, DIFF_IFX, 0);
	if (want == 3)
		return path_is(p, FIB_PATH_LOCAL, DIFF_IFX, 0);
	return path_is(p, FIB_PATH_GATEWAY, DIFF_IFX, diff_gw(want - 4));
}

static bool diff_reserved(uint32_t pfx, uint8_t len)
{
	return (len == 15 && pfx == ip(198, 18, 0, 0)) || (len == 32 && pfx == DIFF_LOCAL);
}

static void fib_random_op(struct fib *fib, struct ref *r)
{
	if (r->n_live > 2 && rnd() % 4 == 0) {
		size_t k = rnd() % r->n_live;
		if (diff_reserved(r->live[k].pfx, r->live[k].len))
			return;
		struct ref_pfx p = ref_del_live(r, k);
		CU_ASSERT_EQUAL(fib_route_del(fib, p.pfx, p.len, NULL), FIB_OK);
		return;
	}
	uint8_t len = random_len();
	uint32_t pfx = rnd() & net_mask(len), k = rnd() % (DIFF_GWS + 1);
	if (diff_reserved(pfx, len) || r->n_live >= r->live_cap)
		return;
	struct fib_nh nh = k == DIFF_GWS ? nh_null0() : nh_ip(diff_gw(k));
	if (ref_find(r, pfx, len) != SIZE_MAX)
		CU_ASSERT_EQUAL(fib_route_del(fib, pfx, len, NULL), FIB_OK);
	ref_put(r, pfx, len, k == DIFF_GWS ? 1 : 4 + k);
	CU_ASSERT_EQUAL(fib_route_add(fib, pfx, len, &nh), FIB_OK);
}

static uint32_t fib_check_all(const struct fib *fib, const struct ref *r, const uint32_t *a,
                              size_t n)
{
	uint32_t bad = 0, res[256];
	for (size_t i = 0; i < n; i += 256) {
		size_t m = n - i < 256 ? n - i : 256;
		fib_lookup_batch(fib, &a[i], res, m);
		for (size_t j = 0; j < m; j++) {
			uint32_t want = ref_lookup(r, a[i + j]), one = fib_lookup(fib, a[i + j]);
			const struct fib_path *p = one ? fib_path_select(fib, one, rnd()) : NULL;
			if ((res[j] != one || !diff_path_ok(p, want)) && bad++ < 5)
				fprintf(stderr, "fib %08x: res %u/%u want %u\n", a[i + j], one,
				        res[j], want);
		}
	}
	return bad;
}

static void test_fib_differential(void)
{
	size_t target = env_size("FIB_TEST_PREFIXES", 100000);
	size_t n_random = env_size("FIB_TEST_ADDRS", 1000000);
	struct fib *fib = fib_create();
	struct ref r;
	bool ref_ok = ref_init(&r, target + 1024);
	CU_ASSERT_FATAL(fib && ref_ok);
	rng_seed(0x0123456789abcdefull);
	CU_ASSERT_EQUAL(fib_connected_add(fib, DIFF_LOCAL, 15, DIFF_IFX), FIB_OK);
	ref_put(&r, ip(198, 18, 0, 0), 15, 2);
	ref_put(&r, DIFF_LOCAL, 32, 3);
	/* A default route, toggled now and then, and /32s come with the random mix. */
	struct fib_nh dflt = nh_ip(diff_gw(1));
	uint32_t bad = 0;
	for (size_t ops = 1; r.n_live < target; ops++) {
		fib_random_op(fib, &r);
		if (ops % 20000 == 0) {
			if (ref_find(&r, 0, 0) == SIZE_MAX) {
				ref_put(&r, 0, 0, 5);
				CU_ASSERT_EQUAL(fib_route_add(fib, 0, 0, &dflt), FIB_OK);
			} else {
				for (size_t k = 0; k < r.n_live; k++)
					if (r.live[k].len == 0)
						ref_del_live(&r, k);
				CU_ASSERT_EQUAL(fib_route_del(fib, 0, 0, NULL), FIB_OK);
			}
		}
		if (ops % 64 == 0) {
			uint32_t a = rnd();
			bad += !diff_path_ok(path_to(fib, a), ref_lookup(&r, a));
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	struct fib_stats st;
	fib_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.routes, r.n_live);
	CU_ASSERT_EQUAL(st.active, r.n_live);
	size_t n;
	uint32_t *a = test_addresses(&r, n_random, &n);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(fib_check_all(fib, &r, a, n), 0);
	free(a);
	ref_free(&r);
	fib_destroy(fib);
}

/* ---------------------------------------------------------------- registry */

static CU_TestInfo lpm_tests[] = {
    {"basic", test_lpm_basic},
    {"chunk edges", test_lpm_edges},
    {"range formats and big chunks", test_lpm_formats},
    {"distinct value limit", test_lpm_leaf_limit},
    {"differential vs naive reference", test_lpm_differential},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo route_tests[] = {
    {"connected and local", test_connected_local},
    {"static via connected, default, /32", test_static_via_connected},
    {"recursive one level", test_recursive_one_level},
    {"unresolved until connected", test_unresolved_until_connected},
    {"ecmp distribution and stability", test_ecmp},
    {"null0", test_null0},
    {"delete semantics", test_delete_semantics},
    {"walk order", test_walk_order},
    {"error codes", test_errors},
    {"match and stats", test_match_and_stats},
    {"resolution vs from-scratch model", test_resolution_model},
    {"differential vs naive reference", test_fib_differential},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fib_lpm", NULL, NULL, NULL, NULL, lpm_tests},
    {"fib_routes", NULL, NULL, NULL, NULL, route_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
