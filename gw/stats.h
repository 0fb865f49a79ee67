/*
 * gw/stats.h - counters per bridge domain and per VTEP peer, and the 10-second rates of
 * every counter set (interfaces, bridge domains, peers).
 *
 * What is counted (packets and bytes of the inner Ethernet frame, the VXLAN payload):
 *  - a bridge domain receives every frame decapsulated into it (after the VNI and peer
 *    checks) and sends every frame encapsulated out of it, each head-end copy included;
 *  - a peer, keyed by VTEP address, receives what it sent that passed those checks and
 *    sends every encapsulated copy addressed to it (a flood group is a peer too).
 * Peers are remembered from their first packet until `clear counters`, at most
 * GW_PEER_STATS_MAX of them; packets of peers beyond that, or of addresses that collide
 * in the table past its probe bound, are counted in one bucket shown as "other" (vtep 0),
 * so that the totals stay right whatever the underlay does.
 *
 * Rates: every GW_STATS_INTERVAL_MS, gw_tick samples every counter and keeps the packets
 * and bits per second over the interval just ended, as routers show their "5 minute
 * input rate" (here 10 seconds). gw_clear_counters zeroes counters and rates and starts a
 * new interval.
 */
#ifndef GW_STATS_H
#define GW_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "gw/gw.h"

#define GW_STATS_INTERVAL_MS 10000
#define GW_PEER_STATS_MAX    4096

struct gw_rate {
	uint64_t rx_pps, rx_bps, tx_pps, tx_bps;
};

struct gw_bd_stats {
	uint32_t bd_id, vni;
	struct gw_if_counters cnt;
	struct gw_rate rate;
};

struct gw_peer_stats {
	uint32_t vtep; /* 0: the peers beyond GW_PEER_STATS_MAX */
	struct gw_if_counters cnt;
	struct gw_rate rate;
};

/* The rates of interface ifx; false (and zeros) when it does not exist. */
bool gw_if_rate(const struct gw *gw, uint16_t ifx, struct gw_rate *r);
/* Bridge domains in ascending id order; cb non-zero stops (and is returned). */
int gw_bd_stats_walk(const struct gw *gw, int (*cb)(const struct gw_bd_stats *s, void *arg),
                     void *arg);
/* Peers in ascending address order, "other" last when it counted anything. */
int gw_peer_stats_walk(const struct gw *gw, int (*cb)(const struct gw_peer_stats *s, void *arg),
                       void *arg);
/* Milliseconds the current rates were measured over (0: no interval completed yet). */
uint64_t gw_stats_interval_ms(const struct gw *gw);

#endif
