/*
 * fuzz_pipeline.c - libFuzzer target for the packet path (gw_input_underlay, gw_input_eth,
 * gw_tick), run under ASan + UBSan.
 *
 * One gateway, built once: the pktlab topology (tests/unit/pktlab.h) plus
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
 *   - a small neighbour table (16 entries) and pool (1024 buffers).
 *
 * Input: a sequence of records  [sel] [ctl] [len_hi] [len_lo] [len bytes of packet]
 * (the last one may be cut short). sel & 7 is the entry:
 *   0  VXLAN payload from VTEP vteps[sel >> 3 & 7] to the gateway's VTEP address
 *   1  VXLAN payload from 192.0.2.11 to the VTEP address
 *   2  VXLAN payload from vteps[...] to the flood group 239.1.1.70
 *   3  VXLAN payload to a wrong destination (another group, another address, 0)
 *   4  Ethernet frame on up0;  6  on up2;  7  on up1 (down) or on a BDIF's index
 *   5  Ethernet frame on up0, after a configuration change (sel >> 3 & 7, see config_op())
 * On the underlay entries (0-2), sel bit 6 marks the packet a piece of a super-packet
 * (GW_PKT_GSO, as the driver does), and sel bit 7 first completes its inner checksum as the
 * driver does (gw_gso_csum_complete).
 * ctl: bits 0-2 move the clock (0, 1, 50, 100 ms, 1, 3, 30, 700 s) before the packet;
 * 0x08 runs gw_tick; 0x10 joins the packet to the previous one's vector (same entry
 * kind: one gw_input_* call with several packets); 0x20 clears the dynamic ARP entries,
 * 0x40 the dynamic MACs; 0x80 flips bdif20 down/up.
 *
 * Checked after every call into the gateway: everything sent is well formed (outer
 * IPv4/UDP/VXLAN of the underlay: checksum, lengths, DF, TTL, source, port; inner or
 * uplink frames only IPv4 or ARP from the interface's MAC; IPv4 header valid, within the
 * egress MTU, fragments within 64 KiB; nothing out of an interface that is down or of a
 * bridge domain without a usable BDIF; multicast only to the flood group). After each
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

#include "common/net.h"
#include "gw/gso.h"
#include "gw/gw.h"
#include "gw/trace.h"
#include "pktlab.h"
#include "pool_guard.h"
#include "vxlan/vxlan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define GROUP30    IP(239, 1, 1, 70)
#define POOL_BUFS  1024
#define MAX_RECS   256
#define CTL_TICK   0x08
#define CTL_JOIN   0x10
#define CTL_CLRARP 0x20
#define CTL_CLRMAC 0x40
#define CTL_FLIP   0x80

static struct lab L;
static uint16_t bdif30, bdif50, bdif60, up1, up2;
static uint64_t now;
static bool bdif20_down;
static unsigned toggled; /* configuration changes in effect (1 << op), see config_op() */
static bool verbose;     /* VXGW_FUZZ_VERBOSE set: what each input did, on stderr */

static const uint32_t vteps[8] = {
    LAB_VTEP11,
    LAB_VTEP12,
    LAB_VTEP13,
    IP(192, 0, 2, 99),
    IP(10, 1, 10, 1) /* an overlay address */,
    LAB_VTEP /* ourselves */,
    IP(127, 0, 0, 1),
    0,
};

static const uint32_t wrong_dst[4] = {IP(239, 1, 1, 71), IP(192, 0, 2, 2), 0, IP(224, 0, 0, 1)};

static const uint64_t advance_ms[8] = {0, 1, 50, 100, 1000, 3000, 30000, 700000};

#include "fuzz_check.h"

/* ---------------------------------------------------------------- set-up */

static void must(int r, const char *what)
{
	if (r != 0) {
		fprintf(stderr, "fuzz_pipeline: set-up failed: %s (%d)\n", what, r);
		abort();
	}
}

static void add_bd(uint32_t id, uint32_t vni)
{
	must(bd_add(gw_bd(L.gw), id), "bd_add");
	must(bd_set_vni(gw_bd(L.gw), id, vni), "bd_set_vni");
}

static uint16_t add_bdif(uint32_t bd, uint32_t addr, uint8_t len)
{
	uint16_t ifx;
	must(gw_bdif_add(L.gw, bd, &ifx), "gw_bdif_add");
	must(gw_if_addr_add(L.gw, ifx, addr, len), "gw_if_addr_add");
	return ifx;
}

static uint16_t add_eth(const char *name, uint8_t last, uint32_t addr, uint8_t len)
{
	uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x98, last};
	uint16_t ifx;
	must(gw_eth_add(L.gw, name, mac, &ifx), "gw_eth_add");
	must(gw_if_addr_add(L.gw, ifx, addr, len), "gw_if_addr_add");
	return ifx;
}

static void add_route(uint32_t pfx, uint8_t len, uint8_t kind, uint32_t nh)
{
	struct fib_nh n = {.kind = kind, .ip = nh};
	must(fib_route_add(gw_fib(L.gw), pfx, len, &n), "fib_route_add");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct gw_params p;
	gw_params_default(&p);
	p.pool_bufs = POOL_BUFS;
	p.mac_capacity = 256;
	p.arp.max_entries = 16;
	if (!lab_init(&L, &p)) {
		fprintf(stderr, "fuzz_pipeline: lab_init failed\n");
		abort();
	}
	pool_guard_arm(gw_pool(L.gw));
	struct gw *gw = L.gw;
	struct bd_table *bd = gw_bd(gw);
	static const uint8_t host50[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

	must(gw_if_addr_add(gw, L.bdif10, IP(10, 1, 11, 1), 24), "secondary");
	must(gw_if_set_mtu(gw, L.bdif10, 1450), "mtu bdif10");
	must(gw_if_set_mtu(gw, L.bdif20, GW_MTU_MIN), "mtu bdif20");

	add_bd(30, 7000);
	must(bd_set_flood_group(bd, 30, GROUP30), "flood group");
	must(bd_set_mac_limit(bd, 30, 4), "mac limit");
	bdif30 = add_bdif(30, IP(10, 1, 30, 1), 24);
	add_bd(40, 8000);
	must(bd_flood_peer_add(bd, 40, LAB_VTEP11), "peer bd40");
	add_bd(50, 9000);
	bdif50 = add_bdif(50, IP(10, 1, 50, 1), 24);
	add_bd(60, 9100);
	must(bd_flood_peer_add(bd, 60, LAB_VTEP13), "peer bd60");
	bdif60 = add_bdif(60, IP(10, 1, 60, 1), 24);
	must(gw_if_set_up(gw, bdif60, false), "bdif60 down");

	up1 = add_eth("up1", 1, IP(198, 51, 100, 1), 24);
	must(gw_if_set_up(gw, up1, false), "up1 down");
	up2 = add_eth("up2", 2, IP(100, 64, 0, 0), 31);

	add_route(0, 0, FIB_NH_IP, LAB_UPNH);
	add_route(IP(198, 18, 0, 0), 15, FIB_NH_NULL0, 0);
	add_route(IP(10, 9, 0, 0), 16, FIB_NH_IP, IP(10, 1, 20, 10));
	add_route(IP(10, 8, 0, 0), 16, FIB_NH_IP, IP(10, 1, 10, 20));
	add_route(IP(10, 8, 0, 0), 16, FIB_NH_IP, IP(10, 1, 20, 20));
	add_route(IP(198, 51, 0, 0), 16, FIB_NH_IP, IP(198, 51, 100, 9));

	uint16_t sub100 = add_eth("up0.100", 0x10, IP(172, 16, 100, 1), 24);
	uint16_t sub200 = add_eth("up0.200", 0x20, IP(172, 16, 200, 1), 24);
	must(gw_if_set_dot1q(gw, sub100, 100), "up0.100 dot1q");
	/* as the daemon gives them: the MAC of their netdev */
	must(gw_if_set_mac(gw, sub100, lab_up0_mac), "up0.100 mac");
	must(gw_if_set_mac(gw, sub200, lab_up0_mac), "up0.200 mac");
	add_route(IP(10, 7, 0, 0), 16, FIB_NH_IP, IP(172, 16, 100, 9));

	must(arp_static_add(gw_arp(gw), L.up0, LAB_UPNH, lab_upnh_mac), "arp up0");
	must(arp_static_add(gw_arp(gw), L.bdif10, IP(10, 1, 10, 50), host50), "arp bdif10");
	must(bd_mac_static_add(bd, 10, host50, LAB_VTEP11), "static mac");

	now = L.now;
	gw_set_time(gw, now);
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

/* A frame (Ethernet header first) that left L3 interface ifx. */
static void check_frame(const uint8_t *b, uint32_t len, uint16_t ifx)
{
	struct gw_if_info info;
	CHECK(gw_if_get(L.gw, ifx, &info), "frame out of interface %u that does not exist", ifx);
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
	const struct net_eth *eth = (const struct net_eth *)b;
	CHECK(net_mac_eq(eth->src, info.mac), "source MAC is not %s's", info.name);
	CHECK(!net_mac_is_zero(eth->dst) &&
	          (!net_mac_is_mcast(eth->dst) || net_mac_is_bcast(eth->dst)),
	      "destination MAC");
	uint16_t type = ntohs(eth->type);
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
	} else {
		CHECK(type == NET_ETHERTYPE_IP, "ethertype %#x sent out of %s", type, info.name);
		check_ip(b + NET_ETH_HLEN, len - NET_ETH_HLEN, info.mtu);
	}
}

static void check_underlay(const struct lab_frame *f)
{
	const uint8_t *b = f->bytes;
	CHECK(f->len >= VX_ENCAP_LEN + NET_ETH_HLEN, "underlay packet of %u bytes", f->len);
	const struct net_ip *ip = (const struct net_ip *)b;
	CHECK(ip->vhl == 0x45 && ntohs(ip->len) == f->len && net_csum(ip, NET_IP_HLEN) == 0,
	      "outer IPv4 header");
	CHECK(ntohs(ip->off) == NET_IP_DF && ip->ttl == VX_OUTER_TTL && ip->proto == 17,
	      "outer DF/TTL/protocol");
	CHECK(ntohl(ip->src) == LAB_VTEP, "outer source");
	uint32_t dst = ntohl(ip->dst);
	CHECK(dst == f->outer_dst, "outer destination %#x, sent to %#x", dst, f->outer_dst);
	const uint8_t *udp = b + NET_IP_HLEN;
	uint16_t sport = (uint16_t)(udp[0] << 8 | udp[1]), dport = (uint16_t)(udp[2] << 8 | udp[3]);
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	CHECK(sport >= VX_SPORT_MIN && dport == gw_udp_port(L.gw) && ulen == f->len - NET_IP_HLEN &&
	          udp[6] == 0 && udp[7] == 0,
	      "UDP header");
	const uint8_t *vx = udp + NET_UDP_HLEN;
	uint32_t vni;
	CHECK(vx_hdr_parse(vx, VX_HDR_LEN, true, &vni) == VX_PARSE_OK, "VXLAN header");
	uint32_t bdx = bd_by_vni(gw_bd(L.gw), vni);
	CHECK(bdx != BD_NONE, "VXLAN to VNI %u of no bridge domain", vni);
	uint16_t ifx = gw_bdif_of(L.gw, bd_id(gw_bd(L.gw), bdx));
	CHECK(ifx, "VNI %u has no BDIF", vni);
	if (net_ip_is_mcast(dst))
		CHECK(dst == bd_flood_group(gw_bd(L.gw), bdx), "VXLAN to group %#x for VNI %u", dst,
		      vni);
	else
		CHECK(dst != 0, "VXLAN to 0.0.0.0");
	check_frame(vx + VX_HDR_LEN, f->len - VX_ENCAP_LEN, ifx);
}

static void check_tx(void)
{
	for (unsigned i = 0; i < L.n_cap; i++) {
		const struct lab_frame *f = &L.cap[i];
		if (f->ifx == 0)
			check_underlay(f);
		else
			check_frame(f->bytes, f->len, f->ifx);
	}
	lab_reset_capture(&L);
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
			gw_input_underlay(L.gw, b->pkts, b->n);
		else
			gw_input_eth(L.gw, b->ifx, b->pkts, b->n);
		check_tx();
	}
	b->n = 0;
	b->kind = 0;
}

static void set_time(uint64_t t)
{
	now = t;
	L.now = t;
	gw_set_time(L.gw, t);
}

/*
 * Configuration changes between packets (entry 5, op = sel >> 3 & 7), each a toggle, all
 * undone at the end of the input: 1 bdif20 deleted / added back, 2 bridge domain 20
 * deleted / added back, 3 bdif10's MTU 1450 / 9000, 4 the static ARP entry of 10.1.10.50
 * removed / back, 5 the static MAC removed / back, 6 UDP port 4789 / 4790, 7 the flood
 * group of bridge domain 30 removed / back.
 */
static void config_op(unsigned op)
{
	static const uint8_t host50[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	struct gw *gw = L.gw;
	struct bd_table *bd = gw_bd(gw);
	bool undo = toggled & (1u << op);
	switch (op) {
	case 1:
		if (!undo) {
			must(gw_if_del(gw, L.bdif20), "del bdif20");
		} else {
			L.bdif20 = add_bdif(20, LAB_GW20, 24);
			must(gw_if_set_mtu(gw, L.bdif20, GW_MTU_MIN), "mtu bdif20");
			bdif20_down = false;
		}
		break;
	case 2:
		if (!undo) {
			must(bd_del(bd, 20), "del bd 20");
		} else {
			add_bd(20, 6000);
			must(bd_flood_peer_add(bd, 20, LAB_VTEP12), "peer");
			must(bd_flood_peer_add(bd, 20, LAB_VTEP13), "peer");
		}
		break;
	case 3:
		must(gw_if_set_mtu(gw, L.bdif10, undo ? 1450 : GW_MTU_MAX), "mtu bdif10");
		break;
	case 4:
		must(undo ? arp_static_add(gw_arp(gw), L.bdif10, IP(10, 1, 10, 50), host50)
		          : arp_static_del(gw_arp(gw), L.bdif10, IP(10, 1, 10, 50)),
		     "static arp");
		break;
	case 5:
		must(undo ? bd_mac_static_add(bd, 10, host50, LAB_VTEP11)
		          : bd_mac_static_del(bd, 10, host50),
		     "static mac");
		break;
	case 6:
		must(gw_set_vtep(gw, LAB_VTEP, undo ? 4789 : 4790), "udp port");
		break;
	case 7:
		must(bd_set_flood_group(bd, 30, undo ? GROUP30 : 0), "flood group");
		break;
	default:
		return;
	}
	toggled ^= 1u << op;
}

static void control(struct batch *b, uint8_t ctl)
{
	if (ctl & CTL_JOIN)
		return; /* same vector: same time stamp, no control in between */
	batch_flush(b);
	if (ctl & CTL_CLRARP)
		arp_clear_dynamic(gw_arp(L.gw), 0);
	if (ctl & CTL_CLRMAC)
		bd_mac_clear_dynamic(gw_bd(L.gw), 0);
	if ((ctl & CTL_FLIP) && !(toggled & (1u << 1))) {
		bdif20_down = !bdif20_down;
		gw_if_set_up(L.gw, L.bdif20, !bdif20_down);
	}
	set_time(now + advance_ms[ctl & 7]);
	if (ctl & CTL_TICK) {
		gw_tick(L.gw);
		check_tx();
	}
}

static void add_packet(struct batch *b, uint8_t sel, const uint8_t *bytes, size_t len)
{
	unsigned entry = sel & 7, var = sel >> 3;
	int kind = entry <= 3 ? 1 : 2;
	uint16_t ifx = 0;
	if (kind == 2) {
		ifx = entry <= 5 ? L.up0 : entry == 6 ? up2 : (var & 1) ? L.bdif10 : up1;
		if (b->kind == 2 && b->ifx != ifx)
			batch_flush(b);
	}
	if (b->kind != kind || b->n == GW_VEC_MAX)
		batch_flush(b);
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(L.gw));
	if (!p)
		return; /* cannot happen with MAX_RECS < a quarter of the pool, but harmless */
	gw_pkt_set(p, bytes, (uint32_t)len);
	if (kind == 1) {
		p->outer_sport = 55555;
		if (entry <= 2 && (var & 8))
			p->flags |= GW_PKT_GSO;
		if (entry <= 2 && (var & 16) && len > VX_HDR_LEN + NET_ETH_HLEN)
			gw_gso_csum_complete(p->data + VX_HDR_LEN + NET_ETH_HLEN,
			                     (uint32_t)len - VX_HDR_LEN - NET_ETH_HLEN);
		switch (entry) {
		case 0:
			p->outer_src = vteps[var & 7];
			p->outer_dst = LAB_VTEP;
			break;
		case 1:
			p->outer_src = LAB_VTEP11;
			p->outer_dst = LAB_VTEP;
			break;
		case 2:
			p->outer_src = vteps[var & 7];
			p->outer_dst = GROUP30;
			break;
		default:
			p->outer_src = vteps[var & 7];
			p->outer_dst = wrong_dst[(var >> 3) & 3];
			break;
		}
	}
	b->kind = kind;
	b->ifx = ifx;
	b->pkts[b->n++] = p;
}

/* Runs the clock until the ARP timers have handed back every packet they held. */
static void drain(void)
{
	struct gw_pool *pool = gw_pool(L.gw);
	for (int i = 0; i < 60 && gw_pool_avail(pool) != gw_pool_size(pool); i++) {
		set_time(now + 500);
		gw_tick(L.gw);
		check_tx();
	}
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool),
	      "%u of %u buffers still held 30 s after the last packet",
	      gw_pool_size(pool) - gw_pool_avail(pool), gw_pool_size(pool));
}

static void report(void)
{
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
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
	uint32_t n = gw_trace_count(L.gw);
	CHECK(n <= GW_TRACE_MAX_PKTS, "%u trace entries", n);
	for (uint32_t i = 0; i < n; i++) {
		const struct gw_trace_pkt *e = gw_trace_get(L.gw, i);
		CHECK(e && e->n_recs <= GW_TRACE_RECS, "trace entry %u malformed", i);
		for (unsigned k = 0; k < e->n_recs; k++) {
			CHECK(e->rec[k].stage < GW_TR_MAX, "trace record of stage %u",
			      e->rec[k].stage);
			gw_trace_format(L.gw, &e->rec[k], line, sizeof(line));
			CHECK(strlen(line) < sizeof(line), "trace record overflows");
			gw_trace_format_json(L.gw, &e->rec[k], line, sizeof(line));
		}
	}
	gw_trace_clear(L.gw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct batch b;
	if (verbose)
		gw_clear_counters(L.gw);
	if (size & 1)
		gw_trace_add(L.gw, 64, GW_TRACE_IN_ANY);
	size_t off = 0;
	unsigned recs = 0;
	b.n = 0;
	b.kind = 0;
	while (off + 4 <= size && recs++ < MAX_RECS) {
		uint8_t sel = data[off], ctl = data[off + 1];
		size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
		off += 4;
		if (len > size - off)
			len = size - off;
		const uint8_t *pkt = data + off;
		off += len;
		if (len > GW_PKT_DATA)
			len = GW_PKT_DATA;
		if ((sel & 7) == 5 && (sel >> 3 & 7)) {
			batch_flush(&b);
			config_op(sel >> 3 & 7);
		}
		control(&b, ctl);
		add_packet(&b, sel, pkt, len);
	}
	batch_flush(&b);
	drain();
	for (unsigned op = 1; op < 8; op++)
		if (toggled & (1u << op))
			config_op(op);

	/* back to the initial state, so that every input runs alike */
	struct gw_pool *pool = gw_pool(L.gw);
	arp_clear_dynamic(gw_arp(L.gw), 0);
	bd_mac_clear_dynamic(gw_bd(L.gw), 0);
	if (bdif20_down) {
		bdif20_down = false;
		gw_if_set_up(L.gw, L.bdif20, true);
	}
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers leaked",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	set_time(now + 3600 * 1000); /* token buckets full, learned VTEPs forgotten */
	gw_tick(L.gw);
	check_tx();
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers held after a tick",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	trace_check();
	if (verbose)
		report();
	return 0;
}
