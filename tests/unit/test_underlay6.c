/*
 * test_underlay6.c - the IPv6 underlay and DSCP/ECN across the tunnel in the in-memory
 * gateway: an IPv6 VTEP beside the IPv4 ones of the standard topology (BD 20 gets flood
 * peer 2001:db8::21), routed both ways between an IPv4 and an IPv6 VTEP with every outer
 * field checked (hop limit, flow label, UDP checksum over the whole datagram); `vxlan dscp`
 * fixed and inherited, the ECN field copied out (RFC 6040 normal mode) and brought in on
 * decapsulation (CE onto ECT, ECT(1) onto ECT(0), CE onto Not-ECT dropped); an IPv6 flood
 * group whose senders are learned by name; an IPv6 sender outside a peer list; a peer
 * without an IPv6 source; zero UDP checksums on request.
 */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "gw/gw.h"
#include "gw/stats.h"
#include "pktlab.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* BD 10, VTEP .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x66, 0x60}; /* BD 20, 2001:db8::21 */
static const uint8_t H3[6] = {0x02, 0x11, 0x22, 0x33, 0x77, 0x70}; /* BD 30, group senders */
#define IP_H1    0x0a010a32u                                       /* 10.1.10.50 */
#define IP_H2    0x0a011432u                                       /* 10.1.20.50 */
#define IP_H3    0x0a011e32u                                       /* 10.1.30.50 */
#define LAB_GW30 0x0a011e01u                                       /* 10.1.30.1 */
#define PEER6    "2001:db8::21"
#define GROUP6   "ff05::1:70"
#define SENDER6  "2001:db8::31"
#define OUTER6   (NET_IP6_HLEN + NET_UDP_HLEN + VX_HDR_LEN) /* captured IPv6 underlay */

static struct lab L;
static uint32_t N6; /* the name of PEER6 */
static uint8_t BDIF10_MAC[6], BDIF20_MAC[6], BDIF30_MAC[6];
static uint8_t F[2048];

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	CU_ASSERT_FATAL(lab_underlay6(&L));
	N6 = lab_vtep6(&L, PEER6);
	CU_ASSERT_FATAL(vx_vtep_is6(N6));
	CU_ASSERT_FATAL(bd_flood_peer_add(gw_bd(L.gw), 20, N6) == BD_OK);
	gw_bdif_default_mac(10, BDIF10_MAC);
	gw_bdif_default_mac(20, BDIF20_MAC);
	gw_bdif_default_mac(30, BDIF30_MAC);
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, 1, NULL, H2, IP_H2, NULL, LAB_GW20);
	lab_from_vtep6(&L, PEER6, 0, 6000, 0, f, n);
	lab_reset_capture(&L);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/* An echo request with TOS tos (header checksum redone) from src to dst. */
static unsigned ping_tos(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac, uint32_t src,
                         uint32_t dst, uint8_t tos)
{
	unsigned n = lab_ping_frame(buf, dmac, smac, src, dst, 64, 56, true);
	uint8_t *ip = buf + NET_ETH_HLEN;
	ip[1] = tos;
	ip[10] = ip[11] = 0;
	uint16_t sum = net_csum(ip, NET_IP_HLEN);
	memcpy(ip + 10, &sum, 2);
	return n;
}

/* The captured IPv6 datagram f: outer header fields right, the UDP checksum verifies. */
static void check_outer6(const struct lab_frame *f, const char *dst, uint32_t vni)
{
	const uint8_t *b = f->bytes;
	CU_ASSERT_FATAL(f->len > OUTER6);
	CU_ASSERT_EQUAL(b[0] >> 4, 6);
	CU_ASSERT_EQUAL(lab_rd16(b + 4), f->len - NET_IP6_HLEN); /* payload length */
	CU_ASSERT_EQUAL(b[6], NET_IPPROTO_UDP);
	CU_ASSERT_EQUAL(b[7], VX_OUTER_TTL);
	CU_ASSERT_NOT_EQUAL(lab_rd32(b) & 0xfffff, 0); /* flow label (RFC 6438) */
	struct in6_addr s = lab_a6(LAB_VTEP6_ADDR), d = lab_a6(dst);
	CU_ASSERT(memcmp(b + 8, &s, 16) == 0);
	CU_ASSERT(memcmp(b + 24, &d, 16) == 0);
	const uint8_t *u = b + NET_IP6_HLEN;
	CU_ASSERT(lab_rd16(u) >= VX_SPORT_MIN);
	CU_ASSERT_EQUAL(lab_rd16(u + 2), VX_UDP_PORT);
	CU_ASSERT_EQUAL(lab_rd16(u + 4), f->len - NET_IP6_HLEN);
	CU_ASSERT_NOT_EQUAL(lab_rd16(u + 6), 0);
	uint16_t ulen = (uint16_t)(f->len - NET_IP6_HLEN);
	uint32_t sum = net_ip6_pseudo_sum(&s, &d, ulen, NET_IPPROTO_UDP);
	CU_ASSERT_EQUAL(net_csum_fold(net_csum_partial(u, ulen, sum)), 0);
	CU_ASSERT_EQUAL(lab_rd32(u + 8 + 4) >> 8, vni);
}

static const uint8_t *inner_ip(const struct lab_frame *f, unsigned outer)
{
	return f->bytes + outer + NET_ETH_HLEN;
}

static int peer_stats(const struct gw_peer_stats *s, void *arg)
{
	struct gw_peer_stats *want = arg;
	if (s->vtep != want->vtep)
		return 0;
	*want = *s;
	return 1;
}

static void test_routed_between_families(void)
{
	/* IPv4 VTEP -> IPv6 VTEP */
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, N6);
	check_outer6(&L.cap[0], PEER6, 6000);
	const uint8_t *ip = inner_ip(&L.cap[0], OUTER6);
	CU_ASSERT_EQUAL(ip[8], 63);
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_H2);
	CU_ASSERT_EQUAL(net_csum(ip, NET_IP_HLEN), 0);
	/* IPv6 VTEP -> IPv4 VTEP */
	lab_reset_capture(&L);
	lab_from_vtep6(&L, PEER6, 0, 6000, 0, F, ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(L.cap[0].bytes[0], 0x45);
	CU_ASSERT_EQUAL(lab_rd32(inner_ip(&L.cap[0], LAB_OUTER_HLEN) + 16), IP_H1);
	/* the IPv6 peer's counters moved like an IPv4 one's */
	struct gw_peer_stats ps = {.vtep = N6};
	CU_ASSERT_EQUAL(gw_peer_stats_walk(L.gw, peer_stats, &ps), 1);
	CU_ASSERT_EQUAL(ps.cnt.tx_pkts, 2); /* the ARP reply of setup, the echo request */
	CU_ASSERT_EQUAL(ps.cnt.rx_pkts, 2); /* the ARP request of setup, the echo reply */
}

static void test_dscp(void)
{
	/* default: DSCP 0, the inner ECN copied */
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0xba));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes) & 0x0ff0, 0x02 << 4);
	/* inherit: the outer traffic class is the inner TOS (EF, ECT(0)) */
	CU_ASSERT_EQUAL(gw_set_vx_dscp(L.gw, VX_DSCP_INHERIT), GW_OK);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0xba));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes) & 0x0ff0, 0xba << 4);
	CU_ASSERT_EQUAL(inner_ip(&L.cap[0], OUTER6)[1], 0xba);
	/* and toward an IPv4 VTEP: the outer TOS, its header checksum valid */
	lab_reset_capture(&L);
	lab_from_vtep6(&L, PEER6, 0, 6000, 0, F, ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0xb8));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(L.cap[0].bytes[1], 0xb8);
	CU_ASSERT_EQUAL(net_csum(L.cap[0].bytes, NET_IP_HLEN), 0);
	/* fixed: DSCP 10 whatever the inner one, ECN still copied */
	CU_ASSERT_EQUAL(gw_set_vx_dscp(L.gw, 10), GW_OK);
	lab_reset_capture(&L);
	lab_from_vtep6(&L, PEER6, 0, 6000, 0, F, ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0xb9));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(L.cap[0].bytes[1], 10 << 2 | VX_ECN_ECT1);
	CU_ASSERT_EQUAL(net_csum(L.cap[0].bytes, NET_IP_HLEN), 0);
	CU_ASSERT_EQUAL(gw_set_vx_dscp(L.gw, 64), GW_E_INVAL);
	CU_ASSERT_EQUAL(gw_set_vx_dscp(L.gw, -2), GW_E_INVAL);
	CU_ASSERT_EQUAL(gw_vx_dscp(L.gw), 10);
}

/* The inner TOS a packet from the IPv6 peer with outer ECN outer and inner TOS tos arrives
 * with at H1 (-1: nothing arrived). */
static int ecn_through(uint8_t outer, uint8_t tos)
{
	lab_reset_capture(&L);
	lab_from_vtep6(&L, PEER6, 0, 6000, outer, F,
	               ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, tos));
	if (L.n_cap != 1)
		return -1;
	const uint8_t *ip = inner_ip(&L.cap[0], LAB_OUTER_HLEN);
	CU_ASSERT_EQUAL(net_csum(ip, NET_IP_HLEN), 0);
	return ip[1];
}

static void test_ecn_decap(void)
{
	uint64_t dropped = lab_drops(&L, GW_DROP_ECN_CE_NOT_ECT);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_CE, 0xb8 | VX_ECN_ECT0), 0xb8 | VX_ECN_CE);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_CE, VX_ECN_ECT1), VX_ECN_CE);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_ECT1, VX_ECN_ECT0), VX_ECN_ECT1);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_ECT0, VX_ECN_ECT1), VX_ECN_ECT1);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_ECT1, 0), 0);
	CU_ASSERT_EQUAL(ecn_through(0xb8 | VX_ECN_ECT0, VX_ECN_CE), VX_ECN_CE);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ECN_CE_NOT_ECT), dropped);
	CU_ASSERT_EQUAL(ecn_through(VX_ECN_CE, 0x20), -1);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ECN_CE_NOT_ECT), dropped + 1);
	/* the same rule over the IPv4 underlay */
	lab_reset_capture(&L);
	lab_from_vtep_tos(&L, LAB_VTEP11, 5000, VX_ECN_CE, F,
	                  ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, VX_ECN_ECT0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(inner_ip(&L.cap[0], OUTER6)[1], VX_ECN_CE);
	lab_from_vtep_tos(&L, LAB_VTEP11, 5000, VX_ECN_CE, F,
	                  ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0));
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ECN_CE_NOT_ECT), dropped + 2);
	/* an ARP request (no IP header) is left alone */
	lab_reset_capture(&L);
	lab_from_vtep_tos(&L, LAB_VTEP11, 5000, VX_ECN_CE, F,
	                  lab_arp_frame(F, 1, NULL, H1, IP_H1, NULL, LAB_GW10));
	CU_ASSERT_EQUAL(L.n_cap, 1);
}

static int find_peer(const struct bd_peer_info *pi, void *arg)
{
	const uint32_t *want = arg;
	return pi->bd_id == 30 && pi->vtep == *want && pi->learned;
}

static void test_group6(void)
{
	struct bd_table *bd = gw_bd(L.gw);
	uint16_t bdif30;
	uint32_t group = lab_vtep6(&L, GROUP6);
	CU_ASSERT_FATAL(vx_vtep_is_group(group));
	CU_ASSERT_FATAL(bd_add(bd, 30) == BD_OK && bd_set_vni(bd, 30, 7000) == BD_OK);
	CU_ASSERT_FATAL(bd_set_flood_group(bd, 30, group) == BD_OK);
	CU_ASSERT_FATAL(gw_bdif_add(L.gw, 30, &bdif30) == GW_OK);
	CU_ASSERT_FATAL(gw_if_addr_add(L.gw, bdif30, LAB_GW30, 24) == GW_OK);
	/* an unnamed sender's broadcast to the group: learned, answered by unicast */
	size_t named = vx_vteps_count(gw_vteps(L.gw));
	lab_from_vtep6(&L, SENDER6, group, 7000, 0, F,
	               lab_arp_frame(F, 1, NULL, H3, IP_H3, NULL, LAB_GW30));
	struct in6_addr s = lab_a6(SENDER6);
	uint32_t sender = vx_vteps_find(gw_vteps(L.gw), &s);
	CU_ASSERT_FATAL(sender != 0);
	CU_ASSERT_EQUAL(vx_vteps_count(gw_vteps(L.gw)), named + 1);
	CU_ASSERT_EQUAL(bd_peer_walk(bd, 0, find_peer, &sender), 1);
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, sender);
	check_outer6(&L.cap[0], SENDER6, 7000);
	/* "unknown IPv6" arriving over IPv4 (no driver names one so): nothing to learn from */
	uint64_t nopeer = lab_drops(&L, GW_DROP_NO_SUCH_PEER);
	lab_reset_capture(&L);
	uint8_t vx[128];
	vx_hdr_build(vx, 7000);
	unsigned n =
	    VX_HDR_LEN + lab_arp_frame(vx + VX_HDR_LEN, 1, NULL, H3, IP_H3, NULL, LAB_GW30);
	lab_from_vtep_raw(&L, VX_VTEP6_UNKNOWN, LAB_VTEP, vx, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_SUCH_PEER), nopeer + 1);
	CU_ASSERT_EQUAL(vx_vteps_count(gw_vteps(L.gw)), named + 1);
	/* the gateway's own broadcast (ARP for an unknown host) goes to the group */
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H3 + 1, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	check_outer6(&L.cap[0], GROUP6, 7000);
	lab_advance(&L, 10000); /* the unanswered ARP gives up its queued packet */
	/* and a packet of a known host goes to its VTEP */
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H3, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	check_outer6(&L.cap[0], SENDER6, 7000);
}

static void test_refused(void)
{
	/* an unnamed IPv6 sender in a bridge domain of listed peers: not a peer, not named */
	size_t named = vx_vteps_count(gw_vteps(L.gw));
	uint64_t nopeer = lab_drops(&L, GW_DROP_NO_SUCH_PEER);
	lab_from_vtep6(&L, "2001:db8::99", 0, 6000, 0, F,
	               ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_SUCH_PEER), nopeer + 1);
	CU_ASSERT_EQUAL(vx_vteps_count(gw_vteps(L.gw)), named);
	/* a named IPv6 VTEP that is not this bridge domain's peer */
	(void)lab_vtep6(&L, "2001:db8::98");
	lab_from_vtep6(&L, "2001:db8::98", 0, 6000, 0, F,
	               ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0));
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_SUCH_PEER), nopeer + 2);
	/* without an IPv6 source nothing goes to an IPv6 VTEP */
	CU_ASSERT_EQUAL(gw_set_vtep6(L.gw, NULL), GW_OK);
	CU_ASSERT_PTR_NULL(gw_vtep6(L.gw));
	uint64_t nosrc = lab_drops(&L, GW_DROP_NO_VTEP_SOURCE);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_VTEP_SOURCE), nosrc + 1);
	/* nor is anything taken from one: outer_dst is no VTEP of ours any more */
	uint64_t dst = lab_drops(&L, GW_DROP_OUTER_DST);
	lab_from_vtep_tos(&L, N6, 6000, 0, F, ping_tos(F, BDIF20_MAC, H2, IP_H2, IP_H1, 0));
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_OUTER_DST), dst + 1);
	/* sources that cannot be a VTEP */
	struct in6_addr bad[] = {lab_a6("ff05::1"), lab_a6("::1"), lab_a6("fe80::1")};
	for (unsigned i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(gw_set_vtep6(L.gw, &bad[i]), GW_E_INVAL);
}

static void test_udp6_zero_checksum(void)
{
	gw_set_udp6_zero_csum(L.gw, false, true);
	CU_ASSERT(gw_udp6_zero_csum_tx(L.gw) && !gw_udp6_zero_csum_rx(L.gw));
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + NET_IP6_HLEN + 6), 0);
	gw_set_udp6_zero_csum(L.gw, false, false);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, ping_tos(F, BDIF10_MAC, H1, IP_H1, IP_H2, 0));
	CU_ASSERT_FATAL(L.n_cap == 1);
	check_outer6(&L.cap[0], PEER6, 6000);
}

static CU_TestInfo tests[] = {
    {"routed IPv4 VTEP <-> IPv6 VTEP, outer IPv6 header and UDP checksum",
     test_routed_between_families},
    {"vxlan dscp: default 0, inherit, fixed; ECN copied out", test_dscp},
    {"RFC 6040 decapsulation: CE onto ECT, ECT(1) onto ECT(0), CE onto Not-ECT dropped",
     test_ecn_decap},
    {"IPv6 flood group: senders learned by name, floods to the group", test_group6},
    {"IPv6 senders outside the list, no IPv6 source, bad sources", test_refused},
    {"udp6-zero-checksum tx", test_udp6_zero_checksum},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"underlay6", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
