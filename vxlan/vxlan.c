/*
 * vxlan/vxlan.c - VXLAN header (RFC 7348 section 5) and the prebuilt outer header.
 *
 * VXLAN header layout:
 *   byte 0     flags (0x08 = I, VNI valid; the other bits are reserved)
 *   bytes 1-3  reserved
 *   bytes 4-6  VNI, network order
 *   byte 7     reserved
 */
#include "vxlan/vxlan.h"

#include "common/net.h"

#include <string.h>

#define VX_VXH_OFF  (VX_UDP_OFF + NET_UDP_HLEN)
#define VX_VXH6_OFF (VX_UDP6_OFF + NET_UDP_HLEN)

int vx_hdr_parse_slow(const uint8_t *p, size_t len, bool strict, uint32_t *vni)
{
	if (len < VX_HDR_LEN)
		return VX_PARSE_SHORT;
	/* Without I the VNI field carries no meaning, so even a lenient receiver drops. */
	if (!(p[0] & VX_FLAG_I))
		return VX_PARSE_NO_I;
	if (strict && (p[0] & ~VX_FLAG_I))
		return VX_PARSE_FLAGS;
	if (strict && (p[1] | p[2] | p[3] | p[7]))
		return VX_PARSE_RESERVED;
	*vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	return VX_PARSE_OK;
}

void vx_hdr_build(uint8_t *p, uint32_t vni)
{
	p[0] = VX_FLAG_I;
	p[1] = p[2] = p[3] = 0;
	p[4] = (uint8_t)(vni >> 16);
	p[5] = (uint8_t)(vni >> 8);
	p[6] = (uint8_t)vni;
	p[7] = 0;
}

static void encap_build_ip(uint8_t *hdr, uint32_t src, uint32_t dst)
{
	struct net_ip ip = {
	    .vhl = 0x45,
	    .tos = 0,
	    .len = 0, /* patched per packet */
	    .id = 0,  /* RFC 6864: DF set, so the ID is not used for reassembly */
	    .off = htons(NET_IP_DF),
	    .ttl = VX_OUTER_TTL,
	    .proto = NET_IPPROTO_UDP,
	    .sum = 0, /* patched per packet */
	    .src = htonl(src),
	    .dst = htonl(dst),
	};
	memcpy(hdr + VX_IP_OFF, &ip, sizeof(ip));
}

/* The UDP header at udp, of either family's template. */
static void encap_build_udp(uint8_t *udp, uint16_t dport)
{
	struct net_udp h = {
	    .sport = 0, /* patched per packet from the inner flow hash */
	    .dport = htons(dport),
	    .len = 0, /* patched per packet */
	    .sum = 0, /* RFC 7348: zero over IPv4; patched per packet over IPv6 */
	};
	memcpy(udp, &h, sizeof(h));
}

void vx_encap_init(struct vx_encap *e, uint32_t src, uint32_t dst, uint16_t dport, uint32_t vni)
{
	memset(e, 0, sizeof(*e));
	encap_build_ip(e->hdr, src, dst);
	encap_build_udp(e->hdr + VX_UDP_OFF, dport);
	vx_hdr_build(e->hdr + VX_VXH_OFF, vni);
	/* tot_len and sum are zero here, so they contribute nothing to the base sum. */
	e->ip_sum_base = net_csum_partial(e->hdr + VX_IP_OFF, NET_IP_HLEN, 0);
}

/* The per-packet UDP fields of either family (wire order). */
static void encap_patch_udp(uint8_t *udp, uint16_t sport_n, uint16_t len_n)
{
	memcpy(udp + offsetof(struct net_udp, sport), &sport_n, 2);
	memcpy(udp + offsetof(struct net_udp, len), &len_n, 2);
}

/*
 * Per packet: no branches. The sum is kept in the same (wire) byte representation as the
 * header words, so adding the stored tot_len and folding gives the stored checksum.
 */
void vx_encap_write(const struct vx_encap *e, uint8_t *out, uint16_t inner_len, uint16_t sport,
                    uint8_t tos)
{
	uint16_t tot_len = htons((uint16_t)(VX_ENCAP_LEN + inner_len));
	uint16_t udp_len = htons((uint16_t)(VX_UDP_OVERHEAD + inner_len));
	uint16_t sport_n = htons(sport);
	uint16_t ip_sum = net_csum_fold(e->ip_sum_base + tot_len + vx_tos_sum(tos));

	memcpy(out, e->hdr, VX_ENCAP_LEN);
	out[VX_IP_OFF + offsetof(struct net_ip, tos)] = tos;
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, len), &tot_len, 2);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, sum), &ip_sum, 2);
	encap_patch_udp(out + VX_UDP_OFF, sport_n, udp_len);
}

/* ---- IPv6 outer header ---- */

void vx_encap6_init(struct vx_encap6 *e, const struct in6_addr *src, uint16_t dport, uint32_t vni,
                    bool udp_csum)
{
	struct net_ip6 ip = {
	    .vtcfl = 0, /* version, traffic class and flow label: per packet */
	    .plen = 0,  /* per packet */
	    .nxt = NET_IPPROTO_UDP,
	    .hlim = VX_OUTER_TTL,
	    .src = *src,
	    /* dst: per packet */
	};
	memset(e, 0, sizeof(*e));
	memcpy(e->hdr + VX_IP6_OFF, &ip, sizeof(ip));
	encap_build_udp(e->hdr + VX_UDP6_OFF, dport);
	vx_hdr_build(e->hdr + VX_VXH6_OFF, vni);
	e->udp_csum = udp_csum;
	/* The pseudo-header's source and next header, and the UDP header and VXLAN header
	 * as they stand (their per-packet fields are 0 here): what every packet shares. */
	uint64_t s = net_csum_add64(src, sizeof(*src), htons(NET_IPPROTO_UDP));
	e->sum_base = net_csum_fold64(net_csum_add64(e->hdr + VX_UDP6_OFF, VX_UDP_OVERHEAD, s));
}

/*
 * The UDP checksum of the packet at out (header written, checksum field 0): the base,
 * the destination, the UDP length twice (pseudo-header and UDP header), the source port
 * and the inner frame. A computed 0 goes out as 0xffff: 0 means "none" (RFC 768).
 */
static uint16_t encap6_udp_csum(const struct vx_encap6 *e, const uint8_t *out, uint16_t inner_len,
                                uint16_t udp_len_n, uint16_t sport_n)
{
	uint64_t s = e->sum_base + 2u * udp_len_n + sport_n;
	s = net_csum_add64(out + VX_IP6_OFF + offsetof(struct net_ip6, dst), 16, s);
	s = net_csum_add64(out + VX_ENCAP6_LEN, inner_len, s);
	uint16_t c = net_csum_fold(net_csum_fold64(s));
	return c ? c : 0xffff;
}

void vx_encap6_write(const struct vx_encap6 *e, uint8_t *out, uint16_t inner_len, uint16_t sport,
                     const struct in6_addr *dst, uint8_t tclass, uint32_t flow_label)
{
	uint32_t vtcfl = htonl(6u << 28 | (uint32_t)tclass << 20 | (flow_label & 0xfffffu));
	uint16_t udp_len = htons((uint16_t)(VX_UDP_OVERHEAD + inner_len));
	uint16_t sport_n = htons(sport);

	memcpy(out, e->hdr, VX_ENCAP6_LEN);
	memcpy(out + VX_IP6_OFF + offsetof(struct net_ip6, vtcfl), &vtcfl, 4);
	memcpy(out + VX_IP6_OFF + offsetof(struct net_ip6, plen), &udp_len, 2);
	memcpy(out + VX_IP6_OFF + offsetof(struct net_ip6, dst), dst, 16);
	encap_patch_udp(out + VX_UDP6_OFF, sport_n, udp_len);
	uint16_t sum = e->udp_csum ? encap6_udp_csum(e, out, inner_len, udp_len, sport_n) : 0;
	memcpy(out + VX_UDP6_OFF + offsetof(struct net_udp, sum), &sum, 2);
}

/* ---- DSCP and ECN of the inner packet ---- */

/*
 * The offset of the inner frame's IP header (after at most one 802.1Q tag) and its
 * version: 4 or 6 when a whole fixed header of that version is there, else 0.
 */
static int inner_ip(const uint8_t *frame, size_t len, size_t *off)
{
	size_t o = NET_ETH_HLEN;
	if (len < o)
		return 0;
	uint16_t type = (uint16_t)(frame[o - 2] << 8 | frame[o - 1]);
	if (type == NET_ETHERTYPE_VLAN) {
		o += NET_VLAN_HLEN;
		if (len < o)
			return 0;
		type = (uint16_t)(frame[o - 2] << 8 | frame[o - 1]);
	}
	*off = o;
	if (type == NET_ETHERTYPE_IP && len - o >= NET_IP_HLEN && frame[o] >> 4 == 4)
		return 4;
	if (type == NET_ETHERTYPE_IP6 && len - o >= NET_IP6_HLEN && frame[o] >> 4 == 6)
		return 6;
	return 0;
}

int vx_inner_tclass(const uint8_t *frame, size_t len)
{
	size_t o = 0;
	switch (inner_ip(frame, len, &o)) {
	case 4:
		return frame[o + offsetof(struct net_ip, tos)];
	case 6: /* the traffic class straddles bytes 0 and 1: version | TC high, TC low | label */
		return (frame[o] & 0x0f) << 4 | frame[o + 1] >> 4;
	default:
		return -1;
	}
}

void vx_inner_set_ecn(uint8_t *frame, size_t len, uint8_t ecn)
{
	size_t o = 0;
	int ver = inner_ip(frame, len, &o);
	uint8_t *ip = frame + o;
	ecn &= VX_ECN_MASK;
	if (ver == 4) {
		/* the (vhl, tos) word changes: RFC 1624 on the header checksum */
		uint16_t old, new_, sum;
		memcpy(&old, ip, 2);
		ip[offsetof(struct net_ip, tos)] = (uint8_t)((ip[1] & ~VX_ECN_MASK) | ecn);
		memcpy(&new_, ip, 2);
		memcpy(&sum, ip + offsetof(struct net_ip, sum), 2);
		sum = net_csum_update16(sum, old, new_);
		memcpy(ip + offsetof(struct net_ip, sum), &sum, 2);
	} else if (ver == 6) {
		/* the ECN bits are the traffic class's low two: bits 5-4 of byte 1 */
		ip[1] = (uint8_t)((ip[1] & ~(VX_ECN_MASK << 4)) | ecn << 4);
	}
}
