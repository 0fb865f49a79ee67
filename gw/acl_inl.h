/*
 * gw/acl_inl.h - what an access list sees of a packet: the key the pipeline (acl.c) and
 * the workers' fast path (workers/fast.c) both build, by these functions alone, so that
 * a list decides alike on either path.
 *
 * The packet's IP header has passed gw_ip4_validate / gw_ip6_validate. Ports (TCP, UDP,
 * SCTP) and ICMP type and code are read only when their header is whole in the packet
 * and the packet is not a non-initial fragment; otherwise the key has ACL_L4_NONE, which
 * no entry with ports, `established` or an ICMP type matches (it fails closed: such an
 * entry that permits does not let a truncated or fragmented packet through).
 */
#ifndef GW_ACL_INL_H
#define GW_ACL_INL_H

#include <arpa/inet.h>
#include <string.h>

#include "acl/acl.h"
#include "common/net.h"
#include "gw/ip6_inl.h"

#define GW_ACL_TCP_ACK 0x10
#define GW_ACL_TCP_RST 0x04

/* Ports, or ICMP type and code (proto icmp: 1 or 58), of the upper layer at l4 (len bytes). */
static inline void gw_acl_key_l4(struct acl_key *k, const uint8_t *l4, uint32_t len, uint8_t icmp)
{
	k->sport = k->dport = ACL_L4_NONE;
	switch (k->proto) {
	case NET_IPPROTO_TCP:
		if (len < 14) /* through the flags byte */
			return;
		if (l4[13] & (GW_ACL_TCP_ACK | GW_ACL_TCP_RST))
			k->flags |= ACL_KEY_EST;
		/* fall through */
	case NET_IPPROTO_UDP:
	case 132: /* SCTP */
		if (len < 4)
			return;
		k->sport = (uint32_t)l4[0] << 8 | l4[1];
		k->dport = (uint32_t)l4[2] << 8 | l4[3];
		return;
	default:
		if (k->proto != icmp || len < 2)
			return;
		k->sport = l4[0];
		k->dport = l4[1];
	}
}

static inline void gw_acl_key4(struct acl_key *k, const uint8_t *data, uint32_t len)
{
	const struct net_ip *ip = (const struct net_ip *)data;
	uint32_t hl = (ip->vhl & 0xfu) * 4u;
	k->src_hi = k->dst_hi = 0;
	k->src_lo = ntohl(ip->src);
	k->dst_lo = ntohl(ip->dst);
	k->proto = ip->proto;
	k->flags = 0;
	if (ntohs(ip->off) & NET_IP_OFFMASK) {
		k->flags = ACL_KEY_FRAG;
		k->sport = k->dport = ACL_L4_NONE;
		return;
	}
	uint32_t tot = ntohs(ip->len) < len ? ntohs(ip->len) : len;
	gw_acl_key_l4(k, data + hl, tot > hl ? tot - hl : 0, NET_IPPROTO_ICMP);
}

static inline uint64_t gw_acl_be64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
	return be64toh(v);
}

/*
 * IPv6: the upper layer past the extension headers (gw_ip6_upper). A fragment header's
 * offset tells a non-initial fragment; the first fragment's ports are read after it. A
 * chain that cannot be walked leaves the first header's protocol, without ports.
 */
static inline void gw_acl_key6(struct acl_key *k, const uint8_t *data, uint32_t len)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)data;
	k->src_hi = gw_acl_be64(data + 8);
	k->src_lo = gw_acl_be64(data + 16);
	k->dst_hi = gw_acl_be64(data + 24);
	k->dst_lo = gw_acl_be64(data + 32);
	k->flags = 0;
	k->sport = k->dport = ACL_L4_NONE;
	uint8_t proto;
	uint32_t off;
	if (!gw_ip6_upper(data, len, &proto, &off)) {
		k->proto = ip->nxt;
		return;
	}
	if (proto == GW_IP6_FRAGMENT) {
		if (len < off + 8) {
			k->proto = proto;
			return;
		}
		proto = data[off];
		if (((uint32_t)data[off + 2] << 8 | data[off + 3]) & 0xfff8u) {
			k->proto = proto;
			k->flags = ACL_KEY_FRAG;
			return;
		}
		off += 8;
	}
	k->proto = proto;
	gw_acl_key_l4(k, data + off, len > off ? len - off : 0, NET_IPPROTO_ICMP6);
}

static inline void gw_acl_key(struct acl_key *k, const uint8_t *ip, uint32_t len, bool ip6)
{
	if (ip6)
		gw_acl_key6(k, ip, len);
	else
		gw_acl_key4(k, ip, len);
}

#endif
