/*
 * fuzz_nd.c - libFuzzer target for nd_parse (arp/nd.c).
 *
 * Input: an IPv6 header (40 bytes) and the ICMPv6 message after it, as received (the
 * caller's checksum check is not repeated here: nd_parse never reads the checksum).
 *
 * A message nd_parse accepts must make sense (at most ND_PREFIXES_MAX prefixes, each at
 * most /128), and an NS, NA or RA built again by nd_build_* from what was parsed must parse
 * back to the same fields (the prefixes with their host bits cleared, as the RA builder
 * sends them). Every result has a name. Any violation abort()s, which libFuzzer reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arp/nd.h"
#include "common/net.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* What the RA builder sends for m: its prefixes with their host bits cleared. */
static void as_sent(struct nd_msg *m)
{
	for (unsigned i = 0; i < m->n_prefixes; i++)
		m->prefixes[i].pfx = net_ip6_prefix(&m->prefixes[i].pfx, m->prefixes[i].len);
}

static size_t rebuild_ra(uint8_t *buf, size_t cap, const struct in6_addr *src,
                         const struct in6_addr *dst, const struct nd_msg *m)
{
	struct nd_ra_info ra = {
	    .cur_hop_limit = m->cur_hop_limit,
	    .flags = m->flags,
	    .lifetime_s = m->router_lifetime_s,
	    .reachable_ms = m->reachable_ms,
	    .retrans_ms = m->retrans_ms,
	    .mtu = m->mtu,
	    .slla = m->has_slla ? m->slla : NULL,
	    .n_prefixes = m->n_prefixes,
	};
	memcpy(ra.prefixes, m->prefixes, sizeof(ra.prefixes));
	return nd_build_ra(buf, cap, src, dst, &ra);
}

static size_t rebuild(uint8_t *buf, size_t cap, const struct in6_addr *src,
                      const struct in6_addr *dst, const struct nd_msg *m)
{
	switch (m->type) {
	case NET_ICMP6_NS:
		return nd_build_ns(buf, cap, src, dst, &m->target, m->has_slla ? m->slla : NULL);
	case NET_ICMP6_NA:
		return nd_build_na(buf, cap, src, dst, &m->target, m->flags,
		                   m->has_tlla ? m->tlla : NULL);
	case NET_ICMP6_RA:
		return rebuild_ra(buf, cap, src, dst, m);
	}
	return 0; /* RS: nothing builds one */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_msg m, again; /* zeroed by nd_parse, padding included */
	if (size < NET_IP6_HLEN)
		return 0;
	struct net_ip6 h;
	memcpy(&h, data, sizeof(h));
	int rc = nd_parse(&h, data + NET_IP6_HLEN, size - NET_IP6_HLEN, &m);
	check(strcmp(nd_parse_err_name(rc), "unknown") != 0);
	if (rc != ND_PARSE_OK)
		return 0;
	check(m.n_prefixes <= ND_PREFIXES_MAX);
	for (unsigned i = 0; i < m.n_prefixes; i++)
		check(m.prefixes[i].len <= 128);

	uint8_t buf[NET_IP6_HLEN + 16 + 16 + 32 * ND_PREFIXES_MAX];
	struct in6_addr src = h.src, dst = h.dst;
	size_t len = rebuild(buf, sizeof(buf), &src, &dst, &m);
	if (!len)
		return 0;
	check(nd_parse((const struct net_ip6 *)buf, buf + NET_IP6_HLEN, len - NET_IP6_HLEN,
	               &again) == ND_PARSE_OK);
	as_sent(&m);
	check(memcmp(&m, &again, sizeof(m)) == 0);
	return 0;
}
