/*
 * test_config.c - the configuration model applied as a diff: what a change does not name
 * keeps its state (learned MACs, ARP entries, routes), swaps and moves work, a failed
 * apply leaves the gateway as it was, and applying back undoes everything.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/net.h"
#include "cu_main.h"
#include "pktlab.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

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

/* good, then the line "<command> <word>": one error, naming the word; the configuration. */
static struct gw_cfg *load_bad_line(const char *good, const char *command, const char *word)
{
	char text[256], msg[256] = "";
	struct gw_cfg *c;
	snprintf(text, sizeof(text), "%s%s %s\n", good, command, word);
	CU_ASSERT_EQUAL(cli_load_config(text, &c, keep_msg, msg), 1);
	if (!strstr(msg, word))
		fprintf(stderr, "\n  \"%s\" does not name %s", msg, word);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, word));
	return c;
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
		c = load_bad_line("dataplane workers 5\n", "dataplane workers", bad[i]);
		CU_ASSERT_EQUAL(c->workers, 5); /* the bad line changed nothing */
		gw_cfg_free(c);
	}
}

/* dataplane io: the default, the setter's check, equal and clone see it. */
static void test_io(void)
{
	char err[GW_CFG_ERRLEN] = "";
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL(a->io, GW_CFG_IO_SOCKET); /* no line: socket */
	struct gw_cfg *b = gw_cfg_clone(a);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(gw_cfg_set_io(b, GW_CFG_IO_XDP, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(a, b));
	struct gw_cfg *c = gw_cfg_clone(b);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->io, GW_CFG_IO_XDP); /* cloned with the rest */
	CU_ASSERT(gw_cfg_equal(b, c));
	CU_ASSERT_EQUAL(gw_cfg_set_io(c, GW_CFG_IO_AUTO, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(b, c));
	/* not one of the three: refused, naming the value, and the model keeps its own */
	CU_ASSERT_EQUAL(gw_cfg_set_io(c, (enum gw_cfg_io)7, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dataplane io 7"));
	CU_ASSERT_EQUAL(c->io, GW_CFG_IO_AUTO);
	/* no dataplane io: socket again, equal to never having said it */
	CU_ASSERT_EQUAL(gw_cfg_set_io(b, GW_CFG_IO_SOCKET, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
}

/* The same through the language: each word, `no` is socket, a bad word is named. */
static void test_io_lines(void)
{
	static const struct {
		const char *text;
		enum gw_cfg_io io;
	} ok[] = {
	    {"dataplane io auto\n", GW_CFG_IO_AUTO},
	    {"dataplane io xdp\n", GW_CFG_IO_XDP},
	    {"dataplane io x\n", GW_CFG_IO_XDP}, /* a unique prefix, as every keyword */
	    {"dataplane io xdp\ndataplane io socket\n", GW_CFG_IO_SOCKET},
	    {"dataplane io xdp\nno dataplane io\n", GW_CFG_IO_SOCKET},
	    {"dataplane io auto\nno dataplane io auto\n", GW_CFG_IO_SOCKET},
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct gw_cfg *c = load(ok[i].text);
		CU_ASSERT_EQUAL(c->io, ok[i].io);
		gw_cfg_free(c);
	}
	const char *bad[] = {"dpdk", "sockets", "1"};
	for (unsigned i = 0; i < 3; i++) {
		struct gw_cfg *c = load_bad_line("dataplane io auto\n", "dataplane io", bad[i]);
		CU_ASSERT_EQUAL(c->io, GW_CFG_IO_AUTO); /* the bad line changed nothing */
		gw_cfg_free(c);
	}
}

/* dataplane busy-poll: off by default, the setter's range, equal and clone see it. */
static void test_busy_poll(void)
{
	char err[GW_CFG_ERRLEN] = "";
	struct gw_cfg *a = load(BASE);
	CU_ASSERT_EQUAL(a->busy_poll_us, 0); /* no line: off */
	struct gw_cfg *b = gw_cfg_clone(a);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(gw_cfg_set_busy_poll(b, GW_CFG_BUSY_POLL_DEFAULT_US, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(b->busy_poll_us, GW_CFG_BUSY_POLL_DEFAULT_US);
	CU_ASSERT(!gw_cfg_equal(a, b));
	struct gw_cfg *c = gw_cfg_clone(b);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->busy_poll_us, GW_CFG_BUSY_POLL_DEFAULT_US); /* cloned with the rest */
	CU_ASSERT(gw_cfg_equal(b, c));
	CU_ASSERT_EQUAL(gw_cfg_set_busy_poll(c, GW_CFG_BUSY_POLL_MAX_US, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(b, c)); /* another number is another configuration */
	/* past the maximum: refused, naming the number, and the model keeps its own */
	err[0] = '\0';
	CU_ASSERT_EQUAL(gw_cfg_set_busy_poll(c, GW_CFG_BUSY_POLL_MAX_US + 1, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dataplane busy-poll 10001"));
	CU_ASSERT_EQUAL(c->busy_poll_us, GW_CFG_BUSY_POLL_MAX_US);
	err[0] = '\0';
	CU_ASSERT_EQUAL(gw_cfg_set_busy_poll(c, UINT32_MAX, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dataplane busy-poll 4294967295"));
	CU_ASSERT_EQUAL(c->busy_poll_us, GW_CFG_BUSY_POLL_MAX_US);
	/* independent of dataplane io: each differs on its own */
	CU_ASSERT_EQUAL(gw_cfg_set_io(b, GW_CFG_IO_XDP, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(b, c));
	CU_ASSERT_EQUAL(gw_cfg_set_io(b, GW_CFG_IO_SOCKET, err), GW_CFG_OK);
	/* no dataplane busy-poll: 0 again, equal to never having said it */
	CU_ASSERT_EQUAL(gw_cfg_set_busy_poll(b, 0, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
}

/* The same through the language: a number, none (the default), `no` is off; 0 and bad
 * words are refused naming the word, and change nothing. */
static void test_busy_poll_lines(void)
{
	static const struct {
		const char *text;
		uint32_t usecs;
	} ok[] = {
	    {"dataplane busy-poll 1\n", 1},
	    {"dataplane busy-poll 10000\n", GW_CFG_BUSY_POLL_MAX_US},
	    {"dataplane busy-poll\n", GW_CFG_BUSY_POLL_DEFAULT_US},
	    {"dataplane bu 20\n", 20}, /* a unique prefix, as every keyword */
	    {"dataplane busy-poll 20\ndataplane busy-poll 30\n", 30},
	    {"dataplane busy-poll 20\nno dataplane busy-poll\n", 0},
	    {"dataplane busy-poll\nno dataplane busy-poll 50\n", 0},
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct gw_cfg *c = load(ok[i].text);
		CU_ASSERT_EQUAL(c->busy_poll_us, ok[i].usecs);
		gw_cfg_free(c);
	}
	const char *bad[] = {"0", "10001", "fast", "-5", "4294967296"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gw_cfg *c =
		    load_bad_line("dataplane busy-poll 75\n", "dataplane busy-poll", bad[i]);
		CU_ASSERT_EQUAL(c->busy_poll_us, 75); /* the bad line changed nothing */
		gw_cfg_free(c);
	}
	/* 0 says how to turn it off */
	char msg[256] = "";
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config("dataplane busy-poll 0\n", &c, keep_msg, msg), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "out of range 1-10000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no dataplane busy-poll"));
	CU_ASSERT_EQUAL(c->busy_poll_us, 0);
	gw_cfg_free(c);
}

/* ---- IPv6 ---- */

static const char *BASE6 = "vrf red\n"
                           "bridge-domain 10\n vni 5000\n"
                           "bridge-domain 20\n vni 6000\n"
                           "interface bdif 10\n ipv6 address 2001:db8:10::1/64\n"
                           "interface bdif 20\n vrf red\n ipv6 address 2001:db8:20::1/64\n"
                           "interface ethernet up0\n ipv6 address 2001:db8:ffff::2/64\n";

/* BASE6 and then text, loaded. */
static struct gw_cfg *load6(const char *text)
{
	char all[2048];
	snprintf(all, sizeof(all), "%s%s", BASE6, text);
	return load(all);
}

/* text after base fails to load with a message naming word. */
static void refused_after(const char *base, const char *text, const char *word)
{
	char all[2048], msg[256] = "";
	struct gw_cfg *c;
	snprintf(all, sizeof(all), "%s%s\n", base, text);
	int errors = cli_load_config(all, &c, keep_msg, msg);
	if (!errors || !strstr(msg, word))
		fprintf(stderr, "\n  \"%s\": %d errors, \"%s\" does not name %s", text, errors, msg,
		        word);
	CU_ASSERT(errors > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, word));
	gw_cfg_free(c);
}

/* text after BASE6 fails to load with a message naming word. */
static void refused(const char *text, const char *word)
{
	refused_after(BASE6, text, word);
}

static void test_ipv6_lines_refused(void)
{
	static const char *const cases[][2] = {
	    {"interface bdif 10\n ipv6 address 2001:db8:30::/64", "2001:db8:30::/64"},
	    {"interface bdif 10\n ipv6 address fe80::5/64", "fe80::5/64"},
	    {"interface bdif 10\n ipv6 address ff02::1/64", "ff02::1/64"},
	    {"interface bdif 10\n ipv6 address ::/0", "::/0"},
	    {"interface bdif 10\n ipv6 address 2001:db8:10::2/64", "2001:db8:10::2/64"},
	    {"interface bdif 10\n ipv6 address 2001:db8:ffff::7/120", "2001:db8:ffff::7/120"},
	    {"interface bdif 10\n ipv6 address 2001:db8:10::1/129", "2001:db8:10::1/129"},
	    {"interface bdif 10\n ipv6 address 2001:db8:99::1 link-local", "2001:db8:99::1"},
	    {"interface bdif 10\n no ipv6 address fe80::7 link-local", "fe80::7"},
	    {"interface bdif 10\n no ipv6 address 2001:db8:55::1/64", "2001:db8:55::1/64"},
	    {"interface bdif 10\n ipv6 nd ra-interval 3", "3"},
	    {"interface bdif 10\n ipv6 nd ra-interval 1801", "1801"},
	    {"interface bdif 10\n ipv6 nd ra-lifetime 9001", "9001"},
	    {"interface bdif 10\n ipv6 nd prefix 2001:db8:10::1/64", "2001:db8:10::1/64"},
	    {"interface bdif 10\n ipv6 nd prefix fe80::/64", "fe80::/64"},
	    {"interface bdif 10\n ipv6 nd prefix 2001:db8:10::/64 on-link", "on-link"},
	    {"interface bdif 10\n no ipv6 nd prefix 2001:db8:55::/64", "2001:db8:55::/64"},
	    {"interface bdif 10\n ipv6 nd ra-lifetime 10", "ra-lifetime 10"},
	    {"interface bdif 10\n mtu 1000", "mtu 1000"},
	    {"interface bdif 20\n ipv6 address 2001:db8:10::5/64\n vrf default",
	     "2001:db8:10::5/64"},
	    {"ipv6 route 2001:db8:99::1/48 2001:db8:10::9", "2001:db8:99::1/48"},
	    {"ipv6 route 2001:db8:99::/48 fe80::9", "fe80::9"},
	    {"ipv6 route 2001:db8:99::/48 ff02::9", "ff02::9"},
	    {"ipv6 route 2001:db8:99::/48 ::1", "::1"},
	    {"ipv6 route 2001:db8:99::/48 null0 bdif10", "bdif10"},
	    {"ipv6 route vrf blue ::/0 null0", "blue"},
	    {"ipv6 route ::/0 null0\nipv6 route ::/0 2001:db8:10::9", "null0"},
	    {"no ipv6 route ::/0 2001:db8:10::9", "2001:db8:10::9"},
	    {"ipv6 route 2001:db8:99::/48 fe80::9 bdif77", "bdif77"},
	    {"ipv6 route vrf red ::/0 2001:db8:ffff::1 up0", "up0"},
	    {"ipv6 neighbor ff02::1 02:00:00:00:00:01 bdif10", "ff02::1"},
	    {"ipv6 neighbor :: 02:00:00:00:00:01 bdif10", "::"},
	    {"ipv6 neighbor 2001:db8:10::5 01:00:00:00:00:01 bdif10", "01:00:00:00:00:01"},
	    {"ipv6 neighbor 2001:db8:10::5 02:00:00:00:00:01 bdif77", "bdif77"},
	    {"no ipv6 neighbor 2001:db8:10::5", "2001:db8:10::5"},
	    {"ipv6 route 2001:db8:99::/48 fe80::9 bdif10\nno interface bdif 10", "ipv6 route"},
	    {"ipv6 neighbor fe80::9 02:00:00:00:00:01 up0\nno interface ethernet up0",
	     "ipv6 neighbor fe80::9"},
	    {"vrf blue\nipv6 route vrf blue ::/0 null0\nno vrf blue", "ipv6 route vrf blue"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused(cases[i][0], cases[i][1]);
}

/* A refused setter leaves the model as it was. */
static void test_ipv6_setters_change_nothing(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *a = load(BASE6), *b = gw_cfg_clone(a);
	struct in6_addr x, ll;
	uint8_t len;
	CU_ASSERT_FATAL(net_ip6_prefix_parse("2001:db8:10::9/64", &x, &len));
	CU_ASSERT_EQUAL(gw_cfg_if_addr6(b, "bdif10", &x, len, true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_if_addr6(b, "bdif99", &x, len, true, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bdif99"));
	CU_ASSERT_FATAL(net_ip6_parse("2001:db8::1", &ll));
	CU_ASSERT_EQUAL(gw_cfg_if_set_ll6(b, "bdif10", &ll, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_if_set_ra_interval(b, "bdif10", 2000, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_if_set_ra_lifetime(b, "bdif10", true, 9001, err), GW_CFG_ERR);
	struct gw_nd_prefix p = {.pfx = x, .len = len};
	CU_ASSERT_EQUAL(gw_cfg_if_nd_prefix(b, "bdif10", &p, true, err), GW_CFG_ERR);
	CU_ASSERT(gw_cfg_equal(a, b));
	/* up to GW_ND_PREFIX_MAX prefixes, then refused */
	for (unsigned k = 0; k <= GW_ND_PREFIX_MAX; k++) {
		memset(&p, 0, sizeof(p));
		p.pfx.s6_addr[0] = 0x20;
		p.pfx.s6_addr[1] = (uint8_t)k;
		p.len = 64;
		int want = k < GW_ND_PREFIX_MAX ? GW_CFG_OK : GW_CFG_ERR;
		CU_ASSERT_EQUAL(gw_cfg_if_nd_prefix(b, "bdif10", &p, true, err), want);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most"));
	/* the BDIF's `no ipv6 nd suppress-ra` is its default, the uplink's is not */
	CU_ASSERT_EQUAL(gw_cfg_if_set_suppress_ra(b, "bdif10", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_find(b, "bdif10")->nd.ra, GW_ND_RA_DEFAULT);
	CU_ASSERT_EQUAL(gw_cfg_if_set_suppress_ra(b, "up0", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_find(b, "up0")->nd.ra, GW_ND_RA_SEND);
	/* `no ipv6 address`: every address and the link-local override */
	struct gw_cfg *c =
	    load("interface bdif 10\n ipv6 address 2001:db8:10::1/64\n"
	         " ipv6 address 2001:db8:11::1/64\n ipv6 address fe80::1 link-local\n"
	         " no ipv6 address\n"
	         "interface bdif 10\n");
	struct gw_cfg *d = load("interface bdif 10\n");
	CU_ASSERT(gw_cfg_equal(c, d));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_cfg_free(d);
}

static void addr6(const char *s, struct in6_addr *a)
{
	CU_ASSERT_FATAL(net_ip6_parse(s, a));
}

/* Addresses, link-local and RA settings reach the interface; a diff removes what left. */
static void test_ipv6_apply_interfaces(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_if_info info;
	struct in6_addr ll, a1;
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE6);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	uint16_t ifx10 = gw_if_by_name(gw, "bdif10");
	CU_ASSERT_FATAL(gw_if_get(gw, ifx10, &info));
	CU_ASSERT_EQUAL(info.n_addrs6, 1);
	CU_ASSERT(!info.ll6_set && net_ip6_is_linklocal(&info.ll6));
	struct gw_cfg *b = load6(
	    "interface bdif 10\n no ipv6 address 2001:db8:10::1/64\n"
	    " ipv6 address 2001:db8:11::1/64\n ipv6 address 2001:db8:12::1/64\n"
	    " ipv6 address fe80::1 link-local\n ipv6 nd suppress-ra\n ipv6 nd ra-interval 30\n"
	    " ipv6 nd managed-config-flag\n ipv6 nd prefix 2001:db8:11::/64 no-autoconfig\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_if_by_name(gw, "bdif10"), ifx10); /* changed in place */
	CU_ASSERT_FATAL(gw_if_get(gw, ifx10, &info));
	CU_ASSERT_EQUAL(info.n_addrs6, 2);
	addr6("fe80::1", &ll);
	addr6("2001:db8:11::1", &a1);
	CU_ASSERT(info.ll6_set && net_ip6_eq(&info.ll6, &ll));
	CU_ASSERT(net_ip6_eq(&info.addr6[0], &a1) || net_ip6_eq(&info.addr6[1], &a1));
	CU_ASSERT(gw_cfg_nd_equal(&info.nd, &gw_cfg_if_find(b, "bdif10")->nd));
	CU_ASSERT_EQUAL(info.nd.ra, GW_ND_RA_SUPPRESS);
	CU_ASSERT_EQUAL(info.nd.n_prefixes, 1);
	/* and back */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, ifx10, &info));
	CU_ASSERT_EQUAL(info.n_addrs6, 1);
	CU_ASSERT(!info.ll6_set);
	CU_ASSERT(gw_cfg_nd_equal(&info.nd, &gw_cfg_if_find(a, "bdif10")->nd));
	/* a move to another VRF takes the IPv6 addresses along */
	struct gw_cfg *c = load6("interface bdif 10\n vrf red\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, c, NULL, err), GW_CFG_OK);
	CU_ASSERT_FATAL(gw_if_get(gw, ifx10, &info));
	CU_ASSERT_EQUAL(info.n_addrs6, 1);
	CU_ASSERT_STRING_EQUAL(gw_vrf_name(gw, info.vrfx), "red");
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_destroy(gw);
}

/* Static routes (ECMP, a link-local next hop on its interface, null0, in a VRF) and
 * neighbours go in through a diff and leave through the next. */
static void test_ipv6_apply_statics(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(BASE6);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	struct gw_cfg *b = load6("ipv6 route 2001:db8:99::/48 2001:db8:10::9\n"
	                         "ipv6 route 2001:db8:99::/48 fe80::9 bdif10\n"
	                         "ipv6 route 2001:db8:dead::/48 null0\n"
	                         "ipv6 route vrf red ::/0 2001:db8:20::fe\n"
	                         "ipv6 neighbor 2001:db8:10::50 02:11:22:33:44:55 bdif10\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	uint16_t ifx10 = gw_if_by_name(gw, "bdif10"), red;
	CU_ASSERT_FATAL(gw_vrf_find(gw, "red", &red));
	struct fib6_route_info ri;
	struct in6_addr p99, pdead, any, n50;
	addr6("2001:db8:99::", &p99);
	addr6("2001:db8:dead::", &pdead);
	addr6("::", &any);
	addr6("2001:db8:10::50", &n50);
	CU_ASSERT(fib6_route_get(gw_vrf_fib6(gw, GW_VRF_DEFAULT), &p99, 48, &ri) && ri.n_nh == 2);
	bool on_if = false;
	for (unsigned k = 0; k < ri.n_nh; k++)
		on_if |= ri.nh[k].ifx == ifx10 && net_ip6_is_linklocal(&ri.nh[k].ip);
	CU_ASSERT(on_if);
	CU_ASSERT(fib6_route_get(gw_vrf_fib6(gw, GW_VRF_DEFAULT), &pdead, 48, &ri));
	CU_ASSERT(fib6_route_get(gw_vrf_fib6(gw, red), &any, 0, &ri));
	CU_ASSERT(!fib6_route_get(gw_vrf_fib6(gw, GW_VRF_DEFAULT), &any, 0, &ri));
	struct arp6_entry_info ne;
	CU_ASSERT(arp6_get(gw_nd(gw), ifx10, &n50, 0, &ne) && ne.state == ARP_STATIC);
	/* one next hop of the ECMP pair and the neighbour leave */
	struct gw_cfg *c = load6("ipv6 route 2001:db8:99::/48 2001:db8:10::9\n"
	                         "ipv6 route 2001:db8:dead::/48 null0\n"
	                         "ipv6 route vrf red ::/0 2001:db8:20::fe\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, c, NULL, err), GW_CFG_OK);
	CU_ASSERT(fib6_route_get(gw_vrf_fib6(gw, GW_VRF_DEFAULT), &p99, 48, &ri) && ri.n_nh == 1);
	CU_ASSERT(!arp6_get(gw_nd(gw), ifx10, &n50, 0, &ne));
	/* and everything static goes */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, c, a, NULL, err), GW_CFG_OK);
	CU_ASSERT(!fib6_route_get(gw_vrf_fib6(gw, GW_VRF_DEFAULT), &p99, 48, &ri));
	CU_ASSERT(!fib6_route_get(gw_vrf_fib6(gw, red), &any, 0, &ri));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_destroy(gw);
}

/* ---------------------------------------------------------------- L2 gateway ports */

static const char *BASE_L2 = "vxlan source 192.0.2.1\nvrf red\n"
                             "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
                             "bridge-domain 20\n vni 6000\n"
                             "interface bdif 10\n ip address 10.1.10.1/24\n"
                             "interface ethernet up0.100\n encapsulation dot1q 100\n"
                             " bridge-domain 10\n"
                             "interface ethernet up1\n bridge-domain 20\n"
                             "interface ethernet up2\n ip address 10.2.0.1/24\n";

#define MAC_ON_PORT "mac-address-table static 02:00:00:00:00:aa bridge-domain 10 interface "

static void test_l2_lines_refused(void)
{
	static const char *const cases[][2] = {
	    {"interface ethernet up0.100\n ip address 10.5.0.1/24",
	     "up0.100 is a port of bridge-domain 10: an L2 port has no IP address (the BDIF of "
	     "bridge-domain 10 has them)"},
	    {"interface ethernet up1\n ipv6 address 2001:db8:5::1/64",
	     "up1 is a port of bridge-domain 20: an L2 port has no IPv6 address"},
	    {"interface ethernet up1\n ipv6 address fe80::1 link-local", "no IPv6 address"},
	    {"interface ethernet up1\n vrf red", "an L2 port has no vrf"},
	    {"interface ethernet up1\n ipv6 nd suppress-ra", "no ipv6 nd settings"},
	    {"interface ethernet up1\n ipv6 nd prefix 2001:db8:5::/64", "no ipv6 nd settings"},
	    {"interface ethernet up2\n bridge-domain 10",
	     "bridge-domain 10: up2 still has ip address configured"},
	    {"interface ethernet up3\n vrf red\n bridge-domain 10", "up3 still has vrf"},
	    {"interface ethernet up3\n bridge-domain 30", "bridge-domain 30 does not exist"},
	    {"interface bdif 10\n bridge-domain 10", "bdif10 is a BDIF"},
	    {"no bridge-domain 20", "bridge-domain 20 still has port up1"},
	    {"interface ethernet up1\n no bridge-domain 10",
	     "up1 is not a port of bridge-domain 10"},
	    {MAC_ON_PORT "up1", "interface up1 is not a port of bridge-domain 10"},
	    {MAC_ON_PORT "up9", "interface up9 does not exist"},
	    {MAC_ON_PORT "up0.100\ninterface ethernet up0.100\n no bridge-domain",
	     "mac-address-table static 02:00:00:00:00:aa bridge-domain 10 interface up0.100"},
	    {MAC_ON_PORT "up0.100\nno interface ethernet up0.100", "up0.100 is still used by"},
	    {"arp 10.1.10.9 02:00:00:00:00:09 up1",
	     "arp 10.1.10.9 up1: up1 is a port of bridge-domain 20: an L2 port has no neighbours"},
	    {"ipv6 neighbor fe80::9 02:00:00:00:00:09 up1",
	     "ipv6 neighbor fe80::9 up1: up1 is a port"},
	    {"ipv6 route 2001:db8:9::/48 fe80::9 up0.100",
	     "ipv6 route 2001:db8:9::/48 fe80::9 up0.100: up0.100 is a port"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused_after(BASE_L2, cases[i][0], cases[i][1]);
}

/* What the setters cannot see, the whole-configuration check does, naming the word. */
static void test_l2_check(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c = load(BASE_L2);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	gw_cfg_if_find(c, "up2")->l2_bd = 20;
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "up2 is a port of bridge-domain 20"));
	gw_cfg_if_find(c, "up2")->l2_bd = 99;
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bridge-domain 99 does not exist"));
	gw_cfg_if_find(c, "up2")->l2_bd = 0;
	/* a bad setter changes nothing */
	struct gw_cfg *d = gw_cfg_clone(c);
	CU_ASSERT_EQUAL(gw_cfg_if_set_l2_bd(d, "up2", 10, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_if_set_l2_bd(d, "bdif10", 10, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_if_addr(d, "up1", 0x0a050001u, 24, GW_CFG_ADDR_PRIMARY, err),
	                GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_mac_if(d, MAC1, 10, "up1", true, err), GW_CFG_ERR);
	CU_ASSERT(gw_cfg_equal(c, d));
	gw_cfg_free(c);
	gw_cfg_free(d);
}

static uint16_t ifx_of(struct gw *gw, const char *name)
{
	uint16_t ifx = gw_if_by_name(gw, name);
	CU_ASSERT(ifx != 0);
	return ifx;
}

/* The gateway's bridge domain of interface name (0: an L3 interface). */
static uint32_t l2_bd_of(struct gw *gw, const char *name)
{
	struct gw_if_info i;
	CU_ASSERT_FATAL(gw_if_get(gw, ifx_of(gw, name), &i));
	return i.l2_bd;
}

/* The one port of bridge domain id, 0 when it has none (or several). */
static uint16_t only_port(struct gw *gw, uint32_t id)
{
	struct bd_info bi;
	CU_ASSERT_FATAL(bd_get(gw_bd(gw), id, &bi));
	return bi.n_ports == 1 ? bi.ports[0] : 0;
}

static uint32_t mac_dest(struct gw *gw, uint32_t id, const char *mac)
{
	uint8_t m[6];
	uint32_t dest = 0;
	CU_ASSERT_FATAL(net_mac_parse(mac, m));
	bd_mac_lookup(gw_bd(gw), bd_index(gw_bd(gw), id), m, &dest);
	return dest;
}

/* Ports join after their bridge domain exists and their addresses left, swap bridge
 * domains on a reload, leave before their bridge domain goes; static MACs follow them. */
static void test_l2_apply(void)
{
	char err[GW_CFG_ERRLEN], text[2048];
	struct gw *gw = new_gw();
	snprintf(text, sizeof(text), "%s" MAC_ON_PORT "up0.100\n", BASE_L2);
	struct gw_cfg *a = load(text);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up0.100"), 10);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up1"), 20);
	CU_ASSERT_EQUAL(only_port(gw, 10), ifx_of(gw, "up0.100"));
	CU_ASSERT_EQUAL(only_port(gw, 20), ifx_of(gw, "up1"));
	CU_ASSERT_EQUAL(mac_dest(gw, 10, "02:00:00:00:00:aa"), ifx_of(gw, "up0.100"));
	/* swap, and up2 gives its address up to become a port; the static MAC moves along */
	struct gw_cfg *b = load("vxlan source 192.0.2.1\nvrf red\n"
	                        "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
	                        "bridge-domain 20\n vni 6000\n"
	                        "interface bdif 10\n ip address 10.1.10.1/24\n"
	                        "interface ethernet up0.100\n encapsulation dot1q 100\n"
	                        " bridge-domain 20\n"
	                        "interface ethernet up1\n bridge-domain 10\n"
	                        "interface ethernet up2\n bridge-domain 10\n" MAC_ON_PORT "up1\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up0.100"), 20);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up1"), 10);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up2"), 10);
	CU_ASSERT_EQUAL(only_port(gw, 20), ifx_of(gw, "up0.100"));
	CU_ASSERT_EQUAL(mac_dest(gw, 10, "02:00:00:00:00:aa"), ifx_of(gw, "up1"));
	struct gw_if_info i;
	CU_ASSERT(gw_if_get(gw, ifx_of(gw, "up2"), &i) && i.n_addrs == 0);
	/* and back, as a failed apply would: up2 routes again */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up2"), 0);
	CU_ASSERT(gw_if_get(gw, ifx_of(gw, "up2"), &i) && i.n_addrs == 1);
	CU_ASSERT_EQUAL(mac_dest(gw, 10, "02:00:00:00:00:aa"), ifx_of(gw, "up0.100"));
	/* bridge domain 20 goes with its port in one diff */
	struct gw_cfg *c = gw_cfg_clone(a);
	CU_ASSERT_EQUAL(gw_cfg_if_set_l2_bd(c, "up1", 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_del(c, 20, err), GW_CFG_OK);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, c, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(bd_index(gw_bd(gw), 20), BD_NONE);
	CU_ASSERT_EQUAL(l2_bd_of(gw, "up1"), 0);
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_destroy(gw);
}

/* ---------------------------------------------------------------- access lists */

static const char *BASE_ACL = "bridge-domain 10\n vni 5000\n"
                              "bridge-domain 20\n vni 6000\n"
                              "interface bdif 10\n ip address 10.1.10.1/24\n"
                              "interface bdif 20\n ip address 10.1.20.1/24\n"
                              "interface ethernet up0\n ip address 203.0.113.2/30\n";

/* The entry of words (a list of family fam), parsed. */
static struct acl_rule rule_of(int fam, const char *words)
{
	char err[ACL_ERRLEN];
	struct acl_rule r;
	CU_ASSERT_EQUAL_FATAL(lab_acl_rule(fam, words, &r, err), 0);
	return r;
}

static uint32_t seq_at(const struct gw_cfg *c, const char *name, unsigned k)
{
	const struct gw_cfg_acl *l = gw_cfg_acl_find(c, ACL_IP4, name);
	return l && k < l->n ? l->rules[k].seq : 0;
}

static void test_acl_entries(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c = gw_cfg_new();
	struct acl_rule web = rule_of(ACL_IP4, "permit tcp any any eq 80");
	struct acl_rule ssh = rule_of(ACL_IP4, "deny tcp any any eq 22");
	struct acl_rule n15 = rule_of(ACL_IP4, "15 permit icmp any any echo");
	CU_ASSERT_EQUAL(gw_cfg_acl_add(c, ACL_IP4, "WEB", &web, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ip access-list WEB does not exist"));
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "WEB", true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "WEB", true, err), GW_CFG_OK); /* enters it */
	CU_ASSERT_EQUAL(gw_cfg_acl_add(c, ACL_IP4, "WEB", &web, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl_add(c, ACL_IP4, "WEB", &ssh, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl_add(c, ACL_IP4, "WEB", &n15, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 0), 10);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 1), 15);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 2), 20);
	CU_ASSERT_EQUAL(gw_cfg_acl_add(c, ACL_IP4, "WEB", &n15, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "sequence number 15 exists"));
	/* the families' names are apart */
	CU_ASSERT_PTR_NULL(gw_cfg_acl_find(c, ACL_IP6, "WEB"));
	/* resequence: defaults, then a start and a step; past the last number refused */
	CU_ASSERT_EQUAL(gw_cfg_acl_resequence(c, ACL_IP4, "WEB", 10, 10, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 1), 20);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 2), 30);
	CU_ASSERT_EQUAL(gw_cfg_acl_resequence(c, ACL_IP4, "WEB", 100, 5, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 2), 110);
	CU_ASSERT_EQUAL(gw_cfg_acl_resequence(c, ACL_IP4, "WEB", ACL_SEQ_MAX - 1, 1, err),
	                GW_CFG_ERR);
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 0), 100); /* unchanged */
	/* a clone owns its entries: equal until one of them changes */
	struct gw_cfg *d = gw_cfg_clone(c);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT(gw_cfg_equal(c, d));
	CU_ASSERT_EQUAL(gw_cfg_acl_del(d, ACL_IP4, "WEB", 105, NULL, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(c, d));
	CU_ASSERT_EQUAL(seq_at(c, "WEB", 1), 105);
	CU_ASSERT_EQUAL(gw_cfg_acl_del(d, ACL_IP4, "WEB", 105, NULL, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no entry 105"));
	/* by content, sequence numbers aside */
	CU_ASSERT_EQUAL(gw_cfg_acl_del(c, ACL_IP4, "WEB", 0, &n15, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(c, d));
	CU_ASSERT_EQUAL(gw_cfg_acl_del(c, ACL_IP4, "WEB", 0, &n15, err), GW_CFG_ERR);
	/* a resequenced list differs (its numbers are part of it) */
	CU_ASSERT_EQUAL(gw_cfg_acl_resequence(d, ACL_IP4, "WEB", 10, 10, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(c, d));
	/* names: checked, `json` reserved for the show commands */
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "json", true, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "1abc", true, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1abc"));
	gw_cfg_free(c);
	gw_cfg_free(d);
}

static void test_acl_users(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c = load("ip access-list WEB\n permit ip any any\nipv6 access-list WEB\n"
	                        "bridge-domain 20\n vni 6000\ninterface bdif 20\n");
	CU_ASSERT_EQUAL(gw_cfg_if_set_acl(c, "bdif20", ACL_IP4, ACL_IN, "NOPE", err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ip access-list NOPE does not exist"));
	CU_ASSERT_EQUAL(gw_cfg_if_set_acl(c, "bdif20", ACL_IP4, ACL_IN, "WEB", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "WEB", false, err), GW_CFG_ERR);
	CU_ASSERT_STRING_EQUAL(err, "access list WEB is applied to bdif20 (in)");
	/* the IPv6 list of that name is not in use */
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP6, "WEB", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_set_acl(c, "bdif20", ACL_IP4, ACL_IN, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_set_vty_acl(c, "WEB", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "WEB", false, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line vty"));
	CU_ASSERT_EQUAL(gw_cfg_set_vty_acl(c, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(c, ACL_IP4, "WEB", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	gw_cfg_free(c);
}

static void test_acl_lines_refused(void)
{
	static const char *const cases[][2] = {
	    {"ip access-list WEB\n 10 permit tcp anyy any", "anyy"},
	    {"ip access-list WEB\n permit tcp any any eq 99999", "99999"},
	    {"ip access-list WEB\n permit icmpv6 any any", "icmpv6"},
	    {"ipv6 access-list WEB6\n permit tcp 10.0.0.0/8 any", "10.0.0.0/8"},
	    {"ip access-list WEB\n 10 permit ip any any\n 10 deny ip any any",
	     "sequence number 10 exists"},
	    {"ip access-list WEB\n no 30", "no entry 30"},
	    {"ip access-list WEB\n 10 permit ip any any\n no 10 deny ip any any", "another one"},
	    {"ip access-list WEB\n no permit udp any any", "no such entry"},
	    {"ip access-list WEB\n resequence 0", "0"},
	    {"ip access-list json", "json"},
	    {"interface bdif 10\n ip access-group WEB in", "ip access-list WEB does not exist"},
	    {"ip access-list WEB\ninterface bdif 10\n ipv6 traffic-filter WEB in",
	     "ipv6 access-list WEB does not exist"},
	    {"ip access-list WEB\ninterface bdif 10\n no ip access-group WEB out",
	     "access list WEB is not applied out on bdif10"},
	    {"ip access-list WEB\ninterface bdif 20\n ip access-group WEB out\nno ip access-list "
	     "WEB",
	     "access list WEB is applied to bdif20 (out)"},
	    {"line vty\n access-class NOPE in", "ip access-list NOPE does not exist"},
	    {"ipv6 access-list V6\nline vty\n access-class V6 in",
	     "ip access-list V6 does not exist"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused_after(BASE_ACL, cases[i][0], cases[i][1]);
}

static const char *ACL_A = "ip access-list WEB\n 10 permit tcp any any eq 80\n"
                           "ip access-list KEEP\n 10 permit ip any any\n"
                           "ipv6 access-list WEB6\n 10 permit icmpv6 any any\n"
                           "interface bdif 10\n ip access-group WEB in\n ip access-group KEEP out\n"
                           " ipv6 traffic-filter WEB6 in\n"
                           "interface ethernet up0\n ip access-group WEB out\n";

static void test_acl_apply(void)
{
	char err[GW_CFG_ERRLEN], text[2048];
	struct gw *gw = new_gw();
	snprintf(text, sizeof(text), "%s%s", BASE_ACL, ACL_A);
	struct gw_cfg *a = load(text);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	uint16_t b10 = gw_if_by_name(gw, "bdif10"), up0 = gw_if_by_name(gw, "up0");
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, b10, ACL_IP4, ACL_IN), "WEB");
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, b10, ACL_IP4, ACL_OUT), "KEEP");
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, b10, ACL_IP6, ACL_IN), "WEB6");
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, up0, ACL_IP4, ACL_OUT), "WEB");
	CU_ASSERT_PTR_NULL(gw_if_acl(gw, up0, ACL_IP4, ACL_IN));
	const struct acl_cls *keep = gw_acl_cls(gw, ACL_IP4, "KEEP");
	CU_ASSERT_PTR_NOT_NULL_FATAL(keep);
	CU_ASSERT_EQUAL(acl_cls_size(gw_acl_cls(gw, ACL_IP4, "WEB")), 1);

	/* WEB changes (one more entry), KEEP is left alone (its classifier is the same) */
	struct gw_cfg *b = gw_cfg_clone(a);
	struct acl_rule ssh = rule_of(ACL_IP4, "deny tcp any any eq 22");
	CU_ASSERT_EQUAL(gw_cfg_acl_add(b, ACL_IP4, "WEB", &ssh, err), GW_CFG_OK);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(acl_cls_size(gw_acl_cls(gw, ACL_IP4, "WEB")), 2);
	CU_ASSERT_PTR_EQUAL(gw_acl_cls(gw, ACL_IP4, "KEEP"), keep);

	/* a reload renames WEB to WEB2 where it is applied, and drops WEB6 with its use */
	snprintf(text, sizeof(text),
	         "%sip access-list WEB2\n 10 permit tcp any any eq 80\n"
	         "ip access-list KEEP\n 10 permit ip any any\n"
	         "interface bdif 10\n ip access-group WEB2 in\n ip access-group KEEP out\n"
	         "interface ethernet up0\n ip access-group WEB2 out\n",
	         BASE_ACL);
	struct gw_cfg *c = load(text);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, c, NULL, err), GW_CFG_OK);
	CU_ASSERT_PTR_NULL(gw_acl_cls(gw, ACL_IP4, "WEB"));
	CU_ASSERT_PTR_NULL(gw_acl_cls(gw, ACL_IP6, "WEB6"));
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, b10, ACL_IP4, ACL_IN), "WEB2");
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, up0, ACL_IP4, ACL_OUT), "WEB2");
	CU_ASSERT_PTR_NULL(gw_if_acl(gw, b10, ACL_IP6, ACL_IN));
	CU_ASSERT_PTR_EQUAL(gw_acl_cls(gw, ACL_IP4, "KEEP"), keep);

	/* and back, as a failed apply would */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, c, a, NULL, err), GW_CFG_OK);
	CU_ASSERT_PTR_NULL(gw_acl_cls(gw, ACL_IP4, "WEB2"));
	CU_ASSERT_EQUAL(acl_cls_size(gw_acl_cls(gw, ACL_IP4, "WEB")), 1);
	CU_ASSERT_STRING_EQUAL(gw_if_acl(gw, b10, ACL_IP6, ACL_IN), "WEB6");

	/* an interface deleted with its groups, and its lists with it, in one diff */
	struct gw_cfg *d = gw_cfg_clone(a);
	CU_ASSERT_EQUAL(gw_cfg_if_del(d, "up0", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_del(d, "bdif10", err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(d, ACL_IP4, "WEB", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_acl(d, ACL_IP6, "WEB6", false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, d, NULL, err), GW_CFG_OK);
	CU_ASSERT_PTR_NULL(gw_acl_cls(gw, ACL_IP4, "WEB"));
	CU_ASSERT_PTR_NOT_NULL(gw_acl_cls(gw, ACL_IP4, "KEEP"));
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_cfg_free(c);
	gw_cfg_free(d);
	gw_destroy(gw);
}

/* ---- IPv6 underlay, outer DSCP, IPv6 zero UDP checksums ---- */

static void test_underlay6_lines_refused(void)
{
	static const char *const cases[][2] = {
	    {"vxlan source fe80::1", "vxlan source fe80::1 is link-local"},
	    {"vxlan source ::1", "::1 is the loopback address"},
	    {"vxlan source ff05::1", "ff05::1 is not a unicast address"},
	    {"vxlan source ::ffff:192.0.2.1", "::ffff:192.0.2.1 is IPv4-mapped"},
	    {"vxlan source 2001:db8::zz", "2001:db8::zz"},
	    {"no vxlan source 2001:db8::5", "2001:db8::5 is not the vxlan source"},
	    {"vxlan source 2001:db8::1\nno vxlan source 192.0.2.9", "192.0.2.9"},
	    {"bridge-domain 10\n flood-peer ff05::11", "flood-peer ff05::11 is not a unicast"},
	    {"bridge-domain 10\n flood-peer fe80::11", "flood-peer fe80::11 is link-local"},
	    {"bridge-domain 10\n flood-peer ::", "flood-peer :: is unspecified"},
	    {"bridge-domain 10\n flood-peer ::1", "flood-peer ::1 is the loopback"},
	    {"bridge-domain 10\n no flood-peer 2001:db8::77", "2001:db8::77 is not configured"},
	    {"bridge-domain 10\n flood-peer 2001:db8::zz",
	     "\"2001:db8::zz\": expected (A.B.C.D|X:X::X)"},
	    {"bridge-domain 10\n flood-group 2001:db8::1", "flood-group 2001:db8::1 is not a "},
	    {"bridge-domain 10\n flood-group ff02::1:70", "flood-group ff02::1:70 has scope 2"},
	    {"bridge-domain 10\n flood-group ff01::70", "ff01::70 has scope 1"},
	    {"bridge-domain 10\n flood-group ff13::70", "ff13::70 has scope 3"},
	    {"bridge-domain 10\n flood-group ff0f::70", "ff0f::70 has scope f"},
	    {"mac-address-table static 02:00:00:00:00:01 bridge-domain 10 peer fe80::1",
	     "peer fe80::1 is link-local"},
	    {"mac-address-table static 02:00:00:00:00:01 bridge-domain 10 peer ff0e::1",
	     "peer ff0e::1 is not a unicast"},
	    {"mac-address-table static 02:00:00:00:00:01 bridge-domain 99 peer 2001:db8::1",
	     "bridge-domain 99 does not exist"},
	    {"vxlan dscp 64", "\"64\": expected <0-63>"},
	    {"vxlan dscp inherits", "inherits"},
	    {"vxlan udp6-zero-checksum both", "both"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused_after(BASE, cases[i][0], cases[i][1]);
}

/* Both families share a bridge domain's BD_PEERS_MAX flood peers. */
static void test_underlay6_peers_shared_room(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c = load(BASE);
	for (uint32_t k = 1; c->bds.v[0].n_peers < BD_PEERS_MAX; k++)
		CU_ASSERT_EQUAL_FATAL(gw_cfg_bd_peer(c, 10, 0xc6336400u + k, true, err), GW_CFG_OK);
	struct in6_addr a;
	net_ip6_parse("2001:db8::11", &a);
	struct gw_cfg *before = gw_cfg_clone(c);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(c, 10, &a, true, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "flood-peer 2001:db8::11: at most 128"));
	CU_ASSERT(gw_cfg_equal(c, before));
	/* an IPv4 one leaves: room for the IPv6 one, and none for the IPv4 one again */
	CU_ASSERT_EQUAL(gw_cfg_bd_peer(c, 10, 0xc6336401u, false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(c, 10, &a, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer(c, 10, 0xc6336401u, true, err), GW_CFG_ERR);
	gw_cfg_free(before);
	gw_cfg_free(c);
}

/* The setters: a refused one changes nothing; added and removed again gives an equal
 * model (vacated slots zeroed); one flood group, of either family. */
static void test_underlay6_setters(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *a = load(BASE), *b = gw_cfg_clone(a);
	struct in6_addr p1, p2, g6, bad;
	net_ip6_parse("2001:db8::11", &p1);
	net_ip6_parse("2001:db8::12", &p2);
	net_ip6_parse("ff05::1:70", &g6);
	net_ip6_parse("ff02::1", &bad);
	CU_ASSERT_EQUAL(gw_cfg_set_vx_dscp(b, VX_DSCP_MAX + 1, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_set_vx_dscp(b, -2, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group6(b, 10, &bad, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_set_vtep6(b, &g6, err), GW_CFG_ERR);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 77, &p1, true, err), GW_CFG_ERR);
	CU_ASSERT(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 10, &p2, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 10, &p1, true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 10, &p1, true, err), GW_CFG_OK); /* again: fine */
	CU_ASSERT_EQUAL(b->bds.v[0].n_peers6, 2);
	CU_ASSERT(net_ip6_eq(&b->bds.v[0].peers6[0], &p1)); /* sorted */
	CU_ASSERT_FALSE(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 10, &p1, false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_peer6(b, 10, &p2, false, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	/* one group: an IPv6 one replaces an IPv4 one and back; none clears either */
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group(b, 20, 0xef010146u, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group6(b, 20, &g6, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(b->bds.v[1].flood_group, 0);
	CU_ASSERT(net_ip6_eq(&b->bds.v[1].flood_group6, &g6));
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group(b, 20, 0, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group6(b, 20, &g6, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group(b, 20, 0xef010146u, err), GW_CFG_OK);
	CU_ASSERT(net_ip6_is_zero(&b->bds.v[1].flood_group6));
	CU_ASSERT_EQUAL(gw_cfg_bd_set_group6(b, 20, NULL, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	/* the global settings, each in gw_cfg_equal */
	CU_ASSERT_EQUAL(gw_cfg_set_vx_dscp(b, VX_DSCP_INHERIT, err), GW_CFG_OK);
	CU_ASSERT_FALSE(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_set_vx_dscp(b, 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_set_udp6_zero_csum(b, GW_CFG_UDP6_TX, true, err), GW_CFG_OK);
	CU_ASSERT(b->udp6_zero_csum_tx && !b->udp6_zero_csum_rx);
	CU_ASSERT_FALSE(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_set_udp6_zero_csum(b, GW_CFG_UDP6_TX, false, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_set_vtep6(b, &p1, err), GW_CFG_OK);
	CU_ASSERT_FALSE(gw_cfg_equal(a, b));
	CU_ASSERT_EQUAL(gw_cfg_set_vtep6(b, NULL, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(a, b));
	gw_cfg_free(a);
	gw_cfg_free(b);
}

static bool bd_has_peer(struct gw *gw, uint32_t bd_id, uint32_t name)
{
	const uint32_t *peers;
	size_t n = bd_flood_peers(gw_bd(gw), bd_index(gw_bd(gw), bd_id), &peers);
	for (size_t k = 0; k < n; k++)
		if (peers[k] == name)
			return true;
	return false;
}

static uint32_t name6(struct gw *gw, const char *text)
{
	struct in6_addr a;
	CU_ASSERT_FATAL(net_ip6_parse(text, &a));
	return gw_vtep_name(gw, AF_INET6, &a);
}

static const char *UNDERLAY6 = "vxlan source 192.0.2.1\nvxlan source 2001:db8::1\n"
                               "vxlan dscp inherit\nvxlan udp6-zero-checksum rx\n"
                               "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
                               " flood-peer 2001:db8::12\n"
                               "bridge-domain 20\n vni 6000\n flood-group ff05::1:70\n"
                               "mac-address-table static 02:00:00:00:10:01 bridge-domain 10 "
                               "peer 2001:db8::12\n";

static const uint8_t MAC_STATIC6[6] = {0x02, 0, 0, 0, 0x10, 0x01};

/* Applied: the addresses become names; a reload moves a bridge domain's peer and a static
 * MAC from IPv4 to IPv6 and an IPv6 group to an IPv4 one, keeping what it does not name. */
static void test_underlay6_apply(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw *gw = new_gw();
	struct gw_cfg *a = load(UNDERLAY6);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, a, NULL, err), GW_CFG_OK);
	struct in6_addr src;
	net_ip6_parse("2001:db8::1", &src);
	CU_ASSERT_FATAL(gw_vtep6(gw) != NULL);
	CU_ASSERT(net_ip6_eq(gw_vtep6(gw), &src));
	CU_ASSERT_EQUAL(gw_vtep(gw), 0xc0000201u);
	CU_ASSERT_EQUAL(gw_vx_dscp(gw), VX_DSCP_INHERIT);
	CU_ASSERT(gw_udp6_zero_csum_rx(gw) && !gw_udp6_zero_csum_tx(gw));
	uint32_t p12 = name6(gw, "2001:db8::12"), g = name6(gw, "ff05::1:70");
	CU_ASSERT(vx_vtep_is6(p12) && vx_vtep_is_group(g));
	CU_ASSERT(bd_has_peer(gw, 10, 0xc000020bu) && bd_has_peer(gw, 10, p12));
	CU_ASSERT_EQUAL(bd_flood_group(gw_bd(gw), bd_index(gw_bd(gw), 20)), g);
	uint32_t bdx10 = bd_index(gw_bd(gw), 10), dest = 0;
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC_STATIC6, &dest));
	CU_ASSERT_EQUAL(dest, p12);
	CU_ASSERT_EQUAL(bd_mac_learn(gw_bd(gw), bdx10, MAC1, p12, 1000), BD_MAC_NEW);

	/* reload: 192.0.2.11 becomes 2001:db8::11, the static MAC moves to it, bridge domain
	 * 20 takes an IPv4 group, the IPv6 source and the settings go back to their defaults */
	struct gw_cfg *b = load("vxlan source 192.0.2.1\n"
	                        "bridge-domain 10\n vni 5000\n flood-peer 2001:db8::11\n"
	                        " flood-peer 2001:db8::12\n"
	                        "bridge-domain 20\n vni 6000\n flood-group 239.1.1.70\n"
	                        "mac-address-table static 02:00:00:00:10:01 bridge-domain 10 "
	                        "peer 2001:db8::11\n");
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, a, b, NULL, err), GW_CFG_OK);
	uint32_t p11 = name6(gw, "2001:db8::11");
	CU_ASSERT_FALSE(bd_has_peer(gw, 10, 0xc000020bu));
	CU_ASSERT(bd_has_peer(gw, 10, p11) && bd_has_peer(gw, 10, p12));
	CU_ASSERT_EQUAL(bd_flood_group(gw_bd(gw), bd_index(gw_bd(gw), 20)), 0xef010146u);
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC_STATIC6, &dest));
	CU_ASSERT_EQUAL(dest, p11);
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC1, &dest) && dest == p12); /* learned: kept */
	CU_ASSERT_PTR_NULL(gw_vtep6(gw));
	CU_ASSERT_EQUAL(gw_vx_dscp(gw), 0);
	CU_ASSERT(!gw_udp6_zero_csum_rx(gw) && !gw_udp6_zero_csum_tx(gw));

	/* and back */
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, b, a, NULL, err), GW_CFG_OK);
	CU_ASSERT(bd_has_peer(gw, 10, 0xc000020bu) && !bd_has_peer(gw, 10, p11));
	CU_ASSERT_EQUAL(bd_flood_group(gw_bd(gw), bd_index(gw_bd(gw), 20)), g);
	CU_ASSERT(bd_mac_lookup(gw_bd(gw), bdx10, MAC_STATIC6, &dest));
	CU_ASSERT_EQUAL(dest, p12);
	CU_ASSERT_EQUAL(gw_vx_dscp(gw), VX_DSCP_INHERIT);
	gw_cfg_free(a);
	gw_cfg_free(b);
	gw_destroy(gw);
}

static CU_TestInfo tests[] = {
    {"untouched state survives a diff", test_untouched_state_survives},
    {"VNI swap and subnet move", test_vni_swap_and_address_move},
    {"a refused config changes nothing", test_failed_apply_changes_nothing},
    {"802.1Q VLAN swap between sub-interfaces", test_dot1q_swap},
    {"dataplane workers: range, default, a diff of its own", test_workers},
    {"dataplane workers lines: errors name the word, no = auto", test_workers_lines},
    {"dataplane io: default socket, checked, compared, cloned", test_io},
    {"dataplane io lines: each word, no = socket, errors name the word", test_io_lines},
    {"dataplane busy-poll: default off, range checked, compared, cloned", test_busy_poll},
    {"dataplane busy-poll lines: default 50, no = off, 0 and errors name the word",
     test_busy_poll_lines},
    {"IPv6 lines: refused, naming the word", test_ipv6_lines_refused},
    {"IPv6 setters: a refused one changes nothing", test_ipv6_setters_change_nothing},
    {"IPv6 of interfaces: applied and removed as a diff", test_ipv6_apply_interfaces},
    {"IPv6 routes and neighbours: applied and removed as a diff", test_ipv6_apply_statics},
    {"L2 ports: refused lines name the word", test_l2_lines_refused},
    {"L2 ports: the whole-configuration check", test_l2_check},
    {"L2 ports: applied as a diff, swapped, static MACs on them", test_l2_apply},
    {"access lists: entries numbered, deleted, resequenced; clone and equal", test_acl_entries},
    {"access lists: deleting one in use is refused, naming where", test_acl_users},
    {"access lists: refused lines name the word", test_acl_lines_refused},
    {"access lists: applied as a diff, replaced, renamed, deleted", test_acl_apply},
    {"IPv6 underlay lines: refused, naming the word", test_underlay6_lines_refused},
    {"IPv6 underlay: both families share the flood-peer room", test_underlay6_peers_shared_room},
    {"IPv6 underlay, dscp, udp6-zero-checksum: setters", test_underlay6_setters},
    {"IPv6 underlay: applied as names, moved between families", test_underlay6_apply},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"apply as a diff", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
