/*
 * bench_acl - the access-list classifier: build time, memory and lookup rate of random
 * lists of 0, 10, 100 and 1000 entries, IPv4 and IPv6. Not a timed test: it prints figures.
 *
 * Usage: bench_acl [LOOKUPS]   (default 4000000 per figure)
 *
 * Lists are random valid entries of every field (tests/unit/acl_testlib.h: prefixes that
 * nest around a few bases, port matches of every kind, protocols, ICMP types, established,
 * fragments), and a "web" shape: 1000 entries `permit tcp 10.X.Y.0/24 any eq PORT` then
 * `deny ip any any`. Keys (4096, cycled) are 3 in 4 at the edges of random entries (a
 * prefix's first or last address, a port range's ends, one off or not; the densest parts
 * of the index, the worst case) and 1 in 4 random; "hit" is the share that matches an
 * entry rather than the implicit deny. "single" is acl_cls_match() per key (independent lookups the
 * CPU may overlap), "batch" acl_cls_match_batch() over 64 keys. Cycles are TSC cycles (rdtsc); each
 * figure is the best of LOOKUPS/4096 passes over the keys (the machine is shared: a pass that was
 * not preempted).
 */
#include "acl/acl.h"
#include "acl/match.h"
#include "acl_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define KEYS  4096u
#define BATCH 64u

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void web_list(int fam, struct acl_rule *r, unsigned n)
{
	static const uint16_t ports[] = {80, 443, 22, 53, 8080};
	for (unsigned i = 0; i < n; i++) {
		r[i] = (struct acl_rule){.seq = 10 * (i + 1),
		                         .proto = 6,
		                         .icmp_type = ACL_ICMP_ANY,
		                         .icmp_code = ACL_ICMP_ANY,
		                         .dport = {.op = ACL_PORT_EQ, .lo = ports[i % 5]}};
		r[i].dport.hi = r[i].dport.lo;
		if (fam == ACL_IP6)
			r[i].src = (struct acl_prefix){.hi = 0x20010db800000000ull | i, .len = 64};
		else
			r[i].src = (struct acl_prefix){.lo = 0x0a000000u | i << 8, .len = 24};
		if (i == n - 1)
			r[i] = (struct acl_rule){.seq = 10 * (i + 1),
			                         .action = ACL_DENY,
			                         .proto = ACL_PROTO_ANY,
			                         .icmp_type = ACL_ICMP_ANY,
			                         .icmp_code = ACL_ICMP_ANY};
	}
}

struct figure {
	double ns, cycles;
};

/* The best pass over the keys: a pass is ~0.1 ms, short enough that many are not
 * preempted on a shared machine, and the best of them is the cost of the lookups alone. */
static struct figure measure(const struct acl_cls *c, const struct acl_key *keys, unsigned lookups,
                             bool batch)
{
	struct figure best = {1e30, 1e30};
	uint32_t res[BATCH];
	volatile uint32_t sink = 0;
	for (unsigned pass = 0; pass < lookups / KEYS; pass++) {
		double t0 = now_s();
		uint64_t c0 = __rdtsc();
		uint32_t acc = 0;
		for (unsigned i = 0; i < KEYS; i += BATCH) {
			if (batch) {
				acl_cls_match_batch(c, &keys[i], res, BATCH);
				acc += res[0] + res[BATCH - 1];
			} else {
				for (unsigned j = 0; j < BATCH; j++)
					acc += acl_cls_match(c, &keys[i + j]);
			}
		}
		uint64_t cyc = __rdtsc() - c0;
		double t = now_s() - t0;
		sink += acc;
		if ((double)cyc / KEYS < best.cycles)
			best = (struct figure){t * 1e9 / KEYS, (double)cyc / KEYS};
	}
	(void)sink;
	return best;
}

static void bench_list(int fam, const char *shape, const struct acl_rule *r, unsigned n,
                       unsigned lookups)
{
	uint64_t *ids = malloc((n + 1) * sizeof *ids);
	struct acl_key *keys = malloc(KEYS * sizeof *keys);
	for (unsigned i = 0; i < n; i++)
		ids[i] = i + 1;
	for (unsigned i = 0; i < KEYS; i++)
		random_key(fam, r, n, &keys[i]);
	struct acl_counts *counts = acl_counts_new();
	double t0 = now_s();
	struct acl_cls *c = acl_cls_build(fam, r, ids, n, counts);
	double build = now_s() - t0;
	struct acl_match *m = acl_match_build(fam, r, n);
	size_t bytes = acl_match_bytes(m);
	acl_match_free(m);
	unsigned hit = 0;
	for (unsigned i = 0; i < KEYS; i++)
		hit += acl_cls_match(c, &keys[i]) < n;
	struct figure one = measure(c, keys, lookups, false);
	struct figure vec = measure(c, keys, lookups, true);
	printf("%-4s %-6s %5u %9.2f %9zu %5.0f%% %8.1f %7.1f %6.1f %8.1f %7.1f %6.1f\n",
	       fam == ACL_IP6 ? "ipv6" : "ipv4", shape, n, build * 1e3, bytes, 100.0 * hit / KEYS,
	       1e3 / one.ns, one.ns, one.cycles, 1e3 / vec.ns, vec.ns, vec.cycles);
	acl_cls_unref(c);
	acl_counts_unref(counts);
	free(keys);
	free(ids);
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = {0, 10, 100, 1000};
	unsigned lookups = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 4000000u;
	lookups = (lookups + KEYS - 1) / KEYS * KEYS;
	struct acl_rule *r = malloc(1000 * sizeof *r);
	printf("%-4s %-6s %5s %9s %9s %6s %8s %7s %6s %8s %7s %6s\n", "fam", "list", "n",
	       "build_ms", "bytes", "hit", "single", "ns", "cyc", "batch", "ns", "cyc");
	printf("%-4s %-6s %5s %9s %9s %6s %8s %7s %6s %8s %7s %6s\n", "", "", "", "", "", "",
	       "Mlk/s", "/lk", "/lk", "Mlk/s", "/lk", "/lk");
	for (int fam = ACL_IP4; fam <= ACL_IP6; fam += 2) {
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			for (unsigned i = 0; i < sizes[s]; i++)
				random_rule(fam, MIX_ALL, &r[i]);
			bench_list(fam, "random", r, sizes[s], lookups);
		}
		web_list(fam, r, 1000);
		bench_list(fam, "web", r, 1000, lookups);
	}
	free(r);
	return 0;
}
