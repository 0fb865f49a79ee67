/*
 * gw/frag.c - cutting packets to fit the egress MTU.
 *
 * IPv4 fragmentation (RFC 791) for packets larger than the egress MTU without DF. Only
 * options with the "copied" bit go into the second and later fragments; an incoming
 * fragment is split further keeping its offset and MF.
 *
 * TCP segmentation for a sender's super-packets (gw/gso.h, gw_ip4_is_super), IPv4 and IPv6
 * alike: they are cut into segments that fit both the link they came from and the egress,
 * which is what the sender's NIC would have put on its link; DF does not apply, and IPv6's
 * "routers never fragment" neither, as nothing is fragmented.
 */
#include "gw/gw_int.h"

#include <string.h>

#include "common/net.h"
#include "gw/gso.h"

#define IPOPT_EOL    0
#define IPOPT_NOP    1
#define IPOPT_COPIED 0x80

/* ---------------------------------------------------------------- trace records */

struct gw_tr_frag { /* ip4-fragment (code: more fragments follow) */
	uint16_t off, len;
};
GW_TRACE_PAYLOAD_FITS(struct gw_tr_frag);

struct gw_tr_seg { /* ip4-segment, ip6-segment: a segment cut from a super-packet */
	uint16_t len, mss;
};
GW_TRACE_PAYLOAD_FITS(struct gw_tr_seg);

GW_TRACE_HOOK static void trace_fragment(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_FRAGMENT, 0);
	if (!r || p->len < NET_IP_HLEN)
		return;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	struct gw_tr_frag *d = gw_trace_data(r);
	d->off = (uint16_t)((ntohs(ip->off) & NET_IP_OFFMASK) * 8u);
	d->len = ntohs(ip->len);
	r->code = (ntohs(ip->off) & NET_IP_MF) != 0;
}

void gw_tr_fmt_ip4_fragment(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_frag *d = gw_trace_cdata(r);
	gw_trace_put_num(f, "offset", d->off);
	gw_trace_put_num(f, "len", d->len);
	gw_trace_put_str(f, "more", r->code ? "yes" : "no");
}

/* p: one segment cut from a super-packet with at most mss bytes of payload each; its
 * length is the one its IP header gives (segments are whole packets). */
GW_TRACE_HOOK static void trace_segment(struct gw *gw, const struct gw_pkt *p, uint32_t l3,
                                        uint32_t mss)
{
	bool v6 = p->len >= l3 + NET_IP6_HLEN && (p->data[l3] >> 4) == 6;
	struct gw_trace_rec *r =
	    gw_trace_rec_new(gw, p, v6 ? GW_TR_IP6_SEGMENT : GW_TR_IP4_SEGMENT, 0);
	if (!r || p->len < NET_IP_HLEN)
		return;
	struct gw_tr_seg *d = gw_trace_data(r);
	d->len = (uint16_t)p->len;
	d->mss = (uint16_t)mss;
}

void gw_tr_fmt_segment(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_seg *d = gw_trace_cdata(r);
	gw_trace_put_num(f, "len", d->len);
	gw_trace_put_num(f, "mss", d->mss);
}

/* ---------------------------------------------------------------- fragmentation */

/*
 * Builds the header of the later fragments from the original's: the fixed part plus the
 * copied options, padded to a multiple of 4. Returns its length, or 0 when the options
 * are malformed (the packet is then not fragmented).
 */
static unsigned later_header(const uint8_t *orig, unsigned hl, uint8_t *out)
{
	unsigned n = NET_IP_HLEN, i = NET_IP_HLEN;
	memcpy(out, orig, NET_IP_HLEN);
	while (i < hl) {
		uint8_t type = orig[i];
		if (type == IPOPT_EOL)
			break;
		if (type == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hl || orig[i + 1] < 2 || i + orig[i + 1] > hl)
			return 0;
		unsigned olen = orig[i + 1];
		if (type & IPOPT_COPIED) {
			memcpy(out + n, orig + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4)
		out[n++] = IPOPT_EOL;
	out[0] = (uint8_t)(0x40 | n / 4);
	return n;
}

/* One fragment: header hdr (hl bytes), payload [off, off + len) of the original. */
static struct gw_pkt *make_fragment(struct gw *gw, const struct gw_pkt *p, const uint8_t *hdr,
                                    unsigned hl, unsigned off, unsigned len, bool last)
{
	const struct net_ip *oip = (const struct net_ip *)p->data;
	unsigned ohl = (oip->vhl & 0xf) * 4u;
	uint16_t ooff = ntohs(oip->off);
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q)
		return NULL;
	memcpy(q->data, hdr, hl);
	memcpy(q->data + hl, p->data + ohl + off, len);
	q->len = hl + len;
	struct net_ip *ip = (struct net_ip *)q->data;
	uint16_t foff = (uint16_t)((ooff & NET_IP_OFFMASK) + off / 8);
	bool mf = !last || (ooff & NET_IP_MF);
	ip->off = htons((uint16_t)(foff | (mf ? NET_IP_MF : 0)));
	ip->len = htons((uint16_t)q->len);
	ip->sum = 0;
	ip->sum = net_csum(ip, hl);
	q->flow_hash = p->flow_hash;
	q->rx_ifx = p->rx_ifx;
	q->vrfx = p->vrfx;   /* an ICMP error about a piece goes back within the VRF */
	q->trace = p->trace; /* fragments write into their original's trace entry */
	return q;
}

void gw_ip4_fragment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh, uint32_t mtu)
{
	const struct net_ip *ip = (const struct net_ip *)p->data;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	unsigned payload = p->len - hl;
	uint8_t later[60];
	unsigned later_hl = later_header(p->data, hl, later);
	if (!later_hl || mtu < hl + 8) {
		gw_drop(gw, p, GW_DROP_FRAG_FAILED);
		return;
	}
	unsigned off = 0;
	while (off < payload) {
		const uint8_t *hdr = off ? later : p->data;
		unsigned fhl = off ? later_hl : hl;
		unsigned room = ((mtu - fhl) / 8) * 8;
		unsigned len = payload - off < room ? payload - off : room;
		bool last = off + len == payload;
		struct gw_pkt *q = make_fragment(gw, p, hdr, fhl, off, len, last);
		if (!q) {
			/* a packet missing a piece is worthless: stop, count the rest as lost */
			gw->cnt.drops[GW_DROP_NO_BUFFER]++;
			break;
		}
		gw->cnt.fragments++;
		if (gw_traced(q))
			trace_fragment(gw, q);
		gw_ip4_neigh_output(gw, q, ifx, nh);
		off += len;
	}
	gw_pkt_free(gw->pool, p);
}

/* ---------------------------------------------------------------- segmentation */

/* How a segment leaves: the family's output toward (ifx, the next hop at nh). */
typedef void segment_out_fn(struct gw *gw, struct gw_pkt *q, uint16_t ifx, const void *nh);

/*
 * Cuts super-packet p (data l3 bytes before its IPv4 or IPv6 header: 0, or an Ethernet
 * header copied into every segment) into segments whose IP packets have at most mtu bytes
 * and sends each with out, no longer marked as a super-packet (it fits now); consumes p,
 * dropped with the reason when it cannot be cut.
 */
static void segment_send(struct gw *gw, struct gw_pkt *p, uint32_t l3, uint32_t mtu,
                         segment_out_fn *out, uint16_t ifx, const void *nh)
{
	struct gw_pkt *seg[GW_VEC_MAX];
	struct gw_gso_src src = {.p = p, .len = p->len, .head_len = p->len, .l3 = l3};
	uint32_t payload = gw_gso_payload_for_mtu(p->data + l3, mtu);
	enum gw_drop why = GW_DROP_GSO_UNSUPPORTED;
	unsigned n = gw_gso_segment(&src, payload, gw->pool, seg, GW_VEC_MAX, &why);
	if (n == 0) {
		gw_drop(gw, p, why);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		seg[i]->flags &= (uint8_t)~GW_PKT_GSO;
		if (gw_traced(seg[i]))
			trace_segment(gw, seg[i], l3, payload);
		out(gw, seg[i], ifx, nh);
	}
}

static void ip4_segment_out(struct gw *gw, struct gw_pkt *q, uint16_t ifx, const void *nh)
{
	gw_ip4_neigh_output(gw, q, ifx, *(const uint32_t *)nh);
}

void gw_ip4_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh, uint32_t mtu)
{
	segment_send(gw, p, 0, mtu, ip4_segment_out, ifx, &nh);
}

/* A segment goes through the whole egress as the routed packet it is now; it fits the MTU
 * and is no super-packet, so it does not come back here. */
static void ip6_segment_out(struct gw *gw, struct gw_pkt *q, uint16_t ifx, const void *nh)
{
	gw_ip6_output(gw, q, ifx, nh);
}

void gw_ip6_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh,
                    uint32_t mtu)
{
	segment_send(gw, p, 0, mtu, ip6_segment_out, ifx, nh);
}

/* A switched frame's segment fits its port now: the port's output sends it as it is. */
static void l2_segment_out(struct gw *gw, struct gw_pkt *q, uint16_t ifx, const void *bdx)
{
	q->bdx = *(const uint32_t *)bdx;
	gw_l2_port_output(gw, q, ifx);
}

void gw_l2_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t mtu)
{
	uint32_t bdx = p->bdx;
	segment_send(gw, p, NET_ETH_HLEN, mtu, l2_segment_out, ifx, &bdx);
}
