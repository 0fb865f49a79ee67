/*
 * gw/ip4_inl.h - the IPv4 checks and rewrites every forwarding path shares: the main
 * pipeline (gw/pipeline.c) and the workers' fast path (gw/workers/fast.c) must agree on them bit
 * for bit, so they live here once, inline.
 */
#ifndef GW_IP4_INL_H
#define GW_IP4_INL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/net.h"
#include "gw/drop.h"
#include "gw/pkt.h"

/* Flow hash over addresses, protocol and (unfragmented) ports: ECMP and VXLAN sport. */
static inline uint32_t gw_ip4_flow_hash(const struct net_ip *ip, uint32_t len)
{
	uint32_t h = ip->src ^ net_hash32(ip->dst ^ ip->proto);
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (!(ip->off & htons(NET_IP_MF | NET_IP_OFFMASK)) && len >= hl + 4 &&
	    (ip->proto == 6 || ip->proto == 17)) {
		uint32_t ports;
		memcpy(&ports, (const uint8_t *)ip + hl, 4);
		h ^= net_hash32(ports);
	}
	return net_hash32(h);
}

/* 0/8 (with 0.0.0.0), 127/8, and 224/4 multicast with 240/4 reserved: by first byte. */
static inline bool gw_ip4_src_is_martian(uint32_t src)
{
	uint32_t a = src >> 24;
	return a == 0 || a == 127 || a >= 224;
}

/*
 * True when the IPv4 header's checksum verifies. The header is a whole number of 32-bit
 * words (IHL), and one's-complement sums may be taken over any word size (RFC 1071): five
 * 32-bit adds for the usual 20 bytes instead of a loop over 16-bit words.
 */
static inline bool gw_ip4_csum_ok(const struct net_ip *ip, unsigned hl)
{
	const uint8_t *h = (const uint8_t *)ip;
	uint64_t sum = 0;
	for (unsigned i = 0; i < NET_IP_HLEN; i += 4) {
		uint32_t w;
		memcpy(&w, h + i, 4);
		sum += w;
	}
	for (unsigned i = NET_IP_HLEN; i < hl; i += 4) {
		uint32_t w;
		memcpy(&w, h + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	return net_csum_fold((uint32_t)sum) == 0;
}

/* RFC 1812 5.2.2 checks; trims link padding. Returns 0 or the drop reason. */
static inline enum gw_drop gw_ip4_validate(struct gw_pkt *p)
{
	if (p->len < NET_IP_HLEN)
		return GW_DROP_IP_SHORT;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	if ((ip->vhl >> 4) != 4)
		return GW_DROP_IP_VERSION;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (hl < NET_IP_HLEN || hl > p->len)
		return GW_DROP_IP_IHL;
	if (!gw_ip4_csum_ok(ip, hl))
		return GW_DROP_IP_CSUM;
	unsigned tot = ntohs(ip->len);
	if (tot < hl || tot > p->len)
		return GW_DROP_IP_LEN;
	/* A fragment reaching past 65535 bytes belongs to no valid datagram (ping of death),
	 * and refragmenting it would overflow the 13-bit offset into the flags (frag.c):
	 * found by tests/fuzz/fuzz_pipeline. */
	if ((ntohs(ip->off) & NET_IP_OFFMASK) * 8u + (tot - hl) > 65535u)
		return GW_DROP_IP_LEN;
	p->len = tot;
	uint32_t src = ntohl(ip->src), dst = ntohl(ip->dst);
	if (gw_ip4_src_is_martian(src))
		return GW_DROP_IP_MARTIAN_SRC;
	if (net_ip_is_mcast(dst) || dst == 0xffffffffu || dst == 0)
		return GW_DROP_IP_BCAST;
	p->flow_hash = gw_ip4_flow_hash(ip, p->len);
	return 0;
}

/*
 * A validated packet that came in over a BDIF of MTU in_mtu is a sender's super-packet
 * (TSO), or a piece of one, when its driver cut it (GW_PKT_GSO) or when it is longer than
 * that link lets a host send (a super-packet that fits a buffer arrives uncut): its NIC was
 * to cut it, so the gateway cuts it to the path (gw_ip4_segment), TCP only.
 */
static inline bool gw_ip4_is_super(const struct gw_pkt *p, uint32_t in_mtu)
{
	return (p->flags & GW_PKT_GSO) ||
	       (p->len > in_mtu && ((const struct net_ip *)p->data)->proto == 6);
}

/* A packet in transit whose TTL would reach 0 here expires (RFC 1812 5.3.1). */
static inline enum gw_drop gw_ip4_ttl_drop(const struct net_ip *ip)
{
	return ip->ttl <= 1 ? GW_DROP_TTL_EXPIRED : 0;
}

/*
 * TTL decrement with the RFC 1624 incremental checksum update. The (TTL, protocol) word is
 * computed in a register and stored whole: a byte store followed by a word load of the
 * same bytes defeats store forwarding and stalls the core for a dozen cycles.
 */
static inline void gw_ip4_ttl_dec(struct net_ip *ip)
{
	uint16_t old, new_;
	memcpy(&old, &ip->ttl, 2);
	new_ = htons((uint16_t)(ntohs(old) - 0x100));
	memcpy(&ip->ttl, &new_, 2);
	ip->sum = net_csum_update16(ip->sum, old, new_);
}

/* dst is the broadcast address of one of an interface's n subnets (addr[k]/plen[k]). */
static inline bool gw_ip4_is_subnet_bcast(const uint32_t *addr, const uint8_t *plen, unsigned n,
                                          uint32_t dst)
{
	for (unsigned k = 0; k < n; k++) {
		uint32_t m = net_mask(plen[k]);
		/* all host bits set is the rare part: tested first, it settles almost every packet
		 */
		if ((dst | m) == ~0u && plen[k] <= 30 && ((addr[k] ^ dst) & m) == 0)
			return true;
	}
	return false;
}

/*
 * The egress checks toward next hop nh out of an interface (up; its n subnets addr/plen):
 * the interface forwards, and nh is no subnet's broadcast address.
 */
static inline enum gw_drop gw_ip4_egress_drop(bool up, const uint32_t *addr, const uint8_t *plen,
                                              unsigned n, uint32_t nh)
{
	if (!up)
		return GW_DROP_IF_DOWN;
	if (gw_ip4_is_subnet_bcast(addr, plen, n, nh))
		return GW_DROP_IP_BCAST;
	return 0;
}

/*
 * The size a packet of len bytes is cut to on its way out of an interface of MTU mtu when
 * it is a super-packet (super_mtu: the MTU of the link it came in on, gw_ip4_is_super; 0:
 * not one): the smaller of the two MTUs, when it is longer than that. 0: not cut, so a
 * packet longer than mtu is fragmented or refused (DF).
 */
static inline uint32_t gw_ip4_seg_mtu(uint32_t len, uint32_t super_mtu, uint32_t mtu)
{
	if (!super_mtu)
		return 0;
	uint32_t m = super_mtu < mtu ? super_mtu : mtu;
	return len > m ? m : 0;
}

#endif
