/*
 * test_config.c - the configuration model applied as a diff: what a change does not name
 * keeps its state (learned MACs, ARP entries, routes), swaps and moves work, a failed
 * apply leaves the gateway as it was, and applying back undoes everything.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cu_main.h"
#include "pktlab.h"

static struct lab E; /* holds G, an empty gateway (lab_gw_empty) */
static struct gw *G;

static void ignore(void *arg, unsigned line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "\n  config line %u: %s", line, msg);
}

static void keep_msg(void *arg, unsigned line, const char *msg)
{
	(void)line;
	snprintf(arg, 256, "%s", msg);
}

static struct gw_cfg *load(const char *text)
{
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, ignore, NULL), 0);
	return c;
}

static const char *BASE = "vxlan source 192.0.2.1\n"
                          "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
                          "bridge-domain 20\n vni 6000\n flood-peer 192.0.2.12\n"
                          "interface bdif 10\n ip address 10.1.10.1/24\n"
                          "interface bdif 20\n ip address 10.1.20.1/24\n"
                          "ip route 10.9.0.0/16 10.1.20.10\n";

static const uint8_t MAC1[6] = {0x02, 0, 0, 0, 0x10, 0x50};

/* The io callbacks free into this gateway's pool: one gateway at a time. */
static struct gw *new_gw(void)
{
	G = lab_gw_empty(&E);
	CU_ASSERT_FATAL(G != NULL);
	return G;
}

static void test_untouched_state_survives(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	uint32_t bdx10 = bd_index(gw_bd(gw), 10);
	CU_ASSERT_EQUAL(bd_mac_learn(gw_bd(gw), bdx10, MAC1, 0xc000020bu, 1000), BD_MAC_NEW);
	uint16_t ifx10 = gw_if_by_name(gw, "bdif10");
	CU_ASSERT_EQUAL(arp_learn(gw_arp(gw), ifx10, 0x0a010a32u, MAC1, ARP_LEARN_CREATE, 1000),
	                ARP_LEARN_NEW);

	/* add a tenant: bridge domain 10's learned state is untouched */
	char text[2048];
	snprintf(text, sizeof(text),
	         "%sbridge-domain 30\n vni 7000\n flood-group 239.1.1.70\n"
	         "interface bdif 30\n ip address 10.1.30.1/24\n",
	         BASE);
	struct gw_cfg *b = load(text);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	uint32_t vtep = 0;
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC1, &vtep) && vtep == 0xc000020bu);
	CU_ASSERT_EQUAL(bd_index(gw_bd(gw), 10), bdx10);
	CU_ASSERT_EQUAL(gw_if_by_name(gw, "bdif10"), ifx10);
	struct arp_entry_info ai;
	CU_ASSERT(arp_get(gw_arp(gw), ifx10, 0x0a010a32u, 1000, &ai));
	CU_ASSERT(bd_index(gw_bd(gw), 30) != BD_NONE);
	CU_ASSERT(gw_if_by_name(gw, "bdif30") != 0);
	CU_ASSERT(fib_lookup(gw_fib(gw), 0x0a011e05u) != FIB_LOOKUP_MISS);

	/* and back: the tenant is gone, the others still hold their state */
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(bd_index(gw_bd(gw), 30), BD_NONE);
	CU_ASSERT_EQUAL(gw_if_by_name(gw, "bdif30"), 0);
	CU_ASSERT_EQUAL(fib_lookup(gw_fib(gw), 0x0a011e05u), FIB_LOOKUP_MISS);
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC1, &vtep));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_destroy(gw);
}

static void test_vni_swap_and_address_move(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	/* VNIs swapped between the two bridge domains, and the subnets swapped between the
	 * BDIFs: only works if the diff releases before it takes */
	struct gw_cfg *b = load("vxlan source 192.0.2.1\n"
	                        "bridge-domain 10\n vni 6000\n flood-peer 192.0.2.11\n"
	                        "bridge-domain 20\n vni 5000\n flood-peer 192.0.2.12\n"
	                        "interface bdif 10\n ip address 10.1.20.1/24\n"
	                        "interface bdif 20\n ip address 10.1.10.1/24\n"
	                        "ip route 10.9.0.0/16 10.1.20.10\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(bd_by_vni(gw_bd(gw), 6000), bd_index(gw_bd(gw), 10));
	CU_ASSERT_EQUAL(bd_by_vni(gw_bd(gw), 5000), bd_index(gw_bd(gw), 20));
	struct fib_route_info ri;
	CU_ASSERT_FATAL(fib_route_get(gw_fib(gw), 0x0a010a00u, 24, &ri));
	CU_ASSERT_EQUAL(ri.paths[0].ifx, gw_if_by_name(gw, "bdif20"));
	/* the static route through 10.1.20.10 now resolves over bdif10 */
	CU_ASSERT_FATAL(fib_route_get(gw_fib(gw), 0x0a090000u, 16, &ri));
	CU_ASSERT(ri.active);
	CU_ASSERT_EQUAL(ri.paths[0].ifx, gw_if_by_name(gw, "bdif10"));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_destroy(gw);
}

static void test_failed_apply_changes_nothing(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	/* a static ARP entry on an interface that does not exist: refused by the check */
	struct gw_cfg *b = gw_cfg_clone(a);
	uint8_t mac[6] = {2, 0, 0, 0, 0, 9};
	CU_ASSERT_EQUAL(gw_cfg_arp(b, 0x0a010a09u, mac, "bdif99", true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_add(b, 40, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bdif99"));
	CU_ASSERT_EQUAL(bd_index(gw_bd(gw), 40), BD_NONE);
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_destroy(gw);
}

/* Sub-interfaces swap their VLANs; a sub-interface shares its netdev's MAC. */
static void test_dot1q_swap(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_if_info i100, i200, i0;
	struct gw *gw = new_gw();
	struct gw_cfg *a = load("interface ethernet up0\n ip address 203.0.113.2/30\n"
	                        "interface ethernet up0.100\n encapsulation dot1q 100\n"
	                        " ip address 198.18.100.1/24\n"
	                        "interface ethernet up0.200\n encapsulation dot1q 200\n");
	struct gw_cfg *b = load("interface ethernet up0\n ip address 203.0.113.2/30\n"
	                        "interface ethernet up0.100\n encapsulation dot1q 200\n"
	                        " ip address 198.18.100.1/24\n"
	                        "interface ethernet up0.200\n encapsulation dot1q 100\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0.100"), &i100));
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0"), &i0));
	CU_ASSERT_EQUAL(i100.vlan, 100);
	CU_ASSERT(i100.up && i100.subif);
	CU_ASSERT_STRING_EQUAL(i100.netdev, "up0");
	CU_ASSERT_EQUAL(memcmp(i100.mac, i0.mac, 6), 0);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0.100"), &i100));
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0.200"), &i200));
	CU_ASSERT_EQUAL(i100.vlan, 200);
	CU_ASSERT_EQUAL(i200.vlan, 100);
	CU_ASSERT(i100.up && i200.up);
	/* and back, as a failed apply would */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0.100"), &i100));
	CU_ASSERT_EQUAL(i100.vlan, 100);
	/* no encapsulation: the sub-interface stays, down */
	CU_ASSERT_EQUAL(gw_cfg_if_set_dot1q(b, "up0.200", 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, "up0.200"), &i200));
	CU_ASSERT_EQUAL(i200.vlan, 0);
	CU_ASSERT(!i200.up);
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_destroy(gw);
}

/* dataplane workers: the model's range and default, and a change of it alone is a diff
 * that applies (the daemon reads the value; nothing in the tables moves). */
static void test_workers(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL(a->workers, GW_CFG_WORKERS_AUTO); /* no line: auto */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	uint32_t bdx10 = bd_index(gw_bd(gw), 10);
	CU_ASSERT_EQUAL(bd_mac_learn(gw_bd(gw), bdx10, MAC1, 0xc000020bu, 1000), BD_MAC_NEW);

	struct gw_cfg *b = gw_cfg_clone(a);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(gw_cfg_set_workers(b, 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(b->workers, 0);
	CU_ASSERT(!gw_cfg_equal(a, b)); /* 0 is not auto */
	CU_ASSERT_EQUAL(gw_cfg_set_workers(b, 32, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(b->workers, 32);
	/* refused, naming the number, and the model keeps its value */
	err[0] = '\0';
	CU_ASSERT_EQUAL(gw_cfg_set_workers(b, 33, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dataplane workers 33"));
	CU_ASSERT_EQUAL(b->workers, 32);
	err[0] = '\0';
	CU_ASSERT_EQUAL(gw_cfg_set_workers(b, -2, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dataplane workers -2"));
	CU_ASSERT_EQUAL(b->workers, 32);
	struct gw_cfg *c = gw_cfg_clone(b);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(gw_cfg_equal(b, c)); /* cloned with the rest */
	CU_ASSERT(!gw_cfg_equal(a, b));

	/* a workers-only change applies and leaves the learned state alone */
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	uint32_t vtep = 0;
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC1, &vtep) && vtep == 0xc000020bu);
	/* no dataplane workers: auto again, equal to never having said it */
	CU_ASSERT_EQUAL(gw_cfg_set_workers(b, GW_CFG_WORKERS_AUTO, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, c, b, NULL, err), GW_CFG_OK);
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_destroy(gw);
}

/* The same rules through the language: the parser's range names the word, `no` is auto. */
static void test_workers_lines(void)
{
	struct gw_cfg *c = load("dataplane workers 7\n");
	CU_ASSERT_EQUAL(c->workers, 7);
	gw_cfg_free(c);
	c = load("dataplane workers 7\nno dataplane workers\n");
	CU_ASSERT_EQUAL(c->workers, GW_CFG_WORKERS_AUTO);
	gw_cfg_free(c);
	const char *bad[] = {"33", "-1", "x"};
	for (unsigned i = 0; i < 3; i++) {
		char line[64], msg[256] = "";
		snprintf(line, sizeof(line), "dataplane workers 5\ndataplane workers %s\n", bad[i]);
		CU_ASSERT_EQUAL(cli_load_config(line, &c, keep_msg, msg), 1);
		if (!strstr(msg, bad[i]))
			fprintf(stderr, "\n  \"%s\" does not name %s", msg, bad[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i]));
		CU_ASSERT_EQUAL(c->workers, 5); /* the bad line changed nothing */
		gw_cfg_free(c);
	}
}

static CU_TestInfo tests[] = {
    {"untouched state survives a diff", test_untouched_state_survives},
    {"VNI swap and subnet move", test_vni_swap_and_address_move},
    {"a refused config changes nothing", test_failed_apply_changes_nothing},
    {"802.1Q VLAN swap between sub-interfaces", test_dot1q_swap},
    {"dataplane workers: range, default, a diff of its own", test_workers},
    {"dataplane workers lines: errors name the word, no = auto", test_workers_lines},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"apply as a diff", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
