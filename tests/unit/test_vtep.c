/*
 * test_vtep.c - the VTEP name table (vxlan/vtep.h).
 */
#include "cu_main.h"

#include "common/net.h"
#include "vxlan/vtep.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct in6_addr a6(const char *text)
{
	struct in6_addr a;
	CU_ASSERT_FATAL(net_ip6_parse(text, &a));
	return a;
}

/* 2001:db8::N as the N-th VTEP of a test, ff05::N as the N-th group. */
static struct in6_addr nth(uint32_t n, bool group)
{
	struct in6_addr a = a6(group ? "ff05::" : "2001:db8::");
	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

static void test_create(void)
{
	CU_ASSERT_PTR_NULL(vx_vteps_create(0));
	CU_ASSERT_PTR_NULL(vx_vteps_create(VX_VTEPS_MAX + 1));
	struct vx_vteps *t = vx_vteps_create(VX_VTEPS_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(vx_vteps_count(t), 0);
	vx_vteps_destroy(t);
	vx_vteps_destroy(NULL);
}

static void test_add_find_addr(void)
{
	struct vx_vteps *t = vx_vteps_create(16);
	struct in6_addr v1 = a6("2001:db8::11"), v2 = a6("2001:db8::12");
	uint64_t g0 = vx_vteps_generation(t);
	uint32_t n1 = vx_vteps_add(t, &v1);
	CU_ASSERT_EQUAL(n1, VX_VTEP6_FIRST); /* handed out in order */
	CU_ASSERT_NOT_EQUAL(vx_vteps_generation(t), g0);
	uint64_t g1 = vx_vteps_generation(t);
	CU_ASSERT_EQUAL(vx_vteps_add(t, &v1), n1); /* the one it has */
	CU_ASSERT_EQUAL(vx_vteps_generation(t), g1);
	uint32_t n2 = vx_vteps_add(t, &v2);
	CU_ASSERT_EQUAL(n2, VX_VTEP6_FIRST + 1);
	CU_ASSERT_EQUAL(vx_vteps_find(t, &v1), n1);
	CU_ASSERT_EQUAL(vx_vteps_find(t, &v2), n2);
	struct in6_addr v3 = a6("2001:db8::13");
	CU_ASSERT_EQUAL(vx_vteps_find(t, &v3), 0);
	CU_ASSERT_EQUAL(vx_vteps_count(t), 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vx_vteps_addr(t, n1));
	CU_ASSERT_TRUE(net_ip6_eq(vx_vteps_addr(t, n1), &v1));
	CU_ASSERT_TRUE(net_ip6_eq(vx_vteps_addr(t, n2), &v2));
	/* names that are not its own */
	CU_ASSERT_PTR_NULL(vx_vteps_addr(t, VX_VTEP6_FIRST + 2));
	CU_ASSERT_PTR_NULL(vx_vteps_addr(t, VX_VTEP6_UNKNOWN));
	CU_ASSERT_PTR_NULL(vx_vteps_addr(t, 0xc0000201u)); /* an IPv4 VTEP */
	CU_ASSERT_PTR_NULL(vx_vteps_addr(t, 0));
	vx_vteps_destroy(t);
}

static void test_groups_and_unicast(void)
{
	struct vx_vteps *t = vx_vteps_create(64);
	struct in6_addr g = a6("ff05::1:70"), g2 = a6("ff0e::1"), u = a6("2001:db8::1");
	uint32_t ng = vx_vteps_add(t, &g), nu = vx_vteps_add(t, &u), ng2 = vx_vteps_add(t, &g2);
	CU_ASSERT_EQUAL(ng, VX_GROUP6_FIRST);
	CU_ASSERT_EQUAL(ng2, VX_GROUP6_FIRST + 1);
	CU_ASSERT_EQUAL(nu, VX_VTEP6_FIRST); /* each kind counts on its own */
	CU_ASSERT_TRUE(vx_vtep_is_group(ng));
	CU_ASSERT_TRUE(vx_vtep_is_group(ng2));
	CU_ASSERT_FALSE(vx_vtep_is_group(nu));
	CU_ASSERT_TRUE(vx_vtep_is6(ng) && vx_vtep_is6(nu) && vx_vtep_is6(VX_VTEP6_UNKNOWN));
	CU_ASSERT_FALSE(vx_vtep_is6(0xc0000201u));
	CU_ASSERT_TRUE(vx_vtep_is_group(0xef010146u)); /* 239.1.1.70 */
	CU_ASSERT_FALSE(vx_vtep_is_group(VX_VTEP6_UNKNOWN));
	/* many of each, each in its range */
	int bad = 0;
	for (uint32_t i = 0; i < 30; i++) {
		struct in6_addr vu = nth(100 + i, false), vg = nth(100 + i, true);
		uint32_t a = vx_vteps_add(t, &vu), b = vx_vteps_add(t, &vg);
		bad += a < VX_VTEP6_FIRST || a > VX_VTEP6_LAST;
		bad += b < VX_GROUP6_FIRST || b > VX_GROUP6_LAST;
	}
	CU_ASSERT_EQUAL(bad, 0);
	vx_vteps_destroy(t);
}

static void test_refusals(void)
{
	struct vx_vteps *t = vx_vteps_create(8);
	static const char *never[] = {"::", "::1", "fe80::1", "fe80::aabb:ccff:fedd:eeff",
	                              "febf::1"};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		struct in6_addr a = a6(never[i]);
		CU_ASSERT_EQUAL(vx_vteps_add(t, &a), 0);
		CU_ASSERT_EQUAL(vx_vteps_find(t, &a), 0);
	}
	CU_ASSERT_EQUAL(vx_vteps_count(t), 0);
	struct in6_addr ok = a6("fec0::1"); /* past fe80::/10 */
	CU_ASSERT_NOT_EQUAL(vx_vteps_add(t, &ok), 0);
	vx_vteps_destroy(t);
}

static void test_full(void)
{
	struct vx_vteps *t = vx_vteps_create(100);
	for (uint32_t i = 0; i < 100; i++) {
		struct in6_addr a = nth(i + 1, i % 2);
		CU_ASSERT_NOT_EQUAL(vx_vteps_add(t, &a), 0);
	}
	CU_ASSERT_EQUAL(vx_vteps_count(t), 100);
	struct in6_addr more = nth(1000, false), known = nth(5, false);
	CU_ASSERT_EQUAL(vx_vteps_add(t, &more), 0);
	CU_ASSERT_NOT_EQUAL(vx_vteps_add(t, &known), 0); /* what it has, still */
	CU_ASSERT_EQUAL(vx_vteps_count(t), 100);
	vx_vteps_destroy(t);
}

static void test_sweep(void)
{
	struct vx_vteps *t = vx_vteps_create(64);
	uint32_t name[40];
	for (uint32_t i = 0; i < 40; i++) {
		struct in6_addr a = nth(i + 1, false);
		name[i] = vx_vteps_add(t, &a);
	}
	vx_vteps_mark_begin(t);
	for (uint32_t i = 0; i < 40; i += 2)
		vx_vteps_keep(t, name[i]);
	vx_vteps_keep(t, VX_VTEP6_UNKNOWN); /* harmless */
	vx_vteps_keep(t, 0xc0000201u);
	uint64_t g = vx_vteps_generation(t);
	CU_ASSERT_EQUAL(vx_vteps_sweep(t), 20);
	CU_ASSERT_NOT_EQUAL(vx_vteps_generation(t), g);
	CU_ASSERT_EQUAL(vx_vteps_count(t), 20);
	int bad = 0;
	for (uint32_t i = 0; i < 40; i++) {
		struct in6_addr a = nth(i + 1, false);
		bool kept = i % 2 == 0;
		bad += vx_vteps_find(t, &a) != (kept ? name[i] : 0);
		bad += (vx_vteps_addr(t, name[i]) != NULL) != kept;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* a swept address comes back under a new name: the old one is never reused */
	struct in6_addr back = nth(2, false);
	uint32_t again = vx_vteps_add(t, &back);
	CU_ASSERT_NOT_EQUAL(again, name[1]);
	CU_ASSERT_EQUAL(again, VX_VTEP6_FIRST + 40);
	/* nothing to sweep: the generation stays */
	vx_vteps_mark_begin(t);
	for (uint32_t i = 0; i < 40; i += 2)
		vx_vteps_keep(t, name[i]);
	vx_vteps_keep(t, again);
	g = vx_vteps_generation(t);
	CU_ASSERT_EQUAL(vx_vteps_sweep(t), 0);
	CU_ASSERT_EQUAL(vx_vteps_generation(t), g);
	/* a name added between mark_begin and sweep is not swept */
	vx_vteps_mark_begin(t);
	struct in6_addr late = nth(500, false);
	uint32_t nl = vx_vteps_add(t, &late);
	CU_ASSERT_EQUAL(vx_vteps_sweep(t), 21);
	CU_ASSERT_EQUAL(vx_vteps_find(t, &late), nl);
	CU_ASSERT_EQUAL(vx_vteps_count(t), 1);
	vx_vteps_destroy(t);
}

/* Churn far past the capacity: names always new, the table always consistent. */
static void test_churn_never_reuses(void)
{
	struct vx_vteps *t = vx_vteps_create(256);
	uint32_t last = 0, n = 0;
	int bad = 0;
	for (uint32_t round = 0; round < 200; round++) {
		for (uint32_t i = 0; i < 200; i++) {
			struct in6_addr a = nth(++n, false);
			uint32_t nm = vx_vteps_add(t, &a);
			bad += nm <= last; /* strictly increasing: never handed out twice */
			last = nm;
		}
		vx_vteps_mark_begin(t);
		for (uint32_t k = 0; k < 10; k++) /* keep the last 10 added */
			vx_vteps_keep(t, last - k);
		vx_vteps_sweep(t);
		bad += vx_vteps_count(t) != 10;
		for (uint32_t k = 0; k < 10; k++) {
			struct in6_addr a = nth(n - k, false);
			bad += vx_vteps_find(t, &a) != last - k;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	vx_vteps_destroy(t);
}

static void test_clone(void)
{
	struct vx_vteps *t = vx_vteps_create(32);
	struct in6_addr a = a6("2001:db8::a"), b = a6("2001:db8::b"), g = a6("ff05::1");
	uint32_t na = vx_vteps_add(t, &a), ng = vx_vteps_add(t, &g);
	struct vx_vteps *c = vx_vteps_clone(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(vx_vteps_generation(c), vx_vteps_generation(t));
	/* later changes of the table do not reach the copy */
	uint32_t nb = vx_vteps_add(t, &b);
	vx_vteps_mark_begin(t);
	vx_vteps_keep(t, nb);
	vx_vteps_sweep(t);
	CU_ASSERT_EQUAL(vx_vteps_find(t, &a), 0);
	CU_ASSERT_EQUAL(vx_vteps_find(c, &a), na);
	CU_ASSERT_EQUAL(vx_vteps_find(c, &g), ng);
	CU_ASSERT_EQUAL(vx_vteps_find(c, &b), 0);
	CU_ASSERT_PTR_NULL(vx_vteps_addr(c, nb));
	CU_ASSERT_TRUE(net_ip6_eq(vx_vteps_addr(c, na), &a));
	CU_ASSERT_EQUAL(vx_vteps_count(c), 2);
	CU_ASSERT_EQUAL(vx_vteps_count(t), 1);
	vx_vteps_destroy(t);
	/* and the copy outlives the table */
	CU_ASSERT_TRUE(net_ip6_eq(vx_vteps_addr(c, ng), &g));
	vx_vteps_destroy(c);
}

static void test_fmt(void)
{
	char buf[VX_VTEP_STRLEN];
	struct vx_vteps *t = vx_vteps_create(8);
	struct in6_addr a = a6("2001:db8::11");
	uint32_t n = vx_vteps_add(t, &a);
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(NULL, 0xc000020bu, buf), "192.0.2.11");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(t, 0xc000020bu, buf), "192.0.2.11");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(NULL, 0xef010146u, buf), "239.1.1.70");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(t, n, buf), "2001:db8::11");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(NULL, n, buf), "unknown-ipv6");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(t, VX_VTEP6_UNKNOWN, buf), "unknown-ipv6");
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(t, n + 1, buf), "unknown-ipv6");
	/* a long one fits */
	struct in6_addr lng = a6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	uint32_t nl = vx_vteps_add(t, &lng);
	CU_ASSERT_STRING_EQUAL(vx_vtep_fmt(t, nl, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	vx_vteps_destroy(t);
}

static CU_TestInfo tests[] = {
    {"create bounds", test_create},
    {"add, find, addr", test_add_find_addr},
    {"groups and unicast ranges", test_groups_and_unicast},
    {"refused addresses", test_refusals},
    {"capacity full", test_full},
    {"mark and sweep", test_sweep},
    {"churn: names never reused", test_churn_never_reuses},
    {"clone is independent", test_clone},
    {"fmt", test_fmt},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"vtep names", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
