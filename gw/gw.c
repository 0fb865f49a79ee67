/*
 * gw/gw.c - the gateway object: its tables, its clock and its counters (its interfaces are
 * in iface.c).
 */
#include "gw/gw_int.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/net.h"

const char *gw_strerror(int err)
{
	switch (err) {
	case GW_OK:
		return "success";
	case GW_E_INVAL:
		return "invalid value";
	case GW_E_EXISTS:
		return "already exists";
	case GW_E_NOENT:
		return "no such entry";
	case GW_E_FULL:
		return "table full";
	case GW_E_NOMEM:
		return "out of memory";
	case GW_E_CONFLICT:
		return "overlaps another interface's subnet";
	case GW_E_BUSY:
		return "still in use";
	}
	return "unknown error";
}

void gw_params_default(struct gw_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pool_bufs = 4096;
	p->mac_capacity = 65536;
	arp_config_default(&p->arp);
	arp6_config_default(&p->nd);
	p->icmp_rate = 100;
	p->icmp_burst = 50;
	p->arp_rate = 1000;
	p->arp_burst = 200;
	p->vxlan_strict = true;
	p->anycast_garp_ms = 1000;
}

struct gw *gw_create(const struct gw_params *params, const struct gw_io_ops *io, void *io_ctx)
{
	struct gw_params defaults;
	if (!params) {
		gw_params_default(&defaults);
		params = &defaults;
	}
	struct gw *gw = calloc(1, sizeof(*gw));
	if (!gw)
		return NULL;
	gw->params = *params;
	gw->io = *io;
	gw->io_ctx = io_ctx;
	gw->udp_port = 4789;
	gw_bucket_init(&gw->icmp_bucket, params->icmp_rate, params->icmp_burst);
	gw_bucket_init(&gw->arp_bucket, params->arp_rate, params->arp_burst);
	gw->pool = gw_pool_create(params->pool_bufs);
	gw->fib = fib_create();
	gw->arp = arp_table_create(&params->arp, &gw_arp_ops, gw);
	gw->nd = arp6_table_create(&params->nd, &gw_nd_ops, gw);
	gw->vrfs[GW_VRF_DEFAULT].fib6 = fib6_create();
	gw->bd = bd_table_create(params->mac_capacity);
	gw->stats = gw_stats_create();
	if (!gw->pool || !gw->fib || !gw->arp || !gw->nd || !gw->vrfs[GW_VRF_DEFAULT].fib6 ||
	    !gw->bd || !gw->stats) {
		gw_destroy(gw);
		return NULL;
	}
	gw->vrfs[GW_VRF_DEFAULT].fib = gw->fib;
	snprintf(gw->vrfs[GW_VRF_DEFAULT].name, GW_VRF_NAMELEN, "default");
	return gw;
}

void gw_destroy(struct gw *gw)
{
	if (!gw)
		return;
	/* The ARP table hands its queued packets back to the pool through gw_arp_ops. */
	if (gw->arp)
		arp_table_destroy(gw->arp);
	if (gw->nd)
		arp_table_destroy(gw->nd);
	if (gw->pool)
		gw_flush(gw);
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		free(gw->ports[i].by_vlan);
	for (uint16_t v = 1; v < GW_VRF_MAX; v++)
		fib_destroy(gw->vrfs[v].fib);
	for (uint16_t v = 0; v < GW_VRF_MAX; v++)
		fib6_destroy(gw->vrfs[v].fib6);
	fib_destroy(gw->fib);
	bd_table_destroy(gw->bd);
	vx_vteps_destroy(gw->vteps);
	gw_ping_free(gw);
	gw_acl_fini(gw);
	gw_pool_destroy(gw->pool);
	gw_stats_destroy(gw->stats);
	gw_trace_fini(gw);
	free(gw);
}

struct fib *gw_fib(struct gw *gw)
{
	return gw->fib;
}

struct arp_table *gw_arp(struct gw *gw)
{
	return gw->arp;
}

struct arp_table *gw_nd(struct gw *gw)
{
	return gw->nd;
}

struct bd_table *gw_bd(struct gw *gw)
{
	return gw->bd;
}

struct gw_pool *gw_pool(struct gw *gw)
{
	return gw->pool;
}

int gw_set_vtep(struct gw *gw, uint32_t src, uint16_t udp_port)
{
	if (net_ip_is_mcast(src) || src >= 0xf0000000u)
		return GW_E_INVAL;
	gw->vtep = src; /* 0: none, nothing is accepted from the underlay */
	gw->udp_port = udp_port ? udp_port : 4789;
	return GW_OK;
}

uint32_t gw_vtep(const struct gw *gw)
{
	return gw->vtep;
}

uint16_t gw_udp_port(const struct gw *gw)
{
	return gw->udp_port;
}

uint64_t gw_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void gw_set_time(struct gw *gw, uint64_t now_ms)
{
	gw->now_ms = now_ms;
}

void gw_tick(struct gw *gw)
{
	arp_tick(gw->arp, gw->now_ms);
	arp_tick(gw->nd, gw->now_ms);
	if (gw->params.anycast_garp_ms) /* first: the RAs of a new announcer go out with it */
		gw_anycast_tick(gw);
	gw_nd_tick(gw);
	if (gw->now_ms - gw->last_mac_age_ms >= 1000) {
		bd_mac_age(gw->bd, gw->now_ms);
		gw_vteps_tick(gw);
		gw->last_mac_age_ms = gw->now_ms;
	}
	gw_ping_tick(gw);
	gw_stats_tick(gw);
	gw_flush(gw);
}

void gw_get_counters(const struct gw *gw, struct gw_counters *c)
{
	*c = gw->cnt;
}

void gw_count_drop(struct gw *gw, enum gw_drop why, uint64_t n)
{
	if (why < GW_DROP_MAX)
		gw->cnt.drops[why] += n;
}

/* What a running total kept elsewhere grew by since *seen (0 if it went back, e.g. a new
 * socket); *seen becomes total. */
static uint64_t total_growth(uint64_t total, uint64_t *seen)
{
	uint64_t grew = total > *seen ? total - *seen : 0;
	*seen = total;
	return grew;
}

void gw_count_drop_total(struct gw *gw, enum gw_drop why, uint64_t total, uint64_t *seen)
{
	gw_count_drop(gw, why, total_growth(total, seen));
}

void gw_count_underlay_paths(struct gw *gw, uint64_t l2, uint64_t raw, uint64_t gso)
{
	gw->cnt.tx_underlay_l2 += l2;
	gw->cnt.tx_underlay_raw += raw;
	gw->cnt.tx_underlay_gso += gso;
}

void gw_count_rx(struct gw *gw, const struct gw_io_rx_stats *now, struct gw_io_rx_stats *seen)
{
	gw_counters_add_rx(&gw->cnt, now, seen);
}

void gw_counters_add_rx(struct gw_counters *c, const struct gw_io_rx_stats *now,
                        struct gw_io_rx_stats *seen)
{
	gw_cnt_add(&c->drops[GW_DROP_RX_OVERSIZE], total_growth(now->oversize, &seen->oversize));
	gw_cnt_add(&c->drops[GW_DROP_GSO_UNSUPPORTED],
	           total_growth(now->gso_unsupported, &seen->gso_unsupported));
	gw_cnt_add(&c->rx_underlay_gro, total_growth(now->gro, &seen->gro));
	gw_cnt_add(&c->rx_underlay_xdp, total_growth(now->xdp, &seen->xdp));
	gw_cnt_add(&c->rx_uplink_xdp, total_growth(now->xdp_uplink, &seen->xdp_uplink));
	gw_cnt_add(&c->rx_gso, total_growth(now->gso, &seen->gso));
	gw_cnt_add(&c->rx_csum_completed, total_growth(now->csum, &seen->csum));
	gw_cnt_add(&c->drops[GW_DROP_OUTER_BAD], total_growth(now->outer_bad, &seen->outer_bad));
}

void gw_clear_counters(struct gw *gw)
{
	memset(&gw->cnt, 0, sizeof(gw->cnt));
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		memset(&gw->ifs[i].cnt, 0, sizeof(gw->ifs[i].cnt));
	gw_stats_clear(gw);
	gw->counter_clears++; /* the workers' own counts (show dataplane) at their next fold */
}

/*
 * Every published forwarding snapshot is a few large blocks (its FIB copies, its
 * configuration copy) freed a grace period later. glibc raises its mmap threshold to the
 * size of each large block freed, after which such blocks come from the brk heap, where a
 * small long-lived allocation above them pins their pages: the RSS of a daemon under
 * config churn then wanders by tens of MiB. A fixed threshold keeps large blocks in their
 * own mappings, returned to the kernel when freed (the price: a fresh copy's pages fault
 * in, about 3 ms for a 1M-route FIB copy).
 */
void gw_malloc_setup(void)
{
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}
