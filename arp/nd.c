/*
 * arp/nd.c - IPv6 neighbour discovery messages (RFC 4861): parse and build.
 *
 * Byte access only (no struct overlay of the ICMPv6 message), so any alignment of the
 * packet buffer is fine, as in arp_wire.c. The IPv6 header given to nd_parse is only read
 * through memcpy for the same reason.
 */
#include "nd.h"

#include "common/net.h"

#define ND_MAX_OPTIONS 64 /* more than any real ND message carries: the walk's bound */
#define OPT_UNIT       8  /* option lengths count 8-byte units */
#define PI_LEN         32 /* a prefix information option */

/* Fixed part of each message, before its options (RFC 4861 4.1-4.4). */
enum {
	RS_LEN = 8,
	RA_LEN = 16,
	NS_LEN = 24, /* NA_LEN too */
	OFF_TYPE = 0,
	OFF_CODE = 1,
	OFF_SUM = 2,
	OFF_TARGET = 8,
};

const struct in6_addr nd_all_nodes = {{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
const struct in6_addr nd_all_routers = {{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}}};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return ntohs(v);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return ntohl(v);
}

static void wr16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void wr32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/* ---- parsing ---- */

static size_t fixed_len(uint8_t type)
{
	switch (type) {
	case NET_ICMP6_RS:
		return RS_LEN;
	case NET_ICMP6_RA:
		return RA_LEN;
	case NET_ICMP6_NS:
	case NET_ICMP6_NA:
		return NS_LEN;
	}
	return 0;
}

/* A link-layer address option: one unit holding a unicast Ethernet MAC. */
static int take_lladdr(const uint8_t *opt, bool *has, uint8_t *mac)
{
	const uint8_t *a = opt + 2;
	if (opt[1] != 1 || net_mac_is_mcast(a) || net_mac_is_zero(a))
		return ND_PARSE_LLADDR;
	if (!*has) /* the first one counts */
		memcpy(mac, a, NET_ETH_ALEN);
	*has = true;
	return ND_PARSE_OK;
}

static int take_prefix(const uint8_t *opt, struct nd_msg *m)
{
	if (opt[1] != PI_LEN / OPT_UNIT || opt[2] > 128)
		return ND_PARSE_OPTION;
	if (m->n_prefixes == ND_PREFIXES_MAX)
		return ND_PARSE_OK;
	struct nd_prefix *p = &m->prefixes[m->n_prefixes++];
	p->len = opt[2];
	p->flags = opt[3] & (ND_PI_ONLINK | ND_PI_AUTO);
	p->valid_s = rd32(opt + 4);
	p->preferred_s = rd32(opt + 8);
	memcpy(&p->pfx, opt + 16, 16);
	return ND_PARSE_OK;
}

static int take_mtu(const uint8_t *opt, struct nd_msg *m)
{
	if (opt[1] != 1)
		return ND_PARSE_OPTION;
	m->mtu = rd32(opt + 4);
	return ND_PARSE_OK;
}

/* One option of a known length; those a message type does not use are skipped (4.6). */
static int take_option(const uint8_t *opt, struct nd_msg *m)
{
	bool ra = m->type == NET_ICMP6_RA, na = m->type == NET_ICMP6_NA;
	switch (opt[0]) {
	case ND_OPT_SLLA:
		return na ? ND_PARSE_OK : take_lladdr(opt, &m->has_slla, m->slla);
	case ND_OPT_TLLA:
		return na ? take_lladdr(opt, &m->has_tlla, m->tlla) : ND_PARSE_OK;
	case ND_OPT_PREFIX:
		return ra ? take_prefix(opt, m) : ND_PARSE_OK;
	case ND_OPT_MTU:
		return ra ? take_mtu(opt, m) : ND_PARSE_OK;
	}
	return ND_PARSE_OK;
}

/* Every option has a length of at least one unit and ends inside the message. */
static int walk_options(const uint8_t *p, size_t len, struct nd_msg *m)
{
	for (unsigned n = 0; len > 0; n++) {
		if (len < 2)
			return ND_PARSE_SHORT;
		size_t olen = (size_t)p[1] * OPT_UNIT;
		if (olen == 0 || olen > len || n == ND_MAX_OPTIONS)
			return ND_PARSE_OPTION;
		int rc = take_option(p, m);
		if (rc)
			return rc;
		p += olen;
		len -= olen;
	}
	return ND_PARSE_OK;
}

static void read_fixed(const uint8_t *icmp, struct nd_msg *m)
{
	switch (m->type) {
	case NET_ICMP6_RA:
		m->cur_hop_limit = icmp[4];
		m->flags = icmp[5] & (ND_RA_MANAGED | ND_RA_OTHER);
		m->router_lifetime_s = rd16(icmp + 6);
		m->reachable_ms = rd32(icmp + 8);
		m->retrans_ms = rd32(icmp + 12);
		break;
	case NET_ICMP6_NA:
		m->flags = icmp[4] & (ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
		/* fall through */
	case NET_ICMP6_NS:
		memcpy(&m->target, icmp + OFF_TARGET, 16);
		break;
	}
}

static bool is_solicited_node(const struct in6_addr *a)
{
	struct in6_addr g;
	nd_solicited_node(a, &g);
	return memcmp(a->s6_addr, g.s6_addr, 13) == 0;
}

/* The checks between the addresses and the message (RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2). */
static int check_addresses(const struct in6_addr *src, const struct in6_addr *dst,
                           const struct nd_msg *m)
{
	bool unspec = net_ip6_is_zero(src);
	switch (m->type) {
	case NET_ICMP6_RA:
		return net_ip6_is_linklocal(src) ? ND_PARSE_OK : ND_PARSE_SOURCE;
	case NET_ICMP6_NS:
		if (net_ip6_is_mcast(&m->target))
			return ND_PARSE_TARGET;
		if (unspec && !is_solicited_node(dst)) /* DAD goes to the target's group */
			return ND_PARSE_SOURCE;
		break;
	case NET_ICMP6_NA:
		if (net_ip6_is_mcast(&m->target) ||
		    (net_ip6_is_mcast(dst) && (m->flags & ND_NA_SOLICITED)))
			return ND_PARSE_TARGET;
		break;
	}
	return unspec && m->has_slla ? ND_PARSE_SOURCE : ND_PARSE_OK;
}

int nd_parse(const struct net_ip6 *ip6, const uint8_t *icmp, size_t len, struct nd_msg *m)
{
	struct net_ip6 h;
	struct nd_msg scratch;
	if (!m)
		m = &scratch;
	memset(m, 0, sizeof(*m));
	if (!ip6 || !icmp || len < 1)
		return ND_PARSE_SHORT;
	m->type = icmp[OFF_TYPE];
	size_t fixed = fixed_len(m->type);
	if (!fixed)
		return ND_PARSE_TYPE;
	if (len < fixed)
		return ND_PARSE_SHORT;
	if (icmp[OFF_CODE] != 0)
		return ND_PARSE_CODE;
	memcpy(&h, ip6, sizeof(h));
	if (h.hlim != ND_HOP_LIMIT)
		return ND_PARSE_HOPLIMIT;
	read_fixed(icmp, m);
	int rc = walk_options(icmp + fixed, len - fixed, m);
	if (rc)
		return rc;
	struct in6_addr src = h.src, dst = h.dst; /* aligned copies */
	return check_addresses(&src, &dst, m);
}

const char *nd_parse_err_name(int err)
{
	switch (err) {
	case ND_PARSE_OK:
		return "ok";
	case ND_PARSE_SHORT:
		return "short";
	case ND_PARSE_TYPE:
		return "type";
	case ND_PARSE_CODE:
		return "code";
	case ND_PARSE_HOPLIMIT:
		return "hop-limit";
	case ND_PARSE_OPTION:
		return "option";
	case ND_PARSE_TARGET:
		return "target";
	case ND_PARSE_SOURCE:
		return "source";
	case ND_PARSE_LLADDR:
		return "lladdr";
	}
	return "unknown";
}

/* ---- building ---- */

/*
 * The IPv6 header in front of the icmp_len bytes at buf + NET_IP6_HLEN, and the ICMPv6
 * checksum over them (the message's own checksum field still 0). Returns the packet length.
 */
static size_t seal(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst,
                   size_t icmp_len)
{
	struct net_ip6 h = {
	    .vtcfl = htonl(6u << 28), /* traffic class 0, flow label 0 */
	    .plen = htons((uint16_t)icmp_len),
	    .nxt = NET_IPPROTO_ICMP6,
	    .hlim = ND_HOP_LIMIT,
	    .src = *src,
	    .dst = *dst,
	};
	memcpy(buf, &h, NET_IP6_HLEN);
	uint8_t *icmp = buf + NET_IP6_HLEN;
	uint32_t sum = net_ip6_pseudo_sum(src, dst, (uint32_t)icmp_len, NET_IPPROTO_ICMP6);
	uint16_t csum = net_csum_fold(net_csum_partial(icmp, icmp_len, sum));
	memcpy(icmp + OFF_SUM, &csum, 2);
	return NET_IP6_HLEN + icmp_len;
}

/* Zeroes the message's room and writes its type (code and checksum 0). */
static uint8_t *start(uint8_t *buf, size_t icmp_len, uint8_t type)
{
	uint8_t *icmp = buf + NET_IP6_HLEN;
	memset(icmp, 0, icmp_len);
	icmp[OFF_TYPE] = type;
	return icmp;
}

/* A link-layer address option; returns the bytes written. */
static size_t put_lladdr(uint8_t *p, uint8_t type, const uint8_t *mac)
{
	p[0] = type;
	p[1] = 1;
	memcpy(p + 2, mac, NET_ETH_ALEN);
	return OPT_UNIT;
}

/* NS and NA share their layout: the target, then one optional link-layer address. */
static size_t build_target_msg(uint8_t *buf, size_t cap, const struct in6_addr *src,
                               const struct in6_addr *dst, uint8_t type, uint8_t flags,
                               const struct in6_addr *target, uint8_t opt, const uint8_t *mac)
{
	size_t icmp_len = NS_LEN + (mac ? OPT_UNIT : 0);
	if (!buf || cap < NET_IP6_HLEN + icmp_len)
		return 0;
	uint8_t *icmp = start(buf, icmp_len, type);
	icmp[4] = flags;
	memcpy(icmp + OFF_TARGET, target, 16);
	if (mac)
		put_lladdr(icmp + NS_LEN, opt, mac);
	return seal(buf, src, dst, icmp_len);
}

size_t nd_build_ns(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct in6_addr *target, const uint8_t *slla)
{
	return build_target_msg(buf, cap, src, dst, NET_ICMP6_NS, 0, target, ND_OPT_SLLA, slla);
}

size_t nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct in6_addr *target, uint8_t flags, const uint8_t *tlla)
{
	flags &= ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE;
	return build_target_msg(buf, cap, src, dst, NET_ICMP6_NA, flags, target, ND_OPT_TLLA, tlla);
}

static size_t put_mtu(uint8_t *p, uint32_t mtu)
{
	p[0] = ND_OPT_MTU;
	p[1] = 1;
	wr32(p + 4, mtu);
	return OPT_UNIT;
}

/* RFC 4861 4.6.2; the prefix goes out with its host bits cleared. */
static size_t put_prefix(uint8_t *p, const struct nd_prefix *pi)
{
	uint8_t len = pi->len > 128 ? 128 : pi->len;
	struct in6_addr pfx = net_ip6_prefix(&pi->pfx, len);
	p[0] = ND_OPT_PREFIX;
	p[1] = PI_LEN / OPT_UNIT;
	p[2] = len;
	p[3] = pi->flags & (ND_PI_ONLINK | ND_PI_AUTO);
	wr32(p + 4, pi->valid_s);
	wr32(p + 8, pi->preferred_s);
	memcpy(p + 16, &pfx, 16); /* bytes 12..15 stay reserved, 0 */
	return PI_LEN;
}

static size_t ra_len(const struct nd_ra_info *ra)
{
	return RA_LEN + (ra->slla ? OPT_UNIT : 0) + (ra->mtu ? OPT_UNIT : 0) +
	       (size_t)ra->n_prefixes * PI_LEN;
}

/* More prefixes than ND_PREFIXES_MAX is the caller's error: nothing is built (0). */
size_t nd_build_ra(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct nd_ra_info *ra)
{
	size_t icmp_len = ra_len(ra);
	if (!buf || ra->n_prefixes > ND_PREFIXES_MAX || cap < NET_IP6_HLEN + icmp_len)
		return 0;
	uint8_t *icmp = start(buf, icmp_len, NET_ICMP6_RA);
	icmp[4] = ra->cur_hop_limit;
	icmp[5] = ra->flags & (ND_RA_MANAGED | ND_RA_OTHER);
	wr16(icmp + 6, ra->lifetime_s);
	wr32(icmp + 8, ra->reachable_ms);
	wr32(icmp + 12, ra->retrans_ms);
	uint8_t *p = icmp + RA_LEN;
	if (ra->slla)
		p += put_lladdr(p, ND_OPT_SLLA, ra->slla);
	if (ra->mtu)
		p += put_mtu(p, ra->mtu);
	for (unsigned i = 0; i < ra->n_prefixes; i++)
		p += put_prefix(p, &ra->prefixes[i]);
	return seal(buf, src, dst, icmp_len);
}

/* ---- addresses ---- */

void nd_solicited_node(const struct in6_addr *a, struct in6_addr *group)
{
	static const uint8_t head[13] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
	struct in6_addr g;
	memcpy(g.s6_addr, head, sizeof(head));
	memcpy(g.s6_addr + 13, a->s6_addr + 13, 3);
	*group = g; /* a and group may be the same */
}

void nd_mcast_mac(const struct in6_addr *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->s6_addr + 12, 4);
}

void nd_eui64_linklocal(const uint8_t *mac, struct in6_addr *ll)
{
	static const uint8_t fe80[8] = {0xfe, 0x80};
	memcpy(ll->s6_addr, fe80, 8);
	ll->s6_addr[8] = mac[0] ^ 0x02; /* the universal/local bit, inverted */
	memcpy(ll->s6_addr + 9, mac + 1, 2);
	ll->s6_addr[11] = 0xff;
	ll->s6_addr[12] = 0xfe;
	memcpy(ll->s6_addr + 13, mac + 3, 3);
}
