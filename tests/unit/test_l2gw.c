/*
 * test_l2gw.c - the L2 gateway in the in-memory gateway: local ports (a VLAN of one netdev,
 * a whole netdev) in bridge domain 10 beside its VTEPs and its BDIF. Every case counts
 * exactly what leaves and where: learning on ports, switching port <-> VTEP and port <->
 * port, flooding (ports and head-end replication, split horizon from VTEPs), the BDIF
 * reached from a port, routed traffic out of a port, tags pushed and popped, MAC moves,
 * static MACs, MTU, and a port's refusal of addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "gw/gw.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* behind VTEP .11 */
static const uint8_t H4[6] = {0x02, 0x00, 0x00, 0x00, 0x04, 0x04}; /* on p1.100 */
static const uint8_t H5[6] = {0x02, 0x00, 0x00, 0x00, 0x05, 0x05}; /* on p2 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* BD 20, VTEP .12 */
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t P1_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0xaa, 0x01};
static const uint8_t P2_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0xaa, 0x02};
#define IP_H1 0x0a010a32u      /* 10.1.10.50 */
#define IP_H4 0x0a010a2cu      /* 10.1.10.44 */
#define IP_H2 0x0a011432u      /* 10.1.20.50 */
#define INNER (LAB_OUTER_HLEN) /* a captured VXLAN packet's inner frame */

static struct lab L;
static uint16_t P1, P2; /* p1.100 (VLAN 100) and p2 (untagged), ports of BD 10 */
static uint8_t BDIF10_MAC[6], BDIF20_MAC[6];
static uint8_t F[2048];

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
	gw_bdif_default_mac(20, BDIF20_MAC);
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "p1.100", P1_MAC, &P1) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_dot1q(L.gw, P1, 100) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_l2_bd(L.gw, P1, 10) == GW_OK);
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "p2", P2_MAC, &P2) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_l2_bd(L.gw, P2, 10) == GW_OK);
	lab_reset_capture(&L);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/* a UDP frame of plen payload bytes (checksum 0: not checked on the way) */
static unsigned udp_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t sip,
                          uint32_t dip, uint16_t plen)
{
	unsigned n = lab_eth(buf, dst, src, NET_ETHERTYPE_IP);
	n += lab_ip(buf + n, sip, dip, NET_IPPROTO_UDP, 64, (uint16_t)(8 + plen), true);
	uint8_t *u = buf + n;
	memset(u, 0, 8 + plen);
	u[0] = 0x30, u[1] = 0x39, u[2] = 0x00, u[3] = 0x09;
	u[4] = (uint8_t)((8 + plen) >> 8), u[5] = (uint8_t)(8 + plen);
	return n + 8 + plen;
}

static void from_p1(const uint8_t *frame, unsigned len)
{
	uint8_t b[2048];
	memcpy(b, frame, len);
	lab_from_uplink(&L, P1, b, lab_tag_frame(b, len, 100));
}

/* frames captured out of uplink ifx (underlay: 0 with outer_dst vtep) */
static unsigned count_to(uint16_t ifx, uint32_t vtep)
{
	unsigned n = 0;
	for (unsigned i = 0; i < L.n_cap; i++)
		n += L.cap[i].ifx == ifx && (ifx || L.cap[i].outer_dst == vtep);
	return n;
}

static const struct lab_frame *cap_to(uint16_t ifx, uint32_t vtep)
{
	for (unsigned i = 0; i < L.n_cap; i++)
		if (L.cap[i].ifx == ifx && (ifx || L.cap[i].outer_dst == vtep))
			return &L.cap[i];
	return NULL;
}

static uint32_t dest_of(const uint8_t *mac)
{
	uint32_t dest = 0;
	struct bd_table *bd = gw_bd(L.gw);
	return bd_mac_lookup(bd, bd_index(bd, 10), mac, &dest) ? dest : 0;
}

/* A port's frame tagged with its VLAN has the tag after the MACs, the frame after it. */
static bool is_tagged(const struct lab_frame *f, uint16_t vlan, const uint8_t *inner, unsigned len)
{
	return f && f->len == len + 4 && lab_rd16(f->bytes + 12) == 0x8100 &&
	       lab_rd16(f->bytes + 14) == vlan && !memcmp(f->bytes, inner, 12) &&
	       !memcmp(f->bytes + 16, inner + 12, len - 12);
}

static void test_broadcast_from_port(void)
{
	/* h4 asks for the gateway: answered on p1.100 (tagged), flooded once to each flood
	 * peer and to p2, never back to p1.100 */
	unsigned n =
	    lab_arp_frame(F, ARP_OP_REQUEST, BCAST, H4, IP_H4, (const uint8_t[6]){0}, LAB_GW10);
	from_p1(F, n);
	CU_ASSERT_EQUAL(L.n_cap, 4); /* the reply, p2, VTEPs .11 and .12 */
	CU_ASSERT_EQUAL(count_to(P1, 0), 1);
	CU_ASSERT_EQUAL(count_to(P2, 0), 1);
	CU_ASSERT_EQUAL(count_to(0, LAB_VTEP11), 1);
	CU_ASSERT_EQUAL(count_to(0, LAB_VTEP12), 1);
	CU_ASSERT_EQUAL(count_to(0, LAB_VTEP13), 0);
	const struct lab_frame *r = cap_to(P1, 0);
	CU_ASSERT(r && lab_rd16(r->bytes + 14) == 100 && lab_rd16(r->bytes + 16) == 0x0806 &&
	          lab_rd16(r->bytes + 24) == ARP_OP_REPLY && !memcmp(r->bytes, H4, 6));
	const struct lab_frame *p2 = cap_to(P2, 0);
	CU_ASSERT(p2 && p2->len == n && !memcmp(p2->bytes, F, n)); /* untagged, unchanged */
	const struct lab_frame *v = cap_to(0, LAB_VTEP11);
	CU_ASSERT(v && v->len == INNER + n && !memcmp(v->bytes + INNER, F, n));
	CU_ASSERT_EQUAL(lab_rd32(v->bytes + 28 + 4) >> 8, 5000); /* VNI */
	CU_ASSERT_EQUAL(dest_of(H4), P1);
}

static void test_unicast_port_vtep(void)
{
	/* h1 known behind .11; h4 -> h1 goes to .11 only, untagged inside */
	unsigned n = udp_frame(F, BCAST, H1, IP_H1, 0x0a010aff, 10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, n); /* learns h1; flooded to the ports */
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(count_to(P1, 0) + count_to(P2, 0), 2); /* never to a VTEP */
	CU_ASSERT_EQUAL(dest_of(H1), LAB_VTEP11);
	lab_reset_capture(&L);
	n = udp_frame(F, H1, H4, IP_H4, IP_H1, 100);
	from_p1(F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	const struct lab_frame *v = cap_to(0, LAB_VTEP11);
	CU_ASSERT(v && v->len == INNER + n && !memcmp(v->bytes + INNER, F, n));
	lab_reset_capture(&L);
	/* and back: h1 -> h4 from .11 leaves p1.100 tagged 100, nowhere else */
	n = udp_frame(F, H4, H1, IP_H1, IP_H4, 100);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT(is_tagged(cap_to(P1, 0), 100, F, n));
	/* unknown unicast from a VTEP: to the ports only (split horizon) */
	lab_reset_capture(&L);
	n = udp_frame(F, (const uint8_t[6]){0x02, 9, 9, 9, 9, 9}, H1, IP_H1, IP_H4, 10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(count_to(0, LAB_VTEP12), 0);
}

static void test_port_to_port(void)
{
	unsigned n = udp_frame(F, BCAST, H5, 0x0a010a37, 0x0a010aff, 10);
	lab_from_uplink(&L, P2, F, n); /* h5 learned on p2 */
	CU_ASSERT_EQUAL(dest_of(H5), P2);
	from_p1(F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10)); /* h4 learned on p1.100 */
	lab_reset_capture(&L);
	n = udp_frame(F, H4, H5, 0x0a010a37, IP_H4, 300);
	lab_from_uplink(&L, P2, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT(is_tagged(cap_to(P1, 0), 100, F, n));
	lab_reset_capture(&L);
	n = udp_frame(F, H5, H4, IP_H4, 0x0a010a37, 300);
	from_p1(F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	const struct lab_frame *f = cap_to(P2, 0);
	CU_ASSERT(f && f->len == n && !memcmp(f->bytes, F, n)); /* tag popped */
	/* to a MAC on the port it came from: filtered, counted */
	lab_reset_capture(&L);
	uint64_t same = lab_drops(&L, GW_DROP_L2_SAME_PORT);
	n = udp_frame(F, H5, (const uint8_t[6]){0x02, 0, 0, 0, 5, 6}, 1, 2, 10);
	lab_from_uplink(&L, P2, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_L2_SAME_PORT), same + 1);
}

static void test_routed_to_port(void)
{
	/* h4 makes itself known to the gateway (ARP), then h2 in BD 20 pings it: routed through
	 * bdif10, out of p1.100 tagged, with the BDIF's MAC as source */
	from_p1(
	    F, lab_arp_frame(F, ARP_OP_REQUEST, BCAST, H4, IP_H4, (const uint8_t[6]){0}, LAB_GW10));
	lab_reset_capture(&L);
	unsigned n = lab_ping_frame(F, BDIF20_MAC, H2, IP_H2, IP_H4, 64, 56, true);
	lab_from_vtep(&L, LAB_VTEP12, 6000, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	const struct lab_frame *f = cap_to(P1, 0);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->len, n + 4);
	CU_ASSERT(!memcmp(f->bytes, H4, 6) && !memcmp(f->bytes + 6, BDIF10_MAC, 6));
	CU_ASSERT_EQUAL(lab_rd16(f->bytes + 14), 100);
	CU_ASSERT_EQUAL(f->bytes[16 + 8 + 2], 63); /* TTL decremented */
	/* h4 pings h2: from the port to the BDIF, routed into VNI 6000 */
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_reset_capture(&L);
	from_p1(F, lab_ping_frame(F, BDIF10_MAC, H4, IP_H4, IP_H2, 64, 56, true));
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(count_to(0, LAB_VTEP12), 1);
}

static void test_mac_move_and_static(void)
{
	from_p1(F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10));
	CU_ASSERT_EQUAL(dest_of(H4), P1);
	lab_from_vtep(&L, LAB_VTEP12, 5000, F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10));
	CU_ASSERT_EQUAL(dest_of(H4), LAB_VTEP12);
	from_p1(F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10));
	CU_ASSERT_EQUAL(dest_of(H4), P1);
	/* a MAC bound statically to a VTEP cannot be taken by a port, nor one bound to a port by
	 * another port */
	struct bd_table *bd = gw_bd(L.gw);
	CU_ASSERT_EQUAL(bd_mac_static_add(bd, 10, H1, LAB_VTEP11), BD_OK);
	CU_ASSERT_EQUAL(bd_mac_static_add(bd, 10, H5, P1), BD_OK);
	lab_reset_capture(&L);
	uint64_t c = lab_drops(&L, GW_DROP_MAC_STATIC_CONFLICT);
	from_p1(F, udp_frame(F, BCAST, H1, 1, 2, 10));
	lab_from_uplink(&L, P2, F, udp_frame(F, BCAST, H5, 1, 2, 10));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_MAC_STATIC_CONFLICT), c + 2);
	CU_ASSERT_EQUAL(dest_of(H1), LAB_VTEP11);
	CU_ASSERT_EQUAL(dest_of(H5), P1);
	/* a host on a port sending as the gateway (the BDIF's MAC) is dropped, not learned */
	uint64_t own = lab_drops(&L, GW_DROP_L2_OWN_MAC);
	lab_from_uplink(&L, P2, F,
	                lab_arp_frame(F, ARP_OP_REQUEST, BCAST, BDIF10_MAC, LAB_GW10,
	                              (const uint8_t[6]){0}, IP_H4));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_L2_OWN_MAC), own + 1);
	CU_ASSERT_EQUAL(dest_of(BDIF10_MAC), 0);
	/* leaving the bridge domain forgets the MACs on the port, static ones too */
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, P1, 0), GW_OK);
	CU_ASSERT_EQUAL(dest_of(H4), 0);
	CU_ASSERT_EQUAL(dest_of(H5), 0);
	CU_ASSERT_EQUAL(dest_of(H1), LAB_VTEP11);
}

static void test_mtu_and_down(void)
{
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, P1, 1400), GW_OK);
	from_p1(F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10));
	lab_reset_capture(&L);
	uint64_t big = lab_drops(&L, GW_DROP_L2_MTU);
	/* 1401 bytes of IP: too big for p1.100; 1400: fits */
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, udp_frame(F, H4, H1, IP_H1, IP_H4, 1401 - 28));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_L2_MTU), big + 1);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, udp_frame(F, H4, H1, IP_H1, IP_H4, 1400 - 28));
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].len, 14 + 4 + 1400);
	/* a port that goes down forgets its MACs: h4 is unknown, flooded to p2 alone */
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, P1, false), GW_OK);
	CU_ASSERT_EQUAL(dest_of(H4), 0);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, udp_frame(F, H4, H1, IP_H1, IP_H4, 10));
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(count_to(P2, 0), 1);
}

static void test_port_has_no_address(void)
{
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, P2, 0x0a090901, 24), GW_E_BUSY);
	struct in6_addr a = lab_a6("2001:db8:99::1");
	CU_ASSERT_EQUAL(gw_if_addr6_add(L.gw, P2, &a, 64), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, P2, 0), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, P2, 0x0a090901, 24), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, P2, 10), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, P2, 99), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, L.bdif10, 10), GW_E_INVAL);
	uint16_t p3;
	CU_ASSERT_EQUAL(gw_eth_add(L.gw, "p3", P2_MAC, &p3), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_l2_bd(L.gw, p3, 99), GW_E_NOENT);
	struct gw_if_info info;
	CU_ASSERT(gw_if_get(L.gw, P1, &info) && info.l2_bd == 10);
}

/*
 * A sender's TCP super-packet from a VTEP is cut to its segment's MTU (the BDIF's, 1450
 * here) on the way out of a port of MTU 1500, as its NIC would have; a UDP datagram of
 * that size is no super-packet and leaves whole.
 */
static void test_super_packet_to_port(void)
{
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif10, 1450), GW_OK);
	from_p1(F, udp_frame(F, BCAST, H4, IP_H4, 0x0a010aff, 10));
	lab_reset_capture(&L);
	unsigned n = udp_frame(F, H4, H1, IP_H1, IP_H4, 1480 - 28);
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].len, n + 4);
	/* TCP, 1900 bytes of payload in one IP packet */
	lab_reset_capture(&L);
	n = lab_eth(F, H4, H1, NET_ETHERTYPE_IP);
	n += lab_ip(F + n, IP_H1, IP_H4, 6, 64, 20 + 1900, true);
	uint8_t *t = F + n;
	memset(t, 0, 20 + 1900);
	t[0] = 0x30, t[1] = 0x39, t[3] = 80, t[12] = 5 << 4, t[13] = 0x10;
	n += 20 + 1900;
	lab_from_vtep(&L, LAB_VTEP11, 5000, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 2); /* 1410 + 490 bytes of payload */
	for (unsigned i = 0; i < L.n_cap; i++) {
		CU_ASSERT(L.cap[i].len <= 14 + 4 + 1450);
		CU_ASSERT_EQUAL(L.cap[i].ifx, P1);
	}
}

/* A bridge domain of ports alone (no VNI), with a BDIF: a VLAN's plain SVI. */
static void test_ports_only_bd(void)
{
	struct bd_table *bd = gw_bd(L.gw);
	uint16_t bdif40, q1, q2;
	CU_ASSERT_FATAL(bd_add(bd, 40) == BD_OK);
	CU_ASSERT_FATAL(gw_bdif_add(L.gw, 40, &bdif40) == GW_OK);
	CU_ASSERT_FATAL(gw_if_addr_add(L.gw, bdif40, 0x0a012801, 24) == GW_OK);
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "q1", P1_MAC, &q1) == GW_OK);
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "q2", P2_MAC, &q2) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_l2_bd(L.gw, q1, 40) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_l2_bd(L.gw, q2, 40) == GW_OK);
	uint8_t mac40[6];
	gw_bdif_default_mac(40, mac40);
	/* h4 on q1 asks for 10.1.40.1: flooded to q2 only (no VTEPs), answered on q1 */
	unsigned n = lab_arp_frame(F, ARP_OP_REQUEST, BCAST, H4, 0x0a012844, (const uint8_t[6]){0},
	                           0x0a012801);
	lab_from_uplink(&L, q1, F, n);
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(count_to(q1, 0), 1);
	CU_ASSERT_EQUAL(count_to(q2, 0), 1);
	/* h2 (BD 20) pings h4: routed out of bdif40 to q1 */
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP12, 6000, F,
	              lab_ping_frame(F, BDIF20_MAC, H2, IP_H2, 0x0a012844, 64, 56, true));
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(count_to(q1, 0), 1);
	/* a static MAC behind a VTEP there has no VNI to be reached by */
	CU_ASSERT_EQUAL(bd_mac_static_add(bd, 40, H5, LAB_VTEP11), BD_OK);
	lab_reset_capture(&L);
	uint64_t novni = lab_drops(&L, GW_DROP_NO_SUCH_VNI);
	lab_from_uplink(&L, q1, F, udp_frame(F, H5, H4, 0x0a012844, 0x0a012845, 10));
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_SUCH_VNI), novni + 1);
}

static CU_TestInfo tests[] = {
    {"port: broadcast flooded to peers and ports once, ARP answered tagged",
     test_broadcast_from_port},
    {"port <-> VTEP: known unicast, unknown from a VTEP to ports only", test_unicast_port_vtep},
    {"port <-> port: tag pushed and popped, same port filtered", test_port_to_port},
    {"routed to and from a port through the BDIFs", test_routed_to_port},
    {"MAC moves both ways; static MACs never move; leaving flushes", test_mac_move_and_static},
    {"port MTU; a port going down forgets its MACs", test_mtu_and_down},
    {"a port carries no address", test_port_has_no_address},
    {"a bridge domain of ports alone, with a BDIF", test_ports_only_bd},
    {"a TCP super-packet from a VTEP cut to the segment's MTU", test_super_packet_to_port},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"l2gw", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
