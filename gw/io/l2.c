/*
 * gw/io/l2.c - next-hop cache for the underlay's direct Ethernet transmit (see l2.h).
 *
 * The kernel answers a non-dump rtnetlink request within the sendto() that carries it,
 * so a query is two system calls and never waits: the answer is read with MSG_DONTWAIT
 * and a missing one is a failed query (the packet goes the raw way, the peer is asked
 * again GW_L2_RETRY_MS later).
 */
#include "gw/io/l2.h"

/* net/if.h before the linux headers: its libc-compat guards then keep out linux/if.h. */
#include <net/if.h>
#include <net/if_arp.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/net.h"

#define PROBE_MAX 8 /* slots looked at per peer: the table stays bounded, never rehashed */
#define NL_BUF    8192

/*
 * A peer of either family is keyed by one IPv6 address: an IPv4 one as ::ffff:a.b.c.d
 * (RFC 4291's IPv4-mapped form, never an IPv6 VTEP), so one table, one probe loop and one
 * resolver serve both, and the family is read back from the key.
 */
struct entry {
	struct in6_addr key; /* :: free */
	bool usable;
	/* The kernel's entry is stale: send one packet the raw way, so that the kernel's
	 * neighbour state machine sees traffic and re-validates the MAC (delay, probe). */
	bool confirm;
	uint64_t expires_ms;
	struct gw_l2_nh nh;
};

struct gw_l2 {
	int nl_fd;
	int pkt_fd;
	uint32_t seq;
	uint64_t now_ms;
	unsigned budget;
	struct entry tab[GW_L2_ENTRIES];
	uint8_t buf[NL_BUF];
};

/* ---------------------------------------------------------------- parsing */

/*
 * Finds the message answering seq: its header in *out, or a negative errno (the
 * kernel's error, or -ENOMSG when there is none for seq).
 */
static int find_answer(const void *buf, size_t len, uint32_t seq, const struct nlmsghdr **out)
{
	/* NLMSG_OK/NLMSG_NEXT by hand: the macros compare the u32 length with an int */
	size_t step;
	for (size_t off = 0; len - off >= sizeof(struct nlmsghdr); off += step) {
		const struct nlmsghdr *h = (const void *)((const uint8_t *)buf + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			break;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len - off)
			step = len - off; /* the last message: the loop ends after it */
		if (h->nlmsg_seq != seq)
			continue; /* a late answer to an earlier query */
		if (h->nlmsg_type == NLMSG_ERROR) {
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EBADMSG;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error == 0)
				continue; /* an ack: the answer, if any, is elsewhere */
			return e->error < 0 ? e->error : -EBADMSG;
		}
		*out = h;
		return 0;
	}
	return -ENOMSG;
}

static bool family_ok(uint8_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* An address attribute of the family's size (4 bytes: host order into *v4; 16: *v6);
 * other sizes are ignored. */
static void attr_addr(const struct rtattr *a, uint8_t family, uint32_t *v4, struct in6_addr *v6)
{
	if (family == AF_INET && RTA_PAYLOAD(a) == 4) {
		uint32_t v;
		memcpy(&v, RTA_DATA(a), 4);
		*v4 = ntohl(v);
	} else if (family == AF_INET6 && RTA_PAYLOAD(a) == 16) {
		memcpy(v6, RTA_DATA(a), 16);
	}
}

int gw_l2_parse_route(const void *buf, size_t len, uint32_t seq, struct gw_l2_route *out)
{
	const struct nlmsghdr *h;
	int r = find_answer(buf, len, seq, &h);
	if (r < 0)
		return r;
	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EBADMSG;
	const struct rtmsg *rt = NLMSG_DATA(h);
	if (!family_ok(rt->rtm_family))
		return -EBADMSG;
	*out = (struct gw_l2_route){.family = rt->rtm_family, .type = rt->rtm_type};
	bool via = false;
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*rt)));
	for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		via |= a->rta_type == RTA_VIA;
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4)
			memcpy(&out->oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY)
			attr_addr(a, out->family, &out->gateway, &out->gateway6);
	}
	/* A next hop of another family (RTA_VIA) has no neighbour of ours to ask about. */
	if (via)
		out->oif = 0;
	return 0;
}

int gw_l2_parse_neigh(const void *buf, size_t len, uint32_t seq, struct gw_l2_neigh *out)
{
	const struct nlmsghdr *h;
	int r = find_answer(buf, len, seq, &h);
	if (r < 0)
		return r;
	if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
		return -EBADMSG;
	const struct ndmsg *nd = NLMSG_DATA(h);
	if (!family_ok(nd->ndm_family))
		return -EBADMSG;
	*out = (struct gw_l2_neigh){
	    .state = nd->ndm_state, .family = nd->ndm_family, .ifindex = nd->ndm_ifindex};
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
	const struct rtattr *a =
	    (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(out->mac, RTA_DATA(a), 6);
			out->has_mac = true;
		} else if (a->rta_type == NDA_DST) {
			attr_addr(a, out->family, &out->dst, &out->dst6);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- kernel queries */

static void put_attr(struct nlmsghdr *h, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Sends request h and reads what is queued; returns the bytes read or -1. */
static ssize_t nl_ask(struct gw_l2 *l, struct nlmsghdr *h)
{
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = ++l->seq;
	if (sendto(l->nl_fd, h, h->nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		return -1;
	/* Answers to earlier queries that failed half-way may still be queued: skip them. */
	for (int i = 0; i < 4; i++) {
		ssize_t n = recv(l->nl_fd, l->buf, sizeof(l->buf), MSG_DONTWAIT);
		if (n <= 0)
			return -1;
		const struct nlmsghdr *m = (const struct nlmsghdr *)l->buf;
		if ((size_t)n >= sizeof(*m) && m->nlmsg_seq == l->seq)
			return n;
	}
	return -1;
}

static struct in6_addr key4(uint32_t ip)
{
	struct in6_addr k = {.s6_addr = {[10] = 0xff, [11] = 0xff}};
	uint32_t n = htonl(ip);
	memcpy(k.s6_addr + 12, &n, 4);
	return k;
}

/* The family of key k and its address as the kernel wants it (4 or 16 bytes). */
static uint8_t key_addr(const struct in6_addr *k, const void **addr, uint16_t *len)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(k);
	*addr = v4 ? k->s6_addr + 12 : k->s6_addr;
	*len = v4 ? 4 : 16;
	return v4 ? AF_INET : AF_INET6;
}

static int ask_route(struct gw_l2 *l, const struct in6_addr *dst, struct gw_l2_route *r)
{
	const void *addr;
	uint16_t alen;
	uint8_t family = key_addr(dst, &addr, &alen);
	struct {
		struct nlmsghdr h;
		struct rtmsg rt;
		char attrs[64];
	} req = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)), .nlmsg_type = RTM_GETROUTE},
	         .rt = {.rtm_family = family, .rtm_dst_len = (uint8_t)(alen * 8)}};
	put_attr(&req.h, RTA_DST, addr, alen);
	ssize_t n = nl_ask(l, &req.h);
	if (n < 0 || gw_l2_parse_route(l->buf, (size_t)n, l->seq, r) != 0)
		return -1;
	return r->family == family ? 0 : -1;
}

/* The neighbour a route sends dst's packets to: its gateway, or dst itself on-link. */
static struct in6_addr route_next_hop(const struct gw_l2_route *r, const struct in6_addr *dst)
{
	if (r->family == AF_INET)
		return r->gateway ? key4(r->gateway) : *dst;
	return net_ip6_is_zero(&r->gateway6) ? *dst : r->gateway6;
}

static int ask_neigh(struct gw_l2 *l, int ifindex, const struct in6_addr *ip,
                     struct gw_l2_neigh *nb)
{
	const void *addr;
	uint16_t alen;
	uint8_t family = key_addr(ip, &addr, &alen);
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
		char attrs[64];
	} req = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)), .nlmsg_type = RTM_GETNEIGH},
	         .nd = {.ndm_family = family, .ndm_ifindex = ifindex}};
	put_attr(&req.h, NDA_DST, addr, alen);
	ssize_t n = nl_ask(l, &req.h);
	if (n < 0 || gw_l2_parse_neigh(l->buf, (size_t)n, l->seq, nb) != 0 || nb->family != family)
		return -1;
	/* the answer must be about the question: a MAC for another neighbour would send a
	 * peer's frames to the wrong host until the next refresh */
	struct in6_addr about = family == AF_INET ? key4(nb->dst) : nb->dst6;
	return nb->ifindex == ifindex && net_ip6_eq(&about, ip) ? 0 : -1;
}

/* The netdev's MAC and MTU, if it is an Ethernet device that is up. */
static int link_attrs(struct gw_l2 *l, int ifindex, struct gw_l2_nh *nh)
{
	struct ifreq ifr = {.ifr_ifindex = ifindex};
	if (ioctl(l->pkt_fd, SIOCGIFNAME, &ifr) < 0 || ioctl(l->pkt_fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    !(ifr.ifr_flags & IFF_UP) || ioctl(l->pkt_fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -1;
	memcpy(nh->src, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(l->pkt_fd, SIOCGIFMTU, &ifr) < 0 || ifr.ifr_mtu <= 0)
		return -1;
	nh->mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

/* Asks the kernel where dst goes; fills e (usable or not). */
static void resolve(struct gw_l2 *l, struct entry *e, const struct in6_addr *dst)
{
	struct gw_l2_route r;
	struct gw_l2_neigh nb;
	e->usable = false;
	e->confirm = false;
	e->expires_ms = l->now_ms + GW_L2_RETRY_MS;
	if (ask_route(l, dst, &r) != 0 || r.type != RTN_UNICAST || r.oif <= 0 ||
	    link_attrs(l, r.oif, &e->nh) != 0)
		return;
	struct in6_addr nh = route_next_hop(&r, dst);
	if (ask_neigh(l, r.oif, &nh, &nb) != 0 || !nb.has_mac ||
	    !(nb.state &
	      (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP | NUD_STALE | NUD_DELAY | NUD_PROBE)))
		return;
	e->nh.ifindex = r.oif;
	memcpy(e->nh.dst, nb.mac, 6);
	e->usable = true;
	e->confirm = (nb.state & (NUD_STALE | NUD_DELAY | NUD_PROBE)) != 0;
	e->expires_ms = l->now_ms + GW_L2_REFRESH_MS;
}

/* ---------------------------------------------------------------- cache */

struct gw_l2 *gw_l2_open(void)
{
	struct gw_l2 *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	/* Protocol 0: the socket only sends and never gets a copy of any received frame. */
	l->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, buf = 4 << 20;
	if (l->nl_fd < 0 || l->pkt_fd < 0 ||
	    setsockopt(l->pkt_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
		gw_l2_close(l);
		return NULL;
	}
	if (setsockopt(l->pkt_fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		(void)setsockopt(l->pkt_fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return l;
}

void gw_l2_close(struct gw_l2 *l)
{
	if (!l)
		return;
	if (l->nl_fd >= 0)
		close(l->nl_fd);
	if (l->pkt_fd >= 0)
		close(l->pkt_fd);
	free(l);
}

int gw_l2_fd(const struct gw_l2 *l)
{
	return l->pkt_fd;
}

void gw_l2_begin(struct gw_l2 *l, uint64_t now_ms)
{
	l->now_ms = now_ms;
	l->budget = GW_L2_RESOLVES;
}

static uint32_t slot_of(const struct in6_addr *key)
{
	return (uint32_t)(net_hash_ip6(key) >> 54); /* top 10 bits: GW_L2_ENTRIES slots */
}

_Static_assert(GW_L2_ENTRIES == 1024, "slot_of takes 10 bits");

static const struct gw_l2_nh *lookup_key(struct gw_l2 *l, const struct in6_addr *dst)
{
	struct entry *e = NULL, *spare = NULL;
	uint32_t s = slot_of(dst);
	for (unsigned i = 0; i < PROBE_MAX; i++) {
		struct entry *x = &l->tab[(s + i) & (GW_L2_ENTRIES - 1)];
		if (net_ip6_eq(&x->key, dst)) {
			e = x;
			break;
		}
		/* A free or expired slot may take a new peer; an expired one is a peer not
		 * sent to for a while, cheap to ask about again. */
		if (!spare && (net_ip6_is_zero(&x->key) || x->expires_ms <= l->now_ms))
			spare = x;
	}
	if (!e || e->expires_ms <= l->now_ms) {
		if (!e)
			e = spare;
		if (!e || l->budget == 0)
			return NULL;
		l->budget--;
		e->key = *dst;
		resolve(l, e, dst);
	}
	if (!e->usable)
		return NULL;
	if (e->confirm) {
		e->confirm = false;
		return NULL;
	}
	return &e->nh;
}

const struct gw_l2_nh *gw_l2_lookup(struct gw_l2 *l, uint32_t dst)
{
	struct in6_addr k = key4(dst);
	return lookup_key(l, &k);
}

const struct gw_l2_nh *gw_l2_lookup6(struct gw_l2 *l, const struct in6_addr *dst)
{
	return lookup_key(l, dst);
}
