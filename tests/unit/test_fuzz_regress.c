/*
 * test_fuzz_regress.c - one test for each bug the fuzz targets (tests/fuzz/) found, written
 * out as a plain unit test; the inputs themselves are under tests/fuzz/regressions/ and are
 * replayed by fuzz_replay_pipeline and fuzz_replay_config.
 */
#include <string.h>

#include "cli/cli.h"
#include "cu_main.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
#define IP_H1 0x0a010a32u
#define IP_H2 0x0a01143cu

static struct lab L;

static void lab_up(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
}

static void lab_down(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/*
 * A fragment whose offset plus length reaches past 65535 bytes (ping of death) is dropped
 * as a bad length. It used to be forwarded, and when it had to be fragmented again (here:
 * bdif20 with MTU 576) the pieces' 13-bit offsets overflowed into the flag bits.
 * (regressions/pipeline/fragment_past_64k.bin)
 */
static void test_fragment_past_64k(void)
{
	uint8_t bdif10[6], f[2048];
	lab_up();
	gw_bdif_default_mac(10, bdif10);
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 576), GW_OK);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_reset_capture(&L);
	uint64_t before = lab_drops(&L, GW_DROP_IP_LEN);

	unsigned n = lab_eth(f, bdif10, H1, NET_ETHERTYPE_IP);
	struct net_ip *ip = (struct net_ip *)(f + n);
	lab_ip(f + n, IP_H1, IP_H2, 17, 64, 1200, false);
	ip->off = htons(8150); /* 8150 * 8 + 1200 = 66400 > 65535 */
	ip->sum = 0;
	ip->sum = net_csum(ip, NET_IP_HLEN);
	memset(f + n + NET_IP_HLEN, 'z', 1200);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n + NET_IP_HLEN + 1200);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_IP_LEN), before + 1);

	/* the last possible fragment (ending exactly at 65535) is still forwarded */
	lab_ip(f + n, IP_H1, IP_H2, 17, 64, 400, false);
	ip->off = htons(8141); /* 8141 * 8 + 400 = 65528 */
	ip->sum = 0;
	ip->sum = net_csum(ip, NET_IP_HLEN);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n + NET_IP_HLEN + 400);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	lab_down();
}

/*
 * An uplink frame from a multicast (or zero) source MAC is dropped as on the underlay. An
 * ARP request with one used to be answered to that multicast MAC.
 * (regressions/pipeline/uplink_multicast_source_mac.bin)
 */
static void test_uplink_multicast_source_mac(void)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t zero[6];
	uint8_t f[64];
	lab_up();
	uint64_t before = lab_drops(&L, GW_DROP_BAD_SRC_MAC);
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, bcast, lab_upnh_mac, LAB_UPNH, NULL, LAB_UP);
	memcpy(f + 6, group, 6); /* Ethernet source: a group address */
	lab_from_uplink(&L, L.up0, f, n);
	memcpy(f + 6, zero, 6);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_BAD_SRC_MAC), before + 2);
	/* the same request from a unicast MAC is answered */
	memcpy(f + 6, lab_upnh_mac, 6);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes, lab_upnh_mac, 6), 0);
	lab_down();
}

/*
 * Removing a flood peer or an address left the old value past the end of the array, and
 * gw_cfg_equal (which compares whole structs) then found equal configurations unequal: the
 * running-config of a session did not load back to an equal one.
 * (regressions/config/equal_stale_flood_peer.conf)
 */
static void test_equal_after_removals(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *a = gw_cfg_new(), *b = gw_cfg_new();
	CU_ASSERT_FATAL(a && b);
	for (int k = 0; k < 2; k++) {
		struct gw_cfg *c = k ? b : a;
		CU_ASSERT_EQUAL(gw_cfg_bd_add(c, 10, err), GW_CFG_OK);
		CU_ASSERT_EQUAL(gw_cfg_bd_peer(c, 10, 0xc000020bu, true, err), GW_CFG_OK);
		CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif10", 10, err), GW_CFG_OK);
		CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_BDIF, "bdif20", 20, err), GW_CFG_OK);
		CU_ASSERT_EQUAL(
		    gw_cfg_if_addr(c, "bdif10", 0x0a010a01u, 24, GW_CFG_ADDR_PRIMARY, err),
		    GW_CFG_OK);
	}
	/* a: the same, reached through additions and removals */
	CU_ASSERT_EQUAL(gw_cfg_bd_peer(a, 10, 0xc000020cu, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer(a, 10, 0xc000020cu, false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(a, "bdif10", 0x0a010b01u, 24, GW_CFG_ADDR_SECONDARY, err),
	                GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(a, "bdif10", 0x0a010b01u, 24, GW_CFG_ADDR_DEL, err),
	                GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(a, "bdif20", 0x0a011401u, 24, GW_CFG_ADDR_PRIMARY, err),
	                GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(a, "bdif20", 0, 0, GW_CFG_ADDR_DEL, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	gw_cfg_free(a);
	gw_cfg_free(b);
}

static void ignore(void *arg, unsigned line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "\n  config line %u: %s", line, msg);
}

static struct gw_cfg *load(const char *text)
{
	struct gw_cfg *c = NULL;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, ignore, NULL), 0);
	return c;
}

/*
 * A new primary address with the secondaries kept: the gateway appended it after them, so
 * after a reload the first address (the source of what the gateway sends off-subnet)
 * was a secondary, and a restart with the same file gave another state.
 * (regressions/config/primary_address_order.conf)
 */
static void test_new_primary_stays_first(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_params p;
	gw_params_default(&p);
	p.pool_bufs = 8;
	struct gw *gw = gw_create(&p, &(struct gw_io_ops){0}, NULL);
	CU_ASSERT_FATAL(gw != NULL);
	struct gw_cfg *a = load("interface bdif 10\n"
	                        " ip address 10.1.10.1/24\n"
	                        " ip address 10.1.11.1/24 secondary\n"
	                        " ip address 10.1.12.1/24 secondary\n");
	struct gw_cfg *b = load("interface bdif 10\n"
	                        " ip address 10.1.13.1/24\n"
	                        " ip address 10.1.11.1/24 secondary\n"
	                        " ip address 10.1.12.1/24 secondary\n");
	struct gw_cfg *c = load("interface bdif 10\n"
	                        " ip address 10.1.13.1/24\n"
	                        " ip address 10.1.12.1/24 secondary\n"
	                        " ip address 10.1.11.1/24 secondary\n");
	CU_ASSERT_FATAL(a && b && c);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "bdif10"), &info));
	CU_ASSERT_EQUAL(info.n_addrs, 3);
	CU_ASSERT_EQUAL(info.addr[0], 0x0a010d01u);
	CU_ASSERT_EQUAL(info.addr[1], 0x0a010b01u);
	CU_ASSERT_EQUAL(info.addr[2], 0x0a010c01u);
	/* the order of the secondaries follows the configuration too */
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, b, c, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "bdif10"), &info));
	CU_ASSERT_EQUAL(info.n_addrs, 3);
	CU_ASSERT_EQUAL(info.addr[0], 0x0a010d01u);
	CU_ASSERT_EQUAL(info.addr[1], 0x0a010c01u);
	CU_ASSERT_EQUAL(info.addr[2], 0x0a010b01u);
	/* the connected routes of the addresses kept are all there */
	struct fib_route_info ri;
	CU_ASSERT(fib_route_get(gw_fib(gw), 0x0a010b00u, 24, &ri) && ri.active);
	CU_ASSERT(fib_route_get(gw_fib(gw), 0x0a010c00u, 24, &ri) && ri.active);
	CU_ASSERT(fib_route_get(gw_fib(gw), 0x0a010d00u, 24, &ri) && ri.active);
	CU_ASSERT(!fib_route_get(gw_fib(gw), 0x0a010a00u, 24, &ri));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_destroy(gw);
}

/*
 * A new primary address equal to one of the secondaries (another length) was taken: the
 * interface held the address twice, and its rendering did not load back ("already
 * configured"). It is refused, and the configuration stays as it was.
 * (regressions/config/primary_equals_secondary.conf)
 */
static void test_primary_equal_to_secondary_refused(void)
{
	char err[GW_CFG_ERRLEN] = "";
	struct gw_cfg *c = load("interface bdif 10\n"
	                        " ip address 10.1.10.1/24\n"
	                        " ip address 10.1.11.1/24 secondary\n");
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif10", 0x0a010b01u, 23, GW_CFG_ADDR_PRIMARY, err),
	                GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already configured"));
	const struct gw_cfg_if *i = gw_cfg_if_find(c, "bdif10");
	CU_ASSERT_FATAL(i != NULL);
	CU_ASSERT_EQUAL(i->n_addrs, 2);
	CU_ASSERT_EQUAL(i->addr[0], 0x0a010a01u);
	CU_ASSERT_EQUAL(i->plen[0], 24);
	/* the primary's own address with another length is still a change of its length */
	CU_ASSERT_EQUAL(gw_cfg_if_addr(c, "bdif10", 0x0a010a01u, 25, GW_CFG_ADDR_PRIMARY, err),
	                GW_CFG_OK);
	CU_ASSERT_EQUAL(i->plen[0], 25);
	gw_cfg_free(c);
}

/*
 * Output filters whose regular expression glibc takes seconds and gigabytes to compile, or
 * exponential time to match (back-references), are refused with a message - the main loop
 * that runs the command also forwards the packets. Found while writing fuzz_config.
 * (regressions/config/filter_regex_cost.conf)
 */
static void test_costly_filter_refused(void)
{
	struct cli_env env = {0};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	static const char *const refused[] = {
	    "show version | include (a{1,1000}){1,1000}",
	    "show version | include (.*)(.*)(.*)(.*)(.*)\\5\\4\\3\\2\\1x",
	    "show version | include ((a{1,20}){1,20}){1,20}",
	    "show version | exclude a{1001}",
	    /* stacked repetitions double the tree each (found by fuzz_config: 2 GB) */
	    "show running-config | include (.*)(.*)nfig+++++++++++++++++++++++++++++",
	    "show version | include ((((((((((((x+)+)+)+)+)+)+)+)+)+)+)+)+",
	    "show version | include a{1000}b{1000}c{1000}",
	    "show version | include a{1000})b{1000})c{1000}",
	    /* {,N} is {0,N}; repetitions after an unbalanced ')' apply to it (found by
	     * fuzz_config_model: 2 and 24 GB; regressions/config/filter_regex_unbounded.conf) */
	    "show version | include (a{0,1000}){,10100}",
	    "show running-config | include (.*)(.*)nfig++)++++++++++++++++++++++++++",
	    "show version | include x)+++++++++++++++++++++++++++++",
	    /* repetitions of what can match the empty string: regcomp's closure over the
	     * empty matches (found by fuzz_config_model: > 10 s;
	     * regressions/config/filter_regex_empty_repeat.conf) */
	    "show running-config | include (.*)(.*)nfig++()++++++++++++++++++++$",
	    "show version | include ()++",
	    "show version | include ((a*)*){1000}",
	    "show version | include (a*)+",
	    "show version | include (a|)*",
	    "show version | include (|a){2}",
	    "show version | include x?*",
	    "show version | include (^)+",
	    "show version | include (x{0,5}y?)+",
	};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		cli_out_reset(&o);
		CU_ASSERT_EQUAL(cli_exec(s, refused[i], &o), CLI_R_ERROR);
		CU_ASSERT_PTR_NOT_NULL(o.buf ? strstr(o.buf, "too costly") : NULL);
	}
	static const char *const fine[] = {
	    "show version | include [0-9]{1,3}\\.[0-9]{1,3}",
	    "show version | include ^vxgw ([0-9]+\\.){2}[0-9]+",
	    "show version | include [{1,99999}]|x{1000}",
	    "show version | include [[:alpha:]]{1,999}",
	    "show version | exclude \\{",
	    "show version | include ^vxgw|x+y+z+w+v+u+t+s+r+q+p+o+n+m+l+",
	    "show version | include a{1000}b{1000}|vxgw",
	    "show version | include (ab)*vxgw",
	    "show version | include (x|y)+|vxgw",
	    "show version | include ^(x?y)+|(vxgw)?",
	    "show version | include (a*b)+|vxgw",
	};
	for (unsigned i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		cli_out_reset(&o);
		CU_ASSERT_EQUAL(cli_exec(s, fine[i], &o), CLI_R_OK);
		CU_ASSERT_PTR_NOT_NULL(o.buf ? strstr(o.buf, "vxgw") : NULL);
	}
	cli_out_free(&o);
	cli_sess_free(s);
}

static CU_TestInfo pipeline_tests[] = {
    {"fragment reaching past 64 KiB dropped", test_fragment_past_64k},
    {"uplink frame from a multicast MAC dropped", test_uplink_multicast_source_mac},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo config_tests[] = {
    {"equal after removals", test_equal_after_removals},
    {"a new primary address stays first", test_new_primary_stays_first},
    {"costly output filters refused", test_costly_filter_refused},
    {"a primary equal to a secondary refused", test_primary_equal_to_secondary_refused},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fuzz regressions: pipeline", NULL, NULL, NULL, NULL, pipeline_tests},
    {"fuzz regressions: config", NULL, NULL, NULL, NULL, config_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
