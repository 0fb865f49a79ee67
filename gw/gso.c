/*
 * gw/gso.c - checksum completion and software segmentation (see gw/gso.h).
 */
#include "gw/gso.h"

#include <string.h>

#include "common/net.h"

#define TCP_HLEN_MIN 20
#define TCP_OFF_SEQ  4
#define TCP_OFF_FLG  13
#define TCP_OFF_SUM  16
#define UDP_OFF_LEN  4
#define UDP_OFF_SUM  6
#define TCP_FIN      0x01
#define TCP_PSH      0x08
#define TCP_CWR      0x80
#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_DSTOPTS  60
#define IP6_EXT_MAX  8 /* extension headers walked before a packet is left as it is */

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

/* The IP header of a packet, of either family, as far as its checksum and cutting go. */
struct l3_hdr {
	uint32_t hl;   /* bytes up to the L4 header (IPv6: extension headers included) */
	uint32_t tot;  /* the packet's length by its header */
	uint8_t proto; /* the L4 protocol */
	uint8_t ver;   /* 4 or 6; 0: not a packet to complete or cut */
};

/* The pseudo-header sum of an L4 segment of l4len bytes of the packet at ip (native words). */
static uint64_t pseudo_sum(const uint8_t *ip, const struct l3_hdr *l, uint32_t l4len)
{
	if (l->ver == 6) {
		struct in6_addr src, dst; /* copied: ip need not be aligned for in6_addr */
		memcpy(&src, ip + 8, 16);
		memcpy(&dst, ip + 24, 16);
		return net_ip6_pseudo_sum(&src, &dst, l4len, l->proto);
	}
	uint32_t src, dst;
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	return (uint64_t)src + dst + htons(l->proto) + htons((uint16_t)l4len);
}

/* Offset of the checksum field in an L4 header of proto, 0 for one without. */
static uint32_t csum_field(uint8_t proto)
{
	return proto == NET_IPPROTO_TCP ? TCP_OFF_SUM : proto == NET_IPPROTO_UDP ? UDP_OFF_SUM : 0;
}

/* The IPv4 header at ip (at least NET_IP_HLEN bytes readable, len bytes of packet) of an
 * unfragmented packet wholly within len. */
static struct l3_hdr ip4_whole(const uint8_t *ip, uint32_t len)
{
	struct l3_hdr l = {.hl = (ip[0] & 0xfu) * 4u, .tot = get16(ip + 2), .proto = ip[9]};
	uint16_t off = get16(ip + 6);
	if (l.hl >= NET_IP_HLEN && l.tot >= l.hl && l.tot <= len &&
	    !(off & (NET_IP_MF | NET_IP_OFFMASK)))
		l.ver = 4;
	return l;
}

/* Whether the extension header at h (nxt its type, first of the chain or not) is one to
 * walk past. A fragment header is not: the L4 header of a fragment is not whole. */
static bool ip6_ext_walkable(uint8_t nxt, const uint8_t *h, bool first)
{
	if (nxt == IP6_HOPOPTS)
		return first; /* only right after the fixed header (RFC 8200 4.3) */
	/* With segments left, the pseudo-header's destination is the routing header's last
	 * address, not the fixed header's (RFC 8200 8.1): such a packet is left as it is. */
	if (nxt == IP6_ROUTING)
		return h[3] == 0;
	return nxt == IP6_DSTOPTS;
}

/*
 * The upper-layer header of the IPv6 packet at ip, within its first end bytes: past at most
 * IP6_EXT_MAX hop-by-hop, routing and destination options headers. False when one runs past
 * end, there are more, or one cannot be walked.
 */
static bool ip6_upper(const uint8_t *ip, uint32_t end, struct l3_hdr *l)
{
	uint8_t nxt = ip[6];
	uint32_t o = NET_IP6_HLEN;
	for (unsigned i = 0;; i++) {
		bool ext = nxt == IP6_HOPOPTS || nxt == IP6_ROUTING || nxt == IP6_DSTOPTS;
		if (!ext) {
			l->proto = nxt;
			l->hl = o;
			l->ver = 6;
			return true;
		}
		if (i == IP6_EXT_MAX || end - o < 8 || !ip6_ext_walkable(nxt, ip + o, i == 0))
			return false;
		uint32_t hl = 8u + 8u * ip[o + 1];
		nxt = ip[o];
		if (hl > end - o)
			return false;
		o += hl;
	}
}

/*
 * The IPv6 header at ip (head bytes readable, len bytes of packet) of a packet wholly
 * within len, its extension headers within head. A payload length of 0 (a jumbogram's) is
 * not one of ours.
 */
static struct l3_hdr ip6_whole(const uint8_t *ip, uint32_t head, uint32_t len)
{
	struct l3_hdr l = {.ver = 0};
	if (head < NET_IP6_HLEN || (ip[0] >> 4) != 6)
		return l;
	uint32_t plen = get16(ip + 4);
	l.tot = NET_IP6_HLEN + plen;
	if (!plen || l.tot > len || !ip6_upper(ip, head < l.tot ? head : l.tot, &l))
		l.ver = 0;
	return l;
}

/*
 * The IP header at ip (head bytes readable, len >= head bytes of packet from there) of an
 * unfragmented IPv4 or IPv6 packet wholly within len (ver 0: not one). IPv4 first: one
 * compare more for it.
 */
static struct l3_hdr l3_whole(const uint8_t *ip, uint32_t head, uint32_t len)
{
	if (head >= NET_IP_HLEN && (ip[0] >> 4) == 4)
		return ip4_whole(ip, len);
	return ip6_whole(ip, head, len);
}

/* What a checksum field left for a NIC holds: the pseudo-header sum ph, folded, not
 * complemented (Linux's ~csum_tcpudp_magic / ~csum_ipv6_magic for CHECKSUM_PARTIAL). */
static uint16_t partial_of(uint64_t ph)
{
	return (uint16_t)~fold(ph);
}

/*
 * The TCP or UDP checksum (field: its offset) of the l4len bytes at l4, ph their
 * pseudo-header sum: verifies as it is, or was left for a NIC and is completed now, or is
 * wrong (see gw_gso_csum_verify).
 */
static enum gw_gso_csum l4_fix(uint8_t *l4, uint32_t l4len, uint32_t field, bool udp, uint64_t ph)
{
	uint64_t s = sum_bytes(l4, l4len, 0);
	if (fold(s + ph) == 0)
		return GW_GSO_CSUM_OK; /* complete, even when it looks partial */
	uint16_t stored;
	memcpy(&stored, l4 + field, 2);
	if (stored != partial_of(ph))
		return GW_GSO_CSUM_BAD;
	uint16_t c = fold(s); /* the field counts as the pseudo-header's sum */
	if (udp && c == 0)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	memcpy(l4 + field, &c, 2);
	return GW_GSO_CSUM_COMPLETED;
}

/*
 * Completes the checksum of the packet at ip with header l when it is partial (see
 * gw/gso.h). Inlined into each family's call with l.ver a constant, so that IPv4 pays for
 * no IPv6 branch.
 */
static inline __attribute__((always_inline)) bool l4_complete(uint8_t *ip, struct l3_hdr l)
{
	uint32_t field = csum_field(l.proto);
	uint32_t l4len = l.tot - l.hl;
	if (!field || l4len < (l.proto == NET_IPPROTO_TCP ? TCP_HLEN_MIN : NET_UDP_HLEN))
		return false;
	uint8_t *l4 = ip + l.hl;
	uint64_t ph = pseudo_sum(ip, &l, l4len);
	uint16_t stored;
	memcpy(&stored, l4 + field, 2);
	/* Complete already (the usual case, one compare, no sum), or wrong in some other way: a
	 * router forwards both as they are. */
	if (stored != partial_of(ph))
		return false;
	return l4_fix(l4, l4len, field, l.proto == NET_IPPROTO_UDP, ph) == GW_GSO_CSUM_COMPLETED;
}

/* IPv6's completion, out of line: IPv4's path keeps no frame for it. */
__attribute__((noinline)) static bool csum_complete6(uint8_t *ip, uint32_t len)
{
	struct l3_hdr l = ip6_whole(ip, len, len);
	return l.ver && l4_complete(ip, (struct l3_hdr){l.hl, l.tot, l.proto, 6});
}

bool gw_gso_csum_complete(uint8_t *ip, uint32_t len)
{
	if (len < NET_IP_HLEN || (ip[0] >> 4) != 4)
		return csum_complete6(ip, len);
	struct l3_hdr l = ip4_whole(ip, len);
	return l.ver && l4_complete(ip, (struct l3_hdr){l.hl, l.tot, l.proto, 4});
}

enum gw_gso_csum gw_gso_csum_verify(uint8_t *ip, unsigned ver, uint32_t hl, uint8_t proto,
                                    uint32_t l4len)
{
	struct l3_hdr l = {.hl = hl, .tot = hl + l4len, .proto = proto, .ver = (uint8_t)ver};
	return l4_fix(ip + hl, l4len, csum_field(proto), proto == NET_IPPROTO_UDP,
	              pseudo_sum(ip, &l, l4len));
}

bool gw_gso_csum_at(uint8_t *frame, uint32_t len, uint32_t start, uint32_t off)
{
	if (start >= len || off > len - start || len - start - off < 2)
		return false;
	uint16_t c = fold(sum_bytes(frame + start, len - start, 0));
	/* Only UDP (the one sum at offset 6 here) turns a 0 into 0xffff, 0 meaning "no checksum"
	 * to it. TCP keeps the computed 0x0000: 0xffff would verify too (the kernel's
	 * skb_checksum_help writes it for either), but no sender computes it (RFC 1624), and
	 * analysers flag it. */
	if (c == 0 && off == UDP_OFF_SUM)
		c = 0xffff;
	memcpy(frame + start + off, &c, 2);
	return true;
}

/* The headers of a super-packet: where they end and what kind it is. */
struct seg_hdrs {
	struct l3_hdr ip;
	uint32_t l3, l4_hl, hdrs; /* hdrs: bytes up to the payload, from the frame's start */
	uint32_t payload;         /* L4 payload bytes in all */
};

/*
 * The headers of the packet at ip (head bytes readable, len bytes of packet) that can be
 * cut: unfragmented IPv4 or IPv6, TCP or UDP, all its headers in head, some payload.
 * h->hdrs counts from ip.
 */
static bool seg_parse_ip(const uint8_t *ip, uint32_t head, uint32_t len, struct seg_hdrs *h)
{
	h->ip = l3_whole(ip, head, len);
	if (!h->ip.ver)
		return false;
	uint32_t l4 = h->ip.hl;
	if (h->ip.proto == NET_IPPROTO_TCP) {
		if (l4 + TCP_HLEN_MIN > head)
			return false;
		h->l4_hl = (uint32_t)(ip[l4 + 12] >> 4) * 4u;
		if (h->l4_hl < TCP_HLEN_MIN)
			return false;
	} else if (h->ip.proto == NET_IPPROTO_UDP) {
		h->l4_hl = NET_UDP_HLEN;
	} else {
		return false;
	}
	h->hdrs = l4 + h->l4_hl;
	if (h->hdrs > head || h->hdrs >= h->ip.tot)
		return false;
	h->payload = h->ip.tot - h->hdrs;
	return true;
}

static bool seg_parse(const struct gw_gso_src *s, struct seg_hdrs *h)
{
	if (s->l3 >= s->head_len || s->head_len > s->len ||
	    !seg_parse_ip(s->p->data + s->l3, s->head_len - s->l3, s->len - s->l3, h))
		return false;
	h->l3 = s->l3;
	h->hdrs += s->l3;
	return true;
}

unsigned gw_gso_count(const struct gw_gso_src *s, uint32_t payload)
{
	struct seg_hdrs h;
	if (!payload || !seg_parse(s, &h))
		return 0;
	return (h.payload + payload - 1) / payload;
}

/* The L4 payload left in mtu bytes after the headers of h (counted from the IP header). */
static uint32_t payload_in(const struct seg_hdrs *h, uint32_t mtu)
{
	uint32_t hdrs = h->hdrs - h->l3;
	return mtu > hdrs ? mtu - hdrs : 0;
}

uint32_t gw_gso_payload_for_mtu(const uint8_t *ip, uint32_t mtu)
{
	struct seg_hdrs h = {.l3 = 0};
	uint32_t len = (ip[0] >> 4) == 6 ? NET_IP6_HLEN + get16(ip + 4) : get16(ip + 2);
	return seg_parse_ip(ip, len, len, &h) ? payload_in(&h, mtu) : 0;
}

uint32_t gw_gso_src_payload_for_mtu(const struct gw_gso_src *s, uint32_t mtu)
{
	struct seg_hdrs h;
	return seg_parse(s, &h) ? payload_in(&h, mtu) : 0;
}

uint8_t gw_gso_l4_proto(const uint8_t *ip, uint32_t len)
{
	if (len >= NET_IP_HLEN && (ip[0] >> 4) == 4)
		return ip[9];
	struct l3_hdr l = ip6_whole(ip, len, UINT32_MAX);
	return l.ver ? l.proto : 0;
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

/* The IP header of segment k carrying l4len bytes of L4 header and payload: its length;
 * IPv4 also its ID (+1 a segment) and header checksum (IPv6 has neither). */
static void seg_finish_ip(uint8_t *ip, const struct l3_hdr *l, unsigned k, uint32_t l4len)
{
	if (l->ver == 6) {
		put16(ip + 4, (uint16_t)(l->hl - NET_IP6_HLEN + l4len));
		return;
	}
	put16(ip + 2, (uint16_t)(l->hl + l4len));
	put16(ip + 4, (uint16_t)(get16(ip + 4) + k));
	ip[10] = ip[11] = 0;
	uint16_t isum = net_csum(ip, l->hl);
	memcpy(ip + 10, &isum, 2);
}

/*
 * Makes segment k (payload bytes [k * seg, k * seg + n)) of frame f, whose headers are in
 * place: the IP header's fields; TCP sequence, flags; UDP length; the L4 checksum.
 */
static void seg_finish(uint8_t *f, const struct seg_hdrs *h, unsigned k, uint32_t seg, uint32_t n,
                       bool last)
{
	uint8_t *ip = f + h->l3, *l4 = ip + h->ip.hl;
	uint32_t l4len = h->l4_hl + n;
	seg_finish_ip(ip, &h->ip, k, l4len);
	uint32_t field;
	if (h->ip.proto == NET_IPPROTO_TCP) {
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
	uint16_t c = fold(sum_bytes(l4, l4len, pseudo_sum(ip, &h->ip, l4len)));
	if (h->ip.proto == NET_IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + field, &c, 2);
}

static void seg_meta(struct gw_pkt *q, const struct gw_pkt *p)
{
	q->rx_ifx = p->rx_ifx;
	q->bdx = p->bdx;
	gw_pkt_copy_outer(q, p);
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
