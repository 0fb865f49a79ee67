/*
 * bench_lpm - LPM build time, memory, update rate and lookup rate on random prefixes.
 *
 * Usage: bench_lpm [PREFIXES]   (default 1000000)
 *
 * Prefixes are distinct, with uniformly random bits and this length mix (roughly a BGP
 * table's shape): /24 60%, /23 8%, /22 10%, /21 4%, /20 4%, /19 3%, /18 2%, /17 1%,
 * /16 2%, /8../15 1% (uniform), /25../31 3% (uniform), /32 2%. Values are 256 distinct
 * ids, as when many prefixes share a few next-hop groups.
 *
 * Three layers are measured: the LPM alone (fib/lpm.h, what fib_lookup() runs), the
 * whole FIB through its public API (fib_route_add() of static routes via 256 next hops on
 * 64 connected subnets, so every route is resolved and grouped like in the gateway), and
 * the FIB's lookup-only copy that worker threads read (fib_fwd_build() of that FIB, after
 * its updates; its "build" is the copy's, median of 5).
 * Lookup addresses are uniformly random, generated in registers (xorshift) so the address
 * stream adds no memory traffic. "independent" lookups do not depend on each other (the
 * CPU may overlap them); "dependent" feeds each result into the next address (latency);
 * "batched" is fib_lookup_batch() over 256 addresses at a time. Each lookup figure is the
 * median of 5 runs: the machine is a VM whose cache and memory are shared with others.
 */
#include "common/net.h"
#include "fib/fib.h"
#include "fib/lpm.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PREFIXES 1000000u
#define MAX_PREFIXES     4000000u
#define N_VALUES         256u
#define N_UPDATES        200000u    /* insert + delete pairs */
#define N_LOOKUPS        (1u << 24) /* per run, independent and batched */
#define N_DEP_LOOKUPS    (1u << 22) /* per run, dependent chain (slower) */
#define RUNS             5          /* each lookup figure is the median of these */
#define BATCH            256u
#define N_IFACES         64u

struct pfx {
	uint32_t pfx;
	uint8_t len;
	uint32_t val;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Length by the mix in the header comment (per-mille thresholds). */
static uint8_t random_len(void)
{
	static const struct {
		unsigned upto; /* cumulative per mille */
		uint8_t lo, hi;
	} mix[] = {{600, 24, 24}, {680, 23, 23}, {780, 22, 22}, {820, 21, 21},
	           {860, 20, 20}, {890, 19, 19}, {910, 18, 18}, {920, 17, 17},
	           {940, 16, 16}, {950, 8, 15},  {980, 25, 31}, {1000, 32, 32}};
	unsigned r = rnd() % 1000;
	for (size_t i = 0;; i++)
		if (r < mix[i].upto)
			return (uint8_t)(mix[i].lo + rnd() % (mix[i].hi - mix[i].lo + 1u));
}

static struct pfx random_pfx(void)
{
	uint8_t len = random_len();
	return (struct pfx){rnd() & net_mask(len), len, 1 + rnd() % N_VALUES};
}

static int pfx_cmp(const void *a, const void *b)
{
	const struct pfx *x = a, *y = b;
	if (x->pfx != y->pfx)
		return x->pfx < y->pfx ? -1 : 1;
	return (int)x->len - (int)y->len;
}

/* n distinct random prefixes, in random order. */
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

struct result {
	const char *layer;
	double build_s, upd_per_s, single_mps, dep_mps, batch_mps;
	size_t lookup_bytes, total_bytes;
};

static double mps(double n, double secs)
{
	return n / secs / 1e6;
}

/* ---------------------------------------------------------------- lookup loops */

typedef uint32_t (*lookup_fn)(const void *t, uint32_t a);
typedef void (*batch_fn)(const void *t, const uint32_t *a, uint32_t *r, size_t n);

static volatile uint32_t sink;

static double time_independent(const void *t, lookup_fn fn)
{
	uint32_t acc = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS; i++)
		acc ^= fn(t, rnd());
	double secs = now() - t0;
	sink = acc;
	return mps(N_LOOKUPS, secs);
}

static double time_dependent(const void *t, lookup_fn fn)
{
	uint32_t res = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_DEP_LOOKUPS; i++)
		res = fn(t, rnd() ^ res);
	double secs = now() - t0;
	sink = res;
	return mps(N_DEP_LOOKUPS, secs);
}

static double time_batched(const void *t, batch_fn fn)
{
	uint32_t addr[BATCH], res[BATCH], acc = 0;
	double t0 = now();
	for (uint32_t i = 0; i < N_LOOKUPS; i += BATCH) {
		for (uint32_t j = 0; j < BATCH; j++)
			addr[j] = rnd();
		fn(t, addr, res, BATCH);
		acc ^= res[i / BATCH % BATCH];
	}
	double secs = now() - t0;
	sink = acc;
	return mps(N_LOOKUPS, secs);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A table to time: its lookup functions and where its figures go. */
struct target {
	const void *t;
	lookup_fn one;
	batch_fn batch;
	struct result *res;
};

#define MAX_TARGETS 2

static double median(double *v)
{
	qsort(v, RUNS, sizeof(double), dbl_cmp);
	return v[RUNS / 2];
}

/* The three lookup figures of each target, each the median of RUNS runs (interleaved).
 * Several targets take turns run by run, so a noisy stretch of the VM hits them alike. */
static void time_lookups(const struct target *v, int k)
{
	double single[MAX_TARGETS][RUNS], dep[MAX_TARGETS][RUNS], batched[MAX_TARGETS][RUNS];
	for (int r = 0; r < RUNS; r++) {
		for (int i = 0; i < k; i++)
			single[i][r] = time_independent(v[i].t, v[i].one);
		for (int i = 0; i < k; i++)
			dep[i][r] = time_dependent(v[i].t, v[i].one);
		for (int i = 0; i < k; i++)
			batched[i][r] = time_batched(v[i].t, v[i].batch);
	}
	for (int i = 0; i < k; i++) {
		v[i].res->single_mps = median(single[i]);
		v[i].res->dep_mps = median(dep[i]);
		v[i].res->batch_mps = median(batched[i]);
	}
}

static uint32_t lpm_one(const void *t, uint32_t a)
{
	return fib_lpm_lookup(t, a);
}

static void lpm_batch(const void *t, const uint32_t *a, uint32_t *r, size_t n)
{
	fib_lpm_lookup_batch(t, a, r, n);
}

static uint32_t fib_one(const void *t, uint32_t a)
{
	return fib_lookup(t, a);
}

static void fib_batch(const void *t, const uint32_t *a, uint32_t *r, size_t n)
{
	fib_lookup_batch(t, a, r, n);
}

static uint32_t fwd_one(const void *t, uint32_t a)
{
	return fib_fwd_lookup(t, a);
}

static void fwd_batch(const void *t, const uint32_t *a, uint32_t *r, size_t n)
{
	fib_fwd_lookup_batch(t, a, r, n);
}

/* ---------------------------------------------------------------- the LPM alone */

static int bench_lpm(const struct pfx *v, size_t n, const struct pfx *fresh, struct result *res)
{
	struct fib_lpm *lpm = fib_lpm_create();
	if (!lpm)
		return -1;
	double t0 = now();
	for (size_t i = 0; i < n; i++)
		if (fib_lpm_set(lpm, v[i].pfx, v[i].len, v[i].val))
			return -1;
	if (fib_lpm_commit(lpm))
		return -1;
	res->build_s = now() - t0;
	fib_lpm_mem(lpm, &res->lookup_bytes, &res->total_bytes);

	t0 = now();
	for (size_t i = 0; i < N_UPDATES; i++) {
		if (fib_lpm_set(lpm, fresh[i].pfx, fresh[i].len, fresh[i].val) ||
		    fib_lpm_commit(lpm) || fib_lpm_del(lpm, fresh[i].pfx, fresh[i].len) ||
		    fib_lpm_commit(lpm))
			return -1;
	}
	res->upd_per_s = 2.0 * N_UPDATES / (now() - t0);

	time_lookups(&(struct target){lpm, lpm_one, lpm_batch, res}, 1);
	fib_lpm_destroy(lpm);
	return 0;
}

/* ---------------------------------------------------------------- the whole FIB */

static struct fib_nh next_hop(uint32_t val)
{
	uint32_t j = val - 1; /* 0..255 */
	uint32_t ip = 0x64400000u | (j % N_IFACES) << 8 | (10 + j / N_IFACES);
	return (struct fib_nh){.kind = FIB_NH_IP, .ip = ip};
}

/* Before timing the copy: it must give the FIB's paths (a figure of a broken copy is
 * worth nothing). Random addresses, the address as the flow hash. */
static int fwd_check(const struct fib *fib, const struct fib_fwd *fwd)
{
	for (uint32_t i = 0; i < (1u << 20); i++) {
		uint32_t a = rnd(), r1 = fib_lookup(fib, a), r2 = fib_fwd_lookup(fwd, a);
		if ((r1 == FIB_LOOKUP_MISS) != (r2 == FIB_LOOKUP_MISS))
			return -1;
		if (!r1)
			continue;
		const struct fib_path *p1 = fib_path_select(fib, r1, a);
		const struct fib_path *p2 = fib_fwd_path_select(fwd, r2, a);
		if (p1->type != p2->type || p1->ifx != p2->ifx || p1->nh != p2->nh)
			return -1;
	}
	return 0;
}

/* Median time of RUNS copies, each freed before the next is built. */
static double time_fwd_builds(const struct fib *fib)
{
	double builds[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();
		struct fib_fwd *fwd = fib_fwd_build(fib);
		builds[r] = now() - t0;
		if (!fwd)
			return -1;
		fib_fwd_free(fwd);
	}
	return median(builds);
}

/*
 * The FIB's lookup figures, and its copy's: build time, memory, lookups. Each build gets
 * the memory of the copy freed before it back from malloc, as in a gateway that rebuilds
 * its copy now and then; a build into pages fresh from the kernel also pays a page fault
 * per 4 KiB (~1,400 here), which is the kernel's figure, not the copy's.
 */
static int bench_fwd(const struct fib *fib, struct result *fib_res, struct result *res)
{
	res->build_s = time_fwd_builds(fib);
	struct fib_fwd *fwd = fib_fwd_build(fib);
	if (res->build_s < 0 || !fwd)
		return -1;
	res->lookup_bytes = res->total_bytes = fib_fwd_bytes(fwd);
	int err = fwd_check(fib, fwd);
	if (!err) {
		const struct target v[2] = {{fib, fib_one, fib_batch, fib_res},
		                            {fwd, fwd_one, fwd_batch, res}};
		time_lookups(v, 2);
	}
	fib_fwd_free(fwd);
	return err;
}

static int bench_fib(const struct pfx *v, size_t n, const struct pfx *fresh, struct result *res,
                     struct result *fwd)
{
	struct fib *fib = fib_create();
	if (!fib)
		return -1;
	for (uint32_t i = 0; i < N_IFACES; i++)
		if (fib_connected_add(fib, 0x64400001u | i << 8, 24, (uint16_t)(i + 1)))
			return -1;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct fib_nh nh = next_hop(v[i].val);
		if (fib_route_add(fib, v[i].pfx, v[i].len, &nh))
			return -1;
	}
	res->build_s = now() - t0;
	struct fib_stats st;
	fib_get_stats(fib, &st);
	res->lookup_bytes = st.lpm_bytes;
	res->total_bytes = st.total_bytes;

	t0 = now();
	for (size_t i = 0; i < N_UPDATES; i++) {
		struct fib_nh nh = next_hop(fresh[i].val);
		int e1 = fib_route_add(fib, fresh[i].pfx, fresh[i].len, &nh);
		int e2 = fib_route_del(fib, fresh[i].pfx, fresh[i].len, NULL);
		/* A fresh prefix may equal a connected subnet: the add still succeeds. */
		if (e1 || e2)
			return -1;
	}
	res->upd_per_s = 2.0 * N_UPDATES / (now() - t0);

	if (bench_fwd(fib, res, fwd))
		return -1;
	fib_destroy(fib);
	return 0;
}

/* Prefixes of the same mix that are not in v (v sorted copy used for the check). */
static struct pfx *make_fresh(const struct pfx *v, size_t n)
{
	struct pfx *sorted = malloc(n * sizeof(*sorted));
	struct pfx *fresh = malloc(N_UPDATES * sizeof(*fresh));
	if (!sorted || !fresh) {
		free(sorted);
		free(fresh);
		return NULL;
	}
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), pfx_cmp);
	for (size_t k = 0; k < N_UPDATES;) {
		struct pfx p = random_pfx();
		if (!bsearch(&p, sorted, n, sizeof(*sorted), pfx_cmp))
			fresh[k++] = p;
	}
	free(sorted);
	return fresh;
}

static void print_row(const struct result *r)
{
	char upd[32] = "-"; /* the copy is never updated, only rebuilt */
	if (r->upd_per_s > 0)
		snprintf(upd, sizeof(upd), "%.2f", r->upd_per_s / 1e6);
	printf("| %s | %.4f | %.2f | %.2f | %s | %.1f | %.1f | %.1f |\n", r->layer, r->build_s,
	       (double)r->lookup_bytes / (1 << 20), (double)r->total_bytes / (1 << 20), upd,
	       r->single_mps, r->dep_mps, r->batch_mps);
}

static void print_table(const struct result *lpm, const struct result *fib,
                        const struct result *fwd, size_t n)
{
	printf("bench_lpm: DXR D%uR, %zu random prefixes (mix: /24 60%%, /16-/23 34%%, /8-/15 1%%, "
	       "/25-/32 5%%), %u distinct values\n\n",
	       FIB_LPM_DBITS, n, N_VALUES);
	printf("| layer | build (s) | lookup MiB | total MiB | updates (M/s) | single indep. (M/s) "
	       "| single dep. (M/s) | batched x256 (M/s) |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	print_row(lpm);
	print_row(fib);
	print_row(fwd);
	printf("\nLPM: fib_lpm_set() x N + one commit; FIB: fib_route_add() x N (each applied at "
	       "once); FIB copy: fib_fwd_build() of the FIB after its updates, median of %d.\n"
	       "lookup MiB: what a lookup reads (direct table, ranges, value table); total MiB: "
	       "everything, incl. the prefix/route store.\nupdates: insert + delete of fresh "
	       "random prefixes on the loaded table, each committed. Lookups: uniformly random "
	       "addresses, median of %d runs.\n",
	       RUNS, RUNS);
}

int main(int argc, char **argv)
{
	/* malloc as in vxgwd (gw_malloc_setup, gw/gw.c): each FIB copy is a fresh mapping */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
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
	struct pfx *v = make_prefixes(n);
	struct pfx *fresh = v ? make_fresh(v, n) : NULL;
	if (!fresh) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	struct result lpm = {.layer = "LPM"}, fib = {.layer = "FIB"}, fwd = {.layer = "FIB copy"};
	if (bench_lpm(v, n, fresh, &lpm) || bench_fib(v, n, fresh, &fib, &fwd)) {
		fprintf(stderr, "bench failed\n");
		return 1;
	}
	print_table(&lpm, &fib, &fwd, n);
	free(v);
	free(fresh);
	return 0;
}
