/*
 * gw/workers/fast.h - the workers' fast path: routed unicast between bridge domains, read from a
 * forwarding snapshot (gw/workers/fwd.h), everything else handed to the main thread untouched.
 *
 * For one VXLAN packet the fast path makes the decisions the main pipeline would make
 * (the same checks: gw/vxlan_inl.h, gw/l2_inl.h, gw/ip4_inl.h, gw/ip6_inl.h;
 * tests/fuzz/fuzz_fastpath compares the two paths) and either forwards it completely (decap, route,
 * rewrite, encap, counted) or "punts" it exactly as it was received, before changing a byte. The
 * main thread's pipeline then treats it as if it had received it itself, which covers
 * every exception: drops with their reasons, ARP, learning, ICMP errors, fragments,
 * traffic to the gateway, flooding, tracing and debug logs.
 */
#ifndef GW_FAST_H
#define GW_FAST_H

#include <stdint.h>

#include "gw/workers/fwd.h"
#include "gw/gw.h"
#include "gw/stats_int.h"

/*
 * A worker's counters. The worker alone writes them (gw_cnt_add: relaxed atomic stores,
 * on x86-64 the plain adds of VPP's per-thread counters); the main thread reads them with
 * relaxed atomic loads and adds what moved since its last look to the gateway's own
 * counters (gw_fast_fold), so every show command and the metrics see one total.
 */
struct gw_fast_cnt {
	struct gw_counters c; /* rx_underlay, routed, tx_underlay, drops (punt_full, tx_failed) */
	uint64_t punted;
	struct gw_if_counters ifs[GW_IF_MAX + 1];
	struct gw_bd_cnt bd[BD_MAX];
	struct gw_peer_table peers;
};

/*
 * Packets one input vector may send: a sender's super-packet is cut into segments that fit
 * the path (gw/gso.h) on the fast path too, in order with the rest of its flow; a piece of
 * at most a buffer cut to the smallest MTU (576) makes at most 21 of them.
 */
#define GW_FAST_TX_MAX (GW_VEC_MAX * 24)

struct gw_fast {
	struct gw_fast_cnt *cnt;
	struct gw_pool *pool; /* the worker's: segments of super-packets come from it */
	uint64_t now_ms;
	unsigned n_tx, n_tx_eth, n_punt;
	unsigned acl_thread; /* its counter slot in access lists (acl_cls_count): 1.. */
	struct gw_pkt *tx[GW_FAST_TX_MAX];     /* to the underlay, outer IPv4 header built */
	struct gw_pkt *tx_eth[GW_FAST_TX_MAX]; /* to uplink tx_ifx, Ethernet frame built */
	struct gw_pkt *punt[GW_VEC_MAX];       /* as received: to the main thread */
	/* The worker's socket on each netdev of the snapshot's ports (by port index); NULL:
	 * none, so traffic toward it goes to the main thread. Kept by the worker. */
	void *port_tx[GW_IF_MAX + 1];
};

/*
 * VXLAN packets from the worker's underlay socket (data at the VXLAN header, outer
 * addresses set), at most GW_VEC_MAX: each lands in w->tx or w->punt, or is dropped (an
 * access list's deny: counted, its buffer back in w->pool).
 */
void gw_fast_underlay(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt **pkts, unsigned n);

/* Frames from the worker's socket on netdev `port` (index in the snapshot's ports; 0:
 * unknown, all punted), data at the Ethernet header: each lands in w->tx, w->tx_eth or
 * w->punt, or is dropped as gw_fast_underlay's. */
void gw_fast_eth(struct gw_fast *w, const struct gw_fwd *f, uint16_t port, struct gw_pkt **pkts,
                 unsigned n);

/*
 * Main thread: adds what the worker's counters cur moved since `seen` (its copy of them at
 * the last fold, updated) to gw's counters.
 */
void gw_fast_fold(struct gw *gw, const struct gw_fast_cnt *cur, struct gw_fast_cnt *seen);

#endif
