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
 * per-packet work is to copy 36 bytes and patch lengths, source port and the IP checksum
 * incrementally from a precomputed partial sum. Outer IP: DF set, TTL 64, ID 0 (RFC 6864:
 * atomic datagram), UDP checksum 0.
 */
struct vx_encap {
	uint8_t hdr[VX_ENCAP_LEN];
	uint32_t ip_sum_base; /* unfolded one's-complement sum of the header without tot_len */
};

void vx_encap_init(struct vx_encap *e, uint32_t src, uint32_t dst, uint16_t dport, uint32_t vni);
/*
 * Writes the header at out (VX_ENCAP_LEN bytes) for an inner frame of inner_len bytes
 * (at most 65535 - VX_ENCAP_LEN; the caller's MTU check guarantees it).
 */
void vx_encap_write(const struct vx_encap *e, uint8_t *out, uint16_t inner_len, uint16_t sport);
/*
 * The same for a template built with dst 0, the destination patched in per packet: one
 * template per (source, VNI) serves every remote VTEP of a bridge domain. Inline: it runs
 * for every encapsulated packet.
 */
static inline void vx_encap_write_dst(const struct vx_encap *e, uint8_t *out, uint16_t inner_len,
                                      uint16_t sport, uint32_t dst)
{
	uint32_t dst_n = htonl(dst);
	uint16_t w[2];
	memcpy(w, &dst_n, 4);
	uint16_t tot_len = htons((uint16_t)(VX_ENCAP_LEN + inner_len));
	uint16_t udp_len = htons((uint16_t)(VX_UDP_OVERHEAD + inner_len));
	uint16_t sport_n = htons(sport);
	uint16_t ip_sum = net_csum_fold(e->ip_sum_base + tot_len + w[0] + w[1]);

	memcpy(out, e->hdr, VX_ENCAP_LEN);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, len), &tot_len, 2);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, sum), &ip_sum, 2);
	memcpy(out + VX_IP_OFF + offsetof(struct net_ip, dst), &dst_n, 4);
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, sport), &sport_n, 2);
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, len), &udp_len, 2);
}

#endif
