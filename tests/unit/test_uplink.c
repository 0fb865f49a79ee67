/*
 * test_uplink.c - the Ethernet uplink in the in-memory gateway: the link state of its
 * netdev (interfaces down while it is missing or down, show interfaces saying why), and
 * ARP from senders outside the interface's subnets (answered when they ask for us, never
 * learned, counted as arp_offlink_replies).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/metrics.h"
#include "cu_main.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t ASKER[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x07};
#define IP_H1  0x0a010a32u
#define IP_EXT 0xc6336401u /* 198.51.100.1, behind the uplink's next hop */
#define IP_LO  0xc0000263u /* 192.0.2.99: a router's loopback, off up0's 203.0.113.0/30 */

static struct lab L;
static uint8_t BDIF10_MAC[6];

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return NULL;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return L.now;
}

/* One CLI command on the lab's gateway: its output (free it). */
static char *run(const char *line)
{
	struct cli_env env = {.gw = L.gw, .running = env_running, .now_ms = env_now};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL(cli_exec(s, line, &o), CLI_R_OK);
	cli_sess_free(s);
	return o.buf ? o.buf : strdup("");
}

static bool has(const char *out, const char *want)
{
	if (strstr(out, want))
		return true;
	fprintf(stderr, "\n  missing \"%s\" in:\n%s", want, out);
	return false;
}

static bool if_up(uint16_t ifx)
{
	struct gw_if_info i;
	CU_ASSERT_FATAL(gw_if_get(L.gw, ifx, &i));
	return i.up;
}

/* h1 (known) pings 198.51.100.1 through the uplink; what left on up0. */
static unsigned ping_out(void)
{
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, IP_EXT, 64, 16, true);
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	unsigned out = 0;
	for (unsigned i = 0; i < L.n_cap; i++)
		out += L.cap[i].ifx == L.up0;
	return out;
}

/* 198.51.100.1 pings h1 from behind the uplink; what left toward the underlay. */
static unsigned ping_in(void)
{
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, lab_up0_mac, lab_upnh_mac, IP_EXT, IP_H1, 50, 16, true);
	lab_reset_capture(&L);
	lab_from_uplink(&L, L.up0, f, n);
	unsigned out = 0;
	for (unsigned i = 0; i < L.n_cap; i++)
		out += L.cap[i].ifx == 0;
	return out;
}

/*
 * A missing or down netdev takes its uplinks down: nothing is forwarded to or from them,
 * what the gateway had learned on them is forgotten, and show interfaces says why; back
 * up, they forward again.
 */
static void test_link_state(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = LAB_UPNH};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), 0, 0, &nh), 0);
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, lab_upnh_mac, LAB_UPNH, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(gw_arp(L.gw), L.up0, LAB_UPNH, L.now));
	CU_ASSERT_EQUAL(ping_out(), 1);
	CU_ASSERT_EQUAL(ping_in(), 1);
	struct gw_if_info i;
	CU_ASSERT_FATAL(gw_if_get(L.gw, L.up0, &i));
	CU_ASSERT(i.up);
	CU_ASSERT_EQUAL(i.link, GW_LINK_UP);
	CU_ASSERT_FATAL(gw_if_get(L.gw, L.bdif10, &i));
	CU_ASSERT_EQUAL(i.link, 0); /* not an uplink */

	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_MISSING), GW_OK);
	CU_ASSERT(!if_up(L.up0));
	CU_ASSERT(if_up(L.bdif10));
	CU_ASSERT_PTR_NULL(arp_lookup(gw_arp(L.gw), L.up0, LAB_UPNH, L.now));
	uint64_t down0 = lab_drops(&L, GW_DROP_IF_DOWN);
	CU_ASSERT_EQUAL(ping_out(), 0);
	CU_ASSERT_EQUAL(ping_in(), 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_IF_DOWN), down0 + 2);
	char *o = run("show interfaces");
	CU_ASSERT(has(o, "up0 is down (netdev missing)\n"));
	CU_ASSERT(has(o, "bdif10 is up\n"));
	free(o);
	o = run("show interfaces json");
	CU_ASSERT(has(o, "\"netdev\":\"up0\",\"link\":\"missing\","));
	CU_ASSERT(has(o, "\"netdev\":null,\"link\":null,"));
	free(o);

	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_DOWN), GW_OK);
	CU_ASSERT(!if_up(L.up0));
	o = run("show interfaces");
	CU_ASSERT(has(o, "up0 is down (netdev down)\n"));
	free(o);

	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_UP), GW_OK);
	CU_ASSERT(if_up(L.up0));
	o = run("show interfaces json");
	CU_ASSERT(has(o, "\"netdev\":\"up0\",\"link\":\"up\","));
	free(o);
	lab_from_uplink(&L, L.up0, f, n); /* the next hop asks again, and is learned again */
	CU_ASSERT_EQUAL(ping_out(), 1);
	CU_ASSERT_EQUAL(ping_in(), 1);
}

/* Shut down stays shut down whatever the link does; no such netdev: refused. */
static void test_link_and_shutdown(void)
{
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.up0, false), GW_OK);
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_UP), GW_OK);
	CU_ASSERT(!if_up(L.up0));
	char *o = run("show interfaces");
	CU_ASSERT(has(o, "up0 is administratively down\n"));
	free(o);
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_MISSING), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.up0, true), GW_OK);
	CU_ASSERT(!if_up(L.up0));
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_UP), GW_OK);
	CU_ASSERT(if_up(L.up0));
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "nosuch0", GW_LINK_MISSING), GW_E_NOENT);
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", (enum gw_link)0), GW_E_INVAL);
}

/* Sub-interfaces share their netdev's link; a new uplink on another netdev starts up. */
static void test_link_subifs(void)
{
	uint16_t sub, other;
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up0.100", lab_up0_mac, &sub), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, sub, 100), GW_OK);
	CU_ASSERT(if_up(sub));
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_MISSING), GW_OK);
	CU_ASSERT(!if_up(sub));
	CU_ASSERT(!if_up(L.up0));
	CU_ASSERT_EQUAL_FATAL(gw_eth_add(L.gw, "up1", lab_upnh_mac, &other), GW_OK);
	CU_ASSERT(if_up(other));
	CU_ASSERT_EQUAL(gw_eth_set_link(L.gw, "up0", GW_LINK_UP), GW_OK);
	CU_ASSERT(if_up(sub));
}

/* ---------------------------------------------------------------- ARP off the subnets */

static uint64_t counter_offlink(void)
{
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	return c.arp_offlink_replies;
}

static uint64_t counter_replies(void)
{
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	return c.arp_replies;
}

/* The one frame the gateway sent on up0 is an ARP reply from LAB_UP to (mac, ip). */
static void expect_reply_to(const uint8_t *mac, uint32_t ip)
{
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const struct lab_frame *c = &L.cap[0];
	CU_ASSERT_EQUAL(c->ifx, L.up0);
	CU_ASSERT_EQUAL(c->len, 60); /* padded to the minimum frame */
	uint8_t want[42];
	memcpy(want, mac, 6);
	memcpy(want + 6, lab_up0_mac, 6);
	const uint8_t hdr[] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2};
	memcpy(want + 12, hdr, sizeof(hdr));
	memcpy(want + 22, lab_up0_mac, 6);
	const uint8_t spa[] = {203, 0, 113, 2};
	memcpy(want + 28, spa, 4);
	memcpy(want + 32, mac, 6);
	const uint8_t tpa[] = {(uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8),
	                       (uint8_t)ip};
	memcpy(want + 38, tpa, 4);
	CU_ASSERT_EQUAL(memcmp(c->bytes, want, sizeof(want)), 0);
}

static bool learned(uint16_t ifx, uint32_t ip)
{
	struct arp_entry_info ai;
	return arp_get(gw_arp(L.gw), ifx, ip, L.now, &ai);
}

/*
 * A router on the uplink pinging from its loopback address asks for the gateway with that
 * address as sender (Linux, arp_announce 0): answered, to its MAC, and not learned.
 */
static void test_arp_offlink_request(void)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, ASKER, IP_LO, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	expect_reply_to(ASKER, IP_LO);
	CU_ASSERT(!learned(L.up0, IP_LO));
	CU_ASSERT_EQUAL(counter_offlink(), 1);
	CU_ASSERT_EQUAL(counter_replies(), 1);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_OFFLINK), 0);
	/* shown and scraped */
	char *o = run("show counters json");
	CU_ASSERT(has(o, "\"arp_replies\":1,\"arp_offlink_replies\":1,"));
	free(o);
	o = run("show counters");
	CU_ASSERT(has(o, "\narp_offlink_replies 1\n"));
	free(o);
	struct cli_out po;
	cli_out_init(&po);
	cli_prom_render(L.gw, &po);
	CU_ASSERT(has(po.buf, "\nvxgw_arp_offlink_replies_sent_total 1\n"));
	cli_out_free(&po);
	/* an on-link asker is answered and learned, and is no off-link reply */
	lab_reset_capture(&L);
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, lab_upnh_mac, LAB_UPNH, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	expect_reply_to(lab_upnh_mac, LAB_UPNH);
	CU_ASSERT(learned(L.up0, LAB_UPNH));
	CU_ASSERT_EQUAL(counter_offlink(), 1);
	CU_ASSERT_EQUAL(counter_replies(), 2);
}

/* An RFC 5227 probe (sender 0.0.0.0) for our address: answered to its MAC, for 0.0.0.0. */
static void test_arp_probe(void)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, ASKER, 0, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	expect_reply_to(ASKER, 0);
	CU_ASSERT(!learned(L.up0, 0));
	CU_ASSERT_EQUAL(counter_offlink(), 1);
}

/* What off-link senders still get: nothing, counted as arp_source_offlink (senders that
 * are no host's at all are malformed already, for the parser). */
static void test_arp_offlink_dropped(void)
{
	uint8_t f[64];
	struct {
		uint16_t op;
		uint32_t spa, tpa;
		enum gw_drop why;
	} cases[] = {
	    /* a reply, even to us: never learned */
	    {ARP_OP_REPLY, IP_LO, LAB_UP, GW_DROP_ARP_OFFLINK},
	    {ARP_OP_REPLY, 0, LAB_UP, GW_DROP_ARP_OFFLINK},
	    /* a request for another address; gratuitous */
	    {ARP_OP_REQUEST, IP_LO, LAB_UPNH, GW_DROP_ARP_OFFLINK},
	    {ARP_OP_REQUEST, IP_LO, IP_LO, GW_DROP_ARP_OFFLINK},
	    /* senders no host can have */
	    {ARP_OP_REQUEST, 0x7f000001u, LAB_UP, GW_DROP_ARP_OFFLINK},
	    {ARP_OP_REQUEST, 0x00010203u, LAB_UP, GW_DROP_ARP_OFFLINK},
	    {ARP_OP_REQUEST, 0xf0000001u, LAB_UP, GW_DROP_ARP_OFFLINK},
	    {ARP_OP_REQUEST, 0xe0000005u, LAB_UP, GW_DROP_ARP_MALFORMED},
	    {ARP_OP_REQUEST, 0xffffffffu, LAB_UP, GW_DROP_ARP_MALFORMED},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t before = lab_drops(&L, cases[i].why);
		lab_reset_capture(&L);
		unsigned n =
		    lab_arp_frame(f, cases[i].op, NULL, ASKER, cases[i].spa,
		                  cases[i].op == ARP_OP_REPLY ? lab_up0_mac : NULL, cases[i].tpa);
		lab_from_uplink(&L, L.up0, f, n);
		CU_ASSERT_EQUAL(L.n_cap, 0);
		if (lab_drops(&L, cases[i].why) != before + 1)
			fprintf(stderr, "\n  case %u: expected a drop for %s\n", i,
			        gw_drop_name(cases[i].why));
		CU_ASSERT_EQUAL(lab_drops(&L, cases[i].why), before + 1);
		CU_ASSERT(!learned(L.up0, cases[i].spa));
	}
	CU_ASSERT_EQUAL(counter_offlink(), 0);
	CU_ASSERT_EQUAL(counter_replies(), 0);
	/* a sender claiming the gateway's address: on the interface a conflict, whatever it
	 * asks; another interface's, off-link and not answered */
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, ASKER, LAB_UP, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_SPOOF), 1);
	uint64_t off = lab_drops(&L, GW_DROP_ARP_OFFLINK);
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, ASKER, LAB_GW10, NULL, LAB_UP);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_OFFLINK), off + 1);
	CU_ASSERT_EQUAL(counter_offlink(), 0);
}

/* The same on a BDIF: a host asking from another subnet is answered across the tunnel. */
static void test_arp_offlink_bdif(void)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H1, IP_EXT, NULL, LAB_GW10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, 0);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	const uint8_t *in = L.cap[0].bytes + 36; /* after the outer IPv4, UDP and VXLAN */
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, BDIF10_MAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(in + 20), ARP_OP_REPLY);
	CU_ASSERT_EQUAL(lab_rd32(in + 28), LAB_GW10);
	CU_ASSERT_EQUAL(lab_rd32(in + 38), IP_EXT);
	CU_ASSERT(!learned(L.bdif10, IP_EXT));
	CU_ASSERT_EQUAL(counter_offlink(), 1);
}

static CU_TestInfo tests[] = {
    {"link: missing/down netdev takes its uplinks down, show says why", test_link_state},
    {"link: shutdown wins, unknown netdev refused", test_link_and_shutdown},
    {"link: sub-interfaces follow their netdev", test_link_subifs},
    {"ARP: request from an off-link sender answered, not learned, counted",
     test_arp_offlink_request},
    {"ARP: RFC 5227 probe (sender 0.0.0.0) answered", test_arp_probe},
    {"ARP: off-link replies, other targets, impossible senders dropped", test_arp_offlink_dropped},
    {"ARP: off-link request on a BDIF answered", test_arp_offlink_bdif},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"uplink", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
