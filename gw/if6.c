/*
 * gw/if6.c - the IPv6 side of the interface table: global addresses (with their connected
 * routes in the VRF's IPv6 FIB), the link-local address, and the router-advertisement
 * settings. What is sent (ND, RAs) is nd.c's; what is routed, ip6.c's.
 */
#include "gw/gw_int.h"

#include <string.h>

#include "arp/nd.h"
#include "common/net.h"

bool gw_if6_has_addr(const struct gw_if *gif, const struct in6_addr *a)
{
	if (net_ip6_eq(&gif->v6.ll, a))
		return true;
	for (unsigned k = 0; k < gif->v6.n_addrs; k++)
		if (net_ip6_eq(&gif->v6.addr[k], a))
			return true;
	return false;
}

const struct in6_addr *gw_if6_subnet_addr(const struct gw_if *gif, const struct in6_addr *a)
{
	const struct gw_if6 *v6 = &gif->v6;
	for (unsigned k = 0; k < v6->n_addrs; k++) {
		struct in6_addr net = net_ip6_prefix(&v6->addr[k], v6->plen[k]);
		if (net_ip6_in_prefix(a, &net, v6->plen[k]))
			return &v6->addr[k];
	}
	return NULL;
}

const struct in6_addr *gw_if6_src_for(const struct gw_if *gif, const struct in6_addr *dst)
{
	const struct gw_if6 *v6 = &gif->v6;
	if (net_ip6_is_linklocal(dst) || net_ip6_is_mcast(dst) || !v6->n_addrs)
		return &v6->ll;
	const struct in6_addr *own = gw_if6_subnet_addr(gif, dst);
	return own ? own : &v6->addr[0];
}

/* The derived link-local address follows the MAC unless one is configured. */
void gw_if6_mac_changed(struct gw_if *gif)
{
	if (!gif->v6.ll_set)
		nd_eui64_linklocal(gif->mac, &gif->v6.ll);
}

void gw_if6_mac_changing(struct gw *gw, uint16_t ifx, const uint8_t *mac)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	struct in6_addr ll;
	if (!gif || gif->v6.ll_set)
		return;
	nd_eui64_linklocal(mac, &ll);
	gw_nd_ll_change(gw, ifx, &ll);
}

/* A global unicast address an interface may carry. */
static bool addr6_is_valid_host(const struct in6_addr *a, uint8_t len)
{
	return len >= 1 && len <= 128 && !net_ip6_is_zero(a) && !net_ip6_is_mcast(a) &&
	       !net_ip6_is_linklocal(a) && !net_ip6_is_loopback(a);
}

/* Would addr/len overlap an IPv6 subnet already on an interface of VRF vrfx? */
static bool subnet6_conflicts(const struct gw *gw, uint16_t vrfx, const struct in6_addr *addr,
                              uint8_t len)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		const struct gw_if *o = &gw->ifs[i];
		if (!o->used || o->vrfx != vrfx)
			continue;
		for (unsigned k = 0; k < o->v6.n_addrs; k++) {
			uint8_t l = len < o->v6.plen[k] ? len : o->v6.plen[k];
			struct in6_addr net = net_ip6_prefix(&o->v6.addr[k], l);
			if (net_ip6_in_prefix(addr, &net, l))
				return true;
		}
	}
	return false;
}

static int fib_to_gw_err(int r)
{
	return r == FIB_OK ? GW_OK : r == FIB_E_NOMEM ? GW_E_NOMEM : GW_E_INVAL;
}

int gw_if_addr6_add(struct gw *gw, uint16_t ifx, const struct in6_addr *addr, uint8_t len)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (!addr6_is_valid_host(addr, len))
		return GW_E_INVAL;
	if (gif->l2_bd)
		return GW_E_BUSY; /* as gw_if_addr_add */
	struct gw_if6 *v6 = &gif->v6;
	for (unsigned k = 0; k < v6->n_addrs; k++)
		if (net_ip6_eq(&v6->addr[k], addr) && v6->plen[k] == len)
			return GW_E_EXISTS;
	if (v6->n_addrs == GW_IF_ADDRS_MAX)
		return GW_E_FULL;
	if (subnet6_conflicts(gw, gif->vrfx, addr, len))
		return GW_E_CONFLICT;
	int r = fib6_connected_add(gw->vrfs[gif->vrfx].fib6, addr, len, ifx);
	if (r != FIB_OK)
		return fib_to_gw_err(r);
	if (!v6->n_addrs)
		fib6_if_up(gw->vrfs[gif->vrfx].fib6, ifx);
	v6->addr[v6->n_addrs] = *addr;
	v6->plen[v6->n_addrs] = len;
	v6->n_addrs++;
	gw_nd_if_changed(gw, ifx);
	return GW_OK;
}

int gw_if_addr6_del(struct gw *gw, uint16_t ifx, const struct in6_addr *addr, uint8_t len)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	struct gw_if6 *v6 = &gif->v6;
	for (unsigned k = 0; k < v6->n_addrs; k++) {
		if (!net_ip6_eq(&v6->addr[k], addr) || v6->plen[k] != len)
			continue;
		struct fib6 *fib6 = gw->vrfs[gif->vrfx].fib6;
		fib6_connected_del(fib6, addr, len, ifx);
		memmove(&v6->addr[k], &v6->addr[k + 1], (v6->n_addrs - k - 1) * sizeof(*addr));
		memmove(&v6->plen[k], &v6->plen[k + 1], (v6->n_addrs - k - 1));
		v6->n_addrs--;
		if (!v6->n_addrs) {
			/* without a global address the interface stops routing IPv6 */
			fib6_if_down(fib6, ifx);
			arp_flush_if(gw->nd, ifx);
		}
		gw_nd_if_changed(gw, ifx);
		return GW_OK;
	}
	return GW_E_NOENT;
}

int gw_if_set_ll6(struct gw *gw, uint16_t ifx, const struct in6_addr *ll)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (ll && !net_ip6_is_linklocal(ll))
		return GW_E_INVAL;
	struct in6_addr new_ll;
	if (ll)
		new_ll = *ll;
	else
		nd_eui64_linklocal(gif->mac, &new_ll);
	gw_nd_ll_change(gw, ifx, &new_ll);
	gif->v6.ll_set = ll != NULL;
	gw_nd_if_changed(gw, ifx);
	return GW_OK;
}

static bool nd_cfg_valid(const struct gw_nd_cfg *nd)
{
	if (nd->ra > GW_ND_RA_SEND || nd->n_prefixes > GW_ND_PREFIX_MAX)
		return false;
	if (nd->ra_interval_s && (nd->ra_interval_s < GW_ND_RA_INTERVAL_MIN ||
	                          nd->ra_interval_s > GW_ND_RA_INTERVAL_MAX))
		return false;
	return !nd->ra_lifetime_set || nd->ra_lifetime_s <= GW_ND_RA_LIFETIME_MAX;
}

int gw_if_set_nd(struct gw *gw, uint16_t ifx, const struct gw_nd_cfg *nd)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (!nd_cfg_valid(nd))
		return GW_E_INVAL;
	gif->v6.nd = *nd;
	gw_nd_if_changed(gw, ifx);
	return GW_OK;
}

/* Moves the IPv6 connected routes of ifx from VRF `from` to `to` (gw_if_set_vrf). */
int gw_if6_move_vrf(struct gw *gw, uint16_t ifx, uint16_t from, uint16_t to)
{
	const struct gw_if6 *v6 = &gw->ifs[ifx].v6;
	for (unsigned k = 0; k < v6->n_addrs; k++)
		if (subnet6_conflicts(gw, to, &v6->addr[k], v6->plen[k]))
			return GW_E_CONFLICT;
	struct fib6 *f = gw->vrfs[from].fib6, *t = gw->vrfs[to].fib6;
	for (unsigned k = 0; k < v6->n_addrs; k++) {
		if (fib6_connected_add(t, &v6->addr[k], v6->plen[k], ifx) != FIB_OK) {
			while (k-- > 0)
				fib6_connected_del(t, &v6->addr[k], v6->plen[k], ifx);
			return GW_E_NOMEM;
		}
	}
	for (unsigned k = 0; k < v6->n_addrs; k++)
		fib6_connected_del(f, &v6->addr[k], v6->plen[k], ifx);
	if (v6->n_addrs) {
		fib6_if_down(f, ifx);
		fib6_if_up(t, ifx);
	}
	arp_clear_dynamic(gw->nd, ifx);
	return GW_OK;
}

/* The interface is being deleted: its addresses and neighbours go. */
void gw_if6_remove(struct gw *gw, uint16_t ifx)
{
	struct gw_if *gif = &gw->ifs[ifx];
	while (gif->v6.n_addrs)
		gw_if_addr6_del(gw, ifx, &gif->v6.addr[0], gif->v6.plen[0]);
	arp_flush_if(gw->nd, ifx);
}

void gw_if6_fill_info(const struct gw_if *gif, struct gw_if_info *info)
{
	const struct gw_if6 *v6 = &gif->v6;
	info->n_addrs6 = v6->n_addrs;
	memcpy(info->addr6, v6->addr, sizeof(info->addr6));
	memcpy(info->plen6, v6->plen, sizeof(info->plen6));
	info->ll6 = v6->ll;
	info->ll6_set = v6->ll_set;
	info->ra_on = v6->next_ra_ms != 0;
	info->nd = v6->nd;
}
