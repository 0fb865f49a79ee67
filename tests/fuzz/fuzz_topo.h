/*
 * tests/fuzz/fuzz_topo.h - the gateway the packet fuzz targets (fuzz_pipeline, fuzz_fastpath)
 * run, and the configuration changes their inputs make between packets. A header of static
 * functions, as fuzz_check.h, so that each target (and its replay build) stays one file.
 *
 * The pktlab topology (tests/unit/pktlab.h) plus
 *   - routes: 0.0.0.0/0 via 203.0.113.1 (up0), 198.18.0.0/15 null0, 10.9.0.0/16 via
 *     10.1.20.10, ECMP 10.8.0.0/16 via 10.1.10.20 and 10.1.20.20, 198.51.0.0/16 via up1;
 *   - static ARP 203.0.113.1 (up0) and 10.1.10.50 (bdif10); static MAC 02:11:22:33:44:55
 *     in bridge domain 10 behind VTEP 192.0.2.11;
 *   - bridge domain 30 / VNI 7000 with flood group 239.1.1.70 (VTEPs learned), bdif30,
 *     a MAC limit of 4; bridge domain 40 / VNI 8000 without a BDIF; bridge domain 50 /
 *     VNI 9000 without flood peers; bridge domain 60 / VNI 9100 whose bdif60 is shut down;
 *   - MTUs: bdif10 1450, bdif20 576 (fragmentation and frag-needed), a secondary address
 *     on bdif10; uplinks up1 (down) and up2 (a /31);
 *   - 802.1Q sub-interfaces of up0, with its MAC: up0.100 (VLAN 100, 172.16.100.1/24,
 *     10.7.0.0/16 via 172.16.100.9 behind it) and up0.200 (no encapsulation: down,
 *     172.16.200.1/24);
 *   - access lists (issue 16): on bdif10 in (telnet, UDP from source ports 5000-6000 and,
 *     logged, SSH from 10.1.10.0/25 denied; established TCP and the rest permitted), on up0
 *     out (echo replies and fragments to 198.51.100.0/24 denied), on the L2 port up0.300 in
 *     and out (UDP 9999 denied); with IPv6, on bdif10 in (telnet and sources in
 *     2001:db8:10::/120 denied, ICMPv6 permitted) and up0 out (UDP 1000-2000 denied);
 *   - a small neighbour table (16 entries) and pool (1024 buffers);
 *   - the IPv6 underlay (issue 17): the gateway's IPv6 VTEP 2001:db8::1 (LAB_VTEP6_ADDR),
 *     `vxlan dscp inherit`; flood peer 2001:db8::21 in bridge domain 20 with a static MAC
 *     (02:11:22:33:66:60) behind it; bridge domain 70 / VNI 9200 with the IPv6 flood group
 *     ff05::1:70 (senders learned by name) and bdif70 10.1.70.1/24;
 *   - IPv6, where the target asks for it (fuzz_gw_init_ip6: fuzz_fastpath; fuzz_pipeline's
 *     checks know IPv4 only): bdif10 2001:db8:10::1/64, bdif20 2001:db8:20::1/64, bdif30
 *     2001:db8:30::1/64, up0 2001:db8:ff::2/64, up0.100 2001:db8:100::1/64; ::/0 via
 *     2001:db8:ff::1 (up0), 2001:db8:99::/48 via 2001:db8:20::10, 2001:db8:dead::/48
 *     null0; static neighbours 2001:db8:ff::1 (up0, the ARP one's MAC), 2001:db8:10::50
 *     (bdif10, the static MAC) and 2001:db8:20::60 (bdif20, 02:aa:00:00:00:60).
 */
#ifndef TESTS_FUZZ_TOPO_H
#define TESTS_FUZZ_TOPO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fib/fib6.h"
#include "gw/gw.h"
#include "pktlab.h"
#include "pool_guard.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#define FUZZ_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define FUZZ_GROUP30    FUZZ_IP(239, 1, 1, 70)
#define FUZZ_PEER6      "2001:db8::21"
#define FUZZ_GROUP6     "ff05::1:70"
#define FUZZ_POOL_BUFS  1024
#define FUZZ_CONFIG_OPS 8 /* fuzz_gw_config_op 1..7 */

/* One gateway of the topology and the configuration changes in effect on it. */
struct fuzz_gw {
	struct lab L;
	uint16_t bdif30, bdif50, bdif60, up1, up2, bdif70;
	uint32_t peer6, group6; /* the names of FUZZ_PEER6 and FUZZ_GROUP6 */
	bool bdif20_down;
	bool ip6;         /* fuzz_gw_init_ip6 ran: configuration ops restore IPv6 too */
	unsigned toggled; /* configuration changes in effect (1 << op), see fuzz_gw_config_op */
};

static const uint8_t fuzz_host50[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t fuzz_host6[6] = {0x02, 0x11, 0x22, 0x33, 0x66, 0x60}; /* behind PEER6 */

static void fuzz_must(int r, const char *what)
{
	if (r != 0) {
		fprintf(stderr, "fuzz: set-up failed: %s (%d)\n", what, r);
		abort();
	}
}

static void fuzz_add_bd(struct fuzz_gw *g, uint32_t id, uint32_t vni)
{
	fuzz_must(bd_add(gw_bd(g->L.gw), id), "bd_add");
	fuzz_must(bd_set_vni(gw_bd(g->L.gw), id, vni), "bd_set_vni");
}

static uint16_t fuzz_add_bdif(struct fuzz_gw *g, uint32_t bd, uint32_t addr, uint8_t len)
{
	uint16_t ifx;
	fuzz_must(gw_bdif_add(g->L.gw, bd, &ifx), "gw_bdif_add");
	fuzz_must(gw_if_addr_add(g->L.gw, ifx, addr, len), "gw_if_addr_add");
	return ifx;
}

static uint16_t fuzz_add_eth(struct fuzz_gw *g, const char *name, uint8_t last, uint32_t addr,
                             uint8_t len)
{
	uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x98, last};
	uint16_t ifx;
	fuzz_must(gw_eth_add(g->L.gw, name, mac, &ifx), "gw_eth_add");
	fuzz_must(gw_if_addr_add(g->L.gw, ifx, addr, len), "gw_if_addr_add");
	return ifx;
}

static void fuzz_add_route(struct fuzz_gw *g, uint32_t pfx, uint8_t len, uint8_t kind, uint32_t nh)
{
	struct fib_nh n = {.kind = kind, .ip = nh};
	fuzz_must(fib_route_add(gw_fib(g->L.gw), pfx, len, &n), "fib_route_add");
}

/* 2001:db8:net::host */
static struct in6_addr fuzz_ip6(uint16_t net, uint16_t host)
{
	struct in6_addr a = {.s6_addr = {0x20, 0x01, 0x0d, 0xb8}};
	a.s6_addr[4] = (uint8_t)(net >> 8), a.s6_addr[5] = (uint8_t)net;
	a.s6_addr[14] = (uint8_t)(host >> 8), a.s6_addr[15] = (uint8_t)host;
	return a;
}

static const uint8_t fuzz_host60[6] = {0x02, 0xaa, 0x00, 0x00, 0x00, 0x60};

/* 2001:db8:net::1/64 on ifx (up0: ::2, its next hop is ::1) */
static void fuzz_add_addr6(struct fuzz_gw *g, uint16_t ifx, uint16_t net)
{
	struct in6_addr a = fuzz_ip6(net, net == 0xff ? 2 : 1);
	fuzz_must(gw_if_addr6_add(g->L.gw, ifx, &a, 64), "gw_if_addr6_add");
}

/* Static IPv6 neighbour 2001:db8:net::host on ifx at mac (del: removed). */
static void fuzz_nd6_static(struct fuzz_gw *g, uint16_t ifx, uint16_t net, uint16_t host,
                            const uint8_t *mac, bool del)
{
	struct in6_addr a = fuzz_ip6(net, host);
	fuzz_must(del ? arp6_static_del(gw_nd(g->L.gw), ifx, &a)
	              : arp6_static_add(gw_nd(g->L.gw), ifx, &a, mac),
	          "arp6_static");
}

static inline void fuzz_add_route6(struct fuzz_gw *g, uint16_t net, uint8_t len, uint8_t kind,
                                   uint16_t nh_net, uint16_t nh_host)
{
	struct in6_addr pfx = net ? fuzz_ip6(net, 0) : (struct in6_addr){0};
	struct fib6_nh n = {.kind = kind, .ip = fuzz_ip6(nh_net, nh_host)};
	fuzz_must(fib6_route_add(gw_vrf_fib6(g->L.gw, 0), &pfx, len, &n), "fib6_route_add");
}

/* List `name` of family fam from its entries' words, applied to ifx in direction dir. */
static void fuzz_acl(struct fuzz_gw *g, int fam, const char *name, const char *const *lines,
                     uint16_t ifx, int dir)
{
	if (!gw_acl_cls(g->L.gw, fam, name))
		fuzz_must(lab_acl_set(g->L.gw, fam, name, lines), name);
	fuzz_must(gw_if_set_acl(g->L.gw, ifx, fam, dir, name), "gw_if_set_acl");
}

static void fuzz_acls(struct fuzz_gw *g, uint16_t port300)
{
	fuzz_acl(
	    g, ACL_IP4, "IN10",
	    (const char *const[]){"deny tcp any any eq telnet", "deny udp any range 5000 6000 any",
	                          "permit tcp any any established",
	                          "deny tcp 10.1.10.0/25 any eq 22 log", "permit ip any any", NULL},
	    g->L.bdif10, ACL_IN);
	fuzz_acl(g, ACL_IP4, "UP0",
	         (const char *const[]){"deny icmp any any echo-reply",
	                               "deny ip any 198.51.100.0/24 fragments", "permit ip any any",
	                               NULL},
	         g->L.up0, ACL_OUT);
	const char *const port[] = {"deny udp any any eq 9999", "permit ip any any", NULL};
	fuzz_acl(g, ACL_IP4, "PORT", port, port300, ACL_IN);
	fuzz_acl(g, ACL_IP4, "PORT", port, port300, ACL_OUT);
}

static inline void fuzz_acls6(struct fuzz_gw *g)
{
	fuzz_acl(g, ACL_IP6, "IN10",
	         (const char *const[]){"deny tcp any any eq telnet", "permit icmpv6 any any",
	                               "deny ipv6 2001:db8:10::/120 any", "permit ipv6 any any",
	                               NULL},
	         g->L.bdif10, ACL_IN);
	fuzz_acl(
	    g, ACL_IP6, "UP0",
	    (const char *const[]){"deny udp any any range 1000 2000", "permit ipv6 any any", NULL},
	    g->L.up0, ACL_OUT);
}

/* bdif20's IPv6 address and static neighbour (again, after config op 1). */
static void fuzz_bdif20_ip6(struct fuzz_gw *g)
{
	fuzz_add_addr6(g, g->L.bdif20, 0x20);
	fuzz_nd6_static(g, g->L.bdif20, 0x20, 0x60, fuzz_host60, false);
}

/* The topology's IPv6 (see the top of this file), after fuzz_gw_init. */
static inline void fuzz_gw_init_ip6(struct fuzz_gw *g)
{
	struct gw *gw = g->L.gw;
	fuzz_add_addr6(g, g->L.bdif10, 0x10);
	fuzz_add_addr6(g, g->bdif30, 0x30);
	fuzz_add_addr6(g, g->L.up0, 0xff);
	fuzz_add_addr6(g, gw_if_by_name(gw, "up0.100"), 0x100);
	fuzz_bdif20_ip6(g);
	fuzz_nd6_static(g, g->L.up0, 0xff, 1, lab_upnh_mac, false);
	fuzz_nd6_static(g, g->L.bdif10, 0x10, 0x50, fuzz_host50, false);
	fuzz_add_route6(g, 0, 0, FIB_NH_IP, 0xff, 1);
	fuzz_add_route6(g, 0x99, 48, FIB_NH_IP, 0x20, 0x10);
	fuzz_add_route6(g, 0xdead, 48, FIB_NH_NULL0, 0, 0);
	fuzz_acls6(g);
	g->ip6 = true;
}

/* Bridge domain 20's IPv6 flood peer and the static MAC behind it (again, after op 2). */
static void fuzz_bd20_peer6(struct fuzz_gw *g)
{
	fuzz_must(bd_flood_peer_add(gw_bd(g->L.gw), 20, g->peer6), "peer6 bd20");
	fuzz_must(bd_mac_static_add(gw_bd(g->L.gw), 20, fuzz_host6, g->peer6), "static mac6");
}

/* The IPv6 underlay of the topology (see the top of this file). */
static void fuzz_underlay6(struct fuzz_gw *g)
{
	struct gw *gw = g->L.gw;
	fuzz_must(!lab_underlay6(&g->L), "vxlan source (IPv6)");
	fuzz_must(gw_set_vx_dscp(gw, VX_DSCP_INHERIT), "vxlan dscp inherit");
	g->peer6 = lab_vtep6(&g->L, FUZZ_PEER6);
	g->group6 = lab_vtep6(&g->L, FUZZ_GROUP6);
	fuzz_must(!g->peer6 || !g->group6, "IPv6 names");
	fuzz_bd20_peer6(g);
	fuzz_add_bd(g, 70, 9200);
	fuzz_must(bd_set_flood_group(gw_bd(gw), 70, g->group6), "flood group bd70");
	g->bdif70 = fuzz_add_bdif(g, 70, FUZZ_IP(10, 1, 70, 1), 24);
}

/* Builds the topology into g, its pool poisoned for ASan (pool_guard.c). */
static void fuzz_gw_init(struct fuzz_gw *g)
{
	struct gw_params p;
	gw_params_default(&p);
	p.pool_bufs = FUZZ_POOL_BUFS;
	p.mac_capacity = 256;
	p.arp.max_entries = 16;
	if (!lab_init(&g->L, &p)) {
		fprintf(stderr, "fuzz: lab_init failed\n");
		abort();
	}
	pool_guard_arm(gw_pool(g->L.gw));
	struct gw *gw = g->L.gw;
	struct bd_table *bd = gw_bd(gw);

	fuzz_must(gw_if_addr_add(gw, g->L.bdif10, FUZZ_IP(10, 1, 11, 1), 24), "secondary");
	fuzz_must(gw_if_set_mtu(gw, g->L.bdif10, 1450), "mtu bdif10");
	fuzz_must(gw_if_set_mtu(gw, g->L.bdif20, GW_MTU_MIN), "mtu bdif20");

	fuzz_add_bd(g, 30, 7000);
	fuzz_must(bd_set_flood_group(bd, 30, FUZZ_GROUP30), "flood group");
	fuzz_must(bd_set_mac_limit(bd, 30, 4), "mac limit");
	g->bdif30 = fuzz_add_bdif(g, 30, FUZZ_IP(10, 1, 30, 1), 24);
	fuzz_add_bd(g, 40, 8000);
	fuzz_must(bd_flood_peer_add(bd, 40, LAB_VTEP11), "peer bd40");
	fuzz_add_bd(g, 50, 9000);
	g->bdif50 = fuzz_add_bdif(g, 50, FUZZ_IP(10, 1, 50, 1), 24);
	fuzz_add_bd(g, 60, 9100);
	fuzz_must(bd_flood_peer_add(bd, 60, LAB_VTEP13), "peer bd60");
	g->bdif60 = fuzz_add_bdif(g, 60, FUZZ_IP(10, 1, 60, 1), 24);
	fuzz_must(gw_if_set_up(gw, g->bdif60, false), "bdif60 down");

	g->up1 = fuzz_add_eth(g, "up1", 1, FUZZ_IP(198, 51, 100, 1), 24);
	fuzz_must(gw_if_set_up(gw, g->up1, false), "up1 down");
	g->up2 = fuzz_add_eth(g, "up2", 2, FUZZ_IP(100, 64, 0, 0), 31);

	fuzz_add_route(g, 0, 0, FIB_NH_IP, LAB_UPNH);
	fuzz_add_route(g, FUZZ_IP(198, 18, 0, 0), 15, FIB_NH_NULL0, 0);
	fuzz_add_route(g, FUZZ_IP(10, 9, 0, 0), 16, FIB_NH_IP, FUZZ_IP(10, 1, 20, 10));
	fuzz_add_route(g, FUZZ_IP(10, 8, 0, 0), 16, FIB_NH_IP, FUZZ_IP(10, 1, 10, 20));
	fuzz_add_route(g, FUZZ_IP(10, 8, 0, 0), 16, FIB_NH_IP, FUZZ_IP(10, 1, 20, 20));
	fuzz_add_route(g, FUZZ_IP(198, 51, 0, 0), 16, FIB_NH_IP, FUZZ_IP(198, 51, 100, 9));

	uint16_t sub100 = fuzz_add_eth(g, "up0.100", 0x10, FUZZ_IP(172, 16, 100, 1), 24);
	uint16_t sub200 = fuzz_add_eth(g, "up0.200", 0x20, FUZZ_IP(172, 16, 200, 1), 24);
	fuzz_must(gw_if_set_dot1q(gw, sub100, 100), "up0.100 dot1q");
	/* as the daemon gives them: the MAC of their netdev */
	fuzz_must(gw_if_set_mac(gw, sub100, lab_up0_mac), "up0.100 mac");
	fuzz_must(gw_if_set_mac(gw, sub200, lab_up0_mac), "up0.200 mac");
	fuzz_add_route(g, FUZZ_IP(10, 7, 0, 0), 16, FIB_NH_IP, FUZZ_IP(172, 16, 100, 9));
	/* an L2 port of bridge domain 10 beside them (L2 gateway): VLAN 300 of up0 */
	uint16_t port300;
	fuzz_must(gw_eth_add(gw, "up0.300", lab_up0_mac, &port300), "up0.300");
	fuzz_must(gw_if_set_dot1q(gw, port300, 300), "up0.300 dot1q");
	fuzz_must(gw_if_set_l2_bd(gw, port300, 10), "up0.300 port of bd 10");
	fuzz_acls(g, port300);

	fuzz_must(arp_static_add(gw_arp(gw), g->L.up0, LAB_UPNH, lab_upnh_mac), "arp up0");
	fuzz_must(arp_static_add(gw_arp(gw), g->L.bdif10, FUZZ_IP(10, 1, 10, 50), fuzz_host50),
	          "arp bdif10");
	fuzz_must(bd_mac_static_add(bd, 10, fuzz_host50, LAB_VTEP11), "static mac");
	fuzz_underlay6(g);
	g->bdif20_down = false;
	g->ip6 = false;
	g->toggled = 0;
}

/*
 * Configuration changes between packets (op 1..7), each a toggle: 1 bdif20 deleted /
 * added back, 2 bridge domain 20 deleted / added back, 3 bdif10's MTU 1450 / 9000, 4 the
 * static ARP entry of 10.1.10.50 (and the IPv6 one of 2001:db8:10::50) removed / back, 5 the static
 * MAC removed / back, 6 UDP port 4789 / 4790 and the IPv6 source removed / back (sending to
 * IPv6 VTEPs then drops no_vtep_source), 7 the flood group of bridge domain 30 removed / back.
 * Other values do nothing.
 */
static void fuzz_gw_config_op(struct fuzz_gw *g, unsigned op)
{
	struct gw *gw = g->L.gw;
	struct bd_table *bd = gw_bd(gw);
	bool undo = g->toggled & (1u << op);
	switch (op) {
	case 1:
		if (!undo) {
			fuzz_must(gw_if_del(gw, g->L.bdif20), "del bdif20");
		} else {
			g->L.bdif20 = fuzz_add_bdif(g, 20, LAB_GW20, 24);
			fuzz_must(gw_if_set_mtu(gw, g->L.bdif20, GW_MTU_MIN), "mtu bdif20");
			if (g->ip6)
				fuzz_bdif20_ip6(g);
			g->bdif20_down = false;
		}
		break;
	case 2:
		if (!undo) {
			fuzz_must(bd_del(bd, 20), "del bd 20");
		} else {
			fuzz_add_bd(g, 20, 6000);
			fuzz_must(bd_flood_peer_add(bd, 20, LAB_VTEP12), "peer");
			fuzz_must(bd_flood_peer_add(bd, 20, LAB_VTEP13), "peer");
			fuzz_bd20_peer6(g);
		}
		break;
	case 3:
		fuzz_must(gw_if_set_mtu(gw, g->L.bdif10, undo ? 1450 : GW_MTU_MAX), "mtu bdif10");
		break;
	case 4:
		fuzz_must(undo ? arp_static_add(gw_arp(gw), g->L.bdif10, FUZZ_IP(10, 1, 10, 50),
		                                fuzz_host50)
		               : arp_static_del(gw_arp(gw), g->L.bdif10, FUZZ_IP(10, 1, 10, 50)),
		          "static arp");
		if (g->ip6)
			fuzz_nd6_static(g, g->L.bdif10, 0x10, 0x50, fuzz_host50, !undo);
		break;
	case 5:
		fuzz_must(undo ? bd_mac_static_add(bd, 10, fuzz_host50, LAB_VTEP11)
		               : bd_mac_static_del(bd, 10, fuzz_host50),
		          "static mac");
		break;
	case 6:
		fuzz_must(gw_set_vtep(gw, LAB_VTEP, undo ? 4789 : 4790), "udp port");
		fuzz_must(undo ? !lab_underlay6(&g->L) : gw_set_vtep6(gw, NULL), "IPv6 source");
		break;
	case 7:
		fuzz_must(bd_set_flood_group(bd, 30, undo ? FUZZ_GROUP30 : 0), "flood group");
		break;
	default:
		return;
	}
	g->toggled ^= 1u << op;
}

/* bdif20 shut down or back up, unless it is deleted (config op 1). */
static void fuzz_gw_flip_bdif20(struct fuzz_gw *g)
{
	if (g->toggled & (1u << 1))
		return;
	g->bdif20_down = !g->bdif20_down;
	gw_if_set_up(g->L.gw, g->L.bdif20, !g->bdif20_down);
}

/* Every configuration change of the input undone, dynamic ARP and MACs cleared, bdif20
 * up: as built. */
static void fuzz_gw_restore(struct fuzz_gw *g)
{
	for (unsigned op = 1; op < FUZZ_CONFIG_OPS; op++)
		if (g->toggled & (1u << op))
			fuzz_gw_config_op(g, op);
	arp_clear_dynamic(gw_arp(g->L.gw), 0);
	arp_clear_dynamic(gw_nd(g->L.gw), 0);
	bd_mac_clear_dynamic(gw_bd(g->L.gw), 0);
	if (g->bdif20_down) {
		g->bdif20_down = false;
		gw_if_set_up(g->L.gw, g->L.bdif20, true);
	}
}

/*
 * The IPv6 senders named during the input forgotten, so that the next input meets them
 * unnamed as this one did (inputs run alike). Called once the clock has moved on past
 * the ageing of what learned them (learned peers, MACs); only when some were named.
 */
static inline void fuzz_gw_forget_senders(struct fuzz_gw *g)
{
	struct vx_vteps *t = gw_vteps(g->L.gw);
	if (vx_vteps_count(t) <= 3) /* the gateway's VTEP, PEER6, GROUP6 */
		return;
	vx_vteps_mark_begin(t);
	vx_vteps_keep(t, gw_vtep6_name(g->L.gw));
	vx_vteps_keep(t, g->peer6);
	vx_vteps_keep(t, g->group6);
	vx_vteps_sweep(t);
}

/*
 * Who sent an underlay record, to whom, with which outer TOS: an IPv4 VTEP (src, dst), or
 * the IPv6 sender fuzz_senders6[sender6 - 1] to the gateway's IPv6 VTEP or (group6) to
 * FUZZ_GROUP6, named when the packet is made, as the driver names it on receipt.
 */
struct fuzz_outer {
	uint32_t src, dst;
	uint8_t tos, sender6;
	bool group6;
};

static const char *const fuzz_senders6[] = {FUZZ_PEER6, "2001:db8::31", "2001:db8::32", "fe80::31"};

/*
 * Entry 1 (from 192.0.2.11 to the VTEP before issue 17) by its variant var & 7: 0 as
 * before; 1 the same, 2 PEER6 to our IPv6 VTEP, 3 and 4 unnamed senders to the group,
 * 5 one to our IPv6 VTEP, 6 PEER6 to the group, 7 a link-local sender to the group, each
 * with the outer TOS of the record's first byte, which is taken off the packet.
 */
static inline struct fuzz_outer fuzz_entry1_outer(unsigned var, const uint8_t **pkt, size_t *len)
{
	static const uint8_t sender6[8] = {0, 0, 1, 2, 3, 2, 1, 4};
	struct fuzz_outer o = {.src = LAB_VTEP11, .dst = LAB_VTEP};
	var &= 7;
	if (var && *len) {
		o.tos = **pkt;
		(*pkt)++;
		(*len)--;
	}
	o.sender6 = sender6[var];
	o.group6 = var == 3 || var == 4 || var >= 6;
	return o;
}

/* The senders of entries 0, 2 and 3 (sel >> 3 & 7), the wrong destinations of entry 3. */
static const uint32_t fuzz_vteps[8] = {
    LAB_VTEP11,
    LAB_VTEP12,
    LAB_VTEP13,
    FUZZ_IP(192, 0, 2, 99),
    FUZZ_IP(10, 1, 10, 1) /* an overlay address */,
    LAB_VTEP /* ourselves */,
    FUZZ_IP(127, 0, 0, 1),
    0,
};
static const uint32_t fuzz_wrong_dst[4] = {FUZZ_IP(239, 1, 1, 71), FUZZ_IP(192, 0, 2, 2), 0,
                                           FUZZ_IP(224, 0, 0, 1)};

/* The outer header of a record of underlay entry 0..3 (variant var = sel >> 3): entry 1's
 * variants may take the packet's first byte (fuzz_entry1_outer). */
static inline struct fuzz_outer fuzz_rec_outer(unsigned entry, unsigned var, const uint8_t **pkt,
                                               size_t *len)
{
	struct fuzz_outer o = {.src = fuzz_vteps[var & 7], .dst = LAB_VTEP};
	if (entry == 1)
		return fuzz_entry1_outer(var, pkt, len);
	if (entry == 2)
		o.dst = FUZZ_GROUP30;
	else if (entry == 3)
		o.dst = fuzz_wrong_dst[(var >> 3) & 3];
	return o;
}

/* p's outer fields as the driver of g's gateway gives them (fuzz_outer). */
static inline void fuzz_outer_set(struct fuzz_gw *g, struct gw_pkt *p, const struct fuzz_outer *o)
{
	p->outer_src = o->src;
	p->outer_dst = o->dst;
	p->outer_sport = 55555;
	p->outer_tos = o->tos;
	if (!o->sender6)
		return;
	struct in6_addr a = lab_a6(fuzz_senders6[o->sender6 - 1]);
	uint32_t name = vx_vteps_find(gw_vteps(g->L.gw), &a);
	memcpy(gw_pkt_outer6_src(p), &a, sizeof(a));
	p->outer_src = name ? name : VX_VTEP6_UNKNOWN;
	p->outer_dst = o->group6 ? g->group6 : gw_vtep6_name(g->L.gw);
}

/*
 * One record of the packet targets' input, whose format they share (fuzz_fastpath runs on
 * fuzz_pipeline's seeds): sel, ctl, a 16-bit big-endian length and that many bytes, cut at
 * the input's end; a packet longer than a buffer keeps its first GW_PKT_DATA bytes. The
 * caller has checked that the 4-byte head is there.
 */
struct fuzz_rec {
	uint8_t sel, ctl;
	const uint8_t *pkt;
	size_t len;
};

static inline struct fuzz_rec fuzz_rec_take(const uint8_t *data, size_t size, size_t *off)
{
	struct fuzz_rec r = {.sel = data[*off], .ctl = data[*off + 1]};
	size_t len = (size_t)data[*off + 2] << 8 | data[*off + 3];
	*off += 4;
	if (len > size - *off)
		len = size - *off;
	r.pkt = data + *off;
	*off += len;
	r.len = len > GW_PKT_DATA ? GW_PKT_DATA : len;
	return r;
}

#endif
