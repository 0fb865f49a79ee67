/*
 * gw/vtep.c - the underlay's own end: the IPv6 VTEP address beside the IPv4 one, the names
 * of remote IPv6 VTEPs and groups (vxlan/vtep.h), and the outer header's settings (DSCP,
 * IPv6 UDP zero checksums).
 *
 * Names are given by the configuration (flood peers, groups, static MACs) and by
 * decapsulation (a flood group's bridge domain learns any sender). They are forgotten
 * only when the table is more than half full and no bridge domain refers to them: the
 * mark covers the flood peers, groups, learned peers and MAC entries.
 */
#include <string.h>

#include "gw/gw_int.h"

#define GW_VTEPS_CAPACITY VX_VTEPS_MAX

struct vx_vteps *gw_vteps(struct gw *gw)
{
	return gw->vteps;
}

/* The table is made on first use: most gateways never name an IPv6 VTEP. */
static struct vx_vteps *vteps_get(struct gw *gw)
{
	if (!gw->vteps)
		gw->vteps = vx_vteps_create(GW_VTEPS_CAPACITY);
	return gw->vteps;
}

int gw_set_vtep6(struct gw *gw, const struct in6_addr *src)
{
	if (!src || net_ip6_is_zero(src)) {
		memset(&gw->vtep6, 0, sizeof(gw->vtep6));
		gw->vtep6_name = 0;
		return GW_OK;
	}
	if (net_ip6_is_mcast(src) || !vx_vtep6_addr_ok(src)) /* our own: a unicast one */
		return GW_E_INVAL;
	struct vx_vteps *t = vteps_get(gw);
	uint32_t name = t ? vx_vteps_add(t, src) : 0;
	if (!name)
		return t ? GW_E_FULL : GW_E_NOMEM;
	gw->vtep6 = *src;
	gw->vtep6_name = name;
	return GW_OK;
}

const struct in6_addr *gw_vtep6(const struct gw *gw)
{
	return gw->vtep6_name ? &gw->vtep6 : NULL;
}

uint32_t gw_vtep6_name(const struct gw *gw)
{
	return gw->vtep6_name;
}

uint32_t gw_vtep_name(struct gw *gw, int family, const void *addr)
{
	if (family == AF_INET) {
		uint32_t a;
		memcpy(&a, addr, 4);
		return a;
	}
	if (family != AF_INET6)
		return 0;
	struct vx_vteps *t = vteps_get(gw);
	return t ? vx_vteps_add(t, addr) : 0;
}

uint32_t gw_vtep6_sender(struct gw *gw, struct gw_pkt *p, bool learn)
{
	if (!vx_vtep_is6(p->outer_dst)) /* to an IPv4 address: the headroom holds no source */
		return 0;
	struct in6_addr a;
	memcpy(&a, gw_pkt_outer6_src(p), sizeof(a));
	struct vx_vteps *t = vteps_get(gw);
	if (!t || net_ip6_is_mcast(&a))
		return 0;
	uint32_t name = vx_vteps_find(t, &a);
	return name || !learn ? name : vx_vteps_add(t, &a);
}

int gw_set_vx_dscp(struct gw *gw, int dscp)
{
	if (dscp != VX_DSCP_INHERIT && (dscp < 0 || dscp > VX_DSCP_MAX))
		return GW_E_INVAL;
	gw->vx_dscp = dscp;
	return GW_OK;
}

int gw_vx_dscp(const struct gw *gw)
{
	return gw->vx_dscp;
}

void gw_set_udp6_zero_csum(struct gw *gw, bool rx, bool tx)
{
	gw->udp6_zero_rx = rx;
	gw->udp6_zero_tx = tx;
}

bool gw_udp6_zero_csum_rx(const struct gw *gw)
{
	return gw->udp6_zero_rx;
}

bool gw_udp6_zero_csum_tx(const struct gw *gw)
{
	return gw->udp6_zero_tx;
}

/* ---- forgetting names no one refers to ---- */
static int keep_bd(const struct bd_info *bi, void *arg)
{
	struct vx_vteps *t = arg;
	vx_vteps_keep(t, bi->flood_group);
	for (uint32_t i = 0; i < bi->n_flood_peers; i++)
		vx_vteps_keep(t, bi->flood_peers[i]);
	return 0;
}

static int keep_peer(const struct bd_peer_info *pi, void *arg)
{
	vx_vteps_keep(arg, pi->vtep);
	return 0;
}

static int keep_mac(const struct bd_mac_info *mi, void *arg)
{
	vx_vteps_keep(arg, mi->vtep);
	return 0;
}

void gw_vteps_tick(struct gw *gw)
{
	struct vx_vteps *t = gw->vteps;
	if (!t || vx_vteps_count(t) <= GW_VTEPS_CAPACITY / 2)
		return;
	vx_vteps_mark_begin(t);
	vx_vteps_keep(t, gw->vtep6_name);
	bd_walk(gw->bd, keep_bd, t);
	bd_peer_walk(gw->bd, gw->now_ms, keep_peer, t);
	bd_mac_foreach(gw->bd, gw->now_ms, keep_mac, t);
	vx_vteps_sweep(t);
}
