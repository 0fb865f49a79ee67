/*
 * gw/ip6_inl.h - the IPv6 checks every forwarding path shares (RFC 8200, RFC 4291 scopes),
 * written once, inline, as gw/ip4_inl.h is for IPv4. Each returns 0 (pass) or the drop
 * reason.
 */
#ifndef GW_IP6_INL_H
#define GW_IP6_INL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/net.h"
#include "gw/drop.h"
#include "gw/pkt.h"

#define GW_IP6_EXT_MAX 8 /* extension headers walked before giving up */

#define GW_IP6_HOPOPTS  0
#define GW_IP6_ROUTING  43
#define GW_IP6_FRAGMENT 44
#define GW_IP6_DSTOPTS  60
#define GW_IP6_NONXT    59

/*
 * The upper-layer header of the IPv6 packet at ip (len bytes): its protocol in *proto and
 * its offset in *off, past at most GW_IP6_EXT_MAX extension headers (hop-by-hop, routing,
 * destination options; a fragment header ends the walk with proto GW_IP6_FRAGMENT, which
 * tells a caller the ports are not there, and a routing header with segments left with
 * proto GW_IP6_ROUTING: the packet is not at its last hop). False when a header runs past
 * the packet or there are too many.
 */
static inline bool gw_ip6_upper(const uint8_t *ip, uint32_t len, uint8_t *proto, uint32_t *off)
{
	uint8_t nxt = ((const struct net_ip6 *)ip)->nxt;
	uint32_t o = NET_IP6_HLEN;
	for (unsigned i = 0; i < GW_IP6_EXT_MAX; i++) {
		if (nxt != GW_IP6_HOPOPTS && nxt != GW_IP6_ROUTING && nxt != GW_IP6_DSTOPTS) {
			*proto = nxt;
			*off = o;
			return true;
		}
		if (len < o + 8)
			return false;
		if (nxt == GW_IP6_ROUTING && ip[o + 3]) {
			*proto = nxt;
			*off = o;
			return true;
		}
		uint32_t hl = 8u + 8u * ip[o + 1];
		nxt = ip[o];
		o += hl;
		if (o > len)
			return false;
	}
	return false;
}

/* Flow hash over addresses, flow label, protocol and ports (when directly after the fixed
 * header): ECMP and the VXLAN source port. */
static inline uint32_t gw_ip6_flow_hash(const struct net_ip6 *ip, uint32_t len)
{
	uint64_t a[4];
	memcpy(a, &ip->src, 32);
	uint32_t h = (uint32_t)net_hash64(a[0] ^ a[1] ^ net_hash64(a[2] ^ a[3]));
	h ^= ntohl(ip->vtcfl) & 0xfffff;
	h ^= (uint32_t)ip->nxt << 20;
	if ((ip->nxt == NET_IPPROTO_TCP || ip->nxt == NET_IPPROTO_UDP) && len >= NET_IP6_HLEN + 4) {
		uint32_t ports;
		memcpy(&ports, (const uint8_t *)ip + NET_IP6_HLEN, 4);
		h ^= net_hash32(ports);
	}
	return net_hash32(h);
}

/* Unspecified, loopback and multicast sources are never valid on a link (RFC 4291 2.5). */
static inline bool gw_ip6_src_is_martian(const struct in6_addr *src)
{
	return net_ip6_is_mcast(src) || net_ip6_is_loopback(src) || net_ip6_is_zero(src);
}

/*
 * RFC 8200 header checks on receive; trims link padding to the payload length and sets the
 * flow hash. Sources: the unspecified address passes (DAD's NS, answered as local only).
 */
static inline enum gw_drop gw_ip6_validate(struct gw_pkt *p)
{
	if (p->len < NET_IP6_HLEN)
		return GW_DROP_IP6_SHORT;
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	if ((ntohl(ip->vtcfl) >> 28) != 6)
		return GW_DROP_IP6_VERSION;
	uint32_t tot = NET_IP6_HLEN + ntohs(ip->plen);
	/* a jumbogram (payload length 0, RFC 2675) cannot fit a link of ours: refused too */
	if (tot > p->len || (ip->plen == 0 && ip->nxt == GW_IP6_HOPOPTS))
		return GW_DROP_IP6_LEN;
	p->len = tot;
	struct in6_addr src = ip->src; /* copied: the header is packed, at any alignment */
	if (net_ip6_is_mcast(&src) || net_ip6_is_loopback(&src))
		return GW_DROP_IP6_MARTIAN_SRC;
	p->flow_hash = gw_ip6_flow_hash(ip, p->len);
	return 0;
}

/*
 * A packet that is not for the gateway may be forwarded only between global scopes: never
 * to a multicast, loopback or link-local destination, never from a link-local or
 * unspecified source (RFC 4291 2.5.6: "routers must not forward any packets with
 * Link-Local source or destination addresses to other links").
 */
static inline enum gw_drop gw_ip6_transit_drop(const struct net_ip6 *ip)
{
	struct in6_addr src = ip->src, dst = ip->dst;
	if (net_ip6_is_mcast(&dst) || net_ip6_is_loopback(&dst) || net_ip6_is_linklocal(&dst) ||
	    net_ip6_is_linklocal(&src) || net_ip6_is_zero(&src) || net_ip6_is_zero(&dst))
		return GW_DROP_IP6_SCOPE;
	return 0;
}

/* A packet in transit whose hop limit would reach 0 here expires (RFC 8200 3). */
static inline enum gw_drop gw_ip6_hlim_drop(const struct net_ip6 *ip)
{
	return ip->hlim <= 1 ? GW_DROP_HLIM_EXPIRED : 0;
}

/* The egress of a routed packet must be up and route IPv6 (has an IPv6 address). */
static inline enum gw_drop gw_ip6_egress_drop(bool up, bool ip6)
{
	return up && ip6 ? 0 : GW_DROP_IF_DOWN;
}

/* Routers never fragment IPv6: a packet longer than the egress MTU is refused (packet too
 * big, RFC 8200 5), unless it is a super-packet that is cut (gw_ip6_is_super). */
static inline enum gw_drop gw_ip6_mtu_drop(uint32_t len, uint32_t mtu)
{
	return len > mtu ? GW_DROP_IP6_TOO_BIG : 0;
}

/* No checksum in the IPv6 header: the decrement is one byte store. */
static inline void gw_ip6_hlim_dec(struct net_ip6 *ip)
{
	ip->hlim--;
}

/* As gw_ip4_is_super: a sender's TCP super-packet (or a driver's piece of one). */
static inline bool gw_ip6_is_super(const struct gw_pkt *p, uint32_t in_mtu)
{
	return (p->flags & GW_PKT_GSO) ||
	       (p->len > in_mtu && ((const struct net_ip6 *)p->data)->nxt == NET_IPPROTO_TCP);
}

#endif
