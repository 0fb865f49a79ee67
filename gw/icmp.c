/*
 * gw/icmp.c - what the gateway says in ICMP: echo replies for its addresses and the
 * errors of RFC 792 / RFC 1812 (time exceeded, unreachable, fragmentation needed),
 * rate-limited by a token bucket.
 */
#include "gw/gw_int.h"

#include <string.h>

#include "common/net.h"

#define ICMP_ECHO_REPLY    0
#define ICMP_UNREACH       3
#define ICMP_ECHO          8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMPROB     12
#define ICMP_REDIRECT      5
#define ICMP_SOURCEQUENCH  4

#define ICMP_LOCAL_TTL 64
/* RFC 1812 4.3.2.3: quote as much of the original as fits in a 576-byte error. */
#define ICMP_ERR_MAX 576

/* ---------------------------------------------------------------- trace record */

GW_TRACE_PAYLOAD_FITS(struct gw_tr_local);

void gw_trace_local(struct gw *gw, const struct gw_pkt *p, enum gw_trace_local_code what,
                    uint8_t type, uint8_t code)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_LOCAL, p->rx_ifx);
	if (!r)
		return;
	struct gw_tr_local *d = gw_trace_data(r);
	r->code = (uint8_t)what;
	d->type = type;
	d->code = code;
	if (what == GW_TR_LOCAL_ARP_REPLY || what == GW_TR_LOCAL_ARP_LEARNED)
		return;
	if (p->len >= NET_IP_HLEN) {
		const struct net_ip *ip = (const struct net_ip *)p->data;
		d->src = ntohl(ip->src);
		d->dst = ntohl(ip->dst);
	}
}

static const char *local_what(uint8_t code)
{
	static const char *const names[] = {[GW_TR_LOCAL_ECHO_REPLY] = "echo-reply",
	                                    [GW_TR_LOCAL_ARP_REPLY] = "arp-reply",
	                                    [GW_TR_LOCAL_ARP_LEARNED] = "arp-learned",
	                                    [GW_TR_LOCAL_ICMP_ERROR] = "icmp-error",
	                                    [GW_TR_LOCAL_ICMP_QUIET] = "icmp-error-suppressed"};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}

void gw_tr_fmt_ip4_local(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_local *d = gw_trace_cdata(r);
	gw_trace_put_str(f, "action", local_what(r->code));
	if (r->code == GW_TR_LOCAL_ARP_REPLY || r->code == GW_TR_LOCAL_ARP_LEARNED)
		return;
	gw_trace_put_ip(f, "src", d->src);
	gw_trace_put_ip(f, "dst", d->dst);
	if (r->code != GW_TR_LOCAL_ECHO_REPLY) {
		gw_trace_put_num(f, "icmp-type", d->type);
		gw_trace_put_num(f, "icmp-code", d->code);
	}
}

/* ---------------------------------------------------------------- ICMP */

static const struct {
	uint8_t type, code;
} icmp_kinds[] = {
    [GW_ICMP_NET_UNREACH] = {ICMP_UNREACH, 0},        [GW_ICMP_HOST_UNREACH] = {ICMP_UNREACH, 1},
    [GW_ICMP_PORT_UNREACH] = {ICMP_UNREACH, 3},       [GW_ICMP_FRAG_NEEDED] = {ICMP_UNREACH, 4},
    [GW_ICMP_TTL_EXCEEDED] = {ICMP_TIME_EXCEEDED, 0},
};

static bool icmp_type_is_error(uint8_t type)
{
	return type == ICMP_UNREACH || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMPROB ||
	       type == ICMP_REDIRECT || type == ICMP_SOURCEQUENCH;
}

/* RFC 1122 3.2.2: never an error about an error, a non-first fragment, or a broadcast. */
static bool icmp_error_allowed(const struct gw_pkt *p)
{
	const struct net_ip *ip = (const struct net_ip *)p->data;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (ip->off & htons(NET_IP_OFFMASK))
		return false;
	if (ip->proto == NET_IPPROTO_ICMP) {
		if (p->len < hl + 1)
			return false;
		if (icmp_type_is_error(p->data[hl]))
			return false;
	}
	uint32_t dst = ntohl(ip->dst), src = ntohl(ip->src);
	return !net_ip_is_mcast(dst) && dst != 0xffffffffu && src != 0 && !net_ip_is_mcast(src);
}

static void ip4_header_init(struct net_ip *ip, uint32_t src, uint32_t dst, uint16_t tot_len)
{
	memset(ip, 0, sizeof(*ip));
	ip->vhl = 0x45;
	ip->len = htons(tot_len);
	ip->ttl = ICMP_LOCAL_TTL;
	ip->proto = NET_IPPROTO_ICMP;
	ip->src = htonl(src);
	ip->dst = htonl(dst);
	ip->sum = net_csum(ip, NET_IP_HLEN);
}

/* q: an ICMP message the gateway sends (data at its IPv4 header). */
static void debug_icmp(struct gw *gw, const char *what, const struct gw_pkt *q, uint8_t type,
                       uint8_t code)
{
	const struct net_ip *ip = (const struct net_ip *)q->data;
	char a[NET_IP_STRLEN], b[NET_IP_STRLEN];
	const char *vrf = q->vrfx ? gw_vrf_name(gw, q->vrfx) : NULL;
	gw_debug_log(gw, "ip: icmp %s type %u code %u %s%s%s%s -> %s", what, type, code,
	             vrf ? "vrf " : "", vrf ? vrf : "", vrf ? " " : "",
	             net_ip_fmt(ntohl(ip->src), a), net_ip_fmt(ntohl(ip->dst), b));
}

/* The source of an error: the address of the interface the packet came in on. */
static uint32_t icmp_error_source(struct gw *gw, const struct gw_pkt *p, uint32_t to)
{
	struct gw_if *gif = gw_if_ptr(gw, p->rx_ifx);
	return gif ? gw_if_src_for(gif, to) : 0;
}

void gw_icmp_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp_kind kind, uint32_t mtu)
{
	const struct net_ip *orig = (const struct net_ip *)p->data;
	uint32_t to = ntohl(orig->src);
	/* the gateway's own ping: the error goes straight to it */
	if (!p->rx_ifx && gw_ping_local_error(gw, p, kind))
		return;
	uint32_t from = icmp_error_source(gw, p, to);
	if (!from || !icmp_error_allowed(p) || !gw_bucket_take(&gw->icmp_bucket, gw->now_ms)) {
		gw->cnt.drops[GW_DROP_ICMP_ERR_SUPPRESSED]++;
		if (gw_traced(p))
			gw_trace_local(gw, p, GW_TR_LOCAL_ICMP_QUIET, icmp_kinds[kind].type,
			               icmp_kinds[kind].code);
		return;
	}
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return;
	}
	uint32_t quote = p->len;
	if (quote > ICMP_ERR_MAX - NET_IP_HLEN - NET_ICMP_HLEN)
		quote = ICMP_ERR_MAX - NET_IP_HLEN - NET_ICMP_HLEN;
	q->len = NET_IP_HLEN + NET_ICMP_HLEN + quote;
	struct net_icmp *icmp = (struct net_icmp *)(q->data + NET_IP_HLEN);
	memset(icmp, 0, sizeof(*icmp));
	icmp->type = icmp_kinds[kind].type;
	icmp->code = icmp_kinds[kind].code;
	if (kind == GW_ICMP_FRAG_NEEDED)
		icmp->seq = htons((uint16_t)mtu); /* RFC 1191: next-hop MTU in the low 16 bits */
	memcpy(q->data + NET_IP_HLEN + NET_ICMP_HLEN, p->data, quote);
	icmp->sum = net_csum(icmp, NET_ICMP_HLEN + quote);
	ip4_header_init((struct net_ip *)q->data, from, to, (uint16_t)q->len);
	q->flow_hash = p->flow_hash;
	q->vrfx = p->vrfx;   /* errors stay in the VRF of the packet they are about */
	q->trace = p->trace; /* the error is traced as part of the packet that caused it */
	gw->cnt.icmp_errors++;
	if (gw_traced(q))
		gw_trace_local(gw, q, GW_TR_LOCAL_ICMP_ERROR, icmp->type, icmp->code);
	if (GW_DEBUG_ON(gw, GW_DEBUG_IP))
		debug_icmp(gw, "error", q, icmp->type, icmp->code);
	gw_ip4_local_output(gw, q);
}

/* Echo request to one of our addresses: answered in place, IP options dropped. */
static void icmp_echo_reply(struct gw *gw, struct gw_pkt *p)
{
	struct net_ip *ip = (struct net_ip *)p->data;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	uint32_t src = ntohl(ip->dst), dst = ntohl(ip->src);
	if (hl > NET_IP_HLEN) {
		memmove(p->data + hl - NET_IP_HLEN, p->data, NET_IP_HLEN);
		p->data += hl - NET_IP_HLEN;
		p->len -= hl - NET_IP_HLEN;
		ip = (struct net_ip *)p->data;
	}
	struct net_icmp *icmp = (struct net_icmp *)(p->data + NET_IP_HLEN);
	uint16_t old, new_;
	memcpy(&old, icmp, 2);
	icmp->type = ICMP_ECHO_REPLY;
	memcpy(&new_, icmp, 2);
	icmp->sum = net_csum_update16(icmp->sum, old, new_);
	uint8_t tos = ip->tos;
	ip4_header_init(ip, src, dst, (uint16_t)p->len);
	if (tos) {
		ip->tos = tos;
		ip->sum = 0;
		ip->sum = net_csum(ip, NET_IP_HLEN);
	}
	p->rx_ifx = 0;
	if (gw_traced(p))
		gw_trace_local(gw, p, GW_TR_LOCAL_ECHO_REPLY, ICMP_ECHO_REPLY, 0);
	if (GW_DEBUG_ON(gw, GW_DEBUG_IP))
		debug_icmp(gw, "echo reply", p, ICMP_ECHO_REPLY, 0);
	gw_ip4_local_output(gw, p);
}

void gw_ip4_local_input(struct gw *gw, struct gw_pkt *p)
{
	const struct net_ip *ip = (const struct net_ip *)p->data;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (ip->off & htons(NET_IP_MF | NET_IP_OFFMASK)) {
		gw_drop(gw, p, GW_DROP_IP_FRAG_LOCAL);
		return;
	}
	if (ip->proto == NET_IPPROTO_ICMP) {
		if (p->len < hl + NET_ICMP_HLEN || net_csum(p->data + hl, p->len - hl) != 0) {
			gw_drop(gw, p, GW_DROP_ICMP_BAD);
			return;
		}
		if (p->data[hl] == ICMP_ECHO) {
			icmp_echo_reply(gw, p);
			return;
		}
		if (gw_ping_input(gw, p)) {
			gw_pkt_free(gw->pool, p);
			return;
		}
	} else if (ip->proto == NET_IPPROTO_UDP) {
		/* traceroute's last hop: tell the sender nothing listens there */
		gw_icmp_error(gw, p, GW_ICMP_PORT_UNREACH, 0);
	}
	gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
}
