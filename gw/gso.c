/*
 * gw/gso.c - checksum completion and software segmentation (see gw/gso.h).
 */
#include "gw/gso.h"

#include <string.h>

#include "common/net.h"

#define IPPROTO_TCP_ 6
#define TCP_HLEN_MIN 20
#define TCP_OFF_SEQ  4
#define TCP_OFF_FLG  13
#define TCP_OFF_SUM  16
#define UDP_OFF_LEN  4
#define UDP_OFF_SUM  6
#define TCP_FIN      0x01
#define TCP_PSH      0x08
#define TCP_CWR      0x80

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * One's-complement sum of len bytes, 32 bits at a time into 64 (RFC 1071: any word size
 * gives the same folded sum), a loop the compiler unrolls: a 1400-byte payload costs 175
 * adds instead of the 700 of a 16-bit loop. An odd tail is padded with zero bytes.
 */
static uint64_t sum_bytes(const uint8_t *p, uint32_t len, uint64_t sum)
{
	while (len >= 8) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		sum += a;
		sum += b;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t a;
		memcpy(&a, p, 4);
		sum += a;
		p += 4;
		len -= 4;
	}
	if (len) {
		uint32_t a = 0;
		memcpy(&a, p, len);
		sum += a;
	}
	return sum;
}

/* The stored form of a checksum over a 64-bit sum: folded and complemented. */
static uint16_t fold(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return net_csum_fold((uint32_t)s);
}

/* The IPv4 pseudo-header sum of a proto segment of l4len bytes (as native words). */
static uint64_t pseudo_sum(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	uint32_t src, dst;
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	return (uint64_t)src + dst + htons(proto) + htons((uint16_t)l4len);
}

/* Offset of the checksum field in an L4 header of proto, 0 for one without. */
static uint32_t csum_field(uint8_t proto)
{
	return proto == IPPROTO_TCP_ ? TCP_OFF_SUM : proto == NET_IPPROTO_UDP ? UDP_OFF_SUM : 0;
}

/*
 * The IPv4 header at ip (len bytes readable) of an unfragmented packet whose whole total
 * length is readable: its header length, total length and protocol. False otherwise.
 */
static bool ip4_whole(const uint8_t *ip, uint32_t len, uint32_t *hl, uint32_t *tot)
{
	if (len < NET_IP_HLEN || (ip[0] >> 4) != 4)
		return false;
	*hl = (ip[0] & 0xfu) * 4u;
	*tot = get16(ip + 2);
	uint16_t off = get16(ip + 6);
	return *hl >= NET_IP_HLEN && *tot >= *hl && *tot <= len &&
	       !(off & (NET_IP_MF | NET_IP_OFFMASK));
}

bool gw_gso_csum_complete(uint8_t *ip, uint32_t len)
{
	uint32_t hl, tot;
	if (!ip4_whole(ip, len, &hl, &tot))
		return false;
	uint8_t proto = ip[9];
	uint32_t field = csum_field(proto);
	uint32_t l4len = tot - hl;
	if (!field || l4len < (proto == IPPROTO_TCP_ ? TCP_HLEN_MIN : NET_UDP_HLEN))
		return false;
	uint8_t *l4 = ip + hl;
	uint64_t ph = pseudo_sum(ip, proto, l4len);
	uint16_t stored, partial = (uint16_t)~fold(ph);
	memcpy(&stored, l4 + field, 2);
	/* Complete already (the usual case, one compare), or wrong in some other way: a router
	 * forwards both as they are. */
	if (stored != partial)
		return false;
	uint64_t s = sum_bytes(l4, l4len, 0); /* the field counts as the pseudo-header's sum */
	if (fold(s + ph) == 0)
		return false; /* it verifies as it is: a complete checksum that looks partial */
	uint16_t c = fold(s);
	if (proto == NET_IPPROTO_UDP && c == 0)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	memcpy(l4 + field, &c, 2);
	return true;
}

bool gw_gso_csum_at(uint8_t *frame, uint32_t len, uint32_t start, uint32_t off)
{
	if (start >= len || off > len - start || len - start - off < 2)
		return false;
	uint16_t c = fold(sum_bytes(frame + start, len - start, 0));
	/* Only UDP turns a 0 into 0xffff, and 0xffff means the same to TCP: as the kernel's
	 * skb_checksum_help, which writes CSUM_MANGLED_0 for either. */
	if (c == 0)
		c = 0xffff;
	memcpy(frame + start + off, &c, 2);
	return true;
}

/* The headers of a super-packet: where they end and what kind it is. */
struct seg_hdrs {
	uint32_t l3, ip_hl, l4_hl, hdrs; /* hdrs: bytes up to the payload */
	uint32_t payload;                /* L4 payload bytes in all */
	uint8_t proto;
};

static bool seg_parse(const struct gw_gso_src *s, struct seg_hdrs *h)
{
	const uint8_t *ip = s->p->data + s->l3;
	uint32_t tot;
	if (s->l3 >= s->head_len || s->head_len > s->len ||
	    !ip4_whole(ip, s->len - s->l3, &h->ip_hl, &tot))
		return false;
	h->l3 = s->l3;
	h->proto = ip[9];
	uint32_t l4 = s->l3 + h->ip_hl;
	if (h->proto == IPPROTO_TCP_) {
		if (l4 + TCP_HLEN_MIN > s->head_len)
			return false;
		h->l4_hl = (uint32_t)(s->p->data[l4 + 12] >> 4) * 4u;
		if (h->l4_hl < TCP_HLEN_MIN)
			return false;
	} else if (h->proto == NET_IPPROTO_UDP) {
		h->l4_hl = NET_UDP_HLEN;
	} else {
		return false;
	}
	h->hdrs = l4 + h->l4_hl;
	if (h->hdrs > s->head_len || h->ip_hl + h->l4_hl >= tot)
		return false;
	h->payload = tot - h->ip_hl - h->l4_hl;
	return true;
}

unsigned gw_gso_count(const struct gw_gso_src *s, uint32_t payload)
{
	struct seg_hdrs h;
	if (!payload || !seg_parse(s, &h))
		return 0;
	return (h.payload + payload - 1) / payload;
}

uint32_t gw_gso_payload_for_mtu(const uint8_t *ip, uint32_t mtu)
{
	uint32_t hl = (ip[0] & 0xfu) * 4u, l4hl;
	if (ip[9] == IPPROTO_TCP_)
		l4hl = (uint32_t)(ip[hl + 12] >> 4) * 4u;
	else if (ip[9] == NET_IPPROTO_UDP)
		l4hl = NET_UDP_HLEN;
	else
		return 0;
	return mtu > hl + l4hl ? mtu - hl - l4hl : 0;
}

/* Copies n bytes at offset off of the source: from its head, then its tail. */
static void src_copy(uint8_t *to, const struct gw_gso_src *s, uint32_t off, uint32_t n)
{
	if (off < s->head_len) {
		uint32_t a = n < s->head_len - off ? n : s->head_len - off;
		memcpy(to, s->p->data + off, a);
		to += a;
		off += a;
		n -= a;
	}
	if (n)
		memcpy(to, s->tail + (off - s->head_len), n);
}

/*
 * Makes segment k (payload bytes [k * seg, k * seg + n)) of frame f, whose headers are in
 * place: IPv4 length, ID, checksum; TCP sequence, flags; UDP length; the L4 checksum.
 */
static void seg_finish(uint8_t *f, const struct seg_hdrs *h, unsigned k, uint32_t seg, uint32_t n,
                       bool last)
{
	uint8_t *ip = f + h->l3, *l4 = ip + h->ip_hl;
	uint32_t l4len = h->l4_hl + n;
	put16(ip + 2, (uint16_t)(h->ip_hl + l4len));
	put16(ip + 4, (uint16_t)(get16(ip + 4) + k));
	ip[10] = ip[11] = 0;
	uint16_t isum = net_csum(ip, h->ip_hl);
	memcpy(ip + 10, &isum, 2);
	uint32_t field;
	if (h->proto == IPPROTO_TCP_) {
		uint32_t seq;
		memcpy(&seq, l4 + TCP_OFF_SEQ, 4);
		seq = htonl(ntohl(seq) + k * seg);
		memcpy(l4 + TCP_OFF_SEQ, &seq, 4);
		if (k)
			l4[TCP_OFF_FLG] &= (uint8_t)~TCP_CWR;
		if (!last)
			l4[TCP_OFF_FLG] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
		field = TCP_OFF_SUM;
	} else {
		put16(l4 + UDP_OFF_LEN, (uint16_t)l4len);
		field = UDP_OFF_SUM;
	}
	l4[field] = l4[field + 1] = 0;
	uint16_t c = fold(sum_bytes(l4, l4len, pseudo_sum(ip, h->proto, l4len)));
	if (h->proto == NET_IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + field, &c, 2);
}

static void seg_meta(struct gw_pkt *q, const struct gw_pkt *p)
{
	q->rx_ifx = p->rx_ifx;
	q->bdx = p->bdx;
	q->outer_src = p->outer_src;
	q->outer_dst = p->outer_dst;
	q->outer_sport = p->outer_sport;
	q->flow_hash = p->flow_hash;
	q->vrfx = p->vrfx;
	q->trace = p->trace;
	q->flags = p->flags;
}

unsigned gw_gso_segment(const struct gw_gso_src *s, uint32_t payload, struct gw_pool *pool,
                        struct gw_pkt **out, unsigned max, enum gw_drop *why)
{
	struct seg_hdrs h;
	unsigned n = 0;
	/* segment 0 stays in the head, and no segment may outgrow a buffer */
	if (!payload || !seg_parse(s, &h) ||
	    h.hdrs + (h.payload < payload ? h.payload : payload) > s->head_len ||
	    h.hdrs + payload > GW_PKT_DATA || (n = (h.payload + payload - 1) / payload) > max) {
		*why = GW_DROP_GSO_UNSUPPORTED;
		return 0;
	}
	/* The later segments first: each copies the headers of segment 0 before they change. */
	for (unsigned k = 1; k < n; k++) {
		struct gw_pkt *q = gw_pkt_alloc(pool);
		if (!q) {
			while (--k > 0)
				gw_pkt_free(pool, out[k]);
			*why = GW_DROP_NO_BUFFER;
			return 0;
		}
		uint32_t off = k * payload,
		         len = h.payload - off < payload ? h.payload - off : payload;
		memcpy(q->data, s->p->data, h.hdrs);
		src_copy(q->data + h.hdrs, s, h.hdrs + off, len);
		q->len = h.hdrs + len;
		seg_meta(q, s->p);
		seg_finish(q->data, &h, k, payload, len, k == n - 1);
		out[k] = q;
	}
	struct gw_pkt *p = s->p;
	uint32_t len0 = h.payload < payload ? h.payload : payload;
	p->len = h.hdrs + len0;
	seg_finish(p->data, &h, 0, payload, len0, n == 1);
	out[0] = p;
	return n;
}
