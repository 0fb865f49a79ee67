/*
 * gw/workers/fast.c - the workers' fast path (see gw/workers/fast.h).
 *
 *   decap: outer dst is the VTEP -> VXLAN header -> VNI -> bridge domain -> peer
 *          -> inner source MAC known behind that peer -> inner dst is the BDIF's MAC
 *   or uplink: 802.1Q tag -> (sub-)interface up -> dst is its MAC
 *   route: IPv4 checks (shared with the pipeline), TTL -> one FIB lookup per vector
 *          -> transit path, egress up, MTU -> usable neighbour
 *          -> BDIF: its MAC's VTEP | uplink: a socket of this worker on its netdev
 *   or IPv6 (an interface with IPv6): header checks, scopes, hop limit -> one FIB6 lookup
 *          per vector -> transit path, egress up with IPv6, MTU -> usable neighbour -> as IPv4
 *   access lists: the ingress interface's in, the egress's out: permitted goes on, denied
 *          is dropped here (acl_deny, counted as the pipeline counts it), `log` punted
 *   commit: TTL or hop limit, Ethernet rewrite (802.1Q tag), VXLAN encap, counters
 *
 * Every test before "commit" only reads; a packet that fails one is restored to how it was
 * received and punted. The one drop made here is an access list's deny (the main thread
 * would only drop it too, and a flood of denied traffic must not load it). The tests that decide a
 * drop on the main thread are the pipeline's own (gw/vxlan_inl.h, gw/l2_inl.h, gw/ip4_inl.h,
 * gw/ip6_inl.h), so a packet either path would refuse is refused here too, and the main thread
 * drops it with the pipeline's reason; tests/fuzz/fuzz_fastpath checks both paths against each
 * other.
 */
#include "gw/workers/fast.h"

#include <string.h>

#include "common/net.h"
#include "gw/acl_inl.h"
#include "gw/gso.h"
#include "gw/gw_int.h"
#include "gw/ip4_inl.h"
#include "gw/ip6_inl.h"
#include "gw/l2_inl.h"
#include "gw/vxlan_inl.h"
#include "vxlan/vxlan.h"

/* What the decap stage found, for the route and commit stages. */
struct fast_in {
	uint8_t *data; /* as received: restored on a punt */
	uint32_t len;
	uint32_t bdx;       /* BD_NONE: from an uplink */
	uint16_t bdif;      /* the L3 interface it came in on */
	uint32_t frame_len; /* its Ethernet frame, as the pipeline counts it (no VXLAN, tag) */
	uint32_t super_mtu; /* a super-packet (gw_ip4_is_super): its link's MTU; 0: not one */
	bool ip6;           /* an IPv6 packet (else IPv4) */
	bool switched;      /* the L2 step sent it (L2 gateway): neither routed nor punted */
	uint32_t from;      /* into a bridge domain: from this VTEP or L2 port (bd_dest_is_port) */
};

static bool peer_listed(const struct gw_fwd_bd *b, uint32_t vtep)
{
	uint32_t lo = 0, hi = b->n_peers;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (b->peers[mid] < vtep)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n_peers && b->peers[lo] == vtep;
}

/*
 * The source MAC is known behind the sending VTEP. Once every third of the ageing time a
 * packet of it goes to the main thread instead, whose learning refreshes the entry (and
 * a flood group's learned peer); the compare-and-swap elects one packet over all workers.
 */
static bool fast_source_ok(const struct gw_fwd *f, const struct gw_fwd_bd *b, uint32_t bdx,
                           const uint8_t *src, uint32_t vtep, uint64_t now_ms)
{
	struct gw_fwd_mac_slot *m = gw_fwd_mac_find(f->mac, gw_fwd_mac_key(bdx, src));
	if (!gw_l2_learn_settled(m != NULL, m ? m->vtep : 0, vtep))
		return false;
	if (m->is_static || !b->fresh_ms)
		return true;
	uint64_t seen = atomic_load_explicit(&m->refreshed_ms, memory_order_relaxed);
	if (now_ms < seen + b->fresh_ms)
		return true;
	return !atomic_compare_exchange_strong_explicit(&m->refreshed_ms, &seen, now_ms,
	                                                memory_order_relaxed, memory_order_relaxed);
}

/*
 * What the previous packet of the vector established (a vector mostly comes from one VTEP,
 * one VNI, one host, as in the pipeline's decap memo): the VNI -> bridge domain -> peer
 * checks and the source MAC lookup are skipped for a repeat.
 */
struct fast_memo {
	uint32_t vni, src, bdx; /* bdx BD_NONE: nothing yet */
	uint64_t mac;           /* source MAC known behind src in bdx, 0: none */
};

/* What an input vector's L2 step reads besides the packet. */
struct fast_l2 {
	struct fast_memo memo; /* underlay */
	uint16_t port;         /* uplink: the netdev, in the snapshot's ports */
	uint64_t now_ms;
	struct gw_fast *w; /* where a frame the step switches goes (L2 gateway) */
};

static void count(struct gw_if_counters *c, uint64_t pkts, uint64_t bytes, bool tx);

/* ---------------------------------------------------------------- L2 gateway */

/*
 * Known unicast in a bridge domain with ports, as the pipeline's l2_switch: the frame (at
 * p->data + off, untagged, the tag_len bytes of an 802.1Q tag after its MACs taken off on
 * commit) from port from_port, or from VTEP vtep (from_port 0), goes to the port or VTEP its
 * destination MAC is at. Everything else is the main thread's (flooding, a port down or
 * without this worker's socket, too small for the frame, a super-packet, no room). True:
 * sent and counted, as the pipeline counts it.
 */
struct fast_sw {
	uint32_t bdx, off, tag_len, vtep;
	uint16_t from_port;
};

/* bdif_mtu: the bridge domain's BDIF's (0: none); a frame beyond the segment's MTU may be
 * a super-packet to cut (gw_l2_seg_mtu): the main thread's */
static bool fast_sw_port_ok(const struct gw_fast *w, const struct gw_fwd_if *oif,
                            const struct gw_pkt *p, uint32_t len, uint32_t bdif_mtu)
{
	return oif->up && oif->l2_port && !oif->l2_acl && w->port_tx[oif->port] &&
	       !(p->flags & GW_PKT_GSO) && gw_l2_fits(len, gw_l2_seg_mtu(oif->mtu, bdif_mtu)) &&
	       w->n_tx_eth < GW_FAST_TX_MAX;
}

/*
 * The outer header toward vtep can be built here (gw_vx_reachable: *dst6 an IPv6 one's
 * address). Else the main thread drops it (no_vtep_source).
 */
static bool fast_vtep_reachable(const struct gw_fwd_cfg *c, const struct gw_fwd_bd *b,
                                uint32_t vtep, const struct in6_addr **dst6)
{
	struct gw_vx_encap x = gw_fwd_encap(c, b);
	return gw_vx_reachable(&x, vtep, dst6);
}

/* The frame starts at p->data now, its tag gone: the first write to the packet. */
static void fast_sw_take(struct gw_fast *w, const struct gw_fwd_cfg *c, struct gw_pkt *p,
                         const struct fast_sw *sw)
{
	if (sw->tag_len)
		memmove(p->data + sw->tag_len, p->data, 2 * NET_ETH_ALEN);
	p->data += sw->off + sw->tag_len;
	p->len -= sw->off + sw->tag_len;
	struct gw_fast_cnt *k = w->cnt;
	struct gw_if_counters *bc = gw_bd_cnt_claim(k->bd, sw->bdx, c->bd[sw->bdx].id);
	count(bc, 1, p->len, false);
	count(bc, 1, p->len, true);
	if (sw->from_port) {
		count(&k->ifs[sw->from_port], 1, p->len, false);
		gw_cnt_add(&k->c.rx_eth, 1);
	} else {
		count(gw_peer_cnt(&k->peers, sw->vtep), 1, p->len, false);
		gw_cnt_add(&k->c.rx_underlay, 1);
	}
}

static void fast_sw_to_port(struct gw_fast *w, const struct gw_fwd_cfg *c, struct gw_pkt *p,
                            const struct fast_sw *sw, uint16_t ifx)
{
	const struct gw_fwd_if *oif = &c->ifs[ifx];
	fast_sw_take(w, c, p, sw);
	if (oif->vlan) {
		p->data -= NET_VLAN_HLEN;
		p->len += NET_VLAN_HLEN;
		memmove(p->data, p->data + NET_VLAN_HLEN, 2 * NET_ETH_ALEN);
		memcpy(p->data + 2 * NET_ETH_ALEN, oif->tag, NET_VLAN_HLEN);
	}
	count(&w->cnt->ifs[ifx], 1, p->len, true);
	gw_cnt_add(&w->cnt->c.tx_eth, 1);
	p->tx_ifx = ifx;
	w->tx_eth[w->n_tx_eth++] = p;
}

static void fast_sw_to_vtep(struct gw_fast *w, const struct gw_fwd_cfg *c, struct gw_pkt *p,
                            const struct fast_sw *sw, uint32_t vtep, const struct in6_addr *dst6)
{
	fast_sw_take(w, c, p, sw);
	uint32_t len = p->len;
	p->flow_hash = gw_l2_flow_hash(p->data, len);
	count(gw_peer_cnt(&w->cnt->peers, vtep), 1, len, true);
	struct gw_vx_encap x = gw_fwd_encap(c, &c->bd[sw->bdx]);
	gw_vx_encap(&x, p, vtep, dst6);
	w->tx[w->n_tx++] = p;
}

static bool fast_switch(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                        const struct fast_sw *sw)
{
	const struct gw_fwd_cfg *c = f->cfg;
	const struct gw_fwd_bd *b = &c->bd[sw->bdx];
	const struct net_eth *eth = (const struct net_eth *)(p->data + sw->off);
	if (net_mac_is_mcast(eth->dst))
		return false;
	const struct gw_fwd_mac_slot *m =
	    gw_fwd_mac_find(f->mac, gw_fwd_mac_key(sw->bdx, eth->dst));
	enum gw_drop why = 0;
	if (!m)
		return false;
	uint32_t len = p->len - sw->off - sw->tag_len;
	switch (
	    gw_l2_switch(eth, b->bdif, c->ifs[b->bdif].mac, true, m->vtep, sw->from_port, &why)) {
	case GW_L2_TO_PORT:
		if (!fast_sw_port_ok(w, &c->ifs[m->vtep], p, len,
		                     b->bdif ? c->ifs[b->bdif].mtu : 0))
			return false;
		fast_sw_to_port(w, c, p, sw, (uint16_t)m->vtep);
		return true;
	case GW_L2_TO_VTEP: {
		const struct in6_addr *dst6 = NULL;
		if (!b->vni || w->n_tx == GW_FAST_TX_MAX ||
		    !fast_vtep_reachable(c, b, m->vtep, &dst6))
			return false;
		fast_sw_to_vtep(w, c, p, sw, m->vtep, dst6);
		return true;
	}
	default:
		return false;
	}
}

/*
 * A frame from L2 port ifx of the netdev (tag_len: its 802.1Q tag, still in place): the
 * pipeline's checks (eth_input_one, l2_port_input), its source settled on the port, then
 * switched. True: sent.
 */
static bool fast_port_checks(const struct gw_fwd *f, const struct gw_pkt *p, uint16_t ifx,
                             uint32_t tag_len, uint64_t now_ms)
{
	const struct gw_fwd_cfg *c = f->cfg;
	const struct gw_fwd_if *gif = &c->ifs[ifx];
	const struct net_eth *eth = (const struct net_eth *)p->data;
	uint32_t bdx = gif->l2_bdx;
	if (gif->l2_acl || gw_l2_eth_drop(p->len - tag_len, p->data + NET_ETH_HLEN + tag_len - 2) ||
	    gw_l2_src_drop(eth->src) || gw_l2_if_down_drop(gif->up) || bdx == BD_NONE)
		return false;
	uint16_t bdif = c->bd[bdx].bdif;
	return !gw_l2_own_src_drop(eth->src, bdif, c->ifs[bdif].mac) &&
	       fast_source_ok(f, &c->bd[bdx], bdx, eth->src, ifx, now_ms);
}

static bool fast_port_in(const struct gw_fwd *f, struct gw_pkt *p, uint16_t ifx, uint32_t tag_len,
                         struct fast_l2 *l2)
{
	if (!fast_port_checks(f, p, ifx, tag_len, l2->now_ms))
		return false;
	struct fast_sw sw = {.bdx = f->cfg->ifs[ifx].l2_bdx, .tag_len = tag_len, .from_port = ifx};
	return fast_switch(l2->w, f, p, &sw);
}

/*
 * The bridge domain of VNI vni, if src may send into it (gw/vxlan_inl.h); BD_NONE else.
 * Only packets to the VTEP address get here: one to a flood group is punted before, as
 * its learned peer is the main thread's.
 */
static uint32_t fast_bd(const struct gw_fwd_cfg *c, uint32_t vni, uint32_t src, uint32_t dst,
                        struct fast_memo *m)
{
	if (m->bdx != BD_NONE && m->vni == vni && m->src == src)
		return m->bdx;
	uint32_t bdx = gw_fwd_vni_bdx(c, vni);
	uint32_t group = bdx != BD_NONE ? c->bd[bdx].group : 0;
	if (gw_vx_bd_drop(bdx, dst, group) ||
	    !gw_vx_peer_may_send(peer_listed(&c->bd[bdx], src), group))
		return BD_NONE;
	*m = (struct fast_memo){.vni = vni, .src = src, .bdx = bdx};
	return bdx;
}

/*
 * The pipeline's EtherType and IP header checks on a frame of EtherType type for interface
 * gif (data now at the IP header): IPv4, or IPv6 when gif routes it. A super-packet of
 * IPv4 from a bridge domain (from_bd) is cut here as by the pipeline; one of IPv6 is the
 * main thread's. False: punt.
 */
static inline bool fast_ip_in(struct gw_pkt *p, struct fast_in *in, uint16_t type,
                              const struct gw_fwd_if *gif, bool from_bd)
{
	in->ip6 = type == htons(NET_ETHERTYPE_IP6);
	if (in->ip6)
		return gif->ip6 && gw_ip6_validate(p) == 0 && !gw_ip6_is_super(p, gif->mtu);
	if (type != htons(NET_ETHERTYPE_IP) || gw_ip4_validate(p) != 0)
		return false;
	in->super_mtu = from_bd && gw_ip4_is_super(p, gif->mtu) ? gif->mtu : 0;
	return true;
}

/*
 * The checks of the pipeline's decap and L2 stages, in its order: true when the packet is
 * an IPv4 or IPv6 packet for the bridge domain's BDIF that the pipeline would route (and
 * learning its source would change nothing), data now at its IP header.
 */
static bool fast_decap(const struct gw_fwd *f, struct gw_pkt *p, struct fast_in *in,
                       struct fast_l2 *l2)
{
	const struct gw_fwd_cfg *c = f->cfg;
	struct fast_memo *m = &l2->memo;
	uint32_t vni;
	if ((p->outer_dst != c->vtep && p->outer_dst != c->vtep6) ||
	    gw_vx_outer_dst_drop(p->outer_dst, c->vtep, c->vtep6) ||
	    gw_vx_hdr_drop(p->data, p->len, c->vxlan_strict, &vni))
		return false;
	uint32_t bdx = fast_bd(c, vni, p->outer_src, p->outer_dst, m);
	if (bdx == BD_NONE ||
	    gw_vx_ecn_decap(p->outer_tos, p->data + VX_HDR_LEN, p->len - VX_HDR_LEN))
		return false;
	const struct gw_fwd_bd *b = &c->bd[bdx];
	const struct net_eth *eth = (const struct net_eth *)(p->data + VX_HDR_LEN);
	const struct gw_fwd_if *bif = &c->ifs[b->bdif];
	if (gw_l2_eth_drop(p->len - VX_HDR_LEN, p->data + VX_HDR_LEN + 2 * NET_ETH_ALEN) ||
	    gw_l2_anycast_drop(eth->src, b->bdif && bif->anycast, bif->mac) ||
	    gw_l2_src_drop(eth->src)) /* per packet: the memo's "none" is the zero MAC */
		return false;
	uint64_t src_mac = net_mac_to_u64(eth->src);
	if (m->mac != src_mac) {
		if (!fast_source_ok(f, b, bdx, eth->src, p->outer_src, l2->now_ms))
			return false;
		m->mac = src_mac;
	}
	if (b->n_ports && !(b->bdif && net_mac_eq(eth->dst, bif->mac))) {
		struct fast_sw sw = {.bdx = bdx, .off = VX_HDR_LEN, .vtep = p->outer_src};
		in->switched = fast_switch(l2->w, f, p, &sw);
		return false;
	}
	/* ip6 false: IPv6 multicast (ND, RS) is the main thread's, unicast to the BDIF is not */
	if (gw_l2_dispatch_drop(eth, b->bdif, bif->mac, false))
		return false;
	uint16_t type = eth->type;
	in->bdx = bdx;
	in->bdif = b->bdif;
	in->from = p->outer_src;
	in->frame_len = p->len - VX_HDR_LEN;
	p->data += VX_HDR_LEN + NET_ETH_HLEN;
	p->len -= VX_HDR_LEN + NET_ETH_HLEN;
	p->vrfx = bif->vrfx;
	return fast_ip_in(p, in, type, bif, true);
}

/*
 * A frame from L2 port ifx to its bridge domain's BDIF (the host's gateway), after
 * fast_port_checks: routed as one from a VTEP would be (data now at its IP header); false:
 * punt. The tag stays in place, read past.
 */
static bool fast_port_to_bdif(const struct gw_fwd_cfg *c, struct gw_pkt *p, struct fast_in *in,
                              uint16_t ifx, uint32_t tag_len)
{
	uint32_t bdx = c->ifs[ifx].l2_bdx;
	const struct gw_fwd_if *bif = &c->ifs[c->bd[bdx].bdif];
	uint32_t hl = NET_ETH_HLEN + tag_len;
	uint16_t type;
	memcpy(&type, p->data + hl - 2, 2);
	in->bdx = bdx;
	in->bdif = c->bd[bdx].bdif;
	in->from = ifx;
	in->frame_len = p->len - tag_len;
	p->data += hl;
	p->len -= hl;
	p->vrfx = bif->vrfx;
	return fast_ip_in(p, in, type, bif, true);
}

/*
 * The pipeline's uplink L2 checks (eth_demux, eth_header, l2_dispatch) on a frame from
 * netdev `port`, in its order; true: an IPv4 or IPv6 packet for the interface, data now at
 * its IP header. The tag stays in place (read past, not taken off): a punted frame is
 * the one received.
 */
static bool fast_eth_in(const struct gw_fwd *f, struct gw_pkt *p, struct fast_in *in,
                        struct fast_l2 *l2)
{
	if (!l2->port)
		return false;
	const struct gw_fwd_cfg *c = f->cfg;
	const struct gw_fwd_port *pt = &c->ports[l2->port];
	const struct net_eth *eth = (const struct net_eth *)p->data;
	uint16_t ifx;
	uint32_t tag_len;
	if (gw_l2_vlan_demux(p->data, p->len, pt->untagged, pt->by_vlan, &ifx, &tag_len))
		return false;
	uint32_t hl = NET_ETH_HLEN + tag_len;
	uint16_t type;
	memcpy(&type, p->data + hl - 2, 2);
	const struct gw_fwd_if *gif = &c->ifs[ifx];
	if (gif->l2_port) {
		/* known unicast is switched here, what is for the BDIF routed, the rest punted */
		uint32_t bdx = gif->l2_bdx;
		uint16_t bdif = bdx != BD_NONE ? c->bd[bdx].bdif : 0;
		if (!bdif || !net_mac_eq(eth->dst, c->ifs[bdif].mac)) {
			in->switched = fast_port_in(f, p, ifx, tag_len, l2);
			return false;
		}
		return fast_port_checks(f, p, ifx, tag_len, l2->now_ms) &&
		       fast_port_to_bdif(c, p, in, ifx, tag_len);
	}
	if (gw_l2_eth_drop(p->len - tag_len, p->data + hl - 2) || gw_l2_src_drop(eth->src) ||
	    gw_l2_if_down_drop(gif->up) || gw_l2_dispatch_drop(eth, ifx, gif->mac, false))
		return false;
	in->bdx = BD_NONE;
	in->bdif = ifx;
	in->frame_len = p->len - (hl - NET_ETH_HLEN);
	p->data += hl;
	p->len -= hl;
	p->vrfx = gif->vrfx;
	return fast_ip_in(p, in, type, gif, false);
}

/* Where a routed packet goes: the next hop on an egress BDIF, then its MAC and that MAC's
 * VTEP. Each stage runs over the vector before the next, which loads what it prefetched. */
struct fast_out {
	uint16_t ifx;
	uint8_t mac[6]; /* the neighbour's: copied, as its slot has left L1 by the commit */
	uint32_t bdx;
	uint32_t seg_mtu;           /* a super-packet longer than this is cut to it; 0: not one */
	const struct in6_addr *nh6; /* IPv6: the next hop (in the FIB copy or fast_l3_6) */
	uint64_t nb_key, nb_hash;
	uint64_t mac_key, mac_hash;
	uint32_t vtep;
	const struct in6_addr *dst6; /* an IPv6 VTEP's address (in the names' copy) */
	struct acl_cls *acl[2];      /* the lists that permitted it, [enum acl_dir] (NULL: none) */
	uint32_t acl_i[2];           /* and their entries, counted on commit */
};

/* The egress can be reached from here: a BDIF whose bridge domain has a VNI, or an uplink
 * on whose netdev this worker has a socket. */
static inline bool fast_egress_usable(const struct gw_fast *w, const struct gw_fwd_if *oif)
{
	return oif->kind == GW_IF_BDIF ? oif->bdx != BD_NONE
	                               : oif->kind == GW_IF_ETH && w->port_tx[oif->port];
}

/* The egress ifx and its neighbour's key in nb (the hash table's first slot prefetched). */
static inline void fast_out_set(struct fast_out *o, uint16_t ifx, uint32_t bdx,
                                const struct gw_fwd_hash *nb, uint64_t nb_key)
{
	o->ifx = ifx;
	o->bdx = bdx;
	o->nb_key = nb_key;
	o->nb_hash = gw_fwd_prefetch(nb, nb_key);
}

/*
 * The routing decision: false when the packet is not plain transit toward a BDIF. Within
 * the egress MTU, or a super-packet (super_mtu: its link's MTU, as the pipeline's
 * ip4_output_check), which is cut to the smaller of the two.
 */
static bool fast_route(const struct gw_fast *w, const struct gw_fwd *f, const struct fib_path *path,
                       uint32_t dst, uint32_t len, uint32_t super_mtu, struct fast_out *o)
{
	const struct gw_fwd_cfg *c = f->cfg;
	if (!path || (path->type != FIB_PATH_ATTACHED && path->type != FIB_PATH_GATEWAY))
		return false;
	const struct gw_fwd_if *oif = &c->ifs[path->ifx];
	uint32_t nh = path->type == FIB_PATH_GATEWAY ? path->nh : dst;
	o->seg_mtu = gw_ip4_seg_mtu(len, super_mtu, oif->mtu);
	if (!fast_egress_usable(w, oif) || (len > oif->mtu && !o->seg_mtu) ||
	    gw_ip4_egress_drop(oif->up, oif->addr, oif->plen, oif->n_addrs, nh))
		return false;
	fast_out_set(o, path->ifx, oif->bdx, f->nb, gw_fwd_nb_key(path->ifx, nh));
	return true;
}

/*
 * The IPv6 routing decision (header checks done by l3_add6), as ip6_forward and
 * ip6_output_check: a transit path whose egress is up with IPv6 and within its MTU (a
 * super-packet never gets here).
 */
static bool fast_route6(const struct gw_fast *w, const struct gw_fwd *f,
                        const struct fib6_path *path, const struct in6_addr *dst, uint32_t len,
                        struct fast_out *o)
{
	if (!path || (path->type != FIB_PATH_ATTACHED && path->type != FIB_PATH_GATEWAY))
		return false;
	const struct gw_fwd_if *oif = &f->cfg->ifs[path->ifx];
	if (!fast_egress_usable(w, oif) || gw_ip6_egress_drop(oif->up, oif->ip6) ||
	    gw_ip6_mtu_drop(len, oif->mtu))
		return false;
	o->seg_mtu = 0;
	o->nh6 = path->type == FIB_PATH_GATEWAY ? &path->nh : dst;
	fast_out_set(o, path->ifx, oif->bdx, f->nb6, gw_fwd_nb6_key(path->ifx, o->nh6));
	return true;
}

enum fast_acl {
	FAST_ACL_PASS, /* both lists permit without `log`: forward it */
	FAST_ACL_PUNT, /* a `log` entry matched: the main thread logs (and decides) */
	FAST_ACL_DROP, /* a list denies without `log`: dropped here (fast_acl_drop) */
};

/*
 * The access lists of a routed packet p (data at its IP header), as the pipeline's
 * gw_acl_pass: the in list of in_ifx, then the out list of the egress o->ifx. The entries
 * that matched are kept in o (o->acl[d] NULL: none), for fast_acl_count once the packet is
 * sent or dropped.
 */
static enum fast_acl fast_acl(const struct gw_fwd_cfg *c, const struct gw_pkt *p, uint16_t in_ifx,
                              bool ip6, struct fast_out *o)
{
	o->acl[ACL_IN] = c->ifs[in_ifx].acl[ip6][ACL_IN];
	o->acl[ACL_OUT] = c->ifs[o->ifx].acl[ip6][ACL_OUT];
	if (__builtin_expect(!o->acl[ACL_IN] && !o->acl[ACL_OUT], 1))
		return FAST_ACL_PASS;
	struct acl_key k;
	gw_acl_key(&k, p->data, p->len, ip6);
	for (int d = ACL_IN; d <= ACL_OUT; d++) {
		if (!o->acl[d])
			continue;
		uint32_t i = acl_cls_match(o->acl[d], &k);
		unsigned v = acl_cls_verdict(o->acl[d], i);
		o->acl_i[d] = i;
		if (v & ACL_VERDICT_LOG)
			return FAST_ACL_PUNT;
		if (!(v & ACL_VERDICT_PERMIT)) {
			if (d == ACL_IN)
				o->acl[ACL_OUT] = NULL; /* the pipeline never gets to it */
			return FAST_ACL_DROP;
		}
	}
	return FAST_ACL_PASS;
}

/* The matches fast_acl found, once the packet is sent or dropped. */
static inline void fast_acl_count(const struct gw_fast *w, const struct fast_out *o)
{
	for (int d = ACL_IN; d <= ACL_OUT; d++)
		if (__builtin_expect(o->acl[d] != NULL, 0))
			acl_cls_count(o->acl[d], w->acl_thread, o->acl_i[d]);
}

/* The next hop's entry nb (NULL: none) is usable (REACHABLE still, or static). */
static inline bool fast_neigh_usable(const struct gw_fwd *f, struct fast_out *o,
                                     const struct gw_fwd_nb_slot *nb, uint64_t now_ms)
{
	if (!nb || now_ms >= nb->until_ms)
		return false;
	memcpy(o->mac, nb->mac, 6);
	if (o->bdx == BD_NONE)
		return true; /* an uplink: the neighbour's MAC is all it needs */
	o->mac_key = gw_fwd_mac_key(o->bdx, nb->mac);
	o->mac_hash = gw_fwd_prefetch(f->mac, o->mac_key);
	return true;
}

static bool fast_neigh(const struct gw_fwd *f, struct fast_out *o, uint64_t now_ms)
{
	return fast_neigh_usable(f, o, gw_fwd_nb_find_hashed(f->nb, o->nb_key, o->nb_hash), now_ms);
}

static bool fast_neigh6(const struct gw_fwd *f, struct fast_out *o, uint64_t now_ms)
{
	const struct gw_fwd_nb6_slot *nb =
	    gw_fwd_nb6_find_hashed(f->nb6, o->nb_key, o->nb_hash, o->ifx, o->nh6);
	return fast_neigh_usable(f, o, nb ? &nb->nb : NULL, now_ms);
}

/* Its MAC's VTEP; unknown unicast (flooded) and a MAC on a local port are the main
 * thread's. */
static bool fast_vtep(const struct gw_fwd *f, struct fast_out *o)
{
	if (o->bdx == BD_NONE)
		return true;
	const struct gw_fwd_mac_slot *m = gw_fwd_mac_find_hashed(f->mac, o->mac_key, o->mac_hash);
	if (!m || bd_dest_is_port(m->vtep)) /* a local port's: the main thread switches it */
		return false;
	o->vtep = m->vtep;
	return fast_vtep_reachable(f->cfg, &f->cfg->bd[o->bdx], o->vtep, &o->dst6);
}

static void count(struct gw_if_counters *c, uint64_t pkts, uint64_t bytes, bool tx)
{
	if (tx) {
		gw_cnt_add(&c->tx_pkts, pkts);
		gw_cnt_add(&c->tx_bytes, bytes);
	} else {
		gw_cnt_add(&c->rx_pkts, pkts);
		gw_cnt_add(&c->rx_bytes, bytes);
	}
}

/*
 * Forwarded packets in a row that count alike: on input the same interface, bridge domain
 * and sending VTEP, on output the same interface and bridge domain (the VTEPs differ). A
 * vector is mostly one run on input and a few on output, so the counters of a run are
 * updated once, not per packet: a dozen counters and a peer lookup per packet otherwise.
 */
struct fast_run {
	uint16_t ifx; /* 0: empty */
	uint32_t bdx; /* BD_NONE: an uplink */
	uint32_t vtep;
	uint32_t pkts;
	uint64_t bytes;
};

/* routed: the input run's routed counter (routed, routed6); NULL for an output run */
static void run_flush(struct gw_fast_cnt *k, const struct gw_fwd_cfg *c, struct fast_run *r,
                      uint64_t *routed)
{
	bool tx = !routed;
	if (!r->pkts)
		return;
	count(&k->ifs[r->ifx], r->pkts, r->bytes, tx);
	if (r->bdx == BD_NONE) {
		gw_cnt_add(tx ? &k->c.tx_eth : &k->c.rx_eth, r->pkts);
	} else {
		count(gw_bd_cnt_claim(k->bd, r->bdx, c->bd[r->bdx].id), r->pkts, r->bytes, tx);
		if (!tx && bd_dest_is_port(r->vtep)) { /* from an L2 port to its BDIF */
			count(&k->ifs[r->vtep], r->pkts, r->bytes, false);
			gw_cnt_add(&k->c.rx_eth, r->pkts);
		} else if (!tx) { /* out: each packet counts its own VTEP */
			count(gw_peer_cnt(&k->peers, r->vtep), r->pkts, r->bytes, false);
			gw_cnt_add(&k->c.rx_underlay, r->pkts);
		}
	}
	if (routed)
		gw_cnt_add(routed, r->pkts);
	r->pkts = 0;
	r->bytes = 0;
}

static void run_add(struct gw_fast_cnt *k, const struct gw_fwd_cfg *c, struct fast_run *r,
                    uint16_t ifx, uint32_t bdx, uint32_t vtep, uint32_t len, uint64_t *routed)
{
	if (r->ifx != ifx || r->bdx != bdx || r->vtep != vtep) {
		run_flush(k, c, r, routed);
		*r = (struct fast_run){.ifx = ifx, .bdx = bdx, .vtep = vtep};
	}
	r->pkts++;
	r->bytes += len;
}

/* Prepends the egress interface's Ethernet header (and 802.1Q tag) for the neighbour;
 * ethertype: host order. */
static inline void eth_rewrite(struct gw_pkt *p, const struct gw_fwd_if *oif, const uint8_t *dst,
                               uint16_t ethertype)
{
	uint32_t hl = oif->vlan ? NET_ETH_HLEN + NET_VLAN_HLEN : NET_ETH_HLEN;
	uint16_t type = htons(ethertype);
	uint8_t *d = p->data - hl;
	memcpy(d, dst, 6);
	memcpy(d + 6, oif->mac, 6);
	if (oif->vlan)
		memcpy(d + 12, oif->tag, NET_VLAN_HLEN);
	memcpy(d + hl - 2, &type, 2);
	p->data = d;
	p->len += hl;
}

/* The Ethernet rewrite and, toward a BDIF, the encap of a routed packet (TTL done): queued
 * for sending, counted in run tx (flushed by the caller). */
static inline void fast_output(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                               const struct fast_out *o, uint16_t ethertype, struct fast_run *tx)
{
	const struct gw_fwd_cfg *c = f->cfg;
	struct gw_fast_cnt *k = w->cnt;
	eth_rewrite(p, &c->ifs[o->ifx], o->mac, ethertype);
	uint32_t len = p->len;
	run_add(k, c, tx, o->ifx, o->bdx, 0, len, NULL);
	p->tx_ifx = o->ifx;
	if (o->bdx == BD_NONE) {
		w->tx_eth[w->n_tx_eth++] = p;
		return;
	}
	struct gw_vx_encap x = gw_fwd_encap(c, &c->bd[o->bdx]);
	count(gw_peer_cnt(&k->peers, o->vtep), 1, len, true);
	gw_vx_encap(&x, p, o->vtep, o->dst6);
	w->tx[w->n_tx++] = p;
}

/*
 * A super-packet cut into segments of at most o->seg_mtu bytes (gw/gso.h), each sent as a
 * routed packet. False, nothing changed, when that cannot be done here (no room in the
 * transmit vectors or the pool: rare), to punt it.
 */
static bool fast_segment(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                         const struct fast_out *o, struct fast_run *tx)
{
	struct gw_pkt *seg[GW_VEC_MAX];
	unsigned room = GW_FAST_TX_MAX - (o->bdx == BD_NONE ? w->n_tx_eth : w->n_tx);
	struct gw_gso_src src = {.p = p, .len = p->len, .head_len = p->len};
	uint32_t payload = gw_gso_payload_for_mtu(p->data, o->seg_mtu);
	enum gw_drop why;
	unsigned n = gw_gso_segment(&src, payload, w->pool, seg,
	                            room < GW_VEC_MAX ? room : GW_VEC_MAX, &why);
	for (unsigned i = 0; i < n; i++) {
		seg[i]->flags &= (uint8_t)~GW_PKT_GSO;
		gw_ip4_ttl_dec((struct net_ip *)seg[i]->data);
		fast_output(w, f, seg[i], o, NET_ETHERTYPE_IP, tx);
	}
	return n != 0;
}

/*
 * A packet an access list denied (FAST_ACL_DROP): counted as the pipeline counts it, on
 * its way in (interface, bridge domain, peer or port: the run rxd, flushed with the
 * acl_deny counter) and on the entries that matched, then its buffer goes back to the
 * worker's pool. Dropping here, not on the main thread, keeps a flood of denied traffic
 * on the workers.
 */
static void fast_acl_drop(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                          const struct fast_in *in, const struct fast_out *o, struct fast_run *rxd)
{
	fast_acl_count(w, o);
	run_add(w->cnt, f->cfg, rxd, in->bdif, in->bdx, in->bdx == BD_NONE ? 0 : in->from,
	        in->frame_len, &w->cnt->c.drops[GW_DROP_ACL_DENY]);
	gw_pkt_free(w->pool, p);
}

/* Rewrite, and encapsulate toward a BDIF: the first write to the packet. Counted in the
 * runs rx and tx (flushed by the caller). False: punt it, untouched. */
static bool fast_commit(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                        const struct fast_in *in, const struct fast_out *o, struct fast_run *rx,
                        struct fast_run *tx)
{
	if (o->seg_mtu) {
		if (!fast_segment(w, f, p, o, tx))
			return false;
	} else {
		gw_ip4_ttl_dec((struct net_ip *)p->data);
		fast_output(w, f, p, o, NET_ETHERTYPE_IP, tx);
	}
	fast_acl_count(w, o);
	run_add(w->cnt, f->cfg, rx, in->bdif, in->bdx, in->bdx == BD_NONE ? 0 : in->from,
	        in->frame_len, &w->cnt->c.routed);
	return true;
}

/* As fast_commit for IPv6: the hop limit (no checksum), the rewrite and encap. */
static void fast_commit6(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                         const struct fast_in *in, const struct fast_out *o, struct fast_run *rx,
                         struct fast_run *tx)
{
	gw_ip6_hlim_dec((struct net_ip6 *)p->data);
	fast_output(w, f, p, o, NET_ETHERTYPE_IP6, tx);
	fast_acl_count(w, o);
	run_add(w->cnt, f->cfg, rx, in->bdif, in->bdx, in->bdx == BD_NONE ? 0 : in->from,
	        in->frame_len, &w->cnt->c.routed6);
}

static void fast_punt(struct gw_fast *w, struct gw_pkt *p, const struct fast_in *in)
{
	p->data = in->data;
	p->len = in->len;
	p->vrfx = 0;
	p->flow_hash = 0;
	w->punt[w->n_punt++] = p;
}

/* What the L2 step hands to routing: the packets it kept, with what routing reads. */
struct fast_l3 {
	unsigned n;
	bool mixed; /* packets of more than one VRF */
	struct gw_pkt *v[GW_VEC_MAX];
	uint16_t at[GW_VEC_MAX]; /* v[i] is packet at[i] of the input (in[]) */
	/* IPv4 destination (host order), flow hash and length, taken while the L2 step has the
	 * headers in cache: reading them again when routing cost another pass over two lines
	 * of every packet. */
	uint32_t dst[GW_VEC_MAX];
	uint32_t hash[GW_VEC_MAX];
	uint32_t len[GW_VEC_MAX];
};

/* Keeps packet i (p) for routing; false: its TTL expires here, the main thread's case. */
static bool l3_add(struct fast_l3 *l3, struct gw_pkt *p, unsigned i)
{
	const struct net_ip *ip = (const struct net_ip *)p->data;
	if (gw_ip4_ttl_drop(ip))
		return false;
	l3->mixed |= l3->n && p->vrfx != l3->v[0]->vrfx;
	l3->at[l3->n] = (uint16_t)i;
	l3->dst[l3->n] = ntohl(ip->dst);
	l3->hash[l3->n] = p->flow_hash;
	l3->len[l3->n] = p->len;
	l3->v[l3->n++] = p;
	return true;
}

/* One batched FIB lookup per VRF present in the vector (almost always one). */
static void fast_lookup(const struct gw_fwd_cfg *c, const struct fast_l3 *l3,
                        const struct fib_path **path)
{
	unsigned n = l3->n;
	if (!l3->mixed) {
		const struct gw_fwd_fib *ff = n ? c->fib[l3->v[0]->vrfx] : NULL;
		if (ff)
			fib_fwd_route_batch(ff->fib, l3->dst, l3->hash, path, n);
		else
			memset(path, 0, n * sizeof(*path));
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct gw_fwd_fib *ff = c->fib[l3->v[i]->vrfx];
		path[i] = NULL;
		if (ff)
			fib_fwd_route_batch(ff->fib, &l3->dst[i], &l3->hash[i], &path[i], 1);
	}
}

/* Route, neighbour, VTEP, commit over the packets that passed the L2 stage. */
static void fast_route_vec(struct gw_fast *w, const struct gw_fwd *f, struct fast_l3 *l3,
                           struct fast_in *in)
{
	struct gw_pkt **v = l3->v;
	uint16_t *at = l3->at;
	unsigned nv = l3->n;
	struct fast_out out[GW_VEC_MAX];
	const struct fib_path *path[GW_VEC_MAX];
	fast_lookup(f->cfg, l3, path);
	unsigned k = 0;
	struct fast_run rxd = {0};
	for (unsigned i = 0; i < nv; i++) {
		enum fast_acl acl = FAST_ACL_PUNT;
		if (fast_route(w, f, path[i], l3->dst[i], l3->len[i], in[at[i]].super_mtu, &out[k]))
			acl = fast_acl(f->cfg, v[i], in[at[i]].bdif, false, &out[k]);
		if (acl == FAST_ACL_PASS) {
			at[k] = at[i];
			v[k++] = v[i];
		} else if (acl == FAST_ACL_DROP) {
			fast_acl_drop(w, f, v[i], &in[at[i]], &out[k], &rxd);
		} else {
			fast_punt(w, v[i], &in[at[i]]);
		}
	}
	run_flush(w->cnt, f->cfg, &rxd, &w->cnt->c.drops[GW_DROP_ACL_DENY]);
	nv = k;
	k = 0;
	for (unsigned i = 0; i < nv; i++) {
		if (fast_neigh(f, &out[i], w->now_ms)) {
			if (k != i) /* almost never: copying the whole entry costs a dozen cycles */
				out[k] = out[i];
			at[k] = at[i];
			v[k++] = v[i];
		} else {
			fast_punt(w, v[i], &in[at[i]]);
		}
	}
	/* The MAC lookups get a pass of their own: in the commit loop, which brings in three
	 * lines of every packet, the slots they prefetched no longer stayed in L1. */
	bool known[GW_VEC_MAX];
	for (unsigned i = 0; i < k; i++)
		known[i] = fast_vtep(f, &out[i]);
	struct fast_run rx = {0}, tx = {0};
	for (unsigned i = 0; i < k; i++) {
		if (!known[i] || !fast_commit(w, f, v[i], &in[at[i]], &out[i], &rx, &tx))
			fast_punt(w, v[i], &in[at[i]]);
	}
	run_flush(w->cnt, f->cfg, &rx, &w->cnt->c.routed);
	run_flush(w->cnt, f->cfg, &tx, NULL);
}

/* The IPv6 packets the L2 step kept, their destinations copied out of the packed headers
 * (the FIB6 reads aligned addresses). */
struct fast_l3_6 {
	unsigned n;
	struct gw_pkt *v[GW_VEC_MAX];
	uint16_t at[GW_VEC_MAX]; /* v[i] is packet at[i] of the input (in[]) */
	struct in6_addr dst[GW_VEC_MAX];
};

/*
 * Keeps IPv6 packet i (p) for routing; false: the main thread's. gw_ip6_transit_drop
 * covers what the pipeline's ip6-input treats before its lookup (multicast and link-local
 * destinations, the unspecified source) and what it refuses after; both, and a hop
 * limit that expires here, are punted.
 */
static bool l3_add6(struct fast_l3_6 *l6, struct gw_pkt *p, unsigned i)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	if (gw_ip6_transit_drop(ip) || gw_ip6_hlim_drop(ip))
		return false;
	l6->at[l6->n] = (uint16_t)i;
	l6->dst[l6->n] = ip->dst;
	l6->v[l6->n++] = p;
	return true;
}

/* One batched FIB6 lookup per run of packets of one VRF (a vector is almost always one). */
static void fast_lookup6(const struct gw_fwd_cfg *c, const struct fast_l3_6 *l6,
                         const struct fib6_path **path)
{
	const struct in6_addr *dst[GW_VEC_MAX];
	uint32_t hash[GW_VEC_MAX];
	for (unsigned i = 0; i < l6->n; i++) {
		dst[i] = &l6->dst[i];
		hash[i] = l6->v[i]->flow_hash;
	}
	for (unsigned i = 0, j; i < l6->n; i = j) {
		uint16_t vrfx = l6->v[i]->vrfx;
		for (j = i + 1; j < l6->n && l6->v[j]->vrfx == vrfx; j++)
			;
		const struct gw_fwd_fib *ff = c->fib6[vrfx];
		if (ff)
			fib6_fwd_route_batch(ff->fib6, dst + i, hash + i, path + i, j - i);
		else
			memset(path + i, 0, (j - i) * sizeof(*path));
	}
}

/* Route, neighbour, VTEP, commit over the IPv6 packets that passed the L2 stage. */
static void fast_route_vec6(struct gw_fast *w, const struct gw_fwd *f, struct fast_l3_6 *l6,
                            struct fast_in *in)
{
	const struct fib6_path *path[GW_VEC_MAX];
	struct fast_out out[GW_VEC_MAX];
	unsigned k = 0;
	fast_lookup6(f->cfg, l6, path);
	struct fast_run rxd = {0};
	for (unsigned i = 0; i < l6->n; i++) {
		struct gw_pkt *p = l6->v[i];
		enum fast_acl acl = FAST_ACL_PUNT;
		if (fast_route6(w, f, path[i], &l6->dst[i], p->len, &out[k]))
			acl = fast_acl(f->cfg, p, in[l6->at[i]].bdif, true, &out[k]);
		if (acl == FAST_ACL_DROP)
			fast_acl_drop(w, f, p, &in[l6->at[i]], &out[k], &rxd);
		if (acl != FAST_ACL_PASS) {
			if (acl == FAST_ACL_PUNT)
				fast_punt(w, p, &in[l6->at[i]]);
			continue;
		}
		l6->at[k] = l6->at[i];
		l6->v[k++] = p;
	}
	run_flush(w->cnt, f->cfg, &rxd, &w->cnt->c.drops[GW_DROP_ACL_DENY]);
	/* As fast_route_vec: each lookup in a pass of its own, so that what one pass prefetched
	 * (neighbour slots, then MAC slots) has arrived when the next reads it. */
	unsigned nk = k;
	k = 0;
	for (unsigned i = 0; i < nk; i++) {
		if (fast_neigh6(f, &out[i], w->now_ms)) {
			if (k != i)
				out[k] = out[i];
			l6->at[k] = l6->at[i];
			l6->v[k++] = l6->v[i];
		} else {
			fast_punt(w, l6->v[i], &in[l6->at[i]]);
		}
	}
	bool known[GW_VEC_MAX];
	for (unsigned i = 0; i < k; i++)
		known[i] = fast_vtep(f, &out[i]);
	struct fast_run rx = {0}, tx = {0};
	for (unsigned i = 0; i < k; i++) {
		const struct fast_in *pin = &in[l6->at[i]];
		if (known[i])
			fast_commit6(w, f, l6->v[i], pin, &out[i], &rx, &tx);
		else
			fast_punt(w, l6->v[i], pin);
	}
	run_flush(w->cnt, f->cfg, &rx, &w->cnt->c.routed6);
	run_flush(w->cnt, f->cfg, &tx, NULL);
}

static bool punt_all(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt **pkts, unsigned n)
{
	if (!f->punt_all)
		return false;
	for (unsigned i = 0; i < n; i++)
		w->punt[w->n_punt++] = pkts[i];
	return true;
}

/*
 * A vector's buffers are more than L1 holds (three lines each: metadata, headers, and the
 * headroom the encap writes), so the L2 step loads each packet's lines a few packets ahead:
 * the metadata first, then, once that is in, the headers it points to.
 */
static inline void fast_prefetch_pkts(struct gw_pkt **pkts, unsigned i, unsigned n)
{
	enum { D = 4 };
	if (i + 2 * D < n)
		__builtin_prefetch(pkts[i + 2 * D]);
	if (i + D < n)
		__builtin_prefetch(pkts[i + D]->data);
}

/*
 * The L2 step over the vector, then routing for what it kept; `step` is fast_decap or
 * fast_eth_in, the only difference between the entry points. Inlined into each, so that
 * the step is a direct call (as the pipeline's input_vectors).
 */
static inline __attribute__((always_inline)) void
fast_input(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt **pkts, unsigned n,
           bool (*step)(const struct gw_fwd *, struct gw_pkt *, struct fast_in *, struct fast_l2 *),
           struct fast_l2 *l2)
{
	struct fast_in in[GW_VEC_MAX];
	struct fast_l3 l3;
	struct fast_l3_6 l6;
	if (punt_all(w, f, pkts, n))
		return;
	l3.n = 0;
	l3.mixed = false;
	l6.n = 0;
	for (unsigned i = 0; i < n; i++) {
		struct gw_pkt *p = pkts[i];
		fast_prefetch_pkts(pkts, i, n);
		in[i].data = p->data;
		in[i].len = p->len;
		in[i].switched = false;
		if (!step(f, p, &in[i], l2)) {
			if (!in[i].switched)
				fast_punt(w, p, &in[i]);
		} else if (!(in[i].ip6 ? l3_add6(&l6, p, i) : l3_add(&l3, p, i))) {
			fast_punt(w, p, &in[i]);
		}
	}
	/* the pipeline's order: its IPv4 stage over the vector, then its IPv6 stage */
	fast_route_vec(w, f, &l3, in);
	if (l6.n)
		fast_route_vec6(w, f, &l6, in);
}

void gw_fast_underlay(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt **pkts, unsigned n)
{
	struct fast_l2 l2 = {.memo = {.bdx = BD_NONE}, .now_ms = w->now_ms, .w = w};
	fast_input(w, f, pkts, n, fast_decap, &l2);
}

void gw_fast_eth(struct gw_fast *w, const struct gw_fwd *f, uint16_t port, struct gw_pkt **pkts,
                 unsigned n)
{
	struct fast_l2 l2 = {.port = port, .now_ms = w->now_ms, .w = w};
	fast_input(w, f, pkts, n, fast_eth_in, &l2);
}

/* ---------------------------------------------------------------- counters */

static uint64_t moved(const uint64_t *cur, uint64_t *seen)
{
	uint64_t now = __atomic_load_n(cur, __ATOMIC_RELAXED);
	uint64_t d = now - *seen;
	*seen = now;
	return d;
}

/* What moved since seen (updated) into d; true when anything did. */
static bool moved_if(const struct gw_if_counters *cur, struct gw_if_counters *seen,
                     struct gw_if_counters *d)
{
	d->rx_pkts = moved(&cur->rx_pkts, &seen->rx_pkts);
	d->rx_bytes = moved(&cur->rx_bytes, &seen->rx_bytes);
	d->tx_pkts = moved(&cur->tx_pkts, &seen->tx_pkts);
	d->tx_bytes = moved(&cur->tx_bytes, &seen->tx_bytes);
	return (d->rx_pkts | d->rx_bytes | d->tx_pkts | d->tx_bytes) != 0;
}

static void add_if(struct gw_if_counters *to, const struct gw_if_counters *d)
{
	to->rx_pkts += d->rx_pkts;
	to->rx_bytes += d->rx_bytes;
	to->tx_pkts += d->tx_pkts;
	to->tx_bytes += d->tx_bytes;
}

static void fold_if(struct gw_if_counters *to, const struct gw_if_counters *cur,
                    struct gw_if_counters *seen)
{
	struct gw_if_counters d;
	moved_if(cur, seen, &d);
	add_if(to, &d);
}

static void fold_gw(struct gw_counters *to, const struct gw_counters *cur, struct gw_counters *seen)
{
	to->rx_underlay += moved(&cur->rx_underlay, &seen->rx_underlay);
	to->tx_underlay += moved(&cur->tx_underlay, &seen->tx_underlay);
	to->rx_eth += moved(&cur->rx_eth, &seen->rx_eth);
	to->tx_eth += moved(&cur->tx_eth, &seen->tx_eth);
	to->routed += moved(&cur->routed, &seen->routed);
	to->routed6 += moved(&cur->routed6, &seen->routed6);
	to->rx_underlay_gro += moved(&cur->rx_underlay_gro, &seen->rx_underlay_gro);
	to->rx_underlay_xdp += moved(&cur->rx_underlay_xdp, &seen->rx_underlay_xdp);
	to->rx_uplink_xdp += moved(&cur->rx_uplink_xdp, &seen->rx_uplink_xdp);
	to->tx_uplink_xdp += moved(&cur->tx_uplink_xdp, &seen->tx_uplink_xdp);
	to->rx_gso += moved(&cur->rx_gso, &seen->rx_gso);
	to->rx_csum_completed += moved(&cur->rx_csum_completed, &seen->rx_csum_completed);
	for (unsigned d = 0; d < GW_DROP_MAX; d++)
		to->drops[d] += moved(&cur->drops[d], &seen->drops[d]);
}

void gw_fast_fold(struct gw *gw, const struct gw_fast_cnt *cur, struct gw_fast_cnt *seen)
{
	fold_gw(&gw->cnt, &cur->c, &seen->c);
	seen->punted = __atomic_load_n(&cur->punted, __ATOMIC_RELAXED);
	for (unsigned ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		if (gw->ifs[ifx].used)
			fold_if(&gw->ifs[ifx].cnt, &cur->ifs[ifx], &seen->ifs[ifx]);
		else /* deleted: what it counted goes with it */
			fold_if(&(struct gw_if_counters){0}, &cur->ifs[ifx], &seen->ifs[ifx]);
	}
	for (unsigned bdx = 0; bdx < BD_MAX; bdx++) {
		uint32_t id = __atomic_load_n(&cur->bd[bdx].id, __ATOMIC_RELAXED);
		struct gw_if_counters d;
		if (id != seen->bd[bdx].id) /* the worker restarted this slot for another one */
			gw_bd_cnt_reset(&seen->bd[bdx], id);
		/* A slot is claimed only with something to add, and only for the bridge domain
		 * that holds it now: a deleted one's counts go with it, and claiming the slot
		 * back for it would wipe what its successor counted on the main thread. */
		if (id && moved_if(&cur->bd[bdx].c, &seen->bd[bdx].c, &d) &&
		    bd_id(gw->bd, bdx) == id)
			add_if(gw_bd_cnt_claim(gw->bd_cnt, bdx, id), &d);
	}
	for (unsigned i = 0; i < GW_PEER_SLOTS; i++) {
		uint32_t vtep = __atomic_load_n(&cur->peers.slot[i].vtep, __ATOMIC_RELAXED);
		if (vtep != seen->peers.slot[i].vtep) {
			seen->peers.slot[i].vtep = vtep;
			seen->peers.slot[i].c = (struct gw_if_counters){0};
		}
		/* a peer that sent nothing since the last fold gets no row (after clear
		 * counters, as with the pipeline, only the peers heard since are listed) */
		struct gw_if_counters d;
		if (vtep && moved_if(&cur->peers.slot[i].c, &seen->peers.slot[i].c, &d))
			add_if(gw_peer_cnt(&gw->peers, vtep), &d);
	}
	fold_if(&gw->peers.other, &cur->peers.other, &seen->peers.other);
}
