/*
 * gw/pipeline.c - the packet pipeline, a vector at a time.
 *
 *   underlay:  VXLAN check -> VNI -> bridge domain -> peer check -> MAC learn
 *              -> inner L2 (BDIF MAC? ARP for us?) ----+
 *   uplink:    Ethernet L2 (our MAC? ARP?) ------------+
 *                                                      v
 *              IPv4 checks (whole vector) -> FIB lookup (whole vector, prefetched)
 *              -> per packet: local / null0 / TTL / MTU -> neighbour -> L2 rewrite
 *              -> BDIF: MAC table -> VTEP encap (or head-end replication) | uplink: raw
 *
 * The stages that touch a table for every packet (FIB) run over the whole vector so
 * that the table's cache misses overlap (VPP's "dual/quad loop" idea with prefetch
 * inside fib_lookup_batch). Packets leave in vectors too: outputs collect in a tx queue
 * per kind and go to the driver in one call.
 *
 * The checks that decide a drop are the ones the workers' fast path (gw/fast.c) applies
 * too: written once in gw/vxlan_inl.h (decap), gw/l2_inl.h (Ethernet) and gw/ip4_inl.h.
 *
 * Data position convention: from IPv4 input until the L2 rewrite, pkt->data points at
 * the IPv4 header; the rewrite prepends the Ethernet header, the encap the outer one.
 */
#include "gw/gw_int.h"
#include "gw/ip4_inl.h"
#include "gw/l2_inl.h"
#include "gw/pipeline_trace.h"
#include "gw/vxlan_inl.h"

#include <string.h>

#include "common/net.h"
#include "vxlan/vxlan.h"

/* ---------------------------------------------------------------- output */

static void txq_flush_underlay(struct gw *gw)
{
	struct gw_txq *q = &gw->txq_underlay;
	if (q->n) {
		gw->cnt.tx_underlay += q->n;
		gw->io.tx_underlay(gw->io_ctx, q->pkts, q->n);
		q->n = 0;
	}
}

/* Uplink frames are queued together and handed to the driver in runs of one interface. */
static void txq_flush_eth(struct gw *gw)
{
	struct gw_txq *q = &gw->txq_eth;
	unsigned start = 0;
	gw->cnt.tx_eth += q->n;
	while (start < q->n) {
		uint16_t ifx = q->pkts[start]->tx_ifx;
		unsigned end = start + 1;
		while (end < q->n && q->pkts[end]->tx_ifx == ifx)
			end++;
		gw->io.tx_eth(gw->io_ctx, ifx, &q->pkts[start], end - start);
		start = end;
	}
	q->n = 0;
}

void gw_flush(struct gw *gw)
{
	txq_flush_underlay(gw);
	txq_flush_eth(gw);
}

static void txq_push_underlay(struct gw *gw, struct gw_pkt *p)
{
	struct gw_txq *q = &gw->txq_underlay;
	if (q->n == GW_VEC_MAX)
		txq_flush_underlay(gw);
	if (gw_traced(p))
		gw_trace_tx(gw, p, 0);
	q->pkts[q->n++] = p;
}

static void txq_push_eth(struct gw *gw, struct gw_pkt *p)
{
	struct gw_txq *q = &gw->txq_eth;
	if (q->n == GW_VEC_MAX)
		txq_flush_eth(gw);
	if (gw_traced(p))
		gw_trace_tx(gw, p, p->tx_ifx);
	q->pkts[q->n++] = p;
}

/*
 * The prebuilt outer headers of bridge domain bdx (destination patched per packet), rebuilt
 * only when a VTEP address, the port, the IPv6 checksum setting or the bridge domain's VNI
 * changed.
 */
static struct gw_vx_encap bd_encap(struct gw *gw, uint32_t bdx)
{
	struct gw_bd_encap *c = &gw->encap[bdx];
	uint32_t vni = bd_vni(gw->bd, bdx);
	bool csum6 = !gw->udp6_zero_tx;
	if (c->vni != vni || c->src != gw->vtep || c->port != gw->udp_port ||
	    !net_ip6_eq(&c->src6, &gw->vtep6) || c->csum6 != csum6) {
		vx_encap_init(&c->e, gw->vtep, 0, gw->udp_port, vni);
		vx_encap6_init(&c->e6, &gw->vtep6, gw->udp_port, vni, csum6);
		c->vni = vni;
		c->src = gw->vtep;
		c->port = gw->udp_port;
		c->src6 = gw->vtep6;
		c->csum6 = csum6;
	}
	return (struct gw_vx_encap){.e4 = gw->vtep ? &c->e : NULL,
	                            .e6 = gw->vtep6_name ? &c->e6 : NULL,
	                            .names = gw->vteps,
	                            .dscp = gw->vx_dscp};
}

/*
 * Prepends the outer IPv4 or IPv6/UDP/VXLAN header (data at the inner Ethernet header);
 * x is bd_encap(gw, bdx), found once per vector or flood by the caller.
 */
static inline void vxlan_encap_send(struct gw *gw, struct gw_pkt *p, uint32_t bdx,
                                    const struct gw_vx_encap *x, uint32_t vtep)
{
	const struct in6_addr *dst6 = NULL;
	if (!gw_vx_reachable(x, vtep, &dst6)) {
		gw_drop(gw, p, GW_DROP_NO_VTEP_SOURCE);
		return;
	}
	struct gw_if_counters *bc = &gw->bd_cnt[bdx].c, *pc = gw_peer_cnt(&gw->peers, vtep);
	uint32_t len = p->len; /* once: the counter stores may alias it (no strict aliasing) */
	bc->tx_pkts++;
	bc->tx_bytes += len;
	pc->tx_pkts++;
	pc->tx_bytes += len;
	gw_vx_encap(x, p, vtep, dst6);
	if (gw_traced(p))
		gw_trace_encap(gw, p, vtep, bd_vni(gw->bd, bdx));
	txq_push_underlay(gw, p);
}

static struct gw_pkt *pkt_clone(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_pkt *c = gw_pkt_alloc(gw->pool);
	if (!c)
		return NULL;
	gw_pkt_set(c, p->data, p->len);
	c->flow_hash = p->flow_hash;
	c->tx_ifx = p->tx_ifx;
	c->bdx = p->bdx;
	c->flags = p->flags;
	c->trace = p->trace; /* a flood copy writes into its original's trace entry */
	return c;
}

/*
 * Flooding in bridge domain bdx (unknown unicast, broadcast, multicast): a copy to every
 * local port but the one the frame came from (from_port, 0: none), and, unless it came
 * from a VTEP (split horizon: the VTEPs replicate themselves), to the flood group or by
 * head-end replication to every flood peer. x is bd_encap(gw, bdx). Consumes p.
 */
static void bd_flood(struct gw *gw, struct gw_pkt *p, uint32_t bdx, const struct gw_vx_encap *x,
                     uint16_t from_port, bool to_vteps)
{
	const uint16_t *ports;
	const uint32_t *peers = NULL;
	size_t n_ports = bd_ports(gw->bd, bdx, &ports);
	to_vteps = to_vteps && bd_vni(gw->bd, bdx) != 0; /* without a VNI, ports alone */
	uint32_t group = to_vteps ? bd_flood_group(gw->bd, bdx) : 0;
	size_t n_vteps = !to_vteps ? 0 : group ? 1 : bd_flood_peers(gw->bd, bdx, &peers);
	size_t n_out = n_vteps + n_ports - (from_port && bd_port_bdx(gw->bd, from_port) == bdx);
	if (n_out == 0) {
		gw_drop(gw, p, GW_DROP_NO_FLOOD);
		return;
	}
	gw->cnt.flooded++;
	if (gw_traced(p))
		gw_trace_l2_flood(gw, p, bdx, (uint32_t)(n_out - n_vteps), (uint32_t)n_vteps);
	/* every target but the last gets a copy, the last one p itself */
	for (size_t i = 0; i < n_ports; i++) {
		if (ports[i] == from_port)
			continue;
		struct gw_pkt *c = --n_out ? pkt_clone(gw, p) : p;
		if (c)
			gw_l2_port_output(gw, c, ports[i]);
		else
			gw->cnt.drops[GW_DROP_NO_BUFFER]++;
	}
	for (size_t i = 0; i < n_vteps; i++) {
		struct gw_pkt *c = --n_out ? pkt_clone(gw, p) : p;
		if (c)
			vxlan_encap_send(gw, c, bdx, x, group ? group : peers[i]);
		else
			gw->cnt.drops[GW_DROP_NO_BUFFER]++;
	}
}

/*
 * The last step out of a BDIF: the destination MAC's VTEP or port (known, vtep: the
 * caller's MAC table lookup), or flooded; x is bd_encap(gw, p->bdx).
 */
static inline void bdif_output(struct gw *gw, struct gw_pkt *p, const struct gw_vx_encap *x,
                               bool known, uint32_t vtep)
{
	if (gw_traced(p))
		gw_trace_bd_mac(gw, p, known ? vtep : 0);
	if (!known)
		bd_flood(gw, p, p->bdx, x, 0, true);
	else if (bd_dest_is_port(vtep))
		gw_l2_port_output(gw, p, (uint16_t)vtep);
	else if (__builtin_expect(!gw->encap[p->bdx].vni, 0)) /* ports only: no VTEP to reach */
		gw_drop(gw, p, GW_DROP_NO_SUCH_VNI);
	else
		vxlan_encap_send(gw, p, p->bdx, x, vtep);
}

/* The BDIF and bridge domain an output vector last went through (ifx 0: none yet). */
struct out_memo {
	uint16_t ifx;
	uint32_t bdx;
};

/*
 * A complete Ethernet frame (data at the Ethernet header) leaves L3 interface ifx:
 * counted, queued for an uplink, or, for a BDIF, given its bridge domain in p->bdx.
 * Returns true when the frame still needs bdif_output (the vector path defers it a
 * stage to prefetch the MAC table), false when it was queued or dropped. The bridge
 * domain of a BDIF is looked up once per vector (om): it changes only with the config.
 */
static inline bool if_output_begin(struct gw *gw, struct gw_pkt *p, uint16_t ifx,
                                   struct out_memo *om)
{
	struct gw_if *gif = &gw->ifs[ifx];
	gif->cnt.tx_pkts++;
	gif->cnt.tx_bytes += p->len;
	p->tx_ifx = ifx;
	if (gif->kind == GW_IF_ETH) {
		txq_push_eth(gw, p);
		return false;
	}
	if (om->ifx == ifx) {
		p->bdx = om->bdx;
		return true;
	}
	uint32_t bdx = bd_index(gw->bd, gif->bd_id);
	const uint16_t *ports;
	if (bdx == BD_NONE || (bd_vni(gw->bd, bdx) == 0 && !bd_ports(gw->bd, bdx, &ports))) {
		gw_drop(gw, p, GW_DROP_NO_BDIF); /* a bridge domain of neither VTEPs nor ports */
		return false;
	}
	gw_bd_cnt_claim(gw->bd_cnt, bdx, gif->bd_id); /* for vxlan_encap_send */
	om->ifx = ifx;
	om->bdx = bdx;
	p->bdx = bdx;
	return true;
}

/* Sends a complete Ethernet frame (data at the Ethernet header) out of L3 interface ifx. */
static void if_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx)
{
	struct out_memo om = {0};
	if (!if_output_begin(gw, p, ifx, &om))
		return;
	uint32_t vtep = 0;
	bool known = bd_mac_lookup(gw->bd, p->bdx, p->data, &vtep);
	struct gw_vx_encap x = bd_encap(gw, p->bdx);
	bdif_output(gw, p, &x, known, vtep);
}

/* Prepends the Ethernet header of ifx: with its 802.1Q tag when it is a sub-interface. */
static inline void eth_push(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *dst_mac,
                            uint16_t ethertype)
{
	/* Fields read once into locals: the byte stores below may alias anything, so the
	 * compiler would otherwise load gif->vlan and p->data again after each of them. */
	const struct gw_if *gif = &gw->ifs[ifx];
	bool tagged = gif->vlan != 0;
	uint32_t hl = tagged ? NET_ETH_HLEN + NET_VLAN_HLEN : NET_ETH_HLEN;
	uint16_t type = htons(ethertype);
	uint8_t *d = p->data - hl;
	p->data = d;
	p->len += hl;
	memcpy(d, dst_mac, 6);
	memcpy(d + 6, gif->mac, 6);
	if (tagged)
		memcpy(d + 12, gif->tag, NET_VLAN_HLEN);
	memcpy(d + hl - 2, &type, 2);
	if (gw_traced(p))
		gw_trace_rewrite(gw, p, ifx);
}

/* Prepends an Ethernet header from the interface's MAC and sends the frame. */
void gw_eth_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *dst_mac,
                   uint16_t ethertype)
{
	eth_push(gw, p, ifx, dst_mac, ethertype);
	if_output(gw, p, ifx);
}

/* ---------------------------------------------------------------- L2 port output */

/* Pushes the 802.1Q tag of sub-interface gif after the MAC addresses (headroom: the
 * encapsulation's, far more than 4 bytes). */
static inline void l2_tag_push(struct gw_pkt *p, const struct gw_if *gif)
{
	p->data -= NET_VLAN_HLEN;
	p->len += NET_VLAN_HLEN;
	memmove(p->data, p->data + NET_VLAN_HLEN, 2 * NET_ETH_ALEN);
	memcpy(p->data + 2 * NET_ETH_ALEN, gif->tag, NET_VLAN_HLEN);
}

/* A sender's TCP super-packet, or a piece of one, in frame p: cut, not dropped, when it
 * does not fit a port (as the routed path does, gw_ip4_is_super). */
static bool l2_is_super(struct gw_pkt *p, uint32_t mtu)
{
	uint16_t type = ((const struct net_eth *)p->data)->type;
	if (type != htons(NET_ETHERTYPE_IP) && type != htons(NET_ETHERTYPE_IP6))
		return false;
	p->data += NET_ETH_HLEN;
	p->len -= NET_ETH_HLEN;
	bool super = type == htons(NET_ETHERTYPE_IP)
	                 ? p->len >= NET_IP_HLEN && gw_ip4_is_super(p, mtu)
	                 : p->len >= NET_IP6_HLEN && gw_ip6_is_super(p, mtu);
	p->data -= NET_ETH_HLEN;
	p->len += NET_ETH_HLEN;
	return super;
}

void gw_l2_port_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx)
{
	struct gw_if *gif = &gw->ifs[ifx];
	enum gw_drop why = gw_l2_if_down_drop(gif->up);
	uint16_t bdif = gw_bdif_for_bdx(gw, p->bdx);
	uint32_t seg_mtu = gw_l2_seg_mtu(gif->mtu, bdif ? gw->ifs[bdif].mtu : 0);
	if (!why && (!gw_l2_fits(p->len, seg_mtu) || (p->flags & GW_PKT_GSO))) {
		if (l2_is_super(p, seg_mtu)) {
			gw_l2_segment(gw, p, ifx, seg_mtu);
			return;
		}
		why = gw_l2_fits(p->len, gif->mtu) ? 0 : GW_DROP_L2_MTU;
	}
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	if (!gw_acl_frame_pass(gw, p, ifx, ACL_OUT))
		return;
	struct gw_if_counters *bc = gw_bd_cnt_claim(gw->bd_cnt, p->bdx, bd_id(gw->bd, p->bdx));
	bc->tx_pkts++;
	bc->tx_bytes += p->len;
	if (gif->vlan)
		l2_tag_push(p, gif);
	gif->cnt.tx_pkts++;
	gif->cnt.tx_bytes += p->len;
	p->tx_ifx = ifx;
	if (gw_traced(p))
		gw_trace_l2_output(gw, p, ifx);
	txq_push_eth(gw, p);
}

/* ---------------------------------------------------------------- IPv4 output */

bool gw_if_has_addr(const struct gw_if *gif, uint32_t ip)
{
	for (unsigned k = 0; k < gif->n_addrs; k++)
		if (gif->addr[k] == ip)
			return true;
	return false;
}

/* The interface address to source packets to dst from: one on dst's subnet, else the first. */
uint32_t gw_if_src_for(const struct gw_if *gif, uint32_t dst)
{
	for (unsigned k = 0; k < gif->n_addrs; k++)
		if (((gif->addr[k] ^ dst) & net_mask(gif->plen[k])) == 0)
			return gif->addr[k];
	return gif->n_addrs ? gif->addr[0] : 0;
}

/* No MAC for next hop nh on ifx yet: ARP holds p while it asks (or says it failed). */
static void neigh_miss(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh)
{
	p->tx_ifx = ifx;
	if (gw_traced(p))
		gw_trace_arp(gw, p, ifx, nh, NULL, GW_TR_ARP_MISS);
	if (!gw_neigh_may_hold(gw)) {
		arp_resolve(gw->arp, ifx, nh, NULL, gw->now_ms);
		gw_drop(gw, p, GW_DROP_ARP_QUEUE_FULL);
		return;
	}
	gw_neigh_resolve_result(gw, p, arp_resolve(gw->arp, ifx, nh, p, gw->now_ms), &gw_neigh_ip4);
}

/* Next hop nh on ifx is known: rewrite and send; unknown: ask ARP and let it hold p. */
void gw_ip4_neigh_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh)
{
	const uint8_t *mac = arp_lookup(gw->arp, ifx, nh, gw->now_ms);
	if (!mac) {
		neigh_miss(gw, p, ifx, nh);
		return;
	}
	if (gw_traced(p))
		gw_trace_arp(gw, p, ifx, nh, mac, GW_TR_ARP_HIT);
	gw_eth_output(gw, p, ifx, mac, NET_ETHERTYPE_IP);
}

/*
 * The egress checks of a packet toward (ifx, nh): interface up, not a subnet broadcast,
 * within the MTU (else frag-needed or fragmentation). True when p may go on to the
 * neighbour; false when it was consumed here.
 */
static inline bool ip4_output_check(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh)
{
	struct gw_if *gif = &gw->ifs[ifx];
	const struct net_ip *ip = (const struct net_ip *)p->data;
	enum gw_drop why = gw_ip4_egress_drop(gif->up, gif->addr, gif->plen, gif->n_addrs, nh);
	if (why) {
		gw_drop(gw, p, why);
		return false;
	}
	const struct gw_if *in = &gw->ifs[p->rx_ifx];
	uint32_t super_mtu = in->kind == GW_IF_BDIF && gw_ip4_is_super(p, in->mtu) ? in->mtu : 0;
	uint32_t seg_mtu = gw_ip4_seg_mtu(p->len, super_mtu, gif->mtu);
	if (seg_mtu) {
		gw_ip4_segment(gw, p, ifx, nh, seg_mtu);
		return false;
	}
	if (p->len > gif->mtu) {
		if (ip->off & htons(NET_IP_DF)) {
			gw_icmp_error(gw, p, GW_ICMP_FRAG_NEEDED, gif->mtu);
			gw_drop(gw, p, GW_DROP_MTU_DF);
		} else {
			gw_ip4_fragment(gw, p, ifx, nh, gif->mtu);
		}
		return false;
	}
	return true;
}

/* Output of a routed or locally originated IPv4 packet toward (ifx, nh). */
void gw_ip4_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh)
{
	if (ip4_output_check(gw, p, ifx, nh))
		gw_ip4_neigh_output(gw, p, ifx, nh);
}

/*
 * A packet the gateway originates (echo reply, ICMP error): route it by its destination
 * in its VRF (p->vrfx), like a transit packet.
 */
void gw_ip4_local_output(struct gw *gw, struct gw_pkt *p)
{
	const struct net_ip *ip = (const struct net_ip *)p->data;
	uint32_t dst = ntohl(ip->dst);
	const struct fib *fib = gw_vrf_fib_of(gw, p->vrfx);
	uint32_t res = fib ? fib_lookup(fib, dst) : FIB_LOOKUP_MISS;
	if (gw_traced(p))
		gw_trace_fib(gw, p, fib, res);
	if (res == FIB_LOOKUP_MISS) {
		gw_ping_local_error(gw, p, GW_ICMP_NET_UNREACH);
		gw_drop(gw, p, GW_DROP_NO_ROUTE);
		return;
	}
	const struct fib_path *path = fib_path_select(fib, res, p->flow_hash);
	switch (path->type) {
	case FIB_PATH_ATTACHED:
		gw_ip4_output(gw, p, path->ifx, dst);
		return;
	case FIB_PATH_GATEWAY:
		gw_ip4_output(gw, p, path->ifx, path->nh);
		return;
	case FIB_PATH_DROP:
		gw_drop(gw, p, GW_DROP_NULL_ROUTE);
		return;
	default: /* to ourselves: nothing would ever answer */
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
}

/* ---------------------------------------------------------------- L3 output, a vector */

/*
 * A routed packet with its neighbour's MAC: rewritten and counted out of p->tx_ifx; one for
 * a BDIF goes on to v[*nb] (v may be the caller's vector: *nb never passes the packet's own
 * index) with its MAC table slot prefetched, for l3_tx_finish.
 */
static inline void l3_tx_begin(struct gw *gw, struct gw_pkt *p, const uint8_t *mac, uint16_t type,
                               struct out_memo *om, struct gw_pkt **v, uint64_t *mh, unsigned *nb)
{
	eth_push(gw, p, p->tx_ifx, mac, type);
	if (!if_output_begin(gw, p, p->tx_ifx, om))
		return;
	mh[*nb] = bd_mac_prefetch(gw->bd, p->bdx, p->data);
	v[(*nb)++] = p;
}

/* The bridge-domain output of what l3_tx_begin kept: its MAC's VTEP, or flooded. */
static inline void l3_tx_finish(struct gw *gw, struct gw_pkt **v, const uint64_t *mh, unsigned nb)
{
	struct gw_vx_encap x = {0};
	uint32_t ebdx = BD_NONE;
	for (unsigned i = 0; i < nb; i++) {
		if (v[i]->bdx != ebdx) {
			ebdx = v[i]->bdx;
			x = bd_encap(gw, ebdx);
		}
		uint32_t vtep = 0;
		bool known = bd_mac_lookup_hashed(gw->bd, ebdx, v[i]->data, mh[i], &vtep);
		bdif_output(gw, v[i], &x, known, vtep);
	}
}

/* ---------------------------------------------------------------- IPv4 input */

/*
 * Routing decision for one packet by lookup result res in fib (its VRF's): true when it
 * goes on to a neighbour (p->tx_ifx and *nh set, TTL decremented, egress checks passed);
 * false when it was consumed (for us, null0, no route, TTL, MTU...). A VRF's FIB holds
 * only paths through its own interfaces (connected routes are added to the FIB of the
 * interface's VRF, static ones resolve through those), so the egress is in the VRF.
 */
static bool ip4_forward(struct gw *gw, const struct fib *fib, struct gw_pkt *p, uint32_t res,
                        uint32_t *nh)
{
	struct net_ip *ip = (struct net_ip *)p->data;
	if (gw_traced(p))
		gw_trace_fib(gw, p, fib, res);
	if (res == FIB_LOOKUP_MISS) {
		gw_icmp_error(gw, p, GW_ICMP_NET_UNREACH, 0);
		gw_drop(gw, p, GW_DROP_NO_ROUTE);
		return false;
	}
	const struct fib_path *path = fib_path_select(fib, res, p->flow_hash);
	if (path->type == FIB_PATH_LOCAL) {
		gw->cnt.local++;
		gw_ip4_local_input(gw, p);
		return false;
	}
	if (path->type == FIB_PATH_DROP) {
		gw_drop(gw, p, GW_DROP_NULL_ROUTE);
		return false;
	}
	/* transit only: what is for the gateway itself (above) is not filtered */
	if (!gw_acl_pass(gw, p, p->rx_ifx, false, ACL_IN))
		return false;
	enum gw_drop why = gw_ip4_ttl_drop(ip);
	if (why) {
		gw_icmp_error(gw, p, GW_ICMP_TTL_EXCEEDED, 0);
		gw_drop(gw, p, why);
		return false;
	}
	if (!gw_acl_pass(gw, p, path->ifx, false, ACL_OUT))
		return false;
	gw_ip4_ttl_dec(ip);
	gw->cnt.routed++;
	*nh = path->type == FIB_PATH_GATEWAY ? path->nh : ntohl(ip->dst);
	p->tx_ifx = path->ifx;
	return ip4_output_check(gw, p, path->ifx, *nh);
}

/*
 * The lookups of a vector whose packets belong to several VRFs: one batch per VRF over
 * the packets gathered for it, results scattered back. done[] marks what is looked up.
 */
static void fib_lookup_vrfs(const struct gw *gw, struct gw_pkt **v, const uint32_t *dst,
                            uint32_t *res, unsigned n)
{
	bool done[GW_VEC_MAX] = {false};
	uint32_t d[GW_VEC_MAX], r[GW_VEC_MAX];
	uint16_t at[GW_VEC_MAX];
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		uint16_t vrfx = v[i]->vrfx;
		unsigned k = gw_vec_vrf_group(v, i, n, done, at);
		for (unsigned j = 0; j < k; j++)
			d[j] = dst[at[j]];
		const struct fib *fib = gw_vrf_fib_of(gw, vrfx);
		if (fib)
			fib_lookup_batch(fib, d, r, k);
		for (unsigned j = 0; j < k; j++)
			res[at[j]] = fib ? r[j] : FIB_LOOKUP_MISS;
	}
}

/*
 * IPv4 over a vector, in stages so that each table's cache misses overlap across the
 * packets instead of stalling each one in turn: checks; one batched FIB lookup; routing
 * decisions (prefetching the neighbour buckets); neighbour rewrite (prefetching the MAC
 * table slots); bridge-domain output and encap.
 */
static void ip4_input_vec(struct gw *gw, struct gw_pkt **pkts, unsigned n)
{
	uint32_t dst[GW_VEC_MAX], res[GW_VEC_MAX], nh[GW_VEC_MAX];
	uint64_t ah[GW_VEC_MAX], mh[GW_VEC_MAX]; /* neighbour and MAC table hashes */
	struct gw_pkt *v[GW_VEC_MAX];
	unsigned nv = 0;
	uint16_t vrfx = n ? pkts[0]->vrfx : 0;
	bool mixed = false;
	for (unsigned i = 0; i < n; i++) {
		enum gw_drop why = gw_ip4_validate(pkts[i]);
		if (why) {
			gw_drop(gw, pkts[i], why);
			continue;
		}
		if (gw_traced(pkts[i]))
			gw_trace_ip4(gw, pkts[i]);
		dst[nv] = ntohl(((const struct net_ip *)pkts[i]->data)->dst);
		mixed |= pkts[i]->vrfx != vrfx;
		v[nv++] = pkts[i];
	}
	if (!nv)
		return;
	/* a vector mostly belongs to one VRF: then it is one batch, as without VRFs */
	const struct fib *fib = gw_vrf_fib_of(gw, vrfx);
	if (mixed)
		fib_lookup_vrfs(gw, v, dst, res, nv);
	else if (fib)
		fib_lookup_batch(fib, dst, res, nv);
	else
		for (unsigned i = 0; i < nv; i++)
			res[i] = FIB_LOOKUP_MISS;

	unsigned nf = 0;
	for (unsigned i = 0; i < nv; i++) {
		const struct fib *f = mixed ? gw_vrf_fib_of(gw, v[i]->vrfx) : fib;
		if (!ip4_forward(gw, f, v[i], res[i], &nh[nf]))
			continue;
		ah[nf] = arp_prefetch(gw->arp, v[i]->tx_ifx, nh[nf]);
		v[nf++] = v[i];
	}
	for (unsigned i = 0; i < nf; i++)
		arp_prefetch_entry(gw->arp, ah[i]);

	unsigned nb = 0;
	struct out_memo om = {0};
	for (unsigned i = 0; i < nf; i++) {
		struct gw_pkt *p = v[i];
		const uint8_t *mac =
		    arp_lookup_hashed(gw->arp, p->tx_ifx, nh[i], ah[i], gw->now_ms);
		if (!mac) {
			neigh_miss(gw, p, p->tx_ifx, nh[i]);
			continue;
		}
		if (gw_traced(p))
			gw_trace_arp(gw, p, p->tx_ifx, nh[i], mac, GW_TR_ARP_HIT);
		l3_tx_begin(gw, p, mac, NET_ETHERTYPE_IP, &om, v, mh, &nb);
	}
	l3_tx_finish(gw, v, mh, nb);
}

void gw_l3_tx_vec(struct gw *gw, struct gw_pkt **v, const uint8_t (*mac)[NET_ETH_ALEN], unsigned n,
                  uint16_t ethertype)
{
	uint64_t mh[GW_VEC_MAX];
	unsigned nb = 0;
	struct out_memo om = {0};
	for (unsigned i = 0; i < n; i++)
		l3_tx_begin(gw, v[i], mac[i], ethertype, &om, v, mh, &nb);
	l3_tx_finish(gw, v, mh, nb);
}

/* ---------------------------------------------------------------- L2 input */

/*
 * What the last packet of this vector established: packets of a vector mostly come from
 * one VTEP, one VNI, one host, so the bridge-domain lookup, the peer check and the MAC
 * learning of a repeat are skipped (within one vector, at one time stamp).
 */
struct decap_memo {
	bool bd_ok, mac_ok;
	uint16_t bdif; /* gw_bdif_for_bdx(bdx) */
	uint32_t vni, src, dst, bdx;
	uint64_t mac;
	uint32_t mac_bdx, mac_vtep;
	uint32_t n_ports; /* local L2 ports of bdx: its frames are switched to them */
	struct gw_if_counters *bd_cnt, *peer_cnt; /* of bdx and src */
};

/* The IPv4 and IPv6 packets gathered from L2 input, for the vectorised L3 stages. */
struct ip4_vec {
	unsigned n, n6;
	struct decap_memo memo;
	struct gw_pkt *pkts[GW_VEC_MAX];
	struct gw_pkt *pkts6[GW_VEC_MAX];
};

/* A frame for the gateway on L3 interface ifx (data at the Ethernet header). */
static inline void l3_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, struct ip4_vec *v)
{
	struct gw_if *gif = &gw->ifs[ifx];
	uint16_t type = ((const struct net_eth *)p->data)->type;
	gif->cnt.rx_pkts++;
	gif->cnt.rx_bytes += p->len;
	p->rx_ifx = ifx;
	p->vrfx = gif->vrfx;
	if (gw_traced(p))
		gw_trace_l2(gw, p, ifx);
	enum gw_drop why = gw_l2_ethertype_drop(type, gw_if6_enabled(gif));
	if (why) {
		gw_drop(gw, p, why);
	} else if (type == htons(NET_ETHERTYPE_IP)) {
		p->data += NET_ETH_HLEN;
		p->len -= NET_ETH_HLEN;
		v->pkts[v->n++] = p;
	} else if (type == htons(NET_ETHERTYPE_IP6)) {
		p->data += NET_ETH_HLEN;
		p->len -= NET_ETH_HLEN;
		v->pkts6[v->n6++] = p;
	} else {
		gw_arp_input(gw, p, ifx);
	}
}

/* The Ethernet header every frame needs before anything reads it: whole, untagged. */
static const struct net_eth *eth_header(struct gw *gw, struct gw_pkt *p)
{
	enum gw_drop why = gw_l2_eth_drop(p->len, p->data + 2 * NET_ETH_ALEN);
	if (why) {
		gw_drop(gw, p, why);
		return NULL;
	}
	return (const struct net_eth *)p->data;
}

/*
 * Decide what to do with an Ethernet frame arriving on L3 interface ifx (ifx 0: the
 * bridge domain has no usable BDIF): ours, ARP broadcast for us, or not ours.
 */
static inline void l2_dispatch(struct gw *gw, struct gw_pkt *p, uint16_t ifx, struct ip4_vec *v)
{
	const struct net_eth *eth = (const struct net_eth *)p->data;
	enum gw_drop why =
	    gw_l2_dispatch_drop(eth, ifx, gw->ifs[ifx].mac, gw_if6_enabled(&gw->ifs[ifx]));
	if (why)
		gw_drop(gw, p, why);
	else
		l3_input(gw, p, ifx, v);
}

/* The BDIF that routes for bridge domain bdx, if it exists and is up; 0 otherwise. */
uint16_t gw_bdif_for_bdx(struct gw *gw, uint32_t bdx)
{
	uint32_t id = bd_id(gw->bd, bdx);
	uint16_t ifx = gw->bdif_of_bdx[bdx];
	if (!ifx || !gw->ifs[ifx].used || gw->ifs[ifx].kind != GW_IF_BDIF ||
	    gw->ifs[ifx].bd_id != id) {
		ifx = gw_bdif_of(gw, id);
		gw->bdif_of_bdx[bdx] = ifx;
	}
	return ifx && gw->ifs[ifx].up ? ifx : 0;
}

/*
 * BUM or unknown unicast in a bridge domain with ports: flooded, and a copy to the BDIF when
 * it is for the gateway (gw_l2_dispatch_drop: ARP broadcast, ND multicast); other BUM is
 * not the BDIF's and is not counted as a drop there, since the ports got it.
 */
static void l2_flood_and_dispatch(struct gw *gw, struct gw_pkt *p, uint16_t bdif,
                                  uint16_t from_port, struct ip4_vec *v)
{
	const struct net_eth *eth = (const struct net_eth *)p->data;
	const struct gw_if *bif = &gw->ifs[bdif];
	bool for_gw = net_mac_is_mcast(eth->dst) && bdif &&
	              !gw_l2_dispatch_drop(eth, bdif, bif->mac, gw_if6_enabled(bif));
	uint32_t bdx = p->bdx;
	struct gw_pkt *c = for_gw ? pkt_clone(gw, p) : p;
	if (for_gw)
		l2_dispatch(gw, p, bdif, v);
	if (!c) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return;
	}
	/* from a VTEP, copies go to ports only: no VXLAN source port to choose */
	c->flow_hash = from_port ? gw_l2_flow_hash(c->data, c->len) : 0;
	struct gw_vx_encap x = bd_encap(gw, bdx);
	bd_flood(gw, c, bdx, &x, from_port, from_port != 0);
}

/*
 * L2 gateway: frame p (data at its Ethernet header, p->bdx its bridge domain, its source
 * learned) from port from_port, or from a VTEP (from_port 0), in a bridge domain with
 * ports: to the BDIF (bdif, 0: none usable), to a port, to a VTEP, or flooded. BUM for the
 * gateway (a broadcast ARP, ND) is flooded and handed to the BDIF too.
 */
static void l2_switch(struct gw *gw, struct gw_pkt *p, uint16_t bdif, uint16_t from_port,
                      struct ip4_vec *v)
{
	const struct net_eth *eth = (const struct net_eth *)p->data;
	const struct gw_if *bif = &gw->ifs[bdif];
	uint32_t dest = 0;
	bool known = !net_mac_is_mcast(eth->dst) && bd_mac_lookup(gw->bd, p->bdx, eth->dst, &dest);
	enum gw_drop why = 0;
	if (gw_traced(p))
		gw_trace_bd_mac(gw, p, known ? dest : 0);
	switch (gw_l2_switch(eth, bdif, bif->mac, known, dest, from_port, &why)) {
	case GW_L2_TO_BDIF:
		l2_dispatch(gw, p, bdif, v);
		break;
	case GW_L2_TO_PORT:
		gw_l2_port_output(gw, p, (uint16_t)dest);
		break;
	case GW_L2_TO_VTEP: /* a static MAC behind a VTEP in a bridge domain without a VNI: none */
		if (!bd_vni(gw->bd, p->bdx)) {
			gw_drop(gw, p, GW_DROP_NO_SUCH_VNI);
			break;
		}
		p->flow_hash = gw_l2_flow_hash(p->data, p->len);
		struct gw_vx_encap x = bd_encap(gw, p->bdx);
		vxlan_encap_send(gw, p, p->bdx, &x, dest);
		break;
	case GW_L2_FLOOD:
		l2_flood_and_dispatch(gw, p, bdif, from_port, v);
		break;
	case GW_L2_DROP:
		gw_drop(gw, p, why);
		break;
	}
}

/* Learns the inner source MAC; false when the frame must be dropped (reason counted). */
static bool bd_learn_source(struct gw *gw, struct gw_pkt *p, const struct net_eth *eth,
                            struct decap_memo *m)
{
	uint64_t mac = net_mac_to_u64(eth->src);
	if (m->mac_ok && m->mac == mac && m->mac_bdx == p->bdx && m->mac_vtep == p->outer_src) {
		if (gw_traced(p))
			gw_trace_learn(gw, p, eth->src, p->outer_src, GW_TR_LEARN_MEMO);
		return true;
	}
	enum gw_drop why = gw_l2_src_drop(eth->src);
	if (why) {
		gw_drop(gw, p, why);
		return false;
	}
	int r = bd_mac_learn(gw->bd, p->bdx, eth->src, p->outer_src, gw->now_ms);
	if (gw_traced(p))
		gw_trace_learn(gw, p, eth->src, p->outer_src, r);
	if (GW_DEBUG_ON(gw, GW_DEBUG_VXLAN))
		gw_debug_learn(gw, p, eth->src, p->outer_src, r);
	uint32_t static_vtep = 0;
	if (r == BD_MAC_STATIC)
		bd_mac_lookup(gw->bd, p->bdx, eth->src, &static_vtep);
	why = gw_l2_learn_drop(r, static_vtep, p->outer_src);
	if (why) {
		gw_drop(gw, p, why);
		return false;
	}
	m->mac_ok = true;
	m->mac = mac;
	m->mac_bdx = p->bdx;
	m->mac_vtep = p->outer_src;
	return true;
}

/* The bridge domain of a decapsulated packet after the checks of spec section 4. */
static bool underlay_bd(struct gw *gw, struct gw_pkt *p, uint32_t vni, struct decap_memo *m)
{
	if (m->bd_ok && m->vni == vni && m->src == p->outer_src && m->dst == p->outer_dst) {
		p->bdx = m->bdx;
		return true;
	}
	uint32_t bdx = bd_by_vni(gw->bd, vni);
	uint32_t group = bdx != BD_NONE ? bd_flood_group(gw->bd, bdx) : 0;
	enum gw_drop why = gw_vx_bd_drop(bdx, p->outer_dst, group);
	if (!why && p->outer_src == VX_VTEP6_UNKNOWN) /* named since, or a new one to learn */
		p->outer_src = gw_vtep6_sender(gw, p, group != 0);
	if (!why)
		why = gw_vx_peer_drop(p->outer_src != 0 &&
		                      bd_peer_accept(gw->bd, bdx, p->outer_src, gw->now_ms));
	if (why) {
		gw_drop(gw, p, why);
		return false;
	}
	m->bd_ok = true;
	m->vni = vni;
	m->src = p->outer_src;
	m->dst = p->outer_dst;
	m->bdx = bdx;
	m->bd_cnt = gw_bd_cnt_claim(gw->bd_cnt, bdx, bd_id(gw->bd, bdx));
	m->peer_cnt = gw_peer_cnt(&gw->peers, p->outer_src);
	m->bdif = gw_bdif_for_bdx(gw, bdx);
	const uint16_t *ports;
	m->n_ports = (uint32_t)bd_ports(gw->bd, bdx, &ports);
	p->bdx = bdx;
	return true;
}

/* Decap: checks of spec section 4, then the inner frame into its bridge domain. */
static void underlay_input_one(struct gw *gw, struct gw_pkt *p, uint16_t ifx, struct ip4_vec *v)
{
	(void)ifx; /* the underlay is no L3 interface */
	uint32_t vni;
	enum gw_drop why = gw_vx_outer_dst_drop(p->outer_dst, gw->vtep, gw->vtep6_name);
	if (!why)
		why = gw_vx_hdr_drop(p->data, p->len, gw->params.vxlan_strict, &vni);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	if (!underlay_bd(gw, p, vni, &v->memo))
		return;
	if (gw_traced(p))
		gw_trace_decap(gw, p, vni);
	p->data += VX_HDR_LEN;
	p->len -= VX_HDR_LEN;
	why = gw_vx_ecn_decap(p->outer_tos, p->data, p->len);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	uint32_t len = p->len;
	v->memo.bd_cnt->rx_pkts++;
	v->memo.bd_cnt->rx_bytes += len;
	v->memo.peer_cnt->rx_pkts++;
	v->memo.peer_cnt->rx_bytes += len;
	const struct net_eth *eth = eth_header(gw, p);
	if (!eth)
		return;
	uint16_t bdif = v->memo.bdif; /* interfaces do not change within a vector */
	why = gw_l2_anycast_drop(eth->src, bdif && gw->ifs[bdif].anycast, gw->ifs[bdif].mac);
	if (why) {
		gw_anycast_heard(gw, bdif, p->outer_src, p->data, p->len);
		gw_drop(gw, p, why);
		return;
	}
	if (!bd_learn_source(gw, p, eth, &v->memo))
		return;
	if (v->memo.n_ports)
		l2_switch(gw, p, bdif, 0, v);
	else
		l2_dispatch(gw, p, bdif, v);
}

/*
 * Runs `one` over the packets a vector at a time, then the IPv4 stage over what it kept;
 * `rx` counts the packets. The entry points differ only in their per-packet L2 step.
 * Inlined into each so that `one` is a direct call, not an indirect one per packet.
 */
static inline __attribute__((always_inline)) void
input_vectors(struct gw *gw, struct gw_pkt **pkts, unsigned n, uint64_t *rx,
              void (*one)(struct gw *, struct gw_pkt *, uint16_t, struct ip4_vec *), uint16_t ifx)
{
	struct ip4_vec v;
	if (gw_trace_armed(gw))
		gw_trace_input(gw, pkts, n, ifx);
	while (n) {
		unsigned chunk = n < GW_VEC_MAX ? n : GW_VEC_MAX;
		v.n = v.n6 = 0;
		v.memo = (struct decap_memo){0};
		*rx += chunk;
		for (unsigned i = 0; i < chunk; i++)
			one(gw, pkts[i], ifx, &v);
		ip4_input_vec(gw, v.pkts, v.n);
		if (v.n6)
			gw_ip6_input_vec(gw, v.pkts6, v.n6);
		pkts += chunk;
		n -= chunk;
	}
	gw_flush(gw);
}

void gw_input_underlay(struct gw *gw, struct gw_pkt **pkts, unsigned n)
{
	input_vectors(gw, pkts, n, &gw->cnt.rx_underlay, underlay_input_one, 0);
}

/*
 * The interface of a frame from netdev `port` (*ifx): the sub-interface of its 802.1Q
 * VLAN, whose tag is then removed, or the main interface for an untagged (or
 * priority-tagged, VLAN 0) frame. Returns 0 or the drop reason. A second tag (QinQ) is
 * left for eth_header to drop.
 */
static enum gw_drop eth_demux(struct gw_pkt *p, const struct gw_port *port, uint16_t *ifx)
{
	uint32_t tag_len;
	enum gw_drop why =
	    gw_l2_vlan_demux(p->data, p->len, port->untagged, port->by_vlan, ifx, &tag_len);
	if (!why && tag_len) {
		memmove(p->data + tag_len, p->data, 2 * NET_ETH_ALEN);
		p->data += tag_len;
		p->len -= tag_len;
	}
	return why;
}

/*
 * A frame from L2 port ifx (its tag taken off, its Ethernet header checked): into the
 * port's bridge domain, its source learned on the port, then switched.
 */
static void l2_port_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, struct ip4_vec *v)
{
	struct gw_if *gif = &gw->ifs[ifx];
	const struct net_eth *eth = (const struct net_eth *)p->data;
	uint32_t bdx = bd_index(gw->bd, gif->l2_bd);
	if (bdx == BD_NONE) {
		gw_drop(gw, p, GW_DROP_L2_NO_BD);
		return;
	}
	gif->cnt.rx_pkts++;
	gif->cnt.rx_bytes += p->len;
	struct gw_if_counters *bc = gw_bd_cnt_claim(gw->bd_cnt, bdx, gif->l2_bd);
	bc->rx_pkts++;
	bc->rx_bytes += p->len;
	p->rx_ifx = ifx;
	p->bdx = bdx;
	if (gw_traced(p))
		gw_trace_l2(gw, p, ifx);
	uint16_t bdif = gw_bdif_for_bdx(gw, bdx);
	enum gw_drop why = gw_l2_own_src_drop(eth->src, bdif, gw->ifs[bdif].mac);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	/* a denied frame teaches nothing: filtered before its source is learned */
	if (!gw_acl_frame_pass(gw, p, ifx, ACL_IN))
		return;
	int r = bd_mac_learn(gw->bd, bdx, eth->src, ifx, gw->now_ms);
	if (gw_traced(p))
		gw_trace_learn(gw, p, eth->src, ifx, r);
	if (GW_DEBUG_ON(gw, GW_DEBUG_VXLAN))
		gw_debug_learn(gw, p, eth->src, ifx, r);
	uint32_t static_dest = 0;
	if (r == BD_MAC_STATIC)
		bd_mac_lookup(gw->bd, bdx, eth->src, &static_dest);
	why = gw_l2_learn_drop(r, static_dest, ifx);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	l2_switch(gw, p, bdif, ifx, v);
}

static void eth_input_one(struct gw *gw, struct gw_pkt *p, uint16_t port_ifx, struct ip4_vec *v)
{
	uint16_t ifx;
	enum gw_drop why = eth_demux(p, &gw->ports[gw->ifs[port_ifx].port], &ifx);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	const struct net_eth *eth = eth_header(gw, p);
	if (!eth)
		return;
	/* As on the underlay (bd_learn_source): no host sends from a group or zero MAC. */
	why = gw_l2_src_drop(eth->src);
	if (!why)
		why = gw_l2_if_down_drop(gw->ifs[ifx].up);
	if (why) {
		gw_drop(gw, p, why);
		return;
	}
	if (gw->ifs[ifx].l2_bd)
		l2_port_input(gw, p, ifx, v);
	else
		l2_dispatch(gw, p, ifx, v);
}

void gw_input_eth(struct gw *gw, uint16_t ifx, struct gw_pkt **pkts, unsigned n)
{
	if (!gw_if_ptr(gw, ifx) || gw->ifs[ifx].kind != GW_IF_ETH) {
		for (unsigned i = 0; i < n; i++)
			gw_drop(gw, pkts[i], GW_DROP_IF_DOWN);
		return;
	}
	input_vectors(gw, pkts, n, &gw->cnt.rx_eth, eth_input_one, ifx);
}
