/*
 * fuzz_pipeline.c - libFuzzer target for the packet path (gw_input_underlay, gw_input_eth,
 * gw_tick), run under ASan + UBSan.
 *
 * One gateway, built once: the topology of fuzz_topo.h.
 *
 * Input: a sequence of records  [sel] [ctl] [len_hi] [len_lo] [len bytes of packet]
 * (the last one may be cut short). sel & 7 is the entry:
 *   0  VXLAN payload from VTEP vteps[sel >> 3 & 7] to the gateway's VTEP address
 *   1  VXLAN payload from 192.0.2.11 to the VTEP address
 *   2  VXLAN payload from vteps[...] to the flood group 239.1.1.70
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

static const uint32_t vteps[8] = {
    LAB_VTEP11,
    LAB_VTEP12,
    LAB_VTEP13,
    FUZZ_IP(192, 0, 2, 99),
    FUZZ_IP(10, 1, 10, 1) /* an overlay address */,
    LAB_VTEP /* ourselves */,
    FUZZ_IP(127, 0, 0, 1),
    0,
};

static const uint32_t wrong_dst[4] = {FUZZ_IP(239, 1, 1, 71), FUZZ_IP(192, 0, 2, 2), 0,
                                      FUZZ_IP(224, 0, 0, 1)};

static const uint64_t advance_ms[8] = {0, 1, 50, 100, 1000, 3000, 30000, 700000};

#include "fuzz_check.h"

/* ---------------------------------------------------------------- set-up */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_gw_init(&G);
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

/* A frame (Ethernet header first) that left L3 interface ifx. */
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
	CHECK(sport >= VX_SPORT_MIN && dport == gw_udp_port(G.L.gw) &&
	          ulen == f->len - NET_IP_HLEN && udp[6] == 0 && udp[7] == 0,
	      "UDP header");
	const uint8_t *vx = udp + NET_UDP_HLEN;
	uint32_t vni;
	CHECK(vx_hdr_parse(vx, VX_HDR_LEN, true, &vni) == VX_PARSE_OK, "VXLAN header");
	uint32_t bdx = bd_by_vni(gw_bd(G.L.gw), vni);
	CHECK(bdx != BD_NONE, "VXLAN to VNI %u of no bridge domain", vni);
	uint16_t ifx = gw_bdif_of(G.L.gw, bd_id(gw_bd(G.L.gw), bdx));
	CHECK(ifx, "VNI %u has no BDIF", vni);
	if (net_ip_is_mcast(dst))
		CHECK(dst == bd_flood_group(gw_bd(G.L.gw), bdx), "VXLAN to group %#x for VNI %u",
		      dst, vni);
	else
		CHECK(dst != 0, "VXLAN to 0.0.0.0");
	check_frame(vx + VX_HDR_LEN, f->len - VX_ENCAP_LEN, ifx);
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
	if (ctl & CTL_CLRARP)
		arp_clear_dynamic(gw_arp(G.L.gw), 0);
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
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(G.L.gw));
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
			p->outer_dst = FUZZ_GROUP30;
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
			fuzz_gw_config_op(&G, sel >> 3 & 7);
		}
		control(&b, ctl);
		add_packet(&b, sel, pkt, len);
	}
	batch_flush(&b);
	drain();

	/* back to the initial state, so that every input runs alike */
	struct gw_pool *pool = gw_pool(G.L.gw);
	fuzz_gw_restore(&G);
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers leaked",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	set_time(now + 3600 * 1000); /* token buckets full, learned VTEPs forgotten */
	gw_tick(G.L.gw);
	check_tx();
	CHECK(gw_pool_avail(pool) == gw_pool_size(pool), "%u buffers held after a tick",
	      gw_pool_size(pool) - gw_pool_avail(pool));
	trace_check();
	if (verbose)
		report();
	return 0;
}
