/*
 * test_arp.c - the ARP wire format and the neighbour table, driven by a test clock and
 * a fake owner (struct arp_ops) that records every callback.
 */
#include "cu_main.h"

#include "arp/arp.h"
#include "common/net.h"

#include <stdint.h>
#include <string.h>

/* ---- fixtures ---- */

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PKT(n)         ((void *)(uintptr_t)(n))
#define PKT_ID(p)      ((unsigned)(uintptr_t)(p))

enum call_kind { CALL_SOLICIT = 1, CALL_RESOLVED, CALL_DROP };

struct call {
	enum call_kind kind;
	uint16_t ifx;
	uint32_t ip;
	bool has_mac;
	uint8_t mac[6];
	void *pkt;
	enum arp_drop_reason why;
};

#define LOG_MAX 512

/* What the fake owner saw, plus optional re-entry hooks that call back into the table. */
static struct fake {
	struct call log[LOG_MAX];
	unsigned n;
	struct arp_table *t;
	bool lookup_on_resolved; /* resolved: arp_lookup must already see the MAC */
	bool resolve_on_drop;    /* drop(UNRESOLVED): arp_resolve must say FAILED */
	bool learn_on_solicit;   /* solicit: the neighbour answers at once */
	unsigned reentry_failures;
} F;

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0xb};

static void record(struct call c)
{
	if (F.n < LOG_MAX)
		F.log[F.n] = c;
	F.n++;
}

static void fake_solicit(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *dst_mac)
{
	(void)ctx;
	struct call c = {.kind = CALL_SOLICIT, .ifx = ifx, .ip = ip, .has_mac = dst_mac != NULL};
	if (dst_mac)
		memcpy(c.mac, dst_mac, 6);
	record(c);
	if (F.learn_on_solicit &&
	    arp_learn(F.t, ifx, ip, MAC_A, ARP_LEARN_UPDATE, 0) != ARP_LEARN_RESOLVED)
		F.reentry_failures++;
}

static void fake_resolved(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *mac, void *pkt)
{
	(void)ctx;
	struct call c = {.kind = CALL_RESOLVED, .ifx = ifx, .ip = ip, .has_mac = true, .pkt = pkt};
	memcpy(c.mac, mac, 6);
	record(c);
	if (F.lookup_on_resolved) {
		const uint8_t *m = arp_lookup(F.t, ifx, ip, 0);
		if (!m || !net_mac_eq(m, mac))
			F.reentry_failures++;
	}
}

static void fake_drop(void *ctx, uint16_t ifx, uint32_t ip, void *pkt, enum arp_drop_reason why)
{
	(void)ctx;
	record((struct call){.kind = CALL_DROP, .ifx = ifx, .ip = ip, .pkt = pkt, .why = why});
	if (F.resolve_on_drop && why == ARP_DROP_UNRESOLVED &&
	    arp_resolve(F.t, ifx, ip, NULL, 0) != ARP_RES_FAILED)
		F.reentry_failures++;
}

static const struct arp_ops fake_ops = {fake_solicit, fake_resolved, fake_drop};

static struct arp_table *new_table(const struct arp_config *cfg)
{
	memset(&F, 0, sizeof(F));
	F.t = arp_table_create(cfg, &fake_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(F.t);
	return F.t;
}

static struct arp_config test_config(void)
{
	struct arp_config c;
	arp_config_default(&c);
	return c;
}

static unsigned count_calls(enum call_kind kind)
{
	unsigned n = 0;
	for (unsigned i = 0; i < F.n && i < LOG_MAX; i++)
		n += F.log[i].kind == kind;
	return n;
}

static const struct call *nth_call(unsigned i)
{
	CU_ASSERT_FATAL(i < F.n && i < LOG_MAX);
	return &F.log[i];
}

static uint8_t state_of(struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	struct arp_entry_info e;
	return arp_get(t, ifx, ip, 0, &e) ? e.state : 0;
}

/* ---- wire format ---- */

static void test_parse_build_roundtrip(void)
{
	struct arp_msg m = {
	    .op = ARP_OP_REQUEST, .spa = IP(10, 1, 10, 1), .tpa = IP(10, 1, 10, 50)};
	memcpy(m.sha, MAC_A, 6);
	uint8_t buf[64] = {0};
	arp_build(buf, &m);
	const uint8_t head[8] = {0, 1, 8, 0, 6, 4, 0, 1};
	CU_ASSERT(memcmp(buf, head, 8) == 0);
	CU_ASSERT(memcmp(buf + 8, MAC_A, 6) == 0);
	const uint8_t spa[4] = {10, 1, 10, 1}, tpa[4] = {10, 1, 10, 50};
	CU_ASSERT(memcmp(buf + 14, spa, 4) == 0);
	CU_ASSERT(memcmp(buf + 24, tpa, 4) == 0);

	struct arp_msg out;
	CU_ASSERT_EQUAL(arp_parse(buf, ARP_PKT_LEN, &out), ARP_PARSE_OK);
	CU_ASSERT_EQUAL(out.op, ARP_OP_REQUEST);
	CU_ASSERT(memcmp(out.sha, MAC_A, 6) == 0);
	CU_ASSERT(net_mac_is_zero(out.tha));
	CU_ASSERT_EQUAL(out.spa, m.spa);
	CU_ASSERT_EQUAL(out.tpa, m.tpa);

	/* A reply, with Ethernet padding after the payload. */
	m.op = ARP_OP_REPLY;
	memcpy(m.tha, MAC_B, 6);
	arp_build(buf, &m);
	CU_ASSERT_EQUAL(arp_parse(buf, 46, &out), ARP_PARSE_OK);
	CU_ASSERT_EQUAL(out.op, ARP_OP_REPLY);
	CU_ASSERT(memcmp(out.tha, MAC_B, 6) == 0);
	CU_ASSERT_EQUAL(arp_parse(buf, ARP_PKT_LEN, NULL), ARP_PARSE_OK);
}

/* Builds a valid request, lets the caller corrupt byte `off`, and parses it. */
static int parse_with(size_t off, uint8_t val)
{
	struct arp_msg m = {.op = ARP_OP_REQUEST, .spa = IP(10, 0, 0, 1), .tpa = IP(10, 0, 0, 2)};
	memcpy(m.sha, MAC_A, 6);
	uint8_t buf[ARP_PKT_LEN];
	arp_build(buf, &m);
	buf[off] = val;
	struct arp_msg out;
	return arp_parse(buf, sizeof(buf), &out);
}

static int parse_sender(const uint8_t *sha, uint32_t spa)
{
	struct arp_msg m = {.op = ARP_OP_REPLY, .spa = spa, .tpa = IP(10, 0, 0, 2)};
	memcpy(m.sha, sha, 6);
	uint8_t buf[ARP_PKT_LEN];
	arp_build(buf, &m);
	return arp_parse(buf, sizeof(buf), NULL);
}

static void test_parse_errors(void)
{
	uint8_t buf[ARP_PKT_LEN] = {0};
	CU_ASSERT_EQUAL(arp_parse(buf, ARP_PKT_LEN - 1, NULL), ARP_PARSE_SHORT);
	CU_ASSERT_EQUAL(arp_parse(buf, 0, NULL), ARP_PARSE_SHORT);
	CU_ASSERT_EQUAL(arp_parse(NULL, 100, NULL), ARP_PARSE_SHORT);

	CU_ASSERT_EQUAL(parse_with(0, 0), ARP_PARSE_OK);
	CU_ASSERT_EQUAL(parse_with(1, 6), ARP_PARSE_FORMAT);    /* htype 6 (IEEE 802) */
	CU_ASSERT_EQUAL(parse_with(0, 1), ARP_PARSE_FORMAT);    /* htype 0x0101 */
	CU_ASSERT_EQUAL(parse_with(2, 0x86), ARP_PARSE_FORMAT); /* ptype 0x8600 */
	CU_ASSERT_EQUAL(parse_with(3, 0xdd), ARP_PARSE_FORMAT); /* ptype 0x08dd */
	CU_ASSERT_EQUAL(parse_with(4, 8), ARP_PARSE_FORMAT);    /* hlen */
	CU_ASSERT_EQUAL(parse_with(5, 16), ARP_PARSE_FORMAT);   /* plen */
	CU_ASSERT_EQUAL(parse_with(7, 0), ARP_PARSE_OP);
	CU_ASSERT_EQUAL(parse_with(7, 3), ARP_PARSE_OP);
	CU_ASSERT_EQUAL(parse_with(6, 1), ARP_PARSE_OP); /* 0x0101 */

	const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
	const uint8_t zero[6] = {0};
	CU_ASSERT_EQUAL(parse_sender(MAC_A, IP(10, 0, 0, 1)), ARP_PARSE_OK);
	CU_ASSERT_EQUAL(parse_sender(MAC_A, 0), ARP_PARSE_OK); /* RFC 5227 probe */
	CU_ASSERT_EQUAL(parse_sender(bcast, IP(10, 0, 0, 1)), ARP_PARSE_SENDER);
	CU_ASSERT_EQUAL(parse_sender(mcast, IP(10, 0, 0, 1)), ARP_PARSE_SENDER);
	CU_ASSERT_EQUAL(parse_sender(zero, IP(10, 0, 0, 1)), ARP_PARSE_SENDER);
	CU_ASSERT_EQUAL(parse_sender(MAC_A, IP(224, 0, 0, 1)), ARP_PARSE_SENDER);
	CU_ASSERT_EQUAL(parse_sender(MAC_A, IP(239, 255, 255, 255)), ARP_PARSE_SENDER);
	CU_ASSERT_EQUAL(parse_sender(MAC_A, 0xffffffffu), ARP_PARSE_SENDER);
}

/* ---- table: arguments and configuration ---- */

static void test_bad_config_and_arguments(void)
{
	struct arp_config c = test_config();
	c.queue_len = 65;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));
	c = test_config();
	c.queue_len = 0;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));
	c = test_config();
	c.retrans_ms = 0;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));
	c = test_config();
	c.max_retries = 0;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));
	c = test_config();
	c.max_entries = ARP_MAX_ENTRIES + 1;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));
	c.max_entries = 0;
	CU_ASSERT_PTR_NULL(arp_table_create(&c, &fake_ops, NULL));

	/* No ops at all is allowed: callbacks become no-ops. */
	struct arp_table *quiet = arp_table_create(NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(quiet);
	CU_ASSERT_EQUAL(arp_resolve(quiet, 1, IP(10, 0, 0, 1), NULL, 0), ARP_RES_QUEUED);
	arp_tick(quiet, 100000);
	arp_table_destroy(quiet);
	arp_table_destroy(NULL);

	struct arp_table *t = new_table(NULL);
	const uint32_t good = IP(10, 0, 0, 1);
	const uint32_t bad_ips[] = {0, IP(224, 0, 0, 5), IP(239, 1, 1, 1), 0xffffffffu};
	const uint16_t bad_ifx[] = {0, ARP_MAX_IFX + 1, 0xffff};
	for (unsigned i = 0; i < sizeof(bad_ifx) / sizeof(bad_ifx[0]); i++) {
		uint16_t ifx = bad_ifx[i];
		CU_ASSERT_EQUAL(arp_resolve(t, ifx, good, PKT(1), 0), ARP_RES_FAILED);
		CU_ASSERT_EQUAL(arp_learn(t, ifx, good, MAC_A, ARP_LEARN_CREATE, 0),
		                ARP_LEARN_IGNORED);
		CU_ASSERT_EQUAL(arp_static_add(t, ifx, good, MAC_A), ARP_E_INVAL);
		CU_ASSERT_EQUAL(arp_static_del(t, ifx, good), ARP_E_INVAL);
		CU_ASSERT_PTR_NULL(arp_lookup(t, ifx, good, 0));
		CU_ASSERT_FALSE(arp_get(t, ifx, good, 0, NULL));
		arp_flush_if(t, ifx);
		arp_clear_dynamic(t, ifx);
	}
	for (unsigned i = 0; i < sizeof(bad_ips) / sizeof(bad_ips[0]); i++) {
		uint32_t ip = bad_ips[i];
		CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, PKT(1), 0), ARP_RES_FAILED);
		CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_A, ARP_LEARN_CREATE, 0), ARP_LEARN_IGNORED);
		CU_ASSERT_EQUAL(arp_static_add(t, 1, ip, MAC_A), ARP_E_INVAL);
		CU_ASSERT_PTR_NULL(arp_lookup(t, 1, ip, 0));
	}
	const uint8_t zero[6] = {0}, mcast[6] = {0x33, 0x33, 0, 0, 0, 1};
	CU_ASSERT_EQUAL(arp_learn(t, 1, good, zero, ARP_LEARN_CREATE, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(arp_learn(t, 1, good, mcast, ARP_LEARN_CREATE, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(arp_learn(t, 1, good, NULL, ARP_LEARN_CREATE, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_EQUAL(arp_static_add(t, 1, good, mcast), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp_static_add(t, 1, good, NULL), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp_walk(t, 0, NULL, NULL), ARP_E_INVAL);
	CU_ASSERT_EQUAL(arp_foreach(t, 0, NULL, NULL), ARP_E_INVAL);

	/* Nothing above created an entry or called out. */
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 0);
	CU_ASSERT_EQUAL(F.n, 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	CU_ASSERT_STRING_EQUAL(arp_state_name(ARP_INCOMPLETE), "incomplete");
	CU_ASSERT_STRING_EQUAL(arp_state_name(ARP_REACHABLE), "reachable");
	CU_ASSERT_STRING_EQUAL(arp_state_name(ARP_STALE), "stale");
	CU_ASSERT_STRING_EQUAL(arp_state_name(ARP_PROBE), "probe");
	CU_ASSERT_STRING_EQUAL(arp_state_name(ARP_STATIC), "static");
	CU_ASSERT_STRING_EQUAL(arp_state_name((enum arp_state)99), "unknown");
	arp_table_destroy(t);
}

/* ---- table: resolution ---- */

static void test_resolve_then_learn_in_order(void)
{
	struct arp_table *t = new_table(NULL);
	const uint32_t ip = IP(10, 1, 10, 50);
	CU_ASSERT_PTR_NULL(arp_lookup(t, 7, ip, 0));
	CU_ASSERT_EQUAL(arp_resolve(t, 7, ip, PKT(1), 10), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_resolve(t, 7, ip, PKT(2), 20), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_resolve(t, 7, ip, PKT(3), 30), ARP_RES_QUEUED);
	/* One broadcast request, not one per packet. */
	CU_ASSERT_EQUAL(F.n, 1);
	const struct call *c = nth_call(0);
	CU_ASSERT_EQUAL(c->kind, CALL_SOLICIT);
	CU_ASSERT_EQUAL(c->ifx, 7);
	CU_ASSERT_EQUAL(c->ip, ip);
	CU_ASSERT_FALSE(c->has_mac);
	CU_ASSERT_PTR_NULL(arp_lookup(t, 7, ip, 40));

	struct arp_entry_info e;
	CU_ASSERT_TRUE(arp_get(t, 7, ip, 50, &e));
	CU_ASSERT_EQUAL(e.state, ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(e.queued, 3);
	CU_ASSERT_EQUAL(e.retries, 1);
	CU_ASSERT_EQUAL(e.age_ms, 40);
	CU_ASSERT(net_mac_is_zero(e.mac));

	/* A gratuitous ARP (UPDATE) from the neighbour is an answer too. */
	CU_ASSERT_EQUAL(arp_learn(t, 7, ip, MAC_A, ARP_LEARN_UPDATE, 500), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(F.n, 4);
	for (unsigned i = 0; i < 3; i++) {
		c = nth_call(1 + i);
		CU_ASSERT_EQUAL(c->kind, CALL_RESOLVED);
		CU_ASSERT_PTR_EQUAL(c->pkt, PKT(i + 1));
		CU_ASSERT_EQUAL(c->ifx, 7);
		CU_ASSERT_EQUAL(c->ip, ip);
		CU_ASSERT(net_mac_eq(c->mac, MAC_A));
	}
	const uint8_t *m = arp_lookup(t, 7, ip, 600);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(net_mac_eq(m, MAC_A));
	CU_ASSERT_TRUE(arp_get(t, 7, ip, 600, &e));
	CU_ASSERT_EQUAL(e.state, ARP_REACHABLE);
	CU_ASSERT_EQUAL(e.queued, 0);
	CU_ASSERT_EQUAL(e.age_ms, 100);

	/* Resolving an entry that is already usable hands the packet straight back. */
	CU_ASSERT_EQUAL(arp_resolve(t, 7, ip, PKT(9), 700), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(F.n, 5);
	CU_ASSERT_EQUAL(nth_call(4)->kind, CALL_RESOLVED);
	CU_ASSERT_PTR_EQUAL(nth_call(4)->pkt, PKT(9));

	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	CU_ASSERT_EQUAL(st.incomplete, 0);
	CU_ASSERT_EQUAL(st.requests_sent, 1);
	CU_ASSERT_EQUAL(st.learned, 1);
	arp_table_destroy(t);
	CU_ASSERT_EQUAL(F.n, 5); /* nothing was left queued */
}

static void test_retries_then_failed_hold(void)
{
	struct arp_table *t = new_table(NULL);
	const uint32_t ip = IP(10, 0, 0, 9);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, PKT(1), 0), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, PKT(2), 5), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 1000);
	arp_tick(t, 999);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 1);
	arp_tick(t, 1000);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 2);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 2000);
	arp_tick(t, 1500);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 2);
	arp_tick(t, 2000);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 3);
	CU_ASSERT_FALSE(nth_call(2)->has_mac);
	CU_ASSERT_EQUAL(count_calls(CALL_DROP), 0);

	/* Three requests sent: the third timeout gives up and drops the queue in order. */
	arp_tick(t, 3000);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 3);
	CU_ASSERT_EQUAL(F.n, 5);
	for (unsigned i = 0; i < 2; i++) {
		const struct call *c = nth_call(3 + i);
		CU_ASSERT_EQUAL(c->kind, CALL_DROP);
		CU_ASSERT_EQUAL(c->why, ARP_DROP_UNRESOLVED);
		CU_ASSERT_PTR_EQUAL(c->pkt, PKT(i + 1));
		CU_ASSERT_EQUAL(c->ip, ip);
	}

	/* Failed: new packets fail fast, without a request storm. */
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, PKT(3), 3100), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, NULL, 3200), ARP_RES_FAILED);
	CU_ASSERT_PTR_NULL(arp_lookup(t, 1, ip, 3200));
	CU_ASSERT_EQUAL(F.n, 5);
	struct arp_entry_info e;
	CU_ASSERT_TRUE(arp_get(t, 1, ip, 3200, &e));
	CU_ASSERT_EQUAL(e.state, ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(e.retries, 3);
	CU_ASSERT_EQUAL(e.queued, 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 4000);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.failed, 1);
	CU_ASSERT_EQUAL(st.requests_sent, 3);
	CU_ASSERT_EQUAL(st.incomplete, 1);

	/* The hold ends: the entry is gone and a new attempt starts from scratch. */
	arp_tick(t, 3999);
	CU_ASSERT_TRUE(arp_get(t, 1, ip, 3999, NULL));
	arp_tick(t, 4000);
	CU_ASSERT_FALSE(arp_get(t, 1, ip, 4000, NULL));
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, PKT(4), 4100), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 4);

	/* A late answer while failed still resolves the neighbour. */
	for (uint64_t now = 5100; now <= 7100; now += 1000)
		arp_tick(t, now);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 6);
	CU_ASSERT_EQUAL(count_calls(CALL_DROP), 3);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, NULL, 7200), ARP_RES_FAILED);
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_B, ARP_LEARN_UPDATE, 7500), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(state_of(t, 1, ip), ARP_REACHABLE);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip, NULL, 7600), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 37500);
	arp_table_destroy(t);
}

static void test_queue_overflow_drops_oldest(void)
{
	struct arp_config c = test_config();
	c.queue_len = 4;
	struct arp_table *t = new_table(&c);
	const uint32_t ip = IP(10, 0, 0, 2);
	for (unsigned i = 1; i <= 6; i++)
		CU_ASSERT_EQUAL(arp_resolve(t, 3, ip, PKT(i), i), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(F.n, 3);
	CU_ASSERT_EQUAL(nth_call(1)->kind, CALL_DROP);
	CU_ASSERT_EQUAL(nth_call(1)->why, ARP_DROP_QUEUE_FULL);
	CU_ASSERT_PTR_EQUAL(nth_call(1)->pkt, PKT(1));
	CU_ASSERT_PTR_EQUAL(nth_call(2)->pkt, PKT(2));
	struct arp_entry_info e;
	CU_ASSERT_TRUE(arp_get(t, 3, ip, 6, &e));
	CU_ASSERT_EQUAL(e.queued, 4);

	CU_ASSERT_EQUAL(arp_learn(t, 3, ip, MAC_A, ARP_LEARN_CREATE, 7), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(F.n, 7);
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(nth_call(3 + i)->kind, CALL_RESOLVED);
		CU_ASSERT_PTR_EQUAL(nth_call(3 + i)->pkt, PKT(3 + i));
	}
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.queue_drops, 2);
	arp_table_destroy(t);

	/* The largest queue wraps correctly too. */
	c.queue_len = ARP_MAX_QUEUE;
	t = new_table(&c);
	for (unsigned i = 1; i <= 100; i++)
		arp_resolve(t, 3, ip, PKT(i), 0);
	CU_ASSERT_EQUAL(count_calls(CALL_DROP), 100 - ARP_MAX_QUEUE);
	CU_ASSERT_PTR_EQUAL(nth_call(F.n - 1)->pkt, PKT(100 - ARP_MAX_QUEUE));
	unsigned before = F.n;
	arp_learn(t, 3, ip, MAC_A, ARP_LEARN_UPDATE, 1);
	CU_ASSERT_EQUAL(F.n, before + ARP_MAX_QUEUE);
	for (unsigned i = 0; i < ARP_MAX_QUEUE; i++)
		CU_ASSERT_PTR_EQUAL(nth_call(before + i)->pkt, PKT(100 - ARP_MAX_QUEUE + 1 + i));
	arp_table_destroy(t);
}

/* ---- table: ageing ---- */

static void test_reachable_stale_probe_cycle(void)
{
	struct arp_config c = test_config();
	c.reachable_ms = 30000;
	c.stale_ms = 600000;
	struct arp_table *t = new_table(&c);
	const uint32_t ip = IP(10, 0, 0, 3);
	CU_ASSERT_EQUAL(arp_learn(t, 2, ip, MAC_A, ARP_LEARN_CREATE, 0), ARP_LEARN_NEW);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 30000);
	arp_tick(t, 29999);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_REACHABLE);
	arp_tick(t, 30000);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_STALE);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 630000);
	CU_ASSERT_EQUAL(F.n, 0);

	/* Using a STALE entry still forwards, and schedules a unicast probe for the next tick. */
	const uint8_t *m = arp_lookup(t, 2, ip, 40000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(net_mac_eq(m, MAC_A));
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_PROBE);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 40000);
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(t, 2, ip, 40001));
	arp_tick(t, 40010);
	CU_ASSERT_EQUAL(F.n, 1);
	const struct call *s = nth_call(0);
	CU_ASSERT_EQUAL(s->kind, CALL_SOLICIT);
	CU_ASSERT_TRUE(s->has_mac);
	CU_ASSERT(net_mac_eq(s->mac, MAC_A));
	CU_ASSERT_EQUAL(arp_next_deadline(t), 41010);

	/* The reply confirms it. */
	CU_ASSERT_EQUAL(arp_learn(t, 2, ip, MAC_A, ARP_LEARN_UPDATE, 40500), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_REACHABLE);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 70500);
	arp_tick(t, 41010);
	CU_ASSERT_EQUAL(F.n, 1);

	/* Again stale, used, probed max_retries times without answer: removed. */
	arp_tick(t, 70500);
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(t, 2, ip, 80000));
	arp_tick(t, 80000);
	arp_tick(t, 80999);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 2);
	arp_tick(t, 81000);
	arp_tick(t, 82000);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 4);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_PROBE);
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(t, 2, ip, 82500)); /* still forwarding meanwhile */
	arp_tick(t, 83000);
	CU_ASSERT_EQUAL(count_calls(CALL_SOLICIT), 4);
	CU_ASSERT_FALSE(arp_get(t, 2, ip, 83000, NULL));
	CU_ASSERT_PTR_NULL(arp_lookup(t, 2, ip, 83000));
	CU_ASSERT_EQUAL(count_calls(CALL_DROP), 0);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.expired, 1);
	CU_ASSERT_EQUAL(st.entries, 0);
	arp_table_destroy(t);
}

static void test_probe_answer_with_new_mac(void)
{
	struct arp_table *t = new_table(NULL);
	const uint32_t ip = IP(10, 0, 0, 4);
	arp_learn(t, 2, ip, MAC_A, ARP_LEARN_CREATE, 0);
	arp_tick(t, 30000);
	arp_lookup(t, 2, ip, 30001);
	arp_tick(t, 30001);
	CU_ASSERT_EQUAL(arp_learn(t, 2, ip, MAC_B, ARP_LEARN_UPDATE, 30002), ARP_LEARN_CHANGED);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_REACHABLE);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 2, ip, 30003), MAC_B));
	arp_table_destroy(t);
}

static void test_stale_unused_expires(void)
{
	struct arp_config c = test_config();
	c.reachable_ms = 1000;
	c.stale_ms = 5000;
	struct arp_table *t = new_table(&c);
	const uint32_t ip = IP(192, 168, 0, 1);
	arp_learn(t, 9, ip, MAC_A, ARP_LEARN_CREATE, 100);
	arp_tick(t, 1100);
	CU_ASSERT_EQUAL(state_of(t, 9, ip), ARP_STALE);
	struct arp_entry_info e;
	CU_ASSERT_TRUE(arp_get(t, 9, ip, 3100, &e));
	CU_ASSERT_EQUAL(e.age_ms, 3000);
	arp_tick(t, 6099);
	CU_ASSERT_EQUAL(state_of(t, 9, ip), ARP_STALE);
	arp_tick(t, 6100);
	CU_ASSERT_FALSE(arp_get(t, 9, ip, 6100, NULL));
	CU_ASSERT_EQUAL(F.n, 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	/* A long gap between ticks runs every step at once. */
	arp_learn(t, 9, ip, MAC_A, ARP_LEARN_CREATE, 7000);
	arp_tick(t, 1000000);
	CU_ASSERT_FALSE(arp_get(t, 9, ip, 1000000, NULL));
	arp_table_destroy(t);
}

static void test_learn_modes(void)
{
	struct arp_table *t = new_table(NULL);
	const uint32_t ip = IP(10, 2, 0, 1);
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_A, ARP_LEARN_UPDATE, 0), ARP_LEARN_IGNORED);
	CU_ASSERT_FALSE(arp_get(t, 1, ip, 0, NULL));
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_A, ARP_LEARN_CREATE, 0), ARP_LEARN_NEW);
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_A, ARP_LEARN_UPDATE, 10), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_B, ARP_LEARN_CREATE, 20), ARP_LEARN_CHANGED);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 1, ip, 20), MAC_B));
	/* Same ip on another interface is another neighbour. */
	CU_ASSERT_EQUAL(arp_learn(t, 2, ip, MAC_A, ARP_LEARN_CREATE, 0), ARP_LEARN_NEW);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 2, ip, 20), MAC_A));
	/* A refresh restarts the reachable time. */
	arp_tick(t, 29999);
	arp_learn(t, 1, ip, MAC_B, ARP_LEARN_UPDATE, 29999);
	arp_tick(t, 30020);
	CU_ASSERT_EQUAL(state_of(t, 1, ip), ARP_REACHABLE);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_STALE);
	/* Learning a STALE entry makes it REACHABLE again. */
	CU_ASSERT_EQUAL(arp_learn(t, 2, ip, MAC_A, ARP_LEARN_UPDATE, 30030), ARP_LEARN_REFRESHED);
	CU_ASSERT_EQUAL(state_of(t, 2, ip), ARP_REACHABLE);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.learned, 2);
	CU_ASSERT_EQUAL(st.changed, 1);
	arp_table_destroy(t);
}

/* ---- table: static entries ---- */

static void test_static_entries(void)
{
	struct arp_table *t = new_table(NULL);
	const uint32_t ip = IP(10, 1, 10, 50);
	CU_ASSERT_EQUAL(arp_static_add(t, 10, ip, MAC_A), ARP_OK);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 10, ip, 0), MAC_A));
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	/* Never aged, never overwritten by learning. */
	arp_tick(t, UINT64_MAX - 1);
	CU_ASSERT_EQUAL(arp_learn(t, 10, ip, MAC_B, ARP_LEARN_CREATE, 5), ARP_LEARN_IGNORED);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 10, ip, UINT64_MAX - 1), MAC_A));
	struct arp_entry_info e;
	CU_ASSERT_TRUE(arp_get(t, 10, ip, 123456, &e));
	CU_ASSERT_EQUAL(e.state, ARP_STATIC);
	CU_ASSERT_EQUAL(e.age_ms, 0);
	CU_ASSERT_EQUAL(arp_resolve(t, 10, ip, PKT(1), 7), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(nth_call(0)->kind, CALL_RESOLVED);

	/* Adding again replaces the MAC. */
	CU_ASSERT_EQUAL(arp_static_add(t, 10, ip, MAC_B), ARP_OK);
	CU_ASSERT(net_mac_eq(arp_lookup(t, 10, ip, 0), MAC_B));

	/* Over a dynamic entry: it becomes static and its waiting packets leave. */
	const uint32_t ip2 = IP(10, 1, 10, 51);
	arp_resolve(t, 10, ip2, PKT(2), 0);
	arp_resolve(t, 10, ip2, PKT(3), 0);
	F.n = 0;
	CU_ASSERT_EQUAL(arp_static_add(t, 10, ip2, MAC_A), ARP_OK);
	CU_ASSERT_EQUAL(F.n, 2);
	CU_ASSERT_EQUAL(nth_call(0)->kind, CALL_RESOLVED);
	CU_ASSERT_PTR_EQUAL(nth_call(0)->pkt, PKT(2));
	CU_ASSERT_PTR_EQUAL(nth_call(1)->pkt, PKT(3));
	CU_ASSERT(net_mac_eq(nth_call(1)->mac, MAC_A));
	CU_ASSERT_EQUAL(state_of(t, 10, ip2), ARP_STATIC);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);
	arp_tick(t, 100000);
	CU_ASSERT_EQUAL(F.n, 2);

	/* Over a reachable one. */
	const uint32_t ip3 = IP(10, 1, 10, 52);
	arp_learn(t, 10, ip3, MAC_A, ARP_LEARN_CREATE, 0);
	CU_ASSERT_EQUAL(arp_static_add(t, 10, ip3, MAC_B), ARP_OK);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(st.statics, 3);
	CU_ASSERT_EQUAL(st.incomplete, 0);

	/* Deleting: only static entries. */
	arp_learn(t, 10, IP(10, 1, 10, 53), MAC_A, ARP_LEARN_CREATE, 0);
	CU_ASSERT_EQUAL(arp_static_del(t, 10, IP(10, 1, 10, 53)), ARP_E_NOENT);
	CU_ASSERT_EQUAL(arp_static_del(t, 10, IP(10, 1, 10, 99)), ARP_E_NOENT);
	CU_ASSERT_EQUAL(arp_static_del(t, 10, ip), ARP_OK);
	CU_ASSERT_EQUAL(arp_static_del(t, 10, ip), ARP_E_NOENT);
	CU_ASSERT_PTR_NULL(arp_lookup(t, 10, ip, 0));
	/* Statics do not count against max_entries; dynamic ones are still learnable after. */
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(st.statics, 2);
	arp_table_destroy(t);
}

static void test_static_bound_and_hash_growth(void)
{
	struct arp_config c = test_config();
	c.max_entries = 8;
	struct arp_table *t = new_table(&c);
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
	/* a vector's hash, taken before the table grew, still finds its entry after */
	uint64_t h_first = arp_prefetch(t, 1, IP(10, 0, 0, 0));
	for (uint32_t i = 0; i < ARP_MAX_STATIC; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)(i | 1);
		if (arp_static_add(t, (uint16_t)(1 + i % ARP_MAX_IFX), IP(10, 0, 0, 0) + i, mac) !=
		    ARP_OK) {
			CU_FAIL("static add failed below the bound");
			break;
		}
	}
	CU_ASSERT_EQUAL(arp_static_add(t, 1, IP(11, 0, 0, 1), MAC_A), ARP_E_NOMEM);
	/* Replacing an existing one is still fine at the bound. */
	CU_ASSERT_EQUAL(arp_static_add(t, 1, IP(10, 0, 0, 0), MAC_B), ARP_OK);
	/* A dynamic entry cannot be turned static at the bound either. */
	CU_ASSERT_EQUAL(arp_resolve(t, 1, IP(11, 0, 0, 2), PKT(1), 0), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(arp_static_add(t, 1, IP(11, 0, 0, 2), MAC_A), ARP_E_NOMEM);
	CU_ASSERT_EQUAL(state_of(t, 1, IP(11, 0, 0, 2)), ARP_INCOMPLETE);

	unsigned bad = 0;
	for (uint32_t i = 0; i < ARP_MAX_STATIC; i++) {
		const uint8_t *m =
		    arp_lookup(t, (uint16_t)(1 + i % ARP_MAX_IFX), IP(10, 0, 0, 0) + i, 0);
		bad += !m || (i > 0 && (m[4] != (uint8_t)(i >> 8) || m[5] != (uint8_t)(i | 1)));
	}
	CU_ASSERT_EQUAL(bad, 0);
	arp_prefetch_entry(t, h_first);
	const uint8_t *first = arp_lookup_hashed(t, 1, IP(10, 0, 0, 0), h_first, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	CU_ASSERT(net_mac_eq(first, MAC_B));
	CU_ASSERT_PTR_NULL(
	    arp_lookup_hashed(t, 1, IP(12, 0, 0, 1), arp_prefetch(t, 1, IP(12, 0, 0, 1)), 0));
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.statics, ARP_MAX_STATIC);
	CU_ASSERT_EQUAL(st.entries, ARP_MAX_STATIC + 1);

	/* clear ip arp leaves them; removing an interface takes its share. */
	arp_clear_dynamic(t, 0);
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, ARP_MAX_STATIC);
	arp_flush_if(t, 1);
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries,
	                ARP_MAX_STATIC - (ARP_MAX_STATIC + ARP_MAX_IFX - 1) / ARP_MAX_IFX);
	CU_ASSERT_EQUAL(arp_static_add(t, 1, IP(11, 0, 0, 1), MAC_A), ARP_OK);
	arp_table_destroy(t);
}

/* ---- table: flushing ---- */

static void test_clear_dynamic_and_flush_if(void)
{
	struct arp_table *t = new_table(NULL);
	arp_static_add(t, 1, IP(10, 0, 1, 1), MAC_A);
	arp_static_add(t, 2, IP(10, 0, 2, 1), MAC_A);
	arp_learn(t, 1, IP(10, 0, 1, 2), MAC_B, ARP_LEARN_CREATE, 0);
	arp_learn(t, 2, IP(10, 0, 2, 2), MAC_B, ARP_LEARN_CREATE, 0);
	arp_resolve(t, 1, IP(10, 0, 1, 3), PKT(13), 0);
	arp_resolve(t, 1, IP(10, 0, 1, 3), PKT(14), 0);
	arp_resolve(t, 2, IP(10, 0, 2, 3), PKT(23), 0);
	F.n = 0;

	arp_clear_dynamic(t, 1);
	CU_ASSERT_EQUAL(F.n, 2);
	CU_ASSERT_EQUAL(nth_call(0)->kind, CALL_DROP);
	CU_ASSERT_EQUAL(nth_call(0)->why, ARP_DROP_FLUSHED);
	CU_ASSERT_PTR_EQUAL(nth_call(0)->pkt, PKT(13));
	CU_ASSERT_PTR_EQUAL(nth_call(1)->pkt, PKT(14));
	CU_ASSERT_EQUAL(nth_call(1)->ifx, 1);
	CU_ASSERT_EQUAL(nth_call(1)->ip, IP(10, 0, 1, 3));
	CU_ASSERT_EQUAL(state_of(t, 1, IP(10, 0, 1, 1)), ARP_STATIC);
	CU_ASSERT_EQUAL(state_of(t, 1, IP(10, 0, 1, 2)), 0);
	CU_ASSERT_EQUAL(state_of(t, 1, IP(10, 0, 1, 3)), 0);
	CU_ASSERT_EQUAL(state_of(t, 2, IP(10, 0, 2, 2)), ARP_REACHABLE);
	CU_ASSERT_EQUAL(state_of(t, 2, IP(10, 0, 2, 3)), ARP_INCOMPLETE);

	arp_flush_if(t, 2);
	CU_ASSERT_EQUAL(F.n, 3);
	CU_ASSERT_PTR_EQUAL(nth_call(2)->pkt, PKT(23));
	CU_ASSERT_EQUAL(nth_call(2)->why, ARP_DROP_FLUSHED);
	CU_ASSERT_EQUAL(state_of(t, 2, IP(10, 0, 2, 1)), 0);
	CU_ASSERT_EQUAL(state_of(t, 2, IP(10, 0, 2, 2)), 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	/* ifx 0 clears every interface; statics stay. */
	arp_learn(t, 3, IP(10, 0, 3, 2), MAC_B, ARP_LEARN_CREATE, 0);
	arp_resolve(t, 4, IP(10, 0, 4, 2), PKT(42), 0);
	arp_clear_dynamic(t, 0);
	CU_ASSERT_EQUAL(F.n, 5);
	CU_ASSERT_PTR_EQUAL(nth_call(4)->pkt, PKT(42));
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	CU_ASSERT_EQUAL(st.statics, 1);
	CU_ASSERT_EQUAL(st.incomplete, 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);

	/* Destroy hands back whatever is still queued. */
	arp_resolve(t, 5, IP(10, 0, 5, 2), PKT(52), 0);
	arp_table_destroy(t);
	CU_ASSERT_EQUAL(F.n, 7);
	CU_ASSERT_PTR_EQUAL(nth_call(6)->pkt, PKT(52));
	CU_ASSERT_EQUAL(nth_call(6)->why, ARP_DROP_FLUSHED);
}

/* ---- table: bounds ---- */

static void test_max_entries_and_eviction(void)
{
	struct arp_config c = test_config();
	c.max_entries = 4;
	c.reachable_ms = 1000;
	struct arp_table *t = new_table(&c);
	for (uint32_t i = 1; i <= 4; i++)
		CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, i), MAC_A, ARP_LEARN_CREATE, i),
		                ARP_LEARN_NEW);
	CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, 5), MAC_A, ARP_LEARN_CREATE, 10),
	                ARP_LEARN_FULL);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, IP(10, 0, 0, 5), PKT(5), 10), ARP_RES_NOMEM);
	CU_ASSERT_EQUAL(F.n, 0); /* the caller kept the packet; nothing was sent */
	/* Statics have their own bound. */
	CU_ASSERT_EQUAL(arp_static_add(t, 1, IP(10, 0, 0, 100), MAC_B), ARP_OK);
	/* Updating existing entries still works when full. */
	CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, 1), MAC_B, ARP_LEARN_CREATE, 20),
	                ARP_LEARN_CHANGED);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.full_drops, 2);
	CU_ASSERT_EQUAL(st.entries, 5);

	/* All go stale (entry 1 last, it was refreshed); one is used and becomes PROBE. */
	arp_tick(t, 1004);
	CU_ASSERT_EQUAL(state_of(t, 1, IP(10, 0, 0, 2)), ARP_STALE);
	arp_tick(t, 1020);
	CU_ASSERT_PTR_NOT_NULL(arp_lookup(t, 1, IP(10, 0, 0, 2), 1030));
	CU_ASSERT_EQUAL(state_of(t, 1, IP(10, 0, 0, 2)), ARP_PROBE);

	/* A new neighbour evicts the longest-stale unused entry: .3 (not .2, it is in use). */
	CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, 5), MAC_A, ARP_LEARN_CREATE, 1040),
	                ARP_LEARN_NEW);
	CU_ASSERT_FALSE(arp_get(t, 1, IP(10, 0, 0, 3), 0, NULL));
	CU_ASSERT_TRUE(arp_get(t, 1, IP(10, 0, 0, 2), 0, NULL));
	CU_ASSERT_EQUAL(arp_resolve(t, 1, IP(10, 0, 0, 6), PKT(6), 1050), ARP_RES_QUEUED);
	CU_ASSERT_FALSE(arp_get(t, 1, IP(10, 0, 0, 4), 0, NULL));
	CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, 7), MAC_A, ARP_LEARN_CREATE, 1060),
	                ARP_LEARN_NEW);
	CU_ASSERT_FALSE(arp_get(t, 1, IP(10, 0, 0, 1), 0, NULL));
	/* Left: .2 PROBE, .5 and .7 REACHABLE, .6 INCOMPLETE: nothing evictable. */
	CU_ASSERT_EQUAL(arp_learn(t, 1, IP(10, 0, 0, 8), MAC_A, ARP_LEARN_CREATE, 1070),
	                ARP_LEARN_FULL);
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 5);
	CU_ASSERT_EQUAL(st.statics, 1);
	CU_ASSERT_EQUAL(st.incomplete, 1);
	arp_table_destroy(t);
}

/* ---- table: walk and deadlines ---- */

struct walk_acc {
	struct arp_entry_info seen[64];
	unsigned n, stop_at;
	struct arp_table *t;
};

static int walk_collect(const struct arp_entry_info *e, void *arg)
{
	struct walk_acc *a = arg;
	if (a->n < 64)
		a->seen[a->n] = *e;
	a->n++;
	if (a->t) /* the walk runs on a snapshot: changing the table from here is fine */
		arp_flush_if(a->t, e->ifx);
	return a->n == a->stop_at ? 42 : 0;
}

static void test_walk_order(void)
{
	struct arp_table *t = new_table(NULL);
	const uint16_t ifxs[] = {300, 2, 4095, 2, 300, 1, 2};
	const uint32_t ips[] = {IP(10, 0, 0, 1),   IP(192, 168, 1, 1), IP(10, 0, 0, 1),
	                        IP(10, 0, 0, 200), IP(9, 0, 0, 1),     IP(255, 255, 255, 254),
	                        IP(10, 0, 0, 3)};
	for (unsigned i = 0; i < 7; i++) {
		if (i % 3 == 0)
			arp_static_add(t, ifxs[i], ips[i], MAC_A);
		else if (i % 3 == 1)
			arp_learn(t, ifxs[i], ips[i], MAC_B, ARP_LEARN_CREATE, 0);
		else
			arp_resolve(t, ifxs[i], ips[i], PKT(i + 1), 0);
	}
	struct walk_acc a = {0};
	CU_ASSERT_EQUAL(arp_walk(t, 0, walk_collect, &a), 0);
	CU_ASSERT_EQUAL_FATAL(a.n, 7);
	const uint16_t want_ifx[] = {1, 2, 2, 2, 300, 300, 4095};
	const uint32_t want_ip[] = {IP(255, 255, 255, 254), IP(10, 0, 0, 3), IP(10, 0, 0, 200),
	                            IP(192, 168, 1, 1),     IP(9, 0, 0, 1),  IP(10, 0, 0, 1),
	                            IP(10, 0, 0, 1)};
	for (unsigned i = 0; i < 7; i++) {
		CU_ASSERT_EQUAL(a.seen[i].ifx, want_ifx[i]);
		CU_ASSERT_EQUAL(a.seen[i].ip, want_ip[i]);
	}
	CU_ASSERT_EQUAL(a.seen[0].state, ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(a.seen[0].queued, 1);
	CU_ASSERT_EQUAL(a.seen[2].state, ARP_STATIC);
	CU_ASSERT(net_mac_eq(a.seen[2].mac, MAC_A));

	/* A non-zero return stops the walk and is passed back. */
	a = (struct walk_acc){.stop_at = 3};
	CU_ASSERT_EQUAL(arp_walk(t, 0, walk_collect, &a), 42);
	CU_ASSERT_EQUAL(a.n, 3);

	/* A callback that empties the table as it goes. */
	a = (struct walk_acc){.t = t};
	CU_ASSERT_EQUAL(arp_walk(t, 0, walk_collect, &a), 0);
	CU_ASSERT_EQUAL(a.n, 7);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, 0);
	a = (struct walk_acc){0};
	CU_ASSERT_EQUAL(arp_walk(t, 0, walk_collect, &a), 0);
	CU_ASSERT_EQUAL(a.n, 0);
	arp_table_destroy(t);
}

/* arp_foreach: which keys it visited, how often, and in what state. Key i is
 * (7 + i % 2, 10.1.0.0 + i), so that the entries of interfaces 7 and 8 interleave. */
#define FE_IPS 1000 /* several chunks of entries */

static uint16_t fe_ifx(uint32_t i)
{
	return (uint16_t)(7 + i % 2);
}

struct foreach_acc {
	uint8_t visits[FE_IPS];
	uint8_t state[FE_IPS];
	unsigned n, bad, stop_at;
};

static int foreach_count(const struct arp_entry_info *e, void *arg)
{
	struct foreach_acc *a = arg;
	uint32_t i = e->ip - IP(10, 1, 0, 0);
	if (i >= FE_IPS || e->ifx != fe_ifx(i)) {
		a->bad++;
		return 0;
	}
	a->visits[i]++;
	a->state[i] = e->state;
	a->n++;
	return a->n == a->stop_at ? 42 : 0;
}

static void test_foreach_visits_each_once(void)
{
	struct arp_config cfg = test_config();
	cfg.max_entries = FE_IPS;
	struct arp_table *t = new_table(&cfg);
	uint8_t want[FE_IPS] = {0}; /* state, 0: absent */
	for (uint32_t i = 0; i < FE_IPS; i++) {
		uint32_t ip = IP(10, 1, 0, 0) + i;
		if (i % 5 == 0) {
			CU_ASSERT_EQUAL(arp_static_add(t, fe_ifx(i), ip, MAC_A), ARP_OK);
			want[i] = ARP_STATIC;
		} else if (i % 5 == 1) {
			CU_ASSERT_EQUAL(arp_resolve(t, fe_ifx(i), ip, NULL, 0), ARP_RES_QUEUED);
			want[i] = ARP_INCOMPLETE;
		} else {
			CU_ASSERT_EQUAL(arp_learn(t, fe_ifx(i), ip, MAC_B, ARP_LEARN_CREATE, 0),
			                ARP_LEARN_NEW);
			want[i] = ARP_REACHABLE;
		}
	}
	/* Holes all over the chunks: every third static entry deleted, every dynamic entry
	 * of interface 8 cleared; then some keys come back, into freed entries. */
	for (uint32_t i = 0; i < FE_IPS; i += 15) {
		CU_ASSERT_EQUAL(arp_static_del(t, fe_ifx(i), IP(10, 1, 0, 0) + i), ARP_OK);
		want[i] = 0;
	}
	arp_clear_dynamic(t, 8);
	for (uint32_t i = 1; i < FE_IPS; i += 2)
		if (want[i] != ARP_STATIC)
			want[i] = 0;
	for (uint32_t i = 1; i < FE_IPS; i += 14) {
		bool is_static = want[i] == ARP_STATIC; /* learning never overwrites it */
		CU_ASSERT_EQUAL(arp_learn(t, 8, IP(10, 1, 0, 0) + i, MAC_B, ARP_LEARN_CREATE, 0),
		                is_static ? ARP_LEARN_IGNORED : ARP_LEARN_NEW);
		want[i] = is_static ? ARP_STATIC : ARP_REACHABLE;
	}

	static struct foreach_acc a;
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(arp_foreach(t, 0, foreach_count, &a), 0);
	unsigned want_n = 0, wrong = 0;
	for (uint32_t i = 0; i < FE_IPS; i++) {
		want_n += want[i] != 0;
		wrong += a.visits[i] != (want[i] != 0) || (want[i] && a.state[i] != want[i]);
	}
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT(want_n > 500 && want_n < FE_IPS);
	CU_ASSERT_EQUAL(st.entries, want_n);
	CU_ASSERT_EQUAL(a.n, want_n);
	CU_ASSERT_EQUAL(a.bad, 0);
	CU_ASSERT_EQUAL(wrong, 0);

	/* A non-zero return stops the walk and is passed back. */
	memset(&a, 0, sizeof(a));
	a.stop_at = 5;
	CU_ASSERT_EQUAL(arp_foreach(t, 0, foreach_count, &a), 42);
	CU_ASSERT_EQUAL(a.n, 5);

	/* Emptied: no visit. */
	arp_flush_if(t, 7);
	arp_flush_if(t, 8);
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(arp_foreach(t, 0, foreach_count, &a), 0);
	CU_ASSERT_EQUAL(a.n, 0);
	arp_table_destroy(t);
}

static void test_next_deadline(void)
{
	struct arp_config c = test_config();
	c.reachable_ms = 5000;
	c.stale_ms = 7000;
	c.retrans_ms = 1000;
	c.failed_hold_ms = 2500;
	struct arp_table *t = new_table(&c);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);
	arp_static_add(t, 1, IP(10, 0, 0, 1), MAC_A);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);
	arp_learn(t, 1, IP(10, 0, 0, 2), MAC_A, ARP_LEARN_CREATE, 100);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 5100);
	arp_resolve(t, 1, IP(10, 0, 0, 3), NULL, 200);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 1200);
	/* Ticking early changes nothing. */
	arp_tick(t, 1199);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 1200);
	/* Follow the deadlines exactly: each tick at next_deadline does one step. */
	const uint64_t expect[] = {2200, 3200, 5100, 5700, 12100, UINT64_MAX};
	for (unsigned i = 0; i < 6; i++) {
		arp_tick(t, arp_next_deadline(t));
		CU_ASSERT_EQUAL(arp_next_deadline(t), expect[i]);
	}
	/* The removal of the earliest entry exposes the next one. */
	arp_learn(t, 1, IP(10, 0, 0, 4), MAC_A, ARP_LEARN_CREATE, 20000);
	arp_resolve(t, 1, IP(10, 0, 0, 5), NULL, 20000);
	CU_ASSERT_EQUAL(arp_next_deadline(t), 21000);
	arp_clear_dynamic(t, 0);
	CU_ASSERT_EQUAL(arp_next_deadline(t), UINT64_MAX);
	arp_table_destroy(t);
}

/* ---- table: callbacks that call back in ---- */

static void test_callbacks_may_reenter(void)
{
	struct arp_table *t = new_table(NULL);
	F.lookup_on_resolved = true;
	F.resolve_on_drop = true;
	const uint32_t ip = IP(10, 0, 0, 1);
	arp_resolve(t, 1, ip, PKT(1), 0);
	arp_resolve(t, 1, ip, PKT(2), 0);
	CU_ASSERT_EQUAL(arp_learn(t, 1, ip, MAC_A, ARP_LEARN_UPDATE, 0), ARP_LEARN_RESOLVED);
	CU_ASSERT_EQUAL(count_calls(CALL_RESOLVED), 2);

	const uint32_t ip2 = IP(10, 0, 0, 2);
	arp_resolve(t, 1, ip2, PKT(3), 0);
	for (uint64_t now = 1000; now <= 3000; now += 1000)
		arp_tick(t, now);
	CU_ASSERT_EQUAL(count_calls(CALL_DROP), 1);
	CU_ASSERT_EQUAL(F.reentry_failures, 0);

	/* An owner that answers synchronously from inside solicit. */
	F.learn_on_solicit = true;
	const uint32_t ip3 = IP(10, 0, 0, 3);
	CU_ASSERT_EQUAL(arp_resolve(t, 1, ip3, PKT(4), 0), ARP_RES_QUEUED);
	CU_ASSERT_EQUAL(F.reentry_failures, 0);
	CU_ASSERT_PTR_EQUAL(nth_call(F.n - 1)->pkt, PKT(4));
	CU_ASSERT_EQUAL(nth_call(F.n - 1)->kind, CALL_RESOLVED);
	CU_ASSERT_EQUAL(state_of(t, 1, ip3), ARP_REACHABLE);
	arp_table_destroy(t);
}

/* ---- randomized stress against a reference model ---- */

/*
 * The model is the header's state machine written the plainest way: one array slot per
 * key, every timer step a loop over all slots. The table must agree with it on every
 * return value, on each touched entry after every operation, and on the whole table
 * (walk, stats, next deadline) every 256 operations. Packets are numbered; the callbacks
 * check that each one comes back exactly once, and the number the table holds must
 * always equal the model's queue lengths.
 */
#define M_IFX  4
#define M_IPS  64
#define M_KEYS (M_IFX * M_IPS)
#define M_PKTS 400000

struct model_ent {
	bool present, failed;
	uint8_t state, mac, retries;
	unsigned qn;
	uint64_t deadline;
};

static struct model {
	struct arp_config cfg;
	struct model_ent e[M_KEYS];
	uint64_t now;
	bool owned[M_PKTS]; /* handed to the table and not yet handed back */
	unsigned next_pkt, owned_count, bad_callbacks;
	uint64_t rng;
} M;

static uint32_t rnd(void)
{
	M.rng ^= M.rng << 13;
	M.rng ^= M.rng >> 7;
	M.rng ^= M.rng << 17;
	return (uint32_t)(M.rng >> 16);
}

static void give_back(void *pkt)
{
	unsigned id = PKT_ID(pkt);
	if (id == 0 || id >= M_PKTS || !M.owned[id]) {
		M.bad_callbacks++;
		return;
	}
	M.owned[id] = false;
	M.owned_count--;
}

static void stress_solicit(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *dst)
{
	(void)ctx, (void)ifx, (void)ip, (void)dst;
}

static void stress_resolved(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *mac, void *pkt)
{
	(void)ctx, (void)ifx, (void)ip, (void)mac;
	give_back(pkt);
}

static void stress_drop(void *ctx, uint16_t ifx, uint32_t ip, void *pkt, enum arp_drop_reason w)
{
	(void)ctx, (void)ifx, (void)ip, (void)w;
	give_back(pkt);
}

static const struct arp_ops stress_ops = {stress_solicit, stress_resolved, stress_drop};

static uint16_t m_ifx(unsigned k)
{
	return (uint16_t)(1 + (k / M_IPS) * 1000);
}

static uint32_t m_ip(unsigned k)
{
	return IP(10, 0, 0, 1) + (k % M_IPS) * 257;
}

static void m_mac(uint8_t v, uint8_t mac[6])
{
	const uint8_t m[6] = {0x02, 0, 0, 0, 0, v};
	memcpy(mac, m, 6);
}

static unsigned m_queued_total(void)
{
	unsigned n = 0;
	for (unsigned k = 0; k < M_KEYS; k++)
		n += M.e[k].qn;
	return n;
}

static void m_set(struct model_ent *e, uint8_t state, uint8_t mac, uint64_t deadline)
{
	*e = (struct model_ent){.present = true, .state = state, .mac = mac, .deadline = deadline};
}

static const uint8_t *m_lookup(unsigned k)
{
	struct model_ent *e = &M.e[k];
	if (!e->present || e->state == ARP_INCOMPLETE)
		return NULL;
	if (e->state == ARP_STALE) {
		e->state = ARP_PROBE;
		e->retries = 0;
		e->deadline = M.now;
	}
	return &e->mac;
}

static int m_resolve(unsigned k, bool with_pkt)
{
	struct model_ent *e = &M.e[k];
	if (!e->present) {
		m_set(e, ARP_INCOMPLETE, 0, M.now + M.cfg.retrans_ms);
		e->retries = 1;
		e->qn = with_pkt;
		return ARP_RES_QUEUED;
	}
	if (e->state == ARP_INCOMPLETE && e->failed)
		return ARP_RES_FAILED;
	if (e->state == ARP_INCOMPLETE) {
		if (with_pkt && e->qn < M.cfg.queue_len)
			e->qn++;
		return ARP_RES_QUEUED;
	}
	m_lookup(k);
	return ARP_RES_QUEUED;
}

static int m_learn(unsigned k, uint8_t mac, enum arp_learn_mode mode)
{
	struct model_ent *e = &M.e[k];
	int res;
	if (!e->present)
		res = mode == ARP_LEARN_CREATE ? ARP_LEARN_NEW : ARP_LEARN_IGNORED;
	else if (e->state == ARP_STATIC)
		res = ARP_LEARN_IGNORED;
	else if (e->state == ARP_INCOMPLETE)
		res = ARP_LEARN_RESOLVED;
	else
		res = e->mac == mac ? ARP_LEARN_REFRESHED : ARP_LEARN_CHANGED;
	if (res != ARP_LEARN_IGNORED)
		m_set(e, ARP_REACHABLE, mac, M.now + M.cfg.reachable_ms);
	return res;
}

static void m_step(struct model_ent *e)
{
	switch (e->state) {
	case ARP_INCOMPLETE:
		if (e->failed) {
			e->present = false;
		} else if (e->retries < M.cfg.max_retries) {
			e->retries++;
			e->deadline = M.now + M.cfg.retrans_ms;
		} else {
			e->failed = true;
			e->qn = 0;
			e->deadline = M.now + M.cfg.failed_hold_ms;
		}
		break;
	case ARP_REACHABLE:
		e->state = ARP_STALE;
		e->deadline += M.cfg.stale_ms;
		break;
	case ARP_STALE:
		e->present = false;
		break;
	case ARP_PROBE:
		if (e->retries < M.cfg.max_retries) {
			e->retries++;
			e->deadline = M.now + M.cfg.retrans_ms;
		} else {
			e->present = false;
		}
		break;
	}
	if (!e->present)
		*e = (struct model_ent){0};
}

static void m_tick(void)
{
	for (unsigned k = 0; k < M_KEYS; k++) {
		struct model_ent *e = &M.e[k];
		while (e->present && e->state != ARP_STATIC && e->deadline <= M.now)
			m_step(e);
	}
}

static void m_remove_matching(uint16_t ifx, bool statics_too)
{
	for (unsigned k = 0; k < M_KEYS; k++) {
		struct model_ent *e = &M.e[k];
		if (e->present && (!ifx || m_ifx(k) == ifx) &&
		    (statics_too || e->state != ARP_STATIC))
			*e = (struct model_ent){0};
	}
}

static uint64_t m_next_deadline(void)
{
	uint64_t d = UINT64_MAX;
	for (unsigned k = 0; k < M_KEYS; k++)
		if (M.e[k].present && M.e[k].state != ARP_STATIC && M.e[k].deadline < d)
			d = M.e[k].deadline;
	return d;
}

static bool entry_agrees(const struct arp_entry_info *i, unsigned k)
{
	const struct model_ent *e = &M.e[k];
	uint8_t mac[6] = {0};
	if (e->state != ARP_INCOMPLETE)
		m_mac(e->mac, mac);
	return i->state == e->state && i->retries == e->retries && i->queued == e->qn &&
	       net_mac_eq(i->mac, mac);
}

static bool key_agrees(struct arp_table *t, unsigned k)
{
	struct arp_entry_info i;
	bool present = arp_get(t, m_ifx(k), m_ip(k), M.now, &i);
	if (present != M.e[k].present)
		return false;
	return !present || entry_agrees(&i, k);
}

struct model_walk {
	unsigned n, bad;
	uint64_t last_key;
};

static int model_walk_cb(const struct arp_entry_info *i, void *arg)
{
	struct model_walk *w = arg;
	uint64_t key = (uint64_t)i->ifx << 32 | i->ip;
	unsigned k = (i->ifx - 1) / 1000 * M_IPS + (i->ip - IP(10, 0, 0, 1)) / 257;
	if ((w->n && key <= w->last_key) || k >= M_KEYS || !M.e[k].present || !entry_agrees(i, k))
		w->bad++;
	w->last_key = key;
	w->n++;
	return 0;
}

/* arp_foreach visits each key once, in no order: counted per key. */
static int model_foreach_cb(const struct arp_entry_info *i, void *arg)
{
	uint8_t *visits = arg;
	unsigned k = (i->ifx - 1) / 1000 * M_IPS + (i->ip - IP(10, 0, 0, 1)) / 257;
	if (k < M_KEYS && M.e[k].present && entry_agrees(i, k))
		visits[k]++;
	else
		visits[M_KEYS]++; /* a key the model does not hold */
	return 0;
}

static bool foreach_agrees(struct arp_table *t)
{
	uint8_t visits[M_KEYS + 1] = {0};
	arp_foreach(t, M.now, model_foreach_cb, visits);
	for (unsigned k = 0; k < M_KEYS; k++)
		if (visits[k] != M.e[k].present)
			return false;
	return visits[M_KEYS] == 0;
}

static bool table_agrees(struct arp_table *t)
{
	struct model_walk w = {0};
	arp_walk(t, M.now, model_walk_cb, &w);
	if (!foreach_agrees(t))
		return false;
	unsigned present = 0, statics = 0, incomplete = 0;
	for (unsigned k = 0; k < M_KEYS; k++) {
		present += M.e[k].present;
		statics += M.e[k].present && M.e[k].state == ARP_STATIC;
		incomplete += M.e[k].present && M.e[k].state == ARP_INCOMPLETE;
	}
	struct arp_stats st;
	arp_get_stats(t, &st);
	return w.bad == 0 && w.n == present && st.entries == present && st.statics == statics &&
	       st.incomplete == incomplete && arp_next_deadline(t) == m_next_deadline();
}

static bool stress_resolve(struct arp_table *t, unsigned k)
{
	void *pkt = NULL;
	if (rnd() % 5) {
		unsigned id = ++M.next_pkt;
		CU_ASSERT_FATAL(id < M_PKTS);
		M.owned[id] = true;
		M.owned_count++;
		pkt = PKT(id);
	}
	int want = m_resolve(k, pkt != NULL);
	int got = arp_resolve(t, m_ifx(k), m_ip(k), pkt, M.now);
	if (pkt && got != ARP_RES_QUEUED)
		give_back(pkt); /* the caller still owns it: the table must not have returned it */
	return got == want;
}

static bool stress_lookup(struct arp_table *t, unsigned k)
{
	const uint8_t *got = arp_lookup(t, m_ifx(k), m_ip(k), M.now);
	const uint8_t *want = m_lookup(k);
	if (!want || !got)
		return !want && !got;
	uint8_t mac[6];
	m_mac(*want, mac);
	return net_mac_eq(got, mac);
}

static bool stress_learn(struct arp_table *t, unsigned k)
{
	uint8_t v = (uint8_t)(1 + rnd() % 3), mac[6];
	enum arp_learn_mode mode = rnd() % 2 ? ARP_LEARN_CREATE : ARP_LEARN_UPDATE;
	m_mac(v, mac);
	int want = m_learn(k, v, mode);
	return arp_learn(t, m_ifx(k), m_ip(k), mac, mode, M.now) == want;
}

static bool stress_static(struct arp_table *t, unsigned k)
{
	if (rnd() % 2) {
		bool want_ok = M.e[k].present && M.e[k].state == ARP_STATIC;
		if (want_ok)
			M.e[k] = (struct model_ent){0};
		return arp_static_del(t, m_ifx(k), m_ip(k)) == (want_ok ? ARP_OK : ARP_E_NOENT);
	}
	uint8_t v = (uint8_t)(1 + rnd() % 3), mac[6];
	m_mac(v, mac);
	m_set(&M.e[k], ARP_STATIC, v, 0);
	return arp_static_add(t, m_ifx(k), m_ip(k), mac) == ARP_OK;
}

static void stress_advance_clock(struct arp_table *t)
{
	M.now += rnd() % 10 == 0 ? rnd() % 40000 : rnd() % 1500;
	m_tick();
	arp_tick(t, M.now);
}

/* Operations on keys that can never exist must change nothing. */
static bool stress_invalid(struct arp_table *t)
{
	const uint16_t ifx = rnd() % 2 ? 0 : (uint16_t)(ARP_MAX_IFX + 1 + rnd() % 1000);
	const uint32_t ips[] = {0, IP(224, 0, 0, 1) + rnd() % 1000, 0xffffffffu};
	const uint32_t ip = ips[rnd() % 3];
	bool ok = arp_lookup(t, ifx, m_ip(0), M.now) == NULL;
	ok &= arp_resolve(t, 1, ip, NULL, M.now) == ARP_RES_FAILED;
	ok &= arp_learn(t, ifx, m_ip(0), MAC_A, ARP_LEARN_CREATE, M.now) == ARP_LEARN_IGNORED;
	ok &= arp_static_add(t, 1, ip, MAC_A) == ARP_E_INVAL;
	return ok;
}

static bool stress_one(struct arp_table *t, unsigned *touched)
{
	unsigned k = rnd() % M_KEYS, op = rnd() % 100;
	uint16_t ifx = rnd() % 3 ? m_ifx(rnd() % M_KEYS) : 0;
	*touched = k;
	if (op < 25)
		return stress_lookup(t, k);
	if (op < 45)
		return stress_resolve(t, k);
	if (op < 65)
		return stress_learn(t, k);
	if (op < 80) {
		stress_advance_clock(t);
		return true;
	}
	if (op < 90)
		return stress_static(t, k);
	if (op < 92) {
		m_remove_matching(ifx, false);
		arp_clear_dynamic(t, ifx);
		return true;
	}
	if (op < 93) {
		if (ifx) /* flush_if(0) is a no-op, not "all" */
			m_remove_matching(ifx, true);
		arp_flush_if(t, ifx);
		return true;
	}
	return stress_invalid(t);
}

static void test_stress_against_model(void)
{
	memset(&M, 0, sizeof(M));
	M.rng = 0x9e3779b97f4a7c15ull;
	M.now = 1000;
	arp_config_default(&M.cfg);
	M.cfg.reachable_ms = 5000;
	M.cfg.stale_ms = 20000;
	M.cfg.failed_hold_ms = 1500;
	M.cfg.queue_len = 3;
	struct arp_table *t = arp_table_create(&M.cfg, &stress_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	unsigned failures = 0;
	for (unsigned i = 0; i < 100000 && failures < 5; i++) {
		unsigned k;
		bool ok = stress_one(t, &k) && key_agrees(t, k) &&
		          M.owned_count == m_queued_total() && M.bad_callbacks == 0;
		if (ok && i % 256 == 0)
			ok = table_agrees(t);
		if (!ok) {
			failures++;
			CU_FAIL("table and model disagree");
			fprintf(stderr, "\n  op %u key %u disagrees\n", i, k);
		}
	}
	CU_ASSERT_TRUE(table_agrees(t));
	arp_table_destroy(t);
	CU_ASSERT_EQUAL(M.owned_count, 0);
	CU_ASSERT_EQUAL(M.bad_callbacks, 0);
}

struct bound_walk {
	unsigned n, incomplete, queued, bad;
	uint64_t last_key;
	const struct arp_table *t;
};

static int bound_walk_cb(const struct arp_entry_info *i, void *arg)
{
	struct bound_walk *w = arg;
	uint64_t key = (uint64_t)i->ifx << 32 | i->ip;
	struct arp_entry_info again;
	if ((w->n && key <= w->last_key) || !arp_get(w->t, i->ifx, i->ip, 0, &again) ||
	    again.state != i->state)
		w->bad++;
	w->incomplete += i->state == ARP_INCOMPLETE;
	w->queued += i->queued;
	w->last_key = key;
	w->n++;
	return 0;
}

/* Many more keys than room: the bound holds, and the hash stays consistent through churn. */
static void test_stress_bounded(void)
{
	memset(&M, 0, sizeof(M));
	M.rng = 0x1234567887654321ull;
	struct arp_config c;
	arp_config_default(&c);
	c.max_entries = 64;
	c.queue_len = 2;
	c.reachable_ms = 3000;
	c.stale_ms = 10000;
	struct arp_table *t = arp_table_create(&c, &stress_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	uint64_t now = 0;
	unsigned bad = 0;
	for (unsigned i = 0; i < 100000; i++) {
		uint16_t ifx = (uint16_t)(1 + rnd() % 8);
		uint32_t ip = IP(10, 0, 0, 1) + rnd() % 512;
		unsigned op = rnd() % 100;
		if (op < 40) {
			unsigned id = ++M.next_pkt;
			M.owned[id] = true;
			M.owned_count++;
			if (arp_resolve(t, ifx, ip, PKT(id), now) != ARP_RES_QUEUED)
				give_back(PKT(id));
		} else if (op < 70) {
			arp_learn(t, ifx, ip, MAC_A, rnd() % 2, now);
		} else if (op < 85) {
			arp_lookup(t, ifx, ip, now);
		} else if (op < 97) {
			now += rnd() % 2000;
			arp_tick(t, now);
		} else if (op < 98) {
			arp_static_add(t, ifx, ip, MAC_B);
		} else if (op < 99) {
			arp_static_del(t, ifx, ip);
		} else {
			arp_clear_dynamic(t, rnd() % 2 ? ifx : 0);
		}
		if (i % 128)
			continue;
		struct bound_walk w = {.t = t};
		struct arp_stats st;
		arp_walk(t, now, bound_walk_cb, &w);
		arp_get_stats(t, &st);
		bad += w.bad || w.n != st.entries || st.entries - st.statics > c.max_entries ||
		       w.incomplete != st.incomplete || w.queued != M.owned_count ||
		       M.bad_callbacks != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	struct arp_stats st;
	arp_get_stats(t, &st);
	CU_ASSERT(st.full_drops > 0);
	CU_ASSERT(st.expired > 0);
	arp_table_destroy(t);
	CU_ASSERT_EQUAL(M.owned_count, 0);
	CU_ASSERT_EQUAL(M.bad_callbacks, 0);
}

/* ---- registration ---- */

static CU_TestInfo wire_tests[] = {
    {"parse/build round trip", test_parse_build_roundtrip},
    {"parse errors", test_parse_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo table_tests[] = {
    {"bad config and arguments", test_bad_config_and_arguments},
    {"resolve then learn, in order", test_resolve_then_learn_in_order},
    {"retries, failed hold, expiry", test_retries_then_failed_hold},
    {"queue overflow drops oldest", test_queue_overflow_drops_oldest},
    {"reachable, stale, probe cycle", test_reachable_stale_probe_cycle},
    {"probe answered with a new MAC", test_probe_answer_with_new_mac},
    {"stale unused expires", test_stale_unused_expires},
    {"learn modes", test_learn_modes},
    {"static entries", test_static_entries},
    {"static bound and hash growth", test_static_bound_and_hash_growth},
    {"clear dynamic and flush interface", test_clear_dynamic_and_flush_if},
    {"max entries and eviction", test_max_entries_and_eviction},
    {"walk order", test_walk_order},
    {"foreach visits each entry once", test_foreach_visits_each_once},
    {"next deadline", test_next_deadline},
    {"callbacks may re-enter", test_callbacks_may_reenter},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo stress_tests[] = {
    {"100k random operations against a model", test_stress_against_model},
    {"100k random operations, bounded table", test_stress_bounded},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"arp wire", NULL, NULL, NULL, NULL, wire_tests},
    {"arp table", NULL, NULL, NULL, NULL, table_tests},
    {"arp stress", NULL, NULL, NULL, NULL, stress_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
