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
 * The L4 header at l4 (TCP: seq 1000, flags, timestamps option; UDP) of l4hl bytes, zeroed
 * before, then plen payload bytes of a pattern; its checksum over the pseudo-header sum ps
 * complete, or partial (ps only) as a Linux sender leaves it.
 */
static void fill_l4(uint8_t *l4, uint8_t proto, uint32_t l4hl, uint32_t plen, uint8_t flags,
                    uint32_t ps, bool partial)
{
	put16(l4, 40000);
	put16(l4 + 2, 5201);
	uint32_t field;
	if (proto == TCP) {
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
	if (partial) {
		put16(l4 + field, (uint16_t)ps);
	} else {
		uint16_t c = (uint16_t)~ref_sum(l4, l4hl + plen, ps);
		put16(l4 + field, proto == NET_IPPROTO_UDP && c == 0 ? 0xffff : c);
	}
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
	fill_l4(ip + 20, proto, l4hl, plen, flags, ref_pseudo(ip, proto, l4hl + plen), partial);
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

/* A TCP segment whose sum comes to 0 gets 0x0000, as its sender would compute it (RFC 1624:
 * never 0xffff, which analysers flag); UDP's 0 becomes 0xffff. */
static void test_csum_at_zero(void)
{
	for (int udp = 0; udp <= 1; udp++) {
		uint8_t proto = udp ? NET_IPPROTO_UDP : TCP;
		uint32_t l4 = PRE + 20, field = l4 + (udp ? 6 : 16), pay = l4 + (udp ? 8 : 20);
		uint32_t n = build(frame, PRE, proto, 64, 0x10, true);
		uint16_t partial = get16(frame + field);
		CU_ASSERT(gw_gso_csum_at(frame, n, l4, field - l4));
		/* add the checksum to a payload word: the sum becomes 0xffff, the checksum 0 */
		uint32_t w = get16(frame + pay) + get16(frame + field);
		put16(frame + pay, (uint16_t)((w & 0xffff) + (w >> 16)));
		put16(frame + field, partial);
		CU_ASSERT(gw_gso_csum_at(frame, n, l4, field - l4));
		CU_ASSERT_EQUAL(get16(frame + field), udp ? 0xffff : 0);
		CU_ASSERT(l4_ok(frame + PRE));
	}
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

/* ---------------------------------------------------------------- IPv6 */

#define DSTOPTS 60
#define HOPOPTS 0
#define ROUTING 43
#define FRAG6   44

static const uint8_t SRC6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50};
static const uint8_t DST6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x70};

/* The IPv6 pseudo-header (RFC 8200 8.1) summed by the reference. */
static uint32_t ref_pseudo6(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	return ref_sum(ip + 8, 32, proto + (l4len >> 16) + (l4len & 0xffff));
}

/* The L4 header of the IPv6 packet at ip built by build6 with ext extension bytes. */
static uint8_t proto6(const uint8_t *ip, uint32_t ext)
{
	return ext ? ip[40 + ext - 8] : ip[6];
}

/* The L4 checksum of the IPv6 packet at ip (ext bytes of extension headers) verifies. */
static bool l4_ok6(const uint8_t *ip, uint32_t ext)
{
	uint32_t l4len = get16(ip + 4) - ext;
	uint8_t pr = proto6(ip, ext);
	if (pr == NET_IPPROTO_UDP && get16(ip + 40 + ext + 6) == 0)
		return false;
	return ref_sum(ip + 40 + ext, l4len, ref_pseudo6(ip, pr, l4len)) == 0xffff;
}

/*
 * As build, for IPv6 (hop limit 64, flow label 0x12345): n_ext destination options headers
 * of 8 bytes (PadN) between the fixed header and the L4 header (first_type: the first
 * one's type, to make it hop-by-hop or routing). Returns the frame's length.
 */
static uint32_t build6(uint8_t *f, uint32_t pre, uint8_t proto, uint32_t plen, uint8_t flags,
                       bool partial, unsigned n_ext, uint8_t first_type)
{
	memset(f, 0xee, pre);
	uint8_t *ip = f + pre;
	uint32_t ext = 8 * n_ext, l4hl = proto == TCP ? 20 + TCP_OPTS : 8, l4len = l4hl + plen;
	memset(ip, 0, 40 + ext + l4hl);
	ip[0] = 0x60;
	ip[1] = 0x01;
	put16(ip + 2, 0x2345);
	put16(ip + 4, (uint16_t)(ext + l4len));
	ip[6] = n_ext ? first_type : proto;
	ip[7] = 64;
	memcpy(ip + 8, SRC6, 16);
	memcpy(ip + 24, DST6, 16);
	for (unsigned i = 0; i < n_ext; i++) {
		uint8_t *h = ip + 40 + 8 * i;
		h[0] = i + 1 < n_ext ? DSTOPTS : proto;
		h[1] = 0;
		h[2] = 1; /* PadN of 4 bytes */
		h[3] = 4;
	}
	fill_l4(ip + 40 + ext, proto, l4hl, plen, flags, ref_pseudo6(ip, proto, l4len), partial);
	return pre + 40 + ext + l4len;
}

/* gw_gso_csum_complete on a heap copy of exactly n bytes (ASan sees any read beyond). */
static bool csum_complete_exact(uint8_t *f, uint32_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memcpy(c, f, n);
	bool r = gw_gso_csum_complete(c, n);
	memcpy(f, c, n);
	free(c);
	return r;
}

static void test_csum6_complete(void)
{
	static const uint32_t sizes[] = {0, 1, 2, 3, 7, 1398, 1399, 8000};
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (unsigned ext = 0; ext < 3; ext++)
			for (int proto = 0; proto < 2; proto++) {
				uint8_t pr = proto ? NET_IPPROTO_UDP : TCP;
				uint32_t n =
				    build6(frame, 0, pr, sizes[k], 0x18, true, ext, DSTOPTS);
				CU_ASSERT(!l4_ok6(frame, 8 * ext));
				CU_ASSERT(csum_complete_exact(frame, n));
				CU_ASSERT(l4_ok6(frame, 8 * ext));
				build6(ref, 0, pr, sizes[k], 0x18, false, ext, DSTOPTS);
				CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
				/* complete now: a second pass leaves it */
				CU_ASSERT_FALSE(csum_complete_exact(frame, n));
				CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
			}
	/* a hop-by-hop header first is walked too */
	uint32_t n = build6(frame, 0, TCP, 100, 0x18, true, 2, HOPOPTS);
	CU_ASSERT(csum_complete_exact(frame, n));
	CU_ASSERT(l4_ok6(frame, 16));
	/* a routing header with no segments left: the fixed header's destination is final */
	n = build6(frame, 0, NET_IPPROTO_UDP, 100, 0, true, 1, ROUTING);
	frame[40 + 3] = 0;
	CU_ASSERT(csum_complete_exact(frame, n));
	CU_ASSERT(l4_ok6(frame, 8));
}

static void test_csum6_leaves_alone(void)
{
	/* valid, and wrong in another way: forwarded as they are */
	uint32_t n = build6(frame, 0, TCP, 500, 0x10, false, 0, 0);
	memcpy(ref, frame, n);
	CU_ASSERT_FALSE(csum_complete_exact(frame, n));
	CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
	frame[100] ^= 0x55;
	memcpy(ref, frame, n);
	CU_ASSERT_FALSE(csum_complete_exact(frame, n));
	CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
	/* partial, but: a fragment header, a routing header with segments left, hop-by-hop
	 * not first, a payload length beyond the bytes or 0, ICMPv6 */
	struct {
		unsigned n_ext;
		uint8_t first;
		uint32_t at, val; /* byte at offset at set to val (at 0: none) */
	} bad[] = {
	    {1, FRAG6, 0, 0}, {1, ROUTING, 43, 1},          {2, DSTOPTS, 40, HOPOPTS},
	    {0, 0, 5, 0xff},  {0, 0, 6, NET_IPPROTO_ICMP6},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = build6(frame, 0, TCP, 500, 0x10, true, bad[i].n_ext, bad[i].first);
		if (bad[i].at)
			frame[bad[i].at] = (uint8_t)bad[i].val;
		memcpy(ref, frame, n);
		CU_ASSERT_FALSE(csum_complete_exact(frame, n));
		CU_ASSERT_EQUAL(memcmp(frame, ref, n), 0);
	}
	n = build6(frame, 0, TCP, 500, 0x10, true, 0, 0);
	put16(frame + 4, 0); /* a jumbogram's payload length */
	CU_ASSERT_FALSE(csum_complete_exact(frame, n));
}

/* Truncated headers and too many extension headers: refused, nothing read beyond. */
static void test_csum6_bounds(void)
{
	/* 8 extension headers are walked, 9 are too many */
	uint32_t n = build6(frame, 0, TCP, 200, 0x10, true, 8, DSTOPTS);
	CU_ASSERT(csum_complete_exact(frame, n));
	n = build6(frame, 0, TCP, 200, 0x10, true, 9, DSTOPTS);
	CU_ASSERT_FALSE(csum_complete_exact(frame, n));
	CU_ASSERT_EQUAL(gw_gso_l4_proto(frame, n), 0);
	/* every truncation of a packet with two extension headers: refused, in bounds */
	n = build6(frame, 0, TCP, 0, 0x10, true, 2, DSTOPTS);
	for (uint32_t len = 0; len < n; len++)
		CU_ASSERT_FALSE(csum_complete_exact(frame, len));
	/* an extension header whose length runs past the packet */
	n = build6(frame, 0, TCP, 0, 0x10, true, 2, DSTOPTS);
	frame[48 + 1] = 0xff;
	CU_ASSERT_FALSE(csum_complete_exact(frame, n));
	CU_ASSERT_EQUAL(gw_gso_l4_proto(frame, n), 0);
	/* the L4 protocol past the extension headers, and what ends the walk */
	n = build6(frame, 0, NET_IPPROTO_UDP, 10, 0, true, 3, DSTOPTS);
	CU_ASSERT_EQUAL(gw_gso_l4_proto(frame, n), NET_IPPROTO_UDP);
	CU_ASSERT_EQUAL(gw_gso_l4_proto(frame, 40 + 16), 0);
	n = build6(frame, 0, TCP, 10, 0, true, 1, FRAG6);
	CU_ASSERT_EQUAL(gw_gso_l4_proto(frame, n), FRAG6);
}

/*
 * The segments of ref (an IPv6 super-packet built by build6, ext bytes of extension
 * headers, pre bytes before it), each checked on its own: payload length, hop limit and
 * flow label as sent, extension headers copied, sequence number, flags, L4 checksum by the
 * reference, payload bytes in order.
 */
static void check_segments6(struct gw_pkt **s, unsigned n, uint32_t pre, uint32_t ext,
                            uint32_t payload)
{
	const uint8_t *rip = ref + pre, *rl4 = rip + 40 + ext;
	uint8_t proto = proto6(rip, ext);
	uint32_t l4hl = proto == TCP ? (uint32_t)(rl4[12] >> 4) * 4 : 8;
	uint32_t hdrs = pre + 40 + ext + l4hl, total = get16(rip + 4) - ext - l4hl, off = 0;
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *ip = s[k]->data + pre, *l4 = ip + 40 + ext;
		uint32_t len = total - off < payload ? total - off : payload;
		CU_ASSERT_EQUAL(s[k]->len, hdrs + len);
		CU_ASSERT_EQUAL(memcmp(s[k]->data, ref, pre + 4), 0); /* version, class, label */
		CU_ASSERT_EQUAL(get16(ip + 4), ext + l4hl + len);
		CU_ASSERT_EQUAL(memcmp(ip + 6, rip + 6, 34 + ext), 0);
		CU_ASSERT(l4_ok6(ip, ext));
		if (proto == TCP) {
			CU_ASSERT_EQUAL(get32(l4 + 4), 1000 + off);
			uint8_t want = rl4[13];
			if (k)
				want &= (uint8_t)~0x80;
			if (k + 1 < n)
				want &= (uint8_t)~0x09;
			CU_ASSERT_EQUAL(l4[13], want);
			CU_ASSERT_EQUAL(memcmp(l4 + 14, rl4 + 14, 2), 0);
			CU_ASSERT_EQUAL(memcmp(l4 + 20, rl4 + 20, TCP_OPTS), 0);
		} else {
			CU_ASSERT_EQUAL(get16(l4 + 4), 8 + len);
		}
		CU_ASSERT_EQUAL(memcmp(s[k]->data + hdrs, ref + hdrs + off, len), 0);
		CU_ASSERT_EQUAL(s[k]->flow_hash, 0x12345);
		off += len;
	}
	CU_ASSERT_EQUAL(off, total);
}

/* TSO6: the largest super-packet (payload length 65535) in a buffer and its spill area. */
static void test_segment6_tcp_64k(void)
{
	enum { MSS = 1500 - 40 - 20 - TCP_OPTS, PLEN = 65535 - 20 - TCP_OPTS };
	uint32_t n = build6(frame, PRE, TCP, PLEN, 0x80 | 0x18 | 0x01, true, 0, 0);
	CU_ASSERT_EQUAL(n, PRE + 40 + 65535);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {
	    .len = n, .head_len = GW_PKT_DATA, .tail = frame + GW_PKT_DATA, .l3 = PRE};
	src.p = head_pkt(n, GW_PKT_DATA);
	CU_ASSERT_EQUAL(gw_gso_src_payload_for_mtu(&src, 1500), MSS);
	CU_ASSERT_EQUAL(gw_gso_payload_for_mtu(ref + PRE, 1500), MSS);
	unsigned want = (PLEN + MSS - 1) / MSS;
	CU_ASSERT_EQUAL(gw_gso_count(&src, MSS), want);
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why = GW_DROP_MAX;
	unsigned k = gw_gso_segment(&src, MSS, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, want);
	CU_ASSERT_PTR_EQUAL(s[0], src.p);
	for (unsigned i = 0; i < k; i++)
		CU_ASSERT(s[i]->len - PRE <= 1500);
	check_segments6(s, k, PRE, 0, MSS);
	free_segs(s, k);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

/* A destination options header before TCP is copied into each segment and counted. */
static void test_segment6_ext(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why;
	uint32_t n = build6(frame, 0, TCP, 5000, 0x18, true, 1, DSTOPTS);
	memcpy(ref, frame, n);
	uint32_t payload = gw_gso_payload_for_mtu(ref, 1280);
	CU_ASSERT_EQUAL(payload, 1280 - 40 - 8 - 20 - TCP_OPTS);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n};
	unsigned k = gw_gso_segment(&src, payload, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, (5000 + payload - 1) / payload);
	for (unsigned i = 0; i < k; i++)
		CU_ASSERT(s[i]->len <= 1280);
	check_segments6(s, k, 0, 8, payload);
	free_segs(s, k);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

static void test_segment6_udp(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why;
	uint32_t n = build6(frame, 14, NET_IPPROTO_UDP, 3 * 1200 + 7, 0, true, 0, 0);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n, .l3 = 14};
	unsigned k = gw_gso_segment(&src, 1200, pool, s, GW_VEC_MAX, &why);
	CU_ASSERT_EQUAL_FATAL(k, 4);
	check_segments6(s, k, 14, 0, 1200);
	free_segs(s, k);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

/* What cannot be cut is refused, p left as it was, nothing read beyond the head. */
static void test_segment6_refused(void)
{
	struct gw_pkt *s[GW_VEC_MAX];
	enum gw_drop why = GW_DROP_MAX;
	uint32_t n = build6(frame, 0, TCP, 5000, 0x10, true, 2, DSTOPTS);
	memcpy(ref, frame, n);
	struct gw_gso_src src = {.p = head_pkt(n, n), .len = n, .head_len = n};
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 5);
	/* the headers (40 + 16 + 32) not all in the head */
	for (src.head_len = 1; src.head_len < 88; src.head_len++)
		CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	src.head_len = 88;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 5);
	src.head_len = n;
	/* the payload length beyond the frame */
	src.len = n - 1;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	src.len = n;
	/* an extension header running past the head */
	src.p->data[48 + 1] = 200;
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	CU_ASSERT_EQUAL(gw_gso_src_payload_for_mtu(&src, 1500), 0);
	src.p->data[48 + 1] = 0;
	/* a fragment header; too many extension headers */
	src.p->data[6] = FRAG6;
	CU_ASSERT_EQUAL(gw_gso_segment(&src, 1000, pool, s, GW_VEC_MAX, &why), 0);
	CU_ASSERT_EQUAL(why, GW_DROP_GSO_UNSUPPORTED);
	CU_ASSERT_EQUAL(src.p->len, n);
	gw_pkt_free(pool, src.p);
	n = build6(frame, 0, TCP, 5000, 0x10, true, 9, DSTOPTS);
	src = (struct gw_gso_src){.p = head_pkt(n, n), .len = n, .head_len = n};
	CU_ASSERT_EQUAL(gw_gso_count(&src, 1000), 0);
	CU_ASSERT_EQUAL(gw_gso_payload_for_mtu(src.p->data, 1500), 0);
	gw_pkt_free(pool, src.p);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 512);
}

static CU_TestInfo tests[] = {
    {"csum: partial TCP and UDP completed, every length parity", test_csum_complete_tcp_udp},
    {"csum: complete, corrupt, fragments, other protocols left alone",
     test_csum_complete_leaves_alone},
    {"csum: at the kernel's offsets, bounds", test_csum_at},
    {"csum: TCP keeps a computed 0, UDP writes 0xffff", test_csum_at_zero},
    {"segment: TSO super-packet across buffer and spill", test_segment_tcp_split_source},
    {"segment: contiguous, even, one segment, payload for an MTU", test_segment_tcp_contiguous},
    {"segment: UDP (USO) with its own lengths", test_segment_udp},
    {"segment: refused, p untouched", test_segment_refused},
    {"segment: pool short", test_segment_pool_short},
    {"csum6: partial TCP and UDP completed, with extension headers", test_csum6_complete},
    {"csum6: complete, corrupt, fragments, other headers left alone", test_csum6_leaves_alone},
    {"csum6: truncated, too many extension headers: refused in bounds", test_csum6_bounds},
    {"segment6: TSO6 super-packet of 64 KiB cut at the MSS", test_segment6_tcp_64k},
    {"segment6: destination options before TCP", test_segment6_ext},
    {"segment6: UDP (USO) with its own lengths", test_segment6_udp},
    {"segment6: refused, p untouched, in bounds", test_segment6_refused},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"gso", init, clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
