/*
 * gw/config/config.c - the configuration model: validated setters, whole-config checks, and
 * the diff that moves a running gateway from one configuration to the next.
 */
#include "gw/config/config.h"
#include "gw/config/config_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "vxlan/vxlan.h"

/* ---------------------------------------------------------------- helpers */

int gw_cfg_fail(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err)
		vsnprintf(err, GW_CFG_ERRLEN, fmt, ap);
	va_end(ap);
	return GW_CFG_ERR;
}

#define fail gw_cfg_fail

/* Sorted-vector primitives (gw/config/config_int.h): find by binary search, insert at a
 * position, remove. */
size_t gw_cfg_vec_lower(const void *base, size_t n, size_t sz, const void *key, gw_cfg_cmp_fn cmp,
                        bool *found)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp(key, (const char *)base + mid * sz) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n && cmp(key, (const char *)base + lo * sz) == 0;
	return lo;
}

void *gw_cfg_vec_insert(void **base, size_t *n, size_t *cap, size_t sz, size_t at)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *nb = realloc(*base, ncap * sz);
		if (!nb)
			return NULL;
		*base = nb;
		*cap = ncap;
	}
	char *b = *base;
	memmove(b + (at + 1) * sz, b + at * sz, (*n - at) * sz);
	(*n)++;
	memset(b + at * sz, 0, sz);
	return b + at * sz;
}

void gw_cfg_vec_remove(void *base, size_t *n, size_t sz, size_t at)
{
	char *b = base;
	memmove(b + at * sz, b + (at + 1) * sz, (*n - at - 1) * sz);
	(*n)--;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_bd(const void *k, const void *e)
{
	return cmp_u32(((const struct gw_cfg_bd *)k)->id, ((const struct gw_cfg_bd *)e)->id);
}

/* BDIFs first in bridge-domain order, then uplinks by name. */
static int cmp_if(const void *k, const void *e)
{
	const struct gw_cfg_if *a = k, *b = e;
	if (a->kind != b->kind)
		return a->kind == GW_IF_BDIF ? -1 : 1;
	if (a->kind == GW_IF_BDIF)
		return cmp_u32(a->bd_id, b->bd_id);
	return strcmp(a->name, b->name);
}

/* The default VRF ("") first, then the tenants by name. */
static int cmp_route(const void *k, const void *e)
{
	const struct gw_cfg_route *a = k, *b = e;
	int r = strcmp(a->vrf, b->vrf);
	if (!r)
		r = cmp_u32(a->pfx, b->pfx);
	if (!r)
		r = cmp_u32(a->len, b->len);
	if (!r)
		r = cmp_u32(a->kind, b->kind);
	return r ? r : cmp_u32(a->nh, b->nh);
}

static int cmp_vrf(const void *k, const void *e)
{
	return strcmp(((const struct gw_cfg_vrf *)k)->name, ((const struct gw_cfg_vrf *)e)->name);
}

static int cmp_arp(const void *k, const void *e)
{
	const struct gw_cfg_arp *a = k, *b = e;
	int r = strcmp(a->ifname, b->ifname);
	return r ? r : cmp_u32(a->ip, b->ip);
}

static int cmp_mac(const void *k, const void *e)
{
	const struct gw_cfg_mac *a = k, *b = e;
	int r = cmp_u32(a->bd_id, b->bd_id);
	return r ? r : memcmp(a->mac, b->mac, 6);
}

static int cmp_ip6(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a));
}

static int cmp_route6(const void *k, const void *e)
{
	const struct gw_cfg_route6 *a = k, *b = e;
	int r = strcmp(a->vrf, b->vrf);
	if (!r)
		r = cmp_ip6(&a->pfx, &b->pfx);
	if (!r)
		r = cmp_u32(a->len, b->len);
	if (!r)
		r = cmp_u32(a->kind, b->kind);
	if (!r)
		r = cmp_ip6(&a->nh, &b->nh);
	return r ? r : strcmp(a->ifname, b->ifname);
}

static int cmp_nbr6(const void *k, const void *e)
{
	const struct gw_cfg_nbr6 *a = k, *b = e;
	int r = strcmp(a->ifname, b->ifname);
	return r ? r : cmp_ip6(&a->ip, &b->ip);
}

static const char *ip6str(const struct in6_addr *a)
{
	static char buf[4][NET_IP6_STRLEN];
	static int i;
	i = (i + 1) % 4;
	return net_ip6_fmt(a, buf[i]);
}

static const char *nh6str(const struct gw_cfg_route6 *r)
{
	static char buf[2][NET_IP6_STRLEN + GW_IF_NAMELEN + 1];
	static int i;
	i ^= 1;
	if (r->kind == FIB_NH_NULL0)
		return "null0";
	snprintf(buf[i], sizeof(buf[i]), "%s%s%s", ip6str(&r->nh), r->ifname[0] ? " " : "",
	         r->ifname);
	return buf[i];
}

static const char *ipstr(uint32_t ip)
{
	static char buf[4][NET_IP_STRLEN];
	static int i;
	i = (i + 1) % 4;
	return net_ip_fmt(ip, buf[i]);
}

static const char *macstr(const uint8_t *mac)
{
	static char buf[NET_MAC_STRLEN];
	return net_mac_fmt(mac, buf);
}

/* A unicast address a host can have: not 0/8, multicast, class E or broadcast. */
static bool ip_is_unicast(uint32_t ip)
{
	return (ip >> 24) != 0 && !net_ip_is_mcast(ip) && ip < 0xf0000000u;
}

/* An IPv4-mapped IPv6 address (::ffff:0:0/96): an IPv4 host written as IPv6. */
static bool ip6_is_v4mapped(const struct in6_addr *a)
{
	static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return !memcmp(a->s6_addr, pfx, sizeof(pfx));
}

/*
 * Can IPv6 address a be a VTEP (ours or a peer), given to `word`? A routable unicast
 * address: not unspecified, loopback, multicast or link-local (the data plane has no
 * interface to scope it to), nor IPv4-mapped (an IPv4 VTEP is written as one).
 */
static int vtep6_check(const char *word, const struct in6_addr *a, char *err)
{
	const char *why = net_ip6_is_zero(a)        ? "is unspecified"
	                  : net_ip6_is_loopback(a)  ? "is the loopback address"
	                  : net_ip6_is_mcast(a)     ? "is not a unicast address"
	                  : net_ip6_is_linklocal(a) ? "is link-local"
	                  : ip6_is_v4mapped(a)      ? "is IPv4-mapped (write the IPv4 address)"
	                                            : NULL;
	if (why)
		return fail(err, "%s %s %s: a VTEP needs a routable unicast address", word,
		            ip6str(a), why);
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- lifecycle */

struct gw_cfg *gw_cfg_new(void)
{
	struct gw_cfg *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->hostname, sizeof(c->hostname), "%s", GW_CFG_HOSTNAME_DEFAULT);
	c->udp_port = VX_UDP_PORT;
	c->vty_timeout = GW_CFG_VTY_TIMEOUT_DEFAULT;
	c->workers = GW_CFG_WORKERS_AUTO;
	return c;
}

void gw_cfg_free(struct gw_cfg *c)
{
	if (!c)
		return;
	free(c->vrfs.v);
	free(c->bds.v);
	free(c->ifs.v);
	free(c->routes.v);
	free(c->arps.v);
	free(c->macs.v);
	free(c->users.v);
	free(c->routes6.v);
	free(c->nbrs6.v);
	gw_cfg_acls_free(c);
	free(c);
}

static bool dup_array(void **dst, const void *src, size_t n, size_t sz, size_t *cap)
{
	*dst = NULL;
	*cap = n;
	if (!n)
		return true;
	*dst = malloc(n * sz);
	if (!*dst)
		return false;
	memcpy(*dst, src, n * sz);
	return true;
}

#define VEC_DUP(d, s) dup_array((void **)&(d).v, (s).v, (s).n, sizeof(*(s).v), &(d).cap)

struct gw_cfg *gw_cfg_clone(const struct gw_cfg *c)
{
	struct gw_cfg *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	*d = *c;
	bool ok = VEC_DUP(d->vrfs, c->vrfs);
	ok = VEC_DUP(d->bds, c->bds) && ok;
	ok = VEC_DUP(d->ifs, c->ifs) && ok;
	ok = VEC_DUP(d->routes, c->routes) && ok;
	ok = VEC_DUP(d->arps, c->arps) && ok;
	ok = VEC_DUP(d->macs, c->macs) && ok;
	ok = VEC_DUP(d->users, c->users) && ok;
	ok = VEC_DUP(d->routes6, c->routes6) && ok;
	ok = VEC_DUP(d->nbrs6, c->nbrs6) && ok;
	ok = gw_cfg_acls_dup(d, c) && ok;
	if (!ok) {
		gw_cfg_free(d);
		return NULL;
	}
	return d;
}

#define VEC_EQ(a, b) ((a).n == (b).n && (!(a).n || !memcmp((a).v, (b).v, (a).n * sizeof(*(a).v))))

bool gw_cfg_equal(const struct gw_cfg *a, const struct gw_cfg *b)
{
	return !strcmp(a->hostname, b->hostname) && a->vtep == b->vtep &&
	       net_ip6_eq(&a->vtep6, &b->vtep6) && a->vx_dscp == b->vx_dscp &&
	       a->udp6_zero_csum_rx == b->udp6_zero_csum_rx &&
	       a->udp6_zero_csum_tx == b->udp6_zero_csum_tx && a->udp_port == b->udp_port &&
	       VEC_EQ(a->vrfs, b->vrfs) && VEC_EQ(a->bds, b->bds) && VEC_EQ(a->ifs, b->ifs) &&
	       VEC_EQ(a->routes, b->routes) && VEC_EQ(a->arps, b->arps) &&
	       VEC_EQ(a->macs, b->macs) && VEC_EQ(a->users, b->users) &&
	       VEC_EQ(a->routes6, b->routes6) && VEC_EQ(a->nbrs6, b->nbrs6) &&
	       gw_cfg_acls_equal(a, b) && !strcmp(a->vty_acl, b->vty_acl) &&
	       !strcmp(a->metrics_acl, b->metrics_acl) &&
	       !strcmp(a->enable_secret, b->enable_secret) && a->vty == b->vty &&
	       a->vty_addr == b->vty_addr && a->vty_port == b->vty_port &&
	       a->vty_timeout == b->vty_timeout && a->anycast_mac_set == b->anycast_mac_set &&
	       !memcmp(a->anycast_mac, b->anycast_mac, 6) && a->metrics_addr == b->metrics_addr &&
	       a->metrics_port == b->metrics_port && a->workers == b->workers && a->io == b->io &&
	       a->busy_poll_us == b->busy_poll_us;
}

/* ---------------------------------------------------------------- global */

int gw_cfg_set_hostname(struct gw_cfg *c, const char *name, char *err)
{
	size_t n = strlen(name);
	if (n == 0 || n >= GW_CFG_HOSTLEN)
		return fail(err, "hostname \"%s\" must be 1-%d characters", name,
		            GW_CFG_HOSTLEN - 1);
	if (!isalnum((unsigned char)name[0]))
		return fail(err, "hostname \"%s\" must start with a letter or digit", name);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return fail(err, "hostname \"%s\": character '%c' not allowed", name,
			            name[i]);
	memcpy(c->hostname, name, n + 1);
	return GW_CFG_OK;
}

int gw_cfg_set_vtep(struct gw_cfg *c, uint32_t src, char *err)
{
	if (src && !ip_is_unicast(src))
		return fail(err, "vxlan source %s is not a unicast address", ipstr(src));
	c->vtep = src;
	return GW_CFG_OK;
}

int gw_cfg_set_vtep6(struct gw_cfg *c, const struct in6_addr *src, char *err)
{
	static const struct in6_addr none;
	if (src && !net_ip6_is_zero(src) && vtep6_check("vxlan source", src, err))
		return GW_CFG_ERR;
	c->vtep6 = src ? *src : none;
	return GW_CFG_OK;
}

int gw_cfg_set_vx_dscp(struct gw_cfg *c, int dscp, char *err)
{
	if (dscp != VX_DSCP_INHERIT && (dscp < 0 || dscp > VX_DSCP_MAX))
		return fail(err, "vxlan dscp %d out of range 0-%d", dscp, VX_DSCP_MAX);
	c->vx_dscp = dscp;
	return GW_CFG_OK;
}

int gw_cfg_set_udp6_zero_csum(struct gw_cfg *c, enum gw_cfg_udp6_dir dir, bool on, char *err)
{
	(void)err;
	if (dir == GW_CFG_UDP6_RX)
		c->udp6_zero_csum_rx = on;
	else
		c->udp6_zero_csum_tx = on;
	return GW_CFG_OK;
}

int gw_cfg_set_udp_port(struct gw_cfg *c, uint32_t port, char *err)
{
	if (port > GW_CFG_PORT_MAX)
		return fail(err, "udp-port %u out of range 1-%u", port, GW_CFG_PORT_MAX);
	c->udp_port = port ? (uint16_t)port : VX_UDP_PORT;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- VRFs */

/* Zero-filled, so that gw_cfg_equal's whole-struct comparison sees equal names equal. */
static void vrf_name_set(char dst[GW_VRF_NAMELEN], const char *vrf)
{
	memset(dst, 0, GW_VRF_NAMELEN);
	if (!gw_vrf_name_is_default(vrf))
		snprintf(dst, GW_VRF_NAMELEN, "%s", vrf);
}

static int vrf_name_check(const char *name, char *err)
{
	size_t n = strlen(name);
	if (n == 0 || n >= GW_VRF_NAMELEN || !isalpha((unsigned char)name[0]))
		return fail(err,
		            "vrf name \"%s\": 1-%d letters, digits, - _ . starting with a letter",
		            name, GW_VRF_NAMELEN - 1);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return fail(err, "vrf name \"%s\": character '%c' not allowed", name,
			            name[i]);
	/* words of the show commands: `show vrf json`, `show ip route vrf all` */
	if (!strcmp(name, "default") || !strcmp(name, "all") || !strcmp(name, "json"))
		return fail(err, "vrf name \"%s\" is reserved", name);
	return GW_CFG_OK;
}

const struct gw_cfg_vrf *gw_cfg_vrf_find(const struct gw_cfg *c, const char *name)
{
	struct gw_cfg_vrf key;
	vrf_name_set(key.name, name);
	bool found;
	size_t at = VEC_FIND(c->vrfs, &key, cmp_vrf, &found);
	return found ? &c->vrfs.v[at] : NULL;
}

/* A VRF that an interface or a static route refers to: NULL when the VRF is unused. */
static const char *vrf_user(const struct gw_cfg *c, const char *name, char *buf, size_t len)
{
	for (size_t i = 0; i < c->ifs.n; i++)
		if (!strcmp(c->ifs.v[i].vrf, name)) {
			snprintf(buf, len, "interface %s", c->ifs.v[i].name);
			return buf;
		}
	for (size_t i = 0; i < c->routes.n; i++)
		if (!strcmp(c->routes.v[i].vrf, name)) {
			snprintf(buf, len, "ip route vrf %s %s/%u", name, ipstr(c->routes.v[i].pfx),
			         c->routes.v[i].len);
			return buf;
		}
	for (size_t i = 0; i < c->routes6.n; i++)
		if (!strcmp(c->routes6.v[i].vrf, name)) {
			snprintf(buf, len, "ipv6 route vrf %s %s/%u", name,
			         ip6str(&c->routes6.v[i].pfx), c->routes6.v[i].len);
			return buf;
		}
	return NULL;
}

int gw_cfg_vrf(struct gw_cfg *c, const char *name, bool add, char *err)
{
	if (!strcmp(name, "default"))
		return fail(err, "vrf default always exists");
	if (vrf_name_check(name, err))
		return GW_CFG_ERR;
	struct gw_cfg_vrf key;
	vrf_name_set(key.name, name);
	bool found;
	size_t at = VEC_FIND(c->vrfs, &key, cmp_vrf, &found);
	if (!add) {
		char user[128];
		if (!found)
			return fail(err, "vrf %s does not exist", name);
		if (vrf_user(c, name, user, sizeof(user)))
			return fail(err, "vrf %s is still used by %s", name, user);
		VEC_REMOVE(c->vrfs, at);
		return GW_CFG_OK;
	}
	if (found)
		return GW_CFG_OK;
	if (c->vrfs.n >= GW_VRF_MAX - 1)
		return fail(err, "vrf %s: at most %d VRFs besides the default", name,
		            GW_VRF_MAX - 1);
	struct gw_cfg_vrf *v = VEC_INSERT(c->vrfs, at);
	if (!v)
		return fail(err, "out of memory");
	*v = key;
	return GW_CFG_OK;
}

int gw_cfg_set_anycast_mac(struct gw_cfg *c, const uint8_t *mac, char *err)
{
	if (!mac) {
		c->anycast_mac_set = false;
		memset(c->anycast_mac, 0, 6);
		return GW_CFG_OK;
	}
	if (net_mac_is_mcast(mac) || net_mac_is_zero(mac))
		return fail(err, "fabric anycast-gateway-mac %s is not a unicast MAC", macstr(mac));
	c->anycast_mac_set = true;
	memcpy(c->anycast_mac, mac, 6);
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- bridge domains */

struct gw_cfg_bd *gw_cfg_bd_find(const struct gw_cfg *c, uint32_t id)
{
	struct gw_cfg_bd key = {.id = id};
	bool found;
	size_t at = VEC_FIND(c->bds, &key, cmp_bd, &found);
	return found ? &c->bds.v[at] : NULL;
}

static struct gw_cfg_bd *cfg_bd_get(const struct gw_cfg *c, uint32_t id, char *err)
{
	struct gw_cfg_bd *bd = gw_cfg_bd_find(c, id);
	if (!bd)
		fail(err, "bridge-domain %u does not exist", id);
	return bd;
}

int gw_cfg_bd_add(struct gw_cfg *c, uint32_t id, char *err)
{
	if (id == 0 || id > BD_ID_MAX)
		return fail(err, "bridge-domain %u out of range 1-%u", id, BD_ID_MAX);
	struct gw_cfg_bd key = {.id = id};
	bool found;
	size_t at = VEC_FIND(c->bds, &key, cmp_bd, &found);
	if (found)
		return GW_CFG_OK;
	if (c->bds.n >= BD_MAX)
		return fail(err, "bridge-domain %u: at most %d bridge domains", id, BD_MAX);
	struct gw_cfg_bd *bd = VEC_INSERT(c->bds, at);
	if (!bd)
		return fail(err, "out of memory");
	bd->id = id;
	bd->mac_aging = BD_MAC_AGING_DEFAULT;
	bd->mac_limit = BD_MAC_LIMIT_DEFAULT;
	return GW_CFG_OK;
}

int gw_cfg_bd_del(struct gw_cfg *c, uint32_t id, char *err)
{
	struct gw_cfg_bd key = {.id = id};
	bool found;
	size_t at = VEC_FIND(c->bds, &key, cmp_bd, &found);
	if (!found)
		return fail(err, "bridge-domain %u does not exist", id);
	for (size_t i = 0; i < c->ifs.n; i++)
		if (c->ifs.v[i].l2_bd == id)
			return fail(err,
			            "bridge-domain %u still has port %s (no bridge-domain under "
			            "interface ethernet %s first)",
			            id, c->ifs.v[i].name, c->ifs.v[i].name);
	VEC_REMOVE(c->bds, at);
	return GW_CFG_OK;
}

int gw_cfg_bd_set_vni(struct gw_cfg *c, uint32_t id, uint32_t vni, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (vni > VX_VNI_MAX)
		return fail(err, "vni %u out of range 1-%u", vni, VX_VNI_MAX);
	for (size_t i = 0; vni && i < c->bds.n; i++)
		if (c->bds.v[i].vni == vni && c->bds.v[i].id != id)
			return fail(err, "vni %u is already used by bridge-domain %u", vni,
			            c->bds.v[i].id);
	bd->vni = vni;
	return GW_CFG_OK;
}

static int cmp_u32_at(const void *k, const void *e)
{
	return cmp_u32(*(const uint32_t *)k, *(const uint32_t *)e);
}

static int cmp_ip6_at(const void *k, const void *e)
{
	return cmp_ip6(k, e);
}

/* One family's sorted peer array of a bridge domain: its elements, how many, their size. */
struct peer_list {
	void *v;
	uint32_t *n;
	size_t sz;
	gw_cfg_cmp_fn cmp;
};

/* Adds or removes peer key (written `text`) in list l of bd; the room is shared by both
 * families. A vacated slot is zeroed: gw_cfg_equal compares whole structs (found by
 * tests/fuzz/fuzz_config). */
static int bd_peer_edit(struct gw_cfg_bd *bd, const struct peer_list *l, const void *key,
                        const char *text, bool add, char *err)
{
	bool found;
	size_t at = gw_cfg_vec_lower(l->v, *l->n, l->sz, key, l->cmp, &found);
	char *b = l->v;
	if (!add) {
		if (!found)
			return fail(err, "flood-peer %s is not configured", text);
		memmove(b + at * l->sz, b + (at + 1) * l->sz, (*l->n - at - 1) * l->sz);
		(*l->n)--;
		memset(b + *l->n * l->sz, 0, l->sz);
		return GW_CFG_OK;
	}
	if (found)
		return GW_CFG_OK;
	if (bd->n_peers + bd->n_peers6 >= BD_PEERS_MAX)
		return fail(err, "flood-peer %s: at most %d per bridge domain", text, BD_PEERS_MAX);
	memmove(b + (at + 1) * l->sz, b + at * l->sz, (*l->n - at) * l->sz);
	memcpy(b + at * l->sz, key, l->sz);
	(*l->n)++;
	return GW_CFG_OK;
}

int gw_cfg_bd_peer(struct gw_cfg *c, uint32_t id, uint32_t vtep, bool add, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (add && !ip_is_unicast(vtep))
		return fail(err, "flood-peer %s is not a unicast address", ipstr(vtep));
	struct peer_list l = {bd->peers, &bd->n_peers, sizeof(vtep), cmp_u32_at};
	return bd_peer_edit(bd, &l, &vtep, ipstr(vtep), add, err);
}

int gw_cfg_bd_peer6(struct gw_cfg *c, uint32_t id, const struct in6_addr *vtep, bool add, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (add && vtep6_check("flood-peer", vtep, err))
		return GW_CFG_ERR;
	struct peer_list l = {bd->peers6, &bd->n_peers6, sizeof(*vtep), cmp_ip6_at};
	return bd_peer_edit(bd, &l, vtep, ip6str(vtep), add, err);
}

int gw_cfg_bd_set_group(struct gw_cfg *c, uint32_t id, uint32_t group, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (group && (!net_ip_is_mcast(group) || (group >> 8) == 0xe00000u))
		return fail(
		    err,
		    "flood-group %s is not a routable multicast group (224.0.1.0-239.255.255.255)",
		    ipstr(group));
	bd->flood_group = group;
	memset(&bd->flood_group6, 0, sizeof(bd->flood_group6));
	return GW_CFG_OK;
}

/* The scope of an IPv6 multicast address (RFC 4291 2.7): its fourth nibble. */
#define MCAST6_SCOPE_ADMIN  0x4 /* admin-local: the narrowest an underlay group may have */
#define MCAST6_SCOPE_GLOBAL 0xe

static unsigned mcast6_scope(const struct in6_addr *a)
{
	return a->s6_addr[1] & 0x0fu;
}

int gw_cfg_bd_set_group6(struct gw_cfg *c, uint32_t id, const struct in6_addr *group, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (!group || net_ip6_is_zero(group))
		return gw_cfg_bd_set_group(c, id, 0, err);
	if (!net_ip6_is_mcast(group))
		return fail(err, "flood-group %s is not a multicast group (ff00::/8)",
		            ip6str(group));
	unsigned scope = mcast6_scope(group);
	if (scope < MCAST6_SCOPE_ADMIN || scope > MCAST6_SCOPE_GLOBAL)
		return fail(err,
		            "flood-group %s has scope %x: an underlay group needs scope "
		            "admin-local (ff04::/16) to global (ff0e::/16)",
		            ip6str(group), scope);
	bd->flood_group = 0;
	bd->flood_group6 = *group;
	return GW_CFG_OK;
}

int gw_cfg_bd_set_aging(struct gw_cfg *c, uint32_t id, uint32_t secs, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (secs > BD_MAC_AGING_MAX)
		return fail(err, "mac-aging %u out of range 0-%u", secs, BD_MAC_AGING_MAX);
	bd->mac_aging = secs;
	return GW_CFG_OK;
}

int gw_cfg_bd_set_limit(struct gw_cfg *c, uint32_t id, uint32_t limit, char *err)
{
	struct gw_cfg_bd *bd = cfg_bd_get(c, id, err);
	if (!bd)
		return GW_CFG_ERR;
	if (limit < 1 || limit > BD_MAC_LIMIT_MAX)
		return fail(err, "mac-limit %u out of range 1-%u", limit, BD_MAC_LIMIT_MAX);
	bd->mac_limit = limit;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- interfaces */

static bool netdev_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= GW_IF_NAMELEN || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)name[i]) || name[i] == '/' || name[i] == ':')
			return false;
	return strncmp(name, "bdif", 4) != 0 && strcmp(name, "null0") != 0;
}

/* An uplink name: a netdev, or NETDEV.N for a sub-interface of one. */
static bool eth_name_ok(const char *name)
{
	char dev[GW_IF_NAMELEN];
	uint32_t sub;
	return netdev_name_ok(name) && gw_eth_name_split(name, dev, &sub) && netdev_name_ok(dev);
}

static struct gw_cfg_if if_key(const char *name)
{
	struct gw_cfg_if k = {0};
	char *end;
	snprintf(k.name, sizeof(k.name), "%s", name);
	if (!strncmp(name, "bdif", 4) && isdigit((unsigned char)name[4])) {
		k.kind = GW_IF_BDIF;
		k.bd_id = (uint32_t)strtoul(name + 4, &end, 10);
	} else {
		k.kind = GW_IF_ETH;
	}
	return k;
}

struct gw_cfg_if *gw_cfg_if_find(const struct gw_cfg *c, const char *name)
{
	struct gw_cfg_if key = if_key(name);
	bool found;
	size_t at = VEC_FIND(c->ifs, &key, cmp_if, &found);
	return found && !strcmp(c->ifs.v[at].name, name) ? &c->ifs.v[at] : NULL;
}

static struct gw_cfg_if *cfg_if_get(const struct gw_cfg *c, const char *name, char *err)
{
	struct gw_cfg_if *i = gw_cfg_if_find(c, name);
	if (!i)
		fail(err, "interface %s does not exist", name);
	return i;
}

/*
 * What an L2 port (` bridge-domain N`) cannot have: the word that configures it, what it
 * is, and what the BDIF of the bridge domain does instead (it routes for the port).
 */
enum l3_part { L3_ADDR, L3_ADDR6, L3_VRF, L3_ND, L3_NONE };
static const struct {
	const char *word, *what, *bdif_does;
} l3_parts[] = {
    [L3_ADDR] = {"ip address", "IP address", "has them"},
    [L3_ADDR6] = {"ipv6 address", "IPv6 address", "has them"},
    [L3_VRF] = {"vrf", "vrf", "is in one"},
    [L3_ND] = {"ipv6 nd", "ipv6 nd settings", "advertises"},
};

/* The first L3 setting interface f has, L3_NONE when it has none. */
static enum l3_part if_l3_part(const struct gw_cfg_if *f)
{
	static const struct gw_nd_cfg nd_default;
	if (f->n_addrs)
		return L3_ADDR;
	if (f->n_addrs6 || f->ll6_set)
		return L3_ADDR6;
	if (f->vrf[0])
		return L3_VRF;
	if (!gw_cfg_nd_equal(&f->nd, &nd_default))
		return L3_ND;
	return L3_NONE;
}

/* Port f cannot have part: the message says why and what has it instead. */
static int port_refuses(const struct gw_cfg_if *f, enum l3_part part, char *err)
{
	return fail(err,
	            "%s is a port of bridge-domain %u: an L2 port has no %s (the BDIF of "
	            "bridge-domain %u %s)",
	            f->name, f->l2_bd, l3_parts[part].what, f->l2_bd, l3_parts[part].bdif_does);
}

/* cfg_if_get for a setter of an L3 part: refused on a port when it sets (not clears) it. */
static struct gw_cfg_if *cfg_l3_if_get(const struct gw_cfg *c, const char *name, bool sets,
                                       enum l3_part part, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (i && sets && i->l2_bd) {
		port_refuses(i, part, err);
		return NULL;
	}
	return i;
}

int gw_cfg_if_add(struct gw_cfg *c, uint8_t kind, const char *name, uint32_t bd_id, char *err)
{
	struct gw_cfg_if key = {.kind = kind, .bd_id = bd_id};
	if (kind == GW_IF_BDIF) {
		if (bd_id == 0 || bd_id > BD_ID_MAX)
			return fail(err, "bdif %u out of range 1-%u", bd_id, BD_ID_MAX);
		snprintf(key.name, sizeof(key.name), "bdif%u", bd_id);
	} else {
		if (!eth_name_ok(name))
			return fail(err, "\"%s\" is not a valid Linux interface name", name);
		snprintf(key.name, sizeof(key.name), "%s", name);
	}
	bool found;
	size_t at = VEC_FIND(c->ifs, &key, cmp_if, &found);
	if (found)
		return GW_CFG_OK;
	if (c->ifs.n >= GW_IF_MAX)
		return fail(err, "interface %s: at most %d interfaces", key.name, GW_IF_MAX);
	struct gw_cfg_if *i = VEC_INSERT(c->ifs, at);
	if (!i)
		return fail(err, "out of memory");
	*i = key;
	return GW_CFG_OK;
}

/* A static MAC on port `name`, NULL when none names it. */
static const struct gw_cfg_mac *port_static_mac(const struct gw_cfg *c, const char *name)
{
	for (size_t i = 0; i < c->macs.n; i++)
		if (!strcmp(c->macs.v[i].ifname, name))
			return &c->macs.v[i];
	return NULL;
}

/* A static IPv6 entry that names interface `name`: NULL when none does. */
static const char *if_user6(const struct gw_cfg *c, const char *name, char *buf, size_t len)
{
	for (size_t i = 0; i < c->routes6.n; i++) {
		const struct gw_cfg_route6 *r = &c->routes6.v[i];
		if (!strcmp(r->ifname, name)) {
			snprintf(buf, len, "ipv6 route %s%s%s%s/%u %s", r->vrf[0] ? "vrf " : "",
			         r->vrf, r->vrf[0] ? " " : "", ip6str(&r->pfx), r->len, nh6str(r));
			return buf;
		}
	}
	for (size_t i = 0; i < c->nbrs6.n; i++)
		if (!strcmp(c->nbrs6.v[i].ifname, name)) {
			snprintf(buf, len, "ipv6 neighbor %s", ip6str(&c->nbrs6.v[i].ip));
			return buf;
		}
	return NULL;
}

int gw_cfg_if_del(struct gw_cfg *c, const char *name, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	char user[160];
	if (!i)
		return GW_CFG_ERR;
	if (if_user6(c, name, user, sizeof(user)))
		return fail(err, "interface %s is still used by %s", name, user);
	const struct gw_cfg_mac *m = port_static_mac(c, name);
	if (m)
		return fail(err,
		            "interface %s is still used by mac-address-table static %s "
		            "bridge-domain %u interface %s",
		            name, macstr(m->mac), m->bd_id, name);
	VEC_REMOVE(c->ifs, (size_t)(i - c->ifs.v));
	return GW_CFG_OK;
}

static bool addr_host_ok(uint32_t addr, uint8_t len)
{
	if (!ip_is_unicast(addr) || (addr >> 24) == 127 || len == 0 || len > 32)
		return false;
	if (len <= 30) {
		uint32_t host = addr & ~net_mask(len);
		return host != 0 && host != ~net_mask(len);
	}
	return true;
}

/*
 * Does addr/len overlap a subnet on an interface other than `self` in VRF vrf? Tenants
 * in different VRFs may use the same subnets.
 */
static const struct gw_cfg_if *addr_overlap(const struct gw_cfg *c, const struct gw_cfg_if *self,
                                            const char *vrf, uint32_t addr, uint8_t len,
                                            unsigned *which)
{
	for (size_t i = 0; i < c->ifs.n; i++) {
		const struct gw_cfg_if *o = &c->ifs.v[i];
		if (strcmp(o->vrf, vrf))
			continue;
		for (unsigned k = 0; k < o->n_addrs; k++) {
			if (o == self && o->addr[k] == addr)
				continue;
			uint8_t l = len < o->plen[k] ? len : o->plen[k];
			if (((addr ^ o->addr[k]) & net_mask(l)) == 0) {
				*which = k;
				return o;
			}
		}
	}
	return NULL;
}

static int if_addr_del(struct gw_cfg_if *i, uint32_t addr, uint8_t len, char *err)
{
	/* Vacated slots are zeroed: gw_cfg_equal compares whole structs, so a stale address
	 * past n_addrs made equal configurations unequal (found by tests/fuzz/fuzz_config). */
	if (!addr) {
		i->n_addrs = 0;
		memset(i->addr, 0, sizeof(i->addr));
		memset(i->plen, 0, sizeof(i->plen));
		return GW_CFG_OK;
	}
	for (unsigned k = 0; k < i->n_addrs; k++) {
		if (i->addr[k] != addr || (len && i->plen[k] != len))
			continue;
		memmove(&i->addr[k], &i->addr[k + 1], (i->n_addrs - k - 1) * 4);
		memmove(&i->plen[k], &i->plen[k + 1], i->n_addrs - k - 1);
		i->n_addrs--;
		i->addr[i->n_addrs] = 0;
		i->plen[i->n_addrs] = 0;
		return GW_CFG_OK;
	}
	return fail(err, "%s/%u is not configured on %s", ipstr(addr), len, i->name);
}

int gw_cfg_if_addr(struct gw_cfg *c, const char *name, uint32_t addr, uint8_t len,
                   enum gw_cfg_addr_op op, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, op != GW_CFG_ADDR_DEL, L3_ADDR, err);
	if (!i)
		return GW_CFG_ERR;
	if (op == GW_CFG_ADDR_DEL)
		return if_addr_del(i, addr, len, err);
	if (!addr_host_ok(addr, len))
		return fail(err, "%s/%u is not a usable host address", ipstr(addr), len);
	unsigned k;
	const struct gw_cfg_if *o = addr_overlap(c, i, i->vrf, addr, len, &k);
	if (o && !(o == i && op == GW_CFG_ADDR_PRIMARY && k == 0))
		return fail(err, "%s/%u overlaps %s/%u on %s", ipstr(addr), len, ipstr(o->addr[k]),
		            o->plen[k], o->name);
	if (op == GW_CFG_ADDR_PRIMARY && i->n_addrs) {
		/* a new length for the primary is fine, a secondary's address twice is not: the
		 * rendering did not load back (found by tests/fuzz/fuzz_config_model) */
		for (k = 1; k < i->n_addrs; k++)
			if (i->addr[k] == addr)
				return fail(err, "%s is already configured on %s", ipstr(addr),
				            name);
		i->addr[0] = addr;
		i->plen[0] = len;
		return GW_CFG_OK;
	}
	for (k = 0; k < i->n_addrs; k++)
		if (i->addr[k] == addr)
			return fail(err, "%s is already configured on %s", ipstr(addr), name);
	if (op == GW_CFG_ADDR_SECONDARY && i->n_addrs == 0)
		return fail(err, "%s has no primary address to add %s/%u to", name, ipstr(addr),
		            len);
	if (i->n_addrs >= GW_IF_ADDRS_MAX)
		return fail(err, "%s: at most %d addresses", name, GW_IF_ADDRS_MAX);
	i->addr[i->n_addrs] = addr;
	i->plen[i->n_addrs] = len;
	i->n_addrs++;
	return GW_CFG_OK;
}

int gw_cfg_if_set_mac(struct gw_cfg *c, const char *name, const uint8_t *mac, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	if (!mac) {
		i->mac_set = false;
		memset(i->mac, 0, 6);
		return GW_CFG_OK;
	}
	if (net_mac_is_mcast(mac) || net_mac_is_zero(mac))
		return fail(err, "mac-address %s is not a unicast MAC", macstr(mac));
	i->mac_set = true;
	memcpy(i->mac, mac, 6);
	return GW_CFG_OK;
}

int gw_cfg_if_set_io_socket(struct gw_cfg *c, const char *name, bool on, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	char dev[GW_IF_NAMELEN];
	uint32_t sub = 0;
	if (on && i->kind != GW_IF_ETH)
		return fail(err, "dataplane io socket: %s is not an uplink", name);
	if (on && gw_eth_name_split(i->name, dev, &sub) && sub)
		return fail(err,
		            "dataplane io socket: %s is a sub-interface; its netdev's is set on "
		            "interface ethernet %s",
		            name, dev);
	i->io_socket = on;
	return GW_CFG_OK;
}

int gw_cfg_if_set_mtu(struct gw_cfg *c, const char *name, uint32_t mtu, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	if (mtu && (mtu < GW_MTU_MIN || mtu > GW_MTU_MAX))
		return fail(err, "mtu %u out of range %d-%d", mtu, GW_MTU_MIN, GW_MTU_MAX);
	i->mtu = mtu == GW_MTU_DEFAULT ? 0 : mtu;
	return GW_CFG_OK;
}

int gw_cfg_if_set_shutdown(struct gw_cfg *c, const char *name, bool shut, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	i->shutdown = shut;
	return GW_CFG_OK;
}

/* The other sub-interface of the same netdev as `self` that has VLAN vlan, if any. */
static const struct gw_cfg_if *dot1q_user(const struct gw_cfg *c, const struct gw_cfg_if *self,
                                          uint16_t vlan)
{
	char dev[GW_IF_NAMELEN], odev[GW_IF_NAMELEN];
	uint32_t sub;
	gw_eth_name_split(self->name, dev, &sub);
	for (size_t i = 0; i < c->ifs.n; i++) {
		const struct gw_cfg_if *o = &c->ifs.v[i];
		if (o != self && o->dot1q == vlan && gw_eth_name_split(o->name, odev, &sub) &&
		    !strcmp(dev, odev))
			return o;
	}
	return NULL;
}

/* Can interface f have VLAN vlan (0: none)? Only a sub-interface, once per netdev. */
static int dot1q_check(const struct gw_cfg *c, const struct gw_cfg_if *f, uint32_t vlan, char *err)
{
	char dev[GW_IF_NAMELEN];
	uint32_t sub = 0;
	if (f->kind != GW_IF_ETH || !gw_eth_name_split(f->name, dev, &sub) || !sub)
		return fail(err, "encapsulation dot1q: %s is not a sub-interface (NETDEV.N)",
		            f->name);
	if (vlan > GW_VLAN_MAX)
		return fail(err, "encapsulation dot1q %u out of range 1-%d", vlan, GW_VLAN_MAX);
	const struct gw_cfg_if *o = vlan ? dot1q_user(c, f, (uint16_t)vlan) : NULL;
	if (o)
		return fail(err, "encapsulation dot1q %u of %s is already used by %s", vlan,
		            f->name, o->name);
	return GW_CFG_OK;
}

int gw_cfg_if_set_dot1q(struct gw_cfg *c, const char *name, uint32_t vlan, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i || dot1q_check(c, i, vlan, err))
		return GW_CFG_ERR;
	i->dot1q = (uint16_t)vlan;
	return GW_CFG_OK;
}

static int if_addrs6_fit(const struct gw_cfg *c, const struct gw_cfg_if *f, const char *vrf,
                         char *err);

int gw_cfg_if_set_vrf(struct gw_cfg *c, const char *name, const char *vrf, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, !gw_vrf_name_is_default(vrf), L3_VRF, err);
	if (!i)
		return GW_CFG_ERR;
	if (!gw_vrf_name_is_default(vrf) && !gw_cfg_vrf_find(c, vrf))
		return fail(err, "vrf %s does not exist", vrf);
	char to[GW_VRF_NAMELEN];
	vrf_name_set(to, vrf);
	for (unsigned k = 0; k < i->n_addrs; k++) {
		unsigned w;
		const struct gw_cfg_if *o = addr_overlap(c, i, to, i->addr[k], i->plen[k], &w);
		if (o && o != i)
			return fail(err, "%s/%u on %s overlaps %s/%u on %s in vrf %s",
			            ipstr(i->addr[k]), i->plen[k], name, ipstr(o->addr[w]),
			            o->plen[w], o->name, to[0] ? to : "default");
	}
	if (if_addrs6_fit(c, i, to, err))
		return GW_CFG_ERR;
	memcpy(i->vrf, to, sizeof(i->vrf));
	return GW_CFG_OK;
}

int gw_cfg_if_set_anycast(struct gw_cfg *c, const char *name, bool on, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	if (on && i->kind != GW_IF_BDIF)
		return fail(err, "%s: anycast-gateway forwarding is for bdif interfaces only",
		            name);
	i->anycast = on;
	return GW_CFG_OK;
}

/* May interface f become a port of bridge domain bd_id (0: an L3 interface again)? */
static int l2_bd_check(const struct gw_cfg *c, const struct gw_cfg_if *f, uint32_t bd_id, char *err)
{
	if (f->kind != GW_IF_ETH)
		return fail(err,
		            "bridge-domain %u: %s is a BDIF: only an ethernet interface can be a "
		            "port of a bridge domain",
		            bd_id, f->name);
	if (bd_id && !cfg_bd_get(c, bd_id, err))
		return GW_CFG_ERR;
	unsigned ports = 0;
	for (size_t i = 0; bd_id && i < c->ifs.n; i++)
		ports += &c->ifs.v[i] != f && c->ifs.v[i].l2_bd == bd_id;
	if (ports >= BD_PORTS_MAX)
		return fail(err, "bridge-domain %u: at most %d ports (%s is one too many)", bd_id,
		            BD_PORTS_MAX, f->name);
	enum l3_part part = if_l3_part(f);
	if (bd_id && part != L3_NONE)
		return fail(err,
		            "bridge-domain %u: %s still has %s configured: an L2 port has no %s "
		            "(no %s first)",
		            bd_id, f->name, l3_parts[part].word, l3_parts[part].what,
		            l3_parts[part].word);
	const struct gw_cfg_mac *m = port_static_mac(c, f->name);
	if (m && m->bd_id != bd_id)
		return fail(err,
		            "bridge-domain: mac-address-table static %s bridge-domain %u interface "
		            "%s is on %s (remove it first)",
		            macstr(m->mac), m->bd_id, f->name, f->name);
	return GW_CFG_OK;
}

int gw_cfg_if_set_l2_bd(struct gw_cfg *c, const char *name, uint32_t bd_id, char *err)
{
	struct gw_cfg_if *i = cfg_if_get(c, name, err);
	if (!i)
		return GW_CFG_ERR;
	if (bd_id == i->l2_bd)
		return GW_CFG_OK;
	if (l2_bd_check(c, i, bd_id, err))
		return GW_CFG_ERR;
	i->l2_bd = bd_id;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- interfaces: IPv6 */

/* A unicast address a neighbour or next hop can have: not unspecified, loopback or
 * multicast (link-local is fine: it names its interface). */
static bool ip6_is_unicast(const struct in6_addr *a)
{
	return !net_ip6_is_zero(a) && !net_ip6_is_loopback(a) && !net_ip6_is_mcast(a);
}

/* A global address an interface may carry: below /127 not the subnet's all-zero address
 * (the subnet-router anycast address, RFC 4291 2.6.1), a frequent slip for the prefix. */
static bool addr6_host_ok(const struct in6_addr *a, uint8_t len)
{
	if (len == 0 || len > 128 || !ip6_is_unicast(a) || net_ip6_is_linklocal(a))
		return false;
	struct in6_addr net = net_ip6_prefix(a, len);
	return len >= 127 || !net_ip6_eq(&net, a);
}

/* Do two IPv6 subnets overlap? */
static bool subnet6_overlaps(const struct in6_addr *a, uint8_t alen, const struct in6_addr *b,
                             uint8_t blen)
{
	uint8_t l = alen < blen ? alen : blen;
	struct in6_addr na = net_ip6_prefix(a, l), nb = net_ip6_prefix(b, l);
	return net_ip6_eq(&na, &nb);
}

/*
 * The interface (and in *which its address) whose IPv6 subnet addr/len overlaps, in VRF
 * vrf, other than address addr itself on `self`; NULL when none. Tenants in different
 * VRFs may use the same subnets.
 */
static const struct gw_cfg_if *addr6_overlap(const struct gw_cfg *c, const struct gw_cfg_if *self,
                                             const char *vrf, const struct in6_addr *addr,
                                             uint8_t len, unsigned *which)
{
	for (size_t i = 0; i < c->ifs.n; i++) {
		const struct gw_cfg_if *o = &c->ifs.v[i];
		if (strcmp(o->vrf, vrf))
			continue;
		for (unsigned k = 0; k < o->n_addrs6; k++) {
			if (o == self && net_ip6_eq(&o->addr6[k], addr))
				continue;
			if (subnet6_overlaps(addr, len, &o->addr6[k], o->plen6[k])) {
				*which = k;
				return o;
			}
		}
	}
	return NULL;
}

/* The IPv6 subnets of interface f would overlap others in VRF vrf: the message in err. */
static int if_addrs6_fit(const struct gw_cfg *c, const struct gw_cfg_if *f, const char *vrf,
                         char *err)
{
	for (unsigned k = 0; k < f->n_addrs6; k++) {
		unsigned w;
		const struct gw_cfg_if *o = addr6_overlap(c, f, vrf, &f->addr6[k], f->plen6[k], &w);
		if (o)
			return fail(err, "%s/%u on %s overlaps %s/%u on %s in vrf %s",
			            ip6str(&f->addr6[k]), f->plen6[k], f->name,
			            ip6str(&o->addr6[w]), o->plen6[w], o->name,
			            vrf[0] ? vrf : "default");
	}
	return GW_CFG_OK;
}

static void if_addrs6_clear(struct gw_cfg_if *i)
{
	i->n_addrs6 = 0;
	memset(i->addr6, 0, sizeof(i->addr6));
	memset(i->plen6, 0, sizeof(i->plen6));
	i->ll6_set = false;
	memset(&i->ll6, 0, sizeof(i->ll6));
}

/* The slot of addr/len in the sorted list (found: it is there). */
static unsigned if_addr6_slot(const struct gw_cfg_if *i, const struct in6_addr *addr, uint8_t len,
                              bool *found)
{
	unsigned k = 0;
	while (k < i->n_addrs6) {
		int r = cmp_ip6(&i->addr6[k], addr);
		if (r > 0 || (r == 0 && i->plen6[k] >= len))
			break;
		k++;
	}
	*found = k < i->n_addrs6 && net_ip6_eq(&i->addr6[k], addr) && i->plen6[k] == len;
	return k;
}

static int if_addr6_del(struct gw_cfg_if *i, const struct in6_addr *addr, uint8_t len, char *err)
{
	bool found;
	unsigned k = if_addr6_slot(i, addr, len, &found);
	if (!found)
		return fail(err, "%s/%u is not configured on %s", ip6str(addr), len, i->name);
	unsigned rest = i->n_addrs6 - k - 1;
	memmove(&i->addr6[k], &i->addr6[k + 1], rest * sizeof(*addr));
	memmove(&i->plen6[k], &i->plen6[k + 1], rest);
	i->n_addrs6--;
	/* zeroed: gw_cfg_equal compares whole structs */
	memset(&i->addr6[i->n_addrs6], 0, sizeof(*addr));
	i->plen6[i->n_addrs6] = 0;
	return GW_CFG_OK;
}

int gw_cfg_if_addr6(struct gw_cfg *c, const char *name, const struct in6_addr *addr, uint8_t len,
                    bool add, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, add, L3_ADDR6, err);
	if (!i)
		return GW_CFG_ERR;
	if (!add && !addr) {
		if_addrs6_clear(i);
		return GW_CFG_OK;
	}
	if (!add)
		return if_addr6_del(i, addr, len, err);
	if (!addr6_host_ok(addr, len))
		return fail(err, "%s/%u is not a usable global IPv6 host address", ip6str(addr),
		            len);
	bool found;
	unsigned k = if_addr6_slot(i, addr, len, &found), w;
	if (found)
		return GW_CFG_OK;
	const struct gw_cfg_if *o = addr6_overlap(c, NULL, i->vrf, addr, len, &w);
	if (o)
		return fail(err, "%s/%u overlaps %s/%u on %s", ip6str(addr), len,
		            ip6str(&o->addr6[w]), o->plen6[w], o->name);
	if (i->n_addrs6 >= GW_IF_ADDRS_MAX)
		return fail(err, "%s: at most %d IPv6 addresses", name, GW_IF_ADDRS_MAX);
	unsigned rest = i->n_addrs6 - k;
	memmove(&i->addr6[k + 1], &i->addr6[k], rest * sizeof(*addr));
	memmove(&i->plen6[k + 1], &i->plen6[k], rest);
	i->addr6[k] = *addr;
	i->plen6[k] = len;
	i->n_addrs6++;
	return GW_CFG_OK;
}

int gw_cfg_if_set_ll6(struct gw_cfg *c, const char *name, const struct in6_addr *ll, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, ll != NULL, L3_ADDR6, err);
	if (!i)
		return GW_CFG_ERR;
	if (ll && (!net_ip6_is_linklocal(ll) || !ip6_is_unicast(ll)))
		return fail(err, "%s is not a link-local address (fe80::/10)", ip6str(ll));
	i->ll6_set = ll != NULL;
	memset(&i->ll6, 0, sizeof(i->ll6));
	if (ll)
		i->ll6 = *ll;
	return GW_CFG_OK;
}

int gw_cfg_if_set_suppress_ra(struct gw_cfg *c, const char *name, bool suppress, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, true, L3_ND, err);
	if (!i)
		return GW_CFG_ERR;
	/* a BDIF sends RAs by default: its `no ipv6 nd suppress-ra` is the default itself */
	i->nd.ra = suppress                ? GW_ND_RA_SUPPRESS
	           : i->kind == GW_IF_BDIF ? GW_ND_RA_DEFAULT
	                                   : GW_ND_RA_SEND;
	return GW_CFG_OK;
}

int gw_cfg_if_set_ra_interval(struct gw_cfg *c, const char *name, uint32_t secs, char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, secs != 0, L3_ND, err);
	if (!i)
		return GW_CFG_ERR;
	if (secs && (secs < GW_ND_RA_INTERVAL_MIN || secs > GW_ND_RA_INTERVAL_MAX))
		return fail(err, "ipv6 nd ra-interval %u out of range %d-%d", secs,
		            GW_ND_RA_INTERVAL_MIN, GW_ND_RA_INTERVAL_MAX);
	i->nd.ra_interval_s = secs;
	return GW_CFG_OK;
}

int gw_cfg_if_set_ra_lifetime(struct gw_cfg *c, const char *name, bool set, uint32_t secs,
                              char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, set, L3_ND, err);
	if (!i)
		return GW_CFG_ERR;
	if (set && secs > GW_ND_RA_LIFETIME_MAX)
		return fail(err, "ipv6 nd ra-lifetime %u out of range 0-%d", secs,
		            GW_ND_RA_LIFETIME_MAX);
	i->nd.ra_lifetime_set = set;
	i->nd.ra_lifetime_s = set ? secs : 0;
	return GW_CFG_OK;
}

int gw_cfg_if_set_nd_flag(struct gw_cfg *c, const char *name, enum gw_cfg_nd_flag flag, bool on,
                          char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, on, L3_ND, err);
	if (!i)
		return GW_CFG_ERR;
	if (flag == GW_CFG_ND_MANAGED)
		i->nd.managed = on;
	else
		i->nd.other = on;
	return GW_CFG_OK;
}

static int cmp_nd_prefix(const struct gw_nd_prefix *a, const struct in6_addr *pfx, uint8_t len)
{
	int r = cmp_ip6(&a->pfx, pfx);
	return r ? r : cmp_u32(a->len, len);
}

static int nd_prefix_del(struct gw_nd_cfg *nd, unsigned k)
{
	memmove(&nd->prefixes[k], &nd->prefixes[k + 1],
	        (nd->n_prefixes - k - 1) * sizeof(nd->prefixes[0]));
	nd->n_prefixes--;
	memset(&nd->prefixes[nd->n_prefixes], 0, sizeof(nd->prefixes[0]));
	return GW_CFG_OK;
}

/* Copied field by field onto a zeroed slot: gw_cfg_equal compares the bytes. */
static void nd_prefix_set(struct gw_nd_prefix *dst, const struct gw_nd_prefix *p)
{
	memset(dst, 0, sizeof(*dst));
	dst->pfx = p->pfx;
	dst->len = p->len;
	dst->no_autoconfig = p->no_autoconfig;
	dst->off_link = p->off_link;
	dst->no_advertise = p->no_advertise;
}

int gw_cfg_if_nd_prefix(struct gw_cfg *c, const char *name, const struct gw_nd_prefix *p, bool add,
                        char *err)
{
	struct gw_cfg_if *i = cfg_l3_if_get(c, name, add, L3_ND, err);
	if (!i)
		return GW_CFG_ERR;
	struct gw_nd_cfg *nd = &i->nd;
	unsigned k = 0;
	while (k < nd->n_prefixes && cmp_nd_prefix(&nd->prefixes[k], &p->pfx, p->len) < 0)
		k++;
	bool found = k < nd->n_prefixes && !cmp_nd_prefix(&nd->prefixes[k], &p->pfx, p->len);
	if (!add)
		return found ? nd_prefix_del(nd, k)
		             : fail(err, "ipv6 nd prefix %s/%u is not configured on %s",
		                    ip6str(&p->pfx), p->len, name);
	struct in6_addr net = net_ip6_prefix(&p->pfx, p->len);
	if (p->len == 0 || p->len > 128 || !net_ip6_eq(&net, &p->pfx))
		return fail(err, "ipv6 nd prefix %s/%u: not a prefix (network is %s/%u)",
		            ip6str(&p->pfx), p->len, ip6str(&net), p->len);
	if (net_ip6_is_linklocal(&p->pfx) || net_ip6_is_mcast(&p->pfx))
		return fail(err, "ipv6 nd prefix %s/%u: not a global unicast prefix",
		            ip6str(&p->pfx), p->len);
	if (!found && nd->n_prefixes >= GW_ND_PREFIX_MAX)
		return fail(err, "%s: at most %d ipv6 nd prefixes", name, GW_ND_PREFIX_MAX);
	if (!found) {
		memmove(&nd->prefixes[k + 1], &nd->prefixes[k],
		        (nd->n_prefixes - k) * sizeof(nd->prefixes[0]));
		nd->n_prefixes++;
	}
	nd_prefix_set(&nd->prefixes[k], p);
	return GW_CFG_OK;
}

bool gw_cfg_nd_equal(const struct gw_nd_cfg *a, const struct gw_nd_cfg *b)
{
	if (a->ra != b->ra || a->ra_interval_s != b->ra_interval_s ||
	    a->ra_lifetime_set != b->ra_lifetime_set || a->ra_lifetime_s != b->ra_lifetime_s ||
	    a->managed != b->managed || a->other != b->other || a->n_prefixes != b->n_prefixes)
		return false;
	for (unsigned k = 0; k < a->n_prefixes; k++) {
		const struct gw_nd_prefix *x = &a->prefixes[k], *y = &b->prefixes[k];
		if (cmp_nd_prefix(x, &y->pfx, y->len) || x->no_autoconfig != y->no_autoconfig ||
		    x->off_link != y->off_link || x->no_advertise != y->no_advertise)
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------- static entries */

/* The next hops of (vrf, pfx, len): how many, from which index, null0 among them. */
static size_t route_hops(const struct gw_cfg *c, const struct gw_cfg_route *key, size_t *first,
                         bool *has_null)
{
	struct gw_cfg_route k = {.pfx = key->pfx, .len = key->len};
	memcpy(k.vrf, key->vrf, sizeof(k.vrf));
	bool found;
	size_t at = VEC_FIND(c->routes, &k, cmp_route, &found), n = 0;
	*first = at;
	*has_null = false;
	for (; at < c->routes.n && c->routes.v[at].pfx == k.pfx && c->routes.v[at].len == k.len &&
	       !strcmp(c->routes.v[at].vrf, k.vrf);
	     at++) {
		n++;
		*has_null |= c->routes.v[at].kind == FIB_NH_NULL0;
	}
	return n;
}

static int route_del(struct gw_cfg *c, struct gw_cfg_route *key, const struct fib_nh *nh, char *err)
{
	size_t first;
	bool has_null;
	uint32_t pfx = key->pfx;
	uint8_t len = key->len;
	size_t n = route_hops(c, key, &first, &has_null);
	if (!nh) {
		if (!n)
			return fail(err, "no route %s/%u is configured%s%s", ipstr(pfx), len,
			            key->vrf[0] ? " in vrf " : "", key->vrf);
		for (size_t k = 0; k < n; k++)
			VEC_REMOVE(c->routes, first);
		return GW_CFG_OK;
	}
	key->kind = nh->kind;
	key->nh = nh->kind == FIB_NH_IP ? nh->ip : 0;
	bool found;
	size_t at = VEC_FIND(c->routes, key, cmp_route, &found);
	if (!found)
		return fail(err, "route %s/%u via %s is not configured%s%s", ipstr(pfx), len,
		            nh->kind == FIB_NH_NULL0 ? "null0" : ipstr(nh->ip),
		            key->vrf[0] ? " in vrf " : "", key->vrf);
	VEC_REMOVE(c->routes, at);
	return GW_CFG_OK;
}

int gw_cfg_route(struct gw_cfg *c, uint32_t pfx, uint8_t len, const struct fib_nh *nh, bool add,
                 char *err)
{
	return gw_cfg_vrf_route(c, NULL, pfx, len, nh, add, err);
}

int gw_cfg_vrf_route(struct gw_cfg *c, const char *vrf, uint32_t pfx, uint8_t len,
                     const struct fib_nh *nh, bool add, char *err)
{
	if (!gw_vrf_name_is_default(vrf) && !gw_cfg_vrf_find(c, vrf))
		return fail(err, "vrf %s does not exist", vrf);
	struct gw_cfg_route key = {.pfx = pfx, .len = len};
	vrf_name_set(key.vrf, vrf);
	if (len > 32)
		return fail(err, "prefix length %u out of range 0-32", len);
	if (pfx & ~net_mask(len))
		return fail(err, "%s/%u has host bits set (network is %s/%u)", ipstr(pfx), len,
		            ipstr(pfx & net_mask(len)), len);
	if (!add)
		return route_del(c, &key, nh, err);
	if (nh->kind == FIB_NH_IP && (!ip_is_unicast(nh->ip) || (nh->ip >> 24) == 127))
		return fail(err, "next hop %s is not a unicast address", ipstr(nh->ip));
	key.kind = nh->kind;
	key.nh = nh->kind == FIB_NH_IP ? nh->ip : 0;
	bool found, has_null;
	size_t first, at = VEC_FIND(c->routes, &key, cmp_route, &found);
	if (found)
		return GW_CFG_OK;
	size_t n = route_hops(c, &key, &first, &has_null);
	if (n && (has_null || nh->kind == FIB_NH_NULL0))
		return fail(err, "%s/%u: null0 cannot be combined with other next hops", ipstr(pfx),
		            len);
	if (n >= FIB_ECMP_MAX)
		return fail(err, "%s/%u: at most %d next hops", ipstr(pfx), len, FIB_ECMP_MAX);
	struct gw_cfg_route *r = VEC_INSERT(c->routes, at);
	if (!r)
		return fail(err, "out of memory");
	*r = key;
	return GW_CFG_OK;
}

/* A static neighbour of either family (`what` its command, ip its address as text): a
 * unicast address and a unicast MAC. */
static int neighbour_check(const char *what, const char *ip, bool unicast, const uint8_t *mac,
                           char *err)
{
	if (!unicast)
		return fail(err, "%s %s: not a unicast address", what, ip);
	if (net_mac_is_mcast(mac) || net_mac_is_zero(mac))
		return fail(err, "%s %s: %s is not a unicast MAC", what, ip, macstr(mac));
	return GW_CFG_OK;
}

int gw_cfg_arp(struct gw_cfg *c, uint32_t ip, const uint8_t *mac, const char *ifname, bool add,
               char *err)
{
	struct gw_cfg_arp key = {.ip = ip};
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	bool found;
	size_t at = VEC_FIND(c->arps, &key, cmp_arp, &found);
	if (!add) {
		if (!found)
			return fail(err, "no static arp for %s on %s", ipstr(ip), ifname);
		VEC_REMOVE(c->arps, at);
		return GW_CFG_OK;
	}
	if (neighbour_check("arp", ipstr(ip), ip_is_unicast(ip), mac, err))
		return GW_CFG_ERR;
	if (!found) {
		struct gw_cfg_arp *a = VEC_INSERT(c->arps, at);
		if (!a)
			return fail(err, "out of memory");
		*a = key;
		memcpy(a->mac, mac, 6);
	} else {
		memcpy(c->arps.v[at].mac, mac, 6);
	}
	return GW_CFG_OK;
}

/* Is the interface of a static MAC a port of its bridge domain? */
static int mac_port_check(const struct gw_cfg *c, const struct gw_cfg_mac *m, char *err)
{
	const struct gw_cfg_if *f = gw_cfg_if_find(c, m->ifname);
	if (!f)
		return fail(err, "static MAC %s: interface %s does not exist", macstr(m->mac),
		            m->ifname);
	if (f->l2_bd != m->bd_id)
		return fail(err, "static MAC %s: interface %s is not a port of bridge-domain %u",
		            macstr(m->mac), m->ifname, m->bd_id);
	return GW_CFG_OK;
}

/* Adds (or re-points) or removes the static MAC of key; a removal ignores its destination. */
static int mac_static(struct gw_cfg *c, const struct gw_cfg_mac *key, bool add, char *err)
{
	bool found;
	size_t at = VEC_FIND(c->macs, key, cmp_mac, &found);
	if (!add) {
		if (!found)
			return fail(err, "no static MAC %s in bridge-domain %u", macstr(key->mac),
			            key->bd_id);
		VEC_REMOVE(c->macs, at);
		return GW_CFG_OK;
	}
	if (net_mac_is_mcast(key->mac) || net_mac_is_zero(key->mac))
		return fail(err, "%s is not a unicast MAC", macstr(key->mac));
	/* an IPv6 VTEP was checked by gw_cfg_mac6 */
	if (!key->ifname[0] && net_ip6_is_zero(&key->vtep6) && !ip_is_unicast(key->vtep))
		return fail(err, "peer %s is not a unicast address", ipstr(key->vtep));
	if (key->ifname[0] && mac_port_check(c, key, err))
		return GW_CFG_ERR;
	struct gw_cfg_mac *m = found ? &c->macs.v[at] : VEC_INSERT(c->macs, at);
	if (!m)
		return fail(err, "out of memory");
	*m = *key;
	return GW_CFG_OK;
}

static struct gw_cfg_mac mac_key(const uint8_t *mac, uint32_t bd_id)
{
	struct gw_cfg_mac k;
	memset(&k, 0, sizeof(k)); /* the name zero-filled: gw_cfg_equal compares bytes */
	k.bd_id = bd_id;
	memcpy(k.mac, mac, 6);
	return k;
}

int gw_cfg_mac(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, uint32_t vtep, bool add,
               char *err)
{
	struct gw_cfg_mac key = mac_key(mac, bd_id);
	key.vtep = vtep;
	return mac_static(c, &key, add, err);
}

int gw_cfg_mac6(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, const struct in6_addr *vtep,
                bool add, char *err)
{
	struct gw_cfg_mac key = mac_key(mac, bd_id);
	key.vtep6 = *vtep;
	if (add && vtep6_check("peer", vtep, err))
		return GW_CFG_ERR;
	return mac_static(c, &key, add, err);
}

int gw_cfg_mac_if(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, const char *ifname,
                  bool add, char *err)
{
	struct gw_cfg_mac key = mac_key(mac, bd_id);
	if (strlen(ifname) >= sizeof(key.ifname))
		return fail(err, "interface %s does not exist", ifname);
	memcpy(key.ifname, ifname, strlen(ifname));
	return mac_static(c, &key, add, err);
}

const struct gw_cfg_route *gw_cfg_route_find(const struct gw_cfg *c, const struct gw_cfg_route *r)
{
	bool found;
	size_t at = VEC_FIND(c->routes, r, cmp_route, &found);
	return found ? &c->routes.v[at] : NULL;
}

const struct gw_cfg_arp *gw_cfg_arp_find(const struct gw_cfg *c, uint32_t ip, const char *ifname)
{
	struct gw_cfg_arp key = {.ip = ip};
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	bool found;
	size_t at = VEC_FIND(c->arps, &key, cmp_arp, &found);
	return found ? &c->arps.v[at] : NULL;
}

const struct gw_cfg_mac *gw_cfg_mac_find(const struct gw_cfg *c, uint32_t bd_id, const uint8_t *mac)
{
	struct gw_cfg_mac key = {.bd_id = bd_id};
	memcpy(key.mac, mac, 6);
	bool found;
	size_t at = VEC_FIND(c->macs, &key, cmp_mac, &found);
	return found ? &c->macs.v[at] : NULL;
}

/* ---------------------------------------------------------------- static entries: IPv6 */

/* The next hops of (vrf, pfx, len): how many, from which index, null0 among them. */
static size_t route6_hops(const struct gw_cfg *c, const struct gw_cfg_route6 *key, size_t *first,
                          bool *has_null)
{
	struct gw_cfg_route6 k;
	memset(&k, 0, sizeof(k));
	k.pfx = key->pfx;
	k.len = key->len;
	memcpy(k.vrf, key->vrf, sizeof(k.vrf));
	bool found;
	size_t at = VEC_FIND(c->routes6, &k, cmp_route6, &found), n = 0;
	*first = at;
	*has_null = false;
	for (; at < c->routes6.n && !strcmp(c->routes6.v[at].vrf, k.vrf) &&
	       net_ip6_eq(&c->routes6.v[at].pfx, &k.pfx) && c->routes6.v[at].len == k.len;
	     at++) {
		n++;
		*has_null |= c->routes6.v[at].kind == FIB_NH_NULL0;
	}
	return n;
}

/* Removes the next hops of key's prefix that nh names (NULL: all; an ifname "": any). */
static int route6_del(struct gw_cfg *c, const struct gw_cfg_route6 *key,
                      const struct gw_cfg_route6 *nh, char *err)
{
	size_t first, removed = 0;
	bool has_null;
	size_t n = route6_hops(c, key, &first, &has_null);
	for (size_t at = first + n; at-- > first;) {
		const struct gw_cfg_route6 *r = &c->routes6.v[at];
		if (nh && (r->kind != nh->kind ||
		           (nh->kind == FIB_NH_IP && !net_ip6_eq(&r->nh, &nh->nh)) ||
		           (nh->ifname[0] && strcmp(r->ifname, nh->ifname))))
			continue;
		VEC_REMOVE(c->routes6, at);
		removed++;
	}
	if (removed)
		return GW_CFG_OK;
	if (!nh)
		return fail(err, "no ipv6 route %s/%u is configured%s%s", ip6str(&key->pfx),
		            key->len, key->vrf[0] ? " in vrf " : "", key->vrf);
	return fail(err, "ipv6 route %s/%u via %s is not configured%s%s", ip6str(&key->pfx),
	            key->len, nh6str(nh), key->vrf[0] ? " in vrf " : "", key->vrf);
}

/* A next hop as a route can use it; the message names the bad word. */
static int route6_nh_check(const struct gw_cfg_route6 *nh, char *err)
{
	if (nh->kind != FIB_NH_IP)
		return GW_CFG_OK;
	if (!ip6_is_unicast(&nh->nh))
		return fail(err, "next hop %s is not a unicast address", ip6str(&nh->nh));
	if (net_ip6_is_linklocal(&nh->nh) && !nh->ifname[0])
		return fail(err, "next hop %s is link-local: name its interface", ip6str(&nh->nh));
	return GW_CFG_OK;
}

int gw_cfg_route6(struct gw_cfg *c, const char *vrf, const struct in6_addr *pfx, uint8_t len,
                  const struct gw_cfg_route6 *nh, bool add, char *err)
{
	if (!gw_vrf_name_is_default(vrf) && !gw_cfg_vrf_find(c, vrf))
		return fail(err, "vrf %s does not exist", vrf);
	if (len > 128)
		return fail(err, "prefix length %u out of range 0-128", len);
	struct in6_addr net = net_ip6_prefix(pfx, len);
	if (!net_ip6_eq(&net, pfx))
		return fail(err, "%s/%u has host bits set (network is %s/%u)", ip6str(pfx), len,
		            ip6str(&net), len);
	struct gw_cfg_route6 key;
	memset(&key, 0, sizeof(key));
	key.pfx = *pfx;
	key.len = len;
	vrf_name_set(key.vrf, vrf);
	if (!add)
		return route6_del(c, &key, nh, err);
	if (route6_nh_check(nh, err))
		return GW_CFG_ERR;
	key.kind = nh->kind;
	if (nh->kind == FIB_NH_IP) {
		key.nh = nh->nh;
		snprintf(key.ifname, sizeof(key.ifname), "%s", nh->ifname);
	}
	bool found, has_null;
	size_t first, at = VEC_FIND(c->routes6, &key, cmp_route6, &found);
	if (found)
		return GW_CFG_OK;
	size_t n = route6_hops(c, &key, &first, &has_null);
	if (n && (has_null || nh->kind == FIB_NH_NULL0))
		return fail(err, "%s/%u: null0 cannot be combined with other next hops",
		            ip6str(pfx), len);
	if (n >= FIB_ECMP_MAX)
		return fail(err, "%s/%u: at most %d next hops", ip6str(pfx), len, FIB_ECMP_MAX);
	struct gw_cfg_route6 *r = VEC_INSERT(c->routes6, at);
	if (!r)
		return fail(err, "out of memory");
	memcpy(r, &key, sizeof(key));
	return GW_CFG_OK;
}

static struct gw_cfg_nbr6 nbr6_key(const struct in6_addr *ip, const char *ifname)
{
	struct gw_cfg_nbr6 k;
	memset(&k, 0, sizeof(k));
	k.ip = *ip;
	snprintf(k.ifname, sizeof(k.ifname), "%s", ifname);
	return k;
}

int gw_cfg_nbr6(struct gw_cfg *c, const struct in6_addr *ip, const uint8_t *mac, const char *ifname,
                bool add, char *err)
{
	struct gw_cfg_nbr6 key = nbr6_key(ip, ifname);
	bool found;
	size_t at = VEC_FIND(c->nbrs6, &key, cmp_nbr6, &found);
	if (!add) {
		if (!found)
			return fail(err, "no ipv6 neighbor %s on %s", ip6str(ip), ifname);
		VEC_REMOVE(c->nbrs6, at);
		return GW_CFG_OK;
	}
	if (neighbour_check("ipv6 neighbor", ip6str(ip), ip6_is_unicast(ip), mac, err))
		return GW_CFG_ERR;
	struct gw_cfg_nbr6 *e = found ? &c->nbrs6.v[at] : VEC_INSERT(c->nbrs6, at);
	if (!e)
		return fail(err, "out of memory");
	memcpy(e, &key, sizeof(key));
	memcpy(e->mac, mac, 6);
	return GW_CFG_OK;
}

const struct gw_cfg_route6 *gw_cfg_route6_find(const struct gw_cfg *c,
                                               const struct gw_cfg_route6 *r)
{
	bool found;
	size_t at = VEC_FIND(c->routes6, r, cmp_route6, &found);
	return found ? &c->routes6.v[at] : NULL;
}

const struct gw_cfg_nbr6 *gw_cfg_nbr6_find(const struct gw_cfg *c, const struct in6_addr *ip,
                                           const char *ifname)
{
	struct gw_cfg_nbr6 key = nbr6_key(ip, ifname);
	bool found;
	size_t at = VEC_FIND(c->nbrs6, &key, cmp_nbr6, &found);
	return found ? &c->nbrs6.v[at] : NULL;
}

/* ---------------------------------------------------------------- management */

static bool crypt_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '/')
			return false;
	return true;
}

bool gw_cfg_hash_ok(const char *h)
{
	if (strncmp(h, "$6$", 3) || strlen(h) >= GW_CFG_HASHLEN)
		return false;
	h += 3;
	if (!strncmp(h, "rounds=", 7)) {
		h += 7;
		size_t d = strspn(h, "0123456789");
		if (d == 0 || d > 9 || h[d] != '$')
			return false;
		h += d + 1;
	}
	const char *dollar = strchr(h, '$');
	if (!dollar || dollar == h || dollar - h > 16 || !crypt_chars(h, (size_t)(dollar - h)))
		return false;
	return strlen(dollar + 1) == 86 && crypt_chars(dollar + 1, 86);
}

static int cmp_user(const void *k, const void *e)
{
	return strcmp(((const struct gw_cfg_user *)k)->name, ((const struct gw_cfg_user *)e)->name);
}

const struct gw_cfg_user *gw_cfg_user_find(const struct gw_cfg *c, const char *name)
{
	struct gw_cfg_user key;
	snprintf(key.name, sizeof(key.name), "%s", name);
	bool found;
	size_t at = VEC_FIND(c->users, &key, cmp_user, &found);
	return found ? &c->users.v[at] : NULL;
}

static bool username_ok(const char *n)
{
	size_t l = strlen(n);
	if (l == 0 || l >= GW_CFG_USERLEN || !isalpha((unsigned char)n[0]))
		return false;
	for (size_t i = 0; i < l; i++)
		if (!isalnum((unsigned char)n[i]) && !strchr("-_.", n[i]))
			return false;
	return true;
}

int gw_cfg_user(struct gw_cfg *c, const char *name, const char *hash, bool add, char *err)
{
	struct gw_cfg_user key = {0};
	if (!username_ok(name))
		return fail(
		    err, "username \"%s\": letters, digits, - _ . (1-%d, starting with a letter)",
		    name, GW_CFG_USERLEN - 1);
	snprintf(key.name, sizeof(key.name), "%s", name);
	bool found;
	size_t at = VEC_FIND(c->users, &key, cmp_user, &found);
	if (!add) {
		if (!found)
			return fail(err, "username %s is not configured", name);
		VEC_REMOVE(c->users, at);
		return GW_CFG_OK;
	}
	if (!gw_cfg_hash_ok(hash))
		return fail(
		    err,
		    "secret \"%.20s%s\" is not a SHA-512 crypt hash ($6$...); make one with: "
		    "openssl passwd -6",
		    hash, strlen(hash) > 20 ? "..." : "");
	struct gw_cfg_user *u = found ? &c->users.v[at] : VEC_INSERT(c->users, at);
	if (!u)
		return fail(err, "out of memory");
	*u = key;
	snprintf(u->hash, sizeof(u->hash), "%s", hash);
	return GW_CFG_OK;
}

int gw_cfg_set_enable_secret(struct gw_cfg *c, const char *hash, char *err)
{
	if (hash && !gw_cfg_hash_ok(hash))
		return fail(
		    err,
		    "secret \"%.20s%s\" is not a SHA-512 crypt hash ($6$...); make one with: "
		    "openssl passwd -6",
		    hash, strlen(hash) > 20 ? "..." : "");
	snprintf(c->enable_secret, sizeof(c->enable_secret), "%s", hash ? hash : "");
	return GW_CFG_OK;
}

int gw_cfg_set_vty(struct gw_cfg *c, bool present, char *err)
{
	(void)err;
	c->vty = present;
	if (!present) {
		c->vty_addr = 0;
		c->vty_port = 0;
		c->vty_timeout = GW_CFG_VTY_TIMEOUT_DEFAULT;
		memset(c->vty_acl, 0, sizeof(c->vty_acl));
	}
	return GW_CFG_OK;
}

int gw_cfg_set_telnet(struct gw_cfg *c, uint32_t addr, uint32_t port, char *err)
{
	if (addr && (net_ip_is_mcast(addr) || addr >= 0xf0000000u))
		return fail(err, "telnet listen %s: not a unicast address", ipstr(addr));
	if (addr && (port == 0 || port > GW_CFG_PORT_MAX))
		return fail(err, "telnet listen port %u out of range 1-%u", port, GW_CFG_PORT_MAX);
	c->vty = true;
	c->vty_addr = addr;
	c->vty_port = addr ? (uint16_t)port : 0;
	return GW_CFG_OK;
}

int gw_cfg_set_vty_timeout(struct gw_cfg *c, uint32_t secs, char *err)
{
	if (secs > GW_CFG_VTY_TIMEOUT_MAX)
		return fail(err, "exec-timeout of %u seconds is too long", secs);
	c->vty = true;
	c->vty_timeout = secs;
	return GW_CFG_OK;
}

int gw_cfg_set_metrics(struct gw_cfg *c, uint32_t addr, uint32_t port, char *err)
{
	if (port && (net_ip_is_mcast(addr) || addr >= 0xf0000000u))
		return fail(err, "metrics listen %s: not a unicast address", ipstr(addr));
	if (port > GW_CFG_PORT_MAX)
		return fail(err, "metrics listen port %u out of range 1-%u", port, GW_CFG_PORT_MAX);
	c->metrics_addr = port ? addr : 0;
	c->metrics_port = (uint16_t)port;
	return GW_CFG_OK;
}

int gw_cfg_set_workers(struct gw_cfg *c, int n, char *err)
{
	if (n != GW_CFG_WORKERS_AUTO && (n < 0 || n > GW_CFG_WORKERS_MAX))
		return fail(err, "dataplane workers %d out of range 0-%d", n, GW_CFG_WORKERS_MAX);
	c->workers = n;
	return GW_CFG_OK;
}

int gw_cfg_set_io(struct gw_cfg *c, enum gw_cfg_io io, char *err)
{
	/* the CLI passes only its three words; a caller with a cast integer is told */
	if (io != GW_CFG_IO_SOCKET && io != GW_CFG_IO_AUTO && io != GW_CFG_IO_XDP)
		return fail(err, "dataplane io %d: not auto, xdp or socket", (int)io);
	c->io = io;
	return GW_CFG_OK;
}

int gw_cfg_set_busy_poll(struct gw_cfg *c, uint32_t usecs, char *err)
{
	if (usecs > GW_CFG_BUSY_POLL_MAX_US)
		return fail(err, "dataplane busy-poll %u out of range 1-%d (microseconds)", usecs,
		            GW_CFG_BUSY_POLL_MAX_US);
	c->busy_poll_us = usecs;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- whole-config check */

/* VRF references: every VRF named by an interface or a route exists, within the bound. */
static int check_vrfs(const struct gw_cfg *c, char *err)
{
	if (c->vrfs.n > GW_VRF_MAX - 1)
		return fail(err, "at most %d VRFs besides the default", GW_VRF_MAX - 1);
	for (size_t i = 0; i < c->ifs.n; i++)
		if (c->ifs.v[i].vrf[0] && !gw_cfg_vrf_find(c, c->ifs.v[i].vrf))
			return fail(err, "interface %s: vrf %s does not exist", c->ifs.v[i].name,
			            c->ifs.v[i].vrf);
	for (size_t i = 0; i < c->routes.n; i++)
		if (c->routes.v[i].vrf[0] && !gw_cfg_vrf_find(c, c->routes.v[i].vrf))
			return fail(err, "ip route vrf %s %s/%u: vrf %s does not exist",
			            c->routes.v[i].vrf, ipstr(c->routes.v[i].pfx),
			            c->routes.v[i].len, c->routes.v[i].vrf);
	return GW_CFG_OK;
}

/* An IPv6 route's VRF exists; the interface it names exists, in that VRF. */
static int check_route6(const struct gw_cfg *c, const struct gw_cfg_route6 *r, char *err)
{
	const char *vrf = r->vrf[0] ? r->vrf : "default";
	if (r->vrf[0] && !gw_cfg_vrf_find(c, r->vrf))
		return fail(err, "ipv6 route vrf %s %s/%u: vrf %s does not exist", r->vrf,
		            ip6str(&r->pfx), r->len, r->vrf);
	if (!r->ifname[0])
		return GW_CFG_OK;
	const struct gw_cfg_if *f = gw_cfg_if_find(c, r->ifname);
	if (!f)
		return fail(err, "ipv6 route %s/%u via %s: interface %s does not exist",
		            ip6str(&r->pfx), r->len, nh6str(r), r->ifname);
	if (strcmp(f->vrf, r->vrf))
		return fail(err, "ipv6 route %s/%u via %s: interface %s is not in vrf %s",
		            ip6str(&r->pfx), r->len, nh6str(r), r->ifname, vrf);
	return GW_CFG_OK;
}

/* RFC 4861 6.2.1: a router lifetime is 0 or at least the advertisement interval. */
static int check_nd(const struct gw_cfg_if *f, char *err)
{
	/* RFC 8200 5: every link that carries IPv6 carries 1280-byte packets */
	if (f->n_addrs6 && f->mtu && f->mtu < NET_IP6_MTU_MIN)
		return fail(err,
		            "interface %s: mtu %u is below IPv6's minimum of %u (ipv6 address)",
		            f->name, f->mtu, NET_IP6_MTU_MIN);
	uint32_t interval = f->nd.ra_interval_s ? f->nd.ra_interval_s : GW_ND_RA_INTERVAL_DEF;
	if (f->nd.ra_lifetime_set && f->nd.ra_lifetime_s && f->nd.ra_lifetime_s < interval)
		return fail(err,
		            "interface %s: ipv6 nd ra-lifetime %u is shorter than ra-interval %u",
		            f->name, f->nd.ra_lifetime_s, interval);
	return GW_CFG_OK;
}

/* The IPv6 parts: routes, neighbours, subnets and RA settings of the interfaces. */
static int check_ipv6(const struct gw_cfg *c, char *err)
{
	for (size_t i = 0; i < c->routes6.n; i++)
		if (check_route6(c, &c->routes6.v[i], err))
			return GW_CFG_ERR;
	for (size_t i = 0; i < c->nbrs6.n; i++)
		if (!gw_cfg_if_find(c, c->nbrs6.v[i].ifname))
			return fail(err, "ipv6 neighbor %s: interface %s does not exist",
			            ip6str(&c->nbrs6.v[i].ip), c->nbrs6.v[i].ifname);
	for (size_t i = 0; i < c->ifs.n; i++)
		if (if_addrs6_fit(c, &c->ifs.v[i], c->ifs.v[i].vrf, err) ||
		    check_nd(&c->ifs.v[i], err))
			return GW_CFG_ERR;
	return GW_CFG_OK;
}

/* A static entry (`what`, its words) on interface ifname: refused when that is a port. */
static int check_not_port(const struct gw_cfg *c, const char *ifname, const char *what, char *err)
{
	const struct gw_cfg_if *f = gw_cfg_if_find(c, ifname);
	if (!f || !f->l2_bd)
		return GW_CFG_OK;
	return fail(err,
	            "%s: %s is a port of bridge-domain %u: an L2 port has no neighbours or routes "
	            "(the BDIF of bridge-domain %u has them)",
	            what, f->name, f->l2_bd, f->l2_bd);
}

/* Static neighbours and IPv6 routes that name an interface: not on a port. */
static int check_port_statics(const struct gw_cfg *c, char *err)
{
	char what[160];
	for (size_t i = 0; i < c->arps.n; i++) {
		const struct gw_cfg_arp *a = &c->arps.v[i];
		snprintf(what, sizeof(what), "arp %s %s", ipstr(a->ip), a->ifname);
		if (check_not_port(c, a->ifname, what, err))
			return GW_CFG_ERR;
	}
	for (size_t i = 0; i < c->nbrs6.n; i++) {
		const struct gw_cfg_nbr6 *e = &c->nbrs6.v[i];
		snprintf(what, sizeof(what), "ipv6 neighbor %s %s", ip6str(&e->ip), e->ifname);
		if (check_not_port(c, e->ifname, what, err))
			return GW_CFG_ERR;
	}
	for (size_t i = 0; i < c->routes6.n; i++) {
		const struct gw_cfg_route6 *r = &c->routes6.v[i];
		snprintf(what, sizeof(what), "ipv6 route %s/%u %s", ip6str(&r->pfx), r->len,
		         nh6str(r));
		if (r->ifname[0] && check_not_port(c, r->ifname, what, err))
			return GW_CFG_ERR;
	}
	return GW_CFG_OK;
}

/* L2 ports: in a bridge domain that exists, without L3 settings; static MACs on ports. */
static int check_l2(const struct gw_cfg *c, char *err)
{
	if (check_port_statics(c, err))
		return GW_CFG_ERR;
	for (size_t i = 0; i < c->ifs.n; i++) {
		const struct gw_cfg_if *f = &c->ifs.v[i];
		if (!f->l2_bd)
			continue;
		if (!gw_cfg_bd_find(c, f->l2_bd))
			return fail(err, "interface %s: bridge-domain %u does not exist", f->name,
			            f->l2_bd);
		enum l3_part part = if_l3_part(f);
		if (part != L3_NONE)
			return port_refuses(f, part, err);
		if (l2_bd_check(c, f, f->l2_bd, err))
			return GW_CFG_ERR;
	}
	for (size_t i = 0; i < c->macs.n; i++)
		if (c->macs.v[i].ifname[0] && mac_port_check(c, &c->macs.v[i], err))
			return GW_CFG_ERR;
	return GW_CFG_OK;
}

int gw_cfg_check(const struct gw_cfg *c, char *err)
{
	if (check_vrfs(c, err) || check_ipv6(c, err) || check_l2(c, err) ||
	    gw_cfg_acls_check(c, err))
		return GW_CFG_ERR;
	for (size_t i = 0; i < c->arps.n; i++)
		if (!gw_cfg_if_find(c, c->arps.v[i].ifname))
			return fail(err, "arp %s: interface %s does not exist",
			            ipstr(c->arps.v[i].ip), c->arps.v[i].ifname);
	for (size_t i = 0; i < c->macs.n; i++)
		if (!gw_cfg_bd_find(c, c->macs.v[i].bd_id))
			return fail(err, "static MAC %s: bridge-domain %u does not exist",
			            macstr(c->macs.v[i].mac), c->macs.v[i].bd_id);
	for (size_t i = 0; i < c->ifs.n; i++) {
		const struct gw_cfg_if *f = &c->ifs.v[i];
		for (unsigned k = 0; k < f->n_addrs; k++) {
			unsigned w;
			const struct gw_cfg_if *o =
			    addr_overlap(c, f, f->vrf, f->addr[k], f->plen[k], &w);
			if (o)
				return fail(err, "%s/%u on %s overlaps %s/%u on %s",
				            ipstr(f->addr[k]), f->plen[k], f->name,
				            ipstr(o->addr[w]), o->plen[w], o->name);
		}
	}
	for (size_t i = 0; i < c->ifs.n; i++)
		if (c->ifs.v[i].dot1q && dot1q_check(c, &c->ifs.v[i], c->ifs.v[i].dot1q, err))
			return GW_CFG_ERR;
	for (size_t i = 0; i < c->ifs.n; i++)
		if (c->ifs.v[i].anycast && !c->anycast_mac_set)
			return fail(err,
			            "interface %s: fabric forwarding mode anycast-gateway needs a "
			            "fabric anycast-gateway-mac",
			            c->ifs.v[i].name);
	for (size_t i = 0; i < c->bds.n; i++)
		for (size_t j = i + 1; j < c->bds.n; j++)
			if (c->bds.v[i].vni && c->bds.v[i].vni == c->bds.v[j].vni)
				return fail(err, "vni %u used by bridge-domains %u and %u",
				            c->bds.v[i].vni, c->bds.v[i].id, c->bds.v[j].id);
	return GW_CFG_OK;
}
