/*
 * gw/ip6.c - the IPv6 nodes of the packet graph: ip6-input (RFC 8200 checks, scope rules,
 * what is for the gateway), ip6-lookup (one batched FIB6 lookup per vector and VRF),
 * ip6-forward (hop limit, egress MTU: packet too big, never fragmented) and ip6-neighbour
 * (the ND table's MAC, or the packet held while ND asks).
 */
#include "gw/gw_int.h"

#include "arp/nd.h"
#include "common/net.h"
#include "gw/ip4_inl.h"
#include "gw/ip6_inl.h"

/* ---------------------------------------------------------------- trace records */

/*
 * A record's 16 bytes hold one IPv6 address: ip6-input keeps the destination (code: next
 * header), ip6-lookup the next hop (code: path type, ifx: egress; the destination is in
 * ip6-input's), ip6-nd the neighbour (code: hit, miss; ifx: egress).
 */
struct gw_tr_ip6 {
	struct in6_addr a;
};
GW_TRACE_PAYLOAD_FITS(struct gw_tr_ip6);

enum { TR_ND_HIT = 0, TR_ND_MISS };

GW_TRACE_HOOK static void trace_ip6(struct gw *gw, const struct gw_pkt *p,
                                    enum gw_trace_stage stage, uint8_t code, uint16_t ifx,
                                    const struct in6_addr *a)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, stage, ifx);
	if (!r)
		return;
	r->code = code;
	((struct gw_tr_ip6 *)gw_trace_data(r))->a = *a;
}

void gw_tr_fmt_ip6_input(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_ip6(f, "dst", &((const struct gw_tr_ip6 *)gw_trace_cdata(r))->a);
	gw_trace_put_num(f, "next-header", r->code);
}

void gw_tr_fmt_ip6_lookup(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	static const char *const types[] = {[FIB_PATH_DROP] = "null0",
	                                    [FIB_PATH_LOCAL] = "local",
	                                    [FIB_PATH_ATTACHED] = "attached",
	                                    [FIB_PATH_GATEWAY] = "gateway"};
	if (r->code == 0 || r->code > FIB_PATH_GATEWAY) {
		gw_trace_put_str(f, "result", "miss");
		return;
	}
	gw_trace_put_str(f, "result", types[r->code]);
	if (r->code == FIB_PATH_GATEWAY)
		gw_trace_put_ip6(f, "via", &((const struct gw_tr_ip6 *)gw_trace_cdata(r))->a);
	if (r->code != FIB_PATH_DROP)
		gw_trace_put_if(f, "interface", r->ifx);
}

void gw_tr_fmt_ip6_nd(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_ip6(f, "neighbour", &((const struct gw_tr_ip6 *)gw_trace_cdata(r))->a);
	gw_trace_put_str(f, "result", r->code == TR_ND_HIT ? "hit" : "miss: solicited");
}

/* ---------------------------------------------------------------- output */

/* No MAC for nh on ifx yet: the ND table holds p while it solicits (or says it failed). */
static void neigh6_miss(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh)
{
	p->tx_ifx = ifx;
	if (!gw_neigh_may_hold(gw)) {
		arp6_resolve(gw->nd, ifx, nh, NULL, gw->now_ms);
		gw_drop(gw, p, GW_DROP_ND_QUEUE_FULL);
		return;
	}
	gw_neigh_resolve_result(gw, p, arp6_resolve(gw->nd, ifx, nh, p, gw->now_ms), &gw_neigh_ip6);
}

void gw_ip6_neigh_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh)
{
	const uint8_t *mac = arp6_lookup(gw->nd, ifx, nh, gw->now_ms);
	if (gw_traced(p))
		trace_ip6(gw, p, GW_TR_IP6_ND, mac ? TR_ND_HIT : TR_ND_MISS, ifx, nh);
	if (!mac) {
		neigh6_miss(gw, p, ifx, nh);
		return;
	}
	gw_eth_output(gw, p, ifx, mac, NET_ETHERTYPE_IP6);
}

/*
 * The egress checks toward ifx: up with IPv6, and within its MTU. A sender's super-packet
 * from a BDIF is cut to fit (as its NIC would have); anything else too long is refused
 * with packet too big (routers never fragment IPv6). True when p may go on.
 */
static bool ip6_output_check(struct gw *gw, struct gw_pkt *p, uint16_t ifx,
                             const struct in6_addr *nh)
{
	struct gw_if *gif = &gw->ifs[ifx];
	enum gw_drop why = gw_ip6_egress_drop(gif->up, gw_if6_enabled(gif));
	if (why) {
		gw_drop(gw, p, why);
		return false;
	}
	const struct gw_if *in = gw_if_ptr(gw, p->rx_ifx);
	uint32_t super_mtu =
	    in && in->kind == GW_IF_BDIF && gw_ip6_is_super(p, in->mtu) ? in->mtu : 0;
	uint32_t seg_mtu = gw_ip4_seg_mtu(p->len, super_mtu, gif->mtu);
	if (seg_mtu) {
		gw_ip6_segment(gw, p, ifx, nh, seg_mtu);
		return false;
	}
	why = gw_ip6_mtu_drop(p->len, gif->mtu);
	if (why) {
		gw_icmp6_error(gw, p, GW_ICMP6_PKT_TOO_BIG, gif->mtu);
		gw_drop(gw, p, why);
		return false;
	}
	return true;
}

void gw_ip6_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh)
{
	if (ip6_output_check(gw, p, ifx, nh))
		gw_ip6_neigh_output(gw, p, ifx, nh);
}

/* A multicast packet the gateway sends (RA, NS) out of p->tx_ifx. */
static void ip6_mcast_output(struct gw *gw, struct gw_pkt *p, const struct in6_addr *group)
{
	uint8_t mac[6];
	struct gw_if *gif = gw_if_ptr(gw, p->tx_ifx);
	if (!gif || !gif->up) {
		gw_drop(gw, p, GW_DROP_IF_DOWN);
		return;
	}
	nd_mcast_mac(group, mac);
	gw_eth_output(gw, p, p->tx_ifx, mac, NET_ETHERTYPE_IP6);
}

void gw_ip6_local_output(struct gw *gw, struct gw_pkt *p)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	struct in6_addr dst = ip->dst;
	if (net_ip6_is_mcast(&dst)) {
		ip6_mcast_output(gw, p, &dst);
		return;
	}
	if (net_ip6_is_linklocal(&dst)) {
		if (!gw_if_ptr(gw, p->tx_ifx)) {
			gw_drop(gw, p, GW_DROP_IP6_SCOPE);
			return;
		}
		gw_ip6_output(gw, p, p->tx_ifx, &dst);
		return;
	}
	const struct fib6 *fib = gw_vrf_fib6_of(gw, p->vrfx);
	uint32_t res = fib ? fib6_lookup(fib, &dst) : FIB_LOOKUP_MISS;
	if (res == FIB_LOOKUP_MISS) {
		gw_ping6_local_error(gw, p, GW_ICMP6_NO_ROUTE); /* the gateway's own ping: 'U' */
		gw_drop(gw, p, GW_DROP_NO_ROUTE);
		return;
	}
	const struct fib6_path *path = fib6_path_select(fib, res, p->flow_hash);
	switch (path->type) {
	case FIB_PATH_ATTACHED:
		gw_ip6_output(gw, p, path->ifx, &dst);
		return;
	case FIB_PATH_GATEWAY:
		gw_ip6_output(gw, p, path->ifx, &path->nh);
		return;
	case FIB_PATH_DROP:
		gw_drop(gw, p, GW_DROP_NULL_ROUTE);
		return;
	default: /* to ourselves: nothing would ever answer */
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
}

/* ---------------------------------------------------------------- input */

/* Is group one the gateway listens to on gif: all-nodes, all-routers, or the
 * solicited-node group of one of its addresses? */
static bool ip6_group_joined(const struct gw_if *gif, const struct in6_addr *group)
{
	if (net_ip6_eq(group, &nd_all_nodes) || net_ip6_eq(group, &nd_all_routers))
		return true;
	struct in6_addr sn;
	nd_solicited_node(&gif->v6.ll, &sn);
	if (net_ip6_eq(group, &sn))
		return true;
	for (unsigned k = 0; k < gif->v6.n_addrs; k++) {
		nd_solicited_node(&gif->v6.addr[k], &sn);
		if (net_ip6_eq(group, &sn))
			return true;
	}
	return false;
}

/*
 * What does not need the FIB: multicast and link-local destinations are for the gateway
 * when they are its own (else dropped: never forwarded). True when p was consumed.
 */
static bool ip6_input_scoped(struct gw *gw, struct gw_pkt *p)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	const struct gw_if *gif = &gw->ifs[p->rx_ifx];
	struct in6_addr src = ip->src, dst = ip->dst; /* the header is packed: copies */
	if (net_ip6_is_mcast(&dst)) {
		if (ip6_group_joined(gif, &dst)) {
			gw->cnt.local6++;
			gw_ip6_local_input(gw, p);
		} else {
			gw_drop(gw, p, GW_DROP_IP6_MCAST_IGNORED);
		}
		return true;
	}
	if (net_ip6_is_linklocal(&dst)) {
		if (net_ip6_eq(&dst, &gif->v6.ll)) {
			gw->cnt.local6++;
			gw_ip6_local_input(gw, p);
		} else {
			gw_drop(gw, p, GW_DROP_IP6_SCOPE);
		}
		return true;
	}
	if (net_ip6_is_zero(&src)) { /* only DAD may use it, and DAD is link-scoped */
		gw_drop(gw, p, GW_DROP_IP6_MARTIAN_SRC);
		return true;
	}
	return false;
}

/*
 * Routing decision for one packet by lookup result res: true when it goes on to a
 * neighbour (p->tx_ifx and *nh set, hop limit decremented, egress checks passed).
 */
static bool ip6_forward(struct gw *gw, const struct fib6 *fib, struct gw_pkt *p, uint32_t res,
                        struct in6_addr *nh)
{
	struct net_ip6 *ip = (struct net_ip6 *)p->data;
	const struct fib6_path *path = res ? fib6_path_select(fib, res, p->flow_hash) : NULL;
	if (gw_traced(p)) {
		struct in6_addr via = path ? path->nh : (struct in6_addr){0};
		trace_ip6(gw, p, GW_TR_IP6_LOOKUP, path ? path->type : 0, path ? path->ifx : 0,
		          &via);
	}
	if (!path) {
		gw_icmp6_error(gw, p, GW_ICMP6_NO_ROUTE, 0);
		gw_drop(gw, p, GW_DROP_NO_ROUTE);
		return false;
	}
	if (path->type == FIB_PATH_LOCAL) {
		gw->cnt.local6++;
		gw_ip6_local_input(gw, p);
		return false;
	}
	if (path->type == FIB_PATH_DROP) {
		gw_drop(gw, p, GW_DROP_NULL_ROUTE);
		return false;
	}
	/* transit only: what is for the gateway itself (above) is not filtered */
	if (!gw_acl_pass(gw, p, p->rx_ifx, true, ACL_IN))
		return false;
	enum gw_drop why = gw_ip6_transit_drop(ip);
	if (why) {
		/* RFC 4443 3.1: a link-local source cannot be forwarded to a global destination:
		 * the sender is told (code 2), as Linux does */
		struct in6_addr src = ip->src;
		if (net_ip6_is_linklocal(&src))
			gw_icmp6_error(gw, p, GW_ICMP6_BEYOND_SCOPE, 0);
		gw_drop(gw, p, why);
		return false;
	}
	why = gw_ip6_hlim_drop(ip);
	if (why) {
		gw_icmp6_error(gw, p, GW_ICMP6_HLIM_EXCEEDED, 0);
		gw_drop(gw, p, why);
		return false;
	}
	if (!gw_acl_pass(gw, p, path->ifx, true, ACL_OUT))
		return false;
	gw_ip6_hlim_dec(ip);
	gw->cnt.routed6++;
	*nh = path->type == FIB_PATH_GATEWAY ? path->nh : ip->dst;
	p->tx_ifx = path->ifx;
	return ip6_output_check(gw, p, path->ifx, nh);
}

/* The lookups of a vector: one batch per VRF over the packets gathered for it. */
static void ip6_lookup_vec(const struct gw *gw, struct gw_pkt **v, uint32_t *res, unsigned n)
{
	struct in6_addr addr[GW_VEC_MAX]; /* copied out of the packed headers */
	const struct in6_addr *dst[GW_VEC_MAX];
	uint32_t r[GW_VEC_MAX];
	uint16_t at[GW_VEC_MAX];
	bool done[GW_VEC_MAX] = {false};
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		uint16_t vrfx = v[i]->vrfx;
		unsigned k = gw_vec_vrf_group(v, i, n, done, at);
		for (unsigned j = 0; j < k; j++) {
			addr[j] = ((const struct net_ip6 *)v[at[j]]->data)->dst;
			dst[j] = &addr[j];
		}
		const struct fib6 *fib = gw_vrf_fib6_of(gw, vrfx);
		if (fib)
			fib6_lookup_batch(fib, dst, r, k);
		for (unsigned j = 0; j < k; j++)
			res[at[j]] = fib ? r[j] : FIB_LOOKUP_MISS;
	}
}

/*
 * Routing decisions, then the neighbours and the output, each a pass over the vector as in
 * ip4_input_vec: the decisions prefetch the neighbour buckets, a second pass their entries,
 * the lookups copy the MACs (a miss solicits, which may change the table under a pointer),
 * and gw_l3_tx_vec rewrites and sends with the MAC table lookups overlapped.
 */
static void ip6_forward_vec(struct gw *gw, struct gw_pkt **v, const uint32_t *res, unsigned n)
{
	struct in6_addr nh[GW_VEC_MAX];
	uint64_t ah[GW_VEC_MAX];
	uint8_t mac[GW_VEC_MAX][NET_ETH_ALEN];
	unsigned nf = 0, nt = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct fib6 *fib = gw_vrf_fib6_of(gw, v[i]->vrfx);
		if (!ip6_forward(gw, fib, v[i], res[i], &nh[nf]))
			continue;
		ah[nf] = arp6_prefetch(gw->nd, v[i]->tx_ifx, &nh[nf]);
		v[nf++] = v[i];
	}
	for (unsigned i = 0; i < nf; i++)
		arp_prefetch_entry(gw->nd, ah[i]);
	for (unsigned i = 0; i < nf; i++) {
		struct gw_pkt *p = v[i];
		const uint8_t *m = arp6_lookup_hashed(gw->nd, p->tx_ifx, &nh[i], ah[i], gw->now_ms);
		if (gw_traced(p))
			trace_ip6(gw, p, GW_TR_IP6_ND, m ? TR_ND_HIT : TR_ND_MISS, p->tx_ifx,
			          &nh[i]);
		if (!m) {
			neigh6_miss(gw, p, p->tx_ifx, &nh[i]);
			continue;
		}
		memcpy(mac[nt], m, NET_ETH_ALEN);
		v[nt++] = p;
	}
	gw_l3_tx_vec(gw, v, (const uint8_t(*)[NET_ETH_ALEN])mac, nt, NET_ETHERTYPE_IP6);
}

void gw_ip6_input_vec(struct gw *gw, struct gw_pkt **pkts, unsigned n)
{
	struct gw_pkt *v[GW_VEC_MAX];
	uint32_t res[GW_VEC_MAX];
	unsigned nv = 0;
	for (unsigned i = 0; i < n; i++) {
		enum gw_drop why = gw_ip6_validate(pkts[i]);
		if (why) {
			gw_drop(gw, pkts[i], why);
			continue;
		}
		if (gw_traced(pkts[i])) {
			const struct net_ip6 *ip = (const struct net_ip6 *)pkts[i]->data;
			struct in6_addr dst = ip->dst;
			trace_ip6(gw, pkts[i], GW_TR_IP6_INPUT, ip->nxt, pkts[i]->rx_ifx, &dst);
		}
		if (!ip6_input_scoped(gw, pkts[i]))
			v[nv++] = pkts[i];
	}
	if (!nv)
		return;
	ip6_lookup_vec(gw, v, res, nv);
	ip6_forward_vec(gw, v, res, nv);
}
