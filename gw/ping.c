/*
 * gw/ping.c - the gateway's own echo requests (see ping.h).
 *
 * Each session has at most one probe outstanding. A probe's fate is settled by a reply
 * or an ICMP error from the network (then the session advances at once: the next probe
 * leaves from the receive path, as an echo reply would), by an error the gateway hits
 * sending it (no route, ARP failed, too big with DF: recorded, and the session advances on
 * the next tick, so that a failing send never recurses into itself), or by the timeout
 * checked on each tick.
 */
#include "gw/ping.h"

#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "gw/gw_int.h"

#define ICMP_ECHO_REPLY    0
#define ICMP_UNREACH       3
#define ICMP_SOURCEQUENCH  4
#define ICMP_ECHO          8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMPROB     12
#define PING_TTL           64
#define PING_HDRS          (NET_IP_HLEN + NET_ICMP_HLEN)

struct ping_sess {
	uint32_t id; /* 0: slot free */
	uint16_t ident;
	struct gw_ping_req req;
	uint32_t src;
	const struct gw_ping_ops *ops;
	void *arg;
	uint32_t sent;    /* probes sent; the last one is probe sent - 1 */
	bool waiting;     /* the last probe is outstanding */
	char mark;        /* its fate once known (0: not yet) */
	uint32_t rtt;     /* ms, with mark '!' */
	uint64_t sent_ms; /* when it left */
	struct gw_ping_result res;
};

struct gw_pinger {
	uint32_t next_id;
	uint16_t next_ident;
	uint16_t ip_id;
	struct ping_sess s[GW_PING_SESSIONS_MAX];
};

static struct gw_pinger *pinger(struct gw *gw)
{
	if (!gw->ping)
		gw->ping = calloc(1, sizeof(*gw->ping));
	return gw->ping;
}

void gw_ping_free(struct gw *gw)
{
	free(gw->ping);
	gw->ping = NULL;
}

/* ---------------------------------------------------------------- sending */

/* The routing table of the ping's VRF (NULL: no such VRF). */
static const struct fib *ping_fib(const struct gw *gw, uint32_t vrf)
{
	return vrf < GW_VRF_MAX ? gw_vrf_fib_of(gw, (uint16_t)vrf) : NULL;
}

/* One ECMP path for all the probes, the one the source address was chosen for. */
static uint32_t ping_flow_hash(uint32_t dst)
{
	return net_hash32(dst ^ NET_IPPROTO_ICMP);
}

/* An interface of the ping's VRF: a probe never borrows another tenant's address. */
static struct gw_if *vrf_if(struct gw *gw, uint32_t vrf, uint16_t ifx)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	return gif && gif->vrfx == vrf ? gif : NULL;
}

/*
 * Is ip an address of the gateway in VRF vrf? Its FIB says so with a local route, as for
 * the packets it receives. The VRF may have been deleted since the ping started: no.
 */
static bool vrf_local(struct gw *gw, uint32_t vrf, uint32_t ip)
{
	const struct fib *fib = ping_fib(gw, vrf);
	uint32_t res = fib ? fib_lookup(fib, ip) : FIB_LOOKUP_MISS;
	return res != FIB_LOOKUP_MISS && fib_path_select(fib, res, 0)->type == FIB_PATH_LOCAL;
}

uint32_t gw_ping_source(struct gw *gw, const struct gw_ping_req *req)
{
	if (req->src)
		return vrf_local(gw, req->vrf, req->src) ? req->src : 0;
	if (req->src_ifx) {
		struct gw_if *gif = vrf_if(gw, req->vrf, req->src_ifx);
		return gif ? gw_if_src_for(gif, req->dst) : 0;
	}
	const struct fib *fib = ping_fib(gw, req->vrf);
	uint32_t res = fib ? fib_lookup(fib, req->dst) : FIB_LOOKUP_MISS;
	if (res == FIB_LOOKUP_MISS)
		return 0;
	const struct fib_path *path = fib_path_select(fib, res, ping_flow_hash(req->dst));
	if (path->type == FIB_PATH_LOCAL)
		return req->dst;
	struct gw_if *gif = gw_if_ptr(gw, path->ifx);
	if (gif)
		return gw_if_src_for(gif, req->dst);
	/* null0: nothing leaves, any of our addresses in the VRF will do */
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		gif = vrf_if(gw, req->vrf, i);
		if (gif && gif->n_addrs)
			return gif->addr[0];
	}
	return 0;
}

/* Cisco's data pattern. */
static void ping_payload(uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		d[i] = i & 1 ? 0xcd : 0xab;
}

static void ping_settle(struct ping_sess *s, char mark, uint32_t rtt)
{
	if (!s->waiting || s->mark)
		return;
	s->mark = mark;
	s->rtt = rtt;
}

static void ping_send(struct gw *gw, struct ping_sess *s)
{
	uint16_t seq = (uint16_t)s->sent;
	s->sent++;
	s->waiting = true;
	s->mark = 0;
	s->sent_ms = gw->now_ms;
	if (vrf_local(gw, s->req.vrf, s->req.dst)) { /* answered at once, nothing on the wire */
		ping_settle(s, '!', 0);
		return;
	}
	struct gw_pkt *p = gw_pkt_alloc(gw->pool);
	if (!p) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return; /* times out */
	}
	p->len = s->req.size;
	struct net_ip *ip = (struct net_ip *)p->data;
	memset(ip, 0, sizeof(*ip));
	ip->vhl = 0x45;
	ip->len = htons((uint16_t)s->req.size);
	ip->id = htons(gw->ping->ip_id++);
	ip->ttl = PING_TTL;
	ip->proto = NET_IPPROTO_ICMP;
	ip->src = htonl(s->src);
	ip->dst = htonl(s->req.dst);
	ip->sum = net_csum(ip, NET_IP_HLEN);
	struct net_icmp *icmp = (struct net_icmp *)(p->data + NET_IP_HLEN);
	memset(icmp, 0, sizeof(*icmp));
	icmp->type = ICMP_ECHO;
	icmp->id = htons(s->ident);
	icmp->seq = htons(seq);
	ping_payload(p->data + PING_HDRS, s->req.size - PING_HDRS);
	icmp->sum = net_csum(icmp, s->req.size - NET_IP_HLEN);
	p->flow_hash = ping_flow_hash(s->req.dst);
	p->vrfx = (uint16_t)s->req.vrf;
	gw_ip4_local_output(gw, p);
}

/* ---------------------------------------------------------------- the state machine */

static struct ping_sess *sess_by_id(struct gw *gw, uint32_t id)
{
	for (unsigned i = 0; gw->ping && id && i < GW_PING_SESSIONS_MAX; i++)
		if (gw->ping->s[i].id == id)
			return &gw->ping->s[i];
	return NULL;
}

static struct ping_sess *sess_by_ident(struct gw *gw, uint16_t ident)
{
	for (unsigned i = 0; gw->ping && i < GW_PING_SESSIONS_MAX; i++)
		if (gw->ping->s[i].id && gw->ping->s[i].ident == ident)
			return &gw->ping->s[i];
	return NULL;
}

/* Does a session other than s use id (when non-zero) or ident (when non-zero)? */
static bool id_taken(const struct gw_pinger *pg, const struct ping_sess *s, uint32_t id,
                     uint16_t ident)
{
	for (unsigned i = 0; i < GW_PING_SESSIONS_MAX; i++) {
		const struct ping_sess *o = &pg->s[i];
		if (o != s && o->id && ((id && o->id == id) || (ident && o->ident == ident)))
			return true;
	}
	return false;
}

/* Frees the slot first: done() may start another ping. */
static void ping_finish(struct ping_sess *s)
{
	struct gw_ping_result r = s->res;
	const struct gw_ping_ops *ops = s->ops;
	void *arg = s->arg;
	memset(s, 0, sizeof(*s));
	ops->done(arg, &r);
}

/*
 * The outstanding probe is settled: report it, then send the next one or finish. The
 * callbacks may cancel sessions, so the slot is checked again after each.
 */
static void ping_advance(struct gw *gw, struct ping_sess *s)
{
	uint32_t id = s->id;
	char mark = s->mark;
	s->waiting = false;
	if (mark == '!') {
		struct gw_ping_result *r = &s->res;
		r->rtt_min = r->received == 0 || s->rtt < r->rtt_min ? s->rtt : r->rtt_min;
		r->rtt_max = s->rtt > r->rtt_max ? s->rtt : r->rtt_max;
		r->rtt_sum += s->rtt;
		r->received++;
	}
	s->res.sent = s->sent;
	s->ops->probe(s->arg, mark, s->rtt);
	if (s->id != id)
		return;
	if (s->sent < s->req.count)
		ping_send(gw, s);
	else
		ping_finish(s);
}

int gw_ping_start(struct gw *gw, const struct gw_ping_req *req, const struct gw_ping_ops *ops,
                  void *arg, uint32_t *id)
{
	if (req->count < 1 || req->count > GW_PING_COUNT_MAX || req->size < GW_PING_SIZE_MIN ||
	    req->size > GW_PING_SIZE_MAX || req->timeout_ms > GW_PING_TIMEOUT_MAX * 1000u ||
	    !ping_fib(gw, req->vrf) || !ops || !ops->probe || !ops->done)
		return GW_E_INVAL;
	if ((req->src || req->src_ifx) && !gw_ping_source(gw, req))
		return GW_E_INVAL;
	if (fib_lookup(ping_fib(gw, req->vrf), req->dst) == FIB_LOOKUP_MISS)
		return GW_E_NOENT;
	uint32_t src = gw_ping_source(gw, req);
	if (!src)
		return GW_E_INVAL;
	struct gw_pinger *pg = pinger(gw);
	if (!pg)
		return GW_E_NOMEM;
	struct ping_sess *s = NULL;
	for (unsigned i = 0; i < GW_PING_SESSIONS_MAX && !s; i++)
		if (!pg->s[i].id)
			s = &pg->s[i];
	if (!s)
		return GW_E_FULL;
	memset(s, 0, sizeof(*s));
	do /* ids and identifiers: never 0, unique among the running sessions */
		s->id = ++pg->next_id ? pg->next_id : ++pg->next_id;
	while (id_taken(pg, s, s->id, 0));
	do
		s->ident = ++pg->next_ident ? pg->next_ident : ++pg->next_ident;
	while (id_taken(pg, s, 0, s->ident));
	s->req = *req;
	s->src = src;
	s->ops = ops;
	s->arg = arg;
	*id = s->id;
	ping_send(gw, s);
	gw_flush(gw);
	return GW_OK;
}

void gw_ping_stop(struct gw *gw, uint32_t id)
{
	struct ping_sess *s = sess_by_id(gw, id);
	if (!s)
		return;
	s->req.count = s->sent; /* no more probes */
	if (s->waiting && s->mark) {
		ping_advance(gw, s);
		return;
	}
	s->res.sent = s->sent - (s->waiting ? 1 : 0);
	ping_finish(s);
}

void gw_ping_cancel(struct gw *gw, uint32_t id)
{
	struct ping_sess *s = sess_by_id(gw, id);
	if (s)
		memset(s, 0, sizeof(*s));
}

void gw_ping_vrf_deleted(struct gw *gw, uint16_t vrfx)
{
	for (unsigned i = 0; gw->ping && i < GW_PING_SESSIONS_MAX; i++) {
		struct ping_sess *s = &gw->ping->s[i];
		if (!s->id || s->req.vrf != vrfx)
			continue;
		s->req.count = s->sent; /* no more probes: the slot may soon be another VRF's */
		ping_settle(s, 'U', 0);
	}
}

void gw_ping_tick(struct gw *gw)
{
	for (unsigned i = 0; gw->ping && i < GW_PING_SESSIONS_MAX; i++) {
		struct ping_sess *s = &gw->ping->s[i];
		if (!s->id || !s->waiting)
			continue;
		if (!s->mark && gw->now_ms - s->sent_ms >= s->req.timeout_ms)
			ping_settle(s, '.', 0);
		if (s->mark)
			ping_advance(gw, s);
	}
}

/* ---------------------------------------------------------------- what comes back */

/*
 * The session and probe an echo request of ours (data at its IPv4 header) belongs to,
 * when it was seen in VRF vrfx: another tenant may use the same addresses.
 */
static struct ping_sess *probe_of(struct gw *gw, uint16_t vrfx, const uint8_t *d, uint32_t len)
{
	const struct net_ip *ip = (const struct net_ip *)d;
	if (len < NET_IP_HLEN || (ip->vhl >> 4) != 4 || ip->proto != NET_IPPROTO_ICMP)
		return NULL;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (hl < NET_IP_HLEN || len < hl + NET_ICMP_HLEN || d[hl] != ICMP_ECHO)
		return NULL;
	const struct net_icmp *icmp = (const struct net_icmp *)(d + hl);
	struct ping_sess *s = sess_by_ident(gw, ntohs(icmp->id));
	if (!s || !s->waiting || vrfx != s->req.vrf || ntohl(ip->dst) != s->req.dst ||
	    ntohs(icmp->seq) != (uint16_t)(s->sent - 1))
		return NULL;
	return s;
}

static char error_mark(uint8_t type, uint8_t code)
{
	switch (type) {
	case ICMP_UNREACH:
		return code == 4 ? 'M' : 'U';
	case ICMP_TIME_EXCEEDED:
		return '&';
	case ICMP_SOURCEQUENCH:
		return 'Q';
	default:
		return '?';
	}
}

bool gw_ping_input(struct gw *gw, const struct gw_pkt *p)
{
	if (!gw->ping)
		return false;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	const uint8_t *d = p->data + hl;
	uint32_t len = p->len - hl; /* the caller checked the ICMP header and checksum */
	const struct net_icmp *icmp = (const struct net_icmp *)d;
	struct ping_sess *s = NULL;
	char mark;
	if (icmp->type == ICMP_ECHO_REPLY) {
		s = sess_by_ident(gw, ntohs(icmp->id));
		if (!s || !s->waiting || p->vrfx != s->req.vrf || ntohl(ip->src) != s->req.dst ||
		    ntohs(icmp->seq) != (uint16_t)(s->sent - 1) || p->len != s->req.size)
			return false;
		mark = '!';
	} else if (icmp->type == ICMP_UNREACH || icmp->type == ICMP_TIME_EXCEEDED ||
	           icmp->type == ICMP_SOURCEQUENCH || icmp->type == ICMP_PARAMPROB) {
		/* the error quotes our request's IPv4 header and its first 8 bytes */
		s = probe_of(gw, p->vrfx, d + NET_ICMP_HLEN, len - NET_ICMP_HLEN);
		if (!s)
			return false;
		mark = error_mark(icmp->type, icmp->code);
	} else {
		return false;
	}
	if (s->mark) /* already settled by a local error: a late duplicate */
		return true;
	ping_settle(s, mark, (uint32_t)(gw->now_ms - s->sent_ms));
	ping_advance(gw, s);
	return true;
}

bool gw_ping_local_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp_kind kind)
{
	struct ping_sess *s = gw->ping ? probe_of(gw, p->vrfx, p->data, p->len) : NULL;
	if (!s)
		return false;
	ping_settle(s,
	            kind == GW_ICMP_FRAG_NEEDED    ? 'M'
	            : kind == GW_ICMP_TTL_EXCEEDED ? '&'
	                                           : 'U',
	            0);
	return true;
}
