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

#define VX_VXH_OFF (NET_IP_HLEN + NET_UDP_HLEN)

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

static void encap_build_udp(uint8_t *hdr, uint16_t dport)
{
	struct net_udp udp = {
	    .sport = 0, /* patched per packet from the inner flow hash */
	    .dport = htons(dport),
	    .len = 0, /* patched per packet */
	    .sum = 0, /* RFC 7348: zero over IPv4 */
	};
	memcpy(hdr + VX_UDP_OFF, &udp, sizeof(udp));
}

void vx_encap_init(struct vx_encap *e, uint32_t src, uint32_t dst, uint16_t dport, uint32_t vni)
{
	memset(e, 0, sizeof(*e));
	encap_build_ip(e->hdr, src, dst);
	encap_build_udp(e->hdr, dport);
	vx_hdr_build(e->hdr + VX_VXH_OFF, vni);
	/* tot_len and sum are zero here, so they contribute nothing to the base sum. */
	e->ip_sum_base = net_csum_partial(e->hdr + VX_IP_OFF, NET_IP_HLEN, 0);
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
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, sport), &sport_n, 2);
	memcpy(out + VX_UDP_OFF + offsetof(struct net_udp, len), &udp_len, 2);
}
