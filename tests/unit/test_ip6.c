/*
 * test_ip6.c - the IPv6 nodes of the pipeline on the in-memory lab (pktlab.h) with IPv6
 * added: router advertisements, neighbour discovery both ways, echo, routing between
 * bridge domains and to the uplink, and ICMPv6 errors (hop limit, no route, packet too
 * big), each checked byte by byte and by its counters.
 *
 *   bdif10 2001:db8:10::1/64, bdif20 2001:db8:20::1/64, up0 2001:db8:f0::2/64 (MTU 1280)
 *   h1 2001:db8:10::51 behind VTEP .11 (VNI 5000), h2 2001:db8:20::52 behind .13 (VNI 6000)
 */
#include <string.h>

#include "arp/nd.h"
#include "fib/fib6.h"
#include "cu_main.h"
#include "pktlab.h"

static const uint8_t h1_mac[6] = {0x02, 0x11, 0x00, 0x00, 0x00, 0x51};
static const uint8_t h2_mac[6] = {0x02, 0x22, 0x00, 0x00, 0x00, 0x52};
static const uint8_t bdif10_mac[6] = {0x02, 0x76, 0x78, 0x00, 0x00, 0x0a};
static const uint8_t bdif20_mac[6] = {0x02, 0x76, 0x78, 0x00, 0x00, 0x14};

/* The inner IPv6 header of captured frame i (underlay: after VXLAN and Ethernet). */
static const uint8_t *cap_ip6(const struct lab *lab, unsigned i)
{
	const uint8_t *ip = lab_frame_ip6(&lab->cap[i]);
	CU_ASSERT_FATAL(ip != NULL);
	return ip;
}

/* ::/0 via 2001:db8:f0::1 on up0, a static neighbour: anything routed can leave. */
static void default_route6(struct lab *lab)
{
	struct in6_addr any = {0}, nh = lab_a6("2001:db8:f0::1");
	struct fib6_nh n = {.kind = FIB_NH_IP, .ip = nh};
	CU_ASSERT_FATAL(fib6_route_add(gw_vrf_fib6(lab->gw, 0), &any, 0, &n) == FIB_OK);
	CU_ASSERT_FATAL(arp6_static_add(gw_nd(lab->gw), lab->up0, &nh, lab_upnh_mac) == ARP_OK);
}

/* Ethernet + IPv6 with next header nxt and plen bytes of payload (copied). */
static unsigned ip6_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                          const struct in6_addr *src, const struct in6_addr *dst, uint8_t hlim,
                          uint8_t nxt, const uint8_t *payload, unsigned plen)
{
	unsigned n = lab_eth(buf, dmac, smac, NET_ETHERTYPE_IP6);
	struct net_ip6 ip = {.vtcfl = htonl(6u << 28),
	                     .plen = htons((uint16_t)plen),
	                     .nxt = nxt,
	                     .hlim = hlim,
	                     .src = *src,
	                     .dst = *dst};
	memcpy(buf + n, &ip, sizeof(ip));
	memcpy(buf + n + NET_IP6_HLEN, payload, plen);
	return n + NET_IP6_HLEN + plen;
}

/* h1 known to the gateway through its NS for the gateway's address. */
static void h1_solicits(struct lab *lab)
{
	uint8_t f[200];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), g = lab_a6("2001:db8:10::1");
	lab_from_vtep(lab, LAB_VTEP11, 5000, f, lab_ns_frame(f, h1_mac, &h1, &g));
}

static void test_ra_periodic(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	lab_reset_capture(&lab);
	lab_advance(&lab, 600);
	/* bdif10 and bdif20 each flood one RA to their two peers; up0 sends none */
	CU_ASSERT_EQUAL(lab.n_cap, 4);
	unsigned seen10 = 0;
	for (unsigned i = 0; i < lab.n_cap; i++) {
		CU_ASSERT_EQUAL(lab.cap[i].ifx, 0);
		const uint8_t *ip = cap_ip6(&lab, i);
		const uint8_t *eth = ip - NET_ETH_HLEN;
		CU_ASSERT_EQUAL(eth[0], 0x33);
		CU_ASSERT_EQUAL(eth[5], 0x01);
		CU_ASSERT_EQUAL(ip[7], 255);
		CU_ASSERT_EQUAL(ip[NET_IP6_HLEN], NET_ICMP6_RA);
		CU_ASSERT(lab_icmp6_ok(ip));
		struct nd_msg m;
		CU_ASSERT_EQUAL_FATAL(
		    nd_parse((const struct net_ip6 *)ip, ip + NET_IP6_HLEN, lab_rd16(ip + 4), &m),
		    ND_PARSE_OK);
		CU_ASSERT_EQUAL(m.router_lifetime_s, 1800);
		CU_ASSERT_EQUAL(m.mtu, 1500);
		CU_ASSERT_EQUAL_FATAL(m.n_prefixes, 1);
		CU_ASSERT_EQUAL(m.prefixes[0].len, 64);
		CU_ASSERT_EQUAL(m.prefixes[0].flags, ND_PI_ONLINK | ND_PI_AUTO);
		if (net_mac_eq(eth + 6, bdif10_mac)) {
			struct in6_addr p = lab_a6("2001:db8:10::");
			CU_ASSERT(net_ip6_eq(&m.prefixes[0].pfx, &p));
			seen10++;
		}
	}
	CU_ASSERT_EQUAL(seen10, 2);
	struct gw_counters c;
	gw_get_counters(lab.gw, &c);
	CU_ASSERT_EQUAL(c.ra_sent, 2);
	/* suppressed: the next one never comes */
	struct gw_nd_cfg nd = {.ra = GW_ND_RA_SUPPRESS};
	CU_ASSERT_EQUAL(gw_if_set_nd(lab.gw, lab.bdif10, &nd), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_nd(lab.gw, lab.bdif20, &nd), GW_OK);
	lab_reset_capture(&lab);
	lab_advance(&lab, 20000);
	gw_get_counters(lab.gw, &c);
	CU_ASSERT_EQUAL(c.ra_sent, 4); /* the two final RAs (lifetime 0) only */
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static void test_ns_answered_and_learned(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	lab_reset_capture(&lab);
	h1_solicits(&lab);
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 1);
	CU_ASSERT_EQUAL(lab.cap[0].outer_dst, LAB_VTEP11);
	const uint8_t *ip = cap_ip6(&lab, 0);
	CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN, h1_mac));
	CU_ASSERT_EQUAL(ip[NET_IP6_HLEN], NET_ICMP6_NA);
	CU_ASSERT_EQUAL(ip[NET_IP6_HLEN + 4], ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
	CU_ASSERT(lab_icmp6_ok(ip));
	struct arp6_entry_info e;
	struct in6_addr h1 = lab_a6("2001:db8:10::51");
	CU_ASSERT_FATAL(arp6_get(gw_nd(lab.gw), lab.bdif10, &h1, lab.now, &e));
	CU_ASSERT(net_mac_eq(e.mac, h1_mac));
	CU_ASSERT_EQUAL(e.state, ARP_STALE);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static void test_echo_to_gateway(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	h1_solicits(&lab);
	lab_reset_capture(&lab);
	uint8_t f[300];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), g = lab_a6("2001:db8:10::1");
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &g, 64, 56));
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 1);
	const uint8_t *ip = cap_ip6(&lab, 0);
	CU_ASSERT_EQUAL(ip[NET_IP6_HLEN], NET_ICMP6_ECHO_REPLY);
	CU_ASSERT_EQUAL(memcmp(ip + 8, &g, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 24, &h1, 16), 0);
	CU_ASSERT(lab_icmp6_ok(ip));
	CU_ASSERT_EQUAL(lab_rd16(ip + 4), 4 + 4 + 56);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static void test_routed_with_nd(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	h1_solicits(&lab);
	lab_reset_capture(&lab);
	uint8_t f[300];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), h2 = lab_a6("2001:db8:20::52"),
	                g20 = lab_a6("2001:db8:20::1");
	unsigned n = lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &h2, 64, 100);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, n);
	/* held; an NS for h2 to its solicited-node group, flooded to bdif20's two peers */
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 2);
	const uint8_t *ns = cap_ip6(&lab, 0);
	CU_ASSERT_EQUAL(ns[NET_IP6_HLEN], NET_ICMP6_NS);
	CU_ASSERT_EQUAL(memcmp(ns + NET_IP6_HLEN + 8, &h2, 16), 0);
	CU_ASSERT(lab_icmp6_ok(ns));
	lab_reset_capture(&lab);
	uint8_t a[200];
	lab_from_vtep(&lab, LAB_VTEP13, 6000, a,
	              lab_na_frame(a, bdif20_mac, h2_mac, &h2, &g20, &h2));
	/* the held packet leaves, hop limit 63, to h2 (unknown MAC yet learned: VTEP .13) */
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 1);
	CU_ASSERT_EQUAL(lab.cap[0].outer_dst, LAB_VTEP13);
	const uint8_t *ip = cap_ip6(&lab, 0);
	CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN, h2_mac));
	CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN + 6, bdif20_mac));
	CU_ASSERT_EQUAL(ip[7], 63);
	CU_ASSERT_EQUAL(memcmp(ip, f + NET_ETH_HLEN, 7), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 8, f + NET_ETH_HLEN + 8, n - NET_ETH_HLEN - 8), 0);
	/* the next one goes at once */
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(lab.n_cap, 1);
	struct gw_counters c;
	gw_get_counters(lab.gw, &c);
	CU_ASSERT_EQUAL(c.routed6, 2);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* The ICMPv6 error captured as frame 0: its type, code and data word, quoting `orig`. */
static void expect_error(struct lab *lab, uint8_t type, uint8_t code, uint32_t data,
                         const struct in6_addr *from, const uint8_t *orig)
{
	CU_ASSERT_EQUAL_FATAL(lab->n_cap, 1);
	const uint8_t *ip = cap_ip6(lab, 0);
	CU_ASSERT_EQUAL(ip[NET_IP6_HLEN], type);
	CU_ASSERT_EQUAL(ip[NET_IP6_HLEN + 1], code);
	CU_ASSERT_EQUAL(lab_rd32(ip + NET_IP6_HLEN + 4), data);
	CU_ASSERT_EQUAL(memcmp(ip + 8, from, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip + NET_IP6_HLEN + 8, orig, NET_IP6_HLEN), 0);
	CU_ASSERT(lab_icmp6_ok(ip));
	CU_ASSERT(lab_rd16(ip + 4) + NET_IP6_HLEN <= NET_IP6_MTU_MIN);
}

static void test_errors(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	h1_solicits(&lab);
	uint8_t f[1600];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), h2 = lab_a6("2001:db8:20::52"),
	                far = lab_a6("2001:db8:99::1"), ext = lab_a6("2001:db8:f0::1"),
	                g10 = lab_a6("2001:db8:10::1");
	/* hop limit 1: time exceeded from bdif10's address */
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &h2, 1, 8));
	expect_error(&lab, NET_ICMP6_TIME_EXCEEDED, 0, 0, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_HLIM_EXPIRED), 1);
	/* no route */
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &far, 9, 8));
	expect_error(&lab, NET_ICMP6_DST_UNREACH, 0, 0, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_NO_ROUTE), 1);
	/* 1400 bytes toward up0 (MTU 1280): packet too big with 1280, never fragmented */
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &ext, 9, 1400 - 48));
	/* it was routed (hop limit 8) when the egress refused it: the quote says so, as for
	 * IPv4's fragmentation needed */
	f[NET_ETH_HLEN + 7]--;
	expect_error(&lab, NET_ICMP6_PKT_TOO_BIG, 0, 1280, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_TOO_BIG), 1);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* UDP to the gateway's link-local address from a host's link-local one: the port
 * unreachable comes from bdif10's global address (SPEC 4b: global, else link-local). */
static void test_error_to_linklocal_sender(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[200];
	struct in6_addr ll = lab_a6("fe80::51"), g10 = lab_a6("2001:db8:10::1"), ll10;
	nd_eui64_linklocal(bdif10_mac, &ll10);
	/* the host is known first, by its NS for the gateway's link-local */
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, lab_ns_frame(f, h1_mac, &ll, &ll10));
	lab_reset_capture(&lab);
	unsigned n = lab_eth(f, bdif10_mac, h1_mac, NET_ETHERTYPE_IP6);
	struct net_ip6 ip = {.vtcfl = htonl(6u << 28),
	                     .plen = htons(NET_UDP_HLEN),
	                     .nxt = NET_IPPROTO_UDP,
	                     .hlim = 1,
	                     .src = ll,
	                     .dst = ll10};
	memcpy(f + n, &ip, sizeof(ip));
	uint8_t udp[NET_UDP_HLEN] = {0x80, 0x00, 0x82, 0x9b, 0x00, NET_UDP_HLEN};
	memcpy(f + n + NET_IP6_HLEN, udp, sizeof(udp));
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, n + NET_IP6_HLEN + NET_UDP_HLEN);
	expect_error(&lab, NET_ICMP6_DST_UNREACH, 4, 0, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(memcmp(cap_ip6(&lab, 0) + 24, &ll, 16), 0);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* A link-local source toward a global destination is not forwarded, and the sender is
 * told: destination unreachable, beyond the scope of the source address (RFC 4443 3.1). */
static void test_linklocal_source_beyond_scope(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[200];
	struct in6_addr ll = lab_a6("fe80::51"), h2 = lab_a6("2001:db8:20::52"),
	                g10 = lab_a6("2001:db8:10::1"), ll10;
	nd_eui64_linklocal(bdif10_mac, &ll10);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, lab_ns_frame(f, h1_mac, &ll, &ll10));
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &ll, &h2, 9, 8));
	expect_error(&lab, NET_ICMP6_DST_UNREACH, 2, 0, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_SCOPE), 1);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static void test_scopes(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[300];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), ll = lab_a6("fe80::99"),
	                grp = lab_a6("ff02::fb"), g10 = lab_a6("2001:db8:10::1");
	uint8_t gmac[6];
	lab_reset_capture(&lab);
	/* another node's link-local address is never routed */
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &ll, 9, 8));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_SCOPE), 1);
	/* a group the gateway is not in (mDNS) */
	nd_mcast_mac(&grp, gmac);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, lab_echo6_frame(f, gmac, h1_mac, &h1, &grp, 9, 8));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_MCAST_IGNORED), 1);
	/* an NA claiming the gateway's own address */
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_na_frame(f, bdif10_mac, h1_mac, &h1, &g10, &g10));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_ND_SPOOF), 1);
	CU_ASSERT_EQUAL(lab.n_cap, 0);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static void test_ipv4_only_interface_ignores_ipv6(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init(&lab, NULL)); /* no IPv6 anywhere */
	uint8_t f[300];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), g = lab_a6("2001:db8:10::1");
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &h1, &g, 9, 8));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_ETHERTYPE), 1);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, lab_ns_frame(f, h1_mac, &h1, &g));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_BUM_IGNORED), 1);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* Nothing may be sent to the unspecified address (RFC 4291 2.5.2): an echo request from it
 * (to the gateway's link-local address, which takes it before the source check) is dropped,
 * not answered toward the default route. */
static void test_echo_from_unspecified_dropped(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	default_route6(&lab);
	uint8_t f[300];
	struct in6_addr zero = {0}, ll10;
	nd_eui64_linklocal(bdif10_mac, &ll10);
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_echo6_frame(f, bdif10_mac, h1_mac, &zero, &ll10, 64, 8));
	CU_ASSERT_EQUAL(lab.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_MARTIAN_SRC), 1);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* A DAD probe (NS from ::, no source link-layer option) for the gateway's address. */
static unsigned dad_frame(uint8_t *buf, const uint8_t *smac, const struct in6_addr *target)
{
	struct in6_addr group, zero = {0};
	uint8_t gmac[6], body[4 + 16] = {0};
	nd_solicited_node(target, &group);
	nd_mcast_mac(&group, gmac);
	memcpy(body + 4, target, 16);
	return lab_icmp6_frame(buf, gmac, smac, &zero, &group, 255, NET_ICMP6_NS, body,
	                       sizeof(body));
}

/* The address is defended with an NA to all-nodes, in one frame to the prober's MAC
 * (RFC 6085): a probe is never turned into a flood to every VTEP of the segment. */
static void test_dad_defended_without_flood(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[300];
	struct in6_addr g10 = lab_a6("2001:db8:10::1");
	lab_reset_capture(&lab);
	for (int i = 0; i < 3; i++)
		lab_from_vtep(&lab, LAB_VTEP11, 5000, f, dad_frame(f, h1_mac, &g10));
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 3);
	for (unsigned i = 0; i < lab.n_cap; i++) {
		CU_ASSERT_EQUAL(lab.cap[i].outer_dst, LAB_VTEP11);
		const uint8_t *ip = cap_ip6(&lab, i);
		CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN, h1_mac));
		CU_ASSERT_EQUAL(memcmp(ip + 24, &nd_all_nodes, 16), 0);
		CU_ASSERT_EQUAL(ip[NET_IP6_HLEN], NET_ICMP6_NA);
		CU_ASSERT_EQUAL(ip[NET_IP6_HLEN + 4], ND_NA_ROUTER | ND_NA_OVERRIDE);
		CU_ASSERT_EQUAL(memcmp(ip + NET_IP6_HLEN + 8, &g10, 16), 0);
		CU_ASSERT(lab_icmp6_ok(ip));
	}
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* An RS whose source is one of the gateway's addresses is a spoof: not learned (the
 * neighbour table never holds the gateway's own addresses), not answered. */
static void test_rs_from_own_address(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[300], body[4 + 8] = {0};
	struct in6_addr g10 = lab_a6("2001:db8:10::1"), ll10;
	nd_eui64_linklocal(bdif10_mac, &ll10);
	uint8_t rmac[6];
	nd_mcast_mac(&nd_all_routers, rmac);
	body[4] = ND_OPT_SLLA;
	body[5] = 1;
	memcpy(body + 6, h1_mac, 6);
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_icmp6_frame(f, rmac, h1_mac, &g10, &nd_all_routers, 255, NET_ICMP6_RS,
	                              body, sizeof(body)));
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_icmp6_frame(f, rmac, h1_mac, &ll10, &nd_all_routers, 255, NET_ICMP6_RS,
	                              body, sizeof(body)));
	struct arp6_entry_info e;
	CU_ASSERT_FALSE(arp6_get(gw_nd(lab.gw), lab.bdif10, &g10, lab.now, &e));
	CU_ASSERT_FALSE(arp6_get(gw_nd(lab.gw), lab.bdif10, &ll10, lab.now, &e));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_ND_SPOOF), 2);
	CU_ASSERT_EQUAL(lab.n_cap, 0);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* A transit packet with a fragment header and hop limit 1 (payload: ICMPv6 of type). */
static unsigned frag6_frame(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst,
                            uint16_t frag_off, uint8_t type)
{
	uint8_t pl[8 + 16] = {
	    NET_IPPROTO_ICMP6, 0, (uint8_t)(frag_off >> 8), (uint8_t)(frag_off | 1), 0, 0, 0, 7};
	pl[8] = type;
	return ip6_frame(buf, bdif10_mac, h1_mac, src, dst, 1, 44, pl, sizeof(pl));
}

/* RFC 4443 2.4 (e) through a fragment header, and the rule of the threat model: no error
 * about the first fragment of an ICMPv6 error nor about a non-first fragment (whose upper
 * layer cannot be seen); the first fragment of an echo request still gets its error. */
static void test_no_error_about_error_fragments(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	h1_solicits(&lab);
	uint8_t f[300];
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), h2 = lab_a6("2001:db8:20::52");
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              frag6_frame(f, &h1, &h2, 0, NET_ICMP6_DST_UNREACH));
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              frag6_frame(f, &h1, &h2, 1480, NET_ICMP6_ECHO_REQUEST));
	CU_ASSERT_EQUAL(lab.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_ICMP_ERR_SUPPRESSED), 2);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              frag6_frame(f, &h1, &h2, 0, NET_ICMP6_ECHO_REQUEST));
	CU_ASSERT_EQUAL(lab.n_cap, 1);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_HLIM_EXPIRED), 3);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* A redirect is for hosts: a router ignores it (RFC 4861 8.1), counted as unhandled, not as
 * a malformed ND message. */
static void test_redirect_ignored(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	uint8_t f[300], body[4 + 32] = {0};
	struct in6_addr ll = lab_a6("fe80::51"), ll10, h1 = lab_a6("2001:db8:10::51");
	nd_eui64_linklocal(bdif10_mac, &ll10);
	memcpy(body + 4, &h1, 16);
	memcpy(body + 20, &h1, 16);
	lab_reset_capture(&lab);
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f,
	              lab_icmp6_frame(f, bdif10_mac, h1_mac, &ll, &ll10, 255, NET_ICMP6_REDIRECT,
	                              body, sizeof(body)));
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_ND_MALFORMED), 0);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_LOCAL_PROTO), 1);
	CU_ASSERT_EQUAL(lab.n_cap, 0);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

/* A routing header with segments left to the gateway, which processes no routing type
 * (RFC 8200 4.4, RFC 5095): parameter problem pointing at the type, no echo reply; with
 * no segments left the header is ignored and the echo answered. */
static void test_routing_header_segments_left(void)
{
	struct lab lab;
	CU_ASSERT_FATAL(lab_init6(&lab, NULL));
	h1_solicits(&lab);
	uint8_t f[300], pl[24 + 16] = {NET_IPPROTO_ICMP6, 2, 0, 1};
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), g10 = lab_a6("2001:db8:10::1"),
	                h2 = lab_a6("2001:db8:20::52");
	memcpy(pl + 8, &h2, 16);
	uint8_t *icmp = pl + 24;
	icmp[0] = NET_ICMP6_ECHO_REQUEST;
	uint16_t sum = net_csum_fold(
	    net_csum_partial(icmp, 16, net_ip6_pseudo_sum(&h1, &g10, 16, NET_IPPROTO_ICMP6)));
	memcpy(icmp + 2, &sum, 2);
	lab_reset_capture(&lab);
	unsigned n = ip6_frame(f, bdif10_mac, h1_mac, &h1, &g10, 64, 43, pl, sizeof(pl));
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, n);
	expect_error(&lab, NET_ICMP6_PARAM_PROB, 0, NET_IP6_HLEN + 2, &g10, f + NET_ETH_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&lab, GW_DROP_IP6_EXT), 1);
	/* segments left 0: the last hop, the header ignored */
	lab_reset_capture(&lab);
	f[NET_ETH_HLEN + NET_IP6_HLEN + 3] = 0;
	lab_from_vtep(&lab, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(lab.n_cap, 1);
	CU_ASSERT_EQUAL(cap_ip6(&lab, 0)[NET_IP6_HLEN], NET_ICMP6_ECHO_REPLY);
	CU_ASSERT(lab_pool_full(&lab));
	lab_fini(&lab);
}

static CU_TestInfo tests[] = {
    {"router advertisements: periodic, suppressed", test_ra_periodic},
    {"NS for our address: NA, sender learned STALE", test_ns_answered_and_learned},
    {"echo request to the gateway answered", test_echo_to_gateway},
    {"routed across VNIs after ND", test_routed_with_nd},
    {"ICMPv6 errors: hop limit, no route, packet too big", test_errors},
    {"an error to a link-local sender comes from a global address", test_error_to_linklocal_sender},
    {"a link-local source is beyond scope: not forwarded, told",
     test_linklocal_source_beyond_scope},
    {"scopes: link-local, foreign group, spoofed NA", test_scopes},
    {"IPv4-only interfaces ignore IPv6", test_ipv4_only_interface_ignores_ipv6},
    {"echo from the unspecified address dropped", test_echo_from_unspecified_dropped},
    {"DAD probe for our address: one NA, not flooded", test_dad_defended_without_flood},
    {"RS from the gateway's own address: spoof", test_rs_from_own_address},
    {"no ICMPv6 error about error fragments", test_no_error_about_error_fragments},
    {"redirects ignored, not malformed", test_redirect_ignored},
    {"routing header with segments left to the gateway", test_routing_header_segments_left},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ip6", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
