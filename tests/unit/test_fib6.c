/*
 * test_fib6.c - the IPv6 FIB (fib/fib6.h): connected and local routes, static routes
 * resolved through connected subnets and one level through other statics, ECMP, null0,
 * link-local next hops on their interface and interface state, source precedence, /0 and
 * /128, walk order, introspection, the generation, error codes, and the lookup-only copy
 * held against the FIB on random tables and addresses.
 *
 * FIB_TEST_PREFIXES (default 20000) and FIB_TEST_ADDRS (default 200000) size the
 * differential test; FIB_TEST_SEED perturbs its seed.
 */
#include "common/mem.h"
#include "common/net.h"
#include "cu_main.h"
#include "fib/fib6.h"
#include "fib_testlib.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	if (!net_ip6_parse(s, &a)) {
		fprintf(stderr, "bad address in test: %s\n", s);
		abort();
	}
	return a;
}

static struct fib6_nh nh6(const char *s, uint16_t ifx)
{
	return (struct fib6_nh){.kind = FIB_NH_IP, .ip = a6(s), .ifx = ifx};
}

static struct fib6_nh nh6_null0(void)
{
	return (struct fib6_nh){.kind = FIB_NH_NULL0};
}

static int route_add(struct fib6 *fib, const char *pfx, uint8_t len, struct fib6_nh nh)
{
	struct in6_addr p = a6(pfx);
	return fib6_route_add(fib, &p, len, &nh);
}

static int route_del(struct fib6 *fib, const char *pfx, uint8_t len, const struct fib6_nh *nh)
{
	struct in6_addr p = a6(pfx);
	return fib6_route_del(fib, &p, len, nh);
}

static int conn_add(struct fib6 *fib, const char *addr, uint8_t len, uint16_t ifx)
{
	struct in6_addr a = a6(addr);
	return fib6_connected_add(fib, &a, len, ifx);
}

static int conn_del(struct fib6 *fib, const char *addr, uint8_t len, uint16_t ifx)
{
	struct in6_addr a = a6(addr);
	return fib6_connected_del(fib, &a, len, ifx);
}

/* The path for dst with flow hash 0, NULL on a miss. */
static const struct fib6_path *path_to(const struct fib6 *fib, const char *dst)
{
	struct in6_addr d = a6(dst);
	uint32_t res = fib6_lookup(fib, &d);
	return res == FIB_LOOKUP_MISS ? NULL : fib6_path_select(fib, res, 0);
}

static bool path_is(const struct fib6_path *p, uint8_t type, uint16_t ifx, const char *nh)
{
	if (!p || p->type != type || p->ifx != ifx)
		return false;
	struct in6_addr want = nh ? a6(nh) : (struct in6_addr){0};
	return net_ip6_eq(&p->nh, &want);
}

/* The length of the longest active route for addr, -1 on a miss. */
static int match_len(const struct fib6 *fib, const char *addr)
{
	struct fib6_route_info ri;
	struct in6_addr a = a6(addr);
	return fib6_route_match(fib, &a, &ri) ? ri.len : -1;
}

static struct fib6 *fib_new(void)
{
	struct fib6 *fib = fib6_create();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	return fib;
}

/* ---------------------------------------------------------------- routes */

static void test_connected_local(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:10::1", 64, 1), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:10::99"), FIB_PATH_ATTACHED, 1, NULL));
	CU_ASSERT(path_is(path_to(fib, "2001:db8:10::1"), FIB_PATH_LOCAL, 1, NULL));
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:11::1"));
	/* a /128 address: LOCAL only, no subnet */
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:ff::7", 128, 2), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:ff::7"), FIB_PATH_LOCAL, 2, NULL));
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:ff::8"));
	struct fib_stats st;
	fib6_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.routes, 3);
	CU_ASSERT_EQUAL(st.active, 3);
	/* a secondary address in the same subnet */
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:10::2", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8:10::1", 64, 1), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:10::1"), FIB_PATH_ATTACHED, 1, NULL));
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8:10::2", 64, 1), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:10::99"));
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8:ff::7", 128, 2), FIB_OK);
	fib6_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.routes, 0);
	CU_ASSERT_EQUAL(st.groups, 0);
	fib6_destroy(fib);
}

static void test_static_recursive(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:99::", 48, nh6("2001:db8:1::2", 0)), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:aa::", 48, nh6("2001:db8:99::7", 0)), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:99:1::5"), FIB_PATH_GATEWAY, 1, "2001:db8:1::2"));
	/* one level: the gateways of the covering static route */
	CU_ASSERT(path_is(path_to(fib, "2001:db8:aa::5"), FIB_PATH_GATEWAY, 1, "2001:db8:1::2"));
	/* the covering route's next hop moves: the recursive one follows */
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:99::", 48, nh6("2001:db8:1::3", 0)), FIB_OK);
	CU_ASSERT_EQUAL(route_del(fib, "2001:db8:99::", 48,
	                          &(struct fib6_nh){FIB_NH_IP, a6("2001:db8:1::2"), 0}),
	                FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:aa::5"), FIB_PATH_GATEWAY, 1, "2001:db8:1::3"));
	/* two levels are not followed */
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:bb::", 48, nh6("2001:db8:aa::1", 0)), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:bb::1"));
	/* a next hop that is our own address never resolves */
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:cc::", 48, nh6("2001:db8:1::1", 0)), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:cc::1"));
	fib6_destroy(fib);
}

static void test_ecmp(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:2::1", 64, 2), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:99::", 48, nh6("2001:db8:1::10", 0)), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:99::", 48, nh6("2001:db8:2::10", 0)), FIB_OK);
	/* the same set in the other order shares the group */
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:98::", 48, nh6("2001:db8:2::10", 0)), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:98::", 48, nh6("2001:db8:1::10", 0)), FIB_OK);
	struct in6_addr d = a6("2001:db8:99::1"), d2 = a6("2001:db8:98::1");
	uint32_t res = fib6_lookup(fib, &d);
	CU_ASSERT_NOT_EQUAL_FATAL(res, FIB_LOOKUP_MISS);
	CU_ASSERT_EQUAL(fib6_lookup(fib, &d2), res);
	struct fib_stats st;
	fib6_get_stats(fib, &st);
	CU_ASSERT_EQUAL(st.groups, 5); /* 2 local, 2 attached, 1 ECMP */
	unsigned hits[2] = {0};
	for (uint32_t h = 0; h < 10000; h++) {
		const struct fib6_path *p = fib6_path_select(fib, res, net_hash32(h));
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(p->type, FIB_PATH_GATEWAY);
		CU_ASSERT_PTR_EQUAL(fib6_path_select(fib, res, net_hash32(h)), p); /* stable */
		hits[p->ifx - 1]++;
	}
	CU_ASSERT(hits[0] > 4000 && hits[1] > 4000);
	struct fib6_route_info ri;
	struct in6_addr pfx = a6("2001:db8:99::");
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 48, &ri));
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	CU_ASSERT_EQUAL(ri.n_nh, 2);
	fib6_destroy(fib);
}

static void test_null0(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:dead::", 48, nh6_null0()), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:dead::1"), FIB_PATH_DROP, 0, NULL));
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:dead::", 48, nh6_null0()), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(
	    route_del(fib, "2001:db8:dead::", 48, &(struct fib6_nh){.kind = FIB_NH_NULL0}), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:dead::1"));
	fib6_destroy(fib);
}

static void test_link_local_nh(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:77::", 48, nh6("fe80::1", 0)), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:77::", 48, nh6("fe80::1", 3)), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:77::1"), FIB_PATH_GATEWAY, 3, "fe80::1"));
	/* the same address on another interface is another next hop */
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:77::", 48, nh6("fe80::1", 4)), FIB_OK);
	struct in6_addr pfx = a6("2001:db8:77::");
	struct fib6_route_info ri;
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 48, &ri));
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	/* a route recursing via it gets its gateways */
	struct in6_addr pfx78 = a6("2001:db8:78::");
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:78::", 48, nh6("2001:db8:77::9", 0)), FIB_OK);
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx78, 48, &ri));
	CU_ASSERT_EQUAL(ri.n_paths, 2);

	uint64_t gen = fib6_generation(fib);
	fib6_if_down(fib, 3);
	CU_ASSERT_NOT_EQUAL(fib6_generation(fib), gen);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:77::1"), FIB_PATH_GATEWAY, 4, "fe80::1"));
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx78, 48, &ri));
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	fib6_if_down(fib, 4);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:77::1"));
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:78::1"));
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 48, &ri));
	CU_ASSERT_FALSE(ri.active);
	CU_ASSERT_EQUAL(ri.n_nh, 2);
	fib6_if_up(fib, 3);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:77::1"), FIB_PATH_GATEWAY, 3, "fe80::1"));
	CU_ASSERT(path_is(path_to(fib, "2001:db8:78::1"), FIB_PATH_GATEWAY, 3, "fe80::1"));
	gen = fib6_generation(fib);
	fib6_if_up(fib, 3); /* already up: nothing moves */
	CU_ASSERT_EQUAL(fib6_generation(fib), gen);
	fib6_destroy(fib);
}

static void test_inactive_until_connected(void)
{
	struct fib6 *fib = fib_new();
	uint64_t gen = fib6_generation(fib);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:99::", 48, nh6("2001:db8:1::2", 0)), FIB_OK);
	CU_ASSERT_EQUAL(fib6_generation(fib), gen); /* nothing a lookup sees */
	struct fib6_route_info ri;
	struct in6_addr pfx = a6("2001:db8:99::");
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 48, &ri));
	CU_ASSERT_FALSE(ri.active);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:99::1"));
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 5), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:99::1"), FIB_PATH_GATEWAY, 5, "2001:db8:1::2"));
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8:1::1", 64, 5), FIB_OK);
	CU_ASSERT_PTR_NULL(path_to(fib, "2001:db8:99::1"));
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 48, &ri));
	CU_ASSERT_FALSE(ri.active);
	fib6_destroy(fib);
}

static void test_precedence(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:5::", 64, nh6("2001:db8:1::2", 0)), FIB_OK);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:5::1", 64, 2), FIB_OK);
	struct fib6_route_info ri;
	struct in6_addr pfx = a6("2001:db8:5::");
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 64, &ri));
	CU_ASSERT_EQUAL(ri.source, FIB_SRC_CONNECTED);
	CU_ASSERT_EQUAL(ri.n_nh, 1);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:5::9"), FIB_PATH_ATTACHED, 2, NULL));
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8:5::1", 64, 2), FIB_OK);
	CU_ASSERT_FATAL(fib6_route_get(fib, &pfx, 64, &ri));
	CU_ASSERT_EQUAL(ri.source, FIB_SRC_STATIC);
	CU_ASSERT(path_is(path_to(fib, "2001:db8:5::9"), FIB_PATH_GATEWAY, 1, "2001:db8:1::2"));
	fib6_destroy(fib);
}

static void test_default_and_host(void)
{
	struct fib6 *fib = fib_new();
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "::", 0, nh6("2001:db8:1::fe", 0)), FIB_OK);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:abcd::42", 128, nh6_null0()), FIB_OK);
	CU_ASSERT(path_is(path_to(fib, "ffff::1"), FIB_PATH_GATEWAY, 1, "2001:db8:1::fe"));
	CU_ASSERT(path_is(path_to(fib, "::2"), FIB_PATH_GATEWAY, 1, "2001:db8:1::fe"));
	CU_ASSERT(path_is(path_to(fib, "2001:db8:abcd::42"), FIB_PATH_DROP, 0, NULL));
	CU_ASSERT(
	    path_is(path_to(fib, "2001:db8:abcd::43"), FIB_PATH_GATEWAY, 1, "2001:db8:1::fe"));
	CU_ASSERT(
	    path_is(path_to(fib, "2001:db8:abcd::41"), FIB_PATH_GATEWAY, 1, "2001:db8:1::fe"));
	CU_ASSERT(path_is(path_to(fib, "2001:db8:1::77"), FIB_PATH_ATTACHED, 1, NULL));
	CU_ASSERT_EQUAL(match_len(fib, "2001:db8:abcd::42"), 128);
	CU_ASSERT_EQUAL(match_len(fib, "3000::"), 0);
	CU_ASSERT_EQUAL(route_del(fib, "::", 0, NULL), FIB_OK);
	CU_ASSERT_EQUAL(match_len(fib, "3000::"), -1);
	fib6_destroy(fib);
}

struct walk_acc {
	struct fib6_route_info v[16];
	unsigned n;
};

static int walk_collect(const struct fib6_route_info *ri, void *arg)
{
	struct walk_acc *w = arg;
	if (w->n < 16)
		w->v[w->n] = *ri;
	w->n++;
	return 0;
}

static int walk_stop(const struct fib6_route_info *ri, void *arg)
{
	(void)ri;
	return ++*(int *)arg == 2 ? 7 : 0;
}

static void test_walk_get_match(void)
{
	struct fib6 *fib = fib_new();
	const char *pfx[] = {"2001:db8:2::", "2001:db8:1::", "::", "2001:db8:1::", "fd00::"};
	const uint8_t len[] = {48, 64, 0, 48, 8};
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(route_add(fib, pfx[i], len[i], nh6_null0()), FIB_OK);
	struct walk_acc w = {0};
	CU_ASSERT_EQUAL(fib6_walk(fib, walk_collect, &w), 0);
	CU_ASSERT_EQUAL_FATAL(w.n, 5);
	const char *want[] = {"::", "2001:db8:1::", "2001:db8:1::", "2001:db8:2::", "fd00::"};
	const uint8_t want_len[] = {0, 48, 64, 48, 8};
	for (int i = 0; i < 5; i++) {
		struct in6_addr a = a6(want[i]);
		CU_ASSERT(net_ip6_eq(&w.v[i].pfx, &a) && w.v[i].len == want_len[i]);
		CU_ASSERT(w.v[i].active && w.v[i].source == FIB_SRC_STATIC);
	}
	int calls = 0;
	CU_ASSERT_EQUAL(fib6_walk(fib, walk_stop, &calls), 7);
	CU_ASSERT_EQUAL(match_len(fib, "2001:db8:1::5"), 64);
	CU_ASSERT_EQUAL(match_len(fib, "2001:db8:1:1::5"), 48);
	struct fib6_route_info ri;
	struct in6_addr a = a6("2001:db8:1::");
	CU_ASSERT_FALSE(fib6_route_get(fib, &a, 56, &ri));
	CU_ASSERT_FALSE(fib6_route_get(fib, &a, 129, &ri));
	a = a6("2001:db8:1::1");
	CU_ASSERT_FALSE(fib6_route_get(fib, &a, 64, &ri)); /* host bits */
	fib6_destroy(fib);
}

static void test_generation(void)
{
	struct fib6 *fib = fib_new();
	uint64_t g0 = fib6_generation(fib);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8:1::1", 64, 1), FIB_OK);
	uint64_t g1 = fib6_generation(fib);
	CU_ASSERT(g1 > g0);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:9::", 48, nh6("2001:db8:1::2", 0)), FIB_OK);
	uint64_t g2 = fib6_generation(fib);
	CU_ASSERT(g2 > g1);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:9::", 48, nh6("2001:db8:1::2", 0)), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(fib6_generation(fib), g2);
	CU_ASSERT_EQUAL(route_del(fib, "2001:db8:9::", 48, NULL), FIB_OK);
	CU_ASSERT(fib6_generation(fib) > g2);
	fib6_destroy(fib);
}

static void test_errors(void)
{
	struct fib6 *fib = fib_new();
	const char *bad[] = {"fe80::1", "ff02::1", "::", "::1"};
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(conn_add(fib, bad[i], 64, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::1", 129, 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::1", 64, 0), FIB_E_INVAL);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::1", 64, FIB_IFX_MAX + 1), FIB_E_INVAL);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::1", 64, 1), FIB_OK);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::1", 64, 1), FIB_E_EXISTS);
	CU_ASSERT_EQUAL(conn_add(fib, "2001:db8::2", 64, 2), FIB_E_EXISTS); /* other interface */
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8::3", 64, 1), FIB_E_NOENT);
	CU_ASSERT_EQUAL(conn_del(fib, "2001:db8::1", 64, 2), FIB_E_NOENT);

	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::1", 64, nh6_null0()), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 129, nh6_null0()), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "fe80::", 64, nh6_null0()), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, nh6("ff02::1", 1)), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, nh6("::", 0)), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, nh6("2001:db8::5", FIB_IFX_MAX + 1)),
	                FIB_E_INVAL);
	struct fib6_nh odd = {.kind = 9};
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, odd), FIB_E_INVAL);
	struct in6_addr p = a6("2001:db8:1::");
	CU_ASSERT_EQUAL(fib6_route_add(fib, &p, 64, NULL), FIB_E_INVAL);
	CU_ASSERT_EQUAL(route_del(fib, "2001:db8:1::", 64, NULL), FIB_E_NOENT);
	char gw[64];
	for (int i = 0; i < FIB_ECMP_MAX; i++) {
		snprintf(gw, sizeof(gw), "2001:db8::%x", 0x10 + i);
		CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, nh6(gw, 0)), FIB_OK);
	}
	CU_ASSERT_EQUAL(route_add(fib, "2001:db8:1::", 64, nh6("2001:db8::ff", 0)), FIB_E_FULL);
	struct fib6_nh other = nh6("2001:db8::ff", 0);
	CU_ASSERT_EQUAL(route_del(fib, "2001:db8:1::", 64, &other), FIB_E_NOENT);
	struct fib6_route_info ri;
	CU_ASSERT_FATAL(fib6_route_get(fib, &p, 64, &ri));
	CU_ASSERT_EQUAL(ri.n_paths, FIB_ECMP_MAX);
	fib6_destroy(fib);
}

/* ---------------------------------------------------------------- the copy vs the FIB */

#define DIFF_IFS 4

static struct in6_addr rnd_addr(void)
{
	struct in6_addr a;
	for (int i = 0; i < 16; i += 4) {
		uint32_t r = rnd();
		memcpy(&a.s6_addr[i], &r, 4);
	}
	/* mostly global unicast under a few /16s, as real tables */
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = (uint8_t)(rnd() % 4);
	return a;
}

/* The length mix of issue 14: most /32../48, many /64, some /128, a few short. */
static uint8_t rnd_len(void)
{
	uint32_t r = rnd() % 100;
	if (r < 55)
		return (uint8_t)(32 + rnd() % 17);
	if (r < 85)
		return 64;
	if (r < 95)
		return 128;
	return (uint8_t)(8 + rnd() % 24);
}

static struct fib6_nh rnd_nh(void)
{
	uint32_t r = rnd() % 10;
	if (r == 0)
		return nh6_null0();
	if (r == 1)
		return (struct fib6_nh){FIB_NH_IP, a6("fe80::1"), (uint16_t)(1 + rnd() % DIFF_IFS)};
	struct in6_addr gw = a6("2001:db8:f000::");
	gw.s6_addr[5] = (uint8_t)(rnd() % DIFF_IFS); /* 2001:db8:f00N::/48 subnets */
	gw.s6_addr[15] = (uint8_t)(1 + rnd() % 4);
	return (struct fib6_nh){FIB_NH_IP, gw, 0};
}

static bool same_path(const struct fib6_path *a, const struct fib6_path *b)
{
	if (!a || !b)
		return a == b;
	return a->type == b->type && a->ifx == b->ifx && net_ip6_eq(&a->nh, &b->nh);
}

static void test_fwd_empty_rss(void)
{
	struct fib6 *fib = fib_new();
	size_t before = mem_rss_bytes();
	struct fib6_fwd *f = fib6_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	size_t after = mem_rss_bytes();
	printf("\n  empty fib6_fwd: %zu bytes mapped, RSS +%zu KiB ", fib6_fwd_bytes(f),
	       (after - before) / 1024);
#ifndef __SANITIZE_ADDRESS__ /* its shadow and allocator touch pages of their own */
	CU_ASSERT(after - before < 1024 * 1024);
#endif
	struct in6_addr d = a6("2001:db8::1");
	CU_ASSERT_EQUAL(fib6_fwd_lookup(f, &d), FIB_LOOKUP_MISS);
	CU_ASSERT_PTR_NULL(fib6_fwd_path_select(f, 0, 0));
	fib6_fwd_free(f);
	fib6_fwd_free(NULL);
	fib6_destroy(fib);
}

static void check_addrs(const struct fib6 *fib, const struct fib6_fwd *f, struct in6_addr *addrs,
                        size_t n, unsigned *bad)
{
	enum { B = 300 };
	const struct in6_addr *ptr[B];
	uint32_t hash[B], res[B];
	const struct fib6_path *path[B];
	for (size_t off = 0; off < n; off += B) {
		size_t m = n - off < B ? n - off : B;
		for (size_t i = 0; i < m; i++) {
			ptr[i] = &addrs[off + i];
			hash[i] = rnd();
		}
		fib6_fwd_route_batch(f, ptr, hash, path, m);
		fib6_lookup_batch(fib, ptr, res, m);
		for (size_t i = 0; i < m; i++) {
			uint32_t r = fib6_lookup(fib, ptr[i]);
			const struct fib6_path *want =
			    r == FIB_LOOKUP_MISS ? NULL : fib6_path_select(fib, r, hash[i]);
			const struct fib6_path *one =
			    fib6_fwd_path_select(f, fib6_fwd_lookup(f, ptr[i]), hash[i]);
			if (res[i] != r || !same_path(want, path[i]) || !same_path(want, one))
				(*bad)++;
		}
	}
}

static void test_fwd_differential(void)
{
	rng_seed(0x6f1b6);
	size_t n_pfx = env_size("FIB_TEST_PREFIXES", 20000);
	size_t n_addr = env_size("FIB_TEST_ADDRS", 200000);
	struct fib6 *fib = fib_new();
	struct in6_addr *pfx = malloc(n_pfx * sizeof(*pfx));
	uint8_t *len = malloc(n_pfx);
	struct in6_addr *addrs = malloc(n_addr * sizeof(*addrs));
	CU_ASSERT_FATAL(pfx && len && addrs);
	char buf[64];
	for (int i = 0; i < DIFF_IFS; i++) {
		snprintf(buf, sizeof(buf), "2001:db8:f00%d::1", i);
		CU_ASSERT_EQUAL(conn_add(fib, buf, 48, (uint16_t)(i + 1)), FIB_OK);
	}
	for (size_t i = 0; i < n_pfx; i++) {
		len[i] = rnd_len();
		struct in6_addr a = rnd_addr();
		pfx[i] = net_ip6_prefix(&a, len[i]);
		unsigned k = 1 + (rnd() % 8 == 0); /* some ECMP */
		for (unsigned j = 0; j < k; j++) {
			struct fib6_nh nh = rnd_nh();
			int err = fib6_route_add(fib, &pfx[i], len[i], &nh);
			/* short prefixes repeat: their next hops may already be there, or 16 */
			CU_ASSERT(err == FIB_OK || err == FIB_E_EXISTS || err == FIB_E_FULL);
		}
	}
	CU_ASSERT_EQUAL(route_add(fib, "::", 0, nh6("2001:db8:f001::9", 0)), FIB_OK);
	/* addresses: random, inside prefixes, and at their edges */
	for (size_t i = 0; i < n_addr; i++) {
		addrs[i] = rnd_addr();
		if (i % 3 == 0) {
			const struct in6_addr *p = &pfx[rnd() % n_pfx];
			memcpy(&addrs[i], p, 8 + (rnd() % 2) * 8);
		}
	}
	struct fib6_fwd *f = fib6_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	unsigned bad = 0;
	check_addrs(fib, f, addrs, n_addr, &bad);
	CU_ASSERT_EQUAL(bad, 0);
	/* churn, then a fresh copy; the old copy is untouched by the FIB's changes */
	for (size_t i = 0; i < n_pfx / 2; i++)
		CU_ASSERT_EQUAL(fib6_route_del(fib, &pfx[i], len[i], NULL) != FIB_E_INVAL, true);
	fib6_if_down(fib, 2);
	struct fib6_fwd *g = fib6_fwd_build(fib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	bad = 0;
	check_addrs(fib, g, addrs, n_addr, &bad);
	CU_ASSERT_EQUAL(bad, 0);
	struct fib_stats st;
	fib6_get_stats(fib, &st);
	printf("\n  %zu routes, %zu groups, fib %zu KiB, copy %zu KiB ", st.routes, st.groups,
	       st.total_bytes / 1024, fib6_fwd_bytes(g) / 1024);
	fib6_fwd_free(f);
	fib6_fwd_free(g);
	fib6_destroy(fib);
	free(pfx);
	free(len);
	free(addrs);
}

/* ---------------------------------------------------------------- registry */

static CU_TestInfo tests[] = {
    {"connected and local", test_connected_local},
    {"static, recursive one level", test_static_recursive},
    {"ecmp", test_ecmp},
    {"null0", test_null0},
    {"link-local next hop and interface state", test_link_local_nh},
    {"inactive until connected, and back", test_inactive_until_connected},
    {"connected beats static", test_precedence},
    {"/0 and /128", test_default_and_host},
    {"walk, get, match", test_walk_get_match},
    {"generation", test_generation},
    {"error codes", test_errors},
    {"empty copy's memory", test_fwd_empty_rss},
    {"copy vs FIB on random tables", test_fwd_differential},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fib6", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
