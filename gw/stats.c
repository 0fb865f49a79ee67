/*
 * gw/stats.c - bridge-domain and peer counters for the show commands, and the sampler
 * that turns every counter set into 10-second rates.
 *
 * The sampler keeps, per counted object, the counters at the start of the current interval
 * and the rates of the last completed one. Each object is matched to its previous sample
 * by a key (bridge-domain id, peer address; interfaces by index), and a counter that went
 * backwards (the object was re-created, or cleared) restarts from zero: a rate is never
 * computed across a reset.
 */
#include "gw/gw_int.h"

#include <stdlib.h>
#include <string.h>

struct sample {
	uint32_t key;
	struct gw_if_counters at; /* counters at the start of the interval */
	struct gw_rate rate;      /* over the last completed interval */
};

struct gw_stats {
	bool started;
	uint64_t start_ms;    /* of the current interval */
	uint64_t interval_ms; /* the last completed one; 0 = none yet */
	struct sample ifs[GW_IF_MAX + 1];
	struct sample bds[BD_MAX];
	struct sample peers[GW_PEER_SLOTS];
	struct sample other;
};

/* at most half full, so that probe sequences stay short */
_Static_assert(GW_PEER_SLOTS >= 2 * GW_PEER_STATS_MAX, "peer table too small");

struct gw_stats *gw_stats_create(void)
{
	return calloc(1, sizeof(struct gw_stats));
}

void gw_stats_destroy(struct gw_stats *s)
{
	free(s);
}

/*
 * A peer's slot is its address's low bits folded with the high ones (gw_peer_slot): the
 * VTEPs of one subnet get neighbouring slots, a few cache lines and one page for a whole
 * underlay segment, and other subnets land elsewhere. Addresses that collide on purpose
 * (the underlay chooses the sources of a flood-group bridge domain) cost at most
 * GW_PEER_PROBES probes: a peer neither found nor placed within them counts as "other".
 */
struct gw_if_counters *gw_peer_cnt_find(struct gw_peer_table *t, uint32_t vtep)
{
	uint32_t i = gw_peer_slot(vtep);
	for (unsigned k = 0; k < GW_PEER_PROBES; k++, i = (i + 1) & (GW_PEER_SLOTS - 1)) {
		struct gw_peer_cnt *s = &t->slot[i];
		if (s->vtep == vtep)
			return &s->c;
		if (s->vtep)
			continue;
		if (t->n >= GW_PEER_STATS_MAX)
			break;
		t->n++;
		__atomic_store_n(&s->vtep, vtep, __ATOMIC_RELAXED); /* see gw_bd_cnt_reset */
		return &s->c;
	}
	return &t->other;
}

/* (Atomic stores: a worker's slots are read by the main thread while the worker writes.) */
void gw_bd_cnt_reset(struct gw_bd_cnt *b, uint32_t id)
{
	__atomic_store_n(&b->c.rx_pkts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->c.rx_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->c.tx_pkts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->c.tx_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->id, id, __ATOMIC_RELAXED);
}

/* Rounded to the nearest: 6 packets in 10 s is 1 packet/sec, not 0. */
static uint64_t per_second(uint64_t delta, uint64_t ms)
{
	/* delta < 2^64 / 1000 for any real counter over 10 s; saturate rather than wrap */
	return delta > UINT64_MAX / 1000 - ms ? UINT64_MAX / ms : (delta * 1000 + ms / 2) / ms;
}

/* ms 0: only the start of the first interval, no rate yet */
static void sample_one(struct sample *s, uint32_t key, const struct gw_if_counters *now,
                       uint64_t ms)
{
	struct gw_if_counters at = s->at;
	if (s->key != key || now->rx_pkts < at.rx_pkts || now->tx_pkts < at.tx_pkts ||
	    now->rx_bytes < at.rx_bytes || now->tx_bytes < at.tx_bytes)
		memset(&at, 0, sizeof(at));
	s->key = key;
	s->at = *now;
	if (!ms)
		return;
	s->rate.rx_pps = per_second(now->rx_pkts - at.rx_pkts, ms);
	s->rate.rx_bps = per_second((now->rx_bytes - at.rx_bytes) * 8, ms);
	s->rate.tx_pps = per_second(now->tx_pkts - at.tx_pkts, ms);
	s->rate.tx_bps = per_second((now->tx_bytes - at.tx_bytes) * 8, ms);
}

static void sample_all(struct gw *gw, struct gw_stats *st, uint64_t ms)
{
	static const struct gw_if_counters zero;
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (gw->ifs[i].used || st->ifs[i].key)
			sample_one(&st->ifs[i], gw->ifs[i].used, &gw->ifs[i].cnt, ms);
	for (uint32_t x = 0; x < BD_MAX; x++) {
		uint32_t id = bd_id(gw->bd, x);
		const struct gw_bd_cnt *b = &gw->bd_cnt[x];
		if (id || st->bds[x].key)
			sample_one(&st->bds[x], id, b->id == id ? &b->c : &zero, ms);
	}
	for (uint32_t i = 0; i < GW_PEER_SLOTS; i++) {
		const struct gw_peer_cnt *p = &gw->peers.slot[i];
		if (p->vtep || st->peers[i].key)
			sample_one(&st->peers[i], p->vtep, &p->c, ms);
	}
	sample_one(&st->other, 0, &gw->peers.other, ms);
}

void gw_stats_tick(struct gw *gw)
{
	struct gw_stats *st = gw->stats;
	if (!st->started) {
		sample_all(gw, st, 0);
		st->started = true;
		st->start_ms = gw->now_ms;
		return;
	}
	uint64_t ms = gw->now_ms - st->start_ms;
	if (ms < GW_STATS_INTERVAL_MS)
		return;
	sample_all(gw, st, ms);
	st->start_ms = gw->now_ms;
	st->interval_ms = ms;
}

void gw_stats_clear(struct gw *gw)
{
	memset(gw->bd_cnt, 0, sizeof(gw->bd_cnt));
	memset(&gw->peers, 0, sizeof(gw->peers));
	memset(gw->stats, 0, sizeof(*gw->stats));
	gw->stats->started = true;
	gw->stats->start_ms = gw->now_ms;
}

uint64_t gw_stats_interval_ms(const struct gw *gw)
{
	return gw->stats->interval_ms;
}

/* ---------------------------------------------------------------- readers */

bool gw_if_rate(const struct gw *gw, uint16_t ifx, struct gw_rate *r)
{
	memset(r, 0, sizeof(*r));
	if (ifx == 0 || ifx > GW_IF_MAX || !gw->ifs[ifx].used)
		return false;
	/* a sample taken before the interface was re-created is not its own */
	const struct sample *s = &gw->stats->ifs[ifx];
	if (s->key && gw->ifs[ifx].cnt.rx_pkts >= s->at.rx_pkts &&
	    gw->ifs[ifx].cnt.tx_pkts >= s->at.tx_pkts)
		*r = s->rate;
	return true;
}

struct bd_walk_ctx {
	const struct gw *gw;
	int (*cb)(const struct gw_bd_stats *s, void *arg);
	void *arg;
};

static int bd_stats_one(const struct bd_info *bi, void *arg)
{
	struct bd_walk_ctx *w = arg;
	const struct gw_bd_cnt *b = &w->gw->bd_cnt[bi->bdx];
	const struct sample *s = &w->gw->stats->bds[bi->bdx];
	struct gw_bd_stats out = {.bd_id = bi->id, .vni = bi->vni};
	if (b->id == bi->id)
		out.cnt = b->c;
	if (s->key == bi->id)
		out.rate = s->rate;
	return w->cb(&out, w->arg);
}

int gw_bd_stats_walk(const struct gw *gw, int (*cb)(const struct gw_bd_stats *s, void *arg),
                     void *arg)
{
	struct bd_walk_ctx w = {.gw = gw, .cb = cb, .arg = arg};
	return bd_walk(gw->bd, bd_stats_one, &w);
}

static int by_vtep(const void *a, const void *b)
{
	uint32_t x = ((const struct gw_peer_stats *)a)->vtep;
	uint32_t y = ((const struct gw_peer_stats *)b)->vtep;
	return (x > y) - (x < y);
}

int gw_peer_stats_walk(const struct gw *gw, int (*cb)(const struct gw_peer_stats *s, void *arg),
                       void *arg)
{
	const struct gw_peer_table *t = &gw->peers;
	struct gw_peer_stats *v = malloc((t->n + 1) * sizeof(*v));
	if (!v)
		return GW_E_NOMEM;
	uint32_t n = 0;
	for (uint32_t i = 0; i < GW_PEER_SLOTS && n < t->n; i++) {
		const struct sample *s = &gw->stats->peers[i];
		if (!t->slot[i].vtep)
			continue;
		v[n] = (struct gw_peer_stats){.vtep = t->slot[i].vtep, .cnt = t->slot[i].c};
		if (s->key == t->slot[i].vtep)
			v[n].rate = s->rate;
		n++;
	}
	qsort(v, n, sizeof(*v), by_vtep);
	if (t->other.rx_pkts || t->other.tx_pkts)
		v[n++] = (struct gw_peer_stats){.cnt = t->other, .rate = gw->stats->other.rate};
	int r = 0;
	for (uint32_t i = 0; i < n && !r; i++)
		r = cb(&v[i], arg);
	free(v);
	return r;
}
