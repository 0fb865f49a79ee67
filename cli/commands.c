/*
 * cli/commands.c - the commands of the session (modes) and of the configuration: each
 * handler followed by its entry (syntax, help, modes); the sections at the end.
 *
 * Configuration handlers only translate words into gw_cfg_* calls on the session's
 * candidate; validation lives in the model (gw/config/config.c), so the file, the CLI and a
 * reload all apply the same rules.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"
#include "vxlan/bd.h"
#include "vxlan/vxlan.h"

#define CFG_MODES CLI_MODES_CFG
#define ALL_MODES CLI_MODES_ALL
#define EXEC      CLI_M(CLI_MODE_EXEC)
#define CONFIG    CLI_M(CLI_MODE_CONFIG)
#define BD        CLI_M(CLI_MODE_BD)
#define IF        CLI_M(CLI_MODE_IF)
#define VTY       CLI_M(CLI_MODE_VTY)
#define CFG       (CLI_F_CONFIG | CLI_F_ENABLE | CLI_F_NO)
#define MINUTE    60 /* seconds: exec-timeout MINUTES [SECONDS] */

/* A model error becomes the command's error. */
static int cfg_result(int r, const char *err, struct cli_out *out)
{
	return r == GW_CFG_OK ? CLI_R_OK : cli_err(out, "%s", err);
}

/* ---------------------------------------------------------------- modes */

static int cmd_enable(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->enabled = true;
	return CLI_R_OK;
}

static const struct cli_cmd enable_cmd = {
    .syntax = "enable",
    .help = "Turn on privileged commands",
    .modes = EXEC,
    .fn = cmd_enable,
};

static int cmd_disable(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->enabled = false;
	s->mode = CLI_MODE_EXEC;
	return CLI_R_OK;
}

static const struct cli_cmd disable_cmd = {
    .syntax = "disable",
    .help = "Turn off privileged commands",
    .modes = EXEC,
    .fn = cmd_disable,
};

static int cmd_configure(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->mode = CLI_MODE_CONFIG;
	return CLI_R_OK;
}

static const struct cli_cmd configure_cmd = {
    .syntax = "configure terminal",
    .help = "Enter configuration mode|From the terminal",
    .modes = EXEC,
    .flags = CLI_F_ENABLE,
    .fn = cmd_configure,
};

static int cmd_exit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	switch (s->mode) {
	case CLI_MODE_EXEC:
		return CLI_R_QUIT;
	case CLI_MODE_CONFIG:
		s->mode = CLI_MODE_EXEC;
		return CLI_R_OK;
	default:
		s->mode = CLI_MODE_CONFIG;
		return CLI_R_OK;
	}
}

static const struct cli_cmd exit_cmd = {
    .syntax = "exit",
    .help = "Leave this mode",
    .modes = ALL_MODES,
    .fn = cmd_exit,
};

static int cmd_end(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->mode = CLI_MODE_EXEC;
	return CLI_R_OK;
}

static const struct cli_cmd end_cmd = {
    .syntax = "end",
    .help = "Back to exec mode",
    .modes = CFG_MODES,
    .fn = cmd_end,
};

static int cmd_quit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)s;
	(void)a;
	(void)out;
	return CLI_R_QUIT;
}

static const struct cli_cmd quit_cmd = {
    .syntax = "quit",
    .help = "End the session",
    .modes = EXEC,
    .fn = cmd_quit,
};

static int cmd_write(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	char err[GW_CFG_ERRLEN];
	if (!s->env->save)
		return cli_err(out, "no startup configuration file to write to");
	if (s->env->save(s->env->ctx, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	cli_printf(out, "[OK]\n");
	return CLI_R_OK;
}

static const struct cli_cmd write_cmd = {
    .syntax = "write memory",
    .help = "Save the configuration|To the startup configuration file",
    .modes = ALL_MODES,
    .flags = CLI_F_ENABLE,
    .fn = cmd_write,
};

static const struct cli_cmd copy_cmd = {
    .syntax = "copy running-config startup-config",
    .help = "Copy a configuration|The running configuration|To the startup configuration file",
    .modes = ALL_MODES,
    .flags = CLI_F_ENABLE,
    .fn = cmd_write,
};

/* ---------------------------------------------------------------- global config */

static int cmd_hostname(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	const char *name = a->neg ? GW_CFG_HOSTNAME_DEFAULT : a->val[0];
	return cfg_result(gw_cfg_set_hostname(s->cand, name, err), err, out);
}

static const struct cli_cmd hostname_cmd = {
    .syntax = "hostname WORD",
    .no_syntax = "hostname [WORD]",
    .help = "Name of this gateway|Host name",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_hostname,
};

/* `no vxlan source [ADDRESS]`: an address given must be the source of its family. */
static int vxlan_source_del(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (!a->nval) { /* both families; neither setter can refuse none */
		gw_cfg_set_vtep6(s->cand, NULL, err);
		return cfg_result(gw_cfg_set_vtep(s->cand, 0, err), err, out);
	}
	if (cli_word_is_ip6(a->val[0])) {
		struct in6_addr src = cli_ip6(a->val[0]);
		if (!net_ip6_eq(&src, &s->cand->vtep6))
			return cli_err(out, "%s is not the vxlan source", a->val[0]);
		return cfg_result(gw_cfg_set_vtep6(s->cand, NULL, err), err, out);
	}
	if (cli_ip(a->val[0]) != s->cand->vtep)
		return cli_err(out, "%s is not the vxlan source", a->val[0]);
	return cfg_result(gw_cfg_set_vtep(s->cand, 0, err), err, out);
}

static int cmd_vxlan_source(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (a->neg)
		return vxlan_source_del(s, a, out);
	if (cli_word_is_ip6(a->val[0])) {
		struct in6_addr src = cli_ip6(a->val[0]);
		return cfg_result(gw_cfg_set_vtep6(s->cand, &src, err), err, out);
	}
	return cfg_result(gw_cfg_set_vtep(s->cand, cli_ip(a->val[0]), err), err, out);
}

static const struct cli_cmd vxlan_source_cmd = {
    .syntax = "vxlan source (A.B.C.D|X:X::X)",
    .no_syntax = "vxlan source [(A.B.C.D|X:X::X)]",
    .help = "VXLAN underlay|Local VTEP address (one of each family)|Address of this host "
            "(no without one: both)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_vxlan_source,
};

static int cmd_vxlan_dscp(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	int dscp = 0;
	if (!a->neg)
		dscp = !strcmp(a->val[0], "inherit") ? VX_DSCP_INHERIT : (int)cli_u32(a->val[0]);
	return cfg_result(gw_cfg_set_vx_dscp(s->cand, dscp, err), err, out);
}

static const struct cli_cmd vxlan_dscp_cmd = {
    .syntax = "vxlan dscp (inherit|<%u-%u>)",
    .no_syntax = "vxlan dscp [(inherit|<%u-%u>)]",
    .help = "VXLAN underlay|Outer DSCP (ECN always follows the inner packet, RFC 6040)|inherit: "
            "the inner packet's, or a fixed value (default 0)",
    .range = {{0, VX_DSCP_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_vxlan_dscp,
};

static int cmd_vxlan_udp6_zero(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	enum gw_cfg_udp6_dir dir = !strcmp(a->val[0], "rx") ? GW_CFG_UDP6_RX : GW_CFG_UDP6_TX;
	return cfg_result(gw_cfg_set_udp6_zero_csum(s->cand, dir, !a->neg, err), err, out);
}

static const struct cli_cmd vxlan_udp6_zero_cmd = {
    .syntax = "vxlan udp6-zero-checksum (rx|tx)",
    .help = "VXLAN underlay|IPv6 outer UDP checksum 0 (RFC 6935/6936; default: computed and "
            "required)|rx: accept it, tx: send it",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_vxlan_udp6_zero,
};

static int cmd_vxlan_port(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_set_udp_port(s->cand, a->neg ? 0 : cli_u32(a->val[0]), err), err,
	                  out);
}

static const struct cli_cmd vxlan_port_cmd = {
    .syntax = "vxlan udp-port <%u-%u>",
    .no_syntax = "vxlan udp-port [<%u-%u>]",
    .help = "VXLAN underlay|UDP destination port|Port (default 4789)",
    .range = {{1, GW_CFG_PORT_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_vxlan_port,
};

static int cmd_anycast_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	if (!a->neg)
		net_mac_parse(a->val[0], mac);
	return cfg_result(gw_cfg_set_anycast_mac(s->cand, a->neg ? NULL : mac, err), err, out);
}

static const struct cli_cmd anycast_mac_cmd = {
    .syntax = "fabric anycast-gateway-mac H:H:H:H:H:H",
    .no_syntax = "fabric anycast-gateway-mac [H:H:H:H:H:H]",
    .help = "Fabric settings|Gateway MAC shared by the anycast-gateway BDIFs of all gateways|MAC "
            "address",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_anycast_mac,
};

static int cmd_bridge_domain(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t id = cli_u32(a->val[0]);
	if (a->neg)
		return cfg_result(gw_cfg_bd_del(s->cand, id, err), err, out);
	if (gw_cfg_bd_add(s->cand, id, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	s->mode = CLI_MODE_BD;
	s->bd_id = id;
	return CLI_R_OK;
}

static const struct cli_cmd bridge_domain_cmd = {
    .syntax = "bridge-domain <%u-%u>",
    .help = "Bridge domain configuration|Bridge-domain id",
    .range = {{1, BD_ID_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_bridge_domain,
};

static int enter_interface(struct cli_sess *s, uint8_t kind, const char *name, uint32_t bd,
                           bool neg, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN], ifname[GW_IF_NAMELEN];
	snprintf(ifname, sizeof(ifname), "%s", name);
	if (kind == GW_IF_BDIF)
		snprintf(ifname, sizeof(ifname), "bdif%u", bd);
	if (neg)
		return cfg_result(gw_cfg_if_del(s->cand, ifname, err), err, out);
	if (gw_cfg_if_add(s->cand, kind, ifname, bd, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	s->mode = CLI_MODE_IF;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	return CLI_R_OK;
}

static int cmd_if_bdif(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return enter_interface(s, GW_IF_BDIF, NULL, cli_u32(a->val[0]), a->neg, out);
}

static const struct cli_cmd if_bdif_cmd = {
    .syntax = "interface bdif <%u-%u>",
    .help = "Interface configuration|L3 interface of a bridge domain|Bridge-domain id",
    .range = {{1, BD_ID_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_if_bdif,
};

static int cmd_if_eth(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	if (strlen(a->val[0]) >= GW_IF_NAMELEN)
		return cli_err(out, "Invalid interface name \"%s\": at most %d characters",
		               a->val[0], GW_IF_NAMELEN - 1);
	return enter_interface(s, GW_IF_ETH, a->val[0], 0, a->neg, out);
}

static const struct cli_cmd if_eth_cmd = {
    .syntax = "interface ethernet WORD",
    .help = "Interface configuration|Ethernet uplink|Linux netdev name, or NETDEV.N for an 802.1Q "
            "sub-interface",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_if_eth,
};

/* ip route [vrf NAME] P/L (A.B.C.D|null0): the prefix is value `at`, the next hop after it. */
static int ip_route(struct cli_sess *s, const struct cli_args *a, const char *vrf, int at,
                    struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t pfx;
	uint8_t len;
	net_prefix_parse(a->val[at], &pfx, &len);
	struct fib_nh nh = {.kind = FIB_NH_NULL0};
	if (a->nval > at + 1 && strcmp(a->val[at + 1], "null0")) {
		nh.kind = FIB_NH_IP;
		nh.ip = cli_ip(a->val[at + 1]);
	}
	bool all = a->neg && a->nval == at + 1;
	return cfg_result(gw_cfg_vrf_route(s->cand, vrf, pfx, len, all ? NULL : &nh, !a->neg, err),
	                  err, out);
}

static int cmd_ip_route(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ip_route(s, a, NULL, 0, out);
}

static const struct cli_cmd ip_route_cmd = {
    .syntax = "ip route A.B.C.D/M (A.B.C.D|null0)",
    .no_syntax = "ip route A.B.C.D/M [(A.B.C.D|null0)]",
    .help = "IP|Static route|Destination prefix|Next hop or null0",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_ip_route,
};

static int cmd_ip_route_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ip_route(s, a, a->val[0], 1, out);
}

static const struct cli_cmd ip_route_vrf_cmd = {
    .syntax = "ip route vrf WORD A.B.C.D/M (A.B.C.D|null0)",
    .no_syntax = "ip route vrf WORD A.B.C.D/M [(A.B.C.D|null0)]",
    .help = "IP|Static route|In a VRF|VRF name|Destination prefix|Next hop (in that VRF) or null0",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_ip_route_vrf,
};

/*
 * ipv6 route [vrf NAME] P/L (X:X::X [INTERFACE] | null0): the prefix is value `at`, the next
 * hop and its interface after it.
 */
static int ipv6_route(struct cli_sess *s, const struct cli_args *a, const char *vrf, int at,
                      struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	struct in6_addr pfx;
	uint8_t len;
	net_ip6_prefix_parse(a->val[at], &pfx, &len);
	struct gw_cfg_route6 nh;
	memset(&nh, 0, sizeof(nh));
	nh.kind = FIB_NH_NULL0;
	if (a->nval > at + 1 && strcmp(a->val[at + 1], "null0")) {
		nh.kind = FIB_NH_IP;
		nh.nh = cli_ip6(a->val[at + 1]);
	}
	if (a->nval > at + 2) {
		if (nh.kind == FIB_NH_NULL0)
			return cli_err(out, "Invalid input \"%s\": null0 takes no interface",
			               a->val[at + 2]);
		if (strlen(a->val[at + 2]) >= GW_IF_NAMELEN)
			return cli_err(out, "Invalid interface name \"%s\"", a->val[at + 2]);
		snprintf(nh.ifname, sizeof(nh.ifname), "%s", a->val[at + 2]);
	}
	bool all = a->neg && a->nval == at + 1;
	return cfg_result(gw_cfg_route6(s->cand, vrf, &pfx, len, all ? NULL : &nh, !a->neg, err),
	                  err, out);
}

static int cmd_ipv6_route(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ipv6_route(s, a, NULL, 0, out);
}

static const struct cli_cmd ipv6_route_cmd = {
    .syntax = "ipv6 route X:X::X/M (X:X::X|null0) [WORD]",
    .no_syntax = "ipv6 route X:X::X/M [(X:X::X|null0)] [WORD]",
    .help = "IPv6|Static route|Destination prefix|Next hop or null0|Interface of the next hop "
            "(needed for a link-local one)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_ipv6_route,
};

static int cmd_ipv6_route_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ipv6_route(s, a, a->val[0], 1, out);
}

static const struct cli_cmd ipv6_route_vrf_cmd = {
    .syntax = "ipv6 route vrf WORD X:X::X/M (X:X::X|null0) [WORD]",
    .no_syntax = "ipv6 route vrf WORD X:X::X/M [(X:X::X|null0)] [WORD]",
    .help = "IPv6|Static route|In a VRF|VRF name|Destination prefix|Next hop (in that VRF) or "
            "null0|Interface of the next hop (needed for a link-local one)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_ipv6_route_vrf,
};

static int cmd_ipv6_neighbor(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6] = {0};
	struct in6_addr ip = cli_ip6(a->val[0]);
	if (a->nval > 1)
		net_mac_parse(a->val[1], mac);
	if (!a->neg || a->nval == 3)
		return cfg_result(gw_cfg_nbr6(s->cand, &ip, mac, a->val[2], !a->neg, err), err,
		                  out);
	/* no ipv6 neighbor X:X::X [MAC]: every static entry for that address */
	bool any = false;
	for (size_t i = s->cand->nbrs6.n; i-- > 0;) {
		struct gw_cfg_nbr6 e = s->cand->nbrs6.v[i];
		if (net_ip6_eq(&e.ip, &ip) && (a->nval < 2 || !memcmp(e.mac, mac, 6))) {
			gw_cfg_nbr6(s->cand, &e.ip, e.mac, e.ifname, false, err);
			any = true;
		}
	}
	return any ? CLI_R_OK : cli_err(out, "no static ipv6 neighbor %s", a->val[0]);
}

static const struct cli_cmd ipv6_neighbor_cmd = {
    .syntax = "ipv6 neighbor X:X::X H:H:H:H:H:H WORD",
    .no_syntax = "ipv6 neighbor X:X::X [H:H:H:H:H:H] [WORD]",
    .help = "IPv6|Static neighbour entry|IPv6 address|MAC address|Interface",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_ipv6_neighbor,
};

static int cmd_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_vrf(s->cand, a->val[0], !a->neg, err), err, out);
}

static const struct cli_cmd vrf_cmd = {
    .syntax = "vrf WORD",
    .help = "Tenant routing table (VRF)|VRF name",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_vrf,
};

static int cmd_arp(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6] = {0};
	uint32_t ip = cli_ip(a->val[0]);
	if (a->nval > 1)
		net_mac_parse(a->val[1], mac);
	if (!a->neg || a->nval == 3)
		return cfg_result(gw_cfg_arp(s->cand, ip, mac, a->val[2], !a->neg, err), err, out);
	/* no arp A.B.C.D: every static entry for that address */
	bool any = false;
	for (size_t i = s->cand->arps.n; i-- > 0;) {
		struct gw_cfg_arp e = s->cand->arps.v[i];
		if (e.ip == ip && (a->nval < 2 || !memcmp(e.mac, mac, 6))) {
			gw_cfg_arp(s->cand, e.ip, e.mac, e.ifname, false, err);
			any = true;
		}
	}
	return any ? CLI_R_OK : cli_err(out, "no static arp for %s", a->val[0]);
}

static const struct cli_cmd arp_cmd = {
    .syntax = "arp A.B.C.D H:H:H:H:H:H WORD",
    .no_syntax = "arp A.B.C.D [H:H:H:H:H:H] [WORD]",
    .help = "Static ARP entry|IPv4 address|MAC address|Interface",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_arp,
};

static int cmd_mac_static(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	net_mac_parse(a->val[0], mac);
	uint32_t bd = cli_u32(a->val[1]);
	if (a->nval > 2 && cli_word_is_ip6(a->val[2])) {
		struct in6_addr vtep = cli_ip6(a->val[2]);
		return cfg_result(gw_cfg_mac6(s->cand, mac, bd, &vtep, !a->neg, err), err, out);
	}
	uint32_t vtep = a->nval > 2 ? cli_ip(a->val[2]) : 0;
	return cfg_result(gw_cfg_mac(s->cand, mac, bd, vtep, !a->neg, err), err, out);
}

static const struct cli_cmd mac_static_cmd = {
    .syntax = "mac-address-table static H:H:H:H:H:H bridge-domain <%u-%u> peer (A.B.C.D|X:X::X)",
    .no_syntax = "mac-address-table static H:H:H:H:H:H bridge-domain <%u-%u> [peer] "
                 "[(A.B.C.D|X:X::X)]",
    .help = "MAC table|Static entry|MAC address|In bridge domain|Bridge-domain id|Behind VTEP|VTEP "
            "address (IPv4 or IPv6)",
    .range = {{1, BD_ID_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_mac_static,
};

static int cmd_mac_static_if(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	net_mac_parse(a->val[0], mac);
	const char *ifname = a->nval > 2 ? a->val[2] : "";
	return cfg_result(gw_cfg_mac_if(s->cand, mac, cli_u32(a->val[1]), ifname, !a->neg, err),
	                  err, out);
}

static const struct cli_cmd mac_static_if_cmd = {
    .syntax = "mac-address-table static H:H:H:H:H:H bridge-domain <%u-%u> interface WORD",
    .no_syntax = "mac-address-table static H:H:H:H:H:H bridge-domain <%u-%u> interface [WORD]",
    .help = "MAC table|Static entry|MAC address|In bridge domain|Bridge-domain id|On a port of "
            "the bridge domain|Interface (bridge-domain N under it)",
    .range = {{1, BD_ID_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_mac_static_if,
};

/* ---------------------------------------------------------------- bridge-domain mode */

static int cmd_vni(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t vni = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_vni(s->cand, s->bd_id, vni, err), err, out);
}

static const struct cli_cmd vni_cmd = {
    .syntax = "vni <%u-%u>",
    .no_syntax = "vni [<%u-%u>]",
    .help = "VXLAN network identifier|VNI",
    .range = {{1, VX_VNI_MAX}},
    .modes = BD,
    .flags = CFG,
    .fn = cmd_vni,
};

static int cmd_flood_peer(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (cli_word_is_ip6(a->val[0])) {
		struct in6_addr vtep = cli_ip6(a->val[0]);
		return cfg_result(gw_cfg_bd_peer6(s->cand, s->bd_id, &vtep, !a->neg, err), err,
		                  out);
	}
	return cfg_result(gw_cfg_bd_peer(s->cand, s->bd_id, cli_ip(a->val[0]), !a->neg, err), err,
	                  out);
}

static const struct cli_cmd flood_peer_cmd = {
    .syntax = "flood-peer (A.B.C.D|X:X::X)",
    .help = "Head-end replication peer (and allowed VTEP)|VTEP address (IPv4 or IPv6)",
    .modes = BD,
    .flags = CFG,
    .fn = cmd_flood_peer,
};

static int cmd_flood_group(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (!a->neg && cli_word_is_ip6(a->val[0])) {
		struct in6_addr g = cli_ip6(a->val[0]);
		return cfg_result(gw_cfg_bd_set_group6(s->cand, s->bd_id, &g, err), err, out);
	}
	uint32_t g = a->neg ? 0 : cli_ip(a->val[0]);
	return cfg_result(gw_cfg_bd_set_group(s->cand, s->bd_id, g, err), err, out);
}

static const struct cli_cmd flood_group_cmd = {
    .syntax = "flood-group (A.B.C.D|X:X::X)",
    .no_syntax = "flood-group [(A.B.C.D|X:X::X)]",
    .help = "Underlay multicast group for BUM traffic|Group address (IPv4, or IPv6 of scope "
            "admin-local or wider)",
    .modes = BD,
    .flags = CFG,
    .fn = cmd_flood_group,
};

static int cmd_mac_aging(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t v = a->neg ? BD_MAC_AGING_DEFAULT : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_aging(s->cand, s->bd_id, v, err), err, out);
}

static const struct cli_cmd mac_aging_cmd = {
    .syntax = "mac-aging <%u-%u>",
    .no_syntax = "mac-aging [<%u-%u>]",
    .help = "MAC ageing time|Seconds (0: never)",
    .range = {{0, BD_MAC_AGING_MAX}},
    .modes = BD,
    .flags = CFG,
    .fn = cmd_mac_aging,
};

static int cmd_mac_limit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t v = a->neg ? BD_MAC_LIMIT_DEFAULT : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_limit(s->cand, s->bd_id, v, err), err, out);
}

static const struct cli_cmd mac_limit_cmd = {
    .syntax = "mac-limit <%u-%u>",
    .no_syntax = "mac-limit [<%u-%u>]",
    .help = "Most MACs learned in this bridge domain|Entries",
    .range = {{1, BD_MAC_LIMIT_MAX}},
    .modes = BD,
    .flags = CFG,
    .fn = cmd_mac_limit,
};

/* ---------------------------------------------------------------- interface mode */

static int cmd_ip_address(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = 0;
	uint8_t len = 0;
	if (a->nval > 0)
		net_prefix_parse(a->val[0], &addr, &len);
	bool secondary = a->argc > 0 && !strcmp(a->argv[a->argc - 1], "secondary");
	enum gw_cfg_addr_op op = a->neg      ? GW_CFG_ADDR_DEL
	                         : secondary ? GW_CFG_ADDR_SECONDARY
	                                     : GW_CFG_ADDR_PRIMARY;
	return cfg_result(gw_cfg_if_addr(s->cand, s->ifname, addr, len, op, err), err, out);
}

static const struct cli_cmd ip_address_cmd = {
    .syntax = "ip address A.B.C.D/M [secondary]",
    .no_syntax = "ip address [A.B.C.D/M] [secondary]",
    .help = "IP|Interface address|Address/length|Another address",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_ip_address,
};

static int cmd_ipv6_address(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	struct in6_addr addr;
	uint8_t len = 0;
	if (a->nval > 0)
		net_ip6_prefix_parse(a->val[0], &addr, &len);
	const struct in6_addr *which = a->nval > 0 ? &addr : NULL;
	return cfg_result(gw_cfg_if_addr6(s->cand, s->ifname, which, len, !a->neg, err), err, out);
}

static const struct cli_cmd ipv6_address_cmd = {
    .syntax = "ipv6 address X:X::X/M",
    .no_syntax = "ipv6 address [X:X::X/M]",
    .help = "IPv6|Interface address (no without one: every IPv6 address)|Global address/length",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_ipv6_address,
};

static int cmd_ipv6_ll(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	struct in6_addr ll = cli_ip6(a->val[0]);
	const struct gw_cfg_if *i = gw_cfg_if_find(s->cand, s->ifname);
	if (a->neg && i && (!i->ll6_set || !net_ip6_eq(&i->ll6, &ll)))
		return cli_err(out, "%s is not the link-local address of %s", a->val[0], s->ifname);
	return cfg_result(gw_cfg_if_set_ll6(s->cand, s->ifname, a->neg ? NULL : &ll, err), err,
	                  out);
}

static const struct cli_cmd ipv6_ll_cmd = {
    .syntax = "ipv6 address X:X::X link-local",
    .help = "IPv6|Interface address|Link-local address (fe80::/10)|Instead of the one derived "
            "from the MAC",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_ipv6_ll,
};

static int cmd_suppress_ra(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_suppress_ra(s->cand, s->ifname, !a->neg, err), err, out);
}

static const struct cli_cmd suppress_ra_cmd = {
    .syntax = "ipv6 nd suppress-ra",
    .help = "IPv6|Neighbour discovery|No router advertisements (no: send them, also on an "
            "uplink)",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_suppress_ra,
};

static int cmd_ra_interval(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t secs = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_ra_interval(s->cand, s->ifname, secs, err), err, out);
}

static const struct cli_cmd ra_interval_cmd = {
    .syntax = "ipv6 nd ra-interval <%u-%u>",
    .no_syntax = "ipv6 nd ra-interval [<%u-%u>]",
    .help = "IPv6|Neighbour discovery|Most time between router advertisements|Seconds",
    .range = {{GW_ND_RA_INTERVAL_MIN, GW_ND_RA_INTERVAL_MAX}},
    .modes = IF,
    .flags = CFG,
    .fn = cmd_ra_interval,
};

static int cmd_ra_lifetime(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t secs = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_ra_lifetime(s->cand, s->ifname, !a->neg, secs, err), err,
	                  out);
}

static const struct cli_cmd ra_lifetime_cmd = {
    .syntax = "ipv6 nd ra-lifetime <%u-%u>",
    .no_syntax = "ipv6 nd ra-lifetime [<%u-%u>]",
    .help = "IPv6|Neighbour discovery|Router lifetime in the advertisements|Seconds (0: not a "
            "default router)",
    .range = {{0, GW_ND_RA_LIFETIME_MAX}},
    .modes = IF,
    .flags = CFG,
    .fn = cmd_ra_lifetime,
};

/* ipv6 nd managed-config-flag | other-config-flag: the flag is the third word */
static int cmd_nd_flag(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	const char *word = a->argv[a->neg ? 3 : 2];
	enum gw_cfg_nd_flag f =
	    !strcmp(word, "managed-config-flag") ? GW_CFG_ND_MANAGED : GW_CFG_ND_OTHER;
	return cfg_result(gw_cfg_if_set_nd_flag(s->cand, s->ifname, f, !a->neg, err), err, out);
}

static const struct cli_cmd nd_managed_cmd = {
    .syntax = "ipv6 nd managed-config-flag",
    .help = "IPv6|Neighbour discovery|M flag: hosts get addresses by DHCPv6",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_nd_flag,
};

static const struct cli_cmd nd_other_cmd = {
    .syntax = "ipv6 nd other-config-flag",
    .help = "IPv6|Neighbour discovery|O flag: hosts get other settings by DHCPv6",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_nd_flag,
};

#define ND_PREFIX_FLAG "[(no-autoconfig|off-link|no-advertise)]"
#define ND_PREFIX_HELP "no-autoconfig: no SLAAC, off-link: not on this link, no-advertise: left out"

static int cmd_nd_prefix(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	struct gw_nd_prefix p;
	memset(&p, 0, sizeof(p));
	net_ip6_prefix_parse(a->val[0], &p.pfx, &p.len);
	for (int k = 1; k < a->nval; k++) {
		p.no_autoconfig |= !strcmp(a->val[k], "no-autoconfig");
		p.off_link |= !strcmp(a->val[k], "off-link");
		p.no_advertise |= !strcmp(a->val[k], "no-advertise");
	}
	return cfg_result(gw_cfg_if_nd_prefix(s->cand, s->ifname, &p, !a->neg, err), err, out);
}

static const struct cli_cmd nd_prefix_cmd = {
    .syntax = "ipv6 nd prefix X:X::X/M " ND_PREFIX_FLAG " " ND_PREFIX_FLAG " " ND_PREFIX_FLAG,
    .help = "IPv6|Neighbour discovery|Settings of an advertised prefix|Prefix|" ND_PREFIX_HELP
            "|" ND_PREFIX_HELP "|" ND_PREFIX_HELP,
    .modes = IF,
    .flags = CFG,
    .fn = cmd_nd_prefix,
};

static int cmd_if_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	if (!a->neg)
		net_mac_parse(a->val[0], mac);
	return cfg_result(gw_cfg_if_set_mac(s->cand, s->ifname, a->neg ? NULL : mac, err), err,
	                  out);
}

static const struct cli_cmd if_mac_cmd = {
    .syntax = "mac-address H:H:H:H:H:H",
    .no_syntax = "mac-address [H:H:H:H:H:H]",
    .help = "Interface MAC address|MAC",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_if_mac,
};

static int cmd_mtu(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t mtu = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_mtu(s->cand, s->ifname, mtu, err), err, out);
}

static const struct cli_cmd mtu_cmd = {
    .syntax = "mtu <%u-%u>",
    .no_syntax = "mtu [<%u-%u>]",
    .help = "IP MTU|Bytes",
    .range = {{GW_MTU_MIN, GW_MTU_MAX}},
    .modes = IF,
    .flags = CFG,
    .fn = cmd_mtu,
};

static int cmd_if_io(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_io_socket(s->cand, s->ifname, !a->neg, err), err, out);
}

static const struct cli_cmd if_io_cmd = {
    .syntax = "dataplane io socket",
    .no_syntax = "dataplane io [socket]",
    .help = "Data plane (packet forwarding)|How the netdev's frames reach the gateway (default "
            "and no: as the global dataplane io)|The kernel's packet sockets, even with "
            "dataplane io xdp (no XDP program on this netdev)",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_if_io,
};

static int cmd_shutdown(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_shutdown(s->cand, s->ifname, !a->neg, err), err, out);
}

static const struct cli_cmd shutdown_cmd = {
    .syntax = "shutdown",
    .help = "Disable the interface",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_shutdown,
};

static int cmd_encapsulation(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t vlan = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_dot1q(s->cand, s->ifname, vlan, err), err, out);
}

static const struct cli_cmd encapsulation_cmd = {
    .syntax = "encapsulation dot1q <%u-%u>",
    .no_syntax = "encapsulation dot1q [<%u-%u>]",
    .help = "Sub-interface encapsulation|IEEE 802.1Q VLAN tagging|VLAN id",
    .range = {{1, GW_VLAN_MAX}},
    .modes = IF,
    .flags = CFG,
    .fn = cmd_encapsulation,
};

static int cmd_if_bridge_domain(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t bd = a->neg ? 0 : cli_u32(a->val[0]);
	/* `no bridge-domain [N]`: an L3 interface again; a number given must be the current one */
	const struct gw_cfg_if *i = gw_cfg_if_find(s->cand, s->ifname);
	if (a->neg && a->nval && i && i->l2_bd != cli_u32(a->val[0]))
		return cli_err(out, "%s is not a port of bridge-domain %s", s->ifname, a->val[0]);
	return cfg_result(gw_cfg_if_set_l2_bd(s->cand, s->ifname, bd, err), err, out);
}

static const struct cli_cmd if_bridge_domain_cmd = {
    .syntax = "bridge-domain <%u-%u>",
    .no_syntax = "bridge-domain [<%u-%u>]",
    .help = "Make this interface an L2 port of a bridge domain (L2 gateway)|Bridge-domain id",
    .range = {{1, BD_ID_MAX}},
    .modes = IF,
    .flags = CFG,
    .fn = cmd_if_bridge_domain,
};

static int cmd_if_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	/* `no vrf [NAME]`: back to the default VRF; a name given must be the current one */
	const struct gw_cfg_if *i = gw_cfg_if_find(s->cand, s->ifname);
	const char *cur = i && i->vrf[0] ? i->vrf : "default";
	if (a->neg && a->nval && strcmp(cur, a->val[0]))
		return cli_err(out, "%s is not in vrf %s", s->ifname, a->val[0]);
	const char *vrf = a->neg ? NULL : a->val[0];
	return cfg_result(gw_cfg_if_set_vrf(s->cand, s->ifname, vrf, err), err, out);
}

static const struct cli_cmd if_vrf_cmd = {
    .syntax = "vrf WORD",
    .no_syntax = "vrf [WORD]",
    .help = "Put the interface in a VRF|VRF name",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_if_vrf,
};

static int cmd_if_anycast(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_anycast(s->cand, s->ifname, !a->neg, err), err, out);
}

static const struct cli_cmd if_anycast_cmd = {
    .syntax = "fabric forwarding mode anycast-gateway",
    .help = "Fabric settings|Forwarding of this interface|Mode|Distributed anycast gateway (BDIF): "
            "the fabric anycast-gateway-mac",
    .modes = IF,
    .flags = CFG,
    .fn = cmd_if_anycast,
};

/* ---------------------------------------------------------------- management */

static int cmd_username(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	const char *hash = a->nval > 1 ? a->val[1] : "";
	return cfg_result(gw_cfg_user(s->cand, a->val[0], hash, !a->neg, err), err, out);
}

static const struct cli_cmd username_cmd = {
    .syntax = "username WORD secret WORD",
    .no_syntax = "username WORD [secret] [WORD]",
    .help = "A telnet login|User name|Its password as a hash|crypt(3) SHA-512 hash ($6$...)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_username,
};

static int cmd_enable_secret(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_set_enable_secret(s->cand, a->neg ? NULL : a->val[0], err), err,
	                  out);
}

static const struct cli_cmd enable_secret_cmd = {
    .syntax = "enable secret WORD",
    .no_syntax = "enable secret [WORD]",
    .help = "Privileged level password|As a hash|crypt(3) SHA-512 hash ($6$...)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_enable_secret,
};

static int cmd_line_vty(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (gw_cfg_set_vty(s->cand, !a->neg, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	if (!a->neg)
		s->mode = CLI_MODE_VTY;
	return CLI_R_OK;
}

static const struct cli_cmd line_vty_cmd = {
    .syntax = "line vty",
    .help = "Terminal lines|Virtual terminals (telnet)",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_line_vty,
};

static int cmd_telnet_listen(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = a->neg ? 0 : cli_ip(a->val[0]);
	uint32_t port = a->neg ? 0 : cli_u32(a->val[1]);
	return cfg_result(gw_cfg_set_telnet(s->cand, addr, port, err), err, out);
}

static const struct cli_cmd telnet_listen_cmd = {
    .syntax = "telnet listen A.B.C.D <%u-%u>",
    .no_syntax = "telnet listen [A.B.C.D] [<%u-%u>]",
    .help = "Telnet server|Listen for connections|Local address|TCP port",
    .range = {{1, GW_CFG_PORT_MAX}},
    .modes = VTY,
    .flags = CFG,
    .fn = cmd_telnet_listen,
};

static int cmd_exec_timeout(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t secs = GW_CFG_VTY_TIMEOUT_DEFAULT;
	if (!a->neg)
		secs = cli_u32(a->val[0]) * MINUTE + (a->nval > 1 ? cli_u32(a->val[1]) : 0);
	return cfg_result(gw_cfg_set_vty_timeout(s->cand, secs, err), err, out);
}

static const struct cli_cmd exec_timeout_cmd = {
    .syntax = "exec-timeout <%u-%u> [<%u-%u>]",
    .no_syntax = "exec-timeout [<%u-%u>] [<%u-%u>]",
    .help = "Idle session timeout|Minutes (0: never)|Seconds",
    .range = {{0, GW_CFG_VTY_TIMEOUT_MAX / MINUTE}, {0, MINUTE - 1}},
    .modes = VTY,
    .flags = CFG,
    .fn = cmd_exec_timeout,
};

static int cmd_metrics_listen(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = a->neg ? 0 : cli_ip(a->val[0]);
	uint32_t port = a->neg ? 0 : cli_u32(a->val[1]);
	return cfg_result(gw_cfg_set_metrics(s->cand, addr, port, err), err, out);
}

static const struct cli_cmd metrics_listen_cmd = {
    .syntax = "metrics listen A.B.C.D <%u-%u>",
    .no_syntax = "metrics listen [A.B.C.D] [<%u-%u>]",
    .help = "Prometheus metrics endpoint (HTTP GET /metrics)|Listen for scrapes|Local address "
            "(0.0.0.0: any)|TCP port",
    .range = {{1, GW_CFG_PORT_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_metrics_listen,
};

static int cmd_dataplane_workers(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	/* the word is in range already; the model checks it again for other callers */
	int n = a->neg ? GW_CFG_WORKERS_AUTO : (int)cli_u32(a->val[0]);
	return cfg_result(gw_cfg_set_workers(s->cand, n, err), err, out);
}

static const struct cli_cmd dataplane_workers_cmd = {
    .syntax = "dataplane workers <%u-%u>",
    .no_syntax = "dataplane workers [<%u-%u>]",
    .help = "Data plane (packet forwarding)|Forwarding threads sharing the traffic (default and "
            "no: one per online CPU)|Threads (0: none, the main thread forwards every packet)",
    .range = {{0, GW_CFG_WORKERS_MAX}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_dataplane_workers,
};

/* dataplane io's words, by enum gw_cfg_io (render.c and show.c print them too) */
static const char *const io_words[] = {
    [GW_CFG_IO_SOCKET] = "socket",
    [GW_CFG_IO_AUTO] = "auto",
    [GW_CFG_IO_XDP] = "xdp",
};

const char *cli_io_word(enum gw_cfg_io io)
{
	size_t n = sizeof(io_words) / sizeof(io_words[0]);
	return (size_t)io < n && io_words[io] ? io_words[io] : "?";
}

static enum gw_cfg_io io_of_word(const char *w)
{
	for (size_t i = 0; i < sizeof(io_words) / sizeof(io_words[0]); i++)
		if (io_words[i] && !strcmp(io_words[i], w))
			return (enum gw_cfg_io)i;
	return GW_CFG_IO_SOCKET; /* not reached: the grammar took one of the words */
}

static int cmd_dataplane_io(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	enum gw_cfg_io io = a->neg ? GW_CFG_IO_SOCKET : io_of_word(a->val[0]);
	return cfg_result(gw_cfg_set_io(s->cand, io, err), err, out);
}

static const struct cli_cmd dataplane_io_cmd = {
    .syntax = "dataplane io (auto|xdp|socket)",
    .no_syntax = "dataplane io [(auto|xdp|socket)]",
    .help = "Data plane (packet forwarding)|How the underlay's packets reach the gateway (default "
            "and no: socket)|AF_XDP where the netdev takes it, else sockets;AF_XDP sockets fed by "
            "vxgw's XDP program (an error when unavailable);The kernel's UDP and raw sockets",
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_dataplane_io,
};

/*
 * dataplane busy-poll [USEC]: the grammar's range starts at 0 so that 0 reaches this
 * handler, which refuses it saying how to turn busy polling off (the model takes 0 as
 * off, the value of `no`); without a number, GW_CFG_BUSY_POLL_DEFAULT_US.
 */
static int cmd_dataplane_busy_poll(struct cli_sess *s, const struct cli_args *a,
                                   struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t usecs = GW_CFG_BUSY_POLL_DEFAULT_US;
	if (a->neg)
		usecs = 0;
	else if (a->nval > 0)
		usecs = cli_u32(a->val[0]);
	if (!a->neg && usecs == 0)
		return cli_err(out,
		               "Invalid value \"%s\": out of range 1-%d (no dataplane busy-poll "
		               "turns busy polling off)",
		               a->val[0], GW_CFG_BUSY_POLL_MAX_US);
	return cfg_result(gw_cfg_set_busy_poll(s->cand, usecs, err), err, out);
}

/* the model's bounds in the help text, as numbers (both are plain integer literals) */
#define BUSY_POLL_TEXT(n)  BUSY_POLL_TEXT_(n)
#define BUSY_POLL_TEXT_(n) #n
#define BUSY_POLL_USEC_HELP                                                                        \
	"Microseconds each poll may spin, 1-" BUSY_POLL_TEXT(                                      \
	    GW_CFG_BUSY_POLL_MAX_US) " (without: " BUSY_POLL_TEXT(GW_CFG_BUSY_POLL_DEFAULT_US) ")"

static const struct cli_cmd dataplane_busy_poll_cmd = {
    .syntax = "dataplane busy-poll [<%u-%u>]",
    .no_syntax = "dataplane busy-poll [<%u-%u>]",
    .help = "Data plane (packet forwarding)|Workers poll their AF_XDP sockets instead of sleeping "
            "(default and no: off)|" BUSY_POLL_USEC_HELP,
    .range = {{0, GW_CFG_BUSY_POLL_MAX_US}},
    .modes = CONFIG,
    .flags = CFG,
    .fn = cmd_dataplane_busy_poll,
};

/* ---------------------------------------------------------------- the sections */

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_mode_cmds[] = {
    &enable_cmd, &disable_cmd, &configure_cmd, &exit_cmd, &quit_cmd,
    &end_cmd,    &write_cmd,   &copy_cmd,      NULL,
};

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_config_cmds[] = {
    &hostname_cmd,
    &vxlan_source_cmd,
    &vxlan_port_cmd,
    &vxlan_dscp_cmd,
    &vxlan_udp6_zero_cmd,
    &anycast_mac_cmd,
    &bridge_domain_cmd,
    &if_bdif_cmd,
    &if_eth_cmd,
    &ip_route_cmd,
    &ip_route_vrf_cmd,
    &ipv6_route_cmd,
    &ipv6_route_vrf_cmd,
    &vrf_cmd,
    &arp_cmd,
    &ipv6_neighbor_cmd,
    &mac_static_cmd,
    &mac_static_if_cmd,
    &username_cmd,
    &enable_secret_cmd,
    &line_vty_cmd,
    &telnet_listen_cmd,
    &exec_timeout_cmd,
    &metrics_listen_cmd,
    &dataplane_workers_cmd,
    &dataplane_io_cmd,
    &dataplane_busy_poll_cmd,
    &vni_cmd,
    &flood_peer_cmd,
    &flood_group_cmd,
    &mac_aging_cmd,
    &mac_limit_cmd,
    &ip_address_cmd,
    &ipv6_address_cmd,
    &ipv6_ll_cmd,
    &suppress_ra_cmd,
    &ra_interval_cmd,
    &ra_lifetime_cmd,
    &nd_managed_cmd,
    &nd_other_cmd,
    &nd_prefix_cmd,
    &if_mac_cmd,
    &mtu_cmd,
    &if_io_cmd,
    &shutdown_cmd,
    &encapsulation_cmd,
    &if_bridge_domain_cmd,
    &if_vrf_cmd,
    &if_anycast_cmd,
    NULL,
};
