/*
 * test_io_l2.c - parsing the kernel's rtnetlink answers for the underlay's direct
 * Ethernet transmit (gw/io/l2.h), and its link events for the uplinks (gw_netdevs_parse,
 * gw/io/io.h), from canned messages built here the way the kernel lays them out: route and
 * neighbour answers, errors, answers to other requests, link events, and truncated or
 * foreign messages. No kernel needed.
 */
#include "cu_main.h"

#include "gw/io/io.h"
#include "gw/io/l2.h"

/* net/if.h first: see gw/io/l2.c */
#include <net/if.h>

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>

#define SEQ 42

/* A message under construction, aligned as the kernel writes them. */
struct msg {
	uint8_t b[512] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type, uint32_t seq, const void *body,
                                  size_t blen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->b + m->len);
	h->nlmsg_type = type;
	h->nlmsg_seq = seq;
	h->nlmsg_flags = 0;
	h->nlmsg_pid = 0;
	h->nlmsg_len = NLMSG_LENGTH(blen);
	memcpy(NLMSG_DATA(h), body, blen);
	m->len += NLMSG_ALIGN(h->nlmsg_len);
	return h;
}

static void msg_attr(struct msg *m, struct nlmsghdr *h, uint16_t type, const void *data,
                     uint16_t len)
{
	struct rtattr *a = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	m->len = (size_t)((uint8_t *)h - m->b) + h->nlmsg_len;
}

static void msg_u32(struct msg *m, struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	msg_attr(m, h, type, &v, 4);
}

static struct nlmsghdr *route_msg(struct msg *m, uint32_t seq, uint8_t type)
{
	struct rtmsg rt = {.rtm_family = AF_INET, .rtm_dst_len = 32, .rtm_type = type};
	struct nlmsghdr *h = msg_start(m, RTM_NEWROUTE, seq, &rt, sizeof(rt));
	msg_u32(m, h, RTA_TABLE, RT_TABLE_MAIN);
	msg_u32(m, h, RTA_DST, htonl(0xc0000216)); /* 192.0.2.22 */
	return h;
}

static void test_route_via_gateway(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = route_msg(&m, SEQ, RTN_UNICAST);
	msg_u32(&m, h, RTA_OIF, 7);
	msg_u32(&m, h, RTA_GATEWAY, htonl(0xc6336401)); /* 198.51.100.1 */
	msg_u32(&m, h, RTA_PREFSRC, htonl(0xc0000201));
	struct gw_l2_route r;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(m.b, m.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.type, RTN_UNICAST);
	CU_ASSERT_EQUAL(r.oif, 7);
	CU_ASSERT_EQUAL(r.gateway, 0xc6336401u);
}

static void test_route_onlink_and_local(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = route_msg(&m, SEQ, RTN_UNICAST);
	msg_u32(&m, h, RTA_OIF, 3);
	struct gw_l2_route r;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(m.b, m.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.oif, 3);
	CU_ASSERT_EQUAL(r.gateway, 0);

	struct msg l = {0};
	h = route_msg(&l, SEQ, RTN_LOCAL);
	msg_u32(&l, h, RTA_OIF, 1);
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(l.b, l.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.type, RTN_LOCAL);
}

/* A next hop of another family has no IPv4 neighbour to ask about: no interface. */
static void test_route_via_other_family(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = route_msg(&m, SEQ, RTN_UNICAST);
	uint8_t via[18] = {0};
	via[0] = AF_INET6 & 0xff;
	msg_attr(&m, h, RTA_VIA, via, sizeof(via));
	msg_u32(&m, h, RTA_OIF, 4);
	struct gw_l2_route r;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(m.b, m.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.oif, 0);
}

static void test_route_error_and_seq(void)
{
	struct msg m = {0};
	struct nlmsgerr e = {.error = -ENETUNREACH};
	msg_start(&m, NLMSG_ERROR, SEQ, &e, sizeof(e));
	struct gw_l2_route r;
	CU_ASSERT_EQUAL(gw_l2_parse_route(m.b, m.len, SEQ, &r), -ENETUNREACH);
	/* The same error answering an earlier request is not ours. */
	CU_ASSERT_EQUAL(gw_l2_parse_route(m.b, m.len, SEQ + 1, &r), -ENOMSG);

	/* A late answer first, then ours: ours is taken. */
	struct msg two = {0};
	struct nlmsghdr *h = route_msg(&two, SEQ - 1, RTN_UNICAST);
	msg_u32(&two, h, RTA_OIF, 9);
	h = route_msg(&two, SEQ, RTN_UNICAST);
	msg_u32(&two, h, RTA_OIF, 5);
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(two.b, two.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.oif, 5);
}

static void test_route_malformed(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = route_msg(&m, SEQ, RTN_UNICAST);
	msg_u32(&m, h, RTA_OIF, 5);
	struct gw_l2_route r;
	/* Cut anywhere: never read past the end, never a success. */
	for (size_t cut = 0; cut < m.len; cut++)
		CU_ASSERT(gw_l2_parse_route(m.b, cut, SEQ, &r) < 0);
	/* A neighbour answer is not a route. */
	struct msg n = {0};
	struct ndmsg nd = {.ndm_family = AF_INET};
	msg_start(&n, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	CU_ASSERT_EQUAL(gw_l2_parse_route(n.b, n.len, SEQ, &r), -EBADMSG);
	/* Header claims less than an rtmsg. */
	struct msg s = {0};
	uint8_t small[4] = {AF_INET};
	msg_start(&s, RTM_NEWROUTE, SEQ, small, sizeof(small));
	CU_ASSERT_EQUAL(gw_l2_parse_route(s.b, s.len, SEQ, &r), -EBADMSG);
}

static void test_neigh(void)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0b, 0x02};
	struct msg m = {0};
	struct ndmsg nd = {.ndm_family = AF_INET, .ndm_ifindex = 7, .ndm_state = NUD_REACHABLE};
	struct nlmsghdr *h = msg_start(&m, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	msg_u32(&m, h, NDA_DST, htonl(0xc0000216));
	msg_attr(&m, h, NDA_LLADDR, mac, 6);
	struct gw_l2_neigh n;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_neigh(m.b, m.len, SEQ, &n), 0);
	CU_ASSERT_EQUAL(n.state, NUD_REACHABLE);
	CU_ASSERT(n.has_mac);
	CU_ASSERT_EQUAL(memcmp(n.mac, mac, 6), 0);
	/* what the answer is about, for the caller to check against its question */
	CU_ASSERT_EQUAL(n.ifindex, 7);
	CU_ASSERT_EQUAL(n.dst, 0xc0000216u);
	for (size_t cut = 0; cut < m.len; cut++)
		CU_ASSERT(gw_l2_parse_neigh(m.b, cut, SEQ, &n) < 0 || !n.has_mac);
}

/* Being resolved: the kernel has the entry but no address yet. */
static void test_neigh_incomplete(void)
{
	struct msg m = {0};
	struct ndmsg nd = {.ndm_family = AF_INET, .ndm_ifindex = 7, .ndm_state = NUD_INCOMPLETE};
	struct nlmsghdr *h = msg_start(&m, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	msg_u32(&m, h, NDA_DST, htonl(0xc0000216));
	struct gw_l2_neigh n;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_neigh(m.b, m.len, SEQ, &n), 0);
	CU_ASSERT_EQUAL(n.state, NUD_INCOMPLETE);
	CU_ASSERT(!n.has_mac);

	/* An address that is not 6 bytes (another link type) is not taken. */
	struct msg o = {0};
	nd.ndm_state = NUD_REACHABLE;
	h = msg_start(&o, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	uint8_t ll[4] = {10, 0, 0, 1};
	msg_attr(&o, h, NDA_LLADDR, ll, sizeof(ll));
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_neigh(o.b, o.len, SEQ, &n), 0);
	CU_ASSERT(!n.has_mac);

	/* No entry at all. */
	struct msg e = {0};
	struct nlmsgerr err = {.error = -ENOENT};
	msg_start(&e, NLMSG_ERROR, SEQ, &err, sizeof(err));
	CU_ASSERT_EQUAL(gw_l2_parse_neigh(e.b, e.len, SEQ, &n), -ENOENT);
}

/* ---------------------------------------------------------------- IPv6 answers */

static const struct in6_addr DST6 = {.s6_addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x22}};
static const struct in6_addr GW6 = {.s6_addr = {0xfe, 0x80, [15] = 0x01}};

static struct nlmsghdr *route6_msg(struct msg *m, uint8_t type)
{
	struct rtmsg rt = {.rtm_family = AF_INET6, .rtm_dst_len = 128, .rtm_type = type};
	struct nlmsghdr *h = msg_start(m, RTM_NEWROUTE, SEQ, &rt, sizeof(rt));
	msg_u32(m, h, RTA_TABLE, RT_TABLE_MAIN);
	msg_attr(m, h, RTA_DST, &DST6, 16);
	return h;
}

static void test_route6(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = route6_msg(&m, RTN_UNICAST);
	msg_u32(&m, h, RTA_OIF, 7);
	msg_attr(&m, h, RTA_GATEWAY, &GW6, 16);
	struct gw_l2_route r;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(m.b, m.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.family, AF_INET6);
	CU_ASSERT_EQUAL(r.type, RTN_UNICAST);
	CU_ASSERT_EQUAL(r.oif, 7);
	CU_ASSERT_EQUAL(memcmp(&r.gateway6, &GW6, 16), 0);
	CU_ASSERT_EQUAL(r.gateway, 0);

	/* on-link: no gateway; a 4-byte gateway is not an IPv6 one */
	struct msg o = {0};
	h = route6_msg(&o, RTN_UNICAST);
	msg_u32(&o, h, RTA_OIF, 3);
	msg_u32(&o, h, RTA_GATEWAY, htonl(0xc6336401));
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_route(o.b, o.len, SEQ, &r), 0);
	CU_ASSERT_EQUAL(r.oif, 3);
	CU_ASSERT(IN6_IS_ADDR_UNSPECIFIED(&r.gateway6));
	CU_ASSERT_EQUAL(r.gateway, 0);
	for (size_t cut = 0; cut < m.len; cut++)
		CU_ASSERT(gw_l2_parse_route(m.b, cut, SEQ, &r) < 0);

	/* a family we never ask about */
	struct msg x = {0};
	struct rtmsg rt = {.rtm_family = AF_PACKET, .rtm_type = RTN_UNICAST};
	msg_start(&x, RTM_NEWROUTE, SEQ, &rt, sizeof(rt));
	CU_ASSERT_EQUAL(gw_l2_parse_route(x.b, x.len, SEQ, &r), -EBADMSG);
}

static void test_neigh6(void)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0b, 0x06};
	struct msg m = {0};
	struct ndmsg nd = {.ndm_family = AF_INET6, .ndm_ifindex = 7, .ndm_state = NUD_STALE};
	struct nlmsghdr *h = msg_start(&m, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	msg_attr(&m, h, NDA_DST, &GW6, 16);
	msg_attr(&m, h, NDA_LLADDR, mac, 6);
	struct gw_l2_neigh n;
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_neigh(m.b, m.len, SEQ, &n), 0);
	CU_ASSERT_EQUAL(n.family, AF_INET6);
	CU_ASSERT_EQUAL(n.state, NUD_STALE);
	CU_ASSERT(n.has_mac);
	CU_ASSERT_EQUAL(memcmp(n.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(n.ifindex, 7);
	CU_ASSERT_EQUAL(memcmp(&n.dst6, &GW6, 16), 0);
	CU_ASSERT_EQUAL(n.dst, 0);
	for (size_t cut = 0; cut < m.len; cut++)
		CU_ASSERT(gw_l2_parse_neigh(m.b, cut, SEQ, &n) < 0 || !n.has_mac);

	/* an IPv4-sized NDA_DST in an IPv6 answer names nothing */
	struct msg o = {0};
	h = msg_start(&o, RTM_NEWNEIGH, SEQ, &nd, sizeof(nd));
	msg_u32(&o, h, NDA_DST, htonl(0xc0000216));
	CU_ASSERT_EQUAL_FATAL(gw_l2_parse_neigh(o.b, o.len, SEQ, &n), 0);
	CU_ASSERT(IN6_IS_ADDR_UNSPECIFIED(&n.dst6));
	CU_ASSERT_EQUAL(n.dst, 0);
}

/* ---------------------------------------------------------------- link events */

struct events {
	unsigned n;
	struct gw_netdev_event ev[8];
};

static void collect(void *ctx, const struct gw_netdev_event *ev)
{
	struct events *e = ctx;
	if (e->n < 8)
		e->ev[e->n] = *ev;
	e->n++;
}

static struct nlmsghdr *link_msg(struct msg *m, uint16_t type, int ifindex, unsigned flags,
                                 const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = flags};
	struct nlmsghdr *h = msg_start(m, type, 0, &ifi, sizeof(ifi));
	if (name)
		msg_attr(m, h, IFLA_IFNAME, name, (uint16_t)(strlen(name) + 1));
	msg_u32(m, h, IFLA_MTU, 1500);
	return h;
}

/* New, changed and deleted links in one datagram, other messages between them ignored. */
static void test_link_events(void)
{
	struct msg m = {0};
	link_msg(&m, RTM_NEWLINK, 17, IFF_UP | IFF_RUNNING, "up0");
	route_msg(&m, 0, RTN_UNICAST);
	link_msg(&m, RTM_NEWLINK, 18, 0, NULL);
	link_msg(&m, RTM_DELLINK, 9, IFF_UP, "ext0");
	struct events e = {0};
	CU_ASSERT_EQUAL(gw_netdevs_parse(m.b, m.len, collect, &e), 3);
	CU_ASSERT_EQUAL_FATAL(e.n, 3);
	CU_ASSERT(!e.ev[0].gone);
	CU_ASSERT_EQUAL(e.ev[0].ifindex, 17);
	CU_ASSERT_EQUAL(e.ev[0].flags, IFF_UP | IFF_RUNNING);
	CU_ASSERT_STRING_EQUAL(e.ev[0].name, "up0");
	CU_ASSERT_EQUAL(e.ev[1].ifindex, 18);
	CU_ASSERT_STRING_EQUAL(e.ev[1].name, ""); /* no name in the message */
	CU_ASSERT(e.ev[2].gone);
	CU_ASSERT_EQUAL(e.ev[2].ifindex, 9);
	CU_ASSERT_STRING_EQUAL(e.ev[2].name, "ext0");
}

/* Names without their NUL or too long for a netdev are no names; cut messages end it. */
static void test_link_events_malformed(void)
{
	struct msg m = {0};
	struct nlmsghdr *h = link_msg(&m, RTM_NEWLINK, 5, 0, NULL);
	msg_attr(&m, h, IFLA_IFNAME, "up0", 3); /* no NUL */
	h = link_msg(&m, RTM_NEWLINK, 6, 0, NULL);
	msg_attr(&m, h, IFLA_IFNAME, "a-name-longer-than-ifnamsiz", 28);
	struct events e = {0};
	CU_ASSERT_EQUAL(gw_netdevs_parse(m.b, m.len, collect, &e), 2);
	CU_ASSERT_STRING_EQUAL(e.ev[0].name, "");
	CU_ASSERT_STRING_EQUAL(e.ev[1].name, "");
	/* an ifinfomsg cut short is no event; a buffer cut anywhere is never read past */
	struct msg c = {0};
	struct nlmsghdr *hc = msg_start(&c, RTM_NEWLINK, 0, "ab", 2);
	(void)hc;
	struct events e2 = {0};
	CU_ASSERT_EQUAL(gw_netdevs_parse(c.b, c.len, collect, &e2), 0);
	struct msg one = {0};
	link_msg(&one, RTM_NEWLINK, 7, IFF_UP, "up0");
	for (size_t cut = 0; cut < one.len; cut++) {
		struct events e3 = {0};
		unsigned n = gw_netdevs_parse(one.b, cut, collect, &e3);
		CU_ASSERT(n == 0 || (n == 1 && e3.ev[0].ifindex == 7));
	}
}

static CU_TestInfo tests[] = {
    {"route: via a gateway", test_route_via_gateway},
    {"route: on-link, local", test_route_onlink_and_local},
    {"route: next hop of another family", test_route_via_other_family},
    {"route: kernel error, answers to other requests", test_route_error_and_seq},
    {"route: truncated or foreign messages", test_route_malformed},
    {"neigh: resolved entry", test_neigh},
    {"neigh: incomplete, odd address, absent", test_neigh_incomplete},
    {"route: IPv6 via a gateway, on-link, other families", test_route6},
    {"neigh: IPv6 entry", test_neigh6},
    {"link events: new, changed, deleted", test_link_events},
    {"link events: bad names, cut messages", test_link_events_malformed},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"io_l2", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
