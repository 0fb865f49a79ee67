/*
 * fib/fib6.c - the IPv6 FIB: the route table of route_impl.h (the IPv4 FIB's sources,
 * resolution, ECMP groups and recursive set) over 128-bit keys, and the IPv6 LPM (lpm6.c)
 * that the data plane reads.
 *
 * Keys are struct fib_lpm6_addr (two host-order words, as the LPM takes them): the route
 * table masks and compares them on every step. The public calls take struct in6_addr and
 * convert once. Routes live in 16384 buckets by a hash of (prefix, length): IPv6 tables put
 * most prefixes under a few /32s or /48s, which the top bits would pile into one bucket;
 * fib6_walk() sorts instead.
 *
 * What IPv6 adds to the IPv4 model: a static next hop may name its interface (rule 0 in
 * route_impl.h), needed for link-local next hops, and those follow fib6_if_down/up.
 */
#include "fib/fib6.h"

#include "common/net.h"
#include "fib/fwd6.h"
#include "fib/group6.h"
#include "fib/lpm6.h"

#define RT_KEY     struct fib_lpm6_addr
#define RT_MAXLEN  128
#define RT_BUCKETS (1u << 14)
#define RT_ORDERED 0
#define RT_FIB     fib6
#define RT_PATH    struct fib6_path
#define RT_NH      fib6_nh
#define RT_INFO    fib6_route_info
#define RT_LPM     fib_lpm6
#define RT_NH_IFX  1
#define GT_(name)  fib6_##name

/* The top len bits of a 64-bit word (len 0..64). */
static uint64_t word_mask(unsigned len)
{
	return len ? ~0ull << (64 - len) : 0;
}

static struct fib_lpm6_addr rt_key_mask(struct fib_lpm6_addr k, unsigned len)
{
	if (len <= 64)
		return (struct fib_lpm6_addr){k.hi & word_mask(len), 0};
	return (struct fib_lpm6_addr){k.hi, k.lo & word_mask(len - 64)};
}

static int rt_key_cmp(struct fib_lpm6_addr a, struct fib_lpm6_addr b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

static uint32_t rt_bucket(struct fib_lpm6_addr pfx, uint8_t len)
{
	return (uint32_t)net_hash64(pfx.hi ^ net_hash64(pfx.lo ^ len)) & (RT_BUCKETS - 1);
}

static struct in6_addr rt_key_pub(struct fib_lpm6_addr k)
{
	return fib_lpm6_addr_to_in6(k);
}

static bool rt_nh_same(const struct fib6_nh *a, const struct fib6_nh *b)
{
	return a->kind == b->kind &&
	       (a->kind == FIB_NH_NULL0 || (a->ifx == b->ifx && net_ip6_eq(&a->ip, &b->ip)));
}

static struct fib_lpm6_addr rt_nh_key(const struct fib6_nh *nh)
{
	return fib_lpm6_addr_from_in6(&nh->ip);
}

static uint16_t rt_nh_ifx(const struct fib6_nh *nh)
{
	return nh->ifx;
}

static struct fib6_nh rt_nh_clean(const struct fib6_nh *nh)
{
	if (nh->kind == FIB_NH_IP)
		return (struct fib6_nh){.kind = FIB_NH_IP, .ip = nh->ip, .ifx = nh->ifx};
	return (struct fib6_nh){.kind = nh->kind};
}

static struct fib6_path rt_path_gw(struct fib_lpm6_addr a, uint16_t ifx)
{
	return (struct fib6_path){
	    .type = FIB_PATH_GATEWAY, .ifx = ifx, .nh = fib_lpm6_addr_to_in6(a)};
}

#define rt_lpm_create  fib_lpm6_create
#define rt_lpm_destroy fib_lpm6_destroy
#define rt_lpm_commit  fib_lpm6_commit
#define rt_lpm_staged  fib_lpm6_staged

static int rt_lpm_set(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, uint8_t len, uint32_t val)
{
	return fib_lpm6_set(lpm, pfx, len, val);
}

static int rt_lpm_del(struct fib_lpm6 *lpm, struct fib_lpm6_addr pfx, uint8_t len)
{
	return fib_lpm6_del(lpm, pfx, len);
}

static size_t rt_lpm_mem(const struct fib_lpm6 *lpm, size_t *lookup_bytes)
{
	size_t total;
	fib_lpm6_mem(lpm, lookup_bytes, &total);
	return total;
}

#include "fib/route_impl.h"

struct fib6 *fib6_create(void)
{
	return rt_create();
}

void fib6_destroy(struct fib6 *fib)
{
	rt_destroy(fib);
}

/* ---------------------------------------------------------------- control */

/* An address that may be an interface's global (or unique-local) address. */
static bool addr_unicast_global(const struct in6_addr *a)
{
	return !net_ip6_is_zero(a) && !net_ip6_is_mcast(a) && !net_ip6_is_linklocal(a) &&
	       !net_ip6_is_loopback(a);
}

int fib6_connected_add(struct fib6 *fib, const struct in6_addr *addr, uint8_t len, uint16_t ifx)
{
	if (len > 128 || !ifx_valid(ifx) || !addr_unicast_global(addr))
		return FIB_E_INVAL;
	return rt_connected_add(fib, fib_lpm6_addr_from_in6(addr), len, ifx);
}

int fib6_connected_del(struct fib6 *fib, const struct in6_addr *addr, uint8_t len, uint16_t ifx)
{
	if (len > 128 || !ifx_valid(ifx) || !addr_unicast_global(addr))
		return FIB_E_INVAL;
	return rt_connected_del(fib, fib_lpm6_addr_from_in6(addr), len, ifx);
}

/* Link-local prefixes are never in the table (fib6.h). */
static bool prefix6_valid(const struct in6_addr *pfx, uint8_t len)
{
	return prefix_valid(fib_lpm6_addr_from_in6(pfx), len) &&
	       !(len >= 10 && net_ip6_is_linklocal(pfx));
}

/* A next hop is a unicast address; a link-local one only with its interface. */
static bool nh6_valid(const struct fib6_nh *nh)
{
	if (!nh || (nh->kind != FIB_NH_IP && nh->kind != FIB_NH_NULL0))
		return false;
	if (nh->kind == FIB_NH_NULL0)
		return true;
	if (nh->ifx > FIB_IFX_MAX || net_ip6_is_zero(&nh->ip) || net_ip6_is_mcast(&nh->ip) ||
	    net_ip6_is_loopback(&nh->ip))
		return false;
	return nh->ifx || !net_ip6_is_linklocal(&nh->ip);
}

int fib6_route_add(struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                   const struct fib6_nh *nh)
{
	if (!prefix6_valid(pfx, len) || !nh6_valid(nh))
		return FIB_E_INVAL;
	return rt_route_add(fib, fib_lpm6_addr_from_in6(pfx), len, nh);
}

int fib6_route_del(struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                   const struct fib6_nh *nh)
{
	if (!prefix6_valid(pfx, len) || (nh && !nh6_valid(nh)))
		return FIB_E_INVAL;
	return rt_route_del(fib, fib_lpm6_addr_from_in6(pfx), len, nh);
}

/* The calls return nothing: a commit that ran out of memory is retried by the next one. */
void fib6_if_down(struct fib6 *fib, uint16_t ifx)
{
	(void)rt_if_set_down(fib, ifx, true);
}

void fib6_if_up(struct fib6 *fib, uint16_t ifx)
{
	(void)rt_if_set_down(fib, ifx, false);
}

/* ---------------------------------------------------------------- data plane */

uint32_t fib6_lookup(const struct fib6 *fib, const struct in6_addr *dst)
{
	return fib_lpm6_lookup(fib->lpm, fib_lpm6_addr_from_in6(dst));
}

void fib6_lookup_batch(const struct fib6 *fib, const struct in6_addr *const *dst, uint32_t *res,
                       size_t n)
{
	const struct fib_lpm6_view v = {fib->lpm->direct, fib->lpm->pool};
	fib6_view_lookup_in6(&v, dst, res, n);
}

const struct fib6_path *fib6_path_select(const struct fib6 *fib, uint32_t res, uint32_t hash)
{
	const struct fib6_group *g = fib6_group_at(&fib->groups, res);
	if (!g)
		return NULL;
	return &g->paths[g->n == 1 ? 0 : hash % g->n];
}

struct fib6_fwd *fib6_fwd_build(const struct fib6 *fib)
{
	return fib6_fwd_copy(fib->lpm, &fib->groups);
}

uint64_t fib6_generation(const struct fib6 *fib)
{
	return fib->generation;
}

/* ---------------------------------------------------------------- introspection */

int fib6_walk(const struct fib6 *fib, int (*cb)(const struct fib6_route_info *ri, void *arg),
              void *arg)
{
	return rt_walk(fib, cb, arg);
}

bool fib6_route_get(const struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                    struct fib6_route_info *ri)
{
	return rt_route_get(fib, fib_lpm6_addr_from_in6(pfx), len, ri);
}

bool fib6_route_match(const struct fib6 *fib, const struct in6_addr *addr,
                      struct fib6_route_info *ri)
{
	return rt_route_match(fib, fib_lpm6_addr_from_in6(addr), ri);
}

void fib6_get_stats(const struct fib6 *fib, struct fib_stats *st)
{
	rt_get_stats(fib, st);
}
