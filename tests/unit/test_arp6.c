/*
 * test_arp6.c - the neighbour table as an IPv6 one (RFC 4861 NUD): resolution with
 * multicast then unicast solicitations, the learning rules of 7.2.3 and 7.2.5, DELAY, and
 * the separation of the two families. A fake owner (struct arp6_ops) records the calls.
 */
#include "cu_main.h"

#include "arp/arp.h"
#include "common/net.h"

#include <stdint.h>
#include <string.h>

#define PKT(n) ((void *)(uintptr_t)(n))

enum ev_kind { EV_SOLICIT = 1, EV_RESOLVED, EV_DROP };

struct ev {
	enum ev_kind kind;
	uint16_t ifx;
	struct in6_addr ip;
	bool unicast; /* solicit: to a MAC, not to the solicited-node group */
	uint8_t mac[6];
	void *pkt;
	enum arp_drop_reason why;
};

#define EV_MAX 128
static struct {
	struct ev ev[EV_MAX];
	unsigned n;
} R;

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0xb};

static void note(struct ev e)
{
	if (R.n < EV_MAX)
		R.ev[R.n++] = e;
}

static void on_solicit(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *dst)
{
	(void)ctx;
	struct ev e = {.kind = EV_SOLICIT, .ifx = ifx, .ip = *ip, .unicast = dst != NULL};
	if (dst)
		memcpy(e.mac, dst, 6);
	note(e);
}

static void on_resolved(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
                        void *pkt)
{
	(void)ctx;
	struct ev e = {.kind = EV_RESOLVED, .ifx = ifx, .ip = *ip, .pkt = pkt};
	memcpy(e.mac, mac, 6);
	note(e);
}

static void on_drop(void *ctx, uint16_t ifx, const struct in6_addr *ip, void *pkt,
                    enum arp_drop_reason why)
{
	(void)ctx;
	note((struct ev){.kind = EV_DROP, .ifx = ifx, .ip = *ip, .pkt = pkt, .why = why});
}

static const struct arp6_ops ops6 = {on_solicit, on_resolved, on_drop};

static struct in6_addr A6(const char *s) {
	struct in6_addr a;
	CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &a) == 1);
	return a;
}

/* An IPv6 table with arp6_config_default's timers: reachable 30 s, delay 5 s, retrans 1 s,
 * 3 retries, stale 600 s; delay_ms overridden when not negative. */
static struct arp_table *
table6(long delay_ms)
{
	struct arp_config c;
	arp6_config_default(&c);
	CU_ASSERT_EQUAL(c.delay_ms, 5000);
	if (delay_ms >= 0)
		c.delay_ms = (uint32_t)delay_ms;
	memset(&R, 0, sizeof(R));
	struct arp_table *t = arp6_table_create(&c, &ops6, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static uint8_t state6(struct arp_table *t, uint16_t ifx, const char *ip)
{
	struct arp6_entry_info e;
	struct in6_addr a = A6(ip);
	return arp6_get(t, ifx, &a, 0, &e) ? e.state : 0;
}

static bool mac6_is(struct arp_table *t, uint16_t ifx, const char *ip, const uint8_t *mac)
{
	struct arp6_entry_info e;
	struct in6_addr a = A6(ip);
	return arp6_get(t, ifx, &a, 0, &e) && net_mac_eq(e.mac, mac);
}

static int solicit(struct arp_table *t, uint16_t ifx, const char *ip, const uint8_t *mac)
{
	struct in6_addr a = A6(ip);
	return arp6_learn(t, ifx, &a, mac, ARP6_LEARN_SOLICIT, NULL, 0);
}

static int advert(struct arp_table *t, uint16_t ifx, const char *ip, const uint8_t *mac, bool s,
                  bool o)
{
	struct in6_addr a = A6(ip);
	struct arp6_na_flags f = {.solicited = s, .override = o};
	return arp6_learn(t, ifx, &a, mac, ARP6_LEARN_ADVERT, &f, 0);
}

static unsigned count(enum ev_kind k, bool unicast)
{
	unsigned n = 0;
	for (unsigned i = 0; i < R.n; i++)
		n += R.ev[i].kind == k && (k != EV_SOLICIT || R.ev[i].unicast == unicast);
	return n;
}

/* ---- resolution ---- */

static void test_resolve_queue_then_advert(void)
{
	struct arp_table *t = table6(-1);
	struct in6_addr nb = A6("2001:db8::10");
	CU_ASSERT_PTR_NULL(arp6_lookup(t, 1, &nb, 0));
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(1), 0), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(2), 10), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(R.n, 1);
	CU_ASSERT_EQUAL(R.ev[0].kind, EV_SOLICIT);
	CU_ASSERT_FALSE(R.ev[0].unicast); /* to the solicited-node group */
	CU_ASSERT(net_ip6_eq(&R.ev[0].ip, &nb));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::10"), ARP_INCOMPLETE);

	arp_tick(t, 1000); /* a second multicast solicitation */
	CU_ASSERT_EQUAL(count(EV_SOLICIT, false), 2);

	uint64_t gen = arp_generation(t);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::10", MAC_A, true, false), ARP_LEARN_RESOLVED);
	CU_ASSERT(arp_generation(t) > gen); /* the workers' snapshot must see it */
	CU_ASSERT_EQUAL(R.n, 4);
	CU_ASSERT_EQUAL(R.ev[2].kind, EV_RESOLVED);
	CU_ASSERT_PTR_EQUAL(R.ev[2].pkt, PKT(1));
	CU_ASSERT_PTR_EQUAL(R.ev[3].pkt, PKT(2));
	CU_ASSERT(net_mac_eq(R.ev[3].mac, MAC_A));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::10"), ARP_REACHABLE);
	const uint8_t *mac = arp6_lookup(t, 1, &nb, 1000);
	CU_ASSERT(mac && net_mac_eq(mac, MAC_A));
	arp_table_destroy(t);
}

/* Past queue_len (4), the oldest packet goes back as QUEUE_FULL. */
static void test_queue_full(void)
{
	struct arp_table *t = table6(-1);
	struct in6_addr nb = A6("fe80::12");
	for (uintptr_t i = 1; i <= 5; i++)
		CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(i), 0), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(count(EV_DROP, false), 1);
	CU_ASSERT_PTR_EQUAL(R.ev[R.n - 1].pkt, PKT(1));
	CU_ASSERT_EQUAL(R.ev[R.n - 1].why, ARP_DROP_QUEUE_FULL);
	struct arp6_entry_info e;
	CU_ASSERT(arp6_get(t, 1, &nb, 0, &e) && e.queued == 4);
	arp_table_destroy(t);
}

static void test_resolve_gives_up(void)
{
	struct arp_table *t = table6(-1);
	struct in6_addr nb = A6("2001:db8::11");
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(7), 0), ARP_RES_QUEUED);
	for (uint64_t ms = 1000; ms <= 3000; ms += 1000)
		arp_tick(t, ms);
	CU_ASSERT_EQUAL(count(EV_SOLICIT, false), 3);
	CU_ASSERT_EQUAL(count(EV_DROP, false), 1);
	CU_ASSERT_EQUAL(R.ev[R.n - 1].why, ARP_DROP_UNRESOLVED);
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(8), 3500), ARP_RES_FAILED);
	arp_tick(t, 4000); /* the hold is over */
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::11"), 0);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.failed, 1);
	CU_ASSERT_EQUAL(st.requests_sent, 3);
	arp_table_destroy(t);
}

/* ---- NUD: STALE -> DELAY -> PROBE ---- */

/* A REACHABLE entry for 2001:db8::20 on ifx 1 aged to STALE at 30 s. */
static struct arp_table *stale_entry(long delay_ms)
{
	struct arp_table *t = table6(delay_ms);
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::20", MAC_A), ARP_LEARN_NEW);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::20", NULL, true, false), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_REACHABLE);
	arp_tick(t, 30000);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_STALE);
	R.n = 0;
	return t;
}

static void test_delay_probe_confirmed(void)
{
	struct arp_table *t = stale_entry(-1);
	struct in6_addr nb = A6("2001:db8::20");
	const uint8_t *mac = arp6_lookup(t, 1, &nb, 31000);
	CU_ASSERT(mac && net_mac_eq(mac, MAC_A));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_DELAY);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 36000);
	arp_tick(t, 35999);
	CU_ASSERT_EQUAL(R.n, 0); /* no solicitation while in DELAY */
	CU_ASSERT_PTR_NOT_NULL(arp6_lookup(t, 1, &nb, 35999));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_DELAY);
	arp_tick(t, 36000);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_PROBE);
	CU_ASSERT_EQUAL(count(EV_SOLICIT, true), 1);
	CU_ASSERT(net_mac_eq(R.ev[0].mac, MAC_A));
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::20", MAC_A, true, false), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_REACHABLE);
	arp_table_destroy(t);
}

static void test_delay_probe_gone(void)
{
	struct arp_table *t = stale_entry(-1);
	struct in6_addr nb = A6("2001:db8::20");
	CU_ASSERT_PTR_NOT_NULL(arp6_lookup(t, 1, &nb, 31000));
	for (uint64_t ms = 36000; ms <= 39000; ms += 1000)
		arp_tick(t, ms);
	CU_ASSERT_EQUAL(count(EV_SOLICIT, true), 3);
	CU_ASSERT_EQUAL(count(EV_SOLICIT, false), 0);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), 0);
	CU_ASSERT_PTR_NULL(arp6_lookup(t, 1, &nb, 39000));
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.expired, 1);
	CU_ASSERT_EQUAL(st.entries, 0);
	arp_table_destroy(t);
}

/* delay_ms 0: STALE used goes straight to PROBE, as an IPv4 entry does. */
static void test_no_delay_probes_at_once(void)
{
	struct arp_table *t = stale_entry(0);
	struct in6_addr nb = A6("2001:db8::20");
	CU_ASSERT_PTR_NOT_NULL(arp6_lookup(t, 1, &nb, 31000));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::20"), ARP_PROBE);
	arp_tick(t, 31000);
	CU_ASSERT_EQUAL(count(EV_SOLICIT, true), 1);
	arp_table_destroy(t);
}

/* ---- learning: RFC 4861 7.2.3 (NS with SLLA) and 7.2.5 (NA) ---- */

static void test_solicit_rules(void)
{
	struct arp_table *t = table6(-1);
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::30", NULL), ARP_LEARN_IGNORED); /* no SLLA */
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::30", MAC_A), ARP_LEARN_NEW);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::30"), ARP_STALE);
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::30", MAC_A), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::30", NULL, true, false), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::30", MAC_B), ARP_LEARN_CHANGED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::30"), ARP_STALE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::30", MAC_B));

	/* an NS resolves an INCOMPLETE entry: queued packets leave, the entry is STALE */
	struct in6_addr nb = A6("2001:db8::31");
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, &nb, PKT(3), 0), ARP_RES_QUEUED);
	R.n = 0;
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::31", MAC_A), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::31"), ARP_STALE);
	CU_ASSERT_EQUAL(count(EV_RESOLVED, false), 1);
	CU_ASSERT_PTR_EQUAL(R.ev[0].pkt, PKT(3));

	/* the MAC must be a unicast one */
	const uint8_t mcast[6] = {0x33, 0x33, 0, 0, 0, 1};
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::32", mcast), ARP_LEARN_IGNORED);
	arp_table_destroy(t);
}

static void test_advert_incomplete(void)
{
	struct arp_table *t = table6(-1);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::40", MAC_A, true, true), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::40"), 0); /* an NA never creates */

	struct in6_addr a = A6("2001:db8::40"), b = A6("2001:db8::41");
	arp6_resolve(t, 1, &a, NULL, 0);
	arp6_resolve(t, 1, &b, NULL, 0);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::40", NULL, true, true), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::40"), ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::40", MAC_A, true, false), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::40"), ARP_REACHABLE);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::41", MAC_B, false, true), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::41"), ARP_STALE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::41", MAC_B));
	arp_table_destroy(t);
}

/* Override clear and another MAC: a REACHABLE entry is doubted, any other left alone. */
static void test_advert_without_override(void)
{
	struct arp_table *t = table6(-1);
	solicit(t, 1, "2001:db8::50", MAC_A);
	advert(t, 1, "2001:db8::50", NULL, true, false);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::50", MAC_B, true, false), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::50"), ARP_STALE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::50", MAC_A));
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::50", MAC_B, true, false), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::50"), ARP_STALE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::50", MAC_A));
	/* the same MAC without override is a confirmation when solicited */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::50", MAC_A, true, false), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::50"), ARP_REACHABLE);
	arp_table_destroy(t);
}

static void test_advert_with_override(void)
{
	struct arp_table *t = table6(-1);
	solicit(t, 1, "2001:db8::60", MAC_A); /* STALE */
	/* unsolicited, same MAC: nothing changes */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::60", MAC_A, false, true), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_STALE);
	/* solicited, new MAC: taken, REACHABLE */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::60", MAC_B, true, true), ARP_LEARN_CHANGED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_REACHABLE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::60", MAC_B));
	/* unsolicited, new MAC: taken, STALE */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::60", MAC_A, false, true), ARP_LEARN_CHANGED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_STALE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::60", MAC_A));
	/* solicited without a TLLA: REACHABLE, MAC kept */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::60", NULL, true, true), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_REACHABLE);
	CU_ASSERT(mac6_is(t, 1, "2001:db8::60", MAC_A));
	/* unsolicited without a TLLA: nothing */
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::60", NULL, false, true), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_REACHABLE);
	/* NULL flags: neither S nor O */
	struct in6_addr a = A6("2001:db8::60");
	CU_ASSERT_EQUAL(arp6_learn(t, 1, &a, MAC_B, ARP6_LEARN_ADVERT, NULL, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::60"), ARP_STALE);
	arp_table_destroy(t);
}

static void test_statics_never_change(void)
{
	struct arp_table *t = table6(-1);
	struct in6_addr a = A6("2001:db8::70");
	CU_ASSERT_EQUAL(arp6_static_add(t, 1, &a, MAC_A), ARP_OK);
	CU_ASSERT_EQUAL(solicit(t, 1, "2001:db8::70", MAC_B), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::70", MAC_B, true, true), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(advert(t, 1, "2001:db8::70", MAC_B, false, false), ARP_LEARN_IGNORED);
	arp_tick(t, 10000000);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::70"), ARP_STATIC);
	const uint8_t *mac = arp6_lookup(t, 1, &a, 10000000);
	CU_ASSERT(mac && net_mac_eq(mac, MAC_A));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::70"), ARP_STATIC);
	CU_ASSERT_EQUAL(arp6_static_del(t, 1, &a), ARP_OK);
	CU_ASSERT_EQUAL(arp6_static_del(t, 1, &a), ARP_E_NOENT);

	/* a static entry takes over a resolution in progress */
	arp6_resolve(t, 2, &a, PKT(9), 0);
	R.n = 0;
	CU_ASSERT_EQUAL(arp6_static_add(t, 2, &a, MAC_B), ARP_OK);
	CU_ASSERT_EQUAL(count(EV_RESOLVED, false), 1);
	CU_ASSERT(net_mac_eq(R.ev[0].mac, MAC_B));
	arp_table_destroy(t);
}

/* ---- families and arguments ---- */

static int count_cb4(const struct arp_entry_info *e, void *arg)
{
	(void)e;
	(*(unsigned *)arg)++;
	return 0;
}

static int count_cb6(const struct arp6_entry_info *e, void *arg)
{
	(void)e;
	(*(unsigned *)arg)++;
	return 0;
}

static void test_family_mismatch(void)
{
	struct arp_table *t4 = arp_table_create(NULL, NULL, NULL), *t6 = table6(-1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t4);
	uint32_t ip4 = 0x0a000001;                 /* 10.0.0.1 */
	struct in6_addr m = A6("::ffff:10.0.0.1"); /* its v4-mapped form */
	struct in6_addr g = A6("2001:db8::1");
	struct arp6_entry_info i6;
	struct arp_entry_info i4;
	unsigned n = 0;

	CU_ASSERT_EQUAL(arp_static_add(t4, 1, ip4, MAC_A), ARP_OK);
	CU_ASSERT_EQUAL(arp6_static_add(t6, 1, &g, MAC_A), ARP_OK);

	/* IPv6 calls on the IPv4 table */
	CU_ASSERT_PTR_NULL(arp6_lookup(t4, 1, &m, 0));
	CU_ASSERT_EQUAL(arp6_resolve(t4, 1, &g, PKT(1), 0), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp6_learn(t4, 1, &g, MAC_B, ARP6_LEARN_SOLICIT, NULL, 0),
	                ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(arp6_static_add(t4, 1, &g, MAC_B), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp6_static_del(t4, 1, &m), ARP_E_INVAL);
	CU_ASSERT_FALSE(arp6_get(t4, 1, &m, 0, &i6));
	CU_ASSERT_EQUAL(arp6_walk(t4, 0, count_cb6, &n), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp6_foreach(t4, 0, count_cb6, &n), ARP_E_INVAL);

	/* IPv4 calls on the IPv6 table */
	CU_ASSERT_PTR_NULL(arp_lookup(t6, 1, ip4, 0));
	CU_ASSERT_EQUAL(arp_resolve(t6, 1, ip4, PKT(1), 0), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp_learn(t6, 1, ip4, MAC_B, ARP_LEARN_CREATE, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(arp_static_add(t6, 1, ip4, MAC_B), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp_static_del(t6, 1, ip4), ARP_E_INVAL);
	CU_ASSERT_FALSE(arp_get(t6, 1, ip4, 0, &i4));
	CU_ASSERT_EQUAL(arp_walk(t6, 0, count_cb4, &n), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp_foreach(t6, 0, count_cb4, &n), ARP_E_INVAL);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(R.n, 0);

	/* the shared calls take either; each table kept only its own entry */
	struct arp_stats st;
	arp_get_stats(t6, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	arp_get_stats(t4, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	CU_ASSERT_EQUAL(arp_foreach(t4, 0, count_cb4, &n), 0);
	CU_ASSERT_EQUAL(arp6_foreach(t6, 0, count_cb6, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	arp_table_destroy(t4);
	arp_table_destroy(t6);
}

static void test_invalid_neighbours(void)
{
	struct arp_table *t = table6(-1);
	const char *bad[] = {"::", "::1", "ff02::1", "ff02::1:ff00:1", "::ffff:10.0.0.1"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct in6_addr a = A6(bad[i]);
		CU_ASSERT_EQUAL(arp6_resolve(t, 1, &a, PKT(1), 0), ARP_RES_FAILED);
		CU_ASSERT_EQUAL(arp6_static_add(t, 1, &a, MAC_A), ARP_E_INVAL);
		CU_ASSERT_EQUAL(arp6_learn(t, 1, &a, MAC_A, ARP6_LEARN_SOLICIT, NULL, 0),
		                ARP_LEARN_IGNORED);
	}
	struct in6_addr ok = A6("2001:db8::1");
	CU_ASSERT_EQUAL(arp6_resolve(t, 0, &ok, NULL, 0), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp6_resolve(t, ARP_MAX_IFX + 1, &ok, NULL, 0), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp6_resolve(t, 1, NULL, NULL, 0), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(R.n, 0);
	arp_table_destroy(t);
}

/* ---- flushing and walking ---- */

static void test_clear_and_flush(void)
{
	struct arp_table *t = table6(-1);
	struct in6_addr a = A6("2001:db8::80"), s = A6("2001:db8::81");
	arp6_resolve(t, 1, &a, PKT(1), 0);
	arp6_resolve(t, 2, &a, PKT(2), 0);
	arp6_static_add(t, 1, &s, MAC_A);
	arp6_static_add(t, 2, &s, MAC_A);
	solicit(t, 1, "2001:db8::82", MAC_B);
	R.n = 0;

	arp_clear_dynamic(t, 1);
	CU_ASSERT_EQUAL(count(EV_DROP, false), 1);
	CU_ASSERT_PTR_EQUAL(R.ev[0].pkt, PKT(1));
	CU_ASSERT_EQUAL(R.ev[0].why, ARP_DROP_FLUSHED);
	CU_ASSERT_EQUAL(R.ev[0].ifx, 1);
	CU_ASSERT(net_ip6_eq(&R.ev[0].ip, &a));
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::82"), 0);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::81"), ARP_STATIC);
	CU_ASSERT_EQUAL(state6(t, 2, "2001:db8::80"), ARP_INCOMPLETE);

	arp_flush_if(t, 2);
	CU_ASSERT_EQUAL(count(EV_DROP, false), 2);
	CU_ASSERT_EQUAL(state6(t, 2, "2001:db8::81"), 0);
	CU_ASSERT_EQUAL(state6(t, 1, "2001:db8::81"), ARP_STATIC);

	arp6_resolve(t, 3, &a, PKT(3), 0);
	arp_table_destroy(t); /* the last queued packet comes back */
	CU_ASSERT_EQUAL(count(EV_DROP, false), 3);
	CU_ASSERT_PTR_EQUAL(R.ev[R.n - 1].pkt, PKT(3));
}

struct seen {
	struct arp6_entry_info e[16];
	unsigned n;
};

static int collect(const struct arp6_entry_info *e, void *arg)
{
	struct seen *s = arg;
	if (s->n < 16)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

/* Ascending (ifx, address bytes), and a link-local address is one neighbour per interface. */
static void test_walk_order_and_link_local(void)
{
	struct arp_table *t = table6(-1);
	const char *ips[] = {"fe80::1", "2001:db8::2", "2001:db8::1:0", "fe80::1", "2001:db8::1"};
	const uint16_t ifxs[] = {2, 1, 1, 1, 1};
	for (unsigned i = 0; i < 5; i++) {
		struct in6_addr a = A6(ips[i]);
		CU_ASSERT_EQUAL(arp6_static_add(t, ifxs[i], &a, i == 0 ? MAC_B : MAC_A), ARP_OK);
	}
	/* fe80::1 on 1 and 2 are two entries with their own MACs */
	CU_ASSERT(mac6_is(t, 1, "fe80::1", MAC_A));
	CU_ASSERT(mac6_is(t, 2, "fe80::1", MAC_B));
	struct in6_addr ll = A6("fe80::1");
	CU_ASSERT_PTR_NULL(arp6_lookup(t, 3, &ll, 0));

	struct seen s = {0};
	CU_ASSERT_EQUAL(arp6_walk(t, 0, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 5);
	const char *want[] = {"2001:db8::1", "2001:db8::2", "2001:db8::1:0", "fe80::1", "fe80::1"};
	const uint16_t want_ifx[] = {1, 1, 1, 1, 2};
	for (unsigned i = 0; i < 5; i++) {
		struct in6_addr w = A6(want[i]);
		CU_ASSERT_EQUAL(s.e[i].ifx, want_ifx[i]);
		CU_ASSERT(net_ip6_eq(&s.e[i].ip, &w));
		CU_ASSERT_EQUAL(s.e[i].state, ARP_STATIC);
	}
	s.n = 0;
	CU_ASSERT_EQUAL(arp6_foreach(t, 0, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 5);
	arp_flush_if(t, 1);
	CU_ASSERT(mac6_is(t, 2, "fe80::1", MAC_B));
	CU_ASSERT_EQUAL(state6(t, 1, "fe80::1"), 0);
	arp_table_destroy(t);
}

static CU_TestInfo nud_tests[] = {
    {"resolve, queue, advert", test_resolve_queue_then_advert},
    {"queue full drops the oldest", test_queue_full},
    {"resolution gives up", test_resolve_gives_up},
    {"stale used: delay, probe, confirmed", test_delay_probe_confirmed},
    {"stale used: delay, probe, gone", test_delay_probe_gone},
    {"delay 0 probes at once", test_no_delay_probes_at_once},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo learn_tests[] = {
    {"NS with SLLA", test_solicit_rules},
    {"NA on INCOMPLETE", test_advert_incomplete},
    {"NA without override", test_advert_without_override},
    {"NA with override", test_advert_with_override},
    {"statics never change", test_statics_never_change},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo table_tests[] = {
    {"family mismatch", test_family_mismatch},
    {"invalid neighbours", test_invalid_neighbours},
    {"clear and flush", test_clear_and_flush},
    {"walk order, link-local per interface", test_walk_order_and_link_local},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"arp6 nud", NULL, NULL, NULL, NULL, nud_tests},
    {"arp6 learn", NULL, NULL, NULL, NULL, learn_tests},
    {"arp6 table", NULL, NULL, NULL, NULL, table_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
