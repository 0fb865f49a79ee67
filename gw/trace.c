/* gw/trace.c - packet trace: the budget, the entries and the record of each stage. */
#include "gw/gw_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "vxlan/vxlan.h"

static const char *const stage_names[] = {
#define GW_TRACE_STAGE_NAME(e, n) n,
    GW_TRACE_STAGES(GW_TRACE_STAGE_NAME)
#undef GW_TRACE_STAGE_NAME
};

const char *gw_trace_stage_name(enum gw_trace_stage s)
{
	return s < GW_TR_MAX ? stage_names[s] : "?";
}

const char *gw_trace_input_name(enum gw_trace_input in)
{
	switch (in) {
	case GW_TRACE_IN_UNDERLAY:
		return "underlay";
	case GW_TRACE_IN_ETHERNET:
		return "ethernet";
	default:
		return "any";
	}
}

/* ---------------------------------------------------------------- budget and entries */

int gw_trace_add(struct gw *gw, uint32_t n, enum gw_trace_input input)
{
	struct gw_trace_state *t = &gw->trace;
	if (n == 0 || n > GW_TRACE_MAX_PKTS)
		return -1;
	uint32_t room = GW_TRACE_MAX_PKTS - t->n - t->budget;
	if (n > room)
		n = room;
	uint32_t want = t->n + t->budget + n;
	if (want > t->cap) {
		/* grown here, on the command, never on the packet path */
		struct gw_trace_pkt *a = realloc(t->pkts, (size_t)want * sizeof(*a));
		if (!a)
			return -2;
		t->pkts = a;
		t->cap = want;
	}
	t->budget += n;
	t->input = (uint8_t)input;
	return (int)n;
}

void gw_trace_clear(struct gw *gw)
{
	struct gw_trace_state *t = &gw->trace;
	free(t->pkts);
	t->base += t->n;
	t->pkts = NULL;
	t->n = t->cap = t->budget = 0;
	t->input = GW_TRACE_IN_ANY;
}

void gw_trace_fini(struct gw *gw)
{
	gw_trace_clear(gw);
}

uint32_t gw_trace_budget(const struct gw *gw)
{
	return gw->trace.budget;
}

uint32_t gw_trace_count(const struct gw *gw)
{
	return gw->trace.n;
}

const struct gw_trace_pkt *gw_trace_get(const struct gw *gw, uint32_t i)
{
	return i < gw->trace.n ? &gw->trace.pkts[i] : NULL;
}

/* The entry of a traced packet; NULL when it was cleared since. */
static struct gw_trace_pkt *entry_of(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_state *t = &gw->trace;
	uint32_t slot = p->trace - 1 - t->base;
	if (p->trace - 1 < t->base || slot >= t->n)
		return NULL;
	return &t->pkts[slot];
}

/* A new record of stage for p, zeroed, or NULL when there is nowhere to put it. */
static struct gw_trace_rec *rec_new(struct gw *gw, const struct gw_pkt *p,
                                    enum gw_trace_stage stage, uint16_t ifx)
{
	struct gw_trace_pkt *e = entry_of(gw, p);
	if (!e)
		return NULL;
	if (e->n_recs == GW_TRACE_RECS) {
		if (e->n_lost < UINT16_MAX)
			e->n_lost++;
		return NULL;
	}
	struct gw_trace_rec *r = &e->rec[e->n_recs++];
	memset(r, 0, sizeof(*r));
	r->stage = (uint8_t)stage;
	r->ifx = ifx;
	uint64_t dt = gw->now_ms - e->t_ms;
	r->ms = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
	return r;
}

static void rec_eth(struct gw_trace_rec *r, const struct gw_pkt *p)
{
	if (p->len < NET_ETH_HLEN)
		return;
	const struct net_eth *eth = (const struct net_eth *)p->data;
	memcpy(r->u.eth.dst, eth->dst, 6);
	memcpy(r->u.eth.src, eth->src, 6);
	r->u.eth.type = ntohs(eth->type);
}

/* VXLAN header at p->data: the VNI, or 0 when too short to tell. */
static uint32_t vxlan_vni_peek(const struct gw_pkt *p)
{
	if (p->len < VX_HDR_LEN)
		return 0;
	return (uint32_t)p->data[4] << 16 | (uint32_t)p->data[5] << 8 | p->data[6];
}

static void input_rec(struct gw *gw, struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = rec_new(gw, p, ifx ? GW_TR_UPLINK_RX : GW_TR_UNDERLAY_RX, ifx);
	if (!r)
		return;
	if (ifx) {
		rec_eth(r, p);
		return;
	}
	r->u.rx.src = p->outer_src;
	r->u.rx.dst = p->outer_dst;
	r->u.rx.sport = p->outer_sport;
	r->u.rx.len = (uint16_t)(p->len > UINT16_MAX ? UINT16_MAX : p->len);
	r->u.rx.vni = vxlan_vni_peek(p);
}

void gw_trace_input(struct gw *gw, struct gw_pkt **pkts, unsigned n, uint16_t ifx)
{
	struct gw_trace_state *t = &gw->trace;
	uint8_t in = ifx ? GW_TRACE_IN_ETHERNET : GW_TRACE_IN_UNDERLAY;
	if (t->input != GW_TRACE_IN_ANY && t->input != in)
		return;
	for (unsigned i = 0; i < n && t->budget && t->n < t->cap; i++) {
		struct gw_trace_pkt *e = &t->pkts[t->n++];
		t->budget--;
		e->id = t->base + t->n;
		e->input = in;
		e->n_recs = 0;
		e->n_lost = 0;
		e->t_ms = gw->now_ms;
		pkts[i]->trace = e->id;
		input_rec(gw, pkts[i], ifx);
	}
}

/* ---------------------------------------------------------------- the stages */

void gw_trace_decap(struct gw *gw, const struct gw_pkt *p, uint32_t vni)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_VXLAN_DECAP, 0);
	if (!r)
		return;
	r->u.decap.vni = vni;
	r->u.decap.bd_id = bd_id(gw->bd, p->bdx);
}

void gw_trace_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac, int result)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_MAC_LEARN, 0);
	if (!r)
		return;
	r->code = (uint8_t)result;
	memcpy(r->u.learn.mac, mac, 6);
	r->u.learn.vtep = p->outer_src;
	r->u.learn.bd_id = bd_id(gw->bd, p->bdx);
}

void gw_trace_l2(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_L2_INPUT, ifx);
	if (r)
		rec_eth(r, p);
}

void gw_trace_arp_input(struct gw *gw, const struct gw_pkt *p, uint16_t op, uint32_t spa,
                        const uint8_t *sha)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_ARP_INPUT, p->rx_ifx);
	if (!r)
		return;
	r->code = (uint8_t)op;
	r->u.arp.ip = spa;
	memcpy(r->u.arp.mac, sha, 6);
}

void gw_trace_ip4(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_INPUT, p->rx_ifx);
	if (!r || p->len < NET_IP_HLEN)
		return;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	r->u.ip4.src = ntohl(ip->src);
	r->u.ip4.dst = ntohl(ip->dst);
	r->u.ip4.len = ntohs(ip->len);
	r->u.ip4.ttl = ip->ttl;
	r->u.ip4.proto = ip->proto;
}

void gw_trace_fib(struct gw *gw, const struct gw_pkt *p, const struct fib *fib, uint32_t res)
{
	if (p->len < NET_IP_HLEN)
		return;
	uint32_t dst = ntohl(((const struct net_ip *)p->data)->dst);
	const struct fib_path *path = NULL;
	if (res != FIB_LOOKUP_MISS)
		path = fib_path_select(fib, res, p->flow_hash); /* the one the pipeline takes */
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_LOOKUP, path ? path->ifx : 0);
	if (!r)
		return;
	r->u.fib.dst = dst;
	r->u.fib.vrfx = p->vrfx;
	if (!path)
		return;
	/* the prefix is not in the lookup result: ask the table, only for traced packets */
	struct fib_route_info ri;
	if (fib_route_match(fib, dst, &ri)) {
		r->u.fib.pfx = ri.pfx;
		r->u.fib.plen = ri.len;
	}
	r->code = path->type;
	r->u.fib.nh = path->nh;
}

void gw_trace_arp(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint32_t nh,
                  const uint8_t *mac, enum gw_trace_arp_code code)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_ARP, ifx);
	if (!r)
		return;
	r->code = (uint8_t)code;
	r->u.arp.ip = nh;
	if (mac)
		memcpy(r->u.arp.mac, mac, 6);
	struct arp_entry_info ai;
	if (arp_get(gw->arp, ifx, nh, gw->now_ms, &ai))
		r->u.arp.state = ai.state;
}

void gw_trace_rewrite(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_REWRITE, ifx);
	if (!r)
		return;
	rec_eth(r, p);
	if (r->u.eth.type == NET_ETHERTYPE_IP && p->len >= NET_ETH_HLEN + NET_IP_HLEN)
		r->u.eth.ttl = ((const struct net_ip *)(p->data + NET_ETH_HLEN))->ttl;
}

void gw_trace_fragment(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_FRAGMENT, 0);
	if (!r || p->len < NET_IP_HLEN)
		return;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	r->u.frag.off = (uint16_t)((ntohs(ip->off) & NET_IP_OFFMASK) * 8u);
	r->u.frag.len = ntohs(ip->len);
	r->code = (ntohs(ip->off) & NET_IP_MF) != 0;
}

void gw_trace_segment(struct gw *gw, const struct gw_pkt *p, uint32_t mss)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_SEGMENT, 0);
	if (!r || p->len < NET_IP_HLEN)
		return;
	r->u.seg.len = ntohs(((const struct net_ip *)p->data)->len);
	r->u.seg.mss = (uint16_t)mss;
}

void gw_trace_local(struct gw *gw, const struct gw_pkt *p, enum gw_trace_local_code what,
                    uint8_t type, uint8_t code)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_IP4_LOCAL, p->rx_ifx);
	if (!r)
		return;
	r->code = (uint8_t)what;
	r->u.local.type = type;
	r->u.local.code = code;
	if (what == GW_TR_LOCAL_ARP_REPLY || what == GW_TR_LOCAL_ARP_LEARNED)
		return;
	if (p->len >= NET_IP_HLEN) {
		const struct net_ip *ip = (const struct net_ip *)p->data;
		r->u.local.src = ntohl(ip->src);
		r->u.local.dst = ntohl(ip->dst);
	}
}

void gw_trace_bd_mac(struct gw *gw, const struct gw_pkt *p, uint32_t vtep)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_BD_MAC_LOOKUP, p->tx_ifx);
	if (!r)
		return;
	if (p->len >= 6)
		memcpy(r->u.bdmac.mac, p->data, 6);
	r->u.bdmac.bd_id = bd_id(gw->bd, p->bdx);
	r->u.bdmac.vtep = vtep;
}

void gw_trace_encap(struct gw *gw, const struct gw_pkt *p, uint32_t vtep, uint32_t vni)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_VXLAN_ENCAP, 0);
	if (!r)
		return;
	r->u.encap.vtep = vtep;
	r->u.encap.vni = vni;
	r->u.encap.sport = vx_sport(p->flow_hash);
	r->u.encap.len = (uint16_t)(p->len > UINT16_MAX ? UINT16_MAX : p->len);
}

void gw_trace_tx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_TX, ifx);
	if (r)
		r->u.tx.len = p->len;
}

void gw_trace_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why)
{
	struct gw_trace_rec *r = rec_new(gw, p, GW_TR_DROP, 0);
	if (r)
		r->u.drop.reason = (uint16_t)why;
}
