/*
 * test_uplink.c - the Ethernet uplink in the in-memory gateway: the link state of its
 * netdev (interfaces down while it is missing or down, show interfaces saying why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cu_main.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
#define IP_H1  0x0a010a32u
#define IP_EXT 0xc6336401u /* 198.51.100.1, behind the uplink's next hop */

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

static CU_TestInfo tests[] = {
    {"link: missing/down netdev takes its uplinks down, show says why", test_link_state},
    {"link: shutdown wins, unknown netdev refused", test_link_and_shutdown},
    {"link: sub-interfaces follow their netdev", test_link_subifs},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"uplink", NULL, NULL, setup, teardown, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
