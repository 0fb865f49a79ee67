/*
 * acl/match.c - the matcher of a classifier: the first entry in order whose every field
 * matches a packet's key.
 */
#include "match.h"

#include <stdlib.h>

struct acl_match {
	int fam;
	unsigned n;
	const struct acl_rule *r;
};

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

static bool port_has(const struct acl_ports *p, uint32_t port)
{
	switch (p->op) {
	case ACL_PORT_ANY:
		return true;
	case ACL_PORT_EQ:
		return port == p->lo;
	case ACL_PORT_NEQ:
		return port != ACL_L4_NONE && port != p->lo;
	case ACL_PORT_LT:
		return port < p->lo;
	case ACL_PORT_GT:
		return port != ACL_L4_NONE && port > p->lo;
	case ACL_PORT_RANGE:
		return port >= p->lo && port <= p->hi;
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

static bool rule_has(int fam, const struct acl_rule *r, const struct acl_key *k)
{
	return (r->proto == ACL_PROTO_ANY || r->proto == k->proto) &&
	       prefix_has(fam, &r->src, k->src_hi, k->src_lo) &&
	       prefix_has(fam, &r->dst, k->dst_hi, k->dst_lo) && l4_has(r, k);
}

struct acl_match *acl_match_build(int fam, const struct acl_rule *r, unsigned n)
{
	struct acl_match *m = malloc(sizeof *m);
	if (m)
		*m = (struct acl_match){.fam = fam, .n = n, .r = r};
	return m;
}

void acl_match_free(struct acl_match *m)
{
	free(m);
}

uint32_t acl_match_first(const struct acl_match *m, const struct acl_key *k)
{
	for (unsigned i = 0; i < m->n; i++)
		if (rule_has(m->fam, &m->r[i], k))
			return i;
	return m->n;
}

void acl_match_batch(const struct acl_match *m, const struct acl_key *keys, uint32_t *res,
                     unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		res[i] = acl_match_first(m, &keys[i]);
}

size_t acl_match_bytes(const struct acl_match *m)
{
	return sizeof *m;
}
