/*
 * test_lpm6.c - the IPv6 LPM (fib/lpm6.h): edges (/0, /128, chunk boundaries), error codes,
 * commit semantics (lookups see the last committed table), and differential tests against
 * a brute-force reference on random overlapping prefix sets with deletes and re-sets.
 */
#include "cu_main.h"
#include "fib/fib.h"
#include "fib/lpm6.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd64() >> 32) % n;
}

static struct fib_lpm6_addr A(const char *s) {
	struct in6_addr a;
	CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &a) == 1);
	return fib_lpm6_addr_from_in6(&a);
}

/* The first len bits of a (the reference's own masking, not the module's). */
static struct fib_lpm6_addr
truncate(struct fib_lpm6_addr a, unsigned len)
{
	if (len < 64) {
		a.hi = len ? a.hi & ~(~0ull >> len) : 0;
		a.lo = 0;
	} else if (len < 128) {
		a.lo = len > 64 ? a.lo & ~(~0ull >> (len - 64)) : 0;
	}
	return a;
}

static struct fib_lpm6_addr last_of(struct fib_lpm6_addr a, unsigned len)
{
	if (len < 64) {
		a.hi |= len ? ~0ull >> len : ~0ull;
		a.lo = ~0ull;
	} else if (len < 128) {
		a.lo |= len > 64 ? ~0ull >> (len - 64) : ~0ull;
	}
	return a;
}

static bool covers(struct fib_lpm6_addr p, unsigned len, struct fib_lpm6_addr a)
{
	struct fib_lpm6_addr t = truncate(a, len);
	return t.hi == p.hi && t.lo == p.lo;
}

static struct fib_lpm6_addr addr_add(struct fib_lpm6_addr a, int d)
{
	if (d > 0) {
		a.lo++;
		a.hi += a.lo == 0;
	} else if (d < 0) {
		a.hi -= a.lo == 0;
		a.lo--;
	}
	return a;
}

/* ---------------------------------------------------------------- the reference */

struct ref_pfx {
	struct fib_lpm6_addr p;
	unsigned len;
	uint32_t val;
	bool live;
};

struct ref {
	struct ref_pfx *v;
	size_t n;
};

static uint32_t ref_lookup(const struct ref *r, struct fib_lpm6_addr a)
{
	int best = -1;
	uint32_t val = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct ref_pfx *p = &r->v[i];
		if (p->live && (int)p->len > best && covers(p->p, p->len, a)) {
			best = (int)p->len;
			val = p->val;
		}
	}
	return val;
}

/* ---------------------------------------------------------------- edge tests */

static void test_empty_and_errors(void)
{
	struct fib_lpm6 *lpm = fib_lpm6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8::1")), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("::")), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8::"), 32, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8::"), 129, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8::1"), 64, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("8000::"), 0, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("2001:db8::"), 32), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("::"), 0), FIB_E_NOENT);
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("2001:db8::1"), 64), FIB_E_INVAL);
	CU_ASSERT_EQUAL(fib_lpm6_count(lpm), 0);
	CU_ASSERT_FALSE(fib_lpm6_staged(lpm));
	fib_lpm6_destroy(lpm);
	fib_lpm6_destroy(NULL);
}

static void test_in6_conversion(void)
{
	struct fib_lpm6_addr a = A("2001:db8:1:2:3:4:5:6");
	CU_ASSERT_EQUAL(a.hi, 0x20010db800010002ull);
	CU_ASSERT_EQUAL(a.lo, 0x0003000400050006ull);
	struct in6_addr b = fib_lpm6_addr_to_in6(a), c;
	inet_pton(AF_INET6, "2001:db8:1:2:3:4:5:6", &c);
	CU_ASSERT_EQUAL(memcmp(&b, &c, sizeof(b)), 0);
}

static void test_default_and_host_edges(void)
{
	struct fib_lpm6 *lpm = fib_lpm6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("::"), 0, 7), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("::"), 128, 1), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 128, 2), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8::"), 32, 3), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8:0:1::"), 64, 4), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8:0:1::5"), 128, 5), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:db8:0:1:ffff:ffff:ffff:ffff"), 128, 6), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_count(lpm), 7);

	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("::")), 1);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("::1")), 7);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), 2);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")), 7);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")), 7);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8::")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1::")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1::4")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1::5")), 5);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1::6")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1:ffff:ffff:ffff:fffe")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1:ffff:ffff:ffff:ffff")), 6);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:2::")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db9::")), 7);
	CU_ASSERT_EQUAL(fib_lpm6_get(lpm, A("2001:db8:0:1::"), 64), 4);
	CU_ASSERT_EQUAL(fib_lpm6_get(lpm, A("2001:db8:0:1::"), 63), 0);
	CU_ASSERT_EQUAL(fib_lpm6_get(lpm, A("::"), 0), 7);

	/* the default route removed: outside every prefix is a miss again */
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("::"), 0), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("::1")), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("::")), 1);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:0:1::6")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db9::")), 0);
	fib_lpm6_destroy(lpm);
}

/* Prefixes shorter than the direct table's bits span chunks: each chunk sees its cover. */
static void test_short_prefixes_span_chunks(void)
{
	struct fib_lpm6 *lpm = fib_lpm6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2000::"), 3, 1), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001::"), 16, 2), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:e000::"), 19, 3), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("2001:f000::"), 20, 4), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("3fff::1")), 1);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("4000::")), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:0::")), 2);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:dfff:ffff::")), 2);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:e000::")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:efff::")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:f000::")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:ffff::")), 4);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2002::")), 1);
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("2001::"), 16), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:dfff::")), 1);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:e000::")), 3);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:ffff::")), 4);
	fib_lpm6_destroy(lpm);
}

static void test_commit_semantics(void)
{
	struct fib_lpm6 *lpm = fib_lpm6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	struct fib_lpm6_addr p = A("2001:db8:10::"), h = A("2001:db8:10::1");
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, p, 48, 10), 0);
	CU_ASSERT_TRUE(fib_lpm6_staged(lpm));
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 0); /* staged, not committed */
	CU_ASSERT_EQUAL(fib_lpm6_get(lpm, p, 48), 10);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_FALSE(fib_lpm6_staged(lpm));
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 10);

	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, p, 48, 11), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, h, 128, 12), 0);
	CU_ASSERT_EQUAL(fib_lpm6_set(lpm, A("::"), 0, 13), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 10);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:11::")), 0);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 12);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:10::2")), 11);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:11::")), 13);

	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, h, 128), 0);
	CU_ASSERT_EQUAL(fib_lpm6_del(lpm, A("::"), 0), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 12);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:11::")), 13);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, h), 11);
	CU_ASSERT_EQUAL(fib_lpm6_lookup(lpm, A("2001:db8:11::")), 0);
	fib_lpm6_destroy(lpm);
}

/* ---------------------------------------------------------------- differential */

#define N_BASES 12

static struct fib_lpm6_addr bases[N_BASES];

/* Lengths weighted as a router's table: mostly /32../64 and /128, some of everything. */
static unsigned random_len(void)
{
	uint32_t r = rnd_below(100);
	if (r < 5)
		return rnd_below(20); /* /0../19: span chunks */
	if (r < 12)
		return 20 + rnd_below(12);
	if (r < 62)
		return 32 + rnd_below(33);
	if (r < 75)
		return 65 + rnd_below(63);
	return 128;
}

/* An address near one of the bases (a few bits flipped), so prefixes nest and overlap. */
static struct fib_lpm6_addr random_addr(void)
{
	struct fib_lpm6_addr a = bases[rnd_below(N_BASES)];
	unsigned flips = rnd_below(4);
	for (unsigned i = 0; i < flips; i++) {
		unsigned bit = 12 + rnd_below(116);
		if (bit < 64)
			a.hi ^= 1ull << (63 - bit);
		else
			a.lo ^= 1ull << (127 - bit);
	}
	if (rnd_below(8) == 0)
		a = (struct fib_lpm6_addr){rnd64(), rnd64()};
	return a;
}

static void check_addr(const struct fib_lpm6 *lpm, const struct ref *r, struct fib_lpm6_addr a,
                       int *bad)
{
	uint32_t want = ref_lookup(r, a), got = fib_lpm6_lookup(lpm, a);
	if (want != got && (*bad)++ < 5)
		CU_FAIL("lookup differs from the reference");
}

/* Random addresses, and each prefix's first and last addresses and their neighbours. */
static void check_all(const struct fib_lpm6 *lpm, const struct ref *r, size_t n_random)
{
	int bad = 0;
	for (size_t i = 0; i < n_random; i++)
		check_addr(lpm, r, random_addr(), &bad);
	for (size_t i = 0; i < r->n; i++) {
		struct fib_lpm6_addr first = r->v[i].p, last = last_of(first, r->v[i].len);
		check_addr(lpm, r, first, &bad);
		check_addr(lpm, r, last, &bad);
		check_addr(lpm, r, addr_add(first, -1), &bad);
		check_addr(lpm, r, addr_add(last, 1), &bad);
	}
	/* the batch gives what single lookups give */
	enum { B = 67 };
	struct fib_lpm6_addr addr[B];
	uint32_t out[B];
	for (int k = 0; k < 20; k++) {
		for (int i = 0; i < B; i++)
			addr[i] = random_addr();
		fib_lpm6_lookup_batch(lpm, addr, out, B);
		for (int i = 0; i < B; i++)
			if (out[i] != fib_lpm6_lookup(lpm, addr[i]) && bad++ < 5)
				CU_FAIL("batch lookup differs from single lookup");
	}
	/* a lookup-only copy gives what the reference gives */
	size_t words = fib_lpm6_copy_words(lpm);
	uint64_t *direct = malloc(FIB_LPM6_CHUNKS * sizeof(*direct));
	uint64_t *pool = malloc((words + 1) * sizeof(*pool));
	CU_ASSERT_PTR_NOT_NULL_FATAL(direct);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	fib_lpm6_copy(lpm, direct, pool);
	const struct fib_lpm6_view view = {direct, pool};
	for (int k = 0; k < 20; k++) {
		for (int i = 0; i < B; i++)
			addr[i] = random_addr();
		fib_lpm6_view_lookup_batch(&view, addr, out, B);
		for (int i = 0; i < B; i++)
			if ((out[i] != ref_lookup(r, addr[i]) ||
			     fib_lpm6_view_lookup(&view, addr[i]) != out[i]) &&
			    bad++ < 5)
				CU_FAIL("lookup in the copy differs from the reference");
	}
	free(direct);
	free(pool);
	CU_ASSERT_EQUAL(bad, 0);
}

static struct ref_pfx *ref_find(struct ref *r, struct fib_lpm6_addr p, unsigned len)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].len == len && r->v[i].p.hi == p.hi && r->v[i].p.lo == p.lo)
			return &r->v[i];
	return NULL;
}

static void add_random(struct fib_lpm6 *lpm, struct ref *r, size_t n, size_t cap)
{
	for (size_t k = 0; k < n && r->n < cap; k++) {
		unsigned len = random_len();
		struct fib_lpm6_addr p = truncate(random_addr(), len);
		uint32_t val = 1 + rnd_below(1000);
		CU_ASSERT_EQUAL(fib_lpm6_set(lpm, p, len, val), 0);
		struct ref_pfx *e = ref_find(r, p, len);
		if (!e) {
			e = &r->v[r->n++];
			*e = (struct ref_pfx){.p = p, .len = len};
		}
		e->val = val;
		e->live = true;
	}
}

static size_t ref_live(const struct ref *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].live;
	return n;
}

static void run_differential(uint64_t seed, size_t n_pfx, size_t rounds)
{
	rng_state = seed;
	for (int i = 0; i < N_BASES; i++)
		bases[i] = (struct fib_lpm6_addr){rnd64(), rnd64()};
	bases[0].hi = 0x20010db800000000ull; /* two bases in one chunk, one /64 apart */
	bases[1].hi = 0x20010db800000001ull;

	struct fib_lpm6 *lpm = fib_lpm6_create();
	size_t cap = n_pfx * (rounds + 1);
	struct ref r = {calloc(cap, sizeof(*r.v)), 0};
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.v);

	add_random(lpm, &r, n_pfx, cap);
	CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
	CU_ASSERT_EQUAL(fib_lpm6_count(lpm), ref_live(&r));
	check_all(lpm, &r, 20000);
	for (size_t round = 0; round < rounds; round++) {
		/* delete a third, re-set some deleted ones with new values, add fresh ones */
		for (size_t i = 0; i < r.n; i++) {
			struct ref_pfx *e = &r.v[i];
			if (e->live && rnd_below(3) == 0) {
				CU_ASSERT_EQUAL(fib_lpm6_del(lpm, e->p, e->len), 0);
				e->live = false;
			} else if (!e->live && rnd_below(2) == 0) {
				e->val = 1 + rnd_below(1000);
				CU_ASSERT_EQUAL(fib_lpm6_set(lpm, e->p, e->len, e->val), 0);
				e->live = true;
			}
		}
		add_random(lpm, &r, n_pfx / 4, cap);
		CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
		CU_ASSERT_EQUAL(fib_lpm6_count(lpm), ref_live(&r));
		check_all(lpm, &r, 10000);
		for (size_t i = 0; i < r.n; i++)
			if (fib_lpm6_get(lpm, r.v[i].p, r.v[i].len) !=
			    (r.v[i].live ? r.v[i].val : 0))
				CU_FAIL("get differs from the reference");
	}
	fib_lpm6_destroy(lpm);
	free(r.v);
}

static void test_differential_small(void)
{
	for (uint64_t s = 1; s <= 20; s++)
		run_differential(0x9e3779b97f4a7c15ull * s, 40, 4);
}

static void test_differential_large(void)
{
	run_differential(0x1234567887654321ull, 3000, 5);
}

/* One chunk holding thousands of prefixes: long searches, blocks moved and repacked. */
static void test_crowded_chunk(void)
{
	struct fib_lpm6 *lpm = fib_lpm6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(lpm);
	rng_state = 42;
	const uint64_t base = 0x20010db800000000ull;
	for (int round = 0; round < 6; round++) {
		for (uint64_t i = 0; i < 2000; i++) {
			struct fib_lpm6_addr p = {base | i << 16, 0};
			uint32_t want = (uint32_t)(round * 10000 + i + 1);
			CU_ASSERT_EQUAL(fib_lpm6_set(lpm, p, 48, want), 0);
			if (round & 1)
				CU_ASSERT_EQUAL(fib_lpm6_set(lpm,
				                             (struct fib_lpm6_addr){p.hi, i + 1},
				                             128, want + 5000),
				                0);
		}
		CU_ASSERT_EQUAL(fib_lpm6_commit(lpm), 0);
		int bad = 0;
		for (uint64_t i = 0; i < 2000; i++) {
			uint32_t want = (uint32_t)(round * 10000 + i + 1);
			struct fib_lpm6_addr a = {base | i << 16 | 0xffff, ~0ull};
			bad += fib_lpm6_lookup(lpm, a) != want;
			a = (struct fib_lpm6_addr){base | i << 16, i + 1};
			bad += fib_lpm6_lookup(lpm, a) != ((round & 1) ? want + 5000 : want);
		}
		CU_ASSERT_EQUAL(bad, 0);
		if (round & 1)
			for (uint64_t i = 0; i < 2000; i++)
				CU_ASSERT_EQUAL(
				    fib_lpm6_del(lpm, (struct fib_lpm6_addr){base | i << 16, i + 1},
				                 128),
				    0);
	}
	size_t lookup = 0, total = 0;
	fib_lpm6_mem(lpm, &lookup, &total);
	CU_ASSERT_TRUE(lookup > 0 && total >= lookup);
	fib_lpm6_destroy(lpm);
}

static CU_TestInfo tests[] = {
    {"empty table and error codes", test_empty_and_errors},
    {"in6_addr conversion", test_in6_conversion},
    {"default route, /128 edges, nesting", test_default_and_host_edges},
    {"prefixes shorter than a chunk", test_short_prefixes_span_chunks},
    {"lookups see the last commit", test_commit_semantics},
    {"crowded chunk", test_crowded_chunk},
    {"differential, small tables", test_differential_small},
    {"differential, 3000 prefixes", test_differential_large},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fib_lpm6", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
