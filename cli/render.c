/*
 * cli/render.c - the configuration as text: `show running-config`, `write memory`, and
 * the config file loader that reads the same language back.
 *
 * Rendering leaves defaults out and orders everything (bridge domains by id, BDIFs before
 * uplinks, routes by prefix), so that render -> load -> render is the identity and a
 * diff of two saved configurations shows only real changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"
#include "vxlan/vxlan.h"

static void render_bd(const struct gw_cfg_bd *b, struct cli_out *o)
{
	char ip[NET_IP6_STRLEN];
	cli_printf(o, "bridge-domain %u\n", b->id);
	if (b->vni)
		cli_printf(o, " vni %u\n", b->vni);
	for (uint32_t k = 0; k < b->n_peers; k++)
		cli_printf(o, " flood-peer %s\n", net_ip_fmt(b->peers[k], ip));
	for (uint32_t k = 0; k < b->n_peers6; k++)
		cli_printf(o, " flood-peer %s\n", net_ip6_fmt(&b->peers6[k], ip));
	if (b->flood_group)
		cli_printf(o, " flood-group %s\n", net_ip_fmt(b->flood_group, ip));
	if (!net_ip6_is_zero(&b->flood_group6))
		cli_printf(o, " flood-group %s\n", net_ip6_fmt(&b->flood_group6, ip));
	if (b->mac_aging != BD_MAC_AGING_DEFAULT)
		cli_printf(o, " mac-aging %u\n", b->mac_aging);
	if (b->mac_limit != BD_MAC_LIMIT_DEFAULT)
		cli_printf(o, " mac-limit %u\n", b->mac_limit);
	cli_printf(o, "!\n");
}

static void render_nd(const struct gw_nd_cfg *nd, struct cli_out *o)
{
	char ip[NET_IP6_STRLEN];
	/* GW_ND_RA_SEND is only ever set on an uplink: a BDIF sends by default */
	if (nd->ra == GW_ND_RA_SUPPRESS)
		cli_printf(o, " ipv6 nd suppress-ra\n");
	else if (nd->ra == GW_ND_RA_SEND)
		cli_printf(o, " no ipv6 nd suppress-ra\n");
	if (nd->ra_interval_s)
		cli_printf(o, " ipv6 nd ra-interval %u\n", nd->ra_interval_s);
	if (nd->ra_lifetime_set)
		cli_printf(o, " ipv6 nd ra-lifetime %u\n", nd->ra_lifetime_s);
	if (nd->managed)
		cli_printf(o, " ipv6 nd managed-config-flag\n");
	if (nd->other)
		cli_printf(o, " ipv6 nd other-config-flag\n");
	for (unsigned k = 0; k < nd->n_prefixes; k++) {
		const struct gw_nd_prefix *p = &nd->prefixes[k];
		cli_printf(o, " ipv6 nd prefix %s/%u%s%s%s\n", net_ip6_fmt(&p->pfx, ip), p->len,
		           p->no_autoconfig ? " no-autoconfig" : "", p->off_link ? " off-link" : "",
		           p->no_advertise ? " no-advertise" : "");
	}
}

static void render_if6(const struct gw_cfg_if *i, struct cli_out *o)
{
	char ip[NET_IP6_STRLEN];
	for (unsigned k = 0; k < i->n_addrs6; k++)
		cli_printf(o, " ipv6 address %s/%u\n", net_ip6_fmt(&i->addr6[k], ip), i->plen6[k]);
	if (i->ll6_set)
		cli_printf(o, " ipv6 address %s link-local\n", net_ip6_fmt(&i->ll6, ip));
	render_nd(&i->nd, o);
}

/* Access lists before the interfaces that name them: IPv4 lists, then IPv6 (their order). */
static void render_acls(const struct gw_cfg *c, struct cli_out *o)
{
	char line[ACL_LINELEN];
	for (size_t i = 0; i < c->acls.n; i++) {
		const struct gw_cfg_acl *l = &c->acls.v[i];
		cli_printf(o, "%s access-list %s\n", l->fam == ACL_IP6 ? "ipv6" : "ip", l->name);
		for (unsigned k = 0; k < l->n; k++) {
			acl_rule_format(l->fam, &l->rules[k], line, sizeof(line));
			cli_printf(o, " %s\n", line);
		}
		cli_printf(o, "!\n");
	}
}

/* ` ip access-group` then ` ipv6 traffic-filter`, each in then out. */
static void render_if_acls(const struct gw_cfg_if *i, struct cli_out *o)
{
	static const struct {
		int fam;
		const char *cmd;
	} groups[2] = {{ACL_IP4, "ip access-group"}, {ACL_IP6, "ipv6 traffic-filter"}};
	for (int g = 0; g < 2; g++)
		for (int dir = ACL_IN; dir <= ACL_OUT; dir++) {
			const char *name = gw_cfg_if_acl(i, groups[g].fam, dir);
			if (name)
				cli_printf(o, " %s %s %s\n", groups[g].cmd, name,
				           dir == ACL_OUT ? "out" : "in");
		}
}

static void render_if(const struct gw_cfg_if *i, struct cli_out *o)
{
	char ip[NET_IP_STRLEN], mac[NET_MAC_STRLEN];
	if (i->kind == GW_IF_BDIF)
		cli_printf(o, "interface bdif %u\n", i->bd_id);
	else
		cli_printf(o, "interface ethernet %s\n", i->name);
	/* first: the addresses that follow may overlap those of another VRF */
	if (i->vrf[0])
		cli_printf(o, " vrf %s\n", i->vrf);
	if (i->dot1q)
		cli_printf(o, " encapsulation dot1q %u\n", i->dot1q);
	if (i->l2_bd)
		cli_printf(o, " bridge-domain %u\n", i->l2_bd);
	for (unsigned k = 0; k < i->n_addrs; k++)
		cli_printf(o, " ip address %s/%u%s\n", net_ip_fmt(i->addr[k], ip), i->plen[k],
		           k ? " secondary" : "");
	render_if6(i, o);
	render_if_acls(i, o);
	if (i->mac_set)
		cli_printf(o, " mac-address %s\n", net_mac_fmt(i->mac, mac));
	if (i->mtu)
		cli_printf(o, " mtu %u\n", i->mtu);
	if (i->io_socket)
		cli_printf(o, " dataplane io socket\n");
	if (i->anycast)
		cli_printf(o, " fabric forwarding mode anycast-gateway\n");
	if (i->shutdown)
		cli_printf(o, " shutdown\n");
	cli_printf(o, "!\n");
}

static void render_routes6(const struct gw_cfg *c, struct cli_out *o)
{
	char ip[NET_IP6_STRLEN], nh[NET_IP6_STRLEN];
	for (size_t i = 0; i < c->routes6.n; i++) {
		const struct gw_cfg_route6 *r = &c->routes6.v[i];
		cli_printf(o, "ipv6 route %s%s%s%s/%u %s%s%s\n", r->vrf[0] ? "vrf " : "", r->vrf,
		           r->vrf[0] ? " " : "", net_ip6_fmt(&r->pfx, ip), r->len,
		           r->kind == FIB_NH_NULL0 ? "null0" : net_ip6_fmt(&r->nh, nh),
		           r->ifname[0] ? " " : "", r->ifname);
	}
}

static void render_statics(const struct gw_cfg *c, struct cli_out *o)
{
	char ip[NET_IP_STRLEN], nh[NET_IP_STRLEN], mac[NET_MAC_STRLEN], ip6[NET_IP6_STRLEN];
	for (size_t i = 0; i < c->routes.n; i++) {
		const struct gw_cfg_route *r = &c->routes.v[i];
		cli_printf(o, "ip route %s%s%s%s/%u %s\n", r->vrf[0] ? "vrf " : "", r->vrf,
		           r->vrf[0] ? " " : "", net_ip_fmt(r->pfx, ip), r->len,
		           r->kind == FIB_NH_NULL0 ? "null0" : net_ip_fmt(r->nh, nh));
	}
	render_routes6(c, o);
	for (size_t i = 0; i < c->arps.n; i++) {
		const struct gw_cfg_arp *a = &c->arps.v[i];
		cli_printf(o, "arp %s %s %s\n", net_ip_fmt(a->ip, ip), net_mac_fmt(a->mac, mac),
		           a->ifname);
	}
	for (size_t i = 0; i < c->nbrs6.n; i++) {
		const struct gw_cfg_nbr6 *e = &c->nbrs6.v[i];
		cli_printf(o, "ipv6 neighbor %s %s %s\n", net_ip6_fmt(&e->ip, ip6),
		           net_mac_fmt(e->mac, mac), e->ifname);
	}
	for (size_t i = 0; i < c->macs.n; i++) {
		const struct gw_cfg_mac *m = &c->macs.v[i];
		cli_printf(o, "mac-address-table static %s bridge-domain %u ",
		           net_mac_fmt(m->mac, mac), m->bd_id);
		if (m->ifname[0])
			cli_printf(o, "interface %s\n", m->ifname);
		else if (!net_ip6_is_zero(&m->vtep6))
			cli_printf(o, "peer %s\n", net_ip6_fmt(&m->vtep6, ip6));
		else
			cli_printf(o, "peer %s\n", net_ip_fmt(m->vtep, ip));
	}
}

static void render_vty(const struct gw_cfg *c, struct cli_out *o)
{
	char ip[NET_IP_STRLEN];
	if (!c->vty)
		return;
	cli_printf(o, "line vty\n");
	if (c->vty_addr)
		cli_printf(o, " telnet listen %s %u\n", net_ip_fmt(c->vty_addr, ip), c->vty_port);
	if (c->vty_timeout != GW_CFG_VTY_TIMEOUT_DEFAULT) {
		cli_printf(o, " exec-timeout %u", c->vty_timeout / 60);
		if (c->vty_timeout % 60)
			cli_printf(o, " %u", c->vty_timeout % 60);
		cli_printf(o, "\n");
	}
	if (c->vty_acl[0])
		cli_printf(o, " access-class %s in\n", c->vty_acl);
	cli_printf(o, "!\n");
}

static void render_metrics(const struct gw_cfg *c, struct cli_out *o)
{
	char ip[NET_IP_STRLEN];
	if (c->metrics_port)
		cli_printf(o, "metrics listen %s %u\n", net_ip_fmt(c->metrics_addr, ip),
		           c->metrics_port);
	if (c->metrics_acl[0])
		cli_printf(o, "metrics access-class %s\n", c->metrics_acl);
	if (c->metrics_port || c->metrics_acl[0])
		cli_printf(o, "!\n");
}

/* vxlan ...: the VTEP addresses, the port, the outer DSCP, the IPv6 checksum opt-ins. */
static void render_underlay(const struct gw_cfg *c, struct cli_out *o)
{
	char ip[NET_IP6_STRLEN];
	if (c->vtep)
		cli_printf(o, "vxlan source %s\n", net_ip_fmt(c->vtep, ip));
	if (!net_ip6_is_zero(&c->vtep6))
		cli_printf(o, "vxlan source %s\n", net_ip6_fmt(&c->vtep6, ip));
	if (c->udp_port != VX_UDP_PORT)
		cli_printf(o, "vxlan udp-port %u\n", c->udp_port);
	if (c->vx_dscp == VX_DSCP_INHERIT)
		cli_printf(o, "vxlan dscp inherit\n");
	else if (c->vx_dscp)
		cli_printf(o, "vxlan dscp %d\n", c->vx_dscp);
	if (c->udp6_zero_csum_rx)
		cli_printf(o, "vxlan udp6-zero-checksum rx\n");
	if (c->udp6_zero_csum_tx)
		cli_printf(o, "vxlan udp6-zero-checksum tx\n");
}

void cli_render_config(const struct gw_cfg *c, struct cli_out *o)
{
	if (strcmp(c->hostname, GW_CFG_HOSTNAME_DEFAULT))
		cli_printf(o, "hostname %s\n", c->hostname);
	if (c->enable_secret[0])
		cli_printf(o, "enable secret %s\n", c->enable_secret);
	for (size_t i = 0; i < c->users.n; i++)
		cli_printf(o, "username %s secret %s\n", c->users.v[i].name, c->users.v[i].hash);
	render_underlay(c, o);
	if (c->anycast_mac_set) {
		char mac[NET_MAC_STRLEN];
		cli_printf(o, "fabric anycast-gateway-mac %s\n", net_mac_fmt(c->anycast_mac, mac));
	}
	/* auto (the default) is left out; 0 is not a default and is written */
	if (c->workers != GW_CFG_WORKERS_AUTO)
		cli_printf(o, "dataplane workers %d\n", c->workers);
	if (c->io != GW_CFG_IO_SOCKET) /* the default, left out */
		cli_printf(o, "dataplane io %s\n", cli_io_word(c->io));
	if (c->busy_poll_us) /* 0, off, is the default, left out */
		cli_printf(o, "dataplane busy-poll %u\n", (unsigned)c->busy_poll_us);
	cli_printf(o, "!\n");
	/* before the interfaces and routes that name them */
	for (size_t i = 0; i < c->vrfs.n; i++)
		cli_printf(o, "vrf %s\n", c->vrfs.v[i].name);
	if (c->vrfs.n)
		cli_printf(o, "!\n");
	render_acls(c, o);
	for (size_t i = 0; i < c->bds.n; i++)
		render_bd(&c->bds.v[i], o);
	for (size_t i = 0; i < c->ifs.n; i++)
		render_if(&c->ifs.v[i], o);
	render_statics(c, o);
	render_metrics(c, o);
	render_vty(c, o);
	cli_printf(o, "end\n");
}

/* ---------------------------------------------------------------- loading */

static const struct gw_cfg *loader_running(void *ctx)
{
	(void)ctx;
	return NULL;
}

/* The message of the last error in out, without the "% " and the newline. */
static const char *last_error(struct cli_out *o)
{
	if (!o->buf || !o->len)
		return "error";
	char *m = o->buf;
	size_t l = strlen(m);
	while (l && m[l - 1] == '\n')
		m[--l] = '\0';
	char *nl = strrchr(m, '\n');
	m = nl ? nl + 1 : m;
	return !strncmp(m, "% ", 2) ? m + 2 : m;
}

int cli_load_config(const char *text, struct gw_cfg **out_cfg,
                    void (*report)(void *arg, unsigned line, const char *msg), void *arg)
{
	return cli_load_config_observed(text, out_cfg, report, arg, NULL, NULL);
}

int cli_load_config_observed(const char *text, struct gw_cfg **out_cfg,
                             void (*report)(void *arg, unsigned line, const char *msg), void *arg,
                             void (*on_run)(void *arg, const struct cli_cmd *cmd, bool neg,
                                            int result),
                             void *on_run_arg)
{
	static const struct cli_env env = {.running = loader_running};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct gw_cfg *cfg = gw_cfg_new();
	char *copy = strdup(text);
	int errors = 0;
	if (!s || !cfg || !copy) {
		report(arg, 0, "out of memory");
		cli_sess_free(s);
		gw_cfg_free(cfg);
		free(copy);
		*out_cfg = NULL;
		return 1;
	}
	struct cli_out o;
	cli_out_init(&o);
	s->loading = true;
	s->on_run = on_run;
	s->on_run_arg = on_run_arg;
	s->cand = cfg;
	s->mode = CLI_MODE_CONFIG;
	unsigned lineno = 0;
	for (char *line = copy, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		bool indented = line[0] == ' ' || line[0] == '\t';
		if (!indented || s->mode == CLI_MODE_EXEC)
			s->mode = CLI_MODE_CONFIG;
		cli_out_reset(&o);
		if (strlen(line) > 1024) {
			report(arg, lineno, "line too long (at most 1024 characters)");
			errors++;
			continue;
		}
		if (cli_exec(s, line, &o) == CLI_R_ERROR) {
			report(arg, lineno, last_error(&o));
			errors++;
		}
	}
	char err[GW_CFG_ERRLEN];
	if (gw_cfg_check(cfg, err) != GW_CFG_OK) {
		report(arg, 0, err);
		errors++;
	}
	cli_out_free(&o);
	cli_sess_free(s);
	free(copy);
	*out_cfg = cfg;
	return errors;
}
