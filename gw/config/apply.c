/*
 * gw/config/apply.c - moving a running gateway from one configuration to another.
 *
 * The diff runs in three passes so that a change never collides with what it replaces:
 * removals (static entries, routes, addresses, interfaces, bridge domains), then the
 * underlay and bridge-domain settings (VNIs that move between bridge domains are released
 * first), then additions. Everything the diff does not name is left alone: a reload that
 * adds a tenant does not disturb the others' tables, learned MACs or ARP entries.
 *
 * VRFs: removed in pass 1 after the interfaces and routes that used them have left
 * (an interface changing VRF drops its addresses there and waits in the default VRF),
 * created in pass 2, before pass 3 puts interfaces and routes into them.
 *
 * IPv6 rides the same passes: static neighbours and routes leave in pass 1 before the
 * interfaces they name, addresses that go (all of them when the interface changes VRF)
 * leave with the IPv4 ones, and pass 3 sets the link-local address and the RA settings
 * (each only when it changed: a change makes the gateway advertise) before it adds
 * addresses, then routes and neighbours.
 *
 * L2 ports (` bridge-domain N` on an uplink) leave their bridge domain in pass 1, after
 * the static MACs on them and before bridge domains are deleted, and join in pass 3, once
 * their addresses are gone (pass 1) and their bridge domain exists (pass 2); a port that
 * moves leaves and joins, so that a reload can swap ports between bridge domains. Static
 * MACs on a port come last, naming the port by its interface index.
 *
 * Access lists: a list that is new or changed is set (one gw_acl_set: the gateway swaps
 * its classifier at once) in pass 2, before pass 3 applies lists to interfaces; a list
 * that goes is deleted in pass 1 when nothing uses it any more and, failing that, after
 * pass 3 has moved its interfaces to their new lists (a reload that renames a list in use).
 * Unchanged lists are not touched, so their classifiers and counters stay.
 *
 * Each step is idempotent (an add of what exists, a removal of what is gone, succeed), so
 * that a failed apply can be undone by applying the old configuration the same way.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/net.h"
#include "gw/config/config.h"
#include "gw/config/config_int.h"
#include "vxlan/vtep.h"

#define fail gw_cfg_fail

static const char *ipstr(uint32_t ip)
{
	static char buf[2][NET_IP_STRLEN];
	static int i;
	i ^= 1;
	return net_ip_fmt(ip, buf[i]);
}

static const char *ip6str(const struct in6_addr *a)
{
	static char buf[2][NET_IP6_STRLEN];
	static int i;
	i ^= 1;
	return net_ip6_fmt(a, buf[i]);
}

static const struct gw_cfg empty_cfg;

static bool has_route(const struct gw_cfg *c, const struct gw_cfg_route *r)
{
	return gw_cfg_route_find(c, r) != NULL;
}

static const struct gw_cfg_arp *find_arp(const struct gw_cfg *c, const struct gw_cfg_arp *a)
{
	return gw_cfg_arp_find(c, a->ip, a->ifname);
}

static const struct gw_cfg_mac *find_mac(const struct gw_cfg *c, const struct gw_cfg_mac *m)
{
	return gw_cfg_mac_find(c, m->bd_id, m->mac);
}

static struct fib_nh route_nh(const struct gw_cfg_route *r)
{
	struct fib_nh nh = {.kind = r->kind, .ip = r->nh};
	return nh;
}

/* The FIB of a VRF of the configuration ("" = default) on the gateway; NULL: not there. */
static struct fib *vrf_fib(struct gw *gw, const char *vrf)
{
	uint16_t vrfx;
	return gw_vrf_find(gw, vrf, &vrfx) ? gw_vrf_fib(gw, vrfx) : NULL;
}

/* The IPv6 FIB of a VRF of the configuration; NULL: not there. */
static struct fib6 *vrf_fib6(struct gw *gw, const char *vrf)
{
	uint16_t vrfx;
	return gw_vrf_find(gw, vrf, &vrfx) ? gw_vrf_fib6(gw, vrfx) : NULL;
}

/* A configured IPv6 next hop as the FIB takes it; false: its interface is not there. */
static bool route6_nh(struct gw *gw, const struct gw_cfg_route6 *r, struct fib6_nh *nh)
{
	memset(nh, 0, sizeof(*nh));
	nh->kind = r->kind;
	nh->ip = r->nh;
	nh->ifx = r->ifname[0] ? gw_if_by_name(gw, r->ifname) : 0;
	return !r->ifname[0] || nh->ifx;
}

/* ---------------------------------------------------------------- pass 1: removals */

static void remove_statics6(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->nbrs6.n; i++) {
		const struct gw_cfg_nbr6 *e = &old->nbrs6.v[i];
		uint16_t ifx = gw_if_by_name(gw, e->ifname);
		if (ifx && !gw_cfg_nbr6_find(new_, &e->ip, e->ifname))
			arp6_static_del(gw_nd(gw), ifx, &e->ip);
	}
	for (size_t i = 0; i < old->routes6.n; i++) {
		const struct gw_cfg_route6 *r = &old->routes6.v[i];
		struct fib6_nh nh;
		struct fib6 *fib = vrf_fib6(gw, r->vrf);
		if (fib && !gw_cfg_route6_find(new_, r) && route6_nh(gw, r, &nh))
			fib6_route_del(fib, &r->pfx, r->len, &nh);
	}
}

static void remove_statics(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->macs.n; i++)
		if (!find_mac(new_, &old->macs.v[i]))
			bd_mac_static_del(gw_bd(gw), old->macs.v[i].bd_id, old->macs.v[i].mac);
	for (size_t i = 0; i < old->arps.n; i++) {
		const struct gw_cfg_arp *a = &old->arps.v[i];
		uint16_t ifx = gw_if_by_name(gw, a->ifname);
		if (ifx && !find_arp(new_, a))
			arp_static_del(gw_arp(gw), ifx, a->ip);
	}
	for (size_t i = 0; i < old->routes.n; i++) {
		const struct gw_cfg_route *r = &old->routes.v[i];
		struct fib_nh nh = route_nh(r);
		struct fib *fib = vrf_fib(gw, r->vrf);
		if (fib && !has_route(new_, r))
			fib_route_del(fib, r->pfx, r->len, &nh);
	}
	remove_statics6(gw, old, new_);
}

static bool has_addr6(const struct gw_cfg_if *f, const struct in6_addr *a, uint8_t len)
{
	for (unsigned k = 0; k < f->n_addrs6; k++)
		if (net_ip6_eq(&f->addr6[k], a) && f->plen6[k] == len)
			return true;
	return false;
}

/* The IPv6 addresses of o that n does not have (n NULL: all of them) leave ifx. */
static void remove_addrs6(struct gw *gw, uint16_t ifx, const struct gw_cfg_if *o,
                          const struct gw_cfg_if *n)
{
	for (unsigned k = 0; k < o->n_addrs6; k++)
		if (!n || !has_addr6(n, &o->addr6[k], o->plen6[k]))
			gw_if_addr6_del(gw, ifx, &o->addr6[k], o->plen6[k]);
}

static void remove_interfaces(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->ifs.n; i++) {
		const struct gw_cfg_if *o = &old->ifs.v[i];
		const struct gw_cfg_if *n = gw_cfg_if_find(new_, o->name);
		uint16_t ifx = gw_if_by_name(gw, o->name);
		if (!ifx)
			continue;
		if (!n) {
			gw_if_del(gw, ifx);
			continue;
		}
		/* Addresses after the first difference in order go too (apply_if adds them back
		 * in the new order): the first one is the primary, the source of what the
		 * gateway sends. Otherwise a new primary was appended after the old secondaries
		 * and a reload gave another source than a restart (found by tests/fuzz). */
		unsigned same = 0;
		bool moves = strcmp(o->vrf, n->vrf) != 0;
		while (!moves && same < o->n_addrs && same < n->n_addrs &&
		       o->addr[same] == n->addr[same] && o->plen[same] == n->plen[same])
			same++;
		for (unsigned k = same; k < o->n_addrs; k++)
			gw_if_addr_del(gw, ifx, o->addr[k], o->plen[k]);
		remove_addrs6(gw, ifx, o, moves ? NULL : n);
		/* without addresses it can wait in the default VRF: its own may be going away */
		if (moves)
			gw_if_set_vrf(gw, ifx, GW_VRF_DEFAULT);
		/* a port that moves leaves first: its new bridge domain may be its old one's
		 * neighbour in a swap, or the old one may be deleted below */
		if (o->l2_bd && o->l2_bd != n->l2_bd)
			gw_if_set_l2_bd(gw, ifx, 0);
	}
}

static void remove_vrfs(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->vrfs.n; i++) {
		uint16_t vrfx;
		if (!gw_cfg_vrf_find(new_, old->vrfs.v[i].name) &&
		    gw_vrf_find(gw, old->vrfs.v[i].name, &vrfx))
			gw_vrf_del(gw, vrfx);
	}
}

static int add_vrfs(struct gw *gw, const struct gw_cfg *new_, char *err)
{
	for (size_t i = 0; i < new_->vrfs.n; i++) {
		uint16_t vrfx;
		int r = gw_vrf_add(gw, new_->vrfs.v[i].name, &vrfx);
		if (r != GW_OK && r != GW_E_EXISTS)
			return fail(err, "vrf %s: %s", new_->vrfs.v[i].name, gw_strerror(r));
	}
	return GW_CFG_OK;
}

static void remove_bds(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->bds.n; i++)
		if (!gw_cfg_bd_find(new_, old->bds.v[i].id))
			bd_del(gw_bd(gw), old->bds.v[i].id);
}

/* Lists of old that new does not have; those still in use are refused (GW_E_BUSY) and
 * deleted again after pass 3. */
static void remove_acls(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_)
{
	for (size_t i = 0; i < old->acls.n; i++) {
		const struct gw_cfg_acl *l = &old->acls.v[i];
		if (!gw_cfg_acl_find(new_, l->fam, l->name))
			gw_acl_del(gw, l->fam, l->name);
	}
}

/* ---------------------------------------------------------------- pass 2: settings */

/* New and changed lists, each in one step; unchanged ones that the gateway has are left. */
static int set_acls(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_, char *err)
{
	for (size_t i = 0; i < new_->acls.n; i++) {
		const struct gw_cfg_acl *l = &new_->acls.v[i];
		const struct gw_cfg_acl *o = gw_cfg_acl_find(old, l->fam, l->name);
		if (o && gw_cfg_acl_equal(o, l) && gw_acl_cls(gw, l->fam, l->name))
			continue;
		/* an empty list has no entry array; the API reads n of them from a pointer */
		static const struct acl_rule none;
		int r = gw_acl_set(gw, l->fam, l->name, l->n ? l->rules : &none, l->n);
		if (r != GW_OK)
			return fail(err, "%s access-list %s: %s", l->fam == ACL_IP6 ? "ipv6" : "ip",
			            l->name, gw_strerror(r));
	}
	return GW_CFG_OK;
}

static int bd_check(int r, char *err, uint32_t id, const char *what)
{
	if (r == BD_OK || r == BD_E_EXISTS)
		return GW_CFG_OK;
	return fail(err, "bridge-domain %u: %s: %s", id, what, bd_strerror(r));
}

/*
 * Underlay addresses become the data plane's VTEP names here (vxlan/vtep.h): an IPv4
 * address is its own name, an IPv6 one is named in the gateway's table (interned: a peer
 * or group the configuration adds gets its name now). 0: no name (the table is full).
 */
static uint32_t vtep6_name(struct gw *gw, const struct in6_addr *a)
{
	return gw_vtep_name(gw, AF_INET6, a);
}

/* The name an IPv6 address has already, 0 when none (nothing to remove then). */
static uint32_t vtep6_known(struct gw *gw, const struct in6_addr *a)
{
	return vx_vteps_find(gw_vteps(gw), a);
}

static bool has_peer6(const struct gw_cfg_bd *b, const struct in6_addr *a)
{
	for (uint32_t k = 0; k < b->n_peers6; k++)
		if (net_ip6_eq(&b->peers6[k], a))
			return true;
	return false;
}

/* The peers of o that n does not have leave first (room for both families is shared). */
static void remove_bd_peers(struct gw *gw, const struct gw_cfg_bd *o, const struct gw_cfg_bd *n)
{
	struct bd_table *t = gw_bd(gw);
	for (uint32_t k = 0; o && k < o->n_peers; k++) {
		bool keep = false;
		for (uint32_t j = 0; j < n->n_peers; j++)
			keep |= n->peers[j] == o->peers[k];
		if (!keep)
			bd_flood_peer_del(t, n->id, o->peers[k]);
	}
	for (uint32_t k = 0; o && k < o->n_peers6; k++) {
		uint32_t name = vtep6_known(gw, &o->peers6[k]);
		if (name && !has_peer6(n, &o->peers6[k]))
			bd_flood_peer_del(t, n->id, name);
	}
}

static int apply_bd_peers(struct gw *gw, const struct gw_cfg_bd *o, const struct gw_cfg_bd *n,
                          char *err)
{
	struct bd_table *t = gw_bd(gw);
	remove_bd_peers(gw, o, n);
	for (uint32_t k = 0; k < n->n_peers; k++)
		if (bd_check(bd_flood_peer_add(t, n->id, n->peers[k]), err, n->id, "flood-peer"))
			return GW_CFG_ERR;
	for (uint32_t k = 0; k < n->n_peers6; k++) {
		uint32_t name = vtep6_name(gw, &n->peers6[k]);
		if (!name)
			return fail(err, "bridge-domain %u: flood-peer %s: %s", n->id,
			            ip6str(&n->peers6[k]), gw_strerror(GW_E_FULL));
		if (bd_check(bd_flood_peer_add(t, n->id, name), err, n->id, "flood-peer"))
			return GW_CFG_ERR;
	}
	return GW_CFG_OK;
}

/* The flood group's name (0: none); false when an IPv6 group cannot be named. */
static bool bd_group_name(struct gw *gw, const struct gw_cfg_bd *n, uint32_t *name)
{
	*name = n->flood_group;
	if (!net_ip6_is_zero(&n->flood_group6))
		*name = vtep6_name(gw, &n->flood_group6);
	return *name != 0 || net_ip6_is_zero(&n->flood_group6);
}

static int apply_bd_group(struct gw *gw, const struct gw_cfg_bd *n, char *err)
{
	struct bd_table *t = gw_bd(gw);
	uint32_t name;
	if (!bd_group_name(gw, n, &name))
		return fail(err, "bridge-domain %u: flood-group %s: %s", n->id,
		            ip6str(&n->flood_group6), gw_strerror(GW_E_FULL));
	if (bd_flood_group(t, bd_index(t, n->id)) == name)
		return GW_CFG_OK;
	return bd_check(bd_set_flood_group(t, n->id, name), err, n->id, "flood-group");
}

static int apply_bd(struct gw *gw, const struct gw_cfg_bd *o, const struct gw_cfg_bd *n, char *err)
{
	struct bd_table *t = gw_bd(gw);
	if (bd_check(bd_add(t, n->id), err, n->id, "create") ||
	    (bd_vni(t, bd_index(t, n->id)) != n->vni &&
	     bd_check(bd_set_vni(t, n->id, n->vni), err, n->id, "vni")) ||
	    apply_bd_peers(gw, o, n, err) || apply_bd_group(gw, n, err) ||
	    bd_check(bd_set_mac_aging(t, n->id, n->mac_aging), err, n->id, "mac-aging") ||
	    bd_check(bd_set_mac_limit(t, n->id, n->mac_limit), err, n->id, "mac-limit"))
		return GW_CFG_ERR;
	return GW_CFG_OK;
}

static int apply_bds(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_, char *err)
{
	struct bd_table *t = gw_bd(gw);
	/* release VNIs that move, so that a swap between two bridge domains works */
	for (size_t i = 0; i < new_->bds.n; i++) {
		uint32_t bdx = bd_index(t, new_->bds.v[i].id);
		if (bdx != BD_NONE && bd_vni(t, bdx) != new_->bds.v[i].vni)
			bd_set_vni(t, new_->bds.v[i].id, 0);
	}
	for (size_t i = 0; i < new_->bds.n; i++)
		if (apply_bd(gw, gw_cfg_bd_find(old, new_->bds.v[i].id), &new_->bds.v[i], err))
			return GW_CFG_ERR;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- pass 3: additions */

static void derived_eth_mac(const char *name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x02, mac[1] = 0x76, mac[2] = 0x65; /* "ve" */
	mac[3] = (uint8_t)(h >> 16), mac[4] = (uint8_t)(h >> 8), mac[5] = (uint8_t)h;
}

/* An uplink without mac-address has its netdev's: a sub-interface shares its parent's.
 * An anycast-gateway BDIF has the fabric's MAC instead of its own (mac-address or derived). */
static int if_mac(const struct gw_cfg *c, const struct gw_cfg_if *n, const struct gw_cfg_env *env,
                  uint8_t mac[6], char *err)
{
	char dev[GW_IF_NAMELEN];
	uint32_t sub;
	if (n->anycast && c->anycast_mac_set) {
		memcpy(mac, c->anycast_mac, 6);
	} else if (n->mac_set) {
		memcpy(mac, n->mac, 6);
	} else if (n->kind == GW_IF_BDIF) {
		gw_bdif_default_mac(n->bd_id, mac);
	} else if (!gw_eth_name_split(n->name, dev, &sub)) {
		return fail(err, "interface %s: invalid name", n->name);
	} else if (env && env->eth_mac) {
		if (env->eth_mac(env->ctx, dev, mac, err))
			return GW_CFG_ERR;
	} else {
		derived_eth_mac(dev, mac);
	}
	return GW_CFG_OK;
}

/* VLANs that move between sub-interfaces are released first, so that a swap works. */
static void release_dot1q(struct gw *gw, const struct gw_cfg *new_)
{
	struct gw_if_info info;
	for (size_t i = 0; i < new_->ifs.n; i++) {
		uint16_t ifx = gw_if_by_name(gw, new_->ifs.v[i].name);
		if (ifx && gw_if_get(gw, ifx, &info) && info.subif &&
		    info.vlan != new_->ifs.v[i].dot1q)
			gw_if_set_dot1q(gw, ifx, 0);
	}
}

/* The link-local address and the RA settings, each only when it changes (a change sends
 * advertisements), then the global addresses that are missing. */
static int apply_if6(struct gw *gw, uint16_t ifx, const struct gw_cfg_if *n, char *err)
{
	struct gw_if_info info;
	if (!gw_if_get(gw, ifx, &info))
		return fail(err, "interface %s: %s", n->name, gw_strerror(GW_E_NOENT));
	int r = GW_OK;
	if (info.ll6_set != n->ll6_set || (n->ll6_set && !net_ip6_eq(&info.ll6, &n->ll6)))
		r = gw_if_set_ll6(gw, ifx, n->ll6_set ? &n->ll6 : NULL);
	if (r != GW_OK)
		return fail(err, "interface %s: ipv6 address %s link-local: %s", n->name,
		            ip6str(&n->ll6), gw_strerror(r));
	if (!gw_cfg_nd_equal(&info.nd, &n->nd) && (r = gw_if_set_nd(gw, ifx, &n->nd)) != GW_OK)
		return fail(err, "interface %s: ipv6 nd: %s", n->name, gw_strerror(r));
	for (unsigned k = 0; k < n->n_addrs6; k++) {
		r = gw_if_addr6_add(gw, ifx, &n->addr6[k], n->plen6[k]);
		if (r != GW_OK && r != GW_E_EXISTS)
			return fail(err, "interface %s: ipv6 address %s/%u: %s", n->name,
			            ip6str(&n->addr6[k]), n->plen6[k], gw_strerror(r));
	}
	return GW_CFG_OK;
}

/* The access groups that changed (the lists exist: set_acls ran). */
static int apply_if_acls(struct gw *gw, uint16_t ifx, const struct gw_cfg_if *n, char *err)
{
	static const int fams[2] = {ACL_IP4, ACL_IP6};
	for (int fx = 0; fx < 2; fx++)
		for (int dir = ACL_IN; dir <= ACL_OUT; dir++) {
			const char *want = gw_cfg_if_acl(n, fams[fx], dir);
			const char *have = gw_if_acl(gw, ifx, fams[fx], dir);
			if (want == have || (want && have && !strcmp(want, have)))
				continue;
			int r = gw_if_set_acl(gw, ifx, fams[fx], dir, want);
			if (r != GW_OK)
				return fail(err, "interface %s: %s %s %s: %s", n->name,
				            fx ? "ipv6 traffic-filter" : "ip access-group",
				            want ? want : "(none)", dir == ACL_OUT ? "out" : "in",
				            gw_strerror(r));
		}
	return GW_CFG_OK;
}

static int apply_if(struct gw *gw, const struct gw_cfg *c, const struct gw_cfg_if *n,
                    const struct gw_cfg_env *env, char *err)
{
	uint8_t mac[6];
	uint16_t ifx = gw_if_by_name(gw, n->name);
	if (if_mac(c, n, env, mac, err))
		return GW_CFG_ERR;
	int r = GW_OK;
	if (!ifx)
		r = n->kind == GW_IF_BDIF ? gw_bdif_add(gw, n->bd_id, &ifx)
		                          : gw_eth_add(gw, n->name, mac, &ifx);
	uint16_t vrfx = GW_VRF_DEFAULT;
	if (r == GW_OK && !gw_vrf_find(gw, n->vrf, &vrfx))
		return fail(err, "interface %s: vrf %s does not exist", n->name, n->vrf);
	if (r == GW_OK)
		r = gw_if_set_vrf(gw, ifx, vrfx);
	if (r == GW_OK)
		r = gw_if_set_mac(gw, ifx, mac);
	if (r == GW_OK && n->kind == GW_IF_BDIF)
		r = gw_if_set_anycast(gw, ifx, n->anycast);
	if (r == GW_OK)
		r = gw_if_set_mtu(gw, ifx, n->mtu ? n->mtu : GW_MTU_DEFAULT);
	if (r == GW_OK)
		r = gw_if_set_up(gw, ifx, !n->shutdown);
	if (r == GW_OK && n->dot1q)
		r = gw_if_set_dot1q(gw, ifx, n->dot1q);
	if (r == GW_OK && n->kind == GW_IF_ETH)
		r = gw_if_set_l2_bd(gw, ifx, n->l2_bd);
	if (r == GW_OK && apply_if6(gw, ifx, n, err))
		return GW_CFG_ERR;
	if (r == GW_OK && apply_if_acls(gw, ifx, n, err))
		return GW_CFG_ERR;
	for (unsigned k = 0; r == GW_OK && k < n->n_addrs; k++) {
		r = gw_if_addr_add(gw, ifx, n->addr[k], n->plen[k]);
		if (r == GW_E_EXISTS)
			r = GW_OK;
		if (r != GW_OK)
			return fail(err, "interface %s: ip address %s/%u: %s", n->name,
			            ipstr(n->addr[k]), n->plen[k], gw_strerror(r));
	}
	if (r != GW_OK)
		return fail(err, "interface %s: %s", n->name, gw_strerror(r));
	return GW_CFG_OK;
}

static int add_route6(struct gw *gw, const struct gw_cfg_route6 *r, char *err)
{
	struct fib6_nh nh;
	struct fib6 *fib = vrf_fib6(gw, r->vrf);
	int e =
	    fib && route6_nh(gw, r, &nh) ? fib6_route_add(fib, &r->pfx, r->len, &nh) : FIB_E_INVAL;
	if (e == FIB_OK || e == FIB_E_EXISTS)
		return GW_CFG_OK;
	return fail(err, "ipv6 route %s%s%s%s/%u: %s", r->vrf[0] ? "vrf " : "", r->vrf,
	            r->vrf[0] ? " " : "", ip6str(&r->pfx), r->len, fib_strerror(e));
}

static int add_statics6(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                        char *err)
{
	for (size_t i = 0; i < new_->routes6.n; i++)
		if (add_route6(gw, &new_->routes6.v[i], err))
			return GW_CFG_ERR;
	for (size_t i = 0; i < new_->nbrs6.n; i++) {
		const struct gw_cfg_nbr6 *e = &new_->nbrs6.v[i];
		const struct gw_cfg_nbr6 *o = gw_cfg_nbr6_find(old, &e->ip, e->ifname);
		if (o && !memcmp(o->mac, e->mac, 6))
			continue;
		uint16_t ifx = gw_if_by_name(gw, e->ifname);
		if (!ifx || arp6_static_add(gw_nd(gw), ifx, &e->ip, e->mac) != ARP_OK)
			return fail(err, "ipv6 neighbor %s on %s: could not install",
			            ip6str(&e->ip), e->ifname);
	}
	return GW_CFG_OK;
}

/* Static MACs that are new or point elsewhere: behind a VTEP, or on a port (its ifx). */
static int add_macs(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_, char *err)
{
	for (size_t i = 0; i < new_->macs.n; i++) {
		const struct gw_cfg_mac *m = &new_->macs.v[i], *o = find_mac(old, m);
		if (o && o->vtep == m->vtep && net_ip6_eq(&o->vtep6, &m->vtep6) &&
		    !strcmp(o->ifname, m->ifname))
			continue;
		uint32_t dest = m->ifname[0]                  ? gw_if_by_name(gw, m->ifname)
		                : !net_ip6_is_zero(&m->vtep6) ? vtep6_name(gw, &m->vtep6)
		                                              : m->vtep;
		int e = dest ? bd_mac_static_add(gw_bd(gw), m->bd_id, m->mac, dest) : BD_E_INVAL;
		if (e != BD_OK && e != BD_E_EXISTS)
			return fail(err, "static MAC in bridge-domain %u: %s", m->bd_id,
			            bd_strerror(e));
	}
	return GW_CFG_OK;
}

static int add_statics(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                       char *err)
{
	for (size_t i = 0; i < new_->routes.n; i++) {
		const struct gw_cfg_route *r = &new_->routes.v[i];
		struct fib_nh nh = route_nh(r);
		struct fib *fib = vrf_fib(gw, r->vrf);
		int e = fib ? fib_route_add(fib, r->pfx, r->len, &nh) : FIB_E_INVAL;
		if (e != FIB_OK && e != FIB_E_EXISTS)
			return fail(err, "ip route %s%s%s%s/%u: %s", r->vrf[0] ? "vrf " : "",
			            r->vrf, r->vrf[0] ? " " : "", ipstr(r->pfx), r->len,
			            fib_strerror(e));
	}
	for (size_t i = 0; i < new_->arps.n; i++) {
		const struct gw_cfg_arp *a = &new_->arps.v[i], *o = find_arp(old, a);
		if (o && !memcmp(o->mac, a->mac, 6))
			continue;
		uint16_t ifx = gw_if_by_name(gw, a->ifname);
		if (!ifx || arp_static_add(gw_arp(gw), ifx, a->ip, a->mac) != ARP_OK)
			return fail(err, "arp %s on %s: could not install", ipstr(a->ip),
			            a->ifname);
	}
	if (add_statics6(gw, old, new_, err))
		return GW_CFG_ERR;
	return add_macs(gw, old, new_, err);
}

/* vxlan source (both families), udp-port, dscp and udp6-zero-checksum, where they changed. */
static int apply_underlay(struct gw *gw, const struct gw_cfg *n, char *err)
{
	if (n->vtep != gw_vtep(gw) || n->udp_port != gw_udp_port(gw))
		gw_set_vtep(gw, n->vtep, n->udp_port);
	const struct in6_addr *have = gw_vtep6(gw);
	bool want = !net_ip6_is_zero(&n->vtep6);
	int r = GW_OK;
	if (want != (have != NULL) || (want && !net_ip6_eq(have, &n->vtep6)))
		r = gw_set_vtep6(gw, want ? &n->vtep6 : NULL);
	if (r != GW_OK)
		return fail(err, "vxlan source %s: %s", ip6str(&n->vtep6), gw_strerror(r));
	if (n->vx_dscp != gw_vx_dscp(gw) && (r = gw_set_vx_dscp(gw, n->vx_dscp)) != GW_OK)
		return fail(err, "vxlan dscp: %s", gw_strerror(r));
	if (n->udp6_zero_csum_rx != gw_udp6_zero_csum_rx(gw) ||
	    n->udp6_zero_csum_tx != gw_udp6_zero_csum_tx(gw))
		gw_set_udp6_zero_csum(gw, n->udp6_zero_csum_rx, n->udp6_zero_csum_tx);
	return GW_CFG_OK;
}

static int apply_diff(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                      const struct gw_cfg_env *env, char *err)
{
	remove_statics(gw, old, new_);
	remove_interfaces(gw, old, new_);
	remove_bds(gw, old, new_);
	remove_vrfs(gw, old, new_);
	remove_acls(gw, old, new_);
	if (apply_underlay(gw, new_, err) || add_vrfs(gw, new_, err) ||
	    apply_bds(gw, old, new_, err) || set_acls(gw, old, new_, err))
		return GW_CFG_ERR;
	release_dot1q(gw, new_);
	for (size_t i = 0; i < new_->ifs.n; i++)
		if (apply_if(gw, new_, &new_->ifs.v[i], env, err))
			return GW_CFG_ERR;
	remove_acls(gw, old, new_); /* those that interfaces used until pass 3 */
	return add_statics(gw, old, new_, err);
}

int gw_cfg_apply(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                 const struct gw_cfg_env *env, char *err)
{
	if (gw_cfg_check(new_, err))
		return GW_CFG_ERR;
	return gw_cfg_apply_checked(gw, old, new_, env, err);
}

int gw_cfg_apply_checked(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                         const struct gw_cfg_env *env, char *err)
{
	if (!old)
		old = &empty_cfg;
	if (env && env->prepare && env->prepare(env->ctx, new_, err) != GW_CFG_OK)
		return GW_CFG_ERR;
	if (apply_diff(gw, old, new_, env, err) == GW_CFG_OK)
		return GW_CFG_OK;
	/* half-way: put back what we had; the error of the forward step is what counts */
	char ignored[GW_CFG_ERRLEN];
	apply_diff(gw, new_, old, env, ignored);
	return GW_CFG_ERR;
}
