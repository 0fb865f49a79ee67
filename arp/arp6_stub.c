/* TEMPORARY: replaced by the arp6 table and nd.c when feat/nd merges. */
#include "arp/arp.h"
#include "arp/nd.h"

#include <string.h>

struct arp_table *arp6_table_create(const struct arp_config *cfg, const struct arp6_ops *ops,
                                    void *ctx)
{
	(void)ops;
	(void)ctx;
	return arp_table_create(cfg, NULL, NULL);
}
void arp6_config_default(struct arp_config *cfg)
{
	arp_config_default(cfg);
	cfg->delay_ms = 5000;
}
const uint8_t *arp6_lookup(struct arp_table *t, uint16_t i, const struct in6_addr *ip, uint64_t n)
{
	(void)t;
	(void)i;
	(void)ip;
	(void)n;
	return NULL;
}
int arp6_resolve(struct arp_table *t, uint16_t i, const struct in6_addr *ip, void *p, uint64_t n)
{
	(void)t;
	(void)i;
	(void)ip;
	(void)p;
	(void)n;
	return ARP_RES_FAILED;
}
int arp6_learn(struct arp_table *t, uint16_t i, const struct in6_addr *ip, const uint8_t *m,
               enum arp6_learn_kind k, const struct arp6_na_flags *na, uint64_t n)
{
	(void)t;
	(void)i;
	(void)ip;
	(void)m;
	(void)k;
	(void)na;
	(void)n;
	return 0;
}
int arp6_static_add(struct arp_table *t, uint16_t i, const struct in6_addr *ip, const uint8_t *m)
{
	(void)t;
	(void)i;
	(void)ip;
	(void)m;
	return 0;
}
int arp6_static_del(struct arp_table *t, uint16_t i, const struct in6_addr *ip)
{
	(void)t;
	(void)i;
	(void)ip;
	return 0;
}
int arp6_walk(const struct arp_table *t, uint64_t n,
              int (*cb)(const struct arp6_entry_info *, void *), void *a)
{
	(void)t;
	(void)n;
	(void)cb;
	(void)a;
	return 0;
}
int arp6_foreach(const struct arp_table *t, uint64_t n,
                 int (*cb)(const struct arp6_entry_info *, void *), void *a)
{
	(void)t;
	(void)n;
	(void)cb;
	(void)a;
	return 0;
}
bool arp6_get(const struct arp_table *t, uint16_t i, const struct in6_addr *ip, uint64_t n,
              struct arp6_entry_info *e)
{
	(void)t;
	(void)i;
	(void)ip;
	(void)n;
	(void)e;
	return false;
}
void nd_eui64_linklocal(const uint8_t *mac, struct in6_addr *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	memcpy(ll->s6_addr + 8, mac, 3);
	ll->s6_addr[8] ^= 2;
	ll->s6_addr[11] = 0xff;
	ll->s6_addr[12] = 0xfe;
	memcpy(ll->s6_addr + 13, mac + 3, 3);
}
const struct in6_addr nd_all_nodes = {{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
const struct in6_addr nd_all_routers = {{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}}};
int nd_parse(const struct net_ip6 *ip6, const uint8_t *icmp, size_t len, struct nd_msg *m)
{
	(void)ip6;
	(void)icmp;
	(void)len;
	(void)m;
	return ND_PARSE_TYPE;
}
size_t nd_build_ns(uint8_t *b, size_t c, const struct in6_addr *s, const struct in6_addr *d,
                   const struct in6_addr *t, const uint8_t *l)
{
	(void)b;
	(void)c;
	(void)s;
	(void)d;
	(void)t;
	(void)l;
	return 0;
}
size_t nd_build_na(uint8_t *b, size_t c, const struct in6_addr *s, const struct in6_addr *d,
                   const struct in6_addr *t, uint8_t f, const uint8_t *l)
{
	(void)b;
	(void)c;
	(void)s;
	(void)d;
	(void)t;
	(void)f;
	(void)l;
	return 0;
}
size_t nd_build_ra(uint8_t *b, size_t c, const struct in6_addr *s, const struct in6_addr *d,
                   const struct nd_ra_info *ra)
{
	(void)b;
	(void)c;
	(void)s;
	(void)d;
	(void)ra;
	return 0;
}
void nd_solicited_node(const struct in6_addr *a, struct in6_addr *g)
{
	memset(g, 0, sizeof(*g));
	g->s6_addr[0] = 0xff;
	g->s6_addr[1] = 2;
	g->s6_addr[11] = 1;
	g->s6_addr[12] = 0xff;
	memcpy(g->s6_addr + 13, a->s6_addr + 13, 3);
}
void nd_mcast_mac(const struct in6_addr *g, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, g->s6_addr + 12, 4);
}
