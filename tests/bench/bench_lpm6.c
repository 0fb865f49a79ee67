/*
 * bench_lpm6 - IPv6 LPM (fib/lpm6.h) build time, memory, update rate and lookup rate on
 * random prefixes, then the IPv6 FIB (fib/fib6.h) over the same prefixes.
 *
 * Usage: bench_lpm6 [PREFIXES]   (default 1000000)
 *
 * Prefixes are distinct, under 2000::/3 (global unicast, as a real table), with random
 * bits and this length mix (a router's table: allocations /29../48, subnets /64, host
 * routes /128): /16../28 2%, /29../31 3%, /32 12%, /33../47 20%, /48 35%, /49../63 5%,
 * /64 15%, /128 8%. Values are 256 distinct ids (next-hop groups).
 *
 * Lookup addresses hit: each is a random prefix of the table with random host bits,
 * drawn into an array of 1M beforehand (read sequentially, so prefetched by the CPU).
 * "independent" lookups do not depend on each other; "dependent" feeds each result into
 * the next address (latency); "batched" is fib_lpm6_lookup_batch() over 256 addresses at a
 * time. Each lookup figure is the median of 5 runs.
 *
 * Then the same prefixes through the IPv6 FIB (fib/fib6.h): fib6_route_add() of each (each
 * applied at once), next hops on 4 connected /64s making 256 groups, a lookup-only copy
 * (fib6_fwd_build(), median of 5) and fib6_fwd_route_batch() - lookup and path - over 256
 * packets at a time, as the workers call it.
 */
#include "common/mem.h"
#include "fib/fib6.h"
#include "fib/lpm6.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PREFIXES 1000000u
#define MAX_PREFIXES     4000000u
#define N_VALUES         256u
#define N_UPDATES        100000u /* insert + delete pairs */
#define N_ADDRS          (1u << 20)
#define N_LOOKUPS        (1u << 23) /* per run */
#define RUNS             5
#define BATCH            256u

struct pfx {
	struct fib_lpm6_addr p;
	uint8_t len;
	uint32_t val;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() >> 32) % n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t random_len(void)
{
	static const struct {
		unsigned upto; /* cumulative per mille */
		uint8_t lo, hi;
	} mix[] = {{20, 16, 28},  {50, 29, 31},  {170, 32, 32}, {370, 33, 47},
	           {720, 48, 48}, {770, 49, 63}, {920, 64, 64}, {1000, 128, 128}};
	unsigned r = rnd_below(1000);
	for (size_t i = 0;; i++)
		if (r < mix[i].upto)
			return (uint8_t)(mix[i].lo + rnd_below(mix[i].hi - mix[i].lo + 1u));
}

static struct fib_lpm6_addr host_mask(unsigned len)
{
	struct fib_lpm6_addr m;
	m.hi = len >= 64 ? 0 : ~0ull >> len;
	m.lo = len >= 128 ? 0 : (len <= 64 ? ~0ull : ~0ull >> (len - 64));
	return m;
}

static struct pfx random_pfx(void)
{
	uint8_t len = random_len();
	struct fib_lpm6_addr m = host_mask(len);
	uint64_t hi = (rnd() >> 3) | 0x2000000000000000ull;
	return (struct pfx){{hi & ~m.hi, rnd() & ~m.lo}, len, 1 + rnd_below(N_VALUES)};
}

static int pfx_cmp(const void *a, const void *b)
{
	const struct pfx *x = a, *y = b;
	if (x->p.hi != y->p.hi)
		return x->p.hi < y->p.hi ? -1 : 1;
	if (x->p.lo != y->p.lo)
		return x->p.lo < y->p.lo ? -1 : 1;
	return (int)x->len - (int)y->len;
}

/* n + extra distinct random prefixes, in random order (the extra ones for the updates). */
static struct pfx *make_prefixes(size_t n)
{
	size_t cap = n + n / 8 + 1024, have = 0;
	struct pfx *v = malloc(cap * sizeof(*v));
	if (!v)
		return NULL;
	while (have < n) {
		while (have < cap)
			v[have++] = random_pfx();
		qsort(v, have, sizeof(*v), pfx_cmp);
		size_t k = 1;
		for (size_t i = 1; i < have; i++)
			if (pfx_cmp(&v[i], &v[k - 1]))
				v[k++] = v[i];
		have = k;
	}
	for (size_t i = have - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		struct pfx t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	return v;
}

/* Addresses under random prefixes of the table (so they hit). */
static struct fib_lpm6_addr *make_addrs(const struct pfx *v, size_t n)
{
	struct fib_lpm6_addr *a = malloc(N_ADDRS * sizeof(*a));
	if (!a)
		return NULL;
	for (size_t i = 0; i < N_ADDRS; i++) {
		const struct pfx *p = &v[rnd() % n];
		struct fib_lpm6_addr m = host_mask(p->len);
		a[i] = (struct fib_lpm6_addr){p->p.hi | (rnd() & m.hi), p->p.lo | (rnd() & m.lo)};
	}
	return a;
}

static volatile uint32_t sink;

static double time_independent(const struct fib_lpm6 *lpm, const struct fib_lpm6_addr *a)
{
	uint32_t acc = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS; i++)
		acc ^= fib_lpm6_lookup(lpm, a[i & (N_ADDRS - 1)]);
	double secs = now() - t0;
	sink = acc;
	return N_LOOKUPS / secs / 1e6;
}

static double time_dependent(const struct fib_lpm6 *lpm, const struct fib_lpm6_addr *a)
{
	uint32_t res = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS / 4; i++) {
		struct fib_lpm6_addr x = a[(i + (res & 1)) & (N_ADDRS - 1)];
		res = fib_lpm6_lookup(lpm, x);
	}
	double secs = now() - t0;
	sink = res;
	return N_LOOKUPS / 4 / secs / 1e6;
}

static double time_batched(const struct fib_lpm6 *lpm, const struct fib_lpm6_addr *a,
                           uint32_t *misses)
{
	uint32_t res[BATCH], acc = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS; i += BATCH) {
		fib_lpm6_lookup_batch(lpm, a + (i & (N_ADDRS - 1)), res, BATCH);
		acc ^= res[i / BATCH % BATCH];
	}
	double secs = now() - t0;
	sink = acc;
	*misses = 0;
	for (uint32_t i = 0; i < N_ADDRS; i += BATCH) {
		fib_lpm6_lookup_batch(lpm, a + i, res, BATCH);
		for (uint32_t j = 0; j < BATCH; j++)
			*misses += res[j] == 0;
	}
	return N_LOOKUPS / secs / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(double), dbl_cmp);
	return v[RUNS / 2];
}

/* ---------------------------------------------------------------- the FIB on top */

#define FIB_IFS 4

/* fd00:0:0:IF::/64 on interface IF + 1: outside 2000::/3, so no prefix of the table. */
static struct in6_addr fib_subnet_addr(unsigned ifi, unsigned host)
{
	struct in6_addr a = {{{0xfd, 0, 0, 0, 0, 0, 0, (uint8_t)ifi}}};
	a.s6_addr[14] = (uint8_t)(host >> 8);
	a.s6_addr[15] = (uint8_t)host;
	return a;
}

static struct fib6 *fib_build(const struct pfx *v, size_t n, double *secs)
{
	struct fib6 *fib = fib6_create();
	for (unsigned i = 0; fib && i < FIB_IFS; i++) {
		struct in6_addr a = fib_subnet_addr(i, 1);
		if (fib6_connected_add(fib, &a, 64, (uint16_t)(i + 1)))
			return NULL;
	}
	double t0 = now();
	for (size_t i = 0; fib && i < n; i++) {
		struct fib6_nh nh = {
		    .kind = FIB_NH_IP,
		    .ip = fib_subnet_addr(v[i].val % FIB_IFS, 2 + v[i].val / FIB_IFS)};
		struct in6_addr p = fib_lpm6_addr_to_in6(v[i].p);
		if (fib6_route_add(fib, &p, v[i].len, &nh))
			return NULL;
	}
	*secs = now() - t0;
	return fib;
}

static double time_fwd_build(const struct fib6 *fib)
{
	double t[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();
		struct fib6_fwd *f = fib6_fwd_build(fib);
		t[r] = now() - t0;
		fib6_fwd_free(f);
	}
	return median(t);
}

static double time_route_batch(const struct fib6_fwd *f, const struct in6_addr *const *dst,
                               uint32_t *misses)
{
	const struct fib6_path *path[BATCH];
	uint32_t hash[BATCH];
	for (uint32_t j = 0; j < BATCH; j++)
		hash[j] = (uint32_t)rnd();
	uintptr_t acc = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS; i += BATCH) {
		fib6_fwd_route_batch(f, dst + (i & (N_ADDRS - 1)), hash, path, BATCH);
		acc ^= (uintptr_t)path[i / BATCH % BATCH];
	}
	double secs = now() - t0;
	sink = (uint32_t)acc;
	*misses = 0;
	for (uint32_t i = 0; i < N_ADDRS; i += BATCH) {
		fib6_fwd_route_batch(f, dst + i, hash, path, BATCH);
		for (uint32_t j = 0; j < BATCH; j++)
			*misses += path[j] == NULL;
	}
	return N_LOOKUPS / secs / 1e6;
}

static int bench_fib(const struct pfx *v, size_t n, const struct fib_lpm6_addr *addrs)
{
	struct in6_addr *a6 = malloc(N_ADDRS * sizeof(*a6));
	const struct in6_addr **dst = malloc(N_ADDRS * sizeof(*dst));
	double build;
	struct fib6 *fib = a6 && dst ? fib_build(v, n, &build) : NULL;
	if (!fib)
		return 1;
	for (uint32_t i = 0; i < N_ADDRS; i++) {
		a6[i] = fib_lpm6_addr_to_in6(addrs[i]);
		dst[i] = &a6[i];
	}
	/* the first copy's resident cost, before freed copies leave pages to reuse */
	size_t rss0 = mem_rss_bytes();
	struct fib6_fwd *f = fib6_fwd_build(fib);
	size_t rss_copy = mem_rss_bytes() - rss0;
	double copy = time_fwd_build(fib);
	double batched[RUNS];
	uint32_t misses = 0;
	for (int r = 0; f && r < RUNS; r++)
		batched[r] = time_route_batch(f, dst, &misses);
	if (!f || misses) {
		fprintf(stderr, "bench_lpm6: the FIB copy missed %u covered addresses\n", misses);
		return 1;
	}
	struct fib_stats st;
	fib6_get_stats(fib, &st);
	printf("\n| FIB6 | build (s) | total MiB | groups | copy build (ms) | copy MiB (RSS MiB) | "
	       "route batch x256 (M/s) |\n|---|---:|---:|---:|---:|---:|---:|\n");
	printf("| %zu prefixes | %.3f | %.1f | %zu | %.1f | %.1f (%.1f) | %.1f |\n", n, build,
	       (double)st.total_bytes / (1 << 20), st.groups, copy * 1e3,
	       (double)fib6_fwd_bytes(f) / (1 << 20), (double)rss_copy / (1 << 20),
	       median(batched));
	printf("\nFIB6: fib6_route_add() x N, each applied at once; copy: fib6_fwd_build(); route "
	       "batch: fib6_fwd_route_batch() on the copy, lookup + ECMP path.\n");
	fib6_fwd_free(f);
	fib6_destroy(fib);
	free(dst);
	free(a6);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = DEFAULT_PREFIXES;
	if (argc > 1) {
		char *end;
		unsigned long v = strtoul(argv[1], &end, 10);
		if (*end || v == 0 || v > MAX_PREFIXES) {
			fprintf(stderr, "usage: %s [PREFIXES (1..%u)]\n", argv[0], MAX_PREFIXES);
			return 2;
		}
		n = v;
	}
	/* the table's n, then N_UPDATES fresh ones (distinct from them) for the updates */
	struct pfx *v = make_prefixes(n + N_UPDATES);
	struct fib_lpm6_addr *addrs = v ? make_addrs(v, n) : NULL;
	struct fib_lpm6 *lpm = fib_lpm6_create();
	if (!addrs || !lpm) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}

	double t0 = now();
	for (size_t i = 0; i < n; i++)
		if (fib_lpm6_set(lpm, v[i].p, v[i].len, v[i].val))
			return 1;
	if (fib_lpm6_commit(lpm))
		return 1;
	double build = now() - t0;
	size_t lookup_bytes, total_bytes;
	fib_lpm6_mem(lpm, &lookup_bytes, &total_bytes);

	const struct pfx *fresh = v + n;
	t0 = now();
	for (size_t i = 0; i < N_UPDATES; i++)
		if (fib_lpm6_set(lpm, fresh[i].p, fresh[i].len, fresh[i].val) ||
		    fib_lpm6_commit(lpm) || fib_lpm6_del(lpm, fresh[i].p, fresh[i].len) ||
		    fib_lpm6_commit(lpm))
			return 1;
	double upd = 2.0 * N_UPDATES / (now() - t0);

	double single[RUNS], dep[RUNS], batched[RUNS];
	uint32_t misses = 0;
	for (int r = 0; r < RUNS; r++) {
		single[r] = time_independent(lpm, addrs);
		dep[r] = time_dependent(lpm, addrs);
		batched[r] = time_batched(lpm, addrs, &misses);
	}
	if (misses) {
		fprintf(stderr, "bench_lpm6: %u lookups of covered addresses missed\n", misses);
		return 1;
	}

	printf("bench_lpm6: DXR D%uR (IPv6), %zu random prefixes under 2000::/3 (mix: /16-/31 5%%, "
	       "/32 12%%, /33-/47 20%%, /48 35%%, /49-/63 5%%, /64 15%%, /128 8%%), %u distinct "
	       "values\n\n",
	       FIB_LPM6_DBITS, n, N_VALUES);
	printf(
	    "| build (s) | lookup MiB | total MiB | updates (M/s) | single indep. (M/s) | single "
	    "dep. (M/s) | batched x256 (M/s) |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	printf("| %.3f | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f |\n", build,
	       (double)lookup_bytes / (1 << 20), (double)total_bytes / (1 << 20), upd / 1e6,
	       median(single), median(dep), median(batched));
	printf("\nbuild: fib_lpm6_set() x N + one commit. lookup MiB: direct table + range blocks; "
	       "total MiB: everything, incl. the prefix store.\nupdates: insert + delete of fresh "
	       "prefixes on the loaded table, each committed. Lookups: addresses under random "
	       "prefixes of the table (all hit), median of %d runs.\n",
	       RUNS);
	fib_lpm6_destroy(lpm);
	int rc = bench_fib(v, n, addrs);
	free(addrs);
	free(v);
	return rc;
}
