/*
 * fuzz_fastpath.c - differential libFuzzer target: the workers' fast path (gw/fast.c)
 * against the main pipeline (gw/pipeline.c), run under ASan + UBSan.
 *
 * Two gateways built alike (the topology of fuzz_topo.h, with its IPv6): R, the reference, runs
 * every packet through the pipeline; W is a gateway with a worker, whose forwarding snapshot
 * (gw/fwd.h) is rebuilt whenever it is stale, as the daemon republishes it. A vector goes
 * through the fast path over W's snapshot first; what it punts then goes through W's
 * pipeline, as the main thread does with it. Then:
 *   - R runs the packets the fast path forwarded, in their order, as one vector: what the
 *     fast path sent must be what R sends, byte for byte, to the same VTEP or out of the
 *     same interface, in the same order (super-packets cut alike);
 *   - R runs the punted packets, in the order punted: R and W must send the same;
 *   - at the end of the input, the worker's counters folded into W's (gw_fast_fold), as
 *     the daemon does now and then, every counter of W must be R's: the gateway's, each
 *     drop reason, each interface, bridge domain and peer (after every vector, the fold
 *     and the walks cost more than the packets).
 * R sees the forwarded packets before the punted ones, so that each packet meets the same
 * tables on both sides and a difference can only be a rule the two paths apply
 * differently, or a counter one of them forgets. Timers (gw_tick) run on both and must
 * send the same.
 *
 * Input: the records of fuzz_pipeline.c (its seeds are seeds here too: IPv6 senders and
 * outer TOS included, fuzz_rec_outer in fuzz_topo.h), with two differences. Entry 5
 * changes the configuration of both gateways (a new snapshot) and sends its frame on up0,
 * entry 7 sends on up1 (down) only: a frame on a BDIF's index comes from no netdev. Clock
 * moves stop once the input has run 150 s: the fast path refreshes a MAC (and a flood
 * group's learned peer) once every third of the ageing time (300 s here), not with every
 * packet as the pipeline does, so only after that long can the two gateways age a table
 * apart, by design.
 * ctl bit 0x80 (which flips bdif20 in both) also makes bdif10 an anycast gateway (or no
 * longer one) in both, and takes away the worker's sockets on the uplinks' netdevs for the
 * packets until the next flip: traffic toward them is punted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "gw/workers/fast.h"
#include "gw/workers/fwd.h"
#include "gw/gso.h"
#include "gw/gw.h"
#include "gw/gw_int.h"
#include "gw/stats.h"
#include "fuzz_check.h"
#include "fuzz_topo.h"
#include "pktlab.h"
#include "vxlan/vxlan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS          96
#define VEC_MAX           32
#define TIME_BUDGET       150000 /* ms an input may move the clock, drain included */
#define IFX_CHECKED       32     /* interfaces compared: every one the topology makes */
#define ROWS_MAX          64
#define CTL_TICK          0x08
#define CTL_JOIN          0x10
#define CTL_CLRARP        0x20
#define CTL_CLRMAC        0x40
#define CTL_FLIP          0x80
#define ENTRY_CONFIG      5
#define ENTRY_UNDERLAY(e) ((e) <= 3)

static struct fuzz_gw R, W;
static struct gw_fwd *F;               /* W's snapshot, what the worker reads */
static struct gw_fast_cnt *CNT, *SEEN; /* the worker's counters, W's copy at the last fold */
static struct gw_fast WK;              /* the worker */
static bool cfg_changed, no_sockets, anycast10;
static uint64_t now, elapsed;
static bool verbose;
static uint64_t n_forwarded, n_punted;

static const uint64_t advance_ms[8] = {0, 1, 50, 100, 1000, 3000, 30000, 700000};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_gw_init(&R);
	fuzz_gw_init(&W);
	fuzz_gw_init_ip6(&R);
	fuzz_gw_init_ip6(&W);
	CNT = calloc(1, sizeof(*CNT));
	SEEN = calloc(1, sizeof(*SEEN));
	CHECK(CNT && SEEN, "no memory for the worker's counters");
	CHECK(R.L.now == W.L.now, "the two gateways start at different times");
	now = R.L.now;
	verbose = getenv("VXGW_FUZZ_VERBOSE") != NULL;
	return 0;
}

/* ---------------------------------------------------------------- both gateways */

static void set_time(uint64_t t)
{
	now = t;
	R.L.now = W.L.now = t;
	gw_set_time(R.L.gw, t);
	gw_set_time(W.L.gw, t);
}

/* What R and W sent since their captures were reset: the same frames in the same order. */
static void same_captures(const char *when)
{
	CHECK(R.L.n_tx == W.L.n_tx, "%s: the pipeline sent %llu frames on R, %llu on W", when,
	      (unsigned long long)R.L.n_tx, (unsigned long long)W.L.n_tx);
	for (unsigned i = 0; i < R.L.n_cap; i++) {
		const struct lab_frame *a = &R.L.cap[i], *b = &W.L.cap[i];
		CHECK(a->ifx == b->ifx && a->outer_dst == b->outer_dst && a->len == b->len &&
		          memcmp(a->bytes, b->bytes, a->len) == 0,
		      "%s: frame %u differs: R %u bytes to ifx %u / %#x, W %u to ifx %u / %#x",
		      when, i, a->len, a->ifx, a->outer_dst, b->len, b->ifx, b->outer_dst);
	}
}

static void reset_captures(void)
{
	lab_reset_capture(&R.L);
	lab_reset_capture(&W.L);
	R.L.n_tx = W.L.n_tx = 0;
}

/*
 * What a change of both gateways made them send (packets an ARP entry held, released into
 * the transmit queues, which the next input or tick flushes): flushed, the same on both.
 */
static void flush_both(const char *what)
{
	gw_flush(R.L.gw);
	gw_flush(W.L.gw);
	same_captures(what);
}

static void tick_both(void)
{
	reset_captures();
	gw_tick(R.L.gw);
	gw_tick(W.L.gw);
	same_captures("gw_tick");
}

/* ---------------------------------------------------------------- counters */

struct rows {
	unsigned n;
	struct {
		uint32_t key;
		struct gw_if_counters c;
	} r[ROWS_MAX];
};

static int bd_row(const struct gw_bd_stats *s, void *arg)
{
	struct rows *v = arg;
	if (v->n < ROWS_MAX) {
		v->r[v->n].key = s->bd_id;
		v->r[v->n++].c = s->cnt;
	}
	return 0;
}

static int peer_row(const struct gw_peer_stats *s, void *arg)
{
	struct rows *v = arg;
	if (v->n < ROWS_MAX) {
		v->r[v->n].key = s->vtep;
		v->r[v->n++].c = s->cnt;
	}
	return 0;
}

static void same_rows(const char *what, const struct rows *a, const struct rows *b)
{
	CHECK(a->n == b->n, "%s: %u rows on R, %u on W", what, a->n, b->n);
	for (unsigned i = 0; i < a->n; i++)
		CHECK(
		    a->r[i].key == b->r[i].key &&
		        memcmp(&a->r[i].c, &b->r[i].c, sizeof(a->r[i].c)) == 0,
		    "%s %u (R) / %u (W): rx %llu/%llu tx %llu/%llu on R, rx %llu/%llu tx %llu/%llu "
		    "on W",
		    what, a->r[i].key, b->r[i].key, (unsigned long long)a->r[i].c.rx_pkts,
		    (unsigned long long)a->r[i].c.rx_bytes, (unsigned long long)a->r[i].c.tx_pkts,
		    (unsigned long long)a->r[i].c.tx_bytes, (unsigned long long)b->r[i].c.rx_pkts,
		    (unsigned long long)b->r[i].c.rx_bytes, (unsigned long long)b->r[i].c.tx_pkts,
		    (unsigned long long)b->r[i].c.tx_bytes);
}

/* Every counter of W, the worker's folded in, is R's. */
static void same_counters(void)
{
	gw_fast_fold(W.L.gw, CNT, SEEN);
	struct gw_counters a, b;
	gw_get_counters(R.L.gw, &a);
	gw_get_counters(W.L.gw, &b);
	for (unsigned d = 0; d < GW_DROP_MAX; d++)
		CHECK(a.drops[d] == b.drops[d], "drops %s: %llu on R, %llu on W", gw_drop_name(d),
		      (unsigned long long)a.drops[d], (unsigned long long)b.drops[d]);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0,
	      "gateway counters: rx %llu+%llu tx %llu+%llu routed %llu on R, rx %llu+%llu tx "
	      "%llu+%llu routed %llu on W (or another of struct gw_counters)",
	      (unsigned long long)a.rx_underlay, (unsigned long long)a.rx_eth,
	      (unsigned long long)a.tx_underlay, (unsigned long long)a.tx_eth,
	      (unsigned long long)a.routed, (unsigned long long)b.rx_underlay,
	      (unsigned long long)b.rx_eth, (unsigned long long)b.tx_underlay,
	      (unsigned long long)b.tx_eth, (unsigned long long)b.routed);
	for (uint16_t ifx = 1; ifx <= IFX_CHECKED; ifx++) {
		struct gw_if_info ia, ib;
		bool ha = gw_if_get(R.L.gw, ifx, &ia), hb = gw_if_get(W.L.gw, ifx, &ib);
		CHECK(ha == hb, "interface %u exists on one gateway only", ifx);
		if (ha)
			CHECK(
			    memcmp(&ia.cnt, &ib.cnt, sizeof(ia.cnt)) == 0,
			    "%s: rx %llu/%llu tx %llu/%llu on R, rx %llu/%llu tx %llu/%llu on W",
			    ia.name, (unsigned long long)ia.cnt.rx_pkts,
			    (unsigned long long)ia.cnt.rx_bytes, (unsigned long long)ia.cnt.tx_pkts,
			    (unsigned long long)ia.cnt.tx_bytes, (unsigned long long)ib.cnt.rx_pkts,
			    (unsigned long long)ib.cnt.rx_bytes, (unsigned long long)ib.cnt.tx_pkts,
			    (unsigned long long)ib.cnt.tx_bytes);
	}
	static struct rows ra, rb;
	ra.n = rb.n = 0;
	gw_bd_stats_walk(R.L.gw, bd_row, &ra);
	gw_bd_stats_walk(W.L.gw, bd_row, &rb);
	same_rows("bridge domain", &ra, &rb);
	ra.n = rb.n = 0;
	gw_peer_stats_walk(R.L.gw, peer_row, &ra);
	gw_peer_stats_walk(W.L.gw, peer_row, &rb);
	same_rows("peer", &ra, &rb);
}

/* ---------------------------------------------------------------- a vector */

/* A packet of the input: what both gateways receive. */
struct inpkt {
	const uint8_t *bytes;
	uint32_t len;
	struct fuzz_outer outer;
	uint8_t flags;
	bool csum; /* its inner checksum completed first, as a driver does */
};

/* Packets gathered for one vector: underlay packets, or frames from one netdev. */
struct batch {
	int kind; /* 0: none, 1: underlay, 2: uplink */
	uint16_t ifx;
	unsigned n;
	struct inpkt in[VEC_MAX];
};

static struct gw_pkt *make_pkt(struct fuzz_gw *g, const struct inpkt *in, uint16_t rx_ifx)
{
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(g->L.gw));
	CHECK(p != NULL, "pool empty");
	gw_pkt_set(p, in->bytes, in->len);
	if (in->csum)
		gw_gso_csum_complete(p->data + VX_HDR_LEN + NET_ETH_HLEN,
		                     in->len - VX_HDR_LEN - NET_ETH_HLEN);
	fuzz_outer_set(g, p, &in->outer);
	p->flags = in->flags;
	p->rx_ifx = rx_ifx;
	return p;
}

/* The snapshot the worker reads: rebuilt when W's tables moved, as the daemon does. */
static void snapshot(void)
{
	if (F && !cfg_changed && !gw_fwd_stale(W.L.gw, F))
		return;
	struct gw_fwd *f = gw_fwd_build(W.L.gw, F, cfg_changed, now);
	CHECK(f != NULL, "gw_fwd_build failed");
	gw_fwd_free(F);
	F = f;
	cfg_changed = false;
}

/* The worker at time now, with a socket on every netdev of the snapshot unless no_sockets. */
static void worker_init(void)
{
	memset(&WK, 0, sizeof(WK));
	WK.cnt = CNT;
	WK.pool = gw_pool(W.L.gw);
	WK.now_ms = now;
	for (unsigned i = 1; i <= GW_IF_MAX && !no_sockets; i++)
		if (F->cfg->ports[i].name[0])
			WK.port_tx[i] = &WK; /* the fast path only asks whether there is one */
}

static void input(struct fuzz_gw *g, const struct batch *b, uint16_t ifx, struct gw_pkt **v,
                  unsigned n)
{
	if (!n)
		return;
	if (b->kind == 1)
		gw_input_underlay(g->L.gw, v, n);
	else
		gw_input_eth(g->L.gw, ifx, v, n);
}

/* The first byte at which a and b (n bytes each) differ, n when none. */
static unsigned first_diff(const uint8_t *a, const uint8_t *b, unsigned n)
{
	unsigned i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The fast path's frames of one kind (underlay or uplinks) against R's capture. */
static void same_as_pipeline(struct gw_pkt **tx, unsigned n, bool underlay)
{
	unsigned k = 0;
	for (unsigned i = 0; i < R.L.n_cap; i++) {
		const struct lab_frame *c = &R.L.cap[i];
		if ((c->ifx == 0) != underlay)
			continue;
		CHECK(k < n, "the pipeline sent more %s frames than the fast path (%u)",
		      underlay ? "underlay" : "uplink", n);
		const struct gw_pkt *p = tx[k++];
		bool same_dst = underlay ? p->outer_dst == c->outer_dst : p->tx_ifx == c->ifx;
		unsigned at = first_diff(p->data, c->bytes, p->len < c->len ? p->len : c->len);
		CHECK(same_dst && p->len == c->len && at == c->len,
		      "%s frame %u: fast path %u bytes to %#x, pipeline %u bytes to %#x, first "
		      "difference at byte %u (%#x, pipeline %#x)",
		      underlay ? "underlay" : "uplink", k - 1, p->len,
		      underlay ? p->outer_dst : p->tx_ifx, c->len, underlay ? c->outer_dst : c->ifx,
		      at, at < p->len ? p->data[at] : 0, at < c->len ? c->bytes[at] : 0);
	}
	if (R.L.n_tx <= LAB_CAP_MAX)
		CHECK(k == n, "the fast path sent %u %s frames, the pipeline %u", n,
		      underlay ? "underlay" : "uplink", k);
}

/* A punted packet still knows its IPv6 sender's address (the main thread names it). */
static bool same_sender(const struct gw_pkt *p, const struct fuzz_outer *o)
{
	if (!o->sender6)
		return true;
	struct in6_addr a = lab_a6(fuzz_senders6[o->sender6 - 1]);
	return memcmp(p->buf, &a, sizeof(a)) == 0; /* gw_pkt_outer6_src */
}

static void release(struct gw_pkt **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(gw_pool(W.L.gw), v[i]);
}

static void batch_flush(struct batch *b)
{
	if (!b->n) {
		b->kind = 0;
		return;
	}
	snapshot();
	worker_init();
	struct gw_pkt *w[VEC_MAX], *r[VEC_MAX];
	uint16_t port = 0, any = 0;
	if (b->kind == 2) {
		port = F->cfg->ifs[b->ifx].port;
		any = F->cfg->ports[port].any_ifx;
		CHECK(any != 0, "netdev of interface %u has no interface in the snapshot", b->ifx);
	}
	for (unsigned i = 0; i < b->n; i++)
		w[i] = make_pkt(&W, &b->in[i], any);
	struct gw_pkt *orig[VEC_MAX];
	memcpy(orig, w, b->n * sizeof(*w));
	if (b->kind == 1)
		gw_fast_underlay(&WK, F, w, b->n);
	else
		gw_fast_eth(&WK, F, port, w, b->n);
	CHECK(WK.n_punt <= b->n, "%u punts of %u packets", WK.n_punt, b->n);
	CNT->c.tx_underlay += WK.n_tx; /* the worker counts what it sends */

	/* which were punted (each restored as received), which forwarded */
	bool punted[VEC_MAX] = {false};
	unsigned at[VEC_MAX];
	for (unsigned k = 0; k < WK.n_punt; k++) {
		unsigned i = 0;
		while (i < b->n && orig[i] != WK.punt[k])
			i++;
		CHECK(i < b->n && !punted[i], "punt %u is no packet of the vector, or twice", k);
		punted[i] = true;
		at[k] = i;
		const struct gw_pkt *p = WK.punt[k];
		CHECK(gw_pkt_headroom(p) == GW_PKT_HEADROOM && p->len == b->in[i].len &&
		          p->outer_tos == b->in[i].outer.tos && same_sender(p, &b->in[i].outer),
		      "punted packet %u not as received", i);
	}
	unsigned nr = 0;
	for (unsigned i = 0; i < b->n; i++)
		if (!punted[i])
			r[nr++] = make_pkt(&R, &b->in[i], any);
	n_forwarded += nr;
	n_punted += WK.n_punt;

	/* the forwarded ones: the fast path's frames are R's */
	reset_captures();
	input(&R, b, any, r, nr);
	same_as_pipeline(WK.tx, WK.n_tx, true);
	same_as_pipeline(WK.tx_eth, WK.n_tx_eth, false);
	CHECK(R.L.n_tx == WK.n_tx + WK.n_tx_eth, "the pipeline sent %llu frames, the fast path %u",
	      (unsigned long long)R.L.n_tx, WK.n_tx + WK.n_tx_eth);
	release(WK.tx, WK.n_tx);
	release(WK.tx_eth, WK.n_tx_eth);

	/* the punted ones, in the order punted, through both pipelines */
	reset_captures();
	unsigned np = WK.n_punt;
	for (unsigned k = 0; k < np; k++)
		r[k] = make_pkt(&R, &b->in[at[k]], any);
	input(&R, b, any, r, np);
	input(&W, b, any, WK.punt, np);
	same_captures("punted packets");
	b->n = 0;
	b->kind = 0;
}

/* ---------------------------------------------------------------- input */

static void advance(uint64_t ms)
{
	if (elapsed + ms > TIME_BUDGET)
		ms = TIME_BUDGET - elapsed;
	elapsed += ms;
	set_time(now + ms);
}

static void control(struct batch *b, uint8_t ctl)
{
	if (ctl & CTL_JOIN)
		return; /* same vector: same time stamp, no control in between */
	batch_flush(b);
	reset_captures();
	if (ctl & CTL_CLRARP) {
		arp_clear_dynamic(gw_arp(R.L.gw), 0);
		arp_clear_dynamic(gw_arp(W.L.gw), 0);
	}
	if (ctl & CTL_CLRMAC) {
		bd_mac_clear_dynamic(gw_bd(R.L.gw), 0);
		bd_mac_clear_dynamic(gw_bd(W.L.gw), 0);
	}
	if (ctl & CTL_FLIP) {
		fuzz_gw_flip_bdif20(&R);
		fuzz_gw_flip_bdif20(&W);
		anycast10 = !anycast10;
		gw_if_set_anycast(R.L.gw, R.L.bdif10, anycast10);
		gw_if_set_anycast(W.L.gw, W.L.bdif10, anycast10);
		cfg_changed = true;
		no_sockets = !no_sockets;
	}
	flush_both("clear or flip");
	advance(advance_ms[ctl & 7]);
	if (ctl & CTL_TICK)
		tick_both();
}

static void add_packet(struct batch *b, uint8_t sel, const uint8_t *bytes, size_t len)
{
	unsigned entry = sel & 7, var = sel >> 3;
	int kind = ENTRY_UNDERLAY(entry) ? 1 : 2;
	uint16_t ifx = 0;
	if (kind == 2) {
		ifx = entry <= 5 ? R.L.up0 : entry == 6 ? R.up2 : R.up1;
		if (b->kind == 2 && b->ifx != ifx)
			batch_flush(b);
	}
	if (b->kind != kind || b->n == VEC_MAX)
		batch_flush(b);
	struct fuzz_outer o = fuzz_rec_outer(entry, var, &bytes, &len);
	struct inpkt *in = &b->in[b->n++];
	*in = (struct inpkt){.bytes = bytes, .len = (uint32_t)len, .outer = o};
	if (kind == 1) {
		if (entry <= 2 && (var & 8))
			in->flags = GW_PKT_GSO;
		in->csum = entry <= 2 && (var & 16) && len > VX_HDR_LEN + NET_ETH_HLEN;
	}
	b->kind = kind;
	b->ifx = ifx;
}

/* Runs the clock until the ARP timers have handed back every packet they held. */
static void drain(void)
{
	struct gw_pool *pool = gw_pool(R.L.gw);
	for (int i = 0; i < 60 && gw_pool_avail(pool) != gw_pool_size(pool); i++) {
		advance(500);
		tick_both();
	}
}

static void report(void)
{
	struct gw_counters c;
	gw_get_counters(R.L.gw, &c);
	fprintf(
	    stderr,
	    "fast path: %llu forwarded, %llu punted; pipeline: rx %llu+%llu routed %llu, drops:",
	    (unsigned long long)n_forwarded, (unsigned long long)n_punted,
	    (unsigned long long)c.rx_underlay, (unsigned long long)c.rx_eth,
	    (unsigned long long)c.routed);
	for (int i = 0; i < GW_DROP_MAX; i++)
		if (c.drops[i])
			fprintf(stderr, " %s %llu", gw_drop_name(i),
			        (unsigned long long)c.drops[i]);
	fprintf(stderr, "\n");
}

/* Both gateways as built, counters zero, the worker's too. */
static void restart(void)
{
	/* a new configuration copy only when the input changed it: copying the FIBs (what
	 * a commit does) took most of an input's time */
	cfg_changed |= R.toggled || R.bdif20_down || anycast10;
	anycast10 = false;
	gw_if_set_anycast(R.L.gw, R.L.bdif10, false);
	gw_if_set_anycast(W.L.gw, W.L.bdif10, false);
	reset_captures();
	fuzz_gw_restore(&R);
	fuzz_gw_restore(&W);
	flush_both("configuration restored");
	/* token buckets full; no tick: the two are alike without, and the rates it samples
	 * (gw_stats_tick) cost as much as the input */
	set_time(now + 3600 * 1000);
	fuzz_gw_forget_senders(&R);
	fuzz_gw_forget_senders(&W);
	gw_clear_counters(R.L.gw);
	gw_clear_counters(W.L.gw);
	memset(CNT, 0, sizeof(*CNT));
	memset(SEEN, 0, sizeof(*SEEN));
	no_sockets = false;
	elapsed = 0;
	n_forwarded = n_punted = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct batch b;
	restart();
	size_t off = 0;
	unsigned recs = 0;
	b.n = 0;
	b.kind = 0;
	while (off + 4 <= size && recs++ < MAX_RECS) {
		struct fuzz_rec r = fuzz_rec_take(data, size, &off);
		uint8_t sel = r.sel, ctl = r.ctl;
		const uint8_t *pkt = r.pkt;
		size_t len = r.len;
		if ((sel & 7) == ENTRY_CONFIG && (sel >> 3 & 7)) {
			batch_flush(&b);
			reset_captures();
			fuzz_gw_config_op(&R, sel >> 3 & 7);
			fuzz_gw_config_op(&W, sel >> 3 & 7);
			flush_both("configuration change");
			cfg_changed = true;
		}
		control(&b, ctl);
		add_packet(&b, sel, pkt, len);
	}
	batch_flush(&b);
	drain();
	same_counters();
	if (verbose)
		report();
	restart();
	CHECK(gw_pool_avail(gw_pool(R.L.gw)) == gw_pool_size(gw_pool(R.L.gw)) &&
	          gw_pool_avail(gw_pool(W.L.gw)) == gw_pool_size(gw_pool(W.L.gw)),
	      "buffers held after the input: %u on R, %u on W",
	      gw_pool_size(gw_pool(R.L.gw)) - gw_pool_avail(gw_pool(R.L.gw)),
	      gw_pool_size(gw_pool(W.L.gw)) - gw_pool_avail(gw_pool(W.L.gw)));
	return 0;
}
