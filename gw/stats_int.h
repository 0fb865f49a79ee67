/*
 * gw/stats_int.h - the per-bridge-domain and per-peer counters as the pipeline updates
 * them (gw/ only; readers use gw/stats.h).
 *
 * Bridge domains are counted in a plain array by bdx. A bdx is reused after its bridge
 * domain is deleted, so each slot remembers the id it counts for and starts again from
 * zero when another bridge domain takes it; the pipeline checks that only where it already
 * holds the id (once per vector on decap, on the BDIF on output).
 *
 * Peers are counted in an open-addressing table keyed by VTEP address (0 = empty slot,
 * never a valid VTEP), at most half full, never deleted from except all at once, with a
 * bounded probe sequence.
 */
#ifndef GW_STATS_INT_H
#define GW_STATS_INT_H

#include "gw/stats.h"
#include "vxlan/bd.h"

#define GW_PEER_SLOTS_LOG2 13
#define GW_PEER_SLOTS      (1u << GW_PEER_SLOTS_LOG2) /* twice GW_PEER_STATS_MAX */
#define GW_PEER_PROBES     16                         /* longest probe sequence */

struct gw_bd_cnt {
	uint32_t id;
	struct gw_if_counters c;
};

struct gw_peer_cnt {
	uint32_t vtep;
	struct gw_if_counters c;
};

struct gw_peer_table {
	uint32_t n;
	struct gw_if_counters other; /* peers the table could not place */
	struct gw_peer_cnt slot[GW_PEER_SLOTS];
};

struct gw;
struct gw_stats;

/* stats.c */
struct gw_stats *gw_stats_create(void);
void gw_stats_destroy(struct gw_stats *s);
/* Probes on from the first slot; adds vtep there if it is new. */
struct gw_if_counters *gw_peer_cnt_find(struct gw_peer_table *t, uint32_t vtep);
void gw_bd_cnt_reset(struct gw_bd_cnt *b, uint32_t id);
/* From gw_tick: takes a sample when an interval has passed. */
void gw_stats_tick(struct gw *gw);
/* From gw_clear_counters: bridge-domain and peer counters, rates, a new interval. */
void gw_stats_clear(struct gw *gw);

/*
 * Adds n to a counter that another thread may read at the same time (a worker's, folded
 * by the main thread). One writer, so load-add-store is exact; relaxed atomics make the
 * concurrent read well-defined and cost what a plain add does.
 */
static inline void gw_cnt_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* The counters of bdx, restarted from zero when the slot counted another bridge domain. */
static inline struct gw_if_counters *gw_bd_cnt_claim(struct gw_bd_cnt *slots, uint32_t bdx,
                                                     uint32_t id)
{
	struct gw_bd_cnt *b = &slots[bdx];
	if (__builtin_expect(b->id != id, 0))
		gw_bd_cnt_reset(b, id); /* out of line: keeps the callers small enough to inline */
	return &b->c;
}

/* The slot a peer's probe sequence starts at (stats.c has why). */
static inline uint32_t gw_peer_slot(uint32_t vtep)
{
	return (vtep ^ (vtep >> GW_PEER_SLOTS_LOG2) ^ (vtep >> (2 * GW_PEER_SLOTS_LOG2))) &
	       (GW_PEER_SLOTS - 1);
}

/* The counters of peer vtep (non-zero): the first slot inline, the rest in stats.c. */
static inline struct gw_if_counters *gw_peer_cnt(struct gw_peer_table *t, uint32_t vtep)
{
	struct gw_peer_cnt *s = &t->slot[gw_peer_slot(vtep)];
	if (__builtin_expect(s->vtep == vtep, 1))
		return &s->c;
	return gw_peer_cnt_find(t, vtep);
}

#endif
