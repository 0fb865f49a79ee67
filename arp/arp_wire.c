/*
 * arp/arp_wire.c - the Ethernet/IPv4 ARP payload (RFC 826): parse and build.
 *
 * Byte access only (no struct overlay), so any alignment of the packet buffer is fine.
 */
#include "arp.h"

#include "common/net.h"

#define ARP_HTYPE_ETHER 1

/* Offsets inside the 28-byte payload. */
enum {
	OFF_HTYPE = 0,
	OFF_PTYPE = 2,
	OFF_HLEN = 4,
	OFF_PLEN = 5,
	OFF_OP = 6,
	OFF_SHA = 8,
	OFF_SPA = 14,
	OFF_THA = 18,
	OFF_TPA = 24,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool is_ether_ipv4(const uint8_t *p)
{
	return get16(p + OFF_HTYPE) == ARP_HTYPE_ETHER &&
	       get16(p + OFF_PTYPE) == NET_ETHERTYPE_IP && p[OFF_HLEN] == NET_ETH_ALEN &&
	       p[OFF_PLEN] == 4;
}

/*
 * A sender we could never answer or learn: a group or zero MAC, or a group/broadcast IP.
 * Sender IP 0.0.0.0 is accepted: that is an RFC 5227 address probe, which a caller may
 * want to see (it is never learned, arp_learn refuses ip 0).
 */
static bool sender_is_bogus(const uint8_t *p)
{
	uint32_t spa = get32(p + OFF_SPA);
	return net_mac_is_mcast(p + OFF_SHA) || net_mac_is_zero(p + OFF_SHA) ||
	       net_ip_is_mcast(spa) || spa == 0xffffffffu;
}

int arp_parse(const uint8_t *p, size_t len, struct arp_msg *m)
{
	if (!p || len < ARP_PKT_LEN)
		return ARP_PARSE_SHORT;
	if (!is_ether_ipv4(p))
		return ARP_PARSE_FORMAT;
	uint16_t op = get16(p + OFF_OP);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return ARP_PARSE_OP;
	if (sender_is_bogus(p))
		return ARP_PARSE_SENDER;
	if (m) {
		m->op = op;
		memcpy(m->sha, p + OFF_SHA, NET_ETH_ALEN);
		m->spa = get32(p + OFF_SPA);
		memcpy(m->tha, p + OFF_THA, NET_ETH_ALEN);
		m->tpa = get32(p + OFF_TPA);
	}
	return ARP_PARSE_OK;
}

void arp_build(uint8_t *p, const struct arp_msg *m)
{
	put16(p + OFF_HTYPE, ARP_HTYPE_ETHER);
	put16(p + OFF_PTYPE, NET_ETHERTYPE_IP);
	p[OFF_HLEN] = NET_ETH_ALEN;
	p[OFF_PLEN] = 4;
	put16(p + OFF_OP, m->op);
	memcpy(p + OFF_SHA, m->sha, NET_ETH_ALEN);
	put32(p + OFF_SPA, m->spa);
	memcpy(p + OFF_THA, m->tha, NET_ETH_ALEN);
	put32(p + OFF_TPA, m->tpa);
}

const char *arp_state_name(enum arp_state s)
{
	switch (s) {
	case ARP_INCOMPLETE:
		return "incomplete";
	case ARP_REACHABLE:
		return "reachable";
	case ARP_STALE:
		return "stale";
	case ARP_PROBE:
		return "probe";
	case ARP_STATIC:
		return "static";
	case ARP_DELAY:
		return "delay";
	}
	return "unknown";
}
