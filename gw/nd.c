/*
 * gw/nd.c - neighbour discovery on the gateway's interfaces (RFC 4861): solicitations
 * answered and learned from, next hops solicited for the IPv6 neighbour table, router
 * solicitations answered, periodic router advertisements, unsolicited advertisements on a
 * MAC change or anycast takeover, and the table's callbacks for the packets it held.
 *
 * What is learned follows the ARP rules of the threat model: only from a solicitation
 * for one of our addresses whose sender is on the link (link-local or inside one of the
 * interface's prefixes), or from an advertisement for an entry we asked about; never a
 * claim to one of our own addresses.
 */
#include "gw/gw_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arp/nd.h"
#include "common/net.h"

#define ND_INITIAL_RAS         3     /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define ND_INITIAL_INTERVAL_MS 16000 /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define ND_RS_ANSWER_GAP_MS    3000  /* MIN_DELAY_BETWEEN_RAS */
#define ND_FIRST_RA_MS         500   /* an interface's first RA, soon after it qualifies */

/* ---------------------------------------------------------------- sending */

/* A packet for an ND message out of gif: data at the IPv6 header, room for the frame. */
static struct gw_pkt *nd_pkt(struct gw *gw, const struct gw_if *gif)
{
	if (!gif || !gif->up)
		return NULL;
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return NULL;
	}
	q->data = q->buf + GW_PKT_HEADROOM + NET_ETH_HLEN + NET_VLAN_HLEN;
	q->vrfx = gif->vrfx;
	return q;
}

/* Sends q (len bytes built at its data) to dst_mac, or to the group's MAC when NULL. */
static void nd_xmit(struct gw *gw, struct gw_pkt *q, size_t len, uint16_t ifx,
                    const uint8_t *dst_mac)
{
	if (len == 0) {
		gw_pkt_free(gw->pool, q);
		return;
	}
	struct in6_addr dst = ((const struct net_ip6 *)q->data)->dst;
	uint8_t group_mac[6];
	q->len = (uint32_t)len;
	q->tx_ifx = ifx;
	q->flow_hash = (uint32_t)net_hash_ip6(&dst);
	if (!dst_mac) {
		nd_mcast_mac(&dst, group_mac);
		dst_mac = group_mac;
	}
	gw_eth_output(gw, q, ifx, dst_mac, NET_ETHERTYPE_IP6);
}

/* ops->solicit: an NS for ip out of ifx, to its solicited-node group or a unicast probe. */
static void nd_solicit(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *dst_mac)
{
	struct gw *gw = ctx;
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif || !gw_if6_enabled(gif))
		return;
	if (!gw_bucket_take(&gw->arp_bucket, gw->now_ms)) {
		gw->cnt.drops[GW_DROP_ND_RATE]++;
		return;
	}
	struct gw_pkt *q = nd_pkt(gw, gif);
	if (!q)
		return;
	struct in6_addr dst = *ip;
	if (!dst_mac)
		nd_solicited_node(ip, &dst);
	size_t len = nd_build_ns(q->data, GW_PKT_DATA - NET_ETH_HLEN - NET_VLAN_HLEN,
	                         gw_if6_src_for(gif, ip), &dst, ip, gif->mac);
	gw->cnt.nd_solicits++;
	nd_xmit(gw, q, len, ifx, dst_mac);
}

/* ops->resolved: a held packet (data at IPv6) now has its neighbour's MAC. */
static void nd_resolved(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
                        void *pkt)
{
	struct gw *gw = ctx;
	(void)ip;
	if (!gw_if_ptr(gw, ifx)) {
		gw_drop(gw, pkt, GW_DROP_ND_FLUSHED);
		return;
	}
	gw_eth_output(gw, pkt, ifx, mac, NET_ETHERTYPE_IP6);
}

/* ops->drop: the table gives up on a held packet. */
static void nd_drop(void *ctx, uint16_t ifx, const struct in6_addr *ip, void *pkt,
                    enum arp_drop_reason why)
{
	(void)ifx;
	(void)ip;
	gw_neigh_give_up(ctx, pkt, why, &gw_neigh_ip6);
}

const struct arp6_ops gw_nd_ops = {
    .solicit = nd_solicit,
    .resolved = nd_resolved,
    .drop = nd_drop,
};

/* An NA for target out of ifx to dst (dst_mac NULL: dst is a group). */
static void nd_advertise(struct gw *gw, uint16_t ifx, const struct in6_addr *target,
                         const struct in6_addr *dst, const uint8_t *dst_mac, uint8_t flags)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	struct gw_pkt *q = nd_pkt(gw, gif);
	if (!q)
		return;
	size_t len = nd_build_na(q->data, GW_PKT_DATA - NET_ETH_HLEN - NET_VLAN_HLEN, target, dst,
	                         target, flags, gif->mac);
	gw->cnt.nd_adverts++;
	nd_xmit(gw, q, len, ifx, dst_mac);
}

/* Unsolicited NAs to all-nodes from ifx: for its link-local address and, when all, for
 * each of its global ones. */
static void nd_announce(struct gw *gw, uint16_t ifx, bool all)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif || !gif->up || !gw_if6_enabled(gif))
		return;
	uint8_t flags = ND_NA_ROUTER | ND_NA_OVERRIDE;
	nd_advertise(gw, ifx, &gif->v6.ll, &nd_all_nodes, NULL, flags);
	for (unsigned k = 0; all && k < gif->v6.n_addrs; k++)
		nd_advertise(gw, ifx, &gif->v6.addr[k], &nd_all_nodes, NULL, flags);
	gw_flush(gw);
}

void gw_nd_announce(struct gw *gw, uint16_t ifx)
{
	nd_announce(gw, ifx, true);
}

/*
 * The anycast round (gw_anycast_tick, every anycast_garp_ms on the bridge domain's
 * announcing gateway): its only job is to make the VTEPs learn the shared MAC here, which
 * any one frame from it does. The hosts' entries for our addresses already hold that MAC
 * (it never changes on a failover), so one NA, for the link-local address the hosts route
 * through, is enough: an NA for every address at every round would cost up to
 * GW_IF_ADDRS_MAX + 1 frames per flood peer per second, each processed by every host of
 * the segment, for nothing.
 */
void gw_nd_anycast_announce(struct gw *gw, uint16_t ifx)
{
	nd_announce(gw, ifx, false);
}

/* The announcement as nd_announce builds it: an NA to all-nodes, not solicited, for a
 * link-local target (an NA after a MAC change looks alike: a one-off). */
bool gw_nd_is_anycast_announcement(const uint8_t *ip6, uint32_t len)
{
	const uint8_t *icmp = ip6 + NET_IP6_HLEN;
	struct in6_addr dst, target;
	if (len < NET_IP6_HLEN + 24 || ((const struct net_ip6 *)ip6)->nxt != NET_IPPROTO_ICMP6)
		return false;
	memcpy(&dst, ip6 + offsetof(struct net_ip6, dst), 16);
	if (!net_ip6_eq(&dst, &nd_all_nodes) || icmp[0] != NET_ICMP6_NA ||
	    (icmp[4] & ND_NA_SOLICITED))
		return false;
	memcpy(&target, icmp + 8, 16);
	return net_ip6_is_linklocal(&target);
}

/* ---------------------------------------------------------------- router advertisements */

static const struct gw_nd_prefix *nd_prefix_cfg(const struct gw_nd_cfg *nd,
                                                const struct in6_addr *pfx, uint8_t len)
{
	for (unsigned i = 0; i < nd->n_prefixes; i++)
		if (nd->prefixes[i].len == len && net_ip6_eq(&nd->prefixes[i].pfx, pfx))
			return &nd->prefixes[i];
	return NULL;
}

/* Adds pfx/len to the RA unless it is there already or configured not to be advertised. */
static void ra_add_prefix(struct nd_ra_info *ra, const struct gw_nd_cfg *nd,
                          const struct in6_addr *pfx, uint8_t len)
{
	for (unsigned i = 0; i < ra->n_prefixes; i++)
		if (ra->prefixes[i].len == len && net_ip6_eq(&ra->prefixes[i].pfx, pfx))
			return;
	const struct gw_nd_prefix *c = nd_prefix_cfg(nd, pfx, len);
	if ((c && c->no_advertise) || ra->n_prefixes == ND_PREFIXES_MAX)
		return;
	struct nd_prefix *p = &ra->prefixes[ra->n_prefixes++];
	p->pfx = *pfx;
	p->len = len;
	/* SLAAC needs a /64 (RFC 4862 5.5.3 with 64-bit interface identifiers) */
	p->flags = (uint8_t)((c && c->off_link ? 0 : ND_PI_ONLINK) |
	                     (len == 64 && !(c && c->no_autoconfig) ? ND_PI_AUTO : 0));
	p->valid_s = GW_ND_PREFIX_VALID_DEF;
	p->preferred_s = GW_ND_PREFIX_PREF_DEF;
}

/* What gif advertises: its on-link prefixes and the configured ones; lifetime 0 when it
 * stops advertising (final RA, RFC 4861 6.2.5). */
static void ra_info(const struct gw_if *gif, struct nd_ra_info *ra, bool final)
{
	const struct gw_nd_cfg *nd = &gif->v6.nd;
	memset(ra, 0, sizeof(*ra));
	ra->cur_hop_limit = 64;
	ra->flags = (uint8_t)((nd->managed ? ND_RA_MANAGED : 0) | (nd->other ? ND_RA_OTHER : 0));
	ra->lifetime_s =
	    final ? 0 : (uint16_t)(nd->ra_lifetime_set ? nd->ra_lifetime_s : GW_ND_RA_LIFETIME_DEF);
	ra->mtu = gif->mtu;
	ra->slla = gif->mac;
	for (unsigned k = 0; k < gif->v6.n_addrs; k++) {
		struct in6_addr net = net_ip6_prefix(&gif->v6.addr[k], gif->v6.plen[k]);
		ra_add_prefix(ra, nd, &net, gif->v6.plen[k]);
	}
	for (unsigned i = 0; i < nd->n_prefixes; i++)
		ra_add_prefix(ra, nd, &nd->prefixes[i].pfx, nd->prefixes[i].len);
}

static void ra_send(struct gw *gw, uint16_t ifx, const struct in6_addr *dst, const uint8_t *dst_mac,
                    bool final)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	struct gw_pkt *q = nd_pkt(gw, gif);
	if (!q)
		return;
	struct nd_ra_info ra;
	ra_info(gif, &ra, final);
	size_t len =
	    nd_build_ra(q->data, GW_PKT_DATA - NET_ETH_HLEN - NET_VLAN_HLEN, &gif->v6.ll, dst, &ra);
	gw->cnt.ra_sent++;
	nd_xmit(gw, q, len, ifx, dst_mac);
}

/* Does gif send RAs? By default BDIFs with a global address do; uplinks only when told. */
static bool ra_wanted(const struct gw_if *gif)
{
	switch (gif->v6.nd.ra) {
	case GW_ND_RA_SUPPRESS:
		return false;
	case GW_ND_RA_SEND:
		return gw_if6_enabled(gif);
	default:
		return gif->kind == GW_IF_BDIF && gw_if6_enabled(gif);
	}
}

static uint32_t ra_interval_ms(const struct gw_if *gif)
{
	uint32_t s = gif->v6.nd.ra_interval_s ? gif->v6.nd.ra_interval_s : GW_ND_RA_INTERVAL_DEF;
	return s * 1000;
}

/* The next periodic RA: uniformly in [3/4, 1] of the interval (RFC 4861 6.2.4 jitter), and
 * no later than 16 s apart while the initial ones last. */
static void ra_schedule(struct gw *gw, struct gw_if *gif)
{
	uint32_t iv = ra_interval_ms(gif);
	if (gif->v6.initial_ras) {
		gif->v6.initial_ras--;
		if (iv > ND_INITIAL_INTERVAL_MS)
			iv = ND_INITIAL_INTERVAL_MS;
	}
	uint32_t quarter = iv / 4;
	gif->v6.next_ra_ms =
	    gw->now_ms + iv - quarter + (quarter ? (uint32_t)random() % quarter : 0);
}

void gw_nd_if_changed(struct gw *gw, uint16_t ifx)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return;
	bool want = ra_wanted(gif) && gif->up;
	if (!want && gif->v6.next_ra_ms) {
		ra_send(gw, ifx, &nd_all_nodes, NULL, true);
		gif->v6.next_ra_ms = 0;
		gw_flush(gw); /* a configuration change, not a packet vector: sent now */
	} else if (want) {
		/* a change is announced soon: hosts learn new prefixes and flags at once */
		gif->v6.initial_ras = ND_INITIAL_RAS;
		gif->v6.next_ra_ms = gw->now_ms + ND_FIRST_RA_MS;
	}
}

/*
 * ifx's link-local address becomes new_ll (a MAC change, on anycast BDIFs the fabric's MAC
 * taking over, or one configured). The hosts route through the old one, learnt from our
 * RAs, until its router lifetime (30 min by default) runs out, and nothing answers for it
 * any more: so the old one says goodbye with a final RA (lifetime 0, from the old address
 * and MAC: RFC 4861 6.2.5) and the new one is advertised within ND_FIRST_RA_MS (on an
 * anycast BDIF, by its bridge domain's announcer: this gateway after it listened, alone).
 */
void gw_nd_ll_change(struct gw *gw, uint16_t ifx, const struct in6_addr *new_ll)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif || net_ip6_eq(&gif->v6.ll, new_ll))
		return;
	bool advertising = gif->v6.next_ra_ms != 0;
	if (advertising) {
		ra_send(gw, ifx, &nd_all_nodes, NULL, true);
		gw_flush(gw);
	}
	gif->v6.ll = *new_ll;
	if (advertising)
		gw_nd_if_changed(gw, ifx);
}

void gw_nd_tick(struct gw *gw)
{
	for (uint16_t ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		struct gw_if *gif = &gw->ifs[ifx];
		if (!gif->used || !gif->v6.next_ra_ms || gw->now_ms < gif->v6.next_ra_ms)
			continue;
		if (!gif->up || !ra_wanted(gif)) {
			gif->v6.next_ra_ms = 0;
			continue;
		}
		/* an anycast BDIF's RAs are its BD's announcer's (an RA teaches the VTEPs the
		 * shared MAC too; all gateways' RAs are the same): a quiet one keeps its RA due
		 * for when it becomes the announcer (neigh.c) */
		if (gw_anycast_quiet(gw, gif))
			continue;
		ra_send(gw, ifx, &nd_all_nodes, NULL, false);
		gif->v6.last_ra_ms = gw->now_ms;
		ra_schedule(gw, gif);
	}
}

/* ---------------------------------------------------------------- input */

/* Is ip on gif's link: link-local, or inside one of its prefixes? */
static bool nd_on_link(const struct gw_if *gif, const struct in6_addr *ip)
{
	return net_ip6_is_linklocal(ip) || gw_if6_subnet_addr(gif, ip) != NULL;
}

/* The Ethernet source of a frame whose data was moved to its IPv6 header. */
static const uint8_t *frame_src_mac(const struct gw_pkt *p)
{
	return p->data - NET_ETH_HLEN + NET_ETH_ALEN;
}

static void nd_ns_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct nd_msg *m)
{
	struct in6_addr src = ((const struct net_ip6 *)p->data)->src;
	struct gw_if *gif = &gw->ifs[ifx];
	if (!gw_if6_has_addr(gif, &m->target)) {
		gw_drop(gw, p, GW_DROP_ND_NOT_FOR_US);
		return;
	}
	if (gw_anycast_leaves_answer(gw, gif, p))
		return;
	if (net_ip6_is_zero(&src)) {
		/* someone's duplicate address detection for our address: defended with the NA to
		 * all-nodes that RFC 4861 7.2.4 asks for, in one frame to the prober's MAC (RFC
		 * 6085) rather than flooded to every VTEP of the segment for each probe */
		nd_advertise(gw, ifx, &m->target, &nd_all_nodes, frame_src_mac(p),
		             ND_NA_ROUTER | ND_NA_OVERRIDE);
		gw_pkt_free(gw->pool, p);
		return;
	}
	if (gw_if6_has_addr(gif, &src)) {
		gw_drop(gw, p, GW_DROP_ND_SPOOF);
		return;
	}
	if (m->has_slla && nd_on_link(gif, &src))
		arp6_learn(gw->nd, ifx, &src, m->slla, ARP6_LEARN_SOLICIT, NULL, gw->now_ms);
	uint8_t flags = ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE;
	nd_advertise(gw, ifx, &m->target, &src, m->has_slla ? m->slla : frame_src_mac(p), flags);
	gw_pkt_free(gw->pool, p);
}

static void nd_na_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct nd_msg *m)
{
	struct gw_if *gif = &gw->ifs[ifx];
	if (gw_if6_has_addr(gif, &m->target)) {
		gw_drop(gw, p, GW_DROP_ND_SPOOF);
		return;
	}
	struct arp6_na_flags f = {.solicited = (m->flags & ND_NA_SOLICITED) != 0,
	                          .override = (m->flags & ND_NA_OVERRIDE) != 0};
	const uint8_t *mac = m->has_tlla ? m->tlla : NULL;
	int r = arp6_learn(gw->nd, ifx, &m->target, mac, ARP6_LEARN_ADVERT, &f, gw->now_ms);
	/* an anycast gateway learns answers sent to the shared MAC that another gateway asked
	 * for (the VTEPs deliver them to wherever they learned that MAC), as with ARP */
	if (r == ARP_LEARN_IGNORED && gif->anycast && mac && f.solicited &&
	    nd_on_link(gif, &m->target))
		arp6_learn(gw->nd, ifx, &m->target, mac, ARP6_LEARN_SOLICIT, NULL, gw->now_ms);
	gw_pkt_free(gw->pool, p);
}

static void nd_rs_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct nd_msg *m)
{
	struct in6_addr src = ((const struct net_ip6 *)p->data)->src;
	struct gw_if *gif = &gw->ifs[ifx];
	if (!ra_wanted(gif)) {
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
	if (gw_if6_has_addr(gif, &src)) { /* never learned nor answered, as for an NS */
		gw_drop(gw, p, GW_DROP_ND_SPOOF);
		return;
	}
	bool known_src = !net_ip6_is_zero(&src) && m->has_slla;
	if (known_src && nd_on_link(gif, &src))
		arp6_learn(gw->nd, ifx, &src, m->slla, ARP6_LEARN_SOLICIT, NULL, gw->now_ms);
	if (gw_anycast_leaves_answer(gw, gif, p))
		return;
	if (known_src && gw_bucket_take(&gw->icmp_bucket, gw->now_ms)) {
		/* answered to the host that asked (RFC 4861 6.2.6 allows unicast) */
		ra_send(gw, ifx, &src, m->slla, false);
	} else if (gw->now_ms - gif->v6.last_ra_ms >= ND_RS_ANSWER_GAP_MS) {
		ra_send(gw, ifx, &nd_all_nodes, NULL, false);
		gif->v6.last_ra_ms = gw->now_ms;
	}
	gw_pkt_free(gw->pool, p);
}

void gw_nd_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *icmp, uint32_t len)
{
	struct nd_msg m;
	int rc = nd_parse((const struct net_ip6 *)p->data, icmp, len, &m);
	if (rc != ND_PARSE_OK) {
		/* a redirect (nd_parse knows the four others) is for hosts: ignored, not bad */
		gw_drop(gw, p, rc == ND_PARSE_TYPE ? GW_DROP_LOCAL_PROTO : GW_DROP_ND_MALFORMED);
		return;
	}
	switch (m.type) {
	case NET_ICMP6_NS:
		nd_ns_input(gw, p, ifx, &m);
		return;
	case NET_ICMP6_NA:
		nd_na_input(gw, p, ifx, &m);
		return;
	case NET_ICMP6_RS:
		nd_rs_input(gw, p, ifx, &m);
		return;
	default: /* other routers' RAs, redirects: a router with static routes ignores them */
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
}
