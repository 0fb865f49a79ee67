/*
 * test_gso.c - checksum completion and segmentation of super-packets (gw/gso.h), checked
 * against a plain reference: the byte-by-byte checksum of RFC 1071 and the payload laid
 * back together.
 */
#include "cu_main.h"

#include "common/net.h"
#include "gw/gso.h"
#include "gw/pkt.h"

#include <stdlib.h>
#include <string.h>

#define SRC      0x0a010a32u /* 10.1.10.50 */
#define DST      0x0a011e46u /* 10.1.30.70 */
#define TCP      6
#define PRE      22 /* VXLAN + Ethernet before the IPv4 header, as on the underlay */
#define TCP_OPTS 12 /* timestamps: a 32-byte TCP header, as Linux sends */

static struct gw_pool *pool;

static int init(void)
{
	pool = gw_pool_create(512);
	return pool ? 0 : 1;
}

static int clean(void)
{
	gw_pool_destroy(pool);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The reference: RFC 1071 over 16-bit big-endian words, folded, not complemented. */
static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static uint32_t ref_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	return ref_sum(ip + 12, 8, proto + l4len);
}

/* The L4 checksum of the IPv4 packet at ip verifies (UDP: and is not 0). */
static bool l4_ok(const uint8_t *ip)
{
	uint32_t hl = (ip[0] & 0xfu) * 4, l4len = get16(ip + 2) - hl;
	if (ip[9] == NET_IPPROTO_UDP && get16(ip + hl + 6) == 0)
		return false;
	return ref_sum(ip + hl, l4len, ref_pseudo(ip, ip[9], l4len)) == 0xffff;
}

static bool ip_ok(const uint8_t *ip)
{
	return ref_sum(ip, (ip[0] & 0xfu) * 4, 0) == 0xffff;
}

/*
 * pre bytes of 0xee, then an IPv4 packet (DF, ID 0x1000) of proto with an L4 header (TCP:
 * seq 1000, flags, timestamps option; UDP) and plen payload bytes of a pattern, its L4
 * checksum complete, or partial (pseudo-header sum only) as a Linux sender leaves it.
 */
static uint32_t build(uint8_t *f, uint32_t pre, uint8_t proto, uint32_t plen, uint8_t flags,
                      bool partial)
{
	memset(f, 0xee, pre);
	uint8_t *ip = f + pre;
	uint32_t l4hl = proto == TCP ? 20 + TCP_OPTS : 8, tot = 20 + l4hl + plen;
	memset(ip, 0, 20 + l4hl);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, 0x1000);
	put16(ip + 6, NET_IP_DF);
	ip[8] = 64;
	ip[9] = proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(SRC >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(DST >> (24 - 8 * i));
	}
	put16(ip + 10, (uint16_t)~ref_sum(ip, 20, 0));
	uint8_t *l4 = ip + 20;
	put16(l4, 40000);
	put16(l4 + 2, 5201);
	uint32_t field;
	if (proto == TCP) {
		l4[4] = l4[5] = l4[6] = 0;
		put16(l4 + 6, 1000);
		l4[12] = (uint8_t)((l4hl / 4) << 4);
		l4[13] = flags;
		put16(l4 + 14, 65535);
		l4[20] = 1;
		l4[21] = 1;
		l4[22] = 8;
		l4[23] = 10;
		field = 16;
	} else {
		put16(l4 + 4, (uint16_t)(l4hl + plen));
		field = 6;
	}
	for (uint32_t i = 0; i < plen; i++)
		l4[l4hl + i] = (uint8_t)(i * 7 + i / 251);
	uint32_t ps = ref_pseudo(ip, proto, l4hl + plen);
	if (partial) {
		put16(l4 + field, (uint16_t)ps);
	} else {
		uint16_t c = (uint16_t)~ref_sum(l4, l4hl + plen, ps);
		put16(l4 + field, proto == NET_IPPROTO_UDP && c == 0 ? 0xffff : c);
	}
	return pre + tot;
}

static uint8_t frame[70000], ref[70000];

/* ---------------------------------------------------------------- checksum completion */

static void test_csum_complete_tcp_udp(void)
{
	static const uint32_t sizes[] = {0, 1, 2, 3, 7, 1398, 1399, 8000};
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (int proto = 0; proto < 2; proto++) {
			uint8_t pr = proto ? NET_IPPROTO_UDP : TCP;
			uint32_t n = build(frame, 0, pr, sizes[k], 0x18, true);
			CU_ASSERT(!l4_ok(frame));
			CU_ASSERT(gw_gso_csum_complete(frame, n));
			CU_ASSERT(l4_ok(frame));
			build(ref, 0, pr, sizes[k], 0x18, false);
			CU_ASSERT_EQUAL(memcmp(frame, ref, n),
			                0); /* exactly the sender's checksum */
			/* complete now: a second pass leaves it */
			CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
			CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
		}
	}
}

static void test_csum_complete_leaves_alone(void)
{
	/* a checksum that is wrong in another way: a router forwards it as it is */
	uint32_t n = build(frame, 0, TCP, 500, 0x10, false);
	frame[100] ^= 0x55;
	memcpy(ref, frame, n);
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
	CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
	/* partial, but a fragment (MF), or truncated, or not TCP/UDP, or IPv6: untouched */
	n = build(frame, 0, TCP, 500, 0x10, true);
	put16(frame + 6, NET_IP_MF);
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
	n = build(frame, 0, TCP, 500, 0x10, true);
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n - 1));
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, 19));
	frame[9] = 1;
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
	n = build(frame, 0, TCP, 500, 0x10, true);
	frame[0] = 0x65;
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
	/* a UDP packet without checksum (0) stays without */
	n = build(frame, 0, NET_IPPROTO_UDP, 100, 0, false);
	put16(frame + 26, 0);
	CU_ASSERT_FALSE(gw_gso_csum_complete(frame, n));
	CU_ASSERT_EQUAL(get16(frame + 26), 0);
}

static void test_csum_at(void)
{
	uint32_t n = build(frame, PRE, NET_IPPROTO_UDP, 333, 0, true);
	CU_ASSERT(gw_gso_csum_at(frame, n, PRE + 20, 6));
	CU_ASSERT(l4_ok(frame + PRE));
	/* outside the frame: nothing written */
	memcpy(ref, frame, n);
	CU_ASSERT_FALSE(gw_gso_csum_at(frame, n, n, 0));
	CU_ASSERT_FALSE(gw_gso_csum_at(frame, n, n - 1, 0));
	CU_ASSERT_FALSE(gw_gso_csum_at(frame, n, PRE, n));
	CU_ASSERT_FALSE(gw_gso_csum_at(frame, n, PRE, 0xffffffffu));
	CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
}

/* ---------------------------------------------------------------- segmentation */

/* A packet buffer holding the first head bytes of frame[0..len). */
static struct gw_pkt *head_pkt(uint32_t len, uint32_t head)
{
	struct gw_pkt *p = gw_pkt_alloc(pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	gw_pkt_set(p, frame, head < len ? head : len);
	p->outer_src = 0xc000020b;
	p->flow_hash = 0x12345;
	p->flags = GW_PKT_GSO;
	return p;
}

static void free_segs(struct gw_pkt **s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(pool, s[i]);
}

/*
 * The segments of ref (the super-packet as built, pre bytes before IPv4): each one's
 * headers right, its checksums valid, and their payloads laid end to end are ref's.
 */
static void check_segments(struct gw_pkt **s, unsigned n, uint32_t pre, uint32_t payload)
{
	const uint8_t *rip = ref + pre;
	uint8_t proto = rip[9];
	uint32_t l4hl = proto == TCP ? (uint32_t)(rip[32] >> 4) * 4 : 8;
	uint32_t hdrs = pre + 20 + l4hl, total = get16(rip + 2) - 20 - l4hl, off = 0;
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *ip = s[k]->data + pre, *l4 = ip + 20;
		uint32_t len = total - off < payload ? total - off : payload;
		CU_ASSERT_EQUAL(s[k]->len, hdrs + len);
		CU_ASSERT_EQUAL(memcmp(s[k]->data, ref, pre), 0);
		CU_ASSERT_EQUAL(get16(ip + 2), 20 + l4hl + len);
		CU_ASSERT_EQUAL(get16(ip + 4), 0x1000 + k);
		CU_ASSERT_EQUAL(get16(ip + 6), NET_IP_DF);
		CU_ASSERT(ip_ok(ip));
		CU_ASSERT(l4_ok(ip));
		if (proto == TCP) {
			CU_ASSERT_EQUAL(get32(l4 + 4), 1000 + off);
			uint8_t want = rip[33];
			if (k)
				want &= (uint8_t)~0x80; /* CWR on the first only */
			if (k + 1 < n)
				want &= (uint8_t)~0x09; /* FIN, PSH on the last only */
			CU_ASSERT_EQUAL(l4[13], want);
			CU_ASSERT_EQUAL(memcmp(l4 + 20, rip + 40, TCP_OPTS), 0);
		} else {
			CU_ASSERT_EQUAL(get16(l4 + 4), 8 + len);
		}
		CU_ASSERT_EQUAL(memcmp(s[k]->data + hdrs, ref + hdrs + off, len), 0);
		CU_ASSERT_EQUAL(s[k]->outer_src, 0xc000020b);
		CU_ASSERT_EQUAL(s[k]->flow_hash, 0x12345);
		CU_ASSERT_EQUAL(s[k]->flags, GW_PKT_GSO);
		off += len;
	}
	CU_ASSERT_EQUAL(off, total);
}

/* A TSO super-packet as a kernel VTEP delivers it: in a buffer and a spill area behind. */
static void test_segment_tcp_split_source(void)
{
	enum { PAYLOAD = 1398 };
	uint32_t n = build(frame, PRE, TCP, 60000, 0x80 | 0x18 | 0x01, true);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {
	    .len = n, .head_len = GW_PKT_DATA, .tail = frame + GW_PKT_DATA, .l3 = PRE};
	src.p = head_pkt(n, GW_PKT_DATA);
	CU_ASSERT_EQUAL(gw_gso_count(&src, PAYLOAD), 43);
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why = GW_DROP_MAX;
	unsigned k = gw_gso_segment(&src, PAYLOAD, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, 43);
	CU_ASSERT_PTR_EQUAL(s[0], src.p); /* the first stays in place */
	check_segments(s, k, PRE, PAYLOAD);
	free_segs(s, k);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

/* Contiguous (the pipeline's case), a payload that divides evenly, and one segment. */
static void test_segment_tcp_contiguous(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why;
	uint32_t n = build(frame, 0, TCP, 4 * 1000, 0x10, true);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n};
	unsigned k = gw_gso_segment(&src, 1000, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, 4);
	check_segments(s, k, 0, 1000);
	free_segs(s, k);
	/* everything fits one segment: its checksum is still made complete */
	n = build(frame, 0, TCP, 500, 0x18, true);
	memcpy(ref, frame, n);
	src = (struct gw_gso_src){.p = head_pkt(n, n), .len = n, .head_len = n};
	k = gw_gso_segment(&src, 1000, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, 1);
	check_segments(s, k, 0, 1000);
	free_segs(s, k);
	/* the payload for an MTU: IPv4 and TCP headers (32 bytes with timestamps) off */
	CU_ASSERT_EQUAL(gw_gso_payload_for_mtu(ref, 1450), 1398);
	CU_ASSERT_EQUAL(gw_gso_payload_for_mtu(ref, 52), 0);
}

static void test_segment_udp(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why;
	uint32_t n = build(frame, 14, NET_IPPROTO_UDP, 3 * 1200 + 7, 0, true);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n, .l3 = 14};
	unsigned k = gw_gso_segment(&src, 1200, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, 4);
	check_segments(s, k, 14, 1200);
	free_segs(s, k);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

/* What cannot be cut is refused, and p is left as it was. */
static void test_segment_refused(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why = GW_DROP_MAX;
	uint32_t n = build(frame, 0, TCP, 5000, 0x10, true);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n};
	/* too many segments for out[] */
	CU_ASSERT_EQUAL(gw_gso_segment(&src, 10, pool, s, 100, &why), 0);
	CU_ASSERT_EQUAL(why, GW_DROP_GSO_UNSUPPORTED);
	CU_ASSERT_EQUAL(gw_gso_segment(&src, 0, pool, s, GW_VEC_MAX, &why), 0);
	/* a segment larger than a buffer */
	CU_ASSERT_EQUAL(gw_gso_segment(&src, GW_PKT_DATA, pool, s, GW_VEC_MAX, &why), 0);
	/* not TCP or UDP; a fragment; length beyond the frame; headers beyond the head */
	src.p->data[9] = 1;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	src.p->data[9] = TCP;
	put16(src.p->data + 6, NET_IP_MF);
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	put16(src.p->data + 6, NET_IP_DF);
	src.len = n - 1;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	src.len = n;
	src.head_len = 40;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	src.head_len = n;
	src.p->data[32] = 0x40; /* a TCP header shorter than 20 bytes */
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	CU_ASSERT_EQUAL(src.p->len, n);
	gw_pkt_free(pool, src.p);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

/* Without buffers for all segments: none made, p untouched, the pool whole again. */
static void test_segment_pool_short(void)
{
	struct gw_pkt *s[GW_VEC_MAX], *hold[512];
	enum gw_drop why = GW_DROP_MAX;
	uint32_t n = build(frame, 0, TCP, 10 * 1000, 0x10, true);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n};
	unsigned h = 0;
	while (gw_pool_avail(pool) > 5)
		hold[h++] = gw_pkt_alloc(pool);
	memcpy(ref, src.p->data, n);
	CU_ASSERT_EQUAL(gw_gso_segment(&src, 1000, pool, s, GW_VEC_MAX, &why), 0);
	CU_ASSERT_EQUAL(why, GW_DROP_NO_BUFFER);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 5);
	CU_ASSERT_EQUAL(src.p->len, n);
	CU_ASSERT_EQUAL(memcmp(src.p->data, ref, n), 0);
	free_segs(hold, h);
	gw_pkt_free(pool, src.p);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

static CU_TestInfo tests[] = {
    {"csum: partial TCP and UDP completed, every length parity", test_csum_complete_tcp_udp},
    {"csum: complete, corrupt, fragments, other protocols left alone",
     test_csum_complete_leaves_alone},
    {"csum: at the kernel's offsets, bounds", test_csum_at},
    {"segment: TSO super-packet across buffer and spill", test_segment_tcp_split_source},
    {"segment: contiguous, even, one segment, payload for an MTU", test_segment_tcp_contiguous},
    {"segment: UDP (USO) with its own lengths", test_segment_udp},
    {"segment: refused, p untouched", test_segment_refused},
    {"segment: pool short", test_segment_pool_short},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"gso", init, clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
