/*
 * cli/show.c - show and clear commands: the tables of the running gateway as text, or
 * with a trailing `json` as one JSON object with stable field names (README: "JSON").
 *
 * Text is one entry per line in fixed columns, addresses in their usual notation, so
 * that both a person and `| include` find what they look for.
 *
 * Each command's handler is followed by its entry in the tree; the words it matched are
 * its arguments, so no word is looked at twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/json.h"
#include "common/net.h"
#include "gw/stats.h"
#include "gw/workers/worker.h"
#include "vxlan/bd.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#ifndef VXGW_VERSION
#define VXGW_VERSION "0.0.0"
#endif

struct show_ctx {
	struct cli_sess *s;
	struct gw *gw;
	struct cli_out *out;
	bool json;
	uint32_t filter; /* bridge-domain filter, 0 = all */
	uint16_t vrfx;   /* VRF of ip route / ip arp */
	unsigned n;      /* entries printed (text: total line; json: comma placement) */
	/* `show errors all`; `show counters OBJECT NAME`: the one object's name */
	bool all;
	const char *only;
	int col; /* text: width of a column of addresses (16 fits IPv4, more for IPv6) */
};

/* A VTEP or group of either family as text (its 32-bit name: vxlan/vtep.h). */
static const char *vtep_str(struct gw *gw, uint32_t name, char buf[VX_VTEP_STRLEN])
{
	return vx_vtep_fmt(gw_vteps(gw), name, buf);
}

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

void cli_jstr(struct cli_out *o, const char *s)
{
	char b[8];
	cli_printf(o, "\"");
	for (; *s; s++)
		cli_printf(o, "%s", json_char((unsigned char)*s, b));
	cli_printf(o, "\"");
}

/* A JSON string, or null when s is. */
static void jstr_or_null(struct cli_out *o, const char *s)
{
	if (s)
		cli_jstr(o, s);
	else
		cli_printf(o, "null");
}

/* The separator before the next element of a JSON array. */
static const char *jsep(struct show_ctx *c)
{
	return c->n++ ? "," : "";
}

/* The context of a show or clear command on the running gateway, its counters brought up
 * to date; false (error printed) without a gateway. */
static bool show_begin(struct show_ctx *c, struct cli_sess *s, const struct cli_args *a,
                       struct cli_out *out)
{
	*c = (struct show_ctx){
	    .s = s, .gw = cli_show_gw(s, a, out), .out = out, .json = cli_json(a)};
	return c->gw != NULL;
}

struct gw *cli_show_gw(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	if (!s->env->gw) {
		cli_err(out, "\"%s\" needs a running gateway", a->argv[1]);
		return NULL;
	}
	if (s->env->sync)
		s->env->sync(s->env->ctx);
	return s->env->gw;
}

/* The VRF named in `show ... vrf NAME`; false (error printed) when there is none. */
static bool show_vrf_arg(struct show_ctx *c, const char *name)
{
	if (gw_vrf_find(c->gw, name, &c->vrfx))
		return true;
	cli_err(c->out, "vrf %s does not exist", name);
	return false;
}

/* ---------------------------------------------------------------- ip arp, ipv6 neighbors */

/* One neighbour of either family; ipw: the width of the address column. */
static void neigh_line(struct show_ctx *c, uint16_t ifx, const char *ip, int ipw,
                       const uint8_t *mac_addr, uint8_t state, uint64_t age_ms)
{
	char mac[NET_MAC_STRLEN], ifn[GW_IF_NAMELEN];
	struct gw_if_info info;
	if (gw_if_get(c->gw, ifx, &info) && info.vrfx != c->vrfx)
		return; /* another VRF's neighbour */
	bool incomplete = state == ARP_INCOMPLETE;
	unsigned long long age = state == ARP_STATIC ? 0 : age_ms / 1000;
	net_mac_fmt(mac_addr, mac);
	ifname(c->gw, ifx, ifn);
	if (c->json) {
		cli_printf(c->out, "%s{\"address\":\"%s\",\"mac\":", jsep(c), ip);
		jstr_or_null(c->out, incomplete ? NULL : mac);
		cli_printf(c->out,
		           ",\"state\":\"%s\",\"age\":%llu,\"interface\":", arp_state_name(state),
		           age);
		cli_jstr(c->out, ifn);
		cli_printf(c->out, "}");
		return;
	}
	cli_printf(c->out, "%-*s %-18s %-11s %-7llu %s\n", ipw, ip,
	           incomplete ? "(incomplete)" : mac, arp_state_name(state), age, ifn);
	c->n++;
}

static int arp_line(const struct arp_entry_info *e, void *arg)
{
	char ip[NET_IP_STRLEN];
	neigh_line(arg, e->ifx, net_ip_fmt(e->ip, ip), 16, e->mac, e->state, e->age_ms);
	return 0;
}

static int nd_line(const struct arp6_entry_info *e, void *arg)
{
	char ip[NET_IP6_STRLEN];
	neigh_line(arg, e->ifx, net_ip6_fmt(&e->ip, ip), 28, e->mac, e->state, e->age_ms);
	return 0;
}

/* The neighbour table of either family: walk(c) calls neigh_line for each entry. */
static void show_neighbours(struct show_ctx *c, void (*walk)(struct show_ctx *c), int ipw)
{
	if (c->json) {
		cli_printf(c->out, "{\"entries\":[");
		walk(c);
		cli_printf(c->out, "],\"vrf\":");
		cli_jstr(c->out, gw_vrf_name(c->gw, c->vrfx));
		cli_printf(c->out, "}\n");
		return;
	}
	if (c->vrfx != GW_VRF_DEFAULT)
		cli_printf(c->out, "VRF %s\n", gw_vrf_name(c->gw, c->vrfx));
	cli_printf(c->out, "%-*s %-18s %-11s %-7s %s\n", ipw, "Address", "MAC address", "State",
	           "Age(s)", "Interface");
	walk(c);
	cli_printf(c->out, "Total: %u\n", c->n);
}

static void arp_walk_all(struct show_ctx *c)
{
	arp_walk(gw_arp(c->gw), now_ms(c->s), arp_line, c);
}

static void nd_walk_all(struct show_ctx *c)
{
	arp6_walk(gw_nd(c->gw), now_ms(c->s), nd_line, c);
}

/* show ip arp [vrf NAME] [json], show ipv6 neighbors [vrf NAME] [json]: the VRF is the value
 * after `vrf` (argv[3], `json` is never a VRF name). */
static int cmd_show_neighbours(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	bool v6 = !strcmp(a->argv[1], "ipv6");
	if (a->argc > 4 && !strcmp(a->argv[3], "vrf") && !show_vrf_arg(&c, a->argv[4]))
		return CLI_R_ERROR;
	show_neighbours(&c, v6 ? nd_walk_all : arp_walk_all, v6 ? 28 : 16);
	return CLI_R_OK;
}

static const struct cli_cmd show_ip_arp_cmd = {
    .syntax = "show ip arp [json]",
    .help = "Show running system information|IP|Neighbour table|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_neighbours,
};

static const struct cli_cmd show_ip_arp_vrf_cmd = {
    .syntax = "show ip arp vrf WORD [json]",
    .help = "Show running system information|IP|Neighbour table|Of the interfaces of a VRF|VRF "
            "name|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_neighbours,
};

static const struct cli_cmd show_ipv6_nbr_cmd = {
    .syntax = "show ipv6 neighbors [json]",
    .help = "Show running system information|IPv6|Neighbour table (ND)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_neighbours,
};

static const struct cli_cmd show_ipv6_nbr_vrf_cmd = {
    .syntax = "show ipv6 neighbors vrf WORD [json]",
    .help = "Show running system information|IPv6|Neighbour table (ND)|Of the interfaces of a "
            "VRF|VRF name|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_neighbours,
};

static int cmd_clear_ip_arp(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	arp_clear_dynamic(gw_arp(c.gw), 0);
	return CLI_R_OK;
}

static const struct cli_cmd clear_ip_arp_cmd = {
    .syntax = "clear ip arp",
    .help = "Reset|IP|Learned neighbours",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_clear_ip_arp,
};

/* ---------------------------------------------------------------- mac address-table */

/* JSON: "vtep" and "interface", one of them null (a MAC is behind a VTEP or on a port). */
static void mac_dest_json(struct show_ctx *c, uint32_t dest, const char *where)
{
	if (bd_dest_is_port(dest)) {
		cli_printf(c->out, "\"vtep\":null,\"interface\":");
		cli_jstr(c->out, where);
	} else {
		cli_printf(c->out, "\"vtep\":\"%s\",\"interface\":null", where);
	}
}

static int mac_line(const struct bd_mac_info *m, void *arg)
{
	struct show_ctx *c = arg;
	char mac[NET_MAC_STRLEN],
	    where[GW_IF_NAMELEN > VX_VTEP_STRLEN ? GW_IF_NAMELEN : VX_VTEP_STRLEN];
	const char *type = m->is_static ? "static" : "dynamic";
	unsigned long long age = m->is_static ? 0 : m->age_ms / 1000;
	net_mac_fmt(m->mac, mac);
	if (bd_dest_is_port(m->vtep))
		ifname(c->gw, (uint16_t)m->vtep, where);
	else
		vtep_str(c->gw, m->vtep, where);
	if (c->json) {
		cli_printf(c->out, "%s{\"bridge_domain\":%u,\"mac\":\"%s\",\"type\":\"%s\",",
		           jsep(c), m->bd_id, mac, type);
		mac_dest_json(c, m->vtep, where);
		cli_printf(c->out, ",\"age\":%llu}", age);
		return 0;
	}
	cli_printf(c->out, "%-9u %-18s %-8s %-16s %llu\n", m->bd_id, mac, type, where, age);
	c->n++;
	return 0;
}

static void show_mac_table(struct show_ctx *c)
{
	if (c->json) {
		cli_printf(c->out, "{\"entries\":[");
		bd_mac_walk(gw_bd(c->gw), c->filter, now_ms(c->s), mac_line, c);
		cli_printf(c->out, "]}\n");
		return;
	}
	cli_printf(c->out, "%-9s %-18s %-8s %-16s %s\n", "BD", "MAC address", "Type", "VTEP/Port",
	           "Age(s)");
	bd_mac_walk(gw_bd(c->gw), c->filter, now_ms(c->s), mac_line, c);
	cli_printf(c->out, "Total: %u\n", c->n);
}

static int cmd_show_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	c.filter = a->nval ? cli_u32(a->val[0]) : 0;
	show_mac_table(&c);
	return CLI_R_OK;
}

static const struct cli_cmd show_mac_cmd = {
    .syntax = "show mac address-table [json]",
    .help = "Show running system information|MAC|Address table|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_mac,
};

static const struct cli_cmd show_mac_bd_cmd = {
    .syntax = "show mac address-table bridge-domain <%u-%u> [json]",
    .help = "Show running system information|MAC|Address table|Of one bridge domain|Bridge-domain "
            "id|Machine-readable output",
    .range = {{1, BD_ID_MAX}},
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_mac,
};

/* the bridge-domain id is the last value, with or without its keyword */
static int cmd_clear_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	bd_mac_clear_dynamic(gw_bd(c.gw), a->nval ? cli_u32(a->val[a->nval - 1]) : 0);
	return CLI_R_OK;
}

static const struct cli_cmd clear_mac_cmd = {
    .syntax = "clear mac address-table dynamic [bridge-domain] [<%u-%u>]",
    .help = "Reset|MAC|Address table|Learned entries|Of one bridge domain|Bridge-domain id",
    .range = {{1, BD_ID_MAX}},
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_clear_mac,
};

/* ---------------------------------------------------------------- ip route, ipv6 route */

static const char *const source_codes[] = {
    [FIB_SRC_LOCAL] = "L", [FIB_SRC_CONNECTED] = "C", [FIB_SRC_STATIC] = "S"};
static const char *const source_names[] = {
    [FIB_SRC_LOCAL] = "local", [FIB_SRC_CONNECTED] = "connected", [FIB_SRC_STATIC] = "static"};
static const char *const path_names[] = {[FIB_PATH_DROP] = "null0",
                                         [FIB_PATH_LOCAL] = "local",
                                         [FIB_PATH_ATTACHED] = "connected",
                                         [FIB_PATH_GATEWAY] = "gateway"};

/* One resolved path of either family (nh: the gateway's address as text). */
static void path_text(struct show_ctx *c, unsigned k, uint8_t type, const char *nh, uint16_t ifx)
{
	char ifn[GW_IF_NAMELEN];
	const char *sep = k ? "," : "";
	switch (type) {
	case FIB_PATH_DROP:
		cli_printf(c->out, "%s null0", sep);
		break;
	case FIB_PATH_LOCAL:
		cli_printf(c->out, "%s is local, %s", sep, ifname(c->gw, ifx, ifn));
		break;
	case FIB_PATH_ATTACHED:
		cli_printf(c->out, "%s is directly connected, %s", sep, ifname(c->gw, ifx, ifn));
		break;
	default:
		cli_printf(c->out, "%s via %s, %s", sep, nh, ifname(c->gw, ifx, ifn));
	}
}

static void path_json(struct show_ctx *c, unsigned k, uint8_t type, const char *nh, uint16_t ifx)
{
	char ifn[GW_IF_NAMELEN];
	cli_printf(c->out, "%s{\"type\":\"%s\",\"next_hop\":", k ? "," : "", path_names[type]);
	if (type == FIB_PATH_GATEWAY)
		cli_printf(c->out, "\"%s\"", nh);
	else
		cli_printf(c->out, "null");
	cli_printf(c->out, ",\"interface\":");
	jstr_or_null(c->out, type == FIB_PATH_DROP ? NULL : ifname(c->gw, ifx, ifn));
	cli_printf(c->out, "}");
}

/* A route's first part: its code and prefix, or its JSON object up to the paths. */
static void route_begin(struct show_ctx *c, const char *pfx, uint8_t source, bool active)
{
	if (c->json)
		cli_printf(c->out,
		           "%s{\"prefix\":\"%s\",\"source\":\"%s\",\"active\":%s,\"paths\":[",
		           jsep(c), pfx, source_names[source], active ? "true" : "false");
	else
		/* IPv6 prefixes get a wider column: 2001:db8:abcd:12::/64 still lines up */
		cli_printf(c->out, "%s%s %-*s", source_codes[source], active ? " " : "*",
		           strchr(pfx, ':') ? 26 : 18, pfx);
}

/* A configured next hop (text: of an inactive route, JSON: in next_hops). */
static void route_nh(struct show_ctx *c, unsigned k, const char *nh)
{
	if (c->json)
		cli_printf(c->out, "%s\"%s\"", k ? "," : "", nh);
	else
		cli_printf(c->out, "%s via %s (unresolved)", k ? "," : "", nh);
}

static void route_end(struct show_ctx *c)
{
	cli_printf(c->out, c->json ? "]}" : "\n");
	c->n += !c->json;
}

static int route_line(const struct fib_route_info *ri, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], pfx[24];
	snprintf(pfx, sizeof(pfx), "%s/%u", net_ip_fmt(ri->pfx, ip), ri->len);
	route_begin(c, pfx, ri->source, ri->active);
	for (unsigned k = 0; (ri->active || c->json) && k < ri->n_paths; k++) {
		const struct fib_path *p = &ri->paths[k];
		(c->json ? path_json : path_text)(c, k, p->type, net_ip_fmt(p->nh, ip), p->ifx);
	}
	if (c->json)
		cli_printf(c->out, "],\"next_hops\":[");
	for (unsigned k = 0; (!ri->active || c->json) && k < ri->n_nh; k++)
		route_nh(c, k,
		         ri->nh[k].kind == FIB_NH_NULL0 ? "null0" : net_ip_fmt(ri->nh[k].ip, ip));
	route_end(c);
	return 0;
}

/* A configured IPv6 next hop as the operator wrote it ("X:X::X [INTERFACE]" or "null0"). */
static const char *nh6_text(struct show_ctx *c, const struct fib6_nh *nh, char *buf, size_t len)
{
	char ip[NET_IP6_STRLEN], ifn[GW_IF_NAMELEN];
	if (nh->kind == FIB_NH_NULL0)
		return "null0";
	snprintf(buf, len, "%s%s%s", net_ip6_fmt(&nh->ip, ip), nh->ifx ? " " : "",
	         nh->ifx ? ifname(c->gw, nh->ifx, ifn) : "");
	return buf;
}

static int route6_line(const struct fib6_route_info *ri, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP6_STRLEN], pfx[NET_IP6_STRLEN + 4], nh[NET_IP6_STRLEN + GW_IF_NAMELEN];
	snprintf(pfx, sizeof(pfx), "%s/%u", net_ip6_fmt(&ri->pfx, ip), ri->len);
	route_begin(c, pfx, ri->source, ri->active);
	for (unsigned k = 0; (ri->active || c->json) && k < ri->n_paths; k++) {
		const struct fib6_path *p = &ri->paths[k];
		(c->json ? path_json : path_text)(c, k, p->type, net_ip6_fmt(&p->nh, ip), p->ifx);
	}
	if (c->json)
		cli_printf(c->out, "],\"next_hops\":[");
	for (unsigned k = 0; (!ri->active || c->json) && k < ri->n_nh; k++)
		route_nh(c, k, nh6_text(c, &ri->nh[k], nh, sizeof(nh)));
	route_end(c);
	return 0;
}

/* What `show ip route` or `show ipv6 route` prints: one route (found by a query) or all. */
struct route_view {
	void (*all)(struct show_ctx *c);
	bool (*query)(struct show_ctx *c, const char *arg); /* prints it; false: none */
};

static void route_all4(struct show_ctx *c)
{
	fib_walk(gw_vrf_fib(c->gw, c->vrfx), route_line, c);
}

static bool route_query4(struct show_ctx *c, const char *arg)
{
	uint32_t addr;
	uint8_t len;
	struct fib_route_info ri;
	struct fib *fib = gw_vrf_fib(c->gw, c->vrfx);
	bool found = net_prefix_parse(arg, &addr, &len)
	                 ? fib_route_get(fib, addr & net_mask(len), len, &ri)
	                 : net_ip_parse(arg, &addr) && fib_route_match(fib, addr, &ri);
	return found && !route_line(&ri, c);
}

static void route_all6(struct show_ctx *c)
{
	fib6_walk(gw_vrf_fib6(c->gw, c->vrfx), route6_line, c);
}

static bool route_query6(struct show_ctx *c, const char *arg)
{
	struct in6_addr addr, net;
	uint8_t len;
	struct fib6_route_info ri;
	struct fib6 *fib = gw_vrf_fib6(c->gw, c->vrfx);
	bool found = false;
	if (net_ip6_prefix_parse(arg, &addr, &len)) {
		net = net_ip6_prefix(&addr, len);
		found = fib6_route_get(fib, &net, len, &ri);
	} else {
		found = net_ip6_parse(arg, &addr) && fib6_route_match(fib, &addr, &ri);
	}
	return found && !route6_line(&ri, c);
}

static const struct route_view route_view4 = {route_all4, route_query4};
static const struct route_view route_view6 = {route_all6, route_query6};

static void show_routes(struct show_ctx *c, const struct route_view *v, const char *arg)
{
	if (c->json) {
		cli_printf(c->out, "{\"routes\":[");
		if (!arg)
			v->all(c);
		else
			v->query(c, arg);
		cli_printf(c->out, "],\"vrf\":");
		cli_jstr(c->out, gw_vrf_name(c->gw, c->vrfx));
		cli_printf(c->out, "}\n");
		return;
	}
	if (c->vrfx != GW_VRF_DEFAULT)
		cli_printf(c->out, "VRF %s\n", gw_vrf_name(c->gw, c->vrfx));
	cli_printf(c->out, "Codes: L local, C connected, S static, * inactive\n\n");
	if (!arg) {
		v->all(c);
		cli_printf(c->out, "\nTotal: %u\n", c->n);
	} else if (!v->query(c, arg)) {
		cli_printf(c->out, "%% Network not in table\n");
	}
}

/* show (ip|ipv6) route [vrf NAME] [P/L|A] [json]: the VRF follows `vrf` (argv[3]), the
 * prefix or address is the value after it. */
static int cmd_show_route(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	bool vrf = a->argc > 4 && !strcmp(a->argv[3], "vrf");
	if (vrf && !show_vrf_arg(&c, a->val[0]))
		return CLI_R_ERROR;
	int at = vrf ? 1 : 0;
	const struct route_view *v = !strcmp(a->argv[1], "ipv6") ? &route_view6 : &route_view4;
	show_routes(&c, v, a->nval > at ? a->val[at] : NULL);
	return CLI_R_OK;
}

static const struct cli_cmd show_ip_route_cmd = {
    .syntax = "show ip route [json]",
    .help = "Show running system information|IP|Routing table|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ip_route_to_cmd = {
    .syntax = "show ip route (A.B.C.D/M|A.B.C.D) [json]",
    .help = "Show running system information|IP|Routing table|Prefix (exact) or address (longest "
            "match)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ip_route_vrf_cmd = {
    .syntax = "show ip route vrf WORD [json]",
    .help = "Show running system information|IP|Routing table|Of a VRF|VRF name|Machine-readable "
            "output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ip_route_vrf_to_cmd = {
    .syntax = "show ip route vrf WORD (A.B.C.D/M|A.B.C.D) [json]",
    .help = "Show running system information|IP|Routing table|Of a VRF|VRF name|Prefix (exact) or "
            "address (longest match)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ipv6_route_cmd = {
    .syntax = "show ipv6 route [json]",
    .help = "Show running system information|IPv6|Routing table|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ipv6_route_to_cmd = {
    .syntax = "show ipv6 route (X:X::X/M|X:X::X) [json]",
    .help = "Show running system information|IPv6|Routing table|Prefix (exact) or address "
            "(longest match)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ipv6_route_vrf_cmd = {
    .syntax = "show ipv6 route vrf WORD [json]",
    .help = "Show running system information|IPv6|Routing table|Of a VRF|VRF name|Machine-readable "
            "output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

static const struct cli_cmd show_ipv6_route_vrf_to_cmd = {
    .syntax = "show ipv6 route vrf WORD (X:X::X/M|X:X::X) [json]",
    .help = "Show running system information|IPv6|Routing table|Of a VRF|VRF name|Prefix (exact) "
            "or address (longest match)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_route,
};

/* ---------------------------------------------------------------- errors, counters */

static void show_errors(struct show_ctx *c)
{
	struct gw_counters k;
	gw_get_counters(c->gw, &k);
	if (c->json) {
		cli_printf(c->out, "{\"drops\":{");
		for (int d = 0; d < GW_DROP_MAX; d++)
			cli_printf(c->out, "%s\"%s\":%llu", d ? "," : "", gw_drop_name(d),
			           (unsigned long long)k.drops[d]);
		cli_printf(c->out, "}}\n");
		return;
	}
	cli_printf(c->out, "%-24s %-12s %s\n", "Reason", "Packets", "Description");
	for (int d = 0; d < GW_DROP_MAX; d++) {
		if (!k.drops[d] && !c->all)
			continue;
		cli_printf(c->out, "%-24s %-12llu %s\n", gw_drop_name(d),
		           (unsigned long long)k.drops[d], gw_drop_desc(d));
		c->n++;
	}
	if (!c->n)
		cli_printf(c->out, "No drops.\n");
}

static int cmd_show_errors(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	c.all = a->argc > 2 && !strcmp(a->argv[2], "all");
	show_errors(&c);
	return CLI_R_OK;
}

static const struct cli_cmd show_errors_cmd = {
    .syntax = "show errors [json]",
    .help = "Show running system information|Drops by reason|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_errors,
};

static const struct cli_cmd show_errors_all_cmd = {
    .syntax = "show errors all [json]",
    .help = "Show running system information|Drops by reason|Every reason, zeros "
            "included|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_errors,
};

/* ---------------------------------------------------------------- dataplane */

/* What the underlay's I/O is: the configured mode and what the daemon made of it. */
struct show_io {
	enum gw_cfg_io configured;
	struct gw_xdp_info x; /* zero: sockets */
};

static void show_io_get(struct cli_sess *s, struct show_io *io)
{
	const struct gw_cfg *cfg = s->env->running ? s->env->running(s->env->ctx) : NULL;
	memset(io, 0, sizeof(*io));
	io->configured = cfg ? cfg->io : GW_CFG_IO_SOCKET;
	if (s->env->io_info)
		s->env->io_info(s->env->ctx, &io->x);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

static void show_io_text(struct cli_out *o, const struct show_io *io)
{
	const struct gw_xdp_info *x = &io->x;
	if (x->on) {
		cli_printf(o, "I/O: xdp on %s (%s mode, %s", x->ifname,
		           x->native ? "native" : "generic", x->zerocopy ? "zero-copy" : "copy");
		if (x->busy_poll_us)
			cli_printf(o, ", busy polling %u us", x->busy_poll_us);
		if (x->why[0])
			cli_printf(o, ", %s", x->why);
		cli_printf(o, "), %u receive queue%s, %u AF_XDP socket%s\n", x->queues,
		           plural(x->queues), x->sockets, plural(x->sockets));
		if (x->uplinks[0])
			cli_printf(o, "Uplinks on xdp: %s\n", x->uplinks);
	} else if (io->configured != GW_CFG_IO_SOCKET) {
		cli_printf(o, "I/O: socket (dataplane io %s: XDP not used%s%s)\n",
		           cli_io_word(io->configured), x->why[0] ? ": " : "", x->why);
	} else {
		cli_printf(o, "I/O: socket\n");
	}
}

static void show_io_json(struct cli_out *o, const struct show_io *io)
{
	const struct gw_xdp_info *x = &io->x;
	cli_printf(o, "\"io\":{\"configured\":\"%s\",\"mode\":\"%s\",\"netdev\":",
	           cli_io_word(io->configured), x->on ? "xdp" : "socket");
	jstr_or_null(o, x->on ? x->ifname : NULL);
	cli_printf(o, ",\"xdp_mode\":");
	jstr_or_null(o, x->on ? (x->native ? "native" : "generic") : NULL);
	cli_printf(o, ",\"zerocopy\":%s,\"busy_poll_us\":%u,\"queues\":%u,\"sockets\":%u,\"why\":",
	           x->on && x->zerocopy ? "true" : "false", x->on ? x->busy_poll_us : 0, x->queues,
	           x->sockets);
	jstr_or_null(o, x->why[0] ? x->why : NULL);
	cli_printf(o, ",\"uplinks\":");
	jstr_or_null(o, x->uplinks[0] ? x->uplinks : NULL);
	cli_printf(o, "}");
}

static void show_dataplane(struct show_ctx *c, const struct gw_workers *ws)
{
	struct show_io io;
	show_io_get(c->s, &io);
	unsigned n = gw_workers_count(ws);
	struct gw_worker_info wi;
	/* what the packet pools hold in memory: touched buffers stay resident */
	size_t main_kib = gw_pool_resident(gw_pool(c->gw)) >> 10;
	size_t workers_kib = gw_workers_pool_resident(ws) >> 10;
	if (c->json) {
		cli_printf(
		    c->out,
		    "{\"workers\":%u,\"snapshots\":%llu,\"buffers_resident_kib\":{\"main\":%zu,"
		    "\"workers\":%zu},\"threads\":[",
		    n, (unsigned long long)gw_workers_publications(c->gw), main_kib, workers_kib);
		for (unsigned i = 0; gw_workers_info(ws, i, &wi); i++)
			cli_printf(c->out,
			           "%s{\"id\":%u,\"rx\":%llu,\"forwarded\":%llu,\"punted\":%llu,"
			           "\"punt_drops\":%llu,\"tx_failed\":%llu}",
			           i ? "," : "", wi.id, (unsigned long long)wi.rx,
			           (unsigned long long)wi.forwarded, (unsigned long long)wi.punted,
			           (unsigned long long)wi.punt_drops,
			           (unsigned long long)wi.tx_failed);
		cli_printf(c->out, "],");
		show_io_json(c->out, &io);
		cli_printf(c->out, "}\n");
		return;
	}
	show_io_text(c->out, &io);
	cli_printf(c->out, "Packet buffers resident: %zu KiB (main thread), %zu KiB (workers)\n",
	           main_kib, workers_kib);
	if (!n) {
		cli_printf(c->out, "Workers: none (the main thread forwards every packet)\n");
		return;
	}
	cli_printf(c->out, "Workers: %u, forwarding snapshots published: %llu\n", n,
	           (unsigned long long)gw_workers_publications(c->gw));
	cli_printf(c->out, "%-8s %-14s %-14s %-14s %-12s %s\n", "Worker", "Received", "Forwarded",
	           "To main", "Queue drops", "Tx failed");
	for (unsigned i = 0; gw_workers_info(ws, i, &wi); i++)
		cli_printf(c->out, "%-8u %-14llu %-14llu %-14llu %-12llu %llu\n", wi.id,
		           (unsigned long long)wi.rx, (unsigned long long)wi.forwarded,
		           (unsigned long long)wi.punted, (unsigned long long)wi.punt_drops,
		           (unsigned long long)wi.tx_failed);
}

static int cmd_show_dataplane(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_dataplane(&c, s->env->workers ? s->env->workers(s->env->ctx) : NULL);
	return CLI_R_OK;
}

static const struct cli_cmd show_dataplane_cmd = {
    .syntax = "show dataplane [json]",
    .help = "Show running system information|Data-plane worker threads|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_dataplane,
};

/* The counter and rate fields every counted object has in JSON. */
static void counters_json(struct cli_out *o, const struct gw_if_counters *k,
                          const struct gw_rate *r)
{
	cli_printf(o,
	           "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"tx_packets\":%llu,\"tx_bytes\":%llu,"
	           "\"rx_pps\":%llu,\"rx_bps\":%llu,\"tx_pps\":%llu,\"tx_bps\":%llu}",
	           (unsigned long long)k->rx_pkts, (unsigned long long)k->rx_bytes,
	           (unsigned long long)k->tx_pkts, (unsigned long long)k->tx_bytes,
	           (unsigned long long)r->rx_pps, (unsigned long long)r->rx_bps,
	           (unsigned long long)r->tx_pps, (unsigned long long)r->tx_bps);
}

/* One object in the words of a router's `show interfaces`. */
static void counters_detail(struct cli_out *o, const char *indent, const struct gw_if_counters *k,
                            const struct gw_rate *r)
{
	cli_printf(o, "%s10 second input rate %llu bits/sec, %llu packets/sec\n", indent,
	           (unsigned long long)r->rx_bps, (unsigned long long)r->rx_pps);
	cli_printf(o, "%s10 second output rate %llu bits/sec, %llu packets/sec\n", indent,
	           (unsigned long long)r->tx_bps, (unsigned long long)r->tx_pps);
	cli_printf(o, "%s%llu packets input, %llu bytes\n", indent, (unsigned long long)k->rx_pkts,
	           (unsigned long long)k->rx_bytes);
	cli_printf(o, "%s%llu packets output, %llu bytes\n", indent, (unsigned long long)k->tx_pkts,
	           (unsigned long long)k->tx_bytes);
}

static int if_counter_line(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	unsigned long long rp = i->cnt.rx_pkts, rb = i->cnt.rx_bytes, tp = i->cnt.tx_pkts,
	                   tb = i->cnt.tx_bytes;
	struct gw_rate r;
	if (c->only && strcmp(c->only, i->name))
		return 0;
	gw_if_rate(c->gw, i->ifx, &r);
	if (c->json) {
		cli_printf(c->out, "%s{\"name\":", jsep(c));
		cli_jstr(c->out, i->name);
		cli_printf(c->out, ",");
		counters_json(c->out, &i->cnt, &r);
		return 0;
	}
	c->n++;
	if (c->only) {
		cli_printf(c->out, "%s\n", i->name);
		counters_detail(c->out, "  ", &i->cnt, &r);
		return 0;
	}
	cli_printf(c->out, "%-12s %14llu %16llu %14llu %16llu\n", i->name, rp, rb, tp, tb);
	return 0;
}

static void bd_name(const struct gw_bd_stats *b, char *buf, size_t len)
{
	snprintf(buf, len, "%u", b->bd_id);
}

static int bd_counter_line(const struct gw_bd_stats *b, void *arg)
{
	struct show_ctx *c = arg;
	char name[16];
	bd_name(b, name, sizeof(name));
	if (c->only && strcmp(c->only, name))
		return 0;
	if (c->json) {
		cli_printf(c->out, "%s{\"bridge_domain\":%u,\"vni\":%u,", jsep(c), b->bd_id,
		           b->vni);
		counters_json(c->out, &b->cnt, &b->rate);
		return 0;
	}
	c->n++;
	if (c->only) {
		cli_printf(c->out, "bridge-domain %u, VNI %u\n", b->bd_id, b->vni);
		counters_detail(c->out, "  ", &b->cnt, &b->rate);
		return 0;
	}
	cli_printf(c->out, "%-8u %-8u %14llu %16llu %14llu %16llu\n", b->bd_id, b->vni,
	           (unsigned long long)b->cnt.rx_pkts, (unsigned long long)b->cnt.rx_bytes,
	           (unsigned long long)b->cnt.tx_pkts, (unsigned long long)b->cnt.tx_bytes);
	return 0;
}

static const char *peer_name(struct gw *gw, const struct gw_peer_stats *p, char buf[VX_VTEP_STRLEN])
{
	return p->vtep ? vtep_str(gw, p->vtep, buf) : "other";
}

static int peer_counter_line(const struct gw_peer_stats *p, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN];
	const char *name = peer_name(c->gw, p, ip);
	if (c->only && strcmp(c->only, name))
		return 0;
	if (c->json) {
		cli_printf(c->out, "%s{\"peer\":\"%s\",", jsep(c), name);
		counters_json(c->out, &p->cnt, &p->rate);
		return 0;
	}
	c->n++;
	if (c->only) {
		cli_printf(c->out, "peer %s\n", name);
		counters_detail(c->out, "  ", &p->cnt, &p->rate);
		return 0;
	}
	cli_printf(c->out, "%-17s %14llu %16llu %14llu %16llu\n", name,
	           (unsigned long long)p->cnt.rx_pkts, (unsigned long long)p->cnt.rx_bytes,
	           (unsigned long long)p->cnt.tx_pkts, (unsigned long long)p->cnt.tx_bytes);
	return 0;
}

/* The rate lines of show counters: one per object, after the tables. */
static void rate_line(struct cli_out *o, const char *kind, const char *name,
                      const struct gw_rate *r)
{
	char what[48];
	snprintf(what, sizeof(what), "%s %s", kind, name);
	cli_printf(o, "%-30s %14llu %12llu %14llu %12llu\n", what, (unsigned long long)r->rx_bps,
	           (unsigned long long)r->rx_pps, (unsigned long long)r->tx_bps,
	           (unsigned long long)r->tx_pps);
}

static int if_rate_line(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	struct gw_rate r;
	gw_if_rate(c->gw, i->ifx, &r);
	rate_line(c->out, "interface", i->name, &r);
	return 0;
}

static int bd_rate_line(const struct gw_bd_stats *b, void *arg)
{
	struct show_ctx *c = arg;
	char name[16];
	bd_name(b, name, sizeof(name));
	rate_line(c->out, "bridge-domain", name, &b->rate);
	return 0;
}

static int peer_rate_line(const struct gw_peer_stats *p, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN];
	rate_line(c->out, "peer", peer_name(c->gw, p, ip), &p->rate);
	return 0;
}

#define COUNTER_FIELDS(_)                                                                          \
	_(rx_underlay)                                                                             \
	_(rx_underlay_gro)                                                                         \
	_(rx_underlay_xdp)                                                                         \
	_(rx_uplink_xdp)                                                                           \
	_(tx_uplink_xdp)                                                                           \
	_(rx_gso)                                                                                  \
	_(rx_csum_completed)                                                                       \
	_(tx_underlay)                                                                             \
	_(tx_underlay_l2)                                                                          \
	_(tx_underlay_raw)                                                                         \
	_(tx_underlay_gso)                                                                         \
	_(rx_eth)                                                                                  \
	_(tx_eth)                                                                                  \
	_(routed)                                                                                  \
	_(local)                                                                                   \
	_(icmp_errors)                                                                             \
	_(fragments)                                                                               \
	_(arp_requests)                                                                            \
	_(arp_replies)                                                                             \
	_(arp_offlink_replies)                                                                     \
	_(flooded)                                                                                 \
	_(routed6)                                                                                 \
	_(local6)                                                                                  \
	_(icmp6_errors)                                                                            \
	_(nd_solicits)                                                                             \
	_(nd_adverts)                                                                              \
	_(ra_sent)

static void show_counters_json(struct show_ctx *c, const struct gw_counters *k)
{
	cli_printf(c->out, "{\"rate_interval_ms\":%llu,\"interfaces\":[",
	           (unsigned long long)gw_stats_interval_ms(c->gw));
	gw_if_walk(c->gw, if_counter_line, c);
	c->n = 0;
	cli_printf(c->out, "],\"bridge_domains\":[");
	gw_bd_stats_walk(c->gw, bd_counter_line, c);
	c->n = 0;
	cli_printf(c->out, "],\"peers\":[");
	gw_peer_stats_walk(c->gw, peer_counter_line, c);
	cli_printf(c->out, "],\"gateway\":{");
	const char *sep = "";
#define COUNTER_JSON(f)                                                                            \
	cli_printf(c->out, "%s\"" #f "\":%llu", sep, (unsigned long long)k->f);                    \
	sep = ",";
	COUNTER_FIELDS(COUNTER_JSON)
#undef COUNTER_JSON
	cli_printf(c->out, "}}\n");
}

/* show counters (interface|bridge-domain|peer) NAME [json]: one object. */
static int show_counters_one(struct show_ctx *c, const char *kind)
{
	if (c->json)
		cli_printf(c->out, "{\"%s\":[", kind);
	if (!strcmp(kind, "interfaces"))
		gw_if_walk(c->gw, if_counter_line, c);
	else if (!strcmp(kind, "bridge_domains"))
		gw_bd_stats_walk(c->gw, bd_counter_line, c);
	else
		gw_peer_stats_walk(c->gw, peer_counter_line, c);
	if (c->json)
		cli_printf(c->out, "]}\n");
	else if (!c->n)
		return cli_err(c->out, "no counters for %s", c->only);
	return CLI_R_OK;
}

static void show_counters(struct show_ctx *c)
{
	struct gw_counters k;
	gw_get_counters(c->gw, &k);
	if (c->json) {
		show_counters_json(c, &k);
		return;
	}
	cli_printf(c->out, "%-12s %14s %16s %14s %16s\n", "Interface", "RX packets", "RX bytes",
	           "TX packets", "TX bytes");
	gw_if_walk(c->gw, if_counter_line, c);
	cli_printf(c->out, "\n%-8s %-8s %14s %16s %14s %16s\n", "BD", "VNI", "RX packets",
	           "RX bytes", "TX packets", "TX bytes");
	gw_bd_stats_walk(c->gw, bd_counter_line, c);
	cli_printf(c->out, "\n%-17s %14s %16s %14s %16s\n", "Peer", "RX packets", "RX bytes",
	           "TX packets", "TX bytes");
	gw_peer_stats_walk(c->gw, peer_counter_line, c);
	cli_printf(c->out, "\n%-30s %14s %12s %14s %12s\n", "10 second rates", "In bits/sec",
	           "In pkts/sec", "Out bits/sec", "Out pkts/sec");
	gw_if_walk(c->gw, if_rate_line, c);
	gw_bd_stats_walk(c->gw, bd_rate_line, c);
	gw_peer_stats_walk(c->gw, peer_rate_line, c);
	cli_printf(c->out, "\n");
#define COUNTER_TEXT(f) cli_printf(c->out, "%-14s %llu\n", #f, (unsigned long long)k.f);
	COUNTER_FIELDS(COUNTER_TEXT)
#undef COUNTER_TEXT
}

static int cmd_show_counters(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_counters(&c);
	return CLI_R_OK;
}

static const struct cli_cmd show_counters_cmd = {
    .syntax = "show counters [json]",
    .help = "Show running system information|Packet counters|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_counters,
};

static int cmd_show_counters_if(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	c.only = a->val[0];
	return show_counters_one(&c, "interfaces");
}

static const struct cli_cmd show_counters_if_cmd = {
    .syntax = "show counters interface WORD [json]",
    .help = "Show running system information|Packet counters|Of one interface|Interface "
            "name|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_counters_if,
};

/* names as the tables print them: "10" for "010" */
static int cmd_show_counters_bd(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	char name[16];
	snprintf(name, sizeof(name), "%u", cli_u32(a->val[0]));
	c.only = name;
	return show_counters_one(&c, "bridge_domains");
}

static const struct cli_cmd show_counters_bd_cmd = {
    .syntax = "show counters bridge-domain <%u-%u> [json]",
    .help = "Show running system information|Packet counters|Of one bridge domain|Bridge-domain "
            "id|Machine-readable output",
    .range = {{1, BD_ID_MAX}},
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_counters_bd,
};

/* as the table prints it: 192.0.2.1 for "192.0.2.01" */
static int cmd_show_counters_peer(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	char name[NET_IP6_STRLEN];
	struct in6_addr ip6;
	if (cli_word_is_ip6(a->val[0]) && net_ip6_parse(a->val[0], &ip6))
		c.only = net_ip6_fmt(&ip6, name);
	else
		c.only = net_ip_fmt(cli_ip(a->val[0]), name);
	return show_counters_one(&c, "peers");
}

static const struct cli_cmd show_counters_peer_cmd = {
    .syntax = "show counters peer (A.B.C.D|X:X::X) [json]",
    .help = "Show running system information|Packet counters|Of one VTEP peer|VTEP "
            "address (IPv4 or IPv6)|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_counters_peer,
};

static int cmd_clear_counters(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	gw_clear_counters(c.gw);
	return CLI_R_OK;
}

static const struct cli_cmd clear_counters_cmd = {
    .syntax = "clear counters",
    .help = "Reset|Packet counters",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_clear_counters,
};

/* ---------------------------------------------------------------- interfaces */

static int if_line_brief(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], a[32] = "unassigned";
	if (i->l2_bd) /* a port has no address: where it switches instead */
		snprintf(a, sizeof(a), "bridge-domain %u", i->l2_bd);
	else if (i->n_addrs)
		snprintf(a, sizeof(a), "%s/%u", net_ip_fmt(i->addr[0], ip), i->plen[0]);
	cli_printf(c->out, "%-12s %-20s %-6s %-5u %s\n", i->name, a, i->up ? "up" : "down", i->mtu,
	           gw_vrf_name(c->gw, i->vrfx));
	return 0;
}

/* Why an interface is not forwarding, as `show interfaces` words it. */
static const char *if_state_text(const struct gw_if_info *i)
{
	if (i->up)
		return "up";
	if (!i->admin_up)
		return "administratively down";
	if (i->link == GW_LINK_MISSING)
		return "down (netdev missing)";
	if (i->link == GW_LINK_DOWN)
		return "down (netdev down)";
	return "down (no encapsulation)";
}

static const char *link_name(uint8_t link)
{
	return link == GW_LINK_UP ? "up" : link == GW_LINK_DOWN ? "down" : "missing";
}

/* The access lists applied to an interface: text "  Access lists: ip in WEB, ..." (none:
 * no line), or the JSON object {"ipv4_in","ipv4_out","ipv6_in","ipv6_out"} (null: none). */
static void if_acls(struct show_ctx *c, uint16_t ifx)
{
	static const struct {
		int fam, dir;
		const char *word, *key;
	} g[4] = {{ACL_IP4, ACL_IN, "ip in", "ipv4_in"},
	          {ACL_IP4, ACL_OUT, "ip out", "ipv4_out"},
	          {ACL_IP6, ACL_IN, "ipv6 in", "ipv6_in"},
	          {ACL_IP6, ACL_OUT, "ipv6 out", "ipv6_out"}};
	unsigned n = 0;
	for (int k = 0; k < 4; k++) {
		const char *name = gw_if_acl(c->gw, ifx, g[k].fam, g[k].dir);
		if (c->json) {
			cli_printf(c->out, "%s\"%s\":", k ? "," : "{", g[k].key);
			if (name)
				cli_jstr(c->out, name);
			else
				cli_printf(c->out, "null");
		} else if (name) {
			cli_printf(c->out, "%s %s %s", n++ ? "," : "  Access lists:", g[k].word,
			           name);
		}
	}
	cli_printf(c->out, "%s", c->json ? "}" : n ? "\n" : "");
}

static int if_line_full(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], mac[NET_MAC_STRLEN];
	cli_printf(c->out, "%s is %s\n", i->name, if_state_text(i));
	if (i->kind == GW_IF_BDIF)
		cli_printf(c->out, "  L3 interface of bridge-domain %u\n", i->bd_id);
	else if (!i->subif)
		cli_printf(c->out, "  Ethernet uplink on Linux netdev %s\n", i->netdev);
	else if (i->vlan)
		cli_printf(c->out,
		           "  Sub-interface of Linux netdev %s, encapsulation 802.1Q VLAN %u\n",
		           i->netdev, i->vlan);
	else
		cli_printf(c->out, "  Sub-interface of Linux netdev %s, no encapsulation\n",
		           i->netdev);
	if (i->l2_bd)
		cli_printf(c->out,
		           "  L2 port of bridge-domain %u (mode l2: switched, no addresses)\n",
		           i->l2_bd);
	if (i->vrfx != GW_VRF_DEFAULT)
		cli_printf(c->out, "  VRF %s\n", gw_vrf_name(c->gw, i->vrfx));
	cli_printf(c->out, "  MAC address %s%s, MTU %u\n", net_mac_fmt(i->mac, mac),
	           i->anycast ? " (anycast gateway)" : "", i->mtu);
	if (i->anycast)
		cli_printf(c->out, "  Forwarding mode anycast-gateway\n");
	for (unsigned k = 0; k < i->n_addrs; k++)
		cli_printf(c->out, "  Internet address %s/%u%s\n", net_ip_fmt(i->addr[k], ip),
		           i->plen[k], k ? " secondary" : "");
	if_acls(c, i->ifx);
	cli_printf(c->out, "  %llu packets input, %llu bytes; %llu packets output, %llu bytes\n",
	           (unsigned long long)i->cnt.rx_pkts, (unsigned long long)i->cnt.rx_bytes,
	           (unsigned long long)i->cnt.tx_pkts, (unsigned long long)i->cnt.tx_bytes);
	struct gw_rate r;
	gw_if_rate(c->gw, i->ifx, &r);
	cli_printf(c->out, "  10 second input rate %llu bits/sec, %llu packets/sec\n",
	           (unsigned long long)r.rx_bps, (unsigned long long)r.rx_pps);
	cli_printf(c->out, "  10 second output rate %llu bits/sec, %llu packets/sec\n",
	           (unsigned long long)r.tx_bps, (unsigned long long)r.tx_pps);
	return 0;
}

static int if_line_json(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP_STRLEN], mac[NET_MAC_STRLEN];
	cli_printf(c->out, "%s{\"name\":", jsep(c));
	cli_jstr(c->out, i->name);
	cli_printf(c->out, ",\"kind\":\"%s\",\"bridge_domain\":",
	           i->kind == GW_IF_BDIF ? "bdif" : "ethernet");
	if (i->kind == GW_IF_BDIF)
		cli_printf(c->out, "%u", i->bd_id);
	else
		cli_printf(c->out, "null");
	/* mode l2: a port of l2_bridge_domain; l3: it routes (its addresses) */
	cli_printf(c->out, ",\"mode\":\"%s\",\"l2_bridge_domain\":", i->l2_bd ? "l2" : "l3");
	if (i->l2_bd)
		cli_printf(c->out, "%u", i->l2_bd);
	else
		cli_printf(c->out, "null");
	cli_printf(c->out, ",\"vrf\":");
	cli_jstr(c->out, gw_vrf_name(c->gw, i->vrfx));
	cli_printf(c->out, ",\"netdev\":");
	if (i->kind == GW_IF_ETH) {
		cli_jstr(c->out, i->netdev);
		cli_printf(c->out, ",\"link\":\"%s\"", link_name(i->link));
	} else {
		cli_printf(c->out, "null,\"link\":null");
	}
	cli_printf(c->out, ",\"encapsulation\":");
	if (i->subif && i->vlan)
		cli_printf(c->out, "{\"type\":\"dot1q\",\"vlan\":%u}", i->vlan);
	else
		cli_printf(c->out, "null");
	cli_printf(c->out,
	           ",\"mac\":\"%s\",\"mtu\":%u,\"up\":%s,\"anycast_gateway\":%s,\"addresses\":[",
	           net_mac_fmt(i->mac, mac), i->mtu, i->up ? "true" : "false",
	           i->anycast ? "true" : "false");
	for (unsigned k = 0; k < i->n_addrs; k++)
		cli_printf(c->out, "%s\"%s/%u\"", k ? "," : "", net_ip_fmt(i->addr[k], ip),
		           i->plen[k]);
	cli_printf(c->out, "],\"access_lists\":");
	if_acls(c, i->ifx);
	cli_printf(c->out,
	           ",\"rx_packets\":%llu,\"rx_bytes\":%llu,\"tx_packets\":%llu,\"tx_bytes\":%llu}",
	           (unsigned long long)i->cnt.rx_pkts, (unsigned long long)i->cnt.rx_bytes,
	           (unsigned long long)i->cnt.tx_pkts, (unsigned long long)i->cnt.tx_bytes);
	return 0;
}

static void show_interfaces(struct show_ctx *c, bool brief)
{
	if (c->json) {
		cli_printf(c->out, "{\"interfaces\":[");
		gw_if_walk(c->gw, if_line_json, c);
		cli_printf(c->out, "]}\n");
		return;
	}
	if (brief)
		cli_printf(c->out, "%-12s %-20s %-6s %-5s %s\n", "Interface", "Address", "State",
		           "MTU", "VRF");
	gw_if_walk(c->gw, brief ? if_line_brief : if_line_full, c);
}

static int cmd_show_interfaces(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_interfaces(&c, false);
	return CLI_R_OK;
}

static const struct cli_cmd show_interfaces_cmd = {
    .syntax = "show interfaces [json]",
    .help = "Show running system information|Interfaces|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_interfaces,
};

static int cmd_show_interfaces_brief(struct cli_sess *s, const struct cli_args *a,
                                     struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_interfaces(&c, true);
	return CLI_R_OK;
}

static const struct cli_cmd show_interfaces_brief_cmd = {
    .syntax = "show interfaces brief [json]",
    .help =
        "Show running system information|Interfaces|One line per interface|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_interfaces_brief,
};

/* ---------------------------------------------------------------- ipv6 interface */

static uint32_t ra_interval(const struct gw_nd_cfg *nd)
{
	return nd->ra_interval_s ? nd->ra_interval_s : GW_ND_RA_INTERVAL_DEF;
}

static uint32_t ra_lifetime(const struct gw_nd_cfg *nd)
{
	return nd->ra_lifetime_set ? nd->ra_lifetime_s : GW_ND_RA_LIFETIME_DEF;
}

static const char *const ra_modes[] = {
    [GW_ND_RA_DEFAULT] = "default", [GW_ND_RA_SUPPRESS] = "suppress", [GW_ND_RA_SEND] = "send"};

static void prefix6_text(char *buf, size_t len, const struct in6_addr *a, uint8_t plen)
{
	char ip[NET_IP6_STRLEN];
	snprintf(buf, len, "%s/%u", net_ip6_fmt(a, ip), plen);
}

static int if6_line_brief(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ll[NET_IP6_STRLEN], a[NET_IP6_STRLEN] = "unassigned";
	if (i->n_addrs6) /* bare, as IOS's brief form: the full form gives the subnets */
		net_ip6_fmt(&i->addr6[0], a);
	cli_printf(c->out, "%-12s %-26s %-6s %-3s %s%s\n", i->name, net_ip6_fmt(&i->ll6, ll),
	           i->up ? "up" : "down", i->ra_on ? "on" : "off", a,
	           i->n_addrs6 > 1 ? " (+more)" : "");
	return 0;
}

static void if6_prefixes_text(struct show_ctx *c, const struct gw_nd_cfg *nd)
{
	char p[NET_IP6_STRLEN + 4];
	for (unsigned k = 0; k < nd->n_prefixes; k++) {
		const struct gw_nd_prefix *x = &nd->prefixes[k];
		prefix6_text(p, sizeof(p), &x->pfx, x->len);
		cli_printf(c->out, "    %s%s%s%s\n", p, x->no_autoconfig ? " no-autoconfig" : "",
		           x->off_link ? " off-link" : "", x->no_advertise ? " no-advertise" : "");
	}
}

static int if6_line_full(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP6_STRLEN], p[NET_IP6_STRLEN + 4];
	cli_printf(c->out, "%s is %s\n", i->name, if_state_text(i));
	if (i->vrfx != GW_VRF_DEFAULT)
		cli_printf(c->out, "  VRF %s\n", gw_vrf_name(c->gw, i->vrfx));
	cli_printf(c->out, "  IPv6 is %s, link-local address is %s%s\n",
	           i->n_addrs6 ? "routed" : "not routed (no global address)",
	           net_ip6_fmt(&i->ll6, ip), i->ll6_set ? " (configured)" : "");
	cli_printf(c->out, "  Global unicast address(es):%s\n", i->n_addrs6 ? "" : " none");
	for (unsigned k = 0; k < i->n_addrs6; k++) {
		struct in6_addr net = net_ip6_prefix(&i->addr6[k], i->plen6[k]);
		prefix6_text(p, sizeof(p), &net, i->plen6[k]);
		cli_printf(c->out, "    %s, subnet is %s\n", net_ip6_fmt(&i->addr6[k], ip), p);
	}
	cli_printf(c->out, "  MTU %u\n", i->mtu);
	const struct gw_nd_cfg *nd = &i->nd;
	cli_printf(c->out,
	           "  ND router advertisements are %s (%s), every %u seconds, lifetime %u "
	           "seconds\n",
	           i->ra_on ? "sent" : "not sent", ra_modes[nd->ra], ra_interval(nd),
	           ra_lifetime(nd));
	cli_printf(c->out, "  Managed address configuration flag %s, other configuration flag %s\n",
	           nd->managed ? "on" : "off", nd->other ? "on" : "off");
	if (nd->n_prefixes)
		cli_printf(c->out, "  Prefix settings:\n");
	if6_prefixes_text(c, nd);
	return 0;
}

static void if6_nd_json(struct show_ctx *c, const struct gw_if_info *i)
{
	char p[NET_IP6_STRLEN + 4];
	const struct gw_nd_cfg *nd = &i->nd;
	cli_printf(c->out,
	           ",\"ra\":{\"sending\":%s,\"mode\":\"%s\",\"interval\":%u,\"lifetime\":%u,"
	           "\"managed\":%s,\"other\":%s,\"prefixes\":[",
	           i->ra_on ? "true" : "false", ra_modes[nd->ra], ra_interval(nd), ra_lifetime(nd),
	           nd->managed ? "true" : "false", nd->other ? "true" : "false");
	for (unsigned k = 0; k < nd->n_prefixes; k++) {
		const struct gw_nd_prefix *x = &nd->prefixes[k];
		prefix6_text(p, sizeof(p), &x->pfx, x->len);
		cli_printf(
		    c->out,
		    "%s{\"prefix\":\"%s\",\"autoconfig\":%s,\"on_link\":%s,\"advertise\":%s}",
		    k ? "," : "", p, x->no_autoconfig ? "false" : "true",
		    x->off_link ? "false" : "true", x->no_advertise ? "false" : "true");
	}
	cli_printf(c->out, "]}");
}

static int if6_line_json(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	char ip[NET_IP6_STRLEN], p[NET_IP6_STRLEN + 4];
	cli_printf(c->out, "%s{\"name\":", jsep(c));
	cli_jstr(c->out, i->name);
	cli_printf(c->out, ",\"vrf\":");
	cli_jstr(c->out, gw_vrf_name(c->gw, i->vrfx));
	cli_printf(c->out,
	           ",\"up\":%s,\"mtu\":%u,\"link_local\":\"%s\",\"link_local_configured\":%s,"
	           "\"addresses\":[",
	           i->up ? "true" : "false", i->mtu, net_ip6_fmt(&i->ll6, ip),
	           i->ll6_set ? "true" : "false");
	for (unsigned k = 0; k < i->n_addrs6; k++) {
		prefix6_text(p, sizeof(p), &i->addr6[k], i->plen6[k]);
		cli_printf(c->out, "%s\"%s\"", k ? "," : "", p);
	}
	cli_printf(c->out, "]");
	if6_nd_json(c, i);
	cli_printf(c->out, "}");
	return 0;
}

/* show ipv6 interface [brief] [json] */
static int cmd_show_ipv6_if(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	bool brief = a->argc > 3 && !strcmp(a->argv[3], "brief");
	if (c.json) {
		cli_printf(out, "{\"interfaces\":[");
		gw_if_walk(c.gw, if6_line_json, &c);
		cli_printf(out, "]}\n");
		return CLI_R_OK;
	}
	if (brief)
		cli_printf(out, "%-12s %-26s %-6s %-3s %s\n", "Interface", "Link-local", "State",
		           "RA", "Global address");
	gw_if_walk(c.gw, brief ? if6_line_brief : if6_line_full, &c);
	return CLI_R_OK;
}

static const struct cli_cmd show_ipv6_if_cmd = {
    .syntax = "show ipv6 interface [json]",
    .help = "Show running system information|IPv6|IPv6 of the interfaces, ND and router "
            "advertisements|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_ipv6_if,
};

static const struct cli_cmd show_ipv6_if_brief_cmd = {
    .syntax = "show ipv6 interface brief [json]",
    .help = "Show running system information|IPv6|IPv6 of the interfaces, ND and router "
            "advertisements|One line per interface|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_ipv6_if,
};

/* ---------------------------------------------------------------- bridge domains, vxlan */

/* JSON: a bridge domain's flood group as a string, null without one. */
static void flood_group_json(struct show_ctx *c, const struct bd_info *b)
{
	char ip[VX_VTEP_STRLEN];
	if (b->flood_group)
		cli_printf(c->out, "\"%s\"", vtep_str(c->gw, b->flood_group, ip));
	else
		cli_printf(c->out, "null");
}

static void bd_json(struct show_ctx *c, const struct bd_info *b)
{
	char ip[VX_VTEP_STRLEN];
	cli_printf(c->out, "%s{\"id\":%u,\"vni\":%u,\"flood_group\":", jsep(c), b->id, b->vni);
	flood_group_json(c, b);
	cli_printf(c->out, ",\"flood_peers\":[");
	for (uint32_t k = 0; k < b->n_flood_peers; k++)
		cli_printf(c->out, "%s\"%s\"", k ? "," : "",
		           vtep_str(c->gw, b->flood_peers[k], ip));
	cli_printf(c->out, "],\"ports\":[");
	for (uint32_t k = 0; k < b->n_ports; k++) {
		char name[GW_IF_NAMELEN];
		cli_printf(c->out, "%s", k ? "," : "");
		cli_jstr(c->out, ifname(c->gw, b->ports[k], name));
	}
	cli_printf(c->out,
	           "],\"mac_aging\":%u,\"mac_limit\":%u,\"macs\":%u,\"static_macs\":%u,"
	           "\"learned_peers\":%u,\"bdif\":",
	           b->mac_aging, b->mac_limit, b->n_macs, b->n_static_macs, b->n_learned_peers);
	if (gw_bdif_of(c->gw, b->id))
		cli_printf(c->out, "\"bdif%u\"}", b->id);
	else
		cli_printf(c->out, "null}");
}

static int bd_block(const struct bd_info *b, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN];
	if (c->filter && b->id != c->filter)
		return 0;
	if (c->json) {
		bd_json(c, b);
		return 0;
	}
	c->n++;
	cli_printf(c->out, "bridge-domain %u\n  VNI %u, MAC ageing %u s, MAC limit %u\n", b->id,
	           b->vni, b->mac_aging, b->mac_limit);
	cli_printf(c->out, "  MACs %u (%u static)\n", b->n_macs, b->n_static_macs);
	if (b->flood_group)
		cli_printf(c->out, "  flood group %s, %u learned VTEPs\n",
		           vtep_str(c->gw, b->flood_group, ip), b->n_learned_peers);
	for (uint32_t k = 0; k < b->n_flood_peers; k++)
		cli_printf(c->out, "  flood peer %s\n", vtep_str(c->gw, b->flood_peers[k], ip));
	for (uint32_t k = 0; k < b->n_ports; k++) {
		char name[GW_IF_NAMELEN];
		cli_printf(c->out, "  port %s\n", ifname(c->gw, b->ports[k], name));
	}
	if (gw_bdif_of(c->gw, b->id))
		cli_printf(c->out, "  L3 interface bdif%u\n", b->id);
	else
		cli_printf(c->out, "  no L3 interface\n");
	return 0;
}

static int show_bridge_domains(struct show_ctx *c)
{
	if (c->json)
		cli_printf(c->out, "{\"bridge_domains\":[");
	bd_walk(gw_bd(c->gw), bd_block, c);
	if (c->json)
		cli_printf(c->out, "]}\n");
	if (c->filter && !c->n)
		return cli_err(c->out, "bridge-domain %u does not exist", c->filter);
	return CLI_R_OK;
}

static int vni_line(const struct bd_info *b, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN], mode[16 + VX_VTEP_STRLEN];
	if (!b->vni)
		return 0;
	if (c->json) {
		cli_printf(c->out,
		           "%s{\"vni\":%u,\"bridge_domain\":%u,\"macs\":%u,\"flood_group\":",
		           jsep(c), b->vni, b->id, b->n_macs);
		flood_group_json(c, b);
		cli_printf(c->out, ",\"flood_peers\":%u}", b->n_flood_peers);
		return 0;
	}
	if (b->flood_group)
		snprintf(mode, sizeof(mode), "group %s", vtep_str(c->gw, b->flood_group, ip));
	else
		snprintf(mode, sizeof(mode), "%u flood peers", b->n_flood_peers);
	cli_printf(c->out, "%-10u %-8u %-7u %s\n", b->vni, b->id, b->n_macs, mode);
	return 0;
}

static int peer_line(const struct bd_peer_info *p, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN];
	const char *type = p->learned ? "learned" : "configured";
	unsigned long long age = p->learned ? p->age_ms / 1000 : 0;
	vtep_str(c->gw, p->vtep, ip);
	if (c->json) {
		cli_printf(c->out,
		           "%s{\"vtep\":\"%s\",\"bridge_domain\":%u,\"type\":\"%s\",\"age\":%llu}",
		           jsep(c), ip, p->bd_id, type, age);
		return 0;
	}
	cli_printf(c->out, "%-*s %-8u %-11s", c->col, ip, p->bd_id, type);
	if (p->learned)
		cli_printf(c->out, " %llu", age);
	cli_printf(c->out, "\n");
	return 0;
}

/* JSON: the underlay settings after "vtep" and "udp_port": the IPv6 VTEP (null: none), the
 * outer DSCP ("inherit" or a number), the IPv6 zero-checksum opt-ins. */
static void vxlan_settings_json(struct show_ctx *c)
{
	char ip6[NET_IP6_STRLEN];
	const struct in6_addr *src6 = gw_vtep6(c->gw);
	int dscp = gw_vx_dscp(c->gw);
	cli_printf(c->out, ",\"vtep6\":");
	if (src6)
		cli_printf(c->out, "\"%s\"", net_ip6_fmt(src6, ip6));
	else
		cli_printf(c->out, "null");
	if (dscp == VX_DSCP_INHERIT)
		cli_printf(c->out, ",\"dscp\":\"inherit\"");
	else
		cli_printf(c->out, ",\"dscp\":%d", dscp);
	cli_printf(c->out, ",\"udp6_zero_checksum\":{\"rx\":%s,\"tx\":%s}",
	           gw_udp6_zero_csum_rx(c->gw) ? "true" : "false",
	           gw_udp6_zero_csum_tx(c->gw) ? "true" : "false");
}

/* The text header's second line: IPv6 VTEP, outer DSCP, zero checksums (when on). */
static void vxlan_settings_text(struct show_ctx *c)
{
	char ip6[NET_IP6_STRLEN];
	const struct in6_addr *src6 = gw_vtep6(c->gw);
	int dscp = gw_vx_dscp(c->gw);
	bool rx = gw_udp6_zero_csum_rx(c->gw), tx = gw_udp6_zero_csum_tx(c->gw);
	cli_printf(c->out, "IPv6 VTEP %s, outer DSCP ", src6 ? net_ip6_fmt(src6, ip6) : "none");
	if (dscp == VX_DSCP_INHERIT)
		cli_printf(c->out, "inherit");
	else
		cli_printf(c->out, "%d", dscp);
	cli_printf(c->out, ", IPv6 UDP zero checksum %s\n",
	           rx && tx ? "rx tx"
	           : rx     ? "rx"
	           : tx     ? "tx"
	                    : "off");
}

/* The column of peers as wide as the longest address among them. */
static int peer_width(const struct bd_peer_info *p, void *arg)
{
	struct show_ctx *c = arg;
	char ip[VX_VTEP_STRLEN];
	int n = (int)strlen(vtep_str(c->gw, p->vtep, ip));
	if (n > c->col)
		c->col = n;
	return 0;
}

static void show_vxlan(struct show_ctx *c, bool peers)
{
	char ip[NET_IP_STRLEN];
	if (gw_vtep(c->gw))
		net_ip_fmt(gw_vtep(c->gw), ip);
	else
		snprintf(ip, sizeof(ip), "none");
	if (c->json) {
		if (gw_vtep(c->gw))
			cli_printf(c->out, "{\"vtep\":\"%s\"", ip);
		else
			cli_printf(c->out, "{\"vtep\":null");
		cli_printf(c->out, ",\"udp_port\":%u", gw_udp_port(c->gw));
		vxlan_settings_json(c);
		cli_printf(c->out, ",\"%s\":[", peers ? "peers" : "vnis");
		if (peers)
			bd_peer_walk(gw_bd(c->gw), now_ms(c->s), peer_line, c);
		else
			bd_walk(gw_bd(c->gw), vni_line, c);
		cli_printf(c->out, "]}\n");
		return;
	}
	cli_printf(c->out, "VTEP %s, UDP port %u\n", ip, gw_udp_port(c->gw));
	vxlan_settings_text(c);
	if (peers) {
		c->col = 16;
		bd_peer_walk(gw_bd(c->gw), now_ms(c->s), peer_width, c);
		cli_printf(c->out, "%-*s %-8s %-11s %s\n", c->col, "Peer", "BD", "Type", "Age(s)");
		bd_peer_walk(gw_bd(c->gw), now_ms(c->s), peer_line, c);
	} else {
		cli_printf(c->out, "%-10s %-8s %-7s %s\n", "VNI", "BD", "MACs", "BUM");
		bd_walk(gw_bd(c->gw), vni_line, c);
	}
}

static int cmd_show_bd(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	c.filter = a->nval ? cli_u32(a->val[0]) : 0;
	return show_bridge_domains(&c);
}

static const struct cli_cmd show_bd_cmd = {
    .syntax = "show bridge-domain [json]",
    .help = "Show running system information|Bridge domains|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_bd,
};

static const struct cli_cmd show_bd_one_cmd = {
    .syntax = "show bridge-domain <%u-%u> [json]",
    .help =
        "Show running system information|Bridge domains|Bridge-domain id|Machine-readable output",
    .range = {{1, BD_ID_MAX}},
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_bd,
};

static int cmd_show_vxlan(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_vxlan(&c, !strcmp(a->val[0], "peers"));
	return CLI_R_OK;
}

static const struct cli_cmd show_vxlan_cmd = {
    .syntax = "show vxlan (peers|vni) [json]",
    .help = "Show running system information|VXLAN|Peers or VNIs|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_vxlan,
};

/* ---------------------------------------------------------------- vrf */

/* Interfaces of the VRF c->vrfx, as a text list or JSON strings. */
static int vrf_if_item(const struct gw_if_info *i, void *arg)
{
	struct show_ctx *c = arg;
	if (i->vrfx != c->vrfx)
		return 0;
	if (c->json) {
		cli_printf(c->out, "%s", jsep(c));
		cli_jstr(c->out, i->name);
	} else {
		cli_printf(c->out, "%s%s", c->n++ ? ", " : "", i->name);
	}
	return 0;
}

static void vrf_entry(struct show_ctx *c, uint16_t vrfx, bool first)
{
	struct fib_stats st;
	fib_get_stats(gw_vrf_fib(c->gw, vrfx), &st);
	const char *name = gw_vrf_name(c->gw, vrfx);
	c->vrfx = vrfx;
	c->n = 0;
	if (c->json) {
		cli_printf(c->out, "%s{\"name\":", first ? "" : ",");
		cli_jstr(c->out, name);
		cli_printf(c->out, ",\"routes\":%zu,\"active_routes\":%zu,\"interfaces\":[",
		           st.routes, st.active);
		gw_if_walk(c->gw, vrf_if_item, c);
		cli_printf(c->out, "]}");
		return;
	}
	cli_printf(c->out, "%-20s %-8zu ", name, st.routes);
	gw_if_walk(c->gw, vrf_if_item, c);
	cli_printf(c->out, "%s\n", c->n ? "" : "-");
}

struct vrf_ref {
	const char *name;
	uint16_t vrfx;
};

static int cmp_vrf_ref(const void *a, const void *b)
{
	return strcmp(((const struct vrf_ref *)a)->name, ((const struct vrf_ref *)b)->name);
}

/* show vrf [NAME]: every VRF (the default first, then by name) or one. */
static void show_vrf(struct show_ctx *c, int only)
{
	struct vrf_ref v[GW_VRF_MAX] = {{gw_vrf_name(c->gw, GW_VRF_DEFAULT), GW_VRF_DEFAULT}};
	size_t n = 1;
	for (uint16_t x = 1; x < GW_VRF_MAX; x++)
		if ((v[n].name = gw_vrf_name(c->gw, x)) != NULL)
			v[n++].vrfx = x;
	qsort(v + 1, n - 1, sizeof(v[0]), cmp_vrf_ref);
	if (c->json)
		cli_printf(c->out, "{\"vrfs\":[");
	else
		cli_printf(c->out, "%-20s %-8s %s\n", "VRF", "Routes", "Interfaces");
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (only >= 0 && v[i].vrfx != only)
			continue;
		vrf_entry(c, v[i].vrfx, first);
		first = false;
	}
	if (c->json)
		cli_printf(c->out, "]}\n");
}

static int cmd_show_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	show_vrf(&c, -1);
	return CLI_R_OK;
}

static const struct cli_cmd show_vrf_cmd = {
    .syntax = "show vrf [json]",
    .help = "Show running system information|VRFs and their interfaces|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_vrf,
};

static int cmd_show_vrf_one(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct show_ctx c;
	if (!show_begin(&c, s, a, out))
		return CLI_R_ERROR;
	if (!show_vrf_arg(&c, a->val[0]))
		return CLI_R_ERROR;
	show_vrf(&c, c.vrfx);
	return CLI_R_OK;
}

static const struct cli_cmd show_vrf_one_cmd = {
    .syntax = "show vrf WORD [json]",
    .help = "Show running system information|VRFs and their interfaces|VRF name|Machine-readable "
            "output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_vrf_one,
};

/* ---------------------------------------------------------------- running-config */

static void show_running(struct show_ctx *c, const struct gw_cfg *cfg)
{
	if (!c->json) {
		cli_render_config(cfg, c->out);
		return;
	}
	/* the configuration text itself, as one string: one renderer, no second schema */
	struct cli_out text;
	cli_out_init(&text);
	cli_render_config(cfg, &text);
	cli_printf(c->out, "{\"hostname\":");
	cli_jstr(c->out, cfg->hostname);
	cli_printf(c->out, ",\"config\":");
	cli_jstr(c->out, text.buf ? text.buf : "");
	cli_printf(c->out, "}\n");
	cli_out_free(&text);
}

static int cmd_show_running(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	const struct gw_cfg *cfg = s->env->running ? s->env->running(s->env->ctx) : NULL;
	if (!cfg)
		return cli_err(out, "no running configuration");
	struct show_ctx c = {.s = s, .out = out, .json = cli_json(a)};
	show_running(&c, cfg);
	return CLI_R_OK;
}

static const struct cli_cmd show_running_cmd = {
    .syntax = "show running-config [json]",
    .help = "Show running system information|The running configuration|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_show_running,
};

/* ---------------------------------------------------------------- version */

static int cmd_show_version(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)s;
	cli_printf(out, cli_json(a) ? "{\"version\":\"%s\"}\n" : "vxgw %s, a VXLAN L3 gateway\n",
	           VXGW_VERSION);
	return CLI_R_OK;
}

static const struct cli_cmd show_version_cmd = {
    .syntax = "show version [json]",
    .help = "Show running system information|Software version|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_version,
};

/* ---------------------------------------------------------------- the section */

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_show_cmds[] = {
    &show_version_cmd,
    &show_running_cmd,
    &show_interfaces_cmd,
    &show_interfaces_brief_cmd,
    &show_ipv6_if_cmd,
    &show_ipv6_if_brief_cmd,
    &show_bd_cmd,
    &show_bd_one_cmd,
    &show_vxlan_cmd,
    &show_mac_cmd,
    &show_mac_bd_cmd,
    &show_ip_route_cmd,
    &show_ip_route_to_cmd,
    &show_ip_route_vrf_cmd,
    &show_ip_route_vrf_to_cmd,
    &show_ipv6_route_cmd,
    &show_ipv6_route_to_cmd,
    &show_ipv6_route_vrf_cmd,
    &show_ipv6_route_vrf_to_cmd,
    &show_ip_arp_cmd,
    &show_ip_arp_vrf_cmd,
    &show_ipv6_nbr_cmd,
    &show_ipv6_nbr_vrf_cmd,
    &show_vrf_cmd,
    &show_vrf_one_cmd,
    &show_counters_cmd,
    &show_counters_if_cmd,
    &show_counters_bd_cmd,
    &show_counters_peer_cmd,
    &show_dataplane_cmd,
    &show_errors_cmd,
    &show_errors_all_cmd,
    &clear_mac_cmd,
    &clear_ip_arp_cmd,
    &clear_counters_cmd,
    NULL,
};
