/*
 * test_pipeline.c - crafted frames through the in-memory gateway, exact bytes out.
 *
 * Expected frames are written here field by field (never with the code under test's
 * own builders for the part being checked), so an encoding mistake cannot hide.
 */
#include <string.h>

#include "cu_main.h"
#include "pktlab.h"
#include "vxlan/vxlan.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
static const uint8_t H3[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x70}; /* 10.1.20.70, unknown */
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define IP_H1  0x0a010a32u
#define IP_H2  0x0a01143cu
#define IP_H3  0x0a011446u
#define IP_EXT 0xc6336401u /* 198.51.100.1 */

static struct lab L;
static uint8_t BDIF10_MAC[6], BDIF20_MAC[6];

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
	gw_bdif_default_mac(20, BDIF20_MAC);
}

/* Every buffer back in the pool: nothing leaked or left behind. */
static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/*
 * Checks the outer IPv4/UDP/VXLAN header of captured frame f and returns a pointer to
 * the inner Ethernet frame.
 */
static const uint8_t *check_outer(const struct lab_frame *f, uint32_t vtep, uint32_t vni)
{
	const uint8_t *o = f->bytes;
	CU_ASSERT_EQUAL(f->ifx, 0);
	CU_ASSERT_EQUAL(f->outer_dst, vtep);
	CU_ASSERT_EQUAL(o[0], 0x45);              /* IPv4, IHL 5 */
	CU_ASSERT_EQUAL(lab_rd16(o + 2), f->len); /* total length */
	CU_ASSERT_EQUAL(lab_rd16(o + 6), 0x4000); /* DF, offset 0 */
	CU_ASSERT_EQUAL(o[8], 64);                /* TTL */
	CU_ASSERT_EQUAL(o[9], 17);                /* UDP */
	CU_ASSERT_EQUAL(net_csum(o, 20), 0);      /* header checksum valid */
	CU_ASSERT_EQUAL(lab_rd32(o + 12), LAB_VTEP);
	CU_ASSERT_EQUAL(lab_rd32(o + 16), vtep);
	uint16_t sport = lab_rd16(o + 20);
	CU_ASSERT(sport >= 49152);
	CU_ASSERT_EQUAL(lab_rd16(o + 22), 4789);
	CU_ASSERT_EQUAL(lab_rd16(o + 24), f->len - 20); /* UDP length */
	CU_ASSERT_EQUAL(lab_rd16(o + 26), 0);           /* UDP checksum 0 */
	static const uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 0, 0};
	CU_ASSERT_EQUAL(memcmp(o + 28, vx, 4), 0); /* flags I, reserved 0 */
	CU_ASSERT_EQUAL(lab_rd32(o + 32) >> 8, vni);
	CU_ASSERT_EQUAL(o[35], 0);
	return o + 36;
}

static void learn_hosts(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_reset_capture(&L);
}

static void test_arp_reply_for_bdif(void)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H1, IP_H1, NULL, LAB_GW10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->len, 36 + 60); /* ARP padded to the 60-byte minimum frame */
	const uint8_t *in = check_outer(c, LAB_VTEP11, 5000);
	uint8_t want[60] = {0};
	memcpy(want, H1, 6);
	memcpy(want + 6, BDIF10_MAC, 6);
	const uint8_t arp_hdr[] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2};
	memcpy(want + 12, arp_hdr, sizeof(arp_hdr));
	memcpy(want + 22, BDIF10_MAC, 6);
	const uint8_t spa[] = {10, 1, 10, 1}, tpa[] = {10, 1, 10, 50};
	memcpy(want + 28, spa, 4);
	memcpy(want + 32, H1, 6);
	memcpy(want + 38, tpa, 4);
	CU_ASSERT_EQUAL(memcmp(in, want, 60), 0);
	/* the asker was learned: ARP entry and MAC behind VTEP .11 */
	struct arp_entry_info ai;
	CU_ASSERT_FATAL(arp_get(gw_arp(L.gw), L.bdif10, IP_H1, L.now, &ai));
	CU_ASSERT_EQUAL(memcmp(ai.mac, H1, 6), 0);
	uint32_t vtep = 0;
	CU_ASSERT(bd_mac_lookup(gw_bd(L.gw), bd_index(gw_bd(L.gw), 10), H1, &vtep));
	CU_ASSERT_EQUAL(vtep, LAB_VTEP11);
}

static void test_echo_reply(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, LAB_GW10, 64, 56, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = check_outer(&L.cap[0], LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + n);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, BDIF10_MAC, 6), 0);
	const uint8_t *ip = in + 14;
	CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), LAB_GW10);
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_H1);
	CU_ASSERT_EQUAL(ip[8], 64);
	const uint8_t *icmp = ip + 20;
	CU_ASSERT_EQUAL(icmp[0], 0); /* echo reply */
	CU_ASSERT_EQUAL(icmp[1], 0);
	CU_ASSERT_EQUAL(net_csum(icmp, 8 + 56), 0);
	/* identifier, sequence and data echoed unchanged */
	CU_ASSERT_EQUAL(memcmp(icmp + 4, f + 14 + 20 + 4, 4 + 56), 0);
}

/* Routed VNI 5000 -> VNI 6000, including the ARP resolution of the destination. */
static void test_route_between_vnis(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_reset_capture(&L);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 32, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	/* IP_H2 unknown: an ARP request head-end replicated to BD 20's peers .12 and .13 */
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	uint32_t seen = 0;
	for (unsigned i = 0; i < 2; i++) {
		const uint8_t *in = check_outer(&L.cap[i], L.cap[i].outer_dst, 6000);
		seen |= L.cap[i].outer_dst == LAB_VTEP12   ? 1
		        : L.cap[i].outer_dst == LAB_VTEP13 ? 2
		                                           : 4;
		CU_ASSERT_EQUAL(memcmp(in, BCAST, 6), 0);
		CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0806);
		CU_ASSERT_EQUAL(lab_rd16(in + 20), 1); /* request */
		CU_ASSERT_EQUAL(lab_rd32(in + 28), LAB_GW20);
		CU_ASSERT_EQUAL(lab_rd32(in + 38), IP_H2);
	}
	CU_ASSERT_EQUAL(seen, 3);
	lab_reset_capture(&L);
	/* H2 answers from behind VTEP .12: the held packet goes out, to .12 only */
	uint8_t r[64];
	unsigned rn = lab_arp_frame(r, ARP_OP_REPLY, BDIF20_MAC, H2, IP_H2, BDIF20_MAC, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, r, rn);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->len, 36 + n);
	const uint8_t *in = check_outer(c, LAB_VTEP12, 6000);
	CU_ASSERT_EQUAL(memcmp(in, H2, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, BDIF20_MAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0800);
	const uint8_t *ip = in + 14;
	CU_ASSERT_EQUAL(ip[8], 63); /* TTL - 1 */
	CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
	/* everything but TTL and checksum unchanged, payload byte-exact */
	CU_ASSERT_EQUAL(memcmp(ip, f + 14, 8), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 12, f + 14 + 12, n - 14 - 12), 0);
	/* same flow, same source port */
	uint16_t sport = lab_rd16(c->bytes + 20);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 20), sport);
}

static void test_unknown_mac_replicated(void)
{
	learn_hosts();
	/* a neighbour whose MAC no VTEP has shown yet */
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif20, IP_H3, H3), 0);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H3, 64, 32, false);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(L.cap[0].len, L.cap[1].len);
	CU_ASSERT_NOT_EQUAL(L.cap[0].outer_dst, L.cap[1].outer_dst);
	for (unsigned i = 0; i < 2; i++) {
		CU_ASSERT(L.cap[i].outer_dst == LAB_VTEP12 || L.cap[i].outer_dst == LAB_VTEP13);
		const uint8_t *in = check_outer(&L.cap[i], L.cap[i].outer_dst, 6000);
		CU_ASSERT_EQUAL(memcmp(in, H3, 6), 0);
	}
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes + 36, L.cap[1].bytes + 36, L.cap[0].len - 36), 0);
}

/* An ICMP error back to H1: returns the ICMP header inside the captured frame. */
static const uint8_t *expect_icmp_to_h1(uint8_t type, uint8_t code)
{
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = check_outer(&L.cap[0], LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	const uint8_t *ip = in + 14;
	CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
	CU_ASSERT_EQUAL(ip[9], 1);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), LAB_GW10);
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_H1);
	unsigned tot = lab_rd16(ip + 2);
	const uint8_t *icmp = ip + 20;
	CU_ASSERT_EQUAL(icmp[0], type);
	CU_ASSERT_EQUAL(icmp[1], code);
	CU_ASSERT_EQUAL(net_csum(icmp, tot - 20), 0);
	/* quotes the offending packet's header */
	CU_ASSERT_EQUAL(lab_rd32(icmp + 8 + 12), IP_H1);
	return icmp;
}

static void test_ttl_expired(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 1, 32, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	expect_icmp_to_h1(11, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_TTL_EXPIRED), 1);
}

static void test_no_route(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_EXT, 64, 32, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	const uint8_t *icmp = expect_icmp_to_h1(3, 0);
	CU_ASSERT_EQUAL(lab_rd32(icmp + 8 + 16), IP_EXT);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_ROUTE), 1);
}

static void test_frag_needed(void)
{
	learn_hosts();
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 1000), 0);
	uint8_t f[1600];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 1372, true); /* 1400 */
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	const uint8_t *icmp = expect_icmp_to_h1(3, 4);
	CU_ASSERT_EQUAL(lab_rd16(icmp + 6), 1000); /* next-hop MTU */
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_MTU_DF), 1);
}

static void test_fragmentation(void)
{
	learn_hosts();
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 1000), 0);
	uint8_t f[1600], whole[1600];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 1372, false);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	unsigned got = 0, payload = n - 14 - 20;
	for (unsigned i = 0; i < 2; i++) {
		const uint8_t *in = check_outer(&L.cap[i], LAB_VTEP12, 6000);
		const uint8_t *ip = in + 14;
		unsigned tot = lab_rd16(ip + 2), off = (lab_rd16(ip + 6) & 0x1fff) * 8u;
		bool mf = lab_rd16(ip + 6) & 0x2000;
		CU_ASSERT(tot <= 1000);
		CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
		CU_ASSERT_EQUAL(ip[8], 63);
		CU_ASSERT_EQUAL(lab_rd16(ip + 4), 0x1234); /* same identification */
		CU_ASSERT_EQUAL(mf, i == 0);
		CU_ASSERT_EQUAL(off, i == 0 ? 0 : 976);
		CU_ASSERT_EQUAL_FATAL(off + tot - 20 <= payload, true);
		memcpy(whole + off, ip + 20, tot - 20);
		got += tot - 20;
	}
	CU_ASSERT_EQUAL(got, payload);
	CU_ASSERT_EQUAL(memcmp(whole, f + 14 + 20, payload), 0);
}

/* Hands the frame in and checks it was dropped for `why`, with nothing sent. */
static void expect_drop(uint32_t vtep, uint32_t vni, const uint8_t *f, unsigned n, enum gw_drop why)
{
	uint64_t before = lab_drops(&L, why);
	lab_reset_capture(&L);
	lab_from_vtep(&L, vtep, vni, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	if (lab_drops(&L, why) != before + 1)
		fprintf(stderr, "\n  expected a drop for %s\n", gw_drop_name(why));
	CU_ASSERT_EQUAL(lab_drops(&L, why), before + 1);
}

static void test_malformed_vxlan(void)
{
	learn_hosts();
	uint8_t f[200], raw[256];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, LAB_GW10, 64, 8, false);
	vx_hdr_build(raw, 5000);
	memcpy(raw + 8, f, n);
	uint64_t before = lab_drops(&L, GW_DROP_VXLAN_SHORT);
	lab_from_vtep_raw(&L, LAB_VTEP11, LAB_VTEP, raw, 7);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_VXLAN_SHORT), before + 1);
	raw[0] = 0x00; /* no I flag */
	lab_from_vtep_raw(&L, LAB_VTEP11, LAB_VTEP, raw, 8 + n);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_VXLAN_NO_I), 1);
	raw[0] = 0x0c; /* I plus a reserved flag */
	lab_from_vtep_raw(&L, LAB_VTEP11, LAB_VTEP, raw, 8 + n);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_VXLAN_FLAGS), 1);
	raw[0] = 0x08;
	raw[7] = 0x01; /* reserved byte after the VNI */
	lab_from_vtep_raw(&L, LAB_VTEP11, LAB_VTEP, raw, 8 + n);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_VXLAN_RESERVED), 1);
	raw[7] = 0;
	lab_from_vtep_raw(&L, LAB_VTEP11, 0xc0000299u, raw, 8 + n); /* not our VTEP address */
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_OUTER_DST), 1);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	/* the intact packet is answered */
	lab_from_vtep_raw(&L, LAB_VTEP11, LAB_VTEP, raw, 8 + n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
}

static void test_bad_bridging(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, LAB_GW10, 64, 8, false);
	expect_drop(LAB_VTEP11, 5999, f, n, GW_DROP_NO_SUCH_VNI);
	expect_drop(LAB_VTEP13, 5000, f, n, GW_DROP_NO_SUCH_PEER); /* .13 only serves BD 20 */
	expect_drop(LAB_VTEP11, 5000, f, 13, GW_DROP_FRAME_SHORT);
	uint8_t v[200];
	memcpy(v, f, n);
	v[12] = 0x81, v[13] = 0x00;
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_VLAN_TAGGED);
	memcpy(v, f, n);
	v[6] |= 1; /* multicast source MAC */
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_BAD_SRC_MAC);
	memcpy(v, f, n);
	v[5] ^= 0x55; /* unicast to a MAC that is not the BDIF's */
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_NOT_FOR_US);
	memcpy(v, f, n);
	memset(v, 0xff, 6); /* broadcast IPv4: not re-flooded */
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_BUM_IGNORED);
	memcpy(v, f, n);
	v[12] = 0x86, v[13] = 0xdd;
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_ETHERTYPE);
	/* a static MAC never moves: the same source from another VTEP is refused */
	CU_ASSERT_EQUAL(bd_mac_static_add(gw_bd(L.gw), 10, H3, LAB_VTEP11), 0);
	memcpy(v, f, n);
	memcpy(v + 6, H3, 6);
	expect_drop(LAB_VTEP12, 5000, v, n, GW_DROP_MAC_STATIC_CONFLICT);
	uint32_t vtep = 0;
	CU_ASSERT(bd_mac_lookup(gw_bd(L.gw), bd_index(gw_bd(L.gw), 10), H3, &vtep));
	CU_ASSERT_EQUAL(vtep, LAB_VTEP11);
}

static void test_malformed_ip(void)
{
	learn_hosts();
	uint8_t f[200], v[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 8, false);
	uint8_t *ip = v + 14;
	memcpy(v, f, n);
	expect_drop(LAB_VTEP11, 5000, v, 14 + 19, GW_DROP_IP_SHORT);
	memcpy(v, f, n);
	ip[0] = 0x65;
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_VERSION);
	memcpy(v, f, n);
	ip[0] = 0x44;
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_IHL);
	memcpy(v, f, n);
	ip[0] = 0x4f; /* 60-byte header in a 36-byte packet */
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_IHL);
	memcpy(v, f, n);
	ip[10] ^= 0xff;
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_CSUM);
	memcpy(v, f, n);
	ip[2] = 0x05; /* total length > frame */
	ip[10] = ip[11] = 0;
	uint16_t s = net_csum(ip, 20);
	memcpy(ip + 10, &s, 2);
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_LEN);
	memcpy(v, f, n);
	ip[12] = 224; /* multicast source */
	ip[10] = ip[11] = 0;
	s = net_csum(ip, 20);
	memcpy(ip + 10, &s, 2);
	expect_drop(LAB_VTEP11, 5000, v, n, GW_DROP_IP_MARTIAN_SRC);
	/* ARP with a wrong hardware length */
	unsigned an = lab_arp_frame(v, ARP_OP_REQUEST, NULL, H1, IP_H1, NULL, LAB_GW10);
	v[14 + 4] = 7;
	expect_drop(LAB_VTEP11, 5000, v, an, GW_DROP_ARP_MALFORMED);
	an = lab_arp_frame(v, ARP_OP_REQUEST, NULL, H1, IP_H1, NULL, LAB_GW10);
	expect_drop(LAB_VTEP11, 5000, v, an - 1, GW_DROP_ARP_MALFORMED);
	/* ARP claiming the gateway's own address */
	an = lab_arp_frame(v, ARP_OP_REQUEST, NULL, H3, LAB_GW10, NULL, IP_H1);
	expect_drop(LAB_VTEP11, 5000, v, an, GW_DROP_ARP_SPOOF);
	/* ARP from an address outside the subnet, other than a request for us (a request
	 * is answered: test_uplink) */
	an = lab_arp_frame(v, ARP_OP_REPLY, BDIF10_MAC, H3, IP_EXT, BDIF10_MAC, LAB_GW10);
	expect_drop(LAB_VTEP11, 5000, v, an, GW_DROP_ARP_OFFLINK);
}

static void test_uplink_both_ways(void)
{
	learn_hosts();
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = LAB_UPNH};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), 0, 0, &nh), 0);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.up0, LAB_UPNH, lab_upnh_mac), 0);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_EXT, 64, 16, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->ifx, L.up0);
	CU_ASSERT_EQUAL(c->len, n);
	CU_ASSERT_EQUAL(memcmp(c->bytes, lab_upnh_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c->bytes + 6, lab_up0_mac, 6), 0);
	CU_ASSERT_EQUAL(c->bytes[14 + 8], 63);
	CU_ASSERT_EQUAL(net_csum(c->bytes + 14, 20), 0);
	/* and back: the external host answers through the uplink to H1 behind .11 */
	lab_reset_capture(&L);
	unsigned m = lab_ping_frame(f, lab_up0_mac, lab_upnh_mac, IP_EXT, IP_H1, 50, 16, true);
	lab_from_uplink(&L, L.up0, f, m);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = check_outer(&L.cap[0], LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(in[14 + 8], 49);
	/* the uplink answers ARP for its address */
	lab_reset_capture(&L);
	m = lab_arp_frame(f, ARP_OP_REQUEST, NULL, lab_upnh_mac, LAB_UPNH, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, m);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, L.up0);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 20), 2);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 28), LAB_UP);
}

static void test_arp_unresolved_host_unreachable(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H3, 64, 16, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 2); /* ARP request to .12 and .13 */
	lab_reset_capture(&L);
	lab_advance(&L, 10000); /* retries run out */
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_UNRESOLVED), 1);
	/* the retries (2 copies each), then host unreachable to H1 */
	CU_ASSERT_FATAL(L.n_cap >= 1);
	const struct lab_frame *last = &L.cap[L.n_cap - 1];
	const uint8_t *in = check_outer(last, LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(in[14 + 20], 3);
	CU_ASSERT_EQUAL(in[14 + 21], 1);
	for (unsigned i = 0; i + 1 < L.n_cap; i++)
		CU_ASSERT_EQUAL(lab_rd16(L.cap[i].bytes + 36 + 12), 0x0806);
}

static void test_icmp_rate_limit(void)
{
	learn_hosts();
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_EXT, 64, 16, true);
	for (int i = 0; i < 80; i++)
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_ROUTE), 80);
	CU_ASSERT_EQUAL(L.n_cap, 50); /* the default burst */
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ICMP_ERR_SUPPRESSED), 30);
}

static void test_arp_request_rate_limit(void)
{
	struct gw_params p;
	gw_params_default(&p);
	p.arp_burst = 50;
	lab_fini(&L);
	CU_ASSERT_FATAL(lab_init(&L, &p));
	learn_hosts();
	/* 120 packets to 120 different unknown hosts at one instant: the burst of requests
	 * goes out, the rest is suppressed (and counted), never a request storm */
	L.capture = false;
	for (uint32_t i = 0; i < 120; i++) {
		uint8_t f[200];
		unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, 0x0a011464u + i, 64, 8, true);
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	}
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_RATE), 120 - 50);
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	CU_ASSERT_EQUAL(c.arp_requests, 50);
	arp_clear_dynamic(gw_arp(L.gw), 0); /* hand the held packets back */
}

static void test_null_route_and_local(void)
{
	learn_hosts();
	struct fib_nh null0 = {.kind = FIB_NH_NULL0};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), 0xc6336400u, 24, &null0), 0);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_EXT, 64, 16, true);
	expect_drop(LAB_VTEP11, 5000, f, n, GW_DROP_NULL_ROUTE);
	/* echo to the gateway's other interface address is answered too */
	n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, LAB_GW20, 64, 16, true);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = check_outer(&L.cap[0], LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(lab_rd32(in + 14 + 12), LAB_GW20);
	CU_ASSERT_EQUAL(in[14 + 20], 0);
}

static void test_vector_of_many(void)
{
	learn_hosts();
	/* 600 packets in one call: split into vectors, all forwarded, nothing lost */
	struct gw_pkt *pk[600];
	uint8_t f[200], raw[256];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 16, true);
	vx_hdr_build(raw, 5000);
	memcpy(raw + 8, f, n);
	L.capture = false;
	for (int i = 0; i < 600; i++) {
		pk[i] = gw_pkt_alloc(gw_pool(L.gw));
		CU_ASSERT_FATAL(pk[i] != NULL);
		gw_pkt_set(pk[i], raw, 8 + n);
		pk[i]->outer_src = LAB_VTEP11;
		pk[i]->outer_dst = LAB_VTEP;
	}
	uint64_t before = L.n_tx;
	gw_input_underlay(L.gw, pk, 600);
	CU_ASSERT_EQUAL(L.n_tx - before, 600);
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	CU_ASSERT_EQUAL(c.routed, 600);
}

/* ---- 802.1Q sub-interfaces: up0.100 (VLAN 100) and up0.200 (VLAN 200) on up0 ---- */

#define IP_V100GW 0xc6126401u /* 198.18.100.1 */
#define IP_V100H  0xc612640au /* 198.18.100.10 */
#define IP_V200GW 0xc612c801u /* 198.18.200.1 */
#define IP_V200H  0xc612c80au /* 198.18.200.10 */
static const uint8_t HV100[6] = {0x02, 0x00, 0x00, 0x10, 0x01, 0x0a};
static const uint8_t HV200[6] = {0x02, 0x00, 0x00, 0x20, 0x01, 0x0a};
static uint16_t SUB100, SUB200;

static void add_subifs(void)
{
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up0.100", lab_up0_mac, &SUB100), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up0.200", lab_up0_mac, &SUB200), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 100), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB200, 200), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, SUB100, IP_V100GW, 24), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, SUB200, IP_V200GW, 24), GW_OK);
}

static uint64_t if_rx(uint16_t ifx)
{
	struct gw_if_info i;
	CU_ASSERT_FATAL(gw_if_get(L.gw, ifx, &i));
	return i.cnt.rx_pkts;
}

static void test_dot1q_routed_between_vlans(void)
{
	add_subifs();
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), SUB200, IP_V200H, HV200), 0);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, lab_up0_mac, HV100, IP_V100H, IP_V200H, 64, 16, true);
	unsigned tn = lab_tag_frame(f, n, 0x2000 | 100); /* PCP 1: ignored */
	lab_from_uplink(&L, L.up0, f, tn);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->ifx, SUB200);
	CU_ASSERT_EQUAL(c->len, n + 4);
	CU_ASSERT_EQUAL(memcmp(c->bytes, HV200, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c->bytes + 6, lab_up0_mac, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + 12), 0x8100);
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + 14), 200); /* PCP 0, DEI 0, VLAN 200 */
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + 16), 0x0800);
	const uint8_t *ip = c->bytes + 18;
	CU_ASSERT_EQUAL(ip[8], 63);
	CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), IP_V100H);
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_V200H);
	CU_ASSERT_EQUAL(memcmp(ip + 20, f + 18 + 20, n - 14 - 20), 0); /* ICMP untouched */
	CU_ASSERT_EQUAL(if_rx(SUB100), 1);
	CU_ASSERT_EQUAL(if_rx(L.up0), 0);
}

static void test_dot1q_to_vxlan_and_back(void)
{
	add_subifs();
	learn_hosts();
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), SUB100, IP_V100H, HV100), 0);
	/* VLAN 100 -> H1 behind VTEP .11: the tag does not leak into the VXLAN frame */
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, lab_up0_mac, HV100, IP_V100H, IP_H1, 64, 16, true);
	lab_from_uplink(&L, L.up0, f, lab_tag_frame(f, n, 100));
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = check_outer(&L.cap[0], LAB_VTEP11, 5000);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + n);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0800);
	CU_ASSERT_EQUAL(lab_rd32(in + 14 + 12), IP_V100H);
	/* and back: H1 -> VLAN 100, tagged on the wire */
	lab_reset_capture(&L);
	n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_V100H, 64, 16, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, SUB100);
	CU_ASSERT_EQUAL(L.cap[0].len, n + 4);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes, HV100, 6), 0);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 12), 0x81000064u);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 16), 0x0800);
}

static void test_dot1q_arp(void)
{
	add_subifs();
	/* a request for 198.18.100.1 in VLAN 100: answered in VLAN 100 */
	uint8_t f[200];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, HV100, IP_V100H, NULL, IP_V100GW);
	lab_from_uplink(&L, L.up0, f, lab_tag_frame(f, n, 100));
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->ifx, SUB100);
	CU_ASSERT_EQUAL(c->len, 64); /* 60-byte minimum frame plus the tag */
	CU_ASSERT_EQUAL(memcmp(c->bytes, HV100, 6), 0);
	CU_ASSERT_EQUAL(lab_rd32(c->bytes + 12), 0x81000064u);
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + 16), 0x0806);
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + 18 + 6), 2); /* reply */
	CU_ASSERT_EQUAL(lab_rd32(c->bytes + 18 + 14), IP_V100GW);
	/* learned on the sub-interface, not on the parent */
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(gw_arp(L.gw), SUB100, IP_V100H, L.now));
	/* the same request in VLAN 200 is for none of its addresses: off-link there */
	lab_reset_capture(&L);
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, HV100, IP_V100H, NULL, IP_V100GW);
	lab_from_uplink(&L, L.up0, f, lab_tag_frame(f, n, 200));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_OFFLINK), 1);
	/* gateway-originated traffic (the ARP request for an unknown neighbour) is tagged */
	lab_reset_capture(&L);
	n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_V200H, 64, 16, true);
	learn_hosts();
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, SUB200);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes, BCAST, 6), 0);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 12), 0x810000c8u);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 16), 0x0806);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 18 + 24), IP_V200H);
	lab_advance(&L, 10000); /* let the held packet go (host unreachable) */
}

static void expect_uplink_drop(uint16_t ifx, const uint8_t *f, unsigned n, enum gw_drop why)
{
	uint64_t before = lab_drops(&L, why);
	lab_reset_capture(&L);
	lab_from_uplink(&L, ifx, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	if (lab_drops(&L, why) != before + 1)
		fprintf(stderr, "\n  expected a drop for %s\n", gw_drop_name(why));
	CU_ASSERT_EQUAL(lab_drops(&L, why), before + 1);
}

static void test_dot1q_unknown_and_malformed(void)
{
	add_subifs();
	uint8_t f[200], g[200];
	unsigned n = lab_ping_frame(f, lab_up0_mac, HV100, IP_V100H, IP_V100GW, 64, 16, true);
	memcpy(g, f, n);
	/* a VLAN with no sub-interface */
	expect_uplink_drop(L.up0, g, lab_tag_frame(g, n, 300), GW_DROP_VLAN_UNKNOWN);
	memcpy(g, f, n);
	expect_uplink_drop(L.up0, g, lab_tag_frame(g, n, 4095), GW_DROP_VLAN_UNKNOWN);
	/* QinQ: an 802.1ad outer tag, or a second 802.1Q tag inside VLAN 100 */
	memcpy(g, f, n);
	unsigned tn = lab_tag_frame(g, n, 100);
	g[12] = 0x88, g[13] = 0xa8;
	expect_uplink_drop(L.up0, g, tn, GW_DROP_VLAN_TAGGED);
	memcpy(g, f, n);
	tn = lab_tag_frame(g, lab_tag_frame(g, n, 7), 100);
	expect_uplink_drop(L.up0, g, tn, GW_DROP_VLAN_TAGGED);
	/* a tag cut short */
	memcpy(g, f, n);
	lab_tag_frame(g, n, 100);
	expect_uplink_drop(L.up0, g, 16, GW_DROP_FRAME_SHORT);
	/* a sub-interface without encapsulation is down and gets nothing */
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 0), GW_OK);
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(L.gw, SUB100, &info));
	CU_ASSERT(!info.up && info.admin_up && info.subif && info.vlan == 0);
	memcpy(g, f, n);
	expect_uplink_drop(L.up0, g, lab_tag_frame(g, n, 100), GW_DROP_VLAN_UNKNOWN);
	/* priority-tagged (VLAN 0) is untagged: up0's, answered untagged */
	memcpy(g, f, n);
	unsigned m = lab_ping_frame(g, lab_up0_mac, lab_upnh_mac, LAB_UPNH, LAB_UP, 64, 16, true);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.up0, LAB_UPNH, lab_upnh_mac), 0);
	lab_reset_capture(&L);
	lab_from_uplink(&L, L.up0, g, lab_tag_frame(g, m, 0xe000));
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, L.up0);
	CU_ASSERT_EQUAL(L.cap[0].len, m);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 12), 0x0800);
	/* one VLAN per netdev: a second sub-interface cannot take VLAN 200 */
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 200), GW_E_EXISTS);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, L.up0, 10), GW_E_INVAL);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 4095), GW_E_INVAL);
}

/* A netdev whose main interface is not configured: untagged frames have no interface. */
static void test_dot1q_without_parent(void)
{
	uint16_t sub;
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up9.5", lab_up0_mac, &sub), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, sub, 5), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, sub, IP_V100GW, 24), GW_OK);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, lab_up0_mac, HV100, IP_V100H, IP_V100GW, 64, 16, true);
	expect_uplink_drop(sub, f, n, GW_DROP_VLAN_UNKNOWN);
	/* VLAN 5 of up9 is answered; VLAN 5 of up0 is another segment */
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), sub, IP_V100H, HV100), 0);
	unsigned tn = lab_tag_frame(f, n, 5);
	lab_reset_capture(&L);
	lab_from_uplink(&L, sub, f, tn);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, sub);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 12), 0x81000005u);
	n = lab_ping_frame(f, lab_up0_mac, HV100, IP_V100H, IP_V100GW, 64, 16, true);
	expect_uplink_drop(L.up0, f, lab_tag_frame(f, n, 5), GW_DROP_VLAN_UNKNOWN);
	/* deleting the sub-interface frees its VLAN and its netdev */
	CU_ASSERT_EQUAL(gw_if_del(L.gw, sub), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up9.6", lab_up0_mac, &sub), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, sub, 5), GW_OK);
}

static void test_eth_name_split(void)
{
	char dev[GW_IF_NAMELEN];
	uint32_t sub;
	CU_ASSERT(gw_eth_name_split("up0.100", dev, &sub));
	CU_ASSERT_STRING_EQUAL(dev, "up0");
	CU_ASSERT_EQUAL(sub, 100);
	CU_ASSERT(gw_eth_name_split("br.lan.7", dev, &sub));
	CU_ASSERT_STRING_EQUAL(dev, "br.lan");
	CU_ASSERT_EQUAL(sub, 7);
	const char *whole[] = {"up0",     "br.lan", "up0.", "up0.0",
	                       "up0.010", "up0.1x", ".5",   "a.1234567890"};
	for (unsigned i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		CU_ASSERT(gw_eth_name_split(whole[i], dev, &sub));
		CU_ASSERT_STRING_EQUAL(dev, whole[i]);
		CU_ASSERT_EQUAL(sub, 0);
	}
	CU_ASSERT(!gw_eth_name_split("", dev, &sub));
	CU_ASSERT(!gw_eth_name_split("a-very-long-name.1", dev, &sub));
}

/* A pool's resident part: none before use, a buffer's worth after one is written, never
 * more than the pool, and it stays when the buffer is freed (the pages remain). */
static void test_pool_resident(void)
{
	struct gw_pool *pool = gw_pool_create(64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	size_t before = gw_pool_resident(pool);
	struct gw_pkt *p = gw_pkt_alloc(pool);
	memset(p->buf, 0xab, sizeof(p->buf));
	size_t after = gw_pool_resident(pool);
	CU_ASSERT(after >= before + sizeof(p->buf) - 4096);
	CU_ASSERT(after <=
	          ((64 * sizeof(struct gw_pkt) + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1)));
	gw_pkt_free(pool, p);
	CU_ASSERT_EQUAL(gw_pool_resident(pool), after);
	gw_pool_destroy(pool);
}

static CU_TestInfo tests[] = {
    {"pool: resident part follows what buffers were touched", test_pool_resident},
    {"ARP reply for a BDIF address", test_arp_reply_for_bdif},
    {"echo reply", test_echo_reply},
    {"VNI 5000 -> VNI 6000 routed, with ARP", test_route_between_vnis},
    {"unknown MAC replicated to flood peers", test_unknown_mac_replicated},
    {"TTL 1 -> time exceeded", test_ttl_expired},
    {"no route -> net unreachable", test_no_route},
    {"DF oversize -> fragmentation needed", test_frag_needed},
    {"no DF oversize -> fragments", test_fragmentation},
    {"malformed VXLAN dropped by reason", test_malformed_vxlan},
    {"bad bridging dropped by reason", test_bad_bridging},
    {"malformed IPv4/ARP dropped by reason", test_malformed_ip},
    {"uplink both ways", test_uplink_both_ways},
    {"ARP unresolved -> host unreachable", test_arp_unresolved_host_unreachable},
    {"ICMP errors rate-limited", test_icmp_rate_limit},
    {"ARP requests rate-limited", test_arp_request_rate_limit},
    {"null0 and local addresses", test_null_route_and_local},
    {"600 packets in one call", test_vector_of_many},
    {"802.1Q: routed VLAN 100 -> VLAN 200, retagged", test_dot1q_routed_between_vlans},
    {"802.1Q: VLAN <-> VXLAN, tag removed and added", test_dot1q_to_vxlan_and_back},
    {"802.1Q: ARP per VLAN", test_dot1q_arp},
    {"802.1Q: unknown VLAN, QinQ, no encapsulation", test_dot1q_unknown_and_malformed},
    {"802.1Q: sub-interface without its parent", test_dot1q_without_parent},
    {"802.1Q: sub-interface names", test_eth_name_split},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"pipeline", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
