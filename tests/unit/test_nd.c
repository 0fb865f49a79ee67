/*
 * test_nd.c - IPv6 neighbour discovery on the wire: what nd_build_* writes (checked byte by
 * byte and by an independent checksum), nd_parse on it and on every kind of bad message,
 * and the address helpers.
 */
#include "cu_main.h"

#include "arp/nd.h"
#include "common/net.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const uint8_t MAC_A[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static struct in6_addr A6(const char *s) {
	struct in6_addr a;
	CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &a) == 1);
	return a;
}

static bool
ip6_is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = A6(s);
	return net_ip6_eq(a, &b);
}

/* RFC 1071 over pseudo-header + message, without the library's helpers: a correct
 * checksum makes the sum of everything 0xffff. */
static uint16_t ones_sum(const uint8_t *pkt, size_t len)
{
	uint32_t sum = 0;
	size_t plen = (size_t)pkt[4] << 8 | pkt[5];
	for (size_t i = 8; i < 40; i += 2) /* source and destination */
		sum += (uint32_t)pkt[i] << 8 | pkt[i + 1];
	sum += (uint32_t)plen + pkt[6]; /* upper-layer length, next header */
	for (size_t i = 40; i < len; i += 2)
		sum += (uint32_t)pkt[i] << 8 | (i + 1 < len ? pkt[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The IPv6 header every builder writes: version 6, class and flow 0, hop limit 255. */
static void check_ip6_header(const uint8_t *pkt, size_t len)
{
	CU_ASSERT_EQUAL(pkt[0], 0x60);
	CU_ASSERT_EQUAL(pkt[1] | pkt[2] | pkt[3], 0);
	CU_ASSERT_EQUAL((size_t)(pkt[4] << 8 | pkt[5]), len - 40);
	CU_ASSERT_EQUAL(pkt[6], NET_IPPROTO_ICMP6);
	CU_ASSERT_EQUAL(pkt[7], 255);
	CU_ASSERT_EQUAL(ones_sum(pkt, len), 0xffff);
}

static int parse(const uint8_t *pkt, size_t len, struct nd_msg *m)
{
	return nd_parse((const struct net_ip6 *)pkt, pkt + 40, len - 40, m);
}

/* ---- builders and round trips ---- */

static void test_ns_round_trip(void)
{
	struct in6_addr src = A6("fe80::1"), target = A6("2001:db8::1:2:3"), group;
	nd_solicited_node(&target, &group);
	uint8_t pkt[128];
	size_t len = nd_build_ns(pkt, sizeof(pkt), &src, &group, &target, MAC_A);
	CU_ASSERT_EQUAL_FATAL(len, 40 + 24 + 8);
	check_ip6_header(pkt, len);
	CU_ASSERT_EQUAL(pkt[40], NET_ICMP6_NS);
	CU_ASSERT_EQUAL(pkt[41], 0);
	CU_ASSERT(memcmp(pkt + 64, (uint8_t[]){1, 1}, 2) == 0);
	CU_ASSERT(memcmp(pkt + 66, MAC_A, 6) == 0);

	struct nd_msg m;
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.type, NET_ICMP6_NS);
	CU_ASSERT(net_ip6_eq(&m.target, &target));
	CU_ASSERT(m.has_slla && !m.has_tlla);
	CU_ASSERT(net_mac_eq(m.slla, MAC_A));

	/* DAD: unspecified source, no SLLA */
	struct in6_addr zero = {0};
	len = nd_build_ns(pkt, sizeof(pkt), &zero, &group, &target, NULL);
	CU_ASSERT_EQUAL_FATAL(len, 64);
	check_ip6_header(pkt, len);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_FALSE(m.has_slla);

	CU_ASSERT_EQUAL(nd_build_ns(pkt, 71, &src, &group, &target, MAC_A), 0);
	CU_ASSERT_EQUAL(nd_build_ns(pkt, 72, &src, &group, &target, MAC_A), 72);
}

static void test_na_round_trip(void)
{
	struct in6_addr src = A6("2001:db8::1"), dst = A6("2001:db8::99");
	uint8_t pkt[128];
	size_t len = nd_build_na(pkt, sizeof(pkt), &src, &dst, &src,
	                         ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE | 0x1f, MAC_A);
	CU_ASSERT_EQUAL_FATAL(len, 72);
	check_ip6_header(pkt, len);
	CU_ASSERT_EQUAL(pkt[40], NET_ICMP6_NA);
	CU_ASSERT_EQUAL(pkt[44], 0xe0); /* the reserved bits stay 0 */
	CU_ASSERT_EQUAL(pkt[64], ND_OPT_TLLA);

	struct nd_msg m;
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.flags, ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
	CU_ASSERT(net_ip6_eq(&m.target, &src));
	CU_ASSERT(m.has_tlla && !m.has_slla);
	CU_ASSERT(net_mac_eq(m.tlla, MAC_A));

	/* unsolicited, to all nodes, no option */
	len = nd_build_na(pkt, sizeof(pkt), &src, &nd_all_nodes, &src, ND_NA_OVERRIDE, NULL);
	CU_ASSERT_EQUAL_FATAL(len, 64);
	check_ip6_header(pkt, len);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_FALSE(m.has_tlla);
	CU_ASSERT_EQUAL(nd_build_na(pkt, 63, &src, &dst, &src, 0, NULL), 0);
}

static struct nd_ra_info sample_ra(void)
{
	struct nd_ra_info ra = {
	    .cur_hop_limit = 64,
	    .flags = ND_RA_MANAGED | ND_RA_OTHER,
	    .lifetime_s = 1800,
	    .reachable_ms = 30000,
	    .retrans_ms = 1000,
	    .mtu = 1450,
	    .slla = MAC_A,
	    .n_prefixes = 2,
	};
	ra.prefixes[0] = (struct nd_prefix){A6("2001:db8:10::1"), 64, ND_PI_ONLINK | ND_PI_AUTO,
	                                    2592000, 604800};
	ra.prefixes[1] = (struct nd_prefix){A6("2001:db8:20::"), 48, ND_PI_ONLINK, 86400, 0};
	return ra;
}

static void test_ra_round_trip(void)
{
	struct in6_addr src = A6("fe80::5054:ff:fe12:3456");
	struct nd_ra_info ra = sample_ra();
	uint8_t pkt[256];
	size_t len = nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &ra);
	CU_ASSERT_EQUAL_FATAL(len, 40 + 16 + 8 + 8 + 2 * 32);
	check_ip6_header(pkt, len);
	const uint8_t *pi = pkt + 40 + 32; /* after the SLLA and MTU options */
	CU_ASSERT_EQUAL(pi[0], ND_OPT_PREFIX);
	CU_ASSERT_EQUAL(pi[1], 4);
	CU_ASSERT_EQUAL(pi[2], 64);
	CU_ASSERT_EQUAL(pi[3], 0xc0);
	CU_ASSERT_EQUAL(pi[12] | pi[13] | pi[14] | pi[15], 0); /* reserved */
	CU_ASSERT_EQUAL(pi[16 + 15], 0);                       /* host bits cleared */
	CU_ASSERT(memcmp(pkt + 40 + 24, (uint8_t[]){5, 1, 0, 0, 0, 0, 0x05, 0xaa}, 8) == 0);

	struct nd_msg m;
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.type, NET_ICMP6_RA);
	CU_ASSERT_EQUAL(m.cur_hop_limit, 64);
	CU_ASSERT_EQUAL(m.flags, ND_RA_MANAGED | ND_RA_OTHER);
	CU_ASSERT_EQUAL(m.router_lifetime_s, 1800);
	CU_ASSERT_EQUAL(m.reachable_ms, 30000);
	CU_ASSERT_EQUAL(m.retrans_ms, 1000);
	CU_ASSERT_EQUAL(m.mtu, 1450);
	CU_ASSERT(m.has_slla && net_mac_eq(m.slla, MAC_A));
	CU_ASSERT_EQUAL_FATAL(m.n_prefixes, 2);
	CU_ASSERT(ip6_is(&m.prefixes[0].pfx, "2001:db8:10::"));
	CU_ASSERT_EQUAL(m.prefixes[0].len, 64);
	CU_ASSERT_EQUAL(m.prefixes[0].flags, ND_PI_ONLINK | ND_PI_AUTO);
	CU_ASSERT_EQUAL(m.prefixes[0].valid_s, 2592000);
	CU_ASSERT_EQUAL(m.prefixes[0].preferred_s, 604800);
	CU_ASSERT(ip6_is(&m.prefixes[1].pfx, "2001:db8:20::"));
	CU_ASSERT_EQUAL(m.prefixes[1].flags, ND_PI_ONLINK);

	/* no MTU option, no SLLA, no prefix: the bare 16 bytes */
	struct nd_ra_info bare = {.cur_hop_limit = 64};
	len = nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &bare);
	CU_ASSERT_EQUAL_FATAL(len, 56);
	check_ip6_header(pkt, len);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.mtu, 0);
	CU_ASSERT_EQUAL(m.n_prefixes, 0);

	CU_ASSERT_EQUAL(nd_build_ra(pkt, 40 + 16 + 16 + 63, &src, &nd_all_nodes, &ra), 0);
	ra.n_prefixes = ND_PREFIXES_MAX + 1;
	CU_ASSERT_EQUAL(nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &ra), 0);
}

/* ---- parse errors ---- */

/* A valid NS from fe80::1 to 2001:db8::1 (unicast probe) with an SLLA, in pkt. */
static size_t valid_ns(uint8_t *pkt)
{
	struct in6_addr src = A6("fe80::1"), dst = A6("2001:db8::1");
	return nd_build_ns(pkt, 128, &src, &dst, &dst, MAC_A);
}

static int parse_ns_with(size_t off, uint8_t val)
{
	uint8_t pkt[128];
	size_t len = valid_ns(pkt);
	pkt[off] = val;
	return parse(pkt, len, NULL);
}

static void test_parse_errors_header(void)
{
	uint8_t pkt[128];
	size_t len = valid_ns(pkt);
	CU_ASSERT_EQUAL(parse(pkt, len, NULL), ND_PARSE_OK);
	CU_ASSERT_EQUAL(parse(pkt, 40, NULL), ND_PARSE_SHORT);
	CU_ASSERT_EQUAL(parse(pkt, 40 + 23, NULL), ND_PARSE_SHORT);
	CU_ASSERT_EQUAL(nd_parse(NULL, pkt + 40, 32, NULL), ND_PARSE_SHORT);
	CU_ASSERT_EQUAL(parse_ns_with(40, NET_ICMP6_ECHO_REQUEST), ND_PARSE_TYPE);
	CU_ASSERT_EQUAL(parse_ns_with(40, NET_ICMP6_REDIRECT), ND_PARSE_TYPE);
	CU_ASSERT_EQUAL(parse_ns_with(41, 1), ND_PARSE_CODE);
	CU_ASSERT_EQUAL(parse_ns_with(7, 254), ND_PARSE_HOPLIMIT);
	CU_ASSERT_EQUAL(parse_ns_with(7, 64), ND_PARSE_HOPLIMIT);
}

static void test_parse_errors_options(void)
{
	uint8_t pkt[1024];
	size_t len = valid_ns(pkt);
	CU_ASSERT_EQUAL(parse_ns_with(65, 0), ND_PARSE_OPTION);    /* length 0 */
	CU_ASSERT_EQUAL(parse_ns_with(65, 2), ND_PARSE_OPTION);    /* past the end */
	CU_ASSERT_EQUAL(parse_ns_with(66, 0x01), ND_PARSE_LLADDR); /* group MAC */
	CU_ASSERT_EQUAL(parse(pkt, len - 1, NULL), ND_PARSE_OPTION);
	CU_ASSERT_EQUAL(parse(pkt, len - 7, NULL), ND_PARSE_SHORT); /* one byte of an option */

	/* an SLLA of two units: not an Ethernet address */
	memset(pkt + len, 0, 8);
	pkt[65] = 2;
	CU_ASSERT_EQUAL(parse(pkt, len + 8, NULL), ND_PARSE_LLADDR);

	/* a zero MAC */
	len = valid_ns(pkt);
	memset(pkt + 66, 0, 6);
	CU_ASSERT_EQUAL(parse(pkt, len, NULL), ND_PARSE_LLADDR);

	/* unknown options are skipped, but the walk is bounded */
	len = valid_ns(pkt);
	for (unsigned i = 0; i < 63; i++, len += 8)
		memcpy(pkt + len, (uint8_t[]){200, 1, 0, 0, 0, 0, 0, 0}, 8);
	CU_ASSERT_EQUAL(parse(pkt, len, NULL), ND_PARSE_OK); /* 64 options */
	memcpy(pkt + len, (uint8_t[]){200, 1, 0, 0, 0, 0, 0, 0}, 8);
	CU_ASSERT_EQUAL(parse(pkt, len + 8, NULL), ND_PARSE_OPTION);
}

static void test_parse_errors_addresses(void)
{
	uint8_t pkt[128];
	struct nd_msg m;
	struct in6_addr ll = A6("fe80::1"), g = A6("2001:db8::1"), zero = {0}, group;
	struct in6_addr mc = A6("ff02::1");
	nd_solicited_node(&g, &group);

	/* NS */
	size_t len = nd_build_ns(pkt, sizeof(pkt), &ll, &group, &mc, MAC_A);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_TARGET);
	len = nd_build_ns(pkt, sizeof(pkt), &zero, &group, &g, MAC_A);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_SOURCE);
	len = nd_build_ns(pkt, sizeof(pkt), &zero, &nd_all_nodes, &g, NULL);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_SOURCE); /* DAD not to the group */

	/* NA */
	len = nd_build_na(pkt, sizeof(pkt), &g, &ll, &mc, 0, MAC_A);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_TARGET);
	len = nd_build_na(pkt, sizeof(pkt), &g, &nd_all_nodes, &g, ND_NA_SOLICITED, MAC_A);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_TARGET);
	len = nd_build_na(pkt, sizeof(pkt), &g, &ll, &g, ND_NA_SOLICITED, MAC_A);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_OK);

	/* RA from a global address */
	struct nd_ra_info ra = {.cur_hop_limit = 64, .slla = MAC_A};
	len = nd_build_ra(pkt, sizeof(pkt), &g, &nd_all_nodes, &ra);
	CU_ASSERT_EQUAL(parse(pkt, len, &m), ND_PARSE_SOURCE);

	/* RS: unspecified source with an SLLA; RS layout is 8 bytes then options */
	uint8_t rs[40 + 16] = {0x60, 0, 0, 0, 0, 16, NET_IPPROTO_ICMP6, 255};
	memcpy(rs + 24, &nd_all_routers, 16);
	rs[40] = NET_ICMP6_RS;
	memcpy(rs + 48, (uint8_t[]){ND_OPT_SLLA, 1}, 2);
	memcpy(rs + 50, MAC_A, 6);
	CU_ASSERT_EQUAL(parse(rs, sizeof(rs), &m), ND_PARSE_SOURCE);
	memcpy(rs + 8, &ll, 16);
	CU_ASSERT_EQUAL(parse(rs, sizeof(rs), &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.type, NET_ICMP6_RS);
	CU_ASSERT(m.has_slla);
}

/* RA options: a bad prefix or MTU option length, and prefixes past ND_PREFIXES_MAX. */
static void test_parse_ra_options(void)
{
	struct in6_addr src = A6("fe80::1");
	struct nd_ra_info ra = sample_ra();
	uint8_t pkt[1024];
	size_t len = nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &ra);
	pkt[40 + 32 + 2] = 129; /* prefix length */
	CU_ASSERT_EQUAL(parse(pkt, len, NULL), ND_PARSE_OPTION);
	len = nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &ra);
	pkt[40 + 24 + 1] = 2; /* MTU option of two units, swallowing the first prefix's head */
	CU_ASSERT_EQUAL(parse(pkt, len, NULL), ND_PARSE_OPTION);

	ra.n_prefixes = ND_PREFIXES_MAX;
	for (unsigned i = 0; i < ND_PREFIXES_MAX; i++)
		ra.prefixes[i] = ra.prefixes[0];
	len = nd_build_ra(pkt, sizeof(pkt), &src, &nd_all_nodes, &ra);
	memcpy(pkt + len, pkt + 40 + 32, 32); /* one prefix more, by hand */
	struct nd_msg m;
	CU_ASSERT_EQUAL(parse(pkt, len + 32, &m), ND_PARSE_OK);
	CU_ASSERT_EQUAL(m.n_prefixes, ND_PREFIXES_MAX);
}

static void test_err_names(void)
{
	for (int e = ND_PARSE_OK; e <= ND_PARSE_LLADDR; e++)
		CU_ASSERT_STRING_NOT_EQUAL(nd_parse_err_name(e), "unknown");
	CU_ASSERT_STRING_EQUAL(nd_parse_err_name(ND_PARSE_HOPLIMIT), "hop-limit");
	CU_ASSERT_STRING_EQUAL(nd_parse_err_name(99), "unknown");
}

/* ---- addresses ---- */

static void test_addresses(void)
{
	struct in6_addr ll, g, a = A6("2001:db8::1:2:3");
	nd_eui64_linklocal(MAC_A, &ll);
	CU_ASSERT(ip6_is(&ll, "fe80::5054:ff:fe12:3456"));
	const uint8_t local[6] = {0x02, 0, 0, 0, 0, 1};
	nd_eui64_linklocal(local, &ll);
	CU_ASSERT(ip6_is(&ll, "fe80::ff:fe00:1"));

	nd_solicited_node(&a, &g);
	CU_ASSERT(ip6_is(&g, "ff02::1:ff02:3"));
	uint8_t mac[6];
	nd_mcast_mac(&g, mac);
	CU_ASSERT(net_mac_eq(mac, (uint8_t[]){0x33, 0x33, 0xff, 0x02, 0x00, 0x03}));
	nd_mcast_mac(&nd_all_nodes, mac);
	CU_ASSERT(net_mac_eq(mac, (uint8_t[]){0x33, 0x33, 0, 0, 0, 1}));
	CU_ASSERT(ip6_is(&nd_all_nodes, "ff02::1"));
	CU_ASSERT(ip6_is(&nd_all_routers, "ff02::2"));
	nd_solicited_node(&a, &a); /* in place */
	CU_ASSERT(ip6_is(&a, "ff02::1:ff02:3"));
}

/* ---- scapy, when installed, decodes what we build ---- */

static void write_hex(FILE *f, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

/* The first python3 that has scapy: the one on PATH, else the system's (Debian's
 * python3-scapy when PATH leads to another interpreter), else NULL. */
static const char *python_with_scapy(void)
{
	static const char *const cands[] = {"python3", "/usr/bin/python3"};
	for (unsigned i = 0; i < 2; i++) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "%s -c 'import scapy' 2>/dev/null", cands[i]);
		if (system(cmd) == 0)
			return cands[i];
	}
	return NULL;
}

static void test_scapy_cross_check(void)
{
	const char *py = python_with_scapy();
	if (!py) {
		printf("(scapy not installed: skipped) ");
		return;
	}
	char path[] = "/tmp/test_nd_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	uint8_t pkt[256];
	struct in6_addr ll = A6("fe80::1"), g = A6("2001:db8::1"), group;
	nd_solicited_node(&g, &group);
	write_hex(f, pkt, nd_build_ns(pkt, sizeof(pkt), &ll, &group, &g, MAC_A));
	write_hex(f, pkt, nd_build_na(pkt, sizeof(pkt), &g, &ll, &g, ND_NA_SOLICITED, MAC_A));
	struct nd_ra_info ra = sample_ra();
	write_hex(f, pkt, nd_build_ra(pkt, sizeof(pkt), &ll, &nd_all_nodes, &ra));
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
	         "%s - %s <<'EOF'\n"
	         "import sys\n"
	         "from scapy.layers.inet6 import IPv6\n"
	         "want = ['ICMPv6ND_NS', 'ICMPv6ND_NA', 'ICMPv6ND_RA']\n"
	         "for line, w in zip(open(sys.argv[1]), want):\n"
	         "    p = IPv6(bytes.fromhex(line.strip()))\n"
	         "    l4 = p.payload\n"
	         "    got = l4.cksum\n"
	         "    del l4.cksum\n"
	         "    ok = IPv6(bytes(p)).payload.cksum == got and type(l4).__name__ == w\n"
	         "    if not ok: sys.exit(1)\n"
	         "EOF",
	         py, path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(path);
}

static CU_TestInfo build_tests[] = {
    {"NS round trip", test_ns_round_trip},
    {"NA round trip", test_na_round_trip},
    {"RA round trip", test_ra_round_trip},
    {"scapy decodes NS, NA, RA", test_scapy_cross_check},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
    {"header errors", test_parse_errors_header},
    {"option errors", test_parse_errors_options},
    {"address errors", test_parse_errors_addresses},
    {"RA options", test_parse_ra_options},
    {"error names", test_err_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo addr_tests[] = {
    {"EUI-64, solicited-node, group MAC", test_addresses},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"nd build", NULL, NULL, NULL, NULL, build_tests},
    {"nd parse", NULL, NULL, NULL, NULL, parse_tests},
    {"nd addresses", NULL, NULL, NULL, NULL, addr_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
