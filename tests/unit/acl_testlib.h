/*
 * acl_testlib.h - what the access-list test and benchmark (test_acl.c, bench_acl.c) share:
 * random valid entries of a few field mixes, and keys near a list's edges (prefix ends,
 * ports, ICMP types) or at random. Header-only: each program has its own generator.
 */
#ifndef ACL_TESTLIB_H
#define ACL_TESTLIB_H

#include "acl/acl.h"

#include <stdbool.h>
#include <stdint.h>

static uint64_t rng = 0x853c49e6748fea9bull;

static inline uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static inline unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Addresses near a few bases, so that prefixes nest and overlap. */
static inline void random_prefix(int fam, struct acl_prefix *p)
{
	static const uint64_t bases[] = {0x0a000000, 0xc0a80000, 0x20010db800000000ull, 0};
	unsigned bits = fam == ACL_IP6 ? 128 : 32;
	p->len = below(4) == 0 ? 0 : (uint8_t)below(bits + 1);
	if (fam == ACL_IP6) {
		p->hi = below(3) ? bases[2] | (rnd() & 0xffffffff) : rnd();
		p->lo = below(2) ? rnd() & 0xff : rnd();
	} else {
		p->hi = 0;
		p->lo = (uint32_t)((below(3) ? bases[below(2)] : 0) ^
		                   (rnd() & (below(2) ? 0xffff : ~0u)));
	}
	/* clear the host bits */
	unsigned host = bits - p->len;
	if (fam == ACL_IP4) {
		p->lo = host >= 32 ? 0 : p->lo & ~((1ull << host) - 1) & 0xffffffff;
	} else if (host >= 64) {
		p->lo = 0;
		p->hi = host >= 128 ? 0 : p->hi & ~((1ull << (host - 64)) - 1);
	} else if (host > 0) {
		p->lo &= ~((1ull << host) - 1);
	}
}

static inline uint16_t random_port(void)
{
	static const uint16_t edges[] = {0, 1, 22, 80, 443, 1023, 1024, 65534, 65535};
	return below(2) ? edges[below(9)] : (uint16_t)rnd();
}

static inline void random_ports(struct acl_ports *p)
{
	*p = (struct acl_ports){.op = (uint8_t)below(6)};
	if (below(2))
		p->op = ACL_PORT_ANY;
	p->lo = p->hi = random_port();
	if (p->op == ACL_PORT_LT && p->lo == 0)
		p->lo = 1;
	if (p->op == ACL_PORT_GT && p->lo == 65535)
		p->lo = 65534;
	if (p->op == ACL_PORT_RANGE) {
		p->hi = random_port();
		if (p->hi < p->lo) {
			uint16_t t = p->lo;
			p->lo = p->hi;
			p->hi = t;
		}
	}
	if (p->op != ACL_PORT_RANGE)
		p->hi = p->op == ACL_PORT_ANY ? 0 : p->lo;
	if (p->op == ACL_PORT_ANY)
		p->lo = 0;
}

static const int16_t acl_test_protos[] = {ACL_PROTO_ANY, 6, 17, 1, 58, 132, 47};

enum mix { MIX_ALL, MIX_NO_ADDRESSES, MIX_PORTS, MIX_ADDRESSES, MIXES };

/* A random valid entry (one that renders and parses back the same) of a mix of fields. */
static inline void random_rule(int fam, enum mix mix, struct acl_rule *r)
{
	*r = (struct acl_rule){.action = (uint8_t)below(2),
	                       .log = below(8) == 0,
	                       .proto = acl_test_protos[below(7)],
	                       .icmp_type = ACL_ICMP_ANY,
	                       .icmp_code = ACL_ICMP_ANY};
	int16_t icmp = fam == ACL_IP6 ? 58 : 1;
	if (below(10) == 0)
		r->proto = (int16_t)below(256);
	if (mix == MIX_PORTS)
		r->proto = below(2) ? 6 : 17;
	if (mix == MIX_ADDRESSES)
		r->proto = ACL_PROTO_ANY;
	if (mix != MIX_NO_ADDRESSES) {
		random_prefix(fam, &r->src);
		random_prefix(fam, &r->dst);
	}
	if (r->proto == 6 || r->proto == 17) {
		random_ports(&r->sport);
		random_ports(&r->dport);
		r->established = r->proto == 6 && below(5) == 0;
	} else if (r->proto == icmp && below(2)) {
		r->icmp_type = (int16_t)(below(2) ? below(4) : below(256));
		if (below(2))
			r->icmp_code = (int16_t)below(4);
	}
	bool l4 = r->sport.op || r->dport.op || r->established || r->icmp_type != ACL_ICMP_ANY;
	r->fragments = !l4 && below(6) == 0;
}

/* A key from the list's own edges (prefix ends, ports, types) or at random. */
static inline uint64_t edge_addr(const struct acl_prefix *p, bool wide, bool hi)
{
	unsigned bits = wide ? 128 : 32;
	unsigned host = bits - p->len;
	uint64_t lo_mask = wide ? (host >= 64 ? ~0ull
	                           : host     ? (1ull << host) - 1
	                                      : 0)
	                        : (host >= 32 ? 0xffffffffull : (1ull << host) - 1);
	uint64_t hi_mask =
	    wide && host > 64 ? (host >= 128 ? ~0ull : (1ull << (host - 64)) - 1) : 0;
	bool end = below(2);
	uint64_t h = end ? p->hi | hi_mask : p->hi;
	uint64_t l = end ? p->lo | lo_mask : p->lo;
	int d = (int)below(3) - 1; /* one below, at, one above */
	l += (uint64_t)(int64_t)d;
	if (!wide)
		l &= 0xffffffff;
	return hi ? h : l;
}

static inline uint32_t edge_port(const struct acl_ports *p)
{
	if (below(8) == 0)
		return ACL_L4_NONE;
	uint32_t v = (below(2) ? p->lo : p->hi) + below(3);
	v = v == 0 ? 0 : v - 1;
	return v > 65535 ? (below(2) ? 65535 : ACL_L4_NONE) : v;
}

static inline void random_key(int fam, const struct acl_rule *r, unsigned n, struct acl_key *k)
{
	bool wide = fam == ACL_IP6;
	*k = (struct acl_key){
	    .proto = (uint8_t)(below(2) ? (unsigned)acl_test_protos[1 + below(6)] : below(256)),
	    .flags = (uint8_t)below(4)};
	const struct acl_rule *a = n ? &r[below(n)] : NULL, *b = n ? &r[below(n)] : NULL;
	if (a && below(4)) {
		k->src_hi = wide ? edge_addr(&a->src, wide, true) : 0;
		k->src_lo = edge_addr(&a->src, wide, false);
		k->dst_hi = wide ? edge_addr(&b->dst, wide, true) : 0;
		k->dst_lo = edge_addr(&b->dst, wide, false);
		k->sport = edge_port(&a->sport);
		k->dport = edge_port(&b->dport);
		if (a->proto != ACL_PROTO_ANY && below(2))
			k->proto = (uint8_t)a->proto;
		if (a->icmp_type != ACL_ICMP_ANY && below(2))
			k->sport = (uint32_t)a->icmp_type;
	} else {
		k->src_hi = wide ? rnd() : 0;
		k->src_lo = wide ? rnd() : (uint32_t)rnd();
		k->dst_hi = wide ? rnd() : 0;
		k->dst_lo = wide ? rnd() : (uint32_t)rnd();
		k->sport = below(8) ? (uint32_t)rnd() & 0xffff : ACL_L4_NONE;
		k->dport = k->sport == ACL_L4_NONE ? ACL_L4_NONE : (uint32_t)rnd() & 0xffff;
	}
}

#endif
