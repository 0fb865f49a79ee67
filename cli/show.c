/*
 * cli/show.c - show and clear commands: the tables of the running gateway as text.
 *
 * One entry per line, fixed columns, addresses in their usual notation, so that both a
 * person and `| include` find what they look for.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"

#ifndef VXGW_VERSION
#define VXGW_VERSION "0.0.0"
#endif

struct show_ctx {
	struct cli_sess *s;
	struct gw *gw;
	struct cli_out *out;
	uint32_t filter; /* bridge-domain filter, 0 = all */
	unsigned n;
};

static const char *ifname(struct gw *gw, uint16_t ifx, char buf[GW_IF_NAMELEN])
{
	struct gw_if_info info;
	snprintf(buf, GW_IF_NAMELEN, "%s", gw_if_get(gw, ifx, &info) ? info.name : "?");
	return buf;
}

static uint64_t now_ms(const struct cli_sess *s)
{
	return s->env->now_ms ? s->env->now_ms(s->env->ctx) : 0;
}

/* ---------------------------------------------------------------- ip arp */

static int arp_line(const struct arp_entry_info *e, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], mac[NET_MAC_STRLEN], ifn[GW_IF_NAMELEN];
	bool incomplete = e->state == ARP_INCOMPLETE;
	cli_printf(c->out, "%-16s %-18s %-11s %-7llu %s\n", net_ip_fmt(e->ip, ip),
	           incomplete ? "(incomplete)" : net_mac_fmt(e->mac, mac), arp_state_name(e->state),
	           (unsigned long long)(e->state == ARP_STATIC ? 0 : e->age_ms / 1000),
	           ifname(c->gw, e->ifx, ifn));
	c->n++;
	return 0;
}

static void show_ip_arp(struct show_ctx *c)
{
	cli_printf(c->out, "%-16s %-18s %-11s %-7s %s\n", "Address", "MAC address", "State",
	           "Age(s)", "Interface");
	arp_walk(gw_arp(c->gw), now_ms(c->s), arp_line, c);
	cli_printf(c->out, "Total: %u\n", c->n);
}

/* ---------------------------------------------------------------- mac address-table */

static int mac_line(const struct bd_mac_info *m, void *arg)
{
	struct show_ctx *c = arg;
	char mac[NET_MAC_STRLEN], ip[NET_IP_STRLEN];
	cli_printf(c->out, "%-9u %-18s %-8s %-16s %llu\n", m->bd_id, net_mac_fmt(m->mac, mac),
	           m->is_static ? "static" : "dynamic", net_ip_fmt(m->vtep, ip),
	           (unsigned long long)(m->is_static ? 0 : m->age_ms / 1000));
	c->n++;
	return 0;
}

static void show_mac_table(struct show_ctx *c)
{
	cli_printf(c->out, "%-9s %-18s %-8s %-16s %s\n", "BD", "MAC address", "Type", "VTEP",
	           "Age(s)");
	bd_mac_walk(gw_bd(c->gw), c->filter, now_ms(c->s), mac_line, c);
	cli_printf(c->out, "Total: %u\n", c->n);
}

/* ---------------------------------------------------------------- ip route */

static const char *source_code(uint8_t src)
{
	switch (src) {
	case FIB_SRC_LOCAL:
		return "L";
	case FIB_SRC_CONNECTED:
		return "C";
	default:
		return "S";
	}
}

static void route_paths(struct show_ctx *c, const struct fib_route_info *ri)
{
	char ip[NET_IP_STRLEN], ifn[GW_IF_NAMELEN];
	if (!ri->active) {
		for (unsigned k = 0; k < ri->n_nh; k++)
			cli_printf(c->out, "%s via %s (unresolved)", k ? "," : "",
			           ri->nh[k].kind == FIB_NH_NULL0 ? "null0"
			                                          : net_ip_fmt(ri->nh[k].ip, ip));
		return;
	}
	for (unsigned k = 0; k < ri->n_paths; k++) {
		const struct fib_path *p = &ri->paths[k];
		const char *sep = k ? "," : "";
		switch (p->type) {
		case FIB_PATH_DROP:
			cli_printf(c->out, "%s null0", sep);
			break;
		case FIB_PATH_LOCAL:
			cli_printf(c->out, "%s is local, %s", sep, ifname(c->gw, p->ifx, ifn));
			break;
		case FIB_PATH_ATTACHED:
			cli_printf(c->out, "%s is directly connected, %s", sep,
			           ifname(c->gw, p->ifx, ifn));
			break;
		default:
			cli_printf(c->out, "%s via %s, %s", sep, net_ip_fmt(p->nh, ip),
			           ifname(c->gw, p->ifx, ifn));
		}
	}
}

static int route_line(const struct fib_route_info *ri, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], pfx[24];
	snprintf(pfx, sizeof(pfx), "%s/%u", net_ip_fmt(ri->pfx, ip), ri->len);
	cli_printf(c->out, "%s%s %-18s", source_code(ri->source), ri->active ? " " : "*", pfx);
	route_paths(c, ri);
	cli_printf(c->out, "\n");
	c->n++;
	return 0;
}

static void show_ip_route(struct show_ctx *c, const char *arg)
{
	cli_printf(c->out, "Codes: L local, C connected, S static, * inactive\n\n");
	if (!arg) {
		fib_walk(gw_fib(c->gw), route_line, c);
		cli_printf(c->out, "\nTotal: %u\n", c->n);
		return;
	}
	struct fib_route_info ri;
	uint32_t addr;
	uint8_t len;
	bool found = net_prefix_parse(arg, &addr, &len)
	                 ? fib_route_get(gw_fib(c->gw), addr & net_mask(len), len, &ri)
	                 : (net_ip_parse(arg, &addr) && fib_route_match(gw_fib(c->gw), addr, &ri));
	if (found)
		route_line(&ri, c);
	else
		cli_printf(c->out, "%% Network not in table\n");
}

/* ---------------------------------------------------------------- errors, counters */

static void show_errors(struct show_ctx *c)
{
	struct gw_counters k;
	gw_get_counters(c->gw, &k);
	cli_printf(c->out, "%-24s %-12s %s\n", "Reason", "Packets", "Description");
	for (int d = 0; d < GW_DROP_MAX; d++) {
		if (!k.drops[d])
			continue;
		cli_printf(c->out, "%-24s %-12llu %s\n", gw_drop_name(d),
		           (unsigned long long)k.drops[d], gw_drop_desc(d));
		c->n++;
	}
	if (!c->n)
		cli_printf(c->out, "No drops.\n");
}

static int if_counter_line(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	cli_printf(c->out, "%-12s %14llu %16llu %14llu %16llu\n", i->name,
	           (unsigned long long)i->cnt.rx_pkts, (unsigned long long)i->cnt.rx_bytes,
	           (unsigned long long)i->cnt.tx_pkts, (unsigned long long)i->cnt.tx_bytes);
	return 0;
}

static void show_counters(struct show_ctx *c)
{
	struct gw_counters k;
	gw_get_counters(c->gw, &k);
	cli_printf(c->out, "%-12s %14s %16s %14s %16s\n", "Interface", "RX packets", "RX bytes",
	           "TX packets", "TX bytes");
	gw_if_walk(c->gw, if_counter_line, c);
	cli_printf(c->out,
	           "\nunderlay rx %llu tx %llu, uplinks rx %llu tx %llu\n"
	           "routed %llu, to the gateway %llu, ICMP errors %llu, fragments %llu\n"
	           "ARP requests %llu replies %llu, flooded %llu\n",
	           (unsigned long long)k.rx_underlay, (unsigned long long)k.tx_underlay,
	           (unsigned long long)k.rx_eth, (unsigned long long)k.tx_eth,
	           (unsigned long long)k.routed, (unsigned long long)k.local,
	           (unsigned long long)k.icmp_errors, (unsigned long long)k.fragments,
	           (unsigned long long)k.arp_requests, (unsigned long long)k.arp_replies,
	           (unsigned long long)k.flooded);
}

/* ---------------------------------------------------------------- interfaces */

static int if_line_brief(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], a[24] = "unassigned";
	if (i->n_addrs)
		snprintf(a, sizeof(a), "%s/%u", net_ip_fmt(i->addr[0], ip), i->plen[0]);
	cli_printf(c->out, "%-12s %-20s %-6s %u\n", i->name, a, i->up ? "up" : "down", i->mtu);
	return 0;
}

static int if_line_full(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], mac[NET_MAC_STRLEN];
	cli_printf(c->out, "%s is %s\n", i->name, i->up ? "up" : "administratively down");
	if (i->kind == GW_IF_BDIF)
		cli_printf(c->out, "  L3 interface of bridge-domain %u\n", i->bd_id);
	else
		cli_printf(c->out, "  Ethernet uplink on Linux netdev %s\n", i->name);
	cli_printf(c->out, "  MAC address %s, MTU %u\n", net_mac_fmt(i->mac, mac), i->mtu);
	for (unsigned k = 0; k < i->n_addrs; k++)
		cli_printf(c->out, "  Internet address %s/%u%s\n", net_ip_fmt(i->addr[k], ip),
		           i->plen[k], k ? " secondary" : "");
	cli_printf(c->out, "  %llu packets input, %llu bytes; %llu packets output, %llu bytes\n",
	           (unsigned long long)i->cnt.rx_pkts, (unsigned long long)i->cnt.rx_bytes,
	           (unsigned long long)i->cnt.tx_pkts, (unsigned long long)i->cnt.tx_bytes);
	return 0;
}

/* ---------------------------------------------------------------- bridge domains, vxlan */

static int bd_block(const struct bd_info *b, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN];
	if (c->filter && b->id != c->filter)
		return 0;
	c->n++;
	cli_printf(c->out, "bridge-domain %u\n  VNI %u, MAC ageing %u s, MAC limit %u\n", b->id,
	           b->vni, b->mac_aging, b->mac_limit);
	cli_printf(c->out, "  MACs %u (%u static)\n", b->n_macs, b->n_static_macs);
	if (b->flood_group)
		cli_printf(c->out, "  flood group %s, %u learned VTEPs\n",
		           net_ip_fmt(b->flood_group, ip), b->n_learned_peers);
	for (uint32_t k = 0; k < b->n_flood_peers; k++)
		cli_printf(c->out, "  flood peer %s\n", net_ip_fmt(b->flood_peers[k], ip));
	if (gw_bdif_of(c->gw, b->id))
		cli_printf(c->out, "  L3 interface bdif%u\n", b->id);
	else
		cli_printf(c->out, "  no L3 interface\n");
	return 0;
}

static int vni_line(const struct bd_info *b, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], mode[40];
	if (!b->vni)
		return 0;
	if (b->flood_group)
		snprintf(mode, sizeof(mode), "group %s", net_ip_fmt(b->flood_group, ip));
	else
		snprintf(mode, sizeof(mode), "%u flood peers", b->n_flood_peers);
	cli_printf(c->out, "%-10u %-8u %-7u %s\n", b->vni, b->id, b->n_macs, mode);
	return 0;
}

static int peer_line(const struct bd_peer_info *p, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN];
	cli_printf(c->out, "%-16s %-8u %-11s", net_ip_fmt(p->vtep, ip), p->bd_id,
	           p->learned ? "learned" : "configured");
	if (p->learned)
		cli_printf(c->out, " %llu", (unsigned long long)(p->age_ms / 1000));
	cli_printf(c->out, "\n");
	return 0;
}

static void show_vxlan(struct show_ctx *c, bool peers)
{
	char ip[NET_IP_STRLEN];
	cli_printf(c->out, "VTEP %s, UDP port %u\n", net_ip_fmt(gw_vtep(c->gw), ip),
	           gw_udp_port(c->gw));
	if (peers) {
		cli_printf(c->out, "%-16s %-8s %-11s %s\n", "Peer", "BD", "Type", "Age(s)");
		bd_peer_walk(gw_bd(c->gw), now_ms(c->s), peer_line, c);
	} else {
		cli_printf(c->out, "%-10s %-8s %-7s %s\n", "VNI", "BD", "MACs", "BUM");
		bd_walk(gw_bd(c->gw), vni_line, c);
	}
}

/* ---------------------------------------------------------------- dispatch */

static int do_clear(struct show_ctx *c, const struct cli_args *a)
{
	const char *what = a->argv[1];
	if (!strcmp(what, "mac"))
		bd_mac_clear_dynamic(gw_bd(c->gw), a->nval ? cli_u32(a->val[a->nval - 1]) : 0);
	else if (!strcmp(what, "ip"))
		arp_clear_dynamic(gw_arp(c->gw), 0);
	else
		gw_clear_counters(c->gw);
	return CLI_OK;
}

int cli_show_dispatch(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c = {.s = s, .gw = s->env->gw, .out = out};
	const char *w1 = a->argv[1], *w2 = a->argc > 2 ? a->argv[2] : "";
	if (!strcmp(w1, "version")) {
		cli_printf(out, "vxgw %s, a VXLAN L3 gateway\n", VXGW_VERSION);
		return CLI_OK;
	}
	if (!strcmp(w1, "running-config")) {
		const struct gw_cfg *cfg = s->env->running ? s->env->running(s->env->ctx) : NULL;
		if (!cfg)
			return cli_err(out, "no running configuration");
		cli_render_config(cfg, out);
		return CLI_OK;
	}
	if (!c.gw)
		return cli_err(out, "\"%s\" needs a running gateway", w1);
	if (!strcmp(a->argv[0], "clear"))
		return do_clear(&c, a);
	if (!strcmp(w1, "ip") && !strcmp(w2, "arp"))
		show_ip_arp(&c);
	else if (!strcmp(w1, "ip"))
		show_ip_route(&c, a->nval ? a->val[0] : NULL);
	else if (!strcmp(w1, "mac")) {
		c.filter = a->nval ? cli_u32(a->val[0]) : 0;
		show_mac_table(&c);
	} else if (!strcmp(w1, "errors"))
		show_errors(&c);
	else if (!strcmp(w1, "counters"))
		show_counters(&c);
	else if (!strcmp(w1, "interfaces"))
		gw_if_walk(c.gw, a->argc > 2 ? if_line_brief : if_line_full, &c);
	else if (!strcmp(w1, "bridge-domain")) {
		c.filter = a->nval ? cli_u32(a->val[0]) : 0;
		bd_walk(gw_bd(c.gw), bd_block, &c);
		if (c.filter && !c.n)
			return cli_err(out, "bridge-domain %u does not exist", c.filter);
	} else if (!strcmp(w1, "vxlan"))
		show_vxlan(&c, !strcmp(a->val[0], "peers"));
	return CLI_OK;
}
