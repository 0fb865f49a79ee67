/*
 * test_trace.c - packet trace: the stages a packet's entry records, field by field, for a
 * routed VXLAN -> VXLAN packet, a packet held for ARP, dropped packets; the budget
 * (untraced packets leave nothing, tracing stops after N, the input filter), `clear
 * trace` against a held packet, and the CLI (show trace text and json, debug toggles).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cu_main.h"
#include "gw/debug.h"
#include "gw/gw_int.h"
#include "gw/pipeline_trace.h"
#include "gw/trace.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
#define IP_H1  0x0a010a32u
#define IP_H2  0x0a01143cu
#define IP_EXT 0xc6336401u /* 198.51.100.1: no route */

/* The payload of trace record r, of the stage whose payload is struct gw_tr_<stage>. */
#define PAYLOAD(r, stage) ((const struct gw_tr_##stage *)gw_trace_cdata(r))

static struct lab L;
static uint8_t BDIF10_MAC[6], BDIF20_MAC[6];

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
	gw_bdif_default_mac(20, BDIF20_MAC);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

static void ping(uint32_t dst, uint8_t ttl)
{
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, dst, ttl, 32, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
}

/* The stages of entry e in order, as a string "a b c" for one readable assertion. */
static const char *stages(const struct gw_trace_pkt *e)
{
	static char s[1024];
	s[0] = '\0';
	for (unsigned i = 0; i < e->n_recs; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, gw_trace_stage_name(e->rec[i].stage));
	}
	return s;
}

static const struct gw_trace_rec *find(const struct gw_trace_pkt *e, enum gw_trace_stage st,
                                       unsigned nth)
{
	for (unsigned i = 0; i < e->n_recs; i++)
		if (e->rec[i].stage == st && nth-- == 0)
			return &e->rec[i];
	return NULL;
}

static void test_routed_vxlan_to_vxlan(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_reset_capture(&L);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 1);
	ping(IP_H2, 64);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL_FATAL(gw_trace_count(L.gw), 1);
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_STRING_EQUAL(stages(e), "underlay-rx vxlan-decap l2-learn l2-input ip4-input "
	                                  "ip4-lookup ip4-arp ip4-rewrite bd-mac-lookup "
	                                  "vxlan-encap tx");
	CU_ASSERT_EQUAL(e->input, GW_TRACE_IN_UNDERLAY);
	const struct gw_trace_rec *r = find(e, GW_TR_UNDERLAY_RX, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, rx)->src, LAB_VTEP11);
	CU_ASSERT_EQUAL(PAYLOAD(r, rx)->dst, LAB_VTEP);
	CU_ASSERT_EQUAL(PAYLOAD(r, rx)->vni, 5000);
	r = find(e, GW_TR_VXLAN_DECAP, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, decap)->vni, 5000);
	CU_ASSERT_EQUAL(PAYLOAD(r, decap)->bd_id, 10);
	r = find(e, GW_TR_L2_LEARN, 0);
	CU_ASSERT_EQUAL(memcmp(PAYLOAD(r, learn)->mac, H1, 6), 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, learn)->dest, LAB_VTEP11);
	r = find(e, GW_TR_L2_INPUT, 0);
	CU_ASSERT_EQUAL(r->ifx, L.bdif10);
	CU_ASSERT_EQUAL(PAYLOAD(r, eth)->type, 0x0800);
	r = find(e, GW_TR_IP4_INPUT, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, ip4)->src, IP_H1);
	CU_ASSERT_EQUAL(PAYLOAD(r, ip4)->dst, IP_H2);
	CU_ASSERT_EQUAL(PAYLOAD(r, ip4)->ttl, 64);
	r = find(e, GW_TR_IP4_LOOKUP, 0);
	CU_ASSERT_EQUAL(r->code, FIB_PATH_ATTACHED);
	CU_ASSERT_EQUAL(PAYLOAD(r, fib)->pfx, 0x0a011400u);
	CU_ASSERT_EQUAL(PAYLOAD(r, fib)->plen, 24);
	CU_ASSERT_EQUAL(r->ifx, L.bdif20);
	r = find(e, GW_TR_IP4_ARP, 0);
	CU_ASSERT_EQUAL(r->code, GW_TR_ARP_HIT);
	CU_ASSERT_EQUAL(PAYLOAD(r, arp)->ip, IP_H2);
	CU_ASSERT_EQUAL(memcmp(PAYLOAD(r, arp)->mac, H2, 6), 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, arp)->state, ARP_REACHABLE);
	r = find(e, GW_TR_IP4_REWRITE, 0);
	CU_ASSERT_EQUAL(memcmp(PAYLOAD(r, eth)->dst, H2, 6), 0);
	CU_ASSERT_EQUAL(memcmp(PAYLOAD(r, eth)->src, BDIF20_MAC, 6), 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, eth)->ttl, 63);
	r = find(e, GW_TR_BD_MAC_LOOKUP, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, bdmac)->bd_id, 20);
	CU_ASSERT_EQUAL(PAYLOAD(r, bdmac)->vtep, LAB_VTEP12);
	r = find(e, GW_TR_VXLAN_ENCAP, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, encap)->vtep, LAB_VTEP12);
	CU_ASSERT_EQUAL(PAYLOAD(r, encap)->vni, 6000);
	const uint8_t *o = L.cap[0].bytes;
	CU_ASSERT_EQUAL(PAYLOAD(r, encap)->sport,
	                (uint16_t)(o[20] << 8 | o[21])); /* what went out */
	r = find(e, GW_TR_TX, 0);
	CU_ASSERT_EQUAL(PAYLOAD(r, tx)->len, L.cap[0].len);
	/* formatted at show time */
	char line[512];
	CU_ASSERT_STRING_EQUAL(
	    gw_trace_format(L.gw, find(e, GW_TR_VXLAN_DECAP, 0), line, sizeof(line)),
	    "vni 5000 bridge-domain 10");
	CU_ASSERT_STRING_EQUAL(
	    gw_trace_format(L.gw, find(e, GW_TR_IP4_LOOKUP, 0), line, sizeof(line)),
	    "dst 10.1.20.60 prefix 10.1.20.0/24 path connected interface bdif20");
	CU_ASSERT_STRING_EQUAL(
	    gw_trace_format_json(L.gw, find(e, GW_TR_VXLAN_DECAP, 0), line, sizeof(line)),
	    "\"vni\":5000,\"bridge_domain\":10");
	/* one packet asked for, one traced */
	ping(IP_H2, 64);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 1);
	CU_ASSERT_EQUAL(gw_trace_get(L.gw, 0)->n_recs, e->n_recs);
}

/* No MAC for the next hop: the entry shows the miss, then, when the reply comes 300 ms
 * later, the held packet's way out, in the same entry. */
static void test_arp_miss_then_resolved(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_reset_capture(&L);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_UNDERLAY), 1);
	ping(IP_H2, 64);
	CU_ASSERT_EQUAL(L.n_cap, 2); /* the ARP request, to .12 and .13 */
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_STRING_EQUAL(stages(e), "underlay-rx vxlan-decap l2-learn l2-input ip4-input "
	                                  "ip4-lookup ip4-arp");
	const struct gw_trace_rec *r = find(e, GW_TR_IP4_ARP, 0);
	CU_ASSERT_EQUAL(r->code, GW_TR_ARP_MISS);
	CU_ASSERT_EQUAL(PAYLOAD(r, arp)->ip, IP_H2);
	CU_ASSERT_EQUAL(r->ifx, L.bdif20);
	lab_advance(&L, 300);
	lab_reset_capture(&L);
	uint8_t a[64];
	unsigned an = lab_arp_frame(a, ARP_OP_REPLY, BDIF20_MAC, H2, IP_H2, BDIF20_MAC, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, a, an);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 1); /* the reply itself is not traced */
	e = gw_trace_get(L.gw, 0);
	CU_ASSERT_STRING_EQUAL(stages(e), "underlay-rx vxlan-decap l2-learn l2-input ip4-input "
	                                  "ip4-lookup ip4-arp ip4-arp ip4-rewrite bd-mac-lookup "
	                                  "vxlan-encap tx");
	r = find(e, GW_TR_IP4_ARP, 1);
	CU_ASSERT_EQUAL(r->code, GW_TR_ARP_RESOLVED);
	CU_ASSERT_EQUAL(memcmp(PAYLOAD(r, arp)->mac, H2, 6), 0);
	CU_ASSERT_EQUAL(r->ms, 300);
	CU_ASSERT_EQUAL(PAYLOAD(find(e, GW_TR_VXLAN_ENCAP, 0), encap)->vtep, LAB_VTEP12);
}

static const struct gw_trace_rec *last(const struct gw_trace_pkt *e)
{
	return e->n_recs ? &e->rec[e->n_recs - 1] : NULL;
}

static void test_drops_name_their_reason(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 3, GW_TRACE_IN_ANY), 3);
	/* no route: the net unreachable it caused, then the drop */
	ping(IP_EXT, 64);
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(find(e, GW_TR_IP4_LOOKUP, 0)->code, 0); /* miss */
	const struct gw_trace_rec *r = find(e, GW_TR_IP4_LOCAL, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->code, GW_TR_LOCAL_ICMP_ERROR);
	CU_ASSERT_EQUAL(PAYLOAD(r, local)->src, LAB_GW10);
	CU_ASSERT_EQUAL(PAYLOAD(r, local)->dst, IP_H1);
	CU_ASSERT_EQUAL(PAYLOAD(r, local)->type, 3); /* unreachable, net */
	CU_ASSERT_EQUAL(PAYLOAD(r, local)->code, 0);
	/* the error went out */
	CU_ASSERT_PTR_NOT_NULL(find(e, GW_TR_VXLAN_ENCAP, 0));
	r = last(e);
	CU_ASSERT_EQUAL(r->stage, GW_TR_DROP);
	CU_ASSERT_EQUAL(PAYLOAD(r, drop)->reason, GW_DROP_NO_ROUTE);
	char line[256];
	CU_ASSERT_STRING_EQUAL(gw_trace_format(L.gw, r, line, sizeof(line)), "reason no_route");
	/* TTL 1 */
	ping(IP_H2, 1);
	e = gw_trace_get(L.gw, 1);
	CU_ASSERT_EQUAL(PAYLOAD(last(e), drop)->reason, GW_DROP_TTL_EXPIRED);
	/* a VTEP that is no peer of VNI 5000: dropped at decap */
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 32, true);
	lab_from_vtep(&L, LAB_VTEP13, 5000, f, n);
	e = gw_trace_get(L.gw, 2);
	CU_ASSERT_STRING_EQUAL(stages(e), "underlay-rx drop");
	CU_ASSERT_EQUAL(PAYLOAD(last(e), drop)->reason, GW_DROP_NO_SUCH_PEER);
}

static void test_budget_and_filter(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 0); /* nothing without trace add */
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 0, GW_TRACE_IN_ANY), -1);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, GW_TRACE_MAX_PKTS + 1, GW_TRACE_IN_ANY), -1);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 2, GW_TRACE_IN_ANY), 2);
	for (int i = 0; i < 5; i++)
		ping(LAB_GW10, 64);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 2);
	CU_ASSERT_EQUAL(gw_trace_budget(L.gw), 0);
	/* echo reply: the same buffer, traced to the end */
	const struct gw_trace_rec *r = find(gw_trace_get(L.gw, 1), GW_TR_IP4_LOCAL, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->code, GW_TR_LOCAL_ECHO_REPLY);
	CU_ASSERT_EQUAL(last(gw_trace_get(L.gw, 1))->stage, GW_TR_TX);
	/* the input filter: ethernet only, an underlay packet passes untraced */
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ETHERNET), 1);
	ping(LAB_GW10, 64);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 2);
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, lab_upnh_mac, LAB_UPNH, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL_FATAL(gw_trace_count(L.gw), 3);
	CU_ASSERT_STRING_EQUAL(stages(gw_trace_get(L.gw, 2)),
	                       "uplink-rx l2-input arp-input ip4-local ip4-rewrite tx");
	/* the buffer is bounded */
	gw_trace_clear(L.gw);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, GW_TRACE_MAX_PKTS, GW_TRACE_IN_ANY), GW_TRACE_MAX_PKTS);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 0);
	gw_trace_clear(L.gw);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 0);
	CU_ASSERT_EQUAL(gw_trace_budget(L.gw), 0);
}

/* uplink-rx is before the VLAN demux: it names the netdev; l2-input the sub-interface. */
static void test_uplink_rx_netdev(void)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x00};
	uint16_t sub100, sub200;
	/* no main interface: the netdev's frames come in through one of its sub-interfaces */
	CU_ASSERT_EQUAL_FATAL(gw_if_del(L.gw, L.up0), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up0.100", mac, &sub100), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up0.200", mac, &sub200), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_dot1q(L.gw, sub100, 100), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_dot1q(L.gw, sub200, 200), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_addr_add(L.gw, sub200, 0xac10c801u, 24), GW_OK);
	uint8_t f[80];
	unsigned n =
	    lab_arp_frame(f, ARP_OP_REQUEST, NULL, lab_upnh_mac, 0xac10c80au, NULL, 0xac10c801u);
	memmove(f + 16, f + 12, n - 12); /* VLAN 200 tag */
	f[12] = 0x81, f[13] = 0x00, f[14] = 0x00, f[15] = 200;
	n += 4;
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 1);
	lab_from_uplink(&L, sub100, f, n);
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_FATAL(e != NULL);
	char line[256];
	const struct gw_trace_rec *r = find(e, GW_TR_UPLINK_RX, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(gw_trace_format(L.gw, r, line, sizeof(line)), "netdev up0 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "type 0x8100"));
	r = find(e, GW_TR_L2_INPUT, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(gw_trace_format(L.gw, r, line, sizeof(line)), "interface up0.200 "));
	gw_trace_clear(L.gw);
}

/* A packet held by ARP across `clear trace` must not write into the newer entries. */
static void test_clear_with_held_packet(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 1);
	ping(IP_H2, 64); /* held */
	gw_trace_clear(L.gw);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 1);
	ping(LAB_GW10, 64);
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_FATAL(e != NULL);
	unsigned before = e->n_recs;
	uint8_t a[64];
	unsigned an = lab_arp_frame(a, ARP_OP_REPLY, BDIF20_MAC, H2, IP_H2, BDIF20_MAC, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, a, an);
	e = gw_trace_get(L.gw, 0);
	CU_ASSERT_EQUAL(e->n_recs, before);
	for (unsigned i = 0; i < e->n_recs; i++)
		CU_ASSERT_FALSE(e->rec[i].stage == GW_TR_IP4_ARP &&
		                e->rec[i].code == GW_TR_ARP_RESOLVED);
}

/* Flood copies write into their original's entry: one encap record per VTEP. */
static void test_flood_copies(void)
{
	static const uint8_t H3[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x70};
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif20, 0x0a011446u, H3), 0);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 1, GW_TRACE_IN_ANY), 1);
	ping(0x0a011446u, 64);
	const struct gw_trace_pkt *e = gw_trace_get(L.gw, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(PAYLOAD(find(e, GW_TR_BD_MAC_LOOKUP, 0), bdmac)->vtep,
	                0); /* unknown: flood */
	const struct gw_trace_rec *a = find(e, GW_TR_VXLAN_ENCAP, 0);
	const struct gw_trace_rec *b = find(e, GW_TR_VXLAN_ENCAP, 1);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_EQUAL(PAYLOAD(a, encap)->vtep ^ PAYLOAD(b, encap)->vtep, LAB_VTEP12 ^ LAB_VTEP13);
}

/* ---------------------------------------------------------------- debug */

/* The daemon's log goes to stderr here: catch it in a file while fn runs. */
static char *stderr_of(void (*fn)(void))
{
	char path[] = "/tmp/vxgw-test-trace-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	off_t n = lseek(fd, 0, SEEK_END);
	char *text = calloc(1, (size_t)n + 1);
	CU_ASSERT_FATAL(text != NULL);
	CU_ASSERT(pread(fd, text, (size_t)n, 0) == n);
	close(fd);
	unlink(path);
	return text;
}

static unsigned count_lines(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void from_non_peer(void)
{
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_H2, 64, 32, true);
	lab_from_vtep(&L, LAB_VTEP13, 5000, f, n);
}

static void debug_traffic(void)
{
	from_non_peer(); /* vxlan only: not logged */
	gw_debug_set(L.gw, GW_DEBUG_VXLAN, true);
	from_non_peer();
	gw_debug_set(L.gw, GW_DEBUG_IP, true);
	ping(IP_EXT, 64);
	gw_debug_set(L.gw, GW_DEBUG_ALL, false);
	ping(IP_EXT, 64);
}

static void debug_flood(void)
{
	lab_advance(&L, 1000); /* a new second of allowance */
	gw_debug_set(L.gw, GW_DEBUG_VXLAN, true);
	for (int i = 0; i < 3 * GW_DEBUG_RATE; i++)
		from_non_peer();
	lab_advance(&L, 1000);
	from_non_peer();
	gw_debug_set(L.gw, GW_DEBUG_ALL, false);
}

/* A frame of a VLAN that has no sub-interface on up0. */
static void from_unknown_vlan(void)
{
	uint8_t f[200];
	unsigned n = lab_eth(f, lab_up0_mac, H2, NET_ETHERTYPE_VLAN);
	f[n++] = 0, f[n++] = 77; /* VLAN 77 */
	f[n++] = 0x08, f[n++] = 0x00;
	n += lab_ip(f + n, LAB_UPNH, LAB_UP, NET_IPPROTO_ICMP, 64, NET_ICMP_HLEN + 8, true);
	n += lab_icmp_echo(f + n, 1, 1, 8);
	lab_from_uplink(&L, L.up0, f, n);
}

static void debug_new_reasons(void)
{
	gw_debug_set(L.gw, GW_DEBUG_ALL, true);
	from_unknown_vlan();
	ping(IP_EXT, 64); /* bdif10 is in VRF blue now */
	gw_debug_set(L.gw, GW_DEBUG_ALL, false);
}

/* Drops of the sub-interface demux are logged, and IPv4 lines of a tenant name its VRF. */
static void test_debug_vlan_vrf(void)
{
	uint16_t blue;
	CU_ASSERT_EQUAL_FATAL(gw_vrf_add(L.gw, "blue", &blue), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_vrf(L.gw, L.bdif10, blue), GW_OK);
	lab_advance(&L, 1000); /* the ICMP error bucket refilled */
	char *log = stderr_of(debug_new_reasons);
	CU_ASSERT_EQUAL(count_lines(log, "vxlan: drop vlan_unknown"), 1);
	CU_ASSERT_EQUAL(count_lines(log, "ip: drop no_route: vrf blue 10.1.10.50 -> 198.51.100.1"),
	                1);
	CU_ASSERT_EQUAL(
	    count_lines(log, "ip: icmp error type 3 code 0 vrf blue 10.1.10.1 -> 10.1.10.50"), 1);
	free(log);
	/* back home: the error waiting for H1's ARP in blue is let go */
	CU_ASSERT_EQUAL(gw_if_set_vrf(L.gw, L.bdif10, GW_VRF_DEFAULT), GW_OK);
}

static void test_debug_lines(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_advance(&L, 1000); /* the ICMP error bucket refilled */
	char *log = stderr_of(debug_traffic);
	CU_ASSERT_EQUAL(count_lines(log, "vxlan: drop no_such_peer: from VTEP 192.0.2.13"), 1);
	CU_ASSERT_EQUAL(count_lines(log, "ip: drop no_route: 10.1.10.50 -> 198.51.100.1"), 1);
	CU_ASSERT_EQUAL(count_lines(log, "ip: icmp error type 3 code 0 10.1.10.1 -> 10.1.10.50"),
	                1);
	CU_ASSERT_EQUAL(count_lines(log, "vxgwd debug: "), 3); /* nothing while off */
	free(log);
	/* a flood of drops: GW_DEBUG_RATE lines in one second, then the count of the rest */
	log = stderr_of(debug_flood);
	CU_ASSERT_EQUAL(count_lines(log, "no_such_peer"), GW_DEBUG_RATE + 1);
	CU_ASSERT(strstr(log, "debug: 200 lines suppressed (rate limit)") != NULL);
	CU_ASSERT_EQUAL(gw_debug_suppressed(L.gw), 2 * GW_DEBUG_RATE);
	free(log);
}

/* ---------------------------------------------------------------- CLI */

static struct cli_env ENV;

static bool has(const struct cli_out *o, const char *s)
{
	return o->buf && strstr(o->buf, s);
}

static void test_cli_trace_and_debug(void)
{
	ENV.gw = L.gw;
	struct cli_sess *s = cli_sess_new(&ENV, true);
	struct cli_out o;
	cli_out_init(&o);
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	CU_ASSERT_EQUAL(cli_exec(s, "show trace", &o), CLI_R_OK);
	CU_ASSERT(has(&o, "No packets traced"));
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "trace add 0", &o), CLI_R_ERROR);
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "trace add 1001", &o), CLI_R_ERROR);
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "trace add 2 underlay", &o), CLI_R_OK);
	ping(IP_H2, 64);
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "show trace", &o), CLI_R_OK);
	CU_ASSERT(has(&o, "1 traced, 1 more to trace"));
	CU_ASSERT(has(&o, "vxlan-decap    vni 5000 bridge-domain 10"));
	CU_ASSERT(has(&o, "l2-learn       mac 02:11:22:33:44:50 bridge-domain 10 vtep 192.0.2.11"));
	CU_ASSERT(has(&o, "ip4-arp        next-hop 10.1.20.60 interface bdif20 result hit mac "
	                  "02:11:22:33:44:60 state reachable"));
	CU_ASSERT(has(&o, "ip4-rewrite    interface bdif20"));
	CU_ASSERT(has(&o, "ttl 63"));
	CU_ASSERT(has(&o, "vxlan-encap    vtep 192.0.2.12 vni 6000 sport "));
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "show trace json", &o), CLI_R_OK);
	CU_ASSERT(has(&o, "{\"pending\":1,\"packets\":[{\"packet\":1,"));
	CU_ASSERT(
	    has(&o, "{\"stage\":\"vxlan-decap\",\"ms\":0,\"vni\":5000,\"bridge_domain\":10}"));
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "clear trace", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_trace_count(L.gw), 0);
	/* debug toggles: runtime state */
	CU_ASSERT_EQUAL(cli_exec(s, "debug arp", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(cli_exec(s, "debug ip packet", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_debug_flags(L.gw), GW_DEBUG_ARP | GW_DEBUG_IP);
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "show debugging", &o), CLI_R_OK);
	CU_ASSERT(has(&o, "arp debugging is on"));
	CU_ASSERT(has(&o, "ip packet debugging is on"));
	CU_ASSERT(!has(&o, "vxlan debugging is on"));
	ping(IP_EXT, 64); /* logs a line; must not disturb forwarding */
	CU_ASSERT_EQUAL(cli_exec(s, "no debug arp", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_debug_flags(L.gw), GW_DEBUG_IP);
	CU_ASSERT_EQUAL(cli_exec(s, "debug all", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_debug_flags(L.gw), GW_DEBUG_ALL);
	CU_ASSERT_EQUAL(cli_exec(s, "undebug all", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_debug_flags(L.gw), 0);
	CU_ASSERT_EQUAL(cli_exec(s, "debug vxlan", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(cli_exec(s, "no debug all", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(gw_debug_flags(L.gw), 0);
	cli_out_reset(&o);
	CU_ASSERT_EQUAL(cli_exec(s, "show debugging json", &o), CLI_R_OK);
	CU_ASSERT(has(&o, "\"arp\":false,\"vxlan\":false,\"ip_packet\":false"));
	cli_out_free(&o);
	cli_sess_free(s);
}

static CU_TestInfo tests[] = {
    {"routed VNI 5000 -> 6000: every stage", test_routed_vxlan_to_vxlan},
    {"ARP miss, then resolved in the same entry", test_arp_miss_then_resolved},
    {"drops name their reason", test_drops_name_their_reason},
    {"budget, input filter, bounds", test_budget_and_filter},
    {"clear trace with a held packet", test_clear_with_held_packet},
    {"flood copies in the original's entry", test_flood_copies},
    {"uplink-rx names the netdev, l2-input the sub-interface", test_uplink_rx_netdev},
    {"debug: lines by area, rate-limited", test_debug_lines},
    {"debug: VLAN demux drops, the VRF of IPv4 lines", test_debug_vlan_vrf},
    {"CLI: trace and debug", test_cli_trace_and_debug},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"trace", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
