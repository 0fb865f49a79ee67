/*
 * test_gwacl.c - access lists in the in-memory gateway: what is permitted leaves, what is
 * denied is dropped as acl_deny and counted on its entry (the implicit deny too), in and
 * out, IPv4 and IPv6, a list replaced while applied, the gateway's own traffic never
 * filtered, fragments, L2 ports, and the refusals of the API.
 */
#include <stdlib.h>
#include <string.h>

#include "arp/arp.h"
#include "cu_main.h"
#include "gw/gw.h"
#include "gw/trace.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
#define IP_H1 0x0a010a32u
#define IP_H2 0x0a01143cu

static struct lab L;
static uint8_t BDIF10_MAC[6], BDIF20_MAC[6];

static void up(bool ip6)
{
	CU_ASSERT_FATAL(ip6 ? lab_init6(&L, NULL) : lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
	gw_bdif_default_mac(20, BDIF20_MAC);
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_reset_capture(&L);
}

static void down(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

static void set_list(int fam, const char *name, const char *const *lines)
{
	CU_ASSERT_EQUAL_FATAL(lab_acl_set(L.gw, fam, name, lines), GW_OK);
}

static const char *const WEB[] = {
    "10 permit tcp 10.1.10.0/24 any eq 80",
    "20 permit tcp any any established",
    "30 permit icmp any any echo",
    "40 deny udp any range 5000 6000 10.1.20.0/24", /* source ports */
    "50 deny ip any any log",
    NULL,
};

/* An IPv4 packet of protocol proto from h1 to dst, its L4 header l4 (n bytes) and 8 more
 * bytes; off: the fragment offset field (flags and offset). */
static unsigned ip_frame(uint8_t *f, uint32_t dst, uint8_t proto, const uint8_t *l4, unsigned n,
                         uint16_t off)
{
	unsigned k = lab_eth(f, BDIF10_MAC, H1, NET_ETHERTYPE_IP);
	k += lab_ip(f + k, IP_H1, dst, proto, 64, (uint16_t)(n + 8), false);
	if (off) {
		f[NET_ETH_HLEN + 6] = (uint8_t)(off >> 8);
		f[NET_ETH_HLEN + 7] = (uint8_t)off;
		f[NET_ETH_HLEN + 10] = f[NET_ETH_HLEN + 11] = 0;
		uint32_t s = 0;
		for (unsigned i = 0; i < 20; i += 2)
			s += lab_rd16(f + NET_ETH_HLEN + i);
		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		f[NET_ETH_HLEN + 10] = (uint8_t)(~s >> 8);
		f[NET_ETH_HLEN + 11] = (uint8_t)~s;
	}
	memcpy(f + k, l4, n);
	memset(f + k + n, 0xa5, 8);
	return k + n + 8;
}

static unsigned tcp_frame(uint8_t *f, uint32_t dst, uint16_t dport, uint8_t flags)
{
	uint8_t t[20] = {0x9c, 0x40, (uint8_t)(dport >> 8), (uint8_t)dport};
	t[12] = 0x50;
	t[13] = flags;
	return ip_frame(f, dst, NET_IPPROTO_TCP, t, sizeof(t), 0);
}

static unsigned udp_frame(uint8_t *f, uint32_t dst, uint16_t sport, uint16_t dport)
{
	uint8_t u[8] = {
	    (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 16};
	return ip_frame(f, dst, NET_IPPROTO_UDP, u, sizeof(u), 0);
}

static unsigned echo_frame(uint8_t *f, uint32_t dst)
{
	uint8_t e[8] = {8, 0, 0, 0, 0, 1, 0, 1}; /* checksum not checked in transit */
	return ip_frame(f, dst, NET_IPPROTO_ICMP, e, sizeof(e), 0);
}

/* Sends frame f from h1 n times; how many left toward h2 (VTEP .12). */
static unsigned send_h1(const uint8_t *f, unsigned len, unsigned n)
{
	lab_reset_capture(&L);
	for (unsigned i = 0; i < n; i++)
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, len);
	unsigned got = 0;
	for (unsigned i = 0; i < L.n_cap; i++)
		got += L.cap[i].outer_dst == LAB_VTEP12;
	return got;
}

/* The matches of entry seq (0: the implicit deny) of list name. */
static uint64_t hits(int fam, const char *name, uint32_t seq)
{
	const struct acl_cls *c = gw_acl_cls(L.gw, fam, name);
	CU_ASSERT_FATAL(c != NULL);
	unsigned n = acl_cls_size(c);
	for (uint32_t i = 0; i < n; i++)
		if (acl_cls_rule(c, i)->seq == seq)
			return acl_cls_hits(c, i);
	return seq ? UINT64_MAX : acl_cls_hits(c, n);
}

static void web_decisions(uint16_t ifx, int dir)
{
	uint8_t f[256];
	set_list(ACL_IP4, "WEB", WEB);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, ifx, ACL_IP4, dir, "WEB"), GW_OK);
	CU_ASSERT_EQUAL(send_h1(f, tcp_frame(f, IP_H2, 80, 0x02), 3), 3);
	CU_ASSERT_EQUAL(send_h1(f, tcp_frame(f, IP_H2, 22, 0x02), 4), 0);
	CU_ASSERT_EQUAL(send_h1(f, tcp_frame(f, IP_H2, 22, 0x10), 2), 2); /* ACK: established */
	CU_ASSERT_EQUAL(send_h1(f, echo_frame(f, IP_H2), 5), 5);
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 5500, 9), 6), 0);
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 6001, 9), 1), 0); /* 50 */
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 10), 3);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 20), 2);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 30), 5);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 40), 6);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 50), 5);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB", 0), 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ACL_DENY), 11);
	struct gw_counters c;
	gw_get_counters(L.gw, &c);
	CU_ASSERT_EQUAL(c.routed, 10);
}

static void test_web_out(void)
{
	up(false);
	web_decisions(L.bdif20, ACL_OUT);
	CU_ASSERT_STRING_EQUAL(gw_if_acl(L.gw, L.bdif20, ACL_IP4, ACL_OUT), "WEB");
	CU_ASSERT_PTR_NULL(gw_if_acl(L.gw, L.bdif20, ACL_IP4, ACL_IN));
	down();
}

static void test_web_in(void)
{
	up(false);
	web_decisions(L.bdif10, ACL_IN);
	down();
}

static void test_implicit_deny_and_clear(void)
{
	up(false);
	uint8_t f[256];
	set_list(ACL_IP4, "ONE", (const char *const[]){"permit icmp any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "ONE"), GW_OK);
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 40000, 53), 7), 0);
	CU_ASSERT_EQUAL(send_h1(f, echo_frame(f, IP_H2), 2), 2);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "ONE", 0), 7);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "ONE", 10), 2);
	CU_ASSERT_EQUAL(gw_acl_clear(L.gw, ACL_IP4, "ONE"), GW_OK);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "ONE", 0), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "ONE", 10), 0);
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 40000, 53), 1), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "ONE", 0), 1);
	CU_ASSERT_EQUAL(gw_acl_clear(L.gw, ACL_IP4, "NONE"), GW_E_NOENT);
	down();
}

/* The gateway's own traffic: a ping to bdif10 is answered under `deny ip any any` in. */
static void test_gateway_not_filtered(void)
{
	up(false);
	uint8_t f[256];
	set_list(ACL_IP4, "NO", (const char *const[]){"deny ip any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "NO"), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_OUT, "NO"), GW_OK);
	unsigned n = lab_ping_frame(f, BDIF10_MAC, H1, IP_H1, LAB_GW10, 64, 56, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "NO", 10), 0);
	CU_ASSERT_EQUAL(send_h1(f, echo_frame(f, IP_H2), 1), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "NO", 10), 1);
	down();
}

/* A list replaced while applied: the next packet sees the new one; unchanged entries keep
 * their counts, also when renumbered. */
static void test_replace_keeps_counts(void)
{
	up(false);
	uint8_t f[256];
	set_list(ACL_IP4, "E",
	         (const char *const[]){"10 permit icmp any any", "20 deny ip any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif20, ACL_IP4, ACL_OUT, "E"), GW_OK);
	CU_ASSERT_EQUAL(send_h1(f, echo_frame(f, IP_H2), 3), 3);
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 40000, 53), 2), 0);
	set_list(ACL_IP4, "E",
	         (const char *const[]){"5 permit udp any any eq 53", "100 permit icmp any any",
	                               "200 deny ip any any", NULL});
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 40000, 53), 2), 2);
	CU_ASSERT_EQUAL(send_h1(f, echo_frame(f, IP_H2), 1), 1);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "E", 5), 2);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "E", 100), 4);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "E", 200), 2);
	down();
}

/* Non-initial fragments carry no ports: an entry with ports never matches them, one with
 * `fragments` only them. */
static void test_fragments(void)
{
	up(false);
	uint8_t f[256];
	set_list(ACL_IP4, "FR",
	         (const char *const[]){"10 permit tcp any any eq 80",
	                               "20 permit ip any any fragments", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "FR"), GW_OK);
	uint8_t t[20] = {0x9c, 0x40, 0, 80};
	CU_ASSERT_EQUAL(send_h1(f, ip_frame(f, IP_H2, NET_IPPROTO_TCP, t, 20, 0x2000), 1), 1);
	CU_ASSERT_EQUAL(send_h1(f, ip_frame(f, IP_H2, NET_IPPROTO_TCP, t, 20, 100), 2), 2);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "FR", 10), 1);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "FR", 20), 2);
	set_list(ACL_IP4, "FR", (const char *const[]){"10 permit tcp any any eq 80", NULL});
	CU_ASSERT_EQUAL(send_h1(f, ip_frame(f, IP_H2, NET_IPPROTO_TCP, t, 20, 100), 1), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "FR", 0), 1);
	down();
}

/* ICMPv6 echo from h1 to h2 (hop limit 64), plen payload bytes. */
static unsigned echo6(uint8_t *f, const char *dst)
{
	struct in6_addr s = lab_a6("2001:db8:10::51"), d = lab_a6(dst);
	return lab_echo6_frame(f, BDIF10_MAC, H1, &s, &d, 64, 16);
}

static void test_ipv6(void)
{
	up(true);
	struct in6_addr h2 = lab_a6("2001:db8:20::60");
	CU_ASSERT_EQUAL_FATAL(arp6_static_add(gw_nd(L.gw), L.bdif20, &h2, H2), ARP_OK);
	uint8_t f[256];
	set_list(ACL_IP6, "WEB6",
	         (const char *const[]){"10 deny ipv6 any host 2001:db8:20::61",
	                               "20 permit icmpv6 2001:db8:10::/64 any echo-request", NULL});
	/* an IPv4 list of the same name is another list */
	set_list(ACL_IP4, "WEB6", (const char *const[]){"deny ip any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif20, ACL_IP6, ACL_OUT, "WEB6"), GW_OK);
	CU_ASSERT_EQUAL(send_h1(f, echo6(f, "2001:db8:20::60"), 4), 4);
	CU_ASSERT_EQUAL(hits(ACL_IP6, "WEB6", 20), 4);
	CU_ASSERT_EQUAL(send_h1(f, echo6(f, "2001:db8:20::61"), 2), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP6, "WEB6", 10), 2);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ACL_DENY), 2);
	/* IPv4 is not filtered by an IPv6 list */
	CU_ASSERT_EQUAL(send_h1(f, udp_frame(f, IP_H2, 40000, 53), 1), 1);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "WEB6", 10), 0);
	down();
}

/* An IPv6 packet from h1 to h2 with a fragment header of offset off (8-byte units) before a
 * TCP header to port 80. */
static unsigned frag6(uint8_t *f, uint16_t off)
{
	struct in6_addr s = lab_a6("2001:db8:10::51"), d = lab_a6("2001:db8:20::60");
	unsigned n = lab_eth(f, BDIF10_MAC, H1, NET_ETHERTYPE_IP6);
	uint8_t *ip = f + n;
	memset(ip, 0, NET_IP6_HLEN + 8 + 20);
	ip[0] = 0x60;
	ip[5] = 8 + 20;
	ip[6] = 44; /* fragment header */
	ip[7] = 64;
	memcpy(ip + 8, &s, 16);
	memcpy(ip + 24, &d, 16);
	uint8_t *fh = ip + NET_IP6_HLEN;
	fh[0] = NET_IPPROTO_TCP;
	fh[2] = (uint8_t)(off >> 5);
	fh[3] = (uint8_t)(off << 3 | 1); /* more fragments */
	fh[7] = 1;                       /* identification */
	uint8_t *t = fh + 8;
	t[1] = 99, t[3] = 80, t[12] = 0x50, t[13] = 0x02;
	return n + NET_IP6_HLEN + 8 + 20;
}

/* IPv6: the first fragment's ports are read past its fragment header; later fragments
 * have none, as in IPv4. */
static void test_ipv6_fragments(void)
{
	up(true);
	struct in6_addr h2 = lab_a6("2001:db8:20::60");
	CU_ASSERT_EQUAL_FATAL(arp6_static_add(gw_nd(L.gw), L.bdif20, &h2, H2), ARP_OK);
	uint8_t f[256];
	set_list(ACL_IP6, "F6", (const char *const[]){"10 permit tcp any any eq 80", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP6, ACL_IN, "F6"), GW_OK);
	CU_ASSERT_EQUAL(send_h1(f, frag6(f, 0), 2), 2);
	CU_ASSERT_EQUAL(send_h1(f, frag6(f, 100), 3), 0);
	CU_ASSERT_EQUAL(hits(ACL_IP6, "F6", 10), 2);
	CU_ASSERT_EQUAL(hits(ACL_IP6, "F6", 0), 3);
	set_list(ACL_IP6, "F6",
	         (const char *const[]){"10 permit tcp any any eq 80",
	                               "20 permit ipv6 any any fragments", NULL});
	CU_ASSERT_EQUAL(send_h1(f, frag6(f, 100), 1), 1);
	CU_ASSERT_EQUAL(hits(ACL_IP6, "F6", 20), 1);
	down();
}

/* The trace shows each list's decision, then the drop. */
static void test_trace(void)
{
	up(false);
	uint8_t f[256];
	set_list(ACL_IP4, "WEB", WEB);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif20, ACL_IP4, ACL_OUT, "WEB"), GW_OK);
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 2, GW_TRACE_IN_ANY), 2);
	CU_ASSERT_EQUAL(send_h1(f, tcp_frame(f, IP_H2, 80, 0x02), 1), 1);
	CU_ASSERT_EQUAL(send_h1(f, tcp_frame(f, IP_H2, 22, 0x02), 1), 0);
	CU_ASSERT_EQUAL_FATAL(gw_trace_count(L.gw), 2);
	const char *want[2] = {"list WEB family ip interface bdif20 direction out entry 10 action "
	                       "permit",
	                       "list WEB family ip interface bdif20 direction out entry 50 action "
	                       "deny"};
	for (uint32_t e = 0; e < 2; e++) {
		const struct gw_trace_pkt *t = gw_trace_get(L.gw, e);
		char line[256] = "";
		bool acl = false, dropped = false;
		for (unsigned i = 0; i < t->n_recs; i++) {
			gw_trace_format(L.gw, &t->rec[i], line, sizeof(line));
			if (t->rec[i].stage == GW_TR_ACL) {
				acl = true;
				CU_ASSERT_STRING_EQUAL(line, want[e]);
			}
			if (t->rec[i].stage == GW_TR_DROP)
				dropped = strstr(line, "acl_deny") != NULL;
		}
		CU_ASSERT(acl);
		CU_ASSERT_EQUAL(dropped, e == 1);
	}
	down();
}

static void test_api_refusals(void)
{
	up(false);
	set_list(ACL_IP4, "A", WEB);
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "B"), GW_E_NOENT);
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP6, ACL_IN, "A"), GW_E_NOENT);
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, 999, ACL_IP4, ACL_IN, "A"), GW_E_NOENT);
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "A"), GW_OK);
	CU_ASSERT_EQUAL(gw_acl_del(L.gw, ACL_IP4, "A"), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, NULL), GW_OK);
	CU_ASSERT_EQUAL(gw_acl_del(L.gw, ACL_IP4, "A"), GW_OK);
	CU_ASSERT_EQUAL(gw_acl_del(L.gw, ACL_IP4, "A"), GW_E_NOENT);
	CU_ASSERT_EQUAL(gw_acl_set(L.gw, ACL_IP4, "9bad", NULL, 0), GW_E_INVAL);
	CU_ASSERT_EQUAL(gw_acl_set(L.gw, 5, "A", NULL, 0), GW_E_INVAL);
	struct acl_rule r[2];
	lab_acl_rules(ACL_IP4,
	              (const char *const[]){"20 permit ip any any", "10 deny ip any any", NULL}, r);
	CU_ASSERT_EQUAL(gw_acl_set(L.gw, ACL_IP4, "U", r, 2), GW_E_INVAL); /* not in order */
	/* names in order; an interface's deletion lets its lists go */
	set_list(ACL_IP4, "Z", WEB);
	set_list(ACL_IP4, "M", WEB);
	const char *names[4];
	CU_ASSERT_EQUAL(gw_acl_names(L.gw, ACL_IP4, names, 4), 2);
	CU_ASSERT_STRING_EQUAL(names[0], "M");
	CU_ASSERT_STRING_EQUAL(names[1], "Z");
	CU_ASSERT_EQUAL(gw_if_set_acl(L.gw, L.up0, ACL_IP4, ACL_OUT, "Z"), GW_OK);
	CU_ASSERT_EQUAL(gw_acl_del(L.gw, ACL_IP4, "Z"), GW_E_BUSY);
	CU_ASSERT_EQUAL(gw_if_del(L.gw, L.up0), GW_OK);
	CU_ASSERT_EQUAL(gw_acl_del(L.gw, ACL_IP4, "Z"), GW_OK);
	down();
}

/* An L2 port's lists filter the IP frames it receives and sends; ARP passes. */
static void test_l2_port(void)
{
	up(false);
	static const uint8_t H4[6] = {0x02, 0, 0, 0, 0x04, 0x04};
	static const uint8_t P2_MAC[6] = {0x02, 0, 0, 0, 0xaa, 0x02};
	uint16_t p2;
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "p2", P2_MAC, &p2) == GW_OK);
	CU_ASSERT_FATAL(gw_if_set_l2_bd(L.gw, p2, 10) == GW_OK);
	set_list(ACL_IP4, "P", (const char *const[]){"permit icmp any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, p2, ACL_IP4, ACL_IN, "P"), GW_OK);
	uint8_t f[256];
	/* h4 on p2 (10.1.10.44) pings h1 behind VTEP .11: switched; UDP is denied */
	unsigned n = lab_eth(f, H1, H4, NET_ETHERTYPE_IP);
	n += lab_ip(f + n, 0x0a010a2cu, IP_H1, NET_IPPROTO_ICMP, 64, 16, false);
	memset(f + n, 0, 16);
	f[n] = 8;
	n += 16;
	lab_reset_capture(&L);
	lab_from_uplink(&L, p2, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "P", 10), 1);
	f[NET_ETH_HLEN + 9] = NET_IPPROTO_UDP;
	f[NET_ETH_HLEN + 10] = f[NET_ETH_HLEN + 11] = 0;
	lab_reset_capture(&L);
	lab_from_uplink(&L, p2, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "P", 0), 1);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ACL_DENY), 1);
	/* out: h1's UDP to h4 is denied on p2 */
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, p2, ACL_IP4, ACL_OUT, "P"), GW_OK);
	n = lab_eth(f, H4, H1, NET_ETHERTYPE_IP);
	n += lab_ip(f + n, IP_H1, 0x0a010a2cu, NET_IPPROTO_UDP, 64, 16, false);
	memset(f + n, 0, 16);
	n += 16;
	lab_reset_capture(&L);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(hits(ACL_IP4, "P", 0), 2);
	down();
}

static CU_TestInfo tests[] = {
    {"web out on bdif20", test_web_out},
    {"web in on bdif10", test_web_in},
    {"implicit deny counted, counters cleared", test_implicit_deny_and_clear},
    {"the gateway's own traffic is not filtered", test_gateway_not_filtered},
    {"a list replaced while applied keeps its counts", test_replace_keeps_counts},
    {"fragments", test_fragments},
    {"ipv6 traffic-filter", test_ipv6},
    {"ipv6 fragments", test_ipv6_fragments},
    {"trace", test_trace},
    {"api refusals", test_api_refusals},
    {"l2 port", test_l2_port},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"gwacl", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
