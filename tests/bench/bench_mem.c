/*
 * bench_mem.c - resident memory of a loaded gateway: 1,000,000 routes, 100,000 learned
 * MACs and 100,000 ARP entries (spec section 5; target <= 128 MiB), step by step.
 *
 * usage: bench_mem [routes] [macs] [neighbours]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw/workers/fwd.h"
#include "pktlab.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* VmRSS of this process in KiB. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void row(const char *what, long before, double secs)
{
	long now = rss_kib();
	printf("| %s | %.1f | %.1f | %.3f |\n", what, now / 1024.0, (now - before) / 1024.0, secs);
}

int main(int argc, char **argv)
{
	gw_malloc_setup(); /* as vxgwd */
	uint32_t n_routes = argc > 1 ? (uint32_t)atoi(argv[1]) : 1000000;
	uint32_t n_macs = argc > 2 ? (uint32_t)atoi(argv[2]) : 100000;
	uint32_t n_nbr = argc > 3 ? (uint32_t)atoi(argv[3]) : 100000;
	if (n_nbr < 1 || n_nbr > 130000 || n_macs < 1) {
		fprintf(stderr, "usage: bench_mem [routes] [macs] [neighbours 1..130000]\n");
		return 2;
	}
	static struct lab lab;
	struct gw_params p;
	gw_params_default(&p);
	p.mac_capacity = n_macs + 1024;
	p.arp.max_entries = n_nbr + 1024;
	long base = rss_kib();
	double t = now_s();
	if (!lab_init(&lab, &p))
		return 1;
	struct gw *gw = lab.gw;
	uint16_t bdif30;
	struct bd_table *bd = gw_bd(gw);
	if (bd_add(bd, 30) || bd_set_vni(bd, 30, 7000) || bd_set_mac_limit(bd, 30, n_macs) ||
	    bd_flood_peer_add(bd, 30, LAB_VTEP13) || gw_bdif_add(gw, 30, &bdif30) ||
	    gw_if_addr_add(gw, bdif30, 0x0a800001u, 15))
		return 1;
	printf("| step | RSS MiB | added MiB | seconds |\n|---|---:|---:|---:|\n");
	row("gateway created (tables empty, packet pool mapped)", base, now_s() - t);

	long before = rss_kib();
	t = now_s();
	for (uint32_t i = 0; i < n_nbr; i++) {
		uint8_t mac[6] = {0x02, 0xaa, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		if (arp_learn(gw_arp(gw), bdif30, 0x0a800002u + i, mac, ARP_LEARN_CREATE,
		              lab.now) != ARP_LEARN_NEW)
			return fprintf(stderr, "ARP entry %u not learned\n", i), 1;
	}
	row("ARP entries learned", before, now_s() - t);

	before = rss_kib();
	t = now_s();
	uint32_t bdx = bd_index(bd, 30);
	for (uint32_t i = 0; i < n_macs; i++) {
		uint8_t mac[6] = {
		    0x02,      0xbb, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
		    (uint8_t)i};
		if (bd_mac_learn(bd, bdx, mac, 0xc6120000u + i % 64, lab.now) != BD_MAC_NEW)
			return fprintf(stderr, "MAC %u not learned\n", i), 1;
	}
	row("MACs learned", before, now_s() - t);

	before = rss_kib();
	t = now_s();
	struct fib *fib = gw_fib(gw);
	for (uint32_t added = 0; added < n_routes;) {
		uint8_t len = (uint8_t)(rnd() % 100 < 60 ? 24 : 16 + rnd() % 9);
		uint32_t pfx = rnd() & net_mask(len);
		struct fib_route_info ri;
		if ((pfx >> 24) == 10 || (pfx >> 24) == 0 || (pfx >> 28) >= 14 ||
		    fib_route_get(fib, pfx, len, &ri))
			continue;
		/* next hops among the first 10,000 neighbours: the FIB holds at most 65,535
		 * distinct next-hop groups */
		uint32_t n_nh = n_nbr < 10000 ? n_nbr : 10000;
		struct fib_nh nh = {.kind = FIB_NH_IP, .ip = 0x0a800002u + rnd() % n_nh};
		int e = fib_route_add(fib, pfx, len, &nh);
		if (e != FIB_OK)
			return fprintf(stderr, "route %u refused: %s\n", added, fib_strerror(e)), 1;
		added++;
	}
	row("routes added", before, now_s() - t);

	/* what worker threads add: the forwarding snapshot they read (gw/workers/fwd.h) */
	before = rss_kib();
	t = now_s();
	struct gw_fwd *fwd = gw_fwd_build(gw, NULL, true, lab.now);
	if (!fwd)
		return fprintf(stderr, "forwarding snapshot: out of memory\n"), 1;
	row("workers' forwarding snapshot built", before, now_s() - t);
	/* every neighbour is REACHABLE and every MAC known: the copies must hold them all */
	if (fwd->nb->n != n_nbr || fwd->mac->n != n_macs) {
		fprintf(stderr, "snapshot holds %u neighbours, %u MACs\n", fwd->nb->n, fwd->mac->n);
		return 1;
	}
	long total = rss_kib();
	gw_fwd_free(fwd);
	printf("| **total** (%u routes via 10,000 next hops, %u MACs, %u ARP entries) | **%.1f** | "
	       "| |\n",
	       n_routes, n_macs, n_nbr, total / 1024.0);
	lab_fini(&lab);
	return total / 1024 <= 128 ? 0 : 3;
}
