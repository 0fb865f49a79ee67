/*
 * test_frame.c - gw_frame_udp_parse (gw/io/frame.c): underlay frames as AF_XDP hands them
 * over, taken as the kernel's UDP socket would deliver them.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "cu_main.h"
#include "gw/io/frame.h"
#include "vxlan/vxlan.h"

#define SRC4    0xc0000201u /* 192.0.2.1 */
#define DST4    0xc0000202u
#define SPORT   49152
#define TOS     0xb9 /* DSCP EF, ECN ECT(1) */
#define INNER   (VX_HDR_LEN + NET_ETH_HLEN)
#define TCP_HL  20
#define TCP_SUM 16
#define UDP_SUM 6

static const struct in6_addr src6 = {{{0x20, 0x01, 0x0d, 0xb8, [15] = 1}}};
static const struct in6_addr dst6 = {{{0x20, 0x01, 0x0d, 0xb8, [15] = 2}}};

/* How the builder leaves a UDP or TCP checksum. */
enum csum_mode { CS_FULL, CS_PARTIAL, CS_ZERO };

static uint8_t frame[4096];

/* The unfolded pseudo-header sum of an L4 segment of l4len bytes after the IP header at ip. */
static uint32_t pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	if (ip[0] >> 4 == 6) {
		struct in6_addr s, d;
		memcpy(&s, ip + 8, 16);
		memcpy(&d, ip + 24, 16);
		return net_ip6_pseudo_sum(&s, &d, l4len, proto);
	}
	return net_csum_partial(ip + 12, 8, htons(proto) + htons((uint16_t)l4len));
}

/* The L4 checksum field at l4 + field (l4len bytes, ph their pseudo-header sum) set as mode. */
static void l4_sum(uint8_t *l4, uint32_t l4len, uint32_t field, uint32_t ph, enum csum_mode mode)
{
	uint16_t c = 0;
	memcpy(l4 + field, &c, 2);
	if (mode == CS_FULL) {
		c = net_csum_fold(net_csum_partial(l4, l4len, ph));
		c = c ? c : 0xffff;
	} else if (mode == CS_PARTIAL) {
		c = (uint16_t)~net_csum_fold(ph); /* the pseudo-header sum, left for a NIC */
	}
	memcpy(l4 + field, &c, 2);
}

/* Whether the L4 checksum of the IP packet at ip (its L4 header hl bytes in) verifies. */
static bool l4_ok(const uint8_t *ip, uint32_t hl, uint8_t proto, uint32_t l4len)
{
	return net_csum_fold(net_csum_partial(ip + hl, l4len, pseudo(ip, proto, l4len))) == 0;
}

static void put_eth(uint8_t *p, uint16_t type)
{
	memset(p, 0x02, 2 * NET_ETH_ALEN);
	uint16_t t = htons(type);
	memcpy(p + 12, &t, 2);
}

/* An IPv4 header of hl bytes (options: NOPs) before l4len bytes of proto. */
static void put_ip4(uint8_t *ip, uint32_t hl, uint8_t proto, uint32_t l4len, uint32_t src,
                    uint32_t dst)
{
	struct net_ip h = {.vhl = (uint8_t)(0x40 | hl / 4),
	                   .tos = TOS,
	                   .len = htons(hl + l4len),
	                   .off = htons(NET_IP_DF),
	                   .ttl = 64,
	                   .proto = proto,
	                   .src = htonl(src),
	                   .dst = htonl(dst)};
	memcpy(ip, &h, sizeof(h));
	memset(ip + NET_IP_HLEN, 1, hl - NET_IP_HLEN);
	h.sum = net_csum(ip, hl);
	memcpy(ip + 10, &h.sum, 2);
}

static void put_ip6(uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	struct net_ip6 h = {.vtcfl = htonl(6u << 28 | (uint32_t)TOS << 20 | 0x12345),
	                    .plen = htons((uint16_t)l4len),
	                    .nxt = proto,
	                    .hlim = 64,
	                    .src = src6,
	                    .dst = dst6};
	memcpy(ip, &h, sizeof(h));
}

/*
 * A VXLAN payload at p: VXLAN header, inner Ethernet, an inner IPv4 TCP packet of n data
 * bytes with its checksum set as mode. Returns its length.
 */
static uint32_t put_vxlan_tcp(uint8_t *p, uint32_t n, enum csum_mode mode)
{
	memset(p, 0, VX_HDR_LEN);
	p[0] = VX_FLAG_I;
	p[6] = 42; /* VNI */
	put_eth(p + VX_HDR_LEN, NET_ETHERTYPE_IP);
	uint8_t *ip = p + INNER, *tcp = ip + NET_IP_HLEN;
	put_ip4(ip, NET_IP_HLEN, NET_IPPROTO_TCP, TCP_HL + n, 0x0a000001, 0x0a000002);
	memset(tcp, 0, TCP_HL);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;
	for (uint32_t i = 0; i < n; i++)
		tcp[TCP_HL + i] = (uint8_t)(i * 7 + 3);
	l4_sum(tcp, TCP_HL + n, TCP_SUM, pseudo(ip, NET_IPPROTO_TCP, TCP_HL + n), mode);
	return INNER + NET_IP_HLEN + TCP_HL + n;
}

/* Offset of the outer UDP header in a frame of family fam with hl bytes of IP header. */
static uint32_t udp_at(unsigned fam, uint32_t hl)
{
	return NET_ETH_HLEN + (fam == 6 ? NET_IP6_HLEN : hl);
}

/*
 * frame: Ethernet, an IPv4 (IP header of hl bytes) or IPv6 (fam) header and UDP to the
 * VXLAN port around the plen bytes already written at the payload's place (udp_at(fam,
 * hl) + 8), the UDP checksum set as mode. Returns the frame's length.
 */
static uint32_t wrap(unsigned fam, uint32_t hl, uint32_t plen, enum csum_mode mode)
{
	uint8_t *ip = frame + NET_ETH_HLEN, *udp = frame + udp_at(fam, hl);
	uint32_t ulen = NET_UDP_HLEN + plen;
	put_eth(frame, fam == 6 ? NET_ETHERTYPE_IP6 : NET_ETHERTYPE_IP);
	if (fam == 6)
		put_ip6(ip, NET_IPPROTO_UDP, ulen);
	else
		put_ip4(ip, hl, NET_IPPROTO_UDP, ulen, SRC4, DST4);
	struct net_udp u = {.sport = htons(SPORT), .dport = htons(VX_UDP_PORT), .len = htons(ulen)};
	memcpy(udp, &u, sizeof(u));
	l4_sum(udp, ulen, UDP_SUM, pseudo(ip, NET_IPPROTO_UDP, ulen), mode);
	return udp_at(fam, hl) + ulen;
}

/* A VXLAN frame carrying inner TCP with n data bytes, both checksums set as given. */
static uint32_t build(unsigned fam, uint32_t hl, uint32_t n, enum csum_mode inner,
                      enum csum_mode outer)
{
	uint32_t plen = put_vxlan_tcp(frame + udp_at(fam, hl) + NET_UDP_HLEN, n, inner);
	return wrap(fam, hl, plen, outer);
}

static bool outer_ok(unsigned fam, uint32_t hl, uint32_t len)
{
	return l4_ok(frame + NET_ETH_HLEN, fam == 6 ? NET_IP6_HLEN : hl, NET_IPPROTO_UDP,
	             len - udp_at(fam, hl));
}

static bool inner_ok(unsigned fam, uint32_t hl)
{
	const uint8_t *ip = frame + udp_at(fam, hl) + NET_UDP_HLEN + INNER;
	return l4_ok(ip, NET_IP_HLEN, NET_IPPROTO_TCP,
	             (uint32_t)(ip[2] << 8 | ip[3]) - NET_IP_HLEN);
}

static enum gw_frame_verdict parse(uint32_t len, bool zero6_ok, struct gw_frame_udp *u)
{
	memset(u, 0xa5, sizeof(*u));
	return gw_frame_udp_parse(frame, len, zero6_ok, u);
}

/* The fields of a datagram parse made of a frame from build(fam, hl, n, ...). */
static void check_fields(const struct gw_frame_udp *u, unsigned fam, uint32_t hl, uint32_t n)
{
	CU_ASSERT_EQUAL(u->family, fam);
	if (fam == 4) {
		CU_ASSERT_EQUAL(u->src4, SRC4);
		CU_ASSERT_EQUAL(u->dst4, DST4);
	} else {
		CU_ASSERT(net_ip6_eq(&u->src6, &src6));
		CU_ASSERT(net_ip6_eq(&u->dst6, &dst6));
	}
	CU_ASSERT_EQUAL(u->sport, SPORT);
	CU_ASSERT_EQUAL(u->dport, VX_UDP_PORT);
	CU_ASSERT_EQUAL(u->tos, TOS);
	CU_ASSERT_EQUAL(u->off, udp_at(fam, hl) + NET_UDP_HLEN);
	CU_ASSERT_EQUAL(u->len, INNER + NET_IP_HLEN + TCP_HL + n);
}

static void test_good(void)
{
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		struct gw_frame_udp u;
		uint32_t len = build(fam, NET_IP_HLEN, 100, CS_FULL, CS_FULL);
		CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
		check_fields(&u, fam, NET_IP_HLEN, 100);
		CU_ASSERT_EQUAL(u.csum_done, 0);
	}
}

static void test_ip4_options_and_padding(void)
{
	struct gw_frame_udp u;
	uint32_t len = build(4, 32, 50, CS_FULL, CS_FULL);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	check_fields(&u, 4, 32, 50);
	/* Ethernet padding after the datagram, in either family */
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		len = build(fam, NET_IP_HLEN, 3, CS_FULL, CS_FULL);
		memset(frame + len, 0x55, 20);
		CU_ASSERT_EQUAL(parse(len + 20, false, &u), GW_FRAME_UDP);
		check_fields(&u, fam, NET_IP_HLEN, 3);
	}
}

/* An IP payload longer than the UDP length: the datagram is what the UDP length says. */
static void test_udp_trimmed(void)
{
	struct gw_frame_udp u;
	uint32_t len = build(6, NET_IP_HLEN, 10, CS_FULL, CS_FULL);
	put_ip6(frame + NET_ETH_HLEN, NET_IPPROTO_UDP, len - udp_at(6, 0) + 4);
	CU_ASSERT_EQUAL(parse(len + 4, false, &u), GW_FRAME_UDP);
	check_fields(&u, 6, NET_IP_HLEN, 10);
	/* beyond the IP payload, or shorter than its header: malformed */
	frame[udp_at(6, 0) + 5] += 5;
	CU_ASSERT_EQUAL(parse(len + 4, false, &u), GW_FRAME_MALFORMED);
	frame[udp_at(6, 0) + 4] = 0;
	frame[udp_at(6, 0) + 5] = 7;
	CU_ASSERT_EQUAL(parse(len + 4, false, &u), GW_FRAME_MALFORMED);
}

static void test_zero_csum(void)
{
	struct gw_frame_udp u;
	uint32_t len = build(4, NET_IP_HLEN, 20, CS_FULL, CS_ZERO);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	check_fields(&u, 4, NET_IP_HLEN, 20);
	len = build(6, NET_IP_HLEN, 20, CS_FULL, CS_ZERO);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_ZERO_CSUM6);
	CU_ASSERT_EQUAL(parse(len, true, &u), GW_FRAME_UDP);
	check_fields(&u, 6, NET_IP_HLEN, 20);
}

static void test_bad_csums(void)
{
	struct gw_frame_udp u;
	uint32_t len = build(4, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	frame[NET_ETH_HLEN + 11] ^= 1; /* IPv4 header checksum */
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_MALFORMED);
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		len = build(fam, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
		frame[len - 1] ^= 0x40;
		CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_BAD_CSUM);
	}
}

/* Every truncation of a good frame is refused, and nothing past it is read (ASan: each
 * copy in a buffer of exactly its length). */
static void test_truncated(void)
{
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		uint32_t len = build(fam, 24, 30, CS_PARTIAL, CS_PARTIAL);
		for (uint32_t n = 0; n < len; n++) {
			uint8_t *p = malloc(n ? n : 1);
			memcpy(p, frame, n);
			struct gw_frame_udp u;
			enum gw_frame_verdict v = gw_frame_udp_parse(p, n, false, &u);
			CU_ASSERT(v == GW_FRAME_NOT_UDP || v == GW_FRAME_MALFORMED);
			free(p);
		}
	}
}

/* A checksum of the IPv4 header at ip, again after a change. */
static void ip4_resum(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	uint16_t s = net_csum(ip, (ip[0] & 0xfu) * 4u);
	memcpy(ip + 10, &s, 2);
}

static void test_not_udp(void)
{
	struct gw_frame_udp u;
	uint8_t *ip = frame + NET_ETH_HLEN;
	uint32_t len = build(4, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	ip[6] |= NET_IP_MF >> 8; /* a first fragment */
	ip4_resum(ip);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
	ip[6] = NET_IP_DF >> 8;
	ip[7] = 1; /* a last fragment */
	ip4_resum(ip);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
	ip[7] = 0;
	ip[9] = NET_IPPROTO_TCP;
	ip4_resum(ip);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
	ip[9] = NET_IPPROTO_UDP;
	ip4_resum(ip);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	frame[12] = 0x81; /* an 802.1Q tag */
	frame[13] = 0x00;
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
	len = build(6, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	ip[6] = 44; /* a fragment header: any extension header */
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
	ip[6] = 0;
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_NOT_UDP);
}

static void test_malformed_ip(void)
{
	struct gw_frame_udp u;
	uint8_t *ip = frame + NET_ETH_HLEN;
	uint32_t len = build(4, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	static const uint8_t vhl[] = {0x44, 0x65, 0x55, 0x4f};
	for (unsigned i = 0; i < sizeof(vhl); i++) {
		build(4, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
		ip[0] = vhl[i]; /* version, IHL below 5 or beyond the frame (20 bytes of payload) */
		ip4_resum(ip);
		CU_ASSERT_EQUAL(parse(i == 3 ? 14 + 40 : len, false, &u), GW_FRAME_MALFORMED);
	}
	build(4, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	ip[3] = 19; /* total length below the header's */
	ip[2] = 0;
	ip4_resum(ip);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_MALFORMED);
	len = build(6, NET_IP_HLEN, 20, CS_FULL, CS_FULL);
	ip[0] = 0x40;
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_MALFORMED);
}

/* The outer UDP checksum left to the NIC: completed, as the kernel's socket accepts it. */
static void test_outer_partial(void)
{
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		struct gw_frame_udp u;
		uint32_t len = build(fam, NET_IP_HLEN, 333, CS_FULL, CS_PARTIAL);
		CU_ASSERT_FALSE(outer_ok(fam, NET_IP_HLEN, len));
		CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
		check_fields(&u, fam, NET_IP_HLEN, 333);
		CU_ASSERT_EQUAL(u.csum_done, 1);
		CU_ASSERT(outer_ok(fam, NET_IP_HLEN, len));
		CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
		CU_ASSERT_EQUAL(u.csum_done, 0);
	}
}

/*
 * A Linux VTEP with tx checksum offload: the inner TCP checksum left partial, the outer IPv6
 * one computed as local checksum offload does, over the inner packet as the NIC will
 * complete it. Both verify afterwards.
 */
static void test_inner_partial_lco(void)
{
	struct gw_frame_udp u;
	uint32_t len = build(6, NET_IP_HLEN, 777, CS_FULL, CS_FULL);
	put_vxlan_tcp(frame + udp_at(6, 0) + NET_UDP_HLEN, 777, CS_PARTIAL);
	CU_ASSERT_FALSE(inner_ok(6, 0));
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	check_fields(&u, 6, NET_IP_HLEN, 777);
	CU_ASSERT_EQUAL(u.csum_done, 1);
	CU_ASSERT(inner_ok(6, 0));
	CU_ASSERT(outer_ok(6, 0, len));
	/* both left to the NIC (IPv4 outer): both completed, the outer over the completed inner */
	len = build(4, NET_IP_HLEN, 31, CS_PARTIAL, CS_PARTIAL);
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	CU_ASSERT_EQUAL(u.csum_done, 2);
	CU_ASSERT(inner_ok(4, NET_IP_HLEN));
	CU_ASSERT(outer_ok(4, NET_IP_HLEN, len));
	/* an inner EtherType that does not announce the inner version: left as it is */
	len = build(4, NET_IP_HLEN, 31, CS_PARTIAL, CS_ZERO);
	frame[udp_at(4, NET_IP_HLEN) + NET_UDP_HLEN + VX_HDR_LEN + 12] = 0x86;
	frame[udp_at(4, NET_IP_HLEN) + NET_UDP_HLEN + VX_HDR_LEN + 13] = 0xdd;
	CU_ASSERT_EQUAL(parse(len, false, &u), GW_FRAME_UDP);
	CU_ASSERT_EQUAL(u.csum_done, 0);
	CU_ASSERT_FALSE(inner_ok(4, NET_IP_HLEN));
}

static CU_TestInfo tests[] = {
    {"good IPv4 and IPv6 datagrams", test_good},
    {"IPv4 options, Ethernet padding", test_ip4_options_and_padding},
    {"UDP length below the IP payload", test_udp_trimmed},
    {"UDP checksum 0", test_zero_csum},
    {"bad checksums", test_bad_csums},
    {"every truncation refused", test_truncated},
    {"fragments, other protocols, VLAN, IPv6 extension headers", test_not_udp},
    {"malformed IP headers", test_malformed_ip},
    {"outer UDP checksum left partial", test_outer_partial},
    {"inner checksum left partial, outer by LCO", test_inner_partial_lco},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"frame", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
