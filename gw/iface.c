/*
 * gw/iface.c - the gateway's interface table: BDIFs and uplinks (with their netdevs and
 * 802.1Q sub-interfaces), their addresses, and their lookup by index, name and bridge
 * domain. The pipeline reads this table; nothing here sends or receives a packet.
 */
#include "gw/gw_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"

void gw_bdif_default_mac(uint32_t bd_id, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x76; /* 'v' */
	mac[2] = 0x78; /* 'x' */
	mac[3] = (uint8_t)(bd_id >> 16);
	mac[4] = (uint8_t)(bd_id >> 8);
	mac[5] = (uint8_t)bd_id;
}

static uint16_t if_alloc(struct gw *gw)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (!gw->ifs[i].used)
			return i;
	return 0;
}

uint16_t gw_if_by_name(const struct gw *gw, const char *name)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (gw->ifs[i].used && strcmp(gw->ifs[i].name, name) == 0)
			return i;
	return 0;
}

uint16_t gw_bdif_of(const struct gw *gw, uint32_t bd_id)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (gw->ifs[i].used && gw->ifs[i].kind == GW_IF_BDIF && gw->ifs[i].bd_id == bd_id)
			return i;
	return 0;
}

static struct gw_if *if_new(struct gw *gw, uint8_t kind, const char *name, uint16_t *ifx)
{
	if (gw_if_by_name(gw, name))
		return NULL;
	uint16_t i = if_alloc(gw);
	if (!i)
		return NULL;
	struct gw_if *gif = &gw->ifs[i];
	memset(gif, 0, sizeof(*gif));
	gif->used = true;
	gif->kind = kind;
	gif->mtu = GW_MTU_DEFAULT;
	snprintf(gif->name, sizeof(gif->name), "%s", name);
	*ifx = i;
	return gif;
}

int gw_bdif_add(struct gw *gw, uint32_t bd_id, uint16_t *ifx)
{
	char name[GW_IF_NAMELEN];
	if (bd_id == 0 || bd_id > BD_ID_MAX)
		return GW_E_INVAL;
	snprintf(name, sizeof(name), "bdif%u", bd_id);
	if (gw_if_by_name(gw, name))
		return GW_E_EXISTS;
	struct gw_if *gif = if_new(gw, GW_IF_BDIF, name, ifx);
	if (!gif)
		return GW_E_FULL;
	gif->bd_id = bd_id;
	gif->up = true;
	gif->admin_up = true;
	gw_bdif_default_mac(bd_id, gif->mac);
	gw_if6_mac_changed(gif);
	return GW_OK;
}

bool gw_eth_name_split(const char *name, char netdev[GW_IF_NAMELEN], uint32_t *sub)
{
	size_t n = strnlen(name, GW_IF_NAMELEN);
	const char *dot = strrchr(name, '.');
	size_t digits = dot ? strspn(dot + 1, "0123456789") : 0;
	if (n == 0 || n >= GW_IF_NAMELEN)
		return false;
	*sub = 0;
	if (!dot || dot == name || digits == 0 || digits > 9 || dot[1] == '0' || dot[1 + digits]) {
		memcpy(netdev, name, n + 1);
		return true;
	}
	*sub = (uint32_t)strtoul(dot + 1, NULL, 10);
	memcpy(netdev, name, (size_t)(dot - name));
	netdev[dot - name] = '\0';
	return true;
}

/* The port of netdev `name`, created on first use; 0 when the table is full. */
static uint16_t port_get(struct gw *gw, const char *name)
{
	uint16_t free_slot = 0;
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		if (gw->ports[i].refs && !strcmp(gw->ports[i].name, name))
			return i;
		if (!gw->ports[i].refs && !free_slot)
			free_slot = i;
	}
	if (free_slot) {
		struct gw_port *port = &gw->ports[free_slot];
		free(port->by_vlan);
		memset(port, 0, sizeof(*port));
		snprintf(port->name, sizeof(port->name), "%s", name);
		/* the daemon adds an uplink once it holds a socket on an up netdev */
		port->link = GW_LINK_UP;
	}
	return free_slot;
}

static void port_put(struct gw *gw, uint16_t i)
{
	struct gw_port *port = &gw->ports[i];
	if (--port->refs == 0) {
		free(port->by_vlan);
		port->by_vlan = NULL;
	}
}

/* A sub-interface forwards only once it has a VLAN: untagged, it would steal the
 * main interface's frames. An uplink whose netdev is gone or down forwards nothing. */
static void if_update_up(struct gw *gw, uint16_t ifx, struct gw_if *gif)
{
	bool up = gif->admin_up && (!gif->subif || gif->vlan) &&
	          (gif->kind != GW_IF_ETH || gw->ports[gif->port].link == GW_LINK_UP);
	if (gif->up && !up) {
		arp_clear_dynamic(gw->arp, ifx);
		arp_clear_dynamic(gw->nd, ifx);
		bd_mac_flush_port(gw->bd, ifx); /* the hosts may be anywhere when it comes back */
	}
	bool changed = gif->up != up;
	gif->up = up;
	if (changed)
		gw_nd_if_changed(gw, ifx); /* RAs start or stop with the interface */
}

int gw_eth_add(struct gw *gw, const char *name, const uint8_t *mac, uint16_t *ifx)
{
	char netdev[GW_IF_NAMELEN];
	uint32_t sub;
	if (!gw_eth_name_split(name, netdev, &sub) || net_mac_is_mcast(mac) || net_mac_is_zero(mac))
		return GW_E_INVAL;
	if (gw_if_by_name(gw, name))
		return GW_E_EXISTS;
	uint16_t port = port_get(gw, netdev);
	if (!port)
		return GW_E_FULL;
	struct gw_if *gif = if_new(gw, GW_IF_ETH, name, ifx);
	if (!gif)
		return GW_E_FULL;
	gw->ports[port].refs++;
	if (!sub)
		gw->ports[port].untagged = *ifx;
	gif->port = port;
	gif->subif = sub != 0;
	memcpy(gif->mac, mac, 6);
	gw_if6_mac_changed(gif);
	gif->admin_up = true;
	if_update_up(gw, *ifx, gif);
	return GW_OK;
}

int gw_eth_set_link(struct gw *gw, const char *netdev, enum gw_link link)
{
	if (link != GW_LINK_UP && link != GW_LINK_DOWN && link != GW_LINK_MISSING)
		return GW_E_INVAL;
	uint16_t port = 0;
	for (uint16_t i = 1; i <= GW_IF_MAX && !port; i++)
		if (gw->ports[i].refs && !strcmp(gw->ports[i].name, netdev))
			port = i;
	if (!port)
		return GW_E_NOENT;
	gw->ports[port].link = (uint8_t)link;
	for (uint16_t ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		struct gw_if *gif = &gw->ifs[ifx];
		if (gif->used && gif->kind == GW_IF_ETH && gif->port == port)
			if_update_up(gw, ifx, gif);
	}
	return GW_OK;
}

int gw_if_set_dot1q(struct gw *gw, uint16_t ifx, uint16_t vlan)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (!gif->subif || vlan > GW_VLAN_MAX)
		return GW_E_INVAL;
	if (vlan == gif->vlan)
		return GW_OK;
	struct gw_port *port = &gw->ports[gif->port];
	if (vlan && port->by_vlan && port->by_vlan[vlan])
		return GW_E_EXISTS;
	if (vlan && !port->by_vlan && !(port->by_vlan = calloc(GW_VLAN_IDS, sizeof(uint16_t))))
		return GW_E_NOMEM;
	if (gif->vlan)
		port->by_vlan[gif->vlan] = 0;
	/* neighbours learned on the old VLAN are on another segment now */
	arp_clear_dynamic(gw->arp, ifx);
	arp_clear_dynamic(gw->nd, ifx);
	gif->vlan = vlan;
	if (vlan) {
		uint16_t tag[2] = {htons(NET_ETHERTYPE_VLAN), htons(vlan)};
		memcpy(gif->tag, tag, sizeof(gif->tag));
		port->by_vlan[vlan] = ifx;
	}
	if_update_up(gw, ifx, gif);
	return GW_OK;
}

int gw_if_set_l2_bd(struct gw *gw, uint16_t ifx, uint32_t bd_id)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (gif->kind != GW_IF_ETH)
		return GW_E_INVAL;
	if (bd_id == gif->l2_bd)
		return GW_OK;
	if (bd_id && (gif->n_addrs || gif->v6.n_addrs))
		return GW_E_BUSY;
	if (bd_id && bd_index(gw->bd, bd_id) == BD_NONE)
		return GW_E_NOENT;
	if (gif->l2_bd)
		bd_port_del(gw->bd, gif->l2_bd, ifx); /* NOENT: its bridge domain went first */
	gif->l2_bd = 0;
	if (bd_id) {
		int r = bd_port_add(gw->bd, bd_id, ifx);
		if (r != BD_OK)
			return r == BD_E_FULL    ? GW_E_FULL
			       : r == BD_E_NOMEM ? GW_E_NOMEM
			                         : GW_E_INVAL;
		gif->l2_bd = bd_id;
		/* what the kernel or we resolved on it as an L3 interface is another segment now */
		arp_clear_dynamic(gw->arp, ifx);
		arp_clear_dynamic(gw->nd, ifx);
	}
	gw_nd_if_changed(gw, ifx);
	return GW_OK;
}

int gw_if_del(struct gw *gw, uint16_t ifx)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	gw_if_set_l2_bd(gw, ifx, 0);
	while (gif->n_addrs)
		gw_if_addr_del(gw, ifx, gif->addr[0], gif->plen[0]);
	arp_flush_if(gw->arp, ifx);
	gw_if6_remove(gw, ifx);
	gw_if_acl_release(gw, ifx);
	if (gif->kind == GW_IF_ETH) {
		struct gw_port *port = &gw->ports[gif->port];
		if (gif->vlan)
			port->by_vlan[gif->vlan] = 0;
		if (port->untagged == ifx)
			port->untagged = 0;
		port_put(gw, gif->port);
	}
	memset(gif, 0, sizeof(*gif));
	return GW_OK;
}

/* Would addr/len overlap a subnet already configured on an interface of VRF vrfx? */
static bool subnet_conflicts(const struct gw *gw, uint16_t vrfx, uint32_t addr, uint8_t len)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		const struct gw_if *o = &gw->ifs[i];
		if (!o->used || o->vrfx != vrfx)
			continue;
		for (unsigned k = 0; k < o->n_addrs; k++) {
			uint8_t l = len < o->plen[k] ? len : o->plen[k];
			if (((addr ^ o->addr[k]) & net_mask(l)) == 0)
				return true;
		}
	}
	return false;
}

static bool addr_is_valid_host(uint32_t addr, uint8_t len)
{
	if (len == 0 || len > 32 || addr == 0 || net_ip_is_mcast(addr) || (addr >> 24) == 127 ||
	    (addr >> 24) == 0 || addr >= 0xf0000000u)
		return false;
	if (len <= 30) {
		uint32_t host = addr & ~net_mask(len);
		if (host == 0 || host == ~net_mask(len))
			return false; /* network or broadcast address */
	}
	return true;
}

int gw_if_addr_add(struct gw *gw, uint16_t ifx, uint32_t addr, uint8_t len)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (!addr_is_valid_host(addr, len))
		return GW_E_INVAL;
	if (gif->l2_bd)
		return GW_E_BUSY; /* a port switches: its bridge domain's BDIF has the addresses */
	for (unsigned k = 0; k < gif->n_addrs; k++)
		if (gif->addr[k] == addr && gif->plen[k] == len)
			return GW_E_EXISTS;
	if (gif->n_addrs == GW_IF_ADDRS_MAX)
		return GW_E_FULL;
	if (subnet_conflicts(gw, gif->vrfx, addr, len))
		return GW_E_CONFLICT;
	int r = fib_connected_add(gw->vrfs[gif->vrfx].fib, addr, len, ifx);
	if (r != FIB_OK)
		return r == FIB_E_NOMEM ? GW_E_NOMEM : GW_E_INVAL;
	gif->addr[gif->n_addrs] = addr;
	gif->plen[gif->n_addrs] = len;
	gif->n_addrs++;
	return GW_OK;
}

int gw_if_addr_del(struct gw *gw, uint16_t ifx, uint32_t addr, uint8_t len)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	for (unsigned k = 0; k < gif->n_addrs; k++) {
		if (gif->addr[k] != addr || gif->plen[k] != len)
			continue;
		fib_connected_del(gw->vrfs[gif->vrfx].fib, addr, len, ifx);
		memmove(&gif->addr[k], &gif->addr[k + 1], (gif->n_addrs - k - 1) * sizeof(addr));
		memmove(&gif->plen[k], &gif->plen[k + 1], (gif->n_addrs - k - 1));
		gif->n_addrs--;
		return GW_OK;
	}
	return GW_E_NOENT;
}

int gw_if_set_mac(struct gw *gw, uint16_t ifx, const uint8_t *mac)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (net_mac_is_mcast(mac) || net_mac_is_zero(mac))
		return GW_E_INVAL;
	bool changed = !net_mac_eq(gif->mac, mac);
	if (changed)
		gw_if6_mac_changing(gw, ifx, mac);
	memcpy(gif->mac, mac, 6);
	gw_if6_mac_changed(gif);
	if (changed)
		gw_nd_announce(gw, ifx);
	return GW_OK;
}

int gw_if_set_mtu(struct gw *gw, uint16_t ifx, uint32_t mtu)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (mtu < GW_MTU_MIN || mtu > GW_MTU_MAX)
		return GW_E_INVAL;
	bool changed = gif->mtu != mtu;
	gif->mtu = mtu;
	if (changed)
		gw_nd_if_changed(gw, ifx); /* the RAs' MTU option: hosts hear it soon */
	return GW_OK;
}

int gw_if_set_up(struct gw *gw, uint16_t ifx, bool up)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	gif->admin_up = up;
	if_update_up(gw, ifx, gif);
	return GW_OK;
}

int gw_if_set_vrf(struct gw *gw, uint16_t ifx, uint16_t vrfx)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (!gw_vrf_fib_of(gw, vrfx))
		return GW_E_INVAL;
	if (gif->vrfx == vrfx)
		return GW_OK;
	for (unsigned k = 0; k < gif->n_addrs; k++)
		if (subnet_conflicts(gw, vrfx, gif->addr[k], gif->plen[k]))
			return GW_E_CONFLICT;
	int r6 = gw_if6_move_vrf(gw, ifx, gif->vrfx, vrfx);
	if (r6 != GW_OK)
		return r6;
	/* reserve the connected routes in the new FIB before giving up the old ones */
	struct fib *from = gw->vrfs[gif->vrfx].fib, *to = gw->vrfs[vrfx].fib;
	for (unsigned k = 0; k < gif->n_addrs; k++) {
		if (fib_connected_add(to, gif->addr[k], gif->plen[k], ifx) != FIB_OK) {
			while (k-- > 0)
				fib_connected_del(to, gif->addr[k], gif->plen[k], ifx);
			gw_if6_move_vrf(gw, ifx, vrfx, gif->vrfx);
			return GW_E_NOMEM;
		}
	}
	for (unsigned k = 0; k < gif->n_addrs; k++)
		fib_connected_del(from, gif->addr[k], gif->plen[k], ifx);
	/* packets waiting for a neighbour were routed in the old VRF: they must not leave */
	arp_clear_dynamic(gw->arp, ifx);
	gif->vrfx = vrfx;
	return GW_OK;
}

int gw_if_set_anycast(struct gw *gw, uint16_t ifx, bool on)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif)
		return GW_E_NOENT;
	if (on && gif->kind != GW_IF_BDIF)
		return GW_E_INVAL;
	gif->anycast = on;
	return GW_OK;
}

static void if_fill_info(const struct gw *gw, const struct gw_if *gif, uint16_t ifx,
                         struct gw_if_info *info)
{
	memset(info, 0, sizeof(*info));
	info->ifx = ifx;
	info->kind = gif->kind;
	memcpy(info->name, gif->name, sizeof(info->name));
	info->bd_id = gif->bd_id;
	info->l2_bd = gif->l2_bd;
	info->vrfx = gif->vrfx;
	memcpy(info->mac, gif->mac, 6);
	info->mtu = gif->mtu;
	info->up = gif->up;
	info->admin_up = gif->admin_up;
	info->subif = gif->subif;
	info->vlan = gif->vlan;
	if (gif->kind == GW_IF_ETH) {
		memcpy(info->netdev, gw->ports[gif->port].name, sizeof(info->netdev));
		info->link = gw->ports[gif->port].link;
	}
	info->anycast = gif->anycast;
	info->n_addrs = gif->n_addrs;
	memcpy(info->addr, gif->addr, sizeof(info->addr));
	memcpy(info->plen, gif->plen, sizeof(info->plen));
	gw_if6_fill_info(gif, info);
	info->cnt = gif->cnt;
}

bool gw_if_get(const struct gw *gw, uint16_t ifx, struct gw_if_info *info)
{
	if (ifx == 0 || ifx > GW_IF_MAX || !gw->ifs[ifx].used)
		return false;
	if_fill_info(gw, &gw->ifs[ifx], ifx, info);
	return true;
}

int gw_if_walk(const struct gw *gw, int (*cb)(const struct gw_if_info *i, void *arg), void *arg)
{
	struct gw_if_info info;
	for (uint16_t i = 1; i <= GW_IF_MAX; i++) {
		if (!gw->ifs[i].used)
			continue;
		if_fill_info(gw, &gw->ifs[i], i, &info);
		int r = cb(&info, arg);
		if (r)
			return r;
	}
	return 0;
}
