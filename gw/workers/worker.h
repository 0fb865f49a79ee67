/*
 * gw/workers/worker.h - data-plane worker threads.
 *
 * Each worker has its own underlay socket in one SO_REUSEPORT group (the kernel spreads
 * VXLAN datagrams over them by their outer ports, i.e. by the tenant's flow), its own
 * packet pool, its own counters and its own transmit sockets, and runs the fast path
 * (gw/workers/fast.h) over a forwarding snapshot (gw/workers/fwd.h) it reads under RCU (liburcu,
 * QSBR flavour: a worker announces a quiescent state after each vector and goes offline while it
 * sleeps in poll, so reading costs nothing). What the fast path does not handle it punts on a ring
 * to the main thread, which runs the full pipeline on it.
 *
 * The main thread alone calls these functions. Configuration changes never stop the
 * workers: the main thread publishes a new snapshot and frees the old one after a grace
 * period. A new worker count starts the new set before the old one stops (each stopping
 * worker leaves its socket groups, then drains and closes its sockets); a new VTEP
 * address or port stops them for the few milliseconds it takes.
 */
#ifndef GW_WORKER_H
#define GW_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "gw/gw.h"
#include "gw/io/io.h"

#define GW_WORKERS_MAX        32
#define GW_WORKER_UPLINKS_MAX 64 /* netdevs a worker receives from; the rest: main thread */

/* An uplink netdev and the PACKET_FANOUT group of the main thread's socket on it. */
struct gw_worker_uplink {
	char name[GW_IF_NAMELEN];
	uint16_t fanout;
	/* which socket of the main thread's on that netdev: another one (the netdev deleted
	 * and created again, same name, maybe the same group id) needs new workers' sockets */
	uint64_t serial;
	/* dataplane io xdp: the program on that netdev (gw_xdp_attach_uplink), NULL: none;
	 * worker i opens an AF_XDP socket on receive queue i where the netdev has one (only at
	 * the start: the sockets hold the program, the pointer is not used after). xdp_gen:
	 * which program (another one needs new sockets) */
	struct gw_xdp *xdp;
	uint64_t xdp_gen;
};

struct gw_workers;

/*
 * Starts n workers (1..GW_WORKERS_MAX) receiving VXLAN on vtep:port (xdp: through the
 * program's AF_XDP sockets too, worker i on receive queue i where the netdev has one;
 * NULL: sockets only) and, on each of the
 * n_ups uplink netdevs, a share of its frames (joining its fanout group). notify(ctx) is called
 * from a worker when it punted packets (e.g. ev_async_send): the main thread then calls
 * gw_workers_drain. NULL with a message in err on failure.
 */
struct gw_xdp;
struct gw_workers *gw_workers_start(struct gw *gw, unsigned n, uint32_t vtep, uint16_t port,
                                    struct gw_xdp *xdp, const struct gw_worker_uplink *ups,
                                    unsigned n_ups, void (*notify)(void *ctx), void *ctx,
                                    char err[GW_IO_ERRLEN]);
/* Were the workers started with these uplinks (same order, same sockets of the main
 * thread)? Else they need a restart. */
/* Do the workers receive from uplink netdev `name` as opened `serial`th (its group)? False
 * for ws NULL, and for a netdev beyond their GW_WORKER_UPLINKS_MAX. */
bool gw_workers_serve_uplink(const struct gw_workers *ws, const char *name, uint64_t serial);
bool gw_workers_same_uplinks(const struct gw_workers *ws, const struct gw_worker_uplink *ups,
                             unsigned n);
/* Stops and joins the workers; what they punted and the main thread did not take yet is
 * dropped (counted), their counters are folded in a last time. */
void gw_workers_stop(struct gw_workers *ws, struct gw *gw);
unsigned gw_workers_count(const struct gw_workers *ws);
/* Bytes of the workers' packet pools made resident (gw_pool_resident), summed. */
size_t gw_workers_pool_resident(const struct gw_workers *ws);

/*
 * Publishes a new snapshot when gw's tables moved since the last one (cfg_changed: a commit
 * happened, rebuild the configuration part too), at most once every min_gap_ms unless
 * cfg_changed. Returns the milliseconds after which a publish still pending is due (0:
 * nothing pending), for the caller's timer.
 */
uint64_t gw_workers_publish(struct gw_workers *ws, struct gw *gw, bool cfg_changed,
                            uint64_t now_ms);
/* Feeds what the workers punted through gw's pipeline (at most `budget` packets); true when
 * some remain. */
bool gw_workers_drain(struct gw_workers *ws, struct gw *gw, unsigned budget);
/*
 * Adds what the workers counted since the last fold to gw's counters. After a
 * gw_clear_counters, each worker's own counts (gw_workers_info) restart from what it had
 * counted at the previous fold: what the cleared totals held.
 */
void gw_workers_fold(struct gw_workers *ws, struct gw *gw);

struct gw_worker_info {
	unsigned id;
	uint64_t rx, forwarded, punted, punt_drops, tx_failed;
	uint64_t tx_l2, tx_raw, tx_gso; /* how its underlay driver sent (struct gw_udp_tx) */
};
/* Worker i (0..count-1), counted since it started or since the last clear counters;
 * false when there is none. */
bool gw_workers_info(const struct gw_workers *ws, unsigned i, struct gw_worker_info *wi);
/* Forwarding snapshots published to workers since gw was created, over every set of
 * workers (a new count does not restart it; clear counters does not either). */
uint64_t gw_workers_publications(const struct gw *gw);

#endif
