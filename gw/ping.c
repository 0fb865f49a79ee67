/*
 * gw/ping.c - the gateway's own echo requests, IPv4 and IPv6 (see ping.h).
 *
 * Each session has at most one probe outstanding. A probe's fate is settled by a reply
 * or an ICMP error from the network (then the session advances at once: the next probe
 * leaves from the receive path, as an echo reply would), by an error the gateway hits
 * sending it (no route, ARP or ND failed, too big: recorded, and the session advances on
 * the next tick, so that a failing send never recurses into itself), or by the timeout
 * checked on each tick.
 *
 * The sessions, their state machine, timeouts and results know no family: what differs
 * (choosing the source, building the probe, reading what comes back) is in a struct
 * ping_af per family, the IPv4 and IPv6 sections side by side below.
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
#define PING_TTL           64 /* and IPv6 hop limit */
#define PING_ECHO_HLEN     8  /* type, code, checksum, identifier, sequence: both families */

/* A source address of either family (the request's family says which). */
struct ping_addr {
	uint32_t v4;
	struct in6_addr v6;
};

struct ping_sess {
	uint32_t id; /* 0: slot free */
	uint16_t ident;
	struct gw_ping_req req;
	struct ping_addr src;
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

/* ---------------------------------------------------------------- shared by the families */

/* An interface of the ping's VRF: a probe never borrows another tenant's address. */
static struct gw_if *vrf_if(struct gw *gw, uint32_t vrf, uint16_t ifx)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	return gif && gif->vrfx == vrf ? gif : NULL;
}

/* Does gif carry addresses of the family? */
static bool if_has_family(const struct gw_if *gif, uint8_t family)
{
	return family == GW_PING_IPV6 ? gw_if6_enabled(gif) : gif->n_addrs != 0;
}

/* The first interface of VRF vrf with addresses of the family (NULL: none). */
static struct gw_if *vrf_first_if(struct gw *gw, uint32_t vrf, uint8_t family)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		struct gw_if *gif = vrf_if(gw, vrf, i);
		if (gif && if_has_family(gif, family))
			return gif;
	}
	return NULL;
}

/* Cisco's data pattern. */
static void ping_payload(uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		d[i] = i & 1 ? 0xcd : 0xab;
}

/* The echo request message at d, len bytes, its checksum left 0 for the family to set. */
static void echo_fill(uint8_t *d, uint32_t len, uint8_t type, uint16_t ident, uint16_t seq)
{
	memset(d, 0, PING_ECHO_HLEN);
	d[0] = type;
	d[4] = (uint8_t)(ident >> 8);
	d[5] = (uint8_t)ident;
	d[6] = (uint8_t)(seq >> 8);
	d[7] = (uint8_t)seq;
	ping_payload(d + PING_ECHO_HLEN, len - PING_ECHO_HLEN);
}

static uint16_t rd16(const uint8_t *d)
{
	return (uint16_t)(d[0] << 8 | d[1]);
}

/* ---------------------------------------------------------------- IPv4 */

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
	if (req->family != GW_PING_IPV4)
		return 0;
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
	gif = vrf_first_if(gw, req->vrf, GW_PING_IPV4);
	return gif ? gif->addr[0] : 0;
}

static bool source4(struct gw *gw, const struct gw_ping_req *req, struct ping_addr *src)
{
	src->v4 = gw_ping_source(gw, req);
	return src->v4 != 0;
}

static bool routed4(struct gw *gw, const struct gw_ping_req *req)
{
	return fib_lookup(ping_fib(gw, req->vrf), req->dst) != FIB_LOOKUP_MISS;
}

static bool self4(struct gw *gw, const struct ping_sess *s)
{
	return vrf_local(gw, s->req.vrf, s->req.dst);
}

static void send4(struct gw *gw, const struct ping_sess *s, struct gw_pkt *p, uint16_t seq)
{
	struct net_ip *ip = (struct net_ip *)p->data;
	memset(ip, 0, sizeof(*ip));
	ip->vhl = 0x45;
	ip->len = htons((uint16_t)s->req.size);
	ip->id = htons(gw->ping->ip_id++);
	ip->ttl = PING_TTL;
	ip->proto = NET_IPPROTO_ICMP;
	ip->src = htonl(s->src.v4);
	ip->dst = htonl(s->req.dst);
	ip->sum = net_csum(ip, NET_IP_HLEN);
	struct net_icmp *icmp = (struct net_icmp *)(p->data + NET_IP_HLEN);
	echo_fill((uint8_t *)icmp, s->req.size - NET_IP_HLEN, ICMP_ECHO, s->ident, seq);
	icmp->sum = net_csum(icmp, s->req.size - NET_IP_HLEN);
	p->flow_hash = ping_flow_hash(s->req.dst);
	gw_ip4_local_output(gw, p);
}

/* ---------------------------------------------------------------- IPv6 */

static const struct fib6 *ping_fib6(const struct gw *gw, uint32_t vrf)
{
	return vrf < GW_VRF_MAX ? gw_vrf_fib6_of(gw, (uint16_t)vrf) : NULL;
}

static uint32_t ping_flow_hash6(const struct in6_addr *dst)
{
	return net_hash32((uint32_t)net_hash_ip6(dst) ^ NET_IPPROTO_ICMP6);
}

/* An interface of the ping's VRF that speaks IPv6 (its link-local alone does not count:
 * such an interface sends no IPv6). */
static struct gw_if *vrf_if6(struct gw *gw, uint32_t vrf, uint16_t ifx)
{
	struct gw_if *gif = vrf_if(gw, vrf, ifx);
	return gif && gw_if6_enabled(gif) ? gif : NULL;
}

/*
 * Is a one of the gateway's IPv6 addresses in VRF vrf, global or link-local? Asked of the
 * interfaces rather than the FIB, which holds no link-local addresses.
 */
static bool vrf_has_addr6(struct gw *gw, uint32_t vrf, const struct in6_addr *a)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		struct gw_if *gif = vrf_if6(gw, vrf, i);
		if (gif && gw_if6_has_addr(gif, a))
			return true;
	}
	return false;
}

/* The source toward a global destination, from the route the probes will take. */
static bool routed_source6(struct gw *gw, const struct gw_ping_req *req, struct in6_addr *src)
{
	const struct fib6 *fib = ping_fib6(gw, req->vrf);
	uint32_t res = fib ? fib6_lookup(fib, &req->dst6) : FIB_LOOKUP_MISS;
	if (res == FIB_LOOKUP_MISS)
		return false;
	const struct fib6_path *path = fib6_path_select(fib, res, ping_flow_hash6(&req->dst6));
	struct gw_if *gif = gw_if_ptr(gw, path->ifx);
	if (path->type == FIB_PATH_LOCAL)
		*src = req->dst6;
	else if (gif)
		*src = *gw_if6_src_for(gif, &req->dst6);
	else if ((gif = vrf_first_if(gw, req->vrf, GW_PING_IPV6))) /* null0: any will do */
		*src = gif->v6.addr[0];
	else
		return false;
	return true;
}

bool gw_ping_source6(struct gw *gw, const struct gw_ping_req *req, struct in6_addr *src)
{
	if (req->family != GW_PING_IPV6)
		return false;
	struct gw_if *gif = req->src_ifx ? vrf_if6(gw, req->vrf, req->src_ifx) : NULL;
	if (req->src_ifx && !gif)
		return false;
	if (net_ip6_is_linklocal(&req->dst6) && !gif)
		return false; /* which link? the interface must say */
	if (!net_ip6_is_zero(&req->src6)) {
		*src = req->src6;
		return vrf_has_addr6(gw, req->vrf, &req->src6);
	}
	if (gif) {
		*src = *gw_if6_src_for(gif, &req->dst6);
		return true;
	}
	return routed_source6(gw, req, src);
}

static bool source6(struct gw *gw, const struct gw_ping_req *req, struct ping_addr *src)
{
	return gw_ping_source6(gw, req, &src->v6);
}

/* A link-local destination is on the source interface's link, no route needed. */
static bool routed6(struct gw *gw, const struct gw_ping_req *req)
{
	const struct fib6 *fib = ping_fib6(gw, req->vrf);
	return net_ip6_is_linklocal(&req->dst6) ||
	       (fib && fib6_lookup(fib, &req->dst6) != FIB_LOOKUP_MISS);
}

static bool self6(struct gw *gw, const struct ping_sess *s)
{
	return vrf_has_addr6(gw, s->req.vrf, &s->req.dst6);
}

static void send6(struct gw *gw, const struct ping_sess *s, struct gw_pkt *p, uint16_t seq)
{
	uint32_t plen = s->req.size - NET_IP6_HLEN;
	struct net_ip6 *ip = (struct net_ip6 *)p->data;
	ip->vtcfl = htonl(6u << 28);
	ip->plen = htons((uint16_t)plen);
	ip->nxt = NET_IPPROTO_ICMP6;
	ip->hlim = PING_TTL;
	ip->src = s->src.v6;
	ip->dst = s->req.dst6;
	struct net_icmp6 *icmp = (struct net_icmp6 *)(ip + 1);
	echo_fill((uint8_t *)icmp, plen, NET_ICMP6_ECHO_REQUEST, s->ident, seq);
	uint32_t sum = net_ip6_pseudo_sum(&s->src.v6, &s->req.dst6, plen, NET_IPPROTO_ICMP6);
	icmp->sum = net_csum_fold(net_csum_partial(icmp, plen, sum));
	p->flow_hash = ping_flow_hash6(&s->req.dst6);
	p->tx_ifx = s->req.src_ifx; /* the link of a link-local destination */
	gw_ip6_local_output(gw, p);
}

/* ---------------------------------------------------------------- the families */

/* What differs between IPv4 and IPv6 pings. */
struct ping_af {
	uint32_t size_min;
	/* The source a request would use (false: none). */
	bool (*source)(struct gw *gw, const struct gw_ping_req *req, struct ping_addr *src);
	/* Can the destination be reached at all (a route)? */
	bool (*routed)(struct gw *gw, const struct gw_ping_req *req);
	/* Is the destination the gateway itself (answered at once, nothing on the wire)? */
	bool (*self)(struct gw *gw, const struct ping_sess *s);
	/* Writes probe seq into p (len and vrfx set) and sends it; p is consumed. */
	void (*send)(struct gw *gw, const struct ping_sess *s, struct gw_pkt *p, uint16_t seq);
};

static const struct ping_af ping_afs[] = {
    [GW_PING_IPV4] = {GW_PING_SIZE_MIN, source4, routed4, self4, send4},
    [GW_PING_IPV6] = {GW_PING6_SIZE_MIN, source6, routed6, self6, send6},
};

static const struct ping_af *ping_af_of(const struct gw_ping_req *req)
{
	return req->family <= GW_PING_IPV6 ? &ping_afs[req->family] : NULL;
}

/* Did the request name its source (then a bad one is an error, not a fallback)? */
static bool source_asked(const struct gw_ping_req *req)
{
	return req->src_ifx ||
	       (req->family == GW_PING_IPV6 ? !net_ip6_is_zero(&req->src6) : req->src != 0);
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
	const struct ping_af *af = ping_af_of(&s->req);
	uint16_t seq = (uint16_t)s->sent;
	s->sent++;
	s->waiting = true;
	s->mark = 0;
	s->sent_ms = gw->now_ms;
	if (af->self(gw, s)) {
		ping_settle(s, '!', 0);
		return;
	}
	struct gw_pkt *p = gw_pkt_alloc(gw->pool);
	if (!p) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return; /* times out */
	}
	p->len = s->req.size;
	p->vrfx = (uint16_t)s->req.vrf;
	af->send(gw, s, p, seq);
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
	const struct ping_af *af = ping_af_of(req);
	if (!af || req->count < 1 || req->count > GW_PING_COUNT_MAX || req->size < af->size_min ||
	    req->size > GW_PING_SIZE_MAX || req->timeout_ms > GW_PING_TIMEOUT_MAX * 1000u ||
	    !ping_fib(gw, req->vrf) || !ops || !ops->probe || !ops->done)
		return GW_E_INVAL;
	struct ping_addr src;
	if (source_asked(req) && !af->source(gw, req, &src))
		return GW_E_INVAL;
	if (!af->routed(gw, req))
		return GW_E_NOENT;
	if (!af->source(gw, req, &src))
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
 * The session of the family whose probe the echo message at echo (its identifier and
 * sequence) is, still outstanding, when seen in VRF vrfx: another tenant may use the same
 * addresses.
 */
static struct ping_sess *probe_waiting(struct gw *gw, uint8_t family, uint16_t vrfx,
                                       const uint8_t *echo)
{
	struct ping_sess *s = sess_by_ident(gw, rd16(echo + 4));
	if (!s || !s->waiting || s->req.family != family || vrfx != s->req.vrf ||
	    rd16(echo + 6) != (uint16_t)(s->sent - 1))
		return NULL;
	return s;
}

/* A reply or an error from the network settled s's probe: the session moves on at once. */
static bool probe_answered(struct gw *gw, struct ping_sess *s, char mark)
{
	if (s->mark) /* already settled by a local error: a late duplicate */
		return true;
	ping_settle(s, mark, (uint32_t)(gw->now_ms - s->sent_ms));
	ping_advance(gw, s);
	return true;
}

/* The session an IPv4 echo request of ours (data at its IPv4 header) belongs to. */
static struct ping_sess *probe_of(struct gw *gw, uint16_t vrfx, const uint8_t *d, uint32_t len)
{
	const struct net_ip *ip = (const struct net_ip *)d;
	if (len < NET_IP_HLEN || (ip->vhl >> 4) != 4 || ip->proto != NET_IPPROTO_ICMP)
		return NULL;
	unsigned hl = (ip->vhl & 0xf) * 4u;
	if (hl < NET_IP_HLEN || len < hl + NET_ICMP_HLEN || d[hl] != ICMP_ECHO)
		return NULL;
	struct ping_sess *s = probe_waiting(gw, GW_PING_IPV4, vrfx, d + hl);
	return s && ntohl(ip->dst) == s->req.dst ? s : NULL;
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
	struct ping_sess *s;
	if (d[0] == ICMP_ECHO_REPLY) {
		s = probe_waiting(gw, GW_PING_IPV4, p->vrfx, d);
		if (!s || ntohl(ip->src) != s->req.dst || p->len != s->req.size)
			return false;
		return probe_answered(gw, s, '!');
	}
	if (d[0] != ICMP_UNREACH && d[0] != ICMP_TIME_EXCEEDED && d[0] != ICMP_SOURCEQUENCH &&
	    d[0] != ICMP_PARAMPROB)
		return false;
	/* the error quotes our request's IPv4 header and its first 8 bytes */
	s = probe_of(gw, p->vrfx, d + NET_ICMP_HLEN, len - NET_ICMP_HLEN);
	return s && probe_answered(gw, s, error_mark(d[0], d[1]));
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

/* The session an IPv6 echo request of ours (data at its IPv6 header: we send no extension
 * headers) belongs to. */
static struct ping_sess *probe6_of(struct gw *gw, uint16_t vrfx, const uint8_t *d, uint32_t len)
{
	const struct net_ip6 *ip = (const struct net_ip6 *)d;
	if (len < NET_IP6_HLEN + PING_ECHO_HLEN || (ntohl(ip->vtcfl) >> 28) != 6 ||
	    ip->nxt != NET_IPPROTO_ICMP6 || d[NET_IP6_HLEN] != NET_ICMP6_ECHO_REQUEST)
		return NULL;
	struct ping_sess *s = probe_waiting(gw, GW_PING_IPV6, vrfx, d + NET_IP6_HLEN);
	struct in6_addr dst = ip->dst;
	return s && net_ip6_eq(&dst, &s->req.dst6) ? s : NULL;
}

/* IPv6 keeps IPv4's marks (ping.h): too big is could-not-fragment's 'M'. */
static char error6_mark(uint8_t type)
{
	switch (type) {
	case NET_ICMP6_DST_UNREACH:
		return 'U';
	case NET_ICMP6_PKT_TOO_BIG:
		return 'M';
	case NET_ICMP6_TIME_EXCEEDED:
		return '&';
	default:
		return '?';
	}
}

bool gw_ping6_input(struct gw *gw, const struct gw_pkt *p, uint32_t off)
{
	if (!gw->ping)
		return false;
	const struct net_ip6 *ip = (const struct net_ip6 *)p->data;
	const uint8_t *d = p->data + off;
	uint32_t len = p->len - off; /* the caller checked the ICMPv6 header and checksum */
	struct ping_sess *s;
	if (d[0] == NET_ICMP6_ECHO_REPLY) {
		struct in6_addr from = ip->src;
		s = probe_waiting(gw, GW_PING_IPV6, p->vrfx, d);
		if (!s || !net_ip6_eq(&from, &s->req.dst6) || NET_IP6_HLEN + len != s->req.size)
			return false;
		return probe_answered(gw, s, '!');
	}
	if (d[0] < NET_ICMP6_DST_UNREACH || d[0] > NET_ICMP6_PARAM_PROB)
		return false;
	/* the error quotes as much of our request as fits */
	s = probe6_of(gw, p->vrfx, d + sizeof(struct net_icmp6), len - sizeof(struct net_icmp6));
	return s && probe_answered(gw, s, error6_mark(d[0]));
}

bool gw_ping6_local_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp6_kind kind)
{
	struct ping_sess *s = gw->ping ? probe6_of(gw, p->vrfx, p->data, p->len) : NULL;
	if (!s)
		return false;
	ping_settle(s,
	            kind == GW_ICMP6_PKT_TOO_BIG     ? 'M'
	            : kind == GW_ICMP6_HLIM_EXCEEDED ? '&'
	            : kind == GW_ICMP6_PARAM_PROBLEM ? '?'
	                                             : 'U',
	            0);
	return true;
}
