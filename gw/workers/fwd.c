/*
 * gw/workers/fwd.c - building the workers' forwarding snapshot (see gw/workers/fwd.h for why a
 * snapshot).
 *
 * Runs on the main thread only, which owns the tables it copies. The hash tables are
 * built at most half full, so that a lookup ends at an empty slot after a probe or two.
 */
#include "gw/workers/fwd.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/net.h"
#include "gw/gw_int.h"

static void obj_init(struct gw_fwd_obj *o, void (*destroy)(struct gw_fwd_obj *))
{
	atomic_init(&o->refs, 1);
	o->destroy = destroy;
}

static void obj_ref(struct gw_fwd_obj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

static void obj_unref(struct gw_fwd_obj *o)
{
	if (o && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
		o->destroy(o);
}

/* Slots for n entries at most half full, a power of two, at least 16. */
static uint32_t slots_for(size_t n)
{
	uint32_t s = 16;
	while (s < 2 * n && s < (1u << 30))
		s <<= 1;
	return s;
}

/* ---------------------------------------------------------------- FIBs */

static void fib_destroy_obj(struct gw_fwd_obj *o)
{
	struct gw_fwd_fib *f = (struct gw_fwd_fib *)o;
	fib_fwd_free(f->fib);
	fib6_fwd_free(f->fib6);
	free(f);
}

/* A FIB copy of generation gen; NULL (nothing left) when either allocation failed. */
static struct gw_fwd_fib *fib_obj(uint64_t gen, struct fib_fwd *fib, struct fib6_fwd *fib6)
{
	struct gw_fwd_fib *f = (fib || fib6) ? calloc(1, sizeof(*f)) : NULL;
	if (!f) {
		fib_fwd_free(fib);
		fib6_fwd_free(fib6);
		return NULL;
	}
	obj_init(&f->obj, fib_destroy_obj);
	f->gen = gen;
	f->fib = fib;
	f->fib6 = fib6;
	return f;
}

/* The copy prev holds while its FIB's generation has not moved (a new reference), else a
 * new copy of fib (IPv4) or fib6. */
static struct gw_fwd_fib *fib_share_or_copy(struct gw_fwd_fib *old, const struct fib *fib,
                                            const struct fib6 *fib6)
{
	uint64_t gen = fib ? fib_generation(fib) : fib6_generation(fib6);
	if (old && old->gen == gen) {
		obj_ref(&old->obj);
		return old;
	}
	return fib ? fib_obj(gen, fib_fwd_build(fib), NULL)
	           : fib_obj(gen, NULL, fib6_fwd_build(fib6));
}

/* ---------------------------------------------------------------- configuration */

static void cfg_destroy_obj(struct gw_fwd_obj *o)
{
	struct gw_fwd_cfg *c = (struct gw_fwd_cfg *)o;
	for (unsigned v = 0; v < GW_VRF_MAX; v++) {
		if (c->fib[v])
			obj_unref(&c->fib[v]->obj);
		if (c->fib6[v])
			obj_unref(&c->fib6[v]->obj);
	}
	for (unsigned i = 0; i <= GW_IF_MAX; i++) {
		free(c->ports[i].by_vlan);
		for (int v = 0; v < 2; v++)
			for (int d = 0; d < 2; d++)
				if (c->ifs[i].acl[v][d])
					acl_cls_unref(c->ifs[i].acl[v][d]);
	}
	free(c->vni_slots);
	free(c->peer_pool);
	vx_vteps_destroy(c->vteps);
	free(c);
}

static void cfg_copy_acls(struct gw *gw, const struct gw_if *g, struct gw_fwd_if *f)
{
	for (int v = 0; v < 2; v++) {
		for (int d = 0; d < 2; d++) {
			uint16_t x = g->acl[v][d];
			f->acl[v][d] = x ? gw->acls[x].cls : NULL;
			if (x)
				acl_cls_ref(f->acl[v][d]);
			f->l2_acl |= x && g->l2_bd;
		}
	}
}

static void cfg_copy_ifs(struct gw *gw, struct gw_fwd_cfg *c)
{
	for (unsigned ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		const struct gw_if *g = &gw->ifs[ifx];
		struct gw_fwd_if *f = &c->ifs[ifx];
		if (!g->used)
			continue;
		f->kind = g->kind;
		f->up = g->up;
		f->anycast = g->anycast;
		f->n_addrs = g->n_addrs;
		f->vrfx = g->vrfx;
		f->vlan = g->vlan;
		memcpy(f->mac, g->mac, 6);
		memcpy(f->tag, g->tag, 4);
		f->ip6 = gw_if6_enabled(g);
		f->l2_port = g->l2_bd != 0;
		f->l2_bdx = g->l2_bd ? bd_index(gw->bd, g->l2_bd) : BD_NONE;
		f->mtu = g->mtu;
		f->port = g->port;
		if (g->kind == GW_IF_ETH && g->port <= GW_IF_MAX)
			c->ports[g->port].any_ifx = (uint16_t)ifx;
		memcpy(f->addr, g->addr, sizeof(f->addr));
		memcpy(f->plen, g->plen, sizeof(f->plen));
		cfg_copy_acls(gw, g, f);
		f->bdx = BD_NONE;
		if (g->kind == GW_IF_BDIF) {
			uint32_t bdx = bd_index(gw->bd, g->bd_id);
			if (bdx != BD_NONE && bd_vni(gw->bd, bdx) != 0)
				f->bdx = bdx;
		}
	}
}

static int cfg_copy_ports(struct gw *gw, struct gw_fwd_cfg *c)
{
	for (unsigned i = 1; i <= GW_IF_MAX; i++) {
		const struct gw_port *g = &gw->ports[i];
		struct gw_fwd_port *f = &c->ports[i];
		if (!g->refs)
			continue;
		memcpy(f->name, g->name, sizeof(f->name));
		f->untagged = g->untagged;
		if (g->by_vlan) {
			f->by_vlan = malloc(GW_VLAN_IDS * sizeof(*f->by_vlan));
			if (!f->by_vlan)
				return -1;
			memcpy(f->by_vlan, g->by_vlan, GW_VLAN_IDS * sizeof(*f->by_vlan));
		}
	}
	return 0;
}

struct bd_copy {
	struct gw *gw;
	struct gw_fwd_cfg *c;
	uint32_t n_peers, cap_peers;
	int err;
};

static int bd_copy_one(const struct bd_info *bi, void *arg)
{
	struct bd_copy *bc = arg;
	struct gw_fwd_bd *b = &bc->c->bd[bi->bdx];
	if (bc->n_peers + bi->n_flood_peers > bc->cap_peers) {
		uint32_t cap = (bc->cap_peers + bi->n_flood_peers) * 2 + 16;
		uint32_t *p = realloc(bc->c->peer_pool, cap * sizeof(*p));
		if (!p)
			return bc->err = -1;
		bc->c->peer_pool = p;
		bc->cap_peers = cap;
	}
	b->id = bi->id;
	b->vni = bi->vni;
	b->group = bi->flood_group;
	b->n_peers = bi->n_flood_peers;
	/* a flood-group-only bridge domain has no list (NULL), and the pool may be none yet */
	if (bi->n_flood_peers)
		memcpy(bc->c->peer_pool + bc->n_peers, bi->flood_peers, bi->n_flood_peers * 4u);
	b->peers = (uint32_t *)(uintptr_t)bc->n_peers; /* an offset until the pool is final */
	bc->n_peers += bi->n_flood_peers;
	b->fresh_ms = bi->mac_aging * 1000u / 3;
	b->n_ports = bi->n_ports;
	b->bdif = gw_bdif_for_bdx(bc->gw, bi->bdx);
	vx_encap_init(&b->e, bc->gw->vtep, 0, bc->gw->udp_port, bi->vni);
	vx_encap6_init(&b->e6, &bc->gw->vtep6, bc->gw->udp_port, bi->vni, !bc->gw->udp6_zero_tx);
	return 0;
}

static int cfg_copy_bds(struct gw *gw, struct gw_fwd_cfg *c)
{
	struct bd_copy bc = {.gw = gw, .c = c};
	bd_walk(gw->bd, bd_copy_one, &bc);
	if (bc.err)
		return -1;
	uint32_t n_vni = 0;
	for (unsigned bdx = 0; bdx < BD_MAX; bdx++) {
		struct gw_fwd_bd *b = &c->bd[bdx];
		b->peers = c->peer_pool ? c->peer_pool + (uintptr_t)b->peers : NULL;
		n_vni += b->id && b->vni;
	}
	uint32_t slots = slots_for(n_vni);
	c->vni_mask = slots - 1;
	c->vni_slots = calloc(slots, sizeof(*c->vni_slots));
	if (!c->vni_slots)
		return -1;
	for (uint32_t bdx = 0; bdx < BD_MAX; bdx++) {
		uint32_t vni = c->bd[bdx].vni;
		if (!c->bd[bdx].id || !vni)
			continue;
		uint32_t i = net_hash32(vni) & c->vni_mask;
		while (c->vni_slots[i])
			i = (i + 1) & c->vni_mask;
		c->vni_slots[i] = (uint64_t)vni << 12 | bdx;
	}
	return 0;
}

/* FIB copies: a VRF's is shared with prev while its FIB's generation has not moved. */
static int cfg_copy_fibs(struct gw *gw, struct gw_fwd_cfg *c, const struct gw_fwd_cfg *prev)
{
	for (unsigned v = 0; v < GW_VRF_MAX; v++) {
		const struct fib *fib = gw->vrfs[v].fib;
		const struct fib6 *fib6 = gw->vrfs[v].fib6;
		if (fib && !(c->fib[v] = fib_share_or_copy(prev ? prev->fib[v] : NULL, fib, NULL)))
			return -1;
		if (fib6 &&
		    !(c->fib6[v] = fib_share_or_copy(prev ? prev->fib6[v] : NULL, NULL, fib6)))
			return -1;
	}
	return 0;
}

/*
 * prev: the configuration copy to share FIB copies with; NULL after a commit, which may
 * have deleted a VRF and made another whose new FIB happens to have the same generation.
 */
static struct gw_fwd_cfg *cfg_build(struct gw *gw, const struct gw_fwd_cfg *prev)
{
	struct gw_fwd_cfg *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	static uint64_t serial;
	obj_init(&c->obj, cfg_destroy_obj);
	c->serial = ++serial; /* the main thread alone builds */
	c->vtep = gw->vtep;
	c->vtep6 = gw->vtep6_name;
	c->udp_port = gw->udp_port;
	c->vxlan_strict = gw->params.vxlan_strict;
	c->dscp = gw->vx_dscp;
	c->vteps_gen = gw->vteps ? vx_vteps_generation(gw->vteps) : 0;
	c->vteps = gw->vteps ? vx_vteps_clone(gw->vteps) : NULL;
	cfg_copy_ifs(gw, c);
	if ((gw->vteps && !c->vteps) || cfg_copy_ports(gw, c) < 0 || cfg_copy_bds(gw, c) < 0 ||
	    cfg_copy_fibs(gw, c, prev) < 0) {
		obj_unref(&c->obj);
		return NULL;
	}
	return c;
}

/* ---------------------------------------------------------------- hashes */

static void hash_destroy_obj(struct gw_fwd_obj *o)
{
	struct gw_fwd_hash *h = (struct gw_fwd_hash *)o;
	free(h->slots);
	free(h);
}

static struct gw_fwd_hash *hash_new(size_t n, size_t slot_size, uint64_t gen)
{
	struct gw_fwd_hash *h = calloc(1, sizeof(*h));
	uint32_t slots = slots_for(n);
	if (!h)
		return NULL;
	obj_init(&h->obj, hash_destroy_obj);
	h->gen = gen;
	h->mask = slots - 1;
	h->slot_size = (uint32_t)slot_size;
	h->slots = calloc(slots, slot_size);
	/* probed (read) then written while filled: with 100k MACs, 6.3 ms of the MAC copy's
	 * build faulting on use against 3.8 ms populated at once */
	mem_populate(h->slots, slots * slot_size);
	if (!h->slots) {
		free(h);
		return NULL;
	}
	return h;
}

/*
 * The slot for a new key (every slot type starts with its 64-bit key): the first empty one
 * on the key's probe sequence, its key set. NULL when the table is half full already (it
 * grew between counting and walking: the rest are punted until the next snapshot).
 */
_Static_assert(offsetof(struct gw_fwd_nb_slot, key) == 0, "slots start with their key");
_Static_assert(offsetof(struct gw_fwd_mac_slot, key) == 0, "slots start with their key");
_Static_assert(offsetof(struct gw_fwd_nb6_slot, nb.key) == 0, "slots start with their key");

static void *hash_claim(struct gw_fwd_hash *h, uint64_t key)
{
	if (h->n >= (h->mask + 1) / 2)
		return NULL;
	uint64_t i = net_hash64(key) & h->mask, *k;
	while (*(k = (uint64_t *)((char *)h->slots + i * h->slot_size)))
		i = (i + 1) & h->mask;
	*k = key;
	h->n++;
	return k;
}

struct nb_fill {
	struct gw_fwd_hash *h;
	uint64_t now_ms;
	uint32_t reachable_ms;
};

/*
 * Only REACHABLE and static entries: a STALE one must go through arp_lookup on the main
 * thread, which starts the probe (the reason the workers never see it), and a PROBE one
 * is being re-checked (punting its few seconds of traffic keeps that on one path). The
 * slot of a usable entry under key, until and MAC set; NULL: not usable (or no room).
 */
static struct gw_fwd_nb_slot *nb_put(struct nb_fill *nf, uint64_t key, uint8_t state,
                                     uint64_t age_ms, const uint8_t *mac)
{
	uint64_t until;
	if (state == ARP_STATIC)
		until = UINT64_MAX;
	else if (state == ARP_REACHABLE && age_ms < nf->reachable_ms)
		until = nf->now_ms - age_ms + nf->reachable_ms;
	else
		return NULL;
	struct gw_fwd_nb_slot *s = hash_claim(nf->h, key);
	if (s) {
		s->until_ms = until;
		memcpy(s->mac, mac, 6);
	}
	return s;
}

static int nb_add(const struct arp_entry_info *e, void *arg)
{
	nb_put(arg, gw_fwd_nb_key(e->ifx, e->ip), e->state, e->age_ms, e->mac);
	return 0;
}

static int nb6_add(const struct arp6_entry_info *e, void *arg)
{
	struct gw_fwd_nb6_slot *s = (struct gw_fwd_nb6_slot *)nb_put(
	    arg, gw_fwd_nb6_key(e->ifx, &e->ip), e->state, e->age_ms, e->mac);
	if (s) {
		s->ifx = e->ifx;
		s->ip = e->ip;
	}
	return 0;
}

/* The usable neighbours of table t (IPv4: gw->arp, IPv6: gw->nd, its settings cfg). */
static struct gw_fwd_hash *nb_build(struct arp_table *t, const struct arp_config *cfg, bool v6,
                                    uint64_t now_ms)
{
	struct arp_stats st;
	arp_get_stats(t, &st);
	size_t slot = v6 ? sizeof(struct gw_fwd_nb6_slot) : sizeof(struct gw_fwd_nb_slot);
	struct gw_fwd_hash *h = hash_new(st.entries, slot, arp_generation(t));
	if (!h)
		return NULL;
	struct nb_fill nf = {.h = h, .now_ms = now_ms, .reachable_ms = cfg->reachable_ms};
	if ((v6 ? arp6_foreach(t, now_ms, nb6_add, &nf) : arp_foreach(t, now_ms, nb_add, &nf)) !=
	    0) {
		obj_unref(&h->obj);
		return NULL;
	}
	return h;
}

struct mac_fill {
	struct gw_fwd_hash *h;
	uint64_t now_ms;
};

static int mac_add(const struct bd_mac_info *mi, void *arg)
{
	struct mac_fill *mf = arg;
	struct gw_fwd_mac_slot *s = hash_claim(mf->h, gw_fwd_mac_key(mi->bdx, mi->mac));
	if (s) {
		s->vtep = mi->vtep;
		s->is_static = mi->is_static;
		atomic_init(&s->refreshed_ms,
		            mf->now_ms > mi->age_ms ? mf->now_ms - mi->age_ms : 0);
	}
	return 0;
}

static struct gw_fwd_hash *mac_build(struct gw *gw, uint64_t now_ms)
{
	struct bd_mac_stats st;
	bd_mac_get_stats(gw->bd, &st);
	struct gw_fwd_hash *h =
	    hash_new(st.entries, sizeof(struct gw_fwd_mac_slot), bd_mac_generation(gw->bd));
	if (!h)
		return NULL;
	struct mac_fill mf = {.h = h, .now_ms = now_ms};
	if (bd_mac_foreach(gw->bd, now_ms, mac_add, &mf) != 0) {
		obj_unref(&h->obj);
		return NULL;
	}
	return h;
}

/* ---------------------------------------------------------------- snapshot */

static bool want_punt_all(const struct gw *gw)
{
	return gw_trace_armed(gw) || gw->debug.flags != 0;
}

/* What the configuration component copies besides the configuration moved: a FIB, or
 * the IPv6 VTEP names (a flood group's bridge domain learned a sender). */
static bool copies_moved(struct gw *gw, const struct gw_fwd_cfg *c)
{
	if (gw->vteps && vx_vteps_generation(gw->vteps) != c->vteps_gen)
		return true;
	for (unsigned v = 0; v < GW_VRF_MAX; v++) {
		const struct fib *fib = gw->vrfs[v].fib;
		const struct fib6 *fib6 = gw->vrfs[v].fib6;
		if (!fib != !c->fib[v] || (fib && fib_generation(fib) != c->fib[v]->gen))
			return true;
		if (!fib6 != !c->fib6[v] || (fib6 && fib6_generation(fib6) != c->fib6[v]->gen))
			return true;
	}
	return false;
}

bool gw_fwd_stale(struct gw *gw, const struct gw_fwd *f)
{
	return !f || f->punt_all != want_punt_all(gw) || f->nb->gen != arp_generation(gw->arp) ||
	       f->nb6->gen != arp_generation(gw->nd) || f->mac->gen != bd_mac_generation(gw->bd) ||
	       copies_moved(gw, f->cfg);
}

/* The component prev holds when its source has not moved (a new reference), else NULL. */
static struct gw_fwd_hash *hash_reuse(struct gw_fwd_hash *old, uint64_t gen)
{
	if (!old || old->gen != gen)
		return NULL;
	obj_ref(&old->obj);
	return old;
}

struct gw_fwd *gw_fwd_build(struct gw *gw, const struct gw_fwd *prev, bool cfg_changed,
                            uint64_t now_ms)
{
	struct gw_fwd *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->built_ms = now_ms;
	f->punt_all = want_punt_all(gw);
	if (prev && !cfg_changed && !copies_moved(gw, prev->cfg)) {
		obj_ref(&prev->cfg->obj);
		f->cfg = prev->cfg;
	} else {
		f->cfg = cfg_build(gw, cfg_changed ? NULL : prev ? prev->cfg : NULL);
	}
	f->nb = hash_reuse(prev ? prev->nb : NULL, arp_generation(gw->arp));
	if (!f->nb)
		f->nb = nb_build(gw->arp, &gw->params.arp, false, now_ms);
	f->nb6 = hash_reuse(prev ? prev->nb6 : NULL, arp_generation(gw->nd));
	if (!f->nb6)
		f->nb6 = nb_build(gw->nd, &gw->params.nd, true, now_ms);
	f->mac = hash_reuse(prev ? prev->mac : NULL, bd_mac_generation(gw->bd));
	if (!f->mac)
		f->mac = mac_build(gw, now_ms);
	if (!f->cfg || !f->nb || !f->nb6 || !f->mac) {
		gw_fwd_free(f);
		return NULL;
	}
	return f;
}

void gw_fwd_free(struct gw_fwd *f)
{
	if (!f)
		return;
	if (f->cfg)
		obj_unref(&f->cfg->obj);
	if (f->nb)
		obj_unref(&f->nb->obj);
	if (f->nb6)
		obj_unref(&f->nb6->obj);
	if (f->mac)
		obj_unref(&f->mac->obj);
	free(f);
}
