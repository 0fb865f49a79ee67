/*
 * test_vrf.c - tenant VRFs: two tenants with the same subnets routed apart, strictly
 * isolated from each other and from the default VRF, in the pipeline and in the
 * configuration model (per-VRF overlap checks, references, changes applied as a diff).
 *
 * Beside the standard lab (pktlab.h, default VRF) this adds, all with the same subnets:
 *   VRF red:  bdif110 10.1.10.1/24 (VNI 5110, peer .11), bdif120 10.1.20.1/24 (5120, .12)
 *   VRF blue: bdif210 10.1.10.1/24 (VNI 5210, peer .11), bdif220 10.1.20.1/24 (5220, .13)
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cu_main.h"
#include "gw/config/config.h"
#include "gw/ping.h"
#include "gw/trace.h"
#include "pktlab.h"
#include "vxlan/vxlan.h"

#define IP_A   0x0a010a32u /* 10.1.10.50: a host of each tenant on 10.1.10.0/24 */
#define IP_B   0x0a01143cu /* 10.1.20.60: a host of each tenant on 10.1.20.0/24 */
#define IP_GWA 0x0a010a01u /* 10.1.10.1 */
#define IP_GWB 0x0a011401u /* 10.1.20.1 */
#define IP_FAR 0x0a320101u /* 10.50.1.1: routed in blue only */

static const uint8_t RED_A[6] = {0x02, 0xaa, 0, 0, 0x10, 0x50};
static const uint8_t RED_B[6] = {0x02, 0xaa, 0, 0, 0x20, 0x60};
static const uint8_t BLUE_A[6] = {0x02, 0xbb, 0, 0, 0x10, 0x50};
static const uint8_t BLUE_B[6] = {0x02, 0xbb, 0, 0, 0x20, 0x60};

static struct lab L;
static uint16_t red, blue, bdif110, bdif120, bdif210, bdif220;
static uint8_t MAC110[6], MAC120[6], MAC210[6], MAC220[6];

static bool tenant_if(uint32_t bd, uint32_t vni, uint32_t peer, uint16_t vrfx, uint32_t addr,
                      uint16_t *ifx)
{
	struct bd_table *t = gw_bd(L.gw);
	return bd_add(t, bd) == 0 && bd_set_vni(t, bd, vni) == 0 &&
	       bd_flood_peer_add(t, bd, peer) == 0 && gw_bdif_add(L.gw, bd, ifx) == 0 &&
	       gw_if_set_vrf(L.gw, *ifx, vrfx) == 0 && gw_if_addr_add(L.gw, *ifx, addr, 24) == 0;
}

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	CU_ASSERT_FATAL(gw_vrf_add(L.gw, "red", &red) == GW_OK);
	CU_ASSERT_FATAL(gw_vrf_add(L.gw, "blue", &blue) == GW_OK);
	CU_ASSERT_FATAL(tenant_if(110, 5110, LAB_VTEP11, red, IP_GWA, &bdif110));
	CU_ASSERT_FATAL(tenant_if(120, 5120, LAB_VTEP12, red, IP_GWB, &bdif120));
	CU_ASSERT_FATAL(tenant_if(210, 5210, LAB_VTEP11, blue, IP_GWA, &bdif210));
	CU_ASSERT_FATAL(tenant_if(220, 5220, LAB_VTEP13, blue, IP_GWB, &bdif220));
	gw_bdif_default_mac(110, MAC110);
	gw_bdif_default_mac(120, MAC120);
	gw_bdif_default_mac(210, MAC210);
	gw_bdif_default_mac(220, MAC220);
	/* the hosts: the same addresses in both tenants, behind different VTEPs */
	lab_host_arp(&L, LAB_VTEP11, 5110, IP_A, RED_A, IP_GWA);
	lab_host_arp(&L, LAB_VTEP12, 5120, IP_B, RED_B, IP_GWB);
	lab_host_arp(&L, LAB_VTEP11, 5210, IP_A, BLUE_A, IP_GWA);
	lab_host_arp(&L, LAB_VTEP13, 5220, IP_B, BLUE_B, IP_GWB);
	lab_reset_capture(&L);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

static uint32_t cap_vni(const struct lab_frame *f)
{
	return lab_rd32(f->bytes + 32) >> 8;
}

/* The inner IPv4 header of a captured VXLAN frame. */
static const uint8_t *cap_ip(const struct lab_frame *f)
{
	return f->bytes + 36 + 14;
}

static void ping(uint32_t vtep, uint32_t vni, const uint8_t *gw_mac, const uint8_t *src_mac,
                 uint32_t src, uint32_t dst)
{
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, gw_mac, src_mac, src, dst, 64, 16, true);
	lab_from_vtep(&L, vtep, vni, f, n);
}

static void test_overlap_per_vrf(void)
{
	/* the setup put 10.1.10.1/24 into three VRFs; within one it is still refused */
	uint16_t ifx;
	CU_ASSERT_EQUAL(bd_add(gw_bd(L.gw), 130), 0);
	CU_ASSERT_EQUAL_FATAL(gw_bdif_add(L.gw, 130, &ifx), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_vrf(L.gw, ifx, red), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, ifx, 0x0a010a05u, 24), GW_E_CONFLICT);
	CU_ASSERT_EQUAL(gw_if_addr_add(L.gw, ifx, 0x0a011e01u, 24), GW_OK);
	/* moving an interface into a VRF where its subnet is taken is refused */
	CU_ASSERT_EQUAL(gw_if_set_vrf(L.gw, bdif110, blue), GW_E_CONFLICT);
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(L.gw, bdif110, &info));
	CU_ASSERT_EQUAL(info.vrfx, red);
	/* the FIBs: the same prefix, a different interface in each */
	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_match(gw_vrf_fib(L.gw, red), IP_B, &ri));
	CU_ASSERT_EQUAL(ri.paths[0].ifx, bdif120);
	CU_ASSERT_FATAL(fib_route_match(gw_vrf_fib(L.gw, blue), IP_B, &ri));
	CU_ASSERT_EQUAL(ri.paths[0].ifx, bdif220);
	CU_ASSERT_FATAL(fib_route_match(gw_fib(L.gw), IP_B, &ri));
	CU_ASSERT_EQUAL(ri.paths[0].ifx, L.bdif20);
}

/* The same destination address routed to each tenant's own host. */
static void test_same_prefix_two_tenants(void)
{
	ping(LAB_VTEP11, 5110, MAC110, RED_A, IP_A, IP_B);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP12);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5120);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes + 36, RED_B, 6), 0);
	lab_reset_capture(&L);
	ping(LAB_VTEP11, 5210, MAC210, BLUE_A, IP_A, IP_B);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP13);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5220);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes + 36, BLUE_B, 6), 0);
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	CU_ASSERT_EQUAL(c.routed, 2);
}

/* A prefix only blue routes is unreachable from red: ICMP net unreachable, no_route. */
static void test_isolation_no_route(void)
{
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = IP_B};
	CU_ASSERT_EQUAL_FATAL(fib_route_add(gw_vrf_fib(L.gw, blue), 0x0a320000u, 16, &nh), 0);
	ping(LAB_VTEP11, 5210, MAC210, BLUE_A, IP_A, IP_FAR);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP13);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5220);
	lab_reset_capture(&L);
	ping(LAB_VTEP11, 5110, MAC110, RED_A, IP_A, IP_FAR);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_ROUTE), 1);
	/* the error goes back to the red host only, from red's gateway address */
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5110);
	const uint8_t *ip = cap_ip(&L.cap[0]);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), IP_GWA);
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_A);
	CU_ASSERT_EQUAL(ip[20], 3); /* unreachable */
	CU_ASSERT_EQUAL(ip[21], 0); /* net */
	CU_ASSERT_EQUAL(lab_rd32(ip + 28 + 16), IP_FAR);
	/* an address of the default VRF is no more reachable, nor answered to */
	lab_reset_capture(&L);
	ping(LAB_VTEP11, 5110, MAC110, RED_A, IP_A, LAB_UP);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_ROUTE), 2);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(cap_ip(&L.cap[0])[20], 3);
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	CU_ASSERT_EQUAL(c.local, 0);
}

/* Echo to the tenant's gateway: answered within the VRF, to the asking tenant. */
static void test_echo_in_vrf(void)
{
	ping(LAB_VTEP11, 5210, MAC210, BLUE_A, IP_A, IP_GWA);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5210);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes + 36, BLUE_A, 6), 0);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes + 36 + 6, MAC210, 6), 0);
	const uint8_t *ip = cap_ip(&L.cap[0]);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), IP_GWA);
	CU_ASSERT_EQUAL(ip[20], 0); /* echo reply */
}

/* One vector mixing the tenants and the default VRF: each packet in its own FIB. */
static void test_mixed_vector(void)
{
	static const struct {
		uint32_t vni;
		const uint8_t *gw_mac, *src_mac;
	} from[3] = {{5110, MAC110, RED_A}, {5210, MAC210, BLUE_A}, {5000, NULL, NULL}};
	uint8_t mac10[6], h10[6] = {0x02, 0xcc, 0, 0, 0x10, 0x50};
	gw_bdif_default_mac(10, mac10);
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_A, h10, IP_GWA);
	/* the default VRF's 10.1.20.60 sits behind .12 in VNI 6000 */
	uint8_t h20[6] = {0x02, 0xcc, 0, 0, 0x20, 0x60};
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_B, h20, IP_GWB);
	lab_reset_capture(&L);
	struct gw_pkt *pk[30];
	for (unsigned i = 0; i < 30; i++) {
		unsigned t = i % 3;
		uint8_t f[200], raw[256];
		unsigned n =
		    lab_ping_frame(f, t == 2 ? mac10 : from[t].gw_mac,
		                   t == 2 ? h10 : from[t].src_mac, IP_A, IP_B, 64, 16, true);
		vx_hdr_build(raw, from[t].vni);
		memcpy(raw + 8, f, n);
		pk[i] = gw_pkt_alloc(gw_pool(L.gw));
		CU_ASSERT_FATAL(pk[i] != NULL);
		gw_pkt_set(pk[i], raw, 8 + n);
		pk[i]->outer_src = LAB_VTEP11;
		pk[i]->outer_dst = LAB_VTEP;
	}
	gw_input_underlay(L.gw, pk, 30);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 30);
	unsigned to[3] = {0, 0, 0};
	for (unsigned i = 0; i < L.n_cap; i++) {
		uint32_t vni = cap_vni(&L.cap[i]);
		to[0] += vni == 5120 && L.cap[i].outer_dst == LAB_VTEP12;
		to[1] += vni == 5220 && L.cap[i].outer_dst == LAB_VTEP13;
		to[2] += vni == 6000 && L.cap[i].outer_dst == LAB_VTEP12;
	}
	CU_ASSERT_EQUAL(to[0], 10);
	CU_ASSERT_EQUAL(to[1], 10);
	CU_ASSERT_EQUAL(to[2], 10);
}

/* A VRF in use cannot go; an interface moved out takes its routes along. */
/* show trace names the VRF whose FIB a traced packet was looked up in. */
static void test_trace_names_vrf(void)
{
	CU_ASSERT_EQUAL_FATAL(gw_trace_add(L.gw, 2, GW_TRACE_IN_ANY), 2);
	ping(LAB_VTEP11, 5210, MAC210, BLUE_A, IP_A, IP_B);
	ping(LAB_VTEP11, 5110, MAC110, RED_A, IP_A, IP_B);
	CU_ASSERT_EQUAL_FATAL(gw_trace_count(L.gw), 2);
	static const char *const want[2][2] = {
	    {"vrf blue dst 10.1.20.60 prefix 10.1.20.0/24 path connected interface bdif220",
	     "\"vrf\":\"blue\",\"dst\":\"10.1.20.60\""},
	    {"vrf red dst 10.1.20.60 prefix 10.1.20.0/24 path connected interface bdif120",
	     "\"vrf\":\"red\",\"dst\":\"10.1.20.60\""}};
	for (uint32_t k = 0; k < 2; k++) {
		const struct gw_trace_pkt *e = gw_trace_get(L.gw, k);
		const struct gw_trace_rec *r = NULL;
		for (unsigned i = 0; e && i < e->n_recs && !r; i++)
			if (e->rec[i].stage == GW_TR_IP4_LOOKUP)
				r = &e->rec[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		char line[256];
		CU_ASSERT_STRING_EQUAL(gw_trace_format(L.gw, r, line, sizeof(line)), want[k][0]);
		gw_trace_format_json(L.gw, r, line, sizeof(line));
		CU_ASSERT_PTR_NOT_NULL(strstr(line, want[k][1]));
	}
	gw_trace_clear(L.gw);
}

/* ---- the gateway's own ping, in a VRF ---- */
static struct gw_ping_result ping_res;
static unsigned ping_done;

static void ping_probe(void *arg, char mark, uint32_t rtt_ms)
{
	(void)arg;
	(void)mark;
	(void)rtt_ms;
}

static void ping_fin(void *arg, const struct gw_ping_result *r)
{
	(void)arg;
	ping_res = *r;
	ping_done++;
}

static const struct gw_ping_ops PING_OPS = {.probe = ping_probe, .done = ping_fin};

/* Starts the gateway's ping of blue's host 10.1.20.60 with `count` probes. */
static void ping_blue_start(uint32_t count, uint32_t timeout_ms)
{
	struct gw_ping_req req = {
	    .vrf = blue, .dst = IP_B, .count = count, .size = 100, .timeout_ms = timeout_ms};
	uint32_t id;
	ping_done = 0;
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &PING_OPS, NULL, &id), GW_OK);
}

/* The captured request (VXLAN from the gateway) turned into the host's echo reply. */
static unsigned echo_reply_of(const struct lab_frame *c, const uint8_t *gw_mac, uint8_t *f)
{
	unsigned len = c->len - 36;
	memcpy(f, c->bytes + 36, len);
	memcpy(f + 6, f, 6); /* from the host's MAC (the request's destination) */
	memcpy(f, gw_mac, 6);
	uint8_t *ip = f + 14, a[4];
	memcpy(a, ip + 12, 4); /* swap the addresses */
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, a, 4);
	uint8_t *icmp = ip + 20;
	icmp[0] = 0; /* echo reply */
	icmp[2] = icmp[3] = 0;
	uint16_t sum = net_csum(icmp, len - 34);
	memcpy(icmp + 2, &sum, 2);
	return len;
}

/* ping vrf blue goes to blue's host from blue's address; its reply is only taken in blue. */
static void test_ping_in_vrf(void)
{
	ping_blue_start(1, 2000);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP13);
	CU_ASSERT_EQUAL(cap_vni(&L.cap[0]), 5220);
	CU_ASSERT_EQUAL(lab_rd32(cap_ip(&L.cap[0]) + 12), IP_GWB);
	uint8_t f[200], g[200];
	unsigned m = echo_reply_of(&L.cap[0], MAC220, f);
	/* the same reply arriving in red (same addresses, same id) is not this ping's */
	unsigned n = echo_reply_of(&L.cap[0], MAC120, g);
	lab_from_vtep(&L, LAB_VTEP12, 5120, g, n);
	CU_ASSERT_EQUAL(ping_done, 0);
	lab_from_vtep(&L, LAB_VTEP13, 5220, f, m);
	gw_tick(L.gw);
	CU_ASSERT_EQUAL(ping_done, 1);
	CU_ASSERT_EQUAL(ping_res.received, 1);
	/* a source address or interface of another VRF is refused */
	struct gw_ping_req req = {.vrf = blue,
	                          .dst = IP_B,
	                          .src = LAB_UP, /* the default VRF's uplink */
	                          .count = 1,
	                          .size = 100,
	                          .timeout_ms = 2000};
	uint32_t id;
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &PING_OPS, NULL, &id), GW_E_INVAL);
	req.src = 0;
	req.src_ifx = bdif110;
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &PING_OPS, NULL, &id), GW_E_INVAL);
}

/* An ICMP error about blue's probe is only taken in blue; red's host may send the same. */
static unsigned unreach_of(const struct lab_frame *c, const uint8_t *gw_mac,
                           const uint8_t *host_mac, uint8_t *f)
{
	const uint8_t *req_ip = c->bytes + 36 + 14;
	unsigned n = lab_eth(f, gw_mac, host_mac, NET_ETHERTYPE_IP);
	n += lab_ip(f + n, IP_B, IP_GWB, NET_IPPROTO_ICMP, 64, 8 + 28, false);
	uint8_t *icmp = f + n;
	memset(icmp, 0, 8);
	icmp[0] = 3; /* destination unreachable, port */
	icmp[1] = 3;
	memcpy(icmp + 8, req_ip, 28);
	uint16_t sum = net_csum(icmp, 36);
	memcpy(icmp + 2, &sum, 2);
	return n + 36;
}

static void test_ping_error_in_vrf(void)
{
	ping_blue_start(1, 2000);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	uint8_t f[200];
	unsigned n = unreach_of(&L.cap[0], MAC120, RED_B, f);
	lab_from_vtep(&L, LAB_VTEP12, 5120, f, n);
	gw_tick(L.gw);
	CU_ASSERT_EQUAL(ping_done, 0);
	n = unreach_of(&L.cap[0], MAC220, BLUE_B, f);
	lab_from_vtep(&L, LAB_VTEP13, 5220, f, n);
	gw_tick(L.gw);
	CU_ASSERT_EQUAL(ping_done, 1);
	CU_ASSERT_EQUAL(ping_res.sent, 1);
	CU_ASSERT_EQUAL(ping_res.received, 0);
}

/*
 * The VRF of a running ping is deleted and its index given to a new VRF: the ping ends
 * on the next tick, its probe in flight unreachable, and never probes the new tenant.
 */
static void test_ping_vrf_deleted(void)
{
	ping_blue_start(3, 1000);
	CU_ASSERT_EQUAL(gw_if_del(L.gw, bdif210), GW_OK);
	CU_ASSERT_EQUAL(gw_if_del(L.gw, bdif220), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_vrf_del(L.gw, blue), GW_OK);
	uint16_t green;
	CU_ASSERT_EQUAL_FATAL(gw_vrf_add(L.gw, "green", &green), GW_OK);
	CU_ASSERT_EQUAL(green, blue); /* the slot is reused */
	lab_reset_capture(&L);
	gw_tick(L.gw);
	CU_ASSERT_EQUAL(ping_done, 1);
	CU_ASSERT_EQUAL(ping_res.sent, 1);
	CU_ASSERT_EQUAL(ping_res.received, 0);
	for (unsigned i = 0; i < 5; i++)
		lab_advance(&L, 1000);
	CU_ASSERT_EQUAL(ping_done, 1);
	CU_ASSERT_EQUAL(L.n_cap, 0);
}

static void test_vrf_lifecycle(void)
{
	uint16_t x;
	CU_ASSERT_EQUAL(gw_vrf_add(L.gw, "red", &x), GW_E_EXISTS);
	CU_ASSERT_EQUAL(x, red);
	CU_ASSERT_EQUAL(gw_vrf_add(L.gw, "default", &x), GW_E_INVAL);
	CU_ASSERT(gw_vrf_find(L.gw, "default", &x) && x == GW_VRF_DEFAULT);
	CU_ASSERT(!gw_vrf_find(L.gw, "green", &x));
	CU_ASSERT_EQUAL(gw_vrf_del(L.gw, red), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_vrf_del(L.gw, GW_VRF_DEFAULT), GW_E_INVAL);
	/* bdif120 leaves red for a new VRF: its subnet goes with it */
	uint16_t green;
	CU_ASSERT_EQUAL_FATAL(gw_vrf_add(L.gw, "green", &green), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_vrf(L.gw, bdif120, green), GW_OK);
	struct fib_route_info ri;
	CU_ASSERT(!fib_route_match(gw_vrf_fib(L.gw, red), IP_B, &ri));
	CU_ASSERT_FATAL(fib_route_match(gw_vrf_fib(L.gw, green), IP_B, &ri));
	CU_ASSERT_EQUAL(ri.paths[0].ifx, bdif120);
	/* red's host can no longer reach 10.1.20.60: it is green's now */
	ping(LAB_VTEP11, 5110, MAC110, RED_A, IP_A, IP_B);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_ROUTE), 1);
	CU_ASSERT_EQUAL(gw_if_del(L.gw, bdif110), GW_OK);
	CU_ASSERT_EQUAL(gw_vrf_del(L.gw, red), GW_OK);
	CU_ASSERT(gw_vrf_name(L.gw, red) == NULL);
	CU_ASSERT(gw_vrf_fib(L.gw, red) == NULL);
}

/* ---------------------------------------------------------------- configuration */

static struct lab E; /* holds G, an empty gateway (lab_gw_empty) */
static struct gw *G;

static void report(void *arg, unsigned line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "\n  config line %u: %s", line, msg);
}

static struct gw_cfg *load(const char *text)
{
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, report, NULL), 0);
	return c;
}

static void test_cfg_setters(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c = gw_cfg_new();
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "red", true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "red", true, err), GW_CFG_OK); /* exists: fine */
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "blue", true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "default", true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "json", true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "9lives", true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "a/b", true, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "a/b") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "abcdefghijabcdefghijabcdefghijab", true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(c->vrfs.n, 2);
	CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif110", 110, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif210", 210, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif10", 10, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif110", "green", err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "green") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif110", "red", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif210", "blue", err), GW_CFG_OK);
	/* the same subnet in three VRFs; a second one in red is refused */
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif110", IP_GWA, 24, GW_CFG_ADDR_PRIMARY, err), 0);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif210", IP_GWA, 24, GW_CFG_ADDR_PRIMARY, err), 0);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif10", IP_GWA, 24, GW_CFG_ADDR_PRIMARY, err), 0);
	CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif120", 120, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif120", "red", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif120", 0x0a010a02u, 24, GW_CFG_ADDR_PRIMARY, err),
	                GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif110") != NULL);
	/* moving bdif210 (10.1.10.1/24) into red, where bdif110 has that subnet: refused */
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif210", "red", err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif110") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	/* routes per VRF; an unknown VRF is named */
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = 0x0a010a09u};
	CU_ASSERT_EQUAL(gw_cfg_vrf_route(c, "red", 0x0a320000u, 16, &nh, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_vrf_route(c, "green", 0x0a320000u, 16, &nh, true, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "green") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_route(c, 0x0a320000u, 16, &nh, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(c->routes.n, 2);
	/* removing the default VRF's route leaves red's */
	CU_ASSERT_EQUAL(gw_cfg_route(c, 0x0a320000u, 16, NULL, false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL_FATAL(c->routes.n, 1);
	CU_ASSERT_STRING_EQUAL(c->routes.v[0].vrf, "red");
	/* a VRF in use cannot be deleted: the error names the user */
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "blue", false, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif210") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_if_set_vrf(c, "bdif210", NULL, err),
	                GW_CFG_ERR); /* overlaps bdif10 */
	CU_ASSERT_EQUAL(gw_cfg_if_del(c, "bdif210", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "blue", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_del(c, "bdif110", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_del(c, "bdif120", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_vrf(c, "red", false, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "ip route vrf red 10.50.0.0/16") != NULL);
	/* a configuration built around the setters is caught by the check */
	snprintf(c->ifs.v[0].vrf, sizeof(c->ifs.v[0].vrf), "nosuch");
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "nosuch") != NULL);
	gw_cfg_free(c);
}

static const char *TENANTS = "vxlan source 192.0.2.1\n"
                             "vrf red\n"
                             "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
                             "bridge-domain 110\n vni 5110\n flood-peer 192.0.2.11\n"
                             "interface bdif 10\n ip address 10.1.10.1/24\n"
                             "interface bdif 110\n vrf red\n ip address 10.1.10.1/24\n"
                             "ip route vrf red 10.50.0.0/16 10.1.10.9\n"
                             "ip route 10.50.0.0/16 10.1.10.8\n";

/* The FIB of VRF `name` on G has 10.50.0.0/16 via nh on ifx. */
static bool has_far_route(const char *name, uint32_t nh, uint16_t ifx)
{
	uint16_t v;
	struct fib_route_info ri;
	if (!gw_vrf_find(G, name, &v) || !fib_route_get(gw_vrf_fib(G, v), 0x0a320000u, 16, &ri))
		return false;
	return ri.active && ri.n_paths == 1 && ri.paths[0].nh == nh && ri.paths[0].ifx == ifx;
}

static void test_cfg_apply_diff(void)
{
	char err[GW_CFG_ERRLEN];
	G = lab_gw_empty(&E);
	CU_ASSERT_FATAL(G != NULL);
	struct gw_cfg *a = load(TENANTS);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(G, NULL, a, NULL, err), GW_CFG_OK);
	uint16_t b10 = gw_if_by_name(G, "bdif10"), b110 = gw_if_by_name(G, "bdif110");
	CU_ASSERT(has_far_route("red", 0x0a010a09u, b110));
	CU_ASSERT(has_far_route("default", 0x0a010a08u, b10));
	/* bdif110 moves to a new VRF blue with the route; red goes away */
	char text[1024];
	snprintf(text, sizeof(text), "%s", TENANTS);
	char *p = strstr(text, "vrf red\nbridge");
	memcpy(p, "vrf blu", 7);
	p = strstr(text, " vrf red\n");
	memcpy(p, " vrf blu", 8);
	p = strstr(text, "ip route vrf red");
	memcpy(p, "ip route vrf blu", 16);
	struct gw_cfg *b = load(text);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(G, a, b, NULL, err), GW_CFG_OK);
	uint16_t v;
	CU_ASSERT(!gw_vrf_find(G, "red", &v));
	CU_ASSERT(has_far_route("blu", 0x0a010a09u, b110));
	CU_ASSERT(has_far_route("default", 0x0a010a08u, b10));
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(G, b110, &info));
	CU_ASSERT(gw_vrf_find(G, "blu", &v) && info.vrfx == v);
	CU_ASSERT_EQUAL(info.n_addrs, 1);
	/* and back */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(G, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT(!gw_vrf_find(G, "blu", &v));
	CU_ASSERT(has_far_route("red", 0x0a010a09u, b110));
	/* an interface into the default VRF where its subnet is taken: refused, nothing moves */
	struct gw_cfg *c = load("vxlan source 192.0.2.1\n"
	                        "vrf red\n"
	                        "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
	                        "bridge-domain 110\n vni 5110\n flood-peer 192.0.2.11\n"
	                        "interface bdif 10\n ip address 10.1.10.1/24\n"
	                        "interface bdif 110\n vrf red\n ip address 10.1.10.1/24\n");
	CU_ASSERT_FATAL(c != NULL);
	memset(c->ifs.v[1].vrf, 0, sizeof(c->ifs.v[1].vrf));
	CU_ASSERT_EQUAL(gw_cfg_apply(G, a, c, NULL, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "overlaps") != NULL);
	CU_ASSERT(has_far_route("red", 0x0a010a09u, b110));
	gw_cfg_free(c);
	gw_cfg_free(b);
	gw_cfg_free(a);
	gw_destroy(G);
}

/* ---------------------------------------------------------------- CLI */

static struct gw_cfg *running;

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return running;
}

static int env_commit(void *ctx, struct gw_cfg *cand, char *err)
{
	(void)ctx;
	if (gw_cfg_apply(G, running, cand, NULL, err) != GW_CFG_OK)
		return GW_CFG_ERR;
	gw_cfg_free(running);
	running = cand;
	return GW_CFG_OK;
}

static int run(struct cli_sess *s, const char *line, struct cli_out *o)
{
	cli_out_reset(o);
	return cli_exec(s, line, o);
}

/* Runs lines that must all succeed. */
static void run_ok(struct cli_sess *s, struct cli_out *o, const char *const *lines)
{
	for (; *lines; lines++) {
		int r = run(s, *lines, o);
		if (r != CLI_R_OK)
			fprintf(stderr, "\n  %s: %s", *lines, o->buf ? o->buf : "");
		CU_ASSERT_EQUAL(r, CLI_R_OK);
	}
}

static void test_cli_session(void)
{
	static const char *const setup_lines[] = {"configure terminal",
	                                          "vrf red",
	                                          "vrf blue",
	                                          "bridge-domain 10",
	                                          "vni 5000",
	                                          "interface bdif 10",
	                                          "ip address 10.1.10.1/24",
	                                          "interface bdif 110",
	                                          "vrf red",
	                                          "ip address 10.1.10.1/24",
	                                          "interface bdif 210",
	                                          "vrf blue",
	                                          "ip address 10.1.10.1/24",
	                                          "ip route vrf red 10.50.0.0/16 10.1.10.9",
	                                          "end",
	                                          NULL};
	G = lab_gw_empty(&E);
	CU_ASSERT_FATAL(G != NULL);
	running = gw_cfg_new();
	struct cli_env env = {.gw = G, .running = env_running, .commit = env_commit};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	run_ok(s, &o, setup_lines);
	CU_ASSERT_EQUAL(run(s, "show ip route vrf red", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "VRF red"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "10.50.0.0/16"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "bdif110"));
	CU_ASSERT_PTR_NULL(strstr(o.buf, "bdif10,"));
	CU_ASSERT_EQUAL(run(s, "show ip route", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "10.50.0.0/16"));
	CU_ASSERT_EQUAL(run(s, "show ip route vrf blue 10.50.1.1", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "Network not in table"));
	CU_ASSERT_EQUAL(run(s, "show ip route vrf default json", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"vrf\":\"default\""));
	CU_ASSERT_EQUAL(run(s, "show vrf red", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "bdif110"));
	CU_ASSERT_PTR_NULL(strstr(o.buf, "bdif210"));
	CU_ASSERT_EQUAL(run(s, "show ip arp vrf green", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "green"));
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "vrf blue\nvrf red\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "interface bdif 110\n vrf red\n ip address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "ip route vrf red 10.50.0.0/16 10.1.10.9\n"));
	/* refusals name the word and change nothing */
	CU_ASSERT_EQUAL(run(s, "configure terminal", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "no vrf blue", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "bdif210"));
	CU_ASSERT_EQUAL(run(s, "vrf default", &o), CLI_R_ERROR);
	CU_ASSERT_EQUAL(run(s, "interface bdif 210", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "no vrf red", &o), CLI_R_ERROR); /* it is in blue */
	CU_ASSERT_EQUAL(run(s, "vrf red", &o), CLI_R_ERROR);    /* 10.1.10.0/24 taken there */
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "bdif110"));
	uint16_t bluex, ifx = gw_if_by_name(G, "bdif210");
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_vrf_find(G, "blue", &bluex) && gw_if_get(G, ifx, &info));
	CU_ASSERT_EQUAL(info.vrfx, bluex);
	/* `no vrf` with the address gone leaves for the default VRF, then blue can go */
	static const char *const leave[] = {"no ip address", "no vrf blue", "exit",
	                                    "no vrf blue",   "end",         NULL};
	run_ok(s, &o, leave);
	CU_ASSERT_FATAL(gw_if_get(G, ifx, &info));
	CU_ASSERT_EQUAL(info.vrfx, GW_VRF_DEFAULT);
	CU_ASSERT(!gw_vrf_find(G, "blue", &bluex));
	CU_ASSERT_EQUAL(running->vrfs.n, 1);
	cli_out_free(&o);
	cli_sess_free(s);
	gw_cfg_free(running);
	gw_destroy(G);
}

static CU_TestInfo pipeline_tests[] = {
    {"same subnet in three VRFs, refused within one", test_overlap_per_vrf},
    {"same prefix routed to each tenant's interface", test_same_prefix_two_tenants},
    {"prefix of another VRF: net unreachable, no_route", test_isolation_no_route},
    {"echo reply within the VRF", test_echo_in_vrf},
    {"vector mixing VRFs", test_mixed_vector},
    {"show trace names the VRF of the lookup", test_trace_names_vrf},
    {"the gateway's ping in a VRF", test_ping_in_vrf},
    {"an ICMP error about a ping is taken in its VRF only", test_ping_error_in_vrf},
    {"the VRF of a running ping deleted", test_ping_vrf_deleted},
    {"VRF in use, interface moved, VRF deleted", test_vrf_lifecycle},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo config_tests[] = {
    {"setters: names, references, per-VRF overlap", test_cfg_setters},
    {"apply: VRF replaced, interface moved, and back", test_cfg_apply_diff},
    {"CLI: commands, shows, refusals, no forms", test_cli_session},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"vrf pipeline", NULL, NULL, setup, teardown, pipeline_tests},
    {"vrf config", NULL, NULL, NULL, NULL, config_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
