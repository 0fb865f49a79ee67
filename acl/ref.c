/*
 * acl/ref.c - what an entry means, one entry at a time: the definition the compiled
 * classifier (acl/match.c) is tested against, and nothing else uses.
 */
#include "match.h"

static bool prefix_has(int fam, const struct acl_prefix *p, uint64_t hi, uint64_t lo)
{
	if (p->len == 0)
		return true;
	if (fam == ACL_IP4)
		return (((uint32_t)lo ^ (uint32_t)p->lo) >> (32 - p->len)) == 0;
	if (p->len <= 64)
		return ((hi ^ p->hi) >> (64 - p->len)) == 0;
	return hi == p->hi && ((lo ^ p->lo) >> (128 - p->len)) == 0;
}

/* A port of a key; anything above 65535 is "no ports" (ACL_L4_NONE). */
static bool port_has(const struct acl_ports *p, uint32_t port)
{
	bool none = port > 65535;
	switch (p->op) {
	case ACL_PORT_ANY:
		return true;
	case ACL_PORT_EQ:
		return !none && port == p->lo;
	case ACL_PORT_NEQ:
		return !none && port != p->lo;
	case ACL_PORT_LT:
		return !none && port < p->lo;
	case ACL_PORT_GT:
		return !none && port > p->lo;
	case ACL_PORT_RANGE:
		return !none && port >= p->lo && port <= p->hi;
	}
	return false;
}

static bool l4_has(const struct acl_rule *r, const struct acl_key *k)
{
	bool l4 = r->sport.op != ACL_PORT_ANY || r->dport.op != ACL_PORT_ANY || r->established ||
	          r->icmp_type != ACL_ICMP_ANY;
	if (r->fragments != !!(k->flags & ACL_KEY_FRAG) && (r->fragments || l4))
		return false;
	if (r->established && !(k->flags & ACL_KEY_EST))
		return false;
	if (r->icmp_type != ACL_ICMP_ANY && k->sport != (uint32_t)r->icmp_type)
		return false;
	if (r->icmp_code != ACL_ICMP_ANY && k->dport != (uint32_t)r->icmp_code)
		return false;
	return port_has(&r->sport, k->sport) && port_has(&r->dport, k->dport);
}

bool acl_rule_matches(int fam, const struct acl_rule *r, const struct acl_key *k)
{
	return (r->proto == ACL_PROTO_ANY || r->proto == k->proto) &&
	       prefix_has(fam, &r->src, k->src_hi, k->src_lo) &&
	       prefix_has(fam, &r->dst, k->dst_hi, k->dst_lo) && l4_has(r, k);
}
