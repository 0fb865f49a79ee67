/*
 * vxlan/vxlan.h - VXLAN wire format (RFC 7348) and outer-header encapsulation.
 *
 * Addresses are host byte order.
 */
#ifndef VXLAN_VXLAN_H
#define VXLAN_VXLAN_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/net.h"

#define VX_HDR_LEN  8
#define VX_FLAG_I   0x08
#define VX_VNI_MAX  0xffffffu
#define VX_UDP_PORT 4789
/* Outer IPv4 (20) + UDP (8) + VXLAN (8) written in front of the inner Ethernet frame. */
#define VX_ENCAP_LEN 36
#define VX_SPORT_MIN 49152
#define VX_SPORT_MAX 65535
#define VX_OUTER_TTL 64
/* Offsets in the outer header; the UDP length covers UDP and VXLAN on the inner frame. */
#define VX_IP_OFF       0
#define VX_UDP_OFF      NET_IP_HLEN
#define VX_UDP_OVERHEAD (NET_UDP_HLEN + VX_HDR_LEN)

enum vx_parse_err {
	VX_PARSE_OK = 0,
	VX_PARSE_SHORT,    /* fewer than 8 bytes */
	VX_PARSE_NO_I,     /* I flag clear */
	VX_PARSE_FLAGS,    /* another flag bit set (RFC 7348: reserved, must be zero) */
	VX_PARSE_RESERVED, /* a reserved byte non-zero */
};

/* The byte-wise checks of vx_hdr_parse, for what its fast path does not settle. */
int vx_hdr_parse_slow(const uint8_t *p, size_t len, bool strict, uint32_t *vni);

/* Flags byte, reserved bytes and VNI of the header read as one big-endian word. */
#define VX_HDR_W_FLAGS    0xff00000000000000ull
#define VX_HDR_W_RESERVED 0x00ffffff000000ffull

/*
 * Parses a VXLAN header. strict: reject other flag bits and reserved bytes (the default
 * policy); when false they are ignored as RFC 7348 allows a receiver to. Returns the
 * enum vx_parse_err; *vni is set on VX_PARSE_OK. Inline for every packet: a strictly
 * well-formed header (I set, nothing else) is one load and one compare.
 */
static inline int vx_hdr_parse(const uint8_t *p, size_t len, bool strict, uint32_t *vni)
{
	if (__builtin_expect(len >= VX_HDR_LEN && strict, 1)) {
		uint64_t w;
		memcpy(&w, p, 8);
		w = be64toh(w);
		if (__builtin_expect((w & (VX_HDR_W_FLAGS | VX_HDR_W_RESERVED)) ==
		                         (uint64_t)VX_FLAG_I << 56,
		                     1)) {
			*vni = (uint32_t)(w >> 8) & VX_VNI_MAX;
			return VX_PARSE_OK;
		}
	}
	return vx_hdr_parse_slow(p, len, strict, vni);
}

void vx_hdr_build(uint8_t *p, uint32_t vni);

/* UDP source port in 49152..65535 from a flow hash (RFC 7348 section 5). */
static inline uint16_t vx_sport(uint32_t flow_hash)
{
	return (uint16_t)(VX_SPORT_MIN + (flow_hash & 0x3fff));
}

/*
 * A prebuilt outer IPv4/UDP/VXLAN header for one (source VTEP, remote VTEP, VNI): the
 * per-packet work is to copy 36 bytes and patch lengths, TOS, source port and the IP
 * checksum incrementally from a precomputed partial sum. Outer IP: DF set, TTL 64, ID 0
 * (RFC 6864: atomic datagram), UDP checksum 0.
 */
struct vx_encap {
	uint8_t hdr[VX_ENCAP_LEN];
	uint32_t ip_sum_base; /* unfolded one's-complement sum of the header without tot_len */
};

void vx_encap_init(struct vx_encap *e, uint32_t src, uint32_t dst, uint16_t dport, uint32_t vni);
/*
 * Writes the header at out (VX_ENCAP_LEN bytes) for an inner frame of inner_len bytes
 * (at most 65535 - VX_ENCAP_LEN; the caller's MTU check guarantees it), with outer TOS
 * tos (vx_outer_tclass).
 */
void vx_encap_write(const struct vx_encap *e, uint8_t *out, uint16_t inner_len, uint16_t sport,
                    uint8_t tos);

/* The TOS byte as its 16-bit word of the IPv4 header (vhl, tos) adds it to a wire-order sum. */
static inline uint32_t vx_tos_sum(uint8_t tos)
{
	uint8_t b[2] = {0, tos};
	uint16_t w;
	memcpy(&w, b, 2);
	return w;
}
/*
 * The same for a template built with dst 0, the destination patched in per packet: one
 * template per (source, VNI) serves every remote VTEP of a bridge domain. Inline: it runs
 * for every encapsulated packet.
 */
static inline void vx_encap_write_dst(const struct vx_encap *e, uint8_t *out, uint16_t inner_len,
                                      uint16_t sport, uint32_t dst, uint8_t tos)
{
	uint32_t dst_n = htonl(dst);
	uint16_t w[2];
	memcpy(w, &dst_n, 4);
	uint16_t tot_len = htons((uint16_t)(VX_ENCAP_LEN + inner_len));
	uint16_t udp_len = htons((uint16_t)(VX_UDP_OVERHEAD + inner_len));
	uint16_t sport_n = htons(sport);
	uint16_t ip_sum = net_csum_fold(e->ip_sum_base + tot_len + w[0] + w[1] + vx_tos_sum(tos));

	memcpy(out, e->hdr, VX_ENCAP_LEN);
	out[VX_IP_OFF + offsetof(struct net_ip, tos)] = tos;
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, len), &tot_len, 2);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, sum), &ip_sum, 2);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, dst), &dst_n, 4);
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, sport), &sport_n, 2);
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, len), &udp_len, 2);
}

/* ---- IPv6 outer header ---- */
/* Outer IPv6 (40) + UDP (8) + VXLAN (8): with the Ethernet header, 70 bytes of overhead. */
#define VX_ENCAP6_LEN 56
#define VX_IP6_OFF    0
#define VX_UDP6_OFF   NET_IP6_HLEN

/*
 * A prebuilt outer IPv6/UDP/VXLAN header for one (source VTEP, VNI); destination,
 * traffic class, flow label, lengths and source port are written per packet. Hop limit
 * VX_OUTER_TTL. The UDP checksum is mandatory over IPv6 (RFC 8200) unless the operator
 * opted in to zero checksums (RFC 6935/6936, `vxlan udp6-zero-checksum tx`): udp_csum.
 * sum_base: the unfolded sum of what never changes (pseudo-header source and next header,
 * the UDP destination port, the VXLAN header).
 */
struct vx_encap6 {
	uint8_t hdr[VX_ENCAP6_LEN];
	uint32_t sum_base;
	bool udp_csum;
};

void vx_encap6_init(struct vx_encap6 *e, const struct in6_addr *src, uint16_t dport, uint32_t vni,
                    bool udp_csum);
/*
 * Writes the header at out (VX_ENCAP6_LEN bytes) in front of the inner frame of inner_len
 * bytes at out + VX_ENCAP6_LEN (at most 65535 - VX_UDP_OVERHEAD), to dst, with traffic
 * class tclass and flow label flow_label (20 bits), and, when e->udp_csum, the UDP
 * checksum over the inner frame (which is read for it: call it with the frame in cache).
 */
void vx_encap6_write(const struct vx_encap6 *e, uint8_t *out, uint16_t inner_len, uint16_t sport,
                     const struct in6_addr *dst, uint8_t tclass, uint32_t flow_label);

/* RFC 6438: the outer flow label from the inner flow's hash; never 0 (0 means "none"). */
static inline uint32_t vx_flow_label(uint32_t flow_hash)
{
	uint32_t l = (flow_hash ^ (flow_hash >> 20)) & 0xfffffu;
	return l ? l : 1;
}

/* ---- DSCP and ECN across the tunnel ---- */
/* The ECN field: the low two bits of the IPv4 TOS / IPv6 traffic class (RFC 3168). */
#define VX_ECN_MASK     0x03
#define VX_ECN_NOT_ECT  0
#define VX_ECN_ECT1     1
#define VX_ECN_ECT0     2
#define VX_ECN_CE       3
#define VX_DSCP_MAX     63
#define VX_DSCP_INHERIT (-1) /* `vxlan dscp inherit`: the outer DSCP copies the inner one */

/*
 * The traffic-class byte (IPv4 TOS, IPv6 traffic class) of the IP packet an Ethernet
 * frame of len bytes carries (after at most one 802.1Q tag), or -1 when it carries no
 * whole IPv4/IPv6 fixed header.
 */
int vx_inner_tclass(const uint8_t *frame, size_t len);

/*
 * The outer TOS / traffic class on encapsulation: DSCP dscp (0..63) or, for
 * VX_DSCP_INHERIT, the inner packet's; ECN copied from the inner packet (RFC 6040 normal
 * mode). inner_tclass: vx_inner_tclass (-1: not IP, so DSCP 0 when inherited, Not-ECT).
 */
static inline uint8_t vx_outer_tclass(int dscp, int inner_tclass)
{
	uint8_t in = inner_tclass < 0 ? 0 : (uint8_t)inner_tclass;
	uint8_t d = dscp == VX_DSCP_INHERIT ? (uint8_t)(in >> 2) : (uint8_t)dscp;
	return (uint8_t)(d << 2 | (in & VX_ECN_MASK));
}

/*
 * RFC 6040 section 4.2: the inner ECN field after decapsulating a packet whose outer ECN
 * field was outer_ecn and inner inner_ecn; -1: drop (outer CE on a Not-ECT inner packet,
 * whose transport could not react to it).
 */
static inline int vx_ecn_decap(uint8_t outer_ecn, uint8_t inner_ecn)
{
	outer_ecn &= VX_ECN_MASK;
	inner_ecn &= VX_ECN_MASK;
	if (inner_ecn == VX_ECN_NOT_ECT)
		return outer_ecn == VX_ECN_CE ? -1 : VX_ECN_NOT_ECT;
	if (outer_ecn == VX_ECN_CE)
		return VX_ECN_CE;
	if (outer_ecn == VX_ECN_ECT1 && inner_ecn == VX_ECN_ECT0)
		return VX_ECN_ECT1;
	return inner_ecn;
}

/*
 * Sets the ECN field of the frame's inner IP header to ecn (the IPv4 header checksum
 * updated incrementally); frame as for vx_inner_tclass, which returned >= 0 for it.
 */
void vx_inner_set_ecn(uint8_t *frame, size_t len, uint8_t ecn);

#endif
