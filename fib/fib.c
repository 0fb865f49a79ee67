/*
 * fib/fib.c - the IPv4 FIB: the route table of route_impl.h (sources, resolution, ECMP
 * groups, the recursive set) over 32-bit keys, and the LPM (lpm.c) that the data plane
 * reads.
 *
 * Routes live in 65536 buckets by the top 16 bits of the prefix, so walking the buckets in
 * order gives the (prefix, length) order fib_walk() promises.
 */
#include "fib/fib.h"

#include "common/net.h"
#include "fib/fwd.h"
#include "fib/group.h"
#include "fib/lpm.h"

#define RT_KEY     uint32_t
#define RT_MAXLEN  32
#define RT_BUCKETS (1u << 16)
#define RT_ORDERED 1
#define RT_FIB     fib
#define RT_PATH    struct fib_path
#define RT_NH      fib_nh
#define RT_INFO    fib_route_info
#define RT_LPM     fib_lpm
#define GT_(name)  fib_##name

static uint32_t rt_key_mask(uint32_t k, unsigned len)
{
	return k & net_mask(len);
}

static int rt_key_cmp(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static uint32_t rt_bucket(uint32_t pfx, uint8_t len)
{
	(void)len;
	return pfx >> 16;
}

static uint32_t rt_key_pub(uint32_t k)
{
	return k;
}

static bool rt_nh_same(const struct fib_nh *a, const struct fib_nh *b)
{
	return a->kind == b->kind && (a->kind == FIB_NH_NULL0 || a->ip == b->ip);
}

static uint32_t rt_nh_key(const struct fib_nh *nh)
{
	return nh->ip;
}

/* IPv4 next hops never name an interface: rule 0 of route_impl.h does not apply. */
static uint16_t rt_nh_ifx(const struct fib_nh *nh)
{
	(void)nh;
	return 0;
}

static struct fib_nh rt_nh_clean(const struct fib_nh *nh)
{
	return (struct fib_nh){.kind = nh->kind, .ip = nh->kind == FIB_NH_IP ? nh->ip : 0};
}

static struct fib_path rt_path_gw(uint32_t a, uint16_t ifx)
{
	return (struct fib_path){.type = FIB_PATH_GATEWAY, .ifx = ifx, .nh = a};
}

#define rt_lpm_create  fib_lpm_create
#define rt_lpm_destroy fib_lpm_destroy
#define rt_lpm_set     fib_lpm_set
#define rt_lpm_del     fib_lpm_del
#define rt_lpm_commit  fib_lpm_commit
#define rt_lpm_staged  fib_lpm_staged

static size_t rt_lpm_mem(const struct fib_lpm *lpm, size_t *lookup_bytes)
{
	size_t total;
	fib_lpm_mem(lpm, lookup_bytes, &total);
	return total;
}

#include "fib/route_impl.h"

struct fib *fib_create(void)
{
	return rt_create();
}

void fib_destroy(struct fib *fib)
{
	rt_destroy(fib);
}

const char *fib_strerror(int err)
{
	switch (err) {
	case FIB_OK:
		return "success";
	case FIB_E_INVAL:
		return "invalid prefix, interface or next hop";
	case FIB_E_EXISTS:
		return "route or next hop already exists";
	case FIB_E_NOENT:
		return "no such route or next hop";
	case FIB_E_NOMEM:
		return "out of memory";
	case FIB_E_FULL:
		return "too many next hops";
	default:
		return "unknown error";
	}
}

int fib_connected_add(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx)
{
	if (len > 32 || !ifx_valid(ifx))
		return FIB_E_INVAL;
	return rt_connected_add(fib, addr, len, ifx);
}

int fib_connected_del(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx)
{
	if (len > 32 || !ifx_valid(ifx))
		return FIB_E_INVAL;
	return rt_connected_del(fib, addr, len, ifx);
}

static bool nh_valid(const struct fib_nh *nh)
{
	return nh && (nh->kind == FIB_NH_IP || nh->kind == FIB_NH_NULL0);
}

int fib_route_add(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh)
{
	if (!prefix_valid(pfx, len) || !nh_valid(nh))
		return FIB_E_INVAL;
	return rt_route_add(fib, pfx, len, nh);
}

int fib_route_del(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh)
{
	if (!prefix_valid(pfx, len) || (nh && !nh_valid(nh)))
		return FIB_E_INVAL;
	return rt_route_del(fib, pfx, len, nh);
}

/* ---------------------------------------------------------------- data plane */

uint32_t fib_lookup(const struct fib *fib, uint32_t dst)
{
	return fib_lpm_lookup(fib->lpm, dst);
}

void fib_lookup_batch(const struct fib *fib, const uint32_t *dst, uint32_t *res, size_t n)
{
	fib_lpm_lookup_batch(fib->lpm, dst, res, n);
}

const struct fib_path *fib_path_select(const struct fib *fib, uint32_t res, uint32_t hash)
{
	const struct fib_group *g = fib_group_at(&fib->groups, res);
	if (!g)
		return NULL;
	return &g->paths[g->n == 1 ? 0 : hash % g->n];
}

struct fib_fwd *fib_fwd_build(const struct fib *fib)
{
	return fib_fwd_copy(fib->lpm, &fib->groups);
}

uint64_t fib_generation(const struct fib *fib)
{
	return fib->generation;
}

/* ---------------------------------------------------------------- introspection */

int fib_walk(const struct fib *fib, int (*cb)(const struct fib_route_info *ri, void *arg),
             void *arg)
{
	return rt_walk(fib, cb, arg);
}

bool fib_route_get(const struct fib *fib, uint32_t pfx, uint8_t len, struct fib_route_info *ri)
{
	return rt_route_get(fib, pfx, len, ri);
}

bool fib_route_match(const struct fib *fib, uint32_t addr, struct fib_route_info *ri)
{
	return rt_route_match(fib, addr, ri);
}

void fib_get_stats(const struct fib *fib, struct fib_stats *st)
{
	rt_get_stats(fib, st);
}
