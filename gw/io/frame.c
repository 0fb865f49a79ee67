/*
 * gw/io/frame.c - an underlay frame taken as the kernel's UDP socket would have delivered it
 * (see gw/io/frame.h).
 */
#include "gw/io/frame.h"

#include <string.h>

#include "common/net.h"
#include "gw/gso.h"
#include "vxlan/vxlan.h"

/* Where the IP header found puts the UDP datagram: its header, the IP payload's bytes. */
struct frame_l3 {
	uint32_t hl;   /* IP header length (IPv6: the fixed header; no extension header) */
	uint32_t room; /* IP payload bytes: the UDP datagram may not be longer */
};

#define L3_OFF NET_ETH_HLEN

/* The fixed IP header (size bytes) after the Ethernet header, copied to h (f need not be
 * aligned for it); false when the frame is shorter. */
static bool ip_hdr_copy(const uint8_t *f, uint32_t len, void *h, uint32_t size)
{
	if (len - L3_OFF < size)
		return false;
	memcpy(h, f + L3_OFF, size);
	return true;
}

/*
 * The IPv4 header after the Ethernet header: whole, version 4, a good header checksum, a
 * total length within the frame (padding after it ignored), as the kernel's ip_rcv checks.
 * Fragments are the kernel's to reassemble: not ours.
 */
static enum gw_frame_verdict ip4_parse(const uint8_t *f, uint32_t len, struct gw_frame_udp *out,
                                       struct frame_l3 *l)
{
	struct net_ip ip;
	if (!ip_hdr_copy(f, len, &ip, sizeof(ip)))
		return GW_FRAME_MALFORMED;
	uint32_t avail = len - L3_OFF, hl = (ip.vhl & 0xfu) * 4u, tot = ntohs(ip.len);
	if (ip.vhl >> 4 != 4 || hl < NET_IP_HLEN || hl > avail || net_csum(f + L3_OFF, hl) != 0 ||
	    tot < hl || tot > avail)
		return GW_FRAME_MALFORMED;
	if (ntohs(ip.off) & (NET_IP_MF | NET_IP_OFFMASK) || ip.proto != NET_IPPROTO_UDP)
		return GW_FRAME_NOT_UDP;
	out->family = 4;
	out->src4 = ntohl(ip.src);
	out->dst4 = ntohl(ip.dst);
	out->tos = ip.tos;
	*l = (struct frame_l3){.hl = hl, .room = tot - hl};
	return GW_FRAME_UDP;
}

/* The IPv6 header after the Ethernet header: whole, version 6, its payload within the
 * frame. */
static enum gw_frame_verdict ip6_parse(const uint8_t *f, uint32_t len, struct gw_frame_udp *out,
                                       struct frame_l3 *l)
{
	struct net_ip6 ip;
	if (!ip_hdr_copy(f, len, &ip, sizeof(ip)) || ntohl(ip.vtcfl) >> 28 != 6 ||
	    ntohs(ip.plen) > len - L3_OFF - NET_IP6_HLEN)
		return GW_FRAME_MALFORMED;
	*l = (struct frame_l3){.hl = NET_IP6_HLEN, .room = ntohs(ip.plen)};
	out->family = 6;
	out->src6 = ip.src;
	out->dst6 = ip.dst;
	out->tos = (uint8_t)(ntohl(ip.vtcfl) >> 20);
	/* UDP right after the fixed header: what has an extension header (a fragment's too) is
	 * not ours */
	return ip.nxt == NET_IPPROTO_UDP ? GW_FRAME_UDP : GW_FRAME_NOT_UDP;
}

/* The UDP header within the IP payload; a UDP length short of it trims the datagram, as the
 * kernel's UDP receive does. */
static enum gw_frame_verdict udp_parse(const uint8_t *f, const struct frame_l3 *l,
                                       struct gw_frame_udp *out)
{
	struct net_udp u;
	if (l->room < NET_UDP_HLEN)
		return GW_FRAME_MALFORMED;
	memcpy(&u, f + L3_OFF + l->hl, sizeof(u));
	uint32_t ulen = ntohs(u.len);
	if (ulen < NET_UDP_HLEN || ulen > l->room)
		return GW_FRAME_MALFORMED;
	out->sport = ntohs(u.sport);
	out->dport = ntohs(u.dport);
	out->off = L3_OFF + l->hl + NET_UDP_HLEN;
	out->len = ulen - NET_UDP_HLEN;
	return GW_FRAME_UDP;
}

/* The headers up to the UDP payload, by the EtherType. */
static enum gw_frame_verdict headers_parse(const uint8_t *f, uint32_t len, struct gw_frame_udp *out,
                                           struct frame_l3 *l)
{
	struct net_eth eth;
	if (len < NET_ETH_HLEN)
		return GW_FRAME_MALFORMED;
	memcpy(&eth, f, sizeof(eth));
	enum gw_frame_verdict v;
	if (eth.type == htons(NET_ETHERTYPE_IP))
		v = ip4_parse(f, len, out, l);
	else if (eth.type == htons(NET_ETHERTYPE_IP6))
		v = ip6_parse(f, len, out, l);
	else
		return GW_FRAME_NOT_UDP; /* a VLAN tag too: the underlay is untagged */
	return v == GW_FRAME_UDP ? udp_parse(f, l, out) : v;
}

/*
 * The inner TCP/UDP checksum of a VXLAN payload the sender left to its NIC, completed: an
 * inner IPv4 or IPv6 packet whose EtherType announces its version.
 */
static void inner_complete(uint8_t *f, struct gw_frame_udp *out)
{
	const uint32_t l3 = VX_HDR_LEN + NET_ETH_HLEN;
	if (out->len <= l3)
		return;
	uint8_t *pay = f + out->off, *ip = pay + l3;
	uint16_t type = (uint16_t)(pay[VX_HDR_LEN + 12] << 8 | pay[VX_HDR_LEN + 13]);
	unsigned ver = type == NET_ETHERTYPE_IP ? 4 : type == NET_ETHERTYPE_IP6 ? 6 : 0;
	if (ver && ip[0] >> 4 == ver && gw_gso_csum_complete(ip, out->len - l3))
		out->csum_done++;
}

/* The outer UDP checksum: none (IPv4; IPv6 only where allowed), good, left for a NIC
 * (completed, as the kernel's socket path accepts it), or wrong. */
static enum gw_frame_verdict outer_csum(uint8_t *f, const struct frame_l3 *l, bool zero_csum6_ok,
                                        struct gw_frame_udp *out)
{
	struct net_udp u;
	memcpy(&u, f + out->off - NET_UDP_HLEN, sizeof(u));
	if (!u.sum)
		return out->family == 4 || zero_csum6_ok ? GW_FRAME_UDP : GW_FRAME_ZERO_CSUM6;
	switch (gw_gso_csum_verify(f + L3_OFF, out->family, l->hl, NET_IPPROTO_UDP,
	                           out->len + NET_UDP_HLEN)) {
	case GW_GSO_CSUM_OK:
		return GW_FRAME_UDP;
	case GW_GSO_CSUM_COMPLETED:
		out->csum_done++;
		return GW_FRAME_UDP;
	default:
		return GW_FRAME_BAD_CSUM;
	}
}

enum gw_frame_verdict gw_frame_udp_parse(uint8_t *frame, uint32_t len, bool zero_csum6_ok,
                                         struct gw_frame_udp *out)
{
	struct frame_l3 l;
	out->csum_done = 0;
	enum gw_frame_verdict v = headers_parse(frame, len, out, &l);
	if (v != GW_FRAME_UDP)
		return v;
	/* The inner checksum first: a Linux VTEP's outer IPv6 checksum (local checksum offload)
	 * counts it as complete already. */
	inner_complete(frame, out);
	return outer_csum(frame, &l, zero_csum6_ok, out);
}
