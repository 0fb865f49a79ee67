/*
 * gw/neigh.c - ARP on the gateway's interfaces: answering, learning, soliciting, and
 * the callbacks through which the neighbour table hands back packets it held.
 */
#include "gw/gw_int.h"

#include <string.h>

#include "common/net.h"
#include "gw/ip4_inl.h"
#include "gw/pipeline_trace.h"

#define ARP_FRAME_MIN 60 /* minimum Ethernet frame (without FCS): ARP is padded to it */

/* ---------------------------------------------------------------- arp-input trace */

struct gw_tr_arp_input { /* code: the ARP operation */
	uint32_t spa;
	uint8_t sha[6];
};
GW_TRACE_PAYLOAD_FITS(struct gw_tr_arp_input);

GW_TRACE_HOOK static void trace_arp_input(struct gw *gw, const struct gw_pkt *p,
                                          const struct arp_msg *m)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_ARP_INPUT, p->rx_ifx);
	if (!r)
		return;
	struct gw_tr_arp_input *d = gw_trace_data(r);
	r->code = (uint8_t)m->op;
	d->spa = m->spa;
	memcpy(d->sha, m->sha, 6);
}

void gw_tr_fmt_arp_input(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_arp_input *d = gw_trace_cdata(r);
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_str(f, "op", r->code == ARP_OP_REQUEST ? "request" : "reply");
	gw_trace_put_ip(f, "sender", d->spa);
	gw_trace_put_mac(f, "sender-mac", d->sha);
}

/* ---------------------------------------------------------------- ARP glue */

static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Writes an ARP message as a padded Ethernet frame payload at p->data (after headroom). */
static void arp_frame_payload(struct gw_pkt *p, const struct arp_msg *m)
{
	p->data = p->buf + GW_PKT_HEADROOM + NET_ETH_HLEN;
	p->len = ARP_FRAME_MIN - NET_ETH_HLEN;
	memset(p->data, 0, p->len);
	arp_build(p->data, m);
}

/* ops->solicit: a request for ip out of ifx, broadcast or a unicast probe to dst_mac. */
static void neigh_solicit(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *dst_mac)
{
	struct gw *gw = ctx;
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif || !gif->up || !gif->n_addrs)
		return;
	/* a flood of packets to unresolvable addresses must not become a flood of requests,
	 * each of them head-end replicated */
	if (!gw_bucket_take(&gw->arp_bucket, gw->now_ms)) {
		gw->cnt.drops[GW_DROP_ARP_RATE]++;
		return;
	}
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return;
	}
	struct arp_msg m = {.op = ARP_OP_REQUEST, .spa = gw_if_src_for(gif, ip), .tpa = ip};
	memcpy(m.sha, gif->mac, 6);
	if (dst_mac)
		memcpy(m.tha, dst_mac, 6);
	arp_frame_payload(q, &m);
	q->flow_hash = net_hash32(ip);
	gw->cnt.arp_requests++;
	if (GW_DEBUG_ON(gw, GW_DEBUG_ARP)) {
		char a[NET_IP_STRLEN];
		gw_debug_log(gw, "arp: %s: request for %s sent (%s)", gif->name, net_ip_fmt(ip, a),
		             dst_mac ? "unicast probe" : "broadcast");
	}
	gw_eth_output(gw, q, ifx, dst_mac ? dst_mac : mac_bcast, NET_ETHERTYPE_ARP);
}

/* ops->resolved: a held packet (data at IPv4) now has its neighbour's MAC. */
static void neigh_resolved(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *mac, void *pkt)
{
	struct gw *gw = ctx;
	if (!gw_if_ptr(gw, ifx)) {
		gw_drop(gw, pkt, GW_DROP_ARP_FLUSHED);
		return;
	}
	if (gw_traced(pkt))
		gw_trace_arp(gw, pkt, ifx, ip, mac, GW_TR_ARP_RESOLVED);
	gw_eth_output(gw, pkt, ifx, mac, NET_ETHERTYPE_IP);
}

/* ---------------------------------------------------------------- both families */

static void ip4_unreachable(struct gw *gw, const struct gw_pkt *p)
{
	gw_icmp_error(gw, p, GW_ICMP_HOST_UNREACH, 0);
}

static void ip6_unreachable(struct gw *gw, const struct gw_pkt *p)
{
	gw_icmp6_error(gw, p, GW_ICMP6_ADDR_UNREACH, 0);
}

const struct gw_neigh_fam gw_neigh_ip4 = {
    .unresolved = GW_DROP_ARP_UNRESOLVED,
    .queue_full = GW_DROP_ARP_QUEUE_FULL,
    .table_full = GW_DROP_ARP_TABLE_FULL,
    .flushed = GW_DROP_ARP_FLUSHED,
    .unreachable = ip4_unreachable,
};

const struct gw_neigh_fam gw_neigh_ip6 = {
    .unresolved = GW_DROP_ND_UNRESOLVED,
    .queue_full = GW_DROP_ND_QUEUE_FULL,
    .table_full = GW_DROP_ND_TABLE_FULL,
    .flushed = GW_DROP_ND_FLUSHED,
    .unreachable = ip6_unreachable,
};

bool gw_neigh_may_hold(const struct gw *gw)
{
	return gw_pool_avail(gw->pool) >= gw_pool_size(gw->pool) / 4;
}

void gw_neigh_resolve_result(struct gw *gw, struct gw_pkt *p, int res, const struct gw_neigh_fam *f)
{
	switch (res) {
	case ARP_RES_QUEUED:
		return;
	case ARP_RES_FAILED:
		f->unreachable(gw, p);
		gw_drop(gw, p, f->unresolved);
		return;
	default:
		gw_drop(gw, p, f->table_full);
		return;
	}
}

void gw_neigh_give_up(struct gw *gw, struct gw_pkt *p, enum arp_drop_reason why,
                      const struct gw_neigh_fam *f)
{
	switch (why) {
	case ARP_DROP_UNRESOLVED:
		f->unreachable(gw, p);
		gw_drop(gw, p, f->unresolved);
		break;
	case ARP_DROP_QUEUE_FULL:
		gw_drop(gw, p, f->queue_full);
		break;
	default:
		gw_drop(gw, p, f->flushed);
		break;
	}
}

/* ops->drop: the table gives up on a held packet. */
static void neigh_drop(void *ctx, uint16_t ifx, uint32_t ip, void *pkt, enum arp_drop_reason why)
{
	(void)ifx;
	(void)ip;
	gw_neigh_give_up(ctx, pkt, why, &gw_neigh_ip4);
}

const struct arp_ops gw_arp_ops = {
    .solicit = neigh_solicit,
    .resolved = neigh_resolved,
    .drop = neigh_drop,
};

static bool on_link(const struct gw_if *gif, uint32_t ip)
{
	for (unsigned k = 0; k < gif->n_addrs; k++)
		if (((gif->addr[k] ^ ip) & net_mask(gif->plen[k])) == 0)
			return true;
	return false;
}

static void debug_arp_input(struct gw *gw, const struct gw_if *gif, const struct arp_msg *m)
{
	char spa[NET_IP_STRLEN], tpa[NET_IP_STRLEN], sha[NET_MAC_STRLEN];
	gw_debug_log(gw, "arp: %s: %s from %s (%s) for %s", gif->name,
	             m->op == ARP_OP_REQUEST ? "request" : "reply", net_ip_fmt(m->spa, spa),
	             net_mac_fmt(m->sha, sha), net_ip_fmt(m->tpa, tpa));
}

/* Turns the request in p into our reply, in place, and sends it back to the asker. */
static void arp_reply(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct arp_msg *req)
{
	struct gw_if *gif = &gw->ifs[ifx];
	struct arp_msg rep = {.op = ARP_OP_REPLY, .spa = req->tpa, .tpa = req->spa};
	memcpy(rep.sha, gif->mac, 6);
	memcpy(rep.tha, req->sha, 6);
	uint8_t dst[6];
	memcpy(dst, ((const struct net_eth *)p->data)->src, 6);
	arp_frame_payload(p, &rep);
	p->flow_hash = net_hash32(req->spa);
	gw->cnt.arp_replies++;
	if (gw_traced(p))
		gw_trace_local(gw, p, GW_TR_LOCAL_ARP_REPLY, 0, 0);
	gw_eth_output(gw, p, ifx, dst, NET_ETHERTYPE_ARP);
}

/*
 * Distributed anycast gateway. Every gateway serving a tenant has the same BDIF addresses
 * and the same MAC, and the VTEPs (plain flood-and-learn VXLAN, no EVPN) know that MAC at
 * whichever gateway they last received a frame from. Two consequences:
 *
 * 1. Our ARP requests carry the shared MAC as sender (it is the gateway identity the hosts
 *    must cache, so it cannot be a per-gateway MAC), and the host answers to the shared
 *    MAC: its VTEP delivers the answer where it last saw the MAC. Our request itself has
 *    just taught the VTEP that place, so the answer comes back to the asker unless the
 *    other gateway sent into that VTEP in the few microseconds between the request and the
 *    reply. For that race, the gateway that gets a reply addressed to the shared MAC for
 *    its own address learns it even unasked (anycast_reply_mode below): the answer is true,
 *    and this gateway needs that neighbour as soon as traffic moves to it. The asker's
 *    next retransmission (retrans_ms) teaches the VTEP again. This opens no new
 *    way to fill the table: a request for our address, from the same on-link senders,
 *    already creates an entry. (A request with a per-gateway sender and 0.0.0.0 as sender
 *    address, an RFC 5227 probe, would bring the answer to the asker deterministically
 *    and leave the hosts' caches alone, but a host probing for its own address at that
 *    moment would take it for an address conflict.)
 *
 * 2. When a gateway dies, the VTEPs keep sending the shared MAC to it until their entry
 *    ages out (kernel vxlan: `ageing`, 300 s by default) unless another gateway sends
 *    from that MAC first. Traffic to the hosts may not pass through the survivor at all,
 *    so the gateways announce the shared MAC: a gratuitous ARP (request, sender = target =
 *    the BDIF's primary address, sender MAC the shared one) and an unsolicited NA every
 *    anycast_garp_ms to every flood peer or the flood group (gw_anycast_tick below). The
 *    hosts keep their ARP entry: the MAC does not change.
 *
 * 3. But every announcement moves the VTEPs' entry to its sender: with every gateway
 *    announcing, the entry flips between them every period, and a flip in the middle of a
 *    flow reorders it (the old path still holds packets when the new one delivers). So
 *    only one gateway per bridge domain, the announcer, announces (a VRRP-like election
 *    without a protocol of its own): the others hear its announcements (gw_anycast_heard,
 *    from the pipeline's anycast-peer drop: gratuitous ARPs and NAs for the link-local
 *    from the shared MAC) and stay quiet. A quiet gateway that has heard none for the
 *    hold time, two periods and a half (one lost announcement is no takeover), becomes
 *    the announcer at its next tick: a failover takes at most the hold time plus one tick
 *    (gw_tick, 100 ms in vxgwd) after the dead one's last announcement. The role is not
 *    preemptive: a gateway that can start announcing listens for the hold time first, so
 *    a restarted one, its neighbours not resolved yet, does not pull the traffic from a
 *    live announcer. Two announcers (two quiet ones taking over at once, a healed
 *    partition) hear each other: the higher VTEP address falls quiet. A quiet gateway
 *    sends no periodic RA either (nd.c), and leaves the answers to the hosts' ARP
 *    requests, NS and RS to the announcer (as a VRRP backup router): any frame from the
 *    shared MAC moves the entry, here to a gateway whose neighbours are not resolved.
 *    Gateways that do not hear each other on a BD (not in each other's flood list, no
 *    common flood group) all announce there: safe, but the entry flips again. Routed data
 *    teaches the VTEPs its gateway too; in a steady fabric that is the announcer, to
 *    which the VTEPs send. A BDIF that cannot announce (nowhere to flood) takes no part:
 *    it answers as any BDIF.
 */
static enum arp_learn_mode anycast_reply_mode(const struct gw_if *gif, const struct gw_pkt *p,
                                              const struct arp_msg *m)
{
	const struct net_eth *eth = (const struct net_eth *)p->data;
	if (gif->anycast && net_mac_eq(eth->dst, gif->mac) && net_mac_eq(m->tha, gif->mac))
		return ARP_LEARN_CREATE;
	return ARP_LEARN_UPDATE;
}

/*
 * A request for one of our addresses from a sender outside the interface's subnets. RFC
 * 826 answers whoever asks on the link: a router pinging from a loopback address (Linux
 * with arp_announce 0 asks with the packet's source as sender) or an RFC 5227 probe
 * (sender 0.0.0.0) gets its answer, as from the Linux kernel, but such a sender is never
 * learned (we would never send to it directly, and nobody fills the table that way). The
 * answer goes back to the asker's MAC, one for one, no larger than the request: nothing
 * to amplify. Senders no host can have (loopback, multicast, 0/8 other than the probe's
 * 0.0.0.0) or that are the gateway's own addresses (of another interface of the VRF) are
 * not answered, as the kernel's route check of the sender refuses them.
 */
static bool offlink_answered(struct gw *gw, const struct gw_if *gif, const struct arp_msg *m,
                             bool for_us)
{
	if (m->op != ARP_OP_REQUEST || !for_us)
		return false;
	if (m->spa == 0)
		return true;
	if (gw_ip4_src_is_martian(m->spa))
		return false;
	const struct fib *fib = gw_vrf_fib_of(gw, gif->vrfx);
	uint32_t res = fib ? fib_lookup(fib, m->spa) : FIB_LOOKUP_MISS;
	return res == FIB_LOOKUP_MISS || fib_path_select(fib, res, 0)->type != FIB_PATH_LOCAL;
}

/*
 * An ARP frame on ifx (data at the Ethernet header). We answer requests for our own
 * addresses from any sender on the link, and learn only from messages addressed to us
 * (plus gratuitous ARP refreshing an entry we already have), only for senders on the
 * interface's subnets, and never for senders claiming one of our addresses.
 */
void gw_arp_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx)
{
	struct gw_if *gif = &gw->ifs[ifx];
	struct arp_msg m;
	if (arp_parse(p->data + NET_ETH_HLEN, p->len - NET_ETH_HLEN, &m) != ARP_PARSE_OK) {
		gw_drop(gw, p, GW_DROP_ARP_MALFORMED);
		return;
	}
	if (gw_traced(p))
		trace_arp_input(gw, p, &m);
	if (GW_DEBUG_ON(gw, GW_DEBUG_ARP))
		debug_arp_input(gw, gif, &m);
	if (gw_if_has_addr(gif, m.spa)) {
		gw_drop(gw, p, GW_DROP_ARP_SPOOF);
		return;
	}
	bool for_us = gw_if_has_addr(gif, m.tpa);
	if (!on_link(gif, m.spa)) {
		if (!offlink_answered(gw, gif, &m, for_us)) {
			gw_drop(gw, p, GW_DROP_ARP_OFFLINK);
			return;
		}
		if (gw_anycast_leaves_answer(gw, gif, p))
			return;
		gw->cnt.arp_offlink_replies++; /* answered, not learned */
		arp_reply(gw, p, ifx, &m);
		return;
	}
	if (!for_us) {
		if (m.spa == m.tpa) /* gratuitous: refresh, never create */
			arp_learn(gw->arp, ifx, m.spa, m.sha, ARP_LEARN_UPDATE, gw->now_ms);
		gw_drop(gw, p, GW_DROP_ARP_NOT_FOR_US);
		return;
	}
	if (m.op == ARP_OP_REQUEST) {
		arp_learn(gw->arp, ifx, m.spa, m.sha, ARP_LEARN_CREATE, gw->now_ms);
		if (!gw_anycast_leaves_answer(gw, gif, p))
			arp_reply(gw, p, ifx, &m);
		return;
	}
	/* A reply to us: confirms (and resolves) what we asked for; unsolicited ones only
	 * refresh, so that nobody can fill the table by spraying replies. */
	arp_learn(gw->arp, ifx, m.spa, m.sha, anycast_reply_mode(gif, p, &m), gw->now_ms);
	if (gw_traced(p))
		gw_trace_local(gw, p, GW_TR_LOCAL_ARP_LEARNED, 0, 0);
	gw_pkt_free(gw->pool, p);
}

/* Whether BDIF gif can flood into its bridge domain: it exists, has a VNI and a flood
 * group or peers (else every announcement would be a counted drop). */
static bool bdif_can_flood(struct gw *gw, const struct gw_if *gif)
{
	const uint32_t *peers;
	uint32_t bdx = bd_index(gw->bd, gif->bd_id);
	return bdx != BD_NONE && bd_vni(gw->bd, bdx) != 0 &&
	       (bd_flood_group(gw->bd, bdx) || bd_flood_peers(gw->bd, bdx, &peers) > 0);
}

/* How long a quiet gateway waits without hearing an announcement before it announces
 * itself: two periods and a half, so that one lost announcement is no takeover (3 above). */
static uint64_t anycast_hold_ms(const struct gw *gw)
{
	return (uint64_t)gw->params.anycast_garp_ms * 5 / 2;
}

static bool announcer_heard(const struct gw *gw, const struct gw_anycast_elect *e)
{
	return e->heard && gw->now_ms - e->heard_ms < anycast_hold_ms(gw);
}

bool gw_anycast_quiet(const struct gw *gw, const struct gw_if *gif)
{
	return gif->anycast && gw->params.anycast_garp_ms && gif->elect.able && !gif->elect.active;
}

bool gw_anycast_leaves_answer(struct gw *gw, const struct gw_if *gif, struct gw_pkt *p)
{
	if (!gw_anycast_quiet(gw, gif))
		return false;
	gw_drop(gw, p, GW_DROP_ANYCAST_QUIET);
	return true;
}

/* Whether frame (from the shared MAC) is an announcement of the anycast round: a
 * gratuitous ARP (nothing else sends one) or the unsolicited NA for the link-local. */
static bool anycast_is_announcement(const uint8_t *frame, uint32_t len)
{
	struct arp_msg m;
	if (len < NET_ETH_HLEN)
		return false;
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == NET_ETHERTYPE_ARP)
		return arp_parse(frame + NET_ETH_HLEN, len - NET_ETH_HLEN, &m) == ARP_PARSE_OK &&
		       m.op == ARP_OP_REQUEST && m.spa == m.tpa;
	return type == NET_ETHERTYPE_IP6 &&
	       gw_nd_is_anycast_announcement(frame + NET_ETH_HLEN, len - NET_ETH_HLEN);
}

/*
 * A VTEP as the election orders it: by its address, which every gateway sees alike (names
 * of IPv6 VTEPs are each gateway's own), IPv4 as ::ffff:a.b.c.d, before any IPv6 VTEP. A
 * name no longer held ranks last.
 */
static struct in6_addr elect_key(const struct gw *gw, uint32_t vtep)
{
	struct in6_addr k;
	memset(&k, 0, sizeof(k));
	if (vx_vtep_is6(vtep)) {
		const struct in6_addr *a = gw->vteps ? vx_vteps_addr(gw->vteps, vtep) : NULL;
		if (a)
			return *a;
		memset(&k, 0xff, sizeof(k));
		return k;
	}
	uint32_t n = htonl(vtep);
	k.s6_addr[10] = k.s6_addr[11] = 0xff;
	memcpy(&k.s6_addr[12], &n, 4);
	return k;
}

static bool elect_lower(const struct gw *gw, uint32_t a, uint32_t b)
{
	struct in6_addr ka = elect_key(gw, a), kb = elect_key(gw, b);
	return memcmp(&ka, &kb, sizeof(ka)) < 0;
}

/* This gateway in the election: its IPv4 VTEP, or its IPv6 one when it has no IPv4 one. */
static uint32_t elect_self(const struct gw *gw)
{
	return gw->vtep ? gw->vtep : gw->vtep6_name;
}

void gw_anycast_heard(struct gw *gw, uint16_t bdif, uint32_t vtep, const uint8_t *frame,
                      uint32_t len)
{
	struct gw_anycast_elect *e = &gw->ifs[bdif].elect;
	if (vtep == gw->vtep || vtep == gw->vtep6_name || !anycast_is_announcement(frame, len))
		return;
	if (announcer_heard(gw, e) && elect_lower(gw, e->heard, vtep))
		return; /* a lower one announces too: that one stays (3 above) */
	e->heard = vtep;
	e->heard_ms = gw->now_ms;
}

/*
 * The election on anycast BDIF gif at this tick (3 above): the announcer stays so unless
 * it hears a lower-addressed one (two announcers: the lower stays); a quiet gateway
 * takes over when it has heard no announcement for the hold time, and has listened that
 * long since it could announce (a starting gateway does not take the role from a live one).
 */
static void anycast_elect(struct gw *gw, struct gw_if *gif)
{
	struct gw_anycast_elect *e = &gif->elect;
	bool heard = announcer_heard(gw, e);
	if (e->active)
		e->active = !(heard && elect_lower(gw, e->heard, elect_self(gw)));
	else
		e->active = !heard && gw->now_ms - e->since_ms >= anycast_hold_ms(gw);
}

/* Whether anycast BDIF gif announces at this tick: it is the announcer of its BD and the
 * period is due (at once when it just became the announcer). */
static bool anycast_due(struct gw *gw, struct gw_if *gif)
{
	struct gw_anycast_elect *e = &gif->elect;
	bool was = e->active;
	anycast_elect(gw, gif);
	if (!e->active || (was && gw->now_ms - e->sent_ms < gw->params.anycast_garp_ms))
		return false;
	e->sent_ms = gw->now_ms;
	return true;
}

/* Whether anycast BDIF gif can announce (up, able to flood); one that just became able
 * starts listening. */
static bool anycast_can_announce(struct gw *gw, struct gw_if *gif)
{
	struct gw_anycast_elect *e = &gif->elect;
	if (!gif->used || !gif->anycast || !gif->up || !bdif_can_flood(gw, gif)) {
		e->able = e->active = false;
		return false;
	}
	if (!e->able) {
		e->able = true;
		e->since_ms = gw->now_ms;
	}
	return true;
}

/* The gratuitous ARP of BDIF ifx: for its primary address, from the shared MAC. */
static void anycast_garp(struct gw *gw, uint16_t ifx)
{
	struct gw_if *gif = &gw->ifs[ifx];
	struct gw_pkt *q = gw_pkt_alloc(gw->pool);
	if (!q) {
		gw->cnt.drops[GW_DROP_NO_BUFFER]++;
		return;
	}
	struct arp_msg m = {.op = ARP_OP_REQUEST, .spa = gif->addr[0], .tpa = gif->addr[0]};
	memcpy(m.sha, gif->mac, 6);
	arp_frame_payload(q, &m);
	q->flow_hash = net_hash32(gif->addr[0]);
	gw->cnt.arp_requests++;
	gw_eth_output(gw, q, ifx, mac_bcast, NET_ETHERTYPE_ARP);
}

/* gw_tick (every tick): the announcements of the anycast BDIFs that are up and can flood,
 * where this gateway is the announcer (3 above): a gratuitous ARP and, with IPv6, an
 * unsolicited NA (an IPv6-only BDIF sends no gratuitous ARP). */
void gw_anycast_tick(struct gw *gw)
{
	for (uint16_t ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		struct gw_if *gif = &gw->ifs[ifx];
		if (!anycast_can_announce(gw, gif) || !anycast_due(gw, gif))
			continue;
		if (gif->n_addrs)
			anycast_garp(gw, ifx);
		if (gw_if6_enabled(gif))
			gw_nd_anycast_announce(gw, ifx);
	}
}
