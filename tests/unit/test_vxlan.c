/*
 * test_vxlan.c - VXLAN header, outer encapsulation, bridge domains, peers and MAC table.
 */
#include "cu_main.h"

#include "common/net.h"
#include "vxlan/bd.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Deterministic PRNG (xorshift64*), so a failing stress run can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static void mac_set(uint8_t *m, uint64_t v)
{
	net_u64_to_mac(v, m);
}

/* ---------------------------------------------------------------- VXLAN header */

static void test_hdr_parse_short(void)
{
	uint8_t h[VX_HDR_LEN];
	uint32_t vni = 77;
	vx_hdr_build(h, 5000);
	for (size_t len = 0; len < VX_HDR_LEN; len++) {
		CU_ASSERT_EQUAL(vx_hdr_parse(h, len, true, &vni), VX_PARSE_SHORT);
		CU_ASSERT_EQUAL(vx_hdr_parse(h, len, false, &vni), VX_PARSE_SHORT);
	}
	CU_ASSERT_EQUAL(vni, 77); /* untouched on error */
}

static void test_hdr_parse_no_i(void)
{
	uint8_t h[VX_HDR_LEN] = {0x00, 0, 0, 0, 0x00, 0x13, 0x88, 0};
	uint32_t vni;
	CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), true, &vni), VX_PARSE_NO_I);
	CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), false, &vni), VX_PARSE_NO_I);
	h[0] = 0xf7; /* every flag but I */
	CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), true, &vni), VX_PARSE_NO_I);
	CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), false, &vni), VX_PARSE_NO_I);
}

static void test_hdr_parse_flags(void)
{
	uint8_t h[VX_HDR_LEN] = {0, 0, 0, 0, 0x00, 0x13, 0x88, 0};
	for (int bit = 0; bit < 8; bit++) {
		if ((1 << bit) == VX_FLAG_I)
			continue;
		h[0] = (uint8_t)(VX_FLAG_I | 1 << bit);
		uint32_t vni = 0;
		CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), true, &vni), VX_PARSE_FLAGS);
		CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), false, &vni), VX_PARSE_OK);
		CU_ASSERT_EQUAL(vni, 5000);
	}
}

static void test_hdr_parse_reserved(void)
{
	static const int reserved[] = {1, 2, 3, 7};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		uint8_t h[VX_HDR_LEN];
		uint32_t vni = 0;
		vx_hdr_build(h, 0xabcdef);
		h[reserved[i]] = 0x01;
		CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), true, &vni), VX_PARSE_RESERVED);
		CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), false, &vni), VX_PARSE_OK);
		CU_ASSERT_EQUAL(vni, 0xabcdef);
	}
}

static void test_hdr_roundtrip(void)
{
	static const uint32_t vnis[] = {1, 5000, 0x123456, 0x800000, VX_VNI_MAX};
	for (size_t i = 0; i < sizeof(vnis) / sizeof(vnis[0]); i++) {
		uint8_t h[VX_HDR_LEN + 4] = {0};
		uint32_t vni = 0;
		vx_hdr_build(h, vnis[i]);
		CU_ASSERT_EQUAL(h[0], VX_FLAG_I);
		CU_ASSERT(h[1] == 0 && h[2] == 0 && h[3] == 0 && h[7] == 0);
		CU_ASSERT_EQUAL(vx_hdr_parse(h, VX_HDR_LEN, true, &vni), VX_PARSE_OK);
		CU_ASSERT_EQUAL(vni, vnis[i]);
		/* trailing payload is not the header's business */
		CU_ASSERT_EQUAL(vx_hdr_parse(h, sizeof(h), true, &vni), VX_PARSE_OK);
	}
	uint8_t h[VX_HDR_LEN];
	vx_hdr_build(h, 0x012345);
	static const uint8_t want[VX_HDR_LEN] = {0x08, 0, 0, 0, 0x01, 0x23, 0x45, 0};
	CU_ASSERT_EQUAL(memcmp(h, want, sizeof(want)), 0);
}

/* ---------------------------------------------------------------- encapsulation */

static void test_encap_exact_bytes(void)
{
	/* 192.0.2.1 -> 192.0.2.11, port 4789, VNI 5000, inner 100 bytes, source port 50000. */
	static const uint8_t want[VX_ENCAP_LEN] = {
	    /* IPv4: ver/IHL, TOS, tot_len 136, ID 0, DF, TTL 64, UDP, checksum, src, dst */
	    0x45, 0x00, 0x00, 0x88, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb6, 0x58, 0xc0, 0x00,
	    0x02, 0x01, 0xc0, 0x00, 0x02, 0x0b,
	    /* UDP: sport 50000, dport 4789, len 116, checksum 0 */
	    0xc3, 0x50, 0x12, 0xb5, 0x00, 0x74, 0x00, 0x00,
	    /* VXLAN: I flag, VNI 0x001388 */
	    0x08, 0x00, 0x00, 0x00, 0x00, 0x13, 0x88, 0x00};
	struct vx_encap e;
	uint8_t out[VX_ENCAP_LEN];
	vx_encap_init(&e, IP4(192, 0, 2, 1), IP4(192, 0, 2, 11), VX_UDP_PORT, 5000);
	vx_encap_write(&e, out, 100, 50000, 0);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want)), 0);
}

static void check_encap_fields(const uint8_t *out, uint32_t src, uint32_t dst, uint16_t dport,
                               uint32_t vni, uint16_t inner_len, uint16_t sport)
{
	struct net_ip ip;
	struct net_udp udp;
	uint32_t got_vni = 0;
	memcpy(&ip, out, sizeof(ip));
	memcpy(&udp, out + NET_IP_HLEN, sizeof(udp));
	CU_ASSERT_EQUAL(net_csum(out, NET_IP_HLEN), 0); /* header checksum verifies */
	CU_ASSERT_EQUAL(ip.vhl, 0x45);
	CU_ASSERT_EQUAL(ip.tos, 0);
	CU_ASSERT_EQUAL(ntohs(ip.len), VX_ENCAP_LEN + inner_len);
	CU_ASSERT_EQUAL(ip.id, 0);
	CU_ASSERT_EQUAL(ntohs(ip.off), NET_IP_DF);
	CU_ASSERT_EQUAL(ip.ttl, VX_OUTER_TTL);
	CU_ASSERT_EQUAL(ip.proto, NET_IPPROTO_UDP);
	CU_ASSERT_EQUAL(ntohl(ip.src), src);
	CU_ASSERT_EQUAL(ntohl(ip.dst), dst);
	CU_ASSERT_EQUAL(ntohs(udp.sport), sport);
	CU_ASSERT_EQUAL(ntohs(udp.dport), dport);
	CU_ASSERT_EQUAL(ntohs(udp.len), NET_UDP_HLEN + VX_HDR_LEN + inner_len);
	CU_ASSERT_EQUAL(udp.sum, 0);
	CU_ASSERT_EQUAL(vx_hdr_parse(out + NET_IP_HLEN + NET_UDP_HLEN, VX_HDR_LEN, true, &got_vni),
	                VX_PARSE_OK);
	CU_ASSERT_EQUAL(got_vni, vni);
}

static void test_encap_fields_and_checksum(void)
{
	static const uint16_t lens[] = {0, 1, 14, 60, 1450, 9000, 65535 - VX_ENCAP_LEN};
	int bad = 0;
	for (int round = 0; round < 2000; round++) {
		uint32_t src = (uint32_t)rng(), dst = (uint32_t)rng();
		uint32_t vni = 1 + rng_below(VX_VNI_MAX);
		uint16_t dport = (uint16_t)rng();
		uint16_t len = round < 7 ? lens[round] : (uint16_t)rng_below(65536 - VX_ENCAP_LEN);
		uint16_t sport = vx_sport((uint32_t)rng());
		struct vx_encap e;
		uint8_t out[VX_ENCAP_LEN];
		vx_encap_init(&e, src, dst, dport, vni);
		vx_encap_write(&e, out, len, sport, 0);
		if (net_csum(out, NET_IP_HLEN) != 0)
			bad++;
		if (round < 50)
			check_encap_fields(out, src, dst, dport, vni, len, sport);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* A dst-0 template with the destination patched in equals a template built for it. */
static void test_encap_write_dst(void)
{
	struct vx_encap any, one;
	uint8_t a[VX_ENCAP_LEN], b[VX_ENCAP_LEN];
	uint32_t x = 99;
	vx_encap_init(&any, 0xc0000201u, 0, 4789, 5000);
	for (int i = 0; i < 2000; i++) {
		x = x * 1103515245u + 12345u;
		uint32_t dst = x ^ (x << 7);
		uint16_t len = (uint16_t)(x % 9000), sport = vx_sport(x >> 3);
		vx_encap_init(&one, 0xc0000201u, dst, 4789, 5000);
		vx_encap_write(&one, a, len, sport, 0);
		vx_encap_write_dst(&any, b, len, sport, dst, 0);
		CU_ASSERT_EQUAL(memcmp(a, b, VX_ENCAP_LEN), 0);
		CU_ASSERT_EQUAL(net_csum(b, 20), 0);
	}
}

static void test_encap_reuse(void)
{
	/* One prebuilt header serves many packets: each write is independent of the last. */
	struct vx_encap e;
	uint8_t a[VX_ENCAP_LEN], b[VX_ENCAP_LEN];
	vx_encap_init(&e, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 4789, 42);
	vx_encap_write(&e, a, 1000, 60000, 0);
	vx_encap_write(&e, b, 64, 50000, 0);
	vx_encap_write(&e, b, 1000, 60000, 0);
	CU_ASSERT_EQUAL(memcmp(a, b, VX_ENCAP_LEN), 0);
	check_encap_fields(a, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 4789, 42, 1000, 60000);
}

static void test_sport_range(void)
{
	CU_ASSERT_EQUAL(vx_sport(0), VX_SPORT_MIN);
	CU_ASSERT_EQUAL(vx_sport(0xffffffffu), VX_SPORT_MAX);
	int out_of_range = 0;
	for (int i = 0; i < 100000; i++) {
		uint16_t p = vx_sport((uint32_t)rng());
		if (p < VX_SPORT_MIN)
			out_of_range++;
	}
	CU_ASSERT_EQUAL(out_of_range, 0);
	/* every port of the range is reachable */
	uint32_t seen = 0;
	for (uint32_t h = 0; h < 0x4000; h++)
		seen += vx_sport(h) == VX_SPORT_MIN + h;
	CU_ASSERT_EQUAL(seen, 0x4000);
}

/* ---------------------------------------------------------------- IPv6 encapsulation */

static struct in6_addr ip6_of(const char *text)
{
	struct in6_addr a;
	CU_ASSERT_FATAL(net_ip6_parse(text, &a));
	return a;
}

/*
 * Verifies the UDP checksum of the IPv6/UDP packet at pkt (len bytes) the long way, byte
 * by byte in big-endian words, on nothing but the finished packet: the pseudo-header
 * (addresses, the UDP length as sent, next header 17) and the whole UDP datagram must sum
 * to 0xffff. Written apart from common/net.h on purpose.
 */
static bool udp6_csum_verifies(const uint8_t *pkt, size_t len)
{
	uint64_t sum = 0;
	for (size_t i = 8; i < NET_IP6_HLEN; i += 2)
		sum += (uint32_t)pkt[i] << 8 | pkt[i + 1];
	sum += len - NET_IP6_HLEN; /* the upper-layer length, < 65536 here */
	sum += NET_IPPROTO_UDP;
	for (size_t i = NET_IP6_HLEN; i < len; i++)
		sum += (i - NET_IP6_HLEN) % 2 ? pkt[i] : (uint32_t)pkt[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void test_encap6_exact_bytes(void)
{
	/* 2001:db8::1 -> 2001:db8::11, port 4789, VNI 5000, inner 100 bytes, source port
	 * 50000, traffic class 0xb8 (EF), flow label 0x12345, no checksum. */
	static const uint8_t want[VX_ENCAP6_LEN] = {
	    /* IPv6: version 6, TC 0xb8, label 0x12345; payload 116, next header UDP, hop 64 */
	    0x6b, 0x81, 0x23, 0x45, 0x00, 0x74, 0x11, 0x40,
	    /* source 2001:db8::1 */
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	    /* destination 2001:db8::11 */
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
	    /* UDP: sport 50000, dport 4789, len 116, checksum 0 */
	    0xc3, 0x50, 0x12, 0xb5, 0x00, 0x74, 0x00, 0x00,
	    /* VXLAN: I flag, VNI 0x001388 */
	    0x08, 0x00, 0x00, 0x00, 0x00, 0x13, 0x88, 0x00};
	struct in6_addr src = ip6_of("2001:db8::1"), dst = ip6_of("2001:db8::11");
	uint8_t pkt[VX_ENCAP6_LEN + 100];
	for (size_t i = 0; i < 100; i++)
		pkt[VX_ENCAP6_LEN + i] = (uint8_t)(i * 37 + 1);
	struct vx_encap6 e;
	vx_encap6_init(&e, &src, VX_UDP_PORT, 5000, false);
	vx_encap6_write(&e, pkt, 100, 50000, &dst, 0xb8, 0x12345);
	CU_ASSERT_EQUAL(memcmp(pkt, want, sizeof(want)), 0);

	/* with the checksum: the same bytes but for it, and it verifies */
	vx_encap6_init(&e, &src, VX_UDP_PORT, 5000, true);
	vx_encap6_write(&e, pkt, 100, 50000, &dst, 0xb8, 0x12345);
	CU_ASSERT_EQUAL(memcmp(pkt, want, VX_UDP6_OFF + 6), 0);
	CU_ASSERT_EQUAL(memcmp(pkt + VX_UDP6_OFF + 8, want + VX_UDP6_OFF + 8, VX_HDR_LEN), 0);
	CU_ASSERT_NOT_EQUAL(pkt[VX_UDP6_OFF + 6] | pkt[VX_UDP6_OFF + 7], 0);
	CU_ASSERT_TRUE(udp6_csum_verifies(pkt, sizeof(pkt)));
}

static void rng_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* Random addresses, ports, VNIs, lengths 0..9000 (odd ones and the edges first) and
 * buffer alignments: every checksum verifies by the independent computation. */
static void test_encap6_checksum_random(void)
{
	static const uint16_t lens[] = {0,  1,  2,  3,  7,    8,    9,    15,  16,
	                                17, 63, 64, 65, 1499, 1500, 8999, 9000};
	static uint8_t buf[8 + VX_ENCAP6_LEN + 9000];
	int bad = 0, zero = 0;
	for (int round = 0; round < 3000; round++) {
		size_t nl = sizeof(lens) / sizeof(lens[0]);
		uint16_t len = round < (int)nl ? lens[round] : (uint16_t)rng_below(9001);
		if (round % 3 == 1)
			len |= 1; /* odd lengths: a tail byte padded with zero */
		if (len > 9000)
			len = 8999;
		uint8_t *pkt = buf + rng_below(8); /* any alignment of the loads */
		struct in6_addr src, dst;
		rng_fill(src.s6_addr, 16);
		rng_fill(dst.s6_addr, 16);
		rng_fill(pkt + VX_ENCAP6_LEN, len);
		struct vx_encap6 e;
		vx_encap6_init(&e, &src, (uint16_t)rng(), 1 + rng_below(VX_VNI_MAX), true);
		vx_encap6_write(&e, pkt, len, vx_sport((uint32_t)rng()), &dst, (uint8_t)rng(),
		                vx_flow_label((uint32_t)rng()));
		bad += !udp6_csum_verifies(pkt, VX_ENCAP6_LEN + len);
		zero += pkt[VX_UDP6_OFF + 6] == 0 && pkt[VX_UDP6_OFF + 7] == 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(zero, 0);
}

/* A payload whose checksum computes to 0 goes out as 0xffff (0 would mean "none"). */
static void test_encap6_checksum_zero_is_ffff(void)
{
	struct in6_addr src = ip6_of("2001:db8::1"), dst = ip6_of("2001:db8::2");
	uint8_t pkt[VX_ENCAP6_LEN + 2] = {0};
	struct vx_encap6 e;
	vx_encap6_init(&e, &src, VX_UDP_PORT, 5000, true);
	vx_encap6_write(&e, pkt, 2, 50000, &dst, 0, 1);
	/* make the sum 0xffff: add the checksum just computed as the inner frame's 2 bytes */
	memcpy(pkt + VX_ENCAP6_LEN, pkt + VX_UDP6_OFF + 6, 2);
	vx_encap6_write(&e, pkt, 2, 50000, &dst, 0, 1);
	CU_ASSERT_EQUAL(pkt[VX_UDP6_OFF + 6], 0xff);
	CU_ASSERT_EQUAL(pkt[VX_UDP6_OFF + 7], 0xff);
	CU_ASSERT_TRUE(udp6_csum_verifies(pkt, sizeof(pkt)));
}

static void test_encap6_fields(void)
{
	struct in6_addr src = ip6_of("2001:db8:1::1"), dst = ip6_of("2001:db8:2::2");
	uint8_t pkt[VX_ENCAP6_LEN + 1500];
	memset(pkt, 0x5a, sizeof(pkt));
	struct vx_encap6 e;
	vx_encap6_init(&e, &src, 4790, 0xabcdef, false);
	for (int round = 0; round < 2000; round++) {
		uint8_t tc = (uint8_t)rng();
		uint32_t label = (uint32_t)rng(); /* bits above 20 must not leak */
		uint16_t len = (uint16_t)rng_below(1501), sport = vx_sport((uint32_t)rng());
		vx_encap6_write(&e, pkt, len, sport, &dst, tc, label);
		struct net_ip6 ip;
		struct net_udp udp;
		memcpy(&ip, pkt, sizeof(ip));
		memcpy(&udp, pkt + VX_UDP6_OFF, sizeof(udp));
		uint32_t v = ntohl(ip.vtcfl);
		uint32_t vni = 0;
		CU_ASSERT_EQUAL(v >> 28, 6);
		CU_ASSERT_EQUAL((v >> 20) & 0xff, tc);
		CU_ASSERT_EQUAL(v & 0xfffff, label & 0xfffff);
		CU_ASSERT_EQUAL(ntohs(ip.plen), VX_UDP_OVERHEAD + len);
		CU_ASSERT_EQUAL(ip.nxt, NET_IPPROTO_UDP);
		CU_ASSERT_EQUAL(ip.hlim, VX_OUTER_TTL);
		CU_ASSERT_EQUAL(memcmp(pkt + 8, &src, 16), 0);
		CU_ASSERT_EQUAL(memcmp(pkt + 24, &dst, 16), 0);
		CU_ASSERT_EQUAL(ntohs(udp.sport), sport);
		CU_ASSERT_EQUAL(ntohs(udp.dport), 4790);
		CU_ASSERT_EQUAL(ntohs(udp.len), VX_UDP_OVERHEAD + len);
		CU_ASSERT_EQUAL(udp.sum, 0); /* udp_csum false: none */
		CU_ASSERT_EQUAL(
		    vx_hdr_parse(pkt + VX_UDP6_OFF + NET_UDP_HLEN, VX_HDR_LEN, true, &vni),
		    VX_PARSE_OK);
		CU_ASSERT_EQUAL(vni, 0xabcdef);
		if (CU_get_number_of_failures())
			break;
	}
	/* the inner frame is read, never written */
	CU_ASSERT_EQUAL(pkt[VX_ENCAP6_LEN], 0x5a);
	CU_ASSERT_EQUAL(pkt[sizeof(pkt) - 1], 0x5a);
}

static void test_flow_label(void)
{
	CU_ASSERT_EQUAL(vx_flow_label(0), 1); /* never 0 */
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		uint32_t l = vx_flow_label((uint32_t)rng());
		bad += l == 0 || l > 0xfffff;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------------- DSCP and ECN */

/* RFC 6040 section 4.1, normal mode: the outer ECN field copies the inner one. */
static void test_outer_tclass(void)
{
	for (int ecn = 0; ecn < 4; ecn++) {
		for (int dscp = 0; dscp <= VX_DSCP_MAX; dscp++) {
			int inner = 0x2e << 2 | ecn; /* inner EF */
			CU_ASSERT_EQUAL(vx_outer_tclass(dscp, inner), dscp << 2 | ecn);
		}
		CU_ASSERT_EQUAL(vx_outer_tclass(VX_DSCP_INHERIT, 0xb8 | ecn), 0xb8 | ecn);
		CU_ASSERT_EQUAL(vx_outer_tclass(VX_DSCP_INHERIT, ecn), ecn);
	}
	/* not IP: DSCP 0 when inherited, the configured one otherwise; Not-ECT */
	CU_ASSERT_EQUAL(vx_outer_tclass(VX_DSCP_INHERIT, -1), 0);
	CU_ASSERT_EQUAL(vx_outer_tclass(46, -1), 0xb8);
	CU_ASSERT_EQUAL(vx_outer_tclass(0, -1), 0);
}

/* RFC 6040 section 4.2, figure 4: all 16 (inner, outer) combinations. */
static void test_ecn_decap_table(void)
{
	enum { N = VX_ECN_NOT_ECT, E1 = VX_ECN_ECT1, E0 = VX_ECN_ECT0, CE = VX_ECN_CE, DROP = -1 };
	static const struct {
		int inner, outer, want;
	} table[] = {
	    {N, N, N},    {N, E0, N},   {N, E1, N},   {N, CE, DROP}, {E0, N, E0},  {E0, E0, E0},
	    {E0, E1, E1}, {E0, CE, CE}, {E1, N, E1},  {E1, E0, E1},  {E1, E1, E1}, {E1, CE, CE},
	    {CE, N, CE},  {CE, E0, CE}, {CE, E1, CE}, {CE, CE, CE},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		uint8_t in = (uint8_t)table[i].inner, out = (uint8_t)table[i].outer;
		CU_ASSERT_EQUAL(vx_ecn_decap(out, in), table[i].want);
		/* whole TOS bytes: the DSCP bits do not matter */
		CU_ASSERT_EQUAL(vx_ecn_decap((uint8_t)(0xb8 | out), (uint8_t)(0x28 | in)),
		                table[i].want);
	}
}

/* An Ethernet frame (tagged when vlan) carrying an IPv4 header with TOS tos and a valid
 * checksum, or an IPv6 header with traffic class tos and flow label 0xabcde. */
static size_t inner_frame(uint8_t *f, int ver, bool vlan, uint8_t tos)
{
	size_t o = 12;
	memset(f, 0, 128);
	if (vlan) {
		f[o++] = 0x81;
		f[o++] = 0x00;
		f[o++] = 0x00;
		f[o++] = 0x0a;
	}
	f[o++] = ver == 4 ? 0x08 : 0x86;
	f[o++] = ver == 4 ? 0x00 : 0xdd;
	uint8_t *ip = f + o;
	if (ver == 4) {
		static const uint8_t h[NET_IP_HLEN] = {
		    0x45, 0, 0, 60, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 1, 10, 50, 10, 1, 20, 60};
		memcpy(ip, h, sizeof(h));
		ip[1] = tos;
		uint16_t sum = net_csum(ip, NET_IP_HLEN);
		memcpy(ip + 10, &sum, 2);
		return o + NET_IP_HLEN + 40;
	}
	ip[0] = (uint8_t)(0x60 | tos >> 4);
	ip[1] = (uint8_t)((tos & 0x0f) << 4 | 0x0a);
	ip[2] = 0xbc;
	ip[3] = 0xde;
	ip[5] = 20;
	ip[6] = NET_IPPROTO_UDP;
	ip[7] = 64;
	return o + NET_IP6_HLEN + 20;
}

static void test_inner_tclass_ip4(void)
{
	uint8_t f[128];
	for (int vlan = 0; vlan < 2; vlan++) {
		for (int ecn = 0; ecn < 4; ecn++) {
			size_t len = inner_frame(f, 4, vlan, (uint8_t)(0xb8 | ecn));
			uint8_t *ip = f + NET_ETH_HLEN + (vlan ? NET_VLAN_HLEN : 0);
			CU_ASSERT_EQUAL(vx_inner_tclass(f, len), 0xb8 | ecn);
			for (int to = 0; to < 4; to++) {
				vx_inner_set_ecn(f, len, (uint8_t)to);
				CU_ASSERT_EQUAL(vx_inner_tclass(f, len), 0xb8 | to);
				CU_ASSERT_EQUAL(net_csum(ip, NET_IP_HLEN), 0); /* still valid */
				/* and the same as a full recomputation, not merely valid */
				uint8_t h[NET_IP_HLEN];
				memcpy(h, ip, NET_IP_HLEN);
				h[10] = h[11] = 0;
				uint16_t full = net_csum(h, NET_IP_HLEN);
				CU_ASSERT_EQUAL(memcmp(&full, ip + 10, 2), 0);
			}
		}
	}
	/* a TOS whose checksum word wraps around: many random TOS bytes, each ECN */
	int bad = 0;
	for (int i = 0; i < 2000; i++) {
		size_t len = inner_frame(f, 4, i & 1, (uint8_t)rng());
		vx_inner_set_ecn(f, len, (uint8_t)rng_below(4));
		bad += net_csum(f + NET_ETH_HLEN + (i & 1 ? NET_VLAN_HLEN : 0), NET_IP_HLEN) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_inner_tclass_ip6(void)
{
	uint8_t f[128];
	for (int vlan = 0; vlan < 2; vlan++) {
		for (int tc = 0; tc < 256; tc++) {
			size_t len = inner_frame(f, 6, vlan, (uint8_t)tc);
			uint8_t *ip = f + NET_ETH_HLEN + (vlan ? NET_VLAN_HLEN : 0);
			CU_ASSERT_EQUAL(vx_inner_tclass(f, len), tc);
			uint8_t to = (uint8_t)(tc * 7 % 4);
			vx_inner_set_ecn(f, len, to);
			CU_ASSERT_EQUAL(vx_inner_tclass(f, len), (tc & ~VX_ECN_MASK) | to);
			/* version and flow label untouched */
			uint32_t w;
			memcpy(&w, ip, 4);
			w = ntohl(w);
			CU_ASSERT_EQUAL(w >> 28, 6);
			CU_ASSERT_EQUAL(w & 0xfffff, 0xabcde);
		}
	}
}

static void test_inner_tclass_short_and_other(void)
{
	uint8_t f[128], g[128];
	/* every length short of a whole fixed header: -1, and set_ecn writes nothing */
	for (int ver = 4; ver <= 6; ver += 2) {
		for (int vlan = 0; vlan < 2; vlan++) {
			inner_frame(f, ver, vlan, 0xbb);
			size_t whole = NET_ETH_HLEN + (vlan ? NET_VLAN_HLEN : 0) +
			               (ver == 4 ? NET_IP_HLEN : NET_IP6_HLEN);
			for (size_t len = 0; len < whole; len++) {
				CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
				memcpy(g, f, sizeof(f));
				vx_inner_set_ecn(g, len, VX_ECN_NOT_ECT);
				CU_ASSERT_EQUAL(memcmp(f, g, sizeof(f)), 0);
			}
			CU_ASSERT_EQUAL(vx_inner_tclass(f, whole), 0xbb);
		}
	}
	/* not IP: ARP, a QinQ outer tag, an IPv4 EtherType with another version, two tags */
	size_t len = inner_frame(f, 4, false, 0xb8);
	f[12] = 0x08;
	f[13] = 0x06;
	CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
	len = inner_frame(f, 4, true, 0xb8);
	f[12] = 0x88;
	f[13] = 0xa8;
	CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
	len = inner_frame(f, 4, false, 0xb8);
	f[NET_ETH_HLEN] = 0x65;
	CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
	len = inner_frame(f, 6, false, 0xb8);
	f[NET_ETH_HLEN] = 0x4b;
	CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
	len = inner_frame(f, 4, true, 0xb8);
	f[16] = 0x81; /* a second 802.1Q tag: only one is looked through */
	f[17] = 0x00;
	CU_ASSERT_EQUAL(vx_inner_tclass(f, len), -1);
}

/* ---------------------------------------------------------------- bridge domains */

static void test_table_create(void)
{
	CU_ASSERT_PTR_NULL(bd_table_create(0));
	CU_ASSERT_PTR_NULL(bd_table_create((size_t)BD_MAC_CAPACITY_MAX + 1));
	struct bd_table *t = bd_table_create(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.capacity, 1);
	CU_ASSERT_EQUAL(st.entries, 0);
	bd_table_destroy(t);
	bd_table_destroy(NULL);
}

static void test_strerror(void)
{
	static const int errs[] = {BD_OK,      BD_E_INVAL, BD_E_EXISTS,
	                           BD_E_NOENT, BD_E_FULL,  BD_E_NOMEM};
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		CU_ASSERT_PTR_NOT_NULL(bd_strerror(errs[i]));
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(bd_strerror(errs[i]), bd_strerror(errs[j]));
	}
	CU_ASSERT_PTR_NOT_NULL(bd_strerror(12345));
}

static void test_bd_add_del(void)
{
	struct bd_table *t = bd_table_create(64);
	CU_ASSERT_EQUAL(bd_add(t, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_add(t, BD_ID_MAX + 1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_add(t, 10), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, 10), BD_E_EXISTS);
	CU_ASSERT_EQUAL(bd_add(t, 20), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, BD_ID_MAX), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 10), 0);
	CU_ASSERT_EQUAL(bd_index(t, 20), 1);
	CU_ASSERT_EQUAL(bd_index(t, BD_ID_MAX), 2);
	CU_ASSERT_EQUAL(bd_index(t, 30), BD_NONE);
	CU_ASSERT_EQUAL(bd_index(t, 0), BD_NONE);
	CU_ASSERT_EQUAL(bd_id(t, 1), 20);
	CU_ASSERT_EQUAL(bd_id(t, 3), 0);
	CU_ASSERT_EQUAL(bd_id(t, BD_NONE), 0);

	struct bd_info bi;
	CU_ASSERT_TRUE(bd_get(t, 20, &bi));
	CU_ASSERT_EQUAL(bi.id, 20);
	CU_ASSERT_EQUAL(bi.bdx, 1);
	CU_ASSERT_EQUAL(bi.vni, 0);
	CU_ASSERT_EQUAL(bi.mac_aging, BD_MAC_AGING_DEFAULT);
	CU_ASSERT_EQUAL(bi.mac_limit, BD_MAC_LIMIT_DEFAULT);
	CU_ASSERT_EQUAL(bi.n_flood_peers, 0);
	CU_ASSERT_FALSE(bd_get(t, 30, &bi));

	CU_ASSERT_EQUAL(bd_del(t, 30), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_del(t, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_OK);
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_index(t, 10), BD_NONE);
	CU_ASSERT_EQUAL(bd_index(t, 20), 1); /* the others keep their index */
	CU_ASSERT_EQUAL(bd_add(t, 30), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 30), 0); /* freed index reused */
	bd_table_destroy(t);
}

static void test_bd_max(void)
{
	struct bd_table *t = bd_table_create(64);
	for (uint32_t i = 0; i < BD_MAX; i++)
		CU_ASSERT_EQUAL_FATAL(bd_add(t, 1000 + i * 7), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, 1), BD_E_FULL);
	for (uint32_t i = 0; i < BD_MAX; i++)
		CU_ASSERT_EQUAL(bd_index(t, 1000 + i * 7), i);
	CU_ASSERT_EQUAL(bd_del(t, 1000 + 5 * 7), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, 1), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 1), 5);
	for (uint32_t i = 0; i < BD_MAX; i++)
		if (i != 5)
			CU_ASSERT_EQUAL(bd_del(t, 1000 + i * 7), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 1), 5);
	bd_table_destroy(t);
}

static void test_bd_vni(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 10);
	bd_add(t, 20);
	CU_ASSERT_EQUAL(bd_set_vni(t, 10, 0), BD_OK);
	CU_ASSERT_EQUAL(bd_set_vni(t, 10, VX_VNI_MAX + 1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_vni(t, 30, 5000), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_set_vni(t, 0, 5000), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_vni(t, 10, 5000), BD_OK);
	CU_ASSERT_EQUAL(bd_set_vni(t, 10, 5000), BD_OK); /* same again: no-op */
	CU_ASSERT_EQUAL(bd_set_vni(t, 20, 5000), BD_E_EXISTS);
	CU_ASSERT_EQUAL(bd_vni(t, 1), 0); /* the refused call changed nothing */
	CU_ASSERT_EQUAL(bd_by_vni(t, 5000), 0);
	CU_ASSERT_EQUAL(bd_vni(t, 0), 5000);
	CU_ASSERT_EQUAL(bd_by_vni(t, 0), BD_NONE);
	CU_ASSERT_EQUAL(bd_by_vni(t, VX_VNI_MAX + 1), BD_NONE);

	CU_ASSERT_EQUAL(bd_set_vni(t, 10, VX_VNI_MAX), BD_OK);
	CU_ASSERT_EQUAL(bd_by_vni(t, 5000), BD_NONE);
	CU_ASSERT_EQUAL(bd_by_vni(t, VX_VNI_MAX), 0);
	CU_ASSERT_EQUAL(bd_set_vni(t, 20, 5000), BD_OK);
	CU_ASSERT_EQUAL(bd_by_vni(t, 5000), 1);

	CU_ASSERT_EQUAL(bd_set_vni(t, 20, 0), BD_OK);
	CU_ASSERT_EQUAL(bd_by_vni(t, 5000), BD_NONE);
	CU_ASSERT_EQUAL(bd_vni(t, 1), 0);
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_OK);
	CU_ASSERT_EQUAL(bd_by_vni(t, VX_VNI_MAX), BD_NONE);
	CU_ASSERT_EQUAL(bd_set_vni(t, 20, VX_VNI_MAX), BD_OK); /* freed by bd_del */
	CU_ASSERT_EQUAL(bd_vni(t, BD_NONE), 0);
	bd_table_destroy(t);
}

static void test_bd_many_vnis(void)
{
	/* Fill both maps completely and churn them: exercises the backward-shift deletes. */
	struct bd_table *t = bd_table_create(64);
	for (uint32_t i = 0; i < BD_MAX; i++) {
		CU_ASSERT_EQUAL_FATAL(bd_add(t, i + 1), BD_OK);
		CU_ASSERT_EQUAL_FATAL(bd_set_vni(t, i + 1, (i + 1) * 4093 % VX_VNI_MAX), BD_OK);
	}
	for (int round = 0; round < 20000; round++) {
		uint32_t id = 1 + rng_below(BD_MAX);
		uint32_t vni = 1 + rng_below(VX_VNI_MAX);
		uint32_t old = bd_vni(t, bd_index(t, id));
		if (bd_set_vni(t, id, vni) == BD_OK) {
			CU_ASSERT_EQUAL(bd_by_vni(t, vni), bd_index(t, id));
			if (old != vni)
				CU_ASSERT_EQUAL(bd_by_vni(t, old), BD_NONE);
		}
	}
	int bad = 0;
	for (uint32_t i = 0; i < BD_MAX; i++)
		bad += bd_by_vni(t, bd_vni(t, i)) != i;
	CU_ASSERT_EQUAL(bad, 0);
	bd_table_destroy(t);
}

static void test_flood_peers(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 10);
	static const uint32_t bad[] = {
	    0,           IP4(0, 1, 2, 3),  IP4(224, 0, 0, 1), IP4(239, 1, 1, 1), IP4(240, 0, 0, 0),
	    0xffffffffu, VX_VTEP6_UNKNOWN, VX_GROUP6_FIRST,   VX_GROUP6_LAST};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, bad[i]), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 11, IP4(192, 0, 2, 11)), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(192, 0, 2, 12)), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(10, 0, 0, 1)), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(192, 0, 2, 11)), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(192, 0, 2, 11)), BD_E_EXISTS);

	const uint32_t *p;
	uint32_t bdx = bd_index(t, 10);
	CU_ASSERT_EQUAL_FATAL(bd_flood_peers(t, bdx, &p), 3);
	CU_ASSERT_EQUAL(p[0], IP4(10, 0, 0, 1));
	CU_ASSERT_EQUAL(p[1], IP4(192, 0, 2, 11));
	CU_ASSERT_EQUAL(p[2], IP4(192, 0, 2, 12));
	CU_ASSERT_EQUAL(bd_flood_peers(t, BD_NONE, &p), 0);

	CU_ASSERT_EQUAL(bd_flood_peer_del(t, 10, IP4(10, 0, 0, 2)), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_flood_peer_del(t, 10, IP4(192, 0, 2, 11)), BD_OK);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL_FATAL(bi.n_flood_peers, 2);
	CU_ASSERT_EQUAL(bi.flood_peers[0], IP4(10, 0, 0, 1));
	CU_ASSERT_EQUAL(bi.flood_peers[1], IP4(192, 0, 2, 12));

	/* up to BD_PEERS_MAX, kept sorted whatever the insertion order */
	for (uint32_t i = 0; bi.n_flood_peers < BD_PEERS_MAX; i++) {
		bd_flood_peer_add(t, 10, IP4(10, 1, 0, 0) + (uint32_t)rng_below(60000));
		bd_get(t, 10, &bi);
	}
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(10, 2, 0, 0)), BD_E_FULL);
	size_t n = bd_flood_peers(t, bdx, &p);
	CU_ASSERT_EQUAL(n, BD_PEERS_MAX);
	int unsorted = 0;
	for (size_t i = 1; i < n; i++)
		unsorted += p[i - 1] >= p[i];
	CU_ASSERT_EQUAL(unsorted, 0);
	bd_table_destroy(t);
}

static void test_bd_settings(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 10);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 10, IP4(192, 0, 2, 1)), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 10, 0xffffffffu), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 11, IP4(239, 1, 1, 1)), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 10, IP4(239, 1, 1, 70)), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_group(t, 0), IP4(239, 1, 1, 70));
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 10, 0), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_group(t, 0), 0);
	CU_ASSERT_EQUAL(bd_flood_group(t, 7), 0);

	CU_ASSERT_EQUAL(bd_set_mac_aging(t, 10, 0), BD_OK);
	CU_ASSERT_EQUAL(bd_set_mac_aging(t, 10, BD_MAC_AGING_MAX), BD_OK);
	CU_ASSERT_EQUAL(bd_set_mac_aging(t, 10, BD_MAC_AGING_MAX + 1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_mac_aging(t, 11, 10), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 10, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 10, BD_MAC_LIMIT_MAX + 1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 10, 1), BD_OK);
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 10, BD_MAC_LIMIT_MAX), BD_OK);
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 11, 1), BD_E_NOENT);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.mac_aging, BD_MAC_AGING_MAX);
	CU_ASSERT_EQUAL(bi.mac_limit, BD_MAC_LIMIT_MAX);
	bd_table_destroy(t);
}

struct collect {
	uint32_t ids[64];
	int n;
	int stop_at;
};

static int collect_bd(const struct bd_info *bi, void *arg)
{
	struct collect *c = arg;
	c->ids[c->n++] = bi->id;
	return c->n == c->stop_at ? 42 : 0;
}

static void test_bd_walk(void)
{
	struct bd_table *t = bd_table_create(64);
	static const uint32_t ids[] = {30, 10, 16777215, 20, 1, 25};
	for (size_t i = 0; i < 6; i++)
		bd_add(t, ids[i]);
	bd_del(t, 20);
	struct collect c = {.n = 0};
	CU_ASSERT_EQUAL(bd_walk(t, collect_bd, &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.n, 5);
	static const uint32_t want[] = {1, 10, 25, 30, 16777215};
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(c.ids[i], want[i]);
	c = (struct collect){.stop_at = 2};
	CU_ASSERT_EQUAL(bd_walk(t, collect_bd, &c), 42);
	CU_ASSERT_EQUAL(c.n, 2);
	bd_table_destroy(t);
}

/* ---------------------------------------------------------------- peers */

static void test_peer_accept_list(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 10);
	uint32_t bdx = bd_index(t, 10);
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 11), 0)); /* nobody configured */
	bd_flood_peer_add(t, 10, IP4(192, 0, 2, 11));
	bd_flood_peer_add(t, 10, IP4(192, 0, 2, 12));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 11), 0));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 12), 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 13), 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, 0, 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx + 1, IP4(192, 0, 2, 11), 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, BD_NONE, IP4(192, 0, 2, 11), 0));
	bd_flood_peer_del(t, 10, IP4(192, 0, 2, 11));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 11), 0));
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 0);
	bd_table_destroy(t);
}

static void test_peer_accept_group(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 30);
	uint32_t bdx = bd_index(t, 30);
	struct bd_info bi;
	bd_set_flood_group(t, 30, IP4(239, 1, 1, 70));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 21), 1000));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 21), 2000));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(224, 0, 0, 5), 2000)); /* not a VTEP */
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, 0, 2000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 1);

	/* bounded: the 1025th new VTEP is refused, known ones still pass */
	for (uint32_t i = 1; i < BD_LEARNED_PEERS_MAX; i++)
		CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(10, 0, 0, 0) + i, 3000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, BD_LEARNED_PEERS_MAX);
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(10, 9, 9, 9), 3000));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 21), 3000));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(10, 0, 0, 7), 3000));

	/* re-applying the same group keeps them; another group forgets them */
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, IP4(239, 1, 1, 70)), BD_OK);
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, BD_LEARNED_PEERS_MAX);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, IP4(239, 1, 1, 71)), BD_OK);
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 0);
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(10, 9, 9, 9), 4000));

	/* a configured peer is accepted without being learned, and stops being learned */
	bd_flood_peer_add(t, 30, IP4(10, 9, 9, 9));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 50), 4000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 1);
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(10, 9, 9, 9), 4000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 1);

	/* without the group only the list remains */
	bd_set_flood_group(t, 30, 0);
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx, IP4(192, 0, 2, 50), 5000));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx, IP4(10, 9, 9, 9), 5000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 0);
	bd_table_destroy(t);
}

static void test_learned_peers_age(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 30);
	uint32_t bdx = bd_index(t, 30);
	bd_set_flood_group(t, 30, IP4(239, 1, 1, 70));
	bd_set_mac_aging(t, 30, 10);
	bd_peer_accept(t, bdx, IP4(192, 0, 2, 1), 0);
	bd_peer_accept(t, bdx, IP4(192, 0, 2, 2), 5000);
	bd_mac_age(t, 10000);
	struct bd_info bi;
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 2);
	bd_mac_age(t, 10001);
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 1);
	bd_set_mac_aging(t, 30, 0); /* never */
	bd_mac_age(t, 1000000000);
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 1);
	bd_table_destroy(t);
}

struct peer_rec {
	struct bd_peer_info p[16];
	int n;
};

static int collect_peer(const struct bd_peer_info *pi, void *arg)
{
	struct peer_rec *r = arg;
	r->p[r->n++] = *pi;
	return 0;
}

static void test_peer_walk(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 30);
	bd_add(t, 10);
	bd_flood_peer_add(t, 10, IP4(192, 0, 2, 12));
	bd_flood_peer_add(t, 10, IP4(192, 0, 2, 11));
	bd_set_flood_group(t, 30, IP4(239, 1, 1, 70));
	bd_flood_peer_add(t, 30, IP4(192, 0, 2, 20));
	bd_peer_accept(t, bd_index(t, 30), IP4(192, 0, 2, 25), 1000);
	bd_peer_accept(t, bd_index(t, 30), IP4(192, 0, 2, 5), 1500);
	struct peer_rec r = {.n = 0};
	CU_ASSERT_EQUAL(bd_peer_walk(t, 3000, collect_peer, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 5);
	static const struct {
		uint32_t bd, vtep;
		bool learned;
		uint64_t age;
	} want[] = {{10, IP4(192, 0, 2, 11), false, 0},
	            {10, IP4(192, 0, 2, 12), false, 0},
	            {30, IP4(192, 0, 2, 5), true, 1500},
	            {30, IP4(192, 0, 2, 20), false, 0},
	            {30, IP4(192, 0, 2, 25), true, 2000}};
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(r.p[i].bd_id, want[i].bd);
		CU_ASSERT_EQUAL(r.p[i].vtep, want[i].vtep);
		CU_ASSERT_EQUAL(r.p[i].learned, want[i].learned);
		CU_ASSERT_EQUAL(r.p[i].age_ms, want[i].age);
	}
	bd_del(t, 30);
	r.n = 0;
	CU_ASSERT_EQUAL(bd_peer_walk(t, 3000, collect_peer, &r), 0);
	CU_ASSERT_EQUAL(r.n, 2);
	bd_table_destroy(t);
}

/* ---------------------------------------------------------------- MAC table */

static const uint8_t MAC_A[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t MAC_B[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x56};
static const uint8_t MAC_C[6] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
#define VTEP1 IP4(192, 0, 2, 11)
#define VTEP2 IP4(192, 0, 2, 12)
#define VTEP3 IP4(192, 0, 2, 13)

static struct bd_table *table_with_bds(size_t capacity, int n)
{
	struct bd_table *t = bd_table_create(capacity);
	for (int i = 1; i <= n; i++)
		bd_add(t, (uint32_t)i * 10); /* ids 10, 20, ... at bdx 0, 1, ... */
	return t;
}

static void test_mac_learn_refresh_move(void)
{
	struct bd_table *t = table_with_bds(64, 2);
	uint32_t v = 0;
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 1000), BD_MAC_NEW);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP1);
	CU_ASSERT_FALSE(bd_mac_lookup(t, 1, MAC_A, &v)); /* per bridge domain */
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, MAC_B, &v));
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 2000), BD_MAC_REFRESHED);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP2, 3000), BD_MAC_MOVED);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP2);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 1, MAC_A, VTEP3, 3000), BD_MAC_NEW);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 1, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP3);
	/* the vector path: hash once at prefetch, look up with it a stage later */
	v = 0;
	CU_ASSERT_TRUE(bd_mac_lookup_hashed(t, 0, MAC_A, bd_mac_prefetch(t, 0, MAC_A), &v));
	CU_ASSERT_EQUAL(v, VTEP2);
	CU_ASSERT_TRUE(bd_mac_lookup_hashed(t, 1, MAC_A, bd_mac_prefetch(t, 1, MAC_A), &v));
	CU_ASSERT_EQUAL(v, VTEP3);
	CU_ASSERT_FALSE(bd_mac_lookup_hashed(t, 0, MAC_B, bd_mac_prefetch(t, 0, MAC_B), &v));
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_C, VTEP3, 3000), BD_MAC_NEW);

	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.learned, 3);
	CU_ASSERT_EQUAL(st.moved, 1);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(st.capacity, 64);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 2);
	CU_ASSERT_EQUAL(bi.n_static_macs, 0);
	bd_table_destroy(t);
}

static void test_mac_invalid(void)
{
	struct bd_table *t = table_with_bds(64, 1);
	static const uint8_t zero[6] = {0}, bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	                     mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01},
	                     v6mcast[6] = {0x33, 0x33, 0, 0, 0, 1};
	const uint8_t *bad[] = {zero, bcast, mcast, v6mcast};
	uint32_t v;
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(bd_mac_learn(t, 0, bad[i], VTEP1, 0), BD_MAC_INVALID);
		CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, bad[i], VTEP1), BD_E_INVAL);
		CU_ASSERT_FALSE(bd_mac_lookup(t, 0, bad[i], &v));
	}
	/* no bridge domain, or no VTEP */
	CU_ASSERT_EQUAL(bd_mac_learn(t, 1, MAC_A, VTEP1, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_learn(t, BD_NONE, MAC_A, VTEP1, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, 0, 0), BD_E_INVAL);
	CU_ASSERT_FALSE(bd_mac_lookup(t, BD_NONE, MAC_A, &v));
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, IP4(239, 0, 0, 1)), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 11, MAC_A, VTEP1), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 0, MAC_A, VTEP1), BD_E_INVAL);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 0);
	bd_table_destroy(t);
}

static void test_mac_static(void)
{
	struct bd_table *t = table_with_bds(64, 1);
	uint32_t v;
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, VTEP1), BD_OK);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP1);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 0), BD_MAC_STATIC);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP2, 0), BD_MAC_STATIC);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP1); /* never moves */
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.static_conflicts, 1);
	CU_ASSERT_EQUAL(st.learned, 0);

	/* re-configuring changes its VTEP; a dynamic entry is promoted to static */
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, VTEP3), BD_OK);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(v, VTEP3);
	bd_mac_learn(t, 0, MAC_B, VTEP1, 0);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_B, VTEP2), BD_OK);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 2);
	CU_ASSERT_EQUAL(bi.n_static_macs, 2);

	/* statics ignore aging and clearing */
	bd_set_mac_aging(t, 10, 1);
	CU_ASSERT_EQUAL(bd_mac_age(t, 1000000000), 0);
	bd_mac_clear_dynamic(t, 0);
	bd_mac_clear_dynamic(t, 10);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_B, &v));
	CU_ASSERT_EQUAL(v, VTEP2);

	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_C, VTEP1, 0), BD_MAC_NEW);
	CU_ASSERT_EQUAL(bd_mac_static_del(t, 10, MAC_C), BD_E_NOENT); /* dynamic */
	CU_ASSERT_EQUAL(bd_mac_static_del(t, 11, MAC_A), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_mac_static_del(t, 10, MAC_A), BD_OK);
	CU_ASSERT_EQUAL(bd_mac_static_del(t, 10, MAC_A), BD_E_NOENT);
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 0), BD_MAC_NEW);
	bd_table_destroy(t);
}

/* IPv6 VTEP names (vxlan/vtep.h) beside IPv4 addresses: peers, groups, learning. */
static void test_peers_ipv6_names(void)
{
	struct bd_table *t = bd_table_create(64);
	bd_add(t, 10);
	bd_add(t, 30);
	uint32_t bdx10 = bd_index(t, 10), bdx30 = bd_index(t, 30);
	const uint32_t v6a = VX_VTEP6_FIRST, v6b = VX_VTEP6_FIRST + 7, v6last = VX_VTEP6_LAST;
	/* flood peers of both families in one bridge domain */
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, v6a), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, v6last), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, IP4(192, 0, 2, 11)), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, v6a), BD_E_EXISTS);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, VX_VTEP6_UNKNOWN), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, VX_GROUP6_FIRST), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_flood_peer_add(t, 10, VX_VTEP6_FIRST - 1), BD_E_INVAL);
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx10, v6a, 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx10, v6b, 0));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx10, VX_VTEP6_UNKNOWN, 0));
	CU_ASSERT_EQUAL(bd_flood_peer_del(t, 10, v6last), BD_OK);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL_FATAL(bi.n_flood_peers, 2);
	CU_ASSERT_EQUAL(bi.flood_peers[0], IP4(192, 0, 2, 11));
	CU_ASSERT_EQUAL(bi.flood_peers[1], v6a);

	/* flood groups: IPv6 group names, not VTEP names */
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, v6a), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, VX_VTEP6_UNKNOWN), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, VX_GROUP6_FIRST), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_group(t, bdx30), VX_GROUP6_FIRST);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, VX_GROUP6_LAST), BD_OK);
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, 0xffffffffu), BD_E_INVAL);
	/* learned from it: IPv6 names and IPv4 addresses, never the unknown sender */
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx30, v6b, 1000));
	CU_ASSERT_TRUE(bd_peer_accept(t, bdx30, IP4(192, 0, 2, 21), 1000));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx30, VX_VTEP6_UNKNOWN, 1000));
	CU_ASSERT_FALSE(bd_peer_accept(t, bdx30, VX_GROUP6_FIRST, 1000));
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 2);
	/* an IPv4 group after an IPv6 one forgets what was learned */
	CU_ASSERT_EQUAL(bd_set_flood_group(t, 30, IP4(239, 1, 1, 70)), BD_OK);
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_learned_peers, 0);

	/* static MACs behind an IPv6 VTEP; learning behind one */
	uint32_t v;
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, v6a), BD_OK);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_B, VX_VTEP6_UNKNOWN), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_B, VX_GROUP6_FIRST), BD_E_INVAL);
	CU_ASSERT_TRUE(bd_mac_lookup(t, bdx10, MAC_A, &v));
	CU_ASSERT_EQUAL(v, v6a);
	CU_ASSERT_EQUAL(bd_mac_learn(t, bdx10, MAC_C, v6b, 0), BD_MAC_NEW);
	CU_ASSERT_EQUAL(bd_mac_learn(t, bdx10, MAC_C, IP4(192, 0, 2, 11), 0), BD_MAC_MOVED);
	bd_table_destroy(t);
}

static void mac_n(uint8_t *m, uint32_t n)
{
	mac_set(m, 0x020000000000ull | n);
}

static void test_mac_limit(void)
{
	struct bd_table *t = table_with_bds(64, 2);
	uint8_t m[6];
	CU_ASSERT_EQUAL(bd_set_mac_limit(t, 10, 3), BD_OK);
	mac_n(m, 100);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, m, VTEP1), BD_OK); /* statics don't count */
	for (uint32_t i = 0; i < 3; i++) {
		mac_n(m, i);
		CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_NEW);
	}
	mac_n(m, 3);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_LIMIT);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 1, m, VTEP1, 0), BD_MAC_NEW); /* other BD unaffected */
	mac_n(m, 1);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 1000), BD_MAC_REFRESHED);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP2, 1000), BD_MAC_MOVED);
	mac_n(m, 101);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, m, VTEP1), BD_OK); /* statics still fine */
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.limit_drops, 1);

	/* lowering the limit keeps what is there and stops learning */
	bd_set_mac_limit(t, 10, 1);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 5);
	mac_n(m, 7);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_LIMIT);
	bd_mac_clear_dynamic(t, 10);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_NEW);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 0), BD_MAC_LIMIT);
	bd_table_destroy(t);
}

static void test_mac_full(void)
{
	struct bd_table *t = table_with_bds(8, 3);
	uint8_t m[6];
	for (uint32_t i = 0; i < 8; i++) {
		mac_n(m, i);
		CU_ASSERT_EQUAL(bd_mac_learn(t, i % 3, m, VTEP1, 0), BD_MAC_NEW);
	}
	mac_n(m, 8);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_FULL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, m, VTEP1), BD_E_FULL);
	mac_n(m, 0);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_REFRESHED);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, m, VTEP2), BD_OK); /* promotion needs no slot */
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.full_drops, 1);
	CU_ASSERT_EQUAL(st.entries, 8);
	bd_mac_clear_dynamic(t, 20);
	mac_n(m, 8);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_NEW);
	bd_table_destroy(t);
}

static void test_mac_zero_key_trap(void)
{
	/* bdx 0 + MAC 00:..:00 must not look like an empty slot to the lookup. */
	struct bd_table *t = table_with_bds(4, 1);
	static const uint8_t zero[6] = {0};
	uint32_t v = 1234;
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, zero, &v));
	CU_ASSERT_EQUAL(v, 1234);
	bd_table_destroy(t);
}

static void test_mac_aging(void)
{
	struct bd_table *t = table_with_bds(64, 3);
	uint32_t v;
	bd_set_mac_aging(t, 10, 100);
	bd_set_mac_aging(t, 20, 300);
	bd_set_mac_aging(t, 30, 0);
	uint64_t t0 = 1000; /* learned at second 1 */
	for (uint32_t b = 0; b < 3; b++) {
		CU_ASSERT_EQUAL(bd_mac_learn(t, b, MAC_A, VTEP1, t0), BD_MAC_NEW);
		CU_ASSERT_EQUAL(bd_mac_learn(t, b, MAC_B, VTEP1, t0), BD_MAC_NEW);
	}
	bd_mac_static_add(t, 10, MAC_C, VTEP2);
	/* idle exactly 100 s: not yet (aged when idle for MORE than the aging time) */
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 100000), 0);
	/* keep MAC_B of BD 10 alive */
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_B, VTEP1, t0 + 100000), BD_MAC_REFRESHED);
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 101000), 1);
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_B, &v));
	CU_ASSERT_TRUE(bd_mac_lookup(t, 0, MAC_C, &v)); /* static */
	CU_ASSERT_TRUE(bd_mac_lookup(t, 1, MAC_A, &v));

	/* an aging change applies to entries already there */
	bd_set_mac_aging(t, 20, 150);
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 150000), 0);
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 151000), 2);
	CU_ASSERT_FALSE(bd_mac_lookup(t, 1, MAC_A, &v));
	CU_ASSERT_FALSE(bd_mac_lookup(t, 1, MAC_B, &v));
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 202000), 1); /* BD 10's MAC_B, refreshed at 101 s */

	/* aging 0: never */
	CU_ASSERT_EQUAL(bd_mac_age(t, 1000ull * 1000 * 1000 * 1000), 0);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 2, MAC_A, &v));
	CU_ASSERT_TRUE(bd_mac_lookup(t, 2, MAC_B, &v));
	/* ... until it is set */
	bd_set_mac_aging(t, 30, 10);
	CU_ASSERT_EQUAL(bd_mac_age(t, t0 + 12000), 2);
	/* a clock that went backwards ages nothing */
	CU_ASSERT_EQUAL(bd_mac_learn(t, 2, MAC_A, VTEP1, 50000), BD_MAC_NEW);
	CU_ASSERT_EQUAL(bd_mac_age(t, 1000), 0);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.aged, 6);
	bd_table_destroy(t);
}

static void test_mac_clear(void)
{
	struct bd_table *t = table_with_bds(256, 3);
	uint8_t m[6];
	for (uint32_t i = 0; i < 60; i++) {
		mac_n(m, i);
		bd_mac_learn(t, i % 3, m, VTEP1, 0);
	}
	mac_n(m, 1000);
	bd_mac_static_add(t, 20, m, VTEP2);
	bd_mac_clear_dynamic(t, 20);
	bd_mac_clear_dynamic(t, 99); /* unknown: nothing happens */
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 20);
	bd_get(t, 20, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 1);
	uint32_t v, found = 0;
	for (uint32_t i = 0; i < 60; i++) {
		mac_n(m, i);
		found += bd_mac_lookup(t, i % 3, m, &v);
	}
	CU_ASSERT_EQUAL(found, 40);
	bd_mac_clear_dynamic(t, 0);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	mac_n(m, 1000);
	CU_ASSERT_TRUE(bd_mac_lookup(t, 1, m, &v));
	bd_table_destroy(t);
}

static void test_bd_del_flushes(void)
{
	struct bd_table *t = table_with_bds(256, 2);
	uint8_t m[6];
	bd_set_vni(t, 10, 5000);
	bd_flood_peer_add(t, 10, VTEP1);
	for (uint32_t i = 0; i < 50; i++) {
		mac_n(m, i);
		bd_mac_learn(t, 0, m, VTEP1, 0);
		bd_mac_learn(t, 1, m, VTEP2, 0);
	}
	bd_mac_static_add(t, 10, MAC_A, VTEP1);
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_OK);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 50);
	CU_ASSERT_EQUAL(bd_add(t, 11), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 11), 0); /* same index as the deleted one */
	uint32_t v, found = 0;
	for (uint32_t i = 0; i < 50; i++) {
		mac_n(m, i);
		found += bd_mac_lookup(t, 0, m, &v);
		CU_ASSERT_TRUE(bd_mac_lookup(t, 1, m, &v));
	}
	CU_ASSERT_EQUAL(found, 0);
	CU_ASSERT_FALSE(bd_mac_lookup(t, 0, MAC_A, &v));
	CU_ASSERT_FALSE(bd_peer_accept(t, 0, VTEP1, 0));
	CU_ASSERT_EQUAL(bd_by_vni(t, 5000), BD_NONE);
	struct bd_info bi;
	bd_get(t, 11, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 0);
	CU_ASSERT_EQUAL(bi.n_flood_peers, 0);
	bd_table_destroy(t);
}

struct mac_rec {
	struct bd_mac_info m[64];
	int n;
};

static int collect_mac(const struct bd_mac_info *mi, void *arg)
{
	struct mac_rec *r = arg;
	r->m[r->n++] = *mi;
	return r->n == 64 ? 7 : 0;
}

static void test_mac_walk(void)
{
	struct bd_table *t = bd_table_create(256);
	bd_add(t, 30);
	bd_add(t, 10);
	bd_add(t, 20);
	uint8_t m[6];
	/* learn in a scrambled order: walk must come out by (bd id, mac) */
	for (uint32_t i = 0; i < 30; i++) {
		uint32_t k = (i * 7) % 30;
		mac_n(m, 0x100 - k);
		bd_mac_learn(t, k % 3, m, VTEP1 + k, 2000);
	}
	bd_mac_static_add(t, 20, MAC_C, VTEP3);
	struct mac_rec r = {.n = 0};
	CU_ASSERT_EQUAL(bd_mac_walk(t, 0, 5500, collect_mac, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 31);
	int unordered = 0;
	for (int i = 1; i < r.n; i++) {
		const struct bd_mac_info *a = &r.m[i - 1], *b = &r.m[i];
		if (a->bd_id > b->bd_id || (a->bd_id == b->bd_id && memcmp(a->mac, b->mac, 6) >= 0))
			unordered++;
	}
	CU_ASSERT_EQUAL(unordered, 0);
	CU_ASSERT_EQUAL(r.m[0].bd_id, 10);
	CU_ASSERT_EQUAL(r.m[30].bd_id, 30);
	/* BD 20 (bdx 2) has the static 00:..:01 first */
	r.n = 0;
	CU_ASSERT_EQUAL(bd_mac_walk(t, 20, 5500, collect_mac, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 11);
	CU_ASSERT_EQUAL(memcmp(r.m[0].mac, MAC_C, 6), 0);
	CU_ASSERT_TRUE(r.m[0].is_static);
	CU_ASSERT_EQUAL(r.m[0].vtep, VTEP3);
	CU_ASSERT_EQUAL(r.m[0].age_ms, 0);
	CU_ASSERT_FALSE(r.m[1].is_static);
	CU_ASSERT_EQUAL(r.m[1].age_ms, 3500);
	/* the entry with k: mac 0x100 - k, vtep VTEP1 + k */
	uint32_t k = 0x100 - (uint32_t)r.m[1].mac[5];
	CU_ASSERT_EQUAL(r.m[1].vtep, VTEP1 + k);
	CU_ASSERT_EQUAL(k % 3, 2);
	CU_ASSERT_EQUAL(bd_mac_walk(t, 99, 0, collect_mac, &r), BD_E_NOENT);
	bd_table_destroy(t);
}

static void test_mac_walk_stop(void)
{
	struct bd_table *t = table_with_bds(256, 1);
	uint8_t m[6];
	for (uint32_t i = 0; i < 100; i++) {
		mac_n(m, i);
		bd_mac_learn(t, 0, m, VTEP1, 0);
	}
	struct mac_rec r = {.n = 0};
	CU_ASSERT_EQUAL(bd_mac_walk(t, 10, 0, collect_mac, &r), 7);
	CU_ASSERT_EQUAL(r.n, 64);
	bd_table_destroy(t);
}

/* bd_mac_foreach: visits per (bridge domain id / 10 - 1, n of mac_n). */
#define FE_MACS 600

struct foreach_rec {
	const struct bd_table *t;
	uint8_t visits[3][FE_MACS];
	unsigned n, bad, stop_at;
};

static int foreach_mac(const struct bd_mac_info *mi, void *arg)
{
	struct foreach_rec *r = arg;
	uint32_t b = mi->bd_id / 10 - 1, n = (uint32_t)mi->mac[4] << 8 | mi->mac[5];
	if (mi->bd_id % 10 || b >= 3 || n >= FE_MACS || mi->bdx != bd_index(r->t, mi->bd_id) ||
	    mi->is_static != (n % 4 == 0) || mi->vtep != (mi->is_static ? VTEP3 : VTEP1 + b))
		r->bad++;
	else
		r->visits[b][n]++;
	r->n++;
	return r->n == r->stop_at ? 9 : 0;
}

static void test_mac_foreach(void)
{
	struct bd_table *t = table_with_bds(4096, 3); /* ids 10, 20, 30 */
	bool want[3][FE_MACS] = {{0}};
	uint8_t m[6];
	for (uint32_t b = 0; b < 3; b++)
		for (uint32_t n = 0; n < FE_MACS; n++) {
			mac_n(m, n);
			int rc = n % 4 == 0 ? bd_mac_static_add(t, (b + 1) * 10, m, VTEP3)
			                    : bd_mac_learn(t, b, m, VTEP1 + b, 1000);
			CU_ASSERT_EQUAL(rc, n % 4 == 0 ? BD_OK : BD_MAC_NEW);
			want[b][n] = true;
		}
	/* Deletions of every kind, which shift entries back in the open-addressed table. */
	for (uint32_t n = 0; n < FE_MACS; n += 8) {
		mac_n(m, n);
		CU_ASSERT_EQUAL(bd_mac_static_del(t, 10, m), BD_OK);
		want[0][n] = false;
	}
	bd_mac_clear_dynamic(t, 20);
	for (uint32_t n = 0; n < FE_MACS; n++)
		want[1][n] = want[1][n] && n % 4 == 0;
	CU_ASSERT_EQUAL(bd_del(t, 30), BD_OK);
	memset(want[2], 0, sizeof(want[2]));
	/* bridge domain 30 again, at a bdx that may differ, with a few MACs */
	CU_ASSERT_EQUAL(bd_add(t, 30), BD_OK);
	for (uint32_t n = 1; n < FE_MACS; n += 10) {
		mac_n(m, n);
		CU_ASSERT_EQUAL(bd_mac_learn(t, bd_index(t, 30), m, VTEP1 + 2, 1000), BD_MAC_NEW);
		want[2][n] = true;
	}

	static struct foreach_rec r;
	memset(&r, 0, sizeof(r));
	r.t = t;
	CU_ASSERT_EQUAL(bd_mac_foreach(t, 5000, foreach_mac, &r), 0);
	unsigned want_n = 0, wrong = 0;
	for (uint32_t b = 0; b < 3; b++)
		for (uint32_t n = 0; n < FE_MACS; n++) {
			want_n += want[b][n];
			wrong += r.visits[b][n] != want[b][n];
		}
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT(want_n > FE_MACS);
	CU_ASSERT_EQUAL(st.entries, want_n);
	CU_ASSERT_EQUAL(r.n, want_n);
	CU_ASSERT_EQUAL(r.bad, 0);
	CU_ASSERT_EQUAL(wrong, 0);

	/* A non-zero return stops the walk and is passed back; no callback is refused. */
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.stop_at = 3;
	CU_ASSERT_EQUAL(bd_mac_foreach(t, 5000, foreach_mac, &r), 9);
	CU_ASSERT_EQUAL(r.n, 3);
	CU_ASSERT_EQUAL(bd_mac_foreach(t, 5000, NULL, NULL), BD_E_INVAL);
	bd_table_destroy(t);
}

/* ---------------------------------------------------------------- randomized stress */

#define ST_BDS   5
#define ST_MACS  1000 /* distinct MACs per bridge domain in play */
#define ST_CAP   2048
#define ST_VTEPS 4
#define ST_OPS   250000
#define ST_PORTS 8 /* local ports 1..ST_PORTS, joining and leaving the bridge domains */

struct ref_mac {
	bool present, is_static;
	uint32_t vtep, seen_s;
};

struct ref_model {
	struct ref_mac m[ST_BDS][ST_MACS];
	uint32_t n_dyn[ST_BDS];
	uint32_t limit[ST_BDS], aging[ST_BDS];
	uint32_t n_total;
	int port_b[ST_PORTS + 1]; /* the bridge domain of each port, -1: none */
};

struct stress {
	struct bd_table *t;
	struct ref_model ref;
	uint8_t macs[ST_MACS][6];
	uint64_t now_ms;
	int mismatches;
	size_t port_del_flushed; /* entries a port's leaving took along */
};

static uint32_t st_id(int b)
{
	return 100 + (uint32_t)b * 3;
}

static uint32_t st_vtep(uint32_t i)
{
	return IP4(10, 0, 0, 1) + i;
}

static void st_expect(struct stress *s, bool ok)
{
	if (!ok)
		s->mismatches++;
}

static int ref_learn(struct ref_model *r, int b, int mi, uint32_t vtep, uint32_t now_s)
{
	struct ref_mac *e = &r->m[b][mi];
	if (e->present && e->is_static)
		return BD_MAC_STATIC;
	if (e->present) {
		bool moved = e->vtep != vtep;
		e->vtep = vtep;
		e->seen_s = now_s;
		return moved ? BD_MAC_MOVED : BD_MAC_REFRESHED;
	}
	if (r->n_dyn[b] >= r->limit[b])
		return BD_MAC_LIMIT;
	if (r->n_total >= ST_CAP)
		return BD_MAC_FULL;
	*e = (struct ref_mac){.present = true, .vtep = vtep, .seen_s = now_s};
	r->n_dyn[b]++;
	r->n_total++;
	return BD_MAC_NEW;
}

static void ref_remove(struct ref_model *r, int b, int mi)
{
	struct ref_mac *e = &r->m[b][mi];
	if (!e->is_static)
		r->n_dyn[b]--;
	r->n_total--;
	*e = (struct ref_mac){0};
}

static size_t ref_age(struct ref_model *r, uint32_t now_s)
{
	size_t n = 0;
	for (int b = 0; b < ST_BDS; b++)
		for (int i = 0; i < ST_MACS; i++) {
			struct ref_mac *e = &r->m[b][i];
			if (e->present && !e->is_static && r->aging[b] && now_s > e->seen_s &&
			    now_s - e->seen_s > r->aging[b]) {
				ref_remove(r, b, i);
				n++;
			}
		}
	return n;
}

/* Removes the entries of only_b (-1: all), those behind dest only unless it is 0. */
static size_t ref_clear(struct ref_model *r, int only_b, bool statics_too, uint32_t dest)
{
	size_t n = 0;
	for (int b = 0; b < ST_BDS; b++)
		for (int i = 0; i < ST_MACS; i++) {
			const struct ref_mac *e = &r->m[b][i];
			if ((only_b < 0 || b == only_b) && e->present &&
			    (statics_too || !e->is_static) && (!dest || e->vtep == dest)) {
				ref_remove(r, b, i);
				n++;
			}
		}
	return n;
}

static uint32_t st_port(void)
{
	return 1 + rng_below(ST_PORTS);
}

/* Where the data plane learns from: a VTEP, or a port of that bridge domain. */
static uint32_t st_learn_dest(const struct stress *s, int b)
{
	uint32_t port = st_port();
	return rng_below(2) && s->ref.port_b[port] == b ? port : st_vtep(rng_below(ST_VTEPS));
}

static void st_op_learn(struct stress *s, int b, int mi)
{
	uint32_t vtep = st_learn_dest(s, b);
	int want = ref_learn(&s->ref, b, mi, vtep, (uint32_t)(s->now_ms / 1000));
	int got = bd_mac_learn(s->t, bd_index(s->t, st_id(b)), s->macs[mi], vtep, s->now_ms);
	st_expect(s, got == want);
}

static void st_op_lookup(struct stress *s, int b, int mi)
{
	const struct ref_mac *e = &s->ref.m[b][mi];
	uint32_t v = 0;
	bool hit = bd_mac_lookup(s->t, bd_index(s->t, st_id(b)), s->macs[mi], &v);
	st_expect(s, hit == e->present && (!hit || v == e->vtep));
}

static void st_op_static(struct stress *s, int b, int mi)
{
	struct ref_model *r = &s->ref;
	struct ref_mac *e = &r->m[b][mi];
	if (rng_below(2)) {
		/* any port: only one of that bridge domain is accepted */
		uint32_t vtep = rng_below(3) ? st_vtep(rng_below(ST_VTEPS)) : st_port();
		int want = BD_OK;
		if (bd_dest_is_port(vtep) && r->port_b[vtep] != b) {
			want = BD_E_INVAL;
		} else if (e->present && !e->is_static) {
			r->n_dyn[b]--;
		} else if (!e->present) {
			if (r->n_total >= ST_CAP)
				want = BD_E_FULL;
			else
				r->n_total++;
		}
		if (want == BD_OK)
			*e = (struct ref_mac){.present = true, .is_static = true, .vtep = vtep};
		st_expect(s, bd_mac_static_add(s->t, st_id(b), s->macs[mi], vtep) == want);
	} else {
		int want = e->present && e->is_static ? BD_OK : BD_E_NOENT;
		if (want == BD_OK)
			ref_remove(r, b, mi);
		st_expect(s, bd_mac_static_del(s->t, st_id(b), s->macs[mi]) == want);
	}
}

static void st_op_config(struct stress *s, int b)
{
	struct ref_model *r = &s->ref;
	switch (rng_below(3)) {
	case 0:
		r->aging[b] = rng_below(4) == 0 ? 0 : 1 + rng_below(600);
		st_expect(s, bd_set_mac_aging(s->t, st_id(b), r->aging[b]) == BD_OK);
		break;
	case 1:
		r->limit[b] = 50 + rng_below(1000);
		st_expect(s, bd_set_mac_limit(s->t, st_id(b), r->limit[b]) == BD_OK);
		break;
	default: /* delete and re-create: flushes everything, settings back to default */
		ref_clear(r, b, true, 0);
		for (int p = 1; p <= ST_PORTS; p++)
			if (r->port_b[p] == b)
				r->port_b[p] = -1;
		r->aging[b] = BD_MAC_AGING_DEFAULT;
		r->limit[b] = BD_MAC_LIMIT_DEFAULT;
		st_expect(s, bd_del(s->t, st_id(b)) == BD_OK);
		st_expect(s, bd_add(s->t, st_id(b)) == BD_OK);
		break;
	}
}

static void st_op_clear(struct stress *s)
{
	int b = rng_below(2) ? -1 : (int)rng_below(ST_BDS);
	ref_clear(&s->ref, b, false, 0);
	bd_mac_clear_dynamic(s->t, b < 0 ? 0 : st_id(b));
}

static int ref_port_add(struct ref_model *r, int b, uint32_t port)
{
	if (r->port_b[port] >= 0)
		return r->port_b[port] == b ? BD_OK : BD_E_EXISTS;
	r->port_b[port] = b;
	return BD_OK;
}

/* A port joins or leaves bridge domain b, or its link goes down (a flush). */
static void st_op_port(struct stress *s, int b)
{
	struct ref_model *r = &s->ref;
	uint32_t port = st_port();
	int pb = r->port_b[port];
	switch (rng_below(3)) {
	case 0:
		st_expect(s,
		          bd_port_add(s->t, st_id(b), (uint16_t)port) == ref_port_add(r, b, port));
		break;
	case 1:
		if (pb == b) {
			r->port_b[port] = -1;
			s->port_del_flushed += ref_clear(r, b, true, port);
		}
		st_expect(s, bd_port_del(s->t, st_id(b), (uint16_t)port) ==
		                 (pb == b ? BD_OK : BD_E_NOENT));
		break;
	default: {
		size_t want = pb < 0 ? 0 : ref_clear(r, pb, false, port);
		st_expect(s, bd_mac_flush_port(s->t, (uint16_t)port) == want);
		break;
	}
	}
}

/* Membership both ways: each port's bridge domain, each bridge domain's sorted ports. */
static void st_verify_ports(struct stress *s)
{
	for (int b = 0; b < ST_BDS; b++) {
		const uint16_t *ports;
		size_t n = bd_ports(s->t, bd_index(s->t, st_id(b)), &ports), k = 0;
		for (uint32_t p = 1; p <= ST_PORTS; p++)
			if (s->ref.port_b[p] == b)
				st_expect(s, k < n && ports[k++] == p);
		st_expect(s, k == n);
	}
	for (uint32_t p = 1; p <= ST_PORTS; p++) {
		int b = s->ref.port_b[p];
		uint32_t want = b < 0 ? BD_NONE : bd_index(s->t, st_id(b));
		st_expect(s, bd_port_bdx(s->t, (uint16_t)p) == want);
	}
}

static void st_op_age(struct stress *s)
{
	size_t want = ref_age(&s->ref, (uint32_t)(s->now_ms / 1000));
	st_expect(s, bd_mac_age(s->t, s->now_ms) == want);
}

/* bd_mac_foreach visits each entry once, in no order: counted per (bridge domain, MAC). */
struct st_visits {
	struct stress *s;
	uint8_t n[ST_BDS][ST_MACS];
	unsigned bad;
};

static int st_foreach_cb(const struct bd_mac_info *mi, void *arg)
{
	struct st_visits *v = arg;
	uint32_t b = (mi->bd_id - st_id(0)) / 3, i = (uint32_t)mi->mac[4] << 8 | mi->mac[5];
	const struct ref_mac *e = b < ST_BDS && i < ST_MACS ? &v->s->ref.m[b][i] : NULL;
	if (!e || mi->bd_id != st_id((int)b) || memcmp(mi->mac, v->s->macs[i], 6) || !e->present ||
	    e->vtep != mi->vtep || e->is_static != mi->is_static ||
	    mi->bdx != bd_index(v->s->t, mi->bd_id))
		v->bad++;
	else
		v->n[b][i]++;
	return 0;
}

static void st_verify_foreach(struct stress *s)
{
	static struct st_visits v;
	memset(&v, 0, sizeof(v));
	v.s = s;
	st_expect(s, bd_mac_foreach(s->t, s->now_ms, st_foreach_cb, &v) == 0);
	st_expect(s, v.bad == 0);
	for (int b = 0; b < ST_BDS; b++)
		for (int i = 0; i < ST_MACS; i++)
			st_expect(s, v.n[b][i] == s->ref.m[b][i].present);
}

static void st_verify_all(struct stress *s)
{
	for (int b = 0; b < ST_BDS; b++) {
		for (int i = 0; i < ST_MACS; i++)
			st_op_lookup(s, b, i);
		struct bd_info bi;
		st_expect(s, bd_get(s->t, st_id(b), &bi));
		uint32_t n_static = 0;
		for (int i = 0; i < ST_MACS; i++)
			n_static += s->ref.m[b][i].present && s->ref.m[b][i].is_static;
		st_expect(s, bi.n_macs == s->ref.n_dyn[b] + n_static);
		st_expect(s, bi.n_static_macs == n_static);
	}
	struct bd_mac_stats st;
	bd_mac_get_stats(s->t, &st);
	st_expect(s, st.entries == s->ref.n_total);
	st_verify_foreach(s);
	st_verify_ports(s);
}

static void st_setup(struct stress *s)
{
	s->t = bd_table_create(ST_CAP);
	for (int b = 0; b < ST_BDS; b++) {
		bd_add(s->t, st_id(b));
		s->ref.aging[b] = BD_MAC_AGING_DEFAULT;
		s->ref.limit[b] = BD_MAC_LIMIT_DEFAULT;
	}
	/* Random unicast MACs; distinct by construction (index in the low bits). */
	for (uint32_t i = 0; i < ST_MACS; i++)
		mac_set(s->macs[i], (rng() & 0xfcffffff0000ull) | 0x020000000000ull | i);
	for (int p = 0; p <= ST_PORTS; p++)
		s->ref.port_b[p] = -1;
	s->now_ms = 5000;
}

static void test_stress_random(void)
{
	static struct stress s; /* big: keep it off the stack */
	memset(&s, 0, sizeof(s));
	st_setup(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.t);
	for (int op = 0; op < ST_OPS; op++) {
		int b = (int)rng_below(ST_BDS), mi = (int)rng_below(ST_MACS);
		/* Rare table-wide operations, so that the table gets the chance to fill up. */
		uint32_t r = rng_below(10000);
		s.now_ms += rng_below(20);
		if (r < 6000)
			st_op_learn(&s, b, mi);
		else if (r < 9260)
			st_op_lookup(&s, b, mi);
		else if (r < 9300)
			st_op_port(&s, b);
		else if (r < 9940)
			st_op_static(&s, b, mi);
		else if (r < 9946)
			st_op_config(&s, b);
		else if (r < 9948)
			st_op_clear(&s);
		else
			st_op_age(&s);
		if (op % 5000 == 0)
			st_verify_all(&s);
	}
	st_verify_all(&s);
	struct bd_mac_stats st;
	bd_mac_get_stats(s.t, &st);
	/* the run must have hit the interesting paths, or it proves little */
	if (getenv("VX_STRESS_VERBOSE"))
		printf("\nlearned %llu moved %llu conflicts %llu limit %llu full %llu aged %llu "
		       "port flushed %llu port del flushed %zu\n",
		       (unsigned long long)st.learned, (unsigned long long)st.moved,
		       (unsigned long long)st.static_conflicts, (unsigned long long)st.limit_drops,
		       (unsigned long long)st.full_drops, (unsigned long long)st.aged,
		       (unsigned long long)st.port_flushed, s.port_del_flushed);
	CU_ASSERT(st.limit_drops > 0);
	CU_ASSERT(st.full_drops > 0);
	CU_ASSERT(st.aged > 0);
	CU_ASSERT(st.moved > 0);
	CU_ASSERT(st.static_conflicts > 0);
	CU_ASSERT(st.port_flushed > 0);
	CU_ASSERT(s.port_del_flushed > 0);
	CU_ASSERT_EQUAL(s.mismatches, 0);
	bd_table_destroy(s.t);
}

/* ---------------------------------------------------------------- L2 ports */

/* Ports of the L2 gateway tests; VTEPs are never in 0/8, so no port equals a VTEP. */
#define PORT1 1
#define PORT2 2
#define PORT3 3

static uint32_t dest_of(const struct bd_table *t, uint32_t bdx, const uint8_t *mac)
{
	uint32_t v = 0;
	return bd_mac_lookup(t, bdx, mac, &v) ? v : 0;
}

static uint32_t macs_in(const struct bd_table *t, uint32_t id)
{
	struct bd_info bi;
	return bd_get(t, id, &bi) ? bi.n_macs : UINT32_MAX;
}

static void test_dest_is_port(void)
{
	CU_ASSERT_FALSE(bd_dest_is_port(0));
	CU_ASSERT_TRUE(bd_dest_is_port(1));
	CU_ASSERT_TRUE(bd_dest_is_port(BD_PORT_MAX));
	CU_ASSERT_FALSE(bd_dest_is_port(BD_PORT_MAX + 1));
	CU_ASSERT_FALSE(bd_dest_is_port(VTEP1));
	CU_ASSERT_FALSE(bd_dest_is_port(IP4(1, 0, 0, 0))); /* the lowest address out of 0/8 */
}

static void test_port_add_del(void)
{
	struct bd_table *t = table_with_bds(64, 2); /* ids 10, 20 at bdx 0, 1 */
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 0), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_port_add(t, 0, PORT1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_port_add(t, 99, PORT1), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 7), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, BD_PORT_MAX), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 3), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 3), BD_OK);       /* again, same BD: no-op */
	CU_ASSERT_EQUAL(bd_port_add(t, 20, 3), BD_E_EXISTS); /* one BD per port */
	CU_ASSERT_EQUAL(bd_port_bdx(t, 3), 0);
	CU_ASSERT_EQUAL(bd_port_bdx(t, 4), BD_NONE);
	CU_ASSERT_EQUAL(bd_port_bdx(t, 0), BD_NONE);
	const uint16_t *p = NULL;
	CU_ASSERT_EQUAL_FATAL(bd_ports(t, 0, &p), 3);
	CU_ASSERT_EQUAL(p[0], 3);
	CU_ASSERT_EQUAL(p[1], 7);
	CU_ASSERT_EQUAL(p[2], BD_PORT_MAX);
	CU_ASSERT_EQUAL(bd_ports(t, 1, &p), 0);
	CU_ASSERT_EQUAL(bd_ports(t, 2, &p), 0); /* no such bdx */
	CU_ASSERT_PTR_NULL(p);
	struct bd_info bi;
	CU_ASSERT_TRUE(bd_get(t, 10, &bi));
	CU_ASSERT_EQUAL_FATAL(bi.n_ports, 3);
	CU_ASSERT_EQUAL(bi.ports[0], 3);
	CU_ASSERT_EQUAL(bi.ports[2], BD_PORT_MAX);

	CU_ASSERT_EQUAL(bd_port_del(t, 20, 3), BD_E_NOENT); /* in the other BD */
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 4), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 0), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_port_del(t, 99, 3), BD_E_NOENT);
	CU_ASSERT_EQUAL(bd_port_del(t, 0, 3), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 7), BD_OK); /* the middle one */
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 7), BD_E_NOENT);
	CU_ASSERT_EQUAL_FATAL(bd_ports(t, 0, &p), 2);
	CU_ASSERT_EQUAL(p[0], 3);
	CU_ASSERT_EQUAL(p[1], BD_PORT_MAX);
	CU_ASSERT_EQUAL(bd_port_bdx(t, 7), BD_NONE);
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 3), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 20, 3), BD_OK); /* free to join another BD now */
	CU_ASSERT_EQUAL(bd_port_bdx(t, 3), 1);
	bd_table_destroy(t);
}

static void test_port_sorted_bounded(void)
{
	struct bd_table *t = table_with_bds(64, 2);
	/* a scrambled order: 37 is coprime with 64 */
	for (uint32_t i = 0; i < BD_PORTS_MAX; i++)
		CU_ASSERT_EQUAL(bd_port_add(t, 10, (uint16_t)(100 + (i * 37) % BD_PORTS_MAX)),
		                BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 99), BD_E_FULL);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 100), BD_OK); /* a member, even when full */
	CU_ASSERT_EQUAL(bd_port_add(t, 20, 99), BD_OK);  /* the bound is per bridge domain */
	const uint16_t *p;
	CU_ASSERT_EQUAL_FATAL(bd_ports(t, 0, &p), BD_PORTS_MAX);
	int wrong = 0;
	for (uint32_t i = 0; i < BD_PORTS_MAX; i++)
		wrong += p[i] != 100 + i;
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 100 + BD_PORTS_MAX - 1), BD_OK); /* the last */
	CU_ASSERT_EQUAL(bd_port_del(t, 10, 100), BD_OK);                    /* the first */
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 1), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 60000), BD_OK);
	CU_ASSERT_EQUAL(bd_port_add(t, 10, 2), BD_E_FULL);
	CU_ASSERT_EQUAL_FATAL(bd_ports(t, 0, &p), BD_PORTS_MAX);
	CU_ASSERT_EQUAL(p[0], 1);
	CU_ASSERT_EQUAL(p[1], 101);
	CU_ASSERT_EQUAL(p[BD_PORTS_MAX - 2], 100 + BD_PORTS_MAX - 2);
	CU_ASSERT_EQUAL(p[BD_PORTS_MAX - 1], 60000);
	bd_table_destroy(t);
}

/*
 * Every port of the 16-bit range may be added somewhere as long as bridge domains have
 * room: more ports than the port -> BD map can hold must be refused, not loop forever.
 */
static void test_port_table_bound(void)
{
	struct bd_table *t = bd_table_create(64);
	uint32_t added = 0, full = 0, port = 1;
	for (uint32_t id = 1; id <= BD_MAX && port <= BD_PORT_MAX; id++) {
		bd_add(t, id);
		for (uint32_t i = 0; i < BD_PORTS_MAX && port <= BD_PORT_MAX; i++, port++) {
			int rc = bd_port_add(t, id, (uint16_t)port);
			added += rc == BD_OK;
			full += rc == BD_E_FULL;
		}
	}
	CU_ASSERT_EQUAL(added + full, BD_PORT_MAX);
	CU_ASSERT(added >= BD_MAX); /* one per interface of the gateway at least */
	/* each one added is found, each one refused is not */
	uint32_t found = 0;
	for (port = 1; port <= BD_PORT_MAX; port++)
		found += bd_port_bdx(t, (uint16_t)port) != BD_NONE;
	CU_ASSERT_EQUAL(found, added);
	if (full) {
		/* room made by a delete is usable again */
		uint32_t bdx = bd_port_bdx(t, 1);
		CU_ASSERT_EQUAL(bd_port_del(t, bd_id(t, bdx), 1), BD_OK);
		CU_ASSERT_EQUAL(bd_port_add(t, bd_id(t, bdx), 1), BD_OK);
		/* and so is the room a deleted bridge domain leaves */
		CU_ASSERT_EQUAL(bd_del(t, bd_id(t, bdx)), BD_OK);
		CU_ASSERT_EQUAL(bd_add(t, BD_ID_MAX), BD_OK);
		uint32_t readded = 0;
		for (port = BD_PORT_MAX; port > 0 && readded < BD_PORTS_MAX; port--)
			if (bd_port_bdx(t, (uint16_t)port) == BD_NONE)
				readded += bd_port_add(t, BD_ID_MAX, (uint16_t)port) == BD_OK;
		CU_ASSERT_EQUAL(readded, BD_PORTS_MAX);
	}
	bd_table_destroy(t);
}

static void test_port_learn_move(void)
{
	struct bd_table *t = table_with_bds(64, 2);
	bd_port_add(t, 10, PORT1);
	bd_port_add(t, 10, PORT2);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT1, 1000), BD_MAC_NEW);
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), PORT1);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT1, 2000), BD_MAC_REFRESHED);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 3000), BD_MAC_MOVED); /* port -> VTEP */
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), VTEP1);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT2, 4000), BD_MAC_MOVED); /* VTEP -> port */
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), PORT2);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT1, 5000), BD_MAC_MOVED); /* port -> port */
	uint32_t v = 0;
	CU_ASSERT_TRUE(bd_mac_lookup_hashed(t, 0, MAC_A, bd_mac_prefetch(t, 0, MAC_A), &v));
	CU_ASSERT_EQUAL(v, PORT1);
	CU_ASSERT_EQUAL(dest_of(t, 1, MAC_A), 0); /* per bridge domain */
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.learned, 1);
	CU_ASSERT_EQUAL(st.moved, 3);
	CU_ASSERT_EQUAL(st.entries, 1);
	/* port-learned entries age like the others */
	bd_set_mac_aging(t, 10, 10);
	CU_ASSERT_EQUAL(bd_mac_age(t, 15000), 0);
	CU_ASSERT_EQUAL(bd_mac_age(t, 16000), 1);
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), 0);
	bd_table_destroy(t);
}

static void test_port_static(void)
{
	struct bd_table *t = table_with_bds(64, 2);
	bd_port_add(t, 10, PORT1);
	bd_port_add(t, 10, PORT2);
	bd_port_add(t, 20, PORT3);
	/* only a port of that bridge domain */
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, PORT3), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, 9), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, BD_PORT_MAX + 1), BD_E_INVAL); /* 0/8 */
	CU_ASSERT_EQUAL(macs_in(t, 10), 0);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, PORT1), BD_OK);
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), PORT1);
	/* learned elsewhere: not moved */
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, VTEP1, 1000), BD_MAC_STATIC);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT2, 1000), BD_MAC_STATIC);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_A, PORT1, 1000), BD_MAC_STATIC); /* no conflict */
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), PORT1);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.static_conflicts, 2);
	CU_ASSERT_EQUAL(st.moved, 0);
	/* re-configured: VTEP <-> port; a port-learned dynamic entry promoted */
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, VTEP2), BD_OK);
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), VTEP2);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_A, PORT2), BD_OK);
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_A), PORT2);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, MAC_B, PORT1, 1000), BD_MAC_NEW);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_B, PORT2), BD_OK);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_B, PORT3), BD_E_INVAL); /* stays on PORT2 */
	CU_ASSERT_EQUAL(dest_of(t, 0, MAC_B), PORT2);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 2);
	CU_ASSERT_EQUAL(bi.n_static_macs, 2);
	/* a port that left the bridge domain is no longer a valid destination */
	CU_ASSERT_EQUAL(bd_port_del(t, 10, PORT1), BD_OK);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 10, MAC_C, PORT1), BD_E_INVAL);
	CU_ASSERT_EQUAL(bd_mac_static_add(t, 20, MAC_C, PORT3), BD_OK);
	CU_ASSERT_EQUAL(dest_of(t, 1, MAC_C), PORT3);
	bd_table_destroy(t);
}

/* Learns n MACs numbered from first (mac_n) in bdx behind dest; static ones in BD id. */
static void learn_range(struct bd_table *t, uint32_t bdx, uint32_t first, uint32_t n, uint32_t dest)
{
	uint8_t m[6];
	for (uint32_t i = first; i < first + n; i++) {
		mac_n(m, i);
		CU_ASSERT_EQUAL(bd_mac_learn(t, bdx, m, dest, 1000), BD_MAC_NEW);
	}
}

static void static_range(struct bd_table *t, uint32_t id, uint32_t first, uint32_t n, uint32_t dest)
{
	uint8_t m[6];
	for (uint32_t i = first; i < first + n; i++) {
		mac_n(m, i);
		CU_ASSERT_EQUAL(bd_mac_static_add(t, id, m, dest), BD_OK);
	}
}

/* How many of the n MACs from first are in bdx behind dest. */
static uint32_t count_range(const struct bd_table *t, uint32_t bdx, uint32_t first, uint32_t n,
                            uint32_t dest)
{
	uint8_t m[6];
	uint32_t found = 0;
	for (uint32_t i = first; i < first + n; i++) {
		mac_n(m, i);
		found += dest_of(t, bdx, m) == dest;
	}
	return found;
}

/*
 * BD 10 (bdx 0): ports 1 and 2; BD 20 (bdx 1): port 3. Per BD 10 destination, 100 dynamic
 * and 20 static MACs; BD 20's port 3 the same. A small table, so that clusters are long and
 * the sweeps shift entries back.
 */
#define PF_DYN  100
#define PF_STAT 20

static struct bd_table *ports_with_macs(void)
{
	struct bd_table *t = table_with_bds(1024, 2);
	bd_port_add(t, 10, PORT1);
	bd_port_add(t, 10, PORT2);
	bd_port_add(t, 20, PORT3);
	const uint32_t dests[] = {PORT1, PORT2, VTEP1};
	for (uint32_t d = 0; d < 3; d++) {
		learn_range(t, 0, d * 1000, PF_DYN, dests[d]);
		static_range(t, 10, d * 1000 + 500, PF_STAT, dests[d]);
	}
	learn_range(t, 1, 0, PF_DYN, PORT3); /* the same MACs as port 1's, in the other BD */
	static_range(t, 20, 500, PF_STAT, PORT3);
	return t;
}

static void test_port_del_flushes(void)
{
	struct bd_table *t = ports_with_macs();
	CU_ASSERT_EQUAL(macs_in(t, 10), 3 * (PF_DYN + PF_STAT));
	CU_ASSERT_EQUAL(bd_port_del(t, 10, PORT1), BD_OK);
	/* port 1's dynamic and static entries are gone, nothing else */
	CU_ASSERT_EQUAL(count_range(t, 0, 0, PF_DYN, PORT1), 0);
	CU_ASSERT_EQUAL(count_range(t, 0, 500, PF_STAT, PORT1), 0);
	CU_ASSERT_EQUAL(count_range(t, 0, 1000, PF_DYN, PORT2), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 0, 1500, PF_STAT, PORT2), PF_STAT);
	CU_ASSERT_EQUAL(count_range(t, 0, 2000, PF_DYN, VTEP1), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 0, 2500, PF_STAT, VTEP1), PF_STAT);
	CU_ASSERT_EQUAL(count_range(t, 1, 0, PF_DYN, PORT3), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 1, 500, PF_STAT, PORT3), PF_STAT);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 2 * (PF_DYN + PF_STAT));
	CU_ASSERT_EQUAL(bi.n_static_macs, 2 * PF_STAT);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 3 * (PF_DYN + PF_STAT));
	/* what a flushed entry counted is free again: relearned as new */
	learn_range(t, 0, 0, 1, PORT2);
	bd_table_destroy(t);
}

static void test_port_flush(void)
{
	struct bd_table *t = ports_with_macs();
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, 0), 0);
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, 9), 0); /* in no bridge domain */
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, PORT2), PF_DYN);
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, PORT2), 0);
	CU_ASSERT_EQUAL(count_range(t, 0, 1000, PF_DYN, PORT2), 0);
	CU_ASSERT_EQUAL(count_range(t, 0, 1500, PF_STAT, PORT2), PF_STAT); /* statics stay */
	CU_ASSERT_EQUAL(count_range(t, 0, 0, PF_DYN, PORT1), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 0, 2000, PF_DYN, VTEP1), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 1, 0, PF_DYN, PORT3), PF_DYN);
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, PORT3), PF_DYN);
	CU_ASSERT_EQUAL(count_range(t, 0, 0, PF_DYN, PORT1), PF_DYN); /* same MACs, other BD */
	CU_ASSERT_EQUAL(count_range(t, 1, 500, PF_STAT, PORT3), PF_STAT);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.port_flushed, 2 * PF_DYN);
	CU_ASSERT_EQUAL(st.aged, 0);
	CU_ASSERT_EQUAL(st.entries, 4 * PF_STAT + 2 * PF_DYN);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 3 * PF_STAT + 2 * PF_DYN);
	CU_ASSERT_EQUAL(bi.n_static_macs, 3 * PF_STAT);
	/* relearned wherever they show up next */
	learn_range(t, 0, 1000, PF_DYN, VTEP2);
	CU_ASSERT_EQUAL(bd_port_bdx(t, PORT2), 0); /* a flush keeps the membership */
	bd_table_destroy(t);
}

static void test_port_bd_del(void)
{
	struct bd_table *t = ports_with_macs();
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_OK);
	CU_ASSERT_EQUAL(bd_port_bdx(t, PORT1), BD_NONE);
	CU_ASSERT_EQUAL(bd_port_bdx(t, PORT2), BD_NONE);
	CU_ASSERT_EQUAL(bd_port_bdx(t, PORT3), 1);
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, PORT1), 0);
	const uint16_t *p;
	CU_ASSERT_EQUAL(bd_ports(t, 0, &p), 0);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, PF_DYN + PF_STAT);
	/* a port of the deleted BD may join another one; a new BD at that bdx has no port */
	CU_ASSERT_EQUAL(bd_port_add(t, 20, PORT1), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, 30), BD_OK);
	CU_ASSERT_EQUAL(bd_index(t, 30), 0);
	struct bd_info bi;
	bd_get(t, 30, &bi);
	CU_ASSERT_EQUAL(bi.n_ports, 0);
	CU_ASSERT_EQUAL(bi.n_macs, 0);
	CU_ASSERT_EQUAL(bd_port_add(t, 30, PORT2), BD_OK);
	CU_ASSERT_EQUAL(bd_port_del(t, 30, PORT1), BD_E_NOENT);
	CU_ASSERT_EQUAL_FATAL(bd_ports(t, 1, &p), 2);
	CU_ASSERT_EQUAL(p[0], PORT1);
	CU_ASSERT_EQUAL(p[1], PORT3);
	bd_table_destroy(t);
}

static void test_port_mac_limit(void)
{
	struct bd_table *t = table_with_bds(64, 1);
	bd_port_add(t, 10, PORT1);
	bd_port_add(t, 10, PORT2);
	bd_set_mac_limit(t, 10, 3);
	static_range(t, 10, 100, 2, PORT1); /* statics don't count */
	learn_range(t, 0, 0, 2, PORT1);
	learn_range(t, 0, 2, 1, VTEP1);
	uint8_t m[6];
	mac_n(m, 3);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, PORT2, 0), BD_MAC_LIMIT);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, VTEP1, 0), BD_MAC_LIMIT);
	mac_n(m, 0);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, PORT2, 0), BD_MAC_MOVED); /* a move needs no room */
	/* a flush of port 1 makes room for one; deleting port 2 for the moved one */
	CU_ASSERT_EQUAL(bd_mac_flush_port(t, PORT1), 1);
	learn_range(t, 0, 3, 1, PORT2);
	mac_n(m, 4);
	CU_ASSERT_EQUAL(bd_mac_learn(t, 0, m, PORT1, 0), BD_MAC_LIMIT);
	CU_ASSERT_EQUAL(bd_port_del(t, 10, PORT2), BD_OK);
	learn_range(t, 0, 4, 2, VTEP1);
	struct bd_mac_stats st;
	bd_mac_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.limit_drops, 3);
	struct bd_info bi;
	bd_get(t, 10, &bi);
	CU_ASSERT_EQUAL(bi.n_macs, 5);
	CU_ASSERT_EQUAL(bi.n_static_macs, 2);
	bd_table_destroy(t);
}

static int check_port_dest(const struct bd_mac_info *mi, void *arg)
{
	unsigned *bad = arg;
	/* mac_n numbering: 0 on port 1, 1 static on port 2, 2 on VTEP1 */
	static const uint32_t want[] = {PORT1, PORT2, VTEP1};
	uint32_t n = mi->mac[5];
	if (n > 2 || mi->vtep != want[n] || mi->is_static != (n == 1) ||
	    bd_dest_is_port(mi->vtep) != (n < 2))
		(*bad)++;
	return 0;
}

static void test_port_walk(void)
{
	struct bd_table *t = table_with_bds(64, 1);
	bd_port_add(t, 10, PORT1);
	bd_port_add(t, 10, PORT2);
	learn_range(t, 0, 0, 1, PORT1);
	static_range(t, 10, 1, 1, PORT2);
	learn_range(t, 0, 2, 1, VTEP1);
	struct mac_rec r = {.n = 0};
	CU_ASSERT_EQUAL(bd_mac_walk(t, 10, 3000, collect_mac, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 3);
	CU_ASSERT_EQUAL(r.m[0].vtep, PORT1);
	CU_ASSERT_EQUAL(r.m[0].age_ms, 2000);
	CU_ASSERT_EQUAL(r.m[1].vtep, PORT2);
	CU_ASSERT_TRUE(r.m[1].is_static);
	CU_ASSERT_EQUAL(r.m[2].vtep, VTEP1);
	unsigned bad = 0;
	CU_ASSERT_EQUAL(bd_mac_walk(t, 0, 3000, check_port_dest, &bad), 0);
	CU_ASSERT_EQUAL(bd_mac_foreach(t, 3000, check_port_dest, &bad), 0);
	CU_ASSERT_EQUAL(bad, 0);
	bd_table_destroy(t);
}

static CU_TestInfo hdr_tests[] = {
    {"parse: short", test_hdr_parse_short},
    {"parse: I flag clear", test_hdr_parse_no_i},
    {"parse: other flags, strict and lenient", test_hdr_parse_flags},
    {"parse: reserved bytes, strict and lenient", test_hdr_parse_reserved},
    {"build/parse round trip", test_hdr_roundtrip},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo encap_tests[] = {
    {"exact bytes", test_encap_exact_bytes},
    {"fields and checksum", test_encap_fields_and_checksum},
    {"dst patched into a shared template", test_encap_write_dst},
    {"prebuilt header reuse", test_encap_reuse},
    {"source port range", test_sport_range},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo encap6_tests[] = {
    {"exact bytes", test_encap6_exact_bytes},
    {"UDP checksum, random lengths 0..9000 and alignments", test_encap6_checksum_random},
    {"a computed 0 is sent as 0xffff", test_encap6_checksum_zero_is_ffff},
    {"fields, traffic class, flow label, no checksum", test_encap6_fields},
    {"flow label from the flow hash", test_flow_label},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo ecn_tests[] = {
    {"outer traffic class (RFC 6040 4.1)", test_outer_tclass},
    {"decap table (RFC 6040 4.2)", test_ecn_decap_table},
    {"inner IPv4 TOS, set ECN, checksum", test_inner_tclass_ip4},
    {"inner IPv6 traffic class, set ECN", test_inner_tclass_ip6},
    {"short frames, not IP", test_inner_tclass_short_and_other},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo bd_tests[] = {
    {"table create", test_table_create},
    {"strerror", test_strerror},
    {"add/del", test_bd_add_del},
    {"BD_MAX", test_bd_max},
    {"vni", test_bd_vni},
    {"vni churn", test_bd_many_vnis},
    {"flood peers", test_flood_peers},
    {"settings", test_bd_settings},
    {"walk", test_bd_walk},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo peer_tests[] = {
    {"accept: flood list", test_peer_accept_list},
    {"accept: flood group", test_peer_accept_group},
    {"learned peers age", test_learned_peers_age},
    {"IPv6 VTEP and group names", test_peers_ipv6_names},
    {"walk", test_peer_walk},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo mac_tests[] = {
    {"learn/refresh/move", test_mac_learn_refresh_move},
    {"invalid", test_mac_invalid},
    {"static", test_mac_static},
    {"limit", test_mac_limit},
    {"full", test_mac_full},
    {"zero key", test_mac_zero_key_trap},
    {"aging", test_mac_aging},
    {"clear dynamic", test_mac_clear},
    {"bd_del flushes", test_bd_del_flushes},
    {"walk order", test_mac_walk},
    {"walk stop", test_mac_walk_stop},
    {"foreach visits each entry once", test_mac_foreach},
    {"randomized vs reference model", test_stress_random},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo port_tests[] = {
    {"bd_dest_is_port", test_dest_is_port},
    {"add/del, one bridge domain per port", test_port_add_del},
    {"sorted, BD_PORTS_MAX", test_port_sorted_bounded},
    {"every 16-bit port: refused or found", test_port_table_bound},
    {"learn on a port, move to a VTEP and back", test_port_learn_move},
    {"static MAC on a port", test_port_static},
    {"port del flushes its MACs only", test_port_del_flushes},
    {"flush port: dynamic only", test_port_flush},
    {"bd_del releases its ports", test_port_bd_del},
    {"mac_limit counts port-learned MACs", test_port_mac_limit},
    {"walk and foreach report the port", test_port_walk},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"vxlan header", NULL, NULL, NULL, NULL, hdr_tests},
    {"encap", NULL, NULL, NULL, NULL, encap_tests},
    {"encap6", NULL, NULL, NULL, NULL, encap6_tests},
    {"dscp and ecn", NULL, NULL, NULL, NULL, ecn_tests},
    {"bridge domain", NULL, NULL, NULL, NULL, bd_tests},
    {"peers", NULL, NULL, NULL, NULL, peer_tests},
    {"mac table", NULL, NULL, NULL, NULL, mac_tests},
    {"l2 ports", NULL, NULL, NULL, NULL, port_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
