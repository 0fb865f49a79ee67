/*
 * gw/fast.c - the workers' fast path (see gw/fast.h).
 *
 *   decap: outer dst is the VTEP -> VXLAN header -> VNI -> bridge domain -> peer
 *          -> inner source MAC known behind that peer -> inner dst is the BDIF's MAC
 *   route: IPv4 checks (shared with the pipeline) -> one FIB lookup per vector
 *          -> transit path, TTL, egress up, MTU -> usable neighbour -> its MAC's VTEP
 *   commit: TTL, Ethernet rewrite, VXLAN encap, counters
 *
 * Every test before "commit" only reads; a packet that fails one is restored to how it was
 * received and punted. Uplink (Ethernet) egress is punted too for now: workers have no
 * uplink sockets yet.
 */
#include "gw/fast.h"

#include <string.h>

#include "common/net.h"
#include "gw/gw_int.h"
#include "gw/ip4_inl.h"
#include "vxlan/vxlan.h"

/* What the decap stage found, for the route and commit stages. */
struct fast_in {
	uint8_t *data; /* as received: restored on a punt */
	uint32_t len;
	uint32_t bdx;
	uint16_t bdif;
	uint32_t frame_len; /* inner Ethernet frame */
};

static bool peer_listed(const struct gw_fwd_bd *b, uint32_t vtep)
{
	uint32_t lo = 0, hi = b->n_peers;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (b->peers[mid] < vtep)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n_peers && b->peers[lo] == vtep;
}

/*
 * The source MAC is known behind the sending VTEP. Once every third of the ageing time a
 * packet of it goes to the main thread instead, whose learning refreshes the entry (and
 * a flood group's learned peer); the compare-and-swap elects one packet over all workers.
 */
static bool fast_source_ok(const struct gw_fwd *f, const struct gw_fwd_bd *b, uint32_t bdx,
                           const uint8_t *src, uint32_t vtep, uint64_t now_ms)
{
	struct gw_fwd_mac_slot *m = gw_fwd_mac_find(f->mac, gw_fwd_mac_key(bdx, src));
	if (!m || m->vtep != vtep)
		return false;
	if (m->is_static || !b->fresh_ms)
		return true;
	uint64_t seen = atomic_load_explicit(&m->refreshed_ms, memory_order_relaxed);
	if (now_ms < seen + b->fresh_ms)
		return true;
	return !atomic_compare_exchange_strong_explicit(&m->refreshed_ms, &seen, now_ms,
	                                                memory_order_relaxed, memory_order_relaxed);
}

/* The checks of the pipeline's decap and L2 stages; true: an IPv4 packet for the BDIF,
 * data now at its IPv4 header. */
static bool fast_decap(const struct gw_fwd *f, struct gw_pkt *p, struct fast_in *in,
                       uint64_t now_ms)
{
	const struct gw_fwd_cfg *c = f->cfg;
	uint32_t vni;
	if (p->outer_dst != c->vtep || !c->vtep ||
	    vx_hdr_parse(p->data, p->len, c->vxlan_strict, &vni) != VX_PARSE_OK)
		return false;
	uint32_t bdx = gw_fwd_vni_bdx(c, vni);
	if (bdx == BD_NONE)
		return false;
	const struct gw_fwd_bd *b = &c->bd[bdx];
	if (!b->bdif || (!b->group && !peer_listed(b, p->outer_src)) ||
	    p->len < VX_HDR_LEN + NET_ETH_HLEN)
		return false;
	const struct net_eth *eth = (const struct net_eth *)(p->data + VX_HDR_LEN);
	const struct gw_fwd_if *bif = &c->ifs[b->bdif];
	if (eth->type != htons(NET_ETHERTYPE_IP) || !net_mac_eq(eth->dst, bif->mac) ||
	    net_mac_is_mcast(eth->src) || net_mac_is_zero(eth->src) ||
	    (bif->anycast && net_mac_eq(eth->src, bif->mac)) ||
	    !fast_source_ok(f, b, bdx, eth->src, p->outer_src, now_ms))
		return false;
	in->bdx = bdx;
	in->bdif = b->bdif;
	in->frame_len = p->len - VX_HDR_LEN;
	p->data += VX_HDR_LEN + NET_ETH_HLEN;
	p->len -= VX_HDR_LEN + NET_ETH_HLEN;
	p->vrfx = bif->vrfx;
	return gw_ip4_validate(p) == 0;
}

/* Where a routed packet goes: the egress BDIF's bridge domain and the VTEP of the next
 * hop's MAC. False when any part is not in the snapshot or the packet is an exception. */
struct fast_out {
	const struct gw_fwd_nb_slot *nb;
	uint32_t vtep;
	uint16_t ifx;
	uint32_t bdx;
};

static bool fast_route(const struct gw_fwd *f, const struct gw_pkt *p, uint32_t res,
                       struct fast_out *o, uint64_t now_ms)
{
	const struct gw_fwd_cfg *c = f->cfg;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	const struct fib_fwd *fib = c->fib[p->vrfx]->fib;
	if (res == FIB_LOOKUP_MISS || ip->ttl <= 1)
		return false;
	const struct fib_path *path = fib_fwd_path_select(fib, res, p->flow_hash);
	if (path->type != FIB_PATH_ATTACHED && path->type != FIB_PATH_GATEWAY)
		return false;
	const struct gw_fwd_if *oif = &c->ifs[path->ifx];
	uint32_t nh = path->type == FIB_PATH_GATEWAY ? path->nh : ntohl(ip->dst);
	if (oif->kind != GW_IF_BDIF || !oif->up || oif->bdx == BD_NONE || p->len > oif->mtu ||
	    gw_ip4_is_subnet_bcast(oif->addr, oif->plen, oif->n_addrs, nh))
		return false;
	o->nb = gw_fwd_nb_find(f->nb, gw_fwd_nb_key(path->ifx, nh));
	if (!o->nb || now_ms >= o->nb->until_ms)
		return false;
	const struct gw_fwd_mac_slot *m =
	    gw_fwd_mac_find(f->mac, gw_fwd_mac_key(oif->bdx, o->nb->mac));
	if (!m)
		return false; /* unknown unicast: flooded by the main thread */
	o->vtep = m->vtep;
	o->ifx = path->ifx;
	o->bdx = oif->bdx;
	return true;
}

static void count(struct gw_if_counters *c, uint32_t len, bool tx)
{
	if (tx) {
		c->tx_pkts++;
		c->tx_bytes += len;
	} else {
		c->rx_pkts++;
		c->rx_bytes += len;
	}
}

/* Rewrite and encapsulate: the first write to the packet. */
static void fast_commit(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt *p,
                        const struct fast_in *in, const struct fast_out *o)
{
	const struct gw_fwd_cfg *c = f->cfg;
	struct gw_fast_cnt *k = w->cnt;
	const struct gw_fwd_bd *ib = &c->bd[in->bdx], *ob = &c->bd[o->bdx];
	count(&k->ifs[in->bdif], in->frame_len, false);
	count(gw_bd_cnt_claim(k->bd, in->bdx, ib->id), in->frame_len, false);
	count(gw_peer_cnt(&k->peers, p->outer_src), in->frame_len, false);
	k->c.rx_underlay++;
	k->c.routed++;

	gw_ip4_ttl_dec((struct net_ip *)p->data);
	uint8_t *d = p->data - NET_ETH_HLEN;
	uint16_t type = htons(NET_ETHERTYPE_IP);
	memcpy(d, o->nb->mac, 6);
	memcpy(d + 6, c->ifs[o->ifx].mac, 6);
	memcpy(d + 12, &type, 2);
	p->data = d;
	p->len += NET_ETH_HLEN;
	uint32_t len = p->len;
	count(&k->ifs[o->ifx], len, true);
	count(gw_bd_cnt_claim(k->bd, o->bdx, ob->id), len, true);
	count(gw_peer_cnt(&k->peers, o->vtep), len, true);

	p->data -= VX_ENCAP_LEN;
	vx_encap_write_dst(&ob->e, p->data, (uint16_t)len, vx_sport(p->flow_hash), o->vtep);
	p->len += VX_ENCAP_LEN;
	p->outer_dst = o->vtep;
	p->tx_ifx = o->ifx;
	w->tx[w->n_tx++] = p;
}

static void fast_punt(struct gw_fast *w, struct gw_pkt *p, const struct fast_in *in)
{
	p->data = in->data;
	p->len = in->len;
	p->vrfx = 0;
	p->flow_hash = 0;
	w->punt[w->n_punt++] = p;
}

/* One batched FIB lookup per VRF present in the vector (almost always one). */
static void fast_lookup(const struct gw_fwd_cfg *c, struct gw_pkt **v, unsigned n, uint32_t *res)
{
	uint32_t dst[GW_VEC_MAX];
	uint16_t vrfx = n ? v[0]->vrfx : 0;
	bool mixed = false;
	for (unsigned i = 0; i < n; i++) {
		dst[i] = ntohl(((const struct net_ip *)v[i]->data)->dst);
		mixed |= v[i]->vrfx != vrfx;
	}
	if (!mixed) {
		if (c->fib[vrfx])
			fib_fwd_lookup_batch(c->fib[vrfx]->fib, dst, res, n);
		else
			memset(res, 0, n * sizeof(*res));
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct gw_fwd_fib *ff = c->fib[v[i]->vrfx];
		res[i] = ff ? fib_fwd_lookup(ff->fib, dst[i]) : FIB_LOOKUP_MISS;
	}
}

void gw_fast_underlay(struct gw_fast *w, const struct gw_fwd *f, struct gw_pkt **pkts, unsigned n)
{
	struct fast_in in[GW_VEC_MAX];
	struct gw_pkt *v[GW_VEC_MAX];
	uint32_t res[GW_VEC_MAX];
	unsigned nv = 0;
	if (f->punt_all) {
		for (unsigned i = 0; i < n; i++)
			w->punt[w->n_punt++] = pkts[i];
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct gw_pkt *p = pkts[i];
		in[nv].data = p->data;
		in[nv].len = p->len;
		if (!fast_decap(f, p, &in[nv], w->now_ms)) {
			fast_punt(w, p, &in[nv]);
			continue;
		}
		v[nv++] = p;
	}
	fast_lookup(f->cfg, v, nv, res);
	for (unsigned i = 0; i < nv; i++) {
		struct fast_out o;
		if (f->cfg->fib[v[i]->vrfx] && fast_route(f, v[i], res[i], &o, w->now_ms))
			fast_commit(w, f, v[i], &in[i], &o);
		else
			fast_punt(w, v[i], &in[i]);
	}
}

/* ---------------------------------------------------------------- counters */

static uint64_t moved(const uint64_t *cur, uint64_t *seen)
{
	uint64_t now = __atomic_load_n(cur, __ATOMIC_RELAXED);
	uint64_t d = now - *seen;
	*seen = now;
	return d;
}

/* What moved since seen (updated) into d; true when anything did. */
static bool moved_if(const struct gw_if_counters *cur, struct gw_if_counters *seen,
                     struct gw_if_counters *d)
{
	d->rx_pkts = moved(&cur->rx_pkts, &seen->rx_pkts);
	d->rx_bytes = moved(&cur->rx_bytes, &seen->rx_bytes);
	d->tx_pkts = moved(&cur->tx_pkts, &seen->tx_pkts);
	d->tx_bytes = moved(&cur->tx_bytes, &seen->tx_bytes);
	return (d->rx_pkts | d->rx_bytes | d->tx_pkts | d->tx_bytes) != 0;
}

static void add_if(struct gw_if_counters *to, const struct gw_if_counters *d)
{
	to->rx_pkts += d->rx_pkts;
	to->rx_bytes += d->rx_bytes;
	to->tx_pkts += d->tx_pkts;
	to->tx_bytes += d->tx_bytes;
}

static void fold_if(struct gw_if_counters *to, const struct gw_if_counters *cur,
                    struct gw_if_counters *seen)
{
	struct gw_if_counters d;
	moved_if(cur, seen, &d);
	add_if(to, &d);
}

static void fold_gw(struct gw_counters *to, const struct gw_counters *cur, struct gw_counters *seen)
{
	to->rx_underlay += moved(&cur->rx_underlay, &seen->rx_underlay);
	to->tx_underlay += moved(&cur->tx_underlay, &seen->tx_underlay);
	to->routed += moved(&cur->routed, &seen->routed);
	for (unsigned d = 0; d < GW_DROP_MAX; d++)
		to->drops[d] += moved(&cur->drops[d], &seen->drops[d]);
}

void gw_fast_fold(struct gw *gw, const struct gw_fast_cnt *cur, struct gw_fast_cnt *seen)
{
	fold_gw(&gw->cnt, &cur->c, &seen->c);
	seen->punted = __atomic_load_n(&cur->punted, __ATOMIC_RELAXED);
	for (unsigned ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		if (gw->ifs[ifx].used)
			fold_if(&gw->ifs[ifx].cnt, &cur->ifs[ifx], &seen->ifs[ifx]);
		else /* deleted: what it counted goes with it */
			fold_if(&(struct gw_if_counters){0}, &cur->ifs[ifx], &seen->ifs[ifx]);
	}
	for (unsigned bdx = 0; bdx < BD_MAX; bdx++) {
		uint32_t id = __atomic_load_n(&cur->bd[bdx].id, __ATOMIC_RELAXED);
		struct gw_if_counters d;
		if (id != seen->bd[bdx].id) /* the worker restarted this slot for another one */
			gw_bd_cnt_reset(&seen->bd[bdx], id);
		/* A slot is claimed only with something to add, and only for the bridge domain
		 * that holds it now: a deleted one's counts go with it, and claiming the slot
		 * back for it would wipe what its successor counted on the main thread. */
		if (id && moved_if(&cur->bd[bdx].c, &seen->bd[bdx].c, &d) &&
		    bd_id(gw->bd, bdx) == id)
			add_if(gw_bd_cnt_claim(gw->bd_cnt, bdx, id), &d);
	}
	for (unsigned i = 0; i < GW_PEER_SLOTS; i++) {
		uint32_t vtep = __atomic_load_n(&cur->peers.slot[i].vtep, __ATOMIC_RELAXED);
		if (vtep != seen->peers.slot[i].vtep) {
			seen->peers.slot[i].vtep = vtep;
			seen->peers.slot[i].c = (struct gw_if_counters){0};
		}
		/* a peer that sent nothing since the last fold gets no row (after clear
		 * counters, as with the pipeline, only the peers heard since are listed) */
		struct gw_if_counters d;
		if (vtep && moved_if(&cur->peers.slot[i].c, &seen->peers.slot[i].c, &d))
			add_if(gw_peer_cnt(&gw->peers, vtep), &d);
	}
	fold_if(&gw->peers.other, &cur->peers.other, &seen->peers.other);
}
