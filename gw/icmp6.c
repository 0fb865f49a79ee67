/*
 * gw/icmp6.c - what the gateway says in ICMPv6 (RFC 4443): echo replies for its addresses,
 * and the errors of a router (destination unreachable, packet too big, time exceeded,
 * parameter problem), rate-limited with ICMP's token bucket and sourced from an address
 * of the interface the offending packet came in on (SPEC §4b).
 */
#include "gw/gw_int.h"

#include <string.h>

#include "common/net.h"
#include "gw/ip6_inl.h"

#define ICMP6_LOCAL_HLIM 64

static const struct {
	uint8_t type, code;
} icmp6_kinds[] = {
    [GW_ICMP6_NO_ROUTE] = {NET_ICMP6_DST_UNREACH, 0},
    [GW_ICMP6_ADDR_UNREACH] = {NET_ICMP6_DST_UNREACH, 3},
    [GW_ICMP6_PKT_TOO_BIG] = {NET_ICMP6_PKT_TOO_BIG, 0},
    [GW_ICMP6_HLIM_EXCEEDED] = {NET_ICMP6_TIME_EXCEEDED, 0},
    [GW_ICMP6_PORT_UNREACH] = {NET_ICMP6_DST_UNREACH, 4},
    [GW_ICMP6_BEYOND_SCOPE] = {NET_ICMP6_DST_UNREACH, 2},
    [GW_ICMP6_PARAM_PROBLEM] = {NET_ICMP6_PARAM_PROB, 1},
    [GW_ICMP6_PARAM_HEADER] = {NET_ICMP6_PARAM_PROB, 0},
};

/*
 * RFC 4443 2.4 (e): no error about an ICMPv6 error, about a packet to a multicast group
 * (packet too big aside) or from a source that names no single node.
 */
static bool icmp6_error_allowed(const struct gw_pkt *p, enum gw_icmp6_kind kind)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	struct in6_addr src = ip->src, dst = ip->dst;
	if (gw_ip6_src_is_martian(&src))
		return false;
	if (net_ip6_is_mcast(&dst) && kind != GW_ICMP6_PKT_TOO_BIG)
		return false;
	uint8_t proto;
	uint32_t off;
	if (!gw_ip6_upper(p->data, p->len, &proto, &off))
		return true;
	if (proto == GW_IP6_FRAGMENT) {
		/* a later fragment hides what it carries (an error, maybe): none, as for IPv4;
		 * the first one shows it after its fragment header */
		if (off + 8 > p->len || (p->data[off + 2] << 8 | (p->data[off + 3] & 0xf8)))
			return false;
		proto = p->data[off];
		off += 8;
	}
	/* an ICMPv6 message too short to show its type may be an error */
	return proto != NET_IPPROTO_ICMP6 || (off < p->len && p->data[off] >= 128);
}

/* Writes the IPv6 header of a message the gateway sends, payload plen bytes after it. */
static void ip6_header_init(struct net_ip6 *ip, const struct in6_addr *src,
                            const struct in6_addr *dst, uint16_t plen, uint8_t nxt, uint8_t hlim)
{
	ip->vtcfl = htonl(6u << 28);
	ip->plen = htons(plen);
	ip->nxt = nxt;
	ip->hlim = hlim;
	ip->src = *src;
	ip->dst = *dst;
}

/* The ICMPv6 checksum of the message after ip (its payload length bytes). */
static uint16_t icmp6_csum(const struct net_ip6 *ip)
{
	uint32_t len = ntohs(ip->plen);
	struct in6_addr src = ip->src, dst = ip->dst;
	uint32_t sum = net_ip6_pseudo_sum(&src, &dst, len, NET_IPPROTO_ICMP6);
	return net_csum_fold(net_csum_partial((const uint8_t *)(ip + 1), len, sum));
}

/*
 * The source of an error to `to`: an address of the interface the packet came in on, its
 * global one (on to's subnet when there is one) else its link-local (SPEC 4b), also for a
 * sender that used its link-local address: traceroute and tracepath name the hop by it.
 */
static const struct in6_addr *icmp6_error_source(const struct gw_if *gif, const struct in6_addr *to)
{
	if (!gif->v6.n_addrs || !net_ip6_is_linklocal(to))
		return gw_if6_src_for(gif, to);
	return &gif->v6.addr[0];
}

void gw_icmp6_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp6_kind kind, uint32_t mtu)
{
	/* the gateway's own ping: the error goes straight to it */
	if (!p->rx_ifx && gw_ping6_local_error(gw, p, kind))
		return;
	struct in6_addr to = ((const struct net_ip6 *)p->data)->src;
	struct gw_if *gif = gw_if_ptr(gw, p->rx_ifx);
	if (!gif || !icmp6_error_allowed(p, kind) ||
	    !gw_bucket_take(&gw->icmp_bucket, gw->now_ms)) {
		gw->cnt.drops[GW_DROP_ICMP_ERR_SUPPRESSED]++;
		return;
	}
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return;
	}
	/* RFC 4443 2.4 (c): as much of the packet as fits the minimum MTU */
	uint32_t quote = p->len;
	if (quote > NET_IP6_MTU_MIN - NET_IP6_HLEN - sizeof(struct net_icmp6))
		quote = NET_IP6_MTU_MIN - NET_IP6_HLEN - sizeof(struct net_icmp6);
	uint32_t plen = sizeof(struct net_icmp6) + quote;
	q->len = NET_IP6_HLEN + plen;
	struct net_ip6 *ip = (struct net_ip6 *)q->data;
	struct net_icmp6 *icmp = (struct net_icmp6 *)(ip + 1);
	icmp->type = icmp6_kinds[kind].type;
	icmp->code = icmp6_kinds[kind].code;
	icmp->sum = 0;
	icmp->data = htonl(kind == GW_ICMP6_PKT_TOO_BIG || kind == GW_ICMP6_PARAM_PROBLEM ||
	                           kind == GW_ICMP6_PARAM_HEADER
	                       ? mtu
	                       : 0);
	memcpy(icmp + 1, p->data, quote);
	ip6_header_init(ip, icmp6_error_source(gif, &to), &to, (uint16_t)plen, NET_IPPROTO_ICMP6,
	                ICMP6_LOCAL_HLIM);
	icmp->sum = icmp6_csum(ip);
	q->flow_hash = p->flow_hash;
	q->vrfx = p->vrfx;
	q->tx_ifx = p->rx_ifx; /* a link-local source is answered on its link */
	q->trace = p->trace;
	gw->cnt.icmp6_errors++;
	gw_ip6_local_output(gw, q);
}

/* Echo request to one of our unicast addresses: answered in place. Swapping source and
 * destination leaves the pseudo-header sum as it was: only the type word changes. */
static void icmp6_echo_reply(struct gw *gw, struct gw_pkt *p, uint32_t off)
{
	struct net_ip6 *ip = (struct net_ip6 *)p->data;
	if (off != NET_IP6_HLEN) { /* extension headers dropped from the reply */
		memmove(p->data + off - NET_IP6_HLEN, p->data, NET_IP6_HLEN);
		p->data += off - NET_IP6_HLEN;
		p->len -= off - NET_IP6_HLEN;
		ip = (struct net_ip6 *)p->data;
		ip->plen = htons((uint16_t)(p->len - NET_IP6_HLEN));
		ip->nxt = NET_IPPROTO_ICMP6;
	}
	struct net_icmp6 *icmp = (struct net_icmp6 *)(ip + 1);
	uint16_t old, new_;
	memcpy(&old, icmp, 2);
	icmp->type = NET_ICMP6_ECHO_REPLY;
	memcpy(&new_, icmp, 2);
	icmp->sum = net_csum_update16(icmp->sum, old, new_);
	struct in6_addr src = ip->dst, dst = ip->src;
	uint32_t tc = ntohl(ip->vtcfl) & 0x0ff00000u; /* the request's traffic class */
	ip6_header_init(ip, &src, &dst, ntohs(ip->plen), NET_IPPROTO_ICMP6, ICMP6_LOCAL_HLIM);
	ip->vtcfl |= htonl(tc);
	p->tx_ifx = p->rx_ifx;
	p->rx_ifx = 0;
	gw_ip6_local_output(gw, p);
}

void gw_ip6_local_input(struct gw *gw, struct gw_pkt *p)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	struct in6_addr src = ip->src, dst = ip->dst;
	uint8_t proto;
	uint32_t off;
	if (!gw_ip6_upper(p->data, p->len, &proto, &off)) {
		gw_drop(gw, p, GW_DROP_IP6_EXT);
		return;
	}
	if (proto == GW_IP6_FRAGMENT) {
		gw_drop(gw, p, GW_DROP_IP_FRAG_LOCAL);
		return;
	}
	if (proto == GW_IP6_ROUTING) {
		/* segments left, and no routing type the gateway processes: RFC 8200 4.4 (RFC
		 * 5095 for type 0) says discard, pointing at the routing type */
		gw_icmp6_error(gw, p, GW_ICMP6_PARAM_HEADER, off + 2);
		gw_drop(gw, p, GW_DROP_IP6_EXT);
		return;
	}
	if (proto == NET_IPPROTO_UDP && !net_ip6_is_mcast(&dst)) {
		/* traceroute's last hop: tell the sender nothing listens there */
		gw_icmp6_error(gw, p, GW_ICMP6_PORT_UNREACH, 0);
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
	if (proto != NET_IPPROTO_ICMP6) {
		gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
		return;
	}
	uint32_t len = p->len - off;
	uint32_t sum = net_ip6_pseudo_sum(&src, &dst, len, NET_IPPROTO_ICMP6);
	if (len < sizeof(struct net_icmp6) ||
	    net_csum_fold(net_csum_partial(p->data + off, len, sum)) != 0) {
		gw_drop(gw, p, GW_DROP_ICMP6_BAD);
		return;
	}
	uint8_t type = p->data[off];
	if (type >= NET_ICMP6_RS && type <= NET_ICMP6_REDIRECT) {
		gw_nd_input(gw, p, p->rx_ifx, p->data + off, len);
		return;
	}
	if (net_ip6_is_zero(&src)) { /* only ND speaks from it (DAD): nothing to answer */
		gw_drop(gw, p, GW_DROP_IP6_MARTIAN_SRC);
		return;
	}
	if (type == NET_ICMP6_ECHO_REQUEST && !net_ip6_is_mcast(&dst)) {
		icmp6_echo_reply(gw, p, off);
		return;
	}
	/* echo replies and errors for the gateway's own ping */
	if (gw_ping6_input(gw, p, off)) {
		gw_pkt_free(gw->pool, p);
		return;
	}
	gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
}
