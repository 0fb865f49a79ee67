/*
 * fuzz_pipeline.c - libFuzzer target for the packet path (gw_input_underlay, gw_input_eth,
 * gw_tick), run under ASan + UBSan.
 *
 * One gateway, built once: the topology of fuzz_topo.h.
 *
 * Input: a sequence of records  [sel] [ctl] [len_hi] [len_lo] [len bytes of packet]
 * (the last one may be cut short). sel & 7 is the entry:
 *   0  VXLAN payload from VTEP fuzz_vteps[sel >> 3 & 7] to the gateway's VTEP address
 *   1  VXLAN payload from 192.0.2.11 to the VTEP address, or (sel >> 3 & 7 not 0) from an
 *      IPv4 or IPv6 sender to either VTEP or the IPv6 group, with an outer TOS: the
 *      record's first byte (fuzz_entry1_outer in fuzz_topo.h)
 *   2  VXLAN payload from fuzz_vteps[...] to the flood group 239.1.1.70
 *   3  VXLAN payload to a wrong destination (another group, another address, 0)
 *   4  Ethernet frame on up0;  6  on up2;  7  on up1 (down) or on a BDIF's index
 *   5  Ethernet frame on up0, after a configuration change (sel >> 3 & 7, see
 *      fuzz_gw_config_op in fuzz_topo.h)
 * On the underlay entries (0-2), sel bit 6 marks the packet a piece of a super-packet
 * (GW_PKT_GSO, as the driver does), and sel bit 7 first completes its inner checksum as the
 * driver does (gw_gso_csum_complete).
 * ctl: bits 0-2 move the clock (0, 1, 50, 100 ms, 1, 3, 30, 700 s) before the packet;
 * 0x08 runs gw_tick; 0x10 joins the packet to the previous one's vector (same entry
 * kind: one gw_input_* call with several packets); 0x20 clears the dynamic ARP entries,
 * 0x40 the dynamic MACs; 0x80 flips bdif20 down/up.
 *
 * IPv6 on top of that topology (pipe6_init, until fuzz_topo.h carries it): bdif10
 * 2001:db8:10::1/64, bdif20 2001:db8:20::1/64 (MTU 576: below IPv6's minimum), bdif30
 * 2001:db8:30::1/64, up0 2001:db8:ff::2/64, up0.100 2001:db8:100::1/64; ::/0 via
 * 2001:db8:ff::1 (up0, a static neighbour), 2001:db8:99::/48 via 2001:db8:20::10,
 * 2001:db8:dead::/48 null0; a static neighbour 2001:db8:10::50 (the static MAC's host).
 *
 * Checked after every call into the gateway: everything sent is well formed (outer
 * IPv4/UDP/VXLAN of the underlay: checksum, lengths, DF, TTL, source, port; outer IPv6:
 * lengths, hop limit, flow label, source, the destination's address, UDP checksum; the
 * outer TOS the inner packet's, DSCP inherited and ECN copied (RFC 6040); inner or
 * uplink frames only IPv4, IPv6 or ARP from the interface's MAC; IPv4 header valid, within
 * the egress MTU, fragments within 64 KiB; IPv6 header valid, within the egress MTU, no
 * unspecified, loopback or foreign link-local address, multicast only to link-scope groups
 * at their MACs (or a unicast MAC), the gateway's own ND messages (hop limit 255) parsed
 * by nd_parse with a valid checksum and sourced from the interface; nothing out of an
 * interface that is down or of a bridge domain without a usable BDIF; multicast only to
 * the flood group). After each
 * input: the ARP timers alone release every held packet (the clock is run on), then with
 * dynamic ARP and MACs cleared every buffer is back in the pool. Free buffers are poisoned
 * for ASan (pool_guard.c). Any violation abort()s, which libFuzzer reports.
 *
 * Inputs of odd length run with packet trace on (gw/trace.h): every record of every
 * entry is then formatted, as text and as JSON, so the trace sees the hostile packets too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/nd.h"
#include "common/net.h"
#include "fib/fib6.h"
#include "gw/gso.h"
#include "gw/gw.h"
#include "gw/trace.h"
#include "fuzz_topo.h"
#include "pktlab.h"
#include "pool_guard.h"
#include "vxlan/vxlan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS   256
#define CTL_TICK   0x08
#define CTL_JOIN   0x10
#define CTL_CLRARP 0x20
#define CTL_CLRMAC 0x40
#define CTL_FLIP   0x80

static struct fuzz_gw G;
static uint64_t now;
static bool verbose; /* VXGW_FUZZ_VERBOSE set: what each input did, on stderr */

static const uint64_t advance_ms[8] = {0, 1, 50, 100, 1000, 3000, 30000, 700000};

#include "fuzz_check.h"

/* ---------------------------------------------------------------- set-up */

/* 2001:db8:net::host */
static struct in6_addr pipe6_addr(uint16_t net, uint16_t host)
{
	struct in6_addr a = {
	    .s6_addr = {0x20, 0x01, 0x0d, 0xb8, (uint8_t)(net >> 8), (uint8_t)net}};
	a.s6_addr[14] = (uint8_t)(host >> 8);
	a.s6_addr[15] = (uint8_t)host;
	return a;
}

/* 2001:db8:net::1/64 on ifx (up0: ::2, its next hop is ::1), unless it has IPv6 already. */
static void pipe6_addr_add(uint16_t ifx, uint16_t net)
{
	struct gw_if_info info;
	if (!ifx || !gw_if_get(G.L.gw, ifx, &info) || info.n_addrs6)
		return;
	struct in6_addr a = pipe6_addr(net, net == 0xff ? 2 : 1);
	fuzz_must(gw_if_addr6_add(G.L.gw, ifx, &a, 64), "gw_if_addr6_add");
}

static void pipe6_route(uint16_t net, uint8_t len, uint8_t kind, uint16_t nh_net, uint16_t host)
{
	struct in6_addr pfx = net ? pipe6_addr(net, 0) : (struct in6_addr){0};
	struct fib6_nh n = {.kind = kind, .ip = pipe6_addr(nh_net, host)};
	fuzz_must(fib6_route_add(gw_vrf_fib6(G.L.gw, 0), &pfx, len, &n), "fib6_route_add");
}

static void pipe6_static(uint16_t ifx, uint16_t net, uint16_t host, const uint8_t *mac)
{
	struct in6_addr a = pipe6_addr(net, host);
	fuzz_must(arp6_static_add(gw_nd(G.L.gw), ifx, &a, mac), "arp6_static_add");
}

/* bdif20 gets its IPv6 address back after configuration op 1 re-created it. */
static void pipe6_refresh(void)
{
	pipe6_addr_add(G.L.bdif20, 0x20);
}

/* Before configuration op 1 deletes bdif20 (or brings it back): its IPv6 address goes
 * first, with the final RA it sends checked while bdif20 still exists (check_tx). */
static void check_tx(void);
static void pipe6_before_op(unsigned op)
{
	struct in6_addr a = pipe6_addr(0x20, 1);
	if (op == 1 && G.L.bdif20 && gw_if_addr6_del(G.L.gw, G.L.bdif20, &a, 64) == GW_OK)
		check_tx();
}

/* The topology's IPv6 (the comment at the top). */
static void pipe6_init(void)
{
	pipe6_addr_add(G.L.bdif10, 0x10);
	pipe6_addr_add(G.bdif30, 0x30);
	pipe6_addr_add(G.L.up0, 0xff);
	pipe6_addr_add(gw_if_by_name(G.L.gw, "up0.100"), 0x100);
	pipe6_refresh();
	pipe6_static(G.L.up0, 0xff, 1, lab_upnh_mac);
	pipe6_static(G.L.bdif10, 0x10, 0x50, fuzz_host50);
	pipe6_route(0, 0, FIB_NH_IP, 0xff, 1);
	pipe6_route(0x99, 48, FIB_NH_IP, 0x20, 0x10);
	pipe6_route(0xdead, 48, FIB_NH_NULL0, 0, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_gw_init(&G);
	pipe6_init();
	now = G.L.now;
	gw_set_time(G.L.gw, now);
	verbose = getenv("VXGW_FUZZ_VERBOSE") != NULL;
	return 0;
}

/* ---------------------------------------------------------------- output checks */

static bool is_unicast(uint32_t a)
{
	return a != 0 && !net_ip_is_mcast(a) && a < 0xf0000000u;
}

/* An IPv4 packet the gateway sends, of len bytes, out of an interface with that MTU. */
static void check_ip(const uint8_t *b, uint32_t len, uint32_t mtu)
{
	CHECK(len >= NET_IP_HLEN, "IPv4 packet of %u bytes", len);
	const struct net_ip *ip = (const struct net_ip *)b;
	unsigned hl = (ip->vhl & 0xf) * 4u, tot = ntohs(ip->len);
	uint16_t off = ntohs(ip->off);
	CHECK(ip->vhl >> 4 == 4 && hl >= NET_IP_HLEN && hl <= len, "vhl %#x len %u", ip->vhl, len);
	CHECK(net_csum(ip, hl) == 0, "IPv4 header checksum");
	CHECK(tot == len, "total length %u in a packet of %u bytes", tot, len);
	CHECK(tot <= mtu, "%u bytes out of an interface with MTU %u", tot, mtu);
	CHECK(ip->ttl > 0, "TTL 0 sent");
	CHECK(!(off & 0x8000), "reserved fragment flag set (off %#x)", off);
	CHECK((off & NET_IP_OFFMASK) * 8u + (tot - hl) <= 65535u,
	      "fragment at offset %u with %u bytes ends beyond 64 KiB", (off & NET_IP_OFFMASK) * 8u,
	      tot - hl);
	uint32_t src = ntohl(ip->src), dst = ntohl(ip->dst);
	CHECK(is_unicast(src) && (src >> 24) != 127, "source %#x", src);
	CHECK(is_unicast(dst), "destination %#x", dst);
}

/* Is a an address of the interface (its link-local or a global one)? */
static bool if6_has(const struct gw_if_info *info, const struct in6_addr *a)
{
	bool ours = net_ip6_eq(a, &info->ll6);
	for (unsigned k = 0; k < info->n_addrs6; k++)
		ours |= net_ip6_eq(a, &info->addr6[k]);
	return ours;
}

/* An ND message of the gateway's own (hop limit 255: nothing forwarded keeps it). */
static void check_nd(const uint8_t *b, uint32_t len, const struct gw_if_info *info)
{
	struct net_ip6 h;
	memcpy(&h, b, sizeof(h));
	struct in6_addr src = h.src, dst = h.dst;
	uint32_t sum = net_ip6_pseudo_sum(&src, &dst, len - NET_IP6_HLEN, NET_IPPROTO_ICMP6);
	CHECK(net_csum_fold(net_csum_partial(b + NET_IP6_HLEN, len - NET_IP6_HLEN, sum)) == 0,
	      "ICMPv6 checksum of an ND message");
	struct nd_msg m;
	int rc = nd_parse((const struct net_ip6 *)b, b + NET_IP6_HLEN, len - NET_IP6_HLEN, &m);
	CHECK(rc == ND_PARSE_OK, "ND message sent that nd_parse refuses: %s",
	      nd_parse_err_name(rc));
	CHECK(m.type != NET_ICMP6_RS, "a router sent an RS");
	CHECK(if6_has(info, &src), "ND message out of %s from another interface's address",
	      info->name);
}

/* An IPv6 packet the gateway sends out of info's interface, in a frame to eth_dst. */
static void check_ip6(const uint8_t *b, uint32_t len, const struct gw_if_info *info,
                      const uint8_t *eth_dst)
{
	CHECK(len >= NET_IP6_HLEN, "IPv6 packet of %u bytes", len);
	struct net_ip6 h;
	memcpy(&h, b, sizeof(h));
	CHECK(ntohl(h.vtcfl) >> 28 == 6, "IPv6 version");
	CHECK(NET_IP6_HLEN + (uint32_t)ntohs(h.plen) == len,
	      "payload length %u in a packet of %u bytes", ntohs(h.plen), len);
	CHECK(len <= info->mtu, "%u bytes out of an interface with MTU %u", len, info->mtu);
	CHECK(h.hlim > 0, "hop limit 0 sent");
	struct in6_addr src = h.src, dst = h.dst;
	CHECK(!net_ip6_is_zero(&src) && !net_ip6_is_mcast(&src) && !net_ip6_is_loopback(&src),
	      "IPv6 source");
	CHECK(!net_ip6_is_zero(&dst) && !net_ip6_is_loopback(&dst), "IPv6 destination");
	CHECK(!net_ip6_is_linklocal(&src) || net_ip6_eq(&src, &info->ll6),
	      "a link-local source not %s's", info->name);
	if (net_ip6_is_mcast(&dst)) {
		uint8_t gmac[6];
		nd_mcast_mac(&dst, gmac);
		CHECK((dst.s6_addr[1] & 0xf) == 2, "IPv6 multicast beyond the link");
		CHECK(net_mac_eq(eth_dst, gmac) || !net_mac_is_mcast(eth_dst),
		      "IPv6 group at another group's MAC");
	} else {
		CHECK(!net_mac_is_mcast(eth_dst), "unicast IPv6 to a multicast MAC");
	}
	if (h.nxt == NET_IPPROTO_ICMP6 && h.hlim == ND_HOP_LIMIT)
		check_nd(b, len, info);
}

/*
 * A frame the gateway switched (L2 gateway) rather than built: a host's, in bridge domain
 * bdx, which has ports; out of a port (port: its info, else to a VTEP) it fits the MTU.
 */
static void check_switched(const uint8_t *b, uint32_t len, uint32_t bdx,
                           const struct gw_if_info *port)
{
	const uint16_t *ports;
	CHECK(bd_ports(gw_bd(G.L.gw), bdx, &ports) > 0,
	      "a host's frame switched in a bridge domain without ports");
	CHECK(!net_mac_is_mcast(b + 6) && !net_mac_is_zero(b + 6),
	      "switched frame from a group or zero MAC");
	if (port)
		CHECK(len <= NET_ETH_HLEN + port->mtu, "frame of %u bytes out of %s (MTU %u)", len,
		      port->name, port->mtu);
}

/* A frame (Ethernet header first) that left L3 interface (or L2 port) ifx. */
static void check_frame(const uint8_t *b, uint32_t len, uint16_t ifx)
{
	struct gw_if_info info;
	CHECK(gw_if_get(G.L.gw, ifx, &info), "frame out of interface %u that does not exist", ifx);
	CHECK(info.up, "frame out of %s, which is down", info.name);
	CHECK(len >= NET_ETH_HLEN, "frame of %u bytes", len);
	uint8_t untagged[GW_PKT_DATA];
	if (info.subif) {
		CHECK(len >= NET_ETH_HLEN + NET_VLAN_HLEN && b[12] == 0x81 && b[13] == 0 &&
		          (b[14] << 8 | b[15]) == info.vlan,
		      "frame out of %s without its tag (VLAN %u)", info.name, info.vlan);
		memcpy(untagged, b, 12);
		memcpy(untagged + 12, b + 16, len - 16);
		b = untagged;
		len -= NET_VLAN_HLEN;
	}
	if (info.l2_bd) {
		check_switched(b, len, bd_index(gw_bd(G.L.gw), info.l2_bd), &info);
		return;
	}
	const struct net_eth *eth = (const struct net_eth *)b;
	uint16_t type = ntohs(eth->type);
	bool group_ok = type == NET_ETHERTYPE_IP6 ? eth->dst[0] == 0x33 && eth->dst[1] == 0x33
	                                          : net_mac_is_bcast(eth->dst);
	CHECK(net_mac_eq(eth->src, info.mac), "source MAC is not %s's", info.name);
	CHECK(!net_mac_is_zero(eth->dst) && (!net_mac_is_mcast(eth->dst) || group_ok),
	      "destination MAC");
	if (type == NET_ETHERTYPE_ARP) {
		struct arp_msg m;
		CHECK(len == 60, "ARP frame of %u bytes", len);
		CHECK(arp_parse(b + NET_ETH_HLEN, len - NET_ETH_HLEN, &m) == ARP_PARSE_OK, "ARP");
		CHECK(net_mac_eq(m.sha, info.mac), "ARP sender MAC");
		bool ours = false;
		for (unsigned k = 0; k < info.n_addrs; k++)
			ours |= info.addr[k] == m.spa;
		CHECK(ours, "ARP from %#x, not an address of %s", m.spa, info.name);
		CHECK(m.op == ARP_OP_REPLY || net_mac_is_bcast(eth->dst) ||
		          net_mac_eq(eth->dst, m.tha),
		      "ARP request");
	} else if (type == NET_ETHERTYPE_IP6) {
		/* the last address gone, its final RA (lifetime 0) is all that may leave */
		CHECK(info.n_addrs6 || (len >= NET_ETH_HLEN + NET_IP6_HLEN + 8 &&
		                        b[NET_ETH_HLEN + NET_IP6_HLEN] == NET_ICMP6_RA &&
		                        !b[NET_ETH_HLEN + NET_IP6_HLEN + 6] &&
		                        !b[NET_ETH_HLEN + NET_IP6_HLEN + 7]),
		      "IPv6 out of %s, which has no IPv6 address", info.name);
		check_ip6(b + NET_ETH_HLEN, len - NET_ETH_HLEN, &info, eth->dst);
	} else {
		CHECK(type == NET_ETHERTYPE_IP, "ethertype %#x sent out of %s", type, info.name);
		check_ip(b + NET_ETH_HLEN, len - NET_ETH_HLEN, info.mtu);
	}
}

/* The outer IPv4 header of an underlay packet: from our VTEP to f->outer_dst, no UDP
 * checksum. Returns its TOS. */
static uint8_t check_outer4(const struct lab_frame *f)
{
	const struct net_ip *ip = (const struct net_ip *)f->bytes;
	CHECK(ip->vhl == 0x45 && ntohs(ip->len) == f->len && net_csum(ip, NET_IP_HLEN) == 0,
	      "outer IPv4 header");
	CHECK(ntohs(ip->off) == NET_IP_DF && ip->ttl == VX_OUTER_TTL && ip->proto == 17,
	      "outer DF/TTL/protocol");
	CHECK(ntohl(ip->src) == LAB_VTEP, "outer source");
	uint32_t dst = ntohl(ip->dst);
	CHECK(dst == f->outer_dst, "outer destination %#x, sent to %#x", dst, f->outer_dst);
	const uint8_t *udp = f->bytes + NET_IP_HLEN;
	CHECK(udp[6] == 0 && udp[7] == 0, "UDP checksum over IPv4");
	return ip->tos;
}

/* The outer IPv6 header of an underlay packet: from our IPv6 VTEP to the address named
 * f->outer_dst, a flow label (RFC 6438), the UDP checksum (RFC 8200) unless zero ones
 * are sent. Returns its traffic class. */
static uint8_t check_outer6(const struct lab_frame *f)
{
	struct net_ip6 h;
	memcpy(&h, f->bytes, sizeof(h));
	uint32_t vtcfl = ntohl(h.vtcfl);
	CHECK(vtcfl >> 28 == 6 && NET_IP6_HLEN + (uint32_t)ntohs(h.plen) == f->len &&
	          h.nxt == NET_IPPROTO_UDP && h.hlim == VX_OUTER_TTL,
	      "outer IPv6 header");
	CHECK(vtcfl & 0xfffff, "outer IPv6 header without a flow label");
	const struct in6_addr *src6 = gw_vtep6(G.L.gw);
	const struct in6_addr *dst6 = vx_vteps_addr(gw_vteps(G.L.gw), f->outer_dst);
	struct in6_addr src = h.src, dst = h.dst;
	CHECK(src6 && net_ip6_eq(&src, src6), "outer IPv6 source");
	CHECK(dst6 && net_ip6_eq(&dst, dst6), "outer IPv6 destination, sent to %#x", f->outer_dst);
	const uint8_t *udp = f->bytes + NET_IP6_HLEN;
	uint32_t ulen = f->len - NET_IP6_HLEN;
	if (gw_udp6_zero_csum_tx(G.L.gw)) {
		CHECK(udp[6] == 0 && udp[7] == 0, "UDP checksum with zero checksums on");
	} else {
		uint32_t sum = net_ip6_pseudo_sum(&src, &dst, ulen, NET_IPPROTO_UDP);
		CHECK((udp[6] || udp[7]) && net_csum_fold(net_csum_partial(udp, ulen, sum)) == 0,
		      "UDP checksum over IPv6");
	}
	return (uint8_t)(vtcfl >> 20);
}

/* A packet sent to the underlay: outer header, UDP, VXLAN, the outer TOS that of the
 * inner packet (`vxlan dscp inherit`, RFC 6040 normal mode), the inner frame. */
static void check_underlay(const struct lab_frame *f)
{
	const uint8_t *b = f->bytes;
	bool v6 = vx_vtep_is6(f->outer_dst);
	uint32_t hlen = v6 ? NET_IP6_HLEN : NET_IP_HLEN;
	uint32_t encap = hlen + NET_UDP_HLEN + VX_HDR_LEN;
	CHECK(f->len >= encap + NET_ETH_HLEN, "underlay packet of %u bytes", f->len);
	uint8_t tclass = v6 ? check_outer6(f) : check_outer4(f);
	const uint8_t *udp = b + hlen;
	uint16_t sport = (uint16_t)(udp[0] << 8 | udp[1]), dport = (uint16_t)(udp[2] << 8 | udp[3]);
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	CHECK(sport >= VX_SPORT_MIN && dport == gw_udp_port(G.L.gw) && ulen == f->len - hlen,
	      "UDP header");
	const uint8_t *vx = udp + NET_UDP_HLEN;
	uint32_t vni;
	CHECK(vx_hdr_parse(vx, VX_HDR_LEN, true, &vni) == VX_PARSE_OK, "VXLAN header");
	const uint8_t *inner = vx + VX_HDR_LEN;
	int in = vx_inner_tclass(inner, f->len - encap);
	CHECK(tclass == (in < 0 ? 0 : in), "outer TOS %#x over an inner one of %#x", tclass,
	      (unsigned)in);
	uint32_t bdx = bd_by_vni(gw_bd(G.L.gw), vni);
	CHECK(bdx != BD_NONE, "VXLAN to VNI %u of no bridge domain", vni);
	uint16_t ifx = gw_bdif_of(G.L.gw, bd_id(gw_bd(G.L.gw), bdx));
	struct gw_if_info bdif;
	if (!ifx || !gw_if_get(G.L.gw, ifx, &bdif) || !net_mac_eq(inner + 6, bdif.mac)) {
		check_switched(inner, f->len - encap, bdx, NULL);
		return;
	}
	if (vx_vtep_is_group(f->outer_dst))
		CHECK(f->outer_dst == bd_flood_group(gw_bd(G.L.gw), bdx),
		      "VXLAN to group %#x for VNI %u", f->outer_dst, vni);
	else
		CHECK(f->outer_dst != 0, "VXLAN to 0.0.0.0");
	check_frame(inner, f->len - encap, ifx);
}

static void check_tx(void)
{
	for (unsigned i = 0; i < G.L.n_cap; i++) {
		const struct lab_frame *f = &G.L.cap[i];
		if (f->ifx == 0)
			check_underlay(f);
		else
			check_frame(f->bytes, f->len, f->ifx);
	}
	lab_reset_capture(&G.L);
}

/* ---------------------------------------------------------------- input */

/* A vector being gathered: underlay packets, or frames for one uplink. */
struct batch {
	int kind; /* 0: none, 1: underlay, 2: uplink */
	uint16_t ifx;
	unsigned n;
	struct gw_pkt *pkts[GW_VEC_MAX];
};

static void batch_flush(struct batch *b)
{
	if (b->n) {
		if (b->kind == 1)
			gw_input_underlay(G.L.gw, b->pkts, b->n);
		else
			gw_input_eth(G.L.gw, b->ifx, b->pkts, b->n);
		check_tx();
	}
	b->n = 0;
	b->kind = 0;
}

static void set_time(uint64_t t)
{
	now = t;
	G.L.now = t;
	gw_set_time(G.L.gw, t);
}

static void control(struct batch *b, uint8_t ctl)
{
	if (ctl & CTL_JOIN)
		return; /* same vector: same time stamp, no control in between */
	batch_flush(b);
	if (ctl & CTL_CLRARP) {
		arp_clear_dynamic(gw_arp(G.L.gw), 0);
		arp_clear_dynamic(gw_nd(G.L.gw), 0);
	}
	if (ctl & CTL_CLRMAC)
		bd_mac_clear_dynamic(gw_bd(G.L.gw), 0);
	if (ctl & CTL_FLIP)
		fuzz_gw_flip_bdif20(&G);
	set_time(now + advance_ms[ctl & 7]);
	if (ctl & CTL_TICK) {
		gw_tick(G.L.gw);
		check_tx();
	}
}

static void add_packet(struct batch *b, uint8_t sel, const uint8_t *bytes, size_t len)
{
	unsigned entry = sel & 7, var = sel >> 3;
	int kind = entry <= 3 ? 1 : 2;
	uint16_t ifx = 0;
	if (kind == 2) {
		ifx = entry <= 5 ? G.L.up0 : entry == 6 ? G.up2 : (var & 1) ? G.L.bdif10 : G.up1;
		if (b->kind == 2 && b->ifx != ifx)
			batch_flush(b);
	}
	if (b->kind != kind || b->n == GW_VEC_MAX)
		batch_flush(b);
	struct fuzz_outer o = fuzz_rec_outer(entry, var, &bytes, &len);
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(G.L.gw));
	if (!p)
		return; /* cannot happen with MAX_RECS < a quarter of the pool, but harmless */
	gw_pkt_set(p, bytes, (uint32_t)len);
	if (kind == 1) {
		fuzz_outer_set(&G, p, &o);
		if (entry <= 2 && (var & 8))
			p->flags |= GW_PKT_GSO;
		if (entry <= 2 && (var & 16) && len > VX_HDR_LEN + NET_ETH_HLEN)
			gw_gso_csum_complete(p->data + VX_HDR_LEN + NET_ETH_HLEN,
			                     (uint32_t)len - VX_HDR_LEN - NET_ETH_HLEN);
	}
	b->kind = kind;
	b->ifx = ifx;
	b->pkts[b->n++] = p;
}

/* Runs the clock until the ARP timers have handed back every packet they held. */
static void drain(void)
{
	struct gw_pool *pool = gw_pool(G.L.gw);
	for (int i = 0; i < 60 && gw_pool_avail(pool) != gw_pool_size(pool); i++) {
		set_time(now + 500);
		gw_tick(G.L.gw);
		check_tx();
	}
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool),
	      "%u of %u buffers still held 30 s after the last packet",
	      gw_pool_size(pool) - gw_pool_avail(pool), gw_pool_size(pool));
}

static void report(void)
{
	struct gw_counters c;
	gw_get_counters(G.L.gw, &c);
	fprintf(stderr,
	        "rx %llu+%llu tx %llu+%llu routed %llu local %llu arp %llu/%llu icmp %llu "
	        "frags %llu flooded %llu, drops:",
	        (unsigned long long)c.rx_underlay, (unsigned long long)c.rx_eth,
	        (unsigned long long)c.tx_underlay, (unsigned long long)c.tx_eth,
	        (unsigned long long)c.routed, (unsigned long long)c.local,
	        (unsigned long long)c.arp_requests, (unsigned long long)c.arp_replies,
	        (unsigned long long)c.icmp_errors, (unsigned long long)c.fragments,
	        (unsigned long long)c.flooded);
	for (int i = 0; i < GW_DROP_MAX; i++)
		if (c.drops[i])
			fprintf(stderr, " %s %llu", gw_drop_name(i),
			        (unsigned long long)c.drops[i]);
	fprintf(stderr, "\n");
}

/* Formats what the trace kept (bounded entries and records), then forgets it. */
static void trace_check(void)
{
	char line[512];
	uint32_t n = gw_trace_count(G.L.gw);
	CHECK(n <= GW_TRACE_MAX_PKTS, "%u trace entries", n);
	for (uint32_t i = 0; i < n; i++) {
		const struct gw_trace_pkt *e = gw_trace_get(G.L.gw, i);
		CHECK(e && e->n_recs <= GW_TRACE_RECS, "trace entry %u malformed", i);
		for (unsigned k = 0; k < e->n_recs; k++) {
			CHECK(e->rec[k].stage < GW_TR_MAX, "trace record of stage %u",
			      e->rec[k].stage);
			gw_trace_format(G.L.gw, &e->rec[k], line, sizeof(line));
			CHECK(strlen(line) < sizeof(line), "trace record overflows");
			gw_trace_format_json(G.L.gw, &e->rec[k], line, sizeof(line));
		}
	}
	gw_trace_clear(G.L.gw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct batch b;
	if (verbose)
		gw_clear_counters(G.L.gw);
	if (size & 1)
		gw_trace_add(G.L.gw, 64, GW_TRACE_IN_ANY);
	size_t off = 0;
	unsigned recs = 0;
	b.n = 0;
	b.kind = 0;
	while (off + 4 <= size && recs++ < MAX_RECS) {
		struct fuzz_rec r = fuzz_rec_take(data, size, &off);
		uint8_t sel = r.sel, ctl = r.ctl;
		const uint8_t *pkt = r.pkt;
		size_t len = r.len;
		if ((sel & 7) == 5 && (sel >> 3 & 7)) {
			batch_flush(&b);
			pipe6_before_op(sel >> 3 & 7);
			fuzz_gw_config_op(&G, sel >> 3 & 7);
			pipe6_refresh();
		}
		control(&b, ctl);
		add_packet(&b, sel, pkt, len);
	}
	batch_flush(&b);
	drain();

	/* back to the initial state, so that every input runs alike */
	struct gw_pool *pool = gw_pool(G.L.gw);
	fuzz_gw_restore(&G);
	pipe6_refresh();
	arp_clear_dynamic(gw_nd(G.L.gw), 0);
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers leaked",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	set_time(now + 3600 * 1000); /* token buckets full, learned VTEPs forgotten */
	gw_tick(G.L.gw);
	check_tx();
	fuzz_gw_forget_senders(&G);
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers held after a tick",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	trace_check();
	if (verbose)
		report();
	return 0;
}
