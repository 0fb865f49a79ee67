/* TEMPORARY: replaced by the arp6 table and nd.c when feat/nd merges. */
#include "arp/arp.h"
#include "arp/nd.h"

#include <string.h>

struct arp_table *arp6_table_create(const struct arp_config *cfg, const struct arp6_ops *ops, void *ctx) { (void)ops; (void)ctx; return arp_table_create(cfg, NULL, NULL); }
void arp6_config_default(struct arp_config *cfg) { arp_config_default(cfg); cfg->delay_ms = 5000; }
const uint8_t *arp6_lookup(struct arp_table *t, uint16_t i, const struct in6_addr *ip, uint64_t n) { (void)t; (void)i; (void)ip; (void)n; return NULL; }
int arp6_resolve(struct arp_table *t, uint16_t i, const struct in6_addr *ip, void *p, uint64_t n) { (void)t; (void)i; (void)ip; (void)p; (void)n; return ARP_RES_FAILED; }
int arp6_learn(struct arp_table *t, uint16_t i, const struct in6_addr *ip, const uint8_t *m, enum arp6_learn_kind k, const struct arp6_na_flags *na, uint64_t n) { (void)t; (void)i; (void)ip; (void)m; (void)k; (void)na; (void)n; return 0; }
int arp6_static_add(struct arp_table *t, uint16_t i, const struct in6_addr *ip, const uint8_t *m) { (void)t; (void)i; (void)ip; (void)m; return 0; }
int arp6_static_del(struct arp_table *t, uint16_t i, const struct in6_addr *ip) { (void)t; (void)i; (void)ip; return 0; }
int arp6_walk(const struct arp_table *t, uint64_t n, int (*cb)(const struct arp6_entry_info *, void *), void *a) { (void)t; (void)n; (void)cb; (void)a; return 0; }
int arp6_foreach(const struct arp_table *t, uint64_t n, int (*cb)(const struct arp6_entry_info *, void *), void *a) { (void)t; (void)n; (void)cb; (void)a; return 0; }
bool arp6_get(const struct arp_table *t, uint16_t i, const struct in6_addr *ip, uint64_t n, struct arp6_entry_info *e) { (void)t; (void)i; (void)ip; (void)n; (void)e; return false; }
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
